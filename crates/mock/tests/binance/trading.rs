//! Signed REST endpoints (rest-api.md "SIGNED Endpoint security", "Trading endpoints",
//! "Account Endpoints") and the user data stream they feed (user-data-stream.md), received
//! through the WebSocket API's `userDataStream.subscribe.signature`.

use std::str::FromStr;

use super::common::*;
use serde_json::Value;
use tradewire_mock::MockServer;
use tradewire_mock::binance::{
    AccountConfig, BinanceSim, DOC_API_KEY, DOC_SECRET_KEY, Decimal, SimConfig,
};

const KEY: &str = DOC_API_KEY;
const SECRET: &str = DOC_SECRET_KEY;
const KEY_B: &str = "maker2key";
const SECRET_B: &str = "maker2secret";

fn config() -> SimConfig {
    let mut config = SimConfig::default();
    config.accounts.push(
        AccountConfig::hmac(KEY_B, SECRET_B)
            .with_balance("BTC", Decimal::new(10, 0))
            .with_balance("USDT", Decimal::ZERO),
    );
    config
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))).unwrap()
}

async fn account(server: &MockServer, key: &str, secret: &str) -> Value {
    let r = signed_call(server, "GET", "/api/v3/account", key, secret, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn balance(account: &Value, asset: &str) -> (Decimal, Decimal) {
    let b = account["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["asset"] == asset)
        .unwrap_or_else(|| panic!("no {asset} in {account}"));
    (dec(&b["free"]), dec(&b["locked"]))
}

/// A WebSocket API connection subscribed to `key`'s user data stream.
async fn user_stream(server: &MockServer, key: &str, secret: &str) -> Client {
    let mut ws = connect(server, "/ws-api/v3").await;
    // web-socket-api.md "Subscribe to User Data Stream through signature subscription".
    let payload = format!("apiKey={key}&timestamp={}", now_ms());
    let ts = payload.split("timestamp=").nth(1).unwrap().to_owned();
    let sig = hmac_hex(secret, &payload);
    send_text(
        &mut ws,
        &format!(
            r#"{{"id":"sub1","method":"userDataStream.subscribe.signature","params":{{"apiKey":"{key}","timestamp":{ts},"signature":"{sig}"}}}}"#
        ),
    )
    .await;
    let reply = next_json(&mut ws).await;
    assert_eq!(reply["id"], "sub1");
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["result"], serde_json::json!({"subscriptionId": 0}));
    ws
}

/// Next user data event of type `e` (unwrapped from `{"subscriptionId":..,"event":..}`).
async fn next_event(ws: &mut Client, e: &str) -> Value {
    let v = next_matching(ws, |v| v["event"]["e"] == e).await;
    assert_eq!(keys(&v), sorted(&["subscriptionId", "event"]));
    v["event"].clone()
}

#[tokio::test]
async fn documented_hmac_example() {
    // rest-api.md "SIGNED Endpoint Examples for POST /api/v3/order" — HMAC Keys, step 2.
    assert_eq!(
        hmac_hex(
            SECRET,
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        ),
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    );
}

#[tokio::test]
async fn signature_accept_and_reject() {
    let (server, _sim) = BinanceSim::start_with(config()).await.unwrap();
    let ok = signed_call(&server, "GET", "/api/v3/account", KEY, SECRET, "").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.header("X-MBX-USED-WEIGHT-1M").is_some());

    // Missing key: -2014.
    let params = format!("timestamp={}", now_ms());
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/account?{}", signed(SECRET, &params)),
        &[],
        "",
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (
            401,
            serde_json::json!({"code": -2014, "msg": "API-key format invalid."})
        )
    );
    // Unknown key: -2015.
    let r = signed_call(
        &server,
        "GET",
        "/api/v3/account",
        "someOtherKey",
        SECRET,
        "",
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (
            401,
            serde_json::json!({"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."})
        )
    );
    // Wrong secret: -1022.
    let r = signed_call(&server, "GET", "/api/v3/account", KEY, "wrong", "").await;
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            serde_json::json!({"code": -1022, "msg": "Signature for this request is not valid."})
        )
    );
    // Tampered query after signing: -1022.
    let params = format!("omitZeroBalances=false&timestamp={}", now_ms());
    let tampered =
        signed(SECRET, &params).replace("omitZeroBalances=false", "omitZeroBalances=true");
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/account?{tampered}"),
        &[("X-MBX-APIKEY", KEY)],
        "",
    )
    .await;
    assert_eq!(r.json()["code"], -1022);
    // Upper-case hex is accepted ("Signatures generated using HMAC are not case-sensitive").
    let params = format!("timestamp={}", now_ms());
    let upper = format!(
        "{params}&signature={}",
        hmac_hex(SECRET, &params).to_uppercase()
    );
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/account?{upper}"),
        &[("X-MBX-APIKEY", KEY)],
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Old timestamp: -1021.
    let params = format!("timestamp={}&recvWindow=1000", now_ms() - 10_000);
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/account?{}", signed(SECRET, &params)),
        &[("X-MBX-APIKEY", KEY)],
        "",
    )
    .await;
    assert_eq!(
        r.json(),
        serde_json::json!({"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."})
    );
    // Missing signature and missing timestamp: -1102.
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/account?timestamp={}", now_ms()),
        &[("X-MBX-APIKEY", KEY)],
        "",
    )
    .await;
    assert_eq!(r.json()["code"], -1102);
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/account?{}", signed(SECRET, "recvWindow=5000")),
        &[("X-MBX-APIKEY", KEY)],
        "",
    )
    .await;
    assert_eq!(
        r.json(),
        serde_json::json!({"code": -1102, "msg": "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."})
    );
    // Parameters in the body: payload = query string + body.
    let query = "symbol=BTCUSDT".to_owned();
    let body = format!("timestamp={}", now_ms());
    let sig = hmac_hex(SECRET, &format!("{query}{body}"));
    let r = http(
        &server,
        "GET",
        &format!("/api/v3/openOrders?{query}"),
        &[("X-MBX-APIKEY", KEY)],
        &format!("{body}&signature={sig}"),
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (200, "[]"));
    server.shutdown().await;
}

