//! What the unified-API commands share: venues, URLs, symbols, timeframes, dates and output.

use std::io::Write;
use std::str::FromStr;

use anyhow::Context;
use tradewire::DataApi;
use tradewire::core::{Capabilities, MarketData, MarketEvent, Symbol, Timeframe, Venue};

use crate::UsageError;

/// The venue named on the command line, if this build's unified API supports it.
pub fn parse_venue(s: &str) -> anyhow::Result<Venue> {
    let available = DataApi::available();
    let names = || {
        available
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let venue = Venue::from_str(&s.trim().to_ascii_lowercase())
        .map_err(|_| UsageError(format!("unknown venue {s:?} (valid: {})", names())))?;
    if !available.contains(&venue) {
        return Err(UsageError(format!(
            "venue {s:?} is not supported by the unified API of this build (valid: {})",
            names()
        ))
        .into());
    }
    Ok(venue)
}

/// The unified client of `venue`, with the URLs given on the command line.
pub fn client(
    venue: Venue,
    ws_url: Option<&str>,
    rest_url: Option<&str>,
) -> anyhow::Result<Box<dyn MarketData>> {
    let mut api = DataApi::new();
    if let Some(url) = ws_url {
        api = api.ws_url(venue, url);
    }
    if let Some(url) = rest_url {
        api = api.rest_url(venue, url);
    }
    api.venue(venue)
        .with_context(|| format!("cannot build the {venue} client"))
}

/// An example of each venue's own spelling, for error messages.
fn symbol_examples(venue: Venue) -> &'static str {
    match venue {
        Venue::Binance => "BTC/USDT or BTCUSDT",
        Venue::Deribit => "BTC/USD:BTC or BTC-PERPETUAL",
        _ => "BASE/QUOTE",
    }
}

/// A symbol in canonical or `venue` spelling.
pub fn parse_symbol(venue: Venue, s: &str) -> anyhow::Result<Symbol> {
    DataApi::parse_symbol(venue, s).map_err(|e| {
        UsageError(format!(
            "invalid symbol {s:?} for {venue}: {e} (e.g. {}; `tradewire symbols {venue}` lists them)",
            symbol_examples(venue)
        ))
        .into()
    })
}

/// Space-separated timeframes.
pub fn list_timeframes(timeframes: &[Timeframe]) -> String {
    timeframes
        .iter()
        .map(|tf| tf.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Timeframes a venue streams or polls (streamed first, then REST-only ones).
pub fn stream_or_poll_timeframes(caps: &Capabilities) -> Vec<Timeframe> {
    let mut all = caps.stream_timeframes.clone();
    for tf in &caps.rest_timeframes {
        if !all.contains(tf) {
            all.push(*tf);
        }
    }
    all
}

/// `s` as one of `valid`, or an error naming the valid ones.
pub fn parse_timeframe(venue: Venue, s: &str, valid: &[Timeframe]) -> anyhow::Result<Timeframe> {
    match Timeframe::from_str(s.trim()) {
        Ok(tf) if valid.contains(&tf) => Ok(tf),
        _ => Err(UsageError(format!(
            "unsupported timeframe {s:?} for {venue} (valid: {})",
            list_timeframes(valid)
        ))
        .into()),
    }
}

/// Adds a hint to a venue's "unknown symbol" error.
pub fn explain(venue: Venue, e: tradewire::core::Error) -> anyhow::Error {
    match e {
        e @ tradewire::core::Error::UnknownSymbol { .. } => {
            anyhow::anyhow!("{e} (`tradewire symbols {venue}` lists the instruments {venue} has)")
        }
        e => e.into(),
    }
}

/// Writes one event as a JSON line and flushes (readers see lines as they come).
pub fn print_event(out: &mut impl Write, event: &MarketEvent) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, event).context("writing stdout")?;
    out.write_all(b"\n").context("writing stdout")?;
    out.flush().context("writing stdout")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A UTC instant in ms: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` (also `…THH:MMZ`, a space for
/// `T`, no `Z`) or epoch milliseconds.
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let bad = || {
        format!("invalid time {s:?} (use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch milliseconds)")
    };
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().map_err(|_| bad());
    }
    let s2 = s.strip_suffix('Z').unwrap_or(s);
    let (date, time) = match s2.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s2, None),
    };
    let num = |p: &str, len: usize| -> Result<i64, String> {
        if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse::<i64>().map_err(|_| bad())
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (year, month, day) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad());
    }
    let mut secs = 0;
    if let Some(time) = time {
        let fields: Vec<&str> = time.split(':').collect();
        let (h, mi, se) = match fields.as_slice() {
            [h, mi] => (num(h, 2)?, num(mi, 2)?, 0),
            [h, mi, se] => (num(h, 2)?, num(mi, 2)?, num(se, 2)?),
            _ => return Err(bad()),
        };
        if h > 23 || mi > 59 || se > 59 {
            return Err(bad());
        }
        secs = h * 3600 + mi * 60 + se;
    }
    Ok((days_from_civil(year, month, day) * 86_400 + secs) * 1000)
}

/// Now, UTC ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01"), Ok(0));
        assert_eq!(parse_time("2024-01-01"), Ok(1_704_067_200_000));
        assert_eq!(parse_time("2024-01-01T01:02:03Z"), Ok(1_704_070_923_000));
        assert_eq!(parse_time("2024-01-01 01:02"), Ok(1_704_070_920_000));
        assert_eq!(parse_time("2024-02-29"), Ok(1_709_164_800_000));
        assert_eq!(parse_time("1704067200000"), Ok(1_704_067_200_000));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "yesterday",
            "",
            "2024-01-01T25:00",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn venues_and_timeframes() {
        assert_eq!(parse_venue("Binance").unwrap(), Venue::Binance);
        let e = parse_venue("nyse").unwrap_err().to_string();
        assert!(e.contains("binance") && e.contains("deribit"), "{e}");
        let valid = [Timeframe::M1, Timeframe::H1];
        assert_eq!(
            parse_timeframe(Venue::Binance, "1h", &valid).unwrap(),
            Timeframe::H1
        );
        let e = parse_timeframe(Venue::Binance, "7m", &valid)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"7m\"") && e.contains("1m 1h"), "{e}");
    }
}
