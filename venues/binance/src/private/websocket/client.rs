//! [`BinancePrivateWs`]: the WebSocket API with credentials. Orchestration only: messages are
//! built by the method modules, the session replay by [`session`](super::session).
//!
//! Doc: web-socket-api.md "General API Information", "Session Authentication", "Request
//! security", "Rate limits"; user-data-stream.md.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::de::DeserializeOwned;
use tradewire_core::{DecodeError, Venue};
use tradewire_websockets::rpc::RpcClient;
use tradewire_websockets::{
    Connection, ConnectionState, RateLimiter, WebSocketClientBuilder, WebSocketConfig,
    WebSocketConnection,
};

use super::account_status::{self, AccountStatusRequest, AccountStatusResponse};
use super::auth::WsApiCredentials;
use super::error::BinanceWsError;
use super::events::PrivateWsEvents;
use super::message::{Params, WsApiMessage};
use super::open_orders_status::{self, OpenOrdersStatusRequest, OpenOrdersStatusResponse};
use super::order_cancel::{self, OrderCancelRequest, OrderCancelResponse};
use super::order_place::{self, OrderPlaceRequest, OrderPlaceResponse};
use super::order_status::{self, OrderStatusRequest, OrderStatusResponse};
use super::session::{Security, Session, SessionInfo, SessionProtocol, SessionState, now_ms};
use super::session_logon::{self, SessionStatus};
use super::user_data_stream_subscribe::{self, UserDataStreamSubscribeResponse};
use crate::RateLimitStatus;
use crate::rate_limit::ws_api_limits;

/// Settings of a [`BinancePrivateWs`]. Credentials are required.
#[derive(Debug, Clone)]
pub struct PrivateWsConfig {
    /// The WebSocket API URL ([`WS_API_URL`](crate::WS_API_URL) by default).
    pub url: String,
    /// The API key and how requests are authorized.
    pub credentials: WsApiCredentials,
    /// How long a request waits for its response (default 15 s; Binance itself gives up
    /// after 10 s with `-1007`).
    pub request_timeout: Duration,
    /// `recvWindow` of signed requests, ms (`None`: Binance's default, 5000).
    pub recv_window: Option<u32>,
    /// Transport settings (reconnection, heartbeat, queues). `max_connection_age` is ignored:
    /// a make-before-break renewal would need a second logon while requests still use the
    /// first connection; Binance's 24-hour cut is handled as a reconnect instead.
    pub websocket: WebSocketConfig,
    /// Events buffered for [`PrivateWsEvents`] before the oldest are dropped.
    pub event_buffer: usize,
    /// The limiter to count request weight and connection attempts against; share one per IP
    /// with the other Binance clients (default: [`ws_api_limits`]).
    pub rate_limiter: Option<Arc<RateLimiter>>,
}

impl PrivateWsConfig {
    /// Production ([`WS_API_URL`](crate::WS_API_URL)) with default settings.
    pub fn new(credentials: WsApiCredentials) -> Self {
        PrivateWsConfig {
            url: crate::WS_API_URL.to_owned(),
            credentials,
            request_timeout: Duration::from_secs(15),
            recv_window: None,
            websocket: WebSocketConfig::new(crate::WS_API_URL),
            event_buffer: 4096,
            rate_limiter: None,
        }
    }

    /// The spot testnet ([`TESTNET_WS_API_URL`](crate::TESTNET_WS_API_URL)).
    pub fn testnet(credentials: WsApiCredentials) -> Self {
        Self::new(credentials).url(crate::TESTNET_WS_API_URL)
    }

    /// Sets the URL.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Sets the request timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets `recvWindow` (ms, at most 60000).
    pub fn recv_window(mut self, ms: u32) -> Self {
        self.recv_window = Some(ms.min(60_000));
        self
    }

    /// Sets the transport settings (their URL is replaced by [`url`](Self::url)).
    pub fn websocket(mut self, config: WebSocketConfig) -> Self {
        self.websocket = config;
        self
    }

    /// Sets the event buffer.
    pub fn event_buffer(mut self, events: usize) -> Self {
        self.event_buffer = events.max(1);
        self
    }

