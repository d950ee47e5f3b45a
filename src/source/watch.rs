//! Live watching: notify with a rename-aware debouncer on every spooler, `sip_*` folder and log
//! folder of a scan, or a polling watcher (network shares, WSL, or when native watching fails).
//!
//! The watcher only reports *which paths changed*; [`apply`] turns that into model updates
//! (one spooled file re-read or dropped) and says when logs must be reloaded or a full rescan is
//! due. Watching never writes anything.

use super::scan::{self, Scan, ScanConfig};
use super::watch_cache::PathIds;
use crate::model::{Model, SourceKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use super::watch_targets::targets;

/// Default polling interval when `--poll` is given without one, or native watching fails.
pub const DEFAULT_POLL: Duration = Duration::from_secs(2);
/// How long the debouncer gathers events before it reports them.
pub const DEBOUNCE: Duration = Duration::from_millis(300);
/// How often the debouncer looks at what it gathered.
const DEBOUNCE_TICK: Duration = Duration::from_millis(150);

/// How the tree is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    Native,
    Poll(Duration),
}

impl fmt::Display for WatchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchMode::Native => write!(f, "native"),
            WatchMode::Poll(d) => write!(f, "poll {}", crate::duration::compact(*d)),
        }
    }
}

/// What a watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchMsg {
    /// These paths were created, changed, removed or renamed (both names of a rename).
    Changed(Vec<PathBuf>),
    Error(String),
}

/// Held only to keep the watcher running (dropping it stops the watch).
#[allow(dead_code)]
enum Inner {
    Native(Debouncer<RecommendedWatcher, PathIds>),
    Poll(std::sync::mpsc::Sender<()>),
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    pub mode: WatchMode,
    /// Folders watched.
    pub watched: usize,
    /// Why native watching was not used, when it failed.
    pub fallback_reason: Option<String>,
    _inner: Inner,
}

/// A file that looks like a client trace log (or a rotated one). A name holding `\` off
/// Windows counts as the path it spells (`…\Tracing\x.log` is in a `Tracing` folder).
pub fn is_log_name(p: &Path) -> bool {
    let p = &super::layout::spelled(p);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let in_tracing = p
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n.eq_ignore_ascii_case("tracing"));
    name.contains(".uccapilog")
        || name.ends_with(".etl.xml")
        || name.ends_with(".etl")
        || (in_tracing && name.ends_with(".log"))
}

fn handler(on: impl Fn(WatchMsg) + Send + 'static) -> impl FnMut(DebounceEventResult) + Send {
    move |res: DebounceEventResult| match res {
        Ok(events) => {
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !e.kind.is_access())
                .flat_map(|e| e.paths.iter().cloned())
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                on(WatchMsg::Changed(paths));
            }
        }
        Err(errs) => {
            for e in errs {
                log::warn!("watch: notify reported an error: {e}");
                on(WatchMsg::Error(e.to_string()));
            }
        }
    }
}

fn watch_all<W: notify::Watcher>(
    d: &mut Debouncer<W, PathIds>,
    dirs: &[PathBuf],
) -> Result<usize, String> {
    let mut n = 0;
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        // The debouncer keeps its own list of roots (notify-debouncer-full 0.6+).
        d.watch(dir, RecursiveMode::NonRecursive)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        n += 1;
    }
    Ok(n)
}

/// One folder's listing as the poller sees it: name → (length, modification time).
type Listing = std::collections::BTreeMap<std::ffi::OsString, (u64, Option<std::time::SystemTime>)>;

fn listing(dir: &Path) -> Option<Listing> {
    let rd = std::fs::read_dir(dir).ok()?;
    Some(
        rd.flatten()
            .map(|e| {
                let md = e.metadata().ok();
                let len = md.as_ref().map(|m| m.len()).unwrap_or(0);
                let mtime = md.and_then(|m| m.modified().ok());
                (e.file_name(), (len, mtime))
            })
            .collect(),
    )
}

