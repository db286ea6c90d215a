//! The extension point for venue simulators: [`Handler`].

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::http::{HttpRequest, HttpResponse};
use crate::{Behaviour, MockFrame};

/// Customizes what a [`MockServer`](crate::MockServer) does. Every method has a default, and
/// the defaults implement the [`Behaviour`] scripting (on-connect frames, echo, 404 for HTTP),
/// so a venue simulator overrides only what it needs. To extend rather than replace a default,
/// call it through [`ScriptedHandler`], e.g. `ScriptedHandler.on_message(conn, frame)`.
///
/// Methods run on the connection's task and must not block. For replies that come later
/// (timers, subscriptions) keep a [`ConnSender`] from [`ConnCtx::sender`] and push frames from
/// your own task.
///
/// Independent of the handler, the server itself applies `answer_pings`, `stall`,
/// `close_after`, `feed` and `max_message_size` from the current [`Behaviour`].
///
/// ```
/// use tradewire_mock::{ConnCtx, Handler, MockFrame};
///
/// /// Answers every subscribe request like Binance does: `{"result":null,"id":..}`.
/// struct Subscribe;
///
/// impl Handler for Subscribe {
///     fn on_message(&self, _conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
///         match frame {
///             MockFrame::Text(t) if t.contains("SUBSCRIBE") => {
///                 vec![MockFrame::Text(r#"{"result":null,"id":1}"#.into())]
///             }
///             _ => Vec::new(),
///         }
///     }
/// }
/// ```
pub trait Handler: Send + Sync + 'static {
    /// Decides whether to accept a WebSocket upgrade (e.g. by path). `Err(response)` refuses
    /// it with that HTTP response. Default: accept everything.
    fn on_upgrade(&self, request: &HttpRequest) -> Result<(), HttpResponse> {
        let _ = request;
        Ok(())
    }

    /// Frames to send right after the handshake. Default: `Behaviour::on_connect`.
    fn on_connect(&self, conn: &ConnCtx) -> Vec<MockFrame> {
        conn.behaviour().on_connect.clone()
    }

    /// Frames to send in reply to a data frame from the client. Default: the frame itself when
    /// `Behaviour::echo` is on, nothing otherwise.
    fn on_message(&self, conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
        if conn.behaviour().echo {
            vec![frame.clone()]
        } else {
            Vec::new()
        }
    }

    /// Called once when the connection has ended (closed, dropped or failed), e.g. to forget
    /// its subscriptions; it still counts as live until this returns. Not called for
    /// connections cut off when a shutting-down server stops waiting for them. Default: nothing.
    fn on_disconnect(&self, conn: &ConnCtx) {
        let _ = conn;
    }

    /// Answers a plain (non-upgrade) HTTP request. CORS preflights (`OPTIONS`) are answered by
    /// the server and never reach this method. Default: `404` with a JSON body.
    fn on_http(&self, request: &HttpRequest) -> HttpResponse {
        let _ = request;
        HttpResponse::not_found()
    }
}

/// Shared handlers: keep an `Arc` to inspect the handler's state from the test.
impl<H: Handler + ?Sized> Handler for Arc<H> {
    fn on_upgrade(&self, request: &HttpRequest) -> Result<(), HttpResponse> {
        (**self).on_upgrade(request)
    }

    fn on_connect(&self, conn: &ConnCtx) -> Vec<MockFrame> {
        (**self).on_connect(conn)
    }

    fn on_message(&self, conn: &ConnCtx, frame: &MockFrame) -> Vec<MockFrame> {
        (**self).on_message(conn, frame)
    }

    fn on_disconnect(&self, conn: &ConnCtx) {
        (**self).on_disconnect(conn)
    }

    fn on_http(&self, request: &HttpRequest) -> HttpResponse {
        (**self).on_http(request)
    }
}

/// The default [`Handler`]: pure [`Behaviour`] scripting.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScriptedHandler;

impl Handler for ScriptedHandler {}

/// What a [`Handler`] knows about one WebSocket connection.
#[derive(Debug)]
pub struct ConnCtx {
    pub(crate) id: usize,
    pub(crate) request: HttpRequest,
    pub(crate) behaviour: Arc<Behaviour>,
    pub(crate) frames_received: usize,
    pub(crate) sender: ConnSender,
}

impl ConnCtx {
    /// Connection index in accept order, starting at 0 (the `conn` of
    /// [`Received`](crate::Received) and of [`MockServer::send_to`](crate::MockServer::send_to)).
    pub fn id(&self) -> usize {
        self.id
    }

    /// Request target of the upgrade, query included, e.g. `/ws/btcusdt@trade` or
    /// `/stream?streams=a/b`.
    pub fn path(&self) -> &str {
        &self.request.path
    }

    /// The whole upgrade request (headers included).
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// The server's current behaviour.
    pub fn behaviour(&self) -> &Behaviour {
        &self.behaviour
    }

    /// Data frames received on this connection so far, including the one being handled.
    pub fn frames_received(&self) -> usize {
        self.frames_received
    }

    /// A handle to push frames to this connection later, from anywhere.
    pub fn sender(&self) -> ConnSender {
        self.sender.clone()
    }
}

/// Commands from the server handle (or a [`ConnSender`]) to a connection task.
#[derive(Debug)]
pub(crate) enum Command {
    Send(Message),
    Ping(Message),
    Close(u16, String),
    Drop,
    Garbage(Vec<u8>),
}

/// Queues frames for one connection. Cheap to clone; outlives the connection harmlessly
/// (sending then returns `false`). The queue is unbounded: pace what you push.
#[derive(Debug, Clone)]
pub struct ConnSender {
    pub(crate) tx: mpsc::UnboundedSender<Command>,
    /// Pongs received on the connection.
    pub(crate) pongs: Arc<AtomicUsize>,
}

impl ConnSender {
    /// Queues a data frame; `false` if the connection is gone.
    pub fn send(&self, frame: MockFrame) -> bool {
        self.tx.send(Command::Send(frame.into_message())).is_ok()
    }

    /// Queues a protocol Ping with `payload` (at most 125 bytes to be valid); `false` if the
    /// connection is gone.
    pub fn ping(&self, payload: Vec<u8>) -> bool {
        self.tx
            .send(Command::Ping(Message::Ping(payload.into())))
            .is_ok()
    }

    /// Starts a graceful close with `code` and `reason`; `false` if the connection is gone.
    pub fn close(&self, code: u16, reason: &str) -> bool {
        self.tx
            .send(Command::Close(code, reason.to_owned()))
            .is_ok()
    }

    /// Drops the connection abruptly, like [`MockServer::drop_all`](crate::MockServer::drop_all)
    /// does for every connection: the TCP stream closes without a close frame (a network
    /// failure, a venue cutting the client off) and frames still queued are not sent. `false`
    /// if the connection is gone.
    pub fn drop_connection(&self) -> bool {
        self.tx.send(Command::Drop).is_ok()
    }

    /// Pong frames the client has sent on this connection so far (answers to
    /// [`ping`](Self::ping), or unsolicited).
    pub fn pongs_received(&self) -> usize {
        self.pongs.load(Ordering::Relaxed)
    }

    /// True once the connection task has ended.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}
