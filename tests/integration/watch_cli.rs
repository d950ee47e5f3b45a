//! End-to-end: `watch --format ndjson` on a real temp tree, ended by a signal. Every run is a
//! [`Guarded`] child (killed at its deadline) and every wait has a generous deadline; what the
//! tests assert is what the lines say, not how long things took.
#![cfg(unix)]

use crate::common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

fn is(v: &Value, kind: &str, name: &str) -> bool {
    v["type"] == kind
        && (v["item"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(name))
            || v["finding"]["rule"].as_str() == Some(name)
            || v["error"]["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(name)))
}

/// A running `watch`: its parsed lines, and the raw bytes once it has exited.
struct Watch {
    child: Guarded,
    rx: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(args: &[&OsStr]) -> Watch {
        let mut full: Vec<&OsStr> = vec!["watch".as_ref(), "--format".as_ref(), "ndjson".as_ref()];
        full.extend_from_slice(args);
        let mut child = Guarded::bin(&full, RUN_LIMIT);
        let rx = lines_of(child.stdout.take().expect("stdout"));
        Watch {
            child,
            rx,
            seen: Vec::new(),
        }
    }

    /// The first line (seen or to come) satisfying `pred`.
    fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let line = wait_line(&self.rx, &mut self.seen, WAIT_LIMIT, what, |l| {
            serde_json::from_str::<Value>(l).is_ok_and(|v| pred(&v))
        });
        serde_json::from_str(&line).expect("JSON line")
    }

    fn values(&self) -> Vec<Value> {
        self.seen
            .iter()
            .map(|l| serde_json::from_str(l).expect("every line is JSON"))
            .collect()
    }

    fn pos(&self, kind: &str, name: &str) -> usize {
        self.values()
            .iter()
            .position(|v| is(v, kind, name))
            .unwrap_or(usize::MAX)
    }

    /// Send `sig`, expect exit 0 and a stream of whole JSON lines.
    fn stop(mut self, sig: &str) -> Vec<String> {
        self.child.signal(sig);
        let st = self.child.wait(WAIT_LIMIT);
        assert_eq!(st.code(), Some(0), "watch after SIG{sig}");
        // The reader thread ends with the pipe; take what is left.
        while let Ok(l) = self.rx.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(l);
        }
        for l in &self.seen {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}"));
            assert!(v["type"].is_string() && v["time"].is_string(), "{l}");
        }
        self.seen
    }
}

fn set_mtime(p: &Path, ago: Duration) {
    std::fs::File::options()
        .write(true)
        .open(p)
        .expect("open")
        .set_modified(SystemTime::now() - ago)
        .expect("mtime");
}

fn run_watch(extra: &[&str]) {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    std::fs::create_dir_all(&sp).expect("mkdir");
    let mut args: Vec<&OsStr> = ["--stuck-after", "3s", "--heartbeat", "1h"]
        .iter()
        .map(OsStr::new)
        .collect();
    args.extend(extra.iter().map(OsStr::new));
    args.push(t.path().as_os_str());
    let mut w = {
        let mut full: Vec<&OsStr> = vec!["watch".as_ref(), "--format".as_ref(), "ndjson".as_ref()];
        full.extend_from_slice(&args);
        let mut c = std::process::Command::new(bin_path());
        test_env(&mut c);
        c.args(&full)
            .env("HOSTNAME", "test-host")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
        let rx = lines_of(child.stdout.take().expect("stdout"));
        Watch {
            child,
            rx,
            seen: Vec::new(),
        }
    };
    let first = w.wait("scan-started", |v| v["type"] == "scan-started");
    assert_eq!(first["host"], "test-host");

    // A file already 10 minutes old: added, stuck, and a finding, in that order.
    let old = sp.join("old.xml");
    std::fs::write(&old, create_item("a@contoso.com", "s", "IPM.Note")).expect("write");
    set_mtime(&old, Duration::from_secs(600));
    w.wait("the spool-stuck finding", |v| {
        is(v, "finding-opened", "spool-stuck")
    });
    let (a, s, f) = (
        w.pos("item-added", "old.xml"),
        w.pos("item-stuck", "old.xml"),
        w.pos("finding-opened", "spool-stuck"),
    );
    assert!(
        a < s && s < f && f != usize::MAX,
        "order: added {a}, stuck {s}, finding {f}: {:#?}",
        w.seen
    );
    let added = &w.values()[a];
    assert_eq!(added["account"], "u@contoso.com");
    assert_eq!(added["item"]["format"], "xml");

    // A fresh file crosses the timer while watched, with no file event at that moment: first
    // added as pending, later stuck, and only once older than the 3 s timer.
    let fresh = sp.join("fresh.xml");
    std::fs::write(&fresh, b"<a/>").expect("write");
    let added = w.wait("fresh.xml added", |v| is(v, "item-added", "fresh.xml"));
    assert_eq!(added["item"]["state"], "pending", "{added}");
    let stuck = w.wait("fresh.xml stuck", |v| is(v, "item-stuck", "fresh.xml"));
    assert_eq!(stuck["item"]["state"], "stuck");
    let age = stuck["item"]["age_secs"].as_i64().expect("age");
    assert!(
        age >= 3,
        "stuck at age {age} s, before the 3 s timer: {stuck}"
    );
    assert_eq!(
        w.values()
            .iter()
            .filter(|v| is(v, "item-stuck", "fresh.xml"))
            .count(),
        1,
        "stuck once"
    );

    // Removed, and the finding goes away with the last stuck item.
    std::fs::remove_file(&old).expect("rm");
    std::fs::remove_file(&fresh).expect("rm");
    w.wait("old.xml removed", |v| is(v, "item-removed", "old.xml"));
    let resolved = w.wait("finding-resolved", |v| {
        is(v, "finding-resolved", "spool-stuck")
    });
    assert_eq!(resolved["account"], "u@contoso.com", "{resolved}");
    assert!(
        w.pos("finding-resolved", "spool-stuck") > w.pos("item-removed", "fresh.xml"),
        "resolved before the last stuck item went: {:#?}",
        w.seen
    );

    // A new per-file problem: an `error` line naming the file.
    let fifo = sp.join("pipe0");
    let ok = assert_cmd::Command::new("mkfifo")
        .arg(&fifo)
        .timeout(Duration::from_secs(10))
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "mkfifo");
    let err = w.wait("an error line for the FIFO", |v| is(v, "error", "pipe0"));
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("fifo")),
        "{err}"
    );

    // SIGTERM: exit 0, and the stream ends on a whole line.
    w.stop("TERM");
}

