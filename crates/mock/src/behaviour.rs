//! The scripting knobs of a [`MockServer`](crate::MockServer).

use std::time::Duration;

use crate::MockFrame;

/// How the server treats WebSocket connections. Set it at start
/// ([`MockServer::start_with`](crate::MockServer::start_with)) or at any time with
/// [`MockServer::set_behaviour`](crate::MockServer::set_behaviour).
///
/// Live connections pick up changes of `echo`, `answer_pings`, `stall` and `close_after`
/// immediately; `on_connect`, `feed` and `max_message_size` apply to connections accepted
/// after the change.
///
/// ```
/// use tradewire_mock::{Behaviour, MockFrame};
///
/// let b = Behaviour {
///     echo: false,
///     on_connect: vec![MockFrame::Text(r#"{"hello":true}"#.into())],
///     ..Behaviour::default()
/// };
/// assert!(b.answer_pings);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    /// Echo every data frame back to its sender (default `true`).
    pub echo: bool,
    /// Reply Pong to protocol Ping (default `true`). When `false`, pings are still read and
    /// counted ([`MockServer::pings_received`](crate::MockServer::pings_received)) but swallowed.
    pub answer_pings: bool,
    /// Close a connection gracefully (code 1000) once it has received this many data frames.
    pub close_after: Option<usize>,
    /// Stop reading and writing entirely: the TCP connection stays open but nothing is sent,
    /// nothing is read and pings go unanswered (a dead peer / frozen network). Frames queued
    /// meanwhile are delivered once `stall` is switched off again.
    pub stall: bool,
    /// Frames sent right after the handshake, in order.
    pub on_connect: Vec<MockFrame>,
    /// Optional continuous feed started after the `on_connect` frames.
    pub feed: Option<Feed>,
    /// Largest accepted inbound message (and frame) in bytes; larger ones close the connection
    /// with code 1009 (message too big). `None`: tungstenite's defaults (64 MiB / 16 MiB).
    pub max_message_size: Option<usize>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            echo: true,
            answer_pings: true,
            close_after: None,
            stall: false,
            on_connect: Vec::new(),
            feed: None,
            max_message_size: None,
        }
    }
}

/// A continuous stream of frames pushed to every new connection.
///
/// ```
/// use std::time::Duration;
/// use tradewire_mock::{Feed, MockFrame, sample_trade_frame};
///
/// // 1,000 trade frames, as fast as the client reads them.
/// let fast = Feed::new((0..1000).map(|i| MockFrame::Text(sample_trade_frame(i))).collect())
///     .with_count(1000);
/// // One heartbeat every 100 ms until the connection closes.
/// let slow = Feed::new(vec![MockFrame::Text("{}".into())])
///     .with_interval(Duration::from_millis(100));
/// assert_eq!(fast.count, Some(1000));
/// assert_eq!(slow.count, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// Frames to send, cycled in order. An empty list sends nothing.
    pub frames: Vec<MockFrame>,
    /// Total number of frames per connection; `None` = until the connection closes.
    pub count: Option<usize>,
    /// Delay between frames; `None` = as fast as the connection accepts them (the send loop
    /// batches writes and flushes once per batch).
    pub interval: Option<Duration>,
}

impl Feed {
    /// A feed cycling `frames` forever, as fast as possible.
    pub fn new(frames: Vec<MockFrame>) -> Self {
        Self {
            frames,
            count: None,
            interval: None,
        }
    }

    /// Stops after `count` frames per connection.
    pub fn with_count(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }

    /// Sends one frame per `interval`.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }
}
