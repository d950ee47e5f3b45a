//! Rules fed by trace logs: `ews-auth-failed`, `ews-unreachable`, `ews-error`,
//! `client-build-unsupported`, `tracing-missing`. (`autoarchiving-disabled` from log values is
//! in `mailbox/policy.rs`, with the same rule from policy exports.)
//!
//! Events are grouped by the account they were tied to, else by the profile of the log.

use super::{finding, Context, RuleFamily};
use crate::model::{
    Account, EventKind, Evidence, Finding, ItemState, LogEvent, Model, Severity, SourceKind,
};
use std::collections::BTreeMap;

pub struct LogRules;

/// Evidence lines kept per finding (the report shows the first few and counts the rest).
const MAX_EVIDENCE: usize = 50;

/// Offline IM needs this client build, or `ONPREM_MIN` with an on-premises mailbox.
pub const OFFLINE_IM_MIN: [u32; 4] = [16, 0, 6701, 1000];
pub const ONPREM_MIN: [u32; 4] = [16, 0, 6920, 1000];

/// `16.0.6366.2062` → `[16, 0, 6366, 2062]`.
pub fn parse_version(s: &str) -> Option<[u32; 4]> {
    let mut v = [0u32; 4];
    let mut parts = s.trim().split('.');
    for slot in &mut v {
        *slot = parts.next()?.parse().ok()?;
    }
    Some(v)
}

pub(super) fn evidence(e: &LogEvent) -> Evidence {
    Evidence {
        link: None,
        path: e.path.clone(),
        line: Some(e.line),
        time: e.time,
        excerpt: Some(e.excerpt.clone()),
    }
}

/// Whom a group of events concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Owner {
    Account(usize),
    Profile(Option<String>),
}

fn owner(e: &LogEvent) -> Owner {
    match e.account {
        Some(a) => Owner::Account(a),
        None => Owner::Profile(e.profile.clone()),
    }
}

pub(super) fn make(m: &Model, o: &Owner, rule: &str, sev: Severity, title: String) -> Finding {
    match o {
        Owner::Account(a) => finding(rule, sev, m.accounts.get(*a), title),
        Owner::Profile(p) => {
            let mut f = finding(rule, sev, None, title);
            f.profile = p.clone();
            f
        }
    }
}

pub(super) type Groups<'a> = BTreeMap<Owner, Vec<&'a LogEvent>>;

pub(super) fn groups(m: &Model, keep: impl Fn(&LogEvent) -> bool) -> Groups<'_> {
    let mut g: BTreeMap<Owner, Vec<&LogEvent>> = BTreeMap::new();
    for e in m.events.iter().filter(|e| keep(e)) {
        g.entry(owner(e)).or_default().push(e);
    }
    g
}

/// What a failure is counted as in a title: its status, else its code, else its reason.
fn label(values: &BTreeMap<String, String>) -> String {
    values
        .get("status")
        .or_else(|| values.get("code"))
        .or_else(|| values.get("reason"))
        .cloned()
        .unwrap_or_else(|| "error".into())
}

/// What failures only counted in a group of many signatures are labelled when the group kept
/// no status ([`EventTally::is_pooled`]: codes and reasons past the store's group bound).
const UNLISTED: &str = "unlisted codes";

/// [`label`] of a tally: a pooled group without a status is [`UNLISTED`], not `error`.
fn tally_label(t: &crate::model::EventTally) -> String {
    if t.is_pooled()
        && !["status", "code", "reason"]
            .iter()
            .any(|k| t.values.contains_key(*k))
    {
        return UNLISTED.into();
    }
    label(&t.values)
}

type Time = chrono::DateTime<chrono::FixedOffset>;

/// Labels a failure title lists one by one (see [`Count::tally`]).
const MAX_LABELS: usize = 8;

/// Exact counts of failures by label, and their first and last time, per owner.
#[derive(Default)]
struct Count {
    by_label: BTreeMap<String, u64>,
    first: Option<Time>,
    last: Option<Time>,
}

