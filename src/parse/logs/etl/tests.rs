use super::synth::{self, Header, START_FT};
use super::*;
use crate::model::SourceKind;
use crate::parse::logs::parse_log;
use crate::parse::markers::Markers;

const G: [u8; 16] = [
    0x08, 0xef, 0x18, 0x28, 0x54, 0x6a, 0x6f, 0x39, 0x22, 0x44, 0x5a, 0x6e, 0xa4, 0xa9, 0x8c, 0xf0,
];

fn markers() -> std::sync::Arc<Markers> {
    Markers::builtin_shared().expect("markers")
}

fn run(bytes: &[u8]) -> LogOutput {
    let m = markers();
    let opts = ParseOptions::utc(&m);
    parse_log(bytes, SourceKind::Etl, Path::new("t.etl"), &opts).expect("a slice reads")
}

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/etl")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn ms(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    let t = t.expect("a time");
    // Round to the millisecond, as the independent parser prints them.
    let t = t + chrono::Duration::microseconds(500);
    t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

fn kinds(o: &LogOutput) -> Vec<(String, u64)> {
    let e = o.etl.as_ref().expect("etl summary");
    e.records_by_kind
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

#[test]
fn the_three_real_files_give_the_counts_and_times_an_independent_parser_gives() {
    let cases = [
        (
            "CldFlt0-2025-12-21-121418.etl",
            13,
            "2025-12-19 01:28:04.036",
            "2025-12-19 01:28:24.451",
            Some("CldFltLog"),
            "system-time",
        ),
        (
            "waasmedic.20251005_113019_195.etl",
            17,
            "2025-10-05 11:30:19.202",
            "2025-10-05 11:31:19.385",
            None,
            "qpc",
        ),
        (
            "SIH.20230422.034724.362.1.etl",
            10,
            "2023-04-22 10:47:24.472",
            "2023-04-22 10:47:45.726",
            Some("SIH_trace_log"),
            "qpc",
        ),
    ];
    for (name, records, first, last, logger, clock) in cases {
        let o = run(&fixture(name));
        assert_eq!(o.records, records, "{name}");
        assert_eq!(ms(o.first), first, "{name}");
        assert_eq!(ms(o.last), last, "{name}");
        let e = o.etl.as_ref().expect("summary");
        if let Some(l) = logger {
            assert_eq!(e.logger.as_deref(), Some(l), "{name}");
        }
        assert_eq!(e.clock, clock, "{name}");
        assert_eq!(e.frequency_hz, Some(10_000_000), "{name}");
        assert_eq!(e.pointer_size, Some(8), "{name}");
        assert!(o.problems.is_empty(), "{name}: {:?}", o.problems);
        assert_eq!(o.events.len() as u64, records, "one event per record");
    }
    let o = run(&fixture("CldFlt0-2025-12-21-121418.etl"));
    assert_eq!(
        kinds(&o),
        [
            ("perfinfo".to_string(), 2),
            ("system".to_string(), 2),
            ("wpp".to_string(), 13)
        ]
    );
    let e = o.etl.as_ref().expect("summary");
    assert_eq!(
        e.log_file.as_deref(),
        Some("C:\\Windows\\System32\\LogFiles\\CloudFiles\\CldFlt0.etl")
    );
    assert_eq!(e.os_version.as_deref(), Some("10.0.26100"));
    let first = &o.events[0];
    assert_eq!(first.values["guid"], "2818ef08-6a54-396f-2244-5a6ea4a98cf0");
    assert_eq!(first.values["msg"], "43");
    assert_eq!(first.values["offset"], "0x1048");
    assert_eq!(
        (first.values["pid"].as_str(), first.values["tid"].as_str()),
        ("4", "244")
    );
    assert_eq!(first.line, 5, "after two system and two perfinfo records");
    // TraceLogging: the provider name and the payload's UTF-16 string.
    let o = run(&fixture("waasmedic.20251005_113019_195.etl"));
    let e = &o.events[0];
    assert_eq!(e.values["etl_kind"], "tracelogging");
    assert_eq!(e.values["provider"], "Microsoft.Windows.WaaSMedic.Local");
    assert!(
        e.excerpt.starts_with("** Service starting **"),
        "{}",
        e.excerpt
    );
    assert!(e.excerpt.ends_with(UNDECODED), "{}", e.excerpt);
    assert_eq!(e.level.as_deref(), Some("INFO"));
}

#[test]
fn every_record_kind_is_recognised_and_sizes_are_read_where_each_kind_keeps_them() {
    let h = Header::default();
    let g2 = synth::guid(0x1234_5678, 0x9abc, 0xdef0, [1, 2, 3, 4, 5, 6, 7, 8]);
    // A system record whose +0 (version 2) is not its size, and a perfinfo record likewise:
    // read at the wrong offset, the walk would lose the records after them.
    let recs = vec![
        synth::system(true, 0x0502, START_FT + 1, &[0xAA; 0x18]),
        synth::perfinfo(0x0F33, START_FT + 2, &[0xBB; 0x21]),
        synth::wpp(G, 7, START_FT + 3, 100, 200, b"plain ascii argument\0"),
        synth::event(
            g2,
            42,
            2,
            START_FT + 4,
            101,
            201,
            None,
            false,
            &synth::utf16("manifest payload", true),
        ),
        synth::event(
            g2,
            43,
            4,
            START_FT + 5,
            102,
            202,
            Some("Contoso.Lync.Trace"),
            true,
            b"tracelogging text\0",
        ),
        synth::classic(g2, 11, 3, START_FT + 6, 103, 203, b"classic mof payload\0"),
        synth::instance(12, START_FT + 7, 104, 204, b"instance payload\0"),
    ];
    let f = synth::file(&h, &[recs]);
    let o = run(&f);
    assert!(o.problems.is_empty(), "{:?}", o.problems);
    assert_eq!(o.records, 5);
    assert_eq!(
        kinds(&o),
        [
            ("classic".to_string(), 2),
            ("manifest".to_string(), 1),
            ("perfinfo".to_string(), 1),
            ("system".to_string(), 2),
            ("tracelogging".to_string(), 1),
            ("wpp".to_string(), 1),
        ]
    );
    let by_kind = |k: &str| -> Vec<&crate::model::LogEvent> {
        o.events
            .iter()
            .filter(|e| e.values["etl_kind"] == k)
            .collect()
    };
    let w = by_kind("wpp")[0];
    assert_eq!(w.values["msg"], "7");
    assert_eq!(
        (w.values["pid"].as_str(), w.values["tid"].as_str()),
        ("100", "200")
    );
    assert!(
        w.excerpt.starts_with("plain ascii argument"),
        "{}",
        w.excerpt
    );
    let m = by_kind("manifest")[0];
    assert_eq!(m.values["event_id"], "42");
    assert_eq!(m.values["guid"], "12345678-9abc-def0-0102-030405060708");
    assert_eq!(m.level.as_deref(), Some("ERROR"));
    assert!(m.excerpt.starts_with("manifest payload"), "{}", m.excerpt);
    let t = by_kind("tracelogging")[0];
    assert_eq!(t.values["provider"], "Contoso.Lync.Trace");
    assert!(t.excerpt.starts_with("tracelogging text"), "{}", t.excerpt);
    let c = by_kind("classic");
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].values["event_type"], "11");
    assert_eq!(c[0].level.as_deref(), Some("WARN"));
    assert!(
        !c[1].values.contains_key("guid"),
        "an instance header has no GUID"
    );
    // System time clock: the raw stamps are FILETIMEs.
    assert_eq!(
        w.time.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:41:00.000000300+00:00")
    );
    // Lines number the records in walk order; offsets rise with them.
    let offs: Vec<u64> = o
        .events
        .iter()
        .map(|e| u64::from_str_radix(e.values["offset"].trim_start_matches("0x"), 16).expect("hex"))
        .collect();
    assert!(offs.windows(2).all(|p| p[0] < p[1]), "{offs:?}");
    assert_eq!(
        o.events.iter().map(|e| e.line).collect::<Vec<_>>(),
        [4, 5, 6, 7, 8]
    );
    assert_eq!(o.lines, 8);
}

