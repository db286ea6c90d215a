//! [`DeribitProvider`]: Deribit as a [`MarketDataSource`] — the venue side of the unified
//! market-data API (`tradewire_core::market_data`).
//!
//! - **Symbols** are canonical (`BTC/USD:BTC` for `BTC-PERPETUAL`, `BTC/USD:BTC-241227` for a
//!   future, …). They are checked against `public/get_instruments` (`currency: "any"`, active
//!   instruments; fetched on first use and again, at most once a minute, when a symbol is not
//!   found, since Deribit lists new expiries every day): a symbol Deribit does not list is
//!   refused with [`Error::UnknownSymbol`] before anything is sent.
//! - **Requests** (`get_*`) go over one lazily connected JSON-RPC WebSocket connection shared
//!   by the provider's clones (Deribit's REST transport is not used).
//! - **Candles**: `public/get_tradingview_chart_data` in pages of at most
//!   [`CANDLES_PAGE_LIMIT`] candles (fixed windows of `limit × resolution`, so a gap in the
//!   venue's data never stalls the pagination), candles whose open time is in the half-open
//!   range, no duplicates; a candle is `closed` when its period has ended by the local clock.
//!   Timeframes: the `chart.trades` resolutions with a canonical timeframe (`1m 3m 5m 15m 30m
//!   1h 2h 6h 12h 1d`; Deribit's `10` and `180` minutes have none).
//! - **Streams**: every stream call opens one [`DeribitPublicClient`] (reconnecting, with its
//!   subscriptions replayed) owned by the returned stream; dropping the stream closes the
//!   connection. Channels: `chart.trades.{instrument}.{resolution}`,
//!   `trades.{instrument}.100ms`, `ticker.{instrument}.100ms`, `book.{instrument}.100ms`
//!   (the `raw` intervals need an authenticated connection).
//! - **Closed candles**: `chart.trades` notifications carry no closed flag — Deribit pushes
//!   the running candle again on each trade. [`stream_candles`](MarketDataSource::stream_candles)
//!   yields every update with `closed: false` and, when the first update of the *next* candle
//!   of the same instrument arrives, yields the previous candle once more with
//!   `closed: true` (its last known values) just before it. A candle is therefore confirmed
//!   closed only when the next one starts (a quiet market delays it; a period without trades
//!   is never sent by Deribit at all).
//! - **Books**: a local [`OrderBook`] per instrument under [`SequenceRule::PrevSeq`]
//!   (`prev_change_id` must be the previous `change_id`; the client's event stream also checks
//!   the chain and re-subscribes a broken channel, after which a fresh snapshot arrives). Each
//!   applied update yields the top `depth` levels as a [`BookKind::Snapshot`] with `last_seq`
//!   = `change_id`; nothing is yielded while a book waits for its snapshot.
//! - **Funding rate** (perpetuals): `public/ticker`'s `funding_8h` (the rate over 8 hours, the
//!   period other venues fund on), else `current_funding`. **Open interest**: `public/ticker`'s
//!   `open_interest`, as Deribit reports it (USD for inverse futures, base currency for
//!   linear ones and options).
//! - **Connection limit**: Deribit documents no cap on channels per connection; the bound that
//!   applies is the request size (a `public/subscribe` frame must stay under 32 kB). One channel
//!   per symbol, about 40 bytes each: [`MAX_STREAMS_PER_CONNECTION`] = 500 keeps the subscribe
//!   request (replayed in one frame on every reconnect) well under it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::OnceCell;
use tradewire_core::market_data::{
    BoxFuture, BoxStream, Capabilities, FundingRate, MarketDataSource, OpenInterest, SymbolInfo,
    TimeRange,
};
use tradewire_core::status::{StatusEvent, StatusHub, StatusLink};
use tradewire_core::{
    BookError, BookKind, BookUpdate, Candle, DecodeError, Error, OrderBook, Result, SequenceRule,
    Symbol, SymbolKind, Ticker, Timeframe, Trade, Venue,
};
use tradewire_websockets::rpc::RpcError;
use web_time::{Instant, SystemTime, UNIX_EPOCH};

