//! `tradewire decode|stream|order` for Deribit: the built binary against
//! `tradewire_mock::deribit::DeribitSim` on 127.0.0.1.

// Test helpers outside #[test] functions may fail loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

use tradewire::core::{BookKind, MarketEvent, OrderStatus, Side};
use tradewire_mock::MockServer;
use tradewire_mock::deribit::{DOC_CLIENT_ID, DOC_CLIENT_SECRET, DeribitSim, WS_PATH};

use super::common::{BIN, Running, event};

fn url(server: &MockServer) -> String {
    format!("{}{}", server.url(), WS_PATH)
}

fn creds_env() -> [(&'static str, &'static str); 2] {
    [
        ("TRADEWIRE_DERIBIT_API_KEY", DOC_CLIENT_ID),
        ("TRADEWIRE_DERIBIT_API_SECRET", DOC_CLIENT_SECRET),
    ]
}

#[test]
fn decode_documented_frames() {
    let input = [
        // https://docs.deribit.com/#book-instrument_name-interval (notification example, shortened)
        r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"snapshot","timestamp":1554373962454,"instrument_name":"BTC-PERPETUAL","change_id":297217,"bids":[["new",5042.34,30],["new",5041.94,20]],"asks":[["new",5042.64,40],["new",5043.3,40]]}}}"#,
        r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"change","timestamp":1554373911330,"prev_change_id":297217,"instrument_name":"BTC-PERPETUAL","change_id":297218,"bids":[["delete",5041.94,0]],"asks":[["change",5042.64,30.0]]}}}"#,
        // https://docs.deribit.com/#trades-instrument_name-interval (notification example)
        r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.raw","data":[{"trade_seq":30289442,"trade_id":"48079269","timestamp":1590484512188,"tick_direction":2,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"sell","amount":10}]}}"#,
        // https://docs.deribit.com/#chart-trades-instrument_name-resolution (notification example)
        r#"{"params":{"data":{"volume":0.05219351,"tick":1573645080000,"open":8869.79,"low":8788.25,"high":8870.31,"cost":460,"close":8791.25},"channel":"chart.trades.BTC-PERPETUAL.1"},"method":"subscription","jsonrpc":"2.0"}"#,
        // https://docs.deribit.com/#public-get_time (response example): no market event
        r#"{"jsonrpc":"2.0","id":7365,"result":1550147385946,"usIn":1,"usOut":2,"usDiff":1,"testnet":false}"#,
        // Not JSON: an error on stderr, decoding goes on.
        "not json",
        "",
        // https://docs.deribit.com/#public-set_heartbeat (test_request): no market event
        r#"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}"#,
    ]
    .join("\n");
    let mut child = Command::new(BIN)
        .args(["decode", "--venue", "deribit"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"type":"book","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","kind":"snapshot","last_seq":297217,"time":1554373962454,"bids":[["5042.34","30"],["5041.94","20"]],"asks":[["5042.64","40"],["5043.3","40"]]}"#,
            r#"{"type":"book","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","kind":"delta","last_seq":297218,"prev_seq":297217,"time":1554373911330,"bids":[["5041.94","0"]],"asks":[["5042.64","30.0"]]}"#,
            r#"{"type":"trade","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","id":"48079269","price":"8950.0","amount":"10","side":"sell","time":1590484512188}"#,
            r#"{"type":"candle","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","timeframe":"1m","open_time":1573645080000,"close_time":1573645139999,"open":"8869.79","high":"8870.31","low":"8788.25","close":"8791.25","volume":"0.05219351","quote_volume":"460","closed":false}"#,
        ]
    );
    for line in &lines {
        event(line);
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error: line 6:"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_trades_with_limit() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = url(&server);
    let run = Running::start_with_env(
        &[
            "stream",
            "deribit",
            "trades",
            "BTC-PERPETUAL",
            "--limit",
            "5",
            "--url",
            &url,
        ],
        &[],
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 5, "{lines:?}");
    for line in &lines {
        let MarketEvent::Trade(t) = event(line) else {
            panic!("not a trade: {line}")
        };
        assert_eq!(t.venue_symbol, "BTC-PERPETUAL");
        assert_eq!(t.symbol.unwrap().as_str(), "BTC/USD:BTC");
        assert!(
            t.price > tradewire::core::Decimal::ZERO && t.amount > tradewire::core::Decimal::ZERO
        );
        assert!(matches!(t.side, Side::Buy | Side::Sell));
    }
    server.shutdown().await;
}

