//! `tracerpt file.etl -of CSV` output: a header row (`Event Name, Type, …, Clock-Time, …, User
//! Data`), comma + space separators, payload fields as extra columns (row lengths vary), hex
//! PID/TID, and an `EventTrace, Header` row first. `-en Unicode` output is UTF-16 (handled by
//! the stream). Each data row is one record; the whole row is classified.
//!
//! `Clock-Time` is read as a FILETIME (100 ns ticks since 1601, UTC) only when the value falls
//! in a plausible range; that reading is a heuristic and is noted on the source.

use super::common::{emit, LogOutput, ParseOptions};
use crate::parse::logstream::LineReader;
use crate::parse::markers::{Classifier, Record};
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

fn fields(l: &str) -> Vec<&str> {
    l.split(',')
        .map(|f| {
            let f = f.trim();
            f.strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(f)
        })
        .collect()
}

pub fn parse<R: Read>(
    lines: &mut LineReader<R>,
    path: &Path,
    opts: &ParseOptions<'_>,
) -> std::io::Result<LogOutput> {
    let mut out = LogOutput::default();
    let mut c = Classifier::new(opts.markers);
    let mut rec = Record::default();
    let mut hits = Vec::new();
    // Column positions: (Clock-Time, TID, Level, Type).
    type Cols = (Option<usize>, Option<usize>, Option<usize>, Option<usize>);
    let mut cols: Option<Cols> = None;
    let mut bad_clock = false;
    while let Some((no, l)) = lines.next_line()? {
        if l.trim().is_empty() {
            continue;
        }
        let f = fields(l);
        let Some((clock, tid, level, typ)) = cols else {
            if f.first()
                .is_some_and(|x| x.trim_start_matches('\u{feff}') == "Event Name")
            {
                let at = |n: &str| f.iter().position(|x| x.eq_ignore_ascii_case(n));
                cols = Some((at("Clock-Time"), at("TID"), at("Level"), at("Type")));
            } else {
                out.skipped += 1;
            }
            continue;
        };
        if f.first() == Some(&"EventTrace") && f.get(1) == Some(&"Header") {
            out.skipped += 1;
            continue;
        }
        rec.clear();
        out.records += 1;
        rec.time = clock
            .and_then(|i| f.get(i))
            .and_then(|v| v.parse::<u64>().ok())
            .and_then(filetime);
        if rec.time.is_none() {
            bad_clock = true;
        }
        out.see_time(rec.time);
        rec.thread = tid.and_then(|i| f.get(i)).map(|s| s.to_string());
        rec.level = typ
            .and_then(|i| f.get(i))
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()))
            .or_else(|| level.and_then(|i| f.get(i)))
            .map(|s| s.to_ascii_uppercase());
        rec.push(no, l);
        emit(&mut c, &rec, &mut hits, path, opts, &mut out);
    }
    out.note("Clock-Time read as FILETIME (UTC) when plausible (heuristic)");
    if bad_clock {
        out.note("some Clock-Time values are not plausible FILETIMEs: those rows have no time");
    }
    if cols.is_none() {
        out.problems
            .push("no 'Event Name, Type, …' header row found".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, SourceKind};
    use crate::parse::logs::{parse_log, ParseOptions};
    use crate::parse::markers::Markers;

    pub const HEADER: &str = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data";

    #[test]
    fn rows_times_and_the_header_event() {
        // 2026-03-02T09:41:00Z as FILETIME.
        let ft = (1_772_444_460u64) * 10_000_000 + FT_UNIX;
        let s = format!(
            "{HEADER}\r\nEventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , {ft}, 0, 0, 65536\r\nLync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, \"EWS SendItem https://mail.contoso.com/EWS/Exchange.asmx\", \"status=401\"\r\nLync, Info, 11, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , 42, 10, 20, lost 401 packets\r\n"
        );
        let m = Markers::builtin().expect("m");
        let opts = ParseOptions::utc(&m);
        let o = parse_log(
            s.as_bytes(),
            SourceKind::TracerptCsv,
            Path::new("t.csv"),
            &opts,
        )
        .expect("parse");
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
}
