//! The one output guard: spoolscope never writes inside a scanned folder, nor onto a file it
//! was told to read. Every output (a bundle, a `watch --output` file, a `--debug-log`, an
//! export from the live view) goes through [`check`].

use std::path::{Path, PathBuf};

/// Why an output path is refused.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}: not a file path")]
    NotAFile(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, String),
    #[error("{0}: is inside a scanned folder ({1}); spoolscope never writes there")]
    InsideScanned(PathBuf, PathBuf),
    #[error("{0}: is a file this run reads ({1}); spoolscope never writes there")]
    IsInput(PathBuf, PathBuf),
    #[error("{0}: is a folder")]
    IsFolder(PathBuf),
    #[error("{0}: is also the {1} ({2}); two outputs may not share one file")]
    SharedOutput(PathBuf, &'static str, PathBuf),
}

/// What an output may not touch besides the roots being scanned.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// Folders the run scans that are not roots themselves (the `--all-users` profiles folder,
    /// whose profiles are the roots).
    pub folders: Vec<PathBuf>,
    /// Files named as inputs (`--log`, `--mailbox`, the config and markers files): an output
    /// may not be one of them, by name or through a link.
    pub files: Vec<PathBuf>,
    /// Files the run already writes (the `--debug-log` file, for the live view's exports),
    /// each with what it is: another output may not be one of them.
    pub outputs: Vec<(PathBuf, &'static str)>,
}

/// The folder a root stands for: itself, or (a root that is a file) the folder holding it.
fn root_folder(root: &Path) -> PathBuf {
    let r = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if r.is_dir() {
        r
    } else {
        r.parent().map(Path::to_path_buf).unwrap_or(r)
    }
}

/// `p` with its links and `..` resolved: the whole path when it exists, else its folder
/// resolved and its name kept; `None` when neither resolves.
fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(r) = std::fs::canonicalize(p) {
        return Some(r);
    }
    let abs = std::path::absolute(p).ok()?;
    let parent = std::fs::canonicalize(abs.parent()?).ok()?;
    Some(parent.join(abs.file_name()?))
}

/// Whether `a` and `b` are one file: the same resolved path, or (Unix) the same device and
/// inode, which also catches a hard link.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
                return true;
            }
        }
    }
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Two outputs of one run (`bundle -o` and `--debug-log`, `watch --output` and `--debug-log`)
/// must be two files: refused when they are one by name (resolved through links and `..`) or,
/// on Unix, by identity (a hard link).
pub fn distinct(path: &Path, other: &Path, other_is: &'static str) -> Result<(), OutputError> {
    // A link at a name that leads to a file not written yet is read as where it leads (the
    // write would create that file).
    let lead = |p: &Path| -> PathBuf {
        let is_link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        match std::fs::read_link(p) {
            Ok(t) if is_link && std::fs::metadata(p).is_err() => {
                p.parent().map(|d| d.join(&t)).unwrap_or(t)
            }
            _ => p.to_path_buf(),
        }
    };
    if same_file(&lead(path), &lead(other)) {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        return Err(OutputError::SharedOutput(
            abs,
            other_is,
            other.to_path_buf(),
        ));
    }
    Ok(())
}

