//! Candle intervals ([`Timeframe`]) and UTC candle-boundary arithmetic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::{self, MS_PER_DAY};

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = MS_PER_DAY;
const WEEK: i64 = 7 * DAY;
/// 1970-01-05T00:00:00Z, the first Monday after the epoch (the epoch was a Thursday).
const FIRST_MONDAY: i64 = 4 * DAY;

/// A candle interval. Serialized as its canonical string ([`Timeframe::as_str`]).
///
/// Candles are aligned in UTC: intraday and `1d`/`3d` candles on multiples of their length
/// since the Unix epoch, `1w` candles on Mondays 00:00 UTC (as Binance), and `1M` candles on the
/// first day of each calendar month.
///
/// ```
/// use tradewire_core::Timeframe;
///
/// let tf: Timeframe = "1h".parse()?;
/// assert_eq!(tf, Timeframe::H1);
/// assert_eq!(tf.duration_ms(), 3_600_000);
/// assert_eq!(tf.open_time_for(1_700_000_123_456), 1_699_999_200_000);
/// // calendar months: 2024-02-29T12:00Z lies in the candle 2024-02-01 .. 2024-03-01
/// let feb = Timeframe::Mo1.open_time_for(1_709_208_000_000);
/// assert_eq!(feb, 1_706_745_600_000);
/// assert_eq!(Timeframe::Mo1.next_open_time(feb), 1_709_251_200_000);
/// # Ok::<(), tradewire_core::TimeframeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timeframe {
    /// One second (`"1s"`).
    S1,
    /// One minute (`"1m"`).
    M1,
    /// Three minutes (`"3m"`).
    M3,
    /// Five minutes (`"5m"`).
    M5,
    /// Fifteen minutes (`"15m"`).
    M15,
    /// Thirty minutes (`"30m"`).
    M30,
    /// One hour (`"1h"`).
    H1,
    /// Two hours (`"2h"`).
    H2,
    /// Four hours (`"4h"`).
    H4,
    /// Six hours (`"6h"`).
    H6,
    /// Eight hours (`"8h"`).
    H8,
    /// Twelve hours (`"12h"`).
    H12,
    /// One day (`"1d"`).
    D1,
    /// Three days (`"3d"`).
    D3,
    /// One week, opening Monday 00:00 UTC (`"1w"`).
    W1,
    /// One calendar month, opening on the 1st at 00:00 UTC (`"1M"`).
    Mo1,
}

impl Timeframe {
    /// Every timeframe, shortest first.
    pub const ALL: [Timeframe; 16] = [
        Timeframe::S1,
        Timeframe::M1,
        Timeframe::M3,
        Timeframe::M5,
        Timeframe::M15,
        Timeframe::M30,
        Timeframe::H1,
        Timeframe::H2,
        Timeframe::H4,
        Timeframe::H6,
        Timeframe::H8,
        Timeframe::H12,
        Timeframe::D1,
        Timeframe::D3,
        Timeframe::W1,
        Timeframe::Mo1,
    ];

