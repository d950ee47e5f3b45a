//! `spoolscope fleet`: merge JSON reports (and `watch` NDJSON streams) collected from many
//! machines into one table: per host and account, stuck counts, oldest age, findings by rule.

mod input;
mod render;
mod shape;
mod walk;

use crate::model::ScanError;
use input::{parse_file, Doc};
pub use render::{write_json, write_markdown, write_text};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
pub use walk::{expand_inputs, Inputs};

/// The report schema versions this build reads.
pub const SUPPORTED_SCHEMA: u64 = crate::report::json::SCHEMA_VERSION as u64;
const READ_CAP: usize = 256 << 20;

/// One host × account line of the merged table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub host: String,
    /// The user who ran the report or `watch` stream, when it says (JSON `user`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    pub profile: Option<String>,
    pub account: Option<String>,
    pub client: Option<String>,
    /// The account folder (the report's `accounts[].dir`): which row a finding naming its
    /// `account_dir` belongs to, when one profile holds the address twice (15.0 and 16.0).
    #[serde(skip)]
    pub dir: Option<String>,
    pub items: u64,
    pub stuck: u64,
    pub oldest_age_secs: Option<i64>,
    pub critical: u64,
    pub warning: u64,
    pub info: u64,
    /// Findings whose severity is none of `critical`, `warning`, `info` (a newer or edited
    /// report): counted as problems at any `--fail-on`, never as info.
    #[serde(skip_serializing_if = "is_zero")]
    pub unknown_severity: u64,
    /// The severities counted in `unknown_severity`, as written (for the problem line).
    #[serde(skip)]
    pub unknown_names: BTreeSet<String>,
    /// Rule id → number of findings.
    pub rules: BTreeMap<String, u64>,
    /// The report's `now`.
    pub report_time: Option<String>,
    pub source: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Row {
    fn worst(&self) -> u8 {
        if self.critical > 0 || self.unknown_severity > 0 {
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
    /// Inputs (files, folder entries, globs) with an error: not read, or not read in full.
    /// Any makes the run not an all-clear (exit 1 at `--fail-on warning` or `info`).
    pub unread_inputs: usize,
    /// Fleet-level problems, one line each: inputs not read, findings of an unknown severity.
    pub problems: Vec<String>,
    pub errors: Vec<ScanError>,
}

/// Sort order of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Severity,
    Host,
    Stuck,
    Oldest,
}

/// Read every input and merge. Per host, the newest report wins; exact duplicates are dropped.
pub fn merge(inputs: Inputs, sort: SortBy) -> Fleet {
    let Inputs {
        files,
        mut errors,
        mut notes,
    } = inputs;
    let mut docs: Vec<Doc> = Vec::new();
    let mut reports = 0;
    for f in &files {
        match parse_file(f) {
            Ok(p) => {
                reports += p.docs.len();
                docs.extend(p.docs);
                errors.extend(p.problems.into_iter().map(|e| ScanError::new(f, e)));
                notes.extend(p.notes);
            }
            Err(e) => errors.push(ScanError::new(f, e)),
        }
    }
    // The newest input per host and user: two users' reports or streams from one host are both
    // kept (their rows then meet per profile and account below).
    let mut newest: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let key = (d.host.clone(), d.user.clone());
        let host = match &d.user {
            Some(u) => format!("{} (user {u})", d.host),
            None => d.host.clone(),
        };
        match newest.get(&key).copied() {
            None => {
                newest.insert(key, i);
            }
            Some(j) => {
                let other = &docs[j];
                if other.now == d.now && other.generated_at == d.generated_at {
                    notes.push(format!(
                        "{}: duplicate of {}, skipped",
                        d.source, other.source
                    ));
                } else if newer_than(d, other) {
                    notes.push(format!(
                        "{}: superseded by newer {} for host {host}",
                        other.source, d.source
                    ));
                    newest.insert(key, i);
                } else {
                    notes.push(format!(
                        "{}: superseded by newer {} for host {host}",
                        d.source, other.source
                    ));
                }
            }
        }
    }
    let rows = newest_rows(&docs, newest.values().copied(), &mut notes);
    let hosts: BTreeSet<&str> = newest.keys().map(|(h, _)| h.as_str()).collect();
    let hosts = hosts.len();
    let mut rows = rows;
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
    let unread_inputs = errors
        .iter()
        .map(|e| &e.path)
        .collect::<BTreeSet<_>>()
        .len();
    let mut problems = Vec::new();
    if unread_inputs > 0 {
        problems.push(format!(
            "{unread_inputs} input(s) not read, or not read in full (listed under errors): what they hold is unknown, so this is not an all-clear"
        ));
    }
    for r in rows.iter().filter(|r| r.unknown_severity > 0) {
        let names: Vec<&str> = r.unknown_names.iter().map(String::as_str).collect();
        problems.push(format!(
            "{} / {}: {} finding(s) of a severity this build does not know ({}), counted as problems, not as info",
            r.host,
            r.account.as_deref().unwrap_or("-"),
            r.unknown_severity,
            names.join(", ")
        ));
    }
    Fleet {
        schema_version: 1,
        kind: "fleet",
        reports,
        hosts,
        rows,
        rules: rules
            .into_iter()
            .map(|(k, v)| (k, v.len() as u64))
            .collect(),
        notes,
        unread_inputs,
        problems,
        errors,
    }
}

