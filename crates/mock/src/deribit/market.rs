//! One simulated instrument: a market-maker book that follows a walking mid price, taker
//! trades against it, book change batches with `change_id` continuity, and candles:
//! deterministic history before the simulator was created, one-minute bars of the live
//! trades from then on, joined at the price the live market started from.

use std::collections::{BTreeMap, VecDeque};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};

use super::config::{InstrumentConfig, InstrumentKind};
use super::util::{Rng, hash_str, mix, num};

/// Trades kept per instrument for `public/get_last_trades_by_instrument`.
const TRADE_HISTORY: usize = 2_000;
/// Live one-minute bars kept per instrument for candles (a week); older minutes of the live
/// period are served from the history.
const LIVE_BARS: usize = 7 * 24 * 60;
const MINUTE_MS: i64 = 60_000;
/// Percent of market steps that move the mid by one tick.
const MOVE_PERCENT: u64 = 30;
/// Percent of market steps with a taker trade.
const TRADE_PERCENT: u64 = 40;
/// Size range of a simulated taker trade, in multiples of `min_trade_amount`.
const TRADE_LOTS: (u32, u32) = (1, 20);

/// One candle: open, high, low, close, volume, cost (the order of chart data's columns).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ohlcv {
    open: Decimal,
    high: Decimal,
    low: Decimal,
    close: Decimal,
    volume: Decimal,
    cost: Decimal,
}

impl Ohlcv {
    /// No trade, at `price`.
    fn flat(price: Decimal) -> Self {
        Self {
            open: price,
            high: price,
            low: price,
            close: price,
            volume: Decimal::ZERO,
            cost: Decimal::ZERO,
        }
    }

    /// `self` followed by `next`.
    fn then(self, next: &Ohlcv) -> Self {
        Self {
            open: self.open,
            high: self.high.max(next.high),
            low: self.low.min(next.low),
            close: next.close,
            volume: self.volume + next.volume,
            cost: self.cost + next.cost,
        }
    }

    fn columns(&self) -> [Decimal; 6] {
        [
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume.round_dp(8),
            self.cost.round_dp(8),
        ]
    }
}

/// A public trade.
#[derive(Debug, Clone)]
pub(crate) struct Trade {
    pub(crate) seq: u64,
    pub(crate) id: u64,
    pub(crate) ts: i64,
    pub(crate) price: Decimal,
    pub(crate) amount: Decimal,
    /// Taker side.
    pub(crate) buy: bool,
    pub(crate) tick_direction: u8,
}

/// Start amount of a level touched in the current batch (`None`: absent at batch start).
type Touched = BTreeMap<Decimal, Option<Decimal>>;

/// One instrument's market.
#[derive(Debug)]
pub(crate) struct Market {
    pub(crate) cfg: InstrumentConfig,
    /// Mid price in ticks.
    mid: i64,
    pub(crate) bids: BTreeMap<Decimal, Decimal>,
    pub(crate) asks: BTreeMap<Decimal, Decimal>,
    pub(crate) change_id: u64,
    touched_bids: Touched,
    touched_asks: Touched,
    /// `skip_change_id` fault armed.
    pub(crate) skip_next: bool,
    pub(crate) trades: VecDeque<Trade>,
    /// Trades of the current tick, for the `trades.*` channels.
    pub(crate) fresh_trades: Vec<Trade>,
    trade_seq: u64,
    pub(crate) last_price: Decimal,
    volume: Decimal,
    high: Decimal,
    low: Decimal,
    open_price: Decimal,
    pub(crate) open_interest: Decimal,
    /// Seed of this instrument's history: the simulator's seed and the instrument's name.
    seed: u64,
    /// When the market was created (ms): history before, live bars from then on.
    created_ms: i64,
    /// Average traded amount per minute of the live market (sizes the history's volumes).
    amount_per_min: f64,
    /// Closed live one-minute bars, contiguous, oldest first: (open time, candle).
    bars: VecDeque<(i64, Ohlcv)>,
    /// The current live one-minute bar: (open time, candle).
    bar: (i64, Ohlcv),
}

