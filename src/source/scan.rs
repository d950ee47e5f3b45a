//! One scan: walk the roots, read and sniff every spooled file, assemble the model.

use super::discover::{Discovery, OtherFile, MAX_DEPTH};
use super::read::{self, ReadError};
pub use super::ScanConfig;
use crate::model::{Format, Item, Model, ScanError, Source, SourceKind};
use crate::parse::spool;
use std::path::{Path, PathBuf};

/// At most this much of a spooled file is read. Enough for any message; a 4 GB file costs 1 MiB.
pub const SPOOL_READ_CAP: usize = 1 << 20;

/// The note on a root where names holding `\` were read as paths.
pub const BACKSLASH_NOTE: &str = "file names holding \\ were read as the Windows paths they \
    spell (account, profile, History Spooler); each file was read where it is";

/// Why an empty folder inside a spooler is listed under `ignored[]`.
pub const EMPTY_FOLDER_WHY: &str = "empty folder inside a History Spooler: it holds no item";

/// File names that are Explorer noise, not spooled messages.
const NOISE: &[&str] = &["desktop.ini", "thumbs.db", ".ds_store"];

/// The result of a scan: the model, plus what later parsers may want to look at.
#[derive(Debug, Default)]
pub struct Scan {
    pub model: Model,
    pub other_files: Vec<OtherFile>,
    /// How many roots could be walked; zero means nothing could be scanned.
    pub roots_ok: usize,
}

/// Walk `roots` and read every spooler under them.
pub fn scan(roots: &[PathBuf], config: &ScanConfig) -> Scan {
    scan_tailed(roots, config, None)
}

/// [`scan`] for a live session: logs of tailed kinds are read through `tails`, so the first
/// change after the scan is read on from near their end (see [`super::tail`]).
pub fn scan_tailed(
    roots: &[PathBuf],
    config: &ScanConfig,
    tails: Option<&super::tail::Tails>,
) -> Scan {
    let (d, items) = walk_and_read(roots, config);
    let mut model = Model {
        accounts: d.accounts,
        ..Model::default()
    };
    model.errors.extend(
        d.roots_failed
            .iter()
            .map(|e| ScanError::new(&e.path, format!("cannot scan: {}", e.message))),
    );
    model.errors.extend(d.errors);
    model.unreached.extend(d.unlisted);
    model.notes.extend(
        d.backslash_roots
            .iter()
            .map(|r| ScanError::new(r, BACKSLASH_NOTE)),
    );
    model.notes.extend(
        d.altered_spoolers
            .iter()
            .map(|p| ScanError::new(p, super::discover::ALTERED_SPOOLER_NOTE)),
    );
    model.notes.extend(
        d.links_read
            .iter()
            .map(|p| ScanError::new(p, LINK_READ_NOTE)),
    );
    model.notes.extend(
        d.decoded_addresses
            .iter()
            .map(|p| ScanError::new(p, super::layout::DECODED_ADDRESS_NOTE)),
    );
    model
        .unreached
        .extend(d.roots_failed.iter().map(|e| e.path.clone()));
    for r in items {
        model.items.extend(r.item);
        model.errors.extend(r.error);
    }
    let mut per_account = vec![0u64; model.accounts.len()];
    for it in &model.items {
        if let Some(n) = per_account.get_mut(it.account) {
            *n += 1;
        }
    }
    for (i, acc) in model.accounts.iter().enumerate() {
        if let Some(sp) = &acc.spooler {
            model.sources.push(Source {
                path: sp.clone(),
                kind: SourceKind::Spooler,
                records: per_account[i],
                skipped: d.spool_skipped.get(&i).copied().unwrap_or(0),
                log: None,
            });
        }
    }
    model.sort();
    super::mailbox::collect(&mut model, &d.other_files, &config.mailbox_files);
    let mut roots_ok = d.roots_ok + super::mailbox::explicit_ok(&config.mailbox_files);
    super::logs::scan_logs(&d.other_files, &mut model, config, tails);
    // A `--log FILE` counts like a root (`report --log trace.etl` needs no PATH), read or not:
    // the report then names it with its one-line error.
    roots_ok += config
        .logs
        .iter()
        .filter(|p| {
            model.sources.iter().any(|s| &s.path == *p)
                || model.errors.iter().any(|e| &e.path == *p)
        })
        .count();
    named_files_without_records(&mut model, roots);
    named_inputs_not_read(&mut model, roots, config, &d.links_read);
    model.ignored = super::inventory::ignored(&model, &d.other_files);
    if !d.spool_empty_dirs.is_empty() {
        model.ignored.extend(
            d.spool_empty_dirs
                .iter()
                .map(|(_, p)| crate::model::Ignored {
                    path: p.clone(),
                    why: EMPTY_FOLDER_WHY.into(),
                }),
        );
        model.ignored.sort_by(|a, b| a.path.cmp(&b.path));
    }
    // A file PATH the walk found under another spelling already has its error line.
    let said: Vec<&PathBuf> = roots
        .iter()
        .filter(|r| model.errors.iter().any(|e| &e.path == *r))
        .collect();
    if !said.is_empty() {
        model
            .ignored
            .retain(|i| !said.iter().any(|r| same_input(r, &i.path)));
    }
    log_decisions(&model, roots.len(), roots_ok);
    Scan {
        model,
        other_files: d.other_files,
        roots_ok,
    }
}

