//! [`BinancePublicRest`]: Binance spot's public REST API (market data), no credentials.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tradewire_core::{BookUpdate, Candle, Ticker, Timeframe, Trade};
use tradewire_rest::{DEFAULT_TIMEOUT, RestClient, RestError};
use tradewire_websockets::RateLimiter;

use super::depth::{self, DepthRequest};
use super::exchange_info::{self, ExchangeInfo, ExchangeInfoRequest};
use super::klines::{self, KlinesRequest};
use super::ticker_24hr::{self, Ticker24hr, Ticker24hrRequest};
use super::trades::{self, RecentTrade, TradesRequest};
use super::{default_weight_limiter, ping, rest_client, time};
use crate::{DepthSnapshot, MARKET_DATA_REST_URL, REST_URL, SymbolMap, TESTNET_REST_URL};

/// Binance spot's public REST API: exchange information, order book, recent trades, klines
/// (one page or any range), 24-hour ticker, ping and server time.
///
/// - **Base URL**: [`REST_URL`] ([`production`](Self::production)),
///   [`MARKET_DATA_REST_URL`] ([`market_data`](Self::market_data)),
///   [`TESTNET_REST_URL`] ([`testnet`](Self::testnet)), or any URL
///   ([`new`](Self::new), e.g. a `tradewire-mock` simulator at `http://127.0.0.1:PORT`).
/// - **Weight**: every request declares its documented weight to a
///   [`RateLimiter`] (6000 per minute by default) *before* it is sent; the limiter follows
///   Binance's own count from each response's `X-MBX-USED-WEIGHT-1M`. Over the budget, a
///   request fails with [`RestError::LocalRateLimit`] and is not sent.
/// - **Venue limits**: HTTP 429 / 418 become [`RestError::RateLimited`] (`retry_after` from
///   `Retry-After`, `banned` for 418); nothing is retried, and until `Retry-After` has passed
///   further requests fail the same way without being sent.
/// - **Venue errors**: `{"code":-1121,"msg":"Invalid symbol."}` becomes
///   [`RestError::Venue`] with `code` `"-1121"` and the message.
///
/// Cheap to clone (clones share the connection pool, limiter and back-off state).
///
/// ```no_run
/// use tradewire_binance::BinancePublicRest;
/// use tradewire_core::Timeframe;
///
/// # async fn run() -> Result<(), tradewire_rest::RestError> {
/// let binance = BinancePublicRest::market_data()?;
/// let map = binance.symbol_map().await?;
/// let book = binance.depth("BTCUSDT", Some(100)).await?;
/// let day = 86_400_000;
/// let candles = binance
///     .klines_range("BTCUSDT", Timeframe::M1, 1_700_000_000_000, 1_700_000_000_000 + day)
///     .await?; // 1441 candles in 2 requests
/// println!("{} symbols, book at {:?}, {} candles", map.len(), book.last_seq, candles.len());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct BinancePublicRest {
    rest: RestClient,
    limiter: Arc<RateLimiter>,
}

/// Configures a [`BinancePublicRest`].
pub struct BinancePublicRestBuilder {
    base_url: String,
    limiter: Option<Arc<RateLimiter>>,
    timeout: Option<Duration>,
}

