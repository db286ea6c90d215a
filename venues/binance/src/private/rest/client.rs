//! [`BinancePrivateRest`]: Binance spot's signed REST API (trading and account data).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tradewire_core::{Balance, Credentials, Order};
use tradewire_rest::{DEFAULT_TIMEOUT, RestClient, RestError};
use tradewire_websockets::RateLimiter;

use super::account::{self, AccountInfo, AccountRequest};
use super::cancel_order::{self, CancelOrderRequest};
use super::new_order::{self, NewOrderRequest, NewOrderResponse};
use super::open_orders::{self, OpenOrdersRequest};
use super::query_order::{self, QueryOrderRequest};
use super::signing::{KeyType, RequestAuth};
use crate::public::rest::{default_weight_limiter, rest_client, time};
use crate::{REST_URL, TESTNET_REST_URL};

/// Binance spot's SIGNED REST endpoints: place, cancel and query orders, list open orders,
/// read the account's balances.
///
/// - **Credentials are required** at construction ([`Credentials`]): an HMAC-SHA256 key
///   ([`new`](Self::new)) or an Ed25519 key whose secret is the PKCS#8 PEM private key
///   ([`new_ed25519`](Self::new_ed25519)). Every request carries `X-MBX-APIKEY`,
///   `recvWindow` (when set), `timestamp` (local clock + [`time_offset_ms`](Self::time_offset_ms))
///   and the `signature` of the exact query string sent (rest-api.md "SIGNED (TRADE and
///   USER_DATA) Endpoint security").
/// - **Secrets** stay inside the signer: `Debug` of the client shows the base URL, key type,
///   `recvWindow` and clock offset only, and errors never contain keys, signatures or URLs.
/// - **Weight and errors** as [`BinancePublicRest`](crate::BinancePublicRest): documented
///   weight declared to the shared [`RateLimiter`], `X-MBX-USED-WEIGHT-1M` followed, 429/418
///   → [`RestError::RateLimited`] (never retried), `{"code":-2010,"msg":…}` →
///   [`RestError::Venue`] (`-1022`: bad signature, `-2015`: bad key, `-1021`: timestamp
///   outside `recvWindow`, …).
///
/// ```no_run
/// use tradewire_binance::BinancePrivateRest;
/// use tradewire_binance::private::rest::new_order::NewOrderRequest;
/// use tradewire_core::{Credentials, Decimal, Side};
///
/// # async fn run() -> Result<(), tradewire_rest::RestError> {
/// let creds = Credentials::new("my-api-key", "my-secret");
/// let binance = BinancePrivateRest::new(tradewire_binance::TESTNET_REST_URL, creds)?;
/// binance.sync_time().await?;
/// let order = binance
///     .new_order(&NewOrderRequest::limit("BTCUSDT", Side::Buy, Decimal::new(1, 3), Decimal::new(30_000, 0)))
///     .await?;
/// println!("{} is {}", order.id, order.status);
/// for b in binance.balances().await? {
///     println!("{}: {} free, {} locked", b.asset, b.free, b.locked);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct BinancePrivateRest {
    rest: RestClient,
    limiter: Arc<RateLimiter>,
    auth: Arc<RequestAuth>,
}

/// Configures a [`BinancePrivateRest`].
pub struct BinancePrivateRestBuilder {
    base_url: String,
    credentials: Credentials,
    key_type: KeyType,
    recv_window: Option<Duration>,
    limiter: Option<Arc<RateLimiter>>,
    timeout: Option<Duration>,
}

impl BinancePrivateRestBuilder {
    /// The key type (default [`KeyType::Hmac`]; for [`KeyType::Ed25519`] the secret is the
    /// PKCS#8 PEM private key).
    pub fn key_type(mut self, key_type: KeyType) -> Self {
        self.key_type = key_type;
        self
    }

    /// Sends `recvWindow` (Binance's default without it: 5000 ms; at most 60000 ms).
    pub fn recv_window(mut self, window: Duration) -> Self {
        self.recv_window = Some(window);
        self
    }

    /// Uses `limiter` for request weight (share it with the other Binance clients of the same
    /// IP). Default: a new limiter of 6000 per minute.
    pub fn rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Whole-request timeout (default 10 s); `None` disables it.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the client; an error for missing credentials, an unreadable Ed25519 key, a
    /// `recvWindow` out of range, or an invalid base URL. Errors never contain key material.
    pub fn build(self) -> Result<BinancePrivateRest, RestError> {
        let mut auth = RequestAuth::new(&self.credentials, self.key_type)?;
        if let Some(window) = self.recv_window {
            auth = auth.with_recv_window(window)?;
        }
        let limiter = self.limiter.unwrap_or_else(default_weight_limiter);
        let rest = rest_client(self.base_url, limiter.clone(), self.timeout)?;
        Ok(BinancePrivateRest {
            rest,
            limiter,
            auth: Arc::new(auth),
        })
    }
}

