//! Request/response correlation over a supervised connection.
//!
//! Request/response APIs (Deribit's JSON-RPC 2.0, the Binance WebSocket API, OKX and Bybit
//! operations) share one mechanism: a request carries an id, the response carries it back, in any
//! order, interleaved with notifications. [`RpcClient`] keeps the pending requests, matches
//! responses by id, times requests out, and fails every pending request when the connection
//! drops. A request is never re-sent: it is written at most once, on the connection that was up
//! when it was made ([`Connection::send_frame_once`]), because a trading request sent twice is
//! two orders.
//!
//! Everything that is not a response to a pending request (notifications, connection events,
//! late responses) goes to the [`Notifications`] stream. A background task routes the connection's
//! events, so responses are matched even when nobody reads the notifications; the notification
//! buffer is bounded and reports what it had to drop as [`WsError::Lagged`].

pub mod jsonrpc;

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::{mpsc, oneshot};

use crate::connection::Connection;
use crate::error::WsError;
use crate::event::WebSocketEvent;
use crate::frame::Frame;
use crate::message::WsMessage;
use crate::platform;

/// A message type whose responses carry the id of the request they answer.
pub trait Correlated: WsMessage {
    /// The request id this message answers; `None` for notifications.
    fn response_id(&self) -> Option<u64>;
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RpcError {
    /// No response within the timeout. The request may still have been executed by the venue.
    #[error("request {id} timed out after {after:?}")]
    Timeout {
        /// Request id.
        id: u64,
        /// The timeout.
        after: Duration,
    },
    /// The connection dropped while the request was pending; it is not re-sent. The request may
    /// or may not have reached the venue.
    #[error("connection lost while request {id} was pending (not re-sent)")]
    ConnectionLost {
        /// Request id.
        id: u64,
    },
    /// The request could not be written (not connected, queue full, rate limited, closed).
    #[error("request not sent: {0}")]
    NotSent(WsError),
    /// An id was reused while a request with the same id was pending.
    #[error("request id {0} is already pending")]
    DuplicateId(u64),
    /// The client is closed.
    #[error("rpc client closed")]
    Closed,
}

type Waiter<T> = oneshot::Sender<Result<T, RpcError>>;

struct Pending<T> {
    waiters: Mutex<HashMap<u64, Waiter<T>>>,
}

impl<T> Pending<T> {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Waiter<T>>> {
        match self.waiters.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Delivers a response; gives it back when no request waits for it.
    fn resolve(&self, id: u64, msg: T) -> Option<T> {
        let waiter = self.lock().remove(&id);
        match waiter {
            Some(w) => match w.send(Ok(msg)) {
                Ok(()) => None,
                // The requester gave up (timed out) between our lookup and now.
                Err(Ok(msg)) => Some(msg),
                Err(Err(_)) => None,
            },
            None => Some(msg),
        }
    }

