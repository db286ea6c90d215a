//! The browser transport in real headless Chromium, against a loopback server
//! (`tradewire-mock`, started natively by `cargo xtask wasm test`, which bakes its URL in through
//! the `TRADEWIRE_MOCK_URL` environment variable at compile time: a page cannot read the
//! environment). The server echoes every frame; its `/drop-after/N` and `/ping-every-ms/N` paths
//! drop a connection abruptly and send text pings (see the `tradewire-mock` binary).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use futures::StreamExt;
use tradewire_websockets::{
    ConnectionState, DisconnectReason, Frame, HeartbeatMode, Intercept, Protocol, ReconnectPolicy,
    WebSocketClientBuilder, WebSocketConfig, WebSocketConnection, WebSocketEvent,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = match option_env!("TRADEWIRE_MOCK_URL") {
    Some(u) => u,
    None => "ws://127.0.0.1:8765",
};

async fn next(events: &mut tradewire_websockets::EventStream<Frame>) -> WebSocketEvent<Frame> {
    events.next().await.expect("stream open")
}

#[wasm_bindgen_test]
async fn round_trips_text_and_binary_in_the_browser() {
    let conn = WebSocketClientBuilder::new(URL).build::<Frame>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert_eq!(conn.state(), ConnectionState::Connected);
    assert_eq!(next(&mut events).await, WebSocketEvent::Connected);

    conn.send(&Frame::text("hello from wasm")).unwrap();
    conn.send(&Frame::binary(vec![0u8, 1, 2, 253, 254, 255]))
        .unwrap();
    assert_eq!(
        next(&mut events).await,
        WebSocketEvent::Message(Frame::text("hello from wasm"))
    );
    assert_eq!(
        next(&mut events).await,
        WebSocketEvent::Message(Frame::binary(vec![0u8, 1, 2, 253, 254, 255]))
    );
    let health = conn.health();
    // Browsers cannot send protocol pings and no venue heartbeat is configured here.
    assert_eq!(health.heartbeat, HeartbeatMode::None);
    assert_eq!(health.metrics.messages_received, 2);
    assert_eq!(health.metrics.messages_sent, 2);
    conn.disconnect().await;
    assert_eq!(conn.state(), ConnectionState::Closed);
}

/// Sends `auth` first on every connection (as venues authenticate), then the subscriptions.
struct AuthFirst;

impl Protocol for AuthFirst {
    fn on_connect_frames(&self) -> Vec<Frame> {
        vec![Frame::text("auth")]
    }

    fn intercepts(&self) -> bool {
        false
    }
}

fn message(text: &str) -> WebSocketEvent<Frame> {
    WebSocketEvent::Message(Frame::text(text))
}

#[wasm_bindgen_test]
async fn reconnects_with_backoff_and_replays_after_the_server_drops_the_connection() {
    // The server drops each connection abruptly (no close frame) on its 4th frame.
    let initial_delay = Duration::from_millis(50);
    let config = WebSocketConfig::new("").reconnect(ReconnectPolicy {
        initial_delay,
        jitter: 0.0,
        ..ReconnectPolicy::default()
    });
    let conn = WebSocketClientBuilder::new(format!("{URL}/drop-after/4"))
        .config(config)
        .protocol(AuthFirst)
        .build::<Frame>();
    conn.subscribe("trades", Frame::text("subscribe trades"))
        .unwrap();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert_eq!(next(&mut events).await, WebSocketEvent::Connected);
    // Frames 1 and 2: the replay, echoed.
    assert_eq!(next(&mut events).await, message("auth"));
    assert_eq!(next(&mut events).await, message("subscribe trades"));
    conn.send(&Frame::text("one")).unwrap();
    assert_eq!(next(&mut events).await, message("one"));
    // Frame 4 makes the server drop the connection.
    conn.send(&Frame::text("two")).unwrap();
    match next(&mut events).await {
        WebSocketEvent::Disconnected {
            reason: DisconnectReason::ClosedByPeer { code: 1006, .. },
        } => {}
        other => panic!("expected an abnormal closure (1006), got {other:?}"),
    }
    assert_eq!(
        next(&mut events).await,
        WebSocketEvent::Reconnecting {
            attempt: 1,
            delay: initial_delay
        }
    );
    assert_eq!(next(&mut events).await, WebSocketEvent::Connected);
    // The new connection got the same replay, and "two" was not sent again.
    assert_eq!(next(&mut events).await, message("auth"));
    assert_eq!(next(&mut events).await, message("subscribe trades"));
    conn.send(&Frame::text("three")).unwrap();
    assert_eq!(next(&mut events).await, message("three"));

    let health = conn.health();
    assert_eq!(health.state, ConnectionState::Connected);
    assert_eq!(health.subscriptions, 1);
    assert_eq!(health.metrics.reconnections, 1);
    assert_eq!(health.metrics.connections, 2);
    // auth, subscribe, one, two; auth, subscribe, three.
    assert_eq!(health.metrics.messages_sent, 7);
    conn.disconnect().await;
    assert_eq!(conn.state(), ConnectionState::Closed);
}

/// The venue's text ping (Bybit style); browsers cannot send protocol pings.
struct TextPing;

const TEXT_PING: &str = r#"{"op":"ping"}"#;

impl Protocol for TextPing {
    fn ping_frame(&self) -> Option<Frame> {
        Some(Frame::text(TEXT_PING))
    }

    fn intercepts(&self) -> bool {
        false
    }
}

#[wasm_bindgen_test]
async fn sends_the_venue_text_ping_as_heartbeat() {
    let config = WebSocketConfig::new("")
        .ping_interval(Some(Duration::from_millis(100)))
        .idle_timeout(None);
    let conn = WebSocketClientBuilder::new(URL)
        .config(config)
        .protocol(TextPing)
        .build::<Frame>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert_eq!(next(&mut events).await, WebSocketEvent::Connected);
    assert_eq!(conn.health().heartbeat, HeartbeatMode::VenueTextPing);
    // Nothing is sent by the test: what comes back is the heartbeat, echoed by the server,
    // which therefore received it (twice: it repeats).
    assert_eq!(next(&mut events).await, message(TEXT_PING));
    assert_eq!(next(&mut events).await, message(TEXT_PING));
    assert!(conn.metrics().messages_sent >= 2);
    conn.disconnect().await;
}

/// Answers the server's `{"ping":K}` with `{"pong":K}` on the socket task (HTX style).
struct AnswerPings;

impl Protocol for AnswerPings {
    fn intercept(&self, frame: &Frame) -> Intercept {
        let k = frame
            .as_text()
            .and_then(|t| t.strip_prefix(r#"{"ping":"#))
            .and_then(|t| t.strip_suffix('}'));
        match k {
            Some(k) => Intercept::Reply(Frame::text(format!(r#"{{"pong":{k}}}"#))),
            None => Intercept::Pass,
        }
    }
}

#[wasm_bindgen_test]
async fn answers_the_servers_text_pings() {
    // The server sends {"ping":1}, {"ping":2}, ... and echoes what it receives.
    let config = WebSocketConfig::new("")
        .ping_interval(None)
        .idle_timeout(None);
    let conn = WebSocketClientBuilder::new(format!("{URL}/ping-every-ms/50"))
        .config(config)
        .protocol(AnswerPings)
        .build::<Frame>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert_eq!(next(&mut events).await, WebSocketEvent::Connected);
    // The pings never reach the consumer; the answers came back from the server in order.
    assert_eq!(next(&mut events).await, message(r#"{"pong":1}"#));
    assert_eq!(next(&mut events).await, message(r#"{"pong":2}"#));
    assert_eq!(conn.health().heartbeat, HeartbeatMode::None);
    conn.disconnect().await;
}
