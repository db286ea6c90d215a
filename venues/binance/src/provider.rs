//! [`BinanceProvider`]: Binance spot as a [`MarketDataSource`] — the venue side of the unified
//! market-data API (`tradewire_core::market_data`).
//!
//! - **Symbols** are canonical (`BTC/USDT`); they are mapped with the venue's own
//!   `exchangeInfo` (fetched once, on first use, and kept), so a symbol Binance does not list
//!   is refused with [`Error::UnknownSymbol`] before anything is sent or subscribed.
//! - **REST**: `exchangeInfo` ([`get_symbols`](MarketDataSource::get_symbols)), `klines`
//!   paginated by [`BinancePublicRest::klines_range`] (pages of 1000, candles whose open time is
//!   in the half-open range), `depth`, `trades`.
//! - **Streams**: every stream call opens one [`BinancePublicClient`] (one combined-stream
//!   connection, at most 1024 streams) that reconnects and re-subscribes on its own; the
//!   returned stream owns the client (dropping it closes the connection). Candles come from
//!   `<symbol>@kline_<interval>` (Binance marks the final update of a candle: `closed: true`),
//!   trades from `@trade`, tickers from `@ticker` (24-hour rolling statistics with best bid and
//!   ask), books from `@depth@100ms` kept by [`OrderBookManager`] with REST snapshots
//!   (Binance's documented procedure): each applied update yields the top `depth` levels as a
//!   [`BookKind::Snapshot`] with `last_seq` = the book's update id; nothing is yielded while a
//!   book resynchronizes.
//! - Funding rate and open interest do not exist for spot: [`Error::Unsupported`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::OnceCell;
use tradewire_core::market_data::{
    BoxFuture, BoxStream, Capabilities, MarketDataSource, SymbolInfo, TimeRange,
};
use tradewire_core::status::{StatusEvent, StatusHub, StatusLink};
use tradewire_core::{
    BookKind, BookUpdate, Candle, Error, MarketEvent, Result, Symbol, SymbolKind, Ticker,
    Timeframe, Trade, Venue,
};

use crate::book::{BookEvent, OrderBookManager, rest_snapshot_source};
use crate::public::rest::exchange_info::ExchangeInfoRequest;
use crate::public::websocket::{
    BinancePublicClient, BinancePublicConfig, PublicEvent, PublicEvents, PublicWsError,
};
use crate::streams::{StreamName, UpdateSpeed};
use crate::{BinancePublicRest, REST_URL, STREAM_URL};

/// Streams per connection (web-socket-streams.md "General WSS information": "A single
/// connection can listen to a maximum of 1024 streams").
pub const MAX_STREAMS_PER_CONNECTION: usize = 1024;

/// Largest `limit` of `GET /api/v3/klines`.
pub const CANDLES_PAGE_LIMIT: usize = 1000;

/// Largest `limit` of `GET /api/v3/depth`.
const MAX_DEPTH_LIMIT: usize = 5000;

/// Largest `limit` of `GET /api/v3/trades`.
const MAX_TRADES_LIMIT: usize = 1000;

/// Canonical ↔ venue spelling of every listed symbol.
#[derive(Debug, Default)]
struct SymbolTable {
    to_venue: HashMap<Symbol, String>,
    to_canonical: HashMap<String, Symbol>,
}

/// Binance spot market data behind [`MarketDataSource`].
///
/// ```no_run
/// use tradewire_binance::provider::BinanceProvider;
/// use tradewire_core::market_data::{MarketDataSource, TimeRange};
/// use tradewire_core::Timeframe;
///
/// # async fn run() -> tradewire_core::Result<()> {
/// let binance = BinanceProvider::production()?;
/// let btc = "BTC/USDT".parse()?;
/// let day = TimeRange::new(1_700_006_400_000, 1_700_092_800_000);
/// let candles = binance.get_candles(&btc, Timeframe::M1, day).await?; // 1440, 2 pages
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct BinanceProvider {
    ws_url: String,
    rest: BinancePublicRest,
    table: Arc<OnceCell<Arc<SymbolTable>>>,
    /// Where every stream connection reports its status.
    status: StatusHub,
}

