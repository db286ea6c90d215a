//! The chart's candle series: REST history, then live updates, in open-time order.
//!
//! The chart library takes floats; candles are converted here, at the chart boundary, and
//! nowhere else. Live updates for the candle in progress replace the last bar, a new open time
//! appends one, and an update older than the last bar (a late duplicate) is ignored: the chart
//! library rejects out-of-order updates.

use serde::Serialize;
use tradewire::core::{Candle, Decimal};

/// Candles fetched over REST when a symbol is opened.
pub const HISTORY_CANDLES: i64 = 300;

/// One bar as the chart library takes it (`time` in UTC seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bar {
    /// Open time, UTC seconds.
    pub time: i64,
    /// Open.
    pub open: f64,
    /// High.
    pub high: f64,
    /// Low.
    pub low: f64,
    /// Close.
    pub close: f64,
}

/// One volume bar (`color` by the candle's direction).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VolumeBar {
    /// Open time, UTC seconds.
    pub time: i64,
    /// Volume.
    pub value: f64,
    /// Bar color.
    pub color: &'static str,
}

/// Volume color of a rising candle.
pub const UP_VOLUME: &str = "rgba(38,166,154,0.45)";
/// Volume color of a falling candle.
pub const DOWN_VOLUME: &str = "rgba(239,83,80,0.45)";

fn float(d: Decimal) -> f64 {
    f64::try_from(d).unwrap_or(f64::NAN)
}

/// A candle as chart bars.
pub fn bars(c: &Candle) -> (Bar, VolumeBar) {
    let time = c.open_time.div_euclid(1000);
    let bar = Bar {
        time,
        open: float(c.open),
        high: float(c.high),
        low: float(c.low),
        close: float(c.close),
    };
    let volume = VolumeBar {
        time,
        value: float(c.volume),
        color: if c.close >= c.open {
            UP_VOLUME
        } else {
            DOWN_VOLUME
        },
    };
    (bar, volume)
}

/// What to do with the chart for one live candle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesOp {
    /// A new bar after the last one.
    Append(Bar, VolumeBar),
    /// The last bar changed.
    Replace(Bar, VolumeBar),
    /// Older than the last bar: leave the chart alone.
    Ignore,
}

/// The open times on the chart.
#[derive(Debug, Clone, Default)]
pub struct Series {
    count: usize,
    last_open: Option<i64>,
}

impl Series {
    /// An empty series.
    pub fn new() -> Self {
        Series::default()
    }

    /// Bars on the chart.
    pub fn len(&self) -> usize {
        self.count
    }

    /// No bar yet.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Replaces the series with `history` (any order, duplicates allowed: sorted, the last
    /// of each open time kept). Returns the bars for the chart.
    pub fn set_history(&mut self, mut history: Vec<Candle>) -> (Vec<Bar>, Vec<VolumeBar>) {
        history.sort_by_key(|c| c.open_time);
        let mut deduped: Vec<Candle> = Vec::with_capacity(history.len());
        for c in history {
            match deduped.last_mut() {
                Some(last) if last.open_time == c.open_time => *last = c,
                _ => deduped.push(c),
            }
        }
        self.count = deduped.len();
        self.last_open = deduped.last().map(|c| c.open_time);
        deduped.iter().map(bars).unzip()
    }

    /// Applies a live candle.
    pub fn apply(&mut self, c: &Candle) -> SeriesOp {
        let (bar, volume) = bars(c);
        match self.last_open {
            Some(last) if c.open_time < last => SeriesOp::Ignore,
            Some(last) if c.open_time == last => SeriesOp::Replace(bar, volume),
            _ => {
                self.count += 1;
                self.last_open = Some(c.open_time);
                SeriesOp::Append(bar, volume)
            }
        }
    }
}

/// Decimals the chart's price axis shows: the fewest that show every price of `candles`
/// exactly, at most 10 (a venue's tick size shows up as the prices' scale; Binance pads its
/// decimals, which are dropped first).
pub fn price_precision(candles: &[Candle]) -> u32 {
    crate::ladder::column_scale(
        candles
            .iter()
            .flat_map(|c| [c.open, c.high, c.low, c.close]),
    )
    .min(10)
}

