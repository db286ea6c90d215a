//! # tradewire-websockets
//!
//! The WebSocket transport of tradewire, and the only crate of the project with platform code.
//! One API on every target: [`WebSocketClientBuilder`] yields a [`Connection`] driven by
//! tokio-tungstenite + rustls natively and by the browser's `WebSocket` on `wasm32`.
//!
//! A connection is run by a supervisor task that
//! - reconnects with exponential backoff and jitter ([`ReconnectPolicy`]), resetting the backoff
//!   only after a connection stayed up for a while;
//! - keeps the connection alive (protocol pings natively, the venue's text ping through
//!   [`Protocol`]) and replaces a connection on which nothing arrived within the idle timeout;
//! - replays auth ([`Protocol::on_connect_frames`]) and every tracked subscription
//!   ([`Connection::subscribe`]) on each new connection, before the sends queued meanwhile;
//! - renews old connections make-before-break ([`WebSocketConfig::max_connection_age`]),
//!   dropping messages both connections delivered ([`WsMessage::dedupe_key`]);
//! - never lets a slow consumer stall the socket ([`SlowConsumerPolicy`]);
//! - counts everything ([`Metrics`], [`Health`]) and enforces a venue's limits ([`RateLimiter`]).
//!
//! ```no_run
//! use futures::StreamExt;
//! use tradewire_websockets::{WebSocketClientBuilder, WebSocketConnection, WebSocketEvent};
//!
//! # async fn run() -> Result<(), tradewire_websockets::WsError> {
//! let conn = WebSocketClientBuilder::new("wss://stream.binance.com:9443/ws/btcusdt@trade")
//!     .build::<String>();
//! let mut events = conn.event_stream().expect("first call");
//! conn.connect().await?;
//! while let Some(event) = events.next().await {
//!     match event {
//!         WebSocketEvent::Message(text) => println!("{text}"),
//!         WebSocketEvent::Reconnecting { attempt, delay } => eprintln!("retry {attempt} in {delay:?}"),
//!         other => eprintln!("{other:?}"),
//!     }
//! }
//! # Ok(()) }
//! ```

mod backoff;
mod config;
mod connection;
mod error;
mod event;
mod frame;
mod message;
mod metrics;
mod platform;
mod protocol;
mod queue;
pub use tradewire_core::rate_limit;
pub mod rpc;
pub mod runtime;
mod supervisor;

pub use backoff::Backoff;
pub use config::{ReconnectPolicy, SlowConsumerPolicy, WebSocketConfig};
pub use connection::{Connection, WebSocketClientBuilder, WebSocketConnection};
pub use error::{DecodeError, DisconnectReason, EXCERPT_LEN, WsError};
pub use event::{ConnectionState, WebSocketEvent};
pub use frame::{Frame, Text};
pub use message::WsMessage;
pub use metrics::{Health, HeartbeatMode, Metrics, MetricsSnapshot};
pub use protocol::{Intercept, NoProtocol, Protocol};
pub use queue::EventStream;
pub use rate_limit::{
    LimitKind, Quota, RateLimitConfig, RateLimitError, RateLimitUsage, RateLimiter,
};
