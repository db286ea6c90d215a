//! JSON-RPC framing, error codes, heartbeats, rate limits and response delays.

use std::time::Duration;

use super::common::*;
use futures::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tradewire_mock::deribit::{DeribitConfig, DeribitSim};

#[tokio::test]
async fn response_framing() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    let v = c.call("public/test", json!({})).await;
    assert_eq!(v["jsonrpc"], "2.0");
    assert_eq!(v["id"], 1);
    assert_eq!(v["result"]["version"], "1.2.26");
    assert_eq!(v["testnet"], true);
    let (us_in, us_out) = (v["usIn"].as_i64().unwrap(), v["usOut"].as_i64().unwrap());
    assert!(us_out >= us_in);
    assert_eq!(v["usDiff"].as_i64().unwrap(), us_out - us_in);

    let t = c.ok("public/get_time", json!({})).await.as_i64().unwrap();
    assert!((t - now_ms()).abs() < 60_000, "{t}");
    // String ids are echoed too.
    c.send_text(r#"{"jsonrpc":"2.0","id":"abc","method":"public/test","params":{}}"#)
        .await;
    let v = c.next_matching(|v| v["id"] == "abc").await;
    assert!(v["result"].is_object());
    assert_eq!(sim.requests_received("public/test"), 2);
    assert_eq!(sim.requests_received("public/get_time"), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn error_codes() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;

    c.send_text("{not json").await;
    let v = c.next_json().await;
    assert_error(&v, -32700, "Parse error");
    assert!(v["usIn"].is_i64());

    c.send_text(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#).await;
    assert_error(
        &c.next_matching(|v| v["id"] == 7).await,
        11050,
        "bad_request",
    );
    c.send_text(r#"{"jsonrpc":"1.0","id":8,"method":"public/test"}"#)
        .await;
    assert_error(
        &c.next_matching(|v| v["id"] == 8).await,
        11050,
        "bad_request",
    );

    let big = format!(
        r#"{{"jsonrpc":"2.0","id":9,"method":"public/test","params":{{"x":"{}"}}}}"#,
        "a".repeat(40_000)
    );
    c.send_text(&big).await;
    assert_error(&c.next_json().await, -32600, "request entity too large");

    let v = c.call("public/no_such_method", json!({})).await;
    assert_error(&v, -32601, "Method not found");

    let v = c.call("public/ticker", json!({})).await;
    assert_error(&v, -32602, "Invalid params");
    assert_eq!(v["error"]["data"]["param"], "instrument_name");

    let v = c
        .call(
            "public/ticker",
            json!({"instrument_name": "NOPE-PERPETUAL"}),
        )
        .await;
    assert_error(&v, 11029, "invalid_arguments");

    let v = c
        .call("private/get_account_summary", json!({"currency": "BTC"}))
        .await;
    assert_error(&v, 13009, "unauthorized");
    let v = c
        .call(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 10, "type": "market"}),
        )
        .await;
    assert_error(&v, 13009, "unauthorized");

    let v = c
        .call(
            "public/subscribe",
            json!({"channels": ["book.BTC-PERPETUAL.raw", "trades.BTC-PERPETUAL.100ms"]}),
        )
        .await;
    assert_error(
        &v,
        13778,
        "raw_subscriptions_not_available_for_unauthorized",
    );

    let v = c
        .call(
            "public/auth",
            json!({"grant_type": "client_credentials", "client_id": "fo7WAPRm4P", "client_secret": "wrong"}),
        )
        .await;
    assert_error(&v, 13004, "invalid_credentials");
    server.shutdown().await;
}

#[tokio::test]
async fn not_enough_funds() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    c.auth().await;
    // 10 BTC at 2 % margin covers about 30M USD at 60k; ask for far more.
    let v = c
        .call(
            "private/buy",
            json!({"instrument_name": "BTC-PERPETUAL", "amount": 100_000_000, "type": "limit", "price": 50000}),
        )
        .await;
    assert_error(&v, 10009, "not_enough_funds");
    server.shutdown().await;
}

#[tokio::test]
async fn too_many_requests() {
    let config = DeribitConfig {
        max_requests_per_second: 5,
        ..DeribitConfig::default()
    };
    let (server, _sim) = DeribitSim::start_with(config).await.unwrap();
    let mut c = connect(&server).await;
    let mut codes = Vec::new();
    for _ in 0..8 {
        let v = c.call("public/test", json!({})).await;
        codes.push(v["error"]["code"].as_i64().unwrap_or(0));
    }
    assert_eq!(&codes[..5], &[0; 5]);
    assert!(codes[5..].iter().all(|c| *c == 10028), "{codes:?}");
    let v = c.call("public/test", json!({})).await;
    assert_error(&v, 10028, "too_many_requests");
    server.shutdown().await;
}

fn fast_heartbeats() -> DeribitConfig {
    DeribitConfig {
        heartbeat_unit: Duration::from_millis(30),
        ..DeribitConfig::default()
    }
}

#[tokio::test]
async fn heartbeat_test_request_answered_keeps_connection() {
    let (server, sim) = DeribitSim::start_with(fast_heartbeats()).await.unwrap();
    let mut c = connect(&server).await;
    let v = c.call("public/set_heartbeat", json!({"interval": 5})).await;
    assert_error(&v, 11029, "invalid_arguments");
    assert_eq!(
        c.ok("public/set_heartbeat", json!({"interval": 10})).await,
        "ok"
    );
    for _ in 0..3 {
        let hb = c.next_matching(|v| v["method"] == "heartbeat").await;
        assert_eq!(
            hb,
            json!({"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}})
        );
        c.ok("public/test", json!({})).await;
    }
    assert_eq!(sim.connections(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn heartbeat_silence_closes_connection() {
    let (server, sim) = DeribitSim::start_with(fast_heartbeats()).await.unwrap();
    let mut c = connect(&server).await;
    c.ok("public/set_heartbeat", json!({"interval": 10})).await;
    c.next_matching(|v| v["method"] == "heartbeat").await;
    // No public/test: the next interval closes the connection.
    let closed = tokio::time::timeout(WAIT, async {
        loop {
            match c.ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "connection not closed");
    assert!(server.wait_until(WAIT, |_| sim.connections() == 0).await);
    server.shutdown().await;
}

#[tokio::test]
async fn delayed_response() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    sim.delay_next_response(Duration::from_millis(600));
    c.send_text(r#"{"jsonrpc":"2.0","id":1,"method":"public/test","params":{}}"#)
        .await;
    let early = tokio::time::timeout(Duration::from_millis(300), c.ws.next()).await;
    assert!(early.is_err(), "response came before the delay: {early:?}");
    let v = c.next_matching(|v| v["id"] == 1).await;
    assert!(v["result"].is_object());
    // Only the next response was delayed.
    let v = tokio::time::timeout(Duration::from_millis(300), c.call("public/test", json!({})))
        .await
        .unwrap();
    assert!(v["result"].is_object());
    server.shutdown().await;
}

#[tokio::test]
async fn drop_connections_cuts_clients() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let mut c = connect(&server).await;
    c.ok("public/test", json!({})).await;
    sim.drop_connections();
    let ended = tokio::time::timeout(WAIT, async {
        loop {
            match c.ws.next().await {
                None | Some(Err(_)) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(ended.is_ok());
    server.shutdown().await;
}
