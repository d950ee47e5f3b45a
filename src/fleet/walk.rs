//! `fleet` arguments to input files: files as named, folders searched, `*`/`?` globs.
//!
//! Nothing found in a folder is left out without a word: a file is read (named like a report,
//! or starting like one), an error (a folder that cannot be listed, one too deep to search, a
//! link to a folder), or counted in a note of files passed over.

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

/// Expand folders (recursively: files named `*.json`, `*.ndjson`, `*.jsonl`, and any other
/// regular file whose text starts like a report or a `watch` line) and simple `*`/`?`
/// file-name globs. An argument whose bytes are not UTF-8 is taken as the path it names.
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
            out.files.extend(hits);
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

/// Whether a regular file's first bytes (any encoding `fleet` reads) are a JSON object whose
/// first key is `schema_version` (a report as `report --format json` writes it) or `type` (a
/// `watch` line): a report saved under another name (`ws2.txt`, `ws2.json.bak`) is read.
/// Links and non-regular files are never opened here.
fn starts_like_a_report(path: &Path) -> bool {
    let Ok(pre) = crate::source::read::read_prefix(path, SNIFF) else {
        return false;
    };
    let Some(d) = crate::parse::text::decode(&pre.bytes, pre.truncated) else {
        return false;
    };
    let t = d.text.trim_start_matches('\u{feff}').trim_start();
    let Some(rest) = t.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with("\"schema_version\"") || rest.starts_with("\"type\"")
}

/// Search one folder argument into `out`.
fn walk_folder(root: &Path, out: &mut Inputs) {
    let mut hits = Vec::new();
    let mut passed: Vec<PathBuf> = Vec::new();
    for entry in WalkDir::new(root).follow_links(false).max_depth(MAX_DEPTH) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let msg = e
                    .io_error()
                    .map(crate::source::read::describe_io)
                    .unwrap_or_else(|| e.to_string());
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
        if named_like_a_report(entry.file_name()) {
            // Links and other non-files (a FIFO) with a report's name are kept, so reading
            // them says why they were not read, as for a file named on the command line.
            hits.push(entry.into_path());
        } else if ft.is_symlink() && std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            out.errors.push(ScanError::new(
                path,
                "link to a folder, not followed: name the folder it points to to search it",
            ));
        } else if ft.is_file() && starts_like_a_report(path) {
            hits.push(entry.into_path());
        } else {
            passed.push(entry.into_path());
        }
    }
    hits.sort();
    out.files.extend(hits);
    if !passed.is_empty() {
        passed.sort();
        let names: Vec<String> = passed
            .iter()
            .take(NAMED)
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        let more = if passed.len() > NAMED { ", …" } else { "" };
        out.notes.push(format!(
            "{}: {} file(s) not read (not named *.json, *.ndjson or *.jsonl, and not a regular file starting like a report or watch stream): {}{more}",
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
