//! Tests of when `watch` judges the model: the next moment a result can change, and that
//! judging only then gives the lines judging at every turn of the loop gives.

use super::*;
use crate::diagnose::{next_change, JUDGE_AT_LEAST_EVERY};
use crate::model::Clock;
use crate::model::{Account, ClientGen, Format, Item, ItemState, LogSummary, Source, SourceKind};
use chrono::{TimeDelta, TimeZone};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
        .single()
        .expect("t0")
}

fn ms(n: i64) -> TimeDelta {
    TimeDelta::milliseconds(n)
}

fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

const NS: TimeDelta = TimeDelta::nanoseconds(1);

fn clock(now: DateTime<Utc>, stuck_after_secs: u64) -> Clock {
    Clock {
        now,
        stuck_after: Duration::from_secs(stuck_after_secs),
    }
}

fn settings(stuck_after_secs: u64) -> Settings {
    Settings {
        clock: clock(t0(), stuck_after_secs),
        show_content: false,
        format: Default::default(),
        color: Default::default(),
        fail_on: Default::default(),
        profiles_root: None,
        frozen: false,
        scan: Default::default(),
        rules: Default::default(),
        poll: None,
        theme: Default::default(),
        mouse: false,
        keys: Default::default(),
        time_zone: None,
        protected: Default::default(),
    }
}

/// One account; items named by their file name.
fn model() -> Model {
    let mut m = Model::default();
    m.accounts.push(Account {
        address: "a@contoso.com".into(),
        client: ClientGen::Office16,
        profile: Some("a".into()),
        dir: "/s".into(),
        spooler: Some("/s/History Spooler".into()),
    });
    m
}

fn item(name: &str, modified: Option<DateTime<Utc>>) -> Item {
    Item::bare(
        format!("/s/History Spooler/{name}"),
        0,
        1,
        modified,
        Format::Xml,
    )
}

/// A log whose last record is dated `last`.
fn log_source(last: DateTime<Utc>) -> Source {
    Source {
        path: "/s/Tracing/Lync-UccApi-0.UccApilog".into(),
        kind: SourceKind::Uccapilog,
        records: 1,
        skipped: 0,
        log: Some(LogSummary {
            last: Some(last.fixed_offset()),
            time_zone: "UTC".into(),
            ..Default::default()
        }),
    }
}

fn next_at(m: &Model, now: DateTime<Utc>, stuck_after_secs: u64) -> Option<DateTime<Utc>> {
    next_change(m, clock(now, stuck_after_secs))
}

fn state_at(it: &Item, now: DateTime<Utc>, stuck_after_secs: u64) -> ItemState {
    it.state(clock(now, stuck_after_secs))
}

/// The keys of the open findings (what `finding-opened` / `finding-resolved` lines follow).
fn finding_keys(m: &Model, s: &Settings, now: DateTime<Utc>) -> Vec<(String, Severity)> {
    let mut v: Vec<_> = pipeline::findings_at(m, s, now)
        .into_iter()
        .map(|f| (f.rule, f.severity))
        .collect();
    v.sort();
    v
}

use crate::model::Severity;

#[test]
fn nothing_that_depends_on_the_clock_names_no_moment() {
    let now = t0();
    assert_eq!(next_at(&model(), now, 60), None, "an empty model");
    let mut m = model();
    m.items.push(item("no-time.xml", None));
    let mut noise = item("desktop.ini", Some(now));
    noise.ignorable = true;
    m.items.push(noise);
    // Stuck and older than the critical age already: nothing left to cross.
    m.items.push(item("old.xml", Some(now - secs(7200))));
    // A log dated in the past.
    m.sources.push(log_source(now - secs(60)));
    assert_eq!(next_at(&m, now, 60), None);
}

