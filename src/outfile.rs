//! Checks on an output path that spoolscope is about to create or replace.
//!
//! A file is written through a temporary file in the same folder that is then renamed over the
//! named path. A rename replaces whatever the name points at: a FIFO, a device node or a symbolic
//! link would become a regular file, and the pipe, device or link would be gone. So an existing
//! output must be a regular file, named directly.

use std::path::Path;

/// Why an existing `path` must not be replaced by a new file, or `None` when it may be (it does
/// not exist, or it is a regular file and not a link). An error reading its metadata other than
/// "not found" is left to the write itself, which reports it.
pub fn refuse_replacing(path: &Path) -> Option<&'static str> {
    let md = std::fs::symlink_metadata(path).ok()?;
    let ft = md.file_type();
    if ft.is_symlink() {
        Some("is a symbolic link; spoolscope does not replace a link: name the file itself")
    } else if ft.is_dir() {
        Some("is a folder")
    } else if !ft.is_file() {
        Some("exists and is not a regular file (a device, FIFO or socket); spoolscope replaces only a regular file")
    } else {
        None
    }
}

/// True for the argument `-`, which many tools read as stdout.
pub fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_path_or_a_regular_file_may_be_replaced() {
        let d = tempfile::tempdir().expect("io");
        let missing = d.path().join("new.zip");
        assert_eq!(refuse_replacing(&missing), None);
        let file = d.path().join("old.zip");
        std::fs::write(&file, b"x").expect("io");
        assert_eq!(refuse_replacing(&file), None);
        assert_eq!(refuse_replacing(d.path()), Some("is a folder"));
        #[cfg(unix)]
        {
            let link = d.path().join("link.zip");
            std::os::unix::fs::symlink(&file, &link).expect("io");
            assert!(refuse_replacing(&link)
                .expect("io")
                .contains("symbolic link"));
            let dangling = d.path().join("dangling.zip");
            std::os::unix::fs::symlink(d.path().join("nowhere"), &dangling).expect("io");
            assert!(refuse_replacing(&dangling)
                .expect("io")
                .contains("symbolic link"));
            let fifo = d.path().join("fifo.zip");
            let st = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .expect("io");
            assert!(st.success());
            assert!(refuse_replacing(&fifo)
                .expect("io")
                .contains("not a regular file"));
        }
    }

    #[test]
    fn dash_is_only_the_bare_dash() {
        assert!(is_dash(Path::new("-")));
        assert!(!is_dash(Path::new("./-")));
        assert!(!is_dash(Path::new("-o.zip")));
    }
}
