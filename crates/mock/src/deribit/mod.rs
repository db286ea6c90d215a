//! A Deribit API v2 simulator: JSON-RPC 2.0 over WebSocket at `/ws/api/v2` on 127.0.0.1,
//! with a deterministic (seeded) market, OAuth-style authentication, order matching against
//! the simulated books, subscriptions, heartbeats and fault injection.
//!
//! Every message follows the official documentation at <https://docs.deribit.com>; each
//! builder names its page. The simulator is an independent implementation of the venue side:
//! it does not use tradewire's Deribit client, so tests built on it catch mismatches.
//!
//! Served methods: `public/test`, `public/get_time`, `public/set_heartbeat`,
//! `public/disable_heartbeat`, `public/subscribe`, `public/unsubscribe`,
//! `public/unsubscribe_all`, `public/get_instruments`, `public/get_order_book`,
//! `public/ticker`, `public/get_last_trades_by_instrument`,
//! `public/get_tradingview_chart_data`, `public/auth` (`client_credentials`,
//! `client_signature`, `refresh_token`), `private/logout`, `private/subscribe`,
//! `private/unsubscribe`, `private/unsubscribe_all`, `private/buy`, `private/sell`
//! (`limit`/`market`), `private/edit`, `private/cancel`, `private/cancel_all`,
//! `private/cancel_all_by_instrument`, `private/cancel_all_by_currency`,
//! `private/get_open_orders_by_currency`, `private/get_open_orders_by_instrument`,
//! `private/get_order_state`, `private/get_positions`, `private/get_position`,
//! `private/get_account_summary`, `private/get_user_trades_by_instrument`.
//!
//! Channels: `book.{instrument}.{100ms|raw}`, `trades.{instrument}.{100ms|raw}`,
//! `ticker.{instrument}.{100ms|raw}`, `chart.trades.{instrument}.{resolution}`, and (private)
//! `user.orders.{instrument}.{raw|100ms}`, `user.trades.{instrument}.{raw|100ms}`,
//! `user.portfolio.{currency}`. `.raw` channels need an authenticated connection
//! (`13778 raw_subscriptions_not_available_for_unauthorized`, which fails the whole request).
//! Both intervals carry the same batches, one per market tick, so `100ms` equals `raw` at the
//! default 10 ticks per second.
//!
//! Error codes: unparsable JSON `-32700 "Parse error"`; JSON that is not a request object
//! (not an object, `jsonrpc` not `"2.0"`, `method` missing) `11050 "bad_request"`
//! ("Request has not been parsed properly"); frames over 32 kB `-32600 "request entity too
//! large"`; unknown method `-32601 "Method not found"`; missing or ill-typed parameters
//! `-32602 "Invalid params"` with `data: {"param", "reason"}`; invalid values (unknown
//! instrument or channel, bad amount) `11029 "invalid_arguments"`; private methods without a
//! valid token `13009 "unauthorized"`; `10009 "not_enough_funds"`; `10028
//! "too_many_requests"`; `13004 "invalid_credentials"`; `10004 "order_not_found"`; `10010
//! "already_closed"`; `10043 "price_wrong_tick"`.
//!
//! Not simulated: fees (always 0), trigger/stop orders, `time_in_force` other than
//! good-til-cancelled, the grouped `book.{instrument}.{group}.{depth}.{interval}` channel,
//! `user.changes.*`, REST transport, credit-based rate limits (a plain per-connection
//! requests-per-second limit instead), timestamp freshness of `client_signature`, the
//! `heartbeat`-type heartbeat message (only `test_request` is sent), settlement/expiry.
//! Candles (`public/get_tradingview_chart_data`, `chart.trades.*`): before the simulator was
//! created, a deterministic history (a function of the seed, the instrument, time and the
//! tick rate, which sizes its volumes like the live trades); from then on, one-minute bars
//! of the live trades (the last week of them). The live market starts from the history's
//! price at creation, so the two join.
//!
//! ```
//! use futures::{SinkExt, StreamExt};
//! use tokio_tungstenite::tungstenite::Message;
//! use tradewire_mock::deribit::DeribitSim;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let (server, sim) = DeribitSim::start().await?;
//! let url = format!("{}/ws/api/v2", server.url());
//! let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.unwrap();
//! ws.send(Message::text(r#"{"jsonrpc":"2.0","id":1,"method":"public/get_time","params":{}}"#))
//!     .await
//!     .unwrap();
//! let reply = ws.next().await.unwrap().unwrap();
//! assert!(reply.to_text().unwrap().contains(r#""id":1"#));
//! assert_eq!(sim.requests_received("public/get_time"), 1);
//! server.shutdown().await;
//! # std::io::Result::Ok(())
//! # }).unwrap();
//! ```

