//! Scriptable loopback WebSocket (and minimal HTTP) server for tests, benches and demos.
//!
//! [`MockServer`] listens on `127.0.0.1` on an ephemeral port and speaks real WebSocket
//! (tokio + tokio-tungstenite), so clients are tested over real sockets. Out of the box it is
//! scripted by a [`Behaviour`]: echo, on-connect frames, a continuous [`Feed`], close after N
//! frames, unanswered pings, a stalled peer. Everything clients send is recorded
//! ([`MockServer::received`]) and faults can be injected at any moment
//! ([`MockServer::close_all`], [`MockServer::drop_all`], [`MockServer::send_garbage`], ...).
//!
//! Venue simulators build on the [`Handler`] trait: it sees the request path of each upgrade
//! (`/ws/btcusdt@trade`, `/stream?streams=a/b`), the frames each connection sends, and plain
//! HTTP requests on the same port ([`Handler::on_http`]; every response carries
//! `Access-Control-Allow-Origin: *`).
//!
//! ```
//! use std::time::Duration;
//! use futures::{SinkExt, StreamExt};
//! use tokio_tungstenite::tungstenite::Message;
//! use tradewire_mock::{Behaviour, MockFrame, MockServer};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = MockServer::start_with(Behaviour {
//!     on_connect: vec![MockFrame::Text(r#"{"hello":true}"#.into())],
//!     ..Behaviour::default() // echo on, pings answered
//! })
//! .await?;
//!
//! let url = format!("{}/ws/btcusdt@trade", server.url());
//! let (mut client, _) = tokio_tungstenite::connect_async(url.as_str()).await.unwrap();
//! assert_eq!(client.next().await.unwrap().unwrap(), Message::text(r#"{"hello":true}"#));
//!
//! client.send(Message::text("ping?")).await.unwrap();
//! assert_eq!(client.next().await.unwrap().unwrap(), Message::text("ping?")); // echoed
//! assert!(server.wait_for_received(1, Duration::from_secs(5)).await);
//! assert_eq!(server.received()[0].path, "/ws/btcusdt@trade");
//!
//! server.send(MockFrame::Text(tradewire_mock::sample_trade_frame(1)));
//! let trade = client.next().await.unwrap().unwrap();
//! assert!(trade.to_text().unwrap().contains(r#""t":1,"#));
//!
//! server.shutdown().await;
//! # std::io::Result::Ok(())
//! # }).unwrap();
//! ```

mod behaviour;
pub mod binance;
mod conn;
pub mod deribit;
mod handler;
mod http;
mod server;
mod stream;
mod util;

use tokio_tungstenite::tungstenite::Message;

pub use behaviour::{Behaviour, Feed};
pub use handler::{ConnCtx, ConnSender, Handler, ScriptedHandler};
pub use http::{HttpRequest, HttpResponse};
pub use server::MockServer;

/// A WebSocket data frame, as sent to or received from a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockFrame {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl MockFrame {
    /// The text of a text frame.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            MockFrame::Text(text) => Some(text),
            MockFrame::Binary(_) => None,
        }
    }

    /// The raw bytes of the frame (UTF-8 for text frames).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            MockFrame::Text(text) => text.as_bytes(),
            MockFrame::Binary(bytes) => bytes,
        }
    }

    /// Converts into a tungstenite message without copying the payload.
    pub(crate) fn into_message(self) -> Message {
        match self {
            MockFrame::Text(text) => Message::Text(text.into()),
            MockFrame::Binary(bytes) => Message::Binary(bytes.into()),
        }
    }
}

impl From<&str> for MockFrame {
    fn from(text: &str) -> Self {
        MockFrame::Text(text.to_owned())
    }
}

impl From<String> for MockFrame {
    fn from(text: String) -> Self {
        MockFrame::Text(text)
    }
}

impl From<Vec<u8>> for MockFrame {
    fn from(bytes: Vec<u8>) -> Self {
        MockFrame::Binary(bytes)
    }
}

/// A data frame a client sent, as recorded by [`MockServer::received`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Connection index in accept order, starting at 0.
    pub conn: usize,
    /// Request target of that connection's upgrade, query included.
    pub path: String,
    /// The frame.
    pub frame: MockFrame,
}

/// A Binance spot trade-stream event as JSON text, with `i` as the trade id (`"t"`), for load
/// tests and demos. Price, quantity and times vary deterministically with `i`; the frame is
/// about 135 bytes.
///
/// Shape (field names, order and types) from Binance's documented trade stream payload,
/// <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#trade-streams>:
/// `{"e":"trade","E":..,"s":"BTCUSDT","t":i,"p":"..","q":"..","T":..,"m":true,"M":true}`.
///
/// ```
/// let frame = tradewire_mock::sample_trade_frame(42);
/// assert!(frame.starts_with(r#"{"e":"trade","E":"#));
/// assert!(frame.contains(r#","s":"BTCUSDT","t":42,"p":""#));
/// ```
pub fn sample_trade_frame(i: u64) -> String {
    let trade_time = 1_700_000_000_000_u64.wrapping_add(i);
    let event_time = trade_time.wrapping_add(1);
    // 43,000.00 .. 43,999.99 USDT
    let price_cents = 4_300_000 + i.wrapping_mul(7_919) % 100_000;
    // 0.00000001 .. 0.99999999 BTC
    let qty_sats = 1 + i.wrapping_mul(104_729) % 99_999_999;
    format!(
        r#"{{"e":"trade","E":{event_time},"s":"BTCUSDT","t":{i},"p":"{}.{:02}000000","q":"0.{:08}","T":{trade_time},"m":true,"M":true}}"#,
        price_cents / 100,
        price_cents % 100,
        qty_sats,
    )
}

/// [`sample_trade_frame`] wrapped the way Binance combined streams deliver it
/// (`{"stream":"btcusdt@trade","data":{..}}`, about 170 bytes); see
/// <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#general-wss-information>.
///
/// ```
/// let frame = tradewire_mock::sample_combined_trade_frame(7);
/// assert!(frame.starts_with(r#"{"stream":"btcusdt@trade","data":{"e":"trade""#));
/// ```
pub fn sample_combined_trade_frame(i: u64) -> String {
    format!(
        r#"{{"stream":"btcusdt@trade","data":{}}}"#,
        sample_trade_frame(i)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_trade_frame_shape() {
        let frame = sample_trade_frame(123_456);
        assert!(
            frame.starts_with(r#"{"e":"trade","E":1700000123457,"s":"BTCUSDT","t":123456,"p":""#)
        );
        assert!(frame.ends_with(r#","T":1700000123456,"m":true,"M":true}"#));
        assert!((120..=160).contains(&frame.len()), "len {}", frame.len());
        // Extremes must not overflow.
        assert!(sample_trade_frame(u64::MAX).contains(&format!(r#""t":{}"#, u64::MAX)));
        assert_ne!(sample_trade_frame(1), sample_trade_frame(2));
    }

    #[test]
    fn frame_conversions() {
        assert_eq!(MockFrame::from("a").as_text(), Some("a"));
        assert_eq!(MockFrame::from(vec![1u8, 2]).as_bytes(), &[1, 2]);
        assert_eq!(MockFrame::Binary(vec![1]).as_text(), None);
        assert_eq!(
            MockFrame::Text("x".into()).into_message(),
            Message::text("x")
        );
    }
}
