//! What one tail read changed: the lines whose kept events differ from the read before (for
//! the model), and the notable events it classified that no read before had (for `watch`'s
//! `log-event` lines, which must not depend on what the bounded store keeps).

use crate::model::{LogEvent, SharedEvent};
use crate::parse::logs::LogOutput;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Which notable events a read copies into [`LogOutput::fresh`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Collect {
    /// Those of the records in the last window a checkpoint may be saved in (a first read:
    /// only to know what the next read goes over again).
    Window,
    /// Every one the read classifies (a read of what changed).
    All,
}

/// (line, marker) of the notable events a read classified from its last checkpoint on: the
/// next read goes on from that checkpoint, so it classifies them again, and they are not new.
/// A record the writer cut in two gives a new marker when its rest arrives: that one is new.
#[derive(Debug, Clone, Default)]
pub(super) struct Seen(BTreeSet<(u64, String)>);

impl Seen {
    /// Keep in `out.fresh` only the events no earlier read had, and remember those the next
    /// read goes over again (on or after `checkpoint`, the line it goes on from; all of them
    /// when there is none).
    pub(super) fn fresh(&mut self, out: &mut LogOutput, checkpoint: Option<u64>) {
        let all = out.fresh.take().unwrap_or_default();
        let new: Vec<LogEvent> = all
            .iter()
            .filter(|e| !self.0.contains(&(e.line, e.marker.clone())))
            .cloned()
            .collect();
        self.0 = all
            .into_iter()
            .filter(|e| checkpoint.is_none_or(|l| e.line >= l))
            .map(|e| (e.line, e.marker))
            .collect();
        out.fresh = Some(new);
    }
}

/// The lines whose kept events differ between two reads (`old`, `new`: kept events in absorbed
/// order). An event is known by its place in the absorbed order: before the checkpoint a read
/// went on from, both reads hold the very same (shared) event there; after it, the log was read
/// again, and the events are compared by value.
pub(super) fn changed_lines(old: &[SharedEvent], new: &[SharedEvent]) -> Vec<u64> {
    let mut lines = Vec::new();
    let (mut a, mut b) = (old.iter().peekable(), new.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some((i, x)), Some((j, y))) if i == j => {
                if !(Arc::ptr_eq(x, y) || x == y) {
                    lines.extend([x.line, y.line]);
                }
                a.next();
                b.next();
            }
            (Some((i, x)), Some((j, _))) if i < j => {
                lines.push(x.line);
                a.next();
            }
            (Some((_, x)), None) => {
                lines.push(x.line);
                a.next();
            }
            (_, Some((_, y))) => {
                lines.push(y.line);
                b.next();
            }
            (None, None) => break,
        }
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}