    /// Shares a rate limiter.
    pub fn rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.rate_limiter = Some(limiter);
        self
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The Binance spot WebSocket API with credentials: trading, account queries and the user
/// data stream, on one supervised connection.
///
/// - With an **Ed25519** key the connection logs on (`session.logon`, freshly signed) as the
///   very first frame of every connection, the user data subscription (if any) follows, and
///   private requests are refused locally ([`BinanceWsError::NotLoggedOn`]) until the logon
///   succeeded on the current connection.
/// - With an **HMAC** key every private request is signed on its own.
///
/// Requests carry sequential ids and are sent at most once: a request pending when the
/// connection drops fails with [`BinanceWsError::ConnectionLost`] and is never re-sent.
/// Errors keep Binance's status, code and message; 429/418 are
/// [`BinanceWsError::RateLimited`].
///
/// ```no_run
/// use futures::StreamExt;
/// use tradewire_binance::private::websocket::{
///     BinancePrivateWs, OrderPlaceRequest, PrivateWsConfig, PrivateWsEvent, WsApiCredentials,
/// };
/// use tradewire_core::{Decimal, Side, TimeInForce};
///
/// # async fn run(pem: &str) -> Result<(), tradewire_binance::private::websocket::BinanceWsError> {
/// let credentials = WsApiCredentials::ed25519_pem("my-api-key", pem)?;
/// let (client, mut events) = BinancePrivateWs::new(PrivateWsConfig::new(credentials))?;
/// client.connect().await?; // connected and logged on
/// client.subscribe_user_data().await?;
/// let placed = client
///     .place_order(&OrderPlaceRequest::limit(
///         "BTCUSDT",
///         Side::Buy,
///         Decimal::new(1, 3),
///         Decimal::new(30_000, 0),
///         TimeInForce::Gtc,
///     ))
///     .await?;
/// println!("{:?}", placed.to_order());
/// while let Some(event) = events.next().await {
///     if let Some(order) = event.user_data().and_then(|e| e.order()) {
///         println!("{} {}", order.id, order.status);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BinancePrivateWs {
    rpc: RpcClient<WsApiMessage>,
    session: Arc<Session>,
    limiter: Arc<RateLimiter>,
    rate_limits: Arc<Mutex<Vec<RateLimitStatus>>>,
}

impl std::fmt::Debug for BinancePrivateWs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinancePrivateWs")
            .field("connection", self.rpc.connection())
            .field("session", &self.session.info())
            .finish_non_exhaustive()
    }
}

impl BinancePrivateWs {
    /// Builds the client and its event stream (not connected yet: call
    /// [`connect`](Self::connect)). Natively, call it inside a tokio runtime.
    pub fn new(config: PrivateWsConfig) -> Result<(Self, PrivateWsEvents), BinanceWsError> {
        let session = Arc::new(Session::new(config.credentials, config.recv_window));
        let limiter = config
            .rate_limiter
            .unwrap_or_else(|| Arc::new(RateLimiter::new(ws_api_limits())));
        let connection = WebSocketClientBuilder::new(config.url)
            .config(config.websocket.max_connection_age(None))
            .protocol(SessionProtocol(Arc::clone(&session)))
            .rate_limiter(Arc::clone(&limiter))
            .build::<WsApiMessage>();
        let (rpc, notifications) =
            RpcClient::new(connection, config.request_timeout, config.event_buffer)
                .map_err(BinanceWsError::Transport)?;
        let events = PrivateWsEvents::new(notifications, Arc::clone(&session));
        Ok((
            BinancePrivateWs {
                rpc,
                session,
                limiter,
                rate_limits: Arc::new(Mutex::new(Vec::new())),
            },
            events,
        ))
    }

    /// Connects and waits until the session is usable: logged on (Ed25519) or connected
    /// (HMAC). A refused logon is [`BinanceWsError::LogonRejected`] (the connection stays
    /// up, and logs on again on the next reconnect). The logon is answered by Binance within
    /// its own 10-second processing limit; bound the wait with your runtime's timeout if
    /// needed.
    pub async fn connect(&self) -> Result<SessionInfo, BinanceWsError> {
        self.rpc
            .connection()
            .connect()
            .await
            .map_err(|_| BinanceWsError::Closed)?;
        let info = self
            .wait_session(|i| i.connections > 0 && i.state != SessionState::LoggingOn)
            .await;
        match &info.state {
            SessionState::LogonRejected { status, code, msg } => {
                Err(BinanceWsError::LogonRejected {
                    status: *status,
                    code: *code,
                    msg: msg.clone(),
                })
            }
            SessionState::Revoked { .. } => Err(BinanceWsError::NotLoggedOn(info.state.clone())),
            _ => Ok(info),
        }
    }

    /// Closes the connection and waits for its tasks to end.
    pub async fn disconnect(&self) {
        self.rpc.connection().disconnect().await;
    }

    /// The session now.
    pub fn session_info(&self) -> SessionInfo {
        self.session.info()
    }

