//! Which folders `watch` watches, and the spooled items among names that spell paths: the
//! part of watching that looks at the layout a scan found.

use super::scan::Scan;
use super::watch::{is_log_name, Change};
use crate::model::{Model, SourceKind};
use std::path::{Path, PathBuf};

/// The folders worth watching after a scan: every spooler, every `sip_*` folder (a spooler may
/// appear), and every folder holding a log source or a trace log.
pub fn targets(s: &Scan) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for a in &s.model.accounts {
        out.push(a.dir.clone());
        if let Some(sp) = &a.spooler {
            out.push(sp.clone());
        }
        // The client's own log folder beside its accounts, watched even while it holds no log
        // (its log renamed away, not written yet): a new log there is seen when it comes.
        if let Some(tracing) = a.dir.parent().map(|l| l.join("Tracing")) {
            if tracing.is_dir() {
                out.push(tracing);
            }
        }
    }
    // A spooler that exists only in flat names (`…\History Spooler\x.xml`) is not a folder
    // here: the real folders holding its items are watched instead.
    for it in &s.model.items {
        if let Some(p) = it.path.parent() {
            if s.model
                .accounts
                .get(it.account)
                .is_none_or(|a| a.spooler.as_deref() != Some(p))
            {
                out.push(p.to_path_buf());
            }
        }
    }
    for src in &s.model.sources {
        if src.kind != SourceKind::Spooler {
            if let Some(p) = src.path.parent() {
                out.push(p.to_path_buf());
            }
        }
    }
    for f in &s.other_files {
        if is_log_name(&f.path) {
            if let Some(p) = f.path.parent() {
                out.push(p.to_path_buf());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A file whose name spells a path through a `History Spooler` (`…\History Spooler\x.xml`,
/// see [`super::layout::BACKSLASH_NAMES`]): an item of the account whose spooler that is (the
/// outermost spooler spelled, as the scan reads it), at its real path.
pub fn spelled_item(model: &Model, path: &Path) -> Option<Change> {
    let name = super::layout::name_of(path);
    if !super::layout::spells_a_path(&name) {
        return None;
    }
    let parts = super::layout::spelled_parts(&name);
    let k = parts[..parts.len().saturating_sub(1)]
        .iter()
        .position(|p| super::layout::is_spooler_name(p))?;
    let sp = parts[..=k]
        .iter()
        .fold(path.parent()?.to_path_buf(), |d, p| d.join(p));
    let account = model
        .accounts
        .iter()
        .position(|a| a.spooler.as_deref() == Some(sp.as_path()))?;
    Some(Change::Item {
        account,
        path: path.to_path_buf(),
    })
}

// Flat names spell paths only where `\` is not a separator.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::source::scan::{self, ScanConfig};

    /// A spooler that exists only in flat names: the real folder holding them is watched, and a
    /// new flat name there (or one gone) is an item of that spooler's account, not a log.
    #[test]
    fn a_spooler_in_flat_names_is_watched_through_its_real_folder() {
        let t = tempfile::tempdir().expect("tmp");
        let z = t.path().join("z");
        std::fs::create_dir_all(&z).expect("mkdir");
        let sp = r"Users\jdoe\AppData\Local\Microsoft\Office\16.0\Lync\sip_jdoe@contoso.com\History Spooler";
        std::fs::write(z.join(format!(r"{sp}\{{A1}}.eml")), "From: a@b.c\r\n\r\nx").expect("write");
        let s = scan::scan(std::slice::from_ref(&z), &ScanConfig::default());
        assert_eq!(s.model.items.len(), 1);
        let t = targets(&s);
        assert!(t.contains(&z), "{t:?}");
        let jdoe = s
            .model
            .accounts
            .iter()
            .position(|a| a.address == "jdoe@contoso.com")
            .expect("jdoe");
        for name in [format!(r"{sp}\{{A2}}.eml"), format!(r"{sp}\sub\{{A3}}.eml")] {
            let new = z.join(name);
            assert_eq!(
                crate::source::watch::classify(&s.model, &new),
                Change::Item {
                    account: jdoe,
                    path: new.clone()
                }
            );
        }
        // A flat name that spells no spooler stays what it was.
        let other = z.join(r"Users\jdoe\notes.txt");
        assert_eq!(
            crate::source::watch::classify(&s.model, &other),
            Change::Log(other.clone())
        );
    }
}
