//! # tradewire-dashboard
//!
//! A single-page market dashboard compiled to wasm32 with wasm-bindgen: venue, symbol and
//! timeframe pickers, a live candlestick chart with volume (TradingView's
//! `lightweight-charts`), the order book ladder (top 20 levels and the spread), a trades tape
//! and a connection badge. History comes from
//! [`MarketData::get_candles`](tradewire::core::MarketData::get_candles), live data from
//! `stream_ohlcv`, `stream_order_book` and `stream_trades`, the badge from `status_events`, all
//! through the facade's [`DataApi`](tradewire::DataApi), straight from the browser to the
//! venue (or to the simulators of `tradewire dashboard --simulator`).
//!
//! Build the page with `cargo xtask dashboard build`; see `docs/dashboard.md`.
//!
//! The logic is in plain modules tested natively ([`config`], [`ladder`], [`tape`], [`rate`],
//! [`status`], [`series`], [`symbols`], [`render`]); `app` and [`chart`] are the thin DOM and
//! chart-library glue, only called in the browser.

mod app;
pub mod chart;
pub mod config;
pub mod ladder;
pub mod rate;
pub mod render;
pub mod series;
pub mod status;
pub mod symbols;
pub mod tape;

pub use app::start;