    /// Waits until the session satisfies `pred` (e.g. `|s| s.logons >= 2` after a
    /// reconnect) and returns it.
    pub async fn wait_session(&self, mut pred: impl FnMut(&SessionInfo) -> bool) -> SessionInfo {
        let mut rx = self.session.watch();
        let result = rx.wait_for(|i| pred(i)).await.map(|r| r.clone());
        match result {
            Ok(info) => info,
            // The sender lives in `self.session`: it cannot be gone.
            Err(_) => self.session.info(),
        }
    }

    /// The underlying connection (state, metrics, health).
    pub fn connection(&self) -> &Connection<WsApiMessage> {
        self.rpc.connection()
    }

    /// Requests waiting for their response.
    pub fn pending_requests(&self) -> usize {
        self.rpc.pending()
    }

    /// The limiter request weight and connection attempts are counted against.
    pub fn rate_limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

    /// The `rateLimits` of the last response that had them.
    pub fn last_rate_limits(&self) -> Vec<RateLimitStatus> {
        lock(&self.rate_limits).clone()
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.session
    }

    /// Sends one private request and decodes its result: refuses it locally when the session
    /// cannot carry it or the weight budget is spent, completes it per `security` (timestamp,
    /// signature), sends it once and waits for the response with its id.
    pub(crate) async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: Params,
        weight: u32,
        security: Security,
    ) -> Result<R, BinanceWsError> {
        self.session.check_ready(security)?;
        match self.rpc.connection().state() {
            ConnectionState::Connected => {}
            ConnectionState::Closed => return Err(BinanceWsError::Closed),
            _ => return Err(BinanceWsError::NotConnected),
        }
        self.limiter
            .check_weight(weight)
            .map_err(BinanceWsError::LocalRateLimit)?;
        let id = self.session.next_id();
        let frame = self
            .session
            .request_frame(id, method, params, security, now_ms())?;
        match self.rpc.request(id, frame).await? {
            WsApiMessage::Response(reply) => {
                self.note_rate_limits(&reply.rate_limits);
                reply.into_result(method)
            }
            _ => {
                Err(DecodeError::new(Venue::Binance, method, "an event answered a request").into())
            }
        }
    }

    /// Keeps the reported usage and aligns the weight limiter with Binance's count.
    fn note_rate_limits(&self, limits: &[RateLimitStatus]) {
        if limits.is_empty() {
            return;
        }
        if let Some(weight) = limits.iter().find(|l| {
            l.rate_limit_type == "REQUEST_WEIGHT" && l.interval == "MINUTE" && l.interval_num == 1
        }) {
            self.limiter.sync_weight(weight.count);
        }
        *lock(&self.rate_limits) = limits.to_vec();
    }

    /// `order.place` ([`order_place::order_place`]).
    pub async fn place_order(
        &self,
        request: &OrderPlaceRequest,
    ) -> Result<OrderPlaceResponse, BinanceWsError> {
        order_place::order_place(self, request).await
    }

    /// `order.cancel` ([`order_cancel::order_cancel`]).
    pub async fn cancel_order(
        &self,
        request: &OrderCancelRequest,
    ) -> Result<OrderCancelResponse, BinanceWsError> {
        order_cancel::order_cancel(self, request).await
    }

    /// `order.status` ([`order_status::order_status`]).
    pub async fn order_status(
        &self,
        request: &OrderStatusRequest,
    ) -> Result<OrderStatusResponse, BinanceWsError> {
        order_status::order_status(self, request).await
    }

    /// `openOrders.status` ([`open_orders_status::open_orders_status`]).
    pub async fn open_orders(
        &self,
        request: &OpenOrdersStatusRequest,
    ) -> Result<OpenOrdersStatusResponse, BinanceWsError> {
        open_orders_status::open_orders_status(self, request).await
    }

    /// `account.status` ([`account_status::account_status`]).
    pub async fn account_status(
        &self,
        request: &AccountStatusRequest,
    ) -> Result<AccountStatusResponse, BinanceWsError> {
        account_status::account_status(self, request).await
    }

    /// Subscribes to the user data stream (re-subscribed after every reconnect)
    /// ([`user_data_stream_subscribe::user_data_stream_subscribe`]).
    pub async fn subscribe_user_data(
        &self,
    ) -> Result<UserDataStreamSubscribeResponse, BinanceWsError> {
        user_data_stream_subscribe::user_data_stream_subscribe(self).await
    }

    /// Logs on again on the current connection ([`session_logon::session_logon`]).
    pub async fn logon(&self) -> Result<SessionStatus, BinanceWsError> {
        session_logon::session_logon(self).await
    }
}
