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

/// Crates built when no `-p` is given: the ones that must compile to wasm32.
pub const WASM_CRATES: &[&str] = &[
    "tradewire-core",
    "tradewire-websockets",
    "tradewire-rest",
    "tradewire-binance",
    "tradewire-deribit",
    "tradewire",
    "tradewire-browser-tests",
];

/// Crates tested when no `-p` is given. Venue crates are built, not tested, on wasm32: their
/// integration tests depend on `tradewire-mock` (native networking); their browser tests live in
/// `tradewire-browser-tests`.
pub const WASM_TEST_CRATES: &[&str] = &[
    "tradewire-core",
    "tradewire-websockets",
    "tradewire-rest",
    "tradewire-browser-tests",
];

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
    /// Crate to build or test (repeatable; default: WASM_CRATES or WASM_TEST_CRATES in
    /// xtask/src/wasm.rs).
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
/// Makes sure a wasm32 toolchain with the test runner is available, installing it if not:
/// with `../shared/tools/wasm-toolchain.sh` where the project's machines provide it (rustup
/// cannot download targets there), otherwise the standard way (`rustup target add` and
/// `cargo install wasm-bindgen-cli` at the version in Cargo.lock).
pub fn ensure_toolchain(root: &Path) -> Result<()> {
    if find_on_path(WRAPPER).is_some() {
        return Ok(());
    }
    let script = root.join("../shared/tools/wasm-toolchain.sh");
    if script.is_file() {
        eprintln!(
            "xtask: installing the wasm32 toolchain with {}",
            script.display()
        );
        let status = Command::new("bash")
            .arg(&script)
            .current_dir(root)
            .status()
            .context("running wasm-toolchain.sh")?;
        if !status.success() {
            bail!("wasm-toolchain.sh failed");
        }
        return Ok(());
    }
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .context("running rustup target add")?;
    if !status.success() {
        bail!("`rustup target add {TARGET}` failed");
    }
    if find_on_path("wasm-bindgen-test-runner").is_none() {
        let lock =
            std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
        let version = wasm_bindgen_version(&lock).context("wasm-bindgen is not in Cargo.lock")?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let status = Command::new(cargo)
            .args(["install", "wasm-bindgen-cli", "--version", &version])
            .status()
            .context("installing wasm-bindgen-cli")?;
        if !status.success() {
            bail!("`cargo install wasm-bindgen-cli --version {version}` failed");
        }
    }
    Ok(())
}

/// The version of the `wasm-bindgen` package in a Cargo.lock.
pub fn wasm_bindgen_version(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_owned());
        }
    }
    None
}

