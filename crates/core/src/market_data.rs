//! The unified market-data interface.
//!
//! Two traits, two audiences:
//! - [`MarketDataSource`] is what a venue crate implements (`provider.rs`): its REST calls and
//!   its raw streams, each stream for at most [`Capabilities::max_streams_per_connection`]
//!   symbols on one connection.
//! - [`MarketData`] is what users call: every venue looks the same, streams take
//!   [`StreamOptions`], any number of symbols is spread over as many connections as needed, and
//!   a timeframe a venue cannot stream is served by polling its REST candles. The facade crate
//!   (`tradewire`) implements it for every source.
//!
//! Futures and streams are boxed so both traits are usable as trait objects
//! (`Box<dyn MarketData>`); they are `Send` natively and not in browsers (wasm32 is
//! single-threaded and its timers and sockets are not `Send`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use rust_decimal::Decimal;

use crate::status::StatusEvent;
use crate::{
    BookUpdate, Candle, Error, Result, Symbol, SymbolKind, Ticker, Timeframe, Trade, Venue,
};

/// `Send` natively; nothing in browsers.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` natively; nothing in browsers.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` natively; nothing in browsers.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}
/// `Sync` natively; nothing in browsers.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

/// A boxed future: `Send` natively, not in browsers.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future: `Send` natively, not in browsers.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A boxed stream: `Send` natively, not in browsers.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + Send + 'a>>;
/// A boxed stream: `Send` natively, not in browsers.
#[cfg(target_arch = "wasm32")]
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + 'a>>;

/// How a stream of candles (or other updates) is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamOptions {
    /// Yield a candle once, when it is final (`closed: true`); in-progress updates are dropped.
    pub only_closed: bool,
    /// At most one update per symbol per interval; within an interval the latest value wins
    /// (it is yielded when the interval ends).
    pub throttle: Option<Duration>,
    /// Drop an update equal to the previous one for the same symbol.
    pub dedupe: bool,
}

/// A half-open time range `[start_ms, end_ms)` in UTC milliseconds: candles whose open time
/// falls in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    /// Inclusive start.
    pub start_ms: i64,
    /// Exclusive end.
    pub end_ms: i64,
}

impl TimeRange {
    /// `[start_ms, end_ms)`.
    pub fn new(start_ms: i64, end_ms: i64) -> Self {
        TimeRange { start_ms, end_ms }
    }

    /// True when `t` is inside.
    pub fn contains(&self, t: i64) -> bool {
        self.start_ms <= t && t < self.end_ms
    }
}

/// One tradable instrument of a venue.
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolInfo {
    /// Canonical symbol.
    pub symbol: Symbol,
    /// The venue's spelling.
    pub venue_symbol: String,
    /// Spot, swap, future or option.
    pub kind: SymbolKind,
    /// Trading now.
    pub active: bool,
    /// Price increment, if the venue publishes one.
    pub price_tick: Option<Decimal>,
    /// Amount increment.
    pub amount_step: Option<Decimal>,
    /// Smallest order amount.
    pub min_amount: Option<Decimal>,
}

/// A perpetual's funding rate.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingRate {
    /// Venue.
    pub venue: Venue,
    /// Canonical symbol.
    pub symbol: Symbol,
    /// The venue's spelling.
    pub venue_symbol: String,
    /// Rate per funding period (e.g. 0.0001 = 0.01%).
    pub rate: Decimal,
    /// When the rate was observed or applies, UTC ms.
    pub time: i64,
    /// Next funding time, if known.
    pub next_funding_time: Option<i64>,
}

/// Open interest of a derivative.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenInterest {
    /// Venue.
    pub venue: Venue,
    /// Canonical symbol.
    pub symbol: Symbol,
    /// The venue's spelling.
    pub venue_symbol: String,
    /// Open interest in contracts or base units, as the venue reports it.
    pub amount: Decimal,
    /// Its value in the quote currency, if reported.
    pub value: Option<Decimal>,
    /// Observation time, UTC ms.
    pub time: i64,
}

/// What a venue can do, for routing (REST fallback, sharding) and for the capability table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// Timeframes the venue streams over WebSocket.
    pub stream_timeframes: Vec<Timeframe>,
    /// Timeframes its REST candles endpoint serves.
    pub rest_timeframes: Vec<Timeframe>,
    /// Most symbols one connection may stream (the venue's subscription limit).
    pub max_streams_per_connection: usize,
    /// Largest page of REST candles.
    pub candles_page_limit: usize,
    /// `get_order_book` is supported.
    pub order_book: bool,
    /// `get_recent_trades` is supported.
    pub recent_trades: bool,
    /// `get_funding_rate` is supported.
    pub funding_rate: bool,
    /// `get_open_interest` is supported.
    pub open_interest: bool,
    /// Trade, book and ticker streams are supported.
    pub streams: bool,
}

fn unsupported<'a, T: 'a>(venue: Venue, what: &str) -> BoxFuture<'a, Result<T>> {
    let err = Error::Unsupported {
        venue,
        what: what.to_owned(),
    };
    Box::pin(async move { Err(err) })
}