impl Market {
    /// The market of `cfg` created at `now`: it starts from the history's price at `now`
    /// (`seed` seeds the history; `tick_rate`, steps per second, sizes its volumes).
    pub(crate) fn new(
        cfg: InstrumentConfig,
        levels: usize,
        rng: &mut Rng,
        seed: u64,
        tick_rate: u32,
        now: i64,
    ) -> Self {
        let lot = cfg.min_trade_amount.to_f64().unwrap_or(0.0);
        let mean_lots = f64::from(TRADE_LOTS.0 + TRADE_LOTS.1) / 2.0;
        let amount_per_min =
            f64::from(tick_rate) * 60.0 * TRADE_PERCENT as f64 / 100.0 * mean_lots * lot;
        let last = cfg.start_price;
        let seed = seed ^ hash_str(&cfg.name);
        let mut m = Self {
            cfg,
            mid: 1,
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            change_id: 1_000 + rng.next_u64() % 1_000,
            touched_bids: BTreeMap::new(),
            touched_asks: BTreeMap::new(),
            skip_next: false,
            trades: VecDeque::new(),
            fresh_trades: Vec::new(),
            trade_seq: 0,
            last_price: last,
            volume: Decimal::ZERO,
            high: last,
            low: last,
            open_price: last,
            open_interest: Decimal::ZERO,
            seed,
            created_ms: now,
            amount_per_min,
            bars: VecDeque::new(),
            bar: (now - now.rem_euclid(MINUTE_MS), Ohlcv::flat(last)),
        };
        // Start where the history is now, on the tick grid.
        let tick = if m.cfg.tick_size.is_zero() {
            Decimal::ONE
        } else {
            m.cfg.tick_size
        };
        let mid = (m.hist_price(now) / tick)
            .round()
            .to_i64()
            .unwrap_or(1)
            .max(levels as i64 + 2);
        let start = Decimal::from(mid) * tick;
        m.mid = mid;
        m.last_price = start;
        m.high = start;
        m.low = start;
        m.open_price = start;
        m.bar.1 = Ohlcv::flat(start);
        m.refresh_book(rng, levels);
        m.touched_bids.clear();
        m.touched_asks.clear();
        m
    }

    fn tick(&self) -> Decimal {
        self.cfg.tick_size
    }

    fn price_of(&self, ticks: i64) -> Decimal {
        Decimal::from(ticks) * self.tick()
    }

    fn level_amount(&self, rng: &mut Rng) -> Decimal {
        let (lo, hi) = self.cfg.level_lots;
        Decimal::from(rng.range(lo.max(1), hi.max(lo.max(1)))) * self.cfg.min_trade_amount
    }

    /// Sets a level (zero deletes it), remembering its batch-start amount.
    pub(crate) fn set_level(&mut self, bid: bool, price: Decimal, amount: Decimal) {
        let (book, touched) = if bid {
            (&mut self.bids, &mut self.touched_bids)
        } else {
            (&mut self.asks, &mut self.touched_asks)
        };
        let before = book.get(&price).copied();
        touched.entry(price).or_insert(before);
        if amount.is_zero() {
            book.remove(&price);
        } else {
            book.insert(price, amount);
        }
    }

