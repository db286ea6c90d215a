//! Request/response correlation against a real loopback server.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use futures::StreamExt;
use tradewire_mock::{Behaviour, MockFrame, MockServer};
use tradewire_websockets::rpc::{Correlated, RpcClient, RpcError};
use tradewire_websockets::{
    DecodeError, Frame, ReconnectPolicy, WebSocketClientBuilder, WebSocketConfig,
    WebSocketConnection, WebSocketEvent, WsError, WsMessage,
};

const WAIT: Duration = Duration::from_secs(10);

/// `resp:<id>:<body>` answers request `<id>`; `note:<body>` is a notification.
#[derive(Debug, Clone, PartialEq)]
struct Msg {
    id: Option<u64>,
    body: String,
}

impl WsMessage for Msg {
    fn encode(&self) -> Frame {
        Frame::text(format!("req:{}:{}", self.id.unwrap_or(0), self.body))
    }
    fn decode(frame: &Frame) -> Result<Option<Self>, DecodeError> {
        let t = frame
            .as_text()
            .ok_or_else(|| DecodeError::new("binary", frame))?;
        if let Some(rest) = t.strip_prefix("resp:") {
            let (id, body) = rest
                .split_once(':')
                .ok_or_else(|| DecodeError::new("no body", frame))?;
            let id = id.parse().map_err(|e| DecodeError::new(e, frame))?;
            return Ok(Some(Msg {
                id: Some(id),
                body: body.into(),
            }));
        }
        if let Some(body) = t.strip_prefix("note:") {
            return Ok(Some(Msg {
                id: None,
                body: body.into(),
            }));
        }
        Err(DecodeError::new("unknown", frame))
    }
}

impl Correlated for Msg {
    fn response_id(&self) -> Option<u64> {
        self.id
    }
}

fn request(id: u64, body: &str) -> Frame {
    Msg {
        id: Some(id),
        body: body.into(),
    }
    .encode()
}

async fn setup(
    reconnect_ms: u64,
) -> (
    MockServer,
    RpcClient<Msg>,
    tradewire_websockets::rpc::Notifications<Msg>,
) {
    let server = MockServer::start_with(Behaviour {
        echo: false,
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let conn = WebSocketClientBuilder::new(server.url())
        .config(WebSocketConfig::new("").reconnect(ReconnectPolicy {
            initial_delay: Duration::from_millis(reconnect_ms),
            jitter: 0.0,
            ..ReconnectPolicy::default()
        }))
        .build::<Msg>();
    let (rpc, notes) = RpcClient::new(conn, Duration::from_millis(300), 64).unwrap();
    rpc.connection().connect().await.unwrap();
    (server, rpc, notes)
}

#[tokio::test]
async fn responses_are_matched_by_id_in_any_order() {
    let (server, rpc, mut notes) = setup(50).await;
    let (a, b) = (rpc.next_id(), rpc.next_id());
    assert_eq!((a, b), (1, 2), "sequential ids");
    let first = rpc.request(a, request(a, "first"));
    let second = rpc.request(b, request(b, "second"));
    let answer = async {
        assert!(server.wait_for_received(2, WAIT).await);
        // answer out of order, with a notification in between
        server.send(MockFrame::Text(format!("resp:{b}:two")));
        server.send(MockFrame::Text("note:tick".into()));
        server.send(MockFrame::Text(format!("resp:{a}:one")));
    };
    let (r1, r2, ()) = tokio::join!(first, second, answer);
    assert_eq!(r1.unwrap().body, "one");
    assert_eq!(r2.unwrap().body, "two");
    assert_eq!(rpc.pending(), 0);
    assert_eq!(notes.next().await, Some(WebSocketEvent::Connected));
    assert_eq!(
        notes.next().await,
        Some(WebSocketEvent::Message(Msg {
            id: None,
            body: "tick".into()
        }))
    );
}

#[tokio::test]
async fn timeouts_clear_the_request_and_late_responses_become_notifications() {
    let (server, rpc, mut notes) = setup(50).await;
    let id = rpc.next_id();
    let err = rpc.request(id, request(id, "slow")).await.unwrap_err();
    assert_eq!(
        err,
        RpcError::Timeout {
            id,
            after: Duration::from_millis(300)
        }
    );
    assert_eq!(rpc.pending(), 0);
    server.send(MockFrame::Text(format!("resp:{id}:late")));
    assert_eq!(notes.next().await, Some(WebSocketEvent::Connected));
    assert_eq!(
        tokio::time::timeout(WAIT, notes.next()).await.unwrap(),
        Some(WebSocketEvent::Message(Msg {
            id: Some(id),
            body: "late".into()
        }))
    );
    // the same id cannot be pending twice
    let again = rpc.next_id();
    let pending = rpc.request_with_timeout(again, request(again, "x"), WAIT);
    let dup = async {
        assert!(server.wait_for_received(2, WAIT).await);
        let e = rpc.request(again, request(again, "y")).await.unwrap_err();
        server.send(MockFrame::Text(format!("resp:{again}:ok")));
        e
    };
    let (first, dup) = tokio::join!(pending, dup);
    assert_eq!(dup, RpcError::DuplicateId(again));
    assert_eq!(first.unwrap().body, "ok");
}

#[tokio::test]
async fn a_drop_fails_pending_requests_which_are_never_resent() {
    let (server, rpc, mut notes) = setup(100).await;
    let id = rpc.next_id();
    let req = rpc.request_with_timeout(id, request(id, "buy"), WAIT);
    let drop_it = async {
        assert!(server.wait_for_received(1, WAIT).await);
        server.drop_all();
    };
    let (result, ()) = tokio::join!(req, drop_it);
    assert_eq!(result.unwrap_err(), RpcError::ConnectionLost { id });

    // while reconnecting, requests are refused rather than queued
    let (e, _) = loop {
        match tokio::time::timeout(WAIT, notes.next())
            .await
            .unwrap()
            .unwrap()
        {
            e @ WebSocketEvent::Reconnecting { .. } => break (e, ()),
            _ => continue,
        }
    };
    assert!(matches!(e, WebSocketEvent::Reconnecting { .. }));
    let id2 = rpc.next_id();
    assert_eq!(
        rpc.request(id2, request(id2, "sell")).await.unwrap_err(),
        RpcError::NotSent(WsError::NotConnected)
    );
    // after the reconnect nothing is replayed: the server saw the request exactly once
    loop {
        if let WebSocketEvent::Connected = tokio::time::timeout(WAIT, notes.next())
            .await
            .unwrap()
            .unwrap()
        {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent: Vec<_> = server.received().into_iter().map(|r| r.frame).collect();
    assert_eq!(sent, vec![MockFrame::Text(format!("req:{id}:buy"))]);
    // and the client works on the new connection
    let id3 = rpc.next_id();
    let req = rpc.request(id3, request(id3, "again"));
    let answer = async {
        assert!(server.wait_for_received(2, WAIT).await);
        server.send(MockFrame::Text(format!("resp:{id3}:fine")));
    };
    let (r, ()) = tokio::join!(req, answer);
    assert_eq!(r.unwrap().body, "fine");
}
