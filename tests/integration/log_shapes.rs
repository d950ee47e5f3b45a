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

/// `watch --format ndjson` on `root`, its output lines, and the lines seen so far.
#[cfg(unix)]
fn watch(root: &Path) -> (Guarded, std::sync::mpsc::Receiver<String>) {
    let args: Vec<&std::ffi::OsStr> = vec![
        "watch".as_ref(),
        "--format".as_ref(),
        "ndjson".as_ref(),
        "--heartbeat".as_ref(),
        "1h".as_ref(),
        "--log-tz".as_ref(),
        "UTC".as_ref(),
        root.as_os_str(),
    ];
    let mut child = Guarded::bin(&args, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    (child, rx)
}

/// The `log-event` lines whose excerpt holds `needle`.
#[cfg(unix)]
fn log_events<'a>(seen: &'a [String], needle: &'a str) -> impl Iterator<Item = Value> + 'a {
    seen.iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(move |v| {
            v["type"] == "log-event"
                && v["event"]["excerpt"]
                    .as_str()
                    .is_some_and(|x| x.contains(needle))
        })
}

#[cfg(unix)]
fn append(p: &Path, b: &[u8]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(p)
        .expect("open log");
    f.write_all(b).expect("append");
}

/// Stop the watcher and collect what it printed.
#[cfg(unix)]
fn stop(mut child: Guarded, rx: std::sync::mpsc::Receiver<String>, seen: &mut Vec<String>) {
    child.signal("TERM");
    assert_eq!(child.wait(WAIT_LIMIT).code(), Some(0));
    while let Ok(l) = rx.recv_timeout(std::time::Duration::from_secs(5)) {
        seen.push(l);
    }
}

#[cfg(unix)]
fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[cfg(unix)]
fn stamp() -> String {
    chrono::Utc::now()
        .format("%m/%d/%Y|%H:%M:%S%.3f")
        .to_string()
}

/// Defect 8 (UTF-16 half): `watch` on a UTF-16LE UccApilog appended in pieces that end inside
/// a code unit, and between the two halves of a surrogate pair: the unfinished character waits
/// for its rest, so no `log-event` excerpt ends in U+FFFD (it did: "403 For\u{fffd}").
#[cfg(unix)]
#[test]
fn watch_holds_back_a_cut_utf16_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = tracing(dir.path()).join("Lync-UccApi-0.UccApilog");
    let first = format!(
        "{} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref=0\r\n",
        stamp()
    );
    std::fs::write(&log, [vec![0xFF, 0xFE], utf16le(&first)].concat()).expect("write");
    let (child, rx) = watch(dir.path());
    let mut seen = Vec::new();
    let has =
        |needle: &'static str| move |l: &str| log_events(&[l.to_string()], needle).next().is_some();
    wait_line(
        &rx,
        &mut seen,
        WAIT_LIMIT,
        "the first failure",
        has("ref=0"),
    );
    // Cut inside the "b" of "Forbidden" (an odd number of bytes).
    let a = utf16le(&format!(
        "{} 1F68:C14 ERROR :: POST https://mail.contoso.com/EWS/Exchange.asmx\r\nHTTP/1.1 403 Forb",
        stamp()
    ));
    append(&log, &a[..a.len() - 1]);
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the 403", has("HTTP/1.1 403"));
    std::thread::sleep(std::time::Duration::from_millis(1200));
    append(
        &log,
        &[&a[a.len() - 1..], &utf16le("idden ref=1\r\n")[..]].concat(),
    );
    // Cut after the high half of U+1F4AC.
    let b = utf16le(&format!(
        "{} 1F68:C14 ERROR :: EWS response HTTP/1.1 503 Service Unavailable 💬 ref=2\r\n",
        stamp()
    ));
    // Before the low half (2 bytes) and what follows it.
    let cut = b.len() - 2 - utf16le(" ref=2\r\n").len();
    append(&log, &b[..cut]);
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the 503", has("HTTP/1.1 503"));
    std::thread::sleep(std::time::Duration::from_millis(1200));
    append(&log, &b[cut..]);
    let last = format!(
        "{} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref=3\r\n",
        stamp()
    );
    append(&log, &utf16le(&last));
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the last failure", has("ref=3"));
    stop(child, rx, &mut seen);
    let bad: Vec<Value> = log_events(&seen, "\u{fffd}").collect();
    assert!(bad.is_empty(), "excerpts with U+FFFD: {bad:#?}");
    assert!(log_events(&seen, "HTTP/1.1 503").count() >= 1);
}

