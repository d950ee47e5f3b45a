//! Pure patches to a [`Model`]: replace what some log files contributed, and group rotated
//! files into timelines. The scan and the watcher both use these, so a re-read log ends up
//! exactly as a fresh scan would leave it.

use super::{LogEvent, Model, Source};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The one order of log events: time, then file, then line.
fn event_key(e: &LogEvent) -> (Option<chrono::DateTime<chrono::FixedOffset>>, &Path, u64) {
    e.order_key()
}

/// Rotated files of one log (same folder, same `key`) form one timeline, ordered by their
/// first record. Sources without a log summary are left alone; a log alone in its group has
/// no timeline.
pub fn regroup_timelines(sources: &mut [Source], key: impl Fn(&Path) -> String) {
    let mut groups: BTreeMap<(PathBuf, String), Vec<usize>> = BTreeMap::new();
    for (i, src) in sources.iter_mut().enumerate() {
        if let Some(l) = src.log.as_mut() {
            l.timeline = None;
            l.timeline_index = None;
            let dir = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
            groups.entry((dir, key(&src.path))).or_default().push(i);
        }
    }
    for ((_, key), mut idx) in groups {
        if idx.len() < 2 {
            continue;
        }
        idx.sort_by_key(|&i| sources[i].log.as_ref().and_then(|l| l.first));
        for (n, i) in idx.into_iter().enumerate() {
            if let Some(l) = sources[i].log.as_mut() {
                l.timeline = Some(key.clone());
                l.timeline_index = Some(n);
            }
        }
    }
}

/// Take out the item read from `path` and the errors about that file (before it is read
/// again, or because it is gone).
pub fn remove_item(model: &mut Model, path: &Path) {
    model.items.retain(|it| it.path != path);
    model.errors.retain(|e| e.path != path);
}

/// Take out the items read from `paths` and the errors about those files: one pass over the
/// items and one over the errors, however many paths (a spooler drained at once).
pub fn remove_items(model: &mut Model, paths: &std::collections::HashSet<&Path>) {
    if paths.is_empty() {
        return;
    }
    #[cfg(test)]
    PASSES.with(|c| c.set(c.get() + 1));
    model.items.retain(|it| !paths.contains(it.path.as_path()));
    model.errors.retain(|e| !paths.contains(e.path.as_path()));
}