impl Count {
    fn add(&mut self, label: String, n: u64, first: Option<Time>, last: Option<Time>) {
        if n == 0 {
            return;
        }
        *self.by_label.entry(label).or_default() += n;
        if let Some(t) = first {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
        }
        if let Some(t) = last {
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }

    /// `401 ×7, ErrorAccessDenied ×1`. Past [`MAX_LABELS`] labels (a log of ever new error
    /// codes), the most frequent ones and what the others add up to: a title stays one line.
    fn tally(&self) -> String {
        let mut labels: Vec<(&String, &u64)> = self.by_label.iter().collect();
        let mut rest = String::new();
        if labels.len() > MAX_LABELS {
            labels.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let more = labels.split_off(MAX_LABELS - 1);
            let n: u64 = more.iter().map(|(_, n)| **n).sum();
            rest = format!(", {} other labels ×{n}", more.len());
        }
        let shown: Vec<String> = labels.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        shown.join(", ") + &rest
    }

    /// When the failures happened, in the display zone and tagged with its offset: one instant,
    /// or a range earliest first (logs in different zones compare by instant).
    fn span(&self, zone: crate::clock::Zone) -> String {
        match (self.first, self.last) {
            (Some(a), Some(b)) => {
                let (a, b) = if b < a { (b, a) } else { (a, b) };
                let r = zone.range(&a, &b, "%Y-%m-%d", "%H:%M");
                let at = if r.contains('–') { "" } else { "at " };
                if r.contains(" UTC") {
                    format!(", {at}{r}")
                } else {
                    format!(", {at}{r} {}", zone.tag_at(&a))
                }
            }
            _ => String::new(),
        }
    }
}

fn is_problem(kind: EventKind, values: &BTreeMap<String, String>, problem: &str) -> bool {
    matches!(kind, EventKind::EwsFailure | EventKind::SoapFault)
        && values.get("problem").map(String::as_str) == Some(problem)
}

/// Exact failure counts per owner: from the logs' tallies (every occurrence, kept or not), and
/// from kept events of logs without tallies (a model built by hand, a partial reload).
fn problem_counts(m: &Model, problem: &str) -> BTreeMap<Owner, Count> {
    let mut counts: BTreeMap<Owner, Count> = BTreeMap::new();
    let mut tallied = std::collections::BTreeSet::new();
    for s in &m.sources {
        let Some(l) = &s.log else { continue };
        if l.tallies.is_empty() {
            continue;
        }
        tallied.insert(s.path.as_path());
        for t in l
            .tallies
            .iter()
            .filter(|t| is_problem(t.kind, &t.values, problem))
        {
            let o = match t.account {
                Some(a) => Owner::Account(a),
                None => Owner::Profile(t.profile.clone()),
            };
            // A second marker of the same failure on one record is not a second failure.
            let n = t.occurrences - t.same_record;
            counts
                .entry(o)
                .or_default()
                .add(tally_label(t), n, t.first, t.last);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for e in m
        .events
        .iter()
        .filter(|e| is_problem(e.kind, &e.values, problem) && !tallied.contains(e.path.as_path()))
    {
        if seen.insert((&e.path, e.line)) {
            counts
                .entry(owner(e))
                .or_default()
                .add(label(&e.values), 1, e.time, e.time);
        }
    }
    counts
}

fn problem_rule(ctx: &Context<'_>, problem: &str, rule: &str, words: &str, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let mut g = groups(m, |e| is_problem(e.kind, &e.values, problem));
    for (o, c) in problem_counts(m, problem) {
        let mut evs = g.remove(&o).unwrap_or_default();
        // Two markers on one line (`401 Unauthorized hr=0x80190191`) are one piece of evidence.
        let mut seen = std::collections::BTreeSet::new();
        evs.retain(|e| seen.insert((&e.path, e.line)));
        let title = format!("{words}: {}{}", c.tally(), c.span(ctx.settings.zone));
        let mut f = make(m, &o, rule, Severity::Warning, title);
        f.evidence = evs.iter().take(MAX_EVIDENCE).map(|e| evidence(e)).collect();
        out.push(f);
    }
}

/// Judged from EWS URLs in the logs: a host outside Exchange Online means on-premises.
fn mailbox_on_prem(evs: &[&LogEvent]) -> Option<bool> {
    let mut seen = None;
    for e in evs {
        let Some(url) = e.values.get("url") else {
            continue;
        };
        let lower = url.to_ascii_lowercase();
        if !(lower.contains("/ews/") || lower.contains("exchange.asmx")) {
            continue;
        }
        let host = lower
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', ':']).next())
            .unwrap_or("");
        let online = ["office365.com", "office.com", "outlook.com", "office365.us"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")));
        if online {
            return Some(false);
        }
        seen = Some(true);
    }
    seen
}

/// The logs that may not speak for the user's own client: a server `cls` trace, and any log
/// that is not a UccApilog, not under a user profile and not named like the client's trace
/// (`*uccapi*`), such as a converted trace collected from elsewhere.
fn not_client_logs(m: &Model) -> std::collections::BTreeSet<&std::path::Path> {
    m.sources
        .iter()
        .filter(|s| s.log.is_some())
        .filter(|s| {
            let named = s
                .path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().contains("uccapi"));
            let own = s.kind == SourceKind::Uccapilog
                || named
                || s.log.as_ref().is_some_and(|l| l.profile.is_some());
            s.kind == SourceKind::Cls || !own
        })
        .map(|s| s.path.as_path())
        .collect()
}

fn client_build(m: &Model, out: &mut Vec<Finding>) {
    // The client's own version: from messages it sent, or a version line (not from received
    // messages, whose User-Agent is the peer's or the server's).
    let others = not_client_logs(m);
    let g = groups(m, |e| {
        e.kind == EventKind::ClientVersion
            && e.values.get("direction").map(String::as_str) != Some("received")
            // A server trace shows many clients, never the user's own (see `clients-seen`).
            && e.values.get("trace").map(String::as_str) != Some("server")
            && !others.contains(e.path.as_path())
            && e.values
                .get("version")
                .and_then(|v| parse_version(v))
                .is_some()
    });
    let ews = groups(m, |e| {
        matches!(e.kind, EventKind::EwsRequest | EventKind::EwsFailure)
    });
    for (o, evs) in g {
        let Some(last) = last_written(&evs) else {
            continue;
        };
        let vs = last.values["version"].clone();
        let Some(v) = parse_version(&vs) else {
            continue;
        };
        let on_prem = ews
            .get(&o)
            .and_then(|x| mailbox_on_prem(x))
            .unwrap_or(false);
        let title = if v[0] < 16 {
            format!(
                "client build {vs} is not Skype for Business 2016 Click-to-Run: it cannot send Offline IM at all"
            )
        } else if v < OFFLINE_IM_MIN {
            format!("Offline IM needs 16.0.6701.1000 or later; this client is {vs}")
        } else if on_prem && v < ONPREM_MIN {
            format!(
                "Offline IM with an on-premises mailbox needs 16.0.6920.1000 or later; this client is {vs} (mailbox judged on-premises from the EWS URL host)"
            )
        } else {
            continue;
        };
        let mut f = make(m, &o, "client-build-unsupported", Severity::Critical, title);
        f.evidence.push(evidence(last));
        out.push(f);
    }
}

/// The event written last: in the newest file (files ranked by the latest time they hold),
/// its last line. A log is written in order, so a record whose time could not be read still
/// stands after the records above it; ranking events by time alone put it first.
fn last_written<'a>(evs: &[&'a LogEvent]) -> Option<&'a LogEvent> {
    let mut newest: BTreeMap<&std::path::Path, Option<chrono::DateTime<chrono::FixedOffset>>> =
        BTreeMap::new();
    for e in evs {
        let t = newest.entry(e.path.as_path()).or_default();
        *t = (*t).max(e.time);
    }
    let (file, _) = newest.into_iter().max_by_key(|&(_, t)| t)?;
    evs.iter()
        .copied()
        .filter(|e| e.path.as_path() == file)
        .max_by_key(|e| e.line)
}

