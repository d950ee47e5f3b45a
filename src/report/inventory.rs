//! The inventory the text and Markdown reports end with: the files read, by kind, and the
//! files not recognised (the first few by name, then a count). JSON has the full list as
//! `ignored[]`.

use crate::model::Model;
use std::collections::BTreeMap;

/// Names of files not recognised shown before "… and N more".
pub const SHOWN: usize = 5;

/// `files read: 3 (spooler 1, uccapilog 2)`.
pub fn read_line(m: &Model) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &m.sources {
        *by.entry(s.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = by.iter().map(|(k, n)| format!("{k} {n}")).collect();
    if kinds.is_empty() {
        "files read: none".into()
    } else {
        format!("files read: {} ({})", m.sources.len(), kinds.join(", "))
    }
}

/// `not recognised: 7: a.txt, b.bin, … and 2 more`, with each name given to `name` (the
/// format's escaping); `None` when every file was recognised.
pub fn ignored_line(m: &Model, name: impl Fn(&str) -> String) -> Option<String> {
    if m.ignored.is_empty() {
        return None;
    }
    let names: Vec<String> = m
        .ignored
        .iter()
        .take(SHOWN)
        .map(|i| name(&i.path.to_string_lossy()))
        .collect();
    let more = m.ignored.len().saturating_sub(SHOWN);
    Some(format!(
        "not recognised: {}: {}{}",
        m.ignored.len(),
        names.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    ))
}

/// How many `ignored[]` entries are empty folders inside the spooler `spooler`.
pub fn empty_folders_in(m: &Model, spooler: &std::path::Path) -> usize {
    m.ignored
        .iter()
        .filter(|i| i.why == crate::source::scan::EMPTY_FOLDER_WHY && i.path.starts_with(spooler))
        .count()
}
