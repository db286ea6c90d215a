//! Events delivered to the consumer and the connection state machine.

use std::time::Duration;

use crate::error::{DisconnectReason, WsError};

/// What the consumer receives from [`EventStream`](crate::EventStream).
#[derive(Debug, Clone, PartialEq)]
pub enum WebSocketEvent<T> {
    /// A connection is established (the first one, or a replacement after a drop). Auth and
    /// subscriptions have been replayed and queued sends flushed when this is seen after a
    /// reconnect.
    Connected,
    /// A decoded message.
    Message(T),
    /// The connection dropped; the next attempt starts after `delay`.
    Reconnecting {
        /// 1-based attempt number since the last stable connection.
        attempt: u32,
        /// Wait before the attempt.
        delay: Duration,
    },
    /// A connection ended.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
    /// An error. Decode errors and lag reports leave the connection up.
    Error(WsError),
}

/// Connection lifecycle: `Disconnected → Connecting → Connected → Reconnecting → … → Closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// Built, `connect()` not called yet.
    Disconnected,
    /// First connection attempt in progress.
    Connecting,
    /// Connected.
    Connected,
    /// Lost the connection; waiting or trying again.
    Reconnecting,
    /// Closed for good (by the user, or reconnection gave up).
    Closed,
}
