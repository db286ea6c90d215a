//! `UNSUBSCRIBE`: stop streams on the live connection.
//!
//! Doc: web-socket-streams.md, "Live Subscribing/Unsubscribing to streams" → "Unsubscribe to a
//! stream" (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#unsubscribe-to-a-stream>):
//!
//! ```text
//! {"method": "UNSUBSCRIBE", "params": ["btcusdt@depth"], "id": 312}
//! {"result": null, "id": 312}
//! ```
//!
//! The request is [`StreamRequest::Unsubscribe`]; the outcome an [`UnsubscribeResponse`].

use tradewire_websockets::rpc::RpcClient;

use crate::public::websocket::error::{PublicWsError, call, expect_null};
use crate::public::websocket::protocol::Registry;
use crate::public::websocket::subscribe::StreamRequest;
use crate::streams::StreamName;
use crate::{BinanceMessage, StreamResult};

/// The request for `streams` with id `id`.
pub fn request(streams: Vec<StreamName>, id: u64) -> StreamRequest {
    StreamRequest::Unsubscribe { streams, id }
}

/// The outcome of an `UNSUBSCRIBE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsubscribeResponse {
    /// Binance acknowledged request `id` (`{"result":null,"id":…}`).
    Acknowledged {
        /// The request id.
        id: u64,
    },
    /// There is no connection right now: the streams are no longer tracked, so the next
    /// connection does not subscribe them.
    Deferred,
    /// None of the streams was subscribed: nothing was sent.
    NotSubscribed,
}

impl UnsubscribeResponse {
    /// Reads the reply to `UNSUBSCRIBE` request `id`: `result` must be `null`.
    pub fn from_result(id: u64, result: StreamResult) -> Result<Self, PublicWsError> {
        expect_null(id, result).map(|()| UnsubscribeResponse::Acknowledged { id })
    }
}

/// Unsubscribes the tracked `streams` with one `UNSUBSCRIBE`. They stop being tracked first
/// (the next connection does not replay them); when the request could not be sent because of
/// the message rate limit they are tracked again and the error returned, so nothing changed.
pub(crate) async fn unsubscribe(
    rpc: &RpcClient<BinanceMessage>,
    registry: &Registry,
    streams: &[StreamName],
) -> Result<UnsubscribeResponse, PublicWsError> {
    let removed = registry.remove(streams);
    if removed.is_empty() {
        return Ok(UnsubscribeResponse::NotSubscribed);
    }
    let id = rpc.next_id();
    let outcome = call(rpc, request(removed.clone(), id))
        .await
        .and_then(|result| UnsubscribeResponse::from_result(id, result));
    match outcome {
        Ok(response) => Ok(response),
        Err(e) if e.is_disconnected() => Ok(UnsubscribeResponse::Deferred),
        Err(e @ PublicWsError::RateLimited(_)) => {
            // Not sent: the streams are still live on the connection.
            if let Err(limit) = registry.add(&removed) {
                tracing::warn!(%limit, "could not track the streams of a refused UNSUBSCRIBE again");
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> serde_json::Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn request_matches_the_documented_example() {
        // web-socket-streams.md, "Unsubscribe to a stream" (request).
        let req = request(vec!["btcusdt@depth".parse().unwrap()], 312);
        assert_eq!(req.method(), "UNSUBSCRIBE");
        assert_eq!(req.id(), 312);
        assert_eq!(
            json(&req.to_json()),
            json(r#"{"method": "UNSUBSCRIBE", "params": ["btcusdt@depth"], "id": 312}"#)
        );
    }

    #[test]
    fn response_matches_the_documented_example() {
        // web-socket-streams.md, "Unsubscribe to a stream" (response).
        let BinanceMessage::Response(r) =
            BinanceMessage::decode_str("{\n    \"result\": null,\n    \"id\": 312\n}")
                .unwrap()
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            r.id.as_ref()
                .and_then(crate::public::websocket::error::numeric_id),
            Some(312)
        );
        assert_eq!(
            UnsubscribeResponse::from_result(312, r.result),
            Ok(UnsubscribeResponse::Acknowledged { id: 312 })
        );
        assert!(matches!(
            UnsubscribeResponse::from_result(
                4,
                StreamResult::Subscriptions(vec!["btcusdt@depth".into()])
            ),
            Err(PublicWsError::UnexpectedReply { id: 4, .. })
        ));
    }
}
