//! One scan: walk the roots, read and sniff every spooled file, assemble the model.

use super::discover::{Discovery, OtherFile};
use super::read::{self, ReadError};
use crate::model::{Format, Item, Model, ScanError, Source, SourceKind};
use crate::parse::spool;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// At most this much of a spooled file is read. Enough for any message; a 4 GB file costs 1 MiB.
pub const SPOOL_READ_CAP: usize = 1 << 20;

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

/// What shapes a scan beyond the roots (log time zone, extra files…). Grows with the parsers.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    /// Mailbox evidence files named with `--mailbox FILE` (read even when not under a root).
    pub mailbox_files: Vec<PathBuf>,
    /// Extra log files to read (`--log FILE`), whatever their name.
    pub logs: Vec<PathBuf>,
    /// chrono format of record timestamps in text logs (`--log-time-format`).
    pub log_time_format: Option<String>,
    /// How to read zone-less log timestamps (`--log-tz`).
    pub log_tz: crate::parse::logs::LogTz,
    /// Markers (built-in plus `--markers FILE`); `None` = the built-in ones.
    pub markers: Option<std::sync::Arc<crate::parse::markers::Markers>>,
    /// Correlation window around an item's write time (`--window`); `None` = 5 minutes.
    pub window: Option<std::time::Duration>,
}

/// Walk `roots` and read every spooler under them.
pub fn scan(roots: &[PathBuf], config: &ScanConfig) -> Scan {
    let (d, items) = walk_and_read(roots);
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
    super::logs::scan_logs(&d.other_files, &mut model, config);
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
    Scan {
        model,
        other_files: d.other_files,
        roots_ok,
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
fn walk_and_read(roots: &[PathBuf]) -> (Discovery, Vec<ItemRead>) {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let (tx, rx) = std::sync::mpsc::channel::<super::discover::SpoolBatch>();
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        // The lock is held only to take the next batch.
                        let next = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => break,
                        };
                        let Ok((seq, batch)) = next else { break };
                        let read: Vec<ItemRead> =
                            batch.iter().map(|(a, p)| read_item(*a, p)).collect();
                        done.push((seq, read));
                    }
                    done
                })
            })
            .collect();
        let mut d = Discovery::default();
        d.sink = Some(tx);
        for r in roots {
            d.walk(r);
        }
        d.flush();
        // Closing the channel ends the readers once they have drained it.
        d.sink = None;
        let mut batches: Vec<(usize, Vec<ItemRead>)> = readers
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect();
        batches.sort_unstable_by_key(|(seq, _)| *seq);
        let items = batches.into_iter().flat_map(|(_, b)| b).collect();
        (d, items)
    })
}

/// Read and sniff one spooled file.
pub fn read_item(account: usize, path: &Path) -> ItemRead {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ignorable = NOISE.contains(&name.as_str());
    match read::read_prefix(path, SPOOL_READ_CAP) {
        Ok(pre) => {
            let sn = spool::sniff(&pre.bytes, pre.truncated);
            let modified = pre.metadata.modified().ok().map(DateTime::<Utc>::from);
            let item = Item {
                path: path.to_path_buf(),
                account,
                size: pre.len,
                modified,
                format: sn.format,
                encoding: sn.encoding,
                fields: sn.fields,
                heuristics: sn.heuristics,
                body: sn.body,
                preview: sn.preview,
                truncated: pre.truncated,
                ignorable,
            };
            ItemRead {
                item: Some(item),
                error: None,
            }
        }
        Err(e) => {
            let err = ScanError::new(path, e.to_string());
            // Readable metadata but unreadable content: still an item, so it is counted.
            let item = match e {
                ReadError::PermissionDenied | ReadError::Io(_) => {
                    std::fs::symlink_metadata(path).ok().map(|md| Item {
                        ignorable,
                        ..Item::bare(
                            path,
                            account,
                            md.len(),
                            md.modified().ok().map(DateTime::<Utc>::from),
                            Format::Unreadable,
                        )
                    })
                }
                _ => None,
            };
            ItemRead {
                item,
                error: Some(err),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
