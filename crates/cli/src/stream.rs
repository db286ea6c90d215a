//! `tradewire stream <venue> <kind> <symbol>...`: live market data of any venue as normalized
//! JSON lines (`docs/events.md`).
//!
//! Every venue goes through the unified API (`DataApi` → `MarketData`): symbols in canonical
//! or venue spelling, any number of them, candle streams shaped by `--only-closed` and
//! `--throttle`, books maintained locally and printed as top-`--depth` snapshots. The
//! connections reconnect and resubscribe on their own, and say so on stderr
//! (`reconnecting (attempt N, in D)`, from `MarketData::status_events`); a stream that ends is
//! opened again with a growing delay. `--limit N` exits 0 after N printed events; Ctrl-C
//! exits 0.
//!
//! One Deribit instrument without candle shaping uses the dedicated Deribit client below,
//! which honours `--interval` (the unified API always subscribes at 100 ms). Its books are
//! maintained locally (`OrderBook` with `SequenceRule::PrevSeq`) and printed after every
//! applied update as a `"kind":"snapshot"` line with the top `--depth` levels per side and
//! `last_seq` = the `change_id` the book is at. After a gap (a broken `prev_change_id` chain,
//! dropped notifications, a reconnect) the book is cleared and nothing is printed until the
//! fresh snapshot arrived.

use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use tradewire::LinkStatus;
use tradewire::core::{
    BookError, BookKind, BookUpdate, BoxStream, MarketData, MarketEvent, OrderBook, SequenceRule,
    StreamOptions, Symbol, Timeframe, Venue,
};
use tradewire::websockets::{ReconnectPolicy, WebSocketConfig};
use tradewire_deribit::public::websocket::subscribe::{
    book_channel, chart_channel, ticker_channel, trades_channel,
};
use tradewire_deribit::{DeribitConfig, DeribitEvent, DeribitMessage, DeribitPublicClient};

use crate::{UsageError, common};

/// Options of `tradewire stream`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The venue: binance or deribit.
    venue: String,
    /// What to stream.
    #[arg(value_enum)]
    kind: Kind,
    /// Symbols, canonical (BTC/USDT, BTC/USD:BTC) or the venue's spelling (BTCUSDT,
    /// BTC-PERPETUAL).
    #[arg(required = true, value_name = "SYMBOL")]
    symbols: Vec<String>,
    /// Candle timeframe for `ohlcv` (1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M, as
    /// the venue supports; Deribit also accepts its resolutions 1 3 5 … 720 1D).
    #[arg(long, default_value = "1m")]
    timeframe: String,
    /// `ohlcv`: print a candle only once it is closed.
    #[arg(long)]
    only_closed: bool,
    /// `ohlcv`: at most one candle per symbol per interval (e.g. 500ms), the latest wins.
    #[arg(long, value_parser = crate::demo::parse_duration)]
    throttle: Option<Duration>,
    /// Book levels printed per side.
    #[arg(long, default_value_t = 10)]
    depth: usize,
    /// The venue's WebSocket base (wss://stream.binance.com:9443,
    /// wss://www.deribit.com/ws/api/v2); production when omitted.
    #[arg(long)]
    url: Option<String>,
    /// The venue's REST base (https://api.binance.com); production when omitted.
    #[arg(long)]
    rest_url: Option<String>,
    /// Exit 0 after this many events.
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// Deribit: subscription interval of trades, book and ticker channels (`raw` needs an
    /// authenticated connection).
    #[arg(long, default_value = "100ms")]
    interval: String,
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

/// Options of the dedicated Deribit path (one instrument, no candle shaping).
#[derive(Debug)]
struct DeribitArgs {
    kind: Kind,
    instrument: String,
    timeframe: String,
    url: String,
    limit: Option<u64>,
    depth: usize,
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
    let venue = common::parse_venue(&args.venue)?;
    if args.kind != Kind::Ohlcv && (args.only_closed || args.throttle.is_some()) {
        return Err(UsageError("--only-closed and --throttle apply to ohlcv only".into()).into());
    }
    // One Deribit instrument, candles unshaped: the dedicated client, which reports
    // reconnections on stderr and honours --interval.
    let single_deribit = match args.symbols.as_slice() {
        [s] if venue == Venue::Deribit && !args.only_closed && args.throttle.is_none() => {
            let symbol = common::parse_symbol(venue, s)?;
            tradewire_deribit::symbol_instrument(&symbol)
        }
        _ => None,
    };
    if let Some(instrument) = single_deribit {
        let args = DeribitArgs {
            kind: args.kind,
            instrument,
            timeframe: args.timeframe,
            url: args
                .url
                .unwrap_or_else(|| tradewire_deribit::WS_URL.to_owned()),
            limit: args.limit,
            depth: args.depth,
            interval: args.interval,
        };
        return deribit(args).await;
    }
    unified(venue, args).await
}

