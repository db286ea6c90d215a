//! The transport against a real loopback server (tradewire-mock), natively.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tradewire_mock::{Behaviour, Feed, MockFrame, MockServer};
use tradewire_websockets::{
    ConnectionState, DecodeError, DisconnectReason, EventStream, Frame, HeartbeatMode, Intercept,
    LimitKind, Protocol, Quota, RateLimitConfig, RateLimiter, ReconnectPolicy, SlowConsumerPolicy,
    WebSocketClientBuilder, WebSocketConfig, WebSocketConnection, WebSocketEvent, WsError,
    WsMessage,
};

const WAIT: Duration = Duration::from_secs(10);

/// Test codec: a text frame holding a decimal number; anything else is a decode error.
#[derive(Debug, Clone, PartialEq)]
struct Num(u64);

impl WsMessage for Num {
    fn encode(&self) -> Frame {
        Frame::text(self.0.to_string())
    }
    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        let text = frame
            .as_text()
            .ok_or_else(|| DecodeError::new("binary", frame))?;
        if text == "ack" {
            return Ok(None);
        }
        text.parse()
            .map(|n| Some(Num(n)))
            .map_err(|e| DecodeError::new(e, frame))
    }
    fn dedupe_key(&self) -> Option<u64> {
        Some(self.0)
    }
}

fn quiet() -> Behaviour {
    Behaviour {
        echo: false,
        ..Behaviour::default()
    }
}

fn fast_reconnect(initial_ms: u64) -> ReconnectPolicy {
    ReconnectPolicy {
        max_attempts: None,
        initial_delay: Duration::from_millis(initial_ms),
        backoff_factor: 2.0,
        max_delay: Duration::from_secs(5),
        jitter: 0.0,
        reset_after: Duration::from_secs(30),
    }
}

async fn next_event<T: WsMessage + std::fmt::Debug>(
    events: &mut EventStream<T>,
) -> WebSocketEvent<T> {
    tokio::time::timeout(WAIT, events.next())
        .await
        .expect("event in time")
        .expect("stream open")
}

/// Skips events until `pred` matches; returns the matching event and what was skipped.
async fn until<T: WsMessage + std::fmt::Debug>(
    events: &mut EventStream<T>,
    mut pred: impl FnMut(&WebSocketEvent<T>) -> bool,
) -> (WebSocketEvent<T>, Vec<WebSocketEvent<T>>) {
    let mut skipped = Vec::new();
    loop {
        let e = next_event(events).await;
        if pred(&e) {
            return (e, skipped);
        }
        skipped.push(e);
    }
}

