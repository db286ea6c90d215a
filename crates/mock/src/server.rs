//! [`MockServer`]: the listener, the accept loop, the shared state and the control handle.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::Message;

use crate::handler::Command;
use crate::http::{self, HttpRequest, HttpResponse};
use crate::stream::MockStream;
use crate::util::lock;
use crate::{Behaviour, Handler, MockFrame, Received, ScriptedHandler, conn};

/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connection tasks get to close gracefully when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// State shared by the handle, the accept loop and every connection task.
pub(crate) struct Inner {
    pub(crate) handler: Arc<dyn Handler>,
    next_id: AtomicUsize,
    accepted: AtomicUsize,
    live: AtomicUsize,
    pings: AtomicUsize,
    pongs: AtomicUsize,
    received: Mutex<Vec<Received>>,
    http_requests: Mutex<Vec<HttpRequest>>,
    conns: Mutex<BTreeMap<usize, mpsc::UnboundedSender<Command>>>,
    /// Woken on every observable change (accept, disconnect, frame, ping, pong, HTTP request).
    changed: Notify,
}

impl Inner {
    /// Registers a freshly handshaken connection; returns its index.
    pub(crate) fn register(&self, tx: mpsc::UnboundedSender<Command>) -> usize {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        lock(&self.conns).insert(id, tx);
        self.live.fetch_add(1, Ordering::SeqCst);
        // Counted last, so a waiter that sees the count can already address the connection.
        self.accepted.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_waiters();
        id
    }

    pub(crate) fn unregister(&self, id: usize) {
        if lock(&self.conns).remove(&id).is_some() {
            self.live.fetch_sub(1, Ordering::SeqCst);
        }
        self.changed.notify_waiters();
    }

    pub(crate) fn count_pings(&self, n: usize) {
        self.pings.fetch_add(n, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    pub(crate) fn count_pong(&self) {
        self.pongs.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    pub(crate) fn record_received(&self, received: Received) {
        lock(&self.received).push(received);
        self.changed.notify_waiters();
    }

    pub(crate) fn record_http(&self, request: HttpRequest) {
        lock(&self.http_requests).push(request);
        self.changed.notify_waiters();
    }

    /// Sends a command to every live connection; returns how many took it.
    fn broadcast(&self, make: impl Fn() -> Command) -> usize {
        lock(&self.conns)
            .values()
            .filter(|tx| tx.send(make()).is_ok())
            .count()
    }
}

/// A scriptable WebSocket (and minimal HTTP) server on `127.0.0.1`, on an ephemeral port.
///
/// One tokio task per connection; everything observable is recorded (see
/// [`received`](Self::received), [`pings_received`](Self::pings_received), ...) and faults can be
/// injected at any time ([`drop_all`](Self::drop_all), [`send_garbage`](Self::send_garbage),
/// [`Behaviour::stall`], ...).
///
/// Dropping the handle stops the server: the listener closes and every connection task ends
/// (after sending a `1001` close frame where it can). [`shutdown`](Self::shutdown) does the
/// same and waits for it.
///
/// Must be started inside a tokio runtime.
pub struct MockServer {
    inner: Arc<Inner>,
    addr: SocketAddr,
    behaviour: watch::Sender<Arc<Behaviour>>,
    accept_task: JoinHandle<()>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("connections_accepted", &self.connections_accepted())
            .field("live_connections", &self.live_connections())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server with the default [`Behaviour`] (echo, answer pings).
    pub async fn start() -> std::io::Result<MockServer> {
        Self::start_with(Behaviour::default()).await
    }

    /// Starts a server with `behaviour` and the default [`ScriptedHandler`].
    pub async fn start_with(behaviour: Behaviour) -> std::io::Result<MockServer> {
        Self::start_with_handler(behaviour, ScriptedHandler).await
    }

    /// Starts a server with `behaviour` and a custom [`Handler`] (e.g. a venue simulator).
    pub async fn start_with_handler<H: Handler>(
        behaviour: Behaviour,
        handler: H,
    ) -> std::io::Result<MockServer> {
        Self::start_with_handler_on(0, behaviour, handler).await
    }

    /// Starts the scripted server on a chosen 127.0.0.1 port (0 = ephemeral).
    pub async fn start_on(port: u16, behaviour: Behaviour) -> std::io::Result<MockServer> {
        Self::start_with_handler_on(port, behaviour, ScriptedHandler).await
    }

    /// Starts a server with a custom handler on a chosen 127.0.0.1 port (0 = ephemeral).
    pub async fn start_with_handler_on<H: Handler>(
        port: u16,
        behaviour: Behaviour,
        handler: H,
    ) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            handler: Arc::new(handler),
            next_id: AtomicUsize::new(0),
            accepted: AtomicUsize::new(0),
            live: AtomicUsize::new(0),
            pings: AtomicUsize::new(0),
            pongs: AtomicUsize::new(0),
            received: Mutex::new(Vec::new()),
            http_requests: Mutex::new(Vec::new()),
            conns: Mutex::new(BTreeMap::new()),
            changed: Notify::new(),
        });
        let (behaviour, behaviour_rx) = watch::channel(Arc::new(behaviour));
        let accept_task = tokio::spawn(accept_loop(listener, Arc::clone(&inner), behaviour_rx));
        tracing::debug!(%addr, "mock server listening");
        Ok(MockServer {
            inner,
            addr,
            behaviour,
            accept_task,
        })
    }

