//! Issue 14: every log event is counted, a bounded number is kept. Counts (per kind, per group)
//! do not depend on the exemplar bound; the first and the last occurrence of every group are
//! kept; a failure-dense log keeps a bounded number of events; and a finding counts every
//! failure (100 000 401s say 100 000) while only a few are kept.

use crate::common::*;
use proptest::prelude::*;
use serde_json::Value;
use spoolscope::corpus::{write_uccapilog_profile, Profile};
use spoolscope::model::{EventBound, SourceKind};
use spoolscope::parse::logs::{parse_log, LogOutput, ParseOptions};
use spoolscope::parse::markers::Markers;
use std::path::Path;

fn failure_dense(seed: u64, bytes: u64) -> Vec<u8> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date");
    let mut log = Vec::new();
    write_uccapilog_profile(&mut log, seed, bytes, start, Profile::FailureDense).expect("gen");
    log
}

fn parse(log: &[u8], bound: EventBound) -> LogOutput {
    let m = Markers::builtin().expect("markers");
    let mut opts = ParseOptions::utc(&m);
    opts.bound = bound;
    parse_log(log, SourceKind::Uccapilog, Path::new("d.UccApilog"), &opts).expect("parse")
}

/// A bound large enough that nothing is summarised in these small logs.
fn keep_all() -> EventBound {
    EventBound {
        first: usize::MAX / 4,
        last: 0,
        spread: 0,
        groups: usize::MAX / 4,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the bound: the same counts per kind, the same total per (kind, marker), every
    /// group not pooled has the exact tally of the unbounded run, and its true first and last
    /// occurrences are among the kept events (when the bound keeps any first / last).
    #[test]
    fn counts_do_not_depend_on_the_bound(
        seed in 0u64..1000,
        first in 0usize..4,
        last in 0usize..4,
        spread in 0usize..5,
        groups in 1usize..40,
    ) {
        let log = failure_dense(seed, 48 << 10);
        let all = parse(&log, keep_all());
        let b = EventBound { first, last, spread, groups };
        let few = parse(&log, b);
        prop_assert_eq!(&all.counts, &few.counts);
        prop_assert_eq!(all.not_kept, few.not_kept);
        prop_assert!(all.tallies.iter().all(|t| t.occurrences == t.shown));
        let total = |o: &LogOutput| o.tallies.iter().map(|t| t.occurrences).sum::<u64>();
        prop_assert_eq!(total(&all), total(&few));
        prop_assert_eq!(total(&all), all.events.len() as u64);
        prop_assert!(few.tallies.len() <= groups + 64, "groups bounded: {}", few.tallies.len());
        for t in &few.tallies {
            prop_assert!(t.shown as usize <= first + last + spread);
            if t.values.contains_key("signature") {
                continue; // pooled: counted, not comparable to one group
            }
            let same = all.tallies.iter().find(|a| {
                a.kind == t.kind && a.marker == t.marker && a.values == t.values
                    && a.account == t.account
            });
            let same = same.expect("the group exists in the unbounded run");
            prop_assert_eq!(
                (same.occurrences, same.first_line, same.last_line, same.first, same.last),
                (t.occurrences, t.first_line, t.last_line, t.first, t.last)
            );
            let kept_at = |line: u64| {
                few.events.iter().any(|e| {
                    e.line == line && e.kind == t.kind && e.marker == t.marker
                })
            };
            if first > 0 {
                prop_assert!(kept_at(t.first_line), "first of {:?} kept", t.values);
            }
            if last > 0 {
                prop_assert!(kept_at(t.last_line), "last of {:?} kept", t.values);
            }
        }
        // The kept events are a subset of all events, in the same order.
        let mut it = all.events.iter();
        for e in &few.events {
            prop_assert!(it.any(|a| a == e), "kept event {}:{} not in order", e.line, e.marker);
        }
    }
}

/// The failure-dense shape (small): every failure, SIP error and policy value is counted, and
/// the events kept stay within the bound whatever the size (eight times the log keeps less than
/// twice the events; never one event per failure).
#[test]
fn failure_dense_keeps_a_bounded_number_while_counts_are_exact() {
    let b = EventBound::default();
    let per_group = b.first + b.last + b.spread;
    let small = parse(&failure_dense(3, 1 << 20), b);
    let big = parse(&failure_dense(3, 8 << 20), b);
    for o in [&small, &big] {
        let counted: u64 = o.counts.values().sum();
        let in_groups: u64 = o.tallies.iter().map(|t| t.occurrences).sum();
        assert_eq!(in_groups + o.not_kept, counted, "every event is in a group");
        assert!(o.tallies.iter().all(|t| t.shown as usize <= per_group));
        assert_eq!(
            o.events.len() as u64,
            o.tallies.iter().map(|t| t.shown).sum::<u64>()
        );
    }
    let failures = |o: &LogOutput| o.counts[&spoolscope::model::EventKind::EwsFailure];
    assert!(
        failures(&big) > 6 * failures(&small) && failures(&big) > 500,
        "{} vs {}",
        failures(&big),
        failures(&small)
    );
    let kept_failures = |o: &LogOutput| {
        o.events
            .iter()
            .filter(|e| e.kind == spoolscope::model::EventKind::EwsFailure)
            .count() as u64
    };
    assert!(
        kept_failures(&big) < failures(&big) / 4,
        "kept {} of {} failures",
        kept_failures(&big),
        failures(&big)
    );
    // Eight times the log does not keep eight times the events.
    assert!(
        big.events.len() < small.events.len() * 2,
        "{} vs {}",
        big.events.len(),
        small.events.len()
    );
    assert!(big
        .notes
        .iter()
        .any(|n| n.contains("counted but not kept") && n.contains("counts stay exact")));
}

/// End to end: 100 000 EWS 401 answers give a finding that says 100 000, while the JSON says
/// how many were kept (`summarised[].occurrences` / `shown`).
#[test]
fn a_finding_counts_every_failure_not_the_kept_ones() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("Lync-UccApi-0.UccApilog");
    let mut s = String::with_capacity(100_000 * 90);
    for i in 0..100_000u64 {
        // One every half second from 09:00:00.000 to 22:53:19.500.
        let t = 9 * 3600 + i / 2;
        let (h, m, sec, ms) = (t / 3600, t / 60 % 60, t % 60, i % 2 * 500);
        s.push_str(&format!(
            "03/02/2026|{h:02}:{m:02}:{sec:02}.{ms:03} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n"
        ));
    }
    put(&log, s.as_bytes(), 0);
    let out = bin()
        .args(["report", "--format", "json", "--log-tz", "UTC"])
        .arg(&log)
        .output()
        .expect("run");
    let code = out.status.code();
    assert!(
        code.is_some_and(|c| c <= 1),
        "{code:?} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "ews-auth-failed")
        .unwrap_or_else(|| panic!("no ews-auth-failed in {:#}", v["findings"]));
    let title = f["title"].as_str().expect("title");
    assert!(title.contains("401 ×100000"), "{title}");
    assert!(
        title.contains("2026-03-02 09:00–"),
        "first and last time: {title}"
    );
    let src = &v["sources"][0];
    assert_eq!(src["events"]["ews-failure"], 100_000);
    let sum = src["summarised"].as_array().expect("summarised");
    let g = sum
        .iter()
        .find(|g| g["kind"] == "ews-failure" && g["values"]["status"] == "401")
        .unwrap_or_else(|| panic!("{sum:#?}"));
    assert_eq!(g["occurrences"], 100_000);
    let shown = g["shown"].as_u64().expect("shown");
    assert!((1..=64).contains(&shown), "{shown}");
    assert_eq!(g["first_line"], 1);
    assert_eq!(g["last_line"], 100_000);
    // The text report says it too.
    let out = bin()
        .args(["report", "--format", "text", "--log-tz", "UTC"])
        .arg(&log)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("401 ×100000"), "{text}");
    assert!(
        text.contains("repeated events summarised (counted, not kept)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "100000 occurrences, {shown} shown · lines 1–100000"
        )),
        "{text}"
    );
}

/// A client whose every draft save fails (each CreateItem directly followed by a 401): more
/// failures than are kept must not make the saves whose failure was not kept look unsent.
#[test]
fn saves_followed_by_failures_that_were_not_kept_are_not_unsent_drafts() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("Lync-UccApi-0.UccApilog");
    let mut s = String::new();
    for i in 0..300u64 {
        let (m, sec) = (i / 30, i % 30 * 2);
        s.push_str(&format!(
            "03/02/2026|10:{m:02}:{sec:02}.000 1F68:C14 INFO :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx\r\n\
             <m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Message/></m:Items></m:CreateItem>\r\n\
             03/02/2026|10:{m:02}:{sec:02}.500 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n"
        ));
    }
    put(&log, s.as_bytes(), 0);
    let out = bin()
        .args(["report", "--format", "json", "--log-tz", "UTC"])
        .arg(&log)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"ews-auth-failed"), "{rules:?}");
    assert!(!rules.contains(&"drafts-buildup"), "{:#}", v["findings"]);
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "ews-auth-failed")
        .expect("auth");
    assert!(
        f["title"].as_str().is_some_and(|t| t.contains("401 ×300")),
        "{f:#}"
    );
}
