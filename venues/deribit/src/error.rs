//! Deribit's JSON-RPC error codes, typed, and the errors of the clients.

use tradewire_websockets::rpc::RpcError;
use tradewire_websockets::{RateLimitError, WsError};

/// A Deribit error code (<https://docs.deribit.com/articles/errors>). The catch-all keeps any
/// code this crate does not name; match on the numeric code, not the message (the live server
/// answers 13009 with `unauthorized`, the docs show `invalid_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 10009 `not_enough_funds`.
    NotEnoughFunds,
    /// 10028 `too_many_requests`: the credit pool is empty (and Deribit may close the session).
    TooManyRequests,
    /// 11029 `invalid_arguments`.
    InvalidArguments,
    /// 13004 `invalid_credentials`.
    InvalidCredentials,
    /// 13009 `unauthorized` / `invalid_token`.
    Unauthorized,
    /// 13778 `raw_subscriptions_not_available_for_unauthorized`: `.raw` channels need auth.
    RawSubscriptionsNotAvailableForUnauthorized,
    /// Any other code.
    Other(i64),
}

impl ErrorCode {
    /// The code for a number.
    pub const fn from_code(code: i64) -> Self {
        match code {
            10009 => ErrorCode::NotEnoughFunds,
            10028 => ErrorCode::TooManyRequests,
            11029 => ErrorCode::InvalidArguments,
            13004 => ErrorCode::InvalidCredentials,
            13009 => ErrorCode::Unauthorized,
            13778 => ErrorCode::RawSubscriptionsNotAvailableForUnauthorized,
            other => ErrorCode::Other(other),
        }
    }

    /// The numeric code.
    pub const fn code(self) -> i64 {
        match self {
            ErrorCode::NotEnoughFunds => 10009,
            ErrorCode::TooManyRequests => 10028,
            ErrorCode::InvalidArguments => 11029,
            ErrorCode::InvalidCredentials => 13004,
            ErrorCode::Unauthorized => 13009,
            ErrorCode::RawSubscriptionsNotAvailableForUnauthorized => 13778,
            ErrorCode::Other(c) => c,
        }
    }
}

/// An error response from Deribit: the typed code, the message and the `data` as sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("deribit error {}: {message}", .code.code())]
pub struct DeribitError {
    /// The typed code.
    pub code: ErrorCode,
    /// The message, as sent (`not_enough_funds`, `invalid_token`, ...).
    pub message: String,
    /// `data` (`{"reason":…,"param":…}`), as sent; `None` when absent or `null`.
    pub data: Option<serde_json::Value>,
}

impl From<tradewire_websockets::rpc::jsonrpc::ErrorObject> for DeribitError {
    fn from(e: tradewire_websockets::rpc::jsonrpc::ErrorObject) -> Self {
        DeribitError {
            code: ErrorCode::from_code(e.code),
            message: e.message,
            data: e.data.filter(|d| !d.is_null()),
        }
    }
}

/// Why a client call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Deribit answered with an error.
    #[error(transparent)]
    Venue(#[from] DeribitError),
    /// No response (timeout, connection lost: never re-sent), or not sent.
    #[error(transparent)]
    Rpc(#[from] RpcError),
    /// Refused locally by the rate limiter before anything was sent.
    #[error(transparent)]
    RateLimited(#[from] RateLimitError),
    /// The transport refused the operation.
    #[error(transparent)]
    Ws(#[from] WsError),
    /// A private method was called before authentication succeeded; nothing was sent.
    #[error("not authenticated: {0}")]
    NotAuthenticated(String),
    /// The request could not be encoded or the response not decoded.
    #[error("decode error: {0}")]
    Decode(String),
    /// `connect()` or `wait_authenticated()` did not complete within
    /// [`DeribitConfig::connect_timeout`](crate::DeribitConfig::connect_timeout).
    #[error("{operation} timed out after {after:?}")]
    Timeout {
        /// What timed out: `"connect"` or `"authentication"`.
        operation: &'static str,
        /// The bound.
        after: std::time::Duration,
    },
    /// The response had the wrong shape (e.g. a notification where a response was expected).
    #[error("unexpected response: {0}")]
    Unexpected(String),
}

impl Error {
    /// The typed Deribit error code, when Deribit answered with an error.
    pub fn venue_code(&self) -> Option<ErrorCode> {
        match self {
            Error::Venue(e) => Some(e.code),
            _ => None,
        }
    }
}

/// Result of the clients.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in [10009, 10028, 11029, 13004, 13009, 13778, 11050] {
            assert_eq!(ErrorCode::from_code(c).code(), c);
        }
        assert_eq!(ErrorCode::from_code(10028), ErrorCode::TooManyRequests);
        assert_eq!(ErrorCode::from_code(11050), ErrorCode::Other(11050));
    }
}
