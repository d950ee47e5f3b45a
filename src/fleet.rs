//! `spoolscope fleet`: merge JSON reports (and `watch` NDJSON streams) collected from many
//! machines into one table: per host and account, stuck counts, oldest age, findings by rule.

use crate::model::ScanError;
use crate::report::out::{Out, Style};
use crate::sanitize;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The report schema versions this build reads.
pub const SUPPORTED_SCHEMA: u64 = crate::report::json::SCHEMA_VERSION as u64;
const READ_CAP: usize = 256 << 20;

/// One host × account line of the merged table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub host: String,
    pub profile: Option<String>,
    pub account: Option<String>,
    pub client: Option<String>,
    pub items: u64,
    pub stuck: u64,
    pub oldest_age_secs: Option<i64>,
    pub critical: u64,
    pub warning: u64,
    pub info: u64,
    /// Rule id → number of findings.
    pub rules: BTreeMap<String, u64>,
    /// The report's `now`.
    pub report_time: Option<String>,
    pub source: String,
}

impl Row {
    fn worst(&self) -> u8 {
        if self.critical > 0 {
            3
        } else if self.warning > 0 {
            2
        } else if self.info > 0 {
            1
        } else {
            0
        }
    }
}

/// The merged view.
#[derive(Debug, Default, Serialize)]
pub struct Fleet {
    pub schema_version: u32,
    pub kind: &'static str,
    pub reports: usize,
    pub hosts: usize,
    pub rows: Vec<Row>,
    /// Rule id → number of hosts where it fired.
    pub rules: BTreeMap<String, u64>,
    /// Reports left out as duplicates or superseded by a newer one from the same host.
    pub notes: Vec<String>,
    pub errors: Vec<ScanError>,
}

/// Sort order of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum SortBy {
    #[default]
    Severity,
    Host,
    Stuck,
    Oldest,
}

/// One parsed input document.
#[derive(Debug)]
struct Doc {
    source: String,
    rows: Vec<Row>,
    host: String,
    now: Option<String>,
    generated_at: Option<String>,
}

fn str_of(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

/// Read one report object into rows.
fn report_rows(v: &Value, source: &str) -> Result<Doc, String> {
    let ver = v
        .get("schema_version")
        .and_then(Value::as_u64)
        .ok_or("not a spoolscope report (no schema_version)")?;
    if ver < SUPPORTED_SCHEMA {
        return Err(format!(
            "schema_version {ver} is older than the supported version {SUPPORTED_SCHEMA}; re-run that machine's report with this spoolscope"
        ));
    }
    let host = str_of(v, "host").unwrap_or_else(|| {
        Path::new(source)
            .file_stem()
            .map(|s| format!("{} (from file name)", s.to_string_lossy()))
            .unwrap_or_else(|| "unknown".into())
    });
    let now = str_of(v, "now");
    let mut rows: Vec<Row> = Vec::new();
    for a in v
        .get("accounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        rows.push(Row {
            host: host.clone(),
            profile: str_of(a, "profile"),
            account: str_of(a, "address"),
            client: str_of(a, "client"),
            items: a.get("items").and_then(Value::as_u64).unwrap_or(0),
            stuck: a.get("stuck").and_then(Value::as_u64).unwrap_or(0),
            oldest_age_secs: a.get("oldest_age_secs").and_then(Value::as_i64),
            report_time: now.clone(),
            source: source.to_string(),
            ..Row::default()
        });
    }
    for f in v
        .get("findings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let account = str_of(f, "account");
        let profile = str_of(f, "profile");
        let idx = rows
            .iter()
            .position(|r| r.account == account && (profile.is_none() || r.profile == profile))
            .unwrap_or_else(|| {
                rows.push(Row {
                    host: host.clone(),
                    profile: profile.clone(),
                    account: account.clone(),
                    report_time: now.clone(),
                    source: source.to_string(),
                    ..Row::default()
                });
                rows.len() - 1
            });
        let r = &mut rows[idx];
        match f.get("severity").and_then(Value::as_str) {
            Some("critical") => r.critical += 1,
            Some("warning") => r.warning += 1,
            _ => r.info += 1,
        }
        if let Some(rule) = str_of(f, "rule") {
            *r.rules.entry(rule).or_default() += 1;
        }
    }
    if rows.is_empty() {
        rows.push(Row {
            host: host.clone(),
            report_time: now.clone(),
            source: source.to_string(),
            ..Row::default()
        });
    }
    Ok(Doc {
        source: source.to_string(),
        rows,
        host,
        now,
        generated_at: str_of(v, "generated_at"),
    })
}

