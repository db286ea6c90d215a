//! [`PreparedRequest`]: a request with its final query, headers and body, as a
//! [`RequestSigner`](crate::RequestSigner) sees it just before sending.

use std::borrow::Cow;
use std::fmt;

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use crate::{Params, RestError};

/// A request body.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document (sent as `application/json`).
    Json(String),
    /// Form fields (sent as `application/x-www-form-urlencoded`), in order; signers may append.
    Form(Params),
    /// Raw bytes with their content type.
    Raw {
        /// The bytes.
        bytes: Vec<u8>,
        /// The `Content-Type`.
        content_type: String,
    },
}

impl Body {
    /// The bytes to send (`Form` encoded in order); empty for [`Body::Empty`].
    pub fn to_bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Body::Empty => Cow::Borrowed(&[]),
            Body::Json(s) => Cow::Borrowed(s.as_bytes()),
            Body::Form(p) => Cow::Owned(p.to_query_string().into_bytes()),
            Body::Raw { bytes, .. } => Cow::Borrowed(bytes),
        }
    }

    /// The body as text (lossy for non-UTF-8 raw bodies): what venues sign.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Body::Empty => Cow::Borrowed(""),
            Body::Json(s) => Cow::Borrowed(s),
            Body::Form(p) => Cow::Owned(p.to_query_string()),
            Body::Raw { bytes, .. } => String::from_utf8_lossy(bytes),
        }
    }

    /// Whether there is no body.
    pub fn is_empty(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Json(s) => s.is_empty(),
            Body::Form(p) => p.is_empty(),
            Body::Raw { bytes, .. } => bytes.is_empty(),
        }
    }

    /// The `Content-Type` to send, if any.
    pub fn content_type(&self) -> Option<&str> {
        match self {
            Body::Empty => None,
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Raw { content_type, .. } => Some(content_type),
        }
    }
}

impl fmt::Debug for Body {
    /// Kind and length only: bodies may carry signatures or keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(s) => write!(f, "Json({} bytes)", s.len()),
            Body::Form(p) => write!(f, "Form({p:?})"),
            Body::Raw {
                bytes,
                content_type,
            } => write!(f, "Raw({content_type}, {} bytes)", bytes.len()),
        }
    }
}

/// A request about to be sent: method, path (as given to the client, without the base URL),
/// query parameters in order, headers (client defaults plus the request's own), body and the
/// request's timestamp.
///
/// A [`RequestSigner`](crate::RequestSigner) reads it and adds headers or parameters; the URL is
/// built from it afterwards, so what was signed is exactly what is sent.
///
/// `Debug` shows method, path, parameter keys and header names only.
#[derive(Clone)]
pub struct PreparedRequest {
    /// HTTP method.
    pub method: Method,
    /// The path as given (e.g. `/api/v3/order`), without base URL and without query.
    pub path: String,
    /// Query parameters, in order.
    pub query: Params,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Body,
    /// Milliseconds since the Unix epoch when the request was prepared (or as set with
    /// [`RequestBuilder::timestamp_ms`](crate::RequestBuilder::timestamp_ms)), for signers that
    /// send a timestamp (Binance `timestamp`, OKX `OK-ACCESS-TIMESTAMP`, …).
    pub timestamp_ms: i64,
}

impl PreparedRequest {
    /// The query string, encoded in order, without `?` (empty when there are no parameters).
    pub fn query_string(&self) -> String {
        self.query.to_query_string()
    }

    /// `path` plus `?query` when there is a query (what OKX, KuCoin and Coinbase sign).
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query_string())
        }
    }

    /// The body as text (what venues sign), empty if none.
    pub fn body_text(&self) -> Cow<'_, str> {
        self.body.to_text()
    }

    /// Sets a header, replacing any value. The value is marked sensitive (a secret may be in it).
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), RestError> {
        let (name, value) = header_pair(name, value)?;
        self.headers.insert(name, value);
        Ok(())
    }

    pub(crate) fn content_type_header(&mut self) -> Result<(), RestError> {
        if self.headers.contains_key(CONTENT_TYPE) {
            return Ok(());
        }
        if let Some(ct) = self.body.content_type() {
            let ct = HeaderValue::from_str(ct)
                .map_err(|_| RestError::InvalidRequest("invalid content type".into()))?;
            self.headers.insert(CONTENT_TYPE, ct);
        }
        Ok(())
    }
}

/// Parses a header pair; the value is marked sensitive. Errors name the header, never the value.
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), RestError> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| RestError::InvalidRequest(format!("invalid header name {name:?}")))?;
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| RestError::InvalidRequest(format!("invalid value for header {name}")))?;
    value.set_sensitive(true);
    Ok((name, value))
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("timestamp_ms", &self.timestamp_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> PreparedRequest {
        PreparedRequest {
            method: Method::GET,
            path: "/api/v5/account/balance".into(),
            query: Params::new().with("ccy", "BTC"),
            headers: HeaderMap::new(),
            body: Body::Empty,
            timestamp_ms: 0,
        }
    }

    #[test]
    fn path_and_query() {
        let mut r = req();
        assert_eq!(r.path_and_query(), "/api/v5/account/balance?ccy=BTC");
        r.query = Params::new();
        assert_eq!(r.path_and_query(), "/api/v5/account/balance");
    }

    #[test]
    fn headers_are_sensitive_and_hidden() {
        let mut r = req();
        r.set_header("OK-ACCESS-KEY", "secret-key-value").unwrap();
        assert!(r.headers["ok-access-key"].is_sensitive());
        let d = format!("{r:?}");
        assert!(
            d.contains("ok-access-key") && !d.contains("secret-key-value"),
            "{d}"
        );
        let e = r.set_header("X", "bad\nvalue-secret").unwrap_err();
        assert!(!e.to_string().contains("value-secret"));
        assert!(r.set_header("bad header", "v").is_err());
    }

    #[test]
    fn body_forms() {
        let b = Body::Form(Params::new().with("a", 1).with("b", "x y"));
        assert_eq!(b.to_text(), "a=1&b=x+y");
        assert_eq!(&*b.to_bytes(), b"a=1&b=x+y");
        assert_eq!(b.content_type(), Some("application/x-www-form-urlencoded"));
        assert!(Body::Empty.is_empty() && Body::Empty.content_type().is_none());
        let j = Body::Json(r#"{"secret":"x"}"#.into());
        assert_eq!(format!("{j:?}"), "Json(14 bytes)");
    }
}
