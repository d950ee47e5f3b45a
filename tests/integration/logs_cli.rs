//! End-to-end: the real binary on a collected Tracing folder next to a stuck spooler.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// The main client log (CRLF endings). Line numbers matter: the tests point at them.
const UCCAPI: &[&str] = &[
    "03/02/2026|13:49:58.101 1F68:C14 INFO  :: Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes:", // 1
    "03/02/2026|13:49:58.101 1F68:C14 INFO  :: INVITE sip:rlee@contoso.com SIP/2.0", // 2
    "From: <sip:jdoe@contoso.com>;tag=a1",                                         // 3
    "To: <sip:rlee@contoso.com>",                                                  // 4
    "CSeq: 1 INVITE",                                                              // 5
    "User-Agent: UCCAPI/16.0.6366.2062 OC/16.0.6366.2062 (Skype for Business)",   // 6
    "03/02/2026|13:49:58.101 1F68:C14 INFO  :: End of Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes", // 7
    "03/02/2026|13:49:59.000 1F68:C14 INFO  :: Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 410 bytes:", // 8
    "03/02/2026|13:49:59.000 1F68:C14 INFO  :: SIP/2.0 480 Temporarily Unavailable", // 9
    "From: <sip:jdoe@contoso.com>;tag=a1",                                          // 10
    "To: <sip:rlee@contoso.com>;tag=b2",                                            // 11
    "CSeq: 1 INVITE",                                                               // 12
    "User-Agent: UCCAPI/16.0.19000.1000 OC/16.0.19000.1000 (Skype for Business)",   // 13
    "03/02/2026|13:49:59.000 1F68:C14 INFO  :: End of Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 410 bytes", // 14
    "03/02/2026|13:50:00.417 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx", // 15
    "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Mess", // 16
    "03/02/2026|13:50:00.981 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized", // 17
    "03/02/2026|13:50:01.000 2A0:2A4 INFO  :: lost 401 packets, 4017 bytes received", // 18
    "03/02/2026|13:50:02.000 2A0:2A4 INFO  :: Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 900 bytes:", // 19
    "03/02/2026|13:50:02.000 2A0:2A4 INFO  :: SIP/2.0 200 OK",                     // 20
    "Content-Type: application/vnd-microsoft-roaming-provisioning-v2+xml",          // 21
    "",                                                                             // 22
    "<provisionGroupList><provisionGroup name=\"ServerConfiguration\"><propertyEntryList><property name=\"EnableIMAutoArchiving\">false</property><property name=\"TracingLevel\">Full</property></propertyEntryList></provisionGroup>", // 23
    "03/02/2026|13:50:02.000 2A0:2A4 INFO  :: End of Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 900 bytes", // 24
    "03/02/2026|13:50:03.000 2A0:2A4 INFO  :: SIP/2.0 401 Unauthorized",           // 25
    "CSeq: 2 REGISTER",                                                             // 26
];

const BAK: &str = "03/02/2026|12:00:00.000 1F68:C14 INFO  :: Signing in\r\n03/02/2026|12:00:01.000 1F68:C14 WARN  :: Autodiscover GET https://autodiscover.contoso.com/autodiscover/autodiscover.svc HTTP/1.1 503 Service Unavailable\r\n03/02/2026|12:00:02.000 1F68:C14 INFO  :: retry later\r\n";

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System>
  <Provider Name="Lync" Guid="{00000000-0000-0000-0000-000000000001}"/>
  <EventID>10</EventID>
  <Level>2</Level>
  <TimeCreated SystemTime="2026-03-02T08:50:01.500000000-05:00"/>
  <Execution ProcessID="8040" ThreadID="3092"/>
 </System>
 <EventData>
  <Data Name="Operation">SendItem</Data>
  <Data Name="Result">hr=0x80190191</Data>
 </EventData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Guid="{00000000-0000-0000-0000-000000000002}"/><EventID>0</EventID><TimeCreated SystemTime="2026-03-02T08:50:02.000000000-05:00"/></System>
 <ProcessingErrorData><ErrorCode>15005</ErrorCode><DataItemName></DataItemName><EventPayload>0A0B0C0D</EventPayload></ProcessingErrorData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Name="Lync"/><EventID>11</EventID><TimeCreated SystemTime="2026-03-02T08:50:03.000000000-05:00"/></System>
 <EventData><Data Name="Msg">lost 401 packets</Data></EventData>
