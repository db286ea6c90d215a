//! The bounded buffer between the socket task and the consumer, and the consumer's stream.
//!
//! The socket task never waits for the consumer: it pushes raw frames here and goes back to the
//! socket (so pings are answered and close frames handled however slow the consumer is). When the
//! buffer is full the [`SlowConsumerPolicy`] decides which frame is given up; the loss is
//! counted and reported to the consumer as [`WsError::Lagged`] before the next message.
//! Decoding happens on the consumer's side, in [`EventStream::poll_next`], so the socket task's
//! per-frame cost stays minimal and the supervisor is not generic over the message type.

use std::collections::{HashSet, VecDeque};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use futures::task::AtomicWaker;

use crate::config::SlowConsumerPolicy;
use crate::connection::Shared;
use crate::error::{DisconnectReason, WsError};
use crate::event::WebSocketEvent;
use crate::frame::Frame;
use crate::message::WsMessage;

/// Supervisor → consumer items.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A data frame from connection generation `generation`.
    Frame {
        frame: Frame,
        generation: u64,
    },
    Connected,
    Reconnecting {
        attempt: u32,
        delay: Duration,
    },
    Disconnected(DisconnectReason),
    Error(WsError),
    /// A renewal started: `old` and `new` both deliver until `OverlapEnd`.
    OverlapBegin {
        old: u64,
        new: u64,
    },
    /// The old connection of a renewal is closed.
    OverlapEnd,
}

#[derive(Debug, Default)]
struct QueueState {
    items: VecDeque<Inbound>,
    /// Data frames in `items` (control items are never dropped and not counted).
    frames: usize,
    /// Frames given up since the consumer was last told.
    unreported: u64,
    closed: bool,
}

/// Bounded multi-item buffer with a single consumer.
#[derive(Debug)]
pub(crate) struct InboundQueue {
    state: Mutex<QueueState>,
    waker: AtomicWaker,
    capacity: usize,
    policy: SlowConsumerPolicy,
}

impl InboundQueue {
    pub(crate) fn new(capacity: usize, policy: SlowConsumerPolicy) -> Self {
        InboundQueue {
            state: Mutex::new(QueueState::default()),
            waker: AtomicWaker::new(),
            capacity: capacity.max(1),
            policy,
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Pushes a batch (drained from `batch`), applying the slow-consumer policy. Returns the
    /// number of frames given up.
    pub(crate) fn push_batch(&self, batch: &mut VecDeque<Inbound>) -> u64 {
        if batch.is_empty() {
            return 0;
        }
        let frames = batch
            .iter()
            .filter(|i| matches!(i, Inbound::Frame { .. }))
            .count();
        let mut dropped = 0;
        {
            let mut st = self.lock();
            if st.closed {
                batch.clear();
                return 0;
            }
            if st.frames + frames <= self.capacity {
                // Fast path, the consumer keeps up: hand the whole batch over at once.
                st.frames += frames;
                if st.items.is_empty() {
                    std::mem::swap(&mut st.items, batch);
                } else {
                    st.items.append(batch);
                }
                drop(st);
                self.waker.wake();
                return 0;
            }
            for item in batch.drain(..) {
                if matches!(item, Inbound::Frame { .. }) {
                    if st.frames >= self.capacity {
                        dropped += 1;
                        match self.policy {
                            SlowConsumerPolicy::DropNewest => continue,
                            SlowConsumerPolicy::DropOldest => {
                                let pos = st
                                    .items
                                    .iter()
                                    .position(|i| matches!(i, Inbound::Frame { .. }));
                                if let Some(pos) = pos {
                                    st.items.remove(pos);
                                    st.frames -= 1;
                                }
                            }
                        }
                    }
                    st.frames += 1;
                }
                st.items.push_back(item);
            }
            st.unreported += dropped;
        }
        self.waker.wake();
        dropped
    }

    /// Pushes one control item (never dropped).
    pub(crate) fn push(&self, item: Inbound) {
        let mut batch = VecDeque::from([item]);
        self.push_batch(&mut batch);
    }

    /// Ends the stream once the consumer has read what is buffered.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.waker.wake();
    }

    /// Frames currently buffered (not counting a batch the consumer already took).
    pub(crate) fn len(&self) -> usize {
        self.lock().frames
    }
}

/// Keys seen on one connection during a renewal.
#[derive(Debug)]
struct KeyRing {
    set: HashSet<u64>,
    order: VecDeque<u64>,
    cap: usize,
}

impl KeyRing {
    fn new(cap: usize) -> Self {
        KeyRing {
            set: HashSet::with_capacity(cap),
            order: VecDeque::with_capacity(cap),
            cap,
        }
    }

