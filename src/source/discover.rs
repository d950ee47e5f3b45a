//! Finding every `History Spooler` (and the `sip_*` accounts around them) under a path.
//!
//! A path may be a spooler, a `sip_*` folder, a `Lync` folder, a profile, a whole `Users` folder
//! or any folder of collected files: the walk looks at every level, never follows a link (so it
//! cannot loop) and stops at a fixed depth.

use super::layout::{
    is_sip_dir, is_spooler_name, layout_name, name_of, spelled_parts, spells_a_path,
};
use super::read::file_type_name;
use crate::model::{Account, ScanError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Deeper than this, the walk does not go.
pub const MAX_DEPTH: usize = 48;
pub use super::layout::{client_of, SPOOLER_DIR};

/// A file found outside any spooler (a log, an export…), for the other parsers to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherFile {
    pub path: PathBuf,
    pub size: u64,
}

/// A numbered batch of (account index, spooled file) found by a walk.
pub type SpoolBatch = (usize, Vec<(usize, PathBuf)>);

/// Spooled files per batch sent to a [`Discovery::sink`].
const BATCH: usize = 256;

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub accounts: Vec<Account>,
    /// (account index, file) for every regular file inside a spooler (unless `sink` takes
    /// them).
    pub spool_files: Vec<(usize, PathBuf)>,
    /// When set, spooled files go here in numbered batches as the walk finds them, so they
    /// can be read while the walk goes on.
    pub sink: Option<std::sync::mpsc::Sender<SpoolBatch>>,
    batches_sent: usize,
    /// Per account: entries in its spooler that were not regular files.
    pub spool_skipped: HashMap<usize, u64>,
    pub other_files: Vec<OtherFile>,
    pub errors: Vec<ScanError>,
    /// Folders the walk could not list or did not descend into (access denied, a name too
    /// long, the depth limit): what they hold is unknown.
    pub unlisted: Vec<PathBuf>,
    /// Folder links not followed whose target a root's walk reached (see `scan`): not
    /// unread, said in a note.
    pub links_read: Vec<PathBuf>,
    /// Roots that could be walked at all.
    pub roots_ok: usize,
    /// Roots that could not (missing, unreadable), with the reason.
    pub roots_failed: Vec<ScanError>,
    /// Roots holding a name with a `\` that was read as the path it spells (see
    /// [`super::layout::BACKSLASH_NAMES`]), each once.
    pub backslash_roots: Vec<PathBuf>,
    /// (account index, folder) for every folder inside a spooler that holds no entry at all:
    /// neither an item nor an error, so listed under `ignored[]`.
    pub spool_empty_dirs: Vec<(usize, PathBuf)>,
    /// Folders read as spoolers by an altered spelling of their name
    /// ([`is_altered_spooler_name`]), each once.
    pub altered_spoolers: Vec<PathBuf>,
    /// Account folders whose address was read with `%XX` decoded
    /// ([`super::layout::percent_decoded`]), each once.
    pub decoded_addresses: Vec<PathBuf>,
    /// The profiles folder of `--all-users`, for the accounts' profile (see
    /// `profile::profile_within`).
    pub profiles_root: Option<PathBuf>,
    by_dir: HashMap<PathBuf, usize>,
    /// Spoolers walked whole for a root inside them (see `walk`).
    whole_spoolers: Vec<PathBuf>,
    /// The root being walked, as typed and as the absolute path it resolves to.
    root_map: Option<(PathBuf, PathBuf)>,
    spoolers: HashMap<PathBuf, usize>,
    /// The last folder `spooler_of` looked up and its answer: a walk lists a folder's entries
    /// one after another, so most lookups are this one.
    last_parent: Option<(PathBuf, Option<usize>)>,
}

