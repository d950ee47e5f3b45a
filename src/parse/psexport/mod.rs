//! PowerShell exports an engineer saves: `Export-Csv` (with or without the `#TYPE` line, any
//! delimiter PowerShell offers), `ConvertTo-Json`, and `Format-List` text (`Name : Value` blocks
//! separated by blank lines, long values wrapped onto indented continuation lines). Each becomes
//! a list of records (property → value), then the records say what the file is:
//! `Get-MailboxFolderStatistics`, `Get-CsImConfiguration` / `Get-CsClientPolicy`, or a plain
//! list of items.
//!
//! Microsoft does not publish the exact column sets of these exports, so the column names below
//! are matched loosely (case, spaces and punctuation ignored) and the lists are easy to extend.

use crate::model::{
    ExportFormat, FolderStat, MailItem, MailboxFile, MailboxFileKind, PolicyRecord,
};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use std::path::Path;
mod csv;
mod format_list;
mod format_table;
mod json;

pub use csv::{csv_records, csv_rows, CsvRead};
pub use format_list::{format_list_cut, format_list_records};
pub use format_table::format_table_records;
pub use json::{json_records, JsonError};

/// One record: its 1-based line (when the syntax gives one) and its properties in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub line: Option<u64>,
    pub fields: Vec<(String, String)>,
}

impl Record {
    /// The first value whose normalised key is one of `keys`.
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.fields
                .iter()
                .find(|(name, _)| norm(name) == *k)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.trim().is_empty())
        })
    }

    fn has(&self, keys: &[&str]) -> bool {
        self.fields
            .iter()
            .any(|(n, _)| keys.contains(&norm(n).as_str()))
    }
}

/// A key with case, spaces and punctuation removed: `From: (Address)` → `fromaddress`.
pub fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

const POLICY_KEYS: &[&str] = &[
    "enableofflineim",
    "enableimautoarchiving",
    "enableserverconversationhistory",
];
const STATS_KEYS: &[&str] = &["itemsinfolder", "itemsinfolderandsubfolders"];
const SUBJECT_KEYS: &[&str] = &["subject", "topic", "conversationtopic", "normalizedsubject"];
const CLASS_KEYS: &[&str] = &["itemclass", "messageclass", "class"];
const DATE_KEYS: &[&str] = &[
    "datetimecreated",
    "creationtime",
    "created",
    "createddate",
    "datetimesent",
    "senton",
    "sent",
    "datetimereceived",
    "receivedtime",
    "received",
    "receiveddate",
    "date",
];
const FROM_KEYS: &[&str] = &[
    "fromaddress",
    "fromemailaddress",
    "senderemailaddress",
    "senderaddress",
    "from",
    "sender",
    "fromname",
];
const TO_KEYS: &[&str] = &["toaddress", "torecipients", "to", "recipients", "displayto"];
const ID_KEYS: &[&str] = &["itemid", "id", "entryid"];
const FOLDER_KEYS: &[&str] = &["folder", "foldername", "parentfolder", "folderpath"];
/// Columns that make a file look like mail even without a class or date column.
const MAILISH_KEYS: &[&str] = &[
    "from",
    "sender",
    "to",
    "recipients",
    "fromaddress",
    "senderaddress",
    "toaddress",
    "itemclass",
    "messageclass",
];

// ---------------------------------------------------------------------------------------------
// Times

/// A time as exports write it. Returns the time and, when the reading is a guess, its label.
/// RFC 3339 (EWS), `ConvertTo-Json`'s `/Date(ms)/`, and `Export-Csv`'s culture-dependent forms
/// (`3/1/2026 10:00:00 AM`, `2026-03-01 10:00:00`, `01.03.2026 10:00:00`), the last read as UTC.
pub fn parse_time(v: &str) -> Option<(DateTime<FixedOffset>, Option<&'static str>)> {
    parse_time_in(v, false)
}

