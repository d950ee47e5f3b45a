//! Review wild9a, discovery: a PATH that is or goes through a link is read as the folder it
//! leads to (its layout, client and profile), a link whose target a PATH reads is not unread,
//! `--all-users` reads every case variant of `AppData\Local`, a folder inside a spooler stands
//! for the whole spooler, and `%XX` decodes to no name a Windows folder cannot have.

use crate::common::*;
#[cfg(unix)]
use std::fs;

const MIME: &[u8] = b"From: u@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s\r\n\r\nx\r\n";

fn items(v: &serde_json::Value) -> usize {
    v["items"].as_array().map_or(usize::MAX, Vec::len)
}

#[cfg(unix)]
fn accounts(v: &serde_json::Value) -> Vec<(String, String, String)> {
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("-").to_string();
    v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| (s(&a["address"]), s(&a["client"]), s(&a["profile"])))
        .collect()
}

/// `--all-users` on a copy holding both `AppData\Local` and `appdata\local`: both are read,
/// so the spooler in the second is not lost (review wild9a d01).
#[cfg(unix)]
#[test]
fn all_users_reads_every_case_variant_of_appdata_local() {
    let t = tempfile::tempdir().expect("tempdir");
    let users = t.path().join("Users");
    put(&users.join("dave/AppData/Local/Temp/x.txt"), b"x", 0);
    put(
        &users.join(
            "dave/appdata/local/Microsoft/Office/16.0/Lync/sip_dave@contoso.com/History Spooler/{A1}.eml",
        ),
        MIME,
        30 * 86400,
    );
    let (v, code, stderr) = report_json(
        &[],
        &[
            "--all-users",
            "--profiles-root",
            users.to_str().expect("utf8"),
        ],
    );
    assert_eq!(items(&v), 1, "{stderr} {v:#}");
    assert_eq!(code, 1, "{v:#}");
    assert!(rules(&v).contains(&"spool-stuck"), "{v:#}");
}

/// A PATH typed inside a spooler that is a link leading out of it (`History Spooler/up -> ..`)
/// is the folder it leads to, not spooler content; a link named `History Spooler` that leads
/// to a profile is that profile, its real account listed (review wild9a d11).
#[cfg(unix)]
#[test]
fn a_link_typed_as_or_inside_a_spooler_is_the_folder_it_leads_to() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "u", "16.0", "u@contoso.com");
    let sp = sip.join("History Spooler");
    put(&sp.join("{A1}.eml"), MIME, 30 * 86400);
    put(&sip.join("GalContacts.db"), b"db", 30 * 86400);
    put(&sip.join("Tracing/notes.txt"), b"notes", 30 * 86400);
    std::os::unix::fs::symlink("..", sp.join("up")).expect("symlink");
    fs::create_dir_all(t.path().join("case")).expect("mkdir");
    let spooler_link = t.path().join("case/History Spooler");
    std::os::unix::fs::symlink(t.path().join("Users/u"), &spooler_link).expect("symlink");
    for root in [sip.clone(), sp.join("up"), spooler_link] {
        let (v, _, stderr) = report_json(&[&root], &[]);
        assert_eq!(items(&v), 1, "{root:?}: {stderr} {v:#}");
        assert_eq!(
            accounts(&v),
            [("u@contoso.com".into(), "16.0".into(), "u".into())],
            "{root:?}"
        );
    }
}