</Event>
</Events>
"#;

const CSV_HEADER: &str = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data";

fn csv() -> String {
    let ft = (NOW_UNIX - 595) * 10_000_000 + 116_444_736_000_000_000;
    format!(
        "{CSV_HEADER}\r\nEventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , {ft}, 0, 0, 65536\r\nLync, Info, 20, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, \"EnableOfflineIM=true\"\r\nLync, Info, 21, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, \"queue 401 of 500\"\r\n"
    )
}

fn tracing_dir(root: &Path) -> PathBuf {
    root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing")
}

/// A stuck item for rlee written at 13:50:00Z, and the collected Tracing folder.
fn build(root: &Path, utf16: bool) {
    let sp = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("{A1F0}.xml"),
        create_item("rlee@contoso.com", "hi", "IPM.Note").as_bytes(),
        600,
    );
    let enc = |s: &str| {
        if utf16 {
            utf16le_bom(s)
        } else {
            s.as_bytes().to_vec()
        }
    };
    let t = tracing_dir(root);
    let mut ucc = UCCAPI.join("\r\n");
    ucc.push_str("\r\n");
    put(&t.join("Lync-UccApi-0.UccApilog"), &enc(&ucc), 0);
    put(&t.join("Lync-UccApi-0.UccApilog.bak"), &enc(BAK), 3600);
    put(&t.join("Lync-UccApi-0.etl.xml"), &enc(XML), 0);
    put(&t.join("Lync-UccApi-0.etl.csv"), &enc(&csv()), 0);
    // A renamed copy of a client log: recognised by content.
    put(
        &t.join("copy-from-helpdesk.txt"),
        &enc("03/02/2026|11:00:00.000 10B0:10B4 INFO  :: hello\r\n03/02/2026|11:00:01.000 10B0:10B4 INFO  :: bye\r\n"),
        0,
    );
}

/// (rule, title, evidence file:line list)
type FindingKey = (String, String, Vec<(String, u64)>);

fn source<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no source {name} in {:#}", v["sources"]))
}

fn finding<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding {rule} in {:#}", v["findings"]))
}

