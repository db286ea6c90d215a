//! Connection settings.

use std::time::Duration;

/// What happens when the consumer does not keep up with the socket.
///
/// The socket is always read: pings are answered and close frames handled however slow the
/// consumer is (a reader that blocks on a full channel stops answering pings and gets the
/// connection killed by the venue). What differs is which messages are given up once the inbound
/// queue is full. Either way the loss is counted and reported as a
/// [`WsError::Lagged`](crate::WsError::Lagged) event before the next message, so a consumer that
/// keeps state (an order book) knows to resync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlowConsumerPolicy {
    /// Drop the oldest queued message to make room (the consumer sees the freshest data).
    #[default]
    DropOldest,
    /// Drop the incoming message (the consumer sees an unbroken prefix, then a gap).
    DropNewest,
}

/// Reconnection policy: exponential backoff with jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    /// Give up after this many consecutive failed attempts; `None` = never give up.
    pub max_attempts: Option<u32>,
    /// Delay before the first reconnect attempt.
    pub initial_delay: Duration,
    /// Each further attempt multiplies the delay by this factor.
    pub backoff_factor: f64,
    /// Upper bound of the delay.
    pub max_delay: Duration,
    /// Random spread applied to each delay, as a fraction (0.2 = ±20%).
    pub jitter: f64,
    /// The backoff resets only after a connection has stayed up this long; a connection that
    /// drops sooner keeps the delays growing.
    pub reset_after: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            max_attempts: None,
            initial_delay: Duration::from_millis(500),
            backoff_factor: 2.0,
            max_delay: Duration::from_secs(30),
            jitter: 0.2,
            reset_after: Duration::from_secs(30),
        }
    }
}

/// Settings of one supervised WebSocket connection.
///
/// ```
/// use std::time::Duration;
/// use tradewire_websockets::WebSocketConfig;
///
/// let cfg = WebSocketConfig::new("wss://stream.binance.com:9443/ws")
///     .ping_interval(Some(Duration::from_secs(20)))
///     .idle_timeout(Some(Duration::from_secs(60)))
///     .max_connection_age(Some(Duration::from_secs(23 * 3600)));
/// assert_eq!(cfg.url, "wss://stream.binance.com:9443/ws");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WebSocketConfig {
    /// `ws://` or `wss://` URL.
    pub url: String,
    /// Limit for one connect attempt (TCP + TLS + upgrade).
    pub connect_timeout: Duration,
    /// How often to send a heartbeat: a protocol ping natively, plus the venue's text ping when its
    /// [`Protocol`](crate::Protocol) defines one. `None` = no heartbeat.
    pub ping_interval: Option<Duration>,
    /// A connection on which nothing at all (no data, no pong) arrived for this long is presumed
    /// dead and replaced. `None` = never.
    pub idle_timeout: Option<Duration>,
    /// Reconnection behaviour.
    pub reconnect: ReconnectPolicy,
    /// Frames sent while the connection is down are held (in order) up to this many; beyond it
    /// `send` fails with [`WsError::QueueFull`](crate::WsError::QueueFull).
    pub outbound_queue: usize,
    /// Decoded-side buffer between the socket and the consumer, in messages.
    pub inbound_queue: usize,
    /// What to give up when the inbound buffer is full.
    pub slow_consumer: SlowConsumerPolicy,
    /// Largest accepted message (after reassembly), in bytes. Larger ones are refused.
    pub max_message_size: usize,
    /// Largest accepted single frame, in bytes.
    pub max_frame_size: usize,
    /// Renew the connection before it gets this old (venues cut connections at 24 h). Renewal is
    /// make-before-break: the new connection is opened and subscribed before the old one closes.
    pub max_connection_age: Option<Duration>,
    /// During a renewal, the old connection is closed once the new one has delivered its first
    /// message, or after this long at most.
    pub renewal_overlap: Duration,
    /// Size of the socket read buffer, in bytes (native; default 32 KiB). Allocated per
    /// connection: it dominates the memory of an idle connection (~40 KiB in all with the
    /// default), and a larger one means fewer, larger socket reads (`docs/performance.md`).
    pub read_buffer_size: usize,
    /// Extra HTTP headers for the upgrade request (native only: browsers do not let pages set
    /// WebSocket handshake headers).
    pub headers: Vec<(String, String)>,
}

impl WebSocketConfig {
    /// Defaults for `url`: 10 s connect timeout, 20 s pings, 60 s idle timeout, unlimited
    /// reconnects from 500 ms doubling to 30 s with ±20% jitter, 1024 queued sends, 65 536
    /// buffered inbound messages (drop-oldest), 16 MiB messages, no renewal.
    pub fn new(url: impl Into<String>) -> Self {
        WebSocketConfig {
            url: url.into(),
            connect_timeout: Duration::from_secs(10),
            ping_interval: Some(Duration::from_secs(20)),
            idle_timeout: Some(Duration::from_secs(60)),
            reconnect: ReconnectPolicy::default(),
            outbound_queue: 1024,
            inbound_queue: 65_536,
            slow_consumer: SlowConsumerPolicy::DropOldest,
            max_message_size: 16 << 20,
            max_frame_size: 16 << 20,
            max_connection_age: None,
            renewal_overlap: Duration::from_secs(10),
            read_buffer_size: 32 * 1024,
            headers: Vec::new(),
        }
    }

    /// Sets the URL.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Sets the heartbeat interval.
    pub fn ping_interval(mut self, d: Option<Duration>) -> Self {
        self.ping_interval = d;
        self
    }

    /// Sets the dead-peer timeout.
    pub fn idle_timeout(mut self, d: Option<Duration>) -> Self {
        self.idle_timeout = d;
        self
    }

    /// Sets the reconnection policy.
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// Sets the bound of the outbound queue.
    pub fn outbound_queue(mut self, n: usize) -> Self {
        self.outbound_queue = n.max(1);
        self
    }

    /// Sets the bound of the inbound buffer and the policy applied when it is full.
    pub fn inbound_queue(mut self, n: usize, policy: SlowConsumerPolicy) -> Self {
        self.inbound_queue = n.max(1);
        self.slow_consumer = policy;
        self
    }

    /// Sets both the message and the frame size limit.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self.max_frame_size = bytes;
        self
    }

    /// Sets the renewal age.
    pub fn max_connection_age(mut self, d: Option<Duration>) -> Self {
        self.max_connection_age = d;
        self
    }

    /// Sets the longest overlap of old and new connection during a renewal.
    pub fn renewal_overlap(mut self, d: Duration) -> Self {
        self.renewal_overlap = d;
        self
    }

    /// Adds a handshake header (native only).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How often the supervisor wakes to check heartbeats, idle time and connection age.
    pub(crate) fn tick_interval(&self) -> Duration {
        let mut d = Duration::from_secs(1);
        for candidate in [self.ping_interval, self.idle_timeout]
            .into_iter()
            .flatten()
        {
            d = d.min(candidate / 4);
        }
        d.max(Duration::from_millis(10))
    }
}