fn texts_of(server: &MockServer, conn: usize) -> Vec<String> {
    server
        .received()
        .into_iter()
        .filter(|r| r.conn == conn)
        .filter_map(|r| r.frame.as_text().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn round_trips_text_and_binary() {
    let server = MockServer::start().await.unwrap();
    let conn = WebSocketClientBuilder::new(server.url()).build::<Frame>();
    let mut events = conn.event_stream().unwrap();
    assert!(
        conn.event_stream().is_none(),
        "the stream is handed out once"
    );
    assert_eq!(conn.state(), ConnectionState::Disconnected);
    conn.connect().await.unwrap();
    assert_eq!(conn.state(), ConnectionState::Connected);
    assert_eq!(next_event(&mut events).await, WebSocketEvent::Connected);

    conn.send(&Frame::text("hello")).unwrap();
    conn.send(&Frame::binary(vec![0u8, 159, 146, 150])).unwrap();
    assert_eq!(
        next_event(&mut events).await,
        WebSocketEvent::Message(Frame::text("hello"))
    );
    assert_eq!(
        next_event(&mut events).await,
        WebSocketEvent::Message(Frame::binary(vec![0u8, 159, 146, 150]))
    );
    let m = conn.metrics();
    assert_eq!((m.messages_sent, m.messages_received), (2, 2));
    assert_eq!((m.bytes_sent, m.bytes_received), (9, 9));
    assert_eq!(m.connections, 1);
    conn.disconnect().await;
}

#[tokio::test]
async fn reconnects_with_growing_delays_and_replays_subscriptions() {
    // The server closes every connection once it has received the two subscription frames,
    // so each connection drops right after the replay and the backoff keeps growing.
    let server = MockServer::start_with(Behaviour {
        close_after: Some(2),
        ..quiet()
    })
    .await
    .unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(WebSocketConfig::new("").reconnect(fast_reconnect(40)))
        .build::<Num>();
    conn.subscribe("a", Frame::text("sub a")).unwrap();
    conn.subscribe("b", Frame::text("sub b")).unwrap();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();

    let mut delays = Vec::new();
    let mut attempts = Vec::new();
    while delays.len() < 3 {
        if let (WebSocketEvent::Reconnecting { attempt, delay }, _) = until(&mut events, |e| {
            matches!(e, WebSocketEvent::Reconnecting { .. })
        })
        .await
        {
            attempts.push(attempt);
            delays.push(delay.as_millis());
        }
    }
    assert_eq!(attempts, vec![1, 2, 3]);
    assert_eq!(delays, vec![40, 80, 160]);
    server.set_behaviour(quiet());
    until(&mut events, |e| *e == WebSocketEvent::Connected).await;
    assert!(server.wait_for_connections(4, WAIT).await);
    let last = server.connections_accepted() - 1;
    assert!(
        server
            .wait_until(WAIT, |s| texts_of(s, last).len() == 2)
            .await
    );
    for c in 0..=last {
        assert_eq!(
            texts_of(&server, c),
            vec!["sub a", "sub b"],
            "connection {c}"
        );
    }
    assert_eq!(conn.health().subscriptions, 2);
    assert_eq!(conn.metrics().reconnections as usize, last);
    conn.disconnect().await;
}

#[tokio::test]
async fn queued_sends_flush_in_order_after_replay_and_never_twice() {
    let server = MockServer::start_with(quiet()).await.unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(WebSocketConfig::new("").reconnect(fast_reconnect(300)))
        .build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    conn.subscribe("trades", Frame::text("sub trades")).unwrap();
    conn.send(&Num(1)).unwrap();
    assert!(server.wait_for_received(2, WAIT).await);

    server.close_all(1001, "going away");
    let (e, _) = until(&mut events, |e| {
        matches!(e, WebSocketEvent::Disconnected { .. })
    })
    .await;
    assert_eq!(
        e,
        WebSocketEvent::Disconnected {
            reason: DisconnectReason::ClosedByPeer {
                code: 1001,
                reason: "going away".into()
            }
        }
    );
    let (e, _) = until(&mut events, |e| {
        matches!(e, WebSocketEvent::Reconnecting { .. })
    })
    .await;
    assert!(matches!(e, WebSocketEvent::Reconnecting { attempt: 1, .. }));
    assert_eq!(conn.state(), ConnectionState::Reconnecting);
    for n in 2..=5 {
        conn.send(&Num(n)).unwrap();
    }
    until(&mut events, |e| *e == WebSocketEvent::Connected).await;
    assert!(server.wait_until(WAIT, |s| texts_of(s, 1).len() == 5).await);
    assert_eq!(texts_of(&server, 0), vec!["sub trades", "1"]);
    assert_eq!(texts_of(&server, 1), vec!["sub trades", "2", "3", "4", "5"]);
    // nothing else arrives later
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.received_count(), 7);
    conn.disconnect().await;
}

#[tokio::test]
async fn outbound_queue_is_bounded() {
    let conn = WebSocketClientBuilder::new("ws://127.0.0.1:9")
        .config(
            WebSocketConfig::new("")
                .outbound_queue(3)
                .reconnect(fast_reconnect(1000)),
        )
        .build::<Num>();
    for n in 0..3 {
        conn.send(&Num(n)).unwrap();
    }
    assert_eq!(conn.send(&Num(3)), Err(WsError::QueueFull { capacity: 3 }));
}

#[tokio::test]
async fn silent_peer_is_detected_and_replaced() {
    let server = MockServer::start_with(quiet()).await.unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(
            WebSocketConfig::new("")
                .ping_interval(Some(Duration::from_millis(50)))
                .idle_timeout(Some(Duration::from_millis(400)))
                .reconnect(fast_reconnect(20)),
        )
        .build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    // protocol pings flow and are answered
    assert!(server.wait_until(WAIT, |s| s.pings_received() >= 2).await);
    server.set_behaviour(Behaviour {
        stall: true,
        ..quiet()
    });
    let (e, _) = until(&mut events, |e| {
        matches!(e, WebSocketEvent::Disconnected { .. })
    })
    .await;
    assert_eq!(
        e,
        WebSocketEvent::Disconnected {
            reason: DisconnectReason::IdleTimeout
        }
    );
    server.set_behaviour(quiet());
    until(&mut events, |e| *e == WebSocketEvent::Connected).await;
    assert!(server.connections_accepted() >= 2);
    conn.disconnect().await;
}

#[tokio::test]
async fn bad_frames_become_error_events_and_the_client_survives() {
    let server = MockServer::start_with(quiet()).await.unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(
            WebSocketConfig::new("")
                .max_message_size(1024)
                .reconnect(fast_reconnect(20)),
        )
        .build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert_eq!(next_event(&mut events).await, WebSocketEvent::Connected);

    // undecodable frames: typed error with an excerpt, stream goes on
    server.send(MockFrame::Text("1".into()));
    server.send(MockFrame::Text("not a number".into()));
    server.send(MockFrame::Text("ack".into()));
    server.send(MockFrame::Binary(vec![1, 2, 3]));
    server.send(MockFrame::Text("2".into()));
    assert_eq!(
        next_event(&mut events).await,
        WebSocketEvent::Message(Num(1))
    );
    match next_event(&mut events).await {
        WebSocketEvent::Error(WsError::Decode(e)) => assert_eq!(e.excerpt, "not a number"),
        other => panic!("expected decode error, got {other:?}"),
    }
    match next_event(&mut events).await {
        WebSocketEvent::Error(WsError::Decode(e)) => assert_eq!(e.excerpt, "binary:010203"),
        other => panic!("expected decode error, got {other:?}"),
    }
    assert_eq!(
        next_event(&mut events).await,
        WebSocketEvent::Message(Num(2))
    );

    // oversized: refused by the size limit, the connection is replaced
    server.send(MockFrame::Text("9".repeat(4096)));
    let (e, _) = until(&mut events, |e| matches!(e, WebSocketEvent::Error(_))).await;
    assert!(
        matches!(
            e,
            WebSocketEvent::Error(WsError::FrameTooLarge { limit: 1024, .. })
        ),
        "{e:?}"
    );
    until(&mut events, |e| *e == WebSocketEvent::Connected).await;
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 1).await);
    server.send(MockFrame::Text("3".into()));
    let (e, _) = until(&mut events, |e| matches!(e, WebSocketEvent::Message(_))).await;
    assert_eq!(e, WebSocketEvent::Message(Num(3)));

    // garbage on the TCP stream: protocol error, reconnect, still alive
    server.send_garbage(vec![0xff; 64]);
    let (e, _) = until(&mut events, |e| {
        matches!(e, WebSocketEvent::Disconnected { .. })
    })
    .await;
    assert!(
        matches!(
            e,
            WebSocketEvent::Disconnected {
                reason: DisconnectReason::Error { .. }
            }
        ),
        "{e:?}"
    );
    until(&mut events, |e| *e == WebSocketEvent::Connected).await;
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 1).await);
    server.send(MockFrame::Text("4".into()));
    let (e, _) = until(&mut events, |e| matches!(e, WebSocketEvent::Message(_))).await;
    assert_eq!(e, WebSocketEvent::Message(Num(4)));
    assert!(conn.metrics().errors >= 4);
    conn.disconnect().await;
}