/// Where `path` would be written: absolute, its folder resolved (symlinks, `..`). An error
/// when that folder lies inside a scanned root (or is the folder of a root that is a file) or
/// a protected folder, when the file is (or links to) a protected file, when an existing link
/// at `path` leads into a refused place or nowhere, when the folder cannot be resolved, or
/// when `path` is a folder.
pub fn check(
    path: &Path,
    roots: &[PathBuf],
    protected: &Protected,
) -> Result<PathBuf, OutputError> {
    let abs = std::path::absolute(path)
        .map_err(|e| OutputError::Io(path.to_path_buf(), super::read::describe_io(&e)))?;
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(OutputError::NotAFile(abs));
    };
    let parent = std::fs::canonicalize(parent)
        .map_err(|e| OutputError::Io(parent.to_path_buf(), super::read::describe_io(&e)))?;
    let target = parent.join(name);
    // A link at the name is followed by the write: the place it leads to is checked as well.
    let mut places = vec![parent];
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
        let real = std::fs::canonicalize(&target).map_err(|_| {
            OutputError::Io(target.clone(), "a symbolic link that leads nowhere".into())
        })?;
        if let Some(p) = real.parent() {
            places.push(p.to_path_buf());
        }
    }
    for place in &places {
        for r in roots {
            if place.starts_with(root_folder(r)) {
                return Err(OutputError::InsideScanned(abs, r.clone()));
            }
        }
        for f in &protected.folders {
            let folder = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
            if place.starts_with(&folder) {
                return Err(OutputError::InsideScanned(abs, f.clone()));
            }
        }
    }
    for f in &protected.files {
        if same_file(&target, f) {
            return Err(OutputError::IsInput(abs, f.clone()));
        }
    }
    for (o, what) in &protected.outputs {
        distinct(&target, o, what)?;
    }
    if target.is_dir() {
        return Err(OutputError::IsFolder(target));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`check`] with only the roots guarded.
    fn outside_roots(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, OutputError> {
        check(path, roots, &Protected::default())
    }

    #[test]
    fn inside_a_scanned_folder_is_refused_outside_is_fine() {
        let d = tempfile::tempdir().expect("tmp");
        let scanned = d.path().join("scan");
        std::fs::create_dir_all(scanned.join("sub")).expect("mkdir");
        let roots = vec![scanned.clone()];
        for p in ["r.md", "sub/r.md", "sub/../r.md"] {
            assert!(
                matches!(
                    outside_roots(&scanned.join(p), &roots),
                    Err(OutputError::InsideScanned(..))
                ),
                "{p}"
            );
        }
        let ok = outside_roots(&d.path().join("r.md"), &roots).expect("outside");
        assert_eq!(ok.file_name().and_then(|n| n.to_str()), Some("r.md"));
        assert!(outside_roots(&d.path().join("missing/r.md"), &roots).is_err());
        assert!(matches!(
            outside_roots(&scanned, &[]),
            Err(OutputError::IsFolder(_))
        ));
    }

    #[test]
    fn a_root_that_is_a_file_guards_its_folder() {
        let d = tempfile::tempdir().expect("tmp");
        let case = d.path().join("case");
        std::fs::create_dir_all(&case).expect("mkdir");
        let log = case.join("Lync-UccApi-0.UccApilog");
        std::fs::write(&log, "x").expect("write");
        let roots = vec![log.clone()];
        // Next to the scanned file, or the file itself: refused.
        for p in [case.join("out.zip"), log.clone()] {
            assert!(
                matches!(
                    outside_roots(&p, &roots),
                    Err(OutputError::InsideScanned(..))
                ),
                "{}",
                p.display()
            );
        }
        assert!(outside_roots(&d.path().join("out.zip"), &roots).is_ok());
        assert_eq!(std::fs::read_to_string(&log).expect("read"), "x");
    }

    #[test]
    fn protected_folders_and_files_are_refused_other_files_beside_them_are_not() {
        let d = tempfile::tempdir().expect("tmp");
        let users = d.path().join("Users");
        std::fs::create_dir_all(users.join("jdoe")).expect("mkdir");
        let log = d.path().join("a.log");
        std::fs::write(&log, "x").expect("write");
        let protected = Protected {
            folders: vec![users.clone()],
            files: vec![log.clone()],
            ..Protected::default()
        };
        assert!(matches!(
            check(&users.join("jdoe/out.zip"), &[], &protected),
            Err(OutputError::InsideScanned(..))
        ));
        assert!(matches!(
            check(&log, &[], &protected),
            Err(OutputError::IsInput(..))
        ));
        // Beside the named file is fine: only the file itself is protected.
        assert!(check(&d.path().join("b.log"), &[], &protected).is_ok());
        assert_eq!(std::fs::read_to_string(&log).expect("read"), "x");
    }

    /// An output the run already writes (the debug log) is refused as another output's
    /// target, by name, through `..` and (Unix) through a hard link; a file beside it is fine.
    #[test]
    fn an_output_of_the_run_is_refused_as_another_output() {
        let d = tempfile::tempdir().expect("tmp");
        let dbg = d.path().join("debug.log");
        std::fs::write(&dbg, "x").expect("write");
        std::fs::create_dir_all(d.path().join("sub")).expect("mkdir");
        let protected = Protected {
            outputs: vec![(dbg.clone(), "debug log (--debug-log)")],
            ..Protected::default()
        };
        for p in [dbg.clone(), d.path().join("sub/../debug.log")] {
            let e = check(&p, &[], &protected).expect_err("refused");
            assert!(matches!(e, OutputError::SharedOutput(..)), "{p:?}");
            assert!(e.to_string().contains("two outputs"), "{e}");
        }
        #[cfg(unix)]
        {
            let hard = d.path().join("hard.md");
            std::fs::hard_link(&dbg, &hard).expect("hard link");
            assert!(matches!(
                check(&hard, &[], &protected),
                Err(OutputError::SharedOutput(..))
            ));
        }
        assert!(check(&d.path().join("export.md"), &[], &protected).is_ok());
        // A debug log not written yet is compared by name.
        let later = Protected {
            outputs: vec![(d.path().join("new.log"), "debug log (--debug-log)")],
            ..Protected::default()
        };
        assert!(check(&d.path().join("new.log"), &[], &later).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_at_the_output_name_are_followed_for_the_check() {
        let d = tempfile::tempdir().expect("tmp");
        let scanned = d.path().join("scan");
        std::fs::create_dir_all(&scanned).expect("mkdir");
        let log = d.path().join("a.log");
        std::fs::write(&log, "x").expect("write");
        let protected = Protected {
            folders: Vec::new(),
            files: vec![log.clone()],
            ..Protected::default()
        };
        let roots = vec![scanned.clone()];
        let into = d.path().join("into");
        std::os::unix::fs::symlink(scanned.join("new.zip"), &into).expect("symlink");
        let onto = d.path().join("onto");
        std::os::unix::fs::symlink(&log, &onto).expect("symlink");
        let hard = d.path().join("hard");
        std::fs::hard_link(&log, &hard).expect("hard link");
        let nowhere = d.path().join("nowhere");
        std::os::unix::fs::symlink(d.path().join("gone/x"), &nowhere).expect("symlink");
        // A dangling link into the scanned folder would create a file there.
        assert!(matches!(
            check(&into, &roots, &protected),
            Err(OutputError::Io(..))
        ));
        std::fs::write(scanned.join("new.zip"), "z").expect("write");
        assert!(matches!(
            check(&into, &roots, &protected),
            Err(OutputError::InsideScanned(..))
        ));
        for p in [&onto, &hard] {
            assert!(
                matches!(check(p, &roots, &protected), Err(OutputError::IsInput(..))),
                "{}",
                p.display()
            );
        }
        assert!(check(&nowhere, &roots, &protected).is_err());
        assert!(check(&d.path().join("plain"), &roots, &protected).is_ok());
    }
}
