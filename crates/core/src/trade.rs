//! Public trades ([`Trade`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Side, Symbol, Venue};

/// One public trade (a match between a taker and a resting order).
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"trade","venue","symbol","venue_symbol","id","price","amount","side","time"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// The venue that reported the trade.
    pub venue: Venue,
    /// The canonical symbol, when the venue symbol could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<Symbol>,
    /// The venue's own spelling of the instrument, e.g. `"BTCUSDT"`, `"BTC-PERPETUAL"`.
    pub venue_symbol: String,
    /// The venue's trade id, as a string (venues use numbers and UUIDs). Absent for venues
    /// that send none (e.g. MEXC spot deals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Execution price, exactly as sent.
    #[serde(with = "crate::decimal_serde::string")]
    pub price: Decimal,
    /// Executed size, exactly as sent, in the venue's unit (base asset for spot; contracts
    /// where the venue counts contracts).
    #[serde(with = "crate::decimal_serde::string")]
    pub amount: Decimal,
    /// The taker's (aggressor's) side.
    pub side: Side,
    /// Execution time, UTC milliseconds since the epoch.
    pub time: i64,
}
