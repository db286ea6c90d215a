//! `private/sell` (<https://docs.deribit.com/api-reference/trading/private-sell>).

use crate::error::Result;
use crate::private::websocket::PrivateSession;
use crate::private::websocket::buy::{OrderParams, OrderResponse};

/// The method.
pub const METHOD: &str = "private/sell";

/// Parameters: the same as `private/buy`.
pub type SellParams = OrderParams;

/// Places a sell order.
pub async fn sell(session: &PrivateSession, params: &SellParams) -> Result<OrderResponse> {
    session.call(METHOD, params).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::websocket::testing::result;
    use tradewire_core::Decimal;
    use tradewire_websockets::rpc::jsonrpc;

    #[test]
    fn request_and_documented_response() {
        // https://docs.deribit.com/api-reference/trading/private-sell (stop_limit example)
        let p = SellParams {
            instrument_name: "ETH-PERPETUAL".into(),
            amount: Some(Decimal::from(123)),
            order_type: Some("stop_limit".into()),
            price: Some("145.61".parse().unwrap()),
            trigger_price: Some(Decimal::from(145)),
            trigger: Some("last_price".into()),
            ..SellParams::default()
        };
        assert_eq!(
            jsonrpc::request(2148, METHOD, &p).unwrap().as_text(),
            Some(
                r#"{"jsonrpc":"2.0","id":2148,"method":"private/sell","params":{"instrument_name":"ETH-PERPETUAL","amount":123,"type":"stop_limit","price":145.61,"trigger_price":145,"trigger":"last_price"}}"#
            )
        );
        let r: OrderResponse = result(r#"{"jsonrpc":"2.0","id":2148,"result":{"trades":[],"order":{"triggered":false,"trigger":"last_price","time_in_force":"good_til_cancelled","trigger_price":145,"reduce_only":false,"price":145.61,"post_only":false,"order_type":"stop_limit","order_state":"untriggered","order_id":"ETH-SLTS-28","max_show":123,"last_update_timestamp":1550659803407,"label":"","is_rebalance":false,"is_liquidation":false,"instrument_name":"ETH-PERPETUAL","direction":"sell","creation_timestamp":1550659803407,"api":true,"amount":123}}}"#).unwrap();
        assert_eq!(r.order.filled_amount, None);
        assert_eq!(
            r.order.to_order().unwrap().status,
            tradewire_core::OrderStatus::Untriggered
        );
    }
}
