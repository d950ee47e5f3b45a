//! Helpers over log events (filled by the log parsers; conventions in `model::event`).

use crate::model::{EventKind, Evidence, LogEvent};
use std::collections::BTreeMap;

pub(super) fn val<'a>(e: &'a LogEvent, key: &str) -> Option<&'a str> {
    e.values
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

pub(super) fn is_failure(e: &LogEvent) -> bool {
    match e.kind {
        EventKind::EwsFailure | EventKind::SoapFault => true,
        EventKind::HttpStatus => val(e, "status")
            .and_then(|s| s.trim().get(..3)?.parse::<u16>().ok())
            .is_some_and(|s| s >= 400),
        _ => false,
    }
}

pub(super) fn is_op(e: &LogEvent, op: &str) -> bool {
    e.kind == EventKind::EwsRequest
        && val(e, "operation").is_some_and(|o| o.eq_ignore_ascii_case(op))
}

pub(super) fn is_draft_save(e: &LogEvent) -> bool {
    is_op(e, "CreateItem")
        && val(e, "disposition").is_some_and(|d| d.eq_ignore_ascii_case("SaveOnly"))
        && val(e, "folder").is_some_and(|f| f.eq_ignore_ascii_case("drafts"))
}

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

/// Drafts the logs show being saved and never sent (no SendItem after them, or a SendItem
/// followed by a failure), per account index. A CreateItem directly followed by a failure
/// left no draft and is not counted.
///
/// The logs' events are bounded (first, last and a spread of each group are kept): a failure
/// or a SendItem that was not kept would make the save before it look unsent. So in each log
/// only the events before the first such event that may be missing are read
/// (`EventTally::complete_until`).
pub(super) fn unsent_drafts_in(m: &crate::model::Model) -> BTreeMap<Option<usize>, Vec<&LogEvent>> {
    // By the path's bytes (an event's path is its source's, copied), and the last path's
    // answer again for the next event of the same log: this runs for every event on every
    // refresh, and ordering paths by their components was most of it.
    let mut cutoff: BTreeMap<&std::ffi::OsStr, u64> = BTreeMap::new();
    for s in &m.sources {
        let Some(l) = &s.log else { continue };
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
        if cutoff.is_empty() {
            return true;
        }
        let p = e.path.as_os_str();
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
            .flatten()
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
}
