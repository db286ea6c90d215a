//! `GET /api/v3/order` (USER_DATA): one order's state.
//!
//! Source: rest-api.md, "Account Endpoints" → "Query order (USER_DATA)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/account-endpoints#query-order-user_data>).
//! Weight 4. SIGNED. Parameters `symbol` (mandatory), and `orderId` or `origClientOrderId`.
//! The response shape ([`OrderInfo`]) is shared with "Current open orders".
//!
//! ```
//! use tradewire_binance::private::rest::query_order::QueryOrderRequest;
//!
//! assert_eq!(
//!     QueryOrderRequest::by_id("LTCBTC", 1).params()?.to_query_string(),
//!     "symbol=LTCBTC&orderId=1"
//! );
//! assert_eq!(
//!     QueryOrderRequest::by_client_id("LTCBTC", "myOrder1").params()?.to_query_string(),
//!     "symbol=LTCBTC&origClientOrderId=myOrder1"
//! );
//! # Ok::<(), tradewire_rest::RestError>(())
//! ```

use serde::Deserialize;
use tradewire_core::{Decimal, Order};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::order::{OrderFields, OrderRef};
use super::signing::RequestAuth;
use crate::public::rest::{invalid, venue_symbol};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/order";

/// The documented request weight.
pub const WEIGHT: u32 = 4;

/// The request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOrderRequest {
    /// The symbol (Binance spelling, upper case).
    pub symbol: String,
    /// Which order.
    pub order: OrderRef,
}

impl QueryOrderRequest {
    /// The order `order_id` of `symbol`.
    pub fn by_id(symbol: &str, order_id: u64) -> Self {
        QueryOrderRequest {
            symbol: venue_symbol(symbol),
            order: OrderRef::Id(order_id),
        }
    }

    /// The order with client order id `client_id` of `symbol`.
    pub fn by_client_id(symbol: &str, client_id: impl Into<String>) -> Self {
        QueryOrderRequest {
            symbol: venue_symbol(symbol),
            order: OrderRef::ClientId(client_id.into()),
        }
    }

    /// The parameters: `symbol`, then `orderId` or `origClientOrderId`.
    pub fn params(&self) -> Result<Params, RestError> {
        order_params("query order", &self.symbol, &self.order)
    }

    /// The signed request, ready to send.
    pub fn request<'a>(
        &self,
        rest: &RestClient,
        auth: &'a RequestAuth,
    ) -> Result<RequestBuilder<'a>, RestError> {
        Ok(auth.sign(rest.get(PATH).params(self.params()?).weight(WEIGHT)))
    }
}

/// `symbol` and `orderId` / `origClientOrderId` (query and cancel share them).
pub(crate) fn order_params(
    what: &str,
    symbol: &str,
    order: &OrderRef,
) -> Result<Params, RestError> {
    if symbol.is_empty() {
        return Err(invalid(format!("{what}: symbol is empty")));
    }
    let p = Params::new().with("symbol", symbol);
    Ok(match order {
        OrderRef::Id(id) => p.with("orderId", id),
        OrderRef::ClientId(c) if c.is_empty() => {
            return Err(invalid(format!("{what}: origClientOrderId is empty")));
        }
        OrderRef::ClientId(c) => p.with("origClientOrderId", c),
    })
}

/// An order's state, as "Query order" and "Current open orders" return it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderInfo {
    /// Symbol.
    pub symbol: String,
    /// Binance's order id.
    pub order_id: u64,
    /// Order list id (`-1` when not part of a list).
    pub order_list_id: i64,
    /// Client order id.
    pub client_order_id: String,
    /// Price (`0` for market orders).
    pub price: Decimal,
    /// Ordered quantity.
    pub orig_qty: Decimal,
    /// Filled quantity.
    pub executed_qty: Decimal,
    /// Filled quote quantity (negative for some historical orders: unknown).
    pub cummulative_quote_qty: Decimal,
    /// Status (enums.md "Order status").
    pub status: String,
    /// Time in force.
    pub time_in_force: String,
    /// Order type.
    #[serde(rename = "type")]
    pub order_type: String,
    /// Side.
    pub side: String,
    /// Stop price (stop and take-profit orders).
    #[serde(default)]
    pub stop_price: Option<Decimal>,
    /// Iceberg quantity (iceberg orders).
    #[serde(default)]
    pub iceberg_qty: Option<Decimal>,
    /// Creation time, UTC ms.
    pub time: i64,
    /// Last update, UTC ms.
    pub update_time: i64,
    /// Whether the order is on the book.
    pub is_working: bool,
    /// When the order started working, UTC ms (`-1` when not yet).
    #[serde(default)]
    pub working_time: Option<i64>,
    /// Ordered quote quantity.
    #[serde(default)]
    pub orig_quote_order_qty: Option<Decimal>,
    /// Self-trade prevention mode.
    #[serde(default)]
    pub self_trade_prevention_mode: Option<String>,
}

