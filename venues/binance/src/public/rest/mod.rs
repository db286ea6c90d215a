//! Public REST endpoints (no credentials): [`BinancePublicRest`] and one module per endpoint.
//!
//! Every module holds the request (its documented parameters, serialized in order), the
//! response (the documented JSON), the function that sends it over a
//! [`RestClient`], and its unit tests. The client only orchestrates.
//!
//! | module | endpoint | weight (rest-api.md) | result |
//! |---|---|---|---|
//! | [`ping`] | `GET /api/v3/ping` | 1 | `()` |
//! | [`time`] | `GET /api/v3/time` | 1 | server time (ms) |
//! | [`exchange_info`] | `GET /api/v3/exchangeInfo` | 20 | [`ExchangeInfo`](exchange_info::ExchangeInfo) → [`SymbolMap`](crate::SymbolMap) |
//! | [`depth`] | `GET /api/v3/depth` | 5 / 25 / 50 / 250 by `limit` | [`BookUpdate`](tradewire_core::BookUpdate) snapshot |
//! | [`trades`] | `GET /api/v3/trades` | 25 | [`Trade`](tradewire_core::Trade)s |
//! | [`klines`] | `GET /api/v3/klines` | 2 per page | [`Candle`](tradewire_core::Candle)s, one page or any range |
//! | [`ticker_24hr`] | `GET /api/v3/ticker/24hr?symbol=` | 2 | [`Ticker`](tradewire_core::Ticker) |
//!
//! Source: <https://github.com/binance/binance-spot-api-docs/blob/master/rest-api.md>,
//! "General endpoints" and "Market Data endpoints".

pub mod client;
pub mod depth;
pub mod exchange_info;
pub mod klines;
pub mod ping;
pub mod ticker_24hr;
pub mod time;
pub mod trades;

pub use client::{BinancePublicRest, BinancePublicRestBuilder};

use std::sync::Arc;
use std::time::Duration;

use tradewire_core::{DecodeError, Venue};
use tradewire_rest::{RestClient, RestError, UsedWeightHeaderHook, code_msg_error_parser, excerpt};
use tradewire_websockets::{Quota, RateLimitConfig, RateLimiter};
use web_time::{SystemTime, UNIX_EPOCH};

use crate::rate_limit::REQUEST_WEIGHT_PER_MINUTE;

/// A request-weight limiter with Binance's default `REQUEST_WEIGHT` budget (6000 per minute,
/// rest-api.md "LIMITS"; the `exchangeInfo` `rateLimits` entry is authoritative).
///
/// Binance counts weight per IP across the REST API and the WebSocket API: hand one limiter to
/// every client of the same IP ([`BinancePublicRestBuilder::rate_limiter`],
/// [`BinancePrivateRestBuilder::rate_limiter`](crate::private::rest::BinancePrivateRestBuilder::rate_limiter)).
///
/// ```
/// let limiter = tradewire_binance::public::rest::weight_limiter(6000);
/// assert_eq!(limiter.usage().weight, Some((0, 6000)));
/// ```
pub fn weight_limiter(per_minute: u32) -> Arc<RateLimiter> {
    Arc::new(RateLimiter::new(RateLimitConfig {
        weight: Some(Quota::per_minute(per_minute)),
        ..RateLimitConfig::default()
    }))
}

/// [`weight_limiter`] with [`REQUEST_WEIGHT_PER_MINUTE`].
pub(crate) fn default_weight_limiter() -> Arc<RateLimiter> {
    weight_limiter(REQUEST_WEIGHT_PER_MINUTE)
}

/// The transport every Binance REST client uses: Binance's `{"code","msg"}` error parser, the
/// weight limiter, and the `X-MBX-USED-WEIGHT-1M` hook feeding the venue's count back into it.
pub(crate) fn rest_client(
    base_url: String,
    limiter: Arc<RateLimiter>,
    timeout: Option<Duration>,
) -> Result<RestClient, RestError> {
    RestClient::builder(Venue::Binance, base_url)
        .error_parser(code_msg_error_parser)
        .rate_limiter(limiter.clone())
        .hook(UsedWeightHeaderHook::binance(limiter))
        .timeout(timeout)
        .build()
}

/// Milliseconds since the Unix epoch, from the local clock (works in browsers too).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A [`DecodeError`] of `body` as a [`RestError::Decode`] (with a short excerpt of the body).
pub(crate) fn decode_error(e: DecodeError, body: &[u8]) -> RestError {
    RestError::Decode {
        what: e.what,
        message: e.message,
        excerpt: excerpt(body),
    }
}

/// A venue symbol as Binance spells it in requests: ASCII upper case (`btcusdt` → `BTCUSDT`).
pub(crate) fn venue_symbol(symbol: &str) -> String {
    symbol.trim().to_ascii_uppercase()
}

/// An invalid argument, refused before anything is sent.
pub(crate) fn invalid(message: impl Into<String>) -> RestError {
    RestError::InvalidRequest(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(venue_symbol(" btcUsdt "), "BTCUSDT");
        let limiter = default_weight_limiter();
        assert_eq!(limiter.usage().weight, Some((0, 6000)));
        let e = decode_error(
            DecodeError::new(Venue::Binance, "depth", "eof"),
            b"{\"lastUpdateId\":",
        );
        assert!(
            matches!(e, RestError::Decode { ref what, ref excerpt, .. } if what == "depth" && excerpt.starts_with("{\"last"))
        );
        assert!(now_ms() > 1_600_000_000_000);
    }
}