/// Whether a folder the walk could not list may hold a spooler, so that not listing it makes
/// the scan incomplete. Inside a profile's `AppData`, the client keeps its spoolers under
/// `Local\Microsoft\Office` and `Local\Microsoft\Communicator` (or `Roaming\Microsoft\…`
/// for old clients' copies): a locked folder elsewhere in `AppData` (an app container, another
/// program's cache) cannot hide one and is only an error line. Anywhere else (a folder of
/// collected files) it may.
fn may_hold_a_spooler(path: &Path) -> bool {
    let parts: Vec<String> = super::layout::spelled(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_ascii_lowercase())
        .collect();
    let Some(at) = parts.iter().rposition(|c| c == "appdata") else {
        return true;
    };
    // The route below AppData, as far as the locked folder goes.
    let below = &parts[at + 1..];
    let routes: [&[&str]; 4] = [
        &["local", "microsoft", "office"],
        &["local", "microsoft", "communicator"],
        &["roaming", "microsoft", "office"],
        &["roaming", "microsoft", "communicator"],
    ];
    routes
        .iter()
        .any(|r| below.iter().zip(r.iter()).all(|(a, b)| a == b))
}

/// [`spells_a_path`] on a name as the walk lists it, without making text of it (most names
/// hold no `\`).
fn spells_a_path_os(name: &std::ffi::OsStr) -> bool {
    super::layout::BACKSLASH_NAMES && name.as_encoded_bytes().contains(&b'\\')
}

/// A root as the file system names it: absolute, `.` parts dropped, and `..` resolved as the
/// file system resolves it (the part up to the last `..` through links, as opening the path
/// would), the rest kept as typed. A root that cannot be resolved comes back absolute.
fn resolved_root(root: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let parts: Vec<Component> = abs.components().collect();
    let Some(k) = parts
        .iter()
        .rposition(|c| matches!(c, Component::ParentDir))
    else {
        return abs;
    };
    let head: PathBuf = parts[..=k].iter().collect();
    match std::fs::canonicalize(&head) {
        Ok(h) => parts[k + 1..].iter().fold(h, |d, c| d.join(c)),
        Err(_) => abs,
    }
}

/// The path a file's layout names (client, profile) are read from: the folder it leads to
/// when it goes through a link, as [`Discovery::walk`] reads a root (review wild9a d04), else
/// as typed, made absolute.
pub(crate) fn named_path(p: &Path) -> PathBuf {
    let abs = resolved_root(p);
    if through_a_link(&abs) {
        if let Ok(c) = std::fs::canonicalize(&abs) {
            return plain_form(&c);
        }
    }
    abs
}

/// Whether a path (absolute) goes through a link: one of its folders, or itself, is one. (On
/// Windows a junction counts too: `is_symlink` holds for name-surrogate reparse points.)
fn through_a_link(path: &Path) -> bool {
    // (Rebuilt from its parts: a trailing `/` would make the link's own metadata its target's.)
    let path: PathBuf = path.components().collect();
    path.ancestors()
        .any(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()))
}

/// A path the file system resolved, in the form reports show (no `\\?\` prefix on Windows,
/// where that names the same file).
pub(crate) fn plain_form(p: &Path) -> PathBuf {
    match p.to_str() {
        Some(s) if cfg!(windows) => PathBuf::from(super::winpath::strip_verbatim(s).into_owned()),
        _ => p.to_path_buf(),
    }
}

/// Folder names of the client's layout above a spooler: a folder holding one of them is a
/// profile, a `Users`, `Lync` or account folder, or a collection of such, not a spooler's
/// content.
const LAYOUT_NAMES: &[&str] = &[
    super::layout::APPDATA_DIR,
    super::layout::LOCAL_DIR,
    "Microsoft",
    "Office",
    super::layout::LYNC_DIR,
    super::layout::COMMUNICATOR_DIR,
    super::layout::TRACING_DIR,
    super::layout::OFFICE_16_DIR,
    super::layout::OFFICE_15_DIR,
    "Users",
];

/// Whether a folder holds, directly, a folder of the client's layout ([`LAYOUT_NAMES`], a
/// `sip_*` folder or a spooler). Only the first entries are looked at: a spooler holds items,
/// and this is asked of one folder per root.
fn holds_layout(dir: &Path) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    rd.take(10_000).flatten().any(|e| {
        let n = e.file_name().to_string_lossy().into_owned();
        let n = layout_name(&n);
        e.path().is_dir()
            && (LAYOUT_NAMES.iter().any(|l| l.eq_ignore_ascii_case(n))
                || is_sip_dir(n)
                || is_spooler_name(n))
    })
}

/// Where the outermost `History Spooler` is among the parts a name spells, if it names one.
fn spooler_part(name: &str) -> Option<usize> {
    spooler_among(&spelled_parts(name))
}

