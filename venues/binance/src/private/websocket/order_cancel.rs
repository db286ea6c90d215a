//! `order.cancel`: cancel an active order.
//!
//! Doc: web-socket-api.md "Trading requests" → "Cancel order (TRADE)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/trading-requests#cancel-order-trade>):
//! `symbol` and `orderId` or `origClientOrderId` ("performance … is always better when only
//! `orderId` is sent"), optional `newClientOrderId` and `cancelRestrictions` (`ONLY_NEW`,
//! `ONLY_PARTIALLY_FILLED`); weight 1. The response for an individual order is the cancelled
//! order ([`OrderReport`], `status` `CANCELED`); cancelling a leg of an order list cancels
//! the whole list and answers with a list report, which this client does not decode (a
//! [`BinanceWsError::Decode`]; orders lists are not placed by this client).

use super::client::BinancePrivateWs;
use super::error::BinanceWsError;
use super::message::Params;
use super::order_report::OrderReport;
use super::session::Security;

/// The method name.
pub const METHOD: &str = "order.cancel";
/// Request weight.
pub const WEIGHT: u32 = 1;

/// `cancelRestrictions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRestrictions {
    /// `ONLY_NEW`: cancel only while the order status is `NEW`.
    OnlyNew,
    /// `ONLY_PARTIALLY_FILLED`: cancel only while it is `PARTIALLY_FILLED`.
    OnlyPartiallyFilled,
}

impl CancelRestrictions {
    /// Binance's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            CancelRestrictions::OnlyNew => "ONLY_NEW",
            CancelRestrictions::OnlyPartiallyFilled => "ONLY_PARTIALLY_FILLED",
        }
    }
}

/// An `order.cancel` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCancelRequest {
    /// `symbol`.
    pub symbol: String,
    /// `orderId`.
    pub order_id: Option<u64>,
    /// `origClientOrderId`.
    pub orig_client_order_id: Option<String>,
    /// `newClientOrderId`: the cancel's own client id (frees the old one).
    pub new_client_order_id: Option<String>,
    /// `cancelRestrictions`.
    pub cancel_restrictions: Option<CancelRestrictions>,
}

impl OrderCancelRequest {
    /// Cancel by Binance's order id (the fastest way).
    pub fn by_order_id(symbol: impl Into<String>, order_id: u64) -> Self {
        OrderCancelRequest {
            symbol: symbol.into(),
            order_id: Some(order_id),
            orig_client_order_id: None,
            new_client_order_id: None,
            cancel_restrictions: None,
        }
    }

    /// Cancel by client order id.
    pub fn by_client_order_id(
        symbol: impl Into<String>,
        client_order_id: impl Into<String>,
    ) -> Self {
        OrderCancelRequest {
            symbol: symbol.into(),
            order_id: None,
            orig_client_order_id: Some(client_order_id.into()),
            new_client_order_id: None,
            cancel_restrictions: None,
        }
    }

    /// Sets `newClientOrderId`.
    pub fn new_client_order_id(mut self, id: impl Into<String>) -> Self {
        self.new_client_order_id = Some(id.into());
        self
    }

    /// Sets `cancelRestrictions`.
    pub fn restrictions(mut self, r: CancelRestrictions) -> Self {
        self.cancel_restrictions = Some(r);
        self
    }

    /// The parameters (without `timestamp`, `apiKey`, `signature`); one of `orderId` and
    /// `origClientOrderId` is required.
    pub fn params(&self) -> Result<Params, BinanceWsError> {
        if self.symbol.trim().is_empty() {
            return Err(BinanceWsError::InvalidRequest(
                "order.cancel: symbol is empty".into(),
            ));
        }
        if self.order_id.is_none()
            && self
                .orig_client_order_id
                .as_deref()
                .is_none_or(str::is_empty)
        {
            return Err(BinanceWsError::InvalidRequest(
                "order.cancel needs orderId or origClientOrderId".into(),
            ));
        }
        Ok(Params::new()
            .with("symbol", self.symbol.trim().to_ascii_uppercase())
            .with_opt("orderId", self.order_id)
            .with_opt("origClientOrderId", self.orig_client_order_id.clone())
            .with_opt("newClientOrderId", self.new_client_order_id.clone())
            .with_opt(
                "cancelRestrictions",
                self.cancel_restrictions.map(CancelRestrictions::as_str),
            ))
    }
}

