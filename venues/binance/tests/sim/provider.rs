//! `BinanceProvider` (the `MarketDataSource` of Binance spot) against the Binance simulator over
//! real loopback sockets and HTTP: symbols, paginated candles equal to the simulator's
//! deterministic history, book and trades, every stream, and the typed errors.
//!
//! Timeouts are safety nets only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tradewire_binance::BinancePublicRest;
use tradewire_binance::provider::BinanceProvider;
use tradewire_binance::public::rest::klines::KlinesRequest;
use tradewire_core::market_data::{MarketDataSource, TimeRange};
use tradewire_core::{BookKind, Error, Symbol, SymbolKind, Timeframe, Venue};
use tradewire_mock::MockServer;
use tradewire_mock::binance::{BinanceSim, SimConfig};

const WAIT: Duration = Duration::from_secs(20);

async fn start() -> (MockServer, BinanceSim, BinanceProvider) {
    let (server, sim) = BinanceSim::start_with(SimConfig {
        tick_rate: 100,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let provider = BinanceProvider::new(server.url(), server.http_url()).unwrap();
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

async fn next<T>(stream: &mut (impl Stream<Item = tradewire_core::Result<T>> + Unpin)) -> T {
    tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("timed out waiting for an item")
        .expect("stream ended")
        .expect("stream error")
}

#[tokio::test]
async fn capabilities_and_symbols() {
    let (_server, _sim, provider) = start().await;
    let caps = provider.capabilities();
    assert_eq!(provider.venue(), Venue::Binance);
    assert_eq!(caps.stream_timeframes.len(), 16);
    assert!(caps.stream_timeframes.contains(&Timeframe::S1));
    assert!(caps.rest_timeframes.contains(&Timeframe::Mo1));
    assert_eq!(caps.max_streams_per_connection, 1024);
    assert_eq!(caps.candles_page_limit, 1000);
    assert!(caps.order_book && caps.recent_trades && caps.streams);
    assert!(!caps.funding_rate && !caps.open_interest);

    let symbols = provider.get_symbols().await.unwrap();
    let by_name: HashMap<&str, _> = symbols.iter().map(|s| (s.symbol.as_str(), s)).collect();
    for (canonical, venue) in [
        ("BTC/USDT", "BTCUSDT"),
        ("ETH/USDT", "ETHUSDT"),
        ("BNB/BTC", "BNBBTC"),
    ] {
        let info = by_name
            .get(canonical)
            .unwrap_or_else(|| panic!("{canonical}"));
        assert_eq!(info.venue_symbol, venue);
        assert_eq!(info.kind, SymbolKind::Spot);
        assert!(info.active);
        assert!(info.price_tick.is_some() && info.amount_step.is_some());
        assert!(info.min_amount.is_some());
    }
}

#[tokio::test]
async fn candles_over_several_pages_equal_the_simulator_history() {
    let (server, _sim, provider) = start().await;
    let minute = 60_000;
    let start = Timeframe::M1.open_time_for(now_ms() - 3 * 86_400_000) + 17; // unaligned
    let end = start - 17 + 2_500 * minute;
    let candles = provider
        .get_candles(&sym("ETH/USDT"), Timeframe::M1, TimeRange::new(start, end))
        .await
        .unwrap();

    // [start, end): the first candle opens at the next minute; `end` itself is excluded.
    assert_eq!(candles.len(), 2_499);
    assert_eq!(candles[0].open_time, start - 17 + minute);
    assert_eq!(candles.last().unwrap().open_time, end - minute);
    for w in candles.windows(2) {
        assert_eq!(w[1].open_time - w[0].open_time, minute, "gap or duplicate");
    }
    for c in &candles {
        assert!(c.open_time >= start && c.open_time < end);
        assert_eq!(c.symbol.as_ref().map(|s| s.as_str()), Some("ETH/USDT"));
        assert_eq!(c.venue_symbol, "ETHUSDT");
        assert!(c.closed);
    }

    // The simulator's history, one page at a time.
    let rest = BinancePublicRest::new(server.http_url()).unwrap();
    let mut pages = Vec::new();
    for (i, limit) in [(0, 1000), (1, 1000), (2, 499)] {
        let req = KlinesRequest::new("ETHUSDT", Timeframe::M1)
            .with_start_time(candles[0].open_time + i * 1000 * minute)
            .with_limit(limit);
        pages.extend(rest.klines(&req).await.unwrap());
    }
    assert_eq!(pages.len(), candles.len());
    for (a, b) in candles.iter().zip(&pages) {
        assert_eq!(
            (a.open_time, a.open, a.high, a.low, a.close, a.volume),
            (b.open_time, b.open, b.high, b.low, b.close, b.volume)
        );
    }

    // An aligned range of exactly range/tf candles; an empty range.
    let h = 3_600_000;
    let h_start = Timeframe::H1.open_time_for(now_ms() - 100 * 86_400_000);
    let hours = provider
        .get_candles(
            &sym("BTC/USDT"),
            Timeframe::H1,
            TimeRange::new(h_start, h_start + 1_500 * h),
        )
        .await
        .unwrap();
    assert_eq!(hours.len(), 1_500);
    assert_eq!(hours[0].open_time, h_start);
    assert!(
        provider
            .get_candles(
                &sym("BTC/USDT"),
                Timeframe::H1,
                TimeRange::new(h_start, h_start)
            )
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn order_book_and_recent_trades() {
    let (_server, _sim, provider) = start().await;
    let btc = sym("BTC/USDT");
    let book = provider.get_order_book(&btc, 5).await.unwrap();
    assert_eq!(book.kind, BookKind::Snapshot);
    assert_eq!(book.symbol.as_ref(), Some(&btc));
    assert!(book.bids.len() <= 5 && !book.bids.is_empty());
    assert!(book.asks.len() <= 5 && !book.asks.is_empty());
    assert!(book.bids[0].price < book.asks[0].price);
    assert!(book.last_seq.is_some());

    tokio::time::sleep(Duration::from_millis(300)).await;
    let trades = provider.get_recent_trades(&btc, 20).await.unwrap();
    assert!(!trades.is_empty() && trades.len() <= 20);
    assert!(
        trades.windows(2).all(|w| w[0].time <= w[1].time),
        "newest last"
    );
    assert!(trades.iter().all(|t| t.symbol.as_ref() == Some(&btc)));
}

#[tokio::test]
async fn unknown_symbols_and_unsupported_data_are_typed_errors() {
    let (_server, _sim, provider) = start().await;
    let unknown = sym("DOGE/USDT");
    let range = TimeRange::new(0, 60_000);
    for e in [
        provider
            .get_candles(&unknown, Timeframe::M1, range)
            .await
            .unwrap_err(),
        provider.get_order_book(&unknown, 5).await.unwrap_err(),
        provider
            .get_candles(&sym("BTC/USDT:USDT"), Timeframe::M1, range)
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(
                e,
                Error::UnknownSymbol {
                    venue: Venue::Binance,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    let e = provider
        .stream_candles(vec![sym("BTC/USDT"), unknown.clone()], Timeframe::M1)
        .await
        .err()
        .unwrap();
    assert!(matches!(e, Error::UnknownSymbol { ref symbol, .. } if symbol == "DOGE/USDT"));

    let btc = sym("BTC/USDT");
    let e = provider.get_funding_rate(&btc).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                venue: Venue::Binance,
                ..
            }
        ),
        "{e:?}"
    );
    let e = provider.get_open_interest(&btc).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                venue: Venue::Binance,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn one_second_candles_of_two_symbols_include_closed_ones() {
    let (_server, sim, provider) = start().await;
    let symbols = vec![sym("BTC/USDT"), sym("ETH/USDT")];
    let mut candles = provider
        .stream_candles(symbols.clone(), Timeframe::S1)
        .await
        .unwrap();
    assert_eq!(sim.connections(), 1, "one connection for both symbols");
    let mut seen = HashSet::new();
    let mut closed = HashSet::new();
    while seen.len() < 2 || closed.len() < 2 {
        let c = next(&mut candles).await;
        assert_eq!(c.timeframe, Timeframe::S1);
        let s = c.symbol.clone().unwrap();
        assert!(symbols.contains(&s), "{s}");
        assert_eq!(c.open_time % 1_000, 0);
        if c.closed {
            closed.insert(s.clone());
        }
        seen.insert(s);
    }
}

#[tokio::test]
async fn trades_and_tickers_stream() {
    let (_server, _sim, provider) = start().await;
    let symbols = vec![sym("BTC/USDT"), sym("BNB/BTC")];
    let mut trades = provider.stream_trades(symbols.clone()).await.unwrap();
    let mut seen = HashSet::new();
    while seen.len() < 2 {
        let t = next(&mut trades).await;
        seen.insert(t.symbol.unwrap());
    }
    let mut tickers = provider.stream_tickers(symbols.clone()).await.unwrap();
    let t = next(&mut tickers).await;
    assert!(symbols.contains(t.symbol.as_ref().unwrap()));
    assert!(t.bid.is_some() && t.ask.is_some() && t.last.is_some());
}

#[tokio::test]
async fn order_book_streams_are_consistent_snapshots() {
    let (_server, sim, provider) = start().await;
    let symbols = vec![sym("BTC/USDT"), sym("ETH/USDT")];
    let mut books = provider
        .stream_order_books(symbols.clone(), 5)
        .await
        .unwrap();
    let mut last_seq: HashMap<Symbol, u64> = HashMap::new();
    let mut count = 0;
    while count < 60 || last_seq.len() < 2 {
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
    }

    // After the stream, the top of book matches the simulator's exactly (paused market).
    sim.pause_market();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let top = sim.book_top("BTCUSDT", 5).unwrap();
    let mut latest = None;
    while let Ok(Some(Ok(b))) = tokio::time::timeout(Duration::from_millis(300), books.next()).await
    {
        if b.venue_symbol == "BTCUSDT" {
            latest = Some(b);
        }
    }
    if let Some(b) = latest.filter(|b| b.last_seq == Some(top.last_update_id)) {
        let bids: Vec<(String, String)> = b
            .bids
            .iter()
            .map(|l| (l.price.to_string(), l.amount.to_string()))
            .collect();
        assert_eq!(bids, top.bids);
    }
}
