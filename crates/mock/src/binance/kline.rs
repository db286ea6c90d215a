//! Kline intervals (UTC calendar math), candles, and the deterministic price history.

use rust_decimal::Decimal;

use super::util::{Obj, fmt8, hash_str, jstr, mix, scaled};

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// 1970-01-01 was a Thursday; Binance weeks open on Monday 00:00 UTC (1970-01-05).
const WEEK_ORIGIN: i64 = 4 * DAY;

/// The kline intervals of web-socket-streams.md "Kline/Candlestick chart intervals" and
/// rest-api.md "Kline/Candlestick data" (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Interval {
    S1,
    M1,
    M3,
    M5,
    M15,
    M30,
    H1,
    H2,
    H4,
    H6,
    H8,
    H12,
    D1,
    D3,
    W1,
    Mo1,
}

impl Interval {
    pub(crate) const ALL: [Interval; 16] = [
        Interval::S1,
        Interval::M1,
        Interval::M3,
        Interval::M5,
        Interval::M15,
        Interval::M30,
        Interval::H1,
        Interval::H2,
        Interval::H4,
        Interval::H6,
        Interval::H8,
        Interval::H12,
        Interval::D1,
        Interval::D3,
        Interval::W1,
        Interval::Mo1,
    ];

    pub(crate) fn parse(s: &str) -> Option<Interval> {
        Interval::ALL.into_iter().find(|i| i.as_str() == s)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Interval::S1 => "1s",
            Interval::M1 => "1m",
            Interval::M3 => "3m",
            Interval::M5 => "5m",
            Interval::M15 => "15m",
            Interval::M30 => "30m",
            Interval::H1 => "1h",
            Interval::H2 => "2h",
            Interval::H4 => "4h",
            Interval::H6 => "6h",
            Interval::H8 => "8h",
            Interval::H12 => "12h",
            Interval::D1 => "1d",
            Interval::D3 => "3d",
            Interval::W1 => "1w",
            Interval::Mo1 => "1M",
        }
    }

    pub(crate) fn index(self) -> usize {
        Interval::ALL.iter().position(|i| *i == self).unwrap_or(0)
    }

    /// Fixed length in ms; `None` for calendar months.
    fn fixed(self) -> Option<i64> {
        Some(match self {
            Interval::S1 => SEC,
            Interval::M1 => MIN,
            Interval::M3 => 3 * MIN,
            Interval::M5 => 5 * MIN,
            Interval::M15 => 15 * MIN,
            Interval::M30 => 30 * MIN,
            Interval::H1 => HOUR,
            Interval::H2 => 2 * HOUR,
            Interval::H4 => 4 * HOUR,
            Interval::H6 => 6 * HOUR,
            Interval::H8 => 8 * HOUR,
            Interval::H12 => 12 * HOUR,
            Interval::D1 => DAY,
            Interval::D3 => 3 * DAY,
            Interval::W1 => 7 * DAY,
            Interval::Mo1 => return None,
        })
    }

    /// Open time of the candle containing `t` (UTC).
    pub(crate) fn open_of(self, t: i64) -> i64 {
        match (self, self.fixed()) {
            (Interval::W1, Some(len)) => (t - WEEK_ORIGIN).div_euclid(len) * len + WEEK_ORIGIN,
            (_, Some(len)) => t.div_euclid(len) * len,
            (_, None) => {
                let (y, m, _) = civil_from_days(t.div_euclid(DAY));
                days_from_civil(y, m, 1) * DAY
            }
        }
    }

    /// Open time of the candle after the one opening at `open`.
    pub(crate) fn next_open(self, open: i64) -> i64 {
        match self.fixed() {
            Some(len) => open + len,
            None => {
                let (y, m, _) = civil_from_days(open.div_euclid(DAY));
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                days_from_civil(y, m, 1) * DAY
            }
        }
    }

    /// Open time of the candle before the one opening at `open`.
    pub(crate) fn prev_open(self, open: i64) -> i64 {
        match self.fixed() {
            Some(len) => open - len,
            None => self.open_of(open - 1),
        }
    }

    /// Close time (`open` of the next candle − 1 ms), as in the documented payloads.
    pub(crate) fn close_of(self, open: i64) -> i64 {
        self.next_open(open) - 1
    }

    /// Live-stream update period in ms: "1000ms for `1s`, 2000ms for the other intervals"
    /// (web-socket-streams.md "Kline/Candlestick Streams for UTC").
    pub(crate) fn update_period_ms(self) -> u64 {
        if self == Interval::S1 { 1_000 } else { 2_000 }
    }
}

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31). Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One candle. Prices in ticks, volumes as exact decimals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candle {
    pub(crate) open_time: i64,
    pub(crate) close_time: i64,
    pub(crate) o: i64,
    pub(crate) h: i64,
    pub(crate) l: i64,
    pub(crate) c: i64,
    pub(crate) volume: Decimal,
    pub(crate) quote_volume: Decimal,
    pub(crate) trades: i64,
    pub(crate) taker_buy_volume: Decimal,
    pub(crate) taker_buy_quote: Decimal,
    pub(crate) first_trade: i64,
    pub(crate) last_trade: i64,
}