/// (file name, line) of every evidence of a finding.
fn lines_of(f: &Value) -> Vec<(String, u64)> {
    f["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| {
            let p = e["path"].as_str().expect("path");
            (
                Path::new(p)
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                e["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn run(root: &Path) -> Value {
    let (v, code, err) = report_json(&[root], &["--log-tz", "UTC"]);
    assert_eq!(code, 1, "findings exit 1; stderr: {err}");
    v
}

#[test]
fn collected_tracing_folder_sources_and_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path(), false);
    let v = run(dir.path());

    let s = source(&v, "Lync-UccApi-0.UccApilog");
    assert_eq!(
        (s["kind"].as_str(), s["records"].as_u64()),
        (Some("uccapilog"), Some(13))
    );
    assert_eq!(s["encoding"], "utf-8");
    assert_eq!(s["profile"], "jdoe");
    assert_eq!(s["client"], "16.0");
    assert_eq!(s["account"], "jdoe@contoso.com");
    assert_eq!(s["time_zone"], "UTC");
    assert_eq!(s["first"], "2026-03-02T13:49:58.101Z");
    let b = source(&v, "Lync-UccApi-0.UccApilog.bak");
    assert_eq!(
        (b["kind"].as_str(), b["records"].as_u64()),
        (Some("uccapilog"), Some(3))
    );
    assert_eq!(
        b["timeline"], s["timeline"],
        "rotated files share a timeline"
    );
    assert_eq!(
        (b["timeline_index"].as_u64(), s["timeline_index"].as_u64()),
        (Some(0), Some(1))
    );
    let x = source(&v, "Lync-UccApi-0.etl.xml");
    assert_eq!(
        (x["kind"].as_str(), x["records"].as_u64()),
        (Some("tracerpt-xml"), Some(3))
    );
    assert_eq!(x["undecoded"], 1);
    assert_eq!(
        x["first"], "2026-03-02T08:50:01.500-05:00",
        "the XML keeps its offset"
    );
    let c = source(&v, "Lync-UccApi-0.etl.csv");
    assert_eq!(
        (
            c["kind"].as_str(),
            c["records"].as_u64(),
            c["skipped"].as_u64()
        ),
        (Some("tracerpt-csv"), Some(2), Some(1))
    );
    let r = source(&v, "copy-from-helpdesk.txt");
    assert_eq!(
        (r["kind"].as_str(), r["records"].as_u64()),
        (Some("uccapilog"), Some(2))
    );
    assert_eq!(r["detected_by"], "content");

    let auth = finding(&v, "ews-auth-failed");
    assert_eq!(auth["severity"], "warning");
    assert_eq!(auth["account"], "jdoe@contoso.com");
    let l = lines_of(auth);
    assert!(l.contains(&("Lync-UccApi-0.UccApilog".into(), 17)), "{l:?}");
    assert!(l.contains(&("Lync-UccApi-0.etl.xml".into(), 13)), "{l:?}");
    // Noise with a bare 401 (lost 401 packets, a SIP 401 challenge, 'queue 401 of 500') is never evidence.
    for f in v["findings"].as_array().expect("findings") {
        for (name, line) in lines_of(f) {
            assert!(
                !(name == "Lync-UccApi-0.UccApilog" && [18, 25].contains(&line)),
                "noise line {line} used by {}",
                f["rule"]
            );
            assert!(!(name == "Lync-UccApi-0.etl.xml" && line == 22));
            assert!(!(name.ends_with(".csv") && line == 4));
        }
    }

    let aa = finding(&v, "autoarchiving-disabled");
    assert_eq!(aa["severity"], "critical");
    assert_eq!(lines_of(aa)[0], ("Lync-UccApi-0.UccApilog".into(), 23));
    let title = aa["title"].as_str().expect("title");
    assert!(
        title.contains("TracingLevel=Full") && title.contains("EnableOfflineIM=true"),
        "{title}"
    );

    let cb = finding(&v, "client-build-unsupported");
    assert_eq!(cb["severity"], "critical");
    assert_eq!(lines_of(cb), [("Lync-UccApi-0.UccApilog".to_string(), 6)]);
    assert!(cb["title"].as_str().expect("t").contains("16.0.6366.2062"));

    let un = finding(&v, "ews-unreachable");
    assert_eq!(
        lines_of(un),
        [("Lync-UccApi-0.UccApilog.bak".to_string(), 2)]
    );
    assert!(v["findings"]
        .as_array()
        .expect("f")
        .iter()
        .all(|f| f["rule"] != "tracing-missing"));

    // The stuck item's related evidence: the SIP 480 to rlee, then the EWS attempt and failures.
    let item = &v["items"][0];
    assert_eq!(item["stuck"], true);
    let rel: Vec<(String, u64)> = item["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|e| {
            (
                Path::new(e["path"].as_str().expect("p"))
                    .file_name()
                    .expect("n")
                    .to_string_lossy()
                    .into_owned(),
                e["line"].as_u64().expect("line"),
            )
        })
        .collect();
    let pos = |n: &str, l: u64| rel.iter().position(|x| x.0 == n && x.1 == l);
    let p480 = pos("Lync-UccApi-0.UccApilog", 9).expect("480 related");
    let p401 = pos("Lync-UccApi-0.UccApilog", 17).expect("401 related");
    assert!(p480 < p401, "time order: {rel:?}");
    assert!(pos("Lync-UccApi-0.etl.xml", 13).is_some(), "{rel:?}");
    assert!(pos("Lync-UccApi-0.UccApilog", 18).is_none());
    assert!(item["related"][p480]["excerpt"]
        .as_str()
        .expect("x")
        .starts_with("SIP 480 from rlee@contoso.com (offline)"));
    assert!(v["log_time_zone"].as_str().expect("tz").contains("UTC"));
}

