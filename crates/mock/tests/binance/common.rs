//! Helpers shared by the Binance simulator tests: a WebSocket client, a raw HTTP/1.1
//! client over `TcpStream`, and request signing written independently of the simulator.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use tradewire_mock::MockServer;

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const WAIT: Duration = Duration::from_secs(10);

pub async fn connect(server: &MockServer, path: &str) -> Client {
    let url = format!("{}{}", server.url(), path);
    let (client, _) = connect_async(url.as_str()).await.expect("connect");
    client
}

/// Next message of any kind, failing after `WAIT`.
pub async fn next_msg(client: &mut Client) -> Message {
    tokio::time::timeout(WAIT, client.next())
        .await
        .expect("timed out waiting for a message")
        .expect("stream ended")
        .expect("read error")
}

/// Next text frame (pings and pongs skipped).
pub async fn next_text(client: &mut Client) -> String {
    loop {
        match next_msg(client).await {
            Message::Text(t) => return t.as_str().to_owned(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

pub async fn next_json(client: &mut Client) -> Value {
    let text = next_text(client).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON {text}: {e}"))
}

/// Next JSON frame satisfying `pred`, skipping others.
pub async fn next_matching(client: &mut Client, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let v = tokio::time::timeout(remaining, next_json(client))
            .await
            .expect("no matching frame");
        if pred(&v) {
            return v;
        }
    }
}

pub async fn send_text(client: &mut Client, text: &str) {
    client.send(Message::text(text)).await.expect("send");
}

/// Reads and discards frames until none arrives for `quiet`.
pub async fn drain(client: &mut Client, quiet: Duration) -> Vec<String> {
    let mut seen = Vec::new();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(quiet, client.next()).await {
        if let Message::Text(t) = msg {
            seen.push(t.as_str().to_owned());
        }
    }
    seen
}

/// Waits until the simulator has registered `n` live connections (the client's handshake
/// completes slightly before the server-side `on_connect`).
pub async fn wait_sim_connections(sim: &tradewire_mock::binance::BinanceSim, n: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while sim.connections() != n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "simulator has {} connections, expected {n}",
            sim.connections()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("bad JSON body {:?}: {e}", self.body))
    }

    pub fn weight(&self) -> u32 {
        self.header("X-MBX-USED-WEIGHT-1M")
            .expect("weight header")
            .parse()
            .expect("numeric weight")
    }
}

/// One HTTP/1.1 request over a fresh TCP connection (the mock answers with
/// `Connection: close`).
pub async fn http(
    server: &MockServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    let mut tcp = TcpStream::connect(server.addr())
        .await
        .expect("tcp connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    tcp.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, tcp.read_to_end(&mut raw))
        .await
        .expect("http timeout")
        .expect("read");
    let text = String::from_utf8(raw).expect("utf8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("head/body");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub async fn get(server: &MockServer, path: &str) -> Resp {
    http(server, "GET", path, &[], "").await
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// HMAC-SHA256 hex, computed here with the `hmac` crate (independently of the simulator).
pub fn hmac_hex(secret: &str, payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `params&signature=<hmac>` (rest-api.md "SIGNED Endpoint Examples").
pub fn signed(secret: &str, params: &str) -> String {
    format!("{params}&signature={}", hmac_hex(secret, params))
}

/// A signed REST call with the params in the query string.
pub async fn signed_call(
    server: &MockServer,
    method: &str,
    path: &str,
    key: &str,
    secret: &str,
    params: &str,
) -> Resp {
    let params = if params.is_empty() {
        format!("timestamp={}", now_ms())
    } else {
        format!("{params}&timestamp={}", now_ms())
    };
    let target = format!("{path}?{}", signed(secret, &params));
    http(server, method, &target, &[("X-MBX-APIKEY", key)], "").await
}

/// Waits, if needed, so that the next few seconds stay inside one wall-clock minute (the
/// request weight window resets every minute).
pub async fn avoid_minute_boundary() {
    let into_minute = now_ms().rem_euclid(60_000);
    if into_minute > 55_000 {
        tokio::time::sleep(Duration::from_millis((60_000 - into_minute + 200) as u64)).await;
    }
}

/// Keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

pub fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// A decimal string with exactly 8 decimals.
pub fn is_dec8(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        let Some((int, frac)) = s.split_once('.') else {
            return false;
        };
        !int.is_empty()
            && int
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
            && frac.len() == 8
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}