/// A polling watcher: every `interval` it lists the folders and compares length and
/// modification time (full precision, so a line appended within the same second is seen).
/// It stops when the returned sender is dropped.
fn start_poll(
    dirs: &[PathBuf],
    interval: Duration,
    on: impl Fn(WatchMsg) + Send + 'static,
) -> Result<(std::sync::mpsc::Sender<()>, usize), String> {
    let dirs: Vec<PathBuf> = dirs.iter().filter(|d| d.is_dir()).cloned().collect();
    let n = dirs.len();
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let mut last: Vec<Option<Listing>> = dirs.iter().map(|d| listing(d)).collect();
    std::thread::Builder::new()
        .name("spoolscope poll".into())
        .spawn(move || loop {
            match stopped.recv_timeout(interval) {
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                _ => return,
            }
            let mut changed = Vec::new();
            for (dir, old) in dirs.iter().zip(last.iter_mut()) {
                let new = listing(dir);
                match (&*old, &new) {
                    (Some(o), Some(n)) => {
                        for (name, v) in n {
                            if o.get(name) != Some(v) {
                                changed.push(dir.join(name));
                            }
                        }
                        for name in o.keys() {
                            if !n.contains_key(name) {
                                changed.push(dir.join(name));
                            }
                        }
                    }
                    (None, None) => {}
                    _ => changed.push(dir.clone()),
                }
                *old = new;
            }
            if !changed.is_empty() {
                changed.sort();
                on(WatchMsg::Changed(changed));
            }
        })
        .map_err(|e| e.to_string())?;
    Ok((stop, n))
}

/// Start watching `dirs`. `poll` asks for polling; otherwise native watching is tried first and
/// polling (every [`DEFAULT_POLL`]) takes over when it fails.
pub fn start<F>(dirs: &[PathBuf], poll: Option<Duration>, on: F) -> Result<Watcher, String>
where
    F: Fn(WatchMsg) + Send + Clone + 'static,
{
    if let Some(interval) = poll {
        let (d, n) = start_poll(dirs, interval, on)?;
        log::debug!("watch: polling {n} folders every {interval:?}");
        return Ok(Watcher {
            mode: WatchMode::Poll(interval),
            watched: n,
            fallback_reason: None,
            _inner: Inner::Poll(d),
        });
    }
    let native = new_debouncer_opt::<_, RecommendedWatcher, PathIds>(
        DEBOUNCE,
        Some(DEBOUNCE_TICK),
        handler(on.clone()),
        PathIds::default(),
        notify::Config::default(),
    )
    .map_err(|e| e.to_string())
    .and_then(|mut d| watch_all(&mut d, dirs).map(|n| (d, n)));
    match &native {
        Ok((_, n)) => log::debug!("watch: native notifications on {n} folders"),
        Err(reason) => {
            log::debug!("watch: native watching failed ({reason}); polling every {DEFAULT_POLL:?}")
        }
    }
    match native {
        Ok((d, n)) => Ok(Watcher {
            mode: WatchMode::Native,
            watched: n,
            fallback_reason: None,
            _inner: Inner::Native(d),
        }),
        Err(reason) => {
            let (d, n) = start_poll(dirs, DEFAULT_POLL, on)?;
            Ok(Watcher {
                mode: WatchMode::Poll(DEFAULT_POLL),
                watched: n,
                fallback_reason: Some(reason),
                _inner: Inner::Poll(d),
            })
        }
    }
}

/// What a changed path means for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file directly inside account `account`'s spooler.
    Item { account: usize, path: PathBuf },
    /// A log or evidence file.
    Log(PathBuf),
    /// A spooler or account folder itself: the layout changed, rescan.
    Structure(PathBuf),
}

fn same_dir(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

pub fn classify(model: &Model, path: &Path) -> Change {
    for (i, a) in model.accounts.iter().enumerate() {
        if let Some(sp) = &a.spooler {
            if path == sp.as_path() {
                return Change::Structure(path.to_path_buf());
            }
            if path.parent().is_some_and(|p| p == sp.as_path()) {
                return Change::Item {
                    account: i,
                    path: path.to_path_buf(),
                };
            }
        }
        if path == a.dir.as_path() {
            return Change::Structure(path.to_path_buf());
        }
        if path.parent().is_some_and(|p| p == a.dir.as_path())
            && path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case(super::discover::SPOOLER_DIR))
        {
            return Change::Structure(path.to_path_buf());
        }
    }
    if let Some(c) = super::watch_targets::spelled_item(model, path) {
        return c;
    }
    // Slow path: the watcher may report a different spelling of the same folder.
    if let Some(parent) = path.parent() {
        for (i, a) in model.accounts.iter().enumerate() {
            if let Some(sp) = &a.spooler {
                if same_dir(parent, sp) {
                    let path = sp.join(path.file_name().unwrap_or_default());
                    return Change::Item { account: i, path };
                }
            }
        }
    }
    Change::Log(path.to_path_buf())
}

