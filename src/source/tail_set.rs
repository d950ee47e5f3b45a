//! The tails of one live session ([`Tails`]): one [`Tail`] per log, read side by side.

use super::{Tail, TailRead};
use crate::model::SourceKind;
use crate::parse::logs::common::ParseOptions;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The tails of one live session, shared between the view and the thread that reads.
#[derive(Debug, Clone, Default)]
pub struct Tails(Arc<Mutex<BTreeMap<PathBuf, Tail>>>);

impl Tails {
    /// Read `path`, a log of `kind`, on from its checkpoint (starting a tail on first use, or
    /// when the log's kind changed), as [`Tail::read`]. The tail is taken out of the map while
    /// it reads, so the logs of a scan are read side by side; a read that fails (or panics)
    /// leaves it out: the next read starts over.
    pub fn read(
        &self,
        path: &Path,
        kind: SourceKind,
        opts: &ParseOptions<'_>,
    ) -> io::Result<TailRead> {
        self.read_with(path, kind, |t| t.read(opts))
    }

    /// [`Tails::read`] as [`Tail::read_change`]: only the kept events that changed since the
    /// last read of `path` through these tails. The caller must have taken in every earlier
    /// read of it (or [`Tails::forget`] it, so the next read gives all).
    pub fn read_change(
        &self,
        path: &Path,
        kind: SourceKind,
        opts: &ParseOptions<'_>,
    ) -> io::Result<TailRead> {
        self.read_with(path, kind, |t| t.read_change(opts))
    }

    fn read_with(
        &self,
        path: &Path,
        kind: SourceKind,
        read: impl FnOnce(&mut Tail) -> io::Result<TailRead>,
    ) -> io::Result<TailRead> {
        let taken = self.lock().remove(path);
        let mut tail = match taken {
            Some(t) if t.kind == kind => t,
            _ => Tail::open(path, kind)?,
        };
        let r = read(&mut tail);
        if r.is_ok() {
            self.lock().insert(path.to_path_buf(), tail);
        }
        r
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<PathBuf, Tail>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forget `path` (it is gone, or a rescan replaced what it contributed).
    pub fn forget(&self, path: &Path) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(path);
    }

    /// Forget every tail (after a full rescan).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Whole reads and bytes decoded by the last read of `path`, when it is tailed.
    pub fn stats(&self, path: &Path) -> Option<(u32, u64)> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(path).map(|t| (t.whole_reads, t.last_read_bytes))
    }
}
