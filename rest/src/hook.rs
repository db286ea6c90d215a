//! Response hooks: code that sees the status and headers of every response.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, StatusCode};
use tradewire_core::rate_limit::RateLimiter;

/// Called with the status and headers of every response a [`RestClient`](crate::RestClient)
/// receives (success or failure, before the body is interpreted).
///
/// Venues use it to feed usage headers into their limiter, e.g. Binance's
/// `X-MBX-USED-WEIGHT-1M` ([`UsedWeightHeaderHook`]). Hooks run synchronously on the task
/// that sent the request: keep them cheap and never log header values blindly.
///
/// Closures implement it; annotate their parameter types:
///
/// ```
/// use tradewire_core::Venue;
/// use tradewire_rest::{RestClient, http::{HeaderMap, StatusCode}};
///
/// let client = RestClient::builder(Venue::Okx, "https://www.okx.com")
///     .hook(|status: StatusCode, _headers: &HeaderMap| {
///         if status.is_server_error() {
///             eprintln!("okx answered {status}");
///         }
///     })
///     .build()?;
/// # Ok::<(), tradewire_rest::RestError>(())
/// ```
pub trait ResponseHook: Send + Sync {
    /// Sees one response.
    fn on_response(&self, status: StatusCode, headers: &HeaderMap);
}

impl<F> ResponseHook for F
where
    F: Fn(StatusCode, &HeaderMap) + Send + Sync,
{
    fn on_response(&self, status: StatusCode, headers: &HeaderMap) {
        self(status, headers)
    }
}

/// Aligns a [`RateLimiter`]'s weight window with the venue's own count, read from a response
/// header holding the weight used so far (Binance: `x-mbx-used-weight-1m`), via
/// [`RateLimiter::sync_weight`].
///
/// ```
/// use std::sync::Arc;
/// use tradewire_rest::{http::{HeaderMap, HeaderValue, StatusCode}, ResponseHook, UsedWeightHeaderHook};
/// use tradewire_core::rate_limit::{Quota, RateLimitConfig, RateLimiter};
///
/// let limiter = Arc::new(RateLimiter::new(RateLimitConfig {
///     weight: Some(Quota::per_minute(6000)),
///     ..Default::default()
/// }));
/// let hook = UsedWeightHeaderHook::binance(limiter.clone());
/// let mut headers = HeaderMap::new();
/// headers.insert("x-mbx-used-weight-1m", HeaderValue::from_static("1234"));
/// hook.on_response(StatusCode::OK, &headers);
/// assert_eq!(limiter.usage().weight, Some((1234, 6000)));
/// ```
pub struct UsedWeightHeaderHook {
    header: HeaderName,
    limiter: Arc<RateLimiter>,
}

impl UsedWeightHeaderHook {
    /// Binance's header (`X-MBX-USED-WEIGHT-1M`, the weight used in the current minute).
    pub const BINANCE_HEADER: &'static str = "x-mbx-used-weight-1m";

    /// Reads `header` into `limiter`.
    pub fn new(header: HeaderName, limiter: Arc<RateLimiter>) -> Self {
        UsedWeightHeaderHook { header, limiter }
    }

    /// Reads [`BINANCE_HEADER`](Self::BINANCE_HEADER) into `limiter`.
    pub fn binance(limiter: Arc<RateLimiter>) -> Self {
        Self::new(HeaderName::from_static(Self::BINANCE_HEADER), limiter)
    }

    /// The header read.
    pub fn header(&self) -> &HeaderName {
        &self.header
    }
}

impl fmt::Debug for UsedWeightHeaderHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsedWeightHeaderHook")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl ResponseHook for UsedWeightHeaderHook {
    fn on_response(&self, _status: StatusCode, headers: &HeaderMap) {
        let used = headers
            .get(&self.header)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok());
        if let Some(used) = used {
            tracing::trace!(header = %self.header, used, "syncing request weight");
            self.limiter.sync_weight(used);
        }
    }
}
