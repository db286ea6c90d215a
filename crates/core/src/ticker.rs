//! Best bid/ask and 24-hour statistics ([`Ticker`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Symbol, Venue};

/// A ticker: top of book, last price and rolling 24-hour statistics. Every field the venue
/// did not send is `None` (and absent from the JSON).
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"ticker","venue","symbol","venue_symbol","time","bid","bid_amount","ask",
/// "ask_amount","last","open_24h","high_24h","low_24h","volume_24h","quote_volume_24h"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticker {
    /// The venue that reported the ticker.
    pub venue: Venue,
    /// The canonical symbol, when the venue symbol could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<Symbol>,
    /// The venue's own spelling of the instrument.
    pub venue_symbol: String,
    /// Event time, UTC ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
    /// Best bid price.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub bid: Option<Decimal>,
    /// Size at the best bid.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub bid_amount: Option<Decimal>,
    /// Best ask price.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ask: Option<Decimal>,
    /// Size at the best ask.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ask_amount: Option<Decimal>,
    /// Last traded price.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last: Option<Decimal>,
    /// Price 24 hours ago (open of the rolling window).
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub open_24h: Option<Decimal>,
    /// Highest price over 24 hours.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub high_24h: Option<Decimal>,
    /// Lowest price over 24 hours.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub low_24h: Option<Decimal>,
    /// Volume over 24 hours in the base asset (or contracts, as the venue reports it).
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub volume_24h: Option<Decimal>,
    /// Volume over 24 hours in the quote asset.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_volume_24h: Option<Decimal>,
}

impl Ticker {
    /// A ticker with only the instrument set; every optional field `None`.
    pub fn new(venue: Venue, symbol: Option<Symbol>, venue_symbol: impl Into<String>) -> Self {
        Ticker {
            venue,
            symbol,
            venue_symbol: venue_symbol.into(),
            time: None,
            bid: None,
            bid_amount: None,
            ask: None,
            ask_amount: None,
            last: None,
            open_24h: None,
            high_24h: None,
            low_24h: None,
            volume_24h: None,
            quote_volume_24h: None,
        }
    }
}
