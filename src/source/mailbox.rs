//! Mailbox evidence on disk: found by content among the files outside any spooler, or named
//! with `--mailbox FILE`. Reads are bounded; a file that looks like mailbox evidence but cannot
//! be read is a one-line error naming the file, and the scan goes on.

use super::discover::OtherFile;
use super::read::read_prefix;
use crate::model::{MailboxFile, MailboxFileKind, Model, ScanError, Source, SourceKind};
use crate::parse::{mailbox, psexport, text};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How much of a candidate is read to decide whether it is mailbox evidence.
const HEAD_CAP: usize = 64 * 1024;
/// At most this much of a mailbox evidence file is read (a FindItem of ~20 000 items).
pub const MAILBOX_READ_CAP: usize = 32 << 20;

/// Whether the start of a file is worth a full read.
fn worth_reading(head: &str) -> bool {
    if mailbox::looks_like_ews(head) || psexport::mentions_known_keys(head) {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    let t = lower.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    // An item list: a header (CSV) or keys (JSON) naming a subject.
    let first_data_line = t
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or_default();
    first_data_line.contains("subject")
        || (t.starts_with('[') || t.starts_with('{')) && t.contains("\"subject\"")
        || psexport::format_list_item_list(head)
}

/// Read and parse one file. `None`: not mailbox evidence (or an error, in `errors`). A panic
/// while doing so is this file's error (an internal error, to be reported).
fn read_one(path: &Path, explicit: bool, errors: &mut Vec<ScanError>) -> Option<MailboxFile> {
    let mut mine = Vec::new();
    let r = crate::isolate::per_file(path, || {
        crate::isolate::fault_point(path, crate::isolate::Fault::PanicInRead);
        read_one_unguarded(path, explicit, &mut mine)
    });
    errors.append(&mut mine);
    r.unwrap_or_else(|e| {
        errors.push(e);
        None
    })
}

fn read_one_unguarded(
    path: &Path,
    explicit: bool,
    errors: &mut Vec<ScanError>,
) -> Option<MailboxFile> {
    if !explicit {
        let head = match read_prefix(path, HEAD_CAP) {
            Ok(p) => p,
            // Unreadable other files are the log parsers' business too; say nothing here.
            Err(_) => return None,
        };
        let decoded = text::decode(&head.bytes, head.truncated)?;
        // A trace log (a UccApilog quoting EWS bodies and policy names) is the log parsers'
        // business: reading its first 32 MiB again as text here was most of a report's memory.
        if crate::parse::logs::sniff_kind(&decoded.text).is_some() || !worth_reading(&decoded.text)
        {
            return None;
        }
    }
    let pre = match read_prefix(path, MAILBOX_READ_CAP) {
        Ok(p) => p,
        Err(e) => {
            errors.push(ScanError::new(path, format!("mailbox evidence: {e}")));
            return None;
        }
    };
    let Some(decoded) = text::decode(&pre.bytes, pre.truncated) else {
        if explicit {
            errors.push(ScanError::new(
                path,
                "mailbox evidence: not text (binary content), skipped",
            ));
        }
        return None;
    };
    let parsed = if mailbox::looks_like_ews(&decoded.text) {
        mailbox::parse_ews(path, &decoded.text)
            .map(|o| {
                o.map(|e| {
                    if let Some(c) = e.cut {
                        errors.push(ScanError::new(
                            path,
                            format!(
                                "{}: {c}; kept the {} record(s) read before it",
                                e.file.kind.label(),
                                e.file.records()
                            ),
                        ));
                    }
                    let mut f = e.file;
                    if let Some(mb) = e.request_mailbox {
                        f.owner = Some(mb);
                        f.attribution = "request mailbox".into();
                    }
                    f
                })
            })
            .map_err(|e| e.to_string())
    } else {
        psexport::parse_export(path, &decoded.text).map_err(|e| e.to_string())
    };
    if let Ok(Some(f)) = &parsed {
        for p in &f.problems {
            errors.push(ScanError::new(path, format!("{}: {p}", f.kind.label())));
        }
    }
    match parsed {
        Ok(Some(f)) if explicit && f.records() == 0 => {
            errors.push(ScanError::new(
                path,
                format!(
                    "--mailbox: read as {} but it holds no record (expected items, folders, \
                     policy records or an EWS error answer)",
                    f.kind.label()
                ),
            ));
            None
        }
        Ok(Some(mut f)) => {
            f.encoding = Some(decoded.encoding);
            f.heuristics.extend(decoded.heuristics);
            if pre.truncated {
                f.heuristics.push("read-prefix-only".into());
                errors.push(ScanError::new(
                    path,
                    format!(
                        "mailbox evidence: only the first {} MiB were read",
                        MAILBOX_READ_CAP >> 20
                    ),
                ));
            }
            if f.skipped > 0 && f.kind != MailboxFileKind::FindItem {
                errors.push(ScanError::new(
                    path,
                    format!(
                        "{}: {} record(s) could not be read and were skipped",
                        f.kind.label(),
                        f.skipped
                    ),
                ));
            }
            Some(f)
        }
        Ok(None) => {
            if explicit {
                errors.push(ScanError::new(
                    path,
                    "not recognised as mailbox evidence (expected an EWS FindItem/GetFolder \
                     response, a Get-MailboxFolderStatistics, Get-CsImConfiguration or \
                     Get-CsClientPolicy export, or a list of items)",
                ));
            }
            None
        }
        Err(e) => {
            errors.push(ScanError::new(path, e));
            None
        }
    }
}

/// Find, read and attribute mailbox evidence; add it, its sources and its errors to `model`.
pub fn collect(model: &mut Model, others: &[OtherFile], explicit: &[PathBuf]) {
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for p in explicit {
        if seen.insert(p.clone()) {
            files.extend(read_one(p, true, &mut errors));
        }
    }
    for o in others {
        if o.size == 0 || !seen.insert(o.path.clone()) {
            continue;
        }
        files.extend(read_one(&o.path, false, &mut errors));
    }
    // A file holding two kinds of records is one source and one entry per kind.
    let files: Vec<MailboxFile> = files
        .into_iter()
        .flat_map(MailboxFile::split_by_kind)
        .collect();
    for f in &files {
        let kind = match f.kind {
            MailboxFileKind::FindItem | MailboxFileKind::ItemList | MailboxFileKind::EwsError => {
                SourceKind::MailboxItems
            }
            MailboxFileKind::FolderStats | MailboxFileKind::GetFolder => {
                SourceKind::MailboxFolderStats
            }
            MailboxFileKind::CsPolicy => SourceKind::CsPolicy,
        };
        model.sources.push(Source {
            path: f.path.clone(),
            kind,
            records: f.records(),
            skipped: f.skipped,
            log: None,
        });
    }
    model.mailbox.extend(files);
    model.mailbox.sort_by(|a, b| a.path.cmp(&b.path));
    attribute(model);
    model
        .sources
        .sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    model.errors.extend(errors);
    model.errors.sort_by(|a, b| a.path.cmp(&b.path));
    model.errors.dedup();
}

/// How many `--mailbox` files exist as regular files (they count as scanned roots).
pub fn explicit_ok(explicit: &[PathBuf]) -> usize {
    explicit
        .iter()
        .filter(|p| super::read::regular_metadata(p).is_ok())
        .count()
}

/// The one address every item with a sender shares, if there is exactly one.
fn sole_sender(f: &MailboxFile) -> Option<String> {
    let mut addrs = f
        .items
        .iter()
        .filter_map(|i| i.from.as_deref())
        .filter(|a| a.contains('@'));
    let first = addrs.next()?;
    addrs
        .all(|a| a.eq_ignore_ascii_case(first))
        .then(|| first.to_ascii_lowercase())
}

fn unique_address(values: impl Iterator<Item = String>) -> Option<String> {
    let mut found: Option<String> = None;
    for v in values {
        for a in text::find_addresses(&v) {
            let a = a.to_ascii_lowercase();
            match &found {
                // A second address: not unique (stop here, not after every row).
                Some(f) if *f != a => return None,
                Some(_) => {}
                None => found = Some(a),
            }
        }
    }
    found
}

/// The mailbox part of `Identity` values such as `jdoe\Drafts` or `contoso.com/Users/J Doe\Drafts`.
fn identity_aliases(f: &MailboxFile) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for id in f.folders.iter().filter_map(|s| s.identity.as_deref()) {
        let mb = id.split('\\').next().unwrap_or_default();
        let mb = mb
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        if !mb.is_empty() {
            out.insert(mb);
        }
    }
    out
}

