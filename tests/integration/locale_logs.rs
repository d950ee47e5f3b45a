//! Text logs as non-US Windows and joined copies write them: localized netsh stamps, slash
//! dates in either order, byte order marks in the middle of a log, and a log the walk finds
//! that reads as no record.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const E401: &str = "EWS POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized";

/// A netsh text dump (UTF-16LE with BOM) of two records, the second an EWS 401.
fn netsh(path: &Path, s1: &str, s2: &str) {
    let text = format!(
        "[0]0E2C.1A1C::{s1} [Microsoft-Lync]start\r\n[0]0E2C.1A1C::{s2} [Microsoft-Lync]{E401}\r\n"
    );
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(path, utf16le_bom(&text)).expect("write");
}

fn report(dir: &Path) -> (Option<i32>, Value) {
    let out = bin()
        .args([
            "report",
            "--now",
            "2026-03-02T23:00:00Z",
            "--log-tz",
            "UTC",
            "--format",
            "json",
        ])
        .arg(dir)
        .output()
        .expect("run");
    let j: Value = serde_json::from_slice(&out.stdout).expect("json");
    (out.status.code(), j)
}

fn source<'j>(j: &'j Value, name: &str) -> &'j Value {
    j["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no source {name}: {j}"))
}

fn has_note(s: &Value, start: &str) -> bool {
    s.to_string().contains(start)
}

fn rules(j: &Value) -> Vec<String> {
    j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_log_found_by_the_walk_that_reads_as_no_record_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    // A date shape no default reads: recognised as netsh text by its prefix, no record.
    netsh(
        &dir.path().join("t/trace.txt"),
        "Mar 2 2026 09:00:00",
        "Mar 2 2026 09:59:51",
    );
    let (code, j) = report(&dir.path().join("t"));
    assert_ne!(code, Some(0), "{j}");
    let errors = j["errors"].to_string();
    assert!(errors.contains("trace.txt"), "{errors}");
    assert!(
        errors.contains("no record read as netsh-text (2 lines skipped)"),
        "{errors}"
    );
    assert!(rules(&j).iter().any(|r| r == "scan-incomplete"), "{j}");

    // tracerpt's CSV of a trace with no event (its header and the `EventTrace, Header` row) is
    // an empty log, not an unread one.
    let csv = dir.path().join("c/Lync-UccApi-0.csv");
    std::fs::create_dir_all(csv.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &csv,
        "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\r\nEventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , 0, 0, 0, 65536\r\n",
    )
    .expect("write");
    let (code, j) = report(&dir.path().join("c"));
    assert_eq!(code, Some(0), "{j}");
    assert_eq!(j["errors"], serde_json::json!([]), "{j}");
    assert_eq!(source(&j, "Lync-UccApi-0.csv")["records"], 0, "{j}");
}

/// A log the walk knows only by its name (`Lync-UccApi-0.UccApilog`) whose stamps its reader
/// does not take (ISO dates, as a re-saved copy has) is no silent nothing either: the same
/// error and `scan-incomplete` as for one found by its content (it read as `records: 0` and
/// exited 0 with an EWS 401 in it). An empty file so named stays quiet.
#[test]
fn a_log_found_by_its_name_that_reads_as_no_record_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let tracing = dir
        .path()
        .join("case/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    std::fs::write(
        tracing.join("Lync-UccApi-0.UccApilog"),
        "2026-03-02 13:50:02.000 1F68:C10 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx\n\
         2026-03-02 13:50:02.300 1F68:C10 ERROR :: EWS response HTTP/1.1 401 Unauthorized\n",
    )
    .expect("write");
    std::fs::write(tracing.join("Lync-UccApi-1.UccApilog"), "").expect("write");
    let (code, j) = report(&dir.path().join("case"));
    assert_ne!(code, Some(0), "{j}");
    let errors = j["errors"].to_string();
    assert!(
        errors.contains("Lync-UccApi-0.UccApilog")
            && errors.contains("no record read as uccapilog (2 lines skipped)"),
        "{errors}"
    );
    assert!(!errors.contains("Lync-UccApi-1"), "{errors}");
    assert!(rules(&j).iter().any(|r| r == "scan-incomplete"), "{j}");
}