#[test]
fn ndjson_lines_in_order_native() {
    run_watch(&[]);
}

#[test]
fn ndjson_lines_in_order_polling() {
    run_watch(&["--poll=500ms"]);
}

/// README: `heartbeat` after start (how it watches), then every `--heartbeat`, with counts.
#[test]
fn heartbeats_say_how_and_count() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    std::fs::create_dir_all(&sp).expect("mkdir");
    for (name, age) in [("a.xml", 600), ("b.xml", 5)] {
        std::fs::write(sp.join(name), b"<a/>").expect("write");
        set_mtime(&sp.join(name), Duration::from_secs(age));
    }
    let mut w = Watch::start(&[
        "--heartbeat".as_ref(),
        "1s".as_ref(),
        "--poll=400ms".as_ref(),
        t.path().as_os_str(),
    ]);
    let first = w.wait("the first heartbeat", |v| v["type"] == "heartbeat");
    let msg = first["message"].as_str().expect("message");
    assert!(
        msg.contains("mode poll 400ms") && msg.contains("folder(s)"),
        "{msg}"
    );
    let counts = w.wait("a heartbeat with counts", |v| {
        v["type"] == "heartbeat" && v["message"].as_str().is_some_and(|m| m.contains("item(s)"))
    });
    let m = counts["message"].as_str().expect("message");
    assert!(
        m.contains("1 account(s)") && m.contains("2 item(s)") && m.contains("1 stuck"),
        "{m}"
    );
    // Periodic: more follow, a second apart.
    w.wait("a second heartbeat with counts", |v| {
        v["type"] == "heartbeat"
            && v["message"].as_str().is_some_and(|m| m.contains("item(s)"))
            && v["time"] != counts["time"]
    });
    let lines = w.stop("INT");
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("\"heartbeat\"") && l.contains("item(s)"))
            .count()
            >= 2,
        "{lines:#?}"
    );
}

/// README: "runs until SIGINT/SIGTERM/SIGHUP (or Ctrl+C) and exits 0".
#[test]
fn every_stop_signal_exits_zero() {
    for sig in ["INT", "HUP", "TERM"] {
        let t = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(sip_dir(t.path(), "u", "16.0", "u@contoso.com")).expect("mkdir");
        let mut w = Watch::start(&["--heartbeat".as_ref(), "1h".as_ref(), t.path().as_os_str()]);
        w.wait("the first heartbeat", |v| v["type"] == "heartbeat");
        w.stop(sig);
    }
}

#[test]
fn output_file_is_never_inside_the_tree() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .args(["watch", "--output"])
        .arg(t.path().join("x.ndjson"))
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside a scanned folder"));
    assert!(!t.path().join("x.ndjson").exists());
}

