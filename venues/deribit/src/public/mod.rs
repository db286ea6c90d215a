//! Public (unauthenticated) API.

pub mod websocket;
