//! # tradewire
//!
//! The facade of the tradewire workspace: one dependency that re-exports the transport, the
//! normalized models and (behind one feature per venue) every venue client.
//!
//! - [`core`]: normalized models (trades, candles, books, tickers, orders, balances, positions),
//!   symbols, timeframes, errors and secrets.
//! - [`websockets`]: the supervised WebSocket transport (native and browser).
//! - [`rest`]: the HTTP transport.
//! - `binance` (feature `binance`, on by default): Binance spot — public WebSocket client with a
//!   local order book, public and signed REST clients, the WebSocket API session client with the
//!   user data stream, stream decoding and normalization.
//! - `deribit` (feature `deribit`, on by default): Deribit — JSON-RPC 2.0 public and private
//!   WebSocket clients (one file per method), decoding and normalization.
//! - [`data`]: the unified market-data API — [`DataApi`] builds a venue's
//!   [`MarketData`](core::MarketData) client; [`Unified`] implements it over any venue's
//!   [`MarketDataSource`](core::MarketDataSource) (sharded streams, stream options, REST
//!   fallback for timeframes a venue cannot stream).
//!
//! ```
//! use tradewire::websockets::{WebSocketClientBuilder, Frame};
//!
//! let conn = WebSocketClientBuilder::new("wss://stream.binance.com:9443/ws/btcusdt@trade")
//!     .build::<Frame>();
//! assert_eq!(conn.config().url, "wss://stream.binance.com:9443/ws/btcusdt@trade");
//! ```

pub use tradewire_core as core;
pub use tradewire_rest as rest;
pub use tradewire_websockets as websockets;

pub mod data;
pub use data::{DataApi, Unified};
pub use tradewire_core::status::{LinkStatus, StatusEvent};

/// Binance spot (feature `binance`, on by default): see [`tradewire_binance`].
#[cfg(feature = "binance")]
pub use tradewire_binance as binance;
/// Deribit (feature `deribit`, on by default): see [`tradewire_deribit`].
#[cfg(feature = "deribit")]
pub use tradewire_deribit as deribit;
