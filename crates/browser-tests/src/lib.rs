//! # tradewire-browser-tests
//!
//! Browser tests of the venue clients and of the facade's unified market data, compiled to
//! `wasm32-unknown-unknown` and run in headless Chromium by
//! `cargo xtask wasm test -p tradewire-browser-tests`, against the loopback venue simulators of
//! the `tradewire-mock` binary (started by xtask with `--binance --deribit`; their addresses are
//! baked into the test binaries through `TRADEWIRE_BINANCE_SIM_URL`,
//! `TRADEWIRE_BINANCE_SIM_HTTP_URL` and `TRADEWIRE_DERIBIT_SIM_URL` at compile time, since a page
//! cannot read the environment):
//!
//! - `tests/browser.rs`: `BinancePublicClient` streaming trades;
//! - `tests/deribit.rs`: `DeribitPublicClient` subscribing to trades, book and chart channels
//!   over JSON-RPC;
//! - `tests/data.rs`: `tradewire::data::DataApi` — Binance `stream_ohlcv` and paginated
//!   `get_candles` over `fetch`, Deribit `stream_ohlcv` and `get_candles`.
//!
//! The venue crates cannot hold these tests themselves: their integration tests depend on
//! `tradewire-mock` (tokio networking, native only), and every dev-dependency of a crate is built
//! for each of its test targets. This crate has no library code.