#[test]
fn a_pending_item_changes_when_it_crosses_the_timer() {
    let now = t0();
    let modified = now - ms(10_250);
    let mut m = model();
    m.items.push(item("p.xml", Some(modified)));
    let b = next_at(&m, now, 60).expect("a moment");
    assert_eq!(b, modified + secs(61));
    let it = &m.items[0];
    assert_eq!(state_at(it, b - NS, 60), ItemState::Pending);
    assert_eq!(state_at(it, b, 60), ItemState::Stuck);
    // Asked again just before, the same moment; from the moment on, the next one (critical).
    assert_eq!(next_at(&m, b - NS, 60), Some(b));
    assert_eq!(next_at(&m, b, 60), Some(modified + secs(3601)));
}

#[test]
fn a_stuck_item_changes_when_it_turns_spool_stuck_critical() {
    let now = t0();
    let modified = now - secs(100) - ms(7);
    let mut m = model();
    m.items.push(item("s.xml", Some(modified)));
    let s = settings(60);
    let b = next_at(&m, now, 60).expect("a moment");
    assert_eq!(b, modified + secs(3601));
    // Pinned to the rule: warning just before, critical from the moment on.
    assert_eq!(
        finding_keys(&m, &s, b - NS),
        vec![("spool-stuck".to_string(), Severity::Warning)]
    );
    assert_eq!(
        finding_keys(&m, &s, b),
        vec![("spool-stuck".to_string(), Severity::Critical)]
    );
    assert_eq!(next_at(&m, b, 60), None);
}

#[test]
fn a_future_item_changes_when_it_comes_within_the_tolerance() {
    let now = t0();
    let modified = now + ms(9_500);
    let mut m = model();
    m.items.push(item("f.xml", Some(modified)));
    let s = settings(60);
    let b = next_at(&m, now, 60).expect("a moment");
    let it = &m.items[0];
    // Pinned to `Item::state`: skewed up to the moment, pending from it.
    assert_eq!(state_at(it, now, 60), ItemState::ClockSkew);
    assert_eq!(state_at(it, b - NS, 60), ItemState::ClockSkew);
    assert_eq!(state_at(it, b, 60), ItemState::Pending);
    assert!(b > now && b < modified, "{b} between now and the file time");
    assert!(finding_keys(&m, &s, b - NS).contains(&("clock-skew".into(), Severity::Warning)));
    assert!(!finding_keys(&m, &s, b)
        .iter()
        .any(|(r, _)| r == "clock-skew"));
    // From the moment on: the stuck timer.
    assert_eq!(next_at(&m, b, 60), Some(modified + secs(61)));
}

#[test]
fn an_embedded_send_time_changes_when_it_becomes_older_than_the_timer() {
    // `spool-times-disagree` needs a pending item whose send time lies more than the margin
    // (the timer, 3000 s here) before its file time, and more than the timer before now: with
    // a file time 1.9 s in the future (pending, within the tolerance) and a send time 3001.5 s
    // before it, that is 0.4 s from now.
    let now = t0();
    let modified = now + ms(1_900);
    let sent = modified - ms(3_001_500);
    let mut it = item("d.xml", Some(modified));
    it.fields.sent = Some(sent.to_rfc3339());
    let mut m = model();
    m.items.push(it);
    let s = settings(3000);
    let b = next_at(&m, now, 3000).expect("a moment");
    assert_eq!(b, sent + secs(3000) + NS);
    assert!(b > now);
    let has = |t| {
        finding_keys(&m, &s, t)
            .iter()
            .any(|(r, _)| r == "spool-times-disagree")
    };
    assert!(!has(b - NS), "not yet older than the timer");
    assert!(has(b), "older than the timer from the moment on");
}

#[test]
fn a_log_dated_ahead_changes_when_its_last_record_comes_within_the_tolerance() {
    let now = t0();
    let last = now + secs(20 * 60) + ms(3);
    let mut m = model();
    m.sources.push(log_source(last));
    let s = settings(60);
    let b = next_at(&m, now, 60).expect("a moment");
    assert_eq!(b, last - secs(15 * 60));
    // Pinned to the rule: open just before, resolved from the moment on.
    let has = |t| {
        finding_keys(&m, &s, t)
            .iter()
            .any(|(r, _)| r == "log-clock-ahead")
    };
    assert!(has(b - NS));
    assert!(!has(b));
    assert_eq!(next_at(&m, b, 60), None);
}

