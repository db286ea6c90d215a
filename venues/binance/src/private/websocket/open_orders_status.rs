//! `openOrders.status`: the account's open orders, of one symbol or all.
//!
//! Doc: web-socket-api.md "Account requests" → "Current open orders (USER_DATA)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/account-requests#current-open-orders-user_data>):
//! optional `symbol` ("If omitted, open orders for all symbols are returned"); weight 6 with
//! a symbol, 80 without. "Status reports for open orders are identical to `order.status`",
//! returned as a flat list ([`OrderReport`]s).

use super::client::BinancePrivateWs;
use super::error::BinanceWsError;
use super::message::Params;
use super::order_report::OrderReport;
use super::session::Security;

/// The method name.
pub const METHOD: &str = "openOrders.status";
/// Weight with a `symbol`.
pub const WEIGHT_SYMBOL: u32 = 6;
/// Weight without a `symbol`.
pub const WEIGHT_ALL: u32 = 80;

/// An `openOrders.status` request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOrdersStatusRequest {
    /// `symbol`; `None` = every symbol (weight 80).
    pub symbol: Option<String>,
}

impl OpenOrdersStatusRequest {
    /// Open orders of `symbol`.
    pub fn symbol(symbol: impl Into<String>) -> Self {
        OpenOrdersStatusRequest {
            symbol: Some(symbol.into()),
        }
    }

    /// Open orders of every symbol.
    pub fn all() -> Self {
        OpenOrdersStatusRequest::default()
    }

    /// The documented weight of this request.
    pub fn weight(&self) -> u32 {
        if self.symbol.is_some() {
            WEIGHT_SYMBOL
        } else {
            WEIGHT_ALL
        }
    }

    /// The parameters (without `timestamp`, `apiKey`, `signature`).
    pub fn params(&self) -> Params {
        Params::new().with_opt(
            "symbol",
            self.symbol
                .as_deref()
                .map(|s| s.trim().to_ascii_uppercase()),
        )
    }
}

/// The open orders.
pub type OpenOrdersStatusResponse = Vec<OrderReport>;

/// Lists open orders.
pub async fn open_orders_status(
    client: &BinancePrivateWs,
    request: &OpenOrdersStatusRequest,
) -> Result<OpenOrdersStatusResponse, BinanceWsError> {
    client
        .call(METHOD, request.params(), request.weight(), Security::Signed)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::WsApiMessage;
    use tradewire_core::OrderStatus;

    #[test]
    fn documented_request_and_weights() {
        // web-socket-api.md "Current open orders (USER_DATA)" — request with `symbol`.
        let r = OpenOrdersStatusRequest::symbol("btcusdt");
        assert_eq!(r.params().signature_payload(), "symbol=BTCUSDT");
        assert_eq!(r.weight(), 6);
        let all = OpenOrdersStatusRequest::all();
        assert!(all.params().is_empty());
        assert_eq!(all.weight(), 80);
    }

    #[test]
    fn documented_response() {
        // web-socket-api.md "Current open orders (USER_DATA)" — response, verbatim (it repeats
        // "origQuoteOrderQty": duplicates are accepted, the last one wins).
        let text = r#"{
    "id": "55f07876-4f6f-4c47-87dc-43e5fff3f2e7",
    "status": 200,
    "result": [
        {
            "symbol": "BTCUSDT",
            "orderId": 12569099453,
            "orderListId": -1,
            "clientOrderId": "4d96324ff9d44481926157",
            "price": "23416.10000000",
            "origQty": "0.00847000",
            "executedQty": "0.00720000",
            "origQuoteOrderQty": "0.000000",
            "cummulativeQuoteQty": "172.43931000",
            "status": "PARTIALLY_FILLED",
            "timeInForce": "GTC",
            "type": "LIMIT",
            "side": "SELL",
            "stopPrice": "0.00000000",
            "icebergQty": "0.00000000",
            "time": 1660801715639,
            "updateTime": 1660801717945,
            "isWorking": true,
            "workingTime": 1660801715639,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "NONE"
        }
    ],
    "rateLimits": [
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 6000,
            "count": 6
        }
    ]
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let orders: OpenOrdersStatusResponse = reply.into_result(METHOD).unwrap();
        assert_eq!(orders.len(), 1);
        let o = orders[0].to_order().unwrap();
        assert_eq!(o.status, OrderStatus::PartiallyFilled);
        assert_eq!(o.remaining().to_string(), "0.00127000");
        assert_eq!(
            orders[0].orig_quote_order_qty.unwrap().to_string(),
            "0.00000000"
        );
        // An empty list.
        let WsApiMessage::Response(reply) =
            WsApiMessage::decode_str(r#"{"id":1,"status":200,"result":[]}"#).unwrap()
        else {
            panic!()
        };
        assert!(
            reply
                .into_result::<OpenOrdersStatusResponse>(METHOD)
                .unwrap()
                .is_empty()
        );
    }
}
