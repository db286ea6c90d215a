//! Request correlation and subscription replay on a market stream connection.
//!
//! - [`Correlated`] for [`BinanceMessage`]: replies (`{"result":…,"id":N}`, `{"code":…,
//!   "msg":…,"id":N}`) answer the request with id `N`; everything else is a notification.
//! - The subscription registry: the streams the client is subscribed to, in subscription order.
//!   It is the replay source on every new connection (reconnect or make-before-break renewal):
//!   [`Protocol::on_connect_frames`] turns it into fresh `SUBSCRIBE` frames, batched, whose ids
//!   come from a reserved range ([`REPLAY_ID_BASE`] and up). Live requests use sequential ids from
//!   1, so an acknowledgement of a replayed frame can never be taken for the reply to a live
//!   request; the event stream drops those acknowledgements and reports a replay that Binance
//!   refused as [`PublicEvent::SubscriptionFailed`](super::PublicEvent::SubscriptionFailed).
//!
//! The registry also keeps the connection's [`RateLimiter`] subscription count, so a subscribe
//! over the cap (1024 streams per connection) fails at once with a typed rate-limit error.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use tradewire_websockets::rpc::Correlated;
use tradewire_websockets::{Frame, Protocol, RateLimitError, RateLimiter};

use crate::BinanceMessage;
use crate::public::websocket::error::numeric_id;
use crate::public::websocket::subscribe::StreamRequest;
use crate::streams::StreamName;

/// Ids at or above this value are used by replayed `SUBSCRIBE` frames, never by requests (which
/// count up from 1 per connection handle).
pub const REPLAY_ID_BASE: u64 = 1 << 48;

/// Replayed batches remembered for error reporting (a few connections' worth).
const REMEMBERED_REPLAYS: usize = 64;

/// Whether `id` belongs to a replayed frame.
pub fn is_replay_id(id: u64) -> bool {
    id >= REPLAY_ID_BASE
}