    /// Moves the book towards `levels` levels per side around the mid: missing levels are
    /// quoted, levels outside the band are deleted, and a few amounts change.
    pub(crate) fn refresh_book(&mut self, rng: &mut Rng, levels: usize) {
        let n = levels as i64;
        let best_bid = self.mid - 1;
        let best_ask = self.mid + 1;
        let want_bids: Vec<Decimal> = (0..n).map(|i| self.price_of(best_bid - i)).collect();
        let want_asks: Vec<Decimal> = (0..n).map(|i| self.price_of(best_ask + i)).collect();
        for (bid, want) in [(true, want_bids), (false, want_asks)] {
            let existing: Vec<Decimal> = if bid {
                self.bids.keys().copied().collect()
            } else {
                self.asks.keys().copied().collect()
            };
            for p in existing {
                if !want.contains(&p) {
                    self.set_level(bid, p, Decimal::ZERO);
                }
            }
            for p in &want {
                let present = if bid {
                    self.bids.contains_key(p)
                } else {
                    self.asks.contains_key(p)
                };
                if !present || rng.chance(8) {
                    let amount = self.level_amount(rng);
                    self.set_level(bid, *p, amount);
                }
            }
        }
    }

    /// One market step: maybe move the mid, maybe a taker trade, then re-quote.
    pub(crate) fn step(&mut self, rng: &mut Rng, levels: usize, trade_id: &mut u64, now: i64) {
        self.roll_bars(now);
        if rng.chance(MOVE_PERCENT) {
            let delta = if rng.chance(50) { 1 } else { -1 };
            self.mid = (self.mid + delta).max(levels as i64 + 2);
        }
        if rng.chance(TRADE_PERCENT) {
            let buy = rng.chance(50);
            let lots = rng.range(TRADE_LOTS.0, TRADE_LOTS.1);
            let amount = Decimal::from(lots) * self.cfg.min_trade_amount;
            let fills = self.take(buy, None, amount);
            for (price, amount) in fills {
                self.record_trade(buy, price, amount, trade_id, now);
            }
        }
        self.refresh_book(rng, levels);
    }

    /// Takes liquidity: a buy consumes asks from the best up to `limit`, a sell bids down to
    /// `limit`. Returns the fills (price, amount), best first.
    pub(crate) fn take(
        &mut self,
        buy: bool,
        limit: Option<Decimal>,
        mut amount: Decimal,
    ) -> Vec<(Decimal, Decimal)> {
        let mut fills = Vec::new();
        while amount > Decimal::ZERO {
            let best = if buy {
                self.asks.iter().next().map(|(p, a)| (*p, *a))
            } else {
                self.bids.iter().next_back().map(|(p, a)| (*p, *a))
            };
            let Some((price, avail)) = best else { break };
            let crosses = match limit {
                None => true,
                Some(l) => {
                    if buy {
                        price <= l
                    } else {
                        price >= l
                    }
                }
            };
            if !crosses {
                break;
            }
            let qty = avail.min(amount);
            self.set_level(!buy, price, avail - qty);
            amount -= qty;
            fills.push((price, qty));
        }
        fills
    }

    /// Records a public trade.
    pub(crate) fn record_trade(
        &mut self,
        buy: bool,
        price: Decimal,
        amount: Decimal,
        trade_id: &mut u64,
        now: i64,
    ) -> Trade {
        *trade_id += 1;
        self.trade_seq += 1;
        // tick_direction: 0 plus tick, 1 zero-plus tick, 2 minus tick, 3 zero-minus tick.
        let prev_dir = self.trades.back().map_or(0, |t| t.tick_direction);
        let tick_direction = match price.cmp(&self.last_price) {
            std::cmp::Ordering::Greater => 0,
            std::cmp::Ordering::Less => 2,
            std::cmp::Ordering::Equal => {
                if prev_dir == 0 || prev_dir == 1 {
                    1
                } else {
                    3
                }
            }
        };
        let t = Trade {
            seq: self.trade_seq,
            id: *trade_id,
            ts: now,
            price,
            amount,
            buy,
            tick_direction,
        };
        self.last_price = price;
        self.roll_bars(now);
        let (volume, cost) = self.volume_cost(price, amount);
        let bar = &mut self.bar.1;
        bar.high = bar.high.max(price);
        bar.low = bar.low.min(price);
        bar.close = price;
        bar.volume += volume;
        bar.cost += cost;
        self.volume += amount;
        self.high = self.high.max(price);
        self.low = self.low.min(price);
        self.trades.push_back(t.clone());
        while self.trades.len() > TRADE_HISTORY {
            self.trades.pop_front();
        }
        self.fresh_trades.push(t.clone());
        t
    }

