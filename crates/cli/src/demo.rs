//! `tradewire demo`: the offline main job.
//!
//! Starts the built-in Binance and Deribit simulators on 127.0.0.1 (their documented
//! protocols, deterministic markets) and runs the unified market-data API (`DataApi`, the
//! same code that talks to the real venues) against them: tickers and closed candles of
//! BTC/USDT and ETH/USDT on Binance (1-second candles) and BTC-PERPETUAL and ETH-PERPETUAL on
//! Deribit (1-minute candles). On a terminal it shows a live view refreshed twice a second;
//! otherwise (or with `--jsonl`) it prints the normalized events (`docs/events.md`) as JSON
//! lines. Half-way through, both simulators cut every connection: the streams reconnect and
//! resubscribe on their own and the data goes on. Runs until `--duration` or Ctrl-C.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use tradewire::DataApi;
use tradewire::core::{
    BoxStream, Candle, Decimal, MarketData, MarketEvent, StreamOptions, Symbol, Ticker, TimeRange,
    Timeframe, Venue,
};
use tradewire_mock::binance::BinanceSim;
use tradewire_mock::deribit::{DeribitSim, WS_PATH};

use crate::common;

/// Options of `tradewire demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to run (e.g. 5s, 2m); Ctrl-C stops earlier.
    #[arg(long, default_value = "6s", value_parser = parse_duration)]
    duration: Duration,
    /// Print one JSON object per event (docs/events.md) even on a terminal.
    #[arg(long)]
    jsonl: bool,
}

/// Parses `500ms`, `5s`, `2m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (examples: 500ms, 5s, 2m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {s:?} (use ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("invalid duration {s:?}: {e}"))
}

/// The instruments shown: (venue, symbol as written, venue spelling).
const INSTRUMENTS: [(Venue, &str, &str); 4] = [
    (Venue::Binance, "BTC/USDT", "BTCUSDT"),
    (Venue::Binance, "ETH/USDT", "ETHUSDT"),
    (Venue::Deribit, "BTC-PERPETUAL", "BTC-PERPETUAL"),
    (Venue::Deribit, "ETH-PERPETUAL", "ETH-PERPETUAL"),
];

type Events = BoxStream<'static, tradewire::core::Result<MarketEvent>>;

/// A venue's tickers and closed candles, merged.
async fn venue_streams(
    md: &dyn MarketData,
    symbols: Vec<Symbol>,
    timeframe: Timeframe,
) -> anyhow::Result<Vec<Events>> {
    let venue = md.venue();
    let tickers: Events = Box::pin(
        md.stream_ticker(symbols.clone())
            .await
            .with_context(|| format!("{venue} tickers"))?
            .map(|r| r.map(MarketEvent::Ticker)),
    );
    let opts = StreamOptions {
        only_closed: true,
        ..StreamOptions::default()
    };
    let candles: Events = Box::pin(
        md.stream_ohlcv_multi(symbols, timeframe, opts)
            .await
            .with_context(|| format!("{venue} candles"))?
            .map(|r| r.map(MarketEvent::Candle)),
    );
    Ok(vec![tickers, candles])
}

/// The last closed candle of each symbol over REST (slow timeframes close rarely in a demo).
async fn last_closed(md: &dyn MarketData, symbols: &[Symbol], tf: Timeframe) -> Vec<Candle> {
    let now = common::now_ms();
    let mut out = Vec::new();
    for symbol in symbols {
        let range = TimeRange::new(now - 10 * tf.duration_ms(), now);
        match md.get_candles(symbol, tf, range).await {
            Ok(candles) => out.extend(candles.into_iter().rev().find(|c| c.closed)),
            Err(e) => eprintln!("warning: {} {symbol} candles: {e}", md.venue()),
        }
    }
    out
}

/// What the live view shows of one instrument.
#[derive(Debug, Default)]
struct Row {
    ticker: Option<Ticker>,
    candle: Option<Candle>,
}