#[test]
fn utf16le_with_bom_gives_the_same_findings() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    build(a.path(), false);
    build(b.path(), true);
    let (va, vb) = (run(a.path()), run(b.path()));
    let key = |v: &Value| -> Vec<FindingKey> {
        v["findings"]
            .as_array()
            .expect("f")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().expect("r").to_string(),
                    f["title"].as_str().expect("t").to_string(),
                    lines_of(f),
                )
            })
            .collect()
    };
    assert_eq!(key(&va), key(&vb));
    assert_eq!(
        source(&vb, "Lync-UccApi-0.UccApilog")["encoding"],
        "utf-16le-bom"
    );
    for n in [
        "Lync-UccApi-0.UccApilog",
        "Lync-UccApi-0.etl.xml",
        "Lync-UccApi-0.etl.csv",
    ] {
        assert_eq!(source(&va, n)["records"], source(&vb, n)["records"], "{n}");
    }
    let rel = |v: &Value| -> Vec<(String, u64, String)> {
        v["items"][0]["related"]
            .as_array()
            .expect("related")
            .iter()
            .map(|e| {
                (
                    Path::new(e["path"].as_str().expect("p"))
                        .file_name()
                        .expect("n")
                        .to_string_lossy()
                        .into_owned(),
                    e["line"].as_u64().expect("l"),
                    e["excerpt"].as_str().expect("x").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(rel(&va), rel(&vb));
}

#[test]
fn text_and_markdown_reports_show_related_evidence_and_logs() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path(), false);
    for fmt in ["text", "markdown"] {
        let out = bin()
            .args(["report", "--now", NOW, "--log-tz", "UTC", "--format", fmt])
            .arg(dir.path())
            .output()
            .expect("run");
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(
            s.contains("SIP 480 from rlee@contoso.com (offline)"),
            "{fmt}: {s}"
        );
        assert!(s.contains("Lync-UccApi-0.UccApilog:17"), "{fmt}: {s}");
        assert!(s.contains("ews-auth-failed"), "{fmt}");
        assert!(s.contains("UTC"), "{fmt}: time zone said");
    }
}

#[test]
fn lookback_and_window_narrow_related_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path(), false);
    let (v, _, _) = report_json(
        &[dir.path()],
        &["--log-tz", "UTC", "--window", "0s", "--lookback", "0s"],
    );
    // The 480 before the write time (13:50:00Z) is out of reach; what follows shortly stays.
    let rel = v["items"][0]["related"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(rel.iter().all(|e| e["line"] != 9), "no 480: {rel:#?}");
}

