//! A Binance spot simulator speaking the documented protocol on 127.0.0.1: market streams
//! (raw `/ws/<stream>`, `/ws` + live subscribe, combined `/stream?streams=..`), the REST API
//! (`/api/v3/...`, public and signed) and the WebSocket API (`/ws-api/v3`, with the user data
//! stream), over one [`MockServer`] port, plus fault injection.
//!
//! Every payload follows the official documentation
//! (<https://github.com/binance/binance-spot-api-docs>: web-socket-streams.md, rest-api.md,
//! web-socket-api.md, user-data-stream.md, errors.md, filters.md); each builder names its
//! section. The simulator is an independent implementation of the venue side: it does not
//! use tradewire's Binance client or decoders, so tests built on it catch mismatches.
//!
//! The market is a deterministic (seeded) simulation per symbol: a market maker keeps
//! [`SimConfig::book_levels`] price levels per side, taker flow trades against them, the
//! price walks. Trade ids and book update ids only increase; every diff-depth event carries
//! `U` = previous `u` + 1, and `GET /api/v3/depth` returns a `lastUpdateId` consistent with
//! the diff stream, so the documented local order book procedure reproduces
//! [`BinanceSim::book_top`] exactly. Historical klines are a deterministic function of
//! (seed, symbol, interval, open time, configuration), so any range can be paginated
//! gap-free; the live market starts from the history's price at start time, and history
//! volumes, quote volumes and trade counts are sized after the live taker flow
//! ([`SymbolConfig::taker_qty`] at [`SimConfig::tick_rate`]), so history and live candles
//! join in price and scale.
//!
//! Served:
//!
//! * Streams: `<symbol>@trade`, `@aggTrade`, `@kline_<1s..1M>`, `@depth`, `@depth@100ms`,
//!   `@depth<5|10|20>[@100ms]`, `@bookTicker`, `@ticker`, `@miniTicker`; `SUBSCRIBE`,
//!   `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`/`GET_PROPERTY` (`combined`) with the
//!   documented errors; 1024 streams and 5 messages/s per connection; server pings and the
//!   drop of a connection that leaves one unanswered ([`SimConfig::pong_timeout`]); the
//!   24-hour cut ([`SimConfig::max_connection_age`]).
//! * REST: `ping`, `time`, `exchangeInfo`, `depth`, `trades`, `klines`/`uiKlines`,
//!   `ticker/24hr`; signed `order` (POST/GET/DELETE, LIMIT/LIMIT_MAKER/MARKET, GTC/IOC/FOK,
//!   `quoteOrderQty`), `order/test`, `openOrders`, `account`; `X-MBX-USED-WEIGHT-1M`,
//!   `X-MBX-ORDER-COUNT-*`, 429/418 with `Retry-After`.
//! * WebSocket API: the public methods above, `session.logon`/`status`/`logout` (Ed25519),
//!   `order.place`/`test`/`cancel`/`status`, `openOrders.status`, `account.status`,
//!   `userDataStream.subscribe`, `userDataStream.subscribe.signature`,
//!   `userDataStream.unsubscribe`, `session.subscriptions`; user data events
//!   `executionReport`, `outboundAccountPosition`, `balanceUpdate`, `eventStreamTerminated`.
//!
//! Not simulated: `timeUnit=MICROSECOND`, kline `timeZone` other than UTC, order lists,
//! stop and pegged orders, SOR, SBE, `listenKey` streams (removed from the documentation in
//! favour of the WebSocket API user data stream).
//!
//! ```
//! use futures::StreamExt;
//! use tradewire_mock::binance::BinanceSim;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let (server, sim) = BinanceSim::start().await?;
//! let url = format!("{}/stream?streams=btcusdt@trade/btcusdt@depth@100ms", server.url());
//! let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.unwrap();
//! let frame = ws.next().await.unwrap().unwrap();
//! let text = frame.to_text().unwrap();
//! assert!(text.starts_with(r#"{"stream":"btcusdt@"#));
//! assert!(!sim.book_top("BTCUSDT", 5).unwrap().bids.is_empty());
//! server.shutdown().await;
//! # std::io::Result::Ok(())
//! # }).unwrap();
//! ```

