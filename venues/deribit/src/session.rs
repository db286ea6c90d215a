//! The connection-level protocol both clients share: what is sent on every (re)connect
//! (authentication, heartbeat, the subscription replay), what is answered on the socket task
//! (`test_request` → `public/test`), and the event stream that checks book continuity.

use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use serde::Deserialize;
use serde_json::value::RawValue;
use tradewire_websockets::rpc::Notifications;
use tradewire_websockets::rpc::jsonrpc::ErrorObject;
use tradewire_websockets::{
    Connection, DisconnectReason, Frame, Intercept, Protocol, WebSocketEvent, WsError,
};

use crate::message::DeribitMessage;
use crate::private::websocket::auth::{AuthResult, AuthState};
use crate::private::websocket::subscribe as private_subscribe;
use crate::public::websocket::{set_heartbeat, subscribe, test, unsubscribe};

/// Ids of connection-level frames (auth on connect, heartbeat, replay, `public/test` replies,
/// resync) start here, far above the request ids of [`RpcClient`](tradewire_websockets::rpc::RpcClient)
/// (sequential from 1); their responses are consumed on the socket task.
pub const CONNECTION_ID_BASE: u64 = 1 << 50;

/// Frames longer than this are never connection-level responses: not inspected.
const INSPECT_MAX: usize = 4096;

/// How a subscription notification starts (`{"jsonrpc":"2.0","method":"subscription",…`).
const SUBSCRIPTION_HEAD: &str = "\"method\":\"subscription\"";

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Channels tracked for replay, in subscription order.
#[derive(Debug, Default)]
pub(crate) struct Channels(Mutex<Vec<String>>);

impl Channels {
    pub(crate) fn add(&self, channels: &[String]) {
        let mut c = lock(&self.0);
        for ch in channels {
            if !c.contains(ch) {
                c.push(ch.clone());
            }
        }
    }
    pub(crate) fn remove(&self, channels: &[String]) {
        lock(&self.0).retain(|c| !channels.contains(c));
    }
    pub(crate) fn clear(&self) {
        lock(&self.0).clear();
    }
    pub(crate) fn list(&self) -> Vec<String> {
        lock(&self.0).clone()
    }
}

/// Deribit's [`Protocol`].
#[derive(Debug)]
pub(crate) struct DeribitProtocol {
    ids: AtomicU64,
    heartbeat_secs: Option<u32>,
    pub(crate) public_channels: Channels,
    pub(crate) private_channels: Channels,
    pub(crate) auth: Option<Arc<AuthState>>,
}

#[derive(Deserialize)]
struct Small<'a> {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default, borrow)]
    method: Option<&'a str>,
    #[serde(default, borrow)]
    params: Option<SmallParams<'a>>,
    #[serde(default, borrow)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ErrorObject>,
}

#[derive(Deserialize)]
struct SmallParams<'a> {
    #[serde(default, borrow, rename = "type")]
    kind: Option<&'a str>,
}

impl DeribitProtocol {
    pub(crate) fn new(heartbeat_secs: Option<u32>, auth: Option<Arc<AuthState>>) -> Self {
        DeribitProtocol {
            ids: AtomicU64::new(CONNECTION_ID_BASE),
            heartbeat_secs,
            public_channels: Channels::default(),
            private_channels: Channels::default(),
            auth,
        }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Frames re-subscribing `channel` from scratch (a fresh snapshot follows).
    pub(crate) fn resync_frames(&self, channel: &str) -> Vec<Frame> {
        let channels = [channel.to_owned()];
        let private = channel.starts_with("user.")
            || self.private_channels.list().iter().any(|c| c == channel);
        let mut out = Vec::new();
        if private {
            out.extend(private_subscribe::unsubscribe_frame(
                self.next_id(),
                &channels,
            ));
            out.extend(private_subscribe::frame(self.next_id(), &channels));
        } else {
            out.extend(unsubscribe::frame(self.next_id(), &channels));
            out.extend(subscribe::frame(self.next_id(), &channels));
        }
        out
    }
}

impl Protocol for DeribitProtocol {
    fn on_connect_frames(&self) -> Vec<Frame> {
        let mut frames = Vec::new();
        // Authentication first: private resubscriptions and calls come after it.
        if let Some(auth) = &self.auth {
            frames.extend(auth.connect_frame(self.next_id()));
        }
        if let Some(secs) = self.heartbeat_secs {
            frames.extend(set_heartbeat::frame(self.next_id(), secs));
        }
        let public = self.public_channels.list();
        if !public.is_empty() {
            frames.extend(subscribe::frame(self.next_id(), &public));
        }
        let private = self.private_channels.list();
        if !private.is_empty() {
            frames.extend(private_subscribe::frame(self.next_id(), &private));
        }
        frames
    }

