//! `POST /api/v3/order` (TRADE): place an order.
//!
//! Source: rest-api.md, "Trading endpoints" → "New order (TRADE)"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/trading-endpoints#new-order-trade>).
//! Weight 1 (and 1 on the unfilled order count). SIGNED.
//!
//! Mandatory parameters by `type` (the documented table): `LIMIT`: `timeInForce`, `quantity`,
//! `price`; `MARKET`: `quantity` **or** `quoteOrderQty`; `LIMIT_MAKER`: `quantity`, `price`;
//! `STOP_LOSS`/`TAKE_PROFIT`: `quantity`, `stopPrice`; `STOP_LOSS_LIMIT`/`TAKE_PROFIT_LIMIT`:
//! `timeInForce`, `quantity`, `price`, `stopPrice`. [`NewOrderRequest::params`] checks these
//! before anything is sent. `newOrderRespType`: `ACK`, `RESULT` or `FULL` (`MARKET` and
//! `LIMIT` default to `FULL`, other types to `ACK`).
//!
//! ```
//! use tradewire_binance::private::rest::new_order::NewOrderRequest;
//! use tradewire_core::{Decimal, Side};
//!
//! let d = |s: &str| s.parse::<Decimal>().unwrap();
//! // The order of rest-api.md "SIGNED Endpoint Examples for POST /api/v3/order".
//! let req = NewOrderRequest::limit("LTCBTC", Side::Buy, d("1"), d("0.1"));
//! assert_eq!(
//!     req.params()?.to_query_string(),
//!     "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
//! );
//! let req = NewOrderRequest::market_quote("BTCUSDT", Side::Buy, d("100"))
//!     .with_client_order_id("my-1");
//! assert_eq!(
//!     req.params()?.to_query_string(),
//!     "symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=100&newClientOrderId=my-1"
//! );
//! # Ok::<(), tradewire_rest::RestError>(())
//! ```

use serde::Deserialize;
use tradewire_core::{Decimal, Order, OrderStatus, OrderType, Side, TimeInForce, Venue};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::order::{OrderFields, binance_order_type, binance_side, binance_time_in_force};
use super::signing::RequestAuth;
use crate::SymbolMap;
use crate::public::rest::{invalid, venue_symbol};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/order";

/// The documented request weight.
pub const WEIGHT: u32 = 1;

/// `newOrderRespType` (enums.md "Order Response Type").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// `ACK`: ids and time only.
    Ack,
    /// `RESULT`: the order's state.
    Result,
    /// `FULL`: the state and the fills.
    Full,
}

impl ResponseType {
    /// Binance's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseType::Ack => "ACK",
            ResponseType::Result => "RESULT",
            ResponseType::Full => "FULL",
        }
    }
}

/// A new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderRequest {
    /// The symbol (Binance spelling, upper case).
    pub symbol: String,
    /// Buy or sell.
    pub side: Side,
    /// The type (Binance spot has `Limit`, `Market`, `LimitMaker`, `StopMarket` (`STOP_LOSS`),
    /// `StopLimit` (`STOP_LOSS_LIMIT`), `TakeProfitMarket` (`TAKE_PROFIT`),
    /// `TakeProfitLimit` (`TAKE_PROFIT_LIMIT`)).
    pub order_type: OrderType,
    /// `timeInForce` (`Gtc`, `Ioc`, `Fok`).
    pub time_in_force: Option<TimeInForce>,
    /// `quantity`, in the base asset.
    pub quantity: Option<Decimal>,
    /// `quoteOrderQty` (`MARKET` only): how much quote asset to spend (buy) or receive (sell).
    pub quote_order_qty: Option<Decimal>,
    /// `price`.
    pub price: Option<Decimal>,
    /// `newClientOrderId` (unique among open orders; Binance generates one when absent).
    pub new_client_order_id: Option<String>,
    /// `stopPrice` (stop-loss and take-profit types).
    pub stop_price: Option<Decimal>,
    /// `newOrderRespType`.
    pub response_type: Option<ResponseType>,
}

impl NewOrderRequest {
    fn base(symbol: &str, side: Side, order_type: OrderType) -> Self {
        NewOrderRequest {
            symbol: venue_symbol(symbol),
            side,
            order_type,
            time_in_force: None,
            quantity: None,
            quote_order_qty: None,
            price: None,
            new_client_order_id: None,
            stop_price: None,
            response_type: None,
        }
    }

