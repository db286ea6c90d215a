//! One WebSocket connection: a single task multiplexing behaviour changes, commands from the
//! server handle, inbound frames and outbound writes (queued replies first, then the feed).
//!
//! All writes go through one non-blocking pump ([`Conn::poll_drive`]) so a client that stops
//! reading never blocks command handling (`drop_all` still works on a back-pressured socket).

use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, Interval, MissedTickBehavior};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::Error as WsError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::handler::{Command, ConnCtx, ConnSender};
use crate::http::HttpRequest;
use crate::server::Inner;
use crate::stream::MockStream;
use crate::{Behaviour, Feed, MockFrame, Received};

/// Frames written per poll before yielding (and flushing). ~200 KB of 200-byte frames.
const WRITE_BATCH: usize = 1024;
/// How long a close handshake we started may take before the socket is dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// Bound on one-off blocking writes (garbage, final close frame).
const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// What the write/read pump reports to the connection loop.
enum Event {
    Incoming(Message),
    Ended,
    ReadFailed(WsError),
    WriteFailed(WsError),
}

struct FeedState {
    messages: Vec<Message>,
    next: usize,
    remaining: Option<usize>,
    ticker: Option<Interval>,
}

impl FeedState {
    fn new(feed: &Feed) -> Option<Self> {
        if feed.frames.is_empty() || feed.count == Some(0) {
            return None;
        }
        let ticker = feed.interval.filter(|d| !d.is_zero()).map(|period| {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
            ticker
        });
        Some(Self {
            // Built once; cloning a Message only bumps a reference count.
            messages: feed
                .frames
                .iter()
                .cloned()
                .map(MockFrame::into_message)
                .collect(),
            next: 0,
            remaining: feed.count,
            ticker,
        })
    }

    fn done(&self) -> bool {
        self.remaining == Some(0)
    }

    fn next_message(&mut self) -> Option<Message> {
        if self.done() {
            return None;
        }
        let message = self.messages.get(self.next)?.clone();
        self.next = (self.next + 1) % self.messages.len();
        if let Some(left) = self.remaining.as_mut() {
            *left -= 1;
        }
        Some(message)
    }
}

struct Conn {
    ws: WebSocketStream<MockStream>,
    outq: VecDeque<Message>,
    feed: Option<FeedState>,
    need_flush: bool,
    /// A close frame was queued or received: nothing new is written.
    closing: bool,
}

impl Conn {
    fn queue(&mut self, message: Message) {
        if !self.closing {
            self.outq.push_back(message);
        }
    }

    fn queue_frames(&mut self, frames: Vec<MockFrame>) {
        for frame in frames {
            self.queue(frame.into_message());
        }
    }

    /// Queues a close frame after whatever is already queued; stops the feed.
    fn start_close(&mut self, code: u16, reason: &str) {
        if !self.closing {
            self.outq.push_back(close_message(code, reason));
            self.closing = true;
            self.feed = None;
        }
    }

    /// The peer sent Close: tungstenite answers it, we write nothing more.
    fn peer_closed(&mut self) {
        self.closing = true;
        self.outq.clear();
        self.feed = None;
    }

    /// Sends a close frame right away (bounded wait), for paths that end the task next.
    async fn close_now(&mut self, code: u16, reason: &str) {
        if self.closing {
            return;
        }
        self.closing = true;
        let _ = tokio::time::timeout(IO_TIMEOUT, self.ws.send(close_message(code, reason))).await;
    }

