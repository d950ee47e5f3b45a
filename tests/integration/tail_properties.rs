//! Incremental tailing (`source::tail`) gives what a whole read gives, after every append:
//! random UccApilogs (records of the demo log shuffled, so SIP blocks open and close anywhere,
//! threads interleave, per-thread context comes and goes; non-ASCII text; CRLF or LF; UTF-8,
//! UTF-8 with BOM, UTF-16LE/BE with or without BOM) written in random pieces (so a piece may end
//! inside a record, a line, a multi-byte character, a UTF-16 code unit or a CRLF; a character cut
//! short is left for the next read, so each read equals a whole read of the finished
//! characters). Then the file
//! is truncated, rotated (renamed away, a new one created) or replaced by a rename, and the
//! next read equals a fresh one.

use proptest::prelude::*;
use spoolscope::model::{LogEvent, Model};
use spoolscope::parse::logs::{parse_log, LogOutput, ParseOptions};
use spoolscope::parse::logstream::{unfinished, LogEncoding};
use spoolscope::parse::markers::Markers;
use spoolscope::source::tail::{Kept, Tail};
use std::io::Write;
use std::path::Path;

const DEMO: &str = include_str!("../../assets/demo/Lync-UccApi-0.UccApilog");

/// The demo's records: (header message after the `{T:…}` template, continuation lines).
pub fn records() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in DEMO.lines() {
        match line.strip_prefix("{T:").and_then(|r| r.split_once('}')) {
            Some((_, rest)) => out.push((rest.to_string(), Vec::new())),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.push(line.to_string());
                }
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
pub enum Enc {
    Utf8,
    Utf8Bom,
    Le(bool),
    Be(bool),
}

pub fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Enc::Le(bom) => {
            let mut v: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
            v.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            v
        }
        Enc::Be(bom) => {
            let mut v: Vec<u8> = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
            v.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            v
        }
    }
}

/// A log of `picks` (record index, milliseconds after the previous record, non-ASCII or not).
fn log_text(picks: &[(usize, u32, bool)], crlf: bool, junk_first: bool) -> String {
    let recs = records();
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut t = chrono::DateTime::from_timestamp(1_772_460_000, 0).expect("t");
    let mut s = String::new();
    if junk_first {
        s.push_str("trace started");
        s.push_str(nl);
    }
    for &(i, gap, wide) in picks {
        let (msg, cont) = &recs[i % recs.len()];
        t += chrono::Duration::milliseconds(i64::from(gap));
        s.push_str(&t.format("%m/%d/%Y|%H:%M:%S%.3f").to_string());
        s.push_str(msg);
        if wide {
            s.push_str(" Zoë 日本 💬");
        }
        s.push_str(nl);
        for c in cont {
            s.push_str(c);
            s.push_str(nl);
        }
    }
    s
}

/// Append `bytes` to the file at `path`.
pub fn append(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open");
    f.write_all(bytes).expect("append");
}

/// What a tail reads of a file holding `bytes`: all but a last character the writer has not
/// finished (a UTF-16 unit cut in two, a lone high surrogate, a cut UTF-8 sequence), which it
/// leaves for the next read rather than read as U+FFFD.
pub fn finished(bytes: &[u8]) -> &[u8] {
    let enc = LogEncoding::sniff(&bytes[..bytes.len().min(4096)]).0;
    let n = bytes.len();
    &bytes[..n - unfinished(enc, &bytes[n.saturating_sub(4)..], n as u64)]
}

/// A whole read of what a tail reads of a file holding `bytes` ([`finished`]).
fn whole(bytes: &[u8], path: &Path, m: &Markers) -> LogOutput {
    parse_log(
        finished(bytes),
        spoolscope::model::SourceKind::Uccapilog,
        path,
        &ParseOptions::utc(m),
    )
    .expect("whole read")
}

/// What a tail's reads add up to: the events kept so far and the last read's summary. And,
/// from a second tail on the same log read at the same times with `read_change` (only the
/// kept events that changed), the events of a model that took in each of those reads.
pub struct Seen {
    pub events: Vec<LogEvent>,
    pub last: Option<LogOutput>,
    /// Reads that found no record (the next one starts from the top again).
    pub empty_reads: u32,
    changes: Option<Tail>,
    pub model: Model,
}

