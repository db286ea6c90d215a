//! `private/get_open_orders_by_currency` (<https://docs.deribit.com/api-reference/trading/private-get_open_orders_by_currency>).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::message::DeribitOrder;
use crate::private::websocket::PrivateSession;

/// The method.
pub const METHOD: &str = "private/get_open_orders_by_currency";

/// Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOpenOrdersByCurrencyParams {
    /// `BTC`, `ETH`, `USDC`, ...
    pub currency: String,
    /// `future`, `option`, `spot`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Result.
pub type GetOpenOrdersByCurrencyResult = Vec<DeribitOrder>;

/// Lists open orders.
pub async fn get_open_orders_by_currency(
    session: &PrivateSession,
    params: &GetOpenOrdersByCurrencyParams,
) -> Result<GetOpenOrdersByCurrencyResult> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-get_open_orders_by_currency (example)
        let p = GetOpenOrdersByCurrencyParams {
            currency: "BTC".into(),
            kind: None,
        };
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"currency":"BTC"}"#);
        let r: GetOpenOrdersByCurrencyResult = result(r#"{"jsonrpc":"2.0","id":1953,"result":[{"time_in_force":"good_til_cancelled","reduce_only":false,"price":0.0028,"post_only":false,"order_type":"limit","order_state":"open","order_id":"146062","max_show":10,"last_update_timestamp":1550050597036,"label":"","is_liquidation":false,"instrument_name":"BTC-15FEB19-3250-P","filled_amount":0,"direction":"buy","creation_timestamp":1550050597036,"commission":0,"average_price":0,"api":true,"amount":10}]}"#).unwrap();
        assert_eq!(r[0].order_id, "146062");
    }
}