#[tokio::test]
async fn limit_order_lifecycle_with_user_stream() {
    let (server, sim) = BinanceSim::start_with(config()).await.unwrap();
    sim.pause_market();
    let mut ws = user_stream(&server, KEY, SECRET).await;
    let top = sim.book_top("BTCUSDT", 1).unwrap();
    let best_bid = Decimal::from_str(&top.bids[0].0).unwrap();
    let price = best_bid - Decimal::new(500, 0);
    let before = account(&server, KEY, SECRET).await;
    let (usdt_free, usdt_locked) = balance(&before, "USDT");
    assert_eq!(usdt_locked, Decimal::ZERO);

    // Place a resting LIMIT BUY.
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!(
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01000&price={price}&newClientOrderId=myOrder1"
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("X-MBX-ORDER-COUNT-10S"), Some("1"));
    assert_eq!(r.header("X-MBX-ORDER-COUNT-1D"), Some("1"));
    let placed = r.json();
    assert_eq!(placed["status"], "NEW");
    assert_eq!(placed["clientOrderId"], "myOrder1");
    assert_eq!(placed["orderListId"], -1);
    assert_eq!(placed["fills"], serde_json::json!([]));
    let order_id = placed["orderId"].as_i64().unwrap();

    // user-data-stream.md "Order Update": executionReport NEW.
    let ev = next_event(&mut ws, "executionReport").await;
    assert_eq!(ev["x"], "NEW");
    assert_eq!(ev["X"], "NEW");
    assert_eq!(ev["c"], "myOrder1");
    assert_eq!(ev["i"], order_id);
    assert_eq!(ev["S"], "BUY");
    assert_eq!(ev["o"], "LIMIT");
    assert_eq!(ev["w"], true);
    assert_eq!(dec(&ev["p"]), price);
    assert_eq!(dec(&ev["q"]), Decimal::new(1, 2));
    for k in [
        "e", "E", "s", "c", "S", "o", "f", "q", "p", "P", "F", "g", "C", "x", "X", "r", "i", "l",
        "z", "L", "n", "N", "T", "t", "I", "w", "m", "M", "O", "Z", "Y", "Q", "W", "V",
    ] {
        assert!(ev.get(k).is_some(), "executionReport lacks {k}: {ev}");
    }
    // "Account Update": funds locked.
    let pos = next_event(&mut ws, "outboundAccountPosition").await;
    let usdt = pos["B"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["a"] == "USDT")
        .unwrap()
        .clone();
    let locked = price * Decimal::new(1, 2);
    assert_eq!(dec(&usdt["l"]), locked);
    assert_eq!(dec(&usdt["f"]), usdt_free - locked);

    // The order is on the public book, open, and queryable.
    let book = sim.book_top("BTCUSDT", 10_000).unwrap();
    assert!(
        book.bids
            .iter()
            .any(|(p, _)| Decimal::from_str(p).unwrap() == price)
    );
    let open = signed_call(
        &server,
        "GET",
        "/api/v3/openOrders",
        KEY,
        SECRET,
        "symbol=BTCUSDT",
    )
    .await;
    let open = open.json();
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(open[0]["orderId"], order_id);
    let q = signed_call(
        &server,
        "GET",
        "/api/v3/order",
        KEY,
        SECRET,
        "symbol=BTCUSDT&origClientOrderId=myOrder1",
    )
    .await
    .json();
    assert_eq!(q["status"], "NEW");
    assert_eq!(q["isWorking"], true);

    // Duplicate client order id while open: -2010.
    let dup = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price={price}&newClientOrderId=myOrder1"),
    )
    .await;
    assert_eq!(
        dup.json(),
        serde_json::json!({"code": -2010, "msg": "Duplicate order sent."})
    );

    // Cancel.
    let c = signed_call(
        &server,
        "DELETE",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!("symbol=BTCUSDT&orderId={order_id}&newClientOrderId=cancelMyOrder1"),
    )
    .await;
    assert_eq!(c.status, 200, "{}", c.body);
    let c = c.json();
    assert_eq!(c["status"], "CANCELED");
    assert_eq!(c["origClientOrderId"], "myOrder1");
    assert_eq!(c["clientOrderId"], "cancelMyOrder1");
    let ev = next_event(&mut ws, "executionReport").await;
    assert_eq!(
        (ev["x"].as_str(), ev["X"].as_str()),
        (Some("CANCELED"), Some("CANCELED"))
    );
    assert_eq!(ev["C"], "myOrder1");
    assert_eq!(ev["c"], "cancelMyOrder1");
    let after = account(&server, KEY, SECRET).await;
    assert_eq!(balance(&after, "USDT"), (usdt_free, Decimal::ZERO));
    let book = sim.book_top("BTCUSDT", 10_000).unwrap();
    assert!(
        !book
            .bids
            .iter()
            .any(|(p, _)| Decimal::from_str(p).unwrap() == price)
    );

    // Cancelling again: -2011; querying an unknown order: -2013.
    let again = signed_call(
        &server,
        "DELETE",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!("symbol=BTCUSDT&orderId={order_id}"),
    )
    .await;
    assert_eq!(
        again.json(),
        serde_json::json!({"code": -2011, "msg": "Unknown order sent."})
    );
    let unknown = signed_call(
        &server,
        "GET",
        "/api/v3/order",
        KEY,
        SECRET,
        "symbol=BTCUSDT&orderId=999999",
    )
    .await;
    assert_eq!(
        unknown.json(),
        serde_json::json!({"code": -2013, "msg": "Order does not exist."})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn market_order_fills_and_balances() {
    let (server, sim) = BinanceSim::start_with(config()).await.unwrap();
    sim.pause_market();
    let mut ws = user_stream(&server, KEY, SECRET).await;
    let mut trades = connect(&server, "/ws/btcusdt@trade").await;
    wait_sim_connections(&sim, 2).await;
    let before = account(&server, KEY, SECRET).await;
    let (btc0, _) = balance(&before, "BTC");
    let (usdt0, _) = balance(&before, "USDT");

    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.5",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let o = r.json();
    assert_eq!(o["status"], "FILLED");
    assert_eq!(o["type"], "MARKET");
    assert_eq!(dec(&o["executedQty"]), Decimal::new(5, 1));
    let fills = o["fills"].as_array().unwrap();
    assert!(!fills.is_empty());
    let mut qty = Decimal::ZERO;
    let mut quote = Decimal::ZERO;
    let mut commission = Decimal::ZERO;
    for f in fills {
        assert_eq!(
            keys(f),
            sorted(&["price", "qty", "commission", "commissionAsset", "tradeId"])
        );
        assert_eq!(f["commissionAsset"], "BTC");
        qty += dec(&f["qty"]);
        quote += dec(&f["price"]) * dec(&f["qty"]);
        commission += dec(&f["commission"]);
    }
    assert_eq!(qty, Decimal::new(5, 1));
    assert_eq!(dec(&o["cummulativeQuoteQty"]), quote);
    // 0.1 % taker commission on the received BTC.
    assert_eq!(commission, Decimal::new(5, 4));

    // executionReport NEW, then TRADEs, the last one FILLED.
    let ev = next_event(&mut ws, "executionReport").await;
    assert_eq!(
        (ev["x"].as_str(), ev["X"].as_str()),
        (Some("NEW"), Some("NEW"))
    );
    let mut reported = Decimal::ZERO;
    for (i, f) in fills.iter().enumerate() {
        let ev = next_event(&mut ws, "executionReport").await;
        assert_eq!(ev["x"], "TRADE");
        assert_eq!(ev["t"], f["tradeId"]);
        assert_eq!(ev["m"], false);
        assert_eq!(ev["N"], "BTC");
        reported += dec(&ev["l"]);
        assert_eq!(dec(&ev["z"]), reported);
        let want = if i + 1 == fills.len() {
            "FILLED"
        } else {
            "PARTIALLY_FILLED"
        };
        assert_eq!(ev["X"], want);
    }
    let pos = next_event(&mut ws, "outboundAccountPosition").await;
    assert_eq!(keys(&pos), sorted(&["e", "E", "u", "B"]));

    // The public trade stream carries the same trades.
    let first_trade = next_json(&mut trades).await;
    assert_eq!(first_trade["t"], fills[0]["tradeId"]);
    assert_eq!(first_trade["m"], false, "buyer is the taker");

    // Balances.
    let after = account(&server, KEY, SECRET).await;
    assert_eq!(balance(&after, "BTC").0, btc0 + qty - commission);
    assert_eq!(balance(&after, "USDT").0, usdt0 - quote);
    assert_eq!(sim.balance(KEY, "USDT").unwrap().free, usdt0 - quote);

    // quoteOrderQty: sell BTC for about 100 USDT.
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        "symbol=BTCUSDT&side=SELL&type=MARKET&quoteOrderQty=100&newOrderRespType=RESULT",
    )
    .await;
    let o = r.json();
    assert_eq!(o["status"], "FILLED", "{o}");
    assert!(o.get("fills").is_none());
    assert_eq!(dec(&o["origQuoteOrderQty"]), Decimal::new(100, 0));
    assert!(dec(&o["cummulativeQuoteQty"]) <= Decimal::new(100, 0));
    assert!(dec(&o["cummulativeQuoteQty"]) > Decimal::new(99, 0));
    server.shutdown().await;
}

