//! Helpers for end-to-end tests: build profile trees in temp dirs, run the real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The pinned "now" every test uses: 2026-03-02T14:00:00Z.
pub const NOW: &str = "2026-03-02T14:00:00Z";
pub const NOW_UNIX: u64 = 1_772_460_000;

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// `Users/<user>/AppData/Local/Microsoft/Office/<ver>/Lync/sip_<addr>`
pub fn sip_dir(root: &Path, user: &str, ver: &str, addr: &str) -> PathBuf {
    let base = root
        .join("Users")
        .join(user)
        .join("AppData/Local/Microsoft");
    if ver == "2010" {
        base.join("Communicator").join(format!("sip_{addr}"))
    } else {
        base.join("Office")
            .join(ver)
            .join("Lync")
            .join(format!("sip_{addr}"))
    }
}

/// Write `bytes` to `path` (creating folders) with a modification time `age_secs` before NOW.
pub fn put(path: &Path, bytes: &[u8], age_secs: i64) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
    set_age(path, age_secs);
}

pub fn set_age(path: &Path, age_secs: i64) {
    let t = if age_secs >= 0 {
        now() - Duration::from_secs(age_secs as u64)
    } else {
        now() + Duration::from_secs(age_secs.unsigned_abs())
    };
    fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(t)
        .expect("set mtime");
}

pub fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

pub fn create_item(to: &str, subject: &str, class: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
 <soap:Body><m:CreateItem MessageDisposition="SaveOnly">
  <m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/></m:SavedItemFolderId>
  <m:Items><t:Message>
   <t:ItemClass>{class}</t:ItemClass>
   <t:Subject>{subject}</t:Subject>
   <t:Body BodyType="Text">secret body text</t:Body>
   <t:ToRecipients><t:Mailbox><t:EmailAddress>{to}</t:EmailAddress></t:Mailbox></t:ToRecipients>
   <t:From><t:Mailbox><t:EmailAddress>sender@contoso.com</t:EmailAddress></t:Mailbox></t:From>
  </t:Message></m:Items>
 </m:CreateItem></soap:Body>
</soap:Envelope>"#
    )
}

/// Hang guard: no run of the binary in a test may take longer than this (a debug build on a
/// shared, loaded CI machine; a hang is killed here and fails the test instead of blocking CI).
/// A config file from `tests/fixtures/config/` (read in place, never written).
pub fn config_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

pub const RUN_LIMIT: Duration = Duration::from_secs(180);

/// The environment every run of the binary gets: no user config, no colour override, UTC.
pub fn test_env(c: &mut std::process::Command) {
    c.env_remove("NO_COLOR")
        .env_remove("SPOOLSCOPE_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent-spoolscope-test")
        .env("TZ", "UTC");
}

/// The binary, with [`RUN_LIMIT`] as its timeout.
pub fn bin() -> Command {
    let mut std = std::process::Command::new(bin_path());
    test_env(&mut std);
    let mut c = Command::from_std(std);
    c.timeout(RUN_LIMIT);
    c
}

/// Where the binary under test is.
pub fn bin_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("spoolscope")
}

/// A process that runs while the test talks to it (`watch`, the live view under `script`): it is
/// killed when it outlives its deadline (a watchdog thread) or when the guard is dropped (a
/// failed assertion unwinds), so a hang never blocks the suite.
pub struct Guarded {
    child: std::sync::Arc<std::sync::Mutex<std::process::Child>>,
    pid: u32,
    pub stdin: Option<std::process::ChildStdin>,
    pub stdout: Option<std::process::ChildStdout>,
    pub stderr: Option<std::process::ChildStderr>,
}

