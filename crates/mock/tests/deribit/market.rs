//! Market data: instruments, book snapshot + change continuity, the skip_change_id gap,
//! trades, ticker, chart data.

use std::collections::BTreeMap;

use super::common::*;
use serde_json::{Value, json};
use tradewire_mock::deribit::{DeribitConfig, DeribitSim};

fn fast() -> DeribitConfig {
    DeribitConfig {
        tick_rate: 50,
        ..DeribitConfig::default()
    }
}

fn apply(book: &mut BTreeMap<String, f64>, levels: &Value) {
    for l in levels.as_array().unwrap() {
        let action = l[0].as_str().unwrap();
        let price = l[1].to_string();
        match action {
            "new" => {
                assert!(!book.contains_key(&price), "new on existing level {price}");
                book.insert(price, l[2].as_f64().unwrap());
            }
            "change" => {
                assert!(book.contains_key(&price), "change on missing level {price}");
                book.insert(price, l[2].as_f64().unwrap());
            }
            "delete" => {
                assert!(
                    book.remove(&price).is_some(),
                    "delete of missing level {price}"
                );
            }
            other => panic!("bad action {other}"),
        }
    }
}

#[tokio::test]
async fn instruments() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    let all = c
        .ok("public/get_instruments", json!({"currency": "BTC"}))
        .await;
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["instrument_name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"BTC-PERPETUAL"));
    assert!(!names.contains(&"ETH-PERPETUAL"));
    let future = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["settlement_period"] == "month" && i["kind"] == "future")
        .unwrap();
    assert!(future["expiration_timestamp"].as_i64().unwrap() > now_ms());
    let option = c
        .ok(
            "public/get_instruments",
            json!({"currency": "BTC", "kind": "option"}),
        )
        .await;
    let option = &option[0];
    assert_eq!(option["option_type"], "call");
    assert_eq!(option["strike"], 60000);
    assert!(
        option["instrument_name"]
            .as_str()
            .unwrap()
            .ends_with("-60000-C")
    );
    let eth = c
        .ok("public/get_instruments", json!({"currency": "ETH"}))
        .await;
    assert_eq!(eth[0]["instrument_name"], "ETH-PERPETUAL");
    server.shutdown().await;
}

