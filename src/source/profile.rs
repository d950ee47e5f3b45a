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

/// The profile name a path shows: the folder after `Users` (or `Documents and Settings`), else
/// the folder before `AppData`. A name holding `\\` off Windows counts as the parts it spells
/// (see `layout::spelled`).
pub fn profile_of(path: &Path) -> Option<String> {
    let parts: Vec<String> = super::layout::spelled(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    profile_in(&parts)
}

/// [`profile_of`] on a path already split into its parts (see `winpath::components`).
pub fn profile_in(parts: &[String]) -> Option<String> {
    for (i, p) in parts.iter().enumerate().rev() {
        if (p.eq_ignore_ascii_case("Users") || p.eq_ignore_ascii_case("Documents and Settings"))
            && i + 1 < parts.len()
        {
            return Some(parts[i + 1].clone());
        }
    }
    parts
        .iter()
        .position(|p| p.eq_ignore_ascii_case("AppData"))
        .filter(|&i| i > 0)
        .map(|i| parts[i - 1].clone())
}

/// The profile a Windows path shows (see [`profile_of`]), from its text.
pub fn profile_of_str(s: &str) -> Option<String> {
    profile_in(&super::winpath::components(s))
}
