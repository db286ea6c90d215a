//! `tradewire candles <venue> <symbol> <timeframe> --since …`: historical candles to CSV or
//! JSON lines, fetched in chunks (a progress bar on a terminal) and resumable.
//!
//! With `--out`, only closed candles are written and an existing file is continued: its last
//! `open_time` is read and only later candles are fetched and appended (a line cut short by an
//! interruption is removed first), so re-running never duplicates a row.

use std::fs::OpenOptions;
use std::io::{BufWriter, IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tradewire::core::{Candle, MarketEvent, TimeRange, Timeframe};

use crate::{UsageError, common};

/// The CSV header.
pub const CSV_HEADER: &str =
    "open_time,close_time,open,high,low,close,volume,quote_volume,trades,closed";

/// Options of `tradewire candles`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The venue: binance or deribit.
    venue: String,
    /// The symbol, canonical (BTC/USDT) or the venue's spelling (BTCUSDT, BTC-PERPETUAL).
    symbol: String,
    /// The timeframe (1m, 1h, 1d, … as the venue serves them).
    timeframe: String,
    /// First candle open time (inclusive): YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch ms (UTC).
    #[arg(long, value_parser = common::parse_time)]
    since: i64,
    /// End (exclusive, candles opening before it); now when omitted.
    #[arg(long, value_parser = common::parse_time)]
    until: Option<i64>,
    /// Output file: `.csv` or `.jsonl`; JSON lines on stdout when omitted. An existing file is
    /// continued.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The venue's WebSocket base (Deribit answers requests over it).
    #[arg(long)]
    url: Option<String>,
    /// The venue's REST base (Binance: https://api.binance.com).
    #[arg(long)]
    rest_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Jsonl,
}

fn format_of(path: &Path) -> anyhow::Result<Format> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Ok(Format::Csv),
        Some("jsonl" | "ndjson") => Ok(Format::Jsonl),
        _ => Err(UsageError(format!(
            "cannot tell the format of {}: use a .csv or .jsonl file",
            path.display()
        ))
        .into()),
    }
}

/// One candle as a CSV row (no newline).
pub fn csv_row(c: &Candle) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    format!(
        "{},{},{},{},{},{},{},{},{},{}",
        c.open_time,
        opt(c.close_time.map(|t| t.to_string())),
        c.open,
        c.high,
        c.low,
        c.close,
        c.volume,
        opt(c.quote_volume.map(|v| v.to_string())),
        opt(c.trades.map(|t| t.to_string())),
        c.closed
    )
}

/// The open time of the last complete row of `path` (`None` for a missing or empty file or
/// a header only). A trailing partial line (an interrupted write) is cut off. Also returns
/// whether the file has content (no header is written then).
fn resume_point(path: &Path, format: Format) -> anyhow::Result<(Option<i64>, bool)> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, false)),
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    };
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok((None, false));
    }
    // The tail is enough: rows are short.
    let from = len.saturating_sub(64 * 1024);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)
        .with_context(|| format!("reading {}", path.display()))?;
    let complete = match tail.iter().rposition(|&b| b == b'\n') {
        Some(i) => i + 1,
        None if from == 0 => 0,
        None => anyhow::bail!(
            "{}: the last line is too long to be a candle",
            path.display()
        ),
    };
    if complete < tail.len() {
        let keep = from + u64::try_from(complete)?;
        eprintln!(
            "{}: removing an incomplete last line (an interrupted write)",
            path.display()
        );
        file.set_len(keep)
            .with_context(|| format!("truncating {}", path.display()))?;
        if keep == 0 {
            return Ok((None, false));
        }
    }
    let text = String::from_utf8_lossy(&tail[..complete]);
    let Some(last) = text.lines().rev().find(|l| !l.trim().is_empty()) else {
        return Ok((None, true));
    };
    let not_candle = || {
        anyhow::anyhow!(
            "cannot continue {}: its last line is not a candle: {last:?}",
            path.display()
        )
    };
    let open_time = match format {
        Format::Csv if last.trim() == CSV_HEADER => return Ok((None, true)),
        Format::Csv => last
            .split(',')
            .next()
            .and_then(|f| f.trim().parse::<i64>().ok())
            .ok_or_else(not_candle)?,
        Format::Jsonl => serde_json::from_str::<serde_json::Value>(last)
            .ok()
            .and_then(|v| v.get("open_time").and_then(serde_json::Value::as_i64))
            .ok_or_else(not_candle)?,
    };
    Ok((Some(open_time), true))
}

/// How many candles open in `[start, end)`.
fn count_slots(tf: Timeframe, start: i64, end: i64) -> u64 {
    if end <= start {
        return 0;
    }
    let mut open = tf.open_time_for(start);
    if open < start {
        open = tf.next_open_time(open);
    }
    if let Some(d) = tf.fixed_duration_ms().filter(|d| *d > 0) {
        return u64::try_from((end - open + d - 1).max(0) / d).unwrap_or(0);
    }
    let mut n = 0;
    while open < end {
        n += 1;
        open = tf.next_open_time(open);
    }
    n
}