/// [`parse_time`], reading `a/b/yyyy` as day/month when `day_first` (see [`slash_date_order`]).
pub fn parse_time_in(
    v: &str,
    day_first: bool,
) -> Option<(DateTime<FixedOffset>, Option<&'static str>)> {
    let v = v.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some((t, None));
    }
    let utc = FixedOffset::east_opt(0)?;
    if let Some(inner) = v
        .trim_start_matches('\\')
        .strip_prefix("/Date(")
        .and_then(|r| r.split(')').next())
    {
        let digits: String = inner
            .chars()
            .enumerate()
            .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
            .map(|(_, c)| c)
            .collect();
        let ms: i64 = digits.parse().ok()?;
        let t = Utc.timestamp_millis_opt(ms).single()?;
        return Some((t.with_timezone(&utc), None));
    }
    const FORMATS: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
    ];
    const DAY_FIRST: &[&str] = &[
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %I:%M:%S %p",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %I:%M %p",
    ];
    let slashed = if day_first { DAY_FIRST } else { &FORMATS[2..6] };
    let formats = FORMATS[..2].iter().chain(slashed).chain(&FORMATS[6..]);
    for f in formats {
        if let Ok(n) = NaiveDateTime::parse_from_str(v, f) {
            return Some((
                utc.from_utc_datetime(&n),
                Some("time-without-zone-read-as-utc"),
            ));
        }
    }
    None
}

/// The order of `a/b/yyyy` dates in one file, decided from the file itself: a first number
/// over 12 means day/month, a second number over 12 month/day. `None`: no such date.
/// Returns (day first, label).
pub fn slash_date_order<'a>(values: impl Iterator<Item = &'a str>) -> Option<(bool, &'static str)> {
    let (mut any, mut dm, mut md) = (false, false, false);
    for v in values {
        let Some((a, b, _)) = super::text::slash_date_numbers(v.trim()) else {
            continue;
        };
        any = true;
        dm |= a > 12;
        md |= b > 12;
    }
    match (any, dm, md) {
        (false, _, _) => None,
        (true, true, false) => Some((true, "date-order-day-month-from-file")),
        (true, false, true) => Some((false, "date-order-month-day-from-file")),
        (true, false, false) => Some((false, "date-order-ambiguous-read-as-month-day")),
        (true, true, true) => Some((false, "date-order-conflicting-read-as-month-day")),
    }
}

/// An item count as exports write it: digits, or digits grouped in threes by one of `,` `.`
/// `'`, a space, U+00A0 or U+202F (as a culture or a spreadsheet formats it: `1,412`,
/// `1.412`, `1'412`). `None` for anything else (a decimal such as `412,0` or `412.0`, a
/// value over `u64`).
pub fn parse_count(v: &str) -> Option<u64> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    let sep = v.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, ',' | '.' | '\'' | ' ' | '\u{a0}' | '\u{202f}') {
        return None;
    }
    let groups: Vec<&str> = v.split(sep).collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let first_ok = (1..=3).contains(&groups[0].len()) && digits(groups[0]);
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3 && digits(g));
    if !first_ok || !rest_ok {
        return None;
    }
    groups.concat().parse().ok()
}

// Syntaxes → records: `csv.rs`, `format_list.rs`, `json.rs`.

// ---------------------------------------------------------------------------------------------
// Records → what the file is

/// The names of the mailbox-evidence properties this module knows, for a cheap first look.
pub fn mentions_known_keys(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["enableofflineim", "enableimautoarchiving", "itemsinfolder"]
        .iter()
        .any(|k| lower.contains(k))
}

/// Text that looks like a PowerShell export of mailbox evidence but cannot be read (one line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// It names mailbox properties but is not valid JSON.
    #[error("looks like a PowerShell ConvertTo-Json export but is {0}")]
    Json(JsonError),
    /// An `Export-Csv` export whose header names mailbox properties but none of whose rows
    /// could be read (the columns it has, squashed to one line).
    #[error(
        "looks like a PowerShell Export-Csv export of mailbox evidence, but none of its {rows} row(s) has as many fields as its header (columns: {columns})"
    )]
    RowsUnreadable { rows: u64, columns: String },
    /// An export of mailbox evidence whose only record is cut short (no line ending after it,
    /// or an open quote at the end).
    #[error(
        "looks like a PowerShell {syntax} export of mailbox evidence, but it ends inside its only record (line {line}; cut short?), so nothing was read"
    )]
    CutShort { syntax: &'static str, line: u64 },
    /// A list of mail items without the column a rule needs (the columns it has, squashed to
    /// one line).
    #[error(
        "looks like a list of mail items but has no {missing} column to judge it by (columns: {columns})"
    )]
    Unjudgeable {
        missing: &'static str,
        columns: String,
    },
}

