//! Stream control requests: `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`
//! and `GET_PROPERTY` (property `combined`).
//!
//! Doc: <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#live-subscribingunsubscribing-to-streams>.
//! Replies decode as [`BinanceMessage::Response`](crate::BinanceMessage::Response) (`{"result":
//! null,"id":1}`, `{"result":["btcusdt@aggTrade"],"id":3}`, `{"result":true,"id":2}`) or
//! [`BinanceMessage::Error`](crate::BinanceMessage::Error) (`{"code":2,"msg":…}`).
//!
//! Each request counts against the limit of 5 incoming messages per second per connection.

use serde::Serialize;

use crate::streams::StreamName;

/// A control request on a market stream connection. `id` is echoed in the reply.
///
/// ```
/// use tradewire_binance::{StreamRequest, streams::StreamName};
///
/// let req = StreamRequest::Subscribe {
///     streams: vec![StreamName::agg_trade("BTCUSDT"), "btcusdt@depth".parse()?],
///     id: 1,
/// };
/// assert_eq!(
///     req.to_json(),
///     r#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth"],"id":1}"#
/// );
/// # Ok::<(), tradewire_binance::streams::StreamNameError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamRequest {
    /// Subscribe to streams.
    Subscribe {
        /// The streams (at most 1024 per connection).
        streams: Vec<StreamName>,
        /// Request id.
        id: u64,
    },
    /// Unsubscribe from streams.
    Unsubscribe {
        /// The streams.
        streams: Vec<StreamName>,
        /// Request id.
        id: u64,
    },
    /// List the active subscriptions.
    ListSubscriptions {
        /// Request id.
        id: u64,
    },
    /// Switch the combined-stream wrapper on or off (`SET_PROPERTY ["combined", bool]`).
    SetCombined {
        /// Whether payloads come wrapped in `{"stream":…,"data":…}`.
        combined: bool,
        /// Request id.
        id: u64,
    },
    /// Ask whether the combined-stream wrapper is on (`GET_PROPERTY ["combined"]`).
    GetCombined {
        /// Request id.
        id: u64,
    },
}

#[derive(Serialize)]
#[serde(untagged)]
enum Params {
    Streams(Vec<String>),
    Set(&'static str, bool),
    Get([&'static str; 1]),
}

#[derive(Serialize)]
struct Wire {
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<Params>,
    id: u64,
}

impl StreamRequest {
    /// The request id.
    pub fn id(&self) -> u64 {
        match self {
            StreamRequest::Subscribe { id, .. }
            | StreamRequest::Unsubscribe { id, .. }
            | StreamRequest::ListSubscriptions { id }
            | StreamRequest::SetCombined { id, .. }
            | StreamRequest::GetCombined { id } => *id,
        }
    }

    /// The method name Binance expects.
    pub fn method(&self) -> &'static str {
        match self {
            StreamRequest::Subscribe { .. } => "SUBSCRIBE",
            StreamRequest::Unsubscribe { .. } => "UNSUBSCRIBE",
            StreamRequest::ListSubscriptions { .. } => "LIST_SUBSCRIPTIONS",
            StreamRequest::SetCombined { .. } => "SET_PROPERTY",
            StreamRequest::GetCombined { .. } => "GET_PROPERTY",
        }
    }

    /// The request as the JSON text to send.
    pub fn to_json(&self) -> String {
        let names = |s: &[StreamName]| s.iter().map(ToString::to_string).collect();
        let params = match self {
            StreamRequest::Subscribe { streams, .. }
            | StreamRequest::Unsubscribe { streams, .. } => Some(Params::Streams(names(streams))),
            StreamRequest::ListSubscriptions { .. } => None,
            StreamRequest::SetCombined { combined, .. } => Some(Params::Set("combined", *combined)),
            StreamRequest::GetCombined { .. } => Some(Params::Get(["combined"])),
        };
        let wire = Wire {
            method: self.method(),
            params,
            id: self.id(),
        };
        // Serializing strings, bools and integers into a String cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BinanceMessage, RequestId, StreamResponse, StreamResult};
    use tradewire_websockets::{Frame, WsMessage};

    fn value(s: &str) -> serde_json::Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn requests_match_the_documented_examples() {
        // web-socket-streams.md, "Subscribe to a stream"
        let sub = StreamRequest::Subscribe {
            streams: vec![
                "btcusdt@aggTrade".parse().unwrap(),
                "btcusdt@depth".parse().unwrap(),
            ],
            id: 1,
        };
        assert_eq!(
            value(&sub.to_json()),
            value(
                r#"{"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade", "btcusdt@depth"], "id": 1}"#
            )
        );
        // "Unsubscribe to a stream"
        let unsub = StreamRequest::Unsubscribe {
            streams: vec!["btcusdt@depth".parse().unwrap()],
            id: 312,
        };
        assert_eq!(
            value(&unsub.to_json()),
            value(r#"{"method": "UNSUBSCRIBE", "params": ["btcusdt@depth"], "id": 312}"#)
        );
        // "Listing Subscriptions"
        assert_eq!(
            value(&StreamRequest::ListSubscriptions { id: 3 }.to_json()),
            value(r#"{"method": "LIST_SUBSCRIPTIONS", "id": 3}"#)
        );
        // "Setting Properties"
        assert_eq!(
            value(
                &StreamRequest::SetCombined {
                    combined: true,
                    id: 5
                }
                .to_json()
            ),
            value(r#"{"method": "SET_PROPERTY", "params": ["combined", true], "id": 5}"#)
        );
        // "Retrieving Properties"
        assert_eq!(
            value(&StreamRequest::GetCombined { id: 2 }.to_json()),
            value(r#"{"method": "GET_PROPERTY", "params": ["combined"], "id": 2}"#)
        );
    }

    #[test]
    fn encoded_through_the_codec() {
        let msg = BinanceMessage::Request(StreamRequest::ListSubscriptions { id: 9 });
        assert_eq!(
            msg.encode(),
            Frame::text(r#"{"method":"LIST_SUBSCRIPTIONS","id":9}"#)
        );
        assert_eq!(msg.dedupe_key(), None);
        assert_eq!(msg.kind(), "request");
    }

    #[test]
    fn replies_decode() {
        // web-socket-streams.md, "Retrieving Properties" (response, comment stripped)
        let reply = BinanceMessage::decode_str(r#"{"result": true, "id": 2}"#).unwrap();
        assert_eq!(
            reply,
            Some(BinanceMessage::Response(StreamResponse {
                id: Some(RequestId::Number(2)),
                result: StreamResult::Property(true),
            }))
        );
    }
}