/// Where the outermost spooler is among spelled parts: `History Spooler`, or an altered
/// spelling of it right after a `sip_*` part (the rule for real folders in
/// [`names_a_spooler`]; review wild8s d09).
fn spooler_among(parts: &[&str]) -> Option<usize> {
    parts.iter().enumerate().position(|(i, p)| {
        is_spooler_name(p) || (i > 0 && is_altered_spooler_name(p) && is_sip_dir(parts[i - 1]))
    })
}

/// How a folder named `History Spooler` may reach the engineer after an upload or a collection
/// tool altered the space: as `%20`, `_` or `+`, or dropped. Compared without case.
const ALTERED_SPOOLER_NAMES: &[&str] = &[
    "history%20spooler",
    "history_spooler",
    "history+spooler",
    "historyspooler",
];

/// Whether a folder name is `History Spooler` with its space altered (see
/// `ALTERED_SPOOLER_NAMES`). Such a folder inside a `sip_*` folder is read as a spooler: a
/// heuristic, said in a note.
pub fn is_altered_spooler_name(name: &str) -> bool {
    ALTERED_SPOOLER_NAMES
        .iter()
        .any(|a| a.eq_ignore_ascii_case(name))
}

/// The note on a folder read as a spooler by [`is_altered_spooler_name`].
pub const ALTERED_SPOOLER_NOTE: &str = "read as a History Spooler: its name is `History Spooler` \
    with the space altered (as an upload or a collection tool may do; heuristic)";

/// Whether a folder is a spooler by its name: `History Spooler` (also as a part of a name that
/// spells a path), or an altered spelling of it directly inside a `sip_*` folder (only there,
/// so a folder of collected files so named is not taken for one).
fn names_a_spooler(dir: &Path) -> bool {
    let name = name_of(dir);
    spooler_part(&name).is_some()
        || (is_altered_spooler_name(&name)
            && dir
                .parent()
                .is_some_and(|p| is_sip_dir(layout_name(&name_of(p)))))
}

/// The account folder of a spooler folder: its parent, or, for a folder whose name spells a
/// path (`sip_a@b.c\History Spooler`), the folder that name spells before the last part.
fn account_dir_of(spooler: &Path) -> PathBuf {
    let parent = spooler.parent().unwrap_or(spooler);
    let name = name_of(spooler);
    let parts = spelled_parts(&name);
    match parts.split_last() {
        Some((_, before)) if !before.is_empty() && spells_a_path(&name) => {
            before.iter().fold(parent.to_path_buf(), |d, p| d.join(p))
        }
        _ => parent.to_path_buf(),
    }
}

