//! Stream control requests: `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`
//! and `GET_PROPERTY` (property `combined`).
//!
//! Doc: <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#live-subscribingunsubscribing-to-streams>.
//! Replies decode as [`BinanceMessage::Response`](crate::BinanceMessage::Response) (`{"result":
//! null,"id":1}`, `{"result":["btcusdt@aggTrade"],"id":3}`, `{"result":true,"id":2}`) or
//! [`BinanceMessage::Error`](crate::BinanceMessage::Error) (`{"code":2,"msg":…}`).
//!
//! Each request counts against the limit of 5 incoming messages per second per connection.
//!
//! [`BinancePublicClient::subscribe`](super::BinancePublicClient::subscribe) sends a
//! [`StreamRequest::Subscribe`] for the streams it does not track yet and answers with a
//! [`SubscribeResponse`].

use serde::Serialize;
use tradewire_websockets::rpc::RpcClient;

use crate::BinanceMessage;
use crate::StreamResult;
use crate::public::websocket::error::{PublicWsError, call, expect_null};
use crate::public::websocket::protocol::Registry;
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

/// The outcome of a `SUBSCRIBE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscribeResponse {
    /// Binance acknowledged request `id` (`{"result":null,"id":…}`): the streams are live.
    Acknowledged {
        /// The request id.
        id: u64,
    },
    /// There is no connection right now: the streams are recorded and subscribed by the replay
    /// on the next connection (a refusal then arrives as
    /// [`PublicEvent::SubscriptionFailed`](super::PublicEvent::SubscriptionFailed)).
    Deferred,
    /// Every stream was already subscribed: nothing was sent.
    AlreadySubscribed,
}

impl SubscribeResponse {
    /// Reads the reply to `SUBSCRIBE` request `id`: `result` must be `null`.
    pub fn from_result(id: u64, result: StreamResult) -> Result<Self, PublicWsError> {
        expect_null(id, result).map(|()| SubscribeResponse::Acknowledged { id })
    }
}

/// Subscribes to the `streams` not yet recorded in `registry` with one `SUBSCRIBE`.
///
/// The streams are recorded first (so a connection that comes up meanwhile replays them) and
/// counted against the subscription cap (refused at once, nothing sent, when over it). When
/// Binance refuses the request, or it cannot be sent (message rate limit, closed client), they
/// are forgotten again.
pub(crate) async fn subscribe(
    rpc: &RpcClient<BinanceMessage>,
    registry: &Registry,
    streams: &[StreamName],
) -> Result<SubscribeResponse, PublicWsError> {
    let new = registry.add(streams)?;
    if new.is_empty() {
        return Ok(SubscribeResponse::AlreadySubscribed);
    }
    let id = rpc.next_id();
    let outcome = call(
        rpc,
        StreamRequest::Subscribe {
            streams: new.clone(),
            id,
        },
    )
    .await
    .and_then(|result| SubscribeResponse::from_result(id, result));
    match outcome {
        Ok(response) => Ok(response),
        Err(e) if e.is_disconnected() => Ok(SubscribeResponse::Deferred),
        Err(e) => {
            registry.remove(&new);
            Err(e)
        }
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
    fn subscribe_ack_is_read_as_documented() {
        // web-socket-streams.md, "Subscribe to a stream": response `{"result": null, "id": 1}`.
        let BinanceMessage::Response(r) =
            BinanceMessage::decode_str("{\n    \"result\": null,\n    \"id\": 1\n}")
                .unwrap()
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            SubscribeResponse::from_result(1, r.result),
            Ok(SubscribeResponse::Acknowledged { id: 1 })
        );
        assert!(matches!(
            SubscribeResponse::from_result(2, StreamResult::Property(true)),
            Err(PublicWsError::UnexpectedReply { id: 2, .. })
        ));
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