    fn intercept(&self, frame: &Frame) -> Intercept {
        let Some(text) = frame.as_text() else {
            return Intercept::Pass;
        };
        if text.len() > INSPECT_MAX {
            return Intercept::Pass;
        }
        // Market-data notifications (nearly every frame) open with their method: hand them to
        // the consumer without parsing them twice. Anything else is inspected below.
        let bytes = text.as_bytes();
        let head = &bytes[..bytes.len().min(SUBSCRIPTION_HEAD.len() + 24)];
        if head
            .windows(SUBSCRIPTION_HEAD.len())
            .any(|w| w == SUBSCRIPTION_HEAD.as_bytes())
        {
            return Intercept::Pass;
        }
        let Ok(m) = serde_json::from_str::<Small<'_>>(text) else {
            return Intercept::Pass;
        };
        if m.method == Some("heartbeat") {
            if m.params.and_then(|p| p.kind) == Some("test_request") {
                if let Some(reply) = test::frame(self.next_id()) {
                    return Intercept::Reply(reply);
                }
            }
            return Intercept::Swallow;
        }
        match m.id {
            Some(id) if id >= CONNECTION_ID_BASE => {
                if let Some(auth) = &self.auth {
                    if auth.on_connect_response(id, m.result, m.error.clone()) {
                        return Intercept::Swallow;
                    }
                }
                if let Some(e) = m.error {
                    tracing::warn!(id, code = e.code, message = %e.message, "deribit: connection-level request failed");
                }
                Intercept::Swallow
            }
            Some(_) => {
                // A token refresh answered after its caller timed out still carries the new
                // tokens (the old refresh token is spent on the server): store them here, on the
                // socket task, whoever waits for the response.
                if let (Some(auth), Some(result)) = (&self.auth, m.result) {
                    if result.get().contains("\"refresh_token\"") {
                        if let Ok(r) = serde_json::from_str::<AuthResult>(result.get()) {
                            auth.store(r);
                        }
                    }
                }
                Intercept::Pass
            }
            None => Intercept::Pass,
        }
    }
}

/// What the clients' event streams yield.
#[derive(Debug, Clone, PartialEq)]
pub enum DeribitEvent {
    /// A decoded notification (or a late response).
    Message(DeribitMessage),
    /// A book channel can no longer be trusted — it broke its chain (`prev_change_id` ≠ the
    /// last `change_id`; the update was dropped) or notifications were dropped
    /// ([`ResyncCause::Lagged`]): the channel was re-subscribed and a fresh snapshot follows.
    /// Deltas arriving before that snapshot are dropped.
    BookResync {
        /// The channel.
        channel: String,
        /// Why.
        cause: ResyncCause,
    },
    /// A connection is up (auth, heartbeat and subscriptions were replayed).
    Connected,
    /// The connection dropped; the next attempt follows after `delay`.
    Reconnecting {
        /// Attempt number.
        attempt: u32,
        /// Delay before it.
        delay: Duration,
    },
    /// A connection ended.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
    /// A transport or decode error (the connection goes on).
    Error(WsError),
}

/// Why a book channel was re-synchronized ([`DeribitEvent::BookResync`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResyncCause {
    /// An update's `prev_change_id` was not the last `change_id`.
    Gap {
        /// The `change_id` the update should have named as `prev_change_id`.
        expected_prev: u64,
        /// The `prev_change_id` it named.
        got_prev: Option<u64>,
    },
    /// The consumer was too slow and notifications were dropped
    /// ([`WsError::Lagged`], yielded just before as [`DeribitEvent::Error`]): every book
    /// channel is re-synchronized, since any of them may have lost an update (or its
    /// snapshot).
    Lagged {
        /// Notifications dropped.
        dropped: u64,
    },
}