async fn slow_consumer(policy: SlowConsumerPolicy) -> (Vec<u64>, u64) {
    const TOTAL: usize = 5_000;
    const CAP: usize = 100;
    let frames = (0..TOTAL).map(|i| MockFrame::Text(i.to_string())).collect();
    let server = MockServer::start_with(Behaviour {
        feed: Some(Feed::new(frames).with_count(TOTAL)),
        ..quiet()
    })
    .await
    .unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(WebSocketConfig::new("").inbound_queue(CAP, policy))
        .build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    // The consumer reads nothing while the whole feed arrives.
    for _ in 0..1000 {
        if conn.metrics().messages_received as usize == TOTAL {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(conn.metrics().messages_received as usize, TOTAL);
    assert!(
        events.backlog() <= CAP,
        "buffer bounded: {}",
        events.backlog()
    );
    // The socket is still served: a server ping gets its pong while the consumer lags.
    server.send_raw_ping(b"still there?".to_vec());
    assert!(server.wait_until(WAIT, |s| s.pongs_received() >= 1).await);
    assert_eq!(conn.state(), ConnectionState::Connected);

    let mut got = Vec::new();
    let mut dropped = 0;
    while (got.len() as u64 + dropped) < TOTAL as u64 {
        match next_event(&mut events).await {
            WebSocketEvent::Message(Num(n)) => got.push(n),
            WebSocketEvent::Error(WsError::Lagged { dropped: d }) => {
                assert!(got.is_empty(), "lag is reported before the next message");
                dropped += d;
            }
            WebSocketEvent::Connected => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(conn.metrics().dropped, dropped);
    conn.disconnect().await;
    (got, dropped)
}

#[tokio::test]
async fn slow_consumer_drop_oldest_keeps_the_freshest() {
    let (got, dropped) = slow_consumer(SlowConsumerPolicy::DropOldest).await;
    assert_eq!(dropped, 4_900);
    assert_eq!(got, (4_900..5_000).collect::<Vec<u64>>());
}

#[tokio::test]
async fn slow_consumer_drop_newest_keeps_the_prefix() {
    let (got, dropped) = slow_consumer(SlowConsumerPolicy::DropNewest).await;
    assert_eq!(dropped, 4_900);
    assert_eq!(got, (0..100).collect::<Vec<u64>>());
}

#[tokio::test]
async fn graceful_shutdown_ends_every_task() {
    let server = MockServer::start_with(quiet()).await.unwrap();
    let conn = WebSocketClientBuilder::new(server.url()).build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert!(conn.is_running());
    conn.disconnect().await;
    assert!(!conn.is_running());
    assert_eq!(conn.state(), ConnectionState::Closed);
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
    let rest: Vec<_> = events.by_ref().collect().await;
    assert_eq!(
        rest,
        vec![
            WebSocketEvent::Connected,
            WebSocketEvent::Disconnected {
                reason: DisconnectReason::ClosedByUser
            }
        ]
    );
    assert_eq!(conn.send(&Num(1)), Err(WsError::Closed));

    // Dropping every handle ends the supervisor too.
    let conn = WebSocketClientBuilder::new(server.url()).build::<Num>();
    let events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 1).await);
    drop(conn);
    let tail: Vec<_> = tokio::time::timeout(WAIT, events.collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(
        tail.last(),
        Some(&WebSocketEvent::Disconnected {
            reason: DisconnectReason::ClosedByUser
        })
    );
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    // Nothing listens on this port: every attempt fails fast.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut policy = fast_reconnect(5);
    policy.max_attempts = Some(2);
    let conn = WebSocketClientBuilder::new(url)
        .config(WebSocketConfig::new("").reconnect(policy))
        .build::<Num>();
    let events = conn.event_stream().unwrap();
    assert_eq!(conn.connect().await, Err(WsError::Closed));
    let all: Vec<_> = events.collect().await;
    let connect_errors = all
        .iter()
        .filter(|e| matches!(e, WebSocketEvent::Error(WsError::Connect(_))))
        .count();
    assert_eq!(connect_errors, 3, "{all:?}");
    assert_eq!(
        all.last(),
        Some(&WebSocketEvent::Disconnected {
            reason: DisconnectReason::GaveUp { attempts: 2 }
        })
    );
}

#[tokio::test]
async fn rate_limits_refuse_at_once_and_nothing_is_sent() {
    let server = MockServer::start_with(quiet()).await.unwrap();
    let limiter = Arc::new(RateLimiter::new(RateLimitConfig {
        messages: Some(Quota::new(5, Duration::from_secs(3600))),
        max_subscriptions: Some(2),
        connections: Some(Quota::new(1, Duration::from_secs(3600))),
        ..Default::default()
    }));
    let conn = WebSocketClientBuilder::new(server.url())
        .config(WebSocketConfig::new("").reconnect(fast_reconnect(10)))
        .rate_limiter(Arc::clone(&limiter))
        .build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    conn.subscribe("a", Frame::text("sub a")).unwrap();
    conn.subscribe("b", Frame::text("sub b")).unwrap();
    let e = conn.subscribe("c", Frame::text("sub c")).unwrap_err();
    assert!(matches!(e, WsError::RateLimited(ref r) if r.kind == LimitKind::Subscriptions));
    for n in 0..3 {
        conn.send(&Num(n)).unwrap();
    }
    match conn.send(&Num(3)) {
        Err(WsError::RateLimited(r)) => {
            assert_eq!(r.kind, LimitKind::Messages);
            assert!(r.retry_after.is_some());
        }
        other => panic!("expected a rate-limit error, got {other:?}"),
    }
    assert!(server.wait_for_received(5, WAIT).await);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.received_count(), 5);
    let usage = limiter.usage();
    assert_eq!(usage.messages, Some((5, 5)));
    assert_eq!(usage.subscriptions, (2, Some(2)));
    assert_eq!(usage.connections, Some((1, 1)));
    assert_eq!(usage.refused, 2);

    // The connection-attempt limit holds back the reconnect, with a typed error event.
    server.close_all(1000, "bye");
    let (e, _) = until(&mut events, |e| {
        matches!(e, WebSocketEvent::Error(WsError::RateLimited(_)))
    })
    .await;
    assert!(
        matches!(e, WebSocketEvent::Error(WsError::RateLimited(ref r)) if r.kind == LimitKind::Connections)
    );
    assert_eq!(server.connections_accepted(), 1);
    conn.disconnect().await;
}

/// A venue protocol: text ping `"ping"`, server pings `{"ping":N}` answered `{"pong":N}` on the
/// socket task, server pongs swallowed, an auth frame first on every connection.
struct TextHeartbeat;

impl Protocol for TextHeartbeat {
    fn ping_frame(&self) -> Option<Frame> {
        Some(Frame::text("ping"))
    }
    fn intercept(&self, frame: &Frame) -> Intercept {
        match frame.as_text() {
            Some("pong") => Intercept::Swallow,
            Some(t) if t.starts_with(r#"{"ping":"#) => {
                Intercept::Reply(Frame::text(t.replace("ping", "pong")))
            }
            _ => Intercept::Pass,
        }
    }
    fn on_connect_frames(&self) -> Vec<Frame> {
        vec![Frame::text("auth")]
    }
}

#[tokio::test]
async fn venue_heartbeat_hooks_run_on_the_socket_task() {
    let server = MockServer::start_with(Behaviour {
        on_connect: vec![
            MockFrame::Text(r#"{"ping":7}"#.into()),
            MockFrame::Text("pong".into()),
            MockFrame::Text("5".into()),
        ],
        ..quiet()
    })
    .await
    .unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(WebSocketConfig::new("").ping_interval(Some(Duration::from_millis(50))))
        .protocol(TextHeartbeat)
        .build::<Num>();
    let mut events = conn.event_stream().unwrap();
    conn.subscribe("s", Frame::text("sub")).unwrap();
    conn.connect().await.unwrap();
    // answered without the consumer reading anything
    assert!(
        server
            .wait_until(WAIT, |s| texts_of(s, 0)
                .contains(&r#"{"pong":7}"#.to_string()))
            .await
    );
    assert!(
        server
            .wait_until(WAIT, |s| texts_of(s, 0)
                .iter()
                .filter(|t| *t == "ping")
                .count()
                >= 2)
            .await
    );
    let sent = texts_of(&server, 0);
    let auth = sent.iter().position(|t| t == "auth").unwrap();
    let sub = sent.iter().position(|t| t == "sub").unwrap();
    assert!(auth < sub, "auth replayed before subscriptions: {sent:?}");
    // the consumer sees only the data
    assert_eq!(next_event(&mut events).await, WebSocketEvent::Connected);
    assert_eq!(
        next_event(&mut events).await,
        WebSocketEvent::Message(Num(5))
    );
    let health = conn.health();
    assert_eq!(health.heartbeat, HeartbeatMode::ProtocolPing);
    let json = serde_json::to_value(&health).unwrap();
    assert_eq!(json["state"], "connected");
    assert_eq!(json["is_connected"], true);
    assert_eq!(json["subscriptions"], 1);
    assert_eq!(json["metrics"]["connections"], 1);
    assert!(json["metrics"]["messages_received"].as_u64().unwrap() >= 3);
    assert!(json["last_message_age_ms"].is_u64());
    conn.disconnect().await;
}

#[tokio::test]
async fn renewal_is_make_before_break_without_gaps_or_duplicates() {
    let server = MockServer::start_with(quiet()).await.unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(
            WebSocketConfig::new("")
                .max_connection_age(Some(Duration::from_millis(300)))
                .renewal_overlap(Duration::from_secs(5))
                .ping_interval(Some(Duration::from_millis(40))),
        )
        .build::<Num>();
    conn.subscribe("feed", Frame::text("sub feed")).unwrap();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();

    // The "venue" publishes the same numbered stream to every live connection.
    let publisher = {
        let url_server = &server;
        async move {
            let mut n = 0u64;
            while url_server.connections_accepted() < 3 || n < 200 {
                url_server.send(MockFrame::Text(n.to_string()));
                n += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
                assert!(n < 20_000, "renewals did not happen");
            }
            n
        }
    };
    let consumer = async {
        let mut got = Vec::new();
        let mut others = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_millis(500), events.next()).await {
                Ok(Some(WebSocketEvent::Message(Num(n)))) => got.push(n),
                Ok(Some(e)) => others.push(e),
                _ => return (got, others),
            }
        }
    };
    let (published, (mut got, others)) = tokio::join!(publisher, consumer);
    assert!(server.connections_accepted() >= 3);
    assert_eq!(others, vec![WebSocketEvent::Connected], "renewal is silent");
    let len = got.len();
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len(), len, "no duplicates");
    assert_eq!(got, (0..published).collect::<Vec<_>>(), "no gaps");
    assert!(
        conn.metrics().duplicates > 0,
        "the overlap delivered repeats that were dropped"
    );
    // every connection was subscribed
    for c in 0..server.connections_accepted() {
        assert_eq!(
            texts_of(&server, c).first().map(String::as_str),
            Some("sub feed")
        );
    }
    conn.disconnect().await;
}

/// A hand-written server: answers the upgrade with `response_status`, and when it is 101 sends
/// a text frame in the same write as the response head (so the client must replay the bytes it
/// read past the head).
async fn raw_upgrade_server(response_status: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/raw?x=1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tcp.read(&mut buf).await.unwrap();
            head.extend_from_slice(&buf[..n]);
        }
        let head = String::from_utf8(head).unwrap();
        assert!(head.starts_with("GET /raw?x=1 HTTP/1.1\r\n"), "{head}");
        assert!(
            head.contains("\r\nx-test: yes\r\n"),
            "custom header sent: {head}"
        );
        let key = head
            .lines()
            .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
            .unwrap()
            .trim()
            .to_owned();
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let mut out = format!(
            "HTTP/1.1 {response_status}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        )
        .into_bytes();
        // unmasked server text frame "hello"
        out.extend_from_slice(&[0x81, 0x05]);
        out.extend_from_slice(b"hello");
        tcp.write_all(&out).await.unwrap();
        // keep the connection open for a moment
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    url
}

#[tokio::test]
async fn bytes_sent_with_the_upgrade_response_are_not_lost() {
    let url = raw_upgrade_server("101 Switching Protocols").await;
    let conn = WebSocketClientBuilder::new(url)
        .config(WebSocketConfig::new("").header("x-test", "yes"))
        .build::<String>();
    let mut events = conn.event_stream().unwrap();
    conn.connect().await.unwrap();
    assert_eq!(next_event(&mut events).await, WebSocketEvent::Connected);
    assert_eq!(
        next_event(&mut events).await,
        WebSocketEvent::Message("hello".to_string())
    );
    conn.disconnect().await;
}

#[tokio::test]
async fn a_refused_upgrade_is_a_connect_error() {
    let url = raw_upgrade_server("403 Forbidden").await;
    let mut policy = fast_reconnect(10);
    policy.max_attempts = Some(0);
    let conn = WebSocketClientBuilder::new(url)
        .config(
            WebSocketConfig::new("")
                .header("x-test", "yes")
                .reconnect(policy),
        )
        .build::<String>();
    let events = conn.event_stream().unwrap();
    assert_eq!(conn.connect().await, Err(WsError::Closed));
    let all: Vec<_> = events.collect().await;
    match &all[0] {
        WebSocketEvent::Error(WsError::Connect(m)) => assert!(m.contains("HTTP 403"), "{m}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
}
