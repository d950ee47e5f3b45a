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
    generated(seed, bytes, Profile::FailureDense)
}

fn parse(log: &[u8], bound: EventBound) -> LogOutput {
    let m = Markers::builtin().expect("markers");
    let mut opts = ParseOptions::utc(&m);
    opts.bound = bound;
    parse_log(log, SourceKind::Uccapilog, Path::new("d.UccApilog"), &opts).expect("parse")
}

/// `report --format json` on `log` (times in UTC), parsed.
fn report_json(log: &Path) -> Value {
    let out = bin()
        .args(["report", "--format", "json", "--log-tz", "UTC"])
        .arg(log)
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The body of an EWS request that saves a message into Drafts.
const DRAFT_SAVE: &str = "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Message/></m:Items></m:CreateItem>";

/// The finding of `rule` in a JSON report, if any.
fn finding<'v>(v: &'v Value, rule: &str) -> Option<&'v Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
}

/// A bound large enough that nothing is summarised in these small logs.
fn keep_all() -> EventBound {
    EventBound {
        first: usize::MAX / 4,
        last: 0,
        spread: 0,
        groups: usize::MAX / 4,
        ..EventBound::default()
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
        let b = EventBound { first, last, spread, groups, ..EventBound::default() };
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

/// A log of either shape, generated.
fn generated(seed: u64, bytes: u64, profile: Profile) -> Vec<u8> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date");
    let mut log = Vec::new();
    write_uccapilog_profile(&mut log, seed, bytes, start, profile).expect("gen");
    log
}

/// Occurrences per (account, kind, marker, status), whether their values were read or not.
fn by_marker_and_status(
    o: &LogOutput,
) -> std::collections::BTreeMap<(Option<usize>, String, String, Option<u16>), u64> {
    let mut m = std::collections::BTreeMap::new();
    for t in &o.tallies {
        let status = t.values.get("status").and_then(|s| s.parse().ok());
        *m.entry((t.account, format!("{:?}", t.kind), t.marker.clone(), status))
            .or_default() += t.occurrences;
    }
    m
}

/// Records per (minute, facets) over a log's tallies: what every histogram view sums.
fn minute_cells(o: &LogOutput) -> std::collections::BTreeMap<(i64, u32), i64> {
    let mut m = std::collections::BTreeMap::new();
    for t in &o.tallies {
        for c in t.minutes.cells() {
            *m.entry((c.minute, c.facets)).or_default() += c.count;
        }
    }
    m.retain(|_, n| *n != 0);
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Routine events past their kind's cap are not kept, but counted exactly: per kind, per
    /// (account, kind, marker, status) and per minute and facet, the counts are those of a read
    /// that keeps every routine event; and every one is in a group of unread values.
    #[test]
    fn routine_events_past_the_cap_are_counted_per_marker_status_and_minute(
        seed in 0u64..1000,
        cap in 0u64..40,
        dense in any::<bool>(),
        account in any::<bool>(),
    ) {
        let profile = if dense { Profile::FailureDense } else { Profile::Routine };
        let log = generated(seed, 160 << 10, profile);
        let m = Markers::builtin().expect("markers");
        let accounts = [(0usize, "jdoe@contoso.com".to_string())];
        let read = |routine: u64| {
            let mut opts = ParseOptions::utc(&m);
            opts.bound = EventBound { routine, ..EventBound::default() };
            if account {
                opts.accounts = &accounts;
            }
            parse_log(log.as_slice(), SourceKind::Uccapilog, Path::new("r.UccApilog"), &opts)
                .expect("parse")
        };
        let all = read(u64::MAX);
        let capped = read(cap);
        prop_assert_eq!(all.not_kept, 0);
        prop_assert!(capped.not_kept > 0, "the cap is reached");
        prop_assert_eq!(&all.counts, &capped.counts);
        let unread: u64 = capped.tallies.iter().map(|t| t.unread).sum();
        prop_assert_eq!(unread, capped.not_kept);
        prop_assert_eq!(by_marker_and_status(&all), by_marker_and_status(&capped));
        prop_assert_eq!(minute_cells(&all), minute_cells(&capped));
        let hidden: u64 = capped.tallies.iter().map(|t| t.hidden()).sum();
        let shown: u64 = capped.tallies.iter().map(|t| t.shown).sum();
        let total: u64 = capped.tallies.iter().map(|t| t.occurrences).sum();
        prop_assert_eq!(hidden + shown + unread, total);
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
        assert_eq!(in_groups, counted, "every event is in a group");
        let unread: u64 = o.tallies.iter().map(|t| t.unread).sum();
        assert_eq!(
            unread, o.not_kept,
            "routine events past the cap are in groups"
        );
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
    let f = finding(&v, "ews-auth-failed")
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
             {DRAFT_SAVE}\r\n\
             03/02/2026|10:{m:02}:{sec:02}.500 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n"
        ));
    }
    put(&log, s.as_bytes(), 0);
    let v = report_json(&log);
    let rules = rules(&v);
    assert!(rules.contains(&"ews-auth-failed"), "{rules:?}");
    assert!(!rules.contains(&"drafts-buildup"), "{:#}", v["findings"]);
    let f = finding(&v, "ews-auth-failed").expect("auth");
    assert!(
        f["title"].as_str().is_some_and(|t| t.contains("401 ×300")),
        "{f:#}"
    );
}

