//! `Unified` over a fake `MarketDataSource`: stream options, sharding, REST fallback,
//! unsupported timeframes, and `DataApi`. Time is tokio's paused clock throughout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use futures::channel::mpsc;
use tradewire::Unified;
use tradewire::core::{
    BoxFuture, BoxStream, Candle, Capabilities, Decimal, Error, MarketData, MarketDataSource,
    Result, Side, StreamOptions, Symbol, SymbolInfo, TimeRange, Timeframe, Trade, Venue,
};

/// 2023-11-14T22:00:00Z, an hour boundary.
const HOUR_OPEN: i64 = 1_699_999_200_000;
const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;

fn sym(s: &str) -> Symbol {
    s.parse().unwrap()
}

/// A deterministic candle: `close` encodes the update's number.
fn candle(symbol: &Symbol, tf: Timeframe, open_time: i64, close: i64, closed: bool) -> Candle {
    Candle {
        venue: Venue::Binance,
        symbol: Some(symbol.clone()),
        venue_symbol: symbol.as_str().replace('/', ""),
        timeframe: tf,
        open_time,
        close_time: Some(tf.close_time_for(open_time)),
        open: Decimal::ONE,
        high: Decimal::from(close),
        low: Decimal::ONE,
        close: Decimal::from(close),
        volume: Decimal::ONE,
        quote_volume: None,
        trades: None,
        closed,
    }
}

/// (symbol, open_time, close, closed) of each item.
fn summary(items: &[Result<Candle>]) -> Vec<(String, i64, i64, bool)> {
    items
        .iter()
        .map(|r| {
            let c = r.as_ref().unwrap();
            let close: i64 = c.close.try_into().unwrap();
            (
                c.symbol.as_ref().unwrap().to_string(),
                c.open_time,
                close,
                c.closed,
            )
        })
        .collect()
}

/// A clock following tokio's (paused) time, starting at `start_ms`.
fn paused_clock(start_ms: i64) -> impl Fn() -> i64 + Send + Sync + Clone + 'static {
    let origin = tokio::time::Instant::now();
    move || start_ms + i64::try_from(origin.elapsed().as_millis()).unwrap()
}

/// The fake venue.
struct Fake {
    caps: Capabilities,
    /// Scripted candle updates: each `stream_candles` call yields those of its symbols, in order.
    script: Vec<Candle>,
    /// When set, the next `stream_candles` call returns this channel instead of the script.
    channel: Mutex<Option<mpsc::UnboundedReceiver<Result<Candle>>>>,
    /// The symbols of every `stream_candles` / `stream_trades` call.
    candle_calls: Mutex<Vec<Vec<Symbol>>>,
    trade_calls: Mutex<Vec<Vec<Symbol>>>,
    /// Every `get_candles` call: (clock time, symbol, timeframe, range).
    rest_calls: Mutex<Vec<(i64, Symbol, Timeframe, TimeRange)>>,
    /// The venue's clock, for REST candles (only candles opened by now exist).
    clock: Box<dyn Fn() -> i64 + Send + Sync>,
    /// Errors the next `get_candles` calls fail with.
    rest_errors: Mutex<VecDeque<Error>>,
}

impl Fake {
    fn new(stream_tfs: &[Timeframe], rest_tfs: &[Timeframe], max_per_conn: usize) -> Self {
        Fake {
            caps: Capabilities {
                stream_timeframes: stream_tfs.to_vec(),
                rest_timeframes: rest_tfs.to_vec(),
                max_streams_per_connection: max_per_conn,
                candles_page_limit: 1000,
                order_book: false,
                recent_trades: false,
                funding_rate: false,
                open_interest: false,
                streams: true,
            },
            script: Vec::new(),
            channel: Mutex::new(None),
            candle_calls: Mutex::new(Vec::new()),
            trade_calls: Mutex::new(Vec::new()),
            rest_calls: Mutex::new(Vec::new()),
            clock: Box::new(|| HOUR_OPEN),
            rest_errors: Mutex::new(VecDeque::new()),
        }
    }

    fn with_script(mut self, script: Vec<Candle>) -> Self {
        self.script = script;
        self
    }

    fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }
}

impl MarketDataSource for Fake {
    fn venue(&self) -> Venue {
        Venue::Binance
    }

    fn capabilities(&self) -> Capabilities {
        self.caps.clone()
    }

    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn get_candles<'a>(
        &'a self,
        symbol: &'a Symbol,
        timeframe: Timeframe,
        range: TimeRange,
    ) -> BoxFuture<'a, Result<Vec<Candle>>> {
        let now = (self.clock)();
        self.rest_calls
            .lock()
            .unwrap()
            .push((now, symbol.clone(), timeframe, range));
        let error = self.rest_errors.lock().unwrap().pop_front();
        Box::pin(async move {
            if let Some(e) = error {
                return Err(e);
            }
            let mut out = Vec::new();
            let mut t = timeframe.open_time_for(range.start_ms);
            while t < range.end_ms && t <= now {
                // The venue's own flag is unreliable on purpose: `Unified` decides by time.
                out.push(candle(symbol, timeframe, t, t / MIN, true));
                t = timeframe.next_open_time(t);
            }
            Ok(out)
        })
    }

    fn stream_candles(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>> {
        assert!(symbols.len() <= self.caps.max_streams_per_connection);
        assert!(self.caps.stream_timeframes.contains(&timeframe));
        self.candle_calls.lock().unwrap().push(symbols.clone());
        let channel = self.channel.lock().unwrap().take();
        let items: Vec<Result<Candle>> = self
            .script
            .iter()
            .filter(|c| symbols.iter().any(|s| c.symbol.as_ref() == Some(s)))
            .cloned()
            .map(Ok)
            .collect();
        Box::pin(async move {
            let stream: BoxStream<'static, Result<Candle>> = match channel {
                Some(rx) => Box::pin(rx),
                None => Box::pin(futures::stream::iter(items)),
            };
            Ok(stream)
        })
    }

    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>> {
        assert!(symbols.len() <= self.caps.max_streams_per_connection);
        self.trade_calls.lock().unwrap().push(symbols.clone());
        let trades: Vec<Result<Trade>> = symbols
            .into_iter()
            .map(|s| {
                Ok(Trade {
                    venue: Venue::Binance,
                    venue_symbol: s.as_str().replace('/', ""),
                    symbol: Some(s),
                    id: None,
                    price: Decimal::ONE,
                    amount: Decimal::ONE,
                    side: Side::Buy,
                    time: HOUR_OPEN,
                })
            })
            .collect();
        Box::pin(async move {
            let stream: BoxStream<'static, Result<Trade>> = Box::pin(futures::stream::iter(trades));
            Ok(stream)
        })
    }
}

/// Two in-progress updates, a repeat, the close, then the next minute for `s`.
fn minute_script(s: &Symbol) -> Vec<Candle> {
    let tf = Timeframe::M1;
    vec![
        candle(s, tf, HOUR_OPEN, 1, false),
        candle(s, tf, HOUR_OPEN, 2, false),
        candle(s, tf, HOUR_OPEN, 2, false),
        candle(s, tf, HOUR_OPEN, 3, true),
        candle(s, tf, HOUR_OPEN, 3, true),
        candle(s, tf, HOUR_OPEN + MIN, 4, false),
        candle(s, tf, HOUR_OPEN + MIN, 5, true),
    ]
}

async fn collect(
    unified: &Unified<Fake>,
    symbols: Vec<Symbol>,
    tf: Timeframe,
    opts: StreamOptions,
) -> Vec<Result<Candle>> {
    unified
        .stream_ohlcv_multi(symbols, tf, opts)
        .await
        .unwrap()
        .collect()
        .await
}

#[tokio::test]
async fn only_closed_yields_each_closed_candle_once() {
    let btc = sym("BTC/USDT");
    let unified =
        Unified::new(Fake::new(&[Timeframe::M1], &[], 5).with_script(minute_script(&btc)));
    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let out = collect(&unified, vec![btc.clone()], Timeframe::M1, opts).await;
    assert_eq!(
        summary(&out),
        vec![
            ("BTC/USDT".into(), HOUR_OPEN, 3, true),
            ("BTC/USDT".into(), HOUR_OPEN + MIN, 5, true),
        ]
    );
}

