//! The unified market-data API end to end against both venue simulators, over real sockets:
//! paginated REST candles equal the simulator's pages exactly, closed-only candle streams,
//! sharding over several connections, and the REST fallback for a timeframe that is not
//! streamed, and the connection status reported through a reconnect. Also runs README.md's two
//! library examples (see `readme_*`).
//!
//! Real time throughout (the providers talk to real sockets); timeouts are only safety nets,
//! nothing asserts on wall-clock durations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use tradewire::binance::provider::BinanceProvider;
use tradewire::core::{
    BookUpdate, BoxFuture, BoxStream, Candle, Capabilities, Decimal, FundingRate, MarketData,
    MarketDataSource, OpenInterest, Result, StreamOptions, Symbol, SymbolInfo, Ticker, TimeRange,
    Timeframe, Trade, Venue,
};
use tradewire::deribit::provider::DeribitProvider;
use tradewire::{DataApi, Unified};
use tradewire_mock::binance::BinanceSim;
use tradewire_mock::deribit::DeribitSim;

const SEC: i64 = 1_000;
const MIN: i64 = 60_000;

/// Safety net for anything that waits on the simulators.
const SAFETY: Duration = Duration::from_secs(30);

async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(SAFETY, fut)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing after {SAFETY:?}"))
}

fn sym(s: &str) -> Symbol {
    s.parse().unwrap()
}

fn now_ms() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(d.as_millis()).unwrap()
}

/// The values a candle carries, for comparing with the simulator's own pages.
fn ohlcv(c: &Candle) -> (i64, Decimal, Decimal, Decimal, Decimal, Decimal) {
    (c.open_time, c.open, c.high, c.low, c.close, c.volume)
}

/// Contiguous, no gaps or duplicates, exactly `[start, end)` at `step`.
fn assert_contiguous(candles: &[Candle], range: TimeRange, step: i64) {
    let want = usize::try_from((range.end_ms - range.start_ms) / step).unwrap();
    assert_eq!(candles.len(), want, "count = range / timeframe");
    for (i, c) in candles.iter().enumerate() {
        let i = i64::try_from(i).unwrap();
        assert_eq!(c.open_time, range.start_ms + i * step, "candle {i}");
    }
}

/// A `BinanceSim` and the `DataApi` pointed at it.
async fn binance() -> (tradewire_mock::MockServer, BinanceSim, DataApi) {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let api = DataApi::new()
        .ws_url(Venue::Binance, server.url())
        .rest_url(Venue::Binance, server.http_url());
    (server, sim, api)
}

