//! Every Deribit error code the crate names surfaces typed through the client APIs, unknown
//! codes are kept with message and data, and no credential or token reaches the logs or
//! `Debug` output. Against `tradewire_mock::deribit::DeribitSim` over real sockets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use tradewire_core::{Credentials, Decimal};
use tradewire_deribit::private::websocket::buy::OrderParams;
use tradewire_deribit::public::websocket::subscribe::book_channel;
use tradewire_deribit::{
    AuthResult, AuthStatus, DeribitConfig, DeribitEvent, DeribitEvents, DeribitMessage,
    DeribitPrivateClient, DeribitPublicClient, Error, ErrorCode, Grant, Response,
};
use tradewire_mock::MockServer;
use tradewire_mock::deribit::{AccountConfig, DeribitConfig as SimConfig, DeribitSim, WS_PATH};
use tradewire_websockets::ReconnectPolicy;
use tradewire_websockets::rpc::jsonrpc;

const WAIT: Duration = Duration::from_secs(10);
const CLIENT_ID: &str = "tw-errors-client";
/// Distinctive, so any leak is unambiguous.
const SECRET: &str = "SENTINEL-secret-7f3a9c1e5b";
const WRONG_SECRET: &str = "WRONG-sentinel-4d2b8e6f0a";
/// Ids for raw requests: below `CONNECTION_ID_BASE` (not swallowed by the protocol) and far
/// above the client's sequential request ids (never pending: the response reaches the event
/// stream as a late response).
const RAW_ID: u64 = 1 << 40;

fn sim_config(btc: Decimal) -> SimConfig {
    SimConfig {
        accounts: vec![AccountConfig::new(CLIENT_ID, SECRET).with_balance("BTC", btc)],
        ..SimConfig::default()
    }
}

fn config(server: &MockServer) -> DeribitConfig {
    let ws = tradewire_websockets::WebSocketConfig::new("").reconnect(ReconnectPolicy {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        ..ReconnectPolicy::default()
    });
    DeribitConfig::new(format!("{}{}", server.url(), WS_PATH)).ws(ws)
}

fn creds(secret: &str) -> Credentials {
    Credentials::new(CLIENT_ID, secret)
}

fn limit_buy(amount: Option<i64>, price: Decimal) -> OrderParams {
    OrderParams {
        instrument_name: "BTC-PERPETUAL".into(),
        amount: amount.map(Decimal::from),
        order_type: Some("limit".into()),
        price: Some(price),
        ..OrderParams::default()
    }
}

fn venue(e: &Error) -> &tradewire_deribit::DeribitError {
    match e {
        Error::Venue(v) => v,
        other => panic!("expected a venue error, got {other:?}"),
    }
}