/// A drop while candles closed: the live stream jumps from the 1st minute to an update of the
/// 4th. The two candles that closed meanwhile come from REST, closed and in order, before it.
#[tokio::test]
async fn candles_missed_during_a_drop_are_backfilled_from_rest() {
    let btc = sym("BTC/USDT");
    let tf = Timeframe::M1;
    let script = vec![
        candle(&btc, tf, HOUR_OPEN, 1, true),
        // (disconnected for minutes 2 and 3)
        candle(&btc, tf, HOUR_OPEN + 3 * MIN, 7, false),
        candle(&btc, tf, HOUR_OPEN + 3 * MIN, 8, true),
    ];
    let fake = Fake::new(&[tf], &[tf], 5)
        .with_script(script)
        .with_clock(|| HOUR_OPEN + HOUR);
    let unified = Unified::new(fake);
    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let out = collect(&unified, vec![btc.clone()], tf, opts).await;
    // The fake's REST candles close at `open_time / MIN`.
    assert_eq!(
        summary(&out),
        vec![
            ("BTC/USDT".into(), HOUR_OPEN, 1, true),
            (
                "BTC/USDT".into(),
                HOUR_OPEN + MIN,
                (HOUR_OPEN + MIN) / MIN,
                true
            ),
            (
                "BTC/USDT".into(),
                HOUR_OPEN + 2 * MIN,
                (HOUR_OPEN + 2 * MIN) / MIN,
                true
            ),
            ("BTC/USDT".into(), HOUR_OPEN + 3 * MIN, 8, true),
        ]
    );
    let calls = unified.source().rest_calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1, "one REST call for the gap");
    assert_eq!(
        calls[0].3,
        TimeRange::new(HOUR_OPEN + MIN, HOUR_OPEN + 3 * MIN)
    );
}

#[tokio::test]
async fn without_options_everything_passes() {
    let btc = sym("BTC/USDT");
    let unified =
        Unified::new(Fake::new(&[Timeframe::M1], &[], 5).with_script(minute_script(&btc)));
    let out = unified
        .stream_ohlcv(btc.clone(), Timeframe::M1, StreamOptions::default())
        .await
        .unwrap()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(out.len(), 7);
}

#[tokio::test]
async fn dedupe_drops_repeated_updates() {
    let btc = sym("BTC/USDT");
    let unified =
        Unified::new(Fake::new(&[Timeframe::M1], &[], 5).with_script(minute_script(&btc)));
    let opts = StreamOptions {
        dedupe: true,
        ..Default::default()
    };
    let out = collect(&unified, vec![btc.clone()], Timeframe::M1, opts).await;
    let closes: Vec<i64> = summary(&out).into_iter().map(|(_, _, c, _)| c).collect();
    assert_eq!(closes, vec![1, 2, 3, 4, 5]);
}