impl Candle {
    /// An empty candle at `price` (no trades yet).
    pub(crate) fn flat(interval: Interval, open_time: i64, price: i64) -> Self {
        Self {
            open_time,
            close_time: interval.close_of(open_time),
            o: price,
            h: price,
            l: price,
            c: price,
            volume: Decimal::ZERO,
            quote_volume: Decimal::ZERO,
            trades: 0,
            taker_buy_volume: Decimal::ZERO,
            taker_buy_quote: Decimal::ZERO,
            first_trade: -1,
            last_trade: -1,
        }
    }

    /// Adds one trade (`price` in ticks; `qty` and `quote` exact).
    pub(crate) fn add_trade(
        &mut self,
        id: i64,
        price: i64,
        qty: Decimal,
        quote: Decimal,
        taker_is_buyer: bool,
    ) {
        if self.trades == 0 {
            self.o = price;
            self.h = price;
            self.l = price;
            self.first_trade = id;
        }
        self.h = self.h.max(price);
        self.l = self.l.min(price);
        self.c = price;
        self.volume += qty;
        self.quote_volume += quote;
        self.trades += 1;
        self.last_trade = id;
        if taker_is_buyer {
            self.taker_buy_volume += qty;
            self.taker_buy_quote += quote;
        }
    }

    // rest-api.md "Kline/Candlestick data" — Response: an array of 12 fields per kline.
    pub(crate) fn rest_json(&self, tick: Decimal) -> String {
        format!(
            "[{},{},{},{},{},{},{},{},{},{},{},\"0\"]",
            self.open_time,
            jstr(&fmt8(scaled(self.o, tick))),
            jstr(&fmt8(scaled(self.h, tick))),
            jstr(&fmt8(scaled(self.l, tick))),
            jstr(&fmt8(scaled(self.c, tick))),
            jstr(&fmt8(self.volume)),
            self.close_time,
            jstr(&fmt8(self.quote_volume)),
            self.trades,
            jstr(&fmt8(self.taker_buy_volume)),
            jstr(&fmt8(self.taker_buy_quote)),
        )
    }