mod config;
mod market;
mod methods;
mod rpc;
mod state;
mod util;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub use config::{
    AccountConfig, DOC_CLIENT_ID, DOC_CLIENT_SECRET, DeribitConfig, InstrumentConfig,
    InstrumentKind, PERPETUAL_EXPIRY_MS, expiry_code, last_friday_after,
};
pub use rust_decimal::Decimal;

use crate::{
    Behaviour, ConnCtx, ConnSender, Handler, HttpRequest, HttpResponse, MockFrame, MockServer,
};
use state::{Out, State};
use util::{lock, now_ms, now_us};

/// The WebSocket path of the API (`wss://test.deribit.com/ws/api/v2`).
pub const WS_PATH: &str = "/ws/api/v2";

/// The best levels of a simulated book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookTop {
    /// `change_id` of the last change batch sent.
    pub change_id: u64,
    /// Best bids first: (price, amount).
    pub bids: Vec<(Decimal, Decimal)>,
    /// Best asks first: (price, amount).
    pub asks: Vec<(Decimal, Decimal)>,
}

/// An order of an account, as the simulator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderInfo {
    /// `order_id`.
    pub order_id: String,
    /// Instrument name.
    pub instrument_name: String,
    /// `buy` or `sell`.
    pub direction: String,
    /// `open`, `filled` or `cancelled`.
    pub order_state: String,
    /// Limit price (the last fill price for market orders).
    pub price: Decimal,
    /// Order amount.
    pub amount: Decimal,
    /// Filled amount.
    pub filled_amount: Decimal,
    /// Label.
    pub label: String,
}

/// A position of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionInfo {
    /// Signed size (positive long), USD for futures, base currency for options.
    pub size: Decimal,
    /// Average entry price.
    pub average_price: Decimal,
    /// Realized profit and loss, in the currency.
    pub realized_profit_loss: Decimal,
}

/// One live WebSocket connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) sender: ConnSender,
    pub(crate) subs: BTreeSet<String>,
    /// Access token obtained on this connection by public/auth.
    pub(crate) token: Option<String>,
    /// Heartbeat generation (bumped by set/disable so older timers stop).
    pub(crate) hb_gen: u64,
    /// A test_request was sent and no public/test has arrived since.
    pub(crate) hb_awaiting: bool,
    recent: VecDeque<Instant>,
}

/// Everything behind the one lock: exchange state plus connections.
#[derive(Debug)]
pub(crate) struct Sim {
    pub(crate) ex: State,
    pub(crate) conns: BTreeMap<usize, Conn>,
    requests: BTreeMap<String, usize>,
    delay_next: Option<Duration>,
}

impl Sim {
    /// Sends the pending events to subscribed connections.
    fn dispatch(&mut self) {
        let out = std::mem::take(&mut self.ex.out);
        if out.is_empty() {
            return;
        }
        for conn in self.conns.values() {
            let account = conn
                .token
                .as_ref()
                .and_then(|t| self.ex.access.get(t))
                .map(|t| t.account);
            for ev in &out {
                if conn.subs.contains(&ev.channel)
                    && (ev.account.is_none() || ev.account == account)
                {
                    conn.sender
                        .send(MockFrame::Text(rpc::notification(&ev.channel, &ev.data)));
                }
            }
        }
    }
}

/// Shared state of a [`DeribitSim`].
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: DeribitConfig,
    pub(crate) sim: Mutex<Sim>,
    paused: AtomicBool,
    started: AtomicBool,
}

