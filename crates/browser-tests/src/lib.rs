//! # tradewire-browser-tests
//!
//! Browser tests of the venue clients, compiled to `wasm32-unknown-unknown` and run in headless
//! Chromium by `cargo xtask wasm test -p tradewire-browser-tests`, against the loopback venue
//! simulators of the `tradewire-mock` binary (started by xtask with `--binance`; its addresses are
//! baked into the test binaries through `TRADEWIRE_MOCK_URL` and `TRADEWIRE_BINANCE_SIM_URL` at
//! compile time, since a page cannot read the environment).
//!
//! The venue crates cannot hold these tests themselves: their integration tests depend on
//! `tradewire-mock` (tokio networking, native only), and every dev-dependency of a crate is built
//! for each of its test targets. This crate has no library code.