mod auth;
mod config;
mod error;
mod kline;
mod market;
mod rest;
mod state;
mod streams;
mod util;
mod wsapi;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, MissedTickBehavior};

pub use auth::hmac_signature;
pub use config::{AccountConfig, ApiKeyKind, DOC_API_KEY, DOC_SECRET_KEY, SimConfig, SymbolConfig};
pub use rust_decimal::Decimal;

use crate::{
    Behaviour, ConnCtx, ConnSender, Handler, HttpRequest, HttpResponse, MockFrame, MockServer,
};
use market::DEPTH_PERIODS_MS;
use rest::RestLimits;
use state::{Out, State};
use streams::{MarketConn, Route};
use util::{lock, now_ms};
use wsapi::ApiSession;

/// The best levels of a simulated order book, formatted exactly as on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookTop {
    /// Update id of the book (the `lastUpdateId` a snapshot taken now would carry).
    pub last_update_id: u64,
    /// Best bids first: (price, quantity).
    pub bids: Vec<(String, String)>,
    /// Best asks first: (price, quantity).
    pub asks: Vec<(String, String)>,
}

/// A free and a locked amount of one asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// Available.
    pub free: Decimal,
    /// Held by open orders.
    pub locked: Decimal,
}

/// What one WebSocket connection is.
#[derive(Debug)]
pub(crate) enum ConnKind {
    Market(MarketConn),
    Api(ApiSession),
}

/// A live WebSocket connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) sender: ConnSender,
    pub(crate) kind: ConnKind,
    /// Arrival times of recent incoming messages (market stream message limit).
    recent: VecDeque<Instant>,
    /// Dropping it stops the connection's ping/age timer task.
    _stop: oneshot::Sender<()>,
}

/// When the periodic stream pushes last ran.
#[derive(Debug)]
struct Timers {
    fast: Instant,
    slow: Instant,
    kline2: Instant,
}

/// Shared state of a [`BinanceSim`].
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: SimConfig,
    /// Lower-case symbols, as used in stream names.
    pub(crate) symbols_lower: Vec<String>,
    pub(crate) state: Mutex<State>,
    pub(crate) conns: Mutex<BTreeMap<usize, Conn>>,
    pub(crate) limits: Mutex<RestLimits>,
    paused: AtomicBool,
    started: AtomicBool,
    timers: Mutex<Timers>,
}

/// The Binance spot simulator: a [`Handler`] for [`MockServer`]. Cheap to clone (all clones
/// share one simulated exchange).
///
/// Paths: `/ws/<stream>`, `/ws`, `/stream?streams=a/b`, `/ws-api/v3`, and REST under
/// `/api/v3/` (plain HTTP on the same port).
#[derive(Debug, Clone)]
pub struct BinanceSim {
    inner: Arc<Inner>,
}

impl BinanceSim {
    /// A simulator for `config`. The market starts ticking on the first connection or HTTP
    /// request (or at once with [`BinanceSim::start`]); it stops when the last clone (and the
    /// server holding one) is dropped.
    pub fn new(config: SimConfig) -> Self {
        let now = now_ms();
        let state = State::new(&config, now);
        let instant = Instant::now();
        let symbols_lower = config
            .symbols
            .iter()
            .map(|s| s.symbol.to_ascii_lowercase())
            .collect();
        Self {
            inner: Arc::new(Inner {
                limits: Mutex::new(RestLimits::default()),
                config,
                symbols_lower,
                state: Mutex::new(state),
                conns: Mutex::new(BTreeMap::new()),
                paused: AtomicBool::new(false),
                started: AtomicBool::new(false),
                timers: Mutex::new(Timers {
                    fast: instant,
                    slow: instant,
                    kline2: instant,
                }),
            }),
        }
    }

    /// Starts a [`MockServer`] on an ephemeral 127.0.0.1 port with a default-configured
    /// simulator, market running.
    pub async fn start() -> std::io::Result<(MockServer, BinanceSim)> {
        Self::start_with(SimConfig::default()).await
    }

