//! Other text logs: `netsh trace convert … dump=TXT` output, server-side OCSLogger text, and any
//! log whose records start with a timestamp (a user-given chrono format, else common shapes).
//! A line that does not start a record continues the previous one.
//!
//! The netsh TXT layout used here (`[CPU]PID.TID::date time [provider]message`) is a heuristic
//! from published samples of ETW text dumps; a real client sample would settle it.

use super::common::{emit, LogOutput, ParseOptions};
use crate::model::SourceKind;
use crate::parse::logstream::LineReader;
use crate::parse::markers::{Classifier, Record};
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

pub fn parse<R: Read>(
    lines: &mut LineReader<R>,
    kind: SourceKind,
    path: &Path,
    opts: &ParseOptions<'_>,
) -> std::io::Result<LogOutput> {
    let mut out = LogOutput::bounded(opts.bound);
    let mut c = Classifier::new(opts.markers);
    let mut rec = Record::default();
    let mut hits = Vec::new();
    let user: Vec<&str> = opts.time_format.into_iter().collect();
    let formats: &[&str] = if user.is_empty() {
        DEFAULT_FORMATS
    } else {
        &user
    };
    if user.is_empty() {
        out.note("record timestamps recognised by common shapes (no --log-time-format given)");
    }
    while let Some((no, l)) = lines.next_line()? {
        let (level, thread, body) = match netsh_prefix(l) {
            Some((lv, th, rest)) => (lv.map(str::to_string), Some(th), rest),
            None => (None, None, l),
        };
        let start =
            if thread.is_some() || kind == SourceKind::TextLog || kind == SourceKind::NetshText {
                leading_stamp(body, formats)
            } else {
                None
            };
        match start {
            Some((t, zone, message)) => {
                if !rec.is_empty() {
                    emit(&mut c, &rec, &mut hits, path, opts, &mut out);
                }
                rec.clear();
                out.records += 1;
                rec.time = match zone {
                    Some(z) => {
                        out.note(ZONED);
                        z.from_local_datetime(&t).single()
                    }
                    None => opts.tz.resolve(t),
                };
                out.see_time(rec.time);
                rec.thread = thread;
                rec.level = level;
                rec.push(no, &message);
            }
            None if rec.is_empty() && out.records == 0 => {
                if !l.trim().is_empty() {
                    out.skipped += 1;
                }
            }
            None => rec.push(no, l),
        }
    }
    if !rec.is_empty() {
        emit(&mut c, &rec, &mut hits, path, opts, &mut out);
    }
    Ok(out)
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
