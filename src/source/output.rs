//! The one output guard: spoolscope never writes inside a scanned folder. Every output (a
//! bundle, a `watch --output` file, a `--debug-log`, an export from the live view) goes
//! through [`outside_roots`].

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
    #[error("{0}: is a folder")]
    IsFolder(PathBuf),
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

/// Where `path` would be written: absolute, its folder resolved (symlinks, `..`). An error
/// when that folder lies inside a scanned root (or is the folder of a root that is a file),
/// when the folder cannot be resolved, or when `path` is a folder.
pub fn outside_roots(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, OutputError> {
    let abs = std::path::absolute(path)
        .map_err(|e| OutputError::Io(path.to_path_buf(), super::read::describe_io(&e)))?;
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(OutputError::NotAFile(abs));
    };
    let parent = std::fs::canonicalize(parent)
        .map_err(|e| OutputError::Io(parent.to_path_buf(), super::read::describe_io(&e)))?;
    for r in roots {
        if parent.starts_with(root_folder(r)) {
            return Err(OutputError::InsideScanned(abs, r.clone()));
        }
    }
    let target = parent.join(name);
    if target.is_dir() {
        return Err(OutputError::IsFolder(target));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
