//! Integration tests against the Deribit simulator (`tradewire_mock::deribit::DeribitSim`)
//! over real sockets on 127.0.0.1.

// Test helpers outside #[test] functions may fail loudly.
#![allow(clippy::expect_used)]

use std::time::Duration;

use futures::StreamExt;
use tradewire_core::{Credentials, Decimal};
use tradewire_deribit::private::websocket::buy::OrderParams;
use tradewire_deribit::private::websocket::edit::EditParams;
use tradewire_deribit::private::websocket::subscribe::user_orders_channel;
use tradewire_deribit::public::websocket::subscribe::book_channel;
use tradewire_deribit::{
    AuthStatus, DeribitConfig, DeribitEvent, DeribitEvents, DeribitMessage, DeribitPrivateClient,
    DeribitPublicClient, Error, ErrorCode, Grant, ResyncCause,
};
use tradewire_mock::MockServer;
use tradewire_mock::deribit::{self as sim, DOC_CLIENT_ID, DOC_CLIENT_SECRET, DeribitSim, WS_PATH};
use tradewire_websockets::ReconnectPolicy;
use tradewire_websockets::rpc::RpcError;

const WAIT: Duration = Duration::from_secs(10);

fn config(server: &MockServer) -> DeribitConfig {
    let ws = tradewire_websockets::WebSocketConfig::new("").reconnect(ReconnectPolicy {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        ..ReconnectPolicy::default()
    });
    DeribitConfig::new(format!("{}{}", server.url(), WS_PATH)).ws(ws)
}

fn creds() -> Credentials {
    Credentials::new(DOC_CLIENT_ID, DOC_CLIENT_SECRET)
}

async fn next_matching(
    events: &mut DeribitEvents,
    mut pred: impl FnMut(&DeribitEvent) -> bool,
) -> DeribitEvent {
    tokio::time::timeout(WAIT, async {
        loop {
            let e = events.next().await.expect("stream ended");
            if pred(&e) {
                return e;
            }
        }
    })
    .await
    .expect("event not seen in time")
}

