//! One simulated instrument: a market-maker book that follows a walking mid price, taker
//! trades against it, book change batches with `change_id` continuity, and deterministic
//! historical candles.

use std::collections::{BTreeMap, VecDeque};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};

use super::config::{InstrumentConfig, InstrumentKind};
use super::util::{Rng, mix, num};

/// Trades kept per instrument for `public/get_last_trades_by_instrument` and live candles.
const TRADE_HISTORY: usize = 2_000;

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
}

impl Market {
    pub(crate) fn new(cfg: InstrumentConfig, levels: usize, rng: &mut Rng) -> Self {
        let tick = if cfg.tick_size.is_zero() {
            Decimal::ONE
        } else {
            cfg.tick_size
        };
        let mid = (cfg.start_price / tick).trunc().to_i64().unwrap_or(1);
        let last = cfg.start_price;
        let mut m = Self {
            cfg,
            mid: mid.max(levels as i64 + 2),
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
        };
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
        if rng.chance(30) {
            let delta = if rng.chance(50) { 1 } else { -1 };
            self.mid = (self.mid + delta).max(levels as i64 + 2);
        }
        if rng.chance(40) {
            let buy = rng.chance(50);
            let lots = rng.range(1, 20);
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

    /// The live candle of `resolution_ms` containing `now`, from the simulated trades, as
    /// `chart.trades.{instrument}.{resolution}` data (`tick`, `open`, `high`, `low`, `close`,
    /// `volume`, `cost`).
    ///
    /// <https://docs.deribit.com/subscriptions/market-data/charttradesinstrument_nameresolution>.
    pub(crate) fn live_candle(&self, resolution_ms: i64, now: i64) -> Value {
        let start = now - now.rem_euclid(resolution_ms);
        let mut open = None;
        let (mut high, mut low, mut close) = (self.last_price, self.last_price, self.last_price);
        let (mut volume, mut cost) = (Decimal::ZERO, Decimal::ZERO);
        for t in self.trades.iter().filter(|t| t.ts >= start) {
            if open.is_none() {
                open = Some(t.price);
                high = t.price;
                low = t.price;
            }
            high = high.max(t.price);
            low = low.min(t.price);
            close = t.price;
            let (v, c) = self.volume_cost(t.price, t.amount);
            volume += v;
            cost += c;
        }
        json!({
            "tick": start,
            "open": num(open.unwrap_or(self.last_price)),
            "high": num(high),
            "low": num(low),
            "close": num(close),
            "volume": num(volume.round_dp(8)),
            "cost": num(cost.round_dp(8)),
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

    /// The deterministic historical price at minute `minute` (a function of the seed, the
    /// instrument and time only), on the tick grid.
    fn hist_price(&self, seed: u64, minute: i64) -> Decimal {
        let h = mix(seed ^ mix(minute as u64) ^ mix(self.cfg.name.len() as u64 + 7));
        let m = minute as f64;
        let wave = 0.02 * (m / 997.0).sin() + 0.01 * (m / 131.0).sin() + 0.004 * (m / 17.0).sin();
        let noise = ((h % 10_000) as f64 / 10_000.0 - 0.5) * 0.002;
        let factor = Decimal::try_from(1.0 + wave + noise).unwrap_or(Decimal::ONE);
        let p = self.cfg.start_price * factor;
        ((p / self.tick()).round() * self.tick()).max(self.tick())
    }

    /// Deterministic historical candle at `open_ms` of `res_ms`: (open, high, low, close,
    /// volume, cost).
    pub(crate) fn hist_candle(&self, seed: u64, open_ms: i64, res_ms: i64) -> [Decimal; 6] {
        let first = open_ms.div_euclid(60_000);
        let minutes = (res_ms / 60_000).max(1);
        let open = self.hist_price(seed, first);
        let close = self.hist_price(seed, first + minutes);
        let (mut high, mut low) = (open.max(close), open.min(close));
        let step = (minutes / 240).max(1);
        let mut m = first;
        while m < first + minutes {
            let p = self.hist_price(seed, m);
            high = high.max(p);
            low = low.min(p);
            m += step;
        }
        let lots =
            Decimal::from(mix(seed ^ open_ms as u64 ^ 0x5eed) % 200 + 1) * Decimal::from(minutes);
        let amount = lots * self.cfg.min_trade_amount;
        let (volume, cost) = self.volume_cost(close, amount);
        [open, high, low, close, volume, cost]
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
