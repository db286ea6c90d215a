//! The order object shared by `order.place` (`RESULT`/`FULL`), `order.cancel`, `order.status`
//! and `openOrders.status` ([`OrderReport`]), and Binance's order enums mapped to
//! tradewire-core's.
//!
//! Doc: web-socket-api.md "Place new order (TRADE)" (response types ACK/RESULT/FULL),
//! "Conditional fields in Order Responses", "Cancel order (TRADE)", "Query order
//! (USER_DATA)", "Current open orders (USER_DATA)" ("Status reports for open orders are
//! identical to `order.status`"); enums.md "Order status", "Order types", "Order side", "Time
//! in force".
//!
//! | Binance `status` (enums.md) | [`OrderStatus`] |
//! |---|---|
//! | `NEW`, `PENDING_CANCEL` ("currently unused") | `open` |
//! | `PENDING_NEW` (waits for the working order of its order list) | `untriggered` |
//! | `PARTIALLY_FILLED` | `partially_filled` |
//! | `FILLED` | `filled` |
//! | `CANCELED` | `cancelled` |
//! | `REJECTED` | `rejected` |
//! | `EXPIRED`, `EXPIRED_IN_MATCH` (STP) | `expired` |
//!
//! Order types: `LIMIT` → `limit`, `MARKET` → `market`, `LIMIT_MAKER` → `limit_maker`,
//! `STOP_LOSS` → `stop_market`, `STOP_LOSS_LIMIT` → `stop_limit`, `TAKE_PROFIT` →
//! `take_profit_market`, `TAKE_PROFIT_LIMIT` → `take_profit_limit`.

use serde::Deserialize;
use tradewire_core::{
    Decimal, DecodeError, Order, OrderStatus, OrderType, Side, TimeInForce, Venue,
};

use crate::symbols::resolve_cached;

/// enums.md "Order status" → [`OrderStatus`] (see the module table); `None` for a status
/// Binance does not document.
pub fn order_status(binance: &str) -> Option<OrderStatus> {
    Some(match binance {
        "NEW" | "PENDING_CANCEL" => OrderStatus::Open,
        "PENDING_NEW" => OrderStatus::Untriggered,
        "PARTIALLY_FILLED" => OrderStatus::PartiallyFilled,
        "FILLED" => OrderStatus::Filled,
        "CANCELED" => OrderStatus::Cancelled,
        "REJECTED" => OrderStatus::Rejected,
        "EXPIRED" | "EXPIRED_IN_MATCH" => OrderStatus::Expired,
        _ => return None,
    })
}

/// enums.md "Order types" → [`OrderType`]; undocumented types are [`OrderType::Other`].
pub fn order_type(binance: &str) -> OrderType {
    match binance {
        "LIMIT" => OrderType::Limit,
        "MARKET" => OrderType::Market,
        "LIMIT_MAKER" => OrderType::LimitMaker,
        "STOP_LOSS" => OrderType::StopMarket,
        "STOP_LOSS_LIMIT" => OrderType::StopLimit,
        "TAKE_PROFIT" => OrderType::TakeProfitMarket,
        "TAKE_PROFIT_LIMIT" => OrderType::TakeProfitLimit,
        _ => OrderType::Other,
    }
}

/// enums.md "Order side": `BUY` / `SELL`.
pub fn side(binance: &str) -> Option<Side> {
    match binance {
        "BUY" => Some(Side::Buy),
        "SELL" => Some(Side::Sell),
        _ => None,
    }
}

/// [`Side`] as Binance spells it.
pub const fn side_str(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

/// enums.md "Time in force": `GTC`, `IOC`, `FOK`.
pub fn time_in_force(binance: &str) -> Option<TimeInForce> {
    match binance {
        "GTC" => Some(TimeInForce::Gtc),
        "IOC" => Some(TimeInForce::Ioc),
        "FOK" => Some(TimeInForce::Fok),
        _ => None,
    }
}

/// [`TimeInForce`] as Binance spells it; `None` for the ones Binance spot has no
/// `timeInForce` for (post-only is the `LIMIT_MAKER` order type; no GTD).
pub const fn time_in_force_str(tif: TimeInForce) -> Option<&'static str> {
    match tif {
        TimeInForce::Gtc => Some("GTC"),
        TimeInForce::Ioc => Some("IOC"),
        TimeInForce::Fok => Some("FOK"),
        TimeInForce::PostOnly | TimeInForce::Gtd => None,
    }
}

/// One immediate fill of a `FULL` `order.place` response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Fill {
    /// Fill price.
    pub price: Decimal,
    /// Filled quantity.
    pub qty: Decimal,
    /// Commission charged.
    pub commission: Decimal,
    /// Asset of the commission.
    #[serde(rename = "commissionAsset")]
    pub commission_asset: String,
    /// Trade id.
    #[serde(rename = "tradeId")]
    pub trade_id: i64,
}

