//! `cargo xtask dashboard build|e2e`: the browser dashboard (`crates/dashboard`).
//!
//! `build [--out DIR]` (default `<target>/dashboard`, `<target>` being `CARGO_TARGET_DIR` or the
//! workspace's `target/`):
//! 1. `tradewire-dashboard` for wasm32 with the size-oriented `wasm-release` profile (through
//!    `wasm-cargo` when installed, else `cargo build --target wasm32-unknown-unknown`);
//! 2. `wasm-bindgen --target web --no-typescript --remove-name-section
//!    --remove-producers-section` (its version must equal the `wasm-bindgen` crate's in
//!    Cargo.lock);
//! 3. `npm ci` in `crates/dashboard/web` (the pinned `lightweight-charts`);
//! 4. copies the static assets and the charting library's standalone build;
//! 5. prints the raw and gzip sizes and fails when the gzipped total exceeds [`GZIP_BUDGET`].
//!
//! `e2e` builds the page unless the one in `<target>/dashboard` is newer than every input,
//! builds the `tradewire` binary, starts `tradewire dashboard --simulator --port 0`, and runs
//! `crates/dashboard/e2e/dashboard.e2e.mjs` (Playwright's `playwright-core` driving Debian's
//! headless Chromium) against it; the screenshot goes to `<target>/e2e/dashboard.png`.

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::{Args as ClapArgs, Subcommand};

/// Largest gzipped bundle accepted (wasm + glue + charting library + page).
pub const GZIP_BUDGET: u64 = 1536 * 1024;

/// The cargo profile of the browser build (root Cargo.toml).
pub const PROFILE: &str = "wasm-release";

const PACKAGE: &str = "tradewire-dashboard";
const WASM_FILE: &str = "tradewire_dashboard.wasm";
const CHARTS_JS: &str = "lightweight-charts.standalone.production.js";
/// Static files copied from `crates/dashboard/web`.
const ASSETS: &[&str] = &["index.html", "style.css", "bootstrap.js"];
/// Written into the output directory after a successful build.
const STAMP: &str = ".build-stamp";

/// Arguments of `cargo xtask dashboard`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Build the page (wasm, glue, assets) and report its size.
    Build {
        /// Output directory (default: <target>/dashboard).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run the end-to-end test in headless Chromium against the simulators.
    E2e {
        /// Always rebuild the page first (default: only when an input is newer).
        #[arg(long)]
        rebuild: bool,
    },
}

/// Runs `cargo xtask dashboard …`.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = crate::root::workspace_root()?;
    match &args.command {
        Action::Build { out } => {
            let out = out.clone().unwrap_or_else(|| default_out(&root));
            build(&root, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Action::E2e { rebuild } => e2e(&root, *rebuild),
    }
}

/// `CARGO_TARGET_DIR`, else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `<target>/dashboard`.
pub fn default_out(root: &Path) -> PathBuf {
    target_dir(root).join("dashboard")
}

fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"))
}

