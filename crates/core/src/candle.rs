//! OHLCV candles ([`Candle`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Symbol, Timeframe, Venue};

/// One OHLCV candle (kline).
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"candle","venue","symbol","venue_symbol","timeframe","open_time","close_time",
/// "open","high","low","close","volume","quote_volume","trades","closed"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candle {
    /// The venue that reported the candle.
    pub venue: Venue,
    /// The canonical symbol, when the venue symbol could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<Symbol>,
    /// The venue's own spelling of the instrument.
    pub venue_symbol: String,
    /// The candle interval.
    pub timeframe: Timeframe,
    /// Open time, UTC ms (the start of the interval).
    pub open_time: i64,
    /// Close time, UTC ms, when the venue sends one (Binance: the last millisecond of the interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_time: Option<i64>,
    /// Opening price.
    #[serde(with = "crate::decimal_serde::string")]
    pub open: Decimal,
    /// Highest price.
    #[serde(with = "crate::decimal_serde::string")]
    pub high: Decimal,
    /// Lowest price.
    #[serde(with = "crate::decimal_serde::string")]
    pub low: Decimal,
    /// Closing (or latest, while open) price.
    #[serde(with = "crate::decimal_serde::string")]
    pub close: Decimal,
    /// Traded volume in the base asset (or contracts, as the venue reports it).
    #[serde(with = "crate::decimal_serde::string")]
    pub volume: Decimal,
    /// Traded volume in the quote asset, when sent.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_volume: Option<Decimal>,
    /// Number of trades, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trades: Option<u64>,
    /// Whether the interval is over (the candle is final). `false` for in-progress updates.
    pub closed: bool,
}