    // web-socket-streams.md "Kline/Candlestick Streams for UTC" — Payload.
    pub(crate) fn stream_json(
        &self,
        event_time: i64,
        symbol: &str,
        interval: Interval,
        closed: bool,
        tick: Decimal,
    ) -> String {
        let k = Obj::new()
            .n("t", self.open_time)
            .n("T", self.close_time)
            .s("s", symbol)
            .s("i", interval.as_str())
            .n("f", self.first_trade)
            .n("L", self.last_trade)
            .d("o", scaled(self.o, tick))
            .d("c", scaled(self.c, tick))
            .d("h", scaled(self.h, tick))
            .d("l", scaled(self.l, tick))
            .d("v", self.volume)
            .n("n", self.trades)
            .b("x", closed)
            .d("q", self.quote_volume)
            .d("V", self.taker_buy_volume)
            .d("Q", self.taker_buy_quote)
            .s("B", "0")
            .finish();
        Obj::new()
            .s("e", "kline")
            .n("E", event_time)
            .s("s", symbol)
            .raw("k", &k)
            .finish()
    }
}

/// The deterministic price history of one symbol: a smooth function of time, so any candle
/// of any interval can be produced on demand and consecutive candles join up (the close of
/// one is the open of the next).
#[derive(Debug, Clone)]
pub(crate) struct History {
    key: u64,
    base: f64,
    tick: Decimal,
    step: Decimal,
    phases: [f64; 4],
    /// The live order flow the history is sized after.
    flow: Flow,
}

/// The order flow of the live market per minute, on average: what the simulated takers
/// trade at the configured tick rate. History candles are sized after it, so that history
/// and live candles are on the same scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Flow {
    /// Base volume per minute.
    pub(crate) volume_per_min: f64,
    /// Trades per minute.
    pub(crate) trades_per_min: f64,
}

/// (period ms, relative amplitude) of the sinusoids that make the price path.
const WAVES: [(f64, f64); 4] = [
    (9.0 * DAY as f64, 0.05),
    (DAY as f64, 0.02),
    (3.7 * HOUR as f64, 0.008),
    (17.0 * MIN as f64, 0.002),
];

impl History {
    pub(crate) fn new(
        seed: u64,
        symbol: &str,
        base: Decimal,
        tick: Decimal,
        step: Decimal,
        flow: Flow,
    ) -> Self {
        let key = mix(seed ^ hash_str(symbol));
        let mut phases = [0.0; 4];
        let mut state = key;
        for p in &mut phases {
            state = mix(state.wrapping_add(1));
            *p = (state >> 11) as f64 / (1u64 << 53) as f64 * std::f64::consts::TAU;
        }
        let base_f = base.to_string().parse::<f64>().unwrap_or(1.0).max(1e-12);
        Self {
            key,
            base: base_f,
            tick,
            step,
            phases,
            flow,
        }
    }

    fn tick_f(&self) -> f64 {
        self.tick
            .to_string()
            .parse::<f64>()
            .unwrap_or(0.01)
            .max(1e-12)
    }

    /// Price at `t` in ticks (at least 1 tick).
    pub(crate) fn price_ticks(&self, t: i64) -> i64 {
        let mut x = 0.0;
        for ((period, amp), phase) in WAVES.iter().zip(self.phases) {
            x += amp * (std::f64::consts::TAU * t as f64 / period + phase).sin();
        }
        let price = self.base * x.exp();
        ((price / self.tick_f()).round() as i64).max(1)
    }