#[tokio::test]
async fn resting_order_filled_by_another_account() {
    let (server, sim) = BinanceSim::start_with(config()).await.unwrap();
    sim.pause_market();
    let mut ws = user_stream(&server, KEY, SECRET).await;
    let top = sim.book_top("BTCUSDT", 1).unwrap();
    let (best_bid, mm_qty) = (
        Decimal::from_str(&top.bids[0].0).unwrap(),
        Decimal::from_str(&top.bids[0].1).unwrap(),
    );
    // A joins the best bid, behind the market maker's quantity.
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!(
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.002&price={best_bid}"
        ),
    )
    .await;
    assert_eq!(r.json()["status"], "NEW", "{}", r.body);
    let order_id = r.json()["orderId"].clone();
    next_event(&mut ws, "executionReport").await;
    // B sells through the market maker's quantity and half of A's order.
    let sell = mm_qty + Decimal::new(1, 3);
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY_B,
        SECRET_B,
        &format!(
            "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=IOC&quantity={sell}&price={best_bid}"
        ),
    )
    .await;
    let o = r.json();
    assert_eq!(o["status"], "FILLED", "{o}");
    // A's maker fill.
    let ev = next_event(&mut ws, "executionReport").await;
    assert_eq!(ev["i"], order_id);
    assert_eq!(ev["x"], "TRADE");
    assert_eq!(ev["X"], "PARTIALLY_FILLED");
    assert_eq!(ev["m"], true);
    assert_eq!(dec(&ev["l"]), Decimal::new(1, 3));
    assert_eq!(dec(&ev["L"]), best_bid);
    let q = signed_call(
        &server,
        "GET",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!("symbol=BTCUSDT&orderId={order_id}"),
    )
    .await
    .json();
    assert_eq!(q["status"], "PARTIALLY_FILLED");
    assert_eq!(dec(&q["executedQty"]), Decimal::new(1, 3));
    // B received USDT minus commission.
    let b = account(&server, KEY_B, SECRET_B).await;
    let received = best_bid * sell;
    let fee = (received * Decimal::new(1, 3))
        .round_dp_with_strategy(8, rust_decimal::RoundingStrategy::ToZero);
    assert!(balance(&b, "USDT").0 > Decimal::ZERO);
    assert!(balance(&b, "USDT").0 <= received - fee + Decimal::new(1, 6));
    server.shutdown().await;
}