/// Whether a path the walk recorded (`seen`) is the file named as an input (`named`): the same
/// path, or (a named file inside a folder root is walked with that root, under the root's
/// spelling: `D ./D/x.log`, `D D/../D/x.log`, `D /abs/D/x.log`) the same file as the file
/// system resolves both. Only paths with the same file name are resolved.
fn same_input(named: &Path, seen: &Path) -> bool {
    named == seen
        || (named.file_name().is_some()
            && named.file_name() == seen.file_name()
            && match (std::fs::canonicalize(named), std::fs::canonicalize(seen)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            })
}

/// A PATH that is a file and gave no record (nor a spooled item) is an error naming it (never
/// a silent nothing).
fn named_files_without_records(model: &mut Model, roots: &[PathBuf]) {
    for r in roots.iter().filter(|r| r.is_file()) {
        let read = model
            .sources
            .iter()
            .any(|s| s.records > 0 && same_input(r, &s.path))
            // A spooled file is read as an item of its account, not as a source.
            || model.items.iter().any(|i| same_input(r, &i.path));
        let said = model.errors.iter().any(|e| same_input(r, &e.path));
        if !read && !said {
            model.errors.push(ScanError::new(
                r,
                "named as a PATH but no record was read from it: expected a trace log \
                 (UccApilog, tracerpt XML/CSV, CLS/OCSLogger or netsh text, .etl) or mailbox \
                 evidence (an EWS answer, a PowerShell export)",
            ));
        }
    }
}

/// A named input (PATH, `--log`, `--mailbox`) with an error at its own path (however it was
/// spelled there) was not read (a FIFO, a link, access denied, no record in it): that path
/// joins `unreached`.
/// A link named as a PATH whose target a PATH's walk read (`links_read`) was read, not
/// unread.
fn named_inputs_not_read(
    model: &mut Model,
    roots: &[PathBuf],
    config: &ScanConfig,
    links_read: &[PathBuf],
) {
    let named: Vec<&PathBuf> = roots
        .iter()
        .chain(&config.logs)
        .chain(&config.mailbox_files)
        .collect();
    let links_read: std::collections::HashSet<&PathBuf> = links_read.iter().collect();
    let mut unread: Vec<PathBuf> = model
        .errors
        .iter()
        .filter(|e| !links_read.contains(&e.path))
        .filter(|e| named.iter().any(|p| same_input(p, &e.path)))
        .map(|e| e.path.clone())
        .collect();
    model.unreached.append(&mut unread);
    model.unreached.sort();
    model.unreached.dedup();
}

/// `--debug-log`: what the scan found and how each file was read (nothing when no log is on).
fn log_decisions(model: &Model, roots: usize, roots_ok: usize) {
    if !log::log_enabled!(log::Level::Debug) {
        return;
    }
    log::debug!(
        "scan: {roots_ok} of {roots} roots readable; {} accounts, {} spooled items, {} sources, {} log events, {} errors",
        model.accounts.len(),
        model.items.len(),
        model.sources.len(),
        model.events.len(),
        model.errors.len()
    );
    for a in &model.accounts {
        log::debug!(
            "account {} ({:?}, profile {:?}): {} spooler {}",
            a.address,
            a.client,
            a.profile,
            a.dir.display(),
            a.spooler
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "none".into())
        );
    }
    for it in &model.items {
        log::debug!(
            "item {}: read as {:?} ({:?}), {} bytes{}{}",
            it.path.display(),
            it.format,
            it.encoding,
            it.size,
            if it.truncated {
                ", cut at the read cap"
            } else {
                ""
            },
            if it.heuristics.is_empty() {
                String::new()
            } else {
                format!(", heuristics: {}", it.heuristics.join(", "))
            }
        );
    }
    for src in &model.sources {
        if let Some(l) = &src.log {
            log::debug!(
                "log {}: {:?} by {}, {}, {} records, {} skipped",
                src.path.display(),
                src.kind,
                l.detected_by,
                l.encoding,
                src.records,
                src.skipped
            );
        }
    }
    for m in &model.mailbox {
        log::debug!(
            "mailbox evidence {}: {:?} ({:?})",
            m.path.display(),
            m.kind,
            m.format
        );
    }
    for e in &model.errors {
        log::debug!("error {}: {}", e.path.display(), e.message);
    }
}

