//! End-to-end tests of `MockServer` over real loopback sockets, driven by tokio-tungstenite's
//! client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use tradewire_mock::{
    Behaviour, ConnCtx, Feed, Handler, HttpRequest, HttpResponse, MockFrame, MockServer, Received,
    ScriptedHandler, sample_trade_frame,
};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(5);
/// How long a negative check ("nothing arrives") waits.
const QUIET: Duration = Duration::from_millis(300);

async fn connect(server: &MockServer, path: &str) -> Client {
    let url = format!("{}{}", server.url(), path);
    let (client, _) = connect_async(url.as_str()).await.expect("connect");
    client
}

/// Next message (control frames included), failing the test after `WAIT`.
async fn next(client: &mut Client) -> Message {
    tokio::time::timeout(WAIT, client.next())
        .await
        .expect("timed out waiting for a message")
        .expect("stream ended")
        .expect("read error")
}

/// Next message that is not a Ping/Pong.
async fn next_data(client: &mut Client) -> Message {
    loop {
        match next(client).await {
            Message::Ping(_) | Message::Pong(_) => continue,
            other => return other,
        }
    }
}

/// Asserts nothing arrives for `QUIET`.
async fn assert_quiet(client: &mut Client) {
    if let Ok(got) = tokio::time::timeout(QUIET, client.next()).await {
        panic!("expected silence, got {got:?}");
    }
}

/// Reads until the stream ends or errors; returns the close frame seen on the way, if any.
async fn read_to_end(client: &mut Client) -> (Option<tungstenite::protocol::CloseFrame>, bool) {
    let mut close = None;
    loop {
        match tokio::time::timeout(WAIT, client.next())
            .await
            .expect("stream did not end")
        {
            Some(Ok(Message::Close(frame))) => close = frame,
            Some(Ok(_)) => {}
            Some(Err(_)) => return (close, true),
            None => return (close, false),
        }
    }
}

#[tokio::test]
async fn echoes_text_and_binary() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    client.send(Message::text("hello")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("hello"));
    client
        .send(Message::binary(vec![0u8, 1, 2, 255]))
        .await
        .unwrap();
    assert_eq!(
        next(&mut client).await,
        Message::binary(vec![0u8, 1, 2, 255])
    );
    assert!(server.wait_for_received(2, WAIT).await);
    assert_eq!(server.connections_accepted(), 1);
    assert_eq!(server.live_connections(), 1);
}