impl BinanceProvider {
    /// A provider streaming from `ws_url` (the stream server's base URL, without path:
    /// [`STREAM_URL`], [`MARKET_DATA_STREAM_URL`](crate::MARKET_DATA_STREAM_URL) or a
    /// simulator's `ws://127.0.0.1:PORT`) and calling the REST API at `rest_url`
    /// ([`REST_URL`], a simulator's `http://127.0.0.1:PORT`). Nothing is connected yet.
    pub fn new(ws_url: impl Into<String>, rest_url: impl Into<String>) -> Result<Self> {
        let rest = BinancePublicRest::new(rest_url)?;
        Ok(BinanceProvider {
            ws_url: ws_url.into(),
            rest,
            table: Arc::new(OnceCell::new()),
            status: StatusHub::new(Venue::Binance),
        })
    }

    /// Production: [`STREAM_URL`] and [`REST_URL`].
    pub fn production() -> Result<Self> {
        Self::new(STREAM_URL, REST_URL)
    }

    /// The REST client.
    pub fn rest(&self) -> &BinancePublicRest {
        &self.rest
    }

    /// The symbol table, fetched once.
    async fn table(&self) -> Result<Arc<SymbolTable>> {
        let table = self
            .table
            .get_or_try_init(|| async {
                let info = self.rest.exchange_info(&ExchangeInfoRequest::all()).await?;
                let mut table = SymbolTable::default();
                for s in &info.symbols {
                    if let Some(symbol) = s.canonical() {
                        table.to_venue.insert(symbol.clone(), s.symbol.clone());
                        table.to_canonical.insert(s.symbol.clone(), symbol);
                    }
                }
                Ok::<_, Error>(Arc::new(table))
            })
            .await?;
        Ok(Arc::clone(table))
    }

    /// Binance's spelling of `symbol`, or [`Error::UnknownSymbol`].
    async fn venue_symbol(&self, symbol: &Symbol) -> Result<String> {
        let table = self.table().await?;
        table
            .to_venue
            .get(symbol)
            .cloned()
            .ok_or_else(|| unknown(symbol))
    }

    /// Binance's spelling of every symbol (in order, duplicates dropped) and the reverse map.
    async fn resolve_all(&self, symbols: &[Symbol]) -> Result<Resolved> {
        if symbols.is_empty() {
            return Err(Error::InvalidArgument("no symbols to stream".into()));
        }
        if symbols.len() > MAX_STREAMS_PER_CONNECTION {
            return Err(Error::InvalidArgument(format!(
                "{} symbols on one connection; Binance allows {MAX_STREAMS_PER_CONNECTION}",
                symbols.len()
            )));
        }
        let table = self.table().await?;
        let mut resolved = Resolved::default();
        for symbol in symbols {
            let venue = table
                .to_venue
                .get(symbol)
                .cloned()
                .ok_or_else(|| unknown(symbol))?;
            if resolved
                .canonical
                .insert(venue.clone(), symbol.clone())
                .is_none()
            {
                resolved.venue.push(venue);
            }
        }
        Ok(resolved)
    }

    /// A new client subscribed to `streams` and connected.
    async fn open(&self, streams: &[StreamName]) -> Result<(BinancePublicClient, PublicEvents)> {
        let (client, events) =
            BinancePublicClient::new(BinancePublicConfig::new(self.ws_url.clone()))
                .map_err(ws_error)?;
        // Before `connect`, subscriptions are recorded and sent with the connection's replay.
        client.subscribe(streams).await.map_err(ws_error)?;
        client.connect().await.map_err(ws_error)?;
        Ok((client, events))
    }