    fn insert(&mut self, key: u64) {
        if self.set.insert(key) {
            if self.order.len() == self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
            self.order.push_back(key);
        }
    }

    fn contains(&self, key: u64) -> bool {
        self.set.contains(&key)
    }
}

/// Keys remembered per connection while renewing.
const DEDUPE_WINDOW: usize = 16_384;

/// Drops messages delivered by both connections of a make-before-break renewal.
#[derive(Debug)]
struct Dedupe {
    old: u64,
    new: u64,
    old_keys: KeyRing,
    new_keys: KeyRing,
    overlapping: bool,
    /// After the overlap, new-connection messages still checked against the old keys.
    remaining: usize,
}

impl Dedupe {
    fn new(old: u64, new: u64) -> Self {
        Dedupe {
            old,
            new,
            old_keys: KeyRing::new(DEDUPE_WINDOW),
            new_keys: KeyRing::new(DEDUPE_WINDOW),
            overlapping: true,
            remaining: DEDUPE_WINDOW,
        }
    }

    /// True to deliver.
    fn admit(&mut self, generation: u64, key: u64) -> bool {
        if generation == self.old {
            if self.new_keys.contains(key) {
                return false;
            }
            self.old_keys.insert(key);
            true
        } else if generation == self.new {
            if self.old_keys.contains(key) {
                return false;
            }
            if self.overlapping {
                self.new_keys.insert(key);
            }
            true
        } else {
            true
        }
    }

    /// False once deduplication has nothing left to do.
    fn tick(&mut self) -> bool {
        if self.overlapping {
            return true;
        }
        self.remaining = self.remaining.saturating_sub(1);
        self.remaining > 0
    }
}

/// The consumer's side of a connection: a [`Stream`] of [`WebSocketEvent`]s.
///
/// Frames are decoded here, on the consumer's task. The stream ends after the connection is
/// closed for good (`disconnect()`, every handle dropped, or reconnection gave up).
pub struct EventStream<T> {
    shared: Arc<Shared>,
    local: VecDeque<Inbound>,
    dedupe: Option<Dedupe>,
    _message: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("buffered", &self.local.len())
            .finish_non_exhaustive()
    }
}

