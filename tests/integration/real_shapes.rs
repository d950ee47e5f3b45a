//! End-to-end: `report --format json` on short fixtures of the shapes real files take (issue
//! 16): tracerpt offsets without a colon, a lone tracerpt event, a re-saved tracerpt CSV, zones
//! in text logs, EWS error answers, X.500 senders, server CLS traces, and the inventory.
//! Fixtures are in `tests/fixtures/real/`, written for these tests.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(name)
}

/// `report --log FILE --format json` (no PATH) with `extra` flags.
fn report_log(file: &Path, extra: &[&str]) -> (Value, i32, String) {
    let mut c = bin();
    c.arg("report")
        .arg("--log")
        .arg(file)
        .args(["--format", "json", "--now", NOW])
        .args(extra);
    json_of(&mut c)
}

/// A time in the JSON as an instant, in milliseconds since the epoch.
fn ms(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a time: {v}"));
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .timestamp_millis()
}

/// Milliseconds since the epoch of a UTC time written `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn utc(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("test time")
        .timestamp_millis()
}

fn source<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no source {name}: {v:#}"))
}

fn rules(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn finding<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding: {:#}", v["findings"]))
}

/// A copy of a fixture in UTF-16LE with a BOM, as PowerShell 5 and `tracerpt -en Unicode` write.
fn utf16_copy(dir: &Path, name: &str) -> PathBuf {
    let text = fs::read_to_string(fixture(name)).expect("fixture");
    let p = dir.join(format!("u16-{name}"));
    fs::write(
        &p,
        utf16le_bom(&text.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"")),
    )
    .expect("write");
    p
}

// ---- 1. tracerpt offsets: ±HHMM, ±HH:MM, Z, 0–9 fraction digits ---------------------------

#[test]
fn tracerpt_offsets_without_colon_and_nine_digits_are_instants() {
    let (v, code, err) = report_log(&fixture("tracerpt_offsets.xml"), &[]);
    let s = source(&v, "tracerpt_offsets.xml");
    assert_eq!(s["kind"], "tracerpt-xml", "{err}");
    assert_eq!(s["records"], 4);
    assert_eq!(s["bad_times"], 0);
    // 00:14:51.7996065+01:59 = 22:15:51.799Z the day before; 03:00-05:30 = 08:30Z.
    assert_eq!(ms(&s["first"]), utc("2017-10-22T22:15:51.799Z"));
    assert_eq!(ms(&s["last"]), utc("2017-10-23T08:30:00.000Z"));
    assert_eq!(s["events"]["ews-failure"], 1);
    let f = finding(&v, "ews-auth-failed");
    assert_eq!(
        ms(&f["evidence"][0]["time"]),
        utc("2017-10-22T22:15:51.799Z")
    );
    assert_eq!(f["evidence"][0]["line"], 6);
    assert_eq!(code, 1, "a warning with the default --fail-on");
}

// ---- 2. a lone <Event>, leading blank lines, UTF-8 and UTF-16LE ----------------------------

#[test]
fn a_single_event_without_wrapper_is_a_tracerpt_log_in_both_encodings() {
    let d = tempfile::tempdir().expect("tmp");
    let u16 = utf16_copy(d.path(), "single_event.xml");
    for (file, enc) in [
        (fixture("single_event.xml"), "utf-8"),
        (u16, "utf-16le-bom"),
    ] {
        let (v, _, err) = report_log(&file, &[]);
        let name = file.file_name().expect("n").to_string_lossy().into_owned();
        let s = source(&v, &name);
        assert_eq!(s["kind"], "tracerpt-xml", "{err}");
        assert_eq!(s["encoding"], enc);
        assert_eq!(s["records"], 1);
        assert_eq!(ms(&s["first"]), utc("2017-10-22T22:15:51.799Z"));
        assert_eq!(s["events"]["ews-failure"], 1);
        let f = finding(&v, "ews-auth-failed");
        assert_eq!(f["evidence"][0]["line"], 12, "{enc}");
    }
    // Found by content under a PATH too (no --log).
    let dir = tempfile::tempdir().expect("tmp");
    fs::copy(fixture("single_event.xml"), dir.path().join("quoted.xml")).expect("copy");
    let (v, _, _) = report_json(&[dir.path()], &[]);
    assert_eq!(source(&v, "quoted.xml")["detected_by"], "content");
}

// ---- 3. tracerpt CSV re-saved by a spreadsheet --------------------------------------------

