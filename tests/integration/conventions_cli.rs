//! End-to-end: what users of terminal tools expect — shell completions, a man page, a
//! `--version` that names the build, the XDG rules for the config file, Markdown that cannot
//! smuggle entity references, and `--debug-log` (written where asked, refused inside a
//! scanned folder, with notify's own messages while watching).

use crate::common::*;
use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;
use std::time::Duration;

const T: Duration = Duration::from_secs(60);

fn stdout_of(args: &[&str]) -> String {
    let out = bin().args(args).timeout(T).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completions_for_every_shell() {
    let ps = stdout_of(&["completions", "powershell"]);
    assert!(ps.contains("Register-ArgumentCompleter"), "{ps}");
    assert!(ps.contains("'spoolscope'"), "{ps}");
    assert!(ps.contains("--debug-log"), "flags are completed");
    assert!(ps.contains("'report'"), "subcommands are completed");
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("complete -F _spoolscope"), "{bash}");
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef spoolscope"), "{zsh}");
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c spoolscope"), "{fish}");
    let elvish = stdout_of(&["completions", "elvish"]);
    assert!(
        elvish.contains("edit:completion:arg-completer[spoolscope]"),
        "{elvish}"
    );
    let bad = bin()
        .args(["completions", "cmd.exe"])
        .timeout(T)
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn manpage_is_roff_with_every_subcommand() {
    let man = stdout_of(&["manpage"]);
    assert!(
        man.starts_with(".ie \\n(.g") || man.contains(".TH spoolscope"),
        "{man}"
    );
    assert!(man.contains(".TH spoolscope 1"), "{man}");
    assert!(man.contains(".SH NAME"), "{man}");
    for sub in [
        "report",
        "watch",
        "bundle",
        "fleet",
        "completions",
        "manpage",
    ] {
        assert!(man.contains(sub), "{sub} missing from the man page");
    }
}

/// `--version`: the version, the commit (when the source is a git checkout), the target
/// triple and the profile.
#[test]
fn version_names_commit_target_and_profile() {
    let v = stdout_of(&["--version"]);
    let line = v.trim();
    assert!(
        line.starts_with(&format!("spoolscope {} (", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    let head = StdCommand::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(c) => assert!(line.contains(&format!("(commit {c}, ")), "{line} vs {c}"),
        None => assert!(line.contains("not built from git"), "{line}"),
    }
    // The triple the tests were built for: its architecture and OS.
    assert!(line.contains(std::env::consts::ARCH), "{line}");
    assert!(line.contains(std::env::consts::OS), "{line}");
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    assert!(line.ends_with(&format!(", {profile})")), "{line}");
}

/// An empty or relative XDG_CONFIG_HOME is ignored: ~/.config is used, as the XDG spec says.
#[test]
fn an_empty_or_relative_xdg_config_home_is_ignored() {
    let t = tempfile::tempdir().expect("tmp");
    let home = t.path().join("home");
    let scan = t.path().join("scan");
    fs::create_dir_all(home.join(".config/spoolscope")).expect("mkdir");
    fs::create_dir_all(t.path().join("rel/spoolscope")).expect("mkdir");
    fs::create_dir_all(t.path().join("abs/spoolscope")).expect("mkdir");
    fs::create_dir_all(&scan).expect("mkdir");
    let place = |fixture: &str, at: &Path| {
        fs::copy(config_fixture(fixture), at.join("spoolscope/config.toml")).expect("copy");
    };
    place("format-json.toml", &home.join(".config"));
    place("format-markdown.toml", &t.path().join("rel"));
    place("format-markdown.toml", &t.path().join("abs"));
    let run = |xdg: &Path| {
        let out = bin()
            .arg("report")
            .arg(&scan)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", xdg)
            .current_dir(t.path())
            .timeout(T)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).is_ok();
    assert!(
        json(&run(Path::new(""))),
        "empty: ~/.config/spoolscope is read"
    );
    assert!(json(&run(Path::new("rel"))), "relative: ignored");
    let abs = run(&t.path().join("abs"));
    assert!(!json(&abs) && abs.starts_with('#'), "absolute: used\n{abs}");
}

/// A profile name that carries entity references reaches the Markdown report escaped, so a
/// ticket renderer shows it as text instead of turning it into a control character. (File
/// names sit in code spans, where a renderer reads no entity.)
#[test]
fn markdown_escapes_entity_references() {
    let t = tempfile::tempdir().expect("tmp");
    let sp = sip_dir(t.path(), "p&#27;[2J&amp;", "16.0", "u@contoso.com").join("History Spooler");
    put(
        &sp.join("{A}.xml"),
        create_item("a@contoso.com", "s", "IPM.Note").as_bytes(),
        3600,
    );
    let out = bin()
        .args(["report", "--format", "markdown", "--now", NOW])
        .arg(t.path())
        .timeout(T)
        .output()
        .expect("run");
    let md = String::from_utf8(out.stdout).expect("utf-8");
    assert!(md.contains("profile p\\&\\#27;\\[2J\\&amp;"), "{md}");
    let outside_code: String = md.split('`').step_by(2).collect();
    assert!(!outside_code.contains("p&#27;"), "{md}");
    assert!(
        outside_code
            .match_indices('&')
            .all(|(i, _)| outside_code[..i].ends_with('\\')),
        "every & outside code spans is escaped:\n{md}"
    );
}

fn stuck_tree(root: &Path) {
    let sp = sip_dir(root, "u", "16.0", "u@contoso.com").join("History Spooler");
    put(
        &sp.join("{A}.xml"),
        create_item("a@contoso.com", "s", "IPM.Note").as_bytes(),
        3600,
    );
}

/// Every debug-log line starts with an RFC 3339 UTC timestamp with milliseconds and a level.
fn assert_timestamped(log: &str) {
    assert!(!log.is_empty());
    for l in log.lines() {
        let b = l.as_bytes();
        assert!(
            b.len() > 30
                && b[4] == b'-'
                && b[10] == b'T'
                && b[19] == b'.'
                && b[23] == b'Z'
                && chrono::DateTime::parse_from_rfc3339(&l[..24]).is_ok(),
            "not timestamped: {l}"
        );
        let level = l[25..].split_whitespace().next().unwrap_or_default();
        assert!(
            ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level),
            "{l}"
        );
    }
}

#[test]
fn debug_log_is_written_where_asked_and_refused_inside_a_scanned_folder() {
    let t = tempfile::tempdir().expect("tmp");
    let root = t.path().join("case");
    stuck_tree(&root);
    let before = snapshot(&root);

    // Inside the scanned folder: refused before anything is scanned, nothing written there.
    let inside = root.join("Users").join("debug.log");
    let out = bin()
        .args(["report", "--now", NOW, "--debug-log"])
        .arg(&inside)
        .arg(&root)
        .timeout(T)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--debug-log") && err.contains("never writes there"),
        "{err}"
    );
    assert!(!inside.exists());
    assert_eq!(snapshot(&root), before, "the scanned tree is untouched");

    // Elsewhere: written, appended to on the next run.
    let log_path = t.path().join("support").join("debug.log");
    fs::create_dir_all(log_path.parent().expect("parent")).expect("mkdir");
    for _ in 0..2 {
        let out = bin()
            .args(["report", "--now", NOW, "--format", "json", "--debug-log"])
            .arg(&log_path)
            .arg(&root)
            .timeout(T)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "the stuck item still counts");
    }
    let log = fs::read_to_string(&log_path).expect("debug log");
    assert_timestamped(&log);
    assert_eq!(
        log.matches(" started: ").count(),
        2,
        "appended, one run each: {log}"
    );
    assert!(log.contains("scan root: "), "{log}");
    assert!(log.contains("account u@contoso.com"), "{log}");
    assert!(log.contains("{A}.xml: read as Xml"), "{log}");
    assert!(log.contains("scan: 1 of 1 roots readable"), "{log}");
    assert_eq!(snapshot(&root), before);

    // Off by default: no file appears anywhere we can see.
    let out = bin()
        .args(["report", "--now", NOW])
        .arg(&root)
        .current_dir(t.path())
        .timeout(T)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&root), before);
    let names: Vec<_> = fs::read_dir(t.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// While watching, the log has notify's own messages (through the `log` facade) and what the
/// watcher made of each change.
#[cfg(target_os = "linux")]
#[test]
fn debug_log_records_the_watchers_decisions_and_notifys_messages() {
    let t = tempfile::tempdir().expect("tmp");
    let root = t.path().join("case");
    stuck_tree(&root);
    let sp = sip_dir(&root, "u", "16.0", "u@contoso.com").join("History Spooler");
    let log_path = t.path().join("debug.log");
    let mut cmd = StdCommand::new(bin_path());
    test_env(&mut cmd);
    cmd.args(["watch", "--heartbeat", "1h", "--debug-log"])
        .arg(&log_path)
        .arg(&root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let child = Guarded::spawn(&mut cmd, Duration::from_secs(90));
    let wait_for = |what: &str| -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if fs::read_to_string(&log_path).is_ok_and(|l| l.contains(what)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    let started = wait_for("watch: native notifications on");
    let mut ok = started;
    if ok {
        fs::write(sp.join("{B}.xml"), "x").expect("write");
        ok = wait_for("{B}.xml changed: Item");
    }
    drop(child);
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    assert!(started && ok, "{log}");
    assert_timestamped(&log);
    assert!(
        log.lines()
            .any(|l| l.contains(" notify") && l.contains("inotify")),
        "notify's own trace lines: {log}"
    );
    assert!(
        log.lines().any(|l| l.contains("notify_debouncer_full")),
        "the debouncer's lines: {log}"
    );
}