/// Sends `method` through the client's connection (the crate has no public "call any
/// method" API) and returns the response, read from the event stream.
async fn raw(
    conn: &tradewire_websockets::Connection<DeribitMessage>,
    events: &mut DeribitEvents,
    id: u64,
    method: &str,
    params: Value,
) -> Response {
    conn.send_frame_once(jsonrpc::request(id, method, &params).unwrap())
        .unwrap();
    tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await.expect("stream ended") {
                DeribitEvent::Message(DeribitMessage::Response(r)) if r.id == Some(id) => {
                    return r;
                }
                _ => {}
            }
        }
    })
    .await
    .expect("no response in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_enough_funds_is_typed() {
    let (server, sim) = DeribitSim::start_with(sim_config(Decimal::new(1, 3)))
        .await
        .unwrap();
    let (client, _events) =
        DeribitPrivateClient::new(config(&server), creds(SECRET), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    // 0.001 BTC cannot margin a 10M USD order at 50 000.
    let e = client
        .buy(&limit_buy(Some(10_000_000), Decimal::from(50_000)))
        .await
        .unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::NotEnoughFunds, "{e}");
    assert_eq!(v.message, "not_enough_funds");
    assert_eq!(e.venue_code(), Some(ErrorCode::NotEnoughFunds));
    assert_eq!(sim.requests_received("private/buy"), 1);
    assert!(sim.orders(CLIENT_ID).is_empty());
    // A small order on the same account goes through: the error was about the funds.
    client
        .buy(&limit_buy(Some(10), Decimal::from(30_000)))
        .await
        .unwrap();
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_is_typed() {
    let cfg = SimConfig {
        max_requests_per_second: 2,
        ..SimConfig::default()
    };
    let (server, sim) = DeribitSim::start_with(cfg).await.unwrap();
    // No heartbeat request on connect; no local limiter, so the server's limit is reached.
    let mut c = config(&server).heartbeat(None);
    c.enforce_rate_limits = false;
    let (client, _events) = DeribitPublicClient::new(c).unwrap();
    client.connect().await.unwrap();
    let results = futures::future::join_all((0..8).map(|_| client.get_time())).await;
    assert_eq!(sim.requests_received("public/get_time"), 8);
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let limited: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(ok >= 1, "{results:?}");
    assert!(!limited.is_empty(), "no request was limited: {results:?}");
    for e in &limited {
        let v = venue(e);
        assert_eq!(v.code, ErrorCode::TooManyRequests, "{e}");
        assert_eq!(v.message, "too_many_requests");
    }
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_arguments_is_typed_with_data() {
    let (server, _sim) = DeribitSim::start_with(sim_config(Decimal::from(10)))
        .await
        .unwrap();
    let (client, _events) =
        DeribitPrivateClient::new(config(&server), creds(SECRET), Grant::ClientCredentials)
            .unwrap();
    client.connect().await.unwrap();

    let e = client
        .buy(&limit_buy(Some(-10), Decimal::from(30_000)))
        .await
        .unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::InvalidArguments, "{e}");
    assert_eq!(v.message, "invalid_arguments");
    assert_eq!(
        v.data.as_ref().and_then(|d| d.get("param")),
        Some(&json!("amount")),
        "{v:?}"
    );

    let mut bad = limit_buy(Some(10), Decimal::from(30_000));
    bad.instrument_name = "NOPE-PERPETUAL".into();
    let e = client.buy(&bad).await.unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::InvalidArguments, "{e}");
    assert_eq!(
        v.data.as_ref().and_then(|d| d.get("param")),
        Some(&json!("instrument_name")),
        "{v:?}"
    );
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_credentials_is_typed_for_both_grants() {
    let (server, sim) = DeribitSim::start_with(sim_config(Decimal::from(10)))
        .await
        .unwrap();
    for grant in [Grant::ClientCredentials, Grant::ClientSignature] {
        let (client, _events) =
            DeribitPrivateClient::new(config(&server), creds(WRONG_SECRET), grant).unwrap();
        let e = client.connect().await.unwrap_err();
        let v = venue(&e);
        assert_eq!(v.code, ErrorCode::InvalidCredentials, "{grant:?}: {e}");
        assert_eq!(v.message, "invalid_credentials");
        match client.auth_status() {
            AuthStatus::Failed(f) => assert_eq!(f.code, ErrorCode::InvalidCredentials),
            other => panic!("{grant:?}: {other:?}"),
        }
        // A private call afterwards carries the same typed error and is not sent.
        let before = sim.requests_received("private/get_positions");
        let e = client.get_positions(&Default::default()).await.unwrap_err();
        assert_eq!(e.venue_code(), Some(ErrorCode::InvalidCredentials), "{e}");
        assert_eq!(sim.requests_received("private/get_positions"), before);
        client.disconnect().await;
    }
    assert_eq!(sim.requests_received("public/auth"), 2);
    server.shutdown().await;
}

/// `DeribitPrivateClient` refuses private methods locally before authentication
/// (`Error::NotAuthenticated`, nothing sent), so 13009 is reached by sending the private
/// method through the public client's connection and decoding the response with the crate's
/// own `Response::result`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_is_typed() {
    let (server, sim) = DeribitSim::start_with(sim_config(Decimal::from(10)))
        .await
        .unwrap();

    // The private client's local refusal.
    let (private, _pe) =
        DeribitPrivateClient::new(config(&server), creds(SECRET), Grant::ClientSignature).unwrap();
    let e = private
        .get_positions(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotAuthenticated(_)), "{e:?}");
    assert_eq!(sim.requests_received("private/get_positions"), 0);

    // The server's 13009, through the public client.
    let (client, mut events) = DeribitPublicClient::new(config(&server)).unwrap();
    client.connect().await.unwrap();
    let r = raw(
        client.connection(),
        &mut events,
        RAW_ID,
        "private/get_positions",
        json!({"currency": "BTC"}),
    )
    .await;
    assert_eq!(sim.requests_received("private/get_positions"), 1);
    let e = r.result::<Value>().unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::Unauthorized, "{e}");
    assert_eq!(v.message, "unauthorized");
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_subscription_without_auth_is_typed() {
    let (server, _sim) = DeribitSim::start().await.unwrap();
    let (client, _events) = DeribitPublicClient::new(config(&server)).unwrap();
    client.connect().await.unwrap();
    let raw_channel = book_channel("BTC-PERPETUAL", "raw");
    let e = client
        .subscribe(std::slice::from_ref(&raw_channel))
        .await
        .unwrap_err();
    let v = venue(&e);
    assert_eq!(
        v.code,
        ErrorCode::RawSubscriptionsNotAvailableForUnauthorized,
        "{e}"
    );
    assert_eq!(
        v.message,
        "raw_subscriptions_not_available_for_unauthorized"
    );
    assert!(client.subscriptions().is_empty(), "refused channel tracked");
    // The aggregated interval is fine without auth.
    let ok = book_channel("BTC-PERPETUAL", "100ms");
    assert_eq!(
        client.subscribe(std::slice::from_ref(&ok)).await.unwrap(),
        vec![ok]
    );
    client.disconnect().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_codes_keep_code_message_and_data() {
    let (server, _sim) = DeribitSim::start_with(sim_config(Decimal::from(10)))
        .await
        .unwrap();
    let (client, mut events) =
        DeribitPrivateClient::new(config(&server), creds(SECRET), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();

    // -32602 with data, through the client API: buy without an amount.
    let e = client
        .buy(&limit_buy(None, Decimal::from(30_000)))
        .await
        .unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::Other(-32602), "{e}");
    assert_eq!(v.code.code(), -32602);
    assert_eq!(v.message, "Invalid params");
    assert_eq!(
        v.data,
        Some(json!({"param": "amount", "reason": "is required"}))
    );

    // 10043 price_wrong_tick (not named by the crate), through the client API.
    let e = client
        .buy(&limit_buy(Some(10), Decimal::new(300_003, 1)))
        .await
        .unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::Other(10043), "{e}");
    assert_eq!(v.message, "price_wrong_tick");
    assert_eq!(v.data, None);

    // -32601 method not found: no client method can send an unknown method.
    let r = raw(
        client.connection(),
        &mut events,
        RAW_ID,
        "public/no_such_method",
        json!({}),
    )
    .await;
    let e = r.result::<Value>().unwrap_err();
    let v = venue(&e);
    assert_eq!(v.code, ErrorCode::Other(-32601), "{e}");
    assert_eq!(v.message, "Method not found");
    assert!(e.to_string().contains("-32601"), "{e}");
    client.disconnect().await;
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Logs

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Sim tokens look like `{13-digit ms}.{hex}`; signatures are 64 hex digits. Finds either
/// shape anywhere in `text`.
fn token_or_signature_shapes(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_hexdigit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() >= 64 {
                found.push(run.to_owned());
            }
            // `{digits}.{hex}` with 13 digits and at least 17 hex digits.
            if run.len() >= 13 && run.bytes().all(|c| c.is_ascii_digit()) && b.get(i) == Some(&b'.')
            {
                let h = i + 1;
                let mut j = h;
                while j < b.len() && b[j].is_ascii_hexdigit() {
                    j += 1;
                }
                if j - h >= 17 {
                    found.push(text[start..j].to_owned());
                }
            }
        } else {
            i += 1;
        }
    }
    found
}

