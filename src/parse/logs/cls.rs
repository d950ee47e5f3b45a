//! Lync / Skype for Business Server CLS and OCSLogger text traces (the `cls` log kind).
//!
//! A record header line: `TL_<LEVEL>(<FLAG>) [<bracket>]<PID>.<TID>::MM/DD/YYYY-HH:MM:SS.mmm.<seq>
//! (<Component>,<Function>:<file>(<line>)) …`. The bracket holds `machine\instance` in Skype for
//! Business Server 2015 traces and a number (`[0]`) in Lync 2010 ones. A header ending in
//! `$$begin_record` opens a multi-line record (`Severity:`, `Text:`, `Result-Code:`,
//! `Start-Line:`, SIP headers, `ms-diagnostics:` …) closed by `$$end_record`; lines after a
//! header without it continue that header's record until the next header.
//!
//! Events come from the markers (`assets/markers.toml`: `cls-*`, the SIP and `ms-diagnostics`
//! markers). Every event carries `trace` = `server`: a server trace shows many clients, never
//! the user's own (see the `client-build-unsupported` and `clients-seen` rules).
//!
//! The time stamps carry no zone: they are read with `--log-tz` (heuristic: whether servers
//! write UTC or local time is not attested here; a real sample would settle it).

use super::common::{emit, naive, LogOutput, ParseOptions};
use crate::parse::logstream::LineReader;
use crate::parse::markers::{Classifier, Hit, Record};
use regex::Regex;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

fn header_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"^TL_(?P<level>[A-Z]+)\((?P<flag>[A-Za-z0-9_]+)\)\s*\[(?P<bracket>[^\]\r\n]{0,256})\](?P<pid>[0-9A-Fa-f]{1,8})\.(?P<tid>[0-9A-Fa-f]{1,8})::(?P<mo>\d{2})/(?P<d>\d{2})/(?P<y>\d{4})-(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})(?:\.(?P<ms>\d{1,3}))?(?:\.[0-9A-Fa-f]+)?",
        )
        .ok()
    })
    .as_ref()
}

/// One record header, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// `ERROR`, `WARN`, `INFO`, `VERBOSE` (as written after `TL_`).
    pub level: &'a str,
    pub bracket: &'a str,
    pub thread: String,
    pub time: Option<chrono::NaiveDateTime>,
    pub component: Option<&'a str>,
    pub function: Option<&'a str>,
    /// Whether the line opens a multi-line record (`$$begin_record`).
    pub begins: bool,
}

