//! `tradewire stream <venue> …`: live market data as normalized JSON lines (`docs/events.md`).
//!
//! The connection is supervised: after a drop it reconnects, re-subscribes and goes on (the
//! reconnection is reported on stderr, stdout carries only events). `--limit N` exits 0 after
//! N printed events; Ctrl-C exits 0.
//!
//! Books are maintained locally (`OrderBook` with `SequenceRule::PrevSeq`) and printed after
//! every applied update as a `"kind":"snapshot"` line with the top `--depth` levels per side
//! and `last_seq` = the `change_id` the book is at. After a gap (a broken `prev_change_id`
//! chain, dropped notifications, a reconnect) the book is cleared and nothing is printed until
//! the fresh snapshot arrived.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use tradewire::core::{
    BookError, BookKind, BookUpdate, MarketEvent, OrderBook, SequenceRule, Venue,
};
use tradewire::websockets::{ReconnectPolicy, WebSocketConfig};
use tradewire_deribit::public::websocket::subscribe::{
    book_channel, chart_channel, ticker_channel, trades_channel,
};
use tradewire_deribit::{DeribitConfig, DeribitEvent, DeribitMessage, DeribitPublicClient};

/// Options of `tradewire stream`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    venue: VenueArgs,
}

#[derive(Debug, clap::Subcommand)]
enum VenueArgs {
    /// Deribit (JSON-RPC over WebSocket).
    Deribit(DeribitArgs),
}

/// What to stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Public trades.
    Trades,
    /// The locally maintained order book (top `--depth` levels per side).
    Book,
    /// Ticker.
    Ticker,
    /// OHLCV candles (`--timeframe`).
    Ohlcv,
}

/// Options of `tradewire stream deribit`.
#[derive(Debug, clap::Args)]
pub struct DeribitArgs {
    /// What to stream.
    #[arg(value_enum)]
    kind: Kind,
    /// The Deribit instrument, e.g. BTC-PERPETUAL.
    instrument: String,
    /// Candle timeframe for `ohlcv`: 1m 3m 5m 15m 30m 1h 2h 6h 12h 1d (or Deribit's own
    /// resolution: 1 3 5 15 30 60 120 360 720 1D).
    #[arg(long, default_value = "1m")]
    timeframe: String,
    /// The WebSocket endpoint.
    #[arg(long, default_value = tradewire_deribit::WS_URL)]
    url: String,
    /// Exit 0 after this many events.
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// Book levels printed per side.
    #[arg(long, default_value_t = 10)]
    depth: usize,
    /// Subscription interval of trades, book and ticker channels (`raw` needs an
    /// authenticated connection).
    #[arg(long, default_value = "100ms")]
    interval: String,
}

/// Deribit `chart.trades` resolutions with a canonical timeframe: (timeframe, resolution).
/// Deribit also streams 10 and 180 minutes, which `docs/events.md` cannot name.
const DERIBIT_TIMEFRAMES: &[(&str, &str)] = &[
    ("1m", "1"),
    ("3m", "3"),
    ("5m", "5"),
    ("15m", "15"),
    ("30m", "30"),
    ("1h", "60"),
    ("2h", "120"),
    ("6h", "360"),
    ("12h", "720"),
    ("1d", "1D"),
];

/// The Deribit chart resolution for `--timeframe` (a timeframe or a resolution).
pub fn deribit_resolution(timeframe: &str) -> anyhow::Result<&'static str> {
    DERIBIT_TIMEFRAMES
        .iter()
        .find(|(tf, res)| *tf == timeframe || *res == timeframe)
        .map(|(_, res)| *res)
        .with_context(|| {
            let valid: Vec<&str> = DERIBIT_TIMEFRAMES.iter().map(|(tf, _)| *tf).collect();
            format!(
                "unsupported timeframe {timeframe:?} for deribit (valid: {})",
                valid.join(" ")
            )
        })
}

/// Runs the command.
pub async fn run(args: Args) -> anyhow::Result<()> {
    match args.venue {
        VenueArgs::Deribit(args) => deribit(args).await,
    }
}

/// Writes one event as a JSON line and flushes (readers see lines as they come).
fn print(out: &mut impl Write, event: &MarketEvent) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, event).context("writing stdout")?;
    out.write_all(b"\n").context("writing stdout")?;
    out.flush().context("writing stdout")
}

/// The local book and what it prints.
struct LocalBook {
    book: OrderBook,
    instrument: String,
    depth: usize,
}

impl LocalBook {
    fn snapshot(&self) -> BookUpdate {
        let mut u = BookUpdate::new(
            Venue::Deribit,
            tradewire_deribit::instrument_symbol(&self.instrument),
            self.instrument.clone(),
            BookKind::Snapshot,
        );
        let (bids, asks) = self.book.top(self.depth);
        u.bids = bids;
        u.asks = asks;
        u.last_seq = self.book.last_seq();
        u.time = self.book.time();
        u
    }
}

