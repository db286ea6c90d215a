//! Errors of the public stream client, the typed form of Binance's control error replies, and
//! the one request path every control method shares ([`call`]).
//!
//! Binance's replies are documented in web-socket-streams.md, section "Error Messages"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#error-messages>):
//!
//! | code | message | [`StreamErrorKind`] |
//! |---|---|---|
//! | 0 | `Unknown property` | [`UnknownProperty`](StreamErrorKind::UnknownProperty) |
//! | 1 | `Invalid value type: expected Boolean` | [`InvalidValueType`](StreamErrorKind::InvalidValueType) |
//! | 2 | `Invalid request: property name must be a string` | [`InvalidRequest`](StreamErrorKind::InvalidRequest)`(`[`PropertyName`](InvalidRequestReason::PropertyName)`)` |
//! | 2 | `Invalid request: request ID must be an unsigned integer` | `InvalidRequest(`[`RequestId`](InvalidRequestReason::RequestId)`)` |
//! | 2 | `Invalid request: unknown variant %s, expected one of …` | `InvalidRequest(`[`UnknownMethod`](InvalidRequestReason::UnknownMethod)`)` |
//! | 2 | `Invalid request: too many parameters` | `InvalidRequest(`[`TooManyParameters`](InvalidRequestReason::TooManyParameters)`)` |
//! | 2 | `Invalid request: missing field `method` …` | `InvalidRequest(`[`MissingMethod`](InvalidRequestReason::MissingMethod)`)` |
//! | 2 | `Invalid request: invalid stream` (not in the table; what servers answer for an unknown stream) | `InvalidRequest(`[`InvalidStream`](InvalidRequestReason::InvalidStream)`)` |
//! | 3 | `Invalid JSON: expected value at line %s column %s` | [`InvalidJson`](StreamErrorKind::InvalidJson) |

use std::time::Duration;

use tradewire_websockets::rpc::{RpcClient, RpcError};
use tradewire_websockets::{RateLimitError, WsError, WsMessage};

use crate::public::websocket::subscribe::StreamRequest;
use crate::{BinanceMessage, RequestId, StreamError, StreamResult};

/// Why a code-2 ("Invalid request") reply refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidRequestReason {
    /// `property name must be a string` (`SET_PROPERTY` / `GET_PROPERTY`).
    PropertyName,
    /// `request ID must be an unsigned integer`: the id was missing or of an unsupported type.
    RequestId,
    /// `unknown variant …`: not one of the five methods.
    UnknownMethod,
    /// `too many parameters`.
    TooManyParameters,
    /// `missing field `method``.
    MissingMethod,
    /// `invalid stream`: a stream name the server does not serve (unknown symbol or channel).
    InvalidStream,
    /// Any other code-2 message.
    Other,
}

/// What kind of error reply Binance sent (its `code`, and for code 2 the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamErrorKind {
    /// Code 0: `Unknown property`.
    UnknownProperty,
    /// Code 1: `Invalid value type: expected Boolean`.
    InvalidValueType,
    /// Code 2: `Invalid request: …`.
    InvalidRequest(InvalidRequestReason),
    /// Code 3: `Invalid JSON: …`.
    InvalidJson,
    /// A code the documentation does not list.
    Other,
}

impl StreamErrorKind {
    /// Classifies a reply by its code and message.
    pub fn classify(code: i64, msg: &str) -> Self {
        match code {
            0 => StreamErrorKind::UnknownProperty,
            1 => StreamErrorKind::InvalidValueType,
            2 => StreamErrorKind::InvalidRequest(invalid_request_reason(msg)),
            3 => StreamErrorKind::InvalidJson,
            _ => StreamErrorKind::Other,
        }
    }
}

fn invalid_request_reason(msg: &str) -> InvalidRequestReason {
    let detail = msg.strip_prefix("Invalid request: ").unwrap_or(msg);
    if detail.starts_with("property name must be a string") {
        InvalidRequestReason::PropertyName
    } else if detail.starts_with("request ID must be") {
        InvalidRequestReason::RequestId
    } else if detail.starts_with("unknown variant") {
        InvalidRequestReason::UnknownMethod
    } else if detail.starts_with("too many parameters") {
        InvalidRequestReason::TooManyParameters
    } else if detail.starts_with("missing field `method`") {
        InvalidRequestReason::MissingMethod
    } else if detail.starts_with("invalid stream") {
        InvalidRequestReason::InvalidStream
    } else {
        InvalidRequestReason::Other
    }
}

/// An error reply from Binance (`{"code":2,"msg":"Invalid request: …","id":1}`), typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Binance error {code}: {msg}")]
pub struct StreamApiError {
    /// The typed reading of `code` and `msg`.
    pub kind: StreamErrorKind,
    /// Binance's code, verbatim.
    pub code: i64,
    /// Binance's message, verbatim.
    pub msg: String,
    /// The request id the reply names (`None` when the reply has none, or a non-numeric one).
    pub id: Option<u64>,
}