#[test]
fn padding_ends_a_buffer_even_when_the_filled_mark_says_more() {
    let h = Header::default();
    let mut b = synth::buffer(
        4096,
        &[synth::wpp(G, 1, START_FT, 1, 2, b"first message\0")],
        0,
    );
    // Filled marks claim the whole buffer: the 0xFF padding must stop the walk, not count as
    // an unreadable record.
    b[4..8].copy_from_slice(&4096u32.to_le_bytes());
    b[0x30..0x34].copy_from_slice(&4096u32.to_le_bytes());
    let mut f = synth::file(&h, &[]);
    f.extend(b);
    let o = run(&f);
    assert_eq!(o.records, 1);
    assert_eq!(o.skipped, 0);
    assert!(
        !kinds(&o).iter().any(|(k, _)| k == "unreadable"),
        "{:?}",
        kinds(&o)
    );
}

#[test]
fn saved_offset_short_of_offset_still_reads_the_later_records() {
    let h = Header::default();
    let mut f = synth::file(&h, &[]);
    // Like the header buffer of real files: records appended after SavedOffset was taken.
    let extra = synth::wpp(G, 2, START_FT + 10, 1, 2, b"after the saved offset\0");
    let mut b = synth::buffer(4096, &[synth::logfile_header(&h), extra], 0);
    let saved = 0x48 + super::container::align8(synth::logfile_header(&h).len());
    b[4..8].copy_from_slice(&(saved as u32).to_le_bytes());
    f.splice(0..4096, b);
    let o = run(&f);
    assert_eq!(o.records, 1);
    assert!(o.events[0].excerpt.starts_with("after the saved offset"));
}

