//! `cargo xtask wasm build|test`: build or test crates for `wasm32-unknown-unknown`.
//!
//! With the `wasm-cargo` wrapper on `PATH` (installed by `../shared/tools/wasm-toolchain.sh`; it
//! runs `RUSTC_BOOTSTRAP=1 cargo +web -Zbuild-std=std,panic_abort … --target wasm32-unknown-unknown`)
//! the commands are `wasm-cargo build -p X` and `wasm-cargo test -p X --tests`. Without it they are
//! the standard `cargo build|test --target wasm32-unknown-unknown -p X` (needs
//! `rustup target add wasm32-unknown-unknown` and `wasm-bindgen-cli`, whose runner the workspace
//! `.cargo/config.toml` names). Tests run with `--tests` (doctests pass without running on wasm32)
//! and never with `-q` (the runner rejects `--quiet`). The exit status is passed through.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use clap::{Args as ClapArgs, Subcommand};

/// Crates built and tested when no `-p` is given: the ones that must compile to wasm32.
pub const WASM_CRATES: &[&str] = &["tradewire-core", "tradewire-websockets"];

/// The wasm target triple.
pub const TARGET: &str = "wasm32-unknown-unknown";

/// The wrapper installed by `../shared/tools/wasm-toolchain.sh`.
pub const WRAPPER: &str = "wasm-cargo";

/// Arguments of `cargo xtask wasm`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Build crates for wasm32-unknown-unknown.
    Build(Selection),
    /// Run crates' tests on wasm32-unknown-unknown (Node, or a headless browser).
    Test {
        #[command(flatten)]
        selection: Selection,
        /// Arguments for the test binaries (after `--`), e.g. `--nocapture` or a name filter.
        #[arg(last = true, value_name = "TEST_ARGS")]
        test_args: Vec<String>,
    },
}

#[derive(Debug, Clone, Default, ClapArgs)]
struct Selection {
    /// Crate to build or test (repeatable; default: WASM_CRATES in xtask/src/wasm.rs).
    #[arg(short = 'p', long = "package", value_name = "CRATE")]
    packages: Vec<String>,
    /// Use the release profile.
    #[arg(long)]
    release: bool,
}

/// A command to run: program and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    program: OsString,
    args: Vec<String>,
    wrapper: bool,
}

impl Plan {
    fn display(&self) -> String {
        let mut shown = Path::new(&self.program)
            .file_name()
            .unwrap_or(&self.program)
            .to_string_lossy()
            .into_owned();
        for arg in &self.args {
            shown.push(' ');
            shown.push_str(arg);
        }
        shown
    }
}

/// Runs `cargo xtask wasm …`.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = crate::root::workspace_root()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let plan = plan(&args.command, find_on_path(WRAPPER), cargo)?;
    eprintln!("xtask: {}", plan.display());
    let status = Command::new(&plan.program)
        .args(&plan.args)
        .current_dir(&root)
        .status()
        .with_context(|| format!("running {}", plan.display()))?;
    if !status.success() && !plan.wrapper {
        eprintln!(
            "xtask: `{WRAPPER}` is not on PATH, so this used `--target {TARGET}` directly: it needs \
             `rustup target add {TARGET}` and wasm-bindgen-cli (for tests). On the project's machines \
             run `bash ../shared/tools/wasm-toolchain.sh` instead (see ../shared/tools/WASM.md)."
        );
    }
    Ok(status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .map_or(ExitCode::FAILURE, ExitCode::from))
}

