//! Public (credential-free) API surfaces.

pub mod rest;
pub mod websocket;
