//! Read-only proof and terminal safety.
//!
//! One tree (spoolers, trace logs, mailbox exports) is hashed (SHA-256 of every file) and every
//! modification time recorded, before and after `report`, `watch`, `bundle` and an interactive
//! run under a pseudo-terminal: nothing may change. The interactive runs go through `script`
//! (util-linux), which gives the program a real pty without any unsafe code here; a run where
//! `script` is missing is skipped with a message, not failed.
//!
//! Terminal safety: a panic inside the UI loop, an error returned from it, SIGTERM and SIGHUP
//! all leave the terminal restored: the alternate screen left, the cursor shown, and the pty
//! back in cooked mode (`stty -a` run right after shows `icanon` and `echo`).

#![cfg(unix)]

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// Path → (SHA-256, size, modification time, permissions), links recorded by target, not
/// followed. Directories are listed too, so a file created or removed changes their time.
type Tree = BTreeMap<PathBuf, (String, u64, Option<SystemTime>, u32)>;

fn hash_tree(root: &Path) -> Tree {
    use std::os::unix::fs::PermissionsExt;
    let mut m = Tree::new();
    for e in walkdir::WalkDir::new(root).follow_links(false) {
        let e = e.expect("walk");
        let md = std::fs::symlink_metadata(e.path()).expect("lstat");
        let digest = if md.file_type().is_file() {
            let mut h = Sha256::new();
            let mut f = std::fs::File::open(e.path()).expect("open");
            std::io::copy(&mut f, &mut h).expect("hash");
            format!("{:x}", h.finalize())
        } else if md.file_type().is_symlink() {
            std::fs::read_link(e.path())
                .map(|t| t.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            String::new()
        };
        m.insert(
            e.path().to_path_buf(),
            (
                digest,
                md.len(),
                md.modified().ok(),
                md.permissions().mode(),
            ),
        );
    }
    m
}

/// The demo workstation (spoolers, UccApilogs, EWS and PowerShell exports) plus a collected
/// folder of mailbox exports and a tracerpt log.
fn tree(root: &Path) {
    let now = chrono::Utc::now();
    spoolscope::demo::write_into(root, now).expect("demo tree");
    let exports = root.join("collected");
    for name in [
        "drafts-finditem.xml",
        "folderstats-jdoe.csv",
        "imconfiguration.txt",
        "clientpolicy.txt",
    ] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo")
            .join(name);
        put(
            &exports.join(name),
            &std::fs::read(&src).expect("asset"),
            3600,
        );
    }
    put(
        &exports.join("trace.etl.xml"),
        b"<?xml version=\"1.0\"?>\n<Events><Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><EventID>1</EventID><TimeCreated SystemTime=\"2026-03-02T13:50:00Z\"/></System><EventData><Data Name=\"Msg\">EWS response HTTP/1.1 401 Unauthorized</Data></EventData></Event></Events>\n",
        3600,
    );
}

/// Whether `script` can give the TUI a pseudo-terminal. CI sets SPOOLSCOPE_REQUIRE_PTY=1 (and
/// installs it), so there a missing `script` fails the suite instead of skipping these tests.
fn have_script() -> bool {
    let ok = Command::new("script")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || std::env::var_os("SPOOLSCOPE_REQUIRE_PTY").is_none(),
        "SPOOLSCOPE_REQUIRE_PTY is set but `script` (util-linux) cannot run"
    );
    ok
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// An interactive run under `script`: `inner` is run by `sh -c` on a 40×120 pty after printing
/// `PID=<pid>`; `stty -a` runs after it exits. Output is collected by a reader thread.
struct Pty {
    child: Child,
    out: mpsc::Receiver<Vec<u8>>,
    seen: Vec<u8>,
}

impl Pty {
    fn spawn(inner: &str, env: &[(&str, &str)]) -> Pty {
        let cmd = format!(
            "stty rows 40 cols 120; sh -c {}; echo; echo STTY-AFTER; stty -a",
            sh_quote(&format!("echo PID=$$; exec {inner}"))
        );
        let mut c = Command::new("script");
        c.args(["-qfec", &cmd, "/dev/null"])
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .env_remove("SPOOLSCOPE_CONFIG")
            .env("XDG_CONFIG_HOME", "/nonexistent-spoolscope-test")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = c.spawn().expect("spawn script");
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Pty {
            child,
            out: rx,
            seen: Vec::new(),
        }
    }