/// Opens the stream `args` asks for, every item a normalized event.
async fn open(
    md: &dyn MarketData,
    kind: Kind,
    symbols: &[Symbol],
    timeframe: Timeframe,
    opts: StreamOptions,
    depth: usize,
) -> tradewire::core::Result<BoxStream<'static, tradewire::core::Result<MarketEvent>>> {
    let symbols = symbols.to_vec();
    Ok(match kind {
        Kind::Trades => Box::pin(
            md.stream_trades(symbols)
                .await?
                .map(|r| r.map(MarketEvent::Trade)),
        ),
        Kind::Book => Box::pin(
            md.stream_order_book(symbols, depth)
                .await?
                .map(|r| r.map(MarketEvent::Book)),
        ),
        Kind::Ticker => Box::pin(
            md.stream_ticker(symbols)
                .await?
                .map(|r| r.map(MarketEvent::Ticker)),
        ),
        Kind::Ohlcv => Box::pin(
            md.stream_ohlcv_multi(symbols, timeframe, opts)
                .await?
                .map(|r| r.map(MarketEvent::Candle)),
        ),
    })
}

/// Any venue through the unified API (`DataApi`).
async fn unified(venue: Venue, args: Args) -> anyhow::Result<()> {
    let symbols = args
        .symbols
        .iter()
        .map(|s| common::parse_symbol(venue, s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let md = common::client(venue, args.url.as_deref(), args.rest_url.as_deref())?;
    let caps = md.capabilities();
    let timeframe = if args.kind == Kind::Ohlcv {
        let tf = if venue == Venue::Deribit {
            // Deribit users may write the venue's resolution (60, 1D).
            deribit_resolution(&args.timeframe)
                .ok()
                .and_then(tradewire_deribit::resolution_timeframe)
                .map_or_else(|| args.timeframe.clone(), |tf| tf.to_string())
        } else {
            args.timeframe.clone()
        };
        common::parse_timeframe(venue, &tf, &common::stream_or_poll_timeframes(&caps))?
    } else {
        Timeframe::M1
    };
    if args.limit == Some(0) {
        return Ok(());
    }
    let opts = StreamOptions {
        only_closed: args.only_closed,
        throttle: args.throttle,
        dedupe: false,
    };
    // Subscribed before the stream opens, so its first connection is reported too.
    let mut status = md.status_events();
    let mut stream = open(&*md, args.kind, &symbols, timeframe, opts, args.depth)
        .await
        .map_err(|e| common::explain(venue, e))
        .context("cannot open the stream")?;
    let mut out = std::io::stdout().lock();
    let mut printed = 0u64;
    let mut backoff = Duration::from_millis(250);
    loop {
        let item = tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            Some(event) = status.next() => {
                report_status(&event.status);
                continue;
            }
            item = stream.next() => item,
        };
        match item {
            Some(Ok(event)) => {
                common::print_event(&mut out, &event)?;
                printed += 1;
                backoff = Duration::from_millis(250);
                if args.limit.is_some_and(|limit| printed >= limit) {
                    return Ok(());
                }
            }
            // The connections reconnect on their own; what they report is informational.
            Some(Err(e)) => eprintln!("warning: {e}"),
            // The connection gave up: open the stream again, with a growing delay.
            None => loop {
                eprintln!("stream ended; reconnecting in {backoff:?}");
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
                match open(&*md, args.kind, &symbols, timeframe, opts, args.depth).await {
                    Ok(s) => {
                        stream = s;
                        break;
                    }
                    Err(e) => eprintln!("warning: reconnecting: {e}"),
                }
            },
        }
    }
}

/// One line on stderr per change of a connection's status (both paths: the unified API's
/// status events and the dedicated Deribit client's events).
fn report_status(status: &LinkStatus) {
    match status {
        LinkStatus::Connected => eprintln!("connected"),
        LinkStatus::Reconnecting { attempt, delay } => {
            eprintln!("reconnecting (attempt {attempt}, in {delay:?})")
        }
        LinkStatus::Disconnected { reason } => eprintln!("disconnected: {reason}"),
    }
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
                report_status(&LinkStatus::Reconnecting { attempt, delay });
                if let Some(local) = &mut local {
                    local.book.reset();
                }
                Vec::new()
            }
            DeribitEvent::Disconnected { reason } => {
                report_status(&LinkStatus::Disconnected {
                    reason: reason.to_string(),
                });
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
            if let Err(e) = common::print_event(&mut out, event) {
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
