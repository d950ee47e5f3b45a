//! Helpers over log events (filled by the log parsers; conventions in `model::event`).

use crate::model::{EventKind, Evidence, LogEvent};
use std::collections::BTreeMap;

pub(super) use crate::model::drafts::{is_draft_save, is_failure, is_op, val};

pub(super) fn event_evidence(e: &LogEvent, note: &str) -> Evidence {
    Evidence {
        link: None,
        path: e.path.clone(),
        line: Some(e.line),
        time: e.time,
        excerpt: Some(format!(
            "{note}: {}",
            crate::parse::text::squash(&e.excerpt, 160)
        )),
    }
}

/// Drafts the logs show saved and never sent, for one account: how many, and some of the saves.
#[derive(Debug, Default)]
pub(super) struct Unsent<'a> {
    pub count: u64,
    /// In log order; at most the first and last few of a log read whole.
    pub evidence: Vec<&'a LogEvent>,
}

/// Drafts the logs show being saved and never sent (no SendItem after them, or a SendItem
/// followed by a failure), per account index. A CreateItem directly followed by a failure
/// left no draft and is not counted.
///
/// A log read by this run was followed over every event as it was read
/// (`LogSummary::drafts`, [`crate::model::DraftLedger`]): its counts are exact, per log. For a
/// log without that reading (a model loaded from JSON, or built by hand) the kept events are
/// read instead. Those are bounded (first, last and a spread of each group are kept): a failure
/// or a SendItem that was not kept would make the save before it look unsent. So in each such
/// log only the events before the first such event that may be missing are read
/// (`EventTally::complete_until`).
pub(super) fn unsent_drafts_in(m: &crate::model::Model) -> BTreeMap<Option<usize>, Unsent<'_>> {
    let mut followed: std::collections::BTreeSet<&std::ffi::OsStr> = Default::default();
    let mut logs: BTreeMap<Option<usize>, Vec<Followed<'_>>> = BTreeMap::new();
    for s in &m.sources {
        let Some(l) = &s.log else { continue };
        let Some(d) = &l.drafts else { continue };
        followed.insert(s.path.as_os_str());
        for t in d {
            logs.entry(t.account)
                .or_default()
                .push((l.first, l.last, t));
        }
    }
    let mut out: BTreeMap<Option<usize>, Unsent<'_>> = BTreeMap::new();
    for (acc, l) in logs {
        let u = unsent_followed(l);
        if u.count > 0 {
            out.insert(acc, u);
        }
    }
    for (acc, evs) in unsent_in_kept(m, &followed) {
        let u = out.entry(acc).or_default();
        u.count += evs.len() as u64;
        u.evidence.extend(evs);
    }
    for u in out.values_mut() {
        u.evidence.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    }
    out
}

type Time = chrono::DateTime<chrono::FixedOffset>;

/// One log's drafts reading for an account, with the log's first and last time.
type Followed<'m> = (Option<Time>, Option<Time>, &'m crate::model::DraftTally);

