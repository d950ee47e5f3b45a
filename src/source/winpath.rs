//! Windows path syntax handled as text, so the rules can be tested on any host: verbatim
//! (`\\?\`) and UNC (`\\server\share`) prefixes, splitting into components, where the current
//! user's `%LOCALAPPDATA%` and the system's `Users` folder are.
//!
//! Long paths need no help from us: on Windows the standard library adds the `\\?\` prefix
//! itself when a path is longer than `MAX_PATH`. What we do is strip a `\\?\` that an engineer
//! typed (or pasted from another tool), so every path we show reads like one they know.

use std::borrow::Cow;

const VERBATIM: &str = r"\\?\";
const VERBATIM_UNC: &str = r"\\?\UNC\";

/// `\\?\C:\x` → `C:\x` and `\\?\UNC\server\share\x` → `\\server\share\x`.
///
/// Only when the plain form names the same file: a verbatim path with `/`, `.` or `..`
/// components, or names ending in a dot or a space (which Win32 would rewrite), is kept as it
/// is, and so is anything else (`\\?\Volume{…}\`, `\\.\pipe\…`).
pub fn strip_verbatim(s: &str) -> Cow<'_, str> {
    let plain: Cow<'_, str> = if let Some(rest) = strip_prefix_ci(s, VERBATIM_UNC) {
        Cow::Owned(format!(r"\\{rest}"))
    } else if let Some(rest) = s.strip_prefix(VERBATIM) {
        if !is_drive_path(rest) {
            return Cow::Borrowed(s);
        }
        Cow::Borrowed(rest)
    } else {
        return Cow::Borrowed(s);
    };
    let names = plain.trim_start_matches('\\');
    let risky = plain.contains('/')
        || names.split('\\').skip(1).any(|c| {
            c == "." || c == ".." || (!c.is_empty() && (c.ends_with('.') || c.ends_with(' ')))
        });
    if risky {
        Cow::Borrowed(s)
    } else {
        plain
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `C:` or `C:\…`.
fn is_drive_path(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b.len() == 2 || b[2] == b'\\')
}

/// True for `\\server\share…` and `\\?\UNC\server\share…` (not `\\?\C:` nor `\\.\`).
pub fn is_unc(s: &str) -> bool {
    if strip_prefix_ci(s, VERBATIM_UNC).is_some() {
        return true;
    }
    let s = s.replace('/', "\\");
    match s.strip_prefix(r"\\") {
        Some(rest) => {
            let server = rest.split('\\').next().unwrap_or("");
            !server.is_empty() && server != "?" && server != "."
        }
        None => false,
    }
}

/// The parts of a Windows path: its prefix (`C:`, `\\server\share`) as one part when it has
/// one, then each name. Both separators are accepted; empty names are dropped.
pub fn components(s: &str) -> Vec<String> {
    let plain = strip_verbatim(s);
    let t = plain.replace('/', "\\");
    let mut parts = Vec::new();
    let rest: &str = if is_unc(&t) {
        let mut it = t[2..].splitn(3, '\\');
        let server = it.next().unwrap_or("");
        let share = it.next().unwrap_or("");
        parts.push(format!(r"\\{server}\{share}"));
        it.next().unwrap_or("")
    } else if let Some(rest) = t.strip_prefix(VERBATIM) {
        // A verbatim path we could not make plain: keep its first part whole.
        let mut it = rest.splitn(2, '\\');
        parts.push(format!(r"{VERBATIM}{}", it.next().unwrap_or("")));
        it.next().unwrap_or("")
    } else {
        &t
    };
    parts.extend(
        rest.split('\\')
            .filter(|c| !c.is_empty())
            .map(str::to_string),
    );
    parts
}

/// The current user's `%LOCALAPPDATA%`; when it is not set (a stripped-down service
/// environment), `%USERPROFILE%\AppData\Local`, which is where Windows puts it.
pub fn local_appdata(lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    let nonempty = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    nonempty("LOCALAPPDATA").or_else(|| {
        nonempty("USERPROFILE").map(|p| format!(r"{}\AppData\Local", p.trim_end_matches('\\')))
    })
}