/// Each line is a consistent top-of-book snapshot; `last_seq` only grows.
fn check_books(lines: &[String], depth: usize, last: &mut Option<u64>) {
    for line in lines {
        let MarketEvent::Book(b) = event(line) else {
            panic!("not a book: {line}")
        };
        assert_eq!(b.kind, BookKind::Snapshot);
        assert_eq!(b.venue_symbol, "BTC-PERPETUAL");
        assert!(!b.bids.is_empty() && !b.asks.is_empty(), "{line}");
        assert!(b.bids.len() <= depth && b.asks.len() <= depth, "{line}");
        assert!(b.bids.windows(2).all(|w| w[0].price > w[1].price), "{line}");
        assert!(b.asks.windows(2).all(|w| w[0].price < w[1].price), "{line}");
        assert!(b.bids[0].price < b.asks[0].price, "crossed: {line}");
        assert!(b.bids.iter().chain(&b.asks).all(|l| !l.amount.is_zero()));
        let seq = b.last_seq.expect("last_seq");
        if let Some(prev) = *last {
            assert!(seq >= prev, "last_seq went from {prev} to {seq}");
        }
        *last = Some(seq);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_book_prints_consistent_snapshots() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = url(&server);
    let run = Running::start_with_env(
        &[
            "stream",
            "deribit",
            "book",
            "BTC-PERPETUAL",
            "--limit",
            "3",
            "--depth",
            "5",
            "--url",
            &url,
        ],
        &[],
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 3);
    check_books(&lines, 5, &mut None);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_survives_a_connection_drop() {
    let cfg = tradewire_mock::deribit::DeribitConfig {
        tick_rate: 40,
        ..Default::default()
    };
    let (server, sim) = DeribitSim::start_with(cfg).await.unwrap();
    let url = url(&server);
    let mut run = Running::start_with_env(
        &[
            "stream",
            "deribit",
            "book",
            "BTC-PERPETUAL",
            "--limit",
            "40",
            "--url",
            &url,
        ],
        &[],
    );
    let mut lines = vec![run.next_line().await, run.next_line().await];
    sim.drop_connections();
    let (code, rest, stderr) = run.finish().await;
    lines.extend(rest);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 40);
    // The books before and after the reconnect are consistent (a fresh snapshot after it).
    check_books(&lines, 10, &mut None);
    assert!(stderr.contains("reconnecting"), "{stderr}");
    assert!(
        sim.requests_received("public/subscribe") >= 2,
        "resubscribed"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_place_list_cancel() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = url(&server);
    let env = creds_env();

    // A market buy fills at once.
    let run = Running::start_with_env(
        &[
            "order",
            "deribit",
            "buy",
            "BTC-PERPETUAL",
            "--amount",
            "10",
            "--type",
            "market",
            "--url",
            &url,
        ],
        &env,
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 1);
    let MarketEvent::Order(o) = event(&lines[0]) else {
        panic!("{lines:?}")
    };
    assert_eq!((o.side, o.status), (Side::Buy, OrderStatus::Filled));

    // A limit sell far above the market rests.
    let run = Running::start_with_env(
        &[
            "order",
            "deribit",
            "sell",
            "BTC-PERPETUAL",
            "--amount",
            "10",
            "--price",
            "90000",
            "--label",
            "cli-test",
            "--url",
            &url,
        ],
        &env,
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    let MarketEvent::Order(o) = event(&lines[0]) else {
        panic!("{lines:?}")
    };
    assert_eq!((o.side, o.status), (Side::Sell, OrderStatus::Open));
    assert_eq!(o.client_id.as_deref(), Some("cli-test"));
    let id = o.id;

    let run = Running::start_with_env(&["order", "deribit", "open", "--url", &url], &env);
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        lines
            .iter()
            .any(|l| matches!(event(l), MarketEvent::Order(o) if o.id == id)),
        "{lines:?}"
    );

    let run = Running::start_with_env(&["order", "deribit", "cancel", &id, "--url", &url], &env);
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    let MarketEvent::Order(o) = event(&lines[0]) else {
        panic!("{lines:?}")
    };
    assert_eq!(
        (o.id.as_str(), o.status),
        (id.as_str(), OrderStatus::Cancelled)
    );

    // Cancelling again: the venue's error code and message, exit 1.
    let run = Running::start_with_env(&["order", "deribit", "cancel", &id, "--url", &url], &env);
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 1);
    assert!(lines.is_empty());
    assert!(stderr.starts_with("error: deribit error "), "{stderr}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_errors_bad_and_missing_credentials() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = url(&server);
    let args = [
        "order",
        "deribit",
        "buy",
        "BTC-PERPETUAL",
        "--amount",
        "10",
        "--type",
        "market",
        "--url",
        &url,
    ];
    let run = Running::start_with_env(
        &args,
        &[
            ("TRADEWIRE_DERIBIT_API_KEY", DOC_CLIENT_ID),
            ("TRADEWIRE_DERIBIT_API_SECRET", "wrong"),
        ],
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 1);
    assert!(lines.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("13004") && stderr.contains("invalid_credentials"),
        "{stderr}"
    );

    let run = Running::start_with_env(&args, &[]);
    let (code, _, stderr) = run.finish().await;
    assert_eq!(code, 2);
    assert!(stderr.contains("TRADEWIRE_DERIBIT_API_KEY"), "{stderr}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_timeframe_lists_the_valid_ones() {
    let run = Running::start_with_env(
        &[
            "stream",
            "deribit",
            "ohlcv",
            "BTC-PERPETUAL",
            "--timeframe",
            "4h",
            "--url",
            "ws://127.0.0.1:9/ws/api/v2",
        ],
        &[],
    );
    let (code, lines, stderr) = run.finish().await;
    assert_ne!(code, 0);
    assert!(lines.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("\"4h\"") && stderr.contains("1m 3m 5m 15m 30m 1h 2h 6h 12h 1d"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_ohlcv_prints_candles() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let url = url(&server);
    let run = Running::start_with_env(
        &[
            "stream",
            "deribit",
            "ohlcv",
            "BTC-PERPETUAL",
            "--timeframe",
            "1m",
            "--limit",
            "2",
            "--url",
            &url,
        ],
        &[],
    );
    let (code, lines, stderr) = run.finish().await;
    assert_eq!(code, 0, "{stderr}");
    for line in &lines {
        let MarketEvent::Candle(c) = event(line) else {
            panic!("not a candle: {line}")
        };
        assert_eq!(c.timeframe.to_string(), "1m");
    }
    server.shutdown().await;
}