impl Guarded {
    /// Spawn `cmd`; it is killed after `limit` whatever the test is doing.
    pub fn spawn(cmd: &mut std::process::Command, limit: Duration) -> Guarded {
        let mut child = cmd.spawn().expect("spawn");
        let pid = child.id();
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let child = std::sync::Arc::new(std::sync::Mutex::new(child));
        let watched = std::sync::Arc::downgrade(&child);
        let deadline = std::time::Instant::now() + limit;
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(100));
            let Some(c) = watched.upgrade() else { return };
            let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
            if !matches!(c.try_wait(), Ok(None)) {
                return;
            }
            if std::time::Instant::now() >= deadline {
                eprintln!("hang guard: killing pid {pid} after {limit:?}");
                let _ = c.kill();
                let _ = c.wait();
                return;
            }
        });
        Guarded {
            child,
            pid,
            stdin,
            stdout,
            stderr,
        }
    }

    /// The binary under test, with the test environment, piped stdout and stderr.
    pub fn bin(args: &[&std::ffi::OsStr], limit: Duration) -> Guarded {
        let mut c = std::process::Command::new(bin_path());
        test_env(&mut c);
        c.args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        Guarded::spawn(&mut c, limit)
    }

    pub fn id(&self) -> u32 {
        self.pid
    }

    /// Still running?
    pub fn running(&self) -> bool {
        let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
        matches!(c.try_wait(), Ok(None))
    }

    /// Send a signal (`TERM`, `HUP`, `INT`) while it runs (never to a reaped, reusable pid).
    pub fn signal(&self, sig: &str) {
        let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(c.try_wait(), Ok(None)) {
            let ok = std::process::Command::new("kill")
                .args([&format!("-{sig}"), &self.pid.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "kill -{sig} {}", self.pid);
        }
    }

    /// Wait for the exit, polling until `limit`; panics (and kills) when it does not come.
    pub fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        drop(self.stdin.take());
        let deadline = std::time::Instant::now() + limit;
        loop {
            {
                let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
                if let Ok(Some(st)) = c.try_wait() {
                    return st;
                }
                if std::time::Instant::now() >= deadline {
                    let _ = c.kill();
                    let _ = c.wait();
                    panic!("pid {} did not exit within {limit:?}", self.pid);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(c.try_wait(), Ok(None)) {
            let _ = c.kill();
        }
        let _ = c.wait();
    }
}

/// Lines of a child's stream, read on a thread and handed over a channel (so a test can wait
/// for a line with a deadline instead of blocking on a read).
pub fn lines_of(r: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(r).lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    rx
}

/// Generous deadline for something a test waits on (a line from `watch`, a frame of the live
/// view): long enough for a debug build on a loaded machine, short enough to fail a hang.
pub const WAIT_LIMIT: Duration = Duration::from_secs(60);

/// The first line from `rx` that satisfies `pred`, collecting every line seen into `seen`;
/// panics with what was seen when none comes within `limit`.
pub fn wait_line(
    rx: &std::sync::mpsc::Receiver<String>,
    seen: &mut Vec<String>,
    limit: Duration,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    if let Some(l) = seen.iter().find(|l| pred(l)) {
        return l.clone();
    }
    let deadline = std::time::Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(l) => {
                let hit = pred(&l);
                seen.push(l.clone());
                if hit {
                    return l;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if !left.is_zero() => {}
            Err(_) => panic!(
                "no line with {what} within {limit:?}; lines so far:\n{}",
                seen.join("\n")
            ),
        }
    }
}

/// Poll `cond` until it holds or `limit` passes (then panic naming `what`).
pub fn wait_until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ------------------------------------------------------------------ skips that CI refuses

/// Marker of a skipped test part. Outside CI the line goes to the terminal (not captured by the
/// test harness) and to `$SPOOLSCOPE_SKIP_LOG` when set; with `SPOOLSCOPE_NO_SKIP=1` (set by
/// `.ci/run`) a skip is a failure instead.
pub const SKIP_MARKER: &str = "SPOOLSCOPE-TEST-SKIPPED";

pub fn skip(what: &str) {
    use std::io::Write;
    let line = format!("{SKIP_MARKER}: {what}");
    assert!(
        std::env::var_os("SPOOLSCOPE_NO_SKIP").is_none_or(|v| v.is_empty() || v == "0"),
        "{line} (SPOOLSCOPE_NO_SKIP is set: CI runs every test, nothing may be skipped)"
    );
    // Straight to the process's stderr, past the harness's capture of eprintln!.
    let _ = writeln!(std::io::stderr(), "{line}");
    if let Some(log) = std::env::var_os("SPOOLSCOPE_SKIP_LOG") {
        if let Ok(mut f) = fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = writeln!(f, "{line}");
        }
    }
}

// ------------------------------------------------------------------ unprivileged runs

/// Whether this test process runs as root (files it creates belong to uid 0), where file
/// permissions do not stop a read and permission tests must drop privileges.
#[cfg(unix)]
pub fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let f = tempfile::NamedTempFile::new().expect("temp file");
    f.as_file().metadata().expect("metadata").uid() == 0
}

/// The uid/gid that permission tests run the binary as when the suite runs as root (no
/// account needed: `setpriv` takes numbers).
pub const UNPRIVILEGED_UID: u32 = 47_017;

/// A temp dir the unprivileged user may enter (tempfile makes them 0700).
#[cfg(unix)]
pub fn shared_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().expect("tempdir");
    fs::set_permissions(t.path(), fs::Permissions::from_mode(0o755)).expect("chmod tempdir");
    t
}

/// The binary run as an unprivileged user: as root, through `setpriv` with [`UNPRIVILEGED_UID`]
/// (and no supplementary groups, no capabilities); as anyone else, as that user. A permission
/// test that cannot drop privileges fails (setpriv missing or refused): it never passes as a
/// no-op.
#[cfg(unix)]
pub fn unprivileged_bin(uid: u32) -> Command {
    if !running_as_root() {
        return bin();
    }
    let mut c = Command::from_std(unprivileged_std(uid));
    c.timeout(RUN_LIMIT);
    c
}

