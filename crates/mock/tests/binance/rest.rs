//! The simulator's public REST API (rest-api.md "Public API Endpoints"): shapes, documented
//! errors (errors.md), kline pagination, request weight, 429 and 418.

use super::common::*;
use serde_json::Value;
use tradewire_mock::binance::{BinanceSim, SimConfig};

#[tokio::test]
async fn general_endpoints() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let r = get(&server, "/api/v3/ping").await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));

    let before = now_ms();
    let r = get(&server, "/api/v3/time").await;
    let t = r.json()["serverTime"].as_i64().unwrap();
    assert!(t >= before && t <= now_ms());

    // rest-api.md "Exchange information".
    let info = get(&server, "/api/v3/exchangeInfo").await.json();
    assert_eq!(info["timezone"], "UTC");
    let limits = info["rateLimits"].as_array().unwrap();
    assert!(limits.iter().any(|l| l["rateLimitType"] == "REQUEST_WEIGHT"
        && l["interval"] == "MINUTE"
        && l["intervalNum"] == 1
        && l["limit"] == 6000));
    let symbols = info["symbols"].as_array().unwrap();
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["BTCUSDT", "ETHUSDT", "BNBBTC"]);
    let bnb = &symbols[2];
    assert_eq!(bnb["status"], "TRADING");
    assert_eq!(bnb["baseAsset"], "BNB");
    assert_eq!(bnb["quoteAsset"], "BTC");
    assert_eq!(bnb["permissionSets"], serde_json::json!([["SPOT"]]));
    let filters = bnb["filters"].as_array().unwrap();
    let price = filters
        .iter()
        .find(|f| f["filterType"] == "PRICE_FILTER")
        .unwrap();
    assert_eq!(price["tickSize"], "0.00000100");
    assert_eq!(
        keys(price),
        sorted(&["filterType", "minPrice", "maxPrice", "tickSize"])
    );
    let lot = filters
        .iter()
        .find(|f| f["filterType"] == "LOT_SIZE")
        .unwrap();
    assert_eq!(lot["stepSize"], "0.00100000");
    let notional = filters
        .iter()
        .find(|f| f["filterType"] == "NOTIONAL")
        .unwrap();
    assert_eq!(
        keys(notional),
        sorted(&[
            "filterType",
            "minNotional",
            "applyMinToMarket",
            "maxNotional",
            "applyMaxToMarket",
            "avgPriceMins"
        ])
    );

    let one = get(&server, "/api/v3/exchangeInfo?symbol=ETHUSDT")
        .await
        .json();
    assert_eq!(one["symbols"].as_array().unwrap().len(), 1);
    let two = get(
        &server,
        "/api/v3/exchangeInfo?symbols=%5B%22BNBBTC%22,%22BTCUSDT%22%5D",
    )
    .await
    .json();
    assert_eq!(two["symbols"][0]["symbol"], "BNBBTC");
    assert_eq!(two["symbols"][1]["symbol"], "BTCUSDT");

    let r = get(&server, "/api/v3/nope").await;
    assert_eq!(r.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn documented_errors() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let cases = [
        ("/api/v3/depth?symbol=FOOBAR", -1121, "Invalid symbol."),
        (
            "/api/v3/depth",
            -1102,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        ),
        (
            "/api/v3/klines?symbol=BTCUSDT&interval=2m",
            -1120,
            "Invalid interval.",
        ),
        (
            "/api/v3/klines?symbol=BTCUSDT",
            -1102,
            "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
        ),
        (
            "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=abc",
            -1100,
            "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.",
        ),
        ("/api/v3/exchangeInfo?symbol=NOPE", -1121, "Invalid symbol."),
        ("/api/v3/ticker/24hr?symbol=NOPE", -1121, "Invalid symbol."),
        (
            "/api/v3/ticker/24hr?type=HUGE",
            -1139,
            "Invalid ticker type.",
        ),
    ];
    for (path, code, msg) in cases {
        let r = get(&server, path).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(
            r.json(),
            serde_json::json!({"code": code, "msg": msg}),
            "{path}"
        );
        assert!(r.header("X-MBX-USED-WEIGHT-1M").is_some());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn trades_depth_and_ticker() {
    let (server, _sim) = BinanceSim::start_with(SimConfig {
        tick_rate: 200,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // rest-api.md "Recent trades list".
    let trades = get(&server, "/api/v3/trades?symbol=BTCUSDT&limit=5")
        .await
        .json();
    let trades = trades.as_array().unwrap();
    assert!(!trades.is_empty() && trades.len() <= 5);
    for t in trades {
        assert_eq!(
            keys(t),
            sorted(&[
                "id",
                "price",
                "qty",
                "quoteQty",
                "time",
                "isBuyerMaker",
                "isBestMatch"
            ])
        );
    }
    for pair in trades.windows(2) {
        assert_eq!(
            pair[1]["id"].as_i64().unwrap(),
            pair[0]["id"].as_i64().unwrap() + 1
        );
    }
    // rest-api.md "Order book": default limit 100 (the simulated book has 50 levels).
    let depth = get(&server, "/api/v3/depth?symbol=BTCUSDT&limit=3")
        .await
        .json();
    assert_eq!(depth["bids"].as_array().unwrap().len(), 3);
    let best_bid: f64 = depth["bids"][0][0].as_str().unwrap().parse().unwrap();
    let best_ask: f64 = depth["asks"][0][0].as_str().unwrap().parse().unwrap();
    assert!(best_bid < best_ask);

    // rest-api.md "24hr ticker price change statistics": object for `symbol`, array otherwise.
    let t = get(&server, "/api/v3/ticker/24hr?symbol=BTCUSDT")
        .await
        .json();
    assert_eq!(
        keys(&t),
        sorted(&[
            "symbol",
            "priceChange",
            "priceChangePercent",
            "weightedAvgPrice",
            "prevClosePrice",
            "lastPrice",
            "lastQty",
            "bidPrice",
            "bidQty",
            "askPrice",
            "askQty",
            "openPrice",
            "highPrice",
            "lowPrice",
            "volume",
            "quoteVolume",
            "openTime",
            "closeTime",
            "firstId",
            "lastId",
            "count"
        ])
    );
    let all = get(&server, "/api/v3/ticker/24hr").await.json();
    assert_eq!(all.as_array().unwrap().len(), 3);
    let mini = get(&server, "/api/v3/ticker/24hr?symbol=ETHUSDT&type=MINI")
        .await
        .json();
    assert_eq!(
        keys(&mini),
        sorted(&[
            "symbol",
            "openPrice",
            "highPrice",
            "lowPrice",
            "lastPrice",
            "volume",
            "quoteVolume",
            "openTime",
            "closeTime",
            "firstId",
            "lastId",
            "count"
        ])
    );
    server.shutdown().await;
}

fn kline_fields(k: &Value) -> (i64, i64, f64, f64, f64, f64) {
    let a = k.as_array().unwrap();
    assert_eq!(a.len(), 12, "{k}");
    let num = |i: usize| a[i].as_str().unwrap().parse::<f64>().unwrap();
    for i in [1, 2, 3, 4, 5, 7, 9, 10] {
        assert!(is_dec8(&a[i]), "field {i} of {k}");
    }
    assert!(a[8].is_i64());
    assert_eq!(a[11], "0");
    (
        a[0].as_i64().unwrap(),
        a[6].as_i64().unwrap(),
        num(1),
        num(2),
        num(3),
        num(4),
    )
}

#[tokio::test]
async fn klines_paginate_contiguously() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let hour = 3_600_000;
    let now = now_ms();
    let start = now - 100 * 24 * hour; // 2,400 hourly candles
    let mut all: Vec<Value> = Vec::new();
    let mut cursor = start;
    let mut pages = 0;
    loop {
        let r = get(
            &server,
            &format!("/api/v3/klines?symbol=ETHUSDT&interval=1h&startTime={cursor}&limit=1000"),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let page = r.json().as_array().unwrap().clone();
        pages += 1;
        let Some(last) = page.last() else { break };
        cursor = last[0].as_i64().unwrap() + 1;
        let full = page.len() == 1000;
        all.extend(page);
        if !full {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert!(all.len() >= 2_400 && all.len() <= 2_402, "{}", all.len());
    let first_open = kline_fields(&all[0]).0;
    assert!(first_open >= start && first_open - start < hour && first_open % hour == 0);
    let mut prev: Option<(i64, i64, f64)> = None;
    for k in &all {
        let (open, close, o, h, l, c) = kline_fields(k);
        assert_eq!(close, open + hour - 1);
        assert!(h >= o.max(c) && l <= o.min(c) && l > 0.0, "{k}");
        if let Some((p_open, p_close, _)) = prev {
            assert_eq!(open, p_open + hour, "gap before {open}");
            assert_eq!(open, p_close + 1);
        }
        prev = Some((open, close, c));
    }
    // The last candle is the current one.
    let (last_open, last_close, ..) = kline_fields(all.last().unwrap());
    assert!(last_open <= now_ms() && now <= last_close);

    // Deterministic: any other page over the same range returns the same candles.
    let mid = all[1_234][0].as_i64().unwrap();
    let again = get(
        &server,
        &format!(
            "/api/v3/klines?symbol=ETHUSDT&interval=1h&startTime={}&endTime={}",
            mid - 5,
            mid + 2 * hour
        ),
    )
    .await
    .json();
    assert_eq!(again.as_array().unwrap().as_slice(), &all[1_234..1_237]);

    // endTime only: most recent candles up to endTime.
    let end = all[500][0].as_i64().unwrap();
    let before = get(
        &server,
        &format!(
            "/api/v3/klines?symbol=ETHUSDT&interval=1h&endTime={}&limit=10",
            end + 5
        ),
    )
    .await
    .json();
    assert_eq!(before.as_array().unwrap().as_slice(), &all[491..501]);

    // No times: the most recent `limit` (default 500), ending with the current candle.
    let recent = get(&server, "/api/v3/klines?symbol=ETHUSDT&interval=1h")
        .await
        .json();
    let recent = recent.as_array().unwrap();
    assert_eq!(recent.len(), 500);
    assert_eq!(recent.last().unwrap()[0], all.last().unwrap()[0]);
    // limit is capped at 1000.
    let capped = get(
        &server,
        &format!("/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime={start}&limit=5000"),
    )
    .await
    .json();
    assert_eq!(capped.as_array().unwrap().len(), 1000);
    server.shutdown().await;
}

#[tokio::test]
async fn monthly_and_weekly_klines_follow_the_calendar() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    // 2024-01-15T00:00:00Z.
    let r = get(
        &server,
        "/api/v3/klines?symbol=BTCUSDT&interval=1M&startTime=1705276800000&limit=3",
    )
    .await
    .json();
    let opens: Vec<i64> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[0].as_i64().unwrap())
        .collect();
    // 2024-02-01, 2024-03-01, 2024-04-01.
    assert_eq!(
        opens,
        [1_706_745_600_000, 1_709_251_200_000, 1_711_929_600_000]
    );
    assert_eq!(r[0][6].as_i64().unwrap(), 1_709_251_200_000 - 1);
    // Weeks open on Monday: 2024-01-15 was a Monday.
    let w = get(
        &server,
        "/api/v3/klines?symbol=BTCUSDT&interval=1w&startTime=1705276800000&limit=1",
    )
    .await
    .json();
    assert_eq!(w[0][0].as_i64().unwrap(), 1_705_276_800_000);
    server.shutdown().await;
}

#[tokio::test]
async fn live_klines_join_history() {
    let (server, _sim) = BinanceSim::start_with(SimConfig {
        tick_rate: 200,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let r = get(
        &server,
        "/api/v3/klines?symbol=BTCUSDT&interval=1s&limit=30",
    )
    .await
    .json();
    let ks = r.as_array().unwrap();
    assert_eq!(ks.len(), 30);
    for pair in ks.windows(2) {
        assert_eq!(
            pair[1][0].as_i64().unwrap(),
            pair[0][0].as_i64().unwrap() + 1_000
        );
    }
    // The last complete seconds were traded live.
    let traded = ks
        .iter()
        .rev()
        .skip(1)
        .take(2)
        .all(|k| k[8].as_i64().unwrap() > 0);
    assert!(traded, "{:?}", &ks[27..]);
    server.shutdown().await;
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Fields 1..=10 of a REST kline as numbers (o, h, l, c, v, close time, q, n, V, Q).
fn kline_numbers(k: &Value) -> Vec<f64> {
    k.as_array().unwrap()[1..=10]
        .iter()
        .map(|v| match v.as_str() {
            Some(s) => s.parse().unwrap(),
            None => v.as_f64().unwrap(),
        })
        .collect()
}

#[tokio::test]
async fn history_klines_join_the_live_price_and_volume() {
    let start = now_ms();
    let (server, _sim) = BinanceSim::start_with(SimConfig {
        tick_rate: 100,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // Price: the most recent complete minute ends near the live price.
    let last: f64 = get(&server, "/api/v3/ticker/24hr?symbol=BTCUSDT")
        .await
        .json()["lastPrice"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    for path in ["/api/v3/klines", "/api/v3/uiKlines"] {
        let ks = get(
            &server,
            &format!("{path}?symbol=BTCUSDT&interval=1m&limit=2"),
        )
        .await
        .json();
        let close = kline_numbers(&ks[0])[3];
        assert!(
            (close - last).abs() / last < 0.005,
            "{path}: history closes at {close}, live price {last}"
        );
    }

    // Volume: live one-second candles from the live trades…
    let mut ws = connect(&server, "/ws/btcusdt@kline_1s").await;
    let mut live = Vec::new();
    while live.len() < 6 {
        let k = next_matching(&mut ws, |v| v["k"]["x"] == true).await;
        live.push(k["k"]["v"].as_str().unwrap().parse::<f64>().unwrap());
    }
    // (the first one closed may have started before the market did)
    let live = median(live[1..].to_vec());
    // …and history one-second candles from before the simulator started.
    let ks = get(
        &server,
        &format!(
            "/api/v3/klines?symbol=BTCUSDT&interval=1s&endTime={}&limit=100",
            start - 60_000
        ),
    )
    .await
    .json();
    let ks = ks.as_array().unwrap();
    assert_eq!(ks.len(), 100);
    let mut volumes = Vec::new();
    for k in ks {
        let n = kline_numbers(k);
        let (h, l, v, q, trades, taker_v) = (n[1], n[2], n[4], n[6], n[7], n[8]);
        assert!(v > 0.0 && taker_v <= v, "{k}");
        assert!(q >= v * l * 0.999_999 && q <= v * h * 1.000_001, "{k}");
        assert!(trades >= 1.0 && trades <= v / 0.000_01, "{k}");
        volumes.push(v);
    }
    let history = median(volumes);
    let ratio = history / live;
    assert!(
        (0.2..5.0).contains(&ratio),
        "history {history} BTC/s, live {live} BTC/s"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn weight_header_429_and_418() {
    avoid_minute_boundary().await;
    let (server, sim) = BinanceSim::start_with(SimConfig {
        weight_limit_per_minute: 50,
        ban_after_violations: 2,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // rest-api.md "IP Limits": X-MBX-USED-WEIGHT-1M on every response; exchangeInfo weighs 20.
    let a = get(&server, "/api/v3/exchangeInfo").await;
    assert_eq!(a.status, 200);
    let b = get(&server, "/api/v3/exchangeInfo").await;
    assert_eq!(b.weight(), a.weight() + 20);
    let c = get(&server, "/api/v3/ping").await;
    assert_eq!(c.weight(), b.weight() + 1);
    assert_eq!(sim.used_weight(), c.weight());
    // Over the limit: 429, Retry-After, -1003.
    let r = get(&server, "/api/v3/exchangeInfo").await;
    assert_eq!(r.status, 429);
    let retry: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(r.json()["code"], -1003);
    assert_eq!(
        r.json()["msg"],
        "Too much request weight used; current limit is 50 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."
    );
    // Not backing off: banned.
    assert_eq!(get(&server, "/api/v3/ping").await.status, 429);
    let banned = get(&server, "/api/v3/ping").await;
    assert_eq!(banned.status, 418);
    assert!(banned.header("Retry-After").is_some());
    let msg = banned.json()["msg"].as_str().unwrap().to_owned();
    assert!(
        msg.starts_with("Way too much request weight used; IP banned until "),
        "{msg}"
    );
    assert_eq!(get(&server, "/api/v3/time").await.status, 418);
    server.shutdown().await;
}

#[tokio::test]
async fn rejected_next_rest() {
    let (server, sim) = BinanceSim::start().await.unwrap();
    sim.reject_next_rest(429, 7);
    let r = get(&server, "/api/v3/ping").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), Some("7"));
    assert_eq!(r.json()["code"], -1003);
    assert_eq!(get(&server, "/api/v3/ping").await.status, 200);
    sim.reject_next_rest(418, 120);
    let r = get(&server, "/api/v3/time").await;
    assert_eq!(r.status, 418);
    assert_eq!(r.header("Retry-After"), Some("120"));
    assert!(
        r.json()["msg"]
            .as_str()
            .unwrap()
            .contains("IP banned until")
    );
    assert_eq!(get(&server, "/api/v3/ping").await.status, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn cors_on_rest() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let r = get(&server, "/api/v3/ping").await;
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    server.shutdown().await;
}
