//! `BinancePrivateWs` against the Binance simulator (`tradewire_mock::binance::BinanceSim`,
//! WebSocket API at `/ws-api/v3`) over real loopback sockets: Ed25519 session logon (verified
//! by the simulator) accepted and rejected, private requests refused before logon, the order
//! lifecycle on the user data stream (LIMIT → NEW → cancel → CANCELED; MARKET → TRADE/FILLED
//! and balances), reconnection with the logon replayed first and the user data subscription
//! restored, HMAC-signed requests, typed venue and rate-limit errors, and a request in flight
//! during a drop that fails with `ConnectionLost` and is never re-sent.
//!
//! Timeouts are safety nets only: no assertion depends on wall time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use base64::Engine as _;
use futures::StreamExt;
use tradewire_binance::private::websocket::{
    AccountStatusRequest, BinancePrivateWs, BinanceWsError, ExecutionReport, ExecutionType,
    OpenOrdersStatusRequest, OrderCancelRequest, OrderPlaceRequest, OrderStatusRequest,
    PrivateWsConfig, PrivateWsEvent, PrivateWsEvents, SessionState, UserDataEvent,
    WsApiCredentials,
};
use tradewire_core::{Decimal, OrderStatus, OrderType, Side, TimeInForce, Venue};
use tradewire_mock::binance::{AccountConfig, BinanceSim, DOC_API_KEY, DOC_SECRET_KEY, SimConfig};
use tradewire_mock::{Behaviour, MockFrame, MockServer};
use tradewire_rest::sign::Ed25519Signer;
use tradewire_websockets::{ReconnectPolicy, WebSocketConfig, WebSocketConnection};

/// Safety net for every wait.
const WAIT: Duration = Duration::from_secs(15);

const ED_KEY: &str = "edTestKey0123456789";
const ED_SEED: [u8; 32] = [11; 32];
const WRONG_SEED: [u8; 32] = [12; 32];

/// PKCS#8 (RFC 8410) PEM of an Ed25519 seed.
fn pem(seed: [u8; 32]) -> String {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The default simulator (HMAC account `DOC_API_KEY`) plus an Ed25519 account `ED_KEY` with
/// 10 000 USDT and 1 BTC.
fn sim_config() -> SimConfig {
    let public = Ed25519Signer::from_pkcs8_pem(&pem(ED_SEED))
        .unwrap()
        .public_key();
    let mut config = SimConfig::default();
    config.accounts.push(
        AccountConfig::ed25519(ED_KEY, public)
            .with_balance("USDT", Decimal::new(10_000, 0))
            .with_balance("BTC", Decimal::ONE),
    );
    config
}

async fn start(config: SimConfig) -> (MockServer, BinanceSim) {
    let (server, sim) = BinanceSim::start_with(config).await.unwrap();
    // Orders are placed far from the market; a frozen market keeps the book still.
    sim.pause_market();
    (server, sim)
}

fn ed_credentials(seed: [u8; 32]) -> WsApiCredentials {
    WsApiCredentials::ed25519_pem(ED_KEY, &pem(seed)).unwrap()
}

fn client_config(server: &MockServer, credentials: WsApiCredentials) -> PrivateWsConfig {
    PrivateWsConfig::new(credentials)
        .url(format!("{}/ws-api/v3", server.url()))
        .request_timeout(WAIT)
        .websocket(WebSocketConfig::new("").reconnect(ReconnectPolicy {
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            ..ReconnectPolicy::default()
        }))
}

fn client(
    server: &MockServer,
    credentials: WsApiCredentials,
) -> (BinancePrivateWs, PrivateWsEvents) {
    BinancePrivateWs::new(client_config(server, credentials)).unwrap()
}

async fn connected(
    server: &MockServer,
    credentials: WsApiCredentials,
) -> (BinancePrivateWs, PrivateWsEvents) {
    let (client, events) = client(server, credentials);
    tokio::time::timeout(WAIT, client.connect())
        .await
        .expect("connect timed out")
        .expect("connect failed");
    (client, events)
}

async fn next_event(
    events: &mut PrivateWsEvents,
    mut pred: impl FnMut(&PrivateWsEvent) -> bool,
) -> PrivateWsEvent {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.next().await.expect("event stream ended");
            if pred(&event) {
                return event;
            }
        }
    })
    .await
    .expect("timed out waiting for an event")
}