/// [`unprivileged_bin`] as a plain process command (for a run that is spawned and read while
/// it goes on, such as `watch`), with the test environment set.
#[cfg(unix)]
pub fn unprivileged_std(uid: u32) -> std::process::Command {
    let mut c = if running_as_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args([
            format!("--reuid={uid}"),
            format!("--regid={uid}"),
            "--clear-groups".into(),
            "--inh-caps=-all".into(),
            "--".into(),
        ])
        .arg(bin_path());
        c
    } else {
        std::process::Command::new(bin_path())
    };
    test_env(&mut c);
    c
}

/// Check that `unprivileged_bin` really cannot read `path` (a file made unreadable by the
/// test): `setpriv … cat PATH` must fail. Panics otherwise, so a permission test cannot pass
/// without testing anything.
#[cfg(unix)]
pub fn assert_unreadable_for_unprivileged(path: &Path, uid: u32) {
    let out = if running_as_root() {
        std::process::Command::new("setpriv")
            .args([
                format!("--reuid={uid}"),
                format!("--regid={uid}"),
                "--clear-groups".into(),
                "--inh-caps=-all".into(),
                "--".into(),
                "cat".into(),
            ])
            .arg(path)
            .output()
            .expect("setpriv must run: permission tests run their subject unprivileged")
    } else {
        std::process::Command::new("cat")
            .arg(path)
            .output()
            .expect("cat")
    };
    assert!(
        !out.status.success(),
        "{} is readable by the unprivileged user: the permission test would test nothing",
        path.display()
    );
}

// ------------------------------------------------------------------ names in any script

pub use spoolscope::corpus_tree::{Person, INTERNATIONAL};

/// The profiles of the acceptance case: a Users folder as a terminal server in Tokyo, Seoul
/// or Istanbul has it.
pub const USERS_IN_MANY_SCRIPTS: &[&str] = &["山田太郎", "김철수", "Ölçüm", "🙂 test"];

/// The person named after `profile` in [`INTERNATIONAL`].
pub fn person(profile: &str) -> &'static Person {
    INTERNATIONAL
        .iter()
        .find(|p| p.profile == profile)
        .unwrap_or_else(|| panic!("no person {profile}"))
}

/// Give `p` an Office 16.0 account under `root/Users/<profile>` with one stuck item (15 min
/// old, their subject, their file name) and one pending item. Returns the spooler.
pub fn spool_person(root: &Path, p: &Person) -> PathBuf {
    let sp = sip_dir(root, p.profile, "16.0", &p.address()).join("History Spooler");
    put(
        &sp.join(format!("{}.xml", p.file)),
        create_item("rlee@contoso.com", p.subject, "IPM.Note").as_bytes(),
        900,
    );
    put(
        &sp.join(format!("{}-新.xml", p.file)),
        create_item("rlee@contoso.com", p.subject, "IM.Note.MissedConversation").as_bytes(),
        30,
    );
    sp
}

