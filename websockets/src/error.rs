//! Errors of the transport layer.

use std::time::Duration;

use crate::frame::Frame;
use tradewire_core::rate_limit::RateLimitError;

/// How much of a bad frame an error keeps (characters of text, or 2 hex digits per byte).
pub const EXCERPT_LEN: usize = 160;

/// A frame the codec could not decode. Carries a short excerpt of the frame, never the whole of
/// an arbitrarily large payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode frame: {message} (frame: {excerpt})")]
pub struct DecodeError {
    /// What was wrong.
    pub message: String,
    /// The start of the offending frame.
    pub excerpt: String,
}

impl DecodeError {
    /// A decode error for `frame`, keeping an excerpt of it (and at most
    /// [`tradewire_core::DecodeError::MESSAGE_LEN`] characters of the message: serde's
    /// messages quote the offending value).
    pub fn new(message: impl std::fmt::Display, frame: &Frame) -> Self {
        DecodeError {
            message: tradewire_core::bounded(
                message.to_string(),
                tradewire_core::DecodeError::MESSAGE_LEN,
            ),
            excerpt: frame.excerpt(EXCERPT_LEN),
        }
    }

    /// A decode error for a payload already available as text.
    pub fn from_text(message: impl std::fmt::Display, text: &str) -> Self {
        Self::new(message, &Frame::text(text))
    }
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DisconnectReason {
    /// The peer sent a close frame.
    ClosedByPeer {
        /// Close code (1000 = normal).
        code: u16,
        /// Close reason text.
        reason: String,
    },
    /// The TCP stream ended without a close frame.
    StreamEnded,
    /// A transport or protocol error (including an oversized frame).
    Error {
        /// The error text.
        message: String,
    },
    /// No data and no pong arrived within the idle timeout: the peer is presumed dead.
    IdleTimeout,
    /// `disconnect()` was called, or every handle was dropped.
    ClosedByUser,
    /// Reconnection gave up after the configured number of attempts.
    GaveUp {
        /// Attempts made.
        attempts: u32,
    },
}

impl std::fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DisconnectReason::ClosedByPeer { code, reason } => {
                write!(f, "closed by peer (code {code}: {reason})")
            }
            DisconnectReason::StreamEnded => f.write_str("stream ended without close frame"),
            DisconnectReason::Error { message } => write!(f, "error: {message}"),
            DisconnectReason::IdleTimeout => f.write_str("idle timeout (peer silent)"),
            DisconnectReason::ClosedByUser => f.write_str("closed by user"),
            DisconnectReason::GaveUp { attempts } => {
                write!(f, "gave up after {attempts} reconnect attempts")
            }
        }
    }
}

/// Errors of the WebSocket transport.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WsError {
    /// The URL could not be used.
    #[error("invalid url {url:?}: {message}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// Connecting failed (DNS, TCP, TLS, HTTP upgrade).
    #[error("connect failed: {0}")]
    Connect(String),
    /// Connecting did not finish within the connect timeout.
    #[error("connect timed out after {0:?}")]
    ConnectTimeout(Duration),
    /// A transport or protocol error on an established connection.
    #[error("transport error: {0}")]
    Transport(String),
    /// An inbound frame exceeded the configured size limit.
    #[error("frame too large: {size} bytes > limit {limit}")]
    FrameTooLarge {
        /// Size seen (or the limit when the transport does not report it).
        size: usize,
        /// Configured limit.
        limit: usize,
    },
    /// The codec could not decode a frame; the stream goes on.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The outbound queue is full (the connection is down and sends keep coming).
    #[error("outbound queue full ({capacity} frames)")]
    QueueFull {
        /// Queue capacity.
        capacity: usize,
    },
    /// A frame could not be written; it is not re-sent.
    #[error("send failed (frame not re-sent): {0}")]
    SendFailed(String),
    /// The connection is closed for good.
    #[error("connection closed")]
    Closed,
    /// The operation needs a live connection and there is none right now (reconnecting).
    #[error("not connected")]
    NotConnected,
    /// A rate limit refused the operation; nothing was sent.
    #[error(transparent)]
    RateLimited(#[from] RateLimitError),
    /// The consumer was too slow: this many messages were dropped by the slow-consumer policy.
    #[error("consumer lagged: {dropped} messages dropped")]
    Lagged {
        /// Messages dropped since the last report.
        dropped: u64,
    },
}

impl WsError {
    /// True for errors after which the connection goes on (decode errors, lag reports, refused
    /// sends); false for errors that ended a connection.
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self,
            WsError::Decode(_)
                | WsError::Lagged { .. }
                | WsError::QueueFull { .. }
                | WsError::RateLimited(_)
                | WsError::SendFailed(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_error_keeps_a_bounded_excerpt() {
        let big = "x".repeat(10_000);
        let e = DecodeError::from_text("bad", &big);
        assert!(e.excerpt.len() < 200, "{}", e.excerpt.len());
        assert!(e.to_string().contains("bad"));
        assert!(e.to_string().contains("10000 bytes"));
    }
}
