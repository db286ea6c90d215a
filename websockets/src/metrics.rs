//! Counters and the health snapshot.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use web_time::Instant;

use crate::event::ConnectionState;

/// Live counters of one connection (all platforms). Cheap: relaxed atomics.
#[derive(Debug)]
pub struct Metrics {
    epoch: Instant,
    messages_received: AtomicU64,
    messages_sent: AtomicU64,
    bytes_received: AtomicU64,
    bytes_sent: AtomicU64,
    connections: AtomicU64,
    reconnections: AtomicU64,
    errors: AtomicU64,
    dropped: AtomicU64,
    duplicates: AtomicU64,
    /// ms since `epoch` + 1 of the current connection's start; 0 = not connected.
    connected_at: AtomicU64,
    /// ms since `epoch` + 1 of the last inbound frame of any kind; 0 = none yet.
    last_message_at: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            epoch: Instant::now(),
            messages_received: AtomicU64::new(0),
            messages_sent: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            bytes_sent: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            reconnections: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            connected_at: AtomicU64::new(0),
            last_message_at: AtomicU64::new(0),
        }
    }
}

/// A point-in-time copy of [`Metrics`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MetricsSnapshot {
    /// Data frames received (all connections).
    pub messages_received: u64,
    /// Data frames sent.
    pub messages_sent: u64,
    /// Payload bytes received.
    pub bytes_received: u64,
    /// Payload bytes sent.
    pub bytes_sent: u64,
    /// Connections established (first + reconnects + renewals).
    pub connections: u64,
    /// Reconnections after a drop.
    pub reconnections: u64,
    /// Errors seen (connect failures, transport errors, decode errors).
    pub errors: u64,
    /// Messages dropped by the slow-consumer policy.
    pub dropped: u64,
    /// Duplicates dropped during connection renewals.
    pub duplicates: u64,
    /// How long the current connection has been up, in ms (`None` when down).
    pub connection_uptime_ms: Option<u64>,
    /// Time since the last inbound frame, in ms (`None` before the first).
    pub last_message_age_ms: Option<u64>,
}

impl Metrics {
    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64 + 1
    }

    /// Counts received data frames (the caller records the time once per batch with
    /// [`touch_at`](Self::touch_at)).
    pub(crate) fn on_received(&self, frames: u64, bytes: u64) {
        self.messages_received.fetch_add(frames, Relaxed);
        self.bytes_received.fetch_add(bytes, Relaxed);
    }

    /// Records that something arrived at `now`.
    pub(crate) fn touch_at(&self, now: Instant) {
        let ms = now.saturating_duration_since(self.epoch).as_millis() as u64 + 1;
        self.last_message_at.store(ms, Relaxed);
    }

    pub(crate) fn on_sent(&self, bytes: u64) {
        self.messages_sent.fetch_add(1, Relaxed);
        self.bytes_sent.fetch_add(bytes, Relaxed);
    }

    pub(crate) fn on_connected(&self, reconnect: bool) {
        self.connections.fetch_add(1, Relaxed);
        if reconnect {
            self.reconnections.fetch_add(1, Relaxed);
        }
        self.connected_at.store(self.now_ms(), Relaxed);
    }

    pub(crate) fn on_disconnected(&self) {
        self.connected_at.store(0, Relaxed);
    }

    pub(crate) fn on_error(&self) {
        self.errors.fetch_add(1, Relaxed);
    }

    pub(crate) fn on_dropped(&self, n: u64) {
        self.dropped.fetch_add(n, Relaxed);
    }

    pub(crate) fn on_duplicate(&self) {
        self.duplicates.fetch_add(1, Relaxed);
    }

    /// Time since the last inbound frame.
    pub fn last_message_age_ms(&self) -> Option<u64> {
        match self.last_message_at.load(Relaxed) {
            0 => None,
            t => Some(self.now_ms().saturating_sub(t)),
        }
    }

    /// A copy of every counter.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let connected_at = self.connected_at.load(Relaxed);
        MetricsSnapshot {
            messages_received: self.messages_received.load(Relaxed),
            messages_sent: self.messages_sent.load(Relaxed),
            bytes_received: self.bytes_received.load(Relaxed),
            bytes_sent: self.bytes_sent.load(Relaxed),
            connections: self.connections.load(Relaxed),
            reconnections: self.reconnections.load(Relaxed),
            errors: self.errors.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            duplicates: self.duplicates.load(Relaxed),
            connection_uptime_ms: (connected_at != 0)
                .then(|| self.now_ms().saturating_sub(connected_at)),
            last_message_age_ms: self.last_message_age_ms(),
        }
    }
}

/// How a connection keeps itself alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeartbeatMode {
    /// WebSocket protocol pings (native), plus the venue's text ping if it has one.
    ProtocolPing,
    /// Only the venue's own text ping/pong (always the case in browsers, which cannot send
    /// protocol pings; they answer the server's pings themselves).
    VenueTextPing,
    /// No heartbeat is sent: liveness relies on the venue's traffic and server pings.
    None,
}

/// A serializable health snapshot of one connection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Current state.
    pub state: ConnectionState,
    /// `state == Connected`.
    pub is_connected: bool,
    /// Subscriptions replayed on every reconnect.
    pub subscriptions: usize,
    /// Consecutive reconnect attempts since the last stable connection.
    pub reconnect_attempts: u32,
    /// Time since the last inbound frame, in ms.
    pub last_message_age_ms: Option<u64>,
    /// How liveness is checked on this platform.
    pub heartbeat: HeartbeatMode,
    /// Every counter.
    pub metrics: MetricsSnapshot,
}