#[test]
fn a_compressed_buffer_is_skipped_and_counted() {
    let h = Header::default();
    let mut f = synth::file(
        &h,
        &[vec![synth::wpp(
            G,
            1,
            START_FT + 1,
            1,
            2,
            b"before compression\0",
        )]],
    );
    f.extend(synth::buffer(
        4096,
        &[synth::wpp(
            G,
            2,
            START_FT + 2,
            1,
            2,
            b"inside the compressed one\0",
        )],
        0x40,
    ));
    f.extend(synth::buffer(
        4096,
        &[synth::wpp(G, 3, START_FT + 3, 1, 2, b"after compression\0")],
        0,
    ));
    let o = run(&f);
    assert_eq!(o.records, 2);
    assert!(o.problems.is_empty(), "{:?}", o.problems);
    let e = o.etl.as_ref().expect("etl");
    assert_eq!((e.buffers, e.compressed_buffers), (4, 1));
    assert_eq!(o.skipped, 1);
    assert!(
        o.notes
            .iter()
            .any(|n| n == "1 compressed buffers skipped (not decompressed)"),
        "{:?}",
        o.notes
    );
    assert!(!o
        .events
        .iter()
        .any(|e| e.excerpt.contains("inside the compressed")));
    // The skipped buffer has its own line number: the raw view shows it.
    assert_eq!(o.events.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 4]);
}

#[test]
fn a_truncated_file_keeps_the_whole_records_and_says_where_it_was_cut() {
    let h = Header::default();
    let f = synth::file(
        &h,
        &[vec![
            synth::wpp(G, 1, START_FT + 1, 1, 2, b"whole record one\0"),
            synth::wpp(G, 2, START_FT + 2, 1, 2, b"whole record two\0"),
            synth::wpp(
                G,
                3,
                START_FT + 3,
                1,
                2,
                b"this record is cut in half by the end of the file\0",
            ),
        ]],
    );
    // Cut inside the third record of the second buffer.
    let cut = 4096 + 0x48 + 2 * 64 + 20;
    let o = run(&f[..cut]);
    assert_eq!(o.records, 2);
    assert_eq!(o.problems.len(), 1, "{:?}", o.problems);
    assert!(
        o.problems[0].starts_with("the file ends inside the buffer at 0x1000"),
        "{}",
        o.problems[0]
    );
    // Cut inside a buffer header: still one line, nothing read from it.
    let o = run(&f[..4096 + 30]);
    assert_eq!(o.records, 0);
    assert_eq!(o.problems.len(), 1, "{:?}", o.problems);
    // Cut inside the first buffer: the logfile header is incomplete, no events, one line.
    let o = run(&f[..100]);
    assert_eq!(o.records, 0);
    assert_eq!(o.problems.len(), 1, "{:?}", o.problems);
}