/// The live terminal view.
#[derive(Debug, Default)]
struct View {
    rows: HashMap<(Venue, String), Row>,
    events: HashMap<Venue, u64>,
    notes: Vec<String>,
}

impl View {
    fn apply(&mut self, event: &MarketEvent) {
        let (venue, key) = match event {
            MarketEvent::Ticker(t) => (t.venue, t.venue_symbol.clone()),
            MarketEvent::Candle(c) => (c.venue, c.venue_symbol.clone()),
            _ => return,
        };
        *self.events.entry(venue).or_default() += 1;
        let row = self.rows.entry((venue, key)).or_default();
        match event {
            MarketEvent::Ticker(t) => row.ticker = Some(t.clone()),
            MarketEvent::Candle(c) => row.candle = Some(c.clone()),
            _ => {}
        }
    }

    fn render(&self, elapsed: Duration, total: Duration, connections: (usize, usize)) -> String {
        let mut s = String::from("\x1b[H\x1b[2J");
        let _ = writeln!(
            s,
            "tradewire demo: the unified API against the Binance and Deribit simulators   {:.1}s / {:.1}s (Ctrl-C stops)\n",
            elapsed.as_secs_f64(),
            total.as_secs_f64()
        );
        let _ = writeln!(
            s,
            "{:<8} {:<14} {:>12} {:>8} {:>12} {:>12}   last closed candle",
            "venue", "symbol", "last", "24h", "bid", "ask"
        );
        for (venue, shown, venue_symbol) in INSTRUMENTS {
            let row = self.rows.get(&(venue, venue_symbol.to_owned()));
            let t = row.and_then(|r| r.ticker.as_ref());
            let change = t
                .and_then(|t| Some((t.last?, t.open_24h?)))
                .filter(|(_, open)| !open.is_zero())
                .and_then(|(last, open)| {
                    (last - open)
                        .checked_div(open)?
                        .checked_mul(Decimal::ONE_HUNDRED)
                })
                .map_or_else(|| "-".to_owned(), |c| format!("{:+.2}%", c.round_dp(2)));
            let candle = row.and_then(|r| r.candle.as_ref()).map_or_else(
                || "-".to_owned(),
                |c| {
                    format!(
                        "{} {} o {} h {} l {} c {} v {}",
                        c.timeframe,
                        clock(c.open_time),
                        c.open,
                        c.high,
                        c.low,
                        c.close,
                        c.volume
                    )
                },
            );
            let _ = writeln!(
                s,
                "{:<8} {:<14} {:>12} {:>8} {:>12} {:>12}   {candle}",
                venue.as_str(),
                shown,
                opt(t.and_then(|t| t.last)),
                change,
                opt(t.and_then(|t| t.bid)),
                opt(t.and_then(|t| t.ask)),
            );
        }
        let _ = writeln!(
            s,
            "\nevents: binance {}, deribit {}   simulator connections: binance {}, deribit {}",
            self.events.get(&Venue::Binance).copied().unwrap_or(0),
            self.events.get(&Venue::Deribit).copied().unwrap_or(0),
            connections.0,
            connections.1
        );
        for note in self.notes.iter().rev().take(5).rev() {
            let _ = writeln!(s, "{note}");
        }
        s
    }
}