/// The Deribit simulator: a [`Handler`] for [`MockServer`]. Cheap to clone (all clones share
/// one simulated exchange). WebSocket upgrades are accepted on [`WS_PATH`] only.
#[derive(Debug, Clone)]
pub struct DeribitSim {
    inner: Arc<Inner>,
}

impl DeribitSim {
    /// A simulator for `config`. The market starts ticking on the first connection (or at
    /// once with [`DeribitSim::start`]); it stops when the last clone is dropped.
    pub fn new(config: DeribitConfig) -> Self {
        let ex = State::new(&config, now_ms());
        Self {
            inner: Arc::new(Inner {
                config,
                sim: Mutex::new(Sim {
                    ex,
                    conns: BTreeMap::new(),
                    requests: BTreeMap::new(),
                    delay_next: None,
                }),
                paused: AtomicBool::new(false),
                started: AtomicBool::new(false),
            }),
        }
    }

    /// Starts a [`MockServer`] on an ephemeral 127.0.0.1 port with a default-configured
    /// simulator, market running. Connect to `format!("{}{}", server.url(), WS_PATH)`.
    pub async fn start() -> std::io::Result<(MockServer, DeribitSim)> {
        Self::start_with(DeribitConfig::default()).await
    }

    /// Like [`DeribitSim::start`] with a configuration.
    pub async fn start_with(config: DeribitConfig) -> std::io::Result<(MockServer, DeribitSim)> {
        let sim = DeribitSim::new(config);
        let behaviour = Behaviour {
            echo: false,
            ..Behaviour::default()
        };
        let server = MockServer::start_with_handler(behaviour, sim.clone()).await?;
        sim.ensure_running();
        Ok((server, sim))
    }

