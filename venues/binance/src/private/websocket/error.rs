//! Errors of the private WebSocket API client ([`BinanceWsError`]) and Binance's error object
//! ([`ApiErrorBody`]).
//!
//! Doc: web-socket-api.md "Response format" (failed response `{"id":…,"status":400,"error":
//! {"code":-2010,"msg":"…"}}`), "Status codes" (400, 403, 409, 418, 429, 5xx), "IP limits"
//! (418/429 carry `error.data.retryAfter`, an epoch in milliseconds) and "Session
//! Authentication" (a revoked session answers `"status": 401` with `-2015`); errors.md for the
//! codes. Nothing here ever holds a credential: venue messages are kept verbatim, request
//! payloads (which carry the API key and the signature) never.

use std::time::Duration;

use serde::Deserialize;
use tradewire_core::{DecodeError, Venue};
use tradewire_websockets::rpc::RpcError;
use tradewire_websockets::{RateLimitError, WsError};

use super::session::SessionState;

/// `error.data` of a rate-limited (429) or banned (418) response: web-socket-api.md "IP
/// limits" (`{"serverTime":1659142907531,"retryAfter":1659146400000}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ErrorData {
    /// Server time of the answer, UTC ms.
    #[serde(rename = "serverTime", default)]
    pub server_time: Option<i64>,
    /// When the request may be retried (for 418: when the ban is lifted), UTC ms.
    #[serde(rename = "retryAfter", default)]
    pub retry_after: Option<i64>,
}

/// The `error` object of a failed WebSocket API response: `{"code":-2010,"msg":"…"}`, plus
/// `data` on 429/418.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiErrorBody {
    /// Binance's error code (errors.md), e.g. `-2010`, `-1022`, `-1003`.
    pub code: i64,
    /// Binance's message, verbatim.
    pub msg: String,
    /// Retry information of rate-limit errors.
    #[serde(default)]
    pub data: Option<ErrorData>,
}

/// Everything the private WebSocket API client reports.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BinanceWsError {
    /// Binance refused the request: `status` (400, 401, 403, 409, 5xx…), code and message
    /// verbatim (`-2010` "Account has insufficient balance for requested action.", `-2011`
    /// "Unknown order sent.", `-1013` filter failures, …). With a 5xx status the execution
    /// status is unknown (web-socket-api.md "Status codes").
    #[error("Binance error {code} (status {status}): {msg}")]
    Api {
        /// The response's `status`.
        status: u16,
        /// Binance's error code.
        code: i64,
        /// Binance's message.
        msg: String,
    },
    /// Binance's rate limit refused the request: status 429 (request weight or unfilled order
    /// count exceeded) or 418 (IP banned). Retry no earlier than `retry_after`.
    #[error("Binance rate limit (status {status}, code {code}): {msg}{}", retry_text(*.retry_after))]
    RateLimited {
        /// 429 or 418.
        status: u16,
        /// Binance's error code (`-1003`, `-1015`).
        code: i64,
        /// Binance's message.
        msg: String,
        /// `error.data.retryAfter`: when to retry (418: when the ban ends), UTC ms.
        retry_after: Option<i64>,
        /// `error.data.serverTime`, UTC ms.
        server_time: Option<i64>,
    },
    /// `session.logon` was refused (wrong key, bad signature, not an Ed25519 key, timestamp
    /// outside `recvWindow`, …): status, code and message verbatim.
    #[error("session.logon rejected: Binance error {code} (status {status}): {msg}")]
    LogonRejected {
        /// The response's `status`.
        status: u16,
        /// Binance's error code (`-1022` bad signature, `-2015` rejected key, `-1021` timestamp).
        code: i64,
        /// Binance's message.
        msg: String,
    },
    /// A private request was made while the session is not logged on: it was not sent.
    #[error("private request refused before logon (session {0}); nothing was sent")]
    NotLoggedOn(SessionState),
    /// Our own limiter (Binance's documented request weight) refused the request; nothing was
    /// sent.
    #[error(transparent)]
    LocalRateLimit(RateLimitError),
    /// The connection dropped while the request was pending. It is never re-sent; it may or
    /// may not have reached Binance (query the order to find out).
    #[error(
        "connection lost while request {id} was pending (not re-sent; it may have been executed)"
    )]
    ConnectionLost {
        /// The request id.
        id: u64,
    },
    /// No response in time. The request may still have been executed.
    #[error("request {id} timed out after {after:?} (it may have been executed)")]
    Timeout {
        /// The request id.
        id: u64,
        /// The timeout.
        after: Duration,
    },
    /// There is no live connection right now (connecting or reconnecting); nothing was sent.
    #[error("not connected; nothing was sent")]
    NotConnected,
    /// The client is closed.
    #[error("client closed")]
    Closed,
    /// The transport refused the request (queue full, …); nothing was sent.
    #[error("request not sent: {0}")]
    Transport(WsError),
    /// A response or event could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request is invalid (refused before anything was sent).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The credentials are unusable (e.g. not an Ed25519 PKCS#8 PEM key). Never contains key
    /// material.
    #[error("invalid credentials: {0}")]
    InvalidCredentials(String),
}

