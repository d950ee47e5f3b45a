//! Paths in JSON: always a string. A non-UTF-8 file name is written lossily (U+FFFD) rather
//! than failing the whole report.

use serde::Serializer;
use std::path::{Path, PathBuf};

pub fn lossy<S: Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

pub fn lossy_opt<S: Serializer>(p: &Option<&PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => s.serialize_str(&p.to_string_lossy()),
        None => s.serialize_none(),
    }
}

pub fn lossy_opt_buf<S: Serializer>(p: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    lossy_opt(&p.as_ref(), s)
}

/// A path that is not valid Unicode, written so that two such paths differing only in their
/// invalid bytes stay apart: each byte outside valid UTF-8 (on Windows: outside valid UTF-16,
/// seen through the standard library's WTF-8 form) as `\xNN`, and each `\` as `\\`. `None`
/// for a valid path, whose `path` is already exact.
pub fn escaped(p: &Path) -> Option<String> {
    if p.to_str().is_some() {
        return None;
    }
    let mut out = String::new();
    for chunk in p.as_os_str().as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_paths_have_no_escaped_form() {
        assert_eq!(escaped(Path::new("a/b\\c é.eml")), None);
    }

    /// Two names that differ only in bytes that are not UTF-8 have the same lossy path and
    /// different escaped forms; a literal `\xff` in a name cannot pass for the byte.
    #[cfg(unix)]
    #[test]
    fn invalid_bytes_are_escaped_apart() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let ff = Path::new(OsStr::from_bytes(b"sp/\xff.eml"));
        let fe = Path::new(OsStr::from_bytes(b"sp/\xfe.eml"));
        assert_eq!(ff.to_string_lossy(), fe.to_string_lossy());
        assert_eq!(escaped(ff).as_deref(), Some("sp/\\xff.eml"));
        assert_eq!(escaped(fe).as_deref(), Some("sp/\\xfe.eml"));
        let literal = Path::new(OsStr::from_bytes(b"sp/\\xff\xfe.eml"));
        assert_eq!(escaped(literal).as_deref(), Some("sp/\\\\xff\\xfe.eml"));
    }
}
