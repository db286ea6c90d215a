//! `DeribitProvider` (the `MarketDataSource` of Deribit) against the Deribit simulator over
//! real loopback sockets: instruments, paginated chart data equal to the simulator's
//! deterministic history, book, trades, funding and open interest, every stream (with the
//! closed-candle marking and the local books), and the typed errors.
//!
//! Timeouts are safety nets only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tradewire_core::market_data::{MarketDataSource, TimeRange};
use tradewire_core::{BookKind, Candle, Error, Symbol, SymbolKind, Timeframe, Venue};
use tradewire_deribit::provider::DeribitProvider;
use tradewire_deribit::public::websocket::get_tradingview_chart_data::ChartDataParams;
use tradewire_deribit::{DeribitConfig, DeribitPublicClient};
use tradewire_mock::MockServer;
use tradewire_mock::deribit::{self as sim, DeribitSim, WS_PATH};

const WAIT: Duration = Duration::from_secs(20);

fn url(server: &MockServer) -> String {
    format!("{}{}", server.url(), WS_PATH)
}

async fn start() -> (MockServer, DeribitSim, DeribitProvider) {
    let (server, sim) = DeribitSim::start_with(sim::DeribitConfig {
        tick_rate: 50,
        ..sim::DeribitConfig::default()
    })
    .await
    .unwrap();
    let provider = DeribitProvider::new(url(&server)).unwrap();
    (server, sim, provider)
}

fn sym(s: &str) -> Symbol {
    s.parse().unwrap()
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

async fn next_within<T>(
    stream: &mut (impl Stream<Item = tradewire_core::Result<T>> + Unpin),
    wait: Duration,
) -> T {
    tokio::time::timeout(wait, stream.next())
        .await
        .expect("timed out waiting for an item")
        .expect("stream ended")
        .expect("stream error")
}

async fn next<T>(stream: &mut (impl Stream<Item = tradewire_core::Result<T>> + Unpin)) -> T {
    next_within(stream, WAIT).await
}

#[tokio::test]
async fn capabilities_and_symbols() {
    let (_server, _sim, provider) = start().await;
    let caps = provider.capabilities();
    assert_eq!(provider.venue(), Venue::Deribit);
    let tfs: Vec<&str> = caps.stream_timeframes.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        tfs,
        [
            "1m", "3m", "5m", "15m", "30m", "1h", "2h", "6h", "12h", "1d"
        ]
    );
    assert_eq!(caps.rest_timeframes, caps.stream_timeframes);
    assert_eq!(caps.max_streams_per_connection, 500);
    assert!(caps.funding_rate && caps.open_interest && caps.order_book && caps.streams);

    let symbols = provider.get_symbols().await.unwrap();
    let by_name: HashMap<&str, _> = symbols
        .iter()
        .map(|s| (s.venue_symbol.as_str(), s))
        .collect();
    let btc = by_name["BTC-PERPETUAL"];
    assert_eq!(btc.symbol.as_str(), "BTC/USD:BTC");
    assert_eq!(btc.kind, SymbolKind::Swap);
    assert!(btc.active && btc.price_tick.is_some() && btc.min_amount.is_some());
    assert_eq!(by_name["ETH-PERPETUAL"].symbol.as_str(), "ETH/USD:ETH");
    assert!(symbols.iter().any(|s| s.kind == SymbolKind::Future));
    assert!(symbols.iter().any(|s| s.kind == SymbolKind::Option));
}

fn assert_same(a: &[Candle], b: &[Candle]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(
            (x.open_time, x.open, x.high, x.low, x.close, x.volume),
            (y.open_time, y.open, y.high, y.low, y.close, y.volume)
        );
    }
}

