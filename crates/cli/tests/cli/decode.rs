//! `tradewire decode --venue binance` end to end: the built binary, documented frames on stdin.
//!
//! Frames are the examples of Binance's web-socket-streams.md
//! (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>), compacted
//! to one line as a stream delivers them; each names its section.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn decode(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradewire"))
        .arg("decode")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tradewire");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn stdout_json(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// "Trade Streams".
const TRADE: &str = r#"{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}"#;
/// "Diff. Depth Stream", through a combined stream ("General WSS information").
const DEPTH: &str = r#"{"stream":"bnbbtc@depth@100ms","data":{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}}"#;
/// "Subscribe to a stream", response.
const SUBSCRIBED: &str = r#"{"result":null,"id":1}"#;
/// "Individual Symbol Book Ticker Streams".
const BOOK_TICKER: &str = r#"{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#;
/// "Kline/Candlestick Streams for UTC".
const KLINE: &str = r#"{"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,"s":"BNBBTC","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}}"#;
/// "Partial Book Depth Streams" (raw stream: the payload names no symbol).
const PARTIAL: &str = r#"{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}"#;

#[test]
fn documented_frames_and_a_garbage_line() {
    // line 1 trade, 2 depth, 3 ack (no output), 4 garbage, 5 blank (skipped), 6 book ticker,
    // 7 a binary frame (Binance has none: an error), 8 kline with CRLF.
    let input = format!(
        "{TRADE}\n{DEPTH}\n{SUBSCRIBED}\nthis is not a frame\n\n{BOOK_TICKER}\nb64:AQID\n{KLINE}\r\n"
    );
    let out = decode(&["--venue", "binance"], &input);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let events = stdout_json(&out);
    assert_eq!(
        events,
        vec![
            json!({"type":"trade","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC",
                   "id":"12345","price":"0.001","amount":"100","side":"sell","time":1672515782136i64}),
            json!({"type":"book","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC",
                   "kind":"delta","first_seq":157,"last_seq":160,"time":1672515782136i64,
                   "bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}),
            json!({"type":"ticker","venue":"binance","symbol":"BNB/USDT","venue_symbol":"BNBUSDT",
                   "bid":"25.35190000","bid_amount":"31.21000000","ask":"25.36520000",
                   "ask_amount":"40.66000000"}),
            json!({"type":"candle","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC",
                   "timeframe":"1m","open_time":1672515780000i64,"close_time":1672515839999i64,
                   "open":"0.0010","high":"0.0025","low":"0.0015","close":"0.0020",
                   "volume":"1000","quote_volume":"1.0000","trades":100,"closed":false}),
        ]
    );
    // Decimals keep Binance's scale on the wire, exactly.
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.contains(r#""bid":"25.35190000""#), "{text}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: line"))
        .collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(errors[0].starts_with("error: line 4: "), "{stderr}");
    assert!(errors[1].starts_with("error: line 7: "), "{stderr}");
    assert!(errors[1].contains("binary"), "{stderr}");
}

#[test]
fn clean_input_exits_zero() {
    let out = decode(&["--venue", "binance"], &format!("{TRADE}\n{SUBSCRIBED}\n"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout_json(&out).len(), 1);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn partial_depth_needs_a_symbol_from_somewhere() {
    let out = decode(&["--venue", "binance"], &format!("{PARTIAL}\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--symbol"));

    let out = decode(
        &["--venue", "binance", "--symbol", "bnbbtc"],
        &format!("{PARTIAL}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        stdout_json(&out),
        vec![
            json!({"type":"book","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC",
                    "kind":"snapshot","last_seq":160,"bids":[["0.0024","10"]],
                    "asks":[["0.0026","100"]]})
        ]
    );
}

#[test]
fn large_input_streams_through() {
    let mut input = String::new();
    for i in 0..20_000u64 {
        input.push_str(&TRADE.replace("12345", &i.to_string()));
        input.push('\n');
    }
    let out = decode(&["--venue", "binance"], &input);
    assert_eq!(out.status.code(), Some(0));
    let events = stdout_json(&out);
    assert_eq!(events.len(), 20_000);
    assert_eq!(events[19_999]["id"], json!("19999"));
}

#[test]
fn unsupported_venue_fails() {
    let out = decode(&["--venue", "kraken"], "");
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported"));
}
