//! Build facts for `spoolscope --version`: the commit (when built from a git checkout), the
//! target triple and the build profile. Nothing here may fail the build: without git (a source
//! tarball, a vendored copy) the commit is left out, or taken from SPOOLSCOPE_BUILD_COMMIT.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The profile's folder under target/ (`debug`, `release`, `profiling`, …): OUT_DIR is
/// `<target>/[<triple>/]<profile>/build/<pkg>-<hash>/out`. PROFILE alone only says debug or
/// release, also for custom profiles.
fn profile() -> String {
    let from_out_dir = std::env::var_os("OUT_DIR").and_then(|d| {
        Path::new(&d)
            .ancestors()
            .nth(3)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
    });
    from_out_dir
        .or_else(|| std::env::var("PROFILE").ok())
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SPOOLSCOPE_BUILD_COMMIT");
    let commit = match std::env::var("SPOOLSCOPE_BUILD_COMMIT") {
        Ok(c) if !c.trim().is_empty() => Some(c.trim().to_string()),
        _ => git(&["rev-parse", "--short=12", "HEAD"]),
    };
    // Rebuild when HEAD moves: HEAD itself, the branch it points at, and packed refs (a
    // worktree keeps HEAD in its own git dir and the refs in the common one).
    if commit.is_some() {
        if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
            println!(
                "cargo:rerun-if-changed={}",
                PathBuf::from(dir).join("HEAD").display()
            );
        }
        if let (Some(common), Some(head_ref)) = (
            git(&["rev-parse", "--git-common-dir"]),
            git(&["symbolic-ref", "-q", "HEAD"]),
        ) {
            let common = PathBuf::from(common);
            println!("cargo:rerun-if-changed={}", common.join(head_ref).display());
            println!(
                "cargo:rerun-if-changed={}",
                common.join("packed-refs").display()
            );
        }
    }
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown-target".into());
    let build = match commit {
        Some(c) => format!("commit {c}, {target}, {}", profile()),
        None => format!("{target}, {}, not built from git", profile()),
    };
    println!("cargo:rustc-env=SPOOLSCOPE_BUILD={build}");
}
