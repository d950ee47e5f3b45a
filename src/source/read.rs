//! Reading files without ever changing, blocking on or being fooled by them.
//!
//! - Only regular files are opened; FIFOs, sockets and devices are refused before `open` and,
//!   because the file could be swapped in between, opened non-blocking and checked again after.
//! - Symbolic links are never followed.
//! - Only a bounded prefix is read: a 4 GB file costs no more than the cap.
//! - Files are opened read-only; on Windows with full sharing, so the client can keep writing,
//!   renaming and deleting them while we read.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file could not be read. Displayed as one line after the file name.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not a regular file ({0}), skipped")]
    NotRegular(&'static str),
    #[error("symbolic link, not followed")]
    Symlink,
    #[error("vanished before it could be read (the client may have processed it)")]
    Vanished,
    #[error("permission denied")]
    PermissionDenied,
    #[error("{0}")]
    Io(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::Vanished,
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            _ => ReadError::Io(describe_io(&e)),
        }
    }
}

/// Where a walk failed (`root` when the error names no path) and why, described as
/// [`describe_io`] does.
pub fn walk_error(e: &walkdir::Error, root: &std::path::Path) -> (std::path::PathBuf, String) {
    let path = e
        .path()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf());
    let msg = e
        .io_error()
        .map(describe_io)
        .unwrap_or_else(|| e.to_string());
    (path, msg)
}

/// A short, stable description of an I/O error (no "(os error N)" noise).
pub fn describe_io(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A name for a non-regular file type.
pub fn file_type_name(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "fifo";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_char_device() {
            return "character device";
        }
    }
    if ft.is_dir() {
        "directory"
    } else if ft.is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

/// Check with `lstat` that `path` is a regular file (not a link, not a FIFO…).
pub fn regular_metadata(path: &Path) -> Result<Metadata, ReadError> {
    let md = std::fs::symlink_metadata(path)?;
    let ft = md.file_type();
    if ft.is_symlink() {
        return Err(ReadError::Symlink);
    }
    if !ft.is_file() {
        return Err(ReadError::NotRegular(file_type_name(&ft)));
    }
    Ok(md)
}

/// Open a regular file read-only, never blocking, never following a final symlink.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    open_regular_md(path).map(|(f, _)| f)
}

/// [`open_regular`], also returning the open file's metadata (one `fstat`).
///
/// On Unix the open itself refuses a final symlink (`O_NOFOLLOW`) and cannot block on a FIFO
/// (`O_NONBLOCK`), and the `fstat` of the open file refuses anything that is not a regular file,
/// so no separate `lstat` is needed (and none could be trusted: the file can change between
/// the two calls).
pub fn open_regular_md(path: &Path) -> Result<(File, Metadata), ReadError> {
    #[cfg(not(unix))]
    regular_metadata(path)?;
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW);
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE: lync.exe keeps full access.
        opts.share_mode(0x1 | 0x2 | 0x4);
        // FILE_FLAG_OPEN_REPARSE_POINT: never follow a link or junction.
        opts.custom_flags(0x0020_0000);
    }
    let file = opts.open(path).map_err(|e| {
        #[cfg(unix)]
        match e.raw_os_error() {
            Some(libc::ELOOP) => return ReadError::Symlink,
            // Opening a socket fails this way; say what it is rather than a raw errno text.
            Some(libc::ENXIO) | Some(libc::EOPNOTSUPP) => {
                return match regular_metadata(path) {
                    Err(other) => other,
                    Ok(_) => ReadError::from(e),
                }
            }
            _ => {}
        }
        ReadError::from(e)
    })?;
    let md = file.metadata()?;
    if !md.is_file() {
        return Err(ReadError::NotRegular(file_type_name(&md.file_type())));
    }
    Ok((file, md))
}

/// The first bytes of a file, and what we know about the rest.
#[derive(Debug)]
pub struct Prefix {
    pub bytes: Vec<u8>,
    /// The size the file had when opened.
    pub len: u64,
    pub truncated: bool,
    pub metadata: Metadata,
}

/// Read at most `cap` bytes from the start of a regular file.
pub fn read_prefix(path: &Path, cap: usize) -> Result<Prefix, ReadError> {
    let (file, metadata) = open_regular_md(path)?;
    let len = metadata.len();
    let want = (len.min(cap as u64)) as usize;
    let mut bytes = Vec::with_capacity(want);
    // Read one byte past the cap to learn whether the file grew past it while we looked.
    let n = file.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    let truncated = n > cap || len > cap as u64;
    bytes.truncate(cap);
    Ok(Prefix {
        bytes,
        len,
        truncated,
        metadata,
    })
}

