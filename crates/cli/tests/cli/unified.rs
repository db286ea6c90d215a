//! `tradewire stream|candles|symbols|demo` over the unified API: the built binary against
//! `tradewire_mock::binance::BinanceSim` (and `DeribitSim` for the demo) on 127.0.0.1.

// Test helpers outside #[test] functions may fail loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use tradewire::binance::BinancePublicRest;
use tradewire::binance::public::rest::klines::KlinesRequest;
use tradewire::core::{BookKind, MarketEvent, Timeframe, Venue};
use tradewire_mock::MockServer;
use tradewire_mock::binance::BinanceSim;

use super::common::{Running, event};

/// `--url` and `--rest-url` of a Binance simulator.
fn urls(server: &MockServer) -> [String; 4] {
    [
        "--url".into(),
        server.url(),
        "--rest-url".into(),
        server.http_url(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_binance_trades() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let run = Running::with(
        &["stream", "binance", "trades", "BTCUSDT", "--limit", "5"],
        &urls(&server),
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 5, "{lines:?}");
    for line in &lines {
        let MarketEvent::Trade(t) = event(line) else {
            panic!("not a trade: {line}")
        };
        assert_eq!(t.venue, Venue::Binance);
        assert_eq!(t.venue_symbol, "BTCUSDT");
        assert_eq!(t.symbol.unwrap().as_str(), "BTC/USDT");
        assert!(t.price > tradewire::core::Decimal::ZERO);
        assert!(t.amount > tradewire::core::Decimal::ZERO);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_binance_closed_candles() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let run = Running::with(
        &[
            "stream",
            "binance",
            "ohlcv",
            "BTC/USDT",
            "--timeframe",
            "1s",
            "--only-closed",
            "--limit",
            "2",
        ],
        &urls(&server),
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 2, "{lines:?}");
    let mut opens = Vec::new();
    for line in &lines {
        let MarketEvent::Candle(c) = event(line) else {
            panic!("not a candle: {line}")
        };
        assert!(c.closed, "{line}");
        assert_eq!(c.timeframe, Timeframe::S1);
        assert_eq!(c.venue_symbol, "BTCUSDT");
        opens.push(c.open_time);
    }
    assert!(opens[0] < opens[1], "{opens:?}");
    server.shutdown().await;
}

/// Each line is a consistent top-of-book snapshot with at most `depth` levels per side.
fn check_books(lines: &[String], depth: usize) {
    let mut last: Option<u64> = None;
    for line in lines {
        let MarketEvent::Book(b) = event(line) else {
            panic!("not a book: {line}")
        };
        assert_eq!(b.kind, BookKind::Snapshot);
        assert_eq!(b.venue_symbol, "BTCUSDT");
        assert!(!b.bids.is_empty() && !b.asks.is_empty(), "{line}");
        assert!(b.bids.len() <= depth && b.asks.len() <= depth, "{line}");
        assert!(b.bids.windows(2).all(|w| w[0].price > w[1].price), "{line}");
        assert!(b.asks.windows(2).all(|w| w[0].price < w[1].price), "{line}");
        assert!(b.bids[0].price < b.asks[0].price, "crossed: {line}");
        let seq = b.last_seq.expect("last_seq");
        if let Some(prev) = last {
            assert!(seq >= prev, "last_seq went from {prev} to {seq}");
        }
        last = Some(seq);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_binance_book() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let run = Running::with(
        &[
            "stream", "binance", "book", "BTCUSDT", "--depth", "5", "--limit", "3",
        ],
        &urls(&server),
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 3, "{lines:?}");
    check_books(&lines, 5);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_binance_survives_a_drop() {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let mut run = Running::with(
        &["stream", "binance", "trades", "BTCUSDT", "--limit", "25"],
        &urls(&server),
    );
    let mut lines = vec![run.next_line().await, run.next_line().await];
    assert_eq!(sim.connections(), 1);
    sim.drop_connections();
    let dropped_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let (code, rest, stderr) = run.finish().await;
    lines.extend(rest);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 25);
    let times: Vec<i64> = lines
        .iter()
        .map(|line| match event(line) {
            MarketEvent::Trade(t) => t.time,
            _ => panic!("not a trade: {line}"),
        })
        .collect();
    // The last trades happened after the drop: they came over a new connection.
    let last = u128::try_from(*times.last().unwrap()).unwrap();
    assert!(last > dropped_at, "{times:?} vs drop at {dropped_at}");
    // And the reconnect was reported on stderr, in order.
    let status: Vec<&str> = stderr
        .lines()
        .filter(|l| *l == "connected" || l.starts_with("reconnecting"))
        .collect();
    assert_eq!(status.len(), 3, "{stderr}");
    assert_eq!(status[0], "connected");
    assert!(
        status[1].starts_with("reconnecting (attempt 1, in "),
        "{stderr}"
    );
    assert_eq!(status[2], "connected");
    server.shutdown().await;
}

/// A temporary file path, removed first.
fn temp(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("tradewire-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candles_to_csv_and_resume() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let path = temp("candles.csv");
    let out = path.to_str().unwrap();
    let run = Running::with(
        &[
            "candles",
            "binance",
            "BTCUSDT",
            "1h",
            "--since",
            "2024-01-01",
            "--until",
            "2024-01-02T00:00:00Z",
            "--out",
            out,
        ],
        &urls(&server),
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert!(lines.is_empty(), "{lines:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "open_time,close_time,open,high,low,close,volume,quote_volume,trades,closed"
    );
    assert_eq!(rows.len(), 1 + 24, "{text}");
    let start = 1_704_067_200_000i64;
    let hour = 3_600_000i64;

    // The same candles straight from the simulator's REST API.
    let rest = BinancePublicRest::new(server.http_url()).unwrap();
    let req = KlinesRequest::new("BTCUSDT", Timeframe::H1)
        .with_start_time(start)
        .with_end_time(start + 30 * hour - 1)
        .with_limit(1000);
    let direct = rest.klines(&req).await.unwrap();
    assert!(direct.len() >= 30);
    let csv_of = |c: &tradewire::core::Candle| {
        format!(
            "{},{},{},{},{},{},{},{},{},true",
            c.open_time,
            c.close_time.map(|t| t.to_string()).unwrap_or_default(),
            c.open,
            c.high,
            c.low,
            c.close,
            c.volume,
            c.quote_volume.map(|v| v.to_string()).unwrap_or_default(),
            c.trades.map(|t| t.to_string()).unwrap_or_default(),
        )
    };
    for (i, row) in rows[1..].iter().enumerate() {
        let c = &direct[i];
        assert_eq!(c.open_time, start + i64::try_from(i).unwrap() * hour);
        assert_eq!(*row, csv_of(c));
    }

    // A later --until appends only what is missing.
    let run = Running::with(
        &[
            "candles",
            "binance",
            "BTC/USDT",
            "1h",
            "--since",
            "2024-01-01",
            "--until",
            &(start + 30 * hour).to_string(),
            "--out",
            out,
        ],
        &urls(&server),
    );
    let (code, _, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 1 + 30, "{text}");
    assert_eq!(text.matches("open_time").count(), 1);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(*row, csv_of(&direct[i]));
    }
    std::fs::remove_file(&path).unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candles_jsonl_to_stdout() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let run = Running::with(
        &[
            "candles",
            "binance",
            "ETHUSDT",
            "1d",
            "--since",
            "2024-01-01",
            "--until",
            "2024-01-04",
        ],
        &urls(&server),
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 3, "{lines:?}");
    for line in &lines {
        let MarketEvent::Candle(c) = event(line) else {
            panic!("{line}")
        };
        assert_eq!(c.timeframe, Timeframe::D1);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_lists_btc_usdt() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let run = Running::with(&["symbols", "binance"], &urls(&server));
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    let found = lines.iter().any(|l| {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        v["symbol"] == "BTC/USDT" && v["venue_symbol"] == "BTCUSDT" && v["kind"] == "spot"
    });
    assert!(found, "{lines:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_timeframe_and_symbol_list_the_valid_values() {
    let run = Running::start(&[
        "stream",
        "binance",
        "ohlcv",
        "BTCUSDT",
        "--timeframe",
        "7m",
        "--url",
        "ws://127.0.0.1:9",
        "--rest-url",
        "http://127.0.0.1:9",
    ]);
    let (code, lines, stderr) = run.finish().await;
    assert_ne!(code, 0);
    assert!(lines.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("\"7m\"") && stderr.contains("1s 1m 3m 5m 15m 30m 1h"),
        "{stderr}"
    );

    let run = Running::start(&[
        "candles",
        "binance",
        "BTCUSDT",
        "2x",
        "--since",
        "2024-01-01",
    ]);
    let (code, _, stderr) = run.finish().await;
    assert_ne!(code, 0);
    assert!(
        stderr.contains("\"2x\"") && stderr.contains("1d"),
        "{stderr}"
    );

    let run = Running::start(&["stream", "binance", "trades", "???"]);
    let (code, _, stderr) = run.finish().await;
    assert_ne!(code, 0);
    assert!(stderr.contains("BTCUSDT"), "{stderr}");

    let run = Running::start(&["stream", "nyse", "trades", "X"]);
    let (code, _, stderr) = run.finish().await;
    assert_ne!(code, 0);
    assert!(
        stderr.contains("binance") && stderr.contains("deribit"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_prints_both_venues_as_json_lines() {
    let run = Running::start(&["demo", "--duration", "3s"]);
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    let venues: Vec<Venue> = lines
        .iter()
        .map(|l| match event(l) {
            MarketEvent::Ticker(t) => t.venue,
            MarketEvent::Candle(c) => c.venue,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert!(venues.contains(&Venue::Binance), "{lines:?}");
    assert!(venues.contains(&Venue::Deribit), "{lines:?}");
    assert!(stderr.contains("cutting every connection"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deribit_through_the_unified_api() {
    use tradewire_mock::deribit::{DeribitSim, WS_PATH};
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = format!("{}{WS_PATH}", server.url());

    // Two instruments (canonical and venue spelling): the unified path.
    let run = Running::start(&[
        "stream",
        "deribit",
        "ticker",
        "BTC/USD:BTC",
        "ETH-PERPETUAL",
        "--limit",
        "6",
        "--url",
        &url,
    ]);
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 6);
    for line in &lines {
        let MarketEvent::Ticker(t) = event(line) else {
            panic!("not a ticker: {line}")
        };
        assert!(["BTC-PERPETUAL", "ETH-PERPETUAL"].contains(&t.venue_symbol.as_str()));
    }

    let run = Running::start(&["symbols", "deribit", "--url", &url]);
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"venue_symbol\":\"BTC-PERPETUAL\"")),
        "{lines:?}"
    );

    let run = Running::start(&[
        "stream",
        "deribit",
        "ohlcv",
        "BTC-PERPETUAL",
        "ETH-PERPETUAL",
        "--timeframe",
        "4h",
        "--url",
        &url,
    ]);
    let (code, _, stderr) = run.finish().await;
    assert_eq!(code, 2);
    assert!(
        stderr.contains("\"4h\"") && stderr.contains("1m 3m 5m 15m 30m 1h 2h 6h 12h 1d"),
        "{stderr}"
    );
    server.shutdown().await;
}