/// Defect 13 under `watch`: a CSV row whose quoted field holds a line break, appended in two
/// pieces (the first ends inside the quotes), is one row: its 401 comes out once, with the
/// row's time (it came out as a row of its own, without a time).
#[cfg(unix)]
#[test]
fn watch_reads_a_csv_row_appended_inside_its_quotes_as_one_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = tracing(dir.path()).join("client-trace.csv");
    let ft = || {
        let now = chrono::Utc::now();
        now.timestamp() as u64 * 10_000_000
            + u64::from(now.timestamp_subsec_nanos()) / 100
            + 116_444_736_000_000_000
    };
    let row = |msg: &str| {
        format!(
            "Lync,Error,10,0,0,2,0,0,0x0,0x1F68,0x0C14,1,,,,,{},10,20,{msg}\r\n",
            ft()
        )
    };
    std::fs::write(
        &log,
        format!(
            "{CSV_HEADER}\r\n{}",
            row("EWS response HTTP/1.1 401 Unauthorized ref=0")
        ),
    )
    .expect("write");
    let (child, rx) = watch(dir.path());
    let mut seen = Vec::new();
    let has =
        |needle: &'static str| move |l: &str| log_events(&[l.to_string()], needle).next().is_some();
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the first row", has("ref=0"));
    let two = row("\"POST https://mail.contoso.com/EWS/Exchange.asmx\r\nEWS SendItem HTTP/1.1 401 Unauthorized ref=1\r\nlast\"");
    let (a, b) = two.split_at(two.find("\r\n").expect("break") + 2);
    append(&log, a.as_bytes());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    append(&log, b.as_bytes());
    wait_line(
        &rx,
        &mut seen,
        WAIT_LIMIT,
        "the 401 in the quoted field",
        has("ref=1"),
    );
    append(
        &log,
        row("EWS response HTTP/1.1 401 Unauthorized ref=2").as_bytes(),
    );
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the next row", has("ref=2"));
    stop(child, rx, &mut seen);
    let r: Vec<Value> = log_events(&seen, "ref=1").collect();
    assert_eq!(r.len(), 1, "{r:#?}");
    assert_eq!(r[0]["event"]["line"].as_u64(), Some(4), "{r:#?}");
    assert!(r[0]["event"]["time"].is_string(), "{r:#?}");
}