    /// Collect output until `pred` holds on everything seen so far (or panic after `limit`).
    fn wait_until(&mut self, limit: Duration, what: &str, pred: impl Fn(&[u8]) -> bool) {
        let start = Instant::now();
        while !pred(&self.seen) {
            let left = limit.saturating_sub(start.elapsed());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; output so far: {:?}",
                String::from_utf8_lossy(&self.seen)
            );
            if let Ok(chunk) = self.out.recv_timeout(left.min(Duration::from_millis(100))) {
                self.seen.extend(chunk);
            }
        }
    }

    /// Wait for the UI to have drawn a frame (the alternate screen entered, then a screenful).
    fn wait_for_frame(&mut self) {
        self.wait_until(Duration::from_secs(30), "the first frame", |s| {
            find(s, ENTER_ALT).is_some_and(|i| s.len() > i + 400)
        });
    }

    fn pid(&self) -> String {
        let s = String::from_utf8_lossy(&self.seen);
        let at = s.find("PID=").expect("PID line");
        s[at + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect()
    }

    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(bytes).expect("write to pty");
        stdin.flush().expect("flush");
    }

    /// Wait for `script` to exit (killing it after `limit`) and return all output.
    fn finish(mut self, limit: Duration) -> Vec<u8> {
        let start = Instant::now();
        loop {
            if self.child.try_wait().expect("try_wait").is_some() {
                break;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the interactive run did not end; output: {:?}",
                    String::from_utf8_lossy(&self.seen)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(self.child.stdin.take());
        while let Ok(chunk) = self.out.recv_timeout(Duration::from_secs(2)) {
            self.seen.extend(chunk);
        }
        self.seen
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// After the last time the UI entered the alternate screen, it left it and showed the cursor,
/// and the pty is back in cooked mode with echo.
fn assert_restored(out: &[u8], label: &str) {
    let text = String::from_utf8_lossy(out);
    let enter = rfind(out, ENTER_ALT).unwrap_or_else(|| panic!("{label}: never entered: {text:?}"));
    let tail = &out[enter..];
    assert!(
        find(tail, LEAVE_ALT).is_some(),
        "{label}: alternate screen not left: {text:?}"
    );
    assert!(
        find(tail, SHOW_CURSOR).is_some(),
        "{label}: cursor not shown again: {text:?}"
    );
    let stty = text
        .rsplit("STTY-AFTER")
        .next()
        .unwrap_or_else(|| panic!("{label}: no stty output: {text:?}"));
    let words: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "echo"] {
        assert!(
            words.contains(&flag),
            "{label}: the pty is not back in cooked mode ({flag} off): {stty:?}"
        );
    }
}

fn spoolscope_cmd(args: &[&str]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("spoolscope");
    let mut s = sh_quote(&bin.to_string_lossy());
    for a in args {
        s.push(' ');
        s.push_str(&sh_quote(a));
    }
    s
}

#[test]
fn report_watch_bundle_and_ui_change_nothing() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("tree");
    tree(&root);
    let before = hash_tree(&root);
    assert!(before.len() > 20, "tree too small: {}", before.len());
    let root_s = root.to_string_lossy().into_owned();

    // report, every format.
    for f in ["text", "markdown", "json"] {
        let out = bin()
            .args(["report", "--format", f, "--show-content", &root_s])
            .output()
            .expect("report");
        assert!(matches!(out.status.code(), Some(0 | 1)), "report {f}");
    }
    assert_eq!(before, hash_tree(&root), "report changed the tree");

    // watch: once it has started (its first line), ~3 s more, then SIGTERM.
    let mut w = Command::new(assert_cmd::cargo::cargo_bin("spoolscope"))
        .args([
            "watch",
            "--format",
            "ndjson",
            "--stuck-after",
            "1s",
            &root_s,
        ])
        .env("XDG_CONFIG_HOME", "/nonexistent-spoolscope-test")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    let wout = w.stdout.take().expect("stdout");
    let (ltx, lrx) = mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(wout).lines() {
            match line {
                Ok(l) => {
                    if ltx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    let first = lrx
        .recv_timeout(Duration::from_secs(60))
        .expect("watch printed nothing");
    assert!(first.contains("scan-started"), "{first}");
    std::thread::sleep(Duration::from_secs(3));
    assert!(Command::new("kill")
        .args(["-TERM", &w.id().to_string()])
        .status()
        .expect("kill")
        .success());
    assert_eq!(w.wait().expect("wait").code(), Some(0), "watch exit");
    assert_eq!(before, hash_tree(&root), "watch changed the tree");

    // bundle, to a path outside the tree.
    let zip = t.path().join("case.zip");
    let out = bin()
        .args(["bundle", &root_s, "-o"])
        .arg(&zip)
        .output()
        .expect("bundle");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "bundle: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(zip.is_file());
    assert_eq!(before, hash_tree(&root), "bundle changed the tree");

    // The interactive view under a pseudo-terminal: wait for the scanned tree on screen, quit.
    if !have_script() {
        eprintln!("skipped the interactive part: `script` (util-linux) is not installed");
        return;
    }
    let mut pty = Pty::spawn(&spoolscope_cmd(&[&root_s]), &[]);
    pty.wait_for_frame();
    // Let it scan: the demo's account appears on screen.
    pty.wait_until(Duration::from_secs(60), "the scanned tree on screen", |s| {
        find(s, b"jdoe").is_some()
    });
    std::thread::sleep(Duration::from_secs(1));
    pty.send(b"q");
    let out = pty.finish(Duration::from_secs(20));
    assert_restored(&out, "quit");
    assert_eq!(
        before,
        hash_tree(&root),
        "the interactive view changed the tree"
    );
}

fn fault_run(fault: &str) -> Vec<u8> {
    let t = tempfile::tempdir().expect("tempdir");
    tree(t.path());
    let cmd = spoolscope_cmd(&[&t.path().to_string_lossy()]);
    let pty = Pty::spawn(&cmd, &[("SPOOLSCOPE_TEST_UI_FAULT", fault)]);
    pty.finish(Duration::from_secs(30))
}

#[test]
fn panic_inside_the_ui_loop_restores_the_terminal() {
    if !have_script() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let out = fault_run("panic");
    assert_restored(&out, "panic");
    // The hook restores first, then the message is printed (unwinding restores once more).
    let enter = rfind(&out, ENTER_ALT).expect("enter");
    let leave = enter + find(&out[enter..], LEAVE_ALT).expect("leave");
    let msg = find(&out, b"test fault inside the UI loop").expect("panic message");
    assert!(
        msg > leave,
        "the panic message was printed on the alternate screen"
    );
}

#[test]
fn error_return_from_the_ui_loop_restores_the_terminal() {
    if !have_script() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let out = fault_run("error");
    assert_restored(&out, "error");
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("test fault inside the UI loop"), "{text:?}");
    assert!(!text.contains("panicked"), "{text:?}");
}

fn signal_run(sig: &str) {
    let t = tempfile::tempdir().expect("tempdir");
    tree(t.path());
    let mut pty = Pty::spawn(&spoolscope_cmd(&[&t.path().to_string_lossy()]), &[]);
    pty.wait_for_frame();
    let pid = pty.pid();
    assert!(!pid.is_empty(), "no pid");
    assert!(Command::new("kill")
        .args([&format!("-{sig}"), &pid])
        .status()
        .expect("kill")
        .success());
    let out = pty.finish(Duration::from_secs(20));
    assert_restored(&out, sig);
}

#[test]
fn sigterm_restores_the_terminal() {
    if !have_script() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    signal_run("TERM");
}

#[test]
fn sighup_restores_the_terminal() {
    if !have_script() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    signal_run("HUP");
}
