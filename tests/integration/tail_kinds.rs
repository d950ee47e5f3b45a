//! Incremental tailing of the other text kinds (text logs, netsh text dumps, tracerpt CSV, CLS
//! server traces) gives what a whole read gives, after every append: random logs of each kind
//! built from the demo's records (zoned and zone-less stamps, ETW prefixes with left-to-right
//! marks, quoted CSV fields (some holding line breaks), FILETIME / float / implausible Clock-Time values, CLS multi-line
//! records with impossible dates), CRLF, LF or lone CR, every encoding, written in random pieces. Then
//! the file is cut, rotated or replaced and the next read equals a fresh one. Events, counts,
//! tallies, notes and problems are compared.

use super::tail_properties::{append, enc_strategy, encode, finished, records, same, Enc, Seen};
use proptest::prelude::*;
use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, LogOutput, ParseOptions};
use spoolscope::parse::markers::Markers;
use spoolscope::source::scan;
use spoolscope::source::tail::{tails_kind, Tail, Tails};
use spoolscope::source::watch::{merge_logs, reload_changed_logs};
use spoolscope::source::ScanConfig;
use std::path::Path;

const CSV_HEADER: &str = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data";
const FT_UNIX: u64 = 116_444_736_000_000_000;

/// `(pid, tid, level, message)` of a demo record's header text (` 1F68:C14 INFO  :: message`).
fn parts(msg: &str) -> (String, String, String, String) {
    let (pre, text) = msg.split_once("::").unwrap_or(("", msg));
    let mut toks = pre.split_whitespace();
    let thread = toks.next().unwrap_or("0:0");
    let level = toks.next().unwrap_or("INFO").to_string();
    let (pid, tid) = thread.split_once(':').unwrap_or(("0", "0"));
    (pid.into(), tid.into(), level, text.trim().to_string())
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A log of `kind` from `picks` (demo record, milliseconds after the previous one, variant bits:
/// 1 non-ASCII text, 2 and 4 kind-specific shapes, 8 a blank line after the record, 16 for a
/// CSV: the continuation lines in one quoted field, line breaks and all).
pub fn kind_text(kind: SourceKind, picks: &[(usize, u32, u8)], crlf: bool, junk: bool) -> String {
    let recs = records();
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut t = chrono::DateTime::from_timestamp(1_772_460_000, 0).expect("t");
    let mut s = String::new();
    let line = |s: &mut String, l: &str| {
        s.push_str(l);
        s.push_str(nl);
    };
    if junk {
        line(&mut s, "trace started");
    }
    if kind == SourceKind::TracerptCsv {
        line(&mut s, CSV_HEADER);
        line(
            &mut s,
            "EventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , 0, 0, 0, 65536",
        );
    }
    for &(i, gap, v) in picks {
        let (msg, cont) = &recs[i % recs.len()];
        t += chrono::Duration::milliseconds(i64::from(gap));
        let (pid, tid, level, mut text) = parts(msg);
        if v & 1 != 0 {
            text.push_str(" Zoë 日本 💬");
        }
        match kind {
            SourceKind::TracerptCsv => {
                let ft = t.timestamp() as u64 * 10_000_000
                    + u64::from(t.timestamp_subsec_nanos()) / 100
                    + FT_UNIX;
                let clock = match v & 6 {
                    2 => format!("{:e}", ft as f64),
                    4 => "42".to_string(),
                    _ => ft.to_string(),
                };
                let typ = if level == "ERROR" { "Error" } else { "Info" };
                let mut row = format!(
                    "Lync, {typ}, 10, 0, 0, 4, 0, 0, 0x0, 0x{pid}, 0x{tid}, 1, , , , , {clock}, 10, 20, {}",
                    quoted(&text)
                );
                if v & 16 != 0 && !cont.is_empty() {
                    // One quoted field holding line breaks (a spreadsheet re-save): the row
                    // spans several lines.
                    row.push_str(", ");
                    row.push_str(&quoted(&cont.join(nl)));
                } else {
                    for c in cont {
                        row.push_str(", ");
                        row.push_str(&quoted(c));
                    }
                }
                line(&mut s, &row);
            }
            SourceKind::Cls => {
                let stamp = match v & 4 {
                    0 => t.format("%m/%d/%Y-%H:%M:%S%.3f").to_string(),
                    _ => "13/45/2026-25:61:00.000".to_string(),
                };
                let lv = if level == "ERROR" { "ERROR" } else { "INFO" };
                line(&mut s, &format!("TL_{lv}(TF_PROTOCOL) [0]{pid}.{tid}::{stamp}.00005386 (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record"));
                if v & 2 != 0 {
                    line(&mut s, "Direction: incoming");
                }
                line(&mut s, &format!("Text: {text}"));
                for c in cont {
                    line(&mut s, c);
                }
                line(&mut s, "$$end_record");
            }
            SourceKind::NetshText => {
                // netsh writes 100 ns digits.
                let mut stamp = format!(
                    "{}.{:07}",
                    t.format("%Y-%m-%d %H:%M:%S"),
                    t.timestamp_subsec_nanos() / 100
                );
                if v & 2 != 0 {
                    stamp = stamp.replace('-', "\u{200e}-\u{200e}");
                }
                let tl = if v & 4 != 0 { "TL_ERROR(TF_DIAG) " } else { "" };
                line(
                    &mut s,
                    &format!("{tl}[0]{pid}.{tid}::{stamp} [Microsoft-Lync]{text}"),
                );
                for c in cont {
                    line(&mut s, c);
                }
            }
            _ => {
                let stamp = match v & 6 {
                    2 => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                    4 => t.format("%Y-%m-%d %H:%M:%S%.3f+01:00").to_string(),
                    _ => t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
                };
                line(&mut s, &format!("{stamp} {level} [{pid}:{tid}] {text}"));
                for c in cont {
                    line(&mut s, c);
                }
            }
        }
        if v & 8 != 0 {
            line(&mut s, "");
        }
    }
    s
}

/// A whole read of what a tail reads of a file holding `bytes` (its finished characters).
/// `text` with lone-CR line ends.
fn lone_cr(text: &str) -> String {
    text.replace("\r\n", "\r").replace('\n', "\r")
}

fn whole(bytes: &[u8], kind: SourceKind, path: &Path, m: &Markers) -> LogOutput {
    parse_log(finished(bytes), kind, path, &ParseOptions::utc(m)).expect("whole read")
}

/// [`same`], and what only these kinds set: problems (a CSV without its header) and the kind.
fn same_here(seen: &Seen, w: &LogOutput) -> Result<(), TestCaseError> {
    same(seen, w)?;
    let t = seen.last.as_ref().expect("read");
    prop_assert_eq!(&t.problems, &w.problems);
    prop_assert_eq!(t.kind, w.kind);
    Ok(())
}

fn name_of(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::TracerptCsv => "trace.csv",
        SourceKind::Cls => "fe.log",
        SourceKind::NetshText => "netsh.txt",
        _ => "client.log",
    }
}

fn kind_strategy() -> impl Strategy<Value = SourceKind> {
    prop_oneof![
        Just(SourceKind::TextLog),
        Just(SourceKind::NetshText),
        Just(SourceKind::TracerptCsv),
        Just(SourceKind::Cls),
    ]
}

#[test]
fn the_text_kinds_are_tailed_and_the_others_not() {
    for k in [
        SourceKind::Uccapilog,
        SourceKind::TextLog,
        SourceKind::NetshText,
        SourceKind::TracerptCsv,
        SourceKind::Cls,
    ] {
        assert!(tails_kind(k), "{k:?}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("trace.xml");
    std::fs::write(&path, "<Events></Events>").expect("write");
    for k in [
        SourceKind::TracerptXml,
        SourceKind::Etl,
        SourceKind::Spooler,
    ] {
        assert!(!tails_kind(k), "{k:?}");
        // Never read through a tail as some other format.
        assert!(Tail::open(&path, k).is_err(), "{k:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_tailed_kind_reads_like_the_whole_after_random_appends(
        kind in kind_strategy(),
        picks in prop::collection::vec((0usize..64, 0u32..4000, 0u8..32), 1..30),
        crlf in any::<bool>(),
        cr in prop::bool::weighted(0.25),
        junk in any::<bool>(),
        enc in enc_strategy(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        end in 0u8..4,
        other in prop::collection::vec((0usize..64, 0u32..4000, 0u8..32), 1..8),
        cut_to in any::<prop::sample::Index>(),
    ) {
        let m = Markers::builtin().expect("markers");
        let text = kind_text(kind, &picks, crlf, junk);
        // Lone-CR line ends (old Mac style) read as the same text with LF ones does.
        let text = match cr {
            true => lone_cr(&text),
            false => text,
        };
        let bytes = encode(&text, enc);
        // Lone-CR ends are told by a CR followed by more text (another CR included): a text
        // whose only CR ends it may be the first half of a CRLF still being written, so it is
        // read as growing.
        let told = text.strip_suffix('\r').unwrap_or(&text).contains('\r');
        if cr && !told {
            let as_cr = whole(&bytes, kind, Path::new("x"), &m);
            prop_assert!(as_cr.growing, "a lone trailing CR is not a line end yet");
        }
        if cr && told {
            let as_cr = whole(&bytes, kind, Path::new("x"), &m);
            let as_lf = whole(&encode(&kind_text(kind, &picks, false, junk), enc), kind, Path::new("x"), &m);
            prop_assert_eq!(&as_cr.events, &as_lf.events);
            prop_assert_eq!((as_cr.records, as_cr.lines, as_cr.skipped, as_cr.growing), (as_lf.records, as_lf.lines, as_lf.skipped, as_lf.growing));
            prop_assert!(as_cr.notes.iter().any(|n| n.starts_with("lone CR line ends")), "{:?}", as_cr.notes);
            prop_assert!(!as_lf.notes.iter().any(|n| n.starts_with("lone CR line ends")));
        }
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len())).collect();
        at.push(bytes.len());
        at.sort_unstable();
        at.dedup();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name_of(kind));
        std::fs::write(&path, &bytes[..at[0]]).expect("write");
        let mut tail = Tail::open(&path, kind).expect("open");
        let mut seen = Seen::new();
        seen.read(&mut tail, &m);
        same_here(&seen, &whole(&bytes[..at[0]], kind, &path, &m))?;
        for w in at.windows(2) {
            append(&path, &bytes[w[0]..w[1]]);
            seen.read(&mut tail, &m);
            same_here(&seen, &whole(&bytes[..w[1]], kind, &path, &m))?;
        }
        if kind == SourceKind::TracerptCsv {
            // Every generated row is one record, whatever lines its quoted fields span.
            prop_assert_eq!(whole(&bytes, kind, &path, &m).records, picks.len() as u64);
        }
        // Read whole only while nothing could be gone on from (no record yet: a CSV row of any
        // kind will do); a BOM cut in two may be told differently as the file grows.
        // Lone-CR ends may be told only once a CR with more text after it has arrived: the
        // tail then starts over once (the line ends read so far were read the other way).
        let expected = 1 + seen.empty_reads + u32::from(cr);
        match enc {
            Enc::Utf8 => prop_assert!(tail.whole_reads <= expected, "{} whole reads", tail.whole_reads),
            Enc::Utf8Bom | Enc::Le(true) | Enc::Be(true) => prop_assert!(tail.whole_reads <= expected + 1),
            _ => {}
        }
        let before = tail.whole_reads;
        let fresh = match end {
            0 => {
                let n = cut_to.index(bytes.len());
                let f = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
                f.set_len(n as u64).expect("truncate");
                bytes[..n].to_vec()
            }
            1 => {
                std::fs::rename(&path, path.with_extension("bak")).expect("rotate");
                let t = kind_text(kind, &other, crlf, false);
                let b = encode(&if cr { lone_cr(&t) } else { t }, enc);
                std::fs::write(&path, &b).expect("new log");
                b
            }
            2 => {
                let tmp = dir.path().join("incoming.tmp");
                let b = [bytes.clone(), encode(&kind_text(kind, &other, crlf, false), Enc::Utf8)].concat();
                std::fs::write(&tmp, &b).expect("write");
                std::fs::rename(&tmp, &path).expect("rename into place");
                b
            }
            _ => bytes.clone(),
        };
        seen.read(&mut tail, &m);
        same_here(&seen, &whole(&fresh, kind, &path, &m))?;
        if end < 3 && !fresh.is_empty() {
            prop_assert_eq!(tail.whole_reads, before + 1, "a cut, rotated or replaced file is read again whole");
        }
    }
}

/// Past the routine cap, for each new kind: counts, caps, kept events and tallies go on from
/// the checkpoint exactly, and an append is read without the file's start.
#[test]
fn caps_and_counts_carry_across_appends_for_every_kind() {
    let m = Markers::builtin().expect("markers");
    // (9 000 records: enough HTTP answers to pass the cap; EWS saves and sends never do.)
    let picks: Vec<(usize, u32, u8)> = (0..9000)
        .map(|i| {
            (
                i % 23,
                7,
                (i % 16) as u8 & if i % 97 == 0 { 15 } else { 14 },
            )
        })
        .collect();
    for kind in [
        SourceKind::TextLog,
        SourceKind::NetshText,
        SourceKind::TracerptCsv,
        SourceKind::Cls,
    ] {
        let bytes = kind_text(kind, &picks, true, true).into_bytes();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name_of(kind));
        let mut seen = Seen::new();
        let parts = [
            bytes.len() / 3,
            bytes.len() / 3 + 17,
            bytes.len() * 9 / 10,
            bytes.len(),
        ];
        std::fs::write(&path, &bytes[..parts[0]]).expect("write");
        let mut tail = Tail::open(&path, kind).expect("open");
        seen.read(&mut tail, &m);
        for w in parts.windows(2) {
            append(&path, &bytes[w[0]..w[1]]);
            seen.read(&mut tail, &m);
            assert!(
                tail.last_read_bytes < (w[1] - w[0]) as u64 + 16 * 1024,
                "{kind:?}: read {} bytes for {} new",
                tail.last_read_bytes,
                w[1] - w[0]
            );
        }
        let w = whole(&bytes, kind, &path, &m);
        assert!(
            w.not_kept > 0,
            "{kind:?}: the sample passes the routine cap"
        );
        assert!(w.records >= 6000, "{kind:?}: {} records", w.records);
        same_here(&seen, &w).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(tail.whole_reads, 1, "{kind:?}");
    }
}

/// A tracerpt CSV row with an EWS failure or a SIP 480, `n` seconds into 2026-03-02.
fn csv_row(n: u64) -> String {
    let ft = (1_772_409_600 + n) * 10_000_000 + 116_444_736_000_000_000;
    let what = match n % 3 {
        0 => "EWS response HTTP/1.1 401 Unauthorized",
        1 => "SIP/2.0 480 Temporarily Unavailable",
        _ => "routine line",
    };
    format!("Lync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, \"{what} ref={n}\"\r\n")
}

#[test]
fn a_growing_tracerpt_csv_is_read_on_from_its_last_row_and_merges_like_a_rescan() {
    let dir = spoolscope::demo::build(chrono::Utc::now()).expect("demo");
    let roots = vec![dir.path().to_path_buf()];
    let cfg = ScanConfig::default();
    let mut s = scan::scan(&roots, &cfg);
    let tracing = s
        .model
        .sources
        .iter()
        .find(|x| x.kind == SourceKind::Uccapilog)
        .and_then(|x| x.path.parent())
        .expect("the demo's Tracing folder")
        .to_path_buf();
    let log = tracing.join("client-trace.csv");
    let mut whole = String::from("Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\r\n");
    whole.extend((0..200).map(csv_row));
    let n = whole.len();
    // The first read sees the header and a row; then the log grows three times (once cut
    // inside a row).
    let cuts = [n / 50, n / 3, n * 2 / 3 + 7, n];
    std::fs::write(&log, &whole[..cuts[0]]).expect("write");
    s = scan::scan(&roots, &cfg);
    assert!(
        s.model
            .sources
            .iter()
            .any(|x| x.path == log && x.kind == SourceKind::TracerptCsv),
        "the CSV is a source"
    );
    let tails = Tails::default();
    for (i, w) in cuts.windows(2).enumerate() {
        append(&log, &whole.as_bytes()[w[0]..w[1]]);
        let r = reload_changed_logs(&s.model, &cfg, std::slice::from_ref(&log), &tails)
            .expect("a log alone");
        merge_logs(&mut s.model, r);
        if i > 0 {
            let (_, read) = tails.stats(&log).expect("tailed");
            let new = (w[1] - w[0]) as u64;
            assert!(
                read < new + 1024,
                "read on from the last row ({read} bytes for {new} new), not whole"
            );
        }
        let full = scan::scan(&roots, &cfg).model;
        assert_eq!(s.model.events, full.events, "after append {i}");
        assert_eq!(s.model.sources, full.sources, "after append {i}");
        assert_eq!(s.model.errors, full.errors, "after append {i}");
    }
    assert_eq!(tails.stats(&log).map(|s| s.0), Some(1), "read whole once");
    // Counted exactly (the kept ones are bounded): every third row of 200.
    let src = s
        .model
        .sources
        .iter()
        .find(|x| x.path == log)
        .expect("source");
    let counts = &src.log.as_ref().expect("a log summary").events;
    assert_eq!(
        counts.get(&spoolscope::model::EventKind::EwsFailure),
        Some(&67)
    );
}

/// A CSV quoted field that never closes, tailed: while the file is shorter than the row cap
/// the open row runs to the end, then one problem names its line and the lines after it are
/// rows again. After every append (cut anywhere, inside the field too) the tail reads what a
/// whole read gives, and the rows after the cap are read on without the file's start.
#[test]
fn a_csv_quote_that_never_closes_tails_like_a_whole_read() {
    let m = Markers::builtin().expect("markers");
    let row = |n: usize, msg: &str| {
        format!(
            "Lync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {}, 10, 20, {msg}\n",
            134_169_264_000_000_000u64 + n as u64
        )
    };
    let mut text = format!("{CSV_HEADER}\n{}", row(0, "\"never closed"));
    let mut n = 1;
    while text.len() < 100 << 10 {
        text.push_str(&row(
            n,
            &format!("EWS response HTTP/1.1 401 Unauthorized ref={n}"),
        ));
        n += 1;
    }
    let bytes = text.into_bytes();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("trace.csv");
    let cuts = [
        100,
        bytes.len() / 5,
        bytes.len() / 2 + 3,
        bytes.len() * 3 / 4,
        bytes.len() - 7,
        bytes.len(),
    ];
    std::fs::write(&path, &bytes[..cuts[0]]).expect("write");
    let mut tail = Tail::open(&path, SourceKind::TracerptCsv).expect("open");
    let mut seen = Seen::new();
    seen.read(&mut tail, &m);
    for w in cuts.windows(2) {
        append(&path, &bytes[w[0]..w[1]]);
        seen.read(&mut tail, &m);
        let whole = whole(&bytes[..w[1]], SourceKind::TracerptCsv, &path, &m);
        same_here(&seen, &whole).unwrap_or_else(|e| panic!("after {}: {e}", w[1]));
    }
    let last = seen.last.as_ref().expect("read");
    assert_eq!(last.records as usize, n, "every row once");
    assert_eq!(last.problems.len(), 1, "{:?}", last.problems);
    assert!(
        last.problems[0].starts_with("line 2: a quoted field"),
        "{:?}",
        last.problems
    );
    assert!(
        tail.last_read_bytes < (cuts[5] - cuts[4]) as u64 + 16 * 1024,
        "read {} bytes for the last append",
        tail.last_read_bytes
    );
}
