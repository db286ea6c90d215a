//! `cargo xtask test`: the project's test command (the one README.md names and CI runs).
//!
//! 1. every native test of the workspace, doctests included (`cargo test --workspace`);
//! 2. the wasm32 tests in headless Chromium (`cargo xtask wasm test`), against the loopback
//!    simulator, unless `--native-only` is given;
//! 3. the dashboard's end-to-end test in headless Chromium (`cargo xtask dashboard e2e`; it
//!    reuses a page built by `cargo xtask dashboard build` when nothing changed since), unless
//!    `--native-only` is given.

use std::ffi::OsString;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};
use clap::Args as ClapArgs;

/// Arguments of `cargo xtask test`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Skip the wasm32 browser tests (for machines without the wasm toolchain or Chromium).
    #[arg(long)]
    native_only: bool,
}

/// Runs the native tests, then the browser tests.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = crate::root::workspace_root()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    eprintln!("xtask: cargo test --workspace");
    let status = Command::new(&cargo)
        .args(["test", "--workspace"])
        .current_dir(&root)
        .status()
        .context("running cargo test")?;
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    if args.native_only {
        return Ok(ExitCode::SUCCESS);
    }
    crate::wasm::ensure_toolchain(&root)?;
    let wasm = crate::wasm::run_tests(&[])?;
    if wasm != ExitCode::SUCCESS {
        return Ok(wasm);
    }
    crate::dashboard::run_e2e(&root)
}
