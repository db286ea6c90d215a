//! Decoding tests over Binance's documented example payloads.
//!
//! Every fixture is the example of
//! <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>
//! (`web-socket-streams.md` in `binance/binance-spot-api-docs`) named in its comment, with the
//! `//` comments of the javascript blocks removed and nothing else changed, unless the comment
//! says how it was wrapped (combined stream) or varied.

use tradewire_core::{
    Applied, BookKind, Decimal, MarketEvent, OrderBook, SequenceRule, Side, Timeframe,
};
use tradewire_websockets::{Frame, WsMessage};

use crate::streams::{Channel, DepthLevels, RollingWindow, UpdateSpeed};
use crate::{BinanceMessage, DepthSnapshot, RequestId, StreamResult};

/// "Trade Streams" payload.
const TRADE: &str = r#"{
    "e": "trade",
    "E": 1672515782136,
    "s": "BNBBTC",
    "t": 12345,
    "p": "0.001",
    "q": "100",
    "T": 1672515782136,
    "m": true,
    "M": true
}"#;

/// "Aggregate Trade Streams" payload.
const AGG_TRADE: &str = r#"{
    "e": "aggTrade",
    "E": 1672515782136,
    "s": "BNBBTC",
    "a": 12345,
    "p": "0.001",
    "q": "100",
    "f": 100,
    "l": 105,
    "T": 1672515782136,
    "m": true,
    "M": true
}"#;

/// "Block Trade Streams" payload.
const BLOCK_TRADE: &str = r#"{
  "e": "blockTrade",
  "E": 1772506983582,
  "s": "BNBBTC",
  "t": 582,
  "p": "0.052",
  "q": "5838",
  "T": 1772506983321,
  "m": true
}"#;

/// "Kline/Candlestick Streams for UTC" payload.
const KLINE: &str = r#"{
    "e": "kline",
    "E": 1672515782136,
    "s": "BNBBTC",
    "k": {
        "t": 1672515780000,
        "T": 1672515839999,
        "s": "BNBBTC",
        "i": "1m",
        "f": 100,
        "L": 200,
        "o": "0.0010",
        "c": "0.0020",
        "h": "0.0025",
        "l": "0.0015",
        "v": "1000",
        "n": 100,
        "x": false,
        "q": "1.0000",
        "V": "500",
        "Q": "0.500",
        "B": "123456"
    }
}"#;

/// "Individual Symbol Mini Ticker Stream" payload.
const MINI_TICKER: &str = r#"{
    "e": "24hrMiniTicker",
    "E": 1672515782136,
    "s": "BNBBTC",
    "c": "0.0025",
    "o": "0.0010",
    "h": "0.0025",
    "l": "0.0010",
    "v": "10000",
    "q": "18"
}"#;

/// "Individual Symbol Ticker Streams" payload.
const TICKER: &str = r#"{
    "e": "24hrTicker",
    "E": 1672515782136,
    "s": "BNBBTC",
    "p": "0.0015",
    "P": "250.00",
    "w": "0.0018",
    "x": "0.0009",
    "c": "0.0025",
    "Q": "10",
    "b": "0.0024",
    "B": "10",
    "a": "0.0026",
    "A": "100",
    "o": "0.0010",
    "h": "0.0025",
    "l": "0.0010",
    "v": "10000",
    "q": "18",
    "O": 0,
    "C": 86400000,
    "F": 0,
    "L": 18150,
    "n": 18151
}"#;

/// "Individual Symbol Rolling Window Statistics Streams" payload.
const ROLLING_1H: &str = r#"{
    "e": "1hTicker",
    "E": 1672515782136,
    "s": "BNBBTC",
    "p": "0.0015",
    "P": "250.00",
    "o": "0.0010",
    "h": "0.0025",
    "l": "0.0010",
    "c": "0.0025",
    "w": "0.0018",
    "v": "10000",
    "q": "18",
    "O": 0,
    "C": 1675216573749,
    "F": 0,
    "L": 18150,
    "n": 18151
}"#;

