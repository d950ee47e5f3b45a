//! End-to-end: `watch` on a tree that changes shape after the start. An account (`sip_*`), a
//! user profile, a `Tracing` folder, or a whole tree under an empty folder created later is
//! found and its stuck items (or log records) reported; a `sip_*` folder deleted and created
//! again is read again. Native watching and polling alike, and `--all-users`.
#![cfg(unix)]

use crate::common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::mpsc;

struct Watch {
    child: Guarded,
    rx: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(args: &[&OsStr]) -> Watch {
        Watch::start_in(None, args)
    }

    /// `watch` run in the folder `dir` (the working folder of the test run when `None`).
    fn start_in(dir: Option<&Path>, args: &[&OsStr]) -> Watch {
        let mut full: Vec<&OsStr> = vec![
            "watch".as_ref(),
            "--format".as_ref(),
            "ndjson".as_ref(),
            "--heartbeat".as_ref(),
            "1h".as_ref(),
        ];
        full.extend_from_slice(args);
        let mut c = std::process::Command::new(bin_path());
        test_env(&mut c);
        c.args(&full)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some(d) = dir {
            c.current_dir(d);
        }
        let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
        let rx = lines_of(child.stdout.take().expect("stdout"));
        let mut w = Watch {
            child,
            rx,
            seen: Vec::new(),
        };
        // The first heartbeat comes once the watcher runs.
        w.wait("the first heartbeat", |v| v["type"] == "heartbeat");
        w
    }

    fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let line = wait_line(&self.rx, &mut self.seen, WAIT_LIMIT, what, |l| {
            serde_json::from_str::<Value>(l).is_ok_and(|v| pred(&v))
        });
        serde_json::from_str(&line).expect("JSON line")
    }

    /// Wait for `item-added` of the file named `name`, in account `account`.
    fn added(&mut self, account: &str, name: &str) -> Value {
        self.wait(&format!("item-added {name} ({account})"), |v| {
            v["type"] == "item-added"
                && v["account"] == account
                && v["item"]["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(name))
        })
    }

    fn stop(mut self) -> Vec<Value> {
        self.child.signal("TERM");
        let st = self.child.wait(WAIT_LIMIT);
        assert_eq!(st.code(), Some(0), "watch after SIGTERM");
        while let Ok(l) = self.rx.recv_timeout(std::time::Duration::from_secs(5)) {
            self.seen.push(l);
        }
        self.seen
            .iter()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect()
    }
}

/// A stuck item (two hours old) in `spooler`, creating the folders.
fn stuck_item(spooler: &Path, name: &str) {
    put(
        &spooler.join(name),
        create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
        0,
    );
    let f = std::fs::File::options()
        .write(true)
        .open(spooler.join(name))
        .expect("open");
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .expect("mtime");
}

fn spooler(root: &Path, user: &str, addr: &str) -> std::path::PathBuf {
    sip_dir(root, user, "16.0", addr).join("History Spooler")
}

fn new_account_profile_and_tracing(poll: Option<&str>) {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path();
    stuck_item(&spooler(root, "jdoe", "jdoe@contoso.com"), "old.eml");
    let mut args: Vec<&OsStr> = poll.iter().map(OsStr::new).collect();
    args.push(root.as_os_str());
    let mut w = Watch::start(&args);
    w.added("jdoe@contoso.com", "old.eml");
    // A second account of the same user, and a new user's profile.
    stuck_item(&spooler(root, "jdoe", "amy@contoso.com"), "a.eml");
    stuck_item(&spooler(root, "rlee", "rlee@contoso.com"), "r.eml");
    w.added("amy@contoso.com", "a.eml");
    w.added("rlee@contoso.com", "r.eml");
    // A Tracing folder created after the start, then a log in it.
    let tracing = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com")
        .parent()
        .expect("Lync")
        .join("Tracing");
    std::fs::create_dir(&tracing).expect("mkdir Tracing");
    // Let the new folder be found before the log comes (a log written later is the case).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let stamp = chrono::Local::now().format("%m/%d/%Y|%H:%M:%S%.3f");
    std::fs::write(
        tracing.join("Lync-UccApi-0.UccApilog"),
        format!("{stamp} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref=7\r\n"),
    )
    .expect("write log");
    w.wait("the 401 from the new Tracing folder", |v| {
        v["type"] == "log-event"
            && v["event"]["excerpt"]
                .as_str()
                .is_some_and(|x| x.contains("ref=7"))
    });
    w.stop();
}

#[test]
fn an_account_a_profile_and_a_tracing_folder_created_later_are_reported_native() {
    new_account_profile_and_tracing(None);
}

#[test]
fn an_account_a_profile_and_a_tracing_folder_created_later_are_reported_polling() {
    new_account_profile_and_tracing(Some("--poll=300ms"));
}

/// The client's cache cleared (its `sip_*` folder deleted) and created again at the next
/// sign-in: the stream does not end on the old item's removal.
#[test]
fn a_sip_folder_deleted_and_created_again_is_read_again() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path();
    let sp = spooler(root, "jdoe", "jdoe@contoso.com");
    stuck_item(&sp, "old.eml");
    let mut w = Watch::start(&[root.as_os_str()]);
    w.added("jdoe@contoso.com", "old.eml");
    std::fs::remove_dir_all(sp.parent().expect("sip")).expect("rm sip");
    w.wait("old.eml removed", |v| {
        v["type"] == "item-removed"
            && v["item"]["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("old.eml"))
    });
    stuck_item(&sp, "new.eml");
    w.added("jdoe@contoso.com", "new.eml");
    let lines = w.stop();
    let last_spool = lines
        .iter()
        .rfind(|v| v["finding"]["rule"] == "spool-stuck")
        .expect("spool-stuck lines");
    assert_eq!(last_spool["type"], "finding-opened", "{last_spool}");
}