fn retry_text(retry_after: Option<i64>) -> String {
    match retry_after {
        Some(at) => format!("; retry after {at} (epoch ms)"),
        None => String::new(),
    }
}

impl BinanceWsError {
    /// The typed error of a failed response: 429 and 418 are [`BinanceWsError::RateLimited`],
    /// everything else [`BinanceWsError::Api`].
    ///
    /// ```
    /// use tradewire_binance::private::websocket::{ApiErrorBody, BinanceWsError};
    ///
    /// let body = ApiErrorBody {
    ///     code: -2010,
    ///     msg: "Account has insufficient balance for requested action.".into(),
    ///     data: None,
    /// };
    /// let e = BinanceWsError::from_response(400, body);
    /// assert_eq!(e.code(), Some(-2010));
    /// ```
    pub fn from_response(status: u16, error: ApiErrorBody) -> Self {
        match status {
            429 | 418 => BinanceWsError::RateLimited {
                status,
                code: error.code,
                msg: error.msg,
                retry_after: error.data.and_then(|d| d.retry_after),
                server_time: error.data.and_then(|d| d.server_time),
            },
            _ => BinanceWsError::Api {
                status,
                code: error.code,
                msg: error.msg,
            },
        }
    }

    /// Binance's error code, for errors Binance reported.
    pub fn code(&self) -> Option<i64> {
        match self {
            BinanceWsError::Api { code, .. }
            | BinanceWsError::RateLimited { code, .. }
            | BinanceWsError::LogonRejected { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Binance's message, for errors Binance reported.
    pub fn venue_message(&self) -> Option<&str> {
        match self {
            BinanceWsError::Api { msg, .. }
            | BinanceWsError::RateLimited { msg, .. }
            | BinanceWsError::LogonRejected { msg, .. } => Some(msg),
            _ => None,
        }
    }

    /// How long to wait before retrying, for rate-limit errors: `retryAfter - serverTime`
    /// (Binance's), or our limiter's estimate.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            BinanceWsError::RateLimited {
                retry_after: Some(at),
                server_time: Some(now),
                ..
            } => Some(Duration::from_millis(u64::try_from(at - now).unwrap_or(0))),
            BinanceWsError::LocalRateLimit(e) => e.retry_after,
            _ => None,
        }
    }