#[tokio::test]
async fn book_snapshot_then_continuous_changes() {
    let (server, sim) = DeribitSim::start_with(fast()).await.unwrap();
    let mut c = connect(&server).await;
    let ch = "book.BTC-PERPETUAL.100ms";
    let r = c
        .ok(
            "public/subscribe",
            json!({"channels": [ch, "bogus.channel"]}),
        )
        .await;
    assert_eq!(r, json!([ch]));
    let snap = c.notification(ch).await;
    assert_eq!(snap["type"], "snapshot");
    assert!(snap.get("prev_change_id").is_none());
    let mut bids = BTreeMap::new();
    let mut asks = BTreeMap::new();
    apply(&mut bids, &snap["bids"]);
    apply(&mut asks, &snap["asks"]);
    assert_eq!(bids.len(), 10);
    let mut last = snap["change_id"].as_u64().unwrap();
    for _ in 0..30 {
        let d = c.notification(ch).await;
        assert_eq!(d["type"], "change");
        assert_eq!(d["instrument_name"], "BTC-PERPETUAL");
        assert_eq!(d["prev_change_id"].as_u64().unwrap(), last, "{d}");
        last = d["change_id"].as_u64().unwrap();
        apply(&mut bids, &d["bids"]);
        apply(&mut asks, &d["asks"]);
    }
    // Reconstructed book matches the simulator once it is quiet.
    sim.pause_market();
    let top = sim.book_top("BTC-PERPETUAL", 100).unwrap();
    while top.change_id != last {
        let d = c.notification(ch).await;
        last = d["change_id"].as_u64().unwrap();
        apply(&mut bids, &d["bids"]);
        apply(&mut asks, &d["asks"]);
    }
    let top = sim.book_top("BTC-PERPETUAL", 100).unwrap();
    assert_eq!(top.bids.len(), bids.len());
    let best_bid: f64 = bids
        .keys()
        .map(|k| k.parse::<f64>().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(best_bid, top.bids[0].0.to_string().parse::<f64>().unwrap());
    server.shutdown().await;
}

#[tokio::test]
async fn skip_change_id_makes_a_gap() {
    let (server, sim) = DeribitSim::start_with(fast()).await.unwrap();
    let mut c = connect(&server).await;
    c.auth().await;
    let ch = "book.BTC-PERPETUAL.raw";
    c.ok("public/subscribe", json!({"channels": [ch]})).await;
    let snap = c.notification(ch).await;
    let mut last = snap["change_id"].as_u64().unwrap();
    let d = c.notification(ch).await;
    assert_eq!(d["prev_change_id"].as_u64().unwrap(), last);
    last = d["change_id"].as_u64().unwrap();
    assert!(sim.skip_change_id("BTC-PERPETUAL"));
    assert!(!sim.skip_change_id("NOPE"));
    let mut gaps = 0;
    for _ in 0..10 {
        let d = c.notification(ch).await;
        let prev = d["prev_change_id"].as_u64().unwrap();
        if prev != last {
            gaps += 1;
            assert!(prev > last);
        }
        last = d["change_id"].as_u64().unwrap();
    }
    assert_eq!(gaps, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn trades_ticker_and_order_book() {
    let (server, _sim) = DeribitSim::start_with(fast()).await.unwrap();
    let mut c = connect(&server).await;
    let chans = [
        "trades.BTC-PERPETUAL.100ms",
        "ticker.BTC-PERPETUAL.100ms",
        "chart.trades.BTC-PERPETUAL.1",
    ];
    let r = c.ok("public/subscribe", json!({"channels": chans})).await;
    assert_eq!(r.as_array().unwrap().len(), 3);
    let trades = c.notification(chans[0]).await;
    let t = &trades[0];
    assert_eq!(t["instrument_name"], "BTC-PERPETUAL");
    assert!(t["trade_id"].is_string());
    assert!(t["trade_seq"].is_u64());
    assert!(matches!(t["direction"].as_str(), Some("buy" | "sell")));
    let ticker = c.notification(chans[1]).await;
    assert!(
        ticker["best_bid_price"].as_f64().unwrap() < ticker["best_ask_price"].as_f64().unwrap()
    );
    assert_eq!(ticker["state"], "open");
    let candle = c.notification(chans[2]).await;
    assert_eq!(candle["tick"].as_i64().unwrap() % 60_000, 0);
    assert!(candle["high"].as_f64().unwrap() >= candle["low"].as_f64().unwrap());

    let book = c
        .ok(
            "public/get_order_book",
            json!({"instrument_name": "BTC-PERPETUAL", "depth": 5}),
        )
        .await;
    assert_eq!(book["bids"].as_array().unwrap().len(), 5);
    assert!(book["change_id"].is_u64());
    let last = c
        .ok(
            "public/get_last_trades_by_instrument",
            json!({"instrument_name": "BTC-PERPETUAL", "count": 3}),
        )
        .await;
    let list = last["trades"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 3);
    assert!(last["has_more"].is_boolean());

    let r = c
        .ok("public/unsubscribe", json!({"channels": [chans[0]]}))
        .await;
    assert_eq!(r, json!([chans[0]]));
    assert_eq!(c.ok("public/unsubscribe_all", json!({})).await, "ok");
    server.shutdown().await;
}

#[tokio::test]
async fn chart_data_is_deterministic() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    let end = 1_700_000_000_000_i64 / 60_000 * 60_000;
    let params = json!({
        "instrument_name": "BTC-PERPETUAL",
        "start_timestamp": end - 60 * 60_000,
        "end_timestamp": end,
        "resolution": "1",
    });
    let a = c
        .ok("public/get_tradingview_chart_data", params.clone())
        .await;
    let b = c.ok("public/get_tradingview_chart_data", params).await;
    assert_eq!(a, b);
    assert_eq!(a["status"], "ok");
    let ticks = a["ticks"].as_array().unwrap();
    assert_eq!(ticks.len(), 61);
    for i in 0..ticks.len() {
        let (o, h, l, cl) = (
            a["open"][i].as_f64().unwrap(),
            a["high"][i].as_f64().unwrap(),
            a["low"][i].as_f64().unwrap(),
            a["close"][i].as_f64().unwrap(),
        );
        assert!(h >= o.max(cl) && l <= o.min(cl));
        if i > 0 {
            assert_eq!(
                ticks[i].as_i64().unwrap() - ticks[i - 1].as_i64().unwrap(),
                60_000
            );
            assert_eq!(a["open"][i], a["close"][i - 1]);
        }
    }
    let v = c
        .call(
            "public/get_tradingview_chart_data",
            json!({"instrument_name": "BTC-PERPETUAL", "start_timestamp": 0, "end_timestamp": 1, "resolution": "7"}),
        )
        .await;
    assert_error(&v, 11029, "invalid_arguments");
    server.shutdown().await;
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `public/get_tradingview_chart_data` of BTC-PERPETUAL.
async fn chart(c: &mut Client, start: i64, end: i64, resolution: &str) -> Value {
    c.ok(
        "public/get_tradingview_chart_data",
        json!({
            "instrument_name": "BTC-PERPETUAL",
            "start_timestamp": start,
            "end_timestamp": end,
            "resolution": resolution,
        }),
    )
    .await
}

fn column(data: &Value, name: &str) -> Vec<f64> {
    data[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[tokio::test]
async fn chart_history_ends_at_the_live_price() {
    let (server, _sim) = DeribitSim::start_with(fast()).await.unwrap();
    let mut c = connect(&server).await;
    let now = now_ms();
    let ticker = c
        .ok("public/ticker", json!({"instrument_name": "BTC-PERPETUAL"}))
        .await;
    let last = ticker["last_price"].as_f64().unwrap();
    // The most recent complete minute (the last candle is the current one): the history's
    // own moves within a minute stay well below 0.5 %.
    let data = chart(&mut c, now - 20 * 60_000, now, "1").await;
    let closes = column(&data, "close");
    let close = closes[closes.len() - 2];
    assert!(
        (close - last).abs() / last < 0.005,
        "history closes at {close}, live price {last}"
    );
    // The current candle of every resolution ends at the live price.
    for (resolution, ms) in [
        ("1", 60_000),
        ("5", 300_000),
        ("60", 3_600_000),
        ("1D", 86_400_000),
    ] {
        let data = chart(&mut c, now - 20 * ms, now, resolution).await;
        let current = *column(&data, "close").last().unwrap();
        assert!(
            (current - last).abs() / last < 0.001,
            "resolution {resolution}: {current} vs {last}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn chart_history_volume_is_on_the_live_scale() {
    let config = DeribitConfig {
        tick_rate: 100,
        ..DeribitConfig::default()
    };
    let created = now_ms();
    let (server, _sim) = DeribitSim::start_with(config).await.unwrap();
    let mut c = connect(&server).await;
    // The live trades over three seconds of the simulator's clock, in USD per minute.
    let ch = "trades.BTC-PERPETUAL.100ms";
    c.ok("public/subscribe", json!({"channels": [ch]})).await;
    let (mut first, mut last, mut amount) = (None, 0, 0.0);
    while last - first.unwrap_or(last) < 3_000 {
        for t in c.notification(ch).await.as_array().unwrap() {
            let ts = t["timestamp"].as_i64().unwrap();
            first.get_or_insert(ts);
            last = ts;
            amount += t["amount"].as_f64().unwrap();
        }
    }
    let live_per_min = amount / (last - first.unwrap()) as f64 * 60_000.0;
    // History: one-minute candles of the hour before the simulator was created.
    let end = created - 2 * 60_000;
    let data = chart(&mut c, end - 60 * 60_000, end, "1").await;
    let costs = column(&data, "cost");
    let volumes = column(&data, "volume");
    let closes = column(&data, "close");
    for ((cost, volume), close) in costs.iter().zip(&volumes).zip(&closes) {
        // Inverse perpetual: volume in BTC, cost in USD, cost / volume ≈ the price.
        assert!(
            (cost / volume / close - 1.0).abs() < 0.01,
            "{cost} {volume}"
        );
    }
    let hist_per_min = median(costs);
    let ratio = hist_per_min / live_per_min;
    assert!(
        (0.2..5.0).contains(&ratio),
        "history {hist_per_min} USD/min, live {live_per_min} USD/min"
    );
    server.shutdown().await;
}
