//! `order.status`: check the execution status of an order.
//!
//! Doc: web-socket-api.md "Account requests" → "Query order (USER_DATA)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/account-requests#query-order-user_data>):
//! `symbol` and `orderId` or `origClientOrderId`; weight 4; data source Memory => Database.
//! The response is the order ([`OrderReport`]) with `time`, `updateTime`, `isWorking`; "For
//! some historical orders the `cummulativeQuoteQty` response field may be negative" (then no
//! average price). Unknown order: `-2013` "Order does not exist.".

use super::client::BinancePrivateWs;
use super::error::BinanceWsError;
use super::message::Params;
use super::order_report::OrderReport;
use super::session::Security;

/// The method name.
pub const METHOD: &str = "order.status";
/// Request weight.
pub const WEIGHT: u32 = 4;

/// An `order.status` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderStatusRequest {
    /// `symbol`.
    pub symbol: String,
    /// `orderId`.
    pub order_id: Option<u64>,
    /// `origClientOrderId`.
    pub orig_client_order_id: Option<String>,
}

impl OrderStatusRequest {
    /// Look the order up by Binance's order id.
    pub fn by_order_id(symbol: impl Into<String>, order_id: u64) -> Self {
        OrderStatusRequest {
            symbol: symbol.into(),
            order_id: Some(order_id),
            orig_client_order_id: None,
        }
    }

    /// Look the order up by client order id.
    pub fn by_client_order_id(
        symbol: impl Into<String>,
        client_order_id: impl Into<String>,
    ) -> Self {
        OrderStatusRequest {
            symbol: symbol.into(),
            order_id: None,
            orig_client_order_id: Some(client_order_id.into()),
        }
    }

    /// The parameters (without `timestamp`, `apiKey`, `signature`).
    pub fn params(&self) -> Result<Params, BinanceWsError> {
        if self.symbol.trim().is_empty() {
            return Err(BinanceWsError::InvalidRequest(
                "order.status: symbol is empty".into(),
            ));
        }
        if self.order_id.is_none()
            && self
                .orig_client_order_id
                .as_deref()
                .is_none_or(str::is_empty)
        {
            return Err(BinanceWsError::InvalidRequest(
                "order.status needs orderId or origClientOrderId".into(),
            ));
        }
        Ok(Params::new()
            .with("symbol", self.symbol.trim().to_ascii_uppercase())
            .with_opt("orderId", self.order_id)
            .with_opt("origClientOrderId", self.orig_client_order_id.clone()))
    }
}

/// The order ([`OrderReport::to_order`]).
pub type OrderStatusResponse = OrderReport;

/// Queries one order.
pub async fn order_status(
    client: &BinancePrivateWs,
    request: &OrderStatusRequest,
) -> Result<OrderStatusResponse, BinanceWsError> {
    let params = request.params()?;
    client.call(METHOD, params, WEIGHT, Security::Signed).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::WsApiMessage;
    use tradewire_core::{Decimal, OrderStatus, Side};

    #[test]
    fn documented_request_parameters() {
        // web-socket-api.md "Query order (USER_DATA)" — request: symbol + orderId.
        let p = OrderStatusRequest::by_order_id("BTCUSDT", 12_569_099_453)
            .params()
            .unwrap();
        assert_eq!(p.signature_payload(), "orderId=12569099453&symbol=BTCUSDT");
        let p = OrderStatusRequest::by_client_order_id("BTCUSDT", "abc")
            .params()
            .unwrap();
        assert_eq!(
            p.signature_payload(),
            "origClientOrderId=abc&symbol=BTCUSDT"
        );
        assert!(
            OrderStatusRequest::by_client_order_id("BTCUSDT", "")
                .params()
                .is_err()
        );
        assert!(OrderStatusRequest::by_order_id("", 1).params().is_err());
    }

    #[test]
    fn documented_response() {
        // web-socket-api.md "Query order (USER_DATA)" — response (comments stripped).
        let text = r#"{
    "id": "aa62318a-5a97-4f3b-bdc7-640bbe33b291",
    "status": 200,
    "result": {
        "symbol": "BTCUSDT",
        "orderId": 12569099453,
        "orderListId": -1,
        "clientOrderId": "4d96324ff9d44481926157",
        "price": "23416.10000000",
        "origQty": "0.00847000",
        "executedQty": "0.00847000",
        "cummulativeQuoteQty": "198.33521500",
        "status": "FILLED",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "side": "SELL",
        "stopPrice": "0.00000000",
        "trailingDelta": 10,
        "trailingTime": -1,
        "icebergQty": "0.00000000",
        "time": 1660801715639,
        "updateTime": 1660801717945,
        "isWorking": true,
        "workingTime": 1660801715639,
        "origQuoteOrderQty": "0.00000000",
        "strategyId": 37463720,
        "strategyType": 1000000,
        "selfTradePreventionMode": "NONE",
        "preventedMatchId": 0,
        "preventedQuantity": "1.200000"
    },
    "rateLimits": [
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 6000,
            "count": 4
        }
    ]
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let r: OrderStatusResponse = reply.into_result(METHOD).unwrap();
        assert_eq!(r.is_working, Some(true));
        assert_eq!(r.time, Some(1_660_801_715_639));
        let o = r.to_order().unwrap();
        assert_eq!(o.status, OrderStatus::Filled);
        assert_eq!(o.side, Side::Sell);
        assert_eq!(o.time, 1_660_801_717_945);
        assert_eq!(o.filled, "0.00847000".parse::<Decimal>().unwrap());
        assert!(o.avg_price.is_some());
    }

    #[test]
    fn unknown_order_is_typed() {
        // errors.md "-2013 NO_SUCH_ORDER".
        let text = r#"{"id":8,"status":400,"error":{"code":-2013,"msg":"Order does not exist."}}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let e = reply
            .into_result::<OrderStatusResponse>(METHOD)
            .unwrap_err();
        assert_eq!(e.code(), Some(-2013));
    }
}