/// Reading one spooled file gives an item, an error, or both (an item whose content could not
/// be read is still counted).
#[derive(Debug)]
pub struct ItemRead {
    pub item: Option<Item>,
    pub error: Option<ScanError>,
}

/// Walk the roots on this thread while reader threads (one per core) read and sniff the
/// spooled files it finds; results keep the walk's order.
///
/// No file is lost: each file is read under [`crate::isolate::per_file`], and a reader thread
/// that dies anyway leaves its batch marked as taken but not done, so every file of it is
/// reported as an internal error; batches no reader took are read here after the walk.
fn walk_and_read(roots: &[PathBuf], config: &ScanConfig) -> (Discovery, Vec<ItemRead>) {
    let keep_bodies = config.keep_bodies;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let (tx, rx) = std::sync::mpsc::channel::<super::discover::SpoolBatch>();
    let rx = std::sync::Mutex::new(rx);
    // Batches a reader took (their files), and the batches read, by sequence number.
    type Files = std::sync::Arc<Vec<(usize, PathBuf)>>;
    let taken: std::sync::Mutex<Vec<(usize, Files)>> = Default::default();
    let done: std::sync::Mutex<Vec<(usize, Vec<ItemRead>)>> = Default::default();
    let walked = std::thread::scope(|s| {
        let readers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| loop {
                    // The lock is held only to take the next batch.
                    let next = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, batch)) = next else { break };
                    // Shared, not copied: the list stays here if this thread dies.
                    let batch: Files = std::sync::Arc::new(batch);
                    relock(&taken).push((seq, batch.clone()));
                    let read: Vec<ItemRead> = batch
                        .iter()
                        .map(|(a, p)| {
                            crate::isolate::fault_point(p, crate::isolate::Fault::KillReader);
                            read_item(*a, p, keep_bodies)
                        })
                        .collect();
                    relock(&done).push((seq, read));
                })
            })
            .collect();
        let mut d = Discovery::default();
        d.profiles_root = config.profiles_root.clone();
        d.sink = Some(tx);
        let inside = nested_roots(roots);
        for (r, skip) in roots.iter().zip(&inside) {
            // (A root inside another one is walked with it: its files once, not twice.)
            if !skip {
                d.walk(r);
            }
        }
        walked_links_are_read(&mut d, roots);
        d.flush();
        // Closing the channel ends the readers once they have drained it.
        d.sink = None;
        let died = readers
            .into_iter()
            .map(|h| h.join())
            .filter(Result::is_err)
            .count();
        (d, died)
    });
    let (d, died) = walked;
    let mut batches = std::mem::take(&mut *relock(&done));
    // Batches still queued (every reader stopped early): read them here.
    let rest = rx
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (seq, batch) in rest.try_iter() {
        let read = batch
            .iter()
            .map(|(a, p)| read_item(*a, p, keep_bodies))
            .collect();
        batches.push((seq, read));
    }
    // Taken but never finished: the reader died while reading them.
    let finished: std::collections::BTreeSet<usize> = batches.iter().map(|(seq, _)| *seq).collect();
    for (seq, batch) in std::mem::take(&mut *relock(&taken)) {
        if finished.contains(&seq) {
            continue;
        }
        let why = format!(
            "a reader thread stopped before this file was read ({died} of {threads} reader \
             thread(s) died)"
        );
        let lost = batch
            .iter()
            .map(|(a, p)| unanalysed(*a, p, crate::isolate::internal_error(p, &why)))
            .collect();
        batches.push((seq, lost));
    }
    batches.sort_unstable_by_key(|(seq, _)| *seq);
    let items = batches.into_iter().flat_map(|(_, b)| b).collect();
    (d, items)
}

