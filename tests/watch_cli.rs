//! End-to-end: `watch --format ndjson` on a real temp tree, ended by SIGTERM.
#![cfg(unix)]

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

fn wait_for(
    rx: &mpsc::Receiver<Value>,
    seen: &mut Vec<Value>,
    within: Duration,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = seen.iter().find(|v| pred(v)) {
            return v.clone();
        }
        let left = deadline
            .checked_duration_since(Instant::now())
            .unwrap_or_else(|| panic!("timed out; lines so far: {seen:#?}"));
        match rx.recv_timeout(left) {
            Ok(v) => seen.push(v),
            Err(_) => panic!("timed out; lines so far: {seen:#?}"),
        }
    }
}

fn is(v: &Value, kind: &str, name: &str) -> bool {
    v["type"] == kind
        && (v["item"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(name))
            || v["finding"]["rule"].as_str() == Some(name))
}

fn run_watch(extra: &[&str]) {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    std::fs::create_dir_all(&sp).expect("mkdir");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("spoolscope"))
        .args([
            "watch",
            "--format",
            "ndjson",
            "--stuck-after",
            "3s",
            "--heartbeat",
            "1h",
        ])
        .args(extra)
        .arg(t.path())
        .env("HOSTNAME", "test-host")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    let (raw_tx, raw_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut all = Vec::new();
        loop {
            let mut line = Vec::new();
            match r.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    all.extend_from_slice(&line);
                    if let Ok(v) = serde_json::from_slice::<Value>(&line) {
                        let _ = tx.send(v);
                    }
                }
            }
        }
        let mut rest = Vec::new();
        let _ = r.read_to_end(&mut rest);
        all.extend(rest);
        let _ = raw_tx.send(all);
    });
    let mut seen = Vec::new();
    let first = wait_for(&rx, &mut seen, Duration::from_secs(10), |v| {
        v["type"] == "scan-started"
    });
    assert_eq!(first["host"], "test-host");

    // A file already 10 minutes old: added, stuck, and a finding, in that order.
    let old = sp.join("old.xml");
    std::fs::write(&old, create_item("a@contoso.com", "s", "IPM.Note")).expect("write");
    std::fs::File::options()
        .write(true)
        .open(&old)
        .expect("open")
        .set_modified(SystemTime::now() - Duration::from_secs(600))
        .expect("mtime");
    wait_for(&rx, &mut seen, Duration::from_secs(5), |v| {
        is(v, "finding-opened", "spool-stuck")
    });
    let pos = |kind: &str, name: &str| {
        seen.iter()
            .position(|v| is(v, kind, name))
            .unwrap_or(usize::MAX)
    };
    let (a, s, f) = (
        pos("item-added", "old.xml"),
        pos("item-stuck", "old.xml"),
        pos("finding-opened", "spool-stuck"),
    );
    assert!(
        a < s && s < f && f != usize::MAX,
        "order: added {a}, stuck {s}, finding {f}: {seen:#?}"
    );
    let added = &seen[a];
    assert_eq!(added["account"], "u@contoso.com");
    assert_eq!(added["item"]["format"], "xml");

    // A fresh file crosses the timer while watched, with no file event at that moment.
    let fresh = sp.join("fresh.xml");
    std::fs::write(&fresh, b"<a/>").expect("write");
    let created = Instant::now();
    wait_for(&rx, &mut seen, Duration::from_secs(5), |v| {
        is(v, "item-added", "fresh.xml")
    });
    assert!(
        !seen.iter().any(|v| is(v, "item-stuck", "fresh.xml")),
        "stuck too early"
    );
    wait_for(&rx, &mut seen, Duration::from_secs(8), |v| {
        is(v, "item-stuck", "fresh.xml")
    });
    assert!(
        created.elapsed() >= Duration::from_secs(2),
        "stuck before the 3 s timer"
    );

    // Removed.
    std::fs::remove_file(&old).expect("rm");
    wait_for(&rx, &mut seen, Duration::from_secs(5), |v| {
        is(v, "item-removed", "old.xml")
    });

    // SIGTERM: exit 0, and the stream ends on a whole line.
    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(st.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    let raw = raw_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("raw stdout");
    assert_eq!(raw.last(), Some(&b'\n'), "partial last line");
    for line in raw.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let v: Value = serde_json::from_slice(line).expect("every line is JSON");
        assert!(v["type"].is_string() && v["time"].is_string());
    }
}

#[test]
fn ndjson_lines_in_order_native() {
    run_watch(&[]);
}

#[test]
fn ndjson_lines_in_order_polling() {
    run_watch(&["--poll=500ms"]);
}

#[test]
fn output_file_is_appended_and_never_inside_the_tree() {
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
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("spoolscope"));
        cmd.args(["watch", "--format", "ndjson", "--heartbeat", "1h"]);
        if let Some(x) = extra {
            cmd.arg(x);
        }
        let mut child = cmd
            .arg(t.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    let _ = tx.send(v);
                }
            }
        });
        let mut seen = Vec::new();
        let ev = wait_for(&rx, &mut seen, Duration::from_secs(10), |v| {
            v["type"] == "log-event"
                && v["event"]["excerpt"]
                    .as_str()
                    .is_some_and(|x| x.contains("401"))
        });
        let _ = child.kill();
        let _ = child.wait();
        let excerpt = ev["event"]["excerpt"].as_str().unwrap_or_default();
        assert_eq!(excerpt.contains("Layoffs list"), shown, "{excerpt}");
        assert!(excerpt.contains("<t:Subject>"), "{excerpt}");
    }
}
