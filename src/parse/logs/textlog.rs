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
use chrono::{FixedOffset, NaiveDateTime, TimeZone, Timelike};

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

/// A stamp read by [`leading_stamp_read`], with how it was read.
#[derive(Debug)]
pub struct Stamp {
    /// `None`: a stamp of the right shape whose date or time is impossible (`02/30/2026`,
    /// `25:00:00`): the record is kept without a time (`bad_times`).
    pub time: Option<NaiveDateTime>,
    pub zone: Option<FixedOffset>,
    pub rest: String,
    /// A 12-hour marker was applied.
    pub twelve_hour: bool,
    /// The date was dotted (`dd.mm.yyyy`).
    pub dotted: bool,
}

/// The time stamp at the start of `s`, read with the first of `formats` that fits, with the
/// zone written right after the time (`Z`, `+01:00`, `-0700`) when there is one (such a stamp
/// is an instant: `--log-tz` does not apply to it), and the rest of the line.
///
/// A format's own zone (`%z`, `%:z`) and epoch seconds (`%s`) are instants too. `builtin`:
/// `formats` are the common shapes (not `--log-time-format`, which is read as written), whose
/// fraction may follow a decimal comma as ISO 8601 allows (`09:41:00,123`: log4j, Python
/// `logging`, log4net).
pub fn leading_stamp_read(s: &str, formats: &[&str], builtin: bool) -> Option<Stamp> {
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
    // A format whose shape fits but whose values are impossible: used when none fits whole.
    let mut impossible: Option<(&str, usize)> = None;
    for f in formats {
        let (t, zone, rest) = match read_one(head, f, builtin) {
            StampRead::Time(t, zone, rest) => (Some(t), zone, rest),
            StampRead::Impossible(used) => {
                impossible = impossible.or(Some((f, used)));
                continue;
            }
            StampRead::No => continue,
        };
        return Some(stamp_of(s, &clean, &ends, (t, zone, rest), f));
    }
    let (f, used) = impossible?;
    let rest = &head[used..];
    let zone = crate::parse::stamp::zone_prefix(rest);
    let rest = &rest[zone.map_or(0, |z| z.1)..];
    Some(stamp_of(s, &clean, &ends, (None, None, rest), f))
}

/// What one format makes of the start of a stamp.
enum StampRead<'h> {
    /// The time, its zone and the rest.
    Time(NaiveDateTime, Option<FixedOffset>, &'h str),
    /// The shape fits (the same text with every digit a `1` is read, using this many bytes),
    /// its values do not (a 30 February, a 25th hour).
    Impossible(usize),
    No,
}

/// Read `head` with the chrono format `f` (see [`leading_stamp_read`]).
fn read_one<'h>(head: &'h str, f: &str, builtin: bool) -> StampRead<'h> {
    use chrono::format::{parse_and_remainder, ParseErrorKind, Parsed, StrftimeItems};
    let mut p = Parsed::new();
    let read = parse_and_remainder(&mut p, head, StrftimeItems::new(f)).and_then(|rest| {
        // The format's offset (`%z`) gives the wall time's zone; epoch seconds (`%s`) are an
        // instant, shown in that offset when there is one, else in UTC.
        let off = p.offset.unwrap_or(0);
        let zone = match (p.offset, p.timestamp) {
            (Some(o), _) => FixedOffset::east_opt(o),
            (None, Some(_)) => FixedOffset::east_opt(0),
            (None, None) => None,
        };
        Ok((p.to_naive_datetime_with_offset(off)?, zone, rest))
    });
    match read {
        Ok((mut t, zone, mut rest)) => {
            if builtin && p.nanosecond.is_none() {
                if let Some((nanos, used)) = comma_fraction(rest) {
                    t = t.with_nanosecond(nanos).unwrap_or(t);
                    rest = &rest[used..];
                }
            }
            match zone {
                Some(z) => StampRead::Time(t, Some(z), rest),
                None => {
                    let z = crate::parse::stamp::zone_prefix(rest);
                    StampRead::Time(t, z.map(|z| z.0), &rest[z.map_or(0, |z| z.1)..])
                }
            }
        }
        Err(e)
            if matches!(
                e.kind(),
                ParseErrorKind::OutOfRange | ParseErrorKind::Impossible
            ) =>
        {
            // The same text with every digit a 1 (a valid day, month, hour… of the same
            // width): when that is read, the stamp has the shape and impossible values.
            let ones: String = head
                .chars()
                .map(|c| if c.is_ascii_digit() { '1' } else { c })
                .collect();
            let mut p = Parsed::new();
            match parse_and_remainder(&mut p, &ones, StrftimeItems::new(f))
                .and_then(|rest| p.to_naive_datetime_with_offset(0).map(|_| rest))
            {
                Ok(rest) => StampRead::Impossible(ones.len() - rest.len()),
                Err(_) => StampRead::No,
            }
        }
        Err(_) => StampRead::No,
    }
}

/// `,` and digits at the start of `rest`: the fraction in nanoseconds (digits past the ninth
/// read and dropped) and the bytes used.
fn comma_fraction(rest: &str) -> Option<(u32, usize)> {
    let digits = rest.strip_prefix(',')?;
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    let kept = &digits[..n.min(9)];
    let nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
    Some((nanos, 1 + n))
}

/// The [`Stamp`] read from `s` (`clean` is `s` as read, `ends` maps its bytes back): `rest`
/// is what is left of `clean` after the stamp.
fn stamp_of(
    s: &str,
    clean: &str,
    ends: &[usize],
    (t, zone, rest): (Option<NaiveDateTime>, Option<FixedOffset>, &str),
    f: &str,
) -> Stamp {
    {
        {
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
            Stamp {
                time: t,
                zone,
                rest,
                twelve_hour: f.contains("%p"),
                dotted: f.starts_with("%d."),
            }
        }
    }
}

/// A line that starts a record: what [`Splitter::start`] takes.
#[derive(Debug)]
pub struct Start<'l> {
    level: Option<&'l str>,
    thread: Option<String>,
    /// `None`: an impossible date or time (counted in `bad_times`).
    time: Option<NaiveDateTime>,
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
        let st = leading_stamp_read(body, formats, opts.time_format.is_none())?;
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
        self.rec.time = match (s.time, s.zone) {
            (None, _) => {
                out.bad_times += 1;
                None
            }
            (Some(t), Some(z)) => {
                out.note(ZONED);
                z.from_local_datetime(&t).single()
            }
            (Some(t), None) => opts.tz.resolve(t),
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
#[path = "textlog_tests.rs"]
mod tests;
