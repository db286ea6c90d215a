//! Stream adapters implementing [`StreamOptions`]: [`only_closed`], [`dedupe`] and
//! [`throttle`], composed by [`apply`] in that order.
//!
//! They work on any [`Update`] (implemented for [`Candle`]); errors pass through unchanged and
//! in order. Timers use [`tradewire_websockets::runtime::sleep`] (tokio natively, the page's
//! timers in browsers), so the adapters never read a clock and behave under tokio's paused time.

use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{FuturesUnordered, Stream, StreamExt};
use tradewire_core::market_data::MaybeSend;
use tradewire_core::{BoxFuture, BoxStream, Candle, Result, StreamOptions};
use tradewire_websockets::runtime::sleep;

/// An update of a per-symbol series (a candle), as the adapters see it.
pub trait Update: Clone + PartialEq + MaybeSend {
    /// The series it belongs to (the venue symbol).
    fn stream_key(&self) -> &str;
    /// Its slot in the series (a candle's open time): a newer slot supersedes an older one.
    fn slot(&self) -> i64;
    /// Final for its slot (a closed candle): never dropped by throttling.
    fn is_final(&self) -> bool;
}

impl Update for Candle {
    fn stream_key(&self) -> &str {
        &self.venue_symbol
    }

    fn slot(&self) -> i64 {
        self.open_time
    }

    fn is_final(&self) -> bool {
        self.closed
    }
}

/// Applies `opts` to `stream`: [`only_closed`], then [`dedupe`], then [`throttle`] (each only
/// when asked for; a zero throttle interval is no throttle).
pub fn apply<'a, T: Update + 'a>(
    stream: BoxStream<'a, Result<T>>,
    opts: StreamOptions,
) -> BoxStream<'a, Result<T>> {
    let mut stream = stream;
    if opts.only_closed {
        stream = only_closed(stream);
    }
    if opts.dedupe {
        stream = dedupe(stream);
    }
    if let Some(period) = opts.throttle.filter(|d| !d.is_zero()) {
        stream = throttle(stream, period);
    }
    stream
}

/// Yields each final update once: in-progress updates are dropped, and so is a final update
/// whose slot is not newer than the last final one of its series (a venue repeating a closed
/// candle after a reconnect).
pub fn only_closed<'a, T: Update + 'a>(
    stream: BoxStream<'a, Result<T>>,
) -> BoxStream<'a, Result<T>> {
    let mut last_final: HashMap<String, i64> = HashMap::new();
    Box::pin(stream.filter(move |item| {
        let keep = match item {
            Err(_) => true,
            Ok(u) if !u.is_final() => false,
            Ok(u) => match last_final.get(u.stream_key()) {
                Some(&slot) if u.slot() <= slot => false,
                _ => {
                    last_final.insert(u.stream_key().to_owned(), u.slot());
                    true
                }
            },
        };
        futures::future::ready(keep)
    }))
}

/// Drops an update equal to the previous one of its series (same slot, same values).
pub fn dedupe<'a, T: Update + 'a>(stream: BoxStream<'a, Result<T>>) -> BoxStream<'a, Result<T>> {
    let mut last: HashMap<String, T> = HashMap::new();
    Box::pin(stream.filter(move |item| {
        let keep = match item {
            Err(_) => true,
            Ok(u) => {
                if last.get(u.stream_key()) == Some(u) {
                    false
                } else {
                    last.insert(u.stream_key().to_owned(), u.clone());
                    true
                }
            }
        };
        futures::future::ready(keep)
    }))
}

/// At most one update per series per `period`, latest value wins.
///
/// The first update of a series is yielded at once and opens a window of `period`; updates
/// arriving inside the window replace each other, and the one held when the window ends is
/// yielded then (opening the next window). A final update is never held back: it is yielded
/// at once (after a held update of an older slot, which would otherwise be lost; a held update
/// of the same slot is superseded by it) and restarts the window. When the source ends, held
/// updates are flushed.
pub fn throttle<'a, T: Update + 'a>(
    stream: BoxStream<'a, Result<T>>,
    period: Duration,
) -> BoxStream<'a, Result<T>> {
    Box::pin(Throttle {
        inner: Some(stream),
        period,
        windows: HashMap::new(),
        timers: FuturesUnordered::new(),
        out: VecDeque::new(),
        next_gen: 0,
    })
}

struct Window<T> {
    held: Option<T>,
    /// Identifies the timer that ends this window (older timers are stale).
    generation: u64,
}