use crate::error::ErrorCode;
use crate::message::{DeribitMessage, DeribitTicker};
use crate::normalize::instrument_symbol;
use crate::public::websocket::get_instruments::GetInstrumentsParams;
use crate::public::websocket::get_last_trades_by_instrument::GetLastTradesByInstrumentParams;
use crate::public::websocket::get_order_book::GetOrderBookParams;
use crate::public::websocket::get_tradingview_chart_data::ChartDataParams;
use crate::public::websocket::subscribe::{
    book_channel, chart_channel, ticker_channel, trades_channel,
};
use crate::{DeribitConfig, DeribitEvent, DeribitEvents, DeribitPublicClient, WS_URL};

/// Channels one stream subscribes on one connection (see the module docs).
pub const MAX_STREAMS_PER_CONNECTION: usize = 500;

/// Candles asked for per `public/get_tradingview_chart_data` call.
pub const CANDLES_PAGE_LIMIT: usize = 5000;

/// Depths `public/get_order_book` accepts.
const BOOK_DEPTHS: [usize; 8] = [1, 5, 10, 20, 50, 100, 1000, 10_000];

/// Largest `count` of `public/get_last_trades_by_instrument`.
const MAX_TRADES: usize = 1000;

/// How often a missing symbol may trigger a new `public/get_instruments`.
const REFRESH_AFTER: Duration = Duration::from_secs(60);

/// Timeframe ↔ `chart.trades` / chart-data resolution.
const RESOLUTIONS: [(Timeframe, &str); 10] = [
    (Timeframe::M1, "1"),
    (Timeframe::M3, "3"),
    (Timeframe::M5, "5"),
    (Timeframe::M15, "15"),
    (Timeframe::M30, "30"),
    (Timeframe::H1, "60"),
    (Timeframe::H2, "120"),
    (Timeframe::H6, "360"),
    (Timeframe::H12, "720"),
    (Timeframe::D1, "1D"),
];

/// The Deribit resolution of `tf`, if it has one.
pub fn timeframe_resolution(tf: Timeframe) -> Option<&'static str> {
    RESOLUTIONS.iter().find(|(t, _)| *t == tf).map(|(_, r)| *r)
}

/// Canonical symbol → instrument name, and when it was fetched.
#[derive(Debug)]
struct Table {
    to_venue: HashMap<Symbol, String>,
    fetched: Instant,
}

#[derive(Debug)]
struct Shared {
    ws_url: String,
    /// The request connection, connected on first use.
    client: OnceCell<DeribitPublicClient>,
    table: Mutex<Option<Arc<Table>>>,
    /// Serializes instrument fetches.
    refresh: tokio::sync::Mutex<()>,
    /// Where every stream connection reports its status.
    status: StatusHub,
}

/// Deribit market data behind [`MarketDataSource`]. Cheap to clone (clones share the request
/// connection and the instrument list).
///
/// ```no_run
/// use tradewire_core::market_data::MarketDataSource;
/// use tradewire_deribit::provider::DeribitProvider;
///
/// # async fn run() -> tradewire_core::Result<()> {
/// let deribit = DeribitProvider::production()?;
/// let perp = "BTC/USD:BTC".parse()?;
/// let funding = deribit.get_funding_rate(&perp).await?;
/// println!("{} per 8 h", funding.rate);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DeribitProvider {
    shared: Arc<Shared>,
    page_limit: usize,
}

impl DeribitProvider {
    /// A provider for the JSON-RPC WebSocket endpoint `ws_url` ([`WS_URL`],
    /// [`TESTNET_WS_URL`](crate::TESTNET_WS_URL) or a simulator's
    /// `ws://127.0.0.1:PORT/ws/api/v2`). Nothing is connected yet.
    pub fn new(ws_url: impl Into<String>) -> Result<Self> {
        let ws_url = ws_url.into();
        if !(ws_url.starts_with("ws://") || ws_url.starts_with("wss://")) {
            return Err(Error::InvalidArgument(format!(
                "not a WebSocket URL: {ws_url:?}"
            )));
        }
        Ok(DeribitProvider {
            shared: Arc::new(Shared {
                ws_url,
                client: OnceCell::new(),
                table: Mutex::new(None),
                refresh: tokio::sync::Mutex::new(()),
                status: StatusHub::new(Venue::Deribit),
            }),
            page_limit: CANDLES_PAGE_LIMIT,
        })
    }

