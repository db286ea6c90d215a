//! `GET /api/v3/klines`: candles of a symbol, one page ([`KlinesRequest`], at most 1000) or any
//! time range ([`range`], paginated with [`KlinePager`]).
//!
//! Source: rest-api.md, "Market Data endpoints" → "Kline/Candlestick data"
//! (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#klinecandlestick-data>).
//! Weight 2 per request, whatever the `limit`. Parameters `symbol`, `interval` (mandatory),
//! `startTime`, `endTime`, `timeZone`, `limit` (default 500, maximum 1000). Klines are
//! identified by their open time; "With `startTime`, returns oldest items from `startTime` up to
//! the limit. [...] With both, behaves like `startTime` but does not exceed `endTime`"
//! (rest-api.md "General API Information").
//!
//! **Ranges.** [`range`] returns every candle whose *open time* lies in `[start_ms, end_ms]`
//! (a candle that opened before `start_ms` is not included), oldest first, without gaps the
//! venue does not have and without duplicates: it asks for pages of 1000 from `startTime`,
//! then from the last open time + one interval (calendar-aware for `1M`), until the next
//! start is past `end_ms` or a page comes back short. Each page declares weight 2.
//!
//! **Closed candles.** A klines response has no "closed" flag: a candle is marked closed when
//! its close time is before the local clock's now (see [`klines_to_candles`]).

use tradewire_core::{Candle, Timeframe};
use tradewire_rest::{Params, RequestBuilder, RestClient, RestError};

use super::{invalid, now_ms, venue_symbol};
use crate::{RestKline, klines_to_candles};

/// The endpoint's path.
pub const PATH: &str = "/api/v3/klines";

/// The documented weight of one request.
pub const WEIGHT: u32 = 2;

/// The largest `limit` (and the page size of [`range`]).
pub const MAX_LIMIT: u32 = 1000;

/// One page of klines.
///
/// ```
/// use tradewire_binance::public::rest::klines::KlinesRequest;
/// use tradewire_core::Timeframe;
///
/// let req = KlinesRequest::new("bnbbtc", Timeframe::H1)
///     .with_start_time(1_499_040_000_000)
///     .with_limit(1000);
/// assert_eq!(
///     req.params()?.to_query_string(),
///     "symbol=BNBBTC&interval=1h&startTime=1499040000000&limit=1000"
/// );
/// # Ok::<(), tradewire_rest::RestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KlinesRequest {
    /// The symbol (Binance spelling, upper case).
    pub symbol: String,
    /// The interval; Binance serves all 16 [`Timeframe`]s over REST (`1s` … `1M`).
    pub interval: Timeframe,
    /// `startTime`, UTC ms: the oldest klines from here.
    pub start_time: Option<i64>,
    /// `endTime`, UTC ms: no kline opening after it.
    pub end_time: Option<i64>,
    /// Number of klines (`None`: Binance's default, 500; at most 1000).
    pub limit: Option<u32>,
}

impl KlinesRequest {
    /// The most recent klines of `symbol` (upper-cased) at `interval`.
    pub fn new(symbol: &str, interval: Timeframe) -> Self {
        KlinesRequest {
            symbol: venue_symbol(symbol),
            interval,
            start_time: None,
            end_time: None,
            limit: None,
        }
    }

    /// Sets `startTime` (UTC ms).
    pub fn with_start_time(mut self, start_ms: i64) -> Self {
        self.start_time = Some(start_ms);
        self
    }

    /// Sets `endTime` (UTC ms).
    pub fn with_end_time(mut self, end_ms: i64) -> Self {
        self.end_time = Some(end_ms);
        self
    }

    /// Sets `limit` (1–1000).
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The query parameters, in the documented order; an error for an empty symbol, a `limit`
    /// outside 1–1000 or `startTime` after `endTime`.
    pub fn params(&self) -> Result<Params, RestError> {
        if self.symbol.is_empty() {
            return Err(invalid("klines: symbol is empty"));
        }
        if let Some(l) = self.limit {
            if l == 0 || l > MAX_LIMIT {
                return Err(invalid(format!(
                    "klines: limit {l} is outside 1..={MAX_LIMIT}"
                )));
            }
        }
        if let (Some(s), Some(e)) = (self.start_time, self.end_time) {
            if s > e {
                return Err(invalid(format!(
                    "klines: startTime {s} is after endTime {e}"
                )));
            }
        }
        Ok(Params::new()
            .with("symbol", &self.symbol)
            .with("interval", self.interval.as_str())
            .with_opt("startTime", self.start_time)
            .with_opt("endTime", self.end_time)
            .with_opt("limit", self.limit))
    }

