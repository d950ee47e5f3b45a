//! `fleet` never reads as an all-clear what it could not read: a cut, empty or binary input, a
//! report of a newer schema or with findings it cannot read, a severity it does not know, a
//! link or FIFO found in a folder. And an appended `watch --output` file whose earlier run was
//! cut inside a line is read from the new run's `scan-started`.
#![cfg(unix)]

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A report of `host` with one stuck item (a critical or warning finding), as JSON text.
pub(crate) fn stuck_report(host: &str) -> String {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(&sp.join("a.xml"), b"<a/>", 30 * 86_400);
    report_of(host, t.path())
}

/// A report of `host` with nothing in it.
pub(crate) fn clean_report(host: &str) -> String {
    let t = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(t.path().join("Users/bob")).expect("mkdir");
    report_of(host, t.path())
}

pub(crate) fn report_of(host: &str, tree: &Path) -> String {
    let out = bin()
        .env("HOSTNAME", host)
        .env("COMPUTERNAME", host)
        .args(["report", "--format", "json", "--now", NOW])
        .arg(tree)
        .output()
        .expect("run");
    let s = String::from_utf8(out.stdout).expect("utf-8");
    let v: Value = serde_json::from_str(&s).expect("a report");
    assert_eq!(
        v["host"], host,
        "the host name is taken from the environment"
    );
    s
}

pub(crate) fn fleet(args: &[&str], inputs: &[&Path]) -> (String, String, i32) {
    let out = bin()
        .arg("fleet")
        .args(args)
        .args(inputs)
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

pub(crate) fn fleet_json(args: &[&str], inputs: &[&Path]) -> (Value, i32) {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(args);
    let (out, err, code) = fleet(&a, inputs);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (v, code)
}

pub(crate) fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write");
    p
}

/// Review wild5f, defect 1: one host's report cut mid-write next to a clean one. The run is not
/// an all-clear: exit 1, and a problem line in text, Markdown and JSON says how many inputs
/// were not read. The same for an empty and a binary input.
#[test]
fn an_unread_input_beside_a_clean_one_is_not_an_all_clear() {
    let full = stuck_report("stuck-pc");
    let clean = clean_report("clean-pc");
    let bad: [(&str, Vec<u8>); 3] = [
        ("cut", full.as_bytes()[..full.len() * 3 / 4].to_vec()),
        ("empty", Vec::new()),
        ("binary", vec![0u8, 1, 2, 0xff, 0xfe, 0, 0, 7, 0x80]),
    ];
    for (what, bytes) in bad {
        let d = tempfile::tempdir().expect("tempdir");
        write(d.path(), "clean-pc.json", clean.as_bytes());
        write(d.path(), "stuck-pc.json", &bytes);
        let (v, code) = fleet_json(&[], &[d.path()]);
        assert_eq!(code, 1, "{what}: {v}");
        assert_eq!(v["unread_inputs"], 1, "{what}: {v}");
        assert_eq!(v["rows"].as_array().map(Vec::len), Some(1), "{what}: {v}");
        assert_eq!(v["rows"][0]["critical"], 0, "{what}: only the clean row");
        let p = v["problems"][0].as_str().expect("a problem line");
        assert!(p.starts_with("1 input(s) not read"), "{what}: {p}");

        let (text, _, code) = fleet(&["--color", "never"], &[d.path()]);
        assert_eq!(code, 1, "{what}: {text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with("problem: 1 input(s) not read")),
            "{what}: {text}"
        );
        let (md, _, code) = fleet(&["--format", "markdown"], &[d.path()]);
        assert_eq!(code, 1, "{what}: {md}");
        assert!(
            md.contains("**Problem:** 1 input(s) not read"),
            "{what}: {md}"
        );
        // As `scan-incomplete` in `report`: a warning, so `--fail-on critical` still passes.
        let (_, _, code) = fleet(&["--fail-on", "critical"], &[d.path()]);
        assert_eq!(code, 0, "{what}");
    }

    // Two clean inputs: an all-clear, with no problem line.
    let d = tempfile::tempdir().expect("tempdir");
    write(d.path(), "a.json", clean.as_bytes());
    write(d.path(), "b.json", clean_report("other-pc").as_bytes());
    let (v, code) = fleet_json(&[], &[d.path()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["unread_inputs"], 0, "{v}");
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v}");

    // Nothing readable at all stays exit 2.
    let d = tempfile::tempdir().expect("tempdir");
    let cut = write(
        d.path(),
        "stuck-pc.json",
        &full.as_bytes()[..full.len() / 2],
    );
    let (_, err, code) = fleet(&[], &[&cut]);
    assert_eq!(code, 2, "{err}");
}

