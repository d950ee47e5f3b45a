//! Export from the UI: the report to a file the user names (never inside a scanned tree), and
//! a finding's text to the clipboard through OSC 52 (works over SSH).

use super::app::App;
use crate::report::{Report, ReportFormat, ReportOptions};
use crate::source::output::Protected;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where `path` would be written, made absolute; an error when it lies inside a scanned root
/// or is a file the run reads (the one guard, `source::output`).
pub fn check_target(
    path: &Path,
    roots: &[PathBuf],
    protected: &Protected,
) -> Result<PathBuf, String> {
    crate::source::output::check(path, roots, protected).map_err(|e| e.to_string())
}

/// `~/…` (and `~\…` on Windows) under the user's home folder, as a shell would read it: the
/// export prompt is not a shell. Anything else, a lone `~` or `~user/…` included, is returned
/// as it is.
pub fn expand_home(path: &Path, home: Option<&std::ffi::OsStr>) -> PathBuf {
    let Some(home) = home.filter(|h| !h.is_empty()) else {
        return path.to_path_buf();
    };
    let Some(s) = path.to_str() else {
        return path.to_path_buf();
    };
    let rest = s
        .strip_prefix("~/")
        .or_else(|| s.strip_prefix("~\\").filter(|_| cfg!(windows)));
    match rest {
        Some(rest) => Path::new(home).join(rest),
        None => path.to_path_buf(),
    }
}

/// The home folder: `HOME`, or on Windows `USERPROFILE` when `HOME` is unset.
fn home_dir() -> Option<std::ffi::OsString> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .or_else(|| {
            cfg!(windows)
                .then(|| std::env::var_os("USERPROFILE"))
                .flatten()
        })
}

/// Write the app's current report to `path` (a leading `~/` is the home folder).
pub fn write(
    app: &App,
    roots: &[PathBuf],
    protected: &Protected,
    path: &Path,
    format: ReportFormat,
) -> Result<PathBuf, String> {
    let path = expand_home(path, home_dir().as_deref());
    if crate::outfile::is_dash(&path) {
        return Err("`-` is not a file name here: name the file to write".into());
    }
    let target = check_target(&path, roots, protected)?;
    // What `bundle -o` refuses: a link, a folder, a FIFO, a device. The named path is never
    // opened (a FIFO would block the view until a reader came): the report is written to a
    // new file beside it and renamed over it.
    let refused = |target: &Path| {
        crate::outfile::refuse_replacing(target).map(|why| format!("{}: {why}", target.display()))
    };
    if let Some(e) = refused(&target) {
        return Err(e);
    }
    let opts = ReportOptions {
        clock: app.clock,
        generated_at: chrono::Utc::now(),
        show_content: app.reveal,
        color: false,
        origin: crate::pipeline::origin(),
        // The zone the findings' titles were written in (the view's).
        zone: app.rules.zone,
    };
    // Hidden content stays hidden in the file too (log excerpts included), as in `report`.
    let masked = (!app.reveal).then(|| {
        let (mut m, mut f) = (app.model.clone(), app.findings.clone());
        crate::redact::hide_content(&mut m, &mut f);
        (m, f)
    });
    let (model, findings) = match &masked {
        Some((m, f)) => (m, f.as_slice()),
        None => (&app.model, app.findings.as_slice()),
    };
    let report = Report {
        model,
        findings,
        opts: &opts,
    };
    let mut buf = Vec::new();
    report
        .write(format, &mut buf)
        .map_err(|e| format!("cannot render: {e}"))?;
    let io_err = |e: std::io::Error| {
        format!(
            "{}: {}",
            target.display(),
            crate::source::read::describe_io(&e)
        )
    };
    let dir = target
        .parent()
        .ok_or_else(|| format!("{}: no folder to write in", target.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".spoolscope-report-")
        .tempfile_in(dir)
        .map_err(io_err)?;
    tmp.write_all(&buf)
        .and_then(|_| tmp.flush())
        .map_err(io_err)?;
    // Checked again: the path may have changed while the report was written.
    if let Some(e) = refused(&target) {
        return Err(e);
    }
    tmp.persist(&target).map_err(|e| io_err(e.error))?;
    Ok(target)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            B64[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            B64[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// The OSC 52 sequence that puts `text` on the system clipboard. The text is base64, so
/// nothing in it can act on the terminal.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(osc52("hi\x1b"), "\x1b]52;c;aGkb\x07");
    }

    #[test]
    fn a_leading_tilde_is_the_home_folder() {
        let home = std::ffi::OsStr::new("/home/u");
        assert_eq!(
            expand_home(Path::new("~/case.md"), Some(home)),
            Path::new("/home/u/case.md")
        );
        assert_eq!(
            expand_home(Path::new("~/a/b.json"), Some(home)),
            Path::new("/home/u/a/b.json")
        );
        for same in ["~", "~user/x.md", "a/~/x.md", "x~/y.md", "case.md"] {
            assert_eq!(expand_home(Path::new(same), Some(home)), Path::new(same));
        }
        assert_eq!(
            expand_home(Path::new("~/case.md"), None),
            Path::new("~/case.md")
        );
    }

    #[test]
    fn never_inside_a_scanned_root() {
        let d = tempfile::tempdir().expect("tmp");
        let scanned = d.path().join("case");
        std::fs::create_dir_all(scanned.join("sub")).expect("mkdir");
        let roots = vec![scanned.clone()];
        assert!(check_target(&scanned.join("r.md"), &roots, &Protected::default()).is_err());
        assert!(check_target(&scanned.join("sub/r.md"), &roots, &Protected::default()).is_err());
        assert!(check_target(&scanned.join("sub/../r.md"), &roots, &Protected::default()).is_err());
        let ok = check_target(&d.path().join("r.md"), &roots, &Protected::default())
            .expect("outside is fine");
        assert!(ok.ends_with("r.md"));
        assert!(check_target(
            &d.path().join("missing/r.md"),
            &roots,
            &Protected::default()
        )
        .is_err());
    }
}