fn run_cmd(command: &mut Command, what: &str) -> Result<()> {
    eprintln!("xtask: {what}");
    let status = command
        .status()
        .with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// The version `wasm-bindgen --version` prints (`wasm-bindgen 0.2.130`).
fn parse_cli_version(output: &str) -> Option<String> {
    let version = output.split_whitespace().nth(1)?;
    Some(version.to_owned())
}

/// Builds the page into `out`.
pub fn build(root: &Path, out: &Path) -> Result<()> {
    crate::wasm::ensure_toolchain(root)?;
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let wanted =
        crate::wasm::wasm_bindgen_version(&lock).context("wasm-bindgen is not in Cargo.lock")?;
    let cli = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .context("running `wasm-bindgen --version` (install wasm-bindgen-cli, see ../shared/tools/WASM.md)")?;
    let found = parse_cli_version(&String::from_utf8_lossy(&cli.stdout)).unwrap_or_default();
    if found != wanted {
        bail!(
            "wasm-bindgen CLI {found:?} on PATH, but Cargo.lock has wasm-bindgen {wanted}: \
             `cargo install wasm-bindgen-cli --version {wanted}` (or run ../shared/tools/wasm-toolchain.sh)"
        );
    }

    // 1. wasm32 build
    let mut cmd = match crate::wasm::find_on_path(crate::wasm::WRAPPER) {
        Some(wrapper) => {
            let mut c = Command::new(wrapper);
            c.args(["build", "-p", PACKAGE, "--profile", PROFILE]);
            c
        }
        None => {
            let mut c = Command::new(cargo());
            c.args([
                "build",
                "--target",
                crate::wasm::TARGET,
                "-p",
                PACKAGE,
                "--profile",
                PROFILE,
            ]);
            c
        }
    };
    cmd.current_dir(root);
    run_cmd(
        &mut cmd,
        &format!("build {PACKAGE} for {} ({PROFILE})", crate::wasm::TARGET),
    )?;
    let wasm = target_dir(root)
        .join(crate::wasm::TARGET)
        .join(PROFILE)
        .join(WASM_FILE);

    // 2. bindings
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let _ = std::fs::remove_file(out.join(STAMP));
    run_cmd(
        Command::new("wasm-bindgen")
            // The `name` section (function names for stack traces) is over half of the file.
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--remove-name-section",
                "--remove-producers-section",
                "--out-dir",
            ])
            .arg(out)
            .arg(&wasm),
        "wasm-bindgen --target web",
    )?;

    // 3. the charting library
    let web = root.join("crates/dashboard/web");
    run_cmd(
        Command::new(npm())
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&web),
        "npm ci (crates/dashboard/web)",
    )?;

    // 4. assets
    for asset in ASSETS {
        copy(&web.join(asset), &out.join(asset))?;
    }
    copy(
        &web.join("node_modules/lightweight-charts/dist")
            .join(CHARTS_JS),
        &out.join(CHARTS_JS),
    )?;

    // 5. sizes
    let files = [
        ("wasm", "tradewire_dashboard_bg.wasm"),
        ("glue js", "tradewire_dashboard.js"),
        ("charts js", CHARTS_JS),
        ("html/css/bootstrap", ""),
    ];
    let mut rows = Vec::new();
    for (label, name) in files {
        let paths: Vec<PathBuf> = if name.is_empty() {
            ASSETS.iter().map(|a| out.join(a)).collect()
        } else {
            vec![out.join(name)]
        };
        let mut raw = 0;
        let mut gz = 0;
        for path in paths {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            raw += bytes.len() as u64;
            gz += gzip_len(&bytes)?;
        }
        rows.push((label, raw, gz));
    }
    let table = size_table(&rows);
    println!("{table}");
    let total_gz: u64 = rows.iter().map(|r| r.2).sum();
    if total_gz > GZIP_BUDGET {
        bail!(
            "the dashboard bundle is {} gzipped, over the budget of {}",
            human(total_gz),
            human(GZIP_BUDGET)
        );
    }
    std::fs::write(out.join(STAMP), format!("{total_gz}\n")).context("writing the build stamp")?;
    eprintln!("xtask: dashboard built in {}", out.display());
    Ok(())
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// Size of `bytes` gzipped at the best level (what a server's static gzip would send).
fn gzip_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).context("gzip")?;
    Ok(encoder.finish().context("gzip")?.len() as u64)
}

/// `12.3 KiB`, `1.20 MiB`.
fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// The size table (Markdown, so it can be pasted into docs/performance.md).
fn size_table(rows: &[(&str, u64, u64)]) -> String {
    let mut s = String::from("| file | raw | gzip |\n|---|---:|---:|\n");
    for (label, raw, gz) in rows {
        s.push_str(&format!("| {label} | {} | {} |\n", human(*raw), human(*gz)));
    }
    let raw: u64 = rows.iter().map(|r| r.1).sum();
    let gz: u64 = rows.iter().map(|r| r.2).sum();
    s.push_str(&format!(
        "| **total** | {} | **{}** (budget {}) |",
        human(raw),
        human(gz),
        human(GZIP_BUDGET)
    ));
    s
}

/// The newest modification time among the page's inputs: the dashboard crate (not its e2e
/// test) and the crates it is built from, the manifests and the lock file.
fn newest_input(root: &Path) -> Result<SystemTime> {
    let mut newest = SystemTime::UNIX_EPOCH;
    for file in ["Cargo.toml", "Cargo.lock", "crates/dashboard/Cargo.toml"] {
        newest = newest.max(modified(&root.join(file))?);
    }
    for dir in [
        "crates/dashboard/src",
        "crates/dashboard/web",
        "crates/tradewire",
        "crates/core",
        "websockets",
        "rest",
        "venues",
    ] {
        walk_newest(&root.join(dir), &mut newest)?;
    }
    Ok(newest)
}

fn modified(path: &Path) -> Result<SystemTime> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .with_context(|| format!("reading the time of {}", path.display()))
}

fn walk_newest(dir: &Path, newest: &mut SystemTime) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name();
        if name == "node_modules" || name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().context("reading a file type")?;
        if kind.is_dir() {
            walk_newest(&path, newest)?;
        } else if kind.is_file() {
            *newest = (*newest).max(modified(&path)?);
        }
    }
    Ok(())
}

/// Is the page in `out` built from the current inputs?
fn is_fresh(root: &Path, out: &Path) -> Result<bool> {
    let Ok(stamp) = modified(&out.join(STAMP)) else {
        return Ok(false);
    };
    Ok(newest_input(root)? <= stamp)
}