/// "Individual Symbol Book Ticker Streams" payload.
const BOOK_TICKER: &str = r#"{
    "u": 400900217,
    "s": "BNBUSDT",
    "b": "25.35190000",
    "B": "31.21000000",
    "a": "25.36520000",
    "A": "40.66000000"
}"#;

/// "Average Price" payload.
const AVG_PRICE: &str = r#"{
    "e": "avgPrice",
    "E": 1693907033000,
    "s": "BTCUSDT",
    "i": "5m",
    "w": "25776.86000000",
    "T": 1693907032213
}"#;

/// "Reference Price Streams" payload.
const REFERENCE_PRICE: &str = r#"{
  "e": "referencePrice",
  "s": "BAZUSD",
  "r": "1.00",
  "t": 1770313263917
}"#;

/// "Partial Book Depth Streams" payload.
const PARTIAL_DEPTH: &str = r#"{
    "lastUpdateId": 160,
    "bids": [
        [
            "0.0024",
            "10"
        ]
    ],
    "asks": [
        [
            "0.0026",
            "100"
        ]
    ]
}"#;

/// "Diff. Depth Stream" payload.
const DEPTH_UPDATE: &str = r#"{
    "e": "depthUpdate",
    "E": 1672515782136,
    "s": "BNBBTC",
    "U": 157,
    "u": 160,
    "b": [
        [
            "0.0024",
            "10"
        ]
    ],
    "a": [
        [
            "0.0026",
            "100"
        ]
    ]
}"#;

/// "Server Shutdown", raw and combined payloads.
const SHUTDOWN: &str = r#"{
  "e": "serverShutdown",
  "E": 1770123456789
}"#;
const SHUTDOWN_COMBINED: &str = r#"{
  "stream": "!serverShutdown",
  "data": {
    "e": "serverShutdown",
    "E": 1770123456789
  }
}"#;

/// "Subscribe to a stream", response.
const SUBSCRIBE_ACK: &str = r#"{
      "result": null,
      "id": 1
  }"#;

/// "Listing Subscriptions", response.
const LIST_SUBSCRIPTIONS: &str = r#"{
      "result": ["btcusdt@aggTrade"],
      "id": 3
  }"#;

/// "Error Messages" table, rows 1 (with id, `%s` filled with 5) and 4 (no id).
const ERROR_UNKNOWN_PROPERTY: &str = r#"{"code": 0, "msg": "Unknown property","id": 5}"#;
const ERROR_INVALID_ID: &str =
    r#"{"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}"#;