/// The `(Component,Function:file(line))` group at the start of `s`, if any.
fn origin(s: &str) -> Option<(&str, &str)> {
    let inner = s.trim_start().strip_prefix('(')?;
    // The group closes at the parenthesis that balances the opening one.
    let mut depth = 1usize;
    let mut end = None;
    for (i, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let body = &inner[..end?];
    let (component, rest) = body.split_once(',')?;
    // `SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(833)`: the function ends at the last
    // single `:` before the file name.
    let function = match rest.rfind(':') {
        Some(i) if i > 0 && rest.as_bytes()[i - 1] != b':' => &rest[..i],
        _ => rest,
    };
    Some((component.trim(), function.trim()))
}

/// A CLS / OCSLogger record header, if `l` is one.
pub fn header(l: &str) -> Option<Header<'_>> {
    // What the anchored pattern starts with, checked first: most lines are not headers.
    if !l.starts_with("TL_") {
        return None;
    }
    let c = header_re()?.captures(l)?;
    let g = |n: &str| c.name(n).map_or("", |m| m.as_str());
    let num = |n: &str| g(n).parse::<u32>().ok();
    let ms = match c.name("ms") {
        Some(m) => {
            let v: u32 = m.as_str().parse().ok()?;
            v * 10u32.pow(3 - m.as_str().len() as u32)
        }
        None => 0,
    };
    let time = naive(
        g("y").parse().ok()?,
        num("mo")?,
        num("d")?,
        num("h")?,
        num("mi")?,
        num("s")?,
        ms,
    );
    let end = c.get(0)?.end();
    let rest = &l[end..];
    let (component, function) = match origin(rest) {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    Some(Header {
        level: c.name("level")?.as_str(),
        bracket: c.name("bracket")?.as_str(),
        thread: format!("{}:{}", g("pid"), g("tid")),
        time,
        component,
        function,
        begins: l.trim_end().ends_with("$$begin_record"),
    })
}

/// The level word spoolscope shows for `TL_<level>`.
fn level_word(l: &str) -> String {
    match l {
        "WARNING" => "WARN".into(),
        other => other.to_string(),
    }
}

/// What the current record adds to its events.
#[derive(Debug, Clone, Default)]
struct Meta {
    component: Option<String>,
    function: Option<String>,
    bracket: String,
    direction: Option<String>,
}

/// The record splitter as a value that can be saved at a record start and resumed (a trace that
/// grows is read on from its last record: `source::tail`). [`parse`] reads through it too.
/// Counts go into the caller's [`LogOutput`].
#[derive(Debug, Clone, Default)]
pub struct Splitter {
    rec: Record,
    meta: Meta,
    bad_time: bool,
}

impl Splitter {
    /// A splitter at a log's start whose records ask `probe` about their lines past the cap
    /// (see [`Record::probe`]).
    pub fn armed(probe: crate::parse::logstream::CutProbe) -> Self {
        let mut s = Self::default();
        s.rec.probe = Some(probe);
        s
    }

    /// Classify the record read so far, if any, and give its events the server values (before
    /// a new record starts, and at the end).
    pub fn flush(
        &mut self,
        c: &mut Classifier<'_>,
        hits: &mut Vec<Hit>,
        path: &Path,
        opts: &ParseOptions<'_>,
        out: &mut LogOutput,
    ) {
        if self.rec.is_empty() {
            return;
        }
        let meta = &self.meta;
        emit(c, &self.rec, hits, path, opts, out);
        for e in out.record_events() {
            e.values.insert("trace".into(), "server".into());
            if let Some(v) = &meta.component {
                e.values.insert("component".into(), v.clone());
            }
            if let Some(v) = &meta.function {
                e.values.insert("function".into(), v.clone());
            }
            if !meta.bracket.is_empty() {
                e.values.insert("instance".into(), meta.bracket.clone());
            }
            if let Some(d) = &meta.direction {
                e.values.insert("server_direction".into(), d.clone());
            }
        }
        self.rec.clear();
    }

    /// Start a record at header line `no` (call [`Splitter::flush`] first).
    pub fn start(
        &mut self,
        no: u64,
        l: &str,
        h: &Header<'_>,
        opts: &ParseOptions<'_>,
        out: &mut LogOutput,
    ) {
        let rec = &mut self.rec;
        rec.clear();
        out.records += 1;
        rec.time = h.time.and_then(|t| opts.tz.resolve(t));
        if rec.time.is_none() {
            out.bad_times += 1;
            self.bad_time = true;
        }
        out.see_time(rec.time);
        rec.level = Some(level_word(h.level));
        rec.thread = Some(h.thread.clone());
        self.meta = Meta {
            component: h.component.map(str::to_string),
            function: h.function.map(str::to_string),
            bracket: h.bracket.to_string(),
            direction: None,
        };
        rec.push(no, l);
    }

    /// A line that is no header: part of the current record, or passed over before the first.
    pub fn other(&mut self, no: u64, l: &str, out: &mut LogOutput) {
        if self.rec.is_empty() {
            if !l.trim().is_empty() {
                out.skipped += 1;
            }
            return;
        }
        if let Some(d) = l.trim_start().strip_prefix("Direction:") {
            self.meta.direction = Some(d.trim().to_ascii_lowercase());
        }
        self.rec.push(no, l);
    }

    /// The notes of a trace read to its end (after the last [`Splitter::flush`]).
    pub fn end(&self, out: &mut LogOutput) {
        out.note("CLS/OCSLogger server trace: events are the server's view of many clients, not this user's client");
        out.note("CLS time stamps carry no zone: read with --log-tz (heuristic)");
        if self.bad_time {
            out.note(
                "some record headers have an impossible date or time: kept without a time (bad_times)",
            );
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
    let mut sp = Splitter::armed(opts.markers.cut_probe());
    let mut hits = Vec::new();
    while let Some((no, l)) = lines.next_line()? {
        match header(l) {
            Some(h) => {
                sp.flush(&mut c, &mut hits, path, opts, &mut out);
                sp.start(no, l, &h, opts, &mut out);
            }
            None => sp.other(no, l, &mut out),
        }
    }
    sp.flush(&mut c, &mut hits, path, opts, &mut out);
    sp.end(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_header_shapes_are_taken_apart() {
        let h = header(r"TL_ERROR(TF_DIAG) [sfvedge\sfvedge]0B60.0D6C::03/02/2017-06:30:40.025.00005602 (SIPStack,SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(833)) [3634190282] $$begin_record").expect("2015");
        assert_eq!(h.level, "ERROR");
        assert_eq!(h.bracket, r"sfvedge\sfvedge");
        assert_eq!(h.thread, "0B60:0D6C");
        assert_eq!(
            h.time.map(|t| t.to_string()).as_deref(),
            Some("2017-03-02 06:30:40.025")
        );
        assert_eq!(h.component, Some("SIPStack"));
        assert_eq!(h.function, Some("SIPAdminLog::WriteDiagnosticEvent"));
        assert!(h.begins);
        let h = header("TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record").expect("2010");
        assert_eq!((h.level, h.bracket), ("INFO", "0"));
        assert_eq!(h.function, Some("SIPAdminLog::TraceProtocolRecord"));
        assert!(h.begins);
        assert!(header("[0]06E4.0EB4::01/18/2012-05:00:43.101 no level").is_none());
        let h = header("TL_WARN(TF_COMPONENT) [0]06E4.0EB4::13/45/2012-05:00:43.101 x")
            .expect("bad date");
        assert_eq!(h.time, None);
        assert_eq!(h.component, None);
    }

    #[test]
    fn records_events_and_their_server_values() {
        let s = "noise before\nTL_ERROR(TF_DIAG) [sfvedge\\sfvedge]0B60.0D6C::03/02/2017-06:30:40.025.00005602 (SIPStack,SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(833)) [1] $$begin_record\nSeverity: error\nText: peer certificate mismatch\nResult-Code: 0xc3e93d67 SIPPROXY_E_ROUTING_MSG_CERT_MISMATCH\nDirection: incoming\nStart-Line: OPTIONS sip:edge.fabrikam.com SIP/2.0\nFrom: <sip:edge@fabrikam.com>\nUser-Agent: UCCAPI/4.0.7577.0 OC/4.0.7577.0\n$$end_record\n";
        let m = crate::parse::markers::Markers::builtin().expect("m");
        let opts = ParseOptions::utc(&m);
        let o = crate::parse::logs::parse_log(
            s.as_bytes(),
            crate::model::SourceKind::Cls,
            Path::new("fe.log"),
            &opts,
        )
        .expect("parse");
        assert_eq!((o.records, o.skipped, o.bad_times), (1, 1, 0));
        let by = |marker: &str| {
            o.events
                .iter()
                .find(|e| e.marker == marker)
                .unwrap_or_else(|| panic!("{marker}: {:#?}", o.events))
        };
        let rec = by("cls-error-record");
        assert_eq!((rec.line, rec.level.as_deref()), (2, Some("ERROR")));
        assert_eq!(rec.values["text"], "peer certificate mismatch");
        assert_eq!(rec.values["component"], "SIPStack");
        assert_eq!(rec.values["function"], "SIPAdminLog::WriteDiagnosticEvent");
        assert_eq!(rec.values["instance"], "sfvedge\\sfvedge");
        let rc = by("cls-result-code");
        assert_eq!(rc.line, 5);
        assert_eq!(rc.values["code"], "0xc3e93d67");
        assert_eq!(rc.values["reason"], "SIPPROXY_E_ROUTING_MSG_CERT_MISMATCH");
        let req = by("cls-start-line-request");
        assert_eq!(req.values["method"], "OPTIONS");
        assert_eq!(req.values["from_address"], "edge@fabrikam.com");
        assert_eq!(req.values["server_direction"], "incoming");
        let v = by("client-version-user-agent");
        assert_eq!(v.values["trace"], "server");
        assert!(o.events.iter().all(|e| e.values["trace"] == "server"));
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some("2017-03-02T06:30:40.025+00:00")
        );
    }
}
