//! Line-based reading of `Cargo.toml` files: just enough TOML for the compliance checks (table
//! headers, dependency names, `package = "…"` renames), with comments and quoting respected.

/// One dependency declared in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The crate's package name (the `package = "…"` rename if there is one, else the key).
    pub package: String,
    /// The table it is declared in, e.g. `dev-dependencies` or `target.'cfg(…)'.dependencies`.
    pub table: String,
    /// 1-based line of the declaration.
    pub line: usize,
}

/// A `[target.…]` table header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetTable {
    /// The target selector between `target.` and the next dot, quotes removed, e.g.
    /// `cfg(target_arch = "wasm32")`.
    pub selector: String,
    /// 1-based line of the header.
    pub line: usize,
}

/// What [`scan`] found in a manifest.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Every dependency, in every dependency table.
    pub dependencies: Vec<Dependency>,
    /// Every `[target.…]` table header.
    pub target_tables: Vec<TargetTable>,
}

/// Removes a `#` comment, ignoring `#` inside quoted strings.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return &line[..i],
            None => {}
        }
    }
    line
}

/// Splits a dotted TOML key (`target.'cfg(a.b)'.dependencies`) into its parts, unquoted.
fn split_key(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in key.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '.' => parts.push(std::mem::take(&mut current).trim().to_owned()),
            None => current.push(c),
        }
    }
    parts.push(current.trim().to_owned());
    parts
}

fn is_dependency_table(name: &str) -> bool {
    matches!(
        name,
        "dependencies" | "dev-dependencies" | "build-dependencies"
    )
}

/// The key of a `key = value` line (before the first unquoted `=`), if any.
fn key_of(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => return Some(line[..i].trim()),
            None => {}
        }
    }
    None
}

/// The value of `package = "name"` inside `text` (an inline table or a key line), if any.
fn package_rename(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find("package") {
        let before_ok = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c == '{' || c == ',' || c.is_whitespace());
        let after = rest[i + "package".len()..].trim_start();
        if let Some(value) = after.strip_prefix('=').filter(|_| before_ok) {
            let value = value.trim_start();
            if let Some(quoted) = value.strip_prefix('"').or_else(|| value.strip_prefix('\'')) {
                return quoted.split(['"', '\'']).next().map(str::to_owned);
            }
        }
        rest = &rest[i + "package".len()..];
    }
    None
}

/// Reads the table headers and dependencies of a `Cargo.toml`.
pub fn scan(text: &str) -> Manifest {
    let mut manifest = Manifest::default();
    // The current table, split; and, for `[dependencies.foo]` tables, the dependency's index.
    let mut table: Vec<String> = Vec::new();
    let mut table_dependency: Option<usize> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = strip_comment(raw).trim();
        if line.starts_with('[') {
            let inner = line.trim_start_matches('[').trim_end_matches(']');
            table = split_key(inner);
            table_dependency = None;
            if table.first().is_some_and(|t| t == "target") && table.len() > 1 {
                manifest.target_tables.push(TargetTable {
                    selector: table[1].clone(),
                    line: line_no,
                });
            }
            // `[dependencies.foo]` / `[target.x.dev-dependencies.foo]`
            if table.len() >= 2 && is_dependency_table(&table[table.len() - 2]) {
                manifest.dependencies.push(Dependency {
                    package: table[table.len() - 1].clone(),
                    table: table[..table.len() - 1].join("."),
                    line: line_no,
                });
                table_dependency = Some(manifest.dependencies.len() - 1);
            }
            continue;
        }
        let Some(key) = key_of(line) else { continue };
        let key = split_key(key);
        if let Some(dep) = table_dependency {
            if key.len() == 1 && key[0] == "package" {
                if let (Some(name), Some(d)) =
                    (package_rename(line), manifest.dependencies.get_mut(dep))
                {
                    d.package = name;
                }
            }
            continue;
        }
        if !table.last().is_some_and(|t| is_dependency_table(t)) {
            continue;
        }
        if let Some(name) = key.first() {
            let package = package_rename(line).unwrap_or_else(|| name.clone());
            manifest.dependencies.push(Dependency {
                package,
                table: table.join("."),
                line: line_no,
            });
        }
    }
    manifest
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "tradewire-x" # package = "not-a-dep"

[dependencies]
serde.workspace = true
ws = { package = "tokio-tungstenite", version = "0.30" }
"quoted-name" = "1"
# web-sys = "0.3"
features = { version = "1", features = [
    "tokio-tungstenite",
] }

[dependencies.gloo-net]
version = "0.6"

[dependencies.renamed]
package = "web-sys"

[target.'cfg(target_arch = "wasm32")'.dev-dependencies]
tungstenite = "0.30"

[features]
default = ["web-sys"]
"#;

    #[test]
    fn finds_dependencies_and_renames() {
        let m = scan(MANIFEST);
        let deps: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| (d.package.as_str(), d.line))
            .collect();
        assert_eq!(
            deps,
            vec![
                ("serde", 6),
                ("tokio-tungstenite", 7),
                ("quoted-name", 8),
                ("features", 10),
                ("gloo-net", 14),
                ("web-sys", 17),
                ("tungstenite", 21),
            ]
        );
        assert_eq!(
            m.dependencies[6].table,
            "target.cfg(target_arch = \"wasm32\").dev-dependencies"
        );
    }

    #[test]
    fn finds_target_tables() {
        let m = scan(MANIFEST);
        assert_eq!(
            m.target_tables,
            vec![TargetTable {
                selector: "cfg(target_arch = \"wasm32\")".into(),
                line: 20
            }]
        );
    }

    #[test]
    fn comments_respect_quotes() {
        assert_eq!(strip_comment(r##"a = "#x" # c"##), r##"a = "#x" "##);
        assert_eq!(strip_comment("a = 'b#' #c"), "a = 'b#' ");
        assert_eq!(
            split_key("target.'cfg(a.b)'.dependencies"),
            vec!["target", "cfg(a.b)", "dependencies"]
        );
    }
}
