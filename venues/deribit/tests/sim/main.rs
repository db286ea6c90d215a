//! Deribit clients against `tradewire-mock`'s `DeribitSim` over real loopback sockets (one test binary).

mod clients;
mod errors_and_logs;
mod provider;
