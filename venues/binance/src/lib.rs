//! # tradewire-binance
//!
//! Binance spot for tradewire. This crate decodes every public market stream Binance
//! documents into [`BinanceMessage`] and normalizes it to tradewire-core models in the same
//! pass; it builds stream names ([`streams`]), decodes REST / WebSocket API market-data
//! responses ([`DepthSnapshot`], [`RestKline`], [`WsApiResponse`]), maps symbols
//! ([`SymbolMap`]) and states Binance's limits ([`rate_limit`]).
//!
//! - Streams: trade, aggTrade, blockTrade, kline (all 16 intervals, UTC and UTC+8), diff depth
//!   (`depthUpdate`, 1000 ms and 100 ms), partial depth (`depth5/10/20`), bookTicker,
//!   24hrTicker, 24hrMiniTicker, rolling-window tickers (1h/4h/1d), avgPrice, referencePrice,
//!   the all-market arrays, `serverShutdown`; raw and combined (`{"stream","data"}`) frames;
//!   control replies and errors.
//! - Order books: diff depth deltas carry `first_seq` = `U`, `last_seq` = `u`; apply them after
//!   a [`DepthSnapshot`] with [`tradewire_core::OrderBook`] under
//!   [`SequenceRule::BinanceSpot`](tradewire_core::SequenceRule::BinanceSpot).
//!
//! ```
//! use tradewire_binance::BinanceMessage;
//! use tradewire_websockets::{Frame, WsMessage};
//!
//! // web-socket-streams.md, "Diff. Depth Stream" (through a combined stream)
//! let frame = Frame::text(r#"{"stream":"bnbbtc@depth@100ms","data":{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}}"#);
//! let Some(BinanceMessage::DepthUpdate(d)) = BinanceMessage::decode(&frame)? else { panic!() };
//! assert_eq!((d.first_update_id, d.final_update_id), (157, 160));
//! assert_eq!(d.channel.map(|c| c.to_string()).as_deref(), Some("depth@100ms"));
//! assert_eq!(d.book.asks[0].amount.to_string(), "100");
//! # Ok::<(), tradewire_websockets::DecodeError>(())
//! ```
//!
//! Venue documentation: <https://developers.binance.com/docs/binance-spot-api-docs>
//! (`binance/binance-spot-api-docs` on GitHub). User guide: `docs/venues/binance.md`.

pub mod book;
mod message;
mod normalize;
pub mod private;
pub mod provider;
pub mod public;
pub mod rate_limit;
mod rest_types;
pub mod streams;
mod symbols;
mod wire;

pub use message::{
    AggTradeEvent, AvgPriceEvent, BinanceMessage, BlockTradeEvent, BookTickerEvent,
    DepthUpdateEvent, KlineEvent, MarketEvents, MiniTickerEvent, PartialDepthEvent,
    ReferencePriceEvent, RequestId, RollingTickerEvent, StreamError, StreamResponse, StreamResult,
    TickerEvent, TradeEvent,
};
pub use normalize::taker_side;
pub use private::rest::BinancePrivateRest;
pub use private::websocket::{BinancePrivateWs, PrivateWsConfig, WsApiCredentials};
pub use public::rest::BinancePublicRest;
pub use public::websocket::subscribe::StreamRequest;
pub use public::websocket::{BinancePublicClient, BinancePublicConfig, PublicEvent};
pub use rest_types::{
    ApiError, DepthSnapshot, RateLimitStatus, RestKline, WsApiResponse, klines_to_candles,
};
pub use symbols::{KNOWN_QUOTES, SymbolMap, split_symbol};

/// Market streams, production: `wss://stream.binance.com:9443` (port 443 also works).
/// Open `/ws/<stream>` (raw) or `/stream?streams=<a>/<b>` (combined).
/// Source: web-socket-streams.md, "General WSS information"
/// (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#general-wss-information>).
pub const STREAM_URL: &str = "wss://stream.binance.com:9443";

/// Market streams, market-data-only endpoint (no user data streams):
/// `wss://data-stream.binance.vision`.
/// Source: web-socket-streams.md, "General WSS information"; faqs/market_data_only.md.
pub const MARKET_DATA_STREAM_URL: &str = "wss://data-stream.binance.vision";

/// Market streams, spot testnet: `wss://stream.testnet.binance.vision`.
/// Source: testnet/web-socket-streams.md, "General WSS information"
/// (<https://developers.binance.com/docs/binance-spot-api-docs/testnet/web-socket-streams>).
pub const TESTNET_STREAM_URL: &str = "wss://stream.testnet.binance.vision";

/// REST API, production: `https://api.binance.com` (alternatives `api-gcp`, `api1`–`api4`).
/// Source: rest-api.md, "General API Information"
/// (<https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-api-information>).
pub const REST_URL: &str = "https://api.binance.com";

/// REST API, market-data-only endpoint: `https://data-api.binance.vision`.
/// Source: rest-api.md, "General API Information"; faqs/market_data_only.md.
pub const MARKET_DATA_REST_URL: &str = "https://data-api.binance.vision";

/// REST API, spot testnet: `https://testnet.binance.vision` (paths under `/api`).
/// Source: testnet/rest-api.md, "General API Information".
pub const TESTNET_REST_URL: &str = "https://testnet.binance.vision";

/// WebSocket API, production: `wss://ws-api.binance.com:443/ws-api/v3` (port 9443 also works).
/// Source: web-socket-api.md, "General API Information"
/// (<https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/general-api-information>).
pub const WS_API_URL: &str = "wss://ws-api.binance.com:443/ws-api/v3";

/// WebSocket API, spot testnet: `wss://ws-api.testnet.binance.vision/ws-api/v3`.
/// Source: web-socket-api.md and testnet/web-socket-api.md, "General API Information".
pub const TESTNET_WS_API_URL: &str = "wss://ws-api.testnet.binance.vision/ws-api/v3";

#[cfg(test)]
mod tests;