/// The outcome of applying changed paths to a model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Spooled items were added, re-read or removed.
    pub items_changed: bool,
    /// Log or evidence files that changed (to be re-read).
    pub logs: Vec<PathBuf>,
    /// The folder layout changed: a full rescan is due.
    pub rescan: bool,
}

/// Apply changed paths: spooled files are re-read (or dropped when gone) at once; log changes
/// and layout changes are returned for the caller to act on.
///
/// A burst (a backlog drained at once) is applied as one: every changed item leaves the model
/// in one pass over the items and errors, the files still there are read and put back, and
/// each touched spooler's count is taken once. (One pass per path made N removals cost N².)
pub fn apply(model: &mut Model, paths: &[PathBuf], keep_bodies: bool) -> Applied {
    let mut out = Applied::default();
    // A file listed as ignored (not recognised) and now gone leaves the list.
    if !model.ignored.is_empty() {
        let changed: std::collections::HashSet<&Path> = paths.iter().map(|p| p.as_path()).collect();
        model.ignored.retain(|g| {
            !changed.contains(g.path.as_path()) || std::fs::symlink_metadata(&g.path).is_ok()
        });
    }
    let mut items: Vec<(usize, PathBuf)> = Vec::new();
    for p in paths {
        let change = classify(model, p);
        log::debug!("watch: {} changed: {change:?}", p.display());
        match change {
            Change::Item { account, path } => {
                // A folder inside a spooler: its files belong to the account too (as a scan
                // finds them); rescan rather than miss them.
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_dir()) {
                    out.rescan = true;
                    continue;
                }
                items.push((account, path));
                out.items_changed = true;
            }
            Change::Log(p) => {
                if !out.logs.contains(&p) {
                    out.logs.push(p);
                }
            }
            Change::Structure(_) => out.rescan = true,
        }
    }
    apply_items(model, items, keep_bodies);
    out
}

fn apply_items(model: &mut Model, mut items: Vec<(usize, PathBuf)>, keep_bodies: bool) {
    if items.is_empty() {
        return;
    }
    items.sort_by(|a, b| a.1.cmp(&b.1));
    items.dedup_by(|a, b| a.1 == b.1);
    // The items and errors about these files are replaced by what this read finds.
    {
        let gone: std::collections::HashSet<&Path> =
            items.iter().map(|(_, p)| p.as_path()).collect();
        crate::model::update::remove_items(model, &gone);
    }
    let mut fresh = Vec::new();
    for (account, path) in &items {
        let is_file = match super::read::regular_metadata(path) {
            Ok(_) => true,
            // Gone: the client processed it (or it was renamed away).
            Err(super::read::ReadError::Vanished) => false,
            // A link, a FIFO, a socket…: never opened, but reported, as the scan does.
            Err(e) => {
                model
                    .errors
                    .push(crate::model::ScanError::new(path, e.to_string()));
                false
            }
        };
        if is_file {
            let r = scan::read_item(*account, path, keep_bodies);
            fresh.extend(r.item);
            model.errors.extend(r.error);
        }
    }
    crate::model::update::insert_items(model, fresh);
    let mut accounts: Vec<usize> = items.iter().map(|(a, _)| *a).collect();
    accounts.sort_unstable();
    accounts.dedup();
    for account in accounts {
        let n = model.items_of(account).count() as u64;
        if let Some(sp) = model.accounts.get(account).and_then(|a| a.spooler.clone()) {
            for s in model.sources.iter_mut() {
                if s.kind == SourceKind::Spooler && s.path == sp {
                    s.records = n;
                }
            }
        }
    }
}

