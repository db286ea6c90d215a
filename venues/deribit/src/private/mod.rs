//! Private (authenticated) API.

pub mod websocket;
