//! What a live tail read gives `watch` for its `log-event` lines: the notable events
//! ([`LogEvent::notable`]) it classified that no earlier read of the same file had, kept by the
//! bounded store or not, copied within a bound; and what the next read of the file will go over
//! again, so no record comes out twice.

use crate::model::LogEvent;
use std::collections::BTreeMap;

/// Records one tail read copies notable events of for `watch` lines: an append of more
/// failures than this in one poll is counted past it, not copied.
pub const FRESH_CAP: usize = 20_000;

/// The same bound in bytes (an estimate of what the copies hold: path, excerpt, values), so
/// records with long URLs or paths do not take a read's copies past the memory budget.
pub const FRESH_BYTES: usize = 24 << 20;

/// The notable events a tail's earlier reads classified that the next read goes over again:
/// every one before line `through` (a read from the start of a file with no checkpoint), and
/// these (line → markers) from it on. A record the writer cut in two gives a new marker when
/// its rest arrives: that one is new.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    through: u64,
    keys: BTreeMap<u64, Vec<String>>,
}

impl Seen {
    /// Every line before `line` was classified (the same text is read again from its start).
    pub fn seen_before(&mut self, line: u64) {
        self.through = self.through.max(line);
    }

    pub fn contains(&self, line: u64, marker: &str) -> bool {
        line < self.through
            || self
                .keys
                .get(&line)
                .is_some_and(|m| m.iter().any(|x| x == marker))
    }
}

/// Records of one read whose notable events were past the bound (none of them copied): how
/// many, and the first and last of their lines (they are the read's last records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Over {
    pub records: u64,
    pub first: u64,
    pub last: u64,
}

/// One tail read's collection (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct Fresh {
    /// Copy the new events (a read of what changed), or only note what the next read goes
    /// over again (the first read: its events come out from the model).
    copy: bool,
    /// The copies, in the order they were classified.
    pub events: Vec<LogEvent>,
    /// Records copied (one or more events each) and the bytes of the copies.
    records: usize,
    bytes: usize,
    /// Past the bound (set once a copy could not be made: every later record is past it too).
    pub over: Option<Over>,
    last_copied: Option<u64>,
    seen: Seen,
    /// The first record line of the read's last window (where its checkpoints may be saved).
    window_from: Option<u64>,
    /// (line → markers) of the notable events from `window_from` on.
    window: BTreeMap<u64, Vec<String>>,
    /// The last line of a notable event taken.
    last_line: u64,
}

impl Fresh {
    /// A read that copies (`copy`) or not, after reads that saw `seen`.
    pub fn new(copy: bool, seen: Seen) -> Fresh {
        Fresh {
            copy,
            seen,
            ..Fresh::default()
        }
    }

    /// The read reached its last window at the record starting at `line`: from here on, what
    /// it classifies is noted for the next read.
    pub fn enter_window(&mut self, line: u64) {
        self.window_from.get_or_insert(line);
    }

    /// Take in one notable event the read settled.
    pub fn take(&mut self, e: &LogEvent) {
        self.last_line = self.last_line.max(e.line);
        if self.window_from.is_some() {
            let m = self.window.entry(e.line).or_default();
            if !m.contains(&e.marker) {
                m.push(e.marker.clone());
            }
        }
        if !self.copy || self.seen.contains(e.line, &e.marker) {
            return;
        }
        let size = approx_size(e);
        // (Another event of the record copied last.)
        let same = self.last_copied == Some(e.line);
        if self.over.is_none()
            && (same || self.records < FRESH_CAP)
            && self.bytes.saturating_add(size) <= FRESH_BYTES
        {
            self.records += usize::from(!same);
            self.bytes += size;
            self.events.push(e.clone());
            self.last_copied = Some(e.line);
            return;
        }
        if same {
            // Its record has its line from an event copied.
            return;
        }
        match &mut self.over {
            Some(o) if o.last == e.line => {}
            Some(o) => {
                o.records += 1;
                o.last = e.line;
            }
            None => {
                self.over = Some(Over {
                    records: 1,
                    first: e.line,
                    last: e.line,
                })
            }
        }
    }

