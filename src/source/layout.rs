//! The Lync / Skype for Business on-disk layout, in one place: the folder names the clients
//! write under a profile and what each tells about the client generation.
//!
//! ```text
//! <profile>\AppData\Local\Microsoft\Office\16.0\Lync\sip_<address>\History Spooler   2016 / 2019 / 365
//! <profile>\AppData\Local\Microsoft\Office\15.0\Lync\sip_<address>\History Spooler   2013
//! <profile>\AppData\Local\Microsoft\Communicator\sip_<address>\History Spooler       Lync 2010
//! <profile>\AppData\Local\Microsoft\Office\<ver>\Lync\Tracing\*.UccApilog            trace logs
//! <profile>\Tracing\Communicator-uccapi-*.uccapilog                                 Lync 2010 trace logs
//! ```
//!
//! Folder names are compared without regard to ASCII case (Windows file names are
//! case-insensitive); the version folders (`16.0`, `15.0`) are digits and compared as they are.
//! (The profile rules, which folders under `Users` are people, are in `profile`.)

use crate::model::ClientGen;
use std::path::{Path, PathBuf};

pub use crate::model::SPOOLER_DIR;
/// The start of an account folder's name: `sip_<address>`.
pub const SIP_PREFIX: &str = "sip_";
/// The parent of the `sip_*` folders of Lync 2013 and later (`Office\<version>\Lync`).
pub const LYNC_DIR: &str = "Lync";
/// The parent of the `sip_*` folders of Lync 2010 (`Microsoft\Communicator`).
pub const COMMUNICATOR_DIR: &str = "Communicator";
/// The Office version folder of Lync 2016 / Skype for Business 2016, 2019 and 365.
pub const OFFICE_16_DIR: &str = "16.0";
/// The Office version folder of Lync 2013 / Skype for Business 2015.
pub const OFFICE_15_DIR: &str = "15.0";
/// Trace logs: `Lync\Tracing` (2013 and later) and `%USERPROFILE%\Tracing` (Lync 2010).
pub const TRACING_DIR: &str = "Tracing";
/// A profile's `AppData` folder, and `Local` inside it (`%LOCALAPPDATA%`).
pub const APPDATA_DIR: &str = "AppData";
pub const LOCAL_DIR: &str = "Local";