impl Seen {
    pub fn new() -> Seen {
        Seen {
            events: Vec::new(),
            last: None,
            empty_reads: 0,
            changes: None,
            model: Model::default(),
        }
    }

    pub fn read(&mut self, tail: &mut Tail, m: &Markers) {
        let r = tail.read(&ParseOptions::utc(m)).expect("tail read");
        // The whole log's kept events (bounded) replace the old.
        self.events = r.out.events.clone();
        if r.out.records == 0 {
            self.empty_reads += 1;
        }
        self.last = Some(r.out);
        // The live view's step: what changed goes into the model (the log's events on the
        // lines named, or all of them after a read from the start).
        let other = match &mut self.changes {
            Some(t) => t,
            None => self
                .changes
                .insert(Tail::open(tail.path(), tail.kind()).expect("open a second tail")),
        };
        let c = other.read_change(&ParseOptions::utc(m)).expect("tail read");
        let path = other.path().to_path_buf();
        let lines = match c.kept {
            Kept::All => vec![],
            Kept::Lines(lines) => vec![(path.clone(), lines)],
        };
        let fresh = Model {
            events: c.out.events,
            ..Model::default()
        };
        spoolscope::model::update::replace_logs(
            &mut self.model,
            &[path],
            &lines,
            fresh,
            |_| true,
            |p| p.to_string_lossy().into_owned(),
        );
    }
}

impl Default for Seen {
    fn default() -> Self {
        Seen::new()
    }
}

/// The tail's result equals the whole read's in everything the model takes from it.
pub fn same(seen: &Seen, w: &LogOutput) -> Result<(), TestCaseError> {
    let t = seen.last.as_ref().expect("read");
    prop_assert_eq!(&seen.events, &w.events);
    // The model that took in only the changes holds the whole read's events, in its order.
    let mut ordered = w.events.clone();
    spoolscope::model::update::sort_events(&mut ordered);
    prop_assert_eq!(&seen.model.events, &ordered, "model fed the tail's changes");
    prop_assert_eq!(&t.counts, &w.counts);
    prop_assert_eq!(&t.tallies, &w.tallies);
    prop_assert_eq!(&t.drafts, &w.drafts, "drafts reading");
    prop_assert_eq!(
        (
            t.lines,
            t.records,
            t.skipped,
            t.bad_times,
            t.truncated_lines
        ),
        (
            w.lines,
            w.records,
            w.skipped,
            w.bad_times,
            w.truncated_lines
        )
    );
    prop_assert_eq!((t.first, t.last, t.growing), (w.first, w.last, w.growing));
    prop_assert_eq!(
        (t.not_kept, t.unclassified_lines, t.unclassified_hit),
        (w.not_kept, w.unclassified_lines, w.unclassified_hit)
    );
    prop_assert_eq!(&t.problems, &w.problems);
    prop_assert_eq!(t.encoding, w.encoding);
    prop_assert_eq!(&t.notes, &w.notes);
    Ok(())
}