/// Routine HTTP answers past the cap are counted unread, and the drafts reading still sees
/// every one in order: drafts saved after a thousand `200 OK`s are unsent, and so they are
/// after a `500` among them (it came before the saves: it answered none of them). The `500`
/// is a failure: kept, past the cap or not.
#[test]
fn unread_routine_answers_do_not_hide_unsent_drafts() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |failing_status: u16| {
        let log = dir
            .path()
            .join(format!("s{failing_status}/Lync-UccApi-0.UccApilog"));
        let mut s = String::new();
        for i in 0..1500u64 {
            let (m, sec) = (i / 60, i % 60);
            // A failing answer among the routine ones, past the cap (kept all the same).
            let status = if i == 1200 { failing_status } else { 200 };
            s.push_str(&format!(
                "03/02/2026|09:{m:02}:{sec:02}.000 1F68:C14 INFO :: HTTP/1.1 {status} OK\r\n"
            ));
        }
        for i in 0..4u64 {
            s.push_str(&format!(
                "03/02/2026|11:00:{i:02}.000 1F68:C14 INFO :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx\r\n\
                 {DRAFT_SAVE}\r\n"
            ));
        }
        put(&log, s.as_bytes(), 0);
        let v = report_json(&log);
        let src = &v["sources"][0];
        assert_eq!(src["events"]["http-status"], 1500, "{src:#}");
        let not_kept = if failing_status == 200 { 500 } else { 499 };
        assert_eq!(src["events_not_kept"], not_kept, "{src:#}");
        let unread = src["summarised"]
            .as_array()
            .expect("summarised")
            .iter()
            .filter(|g| g["kind"] == "http-status" && g["values"]["unread"].is_string())
            .map(|g| {
                (
                    g["values"]["status"].clone(),
                    g["occurrences"].clone(),
                    g["shown"].clone(),
                )
            })
            .collect::<Vec<_>>();
        assert!(
            unread.contains(&(
                Value::from("200"),
                Value::from(if failing_status == 200 { 500 } else { 499 }),
                Value::from(0)
            )),
            "{unread:?}"
        );
        rules(&v).contains(&"drafts-buildup")
    };
    assert!(run(200), "saves after routine 200s are unsent drafts");
    assert!(run(500), "a 500 before the saves answered none of them");
}