    /// The canonical string: `"1s"`, `"1m"`, … `"12h"`, `"1d"`, `"3d"`, `"1w"`, `"1M"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Timeframe::S1 => "1s",
            Timeframe::M1 => "1m",
            Timeframe::M3 => "3m",
            Timeframe::M5 => "5m",
            Timeframe::M15 => "15m",
            Timeframe::M30 => "30m",
            Timeframe::H1 => "1h",
            Timeframe::H2 => "2h",
            Timeframe::H4 => "4h",
            Timeframe::H6 => "6h",
            Timeframe::H8 => "8h",
            Timeframe::H12 => "12h",
            Timeframe::D1 => "1d",
            Timeframe::D3 => "3d",
            Timeframe::W1 => "1w",
            Timeframe::Mo1 => "1M",
        }
    }

    /// The length in milliseconds. Exact for every timeframe except [`Timeframe::Mo1`], for
    /// which it is a nominal 30 days: use [`open_time_for`](Self::open_time_for) and
    /// [`next_open_time`](Self::next_open_time) for real month boundaries.
    pub const fn duration_ms(self) -> i64 {
        match self.fixed_duration_ms() {
            Some(ms) => ms,
            None => 30 * DAY,
        }
    }

    /// The exact length in milliseconds, or `None` for the calendar month (`1M`).
    pub const fn fixed_duration_ms(self) -> Option<i64> {
        Some(match self {
            Timeframe::S1 => SECOND,
            Timeframe::M1 => MINUTE,
            Timeframe::M3 => 3 * MINUTE,
            Timeframe::M5 => 5 * MINUTE,
            Timeframe::M15 => 15 * MINUTE,
            Timeframe::M30 => 30 * MINUTE,
            Timeframe::H1 => HOUR,
            Timeframe::H2 => 2 * HOUR,
            Timeframe::H4 => 4 * HOUR,
            Timeframe::H6 => 6 * HOUR,
            Timeframe::H8 => 8 * HOUR,
            Timeframe::H12 => 12 * HOUR,
            Timeframe::D1 => DAY,
            Timeframe::D3 => 3 * DAY,
            Timeframe::W1 => WEEK,
            Timeframe::Mo1 => return None,
        })
    }

    /// The open time (UTC ms) of the candle containing the instant `ts_ms`. Saturates at
    /// `i64::MIN`.
    pub fn open_time_for(self, ts_ms: i64) -> i64 {
        match self {
            Timeframe::Mo1 => {
                let (y, m, _) = calendar::civil_from_ms(ts_ms);
                calendar::ms_from_civil(y, m, 1)
            }
            Timeframe::W1 => {
                let since_monday = (ts_ms.rem_euclid(WEEK) - FIRST_MONDAY).rem_euclid(WEEK);
                ts_ms.saturating_sub(since_monday)
            }
            _ => ts_ms.saturating_sub(ts_ms.rem_euclid(self.duration_ms())),
        }
    }

    /// The open time (UTC ms) of the candle after the one containing `open_ms` (normally a
    /// candle's open time). Handles month lengths and leap years for `1M`. Saturates at
    /// `i64::MAX`.
    pub fn next_open_time(self, open_ms: i64) -> i64 {
        match self {
            Timeframe::Mo1 => {
                let (y, m, _) = calendar::civil_from_ms(open_ms);
                if m == 12 {
                    calendar::ms_from_civil(y + 1, 1, 1)
                } else {
                    calendar::ms_from_civil(y, m + 1, 1)
                }
            }
            _ => self
                .open_time_for(open_ms)
                .saturating_add(self.duration_ms()),
        }
    }

    /// The close time of the candle opening at `open_ms`, Binance style: the last millisecond
    /// inside the candle (`next_open_time(open_ms) - 1`).
    pub fn close_time_for(self, open_ms: i64) -> i64 {
        self.next_open_time(open_ms).saturating_sub(1)
    }
}

impl fmt::Display for Timeframe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for a string that names no [`Timeframe`]; its message lists the valid values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timeframe {0:?}: expected one of 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M"
)]
pub struct TimeframeError(pub String);

impl FromStr for Timeframe {
    type Err = TimeframeError;

    /// Parses the canonical strings plus common aliases: upper-case hour/day/week units
    /// (`"1H"`, `"4H"`, `"1D"`, `"1W"`, as OKX spells them), minute counts (`"60m"`, `"240m"`,
    /// …), `"60s"`, `"24h"`, `"7d"`, and `"1mo"`/`"1mon"`/`"1month"` for a month. `"1m"` is one
    /// minute and `"1M"` one month.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(tf) = Timeframe::ALL.into_iter().find(|tf| tf.as_str() == s) {
            return Ok(tf);
        }
        let tf = match s {
            "1S" | "60s" => Timeframe::M1,
            "60m" | "1H" | "60min" => Timeframe::H1,
            "120m" | "2H" => Timeframe::H2,
            "240m" | "4H" => Timeframe::H4,
            "360m" | "6H" => Timeframe::H6,
            "480m" | "8H" => Timeframe::H8,
            "720m" | "12H" => Timeframe::H12,
            "1D" | "24h" | "24H" | "1440m" => Timeframe::D1,
            "3D" | "72h" => Timeframe::D3,
            "1W" | "7d" | "7D" => Timeframe::W1,
            "1mo" | "1mon" | "1month" | "1Mo" => Timeframe::Mo1,
            _ => return Err(TimeframeError(s.to_owned())),
        };
        Ok(tf)
    }
}

