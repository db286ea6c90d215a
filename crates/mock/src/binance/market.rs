//! One symbol's simulated market: the order book (market maker liquidity plus resting user
//! orders), the matching of taker flow, trades, klines, 24h statistics, and the payloads of
//! every public stream.

use std::collections::{BTreeMap, VecDeque};

use rust_decimal::Decimal;

use super::config::SymbolConfig;
use super::kline::{Candle, Flow, History, Interval};
use super::util::{Obj, Rng, arr, floor_units, fmt_dp, fmt8, hash_str, levels_json, mix, scaled};

/// Trades kept for `GET /api/v3/trades`.
const RECENT_TRADES: usize = 1_000;
/// Closed candles kept per interval for `GET /api/v3/klines` over the live period.
const CLOSED_CANDLES: usize = 1_000;
/// Best bid and best ask: (price ticks, quantity steps).
type Top = (Option<(i64, i64)>, Option<(i64, i64)>);
/// Bids and asks as (price, quantity) strings.
pub(crate) type Levels = (Vec<(String, String)>, Vec<(String, String)>);
/// Diff-depth aggregation windows: `@depth@100ms` and `@depth` (1000 ms).
pub(crate) const DEPTH_PERIODS_MS: [u64; 2] = [100, 1_000];
/// Percent of market events that move the fair price (with a taker trade at the touch).
const MOVE_PERCENT: i64 = 35;
/// Percent of market events that are a taker trade at the touch, the fair price staying.
const TRADE_PERCENT: i64 = 30;
/// Grid points per axis of [`expected_flow`]'s integral.
const N: usize = 64;

/// The average taker flow [`Market::tick`] produces per minute at `tick_rate` events per
/// second: a taker trade in `MOVE_PERCENT + TRADE_PERCENT` % of the events, each of a
/// quantity uniform in `taker_qty` but at most the touch level (uniform in `level_qty`).
/// The price history is sized after it.
pub(crate) fn expected_flow(cfg: &SymbolConfig, tick_rate: u32) -> Flow {
    let step = cfg.step_size;
    let units = |(lo, hi): (Decimal, Decimal)| {
        let lo = floor_units(lo, step).max(1);
        (lo as f64, floor_units(hi, step).max(lo) as f64)
    };
    let (t_lo, t_hi) = units(cfg.taker_qty);
    let (l_lo, l_hi) = units(cfg.level_qty);
    // E[min(T, L)] for independent uniform T and L, by the midpoint rule on a grid.
    let at = |lo: f64, hi: f64, i: usize| lo + (hi - lo) * (i as f64 + 0.5) / N as f64;
    let mut sum = 0.0;
    for i in 0..N {
        for j in 0..N {
            sum += at(t_lo, t_hi, i).min(at(l_lo, l_hi, j));
        }
    }
    let mean_steps = sum / (N * N) as f64;
    let step_f = step.to_string().parse::<f64>().unwrap_or(0.0);
    let trades_per_min =
        f64::from(tick_rate) * 60.0 * (MOVE_PERCENT + TRADE_PERCENT) as f64 / 100.0;
    Flow {
        volume_per_min: trades_per_min * mean_steps * step_f,
        trades_per_min,
    }
}

/// Order side (also the side of a taker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Side {
    Buy,
    Sell,
}

impl Side {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Side> {
        match s {
            "BUY" => Some(Side::Buy),
            "SELL" => Some(Side::Sell),
            _ => None,
        }
    }
}

/// One execution against the book.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fill {
    pub(crate) trade_id: i64,
    /// Price in ticks.
    pub(crate) price: i64,
    /// Quantity in steps.
    pub(crate) qty: i64,
    /// The resting user order that was the maker, if any (otherwise the market maker).
    pub(crate) maker_order: Option<u64>,
}

#[derive(Debug, Clone)]
struct TradeRec {
    id: i64,
    price: i64,
    qty: i64,
    time: i64,
    buyer_is_maker: bool,
}

/// Changes to the book since the last diff event of one stream speed.
#[derive(Debug, Clone, Default)]
struct DepthAgg {
    /// (is_bid, price) → quantity after the last change.
    pending: BTreeMap<(bool, i64), i64>,
    first_id: Option<u64>,
    last_id: u64,
    /// `inject_depth_gap`: swallow the next non-empty event.
    skip_next: bool,
}

/// 24h rolling statistics (here: since the simulator started).
#[derive(Debug, Clone)]
struct Stats {
    open: i64,
    high: i64,
    low: i64,
    last_qty: i64,
    volume: Decimal,
    quote_volume: Decimal,
    first_id: i64,
    last_id: i64,
    count: i64,
}