impl From<StreamError> for StreamApiError {
    fn from(e: StreamError) -> Self {
        StreamApiError {
            kind: StreamErrorKind::classify(e.code, &e.msg),
            code: e.code,
            id: e.id.as_ref().and_then(numeric_id),
            msg: e.msg,
        }
    }
}

/// A request id as the integer tradewire's clients send (`None` for text or negative ids).
pub(crate) fn numeric_id(id: &RequestId) -> Option<u64> {
    match id {
        RequestId::Number(n) => u64::try_from(*n).ok(),
        RequestId::Text(_) => None,
    }
}

/// Errors of [`BinancePublicClient`](super::BinancePublicClient).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicWsError {
    /// Binance answered the request with an error reply.
    #[error("request refused: {0}")]
    Venue(StreamApiError),
    /// A limit of the connection's rate limiter (`rate_limit::stream_limits()`: 5 messages per
    /// second, 1024 streams per connection, 300 connection attempts per 5 minutes) refused the
    /// operation. Nothing was sent.
    #[error(transparent)]
    RateLimited(RateLimitError),
    /// No reply within the request timeout. Binance may still have applied the request.
    #[error("request {id} timed out after {after:?}")]
    Timeout {
        /// The request id.
        id: u64,
        /// The timeout.
        after: Duration,
    },
    /// The connection dropped while the request was pending; it is not re-sent.
    #[error("connection lost while request {id} was pending")]
    ConnectionLost {
        /// The request id.
        id: u64,
    },
    /// The request needs a live connection and there is none right now.
    #[error("not connected")]
    NotConnected,
    /// The client is closed.
    #[error("client closed")]
    Closed,
    /// A transport error (queue full, send failed, connect failed).
    #[error(transparent)]
    Transport(WsError),
    /// A reply of an unexpected shape (e.g. a property where a stream list was expected).
    #[error("unexpected reply to request {id}: {what}")]
    UnexpectedReply {
        /// The request id.
        id: u64,
        /// What arrived.
        what: String,
    },
}

impl From<WsError> for PublicWsError {
    fn from(e: WsError) -> Self {
        match e {
            WsError::RateLimited(e) => PublicWsError::RateLimited(e),
            WsError::NotConnected => PublicWsError::NotConnected,
            WsError::Closed => PublicWsError::Closed,
            other => PublicWsError::Transport(other),
        }
    }
}

impl From<RateLimitError> for PublicWsError {
    fn from(e: RateLimitError) -> Self {
        PublicWsError::RateLimited(e)
    }
}

impl From<RpcError> for PublicWsError {
    fn from(e: RpcError) -> Self {
        match e {
            RpcError::Timeout { id, after } => PublicWsError::Timeout { id, after },
            RpcError::ConnectionLost { id } => PublicWsError::ConnectionLost { id },
            RpcError::NotSent(e) => e.into(),
            RpcError::DuplicateId(id) => PublicWsError::UnexpectedReply {
                id,
                what: "request id already pending".into(),
            },
            RpcError::Closed => PublicWsError::Closed,
        }
    }
}

impl PublicWsError {
    /// True when the request was not (or may not have been) delivered because the connection is
    /// down: a tracked subscription change is then carried out by the replay on the next
    /// connection.
    pub fn is_disconnected(&self) -> bool {
        matches!(
            self,
            PublicWsError::NotConnected | PublicWsError::ConnectionLost { .. }
        )
    }
}

/// The result of a reply: `Ok(result)` for `{"result":…}`, the typed error for an error reply.
pub(crate) fn reply_result(id: u64, reply: BinanceMessage) -> Result<StreamResult, PublicWsError> {
    match reply {
        BinanceMessage::Response(r) => Ok(r.result),
        BinanceMessage::Error(e) => Err(PublicWsError::Venue(e.into())),
        other => Err(PublicWsError::UnexpectedReply {
            id,
            what: other.kind().to_owned(),
        }),
    }
}

/// Checks that the reply to request `id` is `{"result":null}`, the answer of `SUBSCRIBE`,
/// `UNSUBSCRIBE` and `SET_PROPERTY`.
pub(crate) fn expect_null(id: u64, result: StreamResult) -> Result<(), PublicWsError> {
    match result {
        StreamResult::Ok => Ok(()),
        other => Err(PublicWsError::UnexpectedReply {
            id,
            what: format!("{other:?}"),
        }),
    }
}