    /// A stream of the normalized events of `streams`, each turned into items by `pick`.
    async fn market_stream<T, F>(
        &self,
        streams: Vec<StreamName>,
        pick: F,
    ) -> Result<BoxStream<'static, Result<T>>>
    where
        T: Send + 'static,
        F: FnMut(MarketEvent) -> Option<T> + Send + 'static,
    {
        let (client, events) = self.open(&streams).await?;
        let state = MarketState {
            _client: client,
            link: self.status.link(),
            events,
            pick,
            done: false,
        };
        Ok(Box::pin(futures::stream::unfold(
            state,
            |mut s| async move {
                loop {
                    if s.done {
                        return None;
                    }
                    let event = s.events.next().await?;
                    report(&mut s.link, &event);
                    match event {
                        PublicEvent::Message(m) => {
                            // One market message is one normalized event for these streams.
                            if let Some(item) = m.into_market_events().find_map(&mut s.pick) {
                                return Some((Ok(item), s));
                            }
                        }
                        PublicEvent::SubscriptionFailed { streams, error } => {
                            let err = Error::venue(
                                Venue::Binance,
                                "subscribe",
                                format!("resubscribing {streams:?} failed: {error}"),
                            );
                            return Some((Err(err), s));
                        }
                        PublicEvent::Disconnected { reason } => {
                            s.done = true;
                            return Some((Err(Error::Disconnected(reason.to_string())), s));
                        }
                        _ => {}
                    }
                }
            },
        )))
    }
}

/// The state of a market stream: the client (kept alive: dropping the stream closes the
/// connection), its events and the item filter.
struct MarketState<F> {
    _client: BinancePublicClient,
    link: StatusLink,
    events: PublicEvents,
    pick: F,
    done: bool,
}

#[derive(Debug, Default)]
struct Resolved {
    /// Venue spellings, in request order.
    venue: Vec<String>,
    /// Venue spelling → canonical symbol.
    canonical: HashMap<String, Symbol>,
}

fn unknown(symbol: &Symbol) -> Error {
    Error::UnknownSymbol {
        venue: Venue::Binance,
        symbol: symbol.as_str().to_owned(),
    }
}

fn ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A client error as a core error.
fn ws_error(e: PublicWsError) -> Error {
    match e {
        PublicWsError::RateLimited(r) => Error::RateLimited {
            venue: Venue::Binance,
            retry_after_ms: r.retry_after.map(ms),
        },
        PublicWsError::Venue(v) => Error::venue(Venue::Binance, v.code, v.msg),
        e @ PublicWsError::Timeout { .. } => Error::Timeout(e.to_string()),
        e @ (PublicWsError::ConnectionLost { .. }
        | PublicWsError::NotConnected
        | PublicWsError::Closed) => Error::Disconnected(e.to_string()),
        e => Error::Transport(e.to_string()),
    }
}

/// Every kline interval Binance documents (web-socket-streams.md and rest-api.md, "Kline/
/// Candlestick chart intervals"): `1s` … `1M`, streamed and served over REST.
fn all_timeframes() -> Vec<Timeframe> {
    Timeframe::ALL.to_vec()
}

impl MarketDataSource for BinanceProvider {
    fn venue(&self) -> Venue {
        Venue::Binance
    }