#[tokio::test]
async fn candles_over_several_pages_equal_the_simulator_history() {
    let (server, sim, provider) = start().await;
    let minute = 60_000;
    let end = Timeframe::M1.open_time_for(now_ms() - 86_400_000);
    let start = end - 12_000 * minute;
    let perp = sym("BTC/USD:BTC");
    let before = sim.requests_received("public/get_tradingview_chart_data");
    let candles = provider
        .get_candles(&perp, Timeframe::M1, TimeRange::new(start, end))
        .await
        .unwrap();
    // 12 000 candles in pages of 5000: three calls.
    assert_eq!(
        sim.requests_received("public/get_tradingview_chart_data") - before,
        3
    );
    assert_eq!(candles.len(), 12_000);
    assert_eq!(candles[0].open_time, start);
    assert_eq!(candles.last().unwrap().open_time, end - minute);
    for w in candles.windows(2) {
        assert_eq!(w[1].open_time - w[0].open_time, minute, "gap or duplicate");
    }
    for c in &candles {
        assert_eq!(c.symbol.as_ref(), Some(&perp));
        assert_eq!(c.venue_symbol, "BTC-PERPETUAL");
        assert!(c.closed);
    }

    // The simulator's history, asked for directly in other windows.
    let (client, _events) = DeribitPublicClient::new(DeribitConfig::new(url(&server))).unwrap();
    client.connect().await.unwrap();
    let mut direct = Vec::new();
    for i in 0..6 {
        let params = ChartDataParams {
            instrument_name: "BTC-PERPETUAL".into(),
            start_timestamp: start + i * 2_000 * minute,
            end_timestamp: start + (i + 1) * 2_000 * minute - 1,
            resolution: "1".into(),
        };
        let data = client.get_tradingview_chart_data(&params).await.unwrap();
        direct.extend(data.candles("BTC-PERPETUAL", "1"));
    }
    assert_same(&candles, &direct);

    // Smaller pages, an unaligned start: the same candles.
    let small = provider.clone().with_candles_page_limit(700);
    let again = small
        .get_candles(&perp, Timeframe::M1, TimeRange::new(start - 59_999, end))
        .await
        .unwrap();
    assert_same(&again, &candles);

    // Hours: count = range / tf.
    let h = 3_600_000;
    let h_start = Timeframe::H1.open_time_for(now_ms() - 30 * 86_400_000);
    let hours = provider
        .get_candles(
            &sym("ETH/USD:ETH"),
            Timeframe::H1,
            TimeRange::new(h_start, h_start + 240 * h),
        )
        .await
        .unwrap();
    assert_eq!(hours.len(), 240);
}

#[tokio::test]
async fn book_trades_funding_and_open_interest() {
    let (_server, _sim, provider) = start().await;
    let perp = sym("BTC/USD:BTC");
    let book = provider.get_order_book(&perp, 3).await.unwrap();
    assert_eq!(book.kind, BookKind::Snapshot);
    assert_eq!(book.symbol.as_ref(), Some(&perp));
    assert!(!book.bids.is_empty() && book.bids.len() <= 3);
    assert!(!book.asks.is_empty() && book.asks.len() <= 3);
    assert!(book.bids[0].price < book.asks[0].price);
    assert!(book.last_seq.is_some());

    tokio::time::sleep(Duration::from_millis(500)).await;
    let trades = provider.get_recent_trades(&perp, 25).await.unwrap();
    assert!(!trades.is_empty() && trades.len() <= 25);
    assert!(
        trades.windows(2).all(|w| w[0].time <= w[1].time),
        "newest last"
    );
    assert!(trades.iter().all(|t| t.symbol.as_ref() == Some(&perp)));

    let funding = provider.get_funding_rate(&perp).await.unwrap();
    assert_eq!(funding.venue_symbol, "BTC-PERPETUAL");
    assert_eq!(funding.symbol, perp);
    assert!(funding.time > 0);

    let oi = provider.get_open_interest(&perp).await.unwrap();
    assert_eq!(oi.venue_symbol, "BTC-PERPETUAL");
    assert!(oi.amount >= tradewire_core::Decimal::ZERO);

    // Funding applies to perpetuals only.
    let symbols = provider.get_symbols().await.unwrap();
    let future = symbols
        .iter()
        .find(|s| s.kind == SymbolKind::Future)
        .unwrap();
    let e = provider.get_funding_rate(&future.symbol).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                venue: Venue::Deribit,
                ..
            }
        ),
        "{e:?}"
    );
    provider.get_open_interest(&future.symbol).await.unwrap();
}