/// Fold a `watch --format ndjson` stream into the state it ends in.
fn events_rows(lines: &[Value], source: &str) -> Vec<Doc> {
    #[derive(Default)]
    struct State {
        profile: Option<String>,
        stuck: BTreeSet<String>,
        findings: BTreeMap<(String, String), String>,
        last: Option<String>,
    }
    let mut by: BTreeMap<(String, Option<String>), State> = BTreeMap::new();
    for e in lines {
        let host = str_of(e, "host").unwrap_or_else(|| "unknown".into());
        let account = str_of(e, "account");
        let st = by.entry((host, account)).or_default();
        st.profile = str_of(e, "profile").or(st.profile.take());
        st.last = str_of(e, "time").or(st.last.take());
        let path = e
            .pointer("/item/path")
            .and_then(Value::as_str)
            .map(str::to_string);
        let finding = e.get("finding");
        match e.get("type").and_then(Value::as_str) {
            Some("item-stuck") => {
                st.stuck.extend(path);
            }
            Some("item-removed") => {
                if let Some(p) = path {
                    st.stuck.remove(&p);
                }
            }
            Some("finding-opened") => {
                if let Some(f) = finding {
                    let key = (
                        str_of(f, "rule").unwrap_or_default(),
                        str_of(f, "title").unwrap_or_default(),
                    );
                    st.findings
                        .insert(key, str_of(f, "severity").unwrap_or_default());
                }
            }
            Some("finding-resolved") => {
                if let Some(f) = finding {
                    let rule = str_of(f, "rule").unwrap_or_default();
                    st.findings.retain(|(r, _), _| *r != rule);
                }
            }
            _ => {}
        }
    }
    by.into_iter()
        .map(|((host, account), st)| {
            let mut row = Row {
                host: host.clone(),
                profile: st.profile,
                account,
                stuck: st.stuck.len() as u64,
                items: st.stuck.len() as u64,
                report_time: st.last.clone(),
                source: source.to_string(),
                ..Row::default()
            };
            for ((rule, _), sev) in &st.findings {
                match sev.as_str() {
                    "critical" => row.critical += 1,
                    "warning" => row.warning += 1,
                    _ => row.info += 1,
                }
                *row.rules.entry(rule.clone()).or_default() += 1;
            }
            Doc {
                source: source.to_string(),
                rows: vec![row],
                host,
                now: st.last,
                generated_at: None,
            }
        })
        .collect()
}

/// Parse one input file: a JSON report, or NDJSON (reports or watch events), any encoding.
fn parse_file(path: &Path) -> Result<Vec<Doc>, String> {
    let pre = crate::source::read::read_prefix(path, READ_CAP).map_err(|e| e.to_string())?;
    if pre.truncated {
        return Err(format!("larger than {} MiB", READ_CAP >> 20));
    }
    let text = crate::parse::text::decode(&pre.bytes, false)
        .map(|d| d.text)
        .ok_or("not text (binary content)")?;
    let source = path.to_string_lossy().into_owned();
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.is_empty() {
        return Err("empty file".into());
    }
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        return report_rows(&v, &source).map(|d| vec![d]);
    }
    let mut reports = Vec::new();
    let mut events = Vec::new();
    for (i, line) in t.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON ({e})", i + 1))?;
        if v.get("schema_version").is_some() {
            reports.push(report_rows(&v, &source).map_err(|e| format!("line {}: {e}", i + 1))?);
        } else if v.get("type").is_some() {
            events.push(v);
        } else {
            return Err(format!(
                "line {}: neither a report nor a watch event",
                i + 1
            ));
        }
    }
    reports.extend(events_rows(&events, &source));
    Ok(reports)
}

