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
