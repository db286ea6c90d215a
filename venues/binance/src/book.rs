//! Local order books kept in sync with Binance's documented procedure
//! (web-socket-streams.md, "How to manage a local order book correctly",
//! <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#how-to-manage-a-local-order-book-correctly>):
//!
//! 1. subscribe to `<symbol>@depth@100ms` (or `<symbol>@depth`) and buffer the events, noting
//!    the `U` of the first;
//! 2. fetch a depth snapshot (`GET /api/v3/depth?symbol=…&limit=…`, through a
//!    [`SnapshotSource`]); if its `lastUpdateId` is older than the first buffered `U` (events
//!    would be missing between them), fetch again;
//! 3. drop buffered events with `u <= lastUpdateId`; the first applied one must have
//!    `U <= lastUpdateId + 1 <= u`, every later one `U` = previous `u + 1`
//!    ([`tradewire_core::OrderBook`] with [`SequenceRule::BinanceSpot`]);
//! 4. on a gap, discard the book and start again from step 1.
//!
//! [`OrderBookManager`] does this for any number of symbols over the event stream of a
//! [`BinancePublicClient`](crate::public::websocket::BinancePublicClient), driven by the
//! consumer polling it (no task of its own, so it runs natively and in browsers alike). A book
//! is readable ([`OrderBookManager::book`]) only while it is in sync: the user never sees a book
//! with missing updates.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::FuturesUnordered;
use futures::{Stream, StreamExt};
use tradewire_core::{BookError, OrderBook, SequenceRule};
use tradewire_rest::{RestClient, RestError};
use web_time::Instant;

use crate::public::rest::depth::{self, DepthRequest};
use crate::public::websocket::PublicEvent;
use crate::streams::{Channel, StreamName, UpdateSpeed};
use crate::{BinanceMessage, DepthSnapshot, DepthUpdateEvent};

/// Why a depth snapshot could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The REST request failed (HTTP error, rate limit, transport, undecodable body).
    #[error(transparent)]
    Rest(#[from] RestError),
    /// The snapshot could not be decoded.
    #[error(transparent)]
    Decode(#[from] tradewire_core::DecodeError),
    /// Every snapshot fetched was older than the buffered events (`lastUpdateId + 1 < U`).
    #[error(
        "depth snapshot lastUpdateId {last_update_id} is older than the first buffered event (U = {first_update_id})"
    )]
    TooOld {
        /// The last snapshot's `lastUpdateId`.
        last_update_id: u64,
        /// `U` of the first buffered event.
        first_update_id: u64,
    },
    /// The snapshot does not fit a book (e.g. a negative quantity).
    #[error("unusable depth snapshot: {0}")]
    Invalid(BookError),
    /// A custom source's error.
    #[error("{0}")]
    Other(String),
}

/// Where depth snapshots come from: `GET /api/v3/depth` ([`rest_snapshot_source`]), the
/// WebSocket API `depth` method, or anything else (a closure
/// `Fn(&str, u32) -> impl Future<Output = Result<DepthSnapshot, SnapshotError>>`).
pub trait SnapshotSource {
    /// The fetch in progress.
    type Future: Future<Output = Result<DepthSnapshot, SnapshotError>>;

    /// Fetches the top `limit` levels of `venue_symbol` (`BTCUSDT`).
    fn fetch(&self, venue_symbol: &str, limit: u32) -> Self::Future;
}

impl<F, Fut> SnapshotSource for F
where
    F: Fn(&str, u32) -> Fut,
    Fut: Future<Output = Result<DepthSnapshot, SnapshotError>>,
{
    type Future = Fut;

    fn fetch(&self, venue_symbol: &str, limit: u32) -> Fut {
        self(venue_symbol, limit)
    }
}

