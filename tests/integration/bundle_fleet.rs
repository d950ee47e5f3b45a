//! End-to-end: `bundle` and `fleet` on real files.

use crate::common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs;

fn case(root: &std::path::Path) {
    let sp = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("one.xml"),
        create_item("rlee@contoso.com", "Merger plans Zanzibar", "IPM.Note").as_bytes(),
        900,
    );
    put(
        &sp.join("two.eml"),
        b"From: jdoe@contoso.com\r\nTo: ext@fabrikam.com\r\nSubject: Quokka budget\r\n\r\nThe quokka numbers are final.\r\n",
        900,
    );
    put(
        &sp.join("fresh.xml"),
        create_item("a@contoso.com", "Fresh subject", "IPM.Note").as_bytes(),
        10,
    );
}

#[test]
fn bundle_hashes_redacts_and_changes_nothing() {
    let t = tempfile::tempdir().expect("tempdir");
    let out_dir = tempfile::tempdir().expect("tempdir");
    case(t.path());
    let before = snapshot(t.path());
    let out = out_dir.path().join("case.zip");
    let run = bin()
        .args(["bundle", "--now", NOW, "-o"])
        .arg(&out)
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(before, snapshot(t.path()), "the scanned tree changed");

    let entries = zip_entries(&out);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for n in ["report.json", "report.md", "manifest.json"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let manifest: Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .expect("m")
            .1,
    )
    .expect("json");
    let files = manifest["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    for f in files {
        let src = f["source"].as_str().expect("source");
        let digest: String = Sha256::digest(fs::read(src).expect("read source"))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], digest, "{src}");
    }
    // Only stuck items are copied, under their original relative path.
    let copies: Vec<&(String, Vec<u8>)> = entries
        .iter()
        .filter(|(n, _)| n.starts_with("files/"))
        .collect();
    assert_eq!(copies.len(), 2, "{names:?}");
    assert!(copies
        .iter()
        .any(|(n, _)| n.ends_with("Lync/sip_jdoe@contoso.com/History Spooler/one.xml")));
    // No original subject or body text anywhere in the zip.
    for (name, bytes) in &entries {
        let s = String::from_utf8_lossy(bytes);
        for secret in [
            "Merger plans",
            "Zanzibar",
            "secret body text",
            "Quokka budget",
            "quokka numbers",
            "Fresh subject",
        ] {
            assert!(!s.contains(secret), "{name} contains {secret:?}");
        }
    }
    let one = &copies
        .iter()
        .find(|(n, _)| n.ends_with("one.xml"))
        .expect("one")
        .1;
    let one = String::from_utf8_lossy(one);
    assert!(
        one.contains("rlee@contoso.com") && one.contains("<t:ItemClass>IPM.Note</t:ItemClass>"),
        "structure kept: {one}"
    );

    // Refuses to overwrite, and refuses to write inside the scanned tree.
    let again = bin()
        .args(["bundle", "-o"])
        .arg(&out)
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let inside = t.path().join("Users/out.zip");
    let r = bin()
        .args(["bundle", "-o"])
        .arg(&inside)
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(2));
    assert!(!inside.exists());
    assert_eq!(before, snapshot(t.path()));

    let forced = bin()
        .args(["bundle", "--force", "--include-content", "--now", NOW, "-o"])
        .arg(&out)
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(forced.status.code(), Some(1));
    let all: String = zip_entries(&out)
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(all.contains("Zanzibar"), "--include-content keeps content");
}

fn report_file(
    dir: &std::path::Path,
    name: &str,
    host: &str,
    tree: &std::path::Path,
) -> std::path::PathBuf {
    let out = bin()
        .env("HOSTNAME", host)
        .env("COMPUTERNAME", host)
        .args(["report", "--format", "json", "--now", NOW])
        .arg(tree)
        .output()
        .expect("run");
    let p = dir.join(name);
    fs::write(&p, &out.stdout).expect("write");
    p
}

#[test]
fn fleet_merges_hosts_and_reports_bad_inputs() {
    let reports = tempfile::tempdir().expect("tempdir");
    let a = tempfile::tempdir().expect("tempdir");
    case(a.path());
    let b = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(b.path(), "mkim", "16.0", "mkim@contoso.com").join("History Spooler");
    put(&sp.join("ok.xml"), b"<a/>", 5);
    report_file(reports.path(), "ws-001.json", "WS-001", a.path());
    report_file(reports.path(), "ws-002.json", "WS-002", b.path());
    fs::write(
        reports.path().join("ws-003.json"),
        "{\"schema_version\": 0, \"host\": \"WS-003\"}",
    )
    .expect("write");
    fs::write(reports.path().join("broken.json"), "{ not json").expect("write");

    let out = bin()
        .args(["fleet", "--format", "json"])
        .arg(reports.path())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["hosts"], 2);
    let rows = v["rows"].as_array().expect("rows");
    let ws1 = rows.iter().find(|r| r["host"] == "WS-001").expect("ws1");
    assert_eq!(ws1["account"], "jdoe@contoso.com");
    assert_eq!(ws1["stuck"], 2);
    assert_eq!(ws1["rules"]["spool-stuck"], 1);
    let ws2 = rows.iter().find(|r| r["host"] == "WS-002").expect("ws2");
    assert_eq!(ws2["stuck"], 0);
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2);
    assert!(errors
        .iter()
        .any(|e| e["path"].as_str().expect("p").ends_with("ws-003.json")
            && e["message"].as_str().expect("m").contains("older")));
    assert!(errors
        .iter()
        .any(|e| e["path"].as_str().expect("p").ends_with("broken.json")));
    assert_eq!(rows[0]["host"], "WS-001", "worst first");

    // Text table: one line per host/account, errors listed at the end.
    let out = bin()
        .args(["fleet", "--color", "never"])
        .arg(reports.path())
        .output()
        .expect("run");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.lines().any(|l| l.starts_with("WS-001")
            && l.contains("jdoe@contoso.com")
            && l.contains("spool-stuck")),
        "{s}"
    );
    assert!(
        s.lines()
            .any(|l| l.starts_with("WS-002") && l.contains("mkim@contoso.com")),
        "{s}"
    );
    assert!(s.contains("broken.json"));

    // A duplicate is skipped, not double counted.
    fs::copy(
        reports.path().join("ws-001.json"),
        reports.path().join("ws-001-copy.json"),
    )
    .expect("copy");
    let out = bin()
        .args(["fleet", "--format", "json"])
        .arg(reports.path())
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["host"] == "WS-001")
            .count(),
        1
    );
    assert!(v["notes"][0].as_str().expect("note").contains("duplicate"));

    // Nothing readable at all: exit 2.
    let out = bin()
        .args(["fleet"])
        .arg(reports.path().join("broken.json"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}
