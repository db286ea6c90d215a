//! Public WebSocket market streams: [`BinancePublicClient`] (connection and routing, in
//! `client.rs`) and one file per control method (`subscribe.rs`, `unsubscribe.rs`,
//! `list_subscriptions.rs`).

mod client;
mod config;
mod error;
mod events;
pub mod list_subscriptions;
mod protocol;
pub mod subscribe;
pub mod unsubscribe;

pub use client::BinancePublicClient;
pub use config::{BinancePublicConfig, DEFAULT_MAX_CONNECTION_AGE};
pub use error::{InvalidRequestReason, PublicWsError, StreamApiError, StreamErrorKind};
pub use events::{PublicEvent, PublicEvents};
pub use list_subscriptions::ListSubscriptionsResponse;
pub use protocol::{REPLAY_ID_BASE, is_replay_id};
pub use subscribe::SubscribeResponse;
pub use unsubscribe::UnsubscribeResponse;