/// A full rescan, for changes [`reload_changed_logs`] cannot take on alone (mailbox evidence,
/// files of unknown kind, folder layout).
pub fn reload_logs(roots: &[PathBuf], config: &ScanConfig, _changed: &[PathBuf]) -> Scan {
    scan::scan(roots, config)
}

/// Log files re-read after they changed: what replaces their part of the model.
#[derive(Debug, Clone, Default)]
pub struct LogReload {
    /// Every path whose sources, events and errors are replaced (re-read, new or gone).
    pub paths: Vec<PathBuf>,
    /// Their fresh sources, events and errors (nothing else is set).
    pub part: Model,
    /// Log time-zone label from the read (when something was read).
    pub log_tz: Option<String>,
    /// Tailed logs read on from a checkpoint: only the events of these lines changed, and
    /// `part` holds only those (the log's events on other lines stay as they are). A path not
    /// listed here has all its events replaced. Built for the model the tails' previous reads
    /// went into: reloads must be merged in the order they were read.
    pub changed_lines: Vec<(PathBuf, Vec<u64>)>,
    /// Known logs (or folders holding them) that could not be read this time (access denied,
    /// a sharing violation): what was last read from them stays, and each gets this error and
    /// joins `unreached` (so `scan-incomplete` says it) until it can be read again.
    pub unreadable: Vec<crate::model::ScanError>,
    /// The notable events tailed logs gave for the first time (for `watch` lines).
    pub fresh: FreshEvents,
}

/// Notable events tail reads classified for the first time, whether the bounded store kept
/// them or not: `watch` writes a `log-event` line for each record of them.
#[derive(Debug, Clone, Default)]
pub struct FreshEvents {
    pub events: Vec<crate::model::LogEvent>,
    /// Logs whose read gave more than [`crate::parse::logs::FRESH_CAP`] (or
    /// [`crate::parse::logs::FRESH_BYTES`]) of them, and the records past that (not copied).
    pub over: Vec<(PathBuf, crate::parse::logs::Over)>,
}

/// Why `p` cannot be opened or listed now, when it exists but cannot be (`None` when it can,
/// or when it is gone).
fn unreadable_now(p: &Path, dir: bool) -> Option<String> {
    let r = match dir {
        true => std::fs::read_dir(p).map(|_| ()),
        false => std::fs::File::open(p).map(|_| ()),
    };
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Some(super::read::describe_io(&e)),
        _ => None,
    }
}

fn is_log_kind(k: SourceKind) -> bool {
    matches!(
        k,
        SourceKind::Uccapilog
            | SourceKind::TracerptXml
            | SourceKind::TracerptCsv
            | SourceKind::NetshText
            | SourceKind::TextLog
            | SourceKind::Etl
            | SourceKind::Cls
    )
}

