//! The `tradewire` binary, run as a process against the simulators (one test binary).

mod common;
mod dashboard;
mod decode;
mod deribit;
mod unified;