    /// Production: [`WS_URL`].
    pub fn production() -> Result<Self> {
        Self::new(WS_URL)
    }

    /// Sets the candles per chart-data call (1 ..= [`CANDLES_PAGE_LIMIT`]).
    pub fn with_candles_page_limit(mut self, limit: usize) -> Self {
        self.page_limit = limit.clamp(1, CANDLES_PAGE_LIMIT);
        self
    }

    /// The request connection (connected on first use; connecting again after a failure).
    pub async fn client(&self) -> Result<&DeribitPublicClient> {
        self.shared
            .client
            .get_or_try_init(|| async {
                let (client, _events) =
                    DeribitPublicClient::new(DeribitConfig::new(self.shared.ws_url.clone()))
                        .map_err(error)?;
                // No subscriptions on this connection: its notifications are not read.
                client.connect().await.map_err(error)?;
                Ok::<_, Error>(client)
            })
            .await
    }

    fn cached_table(&self) -> Option<Arc<Table>> {
        crate::session::lock(&self.shared.table).clone()
    }

    /// Fetches the instrument list (unless a fetch finished while waiting for the lock and
    /// `fresh_enough` accepts it).
    async fn fetch_table(&self, fresh_enough: impl Fn(&Table) -> bool) -> Result<Arc<Table>> {
        let _guard = self.shared.refresh.lock().await;
        if let Some(t) = self.cached_table().filter(|t| fresh_enough(t)) {
            return Ok(t);
        }
        let instruments = self.instruments().await?;
        let to_venue = instruments
            .into_iter()
            .filter_map(|i| Some((i.symbol()?, i.instrument_name)))
            .collect();
        let table = Arc::new(Table {
            to_venue,
            fetched: Instant::now(),
        });
        *crate::session::lock(&self.shared.table) = Some(Arc::clone(&table));
        Ok(table)
    }

    async fn instruments(
        &self,
    ) -> Result<Vec<crate::public::websocket::get_instruments::Instrument>> {
        let params = GetInstrumentsParams {
            currency: "any".into(),
            kind: None,
            expired: None,
        };
        self.client()
            .await?
            .get_instruments(&params)
            .await
            .map_err(error)
    }

    /// The instrument name of `symbol`, or [`Error::UnknownSymbol`].
    async fn instrument(&self, symbol: &Symbol) -> Result<String> {
        let table = match self.cached_table() {
            Some(t) => t,
            None => self.fetch_table(|_| true).await?,
        };
        if let Some(name) = table.to_venue.get(symbol) {
            return Ok(name.clone());
        }
        if table.fetched.elapsed() >= REFRESH_AFTER {
            let table = self
                .fetch_table(|t| t.fetched.elapsed() < REFRESH_AFTER)
                .await?;
            if let Some(name) = table.to_venue.get(symbol) {
                return Ok(name.clone());
            }
        }
        Err(unknown(symbol))
    }

    /// The instrument names of `symbols` (in order, duplicates dropped).
    async fn instruments_of(&self, symbols: &[Symbol]) -> Result<Vec<(String, Symbol)>> {
        if symbols.is_empty() {
            return Err(Error::InvalidArgument("no symbols to stream".into()));
        }
        if symbols.len() > MAX_STREAMS_PER_CONNECTION {
            return Err(Error::InvalidArgument(format!(
                "{} symbols on one connection; at most {MAX_STREAMS_PER_CONNECTION}",
                symbols.len()
            )));
        }
        let mut out: Vec<(String, Symbol)> = Vec::new();
        for s in symbols {
            let name = self.instrument(s).await?;
            if !out.iter().any(|(n, _)| *n == name) {
                out.push((name, s.clone()));
            }
        }
        Ok(out)
    }