/// The folder that holds the profiles (`C:\Users`): the parent of `%PUBLIC%`, which follows a
/// moved profiles folder, else `%SystemDrive%\Users`, else `C:\Users`.
pub fn profiles_root(lookup: impl Fn(&str) -> Option<String>) -> String {
    if let Some(public) = lookup("PUBLIC") {
        let public = public.trim_end_matches(['\\', '/']);
        if let Some(i) = public.rfind(['\\', '/']) {
            let parent = &public[..i];
            // `C:\Public` has the drive root as parent: keep the backslash.
            if !parent.is_empty() && parent != r"\\" {
                return if parent.ends_with(':') {
                    format!(r"{parent}\")
                } else {
                    parent.to_string()
                };
            }
        }
    }
    let drive = lookup("SystemDrive")
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| "C:".into());
    format!(r"{}\Users", drive.trim_end_matches('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn verbatim_prefix_is_stripped_for_display() {
        assert_eq!(strip_verbatim(r"\\?\C:\Users\jdoe"), r"C:\Users\jdoe");
        assert_eq!(strip_verbatim(r"\\?\c:"), r"c:");
        assert_eq!(
            strip_verbatim(r"\\?\UNC\fs01\cases\case-1234"),
            r"\\fs01\cases\case-1234"
        );
        assert_eq!(
            strip_verbatim(r"\\?\unc\fs01\cases"),
            r"\\fs01\cases",
            "prefix is case-insensitive"
        );
        // Plain paths are untouched.
        for p in [
            r"C:\Users",
            r"\\fs01\cases",
            "/home/x",
            r"relative\path",
            "",
        ] {
            assert_eq!(strip_verbatim(p), p);
        }
        // Verbatim paths whose plain form would mean something else stay verbatim.
        for p in [
            r"\\?\C:\a\..\b",
            r"\\?\C:\a\.\b",
            r"\\?\C:\trailing dot.\x",
            r"\\?\C:\space \x",
            r"\\?\C:\a/b",
            r"\\?\Volume{0b6b1b0a-0000-0000-0000-100000000000}\Users",
            r"\\.\pipe\x",
            r"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy1",
        ] {
            assert_eq!(strip_verbatim(p), p, "{p}");
        }
    }

    #[test]
    fn unc_paths_are_recognised() {
        assert!(is_unc(r"\\fs01\cases\case-1234"));
        assert!(is_unc("//fs01/cases"));
        assert!(is_unc(r"\\?\UNC\fs01\cases"));
        assert!(!is_unc(r"\\?\C:\x"));
        assert!(!is_unc(r"\\.\pipe\x"));
        assert!(!is_unc(r"C:\Users"));
        assert!(!is_unc(r"\Users"));
    }

    #[test]
    fn components_keep_the_prefix_whole() {
        assert_eq!(
            components(r"\\fs01\cases\case-1234\Users\jdoe"),
            [r"\\fs01\cases", "case-1234", "Users", "jdoe"]
        );
        assert_eq!(
            components(r"\\?\UNC\fs01\cases\c\Users\jdoe"),
            [r"\\fs01\cases", "c", "Users", "jdoe"]
        );
        assert_eq!(
            components(r"\\?\C:\Users\jdoe\AppData"),
            ["C:", "Users", "jdoe", "AppData"]
        );
        assert_eq!(
            components("C:/Users//jdoe/"),
            ["C:", "Users", "jdoe"],
            "forward slashes and doubled separators"
        );
        assert_eq!(
            components(r"\\?\C:\a\..\b"),
            [r"\\?\C:", "a", "..", "b"],
            "a verbatim path kept verbatim"
        );
    }

    #[test]
    fn profile_from_local_unc_and_long_paths() {
        let lync = r"AppData\Local\Microsoft\Office\16.0\Lync\sip_jdoe@contoso.com";
        for root in [
            r"C:\Users\jdoe",
            r"\\?\C:\Users\jdoe",
            r"\\fs01\cases\case-1234\Users\jdoe",
            r"\\?\UNC\fs01\cases\case-1234\Users\jdoe",
            r"D:\Documents and Settings\jdoe",
            r"\\fs01\cases\case-1234\jdoe",
        ] {
            assert_eq!(
                crate::source::profile::profile_of_str(&format!(r"{root}\{lync}")).as_deref(),
                Some("jdoe"),
                "{root}"
            );
        }
        // A path far over MAX_PATH (260) is split the same way.
        let deep: String = (0..40)
            .map(|i| format!(r"\collected-folder-{i:02}"))
            .collect();
        let long = format!(r"\\?\C:\cases{deep}\Users\mkim\{lync}\History Spooler\x.xml");
        assert!(long.len() > 260 * 3);
        assert_eq!(
            crate::source::profile::profile_of_str(&long).as_deref(),
            Some("mkim")
        );
        assert_eq!(
            crate::source::profile::profile_of_str(r"\\fs01\cases\loose-files"),
            None
        );
    }

    #[test]
    fn local_appdata_from_the_environment() {
        let e = [
            ("LOCALAPPDATA", r"C:\Users\jdoe\AppData\Local"),
            ("USERPROFILE", r"C:\Users\jdoe"),
        ];
        assert_eq!(
            local_appdata(env(&e)).as_deref(),
            Some(r"C:\Users\jdoe\AppData\Local")
        );
        let e = [("USERPROFILE", r"C:\Users\jdoe\"), ("LOCALAPPDATA", " ")];
        assert_eq!(
            local_appdata(env(&e)).as_deref(),
            Some(r"C:\Users\jdoe\AppData\Local"),
            "falls back to the profile when LOCALAPPDATA is unset or blank"
        );
        assert_eq!(local_appdata(env(&[])), None);
    }

    #[test]
    fn profiles_root_follows_public_then_system_drive() {
        assert_eq!(
            profiles_root(env(&[
                ("PUBLIC", r"C:\Users\Public"),
                ("SystemDrive", "D:")
            ])),
            r"C:\Users"
        );
        assert_eq!(
            profiles_root(env(&[("PUBLIC", r"E:\Profiles\Public\")])),
            r"E:\Profiles"
        );
        assert_eq!(profiles_root(env(&[("PUBLIC", r"C:\Public")])), r"C:\");
        assert_eq!(profiles_root(env(&[("SystemDrive", "D:")])), r"D:\Users");
        assert_eq!(profiles_root(env(&[("PUBLIC", "Public")])), r"C:\Users");
        assert_eq!(profiles_root(env(&[])), r"C:\Users");
    }
}

/// The same rules through `std::path` on Windows itself, where `Path` parses prefixes.
#[cfg(all(test, windows))]
mod windows_tests {
    use super::super::{all_users_roots, paths, read, system_profiles_root};
    use std::path::{Path, PathBuf};

    #[test]
    fn std_paths_agree_with_the_text_rules() {
        for p in [
            r"C:\Users\jdoe\AppData\Local",
            r"\\?\C:\Users\jdoe\AppData\Local",
            r"\\fs01\cases\case-1234\Users\jdoe\AppData\Local",
            r"\\?\UNC\fs01\cases\case-1234\Users\jdoe\AppData\Local",
        ] {
            assert_eq!(
                crate::source::profile::profile_of(Path::new(p)).as_deref(),
                Some("jdoe"),
                "{p}"
            );
            assert_eq!(
                crate::source::profile::profile_of_str(p).as_deref(),
                Some("jdoe"),
                "{p}"
            );
        }
    }

    #[test]
    fn typed_verbatim_and_unc_arguments() {
        assert_eq!(
            paths::resolve_arg(r"\\?\C:\Users\jdoe").expect("resolve"),
            PathBuf::from(r"C:\Users\jdoe")
        );
        assert_eq!(
            paths::resolve_arg(r"\\?\UNC\fs01\cases\case-1234").expect("resolve"),
            PathBuf::from(r"\\fs01\cases\case-1234")
        );
        assert_eq!(
            paths::resolve_arg(r"\\fs01\cases\case-1234").expect("resolve"),
            PathBuf::from(r"\\fs01\cases\case-1234")
        );
    }

    #[test]
    fn system_profiles_root_is_a_users_folder() {
        let root = system_profiles_root().expect("windows has one");
        assert!(root.is_absolute(), "{}", root.display());
    }

    /// Deeper than MAX_PATH (260): std adds `\\?\` by itself, and we never show it.
    #[test]
    fn long_paths_are_read_and_shown_plain() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut deep = dir.path().join("Users").join("jdoe");
        for i in 0..12 {
            deep.push(format!("a-rather-long-folder-name-number-{i:02}"));
        }
        let spool = deep.join(r"Lync\sip_jdoe@contoso.com\History Spooler");
        std::fs::create_dir_all(&spool).expect("mkdir long");
        let file = spool.join("item.xml");
        std::fs::write(&file, b"<x/>").expect("write long");
        assert!(file.as_os_str().len() > 260);
        let pre = read::read_prefix(&file, 16).expect("read long");
        assert_eq!(pre.bytes, b"<x/>");
        let abs = std::path::absolute(&file).expect("absolute");
        assert!(!abs.to_string_lossy().starts_with(r"\\?\"));
        assert_eq!(
            crate::source::profile::profile_of(&abs).as_deref(),
            Some("jdoe")
        );
        let (roots, errors) = all_users_roots(&dir.path().join("Users"));
        assert!(errors.is_empty(), "{errors:?}");
        // No AppData\Local in this profile: it is walked whole.
        assert_eq!(roots, [dir.path().join("Users").join("jdoe")]);
    }
}
