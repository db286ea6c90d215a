//! `private/get_order_state` (<https://docs.deribit.com/api-reference/trading/private-get_order_state>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::message::DeribitOrder;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/get_order_state";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderStateParams {
    /// The order.
    pub order_id: String,
}

/// Result.
pub type GetOrderStateResult = DeribitOrder;

/// Fetches one order.
pub async fn get_order_state(
    session: &PrivateSession,
    order_id: &str,
) -> Result<GetOrderStateResult> {
    session
        .call(
            METHOD,
            &GetOrderStateParams {
                order_id: order_id.to_owned(),
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-get_order_state (example)
        let p = GetOrderStateParams {
            order_id: "ETH-331562".into(),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"order_id":"ETH-331562"}"#
        );
        let r: GetOrderStateResult = result(r#"{"jsonrpc":"2.0","id":4316,"result":{"time_in_force":"good_til_cancelled","reduce_only":false,"price":118.94,"post_only":false,"order_type":"limit","order_state":"open","order_id":"ETH-331562","max_show":37,"last_update_timestamp":1550219810944,"label":"","is_liquidation":false,"instrument_name":"ETH-PERPETUAL","filled_amount":0,"direction":"sell","creation_timestamp":1550219749176,"commission":0,"average_price":0,"api":false,"amount":37}}"#).unwrap();
        assert_eq!(r.to_order().unwrap().side, tradewire_core::Side::Sell);
    }
}
