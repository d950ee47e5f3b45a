//! Profile rules: which folders under `Users` are user profiles, which profile a path shows,
//! and the legacy junctions every profile carries. (Kept apart from `paths`, which resolves
//! arguments, and `winpath`, which reads Windows path text.)

use std::path::Path;

/// Folders under `Users` that are not people.
pub const NOT_PROFILES: &[&str] = &[
    "Default",
    "Default User",
    "Public",
    "All Users",
    "defaultuser0",
];

/// True when a folder under `Users` is a real user profile by name.
pub fn is_profile_name(name: &str) -> bool {
    !name.starts_with('.')
        && !name.eq_ignore_ascii_case("desktop.ini")
        && !NOT_PROFILES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Legacy junctions Windows puts in every profile (pointing elsewhere, usually access-denied).
/// Not following them is normal and not worth an error line.
pub const LEGACY_JUNCTIONS: &[&str] = &[
    "Application Data",
    "Cookies",
    "Local Settings",
    "My Documents",
    "NetHood",
    "PrintHood",
    "Recent",
    "SendTo",
    "Start Menu",
    "Templates",
    "Temporary Internet Files",
    "History",
    "My Music",
    "My Pictures",
    "My Videos",
    "Documents and Settings",
    "All Users",
    "Default User",
];

/// The profile a path shows: the folder that holds the Windows profile layout, the one nearest
/// the end of the path when there are several (a case unpacked inside another profile, or on a
/// Mac under `/Users/<engineer>`, is the case's profile, whatever folders named `Users` lie
/// above it). A folder holds the layout when it is
/// - the folder before an `AppData` (`<profile>\AppData\Local\…`: spoolers, 2013+ trace logs);
/// - the folder holding the `Tracing` folder the path's last part is in, unless that folder is
///   `Lync` (`%USERPROFILE%\Tracing\<log>`, where Lync 2010 writes; `Lync\Tracing` is the
///   trace folder of 2013 and later, inside `AppData`);
/// - a folder right inside `profiles_root`, the profiles folder of `--all-users`.
///
/// Only when no folder holds the layout: the folder after the last `Users` (or
/// `Documents and Settings`), except a `Users` at the top of a file system off Windows, which
/// is where macOS keeps its own home folders, never a copied Windows one.
///
/// Spoolers and logs both take their profile from here, so that a log is matched to the
/// accounts of its own profile (see `logs::context_of`). The path is read absolute (relative
/// to the current folder), with `.` parts dropped and `..` taken off the part before it, and as
/// spelled (a name holding `\` off Windows counts as the parts it spells, see
/// `layout::spelled`).
pub fn profile_within(path: &Path, profiles_root: Option<&Path>) -> Option<String> {
    let (top, parts) = parts_of(path);
    let within = |r: &Path| {
        let (rtop, rparts) = parts_of(r);
        (rtop == top && parts.len() > rparts.len() && parts.starts_with(&rparts))
            .then_some(rparts.len())
    };
    // A path named through a link is read as the folder it leads to (see
    // `discover::named_path`): the profiles folder is compared as it resolves too.
    let root_len = profiles_root.and_then(|r| {
        within(r).or_else(|| {
            std::fs::canonicalize(r)
                .ok()
                .and_then(|c| within(&super::discover::plain_form(&c)))
        })
    });
    pick(&parts, root_len, top.as_deref() == Some(UNIX_ROOT))
}

/// [`profile_within`] with no `--all-users` profiles folder.
pub fn profile_of(path: &Path) -> Option<String> {
    profile_within(path, None)
}

/// How a path's parts before its first folder (a root `/`, a `C:\` prefix) are written.
const UNIX_ROOT: &str = "/";

/// A path's start (its prefix and root, as text) and its folder and file names (see
/// [`profile_within`]).
fn parts_of(path: &Path) -> (Option<String>, Vec<String>) {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut top: Option<String> = None;
    let mut parts: Vec<String> = Vec::new();
    for c in super::layout::spelled(&abs).components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                top.get_or_insert_with(String::new)
                    .push_str(&c.as_os_str().to_string_lossy());
            }
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
        }
    }
    (top, parts)
}

/// [`profile_within`] on a path already split into its parts (see `winpath::components`).
pub fn profile_in(parts: &[String]) -> Option<String> {
    pick(parts, None, false)
}

/// The rule of [`profile_within`] on a path's names; `root_len` is how many of them the
/// profiles folder of `--all-users` is, when the path lies in it; `unix_root` says the names
/// start at the top of a file system of this (non-Windows) host.
fn pick(parts: &[String], root_len: Option<usize>, unix_root: bool) -> Option<String> {
    let is = |i: usize, name: &str| parts[i].eq_ignore_ascii_case(name);
    let n = parts.len();
    let appdata = (1..n)
        .rev()
        .find(|&i| is(i, super::layout::APPDATA_DIR))
        .map(|i| i - 1);
    let tracing =
        (n >= 3 && is(n - 2, super::layout::TRACING_DIR) && !is(n - 3, super::layout::LYNC_DIR))
            .then(|| n - 3);
    if let Some(i) = [appdata, tracing, root_len].into_iter().flatten().max() {
        return Some(parts[i].clone());
    }
    (0..n.saturating_sub(1))
        .rev()
        .find(|&i| {
            (is(i, "Users") && !(i == 0 && unix_root && !cfg!(windows)))
                || is(i, "Documents and Settings")
        })
        .map(|i| parts[i + 1].clone())
}

