#![no_main]
//! The whole scan of a small generated tree: the input becomes one History Spooler of 1–5
//! files (names from a list that includes Explorer noise and non-ASCII names; contents cut from
//! the input), scanned for real in a temporary folder. Properties:
//! - the accounting invariant: every directory entry is an item or a per-file error, each
//!   item once, and nothing else is reported for the spooler;
//! - no internal error: a panic that per-file isolation caught is still a bug, and fails here;
//! - noise files are flagged ignorable and nothing else is.
use libfuzzer_sys::fuzz_target;
use spoolscope::source::scan::{scan, ScanConfig};
use std::collections::BTreeSet;
use std::path::PathBuf;

const NAMES: &[&str] = &[
    "{A1F0}.xml",
    "m.eml",
    "山田太郎.tmp",
    "Ölçüm 🙂",
    "desktop.ini",
    "Thumbs.db",
    "x",
    "y.xml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let n = 1 + usize::from(head % 5);
    let dir = tempfile::tempdir().expect("tempdir");
    let sp = dir
        .path()
        .join("Users/u/AppData/Local/Microsoft/Office/16.0/Lync/sip_u@contoso.com/History Spooler");
    std::fs::create_dir_all(&sp).expect("mkdir");
    // Files are the pieces of the input between 0xFF bytes (the first `n` of them); the
    // first byte of a piece picks its name.
    let mut parts: Vec<&[u8]> = rest.split(|&b| b == 0xFF).collect();
    parts.truncate(n);
    let mut entries: BTreeSet<PathBuf> = BTreeSet::new();
    for (i, p) in parts.iter().enumerate() {
        let pick = p.first().map(|b| usize::from(*b)).unwrap_or(i) % NAMES.len();
        let name = if entries.iter().any(|e| e.ends_with(NAMES[pick])) {
            format!("{i}-{}", NAMES[pick])
        } else {
            NAMES[pick].to_string()
        };
        let path = sp.join(name);
        std::fs::write(&path, p).expect("write");
        entries.insert(path);
    }
    let s = scan(&[dir.path().to_path_buf()], &ScanConfig::default());
    let m = &s.model;
    let items: Vec<&PathBuf> = m.items.iter().map(|i| &i.path).collect();
    let item_set: BTreeSet<PathBuf> = items.iter().map(|p| (*p).clone()).collect();
    assert_eq!(items.len(), item_set.len(), "an entry counted twice");
    let errors: BTreeSet<PathBuf> = m
        .errors
        .iter()
        .filter(|e| e.path.starts_with(&sp))
        .map(|e| e.path.clone())
        .collect();
    let reported: BTreeSet<PathBuf> = item_set.union(&errors).cloned().collect();
    assert_eq!(reported, entries, "entries and report differ");
    for e in &m.errors {
        assert!(
            !e.message.starts_with("internal error"),
            "a caught panic: {}",
            e.message
        );
    }
    for it in &m.items {
        let name = it
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let noise = name == "desktop.ini" || name == "thumbs.db";
        assert_eq!(it.ignorable, noise, "{}", it.path.display());
    }
});