/// Every draft saved is sent (CreateItem, 200, SendItem, 200), more times than a group keeps:
/// a SendItem that was not kept must not make its save look unsent (the drafts rule reads each
/// log only up to the first send that may be missing).
#[test]
fn saves_whose_sends_were_not_kept_are_not_unsent_drafts() {
    let dir = tempfile::tempdir().expect("tmp");
    for pairs in [60u32, 240, 700] {
        let log = dir.path().join(format!("p{pairs}/Lync-UccApi-0.UccApilog"));
        let mut s = String::new();
        let mut t = 0u32;
        let mut rec = |msg: &str, body: Option<&str>| {
            let (h, m, sec) = (9 + t / 3600, t / 60 % 60, t % 60);
            s.push_str(&format!(
                "03/02/2026|{h:02}:{m:02}:{sec:02}.000 1F68:C14 INFO :: {msg}\r\n"
            ));
            if let Some(b) = body {
                s.push_str(b);
                s.push_str("\r\n");
            }
            t += 1;
        };
        for i in 0..pairs {
            rec(
                "EWS request POST https://mail.contoso.com/EWS/Exchange.asmx",
                Some(DRAFT_SAVE),
            );
            rec("EWS response HTTP/1.1 200 OK", None);
            let send = format!("<m:SendItem SaveItemToFolder=\"true\"><m:ItemIds><t:ItemId Id=\"id{i}\"/></m:ItemIds></m:SendItem>");
            rec(
                "EWS request POST https://mail.contoso.com/EWS/Exchange.asmx",
                Some(&send),
            );
            rec("EWS response HTTP/1.1 200 OK", None);
        }
        put(&log, s.as_bytes(), 0);
        let v = report_json(&log);
        assert!(
            !rules(&v).contains(&"drafts-buildup"),
            "{pairs} pairs, every save sent: {:#}",
            v["findings"]
        );
    }
}

/// A busy client's long log: far more saves and sends than a group keeps, and routine requests
/// and answers past their cap. The drafts reading goes over every event, so the unsent drafts
/// at the end are found and counted exactly: those never sent, and those whose send failed.
/// (The rule once read only up to the first send that might not have been kept: the start.)
#[test]
fn unsent_drafts_at_the_end_of_a_long_log_are_found_and_counted() {
    let dir = tempfile::tempdir().expect("tmp");
    // (pairs sent first, saves never sent, saves whose send got a 500)
    for (pairs, never, failed) in [
        (1500u64, 5u64, 0u64),
        (1200, 0, 4),
        (1100, 2, 3),
        (1300, 0, 0),
    ] {
        let log = dir
            .path()
            .join(format!("p{pairs}-{never}-{failed}/Lync-UccApi-0.UccApilog"));
        let mut s = String::new();
        let mut t = 0u64;
        let mut rec = |msg: &str, body: Option<&str>| {
            s.push_str(&stamp(t, "INFO"));
            s.push_str(msg);
            s.push_str("\r\n");
            if let Some(b) = body {
                s.push_str(b);
                s.push_str("\r\n");
            }
            t += 1;
        };
        let post = "EWS request POST https://mail.contoso.com/EWS/Exchange.asmx";
        let send = |i: u64| {
            format!("<m:SendItem SaveItemToFolder=\"true\"><m:ItemIds><t:ItemId Id=\"id{i}\"/></m:ItemIds></m:SendItem>")
        };
        for i in 0..pairs {
            rec(post, Some(DRAFT_SAVE));
            rec("EWS response HTTP/1.1 200 OK", None);
            rec(post, Some(&send(i)));
            rec("EWS response HTTP/1.1 200 OK", None);
        }
        for _ in 0..never {
            rec(post, Some(DRAFT_SAVE));
            rec("EWS response HTTP/1.1 200 OK", None);
        }
        for i in 0..failed {
            rec(post, Some(DRAFT_SAVE));
            rec("EWS response HTTP/1.1 200 OK", None);
            rec(post, Some(&send(pairs + i)));
            rec("EWS response HTTP/1.1 500 Internal Server Error", None);
        }
        put(&log, s.as_bytes(), 0);
        let v = report_json(&log);
        let unsent = never + failed;
        let f = finding(&v, "drafts-buildup");
        let what = format!("{pairs} sent, {never} never sent, {failed} failed");
        if unsent < 3 {
            assert!(f.is_none(), "{what}: {f:#?}");
            continue;
        }
        let f = f.unwrap_or_else(|| panic!("{what}: no drafts-buildup: {:#}", v["findings"]));
        let title = f["title"].as_str().expect("title");
        assert!(
            title.contains(&format!("{unsent} EWS CreateItem")),
            "{what}: {title}"
        );
        let cited: Vec<u64> = f["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .filter(|e| {
                e["excerpt"]
                    .as_str()
                    .is_some_and(|x| x.starts_with("draft saved"))
            })
            .filter_map(|e| e["line"].as_u64())
            .collect();
        // The saves cited are the last ones: a pair sent is 6 lines (save and send 2 each, their
        // answers 1), and the unsent saves follow the pairs.
        let first_unsent_line = pairs * 6 + 1;
        assert!(
            !cited.is_empty() && cited.iter().all(|&l| l >= first_unsent_line),
            "{what}: {cited:?}"
        );
    }
}

