//! `fleet` input: report and NDJSON files, folders and `*` globs, read into rows.

use super::{Row, READ_CAP, SUPPORTED_SCHEMA};
use crate::report::ndjson::LineType;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One parsed input document.
#[derive(Debug, Clone)]
pub(super) struct Doc {
    pub(super) source: String,
    pub(super) rows: Vec<Row>,
    pub(super) host: String,
    /// The user who ran the report or stream, when the input says.
    pub(super) user: Option<String>,
    pub(super) now: Option<String>,
    pub(super) generated_at: Option<String>,
}

pub(super) fn str_of(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

/// Read one report object into rows.
pub(super) fn report_rows(v: &Value, source: &str) -> Result<Doc, String> {
    let ver = v
        .get("schema_version")
        .and_then(Value::as_u64)
        .ok_or("not a spoolscope report (no schema_version)")?;
    if ver < SUPPORTED_SCHEMA {
        return Err(format!(
            "schema_version {ver} is older than the supported version {SUPPORTED_SCHEMA}; re-run that machine's report with this spoolscope"
        ));
    }
    if ver > SUPPORTED_SCHEMA {
        return Err(format!(
            "schema_version {ver} is newer than this build reads ({SUPPORTED_SCHEMA}): not read; merge it with a newer spoolscope"
        ));
    }
    if let Some(why) = super::shape::not_a_report_shape(v) {
        return Err(why);
    }
    let findings = match v.get("findings") {
        Some(Value::Array(a)) => a.as_slice(),
        other => {
            // The report's own count: a report that says it has findings but whose findings
            // cannot be read must not look healthy.
            let counted: u64 = v
                .pointer("/summary/findings")
                .and_then(Value::as_object)
                .map(|m| m.values().filter_map(Value::as_u64).sum())
                .unwrap_or(0);
            if counted > 0 {
                let what = if other.is_some() {
                    "`findings` is not a list"
                } else {
                    "no `findings`"
                };
                return Err(format!(
                    "{what}, but its summary counts {counted} finding(s): not read"
                ));
            }
            &[]
        }
    };
    let host = str_of(v, "host").unwrap_or_else(|| {
        Path::new(source)
            .file_stem()
            .map(|s| format!("{} (from file name)", s.to_string_lossy()))
            .unwrap_or_else(|| "unknown".into())
    });
    let now = str_of(v, "now");
    let user = str_of(v, "user");
    let mut rows: Vec<Row> = Vec::new();
    for a in v
        .get("accounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        rows.push(Row {
            host: host.clone(),
            user: user.clone(),
            profile: str_of(a, "profile"),
            account: str_of(a, "address"),
            client: str_of(a, "client"),
            dir: str_of(a, "dir"),
            items: a.get("items").and_then(Value::as_u64).unwrap_or(0),
            stuck: a.get("stuck").and_then(Value::as_u64).unwrap_or(0),
            oldest_age_secs: a.get("oldest_age_secs").and_then(Value::as_i64),
            report_time: now.clone(),
            source: source.to_string(),
            ..Row::default()
        });
    }
    for f in findings {
        let account = str_of(f, "account");
        let profile = str_of(f, "profile");
        // A finding naming its account folder goes to that account's row; one naming only
        // the address (and maybe the profile) to the first row it fits.
        let dir = str_of(f, "account_dir");
        let fits = |r: &Row| {
            r.account == account
                && crate::model::scope::profile_fits(profile.as_deref(), r.profile.as_deref())
        };
        let idx = dir
            .as_ref()
            .and_then(|d| {
                rows.iter()
                    .position(|r| fits(r) && r.dir.as_ref() == Some(d))
            })
            .or_else(|| rows.iter().position(fits))
            .unwrap_or_else(|| {
                rows.push(Row {
                    host: host.clone(),
                    user: user.clone(),
                    profile: profile.clone(),
                    account: account.clone(),
                    report_time: now.clone(),
                    source: source.to_string(),
                    ..Row::default()
                });
                rows.len() - 1
            });
        let r = &mut rows[idx];
        count_severity(r, f.get("severity").and_then(Value::as_str));
        if let Some(rule) = str_of(f, "rule") {
            *r.rules.entry(rule).or_default() += 1;
        }
    }
    if rows.is_empty() {
        rows.push(Row {
            host: host.clone(),
            user: user.clone(),
            report_time: now.clone(),
            source: source.to_string(),
            ..Row::default()
        });
    }
    Ok(Doc {
        source: source.to_string(),
        rows,
        host,
        user,
        now,
        generated_at: str_of(v, "generated_at"),
    })
}

