//! The folders above the accounts a scan found, watched so that an account, a profile or a
//! `Tracing` folder created after `watch` started is found: the roots, every folder between a
//! root and an account, and the folders of the documented layout
//! (`Users\<profile>\AppData\Local\Microsoft\Office\<version>\Lync`, `Communicator`) that exist
//! under them. A folder created or removed at one of these levels calls for discovery again.

use super::layout::{self, is_sip_dir, is_spooler_name, name_of};
use crate::model::Model;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// At most this many level folders are watched (a terminal server with many profiles).
pub const MAX_LEVELS: usize = 4096;

/// Folder names of the client layout between a profile and its accounts.
const LAYOUT: &[&str] = &[
    "Users",
    layout::APPDATA_DIR,
    layout::LOCAL_DIR,
    "Microsoft",
    "Office",
    layout::OFFICE_16_DIR,
    layout::OFFICE_15_DIR,
    layout::LYNC_DIR,
    layout::COMMUNICATOR_DIR,
];

/// The level folders of one watch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    /// Every level folder (roots included).
    pub dirs: BTreeSet<PathBuf>,
    /// Roots and the profiles folder: any folder created directly in them counts.
    open: BTreeSet<PathBuf>,
    /// The profiles folder (`--all-users`), whose real profiles are folders to scan.
    profiles: Option<PathBuf>,
    /// Folders already watched for what they hold (spoolers, `sip_*` and log folders): a change
    /// of their own (permissions) is not a new folder; only their removal is structural.
    pub known: BTreeSet<PathBuf>,
}

fn gone(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

fn is_layout_name(name: &str) -> bool {
    LAYOUT.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn is_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_dir())
}

fn child_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

impl Levels {
    /// A name created in level `parent` that may lead to an account or a log folder.
    fn leads_somewhere(&self, parent: &Path, name: &str) -> bool {
        self.open.contains(parent)
            || is_layout_name(name)
            || is_sip_dir(name)
            || is_spooler_name(name)
            || name.eq_ignore_ascii_case(layout::TRACING_DIR)
            || (name_of(parent).eq_ignore_ascii_case("Users")
                && super::profile::is_profile_name(name))
    }

    /// True when `path` changing means discovery must run again: a folder created, renamed or
    /// removed in a level folder (one that may lead to an account or a log folder), or a level
    /// folder itself gone.
    pub fn is_structural(&self, path: &Path) -> bool {
        if self.dirs.contains(path) || self.known.contains(path) {
            return gone(path);
        }
        let Some(parent) = path.parent() else {
            return false;
        };
        if !self.dirs.contains(parent) {
            return false;
        }
        is_dir(path) && self.leads_somewhere(parent, &name_of(path))
    }

    /// True when `path` is directly inside a level folder (its changes are the levels' to
    /// judge, unless the folder is also watched for what it holds).
    pub fn holds(&self, path: &Path) -> bool {
        path.parent().is_some_and(|p| self.dirs.contains(p))
    }