#[tokio::test]
async fn unknown_symbols_and_timeframes_are_typed_errors() {
    let (_server, _sim, provider) = start().await;
    let unknown = sym("SOL/USD:SOL");
    let range = TimeRange::new(0, 60_000);
    for e in [
        provider
            .get_candles(&unknown, Timeframe::M1, range)
            .await
            .unwrap_err(),
        provider.get_order_book(&unknown, 5).await.unwrap_err(),
        provider.get_open_interest(&unknown).await.unwrap_err(),
        provider
            .stream_trades(vec![sym("BTC/USD:BTC"), unknown.clone()])
            .await
            .err()
            .unwrap(),
        provider
            .get_candles(&sym("BTC/USDT"), Timeframe::M1, range)
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(
                e,
                Error::UnknownSymbol {
                    venue: Venue::Deribit,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    let e = provider
        .get_candles(&sym("BTC/USD:BTC"), Timeframe::H4, range)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
    let e = provider
        .stream_candles(vec![sym("BTC/USD:BTC")], Timeframe::S1)
        .await
        .err()
        .unwrap();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
}

#[tokio::test]
async fn candles_of_two_symbols_are_closed_when_the_next_one_starts() {
    let (_server, sim, provider) = start().await;
    let symbols = vec![sym("BTC/USD:BTC"), sym("ETH/USD:ETH")];
    let mut candles = provider
        .stream_candles(symbols.clone(), Timeframe::M1)
        .await
        .unwrap();
    assert_eq!(
        sim.connections(),
        2,
        "the request connection and one stream"
    );
    let mut seen = HashSet::new();
    let mut last: HashMap<Symbol, Candle> = HashMap::new();
    let mut closed = 0;
    // A minute boundary must pass: wait at most a little over a minute.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(75);
    while seen.len() < 2 || closed == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no closed candle");
        let c = next(&mut candles).await;
        assert_eq!(c.timeframe, Timeframe::M1);
        assert_eq!(c.open_time % 60_000, 0);
        let s = c.symbol.clone().unwrap();
        assert!(symbols.contains(&s));
        if c.closed {
            // The last update of the candle, repeated once with closed = true…
            let prev = last.get(&s).expect("closed before any update");
            assert_eq!(prev.open_time, c.open_time);
            assert!(!prev.closed);
            assert_eq!((prev.close, prev.volume), (c.close, c.volume));
            // …just before the first update of the next candle.
            let following = next(&mut candles).await;
            assert_eq!(following.symbol.as_ref(), Some(&s));
            assert!(!following.closed);
            assert_eq!(following.open_time, c.open_time + 60_000);
            closed += 1;
            last.insert(s.clone(), following);
        } else {
            if let Some(prev) = last.get(&s) {
                assert_eq!(
                    prev.open_time, c.open_time,
                    "a new candle without a closed one"
                );
            }
            last.insert(s.clone(), c);
        }
        seen.insert(s);
    }
}

#[tokio::test]
async fn trades_and_tickers_stream() {
    let (_server, _sim, provider) = start().await;
    let symbols = vec![sym("BTC/USD:BTC"), sym("ETH/USD:ETH")];
    let mut trades = provider.stream_trades(symbols.clone()).await.unwrap();
    let mut seen = HashSet::new();
    while seen.len() < 2 {
        let t = next(&mut trades).await;
        assert!(t.id.is_some());
        seen.insert(t.symbol.unwrap());
    }
    let mut tickers = provider.stream_tickers(symbols.clone()).await.unwrap();
    let mut seen = HashSet::new();
    while seen.len() < 2 {
        let t = next(&mut tickers).await;
        assert!(t.bid.is_some() && t.ask.is_some());
        seen.insert(t.symbol.unwrap());
    }
}

#[tokio::test]
async fn order_book_streams_are_consistent_through_a_resync() {
    let (_server, sim, provider) = start().await;
    let symbols = vec![sym("BTC/USD:BTC"), sym("ETH/USD:ETH")];
    let mut books = provider
        .stream_order_books(symbols.clone(), 5)
        .await
        .unwrap();
    let mut last_seq: HashMap<Symbol, u64> = HashMap::new();
    let mut count = 0;
    let mut skipped = false;
    while count < 120 || last_seq.len() < 2 {
        let b = next(&mut books).await;
        assert_eq!(b.kind, BookKind::Snapshot);
        let s = b.symbol.clone().unwrap();
        assert!(symbols.contains(&s));
        assert!(!b.bids.is_empty() && b.bids.len() <= 5);
        assert!(!b.asks.is_empty() && b.asks.len() <= 5);
        assert!(b.bids[0].price < b.asks[0].price, "crossed book {b:?}");
        assert!(b.bids.windows(2).all(|w| w[0].price > w[1].price));
        assert!(b.asks.windows(2).all(|w| w[0].price < w[1].price));
        let seq = b.last_seq.unwrap();
        if let Some(prev) = last_seq.insert(s, seq) {
            assert!(seq > prev, "last_seq {seq} after {prev}");
        }
        count += 1;
        if count == 40 && !skipped {
            // A lost change batch: the book is rebuilt from a fresh snapshot and goes on.
            assert!(sim.skip_change_id("BTC-PERPETUAL"));
            skipped = true;
        }
    }

    // Once the market stops, the stream's book is the simulator's.
    sim.pause_market();
    let mut latest = None;
    while let Ok(Some(Ok(b))) = tokio::time::timeout(Duration::from_millis(500), books.next()).await
    {
        if b.venue_symbol == "BTC-PERPETUAL" {
            latest = Some(b);
        }
    }
    let top = sim.book_top("BTC-PERPETUAL", 5).unwrap();
    if let Some(b) = latest.filter(|b| b.last_seq == Some(top.change_id)) {
        let bids: Vec<_> = b.bids.iter().map(|l| (l.price, l.amount)).collect();
        assert_eq!(bids, top.bids);
    }
}