/// A symbol's market.
#[derive(Debug)]
pub(crate) struct Market {
    pub(crate) cfg: SymbolConfig,
    /// Lower-case symbol, as in stream names.
    pub(crate) lower: String,
    pub(crate) tick: Decimal,
    pub(crate) step: Decimal,
    rng: Rng,
    levels: usize,
    level_qty: (i64, i64),
    taker_qty: (i64, i64),
    /// Price (ticks) → total quantity (steps), market maker and user orders together.
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    /// Resting user orders per (is_bid, price): FIFO of (order id, remaining steps).
    resting: BTreeMap<(bool, i64), VecDeque<(u64, i64)>>,
    pub(crate) update_id: u64,
    depth: [DepthAgg; 2],
    trade_id: i64,
    agg_id: i64,
    pub(crate) last_price: i64,
    /// The fair price (ticks) the market maker quotes around; it walks randomly.
    fair: i64,
    /// Largest step of one fair price move, in ticks.
    max_move: i64,
    recent: VecDeque<TradeRec>,
    stats: Stats,
    pub(crate) history: History,
    /// Current candle per interval (index = `Interval::index`) and whether it has no trade yet.
    candles: Vec<(Candle, bool)>,
    closed: Vec<VecDeque<Candle>>,
    /// Public events produced since the last drain: (stream name, payload).
    events: Vec<(String, String)>,
    top: Top,
}

impl Market {
    /// The market of `cfg` at `now`, starting from the price history's value at `now`;
    /// `tick_rate` (events per second) sizes the history's volumes.
    pub(crate) fn new(
        cfg: SymbolConfig,
        seed: u64,
        levels: usize,
        now: i64,
        tick_rate: u32,
    ) -> Self {
        let tick = cfg.tick_size;
        let step = cfg.step_size;
        let flow = expected_flow(&cfg, tick_rate);
        let history = History::new(seed, &cfg.symbol, cfg.initial_price, tick, step, flow);
        let p0 = history.price_ticks(now).max(levels as i64 + 2);
        let level_qty = (
            floor_units(cfg.level_qty.0, step).max(1),
            floor_units(cfg.level_qty.1, step).max(1),
        );
        let taker_qty = (
            floor_units(cfg.taker_qty.0, step).max(1),
            floor_units(cfg.taker_qty.1, step).max(1),
        );
        let cfg_max_move = cfg.max_move_ticks.max(1);
        let candles = Interval::ALL
            .iter()
            .map(|&i| {
                let open = i.open_of(now);
                let o = history.price_ticks(open);
                let mut candle = Candle::flat(i, open, o);
                candle.h = o.max(p0);
                candle.l = o.min(p0);
                candle.c = p0;
                (candle, false)
            })
            .collect();
        let mut market = Self {
            lower: cfg.symbol.to_ascii_lowercase(),
            rng: Rng::new(mix(seed ^ hash_str(&cfg.symbol) ^ 0x5EED)),
            cfg,
            tick,
            step,
            levels: levels.max(1),
            level_qty,
            taker_qty,
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            resting: BTreeMap::new(),
            update_id: 1_000,
            depth: [DepthAgg::default(), DepthAgg::default()],
            trade_id: 0,
            agg_id: 0,
            last_price: p0,
            fair: p0,
            max_move: cfg_max_move,
            recent: VecDeque::new(),
            stats: Stats {
                open: p0,
                high: p0,
                low: p0,
                last_qty: 0,
                volume: Decimal::ZERO,
                quote_volume: Decimal::ZERO,
                first_id: -1,
                last_id: -1,
                count: 0,
            },
            history,
            candles,
            closed: (0..Interval::ALL.len()).map(|_| VecDeque::new()).collect(),
            events: Vec::new(),
            top: (None, None),
        };
        for i in 1..=market.levels as i64 {
            let q = market.rng.range(market.level_qty.0, market.level_qty.1);
            market.bids.insert(p0 - i, q);
            let q = market.rng.range(market.level_qty.0, market.level_qty.1);
            market.asks.insert(p0 + i, q);
        }
        market.depth[0].last_id = market.update_id;
        market.depth[1].last_id = market.update_id;
        market.top = market.top_of_book();
        market
    }

    pub(crate) fn price_str(&self, ticks: i64) -> String {
        fmt8(scaled(ticks, self.tick))
    }

    pub(crate) fn qty_str(&self, steps: i64) -> String {
        fmt8(scaled(steps, self.step))
    }

    pub(crate) fn price(&self, ticks: i64) -> Decimal {
        scaled(ticks, self.tick)
    }

    pub(crate) fn qty(&self, steps: i64) -> Decimal {
        scaled(steps, self.step)
    }

    pub(crate) fn best_bid(&self) -> Option<(i64, i64)> {
        self.bids.iter().next_back().map(|(p, q)| (*p, *q))
    }

    pub(crate) fn best_ask(&self) -> Option<(i64, i64)> {
        self.asks.iter().next().map(|(p, q)| (*p, *q))
    }

    fn top_of_book(&self) -> Top {
        (self.best_bid(), self.best_ask())
    }

