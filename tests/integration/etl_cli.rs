//! End-to-end: binary `.etl` traces read natively by the real binary. The three real traces in
//! `tests/fixtures/etl/` (see its README) and synthetic ones built with the reader's test writer.

use crate::common::*;
use serde_json::Value;
use spoolscope::parse::etl::synth::{self, Header, START_FT};
use std::path::{Path, PathBuf};
use std::time::Duration;

const LABEL: &str = "undecoded: strings of the event's arguments, no format strings";
const G: [u8; 16] = [
    0x08, 0xef, 0x18, 0x28, 0x54, 0x6a, 0x6f, 0x39, 0x22, 0x44, 0x5a, 0x6e, 0xa4, 0xa9, 0x8c, 0xf0,
];
/// FILETIME of 2026-03-02 13:50:00 UTC (the stuck item's write time below).
const AT_1350: i64 = 134_169_330_000_000_000;
/// 100-ns ticks per second.
const S: i64 = 10_000_000;
/// The SIP 480 for bob, as one string argument of a WPP message.
const SIP_480: &[u8] = b"SIP/2.0 480 Temporarily Unavailable\r\nFrom: <sip:jdoe@contoso.com>;tag=1\r\nTo: <sip:bob@contoso.com>;tag=2\r\nCSeq: 1 INVITE\r\n\0";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/etl")
        .join(name)
}

fn run(args: &[&std::ffi::OsStr]) -> (Value, i32, String) {
    let out = bin()
        .args(args)
        .args(["--format", "json", "--now", NOW])
        .timeout(Duration::from_secs(120))
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        v,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn source<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no source {name} in {:#}", v["sources"]))
}

/// An RFC 3339 time rounded to the millisecond, as `YYYY-MM-DD HH:MM:SS.mmm`.
fn ms(v: &Value) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time")).expect("rfc3339");
    (t + chrono::Duration::microseconds(500))
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

#[test]
fn report_log_on_each_real_trace_gives_its_records_times_and_logger() {
    for (name, records, first, last, logger) in [
        (
            "CldFlt0-2025-12-21-121418.etl",
            13,
            "2025-12-19 01:28:04.036",
            "2025-12-19 01:28:24.451",
            Some("CldFltLog"),
        ),
        (
            "waasmedic.20251005_113019_195.etl",
            17,
            "2025-10-05 11:30:19.202",
            "2025-10-05 11:31:19.385",
            None,
        ),
        (
            "SIH.20230422.034724.362.1.etl",
            10,
            "2023-04-22 10:47:24.472",
            "2023-04-22 10:47:45.726",
            Some("SIH_trace_log"),
        ),
    ] {
        let f = fixture(name);
        let (v, code, err) = run(&["report".as_ref(), "--log".as_ref(), f.as_os_str()]);
        assert_eq!(code, 0, "{name}: {err}");
        let s = source(&v, name);
        assert_eq!(s["kind"], "etl", "{name}");
        assert_eq!(s["records"], records, "{name}");
        assert_eq!(ms(&s["first"]), first, "{name}");
        assert_eq!(ms(&s["last"]), last, "{name}");
        assert_eq!(s["detected_by"], "--log");
        assert_eq!(s["encoding"], "binary");
        let e = &s["etl"];
        if let Some(l) = logger {
            assert_eq!(e["logger"], l, "{name}");
        }
        assert_eq!(e["frequency_hz"], 10_000_000, "{name}");
        assert_eq!(e["pointer_size"], 8, "{name}");
        assert_eq!(e["events_lost"], 0, "{name}");
        assert!(
            e["log_file"].as_str().is_some_and(|p| p.ends_with(".etl")),
            "{name}"
        );
        assert!(
            s["notes"].as_array().is_some_and(|n| n.iter().any(|n| n
                .as_str()
                .is_some_and(|n| n.starts_with("a heuristic reading")))),
            "{name}: {s:#}"
        );
        assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{name}");
    }
    // The same in the text report: one line of header facts under the log's line.
    let out = bin()
        .args(["report", "--now", NOW, "--log"])
        .arg(fixture("CldFlt0-2025-12-21-121418.etl"))
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("etl · 13 records"), "{text}");
    assert!(
        text.contains("    etl: logger CldFltLog · session 2025-12-19 01:28:04.035 – 2025-12-19 01:28:25.702 UTC · clock system-time at 10000000 Hz · 64-bit · Windows 10.0.26100 · lost 0 events, 0 buffers · written as C:\\Windows\\System32\\LogFiles\\CloudFiles\\CldFlt0.etl"),
        "{text}"
    );
}

fn tracing(root: &Path) -> PathBuf {
    root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing")
}