/// Snapshots from `GET /api/v3/depth?symbol=…&limit=…` through `client` (whose base URL is the
/// REST API: [`REST_URL`](crate::REST_URL), [`MARKET_DATA_REST_URL`](crate::MARKET_DATA_REST_URL),
/// testnet or a simulator), sent by [`depth::send_snapshot`] with the request's documented weight
/// declared to the client's limiter, if it has one.
pub fn rest_snapshot_source(
    client: RestClient,
) -> impl SnapshotSource<Future = impl Future<Output = Result<DepthSnapshot, SnapshotError>>> + Clone
{
    move |venue_symbol: &str, limit: u32| {
        let request = DepthRequest::new(venue_symbol).with_limit(limit);
        let client = client.clone();
        async move { Ok(depth::send_snapshot(&client, &request).await?) }
    }
}

/// What an [`OrderBookManager`] reports.
// Passed-through client events are most of the traffic; see `PublicEvent`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BookEvent {
    /// The book of `symbol` was (re)built from a snapshot and the buffered events: it is in sync
    /// at `last_update_id` and readable with [`OrderBookManager::book`].
    Synced {
        /// Venue symbol (`BTCUSDT`).
        symbol: String,
        /// The book's update id.
        last_update_id: u64,
        /// True after a resynchronization ([`BookEvent::OutOfSync`] came before).
        resynced: bool,
    },
    /// A diff was applied to the in-sync book of `symbol`.
    Updated {
        /// Venue symbol.
        symbol: String,
        /// `U` of the diff.
        first_update_id: u64,
        /// `u` of the diff: the book's update id now.
        last_update_id: u64,
    },
    /// The book of `symbol` lost sync (usually [`BookError::Gap`]: events were missed). It was
    /// discarded and is being rebuilt; [`OrderBookManager::book`] gives `None` until the next
    /// [`BookEvent::Synced`].
    OutOfSync {
        /// Venue symbol.
        symbol: String,
        /// Why.
        error: BookError,
    },
    /// A snapshot fetch failed; it is tried again with the first diff that arrives after the
    /// retry delay.
    SnapshotFailed {
        /// Venue symbol.
        symbol: String,
        /// Why.
        error: SnapshotError,
    },
    /// Any other event of the client (trades, other streams, connection events), unchanged.
    Event(PublicEvent),
}

/// Where one book is in the procedure.
#[derive(Debug)]
enum Phase {
    /// Waiting for the first diff (from `retry_at` on, after a failed fetch).
    Idle { retry_at: Option<Instant> },
    /// A snapshot is being fetched; diffs are buffered.
    Fetching {
        buffer: VecDeque<DepthUpdateEvent>,
        attempts: u32,
    },
    /// In sync.
    Live,
}

#[derive(Debug)]
struct Tracked {
    book: OrderBook,
    phase: Phase,
    /// Identifies the current fetch; results of older fetches are ignored.
    generation: u64,
    /// Whether the book was in sync before (the next `Synced` is a resync).
    was_synced: bool,
}

/// A snapshot fetch tagged with its book.
struct Fetch<F> {
    symbol: String,
    generation: u64,
    future: Pin<Box<F>>,
}

impl<F: Future<Output = Result<DepthSnapshot, SnapshotError>>> Future for Fetch<F> {
    type Output = (String, u64, Result<DepthSnapshot, SnapshotError>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let result = std::task::ready!(self.future.as_mut().poll(cx));
        Poll::Ready((std::mem::take(&mut self.symbol), self.generation, result))
    }
}

/// Keeps local order books of several symbols in sync over a stream of [`PublicEvent`]s.
///
/// ```no_run
/// use futures::StreamExt;
/// use tradewire_binance::book::{rest_snapshot_source, BookEvent, OrderBookManager};
/// use tradewire_binance::public::websocket::{BinancePublicClient, BinancePublicConfig};
/// use tradewire_binance::streams::UpdateSpeed;
/// use tradewire_core::Venue;
/// use tradewire_rest::RestClient;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let (client, events) = BinancePublicClient::new(BinancePublicConfig::market_data_only())?;
/// let rest = RestClient::new(Venue::Binance, tradewire_binance::MARKET_DATA_REST_URL)?;
/// let mut books = OrderBookManager::new(events, rest_snapshot_source(rest), UpdateSpeed::Ms100);
/// books.track("BTCUSDT");
/// client.subscribe(&books.streams()).await?;
/// client.connect().await?;
/// while let Some(event) = books.next().await {
///     if let BookEvent::Synced { symbol, .. } | BookEvent::Updated { symbol, .. } = &event {
///         if let Some(book) = books.book(symbol) {
///             println!("{symbol}: {:?} / {:?}", book.best_bid(), book.best_ask());
///         }
///     }
/// }
/// # Ok(()) }
/// ```
pub struct OrderBookManager<St, S: SnapshotSource> {
    events: St,
    source: S,
    speed: UpdateSpeed,
    limit: u32,
    max_attempts: u32,
    retry_delay: Duration,
    buffer_cap: usize,
    books: HashMap<String, Tracked>,
    fetches: FuturesUnordered<Fetch<S::Future>>,
    out: VecDeque<BookEvent>,
    next_generation: u64,
}