#[test]
fn shape_scanner_finds_tokens_and_signatures() {
    let sig = "a".repeat(64);
    let text = format!("x token=1712345678901.1a2b3c4d5e6f70819 y sig={sig} z 12.5 ok");
    assert_eq!(
        token_or_signature_shapes(&text),
        vec!["1712345678901.1a2b3c4d5e6f70819".to_owned(), sig]
    );
    assert!(token_or_signature_shapes("1712345678901 ms, 0.5 BTC, id 42").is_empty());
}

/// Secrets never reach the logs: `set_default` is per thread, so the whole test (client,
/// its background tasks and the sim) runs on one current-thread runtime.
#[tokio::test(flavor = "current_thread")]
async fn credentials_and_tokens_never_logged() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // tracing-core caches per-callsite interest globally. With a single registered
    // dispatcher it asks only the *calling thread's* default, so a callsite first hit on
    // another test's thread (no subscriber) would be cached as "never" and this test would
    // miss it. A second registered dispatcher makes tracing ask every dispatcher; then the
    // cache is rebuilt with ours installed. Events still go only to this thread's subscriber.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();
    tracing::trace!("capture check");

    let (server, sim) = DeribitSim::start_with(sim_config(Decimal::from(10)))
        .await
        .unwrap();
    let mut debug_texts = Vec::new();

    // Both grants, a refresh, a buy and a cancel.
    for grant in [Grant::ClientCredentials, Grant::ClientSignature] {
        let (client, _events) =
            DeribitPrivateClient::new(config(&server), creds(SECRET), grant).unwrap();
        client.connect().await.unwrap();
        client.refresh_token().await.unwrap();
        let placed = client
            .buy(&limit_buy(Some(10), Decimal::from(30_000)))
            .await
            .unwrap();
        let cancelled = client.cancel(&placed.order.order_id).await.unwrap();
        assert_eq!(cancelled.order_state, "cancelled");
        debug_texts.push(format!("{client:?} {:?}", client.auth_status()));
        client.disconnect().await;
    }
    assert_eq!(sim.requests_received("public/auth"), 4);
    assert_eq!(sim.requests_received("private/cancel"), 2);

    // Tokens whose values the test knows: a `public/auth` sent through a private client's
    // connection (the client never hands out its own tokens), its response decoded by the
    // crate, then a refresh of the client itself on that connection.
    let (client, mut events) =
        DeribitPrivateClient::new(config(&server), creds(SECRET), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    let r = raw(
        client.connection(),
        &mut events,
        RAW_ID,
        "public/auth",
        json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}),
    )
    .await;
    let known: AuthResult = r.result().unwrap();
    let access = known.access_token.expose_secret().to_owned();
    let refresh = known.refresh_token.expose_secret().to_owned();
    assert!(!access.is_empty() && !refresh.is_empty());
    let r = raw(
        client.connection(),
        &mut events,
        RAW_ID + 1,
        "public/auth",
        json!({"grant_type": "refresh_token", "refresh_token": refresh}),
    )
    .await;
    let known2: AuthResult = r.result().unwrap();
    let access2 = known2.access_token.expose_secret().to_owned();
    let refresh2 = known2.refresh_token.expose_secret().to_owned();
    client.refresh_token().await.unwrap();
    let placed = client
        .buy(&limit_buy(Some(10), Decimal::from(30_000)))
        .await
        .unwrap();
    client.cancel(&placed.order.order_id).await.unwrap();
    debug_texts.push(format!("{client:?} {known:?} {known2:?}"));
    client.disconnect().await;

    // Failed authentication with a wrong secret, both grants.
    for grant in [Grant::ClientCredentials, Grant::ClientSignature] {
        let (client, _events) =
            DeribitPrivateClient::new(config(&server), creds(WRONG_SECRET), grant).unwrap();
        let e = client.connect().await.unwrap_err();
        assert_eq!(e.venue_code(), Some(ErrorCode::InvalidCredentials), "{e}");
        let e2 = client
            .buy(&limit_buy(Some(10), Decimal::from(30_000)))
            .await;
        debug_texts.push(format!(
            "{client:?} {e:?} {e} {e2:?} {:?}",
            client.auth_status()
        ));
        client.disconnect().await;
    }
    server.shutdown().await;

    let logs = captured.text();
    assert!(logs.contains("capture check"), "subscriber not capturing");
    // The failed authentication was logged (and so the client's own events were captured).
    assert!(logs.contains("authentication refused"), "{logs}");
    assert!(logs.contains("tradewire_websockets"), "{logs}");
    for (name, value) in [
        ("client secret", SECRET),
        ("wrong secret", WRONG_SECRET),
        ("access token", access.as_str()),
        ("refresh token", refresh.as_str()),
        ("access token 2", access2.as_str()),
        ("refresh token 2", refresh2.as_str()),
    ] {
        assert!(!logs.contains(value), "{name} in the logs:\n{logs}");
        for d in &debug_texts {
            assert!(!d.contains(value), "{name} in Debug output: {d}");
        }
    }
    // The client's own tokens and the signatures are not known to the test: no text of
    // their shape may appear.
    let shapes = token_or_signature_shapes(&logs);
    assert!(
        shapes.is_empty(),
        "token/signature-shaped text logged: {shapes:?}"
    );
    for d in &debug_texts {
        let shapes = token_or_signature_shapes(d);
        assert!(
            shapes.is_empty(),
            "token/signature-shaped text in Debug: {shapes:?}"
        );
    }
}