impl Discovery {
    /// Walk one root and add what it holds.
    pub fn walk(&mut self, root: &Path) {
        match std::fs::metadata(root) {
            Ok(_) => self.roots_ok += 1,
            Err(e) => {
                self.roots_failed
                    .push(ScanError::new(root, super::read::describe_io(&e)));
                return;
            }
        }
        // A folder inside a spooler stands for its spooler: the spooler is walked whole, as
        // `watch` lists and watches it, so both commands give one inventory for the same PATH
        // (review wild9a d12); each such spooler once.
        let whole;
        let root = match self.root_layout(root) {
            Some(sp) => {
                if self.whole_spoolers.contains(&sp) {
                    return;
                }
                self.whole_spoolers.push(sp.clone());
                self.root_layout(&sp);
                whole = sp;
                whole.as_path()
            }
            None => root,
        };
        for entry in WalkDir::new(root).follow_links(false).max_depth(MAX_DEPTH) {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let (path, msg) = super::read::walk_error(&e, root);
                    if may_hold_a_spooler(&path) {
                        self.unlisted.push(path.clone());
                    }
                    self.errors
                        .push(ScanError::new(path, format!("cannot read: {msg}")));
                    continue;
                }
            };
            let path = entry.path();
            let ft = entry.file_type();
            // A root that is a link to a folder is walked through (the walk starts from the
            // folder it names): it is that folder, not a link skipped (review wild8s d05). A
            // root link to anything else stays a link, never opened.
            let root_dir_link = entry.depth() == 0
                && ft.is_symlink()
                && std::fs::metadata(path).is_ok_and(|m| m.is_dir());
            // (A root folder's own name is as the user typed it; a root file's name counts.)
            if (entry.depth() > 0 || ft.is_file()) && spells_a_path_os(entry.file_name()) {
                self.spelled_name_seen(root);
            }
            let in_spooler = self.spooler_of(path);
            if entry.depth() > 0 && ft.is_symlink() {
                match in_spooler {
                    Some(acc) => {
                        *self.spool_skipped.entry(acc).or_default() += 1;
                        self.errors
                            .push(ScanError::new(path, "symbolic link, not followed"));
                    }
                    None if is_spooler_name(&name_of(path)) || names_a_spooler(path) => {
                        // A spooler that is a link (a redirected or junctioned folder) is not
                        // followed either; its account is listed with the spooler unknown.
                        if let Some(parent) = path.parent() {
                            self.account(parent);
                        }
                        self.errors.push(ScanError::new(
                            path,
                            "symbolic link, not followed: the History Spooler it points to was not analysed",
                        ));
                    }
                    None => {
                        let n = name_of(path);
                        if !super::profile::LEGACY_JUNCTIONS
                            .iter()
                            .any(|j| j.eq_ignore_ascii_case(&n))
                        {
                            // A `sip_*` folder that is a link is that account, its spooler not
                            // listed (`spool-unreadable`); a link to a folder that may hold a
                            // spooler (a redirected `Lync` folder, a folder of collected files)
                            // is a folder not entered, like a locked one (`scan-incomplete`):
                            // never a bare error line in an exit-0 run (review wild8s d12).
                            if is_sip_dir(layout_name(&n)) {
                                self.account(path);
                            } else if may_hold_a_spooler(path)
                                && std::fs::metadata(path).is_ok_and(|m| m.is_dir())
                            {
                                self.unlisted.push(path.to_path_buf());
                            }
                            self.errors
                                .push(ScanError::new(path, "symbolic link, not followed"));
                        }
                    }
                }
                continue;
            }
            if ft.is_dir() || root_dir_link {
                let n = name_of(path);
                if entry.depth() == 0 && in_spooler.is_none() {
                    // The root's own layout was decided by `root_layout`, on the folder it
                    // leads to, not on its typed name.
                } else if let Some(acc) = in_spooler {
                    // A folder inside a spooler (even one named `History Spooler` or
                    // `sip_*`) is content of that spooler: its files are that account's items.
                    // One with no entry at all is listed, so that no entry goes unsaid.
                    if std::fs::read_dir(path).is_ok_and(|mut r| r.next().is_none()) {
                        self.spool_empty_dirs.push((acc, path.to_path_buf()));
                    }
                } else if names_a_spooler(path) {
                    self.spooler_folder(path);
                } else if is_sip_dir(layout_name(&n)) {
                    self.account(path);
                }
                // The walk lists folders down to MAX_DEPTH but does not open those at it.
                if entry.depth() == MAX_DEPTH {
                    if may_hold_a_spooler(path) {
                        self.unlisted.push(path.to_path_buf());
                    }
                    self.errors.push(ScanError::new(
                        path,
                        format!("deeper than {MAX_DEPTH} levels, not descended"),
                    ));
                }
                continue;
            }
            if ft.is_file() {
                // (A file root inside a spooler is registered under its own spelling.)
                let in_spooler = in_spooler
                    .or_else(|| self.spoolers.get(path).copied())
                    .or_else(|| self.spooler_in_name(path));
                match in_spooler {
                    Some(acc) => {
                        self.spool_files.push((acc, path.to_path_buf()));
                        if self.sink.is_some() && self.spool_files.len() >= BATCH {
                            self.flush();
                        }
                    }
                    None => {
                        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                        self.other_files.push(OtherFile {
                            path: path.to_path_buf(),
                            size,
                        });
                    }
                }
                continue;
            }
            // FIFO, socket, device: never opened.
            if let Some(acc) = in_spooler {
                *self.spool_skipped.entry(acc).or_default() += 1;
            }
            self.errors.push(ScanError::new(
                path,
                format!("not a regular file ({}), skipped", file_type_name(&ft)),
            ));
        }
    }

    /// Decide what a root is in the client's layout before walking it. A root inside a spooler
    /// (or the spooler itself) still belongs to its account; of spoolers inside spoolers, the
    /// outermost is the spooler. A root that is a `sip_*` folder is that account. This is
    /// decided on the folder the root names, not on the path as typed: `.`, `..` or a link
    /// (`spooler-link/`) carry no folder name (review wild8s d03, d04). A root that is, or
    /// goes through, a link is decided on the folder it leads to, and the accounts under it
    /// take their names (client, profile) from there: a link typed inside a spooler
    /// (`History Spooler/up -> ..`) is not spooler content, and a link named `History
    /// Spooler` that leads to a profile is that profile (review wild9a d04, d11). What the
    /// walk finds keeps the typed spelling; the root's spelling is mapped to what it
    /// resolves to.
    ///
    /// A folder root strictly inside a spooler gives that spooler back, to be walked instead.
    fn root_layout(&mut self, root: &Path) -> Option<PathBuf> {
        let named = resolved_root(root);
        let real = through_a_link(&named)
            .then(|| std::fs::canonicalize(root).ok())
            .flatten()
            .map(|r| plain_form(&r));
        let at = real.clone().unwrap_or_else(|| named.clone());
        self.root_map = Some((root.to_path_buf(), at.clone()));
        let spooler = at
            .ancestors()
            .filter(|a| names_a_spooler(a))
            .last()
            .map(Path::to_path_buf)
            .or_else(|| {
                // A link named as a spooler that leads to a folder of no layout of its own (a
                // redirected spooler, typed by its link): the names as typed say what it is.
                // One that leads to a profile, a `Lync` folder or an account is that instead.
                (real.is_some()
                    && names_a_spooler(&named)
                    && !is_sip_dir(layout_name(&name_of(&at)))
                    && !holds_layout(&at))
                .then(|| named.clone())
            });
        if let Some(sp) = spooler {
            if sp != at && sp != named && std::fs::metadata(root).is_ok_and(|m| m.is_dir()) {
                return Some(sp);
            }
            let i = self.spooler_folder(&sp);
            if sp.as_path() != root {
                // What the walk lists under the root's spelling belongs to that spooler.
                self.spoolers.insert(root.to_path_buf(), i);
                self.last_parent = None;
                if (sp == at || sp == named)
                    && self.accounts[i].spooler.as_deref() == Some(sp.as_path())
                {
                    // The root is the spooler: shown as typed, like the items in it.
                    self.accounts[i].spooler = Some(root.to_path_buf());
                    self.spoolers.insert(root.to_path_buf(), i);
                }
            }
        } else if is_sip_dir(layout_name(&name_of(&at))) {
            self.account_at(root, &at);
        } else if real.is_some() && is_sip_dir(layout_name(&name_of(&named))) {
            // A `sip_*` link to a folder of another name keeps the address it is typed with.
            self.account_at(root, &named);
        }
        None
    }

    /// Send the spooled files found so far to the sink, if there is one.
    pub fn flush(&mut self) {
        if let Some(tx) = &self.sink {
            if !self.spool_files.is_empty() {
                let batch = std::mem::take(&mut self.spool_files);
                // A receiver gone means the readers stopped: nothing left to do with these.
                let _ = tx.send((self.batches_sent, batch));
                self.batches_sent += 1;
            }
        }
    }

    /// The account owning the spooler that contains `path`, if any.
    fn spooler_of(&mut self, path: &Path) -> Option<usize> {
        let parent = path.parent()?;
        if let Some((p, acc)) = &self.last_parent {
            if p == parent {
                return *acc;
            }
        }
        let acc = parent
            .ancestors()
            .find_map(|a| self.spoolers.get(a).copied());
        self.last_parent = Some((parent.to_path_buf(), acc));
        acc
    }

    /// Note (once per root) that a name there was read as the path it spells.
    fn spelled_name_seen(&mut self, root: &Path) {
        if self.backslash_roots.last().is_none_or(|r| r != root) {
            self.backslash_roots.push(root.to_path_buf());
        }
    }

    /// A file outside any listed spooler whose name spells a path through a `History
    /// Spooler` (`…\sip_a@b.c\History Spooler\x.eml`): the account of the spooler it
    /// spells. The spooler is registered at the path it spells, beside the file.
    fn spooler_in_name(&mut self, path: &Path) -> Option<usize> {
        if !path.file_name().is_some_and(spells_a_path_os) {
            return None;
        }
        let name = name_of(path);
        let parts = spelled_parts(&name);
        let folders = &parts[..parts.len().saturating_sub(1)];
        let base = path.parent()?;
        // The outermost spooler named: a folder inside a spooler is content of that spooler
        // (the same rule as for real folders in `walk`).
        if let Some(k) = spooler_among(folders) {
            let dir: PathBuf = folders[..=k]
                .iter()
                .fold(base.to_path_buf(), |d, p| d.join(p));
            return Some(self.spooler(&dir));
        }
        // Not spooled, but an account folder named on the way still shows an account.
        if let Some(k) = folders.iter().rposition(|p| is_sip_dir(p)) {
            let dir: PathBuf = folders[..=k]
                .iter()
                .fold(base.to_path_buf(), |d, p| d.join(p));
            self.account(&dir);
        }
        None
    }

    /// A real folder whose name is, or spells a path through, a `History Spooler`: the
    /// spooler it names (the outermost one spelled) and its account. A folder whose name goes
    /// on past the spooler (`…\History Spooler\sub`) is content of the spooler it spells,
    /// registered at that spelled path as a flat file name would be; what the folder holds is
    /// that account's items.
    fn spooler_folder(&mut self, dir: &Path) -> usize {
        let name = name_of(dir);
        let parts = spelled_parts(&name);
        match spooler_part(&name) {
            Some(k) if k + 1 < parts.len() => {
                let base = dir.parent().unwrap_or(dir);
                let sp: PathBuf = parts[..=k]
                    .iter()
                    .fold(base.to_path_buf(), |d, p| d.join(p));
                let i = self.spooler(&sp);
                self.spoolers.insert(dir.to_path_buf(), i);
                self.last_parent = None;
                i
            }
            _ => self.spooler(dir),
        }
    }

    /// Register (once) the account of a `sip_*` folder.
    fn account(&mut self, dir: &Path) -> usize {
        // Under the root being walked, the names are those of the folder the root resolves
        // to (see `root_layout`): `./x/..` or `../sip_a` name no folder by themselves.
        let named = match &self.root_map {
            Some((typed, named)) => match dir.strip_prefix(typed) {
                Ok(rel) if rel.as_os_str().is_empty() => named.clone(),
                Ok(rel) => named.join(rel),
                Err(_) => std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
            },
            None => std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
        };
        self.account_at(dir, &named)
    }

    /// [`Self::account`] for a folder listed as `dir`, whose names (address, client, profile)
    /// are read from `named`, the absolute path it resolves to.
    fn account_at(&mut self, dir: &Path, named: &Path) -> usize {
        if let Some(&i) = self.by_dir.get(dir) {
            return i;
        }
        // Shown as text: bytes that are not UTF-8 escaped, so such names stay apart.
        let name = super::layout::display_layout_name(named);
        let name = name.as_str();
        let address = match super::layout::sip_address(name) {
            Some(a) => match super::layout::percent_decoded(a) {
                Some(d) => {
                    self.decoded_addresses.push(dir.to_path_buf());
                    d
                }
                None => a.to_string(),
            },
            None => format!("unknown ({name})"),
        };
        let abs = super::layout::spelled(named);
        self.accounts.push(Account {
            address,
            client: client_of(&abs),
            profile: super::profile::profile_within(&abs, self.profiles_root.as_deref()),
            dir: dir.to_path_buf(),
            spooler: None,
        });
        let i = self.accounts.len() - 1;
        self.by_dir.insert(dir.to_path_buf(), i);
        i
    }

    /// Register (once) a `History Spooler` folder and its account.
    fn spooler(&mut self, dir: &Path) -> usize {
        if let Some(&i) = self.spoolers.get(dir) {
            return i;
        }
        if is_altered_spooler_name(&name_of(dir)) {
            self.altered_spoolers.push(dir.to_path_buf());
        }
        let i = self.account(&account_dir_of(dir));
        if self.accounts[i].spooler.is_none() {
            self.accounts[i].spooler = Some(dir.to_path_buf());
        }
        self.spoolers.insert(dir.to_path_buf(), i);
        self.last_parent = None;
        i
    }
}

#[cfg(test)]
#[path = "discover_tests.rs"]
mod tests;