#[tokio::test]
async fn order_rejections() {
    let (server, sim) = BinanceSim::start_with(config()).await.unwrap();
    sim.pause_market();
    assert!(sim.last_price("BTCUSDT").is_some());
    let cases = [
        (
            "symbol=NOPE&side=BUY&type=MARKET&quantity=1",
            -1121,
            "Invalid symbol.",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=100",
            -1102,
            "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=MARKET",
            -1102,
            "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=100.001",
            -1013,
            "Filter failure: PRICE_FILTER",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.000001&price=50000",
            -1013,
            "Filter failure: LOT_SIZE",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.00001&price=100",
            -1013,
            "Filter failure: NOTIONAL",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=STOP_LOSS&quantity=1&stopPrice=1",
            -2010,
            "Stop loss orders are not supported for this symbol.",
        ),
        (
            "symbol=BTCUSDT&side=UP&type=MARKET&quantity=1",
            -1117,
            "Invalid side.",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=MOON&quantity=1",
            -1116,
            "Invalid orderType.",
        ),
        (
            "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=100",
            -2010,
            "Account has insufficient balance for requested action.",
        ),
    ];
    for (params, code, msg) in cases {
        let r = signed_call(&server, "POST", "/api/v3/order", KEY, SECRET, params).await;
        assert_eq!(r.status, 400, "{params}: {}", r.body);
        assert_eq!(
            r.json(),
            serde_json::json!({"code": code, "msg": msg}),
            "{params}"
        );
    }
    // LIMIT_MAKER that would cross.
    let ask = sim.book_top("BTCUSDT", 1).unwrap().asks[0].0.clone();
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!("symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.001&price={ask}"),
    )
    .await;
    assert_eq!(
        r.json(),
        serde_json::json!({"code": -2010, "msg": "Order would immediately match and take."})
    );
    // FOK that cannot fill: EXPIRED, nothing executed.
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order",
        KEY,
        SECRET,
        &format!("symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=FOK&quantity=0.9&price={ask}"),
    )
    .await;
    let o = r.json();
    assert_eq!(o["status"], "EXPIRED", "{o}");
    assert_eq!(o["expiryReason"], "UNFILLED_FOK_ORDER_EXPIRED");
    assert_eq!(dec(&o["executedQty"]), Decimal::ZERO);
    // Test order: validated, not placed.
    let r = signed_call(
        &server,
        "POST",
        "/api/v3/order/test",
        KEY,
        SECRET,
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001",
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    let open = signed_call(&server, "GET", "/api/v3/openOrders", KEY, SECRET, "").await;
    assert_eq!(open.body, "[]");
    server.shutdown().await;
}

#[tokio::test]
async fn deposit_pushes_balance_update() {
    let (server, sim) = BinanceSim::start_with(config()).await.unwrap();
    let mut ws = user_stream(&server, KEY, SECRET).await;
    assert!(sim.deposit(KEY, "ETH", Decimal::new(25, 1)));
    // user-data-stream.md "Balance Update".
    let ev = next_event(&mut ws, "balanceUpdate").await;
    assert_eq!(keys(&ev), sorted(&["e", "E", "a", "d", "T"]));
    assert_eq!(ev["a"], "ETH");
    assert_eq!(ev["d"], "2.50000000");
    let pos = next_event(&mut ws, "outboundAccountPosition").await;
    assert_eq!(pos["B"][0]["a"], "ETH");
    assert_eq!(pos["B"][0]["f"], "12.50000000");
    assert!(!sim.deposit("unknown", "ETH", Decimal::ONE));
    server.shutdown().await;
}
