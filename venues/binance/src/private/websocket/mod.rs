//! The WebSocket API with a logged-on session, and the user data stream.
//!
//! [`BinancePrivateWs`] (in [`client`]) takes credentials ([`WsApiCredentials`]: an Ed25519
//! key, which logs the session on with `session.logon` on every connection, or an HMAC key,
//! which signs each request) and offers one module per method, each holding its request, its
//! response, the function that sends it and its unit tests:
//!
//! | module | method | weight | result |
//! |---|---|---|---|
//! | [`session_logon`] | `session.logon` (sent by the client on every connection) | 2 | [`SessionStatus`] |
//! | [`order_place`] | `order.place` (`LIMIT`, `MARKET`, `LIMIT_MAKER`) | 1 | [`OrderReport`] → [`Order`](tradewire_core::Order) |
//! | [`order_cancel`] | `order.cancel` | 1 | [`OrderReport`] → [`Order`](tradewire_core::Order) |
//! | [`order_status`] | `order.status` | 4 | [`OrderReport`] → [`Order`](tradewire_core::Order) |
//! | [`open_orders_status`] | `openOrders.status` | 6 (symbol) / 80 | [`OrderReport`]s |
//! | [`account_status`] | `account.status` | 20 | [`AccountStatusResponse`] → [`Balance`](tradewire_core::Balance)s |
//! | [`user_data_stream_subscribe`] | `userDataStream.subscribe` (Ed25519 session) / `.signature` (HMAC) | 2 | subscription id |
//! | [`user_data`] | events `executionReport`, `outboundAccountPosition`, `balanceUpdate`, … | – | [`UserDataEvent`] |
//!
//! Source: <https://github.com/binance/binance-spot-api-docs> (`web-socket-api.md`,
//! `user-data-stream.md`, `enums.md`, `errors.md`), checked at commit `a5e0bc3`.

pub mod account_status;
pub mod auth;
pub mod client;
pub mod error;
pub mod events;
pub mod message;
pub mod open_orders_status;
pub mod order_cancel;
pub mod order_place;
pub mod order_report;
pub mod order_status;
pub mod session;
pub mod session_logon;
pub mod user_data;
pub mod user_data_stream_subscribe;

pub use account_status::{AccountStatusRequest, AccountStatusResponse};
pub use auth::WsApiCredentials;
pub use client::{BinancePrivateWs, PrivateWsConfig};
pub use error::{ApiErrorBody, BinanceWsError, ErrorData};
pub use events::{PrivateWsEvent, PrivateWsEvents};
pub use message::{ParamValue, Params, WsApiMessage, WsApiReply};
pub use open_orders_status::OpenOrdersStatusRequest;
pub use order_cancel::{CancelRestrictions, OrderCancelRequest};
pub use order_place::{NewOrderRespType, OrderPlaceRequest, PlaceOrderType};
pub use order_report::{Fill, OrderReport};
pub use order_status::OrderStatusRequest;
pub use session::{SessionInfo, SessionState};
pub use session_logon::SessionStatus;
pub use user_data::{AccountPosition, BalanceDelta, ExecutionReport, ExecutionType, UserDataEvent};
pub use user_data_stream_subscribe::{
    UserDataStreamSubscribeRequest, UserDataStreamSubscribeResponse,
};
