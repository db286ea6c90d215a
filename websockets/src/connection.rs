//! The connection handle, its trait and its builder.

use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{Notify, mpsc, watch};

use crate::config::WebSocketConfig;
use crate::error::WsError;
use crate::event::ConnectionState;
use crate::frame::Frame;
use crate::message::WsMessage;
use crate::metrics::{Health, HeartbeatMode, Metrics};
use crate::platform;
use crate::protocol::{NoProtocol, Protocol};
use crate::queue::{EventStream, InboundQueue};
use crate::supervisor::{self, Command};
use tradewire_core::rate_limit::RateLimiter;

/// State shared by the handle, the supervisor task and the event stream.
pub(crate) struct Shared {
    pub(crate) config: WebSocketConfig,
    pub(crate) protocol: Arc<dyn Protocol>,
    pub(crate) limiter: Option<Arc<RateLimiter>>,
    pub(crate) metrics: Metrics,
    pub(crate) inbound: InboundQueue,
    outbound: Mutex<VecDeque<Outbound>>,
    /// Incremented for every new connection after a drop (not for a make-before-break renewal,
    /// which keeps the session going). Frames sent with `send_frame_once` carry it.
    pub(crate) epoch: AtomicU64,
    pub(crate) outbound_notify: Notify,
    subscriptions: Mutex<Vec<(String, Frame)>>,
    state: watch::Sender<ConnectionState>,
    pub(crate) reconnect_attempts: AtomicU32,
    running: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A queued outbound frame.
pub(crate) struct Outbound {
    pub(crate) frame: Frame,
    /// `Some(epoch)`: write only on the connection of that epoch, never after a reconnect.
    pub(crate) epoch: Option<u64>,
}

impl Shared {
    pub(crate) fn set_state(&self, s: ConnectionState) {
        self.state.send_replace(s);
    }

    pub(crate) fn state(&self) -> ConnectionState {
        *self.state.borrow()
    }

    /// Takes the oldest queued outbound frame.
    pub(crate) fn pop_outbound(&self) -> Option<Outbound> {
        lock(&self.outbound).pop_front()
    }

    /// The frames replayed on every new connection, in order: the protocol's own (auth), then
    /// every tracked subscription.
    pub(crate) fn restore_frames(&self) -> VecDeque<Frame> {
        let mut frames: VecDeque<Frame> = self.protocol.on_connect_frames().into();
        frames.extend(lock(&self.subscriptions).iter().map(|(_, f)| f.clone()));
        frames
    }

    pub(crate) fn finished(&self) {
        self.running.store(false, Ordering::SeqCst);
    }
}

/// A supervised WebSocket connection, as every venue client uses it.
///
/// The same trait is implemented on every platform; the builder picks the transport.
pub trait WebSocketConnection<T: WsMessage> {
    /// Starts the connection and waits until it is up (retrying per the reconnect policy), or
    /// fails when the policy gives up or the connection is closed.
    fn connect(&self) -> impl Future<Output = Result<(), WsError>>;

    /// Closes gracefully (close frame, then the peer's answer) and waits until every task of the
    /// connection has ended.
    fn disconnect(&self) -> impl Future<Output = ()>;

    /// Encodes and sends a message. Sent at once when connected; held in the bounded outbound
    /// queue (in order) while reconnecting.
    fn send(&self, msg: &T) -> Result<(), WsError>;

    /// The inbound event stream. There is one: the first call takes it, later calls get `None`.
    fn event_stream(&self) -> Option<EventStream<T>>;

    /// Current state.
    fn state(&self) -> ConnectionState;
}

/// Builds a [`Connection`]: the native transport (tokio-tungstenite + rustls) on native targets,
/// the browser's `WebSocket` on `wasm32`. Venue code never names either.
///
/// ```no_run
/// use tradewire_websockets::{Frame, WebSocketClientBuilder, WebSocketConfig, WebSocketConnection};
///
/// # async fn run() -> Result<(), tradewire_websockets::WsError> {
/// let conn = WebSocketClientBuilder::new("wss://stream.binance.com:9443/ws/btcusdt@trade")
///     .config(WebSocketConfig::new("").max_message_size(1 << 20))
///     .build::<Frame>();
/// conn.connect().await?;
/// # Ok(()) }
/// ```
pub struct WebSocketClientBuilder {
    config: WebSocketConfig,
    protocol: Arc<dyn Protocol>,
    limiter: Option<Arc<RateLimiter>>,
}

impl std::fmt::Debug for WebSocketClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocketClientBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl WebSocketClientBuilder {
    /// A builder for `url` with default settings.
    pub fn new(url: impl Into<String>) -> Self {
        WebSocketClientBuilder {
            config: WebSocketConfig::new(url),
            protocol: Arc::new(NoProtocol),
            limiter: None,
        }
    }

    /// Replaces the settings. The URL given to [`new`](Self::new) is kept.
    pub fn config(mut self, mut config: WebSocketConfig) -> Self {
        config.url = std::mem::take(&mut self.config.url);
        self.config = config;
        self
    }