    /// Like [`BinanceSim::start`] with a configuration.
    pub async fn start_with(config: SimConfig) -> std::io::Result<(MockServer, BinanceSim)> {
        let sim = BinanceSim::new(config);
        let behaviour = Behaviour {
            echo: false,
            ..Behaviour::default()
        };
        let server = MockServer::start_with_handler(behaviour, sim.clone()).await?;
        sim.ensure_running();
        Ok((server, sim))
    }

    /// Spawns the market loop if it is not running yet (needs a tokio runtime).
    fn ensure_running(&self) {
        if !self.inner.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(market_loop(Arc::downgrade(&self.inner)));
        }
    }

    /// The best `n` levels of `symbol`'s book (`None` for an unknown symbol).
    pub fn book_top(&self, symbol: &str, n: usize) -> Option<BookTop> {
        let st = lock(&self.inner.state);
        let m = st.markets.get(st.market_index(symbol)?)?;
        let (bids, asks) = m.top_levels(n);
        Some(BookTop {
            last_update_id: m.update_id,
            bids,
            asks,
        })
    }

    /// The last traded price of `symbol` (or its start price), formatted as on the wire.
    pub fn last_price(&self, symbol: &str) -> Option<String> {
        let st = lock(&self.inner.state);
        let m = st.markets.get(st.market_index(symbol)?)?;
        Some(m.price_str(m.last_price))
    }

    /// An account's balance of `asset` (`None` for an unknown API key).
    pub fn balance(&self, api_key: &str, asset: &str) -> Option<Balance> {
        let st = lock(&self.inner.state);
        let acct = st.accounts.iter().find(|a| a.cfg.api_key == api_key)?;
        let (free, locked) = acct.balance(asset);
        Some(Balance { free, locked })
    }

    /// Credits `amount` (negative: debits) of `asset` to the account, as a deposit or
    /// withdrawal: pushes `balanceUpdate` and `outboundAccountPosition` to its user data
    /// streams. `false` for an unknown API key.
    pub fn deposit(&self, api_key: &str, asset: &str, amount: Decimal) -> bool {
        let asset = asset.to_ascii_uppercase();
        self.inner.with_state(|st| {
            let Some(idx) = st.accounts.iter().position(|a| a.cfg.api_key == api_key) else {
                return false;
            };
            st.deposit(idx, &asset, amount, now_ms())
        })
    }

    /// Live WebSocket connections (market streams and WebSocket API).
    pub fn connections(&self) -> usize {
        lock(&self.inner.conns).len()
    }

    /// Streams subscribed on every live market stream connection, in connection order.
    pub fn subscriptions(&self) -> Vec<Vec<String>> {
        lock(&self.inner.conns)
            .values()
            .filter_map(|c| match &c.kind {
                ConnKind::Market(m) => Some(m.subs.clone()),
                ConnKind::Api(_) => None,
            })
            .collect()
    }

    /// The `REQUEST_WEIGHT` used in the current minute.
    pub fn used_weight(&self) -> u32 {
        lock(&self.inner.limits).used_now(now_ms())
    }

    // -------------------------------------------------------------------------------------
    // Fault injection

    /// Drops every WebSocket connection abruptly (no close frame).
    pub fn drop_connections(&self) {
        for conn in lock(&self.inner.conns).values() {
            let _ = conn.sender.drop_connection();
        }
    }

    /// Closes every WebSocket connection with a close frame (code 1000), as the 24-hour cut
    /// does.
    pub fn force_disconnect_all(&self) {
        for conn in lock(&self.inner.conns).values() {
            conn.sender.close(1000, "");
        }
    }

    /// Sends the documented `serverShutdown` event to every connection, then closes it
    /// (web-socket-streams.md "Server Shutdown"; web-socket-api.md "Server Shutdown").
    pub fn server_shutdown(&self) {
        let now = now_ms();
        // web-socket-streams.md "Server Shutdown" — raw and combined payloads;
        // web-socket-api.md "Connection events" — `{"event":{..}}`.
        let event = util::Obj::new()
            .s("e", "serverShutdown")
            .n("E", now)
            .finish();
        for conn in lock(&self.inner.conns).values() {
            let frame = match &conn.kind {
                ConnKind::Market(m) => m.frame("!serverShutdown", &event),
                ConnKind::Api(_) => util::Obj::new().raw("event", &event).finish(),
            };
            conn.sender.send(MockFrame::Text(frame));
            conn.sender.close(1000, "");
        }
    }

    /// The next diff-depth event of `symbol` (both speeds) is never sent, so subscribers see
    /// `U` > previous `u` + 1. `false` for an unknown symbol.
    pub fn inject_depth_gap(&self, symbol: &str) -> bool {
        let mut st = lock(&self.inner.state);
        let Some(idx) = st.market_index(symbol) else {
            return false;
        };
        if let Some(m) = st.markets.get_mut(idx) {
            m.inject_gap();
        }
        true
    }

    /// Freezes every market: no trades, no book changes, no periodic pushes (pending diff
    /// events are still flushed once). Pings continue.
    pub fn pause_market(&self) {
        self.inner.paused.store(true, Ordering::SeqCst);
    }

    /// Undoes [`BinanceSim::pause_market`].
    pub fn resume_market(&self) {
        self.inner.paused.store(false, Ordering::SeqCst);
    }

    /// The next REST request is answered with `status` (429 or 418), a `Retry-After:
    /// retry_after_secs` header and the documented `-1003` body, whatever it asked.
    pub fn reject_next_rest(&self, status: u16, retry_after_secs: u64) {
        lock(&self.inner.limits).forced = Some((status, retry_after_secs));
    }
}

