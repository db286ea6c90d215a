//! The only platform-specific code of the project: socket, task spawning, timers.
//!
//! Everything above this module (supervisor, queues, codecs, venue crates) is the same on every
//! target. Natively the socket is tokio-tungstenite over rustls; on `wasm32` it is the browser's
//! `WebSocket` (web-sys).

use crate::frame::Frame;

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::*;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub(crate) use browser::*;

/// What a platform socket yields.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A data frame.
    Data(Frame),
    /// A protocol ping or pong arrived (the transport answers pings itself).
    Control,
    /// The peer closed the connection.
    Close { code: u16, reason: String },
}
