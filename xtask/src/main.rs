//! `cargo xtask`: project automation for the tradewire workspace.
//!
//! - `cargo xtask compliance [--root PATH]`: structural rules for `venues/*` crates (no platform
//!   code, no socket crates, unit tests in every method file, thin clients, credential-free public
//!   clients) and for the workspace (platform cfgs only in the allowed crates). See [`compliance`].
//! - `cargo xtask capabilities [--check]`: rewrite (or, with `--check`, verify) README.md's
//!   venue × capability table from each provider's `capabilities()`. See [`capabilities`].
//! - `cargo xtask wasm build|test [-p CRATE]...`: build or test crates for
//!   `wasm32-unknown-unknown`, through the `wasm-cargo` wrapper when it is installed. See [`wasm`].
//! - `cargo xtask dashboard build [--out DIR]` / `dashboard e2e`: build the browser dashboard
//!   (size report, gzip budget) / run its end-to-end test in headless Chromium. See [`dashboard`].
//!
//! Adding a subcommand: one module with an `Args` (clap) and a `run(&Args) -> Result<ExitCode>`,
//! plus one variant in [`Command`] and one arm in `main`.

mod capabilities;
mod compliance;
mod conformance;
mod dashboard;
mod lexer;
mod manifest;
mod root;
mod test;
mod wasm;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Project automation for the tradewire workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Rewrite README.md's venue × capability table from the code (`--check`: fail if stale).
    Capabilities(capabilities::Args),
    /// Check venue crates and the workspace against the project's structural rules.
    Compliance(compliance::Args),
    /// Decode the conformance corpus with each supported venue and compare every expected value.
    Conformance(conformance::Args),
    /// Build or test crates for wasm32-unknown-unknown.
    Wasm(wasm::Args),
    /// Build the browser dashboard, or run its end-to-end test in headless Chromium.
    Dashboard(dashboard::Args),
    /// Run the project's tests: native (all crates, doctests) and wasm32 in headless Chromium.
    Test(test::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Capabilities(args) => capabilities::run(args),
        Command::Compliance(args) => compliance::run(args),
        Command::Conformance(args) => conformance::run(args),
        Command::Wasm(args) => wasm::run(args),
        Command::Dashboard(args) => dashboard::run(args),
        Command::Test(args) => test::run(args),
    };
    result.unwrap_or_else(|error| {
        eprintln!("xtask: error: {error:#}");
        ExitCode::FAILURE
    })
}