    /// The request, ready to send.
    pub fn request<'a>(&self, rest: &RestClient) -> Result<RequestBuilder<'a>, RestError> {
        Ok(rest.get(PATH).params(self.params()?).weight(WEIGHT))
    }
}

/// Sends one request; the klines as Binance sent them (oldest first).
pub async fn send_raw(rest: &RestClient, req: &KlinesRequest) -> Result<Vec<RestKline>, RestError> {
    req.request(rest)?.send_json().await
}

/// Sends one request; the klines as core [`Candle`]s (oldest first).
pub async fn send(rest: &RestClient, req: &KlinesRequest) -> Result<Vec<Candle>, RestError> {
    let klines = send_raw(rest, req).await?;
    Ok(klines_to_candles(
        &klines,
        &req.symbol,
        req.interval,
        Some(now_ms()),
    ))
}

/// Every kline of `symbol` at `interval` opening in `[start_ms, end_ms]`, paginated with
/// [`KlinePager`] (pages of 1000, weight 2 each). A refused or failed page fails the whole
/// call (pages already fetched are dropped; nothing is retried).
pub async fn range_raw(
    rest: &RestClient,
    symbol: &str,
    interval: Timeframe,
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<RestKline>, RestError> {
    let mut pager = KlinePager::new(symbol, interval, start_ms, end_ms);
    let mut out = Vec::new();
    while let Some(req) = pager.next_request() {
        let page = send_raw(rest, &req).await?;
        out.extend(pager.accept(page));
    }
    Ok(out)
}

/// [`range_raw`] as core [`Candle`]s.
pub async fn range(
    rest: &RestClient,
    symbol: &str,
    interval: Timeframe,
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<Candle>, RestError> {
    let symbol = venue_symbol(symbol);
    let klines = range_raw(rest, &symbol, interval, start_ms, end_ms).await?;
    Ok(klines_to_candles(
        &klines,
        &symbol,
        interval,
        Some(now_ms()),
    ))
}

/// The pagination of a klines range, separate from I/O: ask [`next_request`](Self::next_request)
/// for the next page's request, hand the page to [`accept`](Self::accept), repeat until
/// `next_request` returns `None`.
///
/// ```
/// use tradewire_binance::public::rest::klines::KlinePager;
/// use tradewire_core::Timeframe;
///
/// let mut pager = KlinePager::new("ETHUSDT", Timeframe::M1, 0, 59_999);
/// let req = pager.next_request().unwrap();
/// assert_eq!(
///     req.params()?.to_query_string(),
///     "symbol=ETHUSDT&interval=1m&startTime=0&endTime=59999&limit=1000"
/// );
/// assert!(pager.accept(Vec::new()).is_empty()); // an empty page ends the range
/// assert!(pager.next_request().is_none());
/// # Ok::<(), tradewire_rest::RestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KlinePager {
    symbol: String,
    interval: Timeframe,
    next_start: i64,
    end: i64,
    last_open: Option<i64>,
    pages: u32,
    done: bool,
}

impl KlinePager {
    /// A pager over the klines of `symbol` at `interval` opening in `[start_ms, end_ms]`
    /// (nothing when `start_ms > end_ms`).
    pub fn new(symbol: &str, interval: Timeframe, start_ms: i64, end_ms: i64) -> Self {
        KlinePager {
            symbol: venue_symbol(symbol),
            interval,
            next_start: start_ms,
            end: end_ms,
            last_open: None,
            pages: 0,
            done: start_ms > end_ms,
        }
    }

    /// The next page's request (`startTime` = the next open time, `endTime` = the range's end,
    /// `limit` = 1000), or `None` when the range is complete.
    pub fn next_request(&self) -> Option<KlinesRequest> {
        if self.done {
            return None;
        }
        Some(
            KlinesRequest::new(&self.symbol, self.interval)
                .with_start_time(self.next_start)
                .with_end_time(self.end)
                .with_limit(MAX_LIMIT),
        )
    }

    /// Takes the page answering the last [`next_request`](Self::next_request): returns its
    /// klines that are new (opening after every kline already returned, inside the range),
    /// and advances. The range ends with a short page (fewer than 1000), an empty page, a next
    /// start past the end, or a page that does not move forward.
    pub fn accept(&mut self, page: Vec<RestKline>) -> Vec<RestKline> {
        self.pages = self.pages.saturating_add(1);
        let full = page.len() >= MAX_LIMIT as usize;
        let fresh: Vec<RestKline> = page
            .into_iter()
            .filter(|k| {
                k.open_time >= self.next_start
                    && k.open_time <= self.end
                    && self.last_open.is_none_or(|last| k.open_time > last)
            })
            .collect();
        let Some(last) = fresh.last().map(|k| k.open_time) else {
            self.done = true;
            return fresh;
        };
        self.last_open = Some(last);
        let next = self.interval.next_open_time(last);
        if !full || next <= self.next_start || next > self.end {
            self.done = true;
        }
        self.next_start = next;
        fresh
    }

    /// Whether the range is complete.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradewire_core::{Decimal, Venue};

    /// rest-api.md, "Kline/Candlestick data", Response (comments stripped).
    const DOC_KLINES: &str = r#"[
    [
        1499040000000,
        "0.01634790",
        "0.80000000",
        "0.01575800",
        "0.01577100",
        "148976.11427815",
        1499644799999,
        "2434.19055334",
        308,
        "1756.87402397",
        "28.46694368",
        "0"
    ]
]"#;

    fn kline(interval: Timeframe, open_time: i64) -> RestKline {
        RestKline {
            open_time,
            open: Decimal::ONE,
            high: Decimal::ONE,
            low: Decimal::ONE,
            close: Decimal::ONE,
            volume: Decimal::ZERO,
            close_time: interval.close_time_for(open_time),
            quote_volume: Decimal::ZERO,
            trade_count: 0,
            taker_buy_base_volume: Decimal::ZERO,
            taker_buy_quote_volume: Decimal::ZERO,
        }
    }

    /// What Binance answers for `req` when every interval in history has a kline.
    fn venue_page(req: &KlinesRequest) -> Vec<RestKline> {
        let tf = req.interval;
        let mut open = tf.open_time_for(req.start_time.unwrap());
        if open < req.start_time.unwrap() {
            open = tf.next_open_time(open);
        }
        let mut out = Vec::new();
        while open <= req.end_time.unwrap() && out.len() < req.limit.unwrap() as usize {
            out.push(kline(tf, open));
            open = tf.next_open_time(open);
        }
        out
    }

    fn run(pager: &mut KlinePager) -> Vec<RestKline> {
        let mut all = Vec::new();
        while let Some(req) = pager.next_request() {
            assert!(pager.pages() < 100, "runaway pagination");
            all.extend(pager.accept(venue_page(&req)));
        }
        all
    }

    fn assert_contiguous(tf: Timeframe, klines: &[RestKline]) {
        for w in klines.windows(2) {
            assert_eq!(tf.next_open_time(w[0].open_time), w[1].open_time);
        }
    }

    #[test]
    fn params_serialize_in_documented_order() {
        let req = KlinesRequest::new("BNBBTC", Timeframe::Mo1)
            .with_limit(5)
            .with_end_time(1_499_644_799_999)
            .with_start_time(1_499_040_000_000);
        assert_eq!(
            req.params().unwrap().to_query_string(),
            "symbol=BNBBTC&interval=1M&startTime=1499040000000&endTime=1499644799999&limit=5"
        );
        assert_eq!(
            KlinesRequest::new("BNBBTC", Timeframe::S1)
                .params()
                .unwrap()
                .to_query_string(),
            "symbol=BNBBTC&interval=1s"
        );
        let rest = RestClient::new(Venue::Binance, "https://api.binance.com").unwrap();
        let p = req.request(&rest).unwrap().prepare().unwrap();
        assert_eq!(p.path, "/api/v3/klines");
    }

    #[test]
    fn invalid_requests_are_refused() {
        let base = KlinesRequest::new("BNBBTC", Timeframe::M1);
        assert!(base.clone().with_limit(1001).params().is_err());
        assert!(base.clone().with_limit(0).params().is_err());
        assert!(base.clone().with_limit(1000).params().is_ok());
        assert!(
            base.clone()
                .with_start_time(2)
                .with_end_time(1)
                .params()
                .is_err()
        );
        assert!(KlinesRequest::new("", Timeframe::M1).params().is_err());
    }

    #[test]
    fn documented_response() {
        let klines = RestKline::parse_list(DOC_KLINES).unwrap();
        let candles = klines_to_candles(&klines, "BNBBTC", Timeframe::W1, Some(1_499_644_800_000));
        let c = &candles[0];
        assert_eq!(c.open_time, 1499040000000);
        assert_eq!(c.close_time, Some(1499644799999));
        assert_eq!(c.open.to_string(), "0.01634790");
        assert_eq!(c.high.to_string(), "0.80000000");
        assert_eq!(c.low.to_string(), "0.01575800");
        assert_eq!(c.close.to_string(), "0.01577100");
        assert_eq!(c.volume.to_string(), "148976.11427815");
        assert_eq!(c.quote_volume.unwrap().to_string(), "2434.19055334");
        assert_eq!(c.trades, Some(308));
        assert!(c.closed);
        assert_eq!(c.timeframe, Timeframe::W1);
    }

    #[test]
    fn pager_covers_a_range_in_full_pages_then_a_short_one() {
        let start = Timeframe::M1.open_time_for(1_700_000_012_345);
        let end = start + 2_499 * 60_000;
        let mut pager = KlinePager::new("ethusdt", Timeframe::M1, start, end);
        let first = pager.next_request().unwrap();
        assert_eq!(first.symbol, "ETHUSDT");
        assert_eq!(
            (first.start_time, first.end_time, first.limit),
            (Some(start), Some(end), Some(1000))
        );
        let all = run(&mut pager);
        assert_eq!(pager.pages(), 3);
        assert_eq!(all.len(), 2_500);
        assert_eq!(all.first().unwrap().open_time, start);
        assert_eq!(all.last().unwrap().open_time, end);
        assert_contiguous(Timeframe::M1, &all);
    }

    #[test]
    fn pager_stops_at_the_end_without_an_extra_request() {
        // Exactly 2000 klines: two full pages, and the next start is past the end.
        let start = Timeframe::M5.open_time_for(1_600_000_123_456);
        let end = start + 1_999 * 300_000;
        let mut pager = KlinePager::new("BTCUSDT", Timeframe::M5, start, end);
        let all = run(&mut pager);
        assert_eq!((pager.pages(), all.len()), (2, 2000));
        assert_contiguous(Timeframe::M5, &all);
        assert!(pager.is_done());
    }

    #[test]
    fn pager_unaligned_start_and_calendar_months() {
        // A start inside a candle: the first kline is the next one to open.
        let tf = Timeframe::H1;
        let start = 1_700_000_000_123;
        let end = start + 3 * 3_600_000;
        let mut pager = KlinePager::new("BTCUSDT", tf, start, end);
        let all = run(&mut pager);
        assert_eq!(all.len(), 3);
        assert!(all[0].open_time > start && all[0].open_time - start < 3_600_000);

        // `1M`: advancing by the calendar, not by 30 days. 2400 months from 1900 on.
        let tf = Timeframe::Mo1;
        let start = tf.open_time_for(-2_208_988_800_000); // 1900-01-01
        let end = tf.open_time_for(2_208_988_800_000 * 2); // 2110
        let mut pager = KlinePager::new("BTCUSDT", tf, start, end);
        let all = run(&mut pager);
        assert_eq!(all.first().unwrap().open_time, start);
        assert_eq!(all.last().unwrap().open_time, end);
        assert_eq!(pager.pages(), all.len().div_ceil(1000) as u32);
        assert_contiguous(tf, &all);
    }

    #[test]
    fn pager_drops_duplicates_and_out_of_range_klines() {
        let tf = Timeframe::M1;
        let mut pager = KlinePager::new("BTCUSDT", tf, 60_000, 60_000 * 2_000);
        // A full page that runs one kline past where the next page will start from...
        let page: Vec<RestKline> = (1..=1000).map(|i| kline(tf, i * 60_000)).collect();
        assert_eq!(pager.accept(page).len(), 1000);
        let req = pager.next_request().unwrap();
        assert_eq!(req.start_time, Some(1001 * 60_000));
        // ...then a page overlapping the previous one and running past the end.
        let page: Vec<RestKline> = (999..=2_010).map(|i| kline(tf, i * 60_000)).collect();
        let fresh = pager.accept(page);
        assert_eq!(fresh.first().unwrap().open_time, 1001 * 60_000);
        assert_eq!(fresh.last().unwrap().open_time, 2000 * 60_000);
        assert_eq!(fresh.len(), 1000);
        assert!(pager.next_request().is_none());
    }

    #[test]
    fn pager_never_loops_on_a_stuck_venue() {
        let tf = Timeframe::M1;
        let mut pager = KlinePager::new("BTCUSDT", tf, 0, i64::MAX / 2);
        let page: Vec<RestKline> = (0..1000).map(|i| kline(tf, i * 60_000)).collect();
        assert_eq!(pager.accept(page.clone()).len(), 1000);
        // The same page again: nothing new, so the range ends instead of looping.
        assert!(pager.accept(page).is_empty());
        assert!(pager.next_request().is_none());
        // An empty range asks for nothing.
        assert!(KlinePager::new("X", tf, 10, 9).next_request().is_none());
    }
}