/// The rows of the kept inputs. Where two inputs (two users' reports from one host, an
/// `--all-users` report beside a user's own) both have a row for one host, profile, account
/// and client, the newer input's row is kept and the other is noted as superseded. Rows with
/// no account are kept per input (user). Rows of one input are all kept.
/// Whether input `a` is newer than `b`: by the report's `now`, then, when those are equal
/// (`--now` given alike, or the same second), by when it was made (`generated_at`).
fn newer_than(a: &Doc, b: &Doc) -> bool {
    (&a.now, &a.generated_at) > (&b.now, &b.generated_at)
}

fn newest_rows(
    docs: &[Doc],
    kept: impl Iterator<Item = usize>,
    notes: &mut Vec<String>,
) -> Vec<Row> {
    type Key = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut rows: Vec<(usize, Row)> = Vec::new();
    let mut at: BTreeMap<Key, usize> = BTreeMap::new();
    for i in kept {
        for r in &docs[i].rows {
            // A row with no account holds what its own input found (its scan-incomplete, its
            // host-level findings), not one account seen twice: it is keyed by the input's
            // user too, so another user's newer report never replaces it.
            let user = match r.account {
                None => docs[i].user.clone(),
                Some(_) => None,
            };
            let key = (
                r.host.clone(),
                r.profile.clone(),
                r.account.clone(),
                r.client.clone(),
                user,
            );
            let Some(&k) = at.get(&key).filter(|&&k| rows[k].0 != i) else {
                at.insert(key, rows.len());
                rows.push((i, r.clone()));
                continue;
            };
            let j = rows[k].0;
            let (newer, older) = if newer_than(&docs[i], &docs[j]) {
                (i, j)
            } else {
                (j, i)
            };
            notes.push(format!(
                "{}: row {} / {} / {} superseded by newer {}",
                docs[older].source,
                key.0,
                key.1.as_deref().unwrap_or("-"),
                key.2.as_deref().unwrap_or("-"),
                docs[newer].source
            ));
            if newer == i {
                rows[k] = (i, r.clone());
            }
        }
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

impl Fleet {
    /// The worst severity over all rows, as the exit-code rule needs it. A finding of an
    /// unknown severity meets any level; an input not read (in full) counts as a warning, as
    /// `scan-incomplete` does in `report`.
    pub fn has_at_or_above(&self, level: crate::model::Severity) -> bool {
        use crate::model::Severity;
        let unread = self.unread_inputs > 0 && level != Severity::Critical;
        unread
            || self.rows.iter().any(|r| {
                r.unknown_severity > 0
                    || match level {
                        Severity::Info => r.critical + r.warning + r.info > 0,
                        Severity::Warning => r.critical + r.warning > 0,
                        Severity::Critical => r.critical > 0,
                    }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::input::{events_rows, parse_text, report_rows};
    use super::walk::glob_match;
    use serde_json::Value;

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

    fn lines(text: &[&str]) -> Vec<Value> {
        text.iter()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect()
    }

    /// The lines a real `watch` writes for one stuck item: the host-level `scan-started` and
    /// `heartbeat` (no account) must not make a second, empty report that hides the account.
    #[test]
    fn host_level_lines_never_erase_account_rows() {
        let l = lines(&[
            r#"{"type":"scan-started","time":"2026-03-02T14:00:00Z","host":"h","user":null,"message":"tree"}"#,
            r#"{"type":"heartbeat","time":"2026-03-02T14:00:00Z","host":"h","user":null,"message":"watching"}"#,
            r#"{"type":"item-added","time":"2026-03-02T14:00:00Z","host":"h","profile":"a","account":"a@c.com","item":{"path":"/p/1","age_secs":100}}"#,
            r#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","host":"h","profile":"a","account":"a@c.com","item":{"path":"/p/1","age_secs":100}}"#,
            r#"{"type":"finding-opened","time":"2026-03-02T14:00:00Z","host":"h","profile":"a","account":"a@c.com","finding":{"rule":"spool-stuck","severity":"critical","profile":"a","title":"t"}}"#,
            r#"{"type":"heartbeat","time":"2026-03-02T14:00:50Z","host":"h","user":null,"message":"counts"}"#,
        ]);
        let d = events_rows(&l, "s.ndjson");
        assert_eq!(d.len(), 1, "one document per host");
        assert_eq!(d[0].now.as_deref(), Some("2026-03-02T14:00:50Z"));
        assert_eq!(d[0].rows.len(), 1);
        let r = &d[0].rows[0];
        assert_eq!(r.account.as_deref(), Some("a@c.com"));
        assert_eq!(r.profile.as_deref(), Some("a"));
        assert_eq!((r.stuck, r.items, r.critical), (1, 1, 1));
        // 100 s old at its line, 50 s later at the stream's last line.
        assert_eq!(r.oldest_age_secs, Some(150));
        // A host with only host-level lines is still listed, with nothing open.
        let d = events_rows(&l[..2], "s.ndjson");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rows.len(), 1);
        assert_eq!(
            (d[0].rows[0].account.clone(), d[0].rows[0].stuck),
            (None, 0)
        );
    }

    /// Two reports with the same `now` (`--now` given alike): the one made later wins the
    /// row, in either order of the inputs.
    #[test]
    fn a_tie_on_now_is_broken_by_when_the_report_was_made() {
        let doc = |user: &str, made: &str, stuck: u64| {
            let v: Value = serde_json::from_str(&format!(
                r#"{{"schema_version": 1, "host": "vm", "user": "{user}", "now": "2026-03-02T14:00:00Z",
                    "generated_at": "{made}",
                    "accounts": [{{"address": "j@c.com", "profile": "jdoe", "client": "16.0", "items": {stuck}, "stuck": {stuck}}}]}}"#
            ))
            .expect("json");
            report_rows(&v, user).expect("doc")
        };
        let clean = doc("admin", "2026-03-02T10:00:00Z", 0);
        let stuck = doc("jdoe", "2026-03-02T12:00:00Z", 1);
        for docs in [
            [clean.clone(), stuck.clone()],
            [stuck.clone(), clean.clone()],
        ] {
            let mut notes = Vec::new();
            let rows = super::newest_rows(&docs, 0..2, &mut notes);
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].stuck, 1, "{notes:?}");
            assert!(notes[0].starts_with("admin: row"), "{notes:?}");
        }
    }

    /// One profile with the address in a 15.0 and a 16.0 folder: two rows of one stream, each
    /// with its item and finding; resolving one leaves the other open; a mailbox finding (no
    /// client) joins the first of them, not a row of its own.
    #[test]
    fn a_stream_keeps_two_client_folders_of_one_address_apart() {
        let item = |v: &str, kind: &str| {
            format!(
                r#"{{"type":"{kind}","time":"2026-03-02T14:00:00Z","host":"h","profile":"a","account":"a@c.com","item":{{"path":"/p/{v}/1","age_secs":900,"client":"{v}"}}}}"#
            )
        };
        let finding = |v: &str, kind: &str| {
            format!(
                r#"{{"type":"{kind}","time":"2026-03-02T14:00:00Z","host":"h","profile":"a","account":"a@c.com","finding":{{"rule":"spool-stuck","severity":"warning","profile":"a","client":"{v}","account_dir":"/p/{v}","title":"t"}}}}"#
            )
        };
        let mailbox = r#"{"type":"finding-opened","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","finding":{"rule":"drafts-buildup","severity":"warning","title":"t"}}"#;
        let mut text = Vec::new();
        for v in ["15.0", "16.0"] {
            text.push(item(v, "item-added"));
            text.push(item(v, "item-stuck"));
            text.push(finding(v, "finding-opened"));
        }
        let rows = |text: &[String]| {
            let l: Vec<Value> = text
                .iter()
                .map(|l| serde_json::from_str(l).expect("json"))
                .collect();
            let mut r: Vec<(Option<String>, u64, u64)> = events_rows(&l, "s.ndjson")[0]
                .rows
                .iter()
                .map(|r| (r.client.clone(), r.stuck, r.warning))
                .collect();
            r.sort();
            r
        };
        let c = |v: &str| Some(v.to_string());
        assert_eq!(rows(&text), [(c("15.0"), 1, 1), (c("16.0"), 1, 1)]);
        text.push(item("16.0", "item-removed"));
        text.push(finding("16.0", "finding-resolved"));
        assert_eq!(rows(&text), [(c("15.0"), 1, 1), (c("16.0"), 0, 0)]);
        text.push(mailbox.to_string());
        assert_eq!(rows(&text), [(c("15.0"), 1, 2), (c("16.0"), 0, 0)]);
    }

    /// `watch` tells findings apart by rule, account, profile and severity; a change of
    /// severity is a new finding and the old one resolved, in either order.
    #[test]
    fn a_severity_change_keeps_the_new_finding_open() {
        let f = |kind: &str, sev: &str| {
            format!(
                r#"{{"type":"{kind}","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","finding":{{"rule":"spool-stuck","severity":"{sev}"}}}}"#
            )
        };
        let base = f("finding-opened", "warning");
        for order in [
            [
                f("finding-resolved", "warning"),
                f("finding-opened", "critical"),
            ],
            [
                f("finding-opened", "critical"),
                f("finding-resolved", "warning"),
            ],
        ] {
            let text = [base.as_str(), order[0].as_str(), order[1].as_str()];
            let d = events_rows(&lines(&text), "s.ndjson");
            let r = &d[0].rows[0];
            assert_eq!((r.critical, r.warning), (1, 0), "{order:?}");
        }
        // A host-level finding (no account) is a row of its own; once resolved, it is gone.
        let host = r#"{"type":"finding-opened","time":"2026-03-02T14:00:00Z","host":"h","finding":{"rule":"tracing-missing","severity":"info"}}"#;
        let d = events_rows(&lines(&[host]), "s.ndjson");
        assert_eq!((d[0].rows[0].account.clone(), d[0].rows[0].info), (None, 1));
        let gone = host.replace("finding-opened", "finding-resolved");
        let d = events_rows(&lines(&[host, &gone, &base]), "s.ndjson");
        assert_eq!(d[0].rows.len(), 1);
        assert_eq!(d[0].rows[0].account.as_deref(), Some("a@c.com"));
    }

    /// An `--output` file is appended to: a `scan-started` begins a new run, which writes
    /// every present item and open finding again, so the earlier run's leftovers are dropped.
    #[test]
    fn a_new_run_in_the_same_stream_starts_over() {
        let l = lines(&[
            r#"{"type":"scan-started","time":"2026-03-02T14:00:00Z","host":"h"}"#,
            r#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/1"}}"#,
            r#"{"type":"finding-opened","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","finding":{"rule":"spool-stuck","severity":"critical"}}"#,
            r#"{"type":"scan-started","time":"2026-03-02T15:00:00Z","host":"h"}"#,
            r#"{"type":"item-stuck","time":"2026-03-02T15:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/2"}}"#,
            r#"{"type":"item-added","time":"2026-03-02T15:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/3"}}"#,
            r#"{"type":"finding-opened","time":"2026-03-02T15:00:00Z","host":"h","account":"a@c.com","finding":{"rule":"spool-stuck","severity":"warning"}}"#,
        ]);
        let d = events_rows(&l, "s.ndjson");
        let r = &d[0].rows[0];
        assert_eq!((r.stuck, r.items, r.critical, r.warning), (1, 2, 0, 1));
    }

    /// A stream from a newer spoolscope, with a line type this version does not write, is still
    /// read: that line is left out with a note. A line that is no watch line's shape still
    /// rejects the file.
    #[test]
    fn a_newer_line_type_in_a_stream_is_left_out_with_a_note() {
        let good = r#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/1"}}"#;
        let newer = r#"{"type":"item-quarantined","time":"2026-03-02T14:01:00Z","host":"h","account":"a@c.com"}"#;
        let p = parse_text(&format!("{good}\n{newer}\n"), "w.ndjson").expect("read");
        assert_eq!(p.docs[0].rows[0].stuck, 1);
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        assert!(p.notes[0].contains("line 2") && p.notes[0].contains("newer"));
        // A stream of that one line alone: the same note.
        let p = parse_text(&format!("{newer}\n"), "w.ndjson").expect("read");
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        let odd = r#"{"type":"Service Account","project":"x"}"#;
        assert!(parse_text(&format!("{good}\n{odd}\n"), "w.ndjson").is_err());
    }

    /// A stuck item rewritten in place (`item-changed`, no longer stuck) is no longer counted
    /// stuck; one rewritten and still stuck stays so.
    #[test]
    fn a_rewritten_item_takes_the_state_its_line_gives() {
        let l = lines(&[
            r#"{"type":"scan-started","time":"2026-03-02T14:00:00Z","host":"h"}"#,
            r#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/1"}}"#,
            r#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/2"}}"#,
            r#"{"type":"item-changed","time":"2026-03-02T14:05:00Z","host":"h","account":"a@c.com","item":{"path":"/p/1","stuck":false,"age_secs":0}}"#,
            r#"{"type":"item-changed","time":"2026-03-02T14:05:00Z","host":"h","account":"a@c.com","item":{"path":"/p/2","stuck":true,"age_secs":900}}"#,
        ]);
        let d = events_rows(&l, "s.ndjson");
        let r = &d[0].rows[0];
        assert_eq!((r.stuck, r.items), (1, 2));
    }

    /// A stream copied while it was written: the complete lines are used and the cut one is
    /// named; anything else that is not JSON still rejects the file.
    #[test]
    fn a_cut_last_line_is_left_out_and_named() {
        let good = r#"{"type":"item-stuck","time":"2026-03-02T14:00:00Z","host":"h","account":"a@c.com","item":{"path":"/p/1"}}"#;
        let text = format!("{good}\n{good}\n{{\"type\":\"heartbeat\",\"ti");
        let p = parse_text(&text, "w.ndjson").expect("read");
        let (docs, notes) = (p.docs, p.problems);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].rows[0].stuck, 1);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("line 3: cut off"), "{}", notes[0]);
        assert!(!notes[0].contains('\n'));
        // Ended by a line end, the bad line was written whole: an error.
        let e = parse_text(&format!("{text}\n"), "w.ndjson").expect_err("bad line");
        assert!(e.starts_with("line 3: not JSON"), "{e}");
        // A bad line in the middle is not a cut.
        let e = parse_text(&format!("{good}\n{{x\n{good}"), "w.ndjson").expect_err("bad");
        assert!(e.starts_with("line 2: not JSON"), "{e}");
        // Nothing complete at all: nothing to use.
        assert!(parse_text("{\"type\":\"heart", "w.ndjson").is_err());
        // A stream of one whole line is read as a stream.
        let p = parse_text(good, "w.ndjson").expect("one line");
        let (docs, notes) = (p.docs, p.problems);
        assert_eq!((docs[0].rows[0].stuck, notes.len()), (1, 0));
    }
}