    pub(crate) fn best_bid(&self) -> Option<(Decimal, Decimal)> {
        self.bids.iter().next_back().map(|(p, a)| (*p, *a))
    }

    pub(crate) fn best_ask(&self) -> Option<(Decimal, Decimal)> {
        self.asks.iter().next().map(|(p, a)| (*p, *a))
    }

    /// Mark price: the mid of the best bid and ask.
    pub(crate) fn mark(&self) -> Decimal {
        match (self.best_bid(), self.best_ask()) {
            (Some((b, _)), Some((a, _))) => ((a + b) / Decimal::TWO).round_dp(8),
            _ => self.last_price,
        }
    }

    pub(crate) fn levels(&self, bid: bool, depth: usize) -> Vec<(Decimal, Decimal)> {
        if bid {
            self.bids
                .iter()
                .rev()
                .take(depth)
                .map(|(p, a)| (*p, *a))
                .collect()
        } else {
            self.asks
                .iter()
                .take(depth)
                .map(|(p, a)| (*p, *a))
                .collect()
        }
    }

    /// The pending change batch as `book.{instrument}.{interval}` data, advancing
    /// `change_id`; `None` when nothing changed.
    ///
    /// <https://docs.deribit.com/subscriptions/orderbook/bookinstrument_nameinterval>:
    /// `{"type":"change","timestamp":..,"prev_change_id":..,"instrument_name":..,
    /// "change_id":..,"bids":[["new"|"change"|"delete",price,amount]],"asks":[..]}`.
    pub(crate) fn flush_changes(&mut self, now: i64) -> Option<Value> {
        let bids = diff(&std::mem::take(&mut self.touched_bids), &self.bids, true);
        let asks = diff(&std::mem::take(&mut self.touched_asks), &self.asks, false);
        if bids.is_empty() && asks.is_empty() {
            return None;
        }
        let mut prev = self.change_id;
        if std::mem::take(&mut self.skip_next) {
            // A change batch that subscribers never see.
            prev += 1;
        }
        self.change_id = prev + 1;
        Some(json!({
            "type": "change",
            "timestamp": now,
            "prev_change_id": prev,
            "instrument_name": self.cfg.name,
            "change_id": self.change_id,
            "bids": bids,
            "asks": asks,
        }))
    }

    /// The whole book as the first `book.{instrument}.{interval}` notification (same page):
    /// `type: "snapshot"`, every level as `["new", price, amount]`, no `prev_change_id`.
    pub(crate) fn snapshot(&self, now: i64) -> Value {
        let side = |bid: bool| -> Vec<Value> {
            self.levels(bid, usize::MAX)
                .into_iter()
                .map(|(p, a)| json!(["new", num(p), num(a)]))
                .collect()
        };
        json!({
            "type": "snapshot",
            "timestamp": now,
            "instrument_name": self.cfg.name,
            "change_id": self.change_id,
            "bids": side(true),
            "asks": side(false),
        })
    }

    fn stats(&self) -> Value {
        let change = if self.open_price.is_zero() {
            Decimal::ZERO
        } else {
            ((self.last_price - self.open_price) / self.open_price * Decimal::ONE_HUNDRED)
                .round_dp(4)
        };
        json!({
            "volume": num(self.volume),
            "price_change": num(change),
            "low": num(self.low),
            "high": num(self.high),
        })
    }