/// Re-read only the log files in `changed`, not the tree. A log of a kind that is tailed
/// (`tails`, see [`super::tail`]) is read on from its last record, or from its start when it
/// was truncated, rotated or replaced; other logs are read again whole. A new file is read when
/// it is a log by name or content, a deleted log drops out. Returns `None` when some changed
/// path is not a log (mailbox evidence, an unknown file): the caller then rescans as before.
pub fn reload_changed_logs(
    model: &Model,
    config: &ScanConfig,
    changed: &[PathBuf],
    tails: &super::tail::Tails,
) -> Option<LogReload> {
    let mut files: Vec<super::logs::LogFile> = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut unreadable = Vec::new();
    // A folder holding known logs that changed (its permissions): when it cannot be listed,
    // say so; when it can again, its logs are read again.
    let mut changed: Vec<PathBuf> = changed.to_vec();
    let mut extra = Vec::new();
    for p in &changed {
        let logs_in: Vec<&PathBuf> = model
            .sources
            .iter()
            .filter(|s| is_log_kind(s.kind) && s.path.parent() == Some(p.as_path()))
            .map(|s| &s.path)
            .collect();
        if logs_in.is_empty() || !std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        match unreadable_now(p, true) {
            Some(why) => unreadable.push(crate::model::ScanError::new(
                p,
                format!("log folder not listed: {why}; what was last read from its logs is kept"),
            )),
            None => {
                paths.push(p.clone());
                extra.extend(logs_in.into_iter().cloned());
            }
        }
    }
    for e in extra {
        if !changed.contains(&e) {
            changed.push(e);
        }
    }
    let changed = &changed;
    for p in changed {
        if model.mailbox.iter().any(|m| &m.path == p) {
            return None;
        }
        if unreadable.iter().any(|e| &e.path == p) {
            continue;
        }
        let known = model
            .sources
            .iter()
            .find(|s| &s.path == p && is_log_kind(s.kind));
        if known.is_some() {
            if let Some(why) = unreadable_now(p, false) {
                // Not gone, only unreadable: keep what was read (and the tail's checkpoint).
                unreadable.push(crate::model::ScanError::new(
                    p,
                    format!("log not read: {why}; what was last read from it is kept"),
                ));
                continue;
            }
        }
        let meta = std::fs::metadata(p).ok().filter(|m| m.is_file());
        match (known, meta) {
            (Some(src), Some(_)) => {
                let detected_by = src.log.as_ref().map(|l| l.detected_by).unwrap_or_default();
                files.push(super::logs::LogFile {
                    path: p.clone(),
                    kind: src.kind,
                    detected_by,
                });
            }
            (Some(_), None) => tails.forget(p),
            (None, Some(m)) => {
                let (found, _) = super::logs::discover(&[super::discover::OtherFile {
                    path: p.clone(),
                    size: m.len(),
                }]);
                if found.is_empty() {
                    if m.len() == 0 && is_log_name(p) {
                        // An empty new log: nothing to read yet.
                    } else {
                        return None;
                    }
                }
                files.extend(found);
            }
            // Gone, and never a source: a temporary file, nothing to do.
            (None, None) => {}
        }
        paths.push(p.clone());
    }
    let markers = match &config.markers {
        Some(m) => m.clone(),
        None => crate::parse::markers::Markers::builtin_shared().ok()?,
    };
    let mut part = Model {
        accounts: model.accounts.clone(),
        ..Model::default()
    };
    let settings = super::logs::LogSettings {
        markers: &markers,
        tz: config.log_tz,
        time_format: config.log_time_format.as_deref(),
        profiles_root: config.profiles_root.as_deref(),
    };
    let (tailed, whole): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|f| super::tail::tailed(f.kind));
    if !whole.is_empty() {
        super::logs::read_logs(&whole, &mut part, &settings);
    }
    let mut changed_lines = Vec::new();
    let mut fresh = FreshEvents::default();
    if !tailed.is_empty() {
        changed_lines = super::logs::tail_logs(&tailed, &mut part, &settings, tails, &mut fresh);
    }
    let log_tz = part.log_tz.take();
    part.accounts.clear();
    Some(LogReload {
        paths,
        part,
        log_tz,
        changed_lines,
        unreadable,
        fresh,
    })
}

/// Put re-read logs into the model: their old sources, events and errors go, the fresh ones
/// come in (events kept in time order) and rotated files are grouped into timelines again.
/// (The correlation with spooled items is the pipeline's: `pipeline::merge_logs`.)
pub fn merge_logs(model: &mut Model, r: LogReload) {
    // Read again (or gone): no longer unreached. Unreadable: unreached, with its error.
    model.unreached.retain(|u| !r.paths.contains(u));
    // Read again but not whole (no record read, UTF-8 after UTF-16…): unreached, as a scan says.
    for u in r.part.unreached.iter().filter(|u| r.paths.contains(u)) {
        if !model.unreached.contains(u) {
            model.unreached.push(u.clone());
        }
    }
    for e in &r.unreadable {
        if !model.unreached.contains(&e.path) {
            model.unreached.push(e.path.clone());
        }
    }
    model.unreached.sort();
    let kept = r.unreadable.clone();
    crate::model::update::replace_logs(
        model,
        &r.paths,
        &r.changed_lines,
        r.part,
        |s| is_log_kind(s.kind),
        super::logs::timeline_key,
    );
    if !kept.is_empty() {
        for e in kept {
            if !model.errors.contains(&e) {
                model.errors.push(e);
            }
        }
        model.errors.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if r.log_tz.is_some() {
        model.log_tz = r.log_tz;
    }
    model.logs_scanned = true;
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
