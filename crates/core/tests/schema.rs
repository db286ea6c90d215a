//! The JSON wire schema of `MarketEvent` (docs/events.md): exact strings, key order,
//! absent optional fields, decimals kept as sent.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use tradewire_core::{
    Balance, BookKind, BookLevel, BookUpdate, Candle, Decimal, MarketEvent, Order, OrderStatus,
    OrderType, Position, PositionSide, Side, Symbol, Ticker, Timeframe, Trade, Venue,
};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn sym(s: &str) -> Option<Symbol> {
    Some(s.parse().unwrap())
}

/// Serializes, compares with `expected`, and checks that parsing gives the event back.
fn check(event: MarketEvent, expected: &str) {
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(json, expected);
    let back: MarketEvent = serde_json::from_str(&json).unwrap();
    assert_eq!(back, event);
    // and re-serializing the parsed event is byte-identical (scale preserved)
    assert_eq!(serde_json::to_string(&back).unwrap(), expected);
}

fn trade() -> Trade {
    Trade {
        venue: Venue::Binance,
        symbol: sym("BNB/BTC"),
        venue_symbol: "BNBBTC".into(),
        id: Some("12345".into()),
        price: d("0.001"),
        amount: d("100"),
        side: Side::Buy,
        time: 1_672_515_782_136,
    }
}

#[test]
fn trade_json() {
    check(
        trade().into(),
        r#"{"type":"trade","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","id":"12345","price":"0.001","amount":"100","side":"buy","time":1672515782136}"#,
    );
}

#[test]
fn trade_without_symbol_or_id_omits_them() {
    let t = Trade {
        venue: Venue::Mexc,
        symbol: None,
        venue_symbol: "BTCUSDT".into(),
        id: None,
        side: Side::Sell,
        ..trade()
    };
    check(
        t.into(),
        r#"{"type":"trade","venue":"mexc","venue_symbol":"BTCUSDT","price":"0.001","amount":"100","side":"sell","time":1672515782136}"#,
    );
}

