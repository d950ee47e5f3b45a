//! Read-only proof and terminal safety.
//!
//! Read-only, three ways:
//! - a quiet tree (spoolers, trace logs, mailbox exports) is hashed (SHA-256 of every file, with
//!   modification times and permissions) before and after `report`, `watch`, `bundle` and the
//!   live view driven through `r`, `3`, `v`, `w` (refused inside the tree, then written outside)
//!   and `c`; all the while an inotify watch on the tree records any file opened for writing
//!   (`IN_CLOSE_WRITE` fires on close even when nothing was written), created, changed,
//!   renamed or removed: there must be none;
//! - `watch` and the live view run while the test creates, grows, truncates and renames files,
//!   on a read-only bind mount of the tree (in a private mount namespace, so nothing leaks when
//!   a run dies): an open for writing fails there, and no error may say so; `/proc/locks` is
//!   sampled meanwhile and must never show a lock on a file of the tree;
//! - once the test stops changing files, nothing changes any more.
//!
//! The live view runs under `script` (util-linux), which gives it a real pseudo-terminal without
//! unsafe code here. Without `script` (or without the right to mount) the part is skipped with a
//! `SPOOLSCOPE-TEST-SKIPPED` line; CI (`SPOOLSCOPE_NO_SKIP=1`) fails instead.
//!
//! Terminal safety: a panic inside the UI loop, an error returned from it, SIGTERM, SIGHUP and
//! SIGINT all leave the terminal restored: the alternate screen left, the cursor shown, and the
//! pty back in cooked mode (`stty -a` run right after shows `icanon` and `echo`).

#![cfg(unix)]

use crate::common::*;
use notify::Watcher as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

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

/// The demo workstation (spoolers, UccApilogs, EWS and PowerShell exports, profiles named in
/// Japanese and Korean) plus a collected folder of mailbox exports and a tracerpt log.
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

const JDOE_LYNC: &str = "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync";

fn jdoe_spooler(root: &Path) -> PathBuf {
    root.join(JDOE_LYNC)
        .join("sip_jdoe@contoso.com/History Spooler")
}

fn jdoe_log(root: &Path) -> PathBuf {
    root.join(JDOE_LYNC).join("Tracing/Lync-UccApi-0.UccApilog")
}

// ------------------------------------------------------------------ write and lock detectors

/// Every write-like inotify event under a tree: a file opened for writing and closed, created,
/// changed (data or metadata), renamed or removed.
struct WriteMonitor {
    _w: notify::RecommendedWatcher,
    seen: Arc<Mutex<Vec<String>>>,
}

impl WriteMonitor {
    fn start(root: &Path) -> WriteMonitor {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let mut w = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            use notify::event::{AccessKind, AccessMode, EventKind};
            if let Ok(e) = res {
                let write_like = match e.kind {
                    EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                    EventKind::Access(_) => false,
                    EventKind::Any | EventKind::Other => false,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
                };
                if write_like {
                    let mut s = s.lock().unwrap_or_else(|e| e.into_inner());
                    s.push(format!("{:?} {:?}", e.kind, e.paths));
                }
            }
        })
        .expect("inotify");
        w.watch(root, notify::RecursiveMode::Recursive)
            .expect("watch the tree");
        WriteMonitor { _w: w, seen }
    }

    /// The events so far (and forget them), at most 12 of them (and how many more).
    fn take(&self) -> Vec<String> {
        let mut v = std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()));
        if v.len() > 12 {
            let more = v.len() - 12;
            v.truncate(12);
            v.push(format!("… and {more} more"));
        }
        v
    }
}

/// Inode numbers of every file and folder under `root`.
fn inodes(root: &Path) -> BTreeSet<u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.ino())
        .collect()
}

/// Lines of `/proc/locks` that lock one of `ino` (flock, POSIX and OFD locks alike).
fn locks_on(ino: &BTreeSet<u64>) -> Vec<String> {
    let text = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    text.lines()
        .filter(|l| {
            l.split_whitespace()
                .find(|f| f.matches(':').count() == 2)
                .and_then(|f| f.rsplit(':').next())
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| ino.contains(&n))
        })
        .map(str::to_string)
        .collect()
}

