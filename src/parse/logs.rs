//! What every log parser shares: recognising a log kind from its content, the time zone of
//! zone-less timestamps, the per-source result, and the dispatch from kind to parser.

use super::logstream::{LineReader, Utf8Stream, LINE_CAP};
use super::markers::{Classifier, Hit, Markers, Record};
use crate::model::{EventKind, LogEvent, SourceKind};
use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone};
use std::io::Read;
use std::path::Path;

/// How to read timestamps that carry no zone (UccApilog, text logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogTz {
    /// The zone of the machine spoolscope runs on (right when it runs on the workstation).
    #[default]
    Local,
    Utc,
    Fixed(FixedOffset),
}

impl LogTz {
    /// `local`, `UTC`/`Z`, or an offset like `+01:00`, `-0500`.
    pub fn parse(s: &str) -> Result<LogTz, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("local") {
            return Ok(LogTz::Local);
        }
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t == "z" {
            return Ok(LogTz::Utc);
        }
        let bad = || format!("'{s}' is not a time zone: use local, UTC or an offset like +01:00");
        let (sign, rest) = match t.as_bytes().first() {
            Some(b'+') => (1, &t[1..]),
            Some(b'-') => (-1, &t[1..]),
            _ => return Err(bad()),
        };
        let digits: String = rest.chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let h: i32 = digits[..2].parse().map_err(|_| bad())?;
        let m: i32 = digits[2..].parse().map_err(|_| bad())?;
        if h > 14 || m > 59 {
            return Err(bad());
        }
        FixedOffset::east_opt(sign * (h * 3600 + m * 60))
            .map(LogTz::Fixed)
            .ok_or_else(bad)
    }

    /// How the report names it.
    pub fn label(self) -> String {
        match self {
            LogTz::Local => format!(
                "local time of this machine (now UTC{})",
                chrono::Local::now().offset()
            ),
            LogTz::Utc => "UTC".into(),
            LogTz::Fixed(o) => format!("UTC{o}"),
        }
    }

    pub fn short(self) -> String {
        match self {
            LogTz::Local => "local".into(),
            LogTz::Utc => "UTC".into(),
            LogTz::Fixed(o) => o.to_string(),
        }
    }

    /// A wall-clock time read in this zone (the earlier one when a DST change makes it twice).
    pub fn resolve(self, t: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            LogTz::Utc => Some(t.and_utc().fixed_offset()),
            LogTz::Fixed(o) => o.from_local_datetime(&t).single(),
            LogTz::Local => match chrono::Local.from_local_datetime(&t) {
                LocalResult::Single(d) | LocalResult::Ambiguous(d, _) => Some(d.fixed_offset()),
                LocalResult::None => None,
            },
        }
    }
}

/// How to parse and classify one log.
#[derive(Debug, Clone)]
pub struct ParseOptions<'a> {
    pub markers: &'a Markers,
    pub tz: LogTz,
    /// A chrono format for the timestamp at the start of a record in text logs.
    pub time_format: Option<&'a str>,
    pub profile: Option<String>,
    /// Accounts the log may belong to: (index, lower-case sign-in address). An event goes to
    /// the account whose address it names, else to the only candidate.
    pub accounts: &'a [(usize, String)],
}

