//! [`Unified`]: the [`MarketData`] implementation over any [`MarketDataSource`].

use std::sync::Arc;
use std::time::Duration;

use tradewire_core::{
    BookUpdate, BoxFuture, BoxStream, Candle, Capabilities, Error, FundingRate, MarketData,
    MarketDataSource, OpenInterest, Result, StatusEvent, StreamOptions, Symbol, SymbolInfo, Ticker,
    TimeRange, Timeframe, Trade, Venue,
};

use super::backfill::backfill;
use super::fallback::{Clock, DEFAULT_POLL_GRACE, PollConfig, poll_candles, system_clock};
use super::options::apply;
use super::shard::{open_sharded, unique_symbols};

/// One venue's [`MarketDataSource`] behind the unified [`MarketData`] API.
///
/// - REST calls are delegated (the source paginates candles).
/// - Streams of any number of symbols are spread over connections of at most
///   [`Capabilities::max_streams_per_connection`] symbols each (each reconnects on its own) and
///   merged.
/// - Candle streams honour [`StreamOptions`] (see [`options`](super::options)).
/// - A timeframe the venue serves over REST but does not stream is polled aligned to candle
///   close (see [`poll_candles`](super::fallback::poll_candles)); one it serves neither way is
///   [`Error::Unsupported`], naming what it does support.
pub struct Unified<S> {
    source: Arc<S>,
    clock: Clock,
    poll_grace: Duration,
}

impl<S> std::fmt::Debug for Unified<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unified")
            .field("poll_grace", &self.poll_grace)
            .finish_non_exhaustive()
    }
}

impl<S: MarketDataSource + 'static> Unified<S> {
    /// Wraps `source`.
    pub fn new(source: S) -> Self {
        Unified::from_arc(Arc::new(source))
    }

    /// Wraps a shared `source`.
    pub fn from_arc(source: Arc<S>) -> Self {
        Unified {
            source,
            clock: system_clock(),
            poll_grace: DEFAULT_POLL_GRACE,
        }
    }

    /// Replaces the clock the REST fallback aligns to (UTC ms); for simulators and tests.
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long after a candle's close the REST fallback fetches it (default
    /// [`DEFAULT_POLL_GRACE`]).
    pub fn with_poll_grace(mut self, grace: Duration) -> Self {
        self.poll_grace = grace;
        self
    }

    /// The wrapped source.
    pub fn source(&self) -> &S {
        &self.source
    }

    fn per_connection(&self) -> usize {
        self.source.capabilities().max_streams_per_connection
    }
}

fn list(timeframes: &[Timeframe]) -> String {
    if timeframes.is_empty() {
        return "none".into();
    }
    timeframes
        .iter()
        .map(|tf| tf.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a timeframe `caps` cannot serve.
fn unsupported_timeframe(venue: Venue, caps: &Capabilities, timeframe: Timeframe) -> Error {
    Error::Unsupported {
        venue,
        what: format!(
            "{timeframe} candles (streamed: {}; over REST: {})",
            list(&caps.stream_timeframes),
            list(&caps.rest_timeframes)
        ),
    }
}

impl<S: MarketDataSource + 'static> MarketData for Unified<S> {
    fn venue(&self) -> Venue {
        self.source.venue()
    }

    fn status_events(&self) -> BoxStream<'static, StatusEvent> {
        self.source.status_events()
    }

    fn capabilities(&self) -> Capabilities {
        self.source.capabilities()
    }

    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>> {
        self.source.get_symbols()
    }

    fn get_candles<'a>(
        &'a self,
        symbol: &'a Symbol,
        timeframe: Timeframe,
        range: TimeRange,
    ) -> BoxFuture<'a, Result<Vec<Candle>>> {
        self.source.get_candles(symbol, timeframe, range)
    }

    fn get_order_book<'a>(
        &'a self,
        symbol: &'a Symbol,
        depth: usize,
    ) -> BoxFuture<'a, Result<BookUpdate>> {
        self.source.get_order_book(symbol, depth)
    }

    fn get_recent_trades<'a>(
        &'a self,
        symbol: &'a Symbol,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Trade>>> {
        self.source.get_recent_trades(symbol, limit)
    }

    fn get_funding_rate<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<FundingRate>> {
        self.source.get_funding_rate(symbol)
    }

    fn get_open_interest<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<OpenInterest>> {
        self.source.get_open_interest(symbol)
    }

    fn stream_ohlcv(
        &self,
        symbol: Symbol,
        timeframe: Timeframe,
        opts: StreamOptions,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>> {
        self.stream_ohlcv_multi(vec![symbol], timeframe, opts)
    }

    fn stream_ohlcv_multi(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
        opts: StreamOptions,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>> {
        Box::pin(async move {
            let caps = self.source.capabilities();
            let stream = if caps.stream_timeframes.contains(&timeframe) {
                let live = open_sharded(symbols, caps.max_streams_per_connection, |chunk| {
                    self.source.stream_candles(chunk, timeframe)
                })
                .await?;
                backfill(live, Arc::clone(&self.source), timeframe)
            } else if caps.rest_timeframes.contains(&timeframe) {
                if symbols.is_empty() {
                    return Err(Error::InvalidArgument("no symbols to stream".into()));
                }
                let config = PollConfig {
                    timeframe,
                    only_closed: opts.only_closed,
                    clock: Arc::clone(&self.clock),
                    grace: self.poll_grace,
                };
                poll_candles(Arc::clone(&self.source), unique_symbols(symbols), config)
            } else {
                return Err(unsupported_timeframe(self.venue(), &caps, timeframe));
            };
            Ok(apply(stream, opts))
        })
    }

    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>> {
        Box::pin(open_sharded(symbols, self.per_connection(), |chunk| {
            self.source.stream_trades(chunk)
        }))
    }

    fn stream_order_book(
        &self,
        symbols: Vec<Symbol>,
        depth: usize,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<BookUpdate>>>> {
        Box::pin(open_sharded(symbols, self.per_connection(), move |chunk| {
            self.source.stream_order_books(chunk, depth)
        }))
    }

    fn stream_ticker(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Ticker>>>> {
        Box::pin(open_sharded(symbols, self.per_connection(), |chunk| {
            self.source.stream_tickers(chunk)
        }))
    }
}
