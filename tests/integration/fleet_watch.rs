//! End-to-end: `fleet` on the NDJSON a real `watch` wrote, whole and with its last line cut.
#![cfg(unix)]

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

/// One `watch --output FILE` run over `tree`, ended by SIGTERM once `done` holds for the file.
fn watch_into(tree: &Path, out: &Path, done: impl Fn(&[Value]) -> bool) {
    let mut c = std::process::Command::new(bin_path());
    test_env(&mut c);
    c.args(["watch", "--heartbeat", "1h", "--output"])
        .arg(out)
        .arg(tree)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut w = Guarded::spawn(&mut c, RUN_LIMIT);
    wait_until(WAIT_LIMIT, "the lines the test needs", || {
        let text = fs::read_to_string(out).unwrap_or_default();
        let v: Vec<Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        done(&v)
    });
    w.signal("TERM");
    assert_eq!(w.wait(WAIT_LIMIT).code(), Some(0));
}

fn fleet_json(file: &Path) -> (Value, i32) {
    let out = bin()
        .args(["fleet", "--format", "json", "--fail-on", "warning"])
        .arg(file)
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap_or(-1))
}

fn types(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| v["type"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// README (Fleet use): `fleet` folds collected watch streams back into the per-host table. A
/// stream with one stuck item gives that account's row with the item stuck and the finding
/// open, whatever account-less lines (`scan-started`, `heartbeat`) the stream also has.
#[test]
fn fleet_reads_a_real_watch_stream() {
    let t = tempfile::tempdir().expect("tempdir");
    let logs = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("old.xml"), b"<a/>", 30 * 86_400);
    let out = logs.path().join("ws.ndjson");
    let mtime = fs::metadata(sp.join("old.xml"))
        .and_then(|m| m.modified())
        .expect("mtime");
    let started = SystemTime::now();
    watch_into(t.path(), &out, |v| {
        v.iter().any(|l| {
            l["type"] == "finding-opened"
                && l["finding"]["rule"] == "spool-stuck"
                && l["account"] == "u@contoso.com"
        })
    });
    let text = fs::read_to_string(&out).expect("read");
    let kinds = types(&text);
    // The shape that hid the account before: host-level lines with no account.
    for k in ["scan-started", "heartbeat", "item-stuck", "finding-opened"] {
        assert!(kinds.iter().any(|x| x == k), "no {k} line in {text}");
    }
    assert!(text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .any(|v| v["type"] == "heartbeat" && v.get("account").is_none_or(Value::is_null)));

    let (v, code) = fleet_json(&out);
    assert_eq!(code, 1, "an open spool-stuck finding: {v}");
    assert_eq!(v["hosts"], 1, "{v}");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "one row, the account's: {v}");
    let r = &rows[0];
    assert_eq!(r["account"], "u@contoso.com", "{v}");
    assert_eq!(r["profile"], "u", "{v}");
    assert_eq!(
        (r["stuck"].as_u64(), r["items"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(r["rules"]["spool-stuck"], 1, "{v}");
    assert!(r["critical"].as_u64().unwrap_or(0) + r["warning"].as_u64().unwrap_or(0) >= 1);
    // The item's age when the stream ended: between its age when watch started and now
    // (whole seconds, as the lines carry them).
    let oldest = r["oldest_age_secs"].as_i64().expect("oldest age");
    let age = |at: SystemTime| {
        at.duration_since(mtime)
            .expect("mtime in the past")
            .as_secs() as i64
    };
    assert!(
        (age(started) - 1..=age(SystemTime::now()) + 1).contains(&oldest),
        "{oldest} not in {}..={}",
        age(started),
        age(SystemTime::now())
    );
    assert!(
        v["notes"].as_array().is_none_or(Vec::is_empty),
        "nothing skipped or superseded: {v}"
    );

    // The same stream copied while it was written: every complete line is used, the cut one
    // is named in one error line, and the exit code still follows the open finding.
    let cut = logs.path().join("cut.ndjson");
    // (The cut line is a copy of the last one, so the complete lines are the whole stream.)
    let last = text.lines().last().expect("a line");
    let half = last.find(",\"host\"").expect("a host key");
    fs::write(&cut, format!("{text}{}", &last[..half])).expect("write");
    let (c, code) = fleet_json(&cut);
    assert_eq!(code, 1, "{c}");
    let rows = c["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{c}");
    for k in ["account", "stuck", "items", "critical", "warning", "rules"] {
        assert_eq!(rows[0][k], r[k], "{k}: {c}");
    }
    let errors = c["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{c}");
    assert!(errors[0]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("cut.ndjson")));
    let msg = errors[0]["message"].as_str().expect("message");
    let n = text.lines().count() + 1;
    assert!(
        msg.contains(&format!("line {n}")) && msg.contains("cut"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));

    // A second run appended to the same file after the client sent the item: the stream now
    // describes a clear host, so fleet says so.
    fs::remove_file(sp.join("old.xml")).expect("rm");
    watch_into(t.path(), &out, |v| {
        v.iter().filter(|l| l["type"] == "heartbeat").count() >= 2
    });
    let text = fs::read_to_string(&out).expect("read");
    assert_eq!(
        types(&text).iter().filter(|k| *k == "scan-started").count(),
        2
    );
    let (v, code) = fleet_json(&out);
    assert_eq!(code, 0, "{v}");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["stuck"], 0, "{v}");
    assert_eq!(rows[0]["critical"], 0, "{v}");
    assert_eq!(rows[0]["warning"], 0, "{v}");
}

/// A run killed mid-line leaves the stream without its last line ending; the next `watch
/// --output` onto it starts on a line of its own, so its `scan-started` is a whole line (it
/// used to be glued onto the cut one) and `fleet` reads the new run.
#[test]
fn a_watch_appended_after_a_cut_line_starts_its_own_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let logs = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("old.xml"), b"<a/>", 30 * 86_400);
    let out = logs.path().join("ws.ndjson");
    let cut = "{\"type\":\"heartbeat\",\"time\":\"2026-03-0";
    fs::write(&out, cut).expect("write");
    watch_into(t.path(), &out, |v| {
        v.iter().any(|l| l["type"] == "finding-opened")
    });
    let text = fs::read_to_string(&out).expect("read");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(cut));
    let second: Value = serde_json::from_str(lines.next().expect("second")).expect("json");
    assert_eq!(second["type"], "scan-started", "{text}");
    let (v, code) = fleet_json(&out);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["rows"][0]["stuck"], 1, "{v:#}");
}