impl Serialize for Timeframe {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Timeframe {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::ms_from_civil;

    #[test]
    fn canonical_strings_round_trip() {
        for tf in Timeframe::ALL {
            assert_eq!(tf.as_str().parse::<Timeframe>(), Ok(tf));
            assert_eq!(tf.to_string(), tf.as_str());
            let json = serde_json::to_string(&tf).unwrap();
            assert_eq!(json, format!("\"{}\"", tf.as_str()));
            assert_eq!(serde_json::from_str::<Timeframe>(&json).unwrap(), tf);
        }
    }

    #[test]
    fn minute_and_month_are_distinct() {
        assert_eq!("1m".parse::<Timeframe>(), Ok(Timeframe::M1));
        assert_eq!("1M".parse::<Timeframe>(), Ok(Timeframe::Mo1));
        assert_eq!(Timeframe::Mo1.as_str(), "1M");
        assert_eq!(Timeframe::M1.as_str(), "1m");
    }

    #[test]
    fn aliases() {
        assert_eq!("60m".parse::<Timeframe>(), Ok(Timeframe::H1));
        assert_eq!("1H".parse::<Timeframe>(), Ok(Timeframe::H1));
        assert_eq!("4H".parse::<Timeframe>(), Ok(Timeframe::H4));
        assert_eq!("1D".parse::<Timeframe>(), Ok(Timeframe::D1));
        assert_eq!("1W".parse::<Timeframe>(), Ok(Timeframe::W1));
        assert_eq!("1mo".parse::<Timeframe>(), Ok(Timeframe::Mo1));
    }

