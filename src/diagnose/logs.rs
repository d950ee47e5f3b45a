//! Rules fed by trace logs: `ews-auth-failed`, `ews-unreachable`, `ews-error`,
//! `client-build-unsupported`, `tracing-missing`. (`autoarchiving-disabled` from log values is
//! in `mailbox/policy.rs`, with the same rule from policy exports.)
//!
//! Events are grouped by the account they were tied to, else by the profile of the log.

use super::{finding, Context, RuleFamily};
use crate::model::{
    EventKind, Evidence, Finding, ItemState, LogEvent, Model, Severity, SourceKind,
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

/// What a failure is counted as in a title: its status, else its code, else its reason, else
/// its problem.
fn label(kind: EventKind, values: &BTreeMap<String, String>) -> String {
    values
        .get("status")
        .or_else(|| values.get("code"))
        .or_else(|| values.get("reason"))
        .cloned()
        .or_else(|| problem_of(kind, values).map(str::to_string))
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
    label(t.kind, &t.values)
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

/// The rule problem of a failure: `auth`, `unreachable` or `error`, compared without ASCII
/// case (a model built by hand may hold `Auth`; the classifier lower-cases what it reads).
fn problem_of(kind: EventKind, values: &BTreeMap<String, String>) -> Option<&'static str> {
    if !matches!(kind, EventKind::EwsFailure | EventKind::SoapFault) {
        return None;
    }
    let given = values.get("problem")?;
    crate::parse::markers::PROBLEMS
        .iter()
        .find(|p| p.eq_ignore_ascii_case(given))
        .copied()
}

fn is_problem(kind: EventKind, values: &BTreeMap<String, String>, problem: &str) -> bool {
    problem_of(kind, values) == Some(problem)
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
                .add(label(e.kind, &e.values), 1, e.time, e.time);
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

/// How many leading components two paths share.
fn shared_lead(a: &std::path::Path, b: &std::path::Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .count()
}

fn tracing_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    if !m.logs_scanned {
        return;
    }
    // Which accounts have a log, decided per account (not per address): a log counts for
    // the accounts of its profile and client; failing those, for its profile's account of the
    // address it was given to. Of several, those whose folder shares the longest leading path
    // with the log (two machines' copies of one profile each keep their own logs).
    let mut has_log = vec![false; m.accounts.len()];
    for l in m.sources.iter().filter(|s| {
        s.kind != SourceKind::Spooler
            && s.kind != SourceKind::MailboxItems
            && s.kind != SourceKind::MailboxFolderStats
    }) {
        let Some(log) = &l.log else { continue };
        let of_profile = || {
            m.accounts
                .iter()
                .enumerate()
                .filter(|(_, a)| a.profile == log.profile)
        };
        let mut owners: Vec<usize> = of_profile()
            .filter(|(_, a)| log.client.is_none_or(|c| c == a.client))
            .map(|(i, _)| i)
            .collect();
        if owners.is_empty() {
            owners = of_profile()
                .filter(|(_, a)| log.account.as_deref() == Some(&a.address))
                .map(|(i, _)| i)
                .collect();
        }
        if log.profile.is_some() {
            let shared = |i: &usize| shared_lead(&l.path, &m.accounts[*i].dir);
            let best = owners.iter().map(shared).max().unwrap_or(0);
            owners.retain(|i| shared(i) == best);
        }
        for i in owners {
            has_log[i] = true;
        }
    }
    // Stuck items per account, counted in one pass.
    let mut stuck_by = vec![0usize; m.accounts.len()];
    for it in &m.items {
        if it.state(ctx.clock) == ItemState::Stuck {
            if let Some(n) = stuck_by.get_mut(it.account) {
                *n += 1;
            }
        }
    }
    // A trace log found but not read under an account's client folder (its `Tracing` beside
    // the `sip_*` folder): the account has a log, unread, not none.
    // Each folder above an unread log, to the first unread log under it (one pass over the
    // errors; an account then looks its client folder up).
    let mut unread_under: std::collections::HashMap<&std::path::Path, &crate::model::ScanError> =
        std::collections::HashMap::new();
    for e in m.errors.iter().filter(|e| e.is_unread_log()) {
        for dir in e.path.ancestors().skip(1) {
            unread_under.entry(dir).or_insert(e);
        }
    }
    let unread_log = |a: &crate::model::Account| unread_under.get(a.dir.parent()?).copied();
    for (i, a) in m.accounts.iter().enumerate() {
        let Some(sp) = &a.spooler else { continue };
        let stuck = stuck_by[i];
        if has_log[i] {
            continue;
        }
        if let Some(e) = unread_log(a) {
            let title = format!(
                "{}a trace log of this account was found but could not be read (see errors): make it readable and run again",
                match stuck {
                    0 => String::new(),
                    1 => "1 stuck item; ".to_string(),
                    n => format!("{n} stuck items; "),
                }
            );
            let mut f = finding("tracing-missing", Severity::Info, Some(a), title);
            f.evidence.push(Evidence::file(&e.path));
            f.evidence.push(Evidence::file(sp));
            out.push(f);
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

/// How far past `now` a log's last record may be dated before it is said: clocks of two
/// machines differ by seconds; a log read in the wrong zone is off by whole hours.
pub const AHEAD_TOLERANCE_MINUTES: i64 = 15;

/// `log-clock-ahead`: a log whose records are dated later than now (a zone-less log read in
/// the wrong `--log-tz`, or a clock that was wrong): its times, and what they are compared
/// with, cannot be trusted. One finding per log file.
fn clock_ahead(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let now = ctx.clock.now;
    for s in &m.sources {
        let Some(log) = &s.log else { continue };
        let Some(last) = log.last else { continue };
        let ahead = last.with_timezone(&chrono::Utc) - now;
        if ahead <= chrono::Duration::minutes(AHEAD_TOLERANCE_MINUTES) {
            continue;
        }
        let account = m.accounts.iter().find(|a| {
            log.account.as_deref() == Some(a.address.as_str())
                && a.profile == log.profile
                && log.client.is_none_or(|c| c == a.client)
        });
        let mins = ahead.num_minutes();
        let name = s
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let title = format!(
            "{name}: records dated up to {}h {:02}m after now (zone-less stamps read as {}): a wrong --log-tz, or a wrong clock",
            mins / 60,
            mins % 60,
            log.time_zone
        );
        let mut f = finding("log-clock-ahead", Severity::Info, account, title);
        let mut e = Evidence::file(&s.path);
        e.time = Some(last);
        f.evidence.push(e);
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
            "log-clock-ahead",
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
        clock_ahead(ctx, out);
    }
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
