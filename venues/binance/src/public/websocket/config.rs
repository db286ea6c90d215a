//! Settings of a [`BinancePublicClient`](super::BinancePublicClient).

use std::time::Duration;

use tradewire_websockets::{RateLimitConfig, WebSocketConfig};

use crate::rate_limit::stream_limits;
use crate::{MARKET_DATA_STREAM_URL, STREAM_URL, TESTNET_STREAM_URL};

/// The default renewal age: 23 h 30 min, comfortably before Binance's 24-hour cut
/// (web-socket-streams.md "General WSS information": "A single connection to stream.binance.com
/// is only valid for 24 hours").
pub const DEFAULT_MAX_CONNECTION_AGE: Duration = Duration::from_secs(23 * 3600 + 30 * 60);

/// Settings of a public market stream client.
///
/// ```
/// use std::time::Duration;
/// use tradewire_binance::public::websocket::BinancePublicConfig;
///
/// let config = BinancePublicConfig::market_data_only()
///     .max_connection_age(Some(Duration::from_secs(12 * 3600)))
///     .request_timeout(Duration::from_secs(5));
/// assert_eq!(config.stream_url(), "wss://data-stream.binance.vision/stream");
/// assert_eq!(config.websocket.max_connection_age, Some(Duration::from_secs(12 * 3600)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BinancePublicConfig {
    /// Base URL of the stream server, without path (`wss://stream.binance.com:9443`, the
    /// market-data-only or testnet server, or a simulator's `ws://127.0.0.1:PORT`). The client
    /// connects to `<base>/stream`: one combined-stream connection, whose payloads carry their
    /// stream name.
    pub base_url: String,
    /// Transport settings (its `url` is replaced by [`stream_url`](Self::stream_url)).
    pub websocket: WebSocketConfig,
    /// The limits enforced locally (default [`stream_limits`]: 5 messages per second, 1024
    /// streams per connection, 300 connection attempts per 5 minutes).
    pub rate_limits: RateLimitConfig,
    /// How long a control request (`SUBSCRIBE`, …) waits for its reply.
    pub request_timeout: Duration,
    /// Streams per `SUBSCRIBE` frame when subscriptions are replayed on a new connection.
    pub replay_batch: usize,
    /// Events buffered between the connection and a slow reader of the event stream (beyond
    /// it, messages are dropped and reported as lagged).
    pub event_buffer: usize,
}

impl BinancePublicConfig {
    /// Defaults for the server at `base_url`:
    /// - one combined-stream connection renewed make-before-break after
    ///   [`DEFAULT_MAX_CONNECTION_AGE`];
    /// - no client heartbeat (the server pings every 20 s and the transport answers; client pings
    ///   would count against the 5 messages per second), and a connection on which nothing
    ///   arrived for 60 s (not even a server ping) is replaced. In browsers pings are invisible:
    ///   there the 60 s apply to data, so raise [`websocket`](Self::websocket)`.idle_timeout`
    ///   for quiet streams;
    /// - Binance's limits, 10 s request timeout, replay in batches of 200 streams.
    pub fn new(base_url: impl Into<String>) -> Self {
        let base_url = base_url.into();
        BinancePublicConfig {
            websocket: WebSocketConfig::new(stream_url(&base_url))
                .ping_interval(None)
                .idle_timeout(Some(Duration::from_secs(60)))
                .max_connection_age(Some(DEFAULT_MAX_CONNECTION_AGE)),
            base_url,
            rate_limits: stream_limits(),
            request_timeout: Duration::from_secs(10),
            replay_batch: 200,
            event_buffer: 65_536,
        }
    }

    /// Production: [`STREAM_URL`].
    pub fn production() -> Self {
        Self::new(STREAM_URL)
    }

    /// The market-data-only server: [`MARKET_DATA_STREAM_URL`].
    pub fn market_data_only() -> Self {
        Self::new(MARKET_DATA_STREAM_URL)
    }

    /// The spot testnet: [`TESTNET_STREAM_URL`].
    pub fn testnet() -> Self {
        Self::new(TESTNET_STREAM_URL)
    }

    /// The URL the client connects to: `<base>/stream`.
    pub fn stream_url(&self) -> String {
        stream_url(&self.base_url)
    }

    /// Sets the renewal age (`None`: never renew; Binance then cuts the connection at 24 h and
    /// the client reconnects).
    pub fn max_connection_age(mut self, age: Option<Duration>) -> Self {
        self.websocket.max_connection_age = age;
        self
    }

    /// Sets the control request timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Replaces the locally enforced limits.
    pub fn rate_limits(mut self, limits: RateLimitConfig) -> Self {
        self.rate_limits = limits;
        self
    }

    /// Replaces the transport settings (the URL is still [`stream_url`](Self::stream_url)).
    pub fn websocket(mut self, websocket: WebSocketConfig) -> Self {
        self.websocket = websocket;
        self
    }

    /// Sets the number of streams per replayed `SUBSCRIBE` frame.
    pub fn replay_batch(mut self, streams: usize) -> Self {
        self.replay_batch = streams.max(1);
        self
    }
}

fn stream_url(base: &str) -> String {
    format!("{}/stream", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_websockets::Quota;

    #[test]
    fn endpoints() {
        // web-socket-streams.md "General WSS information": combined streams at `/stream`.
        assert_eq!(
            BinancePublicConfig::production().stream_url(),
            "wss://stream.binance.com:9443/stream"
        );
        assert_eq!(
            BinancePublicConfig::market_data_only().stream_url(),
            "wss://data-stream.binance.vision/stream"
        );
        assert_eq!(
            BinancePublicConfig::testnet().stream_url(),
            "wss://stream.testnet.binance.vision/stream"
        );
        assert_eq!(
            BinancePublicConfig::new("ws://127.0.0.1:4000/").stream_url(),
            "ws://127.0.0.1:4000/stream"
        );
    }

    #[test]
    fn defaults_follow_binance_limits() {
        let c = BinancePublicConfig::production();
        assert_eq!(c.websocket.url, "wss://stream.binance.com:9443/stream");
        let age = c.websocket.max_connection_age.unwrap();
        assert!(age < Duration::from_secs(24 * 3600));
        assert!(age >= Duration::from_secs(23 * 3600));
        assert_eq!(c.websocket.ping_interval, None);
        assert_eq!(c.rate_limits.messages, Some(Quota::per_second(5)));
        assert_eq!(c.rate_limits.max_subscriptions, Some(1024));
        assert_eq!(
            c.rate_limits.connections,
            Some(Quota::new(300, Duration::from_secs(300)))
        );
        let c = c.max_connection_age(None).replay_batch(0);
        assert_eq!(c.websocket.max_connection_age, None);
        assert_eq!(c.replay_batch, 1);
    }
}
