//! `cargo xtask compliance`: structural rules for venue crates and for the workspace.
//!
//! Rules (the id is what each violation line prints, as `path:line: rule: message`):
//!
//! | id | where | what |
//! |---|---|---|
//! | `platform-cfg` | every `.rs` file and the `Cargo.toml` of each `venues/*` crate | no `cfg`/`cfg_attr`/`cfg!` mentioning `target_arch`, `target_family = "wasm"` or `target_os = "unknown"`; no wasm `[target.…]` tables |
//! | `platform-import` | every `.rs` file of each venue crate | no path through `tokio_tungstenite`, `tungstenite`, `web_sys`, `gloo_net` or `tokio::net` |
//! | `platform-dependency` | each venue `Cargo.toml` | no `tokio-tungstenite`, `tungstenite`, `web-sys`, `gloo-net` dependency (any table, renames seen through) |
//! | `method-tests` | `src/public/**/*.rs`, `src/private/**/*.rs` except `mod.rs`, `client.rs` | a `#[cfg(test)]` module (inline or out of line) with at least one `#[…test]` |
//! | `client-builds-message` | every `client.rs` of a venue crate, outside `#[cfg(test)]` modules | no `json!`, no `serde_json::json`, no `…Request { … }` / `…Params { … }` literal, no `format!("{{…")` |
//! | `public-client-credentials` | `src/public/**/client.rs` | no identifier containing `credential`, `apikey`/`api_key`, `apisecret`, `secretstring`, `secret`, `secrecy` or `passphrase` (any case) |
//! | `workspace-platform-cfg` | every other crate not in [`PLATFORM_CODE_ALLOWED`] | the `platform-cfg` check |
//!
//! Matching is done on tokens (see [`crate::lexer`]), so comments, doc comments, string and char
//! literals never trigger a rule.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;

use crate::lexer::{Kind, Token, tokenize};
use crate::manifest;

/// Crates (directories relative to the workspace root, nested crates included) that may contain
/// platform code: `cfg(target_arch …)`, wasm cfgs, `[target.'cfg(…)']` tables.
///
/// - `websockets` is the platform layer: native (tokio-tungstenite) vs browser (web-sys) sockets.
/// - `rest` is the HTTP platform crate (reqwest native vs fetch).
/// - `crates/dashboard`, `crates/mock`, `crates/cli` and `xtask` are apps and tools, which no
///   library depends on.
///
/// Every other crate (`crates/core`, `crates/tradewire`, and all `venues/*`) must be
/// platform-neutral.
pub const PLATFORM_CODE_ALLOWED: &[&str] = &[
    // core: only the `MaybeSend` / `BoxFuture` / `BoxStream` aliases of the market-data traits
    // (`Send` natively, not in single-threaded browsers), in `src/market_data.rs`.
    "crates/core",
    "websockets",
    "rest",
    "crates/dashboard",
    "crates/mock",
    "crates/cli",
    "xtask",
];

/// Rule ids, as printed.
pub mod rule {
    /// A platform `cfg` in a venue crate.
    pub const PLATFORM_CFG: &str = "platform-cfg";
    /// A path through a platform crate in venue source.
    pub const PLATFORM_IMPORT: &str = "platform-import";
    /// A platform crate among a venue crate's dependencies.
    pub const PLATFORM_DEPENDENCY: &str = "platform-dependency";
    /// A method file without unit tests.
    pub const METHOD_TESTS: &str = "method-tests";
    /// A `client.rs` that builds a message itself.
    pub const CLIENT_BUILDS_MESSAGE: &str = "client-builds-message";
    /// A public client that mentions credentials.
    pub const PUBLIC_CLIENT_CREDENTIALS: &str = "public-client-credentials";
    /// A platform `cfg` in a workspace crate outside the allow-list.
    pub const WORKSPACE_PLATFORM_CFG: &str = "workspace-platform-cfg";
}

/// Crates venue source must not name (Rust spelling); they are reached through
/// `tradewire-websockets`.
const PLATFORM_CRATES: &[&str] = &["tokio_tungstenite", "tungstenite", "web_sys", "gloo_net"];

/// Fragments that mark an identifier as credential-related (compared lower-case, without `_`).
const CREDENTIAL_WORDS: &[&str] = &[
    "credential",
    "apikey",
    "apisecret",
    "secretstring",
    "secret",
    "secrecy",
    "passphrase",
];

/// Directory names never descended into.
const SKIP_DIRS: &[&str] = &["target", "node_modules"];

/// Arguments of `cargo xtask compliance`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Workspace root to check (default: this workspace).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

/// One rule violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// Rule id (see [`rule`]).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path, self.line, self.rule, self.message
        )
    }
}

/// The outcome of [`check`].
#[derive(Debug, Default)]
pub struct Report {
    /// Number of `venues/*` crates checked.
    pub venue_crates: usize,
    /// Number of files read (`.rs` and `Cargo.toml`).
    pub files_checked: usize,
    /// Every violation, sorted by path and line, without duplicates.
    pub violations: Vec<Violation>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "compliance: {} venue crates, {} files checked, {} violations",
            self.venue_crates,
            self.files_checked,
            self.violations.len()
        )
    }
}