struct Throttle<'a, T> {
    inner: Option<BoxStream<'a, Result<T>>>,
    period: Duration,
    windows: HashMap<String, Window<T>>,
    timers: FuturesUnordered<BoxFuture<'static, (String, u64)>>,
    out: VecDeque<Result<T>>,
    next_gen: u64,
}

// No field is structurally pinned: the inner stream and the timers are boxed.
impl<T> Unpin for Throttle<'_, T> {}

impl<T: Update> Throttle<'_, T> {
    /// Opens (or restarts) the window of `key`, returning its generation.
    fn start_timer(&mut self, key: String) -> u64 {
        let generation = self.next_gen;
        self.next_gen = self.next_gen.wrapping_add(1);
        let period = self.period;
        self.timers.push(Box::pin(async move {
            sleep(period).await;
            (key, generation)
        }));
        generation
    }

    fn on_update(&mut self, update: T) {
        let key = update.stream_key().to_owned();
        let Some(window) = self.windows.get_mut(&key) else {
            self.out.push_back(Ok(update));
            let generation = self.start_timer(key.clone());
            self.windows.insert(
                key,
                Window {
                    held: None,
                    generation,
                },
            );
            return;
        };
        if !update.is_final() {
            window.held = Some(update);
            return;
        }
        let restart = match window.held.take() {
            Some(held) if held.slot() > update.slot() => {
                // A late final update of an older slot: yield it, keep the newer one held.
                window.held = Some(held);
                false
            }
            Some(held) if held.slot() < update.slot() => {
                self.out.push_back(Ok(held));
                true
            }
            _ => true,
        };
        self.out.push_back(Ok(update));
        if restart {
            let generation = self.start_timer(key.clone());
            if let Some(window) = self.windows.get_mut(&key) {
                window.generation = generation;
            }
        }
    }

    fn on_timer(&mut self, key: String, generation: u64) {
        let Some(window) = self.windows.get_mut(&key) else {
            return;
        };
        if window.generation != generation {
            return; // restarted since
        }
        match window.held.take() {
            Some(held) => {
                self.out.push_back(Ok(held));
                let generation = self.start_timer(key.clone());
                if let Some(window) = self.windows.get_mut(&key) {
                    window.generation = generation;
                }
            }
            None => {
                self.windows.remove(&key);
            }
        }
    }

    fn flush(&mut self) {
        let mut held: Vec<(String, T)> = self
            .windows
            .drain()
            .filter_map(|(key, w)| w.held.map(|h| (key, h)))
            .collect();
        held.sort_by(|a, b| a.0.cmp(&b.0));
        self.out.extend(held.into_iter().map(|(_, h)| Ok(h)));
        self.timers = FuturesUnordered::new();
    }
}

