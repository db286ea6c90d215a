//! Binance clients against `tradewire-mock`'s `BinanceSim` over real loopback sockets (one test binary).

mod private_ws;
mod provider;
mod public_ws;
mod rest_private;
mod rest_public;