#[test]
fn garbage_is_one_line_and_never_a_crash() {
    let o = run(b"this is not an ETL file at all, just some text that goes on and on for a while");
    assert_eq!(o.records, 0);
    assert_eq!(o.problems.len(), 1);
    assert!(
        o.problems[0].starts_with("not an ETL trace"),
        "{}",
        o.problems[0]
    );
    let o = run(b"");
    assert_eq!((o.records, o.problems.len()), (0, 0));
    // Pseudo-random bytes of many lengths, and random bytes after a valid first buffer.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    };
    let good = synth::file(&Header::default(), &[]);
    for n in [1usize, 71, 72, 73, 4095, 4096, 9000, 20_000] {
        let junk: Vec<u8> = (0..n).map(|_| rnd()).collect();
        let o = run(&junk);
        assert!(o.problems.len() <= 1, "{:?}", o.problems);
        let mut f = good.clone();
        f.extend(&junk);
        let o = run(&f);
        assert!(o.problems.len() <= 1, "{:?}", o.problems);
        assert!(o.notes.iter().all(|n| !n.contains('\n')));
    }
    // Unknown record kinds inside a good buffer: counted, the rest of the buffer passed over.
    let mut bad = synth::wpp(G, 1, START_FT, 1, 2, b"readable\0");
    bad.extend_from_slice(&[0, 0, 0x55, 0x70, 1, 2, 3, 4]);
    let mut f = good.clone();
    f.extend(synth::buffer(4096, &[bad], 0));
    let o = run(&f);
    assert_eq!(o.records, 1);
}

#[test]
fn an_unreadable_buffer_header_is_passed_over_by_the_first_buffers_size() {
    let h = Header::default();
    let mut f = synth::file(
        &h,
        &[
            vec![synth::wpp(G, 1, START_FT + 1, 1, 2, b"first buffer text\0")],
            vec![synth::wpp(G, 2, START_FT + 2, 1, 2, b"lost buffer text\0")],
            vec![synth::wpp(G, 3, START_FT + 3, 1, 2, b"third buffer text\0")],
        ],
    );
    f[2 * 4096..2 * 4096 + 4].copy_from_slice(&[0xEE; 4]);
    let o = run(&f);
    assert_eq!(o.records, 2);
    assert_eq!(o.etl.as_ref().map(|e| e.unreadable_buffers), Some(1));
    assert!(o
        .notes
        .iter()
        .any(|n| n.contains("1 buffers with an unreadable header")));
    // A preallocated file's zero tail is unused space, not damage.
    let mut f = synth::file(
        &h,
        &[vec![synth::wpp(G, 1, START_FT, 1, 2, b"only message\0")]],
    );
    f.extend(vec![0u8; 3 * 4096]);
    let o = run(&f);
    assert_eq!((o.records, o.skipped), (1, 0));
    assert!(o.problems.is_empty(), "{:?}", o.problems);
    assert!(o
        .notes
        .iter()
        .any(|n| n.starts_with("12288 bytes of zero-filled buffers")));
}

#[test]
fn clocks_qpc_cpu_cycles_and_unknown() {
    // QPC at 3 MHz: 3 000 000 ticks after the header record are one second after StartTime.
    let h = Header {
        clock: 1,
        perf_freq: 3_000_000,
        ts0: 1_000_000,
        ..Header::default()
    };
    let f = synth::file(
        &h,
        &[vec![synth::wpp(G, 1, 4_000_000, 1, 2, b"one second in\0")]],
    );
    let o = run(&f);
    assert_eq!(
        o.first.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:41:01+00:00")
    );
    let e = o.etl.as_ref().expect("etl");
    assert_eq!((e.clock.as_str(), e.frequency_hz), ("qpc", Some(3_000_000)));
    // CPU cycles at 2000 MHz: 500 000 cycles are 250 µs.
    let h = Header {
        clock: 3,
        cpu_mhz: 2000,
        ts0: 0,
        ..Header::default()
    };
    let f = synth::file(
        &h,
        &[vec![synth::wpp(
            G,
            1,
            500_000,
            1,
            2,
            b"quarter millisecond\0",
        )]],
    );
    let o = run(&f);
    assert_eq!(
        o.first.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:41:00.000250+00:00")
    );
    // A clock type no document describes: no times, one note.
    let h = Header {
        clock: 7,
        ..Header::default()
    };
    let f = synth::file(&h, &[vec![synth::wpp(G, 1, 5, 1, 2, b"when was this\0")]]);
    let o = run(&f);
    assert_eq!((o.records, o.first), (1, None));
    assert!(
        o.notes.iter().any(|n| n.starts_with("clock type 7")),
        "{:?}",
        o.notes
    );
    assert_eq!(o.etl.as_ref().map(|e| e.clock.as_str()), Some("unknown"));
}