    /// The roots to scan: `base`, plus each real profile's folders when a profiles folder is
    /// watched (a profile created after the start is scanned like the others).
    pub fn roots(&self, base: &[PathBuf]) -> Vec<PathBuf> {
        let mut out = base.to_vec();
        if let Some(p) = &self.profiles {
            for r in super::all_users_roots(p).0 {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }

    fn add(&mut self, d: PathBuf) -> bool {
        self.dirs.len() < MAX_LEVELS && self.dirs.insert(d)
    }

    /// Descend from `dir` through the layout's folder names (and real profiles under a
    /// `Users` folder or the profiles folder).
    fn descend(&mut self, dir: &Path, depth: usize) {
        if depth > 12 {
            return;
        }
        let users =
            name_of(dir).eq_ignore_ascii_case("Users") || self.profiles.as_deref() == Some(dir);
        for c in child_dirs(dir) {
            let name = name_of(&c);
            let follow = is_layout_name(&name) || (users && super::profile::is_profile_name(&name));
            if follow && self.add(c.clone()) {
                self.descend(&c, depth + 1);
            }
        }
    }
}

/// The profiles folder of an `--all-users` run: a folder named in `candidates` (the run's
/// protected folders) that holds a root of the form `<profile>\AppData\Local` or
/// `<profile>\Tracing` (names in any case), or a whole `<profile>` (one without
/// `AppData\Local`, see `all_users_roots`).
pub fn profiles_root(roots: &[PathBuf], candidates: &[PathBuf]) -> Option<PathBuf> {
    candidates
        .iter()
        .find(|c| {
            roots.iter().any(|r| {
                let up = |n: usize| r.ancestors().nth(n) == Some(c.as_path());
                let local = name_of(r).eq_ignore_ascii_case(layout::LOCAL_DIR)
                    && r.parent()
                        .is_some_and(|a| name_of(a).eq_ignore_ascii_case(layout::APPDATA_DIR))
                    && up(3);
                let tracing = name_of(r).eq_ignore_ascii_case(layout::TRACING_DIR) && up(2);
                local || tracing || up(1)
            })
        })
        .cloned()
}

/// The level folders for a watch of `roots` whose scan gave `model`.
pub fn levels(roots: &[PathBuf], model: &Model, profiles: Option<&Path>) -> Levels {
    let mut l = Levels {
        profiles: profiles.map(Path::to_path_buf),
        ..Levels::default()
    };
    let mut start: Vec<PathBuf> = Vec::new();
    for r in roots.iter().chain(profiles.map(|p| p.to_path_buf()).iter()) {
        if is_dir(r) {
            l.open.insert(r.clone());
            start.push(r.clone());
        }
    }
    // The folders between each account and the root it was found under.
    for a in &model.accounts {
        let Some(root) = roots.iter().find(|r| a.dir.starts_with(r)) else {
            continue;
        };
        for anc in a.dir.ancestors().skip(1) {
            if !anc.starts_with(root) {
                break;
            }
            start.push(anc.to_path_buf());
        }
    }
    start.sort();
    start.dedup();
    for d in &start {
        l.add(d.clone());
    }
    for d in &start {
        l.descend(d, 0);
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lync(root: &Path, user: &str) -> PathBuf {
        root.join("Users")
            .join(user)
            .join("AppData/Local/Microsoft/Office/16.0/Lync")
    }

    #[test]
    fn the_levels_lead_from_the_root_to_every_lync_folder() {
        let t = tempfile::tempdir().expect("tmp");
        let root = t.path().to_path_buf();
        std::fs::create_dir_all(lync(&root, "jdoe").join("sip_jdoe@contoso.com/History Spooler"))
            .expect("mkdir");
        // A profile without an account yet: its layout folders are levels too.
        std::fs::create_dir_all(lync(&root, "rlee")).expect("mkdir");
        std::fs::create_dir_all(root.join("Users/jdoe/Documents/deep")).expect("mkdir");
        let s = super::super::scan::scan(
            std::slice::from_ref(&root),
            &super::super::ScanConfig::default(),
        );
        let l = levels(std::slice::from_ref(&root), &s.model, None);
        assert!(l.dirs.contains(&root));
        assert!(l.dirs.contains(&lync(&root, "jdoe")));
        assert!(l.dirs.contains(&lync(&root, "rlee")), "{:?}", l.dirs);
        assert!(!l.dirs.contains(&root.join("Users/jdoe/Documents")));
        // A new account, a new profile, a new Tracing folder: discovery again.
        let amy = lync(&root, "jdoe").join("sip_amy@contoso.com");
        std::fs::create_dir_all(&amy).expect("mkdir");
        assert!(l.is_structural(&amy));
        let tr = lync(&root, "rlee").join("Tracing");
        std::fs::create_dir_all(&tr).expect("mkdir");
        assert!(l.is_structural(&tr));
        let bob = root.join("Users/bob");
        std::fs::create_dir_all(&bob).expect("mkdir");
        assert!(l.is_structural(&bob));
        // A file in a level, or an unrelated folder deeper down: not structural.
        let f = lync(&root, "jdoe").join("settings.xml");
        std::fs::write(&f, "x").expect("write");
        assert!(!l.is_structural(&f));
        assert!(l.holds(&f));
        let other = root.join("Users/jdoe/AppData/Local/Temp");
        std::fs::create_dir_all(&other).expect("mkdir");
        assert!(!l.is_structural(&other));
        // A level removed.
        std::fs::remove_dir_all(lync(&root, "rlee")).expect("rm");
        assert!(l.is_structural(&lync(&root, "rlee")));
        // A folder already watched that changes (its permissions): not a new folder.
        let mut l = l;
        let jtr = lync(&root, "jdoe").join("Tracing");
        std::fs::create_dir_all(&jtr).expect("mkdir");
        l.known.insert(jtr.clone());
        assert!(!l.is_structural(&jtr));
        std::fs::remove_dir(&jtr).expect("rm");
        assert!(l.is_structural(&jtr));
    }

    #[test]
    fn the_profiles_folder_of_an_all_users_run_is_recognised() {
        let p = PathBuf::from("/srv/Users");
        let roots = vec![p.join("jdoe/AppData/Local"), p.join("amy/Tracing")];
        assert_eq!(
            profiles_root(&roots, &[PathBuf::from("/x"), p.clone()]),
            Some(p.clone())
        );
        assert_eq!(profiles_root(&[PathBuf::from("/srv/other")], &[p]), None);
    }
}
