//! The WebSocket API at `/ws-api/v3` (web-socket-api.md): framing, rate limits, Ed25519
//! session logon, trading through the session, and the user data stream subscription.

use super::common::*;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use tradewire_mock::binance::{
    AccountConfig, BinanceSim, DOC_API_KEY, DOC_SECRET_KEY, Decimal, SimConfig,
};

const ED_KEY: &str = "edKey1";

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn config() -> SimConfig {
    let mut config = SimConfig::default();
    config.accounts.push(
        AccountConfig::ed25519(ED_KEY, signing_key().verifying_key().to_bytes())
            .with_balance("USDT", Decimal::new(50_000, 0))
            .with_balance("BTC", Decimal::new(2, 0)),
    );
    config
}

/// `params` plus `signature`: Ed25519 over the alphabetically sorted `name=value` pairs,
/// base64 (web-socket-api.md "SIGNED Request Example (Ed25519)").
fn ed_sign(params: &Value) -> Value {
    let obj = params.as_object().unwrap();
    let mut names: Vec<&String> = obj.keys().collect();
    names.sort();
    let payload = names
        .iter()
        .map(|k| {
            let v = &obj[k.as_str()];
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&");
    let sig = base64::engine::general_purpose::STANDARD
        .encode(signing_key().sign(payload.as_bytes()).to_bytes());
    let mut out = params.clone();
    out["signature"] = json!(sig);
    out
}

async fn request(ws: &mut Client, id: Value, method: &str, params: Option<Value>) -> Value {
    let mut req = json!({"id": id, "method": method});
    if let Some(p) = params {
        req["params"] = p;
    }
    send_text(ws, &req.to_string()).await;
    next_matching(ws, |v| v.get("status").is_some() && v["id"] == id).await
}

async fn logon(ws: &mut Client) -> Value {
    let params = ed_sign(&json!({"apiKey": ED_KEY, "timestamp": now_ms()}));
    request(ws, json!("logon-1"), "session.logon", Some(params)).await
}

#[tokio::test]
async fn public_requests_and_rate_limits() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let mut ws = connect(&server, "/ws-api/v3").await;
    // web-socket-api.md "Response format".
    let r = request(&mut ws, json!(1), "time", None).await;
    assert_eq!(keys(&r), sorted(&["id", "status", "result", "rateLimits"]));
    assert_eq!(r["status"], 200);
    assert!(r["result"]["serverTime"].as_i64().unwrap() > 0);
    let limits = r["rateLimits"].as_array().unwrap();
    assert_eq!(limits.len(), 1);
    assert_eq!(
        keys(&limits[0]),
        sorted(&["rateLimitType", "interval", "intervalNum", "limit", "count"])
    );
    assert_eq!(limits[0]["rateLimitType"], "REQUEST_WEIGHT");
    let count = limits[0]["count"].as_u64().unwrap();

    let r = request(&mut ws, json!("x"), "v3/ping", None).await;
    assert_eq!(r["result"], json!({}));
    assert_eq!(r["rateLimits"][0]["count"].as_u64().unwrap(), count + 1);

    let r = request(
        &mut ws,
        json!(null),
        "depth",
        Some(json!({"symbol": "BNBBTC", "limit": 5})),
    )
    .await;
    assert_eq!(r["id"], Value::Null);
    assert_eq!(r["result"]["bids"].as_array().unwrap().len(), 5);

    let r = request(
        &mut ws,
        json!(3),
        "klines",
        Some(json!({"symbol": "BTCUSDT", "interval": "1d", "limit": 3})),
    )
    .await;
    assert_eq!(r["result"].as_array().unwrap().len(), 3);

    // Errors: `{"id":..,"status":400,"error":{"code":..,"msg":..},"rateLimits":[..]}`.
    let r = request(&mut ws, json!(4), "depth", Some(json!({"symbol": "NOPE"}))).await;
    assert_eq!(r["status"], 400);
    assert_eq!(r["error"], json!({"code": -1121, "msg": "Invalid symbol."}));
    assert!(r["rateLimits"].is_array());
    let r = request(&mut ws, json!(5), "no.such.method", None).await;
    assert_eq!(r["status"], 400);
    assert!(r["error"]["code"].as_i64().unwrap() < 0);
    // returnRateLimits=false hides them.
    let r = request(
        &mut ws,
        json!(6),
        "ping",
        Some(json!({"returnRateLimits": false})),
    )
    .await;
    assert_eq!(keys(&r), sorted(&["id", "status", "result"]));
    // Invalid JSON.
    send_text(&mut ws, "{nope").await;
    let r = next_json(&mut ws).await;
    assert_eq!(r["id"], Value::Null);
    assert_eq!(r["status"], 400);
    server.shutdown().await;
}

#[tokio::test]
async fn rate_limits_hidden_by_url() {
    let (server, _sim) = BinanceSim::start().await.unwrap();
    let mut ws = connect(&server, "/ws-api/v3?returnRateLimits=false").await;
    let r = request(&mut ws, json!(1), "ping", None).await;
    assert!(r.get("rateLimits").is_none());
    let r = request(
        &mut ws,
        json!(2),
        "ping",
        Some(json!({"returnRateLimits": true})),
    )
    .await;
    assert!(r.get("rateLimits").is_some());
    server.shutdown().await;
}

#[tokio::test]
async fn session_logon_ed25519() {
    let (server, _sim) = BinanceSim::start_with(config()).await.unwrap();
    let mut ws = connect(&server, "/ws-api/v3").await;
    let status = request(&mut ws, json!(1), "session.status", None).await;
    assert_eq!(status["result"]["apiKey"], Value::Null);

    // Bad signature: -1022.
    let mut bad = ed_sign(&json!({"apiKey": ED_KEY, "timestamp": now_ms()}));
    bad["timestamp"] = json!(now_ms() + 1);
    let r = request(&mut ws, json!(2), "session.logon", Some(bad)).await;
    assert_eq!(r["status"], 400);
    assert_eq!(
        r["error"],
        json!({"code": -1022, "msg": "Signature for this request is not valid."})
    );

    // web-socket-api.md "Log in with API key (SIGNED)" — Response.
    let r = logon(&mut ws).await;
    assert_eq!(r["status"], 200, "{r}");
    let res = &r["result"];
    assert_eq!(
        keys(res),
        sorted(&[
            "apiKey",
            "authorizedSince",
            "connectedSince",
            "returnRateLimits",
            "serverTime",
            "userDataStream"
        ])
    );
    assert_eq!(res["apiKey"], ED_KEY);
    assert_eq!(res["userDataStream"], false);

    // HMAC keys cannot log on.
    let mut ws2 = connect(&server, "/ws-api/v3").await;
    let ts = now_ms();
    let payload = format!("apiKey={DOC_API_KEY}&timestamp={ts}");
    let params = json!({"apiKey": DOC_API_KEY, "timestamp": ts, "signature": hmac_hex(DOC_SECRET_KEY, &payload)});
    let r = request(&mut ws2, json!(1), "session.logon", Some(params)).await;
    assert_ne!(r["status"], 200);
    server.shutdown().await;
}

#[tokio::test]
async fn trading_through_the_session_with_user_stream() {
    let (server, sim) = BinanceSim::start_with(config()).await.unwrap();
    sim.pause_market();
    let mut ws = connect(&server, "/ws-api/v3").await;
    // userDataStream.subscribe needs a logged-on session.
    let r = request(&mut ws, json!(1), "userDataStream.subscribe", None).await;
    assert_ne!(r["status"], 200);
    assert_eq!(logon(&mut ws).await["status"], 200);
    let r = request(&mut ws, json!(2), "userDataStream.subscribe", None).await;
    assert_eq!(r["result"], json!({"subscriptionId": 0}));
    let r = request(&mut ws, json!(3), "userDataStream.subscribe", None).await;
    assert_eq!(
        r["error"],
        json!({"code": -2035, "msg": "User Data Stream subscription already active."})
    );
    let r = request(&mut ws, json!(4), "session.subscriptions", None).await;
    assert_eq!(r["result"], json!([{"subscriptionId": 0}]));
    let r = request(&mut ws, json!(5), "session.status", None).await;
    assert_eq!(r["result"]["userDataStream"], true);

    // order.place without apiKey/signature: the session's key is used; timestamp required.
    let r = request(
        &mut ws,
        json!("o1"),
        "order.place",
        Some(json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.01"})),
    )
    .await;
    assert_eq!(r["error"]["code"], -1102, "{r}");
    let r = request(
        &mut ws,
        json!("o2"),
        "order.place",
        Some(json!({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.01", "timestamp": now_ms()})),
    )
    .await;
    assert_eq!(r["status"], 200, "{r}");
    assert_eq!(r["result"]["status"], "FILLED");
    // ORDERS limits appear next to REQUEST_WEIGHT.
    let types: Vec<&str> = r["rateLimits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rateLimitType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ORDERS", "ORDERS", "REQUEST_WEIGHT"]);
    let order_id = r["result"]["orderId"].clone();
    // User data events on this connection: {"subscriptionId":0,"event":{..}}.
    let ev = next_matching(&mut ws, |v| v["event"]["e"] == "executionReport").await;
    assert_eq!(ev["subscriptionId"], 0);
    assert_eq!(ev["event"]["x"], "NEW");
    let ev = next_matching(&mut ws, |v| v["event"]["X"] == "FILLED").await;
    assert_eq!(ev["event"]["i"], order_id);
    next_matching(&mut ws, |v| v["event"]["e"] == "outboundAccountPosition").await;

    // order.status, openOrders.status, account.status.
    let r = request(
        &mut ws,
        json!(6),
        "order.status",
        Some(json!({"symbol": "BTCUSDT", "orderId": order_id, "timestamp": now_ms()})),
    )
    .await;
    assert_eq!(r["result"]["status"], "FILLED");
    let bid = sim.book_top("BTCUSDT", 1).unwrap().bids[0].0.clone();
    let low: Decimal = bid.parse::<Decimal>().unwrap() - Decimal::new(1_000, 0);
    let r = request(
        &mut ws,
        json!(7),
        "order.place",
        Some(json!({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
            "quantity": "0.01", "price": low.to_string(), "newOrderRespType": "ACK", "timestamp": now_ms()})),
    )
    .await;
    assert_eq!(
        keys(&r["result"]),
        sorted(&[
            "symbol",
            "orderId",
            "orderListId",
            "clientOrderId",
            "transactTime"
        ])
    );
    let resting = r["result"]["orderId"].clone();
    let r = request(
        &mut ws,
        json!(8),
        "openOrders.status",
        Some(json!({"timestamp": now_ms()})),
    )
    .await;
    assert_eq!(r["result"].as_array().unwrap().len(), 1);
    assert_eq!(r["result"][0]["orderId"], resting);
    let r = request(
        &mut ws,
        json!(9),
        "account.status",
        Some(json!({"timestamp": now_ms(), "omitZeroBalances": true})),
    )
    .await;
    let usdt = r["result"]["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["asset"] == "USDT")
        .unwrap()
        .clone();
    assert_ne!(usdt["locked"], "0.00000000");
    let r = request(
        &mut ws,
        json!(10),
        "order.cancel",
        Some(json!({"symbol": "BTCUSDT", "orderId": resting, "timestamp": now_ms()})),
    )
    .await;
    assert_eq!(r["result"]["status"], "CANCELED");
    next_matching(&mut ws, |v| v["event"]["x"] == "CANCELED").await;

    // An explicitly signed request works on any connection.
    let mut other = connect(&server, "/ws-api/v3").await;
    let params = ed_sign(&json!({"apiKey": ED_KEY, "timestamp": now_ms()}));
    let r = request(&mut other, json!(1), "account.status", Some(params)).await;
    assert_eq!(r["status"], 200, "{r}");

    // session.logout ends the logon subscription: eventStreamTerminated.
    let r = request(&mut ws, json!(11), "session.logout", None).await;
    assert_eq!(r["result"]["apiKey"], Value::Null);
    let ev = next_matching(&mut ws, |v| v["event"]["e"] == "eventStreamTerminated").await;
    assert_eq!(ev["subscriptionId"], 0);
    let r = request(&mut ws, json!(12), "session.status", None).await;
    assert_eq!(r["result"]["userDataStream"], false);
    server.shutdown().await;
}

#[tokio::test]
async fn unsubscribe_signature_subscriptions() {
    let (server, _sim) = BinanceSim::start_with(config()).await.unwrap();
    let mut ws = connect(&server, "/ws-api/v3").await;
    let params = ed_sign(&json!({"apiKey": ED_KEY, "timestamp": now_ms()}));
    let r = request(
        &mut ws,
        json!(1),
        "userDataStream.subscribe.signature",
        Some(params),
    )
    .await;
    assert_eq!(r["result"], json!({"subscriptionId": 0}));
    let r = request(
        &mut ws,
        json!(2),
        "userDataStream.unsubscribe",
        Some(json!({"subscriptionId": 0})),
    )
    .await;
    assert_eq!(r["result"], json!({}));
    let r = request(&mut ws, json!(3), "userDataStream.unsubscribe", None).await;
    assert_eq!(
        r["error"],
        json!({"code": -2036, "msg": "User Data Stream subscription not active."})
    );
    server.shutdown().await;
}
