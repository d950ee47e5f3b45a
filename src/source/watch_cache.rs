//! The native watcher's file-id cache (used to pair the two halves of a rename where the
//! platform does not): the same content as notify-debouncer-full's `FileIdMap`, kept in path
//! order so that forgetting a removed path and what lay under it is a range removal, not a pass
//! over every cached file. (With `FileIdMap`, a burst of N removals cost N passes over N files.)

use notify::RecursiveMode;
use notify_debouncer_full::file_id::{get_file_id, FileId};
use notify_debouncer_full::FileIdCache;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct PathIds {
    paths: BTreeMap<PathBuf, FileId>,
}

impl PathIds {
    /// The paths at and under `path`: in path (component) order they follow `path` directly.
    fn under(&self, path: &Path) -> Vec<PathBuf> {
        self.paths
            .range::<Path, _>((std::ops::Bound::Included(path), std::ops::Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(path))
            .map(|(p, _)| p.clone())
            .collect()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.paths.len()
    }
}

impl FileIdCache for PathIds {
    fn cached_file_id(&self, path: &Path) -> Option<impl AsRef<FileId>> {
        self.paths.get(path)
    }

    fn add_path(&mut self, path: &Path, recursive_mode: RecursiveMode) {
        let depth = match recursive_mode {
            RecursiveMode::Recursive => usize::MAX,
            RecursiveMode::NonRecursive => 1,
        };
        for entry in walkdir::WalkDir::new(path)
            .follow_links(true)
            .max_depth(depth)
            .into_iter()
            .flatten()
        {
            let p = entry.into_path();
            if let Ok(id) = get_file_id(&p) {
                self.paths.insert(p, id);
            }
        }
    }

    fn remove_path(&mut self, path: &Path) {
        for p in self.under(path) {
            self.paths.remove(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A removed folder takes what lay under it, and nothing beside it (`a/b0` sorts after
    /// `a/b/…`, `a/b.txt` between them in bytes but not in components).
    #[test]
    fn removing_a_path_removes_it_and_what_is_under_it_only() {
        let t = tempfile::tempdir().expect("tmp");
        let a = t.path().join("a");
        for d in ["b/c", "b0", "b.txt"] {
            std::fs::create_dir_all(a.join(d)).expect("mkdir");
        }
        std::fs::write(a.join("b/c/x"), "x").expect("write");
        let mut c = PathIds::default();
        c.add_path(&a, RecursiveMode::Recursive);
        assert_eq!(c.len(), 6);
        assert_eq!(c.under(&a.join("b")).len(), 3);
        c.remove_path(&a.join("b"));
        assert!(c.cached_file_id(&a.join("b/c/x")).is_none());
        assert!(c.cached_file_id(&a.join("b0")).is_some());
        assert!(c.cached_file_id(&a.join("b.txt")).is_some());
        assert_eq!(c.len(), 3);
    }

    /// Each removal looks only at what it removes: a burst of N removals is N range lookups,
    /// not N passes over the cache.
    #[test]
    fn a_removal_visits_only_its_own_entries() {
        let t = tempfile::tempdir().expect("tmp");
        for i in 0..200 {
            std::fs::write(t.path().join(format!("{i:04}.eml")), "x").expect("write");
        }
        let mut c = PathIds::default();
        c.add_path(t.path(), RecursiveMode::NonRecursive);
        assert_eq!(c.len(), 201);
        for i in 0..200 {
            let p = t.path().join(format!("{i:04}.eml"));
            assert_eq!(c.under(&p), vec![p.clone()]);
            c.remove_path(&p);
        }
        assert_eq!(c.len(), 1);
    }
}