fn tracing_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    if !m.logs_scanned {
        return;
    }
    let has_log = |a: &Account| {
        m.sources.iter().any(|s| {
            s.kind != SourceKind::Spooler
                && s.kind != SourceKind::MailboxItems
                && s.kind != SourceKind::MailboxFolderStats
                && s.log.as_ref().is_some_and(|l| {
                    l.profile == a.profile
                        && (l.client.is_none_or(|c| c == a.client)
                            || l.account.as_deref() == Some(&a.address))
                })
        })
    };
    // Stuck items per account, counted in one pass.
    let mut stuck_by = vec![0usize; m.accounts.len()];
    for it in &m.items {
        if it.state(ctx.clock) == ItemState::Stuck {
            if let Some(n) = stuck_by.get_mut(it.account) {
                *n += 1;
            }
        }
    }
    for (i, a) in m.accounts.iter().enumerate() {
        let Some(sp) = &a.spooler else { continue };
        let stuck = stuck_by[i];
        if has_log(a) {
            continue;
        }
        let title = if stuck == 0 {
            "no trace log found for this account: turn logging on before the next failure"
                .to_string()
        } else {
            format!(
                "{stuck} stuck item{} but no trace log found for this account: the logs would say why",
                if stuck == 1 { "" } else { "s" }
            )
        };
        let mut f = finding("tracing-missing", Severity::Info, Some(a), title);
        f.evidence.push(Evidence::file(sp));
        out.push(f);
    }
}

