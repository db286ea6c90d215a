//! [`Params`]: ordered `key=value` pairs for query strings and form bodies.

use std::fmt;

/// Ordered `key=value` pairs, encoded as `application/x-www-form-urlencoded` in insertion order.
///
/// Order matters: venues sign the exact query string (Binance signs `totalParams` byte for
/// byte), so the string a [`RequestSigner`](crate::RequestSigner) signs is the string sent.
///
/// ```
/// use tradewire_rest::Params;
///
/// let p = Params::new()
///     .with("symbol", "BTCUSDT")
///     .with("limit", 5)
///     .with_opt("fromId", None::<u64>)
///     .with("note", "a b&c");
/// assert_eq!(p.to_query_string(), "symbol=BTCUSDT&limit=5&note=a+b%26c");
/// assert_eq!(p.get("limit"), Some("5"));
/// ```
///
/// `Debug` prints the keys only: values may carry API keys or signatures.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// Appends `key=value` (a key may repeat; nothing is replaced).
    pub fn push(&mut self, key: impl Into<String>, value: impl fmt::Display) -> &mut Self {
        self.pairs.push((key.into(), value.to_string()));
        self
    }

    /// Appends `key=value` (builder style).
    pub fn with(mut self, key: impl Into<String>, value: impl fmt::Display) -> Self {
        self.push(key, value);
        self
    }

    /// Appends `key=value` when `value` is `Some`.
    pub fn with_opt(self, key: impl Into<String>, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// Appends every pair of `pairs`, in order.
    pub fn extend<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: &[(K, V)]) -> &mut Self {
        self.pairs.extend(
            pairs
                .iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())),
        );
        self
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is present.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pairs, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// The pairs form-urlencoded in insertion order (`a=1&b=x+y`), without a leading `?`.
    pub fn to_query_string(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            s.append_pair(k, v);
        }
        s.finish()
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pairs.iter().map(|(k, _)| k))
            .finish()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> From<&[(K, V)]> for Params {
    fn from(pairs: &[(K, V)]) -> Self {
        let mut p = Params::new();
        p.extend(pairs);
        p
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> From<&[(K, V); N]> for Params {
    fn from(pairs: &[(K, V); N]) -> Self {
        Params::from(&pairs[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_insertion_order_and_keys_repeat() {
        let mut p = Params::from(&[("b", "2"), ("a", "1")]);
        p.push("b", 3);
        assert_eq!(p.to_query_string(), "b=2&a=1&b=3");
        assert_eq!(p.get("b"), Some("2"));
        assert_eq!(p.len(), 3);
        assert!(!p.contains("c"));
    }

    #[test]
    fn encoding_matches_form_urlencoded() {
        // Binance's Unicode example (SIGNED endpoint security, rest-api.md): "１２３４５６".
        let p = Params::new()
            .with("symbol", "１２３４５６")
            .with("x", "+/=*-._~");
        assert_eq!(
            p.to_query_string(),
            "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&x=%2B%2F%3D*-._%7E"
        );
        assert_eq!(Params::new().to_query_string(), "");
    }

    #[test]
    fn debug_shows_keys_only() {
        let p = Params::new().with("apiKey", "very-secret-value");
        let d = format!("{p:?}");
        assert!(
            d.contains("apiKey") && !d.contains("very-secret-value"),
            "{d}"
        );
    }
}