/// The client rotated its log while four saves waited: the new log starts with their sends.
/// Each log is read on its own; the later one goes on from the earlier one's waiting saves, so
/// the drafts are sent when the sends went through, and unsent when they failed.
#[test]
fn saves_waiting_at_a_rotation_are_sent_by_the_next_log() {
    let dir = tempfile::tempdir().expect("tmp");
    let post = "EWS request POST https://mail.contoso.com/EWS/Exchange.asmx";
    for answer in ["200 OK", "500 Internal Server Error"] {
        let root = dir.path().join(&answer[..3]);
        let (mut old, mut new) = (String::new(), String::new());
        for t in 0..4u64 {
            old.push_str(&format!(
                "{}{post}\r\n{DRAFT_SAVE}\r\n",
                stamp(t * 2, "INFO")
            ));
            old.push_str(&format!(
                "{}EWS response HTTP/1.1 200 OK\r\n",
                stamp(t * 2 + 1, "INFO")
            ));
        }
        for t in 0..4u64 {
            let send = format!("<m:SendItem SaveItemToFolder=\"true\"><m:ItemIds><t:ItemId Id=\"id{t}\"/></m:ItemIds></m:SendItem>");
            new.push_str(&format!(
                "{}{post}\r\n{send}\r\n",
                stamp(100 + t * 2, "INFO")
            ));
            new.push_str(&format!(
                "{}EWS response HTTP/1.1 {answer}\r\n",
                stamp(101 + t * 2, "INFO")
            ));
        }
        put(
            &root.join("Lync-UccApi-0.UccApilog.bak"),
            old.as_bytes(),
            600,
        );
        put(&root.join("Lync-UccApi-0.UccApilog"), new.as_bytes(), 0);
        let v = report_json(&root);
        let f = finding(&v, "drafts-buildup");
        if answer.starts_with("200") {
            assert!(f.is_none(), "sent after the rotation: {f:#?}");
        } else {
            let title = f
                .map(|f| f["title"].as_str().unwrap_or_default())
                .unwrap_or_default();
            assert!(
                title.contains("4 EWS CreateItem"),
                "sends failed: {:#}",
                v["findings"]
            );
        }
    }
}

/// `03/02/2026|HH:MM:SS.000 1F68:C14 LEVEL :: ` for second `t` after 09:00.
fn stamp(t: u64, level: &str) -> String {
    let t = 9 * 3600 + t;
    let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
    format!("03/02/2026|{h:02}:{m:02}:{s:02}.000 1F68:C14 {level} :: ")
}

/// The sum of the `×N` counts in a finding's title.
fn title_total(title: &str) -> u64 {
    title
        .split('×')
        .skip(1)
        .filter_map(|s| {
            let n: String = s.chars().take_while(char::is_ascii_digit).collect();
            n.parse::<u64>().ok()
        })
        .sum()
}

