//! Shared checks for the log-parser targets (included with `#[path]`, not a crate). The same
//! file is included by `tests/integration/log_properties.rs`, so `cargo test` runs these invariants too.
#![allow(dead_code)]

use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, LogOutput, LogTz, ParseOptions};
use spoolscope::parse::markers::Markers;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

pub fn markers() -> &'static Markers {
    static M: OnceLock<Markers> = OnceLock::new();
    M.get_or_init(|| Markers::builtin().expect("built-in markers compile"))
}

/// A reader that hands out the input in pieces of 1..=`step` bytes, so buffer boundaries fall
/// in awkward places (inside a UTF-16 pair, a CRLF, a multi-byte character).
pub struct Dribble<'a> {
    data: &'a [u8],
    step: usize,
    turn: usize,
}

impl<'a> Dribble<'a> {
    pub fn new(data: &'a [u8], step: usize) -> Self {
        Dribble {
            data,
            step: step.max(1),
            turn: 0,
        }
    }
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.turn += 1;
        let n = (1 + self.turn % self.step)
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The path every checked log is read as.
pub const PATH: &str = "fuzz.log";

/// Parse `data` as a log of `kind` (zone-less times read as this machine's local time), whole
/// and dribbled; check the invariants of each output and that both readings agree.
pub fn check_log(data: &[u8], kind: SourceKind, time_format: Option<&str>) -> LogOutput {
    check_log_tz(data, kind, time_format, LogTz::Local, None)
}

/// [`check_log`] with a fixed zone and read size (replayable: nothing depends on the machine).
pub fn check_log_tz(
    data: &[u8],
    kind: SourceKind,
    time_format: Option<&str>,
    tz: LogTz,
    step: Option<usize>,
) -> LogOutput {
    let accounts = vec![
        (0, "jdoe@contoso.com".to_string()),
        (1, "rlee@contoso.com".to_string()),
    ];
    let opts = ParseOptions {
        markers: markers(),
        tz,
        time_format,
        profile: Some("jdoe".into()),
        accounts: &accounts,
        bound: Default::default(),
    };
    let path = Path::new(PATH);
    let whole = parse_log(data, kind, path, &opts).expect("a slice never fails to read");
    invariants(&whole, data, kind);
    let step = step.unwrap_or_else(|| data.first().map_or(1, |b| usize::from(*b % 13) + 1));
    let dribbled = parse_log(Dribble::new(data, step), kind, path, &opts).expect("no I/O error");
    same(&whole, &dribbled, "read whole vs in pieces");
    // Parsing the same bytes again gives the same result (no hidden state between runs).
    let again = parse_log(data, kind, path, &opts).expect("a slice never fails to read");
    same(&whole, &again, "read twice");
    whole
}

/// Two readings of the same bytes agree on everything they report, the events themselves
/// included (line, time, kind, marker, account, excerpt, values).
pub fn same(a: &LogOutput, b: &LogOutput, what: &str) {
    assert_eq!(a.records, b.records, "records differ: {what}");
    assert_eq!(a.lines, b.lines, "lines differ: {what}");
    assert_eq!(a.skipped, b.skipped, "skipped differs: {what}");
    assert_eq!(
        a.truncated_lines, b.truncated_lines,
        "cut lines differ: {what}"
    );
    assert_eq!(a.bad_times, b.bad_times, "bad times differ: {what}");
    assert_eq!(a.undecoded, b.undecoded, "undecoded differs: {what}");
    assert_eq!(a.growing, b.growing, "growing differs: {what}");
    assert_eq!(
        (a.first, a.last),
        (b.first, b.last),
        "time span differs: {what}"
    );
    assert_eq!(a.counts, b.counts, "counts differ: {what}");
    assert_eq!(a.not_kept, b.not_kept, "not-kept differs: {what}");
    assert_eq!(a.encoding, b.encoding, "encoding differs: {what}");
    assert_eq!(a.events, b.events, "events differ: {what}");
    assert_eq!(a.tallies, b.tallies, "tallies differ: {what}");
    assert_eq!(a.drafts, b.drafts, "drafts reading differs: {what}");
    assert_eq!(
        a.unclassified_lines, b.unclassified_lines,
        "unclassified lines differ: {what}"
    );
    assert_eq!(a.kind, b.kind, "kind differs: {what}");
    assert_eq!(a.notes, b.notes, "notes differ: {what}");
    assert_eq!(a.problems, b.problems, "problems differ: {what}");
}

/// Lines `data` can hold at most: each one ends at a `\n` byte, or a `\r` one in a log with
/// lone-CR line ends (in UTF-16 too: U+000A has a 0x0A byte, U+000D a 0x0D one), plus a last
/// one without an ending.
fn max_lines(data: &[u8]) -> u64 {
    data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1
}

pub fn invariants(out: &LogOutput, data: &[u8], kind: SourceKind) {
    let counted: u64 = out.counts.values().sum();
    assert_eq!(
        counted,
        out.events.len() as u64 + out.not_kept,
        "every event seen is either kept or counted as not kept"
    );
    // A binary `.etl` numbers its records, not text lines: no line bound from `\n` bytes.
    assert!(
        kind == SourceKind::Etl || out.lines <= max_lines(data),
        "{} lines in {} bytes",
        out.lines,
        data.len()
    );
    if kind != SourceKind::TracerptXml {
        // One record starts on a line (an XML file may hold many <Event>s on one line).
        assert!(
            out.records <= out.lines,
            "{} records on {} lines",
            out.records,
            out.lines
        );
    }
    assert!(
        out.skipped <= out.lines,
        "{} lines skipped of {}",
        out.skipped,
        out.lines
    );
    assert_eq!(out.first.is_some(), out.last.is_some());
    if let (Some(a), Some(b)) = (out.first, out.last) {
        assert!(a <= b, "first {a} after last {b}");
    }
    let mut prev: Option<&spoolscope::model::LogEvent> = None;
    for e in &out.events {
        assert!(!e.marker.is_empty());
        assert_eq!(e.path, Path::new(PATH), "event of another file");
        if let Some(t) = e.time {
            let (a, b) = (
                out.first.expect("a timed event sets first"),
                out.last.expect("last"),
            );
            assert!(a <= t && t <= b, "event time {t} outside {a}..{b}");
        }
        // Every event points at a line of this file, and they come in file order: record
        // after record (the events of one record, which share its time and level, may point
        // at its lines in any order).
        assert!(
            e.line >= 1 && e.line <= out.lines,
            "event line {} of {}",
            e.line,
            out.lines
        );
        if let Some(p) = prev {
            assert!(
                e.line >= p.line || (e.time == p.time && e.level == p.level),
                "event at line {} ({:?}) after one at line {} ({:?}) of another record",
                e.line,
                e.time,
                p.line,
                p.time
            );
        }
        prev = Some(e);
        assert!(
            !e.excerpt.contains(['\n', '\r']),
            "an excerpt is one line: {:?}",
            e.excerpt
        );
        if let Some(acc) = e.account {
            assert!(
                acc <= 1,
                "event given to account {acc}, which was not offered"
            );
        }
    }
    for s in out.problems.iter().chain(out.notes.iter()) {
        assert!(!s.contains('\n'), "multi-line problem or note: {s:?}");
    }
}