    /// `public/ticker` result and `ticker.{instrument}.{interval}` data.
    ///
    /// <https://docs.deribit.com/api-reference/market-data/public-ticker>;
    /// <https://docs.deribit.com/subscriptions/market-data/tickerinstrument_nameinterval>.
    pub(crate) fn ticker(&self, now: i64) -> Value {
        let (bb, bba) = self.best_bid().unwrap_or_default();
        let (ba, baa) = self.best_ask().unwrap_or_default();
        let mark = self.mark();
        let band = (mark * Decimal::new(5, 2) / self.tick()).round() * self.tick();
        let mut v = json!({
            "timestamp": now,
            "stats": self.stats(),
            "state": "open",
            "settlement_price": num(self.cfg.start_price),
            "open_interest": num(self.open_interest),
            "min_price": num(mark - band),
            "max_price": num(mark + band),
            "mark_price": num(mark),
            "last_price": num(self.last_price),
            "instrument_name": self.cfg.name,
            "index_price": num(mark),
            "estimated_delivery_price": num(mark),
            "best_bid_price": num(bb),
            "best_bid_amount": num(bba),
            "best_ask_price": num(ba),
            "best_ask_amount": num(baa),
        });
        if self.cfg.settlement_period == "perpetual" {
            v["current_funding"] = json!(0);
            v["funding_8h"] = json!(0);
        }
        if self.cfg.kind == InstrumentKind::Option {
            v["underlying_price"] = num(mark);
            v["underlying_index"] = json!("index_price");
            v["interest_rate"] = json!(0);
            v["mark_iv"] = json!(50);
            v["bid_iv"] = json!(49);
            v["ask_iv"] = json!(51);
        }
        v
    }

    /// `public/get_order_book` result: the ticker fields plus `change_id`, `bids`, `asks`
    /// (`[[price, amount]]`).
    ///
    /// <https://docs.deribit.com/api-reference/market-data/public-get_order_book>.
    pub(crate) fn order_book(&self, depth: usize, now: i64) -> Value {
        let side = |bid: bool| -> Vec<Value> {
            self.levels(bid, depth)
                .into_iter()
                .map(|(p, a)| json!([num(p), num(a)]))
                .collect()
        };
        let mut v = self.ticker(now);
        v["change_id"] = json!(self.change_id);
        v["bids"] = Value::Array(side(true));
        v["asks"] = Value::Array(side(false));
        v
    }

    /// One public trade as in `trades.{instrument}.{interval}` and
    /// `public/get_last_trades_by_instrument`.
    ///
    /// <https://docs.deribit.com/subscriptions/market-data/tradesinstrument_nameinterval>.
    pub(crate) fn trade_json(&self, t: &Trade) -> Value {
        let mark = self.mark();
        let mut v = json!({
            "trade_seq": t.seq,
            "trade_id": t.id.to_string(),
            "timestamp": t.ts,
            "tick_direction": t.tick_direction,
            "price": num(t.price),
            "mark_price": num(mark),
            "instrument_name": self.cfg.name,
            "index_price": num(mark),
            "direction": if t.buy { "buy" } else { "sell" },
            "amount": num(t.amount),
        });
        if self.cfg.kind == InstrumentKind::Option {
            v["iv"] = json!(50);
        }
        v
    }

    /// The live candle of `resolution_ms` containing `now` (the same as
    /// `public/get_tradingview_chart_data` answers for it), as
    /// `chart.trades.{instrument}.{resolution}` data (`tick`, `open`, `high`, `low`, `close`,
    /// `volume`, `cost`).
    ///
    /// <https://docs.deribit.com/subscriptions/market-data/charttradesinstrument_nameresolution>.
    pub(crate) fn live_candle(&self, resolution_ms: i64, now: i64) -> Value {
        let start = now - now.rem_euclid(resolution_ms);
        let [open, high, low, close, volume, cost] = self.candle(start, resolution_ms);
        json!({
            "tick": start,
            "open": num(open),
            "high": num(high),
            "low": num(low),
            "close": num(close),
            "volume": num(volume),
            "cost": num(cost),
        })
    }

