//! `private/edit` (<https://docs.deribit.com/api-reference/trading/private-edit>).

use serde::{Deserialize, Serialize};
use tradewire_core::Decimal;

use crate::error::Result;
use crate::private::websocket::PrivateSession;
use crate::private::websocket::buy::OrderResponse;

/// The method.
pub const METHOD: &str = "private/edit";

/// Parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditParams {
    /// The order.
    pub order_id: String,
    /// New amount.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub amount: Option<Decimal>,
    /// New price.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::num::ser_opt"
    )]
    pub price: Option<Decimal>,
    /// Post-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
}

/// Changes an order's amount and/or price.
pub async fn edit(session: &PrivateSession, params: &EditParams) -> Result<OrderResponse> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;
    use tradewire_websockets::rpc::jsonrpc;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-edit (example)
        let p = EditParams {
            order_id: "438994".into(),
            amount: Some(Decimal::from(4)),
            price: Some(Decimal::from(222)),
            ..EditParams::default()
        };
        assert_eq!(
            jsonrpc::request(3725, METHOD, &p).unwrap().as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":3725,"method":"private/edit","params":{"order_id":"438994","amount":4,"price":222}}"#
            )
        );
        let r: OrderResponse = result(r#"{"jsonrpc":"2.0","id":3725,"result":{"trades":[],"order":{"time_in_force":"good_til_cancelled","reduce_only":false,"price":0.1448,"post_only":false,"order_type":"limit","order_state":"open","order_id":"438994","max_show":4,"last_update_timestamp":1550585797677,"label":"","is_liquidation":false,"instrument_name":"BTC-22FEB19-3500-C","implv":222,"filled_amount":0,"direction":"buy","creation_timestamp":1550585741277,"commission":0,"average_price":0,"api":false,"amount":4}}}"#).unwrap();
        assert_eq!(
            r.order.price.and_then(|p| p.value()).unwrap().to_string(),
            "0.1448"
        );
        assert_eq!(
            r.order.to_order().unwrap().symbol.unwrap().as_str(),
            "BTC/USD:BTC-190222-3500-C"
        );
    }
}
