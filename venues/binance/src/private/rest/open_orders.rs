//! `GET /api/v3/openOrders` (USER_DATA): the account's open orders, on one symbol or all.
//!
//! Source: rest-api.md, "Account Endpoints" → "Current open orders (USER_DATA)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/account-endpoints#current-open-orders-user_data>).
//! Weight 6 for one symbol, **80** without `symbol`. SIGNED.

use tradewire_core::Order;
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::query_order::OrderInfo;
use super::signing::RequestAuth;
use crate::public::rest::{invalid, venue_symbol};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/openOrders";

/// The documented weight with `symbol`.
pub const WEIGHT_ONE_SYMBOL: u32 = 6;

/// The documented weight without `symbol` (every symbol).
pub const WEIGHT_ALL_SYMBOLS: u32 = 80;

/// The request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOrdersRequest {
    /// One symbol, or `None` for every symbol (weight 80).
    pub symbol: Option<String>,
}

impl OpenOrdersRequest {
    /// Open orders of `symbol`.
    pub fn symbol(symbol: &str) -> Self {
        OpenOrdersRequest {
            symbol: Some(venue_symbol(symbol)),
        }
    }

    /// Open orders of every symbol (weight 80).
    pub fn all() -> Self {
        OpenOrdersRequest { symbol: None }
    }

    /// The documented weight of this request.
    pub fn weight(&self) -> u32 {
        match self.symbol {
            Some(_) => WEIGHT_ONE_SYMBOL,
            None => WEIGHT_ALL_SYMBOLS,
        }
    }

    /// The parameters.
    pub fn params(&self) -> Result<Params, RestError> {
        if self.symbol.as_deref() == Some("") {
            return Err(invalid("open orders: symbol is empty"));
        }
        Ok(Params::new().with_opt("symbol", self.symbol.as_deref()))
    }

    /// The signed request, ready to send.
    pub fn request<'a>(
        &self,
        rest: &RestClient,
        auth: &'a RequestAuth,
    ) -> Result<RequestBuilder<'a>, RestError> {
        Ok(auth.sign(rest.get(PATH).params(self.params()?).weight(self.weight())))
    }
}

/// Sends the request; the orders as Binance sent them.
pub async fn send(
    rest: &RestClient,
    auth: &RequestAuth,
    req: &OpenOrdersRequest,
) -> Result<Vec<OrderInfo>, RestError> {
    req.request(rest, auth)?.send_json().await
}

/// The orders as core [`Order`]s.
pub fn to_orders(orders: &[OrderInfo]) -> Result<Vec<Order>, RestError> {
    orders.iter().map(OrderInfo::to_order).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::rest::signing::KeyType;
    use tradewire_core::{Credentials, OrderStatus, Venue};

    /// rest-api.md, "Current open orders (USER_DATA)", Response (comments stripped).
    const DOC_OPEN_ORDERS: &str = r#"[
    {
        "symbol": "LTCBTC",
        "orderId": 1,
        "orderListId": -1,
        "clientOrderId": "myOrder1",
        "price": "0.1",
        "origQty": "1.0",
        "executedQty": "0.0",
        "cummulativeQuoteQty": "0.0",
        "status": "NEW",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "side": "BUY",
        "stopPrice": "0.0",
        "icebergQty": "0.0",
        "time": 1499827319559,
        "updateTime": 1499827319559,
        "isWorking": true,
        "origQuoteOrderQty": "0.000000",
        "workingTime": 1499827319559,
        "selfTradePreventionMode": "NONE"
    }
]"#;

    #[test]
    fn params_and_weights() {
        let one = OpenOrdersRequest::symbol("ltcbtc");
        assert_eq!(one.params().unwrap().to_query_string(), "symbol=LTCBTC");
        assert_eq!(one.weight(), 6);
        let all = OpenOrdersRequest::all();
        assert_eq!(all.params().unwrap().to_query_string(), "");
        assert_eq!(all.weight(), 80);
        assert!(OpenOrdersRequest::symbol("").params().is_err());
        let auth = RequestAuth::new(&Credentials::new("k", "s"), KeyType::Hmac).unwrap();
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = one.request(&rest, &auth).unwrap().prepare().unwrap();
        assert_eq!(req.path, "/api/v3/openOrders");
        assert!(req.query_string().starts_with("symbol=LTCBTC&timestamp="));
    }

    #[test]
    fn documented_response() {
        let orders: Vec<OrderInfo> = serde_json::from_str(DOC_OPEN_ORDERS).unwrap();
        let core = to_orders(&orders).unwrap();
        assert_eq!(core.len(), 1);
        assert_eq!(core[0].id, "1");
        assert_eq!(core[0].status, OrderStatus::Open);
        assert_eq!(core[0].client_id.as_deref(), Some("myOrder1"));
        assert!(to_orders(&[]).unwrap().is_empty());
    }
}
