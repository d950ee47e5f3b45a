//! `fleet` reads every report in a folder it is given, or says what it did not read: a report
//! deep in a site/date/host tree, one saved under another name, a linked folder; two users of
//! one host keep their own host-level rows; a mistyped path is "no such file". A link in a
//! folder is an error whatever its name; a file that only starts like a report is no host; a
//! folder named through a link, or matched by a glob, is searched.
#![cfg(unix)]

use super::fleet_unread::{clean_report, fleet, fleet_json, stuck_report, write};
use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn rows_of(v: &Value) -> Vec<String> {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["host"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Review wild8b d14: a report nine folders down (site/date/host) is read, not left out; a
/// folder past the walk's depth that still holds files is an error line, so the run is not
/// an all-clear.
#[test]
fn deep_reports_are_read_and_a_folder_too_deep_is_named() {
    let d = tempfile::tempdir().expect("tempdir");
    let c = d.path();
    fs::create_dir_all(c.join("emea/de/ws1")).expect("mkdir");
    write(
        &c.join("emea/de/ws1"),
        "report.json",
        clean_report("clean-pc").as_bytes(),
    );
    let deep = c.join("emea/de/berlin/floor3/2026/03/02/ws2");
    fs::create_dir_all(&deep).expect("mkdir");
    write(&deep, "report.json", stuck_report("stuck-pc").as_bytes());
    let (v, code) = fleet_json(&[], &[c]);
    assert_eq!(code, 1, "{v}");
    assert!(rows_of(&v).contains(&"stuck-pc".to_string()), "{v}");
    assert_eq!(v["unread_inputs"], 0, "{v}");

    // Past the depth limit: 60 folders down.
    let mut far = c.join("far");
    for _ in 0..60 {
        far = far.join("d");
    }
    fs::create_dir_all(&far).expect("mkdir");
    write(&far, "report.json", clean_report("far-pc").as_bytes());
    let (v, code) = fleet_json(&[], &[c]);
    assert_eq!(code, 1, "{v}");
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{v}");
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("deeper than") && m.contains("not searched")),
        "{v}"
    );
    assert_eq!(v["unread_inputs"], 1, "{v}");
}

/// Review wild8b d14: a sub-folder the user cannot list is an error line, not left out.
/// (Root lists any folder, so this runs only as another user.)
#[test]
fn an_unlistable_folder_is_an_error() {
    if fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0) {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().expect("tempdir");
    write(d.path(), "ws1.json", clean_report("clean-pc").as_bytes());
    let locked = d.path().join("locked");
    fs::create_dir(&locked).expect("mkdir");
    write(&locked, "ws2.json", stuck_report("stuck-pc").as_bytes());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let (v, code) = fleet_json(&[], &[d.path()]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o700)).expect("chmod");
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["unread_inputs"], 1, "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot read")),
        "{v}"
    );
}

/// Review wild8b d07: a report saved under another name (`ws2.txt`, `ws3.json.bak`, a UTF-16
/// copy) is read by its content; other files are counted in one note with their names.
#[test]
fn a_report_under_another_name_is_read_and_other_files_are_counted() {
    let d = tempfile::tempdir().expect("tempdir");
    write(d.path(), "ws1.json", clean_report("clean-pc").as_bytes());
    write(d.path(), "ws2.txt", stuck_report("stuck-pc").as_bytes());
    let utf16: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(clean_report("utf16-pc").encode_utf16())
        .flat_map(|u| u.to_le_bytes())
        .collect();
    write(d.path(), "ws3.json.bak", &utf16);
    write(d.path(), "readme.txt", b"collected on monday\n");
    write(d.path(), "list.csv", b"{\"host\":\"x\"}\n");
    let (v, code) = fleet_json(&[], &[d.path()]);
    assert_eq!(code, 1, "{v}");
    let hosts = rows_of(&v);
    for h in ["clean-pc", "stuck-pc", "utf16-pc"] {
        assert!(hosts.contains(&h.to_string()), "{h}: {v}");
    }
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let note = notes
        .iter()
        .find(|n| n.contains("not read"))
        .unwrap_or_else(|| panic!("{v}"));
    assert!(note.contains("2 file(s) not read"), "{note}");
    assert!(
        note.contains("readme.txt") && note.contains("list.csv"),
        "{note}"
    );
    // Passed-over files are named, not errors: the clean folder alone is an all-clear.
    fs::remove_file(d.path().join("ws2.txt")).expect("rm");
    let (v, code) = fleet_json(&[], &[d.path()]);
    assert_eq!((code, v["unread_inputs"].as_u64()), (0, Some(0)), "{v}");
}

