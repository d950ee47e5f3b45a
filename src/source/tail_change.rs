//! What one tail read changed: the lines whose kept events differ from the read before (for
//! the model). The notable events it classified that no read before had (for `watch`'s
//! `log-event` lines) are [`crate::parse::logs::fresh`]'s.

use crate::model::SharedEvent;
use std::sync::Arc;

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
