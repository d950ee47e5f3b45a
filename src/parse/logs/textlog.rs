//! Other text logs: `netsh trace convert … dump=TXT` output, server-side OCSLogger text, and any
//! log whose records start with a timestamp (a user-given chrono format, else common shapes).
//! A line that does not start a record continues the previous one.
//!
//! The netsh TXT layout used here (`[CPU]PID.TID::date time [provider]message`) is a heuristic
//! from published samples of ETW text dumps; a real client sample would settle it.

use super::common::{emit, LogOutput, ParseOptions};
use crate::model::SourceKind;
use crate::parse::logstream::LineReader;
use crate::parse::markers::{Classifier, Hit, Record};
use chrono::{FixedOffset, NaiveDateTime, TimeZone};

/// Said on a log whose time stamps carry their own zone.
pub const ZONED: &str =
    "time stamps with a zone (Z, +01:00, -0700) kept as written; --log-tz applies only to stamps without one";
use regex::Regex;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// Timestamp shapes tried when no format is given.
pub const DEFAULT_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%m/%d/%Y-%H:%M:%S%.f",
    "%m/%d/%Y %H:%M:%S%.f",
    "%m/%d/%Y|%H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S%.f",
];

fn prefix_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"^(?:TL_(?P<level>[A-Z]+)\([A-Z_]+\)\s+)?\[\d+\]\s*(?P<pid>[0-9A-Fa-f]+)\.(?P<tid>[0-9A-Fa-f]+)::\s*",
        )
        .ok()
    })
    .as_ref()
}

/// `(level, thread, rest)` when a line starts with an ETW text prefix (`[0]0E2C.1A1C::`).
pub fn netsh_prefix(l: &str) -> Option<(Option<&str>, String, &str)> {
    // What the anchored pattern starts with, checked first: most lines have no prefix.
    if !(l.starts_with('[') || l.starts_with("TL_")) {
        return None;
    }
    let c = prefix_re()?.captures(l)?;
    let all = c.get(0)?;
    Some((
        c.name("level").map(|m| m.as_str()),
        format!(
            "{}:{}",
            c.name("pid").map_or("", |m| m.as_str()),
            c.name("tid").map_or("", |m| m.as_str())
        ),
        &l[all.end()..],
    ))
}

/// Parse a timestamp at the start of `s` with one of `formats`; returns it and the rest.
pub fn leading_time(s: &str, formats: &[&str]) -> Option<(NaiveDateTime, String)> {
    leading_stamp(s, formats).map(|(t, _, rest)| (t, rest))
}

/// Like [`leading_time`], with the zone written right after the time (`Z`, `+01:00`, `-0700`),
/// when there is one: such a stamp is an instant, `--log-tz` does not apply to it.
pub fn leading_stamp(
    s: &str,
    formats: &[&str],
) -> Option<(NaiveDateTime, Option<FixedOffset>, String)> {
    // netsh writes U+200E (left-to-right marks) inside dates.
    let clean: String = s.chars().take(64).filter(|&c| c != '\u{200e}').collect();
    let head = clean.trim_start_matches('[');
    for f in formats {
        if let Ok((t, rest)) = NaiveDateTime::parse_and_remainder(head, f) {
            let zone = crate::parse::stamp::zone_prefix(rest);
            let rest = &rest[zone.map_or(0, |z| z.1)..];
            let used = clean.len() - rest.len();
            // Map back to the original string: skip as many non-LRM chars as were used.
            let mut n = used;
            let mut idx = 0;
            for (i, ch) in s.char_indices() {
                if n == 0 {
                    idx = i;
                    break;
                }
                if ch != '\u{200e}' {
                    n = n.saturating_sub(ch.len_utf8());
                }
                idx = i + ch.len_utf8();
            }
            let rest = s[idx..]
                .trim_start_matches(['\u{200e}', ']'])
                .trim_start()
                .to_string();
            return Some((t, zone.map(|z| z.0), rest));
        }
    }
    None
}

/// A line that starts a record: what [`Splitter::start`] takes.
#[derive(Debug)]
pub struct Start<'l> {
    level: Option<&'l str>,
    thread: Option<String>,
    time: NaiveDateTime,
    zone: Option<FixedOffset>,
    message: String,
}

/// The record splitter as a value that can be saved at a record start and resumed (a log that
/// grows is read on from its last record: `source::tail`). [`parse`] reads through it too, so a
/// whole read and a resumed one split alike. Counts go into the caller's [`LogOutput`].
#[derive(Debug, Clone)]
pub struct Splitter {
    kind: SourceKind,
    rec: Record,
}

impl Splitter {
    /// A splitter for a log of `kind` at its start (notes on `out` what a whole read notes
    /// before its first line).
    pub fn new(kind: SourceKind, opts: &ParseOptions<'_>, out: &mut LogOutput) -> Splitter {
        if opts.time_format.is_none() {
            out.note("record timestamps recognised by common shapes (no --log-time-format given)");
        }
        Splitter {
            kind,
            rec: Record::default(),
        }
    }