    /// Flushes what tungstenite buffered, then writes `bytes` straight onto the TCP stream.
    async fn write_garbage(&mut self, bytes: &[u8], stalled: bool) -> io::Result<()> {
        let write = async {
            if !stalled {
                poll_fn(|cx| self.ws.poll_flush_unpin(cx))
                    .await
                    .map_err(io::Error::other)?;
                self.need_flush = false;
            }
            let stream = self.ws.get_mut();
            stream.write_all(bytes).await?;
            stream.flush().await
        };
        tokio::time::timeout(IO_TIMEOUT, write)
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "garbage write timed out"))?
    }

    /// Writes queued messages, then feed frames, flushes once, then polls for one inbound
    /// message. Never blocks: back-pressure just leaves data queued.
    fn poll_drive(&mut self, cx: &mut Context<'_>) -> Poll<Event> {
        let mut budget = WRITE_BATCH;
        let mut blocked = false;
        while !self.outq.is_empty() {
            if budget == 0 {
                break;
            }
            match self.ws.poll_ready_unpin(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Event::WriteFailed(e)),
                Poll::Pending => {
                    blocked = true;
                    break;
                }
            }
            let Some(message) = self.outq.pop_front() else {
                break;
            };
            if let Err(e) = self.ws.start_send_unpin(message) {
                return Poll::Ready(Event::WriteFailed(e));
            }
            self.need_flush = true;
            budget -= 1;
        }

        if !blocked && self.outq.is_empty() {
            if let Some(feed) = self.feed.as_mut() {
                while budget > 0 && !feed.done() {
                    match self.ws.poll_ready_unpin(cx) {
                        Poll::Ready(Ok(())) => {}
                        Poll::Ready(Err(e)) => return Poll::Ready(Event::WriteFailed(e)),
                        Poll::Pending => {
                            blocked = true;
                            break;
                        }
                    }
                    if let Some(ticker) = feed.ticker.as_mut() {
                        if ticker.poll_tick(cx).is_pending() {
                            break;
                        }
                    }
                    let Some(message) = feed.next_message() else {
                        break;
                    };
                    if let Err(e) = self.ws.start_send_unpin(message) {
                        return Poll::Ready(Event::WriteFailed(e));
                    }
                    self.need_flush = true;
                    budget -= 1;
                }
                if feed.done() {
                    self.feed = None;
                }
            }
        }

        if self.need_flush {
            match self.ws.poll_flush_unpin(cx) {
                Poll::Ready(Ok(())) => self.need_flush = false,
                Poll::Ready(Err(e)) => return Poll::Ready(Event::WriteFailed(e)),
                Poll::Pending => {}
            }
        }

        match self.ws.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(message))) => return Poll::Ready(Event::Incoming(message)),
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Event::ReadFailed(e)),
            Poll::Ready(None) => return Poll::Ready(Event::Ended),
            Poll::Pending => {}
        }

        // Out of budget with more to write: yield to the runtime, then come straight back.
        if budget == 0 && !blocked {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

fn close_message(code: u16, reason: &str) -> Message {
    // A control frame payload is at most 125 bytes: 2 for the code, 123 for the reason.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: Utf8Bytes::from(reason.get(..end).unwrap_or_default()),
    }))
}

/// Removes the connection from the registry when the task ends, however it ends.
struct Registration {
    inner: Arc<Inner>,
    id: usize,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.inner.unregister(self.id);
    }
}

async fn sleep_until_or_never(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending::<()>().await,
    }
}

/// Builds the tungstenite configuration for a new connection.
pub(crate) fn ws_config(
    behaviour: &Behaviour,
) -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    // A small read buffer keeps 1,000 idle connections cheap (the default is 128 KiB each).
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(16 * 1024);
    match behaviour.max_message_size {
        Some(max) => config.max_message_size(Some(max)).max_frame_size(Some(max)),
        None => config,
    }
}

