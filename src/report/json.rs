//! The JSON report: the machine contract. `SCHEMA_VERSION` changes when a field changes meaning
//! or disappears; new fields may be added within a version. Documented in the README.

use super::Report;
use crate::model::{
    Account, ClientGen, Clock, Fields, Finding, Item, ItemState, MailboxFile, ScanError, Source,
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub schema_version: u32,
    pub tool: Tool,
    /// The machine and user that produced the report (for merging reports across a fleet).
    pub host: Option<String>,
    pub user: Option<String>,
    pub generated_at: String,
    pub now: String,
    pub stuck_after_secs: u64,
    pub content_shown: bool,
    pub summary: Summary,
    pub accounts: Vec<JsonAccount<'a>>,
    pub items: Vec<JsonItem<'a>>,
    pub findings: &'a [Finding],
    pub sources: &'a [Source],
    pub errors: &'a [ScanError],
    /// Mailbox evidence files (listings, folder statistics, policy exports); subjects never.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub mailbox: &'a [MailboxFile],
    /// How zone-less log timestamps were read, when logs were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_time_zone: Option<&'a str>,
    /// Files found but not recognised as any evidence (`path`, `why`).
    pub ignored: &'a [crate::model::Ignored],
    /// How the scan read something worth saying that is no error (`path`, `message`).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub notes: &'a [ScanError],
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct Summary {
    pub accounts: usize,
    pub items: usize,
    pub stuck: usize,
    pub findings: BTreeMap<&'static str, usize>,
    pub errors: usize,
}

#[derive(Serialize)]
pub struct JsonAccount<'a> {
    pub address: &'a str,
    pub client: ClientGen,
    pub profile: Option<&'a str>,
    #[serde(serialize_with = "crate::model::pathser::lossy")]
    pub dir: &'a PathBuf,
    #[serde(serialize_with = "crate::model::pathser::lossy_opt")]
    pub spooler: Option<&'a PathBuf>,
    pub items: usize,
    pub stuck: usize,
    pub oldest_age_secs: Option<i64>,
    /// Entries of the spooler that could not be analysed (listed under `errors`).
    pub unanalysed: usize,
}

#[derive(Serialize)]
pub struct JsonItem<'a> {
    #[serde(serialize_with = "crate::model::pathser::lossy")]
    pub path: &'a PathBuf,
    /// The path with its bytes that are not valid Unicode escaped (`\xNN`, `\` as `\\`),
    /// only when there are any: `path` then holds U+FFFD, which two names may share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_escaped: Option<String>,
    pub account: &'a str,
    pub profile: Option<&'a str>,
    pub client: ClientGen,
    pub size: u64,
    pub modified: Option<String>,
    pub age_secs: Option<i64>,
    pub state: ItemState,
    pub stuck: bool,
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    /// The item's fields; `subject` only with `show_content` (private content).
    pub fields: std::borrow::Cow<'a, Fields>,
    pub heuristics: &'a [String],
    pub truncated: bool,
    pub ignorable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<&'a str>,
    /// Log events near the item's write time that explain it (SIP 480, EWS attempts/failures…).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub related: &'a [crate::model::Evidence],
}