/// A `public/auth` refresh whose response arrives after the request timeout: the late response
/// must not show its tokens in any event's `Debug`, and the client must keep the new tokens
/// (the server has spent the old refresh token), so the next refresh succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_refresh_response_does_not_expose_tokens() {
    let (server, sim) = DeribitSim::start_with(sim_config(Decimal::from(10)))
        .await
        .unwrap();
    // No heartbeat request on connect: the injected delay must hit the refresh, not it.
    let c = config(&server)
        .request_timeout(Duration::from_millis(200))
        .heartbeat(None);
    let (client, mut events) =
        DeribitPrivateClient::new(c, creds(SECRET), Grant::ClientSignature).unwrap();
    client.connect().await.unwrap();
    sim.delay_next_response(Duration::from_millis(600));
    let e = client.refresh_token().await.unwrap_err();
    assert!(matches!(e, Error::Rpc(_)), "{e:?}");
    // Whatever the stream yields within a second must not show a token.
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(ev) = events.next().await {
            let d = format!("{ev:?}");
            let shapes = token_or_signature_shapes(&d);
            assert!(shapes.is_empty(), "token in an event's Debug: {d}");
        }
    })
    .await;
    client
        .refresh_token()
        .await
        .expect("the late response's tokens were kept: the next refresh works");
    client.disconnect().await;
    server.shutdown().await;
}