/// Count one finding by its severity: `critical`, `warning` or `info` in any case; any other
/// value, or none, is counted as unknown (never as info), with the names kept for the notes.
fn count_severity(r: &mut Row, sev: Option<&str>) {
    match sev.map(str::to_ascii_lowercase).as_deref() {
        Some("critical") => r.critical += 1,
        Some("warning") => r.warning += 1,
        Some("info") => r.info += 1,
        _ => {
            r.unknown_severity += 1;
            let name = sev.map_or_else(|| "(none)".to_string(), |s| format!("{s:?}"));
            r.unknown_names.insert(name);
        }
    }
}

/// Seconds since the epoch of an RFC 3339 time, as `watch` writes it.
fn unix_of(t: Option<&str>) -> Option<i64> {
    t.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|d| d.timestamp())
}

/// Fold a `watch --format ndjson` stream into the state it ends in: one document per host,
/// with one row per account. Lines without an account (`scan-started`, `heartbeat`, errors)
/// only move the host's time on; they never make a row of their own, so they cannot hide the
/// account rows. A `scan-started` begins a new run (an `--output` file is appended to): the
/// run writes every present item and open finding again, so what the earlier run left open
/// is dropped there.
pub(super) fn events_rows(lines: &[Value], source: &str) -> Vec<Doc> {
    /// (account, profile, client).
    type AcctKey = (Option<String>, Option<String>, Option<String>);
    #[derive(Default)]
    struct Acct {
        profile: Option<String>,
        client: Option<String>,
        /// Path → when the item was last modified (line time minus its `age_secs`).
        items: BTreeMap<String, Option<i64>>,
        stuck: BTreeSet<String>,
        /// `(rule, profile, severity, account folder)`: what `watch` tells findings apart by,
        /// with the account.
        findings: BTreeSet<(String, Option<String>, String, Option<String>)>,
    }
    #[derive(Default)]
    struct Host {
        last: Option<String>,
        /// By (account, profile, client): one address signed in from two profiles, or in a
        /// 15.0 and a 16.0 folder of one profile, is two accounts.
        accounts: BTreeMap<AcctKey, Acct>,
    }
    // By (host, user): two users watching on one host are two streams.
    let mut hosts: BTreeMap<(String, Option<String>), Host> = BTreeMap::new();
    for e in lines {
        let h = hosts
            .entry((
                str_of(e, "host").unwrap_or_else(|| "unknown".into()),
                str_of(e, "user"),
            ))
            .or_default();
        let time = str_of(e, "time");
        if time > h.last {
            h.last = time.clone();
        }
        let Some(kind) = e
            .get("type")
            .and_then(Value::as_str)
            .and_then(LineType::from_name)
        else {
            continue;
        };
        if kind == LineType::ScanStarted {
            h.accounts.clear();
            continue;
        }
        if !matches!(
            kind,
            LineType::ItemAdded
                | LineType::ItemStuck
                | LineType::ItemChanged
                | LineType::ItemRemoved
                | LineType::FindingOpened
                | LineType::FindingResolved
        ) {
            continue;
        }
        // Items and findings about one account folder say its client.
        let client = e
            .pointer("/item/client")
            .or_else(|| e.pointer("/finding/client"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let st = h
            .accounts
            .entry((str_of(e, "account"), str_of(e, "profile"), client.clone()))
            .or_default();
        st.profile = str_of(e, "profile").or(st.profile.take());
        st.client = client;
        let path = e
            .pointer("/item/path")
            .and_then(Value::as_str)
            .map(str::to_string);
        let born = unix_of(time.as_deref()).and_then(|t| {
            e.pointer("/item/age_secs")
                .and_then(Value::as_i64)
                .map(|a| t - a)
        });
        let finding = e.get("finding").map(|f| {
            (
                str_of(f, "rule").unwrap_or_default(),
                str_of(f, "profile"),
                str_of(f, "severity").unwrap_or_default(),
                str_of(f, "account_dir"),
            )
        });
        match (kind, path, finding) {
            (LineType::ItemAdded, Some(p), _) => {
                st.items.insert(p, born);
            }
            (LineType::ItemStuck, Some(p), _) => {
                st.items.insert(p.clone(), born);
                st.stuck.insert(p);
            }
            // Rewritten in place: its new age, and stuck or not as the line says.
            (LineType::ItemChanged, Some(p), _) => {
                st.items.insert(p.clone(), born);
                if e.pointer("/item/stuck").and_then(Value::as_bool) == Some(true) {
                    st.stuck.insert(p);
                } else {
                    st.stuck.remove(&p);
                }
            }
            (LineType::ItemRemoved, Some(p), _) => {
                st.items.remove(&p);
                st.stuck.remove(&p);
            }
            (LineType::FindingOpened, _, Some(k)) => {
                st.findings.insert(k);
            }
            (LineType::FindingResolved, _, Some(k)) => {
                st.findings.remove(&k);
            }
            _ => {}
        }
    }
    // A finding that names no client (mailbox evidence knows the address only) joins the
    // first account folder of its address and profile (of its address alone when it names no
    // profile), as in a report. One pass to find those folders, one to move: linear.
    for h in hosts.values_mut() {
        let mut first: BTreeMap<(String, Option<String>), AcctKey> = BTreeMap::new();
        let mut first_of_address: BTreeMap<String, AcctKey> = BTreeMap::new();
        for k in h.accounts.keys() {
            if let (Some(a), Some(_)) = (&k.0, &k.2) {
                first
                    .entry((a.clone(), k.1.clone()))
                    .or_insert_with(|| k.clone());
                first_of_address
                    .entry(a.clone())
                    .or_insert_with(|| k.clone());
            }
        }
        let loose: Vec<(AcctKey, AcctKey)> = h
            .accounts
            .keys()
            .filter(|k| k.2.is_none())
            .filter_map(|k| {
                let a = k.0.clone()?;
                let into = match &k.1 {
                    None => first_of_address.get(&a),
                    Some(_) => first.get(&(a, k.1.clone())),
                };
                into.map(|into| (k.clone(), into.clone()))
            })
            .collect();
        for (k, into) in loose {
            let Some(st) = h.accounts.remove(&k) else {
                continue;
            };
            if let Some(into) = h.accounts.get_mut(&into) {
                into.items.extend(st.items);
                into.stuck.extend(st.stuck);
                into.findings.extend(st.findings);
            }
        }
    }
    hosts
        .into_iter()
        .map(|((host, user), h)| {
            let last_unix = unix_of(h.last.as_deref());
            let mut rows: Vec<Row> = h
                .accounts
                .into_iter()
                // A host-level finding that was resolved leaves nothing to show.
                .filter(|((a, _, _), st)| {
                    a.is_some() || !st.items.is_empty() || !st.findings.is_empty()
                })
                .map(|((account, _, _), st)| {
                    let oldest = st
                        .stuck
                        .iter()
                        .filter_map(|p| st.items.get(p).copied().flatten())
                        .min();
                    let mut row = Row {
                        host: host.clone(),
                        user: user.clone(),
                        profile: st.profile,
                        account,
                        client: st.client,
                        stuck: st.stuck.len() as u64,
                        items: st.items.len() as u64,
                        oldest_age_secs: last_unix.zip(oldest).map(|(l, b)| (l - b).max(0)),
                        report_time: h.last.clone(),
                        source: source.to_string(),
                        ..Row::default()
                    };
                    for (rule, _, sev, _) in &st.findings {
                        count_severity(&mut row, Some(sev));
                        *row.rules.entry(rule.clone()).or_default() += 1;
                    }
                    row
                })
                .collect();
            if rows.is_empty() {
                rows.push(Row {
                    host: host.clone(),
                    user: user.clone(),
                    report_time: h.last.clone(),
                    source: source.to_string(),
                    ..Row::default()
                });
            }
            Doc {
                source: source.to_string(),
                rows,
                host,
                user,
                now: h.last,
                generated_at: None,
            }
        })
        .collect()
}

/// What one input file gave: its documents, the problems that did not stop the read (a cut
/// last line: errors) and plain notes (an earlier run's cut line before a new run).
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub(super) docs: Vec<Doc>,
    pub(super) problems: Vec<String>,
    pub(super) notes: Vec<String>,
}

/// Parse one input file: a JSON report, or NDJSON (reports or watch events), any encoding.
pub(super) fn parse_file(path: &Path) -> Result<Parsed, String> {
    use crate::source::read::ReadError;
    // `read_prefix` names a missing file in the spooler's words ("vanished"); a fleet input
    // that is not there was most likely mistyped.
    let pre = crate::source::read::read_prefix(path, READ_CAP).map_err(|e| match e {
        ReadError::Vanished => "no such file".to_string(),
        e => e.to_string(),
    })?;
    if pre.truncated {
        return Err(format!("larger than {} MiB", READ_CAP >> 20));
    }
    let text = crate::parse::text::decode(&pre.bytes, false)
        .map(|d| d.text)
        .ok_or("not text (binary content)")?;
    let source = path.to_string_lossy().into_owned();
    parse_text(&text, &source)
}

/// How `watch` starts a run's first line.
const SCAN_STARTED: &str = r#"{"type":"scan-started""#;

/// A line that is not JSON but holds a whole `scan-started` line after other text: an earlier
/// `watch` run was cut inside its last line and the next run appended to the same file. The
/// `scan-started` line and the length of the cut text before it.
fn glued_scan_started(line: &str) -> Option<(Value, usize)> {
    let at = line.rfind(SCAN_STARTED).filter(|&at| at > 0)?;
    let v: Value = serde_json::from_str(&line[at..]).ok()?;
    Some((v, at))
}

/// [`parse_file`] on decoded text.
pub(super) fn parse_text(text: &str, source: &str) -> Result<Parsed, String> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.is_empty() {
        return Err("empty file".into());
    }
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        // A stream of one watch line is read as a stream, not as a report.
        if v.get("schema_version").is_some() || v.get("type").is_none() {
            return report_rows(&v, source).map(|d| Parsed {
                docs: vec![d],
                ..Parsed::default()
            });
        }
        // (A newer version's line type is left out with a note below, as in a longer stream.)
        if let Some(why) = super::shape::not_a_watch_line(&v) {
            if !super::shape::newer_watch_line(&v) {
                return Err(format!("not a report or watch stream: {why}"));
            }
        }
    }
    // A stream copied while it was written ends inside its last line: no line end after it.
    let ends_whole = text.trim_end_matches([' ', '\t']).ends_with('\n');
    let last = t.lines().count();
    let mut reports = Vec::new();
    let mut events = Vec::new();
    let mut out = Parsed::default();
    // The last line that starts a run: what comes before it is dropped at that start anyway,
    // so a cut line there (a run killed mid-line, then another appended) costs nothing.
    let last_start = t
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"type\":\"scan-started\""))
        .map(|(i, _)| i)
        .last();
    for (i, line) in t.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) if i + 1 == last && !ends_whole && i > 0 => {
                out.problems.push(format!(
                    "line {}: cut off (the file ends inside it), left out; lines 1 to {} were read",
                    i + 1,
                    i
                ));
                break;
            }
            Err(e) => match glued_scan_started(line) {
                // What came before the new run's start is dropped at that start anyway.
                Some((v, at)) => {
                    out.notes.push(format!(
                        "{source}: line {}: {at} byte(s) of a cut line (a run stopped while writing) before a new run's scan-started, left out; read from that scan-started",
                        i + 1
                    ));
                    v
                }
                None if last_start.is_some_and(|s| s > i) => {
                    out.notes.push(format!(
                        "{source}: line {}: not JSON (a cut line of an earlier run?), before a later run's scan-started: left out",
                        i + 1
                    ));
                    continue;
                }
                None => return Err(format!("line {}: not JSON ({e})", i + 1)),
            },
        };
        if v.get("schema_version").is_some() {
            reports.push(report_rows(&v, source).map_err(|e| format!("line {}: {e}", i + 1))?);
        } else if v.get("type").is_some() {
            match super::shape::not_a_watch_line(&v) {
                None => events.push(v),
                // A line type this build does not write, in a line shaped as a watch line: a
                // stream from a newer spoolscope is read, that line left out with a note.
                Some(_) if super::shape::newer_watch_line(&v) => {
                    out.notes.push(format!(
                        "{source}: line {}: a watch line of a type this version does not know (from a newer spoolscope?), left out",
                        i + 1
                    ));
                }
                Some(why) => {
                    return Err(format!(
                        "line {}: {why}: not a report or watch stream",
                        i + 1
                    ))
                }
            }
        } else {
            return Err(format!(
                "line {}: neither a report nor a watch event",
                i + 1
            ));
        }
    }
    reports.extend(events_rows(&events, source));
    out.docs = reports;
    Ok(out)
}