/// The most a settings file the user names (`--config`, `--markers`) may hold: 1 MiB.
pub const SETTINGS_FILE_CAP: usize = 1 << 20;

/// Read a whole settings file the user named (config, markers). Unlike evidence, a link is
/// followed (a config file is often one), but only a regular file is read: it is opened
/// non-blocking and checked after the open, so a FIFO or device cannot hang the run, and a
/// file over `cap` bytes is refused rather than read into memory. The error is one line.
pub fn read_settings_file(path: &Path, cap: usize) -> Result<String, String> {
    #[cfg(not(unix))]
    {
        let md = std::fs::metadata(path).map_err(|e| describe_io(&e))?;
        if !md.is_file() {
            return Err(format!(
                "not a regular file ({})",
                file_type_name(&md.file_type())
            ));
        }
    }
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path).map_err(|e| describe_io(&e))?;
    let md = file.metadata().map_err(|e| describe_io(&e))?;
    if !md.is_file() {
        return Err(format!(
            "not a regular file ({})",
            file_type_name(&md.file_type())
        ));
    }
    let too_big = || format!("larger than {} KiB, not read", cap / 1024);
    if md.len() > cap as u64 {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(md.len() as usize);
    // One byte past the cap tells a file that grew while it was read.
    let n = file
        .take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| describe_io(&e))?;
    if n > cap {
        return Err(too_big());
    }
    // UTF-16 with its BOM is what Windows PowerShell 5's `>` and `Out-File` write (decoded as
    // everywhere else: an unpaired unit becomes U+FFFD).
    let utf16 = |le: bool| match crate::parse::text::utf16(&bytes[2..], le) {
        (_, true) => Err("UTF-16 text with an odd number of bytes".to_string()),
        (text, false) => Ok(text),
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => utf16(true),
        Some([0xFE, 0xFF]) => utf16(false),
        _ => String::from_utf8(bytes).map_err(|_| "stream did not contain valid UTF-8".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_only_the_prefix() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big");
        let mut f = File::create(&p).expect("create");
        f.write_all(&vec![b'a'; 10_000]).expect("write");
        drop(f);
        let pre = read_prefix(&p, 100).expect("read");
        assert_eq!(pre.bytes.len(), 100);
        assert!(pre.truncated);
        assert_eq!(pre.len, 10_000);
        let whole = read_prefix(&p, 20_000).expect("read");
        assert_eq!(whole.bytes.len(), 10_000);
        assert!(!whole.truncated);
    }

    #[test]
    fn vanished_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = read_prefix(&dir.path().join("gone"), 10).expect_err("missing");
        assert!(matches!(err, ReadError::Vanished));
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("pipe");
        let st = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .expect("mkfifo");
        assert!(st.success());
        let err = read_prefix(&p, 10).expect_err("fifo");
        assert!(matches!(err, ReadError::NotRegular("fifo")), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_is_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("t");
        std::fs::write(&target, b"hello").expect("write");
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(matches!(read_prefix(&link, 10), Err(ReadError::Symlink)));
    }

    #[cfg(unix)]
    #[test]
    fn settings_files_refuse_fifos_and_devices_at_once_and_follow_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("pipe");
        let st = std::process::Command::new("mkfifo")
            .arg(&p)
            .output()
            .expect("mkfifo");
        assert!(st.status.success());
        // No writer: a blocking open would never return.
        let e = read_settings_file(&p, 1024).expect_err("fifo");
        assert!(e.contains("not a regular file (fifo)"), "{e}");
        if Path::new("/dev/zero").exists() {
            let e = read_settings_file(Path::new("/dev/zero"), 1024).expect_err("device");
            assert!(e.contains("character device"), "{e}");
        }
        let real = dir.path().join("real.toml");
        std::fs::write(&real, "a = 1\n").expect("write");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        assert_eq!(read_settings_file(&link, 1024).expect("link"), "a = 1\n");
    }

    #[test]
    fn settings_files_over_the_cap_or_not_utf8_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, vec![b'#'; 2048]).expect("write");
        let e = read_settings_file(&p, 1024).expect_err("too big");
        assert!(e.contains("larger than 1 KiB"), "{e}");
        assert_eq!(
            read_settings_file(&p, 2048).expect("at the cap").len(),
            2048
        );
        std::fs::write(&p, b"a = \"\xff\"").expect("write");
        assert!(read_settings_file(&p, 1024).is_err());
    }
}