impl Inner {
    /// Runs `f` on the state, then sends the events it produced (in order, while still
    /// holding the state lock so concurrent producers cannot reorder them).
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut st = lock(&self.state);
        let result = f(&mut st);
        let out = std::mem::take(&mut st.out);
        self.dispatch(&out);
        result
    }

    /// Sends public events to subscribed market connections and user events to WebSocket
    /// API sessions subscribed to the account.
    fn dispatch(&self, out: &[Out]) {
        if out.is_empty() {
            return;
        }
        let conns = lock(&self.conns);
        for conn in conns.values() {
            match &conn.kind {
                ConnKind::Market(m) => {
                    for ev in out {
                        if let Out::Public(stream, payload) = ev {
                            if m.wants(stream) {
                                conn.sender.send(MockFrame::Text(m.frame(stream, payload)));
                            }
                        }
                    }
                }
                ConnKind::Api(session) => {
                    for ev in out {
                        if let Out::User(account, event) = ev {
                            for sub in session.subscriptions_for(*account) {
                                // web-socket-api.md "Event format":
                                // `{"subscriptionId":0,"event":{..}}`.
                                let frame = util::Obj::new()
                                    .n("subscriptionId", sub)
                                    .raw("event", event)
                                    .finish();
                                conn.sender.send(MockFrame::Text(frame));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every stream some connection listens to.
    fn wanted_streams(&self) -> BTreeSet<String> {
        lock(&self.conns)
            .values()
            .filter_map(|c| match &c.kind {
                ConnKind::Market(m) => Some(m.subs.iter().cloned()),
                ConnKind::Api(_) => None,
            })
            .flatten()
            .collect()
    }

    /// One iteration of the market loop.
    fn on_tick(&self) {
        let now = now_ms();
        let instant = Instant::now();
        let paused = self.paused.load(Ordering::SeqCst);
        let wanted = self.wanted_streams();
        let (fast, slow, kline2) = {
            let mut t = lock(&self.timers);
            let due = |last: &mut Instant, ms: u64| {
                if instant.duration_since(*last) >= Duration::from_millis(ms) {
                    *last = instant;
                    true
                } else {
                    false
                }
            };
            (
                due(&mut t.fast, DEPTH_PERIODS_MS[0]),
                due(&mut t.slow, DEPTH_PERIODS_MS[1]),
                due(&mut t.kline2, 2_000),
            )
        };
        self.with_state(|st| {
            for idx in 0..st.markets.len() {
                if !paused {
                    st.tick_market(idx, now);
                }
                let Some(m) = st.markets.get_mut(idx) else {
                    continue;
                };
                let closed = m.roll_klines(now);
                let mut out: Vec<(String, String)> = Vec::new();
                if !paused {
                    out.extend(closed);
                }
                let lower = m.lower.clone();
                for (i, due) in [(0, fast), (1, slow)] {
                    if !due {
                        continue;
                    }
                    // Pending diffs are flushed even while paused, so subscribers catch up.
                    if let Some(ev) = m.flush_depth(i, now) {
                        let name = if i == 0 {
                            format!("{lower}@depth@100ms")
                        } else {
                            format!("{lower}@depth")
                        };
                        out.push((name, ev));
                    }
                    if paused {
                        continue;
                    }
                    let suffix = if i == 0 { "@100ms" } else { "" };
                    for levels in [5usize, 10, 20] {
                        let name = format!("{lower}@depth{levels}{suffix}");
                        if wanted.contains(&name) {
                            out.push((name, m.depth_json(levels)));
                        }
                    }
                }
                if !paused && slow {
                    let name = format!("{lower}@ticker");
                    if wanted.contains(&name) {
                        out.push((name, m.ticker_json(now)));
                    }
                    let name = format!("{lower}@miniTicker");
                    if wanted.contains(&name) {
                        out.push((name, m.mini_ticker_json(now)));
                    }
                    out.extend(m.kline_updates(now, 1_000));
                }
                if !paused && kline2 {
                    out.extend(m.kline_updates(now, 2_000));
                }
                st.out.extend(
                    out.into_iter()
                        .map(|(name, payload)| Out::Public(name, payload)),
                );
            }
        });
    }

    /// Records an incoming message; `false` when the connection exceeded the message limit.
    fn note_incoming(&self, id: usize) -> bool {
        let mut conns = lock(&self.conns);
        let Some(conn) = conns.get_mut(&id) else {
            return true;
        };
        let now = Instant::now();
        conn.recent.push_back(now);
        while conn
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            conn.recent.pop_front();
        }
        conn.recent.len() <= self.config.max_incoming_per_second
    }
}

async fn market_loop(inner: Weak<Inner>) {
    let rate = inner.upgrade().map_or(20, |i| i.config.events_per_second());
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / u64::from(rate)));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        ticker.tick().await;
        let Some(inner) = inner.upgrade() else {
            break;
        };
        inner.on_tick();
    }
}

/// Pings the connection every `ping`, drops it when a ping stays unanswered for
/// `pong_timeout`, and closes it at `max_age`, until `stop` fires.
async fn conn_timers(
    sender: ConnSender,
    ping: Option<Duration>,
    pong_timeout: Option<Duration>,
    max_age: Option<Duration>,
    mut stop: oneshot::Receiver<()>,
) {
    let start = Instant::now();
    let mut pinger = ping.filter(|d| !d.is_zero()).map(|d| {
        let mut i = tokio::time::interval_at(start + d, d);
        i.set_missed_tick_behavior(MissedTickBehavior::Delay);
        i
    });
    let deadline = max_age.map(|a| start + a);
    // The oldest ping not answered yet, and the pongs counted when it was sent.
    let mut unanswered: Option<(Instant, usize)> = None;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = async {
                match pinger.as_mut() {
                    Some(p) => { p.tick().await; }
                    None => std::future::pending::<()>().await,
                }
            } => {
                // web-socket-streams.md "General WSS information": "The WebSocket server will
                // send a ping frame every 20 seconds. If the WebSocket server does not receive
                // a pong frame back from the connection within a minute the connection will
                // be disconnected."
                let now = Instant::now();
                let pongs = sender.pongs_received();
                match unanswered {
                    Some((since, counted)) if pongs == counted => {
                        if pong_timeout.is_some_and(|t| now.duration_since(since) >= t) {
                            tracing::debug!("binance sim: no pong, dropping the connection");
                            sender.drop_connection();
                            break;
                        }
                    }
                    _ => unanswered = Some((now, pongs)),
                }
                if !sender.ping(Vec::new()) {
                    break;
                }
            }
            _ = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending::<()>().await,
                }
            } => {
                // "A single connection to stream.binance.com is only valid for 24 hours;
                // expect to be disconnected at the 24 hour mark."
                sender.close(1000, "");
                break;
            }
        }
    }
}