/// A folder empty at the start: a tree created in it later is found.
#[test]
fn a_tree_created_under_an_empty_folder_is_reported() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path();
    let mut w = Watch::start(&[root.as_os_str()]);
    stuck_item(&spooler(root, "jdoe", "jdoe@contoso.com"), "a.eml");
    let v = w.added("jdoe@contoso.com", "a.eml");
    assert_eq!(v["item"]["state"], "stuck");
    w.stop();
}

/// The folder given as typed, relative to the working folder (`watch Users`, `watch .`): an
/// account created later is found as with an absolute path (the watcher reports absolute
/// paths; the new folder was taken for a changed log).
#[test]
fn an_account_created_later_is_reported_under_a_relative_path() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("case");
    stuck_item(&spooler(&root, "jdoe", "jdoe@contoso.com"), "old.eml");
    let mut w = Watch::start_in(Some(t.path()), &["case".as_ref()]);
    w.added("jdoe@contoso.com", "old.eml");
    stuck_item(&spooler(&root, "jdoe", "amy@contoso.com"), "a.eml");
    w.added("amy@contoso.com", "a.eml");
    w.stop();
}

/// `--all-users`: a user who logs on to the terminal server after the start.
#[test]
fn a_profile_created_later_is_reported_with_all_users() {
    let t = tempfile::tempdir().expect("tempdir");
    let users = t.path().join("Users");
    stuck_item(&spooler(t.path(), "jdoe", "jdoe@contoso.com"), "old.eml");
    let mut w = Watch::start(&[
        "--all-users".as_ref(),
        "--profiles-root".as_ref(),
        users.as_os_str(),
    ]);
    w.added("jdoe@contoso.com", "old.eml");
    // The profile first, the client's folders a moment later.
    std::fs::create_dir_all(users.join("rlee/AppData/Local")).expect("mkdir profile");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    stuck_item(&spooler(t.path(), "rlee", "rlee@contoso.com"), "r.eml");
    w.added("rlee@contoso.com", "r.eml");
    w.stop();
}

fn log_line(n: u32) -> String {
    let stamp = chrono::Local::now().format("%m/%d/%Y|%H:%M:%S%.3f");
    format!("{stamp} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref={n}\r\n")
}

fn append(p: &Path, s: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(p)
        .expect("open log");
    f.write_all(s.as_bytes()).expect("append");
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A log (or its `Tracing` folder) that can no longer be read keeps what was read from it: the
/// findings it proved stay open, one `error` line says it, `scan-incomplete` opens, and all of
/// that clears once it can be read again (the records written meanwhile then come out).
fn unreadable_log_keeps_its_findings(folder: bool) {
    let t = shared_tempdir();
    let sp = spooler(t.path(), "jdoe", "jdoe@contoso.com");
    stuck_item(&sp, "old.eml");
    let tracing = sp
        .parent()
        .and_then(Path::parent)
        .expect("Lync")
        .join("Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    let log = tracing.join("Lync-UccApi-0.UccApilog");
    std::fs::write(&log, log_line(1)).expect("write log");
    let mut c = unprivileged_std(UNPRIVILEGED_UID);
    c.args(["watch", "--format", "ndjson", "--heartbeat", "1h"])
        .arg(t.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut w = Watch {
        child,
        rx,
        seen: Vec::new(),
    };
    w.wait("ews-auth-failed", |v| {
        v["type"] == "finding-opened" && v["finding"]["rule"] == "ews-auth-failed"
    });
    w.wait("the first heartbeat", |v| v["type"] == "heartbeat");
    let blocked = if folder { &tracing } else { &log };
    chmod(blocked, 0o000);
    assert_unreadable_for_unprivileged(&log, UNPRIVILEGED_UID);
    // The client goes on writing.
    append(&log, &log_line(2));
    let err = w.wait("the error line", |v| v["type"] == "error");
    assert!(
        err["error"]["path"].as_str() == blocked.to_str(),
        "the error names what cannot be read: {err}"
    );
    w.wait("scan-incomplete", |v| {
        v["type"] == "finding-opened" && v["finding"]["rule"] == "scan-incomplete"
    });
    chmod(blocked, if folder { 0o755 } else { 0o644 });
    append(&log, &log_line(3));
    w.wait("the record written last", |v| {
        v["type"] == "log-event"
            && v["event"]["excerpt"]
                .as_str()
                .is_some_and(|x| x.contains("ref=3"))
    });
    w.wait("scan-incomplete resolved", |v| {
        v["type"] == "finding-resolved" && v["finding"]["rule"] == "scan-incomplete"
    });
    let lines = w.stop();
    for v in &lines {
        let rule = v["finding"]["rule"].as_str().unwrap_or("");
        assert!(
            !(v["type"] == "finding-resolved" && rule == "ews-auth-failed"),
            "an unreadable log is no all-clear: {v}"
        );
        assert!(
            !(v["type"] == "finding-opened" && rule == "tracing-missing"),
            "the log is there: {v}"
        );
    }
    assert_eq!(
        lines.iter().filter(|v| v["type"] == "error").count(),
        if folder { 2 } else { 1 },
        "{lines:#?}"
    );
}

#[test]
fn a_log_that_cannot_be_read_keeps_its_findings_and_says_so() {
    unreadable_log_keeps_its_findings(false);
}

#[test]
fn a_tracing_folder_that_cannot_be_listed_keeps_its_findings_and_says_so() {
    unreadable_log_keeps_its_findings(true);
}
