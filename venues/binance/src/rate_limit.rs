//! Binance spot's documented connection limits, as [`RateLimitConfig`]s for the transport.
//!
//! Market streams (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#websocket-limits>):
//! 5 incoming messages per second per connection (pings, pongs and control messages count),
//! at most 1024 streams per connection, 300 connection attempts per 5 minutes per IP.
//! WebSocket API (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/rate-limits>):
//! 300 connections per 5 minutes per IP; request weight 6000 per minute (as reported by
//! `exchangeInfo` `rateLimits`, which is authoritative and may change).

use std::time::Duration;

use tradewire_websockets::{Quota, RateLimitConfig};

/// Messages a client may send per second on one market stream connection.
pub const STREAM_MESSAGES_PER_SECOND: u32 = 5;
/// Streams one market stream connection may carry.
pub const MAX_STREAMS_PER_CONNECTION: usize = 1024;
/// Connection attempts per IP per [`CONNECTION_WINDOW`].
pub const CONNECTIONS_PER_WINDOW: u32 = 300;
/// The window of [`CONNECTIONS_PER_WINDOW`]: five minutes.
pub const CONNECTION_WINDOW: Duration = Duration::from_secs(300);
/// WebSocket API / REST request weight per minute (default `REQUEST_WEIGHT` limit).
pub const REQUEST_WEIGHT_PER_MINUTE: u32 = 6000;

/// Limits of one market stream connection.
pub fn stream_limits() -> RateLimitConfig {
    RateLimitConfig {
        messages: Some(Quota::per_second(STREAM_MESSAGES_PER_SECOND)),
        connections: Some(Quota::new(CONNECTIONS_PER_WINDOW, CONNECTION_WINDOW)),
        weight: None,
        max_subscriptions: Some(MAX_STREAMS_PER_CONNECTION),
    }
}

/// Limits of one WebSocket API connection.
pub fn ws_api_limits() -> RateLimitConfig {
    RateLimitConfig {
        messages: None,
        connections: Some(Quota::new(CONNECTIONS_PER_WINDOW, CONNECTION_WINDOW)),
        weight: Some(Quota::per_minute(REQUEST_WEIGHT_PER_MINUTE)),
        max_subscriptions: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_numbers() {
        let s = stream_limits();
        assert_eq!(s.messages, Some(Quota::new(5, Duration::from_secs(1))));
        assert_eq!(s.max_subscriptions, Some(1024));
        assert_eq!(
            s.connections,
            Some(Quota::new(300, Duration::from_secs(300)))
        );
        assert_eq!(ws_api_limits().weight, Some(Quota::per_minute(6000)));
    }
}
