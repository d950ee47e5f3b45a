//! Trace logs: the dispatcher ([`parse_log`]: sniff the kind, hand the stream to its parser)
//! over one parser per format. Parsers share only `common` (options, output, record → events);
//! none of them calls the dispatcher.

pub mod cls;
pub mod common;
pub mod etl;
pub mod fresh;
pub mod textlog;
pub mod tracerpt_csv;
pub mod tracerpt_xml;
pub mod uccapilog;
pub mod workers;
mod xmlcap;

pub use common::{
    emit, naive, uccapilog_stamp, LogOutput, LogTz, LogTzError, ParseOptions, ROUTINE_CAP,
};
pub use fresh::{Fresh, Over, Seen, FRESH_BYTES, FRESH_CAP};

use crate::model::SourceKind;
use crate::parse::logstream::{LineReader, Utf8Stream, LINE_CAP};
use std::io::Read;
use std::path::Path;

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
    // Elements with a namespace prefix (`<e:Events><e:Event>`), told by local name.
    if t.starts_with('<') && tracerpt_xml::sniff_prefixed(t) {
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
        .any(|l| l.contains("Clock-Time") && tracerpt_csv::is_header(l))
    {
        return Some(SourceKind::TracerptCsv);
    }
    if lines.clone().take(50).any(uccapilog_stamp) {
        return Some(SourceKind::Uccapilog);
    }
    // A server CLS / OCSLogger trace (`TL_INFO(…) […]PID.TID::date-time (…)`).
    if lines.clone().take(50).any(|l| cls::header(l).is_some()) {
        return Some(SourceKind::Cls);
    }
    if lines.any(|l| textlog::netsh_prefix(l).is_some()) {
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
    parse_log_shaped(r, kind, path, opts, workers::Shape::for_this_machine())
}

/// [`parse_log`], with a UccApilog split over threads as `shape` says (the output is the same
/// whatever the shape: tests and fuzz targets compare them).
pub fn parse_log_shaped(
    r: impl Read + Send,
    kind: SourceKind,
    path: &Path,
    opts: &ParseOptions<'_>,
    shape: workers::Shape,
) -> std::io::Result<LogOutput> {
    if kind == SourceKind::Etl {
        // Binary: read buffer by buffer, never as text.
        let mut out = etl::parse(r, path, opts)?;
        out.kind = Some(kind);
        note_not_kept(&mut out);
        return Ok(out);
    }
    let stream = Utf8Stream::new(r)?;
    let encoding = stream.encoding.as_str();
    let lone_cr = stream.lone_cr;
    let mut out = match kind {
        SourceKind::TracerptXml => tracerpt_xml::parse(stream, path, opts),
        _ => {
            let mut lines = LineReader::for_stream(stream, LINE_CAP);
            lines.probe = Some(opts.markers.cut_probe());
            let mut out = match kind {
                SourceKind::Uccapilog => uccapilog::parse_with(&mut lines, path, opts, shape)?,
                SourceKind::TracerptCsv => tracerpt_csv::parse(&mut lines, path, opts)?,
                SourceKind::Cls => cls::parse(&mut lines, path, opts)?,
                _ => textlog::parse(&mut lines, kind, path, opts)?,
            };
            end_of_lines(&mut out, &lines);
            out
        }
    };
    out.kind = Some(kind);
    out.encoding = encoding;
    if lone_cr {
        out.note(crate::parse::logstream::LONE_CR_NOTE);
    }
    note_not_kept(&mut out);
    Ok(out)
}

/// What the line reader of a whole read (or a tail's) counted, into `out`, and noted: byte
/// order marks dropped at line starts, UTF-8 text after UTF-16 text (a problem).
pub fn end_of_lines<R: Read>(out: &mut LogOutput, lines: &LineReader<R>) {
    out.truncated_lines = lines.truncated;
    out.lines = lines.line_no;
    out.growing = lines.last_unterminated && lines.line_no > 0;
    if lines.inner_boms > 0 {
        out.note(crate::parse::logstream::INNER_BOM_NOTE);
    }
    if let Some(at) = out.unclassified_hit {
        out.problems
            .push(crate::parse::markers::record_cut_problem(at));
        out.part_unread = true;
    }
    if let Some(at) = lines.cut_unread {
        out.problems
            .push(crate::parse::logstream::cut_unread_problem(at));
        out.part_unread = true;
    }
    if let Some(at) = lines.utf8_after_utf16 {
        // Its last line "has no ending" only because its line ends are UTF-8.
        out.growing = false;
        out.problems
            .push(crate::parse::logstream::utf8_after_utf16_problem(at));
        out.part_unread = true;
    }
}

/// Settle the event store and note what was counted but not kept (once a log is read to its end).
pub fn note_not_kept(out: &mut LogOutput) {
    out.finish();
    note_counted(out);
}

/// The notes of [`note_not_kept`] on an output whose `tallies` are already set (a tail read
/// takes the kept events out of the store itself).
pub fn note_counted(out: &mut LogOutput) {
    let hidden: u64 = out
        .tallies
        .iter()
        .map(crate::model::EventTally::hidden)
        .sum();
    if hidden > 0 {
        let b = out.store.bound();
        out.note(&format!(
            "{hidden} repeated events counted but not kept: per account, kind and values the first {}, the last {} and {} spread over the rest are kept (counts stay exact)",
            b.first, b.last, b.spread
        ));
    }
    if out.not_kept > 0 {
        let n = out.not_kept;
        let cap = out.store.bound().routine;
        out.note(&format!(
            "{n} routine events (SIP traffic, HTTP statuses, repeated versions) counted but not kept: at most {cap} per kind are kept; the rest are counted per account, marker, status and minute, their other values unread"
        ));
    }
}