    /// Volume in the base currency and cost in USD (futures) or the base currency (options).
    fn volume_cost(&self, price: Decimal, amount: Decimal) -> (Decimal, Decimal) {
        match self.cfg.kind {
            InstrumentKind::Future if !price.is_zero() => ((amount / price).round_dp(8), amount),
            InstrumentKind::Future => (Decimal::ZERO, amount),
            InstrumentKind::Option => (amount, (amount * price).round_dp(8)),
        }
    }

    /// Closes the live one-minute bars that ended before `now` (minutes without a trade stay
    /// flat at the previous close).
    fn roll_bars(&mut self, now: i64) {
        let minute = now - now.rem_euclid(MINUTE_MS);
        let keep = LIVE_BARS as i64 * MINUTE_MS;
        if minute - self.bar.0 > keep {
            // Long without a step (paused): only the last `LIVE_BARS` minutes matter.
            self.bars.clear();
            self.bar.0 = minute - keep;
        }
        while self.bar.0 < minute {
            let next = (self.bar.0 + MINUTE_MS, Ohlcv::flat(self.bar.1.close));
            self.bars.push_back(std::mem::replace(&mut self.bar, next));
            if self.bars.len() > LIVE_BARS {
                self.bars.pop_front();
            }
        }
    }

    /// The live bar of the minute opening at `minute`: `None` before the oldest kept one,
    /// flat at the last price after the current one.
    fn live_bar(&self, minute: i64) -> Option<Ohlcv> {
        if minute >= self.bar.0 {
            return Some(if minute == self.bar.0 {
                self.bar.1
            } else {
                Ohlcv::flat(self.bar.1.close)
            });
        }
        let first = self.bars.front()?.0;
        let idx = usize::try_from((minute - first).div_euclid(MINUTE_MS)).ok()?;
        self.bars
            .get(idx)
            .filter(|(open, _)| *open == minute)
            .map(|(_, bar)| *bar)
    }