/// Display columns of `s` on a terminal.
pub fn cols(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The rules of a JSON report's findings, in its order.
pub fn rules(v: &serde_json::Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect()
}

/// Run `report ... --format json --now NOW` and parse stdout.
pub fn report_json(paths: &[&Path], extra: &[&str]) -> (serde_json::Value, i32, String) {
    let mut c = bin();
    c.arg("report");
    for p in paths {
        c.arg(p);
    }
    c.args(["--format", "json", "--now", NOW]).args(extra);
    let out = c.output().expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        v,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run `cmd` (with `--format json` among its arguments) and parse stdout.
pub fn json_of(cmd: &mut Command) -> (serde_json::Value, i32, String) {
    let out = cmd.output().expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        v,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run a helper program (`mkfifo`, `mknod`, …) with a timeout; whether it succeeded.
pub fn tool(args: &[&std::ffi::OsStr]) -> bool {
    let (prog, rest) = args.split_first().expect("a program");
    Command::new(prog)
        .args(rest)
        .timeout(Duration::from_secs(30))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Every file's bytes and modification time under `root` (links recorded, not followed).
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, Option<SystemTime>)> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).follow_links(false) {
        let e = e.expect("walk");
        let md = fs::symlink_metadata(e.path()).expect("lstat");
        let content = if md.file_type().is_file() && md.len() < 1 << 20 {
            fs::read(e.path()).expect("read")
        } else if md.file_type().is_symlink() {
            fs::read_link(e.path())
                .map(|t| t.to_string_lossy().into_owned().into_bytes())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        m.insert(e.path().to_path_buf(), (content, md.modified().ok()));
    }
    m
}

// ------------------------------------------------------------------ the live view under a pty

pub const ENTER_ALT: &[u8] = b"\x1b[?1049h";
pub const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
pub const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Whether `script` can give the TUI a pseudo-terminal. `SPOOLSCOPE_REQUIRE_PTY=1` or
/// `SPOOLSCOPE_NO_SKIP=1` (CI sets both) make a missing `script` a failure.
pub fn have_script() -> bool {
    let ok = std::process::Command::new("script")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || std::env::var_os("SPOOLSCOPE_REQUIRE_PTY").is_none(),
        "SPOOLSCOPE_REQUIRE_PTY is set but `script` (util-linux) cannot run"
    );
    if !ok {
        skip("the live view under a pseudo-terminal: `script` (util-linux) is not installed");
    }
    ok
}

/// An interactive run under `script`: `inner` is run by `sh -c` on a 40×120 pty after printing
/// `PID=<pid>`; `stty -a` runs after it exits. Output is collected by a reader thread; the run is
/// killed when it outlives [`RUN_LIMIT`] or the test fails.
pub struct Pty {
    pub child: Guarded,
    out: std::sync::mpsc::Receiver<Vec<u8>>,
    pub seen: Vec<u8>,
}

impl Pty {
    pub fn spawn(inner: &str, env: &[(&str, &str)]) -> Pty {
        let cmd = format!(
            "stty rows 40 cols 120; sh -c {}; echo; echo STTY-AFTER; stty -a",
            sh_quote(&format!("echo PID=$$; exec {inner}"))
        );
        let mut c = std::process::Command::new("script");
        c.args(["-qfec", &cmd, "/dev/null"])
            .env("TERM", "xterm-256color")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        test_env(&mut c);
        c.env_remove("TZ");
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match std::io::Read::read(&mut stdout, &mut buf) {
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

    /// Collect output until `pred` holds on what was seen since `from` (or panic after
    /// `limit`).
    pub fn wait_from(
        &mut self,
        from: usize,
        limit: Duration,
        what: &str,
        pred: impl Fn(&[u8]) -> bool,
    ) {
        let start = std::time::Instant::now();
        while !pred(&self.seen[from.min(self.seen.len())..]) {
            let left = limit.saturating_sub(start.elapsed());
            if left.is_zero() {
                let text = visible(&self.seen);
                let tail: String = text
                    .chars()
                    .rev()
                    .take(3000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!("timed out waiting for {what}; the screen text at the end: {tail:?}");
            }
            if let Ok(chunk) = self.out.recv_timeout(left.min(Duration::from_millis(100))) {
                self.seen.extend(chunk);
            }
        }
    }

    /// Wait until the screen text printed since `from` (escape sequences removed) contains
    /// `needle`.
    /// White space is left out on both sides: a terminal UI moves the cursor over blank cells
    /// instead of printing them.
    pub fn wait_text(&mut self, from: usize, needle: &str) {
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let n = squash(needle);
        self.wait_from(from, WAIT_LIMIT, needle, move |s| {
            squash(&visible(s)).contains(&n)
        });
    }

    /// Wait for the UI to have drawn a frame (the alternate screen entered, then a screenful).
    pub fn wait_for_frame(&mut self) {
        self.wait_from(0, WAIT_LIMIT, "the first frame", |s| {
            find(s, ENTER_ALT).is_some_and(|i| s.len() > i + 400)
        });
    }

    pub fn pid(&self) -> String {
        let s = String::from_utf8_lossy(&self.seen);
        let at = s.find("PID=").expect("PID line");
        s[at + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect()
    }

    /// Send keys; returns where the output stood, to wait for what they cause.
    pub fn send(&mut self, bytes: &[u8]) -> usize {
        while let Ok(chunk) = self.out.try_recv() {
            self.seen.extend(chunk);
        }
        let mark = self.seen.len();
        let stdin = self.child.stdin.as_mut().expect("stdin");
        std::io::Write::write_all(stdin, bytes).expect("write to pty");
        std::io::Write::flush(stdin).expect("flush");
        mark
    }

    /// Wait for `script` to exit (killing it after the limit) and return all output.
    pub fn finish(mut self, limit: Duration) -> Vec<u8> {
        self.child.wait(limit);
        while let Ok(chunk) = self.out.recv_timeout(Duration::from_secs(2)) {
            self.seen.extend(chunk);
        }
        self.seen
    }
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Terminal output with escape sequences removed (what was printed, in order).
pub fn visible(s: &[u8]) -> String {
    let re = regex::bytes::Regex::new(
        r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])",
    )
    .expect("regex");
    String::from_utf8_lossy(&re.replace_all(s, &b""[..])).into_owned()
}

/// Every entry of the zip at `path`, by name, with its bytes (bundles are read back whole).
pub fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(fs::File::open(path).expect("open zip")).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("read");
            (f.name().to_string(), b)
        })
        .collect()
}
