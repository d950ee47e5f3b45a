//! `tracerpt file.etl -of CSV` output: a header row (`Event Name, Type, …, Clock-Time, …, User
//! Data`), comma + space separators, payload fields as extra columns (row lengths vary), hex
//! PID/TID, and an `EventTrace, Header` row first. `-en Unicode` output is UTF-16 (handled by
//! the stream). Each data row is one record; the whole row is classified.
//!
//! `Clock-Time` is read as a FILETIME (100 ns ticks since 1601, UTC) only when the value falls
//! in a plausible range; that reading is a heuristic and is noted on the source.

use super::common::{emit, LogOutput, ParseOptions};
use crate::parse::logstream::LineReader;
use crate::parse::markers::{Classifier, Hit, Record};
use chrono::{DateTime, FixedOffset};
use std::io::Read;
use std::path::Path;

/// FILETIME ticks of 2000-01-01 and 2100-01-01.
const FT_2000: u64 = 125_911_584_000_000_000;
const FT_2100: u64 = 157_469_184_000_000_000;
const FT_UNIX: u64 = 116_444_736_000_000_000;

/// A FILETIME tick count as a UTC time, if plausible.
pub fn filetime(ticks: u64) -> Option<DateTime<FixedOffset>> {
    if !(FT_2000..FT_2100).contains(&ticks) {
        return None;
    }
    let since = ticks - FT_UNIX;
    DateTime::from_timestamp(
        (since / 10_000_000) as i64,
        ((since % 10_000_000) * 100) as u32,
    )
    .map(|d| d.fixed_offset())
}

/// The fields of one row, separated by `sep` (a comma, or what [`header_sep`] found), each
/// trimmed; a quoted field may hold separators and doubled quotes (a spreadsheet re-saving
/// the file quotes fields that way).
fn fields_by(l: &str, sep: char) -> Vec<String> {
    let l = l.trim_start_matches('\u{feff}');
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = l.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// Whether a row is tracerpt's CSV header: it names both `Event Name` and `Clock-Time`, in
/// any column (a spreadsheet may have added an `Index` column before them).
pub fn is_header(l: &str) -> bool {
    header_sep(l).is_some()
}

/// The separator a header row uses: `,` as tracerpt writes it, or `;` or a tab as a
/// spreadsheet re-saves it where the list separator is `;` (de-DE, fr-FR) or as "Unicode
/// Text" (tab-separated UTF-16).
fn header_sep(l: &str) -> Option<char> {
    [',', ';', '\t'].into_iter().find(|&sep| {
        let f = fields_by(l, sep);
        let has = |n: &str| f.iter().any(|x| x.eq_ignore_ascii_case(n));
        has("Event Name") && has("Clock-Time")
    })
}

/// The label of a `Clock-Time` read from floating-point notation.
pub const FLOAT_CLOCK: &str = "clock-time-float-precision";

/// A `Clock-Time` value: integer FILETIME ticks, or the same number in floating-point notation
/// (`1.3312743573048245e+17`, as a spreadsheet re-saves it: its last digits are lost). Returns
/// the time and, for a float, the ticks its written digits can be off by.
fn clock_time(v: &str) -> Option<(DateTime<FixedOffset>, Option<u64>)> {
    if let Ok(n) = v.parse::<u64>() {
        return filetime(n).map(|t| (t, None));
    }
    if !v.contains(['.', 'e', 'E']) {
        return None;
    }
    let x: f64 = v.parse().ok()?;
    if !x.is_finite() || x < FT_2000 as f64 || x >= FT_2100 as f64 {
        return None;
    }
    // Significant digits written, and the decimal exponent: the last written digit's weight.
    let lower = v.to_ascii_lowercase();
    let (mant, exp) = match lower.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (lower.as_str(), 0),
    };
    let frac = mant.split_once('.').map_or("", |(_, f)| f);
    let weight = exp - frac.len() as i32;
    let step = if weight > 0 {
        10u64.checked_pow(weight as u32)?
    } else {
        1
    };
    filetime(x.round() as u64).map(|t| (t, Some(step)))
}

/// Column positions: (Event Name, Clock-Time, TID, Level, Type).
type Cols = (
    usize,
    Option<usize>,
    Option<usize>,
    Option<usize>,
    Option<usize>,
);

/// The row reader as a value that can be saved between rows and resumed (a CSV that grows is
/// read on from its last row: `source::tail`): the header's column map and what the end notes
/// need. Each line is one row (a quoted field does not run over a line end here), so any line
/// start is a place to resume at. [`parse`] reads through it too.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    cols: Option<Cols>,
    /// The separator the header row used (`None`: a comma).
    sep: Option<char>,
    /// The row being read (kept for its buffers).
    rec: Record,
    bad_clock: bool,
    float_step: Option<u64>,
}