/// Runs the wasm tests of `packages` (default [`WASM_TEST_CRATES`]) in the browser.
pub fn run_tests(packages: &[String]) -> Result<ExitCode> {
    run(&Args {
        command: Action::Test {
            selection: Selection {
                packages: packages.to_vec(),
                release: false,
            },
            test_args: Vec::new(),
        },
    })
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let root = crate::root::workspace_root()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let plan = plan(&args.command, find_on_path(WRAPPER), cargo.clone())?;
    // Browser tests talk to real loopback servers: the simulators, run natively in their own
    // process for the duration of the tests. Their URLs are baked into the test binaries at
    // compile time (`option_env!("TRADEWIRE_MOCK_URL")`, `option_env!("TRADEWIRE_BINANCE_SIM_URL")`,
    // …): a page cannot read the environment.
    let mock = match &args.command {
        Action::Test { .. } => Some(MockProcess::start(&root, &cargo)?),
        Action::Build(_) => None,
    };
    eprintln!("xtask: {}", plan.display());
    let mut command = Command::new(&plan.program);
    command.args(&plan.args).current_dir(&root);
    if let Some(mock) = &mock {
        eprintln!("xtask: simulator at {}", mock.url);
        command.env("TRADEWIRE_MOCK_URL", &mock.url);
        command.env(
            "TRADEWIRE_REST_ECHO_URL",
            mock.url.replacen("ws://", "http://", 1),
        );
        eprintln!("xtask: Binance simulator at {}", mock.binance_url);
        command.env("TRADEWIRE_BINANCE_SIM_URL", &mock.binance_url);
        // The Binance simulator serves its REST API (with CORS) on the same port.
        command.env(
            "TRADEWIRE_BINANCE_SIM_HTTP_URL",
            mock.binance_url.replacen("ws://", "http://", 1),
        );
        eprintln!("xtask: Deribit simulator at {}", mock.deribit_url);
        command.env("TRADEWIRE_DERIBIT_SIM_URL", &mock.deribit_url);
    }
    let status = command
        .status()
        .with_context(|| format!("running {}", plan.display()))?;
    drop(mock);
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
    let packages: Vec<&str> = if !selection.packages.is_empty() {
        selection.packages.iter().map(String::as_str).collect()
    } else if verb == "test" {
        WASM_TEST_CRATES.to_vec()
    } else {
        WASM_CRATES.to_vec()
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

/// The loopback simulators (`tradewire-mock --binance --deribit`) running as a child process.
/// It exits when its stdin closes, which dropping this guard does.
struct MockProcess {
    child: std::process::Child,
    /// The scripted echo server.
    url: String,
    /// The Binance spot simulator (WebSocket; its REST API is on the same port).
    binance_url: String,
    /// The Deribit simulator (base URL; the API is at `/ws/api/v2`).
    deribit_url: String,
}

impl MockProcess {
    fn start(root: &Path, cargo: &OsString) -> Result<Self> {
        use std::io::BufRead;
        use std::process::Stdio;
        let build = Command::new(cargo)
            .args(["build", "-p", "tradewire-mock", "--bin", "tradewire-mock"])
            .current_dir(root)
            .status()
            .context("building the tradewire-mock binary")?;
        if !build.success() {
            bail!("building the tradewire-mock binary failed");
        }
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let exe = target_dir
            .join("debug")
            .join(format!("tradewire-mock{}", std::env::consts::EXE_SUFFIX));
        let mut child = Command::new(&exe)
            .args(["--max-seconds", "1800", "--binance", "--deribit"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let stdout = child.stdout.take().context("simulator stdout")?;
        let mut stdout = std::io::BufReader::new(stdout);
        let mut read = |prefix: &str| -> Result<String> {
            let mut line = String::new();
            stdout
                .read_line(&mut line)
                .with_context(|| format!("reading the simulator's {prefix} line"))?;
            listening_url(&line, prefix)
                .with_context(|| format!("the simulator did not start: {line:?}"))
        };
        let urls = read("LISTENING")
            .and_then(|url| Ok((url, read("LISTENING-BINANCE")?, read("LISTENING-DERIBIT")?)));
        match urls {
            Ok((url, binance_url, deribit_url)) => Ok(MockProcess {
                url,
                binance_url,
                deribit_url,
                child,
            }),
            Err(e) => {
                let _ = child.kill();
                Err(e)
            }
        }
    }
}

/// The URL of a `<prefix> ws://…` line the simulator prints.
fn listening_url(line: &str, prefix: &str) -> Option<String> {
    let url = line.trim().strip_prefix(prefix)?.strip_prefix(' ')?;
    url.starts_with("ws://").then(|| url.to_owned())
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

/// `name` as an executable file in one of the `PATH` directories.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
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
    fn reads_wasm_bindgen_version_from_lock() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.80\"\n";
        assert_eq!(wasm_bindgen_version(lock).as_deref(), Some("0.2.130"));
        assert_eq!(wasm_bindgen_version("[[package]]\nname = \"x\"\n"), None);
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
                "tradewire-websockets",
                "-p",
                "tradewire-rest",
                "-p",
                "tradewire-binance",
                "-p",
                "tradewire-deribit",
                "-p",
                "tradewire",
                "-p",
                "tradewire-browser-tests"
            ]
        );
        assert_eq!(
            plan.display(),
            "wasm-cargo build -p tradewire-core -p tradewire-websockets -p tradewire-rest -p tradewire-binance -p tradewire-deribit -p tradewire -p tradewire-browser-tests"
        );
    }

    #[test]
    fn wrapper_test_defaults_to_testable_crates() {
        let plan = plan(&parse(&["test"]), Some("wasm-cargo".into()), "cargo".into()).unwrap();
        assert_eq!(
            plan.display(),
            "wasm-cargo test -p tradewire-core -p tradewire-websockets -p tradewire-rest -p tradewire-browser-tests --tests"
        );
        // Venue crates are built on wasm32 but not tested there.
        assert!(!plan.args.iter().any(|a| a == "tradewire-binance"));
    }

    #[test]
    fn reads_the_simulator_lines() {
        assert_eq!(
            listening_url("LISTENING ws://127.0.0.1:4000\n", "LISTENING").as_deref(),
            Some("ws://127.0.0.1:4000")
        );
        assert_eq!(
            listening_url(
                "LISTENING-BINANCE ws://127.0.0.1:4001\n",
                "LISTENING-BINANCE"
            )
            .as_deref(),
            Some("ws://127.0.0.1:4001")
        );
        assert_eq!(
            listening_url(
                "LISTENING-DERIBIT ws://127.0.0.1:4002\n",
                "LISTENING-DERIBIT"
            )
            .as_deref(),
            Some("ws://127.0.0.1:4002")
        );
        assert_eq!(
            listening_url("LISTENING-BINANCE ws://127.0.0.1:4001", "LISTENING"),
            None
        );
        assert_eq!(
            listening_url("LISTENING-DERIBIT ws://127.0.0.1:4002", "LISTENING-BINANCE"),
            None
        );
        assert_eq!(listening_url("error: port in use", "LISTENING"), None);
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