#[test]
fn a_resaved_csv_with_bom_index_column_and_float_clock_times() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::copy(fixture("resaved_index.csv"), dir.path().join("trace.csv")).expect("copy");
    let (v, _, err) = report_json(&[dir.path()], &[]);
    let s = source(&v, "trace.csv");
    assert_eq!(s["kind"], "tracerpt-csv", "{err}");
    assert_eq!(s["detected_by"], "content");
    assert_eq!(s["encoding"], "utf-8-bom");
    assert_eq!(
        (s["records"].as_u64(), s["skipped"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(s["bad_times"], 1, "#VALUE! is an undecodable time");
    assert_eq!(ms(&s["first"]), utc("2022-11-12T16:19:33.048Z"));
    assert_eq!(ms(&s["last"]), utc("2022-11-12T16:19:43.048Z"));
    let notes = s["notes"].to_string();
    assert!(notes.contains("clock-time-float-precision"), "{notes}");
    assert_eq!(s["events"]["ews-failure"], 1);
    let f = finding(&v, "ews-auth-failed");
    assert_eq!(f["evidence"][0]["line"], 3);
    assert_eq!(
        ms(&f["evidence"][0]["time"]),
        utc("2022-11-12T16:19:33.048Z")
    );
    // Without the Index column, the float times are read too (they were null before).
    let (v, _, _) = report_log(&fixture("resaved_plain.csv"), &[]);
    let s = source(&v, "resaved_plain.csv");
    assert_eq!(
        (s["kind"].as_str(), s["records"].as_u64()),
        (Some("tracerpt-csv"), Some(1))
    );
    assert_eq!(s["bad_times"], 0);
    assert_eq!(ms(&s["first"]), utc("2022-11-12T16:19:33.048Z"));
}

// ---- 4. explicit zones in text-log stamps win over --log-tz --------------------------------

#[test]
fn zones_written_in_text_log_stamps_win_over_log_tz() {
    let (v, _, err) = report_log(&fixture("zoned.log"), &["--log-tz", "+05:00"]);
    let s = source(&v, "zoned.log");
    assert_eq!(
        (s["kind"].as_str(), s["records"].as_u64()),
        (Some("text-log"), Some(4)),
        "{err}"
    );
    assert_eq!(s["bad_times"], 0);
    // 2010-07-21T13:16:05.466-07:00 is the earliest; the zone-less last line is read at +05:00.
    assert_eq!(ms(&s["first"]), utc("2010-07-21T20:16:05.466Z"));
    assert_eq!(ms(&s["last"]), utc("2019-05-08T11:34:38.488Z"));
    assert!(s["notes"].to_string().contains("--log-tz applies only"));
    let f = finding(&v, "ews-auth-failed");
    assert_eq!(f["evidence"][0]["line"], 1);
    assert_eq!(
        ms(&f["evidence"][0]["time"]),
        utc("2017-03-02T07:10:46.240Z")
    );
    // The same file read as UTC: only the zone-less line moves.
    let (v, _, _) = report_log(&fixture("zoned.log"), &["--log-tz", "UTC"]);
    let s = source(&v, "zoned.log");
    assert_eq!(ms(&s["first"]), utc("2010-07-21T20:16:05.466Z"));
    assert_eq!(ms(&s["last"]), utc("2019-05-08T11:34:39.000Z"));
}

// ---- 5. server CLS / OCSLogger traces ------------------------------------------------------

#[test]
fn cls_2015_records_with_machine_and_instance_in_the_bracket() {
    let (v, code, err) = report_log(&fixture("cls_2015.log"), &["--log-tz", "UTC"]);
    let s = source(&v, "cls_2015.log");
    assert_eq!(s["kind"], "cls", "{err}");
    assert_eq!(
        (s["records"].as_u64(), s["skipped"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(ms(&s["first"]), utc("2017-03-02T06:30:40.025Z"));
    assert_eq!(ms(&s["last"]), utc("2017-03-02T06:30:41.500Z"));
    // TL_ERROR record, Result-Code and ms-diagnostics: three error events; OPTIONS; 504.
    assert_eq!(s["events"]["error"], 3, "{:#}", s["events"]);
    assert_eq!(s["events"]["sip-request"], 1);
    assert_eq!(s["events"]["sip-response"], 1);
    assert!(
        v["findings"].as_array().expect("f").is_empty(),
        "{:#}",
        v["findings"]
    );
    assert_eq!(code, 0);
}

#[test]
fn cls_2010_records_give_events_and_their_errors_show() {
    let (v, _, err) = report_log(&fixture("cls_2010.log"), &["--log-tz", "UTC"]);
    let s = source(&v, "cls_2010.log");
    assert_eq!(s["kind"], "cls", "{err}");
    assert_eq!(s["records"], 3);
    assert_eq!(ms(&s["first"]), utc("2012-01-18T05:00:43.101Z"));
    assert_eq!(ms(&s["last"]), utc("2012-01-18T05:00:44.000Z"));
    assert_eq!(s["events"]["sip-request"], 1);
    assert_eq!(s["events"]["sip-response"], 1);
    // ms-diagnostics and the TL_WARN record.
    assert_eq!(s["events"]["error"], 2, "{:#}", s["events"]);
    assert_eq!(s["events"]["client-version"], 1);
    // The NDJSON/TUI get the events themselves: check one through the text report.
    let out = bin()
        .args([
            "report", "--format", "text", "--now", NOW, "--log-tz", "UTC", "--log",
        ])
        .arg(fixture("cls_2010.log"))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("cls"), "{text}");
}

// ---- 6. a server trace is not the user's client --------------------------------------------

#[test]
fn a_server_trace_names_clients_seen_but_never_the_users_build() {
    let (v, code, err) = report_log(&fixture("cls_2010.log"), &["--log-tz", "UTC"]);
    assert!(
        !rules(&v)
            .iter()
            .any(|(r, _)| r == "client-build-unsupported"),
        "{:#} {err}",
        v["findings"]
    );
    let f = finding(&v, "clients-seen");
    assert_eq!(f["severity"], "info");
    let title = f["title"].as_str().expect("title");
    assert!(
        title.contains("alice@contoso.com") && title.contains("UCCAPI/4.0.7577.0"),
        "{title}"
    );
    assert_eq!(f["evidence"][0]["line"], 6);
    assert_eq!(code, 0, "info only");
    // The same User-Agent in the user's own client log, in a message it sent, still decides.
    let d = tempfile::tempdir().expect("tmp");
    let log = d.path().join("Lync-UccApi-0.UccApilog");
    fs::write(
        &log,
        "01/18/2012|05:00:43.101 1F68:C14 INFO  :: Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 10 bytes:\r\n01/18/2012|05:00:43.101 1F68:C14 INFO  :: MESSAGE sip:bob@contoso.com SIP/2.0\r\nFrom: <sip:alice@contoso.com>;tag=1\r\nUser-Agent: UCCAPI/4.0.7577.0 OC/4.0.7577.0 (Microsoft Office Communicator 2010)\r\n01/18/2012|05:00:43.101 1F68:C14 INFO  :: End of Sending Packet - 192.0.2.10:5061\r\n",
    )
    .expect("write");
    let (v, code, _) = report_json(&[d.path()], &["--log-tz", "UTC"]);
    assert!(rules(&v).contains(&("client-build-unsupported".into(), "critical".into())));
    assert_eq!(code, 1);
}

// ---- 7. EWS error answers -------------------------------------------------------------------

#[test]
fn ews_error_answers_are_findings_in_every_format() {
    let d = tempfile::tempdir().expect("tmp");
    let u16 = utf16_copy(d.path(), "ews_fault.xml");
    for (file, code_word, line, words) in [
        (
            fixture("ews_finditem_error.xml"),
            "ErrorInvalidIdMalformed",
            6,
            "Id is malformed.",
        ),
        (
            fixture("ews_fault.xml"),
            "ErrorServerBusy",
            4,
            "Try again later.",
        ),
        (u16, "ErrorServerBusy", 4, "Try again later."),
    ] {
        let mut c = bin();
        c.arg("report")
            .arg("--mailbox")
            .arg(&file)
            .args(["--format", "json", "--now", NOW]);
        let (v, code, err) = json_of(&mut c);
        let name = file.file_name().expect("n").to_string_lossy().into_owned();
        let s = source(&v, &name);
        assert_eq!(s["records"], 1, "{err}");
        let mb = &v["mailbox"][0];
        assert_eq!(mb["ews_errors"][0]["code"], code_word);
        assert_eq!(mb["ews_errors"][0]["line"], line);
        let f = finding(&v, "ews-error");
        assert_eq!(f["severity"], "warning");
        assert!(f["title"].as_str().expect("t").contains(code_word));
        assert_eq!(f["evidence"][0]["line"], line);
        let ex = f["evidence"][0]["excerpt"].as_str().expect("excerpt");
        assert!(ex.contains(code_word) && ex.contains(words), "{ex}");
        assert_eq!(code, 1, "warning: exit 1 with the default --fail-on");
        for fmt in ["text", "markdown", "ndjson"] {
            let out = bin()
                .args(["report", "--format", fmt, "--now", NOW, "--mailbox"])
                .arg(&file)
                .output()
                .expect("run");
            let t = String::from_utf8_lossy(&out.stdout);
            assert!(
                t.contains("ews-error") && t.contains(code_word),
                "{fmt}: {t}"
            );
            assert!(
                t.contains(&format!("{name}:{line}")) || t.contains(&format!("\"line\":{line}")),
                "{fmt} names file:line: {t}"
            );
            assert_eq!(out.status.code(), Some(1), "{fmt}");
        }
    }
}

// ---- 8. X.500 senders and DateTimeReceived --------------------------------------------------

#[test]
fn an_exchange_internal_address_is_not_taken_as_the_sender() {
    let mut c = bin();
    c.arg("report")
        .arg("--mailbox")
        .arg(fixture("ews_ex_sender.xml"))
        .args(["--format", "json", "--now", NOW]);
    let (v, _, err) = json_of(&mut c);
    let mb = &v["mailbox"][0];
    assert_eq!(mb["kind"], "find-item", "{err}");
    let items = mb["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["from"], "jdoe@contoso.com",
        "the Sender's SMTP address"
    );
    assert!(items[0]["from_x500"]
        .as_str()
        .expect("x500")
        .starts_with("/O=FIRST ORGANIZATION"));
    assert_eq!(ms(&items[0]["received"]), utc("2026-03-02T09:41:00.000Z"));
    assert!(items[1].get("from").is_none(), "{:#}", items[1]);
    assert!(items[1]["from_x500"]
        .as_str()
        .expect("x500")
        .ends_with("cn=rlee"));
    assert_eq!(ms(&items[1]["received"]), utc("2026-03-02T09:15:30.250Z"));
    assert!(mb["heuristics"]
        .to_string()
        .contains("ex-x500-address-not-smtp"));
    assert!(
        !v.to_string().contains("\"owner\":\"/O="),
        "an X.500 DN is never the owner"
    );
}

// ---- 9. the inventory -----------------------------------------------------------------------

#[test]
fn the_inventory_lists_files_read_and_not_recognised() {
    let d = tempfile::tempdir().expect("tmp");
    fs::copy(fixture("zoned.log"), d.path().join("client.log")).expect("copy");
    fs::copy(fixture("cls_2010.log"), d.path().join("server.log")).expect("copy");
    for n in [
        "a.docx", "b.png", "c.bin", "d.txt", "e.dat", "f.pdf", "g.zip",
    ] {
        fs::write(d.path().join(n), b"\x00\x01 nothing to see").expect("write");
    }
    let (v, _, err) = report_json(&[d.path()], &[]);
    let ignored = v["ignored"].as_array().expect("ignored[]");
    let names: Vec<&str> = ignored
        .iter()
        .map(|i| {
            i["path"]
                .as_str()
                .expect("path")
                .rsplit('/')
                .next()
                .expect("n")
        })
        .collect();
    // client.log has no recognisable shape without --log: it is not recognised either.
    assert_eq!(
        names,
        [
            "a.docx",
            "b.png",
            "c.bin",
            "client.log",
            "d.txt",
            "e.dat",
            "f.pdf",
            "g.zip"
        ],
        "{err}"
    );
    assert!(ignored.iter().all(|i| i["why"]
        .as_str()
        .is_some_and(|w| w.contains("not recognised"))));
    assert_eq!(source(&v, "server.log")["kind"], "cls");
    for (fmt, head) in [("text", "inventory"), ("markdown", "## Inventory")] {
        let out = bin()
            .args(["report", "--format", fmt, "--now", NOW])
            .arg(d.path())
            .output()
            .expect("run");
        let t = String::from_utf8_lossy(&out.stdout);
        let inv = &t[t.rfind(head).unwrap_or_else(|| panic!("{fmt}: {t}"))..];
        assert!(inv.contains("files read: 1 (cls 1)"), "{fmt}: {inv}");
        assert!(
            inv.contains("not recognised: 8")
                && inv.contains("a.docx")
                && inv.contains("and 3 more"),
            "{fmt}: {inv}"
        );
        assert!(!inv.contains("g.zip"), "only the first few by name: {inv}");
    }
}

#[test]
fn a_named_file_that_yields_no_record_is_an_error_naming_it() {
    let (v, _, err) = report_log(&fixture("time_only.log"), &[]);
    let errors = v["errors"].to_string();
    assert!(
        errors.contains("time_only.log") && errors.contains("expected"),
        "{errors} {err}"
    );
    assert!(v["sources"].as_array().expect("s").is_empty());
    // A PATH that is an unrecognised file.
    let d = tempfile::tempdir().expect("tmp");
    let f = d.path().join("notes.txt");
    fs::write(&f, "just words\n").expect("write");
    let (v, _, _) = report_json(&[&f], &[]);
    let errors = v["errors"].to_string();
    assert!(
        errors.contains("notes.txt") && errors.contains("expected"),
        "{errors}"
    );
    // --mailbox on a FindItem answer with no item.
    let empty = d.path().join("empty.xml");
    fs::write(&empty, "<m:FindItemResponse xmlns:m=\"x\"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView=\"0\"><t:Items xmlns:t=\"y\"/></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>").expect("write");
    let mut c = bin();
    c.arg("report")
        .arg("--mailbox")
        .arg(&empty)
        .args(["--format", "json", "--now", NOW]);
    let (v, _, _) = json_of(&mut c);
    let errors = v["errors"].to_string();
    assert!(
        errors.contains("empty.xml") && errors.contains("no record"),
        "{errors}"
    );
}

#[test]
fn report_log_file_needs_no_path() {
    let (v, code, err) = report_log(&fixture("cls_2015.log"), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(source(&v, "cls_2015.log")["records"], 2);
    assert!(v["ignored"].as_array().expect("ignored").is_empty());
}

// ---- properties: the new shapes read the same in every encoding, line ending and read size --

mod properties {
    use super::fixture;
    use crate::log_properties::fuzz_common;
    use proptest::prelude::*;
    use spoolscope::model::SourceKind;
    use spoolscope::parse::logs::LogTz;

    const SHAPES: &[(&str, SourceKind)] = &[
        ("cls_2015.log", SourceKind::Cls),
        ("cls_2010.log", SourceKind::Cls),
        ("single_event.xml", SourceKind::TracerptXml),
        ("tracerpt_offsets.xml", SourceKind::TracerptXml),
        ("resaved_index.csv", SourceKind::TracerptCsv),
        ("zoned.log", SourceKind::TextLog),
    ];

    fn encode(s: &str, which: u8) -> Vec<u8> {
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        match which {
            0 => s.as_bytes().to_vec(),
            1 => [&[0xEF, 0xBB, 0xBF][..], s.as_bytes()].concat(),
            2 => [vec![0xFF, 0xFE], le].concat(),
            _ => le,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// The fuzz targets' log invariants hold, and a shape gives the same records and events
        /// in UTF-8 (BOM or not) and UTF-16LE (BOM or not), with LF or CRLF, read whole or in
        /// pieces of any size.
        #[test]
        fn every_new_shape_reads_the_same_whatever_the_encoding(
            which in 0usize..6,
            enc in 0u8..4,
            crlf in any::<bool>(),
            step in 1usize..40,
        ) {
            let (name, kind) = SHAPES[which];
            let text = std::fs::read_to_string(fixture(name))
                .expect("fixture")
                .trim_start_matches('\u{feff}')
                .replace("\r\n", "\n");
            let base = fuzz_common::check_log_tz(text.as_bytes(), kind, None, LogTz::Utc, Some(7));
            prop_assert!(base.records >= 1 && !base.events.is_empty(), "{}", name);
            prop_assert!(base.first.is_some(), "{}", name);
            let text = if crlf { text.replace('\n', "\r\n") } else { text };
            let out = fuzz_common::check_log_tz(&encode(&text, enc), kind, None, LogTz::Utc, Some(step));
            prop_assert_eq!(out.records, base.records, "{} enc {} crlf {}", name, enc, crlf);
            prop_assert_eq!(out.bad_times, base.bad_times);
            prop_assert_eq!((out.first, out.last), (base.first, base.last));
            prop_assert_eq!(&out.events, &base.events, "{} enc {} crlf {}", name, enc, crlf);
        }
    }
}
