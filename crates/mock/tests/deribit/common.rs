//! Helpers shared by the Deribit simulator tests: a JSON-RPC WebSocket client and the
//! `client_signature` computation, written independently of the simulator.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use tradewire_mock::MockServer;
use tradewire_mock::deribit::{DOC_CLIENT_ID, DOC_CLIENT_SECRET, WS_PATH};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const WAIT: Duration = Duration::from_secs(10);

pub struct Client {
    pub ws: Ws,
    next_id: u64,
    /// Frames read while waiting for something else.
    pub backlog: Vec<Value>,
}

pub async fn connect(server: &MockServer) -> Client {
    let url = format!("{}{}", server.url(), WS_PATH);
    let (ws, _) = connect_async(url.as_str()).await.expect("connect");
    Client {
        ws,
        next_id: 0,
        backlog: Vec::new(),
    }
}

impl Client {
    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.expect("send");
    }

    /// Next JSON frame (from the backlog first), failing after `WAIT`.
    pub async fn next_json(&mut self) -> Value {
        if !self.backlog.is_empty() {
            return self.backlog.remove(0);
        }
        self.read().await
    }

    async fn read(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for a frame")
                .expect("stream ended")
                .expect("read error");
            match msg {
                Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Next frame matching `pred`; others go to the backlog.
    pub async fn next_matching(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(pos) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(pos);
        }
        loop {
            let v = self.read().await;
            if pred(&v) {
                return v;
            }
            self.backlog.push(v);
        }
    }

    /// Sends a request and returns the whole response frame (result or error).
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let req = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_text(&req.to_string()).await;
        self.next_matching(|v| v["id"] == json!(id)).await
    }

    /// `call`, asserting success; returns `result`.
    pub async fn ok(&mut self, method: &str, params: Value) -> Value {
        let v = self.call(method, params).await;
        assert!(v.get("error").is_none(), "{method} failed: {v}");
        v["result"].clone()
    }

    /// Next notification on `channel`.
    pub async fn notification(&mut self, channel: &str) -> Value {
        let ch = channel.to_owned();
        self.next_matching(move |v| v["method"] == "subscription" && v["params"]["channel"] == ch)
            .await["params"]["data"]
            .clone()
    }

    pub async fn auth(&mut self) -> Value {
        self.ok(
            "public/auth",
            json!({
                "grant_type": "client_credentials",
                "client_id": DOC_CLIENT_ID,
                "client_secret": DOC_CLIENT_SECRET,
            }),
        )
        .await
    }
}

/// HEX(HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + data)), per
/// https://docs.deribit.com/articles/authentication (Client Signature).
pub fn sign(secret: &str, timestamp: i64, nonce: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}\n{nonce}\n{data}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Asserts an error response with `code` and `message`.
pub fn assert_error(v: &Value, code: i64, message: &str) {
    assert_eq!(v["jsonrpc"], "2.0", "{v}");
    assert_eq!(v["error"]["code"], json!(code), "{v}");
    assert_eq!(v["error"]["message"], json!(message), "{v}");
    assert!(v.get("result").is_none(), "{v}");
}