#[test]
fn a_32_bit_logfile_header_and_lost_events() {
    let h = Header {
        pointer64: false,
        events_lost: 3,
        buffers_lost: 1,
        logger: "Lync32".into(),
        ..Header::default()
    };
    let f = synth::file(
        &h,
        &[vec![synth::wpp(
            G,
            1,
            START_FT + 5,
            1,
            2,
            b"from a 32-bit session\0",
        )]],
    );
    let o = run(&f);
    let e = o.etl.as_ref().expect("etl");
    assert_eq!(e.logger.as_deref(), Some("Lync32"));
    assert_eq!(e.pointer_size, Some(4));
    assert_eq!((e.events_lost, e.buffers_lost), (3, 1));
    assert_eq!(
        e.start.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:41:00+00:00")
    );
    assert!(o
        .notes
        .iter()
        .any(|n| n == "the session lost 3 events and 1 buffers while logging (logfile header)"));
}

/// The example: a WPP message whose arguments carry an EWS URL, a failure status (as
/// a binary HRESULT), a `sip:` recipient and a SIP 480 line.
pub(crate) fn ews_wpp_args() -> Vec<u8> {
    let mut a = Vec::new();
    a.extend(synth::utf16(
        "POST https://mail.contoso.com/EWS/Exchange.asmx",
        true,
    ));
    a.extend_from_slice(&0x8019_0191u32.to_le_bytes());
    a.extend_from_slice(&7u32.to_le_bytes());
    a.extend_from_slice(b"sip:bob@contoso.com\0");
    a.extend_from_slice(
        b"SIP/2.0 480 Temporarily Unavailable\r\nTo: <sip:bob@contoso.com>;tag=9\r\n\0",
    );
    a
}

#[test]
fn strings_of_a_wpp_record_go_through_the_markers_with_the_offset_as_evidence() {
    let h = Header::default();
    let f = synth::file(
        &h,
        &[vec![
            synth::wpp(G, 12, START_FT + 1, 0x1F68, 0xC14, b"unrelated text here\0"),
            synth::wpp(G, 13, START_FT + 2, 0x1F68, 0xC14, &ews_wpp_args()),
        ]],
    );
    let o = run(&f);
    assert_eq!(o.records, 2);
    let find = |marker: &str| {
        o.events
            .iter()
            .find(|e| e.marker == marker)
            .unwrap_or_else(|| panic!("{marker}: {:#?}", o.events))
    };
    let post = find("ews-post");
    assert_eq!(
        post.values["url"],
        "https://mail.contoso.com/EWS/Exchange.asmx"
    );
    let denied = find("ews-hresult-denied");
    assert_eq!(denied.kind, EventKind::EwsFailure);
    assert_eq!(denied.values["status"], "401");
    assert_eq!(denied.values["problem"], "auth");
    assert_eq!(denied.values["hresult_candidates"], "0x80190191");
    let sip = find("sip-response");
    assert_eq!(sip.values["status"], "480");
    assert_eq!(sip.values["to_address"], "bob@contoso.com");
    // Every event of the record: its offset in values and excerpt, the label, one line number.
    let off = format!("{:#x}", 4096 + 0x48 + 64);
    for e in [post, denied, sip] {
        assert_eq!(e.values["offset"], off);
        assert!(e.excerpt.contains(&format!("@{off}")), "{}", e.excerpt);
        assert!(e.excerpt.ends_with(UNDECODED), "{}", e.excerpt);
        assert_eq!(e.values["decoding"], UNDECODED);
        assert_eq!(e.line, 3);
    }
    assert!(denied
        .excerpt
        .starts_with("hr=0x80190191 (candidate HRESULT"));
    // The unrelated record is still one event, of kind other.
    let other = &o.events[0];
    assert_eq!(
        (other.kind, other.marker.as_str()),
        (EventKind::Other, RECORD_MARKER)
    );
    assert!(other.excerpt.starts_with("unrelated text here"));
    // The URL and the sip: address alone (no status) still show, as an `other` event.
    let f = synth::file(
        &h,
        &[vec![synth::wpp(G, 14, START_FT, 1, 2, &{
            let mut a = synth::utf16("https://mail.contoso.com/EWS/Exchange.asmx", true);
            a.extend_from_slice(b"sip:bob@contoso.com\0");
            a
        })]],
    );
    let o = run(&f);
    assert_eq!(o.events.len(), 1);
    assert_eq!(
        o.events[0].excerpt.split(" · ").next(),
        Some("https://mail.contoso.com/EWS/Exchange.asmx | sip:bob@contoso.com")
    );
}