#[tokio::test(start_paused = true)]
async fn throttle_one_update_per_symbol_per_interval_closed_never_lost() {
    let btc = sym("BTC/USDT");
    let eth = sym("ETH/USDT");
    let fake = Fake::new(&[Timeframe::M1], &[], 5);
    let (tx, rx) = mpsc::unbounded();
    *fake.channel.lock().unwrap() = Some(rx);
    let unified = Unified::new(fake);
    let opts = StreamOptions {
        throttle: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let mut s = unified
        .stream_ohlcv_multi(vec![btc.clone(), eth.clone()], Timeframe::M1, opts)
        .await
        .unwrap();
    let send = |c: Candle| tx.unbounded_send(Ok(c)).unwrap();
    let tf = Timeframe::M1;
    let next = |item: Option<Result<Candle>>| summary(&[item.unwrap()]).remove(0);

    // First update of each symbol passes at once.
    send(candle(&btc, tf, HOUR_OPEN, 1, false));
    send(candle(&eth, tf, HOUR_OPEN, 10, false));
    assert_eq!(
        next(s.next().await),
        ("BTC/USDT".into(), HOUR_OPEN, 1, false)
    );
    assert_eq!(
        next(s.next().await),
        ("ETH/USDT".into(), HOUR_OPEN, 10, false)
    );
    // Within the window: held, latest wins, yielded when the window ends.
    send(candle(&btc, tf, HOUR_OPEN, 2, false));
    send(candle(&btc, tf, HOUR_OPEN, 3, false));
    tokio::time::advance(Duration::from_millis(500)).await;
    assert!(futures::poll!(s.next()).is_pending());
    let t0 = tokio::time::Instant::now();
    assert_eq!(
        next(s.next().await),
        ("BTC/USDT".into(), HOUR_OPEN, 3, false)
    );
    assert_eq!(t0.elapsed(), Duration::from_millis(500)); // at the end of the 1 s window
    // A closed candle is yielded at once, superseding the held update.
    send(candle(&btc, tf, HOUR_OPEN, 4, false));
    send(candle(&btc, tf, HOUR_OPEN, 5, true));
    let t1 = tokio::time::Instant::now();
    assert_eq!(
        next(s.next().await),
        ("BTC/USDT".into(), HOUR_OPEN, 5, true)
    );
    assert_eq!(t1.elapsed(), Duration::ZERO);
    // ETH's window has long ended: its next update passes at once.
    send(candle(&eth, tf, HOUR_OPEN, 11, false));
    assert_eq!(
        next(s.next().await),
        ("ETH/USDT".into(), HOUR_OPEN, 11, false)
    );
    drop(tx);
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn symbols_are_sharded_over_connections_and_merged() {
    let symbols: Vec<Symbol> = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT", "ADA/USDT"]
        .into_iter()
        .map(sym)
        .collect();
    let script: Vec<Candle> = symbols.iter().flat_map(minute_script).collect();
    let unified = Unified::new(Fake::new(&[Timeframe::M1], &[], 2).with_script(script));
    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let out = collect(&unified, symbols.clone(), Timeframe::M1, opts).await;

    let calls = unified.source().candle_calls.lock().unwrap().clone();
    assert_eq!(
        calls.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![2, 2, 1]
    );
    assert_eq!(calls.concat(), symbols);
    // Every symbol's two closed candles, merged.
    let mut got = summary(&out);
    got.sort();
    let mut want: Vec<_> = symbols
        .iter()
        .flat_map(|s| {
            [
                (s.to_string(), HOUR_OPEN, 3, true),
                (s.to_string(), HOUR_OPEN + MIN, 5, true),
            ]
        })
        .collect();
    want.sort();
    assert_eq!(got, want);

    // Repeated symbols are subscribed once; trades are sharded the same way.
    let mut with_repeat = symbols.clone();
    with_repeat.push(symbols[0].clone());
    let trades: Vec<_> = unified
        .stream_trades(with_repeat)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(trades.len(), 5);
    let calls = unified.source().trade_calls.lock().unwrap().clone();
    assert_eq!(
        calls.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![2, 2, 1]
    );
}

#[tokio::test]
async fn no_symbols_is_an_invalid_argument() {
    let unified = Unified::new(Fake::new(&[Timeframe::M1], &[Timeframe::H1], 2));
    for tf in [Timeframe::M1, Timeframe::H1] {
        let err = unified
            .stream_ohlcv_multi(Vec::new(), tf, StreamOptions::default())
            .await
            .err()
            .unwrap();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    }
}

#[tokio::test(start_paused = true)]
async fn rest_fallback_polls_aligned_to_close() {
    let btc = sym("BTC/USDT");
    let start = HOUR_OPEN + 30 * MIN + 1_234; // half-way through the 22:00 candle
    let clock = paused_clock(start);
    let fake =
        Fake::new(&[Timeframe::M1], &[Timeframe::M1, Timeframe::H1], 2).with_clock(clock.clone());
    let grace = Duration::from_secs(3);
    let unified = Unified::new(fake)
        .with_clock(clock.clone())
        .with_poll_grace(grace);
    let mut s = unified
        .stream_ohlcv(btc.clone(), Timeframe::H1, StreamOptions::default())
        .await
        .unwrap();

    // At start: the in-progress candle only (the one closed before the start is not yielded).
    let first = s.next().await.unwrap().unwrap();
    assert_eq!((first.open_time, first.closed), (HOUR_OPEN, false));
    assert_eq!(first.timeframe, Timeframe::H1);
    assert_eq!(clock(), start);

    // Then at each close + grace: the closed candle, then the new in-progress one.
    let closed = s.next().await.unwrap().unwrap();
    assert_eq!((closed.open_time, closed.closed), (HOUR_OPEN, true));
    assert_eq!(clock(), HOUR_OPEN + HOUR + 3_000);
    let live = s.next().await.unwrap().unwrap();
    assert_eq!((live.open_time, live.closed), (HOUR_OPEN + HOUR, false));
    let closed = s.next().await.unwrap().unwrap();
    assert_eq!((closed.open_time, closed.closed), (HOUR_OPEN + HOUR, true));
    assert_eq!(clock(), HOUR_OPEN + 2 * HOUR + 3_000);

    // Each fetch asked for the last two candles, at start and at close + grace.
    let calls = unified.source().rest_calls.lock().unwrap().clone();
    let calls: Vec<(i64, Timeframe, TimeRange)> =
        calls.into_iter().map(|(t, _, tf, r)| (t, tf, r)).collect();
    assert_eq!(
        calls,
        vec![
            (
                start,
                Timeframe::H1,
                TimeRange::new(HOUR_OPEN - HOUR, HOUR_OPEN + HOUR)
            ),
            (
                HOUR_OPEN + HOUR + 3_000,
                Timeframe::H1,
                TimeRange::new(HOUR_OPEN, HOUR_OPEN + 2 * HOUR)
            ),
            (
                HOUR_OPEN + 2 * HOUR + 3_000,
                Timeframe::H1,
                TimeRange::new(HOUR_OPEN + HOUR, HOUR_OPEN + 3 * HOUR)
            ),
        ]
    );
    // The WebSocket was never used.
    assert!(unified.source().candle_calls.lock().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn rest_fallback_only_closed_and_transient_errors() {
    let btc = sym("BTC/USDT");
    let eth = sym("ETH/USDT");
    let start = HOUR_OPEN + 59 * MIN; // 22:59
    let clock = paused_clock(start);
    let fake = Fake::new(&[Timeframe::M1], &[Timeframe::H1], 2).with_clock(clock.clone());
    // BTC's start-up fetch fails with a transient error; ETH's succeeds.
    fake.rest_errors
        .lock()
        .unwrap()
        .push_back(Error::Timeout("poll".into()));
    let unified = Unified::new(fake).with_clock(clock.clone());
    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let mut s = unified
        .stream_ohlcv_multi(vec![btc.clone(), eth.clone()], Timeframe::H1, opts)
        .await
        .unwrap();

    // The error is yielded and the stream goes on; nothing else at start (only closed).
    assert!(matches!(s.next().await, Some(Err(Error::Timeout(_)))));
    assert_eq!(clock(), start);
    // At 23:00 + the default 2 s grace: each symbol's 22:00 candle, closed, once.
    let out: Vec<_> = vec![s.next().await.unwrap(), s.next().await.unwrap()];
    assert_eq!(clock(), HOUR_OPEN + HOUR + 2_000);
    assert_eq!(
        summary(&out),
        vec![
            ("BTC/USDT".into(), HOUR_OPEN, HOUR_OPEN / MIN, true),
            ("ETH/USDT".into(), HOUR_OPEN, HOUR_OPEN / MIN, true),
        ]
    );
    // A non-transient error ends the stream after being yielded.
    unified
        .source()
        .rest_errors
        .lock()
        .unwrap()
        .push_back(Error::UnknownSymbol {
            venue: Venue::Binance,
            symbol: "BTC/USDT".into(),
        });
    assert!(matches!(
        s.next().await,
        Some(Err(Error::UnknownSymbol { .. }))
    ));
    assert_eq!(clock(), HOUR_OPEN + 2 * HOUR + 2_000);
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn unsupported_timeframe_is_a_typed_error() {
    let unified = Unified::new(Fake::new(
        &[Timeframe::M1, Timeframe::M5],
        &[Timeframe::M1, Timeframe::H1],
        2,
    ));
    let err = unified
        .stream_ohlcv(sym("BTC/USDT"), Timeframe::D1, StreamOptions::default())
        .await
        .err()
        .unwrap();
    match err {
        Error::Unsupported { venue, what } => {
            assert_eq!(venue, Venue::Binance);
            assert_eq!(what, "1d candles (streamed: 1m, 5m; over REST: 1m, 1h)");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(unified.source().candle_calls.lock().unwrap().is_empty());
    assert!(unified.source().rest_calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn rest_calls_are_delegated() {
    let unified = Unified::new(Fake::new(&[Timeframe::M1], &[Timeframe::M1], 2));
    let btc = sym("BTC/USDT");
    let range = TimeRange::new(HOUR_OPEN - 3 * MIN, HOUR_OPEN + MIN);
    let candles = unified
        .get_candles(&btc, Timeframe::M1, range)
        .await
        .unwrap();
    assert_eq!(candles.len(), 4);
    assert_eq!(unified.venue(), Venue::Binance);
    assert_eq!(unified.capabilities().max_streams_per_connection, 2);
    // Defaults of the source trait come through unchanged.
    assert!(matches!(
        unified.get_funding_rate(&btc).await,
        Err(Error::Unsupported { .. })
    ));
    // A trait object works too.
    let boxed: Box<dyn MarketData> = Box::new(unified);
    assert!(boxed.get_symbols().await.unwrap().is_empty());
}

#[cfg(all(feature = "binance", feature = "deribit"))]
#[test]
fn data_api_parses_canonical_and_venue_symbols() {
    assert_eq!(
        tradewire::DataApi::parse_symbol(Venue::Binance, "BTC/USDT").unwrap(),
        sym("BTC/USDT")
    );
    assert_eq!(
        tradewire::DataApi::parse_symbol(Venue::Binance, "BTCUSDT").unwrap(),
        sym("BTC/USDT")
    );
    assert_eq!(
        tradewire::DataApi::parse_symbol(Venue::Deribit, "BTC-PERPETUAL").unwrap(),
        sym("BTC/USD:BTC")
    );
    assert_eq!(
        tradewire::DataApi::parse_symbol(Venue::Deribit, "BTC/USD:BTC").unwrap(),
        sym("BTC/USD:BTC")
    );
    // Another venue's spelling is not guessed.
    assert!(matches!(
        tradewire::DataApi::parse_symbol(Venue::Okx, "BTCUSDT"),
        Err(Error::InvalidSymbol(_))
    ));
    assert!(tradewire::DataApi::parse_symbol(Venue::Binance, "nope").is_err());
}

#[cfg(all(feature = "binance", feature = "deribit"))]
#[tokio::test]
async fn data_api_builds_venues() {
    let api = tradewire::DataApi::new()
        .ws_url(Venue::Binance, "ws://127.0.0.1:1")
        .rest_url(Venue::Binance, "http://127.0.0.1:1");
    assert_eq!(api.ws_url_of(Venue::Binance), Some("ws://127.0.0.1:1"));
    let binance = api.venue(Venue::Binance).unwrap();
    assert_eq!(binance.venue(), Venue::Binance);
    let deribit = tradewire::DataApi::new()
        .venue("deribit".parse().unwrap())
        .unwrap();
    assert_eq!(deribit.venue(), Venue::Deribit);
    assert!(deribit.capabilities().max_streams_per_connection > 0);
    // A bad override is reported, not deferred to the first connection.
    assert!(
        tradewire::DataApi::new()
            .ws_url(Venue::Deribit, "https://example.invalid")
            .venue(Venue::Deribit)
            .is_err()
    );
    assert_eq!(
        tradewire::DataApi::available(),
        vec![Venue::Binance, Venue::Deribit]
    );
    let okx: Venue = "okx".parse().unwrap();
    assert!(matches!(api.venue(okx), Err(Error::Unsupported { .. })));
}