/// README: lines are "appended to `--output FILE` (flushed per line, so a log shipper can tail
/// it)": what was in the file stays, each run adds its lines, each line is there while the run
/// goes on, and nothing goes to stdout.
#[test]
fn output_file_is_appended_and_flushed_per_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let logs = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("old.xml"), b"<a/>", 600);
    let out = logs.path().join("spoolscope.ndjson");
    std::fs::write(&out, "{\"type\":\"from-before\"}\n").expect("write");
    for run in 1..=2 {
        let mut w = Guarded::bin(
            &[
                "watch".as_ref(),
                "--heartbeat".as_ref(),
                "1h".as_ref(),
                "--output".as_ref(),
                out.as_os_str(),
                t.path().as_os_str(),
            ],
            RUN_LIMIT,
        );
        let stdout = lines_of(w.stdout.take().expect("stdout"));
        // Flushed per line: the item-stuck line is in the file while the run goes on.
        wait_until(WAIT_LIMIT, "item-stuck in the file", || {
            std::fs::read_to_string(&out)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains("\"item-stuck\""))
                .count()
                == run
        });
        assert!(w.running(), "the run ended early");
        w.signal("TERM");
        assert_eq!(w.wait(WAIT_LIMIT).code(), Some(0));
        assert!(stdout.try_iter().next().is_none(), "lines went to stdout");
    }
    let text = std::fs::read_to_string(&out).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], "{\"type\":\"from-before\"}",
        "earlier content kept"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("\"scan-started\""))
            .count(),
        2,
        "{text}"
    );
    assert!(text.ends_with('\n'), "a partial last line");
    for l in &lines[1..] {
        let v: Value = serde_json::from_str(l).expect("JSON line");
        assert!(v["type"].is_string(), "{l}");
    }
}

/// `watch` masks message content in log excerpts unless `--show-content`, as `report` does.
#[test]
fn log_event_lines_mask_subjects_unless_shown() {
    for (extra, shown) in [(None, false), (Some("--show-content"), true)] {
        let t = tempfile::tempdir().expect("tempdir");
        let lync = sip_dir(t.path(), "u", "16.0", "u@contoso.com");
        std::fs::create_dir_all(lync.join("History Spooler")).expect("mkdir");
        let tracing = lync.parent().expect("Lync").join("Tracing");
        std::fs::create_dir_all(&tracing).expect("mkdir");
        let stamp = chrono::Utc::now().format("%m/%d/%Y|%H:%M:%S%.3f");
        std::fs::write(
            tracing.join("Lync-UccApi-0.UccApilog"),
            format!(
                "{stamp} 1F68:C14 INFO  :: POST https://mail.contoso.com/EWS/Exchange.asmx CreateItem\n\
                 {stamp} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized <t:Subject>Layoffs list</t:Subject>\n"
            ),
        )
        .expect("write log");
        let mut args: Vec<&OsStr> = vec!["--heartbeat".as_ref(), "1h".as_ref()];
        if let Some(x) = extra {
            args.push(x.as_ref());
        }
        args.push(t.path().as_os_str());
        let mut w = Watch::start(&args);
        let ev = w.wait("a 401 log-event", |v| {
            v["type"] == "log-event"
                && v["event"]["excerpt"]
                    .as_str()
                    .is_some_and(|x| x.contains("401"))
        });
        let excerpt = ev["event"]["excerpt"].as_str().unwrap_or_default();
        assert_eq!(excerpt.contains("Layoffs list"), shown, "{excerpt}");
        assert!(excerpt.contains("<t:Subject>"), "{excerpt}");
        w.stop("TERM");
    }
}

// ------------------------------------------------------------------ native → polling fallback

/// A python3 that an unprivileged user can run (root's may live under /root).
fn system_python() -> Option<&'static str> {
    ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
}

/// Use up every inotify instance user `uid` may have (the kernel's per-user
/// `max_user_instances`), as many watching programs or a low limit on a terminal server would;
/// held until the guard is dropped. `None` (after a skip line) when this process cannot run
/// anything as another user.
fn exhaust_inotify(uid: u32) -> Option<Guarded> {
    if !running_as_root() {
        skip("native→polling fallback: needs root to run as a separate user whose inotify instances can be used up");
        return None;
    }
    let Some(py) = system_python() else {
        skip("native→polling fallback: no system python3 to hold inotify instances");
        return None;
    };
    let script = "import ctypes,sys\nlibc=ctypes.CDLL(None,use_errno=True)\nfds=[]\nwhile True:\n    fd=libc.inotify_init1(0)\n    if fd<0: break\n    fds.append(fd)\nprint(len(fds),ctypes.get_errno(),flush=True)\nsys.stdin.read()\n";
    let mut c = std::process::Command::new("setpriv");
    c.args([
        format!("--reuid={uid}"),
        format!("--regid={uid}"),
        "--clear-groups".into(),
        "--".into(),
        py.into(),
        "-c".into(),
        script.into(),
    ])
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::inherit());
    let mut g = Guarded::spawn(&mut c, RUN_LIMIT);
    let rx = lines_of(g.stdout.take().expect("stdout"));
    let mut seen = Vec::new();
    let line = wait_line(&rx, &mut seen, WAIT_LIMIT, "the holder's count", |_| true);
    let mut it = line.split_whitespace();
    let (held, errno): (u32, i32) = (
        it.next().and_then(|n| n.parse().ok()).expect("count"),
        it.next().and_then(|n| n.parse().ok()).expect("errno"),
    );
    // EMFILE: the per-user instance limit (not an fd limit of the holder).
    assert_eq!(
        errno, 24,
        "inotify_init1 stopped with errno {errno} after {held}"
    );
    Some(g)
}

