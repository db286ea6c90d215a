//! [`RestError`], the pluggable venue error-body parser ([`VenueErrorParser`]) and the conversion
//! into [`tradewire_core::Error`].
//!
//! No error carries a request URL, query string, header value or a whole response body: only a
//! short [`excerpt`] of the body, so signatures and keys cannot leak through error messages.

use std::time::Duration;

use tradewire_core::rate_limit::RateLimitError;
use tradewire_core::{DecodeError, Error, Venue};

/// Longest body excerpt kept in an error, in bytes (cut on a character boundary).
pub const EXCERPT_LEN: usize = 256;

/// Reads a venue's error payload from a non-2xx response: `(status, body) -> Some((code,
/// message))`, or `None` when the body is not the venue's error shape.
///
/// Set per client with [`RestClientBuilder::error_parser`](crate::RestClientBuilder::error_parser);
/// [`code_msg_error_parser`] handles the common `{"code": …, "msg": …}` shape.
pub type VenueErrorParser = fn(u16, &str) -> Option<(String, String)>;

/// Parses `{"code": <number or string>, "msg" | "message": <string>}` (Binance, MEXC, OKX and
/// KuCoin use this shape for failures), and Bybit's `{"retCode": …, "retMsg": …}`.
///
/// ```
/// use tradewire_rest::code_msg_error_parser;
///
/// // The sample error payload of Binance's rest-api.md ("Error Codes").
/// assert_eq!(
///     code_msg_error_parser(400, r#"{"code":-1121,"msg":"Invalid symbol."}"#),
///     Some(("-1121".to_string(), "Invalid symbol.".to_string()))
/// );
/// assert_eq!(code_msg_error_parser(400, "<html>bad gateway</html>"), None);
/// ```
pub fn code_msg_error_parser(_status: u16, body: &str) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let obj = v.as_object()?;
    let code = obj.get("code").or_else(|| obj.get("retCode"))?;
    let code = match code {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => return None,
    };
    let message = ["msg", "message", "retMsg"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(|m| m.as_str()))
        .unwrap_or_default()
        .to_owned();
    Some((code, message))
}

/// The first [`EXCERPT_LEN`] bytes of `body` as text (lossy UTF-8, cut on a character boundary,
/// `…` appended when cut).
pub fn excerpt(body: &[u8]) -> String {
    cut(&String::from_utf8_lossy(body), EXCERPT_LEN)
}

