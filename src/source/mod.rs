//! Everything that touches the disk: discovery, bounded reading, path handling.

pub mod discover;
pub mod inventory;
pub mod layout;
pub mod lineindex;
pub mod logs;
pub mod mailbox;
pub mod markers;
pub mod output;
pub mod paths;
pub mod profile;
pub mod read;
pub mod scan;
pub mod tail;
mod tail_change;
pub mod watch;
pub mod watch_cache;
pub mod watch_levels;
pub mod watch_targets;
pub mod winpath;

use std::path::PathBuf;

/// What shapes a scan beyond the roots (log time zone, extra files…). Grows with the parsers.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    /// Mailbox evidence files named with `--mailbox FILE` (read even when not under a root).
    pub mailbox_files: Vec<PathBuf>,
    /// Extra log files to read (`--log FILE`), whatever their name.
    pub logs: Vec<PathBuf>,
    /// chrono format of record timestamps in text logs (`--log-time-format`).
    pub log_time_format: Option<String>,
    /// How to read zone-less log timestamps (`--log-tz`).
    pub log_tz: crate::parse::logs::LogTz,
    /// Markers (built-in plus `--markers FILE`); `None` = the built-in ones.
    pub markers: Option<std::sync::Arc<crate::parse::markers::Markers>>,
    /// Correlation window around an item's write time (`--window`); `None` = 5 minutes.
    pub window: Option<std::time::Duration>,
    /// How far back an item's chain is walked (`--lookback`); `None` = 30 minutes.
    pub lookback: Option<std::time::Duration>,
    /// Keep each spooled item's recognised body (up to 1 MiB each) in the model. Only a run
    /// that may show content needs them (`--show-content`, a bundle's `--include-content`, the
    /// live view); otherwise they are dropped as each file is read, so memory does not follow
    /// the spooled bytes.
    pub keep_bodies: bool,
    /// The profiles folder of `--all-users`: a folder right inside it is a profile, whatever
    /// it holds (see `profile::profile_within`).
    pub profiles_root: Option<PathBuf>,
}

/// Why there is nothing to scan when no PATH is given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefaultRootsError {
    /// Windows, but neither variable that leads to the user's `AppData\Local` is set.
    #[error("%LOCALAPPDATA% and %USERPROFILE% are not set; pass a PATH to scan")]
    NoProfileVars,
    /// Not Windows: there is no current user's Lync folder to default to.
    #[error(
        "no PATH given: pass a folder to scan (a profile, a Users folder, a folder of \
         collected files), use --profiles-root DIR --all-users, or try `spoolscope demo`"
    )]
    NotWindows,
}

/// Where to look when no PATH is given: the current user's `%LOCALAPPDATA%` (Windows only).
pub fn default_roots() -> Result<Vec<PathBuf>, DefaultRootsError> {
    if cfg!(windows) {
        let local =
            winpath::local_appdata(paths::env_lookup).ok_or(DefaultRootsError::NoProfileVars)?;
        let mut roots = vec![PathBuf::from(local)];
        // Lync 2010 writes its trace logs to %USERPROFILE%\Tracing.
        if let Some(profile) = paths::env_lookup("USERPROFILE") {
            let tracing = layout::profile_tracing_of(std::path::Path::new(&profile));
            if tracing.is_dir() {
                roots.push(tracing);
            }
        }
        Ok(roots)
    } else {
        Err(DefaultRootsError::NotWindows)
    }
}

/// The system's profiles folder (`C:\Users` on Windows), for `--all-users`.
pub fn system_profiles_root() -> Option<PathBuf> {
    if !cfg!(windows) {
        return None;
    }
    Some(PathBuf::from(winpath::profiles_root(paths::env_lookup)))
}

/// Roots for `--all-users`: each real profile's `AppData\Local` (and `Tracing`) under `root`.
/// Profiles that cannot be listed are reported, not fatal. Names are matched without case, as
/// Windows does (a collected copy may come out as `appdata\local`). A profile that is a link (a
/// profile moved to another disk and linked back) is followed: it is one of the profiles to
/// scan; one that leads to no folder is skipped with an error line. Every case variant of
/// `AppData\Local` (and of `Tracing`) is a root: a merged copy may hold both `AppData\Local`
/// and `appdata\local` (review wild9a d01). A profile with no
/// `AppData\Local` in any case (a partial or odd copy) is walked whole, as a PATH walk of it
/// would be, so that no spooler it holds elsewhere is passed over in silence (review wild8s
/// d02, d11).
pub fn all_users_roots(root: &std::path::Path) -> (Vec<PathBuf>, Vec<crate::model::ScanError>) {
    let mut roots = Vec::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) => {
            errors.push(crate::model::ScanError::new(
                root,
                format!("cannot list profiles: {}", read::describe_io(&e)),
            ));
            return (roots, errors);
        }
    };
    let mut profiles: Vec<PathBuf> = Vec::new();
    for e in entries.flatten() {
        if !profile::is_profile_name(&e.file_name().to_string_lossy()) {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => profiles.push(e.path()),
            Ok(t) if t.is_symlink() => match std::fs::metadata(e.path()) {
                Ok(m) if m.is_dir() => profiles.push(e.path()),
                Ok(_) => errors.push(crate::model::ScanError::new(
                    e.path(),
                    "profile skipped: a link to something that is not a folder",
                )),
                Err(err) => errors.push(crate::model::ScanError::new(
                    e.path(),
                    format!("profile skipped: a link ({})", read::describe_io(&err)),
                )),
            },
            _ => {}
        }
    }
    profiles.sort();
    let skipped = |p: &std::path::Path, e: &std::io::Error| {
        crate::model::ScanError::new(
            p,
            // The wording the README promises: `profile skipped: permission denied`.
            match e.kind() {
                std::io::ErrorKind::PermissionDenied => {
                    "profile skipped: permission denied".to_string()
                }
                _ => format!("profile skipped: {}", read::describe_io(e)),
            },
        )
    };
    for p in profiles {
        // Every case variant of `AppData`, and of `Local` in each (see `child_dirs_ci`).
        let locals = layout::child_dirs_ci(&p, layout::APPDATA_DIR).and_then(|appdatas| {
            let mut out = Vec::new();
            for a in appdatas {
                out.extend(layout::child_dirs_ci(&a, layout::LOCAL_DIR)?);
            }
            Ok(out)
        });
        match locals {
            Ok(locals) if locals.is_empty() => {
                roots.push(p);
                continue;
            }
            Ok(locals) => {
                for local in locals {
                    match std::fs::read_dir(&local) {
                        Ok(_) => roots.push(local),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => errors.push(skipped(&p, &e)),
                    }
                }
            }
            Err(e) => {
                errors.push(skipped(&p, &e));
                continue;
            }
        }
        if let Ok(tracings) = layout::child_dirs_ci(&p, layout::TRACING_DIR) {
            roots.extend(tracings);
        }
    }
    (roots, errors)
}

/// This machine's name, for reports that are merged across a fleet.
pub fn host_name() -> Option<String> {
    for var in ["COMPUTERNAME", "HOSTNAME"] {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return Some(v.trim().to_string());
            }
        }
    }
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The user running spoolscope.
pub fn user_name() -> Option<String> {
    ["USERNAME", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .filter(|s| !s.trim().is_empty())
}
