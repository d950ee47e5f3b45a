//! `tracerpt file.etl -of CSV` output: a header row (`Event Name, Type, …, Clock-Time, …, User
//! Data`), comma + space separators, payload fields as extra columns (row lengths vary), hex
//! PID/TID, and an `EventTrace, Header` row first. `-en Unicode` output is UTF-16 (handled by
//! the stream). Each data row is one record; the whole row is classified. A row is read as the CSV
//! rules say: a quoted field may hold line breaks (a spreadsheet re-saving the file writes them
//! so), and the row then spans those lines, up to [`ROW_CAP`].
//!
//! `Clock-Time` is read as a FILETIME (100 ns ticks since 1601, UTC) only when the value falls
//! in a plausible range; that reading is a heuristic and is noted on the source.

use super::common::{emit, LogOutput, ParseOptions};
use crate::parse::logstream::{LineReader, LINE_CAP};
use crate::parse::markers::{Classifier, Hit, Record};
use chrono::{DateTime, FixedOffset};
use std::io::Read;
use std::path::Path;

/// FILETIME ticks of 2000-01-01 and 2100-01-01.
const FT_2000: u64 = 125_911_584_000_000_000;
const FT_2100: u64 = 157_469_184_000_000_000;
const FT_UNIX: u64 = 116_444_736_000_000_000;

/// Whether `t` lies in the range a FILETIME is taken as a time in (2000 to 2100): the range
/// tracerpt conversions' times must fall in (a Lync or Skype client trace is younger, and
/// further out is a zero or garbled field).
pub fn plausible(t: DateTime<chrono::Utc>) -> bool {
    let ticks = t
        .timestamp()
        .checked_mul(10_000_000)
        .and_then(|s| s.checked_add(i64::from(t.timestamp_subsec_nanos() / 100)))
        .and_then(|s| s.checked_add(FT_UNIX as i64));
    ticks.is_some_and(|n| (FT_2000 as i64..FT_2100 as i64).contains(&n))
}

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

/// Where the CSV field reader stands between two characters: inside a quoted field or not, and
/// whether the field so far is only white space (a quote there opens a quoted field; elsewhere
/// it is an ordinary character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Quote {
    quoted: bool,
    blank: bool,
}

impl Quote {
    const START: Quote = Quote {
        quoted: false,
        blank: true,
    };

    /// Read `text` on from this state, the characters of the current field going to `cur`; each
    /// field a separator ends is handed to `field` (which takes its characters). In a quoted
    /// field `""` is one quote and a line break is part of the field.
    fn read(
        mut self,
        text: &str,
        sep: char,
        cur: &mut String,
        mut field: impl FnMut(&mut String),
    ) -> Quote {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if self.quoted && chars.peek() == Some(&'"') => {
                    cur.push('"');
                    self.blank = false;
                    chars.next();
                }
                '"' if self.quoted => self.quoted = false,
                '"' if self.blank => {
                    cur.clear();
                    self.quoted = true;
                }
                c if c == sep && !self.quoted => {
                    field(cur);
                    cur.clear();
                    self.blank = true;
                }
                c => {
                    cur.push(c);
                    self.blank &= c.is_whitespace();
                }
            }
        }
        self
    }
}

/// The fields of one row, separated by `sep` (a comma, or what [`header_sep`] found), each
/// trimmed; a quoted field may hold separators, doubled quotes and line breaks (a spreadsheet
/// re-saving the file quotes fields that way). Also whether a quoted field is still open at
/// the end of `l` (the row goes on in the next line): the state there.
fn fields_open(l: &str, sep: char) -> (Vec<String>, Quote) {
    let l = l.trim_start_matches('\u{feff}');
    let mut out = Vec::new();
    let mut cur = String::new();
    let q = Quote::START.read(l, sep, &mut cur, |f| out.push(f.trim().to_string()));
    out.push(cur.trim().to_string());
    (out, q)
}

/// [`fields_open`] without the open quote.
fn fields_by(l: &str, sep: char) -> Vec<String> {
    fields_open(l, sep).0
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

/// Most bytes one row may span (its lines and their line ends). A quoted field still open past
/// this is taken to be one that never closes: the row's lines are read again one row each (as
/// if each line ended its fields), with one problem naming the line the field opened on.
pub const ROW_CAP: usize = LINE_CAP;

/// A row whose quoted field is open at the end of its last line so far.
#[derive(Debug, Clone, Copy)]
struct Open {
    quote: Quote,
    bytes: usize,
}

/// What reading a row needs besides the row reader.
struct Sink<'a, 'c, 'm> {
    c: &'a mut Classifier<'c>,
    hits: &'a mut Vec<Hit>,
    path: &'a Path,
    opts: &'a ParseOptions<'m>,
    out: &'a mut LogOutput,
}

