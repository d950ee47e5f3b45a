//! Names in any script: a terminal server's Users folder holds `山田太郎`, `김철수`, `Ölçüm` and
//! `🙂 test`. Every account is found, their stuck items make the exit code 1, nothing panics,
//! and the text report and the fleet table keep their columns aligned (CJK and emoji take two
//! terminal columns).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn users_in_many_scripts(root: &Path) {
    for name in USERS_IN_MANY_SCRIPTS {
        spool_person(root, person(name));
    }
}

fn expected_addresses() -> Vec<String> {
    let mut v: Vec<String> = USERS_IN_MANY_SCRIPTS
        .iter()
        .map(|n| person(n).address())
        .collect();
    v.sort();
    v
}

fn addresses(v: &Value) -> Vec<String> {
    let mut a: Vec<String> = v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["address"].as_str().expect("address").to_string())
        .collect();
    a.sort();
    a
}

/// The item rows of a text report: `    AGE STATE NAME FORMAT → …`.
fn item_rows(text: &str) -> Vec<(&str, usize)> {
    let row = regex::Regex::new(
        r"^    \S+(?: \S+)? +(?:STUCK|pending|SKEW|ignored|unknown) +(.*) (?:xml|mime|html|text|binary|empty|unreadable) +(?:→.*|addresses:.*)?$",
    )
    .expect("regex");
    text.lines()
        .filter_map(|l| {
            let c = row.captures(l)?;
            // The display column at which the format word starts.
            let fmt_at = c.get(1).expect("name").end() + 1;
            Some((l, cols(&l[..fmt_at])))
        })
        .collect()
}