    /// A new client, connected and subscribed to `channels`.
    async fn open(&self, channels: &[String]) -> Result<(DeribitPublicClient, DeribitEvents)> {
        let (client, events) =
            DeribitPublicClient::new(DeribitConfig::new(self.shared.ws_url.clone()))
                .map_err(error)?;
        client.connect().await.map_err(error)?;
        client.subscribe(channels).await.map_err(error)?;
        Ok((client, events))
    }

    async fn ticker(&self, symbol: &Symbol) -> Result<(String, DeribitTicker)> {
        let name = self.instrument(symbol).await?;
        let ticker = self.client().await?.ticker(&name).await.map_err(error)?;
        Ok((name, ticker))
    }
}

fn unknown(symbol: &Symbol) -> Error {
    Error::UnknownSymbol {
        venue: Venue::Deribit,
        symbol: symbol.as_str().to_owned(),
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A client error as a core error.
fn error(e: crate::Error) -> Error {
    use crate::Error as E;
    match e {
        E::Venue(v) if v.code == ErrorCode::TooManyRequests => Error::RateLimited {
            venue: Venue::Deribit,
            retry_after_ms: None,
        },
        E::Venue(v) => Error::venue(Venue::Deribit, v.code.code(), v.message),
        E::Rpc(e @ RpcError::Timeout { .. }) => Error::Timeout(e.to_string()),
        E::Rpc(e @ (RpcError::ConnectionLost { .. } | RpcError::Closed)) => {
            Error::Disconnected(e.to_string())
        }
        E::Rpc(e) => Error::Transport(e.to_string()),
        E::RateLimited(r) => Error::RateLimited {
            venue: Venue::Deribit,
            retry_after_ms: r.retry_after.map(ms),
        },
        E::Ws(e) => Error::Transport(e.to_string()),
        E::NotAuthenticated(m) => Error::Auth(m),
        E::Decode(m) => Error::Decode(DecodeError::new(Venue::Deribit, "response", m)),
        e @ E::Timeout { .. } => Error::Timeout(e.to_string()),
        E::Unexpected(m) => Error::Decode(DecodeError::new(Venue::Deribit, "response", m)),
    }
}

fn unsupported_timeframe(tf: Timeframe) -> Error {
    Error::Unsupported {
        venue: Venue::Deribit,
        what: format!("{tf} candles"),
    }
}

/// Marks `chart.trades` candles closed: when a candle of a later period arrives for an
/// instrument, the previous candle is emitted again with `closed: true` first.
#[derive(Debug, Default)]
struct CandleCloser {
    last: HashMap<String, Candle>,
}

impl CandleCloser {
    /// What to yield for `candle`, in order.
    fn push(&mut self, candle: Candle, out: &mut VecDeque<Candle>) {
        match self.last.get(&candle.venue_symbol) {
            // An update of an older period (e.g. replayed after a reconnect): already closed.
            Some(prev) if candle.open_time < prev.open_time => return,
            Some(prev) if candle.open_time > prev.open_time => {
                let mut closed = prev.clone();
                closed.closed = true;
                out.push_back(closed);
            }
            _ => {}
        }
        self.last
            .insert(candle.venue_symbol.clone(), candle.clone());
        out.push_back(candle);
    }
}

/// What a stream's state machine does with one event.
trait Handler: Send + 'static {
    type Item: Send + 'static;
    /// Items for one message of the subscribed channels.
    fn on_message(&mut self, message: DeribitMessage, out: &mut VecDeque<Result<Self::Item>>);
    /// A connection event (books reset).
    fn on_connection(&mut self) {}
    /// A book channel is being re-synchronized.
    fn on_resync(&mut self, _channel: &str) {}
    /// Channels to re-subscribe now (a book that broke its chain).
    fn take_resubscribe(&mut self) -> Vec<String> {
        Vec::new()
    }
}

struct StreamState<H: Handler> {
    client: DeribitPublicClient,
    link: StatusLink,
    /// Why the last connection ended (reported if no reconnect follows).
    ended: Option<String>,
    events: DeribitEvents,
    handler: H,
    out: VecDeque<Result<H::Item>>,
}

fn run<H: Handler>(
    client: DeribitPublicClient,
    events: DeribitEvents,
    handler: H,
    link: StatusLink,
) -> BoxStream<'static, Result<H::Item>> {
    let state = StreamState {
        client,
        link,
        ended: None,
        events,
        handler,
        out: VecDeque::new(),
    };
    Box::pin(futures::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(item) = s.out.pop_front() {
                return Some((item, s));
            }
            let resubscribe = s.handler.take_resubscribe();
            if !resubscribe.is_empty() {
                // A fresh snapshot follows the new subscription.
                if let Err(e) = s.client.unsubscribe(&resubscribe).await {
                    tracing::warn!(error = %e, "deribit: unsubscribing a broken book");
                }
                if let Err(e) = s.client.subscribe(&resubscribe).await {
                    s.out.push_back(Err(error(e)));
                }
                continue;
            }
            let Some(event) = s.events.next().await else {
                let reason = s.ended.take();
                s.link
                    .disconnected(reason.unwrap_or_else(|| "connection closed".to_owned()));
                return None;
            };
            match event {
                DeribitEvent::Message(m) => s.handler.on_message(m, &mut s.out),
                DeribitEvent::BookResync { channel, cause } => {
                    tracing::debug!(%channel, ?cause, "deribit: book resync");
                    s.handler.on_resync(&channel);
                }
                DeribitEvent::Connected => {
                    s.ended = None;
                    s.link.connected();
                    s.handler.on_connection();
                }
                DeribitEvent::Reconnecting { attempt, delay } => {
                    s.link.reconnecting(attempt, delay);
                    s.handler.on_connection();
                }
                // One connection ended; `Reconnecting` follows unless the client is done, and
                // then the event stream ends.
                DeribitEvent::Disconnected { reason } => {
                    s.ended = Some(reason.to_string());
                    s.handler.on_connection();
                }
                DeribitEvent::Error(e) => tracing::debug!(error = %e, "deribit stream"),
            }
        }
    }))
}