/// Review wild5f, defect 2: findings `fleet` cannot read are never counted as healthy.
#[test]
fn findings_fleet_cannot_read_are_not_healthy() {
    let base: Value = serde_json::from_str(&stuck_report("stuck-pc")).expect("json");
    let n = base["findings"].as_array().map_or(0, Vec::len);
    assert!(n > 0, "the stuck report has findings: {base}");
    let worst = base["findings"][0]["severity"]
        .as_str()
        .expect("severity")
        .to_string();
    let clean = clean_report("clean-pc");
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        v.to_string()
    };
    let d = tempfile::tempdir().expect("tempdir");
    let clean = write(d.path(), "clean-pc.json", clean.as_bytes());

    // A newer schema: refused with an error line, counted as an unread input.
    let newer = write(
        d.path(),
        "newer.json",
        edit(&|v| v["schema_version"] = 2.into()).as_bytes(),
    );
    let (v, code) = fleet_json(&[], &[&clean, &newer]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["unread_inputs"], 1, "{v}");
    let e = &v["errors"][0];
    assert!(e["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("newer.json")));
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("newer")),
        "{v}"
    );
    // Alone, nothing was read: 2.
    assert_eq!(fleet(&[], &[&newer]).2, 2);

    // A severity in another case counts as that severity.
    let upper = write(
        d.path(),
        "upper.json",
        edit(&|v| {
            for f in v["findings"].as_array_mut().expect("findings") {
                let s = f["severity"].as_str().expect("sev").to_ascii_uppercase();
                f["severity"] = s.into();
            }
        })
        .as_bytes(),
    );
    let (v, code) = fleet_json(&[], &[&upper]);
    assert_eq!(code, 1, "{v}");
    let r = &v["rows"][0];
    let counted = r["critical"].as_u64().unwrap_or(0)
        + r["warning"].as_u64().unwrap_or(0)
        + r["info"].as_u64().unwrap_or(0);
    assert_eq!(counted, n as u64, "{v}");
    assert_eq!(r[worst.as_str()].as_u64().map(|c| c > 0), Some(true), "{v}");
    assert!(r.get("unknown_severity").is_none(), "{v}");

    // An unknown severity is a problem at any --fail-on, named, and not info.
    let odd = write(
        d.path(),
        "odd.json",
        edit(&|v| {
            for f in v["findings"].as_array_mut().expect("findings") {
                f["severity"] = "error".into();
            }
        })
        .as_bytes(),
    );
    let (v, code) = fleet_json(&["--fail-on", "critical"], &[&clean, &odd]);
    assert_eq!(code, 1, "{v}");
    let r = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["host"] == "stuck-pc")
        .expect("row");
    assert_eq!(r["unknown_severity"], n as u64, "{v}");
    assert_eq!(r["info"], 0, "{v}");
    assert!(
        v["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|p| p.as_str().is_some_and(|p| p.contains("\"error\""))),
        "{v}"
    );
    assert_eq!(v["rows"][0]["host"], "stuck-pc", "sorted as the worst: {v}");

    // No `findings`, or `findings` of the wrong type, while the summary counts some: an error
    // line for that input, counted as unread.
    for (name, text) in [
        (
            "none.json",
            edit(&|v| {
                v.as_object_mut().expect("object").remove("findings");
            }),
        ),
        (
            "object.json",
            edit(&|v| v["findings"] = serde_json::json!({"items": v["findings"].clone()})),
        ),
    ] {
        let p = write(d.path(), name, text.as_bytes());
        let (v, code) = fleet_json(&[], &[&clean, &p]);
        assert_eq!(code, 1, "{name}: {v}");
        assert_eq!(v["unread_inputs"], 1, "{name}: {v}");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("summary counts")),
            "{name}: {v}"
        );
    }
    // A report with no findings and a summary that counts none is still read.
    let none = write(
        d.path(),
        "fine.json",
        serde_json::json!({"schema_version": 1, "host": "quiet-pc",
            "summary": {"findings": {"critical": 0, "warning": 0, "info": 0}}})
        .to_string()
        .as_bytes(),
    );
    let (v, code) = fleet_json(&[], &[&none]);
    assert_eq!((code, v["unread_inputs"].as_u64()), (0, Some(0)), "{v}");
}