    /// Drains the public events produced so far.
    pub(crate) fn take_events(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.events)
    }

    fn side_map(&mut self, is_bid: bool) -> &mut BTreeMap<i64, i64> {
        if is_bid {
            &mut self.bids
        } else {
            &mut self.asks
        }
    }

    fn level(&self, is_bid: bool, price: i64) -> i64 {
        let map = if is_bid { &self.bids } else { &self.asks };
        map.get(&price).copied().unwrap_or(0)
    }

    fn user_qty(&self, is_bid: bool, price: i64) -> i64 {
        self.resting
            .get(&(is_bid, price))
            .map_or(0, |q| q.iter().map(|(_, r)| *r).sum())
    }

    /// Sets a level's total quantity (0 removes it); every change gets the next update id.
    fn set_level(&mut self, is_bid: bool, price: i64, qty: i64) {
        if self.level(is_bid, price) == qty && qty != 0 {
            return;
        }
        let map = self.side_map(is_bid);
        let existed = if qty <= 0 {
            map.remove(&price).is_some()
        } else {
            map.insert(price, qty);
            true
        };
        if !existed {
            return;
        }
        self.update_id += 1;
        let id = self.update_id;
        for agg in &mut self.depth {
            agg.pending.insert((is_bid, price), qty.max(0));
            agg.first_id.get_or_insert(id);
        }
    }

    /// Emits a `bookTicker` event if the best bid or ask changed.
    fn check_top(&mut self, now: i64) {
        let top = self.top_of_book();
        if top != self.top {
            self.top = top;
            let payload = self.book_ticker_json(now);
            self.events
                .push((format!("{}@bookTicker", self.lower), payload));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Matching

    /// What a taker would get: (steps filled, exact quote amount), without changing anything.
    pub(crate) fn dry_run(
        &self,
        taker: Side,
        limit: Option<i64>,
        max_qty: Option<i64>,
        max_quote: Option<Decimal>,
    ) -> (i64, Decimal) {
        let mut filled = 0;
        let mut quote = Decimal::ZERO;
        let levels: Box<dyn Iterator<Item = (&i64, &i64)>> = match taker {
            Side::Buy => Box::new(self.asks.iter()),
            Side::Sell => Box::new(self.bids.iter().rev()),
        };
        for (&price, &avail) in levels {
            if !crosses(taker, price, limit) {
                break;
            }
            let want = self.take_size(price, avail, filled, quote, max_qty, max_quote);
            if want <= 0 {
                break;
            }
            filled += want;
            quote += self.price(price) * self.qty(want);
        }
        (filled, quote)
    }

    /// How much to take at one level given the remaining quantity or quote budget.
    fn take_size(
        &self,
        price: i64,
        avail: i64,
        filled: i64,
        quote: Decimal,
        max_qty: Option<i64>,
        max_quote: Option<Decimal>,
    ) -> i64 {
        let mut want = avail;
        if let Some(max) = max_qty {
            want = want.min(max - filled);
        }
        if let Some(budget) = max_quote {
            let unit = self.price(price) * self.step;
            let affordable = if unit.is_zero() {
                0
            } else {
                floor_units(budget - quote, unit)
            };
            want = want.min(affordable);
        }
        want
    }

    /// Executes a taker against the book (best price first, market maker liquidity ahead of
    /// user orders at a level, user orders FIFO). Emits trade/aggTrade/bookTicker events and
    /// depth changes.
    pub(crate) fn take(
        &mut self,
        taker: Side,
        limit: Option<i64>,
        max_qty: Option<i64>,
        max_quote: Option<Decimal>,
        now: i64,
    ) -> Vec<Fill> {
        let mut fills = Vec::new();
        let mut filled = 0;
        let mut quote = Decimal::ZERO;
        let maker_is_bid = taker == Side::Sell;
        loop {
            let best = match taker {
                Side::Buy => self.best_ask(),
                Side::Sell => self.best_bid(),
            };
            let Some((price, avail)) = best else { break };
            if !crosses(taker, price, limit) {
                break;
            }
            let want = self.take_size(price, avail, filled, quote, max_qty, max_quote);
            if want <= 0 {
                break;
            }
            let user = self.user_qty(maker_is_bid, price);
            let from_mm = want.min(avail - user).max(0);
            let first_trade = self.trade_id + 1;
            let mut level_fills = Vec::new();
            if from_mm > 0 {
                level_fills.push((from_mm, None));
            }
            let mut rest = want - from_mm;
            if let Some(queue) = self.resting.get_mut(&(maker_is_bid, price)) {
                while rest > 0 {
                    let Some(front) = queue.front_mut() else {
                        break;
                    };
                    let q = rest.min(front.1);
                    front.1 -= q;
                    rest -= q;
                    level_fills.push((q, Some(front.0)));
                    if front.1 == 0 {
                        queue.pop_front();
                    }
                }
                if queue.is_empty() {
                    self.resting.remove(&(maker_is_bid, price));
                }
            }
            let taken: i64 = level_fills.iter().map(|(q, _)| *q).sum();
            if taken == 0 {
                break;
            }
            for (q, maker_order) in level_fills {
                let id = self.record_trade(price, q, taker == Side::Sell, now);
                fills.push(Fill {
                    trade_id: id,
                    price,
                    qty: q,
                    maker_order,
                });
            }
            self.agg_id += 1;
            // web-socket-streams.md "Aggregate Trade Streams" — Payload.
            let agg = Obj::new()
                .s("e", "aggTrade")
                .n("E", now)
                .s("s", &self.cfg.symbol)
                .n("a", self.agg_id)
                .s("p", &self.price_str(price))
                .s("q", &self.qty_str(taken))
                .n("f", first_trade)
                .n("l", self.trade_id)
                .n("T", now)
                .b("m", taker == Side::Sell)
                .b("M", true)
                .finish();
            self.events.push((format!("{}@aggTrade", self.lower), agg));
            self.set_level(maker_is_bid, price, avail - taken);
            filled += taken;
            quote += self.price(price) * self.qty(taken);
        }
        self.check_top(now);
        fills
    }

    fn record_trade(&mut self, price: i64, qty: i64, buyer_is_maker: bool, now: i64) -> i64 {
        self.trade_id += 1;
        let id = self.trade_id;
        self.last_price = price;
        // web-socket-streams.md "Trade Streams" — Payload.
        let trade = Obj::new()
            .s("e", "trade")
            .n("E", now)
            .s("s", &self.cfg.symbol)
            .n("t", id)
            .s("p", &self.price_str(price))
            .s("q", &self.qty_str(qty))
            .n("T", now)
            .b("m", buyer_is_maker)
            .b("M", true)
            .finish();
        self.events.push((format!("{}@trade", self.lower), trade));
        self.recent.push_back(TradeRec {
            id,
            price,
            qty,
            time: now,
            buyer_is_maker,
        });
        while self.recent.len() > RECENT_TRADES {
            self.recent.pop_front();
        }
        let q = self.qty(qty);
        let quote = self.price(price) * q;
        for (candle, pristine) in &mut self.candles {
            if *pristine {
                candle.o = price;
                candle.h = price;
                candle.l = price;
                *pristine = false;
            }
            candle.add_trade(id, price, q, quote, !buyer_is_maker);
        }
        let s = &mut self.stats;
        s.high = s.high.max(price);
        s.low = s.low.min(price);
        s.last_qty = qty;
        s.volume += q;
        s.quote_volume += quote;
        if s.first_id < 0 {
            s.first_id = id;
        }
        s.last_id = id;
        s.count += 1;
        id
    }

    /// Puts a user order on the book.
    pub(crate) fn add_resting(
        &mut self,
        order_id: u64,
        side: Side,
        price: i64,
        qty: i64,
        now: i64,
    ) {
        let is_bid = side == Side::Buy;
        self.resting
            .entry((is_bid, price))
            .or_default()
            .push_back((order_id, qty));
        let total = self.level(is_bid, price) + qty;
        self.set_level(is_bid, price, total);
        self.check_top(now);
    }

    /// Takes a user order off the book; returns its remaining quantity.
    pub(crate) fn remove_resting(
        &mut self,
        order_id: u64,
        side: Side,
        price: i64,
        now: i64,
    ) -> i64 {
        let is_bid = side == Side::Buy;
        let mut removed = 0;
        if let Some(queue) = self.resting.get_mut(&(is_bid, price)) {
            queue.retain(|(id, rem)| {
                if *id == order_id {
                    removed += rem;
                    false
                } else {
                    true
                }
            });
            if queue.is_empty() {
                self.resting.remove(&(is_bid, price));
            }
        }
        if removed > 0 {
            let total = self.level(is_bid, price) - removed;
            self.set_level(is_bid, price, total);
            self.check_top(now);
        }
        removed
    }

    // ---------------------------------------------------------------------------------------
    // The simulated market

    /// One market event, then the market maker re-quotes around the fair price:
    ///
    /// * 35 %: the fair price walks 1..=`max_move_ticks` ticks up or down. A taker trade hits
    ///   the touch in that direction, the market maker pulls the quotes the new fair price
    ///   crosses, and resting user orders there are traded through (filled).
    /// * 30 %: a taker trade at the touch (best level only), the fair price stays.
    /// * 35 %: the market maker changes the size of one of its 10 best levels on a side.
    ///
    /// The market maker keeps `levels` contiguous price levels per side: bids from
    /// `fair - 1` down, asks from `fair + 1` up (never crossing resting user orders).
    pub(crate) fn tick(&mut self, now: i64) -> Vec<Fill> {
        let roll = self.rng.range(0, 99);
        let mut fills = Vec::new();
        if roll < MOVE_PERCENT {
            let step = self.rng.range(1, self.max_move.max(1));
            let up = self.rng.chance(50);
            let taker = if up { Side::Buy } else { Side::Sell };
            self.fair = if up {
                self.fair + step
            } else {
                (self.fair - step).max(self.levels as i64 + 2)
            };
            let qty = self.rng.range(self.taker_qty.0, self.taker_qty.1);
            let touch = self.touch(taker);
            fills.extend(self.take(taker, touch, Some(qty), None, now));
            // Pull market maker quotes the fair price crossed; trade through user orders.
            let crossed: Vec<i64> = if up {
                self.asks.range(..=self.fair).map(|(p, _)| *p).collect()
            } else {
                self.bids.range(self.fair..).map(|(p, _)| *p).collect()
            };
            let is_bid = !up;
            for price in crossed {
                let user = self.user_qty(is_bid, price);
                self.set_level(is_bid, price, user);
            }
            fills.extend(self.take(taker, Some(self.fair), None, None, now));
        } else if roll < MOVE_PERCENT + TRADE_PERCENT {
            let taker = if self.rng.chance(50) {
                Side::Buy
            } else {
                Side::Sell
            };
            let qty = self.rng.range(self.taker_qty.0, self.taker_qty.1);
            let touch = self.touch(taker);
            fills = self.take(taker, touch, Some(qty), None, now);
        } else {
            self.resize_random_level();
        }
        self.refill();
        self.check_top(now);
        fills
    }

    /// The best opposite price for a taker (limit that takes the best level only).
    fn touch(&self, taker: Side) -> Option<i64> {
        match taker {
            Side::Buy => self.best_ask().map(|(p, _)| p),
            Side::Sell => self.best_bid().map(|(p, _)| p),
        }
    }

    fn resize_random_level(&mut self) {
        let is_bid = self.rng.chance(50);
        let depth = if is_bid {
            self.bids.len()
        } else {
            self.asks.len()
        };
        if depth == 0 {
            return;
        }
        let nth = usize::try_from(self.rng.range(0, depth.min(10) as i64 - 1)).unwrap_or(0);
        let price = if is_bid {
            self.bids.keys().rev().nth(nth).copied()
        } else {
            self.asks.keys().nth(nth).copied()
        };
        if let Some(price) = price {
            let user = self.user_qty(is_bid, price);
            // Only the market maker's own levels (pure user levels stay as they are).
            if self.level(is_bid, price) > user {
                let mm = self.rng.range(self.level_qty.0, self.level_qty.1);
                self.set_level(is_bid, price, mm + user);
            }
        }
    }

    /// Re-quotes the market maker's `levels` contiguous levels per side around the fair
    /// price and removes its liquidity outside them.
    fn refill(&mut self) {
        let n = self.levels as i64;
        let best_user_ask = self.best_ask().map(|(p, _)| p);
        let bid_top = best_user_ask.map_or(self.fair - 1, |a| (self.fair - 1).min(a - 1));
        let best_bid = self.best_bid().map(|(p, _)| p);
        let ask_bottom = best_bid.map_or(self.fair + 1, |b| (self.fair + 1).max(b + 1));
        for (is_bid, lo, hi) in [
            (true, (bid_top - n + 1).max(1), bid_top),
            (false, ask_bottom, ask_bottom + n - 1),
        ] {
            // Outside the window: no market maker liquidity.
            let outside: Vec<i64> = {
                let map = if is_bid { &self.bids } else { &self.asks };
                map.keys()
                    .filter(|p| **p < lo || **p > hi)
                    .copied()
                    .collect()
            };
            for price in outside {
                let user = self.user_qty(is_bid, price);
                if self.level(is_bid, price) != user {
                    self.set_level(is_bid, price, user);
                }
            }
            // Inside: every level quoted.
            for price in lo..=hi {
                let user = self.user_qty(is_bid, price);
                if self.level(is_bid, price) <= user {
                    let mm = self.rng.range(self.level_qty.0, self.level_qty.1);
                    self.set_level(is_bid, price, mm + user);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Depth

    /// `inject_depth_gap`: the next non-empty diff event of each speed is never sent.
    pub(crate) fn inject_gap(&mut self) {
        for agg in &mut self.depth {
            agg.skip_next = true;
        }
    }

    /// The diff-depth event for speed `idx` (0: 100 ms, 1: 1000 ms), if anything changed.
    pub(crate) fn flush_depth(&mut self, idx: usize, now: i64) -> Option<String> {
        let agg = self.depth.get_mut(idx)?;
        let first = agg.first_id.take()?;
        let pending = std::mem::take(&mut agg.pending);
        let last = self.update_id;
        agg.last_id = last;
        if agg.skip_next {
            agg.skip_next = false;
            return None;
        }
        let mut bids: Vec<(String, String)> = Vec::new();
        let mut asks: Vec<(String, String)> = Vec::new();
        for ((is_bid, price), qty) in pending.iter().rev() {
            if *is_bid {
                bids.push((self.price_str(*price), self.qty_str(*qty)));
            }
        }
        for ((is_bid, price), qty) in &pending {
            if !*is_bid {
                asks.push((self.price_str(*price), self.qty_str(*qty)));
            }
        }
        // web-socket-streams.md "Diff. Depth Stream" — Payload.
        Some(
            Obj::new()
                .s("e", "depthUpdate")
                .n("E", now)
                .s("s", &self.cfg.symbol)
                .n("U", first)
                .n("u", last)
                .raw("b", &levels_json(&bids))
                .raw("a", &levels_json(&asks))
                .finish(),
        )
    }

    /// The best `n` levels per side, as (price, quantity) strings.
    pub(crate) fn top_levels(&self, n: usize) -> Levels {
        let bids = self
            .bids
            .iter()
            .rev()
            .take(n)
            .map(|(p, q)| (self.price_str(*p), self.qty_str(*q)))
            .collect();
        let asks = self
            .asks
            .iter()
            .take(n)
            .map(|(p, q)| (self.price_str(*p), self.qty_str(*q)))
            .collect();
        (bids, asks)
    }

    // web-socket-streams.md "Partial Book Depth Streams" — Payload; also rest-api.md
    // "Order book" — Response (the same shape).
    pub(crate) fn depth_json(&self, n: usize) -> String {
        let (bids, asks) = self.top_levels(n);
        Obj::new()
            .n("lastUpdateId", self.update_id)
            .raw("bids", &levels_json(&bids))
            .raw("asks", &levels_json(&asks))
            .finish()
    }

    // web-socket-streams.md "Individual Symbol Book Ticker Streams" — Payload.
    fn book_ticker_json(&self, _now: i64) -> String {
        let (bid, ask) = self.top;
        let (bp, bq) = bid.unwrap_or((0, 0));
        let (ap, aq) = ask.unwrap_or((0, 0));
        Obj::new()
            .n("u", self.update_id)
            .s("s", &self.cfg.symbol)
            .s("b", &self.price_str(bp))
            .s("B", &self.qty_str(bq))
            .s("a", &self.price_str(ap))
            .s("A", &self.qty_str(aq))
            .finish()
    }

    // ---------------------------------------------------------------------------------------
    // Klines

    /// Closes every candle whose interval has ended (filling gaps with flat candles) and
    /// returns the `x: true` events of the candles that were current.
    pub(crate) fn roll_klines(&mut self, now: i64) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (idx, interval) in Interval::ALL.iter().enumerate() {
            let Some((candle, _)) = self.candles.get(idx) else {
                continue;
            };
            if now <= candle.close_time {
                continue;
            }
            let mut current = candle.clone();
            out.push((
                format!("{}@kline_{}", self.lower, interval.as_str()),
                current.stream_json(now, &self.cfg.symbol, *interval, true, self.tick),
            ));
            let store = match self.closed.get_mut(idx) {
                Some(s) => s,
                None => continue,
            };
            loop {
                let next = interval.next_open(current.open_time);
                let close = current.c;
                store.push_back(current);
                if store.len() > CLOSED_CANDLES {
                    store.pop_front();
                }
                current = Candle::flat(*interval, next, close);
                if now <= current.close_time {
                    break;
                }
            }
            if let Some(slot) = self.candles.get_mut(idx) {
                *slot = (current, true);
            }
        }
        out
    }

    /// Update events of the current candles whose update period is `period_ms`.
    pub(crate) fn kline_updates(&self, now: i64, period_ms: u64) -> Vec<(String, String)> {
        Interval::ALL
            .iter()
            .zip(&self.candles)
            .filter(|(i, _)| i.update_period_ms() == period_ms)
            .map(|(i, (candle, _))| {
                (
                    format!("{}@kline_{}", self.lower, i.as_str()),
                    candle.stream_json(now, &self.cfg.symbol, *i, false, self.tick),
                )
            })
            .collect()
    }

    /// The candle opening at `open`: live data from the simulator's start on, the
    /// deterministic history before.
    pub(crate) fn candle_at(&self, interval: Interval, open: i64) -> Candle {
        let idx = interval.index();
        if let Some((current, _)) = self.candles.get(idx) {
            if open == current.open_time {
                return current.clone();
            }
            if open > current.open_time {
                return Candle::flat(interval, open, current.c);
            }
            if let Some(store) = self.closed.get(idx) {
                if let Some(first) = store.front() {
                    if open >= first.open_time {
                        if let Some(c) = store.iter().find(|c| c.open_time == open) {
                            return c.clone();
                        }
                    }
                }
            }
        }
        self.history.candle(interval, open)
    }

    /// Open time of the current candle.
    #[cfg(test)]
    pub(crate) fn current_open(&self, interval: Interval) -> i64 {
        self.candles
            .get(interval.index())
            .map_or(0, |(c, _)| c.open_time)
    }

    // ---------------------------------------------------------------------------------------
    // Trades and tickers

    // rest-api.md "Recent trades list" — Response.
    pub(crate) fn trades_json(&self, limit: usize) -> String {
        let skip = self.recent.len().saturating_sub(limit);
        arr(self.recent.iter().skip(skip).map(|t| {
            let quote = self.price(t.price) * self.qty(t.qty);
            Obj::new()
                .n("id", t.id)
                .s("price", &self.price_str(t.price))
                .s("qty", &self.qty_str(t.qty))
                .d("quoteQty", quote)
                .n("time", t.time)
                .b("isBuyerMaker", t.buyer_is_maker)
                .b("isBestMatch", true)
                .finish()
        }))
    }

    fn change(&self) -> (Decimal, Decimal, Decimal) {
        let open = self.price(self.stats.open);
        let last = self.price(self.last_price);
        let change = last - open;
        let pct = if open.is_zero() {
            Decimal::ZERO
        } else {
            change * Decimal::ONE_HUNDRED / open
        };
        let wavg = if self.stats.volume.is_zero() {
            last
        } else {
            self.stats.quote_volume / self.stats.volume
        };
        (change, pct, wavg)
    }

    // web-socket-streams.md "Individual Symbol Ticker Streams" — Payload.
    pub(crate) fn ticker_json(&self, now: i64) -> String {
        let (change, pct, wavg) = self.change();
        let (bid, ask) = self.top_of_book();
        let (bp, bq) = bid.unwrap_or((0, 0));
        let (ap, aq) = ask.unwrap_or((0, 0));
        Obj::new()
            .s("e", "24hrTicker")
            .n("E", now)
            .s("s", &self.cfg.symbol)
            .d("p", change)
            .s("P", &fmt_dp(pct, 2))
            .d("w", wavg)
            .s("x", &self.price_str(self.stats.open))
            .s("c", &self.price_str(self.last_price))
            .s("Q", &self.qty_str(self.stats.last_qty))
            .s("b", &self.price_str(bp))
            .s("B", &self.qty_str(bq))
            .s("a", &self.price_str(ap))
            .s("A", &self.qty_str(aq))
            .s("o", &self.price_str(self.stats.open))
            .s("h", &self.price_str(self.stats.high))
            .s("l", &self.price_str(self.stats.low))
            .d("v", self.stats.volume)
            .d("q", self.stats.quote_volume)
            .n("O", now - 86_400_000)
            .n("C", now)
            .n("F", self.stats.first_id)
            .n("L", self.stats.last_id)
            .n("n", self.stats.count)
            .finish()
    }

    // web-socket-streams.md "Individual Symbol Mini Ticker Stream" — Payload.
    pub(crate) fn mini_ticker_json(&self, now: i64) -> String {
        Obj::new()
            .s("e", "24hrMiniTicker")
            .n("E", now)
            .s("s", &self.cfg.symbol)
            .s("c", &self.price_str(self.last_price))
            .s("o", &self.price_str(self.stats.open))
            .s("h", &self.price_str(self.stats.high))
            .s("l", &self.price_str(self.stats.low))
            .d("v", self.stats.volume)
            .d("q", self.stats.quote_volume)
            .finish()
    }

    // rest-api.md "24hr ticker price change statistics" — Response FULL / MINI.
    pub(crate) fn ticker_24hr_rest(&self, now: i64, full: bool) -> String {
        let (change, pct, wavg) = self.change();
        let (bid, ask) = self.top_of_book();
        let (bp, bq) = bid.unwrap_or((0, 0));
        let (ap, aq) = ask.unwrap_or((0, 0));
        let obj = Obj::new().s("symbol", &self.cfg.symbol);
        let obj = if full {
            obj.d("priceChange", change)
                .s("priceChangePercent", &fmt_dp(pct, 3))
                .d("weightedAvgPrice", wavg)
                .s("prevClosePrice", &self.price_str(self.stats.open))
                .s("lastPrice", &self.price_str(self.last_price))
                .s("lastQty", &self.qty_str(self.stats.last_qty))
                .s("bidPrice", &self.price_str(bp))
                .s("bidQty", &self.qty_str(bq))
                .s("askPrice", &self.price_str(ap))
                .s("askQty", &self.qty_str(aq))
                .s("openPrice", &self.price_str(self.stats.open))
        } else {
            obj.s("openPrice", &self.price_str(self.stats.open))
        };
        let obj = obj
            .s("highPrice", &self.price_str(self.stats.high))
            .s("lowPrice", &self.price_str(self.stats.low));
        let obj = if full {
            obj.d("volume", self.stats.volume)
        } else {
            obj.s("lastPrice", &self.price_str(self.last_price))
                .d("volume", self.stats.volume)
        };
        obj.d("quoteVolume", self.stats.quote_volume)
            .n("openTime", now - 86_400_000)
            .n("closeTime", now)
            .n("firstId", self.stats.first_id)
            .n("lastId", self.stats.last_id)
            .n("count", self.stats.count)
            .finish()
    }
}

fn crosses(taker: Side, price: i64, limit: Option<i64>) -> bool {
    match (taker, limit) {
        (_, None) => true,
        (Side::Buy, Some(l)) => price <= l,
        (Side::Sell, Some(l)) => price >= l,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market() -> Market {
        Market::new(SymbolConfig::btcusdt(), 7, 20, 1_700_000_000_000, 20)
    }

    #[test]
    fn initial_book_has_levels_and_spread() {
        let m = market();
        let (bids, asks) = m.top_levels(100);
        assert_eq!(bids.len(), 20);
        assert_eq!(asks.len(), 20);
        let (b, _) = m.best_bid().unwrap();
        let (a, _) = m.best_ask().unwrap();
        assert!(a > b);
    }

    #[test]
    fn diff_events_are_contiguous() {
        let mut m = market();
        let mut now = 1_700_000_000_000;
        let mut last_u = None;
        for _ in 0..200 {
            now += 50;
            m.tick(now);
            if let Some(ev) = m.flush_depth(0, now) {
                let v: serde_json::Value = serde_json::from_str(&ev).unwrap();
                let (first, last) = (v["U"].as_u64().unwrap(), v["u"].as_u64().unwrap());
                if let Some(prev) = last_u {
                    assert_eq!(first, prev + 1);
                }
                assert!(last >= first);
                last_u = Some(last);
            }
        }
        assert!(last_u.is_some());
        // Book never crosses and keeps its depth.
        let (b, _) = m.best_bid().unwrap();
        let (a, _) = m.best_ask().unwrap();
        assert!(a > b);
    }

    #[test]
    fn price_walks_and_book_stays_sane() {
        for cfg in [
            SymbolConfig::btcusdt(),
            SymbolConfig::ethusdt(),
            SymbolConfig::bnbbtc(),
        ] {
            let mut m = Market::new(cfg, 42, 50, 1_700_000_000_000, 20);
            let (mut lo, mut hi) = (m.last_price, m.last_price);
            let mut now = 1_700_000_000_000;
            for _ in 0..3_000 {
                now += 50;
                m.tick(now);
                let (b, _) = m.best_bid().unwrap();
                let (a, _) = m.best_ask().unwrap();
                assert!(a > b, "crossed book");
                assert_eq!((m.bids.len(), m.asks.len()), (50, 50));
                lo = lo.min(m.last_price);
                hi = hi.max(m.last_price);
                m.take_events();
            }
            assert!(hi - lo >= 10, "{}: price barely moved", m.cfg.symbol);
        }
    }

    #[test]
    fn taker_consumes_user_orders_after_market_maker() {
        let mut m = market();
        let (bid, bid_qty) = m.best_bid().unwrap();
        m.add_resting(9, Side::Buy, bid, 5, 0);
        let fills = m.take(Side::Sell, Some(bid), Some(bid_qty + 3), None, 0);
        assert_eq!(fills.len(), 2);
        assert_eq!(fills[0].maker_order, None);
        assert_eq!(fills[1].maker_order, Some(9));
        assert_eq!(fills[1].qty, 3);
        assert_eq!(m.remove_resting(9, Side::Buy, bid, 0), 2);
        assert!(m.best_bid().unwrap().0 < bid);
    }

    #[test]
    fn market_flow_trades_through_resting_user_orders() {
        let mut m = market();
        let (bid, _) = m.best_bid().unwrap();
        m.add_resting(77, Side::Buy, bid, 4, 0);
        let (ask, _) = m.best_ask().unwrap();
        m.add_resting(78, Side::Sell, ask, 4, 0);
        let mut filled = BTreeMap::new();
        for i in 0..20_000 {
            for f in m.tick(i) {
                if let Some(id) = f.maker_order {
                    *filled.entry(id).or_insert(0) += f.qty;
                }
            }
            m.take_events();
            if filled.len() == 2 {
                break;
            }
        }
        assert_eq!(filled.get(&77), Some(&4));
        assert_eq!(filled.get(&78), Some(&4));
        assert!(m.resting.is_empty());
    }

    #[test]
    fn dry_run_matches_take() {
        let mut m = market();
        let budget = Decimal::new(1_000, 0);
        let (qty, quote) = m.dry_run(Side::Buy, None, None, Some(budget));
        assert!(quote <= budget && qty > 0);
        let fills = m.take(Side::Buy, None, None, Some(budget), 0);
        assert_eq!(fills.iter().map(|f| f.qty).sum::<i64>(), qty);
    }

    #[test]
    fn klines_roll_and_fill_gaps() {
        let mut m = market();
        let start = m.current_open(Interval::S1);
        let events = m.roll_klines(start + 5_500);
        assert!(
            events
                .iter()
                .any(|(s, p)| s == "btcusdt@kline_1s" && p.contains("\"x\":true"))
        );
        assert_eq!(m.current_open(Interval::S1), start + 5_000);
        for k in 0..5 {
            let c = m.candle_at(Interval::S1, start + k * 1_000);
            assert_eq!(c.open_time, start + k * 1_000);
        }
    }

    #[test]
    fn history_volume_matches_the_live_flow() {
        for cfg in [
            SymbolConfig::btcusdt(),
            SymbolConfig::ethusdt(),
            SymbolConfig::bnbbtc(),
        ] {
            let tick_rate = 20;
            let t0 = 1_700_000_000_000;
            let mut m = Market::new(cfg, 42, 50, t0, tick_rate);
            // Ten minutes of market events, one every 1/tick_rate s.
            let minutes: i64 = 10;
            let mut now = t0;
            for _ in 0..minutes * 60 * i64::from(tick_rate) {
                now += 1_000 / i64::from(tick_rate);
                m.tick(now);
            }
            let live_per_min = m.stats.volume / Decimal::from(minutes);
            let live_trades_per_min = m.stats.count / minutes;
            // The history over the ten minutes before the start, a minute at a time.
            let hist: Vec<Candle> = (1..=minutes)
                .map(|k| m.history.candle(Interval::M1, t0 - k * 60_000))
                .collect();
            let hist_volume: Decimal = hist.iter().map(|c| c.volume).sum();
            let hist_per_min = hist_volume / Decimal::from(minutes);
            let ratio = hist_per_min / live_per_min;
            assert!(
                ratio > Decimal::new(5, 1) && ratio < Decimal::TWO,
                "{}: history {hist_per_min}/min, live {live_per_min}/min",
                m.cfg.symbol
            );
            let hist_trades: i64 = hist.iter().map(|c| c.trades).sum();
            let trade_ratio = hist_trades as f64 / (live_trades_per_min * minutes) as f64;
            assert!(trade_ratio > 0.5 && trade_ratio < 2.0, "{trade_ratio}");
            for c in &hist {
                assert!(c.taker_buy_volume <= c.volume);
                assert!(c.trades > 0 && Decimal::from(c.trades) * m.step <= c.volume);
                let avg = c.quote_volume / c.volume;
                assert!(avg >= m.price(c.l) && avg <= m.price(c.h), "{c:?}");
            }
        }
    }
}