/// At most the first `max` bytes of `text`, cut on a character boundary, `…` appended when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// An error from [`RestClient`](crate::RestClient).
///
/// Rate limits are errors, never silent retries: [`RestError::RateLimited`] when the venue said
/// so (HTTP 429 / 418), [`RestError::LocalRateLimit`] when this client's own limiter refused
/// before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RestError {
    /// A non-2xx response that is not a venue error payload on a 4xx (5xx, 401/403 without a
    /// venue body, HTML error pages, …). For 5xx the outcome of the request is unknown.
    #[error("HTTP {status}{}: {message}", .code.as_ref().map(|c| format!(" (code {c})")).unwrap_or_default())]
    Http {
        /// HTTP status.
        status: u16,
        /// The venue's code, when its parser found one (5xx with a venue body).
        code: Option<String>,
        /// The venue's message, or the canonical reason phrase.
        message: String,
        /// The start of the body ([`excerpt`]), never the whole body.
        body_excerpt: String,
    },
    /// The venue rejected the request with its own error payload on a 4xx (Binance
    /// `{"code":-1121,"msg":"Invalid symbol."}`).
    #[error("{venue} error {code}: {message} (HTTP {status})")]
    Venue {
        /// The venue.
        venue: Venue,
        /// HTTP status.
        status: u16,
        /// The venue's error code, as text.
        code: String,
        /// The venue's error message.
        message: String,
    },
    /// The venue rate-limited the request: HTTP 429, or 418 (`banned`: an IP ban after ignoring
    /// 429s). `retry_after` comes from the `Retry-After` header (seconds).
    ///
    /// While a `Retry-After` is running, later requests on the same client fail with this error
    /// at once, without being sent (see
    /// [`RestClientBuilder::respect_retry_after`](crate::RestClientBuilder::respect_retry_after));
    /// `message` then says so.
    #[error("{venue} rate limit: HTTP {status}{}{}{}",
        if *.banned { " (IP banned)" } else { "" },
        .retry_after.map(|d| format!(", retry after {} s", d.as_secs_f64())).unwrap_or_default(),
        .message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    RateLimited {
        /// The venue.
        venue: Venue,
        /// 429 or 418.
        status: u16,
        /// How long to wait, from `Retry-After`.
        retry_after: Option<Duration>,
        /// Whether the IP is banned (HTTP 418).
        banned: bool,
        /// The venue's message (from its error payload), when it sent one.
        message: Option<String>,
    },
    /// This client's [`RateLimiter`](tradewire_core::rate_limit::RateLimiter) refused the request
    /// before sending it (e.g. its declared weight would exceed the window). Nothing was sent.
    #[error("{venue}: not sent, {error}")]
    LocalRateLimit {
        /// The venue.
        venue: Venue,
        /// Which limit refused, its use and when to retry.
        error: RateLimitError,
    },
    /// The request did not complete within the timeout.
    #[error("HTTP request timed out")]
    Timeout,
    /// Connection, TLS or protocol failure (the message never contains the URL).
    #[error("HTTP transport error: {0}")]
    Transport(String),
    /// The response body could not be decoded.
    #[error("could not decode {what}: {message}")]
    Decode {
        /// What was being decoded (the target type name, or `"UTF-8 text"`).
        what: String,
        /// The decoder's message.
        message: String,
        /// The start of the body ([`excerpt`]).
        excerpt: String,
    },
    /// The base URL or a request path does not form a valid URL.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// A header name or value, or a body, could not be built.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Signing failed (e.g. an unreadable private key). Never contains key material.
    #[error("signing failed: {0}")]
    Signing(String),
}

impl RestError {
    /// Whether this is a rate-limit error, from the venue or from the local limiter.
    pub fn is_rate_limited(&self) -> bool {
        matches!(
            self,
            RestError::RateLimited { .. } | RestError::LocalRateLimit { .. }
        )
    }