    /// Whether the request may have been executed although no success was reported (a lost
    /// connection, a timeout, or a 5xx status): query before retrying a trading request.
    pub fn execution_unknown(&self) -> bool {
        match self {
            BinanceWsError::ConnectionLost { .. } | BinanceWsError::Timeout { .. } => true,
            BinanceWsError::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

impl From<RpcError> for BinanceWsError {
    fn from(e: RpcError) -> Self {
        match e {
            RpcError::ConnectionLost { id } => BinanceWsError::ConnectionLost { id },
            RpcError::Timeout { id, after } => BinanceWsError::Timeout { id, after },
            RpcError::NotSent(WsError::NotConnected) => BinanceWsError::NotConnected,
            RpcError::NotSent(WsError::Closed) | RpcError::Closed => BinanceWsError::Closed,
            RpcError::NotSent(WsError::RateLimited(e)) => BinanceWsError::LocalRateLimit(e),
            RpcError::NotSent(e) => BinanceWsError::Transport(e),
            RpcError::DuplicateId(id) => {
                BinanceWsError::InvalidRequest(format!("request id {id} is already pending"))
            }
        }
    }
}

impl From<BinanceWsError> for tradewire_core::Error {
    fn from(e: BinanceWsError) -> Self {
        use tradewire_core::Error;
        match e {
            BinanceWsError::Api { code, msg, .. } => Error::venue(Venue::Binance, code, msg),
            BinanceWsError::LogonRejected { code, msg, .. } => Error::Auth(format!(
                "session.logon rejected: Binance error {code}: {msg}"
            )),
            BinanceWsError::RateLimited { .. } | BinanceWsError::LocalRateLimit(_) => {
                let retry_after_ms = e
                    .retry_after()
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                Error::RateLimited {
                    venue: Venue::Binance,
                    retry_after_ms,
                }
            }
            BinanceWsError::NotLoggedOn(_) => Error::Auth(e.to_string()),
            BinanceWsError::InvalidCredentials(_) => Error::Auth(e.to_string()),
            BinanceWsError::ConnectionLost { .. }
            | BinanceWsError::NotConnected
            | BinanceWsError::Closed => Error::Disconnected(e.to_string()),
            BinanceWsError::Timeout { .. } => Error::Timeout(e.to_string()),
            BinanceWsError::Transport(_) => Error::Transport(e.to_string()),
            BinanceWsError::Decode(d) => Error::Decode(d),
            BinanceWsError::InvalidRequest(m) => Error::InvalidArgument(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_websockets::LimitKind;

    fn body(text: &str) -> ApiErrorBody {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn documented_failed_response_is_an_api_error() {
        // web-socket-api.md "Response format" — example of failed response (the `error`).
        let e = BinanceWsError::from_response(
            400,
            body(
                r#"{"code": -2010, "msg": "Account has insufficient balance for requested action."}"#,
            ),
        );
        assert_eq!(
            e,
            BinanceWsError::Api {
                status: 400,
                code: -2010,
                msg: "Account has insufficient balance for requested action.".into()
            }
        );
        assert_eq!(e.code(), Some(-2010));
        assert_eq!(
            e.venue_message(),
            Some("Account has insufficient balance for requested action.")
        );
        assert!(!e.execution_unknown());
        assert_eq!(
            e.to_string(),
            "Binance error -2010 (status 400): Account has insufficient balance for requested action."
        );
        let core: tradewire_core::Error = e.into();
        assert_eq!(
            core,
            tradewire_core::Error::venue(
                Venue::Binance,
                -2010,
                "Account has insufficient balance for requested action."
            )
        );
    }

    #[test]
    fn documented_ban_is_a_rate_limit_error_with_retry_after() {
        // web-socket-api.md "IP limits" — failed response indicating an IP ban (the `error`).
        let e = BinanceWsError::from_response(
            418,
            body(
                r#"{
        "code": -1003,
        "msg": "Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.",
        "data": {
            "serverTime": 1659142907531,
            "retryAfter": 1659146400000
        }
    }"#,
            ),
        );
        let BinanceWsError::RateLimited {
            status,
            code,
            retry_after,
            server_time,
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!((*status, *code), (418, -1003));
        assert_eq!(*retry_after, Some(1_659_146_400_000));
        assert_eq!(*server_time, Some(1_659_142_907_531));
        assert_eq!(
            e.retry_after(),
            Some(Duration::from_millis(1_659_146_400_000 - 1_659_142_907_531))
        );
        let core: tradewire_core::Error = e.into();
        assert_eq!(
            core,
            tradewire_core::Error::RateLimited {
                venue: Venue::Binance,
                retry_after_ms: Some(3_492_469)
            }
        );
        // 429 without data.
        let e = BinanceWsError::from_response(
            429,
            body(r#"{"code":-1015,"msg":"Too many new orders."}"#),
        );
        assert!(matches!(
            e,
            BinanceWsError::RateLimited {
                status: 429,
                retry_after: None,
                ..
            }
        ));
        assert_eq!(e.retry_after(), None);
    }

    #[test]
    fn rpc_errors_map_to_typed_errors() {
        assert_eq!(
            BinanceWsError::from(RpcError::ConnectionLost { id: 7 }),
            BinanceWsError::ConnectionLost { id: 7 }
        );
        assert!(BinanceWsError::ConnectionLost { id: 7 }.execution_unknown());
        assert_eq!(
            BinanceWsError::from(RpcError::NotSent(WsError::NotConnected)),
            BinanceWsError::NotConnected
        );
        assert_eq!(
            BinanceWsError::from(RpcError::Closed),
            BinanceWsError::Closed
        );
        let limited = RateLimitError {
            kind: LimitKind::Weight,
            limit: 6000,
            used: 6001,
            retry_after: Some(Duration::from_millis(250)),
        };
        let e = BinanceWsError::from(RpcError::NotSent(WsError::RateLimited(limited.clone())));
        assert_eq!(e, BinanceWsError::LocalRateLimit(limited));
        assert_eq!(e.retry_after(), Some(Duration::from_millis(250)));
        let t = BinanceWsError::from(RpcError::Timeout {
            id: 3,
            after: Duration::from_secs(1),
        });
        assert!(t.execution_unknown());
        assert!(matches!(
            tradewire_core::Error::from(t),
            tradewire_core::Error::Timeout(_)
        ));
        assert!(
            BinanceWsError::Api {
                status: 503,
                code: -1007,
                msg: "Timeout waiting for response from backend server.".into()
            }
            .execution_unknown()
        );
    }

    #[test]
    fn not_logged_on_says_nothing_was_sent() {
        let e = BinanceWsError::NotLoggedOn(SessionState::LoggingOn);
        assert!(e.to_string().contains("nothing was sent"), "{e}");
        assert!(matches!(
            tradewire_core::Error::from(e),
            tradewire_core::Error::Auth(_)
        ));
    }
}