fn binance_provider(server: &tradewire_mock::MockServer) -> BinanceProvider {
    BinanceProvider::new(server.url(), server.http_url()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Paginated REST candles

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binance_candles_over_several_pages_equal_the_simulators_pages() {
    let (server, _sim, api) = binance().await;
    let binance = api.venue(Venue::Binance).unwrap();
    // 2,500 one-minute candles (3 pages of 1000), all before the simulator started.
    let end = (now_ms() / MIN) * MIN - 10 * MIN;
    let range = TimeRange::new(end - 2_500 * MIN, end);
    let btc = sym("BTC/USDT");
    let candles = within(
        "get_candles",
        binance.get_candles(&btc, Timeframe::M1, range),
    )
    .await
    .unwrap();
    assert_contiguous(&candles, range, MIN);
    assert!(candles.iter().all(|c| c.closed));
    assert!(candles.iter().all(|c| c.symbol.as_ref() == Some(&btc)));

    // The simulator's own data: single pages of at most 1000, asked for directly.
    let rest = tradewire::binance::BinancePublicRest::new(server.http_url()).unwrap();
    let mut reference = Vec::new();
    let mut cursor = range.start_ms;
    while cursor < range.end_ms {
        let req =
            tradewire::binance::public::rest::klines::KlinesRequest::new("BTCUSDT", Timeframe::M1)
                .with_start_time(cursor)
                .with_end_time(range.end_ms - 1)
                .with_limit(1000);
        let page = rest.klines(&req).await.unwrap();
        assert!(!page.is_empty());
        cursor = page.last().unwrap().open_time + MIN;
        reference.extend(page);
    }
    assert_eq!(
        candles.iter().map(ohlcv).collect::<Vec<_>>(),
        reference.iter().map(ohlcv).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deribit_candles_over_several_pages_equal_the_simulators_pages() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = format!("{}/ws/api/v2", server.url());
    let deribit = DataApi::new()
        .ws_url(Venue::Deribit, url.clone())
        .venue(Venue::Deribit)
        .unwrap();
    // 12,000 one-minute candles: 3 pages of Deribit's 5000.
    let end = (now_ms() / MIN) * MIN - 10 * MIN;
    let range = TimeRange::new(end - 12_000 * MIN, end);
    let btc = sym("BTC/USD:BTC");
    let candles = within(
        "get_candles",
        deribit.get_candles(&btc, Timeframe::M1, range),
    )
    .await
    .unwrap();
    assert_contiguous(&candles, range, MIN);
    assert!(candles.iter().all(|c| c.closed));

    // The simulator's own data: `public/get_tradingview_chart_data` over two windows of 6000
    // (it answers up to 10,000 per call), on a separate connection.
    let reference_provider = DeribitProvider::new(url).unwrap();
    let client = reference_provider.client().await.unwrap();
    let mut reference = Vec::new();
    for window in 0..2 {
        let start = range.start_ms + window * 6_000 * MIN;
        let params =
            tradewire::deribit::public::websocket::get_tradingview_chart_data::ChartDataParams {
                instrument_name: "BTC-PERPETUAL".into(),
                start_timestamp: start,
                end_timestamp: start + 6_000 * MIN - 1,
                resolution: "1".into(),
            };
        let data = client.get_tradingview_chart_data(&params).await.unwrap();
        reference.extend(data.candles("BTC-PERPETUAL", "1"));
    }
    assert_eq!(reference.len(), 12_000);
    assert_eq!(
        candles.iter().map(ohlcv).collect::<Vec<_>>(),
        reference.iter().map(ohlcv).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// Streams

/// Takes `n` candles, asserting each is closed, of `timeframe`, and newer than the previous one
/// of its symbol.
async fn closed_in_order(
    stream: &mut BoxStream<'static, Result<Candle>>,
    timeframe: Timeframe,
    n: usize,
) -> Vec<Candle> {
    let mut last: HashMap<String, i64> = HashMap::new();
    let mut out = Vec::new();
    while out.len() < n {
        let candle = within("closed candle", stream.next())
            .await
            .expect("stream ended")
            .unwrap();
        assert!(candle.closed, "only closed candles: {candle:?}");
        assert_eq!(candle.timeframe, timeframe);
        let prev = last.insert(candle.venue_symbol.clone(), candle.open_time);
        assert!(
            prev.is_none_or(|p| candle.open_time > p),
            "open times strictly increase: {prev:?} then {}",
            candle.open_time
        );
        out.push(candle);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binance_stream_ohlcv_only_closed_1s() {
    let (_server, sim, api) = binance().await;
    let binance = api.venue(Venue::Binance).unwrap();
    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let mut stream = within(
        "stream_ohlcv",
        binance.stream_ohlcv(sym("BTC/USDT"), Timeframe::S1, opts),
    )
    .await
    .unwrap();
    let candles = closed_in_order(&mut stream, Timeframe::S1, 3).await;
    assert!(candles.iter().all(|c| c.venue_symbol == "BTCUSDT"));
    assert!(candles.iter().all(|c| c.open_time % SEC == 0));
    assert_eq!(sim.connections(), 1);
}

/// A real provider with narrower capabilities: everything is delegated, but at most
/// `max_streams` symbols per connection and only `stream_timeframes` streamed.
struct Narrowed<S> {
    inner: S,
    max_streams: usize,
    stream_timeframes: Option<Vec<Timeframe>>,
}

impl<S: MarketDataSource> MarketDataSource for Narrowed<S> {
    fn venue(&self) -> Venue {
        self.inner.venue()
    }

    fn capabilities(&self) -> Capabilities {
        let mut caps = self.inner.capabilities();
        caps.max_streams_per_connection = self.max_streams;
        if let Some(tfs) = &self.stream_timeframes {
            caps.stream_timeframes = tfs.clone();
        }
        caps
    }

    fn get_symbols(&self) -> BoxFuture<'_, Result<Vec<SymbolInfo>>> {
        self.inner.get_symbols()
    }

    fn get_candles<'a>(
        &'a self,
        symbol: &'a Symbol,
        timeframe: Timeframe,
        range: TimeRange,
    ) -> BoxFuture<'a, Result<Vec<Candle>>> {
        self.inner.get_candles(symbol, timeframe, range)
    }

    fn get_order_book<'a>(
        &'a self,
        symbol: &'a Symbol,
        depth: usize,
    ) -> BoxFuture<'a, Result<BookUpdate>> {
        self.inner.get_order_book(symbol, depth)
    }

    fn get_recent_trades<'a>(
        &'a self,
        symbol: &'a Symbol,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Trade>>> {
        self.inner.get_recent_trades(symbol, limit)
    }

    fn get_funding_rate<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<FundingRate>> {
        self.inner.get_funding_rate(symbol)
    }

    fn get_open_interest<'a>(&'a self, symbol: &'a Symbol) -> BoxFuture<'a, Result<OpenInterest>> {
        self.inner.get_open_interest(symbol)
    }

    fn stream_candles(
        &self,
        symbols: Vec<Symbol>,
        timeframe: Timeframe,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Candle>>>> {
        assert!(symbols.len() <= self.max_streams, "sharded: {symbols:?}");
        self.inner.stream_candles(symbols, timeframe)
    }

    fn stream_trades(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Trade>>>> {
        self.inner.stream_trades(symbols)
    }

    fn stream_order_books(
        &self,
        symbols: Vec<Symbol>,
        depth: usize,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<BookUpdate>>>> {
        self.inner.stream_order_books(symbols, depth)
    }

    fn stream_tickers(
        &self,
        symbols: Vec<Symbol>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Result<Ticker>>>> {
        self.inner.stream_tickers(symbols)
    }

    fn status_events(&self) -> BoxStream<'static, tradewire::StatusEvent> {
        self.inner.status_events()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_ohlcv_multi_opens_one_connection_per_symbol_at_limit_one() {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let unified = Unified::new(Narrowed {
        inner: binance_provider(&server),
        max_streams: 1,
        stream_timeframes: None,
    });
    let symbols = vec![sym("BTC/USDT"), sym("ETH/USDT"), sym("BNB/BTC")];
    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let mut status = unified.status_events();
    let mut stream = within(
        "stream_ohlcv_multi",
        unified.stream_ohlcv_multi(symbols.clone(), Timeframe::S1, opts),
    )
    .await
    .unwrap();
    assert_eq!(sim.connections(), 3, "one connection per symbol");
    // Closed candles of all three arrive, each symbol's in order.
    let mut last: HashMap<Symbol, i64> = HashMap::new();
    while last.len() < symbols.len() {
        let c = within("candles of every symbol", stream.next())
            .await
            .expect("stream ended")
            .unwrap();
        assert!(c.closed);
        let symbol = c.symbol.clone().unwrap();
        assert!(symbols.contains(&symbol));
        let prev = last.insert(symbol, c.open_time);
        assert!(prev.is_none_or(|p| c.open_time > p));
    }
    // Each connection subscribed one stream (replayed after `connect`, so checked once data
    // has flowed).
    let mut subs = sim.subscriptions();
    subs.sort();
    assert_eq!(
        subs,
        vec![
            vec!["bnbbtc@kline_1s".to_owned()],
            vec!["btcusdt@kline_1s".to_owned()],
            vec!["ethusdt@kline_1s".to_owned()],
        ]
    );
    // Every connection reported itself connected, through the facade.
    let mut connected = std::collections::HashSet::new();
    while connected.len() < 3 {
        let e = within("status events", status.next()).await.unwrap();
        assert_eq!(e.venue, Venue::Binance);
        assert_eq!(e.status, tradewire::LinkStatus::Connected, "{e:?}");
        connected.insert(e.connection);
    }

    drop(stream);
    // Dropping the merged stream closes all three.
    let mut closed = std::collections::HashSet::new();
    while closed.len() < 3 {
        let e = within("status events", status.next()).await.unwrap();
        assert!(
            matches!(e.status, tradewire::LinkStatus::Disconnected { .. }),
            "{e:?}"
        );
        closed.insert(e.connection);
    }
    assert_eq!(closed, connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeframe_not_streamed_is_polled_over_rest() {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let unified = Unified::new(Narrowed {
        inner: binance_provider(&server),
        max_streams: 1024,
        // Everything but 1s is streamed; Binance serves 1s klines over REST.
        stream_timeframes: Some(
            Timeframe::ALL
                .iter()
                .copied()
                .filter(|tf| *tf != Timeframe::S1)
                .collect(),
        ),
    })
    .with_poll_grace(Duration::from_millis(300));
    let caps = unified.capabilities();
    assert!(!caps.stream_timeframes.contains(&Timeframe::S1));
    assert!(caps.rest_timeframes.contains(&Timeframe::S1));

    let opts = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let mut stream = within(
        "stream_ohlcv",
        unified.stream_ohlcv(sym("BTC/USDT"), Timeframe::S1, opts),
    )
    .await
    .unwrap();
    let candles = closed_in_order(&mut stream, Timeframe::S1, 3).await;
    assert!(
        candles
            .iter()
            .all(|c| c.symbol.as_ref() == Some(&sym("BTC/USDT")))
    );
    assert_eq!(sim.connections(), 0, "polled over REST, no WebSocket");
}

// ---------------------------------------------------------------------------------------------
// README.md's library examples
//
// README.md shows these two bodies verbatim except for the endpoints: there
// `DataApi::new().venue(Venue::Binance)?` and `BinancePublicConfig::market_data_only()`
// (production), here the same calls pointed at the simulator. Keep the two in step when
// either changes.

async fn readme_unified(
    ws: &str,
    rest: &str,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    use futures::StreamExt;
    use tradewire::DataApi;
    use tradewire::core::{StreamOptions, Timeframe, Venue};

    let binance = DataApi::new()
        .ws_url(Venue::Binance, ws)
        .rest_url(Venue::Binance, rest)
        .venue(Venue::Binance)?;
    let btc = "BTC/USDT".parse()?;
    let only_closed = StreamOptions {
        only_closed: true,
        ..Default::default()
    };
    let mut candles = binance
        .stream_ohlcv(btc, Timeframe::S1, only_closed)
        .await?
        .take(3);
    while let Some(candle) = candles.next().await {
        let c = candle?;
        println!(
            "{} {} o={} h={} l={} c={} v={}",
            c.venue_symbol, c.open_time, c.open, c.high, c.low, c.close, c.volume
        );
    }
    Ok(())
}

async fn readme_venue(ws: &str) -> std::result::Result<(), Box<dyn std::error::Error>> {
    use futures::StreamExt;
    use tradewire::binance::streams::StreamName;
    use tradewire::binance::{
        BinanceMessage, BinancePublicClient, BinancePublicConfig, PublicEvent,
    };

    let (client, mut events) = BinancePublicClient::new(BinancePublicConfig::new(ws))?;
    client.subscribe(&[StreamName::trade("BTCUSDT")]).await?; // replayed on every reconnect
    client.connect().await?;
    let mut seen = 0;
    while let Some(event) = events.next().await {
        if let PublicEvent::Message(BinanceMessage::Trade(t)) = event {
            let t = t.trade; // the normalized trade
            println!("{} {:?} {} @ {}", t.venue_symbol, t.side, t.amount, t.price);
            seen += 1;
            if seen == 5 {
                break;
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_examples_run_against_the_simulator() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    within(
        "README unified example",
        readme_unified(&server.url(), &server.http_url()),
    )
    .await
    .unwrap();
    within("README venue example", readme_venue(&server.url()))
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Connection status

/// Opens a trade stream of `symbol` through `md`, drops the simulator's connections with
/// `drop_connections`, and checks what `status_events` reports: connected, reconnecting
/// (attempt 1), connected again — all for the stream's one connection — and, once the stream is
/// dropped, disconnected.
async fn status_follows_a_reconnect(
    md: &dyn MarketData,
    symbol: &str,
    drop_connections: impl Fn(),
) {
    use tradewire::LinkStatus;

    let mut status = md.status_events();
    let mut trades = within("stream_trades", md.stream_trades(vec![sym(symbol)]))
        .await
        .unwrap();
    within("a trade", trades.next()).await.unwrap().unwrap();
    let first = within("status", status.next()).await.unwrap();
    assert_eq!(
        (first.venue, &first.status),
        (md.venue(), &LinkStatus::Connected)
    );
    let connection = first.connection;

    drop_connections();
    // A stream reports while it is polled: read trades until the link is back.
    let mut seen = Vec::new();
    while seen.last() != Some(&LinkStatus::Connected) {
        within("a trade", trades.next()).await.unwrap().unwrap();
        while let Some(Some(e)) = futures::FutureExt::now_or_never(status.next()) {
            assert_eq!(e.connection, connection, "one stream, one connection");
            seen.push(e.status);
        }
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        matches!(seen[0], LinkStatus::Reconnecting { attempt: 1, .. }),
        "{seen:?}"
    );
    within("a trade after the reconnect", trades.next())
        .await
        .unwrap()
        .unwrap();

    drop(trades);
    let last = within("status", status.next()).await.unwrap();
    assert_eq!(last.connection, connection);
    assert!(
        matches!(last.status, LinkStatus::Disconnected { .. }),
        "{last:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binance_status_events_follow_a_reconnect() {
    let (_server, sim, api) = binance().await;
    let md = api.venue(Venue::Binance).unwrap();
    status_follows_a_reconnect(md.as_ref(), "BTC/USDT", || sim.drop_connections()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deribit_status_events_follow_a_reconnect() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let md = DataApi::new()
        .ws_url(Venue::Deribit, format!("{}/ws/api/v2", server.url()))
        .venue(Venue::Deribit)
        .unwrap();
    status_follows_a_reconnect(md.as_ref(), "BTC/USD:BTC", || sim.drop_connections()).await;
}