/// The profile a Windows path shows (see [`profile_of`]), from its text.
pub fn profile_of_str(s: &str) -> Option<String> {
    profile_in(&super::winpath::components(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LYNC: &str = "AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com";
    const LYNC2010: &str = "AppData/Local/Microsoft/Communicator/sip_jdoe@contoso.com";
    const LOG2010: &str = "Tracing/Communicator-uccapi-0.uccapilog";
    const LOG16: &str = "AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-0.UccApilog";

    fn of(p: &str) -> Option<String> {
        profile_of(Path::new(p))
    }

    /// A profile unpacked under a Mac's home folder, or under a folder named `Users` inside
    /// another profile, is the folder holding the layout: its spooler, its 2013+ logs and its
    /// Lync 2010 `Tracing` logs all show it, never the engineer's login.
    #[test]
    fn the_folder_holding_the_layout_wins_over_any_users_above_it() {
        for case in [
            "/Users/engineer/Downloads/case-1234",
            "/srv/Users/engineer/case-1234",
            "/cases/Users/engineer/Desktop/c/Users/eng2/AppData/Local/Temp/unzipped",
            "/home/users/engineer/case",
        ] {
            for tail in [LYNC, LYNC2010, LOG2010, LOG16] {
                let p = format!("{case}/jdoe/{tail}");
                assert_eq!(of(&p).as_deref(), Some("jdoe"), "{p}");
            }
            // A collected Windows drive inside the case: the same.
            let p = format!("{case}/C/Users/jdoe/{LYNC}/History Spooler/{{A1}}.eml");
            assert_eq!(of(&p).as_deref(), Some("jdoe"), "{p}");
        }
    }

    /// A `Tracing` folder is the profile's own only as the log's folder and not in `Lync`; the
    /// folder before `AppData` is the profile, not the one holding `Lync\Tracing`.
    #[test]
    fn tracing_marks_a_profile_only_where_lync_2010_writes() {
        assert_eq!(of("/c/mkim/Tracing/x.uccapilog").as_deref(), Some("mkim"));
        assert_eq!(
            of("/c/Users/jdoe/Desktop/mkim/Tracing/x.uccapilog").as_deref(),
            Some("mkim")
        );
        assert_eq!(of("/c/Lync/Tracing/x.UccApilog"), None);
        assert_eq!(
            of("/c/Tracing/sub/x.uccapilog"),
            None,
            "not the log's folder"
        );
        assert_eq!(
            of("/c/Users/jdoe/Lync/Tracing/x.UccApilog").as_deref(),
            Some("jdoe"),
            "no layout: the folder after Users"
        );
    }

    /// With no layout, the folder after the last `Users`; off Windows, not a `Users` at the
    /// top of the file system (macOS homes).
    #[test]
    fn users_only_when_nothing_holds_the_layout() {
        assert_eq!(
            of("/cases/c1/Users/jdoe/Lync/sip_a@b.c").as_deref(),
            Some("jdoe")
        );
        assert_eq!(
            of("/Users/engineer/c/Users/jdoe/sip_a@b.c").as_deref(),
            Some("jdoe")
        );
        assert_eq!(
            of("/mnt/x/Documents and Settings/olduser/sip_a@b.c").as_deref(),
            Some("olduser")
        );
        if !cfg!(windows) {
            assert_eq!(of("/Users/engineer/Downloads/case/sip_a@b.c"), None);
        }
        assert_eq!(of("/cases/x/y"), None);
    }

    /// A folder right inside the `--all-users` profiles folder is a profile whatever it holds
    /// and whatever the profiles folder is called; a layout deeper inside it still wins.
    #[test]
    fn the_all_users_profiles_folder_names_its_profiles() {
        let root = Path::new("/Users/engineer/case/profiles");
        let within = |p: &str| profile_within(Path::new(p), Some(root));
        let base = "/Users/engineer/case/profiles";
        assert_eq!(
            within(&format!("{base}/jdoe/Lync/sip_jdoe@contoso.com")).as_deref(),
            Some("jdoe")
        );
        assert_eq!(
            within(&format!("{base}/jdoe/Tracing/x.uccapilog")).as_deref(),
            Some("jdoe")
        );
        assert_eq!(
            within(&format!("{base}/jdoe/Desktop/mkim/{LYNC}")).as_deref(),
            Some("mkim")
        );
        assert_eq!(within("/elsewhere/jdoe/Lync/sip_a@b.c"), None);
        assert_eq!(within(base), None, "the profiles folder itself");
    }

    /// Relative paths are read from the current folder, with `.` and `..` parts resolved by
    /// name: a log named `./Tracing/x` from inside a profile shows that profile.
    #[test]
    fn relative_paths_are_read_absolute() {
        let cwd = std::env::current_dir().expect("cwd");
        let here = cwd.file_name().map(|n| n.to_string_lossy().into_owned());
        assert_eq!(of("./Tracing/x.uccapilog"), here);
        assert_eq!(
            of("jdoe/./x/../Tracing/x.uccapilog").as_deref(),
            Some("jdoe")
        );
    }
}
