//! The facade's unified market-data API, against a scripted source and against both simulators (one test binary).

mod simulators;
mod unified;