async fn wait_for(mut cond: impl FnMut() -> bool) {
    tokio::time::timeout(WAIT, async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("condition not met in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_with_both_grants_and_typed_errors() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    for grant in [Grant::ClientCredentials, Grant::ClientSignature] {
        let (client, _events) = DeribitPrivateClient::new(config(&server), creds(), grant).unwrap();
        client.connect().await.unwrap();
        assert_eq!(client.auth_status(), AuthStatus::Authenticated);
        let summary = client.get_account_summary("BTC").await.unwrap();
        assert_eq!(summary.currency, "BTC");
        // Unknown instrument: 11029 invalid_arguments, typed.
        let e = client.get_position("NOPE-PERPETUAL").await.unwrap_err();
        assert_eq!(e.venue_code(), Some(ErrorCode::InvalidArguments), "{e}");
        client.disconnect().await;
    }
    assert_eq!(sim.requests_received("public/auth"), 2);

    // Wrong secret: 13004 invalid_credentials; private calls are refused locally.
    let bad = Credentials::new(DOC_CLIENT_ID, "wrong");
    let (client, _events) =
        DeribitPrivateClient::new(config(&server), bad, Grant::ClientCredentials).unwrap();
    let e = client.connect().await.unwrap_err();
    assert_eq!(e.venue_code(), Some(ErrorCode::InvalidCredentials));
    let before = sim.requests_received("private/get_positions");
    assert!(client.get_positions(&Default::default()).await.is_err());
    assert_eq!(sim.requests_received("private/get_positions"), before);
    // Secrets never in Debug.
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(DOC_CLIENT_SECRET), "{dbg}");
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_call_before_auth_is_an_error_not_a_request() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let (client, _events) =
        DeribitPrivateClient::new(config(&server), creds(), Grant::ClientSignature).unwrap();
    let e = client.get_account_summary("BTC").await.unwrap_err();
    assert!(matches!(e, Error::NotAuthenticated(_)), "{e}");
    assert_eq!(sim.requests_received("private/get_account_summary"), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_refresh() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let (client, _events) =
        DeribitPrivateClient::new(config(&server), creds(), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    client.refresh_token().await.unwrap();
    assert_eq!(sim.requests_received("public/auth"), 2);
    assert_eq!(client.auth_status(), AuthStatus::Authenticated);
    client.get_positions(&Default::default()).await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_lifecycle_with_user_orders() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let (client, mut events) =
        DeribitPrivateClient::new(config(&server), creds(), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    let channel = user_orders_channel("BTC-PERPETUAL", "raw");
    client
        .subscribe(std::slice::from_ref(&channel))
        .await
        .unwrap();

    let placed = client
        .buy(&OrderParams {
            instrument_name: "BTC-PERPETUAL".into(),
            amount: Some(Decimal::from(100)),
            order_type: Some("limit".into()),
            price: Some(Decimal::from(30_000)),
            label: Some("tw-1".into()),
            ..OrderParams::default()
        })
        .await
        .unwrap();
    let id = placed.order.order_id.clone();
    assert_eq!(placed.order.order_state, "open");
    let seen = next_matching(&mut events, |e| {
        matches!(e, DeribitEvent::Message(DeribitMessage::UserOrders(o)) if o.orders.iter().any(|o| o.order_id == id))
    })
    .await;
    let DeribitEvent::Message(m) = seen else {
        unreachable!()
    };
    let orders = m.market_events();
    assert!(!orders.is_empty());

    let edited = client
        .edit(&EditParams {
            order_id: id.clone(),
            amount: Some(Decimal::from(200)),
            price: Some(Decimal::from(30_500)),
            ..EditParams::default()
        })
        .await
        .unwrap();
    assert_eq!(edited.order.amount, Decimal::from(200));
    let cancelled = client.cancel(&id).await.unwrap();
    assert_eq!(cancelled.order_state, "cancelled");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_reauthenticates_then_resubscribes() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let (client, mut events) =
        DeribitPrivateClient::new(config(&server), creds(), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    let channel = user_orders_channel("BTC-PERPETUAL", "raw");
    client
        .subscribe(std::slice::from_ref(&channel))
        .await
        .unwrap();
    assert_eq!(sim.requests_received("public/auth"), 1);

    sim.drop_connections();
    next_matching(&mut events, |e| {
        matches!(e, DeribitEvent::Reconnecting { .. })
    })
    .await;
    next_matching(&mut events, |e| matches!(e, DeribitEvent::Connected)).await;
    client.wait_authenticated().await.unwrap();
    wait_for(|| sim.requests_received("private/subscribe") >= 2).await;
    assert_eq!(sim.requests_received("public/auth"), 2);
    wait_for(|| sim.subscriptions().iter().any(|s| s.contains(&channel))).await;
    // Private calls work again on the new connection.
    client.get_open_orders_by_currency(&tradewire_deribit::private::websocket::get_open_orders_by_currency::GetOpenOrdersByCurrencyParams { currency: "BTC".into(), kind: None }).await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_request_fails_on_drop_and_is_not_resent() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let (client, _events) = DeribitPublicClient::new(config(&server)).unwrap();
    client.connect().await.unwrap();
    // The connection-level set_heartbeat must not be the request that gets delayed.
    wait_for(|| sim.requests_received("public/set_heartbeat") == 1).await;
    sim.delay_next_response(Duration::from_secs(3));
    let c = client.clone();
    let pending = tokio::spawn(async move { c.get_time().await });
    wait_for(|| sim.requests_received("public/get_time") == 1).await;
    sim.drop_connections();
    let r = tokio::time::timeout(WAIT, pending).await.unwrap().unwrap();
    assert!(
        matches!(r, Err(Error::Rpc(RpcError::ConnectionLost { .. }))),
        "{r:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.requests_received("public/get_time"), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_timeout() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let (client, _events) =
        DeribitPublicClient::new(config(&server).request_timeout(Duration::from_millis(200)))
            .unwrap();
    client.connect().await.unwrap();
    // The connection-level set_heartbeat must not be the request that gets delayed.
    wait_for(|| sim.requests_received("public/set_heartbeat") == 1).await;
    sim.delay_next_response(Duration::from_secs(2));
    let r = client.get_time().await;
    assert!(
        matches!(r, Err(Error::Rpc(RpcError::Timeout { .. }))),
        "{r:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_test_requests_are_answered() {
    let cfg = sim::DeribitConfig {
        heartbeat_unit: Duration::from_millis(20),
        ..sim::DeribitConfig::default()
    };
    let (server, sim) = DeribitSim::start_with(cfg).await.unwrap();
    let (client, _events) = DeribitPublicClient::new(config(&server).heartbeat(Some(10))).unwrap();
    client.connect().await.unwrap();
    wait_for(|| sim.requests_received("public/set_heartbeat") == 1).await;
    wait_for(|| sim.requests_received("public/test") >= 2).await;
    assert!(client.connection().health().is_connected);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_gap_triggers_resync_with_fresh_snapshot() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let (client, mut events) = DeribitPublicClient::new(config(&server)).unwrap();
    client.connect().await.unwrap();
    let channel = book_channel("BTC-PERPETUAL", "100ms");
    client
        .subscribe(std::slice::from_ref(&channel))
        .await
        .unwrap();
    next_matching(
        &mut events,
        |e| matches!(e, DeribitEvent::Message(DeribitMessage::Book(b)) if b.update.is_snapshot()),
    )
    .await;
    assert!(sim.skip_change_id("BTC-PERPETUAL"));
    next_matching(&mut events, |e| {
        matches!(e, DeribitEvent::BookResync { .. })
    })
    .await;
    next_matching(
        &mut events,
        |e| matches!(e, DeribitEvent::Message(DeribitMessage::Book(b)) if b.update.is_snapshot()),
    )
    .await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_and_wait_authenticated_time_out() {
    let (server, sim) = DeribitSim::start().await.unwrap();
    let timeout = Duration::from_millis(300);
    // The auth response is held back longer than the bound: a typed timeout.
    sim.delay_next_response(Duration::from_secs(2));
    let (client, _events) = DeribitPrivateClient::new(
        config(&server).connect_timeout(timeout),
        creds(),
        Grant::ClientSignature,
    )
    .unwrap();
    let e = client.connect().await.unwrap_err();
    assert_eq!(
        e,
        Error::Timeout {
            operation: "connect",
            after: timeout
        }
    );
    client.disconnect().await;

    // wait_authenticated alone: the connection is up, the auth answer late.
    sim.delay_next_response(Duration::from_millis(900));
    let (client, _events) = DeribitPrivateClient::new(
        config(&server).connect_timeout(timeout),
        creds(),
        Grant::ClientSignature,
    )
    .unwrap();
    tradewire_websockets::WebSocketConnection::connect(client.connection())
        .await
        .unwrap();
    let e = client.wait_authenticated().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                operation: "authentication",
                ..
            }
        ),
        "{e}"
    );
    // The answer arrives later; waiting again succeeds.
    tokio::time::sleep(Duration::from_secs(1)).await;
    client.wait_authenticated().await.unwrap();
    assert_eq!(client.auth_status(), AuthStatus::Authenticated);
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_refreshed_in_the_background_until_the_client_is_dropped() {
    let cfg = sim::DeribitConfig {
        token_ttl: Duration::from_secs(1),
        ..sim::DeribitConfig::default()
    };
    let (server, sim) = DeribitSim::start_with(cfg).await.unwrap();
    let (client, events) =
        DeribitPrivateClient::new(config(&server), creds(), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    assert_eq!(sim.requests_received("public/auth"), 1);
    // No private call is made: only the background task refreshes (at ~0.9 s of each 1 s
    // token), so after 2.5 s there were at least two refreshes.
    wait_for(|| sim.requests_received("public/auth") >= 3).await;
    assert_eq!(client.auth_status(), AuthStatus::Authenticated);
    // The token is still valid for private calls.
    client.get_positions(&Default::default()).await.unwrap();

    // Dropped: the task ends (a refresh in flight at the drop may still complete).
    let clone = client.clone();
    drop(client);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        sim.requests_received("public/auth") >= 4,
        "clone keeps it alive"
    );
    drop(clone);
    drop(events);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after_drop = sim.requests_received("public/auth");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sim.requests_received("public/auth"), after_drop);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lagged_events_trigger_a_book_resync() {
    let cfg = sim::DeribitConfig {
        tick_rate: 50,
        ..sim::DeribitConfig::default()
    };
    let (server, _sim) = DeribitSim::start_with(cfg).await.unwrap();
    let mut config = config(&server);
    config.notification_buffer = 4;
    let (client, mut events) = DeribitPublicClient::new(config).unwrap();
    client.connect().await.unwrap();
    let channel = book_channel("BTC-PERPETUAL", "100ms");
    client
        .subscribe(&[
            channel.clone(),
            "trades.BTC-PERPETUAL.100ms".into(),
            "ticker.BTC-PERPETUAL.100ms".into(),
        ])
        .await
        .unwrap();
    next_matching(
        &mut events,
        |e| matches!(e, DeribitEvent::Message(DeribitMessage::Book(b)) if b.update.is_snapshot()),
    )
    .await;
    // A consumer that stops reading: notifications are dropped and reported.
    tokio::time::sleep(Duration::from_millis(800)).await;
    next_matching(&mut events, |e| {
        matches!(
            e,
            DeribitEvent::Error(tradewire_websockets::WsError::Lagged { .. })
        )
    })
    .await;
    let resync = events.next().await.expect("stream ended");
    match resync {
        DeribitEvent::BookResync {
            channel: c,
            cause: ResyncCause::Lagged { dropped },
        } => {
            assert_eq!(c, channel);
            assert!(dropped > 0);
        }
        other => panic!("expected a resync, got {other:?}"),
    }
    // The next book message is a fresh snapshot (deltas before it are dropped).
    let first_book = next_matching(&mut events, |e| {
        matches!(e, DeribitEvent::Message(DeribitMessage::Book(_)))
    })
    .await;
    assert!(
        matches!(&first_book, DeribitEvent::Message(DeribitMessage::Book(b)) if b.update.is_snapshot()),
        "{first_book:?}"
    );
    server.shutdown().await;
}
