//! Profile enumeration and path shapes that Windows workstations and collected cases have:
//! `--all-users` skipping folders that are not people, paths far over MAX_PATH, and which
//! folder a path shows as its profile.

use crate::common::*;
use std::fs;

fn spooled(root: &std::path::Path, user: &str, addr: &str) {
    let sp = sip_dir(root, user, "16.0", addr).join("History Spooler");
    put(
        &sp.join("stuck.xml"),
        create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
        900,
    );
}

#[test]
fn all_users_skips_default_public_and_all_users() {
    let t = tempfile::tempdir().expect("tempdir");
    let users = t.path().join("Users");
    spooled(t.path(), "jdoe", "jdoe@contoso.com");
    spooled(t.path(), "mkim", "mkim@contoso.com");
    // Folders under Users that are not people, even when they hold a spooler.
    for not_a_person in [
        "Default",
        "Default User",
        "Public",
        "All Users",
        "defaultuser0",
    ] {
        spooled(t.path(), not_a_person, "ghost@contoso.com");
    }
    fs::write(users.join("desktop.ini"), b"[.ShellClassInfo]").expect("write");
    // A profile without AppData\Local (never signed in) is not an error.
    fs::create_dir_all(users.join("newhire")).expect("mkdir");

    let (v, code, stderr) = report_json(
        &[],
        &[
            "--all-users",
            "--profiles-root",
            users.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let mut addrs: Vec<&str> = v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["address"].as_str().expect("address"))
        .collect();
    addrs.sort();
    assert_eq!(addrs, ["jdoe@contoso.com", "mkim@contoso.com"]);
    assert_eq!(v["summary"]["errors"], 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// A profile the engineer may not read is one line in the report, not the end of the scan. The
/// binary runs as an unprivileged user (as root, through `setpriv`), so the permission really
/// stops it; a run that cannot drop privileges fails rather than testing nothing.
#[cfg(unix)]
#[test]
fn unreadable_profile_is_one_line_not_a_crash() {
    use std::os::unix::fs::PermissionsExt;
    let t = shared_tempdir();
    let users = t.path().join("Users");
    spooled(t.path(), "jdoe", "jdoe@contoso.com");
    spooled(t.path(), "locked", "locked@contoso.com");
    let locked = users.join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    assert_unreadable_for_unprivileged(&locked.join("AppData/Local/Microsoft/Office/16.0/Lync/sip_locked@contoso.com/History Spooler/stuck.xml"), UNPRIVILEGED_UID);
    let (v, code, stderr) = json_of(
        unprivileged_bin(UNPRIVILEGED_UID)
            .args([
                "report",
                "--format",
                "json",
                "--now",
                NOW,
                "--all-users",
                "--profiles-root",
            ])
            .arg(&users),
    );
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(code, 1, "{stderr}");
    let accounts = v["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 1, "{accounts:#?}");
    assert_eq!(accounts[0]["address"], "jdoe@contoso.com");
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]["message"]
            .as_str()
            .expect("message")
            .contains("profile skipped: permission denied"),
        "{errors:?}"
    );
    assert!(errors[0]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("locked")));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn spooler_deeper_than_max_path_is_found() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut case = t.path().join("case-1234");
    for i in 0..10 {
        case.push(format!("collected-from-the-file-server-part-{i:02}"));
    }
    spooled(&case, "jdoe", "jdoe@contoso.com");
    let (v, code, stderr) = report_json(&[&case], &[]);
    assert_eq!(code, 1, "{stderr}");
    let item = &v["items"][0];
    let path = item["path"].as_str().expect("path");
    assert!(path.len() > 400, "{path}");
    assert_eq!(item["stuck"], true);
    assert_eq!(item["profile"], "jdoe");
    assert_eq!(v["accounts"][0]["address"], "jdoe@contoso.com");
}

/// A Lync 2010 trace log (`%USERPROFILE%\Tracing`), naming no address.
const LOG_2010: &str = "03/02/2026|13:50:00.417 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx\r\n\
03/02/2026|13:50:00.981 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n";

fn named<'a>(
    v: &'a serde_json::Value,
    list: &str,
    key: &str,
    value: &str,
) -> &'a serde_json::Value {
    v[list]
        .as_array()
        .expect(list)
        .iter()
        .find(|x| x[key].as_str().is_some_and(|s| s.contains(value)))
        .unwrap_or_else(|| panic!("no {value} in {list}: {:#}", v[list]))
}

/// Profiles unpacked where a folder named `Users` lies above them (a Mac's
/// `/Users/<engineer>/Downloads`, a share's `Users\<engineer>`): each account's profile is the
/// folder holding its `AppData`, not the engineer's login, and a Lync 2010 log in
/// `<profile>\Tracing` shows the same profile, so it is matched to that profile's account.
#[test]
fn profiles_under_a_users_folder_of_the_engineer_keep_their_own_names() {
    let t = tempfile::tempdir().expect("tempdir");
    let case = t.path().join("Users/engineer/Downloads/case-1234");
    for user in ["jdoe", "mkim"] {
        let sp = case
            .join(user)
            .join("AppData/Local/Microsoft/Communicator")
            .join(format!("sip_{user}@contoso.com/History Spooler"));
        put(
            &sp.join("stuck.xml"),
            create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
            900,
        );
    }
    put(
        &case.join("jdoe/Tracing/Communicator-uccapi-0.uccapilog"),
        LOG_2010.as_bytes(),
        0,
    );
    let (v, code, stderr) = report_json(&[&case], &["--log-tz", "UTC"]);
    assert_eq!(code, 1, "{stderr}");
    for user in ["jdoe", "mkim"] {
        let a = named(&v, "accounts", "address", &format!("{user}@contoso.com"));
        assert_eq!(a["profile"], user, "{a:#}");
        assert_eq!(a["client"], "2010", "{a:#}");
    }
    let s = named(&v, "sources", "path", "Communicator-uccapi-0.uccapilog");
    assert_eq!(s["profile"], "jdoe", "{s:#}");
    assert_eq!(s["account"], "jdoe@contoso.com", "{s:#}");
    let missing: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "tracing-missing")
        .filter_map(|f| f["account"].as_str())
        .collect();
    assert_eq!(missing, ["mkim@contoso.com"], "{:#}", v["findings"]);
}

/// `--all-users` with a profiles folder not named `Users`, below the engineer's own `Users`
/// folder: a profile walked whole (no `AppData\Local`) is still that profile, for its account
/// and for the log in its `Tracing` folder.
#[test]
fn all_users_profiles_are_named_by_the_profiles_folder() {
    let t = tempfile::tempdir().expect("tempdir");
    let profiles = t.path().join("Users/engineer/case/profiles");
    let jdoe = profiles.join("jdoe");
    put(
        &jdoe.join("Lync/sip_jdoe@contoso.com/History Spooler/stuck.xml"),
        create_item("rlee@contoso.com", "s", "IPM.Note").as_bytes(),
        900,
    );
    put(
        &jdoe.join("Tracing/Communicator-uccapi-0.uccapilog"),
        LOG_2010.as_bytes(),
        0,
    );
    let (v, code, stderr) = report_json(
        &[],
        &[
            "--log-tz",
            "UTC",
            "--all-users",
            "--profiles-root",
            profiles.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let a = named(&v, "accounts", "address", "jdoe@contoso.com");
    assert_eq!(a["profile"], "jdoe", "{a:#}");
    let s = named(&v, "sources", "path", "Communicator-uccapi-0.uccapilog");
    assert_eq!(s["profile"], "jdoe", "{s:#}");
    assert_eq!(s["account"], "jdoe@contoso.com", "{s:#}");
}