/// Decide whose mailbox each file shows, and which folder a listing covers when another file
/// says so. Pure: looks only at the model.
pub fn attribute(model: &mut Model) {
    let accounts: Vec<String> = model
        .accounts
        .iter()
        .map(|a| a.address.to_ascii_lowercase())
        .collect();
    // Pass 0: an export naming several mailboxes is one entry per mailbox (same path).
    if model.mailbox.iter().any(|f| {
        matches!(
            f.kind,
            MailboxFileKind::FolderStats | MailboxFileKind::ItemList
        )
    }) {
        model.mailbox = std::mem::take(&mut model.mailbox)
            .into_iter()
            .flat_map(MailboxFile::split_by_mailbox)
            .collect();
    }
    // Pass 1: what each file says about itself.
    for f in model.mailbox.iter_mut() {
        if f.kind == MailboxFileKind::CsPolicy {
            f.owner = None;
            f.attribution = "not per mailbox (policy)".into();
            continue;
        }
        if f.owner.is_some() {
            continue;
        }
        let listing_of_own_items = f.folder.as_deref().is_none_or(|d| {
            ["drafts", "sentitems", "outbox"].contains(&d.to_ascii_lowercase().as_str())
        });
        if f.named_mailbox.is_some() {
            // One of several mailboxes in its file: the file's name is not about this one.
            continue;
        }
        let found = if let Some(s) = sole_sender(f).filter(|_| listing_of_own_items) {
            Some((s, "sender of every item"))
        } else if let Some(a) = unique_address(f.folders.iter().filter_map(|s| s.identity.clone()))
        {
            Some((a, "Identity column"))
        } else if let Some(a) = f
            .path
            .file_name()
            .and_then(|n| text::first_address(&n.to_string_lossy()))
        {
            Some((a.to_ascii_lowercase(), "file name"))
        } else {
            f.path
                .ancestors()
                .skip(1)
                .take(3)
                .find_map(|d| {
                    d.file_name()
                        .and_then(|n| text::first_address(&n.to_string_lossy()))
                })
                .map(|a| (a.to_ascii_lowercase(), "folder name"))
        };
        if let Some((a, how)) = found {
            f.owner = Some(a);
            f.attribution = how.into();
        }
    }
    // Pass 2: heuristics against every mailbox the scan knows of.
    let mut candidates: Vec<String> = accounts;
    let mut known: BTreeSet<String> = candidates.iter().cloned().collect();
    for f in &model.mailbox {
        if let Some(o) = &f.owner {
            let o = o.to_ascii_lowercase();
            if known.insert(o.clone()) {
                candidates.push(o);
            }
        }
    }
    for f in model.mailbox.iter_mut() {
        if f.owner.is_some() || f.kind == MailboxFileKind::CsPolicy {
            continue;
        }
        let aliases = identity_aliases(f);
        let by_alias: Vec<&String> = candidates
            .iter()
            .filter(|c| {
                let local = c.split('@').next().unwrap_or_default();
                aliases.contains(local)
            })
            .collect();
        if by_alias.len() == 1 {
            f.owner = Some(by_alias[0].clone());
            f.attribution = "heuristic: Identity alias matches this address".into();
            f.heuristics.push("owner-by-identity-alias".into());
        } else if candidates.len() == 1 && f.named_mailbox.is_none() {
            f.owner = Some(candidates[0].clone());
            f.attribution = "heuristic: the only mailbox in this scan".into();
            f.heuristics.push("owner-is-only-mailbox-in-scan".into());
        }
    }
    // Pass 3: listings whose folder is only an id, named by a GetFolder response elsewhere.
    let named: Vec<(String, bool, Option<String>)> = model
        .mailbox
        .iter()
        .flat_map(|f| f.folders.iter())
        .filter_map(|s| s.id.clone().map(|id| (id, s.is_drafts(), s.name.clone())))
        .collect();
    for f in model.mailbox.iter_mut() {
        if f.folder_source.as_deref() == Some("ParentFolderId (id only)") {
            if let Some((_, drafts, name)) = named
                .iter()
                .find(|(id, _, _)| Some(id) == f.folder.as_ref())
            {
                f.folder = if *drafts {
                    Some("drafts".into())
                } else {
                    name.clone()
                };
                f.folder_source = Some("GetFolder response in another file".into());
            }
        }
        let listing = matches!(
            f.kind,
            MailboxFileKind::FindItem | MailboxFileKind::ItemList
        );
        let unknown =
            f.folder.is_none() || f.folder_source.as_deref() == Some("ParentFolderId (id only)");
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if listing && unknown && name.contains("draft") && !f.items_say_not_drafts() {
            f.folder = Some("drafts".into());
            f.folder_source = Some("heuristic: the file name says drafts".into());
            f.heuristics.push("folder-from-file-name".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FolderStat, MailItem};

    /// A client log quoting a policy dump is a log, not mailbox evidence: the mailbox reader
    /// does not read it (a second time, up to 32 MiB); an export with the same keys is read.
    #[test]
    fn a_trace_log_is_not_read_as_mailbox_evidence() {
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("renamed.txt");
        std::fs::write(
            &log,
            "03/02/2026|09:41:00.417 1F68:C14 INFO  :: policy dump follows\n\
             \n\
             Identity        : Global\n\
             EnableOfflineIm : False\n\
             \n\
             03/02/2026|09:41:01.000 1F68:C14 INFO  :: done\n",
        )
        .expect("write");
        let mut errors = Vec::new();
        assert!(read_one(&log, false, &mut errors).is_none());
        assert!(errors.is_empty(), "{errors:?}");
        let export = dir.path().join("policy.csv");
        std::fs::write(&export, "Identity,EnableOfflineIm\nGlobal,False\n").expect("write");
        let f = read_one(&export, false, &mut errors).expect("an export is read");
        assert_eq!(f.records(), 1, "{errors:?}");
    }

    fn listing(path: &str, from: Option<&str>) -> MailboxFile {
        let mut f = MailboxFile::new(
            path,
            MailboxFileKind::FindItem,
            crate::model::ExportFormat::Xml,
        );
        f.items.push(MailItem {
            from: from.map(str::to_string),
            ..MailItem::default()
        });
        f
    }

    #[test]
    fn owner_from_items_then_file_name_then_only_mailbox() {
        let mut m = Model::default();
        m.mailbox
            .push(listing("/c/drafts.xml", Some("JDoe@contoso.com")));
        let mut stats = MailboxFile::new(
            "/c/stats.csv",
            MailboxFileKind::FolderStats,
            crate::model::ExportFormat::Csv,
        );
        stats.folders.push(FolderStat {
            identity: Some("John Doe\\Drafts".into()),
            ..FolderStat::default()
        });
        m.mailbox.push(stats);
        m.mailbox
            .push(listing("/c/rlee@contoso.com-inbox.xml", None));
        attribute(&mut m);
        assert_eq!(m.mailbox[0].owner.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(m.mailbox[0].folder.as_deref(), Some("drafts"));
        // Two mailboxes known: the stats file stays unattributed.
        assert_eq!(m.mailbox[1].owner, None);
        assert_eq!(m.mailbox[1].attribution, "unattributed");
        assert_eq!(m.mailbox[2].attribution, "file name");

        let mut m = Model::default();
        let mut stats = MailboxFile::new(
            "/c/stats.csv",
            MailboxFileKind::FolderStats,
            crate::model::ExportFormat::Csv,
        );
        stats.folders.push(FolderStat {
            identity: Some("jdoe\\Drafts".into()),
            ..FolderStat::default()
        });
        m.mailbox.push(stats);
        m.mailbox
            .push(listing("/c/a.xml", Some("jdoe@contoso.com")));
        m.mailbox
            .push(listing("/c/b.xml", Some("rlee@contoso.com")));
        attribute(&mut m);
        assert_eq!(m.mailbox[0].owner.as_deref(), Some("jdoe@contoso.com"));
        assert!(m.mailbox[0].attribution.contains("alias"));
    }
}