    /// A `LIMIT` order, good till cancelled (change with
    /// [`with_time_in_force`](Self::with_time_in_force)).
    pub fn limit(symbol: &str, side: Side, quantity: Decimal, price: Decimal) -> Self {
        NewOrderRequest {
            time_in_force: Some(TimeInForce::Gtc),
            quantity: Some(quantity),
            price: Some(price),
            ..Self::base(symbol, side, OrderType::Limit)
        }
    }

    /// A `LIMIT_MAKER` (post-only) order: rejected if it would trade at once.
    pub fn limit_maker(symbol: &str, side: Side, quantity: Decimal, price: Decimal) -> Self {
        NewOrderRequest {
            quantity: Some(quantity),
            price: Some(price),
            ..Self::base(symbol, side, OrderType::LimitMaker)
        }
    }

    /// A `MARKET` order of `quantity` base asset.
    pub fn market(symbol: &str, side: Side, quantity: Decimal) -> Self {
        NewOrderRequest {
            quantity: Some(quantity),
            ..Self::base(symbol, side, OrderType::Market)
        }
    }

    /// A `MARKET` order spending (buy) or receiving (sell) `quote_qty` of the quote asset.
    pub fn market_quote(symbol: &str, side: Side, quote_qty: Decimal) -> Self {
        NewOrderRequest {
            quote_order_qty: Some(quote_qty),
            ..Self::base(symbol, side, OrderType::Market)
        }
    }

    /// A stop or take-profit order (`StopMarket`, `StopLimit`, `TakeProfitMarket`,
    /// `TakeProfitLimit`) triggered at `stop_price`; set `price` and `time_in_force` with
    /// [`with_price`](Self::with_price) / [`with_time_in_force`](Self::with_time_in_force)
    /// for the limit variants.
    pub fn stop(
        symbol: &str,
        side: Side,
        order_type: OrderType,
        quantity: Decimal,
        stop_price: Decimal,
    ) -> Self {
        NewOrderRequest {
            quantity: Some(quantity),
            stop_price: Some(stop_price),
            ..Self::base(symbol, side, order_type)
        }
    }

    /// Sets `timeInForce`.
    pub fn with_time_in_force(mut self, tif: TimeInForce) -> Self {
        self.time_in_force = Some(tif);
        self
    }

    /// Sets `price`.
    pub fn with_price(mut self, price: Decimal) -> Self {
        self.price = Some(price);
        self
    }

    /// Sets `newClientOrderId`.
    pub fn with_client_order_id(mut self, id: impl Into<String>) -> Self {
        self.new_client_order_id = Some(id.into());
        self
    }

    /// Sets `newOrderRespType`.
    pub fn with_response_type(mut self, response_type: ResponseType) -> Self {
        self.response_type = Some(response_type);
        self
    }