/// The last closed candle's close and the change from the first candle's open, for the header:
/// (last price, change in percent with two decimals).
pub fn headline(first_open: Option<Decimal>, last_close: Decimal) -> (String, Option<String>) {
    let change = first_open
        .filter(|o| !o.is_zero())
        .and_then(|o| ((last_close - o) * Decimal::ONE_HUNDRED).checked_div(o))
        .map(|c| format!("{:+.2}%", c.round_dp(2)));
    (last_close.normalize().to_string(), change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tradewire::core::{Timeframe, Venue};

    fn candle(open_time: i64, open: &str, close: &str) -> Candle {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        Candle {
            venue: Venue::Binance,
            symbol: None,
            venue_symbol: "BTCUSDT".into(),
            timeframe: Timeframe::M1,
            open_time,
            close_time: None,
            open: d(open),
            high: d("101.5"),
            low: d("99.25"),
            close: d(close),
            volume: d("12.5"),
            quote_volume: None,
            trades: None,
            closed: false,
        }
    }

    #[test]
    fn converts_at_the_boundary() {
        let (bar, vol) = bars(&candle(60_000, "100.00", "100.50"));
        assert_eq!(bar.time, 60);
        assert_eq!(bar.open, 100.0);
        assert_eq!(bar.high, 101.5);
        assert_eq!(bar.low, 99.25);
        assert_eq!(bar.close, 100.5);
        assert_eq!(vol.value, 12.5);
        assert_eq!(vol.color, UP_VOLUME);
        assert_eq!(bars(&candle(0, "2", "1")).1.color, DOWN_VOLUME);
        assert_eq!(
            serde_json::to_string(&bar).unwrap(),
            r#"{"time":60,"open":100.0,"high":101.5,"low":99.25,"close":100.5}"#
        );
    }

    #[test]
    fn history_is_sorted_and_deduplicated() {
        let mut s = Series::new();
        let (b, v) = s.set_history(vec![
            candle(120_000, "1", "2"),
            candle(60_000, "1", "2"),
            candle(120_000, "1", "3"),
        ]);
        assert_eq!(b.iter().map(|b| b.time).collect::<Vec<_>>(), [60, 120]);
        assert_eq!(b[1].close, 3.0);
        assert_eq!(v.len(), 2);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn live_updates_replace_append_or_are_ignored() {
        let mut s = Series::new();
        assert!(s.is_empty());
        s.set_history(vec![candle(60_000, "1", "2")]);
        assert!(
            matches!(s.apply(&candle(60_000, "1", "2.5")), SeriesOp::Replace(b, _) if b.close == 2.5)
        );
        assert!(
            matches!(s.apply(&candle(120_000, "1", "2")), SeriesOp::Append(b, _) if b.time == 120)
        );
        assert_eq!(s.apply(&candle(60_000, "1", "2")), SeriesOp::Ignore);
        assert_eq!(s.len(), 2);
        // A live candle on an empty chart starts it.
        let mut empty = Series::new();
        assert!(matches!(
            empty.apply(&candle(0, "1", "1")),
            SeriesOp::Append(..)
        ));
        assert_eq!(empty.len(), 1);
    }

    #[test]
    fn precision_follows_the_prices() {
        let mut a = candle(0, "59508.07000000", "59508.10000000");
        assert_eq!(price_precision(&[a.clone()]), 2);
        a.low = Decimal::from_str("0.00012340").unwrap();
        assert_eq!(price_precision(&[a.clone()]), 7);
        assert_eq!(price_precision(&[]), 0);
        a.low = Decimal::from_str("0.000000000001").unwrap();
        assert_eq!(price_precision(&[a]), 10);
    }

    #[test]
    fn headline_change() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(
            headline(Some(d("100")), d("101.50000")),
            ("101.5".to_owned(), Some("+1.50%".to_owned()))
        );
        assert_eq!(headline(Some(d("0")), d("1")).1, None);
        assert_eq!(headline(None, d("1")).1, None);
        assert_eq!(
            headline(Some(d("200")), d("199")).1.as_deref(),
            Some("-0.50%")
        );
    }
}