/// Defect 22 (lone CR): a UccApilog whose lines end with a lone CR (old Mac style) is read line
/// by line, with a note saying so (it was one line, noted as "last line has no ending"); the
/// same log with CRLF ends reads the same, without the note.
#[test]
fn lone_cr_line_ends_are_lines() {
    let lines = [
        "03/02/2026|13:50:00.000 1F68:C14 INFO  :: start",
        "03/02/2026|13:50:01.000 1F68:C14 ERROR :: POST https://mail.contoso.com/EWS/Exchange.asmx failed, reply HTTP/1.1 401 Unauthorized",
        "03/02/2026|13:50:02.000 1F68:C14 INFO  :: done",
    ];
    let read = |end: &str| {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = tracing(dir.path());
        let mut text = lines.join(end);
        text.push_str(end);
        std::fs::write(t.join("Lync-UccApi-0.UccApilog"), text).expect("write");
        let (v, code, err) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
        assert_eq!(code, 1, "the 401 is a finding; stderr: {err}");
        let s = source(&v, "uccapilog").clone();
        let ev: Vec<(Option<u64>, Option<String>)> = evidence(&v)
            .iter()
            .map(|e| (e["line"].as_u64(), e["time"].as_str().map(String::from)))
            .collect();
        (s, ev)
    };
    let (cr, cr_ev) = read("\r");
    let (crlf, crlf_ev) = read("\r\n");
    let notes = |s: &Value| -> Vec<String> {
        s["notes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(String::from))
            .collect()
    };
    assert_eq!(
        (cr["records"].as_u64(), cr["lines"].as_u64()),
        (Some(3), Some(3)),
        "{cr:#}"
    );
    assert!(
        notes(&cr)
            .iter()
            .any(|n| n.starts_with("lone CR line ends") && n.contains("heuristic")),
        "{cr:#}"
    );
    assert!(
        !notes(&cr).iter().any(|n| n.contains("no ending")),
        "{cr:#}"
    );
    assert_eq!(cr["growing"], false);
    assert_eq!(cr_ev, crlf_ev);
    assert!(
        cr_ev.contains(&(Some(2), Some("2026-03-02T13:50:01Z".into()))),
        "{cr_ev:?}"
    );
    assert_eq!(
        (crlf["records"].as_u64(), crlf["lines"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(
        !notes(&crlf).iter().any(|n| n.starts_with("lone CR")),
        "{crlf:#}"
    );
}

/// Defect 22 (tracerpt XML with namespace prefixes): `<e:Events><e:Event>…<e:Data Name=…>` is
/// recognised as tracerpt XML and its 401 read (it was listed under `ignored` as not
/// recognised, exit 0).
#[test]
fn tracerpt_xml_with_namespace_prefixes_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracing(dir.path());
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<e:Events xmlns:e="http://schemas.microsoft.com/win/2004/08/events/event">
<e:Event><e:System><e:Provider Name="Lync"/><e:EventID>10</e:EventID><e:Level>2</e:Level><e:TimeCreated SystemTime="2026-03-02T13:50:00.000000000Z"/><e:Execution ProcessID="8040" ThreadID="3092"/></e:System>
<e:EventData><e:Data Name="Url">https://mail.contoso.com/EWS/Exchange.asmx</e:Data><e:Data Name="Result">HTTP/1.1 401 Unauthorized</e:Data></e:EventData></e:Event>
</e:Events>
"#;
    std::fs::write(t.join("dumpfile.xml"), xml).expect("write");
    let (v, code, err) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
    assert_eq!(code, 1, "the 401 is a finding; stderr: {err}");
    let s = source(&v, "tracerpt-xml");
    assert_eq!(s["records"].as_u64(), Some(1), "{s:#}");
    let ignored = v["ignored"].to_string();
    assert!(!ignored.contains("dumpfile.xml"), "{ignored}");
    let e: Vec<&Value> = evidence(&v)
        .into_iter()
        .filter(|e| {
            e["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("dumpfile.xml"))
        })
        .collect();
    assert!(!e.is_empty(), "{:#}", v["findings"]);
    assert!(
        e.iter()
            .all(|e| e["time"].as_str() == Some("2026-03-02T13:50:00Z")),
        "{e:#?}"
    );
}

/// Defect 22 (year 9999): a stamp of 9999-12-31 23:56 read in New York is past year 9999 in
/// UTC; titles, evidence and the log list print it as the last four-digit second marked `>`
/// (they printed `+10000-01-01 04:56`), in text and JSON titles alike, and the run ends
/// normally.
#[test]
fn times_past_year_9999_print_as_marked_four_digit_years() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracing(dir.path());
    std::fs::write(
        t.join("Lync-UccApi-0.UccApilog"),
        "12/31/9999|23:56:00.000 1F68:C14 ERROR :: POST https://mail.contoso.com/EWS/Exchange.asmx failed, reply HTTP/1.1 401 Unauthorized\r\n",
    )
    .expect("write");
    let out = bin()
        .arg("report")
        .arg(dir.path())
        .args(["--log-tz", "America/New_York", "--now", NOW])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("+10000"), "{text}");
    assert!(text.contains("at >9999-12-31 23:59 UTC"), "{text}");
    assert!(text.contains(">9999-12-31 23:59:59"), "{text}");
    let (v, code, _) = report_json(&[dir.path()], &["--log-tz", "America/New_York"]);
    assert_eq!(code, 1);
    let titles = v["findings"].to_string();
    assert!(!titles.contains("+10000"), "{titles}");
    // The JSON time itself is exact, in the offset the log was read in.
    let s = source(&v, "uccapilog");
    assert_eq!(
        s["first"].as_str(),
        Some("9999-12-31T23:56:00-05:00"),
        "{s:#}"
    );
}

/// tracerpt XML with one huge text node: read with the node kept to 64 KiB (memory does not
/// follow the node's size), the lines of later events still those of the file, and a 401
/// past the cut said unread (`scan-incomplete`, exit 1) rather than lost.
#[test]
fn tracerpt_xml_with_a_huge_text_node_is_read_capped_and_says_what_it_did_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracing(dir.path());
    let event = |body: &str| {
        format!(
            "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Lync\"/><EventID>10</EventID><Level>2</Level><TimeCreated SystemTime=\"2026-03-02T13:50:00.000000000Z\"/></System>\n<EventData><Data Name=\"Message\">{body}</Data></EventData></Event>\n"
        )
    };
    let huge = |tail: &str| {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n");
        s.push_str(&event(
            &format!("{}{tail}", "y".repeat(99) + "\n").repeat(3000),
        ));
        // Line 3 + 1 + 3000 + 1: the next event starts on line 3006, its Data on 3007.
        s.push_str(&event(
            "https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized ref=after",
        ));
        s.push_str("</Events>\n");
        s
    };
    // The unread part holds nothing a marker looks for: read, the later 401 on its own line.
    std::fs::write(t.join("dumpfile.xml"), huge("")).expect("write");
    let (v, code, err) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
    assert_eq!(code, 1, "the later 401 is a finding; stderr: {err}");
    assert!(!err.contains("not read"), "{err}");
    let s = source(&v, "tracerpt-xml");
    assert_eq!(s["records"].as_u64(), Some(2), "{s:#}");
    let lines: Vec<u64> = evidence(&v)
        .into_iter()
        .filter(|e| {
            e["excerpt"]
                .as_str()
                .is_some_and(|x| x.contains("ref=after"))
        })
        .filter_map(|e| e["line"].as_u64())
        .collect();
    assert!(
        lines.iter().all(|&l| l == 3006 || l == 3007) && !lines.is_empty(),
        "{lines:?}"
    );
    // A 401 in the unread part: an error line and scan-incomplete.
    std::fs::write(
        t.join("dumpfile.xml"),
        huge("").replacen(
            &"y".repeat(99),
            "HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx ref=lost",
            2000,
        ),
    )
    .expect("write");
    let (v, code, err) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("XML text node past its first 64 KiB holds text a marker looks for"),
        "{err}"
    );
    assert!(rules(&v).contains(&"scan-incomplete"), "{:?}", rules(&v));
}