/// Sends `request` once and waits for the reply carrying its id.
pub(crate) async fn call(
    rpc: &RpcClient<BinanceMessage>,
    request: StreamRequest,
) -> Result<StreamResult, PublicWsError> {
    let id = request.id();
    let frame = BinanceMessage::Request(request).encode();
    let reply = rpc.request(id, frame).await?;
    reply_result(id, reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_websockets::LimitKind;

    fn reply(text: &str) -> BinanceMessage {
        BinanceMessage::decode_str(text).unwrap().unwrap()
    }

    #[test]
    fn documented_error_messages_are_typed() {
        // web-socket-streams.md, "Error Messages" (every row of the table).
        let rows = [
            (
                r#"{"code": 0, "msg": "Unknown property","id": 5}"#,
                StreamErrorKind::UnknownProperty,
                Some(5),
            ),
            (
                r#"{"code": 1, "msg": "Invalid value type: expected Boolean"}"#,
                StreamErrorKind::InvalidValueType,
                None,
            ),
            (
                r#"{"code": 2, "msg": "Invalid request: property name must be a string"}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::PropertyName),
                None,
            ),
            (
                r#"{"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::RequestId),
                None,
            ),
            (
                r#"{"code": 2, "msg": "Invalid request: unknown variant SUBSCRIB, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28"}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::UnknownMethod),
                None,
            ),
            (
                r#"{"code": 2, "msg": "Invalid request: too many parameters"}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::TooManyParameters),
                None,
            ),
            (
                r#"{"code": 2, "msg": "Invalid request: missing field `method` at line 1 column 73"}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::MissingMethod),
                None,
            ),
            (
                r#"{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}"#,
                StreamErrorKind::InvalidJson,
                None,
            ),
            // Not in the table: the reply to an unknown stream, flat and wrapped.
            (
                r#"{"code":2,"msg":"Invalid request: invalid stream","id":4}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::InvalidStream),
                Some(4),
            ),
            (
                r#"{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":9}"#,
                StreamErrorKind::InvalidRequest(InvalidRequestReason::InvalidStream),
                Some(9),
            ),
        ];
        for (text, kind, id) in rows {
            let Err(PublicWsError::Venue(e)) = reply_result(1, reply(text)) else {
                panic!("{text}")
            };
            assert_eq!(e.kind, kind, "{text}");
            assert_eq!(e.id, id, "{text}");
        }
        assert_eq!(StreamErrorKind::classify(-1, "?"), StreamErrorKind::Other);
        assert_eq!(
            StreamErrorKind::classify(2, "Invalid request: something new"),
            StreamErrorKind::InvalidRequest(InvalidRequestReason::Other)
        );
    }

    #[test]
    fn successful_replies_give_their_result() {
        // web-socket-streams.md, "Subscribe to a stream" / "Listing Subscriptions" responses.
        assert_eq!(
            reply_result(1, reply(r#"{"result": null, "id": 1}"#)),
            Ok(StreamResult::Ok)
        );
        assert_eq!(
            reply_result(3, reply(r#"{"result": ["btcusdt@aggTrade"], "id": 3}"#)),
            Ok(StreamResult::Subscriptions(vec!["btcusdt@aggTrade".into()]))
        );
        let trade = reply(
            r#"{"e":"trade","E":1,"s":"BNBBTC","t":1,"p":"0.001","q":"1","T":1,"m":true,"M":true}"#,
        );
        assert!(matches!(
            reply_result(7, trade),
            Err(PublicWsError::UnexpectedReply { id: 7, .. })
        ));
    }

    #[test]
    fn transport_and_rpc_errors_map_to_typed_errors() {
        let limit = RateLimitError {
            kind: LimitKind::Messages,
            limit: 5,
            used: 6,
            retry_after: Some(Duration::from_millis(300)),
        };
        assert_eq!(
            PublicWsError::from(RpcError::NotSent(WsError::RateLimited(limit.clone()))),
            PublicWsError::RateLimited(limit)
        );
        let not_connected = PublicWsError::from(RpcError::NotSent(WsError::NotConnected));
        assert_eq!(not_connected, PublicWsError::NotConnected);
        assert!(not_connected.is_disconnected());
        assert!(PublicWsError::from(RpcError::ConnectionLost { id: 3 }).is_disconnected());
        assert_eq!(
            PublicWsError::from(RpcError::Timeout {
                id: 2,
                after: Duration::from_secs(1)
            }),
            PublicWsError::Timeout {
                id: 2,
                after: Duration::from_secs(1)
            }
        );
        assert_eq!(PublicWsError::from(RpcError::Closed), PublicWsError::Closed);
        assert!(!PublicWsError::Closed.is_disconnected());
        assert!(matches!(
            PublicWsError::from(WsError::QueueFull { capacity: 1 }),
            PublicWsError::Transport(_)
        ));
    }

    #[test]
    fn ids_are_read_as_unsigned_integers() {
        assert_eq!(numeric_id(&RequestId::Number(7)), Some(7));
        assert_eq!(numeric_id(&RequestId::Number(-1)), None);
        assert_eq!(numeric_id(&RequestId::Text("abc".into())), None);
    }
}
