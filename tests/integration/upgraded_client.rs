//! One profile, one address, two client folders: `Office\15.0\Lync\sip_x` and
//! `Office\16.0\Lync\sip_x` side by side, as a machine upgraded from Lync 2013 keeps them. They
//! are two accounts, and each finding about one of them must say which: in JSON (`client`,
//! `account_dir`), in the text report's sections, and in `watch` (two findings open, not one).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const ADDR: &str = "jdoe@contoso.com";

/// A stuck item in each client's spooler: `old15.xml` under 15.0, `new16.xml` under 16.0.
fn upgraded(root: &Path) {
    for (ver, name) in [("15.0", "old15.xml"), ("16.0", "new16.xml")] {
        let sp = sip_dir(root, "jdoe", ver, ADDR).join("History Spooler");
        put(
            &sp.join(name),
            create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
            900,
        );
    }
}

fn stuck_findings(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "spool-stuck")
        .collect()
}

#[test]
fn each_finding_names_its_client_folder_in_json() {
    let t = tempfile::tempdir().expect("tempdir");
    upgraded(t.path());
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{stderr}");
    let accounts = v["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 2);
    let stuck = stuck_findings(&v);
    assert_eq!(stuck.len(), 2, "{:#}", v["findings"]);
    for f in stuck {
        let client = f["client"].as_str().expect("client");
        let dir = f["account_dir"].as_str().expect("account_dir");
        // The folder is one of the accounts', the one of the same client.
        let acc = accounts
            .iter()
            .find(|a| a["dir"] == dir)
            .unwrap_or_else(|| panic!("{dir} is no account's dir"));
        assert_eq!(acc["client"], client);
        // And its evidence is that account's item.
        let item = if client == "15.0" {
            "old15.xml"
        } else {
            "new16.xml"
        };
        let ev = f["evidence"][0]["path"].as_str().expect("evidence path");
        assert!(ev.ends_with(item), "{client}: {ev}");
        assert!(ev.starts_with(dir), "{ev} not under {dir}");
    }
}

#[test]
fn each_text_section_lists_only_its_own_findings() {
    let t = tempfile::tempdir().expect("tempdir");
    upgraded(t.path());
    let out = bin()
        .arg("report")
        .arg(t.path())
        .args(["--now", NOW, "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let sections: Vec<&str> = text
        .split(&format!("\n{ADDR} · "))
        .skip(1)
        .map(|s| s.split("\ninventory").next().unwrap_or(s))
        .collect();
    assert_eq!(sections.len(), 2, "{text}");
    for s in sections {
        let (own, other) = if s.starts_with("Office 15.0") || s.contains("/15.0/") {
            ("old15.xml", "new16.xml")
        } else {
            ("new16.xml", "old15.xml")
        };
        assert_eq!(s.matches("spool-stuck").count(), 1, "{s}");
        assert!(s.contains(own), "{s}");
        assert!(
            !s.contains(other),
            "another account's item in this section: {s}"
        );
    }
}

#[cfg(unix)]
#[test]
fn watch_opens_one_finding_per_client_folder() {
    use std::time::Duration;
    let t = tempfile::tempdir().expect("tempdir");
    upgraded(t.path());
    let args: Vec<&std::ffi::OsStr> = vec![
        "watch".as_ref(),
        "--format".as_ref(),
        "ndjson".as_ref(),
        "--heartbeat".as_ref(),
        "1h".as_ref(),
        t.path().as_os_str(),
    ];
    let mut child = Guarded::bin(&args, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut seen = Vec::new();
    let opened = |l: &String| {
        serde_json::from_str::<Value>(l)
            .is_ok_and(|v| v["type"] == "finding-opened" && v["finding"]["rule"] == "spool-stuck")
    };
    wait_until(WAIT_LIMIT, "two spool-stuck findings opened", || {
        while let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push(l);
        }
        seen.iter().filter(|l| opened(l)).count() >= 2
    });
    child.signal("TERM");
    child.wait(WAIT_LIMIT);
    let mut clients: Vec<String> = seen
        .iter()
        .filter(|l| opened(l))
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON");
            v["finding"]["client"].as_str().expect("client").to_string()
        })
        .collect();
    clients.sort();
    assert_eq!(clients, ["15.0", "16.0"]);
}

/// `fleet` on that report: one row per client folder, each with its own finding.
#[test]
fn fleet_gives_each_client_folder_its_own_row_and_findings() {
    let t = tempfile::tempdir().expect("tempdir");
    let tree = t.path().join("tree");
    upgraded(&tree);
    let out = bin()
        .arg("report")
        .arg(&tree)
        .args(["--format", "json", "--now", NOW])
        .output()
        .expect("run");
    let report = t.path().join("ws1.json");
    std::fs::write(&report, &out.stdout).expect("write");
    let (v, code, stderr) = json_of(bin().args(["fleet", "--format", "json"]).arg(&report));
    assert_eq!(code, 1, "{stderr}");
    let mut rows: Vec<(String, u64, u64, u64)> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["client"].as_str().unwrap_or("-").to_string(),
                r["stuck"].as_u64().unwrap_or(0),
                r["warning"].as_u64().unwrap_or(0),
                r["rules"]["spool-stuck"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [("15.0".to_string(), 1, 1, 1), ("16.0".to_string(), 1, 1, 1)],
        "{:#}",
        v["rows"]
    );
    // The text and Markdown tables tell the two rows apart by their client.
    let text = bin()
        .args(["fleet", "--color", "never"])
        .arg(&report)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    let header = text
        .lines()
        .find(|l| l.starts_with("HOST"))
        .expect("header");
    assert!(header.contains("CLIENT"), "{text}");
    let mut clients: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(ADDR))
        .filter_map(|l| l.split_whitespace().find(|w| w.ends_with(".0")))
        .collect();
    clients.sort();
    assert_eq!(clients, ["15.0", "16.0"], "{text}");
    let md = bin()
        .args(["fleet", "--format", "markdown"])
        .arg(&report)
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("| Client |"), "{md}");
    assert!(md.contains("| 15.0 |") && md.contains("| 16.0 |"), "{md}");
}