/// README: "If native watching cannot start (inotify limits, network shares), polling takes
/// over". Run as a user with no inotify instance left: the watch polls, says so, and still sees
/// a new file.
#[test]
fn native_watching_falls_back_to_polling() {
    const UID: u32 = 47_021;
    let Some(holder) = exhaust_inotify(UID) else {
        return;
    };
    let t = shared_tempdir();
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    std::fs::create_dir_all(&sp).expect("mkdir");
    let mut c = std::process::Command::new("setpriv");
    c.args([
        format!("--reuid={UID}"),
        format!("--regid={UID}"),
        "--clear-groups".into(),
        "--".into(),
    ])
    .arg(bin_path())
    .args(["watch", "--stuck-after", "1s", "--heartbeat", "1h"])
    .arg(t.path())
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    test_env(&mut c);
    let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut w = Watch {
        child,
        rx,
        seen: Vec::new(),
    };
    let hb = w.wait("the first heartbeat", |v| v["type"] == "heartbeat");
    let msg = hb["message"].as_str().expect("message");
    assert!(
        msg.contains("mode poll 2s") && msg.contains("native watching failed"),
        "{msg}"
    );
    let f = sp.join("late.xml");
    std::fs::write(&f, b"<a/>").expect("write");
    set_mtime(&f, Duration::from_secs(600));
    w.wait("the new file, seen by polling", |v| {
        is(v, "item-added", "late.xml")
    });
    w.stop("TERM");
    drop(holder);
}

/// A watched spooler that becomes unreadable (access denied) does not "process" its items:
/// no `item-removed`, `spool-stuck` stays open and `spool-unreadable` opens. Readable again,
/// the spooler is read as it is: the item that went away then is `item-removed`, and both
/// findings resolve. Runs unprivileged (as root, through `setpriv`) so the permission bites.
#[cfg(unix)]
#[test]
fn a_spooler_that_becomes_unreadable_keeps_its_items_until_it_is_listed_again() {
    use std::os::unix::fs::PermissionsExt;
    let t = shared_tempdir();
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    std::fs::create_dir_all(&sp).expect("mkdir");
    let f = sp.join("old.xml");
    std::fs::write(&f, b"<a/>").expect("write");
    set_mtime(&f, Duration::from_secs(600));
    let mut c = unprivileged_std(UNPRIVILEGED_UID);
    c.args([
        "watch",
        "--format",
        "ndjson",
        "--poll=1s",
        "--heartbeat",
        "1s",
    ])
    .arg(t.path())
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut w = Watch {
        child,
        rx,
        seen: Vec::new(),
    };
    w.wait("spool-stuck opened", |v| {
        is(v, "finding-opened", "spool-stuck")
    });
    std::fs::set_permissions(&sp, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    assert_unreadable_for_unprivileged(&f, UNPRIVILEGED_UID);
    w.wait("spool-unreadable opened", |v| {
        is(v, "finding-opened", "spool-unreadable")
    });
    // Some heartbeats later, still nothing removed or resolved.
    let beats = w
        .values()
        .iter()
        .filter(|v| v["type"] == "heartbeat")
        .count();
    std::thread::sleep(Duration::from_secs(3));
    while let Ok(l) = w.rx.try_recv() {
        w.seen.push(l);
    }
    assert!(
        w.values()
            .iter()
            .filter(|v| v["type"] == "heartbeat")
            .count()
            >= beats + 2,
        "heartbeats counted"
    );
    assert_eq!(
        w.pos("item-removed", "old.xml"),
        usize::MAX,
        "{:#?}",
        w.seen
    );
    assert_eq!(
        w.pos("finding-resolved", "spool-stuck"),
        usize::MAX,
        "{:#?}",
        w.seen
    );
    // Readable again, with the item gone: now it was processed.
    std::fs::set_permissions(&sp, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::remove_file(&f).expect("rm");
    w.wait("the item removed", |v| is(v, "item-removed", "old.xml"));
    w.wait("spool-stuck resolved", |v| {
        is(v, "finding-resolved", "spool-stuck")
    });
    w.wait("spool-unreadable resolved", |v| {
        is(v, "finding-resolved", "spool-unreadable")
    });
    w.stop("TERM");
}