/// The cancelled order ([`OrderReport::to_order`] → status `cancelled`; its `client_id` is
/// the cancelled order's, `origClientOrderId`).
pub type OrderCancelResponse = OrderReport;

/// Cancels an order. `-2011` "Unknown order sent." when it is not open (typed
/// [`BinanceWsError::Api`]).
pub async fn order_cancel(
    client: &BinancePrivateWs,
    request: &OrderCancelRequest,
) -> Result<OrderCancelResponse, BinanceWsError> {
    let params = request.params()?;
    client.call(METHOD, params, WEIGHT, Security::Signed).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::websocket::WsApiMessage;
    use crate::private::websocket::message::ParamValue;
    use tradewire_core::OrderStatus;

    #[test]
    fn documented_request_parameters() {
        // web-socket-api.md "Cancel order (TRADE)" — request: symbol + origClientOrderId.
        let p = OrderCancelRequest::by_client_order_id("BTCUSDT", "4d96324ff9d44481926157")
            .params()
            .unwrap();
        assert_eq!(
            p.signature_payload(),
            "origClientOrderId=4d96324ff9d44481926157&symbol=BTCUSDT"
        );
        let p = OrderCancelRequest::by_order_id("btcusdt", 12_569_099_453)
            .new_client_order_id("91fe37ce9e69c90d6358c0")
            .restrictions(CancelRestrictions::OnlyNew)
            .params()
            .unwrap();
        assert_eq!(p.get("orderId"), Some(&ParamValue::Int(12_569_099_453)));
        assert_eq!(
            p.signature_payload(),
            "cancelRestrictions=ONLY_NEW&newClientOrderId=91fe37ce9e69c90d6358c0&orderId=12569099453&symbol=BTCUSDT"
        );
        assert!(
            OrderCancelRequest::by_client_order_id("BTCUSDT", "")
                .params()
                .is_err()
        );
        assert!(OrderCancelRequest::by_order_id(" ", 1).params().is_err());
    }

    #[test]
    fn documented_response() {
        // web-socket-api.md "Cancel order (TRADE)" — "When an individual order is canceled"
        // (comments stripped).
        let text = r#"{
    "id": "5633b6a2-90a9-4192-83e7-925c90b6a2fd",
    "status": 200,
    "result": {
        "symbol": "BTCUSDT",
        "origClientOrderId": "4d96324ff9d44481926157",
        "orderId": 12569099453,
        "orderListId": -1,
        "clientOrderId": "91fe37ce9e69c90d6358c0",
        "transactTime": 1684804350068,
        "price": "23416.10000000",
        "origQty": "0.00847000",
        "executedQty": "0.00001000",
        "origQuoteOrderQty": "0.000000",
        "cummulativeQuoteQty": "0.23416100",
        "status": "CANCELED",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "side": "SELL",
        "stopPrice": "0.00000000",
        "trailingDelta": 0,
        "icebergQty": "0.00000000",
        "strategyId": 37463720,
        "strategyType": 1000000,
        "selfTradePreventionMode": "NONE"
    },
    "rateLimits": [
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": 6000,
            "count": 1
        }
    ]
}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        assert_eq!(reply.rate_limits[0].count, 1);
        let r: OrderCancelResponse = reply.into_result(METHOD).unwrap();
        assert_eq!(r.client_order_id, "91fe37ce9e69c90d6358c0");
        let o = r.to_order().unwrap();
        assert_eq!(o.status, OrderStatus::Cancelled);
        assert_eq!(o.client_id.as_deref(), Some("4d96324ff9d44481926157"));
    }

    #[test]
    fn documented_cancel_restriction_error() {
        // web-socket-api.md "Cancel order (TRADE)" — "Regarding cancelRestrictions" (the
        // error object, in a response envelope).
        let text = r#"{"id":3,"status":400,"error":{
    "code": -2011,
    "msg": "Order was not canceled due to cancel restrictions."
}}"#;
        let WsApiMessage::Response(reply) = WsApiMessage::decode_str(text).unwrap() else {
            panic!()
        };
        let e = reply
            .into_result::<OrderCancelResponse>(METHOD)
            .unwrap_err();
        assert_eq!(
            e,
            BinanceWsError::Api {
                status: 400,
                code: -2011,
                msg: "Order was not canceled due to cancel restrictions.".into()
            }
        );
    }
}