/// Expand folders (recursively: *.json, *.ndjson, *.jsonl) and simple `*`/`?` file-name globs.
pub fn expand_inputs(args: &[String]) -> (Vec<PathBuf>, Vec<ScanError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for a in args {
        let p = crate::source::paths::resolve_arg(a).unwrap_or_else(|_| PathBuf::from(a));
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.contains(['*', '?']) {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut hits: Vec<PathBuf> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| glob_match(&name, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            hits.sort();
            if hits.is_empty() {
                errors.push(ScanError::new(&p, "no file matches"));
            }
            files.extend(hits);
        } else if p.is_dir() {
            let mut hits: Vec<PathBuf> = walkdir::WalkDir::new(&p)
                .follow_links(false)
                .max_depth(8)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .filter(|e| {
                    let n = e.file_name().to_string_lossy().to_ascii_lowercase();
                    n.ends_with(".json") || n.ends_with(".ndjson") || n.ends_with(".jsonl")
                })
                .map(|e| e.into_path())
                .collect();
            hits.sort();
            files.extend(hits);
        } else {
            files.push(p);
        }
    }
    (files, errors)
}

/// `*` and `?` wildcards, case-insensitive (as on Windows): the crate's one matcher.
pub fn glob_match(pat: &str, name: &str) -> bool {
    crate::text::glob(pat, name)
}

/// Read every input and merge. Per host, the newest report wins; exact duplicates are dropped.
pub fn merge(files: &[PathBuf], mut errors: Vec<ScanError>, sort: SortBy) -> Fleet {
    let mut docs: Vec<Doc> = Vec::new();
    let mut reports = 0;
    for f in files {
        match parse_file(f) {
            Ok(d) => {
                reports += d.len();
                docs.extend(d);
            }
            Err(e) => errors.push(ScanError::new(f, e)),
        }
    }
    let mut notes = Vec::new();
    let mut newest: BTreeMap<String, usize> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        match newest.get(&d.host).copied() {
            None => {
                newest.insert(d.host.clone(), i);
            }
            Some(j) => {
                let other = &docs[j];
                if other.now == d.now && other.generated_at == d.generated_at {
                    notes.push(format!(
                        "{}: duplicate of {}, skipped",
                        d.source, other.source
                    ));
                } else if d.now > other.now {
                    notes.push(format!(
                        "{}: superseded by newer {} for host {}",
                        other.source, d.source, d.host
                    ));
                    newest.insert(d.host.clone(), i);
                } else {
                    notes.push(format!(
                        "{}: superseded by newer {} for host {}",
                        d.source, other.source, d.host
                    ));
                }
            }
        }
    }
    let mut rows: Vec<Row> = newest
        .values()
        .flat_map(|&i| docs[i].rows.clone())
        .collect();
    match sort {
        SortBy::Severity => rows.sort_by(|a, b| {
            b.worst()
                .cmp(&a.worst())
                .then(b.stuck.cmp(&a.stuck))
                .then(a.host.cmp(&b.host))
                .then(a.account.cmp(&b.account))
        }),
        SortBy::Host => rows.sort_by(|a, b| a.host.cmp(&b.host).then(a.account.cmp(&b.account))),
        SortBy::Stuck => rows.sort_by(|a, b| b.stuck.cmp(&a.stuck).then(a.host.cmp(&b.host))),
        SortBy::Oldest => rows.sort_by(|a, b| {
            b.oldest_age_secs
                .cmp(&a.oldest_age_secs)
                .then(a.host.cmp(&b.host))
        }),
    }
    let mut rules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        for rule in r.rules.keys() {
            rules
                .entry(rule.clone())
                .or_default()
                .insert(r.host.clone());
        }
    }
    errors.sort();
    Fleet {
        schema_version: 1,
        kind: "fleet",
        reports,
        hosts: newest.len(),
        rows,
        rules: rules
            .into_iter()
            .map(|(k, v)| (k, v.len() as u64))
            .collect(),
        notes,
        errors,
    }
}

impl Fleet {
    /// The worst severity over all rows, as the exit-code rule needs it.
    pub fn has_at_or_above(&self, level: crate::model::Severity) -> bool {
        use crate::model::Severity;
        self.rows.iter().any(|r| match level {
            Severity::Info => r.critical + r.warning + r.info > 0,
            Severity::Warning => r.critical + r.warning > 0,
            Severity::Critical => r.critical > 0,
        })
    }
}

fn age(a: Option<i64>) -> String {
    a.map(crate::duration::human).unwrap_or_else(|| "-".into())
}