/// The last part of a path, lossily as text (empty for `/` or `..`).
pub fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// [`layout_name`] of a path's last part for display, each byte that is not UTF-8 written
/// `\xNN` instead of U+FFFD: `sip_j<FF>@…` and `sip_j<FE>@…` (Shift-JIS names unpacked on
/// Linux) are two accounts and must not print as one (review wild8s d06). The parts are split
/// on the bytes before escaping, so an escape's `\` is never read as a separator.
pub fn display_layout_name(p: &Path) -> String {
    let Some(name) = p.file_name() else {
        return String::new();
    };
    if let Some(s) = name.to_str() {
        return layout_name(s).to_string();
    }
    let bytes = name.as_encoded_bytes();
    let last = if BACKSLASH_NAMES {
        bytes
            .split(|&b| b == b'\\')
            .rfind(|part| !part.is_empty() && *part != b"." && *part != b"..")
            .unwrap_or(bytes)
    } else {
        bytes
    };
    let mut out = String::new();
    for chunk in last.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Whether this host reads a `\` inside a file name as a separator for layout purposes: a
/// Windows collection unpacked here by a tool that keeps the backslashes (one flat name such as
/// `Users\jdoe\AppData\…\History Spooler\x.eml`). On Windows `\` is a separator already.
pub const BACKSLASH_NAMES: bool = !cfg!(windows);

/// The parts a name spells: split on `\` where [`BACKSLASH_NAMES`] holds (empty, `.` and `..`
/// parts dropped), else the name itself.
pub fn spelled_parts(name: &str) -> Vec<&str> {
    if BACKSLASH_NAMES && name.contains('\\') {
        name.split('\\')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .collect()
    } else {
        vec![name]
    }
}

/// The name a folder or file has for layout purposes: the last part it spells.
pub fn layout_name(name: &str) -> &str {
    spelled_parts(name).pop().unwrap_or(name)
}

/// Whether a name holds a `\` that is read as a separator on this host.
pub fn spells_a_path(name: &str) -> bool {
    BACKSLASH_NAMES && name.contains('\\')
}

/// The path `path` spells for layout purposes: every component holding a `\` split there
/// (see [`BACKSLASH_NAMES`]). A path with no such component comes back as it is.
pub fn spelled(path: &Path) -> PathBuf {
    if !BACKSLASH_NAMES {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::Normal(n) => {
                let n = n.to_string_lossy();
                if n.contains('\\') {
                    out.extend(spelled_parts(&n));
                } else {
                    out.push(c.as_os_str());
                }
            }
            _ => out.push(c.as_os_str()),
        }
    }
    out
}

/// `History Spooler`, in any case.
pub fn is_spooler_name(name: &str) -> bool {
    name.eq_ignore_ascii_case(SPOOLER_DIR)
}

/// `sip_<address>`, in any case. The name is compared as bytes: a profile or folder name in any
/// script (`山田太郎`, `김철수`) has no character boundary at byte 4 to slice at.
pub fn is_sip_dir(name: &str) -> bool {
    name.len() > SIP_PREFIX.len()
        && name
            .as_bytes()
            .get(..SIP_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(SIP_PREFIX.as_bytes()))
}

/// The address in an account folder's name (`sip_jdoe@contoso.com` → `jdoe@contoso.com`), if
/// the name is one.
pub fn sip_address(name: &str) -> Option<&str> {
    // `sip_` is ASCII, so its length is a character boundary when the name starts with it.
    name.get(SIP_PREFIX.len()..).filter(|_| is_sip_dir(name))
}

/// An address with its `%XX` escapes decoded (`jdoe%40contoso.com` → `jdoe@contoso.com`), when
/// it holds any and the decoded bytes are UTF-8 text with no control character: upload or
/// collection tools that quote a path (as for a URL) alter `@` and other characters in a
/// folder name the way they alter the space of `History Spooler`. A heuristic, said in a note
/// ([`DECODED_ADDRESS_NOTE`]); `None` when nothing is decoded.
pub fn percent_decoded(address: &str) -> Option<String> {
    let b = address.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut decoded = false;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                decoded = true;
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    let text = String::from_utf8(out).ok()?;
    (decoded && could_be_a_folder_name(&text)).then_some(text)
}

/// Characters no Windows file or folder name can hold.
const NOT_IN_WINDOWS_NAMES: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Whether decoded text could have been the name of a folder the client wrote: no character
/// a Windows name cannot hold, no control character, no `..` (a path trick, and never in an
/// address), and not ending in `.` or a space (Windows drops those). A decode that gives
/// anything else was not the quoting the heuristic assumes; the name is kept as it is
/// (review wild9a d09).
fn could_be_a_folder_name(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || NOT_IN_WINDOWS_NAMES.contains(&c))
        && !text.contains("..")
        && !text.ends_with(['.', ' '])
}

/// The note on an account whose address was read by [`percent_decoded`].
pub const DECODED_ADDRESS_NOTE: &str = "account address read with its `%XX` escapes decoded (`%40` as `@`): the folder name looks quoted by an upload or a collection tool (heuristic)";

/// The generation an Office version folder names (`16.0`, `15.0`), if it is one.
fn office_version(name: &str) -> Option<ClientGen> {
    match name {
        OFFICE_16_DIR => Some(ClientGen::Office16),
        OFFICE_15_DIR => Some(ClientGen::Office15),
        _ => None,
    }
}

/// The client generation from where a `sip_*` folder sits: its parent (`Communicator`, or
/// `Lync` under a version folder) first, else the nearest ancestor that names one.
pub fn client_of(sip_dir: &Path) -> ClientGen {
    let parent = sip_dir.parent();
    let pname = parent.map(name_of).unwrap_or_default();
    let gname = parent
        .and_then(Path::parent)
        .map(name_of)
        .unwrap_or_default();
    if pname.eq_ignore_ascii_case(COMMUNICATOR_DIR) {
        return ClientGen::Lync2010;
    }
    if pname.eq_ignore_ascii_case(LYNC_DIR) {
        if let Some(g) = office_version(&gname) {
            return g;
        }
    }
    for a in sip_dir.ancestors().skip(1) {
        let n = name_of(a);
        if let Some(g) = office_version(&n) {
            return g;
        }
        if n.eq_ignore_ascii_case(COMMUNICATOR_DIR) {
            return ClientGen::Lync2010;
        }
    }
    ClientGen::Unknown
}

/// A profile's `AppData\Local` (what `%LOCALAPPDATA%` points at).
pub fn local_appdata_of(profile: &Path) -> PathBuf {
    profile.join(APPDATA_DIR).join(LOCAL_DIR)
}

/// Every folder `name` directly inside `dir`, names compared without ASCII case (Windows names
/// are case-insensitive; a copy may change their case, and a copy on a case-sensitive file
/// system merged from two collections may hold both `AppData` and `appdata`): each case variant
/// is a folder of its own and none may be passed over (review wild9a d01). In name order (the
/// exact name sorts with the others). Empty when there is none; an error when `dir` cannot be
/// listed.
pub fn child_dirs_ci(dir: &Path, name: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(r) => r
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().eq_ignore_ascii_case(name))
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    found.sort();
    Ok(found)
}

/// A profile's own `Tracing` folder, where Lync 2010 writes its trace logs.
pub fn profile_tracing_of(profile: &Path) -> PathBuf {
    profile.join(TRACING_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name's bytes that are not UTF-8 are shown as `\xNN` (two such names stay apart); the
    /// parts of a flat backslash name are still split on the bytes (review wild8s d06).
    #[cfg(unix)]
    #[test]
    fn display_names_escape_bytes_that_are_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let p = |b: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(b));
        assert_eq!(
            display_layout_name(&p(b"/x/sip_j\xff@c.com")),
            "sip_j\\xff@c.com"
        );
        assert_ne!(
            display_layout_name(&p(b"/x/sip_j\xff@c.com")),
            display_layout_name(&p(b"/x/sip_j\xfe@c.com"))
        );
        assert_eq!(
            display_layout_name(&p(b"/x/Lync\\sip_j\xfe@c.com")),
            if BACKSLASH_NAMES {
                "sip_j\\xfe@c.com"
            } else {
                "Lync\\sip_j\\xfe@c.com"
            }
        );
        assert_eq!(
            display_layout_name(&p(b"/x/sip_jdoe@c.com")),
            "sip_jdoe@c.com"
        );
        assert_eq!(display_layout_name(Path::new("/")), "");
    }

    #[test]
    fn names_in_any_case() {
        assert!(is_spooler_name("history spooler"));
        assert!(!is_spooler_name("History Spooler.old"));
        assert!(is_sip_dir("SIP_a@b.c"));
        assert!(!is_sip_dir(SIP_PREFIX));
        assert!(!is_sip_dir("山田"));
        assert_eq!(
            sip_address("Sip_김철수@contoso.kr"),
            Some("김철수@contoso.kr")
        );
        assert_eq!(sip_address("GalContacts.db"), None);
    }

    /// Off Windows a name holding `\` spells the path it names (empty, `.` and `..` parts
    /// dropped); elsewhere, and for plain names, the name is one part.
    #[test]
    fn names_holding_backslashes_spell_paths_off_windows() {
        let name = r"Users\jdoe\..\.\AppData\\Local\sip_a@b.c\History Spooler\x.eml";
        if BACKSLASH_NAMES {
            assert_eq!(
                spelled_parts(name),
                [
                    "Users",
                    "jdoe",
                    "AppData",
                    "Local",
                    "sip_a@b.c",
                    "History Spooler",
                    "x.eml"
                ]
            );
            assert_eq!(layout_name(r"sip_a@b.c\History Spooler"), "History Spooler");
            assert!(spells_a_path(r"a\b"));
            assert_eq!(
                spelled(Path::new(r"/case/flat/Users\jdoe\AppData/x")),
                Path::new("/case/flat/Users/jdoe/AppData/x")
            );
        } else {
            assert_eq!(spelled_parts(name), [name]);
            assert!(!spells_a_path(r"a\b"));
        }
        assert_eq!(spelled_parts("History Spooler"), ["History Spooler"]);
        assert_eq!(layout_name("plain"), "plain");
        assert_eq!(spelled(Path::new("/a/b")), Path::new("/a/b"));
    }

    /// `%XX` escapes in an address are decoded (any case of hex); a bare or broken `%`, bytes
    /// that are not UTF-8 text or decode to a control character leave the address as it is.
    #[test]
    fn percent_quoted_addresses() {
        assert_eq!(
            percent_decoded("jdoe%40contoso.com").as_deref(),
            Some("jdoe@contoso.com")
        );
        assert_eq!(
            percent_decoded("j%C3%B6rg%40b%2ec").as_deref(),
            Some("jörg@b.c")
        );
        for kept in [
            "jdoe@contoso.com",
            "a%4",
            "a%zz@b",
            "a%ff@b",
            "a%0a@b",
            "%",
            // Characters no Windows folder name holds, and `..` tricks (review wild9a d09).
            "a%2F..%2F..%2Fadmin%40contoso.com",
            "a%5Cb%40c",
            "a%3Ab%40c",
            "a%2Ab%40c",
            "a%3Fb%40c",
            "a%22b%40c",
            "a%3Cb%40c",
            "a%3Eb%40c",
            "a%7Cb%40c",
            "a%7fb%40c",
            "%2E%2E",
            "a%2E%2Eb%40c",
            "a%40c%2E",
            "a%40c%20",
        ] {
            assert_eq!(percent_decoded(kept), None, "{kept}");
        }
    }

    /// The note reads as one sentence: no run of spaces left by a string continuation (review
    /// wild9a d08).
    #[test]
    fn the_decoded_address_note_has_single_spaces() {
        assert!(
            !DECODED_ADDRESS_NOTE.contains("  "),
            "{DECODED_ADDRESS_NOTE}"
        );
        assert!(DECODED_ADDRESS_NOTE.contains("decoded (`%40` as `@`)"));
    }

    /// Every case variant of a folder is found, in name order; files of that name are not.
    #[cfg(unix)]
    #[test]
    fn child_dirs_in_any_case_are_all_found() {
        let t = tempfile::tempdir().expect("tempdir");
        for d in ["AppData", "appdata", "APPDATA"] {
            std::fs::create_dir(t.path().join(d)).expect("mkdir");
        }
        std::fs::write(t.path().join("AppDATA"), "x").expect("write");
        let found = child_dirs_ci(t.path(), APPDATA_DIR).expect("list");
        assert_eq!(
            found,
            ["APPDATA", "AppData", "appdata"].map(|d| t.path().join(d))
        );
        assert!(child_dirs_ci(&t.path().join("none"), "x")
            .expect("missing")
            .is_empty());
    }

    #[test]
    fn profile_folders() {
        let p = Path::new("/c/Users/jdoe");
        assert_eq!(
            local_appdata_of(p),
            Path::new("/c/Users/jdoe/AppData/Local")
        );
        assert_eq!(profile_tracing_of(p), Path::new("/c/Users/jdoe/Tracing"));
    }

    #[test]
    fn an_ancestor_names_the_generation_when_the_parent_does_not() {
        assert_eq!(
            client_of(Path::new("/u/Office/15.0/collected/sip_a@b.c")),
            ClientGen::Office15
        );
        assert_eq!(
            client_of(Path::new("/u/communicator/x/sip_a@b.c")),
            ClientGen::Lync2010
        );
        assert_eq!(
            client_of(Path::new("/u/16.00/Lync/sip_a@b.c")),
            ClientGen::Unknown
        );
    }
}
