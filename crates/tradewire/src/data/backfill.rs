//! Gap filling for streamed candles.
//!
//! A venue streams candles live only: the candles that closed while a connection was down (a
//! drop, the 24-hour cut, a slow reconnect) are never sent again on the new connection. The
//! adapter here watches each symbol's series; when an update arrives for a slot later than the
//! one after the last closed candle it saw, it fetches the missing closed candles over REST and
//! yields them first, so a consumer of closed candles sees every one of them, in order.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use futures::StreamExt;
use tradewire_core::{BoxStream, Candle, MarketDataSource, Result, TimeRange, Timeframe};

struct State<S> {
    inner: BoxStream<'static, Result<Candle>>,
    source: Arc<S>,
    timeframe: Timeframe,
    /// Per venue symbol: the open time of the latest candle known closed.
    last_closed: HashMap<String, i64>,
    ready: VecDeque<Result<Candle>>,
}

/// Wraps a merged candle stream so that candles missed between two updates of a symbol (closed
/// while disconnected) are fetched from `source` and yielded, closed, before the update that
/// revealed the gap. Candles without a canonical symbol are passed through unchecked.
pub fn backfill<S: MarketDataSource + 'static>(
    inner: BoxStream<'static, Result<Candle>>,
    source: Arc<S>,
    timeframe: Timeframe,
) -> BoxStream<'static, Result<Candle>> {
    let state = State {
        inner,
        source,
        timeframe,
        last_closed: HashMap::new(),
        ready: VecDeque::new(),
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.ready.pop_front() {
                return Some((item, st));
            }
            let item = st.inner.next().await?;
            let candle = match item {
                Ok(c) => c,
                Err(e) => return Some((Err(e), st)),
            };
            st.fill_before(&candle).await;
            if candle.closed {
                let last = st
                    .last_closed
                    .entry(candle.venue_symbol.clone())
                    .or_insert(i64::MIN);
                *last = (*last).max(candle.open_time);
            }
            st.ready.push_back(Ok(candle));
        }
    }))
}

impl<S: MarketDataSource + 'static> State<S> {
    /// Queues the closed candles missing between the last closed one of `candle`'s symbol and
    /// `candle` (nothing before the symbol's first closed candle: the stream starts there).
    async fn fill_before(&mut self, candle: &Candle) {
        let Some(&last) = self.last_closed.get(&candle.venue_symbol) else {
            return;
        };
        let first_missing = self.timeframe.next_open_time(last);
        if candle.open_time <= first_missing {
            return;
        }
        let Some(symbol) = candle.symbol.clone() else {
            return;
        };
        let range = TimeRange::new(first_missing, candle.open_time);
        tracing::info!(
            symbol = %symbol,
            from = range.start_ms,
            to = range.end_ms,
            "candle stream gap: fetching the missed candles over REST"
        );
        match self
            .source
            .get_candles(&symbol, self.timeframe, range)
            .await
        {
            Ok(candles) => {
                for mut c in candles {
                    if range.contains(c.open_time) {
                        // Every slot before the update that revealed the gap is over.
                        c.closed = true;
                        self.last_closed
                            .insert(c.venue_symbol.clone(), c.open_time.max(last));
                        self.ready.push_back(Ok(c));
                    }
                }
            }
            Err(e) => self.ready.push_back(Err(e)),
        }
    }
}
