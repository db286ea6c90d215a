//! Small helpers: an order-preserving JSON object writer, a seeded PRNG, decimal formatting,
//! wall-clock time and percent-decoding.

use std::fmt::{Display, Write};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub(crate) use crate::util::{hash_str, lock, mix};

/// Milliseconds since the Unix epoch, wall clock.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A JSON string literal (quoted, escaped).
pub(crate) fn jstr(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Builds a JSON object with keys in insertion order (the documented payloads list fields in
/// a fixed order; `serde_json::Map` would sort them).
#[derive(Debug, Default)]
pub(crate) struct Obj {
    buf: String,
}

impl Obj {
    pub(crate) fn new() -> Self {
        Self {
            buf: String::with_capacity(128),
        }
    }

    fn key(&mut self, k: &str) {
        self.buf.push(if self.buf.is_empty() { '{' } else { ',' });
        self.buf.push_str(&jstr(k));
        self.buf.push(':');
    }

    /// A string value.
    pub(crate) fn s(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        self.buf.push_str(&jstr(v));
        self
    }

    /// A number (or any value whose `Display` is valid JSON).
    pub(crate) fn n(mut self, k: &str, v: impl Display) -> Self {
        self.key(k);
        let _ = write!(self.buf, "{v}");
        self
    }

    /// A boolean.
    pub(crate) fn b(self, k: &str, v: bool) -> Self {
        self.n(k, v)
    }

    /// `null`.
    pub(crate) fn null(self, k: &str) -> Self {
        self.n(k, "null")
    }

    /// A decimal rendered as a string with 8 decimals (`"0.10000000"`).
    pub(crate) fn d(self, k: &str, v: Decimal) -> Self {
        let text = fmt8(v);
        self.s(k, &text)
    }

    /// Pre-serialized JSON.
    pub(crate) fn raw(mut self, k: &str, json: &str) -> Self {
        self.key(k);
        self.buf.push_str(json);
        self
    }

    pub(crate) fn finish(mut self) -> String {
        if self.buf.is_empty() {
            return "{}".to_owned();
        }
        self.buf.push('}');
        self.buf
    }
}

/// A JSON array of pre-serialized items.
pub(crate) fn arr<I: IntoIterator<Item = String>>(items: I) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// `[["price","qty"],..]` for book levels.
pub(crate) fn levels_json(levels: &[(String, String)]) -> String {
    arr(levels
        .iter()
        .map(|(p, q)| format!("[{},{}]", jstr(p), jstr(q))))
}

/// A decimal with exactly 8 decimals, the precision of Binance's spot assets.
pub(crate) fn fmt8(v: Decimal) -> String {
    fmt_dp(v, 8)
}

/// A decimal with exactly `dp` decimals (rounded half away from zero).
pub(crate) fn fmt_dp(v: Decimal, dp: u32) -> String {
    let mut r = v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r.to_string()
}

/// `units × size` as a decimal (ticks to price, steps to quantity).
pub(crate) fn scaled(units: i64, size: Decimal) -> Decimal {
    Decimal::from(units)
        .checked_mul(size)
        .unwrap_or(Decimal::MAX)
}

/// `value / size` as whole units when `value` is an exact multiple of `size`.
pub(crate) fn to_units(value: Decimal, size: Decimal) -> Option<i64> {
    if size.is_zero() {
        return None;
    }
    let q = value.checked_div(size)?;
    if !q.fract().is_zero() {
        return None;
    }
    q.to_i64()
}

/// `floor(value / size)` as whole units.
pub(crate) fn floor_units(value: Decimal, size: Decimal) -> i64 {
    if size.is_zero() {
        return 0;
    }
    value
        .checked_div(size)
        .and_then(|q| q.floor().to_i64())
        .unwrap_or(0)
}

/// SplitMix64: tiny, fast, deterministic; good enough for a market simulation.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `lo..=hi` (returns `lo` when `hi <= lo`).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.saturating_add_unsigned(self.next_u64() % span)
    }

    /// True with probability `percent` / 100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`). Invalid escapes are kept.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A 22-character alphanumeric id like Binance's generated client order ids.
pub(crate) fn client_id(seed: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut state = seed;
    let mut out = String::with_capacity(22);
    for _ in 0..22 {
        state = mix(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
        let idx = usize::try_from(state % 62).unwrap_or(0);
        out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'x')));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obj_keeps_order_and_escapes() {
        let json = Obj::new()
            .s("e", "tr\"ade")
            .n("E", 5)
            .b("m", true)
            .null("N")
            .finish();
        assert_eq!(json, r#"{"e":"tr\"ade","E":5,"m":true,"N":null}"#);
        assert_eq!(Obj::new().finish(), "{}");
        assert_eq!(arr(vec!["1".to_owned(), "2".to_owned()]), "[1,2]");
    }

    #[test]
    fn decimals() {
        assert_eq!(fmt8(Decimal::new(1, 1)), "0.10000000");
        assert_eq!(fmt8(Decimal::new(123_456_789_123, 10)), "12.34567891");
        assert_eq!(fmt_dp(Decimal::new(-95_96, 2), 3), "-95.960");
        assert_eq!(
            to_units(Decimal::new(6_000_001, 2), Decimal::new(1, 2)),
            Some(6_000_001)
        );
        assert_eq!(
            to_units(Decimal::new(60_000_001, 3), Decimal::new(1, 2)),
            None
        );
        assert_eq!(floor_units(Decimal::new(1_999, 3), Decimal::new(1, 2)), 199);
        assert_eq!(scaled(3, Decimal::new(1, 5)).to_string(), "0.00003");
    }

    #[test]
    fn rng_is_deterministic() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(1);
        for _ in 0..100 {
            let x = a.range(-3, 3);
            assert_eq!(x, b.range(-3, 3));
            assert!((-3..=3).contains(&x));
        }
        assert_eq!(a.range(5, 5), 5);
    }

    #[test]
    fn decodes_percent() {
        assert_eq!(percent_decode("%5B%22A%22%5D", false), "[\"A\"]");
        assert_eq!(percent_decode("a+b%2", true), "a b%2");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(client_id(1).len(), 22);
        assert_ne!(client_id(1), client_id(2));
    }
}