async fn deribit(args: DeribitArgs) -> anyhow::Result<()> {
    let resolution = deribit_resolution(&args.timeframe)?;
    if args.limit == Some(0) {
        return Ok(());
    }
    let channel = match args.kind {
        Kind::Trades => trades_channel(&args.instrument, &args.interval),
        Kind::Book => book_channel(&args.instrument, &args.interval),
        Kind::Ticker => ticker_channel(&args.instrument, &args.interval),
        Kind::Ohlcv => chart_channel(&args.instrument, resolution),
    };
    let ws = WebSocketConfig::new("").reconnect(ReconnectPolicy {
        initial_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(10),
        ..ReconnectPolicy::default()
    });
    let config = DeribitConfig::new(args.url.clone()).ws(ws);
    let (client, mut events) = DeribitPublicClient::new(config)?;
    client
        .connect()
        .await
        .with_context(|| format!("cannot connect to {}", args.url))?;
    client
        .subscribe(std::slice::from_ref(&channel))
        .await
        .with_context(|| format!("subscribing to {channel}"))?;

    let mut local = (args.kind == Kind::Book).then(|| LocalBook {
        book: OrderBook::new(SequenceRule::PrevSeq),
        instrument: args.instrument.clone(),
        depth: args.depth,
    });
    let mut out = std::io::stdout().lock();
    let mut printed = 0u64;
    let result = loop {
        let event = tokio::select! {
            _ = tokio::signal::ctrl_c() => break Ok(()),
            event = events.next() => event,
        };
        let Some(event) = event else {
            break Err(anyhow::anyhow!("the connection closed"));
        };
        let lines: Vec<MarketEvent> = match event {
            DeribitEvent::Message(message) => {
                if message.channel() != Some(channel.as_str()) {
                    continue;
                }
                match (&mut local, message) {
                    (Some(local), DeribitMessage::Book(b)) => match local.book.apply(&b.update) {
                        Ok(tradewire::core::Applied::Stale) => Vec::new(),
                        Ok(_) => vec![MarketEvent::Book(local.snapshot())],
                        // A delta before the (re)subscription's snapshot: wait for it.
                        Err(BookError::NeedsSnapshot) => Vec::new(),
                        Err(e) => {
                            eprintln!("warning: {e}; resubscribing {channel}");
                            local.book.reset();
                            resubscribe(&client, &channel).await;
                            Vec::new()
                        }
                    },
                    (_, message) => message.market_events(),
                }
            }
            DeribitEvent::BookResync { channel: c, cause } => {
                eprintln!("warning: book {c} out of sync ({cause:?}); resynchronizing");
                if let Some(local) = &mut local {
                    local.book.reset();
                }
                Vec::new()
            }
            DeribitEvent::Connected => {
                if let Some(local) = &mut local {
                    local.book.reset();
                }
                Vec::new()
            }
            DeribitEvent::Reconnecting { attempt, delay } => {
                eprintln!("reconnecting (attempt {attempt}, in {delay:?})");
                if let Some(local) = &mut local {
                    local.book.reset();
                }
                Vec::new()
            }
            DeribitEvent::Disconnected { reason } => {
                eprintln!("disconnected: {reason}");
                if let Some(local) = &mut local {
                    local.book.reset();
                }
                Vec::new()
            }
            DeribitEvent::Error(e) => {
                eprintln!("warning: {e}");
                Vec::new()
            }
        };
        let mut done = None;
        for event in &lines {
            if let Err(e) = print(&mut out, event) {
                done = Some(Err(e));
                break;
            }
            printed += 1;
            if args.limit.is_some_and(|limit| printed >= limit) {
                done = Some(Ok(()));
                break;
            }
        }
        if let Some(done) = done {
            break done;
        }
    };
    client.disconnect().await;
    result
}

/// Unsubscribes and subscribes `channel` again (a fresh snapshot follows).
async fn resubscribe(client: &DeribitPublicClient, channel: &str) {
    let channels = [channel.to_owned()];
    if let Err(e) = client.unsubscribe(&channels).await {
        eprintln!("warning: unsubscribing {channel}: {e}");
    }
    if let Err(e) = client.subscribe(&channels).await {
        eprintln!("warning: subscribing {channel}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeframes_map_to_resolutions() {
        assert_eq!(deribit_resolution("1m").unwrap(), "1");
        assert_eq!(deribit_resolution("1h").unwrap(), "60");
        assert_eq!(deribit_resolution("1d").unwrap(), "1D");
        assert_eq!(deribit_resolution("720").unwrap(), "720");
        let e = deribit_resolution("4h").unwrap_err().to_string();
        assert!(
            e.contains("4h") && e.contains("1m 3m 5m 15m 30m 1h 2h 6h 12h 1d"),
            "{e}"
        );
        // Every resolution has the canonical timeframe it is listed with.
        for (tf, res) in DERIBIT_TIMEFRAMES {
            assert_eq!(
                tradewire_deribit::resolution_timeframe(res).map(|t| t.to_string()),
                Some((*tf).to_owned())
            );
        }
    }
}