/// The next `executionReport` of order `id` with execution type `exec`.
async fn next_report(
    events: &mut PrivateWsEvents,
    id: &str,
    exec: ExecutionType,
) -> (Option<u64>, ExecutionReport) {
    let event = next_event(events, |e| {
        matches!(
            e,
            PrivateWsEvent::UserData { event: UserDataEvent::ExecutionReport(r), .. }
                if r.order.id == id && r.execution_type == exec
        )
    })
    .await;
    match event {
        PrivateWsEvent::UserData {
            subscription_id,
            event: UserDataEvent::ExecutionReport(r),
        } => (subscription_id, *r),
        other => panic!("{other:?}"),
    }
}

/// Text frames the simulator received on WebSocket API connections, as (connection, JSON).
fn received_api(server: &MockServer) -> Vec<(usize, serde_json::Value)> {
    server
        .received()
        .into_iter()
        .filter(|r| r.path.starts_with("/ws-api/v3"))
        .filter_map(|r| match r.frame {
            MockFrame::Text(t) => Some((r.conn, serde_json::from_str(&t).unwrap())),
            MockFrame::Binary(_) => None,
        })
        .collect()
}

fn count_method(server: &MockServer, method: &str) -> usize {
    received_api(server)
        .iter()
        .filter(|(_, v)| v["method"] == method)
        .count()
}