impl<'a> ParseOptions<'a> {
    /// Zone-less times read as UTC, no text-log time format, no profile, no accounts: the
    /// plain options tests, benches and fuzz targets parse with.
    pub fn utc(markers: &'a Markers) -> ParseOptions<'a> {
        ParseOptions {
            markers,
            tz: LogTz::Utc,
            time_format: None,
            profile: None,
            accounts: &[],
        }
    }
}

/// What one log gave.
#[derive(Debug, Default, Clone)]
pub struct LogOutput {
    pub kind: Option<SourceKind>,
    pub encoding: &'static str,
    pub records: u64,
    /// Lines passed over (before the first record, headers, unparseable rows).
    pub skipped: u64,
    /// Lines cut at the length cap.
    pub truncated_lines: u64,
    /// Events the converter could not decode (tracerpt `ProcessingErrorData`).
    pub undecoded: u64,
    /// Record headers whose date or time is impossible (kept, without a time).
    pub bad_times: u64,
    pub lines: u64,
    pub first: Option<DateTime<FixedOffset>>,
    pub last: Option<DateTime<FixedOffset>>,
    pub events: Vec<LogEvent>,
    /// Heuristics used, in words.
    pub notes: Vec<String>,
    /// Problems that did not stop the parse (e.g. XML that ends early).
    pub problems: Vec<String>,
    /// The last line had no ending: the file is probably still being written.
    pub growing: bool,
    /// Events seen, by kind (kept or not).
    pub counts: std::collections::BTreeMap<EventKind, u64>,
    /// Routine events counted but not kept (over [`ROUTINE_CAP`] of their kind).
    pub not_kept: u64,
    /// Lines of over-long records (past [`super::markers::RECORD_CAP`]) counted, not classified.
    pub unclassified_lines: u64,
    /// For a binary `.etl`: its logfile header and buffer counts.
    pub etl: Option<crate::model::EtlSummary>,
    kept_routine: std::collections::BTreeMap<EventKind, u64>,
    versions: std::collections::BTreeSet<(String, String)>,
}

/// Routine events (SIP traffic, EWS requests, HTTP statuses, repeated client versions) kept per kind and
/// source; more are counted, not kept, so memory stays bounded on a 1 GB log. Failures,
/// policies, SIP errors and new client versions are always kept.
pub const ROUTINE_CAP: u64 = 1000;

/// Whether an event of `kind` with these values is routine (see [`LogOutput::push_event`]).
fn is_routine(
    kind: EventKind,
    values: &std::collections::BTreeMap<String, String>,
    versions: &std::collections::BTreeSet<(String, String)>,
) -> bool {
    let status = values
        .get("status")
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    match kind {
        EventKind::SipRequest
        | EventKind::HttpStatus
        | EventKind::Other
        | EventKind::SignIn
        | EventKind::SignOut
        | EventKind::Autodiscover
        | EventKind::EwsRequest => true,
        EventKind::SipResponse => status < 400 || status == 401 || status == 407,
        EventKind::ClientVersion => versions.contains(&(
            values.get("version").cloned().unwrap_or_default(),
            values.get("direction").cloned().unwrap_or_default(),
        )),
        _ => false,
    }
}

impl LogOutput {
    /// Whether [`LogOutput::push_event`] would count an event with these values but not keep
    /// it (routine, and its kind is at the cap). Lets the classifier skip the costly parts.
    pub fn would_drop(
        &self,
        kind: EventKind,
        values: &std::collections::BTreeMap<String, String>,
    ) -> bool {
        self.kept_routine
            .get(&kind)
            .is_some_and(|&n| n >= ROUTINE_CAP)
            && is_routine(kind, values, &self.versions)
    }

    /// Count an event and keep it unless it is routine and its kind is over the cap. Returns
    /// the kind when it has just reached the cap and is always routine (so the classifier can
    /// stop extracting it).
    pub fn push_event(&mut self, e: LogEvent) -> Option<EventKind> {
        *self.counts.entry(e.kind).or_default() += 1;
        let status = e
            .values
            .get("status")
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or(0);
        let routine = match e.kind {
            EventKind::SipRequest
            | EventKind::HttpStatus
            | EventKind::Other
            | EventKind::SignIn
            | EventKind::SignOut
            | EventKind::Autodiscover
            | EventKind::EwsRequest => true,
            // Auth challenges (401/407) are part of every sign-in; 480 and errors are kept.
            EventKind::SipResponse => status < 400 || status == 401 || status == 407,
            EventKind::ClientVersion => {
                let key = (
                    e.values.get("version").cloned().unwrap_or_default(),
                    e.values.get("direction").cloned().unwrap_or_default(),
                );
                !self.versions.insert(key)
            }
            _ => false,
        };
        let mut full = None;
        if routine {
            let n = self.kept_routine.entry(e.kind).or_default();
            if *n >= ROUTINE_CAP {
                self.not_kept += 1;
                return None;
            }
            *n += 1;
            let always = !matches!(e.kind, EventKind::SipResponse | EventKind::ClientVersion);
            if *n == ROUTINE_CAP && always {
                full = Some(e.kind);
            }
        }
        self.events.push(e);
        full
    }
}

impl LogOutput {
    pub fn see_time(&mut self, t: Option<DateTime<FixedOffset>>) {
        if let Some(t) = t {
            if self.first.is_none_or(|f| t < f) {
                self.first = Some(t);
            }
            if self.last.is_none_or(|l| t > l) {
                self.last = Some(t);
            }
        }
    }