    #[test]
    fn invalid_lists_valid_values() {
        for bad in ["", "2m", "1y", "m1", " 1m", "1 m"] {
            let err = bad.parse::<Timeframe>().unwrap_err();
            assert_eq!(err, TimeframeError(bad.into()));
            let msg = err.to_string();
            assert!(msg.contains("1s, 1m, 3m"), "{msg}");
            assert!(msg.contains("1w, 1M"), "{msg}");
        }
        assert!(serde_json::from_str::<Timeframe>(r#""2m""#).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(Timeframe::S1.duration_ms(), 1_000);
        assert_eq!(Timeframe::M15.duration_ms(), 900_000);
        assert_eq!(Timeframe::H12.duration_ms(), 43_200_000);
        assert_eq!(Timeframe::W1.duration_ms(), 604_800_000);
        assert_eq!(Timeframe::Mo1.fixed_duration_ms(), None);
        assert_eq!(Timeframe::D3.fixed_duration_ms(), Some(259_200_000));
        // sorted by length
        for w in Timeframe::ALL.windows(2) {
            assert!(w[0].duration_ms() < w[1].duration_ms());
        }
    }

    #[test]
    fn fixed_alignment() {
        let t = ms_from_civil(2024, 2, 29) + 12 * HOUR + 34 * MINUTE + 56_789;
        assert_eq!(Timeframe::M1.open_time_for(t), t - 56_789);
        assert_eq!(Timeframe::M15.open_time_for(t), t - 4 * MINUTE - 56_789);
        assert_eq!(
            Timeframe::H4.open_time_for(t),
            ms_from_civil(2024, 2, 29) + 12 * HOUR
        );
        assert_eq!(Timeframe::D1.open_time_for(t), ms_from_civil(2024, 2, 29));
        assert_eq!(
            Timeframe::D1.next_open_time(ms_from_civil(2024, 2, 29)),
            ms_from_civil(2024, 3, 1)
        );
        assert_eq!(Timeframe::H1.close_time_for(0), 3_599_999);
        // instants before the epoch floor downwards
        assert_eq!(Timeframe::M1.open_time_for(-1), -60_000);
    }

    #[test]
    fn weeks_open_on_monday() {
        // 2024-02-29 is a Thursday; its week opens Monday 2024-02-26.
        let t = ms_from_civil(2024, 2, 29) + 12 * HOUR;
        assert_eq!(Timeframe::W1.open_time_for(t), ms_from_civil(2024, 2, 26));
        assert_eq!(
            Timeframe::W1.next_open_time(ms_from_civil(2024, 2, 26)),
            ms_from_civil(2024, 3, 4)
        );
        // a Monday at 00:00 opens its own week; Sunday 23:59:59.999 belongs to the previous one
        let monday = ms_from_civil(2024, 3, 4);
        assert_eq!(Timeframe::W1.open_time_for(monday), monday);
        assert_eq!(
            Timeframe::W1.open_time_for(monday - 1),
            ms_from_civil(2024, 2, 26)
        );
        // Binance BTCUSDT 1w kline open time 1704067200000 = Monday 2024-01-01
        assert_eq!(
            Timeframe::W1.open_time_for(1_704_067_200_000 + 3 * DAY),
            1_704_067_200_000
        );
        // the epoch (Thursday) lies in the week of Monday 1969-12-29
        assert_eq!(Timeframe::W1.open_time_for(0), -3 * DAY);
    }

    #[test]
    fn months_are_calendar_months() {
        let tf = Timeframe::Mo1;
        let t = ms_from_civil(2024, 2, 29) + 12 * HOUR;
        assert_eq!(tf.open_time_for(t), ms_from_civil(2024, 2, 1));
        assert_eq!(
            tf.next_open_time(ms_from_civil(2024, 2, 1)),
            ms_from_civil(2024, 3, 1)
        );
        assert_eq!(
            tf.close_time_for(ms_from_civil(2024, 2, 1)),
            ms_from_civil(2024, 3, 1) - 1
        );
        // leap / non-leap February lengths
        assert_eq!(
            tf.next_open_time(ms_from_civil(2024, 2, 1)) - ms_from_civil(2024, 2, 1),
            29 * DAY
        );
        assert_eq!(
            tf.next_open_time(ms_from_civil(2023, 2, 1)) - ms_from_civil(2023, 2, 1),
            28 * DAY
        );
        // December rolls over to January of the next year
        assert_eq!(
            tf.next_open_time(ms_from_civil(2024, 12, 1)),
            ms_from_civil(2025, 1, 1)
        );
        // month boundaries
        assert_eq!(
            tf.open_time_for(ms_from_civil(2024, 3, 1) - 1),
            ms_from_civil(2024, 2, 1)
        );
        assert_eq!(
            tf.open_time_for(ms_from_civil(2024, 3, 1)),
            ms_from_civil(2024, 3, 1)
        );
        // walking twelve months from Jan 2025 lands on Jan 2026
        let mut open = ms_from_civil(2025, 1, 1);
        for _ in 0..12 {
            open = tf.next_open_time(open);
        }
        assert_eq!(open, ms_from_civil(2026, 1, 1));
        // pre-epoch
        assert_eq!(tf.open_time_for(-1), ms_from_civil(1969, 12, 1));
    }

    #[test]
    fn extremes_do_not_panic() {
        for tf in Timeframe::ALL {
            let _ = tf.open_time_for(i64::MAX);
            let _ = tf.open_time_for(i64::MIN);
            let _ = tf.next_open_time(i64::MAX);
            let _ = tf.close_time_for(i64::MIN);
        }
    }
}
