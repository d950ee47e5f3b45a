//! Binary Event Trace Log (`.etl`) files, read natively on any OS: no Windows API, no TMF files.
//!
//! A file is a series of buffers ([`container`]); each holds trace records ([`record`]). The
//! first record is the logfile header (session name, original path, clock type and frequency,
//! start/end time, pointer size, events and buffers lost), which gives every time stamp its UTC
//! time. Each event record (WPP message, `EVENT_HEADER` event, classic event) becomes one
//! record for the markers: its printable argument strings and candidate HRESULTs
//! ([`strings`]), one text line each, so an EWS URL with a failure status, a `sip:` address or
//! a `SIP/2.0 480` line in an argument becomes evidence exactly as in a text log. Records the
//! markers do not classify still become one `other` event (`etl-record`), so every record shows.
//!
//! **A heuristic reading.** WPP payloads are undocumented (their format strings live in TMF
//! files that are not public), and TraceLogging/manifest fields are not decoded either: what an
//! event shows is the strings of its argument bytes, labelled [`UNDECODED`].
//!
//! Events carry `line` = the record's number in walk order (the raw view shows one line per
//! record with the same numbers) and `offset` (in `values`, and in the excerpt) = its file offset.

pub mod container;
pub mod record;
pub mod strings;
#[doc(hidden)]
pub mod synth;

#[cfg(test)]
mod tests;

use super::common::{emit, LogOutput, ParseOptions};
use crate::model::{EtlSummary, EventKind, LogEvent};
use crate::parse::markers::{Classifier, Hit, Record};
use container::{Item, Skip};
use record::{Clock, Head, LogfileHeader};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// How every ETL event is labelled: what its text is, and what it is not.
pub const UNDECODED: &str = "undecoded: strings of the event's arguments, no format strings";

/// The marker id of an event no marker classified.
pub const RECORD_MARKER: &str = "etl-record";

/// Whether `head` (the first bytes of a file) is an ETL file: a buffer header that holds
/// together, followed by the logfile header record (a system trace header, hook id 0).
pub fn sniff(head: &[u8]) -> bool {
    let Some(h) = container::BufferHeader::parse(head) else {
        return false;
    };
    let Some(rest) = head.get(container::BUFFER_HEADER..) else {
        return false;
    };
    match record::head(rest) {
        Some(
            r @ Head {
                kind: record::Kind::System(_),
                ..
            },
        ) => {
            container::u16_at(rest, 6) == Some(0)
                && container::BUFFER_HEADER + r.size <= h.filled().max(h.saved_offset as usize)
        }
        _ => false,
    }
}

/// What the parse keeps between records.
struct State<'o, 'm> {
    opts: &'o ParseOptions<'m>,
    path: &'o Path,
    out: LogOutput,
    c: Classifier<'m>,
    rec: Record,
    hits: Vec<Hit>,
    info: EtlSummary,
    header: Option<LogfileHeader>,
    clock: Option<Clock>,
    /// Items seen (records and skipped spans), numbered from 1.
    items: u64,
    /// Event records whose time stamp could not be converted, and why not (for the note).
    no_clock: u64,
    ext_unreadable: u64,
    /// `pid:tid` of the current record (reused).
    thread: String,
}

/// Count one more of `k` (no allocation once the key exists).
fn bump(m: &mut BTreeMap<String, u64>, k: &str) {
    match m.get_mut(k) {
        Some(n) => *n += 1,
        None => {
            m.insert(k.to_string(), 1);
        }
    }
}

fn level_word(l: u8) -> Option<&'static str> {
    Some(match l {
        1 => "CRITICAL",
        2 => "ERROR",
        3 => "WARN",
        4 => "INFO",
        5 => "VERBOSE",
        _ => return None,
    })
}

impl State<'_, '_> {
    fn item(&mut self, it: Item<'_>) {
        self.items += 1;
        match it {
            Item::Skipped { why, .. } => {
                if why == Skip::BadRecords {
                    bump(&mut self.info.records_by_kind, "unreadable");
                }
            }
            Item::Record {
                offset,
                head,
                bytes,
            } => {
                if self.header.is_none() && self.items == 1 {
                    if let Some(h) = record::logfile_header(head, bytes) {
                        self.clock = Some(Clock::from_header(&h));
                        self.header = Some(h);
                    }
                }
                match record::event(head, bytes) {
                    Some(e) => self.event(offset, e),
                    None => {
                        let k = if matches!(
                            head.kind,
                            record::Kind::EventHeader(_)
                                | record::Kind::Message
                                | record::Kind::Classic(_)
                                | record::Kind::Instance(_)
                        ) {
                            "unreadable"
                        } else {
                            head.kind.name()
                        };
                        bump(&mut self.info.records_by_kind, k);
                        if k == "unreadable" {
                            self.out.skipped += 1;
                        }
                    }
                }
            }
        }
    }

