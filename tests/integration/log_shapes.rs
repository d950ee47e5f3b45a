//! Log shapes from the wild that used to be misread, end to end through the binary on real
//! files: tracerpt CSV rows whose quoted fields hold line breaks (`report`, and `watch` while
//! such a row is appended in two pieces), a UTF-16 log appended in pieces that end inside a
//! code unit (`watch`), lone-CR line endings, tracerpt XML with namespace prefixes, and times
//! near year 9999 shifted by `--log-tz`.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CSV_HEADER: &str = "Event Name,Type,Event ID,Version,Channel,Level,Opcode,Task,Keyword,PID,TID,Processor Number,Instance ID,Parent Instance ID,Activity ID,Related Activity ID,Clock-Time,Kernel(ms),User(ms),User Data";

/// A client's Tracing folder under a spooler tree in `root` (the spooler is empty).
fn tracing(root: &Path) -> PathBuf {
    let lync = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com");
    std::fs::create_dir_all(lync.join("History Spooler")).expect("mkdir");
    let t = lync.parent().expect("Lync").join("Tracing");
    std::fs::create_dir_all(&t).expect("mkdir");
    t
}

/// The source of kind `kind` in a JSON report.
fn source<'a>(v: &'a Value, kind: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} source in {:#}", v["sources"]))
}

/// Every evidence item of every finding.
fn evidence(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["evidence"].as_array().into_iter().flatten())
        .collect()
}

/// FILETIME ticks of 2026-03-02T13:50:00Z (ten minutes before the tests' now).
const FT: u64 = 1_772_459_400 * 10_000_000 + 116_444_736_000_000_000;

/// Defect 13: two rows whose User Data holds line breaks (as a spreadsheet re-saves them) are
/// two records, not five, and the 401 on a continuation line is evidence with its row's time.
#[test]
fn csv_quoted_fields_with_line_breaks_are_one_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracing(dir.path());
    let text = format!(
        "{CSV_HEADER}\r\nLync,Info,10,0,0,2,0,0,0x0,0x1F68,0x0C14,1,,,,,{FT},10,20,\"POST https://mail.contoso.com/EWS/Exchange.asmx\r\nline2\"\r\nLync,Info,10,0,0,2,0,0,0x0,0x1F68,0x0C14,1,,,,,{},10,20,\"first\r\nEWS SendItem HTTP/1.1 401 Unauthorized\r\nlast\"\r\n",
        FT + 10
    );
    std::fs::write(t.join("dumpfile.csv"), text).expect("write");
    let (v, code, err) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
    assert_eq!(code, 1, "the 401 is a finding; stderr: {err}");
    let s = source(&v, "tracerpt-csv");
    assert_eq!(
        (s["records"].as_u64(), s["skipped"].as_u64()),
        (Some(2), Some(0)),
        "{s:#}"
    );
    assert_eq!(s["bad_times"].as_u64(), Some(0), "{s:#}");
    let e: Vec<&Value> = evidence(&v)
        .into_iter()
        .filter(|e| e["excerpt"].as_str().is_some_and(|x| x.contains("401")))
        .collect();
    assert!(!e.is_empty(), "{:#}", v["findings"]);
    for e in e {
        assert_eq!(e["line"].as_u64(), Some(5), "{e:#}");
        assert!(
            e["time"]
                .as_str()
                .is_some_and(|t| t.starts_with("2026-03-02T13:50")),
            "{e:#}"
        );
    }
}