    /// A deterministic value in [0, 1) of the seed, the instrument and `salt`.
    fn hist_unit(&self, salt: u64) -> f64 {
        let h = mix(self.seed ^ mix(salt));
        (h >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The noise of the history's price at minute `minute` (linearly interpolated between).
    fn hist_noise(&self, minute: i64) -> f64 {
        let h = mix(self.seed ^ mix(minute as u64));
        ((h % 10_000) as f64 / 10_000.0 - 0.5) * 0.002
    }

    /// The deterministic historical price at `t` ms (a continuous function of the seed, the
    /// instrument and time only), on the tick grid.
    fn hist_price(&self, t: i64) -> Decimal {
        let m = t as f64 / MINUTE_MS as f64;
        let wave = 0.02 * (m / 997.0).sin() + 0.01 * (m / 131.0).sin() + 0.004 * (m / 17.0).sin();
        let minute = t.div_euclid(MINUTE_MS);
        let frac = t.rem_euclid(MINUTE_MS) as f64 / MINUTE_MS as f64;
        let noise = self.hist_noise(minute) * (1.0 - frac) + self.hist_noise(minute + 1) * frac;
        let factor = Decimal::try_from(1.0 + wave + noise).unwrap_or(Decimal::ONE);
        let p = self.cfg.start_price * factor;
        ((p / self.tick()).round() * self.tick()).max(self.tick())
    }

    /// The history over `[from, to)` of the candle opening at `open_ms` of `res_ms`: prices
    /// sampled along the path, and the candle's volume (the live flow over its length, ±50 %)
    /// in proportion to the part covered.
    fn hist_span(&self, open_ms: i64, res_ms: i64, from: i64, to: i64) -> Ohlcv {
        let open = self.hist_price(from);
        let close = self.hist_price(to);
        let (mut high, mut low) = (open.max(close), open.min(close));
        let minutes = ((to - from) / MINUTE_MS).max(1);
        let step = (minutes / 240).max(1) * MINUTE_MS;
        let mut t = from - from.rem_euclid(MINUTE_MS) + MINUTE_MS;
        while t < to {
            let p = self.hist_price(t);
            high = high.max(p);
            low = low.min(p);
            t += step;
        }
        let share = (to - from) as f64 / res_ms.max(1) as f64;
        let scale = 0.5 + self.hist_unit(open_ms as u64 ^ 0x5eed);
        let res_min = res_ms as f64 / MINUTE_MS as f64;
        let lots_f = self.amount_per_min * res_min * scale * share
            / self.cfg.min_trade_amount.to_f64().unwrap_or(1.0).max(1e-12);
        let amount = Decimal::from(lots_f.round().max(0.0) as i64) * self.cfg.min_trade_amount;
        let (volume, cost) = self.volume_cost(close, amount);
        Ohlcv {
            open,
            high,
            low,
            close,
            volume,
            cost,
        }
    }

    /// The candle at `open_ms` of `res_ms`: (open, high, low, close, volume, cost). The
    /// history before the market was created, the live one-minute bars after; the candle
    /// the market was created in joins both.
    pub(crate) fn candle(&self, open_ms: i64, res_ms: i64) -> [Decimal; 6] {
        let end = open_ms + res_ms;
        if end <= self.created_ms {
            return self.hist_span(open_ms, res_ms, open_ms, end).columns();
        }
        let mut acc = (open_ms < self.created_ms)
            .then(|| self.hist_span(open_ms, res_ms, open_ms, self.created_ms));
        let first_live = self.created_ms - self.created_ms.rem_euclid(MINUTE_MS);
        let mut minute = open_ms.max(first_live);
        while minute < end {
            let bar = self
                .live_bar(minute)
                .unwrap_or_else(|| self.hist_span(minute, MINUTE_MS, minute, minute + MINUTE_MS));
            acc = Some(match acc {
                Some(a) => a.then(&bar),
                None => bar,
            });
            minute += MINUTE_MS;
        }
        acc.unwrap_or_else(|| Ohlcv::flat(self.last_price))
            .columns()
    }
}

/// Book change tuples for one side: `["new"|"change"|"delete", price, amount]`, best first.
fn diff(touched: &Touched, book: &BTreeMap<Decimal, Decimal>, bid: bool) -> Vec<Value> {
    let mut out: Vec<(Decimal, Value)> = touched
        .iter()
        .filter_map(|(price, before)| {
            let now = book.get(price).copied();
            match (before, now) {
                (None, Some(a)) => Some((*price, json!(["new", num(*price), num(a)]))),
                (Some(b), Some(a)) if *b != a => {
                    Some((*price, json!(["change", num(*price), num(a)])))
                }
                (Some(_), None) => Some((*price, json!(["delete", num(*price), 0]))),
                _ => None,
            }
        })
        .collect();
    if bid {
        out.reverse();
    }
    out.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deribit::config::InstrumentConfig;

    fn market(rng: &mut Rng, now: i64) -> Market {
        let cfg = InstrumentConfig::perpetual("BTC", Decimal::new(60_000, 0), Decimal::new(5, 1));
        Market::new(cfg, 10, rng, 42, 10, now)
    }

    #[test]
    fn live_market_starts_where_the_history_is() {
        let mut rng = Rng::new(42);
        for now in [1_700_000_012_345, 1_700_003_456_789, 1_734_567_890_123] {
            let m = market(&mut rng, now);
            let minute = now - now.rem_euclid(MINUTE_MS);
            let [.., close, _, _] = m.candle(minute - MINUTE_MS, MINUTE_MS);
            let gap = ((m.last_price - close) / close).abs();
            assert!(gap < Decimal::new(5, 3), "{} vs {close}", m.last_price);
            assert_eq!(m.last_price, m.hist_price(now));
        }
    }

    #[test]
    fn candles_join_history_and_live_bars() {
        let mut rng = Rng::new(7);
        let t0 = 1_700_000_030_000;
        let mut m = market(&mut rng, t0);
        let mut trade_id = 0;
        let tick_rate = 10;
        let minutes = 10;
        let mut now = t0;
        for _ in 0..minutes * 60 * tick_rate {
            now += 1_000 / tick_rate;
            m.step(&mut rng, 10, &mut trade_id, now);
        }
        let first = t0 - t0.rem_euclid(MINUTE_MS) - 20 * MINUTE_MS;
        let candles: Vec<[Decimal; 6]> = (0..30)
            .map(|k| m.candle(first + k * MINUTE_MS, MINUTE_MS))
            .collect();
        for pair in candles.windows(2) {
            assert_eq!(pair[0][3], pair[1][0], "close joins the next open");
        }
        for c in &candles {
            assert!(c[1] >= c[0].max(c[3]) && c[2] <= c[0].min(c[3]), "{c:?}");
            // cost / volume is a price within [low, high] (futures: cost in USD).
            if !c[4].is_zero() {
                let avg = c[5] / c[4];
                let slack = Decimal::ONE;
                assert!(avg >= c[2] - slack && avg <= c[1] + slack, "{c:?}");
            }
        }
        // Volume per minute: history (before t0) and live (the complete minutes after).
        let hist: Decimal = candles[..20].iter().map(|c| c[5]).sum::<Decimal>() / Decimal::from(20);
        let live: Decimal =
            candles[21..30].iter().map(|c| c[5]).sum::<Decimal>() / Decimal::from(9);
        let ratio = hist / live;
        assert!(
            ratio > Decimal::new(5, 1) && ratio < Decimal::TWO,
            "history {hist}/min, live {live}/min"
        );
        // The hour candle holds the history part and the live part.
        let hour = t0 - t0.rem_euclid(3_600_000);
        let h = m.candle(hour, 3_600_000);
        assert_eq!(h[0], m.hist_price(hour));
        assert_eq!(h[3], m.last_price);
        // The live candle is what the chart data says.
        let live = m.live_candle(MINUTE_MS, now);
        let c = m.candle(now - now.rem_euclid(MINUTE_MS), MINUTE_MS);
        assert_eq!(live["close"], num(c[3]));
        assert_eq!(live["volume"], num(c[4]));
    }

    #[test]
    fn instruments_have_their_own_history() {
        // Names of equal length once seeded identical histories (same noise, same volumes).
        let mut rng = Rng::new(3);
        let now = 1_700_000_000_000;
        let start = Decimal::new(60_000, 0);
        let tick = Decimal::new(5, 1);
        let btc = Market::new(
            InstrumentConfig::perpetual("BTC", start, tick),
            10,
            &mut rng,
            42,
            10,
            now,
        );
        let eth = Market::new(
            InstrumentConfig::perpetual("ETH", start, tick),
            10,
            &mut rng,
            42,
            10,
            now,
        );
        assert_eq!(btc.cfg.name.len(), eth.cfg.name.len());
        let same = (0..60)
            .filter(|k| btc.hist_noise(27_000_000 + k) == eth.hist_noise(27_000_000 + k))
            .count();
        assert!(same < 5, "{same} of 60 minutes with the same noise");
        let t = now - 3_600_000;
        assert_ne!(btc.candle(t, 3_600_000)[4], eth.candle(t, 3_600_000)[4]);
    }

    #[test]
    fn history_is_deterministic_before_creation() {
        let (mut a, mut b) = (Rng::new(1), Rng::new(2));
        let m1 = market(&mut a, 1_700_000_000_000);
        let m2 = market(&mut b, 1_800_000_000_000);
        for k in 0..50 {
            let t = 1_600_000_000_000 + k * 3_600_000;
            assert_eq!(m1.candle(t, 3_600_000), m2.candle(t, 3_600_000));
        }
    }
}
