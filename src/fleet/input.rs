//! `fleet` input: report and NDJSON files, folders and `*` globs, read into rows.

use super::{Row, READ_CAP, SUPPORTED_SCHEMA};
use crate::model::ScanError;
use crate::report::ndjson::LineType;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One parsed input document.
#[derive(Debug)]
pub(super) struct Doc {
    pub(super) source: String,
    pub(super) rows: Vec<Row>,
    pub(super) host: String,
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
            .position(|r| {
                r.account == account
                    && crate::model::scope::profile_fits(profile.as_deref(), r.profile.as_deref())
            })
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
pub(super) fn events_rows(lines: &[Value], source: &str) -> Vec<Doc> {
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
        match e
            .get("type")
            .and_then(Value::as_str)
            .and_then(LineType::from_name)
        {
            Some(LineType::ItemStuck) => {
                st.stuck.extend(path);
            }
            Some(LineType::ItemRemoved) => {
                if let Some(p) = path {
                    st.stuck.remove(&p);
                }
            }
            Some(LineType::FindingOpened) => {
                if let Some(f) = finding {
                    let key = (
                        str_of(f, "rule").unwrap_or_default(),
                        str_of(f, "title").unwrap_or_default(),
                    );
                    st.findings
                        .insert(key, str_of(f, "severity").unwrap_or_default());
                }
            }
            Some(LineType::FindingResolved) => {
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
pub(super) fn parse_file(path: &Path) -> Result<Vec<Doc>, String> {
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
