//! Signed REST endpoints (trading and account): [`BinancePrivateRest`] and one module per
//! endpoint.
//!
//! | module | endpoint | weight (rest-api.md) | result |
//! |---|---|---|---|
//! | [`new_order`] | `POST /api/v3/order` (TRADE) | 1 | [`Order`](tradewire_core::Order) / [`NewOrderResponse`](new_order::NewOrderResponse) |
//! | [`cancel_order`] | `DELETE /api/v3/order` (TRADE) | 1 | [`Order`](tradewire_core::Order) |
//! | [`query_order`] | `GET /api/v3/order` (USER_DATA) | 4 | [`Order`](tradewire_core::Order) |
//! | [`open_orders`] | `GET /api/v3/openOrders` (USER_DATA) | 6 / 80 without symbol | [`Order`](tradewire_core::Order)s |
//! | [`account`] | `GET /api/v3/account` (USER_DATA) | 20 | [`AccountInfo`](account::AccountInfo) → [`Balance`](tradewire_core::Balance)s |
//!
//! [`signing`] holds the SIGNED request security (API key header, `recvWindow`, `timestamp`,
//! `signature`), [`order`] the enum mappings (enums.md) shared by the order endpoints.
//!
//! Source: <https://github.com/binance/binance-spot-api-docs/blob/master/rest-api.md>,
//! "Trading endpoints" and "Account Endpoints".

pub mod account;
pub mod cancel_order;
pub mod client;
pub mod new_order;
pub mod open_orders;
pub mod order;
pub mod query_order;
pub mod signing;

pub use client::{BinancePrivateRest, BinancePrivateRestBuilder};
pub use order::OrderRef;
pub use signing::{KeyType, RequestAuth};