    fn ensure_running(&self) {
        if !self.inner.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(market_loop(Arc::downgrade(&self.inner)));
        }
    }

    // -------------------------------------------------------------------------------------
    // Inspection

    /// The best `n` levels of `instrument`'s book (`None` for an unknown instrument).
    pub fn book_top(&self, instrument: &str, n: usize) -> Option<BookTop> {
        let sim = lock(&self.inner.sim);
        let m = sim.ex.markets.get(sim.ex.market_index(instrument)?)?;
        Some(BookTop {
            change_id: m.change_id,
            bids: m.levels(true, n),
            asks: m.levels(false, n),
        })
    }

    /// Orders of the account with `client_id` (all states, oldest first).
    pub fn orders(&self, client_id: &str) -> Vec<OrderInfo> {
        let sim = lock(&self.inner.sim);
        let Some(account) = sim
            .ex
            .accounts
            .iter()
            .position(|a| a.cfg.client_id == client_id)
        else {
            return Vec::new();
        };
        let mut orders: Vec<&state::Order> = sim
            .ex
            .orders
            .values()
            .filter(|o| o.account == account)
            .collect();
        orders.sort_by_key(|o| (o.created, o.id.len(), o.id.clone()));
        orders
            .into_iter()
            .map(|o| {
                let j = sim.ex.order_json(o);
                OrderInfo {
                    order_id: o.id.clone(),
                    instrument_name: j["instrument_name"].as_str().unwrap_or_default().into(),
                    direction: j["direction"].as_str().unwrap_or_default().into(),
                    order_state: j["order_state"].as_str().unwrap_or_default().into(),
                    price: o.price,
                    amount: o.amount,
                    filled_amount: o.filled,
                    label: o.label.clone(),
                }
            })
            .collect()
    }

    /// The account's position in `instrument` (zero when it has none; `None` for an unknown
    /// account or instrument).
    pub fn position(&self, client_id: &str, instrument: &str) -> Option<PositionInfo> {
        let sim = lock(&self.inner.sim);
        let inst = sim.ex.market_index(instrument)?;
        let acct = sim
            .ex
            .accounts
            .iter()
            .find(|a| a.cfg.client_id == client_id)?;
        let p = acct.positions.get(&inst).copied().unwrap_or_default();
        Some(PositionInfo {
            size: p.size,
            average_price: p.avg,
            realized_profit_loss: p.realized,
        })
    }

    /// The account's balance of `currency`.
    pub fn balance(&self, client_id: &str, currency: &str) -> Option<Decimal> {
        let sim = lock(&self.inner.sim);
        let acct = sim
            .ex
            .accounts
            .iter()
            .find(|a| a.cfg.client_id == client_id)?;
        Some(
            acct.balances
                .get(&currency.to_ascii_uppercase())
                .copied()
                .unwrap_or_default(),
        )
    }

    /// How many requests named `method` arrived (answered or refused).
    pub fn requests_received(&self, method: &str) -> usize {
        lock(&self.inner.sim)
            .requests
            .get(method)
            .copied()
            .unwrap_or(0)
    }

    /// Live WebSocket connections.
    pub fn connections(&self) -> usize {
        lock(&self.inner.sim).conns.len()
    }

    /// Channels subscribed on every live connection, in connection order.
    pub fn subscriptions(&self) -> Vec<Vec<String>> {
        lock(&self.inner.sim)
            .conns
            .values()
            .map(|c| c.subs.iter().cloned().collect())
            .collect()
    }

    // -------------------------------------------------------------------------------------
    // Fault injection

    /// Drops every WebSocket connection abruptly (no close frame); requests in flight are
    /// never answered.
    pub fn drop_connections(&self) {
        for conn in lock(&self.inner.sim).conns.values() {
            let _ = conn.sender.drop_connection();
        }
    }

    /// The next book change batch of `instrument` carries a `prev_change_id` that is not the
    /// previous `change_id` (one batch is "lost"). `false` for an unknown instrument.
    pub fn skip_change_id(&self, instrument: &str) -> bool {
        let mut sim = lock(&self.inner.sim);
        let Some(idx) = sim.ex.market_index(instrument) else {
            return false;
        };
        if let Some(m) = sim.ex.markets.get_mut(idx) {
            m.skip_next = true;
        }
        true
    }

    /// The response to the next request (on any connection) is sent after `delay`.
    /// Notifications are not delayed, so they may overtake it.
    pub fn delay_next_response(&self, delay: Duration) {
        lock(&self.inner.sim).delay_next = Some(delay);
    }

    /// Freezes every market: no book changes, trades or ticker pushes. Orders still match
    /// against the frozen books.
    pub fn pause_market(&self) {
        self.inner.paused.store(true, Ordering::SeqCst);
    }

    /// Undoes [`DeribitSim::pause_market`].
    pub fn resume_market(&self) {
        self.inner.paused.store(false, Ordering::SeqCst);
    }

    /// Runs one market tick now (whether paused or not), e.g. to make resting orders cross
    /// in a deterministic test.
    pub fn tick_market(&self) {
        self.inner.on_tick(true);
    }
}

impl Inner {
    /// One market tick: move markets, flush book batches, push trades, tickers, candles.
    fn on_tick(&self, force: bool) {
        if !force && self.paused.load(Ordering::SeqCst) {
            return;
        }
        let now = now_ms();
        let mut sim = lock(&self.sim);
        let wanted: BTreeSet<String> = sim
            .conns
            .values()
            .flat_map(|c| c.subs.iter().cloned())
            .collect();
        sim.ex.tick(now);
        let mut out = Vec::new();
        for m in &mut sim.ex.markets {
            let name = m.cfg.name.clone();
            if let Some(data) = m.flush_changes(now) {
                for interval in ["100ms", "raw"] {
                    out.push(Out {
                        account: None,
                        channel: format!("book.{name}.{interval}"),
                        data: data.clone(),
                    });
                }
            }
            let fresh = std::mem::take(&mut m.fresh_trades);
            if !fresh.is_empty() {
                // trades.{instrument_name}.{interval}: data is an array of trades.
                let data: Vec<serde_json::Value> = fresh.iter().map(|t| m.trade_json(t)).collect();
                for interval in ["100ms", "raw"] {
                    out.push(Out {
                        account: None,
                        channel: format!("trades.{name}.{interval}"),
                        data: serde_json::Value::Array(data.clone()),
                    });
                }
                for (res, ms) in methods::RESOLUTIONS {
                    let channel = format!("chart.trades.{name}.{res}");
                    if wanted.contains(&channel) {
                        out.push(Out {
                            account: None,
                            channel,
                            data: m.live_candle(*ms, now),
                        });
                    }
                }
            }
            for interval in ["100ms", "raw"] {
                let channel = format!("ticker.{name}.{interval}");
                if wanted.contains(&channel) {
                    out.push(Out {
                        account: None,
                        channel,
                        data: m.ticker(now),
                    });
                }
            }
        }
        sim.ex.out.extend(out);
        sim.dispatch();
    }

