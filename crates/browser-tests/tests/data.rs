//! The facade's unified market data (`tradewire::data::DataApi`) in headless Chromium, against
//! the Binance and Deribit simulators (`tradewire-mock --binance --deribit`, started natively by
//! `cargo xtask wasm test`, which bakes their addresses in through `TRADEWIRE_BINANCE_SIM_URL`,
//! `TRADEWIRE_BINANCE_SIM_HTTP_URL` and `TRADEWIRE_DERIBIT_SIM_URL`). Streams run over the
//! browser's `WebSocket`, Binance REST over `fetch` (the simulator answers with CORS headers),
//! timers on the page's event loop, the clock from `Date.now()`.
//!
//! Natively these functions compile as dead code (`#[wasm_bindgen_test]` registers them on wasm32
//! only), so the crate stays free of platform `cfg`s.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures::StreamExt;
use tradewire::core::{
    BoxStream, Candle, MarketData, Result, StreamOptions, Symbol, TimeRange, Timeframe, Venue,
};
use tradewire::data::DataApi;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The Binance simulator's WebSocket base URL (`ws://127.0.0.1:PORT`), baked in at compile time.
const BINANCE_WS: &str = match option_env!("TRADEWIRE_BINANCE_SIM_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:8766",
};

/// The Binance simulator's REST base URL (`http://127.0.0.1:PORT`, the same port).
const BINANCE_HTTP: &str = match option_env!("TRADEWIRE_BINANCE_SIM_HTTP_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8766",
};

/// The Deribit simulator's base URL; its JSON-RPC endpoint is `/ws/api/v2`.
const DERIBIT: &str = match option_env!("TRADEWIRE_DERIBIT_SIM_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:8767",
};

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;

fn api() -> DataApi {
    DataApi::new()
        .ws_url(Venue::Binance, BINANCE_WS)
        .rest_url(Venue::Binance, BINANCE_HTTP)
        .ws_url(Venue::Deribit, format!("{DERIBIT}/ws/api/v2"))
}

fn venue(venue: Venue) -> Box<dyn MarketData> {
    api().venue(venue).unwrap()
}

fn now_ms() -> i64 {
    let since = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

/// Open, high, low and close are consistent.
fn assert_ohlc(c: &Candle) {
    assert!(c.low <= c.high, "{c:?}");
    for price in [c.open, c.close] {
        assert!(c.low <= price && price <= c.high, "{c:?}");
    }
}

/// `get_candles` of the `count` one-minute candles that closed before the simulators started:
/// all closed, of `symbol`, contiguous, exactly the range asked for. Returns the range.
async fn get_minutes(market: &dyn MarketData, symbol: &Symbol, count: i64) -> TimeRange {
    let end = (now_ms() / MIN) * MIN - 10 * MIN;
    let range = TimeRange::new(end - count * MIN, end);
    let candles = market
        .get_candles(symbol, Timeframe::M1, range)
        .await
        .unwrap();
    assert_eq!(i64::try_from(candles.len()).unwrap(), count);
    for (i, c) in (0i64..).zip(&candles) {
        assert_eq!(c.open_time, range.start_ms + i * MIN, "candle {i}");
        assert!(c.closed, "{c:?}");
        assert_eq!(c.symbol.as_ref(), Some(symbol));
        assert_eq!(c.timeframe, Timeframe::M1);
        assert_ohlc(c);
    }
    range
}

async fn next_candle(stream: &mut BoxStream<'static, Result<Candle>>) -> Candle {
    stream.next().await.expect("stream open").unwrap()
}

#[wasm_bindgen_test]
async fn binance_stream_ohlcv_yields_consecutive_closed_candles_in_the_browser() {
    let binance = venue(Venue::Binance);
    let btc: Symbol = "BTC/USDT".parse().unwrap();
    let opts = StreamOptions {
        only_closed: true,
        ..StreamOptions::default()
    };
    let mut stream = binance
        .stream_ohlcv(btc.clone(), Timeframe::S1, opts)
        .await
        .unwrap();
    let mut previous: Option<i64> = None;
    for _ in 0..3 {
        let c = next_candle(&mut stream).await;
        assert!(c.closed, "only closed candles: {c:?}");
        assert_eq!(c.venue, Venue::Binance);
        assert_eq!(c.timeframe, Timeframe::S1);
        assert_eq!(c.symbol.as_ref(), Some(&btc));
        assert_eq!(c.venue_symbol, "BTCUSDT");
        assert_eq!(c.open_time % SEC, 0);
        assert_ohlc(&c);
        // One candle per second, none missing and none repeated.
        if let Some(p) = previous {
            assert_eq!(c.open_time, p + SEC, "consecutive candles");
        }
        previous = Some(c.open_time);
    }
}

#[wasm_bindgen_test]
async fn binance_get_candles_pages_over_fetch_in_the_browser() {
    let binance = venue(Venue::Binance);
    let btc: Symbol = "BTC/USDT".parse().unwrap();
    // Two REST pages (1000 at most each).
    get_minutes(binance.as_ref(), &btc, 1_500).await;
}

#[wasm_bindgen_test]
async fn deribit_stream_ohlcv_and_get_candles_in_the_browser() {
    let deribit = venue(Venue::Deribit);
    let btc: Symbol = "BTC/USD:BTC".parse().unwrap();

    // History over JSON-RPC (`public/get_tradingview_chart_data`).
    let range = get_minutes(deribit.as_ref(), &btc, 120).await;

    // Live updates of the current minute (`chart.trades.BTC-PERPETUAL.1`).
    let mut stream = deribit
        .stream_ohlcv(btc.clone(), Timeframe::M1, StreamOptions::default())
        .await
        .unwrap();
    for _ in 0..3 {
        let c = next_candle(&mut stream).await;
        assert_eq!(c.venue, Venue::Deribit);
        assert_eq!(c.timeframe, Timeframe::M1);
        assert_eq!(c.symbol.as_ref(), Some(&btc));
        assert_eq!(c.venue_symbol, "BTC-PERPETUAL");
        assert_eq!(c.open_time % MIN, 0);
        assert!(c.open_time > range.end_ms, "a live candle: {c:?}");
        assert_ohlc(&c);
    }
}
