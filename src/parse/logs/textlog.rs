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

/// Timestamp shapes tried when no format is given. The 12-hour shapes come before the 24-hour
/// ones of the same date, so a trailing `PM` is read, not left in the message.
pub const DEFAULT_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%m/%d/%Y-%H:%M:%S%.f",
    "%m/%d/%Y %I:%M:%S%.f %p",
    "%m/%d/%Y %H:%M:%S%.f",
    "%m/%d/%Y|%H:%M:%S%.f",
    "%Y/%m/%d %p %I:%M:%S%.f",
    "%Y/%m/%d %I:%M:%S%.f %p",
    "%Y/%m/%d %H:%M:%S%.f",
    "%d.%m.%Y %H:%M:%S%.f",
];

/// [`DEFAULT_FORMATS`] with the space-separated slash dates read day first (`dd/mm/yyyy`): used
/// in a log whose slash dates were found to be day-first (see [`SlashOrder`]). The
/// `|` and `-` shapes (UccApilog, CLS) are month-first by their layout and stay so.
pub const DAY_FIRST_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%m/%d/%Y-%H:%M:%S%.f",
    "%d/%m/%Y %I:%M:%S%.f %p",
    "%d/%m/%Y %H:%M:%S%.f",
    "%m/%d/%Y|%H:%M:%S%.f",
    "%Y/%m/%d %p %I:%M:%S%.f",
    "%Y/%m/%d %I:%M:%S%.f %p",
    "%Y/%m/%d %H:%M:%S%.f",
    "%d.%m.%Y %H:%M:%S%.f",
];

/// Said when a slash date with both numbers 12 or under is read before any date of the log
/// told the order.
pub const SLASH_GUESS: &str = "slash dates (02/03/2026) read month first: a guess, no date before them in this log had a number over 12";
/// Said when a slash date's first number is over 12 (`15/03/2026`).
pub const SLASH_DAY_FIRST: &str = "slash dates read day first (dd/mm/yyyy) from the first one whose first number is over 12 on (dates before it read month first)";
/// Said when a slash date's second number is over 12 (`03/15/2026`).
pub const SLASH_MONTH_FIRST: &str =
    "slash dates read month first (mm/dd/yyyy): a date in this log has a second number over 12";
/// Said when a log has slash dates of both kinds.
pub const SLASH_CONFLICT: &str = "slash dates conflict: some have a first number over 12, some a second; each read in the order it fits";

/// The order of `a/b/yyyy` dates in a text log, as far as its records so far tell (the
/// mailbox reader decides the same from a whole file: a first number over 12 means day first,
/// a second month first). A log is streamed, so the order is settled by the first date that
/// tells it, and dates before that one are read month first (noted as a guess).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SlashOrder {
    #[default]
    Unknown,
    DayFirst,
    MonthFirst,
    Conflict,
}

/// What a record start's slash date (`a/b/yyyy ` at the start of the stamp) tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slash {
    Ambiguous,
    DayFirst,
    MonthFirst,
}

/// The numbers of a leading `a/b/yyyy ` date (LRM marks and `[` ignored).
fn slash_date(body: &str) -> Option<Slash> {
    let head: String = body.chars().take(16).filter(|&c| c != '\u{200e}').collect();
    let head = head.trim_start_matches('[');
    let (a, b, after_year) = crate::parse::text::slash_date_numbers(head)?;
    if !after_year.starts_with(' ') {
        return None;
    }
    Some(match (a > 12, b > 12) {
        (true, false) => Slash::DayFirst,
        (false, true) => Slash::MonthFirst,
        _ => Slash::Ambiguous,
    })
}

/// Said on a log whose stamps carry a 12-hour marker (`9:59:51 PM`, `午後 9:59:51`).
pub const TWELVE_HOUR: &str = "time stamps with a 12-hour marker (AM/PM after the time, 午前/午後 before it) read on a 12-hour clock (heuristic: a dump written in the machine's locale)";

