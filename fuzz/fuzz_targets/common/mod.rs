//! Shared checks for the log-parser targets (included with `#[path]`, not a crate).
#![allow(dead_code)]

use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, LogOutput, LogTz, ParseOptions};
use spoolscope::parse::markers::Markers;
use spoolscope::sanitize;
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
        Dribble { data, step: step.max(1), turn: 0 }
    }
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.turn += 1;
        let n = (1 + self.turn % self.step).min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Parse `data` as a log of `kind`, whole and dribbled; check the invariants of each output and
/// that both readings agree.
pub fn check_log(data: &[u8], kind: SourceKind, time_format: Option<&str>) {
    let accounts = vec![(0, "jdoe@contoso.com".to_string()), (1, "rlee@contoso.com".to_string())];
    let opts = ParseOptions {
        markers: markers(),
        tz: LogTz::Local,
        time_format,
        profile: Some("jdoe".into()),
        accounts: &accounts,
    };
    let path = Path::new("fuzz.log");
    let whole = parse_log(data, kind, path, &opts).expect("a slice never fails to read");
    invariants(&whole);
    let step = data.first().map_or(1, |b| usize::from(*b % 13) + 1);
    let dribbled = parse_log(Dribble::new(data, step), kind, path, &opts).expect("no I/O error");
    invariants(&dribbled);
    assert_eq!(whole.records, dribbled.records, "records depend on read sizes");
    assert_eq!(whole.lines, dribbled.lines, "lines depend on read sizes");
    assert_eq!(whole.events.len(), dribbled.events.len(), "events depend on read sizes");
    assert_eq!(whole.counts, dribbled.counts, "counts depend on read sizes");
}

pub fn invariants(out: &LogOutput) {
    let counted: u64 = out.counts.values().sum();
    assert_eq!(
        counted,
        out.events.len() as u64 + out.not_kept,
        "every event seen is either kept or counted as not kept"
    );
    assert_eq!(out.first.is_some(), out.last.is_some());
    if let (Some(a), Some(b)) = (out.first, out.last) {
        assert!(a <= b, "first {a} after last {b}");
    }
    for e in &out.events {
        assert!(!e.marker.is_empty());
        if let Some(t) = e.time {
            let (a, b) = (out.first.expect("a timed event sets first"), out.last.expect("last"));
            assert!(a <= t && t <= b, "event time {t} outside {a}..{b}");
        }
        if out.lines > 0 {
            assert!(e.line >= 1 && e.line <= out.lines, "event line {} of {}", e.line, out.lines);
        }
        // Whatever the log holds, its display form is free of controls.
        assert!(!sanitize::line(&e.excerpt).chars().any(sanitize::is_unsafe));
        for v in e.values.values() {
            assert!(!sanitize::line(v).chars().any(sanitize::is_unsafe));
        }
    }
    for s in out.problems.iter().chain(out.notes.iter()) {
        assert!(!s.contains('\n'), "multi-line problem or note: {s:?}");
    }
    assert!(serde_json::to_string(&out.events).is_ok());
}
