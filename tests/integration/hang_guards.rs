//! Every process a test spawns has a hang guard. The helpers in `tests/common` give one (the
//! binary through `bin()` has assert_cmd's `.timeout()`, long-running children are `Guarded`:
//! killed at a deadline); this test reads the test sources and fails on a spawn that bypasses
//! them, so a hang can never block CI until its own time limit.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read tests/").flatten() {
        let p = e.path();
        if p.is_dir() {
            // The helpers themselves are where the guards live.
            if p.file_name().is_some_and(|n| n != "common") {
                sources(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The statement starting at byte `at` (up to the next `;`).
fn statement(text: &str, at: usize) -> &str {
    let end = text[at..].find(';').map_or(text.len(), |i| at + i);
    &text[at..end]
}

#[test]
fn every_spawned_process_has_a_timeout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(
        files.len() > 5,
        "no test sources found under {}",
        root.display()
    );
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        // (Spelt in pieces so this file does not match itself.)
        for (needle, why) in [
            (
                concat!(".spa", "wn()"),
                "spawn through Guarded::spawn (killed at a deadline)",
            ),
            (
                concat!(".sta", "tus()"),
                "std's status() waits forever: use bin() or tool()",
            ),
            (
                concat!("cargo", "_bin("),
                "run the binary through bin(), bin_path() + Guarded",
            ),
            (
                concat!(".wait_with", "_output()"),
                "waits forever: use Guarded::wait",
            ),
        ] {
            if code.contains(needle) {
                bad.push(format!("{name}: `{needle}`: {why}"));
            }
        }
        for (at, _) in code.match_indices(concat!("assert_cmd::Command", "::new(")) {
            if !statement(&code, at).contains(".timeout(") {
                bad.push(format!("{name}: assert_cmd::Command without .timeout()"));
            }
        }
        let std_cmds = code
            .matches(concat!("std::process::Command", "::new("))
            .count()
            + code.matches(concat!(" Command", "::new(")).count();
        if std_cmds > 0 && !code.contains(concat!("Guarded::", "spawn(")) {
            bad.push(format!(
                "{name}: a std Command that is never handed to Guarded::spawn"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "spawns without a hang guard:\n{}",
        bad.join("\n")
    );
}