/// The row reader as a value that can be saved between rows and resumed (a CSV that grows is
/// read on from its last row: `source::tail`): the header's column map, the row being read,
/// and what the end notes need. A row is one line, or more when a quoted field holds line
/// breaks; any line that does not continue a row ([`Rows::in_row`] false before it) is a
/// place to resume at. [`parse`] reads through it too.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    cols: Option<Cols>,
    /// The separator the header row used (`None`: a comma).
    sep: Option<char>,
    /// The row being read (its lines so far while a quoted field is open).
    rec: Record,
    /// Set while the row in `rec` has a quoted field open at the end of its last line.
    open: Option<Open>,
    bad_clock: bool,
    float_step: Option<u64>,
    /// The last row ended inside a quoted field (the file ends there).
    cut_row: bool,
}

impl Rows {
    /// A splitter at a log's start whose records ask `probe` about their lines past the cap
    /// (see [`Record::probe`]).
    pub fn armed(probe: crate::parse::logstream::CutProbe) -> Self {
        let mut s = Self::default();
        s.rec.probe = Some(probe);
        s
    }

    /// Whether the next line goes on with a row begun before it (a quoted field is open).
    pub fn in_row(&self) -> bool {
        self.open.is_some()
    }

    /// Read line `no`: the header row (before it, lines are passed over), a row, or the next
    /// line of a row whose quoted field holds a line break.
    pub fn row(
        &mut self,
        (no, l): (u64, &str),
        c: &mut Classifier<'_>,
        hits: &mut Vec<Hit>,
        path: &Path,
        opts: &ParseOptions<'_>,
        out: &mut LogOutput,
    ) {
        let mut s = Sink {
            c,
            hits,
            path,
            opts,
            out,
        };
        match self.open {
            Some(open) => self.more(no, l, open, &mut s),
            None => self.first(no, l, true, &mut s),
        }
    }