    /// Sets the venue's connection protocol hooks (text heartbeat, auto-replies, auth replay).
    pub fn protocol(mut self, protocol: impl Protocol) -> Self {
        self.protocol = Arc::new(protocol);
        self
    }

    /// Sets a shared protocol.
    pub fn protocol_arc(mut self, protocol: Arc<dyn Protocol>) -> Self {
        self.protocol = protocol;
        self
    }

    /// Enforces the limits of `limiter` (messages, connection attempts, subscriptions).
    pub fn rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Builds the connection (not yet connected: call `connect`).
    pub fn build<T: WsMessage>(self) -> Connection<T> {
        let cfg = self.config;
        let (state, _) = watch::channel(ConnectionState::Disconnected);
        let shared = Arc::new(Shared {
            inbound: InboundQueue::new(cfg.inbound_queue, cfg.slow_consumer),
            outbound: Mutex::new(VecDeque::new()),
            epoch: AtomicU64::new(0),
            outbound_notify: Notify::new(),
            subscriptions: Mutex::new(Vec::new()),
            metrics: Metrics::default(),
            protocol: self.protocol,
            limiter: self.limiter,
            state,
            reconnect_attempts: AtomicU32::new(0),
            running: AtomicBool::new(false),
            config: cfg,
        });
        let (commands, receiver) = mpsc::unbounded_channel();
        Connection {
            shared,
            commands,
            start: Arc::new(Mutex::new(Some(receiver))),
            events_taken: Arc::new(AtomicBool::new(false)),
            _message: PhantomData,
        }
    }
}

/// A supervised connection carrying messages of type `T`.
///
/// Cloning gives another handle to the same connection. The connection closes when
/// [`disconnect`](WebSocketConnection::disconnect) is called or the last handle is dropped.
pub struct Connection<T> {
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
    start: Arc<Mutex<Option<mpsc::UnboundedReceiver<Command>>>>,
    events_taken: Arc<AtomicBool>,
    _message: PhantomData<fn(T)>,
}

impl<T> Clone for Connection<T> {
    fn clone(&self) -> Self {
        Connection {
            shared: Arc::clone(&self.shared),
            commands: self.commands.clone(),
            start: Arc::clone(&self.start),
            events_taken: Arc::clone(&self.events_taken),
            _message: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Connection<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.shared.config.url)
            .field("state", &self.shared.state())
            .finish_non_exhaustive()
    }
}

impl<T: WsMessage> Connection<T> {
    /// Starts the supervisor task if it is not running yet.
    fn ensure_started(&self) {
        let receiver = lock(&self.start).take();
        if let Some(receiver) = receiver {
            self.shared.running.store(true, Ordering::SeqCst);
            platform::spawn(supervisor::run(Arc::clone(&self.shared), receiver));
        }
    }

    /// Sends an already encoded frame (see [`WebSocketConnection::send`]).
    pub fn send_frame(&self, frame: Frame) -> Result<(), WsError> {
        if self.shared.state() == ConnectionState::Closed {
            return Err(WsError::Closed);
        }
        self.enqueue(Outbound { frame, epoch: None })
    }

    /// Sends a frame on the current connection only: fails with
    /// [`WsError::NotConnected`] when there is none, and if the connection drops before the
    /// frame is written, it is discarded rather than written on the next connection. This is
    /// the at-most-once delivery a trading request needs (see [`crate::rpc`]).
    pub fn send_frame_once(&self, frame: Frame) -> Result<(), WsError> {
        match self.shared.state() {
            ConnectionState::Connected => {}
            ConnectionState::Closed => return Err(WsError::Closed),
            _ => return Err(WsError::NotConnected),
        }
        let epoch = self.shared.epoch.load(Ordering::SeqCst);
        self.enqueue(Outbound {
            frame,
            epoch: Some(epoch),
        })
    }

    fn enqueue(&self, item: Outbound) -> Result<(), WsError> {
        if let Some(limiter) = &self.shared.limiter {
            limiter.check_message()?;
        }
        {
            let mut q = lock(&self.shared.outbound);
            if q.len() >= self.shared.config.outbound_queue {
                return Err(WsError::QueueFull {
                    capacity: self.shared.config.outbound_queue,
                });
            }
            q.push_back(item);
        }
        self.shared.outbound_notify.notify_one();
        Ok(())
    }

    /// Sends `frame` now (if connected) and records it under `key` so that it is replayed on
    /// every reconnect, after the protocol's auth frames. Counts against the subscription cap.
    /// Re-subscribing an existing key replaces its frame and sends nothing.
    pub fn subscribe(&self, key: impl Into<String>, frame: Frame) -> Result<(), WsError> {
        let key = key.into();
        let connected = self.shared.state() == ConnectionState::Connected;
        {
            let mut subs = lock(&self.shared.subscriptions);
            if let Some(existing) = subs.iter_mut().find(|(k, _)| *k == key) {
                existing.1 = frame;
                return Ok(());
            }
            if let Some(limiter) = &self.shared.limiter {
                limiter.add_subscriptions(1)?;
            }
            subs.push((key, frame.clone()));
        }
        if connected {
            self.send_frame(frame)?;
        }
        Ok(())
    }