/// The unsent drafts of one account from its logs' drafts readings. Each log was read on its
/// own; a log that starts after the previous one ended goes on from it: its first `SendItem`s
/// that found no save waiting would have taken the saves still waiting there, oldest first
/// ([`crate::model::DraftTally::after`]), so those that went through are sent after all (a log
/// rotated while saves waited). Logs that overlap in time are only added up.
fn unsent_followed(mut logs: Vec<Followed<'_>>) -> Unsent<'_> {
    use crate::model::drafts::Ending;
    logs.sort_by_key(|l| l.0);
    let mut u = Unsent::default();
    // The saves still waiting at the end of the logs chained so far: how many there were, how
    // many later logs took, and those kept as evidence with their place among them.
    let (mut pending, mut taken) = (0u64, 0u64);
    let mut waiting: Vec<(u64, &LogEvent)> = Vec::new();
    let mut prev_last: Option<Time> = None;
    // The previous log, and how many waiting saves its unmatched sends took.
    let mut prev: Option<(&crate::model::DraftTally, u64)> = None;
    for (first, last, t) in logs {
        u.count += t.unsent();
        u.evidence.extend(t.failed_evidence.iter());
        let chained = matches!((prev_last, first), (Some(p), Some(f)) if f >= p);
        if let (true, true, Some((p, p_takes))) = (chained, t.leads_with_failure, prev) {
            match p.ends_with {
                // The last save of the previous log failed: no draft was left.
                Ending::Save if pending > taken => {
                    u.count -= 1;
                    pending -= 1;
                    waiting.retain(|(at, _)| *at != pending);
                }
                // The last send of the previous log failed: the save it took was not sent.
                Ending::Send => u.count += 1,
                Ending::Unmatched(i) if i < p_takes && !p.unmatched_failed(i) => u.count += 1,
                _ => {}
            }
        }
        let mut takes = 0;
        if chained {
            let (sent, _) = t.after(pending - taken);
            u.count -= sent;
            takes = (pending - taken).min(t.unmatched);
            // The waiting saves the sends that went through took are sent after all.
            let from = taken;
            waiting.retain(|&(at, _)| {
                !(from..from + takes).contains(&at) || t.unmatched_failed(at - from)
            });
            taken += takes;
        } else {
            u.evidence.extend(waiting.drain(..).map(|(_, e)| e));
            (pending, taken, prev) = (0, 0, None);
        }
        let back = t.waiting_evidence.len() - t.waiting_front;
        for (i, e) in t.waiting_evidence.iter().enumerate() {
            let at = match i < t.waiting_front {
                true => pending + i as u64,
                false => pending + t.waiting - back as u64 + (i - t.waiting_front) as u64,
            };
            waiting.push((at, e));
        }
        pending += t.waiting;
        if t.ends_with != Ending::Untouched {
            prev = Some((t, takes));
        }
        prev_last = match (prev_last, last) {
            (Some(p), Some(l)) => Some(p.max(l)),
            (p, l) => l.or(p),
        };
    }
    u.evidence.extend(waiting.into_iter().map(|(_, e)| e));
    u
}

/// [`unsent_drafts_in`] over the kept events of the logs not in `followed`.
fn unsent_in_kept<'m>(
    m: &'m crate::model::Model,
    followed: &std::collections::BTreeSet<&std::ffi::OsStr>,
) -> BTreeMap<Option<usize>, Vec<&'m LogEvent>> {
    // By the path's bytes (an event's path is its source's, copied), and the last path's
    // answer again for the next event of the same log: this runs for every event on every
    // refresh, and ordering paths by their components was most of it.
    let mut cutoff: BTreeMap<&std::ffi::OsStr, u64> = BTreeMap::new();
    for s in &m.sources {
        let Some(l) = &s.log else { continue };
        if followed.contains(s.path.as_os_str()) {
            continue;
        }
        let failing = l.tallies.iter().filter(|t| {
            let may_fail = match t.kind {
                EventKind::EwsFailure | EventKind::SoapFault => true,
                // A group of 2xx answers holds no failure (a pooled group keeps its status);
                // one without a status (pooled past its tier's budget) may.
                EventKind::HttpStatus => t.values.get("status").is_none_or(|s| {
                    s.trim()
                        .get(..3)
                        .and_then(|s| s.parse::<u16>().ok())
                        .is_none_or(|s| s >= 400)
                }),
                // A send that was not kept would make the save before it look unsent too (a
                // pooled group keeps no operation: it may hold sends).
                EventKind::EwsRequest => t.values.get("operation").map_or(
                    t.values.contains_key("unread") || t.values.is_empty() || t.is_pooled(),
                    |o| o.eq_ignore_ascii_case("SendItem"),
                ),
                _ => false,
            };
            may_fail && t.occurrences > t.shown
        });
        if let Some(line) = failing.filter_map(|t| t.complete_until).min() {
            cutoff.insert(s.path.as_os_str(), line);
        }
    }
    let mut last: Option<(&std::ffi::OsStr, Option<u64>)> = None;
    unsent_drafts(m.events.iter().filter(move |e| {
        let p = e.path.as_os_str();
        if followed.contains(p) {
            return false;
        }
        if cutoff.is_empty() {
            return true;
        }
        let c = match last {
            Some((q, c)) if q == p => c,
            _ => {
                let c = cutoff.get(p).copied();
                last = Some((p, c));
                c
            }
        };
        c.is_none_or(|c| e.line < c)
    }))
}