/// Wraps a payload the way combined streams deliver it ("General WSS information":
/// `{"stream":"<streamName>","data":<rawPayload>}`), compactly as Binance sends it.
fn combined(stream: &str, payload: &str) -> String {
    let compact: serde_json::Value = serde_json::from_str(payload).unwrap();
    format!(r#"{{"stream":"{stream}","data":{compact}}}"#)
}

fn decode(text: &str) -> BinanceMessage {
    BinanceMessage::decode_str(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no message for {text}"))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn one_event(msg: BinanceMessage) -> MarketEvent {
    let mut events: Vec<MarketEvent> = msg.into_market_events().collect();
    assert_eq!(events.len(), 1);
    events.remove(0)
}

fn json(event: &MarketEvent) -> String {
    serde_json::to_string(event).unwrap()
}

#[test]
fn trade() {
    let BinanceMessage::Trade(t) = decode(TRADE) else {
        panic!()
    };
    assert_eq!(t.event_time, 1672515782136);
    assert_eq!(t.trade_id, 12345);
    assert!(t.is_buyer_maker);
    assert_eq!(t.channel, None);
    assert_eq!(t.trade.venue_symbol, "BNBBTC");
    assert_eq!(t.trade.symbol.as_ref().unwrap().as_str(), "BNB/BTC");
    assert_eq!(t.trade.side, Side::Sell);
    assert_eq!(t.trade.time, 1672515782136);
    assert_eq!(
        json(&one_event(BinanceMessage::Trade(t))),
        r#"{"type":"trade","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","id":"12345","price":"0.001","amount":"100","side":"sell","time":1672515782136}"#
    );
}

#[test]
fn agg_trade_raw_and_combined() {
    let BinanceMessage::AggTrade(a) = decode(AGG_TRADE) else {
        panic!()
    };
    assert_eq!(
        (a.agg_trade_id, a.first_trade_id, a.last_trade_id),
        (12345, 100, 105)
    );
    assert_eq!(a.trade.id.as_deref(), Some("12345"));
    assert_eq!(a.trade.side, Side::Sell);
    let BinanceMessage::AggTrade(c) = decode(&combined("bnbbtc@aggTrade", AGG_TRADE)) else {
        panic!()
    };
    assert_eq!(c.channel, Some(Channel::AggTrade));
    assert_eq!(c.trade, a.trade);
}

#[test]
fn block_trade_has_no_market_event() {
    let msg = decode(BLOCK_TRADE);
    let BinanceMessage::BlockTrade(b) = &msg else {
        panic!()
    };
    assert_eq!(b.block_trade_id, 582);
    assert_eq!(b.trade.time, 1772506983321);
    assert_eq!(b.trade.amount, dec("5838"));
    assert_eq!(msg.into_market_events().count(), 0);
}

#[test]
fn kline() {
    let BinanceMessage::Kline(k) = decode(KLINE) else {
        panic!()
    };
    assert_eq!(k.event_time, 1672515782136);
    assert_eq!((k.first_trade_id, k.last_trade_id), (100, 200));
    assert_eq!(k.taker_buy_base_volume.to_string(), "500");
    assert_eq!(k.taker_buy_quote_volume.to_string(), "0.500");
    let c = &k.candle;
    assert_eq!(c.timeframe, Timeframe::M1);
    assert_eq!(
        (c.open_time, c.close_time),
        (1672515780000, Some(1672515839999))
    );
    assert!(!c.closed);
    assert_eq!(
        json(&one_event(BinanceMessage::Kline(k))),
        r#"{"type":"candle","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","timeframe":"1m","open_time":1672515780000,"close_time":1672515839999,"open":"0.0010","high":"0.0025","low":"0.0015","close":"0.0020","volume":"1000","quote_volume":"1.0000","trades":100,"closed":false}"#
    );
}

#[test]
fn kline_every_interval_and_unknown_interval() {
    for tf in Timeframe::ALL {
        let text = KLINE.replace(r#""i": "1m""#, &format!(r#""i": "{tf}""#));
        let BinanceMessage::Kline(k) = decode(&text) else {
            panic!()
        };
        assert_eq!(k.candle.timeframe, tf);
    }
    let bad = KLINE.replace(r#""i": "1m""#, r#""i": "7m""#);
    let err = BinanceMessage::decode_str(&bad).unwrap_err();
    assert!(err.message.contains("\"7m\""), "{err}");
}

#[test]
fn kline_with_utc_offset_channel() {
    let BinanceMessage::Kline(k) = decode(&combined("bnbbtc@kline_1m@+08:00", KLINE)) else {
        panic!()
    };
    assert_eq!(
        k.channel,
        Some(Channel::Kline {
            interval: Timeframe::M1,
            utc_plus_8: true
        })
    );
}

#[test]
fn depth_update_raw_and_combined() {
    let BinanceMessage::DepthUpdate(d) = decode(DEPTH_UPDATE) else {
        panic!()
    };
    assert_eq!((d.first_update_id, d.final_update_id), (157, 160));
    assert_eq!(d.book.kind, BookKind::Delta);
    assert_eq!((d.book.first_seq, d.book.last_seq), (Some(157), Some(160)));
    assert_eq!(d.book.time, Some(1672515782136));
    assert_eq!(
        json(&one_event(BinanceMessage::DepthUpdate(d.clone()))),
        r#"{"type":"book","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","kind":"delta","first_seq":157,"last_seq":160,"time":1672515782136,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}"#
    );
    for (stream, speed) in [
        ("bnbbtc@depth", UpdateSpeed::Ms1000),
        ("bnbbtc@depth@100ms", UpdateSpeed::Ms100),
    ] {
        let BinanceMessage::DepthUpdate(c) = decode(&combined(stream, DEPTH_UPDATE)) else {
            panic!()
        };
        assert_eq!(c.channel, Some(Channel::Depth(speed)));
        assert_eq!(c.book, d.book);
    }
}

#[test]
fn partial_depth_symbol_comes_from_the_stream() {
    let BinanceMessage::PartialDepth(raw) = decode(PARTIAL_DEPTH) else {
        panic!()
    };
    assert_eq!(raw.last_update_id, 160);
    assert_eq!(raw.book.kind, BookKind::Snapshot);
    assert_eq!(raw.book.last_seq, Some(160));
    assert_eq!(raw.book.venue_symbol, "");
    assert_eq!(raw.book.symbol, None);
    let mut fixed = raw.clone();
    fixed.set_venue_symbol("bnbbtc");
    assert_eq!(fixed.book.venue_symbol, "BNBBTC");
    assert_eq!(fixed.book.symbol.as_ref().unwrap().as_str(), "BNB/BTC");

    let BinanceMessage::PartialDepth(c) = decode(&combined("bnbbtc@depth5@100ms", PARTIAL_DEPTH))
    else {
        panic!()
    };
    assert_eq!(c.book, fixed.book);
    assert_eq!(
        c.channel,
        Some(Channel::PartialDepth {
            levels: DepthLevels::Five,
            speed: UpdateSpeed::Ms100
        })
    );
    assert_eq!(
        json(&one_event(BinanceMessage::PartialDepth(c))),
        r#"{"type":"book","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","kind":"snapshot","last_seq":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}"#
    );
}

#[test]
fn book_ticker_has_no_event_type() {
    let BinanceMessage::BookTicker(b) = decode(BOOK_TICKER) else {
        panic!()
    };
    assert_eq!(b.update_id, 400900217);
    assert_eq!(b.ticker.time, None);
    assert_eq!(
        json(&one_event(BinanceMessage::BookTicker(b))),
        r#"{"type":"ticker","venue":"binance","symbol":"BNB/USDT","venue_symbol":"BNBUSDT","bid":"25.35190000","bid_amount":"31.21000000","ask":"25.36520000","ask_amount":"40.66000000"}"#
    );
}

#[test]
fn ticker_24hr() {
    let BinanceMessage::Ticker(t) = decode(TICKER) else {
        panic!()
    };
    assert_eq!(t.price_change, dec("0.0015"));
    assert_eq!(t.price_change_percent.to_string(), "250.00");
    assert_eq!(t.weighted_avg_price, dec("0.0018"));
    assert_eq!(t.first_trade_price, dec("0.0009")); // lower-case x: a price
    assert_eq!(t.last_qty, dec("10")); // upper-case Q: last quantity
    assert_eq!((t.stats_open_time, t.stats_close_time), (0, 86400000));
    assert_eq!(
        (t.first_trade_id, t.last_trade_id, t.trade_count),
        (0, 18150, 18151)
    );
    assert_eq!(
        json(&one_event(BinanceMessage::Ticker(t))),
        r#"{"type":"ticker","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","time":1672515782136,"bid":"0.0024","bid_amount":"10","ask":"0.0026","ask_amount":"100","last":"0.0025","open_24h":"0.0010","high_24h":"0.0025","low_24h":"0.0010","volume_24h":"10000","quote_volume_24h":"18"}"#
    );
}

#[test]
fn mini_ticker_and_all_market_array() {
    let BinanceMessage::MiniTicker(m) = decode(MINI_TICKER) else {
        panic!()
    };
    assert_eq!(
        json(&one_event(BinanceMessage::MiniTicker(m.clone()))),
        r#"{"type":"ticker","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","time":1672515782136,"last":"0.0025","open_24h":"0.0010","high_24h":"0.0025","low_24h":"0.0010","volume_24h":"10000","quote_volume_24h":"18"}"#
    );
    // "All Market Mini Tickers Stream": an array of mini ticker payloads.
    let other = MINI_TICKER.replace("BNBBTC", "ETHBTC");
    let array = format!("[{MINI_TICKER},{other}]");
    let msg = decode(&array);
    let BinanceMessage::MiniTickers(v) = &msg else {
        panic!()
    };
    assert_eq!(v.len(), 2);
    assert_eq!(v[0], m);
    let symbols: Vec<String> = msg
        .into_market_events()
        .map(|e| e.venue_symbol().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(symbols, ["BNBBTC", "ETHBTC"]);
    let BinanceMessage::MiniTickers(c) = decode(&combined("!miniTicker@arr", &array)) else {
        panic!()
    };
    assert_eq!(c[1].channel, Some(Channel::AllMiniTickers));
    assert_eq!(BinanceMessage::decode_str("[]").unwrap(), None);
    assert_eq!(BinanceMessage::decode_str(" [ ] ").unwrap(), None);
}

#[test]
fn rolling_tickers() {
    let BinanceMessage::RollingTicker(r) = decode(ROLLING_1H) else {
        panic!()
    };
    assert_eq!(r.window, RollingWindow::H1);
    assert_eq!(r.stats_close_time, 1675216573749);
    assert_eq!(r.open, dec("0.0010"));
    assert_eq!(r.ticker.open_24h, None); // 1h statistics are not 24h ones
    assert_eq!(r.ticker.last, Some(dec("0.0025")));
    let day = ROLLING_1H.replace("1hTicker", "1dTicker");
    let BinanceMessage::RollingTicker(d) = decode(&day) else {
        panic!()
    };
    assert_eq!(d.window, RollingWindow::D1);
    assert_eq!(d.ticker.volume_24h, Some(dec("10000")));
    // "All Market Rolling Window Statistics Streams"
    let array = format!("[{ROLLING_1H}]");
    let msg = decode(&combined("!ticker_1h@arr", &array));
    assert_eq!(msg.kind(), "1hTicker");
    assert_eq!(msg.into_market_events().count(), 1);
}

#[test]
fn avg_price_reference_price_and_shutdown() {
    let msg = decode(AVG_PRICE);
    let BinanceMessage::AvgPrice(a) = &msg else {
        panic!()
    };
    assert_eq!(a.interval, "5m");
    assert_eq!(a.price.to_string(), "25776.86000000");
    assert_eq!(a.last_trade_time, 1693907032213);
    assert_eq!(msg.into_market_events().count(), 0);

    let BinanceMessage::ReferencePrice(r) = decode(REFERENCE_PRICE) else {
        panic!()
    };
    assert_eq!(r.price, Some(dec("1.00")));
    assert_eq!(r.time, 1770313263917);
    let null = REFERENCE_PRICE.replace(r#""1.00""#, "null");
    let BinanceMessage::ReferencePrice(r) = decode(&null) else {
        panic!()
    };
    assert_eq!(r.price, None);

    for text in [SHUTDOWN, SHUTDOWN_COMBINED] {
        assert_eq!(
            decode(text),
            BinanceMessage::ServerShutdown {
                event_time: 1770123456789
            }
        );
    }
}

#[test]
fn control_replies() {
    assert_eq!(
        decode(SUBSCRIBE_ACK),
        BinanceMessage::Response(crate::StreamResponse {
            id: Some(RequestId::Number(1)),
            result: StreamResult::Ok,
        })
    );
    let BinanceMessage::Response(r) = decode(LIST_SUBSCRIPTIONS) else {
        panic!()
    };
    assert_eq!(
        r.result,
        StreamResult::Subscriptions(vec!["btcusdt@aggTrade".into()])
    );
    let BinanceMessage::Error(e) = decode(ERROR_UNKNOWN_PROPERTY) else {
        panic!()
    };
    assert_eq!((e.code, e.msg.as_str()), (0, "Unknown property"));
    assert_eq!(e.id, Some(RequestId::Number(5)));
    let BinanceMessage::Error(e) = decode(ERROR_INVALID_ID) else {
        panic!()
    };
    assert_eq!(e.code, 2);
    assert_eq!(e.id, None);
    let msg = decode(r#"{"result":null,"id":"abc123"}"#);
    assert_eq!(msg.kind(), "response");
    assert_eq!(msg.market_events().count(), 0);
    // The "Error Messages" table's error, in the `{"error":{..},"id":..}` layout live servers
    // are reported to send (tradewire-mock's `SimConfig::wrap_stream_errors`).
    let BinanceMessage::Error(e) =
        decode(r#"{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":9}"#)
    else {
        panic!()
    };
    assert_eq!(
        (e.code, e.msg.as_str()),
        (2, "Invalid request: invalid stream")
    );
    assert_eq!(e.id, Some(RequestId::Number(9)));
    let BinanceMessage::Error(e) = decode(r#"{"id":null,"error":{"code":3,"msg":"Invalid JSON"}}"#)
    else {
        panic!()
    };
    assert_eq!((e.code, e.id), (3, None));
}

#[test]
fn errors_name_the_problem_and_never_panic() {
    let err = BinanceMessage::decode_str(r#"{"e":"fooEvent","E":1}"#).unwrap_err();
    assert!(
        err.message
            .contains("unknown Binance event type \"fooEvent\""),
        "{err}"
    );
    let err = BinanceMessage::decode_str(&combined("x@trade", r#"{"e":"barEvent"}"#)).unwrap_err();
    assert!(err.message.contains("\"barEvent\""), "{err}");
    let err = BinanceMessage::decode_str(r#"{"e":"trade","E":1,"s":"BNBBTC"}"#).unwrap_err();
    assert!(err.message.contains("invalid Binance trade"), "{err}");
    assert!(err.message.contains("missing field"), "{err}");
    let err = BinanceMessage::decode_str(&TRADE.replace(r#""0.001""#, r#""0.0x1""#)).unwrap_err();
    assert!(err.message.contains("0.0x1"), "{err}");
    for garbage in [
        "",
        "   ",
        "not json",
        "{",
        "{}",
        "[1,2]",
        "[{\"x\":1}]",
        "null",
        "42",
        r#"{"stream":"btcusdt@trade"}"#,
        r#"{"stream":"btcusdt@trade","data":{"e":"trade"}"#,
        r#"{"id":1}"#,
        r#"{"e":7}"#,
        "\u{feff}{}",
        r#"{"\u0065":"trade"}"#,
    ] {
        assert!(BinanceMessage::decode_str(garbage).is_err(), "{garbage:?}");
    }
    let err = BinanceMessage::decode(&Frame::binary(vec![1u8, 2, 3])).unwrap_err();
    assert!(err.message.contains("binary"), "{err}");
}

#[test]
fn unusual_layouts_take_the_complete_path() {
    // Keys reordered: the event type is not first.
    let reordered = r#"{"s":"BNBBTC","E":1672515782136,"e":"trade","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true}"#;
    assert_eq!(decode(reordered), decode(TRADE));
    // A combined wrapper with whitespace and the data first.
    let spaced = format!("{{ \"data\" : {AGG_TRADE} , \"stream\" : \"bnbbtc@aggTrade\" }}");
    let BinanceMessage::AggTrade(a) = decode(&spaced) else {
        panic!()
    };
    assert_eq!(a.channel, Some(Channel::AggTrade));
    // A combined wrapper with an extra key after the data.
    let extra = format!(
        r#"{{"stream":"bnbbtc@depth","data":{},"x":1}}"#,
        combined("a@b", DEPTH_UPDATE)
            .strip_prefix(r#"{"stream":"a@b","data":"#)
            .and_then(|s| s.strip_suffix('}'))
            .unwrap()
    );
    assert!(matches!(decode(&extra), BinanceMessage::DepthUpdate(_)));
    // An escaped symbol is decoded (owned, not borrowed).
    let escaped = TRADE.replace(r#""BNBBTC""#, r#""BNB\u0042TC""#);
    let BinanceMessage::Trade(t) = decode(&escaped) else {
        panic!()
    };
    assert_eq!(t.trade.venue_symbol, "BNBBTC");
    // Partial depth and book ticker with reordered keys.
    let depth = r#"{"bids":[["1","2"]],"asks":[],"lastUpdateId":7}"#;
    assert!(matches!(decode(depth), BinanceMessage::PartialDepth(_)));
    let bt = r#"{"s":"BNBUSDT","u":1,"b":"1","B":"2","a":"3","A":"4"}"#;
    assert!(matches!(decode(bt), BinanceMessage::BookTicker(_)));
    let reply = r#"{"id":7,"result":null}"#;
    assert!(matches!(decode(reply), BinanceMessage::Response(_)));
}

#[test]
fn decimals_keep_the_venue_scale() {
    let frame = r#"{"e":"aggTrade","E":1633998523963,"s":"NKNUSDT","a":15683430,"p":"0.35280000","q":"58.00000000","f":19862790,"l":19862790,"T":1633998523963,"m":false,"M":true}"#;
    let BinanceMessage::AggTrade(a) = decode(frame) else {
        panic!()
    };
    assert_eq!(a.trade.price.to_string(), "0.35280000");
    assert_eq!(a.trade.amount.to_string(), "58.00000000");
    assert_eq!(a.trade.side, Side::Buy);
    assert!(
        json(&MarketEvent::Trade(a.trade))
            .contains(r#""price":"0.35280000","amount":"58.00000000""#)
    );
}

#[test]
fn unknown_symbols_stay_unmapped() {
    let text = TRADE.replace("BNBBTC", "ABCXYZ");
    let BinanceMessage::Trade(t) = decode(&text) else {
        panic!()
    };
    assert_eq!(t.trade.symbol, None);
    assert!(!json(&MarketEvent::Trade(t.trade)).contains("\"symbol\""));
}

#[test]
fn dedupe_keys_identify_the_data_not_the_wrapper() {
    let raw = decode(TRADE).dedupe_key();
    let wrapped = decode(&combined("bnbbtc@trade", TRADE)).dedupe_key();
    assert!(raw.is_some());
    assert_eq!(raw, wrapped);
    let other = decode(&TRADE.replace("12345", "12346")).dedupe_key();
    assert_ne!(raw, other);
    assert_ne!(decode(AGG_TRADE).dedupe_key(), raw);
    assert_ne!(decode(DEPTH_UPDATE).dedupe_key(), None);
    assert_eq!(decode(SUBSCRIBE_ACK).dedupe_key(), None);
    // Klines: the closing update of one candle and the first update of the next may carry the
    // same event time; the open time tells them apart.
    let kline = decode(KLINE).dedupe_key();
    assert!(kline.is_some());
    let next_candle = decode(&KLINE.replace("1672515780000", "1672515840000")).dedupe_key();
    assert_ne!(kline, next_candle);
    let later_update = decode(&KLINE.replace("\"E\": 1672515782136", "\"E\": 1672515783136"));
    assert_ne!(kline, later_update.dedupe_key());
}

#[test]
fn codec_decodes_text_frames() {
    let msg = BinanceMessage::decode(&Frame::text(TRADE))
        .unwrap()
        .unwrap();
    assert_eq!(msg.kind(), "trade");
    assert_eq!(msg.encode(), Frame::text(""));
}

#[test]
fn documented_book_sync() {
    // rest-api.md "Order book" snapshot shape with lastUpdateId 157, then the "Diff. Depth
    // Stream" example (U=157, u=160): U <= lastUpdateId+1 <= u, so it applies.
    let snapshot = DepthSnapshot::parse(
        r#"{"lastUpdateId":157,"bids":[["0.0024","5"],["0.0023","1"]],"asks":[["0.0026","1"]]}"#,
    )
    .unwrap()
    .into_book_update("BNBBTC");
    let mut book = OrderBook::new(SequenceRule::BinanceSpot);
    assert_eq!(book.apply(&snapshot), Ok(Applied::Snapshot));
    let BinanceMessage::DepthUpdate(d) = decode(DEPTH_UPDATE) else {
        panic!()
    };
    assert_eq!(book.apply(&d.book), Ok(Applied::Delta));
    assert_eq!(book.best_bid().unwrap().amount, dec("10"));
    assert_eq!(book.best_ask().unwrap().amount, dec("100"));
    assert_eq!(book.last_seq(), Some(160));
    // The same event again is stale; a gap is reported.
    assert_eq!(book.apply(&d.book), Ok(Applied::Stale));
    let mut gap = d.book.clone();
    gap.first_seq = Some(170);
    gap.last_seq = Some(171);
    assert!(book.apply(&gap).is_err());
}