#[tokio::test]
async fn echo_off_sends_nothing_back() {
    let server = MockServer::start_with(Behaviour {
        echo: false,
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    client.send(Message::text("x")).await.unwrap();
    assert!(server.wait_for_received(1, WAIT).await);
    assert_quiet(&mut client).await;
}

#[tokio::test]
async fn url_and_addr_agree() {
    let server = MockServer::start().await.unwrap();
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(server.url(), format!("ws://127.0.0.1:{}", addr.port()));
    assert_eq!(
        server.http_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );
}

#[tokio::test]
async fn on_connect_frames_arrive_in_order() {
    let server = MockServer::start_with(Behaviour {
        on_connect: vec![
            MockFrame::Text("first".into()),
            MockFrame::Binary(vec![2]),
            MockFrame::Text("third".into()),
        ],
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    assert_eq!(next(&mut client).await, Message::text("first"));
    assert_eq!(next(&mut client).await, Message::binary(vec![2u8]));
    assert_eq!(next(&mut client).await, Message::text("third"));
    assert_quiet(&mut client).await;
}

#[tokio::test]
async fn close_after_closes_gracefully_with_1000() {
    let server = MockServer::start_with(Behaviour {
        close_after: Some(2),
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    client.send(Message::text("1")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("1"));
    client.send(Message::text("2")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("2"));
    match next(&mut client).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Normal),
        other => panic!("expected close, got {other:?}"),
    }
    let (_, errored) = read_to_end(&mut client).await;
    assert!(!errored, "close handshake should complete cleanly");
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn send_broadcasts_and_send_to_targets_one_connection() {
    let server = MockServer::start().await.unwrap();
    let mut a = connect(&server, "/a").await;
    let mut b = connect(&server, "/b").await;
    assert!(server.wait_for_connections(2, WAIT).await);

    assert_eq!(server.send(MockFrame::Text("all".into())), 2);
    assert_eq!(next(&mut a).await, Message::text("all"));
    assert_eq!(next(&mut b).await, Message::text("all"));

    // Which index is which depends on handshake order; find b's index via a frame it sends.
    b.send(Message::text("who")).await.unwrap();
    assert_eq!(next(&mut b).await, Message::text("who"));
    assert!(server.wait_for_received(1, WAIT).await);
    let b_index = server.received()[0].conn;
    assert_eq!(server.received()[0].path, "/b");

    assert!(server.send_to(b_index, MockFrame::Binary(vec![9, 9])));
    assert_eq!(next(&mut b).await, Message::binary(vec![9u8, 9]));
    assert_quiet(&mut a).await;
    assert!(!server.send_to(99, MockFrame::Text("nobody".into())));
}

#[tokio::test]
async fn received_records_conn_index_and_path() {
    let server = MockServer::start_with(Behaviour {
        echo: false,
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut first = connect(&server, "/ws/btcusdt@trade").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    let mut second = connect(&server, "/stream?streams=a/b").await;
    assert!(server.wait_for_connections(2, WAIT).await);

    first.send(Message::text("one")).await.unwrap();
    assert!(server.wait_for_received(1, WAIT).await);
    second.send(Message::binary(vec![2u8])).await.unwrap();
    assert!(server.wait_for_received(2, WAIT).await);
    first.send(Message::text("three")).await.unwrap();
    assert!(server.wait_for_received(3, WAIT).await);

    assert_eq!(
        server.received(),
        vec![
            Received {
                conn: 0,
                path: "/ws/btcusdt@trade".into(),
                frame: MockFrame::Text("one".into())
            },
            Received {
                conn: 1,
                path: "/stream?streams=a/b".into(),
                frame: MockFrame::Binary(vec![2])
            },
            Received {
                conn: 0,
                path: "/ws/btcusdt@trade".into(),
                frame: MockFrame::Text("three".into())
            },
        ]
    );
    assert!(!server.wait_for_received(4, Duration::from_millis(50)).await);
    server.clear_received();
    assert_eq!(server.received_count(), 0);
}

#[tokio::test]
async fn client_ping_is_counted_and_answered() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    client
        .send(Message::Ping(vec![7u8, 7].into()))
        .await
        .unwrap();
    assert_eq!(next(&mut client).await, Message::Pong(vec![7u8, 7].into()));
    assert!(server.wait_until(WAIT, |s| s.pings_received() == 1).await);
    assert!(server.received().is_empty(), "pings are not data frames");
}

#[tokio::test]
async fn server_ping_reaches_client_and_its_pong_is_counted() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    server.send_raw_ping(b"hb".to_vec());
    assert_eq!(
        next(&mut client).await,
        Message::Ping(b"hb".to_vec().into())
    );
    // tungstenite queues the pong; it goes out with the next write or read.
    client.flush().await.unwrap();
    assert!(server.wait_until(WAIT, |s| s.pongs_received() == 1).await);
    assert_eq!(server.pings_received(), 0);
}

#[tokio::test]
async fn answer_pings_false_swallows_pings_but_counts_them() {
    let server = MockServer::start_with(Behaviour {
        answer_pings: false,
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    client
        .send(Message::Ping(b"a".to_vec().into()))
        .await
        .unwrap();
    client.send(Message::text("after")).await.unwrap();
    // The echo of the later frame arrives first-and-only: no Pong was written before it.
    assert_eq!(next(&mut client).await, Message::text("after"));
    assert!(server.wait_until(WAIT, |s| s.pings_received() == 1).await);
    assert_quiet(&mut client).await;

    // Switching it back on applies to the live connection.
    server.set_behaviour(Behaviour::default());
    assert!(server.behaviour().answer_pings);
    client
        .send(Message::Ping(b"b".to_vec().into()))
        .await
        .unwrap();
    assert_eq!(next(&mut client).await, Message::Pong(b"b".to_vec().into()));
    assert!(server.wait_until(WAIT, |s| s.pings_received() == 2).await);
}

#[tokio::test]
async fn stall_freezes_a_live_connection_until_lifted() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    client.send(Message::text("before")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("before"));

    server.set_behaviour(Behaviour {
        stall: true,
        ..Behaviour::default()
    });
    // Let the connection task observe the change before the next frames go out.
    tokio::time::sleep(Duration::from_millis(50)).await;
    client
        .send(Message::Ping(b"p".to_vec().into()))
        .await
        .unwrap();
    client.send(Message::text("during")).await.unwrap();
    assert_eq!(server.send(MockFrame::Text("pushed".into())), 1);
    assert_quiet(&mut client).await;
    assert_eq!(server.received_count(), 1, "a stalled server reads nothing");
    assert_eq!(server.pings_received(), 0);
    assert_eq!(
        server.live_connections(),
        1,
        "the TCP connection stays open"
    );

    server.set_behaviour(Behaviour::default());
    let mut got = Vec::new();
    while got.len() < 3 {
        got.push(next(&mut client).await);
    }
    assert!(got.contains(&Message::text("pushed")), "{got:?}");
    assert!(
        got.contains(&Message::Pong(b"p".to_vec().into())),
        "{got:?}"
    );
    assert!(got.contains(&Message::text("during")), "{got:?}");
}

#[tokio::test]
async fn drop_all_ends_the_client_stream_without_close_frame() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    server.drop_all();
    let (close, _errored) = read_to_end(&mut client).await;
    assert!(close.is_none(), "drop_all must not send a close frame");
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
    assert_eq!(server.connections_accepted(), 1);
}

#[tokio::test]
async fn close_all_sends_close_frame_with_code_and_reason() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    server.close_all(4001, "maintenance");
    match next(&mut client).await {
        Message::Close(Some(frame)) => {
            assert_eq!(u16::from(frame.code), 4001);
            assert_eq!(frame.reason.as_str(), "maintenance");
        }
        other => panic!("expected close, got {other:?}"),
    }
    let (_, errored) = read_to_end(&mut client).await;
    assert!(!errored);
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
}

#[tokio::test]
async fn send_garbage_causes_a_client_protocol_error() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    // A complete 2-byte header with all reserved bits and a reserved opcode (0xF) set.
    server.send_garbage(vec![0xFF, 0x00]);
    let result = tokio::time::timeout(WAIT, client.next())
        .await
        .expect("no reaction");
    assert!(
        matches!(result, Some(Err(tungstenite::Error::Protocol(_)))),
        "{result:?}"
    );
}

#[tokio::test]
async fn feed_with_count_delivers_exactly_count_frames_in_order() {
    let frames: Vec<MockFrame> = (0..3).map(|i| MockFrame::Text(format!("f{i}"))).collect();
    let server = MockServer::start_with(Behaviour {
        on_connect: vec![MockFrame::Text("hello".into())],
        feed: Some(Feed {
            frames,
            count: Some(7),
            interval: None,
        }),
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    assert_eq!(next(&mut client).await, Message::text("hello"));
    for i in 0..7 {
        assert_eq!(
            next(&mut client).await,
            Message::text(format!("f{}", i % 3))
        );
    }
    // Nothing after the 7th frame: the next message is a marker sent now.
    server.send(MockFrame::Text("marker".into()));
    assert_eq!(next(&mut client).await, Message::text("marker"));
}

#[tokio::test]
async fn large_fast_feed_arrives_complete_and_in_order() {
    const N: u64 = 50_000;
    let frames: Vec<MockFrame> = (0..N)
        .map(|i| MockFrame::Text(sample_trade_frame(i)))
        .collect();
    let server = MockServer::start_with(Behaviour {
        feed: Some(Feed::new(frames).with_count(N as usize)),
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/ws/btcusdt@trade").await;
    for i in 0..N {
        let message = next(&mut client).await;
        assert_eq!(message.to_text().unwrap(), sample_trade_frame(i));
    }
    server.send(MockFrame::Text("end".into()));
    assert_eq!(next(&mut client).await, Message::text("end"));
}

#[tokio::test]
async fn interval_feed_paces_and_stops() {
    let server = MockServer::start_with(Behaviour {
        feed: Some(
            Feed::new(vec![MockFrame::Text("tick".into())])
                .with_count(3)
                .with_interval(Duration::from_millis(20)),
        ),
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    for _ in 0..3 {
        assert_eq!(next(&mut client).await, Message::text("tick"));
    }
    assert_quiet(&mut client).await;
}

#[tokio::test]
async fn drop_all_works_while_the_client_does_not_read_a_feed() {
    // An endless feed the client never reads fills the socket buffers; commands still work.
    let server = MockServer::start_with(Behaviour {
        feed: Some(Feed::new(vec![MockFrame::Text(sample_trade_frame(0))])),
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let _client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.drop_all();
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
}

#[tokio::test]
async fn max_message_size_closes_with_1009() {
    let server = MockServer::start_with(Behaviour {
        max_message_size: Some(16),
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    client.send(Message::text("small")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("small"));
    client.send(Message::text("x".repeat(100))).await.unwrap();
    match next(&mut client).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Size),
        other => panic!("expected close 1009, got {other:?}"),
    }
}

#[tokio::test]
async fn shutdown_closes_connections_and_the_listener() {
    let server = MockServer::start().await.unwrap();
    let url = server.url();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    tokio::time::timeout(WAIT, server.shutdown())
        .await
        .expect("shutdown hangs");
    let (close, _) = read_to_end(&mut client).await;
    assert_eq!(close.map(|c| c.code), Some(CloseCode::Away));
    assert!(
        connect_async(url.as_str()).await.is_err(),
        "listener must be closed"
    );
}

#[tokio::test]
async fn dropping_the_server_ends_connections() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    drop(server);
    let (close, _) = read_to_end(&mut client).await;
    assert_eq!(close.map(|c| c.code), Some(CloseCode::Away));
}

#[tokio::test]
async fn shutdown_does_not_wait_for_stalled_connections_forever() {
    let server = MockServer::start_with(Behaviour {
        stall: true,
        ..Behaviour::default()
    })
    .await
    .unwrap();
    let mut client = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    tokio::time::timeout(WAIT, server.shutdown())
        .await
        .expect("shutdown hangs");
    let (close, _) = read_to_end(&mut client).await;
    assert!(
        close.is_none(),
        "a stalled peer sends nothing, not even a close frame"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_idle_connections() {
    const N: usize = 1000;
    let server = MockServer::start().await.unwrap();
    let mut clients = Vec::with_capacity(N);
    for _ in 0..N {
        clients.push(connect(&server, "/idle").await);
    }
    assert!(server.wait_for_connections(N, WAIT).await);
    assert_eq!(server.live_connections(), N);
    assert_eq!(server.send(MockFrame::Text("all".into())), N);
    for client in clients.iter_mut().step_by(97) {
        assert_eq!(next(client).await, Message::text("all"));
    }
    drop(clients);
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
}

#[tokio::test]
async fn survives_failed_handshakes_and_junk() {
    let server = MockServer::start().await.unwrap();
    // Garbage instead of an HTTP request.
    let mut junk = TcpStream::connect(server.addr()).await.unwrap();
    junk.write_all(b"\x00\x01\x02 not http\r\n\r\n")
        .await
        .unwrap();
    let mut response = Vec::new();
    junk.read_to_end(&mut response).await.unwrap();
    assert!(
        response.starts_with(b"HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&response)
    );
    // An upgrade request missing the WebSocket key.
    let mut bad = TcpStream::connect(server.addr()).await.unwrap();
    bad.write_all(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    )
    .await
    .unwrap();
    let _ = tokio::time::timeout(WAIT, bad.read_to_end(&mut Vec::new())).await;
    // A connection that goes away mid-request.
    drop(TcpStream::connect(server.addr()).await.unwrap());

    let mut client = connect(&server, "/").await;
    client.send(Message::text("still alive")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("still alive"));
    assert_eq!(server.connections_accepted(), 1);
}

async fn http_request(server: &MockServer, request: &str) -> String {
    let mut tcp = TcpStream::connect(server.addr()).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, tcp.read_to_end(&mut response))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8(response).unwrap()
}

#[tokio::test]
async fn plain_http_gets_404_with_cors_and_preflight_204() {
    let server = MockServer::start().await.unwrap();
    let response = http_request(&server, "GET /api/v3/time HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(
        response.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{response}"
    );
    assert!(
        response.contains("Access-Control-Allow-Origin: *\r\n"),
        "{response}"
    );

    let response = http_request(&server, "OPTIONS /api/v3/order HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(
        response.starts_with("HTTP/1.1 204 No Content\r\n"),
        "{response}"
    );
    assert!(
        response.contains("Access-Control-Allow-Origin: *\r\n"),
        "{response}"
    );
    assert!(
        response.contains("Access-Control-Allow-Methods: "),
        "{response}"
    );

    let requests = server.http_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/api/v3/time");
    assert_eq!(requests[1].method, "OPTIONS");
    assert_eq!(server.connections_accepted(), 0);
}

/// A tiny venue-like handler: refuses unknown paths, greets by path, answers subscriptions,
/// serves one REST route and pushes a late frame through a `ConnSender`.
#[derive(Default)]
struct Venue {
    subscriptions: AtomicUsize,
    disconnects: AtomicUsize,
}

impl Handler for Venue {
    fn on_upgrade(&self, request: &HttpRequest) -> Result<(), HttpResponse> {
        if request.path_only().starts_with("/ws/") || request.path_only() == "/stream" {
            Ok(())
        } else {
            Err(HttpResponse::json(
                404,
                r#"{"code":-1,"msg":"unknown stream"}"#,
            ))
        }
    }

    fn on_connect(&self, conn: &ConnCtx) -> Vec<MockFrame> {
        let streams = conn
            .request()
            .query_param("streams")
            .unwrap_or("-")
            .to_owned();
        vec![MockFrame::Text(format!(
            "conn {} streams {streams}",
            conn.id()
        ))]
    }

    fn on_message(&self, conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
        if frame.as_text() == Some("SUBSCRIBE") {
            self.subscriptions.fetch_add(1, Ordering::SeqCst);
            let sender = conn.sender();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                sender.send(MockFrame::Text("late".into()));
            });
            vec![MockFrame::Text(r#"{"result":null,"id":1}"#.into())]
        } else if frame.as_text() == Some("PING_ME") {
            assert!(conn.sender().ping(b"v".to_vec()));
            Vec::new()
        } else {
            // Fall back to the scripted default (echo).
            ScriptedHandler.on_message(conn, frame)
        }
    }

    fn on_http(&self, request: &HttpRequest) -> HttpResponse {
        match (request.method.as_str(), request.path_only()) {
            ("GET", "/api/v3/time") => HttpResponse::json(200, r#"{"serverTime":1}"#),
            ("POST", "/api/v3/order") => {
                HttpResponse::json(200, String::from_utf8_lossy(&request.body).into_owned())
            }
            _ => HttpResponse::not_found(),
        }
    }

    fn on_disconnect(&self, conn: &ConnCtx) {
        assert!(conn.frames_received() >= 1);
        self.disconnects.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn custom_handler_routes_websocket_and_http() {
    let venue = Arc::new(Venue::default());
    let server = MockServer::start_with_handler(Behaviour::default(), Arc::clone(&venue))
        .await
        .unwrap();

    let refused = connect_async(format!("{}/nope", server.url()).as_str()).await;
    match refused {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 404),
        other => panic!("expected HTTP 404, got {other:?}"),
    }

    let mut client = connect(&server, "/stream?streams=btcusdt@trade/ethusdt@trade").await;
    assert_eq!(
        next(&mut client).await,
        Message::text("conn 0 streams btcusdt@trade/ethusdt@trade")
    );
    client.send(Message::text("SUBSCRIBE")).await.unwrap();
    assert_eq!(
        next(&mut client).await,
        Message::text(r#"{"result":null,"id":1}"#)
    );
    assert_eq!(next(&mut client).await, Message::text("late"));
    client.send(Message::text("echo me")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("echo me"));
    assert_eq!(venue.subscriptions.load(Ordering::SeqCst), 1);
    client.send(Message::text("PING_ME")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::Ping(b"v".to_vec().into()));
    client.flush().await.unwrap();
    assert!(server.wait_until(WAIT, |s| s.pongs_received() == 1).await);

    assert_eq!(venue.disconnects.load(Ordering::SeqCst), 0);
    drop(client);
    assert!(server.wait_until(WAIT, |s| s.live_connections() == 0).await);
    assert_eq!(venue.disconnects.load(Ordering::SeqCst), 1);

    let time = http_request(&server, "GET /api/v3/time HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(time.starts_with("HTTP/1.1 200 OK\r\n"), "{time}");
    assert!(time.ends_with(r#"{"serverTime":1}"#), "{time}");
    let order = http_request(
        &server,
        "POST /api/v3/order HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n{\"qty\":\"1\"}",
    )
    .await;
    assert!(order.ends_with(r#"{"qty":"1"}"#), "{order}");
    assert_eq!(server.http_requests()[1].body, br#"{"qty":"1"}"#.to_vec());
}

#[tokio::test]
async fn set_behaviour_applies_to_new_connections() {
    let server = MockServer::start().await.unwrap();
    let mut old = connect(&server, "/").await;
    assert!(server.wait_for_connections(1, WAIT).await);
    server.set_behaviour(Behaviour {
        on_connect: vec![MockFrame::Text("welcome".into())],
        echo: false,
        ..Behaviour::default()
    });
    assert_eq!(server.behaviour().on_connect.len(), 1);
    let mut new = connect(&server, "/").await;
    assert_eq!(next(&mut new).await, Message::text("welcome"));
    // echo applies live: the old connection no longer echoes either.
    old.send(Message::text("x")).await.unwrap();
    assert!(server.wait_for_received(1, WAIT).await);
    assert_quiet(&mut old).await;
    // next_data is used so a stray control frame cannot hide a missing greeting.
    new.send(Message::text("y")).await.unwrap();
    assert!(server.wait_for_received(2, WAIT).await);
    server.send(MockFrame::Text("z".into()));
    assert_eq!(next_data(&mut new).await, Message::text("z"));
}