/// Try every PowerShell syntax on decoded text. `Ok(None)`: not mailbox evidence.
/// `Err`: it looks like mailbox evidence but cannot be read (the reason, one line).
pub fn parse_export(path: &Path, text: &str) -> Result<Option<MailboxFile>, ExportError> {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if t.is_empty() {
        return Ok(None);
    }
    if t.starts_with('[') || t.starts_with('{') {
        return match json_records(t) {
            Ok(recs) => Ok(classify(path, ExportFormat::Json, recs, 0)?),
            Err(e) if mentions_known_keys(t) || json_item_like(t) => Err(ExportError::Json(e)),
            Err(_) => Ok(None),
        };
    }
    if t.starts_with('<') {
        return Ok(None);
    }
    // Format-List: a known property at the start of a line, followed by " : ".
    // Line numbers count from the real start of the text.
    let whole = text.trim_start_matches('\u{feff}');
    let mut fl = format_list_records(whole);
    if fl.iter().any(|r| r.has(POLICY_KEYS) || r.has(STATS_KEYS)) || format_list_item_list(whole) {
        // The last line has no line ending: its value may be cut, so its record is not read.
        let cut = format_list_cut(whole).then(|| fl.pop()).flatten();
        let mut f = classify(path, ExportFormat::FormatList, fl, 0)?;
        if let (None, Some(r)) = (&f, &cut) {
            return Err(ExportError::CutShort {
                syntax: "Format-List",
                line: r.line.unwrap_or(0),
            });
        }
        if let (Some(f), Some(r)) = (f.as_mut(), cut) {
            f.heuristics.push("last-record-cut-not-read".into());
            f.problems.push(format!(
                "ends inside its last record (line {}) without a line ending (cut short?); that record was not read",
                r.line.unwrap_or(0)
            ));
        }
        return Ok(f);
    }
    // Format-Table: a header naming mailbox properties over a line of dash runs.
    let ft = format_table_records(whole);
    if ft.iter().any(|r| r.has(POLICY_KEYS) || r.has(STATS_KEYS)) {
        let mut ft = ft;
        // A last row without its line ending may be cut inside its last value.
        let last_line = whole.lines().count() as u64;
        let cut = (format_list_cut(whole) && ft.last().and_then(|r| r.line) == Some(last_line))
            .then(|| ft.pop())
            .flatten();
        let mut f = classify(path, ExportFormat::FormatTable, ft, 0)?;
        if let (None, Some(r)) = (&f, &cut) {
            return Err(ExportError::CutShort {
                syntax: "Format-Table",
                line: r.line.unwrap_or(0),
            });
        }
        if let Some(f) = f.as_mut() {
            f.heuristics.push("format-table-columns-by-position".into());
            if let Some(r) = cut {
                f.heuristics.push("last-record-cut-not-read".into());
                f.problems.push(format!(
                    "ends inside its last row (line {}) without a line ending (cut short?); that row was not read",
                    r.line.unwrap_or(0)
                ));
            }
        }
        return Ok(f);
    }
    if let Some(read) = csv_records(whole) {
        let known = |keys: &[&str]| read.header.iter().any(|h| keys.contains(&norm(h).as_str()));
        let mailbox_header = known(POLICY_KEYS) || known(STATS_KEYS) || known(SUBJECT_KEYS);
        let (bad, rejoined, cut) = (read.bad, read.rejoined, read.cut);
        let mut f = match classify(path, ExportFormat::Csv, read.records, bad) {
            Ok(Some(f)) => f,
            Ok(None) if mailbox_header && cut && bad == 0 => {
                return Err(ExportError::CutShort {
                    syntax: "Export-Csv",
                    line: read.cut_line,
                })
            }
            Ok(None) if mailbox_header && bad > 0 => {
                return Err(ExportError::RowsUnreadable {
                    rows: bad,
                    columns: super::text::squash(&read.header.join(", "), 300),
                })
            }
            other => return other,
        };
        if read.type_line {
            f.heuristics.push("export-csv-type-line".into());
        }
        if rejoined > 0 {
            f.heuristics.push("csv-unquoted-size-rejoined".into());
        }
        if cut {
            f.heuristics.push("last-record-cut-not-read".into());
            f.problems.push(
                "ends inside its last row (an open quote, or no line ending: cut short?); that row was not read"
                    .into(),
            );
        }
        return Ok(Some(f));
    }
    Ok(None)
}