/// Past the 1 024 groups of a log, new signatures are pooled: their problem and their status
/// must still reach the rules. 1 198 EWS failures of distinct HRESULTs (each a signature of
/// its own, the group bound passed), then 300 EWS 401s: `ews-auth-failed` is there and counts
/// each 401, and `ews-unreachable` counts every HRESULT failure, pooled or not.
#[test]
fn failures_past_the_group_bound_are_counted_by_problem_and_status() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("Lync-UccApi-0.UccApilog");
    let mut s = String::new();
    // 0x80190191 and 0x80190193 are the 401 and 403 HRESULTs (`ews-hresult-denied`).
    let codes: Vec<u32> = (0..1200u32)
        .filter(|c| ![0x191, 0x193].contains(c))
        .collect();
    for (i, c) in codes.iter().enumerate() {
        s.push_str(&stamp(i as u64, "ERROR"));
        s.push_str(&format!("EWS request failed hr=0x8019{c:04x}\r\n"));
    }
    for i in 0..300u64 {
        s.push_str(&stamp(7200 + i, "ERROR"));
        s.push_str("EWS response HTTP/1.1 401 Unauthorized\r\n");
    }
    put(&log, s.as_bytes(), 0);
    let v = report_json(&log);
    let title = |rule: &str| {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == rule)
            .and_then(|f| f["title"].as_str())
            .unwrap_or_else(|| panic!("no {rule} in {:#}", v["findings"]))
            .to_string()
    };
    let auth = title("ews-auth-failed");
    assert!(auth.contains(": 401 ×300, "), "{auth}");
    assert_eq!(title_total(&auth), 300, "{auth}");
    assert!(auth.contains("2026-03-02 11:00–11:04"), "{auth}");
    let unreachable = title("ews-unreachable");
    assert_eq!(
        title_total(&unreachable),
        codes.len() as u64,
        "{unreachable}"
    );
    let src = &v["sources"][0];
    assert_eq!(src["events"]["ews-failure"], codes.len() + 300, "{src:#}");
    let pooled = src["summarised"]
        .as_array()
        .expect("summarised")
        .iter()
        .find(|g| g["values"]["signature"].is_string() && g["values"]["status"] == "401")
        .unwrap_or_else(|| panic!("{:#}", src["summarised"]));
    assert_eq!(pooled["values"]["problem"], "auth");
    assert_eq!(pooled["occurrences"], 300);
}

/// The false all-clear: a log whose only EWS failures are 401s that come after more than
/// 1 024 signatures of events no rule counts (server diagnostics of distinct codes) still has
/// `ews-auth-failed` with every 401, and the exit code says so.
#[test]
fn auth_failures_after_the_group_bound_are_not_an_all_clear() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("Lync-UccApi-0.UccApilog");
    let mut s = String::new();
    for i in 0..1100u64 {
        s.push_str(&stamp(i, "INFO"));
        s.push_str(&format!(
            "Received\r\nms-diagnostics: {};reason=\"Diagnostic {i}\"\r\n",
            10_000 + i
        ));
    }
    for i in 0..40u64 {
        s.push_str(&stamp(3600 + i, "ERROR"));
        s.push_str("EWS response HTTP/1.1 401 Unauthorized\r\n");
    }
    put(&log, s.as_bytes(), 0);
    let out = bin()
        .args(["report", "--format", "json", "--log-tz", "UTC"])
        .arg(&log)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let src = &v["sources"][0];
    assert_eq!(src["events"]["error"], 1100, "{src:#}");
    let f = finding(&v, "ews-auth-failed")
        .unwrap_or_else(|| panic!("no ews-auth-failed in {:#}", v["findings"]));
    let title = f["title"].as_str().expect("title");
    assert!(title.contains(": 401 ×40, "), "{title}");
    assert_eq!(title_total(title), 40, "{title}");
    assert_eq!(out.status.code(), Some(1), "a warning fails the run");
}
