//! The simulator's market streams over real sockets: payload shapes (web-socket-streams.md
//! "Detailed Stream information"), raw vs combined, live control messages and their errors,
//! limits, server pings, forced disconnects and market pause.

use std::collections::BTreeMap;
use std::time::Duration;

use super::common::*;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tradewire_mock::binance::{BinanceSim, SimConfig};

fn fast_config() -> SimConfig {
    SimConfig {
        tick_rate: 100,
        ..SimConfig::default()
    }
}

#[tokio::test]
async fn combined_stream_payload_shapes() {
    let (server, _sim) = BinanceSim::start_with(fast_config()).await.unwrap();
    let names = [
        "btcusdt@trade",
        "btcusdt@aggTrade",
        "btcusdt@kline_1s",
        "btcusdt@depth@100ms",
        "btcusdt@depth5@100ms",
        "btcusdt@bookTicker",
        "btcusdt@ticker",
        "btcusdt@miniTicker",
    ];
    let mut ws = connect(&server, &format!("/stream?streams={}", names.join("/"))).await;
    let mut seen: BTreeMap<String, (String, Value)> = BTreeMap::new();
    while seen.len() < names.len() {
        let text = next_text(&mut ws).await;
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(keys(&v), sorted(&["stream", "data"]), "{text}");
        let stream = v["stream"].as_str().unwrap().to_owned();
        assert!(
            names.contains(&stream.as_str()),
            "unexpected stream {stream}"
        );
        // The wrapper comes first, exactly as documented: {"stream":"<name>","data":<raw>}.
        assert!(text.starts_with(&format!(r#"{{"stream":"{stream}","data":{{"#)));
        seen.entry(stream).or_insert((text, v["data"].clone()));
    }

    // web-socket-streams.md "Trade Streams".
    let (text, d) = &seen["btcusdt@trade"];
    assert!(text.contains(r#""data":{"e":"trade","E":"#), "{text}");
    assert_eq!(
        keys(d),
        sorted(&["e", "E", "s", "t", "p", "q", "T", "m", "M"])
    );
    assert_eq!(d["s"], "BTCUSDT");
    assert!(d["t"].as_i64().unwrap() >= 1);
    assert!(is_dec8(&d["p"]) && is_dec8(&d["q"]));
    assert!(d["m"].is_boolean() && d["M"].is_boolean());

    // "Aggregate Trade Streams".
    let (_, d) = &seen["btcusdt@aggTrade"];
    assert_eq!(
        keys(d),
        sorted(&["e", "E", "s", "a", "p", "q", "f", "l", "T", "m", "M"])
    );
    assert_eq!(d["e"], "aggTrade");
    assert!(d["f"].as_i64().unwrap() <= d["l"].as_i64().unwrap());

    // "Kline/Candlestick Streams for UTC".
    let (_, d) = &seen["btcusdt@kline_1s"];
    assert_eq!(keys(d), sorted(&["e", "E", "s", "k"]));
    assert_eq!(d["e"], "kline");
    let k = &d["k"];
    assert_eq!(
        keys(k),
        sorted(&[
            "t", "T", "s", "i", "f", "L", "o", "c", "h", "l", "v", "n", "x", "q", "V", "Q", "B"
        ])
    );
    assert_eq!(k["i"], "1s");
    assert_eq!(k["T"].as_i64().unwrap(), k["t"].as_i64().unwrap() + 999);
    assert_eq!(k["t"].as_i64().unwrap() % 1000, 0);

    // "Diff. Depth Stream".
    let (_, d) = &seen["btcusdt@depth@100ms"];
    assert_eq!(keys(d), sorted(&["e", "E", "s", "U", "u", "b", "a"]));
    assert_eq!(d["e"], "depthUpdate");
    assert!(d["U"].as_u64().unwrap() <= d["u"].as_u64().unwrap());

    // "Partial Book Depth Streams": no event type.
    let (_, d) = &seen["btcusdt@depth5@100ms"];
    assert_eq!(keys(d), sorted(&["lastUpdateId", "bids", "asks"]));
    assert_eq!(d["bids"].as_array().unwrap().len(), 5);
    assert_eq!(d["asks"].as_array().unwrap().len(), 5);
    let level = &d["bids"][0];
    assert!(is_dec8(&level[0]) && is_dec8(&level[1]), "{level}");

    // "Individual Symbol Book Ticker Streams".
    let (_, d) = &seen["btcusdt@bookTicker"];
    assert_eq!(keys(d), sorted(&["u", "s", "b", "B", "a", "A"]));

    // "Individual Symbol Ticker Streams".
    let (_, d) = &seen["btcusdt@ticker"];
    assert_eq!(
        keys(d),
        sorted(&[
            "e", "E", "s", "p", "P", "w", "x", "c", "Q", "b", "B", "a", "A", "o", "h", "l", "v",
            "q", "O", "C", "F", "L", "n"
        ])
    );
    assert_eq!(d["e"], "24hrTicker");

    // "Individual Symbol Mini Ticker Stream".
    let (_, d) = &seen["btcusdt@miniTicker"];
    assert_eq!(
        keys(d),
        sorted(&["e", "E", "s", "c", "o", "h", "l", "v", "q"])
    );
    assert_eq!(d["e"], "24hrMiniTicker");
    server.shutdown().await;
}

#[tokio::test]
async fn raw_stream_is_unwrapped_and_trade_ids_increase() {
    let (server, _sim) = BinanceSim::start_with(fast_config()).await.unwrap();
    let mut ws = connect(&server, "/ws/ethusdt@trade").await;
    let mut last = 0;
    for _ in 0..10 {
        let text = next_text(&mut ws).await;
        assert!(text.starts_with(r#"{"e":"trade","E":"#), "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["s"], "ETHUSDT");
        let id = v["t"].as_i64().unwrap();
        assert!(id > last, "trade ids must increase: {id} after {last}");
        last = id;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_stream_in_url_is_refused() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let url = format!("{}/ws/btcusdt@nope", server.url());
    assert!(
        tokio_tungstenite::connect_async(url.as_str())
            .await
            .is_err()
    );
    let url = format!("{}/stream?streams=xyzusdt@trade", server.url());
    assert!(
        tokio_tungstenite::connect_async(url.as_str())
            .await
            .is_err()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn live_subscribe_list_unsubscribe() {
    let (server, sim) = BinanceSim::start_with(fast_config()).await.unwrap();
    let mut ws = connect(&server, "/ws").await;
    // web-socket-streams.md "Subscribe to a stream".
    send_text(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["bnbbtc@aggTrade","bnbbtc@trade"],"id":1}"#,
    )
    .await;
    assert_eq!(next_text(&mut ws).await, r#"{"result":null,"id":1}"#);
    // Raw connection: payloads are not wrapped.
    let ev = next_json(&mut ws).await;
    assert!(ev["e"] == "aggTrade" || ev["e"] == "trade", "{ev}");
    assert_eq!(ev["s"], "BNBBTC");

    // "Listing Subscriptions".
    send_text(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":3}"#).await;
    let list = next_matching(&mut ws, |v| v.get("id").is_some()).await;
    assert_eq!(
        list,
        serde_json::json!({"result": ["bnbbtc@aggTrade", "bnbbtc@trade"], "id": 3})
    );
    assert_eq!(
        sim.subscriptions(),
        vec![vec![
            "bnbbtc@aggTrade".to_owned(),
            "bnbbtc@trade".to_owned()
        ]]
    );

    // "Setting Properties": combined payloads on a raw connection.
    send_text(
        &mut ws,
        r#"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#,
    )
    .await;
    let reply = next_matching(&mut ws, |v| v.get("id").is_some()).await;
    assert_eq!(reply, serde_json::json!({"result": null, "id": 5}));
    let wrapped = next_matching(&mut ws, |v| v.get("stream").is_some()).await;
    assert!(wrapped["data"]["s"] == "BNBBTC", "{wrapped}");

    // "Unsubscribe to a stream": nothing more arrives afterwards.
    tokio::time::sleep(Duration::from_millis(50)).await;
    send_text(
        &mut ws,
        r#"{"method":"UNSUBSCRIBE","params":["bnbbtc@aggTrade","bnbbtc@trade"],"id":312}"#,
    )
    .await;
    let reply = next_matching(&mut ws, |v| v.get("id").is_some()).await;
    assert_eq!(reply, serde_json::json!({"result": null, "id": 312}));
    // Events dispatched just before the unsubscribe took effect may still trail the reply.
    tokio::time::sleep(Duration::from_millis(100)).await;
    drain(&mut ws, Duration::from_millis(10)).await;
    let after = drain(&mut ws, Duration::from_millis(400)).await;
    assert!(after.is_empty(), "events after unsubscribe: {after:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn control_errors_as_documented() {
    // The message rate limit has its own test.
    let (server, _sim) = BinanceSim::start_with(SimConfig {
        max_incoming_per_second: 1_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&server, "/ws").await;
    // web-socket-streams.md "Error Messages".
    let cases = [
        (
            "{\"method\":",
            r#"{"code":3,"msg":"Invalid JSON: EOF while parsing a value at line 1 column 10"}"#,
        ),
        (
            r#"{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":{"a":1}}"#,
            r#"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"}"#,
        ),
        (
            r#"{"method":"SUBSCRIBE","params":["btcusdt@trade"]}"#,
            r#"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"}"#,
        ),
        (
            r#"{"method":"GET_PROPERTY","params":["foo"],"id":7}"#,
            r#"{"code":0,"msg":"Unknown property","id":7}"#,
        ),
        (
            r#"{"method":"SET_PROPERTY","params":["combined",1],"id":8}"#,
            r#"{"code":1,"msg":"Invalid value type: expected Boolean","id":8}"#,
        ),
    ];
    for (request, expected) in cases {
        send_text(&mut ws, request).await;
        assert_eq!(next_text(&mut ws).await, expected, "request {request}");
    }
    send_text(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["btcusdt@trades"],"id":9}"#,
    )
    .await;
    let v = next_json(&mut ws).await;
    assert_eq!(v["code"], 2);
    assert_eq!(v["id"], 9);
    assert!(v["msg"].as_str().unwrap().starts_with("Invalid request: "));
    send_text(&mut ws, r#"{"method":"SUBSCRIBE_ALL","params":[],"id":10}"#).await;
    let v = next_json(&mut ws).await;
    let msg = v["msg"].as_str().unwrap();
    assert_eq!(v["code"], 2);
    assert!(
        msg.starts_with("Invalid request: unknown variant `SUBSCRIBE_ALL`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column "),
        "{msg}"
    );
    send_text(&mut ws, r#"{"params":[],"id":11}"#).await;
    let v = next_json(&mut ws).await;
    assert!(
        v["msg"]
            .as_str()
            .unwrap()
            .starts_with("Invalid request: missing field `method` at line 1 column "),
        "{v}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn stream_limit_per_connection() {
    let (server, _sim) = BinanceSim::start_with(SimConfig {
        max_streams_per_connection: 3,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&server, "/stream?streams=btcusdt@trade/btcusdt@aggTrade").await;
    send_text(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["ethusdt@trade","bnbbtc@trade"],"id":1}"#,
    )
    .await;
    let v = next_matching(&mut ws, |v| v.get("id").is_some()).await;
    assert_eq!(v["code"], 2, "{v}");
    assert_eq!(v["id"], 1);
    // One more fits.
    send_text(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["ethusdt@trade"],"id":2}"#,
    )
    .await;
    let v = next_matching(&mut ws, |v| v.get("id").is_some()).await;
    assert_eq!(v, serde_json::json!({"result": null, "id": 2}));
    // And the URL itself is held to the limit.
    let url = format!(
        "{}/stream?streams=btcusdt@trade/btcusdt@aggTrade/ethusdt@trade/bnbbtc@trade",
        server.url()
    );
    assert!(
        tokio_tungstenite::connect_async(url.as_str())
            .await
            .is_err()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn more_than_five_messages_per_second_disconnects() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let mut ws = connect(&server, "/ws").await;
    for i in 0..5 {
        send_text(
            &mut ws,
            &format!(r#"{{"method":"LIST_SUBSCRIPTIONS","id":{i}}}"#),
        )
        .await;
    }
    for i in 0..5 {
        assert_eq!(
            next_json(&mut ws).await,
            serde_json::json!({"result": [], "id": i})
        );
    }
    send_text(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":6}"#).await;
    match next_msg(&mut ws).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Policy),
        other => panic!("expected a close frame, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn server_pings_and_connection_age() {
    let (server, _sim) = BinanceSim::start_with(SimConfig {
        ping_interval: Some(Duration::from_millis(100)),
        max_connection_age: Some(Duration::from_millis(700)),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&server, "/ws").await;
    let mut pings = 0;
    let close = loop {
        match next_msg(&mut ws).await {
            Message::Ping(_) => pings += 1,
            Message::Close(frame) => break frame,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert!(pings >= 2, "only {pings} pings");
    assert_eq!(close.map(|f| f.code), Some(CloseCode::Normal));
    // The client's automatic pongs reached the server.
    assert!(server.wait_until(WAIT, |s| s.pongs_received() >= 1).await);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_answers_pings_is_dropped() {
    let (server, sim) = BinanceSim::start_with(SimConfig {
        ping_interval: Some(Duration::from_millis(100)),
        pong_timeout: Some(Duration::from_millis(300)),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // `silent` is never read, so tungstenite never answers its pings; `live` is read
    // continuously and answers every one.
    let mut silent = connect(&server, "/ws").await;
    let mut live = connect(&server, "/ws").await;
    wait_sim_connections(&sim, 2).await;
    let reader = tokio::spawn(async move {
        let mut pings = 0;
        while pings < 12 {
            if let Message::Ping(_) = next_msg(&mut live).await {
                pings += 1;
            }
        }
        live
    });
    wait_sim_connections(&sim, 1).await;
    // The survivor goes on answering past several timeouts.
    let live = tokio::time::timeout(WAIT, reader).await.unwrap().unwrap();
    assert_eq!(sim.connections(), 1);
    // The silent one was dropped without a close frame: its buffered pings, then the end.
    loop {
        match tokio::time::timeout(WAIT, futures::StreamExt::next(&mut silent))
            .await
            .expect("not dropped")
        {
            Some(Ok(Message::Ping(_))) => continue,
            Some(Ok(Message::Close(_))) => panic!("a dropped connection has no close frame"),
            Some(Ok(other)) => panic!("unexpected {other:?}"),
            Some(Err(_)) | None => break,
        }
    }
    drop(live);
    server.shutdown().await;
}

#[tokio::test]
async fn forced_disconnects() {
    let (server, sim) = BinanceSim::start().await.unwrap();
    let mut a = connect(&server, "/ws/btcusdt@trade").await;
    let mut b = connect(&server, "/ws-api/v3").await;
    wait_sim_connections(&sim, 2).await;
    sim.force_disconnect_all();
    for ws in [&mut a, &mut b] {
        let close = loop {
            match next_msg(ws).await {
                Message::Close(frame) => break frame,
                _ => continue,
            }
        };
        assert_eq!(close.map(|f| f.code), Some(CloseCode::Normal));
    }

    wait_sim_connections(&sim, 0).await;
    let mut c = connect(&server, "/ws/btcusdt@trade").await;
    wait_sim_connections(&sim, 1).await;
    sim.drop_connections();
    // Abrupt: the stream ends (or errors) without a close frame.
    loop {
        match tokio::time::timeout(WAIT, futures::StreamExt::next(&mut c))
            .await
            .expect("not dropped")
        {
            Some(Ok(Message::Close(_))) => panic!("drop must not send a close frame"),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => break,
        }
    }

    wait_sim_connections(&sim, 0).await;
    let mut d = connect(&server, "/stream?streams=btcusdt@trade").await;
    wait_sim_connections(&sim, 1).await;
    sim.server_shutdown();
    // web-socket-streams.md "Server Shutdown" (combined form), then a close frame.
    let v = next_matching(&mut d, |v| v["stream"] == "!serverShutdown").await;
    assert_eq!(v["data"]["e"], "serverShutdown");
    loop {
        if let Message::Close(_) = next_msg(&mut d).await {
            break;
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn pause_and_resume_market() {
    let (server, sim) = BinanceSim::start_with(fast_config()).await.unwrap();
    let mut ws = connect(&server, "/ws/btcusdt@trade").await;
    next_json(&mut ws).await;
    sim.pause_market();
    drain(&mut ws, Duration::from_millis(300)).await;
    let silent = drain(&mut ws, Duration::from_millis(500)).await;
    assert!(silent.is_empty(), "paused market still trades: {silent:?}");
    sim.resume_market();
    let v = next_json(&mut ws).await;
    assert_eq!(v["e"], "trade");
    server.shutdown().await;
}

#[tokio::test]
async fn kline_closes_and_next_opens() {
    let (server, _sim) = BinanceSim::start_with(fast_config()).await.unwrap();
    let mut ws = connect(&server, "/ws/btcusdt@kline_1s").await;
    let closed = next_matching(&mut ws, |v| v["k"]["x"] == true).await;
    let k = &closed["k"];
    assert!(k["n"].as_i64().unwrap() >= 0);
    let high: f64 = k["h"].as_str().unwrap().parse().unwrap();
    let low: f64 = k["l"].as_str().unwrap().parse().unwrap();
    assert!(high >= low);
    let next = next_matching(&mut ws, |v| v["k"]["t"] != k["t"]).await;
    assert_eq!(
        next["k"]["t"].as_i64().unwrap(),
        k["T"].as_i64().unwrap() + 1,
        "the next candle opens right after the closed one"
    );
    server.shutdown().await;
}