    /// How long to wait before retrying, when known.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RestError::RateLimited { retry_after, .. } => *retry_after,
            RestError::LocalRateLimit { error, .. } => error.retry_after,
            _ => None,
        }
    }

    /// The HTTP status of the response that caused the error, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Http { status, .. }
            | RestError::Venue { status, .. }
            | RestError::RateLimited { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl From<RestError> for Error {
    /// Venue errors keep their code; both kinds of rate limit become
    /// [`Error::RateLimited`]; 401 becomes [`Error::Auth`]; other HTTP failures and transport
    /// errors become [`Error::Transport`] (transient); URL/request errors become
    /// [`Error::InvalidArgument`]; signing errors [`Error::Auth`].
    fn from(e: RestError) -> Self {
        match e {
            RestError::Venue {
                venue,
                code,
                message,
                ..
            } => Error::Venue {
                venue,
                code,
                message,
            },
            RestError::RateLimited {
                venue, retry_after, ..
            } => Error::RateLimited {
                venue,
                retry_after_ms: retry_after.map(ms),
            },
            RestError::LocalRateLimit { venue, error } => Error::RateLimited {
                venue,
                retry_after_ms: error.retry_after.map(ms),
            },
            e @ RestError::Http { status: 401, .. } => Error::Auth(e.to_string()),
            e @ RestError::Http { .. } => Error::Transport(e.to_string()),
            RestError::Timeout => Error::Timeout("HTTP request".into()),
            RestError::Transport(m) => Error::Transport(m),
            RestError::Decode { what, message, .. } => Error::Decode(DecodeError {
                venue: None,
                what,
                message,
            }),
            e @ (RestError::InvalidUrl(_) | RestError::InvalidRequest(_)) => {
                Error::InvalidArgument(e.to_string())
            }
            RestError::Signing(m) => Error::Auth(format!("signing failed: {m}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::rate_limit::LimitKind;

    #[test]
    fn parser_shapes() {
        assert_eq!(
            code_msg_error_parser(400, r#"{"code":"51000","msg":"Parameter instId error"}"#),
            Some(("51000".into(), "Parameter instId error".into()))
        );
        assert_eq!(
            code_msg_error_parser(400, r#"{"retCode":10001,"retMsg":"params error"}"#),
            Some(("10001".into(), "params error".into()))
        );
        assert_eq!(code_msg_error_parser(400, r#"{"msg":"no code"}"#), None);
        assert_eq!(code_msg_error_parser(400, r#"[1,2]"#), None);
        assert_eq!(code_msg_error_parser(400, r#"{"code":[1]}"#), None);
    }

    #[test]
    fn excerpt_is_bounded_and_char_safe() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(500);
        let e = excerpt(long.as_bytes());
        assert!(e.len() <= EXCERPT_LEN + '…'.len_utf8(), "{}", e.len());
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn converts_into_core_errors() {
        let e: Error = RestError::Venue {
            venue: Venue::Binance,
            status: 400,
            code: "-1121".into(),
            message: "Invalid symbol.".into(),
        }
        .into();
        assert_eq!(e, Error::venue(Venue::Binance, -1121, "Invalid symbol."));

        let e: Error = RestError::RateLimited {
            venue: Venue::Binance,
            status: 418,
            retry_after: Some(Duration::from_secs(3)),
            banned: true,
            message: None,
        }
        .into();
        assert_eq!(
            e,
            Error::RateLimited {
                venue: Venue::Binance,
                retry_after_ms: Some(3000)
            }
        );

        let local = RestError::LocalRateLimit {
            venue: Venue::Okx,
            error: RateLimitError {
                kind: LimitKind::Weight,
                limit: 10,
                used: 12,
                retry_after: Some(Duration::from_millis(250)),
            },
        };
        assert!(local.is_rate_limited());
        assert_eq!(local.retry_after(), Some(Duration::from_millis(250)));
        assert_eq!(
            Error::from(local),
            Error::RateLimited {
                venue: Venue::Okx,
                retry_after_ms: Some(250)
            }
        );

        let http = RestError::Http {
            status: 503,
            code: None,
            message: "Service Unavailable".into(),
            body_excerpt: "<html>".into(),
        };
        assert_eq!(http.status(), Some(503));
        let core = Error::from(http);
        assert!(core.is_transient());
        assert!(matches!(core, Error::Transport(ref m) if m.contains("503")));

        let unauthorized = RestError::Http {
            status: 401,
            code: None,
            message: "Unauthorized".into(),
            body_excerpt: String::new(),
        };
        assert!(matches!(Error::from(unauthorized), Error::Auth(_)));
        assert!(matches!(Error::from(RestError::Timeout), Error::Timeout(_)));
        assert!(matches!(
            Error::from(RestError::Decode {
                what: "Depth".into(),
                message: "eof".into(),
                excerpt: "{".into()
            }),
            Error::Decode(DecodeError { ref what, .. }) if what == "Depth"
        ));
        assert!(matches!(
            Error::from(RestError::Signing("bad key".into())),
            Error::Auth(_)
        ));
        assert!(matches!(
            Error::from(RestError::InvalidUrl("x".into())),
            Error::InvalidArgument(_)
        ));
    }

    #[test]
    fn display() {
        let e = RestError::RateLimited {
            venue: Venue::Binance,
            status: 429,
            retry_after: Some(Duration::from_secs(3)),
            banned: false,
            message: None,
        };
        assert_eq!(
            e.to_string(),
            "binance rate limit: HTTP 429, retry after 3 s"
        );
        let e = RestError::Http {
            status: 502,
            code: Some("x".into()),
            message: "Bad Gateway".into(),
            body_excerpt: String::new(),
        };
        assert_eq!(e.to_string(), "HTTP 502 (code x): Bad Gateway");
    }
}