    fn fail_all(&self, make: impl Fn(u64) -> RpcError) {
        let drained: Vec<(u64, Waiter<T>)> = self.lock().drain().collect();
        for (id, w) in drained {
            let _ = w.send(Err(make(id)));
        }
    }
}

/// Correlates requests and responses over one [`Connection`].
pub struct RpcClient<T> {
    conn: Connection<T>,
    pending: Arc<Pending<T>>,
    next_id: Arc<AtomicU64>,
    timeout: Duration,
}

impl<T> Clone for RpcClient<T> {
    fn clone(&self) -> Self {
        RpcClient {
            conn: self.conn.clone(),
            pending: Arc::clone(&self.pending),
            next_id: Arc::clone(&self.next_id),
            timeout: self.timeout,
        }
    }
}

impl<T> std::fmt::Debug for RpcClient<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcClient")
            .field("connection", &self.conn)
            .field("pending", &self.pending.lock().len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<T: Correlated> RpcClient<T> {
    /// Takes over the connection's event stream (it must not have been taken yet), starts the
    /// routing task and returns the client and the stream of everything that is not a matched
    /// response. `timeout` applies to every request unless overridden; `notification_buffer`
    /// bounds the notification stream.
    pub fn new(
        conn: Connection<T>,
        timeout: Duration,
        notification_buffer: usize,
    ) -> Result<(Self, Notifications<T>), WsError> {
        use crate::connection::WebSocketConnection;
        let events = conn.event_stream().ok_or(WsError::InvalidUrl {
            url: conn.config().url.clone(),
            message: "the connection's event stream was already taken".into(),
        })?;
        let pending = Arc::new(Pending {
            waiters: Mutex::new(HashMap::new()),
        });
        let (tx, rx) = mpsc::channel(notification_buffer.max(1));
        platform::spawn(route(events, Arc::clone(&pending), tx));
        Ok((
            RpcClient {
                conn,
                pending,
                next_id: Arc::new(AtomicU64::new(1)),
                timeout,
            },
            Notifications { rx },
        ))
    }

    /// The next request id: sequential from 1, per client.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The underlying connection.
    pub fn connection(&self) -> &Connection<T> {
        &self.conn
    }

    /// Requests waiting for a response.
    pub fn pending(&self) -> usize {
        self.pending.lock().len()
    }

    /// Sends `frame` (a request carrying `id`) once and waits for the response with that id.
    pub async fn request(&self, id: u64, frame: Frame) -> Result<T, RpcError> {
        self.request_with_timeout(id, frame, self.timeout).await
    }

    /// [`request`](Self::request) with its own timeout.
    pub async fn request_with_timeout(
        &self,
        id: u64,
        frame: Frame,
        timeout: Duration,
    ) -> Result<T, RpcError> {
        let (tx, rx) = oneshot::channel();
        {
            let mut waiters = self.pending.lock();
            if waiters.contains_key(&id) {
                return Err(RpcError::DuplicateId(id));
            }
            waiters.insert(id, tx);
        }
        if let Err(e) = self.conn.send_frame_once(frame) {
            self.pending.lock().remove(&id);
            return Err(RpcError::NotSent(e));
        }
        tokio::select! {
            r = rx => r.unwrap_or(Err(RpcError::Closed)),
            _ = platform::sleep(timeout) => {
                self.pending.lock().remove(&id);
                Err(RpcError::Timeout { id, after: timeout })
            }
        }
    }
}

/// Routes the connection's events: responses to their requests, the rest to the notification
/// stream.
async fn route<T: Correlated>(
    mut events: crate::queue::EventStream<T>,
    pending: Arc<Pending<T>>,
    tx: mpsc::Sender<WebSocketEvent<T>>,
) {
    let mut lagged = 0u64;
    let mut forward = |event: WebSocketEvent<T>| {
        if lagged > 0 {
            match tx.try_send(WebSocketEvent::Error(WsError::Lagged { dropped: lagged })) {
                Ok(()) => lagged = 0,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    lagged += 1;
                    return;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => return,
            }
        }
        if let Err(mpsc::error::TrySendError::Full(_)) = tx.try_send(event) {
            lagged += 1;
        }
    };
    while let Some(event) = events.next().await {
        match event {
            WebSocketEvent::Message(msg) => match msg.response_id() {
                Some(id) => {
                    if let Some(unmatched) = pending.resolve(id, msg) {
                        forward(WebSocketEvent::Message(unmatched));
                    }
                }
                None => forward(WebSocketEvent::Message(msg)),
            },
            event @ WebSocketEvent::Disconnected { .. } => {
                pending.fail_all(|id| RpcError::ConnectionLost { id });
                forward(event);
            }
            other => forward(other),
        }
    }
    pending.fail_all(|_| RpcError::Closed);
}

/// Everything the connection delivers that is not a matched response: notifications,
/// connection events, errors, late responses.
pub struct Notifications<T> {
    rx: mpsc::Receiver<WebSocketEvent<T>>,
}

impl<T> std::fmt::Debug for Notifications<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifications").finish_non_exhaustive()
    }
}

impl<T> Stream for Notifications<T> {
    type Item = WebSocketEvent<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}