impl<St, S: SnapshotSource> std::fmt::Debug for OrderBookManager<St, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderBookManager")
            .field("speed", &self.speed)
            .field("limit", &self.limit)
            .field("symbols", &self.books.keys().collect::<Vec<_>>())
            .field("fetching", &self.fetches.len())
            .finish_non_exhaustive()
    }
}

impl<St, S> OrderBookManager<St, S>
where
    St: Stream<Item = PublicEvent> + Unpin,
    S: SnapshotSource,
{
    /// A manager reading `events` (the client's [`PublicEvents`](crate::public::websocket::PublicEvents),
    /// or any stream of them), fetching snapshots from `source` and using the diff stream of
    /// `speed`. Defaults: snapshots of 1000 levels (weight 50), up to 5 fetches per
    /// synchronization, 1 s before retrying a failed fetch, at most 10 000 buffered diffs per
    /// book.
    pub fn new(events: St, source: S, speed: UpdateSpeed) -> Self {
        OrderBookManager {
            events,
            source,
            speed,
            limit: 1000,
            max_attempts: 5,
            retry_delay: Duration::from_secs(1),
            buffer_cap: 10_000,
            books: HashMap::new(),
            fetches: FuturesUnordered::new(),
            out: VecDeque::new(),
            next_generation: 0,
        }
    }

    /// Sets the snapshot depth (`limit` of `GET /api/v3/depth`, at most 5000).
    pub fn snapshot_limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, 5000);
        self
    }

    /// Sets the wait before a failed snapshot fetch is retried.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// Keeps a book for `symbol` (any case). Its diff stream must be subscribed
    /// ([`streams`](Self::streams)).
    pub fn track(&mut self, symbol: &str) {
        self.books
            .entry(symbol.to_ascii_uppercase())
            .or_insert_with(|| Tracked {
                book: OrderBook::new(SequenceRule::BinanceSpot),
                phase: Phase::Idle { retry_at: None },
                generation: 0,
                was_synced: false,
            });
    }

    /// Stops keeping the book of `symbol`; its diffs pass through as events again.
    pub fn untrack(&mut self, symbol: &str) {
        self.books.remove(&symbol.to_ascii_uppercase());
    }

    /// The diff streams the tracked books need (`<symbol>@depth@100ms` or `<symbol>@depth`).
    pub fn streams(&self) -> Vec<StreamName> {
        let mut symbols: Vec<&String> = self.books.keys().collect();
        symbols.sort();
        symbols
            .into_iter()
            .map(|s| StreamName::depth(s, self.speed))
            .collect()
    }

    /// The book of `symbol` while it is in sync; `None` before the first synchronization and
    /// while resynchronizing.
    pub fn book(&self, symbol: &str) -> Option<&OrderBook> {
        let tracked = self.books.get(&symbol.to_ascii_uppercase())?;
        matches!(tracked.phase, Phase::Live).then_some(&tracked.book)
    }

    /// The underlying event stream.
    pub fn events(&self) -> &St {
        &self.events
    }

    /// Whether `update` is a diff of the configured speed (raw-stream diffs carry no channel).
    fn wants(&self, update: &DepthUpdateEvent) -> bool {
        update
            .channel
            .is_none_or(|c| c == Channel::Depth(self.speed))
    }

    fn start_fetch(&mut self, symbol: &str) {
        self.next_generation += 1;
        let generation = self.next_generation;
        if let Some(tracked) = self.books.get_mut(symbol) {
            tracked.generation = generation;
        }
        self.fetches.push(Fetch {
            symbol: symbol.to_owned(),
            generation,
            future: Box::pin(self.source.fetch(symbol, self.limit)),
        });
    }

    /// Handles one event of the client.
    fn on_event(&mut self, event: PublicEvent) {
        let PublicEvent::Message(BinanceMessage::DepthUpdate(update)) = event else {
            self.out.push_back(BookEvent::Event(event));
            return;
        };
        let symbol = update.book.venue_symbol.clone();
        if !self.wants(&update) || !self.books.contains_key(&symbol) {
            self.out.push_back(BookEvent::Event(PublicEvent::Message(
                BinanceMessage::DepthUpdate(update),
            )));
            return;
        }
        let cap = self.buffer_cap;
        let Some(tracked) = self.books.get_mut(&symbol) else {
            return;
        };
        match &mut tracked.phase {
            Phase::Idle { retry_at } => {
                if retry_at.is_some_and(|at| Instant::now() < at) {
                    return;
                }
                tracked.phase = Phase::Fetching {
                    buffer: VecDeque::from([update]),
                    attempts: 1,
                };
                self.start_fetch(&symbol);
            }
            Phase::Fetching { buffer, .. } => {
                if buffer.len() >= cap {
                    buffer.pop_front();
                }
                buffer.push_back(update);
            }
            Phase::Live => match tracked.book.apply(&update.book) {
                Ok(tradewire_core::Applied::Stale) => {}
                Ok(_) => self.out.push_back(BookEvent::Updated {
                    symbol,
                    first_update_id: update.first_update_id,
                    last_update_id: update.final_update_id,
                }),
                Err(error) => {
                    tracing::warn!(%symbol, %error, "order book out of sync; resynchronizing");
                    tracked.book.reset();
                    tracked.phase = Phase::Fetching {
                        buffer: VecDeque::from([update]),
                        attempts: 1,
                    };
                    self.out.push_back(BookEvent::OutOfSync {
                        symbol: symbol.clone(),
                        error,
                    });
                    self.start_fetch(&symbol);
                }
            },
        }
    }

    /// Handles a finished snapshot fetch.
    fn on_snapshot(
        &mut self,
        symbol: String,
        generation: u64,
        result: Result<DepthSnapshot, SnapshotError>,
    ) {
        let retry_delay = self.retry_delay;
        let max_attempts = self.max_attempts;
        let Some(tracked) = self.books.get_mut(&symbol) else {
            return;
        };
        if tracked.generation != generation {
            return;
        }
        let Phase::Fetching { buffer, attempts } = &mut tracked.phase else {
            return;
        };
        let failed = |tracked: &mut Tracked, error: SnapshotError| {
            tracked.book.reset();
            tracked.phase = Phase::Idle {
                retry_at: Some(Instant::now() + retry_delay),
            };
            BookEvent::SnapshotFailed {
                symbol: symbol.clone(),
                error,
            }
        };
        let snapshot = match result {
            Ok(s) => s,
            Err(error) => {
                tracing::warn!(%symbol, %error, "depth snapshot failed");
                let event = failed(tracked, error);
                self.out.push_back(event);
                return;
            }
        };
        let first_update_id = buffer.front().map_or(0, |e| e.first_update_id);
        if snapshot.last_update_id.saturating_add(1) < first_update_id {
            // Older than the buffered events: the updates between are missing. Fetch again.
            if *attempts < max_attempts {
                *attempts += 1;
                self.start_fetch(&symbol);
            } else {
                let error = SnapshotError::TooOld {
                    last_update_id: snapshot.last_update_id,
                    first_update_id,
                };
                let event = failed(tracked, error);
                self.out.push_back(event);
            }
            return;
        }
        let buffered = std::mem::take(buffer);
        if let Err(error) = tracked.book.apply(&snapshot.into_book_update(&symbol)) {
            let event = failed(tracked, SnapshotError::Invalid(error));
            self.out.push_back(event);
            return;
        }
        let mut buffered = buffered.into_iter();
        while let Some(update) = buffered.next() {
            if let Err(error) = tracked.book.apply(&update.book) {
                // A gap inside the buffer: start over from this event on.
                tracing::warn!(%symbol, %error, "gap in buffered depth events; resynchronizing");
                tracked.book.reset();
                let mut rest = VecDeque::from([update]);
                rest.extend(buffered);
                tracked.phase = Phase::Fetching {
                    buffer: rest,
                    attempts: 1,
                };
                self.out.push_back(BookEvent::OutOfSync {
                    symbol: symbol.clone(),
                    error,
                });
                self.start_fetch(&symbol);
                return;
            }
        }
        tracked.phase = Phase::Live;
        let resynced = std::mem::replace(&mut tracked.was_synced, true);
        self.out.push_back(BookEvent::Synced {
            last_update_id: tracked.book.last_seq().unwrap_or_default(),
            symbol,
            resynced,
        });
    }
}

