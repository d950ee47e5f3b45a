//! `fleet` arguments to input files: files as named, folders searched, `*`/`?` globs.
//!
//! Nothing found in a folder is left out without a word: a file is read (named like a report,
//! or starting like one), an error (a folder that cannot be listed, one too deep to search, a
//! link to a folder; a link to anything else or a FIFO is kept, and reading it is the error),
//! or named in a note (a JSON object that starts like a report or stream and is not one, with
//! the reason) or counted in a note of files passed over. A folder argument, a link to a folder
//! named as an argument and a folder a glob matches are all searched alike.

use super::shape::{judge_start, Start};
use crate::model::ScanError;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// How deep a folder argument is searched (the same depth `report`'s walk goes to). A folder
/// at this depth that still has entries is an error, so what it holds is never dropped unsaid.
pub const MAX_DEPTH: usize = crate::source::discover::MAX_DEPTH;

/// How much of a file not named like a report is read to tell whether it is one.
const SNIFF: usize = 4096;

/// How many passed-over files a note names before it only counts them.
const NAMED: usize = 5;

/// What the arguments name.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Files to read, in argument order (each folder's and glob's sorted).
    pub files: Vec<PathBuf>,
    /// Arguments and folder parts that could not be read or searched.
    pub errors: Vec<ScanError>,
    /// Files found in folders and not read, counted with the reason.
    pub notes: Vec<String>,
}

/// Expand folders (recursively: files named `*.json`, `*.ndjson`, `*.jsonl`, any other
/// regular file whose text starts like a report or a `watch` line, and links and other
/// non-files, whose reading says why they are not read) and simple `*`/`?` file-name globs
/// (a folder they match is searched). An argument whose bytes are not UTF-8 is taken as the path it names.
pub fn expand_inputs(args: &[std::ffi::OsString]) -> Inputs {
    let mut out = Inputs::default();
    for a in args {
        let p = a
            .to_str()
            .and_then(|s| crate::source::paths::resolve_arg(s).ok())
            .unwrap_or_else(|| PathBuf::from(a));
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.contains(['*', '?']) {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut hits: Vec<PathBuf> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| glob_match(&name, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            hits.sort();
            if hits.is_empty() {
                out.errors.push(ScanError::new(&p, "no file matches"));
            }
            // A glob stands for the arguments it matches (what a Unix shell would pass): a
            // folder among them is searched, as when it is named.
            for h in hits {
                if h.is_dir() {
                    walk_folder(&h, &mut out);
                } else {
                    out.files.push(h);
                }
            }
        } else if p.is_dir() {
            walk_folder(&p, &mut out);
        } else {
            out.files.push(p);
        }
    }
    out
}

/// Whether a file's name is one `fleet` reads by name.
fn named_like_a_report(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy().to_ascii_lowercase();
    n.ends_with(".json") || n.ends_with(".ndjson") || n.ends_with(".jsonl")
}

/// What a regular file's first bytes (any encoding `fleet` reads) are: a report or stream (or
/// could be one: read), a JSON object that starts like one but is not (left out with the
/// reason), or anything else (counted). A report saved under another name (`ws2.txt`,
/// `ws2.json.bak`) is read. Links and non-regular files are never opened here.
fn judge_file(path: &Path) -> Start {
    let Ok(pre) = crate::source::read::read_prefix(path, SNIFF) else {
        // Unreadable now: reading it says why, as an error line.
        return Start::Read;
    };
    match crate::parse::text::decode(&pre.bytes, pre.truncated) {
        Some(d) => judge_start(&d.text),
        None => Start::Other,
    }
}

/// Search one folder argument into `out`.
fn walk_folder(root: &Path, out: &mut Inputs) {
    let mut hits = Vec::new();
    let mut passed: Vec<PathBuf> = Vec::new();
    // Files that start like a report or stream and are not one, with the reason.
    let mut refused: Vec<(PathBuf, String)> = Vec::new();
    for entry in WalkDir::new(root).follow_links(false).max_depth(MAX_DEPTH) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let (path, msg) = crate::source::read::walk_error(&e, root);
                out.errors.push(ScanError::new(
                    path,
                    format!("folder not searched: cannot read: {msg}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_dir() {
            // The walk lists folders down to MAX_DEPTH but does not open those at it.
            if entry.depth() == MAX_DEPTH {
                match std::fs::read_dir(path).map(|mut rd| rd.next().is_some()) {
                    Ok(false) => {}
                    Ok(true) => out.errors.push(ScanError::new(
                        path,
                        format!("folder deeper than {MAX_DEPTH} levels, not searched"),
                    )),
                    Err(e) => out.errors.push(ScanError::new(
                        path,
                        format!(
                            "folder not searched: cannot read: {}",
                            crate::source::read::describe_io(&e)
                        ),
                    )),
                }
            }
            continue;
        }
        if entry.depth() == 0 {
            // The folder argument itself, named or through a link: it is what is searched.
            continue;
        }
        if ft.is_symlink() && std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            out.errors.push(ScanError::new(
                path,
                "link to a folder, not followed: name the folder it points to to search it",
            ));
        } else if !ft.is_file() || named_like_a_report(entry.file_name()) {
            // A link (whatever its name: one named ws2.txt may point to a report), another
            // non-file (a FIFO) and a file named like a report are kept, so reading them says
            // why they were not read, as for a file named on the command line.
            hits.push(entry.into_path());
        } else {
            match judge_file(path) {
                Start::Read => hits.push(entry.into_path()),
                Start::Other => passed.push(entry.into_path()),
                Start::NotAReport(why) => refused.push((entry.into_path(), why)),
            }
        }
    }
    hits.sort();
    out.files.extend(hits);
    refused.sort();
    for (p, why) in refused {
        out.notes.push(format!("{}: not read: {why}", p.display()));
    }
    if !passed.is_empty() {
        passed.sort();
        let names: Vec<String> = passed
            .iter()
            .take(NAMED)
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        let more = if passed.len() > NAMED { ", …" } else { "" };
        out.notes.push(format!(
            "{}: {} file(s) not read (not named *.json, *.ndjson or *.jsonl, and not starting like a report or watch stream): {}{more}",
            root.display(),
            passed.len(),
            names.join(", ")
        ));
    }
}

/// `*` and `?` wildcards, case-insensitive (as on Windows): the crate's one matcher.
pub fn glob_match(pat: &str, name: &str) -> bool {
    crate::text::glob(pat, name)
}