/// `npm ci` in `dir` unless its `node_modules` is newer than its lock file.
fn npm_ci_if_needed(dir: &Path) -> Result<()> {
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (
        modified(&installed),
        modified(&dir.join("package-lock.json")),
    ) {
        (Ok(installed), Ok(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run_cmd(
        Command::new(npm())
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
        &format!("npm ci ({})", dir.display()),
    )
}

/// The `tradewire dashboard` process; killed when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL of the `DASHBOARD http://…` line.
fn dashboard_url(line: &str) -> Option<String> {
    let url = line.trim().strip_prefix("DASHBOARD ")?;
    url.starts_with("http://").then(|| url.to_owned())
}

fn start_server(root: &Path, page: &Path) -> Result<Server> {
    run_cmd(
        Command::new(cargo())
            .args(["build", "-p", "tradewire-cli", "--bin", "tradewire"])
            .current_dir(root),
        "build the tradewire binary",
    )?;
    let exe = target_dir(root)
        .join("debug")
        .join(format!("tradewire{}", std::env::consts::EXE_SUFFIX));
    let mut child = Command::new(&exe)
        .args(["dashboard", "--simulator", "--port", "0", "--dir"])
        .arg(page)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        bail!("no stdout from tradewire dashboard");
    };
    let mut line = String::new();
    let read = std::io::BufReader::new(stdout).read_line(&mut line);
    match read.ok().and_then(|_| dashboard_url(&line)) {
        Some(url) => Ok(Server { child, url }),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            bail!("tradewire dashboard did not start: {line:?}")
        }
    }
}

/// The end-to-end test, building the page first only when needed (`cargo xtask test`).
pub fn run_e2e(root: &Path) -> Result<ExitCode> {
    e2e(root, false)
}

fn e2e(root: &Path, rebuild: bool) -> Result<ExitCode> {
    let page = default_out(root);
    if rebuild || !is_fresh(root, &page)? {
        build(root, &page)?;
    } else {
        eprintln!(
            "xtask: reusing the dashboard built in {} (newer than its inputs)",
            page.display()
        );
    }
    let e2e_dir = root.join("crates/dashboard/e2e");
    npm_ci_if_needed(&e2e_dir)?;
    let server = start_server(root, &page)?;
    let out = target_dir(root).join("e2e");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    eprintln!("xtask: dashboard e2e against {}", server.url);
    let status = Command::new("node")
        .arg(e2e_dir.join("dashboard.e2e.mjs"))
        .arg(&server.url)
        .arg(&out)
        .current_dir(&e2e_dir)
        .status()
        .context("running node (Node.js 18 or later is needed)")?;
    drop(server);
    if status.success() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("xtask: dashboard e2e failed ({status})");
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cli_version() {
        assert_eq!(
            parse_cli_version("wasm-bindgen 0.2.130\n").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(parse_cli_version(""), None);
    }

    #[test]
    fn reads_the_dashboard_line() {
        assert_eq!(
            dashboard_url("DASHBOARD http://127.0.0.1:4000/\n").as_deref(),
            Some("http://127.0.0.1:4000/")
        );
        assert_eq!(dashboard_url("error: no built dashboard"), None);
        assert_eq!(dashboard_url("DASHBOARD ftp://x"), None);
    }

    #[test]
    fn sizes_and_table() {
        assert_eq!(human(1536 * 1024), "1.50 MiB");
        assert_eq!(human(2048), "2.0 KiB");
        let table = size_table(&[("wasm", 4096, 1024), ("js", 2048, 1024)]);
        assert!(table.contains("| wasm | 4.0 KiB | 1.0 KiB |"), "{table}");
        assert!(table.contains("**2.0 KiB**"), "{table}");
        // Repetitive input compresses.
        assert!(gzip_len(&[b'a'; 10_000]).unwrap() < 200);
    }

    #[test]
    fn freshness_follows_the_inputs() {
        let root = std::env::temp_dir().join(format!("xtask-dash-fresh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in [
            "crates/dashboard/src",
            "crates/dashboard/web/node_modules",
            "crates/dashboard/e2e",
            "crates/tradewire",
            "crates/core",
            "websockets",
            "rest",
            "venues/binance/src",
        ] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
        std::fs::write(root.join("Cargo.lock"), "").unwrap();
        std::fs::write(root.join("crates/dashboard/Cargo.toml"), "").unwrap();
        let e2e = root.join("crates/dashboard/e2e/dashboard.e2e.mjs");
        std::fs::write(&e2e, "").unwrap();
        let lib = root.join("venues/binance/src/lib.rs");
        std::fs::write(&lib, "").unwrap();
        let dep = root.join("crates/dashboard/web/node_modules/x.js");
        std::fs::write(&dep, "").unwrap();
        let out = root.join("out");
        std::fs::create_dir_all(&out).unwrap();
        assert!(!is_fresh(&root, &out).unwrap(), "no stamp: not fresh");
        let stamp = out.join(STAMP);
        std::fs::write(&stamp, "1\n").unwrap();
        let set = |path: &Path, t: SystemTime| {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        let now = SystemTime::now();
        set(&stamp, now);
        let earlier = now - std::time::Duration::from_secs(60);
        for f in ["Cargo.toml", "Cargo.lock", "crates/dashboard/Cargo.toml"] {
            set(&root.join(f), earlier);
        }
        set(&lib, earlier);
        // node_modules and the e2e test are not inputs.
        set(&dep, now + std::time::Duration::from_secs(60));
        set(&e2e, now + std::time::Duration::from_secs(60));
        assert!(is_fresh(&root, &out).unwrap());
        // A venue source edited after the build makes it stale.
        set(&lib, now + std::time::Duration::from_secs(1));
        assert!(!is_fresh(&root, &out).unwrap());
        let _ = std::fs::remove_dir_all(&root);
    }
}