    pub fn note(&mut self, s: &str) {
        if !self.notes.iter().any(|n| n == s) {
            self.notes.push(s.to_string());
        }
    }
}

/// Classify a finished record and turn hits into events.
pub fn emit(
    c: &mut Classifier<'_>,
    rec: &Record,
    hits: &mut Vec<Hit>,
    path: &Path,
    opts: &ParseOptions<'_>,
    out: &mut LogOutput,
) {
    hits.clear();
    out.unclassified_lines += rec.dropped_lines;
    {
        let seen: &LogOutput = out;
        c.classify_with(rec, hits, &|kind, values| seen.would_drop(kind, values));
    }
    if hits.is_empty() {
        return;
    }
    let mut lower: Option<String> = None;
    for h in hits.drain(..) {
        let mut ev = h.into_event(rec, path, opts.profile.as_ref());
        if ev.marker.is_empty() {
            // A count-only hit (its kind is over the cap).
            *out.counts.entry(ev.kind).or_default() += 1;
            out.not_kept += 1;
            continue;
        }
        ev.account = attribute(&ev, rec, opts.accounts, &mut lower);
        if let Some(k) = out.push_event(ev) {
            c.count_only.push(k);
        }
    }
}

/// The account an event belongs to: the one whose address the SIP `From` names, else the one
/// the record names, else the only candidate.
fn attribute(
    ev: &LogEvent,
    rec: &Record,
    accounts: &[(usize, String)],
    lower: &mut Option<String>,
) -> Option<usize> {
    match accounts {
        [] => return None,
        [(i, _)] => return Some(*i),
        _ => {}
    }
    if let Some(f) = ev.values.get("from_address") {
        let f = f.to_ascii_lowercase();
        if let Some((i, _)) = accounts.iter().find(|(_, a)| *a == f) {
            return Some(*i);
        }
    }
    let text = lower.get_or_insert_with(|| rec.text().to_lowercase());
    let named: Vec<usize> = accounts
        .iter()
        .filter(|(_, a)| text.contains(a.as_str()))
        .map(|(i, _)| *i)
        .collect();
    match named.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// `MM/DD/YYYY|HH:MM:SS.mmm` at the start of a line: the UccApilog record shape.
pub fn uccapilog_stamp(l: &str) -> bool {
    let b = l.as_bytes();
    b.len() >= 23
        && b[2] == b'/'
        && b[5] == b'/'
        && b[10] == b'|'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && [0, 1, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

/// The kind of a log from its first decoded text (a few KiB), if recognisable by content.
pub fn sniff_kind(head: &str) -> Option<SourceKind> {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    if (t.starts_with("<?xml") || t.starts_with("<Events"))
        && (t.contains("<Event ") || t.contains("<Event>"))
        && (t.contains("schemas.microsoft.com/win/2004/08/events/event") || t.contains("<System>"))
    {
        return Some(SourceKind::TracerptXml);
    }
    // One event quoted alone (no `<Events>` wrapper), as documentation and blogs show it.
    if t.starts_with("<Event ") && t.contains("schemas.microsoft.com/win/2004/08/events/event") {
        return Some(SourceKind::TracerptXml);
    }
    let mut lines = t.lines().filter(|l| !l.trim().is_empty());
    if let Some(first) = lines.clone().next() {
        if first.trim_start().starts_with("Event Name,") && first.contains("Clock-Time") {
            return Some(SourceKind::TracerptCsv);
        }
    }
    // A re-saved CSV: the header may have a BOM, a leading column, or follow a title line.
    if lines
        .clone()
        .take(5)
        .any(|l| l.contains("Clock-Time") && super::tracerpt_csv::is_header(l))
    {
        return Some(SourceKind::TracerptCsv);
    }
    if lines.clone().take(50).any(uccapilog_stamp) {
        return Some(SourceKind::Uccapilog);
    }
    // A server CLS / OCSLogger trace (`TL_INFO(…) […]PID.TID::date-time (…)`).
    if lines
        .clone()
        .take(50)
        .any(|l| super::cls::header(l).is_some())
    {
        return Some(SourceKind::Cls);
    }
    if lines.any(|l| super::textlog::netsh_prefix(l).is_some()) {
        return Some(SourceKind::NetshText);
    }
    None
}

/// What a record of `kind` looks like, for the error on a named log that gave none.
pub fn expected_records(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Uccapilog => "lines starting MM/DD/YYYY|HH:MM:SS.mmm",
        SourceKind::TracerptXml => "<Event> elements",
        SourceKind::TracerptCsv => "rows under an 'Event Name, …, Clock-Time' header",
        SourceKind::NetshText => "lines starting [CPU]PID.TID::date time",
        SourceKind::Etl => "ETW buffers",
        SourceKind::Cls => "TL_…(…) […]PID.TID::date-time (…) $$begin_record … $$end_record records",
        _ => "lines starting with a date and time (e.g. 2026-03-02 09:41:00; a time alone is not enough; see --log-time-format)",
    }
}

/// The kind of a log from its file name alone.
pub fn kind_by_name(name: &str) -> Option<SourceKind> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".uccapilog") || n.ends_with(".uccapilog.bak") {
        return Some(SourceKind::Uccapilog);
    }
    if n.ends_with(".etl") {
        return Some(SourceKind::Etl);
    }
    None
}

/// Parse a log of `kind` from `r` (at most what `r` yields: give it `take(len)` for a file that
/// is still being written).
pub fn parse_log(
    r: impl Read + Send,
    kind: SourceKind,
    path: &Path,
    opts: &ParseOptions<'_>,
) -> std::io::Result<LogOutput> {
    if kind == SourceKind::Etl {
        // Binary: read buffer by buffer, never as text.
        let mut out = super::etl::parse(r, path, opts)?;
        out.kind = Some(kind);
        note_not_kept(&mut out);
        return Ok(out);
    }
    let stream = Utf8Stream::new(r)?;
    let encoding = stream.encoding.as_str();
    let mut out = match kind {
        SourceKind::TracerptXml => super::tracerpt_xml::parse(stream, path, opts),
        _ => {
            let mut lines = LineReader::new(stream, LINE_CAP);
            let mut out = match kind {
                SourceKind::Uccapilog => super::uccapilog::parse(&mut lines, path, opts)?,
                SourceKind::TracerptCsv => super::tracerpt_csv::parse(&mut lines, path, opts)?,
                SourceKind::Cls => super::cls::parse(&mut lines, path, opts)?,
                _ => super::textlog::parse(&mut lines, kind, path, opts)?,
            };
            out.truncated_lines = lines.truncated;
            out.lines = lines.line_no;
            out.growing = lines.last_unterminated && lines.line_no > 0;
            out
        }
    };
    out.kind = Some(kind);
    out.encoding = encoding;
    note_not_kept(&mut out);
    Ok(out)
}

fn note_not_kept(out: &mut LogOutput) {
    if out.not_kept > 0 {
        let n = out.not_kept;
        out.note(&format!(
            "{n} routine events (SIP traffic, HTTP statuses, repeated versions) counted but not kept: at most {ROUTINE_CAP} per kind"
        ));
    }
}

/// A naive timestamp from strings, `None` when impossible (month 13, 25 o'clock…).
pub fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<NaiveDateTime> {
    chrono::NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_milli_opt(h, mi, s, ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routine_events_are_counted_but_capped_and_failures_always_kept() {
        let ev = |kind: EventKind, status: &str| LogEvent {
            path: "x".into(),
            line: 1,
            time: None,
            level: None,
            kind,
            marker: "m".into(),
            account: None,
            profile: None,
            excerpt: String::new(),
            values: [("status".to_string(), status.to_string())].into(),
        };
        let mut o = LogOutput::default();
        let mut full = None;
        for _ in 0..ROUTINE_CAP + 10 {
            full = full.or(o.push_event(ev(EventKind::SipRequest, "")));
            o.push_event(ev(EventKind::SipResponse, "480"));
            o.push_event(ev(EventKind::EwsFailure, "401"));
        }
        let n = ROUTINE_CAP + 10;
        assert_eq!(o.counts[&EventKind::SipRequest], n);
        assert_eq!(full, Some(EventKind::SipRequest));
        let kept = |k| o.events.iter().filter(|e| e.kind == k).count() as u64;
        assert_eq!(kept(EventKind::SipRequest), ROUTINE_CAP);
        assert_eq!(kept(EventKind::SipResponse), n, "480s are always kept");
        assert_eq!(kept(EventKind::EwsFailure), n);
        assert_eq!(o.not_kept, 10);
    }

    #[test]
    fn time_zones_parse() {
        assert_eq!(LogTz::parse("UTC"), Ok(LogTz::Utc));
        assert_eq!(LogTz::parse("local"), Ok(LogTz::Local));
        let o = FixedOffset::east_opt(-5 * 3600).expect("offset");
        assert_eq!(LogTz::parse("-05:00"), Ok(LogTz::Fixed(o)));
        assert_eq!(LogTz::parse("-0500"), Ok(LogTz::Fixed(o)));
        assert!(LogTz::parse("CET").is_err());
        assert!(LogTz::parse("+25:00").is_err());
        let t = naive(2026, 3, 2, 9, 41, 0, 0).expect("t");
        assert_eq!(
            LogTz::Fixed(o).resolve(t).expect("r").to_rfc3339(),
            "2026-03-02T09:41:00-05:00"
        );
    }

    #[test]
    fn kinds_by_content() {
        assert_eq!(
            sniff_kind("junk\n03/02/2026|09:41:00.123 1F68:C14 INFO  :: hi\n"),
            Some(SourceKind::Uccapilog)
        );
        assert_eq!(
            sniff_kind("Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\n"),
            Some(SourceKind::TracerptCsv)
        );
        assert_eq!(
            sniff_kind("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Events>\n<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"),
            Some(SourceKind::TracerptXml)
        );
        assert_eq!(sniff_kind("hello world\n"), None);
        assert_eq!(sniff_kind("<?xml version=\"1.0\"?><Envelope/>"), None);
        assert_eq!(
            kind_by_name("Lync-UccApi-0.UccApilog.bak"),
            Some(SourceKind::Uccapilog)
        );
    }
}