impl<T: WsMessage> EventStream<T> {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        EventStream {
            shared,
            local: VecDeque::new(),
            dedupe: None,
            _message: PhantomData,
        }
    }

    /// Messages buffered and not yet consumed.
    pub fn backlog(&self) -> usize {
        self.local.len() + self.shared.inbound.len()
    }

    /// Turns one buffered item into an event, or `None` when it yields nothing.
    fn process(&mut self, item: Inbound) -> Option<WebSocketEvent<T>> {
        match item {
            Inbound::Frame { frame, generation } => match T::decode_owned(frame) {
                Ok(Some(msg)) => {
                    if let Some(d) = &mut self.dedupe {
                        if let Some(key) = msg.dedupe_key() {
                            if !d.admit(generation, key) {
                                self.shared.metrics.on_duplicate();
                                return None;
                            }
                        }
                        if !d.tick() {
                            self.dedupe = None;
                        }
                    }
                    Some(WebSocketEvent::Message(msg))
                }
                Ok(None) => None,
                Err(e) => {
                    self.shared.metrics.on_error();
                    tracing::debug!(error = %e, "undecodable frame");
                    Some(WebSocketEvent::Error(WsError::Decode(e)))
                }
            },
            Inbound::Connected => Some(WebSocketEvent::Connected),
            Inbound::Reconnecting { attempt, delay } => {
                Some(WebSocketEvent::Reconnecting { attempt, delay })
            }
            Inbound::Disconnected(reason) => Some(WebSocketEvent::Disconnected { reason }),
            Inbound::Error(e) => Some(WebSocketEvent::Error(e)),
            Inbound::OverlapBegin { old, new } => {
                self.dedupe = Some(Dedupe::new(old, new));
                None
            }
            Inbound::OverlapEnd => {
                if let Some(d) = &mut self.dedupe {
                    d.overlapping = false;
                }
                None
            }
        }
    }
}

impl<T: WsMessage> Stream for EventStream<T> {
    type Item = WebSocketEvent<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            while let Some(item) = this.local.pop_front() {
                if let Some(event) = this.process(item) {
                    return Poll::Ready(Some(event));
                }
            }
            let queue = &this.shared.inbound;
            let mut st = queue.lock();
            if st.unreported > 0 {
                let dropped = std::mem::take(&mut st.unreported);
                drop(st);
                this.shared.metrics.on_dropped(dropped);
                return Poll::Ready(Some(WebSocketEvent::Error(WsError::Lagged { dropped })));
            }
            if !st.items.is_empty() {
                std::mem::swap(&mut st.items, &mut this.local);
                st.frames = 0;
                continue;
            }
            if st.closed {
                return Poll::Ready(None);
            }
            queue.waker.register(cx.waker());
            return Poll::Pending;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(i: u64) -> Inbound {
        Inbound::Frame {
            frame: Frame::text(i.to_string()),
            generation: 0,
        }
    }

    fn texts(q: &InboundQueue) -> Vec<String> {
        q.lock()
            .items
            .iter()
            .filter_map(|i| match i {
                Inbound::Frame { frame, .. } => frame.as_text().map(str::to_owned),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn drop_oldest_keeps_the_newest_and_counts() {
        let q = InboundQueue::new(3, SlowConsumerPolicy::DropOldest);
        let mut batch: VecDeque<_> = (0..5).map(frame).collect();
        batch.insert(1, Inbound::Connected);
        assert_eq!(q.push_batch(&mut batch), 2);
        assert_eq!(texts(&q), vec!["2", "3", "4"]);
        assert_eq!(q.len(), 3);
        assert_eq!(q.lock().unreported, 2);
        // the control item survives
        assert!(
            q.lock()
                .items
                .iter()
                .any(|i| matches!(i, Inbound::Connected))
        );
    }

    #[test]
    fn drop_newest_keeps_the_prefix() {
        let q = InboundQueue::new(3, SlowConsumerPolicy::DropNewest);
        let mut batch: VecDeque<_> = (0..5).map(frame).collect();
        assert_eq!(q.push_batch(&mut batch), 2);
        assert_eq!(texts(&q), vec!["0", "1", "2"]);
    }

    #[test]
    fn dedupe_drops_keys_seen_on_the_other_connection() {
        let mut d = Dedupe::new(1, 2);
        assert!(d.admit(1, 10));
        assert!(d.admit(1, 11));
        assert!(!d.admit(2, 10), "new connection repeats 10");
        assert!(d.admit(2, 12));
        assert!(
            !d.admit(1, 12),
            "old connection repeats 12 after new delivered it"
        );
        d.overlapping = false;
        assert!(
            !d.admit(2, 11),
            "late repeat on the new connection after the switch"
        );
        assert!(d.admit(2, 13));
    }
}
