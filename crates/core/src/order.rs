//! Private order updates ([`Order`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{OrderStatus, OrderType, Side, Symbol, Venue};

/// The state of one of the account's orders.
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"order","venue","symbol","venue_symbol","id","client_id","side","order_type",
/// "status","price","amount","filled","avg_price","time"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// The venue holding the order.
    pub venue: Venue,
    /// The canonical symbol, when the venue symbol could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<Symbol>,
    /// The venue's own spelling of the instrument.
    pub venue_symbol: String,
    /// The venue's order id, as a string.
    pub id: String,
    /// The client order id, when one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Buy or sell.
    pub side: Side,
    /// The order type.
    pub order_type: OrderType,
    /// The lifecycle state.
    pub status: OrderStatus,
    /// Limit price; absent for market orders.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    /// Ordered size, in the venue's unit.
    #[serde(with = "crate::decimal_serde::string")]
    pub amount: Decimal,
    /// Cumulative filled size.
    #[serde(with = "crate::decimal_serde::string")]
    pub filled: Decimal,
    /// Average fill price, when the venue sends it.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub avg_price: Option<Decimal>,
    /// Time of this state (last update), UTC ms.
    pub time: i64,
}

impl Order {
    /// Size still to fill: `amount - filled`, never negative.
    pub fn remaining(&self) -> Decimal {
        (self.amount - self.filled).max(Decimal::ZERO)
    }
}