#[test]
fn decimals_keep_their_scale() {
    let t = Trade {
        price: d("0.35280000"),
        amount: d("1.00"),
        ..trade()
    };
    let json = serde_json::to_string(&MarketEvent::Trade(t)).unwrap();
    assert!(json.contains(r#""price":"0.35280000""#), "{json}");
    assert!(json.contains(r#""amount":"1.00""#), "{json}");
    let back: MarketEvent = serde_json::from_str(&json).unwrap();
    let MarketEvent::Trade(back) = back else {
        panic!("not a trade: {back:?}")
    };
    assert_eq!(back.price.to_string(), "0.35280000");
    assert_eq!(back.amount.to_string(), "1.00");
}

#[test]
fn candle_json() {
    let c = Candle {
        venue: Venue::Binance,
        symbol: sym("BTC/USDT"),
        venue_symbol: "BTCUSDT".into(),
        timeframe: Timeframe::M1,
        open_time: 1_672_515_780_000,
        close_time: Some(1_672_515_839_999),
        open: d("0.0010"),
        high: d("0.0025"),
        low: d("0.0015"),
        close: d("0.0020"),
        volume: d("1000"),
        quote_volume: Some(d("1.0000")),
        trades: Some(100),
        closed: false,
    };
    check(
        c.clone().into(),
        r#"{"type":"candle","venue":"binance","symbol":"BTC/USDT","venue_symbol":"BTCUSDT","timeframe":"1m","open_time":1672515780000,"close_time":1672515839999,"open":"0.0010","high":"0.0025","low":"0.0015","close":"0.0020","volume":"1000","quote_volume":"1.0000","trades":100,"closed":false}"#,
    );
    let minimal = Candle {
        venue: Venue::Kraken,
        symbol: sym("BTC/USD"),
        venue_symbol: "XBT/USD".into(),
        timeframe: Timeframe::Mo1,
        close_time: None,
        quote_volume: None,
        trades: None,
        closed: true,
        ..c
    };
    check(
        minimal.into(),
        r#"{"type":"candle","venue":"kraken","symbol":"BTC/USD","venue_symbol":"XBT/USD","timeframe":"1M","open_time":1672515780000,"open":"0.0010","high":"0.0025","low":"0.0015","close":"0.0020","volume":"1000","closed":true}"#,
    );
}

#[test]
fn book_json() {
    let mut b = BookUpdate::new(Venue::Binance, sym("BNB/BTC"), "BNBBTC", BookKind::Delta);
    b.first_seq = Some(157);
    b.last_seq = Some(160);
    b.time = Some(1_672_515_782_136);
    b.bids = vec![BookLevel::new(d("0.0024"), d("10"))];
    b.asks = vec![
        BookLevel::new(d("0.0026"), d("100")),
        BookLevel::new(d("0.0027"), d("0")),
    ];
    check(
        b.into(),
        r#"{"type":"book","venue":"binance","symbol":"BNB/BTC","venue_symbol":"BNBBTC","kind":"delta","first_seq":157,"last_seq":160,"time":1672515782136,"bids":[["0.0024","10"]],"asks":[["0.0026","100"],["0.0027","0"]]}"#,
    );

    let mut s = BookUpdate::new(
        Venue::Okx,
        sym("BTC/USDT:USDT"),
        "BTC-USDT-SWAP",
        BookKind::Snapshot,
    );
    s.last_seq = Some(123_456);
    s.prev_seq = Some(123_455);
    s.bids = vec![BookLevel::new(d("8476.98"), d("415"))];
    s.checksum = Some(-855_196_043);
    check(
        s.into(),
        r#"{"type":"book","venue":"okx","symbol":"BTC/USDT:USDT","venue_symbol":"BTC-USDT-SWAP","kind":"snapshot","last_seq":123456,"prev_seq":123455,"bids":[["8476.98","415"]],"asks":[],"checksum":-855196043}"#,
    );
}

#[test]
fn book_levels_accept_numbers_and_extra_fields_on_input() {
    let level: BookLevel = serde_json::from_str(r#"["8476.98","415","0","13"]"#).unwrap();
    assert_eq!(level, BookLevel::new(d("8476.98"), d("415")));
    let level: BookLevel = serde_json::from_str(r#"[101.5, 2]"#).unwrap();
    assert_eq!(level, BookLevel::new(d("101.5"), d("2")));
    assert!(serde_json::from_str::<BookLevel>(r#"["1"]"#).is_err());
}

#[test]
fn ticker_json() {
    let mut t = Ticker::new(Venue::Bybit, sym("BTC/USDT:USDT"), "BTCUSDT");
    t.time = Some(1_673_272_861_686);
    t.bid = Some(d("17215.50"));
    t.bid_amount = Some(d("84.489"));
    t.ask = Some(d("17216.00"));
    t.ask_amount = Some(d("83.020"));
    t.last = Some(d("17216.00"));
    t.open_24h = Some(d("16888.00"));
    t.high_24h = Some(d("17295.50"));
    t.low_24h = Some(d("16788.50"));
    t.volume_24h = Some(d("100456.140"));
    t.quote_volume_24h = Some(d("1712371234.0240"));
    check(
        t.into(),
        r#"{"type":"ticker","venue":"bybit","symbol":"BTC/USDT:USDT","venue_symbol":"BTCUSDT","time":1673272861686,"bid":"17215.50","bid_amount":"84.489","ask":"17216.00","ask_amount":"83.020","last":"17216.00","open_24h":"16888.00","high_24h":"17295.50","low_24h":"16788.50","volume_24h":"100456.140","quote_volume_24h":"1712371234.0240"}"#,
    );
    let mut partial = Ticker::new(Venue::Kraken, None, "XBT/USD");
    partial.last = Some(d("30000.1"));
    check(
        partial.into(),
        r#"{"type":"ticker","venue":"kraken","venue_symbol":"XBT/USD","last":"30000.1"}"#,
    );
}

#[test]
fn order_json() {
    let o = Order {
        venue: Venue::Binance,
        symbol: sym("ETH/USDT"),
        venue_symbol: "ETHUSDT".into(),
        id: "4293153".into(),
        client_id: Some("x-abc123".into()),
        side: Side::Sell,
        order_type: OrderType::Limit,
        status: OrderStatus::PartiallyFilled,
        price: Some(d("1888.00")),
        amount: d("1.0000"),
        filled: d("0.2500"),
        avg_price: Some(d("1888.00")),
        time: 1_499_405_658_658,
    };
    check(
        o.clone().into(),
        r#"{"type":"order","venue":"binance","symbol":"ETH/USDT","venue_symbol":"ETHUSDT","id":"4293153","client_id":"x-abc123","side":"sell","order_type":"limit","status":"partially_filled","price":"1888.00","amount":"1.0000","filled":"0.2500","avg_price":"1888.00","time":1499405658658}"#,
    );
    assert_eq!(o.remaining(), d("0.75"));
    let market = Order {
        client_id: None,
        order_type: OrderType::Market,
        status: OrderStatus::Open,
        price: None,
        avg_price: None,
        filled: d("0"),
        ..o
    };
    check(
        market.into(),
        r#"{"type":"order","venue":"binance","symbol":"ETH/USDT","venue_symbol":"ETHUSDT","id":"4293153","side":"sell","order_type":"market","status":"open","amount":"1.0000","filled":"0","time":1499405658658}"#,
    );
}

#[test]
fn balance_json() {
    let mut b = Balance {
        venue: Venue::Kucoin,
        asset: "USDT".into(),
        free: d("1000.50"),
        locked: d("20.00"),
        total: d("1020.50"),
        time: Some(1_700_000_000_000),
    };
    check(
        b.clone().into(),
        r#"{"type":"balance","venue":"kucoin","asset":"USDT","free":"1000.50","locked":"20.00","total":"1020.50","time":1700000000000}"#,
    );
    b.time = None;
    check(
        b.into(),
        r#"{"type":"balance","venue":"kucoin","asset":"USDT","free":"1000.50","locked":"20.00","total":"1020.50"}"#,
    );
    let computed = Balance::new(Venue::Binance, "BTC", d("0.5"), d("0.25"));
    assert_eq!(computed.total, d("0.75"));
}

#[test]
fn position_json() {
    let p = Position {
        venue: Venue::Deribit,
        symbol: sym("BTC/USD:BTC"),
        venue_symbol: "BTC-PERPETUAL".into(),
        side: PositionSide::Short,
        amount: d("3000"),
        entry_price: Some(d("29840.50")),
        mark_price: Some(d("30012.03")),
        unrealized_pnl: Some(d("-0.00057423")),
        time: Some(1_690_000_000_000),
    };
    check(
        p.clone().into(),
        r#"{"type":"position","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","side":"short","amount":"3000","entry_price":"29840.50","mark_price":"30012.03","unrealized_pnl":"-0.00057423","time":1690000000000}"#,
    );
    let flat = Position {
        side: PositionSide::Flat,
        amount: d("0"),
        entry_price: None,
        mark_price: None,
        unrealized_pnl: None,
        time: None,
        ..p
    };
    check(
        flat.into(),
        r#"{"type":"position","venue":"deribit","symbol":"BTC/USD:BTC","venue_symbol":"BTC-PERPETUAL","side":"flat","amount":"0"}"#,
    );
    assert_eq!(
        Position::side_and_amount(d("-3")),
        (PositionSide::Short, d("3"))
    );
    assert_eq!(
        Position::side_and_amount(d("2.5")),
        (PositionSide::Long, d("2.5"))
    );
    assert_eq!(
        Position::side_and_amount(d("0")),
        (PositionSide::Flat, d("0"))
    );
}

#[test]
fn event_accessors() {
    let e = MarketEvent::from(trade());
    assert_eq!(e.kind(), "trade");
    assert_eq!(e.venue(), Venue::Binance);
    assert_eq!(e.symbol().map(Symbol::as_str), Some("BNB/BTC"));
    assert_eq!(e.venue_symbol(), Some("BNBBTC"));
    assert_eq!(e.time(), Some(1_672_515_782_136));
    let b = MarketEvent::from(Balance::new(Venue::Gate, "ETH", d("1"), d("0")));
    assert_eq!(b.kind(), "balance");
    assert_eq!(b.symbol(), None);
    assert_eq!(b.venue_symbol(), None);
    assert_eq!(b.time(), None);
}

#[test]
fn bad_input_is_rejected() {
    // unknown type tag
    assert!(serde_json::from_str::<MarketEvent>(r#"{"type":"quote","venue":"binance"}"#).is_err());
    // invalid canonical symbol
    let bad = r#"{"type":"trade","venue":"binance","symbol":"BNBBTC","venue_symbol":"BNBBTC","price":"1","amount":"1","side":"buy","time":1}"#;
    assert!(serde_json::from_str::<MarketEvent>(bad).is_err());
    // missing required field (time)
    let bad = r#"{"type":"trade","venue":"binance","venue_symbol":"BNBBTC","price":"1","amount":"1","side":"buy"}"#;
    assert!(serde_json::from_str::<MarketEvent>(bad).is_err());
    // non-decimal price
    let bad = r#"{"type":"trade","venue":"binance","venue_symbol":"BNBBTC","price":"one","amount":"1","side":"buy","time":1}"#;
    assert!(serde_json::from_str::<MarketEvent>(bad).is_err());
}

/// Every example line in docs/events.md parses and re-serializes byte for byte.
#[test]
fn docs_examples_round_trip() {
    let doc = include_str!("../../../docs/events.md");
    let mut seen = std::collections::BTreeSet::new();
    for line in doc.lines().filter(|l| l.starts_with("{\"type\":")) {
        let event: MarketEvent = serde_json::from_str(line).unwrap();
        assert_eq!(serde_json::to_string(&event).unwrap(), line);
        seen.insert(event.kind());
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        vec![
            "balance", "book", "candle", "order", "position", "ticker", "trade"
        ]
    );
}
