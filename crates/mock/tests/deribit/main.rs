//! The Deribit simulator over real loopback sockets, one test binary per venue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod common;
mod market;
mod rpc;
mod trading;