/// Runs `cargo xtask compliance`.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = match &args.root {
        Some(root) => root.clone(),
        None => crate::root::workspace_root()?,
    };
    let report = check(&root)?;
    for violation in &report.violations {
        println!("{violation}");
    }
    println!("{report}");
    Ok(if report.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Checks the workspace at `root`.
pub fn check(root: &Path) -> Result<Report> {
    anyhow::ensure!(root.is_dir(), "{} is not a directory", root.display());
    let mut checker = Checker {
        root: root.to_path_buf(),
        report: Report::default(),
    };
    let venues = root.join("venues");
    if venues.is_dir() {
        for dir in sorted_entries(&venues)? {
            if dir.is_dir() && dir.join("Cargo.toml").is_file() {
                checker.report.venue_crates += 1;
                checker.venue_crate(&dir)?;
            }
        }
    }
    for krate in workspace_crates(root)? {
        let rel = checker.rel(&krate);
        let allowed = PLATFORM_CODE_ALLOWED
            .iter()
            .any(|a| rel == *a || rel.starts_with(&format!("{a}/")));
        if !allowed {
            checker.neutral_crate(&krate)?;
        }
    }
    let mut violations = std::mem::take(&mut checker.report.violations);
    violations.sort();
    violations.dedup_by(|a, b| a.path == b.path && a.line == b.line && a.rule == b.rule);
    checker.report.violations = violations;
    Ok(checker.report)
}

struct Checker {
    root: PathBuf,
    report: Report,
}

impl Checker {
    fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn read(&mut self, path: &Path) -> Result<String> {
        self.report.files_checked += 1;
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    }

    fn push(&mut self, path: &str, line: usize, rule: &'static str, message: String) {
        self.report.violations.push(Violation {
            path: path.to_owned(),
            line,
            rule,
            message,
        });
    }

    /// All venue rules for the crate in `dir`.
    fn venue_crate(&mut self, dir: &Path) -> Result<()> {
        let manifest_path = dir.join("Cargo.toml");
        let manifest_rel = self.rel(&manifest_path);
        let text = self.read(&manifest_path)?;
        let manifest = manifest::scan(&text);
        for table in &manifest.target_tables {
            if let Some(what) = platform_target_selector(&table.selector) {
                self.push(
                    &manifest_rel,
                    table.line,
                    rule::PLATFORM_CFG,
                    format!("target table mentions {what}: platform-specific dependencies belong in tradewire-websockets"),
                );
            }
        }
        for dep in &manifest.dependencies {
            let name = dep.package.replace('_', "-");
            if PLATFORM_CRATES.iter().any(|c| c.replace('_', "-") == name) {
                self.push(
                    &manifest_rel,
                    dep.line,
                    rule::PLATFORM_DEPENDENCY,
                    format!(
                        "depends on `{}` in [{}]: use tradewire-websockets instead",
                        dep.package, dep.table
                    ),
                );
            }
        }

        let src = dir.join("src");
        let mut method_files = Vec::new();
        let mut test_module_files = BTreeSet::new();
        for file in rust_files(dir, false)? {
            let rel = self.rel(&file);
            let text = self.read(&file)?;
            let tokens = tokenize(&text);
            for (line, what) in platform_cfgs(&tokens) {
                self.push(
                    &rel,
                    line,
                    rule::PLATFORM_CFG,
                    format!("cfg mentions {what}: platform code belongs in tradewire-websockets"),
                );
            }
            for (line, message) in platform_imports(&tokens) {
                self.push(&rel, line, rule::PLATFORM_IMPORT, message);
            }
            let in_src = file.strip_prefix(&src).ok();
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let area = in_src
                .and_then(|p| p.components().next())
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            let in_method_area = matches!(area.as_deref(), Some("public" | "private"))
                && in_src.is_some_and(|p| p.components().count() > 1);
            if in_src.is_some() && name == "client.rs" {
                for (line, message) in message_building(&tokens) {
                    self.push(&rel, line, rule::CLIENT_BUILDS_MESSAGE, message);
                }
                if area.as_deref() == Some("public") {
                    for (line, message) in credential_mentions(&tokens) {
                        self.push(&rel, line, rule::PUBLIC_CLIENT_CREDENTIALS, message);
                    }
                }
            } else if in_method_area && name != "mod.rs" {
                for module in test_modules(&tokens) {
                    if let TestModuleBody::OutOfLine(path) = module.body {
                        test_module_files.insert(normalize(&resolve_module_file(
                            &file,
                            &module.name,
                            path.as_deref(),
                        )));
                    }
                }
                method_files.push((file, tokens));
            }
        }
        for (file, tokens) in method_files {
            if test_module_files.contains(&normalize(&file))
                || is_module_root(&file, &test_module_files)?
            {
                continue;
            }
            self.method_file(&file, &tokens)?;
        }
        Ok(())
    }

    /// Rule `method-tests` for one method file.
    fn method_file(&mut self, file: &Path, tokens: &[Token]) -> Result<()> {
        let rel = self.rel(file);
        let modules = test_modules(tokens);
        if modules.is_empty() {
            self.push(
                &rel,
                1,
                rule::METHOD_TESTS,
                "method file has no #[cfg(test)] module: add unit tests (serialization, the venue's documented example, errors)".to_owned(),
            );
            return Ok(());
        }
        let mut tests = 0;
        for module in &modules {
            tests += match &module.body {
                TestModuleBody::Inline(range) => count_test_attrs(&tokens[range.clone()]),
                TestModuleBody::OutOfLine(path) => {
                    let target = resolve_module_file(file, &module.name, path.as_deref());
                    if target.is_file() {
                        let text = self.read(&target)?;
                        count_test_attrs(&tokenize(&text))
                    } else {
                        let shown = self.rel(&target);
                        self.push(
                            &rel,
                            module.line,
                            rule::METHOD_TESTS,
                            format!("test module `{}` not found at {shown}", module.name),
                        );
                        continue;
                    }
                }
            };
        }
        if tests == 0 {
            let line = modules.first().map_or(1, |m| m.line);
            self.push(
                &rel,
                line,
                rule::METHOD_TESTS,
                "#[cfg(test)] module has no #[test] / #[tokio::test] function".to_owned(),
            );
        }
        Ok(())
    }

    /// Rule `workspace-platform-cfg` for a crate outside the allow-list.
    fn neutral_crate(&mut self, dir: &Path) -> Result<()> {
        let manifest_path = dir.join("Cargo.toml");
        let manifest_rel = self.rel(&manifest_path);
        let text = self.read(&manifest_path)?;
        for table in manifest::scan(&text).target_tables {
            if let Some(what) = platform_target_selector(&table.selector) {
                self.push(
                    &manifest_rel,
                    table.line,
                    rule::WORKSPACE_PLATFORM_CFG,
                    format!("target table mentions {what}: only the crates in PLATFORM_CODE_ALLOWED may be platform-specific"),
                );
            }
        }
        for file in rust_files(dir, true)? {
            let rel = self.rel(&file);
            let text = self.read(&file)?;
            for (line, what) in platform_cfgs(&tokenize(&text)) {
                self.push(
                    &rel,
                    line,
                    rule::WORKSPACE_PLATFORM_CFG,
                    format!("cfg mentions {what}: only the crates in PLATFORM_CODE_ALLOWED (xtask/src/compliance.rs) may contain platform code"),
                );
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Files

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("listing {}", dir.display()))?;
    entries.sort();
    Ok(entries)
}

fn skipped_dir(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with('.') || SKIP_DIRS.contains(&name.as_str())
}

/// Every `.rs` file under `dir`, sorted; with `own_only`, nested crates (subdirectories with
/// their own `Cargo.toml`) are left out.
fn rust_files(dir: &Path, own_only: bool) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for path in sorted_entries(&current)? {
            if path.is_dir() {
                let nested_crate = own_only && path.join("Cargo.toml").is_file();
                if !skipped_dir(&path) && !nested_crate {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Every package directory under `root` (a `Cargo.toml` with `[package]`), except `venues/`,
/// which has its own rules.
fn workspace_crates(root: &Path) -> Result<Vec<PathBuf>> {
    let mut crates = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(current) = stack.pop() {
        let manifest = current.join("Cargo.toml");
        if manifest.is_file() {
            let text = std::fs::read_to_string(&manifest)
                .with_context(|| format!("reading {}", manifest.display()))?;
            if text.lines().any(|l| l.trim() == "[package]") {
                crates.push(current.clone());
            }
        }
        for path in sorted_entries(&current)? {
            if path.is_dir() && !skipped_dir(&path) && path != root.join("venues") {
                stack.push(path);
            }
        }
    }
    crates.sort();
    Ok(crates)
}

/// Is `file` (`a/websocket.rs`) the root of a module directory (`a/websocket/*.rs`), like a
/// `mod.rs`? A directory holding only `file`'s own test modules does not count.
fn is_module_root(file: &Path, test_module_files: &BTreeSet<PathBuf>) -> Result<bool> {
    let (Some(dir), Some(stem)) = (file.parent(), file.file_stem()) else {
        return Ok(false);
    };
    let children = dir.join(stem);
    if !children.is_dir() {
        return Ok(false);
    }
    Ok(rust_files(&children, true)?
        .iter()
        .any(|child| !test_module_files.contains(&normalize(child))))
}

/// Removes `.` and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where `mod name;` declared in `file` (not a `mod.rs`) lives.
fn resolve_module_file(file: &Path, name: &str, path_attr: Option<&str>) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new(""));
    if let Some(path) = path_attr {
        return dir.join(path);
    }
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let flat = dir.join(&stem).join(format!("{name}.rs"));
    if flat.is_file() {
        flat
    } else {
        dir.join(&stem).join(name).join("mod.rs")
    }
}

// ---------------------------------------------------------------------------------------------
// Token helpers

/// Index of the bracket closing the one at `open`, counting all bracket kinds.
fn matching(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn punct_at(tokens: &[Token], i: usize, c: char) -> bool {
    tokens.get(i).is_some_and(|t| t.is_punct(c))
}

fn ident_at(tokens: &[Token], i: usize, name: &str) -> bool {
    tokens.get(i).is_some_and(|t| t.is_ident(name))
}

fn path_sep_at(tokens: &[Token], i: usize) -> bool {
    punct_at(tokens, i, ':') && punct_at(tokens, i + 1, ':')
}

/// The platform predicate a cfg's argument tokens mention, if any.
fn platform_predicate(group: &[Token]) -> Option<String> {
    for (i, t) in group.iter().enumerate() {
        if t.kind != Kind::Ident {
            continue;
        }
        let value = || {
            group
                .get(i + 2)
                .filter(|v| punct_at(group, i + 1, '=') && v.kind == Kind::Str)
                .map(|v| v.text.as_str())
        };
        match t.text.as_str() {
            "target_arch" => return Some("target_arch".to_owned()),
            "target_family" if value() == Some("wasm") => {
                return Some("target_family = \"wasm\"".to_owned());
            }
            "target_os" if value() == Some("unknown") => {
                return Some("target_os = \"unknown\"".to_owned());
            }
            _ => {}
        }
    }
    None
}

/// `(line, predicate)` for every `cfg(…)`, `cfg_attr(…)` and `cfg!(…)` with a platform predicate.
fn platform_cfgs(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !(t.is_ident("cfg") || t.is_ident("cfg_attr")) {
            continue;
        }
        // not a method call or a definition named `cfg`
        if i > 0 && (punct_at(tokens, i - 1, '.') || ident_at(tokens, i - 1, "fn")) {
            continue;
        }
        let open = if punct_at(tokens, i + 1, '!') {
            i + 2
        } else {
            i + 1
        };
        if !punct_at(tokens, open, '(') {
            continue;
        }
        let close = matching(tokens, open).unwrap_or(tokens.len());
        if let Some(what) = platform_predicate(&tokens[open + 1..close.min(tokens.len())]) {
            found.push((t.line, what));
        }
    }
    found
}

/// Is a Cargo `[target.<selector>]` platform-specific in the sense of [`platform_predicate`]
/// (or a wasm target triple)?
fn platform_target_selector(selector: &str) -> Option<String> {
    let tokens = tokenize(selector);
    if tokens.first().is_some_and(|t| t.is_ident("cfg")) {
        platform_cfgs(&tokens)
            .into_iter()
            .next()
            .map(|(_, what)| what)
    } else if selector.contains("wasm") {
        Some(format!("target `{selector}`"))
    } else {
        None
    }
}

/// One path segment with its line.
#[derive(Debug, Clone)]
struct Segment<'a> {
    name: &'a str,
    line: usize,
}

/// Expands the use tree starting at `*i` into full paths (`a::{b, c::d}` → `a::b`, `a::c::d`).
fn use_tree<'a>(
    tokens: &'a [Token],
    i: &mut usize,
    prefix: &[Segment<'a>],
    out: &mut Vec<Vec<Segment<'a>>>,
) {
    let mut path = prefix.to_vec();
    if path_sep_at(tokens, *i) {
        *i += 2;
    }
    loop {
        match tokens.get(*i) {
            Some(t) if t.kind == Kind::Ident && t.text != "as" => {
                path.push(Segment {
                    name: &t.text,
                    line: t.line,
                });
                *i += 1;
                if path_sep_at(tokens, *i) {
                    *i += 2;
                    continue;
                }
                if ident_at(tokens, *i, "as") {
                    *i += 2;
                }
                out.push(path);
                return;
            }
            Some(t) if t.is_punct('*') => {
                *i += 1;
                out.push(path);
                return;
            }
            Some(t) if t.is_punct('{') => {
                *i += 1;
                loop {
                    match tokens.get(*i) {
                        None => return,
                        Some(t) if t.is_punct('}') => {
                            *i += 1;
                            return;
                        }
                        Some(t) if t.is_punct(';') => return,
                        Some(t) if t.is_punct(',') => *i += 1,
                        Some(_) => {
                            let before = *i;
                            use_tree(tokens, i, &path, out);
                            if *i == before {
                                *i += 1;
                            }
                        }
                    }
                }
            }
            _ => {
                out.push(path);
                return;
            }
        }
    }
}

/// Every path in the source: `(path, from a use/extern crate)`. Use declarations are expanded;
/// elsewhere a path is a maximal `a::b::c` chain.
fn paths(tokens: &[Token]) -> Vec<(Vec<Segment<'_>>, bool)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.is_ident("use") {
            i += 1;
            let mut trees = Vec::new();
            use_tree(tokens, &mut i, &[], &mut trees);
            out.extend(trees.into_iter().map(|p| (p, true)));
            while i < tokens.len() && !tokens[i].is_punct(';') {
                i += 1;
            }
        } else if t.is_ident("extern") && ident_at(tokens, i + 1, "crate") {
            if let Some(name) = tokens.get(i + 2).filter(|n| n.kind == Kind::Ident) {
                out.push((
                    vec![Segment {
                        name: &name.text,
                        line: name.line,
                    }],
                    true,
                ));
            }
            i += 3;
        } else if t.kind == Kind::Ident || path_sep_at(tokens, i) {
            let mut path = Vec::new();
            if path_sep_at(tokens, i) {
                i += 2;
            }
            while let Some(seg) = tokens.get(i).filter(|s| s.kind == Kind::Ident) {
                path.push(Segment {
                    name: &seg.text,
                    line: seg.line,
                });
                i += 1;
                if path_sep_at(tokens, i)
                    && tokens.get(i + 2).is_some_and(|n| n.kind == Kind::Ident)
                {
                    i += 2;
                } else {
                    break;
                }
            }
            if path.is_empty() {
                i += 1;
            } else {
                out.push((path, false));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Rule `platform-import`: `(line, message)` for paths through platform crates.
fn platform_imports(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (path, declared) in paths(tokens) {
        if !declared && path.len() < 2 {
            continue;
        }
        let hit = path.iter().enumerate().find_map(|(k, seg)| {
            if PLATFORM_CRATES.contains(&seg.name) {
                Some((seg.line, format!("uses `{}`: venue code reaches sockets only through tradewire-websockets", seg.name)))
            } else if seg.name == "tokio" && path.get(k + 1).is_some_and(|n| n.name == "net") {
                let line = path.get(k + 1).map_or(seg.line, |n| n.line);
                Some((line, "uses `tokio::net`: venue code reaches sockets only through tradewire-websockets".to_owned()))
            } else {
                None
            }
        });
        found.extend(hit);
    }
    found
}

/// Where a `#[cfg(test)]` module's code is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TestModuleBody {
    /// Token range of `mod tests { … }`'s body.
    Inline(Range<usize>),
    /// `mod tests;`, with the `#[path]` attribute if any.
    OutOfLine(Option<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TestModule {
    name: String,
    line: usize,
    body: TestModuleBody,
}

/// The attribute starting at `i` (`#[…]`, not `#![…]`): its inner token range and the index
/// after its `]`.
fn attribute_at(tokens: &[Token], i: usize) -> Option<(Range<usize>, usize)> {
    if !(punct_at(tokens, i, '#') && punct_at(tokens, i + 1, '[')) {
        return None;
    }
    let close = matching(tokens, i + 1)?;
    Some((i + 2..close, close + 1))
}

/// Every `#[cfg(test)] mod name { … }` / `mod name;` (other attributes and `pub` allowed).
fn test_modules(tokens: &[Token]) -> Vec<TestModule> {
    let mut modules = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((inner, after)) = attribute_at(tokens, i) else {
            i += 1;
            continue;
        };
        let attr = &tokens[inner];
        let is_cfg_test = attr.first().is_some_and(|t| t.is_ident("cfg"))
            && attr.iter().any(|t| t.is_ident("test"))
            && !attr.iter().any(|t| t.is_ident("not"));
        if !is_cfg_test {
            i = after;
            continue;
        }
        let line = tokens[i].line;
        let mut j = after;
        let mut path_attr = None;
        while let Some((inner, next)) = attribute_at(tokens, j) {
            let attr = &tokens[inner];
            if attr.first().is_some_and(|t| t.is_ident("path")) && punct_at(attr, 1, '=') {
                path_attr = attr
                    .get(2)
                    .filter(|t| t.kind == Kind::Str)
                    .map(|t| t.text.clone());
            }
            j = next;
        }
        if ident_at(tokens, j, "pub") {
            j += 1;
            if punct_at(tokens, j, '(') {
                j = matching(tokens, j).map_or(tokens.len(), |c| c + 1);
            }
        }
        if ident_at(tokens, j, "mod") {
            if let Some(name) = tokens.get(j + 1).filter(|t| t.kind == Kind::Ident) {
                let body = if punct_at(tokens, j + 2, '{') {
                    let close = matching(tokens, j + 2).unwrap_or(tokens.len());
                    Some(TestModuleBody::Inline(j + 3..close))
                } else if punct_at(tokens, j + 2, ';') {
                    Some(TestModuleBody::OutOfLine(path_attr))
                } else {
                    None
                };
                if let Some(body) = body {
                    modules.push(TestModule {
                        name: name.text.clone(),
                        line,
                        body,
                    });
                }
            }
        }
        i = after;
    }
    modules
}

/// Number of attributes whose path ends in `test` (`#[test]`, `#[tokio::test(…)]`,
/// `#[wasm_bindgen_test]`, …).
fn count_test_attrs(tokens: &[Token]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < tokens.len() {
        match attribute_at(tokens, i) {
            Some((inner, after)) => {
                let last = tokens[inner]
                    .iter()
                    .take_while(|t| t.kind == Kind::Ident || t.is_punct(':'))
                    .filter(|t| t.kind == Kind::Ident)
                    .last();
                if last.is_some_and(|t| t.text.ends_with("test")) {
                    count += 1;
                }
                i = after;
            }
            None => i += 1,
        }
    }
    count
}

/// Token indices inside `#[cfg(test)]` inline modules.
fn test_ranges(tokens: &[Token]) -> Vec<Range<usize>> {
    test_modules(tokens)
        .into_iter()
        .filter_map(|m| match m.body {
            TestModuleBody::Inline(range) => Some(range),
            TestModuleBody::OutOfLine(_) => None,
        })
        .collect()
}

/// Keywords after which `Name {` is a definition, a type or a pattern, not a struct literal.
const NOT_LITERAL_AFTER: &[&str] = &[
    "struct", "enum", "union", "impl", "for", "trait", "type", "let", "dyn", "mod", "fn", "where",
    "if", "while", "match", "in", "as",
];

/// Rule `client-builds-message`, outside `#[cfg(test)]` modules.
fn message_building(tokens: &[Token]) -> Vec<(usize, String)> {
    let tests = test_ranges(tokens);
    let in_tests = |i: usize| tests.iter().any(|r| r.contains(&i));
    let mut found = Vec::new();

    for (path, _) in paths(tokens) {
        if path
            .windows(2)
            .any(|w| w[0].name == "serde_json" && w[1].name == "json")
        {
            let line = path.last().map_or(1, |s| s.line);
            found.push((
                line,
                "uses `serde_json::json`: build messages in the method file".to_owned(),
            ));
        }
    }
    // `paths` does not know about test modules: drop hits whose line is inside one.
    let test_lines: Vec<Range<usize>> = tests
        .iter()
        .filter_map(|r| {
            let first = tokens.get(r.start)?.line;
            let last = tokens.get(r.end.saturating_sub(1))?.line;
            Some(first..last + 1)
        })
        .collect();
    found.retain(|(line, _)| !test_lines.iter().any(|r| r.contains(line)));

    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Ident || in_tests(i) {
            continue;
        }
        let is_macro = punct_at(tokens, i + 1, '!');
        if t.text == "json" && is_macro {
            found.push((
                t.line,
                "uses `json!`: build messages in the method file".to_owned(),
            ));
        } else if is_macro
            && matches!(
                t.text.as_str(),
                "format" | "format_args" | "write" | "writeln"
            )
            && ["(", "[", "{"].iter().any(|b| {
                tokens
                    .get(i + 2)
                    .is_some_and(|o| o.kind == Kind::Punct && o.text == *b)
            })
        {
            let close = matching(tokens, i + 2).unwrap_or(tokens.len());
            let template = tokens
                .get(i + 3..close)
                .and_then(|args| args.iter().find(|a| a.kind == Kind::Str));
            if template.is_some_and(|s| {
                let s = s.text.trim_start();
                s.starts_with("{{") || s.starts_with("[{{")
            }) {
                found.push((
                    t.line,
                    format!(
                        "builds JSON by hand with `{}!`: build messages in the method file",
                        t.text
                    ),
                ));
            }
        } else if (t.text.ends_with("Request") || t.text.ends_with("Params"))
            && punct_at(tokens, i + 1, '{')
            && is_struct_literal(tokens, i)
        {
            found.push((
                t.line,
                format!(
                    "builds `{} {{ … }}`: construct requests in the method file",
                    t.text
                ),
            ));
        }
    }
    found
}

/// `tokens[i]` is `Name` followed by `{`: is this a struct literal (not a definition, an impl,
/// a return type or a pattern)?
fn is_struct_literal(tokens: &[Token], i: usize) -> bool {
    // walk back over `a::b::` to the start of the path
    let mut start = i;
    while start >= 2 && path_sep_at(tokens, start - 2) {
        start -= 2;
        if start >= 1 && tokens[start - 1].kind == Kind::Ident {
            start -= 1;
        } else {
            break;
        }
    }
    if let Some(prev) = start.checked_sub(1).and_then(|p| tokens.get(p)) {
        if prev.kind == Kind::Ident && NOT_LITERAL_AFTER.contains(&prev.text.as_str()) {
            return false;
        }
        // `-> Name {`
        if prev.is_punct('>') && start >= 2 && punct_at(tokens, start - 2, '-') {
            return false;
        }
    }
    let Some(close) = matching(tokens, i + 1) else {
        return true;
    };
    // `Name { a, .. }` pattern, or `Name { a } =>`
    let rest_pattern =
        close >= 2 && punct_at(tokens, close - 1, '.') && punct_at(tokens, close - 2, '.');
    let match_arm = punct_at(tokens, close + 1, '=') && punct_at(tokens, close + 2, '>');
    !(rest_pattern || match_arm)
}

/// Rule `public-client-credentials`.
fn credential_mentions(tokens: &[Token]) -> Vec<(usize, String)> {
    // token ranges of fn parameter lists
    let mut params: Vec<Range<usize>> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.is_ident("fn") {
            if let Some(open) = tokens[i..]
                .iter()
                .position(|x| x.is_punct('('))
                .map(|p| p + i)
            {
                params.push(open..matching(tokens, open).unwrap_or(tokens.len()));
            }
        }
    }
    let mut found = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Ident {
            continue;
        }
        let folded = t.text.to_lowercase().replace('_', "");
        if CREDENTIAL_WORDS.iter().any(|w| folded.contains(w)) {
            let message = if params.iter().any(|r| r.contains(&i)) {
                format!(
                    "fn parameter mentions `{}`: public clients take no credentials",
                    t.text
                )
            } else {
                format!("mentions `{}`: public clients take no credentials", t.text)
            };
            found.push((t.line, message));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A throw-away directory tree under the system temp dir.
    struct Fixture {
        root: PathBuf,
    }

    impl Fixture {
        fn new(name: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let root = std::env::temp_dir().join(format!(
                "xtask-compliance-{name}-{}-{n}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(&root).unwrap();
            Fixture { root }
        }

        fn file(&self, rel: &str, contents: &str) -> &Self {
            let path = self.root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
            self
        }

        fn check(&self) -> Report {
            check(&self.root).unwrap()
        }

        fn hits(&self) -> Vec<(String, usize, &'static str)> {
            self.check()
                .violations
                .into_iter()
                .map(|v| (v.path, v.line, v.rule))
                .collect()
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    const VENUE_TOML: &str = "[package]\nname = \"tradewire-demo\"\n\n[dependencies]\ntradewire-websockets.workspace = true\nserde.workspace = true\n";

    const METHOD_OK: &str = r#"//! subscribe
pub struct SubscribeRequest { pub channel: String }

#[cfg(test)]
mod tests {
    #[test]
    fn serializes() {}
}
"#;

    fn venue(f: &Fixture) -> &Fixture {
        f.file("Cargo.toml", "[workspace]\nmembers = [\"venues/*\"]\n")
            .file("venues/demo/Cargo.toml", VENUE_TOML)
            .file("venues/demo/src/lib.rs", "pub mod public;\n")
            .file("venues/demo/src/public/websocket/subscribe.rs", METHOD_OK)
    }

    #[test]
    fn no_venues_is_fine() {
        let f = Fixture::new("empty");
        f.file("Cargo.toml", "[workspace]\n");
        let report = f.check();
        assert_eq!((report.venue_crates, report.violations.len()), (0, 0));
        assert_eq!(
            report.to_string(),
            "compliance: 0 venue crates, 0 files checked, 0 violations"
        );
        f.file("venues/README.md", "nothing yet");
        assert_eq!(f.check().venue_crates, 0);
    }

    #[test]
    fn clean_venue_passes_despite_comments_and_strings() {
        let f = Fixture::new("clean");
        venue(&f).file(
            "venues/demo/src/public/websocket/client.rs",
            r####"//! Public client. Never `#[cfg(target_arch = "wasm32")]`, never json!(..), no ApiKey.
use tradewire_websockets::WebSocketClientBuilder; // not tokio_tungstenite::connect
/* use web_sys::WebSocket; cfg!(target_arch = "wasm32") /* nested secret */ */
/// Doc: `SubscribeRequest { channel }` is built in subscribe.rs; api_key is never taken.
pub struct PublicClient { url: &'static str }
impl PublicClient {
    pub fn new() -> Self {
        let _s = "json!({\"a\": 1}) tokio::net::TcpStream secret";
        let _r = r#"format!("{{") SubscribeRequest { }"#;
        let _q = '"'; let _e = '\''; let _b = b'"';
        let _t = "after the quote char: Credentials";
        Self { url: "wss://x" }
    }
    fn request(&self) -> subscribe::SubscribeRequest { todo!() }
    fn make(&self) -> SubscribeRequest {
        let SubscribeRequest { channel, .. } = self.other();
        match x { SubscribeParams { a } => a }
        format!("{}", 1)
    }
}
impl From<u8> for SubscribeParams {}
struct LocalParams {}
#[cfg(test)]
mod tests {
    use serde_json::json;
    #[test]
    fn t() { let _ = json!({"a": 1}); }
}
"####,
        );
        let report = f.check();
        assert_eq!(report.violations, vec![], "{report}");
        assert_eq!(report.venue_crates, 1);
        assert_eq!(report.files_checked, 4);
    }

    #[test]
    fn platform_cfg_fires_with_lines() {
        let f = Fixture::new("cfg");
        venue(&f).file(
            "venues/demo/src/lib.rs",
            "pub mod public;\n#[cfg(target_arch = \"wasm32\")]\nfn a() {}\n#[cfg_attr(not(target_arch = \"wasm32\"), derive(Debug))]\nstruct B;\nfn c() -> bool { cfg!(target_family = \"wasm\") }\n#[cfg(all(unix, target_os = \"unknown\"))]\nfn d() {}\n#[cfg(target_os = \"linux\")]\nfn e() {}\n#[cfg(test)]\nmod tests {}\n",
        )
        .file(
            "venues/demo/Cargo.toml",
            &format!("{VENUE_TOML}\n[target.'cfg(not(target_arch = \"wasm32\"))'.dependencies]\nfutures.workspace = true\n"),
        );
        assert_eq!(
            f.hits(),
            vec![
                ("venues/demo/Cargo.toml".into(), 8, rule::PLATFORM_CFG),
                ("venues/demo/src/lib.rs".into(), 2, rule::PLATFORM_CFG),
                ("venues/demo/src/lib.rs".into(), 4, rule::PLATFORM_CFG),
                ("venues/demo/src/lib.rs".into(), 6, rule::PLATFORM_CFG),
                ("venues/demo/src/lib.rs".into(), 7, rule::PLATFORM_CFG),
            ]
        );
    }

    #[test]
    fn platform_imports_and_dependencies_fire() {
        let f = Fixture::new("imports");
        venue(&f)
            .file(
                "venues/demo/src/lib.rs",
                "pub mod public;\nuse tokio_tungstenite::connect_async;\nuse tokio::{\n    sync::mpsc,\n    net::TcpStream,\n};\nfn f() { let _ = web_sys::WebSocket::new(\"x\"); }\nextern crate gloo_net;\nuse ::tungstenite as ws;\nfn g(tungstenite: u8) -> u8 { tungstenite }\nuse tokio::sync::Mutex;\n",
            )
            .file(
                "venues/demo/Cargo.toml",
                &format!("{VENUE_TOML}tokio-tungstenite.workspace = true\nsocket = {{ package = \"web-sys\", version = \"0.3\" }}\n\n[dev-dependencies]\ngloo-net = \"0.6\"\n"),
            );
        let hits = f.hits();
        assert_eq!(
            hits,
            vec![
                (
                    "venues/demo/Cargo.toml".into(),
                    7,
                    rule::PLATFORM_DEPENDENCY
                ),
                (
                    "venues/demo/Cargo.toml".into(),
                    8,
                    rule::PLATFORM_DEPENDENCY
                ),
                (
                    "venues/demo/Cargo.toml".into(),
                    11,
                    rule::PLATFORM_DEPENDENCY
                ),
                ("venues/demo/src/lib.rs".into(), 2, rule::PLATFORM_IMPORT),
                ("venues/demo/src/lib.rs".into(), 5, rule::PLATFORM_IMPORT),
                ("venues/demo/src/lib.rs".into(), 7, rule::PLATFORM_IMPORT),
                ("venues/demo/src/lib.rs".into(), 8, rule::PLATFORM_IMPORT),
                ("venues/demo/src/lib.rs".into(), 9, rule::PLATFORM_IMPORT),
            ]
        );
    }

    #[test]
    fn method_files_need_tests() {
        let f = Fixture::new("methods");
        venue(&f)
            .file("venues/demo/src/public/mod.rs", "pub mod websocket;\n")
            .file("venues/demo/src/public/websocket/mod.rs", "pub mod subscribe;\n")
            .file("venues/demo/src/private/rest/client.rs", "pub struct C;\n")
            .file("venues/demo/src/private/rest/buy.rs", "//! buy\n// #[cfg(test)] mod tests { #[test] fn t() {} }\npub fn buy() {}\n")
            .file(
                "venues/demo/src/private/rest/sell.rs",
                "pub fn sell() {}\n\n#[cfg(test)]\nmod tests {\n    fn helper() {}\n    // #[test]\n}\n",
            )
            .file(
                "venues/demo/src/private/websocket/edit.rs",
                "#[cfg(test)]\n#[allow(clippy::unwrap_used)]\npub(crate) mod tests {\n    #[tokio::test(flavor = \"current_thread\")]\n    async fn t() {}\n}\n",
            )
            .file("venues/demo/src/private/websocket/cancel.rs", "#[cfg(test)]\nmod tests;\n")
            .file("venues/demo/src/private/websocket/cancel/tests.rs", "#[test]\nfn t() {}\n")
            .file("venues/demo/src/private/websocket/auth.rs", "#[cfg(test)]\n#[path = \"auth_tests.rs\"]\nmod tests;\n")
            .file("venues/demo/src/private/websocket/auth_tests.rs", "#[wasm_bindgen_test]\nfn t() {}\n")
            .file("venues/demo/src/private/websocket/gone.rs", "fn x() {}\n\n#[cfg(test)]\nmod tests;\n")
            .file("venues/demo/src/normalize.rs", "pub fn n() {}\n")
            // 2018-style module root: `private/websocket.rs` next to `private/websocket/`
            .file("venues/demo/src/private.rs", "pub mod websocket;\n")
            .file("venues/demo/src/private/websocket.rs", "pub mod edit;\n");
        assert_eq!(
            f.hits(),
            vec![
                (
                    "venues/demo/src/private/rest/buy.rs".into(),
                    1,
                    rule::METHOD_TESTS
                ),
                (
                    "venues/demo/src/private/rest/sell.rs".into(),
                    3,
                    rule::METHOD_TESTS
                ),
                (
                    "venues/demo/src/private/websocket/gone.rs".into(),
                    3,
                    rule::METHOD_TESTS
                ),
            ]
        );
    }

    #[test]
    fn client_building_messages_fires() {
        let f = Fixture::new("client");
        venue(&f).file(
            "venues/demo/src/private/websocket/client.rs",
            "use serde_json::{json, Value};\nfn a() -> Value { json!({\"op\": \"x\"}) }\nfn b() -> Req { let r = SubscribeRequest {\n channel: 1 };\n r }\nfn c() -> String { format!(\"{{\\\"op\\\":{}}}\", 1) }\nfn d() { send(crate::msg::AuthParams { key: k, ..Default::default() }) }\nfn e() -> String { format!(r#\"{{\"id\":{}}}\"#, 1) }\nfn f() { serde_json::json!(1); }\n",
        );
        assert_eq!(
            f.hits(),
            vec![
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    1,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    2,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    3,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    6,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    7,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    8,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
                (
                    "venues/demo/src/private/websocket/client.rs".into(),
                    9,
                    rule::CLIENT_BUILDS_MESSAGE
                ),
            ]
        );
    }

    #[test]
    fn public_client_credentials_fire() {
        let f = Fixture::new("creds");
        venue(&f)
            .file(
                "venues/demo/src/public/rest/client.rs",
                "use tradewire_core::Credentials;\npub struct C;\nimpl C {\n    pub fn new(\n        url: &str,\n        key: SecretString,\n    ) -> Self { Self }\n    fn set(&mut self, API_KEY: u8) {}\n    fn x(&self) { let _ = self.api_secret; }\n}\n",
            )
            // the same words in a private client are fine
            .file("venues/demo/src/private/rest/client.rs", "use tradewire_core::Credentials;\npub fn new(c: Credentials) {}\n");
        let report = f.check();
        let hits: Vec<_> = report
            .violations
            .iter()
            .map(|v| (v.line, v.rule, v.message.starts_with("fn parameter")))
            .collect();
        assert_eq!(
            hits,
            vec![
                (1, rule::PUBLIC_CLIENT_CREDENTIALS, false),
                (6, rule::PUBLIC_CLIENT_CREDENTIALS, true),
                (8, rule::PUBLIC_CLIENT_CREDENTIALS, true),
                (9, rule::PUBLIC_CLIENT_CREDENTIALS, false),
            ]
        );
        assert!(
            report
                .violations
                .iter()
                .all(|v| v.path == "venues/demo/src/public/rest/client.rs")
        );
    }

    #[test]
    fn workspace_platform_cfg_respects_allow_list() {
        let f = Fixture::new("workspace");
        let cfg = "// #[cfg(target_arch = \"wasm32\")] in a comment is fine\n#[cfg(target_arch = \"wasm32\")]\nfn f() {}\n";
        let target_toml =
            "[package]\nname = \"x\"\n\n[target.'cfg(target_arch = \"wasm32\")'.dependencies]\n";
        f.file("Cargo.toml", "[workspace]\n")
            .file("websockets/Cargo.toml", target_toml)
            .file("websockets/src/lib.rs", cfg)
            .file("rest/Cargo.toml", "[package]\n")
            .file("rest/src/lib.rs", cfg)
            .file("crates/mock/Cargo.toml", "[package]\n")
            .file("crates/mock/src/main.rs", cfg)
            .file("crates/models/Cargo.toml", target_toml)
            .file("crates/models/src/lib.rs", "pub mod x;\n")
            .file("crates/models/src/x.rs", cfg)
            .file("crates/models/target/debug/build/gen.rs", cfg)
            .file("crates/tradewire/Cargo.toml", "[package]\n")
            .file(
                "crates/tradewire/src/lib.rs",
                "#[cfg(feature = \"x\")]\nfn f() {}\n",
            );
        assert_eq!(
            f.hits(),
            vec![
                (
                    "crates/models/Cargo.toml".into(),
                    4,
                    rule::WORKSPACE_PLATFORM_CFG
                ),
                (
                    "crates/models/src/x.rs".into(),
                    2,
                    rule::WORKSPACE_PLATFORM_CFG
                ),
            ]
        );
    }

    #[test]
    fn violation_format() {
        let v = Violation {
            path: "a/b.rs".into(),
            line: 3,
            rule: rule::PLATFORM_CFG,
            message: "m".into(),
        };
        assert_eq!(v.to_string(), "a/b.rs:3: platform-cfg: m");
    }

    #[test]
    fn use_trees_expand() {
        let tokens = tokenize("use a::{b, c::{d, e as f}, self, *}; g::h(); ::i::j;");
        let got: Vec<String> = paths(&tokens)
            .into_iter()
            .map(|(p, declared)| {
                let joined = p.iter().map(|s| s.name).collect::<Vec<_>>().join("::");
                format!("{joined}{}", if declared { " (use)" } else { "" })
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "a::b (use)",
                "a::c::d (use)",
                "a::c::e (use)",
                "a::self (use)",
                "a (use)",
                "g::h",
                "i::j"
            ]
        );
    }

    #[test]
    fn runs_on_this_workspace() {
        // Whether the real tree passes is `cargo xtask compliance`'s job; here: it can be read.
        let root = crate::root::workspace_root().unwrap();
        assert!(check(&root).unwrap().files_checked > 0);
    }
}