    /// WebSocket base URL, `ws://127.0.0.1:PORT` (no trailing slash); append a path as needed.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// HTTP base URL, `http://127.0.0.1:PORT` (no trailing slash), for [`Handler::on_http`].
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the behaviour. New connections use all of it; live connections pick up
    /// `echo`, `answer_pings`, `stall` and `close_after` right away.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.behaviour.send_replace(Arc::new(behaviour));
    }

    /// The current behaviour.
    pub fn behaviour(&self) -> Behaviour {
        Behaviour::clone(&self.behaviour.borrow())
    }

    /// Total WebSocket handshakes completed.
    pub fn connections_accepted(&self) -> usize {
        self.inner.accepted.load(Ordering::SeqCst)
    }

    /// WebSocket connections currently open.
    pub fn live_connections(&self) -> usize {
        self.inner.live.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` handshakes have completed in total; `false` on timeout.
    pub async fn wait_for_connections(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| s.connections_accepted() >= n)
            .await
    }

    /// Every data frame any client sent, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.inner.received).clone()
    }

    /// Number of data frames received so far (cheaper than `received().len()`).
    pub fn received_count(&self) -> usize {
        lock(&self.inner.received).len()
    }

    /// Forgets the frames recorded so far.
    pub fn clear_received(&self) {
        lock(&self.inner.received).clear();
    }

    /// Waits until at least `n` data frames have been received in total; `false` on timeout.
    pub async fn wait_for_received(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| s.received_count() >= n).await
    }

    /// Plain HTTP requests served so far (CORS preflights included), in arrival order.
    pub fn http_requests(&self) -> Vec<HttpRequest> {
        lock(&self.inner.http_requests).clone()
    }

    /// Waits until `condition` holds; `false` if it still does not after `timeout`. The
    /// condition is re-checked whenever a connection opens or closes, or a frame, ping, pong or
    /// HTTP request arrives.
    ///
    /// ```no_run
    /// # async fn demo(server: &tradewire_mock::MockServer) {
    /// use std::time::Duration;
    /// assert!(server.wait_until(Duration::from_secs(5), |s| s.live_connections() == 0).await);
    /// # }
    /// ```
    pub async fn wait_until(
        &self,
        timeout: Duration,
        mut condition: impl FnMut(&MockServer) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now().checked_add(timeout);
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            // Register before checking, so a change between the check and the await is not lost.
            notified.as_mut().enable();
            if condition(self) {
                return true;
            }
            match deadline {
                Some(deadline) => {
                    if tokio::time::timeout_at(deadline, notified).await.is_err() {
                        return condition(self);
                    }
                }
                None => notified.await,
            }
        }
    }

    /// Protocol Ping frames received from clients (answered or not).
    pub fn pings_received(&self) -> usize {
        self.inner.pings.load(Ordering::SeqCst)
    }

    /// Protocol Pong frames received from clients.
    pub fn pongs_received(&self) -> usize {
        self.inner.pongs.load(Ordering::SeqCst)
    }

    /// Queues `frame` for every live connection; returns for how many it was queued.
    pub fn send(&self, frame: MockFrame) -> usize {
        let message = frame.into_message();
        self.inner.broadcast(|| Command::Send(message.clone()))
    }

    /// Queues `frame` for connection `conn` (accept index); `false` if it is not live.
    pub fn send_to(&self, conn: usize, frame: MockFrame) -> bool {
        lock(&self.inner.conns)
            .get(&conn)
            .is_some_and(|tx| tx.send(Command::Send(frame.into_message())).is_ok())
    }

    /// Sends a server-initiated protocol Ping to every live connection. Payloads over 125
    /// bytes are sent as is (a protocol violation clients should reject).
    pub fn send_raw_ping(&self, payload: Vec<u8>) {
        let message = Message::Ping(payload.into());
        self.inner.broadcast(|| Command::Ping(message.clone()));
    }

    /// Starts a graceful close (close frame with `code` and `reason`, reason cut to 123 bytes)
    /// on every live connection. Connections end when the client answers, or after 5 s.
    pub fn close_all(&self, code: u16, reason: &str) {
        self.inner
            .broadcast(|| Command::Close(code, reason.to_owned()));
    }

    /// Drops every live TCP connection abruptly, without a close frame.
    pub fn drop_all(&self) {
        self.inner.broadcast(|| Command::Drop);
    }

    /// Writes `bytes` as-is onto every live TCP stream (after flushing pending frames), to
    /// exercise clients' protocol-error handling. The connections stay open afterwards.
    pub fn send_garbage(&self, bytes: Vec<u8>) {
        self.inner.broadcast(|| Command::Garbage(bytes.clone()));
    }

    /// Stops the server and waits (up to about 2 s) for every connection task to end.
    pub async fn shutdown(self) {
        let MockServer {
            behaviour,
            accept_task,
            addr,
            ..
        } = self;
        // Closing the behaviour channel is the stop signal for every task.
        drop(behaviour);
        if let Err(e) = accept_task.await {
            tracing::warn!(%addr, error = %e, "mock server accept task failed");
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    inner: Arc<Inner>,
    mut behaviour_rx: watch::Receiver<Arc<Behaviour>>,
) {
    let mut tasks = JoinSet::new();
    loop {
        tokio::select! {
            changed = behaviour_rx.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    tracing::trace!(%peer, "mock server: tcp accepted");
                    tasks.spawn(serve_socket(Arc::clone(&inner), tcp, behaviour_rx.clone()));
                }
                Err(e) => {
                    // E.g. out of file descriptors: keep serving, but don't spin.
                    tracing::warn!(error = %e, "mock server: accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                if let Err(e) = joined {
                    tracing::warn!(error = %e, "mock server: connection task failed");
                }
            }
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::debug!(
            left = tasks.len(),
            "mock server: aborting lingering connection tasks"
        );
    }
    tasks.shutdown().await;
    tracing::debug!("mock server stopped");
}

/// Routes one TCP connection: WebSocket upgrade, or plain HTTP.
async fn serve_socket(
    inner: Arc<Inner>,
    mut tcp: TcpStream,
    behaviour_rx: watch::Receiver<Arc<Behaviour>>,
) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, "mock server: set_nodelay failed");
    }
    let head = match tokio::time::timeout(HEAD_TIMEOUT, http::read_head(&mut tcp)).await {
        Ok(Ok(Some(head))) => head,
        Ok(Ok(None)) => return,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "mock server: bad request head");
            http::respond(&mut tcp, &HttpResponse::text(400, "bad request")).await;
            return;
        }
        Err(_) => {
            tracing::debug!("mock server: request head timed out");
            return;
        }
    };
    let Some(request) = head.buf.get(..head.len).and_then(http::parse_head) else {
        http::respond(&mut tcp, &HttpResponse::text(400, "bad request")).await;
        return;
    };
    if !request.is_websocket_upgrade() {
        http::serve(&inner, tcp, head, request).await;
        return;
    }
    if let Err(refusal) = inner.handler.on_upgrade(&request) {
        tracing::debug!(path = %request.path, status = refusal.status, "mock ws: upgrade refused");
        http::respond(&mut tcp, &refusal).await;
        return;
    }

    let behaviour = Arc::clone(&behaviour_rx.borrow());
    let config = conn::ws_config(&behaviour);
    // The handshake re-reads the head we already consumed from the replay prefix.
    let stream = MockStream::new(tcp, head.buf, Arc::clone(&inner), behaviour.answer_pings);
    let handshake = tokio_tungstenite::accept_async_with_config(stream, Some(config));
    let ws = match tokio::time::timeout(HEAD_TIMEOUT, handshake).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(e)) => {
            tracing::debug!(path = %request.path, error = %e, "mock ws: handshake failed");
            return;
        }
        Err(_) => {
            tracing::debug!(path = %request.path, "mock ws: handshake timed out");
            return;
        }
    };
    conn::run(inner, ws, request, behaviour_rx).await;
}