/// An order as Binance reports it. Fields marked conditional in "Conditional fields in Order
/// Responses" are `Option`s; an `ACK` `order.place` response has only the identifiers and
/// `transactTime`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrderReport {
    /// Symbol, e.g. `BTCUSDT`.
    pub symbol: String,
    /// Binance's order id.
    #[serde(rename = "orderId")]
    pub order_id: u64,
    /// `-1` unless the order belongs to an order list.
    #[serde(rename = "orderListId", default)]
    pub order_list_id: Option<i64>,
    /// Client order id (for a cancel: the cancel's new client order id).
    #[serde(rename = "clientOrderId")]
    pub client_order_id: String,
    /// The cancelled order's client order id (cancel responses).
    #[serde(rename = "origClientOrderId", default)]
    pub orig_client_order_id: Option<String>,
    /// Time of the placement or cancellation, UTC ms.
    #[serde(rename = "transactTime", default)]
    pub transact_time: Option<i64>,
    /// Limit price (`0` for market orders).
    #[serde(default)]
    pub price: Option<Decimal>,
    /// Ordered quantity.
    #[serde(rename = "origQty", default)]
    pub orig_qty: Option<Decimal>,
    /// Filled quantity.
    #[serde(rename = "executedQty", default)]
    pub executed_qty: Option<Decimal>,
    /// Quote quantity of a `quoteOrderQty` market order.
    #[serde(rename = "origQuoteOrderQty", default)]
    pub orig_quote_order_qty: Option<Decimal>,
    /// Cumulative quote quantity filled (negative when Binance has no data).
    #[serde(rename = "cummulativeQuoteQty", default)]
    pub cummulative_quote_qty: Option<Decimal>,
    /// Binance's order status (`NEW`, `FILLED`, `EXPIRED_IN_MATCH`, …).
    #[serde(default)]
    pub status: Option<String>,
    /// `GTC`, `IOC`, `FOK`.
    #[serde(rename = "timeInForce", default)]
    pub time_in_force: Option<String>,
    /// Binance's order type (`LIMIT`, `MARKET`, `LIMIT_MAKER`, …).
    #[serde(rename = "type", default)]
    pub order_type: Option<String>,
    /// `BUY` / `SELL`.
    #[serde(default)]
    pub side: Option<String>,
    /// Stop price (conditional).
    #[serde(rename = "stopPrice", default)]
    pub stop_price: Option<Decimal>,
    /// Iceberg quantity (conditional).
    #[serde(rename = "icebergQty", default)]
    pub iceberg_qty: Option<Decimal>,
    /// Placement time, UTC ms (`order.status`, `openOrders.status`).
    #[serde(default)]
    pub time: Option<i64>,
    /// Last update time, UTC ms (`order.status`, `openOrders.status`).
    #[serde(rename = "updateTime", default)]
    pub update_time: Option<i64>,
    /// Whether the order is on the book.
    #[serde(rename = "isWorking", default)]
    pub is_working: Option<bool>,
    /// When the order started working on the book, UTC ms.
    #[serde(rename = "workingTime", default)]
    pub working_time: Option<i64>,
    /// STP mode.
    #[serde(rename = "selfTradePreventionMode", default)]
    pub self_trade_prevention_mode: Option<String>,
    /// Why the order expired (conditional).
    #[serde(rename = "expiryReason", default)]
    pub expiry_reason: Option<String>,
    /// Immediate fills (`FULL` response type only).
    #[serde(default)]
    pub fills: Vec<Fill>,
}

impl OrderReport {
    /// The normalized status (`None` for an `ACK` response or an undocumented status).
    pub fn order_status(&self) -> Option<OrderStatus> {
        self.status.as_deref().and_then(order_status)
    }

    /// The report as a core [`Order`]: `id` = `orderId`, `client_id` = the order's own client
    /// id (`origClientOrderId` of a cancel response, else `clientOrderId`), `price` absent
    /// for market orders, `avg_price` = `cummulativeQuoteQty / executedQty`, `time` = the
    /// latest of `updateTime`, `transactTime`, `time`.
    ///
    /// An `ACK` response (no status, side or type) is a [`DecodeError`]: ask for `RESULT` or
    /// `FULL`, or query the order.
    pub fn to_order(&self) -> Result<Order, DecodeError> {
        let missing = |field: &str| {
            DecodeError::new(
                Venue::Binance,
                "order report",
                format!("no \"{field}\" (an ACK response?)"),
            )
        };
        let status_text = self.status.as_deref().ok_or_else(|| missing("status"))?;
        let status = order_status(status_text).ok_or_else(|| {
            DecodeError::new(
                Venue::Binance,
                "order report",
                format!("unknown order status {status_text:?}"),
            )
        })?;
        let side_text = self.side.as_deref().ok_or_else(|| missing("side"))?;
        let side = side(side_text).ok_or_else(|| {
            DecodeError::new(
                Venue::Binance,
                "order report",
                format!("unknown side {side_text:?}"),
            )
        })?;
        let order_type = order_type(self.order_type.as_deref().ok_or_else(|| missing("type"))?);
        let amount = self.orig_qty.ok_or_else(|| missing("origQty"))?;
        let filled = self.executed_qty.ok_or_else(|| missing("executedQty"))?;
        let client_id = match &self.orig_client_order_id {
            Some(orig) if !orig.is_empty() => orig.clone(),
            _ => self.client_order_id.clone(),
        };
        Ok(Order {
            venue: Venue::Binance,
            symbol: resolve_cached(&self.symbol),
            venue_symbol: self.symbol.clone(),
            id: self.order_id.to_string(),
            client_id: (!client_id.is_empty()).then_some(client_id),
            side,
            order_type,
            status,
            price: self.price.filter(|p| !p.is_zero()),
            amount,
            filled,
            avg_price: average_price(self.cummulative_quote_qty, filled),
            time: [self.update_time, self.transact_time, self.time]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(0),
        })
    }
}