#[test]
fn the_earliest_moment_of_many_items_is_named() {
    let now = t0();
    let mut m = model();
    for (name, age) in [("a.xml", 50), ("b.xml", 20), ("c.xml", 5)] {
        m.items.push(item(name, Some(now - secs(age))));
    }
    // a.xml crosses the 60 s timer first (11 s from now).
    assert_eq!(next_at(&m, now, 60), Some(now + secs(11)));
}

/// A model where each kind of moment falls within the first 20 seconds after `t0` (the timer
/// is 3000 s), with ages offset by odd milliseconds so moments fall between loop turns.
fn busy_model(now: DateTime<Utc>) -> Model {
    let mut m = model();
    // Pending, stuck at 7.3 s.
    m.items
        .push(item("cross.xml", Some(now - secs(3001) + ms(7_300))));
    // Stuck, critical at 12.1 s.
    m.items
        .push(item("old.xml", Some(now - secs(3601) + ms(12_100))));
    // Future, pending from about 7.5 s.
    m.items.push(item("future.xml", Some(now + ms(9_513))));
    // Pending with a send time that becomes older than the timer at 0.4 s.
    let mut d = item("copied.xml", Some(now + ms(1_900)));
    d.fields.sent = Some((now + ms(1_900) - ms(3_001_500)).to_rfc3339());
    m.items.push(d);
    // Noise and an item without a time: never change.
    let mut noise = item("desktop.ini", Some(now));
    noise.ignorable = true;
    m.items.push(noise);
    m.items.push(item("no-time.xml", None));
    m.items.sort_by(|a, b| a.path.cmp(&b.path));
    // A log dated ahead, resolved at 16.2 s.
    m.sources.push(log_source(now + secs(15 * 60) + ms(16_200)));
    m
}

/// The loop's turns over simulated time: `turns` of EVALUATE_EVERY from `start`.
fn turns(start: DateTime<Utc>, n: i64) -> impl Iterator<Item = DateTime<Utc>> {
    let step = TimeDelta::from_std(EVALUATE_EVERY).expect("step");
    (0..n).map(move |i| start + step * i as i32)
}