#[cfg(test)]
thread_local! {
    /// Passes over the items by [`remove_items`] and [`insert_items`] (this thread), for
    /// tests that count work instead of timing it.
    pub static PASSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Put `items` in their places: a few one by one (a binary search and a shift each), more in
/// one sort of the whole list.
pub fn insert_items(model: &mut Model, items: Vec<super::Item>) {
    if items.len() <= FEW {
        for it in items {
            insert_item(model, it);
        }
        return;
    }
    #[cfg(test)]
    PASSES.with(|c| c.set(c.get() + 1));
    model.items.extend(items);
    model
        .items
        .sort_by(|a, b| super::item_order(a.account, &a.path, b.account, &b.path));
}

/// Put `item` in its place (items stay in account, then path order).
pub fn insert_item(model: &mut Model, item: super::Item) {
    let pos = model.items.partition_point(|it| {
        super::item_order(it.account, &it.path, item.account, &item.path).is_lt()
    });
    model.items.insert(pos, item);
}

/// Add newly read log events to the model's (both end up in their one order). The one step
/// by which re-read and tailed logs put events into the model.
pub fn append_events(events: &mut Vec<LogEvent>, fresh: Vec<LogEvent>) {
    let mut fresh = fresh;
    sort_events(&mut fresh);
    if fresh.len() <= FEW {
        // A few (a growing log's last records): each into its place, after any equal key as
        // the merge below puts it.
        for e in fresh {
            let at = events.partition_point(|x| event_key(x) <= event_key(&e));
            events.insert(at, e);
        }
        return;
    }
    // Both lists are in order: merge instead of sorting everything again.
    let old = std::mem::take(events);
    let mut merged = Vec::with_capacity(old.len() + fresh.len());
    let mut a = old.into_iter().peekable();
    let mut b = fresh.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => event_key(x) <= event_key(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        merged.extend(if take_a { a.next() } else { b.next() });
    }
    *events = merged;
}

/// Fresh events up to this many are put in place one by one (each costs a binary search and a
/// shift); more are merged (one pass that moves every event).
const FEW: usize = 32;

/// Sort log events in their one order.
pub fn sort_events(events: &mut [LogEvent]) {
    events.sort_by(|a, b| event_key(a).cmp(&event_key(b)));
}

/// Replace what the files in `paths` contributed (log sources, events, errors) with `fresh`
/// (their re-read sources, events and errors; nothing else of it is used). Events stay in
/// order, rotated files are grouped again with `key`. `is_log` tells a log source from a
/// spooler or mailbox source at the same path.
///
/// A tailed log listed in `changed_lines` as `(path, lines)` (ascending) keeps its events on
/// other lines (read before and unchanged); `fresh` then holds only its events on `lines`.
pub fn replace_logs(
    model: &mut Model,
    paths: &[PathBuf],
    changed_lines: &[(PathBuf, Vec<u64>)],
    fresh: Model,
    is_log: impl Fn(&Source) -> bool,
    key: impl Fn(&Path) -> String,
) {
    let gone = |p: &Path| paths.iter().any(|x| x == p);
    // The paths whose events all go (the others lose only some lines' events).
    let all: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| !changed_lines.iter().any(|(x, _)| x == *p))
        .collect();
    model.events.retain(|e| {
        // Cheap tests first: most events are of other lines, many of other logs.
        let line_goes = changed_lines
            .iter()
            .any(|(p, lines)| lines.binary_search(&e.line).is_ok() && *p == e.path);
        !(line_goes || all.iter().any(|p| **p == e.path))
    });
    model.sources.retain(|s| !(is_log(s) && gone(&s.path)));
    model.errors.retain(|e| !gone(&e.path));
    append_events(&mut model.events, fresh.events);
    model.sources.extend(fresh.sources);
    model.errors.extend(fresh.errors);
    model
        .sources
        .sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    model.errors.sort_by(|a, b| a.path.cmp(&b.path));
    model.errors.dedup();
    regroup_timelines(&mut model.sources, key);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LogSummary, SourceKind};

    fn log(path: &str, first_min: u32) -> Source {
        let first =
            chrono::DateTime::parse_from_rfc3339(&format!("2026-03-02T10:{first_min:02}:00Z"))
                .expect("time");
        Source {
            path: PathBuf::from(path),
            kind: SourceKind::Uccapilog,
            records: 1,
            skipped: 0,
            log: Some(LogSummary {
                first: Some(first),
                timeline: Some("stale".into()),
                timeline_index: Some(9),
                ..Default::default()
            }),
        }
    }

    fn key(p: &Path) -> String {
        let s = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        s.split('-').next().unwrap_or("").to_string()
    }

    #[test]
    fn rotated_files_group_by_first_record_and_loners_lose_a_stale_timeline() {
        let mut s = vec![
            log("/t/a-0.log", 30),
            log("/t/a-1.log", 10),
            log("/u/a-0.log", 5),
            log("/t/b-0.log", 1),
        ];
        regroup_timelines(&mut s, key);
        let tl = |i: usize| {
            let l = s[i].log.as_ref().expect("log");
            (l.timeline.clone(), l.timeline_index)
        };
        // Same folder and key: one timeline, the older first record first.
        assert_eq!(tl(0), (Some("a".into()), Some(1)));
        assert_eq!(tl(1), (Some("a".into()), Some(0)));
        // Another folder, or another key: alone, so no timeline (the stale one is cleared).
        assert_eq!(tl(2), (None, None));
        assert_eq!(tl(3), (None, None));
    }

    #[test]
    fn items_are_inserted_in_order_and_removed_with_their_errors() {
        use crate::model::{Format, Item, ScanError};
        let mut m = Model::default();
        for (acc, p) in [(1, "/b/2"), (0, "/a/9"), (1, "/b/1"), (0, "/a/1")] {
            insert_item(&mut m, Item::bare(p, acc, 1, None, Format::Text));
        }
        let order: Vec<_> = m
            .items
            .iter()
            .map(|i| (i.account, i.path.clone()))
            .collect();
        let want: Vec<(usize, PathBuf)> = [(0, "/a/1"), (0, "/a/9"), (1, "/b/1"), (1, "/b/2")]
            .into_iter()
            .map(|(a, p)| (a, PathBuf::from(p)))
            .collect();
        assert_eq!(order, want);
        m.errors.push(ScanError::new("/a/9", "unreadable"));
        m.errors.push(ScanError::new("/b/1", "unreadable"));
        remove_item(&mut m, Path::new("/a/9"));
        assert_eq!(m.items.len(), 3);
        assert!(m.items.iter().all(|i| i.path != Path::new("/a/9")));
        assert_eq!(m.errors.len(), 1);
        assert_eq!(m.errors[0].path, PathBuf::from("/b/1"));
    }

    fn ev(path: &str, line: u64, sec: i64, note: &str) -> LogEvent {
        LogEvent {
            path: PathBuf::from(path),
            line,
            time: chrono::DateTime::from_timestamp(1_772_460_000 + sec, 0)
                .map(|t| t.fixed_offset()),
            level: None,
            thread: None,
            kind: crate::model::EventKind::EwsFailure,
            marker: "m".into(),
            account: None,
            profile: None,
            excerpt: note.into(),
            values: Default::default(),
        }
    }

    #[test]
    fn replace_logs_with_changed_lines_touches_only_those_lines_of_that_log() {
        // Two logs whose records interleave in time; log b has the same line numbers.
        let mut events: Vec<LogEvent> = (1..=6)
            .flat_map(|l| {
                [
                    ev("/t/a.log", l, 10 * l as i64, "old"),
                    ev("/t/b.log", l, 10 * l as i64 + 5, "old"),
                ]
            })
            .collect();
        // Two markers on one line of a: both go when the line changes.
        events.push(ev("/t/a.log", 5, 50, "old, second marker"));
        sort_events(&mut events);
        let mut m = Model {
            events,
            ..Default::default()
        };
        // a's line 3 changed, line 5 lost its events, line 7 is new; fresh holds only those.
        let fresh = Model {
            events: vec![
                ev("/t/a.log", 7, 70, "new"),
                ev("/t/a.log", 3, 30, "changed"),
            ],
            ..Default::default()
        };
        replace_logs(
            &mut m,
            &[PathBuf::from("/t/a.log")],
            &[(PathBuf::from("/t/a.log"), vec![3, 5, 7])],
            fresh,
            |s| s.log.is_some(),
            key,
        );
        let got: Vec<(String, u64, String)> = m
            .events
            .iter()
            .map(|e| {
                (
                    e.path.to_string_lossy().into_owned(),
                    e.line,
                    e.excerpt.clone(),
                )
            })
            .collect();
        let want: Vec<(String, u64, String)> = [
            ("/t/a.log", 1, "old"),
            ("/t/b.log", 1, "old"),
            ("/t/a.log", 2, "old"),
            ("/t/b.log", 2, "old"),
            ("/t/a.log", 3, "changed"),
            ("/t/b.log", 3, "old"),
            ("/t/a.log", 4, "old"),
            ("/t/b.log", 4, "old"),
            ("/t/b.log", 5, "old"),
            ("/t/a.log", 6, "old"),
            ("/t/b.log", 6, "old"),
            ("/t/a.log", 7, "new"),
        ]
        .into_iter()
        .map(|(p, l, x)| (p.to_string(), l, x.to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_few_fresh_events_go_where_a_merge_puts_them() {
        let base: Vec<LogEvent> = (1..=40)
            .map(|l| ev("/t/a.log", l, (l as i64 / 3) * 10, "old"))
            .collect();
        // Equal times (same second, other lines), a line already there, earlier and later.
        let fresh = vec![
            ev("/t/a.log", 7, 20, "fresh"),
            ev("/t/a.log", 41, 0, "fresh"),
            ev("/t/a.log", 3, 10, "fresh"),
            ev("/t/a.log", 99, 500, "fresh"),
        ];
        let mut few = base.clone();
        append_events(&mut few, fresh.clone());
        // The same events through the merge (more than FEW at once).
        let mut many = base.clone();
        let mut padded = fresh.clone();
        padded.extend((0..FEW).map(|i| ev("/t/z.log", i as u64, 1_000, "pad")));
        append_events(&mut many, padded);
        many.retain(|e| e.excerpt != "pad");
        assert_eq!(few, many);
        let mut sorted = [base, fresh].concat();
        sort_events(&mut sorted);
        assert_eq!(few, sorted);
    }

    #[test]
    fn replace_logs_swaps_a_file_and_regroups() {
        let mut m = Model {
            sources: vec![log("/t/a-0.log", 30)],
            ..Default::default()
        };
        let fresh = Model {
            sources: vec![log("/t/a-1.log", 10)],
            ..Default::default()
        };
        replace_logs(
            &mut m,
            &[PathBuf::from("/t/a-1.log")],
            &[],
            fresh,
            |s| s.log.is_some(),
            key,
        );
        assert_eq!(m.sources.len(), 2);
        let idx: Vec<_> = m
            .sources
            .iter()
            .map(|s| s.log.as_ref().and_then(|l| l.timeline_index))
            .collect();
        // Sorted by path: a-0 (first record 10:30) is second in the timeline.
        assert_eq!(idx, vec![Some(1), Some(0)]);
    }
}