/// `quote / filled` when something was filled and the quote amount is known (Binance reports
/// a negative `cummulativeQuoteQty` when it has no data).
pub(crate) fn average_price(quote: Option<Decimal>, filled: Decimal) -> Option<Decimal> {
    match quote {
        Some(q) if filled > Decimal::ZERO && q >= Decimal::ZERO => {
            q.checked_div(filled).map(|d| d.normalize())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_mapping_follows_enums_md() {
        let cases = [
            ("NEW", Some(OrderStatus::Open)),
            ("PENDING_NEW", Some(OrderStatus::Untriggered)),
            ("PARTIALLY_FILLED", Some(OrderStatus::PartiallyFilled)),
            ("FILLED", Some(OrderStatus::Filled)),
            ("CANCELED", Some(OrderStatus::Cancelled)),
            ("PENDING_CANCEL", Some(OrderStatus::Open)),
            ("REJECTED", Some(OrderStatus::Rejected)),
            ("EXPIRED", Some(OrderStatus::Expired)),
            ("EXPIRED_IN_MATCH", Some(OrderStatus::Expired)),
            ("LIVE", None),
        ];
        for (binance, core) in cases {
            assert_eq!(order_status(binance), core, "{binance}");
        }
    }

    #[test]
    fn enum_mappings() {
        assert_eq!(order_type("LIMIT_MAKER"), OrderType::LimitMaker);
        assert_eq!(order_type("STOP_LOSS"), OrderType::StopMarket);
        assert_eq!(order_type("STOP_LOSS_LIMIT"), OrderType::StopLimit);
        assert_eq!(order_type("TAKE_PROFIT"), OrderType::TakeProfitMarket);
        assert_eq!(order_type("TAKE_PROFIT_LIMIT"), OrderType::TakeProfitLimit);
        assert_eq!(order_type("OCO"), OrderType::Other);
        assert_eq!(side("SELL"), Some(Side::Sell));
        assert_eq!(side("sell"), None);
        assert_eq!(side_str(Side::Buy), "BUY");
        for tif in [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok] {
            assert_eq!(time_in_force(time_in_force_str(tif).unwrap()), Some(tif));
        }
        assert_eq!(time_in_force_str(TimeInForce::PostOnly), None);
        assert_eq!(time_in_force("GTX"), None);
    }

    #[test]
    fn documented_cancel_report_normalizes() {
        // web-socket-api.md "Cancel order (TRADE)" — result of "When an individual order is
        // canceled" (comments stripped).
        let text = r#"{
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
    }"#;
        let report: OrderReport = serde_json::from_str(text).unwrap();
        let order = report.to_order().unwrap();
        assert_eq!(order.id, "12569099453");
        assert_eq!(order.client_id.as_deref(), Some("4d96324ff9d44481926157"));
        assert_eq!(order.status, OrderStatus::Cancelled);
        assert_eq!(order.side, Side::Sell);
        assert_eq!(order.order_type, OrderType::Limit);
        assert_eq!(order.price.unwrap().to_string(), "23416.10000000");
        assert_eq!(order.amount.to_string(), "0.00847000");
        assert_eq!(order.filled.to_string(), "0.00001000");
        assert_eq!(order.avg_price.unwrap().to_string(), "23416.1");
        assert_eq!(order.time, 1_684_804_350_068);
        assert_eq!(order.venue_symbol, "BTCUSDT");
        assert_eq!(order.symbol.unwrap().to_string(), "BTC/USDT");
    }

    #[test]
    fn ack_report_is_not_an_order() {
        // web-socket-api.md "Place new order (TRADE)" — `ACK` response type result (comment
        // stripped).
        let text = r#"{
        "symbol": "BTCUSDT",
        "orderId": 12569099453,
        "orderListId": -1,
        "clientOrderId": "4d96324ff9d44481926157ec08158a40",
        "transactTime": 1660801715639
    }"#;
        let report: OrderReport = serde_json::from_str(text).unwrap();
        assert_eq!(report.order_status(), None);
        let e = report.to_order().unwrap_err();
        assert!(e.message.contains("ACK"), "{e}");
    }

    #[test]
    fn average_price_needs_fills() {
        assert_eq!(average_price(Some(Decimal::ZERO), Decimal::ZERO), None);
        assert_eq!(average_price(Some(Decimal::new(-1, 0)), Decimal::ONE), None);
        assert_eq!(
            average_price(Some(Decimal::new(23416100, 8)), Decimal::new(1000, 8)),
            Some(Decimal::new(234161, 1))
        );
    }
}