/// Lock a mutex whatever happened to a thread that held it (the data is plain lists).
fn relock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn is_noise(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    NOISE.contains(&name.as_str())
}

/// A file whose content could not be analysed: still an item when its metadata can be read
/// (so it is counted, aged and named), with `error` saying why.
fn unanalysed(account: usize, path: &Path, error: ScanError) -> ItemRead {
    let item = std::fs::symlink_metadata(path)
        .ok()
        .filter(|md| md.file_type().is_file())
        .map(|md| Item {
            ignorable: is_noise(path),
            ..Item::bare(
                path,
                account,
                md.len(),
                md.modified().ok().and_then(crate::clock::file_time),
                Format::Unreadable,
            )
        });
    ItemRead {
        item,
        error: Some(error),
    }
}

/// Read and sniff one spooled file. A panic while doing so becomes this file's error (an
/// internal error, to be reported) and the file is still counted as an item. Its body is kept
/// only with `keep_body` (see [`ScanConfig::keep_bodies`]).
pub fn read_item(account: usize, path: &Path, keep_body: bool) -> ItemRead {
    match crate::isolate::per_file(path, || {
        crate::isolate::fault_point(path, crate::isolate::Fault::PanicInRead);
        read_item_unguarded(account, path, keep_body)
    }) {
        Ok(r) => r,
        Err(e) => unanalysed(account, path, e),
    }
}

fn read_item_unguarded(account: usize, path: &Path, keep_body: bool) -> ItemRead {
    let ignorable = is_noise(path);
    match read::read_prefix(path, SPOOL_READ_CAP) {
        Ok(pre) => {
            let sn = spool::sniff(&pre.bytes, pre.truncated);
            let mtime = pre.metadata.modified().ok();
            let modified = mtime.and_then(crate::clock::file_time);
            // A time there that cannot be held: the item is counted, its age unknown, and
            // one error line says why.
            let error = (mtime.is_some() && modified.is_none())
                .then(|| ScanError::new(path, crate::clock::FILE_TIME_OUT_OF_RANGE));
            let item = Item {
                path: path.to_path_buf(),
                account,
                size: pre.len,
                modified,
                format: sn.format,
                encoding: sn.encoding,
                fields: sn.fields,
                heuristics: sn.heuristics,
                body: sn.body.filter(|_| keep_body),
                preview: sn.preview,
                truncated: pre.truncated,
                ignorable,
            };
            ItemRead {
                item: Some(item),
                error,
            }
        }
        Err(e) => {
            let err = ScanError::new(path, e.to_string());
            // Readable metadata but unreadable content: still an item, so it is counted.
            match e {
                ReadError::PermissionDenied | ReadError::Io(_) => unanalysed(account, path, err),
                _ => ItemRead {
                    item: None,
                    error: Some(err),
                },
            }
        }
    }
}

/// A folder link the walk did not follow (a redirected `Lync` folder, a linked folder of
/// collected files) whose target a root's walk reaches (the target named as a PATH, or lying
/// inside one, within the depth limit) was read after all: it is not counted unread, so the
/// `scan-incomplete` it gave can be cleared as its fix says, by passing the target (review
/// wild9a d07). Folders that could not be listed (not links) stay.
fn walked_links_are_read(d: &mut Discovery, roots: &[PathBuf]) {
    if d.unlisted.is_empty() {
        return;
    }
    let real: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .filter(|r| r.is_dir())
        .collect();
    let mut read = Vec::new();
    d.unlisted.retain(|u| {
        let is_link = std::fs::symlink_metadata(u).is_ok_and(|m| m.file_type().is_symlink());
        let Some(target) = is_link.then(|| std::fs::canonicalize(u).ok()).flatten() else {
            return true;
        };
        let walked = real.iter().any(|r| {
            target.starts_with(r)
                && target.components().count() - r.components().count() < MAX_DEPTH
        });
        if walked {
            read.push(u.clone());
        }
        !walked
    });
    // Its error line stays (the link was not followed), with a note that what it leads to
    // was read.
    d.links_read.extend(read);
}

/// The note on a folder link not followed whose target a PATH's walk read.
pub const LINK_READ_NOTE: &str =
    "symbolic link, not followed here: the folder it leads to is read under a PATH, so it is not counted unread";

