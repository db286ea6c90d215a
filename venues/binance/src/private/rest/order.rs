//! Binance order enums ↔ tradewire-core, and the fields every order response shares → core
//! [`Order`]. Used by [`new_order`](super::new_order), [`cancel_order`](super::cancel_order),
//! [`query_order`](super::query_order) and [`open_orders`](super::open_orders).
//!
//! Source: enums.md (<https://developers.binance.com/docs/binance-spot-api-docs/enums>):
//!
//! | enums.md "Order status" | core [`OrderStatus`] | why |
//! |---|---|---|
//! | `NEW` | `Open` | accepted by the engine |
//! | `PENDING_NEW` | `Untriggered` | "pending phase until the working order of an order list has been fully filled": waiting on a condition |
//! | `PARTIALLY_FILLED` | `PartiallyFilled` | |
//! | `FILLED` | `Filled` | |
//! | `CANCELED` | `Cancelled` | |
//! | `PENDING_CANCEL` | `Open` | "Currently unused"; still working until cancelled |
//! | `REJECTED` | `Rejected` | |
//! | `EXPIRED` | `Expired` | time in force / exchange rules |
//! | `EXPIRED_IN_MATCH` | `Expired` | expired by self-trade prevention |
//!
//! "Order types": `LIMIT` → `Limit`, `MARKET` → `Market`, `LIMIT_MAKER` → `LimitMaker`,
//! `STOP_LOSS` → `StopMarket`, `STOP_LOSS_LIMIT` → `StopLimit`, `TAKE_PROFIT` →
//! `TakeProfitMarket`, `TAKE_PROFIT_LIMIT` → `TakeProfitLimit`. "Time in force": `GTC`, `IOC`,
//! `FOK` (no post-only time in force on spot: use `LIMIT_MAKER`). "Order side": `BUY`, `SELL`.

use tradewire_core::{Decimal, Order, OrderStatus, OrderType, Side, TimeInForce, Venue};
use tradewire_rest::RestError;

use crate::SymbolMap;

/// An order of a request: by Binance's `orderId` or by the client order id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrderRef {
    /// `orderId`.
    Id(u64),
    /// `origClientOrderId`.
    ClientId(String),
}

impl From<u64> for OrderRef {
    fn from(id: u64) -> Self {
        OrderRef::Id(id)
    }
}

/// Binance's order status → core [`OrderStatus`] (see the module table); an error names an
/// unknown status.
pub fn order_status(status: &str) -> Result<OrderStatus, RestError> {
    Ok(match status {
        "NEW" | "PENDING_CANCEL" => OrderStatus::Open,
        "PENDING_NEW" => OrderStatus::Untriggered,
        "PARTIALLY_FILLED" => OrderStatus::PartiallyFilled,
        "FILLED" => OrderStatus::Filled,
        "CANCELED" => OrderStatus::Cancelled,
        "REJECTED" => OrderStatus::Rejected,
        "EXPIRED" | "EXPIRED_IN_MATCH" => OrderStatus::Expired,
        other => return Err(decode(format!("unknown order status {other:?}"))),
    })
}

/// Binance's order type → core [`OrderType`] ([`OrderType::Other`] when unknown).
pub fn order_type(order_type: &str) -> OrderType {
    match order_type {
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

/// Core [`OrderType`] → Binance's spelling; `None` for types Binance spot has not
/// (`TrailingStopMarket`, `Other`: trailing stops are `STOP_LOSS*`/`TAKE_PROFIT*` with
/// `trailingDelta`).
pub const fn binance_order_type(order_type: OrderType) -> Option<&'static str> {
    Some(match order_type {
        OrderType::Limit => "LIMIT",
        OrderType::Market => "MARKET",
        OrderType::LimitMaker => "LIMIT_MAKER",
        OrderType::StopMarket => "STOP_LOSS",
        OrderType::StopLimit => "STOP_LOSS_LIMIT",
        OrderType::TakeProfitMarket => "TAKE_PROFIT",
        OrderType::TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        OrderType::TrailingStopMarket | OrderType::Other => return None,
    })
}

/// Binance's side (`BUY`/`SELL`) → [`Side`].
pub fn side(side: &str) -> Result<Side, RestError> {
    match side {
        "BUY" => Ok(Side::Buy),
        "SELL" => Ok(Side::Sell),
        other => Err(decode(format!("unknown order side {other:?}"))),
    }
}

/// [`Side`] → `BUY`/`SELL`.
pub const fn binance_side(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

/// Core [`TimeInForce`] → Binance's spelling; `None` for `PostOnly` and `Gtd`, which Binance
/// spot has not (post-only is the `LIMIT_MAKER` order type).
pub const fn binance_time_in_force(tif: TimeInForce) -> Option<&'static str> {
    match tif {
        TimeInForce::Gtc => Some("GTC"),
        TimeInForce::Ioc => Some("IOC"),
        TimeInForce::Fok => Some("FOK"),
        TimeInForce::PostOnly | TimeInForce::Gtd => None,
    }
}

fn decode(message: String) -> RestError {
    RestError::Decode {
        what: "Binance order".into(),
        // The message quotes the venue's value: bounded.
        message: tradewire_core::bounded(message, tradewire_core::DecodeError::MESSAGE_LEN),
        excerpt: String::new(),
    }
}

/// The fields every order response carries, borrowed from it.
pub(crate) struct OrderFields<'a> {
    pub(crate) symbol: &'a str,
    pub(crate) order_id: u64,
    pub(crate) client_order_id: &'a str,
    pub(crate) side: &'a str,
    pub(crate) order_type: &'a str,
    pub(crate) status: &'a str,
    pub(crate) price: Decimal,
    pub(crate) orig_qty: Decimal,
    pub(crate) executed_qty: Decimal,
    pub(crate) cummulative_quote_qty: Decimal,
    pub(crate) time: i64,
}

