//! # tradewire-deribit
//!
//! Deribit for tradewire: JSON-RPC 2.0 over WebSocket (<https://docs.deribit.com/>).
//!
//! - [`DeribitMessage`]: every inbound frame decoded in one pass — responses (typed
//!   [`DeribitError`] codes), `book.*` (→ [`BookUpdate`](tradewire_core::BookUpdate) with
//!   `last_seq` = `change_id`, `prev_seq` = `prev_change_id`), `trades.*`, `ticker.*`,
//!   `chart.trades.*`, `user.orders.*`, `user.trades.*`, `user.portfolio.*`, `heartbeat`.
//!   Decimals are exact and keep the venue's scale.
//! - [`DeribitPublicClient`] / [`DeribitPrivateClient`]: one connection each, requests
//!   correlated by id and sent once, subscriptions replayed on reconnect (after
//!   re-authentication), heartbeats answered, book chains checked ([`DeribitEvent::BookResync`]).
//! - [`rate_limit`]: the credit pools (matching engine and the rest), enforced locally.
//! - Instrument names ↔ canonical symbols: [`instrument_symbol`], [`symbol_instrument`].
//!
//! ```
//! use tradewire_deribit::DeribitMessage;
//! use tradewire_websockets::{Frame, WsMessage};
//!
//! // https://docs.deribit.com/#book-instrument_name-interval (notification example, shortened)
//! let frame = Frame::text(r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"change","timestamp":1554373911330,"prev_change_id":297217,"instrument_name":"BTC-PERPETUAL","change_id":297218,"bids":[["delete",5041.94,0]],"asks":[["change",5042.64,30.0]]}}}"#);
//! let Some(DeribitMessage::Book(b)) = DeribitMessage::decode(&frame)? else { panic!() };
//! assert_eq!((b.update.prev_seq, b.update.last_seq), (Some(297217), Some(297218)));
//! assert_eq!(b.update.asks[0].amount.to_string(), "30.0");
//! assert_eq!(b.update.symbol.unwrap().as_str(), "BTC/USD:BTC");
//! # Ok::<(), tradewire_websockets::DecodeError>(())
//! ```
//!
//! User guide: `docs/venues/deribit.md`.

mod call;
mod error;
mod message;
mod normalize;
mod num;
pub mod private;
pub mod provider;
pub mod public;
pub mod rate_limit;
mod session;

pub use call::Session;
pub use error::{DeribitError, Error, ErrorCode, Result};
pub use message::{
    BookNotification, CandleNotification, DeribitCandle, DeribitMessage, DeribitOrder,
    DeribitPortfolio, DeribitTicker, DeribitTrade, Greeks, HeartbeatKind, LevelAction, OrderPrice,
    PortfolioNotification, RawJson, Response, TickerNotification, TickerStats, TradesNotification,
    UserOrdersNotification,
};
pub use normalize::{
    format_expiry, instrument_symbol, order_status, order_type, parse_expiry, resolution_minutes,
    resolution_timeframe, symbol_instrument, taker_side,
};
pub use private::websocket::client::DeribitPrivateClient;
pub use private::websocket::{AuthResult, AuthStatus, Grant, PrivateSession, Token};
pub use public::websocket::client::DeribitPublicClient;
pub use session::{CONNECTION_ID_BASE, DeribitConfig, DeribitEvent, DeribitEvents, ResyncCause};

/// Production endpoint: `wss://www.deribit.com/ws/api/v2`.
pub const WS_URL: &str = "wss://www.deribit.com/ws/api/v2";

/// Test network endpoint: `wss://test.deribit.com/ws/api/v2`.
pub const TESTNET_WS_URL: &str = "wss://test.deribit.com/ws/api/v2";