impl Correlated for BinanceMessage {
    /// The id of a control reply (`Response` or `Error`), when it is a non-negative integer.
    fn response_id(&self) -> Option<u64> {
        match self {
            BinanceMessage::Response(r) => r.id.as_ref().and_then(numeric_id),
            BinanceMessage::Error(e) => e.id.as_ref().and_then(numeric_id),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct State {
    /// Subscribed streams, in subscription order.
    streams: Vec<StreamName>,
    index: HashSet<StreamName>,
    next_replay_id: u64,
    /// (id, streams) of recent replayed frames.
    replays: VecDeque<(u64, Vec<StreamName>)>,
}

/// The subscriptions of one client: what is replayed on every new connection.
#[derive(Debug)]
pub(crate) struct Registry {
    state: Mutex<State>,
    limiter: Arc<RateLimiter>,
    batch: usize,
}

impl Registry {
    /// An empty registry counting streams on `limiter`; replayed `SUBSCRIBE` frames carry at
    /// most `batch` streams each.
    pub(crate) fn new(limiter: Arc<RateLimiter>, batch: usize) -> Self {
        Registry {
            state: Mutex::new(State {
                streams: Vec::new(),
                index: HashSet::new(),
                next_replay_id: REPLAY_ID_BASE,
                replays: VecDeque::new(),
            }),
            limiter,
            batch: batch.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Records the streams not yet recorded (in order, without duplicates) and returns them, or
    /// records none when the subscription cap refuses them.
    pub(crate) fn add(&self, streams: &[StreamName]) -> Result<Vec<StreamName>, RateLimitError> {
        let mut st = self.lock();
        let mut seen = HashSet::new();
        let new: Vec<StreamName> = streams
            .iter()
            .filter(|s| !st.index.contains(*s) && seen.insert(*s))
            .cloned()
            .collect();
        if !new.is_empty() {
            self.limiter.add_subscriptions(new.len() as u64)?;
        }
        for s in &new {
            st.index.insert(s.clone());
            st.streams.push(s.clone());
        }
        Ok(new)
    }

    /// Forgets the given streams and returns those that were recorded.
    pub(crate) fn remove(&self, streams: &[StreamName]) -> Vec<StreamName> {
        let mut st = self.lock();
        let mut removed = Vec::new();
        for s in streams {
            if st.index.remove(s) {
                removed.push(s.clone());
            }
        }
        if !removed.is_empty() {
            let State { streams, index, .. } = &mut *st;
            streams.retain(|s| index.contains(s));
            self.limiter.remove_subscriptions(removed.len() as u64);
        }
        removed
    }

    /// The recorded streams, in subscription order.
    pub(crate) fn list(&self) -> Vec<StreamName> {
        self.lock().streams.clone()
    }

    /// `SUBSCRIBE` frames for every recorded stream, `batch` streams each, with fresh ids from
    /// the reserved range.
    pub(crate) fn replay_frames(&self) -> Vec<Frame> {
        let mut st = self.lock();
        let batches: Vec<Vec<StreamName>> =
            st.streams.chunks(self.batch).map(<[_]>::to_vec).collect();
        let mut frames = Vec::with_capacity(batches.len());
        for streams in batches {
            let id = st.next_replay_id;
            st.next_replay_id += 1;
            let request = StreamRequest::Subscribe {
                streams: streams.clone(),
                id,
            };
            frames.push(Frame::text(request.to_json()));
            if st.replays.len() == REMEMBERED_REPLAYS {
                st.replays.pop_front();
            }
            st.replays.push_back((id, streams));
        }
        frames
    }

    /// Binance refused the replayed frame `id`: forgets its streams (they are not subscribed on
    /// this connection) and returns those that were still recorded. `None` for an unknown id.
    pub(crate) fn replay_failed(&self, id: u64) -> Option<Vec<StreamName>> {
        let streams = {
            let mut st = self.lock();
            let pos = st.replays.iter().position(|(i, _)| *i == id)?;
            st.replays.remove(pos).map(|(_, s)| s)?
        };
        Some(self.remove(&streams))
    }
}

/// The connection protocol of a public client: replays the registry on every new connection.
#[derive(Debug)]
pub(crate) struct ReplayProtocol(pub(crate) Arc<Registry>);

impl Protocol for ReplayProtocol {
    fn on_connect_frames(&self) -> Vec<Frame> {
        self.0.replay_frames()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_websockets::{LimitKind, Quota, RateLimitConfig};

    fn limiter(cap: usize) -> Arc<RateLimiter> {
        Arc::new(RateLimiter::new(RateLimitConfig {
            messages: Some(Quota::per_second(5)),
            max_subscriptions: Some(cap),
            ..RateLimitConfig::default()
        }))
    }

    fn names(list: &[&str]) -> Vec<StreamName> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn decode(text: &str) -> BinanceMessage {
        BinanceMessage::decode_str(text).unwrap().unwrap()
    }

    #[test]
    fn replies_are_correlated_by_id() {
        // web-socket-streams.md, "Subscribe to a stream" and "Listing Subscriptions" responses.
        assert_eq!(
            decode(r#"{"result": null, "id": 1}"#).response_id(),
            Some(1)
        );
        assert_eq!(
            decode(r#"{"result": ["btcusdt@aggTrade"], "id": 3}"#).response_id(),
            Some(3)
        );
        // "Error Messages": with and without an id.
        assert_eq!(
            decode(r#"{"code": 0, "msg": "Unknown property","id": 5}"#).response_id(),
            Some(5)
        );
        assert_eq!(
            decode(
                r#"{"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}"#
            )
            .response_id(),
            None
        );
        assert_eq!(decode(r#"{"result":null,"id":"abc"}"#).response_id(), None);
        let trade = decode(
            r#"{"e":"trade","E":1,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1,"m":true,"M":true}"#,
        );
        assert_eq!(trade.response_id(), None);
    }

    #[test]
    fn registry_tracks_streams_in_order_and_counts_them() {
        let limiter = limiter(3);
        let reg = Registry::new(Arc::clone(&limiter), 10);
        let added = reg
            .add(&names(&["btcusdt@trade", "btcusdt@trade", "ethusdt@trade"]))
            .unwrap();
        assert_eq!(added, names(&["btcusdt@trade", "ethusdt@trade"]));
        assert_eq!(limiter.usage().subscriptions, (2, Some(3)));
        // Already tracked: nothing new, nothing counted.
        assert!(reg.add(&names(&["ethusdt@trade"])).unwrap().is_empty());
        // Over the cap: refused as a whole, nothing recorded.
        let err = reg
            .add(&names(&["bnbbtc@trade", "bnbbtc@depth"]))
            .unwrap_err();
        assert_eq!(err.kind, LimitKind::Subscriptions);
        assert_eq!((err.limit, err.used), (3, 4));
        assert_eq!(reg.list(), names(&["btcusdt@trade", "ethusdt@trade"]));
        assert_eq!(
            reg.remove(&names(&["btcusdt@trade", "xrpusdt@trade"])),
            names(&["btcusdt@trade"])
        );
        assert_eq!(limiter.usage().subscriptions, (1, Some(3)));
        assert_eq!(reg.list(), names(&["ethusdt@trade"]));
    }

    #[test]
    fn replay_frames_are_batched_with_reserved_ids() {
        let reg = Registry::new(limiter(1024), 2);
        assert!(reg.replay_frames().is_empty());
        reg.add(&names(&[
            "btcusdt@trade",
            "btcusdt@depth@100ms",
            "ethusdt@kline_1m",
        ]))
        .unwrap();
        let frames = reg.replay_frames();
        let texts: Vec<&str> = frames.iter().filter_map(Frame::as_text).collect();
        assert_eq!(
            texts,
            vec![
                r#"{"method":"SUBSCRIBE","params":["btcusdt@trade","btcusdt@depth@100ms"],"id":281474976710656}"#,
                r#"{"method":"SUBSCRIBE","params":["ethusdt@kline_1m"],"id":281474976710657}"#,
            ]
        );
        assert!(is_replay_id(REPLAY_ID_BASE) && !is_replay_id(REPLAY_ID_BASE - 1));
        // Every new connection gets fresh ids.
        let again = ReplayProtocol(Arc::new(Registry::new(limiter(4), 5)));
        again.0.add(&names(&["btcusdt@trade"])).unwrap();
        assert_eq!(again.on_connect_frames().len(), 1);
        assert!(
            again.on_connect_frames()[0]
                .as_text()
                .unwrap()
                .ends_with(r#""id":281474976710657}"#)
        );
    }

    #[test]
    fn a_refused_replay_forgets_its_streams() {
        let reg = Registry::new(limiter(1024), 1);
        reg.add(&names(&["btcusdt@trade", "foousdt@trade"]))
            .unwrap();
        reg.replay_frames();
        assert_eq!(
            reg.replay_failed(REPLAY_ID_BASE + 1),
            Some(names(&["foousdt@trade"]))
        );
        assert_eq!(reg.replay_failed(REPLAY_ID_BASE + 1), None);
        assert_eq!(reg.replay_failed(7), None);
        assert_eq!(reg.list(), names(&["btcusdt@trade"]));
    }
}