    fn event(&mut self, offset: u64, e: record::Event<'_>) {
        let line = self.items;
        self.out.records += 1;
        bump(&mut self.info.records_by_kind, e.class.as_str());
        if e.ext_unreadable {
            self.ext_unreadable += 1;
        }
        let time = match (e.ts, self.clock) {
            (Some(ts), Some(c)) => {
                let t = c.filetime(ts).and_then(record::filetime_utc);
                if t.is_none() {
                    if c.hz.is_some() || c.kind == 2 {
                        self.out.bad_times += 1;
                    } else {
                        self.no_clock += 1;
                    }
                }
                t
            }
            (Some(_), None) => {
                self.no_clock += 1;
                None
            }
            (None, _) => None,
        };
        self.out.see_time(time);
        let (mut lines, hr) = strings::lines(e.payload);
        if e.string_only {
            // `EventWriteString`: the payload is one string, whatever its length.
            let units: Vec<u16> = e
                .payload
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let s = String::from_utf16_lossy(&units).trim().to_string();
            if !s.is_empty() && !lines.contains(&s) {
                lines.insert(0, s);
            }
        }
        self.info.hresult_candidates += hr.len() as u64;

        let rec = &mut self.rec;
        rec.clear();
        rec.time = time;
        rec.set_level(e.level.and_then(level_word));
        let thread = match (e.pid, e.tid) {
            (Some(p), Some(t)) => {
                use std::fmt::Write;
                self.thread.clear();
                let _ = write!(self.thread, "{p}:{t}");
                Some(self.thread.as_str())
            }
            _ => None,
        };
        rec.set_thread(thread);
        for l in &lines {
            rec.push(line, l);
        }
        // Every event seen is kept or counted as not kept: their sum tells whether any came.
        self.out.settle();
        let before_events = self.out.events.len();
        let before_counts = before_events as u64 + self.out.not_kept;
        if !rec.is_empty() {
            emit(
                &mut self.c,
                rec,
                &mut self.hits,
                self.path,
                self.opts,
                &mut self.out,
            );
        }
        let classified = self.out.events.len() as u64 + self.out.not_kept > before_counts;
        if !classified && self.out.would_drop(EventKind::Other, &BTreeMap::new()) {
            // Over the cap for unclassified records: counted, nothing built.
            let unread = crate::model::Unread {
                line,
                time,
                rank: crate::model::minutes::rank_of(self.rec.level.as_deref()),
                account: match self.opts.accounts {
                    [(i, _)] => Some(*i),
                    _ => None,
                },
                kind: EventKind::Other,
                marker: RECORD_MARKER.into(),
                status: None,
            };
            self.out.push_unread(unread, self.opts.profile.as_ref());
            return;
        }
        if classified && self.out.events.len() == before_events {
            return;
        }
        // Only for events that are kept: what identifies the record, and where it is.
        let (values, suffix) = identity(offset, &e, &hr);
        for ev in &mut self.out.events[before_events..] {
            ev.excerpt.push_str(&suffix);
            for (k, v) in &values {
                ev.values.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if classified {
            return;
        }
        let shown = if lines.is_empty() {
            "(no printable strings)".to_string()
        } else {
            crate::parse::text::squash(&lines.join(" | "), 200)
        };
        let account = match self.opts.accounts {
            [(i, _)] => Some(*i),
            _ => None,
        };
        let ev = LogEvent {
            path: self.path.to_path_buf(),
            line,
            time,
            level: self.rec.level.clone(),
            thread: self.rec.thread.clone(),
            kind: EventKind::Other,
            marker: RECORD_MARKER.to_string(),
            account,
            profile: self.opts.profile.clone(),
            excerpt: format!("{shown}{suffix}"),
            values,
        };
        self.out.push_event(ev);
    }

    fn finish(mut self, walk: std::io::Result<container::Walk>) -> std::io::Result<LogOutput> {
        let w = walk?;
        let out = &mut self.out;
        let info = &mut self.info;
        out.lines = self.items;
        info.buffers = w.buffers;
        info.compressed_buffers = w.compressed;
        info.unreadable_buffers = w.bad_buffers;
        info.clock = "unknown".into();
        if let Some(h) = &self.header {
            let c = Clock::from_header(h);
            info.clock = c.name().into();
            info.frequency_hz = c.hz;
            info.logger = h.logger.clone();
            info.log_file = h.log_file.clone();
            info.start = record::filetime_utc(h.start_time);
            info.end = record::filetime_utc(h.end_time);
            info.pointer_size = matches!(h.pointer_size, 4 | 8).then_some(h.pointer_size);
            let [major, minor, ..] = h.version;
            info.os_version = (major > 0).then(|| format!("{major}.{minor}.{}", h.build));
            info.events_lost = u64::from(h.events_lost);
            info.buffers_lost = u64::from(h.buffers_lost);
            if c.hz.is_none() && c.kind != 2 {
                out.note(&format!(
                    "clock type {} in the logfile header is not one this reader knows: record times not converted",
                    h.clock
                ));
            }
            if h.events_lost > 0 || h.buffers_lost > 0 {
                out.note(&format!(
                    "the session lost {} events and {} buffers while logging (logfile header)",
                    h.events_lost, h.buffers_lost
                ));
            }
        } else if w.not_etl.is_none() && self.items > 0 {
            out.note("no logfile header at the start: record times unknown");
        }
        if let Some(why) = &w.not_etl {
            out.problems.push(why.clone());
        }
        if out.records > 0 {
            out.note(
                "a heuristic reading of undocumented payloads: each event shows the printable strings of its arguments and candidate HRESULTs, no format strings (WPP's TMF files are not public)",
            );
        }
        if w.compressed > 0 {
            out.note(&format!(
                "{} compressed buffers skipped (not decompressed)",
                w.compressed
            ));
        }
        if w.bad_buffers > 0 {
            out.note(&format!(
                "{} buffers with an unreadable header skipped",
                w.bad_buffers
            ));
        }
        if w.bad_record_spans > 0 {
            out.note(&format!(
                "{} buffers end in a record header of no known kind: their rest was not read",
                w.bad_record_spans
            ));
        }
        if self.ext_unreadable > 0 {
            out.note(&format!(
                "{} events with extended data that could not be followed: all their bytes were searched for strings",
                self.ext_unreadable
            ));
        }
        if w.flagged_lost > 0 {
            out.note(&format!(
                "{} buffers flagged by the logger as having lost events",
                w.flagged_lost
            ));
        }
        if w.zero_bytes > 0 {
            out.note(&format!(
                "{} bytes of zero-filled buffers (unused space of a preallocated file)",
                w.zero_bytes
            ));
        }
        if self.no_clock > 0 && self.header.is_some() {
            out.note(&format!("{} events have no time", self.no_clock));
        }
        if let Some((at, got, size)) = w.truncated {
            out.problems.push(format!(
                "the file ends inside the buffer at {at:#x} ({got} of {size} bytes): the records after the cut were not read (truncated copy?)"
            ));
        }
        out.skipped += w.compressed + w.bad_buffers + w.bad_record_spans;
        out.encoding = "binary";
        out.etl = Some(std::mem::take(info));
        Ok(self.out)
    }
}

/// The values every event of a record carries (kind, ids, process and thread, file offset,
/// HRESULT candidates, the label) and the excerpt's suffix saying the same in words.
fn identity(
    offset: u64,
    e: &record::Event<'_>,
    hr: &[strings::Hresult],
) -> (BTreeMap<String, String>, String) {
    let mut values = BTreeMap::new();
    values.insert("etl_kind".to_string(), e.class.as_str().to_string());
    values.insert("offset".to_string(), format!("{offset:#x}"));
    let mut id = String::new();
    if let Some(g) = &e.guid {
        let g = record::guid_text(g);
        values.insert("guid".into(), g.clone());
        id = g;
    }
    if let Some(c) = e.component {
        values.insert("component".into(), c.to_string());
        id = format!("component {c}");
    }
    if let Some(m) = e.msg {
        values.insert("msg".into(), m.to_string());
        id.push_str(&format!("#{m}"));
    }
    if let Some((ev, v)) = e.event_id {
        values.insert("event_id".into(), ev.to_string());
        values.insert("event_version".into(), v.to_string());
        id.push_str(&format!(" id {ev}"));
    }
    if let Some(t) = e.class_type {
        values.insert("event_type".into(), t.to_string());
        id.push_str(&format!(" type {t}"));
    }
    if let Some(p) = &e.provider {
        values.insert("provider".into(), p.clone());
        id = format!("{p} {id}");
    }
    if let Some(p) = e.pid {
        values.insert("pid".into(), p.to_string());
    }
    if let Some(t) = e.tid {
        values.insert("tid".into(), t.to_string());
    }
    if !hr.is_empty() {
        let list: Vec<String> = hr.iter().map(|h| format!("{:#010x}", h.value)).collect();
        values.insert("hresult_candidates".into(), list.join(","));
    }
    values.insert("decoding".into(), UNDECODED.to_string());
    let suffix = format!(
        " · etl {} {} @{offset:#x} · {UNDECODED}",
        e.class.as_str(),
        id.trim()
    );
    (values, suffix)
}

/// Read an `.etl` file from `r` (one buffer at a time) into events.
pub fn parse<R: Read>(r: R, path: &Path, opts: &ParseOptions<'_>) -> std::io::Result<LogOutput> {
    let mut st = State {
        opts,
        path,
        out: LogOutput::bounded(opts.bound),
        c: Classifier::new(opts.markers),
        rec: Record::default(),
        hits: Vec::new(),
        info: EtlSummary::default(),
        header: None,
        clock: None,
        items: 0,
        no_clock: 0,
        ext_unreadable: 0,
        thread: String::new(),
    };
    let walk = container::walk(r, &mut |it| st.item(it));
    st.finish(walk)
}

/// The text lines of tracerpt's undecoded payload (`ProcessingErrorData/EventPayload`, hex):
/// the same strings and HRESULT candidates as a native read. Empty when it is not hex.
pub fn payload_lines(hex: &str) -> Vec<String> {
    match strings::from_hex(hex, 64 * 1024) {
        Some(bytes) => strings::lines(&bytes).0,
        None => Vec::new(),
    }
}