/// Serves one accepted WebSocket connection until it closes, is dropped, or the server stops.
pub(crate) async fn run(
    inner: Arc<Inner>,
    mut ws: WebSocketStream<MockStream>,
    request: HttpRequest,
    mut behaviour_rx: watch::Receiver<Arc<Behaviour>>,
) {
    let (tx, mut commands) = mpsc::unbounded_channel();
    let id = inner.register(tx.clone());
    let _registration = Registration {
        inner: Arc::clone(&inner),
        id,
    };

    let behaviour = Arc::clone(&behaviour_rx.borrow_and_update());
    ws.get_mut().activate_filter();
    ws.get_mut().set_answer_pings(behaviour.answer_pings);
    let mut stalled = behaviour.stall;
    let feed = behaviour.feed.as_ref().and_then(FeedState::new);
    let mut conn = Conn {
        ws,
        outq: VecDeque::new(),
        feed,
        need_flush: false,
        closing: false,
    };
    let mut ctx = ConnCtx {
        id,
        request,
        behaviour,
        frames_received: 0,
        sender: ConnSender {
            tx,
            pongs: Arc::default(),
        },
    };
    tracing::debug!(conn = id, path = %ctx.path(), "mock ws: connection accepted");

    let greeting = inner.handler.on_connect(&ctx);
    conn.queue_frames(greeting);

    let mut close_deadline: Option<Instant> = None;
    loop {
        tokio::select! {
            biased;
            changed = behaviour_rx.changed() => {
                if changed.is_err() {
                    // The MockServer was dropped or shut down.
                    if !stalled {
                        conn.close_now(1001, "server shutting down").await;
                    }
                    break;
                }
                let behaviour = Arc::clone(&behaviour_rx.borrow_and_update());
                stalled = behaviour.stall;
                conn.ws.get_mut().set_answer_pings(behaviour.answer_pings);
                ctx.behaviour = behaviour;
                check_close_after(&ctx, &mut conn);
            }
            command = commands.recv() => {
                let Some(command) = command else { break };
                match command {
                    Command::Send(message) | Command::Ping(message) => conn.queue(message),
                    Command::Close(code, reason) => conn.start_close(code, &reason),
                    Command::Drop => {
                        tracing::debug!(conn = id, "mock ws: dropping connection");
                        break;
                    }
                    Command::Garbage(bytes) => {
                        if let Err(e) = conn.write_garbage(&bytes, stalled).await {
                            tracing::debug!(conn = id, error = %e, "mock ws: garbage write failed");
                        }
                    }
                }
            }
            event = poll_fn(|cx| conn.poll_drive(cx)), if !stalled => {
                match event {
                    Event::Incoming(message) => on_incoming(&inner, &mut ctx, &mut conn, message),
                    Event::Ended => break,
                    Event::ReadFailed(WsError::Capacity(e)) => {
                        tracing::debug!(conn = id, error = %e, "mock ws: message too big");
                        conn.close_now(1009, "message too big").await;
                        break;
                    }
                    Event::ReadFailed(e) | Event::WriteFailed(e) => {
                        tracing::debug!(conn = id, error = %e, "mock ws: connection failed");
                        break;
                    }
                }
            }
            () = sleep_until_or_never(close_deadline) => {
                tracing::debug!(conn = id, "mock ws: close handshake timed out");
                break;
            }
        }
        if conn.closing && close_deadline.is_none() {
            close_deadline = Some(Instant::now() + CLOSE_TIMEOUT);
        }
    }
    drop(conn); // close the socket before telling the handler
    tracing::debug!(conn = id, "mock ws: connection ended");
    inner.handler.on_disconnect(&ctx);
}

fn on_incoming(inner: &Inner, ctx: &mut ConnCtx, conn: &mut Conn, message: Message) {
    let frame = match message {
        Message::Text(text) => MockFrame::Text(text.as_str().to_owned()),
        Message::Binary(bytes) => MockFrame::Binary(bytes.to_vec()),
        Message::Ping(_) => {
            inner.count_pings(1);
            return;
        }
        Message::Pong(_) => {
            inner.count_pong();
            ctx.sender
                .pongs
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return;
        }
        Message::Close(frame) => {
            tracing::debug!(conn = ctx.id, ?frame, "mock ws: client closed");
            conn.peer_closed();
            return;
        }
        Message::Frame(_) => return,
    };
    ctx.frames_received += 1;
    if !conn.closing {
        let replies = inner.handler.on_message(ctx, &frame);
        conn.queue_frames(replies);
    }
    inner.record_received(Received {
        conn: ctx.id,
        path: ctx.path().to_owned(),
        frame,
    });
    check_close_after(ctx, conn);
}

fn check_close_after(ctx: &ConnCtx, conn: &mut Conn) {
    if let Some(limit) = ctx.behaviour.close_after {
        if ctx.frames_received >= limit {
            conn.start_close(1000, "");
        }
    }
}