#[test]
fn report_over_users_in_many_scripts_finds_every_account_and_aligns() {
    let t = tempfile::tempdir().expect("tempdir");
    users_in_many_scripts(t.path());
    let users = t.path().join("Users");

    // JSON, through the Users folder as a PATH and through --all-users.
    // (Subjects are private content: shown so each user's can be checked.)
    let (v, code, stderr) = report_json(&[&users], &["--show-content"]);
    assert_eq!(code, 1, "stuck items exit 1; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(addresses(&v), expected_addresses());
    for a in v["accounts"].as_array().expect("accounts") {
        assert_eq!(a["stuck"], 1, "{a}");
        assert_eq!(a["items"], 2, "{a}");
        let profile = a["profile"].as_str().expect("profile");
        assert!(USERS_IN_MANY_SCRIPTS.contains(&profile), "{profile}");
    }
    assert_eq!(v["summary"]["stuck"], 4);
    assert_eq!(v["summary"]["errors"], 0, "{:#}", v["errors"]);
    let subjects: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["fields"]["subject"].as_str())
        .collect();
    for name in USERS_IN_MANY_SCRIPTS {
        assert_eq!(
            subjects
                .iter()
                .filter(|s| **s == person(name).subject)
                .count(),
            2,
            "{name}: {subjects:?}"
        );
    }
    let (v2, code, stderr) = report_json(
        &[],
        &[
            "--all-users",
            "--profiles-root",
            users.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(addresses(&v2), expected_addresses());

    // Text: every row's format column starts at the same terminal column.
    for extra in [&[][..], &["--show-content"][..]] {
        let out = bin()
            .args(["report", "--color", "never", "--now", NOW])
            .args(extra)
            .arg(&users)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        for name in USERS_IN_MANY_SCRIPTS {
            assert!(text.contains(&format!("profile {name}")), "{name}:\n{text}");
            assert!(text.contains(&person(name).address()), "{name}:\n{text}");
        }
        let rows = item_rows(&text);
        assert_eq!(rows.len(), 8, "two items per profile:\n{text}");
        let at = rows[0].1;
        for (line, col) in &rows {
            assert_eq!(*col, at, "format column moved in {line:?}:\n{text}");
        }
        // Their own file names are shown (cut in the middle only when too wide).
        assert!(text.contains("{会議-週次}.xml"), "{text}");
        if extra.is_empty() {
            assert!(!text.contains("週次報告の件"), "subjects hidden:\n{text}");
        } else {
            assert!(text.contains("週次報告の件について"), "{text}");
        }
    }
}

/// A file name wider than its column is cut in the middle by terminal width, and the columns
/// after it still line up (a half-cut wide character would shift them by one).
#[test]
fn long_wide_file_names_are_cut_without_breaking_the_row() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp =
        sip_dir(t.path(), "山田太郎", "16.0", "山田.太郎@contoso.co.jp").join("History Spooler");
    let names = [
        "議事録議事録議事録議事録議事録議事録議事録.xml".to_string(),
        "a議事録議事録議事録議事録議事録議事録議事録.xml".to_string(),
        "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂.xml".to_string(),
        "short.xml".to_string(),
    ];
    for n in &names {
        put(&sp.join(n), b"<a/>", 600);
    }
    let out = bin()
        .args(["report", "--color", "never", "--now", NOW])
        .arg(t.path())
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rows = item_rows(&text);
    assert_eq!(rows.len(), names.len(), "{text}");
    for (line, col) in &rows {
        assert_eq!(*col, rows[0].1, "{line:?}\n{text}");
    }
    assert!(text.contains('…'), "long names are cut: {text}");
    assert!(text.contains("short.xml"));
}

/// The fleet table pads host, profile and account by terminal width.
#[test]
fn fleet_table_keeps_columns_with_wide_names() {
    let reports = tempfile::tempdir().expect("tempdir");
    for (i, name) in USERS_IN_MANY_SCRIPTS.iter().enumerate() {
        let tree = tempfile::tempdir().expect("tempdir");
        spool_person(tree.path(), person(name));
        let host = format!("{name}-PC{i}");
        let out = bin()
            .env("HOSTNAME", &host)
            .env("COMPUTERNAME", &host)
            .args(["report", "--format", "json", "--now", NOW])
            .arg(tree.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        std::fs::write(reports.path().join(format!("r{i}.json")), &out.stdout).expect("write");
    }
    let out = bin()
        .args(["fleet", "--color", "never"])
        .arg(reports.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let header = text
        .lines()
        .find(|l| l.starts_with("HOST"))
        .unwrap_or_else(|| panic!("no header: {text}"));
    // The column where STUCK ends, in the header and in every row.
    let stuck_end = cols(&header[..header.find("STUCK").expect("STUCK") + "STUCK".len()]);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| USERS_IN_MANY_SCRIPTS.iter().any(|n| l.starts_with(n)))
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    // Each row: 1 stuck, 2 items; the `1` must end where the STUCK header ends.
    let num = regex::Regex::new(r"^(.*? +1) +2 ").expect("regex");
    for r in rows {
        let c = num
            .captures(r)
            .unwrap_or_else(|| panic!("no counts in {r:?}"));
        let stuck = c.get(1).expect("stuck").as_str();
        assert_eq!(cols(stuck), stuck_end, "{r:?}\n{text}");
    }
}

/// Two account folders whose names differ only in bytes that are not UTF-8 (Shift-JIS names
/// from a zip unpacked on Linux) are two accounts in every output: their addresses keep those
/// bytes as `\xNN`, where U+FFFD made them one name in `accounts[]`, `findings[]` and the text
/// headings (review wild8s d06).
#[cfg(unix)]
#[test]
fn accounts_differing_only_in_bytes_that_are_not_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().expect("tempdir");
    for b in [b'\xff', b'\xfe'] {
        let sip = [b"sip_j".as_slice(), &[b], b"@contoso.com"].concat();
        let sp = t
            .path()
            .join("Users/u/AppData/Local/Microsoft/Office/16.0/Lync")
            .join(std::ffi::OsStr::from_bytes(&sip))
            .join("History Spooler");
        put(
            &sp.join("{A1}.eml"),
            b"From: a@contoso.com\r\nTo: b@contoso.com\r\n\r\nx",
            30 * 86400,
        );
    }
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1);
    let mut got = addresses(&v);
    got.sort();
    assert_eq!(got, ["j\\xfe@contoso.com", "j\\xff@contoso.com"], "{v:#}");
    let stuck: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "spool-stuck")
        .filter_map(|f| f["account"].as_str())
        .collect();
    assert_eq!(stuck.len(), 2, "{stuck:?}");
    assert_ne!(stuck[0], stuck[1]);
    let out = bin()
        .arg("report")
        .arg(t.path())
        .args(["--now", NOW])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("j\\xff@contoso.com") && text.contains("j\\xfe@contoso.com"),
        "{text}"
    );
}