    /// Forgets the subscription `key` (it is no longer replayed) and sends `frame` (the venue's
    /// unsubscribe message), if given and connected. Returns false if `key` was not tracked.
    pub fn unsubscribe(&self, key: &str, frame: Option<Frame>) -> Result<bool, WsError> {
        let removed = {
            let mut subs = lock(&self.shared.subscriptions);
            let before = subs.len();
            subs.retain(|(k, _)| k != key);
            before != subs.len()
        };
        if removed {
            if let Some(limiter) = &self.shared.limiter {
                limiter.remove_subscriptions(1);
            }
        }
        if let (true, Some(frame)) = (self.shared.state() == ConnectionState::Connected, frame) {
            self.send_frame(frame)?;
        }
        Ok(removed)
    }

    /// Keys of the tracked subscriptions, in subscription order.
    pub fn subscriptions(&self) -> Vec<String> {
        lock(&self.shared.subscriptions)
            .iter()
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Drops the current connection and reconnects at once (subscriptions are replayed).
    pub fn reconnect(&self) {
        let _ = self.commands.send(Command::Reconnect);
    }

    /// Renews the connection now, make-before-break, as `max_connection_age` does.
    pub fn renew(&self) {
        let _ = self.commands.send(Command::Renew);
    }

    /// Counters.
    pub fn metrics(&self) -> crate::MetricsSnapshot {
        self.shared.metrics.snapshot()
    }

    /// A serializable health snapshot.
    pub fn health(&self) -> Health {
        let state = self.shared.state();
        let cfg = &self.shared.config;
        let heartbeat = match cfg.ping_interval {
            Some(_) if platform::PROTOCOL_PING => HeartbeatMode::ProtocolPing,
            Some(_) if self.shared.protocol.ping_frame().is_some() => HeartbeatMode::VenueTextPing,
            _ => HeartbeatMode::None,
        };
        Health {
            state,
            is_connected: state == ConnectionState::Connected,
            subscriptions: lock(&self.shared.subscriptions).len(),
            reconnect_attempts: self.shared.reconnect_attempts.load(Ordering::Relaxed),
            last_message_age_ms: self.shared.metrics.last_message_age_ms(),
            heartbeat,
            metrics: self.shared.metrics.snapshot(),
        }
    }

    /// The rate limiter, if one was set.
    pub fn rate_limiter(&self) -> Option<&Arc<RateLimiter>> {
        self.shared.limiter.as_ref()
    }

    /// The settings.
    pub fn config(&self) -> &WebSocketConfig {
        &self.shared.config
    }

    /// A receiver that sees every state change (for venue clients that wait on the connection,
    /// e.g. with [`runtime::timeout`](crate::runtime::timeout)).
    pub fn state_watch(&self) -> watch::Receiver<ConnectionState> {
        self.shared.state.subscribe()
    }

    /// True while the supervisor task runs.
    pub fn is_running(&self) -> bool {
        self.shared.running.load(Ordering::SeqCst)
    }

    /// Waits until the state satisfies `pred`.
    async fn wait_state(&self, pred: impl Fn(ConnectionState) -> bool) -> ConnectionState {
        let mut rx = self.shared.state.subscribe();
        loop {
            let s = *rx.borrow_and_update();
            if pred(s) {
                return s;
            }
            if rx.changed().await.is_err() {
                return self.shared.state();
            }
        }
    }
}

impl<T: WsMessage> WebSocketConnection<T> for Connection<T> {
    async fn connect(&self) -> Result<(), WsError> {
        self.ensure_started();
        match self
            .wait_state(|s| matches!(s, ConnectionState::Connected | ConnectionState::Closed))
            .await
        {
            ConnectionState::Connected => Ok(()),
            _ => Err(WsError::Closed),
        }
    }

    async fn disconnect(&self) {
        if lock(&self.start).take().is_some() {
            // never started
            self.shared.set_state(ConnectionState::Closed);
            self.shared.inbound.close();
            return;
        }
        let _ = self.commands.send(Command::Close);
        // The supervisor sets `Closed` as its very last step, after its other work has ended.
        self.wait_state(|s| s == ConnectionState::Closed).await;
    }

    fn send(&self, msg: &T) -> Result<(), WsError> {
        self.send_frame(msg.encode())
    }

    fn event_stream(&self) -> Option<EventStream<T>> {
        if self.events_taken.swap(true, Ordering::SeqCst) {
            None
        } else {
            Some(EventStream::new(Arc::clone(&self.shared)))
        }
    }

    fn state(&self) -> ConnectionState {
        self.shared.state()
    }
}