impl OrderInfo {
    /// As a core [`Order`] (`time` = `updateTime`).
    pub fn to_order(&self) -> Result<Order, RestError> {
        OrderFields {
            symbol: &self.symbol,
            order_id: self.order_id,
            client_order_id: &self.client_order_id,
            side: &self.side,
            order_type: &self.order_type,
            status: &self.status,
            price: self.price,
            orig_qty: self.orig_qty,
            executed_qty: self.executed_qty,
            cummulative_quote_qty: self.cummulative_quote_qty,
            time: self.update_time,
        }
        .to_order()
    }
}

/// Sends the request; the order's state as Binance sent it.
pub async fn send(
    rest: &RestClient,
    auth: &RequestAuth,
    req: &QueryOrderRequest,
) -> Result<OrderInfo, RestError> {
    req.request(rest, auth)?.send_json().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::rest::signing::KeyType;
    use tradewire_core::{Credentials, OrderStatus, OrderType, Side, Venue};

    /// rest-api.md, "Query order (USER_DATA)", Response (comments stripped).
    const DOC_ORDER: &str = r#"{
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
    "workingTime": 1499827319559,
    "origQuoteOrderQty": "0.000000",
    "selfTradePreventionMode": "NONE"
}"#;

    #[test]
    fn params_and_signed_request() {
        assert!(
            QueryOrderRequest::by_client_id("LTCBTC", "")
                .params()
                .is_err()
        );
        assert!(QueryOrderRequest::by_id("", 1).params().is_err());
        let auth = RequestAuth::new(&Credentials::new("k", "s"), KeyType::Hmac).unwrap();
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = QueryOrderRequest::by_id("ltcbtc", 1)
            .request(&rest, &auth)
            .unwrap()
            .timestamp_ms(1_499_827_319_559)
            .prepare()
            .unwrap();
        assert_eq!(req.method, tradewire_rest::http::Method::GET);
        assert_eq!(req.path, "/api/v3/order");
        let sig = tradewire_rest::sign::hmac_sha256_hex(
            "s",
            "symbol=LTCBTC&orderId=1&timestamp=1499827319559",
        );
        assert_eq!(
            req.query_string(),
            format!("symbol=LTCBTC&orderId=1&timestamp=1499827319559&signature={sig}")
        );
    }

    #[test]
    fn documented_response() {
        let info: OrderInfo = serde_json::from_str(DOC_ORDER).unwrap();
        assert_eq!(info.stop_price, Some(Decimal::ZERO));
        assert!(info.is_working);
        let o = info.to_order().unwrap();
        assert_eq!(o.id, "1");
        assert_eq!(o.venue_symbol, "LTCBTC");
        assert_eq!(o.client_id.as_deref(), Some("myOrder1"));
        assert_eq!(
            (o.side, o.order_type, o.status),
            (Side::Buy, OrderType::Limit, OrderStatus::Open)
        );
        assert_eq!(o.price.map(|p| p.to_string()).as_deref(), Some("0.1"));
        assert_eq!(o.amount.to_string(), "1.0");
        assert_eq!(o.filled, Decimal::ZERO);
        assert_eq!(o.avg_price, None);
        assert_eq!(o.time, 1499827319559);
        // Conditional fields may be absent.
        let trimmed = DOC_ORDER
            .replace("    \"stopPrice\": \"0.0\",\n", "")
            .replace("    \"icebergQty\": \"0.0\",\n", "");
        let info: OrderInfo = serde_json::from_str(&trimmed).unwrap();
        assert_eq!((info.stop_price, info.iceberg_qty), (None, None));
    }
}