/// The command for `action`: through `wrapper` when there is one, else `cargo --target …`.
fn plan(action: &Action, wrapper: Option<PathBuf>, cargo: OsString) -> Result<Plan> {
    let (verb, selection, test_args) = match action {
        Action::Build(selection) => ("build", selection, &[][..]),
        Action::Test {
            selection,
            test_args,
        } => ("test", selection, &test_args[..]),
    };
    if let Some(quiet) = test_args.iter().find(|a| *a == "-q" || *a == "--quiet") {
        bail!("`{quiet}` is not accepted: wasm-bindgen-test-runner rejects --quiet");
    }
    let mut args = vec![verb.to_owned()];
    if wrapper.is_none() {
        args.extend(["--target".to_owned(), TARGET.to_owned()]);
    }
    let packages: Vec<&str> = if selection.packages.is_empty() {
        WASM_CRATES.to_vec()
    } else {
        selection.packages.iter().map(String::as_str).collect()
    };
    for package in packages {
        args.extend(["-p".to_owned(), package.to_owned()]);
    }
    if selection.release {
        args.push("--release".to_owned());
    }
    if verb == "test" {
        args.push("--tests".to_owned());
        if !test_args.is_empty() {
            args.push("--".to_owned());
            args.extend(test_args.iter().cloned());
        }
    }
    Ok(match wrapper {
        Some(path) => Plan {
            program: path.into_os_string(),
            args,
            wrapper: true,
        },
        None => Plan {
            program: cargo,
            args,
            wrapper: false,
        },
    })
}

/// `name` as an executable file in one of the `PATH` directories.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        wasm: Args,
    }

    fn parse(args: &[&str]) -> Action {
        Cli::try_parse_from(std::iter::once("wasm").chain(args.iter().copied()))
            .unwrap()
            .wasm
            .command
    }

    fn args_of(plan: &Plan) -> Vec<&str> {
        plan.args.iter().map(String::as_str).collect()
    }

    #[test]
    fn wrapper_build_defaults_to_wasm_crates() {
        let plan = plan(
            &parse(&["build"]),
            Some("/usr/local/bin/wasm-cargo".into()),
            "cargo".into(),
        )
        .unwrap();
        assert!(plan.wrapper);
        assert_eq!(plan.program, OsString::from("/usr/local/bin/wasm-cargo"));
        assert_eq!(
            args_of(&plan),
            vec![
                "build",
                "-p",
                "tradewire-core",
                "-p",
                "tradewire-websockets"
            ]
        );
        assert_eq!(
            plan.display(),
            "wasm-cargo build -p tradewire-core -p tradewire-websockets"
        );
    }

    #[test]
    fn wrapper_test_uses_tests_and_no_quiet() {
        let action = parse(&[
            "test",
            "-p",
            "tradewire-websockets",
            "--",
            "--nocapture",
            "echo",
        ]);
        let plan = plan(&action, Some("wasm-cargo".into()), "cargo".into()).unwrap();
        assert_eq!(
            args_of(&plan),
            vec![
                "test",
                "-p",
                "tradewire-websockets",
                "--tests",
                "--",
                "--nocapture",
                "echo"
            ]
        );
        assert!(!plan.args.iter().any(|a| a == "-q" || a == "--quiet"));
    }

    #[test]
    fn fallback_passes_the_target() {
        let action = parse(&["test", "-p", "a", "--package", "b", "--release"]);
        let plan = plan(&action, None, "/opt/cargo".into()).unwrap();
        assert!(!plan.wrapper);
        assert_eq!(plan.program, OsString::from("/opt/cargo"));
        assert_eq!(
            args_of(&plan),
            vec![
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "a",
                "-p",
                "b",
                "--release",
                "--tests"
            ]
        );
        let plan = super::plan(&parse(&["build", "-p", "x"]), None, "cargo".into()).unwrap();
        assert_eq!(
            args_of(&plan),
            vec!["build", "--target", "wasm32-unknown-unknown", "-p", "x"]
        );
    }

    #[test]
    fn quiet_is_refused() {
        assert!(plan(&parse(&["test", "--", "-q"]), None, "cargo".into()).is_err());
        assert!(Cli::try_parse_from(["wasm", "test", "-q"]).is_err());
    }

    #[test]
    fn finds_programs_on_path() {
        assert!(find_on_path("this-program-does-not-exist-xtask").is_none());
    }
}