impl BinancePublicRestBuilder {
    /// Uses `limiter` for request weight (share one limiter between every Binance client of
    /// the same IP: REST public and private, WebSocket API). Default: a new
    /// [`weight_limiter`](super::weight_limiter) of 6000 per minute.
    pub fn rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Whole-request timeout (default 10 s, Binance's own processing timeout); `None`
    /// disables it.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the client; an error for an invalid base URL.
    pub fn build(self) -> Result<BinancePublicRest, RestError> {
        let limiter = self.limiter.unwrap_or_else(default_weight_limiter);
        let rest = rest_client(self.base_url, limiter.clone(), self.timeout)?;
        Ok(BinancePublicRest { rest, limiter })
    }
}

impl fmt::Debug for BinancePublicRestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BinancePublicRestBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl BinancePublicRest {
    /// A builder for the API at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> BinancePublicRestBuilder {
        BinancePublicRestBuilder {
            base_url: base_url.into(),
            limiter: None,
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// The API at `base_url` with the defaults.
    pub fn new(base_url: impl Into<String>) -> Result<Self, RestError> {
        Self::builder(base_url).build()
    }

    /// Production: [`REST_URL`] (`https://api.binance.com`).
    pub fn production() -> Result<Self, RestError> {
        Self::new(REST_URL)
    }

    /// The market-data-only endpoint: [`MARKET_DATA_REST_URL`]
    /// (`https://data-api.binance.vision`).
    pub fn market_data() -> Result<Self, RestError> {
        Self::new(MARKET_DATA_REST_URL)
    }

    /// The spot testnet: [`TESTNET_REST_URL`]
    /// (`https://testnet.binance.vision`).
    pub fn testnet() -> Result<Self, RestError> {
        Self::new(TESTNET_REST_URL)
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        self.rest.base_url()
    }

    /// The request-weight limiter (its `usage().weight` is `(used, limit)` in the current
    /// window, following `X-MBX-USED-WEIGHT-1M`).
    pub fn rate_limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

    /// The underlying transport, for endpoints this client does not wrap.
    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// `GET /api/v3/ping` (weight 1).
    pub async fn ping(&self) -> Result<(), RestError> {
        ping::send(&self.rest).await
    }

    /// `GET /api/v3/time` (weight 1): the server time, UTC ms.
    pub async fn server_time(&self) -> Result<i64, RestError> {
        time::send(&self.rest).await
    }

    /// The server clock minus the local clock, in ms (one `GET /api/v3/time`).
    pub async fn clock_offset_ms(&self) -> Result<i64, RestError> {
        time::clock_offset_ms(&self.rest).await
    }

    /// `GET /api/v3/exchangeInfo` (weight 20).
    pub async fn exchange_info(
        &self,
        req: &ExchangeInfoRequest,
    ) -> Result<ExchangeInfo, RestError> {
        exchange_info::send(&self.rest, req).await
    }

    /// Every symbol's base and quote asset as a [`SymbolMap`] (one `exchangeInfo`, weight 20).
    pub async fn symbol_map(&self) -> Result<SymbolMap, RestError> {
        Ok(self
            .exchange_info(&ExchangeInfoRequest::all())
            .await?
            .symbol_map())
    }

    /// `GET /api/v3/depth` (weight 5–250 by `limit`): the book snapshot as a [`BookUpdate`]
    /// (`last_seq` = `lastUpdateId`).
    pub async fn depth(&self, symbol: &str, limit: Option<u32>) -> Result<BookUpdate, RestError> {
        depth::send(&self.rest, &Self::depth_request(symbol, limit)).await
    }

    /// [`depth`](Self::depth), as Binance sent it.
    pub async fn depth_snapshot(
        &self,
        symbol: &str,
        limit: Option<u32>,
    ) -> Result<DepthSnapshot, RestError> {
        depth::send_snapshot(&self.rest, &Self::depth_request(symbol, limit)).await
    }

    fn depth_request(symbol: &str, limit: Option<u32>) -> DepthRequest {
        match limit {
            Some(l) => DepthRequest::new(symbol).with_limit(l),
            None => DepthRequest::new(symbol),
        }
    }

    /// `GET /api/v3/trades` (weight 25): recent trades, oldest first, `side` = taker side.
    pub async fn recent_trades(
        &self,
        symbol: &str,
        limit: Option<u32>,
    ) -> Result<Vec<Trade>, RestError> {
        trades::send(&self.rest, &Self::trades_request(symbol, limit)).await
    }

    /// [`recent_trades`](Self::recent_trades), as Binance sent them.
    pub async fn recent_trades_raw(
        &self,
        symbol: &str,
        limit: Option<u32>,
    ) -> Result<Vec<RecentTrade>, RestError> {
        trades::send_raw(&self.rest, &Self::trades_request(symbol, limit)).await
    }

    fn trades_request(symbol: &str, limit: Option<u32>) -> TradesRequest {
        match limit {
            Some(l) => TradesRequest::new(symbol).with_limit(l),
            None => TradesRequest::new(symbol),
        }
    }

    /// `GET /api/v3/klines` (weight 2): one page of candles (at most 1000).
    pub async fn klines(&self, req: &KlinesRequest) -> Result<Vec<Candle>, RestError> {
        klines::send(&self.rest, req).await
    }

    /// Every candle of `symbol` at `timeframe` opening in `[start_ms, end_ms]`, however many
    /// pages of 1000 that takes (weight 2 each), oldest first, no duplicates.
    pub async fn klines_range(
        &self,
        symbol: &str,
        timeframe: Timeframe,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<Candle>, RestError> {
        klines::range(&self.rest, symbol, timeframe, start_ms, end_ms).await
    }

    /// `GET /api/v3/ticker/24hr?symbol=` (weight 2) as a [`Ticker`].
    pub async fn ticker_24hr(&self, symbol: &str) -> Result<Ticker, RestError> {
        ticker_24hr::send(&self.rest, &Ticker24hrRequest::new(symbol)).await
    }

    /// [`ticker_24hr`](Self::ticker_24hr), as Binance sent it.
    pub async fn ticker_24hr_raw(&self, symbol: &str) -> Result<Ticker24hr, RestError> {
        ticker_24hr::send_raw(&self.rest, &Ticker24hrRequest::new(symbol)).await
    }
}

impl fmt::Debug for BinancePublicRest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BinancePublicRest")
            .field("base_url", &self.rest.base_url())
            .field("weight", &self.limiter.usage().weight)
            .finish()
    }
}
