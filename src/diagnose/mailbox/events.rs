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
                // A group of 2xx answers holds no failure; one without a status (pooled) may.
                EventKind::HttpStatus => t.values.get("status").is_none_or(|s| {
                    s.trim()
                        .get(..3)
                        .and_then(|s| s.parse::<u16>().ok())
                        .is_none_or(|s| s >= 400)
                }),
                // A send that was not kept would make the save before it look unsent too.
                EventKind::EwsRequest => t.values.get("operation").map_or(
                    t.values.contains_key("unread") || t.values.is_empty(),
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
