//! The browser transport in real headless Chromium, against a loopback server
//! (`tradewire-mock`, started natively by `cargo xtask wasm test`, which bakes its URL in through
//! the `TRADEWIRE_MOCK_URL` environment variable at compile time: a page cannot read the
//! environment).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures::StreamExt;
use tradewire_websockets::{
    ConnectionState, Frame, HeartbeatMode, WebSocketClientBuilder, WebSocketConnection,
    WebSocketEvent,
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