    /// A line that begins a row; with `multi`, a quoted field open at its end goes on into the
    /// next lines.
    fn first(&mut self, no: u64, l: &str, multi: bool, s: &mut Sink<'_, '_, '_>) {
        if l.trim().is_empty() {
            return;
        }
        if self.cols.is_none() {
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
                s.out.skipped += 1;
            }
            return;
        }
        let sep = self.sep.unwrap_or(',');
        self.rec.clear();
        self.rec.push(no, l);
        let (f, quote) = fields_open(l, sep);
        if quote.quoted && multi {
            self.open = Some(Open {
                quote,
                bytes: l.len() + 1,
            });
            return;
        }
        self.finish(f, s);
    }

    /// The next line of a row whose quoted field is open.
    fn more(&mut self, no: u64, l: &str, open: Open, s: &mut Sink<'_, '_, '_>) {
        let bytes = open.bytes + l.len() + 1;
        if bytes > ROW_CAP {
            return self.give_up(no, l, s);
        }
        let sep = self.sep.unwrap_or(',');
        let mut cur = String::new();
        let quote = open.quote.read(l, sep, &mut cur, |_| {});
        self.rec.push(no, l);
        if quote.quoted {
            self.open = Some(Open { quote, bytes });
            return;
        }
        self.open = None;
        let f = fields_by(self.rec.text(), sep);
        self.finish(f, s);
    }

    /// A quoted field still open past [`ROW_CAP`]: its row's lines and this one are read one
    /// row per line, and reading goes on from the next line.
    fn give_up(&mut self, no: u64, l: &str, s: &mut Sink<'_, '_, '_>) {
        self.open = None;
        let lines: Vec<(u64, String)> = self.rec.lines().map(|(n, t)| (n, t.to_string())).collect();
        let from = lines.first().map_or(no, |x| x.0);
        s.out.problems.push(format!(
            "line {from}: a quoted field opens here and does not close within {} KiB: lines {from}-{no} are read one row per line",
            ROW_CAP / 1024
        ));
        for (n, t) in &lines {
            self.first(*n, t, false, s);
        }
        self.first(no, l, false, s);
    }

    /// The end of the text: a row still open (its quoted field never closed) is read as it is.
    pub fn flush(
        &mut self,
        c: &mut Classifier<'_>,
        hits: &mut Vec<Hit>,
        path: &Path,
        opts: &ParseOptions<'_>,
        out: &mut LogOutput,
    ) {
        if self.open.take().is_some() {
            self.cut_row = true;
            let f = fields_by(self.rec.text(), self.sep.unwrap_or(','));
            self.finish(
                f,
                &mut Sink {
                    c,
                    hits,
                    path,
                    opts,
                    out,
                },
            );
        }
    }

    /// One whole row (its lines in `rec`), its fields `f`: a record, or the header event.
    fn finish(&mut self, f: Vec<String>, s: &mut Sink<'_, '_, '_>) {
        let Some((name, clock, tid, level, typ)) = self.cols else {
            return;
        };
        let sep = self.sep.unwrap_or(',');
        let out = &mut *s.out;
        if f.get(name).map(String::as_str) == Some("EventTrace")
            && f.get(name + 1).map(String::as_str) == Some("Header")
        {
            out.skipped += 1;
            return;
        }
        let rec = &mut self.rec;
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
        emit(s.c, rec, s.hits, s.path, s.opts, out);
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
        if self.cut_row {
            out.note("the file ends inside a quoted field: its last row is read as far as it goes");
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
    let mut rows = Rows::armed(opts.markers.cut_probe());
    while let Some((no, l)) = lines.next_line()? {
        rows.row((no, l), &mut c, &mut hits, path, opts, &mut out);
    }
    rows.flush(&mut c, &mut hits, path, opts, &mut out);
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

    /// A quoted field holding line breaks (a spreadsheet re-save) keeps its row whole: two rows
    /// over five lines are two records, and a 401 on a continuation line has its row's time
    /// and thread (each physical line was a record of its own, the 401 one without a time).
    #[test]
    fn quoted_fields_with_line_breaks_keep_their_row() {
        let ft = (1_772_444_460u64) * 10_000_000 + FT_UNIX;
        let s = format!(
            "{HEADER}\r\nLync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, \"POST https://mail.contoso.com/EWS/Exchange.asmx\r\nline2\"\r\nLync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C15, 1, , , , , {ft}, 10, 20, \"say \"\"hi\"\",\r\nEWS SendItem HTTP/1.1 401 Unauthorized\r\nlast\", tail\r\n"
        );
        let o = run(&s);
        assert_eq!((o.records, o.skipped, o.lines), (2, 0, 6));
        assert!(o.problems.is_empty(), "{:?}", o.problems);
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("the 401");
        assert_eq!(f.line, 5);
        assert!(f.time.is_some());
        assert_eq!(f.thread.as_deref(), Some("0x0C15"));
        // `""` is a quote, and the separator inside the quotes is no field end.
        let (fields, q) = fields_open("a, \"x \"\"y\"\", z\nw\", b", ',');
        assert_eq!(fields, ["a", "x \"y\", z\nw", "b"]);
        assert!(!q.quoted);
        assert!(fields_open("a, \"open", ',').1.quoted);
        assert!(
            !fields_open("a, b\"c, d", ',').1.quoted,
            "a quote inside a field is a character"
        );
    }

    /// A quoted field that never closes holds its row open for at most [`ROW_CAP`] bytes: then
    /// one problem names its line, those lines are read one row each, and the rows after them
    /// as usual. Every row is counted once.
    #[test]
    fn a_quoted_field_that_never_closes_is_bounded() {
        let ft = (1_772_444_460u64) * 10_000_000 + FT_UNIX;
        let row = |msg: &str| {
            format!("Lync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, {msg}\n")
        };
        let mut s = format!("{HEADER}\n{}", row("\"never closed"));
        let n = ROW_CAP / row("x").len() + 50;
        for _ in 0..n {
            s.push_str(&row("routine"));
        }
        s.push_str(&row("EWS SendItem HTTP/1.1 401 Unauthorized"));
        let o = run(&s);
        assert_eq!(o.records as usize, n + 2);
        assert_eq!(o.problems.len(), 1, "{:?}", o.problems);
        assert!(
            o.problems[0].starts_with("line 2: a quoted field"),
            "{}",
            o.problems[0]
        );
        let f: Vec<_> = o
            .events
            .iter()
            .filter(|e| e.kind == EventKind::EwsFailure)
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line as usize, n + 3);
        assert!(f[0].time.is_some());
        // Cut inside the quoted field: the last row is read as far as it goes, and said so.
        let o = run(&format!(
            "{HEADER}\n{}",
            row("\"EWS SendItem HTTP/1.1 401\nmore")
        ));
        assert_eq!(o.records, 1);
        assert!(o
            .notes
            .iter()
            .any(|n| n.contains("ends inside a quoted field")));
        assert_eq!(
            o.events
                .iter()
                .filter(|e| e.kind == EventKind::EwsFailure)
                .count(),
            1
        );
    }
}
