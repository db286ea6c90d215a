//! Private methods over WebSocket: [`client::DeribitPrivateClient`] and one module per method.

pub mod auth;
pub mod buy;
pub mod cancel;
pub mod cancel_all;
pub mod cancel_all_by_instrument;
pub mod client;
pub mod edit;
pub mod get_account_summary;
pub mod get_open_orders_by_currency;
pub mod get_order_state;
pub mod get_position;
pub mod get_positions;
pub mod get_user_trades_by_instrument;
pub mod logout;
pub mod sell;
pub mod subscribe;

pub use auth::{AuthResult, AuthStatus, Grant, PrivateSession, Token};