/// What a venue crate implements. Symbols are canonical; implementations map them to their
/// own spelling and answer [`Error::UnknownSymbol`] for instruments they do not list.
pub trait MarketDataSource: MaybeSend + MaybeSync {
    /// The venue.
    fn venue(&self) -> Venue;

    /// What it can do.
    fn capabilities(&self) -> Capabilities;

    /// Every instrument.
    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>>;

    /// Candles whose open time is in `range`, oldest first, fetched over as many pages as
    /// needed (no gaps, no duplicates).
    fn get_candles<'a>(
        &'a self,
        symbol: &'a Symbol,
        timeframe: Timeframe,
        range: TimeRange,
    ) -> BoxFuture<'a, Result<Vec<Candle>>>;

    /// A snapshot of the book, `depth` levels per side.
    fn get_order_book<'a>(
        &'a self,
        symbol: &'a Symbol,
        depth: usize,
    ) -> BoxFuture<'a, Result<BookUpdate>> {
        let _ = (symbol, depth);
        unsupported(self.venue(), "order book")
    }

    /// The latest trades, newest last.
    fn get_recent_trades<'a>(
        &'a self,
        symbol: &'a Symbol,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Trade>>> {
        let _ = (symbol, limit);
        unsupported(self.venue(), "recent trades")
    }

    /// The current funding rate of a perpetual.
    fn get_funding_rate<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<FundingRate>> {
        let _ = symbol;
        unsupported(self.venue(), "funding rate")
    }

    /// The current open interest of a derivative.
    fn get_open_interest<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<OpenInterest>> {
        let _ = symbol;
        unsupported(self.venue(), "open interest")
    }

    /// Status changes of this source's live stream connections from now on (see
    /// [`crate::status`]). The default is for sources without connections of their own: it
    /// ends at once.
    fn status_events(&self) -> BoxStream<'static, StatusEvent> {
        // A channel whose sender is gone: it ends at once.
        let (_, rx) = futures_channel::mpsc::unbounded();
        Box::pin(rx)
    }

    /// Candle updates (in progress and closed) for `symbols` (at most
    /// `max_streams_per_connection`) on one connection, reconnecting on its own. Only
    /// timeframes in `stream_timeframes`.
    fn stream_candles(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>>;

    /// Trades for `symbols` on one connection.
    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>> {
        let _ = symbols;
        unsupported(self.venue(), "trade streams")
    }

    /// Locally maintained, sequence-checked books for `symbols`: each item is the book's top
    /// `depth` levels as a snapshot, after every applied update.
    fn stream_order_books(
        &self,
        symbols: Vec<Symbol>,
        depth: usize,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<BookUpdate>>>> {
        let _ = (symbols, depth);
        unsupported(self.venue(), "order book streams")
    }

    /// Tickers (best bid/ask, last, 24 h stats where the venue has them) for `symbols`.
    fn stream_tickers(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Ticker>>>> {
        let _ = symbols;
        unsupported(self.venue(), "ticker streams")
    }
}

/// What users call: one API over every venue (implemented by the facade for every
/// [`MarketDataSource`]).
pub trait MarketData: MaybeSend + MaybeSync {
    /// The venue.
    fn venue(&self) -> Venue;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Every instrument.
    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>>;
    /// Candles in `range`, over as many pages as needed.
    fn get_candles<'a>(
        &'a self,
        symbol: &'a Symbol,
        timeframe: Timeframe,
        range: TimeRange,
    ) -> BoxFuture<'a, Result<Vec<Candle>>>;
    /// A book snapshot.
    fn get_order_book<'a>(
        &'a self,
        symbol: &'a Symbol,
        depth: usize,
    ) -> BoxFuture<'a, Result<BookUpdate>>;
    /// Recent trades.
    fn get_recent_trades<'a>(
        &'a self,
        symbol: &'a Symbol,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Trade>>>;
    /// Funding rate.
    fn get_funding_rate<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<FundingRate>>;
    /// Open interest.
    fn get_open_interest<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<OpenInterest>>;
    /// Status changes of every live stream connection opened through this value, from now on
    /// (see [`crate::status`]): subscribe before opening streams to see their first
    /// `Connected`.
    fn status_events(&self) -> BoxStream<'static, StatusEvent>;
    /// Candles of one symbol, shaped by `opts`; REST polling when the venue cannot stream the
    /// timeframe.
    fn stream_ohlcv(
        &self,
        symbol: Symbol,
        timeframe: Timeframe,
        opts: StreamOptions,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>>;
    /// Candles of many symbols, spread over as many connections as the venue needs, merged.
    fn stream_ohlcv_multi(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
        opts: StreamOptions,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>>;
    /// Trades.
    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>>;
    /// Locally maintained books, top `depth` levels.
    fn stream_order_book(
        &self,
        symbols: Vec<Symbol>,
        depth: usize,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<BookUpdate>>>>;
    /// Tickers.
    fn stream_ticker(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Ticker>>>>;
}