#[test]
fn the_account_a_record_names_gets_its_events() {
    let m = markers();
    let accounts = vec![
        (0, "jdoe@contoso.com".to_string()),
        (1, "bob@contoso.com".to_string()),
    ];
    let opts = ParseOptions {
        accounts: &accounts,
        bound: Default::default(),
        ..ParseOptions::utc(&m)
    };
    let f = synth::file(
        &Header::default(),
        &[vec![synth::wpp(G, 13, START_FT, 1, 2, &ews_wpp_args())]],
    );
    let o = parse_log(f.as_slice(), SourceKind::Etl, Path::new("t.etl"), &opts).expect("read");
    let sip = o
        .events
        .iter()
        .find(|e| e.marker == "sip-response")
        .expect("480");
    assert_eq!(sip.account, Some(1));
}

/// Reads in pieces of 1..=n bytes.
struct Dribble<'a>(&'a [u8], usize, usize);

impl std::io::Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.2 += 1;
        let n = (1 + self.2 % self.1).min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn the_result_does_not_depend_on_read_sizes_and_is_the_same_twice() {
    let m = markers();
    let opts = ParseOptions::utc(&m);
    for name in [
        "CldFlt0-2025-12-21-121418.etl",
        "waasmedic.20251005_113019_195.etl",
    ] {
        let b = fixture(name);
        let a = parse(b.as_slice(), Path::new("x.etl"), &opts).expect("whole");
        let again = parse(b.as_slice(), Path::new("x.etl"), &opts).expect("again");
        let d = parse(Dribble(&b, 13, 0), Path::new("x.etl"), &opts).expect("dribbled");
        assert_eq!(a.events, again.events);
        assert_eq!(a.events, d.events);
        assert_eq!((a.records, a.lines, &a.etl), (d.records, d.lines, &d.etl));
    }
}

#[test]
fn detection_by_content() {
    for name in [
        "CldFlt0-2025-12-21-121418.etl",
        "waasmedic.20251005_113019_195.etl",
        "SIH.20230422.034724.362.1.etl",
    ] {
        assert!(sniff(&fixture(name)[..4096]), "{name}");
    }
    assert!(sniff(&synth::file(&Header::default(), &[])));
    assert!(!sniff(b"03/02/2026|09:41:00.123 1F68:C14 INFO  :: hello"));
    assert!(!sniff(&[0u8; 4096]));
    // A buffer that does not start with the logfile header is not taken for an ETL by content.
    assert!(!sniff(&synth::buffer(
        4096,
        &[synth::wpp(G, 1, 0, 1, 2, b"x")],
        0
    )));
}

#[test]
fn the_raw_line_of_a_record_shows_offset_kind_strings_and_hex() {
    let r = synth::wpp(G, 13, START_FT, 1, 2, b"sip:bob@contoso.com\0");
    let head = record::head(&r).expect("head");
    let l = record::raw_line(0x1048, head, &r, 8);
    assert_eq!(
        l,
        "@0x00001048 60 B · wpp 2818ef08-6a54-396f-2244-5a6ea4a98cf0 #13 pid 1 tid 2 · \"sip:bob@contoso.com\" · hex 3c 00 00 90 0d 00 aa 00 …"
    );
}

#[test]
fn tracerpt_payload_hex_gives_the_same_lines_as_a_native_read() {
    let args = ews_wpp_args();
    let hex: String = args.iter().map(|b| format!("{b:02X}")).collect();
    let (native, _) = strings::lines(&args);
    assert_eq!(payload_lines(&hex), native);
    assert!(native.iter().any(|l| l == "sip:bob@contoso.com"));
    assert!(payload_lines("not hex at all").is_empty());
}