/// A stuck item for bob written at 13:50:00Z, and a client trace whose WPP messages carry an
/// EWS URL, a 401 as a binary HRESULT, and the SIP 480 for bob, around that time.
fn build(root: &Path, etl_name: &str) -> PathBuf {
    let sp = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("{B0B0}.xml"),
        create_item("bob@contoso.com", "hi", "IPM.Note").as_bytes(),
        600,
    );
    let mut ews = synth::utf16("POST https://mail.contoso.com/EWS/Exchange.asmx", true);
    ews.extend_from_slice(&0x8019_0191u32.to_le_bytes());
    let h = Header {
        start_ft: AT_1350 - 60 * S,
        end_ft: AT_1350 + 60 * S,
        ts0: AT_1350 - 60 * S,
        ..Header::default()
    };
    let f = synth::file(
        &h,
        &[vec![
            synth::wpp(G, 20, AT_1350 - 2 * S, 0x1F68, 0xC14, SIP_480),
            synth::wpp(G, 21, AT_1350 + S, 0x1F68, 0xC14, &ews),
            synth::wpp(
                G,
                22,
                AT_1350 + 2 * S,
                0x1F68,
                0xC14,
                b"sip:bob@contoso.com\0",
            ),
        ]],
    );
    let p = tracing(root).join(etl_name);
    put(&p, &f, 300);
    p
}

#[test]
fn a_folder_scan_reads_the_etl_in_tracing_and_its_strings_become_evidence() {
    let dir = tempfile::tempdir().expect("tmp");
    build(dir.path(), "Lync-UccApi-0.etl");
    let (v, code, err) = run(&["report".as_ref(), dir.path().as_os_str()]);
    assert_eq!(code, 1, "{err}");
    let s = source(&v, "Lync-UccApi-0.etl");
    assert_eq!(s["kind"], "etl");
    assert_eq!(s["detected_by"], "name+content");
    assert_eq!(s["records"], 3);
    assert_eq!(s["account"], "jdoe@contoso.com");
    assert_eq!(s["etl"]["logger"], "Lync-UccApi");
    assert_eq!(s["events"]["ews-failure"], 1);
    assert_eq!(s["events"]["sip-response"], 1);
    // No advice to convert with tracerpt any more, and no missing-tracing finding.
    let errors = v["errors"].as_array().expect("errors");
    assert!(errors.is_empty(), "{errors:#?}");
    let findings = v["findings"].as_array().expect("findings");
    assert!(!findings.iter().any(|f| f["rule"] == "tracing-missing"));
    // The HRESULT candidate next to the EWS URL: an auth failure, with the record as evidence.
    let f = findings
        .iter()
        .find(|f| f["rule"] == "ews-auth-failed")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    let e = f["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .find(|e| {
            e["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("Lync-UccApi-0.etl"))
        })
        .expect("etl evidence");
    assert_eq!(e["line"], 3, "record 3: logfile header, the 480, this one");
    let x = e["excerpt"].as_str().expect("excerpt");
    assert!(
        x.starts_with("hr=0x80190191 (candidate HRESULT, facility HTTP, status 401)"),
        "{x}"
    );
    // The second record of the second buffer: after the buffer header and the first message
    // (a 40-byte message header and its argument, 8-byte aligned).
    let offset = 4096 + 0x48 + (40 + SIP_480.len()).div_ceil(8) * 8;
    assert!(x.contains(&format!("@{offset:#x} ")), "{x}");
    assert!(x.ends_with(LABEL), "{x}");
    assert_eq!(e["time"], "2026-03-02T13:50:01Z");
    // The 480 to bob is related to his stuck item.
    let item = &v["items"][0];
    let rel = item["related"].as_array().expect("related");
    assert!(
        rel.iter().any(|r| r["excerpt"].as_str().is_some_and(|x| x
            .starts_with("SIP 480 from bob@contoso.com (offline): SIP/2.0 480")
            && x.ends_with(LABEL))),
        "{rel:#?}"
    );
}

#[test]
fn a_renamed_trace_is_recognised_by_its_buffer_header() {
    // Whatever the copy is called: an extension we guess at, one we do not, or none.
    for name in [
        "Lync-UccApi-0.etl.bak",
        "Lync-UccApi-0.etl.copy",
        "trace.bin",
        "Lync-UccApi-0",
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        build(dir.path(), name);
        let (v, code, err) = run(&["report".as_ref(), dir.path().as_os_str()]);
        let s = source(&v, name);
        assert_eq!(
            (s["kind"].as_str(), s["detected_by"].as_str()),
            (Some("etl"), Some("content")),
            "{name}: {err}"
        );
        assert_eq!(s["records"], 3, "{name}");
        assert_eq!(code, 1, "{name}: the 401 in it is read");
        assert!(
            v["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .any(|f| f["rule"] == "ews-auth-failed"),
            "{name}"
        );
    }
}

/// A renamed text log is recognised by its records too, and a file that is no log, whatever
/// its name, stays listed as ignored.
#[test]
fn a_renamed_text_log_is_recognised_and_other_files_stay_ignored() {
    let dir = tempfile::tempdir().expect("tmp");
    let t = tracing(dir.path());
    put(
        &t.join("Lync-UccApi-0.UccApilog.copy"),
        b"03/02/2026|13:50:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n",
        60,
    );
    put(
        &t.join("notes.bin"),
        &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0],
        60,
    );
    let (v, code, err) = run(&["report".as_ref(), dir.path().as_os_str()]);
    assert_eq!(code, 1, "{err}");
    let s = source(&v, "Lync-UccApi-0.UccApilog.copy");
    assert_eq!(
        (s["kind"].as_str(), s["detected_by"].as_str()),
        (Some("uccapilog"), Some("content"))
    );
    let ignored = v["ignored"].to_string();
    assert!(ignored.contains("notes.bin"), "{ignored}");
}

