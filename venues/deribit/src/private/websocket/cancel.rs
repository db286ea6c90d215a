//! `private/cancel` (<https://docs.deribit.com/api-reference/trading/private-cancel>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::message::DeribitOrder;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/cancel";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelParams {
    /// The order.
    pub order_id: String,
}

/// Result: the order itself (not wrapped).
pub type CancelResult = DeribitOrder;

/// Cancels an order.
pub async fn cancel(session: &PrivateSession, order_id: &str) -> Result<CancelResult> {
    session
        .call(
            METHOD,
            &CancelParams {
                order_id: order_id.to_owned(),
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;
    use tradewire_websockets::rpc::jsonrpc;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-cancel (example)
        assert_eq!(
            jsonrpc::request(
                4214,
                METHOD,
                &CancelParams {
                    order_id: "ETH-SLIS-12".into()
                }
            )
            .unwrap()
            .as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":4214,"method":"private/cancel","params":{"order_id":"ETH-SLIS-12"}}"#
            )
        );
        let r: CancelResult = result(r#"{"jsonrpc":"2.0","id":4214,"result":{"triggered":false,"trigger":"index_price","time_in_force":"good_til_cancelled","trigger_price":144.73,"reduce_only":false,"price":"market_price","post_only":false,"order_type":"stop_market","order_state":"untriggered","order_id":"ETH-SLIS-12","max_show":5,"last_update_timestamp":1550575961291,"label":"","is_rebalance":false,"is_liquidation":false,"instrument_name":"ETH-PERPETUAL","direction":"sell","creation_timestamp":1550575961291,"api":false,"amount":5}}"#).unwrap();
        assert_eq!(r.price, Some(crate::OrderPrice::MarketPrice));
        let o = r.to_order().unwrap();
        assert_eq!(o.price, None);
        assert_eq!(o.order_type, tradewire_core::OrderType::StopMarket);
    }
}