impl<'a> JsonItem<'a> {
    /// The JSON view of one item at `clock`; subject, body and preview only with
    /// `show_content`.
    pub fn of(it: &'a Item, acc: &'a Account, clock: Clock, show_content: bool) -> JsonItem<'a> {
        let state = it.state(clock);
        JsonItem {
            path: &it.path,
            path_escaped: crate::model::pathser::escaped(&it.path),
            account: &acc.address,
            profile: acc.profile.as_deref(),
            client: acc.client,
            size: it.size,
            modified: it.modified.map(rfc3339),
            age_secs: it.age_secs(clock.now),
            state,
            stuck: state == ItemState::Stuck,
            format: it.format.as_str(),
            encoding: it.encoding.map(|e| e.as_str()),
            fields: match (&it.fields.subject, show_content) {
                (Some(_), false) => std::borrow::Cow::Owned(Fields {
                    subject: None,
                    ..it.fields.clone()
                }),
                _ => std::borrow::Cow::Borrowed(&it.fields),
            },
            heuristics: &it.heuristics,
            truncated: it.truncated,
            ignorable: it.ignorable,
            body: it.body.as_deref().filter(|_| show_content),
            preview: it.preview.as_deref().filter(|_| show_content),
            related: &[],
        }
    }

    /// The same item with its correlated log evidence.
    pub fn with_related(mut self, related: &'a [crate::model::Evidence]) -> JsonItem<'a> {
        self.related = related;
        self
    }
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Build the serialisable report.
pub fn build<'a>(r: &'a Report<'a>) -> JsonReport<'a> {
    let m = r.model;
    let clock = r.opts.clock;
    let accounts = m
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let s = m.account_stats(i, clock);
            JsonAccount {
                address: &a.address,
                client: a.client,
                profile: a.profile.as_deref(),
                dir: &a.dir,
                spooler: a.spooler.as_ref(),
                items: s.items,
                stuck: s.stuck,
                oldest_age_secs: s.oldest_age_secs,
                unanalysed: m.unanalysed_entries(i),
            }
        })
        .collect();
    let items = m
        .items
        .iter()
        .map(|it| {
            JsonItem::of(it, &m.accounts[it.account], clock, r.opts.show_content)
                .with_related(m.related.get(&it.path).map(Vec::as_slice).unwrap_or(&[]))
        })
        .collect();
    let mut findings = BTreeMap::new();
    for sev in ["critical", "warning", "info"] {
        findings.insert(sev, 0);
    }
    for f in r.findings {
        *findings.entry(f.severity.as_str()).or_insert(0) += 1;
    }
    JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        host: r.opts.origin.host.clone(),
        user: r.opts.origin.user.clone(),
        generated_at: rfc3339(r.opts.generated_at),
        now: rfc3339(clock.now),
        stuck_after_secs: clock.stuck_after.as_secs(),
        content_shown: r.opts.show_content,
        summary: Summary {
            accounts: m.accounts.len(),
            items: m.items.len(),
            stuck: m.stuck_count(clock),
            findings,
            errors: m.errors.len(),
        },
        accounts,
        items,
        findings: r.findings,
        sources: &m.sources,
        errors: &m.errors,
        mailbox: &m.mailbox,
        log_time_zone: m.log_tz.as_deref(),
        ignored: &m.ignored,
        notes: &m.notes,
    }
}

/// JSON text with C1 controls, DEL and bidi controls escaped as `\uXXXX` (serde_json already
/// escapes C0), so even `cat report.json` on a terminal is safe. Still valid, equivalent JSON.
pub fn terminal_safe(json: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    let b = json.as_bytes();
    let mut out: Option<String> = None;
    // Copied in runs; only characters at or above U+007F are looked at one by one.
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x7f {
            i += 1;
            continue;
        }
        let Some(c) = json[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        // C0 controls only occur as JSON's own white space here: serde_json escapes them in
        // strings.
        if crate::sanitize::is_unsafe(c) {
            let o = out.get_or_insert_with(|| String::with_capacity(json.len() + 16));
            o.push_str(&json[start..i]);
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                let _ = write!(o, "\\u{u:04x}");
            }
            start = i + len;
        }
        i += len;
    }
    match out {
        None => std::borrow::Cow::Borrowed(json),
        Some(mut o) => {
            o.push_str(&json[start..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

pub fn write(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let report = build(r);
    let s = serde_json::to_string_pretty(&report).map_err(io::Error::other)?;
    w.write_all(terminal_safe(&s).as_bytes())?;
    w.write_all(b"\n")
}

/// The report as one line of JSON (an NDJSON record).
pub fn write_line(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let report = build(r);
    let s = serde_json::to_string(&report).map_err(io::Error::other)?;
    w.write_all(terminal_safe(&s).as_bytes())?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_json_stays_equivalent() {
        let v = serde_json::json!({"s": "a\u{1b}b\u{9b}c\u{202e}d\u{7f}"});
        let raw = serde_json::to_string_pretty(&v).expect("json");
        let safe = terminal_safe(&raw);
        assert!(
            !safe
                .chars()
                .any(|c| c != '\n' && crate::sanitize::is_unsafe(c)),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).expect("valid json");
        assert_eq!(back, v);
        // Safe text (non-ASCII included) comes back untouched, without a copy.
        let ok = "{\"s\": \"Grüße 日本 ✓\"}";
        assert!(matches!(terminal_safe(ok), std::borrow::Cow::Borrowed(x) if x == ok));
        // Unsafe characters between multi-byte ones, at the very start and end.
        let raw = "\u{202e}ä\u{9b}日\u{7f}";
        assert_eq!(terminal_safe(raw), "\\u202eä\\u009b日\\u007f");
    }
}
