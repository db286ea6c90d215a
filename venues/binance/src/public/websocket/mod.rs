//! Public WebSocket market streams: one file per control method.

pub mod subscribe;