    fn unit(&self, interval: Interval, open: i64, salt: u64) -> f64 {
        let h = mix(self.key ^ mix(open as u64 ^ (interval.index() as u64) << 56) ^ salt);
        (h >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `value` in whole steps (rounded down).
    fn steps(&self, value: f64) -> i64 {
        let step_f = self
            .step
            .to_string()
            .parse::<f64>()
            .unwrap_or(1.0)
            .max(1e-12);
        (value / step_f).floor().max(0.0) as i64
    }

    /// The historical candle opening at `open`.
    pub(crate) fn candle(&self, interval: Interval, open: i64) -> Candle {
        let next = interval.next_open(open);
        let o = self.price_ticks(open);
        let c = self.price_ticks(next);
        let len_min = ((next - open) as f64 / MIN as f64).max(1.0 / 60.0);
        // Wicks grow with the square root of the candle length.
        let wick = 0.0004 * len_min.sqrt();
        let hi_f = o.max(c) as f64 * (1.0 + wick * self.unit(interval, open, 1));
        let lo_f = o.min(c) as f64 * (1.0 - wick * self.unit(interval, open, 2));
        let h = (hi_f.ceil() as i64).max(o.max(c));
        let l = (lo_f.floor() as i64).clamp(1, o.min(c));
        // Volume and trade count: the live flow over the candle's length, ±50 %.
        let volume_f = self.flow.volume_per_min * len_min * (0.5 + self.unit(interval, open, 3));
        let volume_steps = self.steps(volume_f);
        let volume = scaled(volume_steps, self.step);
        // Traded at the mid of open and close, which lies within [low, high].
        let mid = scaled(o + c, self.tick) / Decimal::TWO;
        let quote_volume = (volume * mid).round_dp(8);
        let buy_share = 0.3 + 0.4 * self.unit(interval, open, 4);
        let taker_buy_volume = scaled(
            self.steps(volume_f * buy_share).min(volume_steps),
            self.step,
        );
        let taker_buy_quote = (taker_buy_volume * mid).round_dp(8);
        // At least one trade when something traded, at most one per step of volume.
        let trades_f = self.flow.trades_per_min * len_min * (0.5 + self.unit(interval, open, 5));
        let trades = (trades_f.round() as i64).clamp(volume_steps.min(1), volume_steps);
        Candle {
            open_time: open,
            close_time: next - 1,
            o,
            h,
            l,
            c,
            volume,
            quote_volume,
            trades,
            taker_buy_volume,
            taker_buy_quote,
            first_trade: -1,
            last_trade: -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trip() {
        for days in [-1000, 0, 59, 365, 10_957, 19_723, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2024, 3, 1), 19_783);
    }

    #[test]
    fn interval_alignment() {
        // 2024-02-15T12:34:56.789Z
        let t = 1_708_000_496_789;
        assert_eq!(Interval::M1.open_of(t), 1_708_000_440_000);
        assert_eq!(Interval::S1.open_of(t), 1_708_000_496_000);
        // Monthly: 2024-02-01 → next 2024-03-01 (leap year: 29 days).
        let feb = Interval::Mo1.open_of(t);
        assert_eq!(feb, days_from_civil(2024, 2, 1) * DAY);
        assert_eq!(
            Interval::Mo1.next_open(feb),
            days_from_civil(2024, 3, 1) * DAY
        );
        assert_eq!(
            Interval::Mo1.prev_open(feb),
            days_from_civil(2024, 1, 1) * DAY
        );
        // Weekly: Monday 2024-02-12.
        assert_eq!(Interval::W1.open_of(t), days_from_civil(2024, 2, 12) * DAY);
        for i in Interval::ALL {
            let open = i.open_of(t);
            assert!(open <= t && t <= i.close_of(open), "{}", i.as_str());
            assert_eq!(i.prev_open(i.next_open(open)), open, "{}", i.as_str());
            assert_eq!(Interval::parse(i.as_str()), Some(i));
        }
        assert_eq!(Interval::parse("2m"), None);
    }

    #[test]
    fn history_is_continuous_and_deterministic() {
        let h = History::new(
            1,
            "BTCUSDT",
            Decimal::new(60_000, 0),
            Decimal::new(1, 2),
            Decimal::new(1, 5),
            Flow {
                volume_per_min: 2.0,
                trades_per_min: 100.0,
            },
        );
        let a = h.candle(Interval::H1, 3_600_000 * 400_000);
        let b = h.candle(Interval::H1, 3_600_000 * 400_001);
        assert_eq!(a.c, b.o);
        assert!(a.h >= a.o.max(a.c) && a.l <= a.o.min(a.c));
        assert_eq!(a, h.candle(Interval::H1, 3_600_000 * 400_000));
        assert!(a.volume > Decimal::ZERO);
        assert!(a.taker_buy_volume <= a.volume);
    }
}