#[test]
fn log_flag_with_time_format_and_user_markers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(dir.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("x.xml"),
        create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
        600,
    );
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let log = elsewhere.path().join("helpdesk-notes.dat");
    fs::write(
        &log,
        "02.03.2026 13:50:00 EWS SendItem failed 0x80190193\r\n02.03.2026 13:50:30 OfflineQueue kicked again\r\n",
    )
    .expect("write");
    let markers = elsewhere.path().join("mine.toml");
    fs::write(
        &markers,
        "[[marker]]\nid = \"queue-kick\"\nkind = \"spooler-retry\"\npattern = 'OfflineQueue kicked'\nexplain = \"seen at a customer\"\n",
    )
    .expect("write");
    let (v, _, err) = report_json(
        &[dir.path()],
        &[
            "--log-tz",
            "UTC",
            "--log",
            log.to_str().expect("utf8"),
            "--log-time-format",
            "%d.%m.%Y %H:%M:%S",
            "--markers",
            markers.to_str().expect("utf8"),
        ],
    );
    let s = source(&v, "helpdesk-notes.dat");
    assert_eq!(
        (
            s["kind"].as_str(),
            s["records"].as_u64(),
            s["detected_by"].as_str()
        ),
        (Some("text-log"), Some(2), Some("--log")),
        "{err}"
    );
    assert_eq!(s["events"]["spooler-retry"], 1);
    let f = finding(&v, "ews-auth-failed");
    assert_eq!(lines_of(f), [("helpdesk-notes.dat".to_string(), 1)]);
    let rel = v["items"][0]["related"].as_array().expect("related");
    assert!(rel.iter().any(|e| e["excerpt"]
        .as_str()
        .is_some_and(|x| x.starts_with("spooler retry"))));
}

#[test]
fn a_bad_marker_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("bad.toml");
    fs::write(
        &m,
        "# mine\n[[marker]]\nid = \"x\"\nkind = \"other\"\npattern = 'a(b'\n",
    )
    .expect("write");
    let out = bin()
        .args(["report", "--now", NOW, "--markers"])
        .arg(&m)
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml: line 5: bad regular expression"),
        "{err}"
    );
}

#[test]
fn missing_logs_are_an_info_finding_and_a_broken_etl_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(dir.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("x.xml"),
        create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
        600,
    );
    put(
        &tracing_dir(dir.path()).join("Lync-UccApi-0.etl"),
        b"\x00\x01binary",
        0,
    );
    let (v, _, _) = report_json(&[dir.path()], &[]);
    let f = finding(&v, "tracing-missing");
    assert_eq!(f["severity"], "info");
    assert!(f["remediation"].as_str().expect("r").contains("tracerpt"));
    assert!(v["errors"]
        .as_array()
        .expect("e")
        .iter()
        .any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("log not read: not an ETL trace"))));
}

#[test]
fn demo_report_shows_log_findings_with_file_and_line() {
    let out = bin()
        .args(["demo", "--report", "--format", "json"])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    for rule in [
        "ews-auth-failed",
        "autoarchiving-disabled",
        "client-build-unsupported",
    ] {
        // The demo's policy export fires autoarchiving-disabled too (no account): take the log one.
        let f = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == rule && f["account"] == "jdoe@contoso.com")
            .unwrap_or_else(|| panic!("no {rule} for jdoe"));
        let (name, line) = &lines_of(f)[0];
        assert_eq!(name, "Lync-UccApi-0.UccApilog", "{rule}");
        assert!(*line > 0, "{rule}");
    }
    let stuck_with_related = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["stuck"] == true && i.get("related").is_some())
        .count();
    assert_eq!(
        stuck_with_related, 3,
        "three of jdoe's stuck items have a 480 and EWS failures"
    );
    // tlegacy has stuck items and no log: told how to get one.
    assert!(v["findings"]
        .as_array()
        .expect("f")
        .iter()
        .any(|f| f["rule"] == "tracing-missing" && f["account"] == "tlegacy@contoso.com"));
}

#[test]
fn a_log_being_appended_is_read_up_to_where_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracing_dir(dir.path());
    // The client is mid-write: the last record is cut in the middle of its timestamp.
    let mut ucc = UCCAPI.join("\r\n");
    ucc.push_str("\r\n03/02/2026|13:5");
    put(&t.join("Lync-UccApi-0.UccApilog"), ucc.as_bytes(), 0);
    let (v, _, _) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
    let s = source(&v, "Lync-UccApi-0.UccApilog");
    assert_eq!(s["records"], 13);
    assert_eq!(s["growing"], true);
    assert!(s["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .any(|n| n.as_str().is_some_and(|n| n.contains("being written"))));
}