#[test]
fn truncated_compressed_and_garbage_traces_give_one_line_each_and_never_a_crash() {
    let dir = tempfile::tempdir().expect("tmp");
    let t = tracing(dir.path());
    let good = synth::file(
        &Header::default(),
        &[vec![synth::wpp(
            G,
            1,
            START_FT + S,
            1,
            2,
            b"a whole message\0",
        )]],
    );
    // Cut inside the second buffer.
    put(&t.join("cut.etl"), &good[..4096 + 100], 0);
    // A compressed buffer between two readable ones.
    let mut comp = good.clone();
    comp.extend(synth::buffer(
        4096,
        &[synth::wpp(G, 2, START_FT, 1, 2, b"compressed\0")],
        0x40,
    ));
    comp.extend(synth::buffer(
        4096,
        &[synth::wpp(G, 3, START_FT, 1, 2, b"after it\0")],
        0,
    ));
    put(&t.join("comp.etl"), &comp, 0);
    // Text, and random bytes, named .etl.
    put(
        &t.join("text.etl"),
        b"this is a text file that someone named .etl\r\n",
        0,
    );
    let mut x: u32 = 7;
    let junk: Vec<u8> = (0..20_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    put(&t.join("junk.etl"), &junk, 0);
    let (v, code, err) = run(&["report".as_ref(), dir.path().as_os_str()]);
    assert!(code == 0 || code == 1, "{code}: {err}");
    let errs: Vec<(String, String)> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let p = e["path"].as_str().unwrap_or_default();
            let name = Path::new(p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, e["message"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let of = |n: &str| {
        errs.iter()
            .filter(|(f, _)| f == n)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
    };
    let cut = of("cut.etl");
    assert_eq!(cut.len(), 1, "{errs:?}");
    assert!(
        cut[0].starts_with("the file ends inside the buffer at 0x1000 (100 of 4096 bytes)"),
        "{cut:?}"
    );
    assert_eq!(source(&v, "cut.etl")["records"], 0);
    assert!(of("comp.etl").is_empty(), "{errs:?}");
    let c = source(&v, "comp.etl");
    assert_eq!(c["records"], 2);
    assert_eq!(c["etl"]["compressed_buffers"], 1);
    assert!(c["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .any(|n| n == "1 compressed buffers skipped (not decompressed)"));
    for name in ["text.etl", "junk.etl"] {
        let m = of(name);
        assert_eq!(m.len(), 1, "{name}: {errs:?}");
        assert!(m[0].starts_with("log not read: not an ETL trace"), "{m:?}");
        assert!(!m[0].contains('\n'));
    }
    assert!(!v["sources"]
        .as_array()
        .expect("s")
        .iter()
        .any(|s| s["path"].as_str().is_some_and(|p| p.ends_with("text.etl"))));
    // Alone on the command line, a garbage trace is still named with its reason; a named input
    // that was not read is `scan-incomplete` (exit 1), never a clean 0.
    let (v, code, err) = run(&[
        "report".as_ref(),
        "--log".as_ref(),
        t.join("junk.etl").as_os_str(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(1));
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "scan-incomplete", "{v:#}");
    assert!(f["evidence"][0]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("junk.etl")));
}

#[test]
fn a_bundle_excerpts_the_records_around_etl_evidence() {
    let dir = tempfile::tempdir().expect("tmp");
    let out_dir = tempfile::tempdir().expect("tmp");
    build(dir.path(), "Lync-UccApi-0.etl");
    let zip_path = out_dir.path().join("case.zip");
    let out = bin()
        .args(["bundle", "--now", NOW, "-o"])
        .arg(&zip_path)
        .arg(dir.path())
        .timeout(Duration::from_secs(120))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = std::fs::File::open(&zip_path).expect("zip");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    let name = (0..z.len())
        .filter_map(|i| z.by_index(i).ok().map(|e| e.name().to_string()))
        .find(|n| n.ends_with("Lync-UccApi-0.etl.excerpt.txt"))
        .expect("an excerpt of the trace");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut z.by_name(&name).expect("entry"), &mut text).expect("read");
    // Every record of this small trace is near the evidence: the logfile header, the 480, the
    // failure (marked), the last message.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("       1: @0x00000048 "), "{text}");
    assert!(lines[0].contains("system logfile header"), "{text}");
    assert!(lines[2].starts_with(">      3: @0x0000"), "{text}");
    assert!(
        lines[2].contains("\"POST https://mail.contoso.com/EWS/Exchange.asmx\""),
        "{text}"
    );
    assert!(lines[3].contains("sip:bob@contoso.com"), "{text}");
}
