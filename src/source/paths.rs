//! Paths as engineers type them: `%LOCALAPPDATA%\Microsoft\…`, `$env:LOCALAPPDATA`, backslashes
//! on a Linux host holding a folder collected from Windows, and the profile layout rules.

use std::path::{Path, PathBuf};

/// A path argument that cannot be turned into a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// `%NAME%` names a variable that is not set.
    #[error("environment variable %{0}% is not set")]
    UnsetPercentVar(String),
    /// `$env:NAME` names a variable that is not set.
    #[error("environment variable $env:{0} is not set")]
    UnsetPowerShellVar(String),
}

/// Expand `%NAME%` and `$env:NAME` using `lookup`. An unset variable is an error naming it.
pub fn expand_vars(s: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, PathError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let pct = rest.find('%');
        let ps = find_ci(rest, "$env:");
        match (pct, ps) {
            (Some(i), p) if p.is_none_or(|p| i < p) => {
                let after = &rest[i + 1..];
                match after.find('%') {
                    Some(j) if j > 0 && is_var_name(&after[..j]) => {
                        let name = &after[..j];
                        let v = lookup(name)
                            .ok_or_else(|| PathError::UnsetPercentVar(name.to_string()))?;
                        out.push_str(&rest[..i]);
                        out.push_str(&v);
                        rest = &after[j + 1..];
                    }
                    _ => {
                        out.push_str(&rest[..=i]);
                        rest = after;
                    }
                }
            }
            (_, Some(p)) => {
                let after = &rest[p + 5..];
                let end = after
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || c == '_' || c == '(' || c == ')')
                    })
                    .unwrap_or(after.len());
                let name = &after[..end];
                if name.is_empty() {
                    out.push_str(&rest[..p + 5]);
                    rest = after;
                    continue;
                }
                let v =
                    lookup(name).ok_or_else(|| PathError::UnsetPowerShellVar(name.to_string()))?;
                out.push_str(&rest[..p]);
                out.push_str(&v);
                rest = &after[end..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn is_var_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '(' | ')' | '-' | '.'))
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(needle)
}

/// Look an environment variable up the way Windows does (names are case-insensitive there).
pub fn env_lookup(name: &str) -> Option<String> {
    if let Ok(v) = std::env::var(name) {
        return Some(v);
    }
    std::env::vars()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Turn a command-line path argument into a path on this host: variables expanded, and on a
/// non-Windows host backslashes read as separators when the literal name does not exist.
pub fn resolve_arg(arg: &str) -> Result<PathBuf, PathError> {
    let expanded = expand_vars(arg, env_lookup)?;
    Ok(to_host_path(&expanded, cfg!(windows), |p| p.exists()))
}

/// The pure part of [`resolve_arg`].
pub fn to_host_path(s: &str, windows: bool, exists: impl Fn(&Path) -> bool) -> PathBuf {
    if windows {
        // A typed `\\?\` prefix is dropped so reports show the usual form; std puts it back
        // by itself for paths longer than MAX_PATH.
        return PathBuf::from(super::winpath::strip_verbatim(s).into_owned());
    }
    if !s.contains('\\') || exists(Path::new(s)) {
        return PathBuf::from(s);
    }
    let s = &*super::winpath::strip_verbatim(s);
    let unc = s.starts_with("\\\\");
    let mut t = s.replace('\\', "/");
    if unc {
        // `\\server\share\x` has no meaning here; keep it relative so the error names it.
        t = t.trim_start_matches('/').to_string();
    }
    PathBuf::from(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::profile::{is_profile_name, profile_of};

    fn env(name: &str) -> Option<String> {
        match name.to_ascii_uppercase().as_str() {
            "LOCALAPPDATA" => Some(r"C:\Users\jdoe\AppData\Local".into()),
            "USERPROFILE" => Some(r"C:\Users\jdoe".into()),
            _ => None,
        }
    }

    #[test]
    fn expands_percent_and_powershell_vars() {
        assert_eq!(
            expand_vars(r"%LOCALAPPDATA%\Microsoft", env).as_deref(),
            Ok(r"C:\Users\jdoe\AppData\Local\Microsoft")
        );
        assert_eq!(
            expand_vars(r"$env:USERPROFILE\Tracing", env).as_deref(),
            Ok(r"C:\Users\jdoe\Tracing")
        );
        assert_eq!(expand_vars("100% sure", env).as_deref(), Ok("100% sure"));
        assert_eq!(expand_vars("plain", env).as_deref(), Ok("plain"));
        let err = expand_vars("%NOPE%\\x", env).expect_err("unset");
        assert_eq!(err.to_string(), "environment variable %NOPE% is not set");
        let err = expand_vars("$env:Nope\\x", env).expect_err("unset");
        assert_eq!(err.to_string(), "environment variable $env:Nope is not set");
    }

    #[test]
    fn backslashes_become_separators_off_windows() {
        let p = to_host_path(r"case\Users\jdoe", false, |_| false);
        assert_eq!(p, PathBuf::from("case/Users/jdoe"));
        let p = to_host_path(r"odd\name", false, |_| true);
        assert_eq!(p, PathBuf::from(r"odd\name"));
        let p = to_host_path(r"\\server\share\case", false, |_| false);
        assert_eq!(p, PathBuf::from("server/share/case"));
        let p = to_host_path(r"C:\Users", true, |_| false);
        assert_eq!(p, PathBuf::from(r"C:\Users"));
        let p = to_host_path(r"\\?\C:\Users\jdoe", true, |_| false);
        assert_eq!(
            p,
            PathBuf::from(r"C:\Users\jdoe"),
            "typed verbatim prefix dropped"
        );
        let p = to_host_path(r"\\?\UNC\fs01\cases\c1", true, |_| false);
        assert_eq!(p, PathBuf::from(r"\\fs01\cases\c1"));
        let p = to_host_path(r"\\fs01\cases\c1", true, |_| false);
        assert_eq!(p, PathBuf::from(r"\\fs01\cases\c1"), "UNC kept on Windows");
        let p = to_host_path(r"\\?\C:\case\Users", false, |_| false);
        assert_eq!(p, PathBuf::from("C:/case/Users"));
    }

    #[test]
    fn profile_names() {
        assert!(is_profile_name("jdoe"));
        for n in ["Default", "public", "All Users", "desktop.ini", ".hidden"] {
            assert!(!is_profile_name(n), "{n}");
        }
        assert_eq!(
            profile_of(Path::new("/cases/c1/Users/jdoe/AppData/Local/x")).as_deref(),
            Some("jdoe")
        );
        assert_eq!(
            profile_of(Path::new("/cases/mkim/AppData/Local")).as_deref(),
            Some("mkim")
        );
        assert_eq!(profile_of(Path::new("/cases/x/y")), None);
    }
}