impl<St, S> Stream for OrderBookManager<St, S>
where
    St: Stream<Item = PublicEvent> + Unpin,
    S: SnapshotSource,
{
    type Item = BookEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<BookEvent>> {
        // `Fetch` and `FuturesUnordered` are `Unpin`; `St: Unpin`: the manager is `Unpin`
        // whatever `S` is.
        let this = self.as_mut().get_mut();
        loop {
            if let Some(event) = this.out.pop_front() {
                return Poll::Ready(Some(event));
            }
            while let Poll::Ready(Some((symbol, generation, result))) =
                this.fetches.poll_next_unpin(cx)
            {
                this.on_snapshot(symbol, generation, result);
            }
            if !this.out.is_empty() {
                continue;
            }
            match this.events.poll_next_unpin(cx) {
                Poll::Ready(Some(event)) => this.on_event(event),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<St, S: SnapshotSource> Unpin for OrderBookManager<St, S> where St: Unpin {}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::channel::{mpsc, oneshot};
    use std::sync::{Arc, Mutex};
    use tradewire_core::BookLevel;

    type Reply = Result<DepthSnapshot, SnapshotError>;

    /// A snapshot source whose fetches complete when the test says so.
    #[derive(Clone, Default)]
    struct Script {
        pending: Arc<Mutex<VecDeque<oneshot::Sender<Reply>>>>,
        fetched: Arc<Mutex<Vec<(String, u32)>>>,
    }

    impl Script {
        fn source(&self) -> impl SnapshotSource + use<> {
            let script = self.clone();
            move |symbol: &str, limit: u32| {
                script
                    .fetched
                    .lock()
                    .unwrap()
                    .push((symbol.to_owned(), limit));
                let (tx, rx) = oneshot::channel();
                script.pending.lock().unwrap().push_back(tx);
                async move {
                    rx.await
                        .unwrap_or_else(|_| Err(SnapshotError::Other("gone".into())))
                }
            }
        }

        /// Completes the oldest pending fetch.
        fn reply(&self, reply: Reply) {
            let tx = self.pending.lock().unwrap().pop_front().expect("a fetch");
            tx.send(reply).unwrap();
        }

        fn respond(&self, body: &str) {
            self.reply(Ok(DepthSnapshot::parse(body).unwrap()));
        }

        fn fetches(&self) -> usize {
            self.fetched.lock().unwrap().len()
        }
    }

    /// A `depthUpdate` through the combined stream `bnbbtc@depth@100ms`
    /// (web-socket-streams.md, "Diff. Depth Stream" payload with other ids and levels).
    fn diff(first: u64, last: u64, bid: (&str, &str)) -> PublicEvent {
        let text = format!(
            r#"{{"stream":"bnbbtc@depth@100ms","data":{{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":{first},"u":{last},"b":[["{}","{}"]],"a":[["0.0026","100"]]}}}}"#,
            bid.0, bid.1
        );
        PublicEvent::Message(BinanceMessage::decode_str(&text).unwrap().unwrap())
    }

    fn level(p: &str, a: &str) -> BookLevel {
        BookLevel::new(p.parse().unwrap(), a.parse().unwrap())
    }

    type Manager<S> = OrderBookManager<mpsc::UnboundedReceiver<PublicEvent>, S>;

    fn manager(
        script: &Script,
    ) -> (
        Manager<impl SnapshotSource + use<>>,
        mpsc::UnboundedSender<PublicEvent>,
    ) {
        let (tx, rx) = mpsc::unbounded();
        let mut m = OrderBookManager::new(rx, script.source(), UpdateSpeed::Ms100)
            .snapshot_limit(100)
            .retry_delay(Duration::ZERO);
        m.track("bnbbtc");
        (m, tx)
    }

    /// Everything the manager has ready now.
    fn drain<S: SnapshotSource>(m: &mut Manager<S>) -> Vec<BookEvent> {
        let mut out = Vec::new();
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        while let Poll::Ready(Some(e)) = Pin::new(&mut *m).poll_next(&mut cx) {
            out.push(e);
        }
        out
    }

    fn synced(last_update_id: u64, resynced: bool) -> BookEvent {
        BookEvent::Synced {
            symbol: "BNBBTC".into(),
            last_update_id,
            resynced,
        }
    }

    #[test]
    fn documented_procedure_syncs_the_book() {
        let script = Script::default();
        let (mut m, tx) = manager(&script);
        assert_eq!(
            m.streams(),
            vec![StreamName::depth("BNBBTC", UpdateSpeed::Ms100)]
        );
        // Steps 1-2: the first diff starts the snapshot fetch; diffs are buffered meanwhile.
        tx.unbounded_send(diff(150, 156, ("0.0024", "9"))).unwrap();
        tx.unbounded_send(diff(157, 160, ("0.0024", "10"))).unwrap();
        assert_eq!(drain(&mut m), vec![]);
        assert!(m.book("BNBBTC").is_none());
        assert_eq!(
            *script.fetched.lock().unwrap(),
            vec![("BNBBTC".to_owned(), 100)]
        );
        // rest-api.md "Order book" response shape, lastUpdateId 157: the first buffered diff
        // (u = 156 <= 157) is dropped, the second (U = 157 <= 158 <= u = 160) applied.
        script.respond(
            r#"{"lastUpdateId":157,"bids":[["0.0024","5"],["0.0023","1"]],"asks":[["0.0026","1"]]}"#,
        );
        assert_eq!(drain(&mut m), vec![synced(160, false)]);
        let book = m.book("bnbbtc").unwrap();
        assert_eq!(book.best_bid(), Some(level("0.0024", "10")));
        assert_eq!(book.best_ask(), Some(level("0.0026", "100")));
        // Then continuity: U = previous u + 1.
        tx.unbounded_send(diff(161, 161, ("0.0023", "0"))).unwrap();
        assert_eq!(
            drain(&mut m),
            vec![BookEvent::Updated {
                symbol: "BNBBTC".into(),
                first_update_id: 161,
                last_update_id: 161
            }]
        );
        assert_eq!(m.book("BNBBTC").unwrap().bid_depth(), 1);
        // Stale diffs change nothing and report nothing.
        tx.unbounded_send(diff(150, 160, ("0.0024", "99"))).unwrap();
        assert_eq!(drain(&mut m), vec![]);
        assert_eq!(script.fetches(), 1);
    }

    #[test]
    fn a_gap_discards_the_book_and_resyncs() {
        let script = Script::default();
        let (mut m, tx) = manager(&script);
        tx.unbounded_send(diff(11, 12, ("1.0", "2"))).unwrap();
        drain(&mut m);
        script.respond(r#"{"lastUpdateId":10,"bids":[["1.0","1"]],"asks":[["2.0","1"]]}"#);
        assert_eq!(drain(&mut m), vec![synced(12, false)]);
        // 13..=20 missed.
        tx.unbounded_send(diff(21, 25, ("1.1", "1"))).unwrap();
        assert_eq!(
            drain(&mut m),
            vec![BookEvent::OutOfSync {
                symbol: "BNBBTC".into(),
                error: BookError::Gap {
                    expected: 13,
                    got: 21
                }
            }]
        );
        assert!(m.book("BNBBTC").is_none(), "no book while out of sync");
        tx.unbounded_send(diff(26, 31, ("1.1", "2"))).unwrap();
        assert_eq!(drain(&mut m), vec![]);
        // The new snapshot (30) covers the first buffered diff; the second applies.
        script.respond(r#"{"lastUpdateId":30,"bids":[["1.5","3"]],"asks":[["2.0","2"]]}"#);
        assert_eq!(drain(&mut m), vec![synced(31, true)]);
        let book = m.book("BNBBTC").unwrap();
        assert_eq!(book.best_bid(), Some(level("1.5", "3")));
        assert_eq!(book.bid_depth(), 2);
        assert_eq!(script.fetches(), 2);
    }

    #[test]
    fn an_old_snapshot_is_fetched_again() {
        let script = Script::default();
        let (mut m, tx) = manager(&script);
        tx.unbounded_send(diff(100, 101, ("1.0", "2"))).unwrap();
        drain(&mut m);
        // Step 4: lastUpdateId 5 is older than the first buffered U = 100.
        script.respond(r#"{"lastUpdateId":5,"bids":[],"asks":[]}"#);
        assert_eq!(drain(&mut m), vec![]);
        assert_eq!(script.fetches(), 2);
        script.respond(r#"{"lastUpdateId":100,"bids":[["1.0","1"]],"asks":[]}"#);
        assert_eq!(drain(&mut m), vec![synced(101, false)]);
        assert_eq!(
            m.book("BNBBTC").unwrap().best_bid(),
            Some(level("1.0", "2"))
        );
    }

    #[test]
    fn failures_are_reported_and_retried_and_other_events_pass_through() {
        let script = Script::default();
        let (mut m, tx) = manager(&script);
        tx.unbounded_send(PublicEvent::Connected).unwrap();
        tx.unbounded_send(diff(1, 2, ("1.0", "1"))).unwrap();
        assert_eq!(
            drain(&mut m),
            vec![BookEvent::Event(PublicEvent::Connected)]
        );
        script.reply(Err(SnapshotError::Other("HTTP 503".into())));
        assert_eq!(
            drain(&mut m),
            vec![BookEvent::SnapshotFailed {
                symbol: "BNBBTC".into(),
                error: SnapshotError::Other("HTTP 503".into())
            }]
        );
        assert!(m.book("BNBBTC").is_none());
        // The next diff retries (retry delay zero here).
        tx.unbounded_send(diff(3, 3, ("1.0", "4"))).unwrap();
        drain(&mut m);
        script.respond(r#"{"lastUpdateId":2,"bids":[["1.0","1"]],"asks":[]}"#);
        assert_eq!(drain(&mut m), vec![synced(3, false)]);
        // Untracked symbols pass through; so do diffs of the other speed.
        let other_speed = PublicEvent::Message(
            BinanceMessage::decode_str(
                r#"{"stream":"bnbbtc@depth","data":{"e":"depthUpdate","E":1,"s":"BNBBTC","U":4,"u":9,"b":[],"a":[]}}"#,
            )
            .unwrap()
            .unwrap(),
        );
        tx.unbounded_send(other_speed.clone()).unwrap();
        assert_eq!(drain(&mut m), vec![BookEvent::Event(other_speed)]);
        m.untrack("BNBBTC");
        tx.unbounded_send(diff(4, 4, ("1.0", "5"))).unwrap();
        assert!(matches!(
            drain(&mut m)[..],
            [BookEvent::Event(PublicEvent::Message(
                BinanceMessage::DepthUpdate(_)
            ))]
        ));
        drop(tx);
        let waker = futures::task::noop_waker();
        assert_eq!(
            Pin::new(&mut m).poll_next(&mut Context::from_waker(&waker)),
            Poll::Ready(None)
        );
    }
}