/// Review wild5f, defect 3: a `watch --output` file whose run was cut inside a line, then
/// appended to by a new run: the new run's `scan-started` is glued onto the cut line. The file
/// is read from that `scan-started` (its open finding counts), with a note, not an error.
#[test]
fn an_appended_stream_after_a_cut_line_is_read_from_the_new_run() {
    let line = |t: &str, rest: &str| {
        format!(r#"{{"type":"{t}","time":"2026-03-02T14:00:00Z","host":"ws1"{rest}}}"#)
    };
    let item = r#","profile":"jdoe","account":"jdoe@contoso.com","item":{"path":"/p/a.xml","age_secs":900}"#;
    let finding = r#","profile":"jdoe","account":"jdoe@contoso.com","finding":{"rule":"spool-stuck","severity":"warning","title":"t"}"#;
    let first = [line("scan-started", ""), line("item-stuck", item)].join("\n");
    let cut_line = line("finding-opened", finding);
    let second = [
        line("scan-started", ""),
        line("item-stuck", item),
        line("finding-opened", finding),
    ]
    .join("\n");
    let text = format!("{first}\n{}{second}\n", &cut_line[..cut_line.len() / 2]);
    let d = tempfile::tempdir().expect("tempdir");
    let p = write(d.path(), "w.ndjson", text.as_bytes());
    let (v, code) = fleet_json(&[], &[&p]);
    assert_eq!(code, 1, "the new run's open finding counts: {v}");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(v["unread_inputs"], 0, "{v}");
    let r = &v["rows"][0];
    assert_eq!(
        (r["stuck"].as_u64(), r["warning"].as_u64()),
        (Some(1), Some(1))
    );
    let note = v["notes"][0].as_str().expect("a note");
    assert!(
        note.contains("line 3") && note.contains("scan-started"),
        "{note}"
    );
    // Any other text glued before a line is still an error.
    let other = text.replace(r#"{"type":"scan-started""#, r#"{"type":"heartbeat""#);
    let p = write(d.path(), "x.ndjson", other.as_bytes());
    assert_eq!(fleet(&[], &[&p]).2, 2);
}

/// Review wild5f, defect 5: a link and a FIFO named `*.json` in a folder are each an error
/// line (as when named), and the run is not an all-clear.
#[test]
fn links_and_fifos_in_a_folder_are_named() {
    let d = tempfile::tempdir().expect("tempdir");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let real = write(
        elsewhere.path(),
        "stuck-pc.json",
        stuck_report("stuck-pc").as_bytes(),
    );
    write(
        d.path(),
        "clean-pc.json",
        clean_report("clean-pc").as_bytes(),
    );
    std::os::unix::fs::symlink(&real, d.path().join("stuck-pc.json")).expect("symlink");
    let fifo = d.path().join("pipe.json");
    assert!(tool(&["mkfifo".as_ref(), fifo.as_os_str()]), "mkfifo");
    // A link to a folder is not followed, and says so (review wild8b d14).
    std::os::unix::fs::symlink(elsewhere.path(), d.path().join("up")).expect("symlink");
    let (v, code) = fleet_json(&[], &[d.path()]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["unread_inputs"], 3, "{v}");
    let errors = v["errors"].as_array().expect("errors");
    let msg = |name: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .and_then(|e| e["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(msg("stuck-pc.json").contains("link"), "{v}");
    assert!(msg("pipe.json").contains("fifo"), "{v}");
    assert!(msg("up").contains("link to a folder, not followed"), "{v}");
    assert_eq!(errors.len(), 3, "{v}");
}
