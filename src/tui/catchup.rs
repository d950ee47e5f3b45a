//! Changes made while a scan ran. The watcher starts once the scan's folders are known, so a
//! file created, changed or removed in a watched folder between the walk and that moment is
//! looked for here, right after the watcher starts, and applied like a watcher's report.

use crate::model::Model;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// When `md`'s file last changed in a way that matters here. On Unix the status-change time:
/// it moves on a create, write or rename, and cannot be set back (a copied file may carry an
/// old modification time). Elsewhere the later of modification and creation.
fn changed_at(md: &std::fs::Metadata) -> Option<SystemTime> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let secs = md.ctime();
        let nanos = md.ctime_nsec().clamp(0, 999_999_999) as u32;
        let base = std::time::UNIX_EPOCH;
        if secs >= 0 {
            base.checked_add(std::time::Duration::new(secs as u64, nanos))
        } else {
            base.checked_sub(std::time::Duration::from_secs(secs.unsigned_abs()))
        }
    }
    #[cfg(not(unix))]
    {
        match (md.modified().ok(), md.created().ok()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The paths in `folders` (one level, not through links) that changed at or after `since`,
/// and the model's items and log sources in those folders that are gone. A folder that cannot
/// be listed is skipped (the watcher or the next rescan reports it).
pub fn changed_since(model: &Model, folders: &[PathBuf], since: SystemTime) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in folders {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let path = entry.path();
            let Ok(md) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if changed_at(&md).is_none_or(|t| t >= since) {
                out.push(path);
            }
        }
    }
    let watched = |p: &Path| p.parent().is_some_and(|d| folders.iter().any(|f| f == d));
    let known = model
        .items
        .iter()
        .map(|i| i.path.as_path())
        .chain(model.sources.iter().map(|s| s.path.as_path()));
    for p in known {
        if watched(p)
            && !out.iter().any(|o| o == p)
            && std::fs::symlink_metadata(p).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            out.push(p.to_path_buf());
        }
    }
    out.sort();
    out.dedup();
    out
}
