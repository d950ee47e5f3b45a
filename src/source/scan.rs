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
    let mut d = Discovery::default();
    for r in roots {
        d.walk(r);
    }
    let items = read_all(&d.spool_files);
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
    for (i, acc) in model.accounts.iter().enumerate() {
        if let Some(sp) = &acc.spooler {
            model.sources.push(Source {
                path: sp.clone(),
                kind: SourceKind::Spooler,
                records: model.items.iter().filter(|it| it.account == i).count() as u64,
                skipped: d.spool_skipped.get(&i).copied().unwrap_or(0),
                log: None,
            });
        }
    }
    model.sort();
    super::mailbox::collect(&mut model, &d.other_files, &config.mailbox_files);
    let roots_ok = d.roots_ok + super::mailbox::explicit_ok(&config.mailbox_files);
    super::logs::scan_logs(&d.other_files, &mut model, config);
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

/// Read spooled files on every core; results keep the input order.
fn read_all(files: &[(usize, PathBuf)]) -> Vec<ItemRead> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if files.len() < 64 || threads < 2 {
        return files.iter().map(|(a, p)| read_item(*a, p)).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|(a, p)| read_item(*a, p)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
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
                        path: path.to_path_buf(),
                        account,
                        size: md.len(),
                        modified: md.modified().ok().map(DateTime::<Utc>::from),
                        format: Format::Unreadable,
                        encoding: None,
                        fields: Default::default(),
                        heuristics: vec![],
                        body: None,
                        preview: None,
                        truncated: false,
                        ignorable,
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