/// Which roots are the same folder as an earlier root, or inside another root (`Users` and
/// `Users/jdoe`): walking them too would count their items twice. Compared as the file
/// system resolves them (links, `..`); a root that cannot be resolved is walked (the walk
/// reports why it failed).
fn nested_roots(roots: &[PathBuf]) -> Vec<bool> {
    let real: Vec<Option<PathBuf>> = roots
        .iter()
        .map(|r| std::fs::canonicalize(r).ok())
        .collect();
    // In path order a folder comes right before what is inside it, so one pass with the chain
    // of walked roots above the current one decides (not every pair of roots).
    let mut order: Vec<usize> = (0..roots.len()).filter(|&i| real[i].is_some()).collect();
    order.sort_by(|&a, &b| real[a].cmp(&real[b]).then(a.cmp(&b)));
    let mut skip = vec![false; roots.len()];
    let mut walked: Vec<&Path> = Vec::new();
    for i in order {
        let Some(ri) = real[i].as_deref() else {
            continue;
        };
        while walked.last().is_some_and(|top| !ri.starts_with(top)) {
            walked.pop();
        }
        // (Only where the other root's walk reaches: within its depth limit.)
        let reached = walked
            .last()
            .is_some_and(|top| ri.components().count() - top.components().count() < MAX_DEPTH);
        if reached {
            skip[i] = true;
        } else {
            walked.push(ri);
        }
    }
    skip
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Users Users/jdoe` (or a root twice, or through `..`) walks `Users` once: the inner
    /// and repeated roots are skipped; roots side by side or missing are all walked.
    #[test]
    fn nested_and_repeated_roots_are_walked_once() {
        let t = tempfile::tempdir().expect("tempdir");
        let users = t.path().join("Users");
        let jdoe = users.join("jdoe");
        let other = t.path().join("Other");
        std::fs::create_dir_all(&jdoe).expect("mkdir");
        std::fs::create_dir_all(&other).expect("mkdir");
        let missing = t.path().join("missing");
        let roots = vec![
            jdoe.clone(),
            users.clone(),
            users.join("jdoe/../jdoe"),
            other.clone(),
            users.clone(),
            missing,
        ];
        assert_eq!(
            nested_roots(&roots),
            [true, false, true, false, true, false]
        );
        // Past the outer root's depth limit its walk does not reach: the inner root is walked,
        // and what lies inside that one is walked with it.
        let mut deep = other.clone();
        for i in 0..MAX_DEPTH + 1 {
            deep.push(format!("l{i}"));
        }
        let inner = deep.join("x");
        std::fs::create_dir_all(&inner).expect("mkdir");
        assert_eq!(
            nested_roots(&[inner, other.clone(), deep]),
            [true, false, false]
        );
    }

    /// Many batches, read on several threads while the walk goes on: every file is read once,
    /// lands in its own account, and the counts per spooler are right.
    #[test]
    fn concurrent_walk_and_read_keeps_every_item_in_its_account() {
        let t = tempfile::tempdir().expect("tempdir");
        let users = [("a", 700usize), ("b", 3), ("c", 0), ("d", 301)];
        for (u, n) in users {
            let sp = t
                .path()
                .join(format!(
                    "Users/{u}/AppData/Local/Microsoft/Office/16.0/Lync"
                ))
                .join(format!("sip_{u}@contoso.com/History Spooler"));
            std::fs::create_dir_all(&sp).expect("mkdir");
            for i in 0..n {
                std::fs::write(sp.join(format!("{i:04}.xml")), format!("<m>{u}{i}</m>"))
                    .expect("write");
            }
        }
        let s = scan(&[t.path().to_path_buf()], &ScanConfig::default());
        let m = &s.model;
        assert_eq!(m.items.len(), 700 + 3 + 301);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        for (u, n) in users {
            let (i, acc) = m
                .accounts
                .iter()
                .enumerate()
                .find(|(_, a)| a.address == format!("{u}@contoso.com"))
                .expect("account");
            let mine: Vec<&Item> = m.items.iter().filter(|it| it.account == i).collect();
            assert_eq!(mine.len(), n, "{u}");
            assert!(mine.iter().all(|it| it.path.starts_with(&acc.dir)));
            let src = m
                .sources
                .iter()
                .find(|x| Some(&x.path) == acc.spooler.as_ref())
                .expect("spooler source");
            assert_eq!(src.records, n as u64, "{u}");
        }
        // Kept in model order: by account, then path.
        assert!(m.items.windows(2).all(|w| crate::model::item_order(
            w[0].account,
            &w[0].path,
            w[1].account,
            &w[1].path
        )
        .is_le()));
    }
}