/// The event stream of a client: notifications, with every book channel's `change_id` chain
/// checked.
pub struct DeribitEvents {
    inner: Notifications<DeribitMessage>,
    conn: Connection<DeribitMessage>,
    protocol: Arc<DeribitProtocol>,
    last_change: HashMap<String, u64>,
    /// Events to yield before polling the connection again (resyncs after a lag).
    queued: VecDeque<DeribitEvent>,
}

impl std::fmt::Debug for DeribitEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeribitEvents")
            .field("books", &self.last_change.len())
            .finish_non_exhaustive()
    }
}

impl DeribitEvents {
    pub(crate) fn new(
        inner: Notifications<DeribitMessage>,
        conn: Connection<DeribitMessage>,
        protocol: Arc<DeribitProtocol>,
    ) -> Self {
        DeribitEvents {
            inner,
            conn,
            protocol,
            last_change: HashMap::new(),
            queued: VecDeque::new(),
        }
    }

    /// Checks a message; `Some(event)` to yield, `None` to drop it.
    fn check(&mut self, msg: DeribitMessage) -> Option<DeribitEvent> {
        let DeribitMessage::Book(b) = &msg else {
            return Some(DeribitEvent::Message(msg));
        };
        let Some(change_id) = b.update.last_seq else {
            return Some(DeribitEvent::Message(msg));
        };
        if b.update.is_snapshot() {
            self.last_change.insert(b.channel.clone(), change_id);
            return Some(DeribitEvent::Message(msg));
        }
        match self.last_change.get(&b.channel).copied() {
            Some(last) if b.update.prev_seq == Some(last) => {
                self.last_change.insert(b.channel.clone(), change_id);
                Some(DeribitEvent::Message(msg))
            }
            // A delta before any snapshot on this connection (e.g. during a resync): wait.
            None => None,
            Some(last) => {
                let channel = b.channel.clone();
                let got_prev = b.update.prev_seq;
                Some(self.resync(
                    channel,
                    ResyncCause::Gap {
                        expected_prev: last,
                        got_prev,
                    },
                ))
            }
        }
    }

    /// Forgets `channel`'s chain and re-subscribes it (a fresh snapshot follows).
    fn resync(&mut self, channel: String, cause: ResyncCause) -> DeribitEvent {
        self.last_change.remove(&channel);
        for frame in self.protocol.resync_frames(&channel) {
            if let Err(e) = self.conn.send_frame(frame) {
                tracing::warn!(%channel, error = %e, "deribit: book resync not sent");
            }
        }
        DeribitEvent::BookResync { channel, cause }
    }

    /// Notifications were dropped: every book channel (with a chain, or subscribed and
    /// still waiting for its snapshot, which may be what was lost) is re-synchronized.
    fn on_lagged(&mut self, dropped: u64) {
        let mut channels: Vec<String> = self.last_change.keys().cloned().collect();
        for ch in self
            .protocol
            .public_channels
            .list()
            .into_iter()
            .chain(self.protocol.private_channels.list())
        {
            if ch.starts_with("book.") && !channels.contains(&ch) {
                channels.push(ch);
            }
        }
        channels.sort();
        for channel in channels {
            tracing::warn!(%channel, dropped, "deribit: notifications dropped, book resync");
            let event = self.resync(channel, ResyncCause::Lagged { dropped });
            self.queued.push_back(event);
        }
    }
}