impl<T: Update> Stream for Throttle<'_, T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.out.pop_front() {
                return Poll::Ready(Some(item));
            }
            if let Poll::Ready(Some((key, generation))) = this.timers.poll_next_unpin(cx) {
                this.on_timer(key, generation);
                continue;
            }
            let Some(inner) = this.inner.as_mut() else {
                return Poll::Ready(None);
            };
            match inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(update))) => this.on_update(update),
                Poll::Ready(Some(Err(e))) => this.out.push_back(Err(e)),
                Poll::Ready(None) => {
                    this.inner = None;
                    this.flush();
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use futures::channel::mpsc;
    use tradewire_core::{Decimal, Error, Timeframe, Venue};

    fn candle(sym: &str, open_time: i64, close: i64, closed: bool) -> Candle {
        Candle {
            venue: Venue::Binance,
            symbol: None,
            venue_symbol: sym.into(),
            timeframe: Timeframe::M1,
            open_time,
            close_time: None,
            open: Decimal::ONE,
            high: Decimal::from(close),
            low: Decimal::ONE,
            close: Decimal::from(close),
            volume: Decimal::ONE,
            quote_volume: None,
            trades: None,
            closed,
        }
    }

    fn from_vec(items: Vec<Result<Candle>>) -> BoxStream<'static, Result<Candle>> {
        Box::pin(futures::stream::iter(items))
    }

    fn closes(items: &[Result<Candle>]) -> Vec<(String, i64, i64, bool)> {
        items
            .iter()
            .map(|r| match r {
                Ok(c) => (
                    c.venue_symbol.clone(),
                    c.open_time,
                    c.close.try_into().unwrap_or(-1),
                    c.closed,
                ),
                Err(_) => ("ERR".into(), 0, 0, false),
            })
            .collect()
    }

    #[tokio::test]
    async fn only_closed_yields_each_final_once() {
        let items = vec![
            Ok(candle("A", 0, 1, false)),
            Ok(candle("A", 0, 2, true)),
            Ok(candle("A", 0, 2, true)), // repeated after a reconnect
            Err(Error::Timeout("x".into())),
            Ok(candle("B", 0, 5, true)),
            Ok(candle("A", 60, 3, false)),
            Ok(candle("A", 60, 4, true)),
        ];
        let out: Vec<_> = only_closed(from_vec(items)).collect().await;
        assert_eq!(
            closes(&out),
            vec![
                ("A".into(), 0, 2, true),
                ("ERR".into(), 0, 0, false),
                ("B".into(), 0, 5, true),
                ("A".into(), 60, 4, true),
            ]
        );
    }

    #[tokio::test]
    async fn dedupe_drops_repeats_per_series() {
        let items = vec![
            Ok(candle("A", 0, 1, false)),
            Ok(candle("B", 0, 1, false)),
            Ok(candle("A", 0, 1, false)),
            Ok(candle("A", 0, 2, false)),
            Ok(candle("A", 0, 2, true)),
            Ok(candle("A", 0, 2, true)),
            Ok(candle("B", 0, 1, false)),
        ];
        let out: Vec<_> = dedupe(from_vec(items)).collect().await;
        assert_eq!(
            closes(&out),
            vec![
                ("A".into(), 0, 1, false),
                ("B".into(), 0, 1, false),
                ("A".into(), 0, 2, false),
                ("A".into(), 0, 2, true),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn throttle_latest_wins_and_closed_flushes() {
        let (tx, rx) = mpsc::unbounded::<Result<Candle>>();
        let mut s = throttle(Box::pin(rx), Duration::from_secs(1));
        let send = |c| tx.unbounded_send(Ok(c)).ok();

        send(candle("A", 0, 1, false));
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("A".into(), 0, 1, false)]
        );
        send(candle("A", 0, 2, false));
        send(candle("A", 0, 3, false));
        // Held until the window ends: nothing now.
        assert!(futures::poll!(s.next()).is_pending());
        tokio::time::advance(Duration::from_millis(1000)).await;
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("A".into(), 0, 3, false)]
        );
        // A closed candle inside the window supersedes the held update and is yielded at once.
        send(candle("A", 0, 4, false));
        send(candle("A", 0, 5, true));
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("A".into(), 0, 5, true)]
        );
        // A held update of an older slot is flushed before a newer closed candle.
        send(candle("A", 60, 6, false));
        assert!(futures::poll!(s.next()).is_pending());
        send(candle("A", 120, 7, true));
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("A".into(), 60, 6, false)]
        );
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("A".into(), 120, 7, true)]
        );
        // Other series are independent.
        send(candle("B", 0, 1, false));
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("B".into(), 0, 1, false)]
        );
        // End of source flushes what is held.
        send(candle("B", 0, 2, false));
        drop(tx);
        let rest: Vec<_> = s.collect().await;
        assert_eq!(closes(&rest), vec![("B".into(), 0, 2, false)]);
    }

    #[tokio::test(start_paused = true)]
    async fn throttle_quiet_window_closes() {
        let (tx, rx) = mpsc::unbounded::<Result<Candle>>();
        let mut s = throttle(Box::pin(rx), Duration::from_secs(1));
        tx.unbounded_send(Ok(candle("A", 0, 1, false))).ok();
        assert!(s.next().await.is_some());
        // The window ends with nothing held; the next update passes at once.
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(futures::poll!(s.next()).is_pending());
        tx.unbounded_send(Ok(candle("A", 0, 2, false))).ok();
        assert_eq!(
            closes(&[s.next().await.unwrap()]),
            vec![("A".into(), 0, 2, false)]
        );
    }

    #[tokio::test]
    async fn apply_composes_in_order() {
        let items = vec![
            Ok(candle("A", 0, 1, false)),
            Ok(candle("A", 0, 2, true)),
            Ok(candle("A", 0, 2, true)),
        ];
        let opts = StreamOptions {
            only_closed: true,
            dedupe: true,
            throttle: Some(Duration::from_secs(5)),
        };
        let out: Vec<_> = apply(from_vec(items), opts).collect().await;
        assert_eq!(closes(&out), vec![("A".into(), 0, 2, true)]);
    }
}