/// Instrument name → canonical symbol of the subscribed instruments.
type Names = HashMap<String, Symbol>;

struct Candles {
    timeframe: Timeframe,
    channels: Vec<String>,
    names: Names,
    closer: CandleCloser,
}

impl Handler for Candles {
    type Item = Candle;
    fn on_message(&mut self, message: DeribitMessage, out: &mut VecDeque<Result<Candle>>) {
        let DeribitMessage::Candle(c) = message else {
            return;
        };
        if !self.channels.contains(&c.channel) {
            return;
        }
        let Some(mut candle) = c.candle.to_candle() else {
            return;
        };
        if candle.timeframe != self.timeframe {
            return;
        }
        candle.symbol = self.names.get(&candle.venue_symbol).cloned();
        let mut items = VecDeque::new();
        self.closer.push(candle, &mut items);
        out.extend(items.into_iter().map(Ok));
    }
}

struct Trades {
    names: Names,
}

impl Handler for Trades {
    type Item = Trade;
    fn on_message(&mut self, message: DeribitMessage, out: &mut VecDeque<Result<Trade>>) {
        let DeribitMessage::Trades(t) = message else {
            return;
        };
        for trade in &t.trades {
            if let Some(symbol) = self.names.get(&trade.instrument_name) {
                let mut trade = trade.to_trade();
                trade.symbol = Some(symbol.clone());
                out.push_back(Ok(trade));
            }
        }
    }
}

struct Tickers {
    names: Names,
}