pub(super) fn unsent_drafts<'a>(
    events: impl IntoIterator<Item = &'a LogEvent>,
) -> BTreeMap<Option<usize>, Vec<&'a LogEvent>> {
    let mut by_acc: BTreeMap<Option<usize>, Vec<&LogEvent>> = BTreeMap::new();
    for e in events {
        by_acc.entry(e.account).or_default().push(e);
    }
    let mut out = BTreeMap::new();
    for (acc, mut evs) in by_acc {
        evs.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let mut waiting: std::collections::VecDeque<&LogEvent> = Default::default();
        let mut stuck: Vec<&LogEvent> = Vec::new();
        // The last EWS request: (is it a draft save, the save a SendItem consumed).
        let mut last: Option<(bool, Option<&LogEvent>)> = None;
        for e in evs {
            if is_draft_save(e) {
                waiting.push_back(e);
                last = Some((true, None));
            } else if is_op(e, "SendItem") {
                let consumed = waiting.pop_front();
                last = Some((false, consumed));
            } else if e.kind == EventKind::EwsRequest {
                last = Some((false, None));
            } else if is_failure(e) {
                match last.take() {
                    // The CreateItem itself failed: no draft was left.
                    Some((true, _)) => {
                        waiting.pop_back();
                    }
                    Some((false, Some(save))) => stuck.push(save),
                    _ => {}
                }
            }
        }
        stuck.extend(waiting);
        stuck.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        if !stuck.is_empty() {
            out.insert(acc, stuck);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventBound, EventStore, LogSummary, Model, Source, SourceKind};
    use std::path::PathBuf;

    const LOG: &str = "L.UccApilog";

    fn ev(line: u64, kind: EventKind, values: &[(&str, &str)]) -> LogEvent {
        LogEvent {
            path: PathBuf::from(LOG),
            line,
            time: None,
            level: None,
            thread: None,
            kind,
            marker: format!("{kind:?}"),
            account: Some(0),
            profile: None,
            excerpt: format!("line {line}"),
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn save(line: u64) -> LogEvent {
        ev(
            line,
            EventKind::EwsRequest,
            &[
                ("operation", "CreateItem"),
                ("disposition", "SaveOnly"),
                ("folder", "drafts"),
            ],
        )
    }

    /// A model of one log read through a store of `bound`, as a scan leaves it.
    fn model(events: Vec<LogEvent>, bound: EventBound) -> Model {
        let mut store = EventStore::new(bound);
        store.absorb(events);
        let (kept, tallies) = store.finish();
        Model {
            events: kept,
            sources: vec![Source {
                path: PathBuf::from(LOG),
                kind: SourceKind::Uccapilog,
                records: 0,
                skipped: 0,
                log: Some(LogSummary {
                    tallies,
                    ..Default::default()
                }),
            }],
            ..Model::default()
        }
    }

    /// The lines of the saves the logs show as unsent.
    fn unsent_lines(m: &Model) -> Vec<u64> {
        unsent_drafts_in(m)
            .values()
            .flat_map(|u| u.evidence.iter())
            .map(|e| e.line)
            .collect()
    }

    /// A save, then HTTP answers of `status` each with a signature of its own (past the group
    /// bound they are pooled), then four more saves that nothing answered.
    fn saves_around_answers(status: &str) -> Model {
        let mut events = vec![save(1)];
        for l in 2..100u64 {
            let reason = format!("r{l}");
            events.push(ev(
                l,
                EventKind::HttpStatus,
                &[("status", status), ("reason", &reason)],
            ));
        }
        events.extend((100..104).map(save));
        let bound = EventBound {
            groups: 4,
            ..EventBound::default()
        };
        let m = model(events, bound);
        let tallies = &m.sources[0].log.as_ref().expect("log").tallies;
        assert!(
            tallies
                .iter()
                .any(|t| t.is_pooled() && t.occurrences > t.shown),
            "the answers were pooled and summarised: {tallies:#?}"
        );
        m
    }

    /// A pooled group of 2xx answers holds no failure: it does not stop the rule reading on,
    /// so the saves after it are seen unsent. A pooled group of 500s may hold a failure that
    /// answered them, and one without a status may too: the rule reads only up to it.
    #[test]
    fn a_pooled_group_of_2xx_answers_holds_no_failure() {
        assert_eq!(
            unsent_lines(&saves_around_answers("200")),
            [1, 100, 101, 102, 103]
        );
        // The first 500 answered the first save (no draft was left).
        assert_eq!(
            unsent_lines(&saves_around_answers("500")),
            Vec::<u64>::new()
        );
        assert_eq!(unsent_lines(&saves_around_answers("")), [1], "no status");
    }

    /// Every save is sent, then a folder is read: the sends (each to a recipient of its own)
    /// and the reads (each of a folder of its own) pooled into one group, which keeps fewer
    /// sends than the saves' group keeps saves. A send that was not kept must not make its
    /// save look unsent.
    #[test]
    fn a_pooled_group_of_requests_may_hold_sends() {
        let mut events = Vec::new();
        for i in 0..200u64 {
            events.push(save(3 * i + 1));
            let to = format!("user{i}@contoso.com");
            events.push(ev(
                3 * i + 2,
                EventKind::EwsRequest,
                &[("operation", "SendItem"), ("to", &to)],
            ));
            let folder = format!("folder{i}");
            events.push(ev(
                3 * i + 3,
                EventKind::EwsRequest,
                &[("operation", "GetFolder"), ("folder", &folder)],
            ));
        }
        let bound = EventBound {
            groups: 2,
            ..EventBound::default()
        };
        let m = model(events, bound);
        let kept = |op: &str| m.events.iter().filter(|e| is_op(e, op)).count();
        assert!(
            kept("SendItem") < kept("CreateItem"),
            "fewer sends kept ({}) than saves ({})",
            kept("SendItem"),
            kept("CreateItem")
        );
        let tallies = &m.sources[0].log.as_ref().expect("log").tallies;
        let sends = tallies
            .iter()
            .find(|t| t.is_pooled() && t.kind == EventKind::EwsRequest)
            .unwrap_or_else(|| panic!("the sends were pooled: {tallies:#?}"));
        let cutoff = sends.complete_until.expect("not all sends kept");
        // The rule reads up to the first send that may be missing: only the save right before
        // it may look unsent (its send is not read); none after it.
        let unsent = unsent_lines(&m);
        assert!(
            unsent.iter().all(|&l| l + 1 == cutoff),
            "{unsent:?}, {cutoff}"
        );
    }

    mod ledger {
        use super::*;
        use crate::model::Unread;
        use proptest::prelude::*;

        /// One event of a random log: (what, account, counted only).
        /// what: 0 save, 1 send, 2 other request, 3 EWS failure, 4 HTTP 200, 5 HTTP 500,
        /// 6 a SIP answer (nothing to the drafts).
        fn event(line: u64, what: u8, account: usize) -> LogEvent {
            let mut e = match what {
                0 => save(line),
                1 => ev(line, EventKind::EwsRequest, &[("operation", "SendItem")]),
                2 => ev(line, EventKind::EwsRequest, &[("operation", "FindItem")]),
                3 => ev(line, EventKind::EwsFailure, &[("problem", "auth")]),
                4 => ev(line, EventKind::HttpStatus, &[("status", "200")]),
                5 => ev(line, EventKind::HttpStatus, &[("status", "500")]),
                _ => ev(line, EventKind::SipResponse, &[("status", "480")]),
            };
            e.account = Some(account);
            e
        }

        /// A model of one log whose store read `log` (an occurrence counted only where the
        /// flag says so and it can be: a routine request or answer), with its drafts reading.
        fn read(log: &[(u8, usize, bool)]) -> (Model, Vec<LogEvent>) {
            read_logs(log, &[])
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            /// The reading over every event as it is read gives what the rule gives over every
            /// event (kept or not): the same count per account, and while few enough saves
            /// wait, the same saves.
            #[test]
            fn the_drafts_reading_is_the_rule_over_every_event(
                log in proptest::collection::vec((0u8..7, 0usize..2, any::<bool>()), 0..200),
            ) {
                let (m, all) = read(&log);
                let want = unsent_drafts(all.iter());
                let got = unsent_drafts_in(&m);
                let saves = log.iter().filter(|(w, _, _)| *w == 0).count();
                for acc in [Some(0), Some(1)] {
                    let w = want.get(&acc).map(Vec::as_slice).unwrap_or_default();
                    let g = got.get(&acc);
                    prop_assert_eq!(g.map_or(0, |u| u.count), w.len() as u64, "account {:?}", acc);
                    if saves <= 16 {
                        let wl: Vec<u64> = w.iter().map(|e| e.line).collect();
                        let gl: Vec<u64> = g.map(|u| u.evidence.iter().map(|e| e.line).collect()).unwrap_or_default();
                        prop_assert_eq!(gl, wl, "account {:?}", acc);
                    }
                }
            }
        }

        /// A log rotated (several times) while saves waited: each next log goes on from the
        /// previous one. Read as logs one after the other, cut at `cuts`, the count is the
        /// rule's over every event of all of them (occurrences counted only where the flag
        /// says so and they can be).
        fn read_logs(log: &[(u8, usize, bool)], cuts: &[usize]) -> (Model, Vec<LogEvent>) {
            let t0 = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").expect("t");
            let mut all = Vec::new();
            let mut sources = Vec::new();
            let mut kept = Vec::new();
            let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(log.len())).collect();
            bounds.push(0);
            bounds.push(log.len());
            bounds.sort_unstable();
            for (n, w) in bounds.windows(2).enumerate() {
                let path = PathBuf::from(format!("L{n}.UccApilog"));
                let mut store = EventStore::new(EventBound {
                    first: 1,
                    last: 1,
                    spread: 1,
                    groups: 4,
                    routine: 1,
                });
                let mut times = Vec::new();
                for (i, &(what, acc, counted)) in log[w[0]..w[1]].iter().enumerate() {
                    let mut e = event(i as u64 + 1, what, acc);
                    e.path = path.clone();
                    e.time = Some(t0 + chrono::Duration::seconds(all.len() as i64));
                    times.push(e.time);
                    all.push(e.clone());
                    if counted && matches!(what, 2 | 4 | 5) {
                        let u = Unread {
                            line: e.line,
                            time: e.time,
                            rank: 0,
                            account: e.account,
                            kind: e.kind,
                            marker: e.marker.as_str().into(),
                            status: e.values.get("status").and_then(|s| s.parse().ok()),
                        };
                        store.count_unread(&u, None);
                    } else {
                        store.absorb([e]);
                    }
                }
                let drafts = store.drafts();
                let (k, tallies) = store.finish();
                kept.extend(k);
                sources.push(Source {
                    path,
                    kind: SourceKind::Uccapilog,
                    records: 0,
                    skipped: 0,
                    log: Some(LogSummary {
                        tallies,
                        drafts: Some(drafts),
                        first: times.iter().flatten().min().copied(),
                        last: times.iter().flatten().max().copied(),
                        ..Default::default()
                    }),
                });
            }
            let m = Model {
                events: kept,
                sources,
                ..Model::default()
            };
            (m, all)
        }

        /// The count per account from logs cut at `cuts`, and the rule's over every event.
        fn counts(log: &[(u8, usize, bool)], cuts: &[usize]) -> Vec<(u64, u64)> {
            let (m, all) = read_logs(log, cuts);
            let want = unsent_drafts(all.iter());
            let got = unsent_drafts_in(&m);
            [Some(0), Some(1)]
                .iter()
                .map(|acc| {
                    let w = want.get(acc).map_or(0, Vec::len) as u64;
                    (got.get(acc).map_or(0, |u| u.count), w)
                })
                .collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn logs_read_one_after_another_go_on_from_their_waiting_saves(
                log in proptest::collection::vec((0u8..7, 0usize..2, any::<bool>()), 0..120),
                cuts in proptest::collection::vec(0usize..120, 0..4),
            ) {
                for (acc, (got, want)) in counts(&log, &cuts).into_iter().enumerate() {
                    prop_assert_eq!(got, want, "account {}", acc);
                }
            }
        }

        /// Cases a review found: a send in a middle log whose failure opens the next log; more
        /// sends after a rotation than a few thousand; a failed save across a cut.
        #[test]
        fn chained_logs_at_their_edges() {
            let (save, send, fail) = ((0u8, 0usize, false), (1, 0, false), (3, 0, false));
            assert_eq!(counts(&[save, send, fail], &[1, 2])[0], (1, 1));
            assert_eq!(counts(&[save, save, send, fail], &[2, 3])[0], (2, 2));
            assert_eq!(counts(&[save, fail], &[1])[0], (0, 0));
            assert_eq!(counts(&[save, send, fail], &[2])[0], (1, 1));
            let mut many = vec![save; 5000];
            many.extend(vec![send; 5000]);
            assert_eq!(counts(&many, &[5000])[0], (0, 0));
            many.push(save);
            many.push(fail);
            assert_eq!(counts(&many, &[5000, 10000])[0], (0, 0));
        }

        /// A thousand saves never sent: counted exactly, a few of them kept (the first and the
        /// last), memory bounded.
        #[test]
        fn a_thousand_unsent_saves_are_counted_and_a_few_kept() {
            let log: Vec<(u8, usize, bool)> = (0..3000)
                .map(|i| ([0u8, 4, 2][i % 3], 0, i % 2 == 0))
                .collect();
            let (m, _) = read(&log);
            let got = unsent_drafts_in(&m);
            let u = got.get(&Some(0)).expect("account 0");
            assert_eq!(u.count, 1000);
            let lines: Vec<u64> = u.evidence.iter().map(|e| e.line).collect();
            assert_eq!(lines.len(), 32, "{lines:?}");
            assert_eq!((lines[0], lines[31]), (1, 2998), "{lines:?}");
        }
    }
}