impl RuleFamily for LogRules {
    fn rules(&self) -> &'static [&'static str] {
        &[
            "ews-auth-failed",
            "ews-unreachable",
            "ews-error",
            "client-build-unsupported",
            "tracing-missing",
        ]
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let m = ctx.model;
        problem_rule(
            ctx,
            "auth",
            "ews-auth-failed",
            "EWS refused the client",
            out,
        );
        problem_rule(
            ctx,
            "unreachable",
            "ews-unreachable",
            "EWS or Autodiscover could not be reached",
            out,
        );
        problem_rule(ctx, "error", "ews-error", "EWS answered with errors", out);
        client_build(m, out);
        tracing_missing(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Context, RuleSettings};
    use crate::model::{ClientGen, Clock};
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn ev(kind: EventKind, line: u64, values: &[(&str, &str)]) -> LogEvent {
        LogEvent {
            path: PathBuf::from("L.UccApilog"),
            line,
            time: chrono::DateTime::parse_from_rfc3339("2026-03-02T09:41:00Z").ok(),
            level: None,
            thread: None,
            kind,
            marker: "m".into(),
            account: Some(0),
            profile: Some("jdoe".into()),
            excerpt: format!("line {line}"),
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A title lists at most [`MAX_LABELS`] labels: the most frequent, then what the others
    /// add up to (a log of ever new error codes once gave a title of a thousand labels).
    #[test]
    fn failure_titles_name_the_most_frequent_labels_and_sum_the_rest() {
        let mut c = Count::default();
        for (l, n) in [("401", 2), ("403", 1)] {
            c.add(l.into(), n, None, None);
        }
        assert_eq!(
            c.tally(),
            "401 ×2, 403 ×1",
            "few labels: all, in label order"
        );
        let mut c = Count::default();
        c.add("0x80190191".into(), 50, None, None);
        c.add("0x80190194".into(), 20, None, None);
        for i in 0..1000u64 {
            c.add(format!("0x8007{i:04x}"), 1 + i % 2, None, None);
        }
        let t = c.tally();
        assert!(
            t.starts_with("0x80190191 ×50, 0x80190194 ×20, 0x80070001 ×2, "),
            "{t}"
        );
        assert_eq!(t.matches('×').count(), MAX_LABELS, "{t}");
        let total: u64 = t
            .split(", ")
            .map(|p| {
                p.rsplit('×')
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .expect(p)
            })
            .sum();
        assert_eq!(total, 50 + 20 + 1500, "every failure is counted: {t}");
        assert!(t.ends_with("995 other labels ×1490"), "{t}");
    }

    fn run(events: Vec<LogEvent>) -> Vec<Finding> {
        let model = Model {
            accounts: vec![Account {
                address: "jdoe@contoso.com".into(),
                client: ClientGen::Office16,
                profile: Some("jdoe".into()),
                dir: PathBuf::from("sip_jdoe@contoso.com"),
                spooler: None,
            }],
            events,
            ..Model::default()
        };
        let settings = RuleSettings::default();
        let ctx = Context {
            model: &model,
            clock: Clock {
                now: chrono::Utc::now(),
                stuck_after: std::time::Duration::from_secs(120),
            },
            settings: &settings,
        };
        let mut out = Vec::new();
        LogRules.evaluate(&ctx, &mut out);
        out
    }

    /// `autoarchiving-disabled` from log values: emitted by the mailbox family (with the same
    /// rule from policy exports), so this runs every family and keeps that rule's findings.
    fn run_autoarchiving(events: Vec<LogEvent>) -> Vec<Finding> {
        let model = Model {
            events,
            ..Model::default()
        };
        let settings = RuleSettings::default();
        let ctx = Context {
            model: &model,
            clock: Clock {
                now: chrono::Utc::now(),
                stuck_after: std::time::Duration::from_secs(120),
            },
            settings: &settings,
        };
        let mut out = super::super::diagnose(&ctx);
        out.retain(|f| f.rule == "autoarchiving-disabled");
        assert!(
            run(model.events.clone()).is_empty(),
            "the log family must not emit it"
        );
        out
    }

    #[test]
    fn versions_compare() {
        assert!(parse_version("16.0.6366.2062").expect("v") < OFFLINE_IM_MIN);
        assert!(parse_version("16.0.6701.1000").expect("v") >= OFFLINE_IM_MIN);
        assert!(parse_version("16.0.10000.1").expect("v") > ONPREM_MIN);
        assert_eq!(parse_version("16.0"), None);
    }

    #[test]
    fn build_rules_ignore_received_user_agents_and_see_on_prem() {
        let f = run(vec![ev(
            EventKind::ClientVersion,
            7,
            &[("version", "16.0.6366.2062"), ("direction", "sent")],
        )]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0].line, Some(7));
        let f = run(vec![ev(
            EventKind::ClientVersion,
            7,
            &[("version", "16.0.6366.2062"), ("direction", "received")],
        )]);
        assert!(f.is_empty());
        let v = ("version", "16.0.6800.1000");
        assert!(run(vec![ev(EventKind::ClientVersion, 1, &[v])]).is_empty());
        let f = run(vec![
            ev(EventKind::ClientVersion, 1, &[v]),
            ev(
                EventKind::EwsRequest,
                2,
                &[("url", "https://mail.contoso.com/EWS/Exchange.asmx")],
            ),
        ]);
        assert!(f[0].title.contains("on-premises"), "{}", f[0].title);
        let f = run(vec![ev(
            EventKind::ClientVersion,
            1,
            &[("version", "4.0.7577.4051")],
        )]);
        assert!(f[0].title.contains("cannot send Offline IM at all"));
    }

    /// The build the log names last counts, even when that record's time could not be read;
    /// across files, the newest file's last one.
    #[test]
    fn the_last_written_version_counts_even_undated() {
        let v = |line, version: &str, dated: bool| {
            let mut e = ev(EventKind::ClientVersion, line, &[("version", version)]);
            if !dated {
                e.time = None;
            }
            e
        };
        // An upgrade: old build first, the new one last but undated.
        assert!(run(vec![
            v(1, "16.0.6366.2062", true),
            v(9, "16.0.7000.1000", false)
        ])
        .is_empty());
        // A downgrade the other way round raises it, citing the last line.
        let f = run(vec![
            v(1, "16.0.7000.1000", true),
            v(9, "16.0.6366.2062", false),
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0].line, Some(9));
        // Two files: the one with the later times is the newer, whatever its line numbers.
        let mut old = v(50, "16.0.6366.2062", true);
        old.path = PathBuf::from("L.UccApilog.bak");
        old.time = chrono::DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z").ok();
        assert!(run(vec![old.clone(), v(2, "16.0.7000.1000", true)]).is_empty());
        let f = run(vec![old, v(2, "16.0.6366.2062", true)]);
        assert_eq!(f[0].evidence[0].line, Some(2));
    }

    #[test]
    fn autoarchiving_false_is_critical_and_lists_other_values() {
        let f = run_autoarchiving(vec![
            ev(
                EventKind::Policy,
                3,
                &[("policy", "EnableIMAutoArchiving"), ("value", "false")],
            ),
            ev(
                EventKind::Policy,
                4,
                &[("policy", "TracingLevel"), ("value", "Full")],
            ),
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(f[0].title.contains("TracingLevel=Full"));
        let f = run_autoarchiving(vec![ev(
            EventKind::Policy,
            3,
            &[("policy", "EnableIMAutoArchiving"), ("value", "true")],
        )]);
        assert!(f.is_empty());
    }

    #[test]
    fn ews_problems_map_to_their_rules() {
        let f = run(vec![
            ev(
                EventKind::EwsFailure,
                1,
                &[("problem", "auth"), ("status", "401")],
            ),
            ev(
                EventKind::EwsFailure,
                2,
                &[("problem", "auth"), ("status", "401")],
            ),
            ev(
                EventKind::EwsFailure,
                3,
                &[("problem", "unreachable"), ("status", "404")],
            ),
            ev(
                EventKind::SoapFault,
                4,
                &[("problem", "error"), ("code", "ErrorQuotaExceeded")],
            ),
            ev(EventKind::EwsFailure, 5, &[]),
        ]);
        let rules: Vec<&str> = f.iter().map(|x| x.rule.as_str()).collect();
        assert_eq!(rules, ["ews-auth-failed", "ews-unreachable", "ews-error"]);
        assert!(f[0].title.contains("401 ×2"), "{}", f[0].title);
        assert_eq!(f[0].evidence.len(), 2);
    }

    /// Failures of ever new HRESULTs past the group bound are pooled without a status: their
    /// title counts them all as "unlisted codes", not as "error".
    #[test]
    fn pooled_failures_without_a_status_are_unlisted_codes() {
        let mut events = Vec::new();
        for i in 0..40u64 {
            let code = format!("0x8007{:04x}", 0x100 + i);
            let mut e = ev(EventKind::EwsFailure, i + 1, &[("code", code.as_str())]);
            e.values.insert("problem".into(), "unreachable".into());
            e.marker = "ews-hresult".into();
            events.push(e);
        }
        for i in 0..3u64 {
            let mut e = ev(EventKind::EwsFailure, 100 + i, &[("status", "503")]);
            e.values.insert("problem".into(), "unreachable".into());
            e.marker = "ews-http-error".into();
            events.push(e);
        }
        let (model, pooled) = stored(&events, 4);
        assert!(pooled > 0, "nothing pooled");
        let counts = problem_counts(&model, "unreachable");
        let by_label: BTreeMap<String, u64> = counts
            .values()
            .flat_map(|c| c.by_label.iter().map(|(l, n)| (l.clone(), *n)))
            .fold(BTreeMap::new(), |mut m, (l, n)| {
                *m.entry(l).or_default() += n;
                m
            });
        assert_eq!(by_label.values().sum::<u64>(), 43, "{by_label:?}");
        assert!(!by_label.contains_key("error"), "{by_label:?}");
        assert!(
            by_label.get(UNLISTED).is_some_and(|&n| n > 0),
            "{by_label:?}"
        );
        assert_eq!(by_label.get("503"), Some(&3), "{by_label:?}");
    }

    /// Markers of the property below: kind, marker, problem.
    const MARKERS: [(EventKind, &str, Option<&str>); 5] = [
        (EventKind::EwsFailure, "ews-http-denied", Some("auth")),
        (EventKind::EwsFailure, "ews-hresult-denied", Some("auth")),
        (EventKind::EwsFailure, "ews-http-error", Some("unreachable")),
        (EventKind::SoapFault, "soap-fault", Some("error")),
        (EventKind::HttpStatus, "http-status", None),
    ];
    const STATUSES: [&str; 7] = ["401", "403", "404", "500", "503", "", "4010"];

    /// A record of a log: its account and its events as (marker, status, reason) (indexes
    /// into [`MARKERS`] and [`STATUSES`]).
    type Record = (usize, Vec<(usize, usize, u32)>);

    /// Records of a log, one line each.
    fn records() -> impl Strategy<Value = Vec<Record>> {
        let event = (0..MARKERS.len(), 0..STATUSES.len(), 0u32..1_000_000);
        prop::collection::vec((0usize..2, prop::collection::vec(event, 1..4)), 1..700)
    }

    /// The events of `records`: each a signature of its own (its `reason`), a record's
    /// events on one line at one time.
    fn record_events(records: &[Record]) -> Vec<LogEvent> {
        let start = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").expect("t");
        let mut out = Vec::new();
        for (i, (account, evs)) in records.iter().enumerate() {
            let line = i as u64 + 1;
            for &(m, st, reason) in evs {
                let (kind, marker, problem) = MARKERS[m];
                let mut e = ev(kind, line, &[("reason", &format!("r{reason}"))]);
                e.time = Some(start + chrono::Duration::seconds(line as i64 * 7));
                e.marker = marker.into();
                e.account = Some(*account);
                if let Some(p) = problem {
                    e.values.insert("problem".into(), p.into());
                }
                if !STATUSES[st].is_empty() {
                    e.values.insert("status".into(), STATUSES[st].into());
                }
                if m == 1 {
                    e.values.insert("code".into(), "0x80190191".into());
                }
                out.push(e);
            }
        }
        out
    }

    /// A model of one log read through a store of `groups` groups, as a scan leaves it.
    fn stored(events: &[LogEvent], groups: usize) -> (Model, usize) {
        let bound = crate::model::EventBound {
            first: 1,
            last: 1,
            spread: 1,
            groups,
            ..Default::default()
        };
        let mut store = crate::model::EventStore::new(bound);
        store.absorb(events.iter().cloned());
        let (kept, tallies) = store.finish();
        let pooled = tallies.iter().filter(|t| t.is_pooled()).count();
        let model = Model {
            events: kept,
            sources: vec![crate::model::Source {
                path: PathBuf::from("L.UccApilog"),
                kind: SourceKind::Uccapilog,
                records: 0,
                skipped: 0,
                log: Some(crate::model::LogSummary {
                    tallies,
                    ..Default::default()
                }),
            }],
            ..Model::default()
        };
        (model, pooled)
    }

    /// Per owner: the failures counted, their first and last time, and the counts of those
    /// labelled with an HTTP status (a pooled group without its status labels by what it
    /// kept, not by code or reason).
    type Counted = BTreeMap<Owner, (u64, Option<Time>, Option<Time>, BTreeMap<String, u64>)>;

    fn counted(m: &Model, problem: &str) -> Counted {
        problem_counts(m, problem)
            .into_iter()
            .map(|(o, c)| {
                let total = c.by_label.values().sum();
                let mut labels = c.by_label;
                labels.retain(|l, _| l.len() == 3 && l.parse::<u16>().is_ok());
                (o, (total, c.first, c.last, labels))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Many signatures past a small group bound: the failures the rules count per owner
        /// and problem, and their first and last time, are those of a store that pools
        /// nothing; so are the counts per status while the pooled groups with a status are
        /// within their budget.
        #[test]
        fn pooled_failures_are_counted_like_unpooled_ones(
            records in records(),
            groups in 32usize..256,
        ) {
            let events = record_events(&records);
            let (small, pooled) = stored(&events, groups);
            let (all, none) = stored(&events, usize::MAX);
            prop_assert_eq!(none, 0);
            let combos: std::collections::BTreeSet<_> = events
                .iter()
                .filter_map(|e| {
                    let st = e.values.get("status")?;
                    (st.len() == 3).then_some((e.account, &e.marker, st))
                })
                .collect();
            let by_status = combos.len() <= groups / 4;
            for problem in ["auth", "unreachable", "error"] {
                let want = counted(&all, problem);
                let got = counted(&small, problem);
                if by_status {
                    prop_assert_eq!(&got, &want, "{} pooled groups", pooled);
                } else {
                    let totals = |c: &Counted| {
                        c.iter().map(|(o, x)| (o.clone(), (x.0, x.1, x.2))).collect::<Vec<_>>()
                    };
                    prop_assert_eq!(totals(&got), totals(&want), "{} pooled groups", pooled);
                }
            }
            // The bound was passed whenever there were more signatures than groups.
            let signatures = all.sources[0].log.as_ref().map_or(0, |l| l.tallies.len());
            prop_assert_eq!(pooled > 0, signatures > groups);
        }
    }
}