impl Handler for Tickers {
    type Item = Ticker;
    fn on_message(&mut self, message: DeribitMessage, out: &mut VecDeque<Result<Ticker>>) {
        let DeribitMessage::Ticker(t) = message else {
            return;
        };
        if let Some(symbol) = self.names.get(&t.ticker.instrument_name) {
            let mut ticker = t.ticker.to_ticker();
            ticker.symbol = Some(symbol.clone());
            out.push_back(Ok(ticker));
        }
    }
}

struct Books {
    depth: usize,
    /// Channel → (instrument, book).
    books: HashMap<String, (String, OrderBook)>,
    names: Names,
    resubscribe: Vec<String>,
}

impl Handler for Books {
    type Item = BookUpdate;
    fn on_message(&mut self, message: DeribitMessage, out: &mut VecDeque<Result<BookUpdate>>) {
        let DeribitMessage::Book(b) = message else {
            return;
        };
        let Some((instrument, book)) = self.books.get_mut(&b.channel) else {
            return;
        };
        match book.apply(&b.update) {
            Ok(tradewire_core::Applied::Stale) => {}
            Ok(_) => {
                let mut u = BookUpdate::new(
                    Venue::Deribit,
                    self.names.get(instrument.as_str()).cloned(),
                    instrument.clone(),
                    BookKind::Snapshot,
                );
                let (bids, asks) = book.top(self.depth);
                u.bids = bids;
                u.asks = asks;
                u.last_seq = book.last_seq();
                u.time = book.time();
                out.push_back(Ok(u));
            }
            // A delta before the (re)subscription's snapshot: wait for it.
            Err(BookError::NeedsSnapshot) => {}
            Err(e) => {
                tracing::warn!(channel = %b.channel, error = %e, "deribit: book out of sync; resubscribing");
                book.reset();
                self.resubscribe.push(b.channel);
            }
        }
    }
    fn on_connection(&mut self) {
        for (_, book) in self.books.values_mut() {
            book.reset();
        }
    }
    fn on_resync(&mut self, channel: &str) {
        if let Some((_, book)) = self.books.get_mut(channel) {
            book.reset();
        }
    }
    fn take_resubscribe(&mut self) -> Vec<String> {
        std::mem::take(&mut self.resubscribe)
    }
}

impl MarketDataSource for DeribitProvider {
    fn venue(&self) -> Venue {
        Venue::Deribit
    }