/// A report of `host` made by `user` at `now`, with a `--log` FIFO (alice's host-level
/// `scan-incomplete`) when `fifo` is given.
fn user_report(tree: &Path, user: &str, now: &str, fifo: Option<&Path>) -> (String, i32) {
    let mut c = bin();
    c.env("HOSTNAME", "vm")
        .env("COMPUTERNAME", "vm")
        .env("USER", user)
        .env("USERNAME", user)
        .args(["report", "--format", "json", "--now", now])
        .arg(tree);
    if let Some(f) = fifo {
        c.arg("--log").arg(f);
    }
    let out = c.output().expect("run");
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        out.status.code().unwrap_or(-1),
    )
}

/// Review wild8b d04: two users of one host. alice's report has a host-level finding (no
/// account); bob's newer report is clean. Both account-less rows are kept, and the run exits
/// 1 as alice's report alone does.
#[test]
fn another_users_newer_clean_report_keeps_a_host_level_warning() {
    let d = tempfile::tempdir().expect("tempdir");
    let (e1, e2, reports) = (d.path().join("e1"), d.path().join("e2"), d.path().join("r"));
    for p in [&e1, &e2, &reports] {
        fs::create_dir_all(p).expect("mkdir");
    }
    let fifo = d.path().join("p.UccApilog");
    assert!(tool(&["mkfifo".as_ref(), fifo.as_os_str()]), "mkfifo");
    let (alice, a) = user_report(&e1, "alice", "2026-12-02T07:00:00Z", Some(&fifo));
    let (bob, b) = user_report(&e2, "bob", "2026-12-02T07:05:00Z", None);
    assert_eq!((a, b), (1, 0), "{alice}\n{bob}");
    write(&reports, "alice.json", alice.as_bytes());
    write(&reports, "bob.json", bob.as_bytes());
    let (v, code) = fleet_json(&[], &[&reports]);
    assert_eq!(code, 1, "{v}");
    let users: Vec<&str> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["user"].as_str())
        .collect();
    assert!(users.contains(&"alice") && users.contains(&"bob"), "{v}");
    assert!(!v["notes"].to_string().contains("superseded"), "{v}");
}

/// Review wild8b d10: a fleet path that does not exist is "no such file", not the spooler's
/// "vanished (the client may have processed it)".
#[test]
fn a_missing_input_is_no_such_file() {
    let d = tempfile::tempdir().expect("tempdir");
    let (out, err, code) = fleet(&[], &[&d.path().join("typo.json")]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("typo.json: no such file"), "{err}");
    assert!(!err.contains("vanished"), "{err}");
}

fn error_message<'a>(v: &'a Value, name: &str) -> &'a str {
    v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no error for {name}: {v}"))
}

/// Review wild9a d02: a link found in a folder is an error line whatever its name (a link
/// named `ws2.txt` to a report with a stuck item, one with no extension, a dangling one), so
/// the run is not an all-clear, as for a link named `ws2.json`.
#[test]
fn a_link_in_a_folder_is_an_error_whatever_its_name() {
    let d = tempfile::tempdir().expect("tempdir");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let real = write(
        elsewhere.path(),
        "ws2.json",
        stuck_report("stuck-pc").as_bytes(),
    );
    write(d.path(), "ws1.json", clean_report("clean-pc").as_bytes());
    std::os::unix::fs::symlink(&real, d.path().join("ws2.txt")).expect("symlink");
    std::os::unix::fs::symlink(&real, d.path().join("ws3")).expect("symlink");
    std::os::unix::fs::symlink(d.path().join("gone"), d.path().join("ws4.log")).expect("symlink");
    let (v, code) = fleet_json(&[], &[d.path()]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["unread_inputs"], 3, "{v}");
    for name in ["ws2.txt", "ws3", "ws4.log"] {
        assert!(error_message(&v, name).contains("link"), "{name}: {v}");
    }
    assert!(!v["notes"].to_string().contains("not read ("), "{v}");
}

