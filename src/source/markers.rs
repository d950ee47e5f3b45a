//! Loading a user markers file (parse compiles markers from text; the reading happens here).

use crate::parse::markers::{MarkerError, Markers, BUILTIN};
use std::path::Path;

/// The built-in markers extended by a user file.
pub fn with_user_file(path: &Path) -> Result<Markers, MarkerError> {
    let text =
        super::read::read_settings_file(path, super::read::SETTINGS_FILE_CAP).map_err(|e| {
            MarkerError::File {
                origin: path.display().to_string(),
                message: format!("cannot read markers: {e}"),
            }
        })?;
    let origin = path.display().to_string();
    Markers::build(&[
        (BUILTIN, "assets/markers.toml (built in)"),
        (&text, &origin),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_one_line_naming_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("nope.toml");
        let e = with_user_file(&p).expect_err("missing").to_string();
        assert!(
            e.contains("nope.toml") && e.contains("cannot read markers"),
            "{e}"
        );
        assert!(!e.contains('\n'));
    }

    #[test]
    fn a_user_marker_extends_the_builtin_set() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("m.toml");
        std::fs::write(
            &p,
            "[[marker]]\nid = \"my-own\"\nkind = \"ews-failure\"\npattern = \"FROBNICATE\"\n",
        )
        .expect("write");
        let m = with_user_file(&p).expect("loads");
        let builtin = Markers::builtin().expect("builtin");
        assert_eq!(m.markers.len(), builtin.markers.len() + 1);
        assert!(m.markers.iter().any(|x| x.id == "my-own"));
    }
}