impl Handler for BinanceSim {
    fn on_upgrade(&self, request: &HttpRequest) -> Result<(), HttpResponse> {
        match streams::route(&request.path) {
            None => Err(HttpResponse::not_found()),
            Some(Route::Api) => Ok(()),
            Some(Route::Streams { streams, .. }) => {
                let bad = streams
                    .iter()
                    .any(|s| !streams::valid_stream(s, &self.inner.symbols_lower));
                if bad || streams.len() > self.inner.config.max_streams_per_connection {
                    // Not documented: the simulator refuses upgrades naming unknown streams
                    // (or too many), so client bugs surface as connection errors.
                    Err(HttpResponse::json(
                        400,
                        r#"{"code":2,"msg":"Invalid request: invalid stream"}"#,
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    fn on_connect(&self, conn: &ConnCtx) -> Vec<MockFrame> {
        self.ensure_running();
        let kind = match streams::route(conn.path()) {
            Some(Route::Streams { streams, combined }) => {
                let mut subs: Vec<String> = Vec::new();
                for s in streams {
                    if !subs.contains(&s) {
                        subs.push(s);
                    }
                }
                ConnKind::Market(MarketConn { subs, combined })
            }
            _ => {
                // web-socket-api.md "IP limits": "Connecting to WebSocket API costs 2 weight."
                let _ = lock(&self.inner.limits).charge(&self.inner.config, 2, now_ms());
                ConnKind::Api(ApiSession::new(conn.path(), now_ms()))
            }
        };
        let (stop_tx, stop_rx) = oneshot::channel();
        tokio::spawn(conn_timers(
            conn.sender(),
            self.inner.config.ping_interval,
            self.inner.config.pong_timeout,
            self.inner.config.max_connection_age,
            stop_rx,
        ));
        lock(&self.inner.conns).insert(
            conn.id(),
            Conn {
                sender: conn.sender(),
                kind,
                recent: VecDeque::new(),
                _stop: stop_tx,
            },
        );
        Vec::new()
    }

    fn on_message(&self, conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
        let is_api = matches!(
            lock(&self.inner.conns).get(&conn.id()).map(|c| &c.kind),
            Some(ConnKind::Api(_))
        );
        let Some(text) = frame.as_text() else {
            return Vec::new();
        };
        if is_api {
            return wsapi::handle(&self.inner, conn.id(), text)
                .into_iter()
                .map(MockFrame::Text)
                .collect();
        }
        if !self.inner.note_incoming(conn.id()) {
            // web-socket-streams.md "WebSocket Limits": "A connection that goes beyond the
            // limit will be disconnected". Close code/reason as reported for live servers.
            conn.sender().close(1008, "Too many requests");
            return Vec::new();
        }
        let mut conns = lock(&self.inner.conns);
        let Some(Conn {
            kind: ConnKind::Market(market),
            ..
        }) = conns.get_mut(&conn.id())
        else {
            return Vec::new();
        };
        let reply = streams::handle_control(
            market,
            text,
            &self.inner.symbols_lower,
            self.inner.config.max_streams_per_connection,
            self.inner.config.wrap_stream_errors,
        );
        vec![MockFrame::Text(reply)]
    }

    fn on_disconnect(&self, conn: &ConnCtx) {
        lock(&self.inner.conns).remove(&conn.id());
    }

    fn on_http(&self, request: &HttpRequest) -> HttpResponse {
        self.ensure_running();
        rest::handle(&self.inner, request)
    }
}