/// Whether text is a `Format-List` list of items: a subject property written the way
/// `Format-List` writes it, the name padded and followed by ` : ` (a mail header such as
/// `Subject: x` is not), and an item-class or date property in the same way.
pub fn format_list_item_list(text: &str) -> bool {
    let fl_key = |l: &str, keys: &[&str]| {
        let Some((k, _)) = l.split_once(" :") else {
            return false;
        };
        !k.starts_with([' ', '\t'])
            && keys.contains(&norm(k).as_str())
            && norm(k).len() == k.trim().len()
    };
    let mut lines = text.lines().take(200);
    let mut subject = false;
    let mut other = false;
    for l in lines.by_ref() {
        subject |= fl_key(l, SUBJECT_KEYS);
        other |= fl_key(l, CLASS_KEYS) || fl_key(l, DATE_KEYS);
        if subject && other {
            return true;
        }
    }
    false
}

fn json_item_like(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.contains("\"subject\"") && (l.contains("class\"") || l.contains("\"datetime"))
}

fn classify(
    path: &Path,
    format: ExportFormat,
    recs: Vec<Record>,
    bad: u64,
) -> Result<Option<MailboxFile>, ExportError> {
    let columns = || -> String {
        let mut seen: Vec<&str> = Vec::new();
        for r in &recs {
            for (k, _) in &r.fields {
                if !seen.contains(&k.as_str()) {
                    seen.push(k);
                }
            }
        }
        let mut s = seen.iter().take(12).copied().collect::<Vec<_>>().join(", ");
        if seen.len() > 12 {
            s.push_str(", …");
        }
        // A quoted header may hold line breaks: the error stays one line (found by fuzzing).
        super::text::squash(&s, 300)
    };
    let policy = recs.iter().any(|r| r.has(POLICY_KEYS));
    if policy || recs.iter().any(|r| r.has(STATS_KEYS)) {
        // Each record is read by its own kind: a transcript can hold a policy and folder
        // statistics (the caller splits such a file into one entry per kind).
        let kind = if policy {
            MailboxFileKind::CsPolicy
        } else {
            MailboxFileKind::FolderStats
        };
        let mut f = MailboxFile::new(path, kind, format);
        f.skipped = bad;
        let mut uncounted: Vec<(String, Option<u64>)> = Vec::new();
        for r in recs {
            if r.has(POLICY_KEYS) {
                f.policies.push(PolicyRecord {
                    identity: r.get(&["identity"]).map(str::to_string),
                    values: r.fields.iter().cloned().collect(),
                    line: r.line,
                });
                continue;
            }
            if !r.has(STATS_KEYS) {
                f.skipped += 1;
                continue;
            }
            let raw = r.get(&["itemsinfolder"]);
            let items = raw.and_then(parse_count);
            if let (Some(v), None) = (raw, items) {
                uncounted.push((v.to_string(), r.line));
            }
            f.folders.push(FolderStat {
                id: r.get(&["folderid"]).map(str::to_string),
                name: r.get(&["name"]).map(str::to_string),
                folder_path: r.get(&["folderpath"]).map(str::to_string),
                folder_type: r.get(&["foldertype"]).map(str::to_string),
                items,
                size: r.get(&["foldersize"]).map(str::to_string),
                identity: r.get(&["identity"]).map(str::to_string),
                line: r.line,
            });
        }
        if let Some((v, line)) = uncounted.first() {
            f.heuristics.push("item-count-unreadable".into());
            f.problems.push(format!(
                "{} ItemsInFolder value(s) are not a count read here (first: \"{}\"{}); those folders have no count",
                uncounted.len(),
                super::text::squash(v, 40),
                line.map(|l| format!(", line {l}")).unwrap_or_default()
            ));
        }
        return Ok(Some(f));
    }
    let subject = recs.iter().any(|r| r.has(SUBJECT_KEYS));
    let class_or_date = recs.iter().any(|r| r.has(CLASS_KEYS) || r.has(DATE_KEYS));
    if subject && class_or_date {
        let mut f = MailboxFile::new(path, MailboxFileKind::ItemList, format);
        f.skipped = bad;
        let mut guessed_zone = false;
        let order = slash_date_order(
            recs.iter()
                .flat_map(|r| DATE_KEYS.iter().filter_map(|k| r.get(&[k]))),
        );
        let day_first = order.is_some_and(|(d, _)| d);
        if let Some((_, label)) = order {
            f.heuristics.push(label.into());
        }
        let mut bad_times = 0u64;
        for r in recs {
            let time = |keys: &[&str], guessed: &mut bool, bad: &mut u64| {
                let v = r.get(keys)?;
                match parse_time_in(v, day_first) {
                    Some((t, h)) => {
                        *guessed |= h.is_some();
                        Some(t)
                    }
                    None => {
                        *bad += 1;
                        None
                    }
                }
            };
            let created = time(
                &[
                    "datetimecreated",
                    "creationtime",
                    "created",
                    "createddate",
                    "datetimereceived",
                    "receivedtime",
                    "received",
                    "receiveddate",
                    "date",
                ],
                &mut guessed_zone,
                &mut bad_times,
            );
            let sent = time(
                &["datetimesent", "senton", "sent"],
                &mut guessed_zone,
                &mut bad_times,
            );
            let from = r
                .get(FROM_KEYS)
                .map(|v| super::text::first_address(v).unwrap_or_else(|| v.to_string()));
            let to = r
                .get(TO_KEYS)
                .map(super::text::find_addresses)
                .unwrap_or_default();
            f.items.push(MailItem {
                id: r.get(ID_KEYS).map(str::to_string),
                class: r.get(CLASS_KEYS).map(str::to_string),
                subject: r.get(SUBJECT_KEYS).map(str::to_string),
                created,
                sent,
                from,
                to,
                folder: r.get(FOLDER_KEYS).map(str::to_string),
                is_draft: r.get(&["isdraft"]).and_then(crate::model::parse_bool),
                line: r.line,
                ..MailItem::default()
            });
        }
        if guessed_zone {
            f.heuristics.push("time-without-zone-read-as-utc".into());
        }
        if bad_times > 0 {
            f.bad_times = bad_times;
            f.problems.push(format!(
                "{bad_times} time value(s) could not be read as a time; those items have no time"
            ));
        }
        // A list of items from one folder names it in every row.
        if let Some(first) = f.items.first().and_then(|i| i.folder.clone()) {
            if f.items.iter().all(|i| i.folder.as_ref() == Some(&first)) {
                let n = first.trim().trim_start_matches(['/', '\\']).to_string();
                f.folder = Some(if n.eq_ignore_ascii_case("drafts") {
                    "drafts".into()
                } else {
                    n
                });
                f.folder_source = Some("folder column".into());
            }
        }
        return Ok(Some(f));
    }
    let mailish = recs
        .iter()
        .any(|r| r.has(MAILISH_KEYS) && (r.has(SUBJECT_KEYS) || r.has(CLASS_KEYS)));
    if mailish {
        return Err(ExportError::Unjudgeable {
            missing: if subject {
                "item class or date"
            } else {
                "subject"
            },
            columns: columns(),
        });
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