#[test]
fn judging_only_when_due_gives_the_lines_of_judging_every_turn() {
    let start = t0() + ms(13);
    let s = settings(3000);
    let origin = Origin::default();
    let (mut every, mut due) = (busy_model(t0()), busy_model(t0()));
    let (mut a, mut b) = (Judge::default(), Judge::default());
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    // A minute of turns.
    for (i, t) in turns(start, 240).enumerate() {
        // The old loop: judged at every turn.
        a.changed = true;
        la.extend(
            a.judge(&mut every, &s, t, &origin)
                .iter()
                .map(Line::to_json),
        );
        lb.extend(b.judge(&mut due, &s, t, &origin).iter().map(Line::to_json));
        // Changes after a turn, as the watcher brings them: at 25 s an item goes (its
        // `item-removed` carries its age at this turn), at 35 s one comes.
        let change: Option<fn(&mut Model)> = match i {
            100 => Some(|m| m.items.retain(|it| !it.path.ends_with("future.xml"))),
            140 => Some(|m| {
                m.items.push(item("new.xml", Some(t0() + secs(30))));
                m.items.sort_by(|a, b| a.path.cmp(&b.path));
            }),
            _ => None,
        };
        if let Some(f) = change {
            f(&mut every);
            b.catch_up(&mut due, &s);
            b.changed = true;
            f(&mut due);
        }
    }
    assert_eq!(a.runs, 240);
    assert_eq!(la, lb, "the same lines at the same times");
    let kinds: Vec<String> = la
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["type"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    for k in [
        "item-stuck",
        "finding-opened",
        "finding-resolved",
        "item-removed",
        "item-added",
    ] {
        assert!(kinds.iter().any(|x| x == k), "a {k} line in {la:#?}");
    }
    // cross.xml is stuck at the first turn from 7.3 s on (turns fall at 13 ms + k × 250 ms).
    let stuck: serde_json::Value = la
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|v| {
            v["type"] == "item-stuck"
                && v["item"]["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("cross.xml"))
        })
        .expect("cross.xml stuck");
    let first_turn = turns(start, 240)
        .find(|t| *t >= t0() + ms(7_300))
        .expect("a turn");
    assert_eq!(
        stuck["time"],
        crate::report::json::rfc3339(first_turn),
        "stuck at the first turn after it crossed"
    );
    // Judged at the start, at the turns after each of the five moments and after each of the
    // two changes (some of them twice: with the snapshot of the turn before), and at the
    // safety net: not at each of the 240 turns.
    assert!(b.runs <= 20, "judged {} times", b.runs);
}

#[test]
fn an_idle_watch_does_not_judge_again_until_a_change() {
    let now = t0();
    let s = settings(3600);
    let origin = Origin::default();
    let mut m = model();
    // Many pending items, none near the timer.
    for i in 0..2000 {
        m.items
            .push(item(&format!("{i:05}.xml"), Some(now - secs(60) - ms(i))));
    }
    let mut j = Judge::default();
    let mut lines = Vec::new();
    let safety = TimeDelta::from_std(EVALUATE_EVERY).expect("step");
    let n = (JUDGE_AT_LEAST_EVERY.num_milliseconds() / safety.num_milliseconds()) - 1;
    for t in turns(now, n) {
        lines.extend(j.judge(&mut m, &s, t, &origin));
    }
    assert_eq!(j.runs, 1, "judged once, at the start");
    let added = lines
        .iter()
        .filter(|l| l.kind == LineType::ItemAdded)
        .count();
    assert_eq!(added, 2000, "each item added once");
    assert!(!lines.iter().any(|l| l.kind == LineType::ItemStuck));
    // A change, as the loop takes it: the snapshot caught up with the last turn (once), then
    // judged at the next turn, with nothing new to say.
    j.catch_up(&mut m, &s);
    j.catch_up(&mut m, &s);
    assert_eq!(j.runs, 2);
    j.changed = true;
    let t = now + safety * n as i32;
    assert!(j.judge(&mut m, &s, t, &origin).is_empty());
    assert_eq!(j.runs, 3);
    assert!(j.judge(&mut m, &s, t + safety, &origin).is_empty());
    assert_eq!(j.runs, 3, "not again without a change");
    // A clock set back: judged again.
    j.judge(&mut m, &s, t - secs(5), &origin);
    assert_eq!(j.runs, 4);
    // The safety net: judged again once JUDGE_AT_LEAST_EVERY has passed (once: nothing is
    // resolved, so there is no snapshot of the turn before to take).
    j.judge(&mut m, &s, t - secs(5) + JUDGE_AT_LEAST_EVERY - NS, &origin);
    assert_eq!(j.runs, 4);
    j.judge(&mut m, &s, t - secs(5) + JUDGE_AT_LEAST_EVERY, &origin);
    assert_eq!(j.runs, 5);
}

#[test]
fn an_ordinary_send_time_adds_no_moment() {
    // Sent a second before it was written: `spool-times-disagree` can never name it, so only
    // the stuck timer counts (not the moment the send time passes the timer, 1 s earlier).
    let now = t0();
    let modified = now - secs(10);
    let mut it = item("o.xml", Some(modified));
    it.fields.sent = Some((modified - secs(1)).to_rfc3339());
    let mut m = model();
    m.items.push(it);
    assert_eq!(next_at(&m, now, 60), Some(modified + secs(61)));
}