fn far_limit_buy(client_id: &str) -> OrderPlaceRequest {
    // BTCUSDT starts at 60 000: a bid at 30 000 rests.
    OrderPlaceRequest::limit(
        "BTCUSDT",
        Side::Buy,
        dec("0.00100"),
        dec("30000.00"),
        TimeInForce::Gtc,
    )
    .client_order_id(client_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ed25519_logon_is_accepted_and_a_wrong_key_is_rejected() {
    let (server, _sim) = start(sim_config()).await;

    // The right key: the simulator verifies the Ed25519 signature of `session.logon`.
    let (good, mut events) = connected(&server, ed_credentials(ED_SEED)).await;
    let info = good.session_info();
    assert_eq!(info.state, SessionState::LoggedOn);
    assert_eq!((info.connections, info.logons), (1, 1));
    next_event(&mut events, |e| matches!(e, PrivateWsEvent::Connected)).await;
    let PrivateWsEvent::LoggedOn(status) =
        next_event(&mut events, |e| matches!(e, PrivateWsEvent::LoggedOn(_))).await
    else {
        unreachable!()
    };
    assert_eq!(
        status.api_key.as_ref().map(|k| k.expose_secret()),
        Some(ED_KEY)
    );
    assert!(status.authorized_since.is_some());
    // The logon was the connection's first frame, with a sequential id.
    let frames = received_api(&server);
    assert_eq!(frames[0].1["method"], "session.logon");
    assert_eq!(frames[0].1["id"], 1);
    assert_eq!(frames[0].1["params"]["apiKey"], ED_KEY);
    // Requests go through the session: no apiKey, no signature.
    let account = good
        .account_status(&AccountStatusRequest::default())
        .await
        .unwrap();
    let usdt = account
        .to_balances()
        .into_iter()
        .find(|b| b.asset == "USDT")
        .unwrap();
    assert_eq!((usdt.venue, usdt.free), (Venue::Binance, dec("10000")));
    let status_frame = received_api(&server)
        .into_iter()
        .find(|(_, v)| v["method"] == "account.status")
        .unwrap()
        .1;
    assert_eq!(status_frame["id"], 2);
    assert!(status_frame["params"].get("apiKey").is_none());
    assert!(status_frame["params"].get("signature").is_none());
    assert!(status_frame["params"]["timestamp"].is_i64());

    // A key the account does not have: -1022 from the simulator, typed.
    let (bad, _bad_events) = client(&server, ed_credentials(WRONG_SEED));
    let err = tokio::time::timeout(WAIT, bad.connect())
        .await
        .expect("connect timed out")
        .unwrap_err();
    assert_eq!(
        err,
        BinanceWsError::LogonRejected {
            status: 400,
            code: -1022,
            msg: "Signature for this request is not valid.".into()
        }
    );
    assert!(matches!(
        bad.session_info().state,
        SessionState::LogonRejected { code: -1022, .. }
    ));

    // Nothing secret in Debug output.
    let shown = format!(
        "{good:?} {bad:?} {err:?} {:?} {:?} {status:?}",
        client_config(&server, ed_credentials(ED_SEED)),
        ed_credentials(ED_SEED)
    );
    let pem_body = pem(ED_SEED);
    assert!(!shown.contains(ED_KEY), "{shown}");
    assert!(!shown.contains(&pem_body[28..70]), "{shown}");
    good.disconnect().await;
    bad.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_requests_before_logon_are_refused_without_sending() {
    let (server, sim) = start(sim_config()).await;
    let order = far_limit_buy("never-sent");

    // Not connected at all.
    let (idle, _events) = client(&server, ed_credentials(ED_SEED));
    let err = idle.place_order(&order).await.unwrap_err();
    assert_eq!(err, BinanceWsError::NotLoggedOn(SessionState::Idle));
    assert_eq!(idle.connection().metrics().messages_sent, 0);

    // Connected, but the logon was refused: the socket is up, still nothing is sent.
    let (rejected, _events) = client(&server, ed_credentials(WRONG_SEED));
    assert!(rejected.connect().await.is_err());
    let sent = rejected.connection().metrics().messages_sent;
    assert_eq!(sent, 1, "only the logon");
    for result in [
        rejected.place_order(&order).await.map(|_| ()),
        rejected
            .cancel_order(&OrderCancelRequest::by_order_id("BTCUSDT", 1))
            .await
            .map(|_| ()),
        rejected
            .account_status(&AccountStatusRequest::default())
            .await
            .map(|_| ()),
        rejected.subscribe_user_data().await.map(|_| ()),
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(
                err,
                BinanceWsError::NotLoggedOn(SessionState::LogonRejected { code: -1022, .. })
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("nothing was sent"));
    }
    assert_eq!(rejected.connection().metrics().messages_sent, sent);
    assert_eq!(rejected.pending_requests(), 0);
    assert_eq!(count_method(&server, "order.place"), 0);
    assert_eq!(sim.balance(ED_KEY, "USDT").unwrap().locked, Decimal::ZERO);
    rejected.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_requests_while_the_logon_is_pending_are_refused_without_sending() {
    let (server, _sim) = start(sim_config()).await;
    // Connections accepted from now on are never read: the logon stays unanswered.
    server.set_behaviour(Behaviour {
        echo: false,
        stall: true,
        ..Behaviour::default()
    });
    let (client, _events) = client(&server, ed_credentials(ED_SEED));
    tokio::time::timeout(WAIT, client.connection().connect())
        .await
        .expect("transport connect timed out")
        .unwrap();
    tokio::time::timeout(WAIT, async {
        while client.connection().metrics().messages_sent == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("logon never written");
    assert_eq!(client.session_info().state, SessionState::LoggingOn);
    let err = client
        .place_order(&far_limit_buy("too-early"))
        .await
        .unwrap_err();
    assert_eq!(err, BinanceWsError::NotLoggedOn(SessionState::LoggingOn));
    assert_eq!(
        client.connection().metrics().messages_sent,
        1,
        "only the logon"
    );
    assert_eq!(client.pending_requests(), 0);

    // Once the simulator answers the logon, requests go through.
    server.set_behaviour(Behaviour {
        echo: false,
        ..Behaviour::default()
    });
    let info = tokio::time::timeout(
        WAIT,
        client.wait_session(|s| s.state == SessionState::LoggedOn),
    )
    .await
    .expect("never logged on");
    assert_eq!((info.connections, info.logons), (1, 1));
    let placed = client.place_order(&far_limit_buy("in-time")).await.unwrap();
    assert_eq!(placed.to_order().unwrap().status, OrderStatus::Open);
    let methods: Vec<_> = received_api(&server)
        .into_iter()
        .map(|(_, v)| v["method"].clone())
        .collect();
    assert_eq!(methods, ["session.logon", "order.place"]);
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_order_new_then_cancelled_on_the_user_data_stream() {
    let (server, sim) = start(sim_config()).await;
    let (client, mut events) = connected(&server, ed_credentials(ED_SEED)).await;
    let sub = client.subscribe_user_data().await.unwrap();
    assert_eq!(
        client.session_info().subscription_id,
        Some(sub.subscription_id)
    );

    let placed = client
        .place_order(&far_limit_buy("tw-limit-1"))
        .await
        .unwrap();
    let order = placed.to_order().unwrap();
    assert_eq!(order.status, OrderStatus::Open);
    assert_eq!(order.client_id.as_deref(), Some("tw-limit-1"));

    // executionReport NEW → Order{status: open}.
    let (sub_id, new) = next_report(&mut events, &order.id, ExecutionType::New).await;
    assert_eq!(sub_id, Some(sub.subscription_id));
    let o = &new.order;
    assert_eq!(o.venue, Venue::Binance);
    assert_eq!(o.venue_symbol, "BTCUSDT");
    assert_eq!(o.symbol.as_ref().unwrap().to_string(), "BTC/USDT");
    assert_eq!(o.status, OrderStatus::Open);
    assert_eq!(o.side, Side::Buy);
    assert_eq!(o.order_type, OrderType::Limit);
    assert_eq!(o.price, Some(dec("30000.00")));
    assert_eq!(o.amount, dec("0.00100"));
    assert_eq!(o.filled, Decimal::ZERO);
    assert_eq!(o.client_id.as_deref(), Some("tw-limit-1"));
    assert_eq!(new.time_in_force, Some(TimeInForce::Gtc));
    assert!(new.is_working);
    // The funds are locked: outboundAccountPosition.
    let position = next_event(&mut events, |e| {
        matches!(e.user_data(), Some(UserDataEvent::AccountPosition(_)))
    })
    .await;
    let usdt = position
        .user_data()
        .and_then(UserDataEvent::balances)
        .unwrap()
        .iter()
        .find(|b| b.asset == "USDT")
        .unwrap()
        .clone();
    assert_eq!(usdt.locked, dec("30"));
    assert_eq!(usdt.free + usdt.locked, usdt.total);

    let open = client
        .open_orders(&OpenOrdersStatusRequest::symbol("BTCUSDT"))
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].to_order().unwrap().id, order.id);

    // Cancel → executionReport CANCELED → Order{status: cancelled}.
    let cancelled = client
        .cancel_order(&OrderCancelRequest::by_order_id(
            "BTCUSDT",
            order.id.parse().unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(cancelled.to_order().unwrap().status, OrderStatus::Cancelled);
    let (_, report) = next_report(&mut events, &order.id, ExecutionType::Canceled).await;
    assert_eq!(report.order.status, OrderStatus::Cancelled);
    assert_eq!(report.order.client_id.as_deref(), Some("tw-limit-1"));
    assert!(!report.is_working);
    assert_eq!(sim.balance(ED_KEY, "USDT").unwrap().locked, Decimal::ZERO);

    let queried = client
        .order_status(&OrderStatusRequest::by_client_order_id(
            "BTCUSDT",
            "tw-limit-1",
        ))
        .await
        .unwrap();
    assert_eq!(queried.to_order().unwrap().status, OrderStatus::Cancelled);
    assert!(
        client
            .open_orders(&OpenOrdersStatusRequest::all())
            .await
            .unwrap()
            .is_empty()
    );
    // Cancelling again: -2011 "Unknown order sent.", typed.
    let err = client
        .cancel_order(&OrderCancelRequest::by_order_id(
            "BTCUSDT",
            order.id.parse().unwrap(),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BinanceWsError::Api {
                status: 400,
                code: -2011,
                ..
            }
        ),
        "{err:?}"
    );
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn market_order_fills_with_trade_reports_and_balances() {
    let (server, sim) = start(sim_config()).await;
    let (client, mut events) = connected(&server, ed_credentials(ED_SEED)).await;
    client.subscribe_user_data().await.unwrap();

    let placed = client
        .place_order(&OrderPlaceRequest::market(
            "BTCUSDT",
            Side::Buy,
            dec("0.00100"),
        ))
        .await
        .unwrap();
    let order = placed.to_order().unwrap();
    assert_eq!(order.status, OrderStatus::Filled);
    assert_eq!(order.order_type, OrderType::Market);
    assert_eq!(order.filled, dec("0.00100"));
    assert!(!placed.fills.is_empty());
    assert!(order.avg_price.is_some());

    let (_, new) = next_report(&mut events, &order.id, ExecutionType::New).await;
    assert_eq!(new.order.status, OrderStatus::Open);
    assert_eq!(new.order.price, None, "market orders have no price");
    // TRADE reports until FILLED.
    let mut filled = Decimal::ZERO;
    loop {
        let (_, trade) = next_report(&mut events, &order.id, ExecutionType::Trade).await;
        filled += trade.last_executed_qty;
        assert!(trade.trade_id.is_some());
        assert_eq!(trade.order.filled, filled);
        if trade.order.status == OrderStatus::Filled {
            assert_eq!(trade.order.filled, dec("0.00100"));
            assert!(trade.order.avg_price.is_some());
            break;
        }
        assert_eq!(trade.order.status, OrderStatus::PartiallyFilled);
    }
    // Then the balances.
    let event = next_event(&mut events, |e| {
        matches!(e.user_data(), Some(UserDataEvent::AccountPosition(_)))
    })
    .await;
    let balances = event.user_data().and_then(UserDataEvent::balances).unwrap();
    let btc = balances.iter().find(|b| b.asset == "BTC").unwrap();
    let usdt = balances.iter().find(|b| b.asset == "USDT").unwrap();
    let sim_btc = sim.balance(ED_KEY, "BTC").unwrap();
    let sim_usdt = sim.balance(ED_KEY, "USDT").unwrap();
    assert_eq!((btc.free, btc.locked), (sim_btc.free, sim_btc.locked));
    assert_eq!((usdt.free, usdt.locked), (sim_usdt.free, sim_usdt.locked));
    assert!(btc.free > Decimal::ONE, "bought BTC (minus commission)");
    assert!(usdt.free < dec("10000"));
    // account.status agrees.
    let account = client
        .account_status(&AccountStatusRequest::default())
        .await
        .unwrap();
    let btc_now = account
        .to_balances()
        .into_iter()
        .find(|b| b.asset == "BTC")
        .unwrap();
    assert_eq!(btc_now.free, sim_btc.free);

    // A deposit: balanceUpdate.
    assert!(sim.deposit(ED_KEY, "USDT", dec("5")));
    let event = next_event(&mut events, |e| {
        matches!(e.user_data(), Some(UserDataEvent::BalanceUpdate(_)))
    })
    .await;
    let Some(UserDataEvent::BalanceUpdate(delta)) = event.user_data() else {
        unreachable!()
    };
    assert_eq!((delta.asset.as_str(), delta.delta), ("USDT", dec("5")));
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_replays_logon_first_and_restores_the_user_data_stream() {
    let (server, sim) = start(sim_config()).await;
    let (client, mut events) = connected(&server, ed_credentials(ED_SEED)).await;
    client.subscribe_user_data().await.unwrap();
    let first_conn = received_api(&server)[0].0;

    sim.drop_connections();
    // The session comes back by itself: logged on again and re-subscribed.
    let info = tokio::time::timeout(
        WAIT,
        client.wait_session(|s| s.logons >= 2 && s.subscription_id.is_some()),
    )
    .await
    .expect("session not restored");
    assert_eq!(info.state, SessionState::LoggedOn);
    assert_eq!(info.connections, 2);
    assert!(info.user_data);

    // On the new connection the logon came first, then the subscription.
    let frames: Vec<_> = received_api(&server)
        .into_iter()
        .filter(|(c, _)| *c != first_conn)
        .collect();
    let methods: Vec<_> = frames.iter().map(|(_, v)| v["method"].clone()).collect();
    assert_eq!(methods[..2], ["session.logon", "userDataStream.subscribe"]);
    // Ids stay sequential across the reconnect: 1 logon, 2 subscribe, 3 logon, 4 subscribe.
    assert_eq!(frames[0].1["id"], 3);
    assert_eq!(frames[1].1["id"], 4);

    // The event stream told the story in order.
    next_event(&mut events, |e| {
        matches!(e, PrivateWsEvent::Disconnected { .. })
    })
    .await;
    next_event(&mut events, |e| matches!(e, PrivateWsEvent::Connected)).await;
    next_event(&mut events, |e| matches!(e, PrivateWsEvent::LoggedOn(_))).await;
    let PrivateWsEvent::UserDataSubscribed { subscription_id } = next_event(&mut events, |e| {
        matches!(e, PrivateWsEvent::UserDataSubscribed { .. })
    })
    .await
    else {
        unreachable!()
    };

    // A later order still produces events, on the new subscription.
    let placed = client
        .place_order(&far_limit_buy("after-reconnect"))
        .await
        .unwrap();
    let id = placed.to_order().unwrap().id;
    let (sub, report) = next_report(&mut events, &id, ExecutionType::New).await;
    assert_eq!(sub, Some(subscription_id));
    assert_eq!(report.order.status, OrderStatus::Open);
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hmac_signs_every_request() {
    let (server, sim) = start(SimConfig::default()).await;
    let credentials = WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY);
    let (client, mut events) = connected(&server, credentials).await;
    assert_eq!(client.session_info().state, SessionState::SignedRequests);

    let account = client
        .account_status(&AccountStatusRequest::default())
        .await
        .unwrap();
    assert!(
        account
            .to_balances()
            .iter()
            .any(|b| b.asset == "BTC" && b.free == Decimal::ONE)
    );
    // HMAC: userDataStream.subscribe.signature.
    let sub = client.subscribe_user_data().await.unwrap();
    let placed = client.place_order(&far_limit_buy("hmac-1")).await.unwrap();
    let id = placed.to_order().unwrap().id;
    let (sub_id, report) = next_report(&mut events, &id, ExecutionType::New).await;
    assert_eq!(sub_id, Some(sub.subscription_id));
    assert_eq!(report.order.client_id.as_deref(), Some("hmac-1"));
    assert_eq!(sim.balance(DOC_API_KEY, "USDT").unwrap().locked, dec("30"));

    // Every private frame carried apiKey, timestamp and a hex signature (which the simulator
    // verified); no session.logon was sent.
    let frames = received_api(&server);
    assert_eq!(count_method(&server, "session.logon"), 0);
    for method in [
        "account.status",
        "userDataStream.subscribe.signature",
        "order.place",
    ] {
        let (_, v) = frames.iter().find(|(_, v)| v["method"] == method).unwrap();
        assert_eq!(v["params"]["apiKey"], DOC_API_KEY, "{method}");
        assert!(v["params"]["timestamp"].is_i64(), "{method}");
        let sig = v["params"]["signature"].as_str().unwrap();
        assert_eq!(sig.len(), 64, "{method}");
        assert!(sig.chars().all(|c| c.is_ascii_hexdigit()), "{method}");
    }
    let ids: Vec<_> = frames
        .iter()
        .map(|(_, v)| v["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3]);

    // Reconnect: re-subscribed by signature, events keep coming.
    sim.drop_connections();
    tokio::time::timeout(
        WAIT,
        client.wait_session(|s| s.connections >= 2 && s.subscription_id.is_some()),
    )
    .await
    .expect("not re-subscribed");
    assert_eq!(
        count_method(&server, "userDataStream.subscribe.signature"),
        2
    );
    let placed = client.place_order(&far_limit_buy("hmac-2")).await.unwrap();
    let id = placed.to_order().unwrap().id;
    next_report(&mut events, &id, ExecutionType::New).await;

    let shown = format!(
        "{client:?} {:?}",
        WsApiCredentials::hmac(DOC_API_KEY, DOC_SECRET_KEY)
    );
    assert!(
        !shown.contains(DOC_API_KEY) && !shown.contains(DOC_SECRET_KEY),
        "{shown}"
    );
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insufficient_balance_is_a_typed_error() {
    let (server, sim) = start(sim_config()).await;
    let (client, _events) = connected(&server, ed_credentials(ED_SEED)).await;
    // 1 BTC at 30 000 needs 30 000 USDT; the account has 10 000.
    let err = client
        .place_order(&OrderPlaceRequest::limit(
            "BTCUSDT",
            Side::Buy,
            Decimal::ONE,
            dec("30000.00"),
            TimeInForce::Gtc,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        BinanceWsError::Api {
            status: 400,
            code: -2010,
            msg: "Account has insufficient balance for requested action.".into()
        }
    );
    assert_eq!(err.code(), Some(-2010));
    assert!(!err.execution_unknown());
    let core: tradewire_core::Error = err.into();
    assert!(matches!(core, tradewire_core::Error::Venue { ref code, .. } if code == "-2010"));
    assert_eq!(sim.balance(ED_KEY, "USDT").unwrap().locked, Decimal::ZERO);
    // An invalid request is refused before sending.
    let before = client.connection().metrics().messages_sent;
    let err = client
        .place_order(
            &OrderPlaceRequest::market("BTCUSDT", Side::Buy, dec("0.001")).client_order_id(""),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, BinanceWsError::InvalidRequest(_)), "{err:?}");
    assert_eq!(client.connection().metrics().messages_sent, before);
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_statuses_are_typed_with_retry_after() {
    // A weight budget of 15 per minute: connecting (2) and logging on (2) fit, account.status
    // (20) does not.
    let config = SimConfig {
        weight_limit_per_minute: 15,
        ..sim_config()
    };
    let (server, _sim) = start(config).await;
    let (client, _events) = connected(&server, ed_credentials(ED_SEED)).await;
    let mut saw_429 = false;
    let mut saw_418 = false;
    for _ in 0..12 {
        let err = client
            .account_status(&AccountStatusRequest::default())
            .await
            .unwrap_err();
        let BinanceWsError::RateLimited {
            status,
            code,
            retry_after,
            server_time,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*code, -1003);
        let (retry_after, server_time) = (retry_after.unwrap(), server_time.unwrap());
        assert!(retry_after > server_time);
        assert!(err.retry_after().is_some());
        match status {
            429 => saw_429 = true,
            418 => {
                saw_418 = true;
                break;
            }
            other => panic!("status {other}"),
        }
    }
    assert!(saw_429 && saw_418, "429 first, then the ban (418)");
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_in_flight_during_a_drop_fails_and_is_never_resent() {
    let (server, sim) = start(sim_config()).await;
    let (client, _events) = connected(&server, ed_credentials(ED_SEED)).await;
    let first_conn = received_api(&server)[0].0;

    // Freeze the simulator's side of the connection, so that the request is written to the
    // socket but (usually) never read. The mock applies `stall` asynchronously, so it may
    // still read the request first and only hold back the response: both cases are checked
    // below, and in both the request must fail and never be sent again.
    server.set_behaviour(Behaviour {
        echo: false,
        stall: true,
        ..Behaviour::default()
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let sent_before = client.connection().metrics().messages_sent;
    let in_flight = {
        let client = client.clone();
        tokio::spawn(async move { client.place_order(&far_limit_buy("in-flight")).await })
    };
    // Wait until it is pending and written.
    tokio::time::timeout(WAIT, async {
        while client.pending_requests() == 0
            || client.connection().metrics().messages_sent == sent_before
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("request never sent");

    sim.drop_connections();
    let err = tokio::time::timeout(WAIT, in_flight)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, BinanceWsError::ConnectionLost { .. }),
        "{err:?}"
    );
    assert!(err.execution_unknown());
    // The old connection is gone: let the simulator read again (the new connection too).
    server.set_behaviour(Behaviour {
        echo: false,
        ..Behaviour::default()
    });

    // Back: logged on again on the new connection.
    let info = tokio::time::timeout(WAIT, client.wait_session(|s| s.logons >= 2))
        .await
        .expect("no logon after the reconnect");
    assert_eq!(info.connections, 2);
    // A request made now is answered after anything queued before it on the new connection.
    let open = client
        .open_orders(&OpenOrdersStatusRequest::all())
        .await
        .unwrap();
    let placements: Vec<usize> = received_api(&server)
        .into_iter()
        .filter(|(_, v)| v["method"] == "order.place")
        .map(|(conn, _)| conn)
        .collect();
    // Never re-sent: at most the one copy written on the old connection reached the
    // simulator, and the simulator holds exactly as many orders as it received.
    assert!(
        placements.iter().all(|c| *c == first_conn),
        "{placements:?}"
    );
    assert!(placements.len() <= 1, "{placements:?}");
    assert_eq!(open.len(), placements.len(), "{open:?}");
    let locked = sim.balance(ED_KEY, "USDT").unwrap().locked;
    assert_eq!(locked, Decimal::from(30 * placements.len() as i64));
    assert_eq!(client.pending_requests(), 0);
    client.disconnect().await;
    server.shutdown().await;
}
