//! Candles of a timeframe the venue does not stream, served by polling its REST candles
//! aligned to candle close ([`poll_candles`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tradewire_core::{BoxStream, Candle, MarketDataSource, Result, Symbol, TimeRange, Timeframe};
use tradewire_websockets::runtime::sleep;
use web_time::{SystemTime, UNIX_EPOCH};

/// The current UTC time in milliseconds. [`system_clock`] by default; tests substitute a clock
/// that follows tokio's paused time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How long after a candle's close the REST fallback fetches it by default (the venue needs a
/// moment to finalize it).
pub const DEFAULT_POLL_GRACE: Duration = Duration::from_secs(2);

/// The system clock (`SystemTime` natively, `Date.now()` in browsers).
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// How the polling stream behaves.
#[derive(Clone)]
pub struct PollConfig {
    /// The timeframe polled.
    pub timeframe: Timeframe,
    /// Skip the in-progress candle.
    pub only_closed: bool,
    /// The time source.
    pub clock: Clock,
    /// Delay after each close before fetching.
    pub grace: Duration,
}

/// Candles of `symbols` polled from `source.get_candles`.
///
/// At start it fetches once: the in-progress candle is yielded (unless `only_closed`), the
/// candle that closed before the start is not (it only marks where the stream begins). Then,
/// for ever: sleep until the next close of `timeframe` plus `grace`, fetch the last two candles
/// of each symbol (one request per symbol, in order) and yield the closed ones not yet yielded
/// (`closed: true`), then the in-progress one (`closed: false`) unless `only_closed`.
/// Closedness is decided by the clock (a candle is closed once its interval has ended), not by
/// the venue's flag. A failed fetch is yielded as an error; transient errors
/// ([`Error::is_transient`](tradewire_core::Error::is_transient)) keep the stream polling,
/// others end it.
pub fn poll_candles<S: MarketDataSource + 'static>(
    source: Arc<S>,
    symbols: Vec<Symbol>,
    config: PollConfig,
) -> BoxStream<'static, Result<Candle>> {
    let state = PollState {
        source,
        symbols,
        config,
        last_closed: HashMap::new(),
        queue: VecDeque::new(),
        started: false,
        done: false,
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.queue.pop_front() {
                return Some((item, st));
            }
            if st.done {
                return None;
            }
            if st.started {
                let tf = st.config.timeframe;
                let now = (st.config.clock)();
                let next_close = tf.next_open_time(tf.open_time_for(now));
                let wait = u64::try_from(next_close.saturating_sub(now)).unwrap_or(0);
                sleep(Duration::from_millis(wait) + st.config.grace).await;
            }
            let first = !st.started;
            st.started = true;
            st.round(first).await;
        }
    }))
}

struct PollState<S> {
    source: Arc<S>,
    symbols: Vec<Symbol>,
    config: PollConfig,
    /// Open time of the last closed candle yielded (or skipped at start), per symbol.
    last_closed: HashMap<Symbol, i64>,
    queue: VecDeque<Result<Candle>>,
    started: bool,
    done: bool,
}

impl<S: MarketDataSource> PollState<S> {
    async fn round(&mut self, first: bool) {
        let tf = self.config.timeframe;
        let now = (self.config.clock)();
        let current_open = tf.open_time_for(now);
        let previous_open = tf.open_time_for(current_open.saturating_sub(1));
        let range = TimeRange::new(previous_open, tf.next_open_time(current_open));
        let source = Arc::clone(&self.source);
        for symbol in self.symbols.clone() {
            let mut candles = match source.get_candles(&symbol, tf, range).await {
                Ok(candles) => candles,
                Err(e) => {
                    tracing::debug!(%symbol, error = %e, "REST candle poll failed");
                    if !e.is_transient() {
                        self.done = true;
                    }
                    self.queue.push_back(Err(e));
                    if self.done {
                        return;
                    }
                    continue;
                }
            };
            candles.sort_by_key(|c| c.open_time);
            for mut candle in candles {
                candle.closed = tf.next_open_time(candle.open_time) <= now;
                if candle.closed {
                    let fresh = self
                        .last_closed
                        .get(&symbol)
                        .is_none_or(|&last| candle.open_time > last);
                    if fresh {
                        self.last_closed.insert(symbol.clone(), candle.open_time);
                        if !first {
                            self.queue.push_back(Ok(candle));
                        }
                    }
                } else if !self.config.only_closed {
                    self.queue.push_back(Ok(candle));
                }
            }
        }
    }
}