    fn status_events(&self) -> BoxStream<'static, StatusEvent> {
        self.status.subscribe()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            stream_timeframes: all_timeframes(),
            rest_timeframes: all_timeframes(),
            max_streams_per_connection: MAX_STREAMS_PER_CONNECTION,
            candles_page_limit: CANDLES_PAGE_LIMIT,
            order_book: true,
            recent_trades: true,
            funding_rate: false,
            open_interest: false,
            streams: true,
        }
    }

    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>> {
        Box::pin(async move {
            let info = self.rest.exchange_info(&ExchangeInfoRequest::all()).await?;
            Ok(info
                .symbols
                .iter()
                .filter_map(|s| {
                    Some(SymbolInfo {
                        symbol: s.canonical()?,
                        venue_symbol: s.symbol.clone(),
                        kind: SymbolKind::Spot,
                        active: s.is_trading(),
                        price_tick: s.price_filter().map(|f| f.tick_size),
                        amount_step: s.lot_size().map(|f| f.step_size),
                        min_amount: s.lot_size().map(|f| f.min_qty),
                    })
                })
                .collect())
        })
    }

    fn get_candles<'a>(
        &'a self,
        symbol: &'a Symbol,
        timeframe: Timeframe,
        range: TimeRange,
    ) -> BoxFuture<'a, Result<Vec<Candle>>> {
        Box::pin(async move {
            let venue = self.venue_symbol(symbol).await?;
            if range.end_ms <= range.start_ms {
                return Ok(Vec::new());
            }
            // `klines_range` takes open times in [start, end]: ask for [start, end - 1].
            let mut candles = self
                .rest
                .klines_range(&venue, timeframe, range.start_ms, range.end_ms - 1)
                .await?;
            candles.retain(|c| range.contains(c.open_time));
            for c in &mut candles {
                c.symbol = Some(symbol.clone());
            }
            Ok(candles)
        })
    }

    fn get_order_book<'a>(
        &'a self,
        symbol: &'a Symbol,
        depth: usize,
    ) -> BoxFuture<'a, Result<BookUpdate>> {
        Box::pin(async move {
            let venue = self.venue_symbol(symbol).await?;
            let depth = depth.clamp(1, MAX_DEPTH_LIMIT);
            let limit = u32::try_from(depth).unwrap_or(100);
            let mut book = self.rest.depth(&venue, Some(limit)).await?;
            book.symbol = Some(symbol.clone());
            book.bids.truncate(depth);
            book.asks.truncate(depth);
            Ok(book)
        })
    }

    fn get_recent_trades<'a>(
        &'a self,
        symbol: &'a Symbol,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Trade>>> {
        Box::pin(async move {
            let venue = self.venue_symbol(symbol).await?;
            let limit = u32::try_from(limit.clamp(1, MAX_TRADES_LIMIT)).unwrap_or(500);
            let mut trades = self.rest.recent_trades(&venue, Some(limit)).await?;
            trades.sort_by_key(|t| t.time);
            for t in &mut trades {
                t.symbol = Some(symbol.clone());
            }
            Ok(trades)
        })
    }

    fn stream_candles(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>> {
        Box::pin(async move {
            let resolved = self.resolve_all(&symbols).await?;
            let streams = resolved
                .venue
                .iter()
                .map(|s| StreamName::kline(s, timeframe))
                .collect();
            let canonical = resolved.canonical;
            self.market_stream(streams, move |event| match event {
                MarketEvent::Candle(mut c) if c.timeframe == timeframe => {
                    c.symbol = Some(canonical.get(&c.venue_symbol)?.clone());
                    Some(c)
                }
                _ => None,
            })
            .await
        })
    }

    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>> {
        Box::pin(async move {
            let resolved = self.resolve_all(&symbols).await?;
            let streams = resolved
                .venue
                .iter()
                .map(|s| StreamName::trade(s))
                .collect();
            let canonical = resolved.canonical;
            self.market_stream(streams, move |event| match event {
                MarketEvent::Trade(mut t) => {
                    t.symbol = Some(canonical.get(&t.venue_symbol)?.clone());
                    Some(t)
                }
                _ => None,
            })
            .await
        })
    }

    fn stream_tickers(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Ticker>>>> {
        Box::pin(async move {
            let resolved = self.resolve_all(&symbols).await?;
            let streams = resolved
                .venue
                .iter()
                .map(|s| StreamName::ticker(s))
                .collect();
            let canonical = resolved.canonical;
            self.market_stream(streams, move |event| match event {
                MarketEvent::Ticker(mut t) => {
                    t.symbol = Some(canonical.get(&t.venue_symbol)?.clone());
                    Some(t)
                }
                _ => None,
            })
            .await
        })
    }

    fn stream_order_books(
        &self,
        symbols: Vec<Symbol>,
        depth: usize,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<BookUpdate>>>> {
        Box::pin(async move {
            let resolved = self.resolve_all(&symbols).await?;
            let depth = depth.max(1);
            let (client, events) =
                BinancePublicClient::new(BinancePublicConfig::new(self.ws_url.clone()))
                    .map_err(ws_error)?;
            let source = rest_snapshot_source(self.rest.rest().clone());
            let snapshot_limit = u32::try_from(depth.clamp(1000, MAX_DEPTH_LIMIT)).unwrap_or(1000);
            let mut books = OrderBookManager::new(events, source, UpdateSpeed::Ms100)
                .snapshot_limit(snapshot_limit);
            for s in &resolved.venue {
                books.track(s);
            }
            client.subscribe(&books.streams()).await.map_err(ws_error)?;
            client.connect().await.map_err(ws_error)?;
            let tracked: HashSet<String> = resolved.venue.iter().cloned().collect();
            let state = BookState {
                _client: client,
                link: self.status.link(),
                books,
                canonical: resolved.canonical,
                tracked,
                depth,
                done: false,
            };
            let stream = futures::stream::unfold(state, |mut s| async move {
                loop {
                    if s.done {
                        return None;
                    }
                    let event = s.books.next().await?;
                    if let BookEvent::Event(e) = &event {
                        report(&mut s.link, e);
                    }
                    let symbol = match event {
                        BookEvent::Synced { symbol, .. } | BookEvent::Updated { symbol, .. } => {
                            symbol
                        }
                        BookEvent::Event(PublicEvent::Disconnected { reason }) => {
                            s.done = true;
                            return Some((Err(Error::Disconnected(reason.to_string())), s));
                        }
                        BookEvent::Event(PublicEvent::SubscriptionFailed { streams, error }) => {
                            let err = Error::venue(
                                Venue::Binance,
                                "subscribe",
                                format!("resubscribing {streams:?} failed: {error}"),
                            );
                            return Some((Err(err), s));
                        }
                        // Resynchronizing books yield nothing; other events are not books.
                        _ => continue,
                    };
                    if !s.tracked.contains(&symbol) {
                        continue;
                    }
                    if let Some(update) = s.snapshot(&symbol) {
                        return Some((Ok(update), s));
                    }
                }
            });
            let stream: BoxStream<'static, Result<BookUpdate>> = Box::pin(stream);
            Ok(stream)
        })
    }
}

/// The state of a book stream.
struct BookState<B> {
    _client: BinancePublicClient,
    link: StatusLink,
    books: B,
    canonical: HashMap<String, Symbol>,
    tracked: HashSet<String>,
    depth: usize,
    done: bool,
}

impl<St, S> BookState<OrderBookManager<St, S>>
where
    St: futures::Stream<Item = PublicEvent> + Unpin,
    S: crate::book::SnapshotSource,
{
    /// The top `depth` levels of the in-sync book of `symbol`.
    fn snapshot(&self, symbol: &str) -> Option<BookUpdate> {
        let book = self.books.book(symbol)?;
        let mut u = BookUpdate::new(
            Venue::Binance,
            self.canonical.get(symbol).cloned(),
            symbol.to_owned(),
            BookKind::Snapshot,
        );
        let (bids, asks) = book.top(self.depth);
        u.bids = bids;
        u.asks = asks;
        u.last_seq = book.last_seq();
        u.time = book.time();
        Some(u)
    }
}

/// Reports a connection event of a stream's client to its status link.
fn report(link: &mut StatusLink, event: &PublicEvent) {
    match event {
        PublicEvent::Connected => link.connected(),
        PublicEvent::Reconnecting { attempt, delay, .. } => link.reconnecting(*attempt, *delay),
        PublicEvent::Disconnected { reason } => link.disconnected(reason.to_string()),
        _ => {}
    }
}
