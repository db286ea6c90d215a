//! Public (credential-free) API surfaces.

pub mod websocket;
