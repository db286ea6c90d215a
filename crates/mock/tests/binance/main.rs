//! The Binance simulator over real loopback sockets, one test binary per venue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod depth;
mod rest;
mod streams;
mod trading;
mod wsapi;