    /// The record `l` starts, if it starts one.
    pub fn start_of<'l>(&self, l: &'l str, opts: &ParseOptions<'_>) -> Option<Start<'l>> {
        let formats: &[&str] = match opts.time_format.as_slice() {
            [] => DEFAULT_FORMATS,
            user => user,
        };
        let (level, thread, body) = match netsh_prefix(l) {
            Some((lv, th, rest)) => (lv, Some(th), rest),
            None => (None, None, l),
        };
        if thread.is_none()
            && self.kind != SourceKind::TextLog
            && self.kind != SourceKind::NetshText
        {
            return None;
        }
        let (time, zone, message) = leading_stamp(body, formats)?;
        Some(Start {
            level,
            thread,
            time,
            zone,
            message,
        })
    }

    /// Classify the record read so far, if any (before a new one starts, and at the end).
    pub fn flush(
        &mut self,
        c: &mut Classifier<'_>,
        hits: &mut Vec<Hit>,
        path: &Path,
        opts: &ParseOptions<'_>,
        out: &mut LogOutput,
    ) {
        if !self.rec.is_empty() {
            emit(c, &self.rec, hits, path, opts, out);
            self.rec.clear();
        }
    }

    /// Start a record at line `no` (call [`Splitter::flush`] first).
    pub fn start(&mut self, no: u64, s: Start<'_>, opts: &ParseOptions<'_>, out: &mut LogOutput) {
        self.rec.clear();
        out.records += 1;
        self.rec.time = match s.zone {
            Some(z) => {
                out.note(ZONED);
                z.from_local_datetime(&s.time).single()
            }
            None => opts.tz.resolve(s.time),
        };
        out.see_time(self.rec.time);
        self.rec.thread = s.thread;
        self.rec.level = s.level.map(str::to_string);
        self.rec.push(no, &s.message);
    }

    /// A line that starts no record: part of the current one, or passed over before the first.
    pub fn other(&mut self, no: u64, l: &str, out: &mut LogOutput) {
        if self.rec.is_empty() && out.records == 0 {
            if !l.trim().is_empty() {
                out.skipped += 1;
            }
        } else {
            self.rec.push(no, l);
        }
    }
}

pub fn parse<R: Read>(
    lines: &mut LineReader<R>,
    kind: SourceKind,
    path: &Path,
    opts: &ParseOptions<'_>,
) -> std::io::Result<LogOutput> {
    let mut out = LogOutput::bounded(opts.bound);
    let mut c = Classifier::new(opts.markers);
    let mut hits = Vec::new();
    let mut sp = Splitter::new(kind, opts, &mut out);
    while let Some((no, l)) = lines.next_line()? {
        match sp.start_of(l, opts) {
            Some(s) => {
                sp.flush(&mut c, &mut hits, path, opts, &mut out);
                sp.start(no, s, opts, &mut out);
            }
            None => sp.other(no, l, &mut out),
        }
    }
    sp.flush(&mut c, &mut hits, path, opts, &mut out);
    Ok(out)
}

/// Whether `fmt` is a `--log-time-format` chrono can use: not empty, and every `%` starts a
/// specifier chrono knows (`%Q`, a lone `%` are refused: they would match no record).
pub fn check_time_format(fmt: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if fmt.trim().is_empty() {
        return Err("an empty time format".into());
    }
    if StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
        return Err(
            "not a chrono time format: each % must start a specifier such as %Y, %m, %d, %H, %M, %S (%% for a % sign)".into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;
    use crate::parse::logs::{parse_log, LogTz};
    use crate::parse::markers::Markers;

    #[test]
    fn netsh_lines_with_lrm_marks() {
        let s = "header text\n[0]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 09:41:00.1234567 [Microsoft-Lync]EWS CreateItem https://mail.contoso.com/EWS/Exchange.asmx\n  status=401\n[1]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 09:41:02.0000000 [Microsoft-Lync]done\n";
        let m = Markers::builtin().expect("m");
        let opts = ParseOptions::utc(&m);
        let o = parse_log(
            s.as_bytes(),
            SourceKind::NetshText,
            Path::new("n.txt"),
            &opts,
        )
        .expect("parse");
        assert_eq!((o.records, o.skipped), (2, 1));
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-02T09:41:00.123456700+00:00")
        );
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("401");
        assert_eq!(f.line, 3);
    }

    #[test]
    fn bad_time_formats_are_refused() {
        for ok in ["%d.%m.%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.3f", "%%%Y"] {
            assert!(check_time_format(ok).is_ok(), "{ok}");
        }
        for bad in ["%Q", "%", "%Y-%m-%d %", "", "  "] {
            assert!(check_time_format(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn user_time_format_for_any_text_log() {
        let s = "02.03.2026 09:41:00 EWS SendItem failed 0x80190193\nnext line\n02.03.2026 09:42:00 ok\n";
        let m = Markers::builtin().expect("m");
        let opts = ParseOptions {
            markers: &m,
            tz: LogTz::Utc,
            time_format: Some("%d.%m.%Y %H:%M:%S"),
            profile: None,
            accounts: &[],
            bound: Default::default(),
        };
        let o =
            parse_log(s.as_bytes(), SourceKind::TextLog, Path::new("t.log"), &opts).expect("parse");
        assert_eq!(o.records, 2);
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("403");
        assert_eq!(f.values["status"], "403");
        assert_eq!(
            f.time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-02T09:41:00+00:00")
        );
    }
}
