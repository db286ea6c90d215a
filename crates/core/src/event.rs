//! [`MarketEvent`]: every normalized model under one tagged enum (the JSON-lines schema of
//! `tradewire decode` and `tradewire stream`, documented in `docs/events.md`).

use serde::{Deserialize, Serialize};

use crate::{Balance, BookUpdate, Candle, Order, Position, Symbol, Ticker, Trade, Venue};

/// One normalized event from a venue.
///
/// Serialized as the inner object with a leading `"type"` tag:
/// `"trade"`, `"candle"`, `"book"`, `"ticker"`, `"order"`, `"balance"` or `"position"`.
///
/// ```
/// use std::str::FromStr;
/// use rust_decimal::Decimal;
/// use tradewire_core::{MarketEvent, Side, Trade, Venue};
///
/// let trade = Trade {
///     venue: Venue::Binance,
///     symbol: Some("BTC/USDT".parse()?),
///     venue_symbol: "BTCUSDT".into(),
///     id: Some("12345".into()),
///     price: Decimal::from_str("0.35280000")?,
///     amount: Decimal::from_str("100.00")?,
///     side: Side::Sell,
///     time: 1_672_515_782_136,
/// };
/// assert_eq!(
///     serde_json::to_string(&MarketEvent::Trade(trade))?,
///     r#"{"type":"trade","venue":"binance","symbol":"BTC/USDT","venue_symbol":"BTCUSDT","id":"12345","price":"0.35280000","amount":"100.00","side":"sell","time":1672515782136}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum MarketEvent {
    /// A public trade.
    Trade(Trade),
    /// An OHLCV candle.
    Candle(Candle),
    /// An order-book snapshot or delta.
    Book(BookUpdate),
    /// A ticker.
    Ticker(Ticker),
    /// An order update (private).
    Order(Order),
    /// A balance update (private).
    Balance(Balance),
    /// A position update (private).
    Position(Position),
}

impl MarketEvent {
    /// The `"type"` tag: `"trade"`, `"candle"`, `"book"`, `"ticker"`, `"order"`,
    /// `"balance"` or `"position"`.
    pub fn kind(&self) -> &'static str {
        match self {
            MarketEvent::Trade(_) => "trade",
            MarketEvent::Candle(_) => "candle",
            MarketEvent::Book(_) => "book",
            MarketEvent::Ticker(_) => "ticker",
            MarketEvent::Order(_) => "order",
            MarketEvent::Balance(_) => "balance",
            MarketEvent::Position(_) => "position",
        }
    }

    /// The venue the event came from.
    pub fn venue(&self) -> Venue {
        match self {
            MarketEvent::Trade(e) => e.venue,
            MarketEvent::Candle(e) => e.venue,
            MarketEvent::Book(e) => e.venue,
            MarketEvent::Ticker(e) => e.venue,
            MarketEvent::Order(e) => e.venue,
            MarketEvent::Balance(e) => e.venue,
            MarketEvent::Position(e) => e.venue,
        }
    }

    /// The canonical symbol, when known (balances have none).
    pub fn symbol(&self) -> Option<&Symbol> {
        match self {
            MarketEvent::Trade(e) => e.symbol.as_ref(),
            MarketEvent::Candle(e) => e.symbol.as_ref(),
            MarketEvent::Book(e) => e.symbol.as_ref(),
            MarketEvent::Ticker(e) => e.symbol.as_ref(),
            MarketEvent::Order(e) => e.symbol.as_ref(),
            MarketEvent::Balance(_) => None,
            MarketEvent::Position(e) => e.symbol.as_ref(),
        }
    }

    /// The venue's instrument name (balances have none).
    pub fn venue_symbol(&self) -> Option<&str> {
        match self {
            MarketEvent::Trade(e) => Some(&e.venue_symbol),
            MarketEvent::Candle(e) => Some(&e.venue_symbol),
            MarketEvent::Book(e) => Some(&e.venue_symbol),
            MarketEvent::Ticker(e) => Some(&e.venue_symbol),
            MarketEvent::Order(e) => Some(&e.venue_symbol),
            MarketEvent::Balance(_) => None,
            MarketEvent::Position(e) => Some(&e.venue_symbol),
        }
    }

    /// The event's time in UTC ms, when it has one (a candle's is its open time).
    pub fn time(&self) -> Option<i64> {
        match self {
            MarketEvent::Trade(e) => Some(e.time),
            MarketEvent::Candle(e) => Some(e.open_time),
            MarketEvent::Book(e) => e.time,
            MarketEvent::Ticker(e) => e.time,
            MarketEvent::Order(e) => Some(e.time),
            MarketEvent::Balance(e) => e.time,
            MarketEvent::Position(e) => e.time,
        }
    }
}

macro_rules! from_model {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        $(
            impl From<$ty> for MarketEvent {
                fn from(e: $ty) -> Self {
                    MarketEvent::$variant(e)
                }
            }
        )+
    };
}

from_model!(
    Trade(Trade),
    Candle(Candle),
    Book(BookUpdate),
    Ticker(Ticker),
    Order(Order),
    Balance(Balance),
    Position(Position),
);