    /// Records an incoming request; `false` when the connection exceeded its rate.
    fn note_request(&self, sim: &mut Sim, id: usize) -> bool {
        let Some(conn) = sim.conns.get_mut(&id) else {
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
        conn.recent.len() <= self.config.max_requests_per_second
    }
}

async fn market_loop(inner: Weak<Inner>) {
    let rate = inner.upgrade().map_or(10, |i| i.config.steps_per_second());
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / u64::from(rate)));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        ticker.tick().await;
        let Some(inner) = inner.upgrade() else {
            break;
        };
        inner.on_tick(false);
    }
}

/// Sends a test_request every `interval`; closes the connection when the previous one got
/// no `public/test` (public/set_heartbeat: "If your software fails to do so, the API server
/// will immediately close the connection").
async fn heartbeat_loop(inner: Weak<Inner>, conn: usize, generation: u64, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        let Some(inner) = inner.upgrade() else {
            break;
        };
        let mut sim = lock(&inner.sim);
        let Some(c) = sim.conns.get_mut(&conn) else {
            break;
        };
        if c.hb_gen != generation {
            break;
        }
        if c.hb_awaiting {
            c.sender.close(1000, "heartbeat timeout");
            break;
        }
        c.hb_awaiting = true;
        c.sender.send(MockFrame::Text(rpc::test_request()));
    }
}

impl Handler for DeribitSim {
    fn on_upgrade(&self, request: &HttpRequest) -> Result<(), HttpResponse> {
        if request.path.split('?').next() == Some(WS_PATH) {
            Ok(())
        } else {
            Err(HttpResponse::not_found())
        }
    }

    fn on_connect(&self, conn: &ConnCtx) -> Vec<MockFrame> {
        self.ensure_running();
        lock(&self.inner.sim).conns.insert(
            conn.id(),
            Conn {
                sender: conn.sender(),
                subs: BTreeSet::new(),
                token: None,
                hb_gen: 0,
                hb_awaiting: false,
                recent: VecDeque::new(),
            },
        );
        Vec::new()
    }

    fn on_message(&self, conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
        let us_in = now_us();
        let text = match frame {
            MockFrame::Text(t) => t.clone(),
            MockFrame::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        };
        let mut sim = lock(&self.inner.sim);
        let within_rate = self.inner.note_request(&mut sim, conn.id());
        let reply = methods::handle(&self.inner, &mut sim, conn.id(), &text, within_rate, us_in);
        let Some(c) = sim.conns.get(&conn.id()) else {
            return Vec::new();
        };
        let sender = c.sender.clone();
        let mut frames = Vec::with_capacity(1 + reply.extras.len());
        if let Some(r) = reply.response {
            frames.push(r);
        }
        frames.extend(reply.extras);
        match sim.delay_next.take() {
            Some(delay) => {
                let close = reply.close;
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    for f in frames {
                        sender.send(MockFrame::Text(f));
                    }
                    if close {
                        sender.close(1000, "");
                    }
                });
            }
            None => {
                for f in frames {
                    sender.send(MockFrame::Text(f));
                }
                if reply.close {
                    sender.close(1000, "");
                }
            }
        }
        if let Some((generation, interval)) = reply.heartbeat {
            tokio::spawn(heartbeat_loop(
                Arc::downgrade(&self.inner),
                conn.id(),
                generation,
                interval,
            ));
        }
        sim.dispatch();
        Vec::new()
    }

    fn on_disconnect(&self, conn: &ConnCtx) {
        lock(&self.inner.sim).conns.remove(&conn.id());
    }
}