/// A PATH that is a link to a `Lync` folder or to a profile names its accounts from the
/// folder it leads to: client and profile as by the real path, not `unknown` or the link's
/// name (review wild9a d04).
#[cfg(unix)]
#[test]
fn a_linked_path_names_client_and_profile_from_its_target() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "u", "16.0", "u@contoso.com");
    put(&sip.join("History Spooler/{A1}.eml"), MIME, 30 * 86400);
    let lync = sip.parent().expect("Lync");
    // The client's trace log beside the account: its own, so no `tracing-missing`.
    put(
        &lync.join("Tracing/Lync-UccApi-0.UccApilog"),
        b"03/02/2026|12:00:00.000 1F68:C14 INFO  :: Signing in\r\n03/02/2026|12:00:01.000 1F68:C14 WARN  :: Autodiscover GET https://autodiscover.contoso.com/autodiscover/autodiscover.svc HTTP/1.1 503 Service Unavailable\r\n",
        0,
    );
    std::os::unix::fs::symlink(lync, t.path().join("lync-link")).expect("symlink");
    std::os::unix::fs::symlink(t.path().join("Users/u"), t.path().join("case-link"))
        .expect("symlink");
    for root in [
        lync.to_path_buf(),
        t.path().join("lync-link"),
        t.path().join("case-link"),
    ] {
        let (v, _, stderr) = report_json(&[&root], &[]);
        assert_eq!(
            accounts(&v),
            [("u@contoso.com".into(), "16.0".into(), "u".into())],
            "{root:?}: {stderr}"
        );
        assert!(!rules(&v).contains(&"tracing-missing"), "{root:?}: {v:#}");
    }
}

/// A redirected `Lync` folder (a link) is `scan-incomplete` alone; with its target (or the
/// link itself) also a PATH, it was read: a note, no warning, exit 0 (review wild9a d07).
#[cfg(unix)]
#[test]
fn a_link_whose_target_is_a_path_is_not_unread() {
    let t = tempfile::tempdir().expect("tempdir");
    let office = t.path().join("Users/u/AppData/Local/Microsoft/Office/16.0");
    let target = t.path().join("D/LyncRedirect");
    fs::create_dir_all(&office).expect("mkdir");
    fs::create_dir_all(target.join("sip_u@contoso.com/History Spooler")).expect("mkdir");
    std::os::unix::fs::symlink(&target, office.join("Lync")).expect("symlink");
    let users = t.path().join("Users");
    let (v, code, _) = report_json(&[&users], &[]);
    assert_eq!(code, 1, "{v:#}");
    assert!(rules(&v).contains(&"scan-incomplete"), "{v:#}");
    for second in [target.clone(), office.join("Lync")] {
        let (v, code, stderr) = report_json(&[&users, &second], &[]);
        assert!(!rules(&v).contains(&"scan-incomplete"), "{second:?}: {v:#}");
        assert_eq!(code, 0, "{second:?}: {stderr} {v:#}");
        assert!(
            v["notes"].to_string().contains("leads to is read"),
            "{second:?}: {v:#}"
        );
    }
}

/// A folder inside a spooler stands for the whole spooler, as `watch` lists it: both items,
/// also the one outside the folder, and once with two such folders (review wild9a d12).
#[test]
fn a_folder_inside_a_spooler_reads_the_whole_spooler() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("{A1}.eml"), MIME, 30 * 86400);
    put(&sp.join("sub/{B1}.eml"), MIME, 30 * 86400);
    put(&sp.join("sub2/{C1}.eml"), MIME, 30 * 86400);
    let (v, _, stderr) = report_json(&[&sp.join("sub")], &[]);
    assert_eq!(items(&v), 3, "{stderr} {v:#}");
    let (v, _, _) = report_json(&[&sp.join("sub"), &sp.join("sub2")], &[]);
    assert_eq!(items(&v), 3, "{v:#}");
}

/// `%XX` that decodes to a character no Windows folder name holds (`/`, `:`…) or to `..`
/// leaves the account folder's name as it is (review wild9a d09).
#[cfg(unix)]
#[test]
fn percent_escapes_never_decode_to_path_characters() {
    let t = tempfile::tempdir().expect("tempdir");
    put(
        &t.path()
            .join("sip_a%2F..%2F..%2Fadmin%40contoso.com/History Spooler/{A1}.eml"),
        MIME,
        30 * 86400,
    );
    let (v, _, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(
        v["accounts"][0]["address"], "a%2F..%2F..%2Fadmin%40contoso.com",
        "{stderr}"
    );
}
