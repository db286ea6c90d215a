//! Normalized models shared by every tradewire venue crate.
//!
//! - [`Venue`]: the supported exchanges.
//! - [`Symbol`]: canonical instrument names (`BTC/USDT`, `BTC/USDT:USDT`,
//!   `BTC/USD:BTC-250328`, `BTC/USD:BTC-250328-50000-C`).
//! - [`Timeframe`]: candle intervals with UTC boundary arithmetic (calendar months included).
//! - Models: [`Trade`], [`Candle`], [`BookUpdate`], [`Ticker`], [`Order`], [`Balance`],
//!   [`Position`], wrapped by [`MarketEvent`] for the JSON-lines wire schema
//!   (`docs/events.md`).
//! - [`OrderBook`]: a local book applying snapshots and deltas under a venue
//!   [`SequenceRule`] (and [`ChecksumRule`]).
//! - [`Error`]: one error hierarchy; [`Credentials`]: redacted secrets.
//!
//! Prices and sizes are [`rust_decimal::Decimal`], serialized as JSON strings exactly as the
//! venue sent them (`"0.35280000"` stays `"0.35280000"`). Times are UTC milliseconds (`i64`),
//! venue sequence numbers `u64`. Fields a venue did not send are `None` and absent from JSON.
//!
//! ```
//! use std::str::FromStr;
//! use rust_decimal::Decimal;
//! use tradewire_core::{Candle, MarketEvent, Symbol, Timeframe, Venue};
//!
//! let symbol: Symbol = "BTC/USDT".parse()?;
//! let tf: Timeframe = "1m".parse()?;
//! let open_time = tf.open_time_for(1_672_515_782_136);
//! let candle = Candle {
//!     venue: Venue::Binance,
//!     symbol: Some(symbol),
//!     venue_symbol: "BTCUSDT".into(),
//!     timeframe: tf,
//!     open_time,
//!     close_time: Some(tf.close_time_for(open_time)),
//!     open: Decimal::from_str("16541.77000000")?,
//!     high: Decimal::from_str("16545.01000000")?,
//!     low: Decimal::from_str("16539.91000000")?,
//!     close: Decimal::from_str("16544.08000000")?,
//!     volume: Decimal::from_str("81.59516000")?,
//!     quote_volume: None,
//!     trades: Some(2053),
//!     closed: false,
//! };
//! let json = serde_json::to_string(&MarketEvent::from(candle))?;
//! assert_eq!(
//!     json,
//!     r#"{"type":"candle","venue":"binance","symbol":"BTC/USDT","venue_symbol":"BTCUSDT","timeframe":"1m","open_time":1672515780000,"close_time":1672515839999,"open":"16541.77000000","high":"16545.01000000","low":"16539.91000000","close":"16544.08000000","volume":"81.59516000","trades":2053,"closed":false}"#
//! );
//! let back: MarketEvent = serde_json::from_str(&json)?;
//! assert_eq!(back.symbol().map(Symbol::as_str), Some("BTC/USDT"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod balance;
mod book;
mod calendar;
mod candle;
mod decimal_serde;
mod error;
mod event;
pub mod market_data;
mod order;
mod position;
pub mod rate_limit;
mod secret;
mod side;
pub mod status;
mod symbol;
mod ticker;
mod timeframe;
mod trade;
mod venue;

pub use balance::Balance;
pub use book::{
    Applied, BookError, BookKind, BookLevel, BookUpdate, ChecksumRule, OrderBook, SequenceRule,
    crc32,
};
pub use candle::Candle;
pub use error::{DecodeError, Error, Result, bounded, bounded_str};
pub use event::MarketEvent;
pub use market_data::{
    BoxFuture, BoxStream, Capabilities, FundingRate, MarketData, MarketDataSource, OpenInterest,
    StreamOptions, SymbolInfo, TimeRange,
};
pub use order::Order;
pub use position::Position;
pub use secret::{ApiKey, ApiSecret, Credentials, Passphrase, REDACTED};
pub use side::{
    OrderSide, OrderStatus, OrderType, ParseEnumError, PositionSide, Side, TimeInForce,
};
pub use status::{LinkStatus, StatusEvent, StatusHub, StatusLink};
pub use symbol::{Expiry, OptionKind, Symbol, SymbolError, SymbolKind};
pub use ticker::Ticker;
pub use timeframe::{Timeframe, TimeframeError};
pub use trade::Trade;
pub use venue::{UnknownVenue, Venue};

/// Re-export of [`rust_decimal::Decimal`], the type of every price and size.
pub use rust_decimal::Decimal;
