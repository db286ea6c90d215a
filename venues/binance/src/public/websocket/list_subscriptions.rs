//! `LIST_SUBSCRIPTIONS`: the streams Binance has active on the connection.
//!
//! Doc: web-socket-streams.md, "Live Subscribing/Unsubscribing to streams" → "Listing
//! Subscriptions" (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#listing-subscriptions>):
//!
//! ```text
//! {"method": "LIST_SUBSCRIPTIONS", "id": 3}
//! {"result": ["btcusdt@aggTrade"], "id": 3}
//! ```
//!
//! The request is [`StreamRequest::ListSubscriptions`]; the answer a
//! [`ListSubscriptionsResponse`].

use tradewire_websockets::rpc::RpcClient;

use crate::public::websocket::error::{PublicWsError, call};
use crate::public::websocket::subscribe::StreamRequest;
use crate::streams::StreamName;
use crate::{BinanceMessage, StreamResult};

/// The request with id `id`.
pub fn request(id: u64) -> StreamRequest {
    StreamRequest::ListSubscriptions { id }
}

/// The streams active on the connection, as Binance lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSubscriptionsResponse {
    /// The request id.
    pub id: u64,
    /// The streams, in Binance's order.
    pub streams: Vec<StreamName>,
}

impl ListSubscriptionsResponse {
    /// Reads the reply to `LIST_SUBSCRIPTIONS` request `id`: `result` must be a list of stream
    /// names this crate can name.
    pub fn from_result(id: u64, result: StreamResult) -> Result<Self, PublicWsError> {
        let StreamResult::Subscriptions(names) = result else {
            return Err(PublicWsError::UnexpectedReply {
                id,
                what: format!("{result:?}"),
            });
        };
        let streams = names
            .iter()
            .map(|n| n.parse::<StreamName>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PublicWsError::UnexpectedReply {
                id,
                what: format!("unknown stream name {:?}", e.0),
            })?;
        Ok(ListSubscriptionsResponse { id, streams })
    }
}

/// Asks Binance which streams the connection carries. Needs a live connection.
pub(crate) async fn list_subscriptions(
    rpc: &RpcClient<BinanceMessage>,
) -> Result<ListSubscriptionsResponse, PublicWsError> {
    let id = rpc.next_id();
    let result = call(rpc, request(id)).await?;
    ListSubscriptionsResponse::from_result(id, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_matches_the_documented_example() {
        // web-socket-streams.md, "Listing Subscriptions" (request).
        let req = request(3);
        assert_eq!(req.method(), "LIST_SUBSCRIPTIONS");
        let value: serde_json::Value = serde_json::from_str(&req.to_json()).unwrap();
        assert_eq!(
            value,
            serde_json::from_str::<serde_json::Value>(
                r#"{"method": "LIST_SUBSCRIPTIONS", "id": 3}"#
            )
            .unwrap()
        );
    }

    #[test]
    fn response_matches_the_documented_example() {
        // web-socket-streams.md, "Listing Subscriptions" (response).
        let BinanceMessage::Response(r) = BinanceMessage::decode_str(
            "{\n    \"result\": [\"btcusdt@aggTrade\"],\n    \"id\": 3\n}",
        )
        .unwrap()
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            ListSubscriptionsResponse::from_result(3, r.result),
            Ok(ListSubscriptionsResponse {
                id: 3,
                streams: vec![StreamName::agg_trade("BTCUSDT")],
            })
        );
    }

    #[test]
    fn unexpected_results_are_errors() {
        assert!(matches!(
            ListSubscriptionsResponse::from_result(1, StreamResult::Ok),
            Err(PublicWsError::UnexpectedReply { id: 1, .. })
        ));
        let Err(PublicWsError::UnexpectedReply { what, .. }) =
            ListSubscriptionsResponse::from_result(
                2,
                StreamResult::Subscriptions(vec!["btcusdt@nonsense".into()]),
            )
        else {
            panic!()
        };
        assert!(what.contains("btcusdt@nonsense"), "{what}");
        assert_eq!(
            ListSubscriptionsResponse::from_result(5, StreamResult::Subscriptions(vec![])),
            Ok(ListSubscriptionsResponse {
                id: 5,
                streams: vec![]
            })
        );
    }
}