    /// The parameters in the documented order (`symbol`, `side`, `type`, `timeInForce`,
    /// `quantity`, `quoteOrderQty`, `price`, `newClientOrderId`, `stopPrice`,
    /// `newOrderRespType`), after checking the type's mandatory parameters.
    pub fn params(&self) -> Result<Params, RestError> {
        let kind = binance_order_type(self.order_type).ok_or_else(|| {
            invalid(format!(
                "new order: Binance spot has no {} order type",
                self.order_type
            ))
        })?;
        let tif = match self.time_in_force {
            None => None,
            Some(t) => Some(binance_time_in_force(t).ok_or_else(|| {
                invalid(format!(
                    "new order: Binance spot has no {t} time in force (post-only is OrderType::LimitMaker)"
                ))
            })?),
        };
        if self.symbol.is_empty() {
            return Err(invalid("new order: symbol is empty"));
        }
        let needs_tif = matches!(kind, "LIMIT" | "STOP_LOSS_LIMIT" | "TAKE_PROFIT_LIMIT");
        let needs_price = needs_tif || kind == "LIMIT_MAKER";
        let needs_stop = kind.starts_with("STOP_LOSS") || kind.starts_with("TAKE_PROFIT");
        let missing = |what: &str| invalid(format!("new order: {kind} needs {what}"));
        let not_for = |what: &str| invalid(format!("new order: {what} is not sent with {kind}"));
        match (needs_tif, tif.is_some()) {
            (true, false) => return Err(missing("timeInForce")),
            (false, true) => return Err(not_for("timeInForce")),
            _ => {}
        }
        match (needs_price, self.price.is_some()) {
            (true, false) => return Err(missing("price")),
            (false, true) => return Err(not_for("price")),
            _ => {}
        }
        match (needs_stop, self.stop_price.is_some()) {
            (true, false) => return Err(missing("stopPrice")),
            (false, true) => return Err(not_for("stopPrice")),
            _ => {}
        }
        match (
            kind,
            self.quantity.is_some(),
            self.quote_order_qty.is_some(),
        ) {
            ("MARKET", true, true) => {
                return Err(invalid(
                    "new order: MARKET takes quantity or quoteOrderQty, not both",
                ));
            }
            ("MARKET", false, false) => return Err(missing("quantity or quoteOrderQty")),
            ("MARKET", _, _) => {}
            (_, _, true) => return Err(not_for("quoteOrderQty")),
            (_, false, _) => return Err(missing("quantity")),
            _ => {}
        }
        if self.new_client_order_id.as_deref() == Some("") {
            return Err(invalid("new order: newClientOrderId is empty"));
        }
        Ok(Params::new()
            .with("symbol", &self.symbol)
            .with("side", binance_side(self.side))
            .with("type", kind)
            .with_opt("timeInForce", tif)
            .with_opt("quantity", self.quantity)
            .with_opt("quoteOrderQty", self.quote_order_qty)
            .with_opt("price", self.price)
            .with_opt("newClientOrderId", self.new_client_order_id.as_deref())
            .with_opt("stopPrice", self.stop_price)
            .with_opt(
                "newOrderRespType",
                self.response_type.map(ResponseType::as_str),
            ))
    }

    /// The signed request, ready to send.
    pub fn request<'a>(
        &self,
        rest: &RestClient,
        auth: &'a RequestAuth,
    ) -> Result<RequestBuilder<'a>, RestError> {
        Ok(auth.sign(rest.post(PATH).params(self.params()?).weight(WEIGHT)))
    }
}

/// One fill of a `FULL` response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fill {
    /// Price.
    pub price: Decimal,
    /// Quantity.
    pub qty: Decimal,
    /// Commission charged.
    pub commission: Decimal,
    /// Asset of the commission.
    pub commission_asset: String,
    /// Trade id.
    pub trade_id: u64,
}

/// The response: `ACK` fields always; the order's state with `RESULT` and `FULL`; `fills` with
/// `FULL`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderResponse {
    /// Symbol.
    pub symbol: String,
    /// Binance's order id.
    pub order_id: u64,
    /// Order list id (`-1` when not part of a list).
    pub order_list_id: i64,
    /// Client order id.
    pub client_order_id: String,
    /// Time of the placement, UTC ms.
    pub transact_time: i64,
    /// Price (`0` for market orders). `RESULT`/`FULL`.
    #[serde(default)]
    pub price: Option<Decimal>,
    /// Ordered quantity. `RESULT`/`FULL`.
    #[serde(default)]
    pub orig_qty: Option<Decimal>,
    /// Filled quantity. `RESULT`/`FULL`.
    #[serde(default)]
    pub executed_qty: Option<Decimal>,
    /// Ordered quote quantity (`quoteOrderQty` orders). `RESULT`/`FULL`.
    #[serde(default)]
    pub orig_quote_order_qty: Option<Decimal>,
    /// Filled quote quantity (Binance's spelling). `RESULT`/`FULL`.
    #[serde(default)]
    pub cummulative_quote_qty: Option<Decimal>,
    /// Order status (enums.md). `RESULT`/`FULL`.
    #[serde(default)]
    pub status: Option<String>,
    /// Time in force. `RESULT`/`FULL`.
    #[serde(default)]
    pub time_in_force: Option<String>,
    /// Order type. `RESULT`/`FULL`.
    #[serde(default, rename = "type")]
    pub order_type: Option<String>,
    /// Side. `RESULT`/`FULL`.
    #[serde(default)]
    pub side: Option<String>,
    /// When the order started working on the book, UTC ms.
    #[serde(default)]
    pub working_time: Option<i64>,
    /// Self-trade prevention mode.
    #[serde(default)]
    pub self_trade_prevention_mode: Option<String>,
    /// Why the order expired, when it did.
    #[serde(default)]
    pub expiry_reason: Option<String>,
    /// Fills. `FULL`.
    #[serde(default)]
    pub fills: Vec<Fill>,
}