fn rules_cell(r: &Row) -> String {
    r.rules
        .iter()
        .map(|(k, n)| {
            if *n > 1 {
                format!("{k}×{n}")
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn write_text(f: &Fleet, w: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut o = Out::new(w, color);
    o.styled(Style::Heading, "spoolscope fleet")?;
    o.line(&format!(
        " · {} report(s) · {} host(s) · {} error(s)",
        f.reports,
        f.hosts,
        f.errors.len()
    ))?;
    o.nl()?;
    o.styled(
        Style::Bold,
        &format!(
            "{:<18} {:<12} {:<28} {:>5} {:>5} {:>8} {:>4} {:>4} {:>4}  RULES",
            "HOST", "PROFILE", "ACCOUNT", "STUCK", "ITEMS", "OLDEST", "CRIT", "WARN", "INFO"
        ),
    )?;
    o.nl()?;
    for r in &f.rows {
        let style = match r.worst() {
            3 => Style::Critical,
            2 => Style::Warning,
            _ => Style::Plain,
        };
        o.styled(
            style,
            // Text columns padded by terminal width (CJK and emoji take two columns), so the
            // numbers line up whatever the host, profile or account is called.
            &format!(
                "{} {} {} {:>5} {:>5} {:>8} {:>4} {:>4} {:>4}  {}",
                sanitize::fit(&r.host, 18),
                sanitize::fit(r.profile.as_deref().unwrap_or("-"), 12),
                sanitize::fit(r.account.as_deref().unwrap_or("-"), 28),
                r.stuck,
                r.items,
                age(r.oldest_age_secs),
                r.critical,
                r.warning,
                r.info,
                rules_cell(r)
            ),
        )?;
        o.nl()?;
    }
    if !f.notes.is_empty() {
        o.nl()?;
        for n in &f.notes {
            o.line(&format!("note: {n}"))?;
        }
    }
    if !f.errors.is_empty() {
        o.nl()?;
        o.styled(Style::Bold, &format!("errors ({})", f.errors.len()))?;
        o.nl()?;
        for e in &f.errors {
            o.line(&format!("  {}: {}", e.path.to_string_lossy(), e.message))?;
        }
    }
    Ok(())
}

pub fn write_markdown(f: &Fleet, w: &mut dyn Write) -> io::Result<()> {
    use crate::report::markdown::md;
    writeln!(w, "# spoolscope fleet")?;
    writeln!(w)?;
    writeln!(
        w,
        "{} report(s) · {} host(s) · {} error(s)",
        f.reports,
        f.hosts,
        f.errors.len()
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "| Host | Profile | Account | Stuck | Items | Oldest | Critical | Warning | Info | Rules |"
    )?;
    writeln!(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---|")?;
    for r in &f.rows {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&r.host),
            md(r.profile.as_deref().unwrap_or("-")),
            md(r.account.as_deref().unwrap_or("-")),
            r.stuck,
            r.items,
            age(r.oldest_age_secs),
            r.critical,
            r.warning,
            r.info,
            md(&rules_cell(r))
        )?;
    }
    for n in &f.notes {
        writeln!(w, "\n- note: {}", md(n))?;
    }
    if !f.errors.is_empty() {
        writeln!(w, "\n## Errors\n")?;
        for e in &f.errors {
            writeln!(
                w,
                "- {}: {}",
                crate::report::markdown::code(&e.path.to_string_lossy()),
                md(&e.message)
            )?;
        }
    }
    Ok(())
}

pub fn write_json(f: &Fleet, w: &mut dyn Write) -> io::Result<()> {
    let s = serde_json::to_string_pretty(f).map_err(io::Error::other)?;
    w.write_all(crate::report::json::terminal_safe(&s).as_bytes())?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.json", "ws1.JSON"));
        assert!(glob_match("ws?-*.json", "ws1-report.json"));
        assert!(!glob_match("*.json", "ws1.json.bak"));
    }

    #[test]
    fn report_rows_attach_findings_to_accounts() {
        let v = serde_json::json!({
            "schema_version": 1, "host": "ws1", "now": "2026-03-02T14:00:00Z",
            "accounts": [{"address": "a@c.com", "profile": "a", "items": 3, "stuck": 2, "oldest_age_secs": 600}],
            "findings": [
                {"rule": "spool-stuck", "severity": "warning", "account": "a@c.com", "profile": "a"},
                {"rule": "tracing-missing", "severity": "info", "account": null}
            ]
        });
        let d = report_rows(&v, "x.json").expect("rows");
        assert_eq!(d.rows.len(), 2);
        assert_eq!((d.rows[0].stuck, d.rows[0].warning), (2, 1));
        assert_eq!(d.rows[1].info, 1);
        let old = serde_json::json!({"schema_version": 0});
        assert!(report_rows(&old, "o.json")
            .expect_err("old")
            .contains("older"));
    }

    #[test]
    fn watch_events_fold_to_final_state() {
        let lines: Vec<Value> = [
            r#"{"type":"item-stuck","host":"h","account":"a@c.com","item":{"path":"/p/1"}}"#,
            r#"{"type":"item-stuck","host":"h","account":"a@c.com","item":{"path":"/p/2"}}"#,
            r#"{"type":"item-removed","host":"h","account":"a@c.com","item":{"path":"/p/1"}}"#,
            r#"{"type":"finding-opened","host":"h","account":"a@c.com","finding":{"rule":"spool-stuck","severity":"warning","title":"t"}}"#,
        ]
        .iter()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
        let d = events_rows(&lines, "s.ndjson");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].rows[0].stuck, d[0].rows[0].warning), (1, 1));
    }
}