impl OrderFields<'_> {
    /// As a core [`Order`]: `price` `None` when Binance says `0` (market orders), `avg_price` =
    /// `cummulativeQuoteQty / executedQty` when something was filled (and the quote quantity
    /// is known: historical orders may report it negative).
    pub(crate) fn to_order(&self) -> Result<Order, RestError> {
        let avg_price =
            if self.executed_qty > Decimal::ZERO && self.cummulative_quote_qty >= Decimal::ZERO {
                self.cummulative_quote_qty
                    .checked_div(self.executed_qty)
                    .map(|p| p.normalize())
            } else {
                None
            };
        Ok(Order {
            venue: Venue::Binance,
            symbol: SymbolMap::resolve_global(self.symbol),
            venue_symbol: self.symbol.to_owned(),
            id: self.order_id.to_string(),
            client_id: (!self.client_order_id.is_empty()).then(|| self.client_order_id.to_owned()),
            side: side(self.side)?,
            order_type: order_type(self.order_type),
            status: order_status(self.status)?,
            price: (!self.price.is_zero()).then_some(self.price),
            amount: self.orig_qty,
            filled: self.executed_qty,
            avg_price,
            time: self.time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_status_maps() {
        // enums.md "Order status (status)".
        let cases = [
            ("NEW", OrderStatus::Open),
            ("PENDING_NEW", OrderStatus::Untriggered),
            ("PARTIALLY_FILLED", OrderStatus::PartiallyFilled),
            ("FILLED", OrderStatus::Filled),
            ("CANCELED", OrderStatus::Cancelled),
            ("PENDING_CANCEL", OrderStatus::Open),
            ("REJECTED", OrderStatus::Rejected),
            ("EXPIRED", OrderStatus::Expired),
            ("EXPIRED_IN_MATCH", OrderStatus::Expired),
        ];
        for (binance, core) in cases {
            assert_eq!(order_status(binance).unwrap(), core, "{binance}");
        }
        let e = order_status("HALFWAY").unwrap_err();
        assert!(e.to_string().contains("HALFWAY"), "{e}");
    }

    #[test]
    fn every_documented_type_round_trips() {
        // enums.md "Order types (orderTypes, type)".
        for t in [
            "LIMIT",
            "MARKET",
            "STOP_LOSS",
            "STOP_LOSS_LIMIT",
            "TAKE_PROFIT",
            "TAKE_PROFIT_LIMIT",
            "LIMIT_MAKER",
        ] {
            let core = order_type(t);
            assert_ne!(core, OrderType::Other, "{t}");
            assert_eq!(binance_order_type(core), Some(t));
        }
        assert_eq!(order_type("PEGGED"), OrderType::Other);
        assert_eq!(binance_order_type(OrderType::TrailingStopMarket), None);
    }

    #[test]
    fn sides_and_time_in_force() {
        // enums.md "Order side (side)", "Time in force (timeInForce)".
        assert_eq!(side("BUY").unwrap(), Side::Buy);
        assert_eq!(side("SELL").unwrap(), Side::Sell);
        assert!(side("buy").is_err());
        assert_eq!(binance_side(Side::Sell), "SELL");
        assert_eq!(binance_time_in_force(TimeInForce::Gtc), Some("GTC"));
        assert_eq!(binance_time_in_force(TimeInForce::Ioc), Some("IOC"));
        assert_eq!(binance_time_in_force(TimeInForce::Fok), Some("FOK"));
        assert_eq!(binance_time_in_force(TimeInForce::PostOnly), None);
        assert_eq!(binance_time_in_force(TimeInForce::Gtd), None);
    }

    #[test]
    fn fields_to_order() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let fields = OrderFields {
            symbol: "BTCUSDT",
            order_id: 28,
            client_order_id: "6gCrw2kRUAF9CvJDGP16IP",
            side: "SELL",
            order_type: "MARKET",
            status: "FILLED",
            price: d("0.00000000"),
            orig_qty: d("10.00000000"),
            executed_qty: d("10.00000000"),
            cummulative_quote_qty: d("39990.00000000"),
            time: 1507725176595,
        };
        let o = fields.to_order().unwrap();
        assert_eq!(o.id, "28");
        assert_eq!(o.symbol.as_ref().map(|s| s.as_str()), Some("BTC/USDT"));
        assert_eq!(o.client_id.as_deref(), Some("6gCrw2kRUAF9CvJDGP16IP"));
        assert_eq!(
            (o.side, o.order_type, o.status),
            (Side::Sell, OrderType::Market, OrderStatus::Filled)
        );
        assert_eq!(o.price, None);
        assert_eq!(o.avg_price, Some(d("3999")));
        assert_eq!(o.remaining(), Decimal::ZERO);
        // Nothing filled, or an unknown quote quantity: no average price.
        let o = OrderFields {
            executed_qty: Decimal::ZERO,
            client_order_id: "",
            ..fields
        }
        .to_order()
        .unwrap();
        assert_eq!((o.avg_price, o.client_id), (None, None));
        let o = OrderFields {
            cummulative_quote_qty: d("-1"),
            ..fields
        }
        .to_order()
        .unwrap();
        assert_eq!(o.avg_price, None);
        assert!(
            OrderFields {
                side: "UP",
                ..fields
            }
            .to_order()
            .is_err()
        );
    }
}
