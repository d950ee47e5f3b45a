//! Tests of the log rules (`super` is `diagnose::logs`).
use super::*;
use crate::diagnose::{Context, RuleSettings};
use crate::model::{Account, ClientGen, Clock};
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
    evaluate(&model)
}

/// The log rules' findings on `model`, now, with the default settings.
fn evaluate(model: &Model) -> Vec<Finding> {
    let settings = RuleSettings::default();
    let ctx = Context {
        model,
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

/// A `problem` in another ASCII case counts as its own (the classifier lower-cases what it
/// reads; a model may come from elsewhere). An unknown problem feeds none of the three rules
/// here: the classifier settles it to `error` (`parse::markers::settle_problem`).
#[test]
fn problems_in_any_ascii_case_map_to_their_rules() {
    for (p, rule) in [
        ("AUTH", "ews-auth-failed"),
        ("Unreachable", "ews-unreachable"),
        ("Error", "ews-error"),
    ] {
        let f = run(vec![ev(EventKind::EwsFailure, 3, &[("problem", p)])]);
        let rules: Vec<&str> = f.iter().map(|x| x.rule.as_str()).collect();
        assert_eq!(rules, [rule], "{p}");
        assert_eq!(f[0].evidence[0].line, Some(3));
    }
    // What the classifier makes of an ews-failure without a known problem raises ews-error,
    // labelled by the reason it adds.
    let mut values: BTreeMap<String, String> = [("reason".to_string(), "quota".to_string())].into();
    crate::parse::markers::settle_problem(&mut values);
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let f = run(vec![ev(EventKind::EwsFailure, 3, &pairs)]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "ews-error");
    assert!(
        f[0].title.contains("quota (cause unknown) ×1"),
        "{}",
        f[0].title
    );
}

/// A failure without a status, code or reason is labelled by its problem, not "error".
#[test]
fn a_failure_without_status_is_labelled_by_its_problem() {
    let f = run(vec![ev(EventKind::EwsFailure, 3, &[("problem", "auth")])]);
    assert_eq!(f[0].rule, "ews-auth-failed");
    assert!(
        f[0].title.starts_with("EWS refused the client: auth ×1"),
        "{}",
        f[0].title
    );
    let f = run(vec![ev(
        EventKind::EwsFailure,
        3,
        &[("problem", "unreachable")],
    )]);
    assert!(f[0].title.contains(": unreachable ×1"), "{}", f[0].title);
    let f = run(vec![ev(
        EventKind::EwsFailure,
        3,
        &[("problem", "auth"), ("status", "401")],
    )]);
    assert!(f[0].title.contains(": 401 ×1"), "{}", f[0].title);
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

/// `tracing-missing` for an account whose trace log was found but could not be read says so
/// and names the log (it said "no trace log found"); an unread log under another account's
/// client folder does not count for this one.
#[test]
fn an_unread_trace_log_is_not_called_missing() {
    let lync = PathBuf::from("/c/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync");
    let other = PathBuf::from("/c/Users/rlee/AppData/Local/Microsoft/Office/16.0/Lync");
    let account = |base: &PathBuf, who: &str| Account {
        address: format!("{who}@contoso.com"),
        client: ClientGen::Office16,
        profile: Some(who.into()),
        dir: base.join(format!("sip_{who}@contoso.com")),
        spooler: Some(
            base.join(format!("sip_{who}@contoso.com"))
                .join("History Spooler"),
        ),
    };
    let log = lync.join("Tracing").join("Lync-UccApi-0.UccApilog");
    let model = Model {
        accounts: vec![account(&lync, "jdoe"), account(&other, "rlee")],
        logs_scanned: true,
        errors: vec![crate::model::ScanError::log_not_read(
            &log,
            "permission denied",
        )],
        ..Model::default()
    };
    let out = evaluate(&model);
    let missing: Vec<&Finding> = out.iter().filter(|f| f.rule == "tracing-missing").collect();
    assert_eq!(missing.len(), 2, "{missing:#?}");
    let of = |who: &str| {
        missing
            .iter()
            .find(|f| f.account.as_deref() == Some(&format!("{who}@contoso.com")))
            .expect(who)
    };
    let jdoe = of("jdoe");
    assert!(jdoe.title.contains("could not be read"), "{}", jdoe.title);
    assert!(jdoe.evidence.iter().any(|e| e.path == log), "{jdoe:#?}");
    let rlee = of("rlee");
    assert!(rlee.title.contains("no trace log found"), "{}", rlee.title);
}