/// Review wild9a d03: a JSON file that only starts like a report or stream (a service-account
/// key whose first key is `type`, fleet's own JSON output saved beside the reports) is no
/// host: under another name it is left out with its reason in a note; named `*.json` it is an
/// error, as any file so named that is not a report. A stream line needs a `host`.
#[test]
fn files_that_are_not_reports_make_no_hosts() {
    let d = tempfile::tempdir().expect("tempdir");
    write(d.path(), "ws1.json", clean_report("clean-pc").as_bytes());
    let (summary, _, code) = fleet(&["--format", "json"], &[d.path()]);
    assert_eq!(code, 0, "{summary}");
    let key = br#"{"type": "service_account", "project_id": "helpdesk", "client_email": "bot@example.iam"}
"#;
    write(d.path(), "gcp-key.txt", key);
    write(d.path(), "fleet-summary.txt", summary.as_bytes());
    let (v, code) = fleet_json(&[], &[d.path()]);
    assert_eq!((code, v["reports"].as_u64()), (0, Some(1)), "{v}");
    assert_eq!(rows_of(&v), ["clean-pc"], "{v}");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("gcp-key.txt: not read") && notes.contains("service_account"),
        "{v}"
    );
    assert!(
        notes.contains("fleet-summary.txt: not read") && notes.contains("fleet's own output"),
        "{v}"
    );

    // Named like reports: errors, and the run is not an all-clear.
    let e = tempfile::tempdir().expect("tempdir");
    write(e.path(), "ws1.json", clean_report("clean-pc").as_bytes());
    write(e.path(), "key.json", key);
    write(e.path(), "fleet.json", summary.as_bytes());
    write(
        e.path(),
        "nohost.ndjson",
        br#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","account":"a@c.com","item":{"path":"/p/1"}}
"#,
    );
    write(
        e.path(),
        "manifest.json",
        br#"{"schema_version": 1, "tool": "spoolscope", "files": []}"#,
    );
    let (v, code) = fleet_json(&[], &[e.path()]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(rows_of(&v), ["clean-pc"], "{v}");
    assert_eq!(v["unread_inputs"], 4, "{v}");
    assert!(
        error_message(&v, "key.json").contains("service_account"),
        "{v}"
    );
    assert!(
        error_message(&v, "fleet.json").contains("fleet's own output"),
        "{v}"
    );
    assert!(
        error_message(&v, "nohost.ndjson").contains("no \"host\""),
        "{v}"
    );
    assert!(
        error_message(&v, "manifest.json").contains("not a spoolscope report"),
        "{v}"
    );
}

/// Review wild9a d06: a folder named through a link is that folder: its reports are read and
/// the run is an all-clear, as by its real path.
#[test]
fn a_folder_named_through_a_link_is_searched() {
    let d = tempfile::tempdir().expect("tempdir");
    let today = d.path().join("today");
    fs::create_dir(&today).expect("mkdir");
    write(&today, "ws1.json", clean_report("clean-pc").as_bytes());
    let link = d.path().join("reports");
    std::os::unix::fs::symlink(&today, &link).expect("symlink");
    let (v, code) = fleet_json(&[], &[&link]);
    assert_eq!((code, v["reports"].as_u64()), (0, Some(1)), "{v}");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(rows_of(&v), ["clean-pc"], "{v}");
}

/// Review wild9a d10: `fleet 'reports/*'` (Windows' shell does not expand it) matching
/// per-host folders searches each, as a folder named among files does.
#[test]
fn folders_a_glob_matches_are_searched() {
    let d = tempfile::tempdir().expect("tempdir");
    for (h, r) in [
        ("ws1", clean_report("clean-pc")),
        ("ws2", stuck_report("stuck-pc")),
    ] {
        let f = d.path().join("reports").join(h);
        fs::create_dir_all(&f).expect("mkdir");
        write(&f, "spoolscope.json", r.as_bytes());
    }
    let single = write(d.path(), "ws3.json", clean_report("other-pc").as_bytes());
    let glob = d.path().join("reports").join("*");
    let (v, code) = fleet_json(&[], &[&glob, &single]);
    assert_eq!(code, 1, "{v}");
    let mut hosts = rows_of(&v);
    hosts.sort();
    assert_eq!(hosts, ["clean-pc", "other-pc", "stuck-pc"], "{v}");
    assert_eq!(v["unread_inputs"], 0, "{v}");
    // A folder among files is searched too.
    let (v, _) = fleet_json(&[], &[&single, &d.path().join("reports/ws2")]);
    assert!(rows_of(&v).contains(&"stuck-pc".to_string()), "{v}");
}
