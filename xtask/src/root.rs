//! Finding the workspace root.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Does `dir` hold a `Cargo.toml` with a `[workspace]` table?
pub fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .map(|text| text.lines().any(|line| line.trim() == "[workspace]"))
        .unwrap_or(false)
}

/// The workspace root: the parent of this crate's manifest directory when that is a workspace
/// (the normal `cargo xtask` case), otherwise the nearest ancestor of the current directory whose
/// `Cargo.toml` has a `[workspace]` table.
pub fn workspace_root() -> Result<PathBuf> {
    if let Some(parent) = Path::new(env!("CARGO_MANIFEST_DIR")).parent() {
        if is_workspace_root(parent) {
            return Ok(parent.to_path_buf());
        }
    }
    let cwd = std::env::current_dir().context("reading the current directory")?;
    match cwd.ancestors().find(|dir| is_workspace_root(dir)) {
        Some(dir) => Ok(dir.to_path_buf()),
        None => bail!(
            "no Cargo.toml with [workspace] above {}; pass --root",
            cwd.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_this_workspace() {
        let root = workspace_root().unwrap();
        assert!(root.join("xtask").join("Cargo.toml").is_file());
        assert!(is_workspace_root(&root));
        assert!(!is_workspace_root(&root.join("xtask")));
    }
}