/// Said on a log whose stamps are dotted dates (`02.03.2026`).
pub const DOTTED_DAY_FIRST: &str = "dotted dates (02.03.2026) read day first, as dd.mm.yyyy (heuristic: a dump written in the machine's locale)";

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
    leading_stamp_read(s, formats).map(|r| (r.time, r.zone, r.rest))
}

/// A stamp read by [`leading_stamp_read`], with how it was read.
#[derive(Debug)]
pub struct Stamp {
    pub time: NaiveDateTime,
    pub zone: Option<FixedOffset>,
    pub rest: String,
    /// A 12-hour marker was applied.
    pub twelve_hour: bool,
    /// The date was dotted (`dd.mm.yyyy`).
    pub dotted: bool,
}

/// [`leading_stamp`], telling which locale shapes were applied.
pub fn leading_stamp_read(s: &str, formats: &[&str]) -> Option<Stamp> {
    // netsh writes U+200E (left-to-right marks) inside dates; a Japanese locale writes 午前/午後
    // (read as AM/PM). `ends[i]`: the byte offset in `s` just past what byte `i` of `clean`
    // stands for.
    let mut clean = String::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut it = s.char_indices().peekable();
    let mut n = 0;
    while let Some((i, ch)) = it.next() {
        if n >= 64 {
            break;
        }
        n += 1;
        if ch == '\u{200e}' {
            continue;
        }
        let marker = match (ch, it.peek().map(|p| p.1)) {
            ('午', Some('前')) => Some("AM"),
            ('午', Some('後')) => Some("PM"),
            _ => None,
        };
        match marker {
            Some(ap) => {
                let end = it.next().map_or(s.len(), |(j, c)| j + c.len_utf8());
                n += 1;
                ends.extend(std::iter::repeat_n(end, ap.len()));
                clean.push_str(ap);
            }
            None => {
                ends.extend(std::iter::repeat_n(i + ch.len_utf8(), ch.len_utf8()));
                clean.push(ch);
            }
        }
    }
    let head = clean.trim_start_matches('[');
    for f in formats {
        if let Ok((t, rest)) = NaiveDateTime::parse_and_remainder(head, f) {
            let zone = crate::parse::stamp::zone_prefix(rest);
            let rest = &rest[zone.map_or(0, |z| z.1)..];
            let used = clean.len() - rest.len();
            let idx = match used {
                0 => 0,
                u => ends.get(u - 1).copied().unwrap_or(s.len()),
            };
            let rest = s.get(idx..).unwrap_or("");
            let rest = rest
                .trim_start_matches(['\u{200e}', ']'])
                .trim_start()
                .to_string();
            return Some(Stamp {
                time: t,
                zone: zone.map(|z| z.0),
                rest,
                twelve_hour: f.contains("%p"),
                dotted: f.starts_with("%d."),
            });
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
    /// Read by a locale shape of [`DEFAULT_FORMATS`]: the note to add.
    locale: Option<&'static str>,
    /// What its slash date tells of the order (no `--log-time-format`).
    slash: Option<Slash>,
}

/// The record splitter as a value that can be saved at a record start and resumed (a log that
/// grows is read on from its last record: `source::tail`). [`parse`] reads through it too, so a
/// whole read and a resumed one split alike. Counts go into the caller's [`LogOutput`].
#[derive(Debug, Clone)]
pub struct Splitter {
    kind: SourceKind,
    rec: Record,
    order: SlashOrder,
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
            rec: Record::with_probe(Some(opts.markers.cut_probe())),
            order: SlashOrder::Unknown,
        }
    }

    /// The record `l` starts, if it starts one.
    pub fn start_of<'l>(&self, l: &'l str, opts: &ParseOptions<'_>) -> Option<Start<'l>> {
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
        let slash = match opts.time_format {
            Some(_) => None,
            None => slash_date(body),
        };
        let day_first = match slash {
            Some(Slash::DayFirst) => true,
            Some(Slash::MonthFirst) => false,
            _ => self.order == SlashOrder::DayFirst,
        };
        let formats: &[&str] = match opts.time_format.as_slice() {
            [] if day_first => DAY_FIRST_FORMATS,
            [] => DEFAULT_FORMATS,
            user => user,
        };
        let st = leading_stamp_read(body, formats)?;
        let locale = match (opts.time_format.is_none(), st.twelve_hour, st.dotted) {
            (false, _, _) => None,
            (true, true, _) => Some(TWELVE_HOUR),
            (true, _, true) => Some(DOTTED_DAY_FIRST),
            _ => None,
        };
        Some(Start {
            level,
            thread,
            time: st.time,
            zone: st.zone,
            message: st.rest,
            locale,
            slash,
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
        if let Some(n) = s.locale {
            out.note(n);
        }
        if let Some(sl) = s.slash {
            self.order = match (self.order, sl) {
                (SlashOrder::Unknown, Slash::Ambiguous) => {
                    out.note(SLASH_GUESS);
                    SlashOrder::Unknown
                }
                (SlashOrder::Unknown | SlashOrder::DayFirst, Slash::DayFirst) => {
                    out.note(SLASH_DAY_FIRST);
                    SlashOrder::DayFirst
                }
                (SlashOrder::Unknown | SlashOrder::MonthFirst, Slash::MonthFirst) => {
                    out.note(SLASH_MONTH_FIRST);
                    SlashOrder::MonthFirst
                }
                (SlashOrder::DayFirst, Slash::MonthFirst)
                | (SlashOrder::MonthFirst, Slash::DayFirst)
                | (SlashOrder::Conflict, Slash::DayFirst | Slash::MonthFirst) => {
                    out.note(SLASH_CONFLICT);
                    SlashOrder::Conflict
                }
                (o, Slash::Ambiguous) => o,
            };
        }
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

    fn netsh_utc(s: &str) -> LogOutput {
        let m = Markers::builtin().expect("m");
        let opts = ParseOptions::utc(&m);
        parse_log(
            s.as_bytes(),
            SourceKind::NetshText,
            Path::new("n.txt"),
            &opts,
        )
        .expect("parse")
    }

    const E401: &str =
        "EWS POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized";

    #[test]
    fn netsh_dotted_dates_read_day_first_and_labelled() {
        let o = netsh_utc(&format!(
            "[0]0E2C.1A1C::02.03.2026 09:00:00.1234567 [Microsoft-Lync]start\r\n[0]0E2C.1A1C::15.03.2026 09:59:51.1234567 [Microsoft-Lync]{E401}\r\n"
        ));
        assert_eq!((o.records, o.skipped), (2, 0));
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-02T09:00:00.123456700+00:00")
        );
        assert_eq!(
            o.last.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-15T09:59:51.123456700+00:00")
        );
        assert!(
            o.notes.iter().any(|n| n == DOTTED_DAY_FIRST),
            "{:?}",
            o.notes
        );
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("401");
        assert_eq!(f.values["status"], "401");
    }

    #[test]
    fn netsh_twelve_hour_markers_are_applied_and_labelled() {
        // en-US: the marker after the time; ja-JP: 午前/午後 before it.
        for (stamp, want) in [
            (
                "3/2/2026 9:59:51.1234567 PM",
                "2026-03-02T21:59:51.123456700+00:00",
            ),
            ("3/2/2026 12:05:00 AM", "2026-03-02T00:05:00+00:00"),
            (
                "2026/03/02 午後 9:59:51.1234567",
                "2026-03-02T21:59:51.123456700+00:00",
            ),
            ("2026/03/02 午前 9:59:51", "2026-03-02T09:59:51+00:00"),
            (
                "\u{200e}2026/\u{200e}03/\u{200e}02 午後 1:00:00",
                "2026-03-02T13:00:00+00:00",
            ),
        ] {
            let o = netsh_utc(&format!("[0]0E2C.1A1C::{stamp} [Microsoft-Lync]{E401}\n"));
            assert_eq!(o.records, 1, "{stamp}");
            assert_eq!(
                o.first.map(|t| t.to_rfc3339()).as_deref(),
                Some(want),
                "{stamp}"
            );
            assert!(
                o.notes.iter().any(|n| n == TWELVE_HOUR),
                "{stamp}: {:?}",
                o.notes
            );
            let f = o
                .events
                .iter()
                .find(|e| e.kind == EventKind::EwsFailure)
                .expect("401");
            // The marker is not left at the start of the message.
            assert!(
                !f.excerpt.contains("PM") && !f.excerpt.contains('午'),
                "{}",
                f.excerpt
            );
        }
        // A 24-hour stamp carries no such note.
        let o = netsh_utc("[0]0E2C.1A1C::2026-03-02 21:59:51 [Microsoft-Lync]start\n");
        assert_eq!(o.records, 1);
        assert!(!o
            .notes
            .iter()
            .any(|n| n == TWELVE_HOUR || n == DOTTED_DAY_FIRST));
    }

    #[test]
    fn slash_date_order_from_the_log() {
        // en-GB: 2 March, both numbers 12 or under: read month first, labelled a guess.
        let o = netsh_utc(&format!(
            "[0]0E2C.1A1C::02/03/2026 09:59:51.1234567 [Microsoft-Lync]{E401}\n"
        ));
        assert_eq!(o.records, 1);
        assert!(o.notes.iter().any(|n| n == SLASH_GUESS), "{:?}", o.notes);
        // A first number over 12 makes the dates day first from there on: 15 March, then
        // 02/04 is 2 April (read month first it would be 4 February).
        let o = netsh_utc(&format!(
            "[0]0E2C.1A1C::15/03/2026 09:00:00 [Microsoft-Lync]start\n[0]0E2C.1A1C::02/04/2026 09:59:51 [Microsoft-Lync]{E401}\n"
        ));
        assert_eq!((o.records, o.skipped), (2, 0));
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-15T09:00:00+00:00")
        );
        assert_eq!(
            o.last.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-04-02T09:59:51+00:00")
        );
        assert!(
            o.notes.iter().any(|n| n == SLASH_DAY_FIRST),
            "{:?}",
            o.notes
        );
        assert!(!o.notes.iter().any(|n| n == SLASH_GUESS), "{:?}", o.notes);
        // A second number over 12: month first, said so.
        let o = netsh_utc("[0]0E2C.1A1C::03/15/2026 09:00:00 [Microsoft-Lync]start\n");
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-15T09:00:00+00:00")
        );
        assert!(
            o.notes.iter().any(|n| n == SLASH_MONTH_FIRST),
            "{:?}",
            o.notes
        );
        // Both kinds: each read in the order it fits, the conflict said.
        let o = netsh_utc(
            "[0]0E2C.1A1C::15/03/2026 09:00:00 [Microsoft-Lync]a\n[0]0E2C.1A1C::03/16/2026 09:00:00 [Microsoft-Lync]b\n",
        );
        assert_eq!(o.records, 2);
        assert!(o.notes.iter().any(|n| n == SLASH_CONFLICT), "{:?}", o.notes);
        // A plain text log too, and a given --log-time-format is never second-guessed.
        let m = Markers::builtin().expect("m");
        let s = "15/03/2026 09:00:00 a\n02/04/2026 10:00:00 b\n";
        let o = parse_log(
            s.as_bytes(),
            SourceKind::TextLog,
            Path::new("t.log"),
            &ParseOptions::utc(&m),
        )
        .expect("parse");
        assert_eq!(
            o.last.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-04-02T10:00:00+00:00")
        );
        let opts = ParseOptions {
            time_format: Some("%m/%d/%Y %H:%M:%S"),
            ..ParseOptions::utc(&m)
        };
        let o = parse_log(
            "02/04/2026 10:00:00 b\n".as_bytes(),
            SourceKind::TextLog,
            Path::new("t.log"),
            &opts,
        )
        .expect("parse");
        assert_eq!(
            o.last.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-02-04T10:00:00+00:00")
        );
        assert!(
            !o.notes.iter().any(|n| n.starts_with("slash dates")),
            "{:?}",
            o.notes
        );
    }
}