#[test]
fn localized_netsh_stamps_are_read_and_labelled() {
    let dir = tempfile::tempdir().expect("tmp");
    netsh(
        &dir.path().join("de/trace.txt"),
        "02.03.2026 09:00:00.1234567",
        "02.03.2026 09:59:51.1234567",
    );
    netsh(
        &dir.path().join("ja/trace.txt"),
        "2026/03/02 午後 9:00:00.1234567",
        "2026/03/02 午後 9:59:51.1234567",
    );
    netsh(
        &dir.path().join("us/trace.txt"),
        "3/2/2026 9:00:00.1234567 PM",
        "3/2/2026 9:59:51.1234567 PM",
    );
    for (d, last, note) in [
        (
            "de",
            "2026-03-02T09:59:51",
            "dotted dates (02.03.2026) read day first",
        ),
        (
            "ja",
            "2026-03-02T21:59:51",
            "time stamps with a 12-hour marker",
        ),
        (
            "us",
            "2026-03-02T21:59:51",
            "time stamps with a 12-hour marker",
        ),
    ] {
        let (_, j) = report(&dir.path().join(d));
        let s = source(&j, "trace.txt");
        assert_eq!(s["records"], 2, "{d}: {s}");
        assert!(s.to_string().contains(last), "{d}: {s}");
        assert!(has_note(s, note), "{d}: {s}");
        assert!(rules(&j).iter().any(|r| r == "ews-auth-failed"), "{d}: {j}");
        assert!(!j["errors"].to_string().contains("trace.txt"), "{d}: {j}");
    }
}

#[test]
fn slash_dates_take_their_order_from_the_log() {
    let dir = tempfile::tempdir().expect("tmp");
    // en-GB: 2 March is ambiguous (a labelled guess); 15 March settles it for 02/04.
    netsh(
        &dir.path().join("gb/trace.txt"),
        "02/03/2026 09:00:00.1234567",
        "02/03/2026 09:59:51.1234567",
    );
    netsh(
        &dir.path().join("gb2/trace.txt"),
        "15/03/2026 09:00:00",
        "02/04/2026 09:59:51",
    );
    let (_, j) = report(&dir.path().join("gb"));
    assert!(
        has_note(source(&j, "trace.txt"), "read month first: a guess"),
        "{j}"
    );
    let (_, j) = report(&dir.path().join("gb2"));
    let s = source(&j, "trace.txt");
    assert!(s.to_string().contains("2026-04-02T09:59:51"), "{s}");
    assert!(has_note(s, "slash dates read day first"), "{s}");
}

#[test]
fn logs_joined_byte_for_byte_keep_the_record_after_the_inner_bom() {
    let a = "03/02/2026|09:00:00.000 1F68:C14 INFO  :: Signing in\r\n";
    let b = format!("03/02/2026|09:59:51.000 1F68:C14 ERROR :: {E401}\r\n");
    let dir = tempfile::tempdir().expect("tmp");
    let u8 = dir.path().join("u8/Lync-UccApi-0.UccApilog");
    let u16 = dir.path().join("u16/Lync-UccApi-0.UccApilog");
    for p in [&u8, &u16] {
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
    }
    let mut joined = Vec::new();
    for part in [a, b.as_str()] {
        joined.extend_from_slice("\u{feff}".as_bytes());
        joined.extend_from_slice(part.as_bytes());
    }
    std::fs::write(&u8, joined).expect("write");
    let mut joined = utf16le_bom(a);
    joined.extend(utf16le_bom(&b));
    std::fs::write(&u16, joined).expect("write");
    for d in ["u8", "u16"] {
        let (_, j) = report(&dir.path().join(d));
        let s = source(&j, "Lync-UccApi-0.UccApilog");
        assert_eq!(s["records"], 2, "{d}: {s}");
        assert!(s.to_string().contains("09:59:51"), "{d}: {s}");
        assert!(has_note(s, "byte order marks (U+FEFF)"), "{d}: {s}");
    }
}

#[test]
fn utf8_joined_after_utf16_is_said_not_taken_for_a_growing_log() {
    let a = "03/02/2026|09:00:00.000 1F68:C14 INFO  :: Signing in\r\n";
    let b = format!("03/02/2026|09:59:51.000 1F68:C14 ERROR :: {E401}\r\n");
    // The UTF-8 part with its BOM, and without (as `"…".encode()` writes it).
    for bom in ["\u{feff}", ""] {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("mix/Lync-UccApi-0.UccApilog");
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        let mut joined = utf16le_bom(a);
        joined.extend_from_slice(bom.as_bytes());
        joined.extend_from_slice(b.as_bytes());
        std::fs::write(&p, joined).expect("write");
        let (code, j) = report(&dir.path().join("mix"));
        assert_ne!(code, Some(0), "{j}");
        let errors = j["errors"].to_string();
        assert!(
            errors.contains("UTF-8 text follows UTF-16 text at line 2"),
            "{errors}"
        );
        assert!(rules(&j).iter().any(|r| r == "scan-incomplete"), "{j}");
        let s = source(&j, "Lync-UccApi-0.UccApilog");
        assert!(!s.to_string().contains("being written"), "{s}");
    }
}
