//! The unified market-data API: every venue behind [`MarketData`](tradewire_core::MarketData).
//!
//! - [`Unified`] implements [`MarketData`](tradewire_core::MarketData) for any venue's
//!   [`MarketDataSource`](tradewire_core::MarketDataSource): REST calls are delegated, streams
//!   are sharded over as many connections as the venue's per-connection limit requires and
//!   merged, candle streams are shaped by [`StreamOptions`](tradewire_core::StreamOptions)
//!   ([`options`]), and timeframes the venue cannot stream are polled over REST aligned to
//!   candle close ([`fallback`]).
//! - [`DataApi`] builds the client of a venue (`DataApi::new().venue(Venue::Binance)?`) with
//!   overridable URLs, and parses symbols in canonical or venue spelling.
//!
//! Everything here is platform-neutral: timers come from
//! [`tradewire_websockets::runtime`], futures and streams are core's
//! [`BoxFuture`](tradewire_core::BoxFuture) / [`BoxStream`](tradewire_core::BoxStream)
//! (`Send` natively, not in browsers).

mod api;
pub mod backfill;
pub mod fallback;
pub mod options;
mod shard;
mod unified;

pub use api::DataApi;
pub use fallback::{Clock, DEFAULT_POLL_GRACE};
pub use options::Update;
pub use shard::{open_sharded, shard_symbols};
pub use unified::Unified;
