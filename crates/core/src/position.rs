//! Derivative positions ([`Position`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{PositionSide, Symbol, Venue};

/// An open (or just closed) derivatives position.
///
/// JSON (inside [`MarketEvent`](crate::MarketEvent)):
/// `{"type":"position","venue","symbol","venue_symbol","side","amount","entry_price",
/// "mark_price","unrealized_pnl","time"}`.
///
/// `side` is `"long"`, `"short"` or `"flat"` and `amount` is the absolute size (never
/// negative): a venue's signed net size `-3` becomes `side: "short", amount: "3"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// The venue holding the position.
    pub venue: Venue,
    /// The canonical symbol, when the venue symbol could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<Symbol>,
    /// The venue's own spelling of the instrument.
    pub venue_symbol: String,
    /// Long, short or flat (see [`PositionSide`]).
    pub side: PositionSide,
    /// Absolute position size, in the venue's unit (contracts or base asset).
    #[serde(with = "crate::decimal_serde::string")]
    pub amount: Decimal,
    /// Average entry price.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub entry_price: Option<Decimal>,
    /// Current mark price.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub mark_price: Option<Decimal>,
    /// Unrealized profit and loss, in the settlement asset.
    #[serde(
        default,
        with = "crate::decimal_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub unrealized_pnl: Option<Decimal>,
    /// Time of the position state, UTC ms, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
}

impl Position {
    /// Side and absolute amount from a venue's signed net size (one-way mode):
    /// positive is long, negative short, zero flat.
    pub fn side_and_amount(signed_size: Decimal) -> (PositionSide, Decimal) {
        let side = if signed_size.is_sign_positive() && !signed_size.is_zero() {
            PositionSide::Long
        } else if signed_size.is_zero() {
            PositionSide::Flat
        } else {
            PositionSide::Short
        };
        (side, signed_size.abs())
    }
}
