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
