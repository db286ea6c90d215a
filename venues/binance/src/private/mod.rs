//! Private (credentialed) API surfaces: trading and account data. Every client here takes
//! credentials in its constructor.

pub mod rest;
pub mod websocket;