impl Rows {
    /// Read line `no`: the header row (before it, lines are passed over), else one record.
    pub fn row(
        &mut self,
        (no, l): (u64, &str),
        c: &mut Classifier<'_>,
        hits: &mut Vec<Hit>,
        path: &Path,
        opts: &ParseOptions<'_>,
        out: &mut LogOutput,
    ) {
        if l.trim().is_empty() {
            return;
        }
        let Some((name, clock, tid, level, typ)) = self.cols else {
            if let Some(sep) = header_sep(l) {
                let f = fields_by(l, sep);
                self.sep = Some(sep);
                let at = |n: &str| f.iter().position(|x| x.eq_ignore_ascii_case(n));
                self.cols = Some((
                    at("Event Name").unwrap_or(0),
                    at("Clock-Time"),
                    at("TID"),
                    at("Level"),
                    at("Type"),
                ));
            } else {
                out.skipped += 1;
            }
            return;
        };
        let sep = self.sep.unwrap_or(',');
        let f = fields_by(l, sep);
        if f.get(name).map(String::as_str) == Some("EventTrace")
            && f.get(name + 1).map(String::as_str) == Some("Header")
        {
            out.skipped += 1;
            return;
        }
        let rec = &mut self.rec;
        rec.clear();
        out.records += 1;
        let raw = clock
            .and_then(|i| f.get(i))
            .map(String::as_str)
            .unwrap_or("");
        // Where the list separator is not a comma, a re-saved float may have a decimal comma.
        let read = match sep != ',' && raw.contains(',') && !raw.contains('.') {
            true => clock_time(&raw.replace(',', ".")),
            false => clock_time(raw),
        };
        rec.time = read.map(|r| r.0);
        let step = read.and_then(|r| r.1);
        if let Some(s) = step {
            self.float_step = Some(self.float_step.map_or(s, |m| m.max(s)));
        }
        if rec.time.is_none() && !raw.is_empty() {
            self.bad_clock = true;
            out.bad_times += 1;
        }
        out.see_time(rec.time);
        rec.thread = tid.and_then(|i| f.get(i)).cloned();
        rec.level = typ
            .and_then(|i| f.get(i))
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()))
            .or_else(|| level.and_then(|i| f.get(i)))
            .map(|s| s.to_ascii_uppercase());
        rec.push(no, l);
        emit(c, rec, hits, path, opts, out);
        if step.is_some() {
            for e in out.record_events() {
                e.values.insert("time_precision".into(), FLOAT_CLOCK.into());
            }
        }
    }

    /// The notes and problems of a log read to its end.
    pub fn end(&self, out: &mut LogOutput) {
        out.note("Clock-Time read as FILETIME (UTC) when plausible (heuristic)");
        if let Some(step) = self.float_step {
            out.note(&format!(
                "{FLOAT_CLOCK}: Clock-Time written in floating-point notation (a spreadsheet re-saved the file): its last digits are lost, times are exact to about {} µs",
                (step / 10).max(1)
            ));
        }
        if self.bad_clock {
            out.note("some Clock-Time values are not plausible FILETIMEs: those rows have no time (counted in bad_times)");
        }
        if self.cols.is_none() {
            out.problems
                .push("no 'Event Name, …, Clock-Time, …' header row found".into());
        }
    }
}

pub fn parse<R: Read>(
    lines: &mut LineReader<R>,
    path: &Path,
    opts: &ParseOptions<'_>,
) -> std::io::Result<LogOutput> {
    let mut out = LogOutput::bounded(opts.bound);
    let mut c = Classifier::new(opts.markers);
    let mut hits = Vec::new();
    let mut rows = Rows::default();
    while let Some((no, l)) = lines.next_line()? {
        rows.row((no, l), &mut c, &mut hits, path, opts, &mut out);
    }
    rows.end(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, SourceKind};
    use crate::parse::logs::{parse_log, ParseOptions};
    use crate::parse::markers::Markers;

    fn run(s: &str) -> crate::parse::logs::LogOutput {
        let m = Markers::builtin().expect("m");
        let opts = ParseOptions::utc(&m);
        parse_log(
            s.as_bytes(),
            SourceKind::TracerptCsv,
            Path::new("t.csv"),
            &opts,
        )
        .expect("parse")
    }

    pub const HEADER: &str = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data";

    #[test]
    fn rows_times_and_the_header_event() {
        // 2026-03-02T09:41:00Z as FILETIME.
        let ft = (1_772_444_460u64) * 10_000_000 + FT_UNIX;
        let s = format!(
            "{HEADER}\r\nEventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , {ft}, 0, 0, 65536\r\nLync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, \"EWS SendItem https://mail.contoso.com/EWS/Exchange.asmx\", \"status=401\"\r\nLync, Info, 11, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , 42, 10, 20, lost 401 packets\r\n"
        );
        let o = run(&s);
        assert_eq!((o.records, o.skipped), (2, 1));
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-02T09:41:00+00:00")
        );
        let f: Vec<u64> = o
            .events
            .iter()
            .filter(|e| e.kind == EventKind::EwsFailure)
            .map(|e| e.line)
            .collect();
        assert_eq!(f, [3]);
        assert!(o.notes.iter().any(|n| n.contains("not plausible")));
    }

    /// A CSV re-saved where the list separator is `;` (with a decimal comma in a float
    /// Clock-Time) or as tab-separated text is recognised and read as the comma one is (it
    /// was ignored as not recognised, its 401 unread).
    #[test]
    fn semicolon_and_tab_separated_re_saves_are_read() {
        let ft = (1_772_444_460u64) * 10_000_000 + FT_UNIX;
        let row = format!(
            "Lync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, EWS SendItem https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized"
        );
        let float_row = row.replace(&ft.to_string(), "1,3416926400000000e+17");
        for sep in [";", "\t"] {
            for (r, float) in [(&row, false), (&float_row, true)] {
                let s = format!(
                    "{}\r\n{}\r\n",
                    HEADER.replace(", ", sep),
                    r.replace(", ", sep)
                );
                assert_eq!(
                    crate::parse::logs::sniff_kind(&s),
                    Some(SourceKind::TracerptCsv),
                    "{sep:?}"
                );
                let o = run(&s);
                assert_eq!((o.records, o.bad_times), (1, 0), "{sep:?} {float}");
                assert!(o.problems.is_empty(), "{:?}", o.problems);
                let f = o
                    .events
                    .iter()
                    .find(|e| e.kind == EventKind::EwsFailure)
                    .unwrap_or_else(|| panic!("no 401 with {sep:?}"));
                assert_eq!(f.thread.as_deref(), Some("0x0C14"), "{sep:?}");
                assert!(f.time.is_some(), "{sep:?} {float}");
            }
        }
    }
}
