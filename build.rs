//! Names the commit the binary is built from, for `lambdatop --version`: a binary copied to a
//! bastion must say which source it is, and `0.1.0` alone does not.
//!
//! The commit comes from `LAMBDATOP_COMMIT` when it is set (a build from a source archive, which
//! has no git history), else from git, else the version says the commit is unknown.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=LAMBDATOP_COMMIT");
    let described = std::env::var("LAMBDATOP_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| format!("commit {}", c.trim()))
        .or_else(from_git)
        .unwrap_or_else(|| "commit unknown".to_owned());
    println!("cargo:rustc-env=LAMBDATOP_BUILD={described}");
}

/// What the binary is made of: a change anywhere else (a test, the README) does not make it
/// `-dirty`, and does not make cargo run this script again.
const SOURCES: [&str; 5] = ["src", "themes", "Cargo.toml", "Cargo.lock", "build.rs"];

/// `commit 8a35fdc1a2b3, 2026-12-01`, with `-dirty` when the sources differ from the commit.
fn from_git() -> Option<String> {
    let git_dir = PathBuf::from(git(&["rev-parse", "--absolute-git-dir"])?);
    // Rerun when the commit moves (HEAD, a branch, packed refs) or a source changes: a stale
    // name is worse than none.
    for watched in ["HEAD", "packed-refs", "refs/heads"] {
        let path = git_dir.join(watched);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    for watched in SOURCES {
        if Path::new(watched).exists() {
            println!("cargo:rerun-if-changed={watched}");
        }
    }
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    let date = git(&["log", "-1", "--format=%cs", "HEAD"])?;
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(SOURCES);
    let dirty = git(&status).is_some_and(|changes| !changes.is_empty());
    let dirty = if dirty { "-dirty" } else { "" };
    Some(format!("commit {commit}{dirty}, {date}"))
}

/// One git command's trimmed standard output, or None when git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