/// Samples `/proc/locks` on a thread until dropped; `found()` lists locks on the tree's files.
struct LockWatch {
    stop: Arc<std::sync::atomic::AtomicBool>,
    found: Arc<Mutex<Vec<String>>>,
}

impl LockWatch {
    fn start(root: &Path) -> LockWatch {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let found = Arc::new(Mutex::new(Vec::new()));
        let (s, f, root) = (stop.clone(), found.clone(), root.to_path_buf());
        std::thread::spawn(move || {
            let mut ino = inodes(&root);
            let mut n = 0u32;
            while !s.load(std::sync::atomic::Ordering::Relaxed) {
                if n.is_multiple_of(20) {
                    ino = inodes(&root);
                }
                n += 1;
                let l = locks_on(&ino);
                if !l.is_empty() {
                    f.lock().unwrap_or_else(|e| e.into_inner()).extend(l);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        LockWatch { stop, found }
    }

    fn found(&self) -> Vec<String> {
        self.found.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for LockWatch {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// No error the run reported may come from an attempt to write (EROFS on the read-only mount,
/// EACCES from a write-mode open).
fn assert_no_write_errors(label: &str, text: &str) {
    for bad in [
        "Read-only file system",
        "read-only file system",
        "os error 30",
    ] {
        assert!(
            !text.contains(bad),
            "{label}: a write was attempted: {text}"
        );
    }
}

// ------------------------------------------------------------------ read-only bind mounts

/// A shell prefix that shows `src` read-only at `mnt` to the command after it, in a private
/// mount namespace (the mount dies with the process).
fn ro_mount_prefix(src: &Path, mnt: &Path) -> String {
    let (s, m) = (
        sh_quote(&src.to_string_lossy()),
        sh_quote(&mnt.to_string_lossy()),
    );
    format!(
        "unshare --mount --propagation private sh -c {} sh",
        sh_quote(&format!(
            "mount --bind {s} {m} && mount -o remount,ro,bind {m} && exec \"$@\""
        ))
    )
}

/// Whether this process may make read-only bind mounts (root with `unshare` and `mount`).
/// Without, the under-change tests scan the tree itself (and say so).
fn can_ro_mount() -> bool {
    let (a, b) = (
        tempfile::tempdir().expect("t"),
        tempfile::tempdir().expect("t"),
    );
    std::fs::write(a.path().join("f"), b"x").expect("write");
    let cmd = format!(
        "{} sh -c 'test -f {}/f && ! touch {}/f 2>/dev/null'",
        ro_mount_prefix(a.path(), b.path()),
        b.path().display(),
        b.path().display()
    );
    let ok = assert_cmd::Command::new("sh")
        .args(["-c", &cmd])
        .timeout(Duration::from_secs(30))
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip("read-only bind mount (needs root, unshare and mount): scanning the tree itself");
    }
    ok
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
    let mut s = sh_quote(&bin_path().to_string_lossy());
    for a in args {
        s.push(' ');
        s.push_str(&sh_quote(a));
    }
    s
}

/// Drive the export prompt: `w`, JSON, the path typed over the proposed name, Enter.
fn export(pty: &mut Pty, path: &Path) -> usize {
    pty.send(b"w");
    pty.send(b"j");
    pty.send(b"\x15");
    pty.send(path.to_string_lossy().as_bytes());
    pty.send(b"\r")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("exported report")).expect("JSON report")
}

/// The live view on `scan_root` (the command prefixed by `prefix`), driven through every key
/// that reads or writes: `r`, `3`, `v` (raw lines), `w` (refused inside the tree, then written
/// outside), `c` and a second export, then `q`. `during` runs once the tree is on screen (the
/// under-change test changes files there). Returns the two exports and all output.
fn drive_live_view(
    prefix: &str,
    scan_root: &Path,
    out_dir: &Path,
    during: impl FnOnce(&mut Pty),
) -> (Value, Value, Vec<u8>) {
    let cmd = format!(
        "{prefix} {}",
        spoolscope_cmd(&[&scan_root.to_string_lossy()])
    );
    let mut pty = Pty::spawn(&cmd, &[]);
    pty.wait_for_frame();
    pty.wait_text(0, "jdoe@contoso.com");
    during(&mut pty);
    // r: a full rescan (everything read again; what it found shows in the exports below).
    pty.send(b"r");
    // 3 then v: the raw lines of the selected log event's file, read from disk; v back.
    pty.send(b"3");
    let at = pty.send(b"v");
    pty.wait_text(at, "Raw ·");
    pty.send(b"v");
    pty.send(b"1");
    // w into the scanned tree: refused, nothing written there.
    let inside = scan_root.join("Users/jdoe/report.json");
    let at = export(&mut pty, &inside);
    pty.wait_text(at, "export failed");
    // w outside: written; then c (reveal) and a second export, which now carries content.
    let first = out_dir.join("before-reveal.json");
    export(&mut pty, &first);
    wait_until(WAIT_LIMIT, "the first export", || first.is_file());
    pty.send(b"c");
    let second = out_dir.join("after-reveal.json");
    export(&mut pty, &second);
    wait_until(WAIT_LIMIT, "the second export", || second.is_file());
    std::thread::sleep(Duration::from_millis(300));
    pty.send(b"q");
    let out = pty.finish(WAIT_LIMIT);
    assert_restored(&out, "quit");
    assert!(!inside.exists(), "the export was written inside the tree");
    // The export files are complete JSON (they are written whole, then renamed or flushed).
    wait_until(WAIT_LIMIT, "complete exports", || {
        serde_json::from_slice::<Value>(&std::fs::read(&second).unwrap_or_default()).is_ok()
    });
    (read_json(&first), read_json(&second), out)
}

// ------------------------------------------------------------------ tests

#[test]
fn report_watch_bundle_and_ui_change_nothing() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("tree");
    tree(&root);
    let before = hash_tree(&root);
    assert!(before.len() > 20, "tree too small: {}", before.len());
    let root_s = root.to_string_lossy().into_owned();
    let monitor = WriteMonitor::start(&root);

    // report, every format.
    for f in ["text", "markdown", "json", "ndjson"] {
        let out = bin()
            .args(["report", "--format", f, "--show-content", &root_s])
            .output()
            .expect("report");
        assert!(matches!(out.status.code(), Some(0 | 1)), "report {f}");
    }
    assert_eq!(monitor.take(), Vec::<String>::new(), "report wrote");
    assert_eq!(before, hash_tree(&root), "report changed the tree");

    // watch: once it has started and watches (its heartbeat), then SIGTERM.
    let mut w = Guarded::bin(
        &[
            "watch".as_ref(),
            "--stuck-after".as_ref(),
            "1s".as_ref(),
            root.as_os_str(),
        ],
        RUN_LIMIT,
    );
    let rx = lines_of(w.stdout.take().expect("stdout"));
    let mut seen = Vec::new();
    wait_line(&rx, &mut seen, WAIT_LIMIT, "a heartbeat", |l| {
        l.contains("\"heartbeat\"")
    });
    wait_line(&rx, &mut seen, WAIT_LIMIT, "an item-stuck line", |l| {
        l.contains("\"item-stuck\"")
    });
    w.signal("TERM");
    assert_eq!(w.wait(WAIT_LIMIT).code(), Some(0), "watch exit");
    assert_eq!(monitor.take(), Vec::<String>::new(), "watch wrote");
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
    assert_eq!(monitor.take(), Vec::<String>::new(), "bundle wrote");
    assert_eq!(before, hash_tree(&root), "bundle changed the tree");

    // The live view under a pseudo-terminal, driven through every key that reads or writes.
    if !have_script() {
        return;
    }
    let exports = tempfile::tempdir().expect("tempdir");
    let (hidden, shown, out) = drive_live_view("", &root, exports.path(), |_| {});
    assert_eq!(hidden["content_shown"], false);
    assert_eq!(shown["content_shown"], true, "c revealed the content");
    assert!(
        shown["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i.get("body").is_some()),
        "the revealed export carries bodies"
    );
    assert!(hidden["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i.get("body").is_none()));
    assert_no_write_errors("live view", &String::from_utf8_lossy(&out));
    assert_eq!(
        monitor.take(),
        Vec::<String>::new(),
        "the interactive view wrote"
    );
    assert_eq!(
        before,
        hash_tree(&root),
        "the interactive view changed the tree"
    );
}

/// What the test does to the tree while a run watches it: a new stuck item, a grown log, a
/// truncated rotated log, a renamed item and a removed one. Returns the new and the renamed
/// items' names.
fn change_the_tree(root: &Path) -> (&'static str, &'static str) {
    let sp = jdoe_spooler(root);
    // Created (an old write time: stuck at once).
    put(
        &sp.join("{NEW-0001}.xml"),
        create_item("rlee@contoso.com", "created while watched", "IPM.Note").as_bytes(),
        900,
    );
    // Grown: a new EWS failure line in the client log.
    let stamp = chrono::Local::now().format("%m/%d/%Y|%H:%M:%S%.3f");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(jdoe_log(root))
        .expect("open log");
    f.write_all(
        format!("{stamp} 1F68:C14 ERROR :: EWS response HTTP/1.1 503 Service Unavailable grown-while-watched\r\n")
            .as_bytes(),
    )
    .expect("append");
    drop(f);
    // Truncated: the rotated log loses its second half.
    let bak = jdoe_log(root).with_extension("UccApilog.bak");
    let len = std::fs::metadata(&bak).expect("bak").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&bak)
        .expect("open bak")
        .set_len(len / 2)
        .expect("truncate");
    // Renamed.
    std::fs::rename(
        sp.join("{A1F43C2E-55D1-4F4B-9C1E-2B7D10A0C005}.xml"),
        sp.join("{RENAMED-0002}.xml"),
    )
    .expect("rename");
    // Removed.
    std::fs::remove_file(sp.join("{A1F33C2E-55D1-4F4B-9C1E-2B7D10A0C004}.dat")).expect("rm");
    ("{NEW-0001}.xml", "{RENAMED-0002}.xml")
}

/// Where a run should scan: a read-only view of `root` when this process may mount one (then
/// the command is prefixed to mount it), else `root` itself.
fn scan_target(root: &Path, mnt: &Path) -> (String, PathBuf) {
    if can_ro_mount() {
        (ro_mount_prefix(root, mnt), mnt.to_path_buf())
    } else {
        (String::new(), root.to_path_buf())
    }
}

#[test]
fn watch_under_change_stays_read_only() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("tree");
    let mnt = t.path().join("ro");
    std::fs::create_dir_all(&mnt).expect("mount point");
    tree(&root);
    let (prefix, target) = scan_target(&root, &mnt);
    // `exec` all the way down: the signal below reaches spoolscope itself.
    let cmd = format!(
        "exec {prefix} {}",
        spoolscope_cmd(&[
            "watch",
            "--stuck-after",
            "60s",
            "--heartbeat",
            "1h",
            &target.to_string_lossy()
        ])
    );
    let mut c = Command::new("sh");
    c.args(["-c", &cmd])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    test_env(&mut c);
    let mut w = Guarded::spawn(&mut c, RUN_LIMIT);
    let rx = lines_of(w.stdout.take().expect("stdout"));
    let err_rx = lines_of(w.stderr.take().expect("stderr"));
    let locks = LockWatch::start(&root);
    let mut seen = Vec::new();
    wait_line(&rx, &mut seen, WAIT_LIMIT, "a heartbeat", |l| {
        l.contains("\"heartbeat\"")
    });

    let (created, renamed) = change_the_tree(&root);
    for (what, name) in [
        ("\"item-added\"", created),
        ("\"item-stuck\"", created),
        ("\"item-added\"", renamed),
        (
            "\"item-removed\"",
            "{A1F43C2E-55D1-4F4B-9C1E-2B7D10A0C005}.xml",
        ),
        (
            "\"item-removed\"",
            "{A1F33C2E-55D1-4F4B-9C1E-2B7D10A0C004}.dat",
        ),
        ("\"log-event\"", "grown-while-watched"),
    ] {
        wait_line(&rx, &mut seen, WAIT_LIMIT, &format!("{what} {name}"), |l| {
            l.contains(what) && l.contains(name)
        });
    }
    // The test has stopped changing files: from here on nothing may change.
    let settled = hash_tree(&root);
    let monitor = WriteMonitor::start(&root);
    std::thread::sleep(Duration::from_secs(2));
    w.signal("TERM");
    assert_eq!(w.wait(WAIT_LIMIT).code(), Some(0), "watch exit");
    let stderr: Vec<String> = err_rx.try_iter().collect();
    let all = format!("{}\n{}", seen.join("\n"), stderr.join("\n"));
    assert_no_write_errors("watch", &all);
    assert!(
        !seen.iter().any(|l| l.contains("\"type\":\"error\"")),
        "errors while watching: {all}"
    );
    assert_eq!(locks.found(), Vec::<String>::new(), "watch locked a file");
    assert_eq!(monitor.take(), Vec::<String>::new(), "watch wrote");
    assert_eq!(settled, hash_tree(&root), "watch changed the tree");
}

#[test]
fn live_view_under_change_stays_read_only() {
    if !have_script() {
        return;
    }
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("tree");
    let mnt = t.path().join("ro");
    std::fs::create_dir_all(&mnt).expect("mount point");
    tree(&root);
    let (prefix, target) = scan_target(&root, &mnt);
    let exports = tempfile::tempdir().expect("tempdir");
    let locks = LockWatch::start(&root);
    let settled = Arc::new(Mutex::new(None));
    let s2 = settled.clone();
    let root2 = root.clone();
    let (_, shown, out) = drive_live_view(&prefix, &target, exports.path(), move |pty| {
        let (created, _) = change_the_tree(&root2);
        // The new item reaches the screen through the watcher.
        pty.wait_text(0, &created[..9]);
        *s2.lock().unwrap_or_else(|e| e.into_inner()) = Some(hash_tree(&root2));
    });
    let settled = settled
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .expect("changed");
    assert_no_write_errors("live view", &String::from_utf8_lossy(&out));
    assert_no_write_errors("live view export", &shown.to_string());
    // The model it exported saw every change.
    let names: Vec<&str> = shown["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert!(
        names.iter().any(|p| p.ends_with("{NEW-0001}.xml")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|p| p.ends_with("{RENAMED-0002}.xml")),
        "{names:?}"
    );
    assert!(!names.iter().any(|p| p.ends_with("C004}.dat")), "{names:?}");
    assert_eq!(
        locks.found(),
        Vec::<String>::new(),
        "the live view locked a file"
    );
    assert_eq!(settled, hash_tree(&root), "the live view changed the tree");
}

fn fault_run(fault: &str) -> Vec<u8> {
    let t = tempfile::tempdir().expect("tempdir");
    tree(t.path());
    let cmd = spoolscope_cmd(&[&t.path().to_string_lossy()]);
    let pty = Pty::spawn(&cmd, &[("SPOOLSCOPE_TEST_UI_FAULT", fault)]);
    pty.finish(WAIT_LIMIT)
}

#[test]
fn panic_inside_the_ui_loop_restores_the_terminal() {
    if !have_script() {
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
    let ok = assert_cmd::Command::new("kill")
        .args([&format!("-{sig}"), &pid])
        .timeout(Duration::from_secs(10))
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "kill -{sig} {pid}");
    let out = pty.finish(WAIT_LIMIT);
    assert_restored(&out, sig);
}

#[test]
fn sigterm_restores_the_terminal() {
    if have_script() {
        signal_run("TERM");
    }
}

#[test]
fn sighup_restores_the_terminal() {
    if have_script() {
        signal_run("HUP");
    }
}

/// README: "The terminal is restored … on SIGTERM/SIGHUP/SIGINT".
#[test]
fn sigint_restores_the_terminal() {
    if have_script() {
        signal_run("INT");
    }
}