    /// What the next read has seen of this one when it goes on from line `from` (a checkpoint),
    /// or from the start (`None`: this read left no checkpoint).
    pub fn next_seen(&mut self, from: Option<u64>) -> Seen {
        let mut keys = std::mem::take(&mut self.window);
        match from {
            Some(l) => {
                keys = keys.split_off(&l);
                Seen { through: 0, keys }
            }
            None => Seen {
                // Read again from the start: all before the window was classified already.
                through: self.window_from.unwrap_or(self.last_line.saturating_add(1)),
                keys,
            },
        }
    }
}

/// About what a copy of `e` holds in memory.
fn approx_size(e: &LogEvent) -> usize {
    let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    std::mem::size_of::<LogEvent>()
        + e.path.as_os_str().len()
        + e.marker.len()
        + e.excerpt.len()
        + opt(&e.level)
        + opt(&e.thread)
        + opt(&e.profile)
        + e.values
            .iter()
            .map(|(k, v)| k.len() + v.len() + 64)
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    fn ev(line: u64, marker: &str) -> LogEvent {
        LogEvent {
            path: "/t/Lync-UccApi-0.UccApilog".into(),
            line,
            time: None,
            level: None,
            thread: None,
            kind: EventKind::EwsFailure,
            marker: marker.into(),
            account: None,
            profile: None,
            excerpt: "x".repeat(200),
            values: Default::default(),
        }
    }

    /// Past the bound the records are counted once each (not per event), the record whose
    /// first event was copied is not counted, and the next read goes over none of them again.
    #[test]
    fn records_past_the_bound_are_counted_once_and_seen_by_the_next_read() {
        let mut f = Fresh::new(true, Seen::default());
        f.enter_window(1);
        let n = FRESH_CAP as u64;
        for line in 1..=n + 10 {
            f.take(&ev(line, "ews-401"));
            f.take(&ev(line, "http-status"));
        }
        assert_eq!(f.events.len(), 2 * FRESH_CAP);
        assert_eq!(
            f.over,
            Some(Over {
                records: 10,
                first: n + 1,
                last: n + 10
            })
        );
        // The next read goes on from a checkpoint before the last records: none is new, a
        // record's rest with a new marker is.
        let seen = f.next_seen(Some(n - 5));
        let mut g = Fresh::new(true, seen);
        for line in n - 5..=n + 10 {
            g.take(&ev(line, "ews-401"));
        }
        g.take(&ev(n + 10, "soap-fault"));
        g.take(&ev(n + 11, "ews-401"));
        let lines: Vec<(u64, &str)> = g.events.iter().map(|e| (e.line, &*e.marker)).collect();
        assert_eq!(lines, [(n + 10, "soap-fault"), (n + 11, "ews-401")]);
        assert_eq!(g.over, None);
    }

    /// Copies stop at the byte bound too (long records), and a read from the start of a file
    /// with no checkpoint sees all before the window again.
    #[test]
    fn the_byte_bound_holds_and_a_read_from_the_start_is_not_new() {
        let mut f = Fresh::new(true, Seen::default());
        let mut big = ev(1, "ews-401");
        big.excerpt = "y".repeat(1 << 20);
        for line in 1..=40 {
            big.line = line;
            f.take(&big);
        }
        assert!(
            f.events.len() < 40 && f.events.len() >= 20,
            "{}",
            f.events.len()
        );
        assert!(f.over.is_some());
        f.enter_window(41);
        big.line = 41;
        f.take(&big);
        let seen = f.next_seen(None);
        let mut g = Fresh::new(true, seen);
        for line in 1..=42 {
            g.take(&ev(line, "ews-401"));
        }
        assert_eq!(g.events.iter().map(|e| e.line).collect::<Vec<_>>(), [42]);
    }
}