/// The end of the chunk starting at `start`: `page` candle periods later, at most `end`.
fn chunk_end(tf: Timeframe, start: i64, end: i64, page: usize) -> i64 {
    let mut t = tf.open_time_for(start);
    for _ in 0..page {
        t = tf.next_open_time(t);
        if t >= end {
            return end;
        }
    }
    t.max(start.saturating_add(1)).min(end)
}

fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} candles (eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Runs the command.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let venue = common::parse_venue(&args.venue)?;
    let symbol = common::parse_symbol(venue, &args.symbol)?;
    let format = args.out.as_deref().map(format_of).transpose()?;
    let md = common::client(venue, args.url.as_deref(), args.rest_url.as_deref())?;
    let caps = md.capabilities();
    let timeframe = common::parse_timeframe(venue, &args.timeframe, &caps.rest_timeframes)?;
    let end = args.until.unwrap_or_else(common::now_ms);
    if end <= args.since {
        return Err(UsageError("--until must be after --since".into()).into());
    }

    // Where to start and where to write.
    let mut start = args.since;
    let mut last_written: Option<i64> = None;
    let mut sink: Box<dyn Write> = match (&args.out, format) {
        (Some(path), Some(format)) => {
            let (last, has_content) = resume_point(path, format)?;
            if let Some(last) = last {
                last_written = Some(last);
                start = start.max(timeframe.next_open_time(last));
                eprintln!(
                    "{}: continuing after the candle opened at {last}",
                    path.display()
                );
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("opening {}", path.display()))?;
            let mut w = BufWriter::new(file);
            if format == Format::Csv && !has_content {
                writeln!(w, "{CSV_HEADER}").context("writing the header")?;
            }
            Box::new(w)
        }
        _ => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let format = format.unwrap_or(Format::Jsonl);
    let to_file = args.out.is_some();
    if start >= end {
        sink.flush()?;
        eprintln!("up to date: nothing to fetch");
        return Ok(());
    }

    let page = caps.candles_page_limit.max(1);
    let bar = progress_bar(count_slots(timeframe, start, end));
    let mut written = 0u64;
    let mut chunk_start = start;
    'chunks: while chunk_start < end {
        let chunk_stop = chunk_end(timeframe, chunk_start, end, page);
        let candles = md
            .get_candles(&symbol, timeframe, TimeRange::new(chunk_start, chunk_stop))
            .await
            .map_err(|e| common::explain(venue, e))
            .with_context(|| format!("fetching {symbol} {timeframe} candles from {venue}"))?;
        for c in &candles {
            if last_written.is_some_and(|last| c.open_time <= last) {
                continue;
            }
            if to_file && !c.closed {
                // Written once closed, by a later run.
                sink.flush()?;
                bar.finish_and_clear();
                eprintln!(
                    "stopping at the candle still in progress (opened at {})",
                    c.open_time
                );
                break 'chunks;
            }
            match format {
                Format::Csv => writeln!(sink, "{}", csv_row(c)),
                Format::Jsonl => serde_json::to_writer(&mut sink, &MarketEvent::Candle(c.clone()))
                    .map_err(std::io::Error::from)
                    .and_then(|()| sink.write_all(b"\n")),
            }
            .context("writing candles")?;
            last_written = Some(c.open_time);
            written += 1;
        }
        // A chunk at a time reaches the disk: an interruption loses little.
        sink.flush().context("writing candles")?;
        bar.inc(count_slots(timeframe, chunk_start, chunk_stop));
        chunk_start = chunk_stop;
    }
    bar.finish_and_clear();
    match &args.out {
        Some(path) => eprintln!("wrote {written} candles to {}", path.display()),
        None => eprintln!("{written} candles"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_and_chunks() {
        let h = 3_600_000;
        assert_eq!(count_slots(Timeframe::H1, 0, 24 * h), 24);
        assert_eq!(count_slots(Timeframe::H1, 1, 24 * h), 23);
        assert_eq!(chunk_end(Timeframe::H1, 0, 100 * h, 10), 10 * h);
        assert_eq!(chunk_end(Timeframe::H1, 0, 5 * h, 10), 5 * h);
    }

    #[test]
    fn resume_reads_the_last_row_and_cuts_partial_lines() {
        let dir = std::env::temp_dir().join(format!("tw-candles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        std::fs::write(
            &path,
            format!("{CSV_HEADER}\n1,2,3,4,5,6,7,8,9,true\n5,6,7"),
        )
        .unwrap();
        assert_eq!(resume_point(&path, Format::Csv).unwrap(), (Some(1), true));
        assert!(std::fs::read_to_string(&path).unwrap().ends_with("true\n"));
        std::fs::write(&path, format!("{CSV_HEADER}\n")).unwrap();
        assert_eq!(resume_point(&path, Format::Csv).unwrap(), (None, true));
        let path = dir.join("b.jsonl");
        std::fs::write(&path, "{\"open_time\":7}\n").unwrap();
        assert_eq!(resume_point(&path, Format::Jsonl).unwrap(), (Some(7), true));
        assert_eq!(
            resume_point(&dir.join("none.csv"), Format::Csv).unwrap(),
            (None, false)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