impl fmt::Debug for BinancePrivateRestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BinancePrivateRestBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("key_type", &self.key_type)
            .field("recv_window", &self.recv_window)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl BinancePrivateRest {
    /// A builder for the API at `base_url` with `credentials` (HMAC unless
    /// [`key_type`](BinancePrivateRestBuilder::key_type) says otherwise).
    pub fn builder(
        base_url: impl Into<String>,
        credentials: Credentials,
    ) -> BinancePrivateRestBuilder {
        BinancePrivateRestBuilder {
            base_url: base_url.into(),
            credentials,
            key_type: KeyType::Hmac,
            recv_window: None,
            limiter: None,
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// The API at `base_url` with an HMAC-SHA256 key.
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> Result<Self, RestError> {
        Self::builder(base_url, credentials).build()
    }

    /// The API at `base_url` with an Ed25519 key (`credentials.secret` = the PKCS#8 PEM
    /// private key).
    pub fn new_ed25519(
        base_url: impl Into<String>,
        credentials: Credentials,
    ) -> Result<Self, RestError> {
        Self::builder(base_url, credentials)
            .key_type(KeyType::Ed25519)
            .build()
    }

    /// Production ([`REST_URL`]) with an HMAC key.
    pub fn production(credentials: Credentials) -> Result<Self, RestError> {
        Self::new(REST_URL, credentials)
    }

    /// The spot testnet ([`TESTNET_REST_URL`]) with an HMAC key.
    pub fn testnet(credentials: Credentials) -> Result<Self, RestError> {
        Self::new(TESTNET_REST_URL, credentials)
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        self.rest.base_url()
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.auth.key_type()
    }

    /// The request-weight limiter.
    pub fn rate_limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

    /// The underlying transport.
    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// The signer (to sign endpoints this client does not wrap:
    /// `auth.sign(client.rest().get(path).param(…).weight(w))`).
    pub fn auth(&self) -> &RequestAuth {
        &self.auth
    }

    /// The correction added to the local clock for `timestamp`, in ms.
    pub fn time_offset_ms(&self) -> i64 {
        self.auth.time_offset_ms()
    }

    /// Sets the clock correction.
    pub fn set_time_offset_ms(&self, offset_ms: i64) {
        self.auth.set_time_offset_ms(offset_ms);
    }

    /// Measures the clock offset with `GET /api/v3/time` (weight 1), uses it for every later
    /// `timestamp`, and returns it.
    pub async fn sync_time(&self) -> Result<i64, RestError> {
        let offset = time::clock_offset_ms(&self.rest).await?;
        self.auth.set_time_offset_ms(offset);
        Ok(offset)
    }

    /// `POST /api/v3/order` (weight 1): places an order; its state as a core [`Order`] (see
    /// [`NewOrderResponse::to_order`] for `ACK` responses).
    pub async fn new_order(&self, req: &NewOrderRequest) -> Result<Order, RestError> {
        self.new_order_response(req).await?.to_order(req)
    }

    /// [`new_order`](Self::new_order), with Binance's whole response (fills, commissions).
    pub async fn new_order_response(
        &self,
        req: &NewOrderRequest,
    ) -> Result<NewOrderResponse, RestError> {
        new_order::send(&self.rest, &self.auth, req).await
    }

    /// `DELETE /api/v3/order` (weight 1): cancels an order; its final state.
    pub async fn cancel_order(&self, req: &CancelOrderRequest) -> Result<Order, RestError> {
        cancel_order::send(&self.rest, &self.auth, req)
            .await?
            .to_order()
    }

    /// `GET /api/v3/order` (weight 4): an order's state.
    pub async fn query_order(&self, req: &QueryOrderRequest) -> Result<Order, RestError> {
        query_order::send(&self.rest, &self.auth, req)
            .await?
            .to_order()
    }

    /// `GET /api/v3/openOrders` (weight 6 for a symbol, 80 for all): open orders.
    pub async fn open_orders(&self, symbol: Option<&str>) -> Result<Vec<Order>, RestError> {
        let req = match symbol {
            Some(s) => OpenOrdersRequest::symbol(s),
            None => OpenOrdersRequest::all(),
        };
        open_orders::to_orders(&open_orders::send(&self.rest, &self.auth, &req).await?)
    }

    /// `GET /api/v3/account` (weight 20): account information and every balance.
    pub async fn account(&self) -> Result<AccountInfo, RestError> {
        self.account_with(&AccountRequest::new()).await
    }

    /// `GET /api/v3/account` with parameters (e.g. [`AccountRequest::non_zero`]).
    pub async fn account_with(&self, req: &AccountRequest) -> Result<AccountInfo, RestError> {
        account::send(&self.rest, &self.auth, req).await
    }

    /// The account's balances as core [`Balance`]s (one `GET /api/v3/account`).
    pub async fn balances(&self) -> Result<Vec<Balance>, RestError> {
        Ok(self.account().await?.balances())
    }
}

impl fmt::Debug for BinancePrivateRest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BinancePrivateRest")
            .field("base_url", &self.rest.base_url())
            .field("auth", &self.auth)
            .field("weight", &self.limiter.usage().weight)
            .finish()
    }
}