/// `HH:MM:SS` UTC of a time in ms.
fn clock(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

fn opt(v: Option<Decimal>) -> String {
    v.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

/// Runs the demo.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let live = std::io::stdout().is_terminal() && !args.jsonl;
    let (binance_server, binance_sim) = BinanceSim::start()
        .await
        .context("starting the Binance simulator")?;
    let (deribit_server, deribit_sim) = DeribitSim::start()
        .await
        .context("starting the Deribit simulator")?;
    let deribit_url = format!("{}{WS_PATH}", deribit_server.url());
    if !live {
        eprintln!(
            "Binance simulator on {} (REST {}), Deribit simulator on {deribit_url}",
            binance_server.url(),
            binance_server.http_url()
        );
    }
    // The unified API, pointed at the simulators: nothing else differs from production.
    let api = DataApi::new()
        .ws_url(Venue::Binance, binance_server.url())
        .rest_url(Venue::Binance, binance_server.http_url())
        .ws_url(Venue::Deribit, deribit_url);
    let result = demo(&api, &args, live, &binance_sim, &deribit_sim).await;
    binance_server.shutdown().await;
    deribit_server.shutdown().await;
    result
}

async fn demo(
    api: &DataApi,
    args: &Args,
    live: bool,
    binance_sim: &BinanceSim,
    deribit_sim: &DeribitSim,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut streams = Vec::new();
    let mut seeds = Vec::new();
    for (venue, tf) in [
        (Venue::Binance, Timeframe::S1),
        (Venue::Deribit, Timeframe::M1),
    ] {
        let md = api.venue(venue)?;
        let symbols = INSTRUMENTS
            .iter()
            .filter(|(v, _, _)| *v == venue)
            .map(|(_, s, _)| common::parse_symbol(venue, s))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if tf != Timeframe::S1 {
            seeds.extend(last_closed(&*md, &symbols, tf).await);
        }
        streams.extend(venue_streams(&*md, symbols, tf).await?);
    }
    let mut events = futures::stream::select_all(streams);

    let mut view = View::default();
    let mut out = std::io::stdout().lock();
    for candle in seeds {
        let event = MarketEvent::Candle(candle);
        if live {
            view.apply(&event);
        } else {
            common::print_event(&mut out, &event)?;
        }
    }
    let stop = tokio::time::sleep(args.duration);
    tokio::pin!(stop);
    let cut_at = tokio::time::sleep(args.duration / 2);
    tokio::pin!(cut_at);
    let mut cut = false;
    let mut refresh = tokio::time::interval(Duration::from_millis(500));
    let mut counts: HashMap<Venue, u64> = HashMap::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = &mut cut_at, if !cut => {
                cut = true;
                let note = format!(
                    "{:.1}s simulators: cutting every connection (Binance's 24-hour cut, a Deribit drop); the streams reconnect",
                    started.elapsed().as_secs_f64()
                );
                if live { view.notes.push(note) } else { eprintln!("{note}") }
                binance_sim.force_disconnect_all();
                deribit_sim.drop_connections();
            }
            _ = refresh.tick(), if live => {
                let screen = view.render(
                    started.elapsed(),
                    args.duration,
                    (binance_sim.connections(), deribit_sim.connections()),
                );
                out.write_all(screen.as_bytes()).context("writing stdout")?;
                out.flush().context("writing stdout")?;
            }
            item = events.next() => match item {
                Some(Ok(event)) => {
                    if live {
                        view.apply(&event);
                    } else {
                        if let Some(venue) = event_venue(&event) {
                            *counts.entry(venue).or_default() += 1;
                        }
                        common::print_event(&mut out, &event)?;
                    }
                }
                Some(Err(e)) => {
                    let note = format!("{:.1}s {e}", started.elapsed().as_secs_f64());
                    if live { view.notes.push(note) } else { eprintln!("{note}") }
                }
                None => anyhow::bail!("every stream ended"),
            },
        }
    }
    if live {
        let screen = view.render(
            started.elapsed(),
            args.duration,
            (binance_sim.connections(), deribit_sim.connections()),
        );
        out.write_all(screen.as_bytes()).context("writing stdout")?;
        out.flush().context("writing stdout")?;
    } else {
        eprintln!(
            "events: binance {}, deribit {}",
            counts.get(&Venue::Binance).copied().unwrap_or(0),
            counts.get(&Venue::Deribit).copied().unwrap_or(0)
        );
    }
    Ok(())
}

fn event_venue(event: &MarketEvent) -> Option<Venue> {
    match event {
        MarketEvent::Ticker(t) => Some(t.venue),
        MarketEvent::Candle(c) => Some(c.venue),
        MarketEvent::Trade(t) => Some(t.venue),
        MarketEvent::Book(b) => Some(b.venue),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("5x").unwrap_err().contains("unit"));
        assert!(parse_duration("abc").is_err());
    }
}