impl NewOrderResponse {
    /// Whether this is an `ACK` response (no order state).
    pub fn is_ack(&self) -> bool {
        self.status.is_none()
    }

    /// As a core [`Order`] (`time` = `transactTime`).
    ///
    /// An `ACK` response says only that the order was accepted: its side, type, price and
    /// quantity come from `request`, the status is [`OrderStatus::Open`] and nothing is filled
    /// — query the order for its actual state.
    pub fn to_order(&self, request: &NewOrderRequest) -> Result<Order, RestError> {
        match (&self.status, &self.side, &self.order_type) {
            (Some(status), Some(side), Some(order_type)) => OrderFields {
                symbol: &self.symbol,
                order_id: self.order_id,
                client_order_id: &self.client_order_id,
                side,
                order_type,
                status,
                price: self.price.unwrap_or_default(),
                orig_qty: self.orig_qty.unwrap_or_default(),
                executed_qty: self.executed_qty.unwrap_or_default(),
                cummulative_quote_qty: self.cummulative_quote_qty.unwrap_or_default(),
                time: self.transact_time,
            }
            .to_order(),
            _ => Ok(Order {
                venue: Venue::Binance,
                symbol: SymbolMap::resolve_global(&self.symbol),
                venue_symbol: self.symbol.clone(),
                id: self.order_id.to_string(),
                client_id: (!self.client_order_id.is_empty()).then(|| self.client_order_id.clone()),
                side: request.side,
                order_type: request.order_type,
                status: OrderStatus::Open,
                price: request.price,
                amount: request.quantity.unwrap_or_default(),
                filled: Decimal::ZERO,
                avg_price: None,
                time: self.transact_time,
            }),
        }
    }
}