impl Stream for DeribitEvents {
    type Item = DeribitEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<DeribitEvent>> {
        loop {
            if let Some(e) = self.queued.pop_front() {
                return Poll::Ready(Some(e));
            }
            let event = match Pin::new(&mut self.inner).poll_next(cx) {
                Poll::Ready(Some(e)) => e,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            };
            let out = match event {
                WebSocketEvent::Message(m) => self.check(m),
                WebSocketEvent::Connected => {
                    // The replayed subscriptions start every book with a snapshot.
                    self.last_change.clear();
                    Some(DeribitEvent::Connected)
                }
                WebSocketEvent::Reconnecting { attempt, delay } => {
                    Some(DeribitEvent::Reconnecting { attempt, delay })
                }
                WebSocketEvent::Disconnected { reason } => {
                    self.last_change.clear();
                    Some(DeribitEvent::Disconnected { reason })
                }
                WebSocketEvent::Error(WsError::Lagged { dropped }) => {
                    self.on_lagged(dropped);
                    Some(DeribitEvent::Error(WsError::Lagged { dropped }))
                }
                WebSocketEvent::Error(e) => Some(DeribitEvent::Error(e)),
            };
            if let Some(out) = out {
                return Poll::Ready(Some(out));
            }
        }
    }
}

/// Settings shared by both clients.
#[derive(Debug, Clone)]
pub struct DeribitConfig {
    /// The transport settings; `ws.url` is the endpoint ([`crate::WS_URL`],
    /// [`crate::TESTNET_WS_URL`] or a simulator).
    pub ws: tradewire_websockets::WebSocketConfig,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// `public/set_heartbeat` interval sent on every connect (`None` = no venue heartbeat).
    pub heartbeat_secs: Option<u32>,
    /// Bound of the notification stream.
    pub notification_buffer: usize,
    /// Private client: refresh the access token when it has less than this left (at most a
    /// tenth of its lifetime).
    pub refresh_margin: Duration,
    /// The matching-engine tier of the account.
    pub tier: crate::rate_limit::Tier,
    /// Enforce the rate limits locally.
    pub enforce_rate_limits: bool,
    /// Bound of `connect()` (connection and, for the private client, authentication) and of
    /// the private client's `wait_authenticated()`: past it they fail with
    /// [`Error::Timeout`](crate::Error::Timeout).
    pub connect_timeout: Duration,
}

impl DeribitConfig {
    /// Defaults for `url`: 10 s requests, 10 s connect (and authentication) timeout, 30 s
    /// heartbeat, 60 s idle timeout, the default tier.
    pub fn new(url: impl Into<String>) -> Self {
        DeribitConfig {
            ws: tradewire_websockets::WebSocketConfig::new(url),
            request_timeout: Duration::from_secs(10),
            heartbeat_secs: Some(30),
            notification_buffer: 65_536,
            refresh_margin: Duration::from_secs(60),
            tier: crate::rate_limit::Tier::default(),
            enforce_rate_limits: true,
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// Sets the bound of `connect()` and `wait_authenticated()`.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Sets the request timeout.
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }

    /// Sets the heartbeat interval.
    pub fn heartbeat(mut self, secs: Option<u32>) -> Self {
        self.heartbeat_secs = secs;
        self
    }

    /// Replaces the transport settings (the URL is kept).
    pub fn ws(mut self, mut ws: tradewire_websockets::WebSocketConfig) -> Self {
        ws.url = std::mem::take(&mut self.ws.url);
        self.ws = ws;
        self
    }
}

/// Opens the connection and the correlated session.
pub(crate) fn open(
    config: &DeribitConfig,
    protocol: Arc<DeribitProtocol>,
) -> crate::Result<(crate::call::Session, DeribitEvents)> {
    let conn = tradewire_websockets::WebSocketClientBuilder::new(config.ws.url.clone())
        .config(config.ws.clone())
        .protocol_arc(protocol.clone())
        .build::<DeribitMessage>();
    let (rpc, notifications) = tradewire_websockets::rpc::RpcClient::new(
        conn.clone(),
        config.request_timeout,
        config.notification_buffer,
    )?;
    let limits = if config.enforce_rate_limits {
        crate::rate_limit::DeribitRateLimits::new(config.tier)
    } else {
        crate::rate_limit::DeribitRateLimits::unlimited()
    };
    let session = crate::call::Session {
        rpc,
        limits: Arc::new(limits),
    };
    Ok((session, DeribitEvents::new(notifications, conn, protocol)))
}
