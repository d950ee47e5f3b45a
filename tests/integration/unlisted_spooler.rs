//! A `History Spooler` that cannot be listed (access denied on it or on its `sip_*` folder, or
//! a spooler that is a link) is `spool-unreadable`, never "spooler empty: healthy": the run
//! exits 1 under the default `--fail-on`. The permission cases run the binary unprivileged
//! (as root, through `setpriv`).

use crate::common::*;
use std::fs;
use std::path::Path;

const MIME: &[u8] = b"From: jdoe@contoso.com\r\nTo: b@contoso.com\r\nSubject: hi\r\n\r\nbody\r\n";

/// A tree with one 4-hour-old spooled item; returns the `sip_*` folder.
fn tree(root: &Path) -> std::path::PathBuf {
    let sip = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com");
    put(&sip.join("History Spooler/stuck.eml"), MIME, 4 * 3600);
    sip
}

/// Assert the report (text and JSON) says the spooler is not analysed and exits 1.
fn assert_not_healthy(mut text: assert_cmd::Command, mut json: assert_cmd::Command) {
    let out = text.output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains("empty: healthy"), "{stdout}");
    assert!(stdout.contains("not healthy"), "{stdout}");
    assert!(!stdout.contains("no History Spooler folder"), "{stdout}");
    assert!(stdout.contains("spool-unreadable"), "{stdout}");
    let (v, code, stderr) = json_of(&mut json);
    assert_eq!(code, 1, "{stderr}");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "spool-unreadable")
        .unwrap_or_else(|| panic!("no spool-unreadable: {v:#}"));
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["account"], "jdoe@contoso.com");
    assert_eq!(v["accounts"][0]["unanalysed"], 1, "{v:#}");
}

#[cfg(unix)]
#[test]
fn a_spooler_or_account_folder_that_cannot_be_listed_is_not_healthy() {
    use std::os::unix::fs::PermissionsExt;
    for locked in ["spooler", "sip"] {
        let t = shared_tempdir();
        let sip = tree(t.path());
        let dir = match locked {
            "spooler" => sip.join("History Spooler"),
            _ => sip.clone(),
        };
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o000)).expect("chmod");
        assert_unreadable_for_unprivileged(
            &sip.join("History Spooler/stuck.eml"),
            UNPRIVILEGED_UID,
        );
        let run = |json: bool| {
            let mut c = unprivileged_bin(UNPRIVILEGED_UID);
            c.arg("report").arg(t.path()).args(["--now", NOW]);
            if json {
                c.args(["--format", "json"]);
            }
            c
        };
        assert_not_healthy(run(false), run(true));
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

#[cfg(unix)]
#[test]
fn a_spooler_that_is_a_link_is_not_followed_and_not_healthy() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
    fs::create_dir_all(&sip).expect("mkdir");
    let elsewhere = t.path().join("redirected/History Spooler");
    put(&elsewhere.join("stuck.eml"), MIME, 4 * 3600);
    std::os::unix::fs::symlink(&elsewhere, sip.join("History Spooler")).expect("symlink");
    let run = |json: bool| {
        let mut c = bin();
        c.arg("report")
            .arg(t.path().join("Users"))
            .args(["--now", NOW]);
        if json {
            c.args(["--format", "json"]);
        }
        c
    };
    assert_not_healthy(run(false), run(true));
    // Not followed: the linked file is not an item.
    let (v, _, _) = json_of(&mut run(true));
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0), "{v:#}");
}
