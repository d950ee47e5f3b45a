//! The inventory: which files found under the PATHs were read as nothing at all, and why, so
//! that nothing is ignored in silence (`ignored[]` in JSON, the reports' last lines).

use super::discover::OtherFile;
use crate::model::{Ignored, Model};
use std::collections::BTreeSet;
use std::path::Path;

/// The other files (outside spoolers) that became neither a source nor an error.
pub fn ignored(model: &Model, others: &[OtherFile]) -> Vec<Ignored> {
    let known: BTreeSet<&Path> = model
        .sources
        .iter()
        .map(|s| s.path.as_path())
        .chain(model.errors.iter().map(|e| e.path.as_path()))
        .collect();
    let mut out: Vec<Ignored> = others
        .iter()
        .filter(|o| !known.contains(o.path.as_path()))
        .map(|o| Ignored {
            path: o.path.clone(),
            why: if o.size == 0 {
                "empty file".into()
            } else {
                "not recognised: neither a trace log (by name or content) nor mailbox evidence"
                    .into()
            },
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