    fn status_events(&self) -> BoxStream<'static, StatusEvent> {
        self.shared.status.subscribe()
    }

    fn capabilities(&self) -> Capabilities {
        let timeframes: Vec<Timeframe> = RESOLUTIONS.iter().map(|(t, _)| *t).collect();
        Capabilities {
            stream_timeframes: timeframes.clone(),
            rest_timeframes: timeframes,
            max_streams_per_connection: MAX_STREAMS_PER_CONNECTION,
            candles_page_limit: self.page_limit,
            order_book: true,
            recent_trades: true,
            funding_rate: true,
            open_interest: true,
            streams: true,
        }
    }

    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>> {
        Box::pin(async move {
            let instruments = self.instruments().await?;
            Ok(instruments
                .into_iter()
                .filter_map(|i| {
                    let symbol = instrument_symbol(&i.instrument_name)?;
                    Some(SymbolInfo {
                        kind: symbol.kind(),
                        symbol,
                        venue_symbol: i.instrument_name,
                        active: i.is_active,
                        price_tick: Some(i.tick_size),
                        amount_step: Some(i.min_trade_amount),
                        min_amount: Some(i.min_trade_amount),
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
            let resolution =
                timeframe_resolution(timeframe).ok_or_else(|| unsupported_timeframe(timeframe))?;
            let res_ms = timeframe
                .fixed_duration_ms()
                .ok_or_else(|| unsupported_timeframe(timeframe))?;
            let name = self.instrument(symbol).await?;
            let client = self.client().await?;
            let now = now_ms();
            let page = i64::try_from(self.page_limit).unwrap_or(1000).max(1);
            // The first open time at or after the start.
            let mut cursor = range.start_ms + (res_ms - range.start_ms.rem_euclid(res_ms)) % res_ms;
            let mut out: Vec<Candle> = Vec::new();
            while cursor < range.end_ms && cursor <= now {
                let last = (cursor + (page - 1) * res_ms).min(range.end_ms - 1);
                let params = ChartDataParams {
                    instrument_name: name.clone(),
                    start_timestamp: cursor,
                    end_timestamp: last,
                    resolution: resolution.to_owned(),
                };
                let data = client
                    .get_tradingview_chart_data(&params)
                    .await
                    .map_err(error)?;
                for mut c in data.candles(&name, resolution) {
                    let newer = out.last().is_none_or(|p| c.open_time > p.open_time);
                    if newer && c.open_time >= cursor && c.open_time <= last {
                        c.symbol = Some(symbol.clone());
                        c.closed = c.open_time + res_ms <= now;
                        out.push(c);
                    }
                }
                cursor += page * res_ms;
            }
            Ok(out)
        })
    }

    fn get_order_book<'a>(
        &'a self,
        symbol: &'a Symbol,
        depth: usize,
    ) -> BoxFuture<'a, Result<BookUpdate>> {
        Box::pin(async move {
            let name = self.instrument(symbol).await?;
            let depth = depth.max(1);
            let asked = BOOK_DEPTHS
                .iter()
                .copied()
                .find(|d| *d >= depth)
                .unwrap_or(10_000);
            let params = GetOrderBookParams {
                instrument_name: name,
                depth: u32::try_from(asked).ok(),
            };
            let snapshot = self
                .client()
                .await?
                .get_order_book(&params)
                .await
                .map_err(error)?;
            let mut book = snapshot.to_book_update();
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
            let name = self.instrument(symbol).await?;
            let params = GetLastTradesByInstrumentParams {
                instrument_name: name,
                count: u32::try_from(limit.clamp(1, MAX_TRADES)).ok(),
                // The newest `count` trades.
                sorting: Some("desc".into()),
            };
            let last = self
                .client()
                .await?
                .get_last_trades_by_instrument(&params)
                .await
                .map_err(error)?;
            let mut trades: Vec<(Option<u64>, Trade)> = last
                .trades
                .iter()
                .map(|t| {
                    let mut trade = t.to_trade();
                    trade.symbol = Some(symbol.clone());
                    (t.trade_seq, trade)
                })
                .collect();
            // Newest last.
            trades.sort_by_key(|(seq, t)| (t.time, *seq));
            Ok(trades.into_iter().map(|(_, t)| t).collect())
        })
    }

    fn get_funding_rate<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<FundingRate>> {
        Box::pin(async move {
            if symbol.kind() != SymbolKind::Swap {
                return Err(Error::Unsupported {
                    venue: Venue::Deribit,
                    what: format!("funding rate of {symbol} (perpetuals only)"),
                });
            }
            let (name, ticker) = self.ticker(symbol).await?;
            let rate = ticker
                .funding_8h
                .or(ticker.current_funding)
                .ok_or_else(|| {
                    Error::Decode(DecodeError::new(
                        Venue::Deribit,
                        "ticker",
                        format!("{name}: no funding_8h or current_funding"),
                    ))
                })?;
            Ok(FundingRate {
                venue: Venue::Deribit,
                symbol: symbol.clone(),
                venue_symbol: name,
                rate,
                time: ticker.timestamp,
                next_funding_time: None,
            })
        })
    }

    fn get_open_interest<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<OpenInterest>> {
        Box::pin(async move {
            if symbol.kind() == SymbolKind::Spot {
                return Err(Error::Unsupported {
                    venue: Venue::Deribit,
                    what: format!("open interest of {symbol} (derivatives only)"),
                });
            }
            let (name, ticker) = self.ticker(symbol).await?;
            let amount = ticker.open_interest.ok_or_else(|| {
                Error::Decode(DecodeError::new(
                    Venue::Deribit,
                    "ticker",
                    format!("{name}: no open_interest"),
                ))
            })?;
            Ok(OpenInterest {
                venue: Venue::Deribit,
                symbol: symbol.clone(),
                venue_symbol: name,
                amount,
                value: None,
                time: ticker.timestamp,
            })
        })
    }

    fn stream_candles(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>> {
        Box::pin(async move {
            let resolution =
                timeframe_resolution(timeframe).ok_or_else(|| unsupported_timeframe(timeframe))?;
            let names = self.instruments_of(&symbols).await?;
            let channels: Vec<String> = names
                .iter()
                .map(|(n, _)| chart_channel(n, resolution))
                .collect();
            let (client, events) = self.open(&channels).await?;
            Ok(run(
                client,
                events,
                Candles {
                    timeframe,
                    channels,
                    names: names.into_iter().collect(),
                    closer: CandleCloser::default(),
                },
                self.shared.status.link(),
            ))
        })
    }

    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>> {
        Box::pin(async move {
            let names = self.instruments_of(&symbols).await?;
            let channels: Vec<String> = names
                .iter()
                .map(|(n, _)| trades_channel(n, "100ms"))
                .collect();
            let (client, events) = self.open(&channels).await?;
            Ok(run(
                client,
                events,
                Trades {
                    names: names.into_iter().collect(),
                },
                self.shared.status.link(),
            ))
        })
    }

    fn stream_tickers(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Ticker>>>> {
        Box::pin(async move {
            let names = self.instruments_of(&symbols).await?;
            let channels: Vec<String> = names
                .iter()
                .map(|(n, _)| ticker_channel(n, "100ms"))
                .collect();
            let (client, events) = self.open(&channels).await?;
            Ok(run(
                client,
                events,
                Tickers {
                    names: names.into_iter().collect(),
                },
                self.shared.status.link(),
            ))
        })
    }

    fn stream_order_books(
        &self,
        symbols: Vec<Symbol>,
        depth: usize,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<BookUpdate>>>> {
        Box::pin(async move {
            let names = self.instruments_of(&symbols).await?;
            let books: HashMap<String, (String, OrderBook)> = names
                .iter()
                .map(|(n, _)| {
                    (
                        book_channel(n, "100ms"),
                        (n.clone(), OrderBook::new(SequenceRule::PrevSeq)),
                    )
                })
                .collect();
            let channels: Vec<String> = books.keys().cloned().collect();
            let (client, events) = self.open(&channels).await?;
            Ok(run(
                client,
                events,
                Books {
                    depth: depth.max(1),
                    books,
                    names: names.into_iter().collect(),
                    resubscribe: Vec::new(),
                },
                self.shared.status.link(),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::Decimal;

    fn candle(open_time: i64, close: i64) -> Candle {
        Candle {
            venue: Venue::Deribit,
            symbol: None,
            venue_symbol: "BTC-PERPETUAL".into(),
            timeframe: Timeframe::M1,
            open_time,
            close_time: Some(open_time + 59_999),
            open: Decimal::ONE,
            high: Decimal::ONE,
            low: Decimal::ONE,
            close: Decimal::new(close, 0),
            volume: Decimal::ONE,
            quote_volume: None,
            trades: None,
            closed: false,
        }
    }

    #[test]
    fn the_next_candle_closes_the_previous_one() {
        let mut closer = CandleCloser::default();
        let mut out = VecDeque::new();
        closer.push(candle(0, 1), &mut out);
        closer.push(candle(0, 2), &mut out);
        closer.push(candle(60_000, 3), &mut out);
        closer.push(candle(0, 9), &mut out); // older period: dropped
        let got: Vec<(i64, i64, bool)> = out
            .iter()
            .map(|c| (c.open_time, c.close.mantissa() as i64, c.closed))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1, false),
                (0, 2, false),
                (0, 2, true),
                (60_000, 3, false)
            ]
        );
    }

    #[test]
    fn resolutions_match_the_decoder() {
        for (tf, res) in RESOLUTIONS {
            assert_eq!(crate::resolution_timeframe(res), Some(tf));
            assert_eq!(timeframe_resolution(tf), Some(res));
        }
        assert_eq!(timeframe_resolution(Timeframe::H4), None);
    }
}