pub fn enc_strategy() -> impl Strategy<Value = Enc> {
    prop_oneof![
        Just(Enc::Utf8),
        Just(Enc::Utf8Bom),
        Just(Enc::Le(true)),
        Just(Enc::Le(false)),
        Just(Enc::Be(true)),
        Just(Enc::Be(false)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn appends_in_random_pieces_read_like_the_whole(
        picks in prop::collection::vec((0usize..64, 0u32..4000, prop::bool::weighted(0.2)), 1..40),
        crlf in any::<bool>(),
        junk in any::<bool>(),
        enc in enc_strategy(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        end in 0u8..4,
        other in prop::collection::vec((0usize..64, 0u32..4000, Just(false)), 1..8),
        cut_to in any::<prop::sample::Index>(),
    ) {
        let m = Markers::builtin().expect("markers");
        let bytes = encode(&log_text(&picks, crlf, junk), enc);
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len())).collect();
        at.push(bytes.len());
        at.sort_unstable();
        at.dedup();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Lync-UccApi-0.UccApilog");
        std::fs::write(&path, &bytes[..at[0]]).expect("write");
        let mut tail = Tail::open(&path, spoolscope::model::SourceKind::Uccapilog).expect("open");
        let mut seen = Seen::new();
        seen.read(&mut tail, &m);
        same(&seen, &whole(&bytes[..at[0]], &path, &m))?;
        for w in at.windows(2) {
            append(&path, &bytes[w[0]..w[1]]);
            seen.read(&mut tail, &m);
            same(&seen, &whole(&bytes[..w[1]], &path, &m))?;
        }
        // Read whole only while no record was there yet (nothing to go on from); a BOM cut in
        // two, or a BOM-less UTF-16 file under 4 KiB, may be told differently as it grows and is
        // then read again.
        let expected = 1 + seen.empty_reads;
        match enc {
            Enc::Utf8 => prop_assert_eq!(tail.whole_reads, expected),
            Enc::Utf8Bom | Enc::Le(true) | Enc::Be(true) => prop_assert!(tail.whole_reads <= expected + 1),
            _ => {}
        }
        // Then the file is cut, rotated or replaced: the next read starts over.
        let before = tail.whole_reads;
        let fresh = match end {
            0 => {
                let n = cut_to.index(bytes.len());
                let f = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
                f.set_len(n as u64).expect("truncate");
                bytes[..n].to_vec()
            }
            1 => {
                std::fs::rename(&path, path.with_extension("UccApilog.bak")).expect("rotate");
                let b = encode(&log_text(&other, crlf, false), enc);
                std::fs::write(&path, &b).expect("new log");
                b
            }
            2 => {
                let tmp = dir.path().join("incoming.tmp");
                let b = [bytes.clone(), encode(&log_text(&other, crlf, false), Enc::Utf8)].concat();
                std::fs::write(&tmp, &b).expect("write");
                std::fs::rename(&tmp, &path).expect("rename into place");
                b
            }
            _ => bytes.clone(),
        };
        seen.read(&mut tail, &m);
        same(&seen, &whole(&fresh, &path, &m))?;
        if end < 3 && !fresh.is_empty() {
            prop_assert_eq!(tail.whole_reads, before + 1, "a cut, rotated or replaced file is read again whole");
        }
    }
}

/// A failure in a record's lines past its 1 MiB cap, and one past the 64 KiB cut of a line:
/// a tail that read the log in pieces (cut inside the long record and inside the long line)
/// says what a whole read says: both are problems (not read), at the same lines.
#[test]
fn unread_marker_text_past_the_caps_is_said_by_a_tail_too() {
    let m = Markers::builtin().expect("markers");
    let mut text = String::from("03/02/2026|09:00:00.000 1F68:C10 INFO  :: Data Received:\r\n");
    for _ in 0..30_000 {
        text.push_str("<contact uri=\"someone@contoso.com\" />\r\n");
    }
    text.push_str("EWS response HTTP/1.1 401 Unauthorized\r\n");
    text.push_str("03/02/2026|09:00:05.000 1F68:C10 INFO  :: body\r\n");
    text.push_str(&"x".repeat(100 << 10));
    text.push_str(
        " HTTP/1.1 401 Unauthorized\r\n03/02/2026|09:00:06.000 1F68:C10 INFO  :: done\r\n",
    );
    let bytes = text.into_bytes();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("caps.UccApilog");
    let n = bytes.len();
    let parts = [n / 4, n / 2, n - (50 << 10), n];
    std::fs::write(&path, &bytes[..parts[0]]).expect("write");
    let mut tail = Tail::open(&path, spoolscope::model::SourceKind::Uccapilog).expect("open");
    let mut seen = Seen::new();
    seen.read(&mut tail, &m);
    for w in parts.windows(2) {
        append(&path, &bytes[w[0]..w[1]]);
        seen.read(&mut tail, &m);
    }
    let w = whole(&bytes, &path, &m);
    assert_eq!(w.unclassified_hit, Some(30_002));
    assert_eq!(w.problems.len(), 2, "{:?}", w.problems);
    same(&seen, &w).expect("same as a whole read");
}

/// Past the routine cap: the counts, caps and kept events go on from the checkpoint exactly.
#[test]
fn caps_and_counts_carry_across_appends() {
    let m = Markers::builtin().expect("markers");
    // (9 000 records: enough HTTP answers to pass the cap; EWS saves and sends never do.)
    let picks: Vec<(usize, u32, bool)> = (0..9000).map(|i| (i % 23, 7, i % 97 == 0)).collect();
    let bytes = log_text(&picks, true, false).into_bytes();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.UccApilog");
    let mut seen = Seen::new();
    let parts = [
        bytes.len() / 3,
        bytes.len() / 3 + 17,
        bytes.len() * 9 / 10,
        bytes.len(),
    ];
    std::fs::write(&path, &bytes[..parts[0]]).expect("write");
    let mut tail = Tail::open(&path, spoolscope::model::SourceKind::Uccapilog).expect("open");
    seen.read(&mut tail, &m);
    for w in parts.windows(2) {
        append(&path, &bytes[w[0]..w[1]]);
        seen.read(&mut tail, &m);
        // Only the new part was decoded, not the file again.
        assert!(
            tail.last_read_bytes < (w[1] - w[0]) as u64 + 300 * 1024,
            "read {} bytes for {} new",
            tail.last_read_bytes,
            w[1] - w[0]
        );
    }
    let w = whole(&bytes, &path, &m);
    assert!(w.not_kept > 0, "the sample passes the routine cap");
    same(&seen, &w).expect("same as a whole read");
    assert_eq!(tail.whole_reads, 1);
}

/// One record appended at a time (every fifth cut inside its line first), with far more EWS
/// failures of one signature than a group keeps (the first 8, the last 8, 16 spread): nearly
/// every read pushes a failure out of the last few and into or out of the spread sample. A
/// model that takes in only what changed at each read holds what a whole read keeps.
#[test]
fn a_model_fed_only_the_changes_keeps_what_a_whole_read_keeps() {
    let m = Markers::builtin().expect("markers");
    let recs = records();
    let mut t = chrono::DateTime::from_timestamp(1_772_460_000, 0).expect("t");
    let mut text = String::new();
    let mut ends = Vec::new();
    for i in 0..260usize {
        t += chrono::Duration::milliseconds(350);
        let stamp = t.format("%m/%d/%Y|%H:%M:%S%.3f").to_string();
        let mid = text.len() + stamp.len() + 12;
        if i % 3 == 0 {
            let (msg, cont) = &recs[i % recs.len()];
            text.push_str(&stamp);
            text.push_str(msg);
            text.push_str("\r\n");
            for c in cont {
                text.push_str(c);
                text.push_str("\r\n");
            }
        } else {
            text.push_str(&format!(
                "{stamp} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref={i}\r\n"
            ));
        }
        if i % 5 == 0 {
            ends.push(mid);
        }
        ends.push(text.len());
    }
    let bytes = text.into_bytes();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Lync-UccApi-0.UccApilog");
    std::fs::write(&path, &bytes[..ends[0]]).expect("write");
    let mut tail = Tail::open(&path, spoolscope::model::SourceKind::Uccapilog).expect("open");
    let mut seen = Seen::new();
    seen.read(&mut tail, &m);
    for w in ends.windows(2) {
        append(&path, &bytes[w[0]..w[1]]);
        seen.read(&mut tail, &m);
        same(&seen, &whole(&bytes[..w[1]], &path, &m))
            .unwrap_or_else(|e| panic!("after {} bytes: {e}", w[1]));
    }
    let w = whole(&bytes, &path, &m);
    let ews = w
        .tallies
        .iter()
        .filter(|t| t.kind == spoolscope::model::EventKind::EwsFailure)
        .map(|t| t.occurrences - t.shown)
        .max()
        .unwrap_or(0);
    assert!(
        ews > 100,
        "failures went past the kept bound ({ews} not kept)"
    );
    assert_eq!(
        tail.whole_reads, 1,
        "every append read on from a checkpoint"
    );
}