/// Sends the order; Binance's response.
pub async fn send(
    rest: &RestClient,
    auth: &RequestAuth,
    req: &NewOrderRequest,
) -> Result<NewOrderResponse, RestError> {
    req.request(rest, auth)?.send_json().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::rest::signing::KeyType;
    use std::time::Duration;
    use tradewire_core::Credentials;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    // rest-api.md, "SIGNED Endpoint Examples for POST /api/v3/order" → "HMAC Keys".
    const DOC_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const DOC_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    /// rest-api.md, "New order (TRADE)", Response - ACK.
    const DOC_ACK: &str = r#"{
    "symbol": "BTCUSDT",
    "orderId": 28,
    "orderListId": -1,
    "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "transactTime": 1507725176595
}"#;

    /// rest-api.md, "New order (TRADE)", Response - RESULT (comments stripped).
    const DOC_RESULT: &str = r#"{
    "symbol": "BTCUSDT",
    "orderId": 28,
    "orderListId": -1,
    "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "transactTime": 1507725176595,
    "price": "0.00000000",
    "origQty": "10.00000000",
    "executedQty": "10.00000000",
    "origQuoteOrderQty": "0.000000",
    "cummulativeQuoteQty": "10.00000000",
    "status": "FILLED",
    "timeInForce": "GTC",
    "type": "MARKET",
    "side": "SELL",
    "workingTime": 1507725176595,
    "selfTradePreventionMode": "NONE"
}"#;

    /// rest-api.md, "New order (TRADE)", Response - FULL (comments stripped).
    const DOC_FULL: &str = r#"{
    "symbol": "BTCUSDT",
    "orderId": 28,
    "orderListId": -1,
    "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "transactTime": 1507725176595,
    "price": "0.00000000",
    "origQty": "10.00000000",
    "executedQty": "10.00000000",
    "origQuoteOrderQty": "0.000000",
    "cummulativeQuoteQty": "10.00000000",
    "status": "FILLED",
    "timeInForce": "GTC",
    "type": "MARKET",
    "side": "SELL",
    "workingTime": 1507725176595,
    "selfTradePreventionMode": "NONE",
    "fills": [
        {
            "price": "4000.00000000",
            "qty": "1.00000000",
            "commission": "4.00000000",
            "commissionAsset": "USDT",
            "tradeId": 56
        },
        {
            "price": "3999.00000000",
            "qty": "5.00000000",
            "commission": "19.99500000",
            "commissionAsset": "USDT",
            "tradeId": 57
        },
        {
            "price": "3998.00000000",
            "qty": "2.00000000",
            "commission": "7.99600000",
            "commissionAsset": "USDT",
            "tradeId": 58
        },
        {
            "price": "3997.00000000",
            "qty": "1.00000000",
            "commission": "3.99700000",
            "commissionAsset": "USDT",
            "tradeId": 59
        },
        {
            "price": "3995.00000000",
            "qty": "1.00000000",
            "commission": "3.99500000",
            "commissionAsset": "USDT",
            "tradeId": 60
        }
    ]
}"#;

    #[test]
    fn signed_documented_example() {
        // The worked example: every parameter, then recvWindow, timestamp, signature.
        let auth = RequestAuth::new(&Credentials::new(DOC_KEY, DOC_SECRET), KeyType::Hmac)
            .unwrap()
            .with_recv_window(Duration::from_millis(5000))
            .unwrap();
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let req = NewOrderRequest::limit("LTCBTC", Side::Buy, d("1"), d("0.1"))
            .request(&rest, &auth)
            .unwrap()
            .timestamp_ms(1_499_827_319_559)
            .prepare()
            .unwrap();
        assert_eq!(req.method, tradewire_rest::http::Method::POST);
        assert_eq!(req.path, "/api/v3/order");
        assert_eq!(
            req.query_string(),
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
        );
        assert_eq!(req.headers["x-mbx-apikey"], DOC_KEY);
    }

    #[test]
    fn params_of_each_type() {
        let q = |r: NewOrderRequest| r.params().unwrap().to_query_string();
        assert_eq!(
            q(NewOrderRequest::market("btcusdt", Side::Sell, d("0.5"))
                .with_response_type(ResponseType::Full)),
            "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.5&newOrderRespType=FULL"
        );
        assert_eq!(
            q(NewOrderRequest::limit_maker(
                "BNBBTC",
                Side::Buy,
                d("1.000"),
                d("0.009500")
            )),
            "symbol=BNBBTC&side=BUY&type=LIMIT_MAKER&quantity=1.000&price=0.009500"
        );
        assert_eq!(
            q(
                NewOrderRequest::limit("BTCUSDT", Side::Buy, d("0.001"), d("30000"))
                    .with_time_in_force(TimeInForce::Ioc)
                    .with_client_order_id("c-1")
                    .with_response_type(ResponseType::Ack)
            ),
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.001&price=30000&newClientOrderId=c-1&newOrderRespType=ACK"
        );
        assert_eq!(
            q(NewOrderRequest::stop(
                "BTCUSDT",
                Side::Sell,
                OrderType::StopLimit,
                d("1"),
                d("25000")
            )
            .with_price(d("24900"))
            .with_time_in_force(TimeInForce::Gtc)),
            "symbol=BTCUSDT&side=SELL&type=STOP_LOSS_LIMIT&timeInForce=GTC&quantity=1&price=24900&stopPrice=25000"
        );
        assert_eq!(
            q(NewOrderRequest::stop(
                "BTCUSDT",
                Side::Buy,
                OrderType::TakeProfitMarket,
                d("1"),
                d("1")
            )),
            "symbol=BTCUSDT&side=BUY&type=TAKE_PROFIT&quantity=1&stopPrice=1"
        );
    }

    #[test]
    fn mandatory_parameters_are_checked_before_sending() {
        let bad = [
            // LIMIT without timeInForce
            NewOrderRequest {
                time_in_force: None,
                ..NewOrderRequest::limit("BTCUSDT", Side::Buy, d("1"), d("1"))
            },
            // LIMIT without price
            NewOrderRequest {
                price: None,
                ..NewOrderRequest::limit("BTCUSDT", Side::Buy, d("1"), d("1"))
            },
            // MARKET with both quantities
            NewOrderRequest {
                quote_order_qty: Some(d("1")),
                ..NewOrderRequest::market("BTCUSDT", Side::Buy, d("1"))
            },
            // MARKET with neither
            NewOrderRequest {
                quantity: None,
                ..NewOrderRequest::market("BTCUSDT", Side::Buy, d("1"))
            },
            // MARKET with a time in force or a price
            NewOrderRequest::market("BTCUSDT", Side::Buy, d("1"))
                .with_time_in_force(TimeInForce::Gtc),
            NewOrderRequest::market("BTCUSDT", Side::Buy, d("1")).with_price(d("1")),
            // LIMIT_MAKER with a time in force
            NewOrderRequest::limit_maker("BTCUSDT", Side::Buy, d("1"), d("1"))
                .with_time_in_force(TimeInForce::Gtc),
            // quoteOrderQty on a LIMIT order
            NewOrderRequest {
                quote_order_qty: Some(d("1")),
                ..NewOrderRequest::limit("BTCUSDT", Side::Buy, d("1"), d("1"))
            },
            // post-only time in force, GTD, trailing stop type
            NewOrderRequest::limit("BTCUSDT", Side::Buy, d("1"), d("1"))
                .with_time_in_force(TimeInForce::PostOnly),
            NewOrderRequest::limit("BTCUSDT", Side::Buy, d("1"), d("1"))
                .with_time_in_force(TimeInForce::Gtd),
            NewOrderRequest::stop(
                "BTCUSDT",
                Side::Buy,
                OrderType::TrailingStopMarket,
                d("1"),
                d("1"),
            ),
            // stop without stopPrice; stopPrice on a LIMIT
            NewOrderRequest {
                stop_price: None,
                ..NewOrderRequest::stop("BTCUSDT", Side::Buy, OrderType::StopMarket, d("1"), d("1"))
            },
            NewOrderRequest {
                stop_price: Some(d("1")),
                ..NewOrderRequest::limit("BTCUSDT", Side::Buy, d("1"), d("1"))
            },
            // empty symbol / client order id
            NewOrderRequest::market("", Side::Buy, d("1")),
            NewOrderRequest::market("BTCUSDT", Side::Buy, d("1")).with_client_order_id(""),
        ];
        for req in bad {
            let e = req.params().unwrap_err();
            assert!(matches!(e, RestError::InvalidRequest(_)), "{req:?}: {e:?}");
        }
    }

    #[test]
    fn documented_ack_response() {
        let resp: NewOrderResponse = serde_json::from_str(DOC_ACK).unwrap();
        assert!(resp.is_ack());
        let req = NewOrderRequest::limit("BTCUSDT", Side::Buy, d("2"), d("3000"));
        let o = resp.to_order(&req).unwrap();
        assert_eq!(o.id, "28");
        assert_eq!(o.client_id.as_deref(), Some("6gCrw2kRUAF9CvJDGP16IP"));
        assert_eq!(
            (o.side, o.order_type, o.status),
            (Side::Buy, OrderType::Limit, OrderStatus::Open)
        );
        assert_eq!(
            (o.price, o.amount, o.filled),
            (Some(d("3000")), d("2"), Decimal::ZERO)
        );
        assert_eq!(o.time, 1507725176595);
    }

    #[test]
    fn documented_result_and_full_responses() {
        let req = NewOrderRequest::market("BTCUSDT", Side::Sell, d("10"));
        let result: NewOrderResponse = serde_json::from_str(DOC_RESULT).unwrap();
        assert!(!result.is_ack() && result.fills.is_empty());
        assert_eq!(result.working_time, Some(1507725176595));
        let o = result.to_order(&req).unwrap();
        assert_eq!(
            (o.side, o.order_type, o.status),
            (Side::Sell, OrderType::Market, OrderStatus::Filled)
        );
        assert_eq!(o.price, None); // "0.00000000" for a market order
        assert_eq!((o.amount, o.filled), (d("10"), d("10")));
        assert_eq!(o.avg_price, Some(d("1")));

        let full: NewOrderResponse = serde_json::from_str(DOC_FULL).unwrap();
        assert_eq!(full.fills.len(), 5);
        assert_eq!(full.fills[1].commission.to_string(), "19.99500000");
        assert_eq!(full.fills[4].trade_id, 60);
        assert_eq!(full.fills[0].commission_asset, "USDT");
        let filled: Decimal = full.fills.iter().map(|f| f.qty).sum();
        assert_eq!(filled, full.executed_qty.unwrap());
        assert_eq!(full.to_order(&req).unwrap().status, OrderStatus::Filled);
    }
}
