//! A `History Spooler` that cannot be listed (access denied on it or on its `sip_*` folder, or
//! a spooler that is a link) is `spool-unreadable`, never "spooler empty: healthy": the run
//! exits 1 under the default `--fail-on`. The permission cases run the binary unprivileged
//! (as root, through `setpriv`).

use crate::common::*;
#[cfg(unix)]
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
#[cfg(unix)]
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

/// The `scan-incomplete` finding of a JSON report, if any.
fn incomplete(v: &serde_json::Value) -> Option<&serde_json::Value> {
    v["findings"]
        .as_array()?
        .iter()
        .find(|f| f["rule"] == "scan-incomplete")
}

/// A named input that could not be read (a FIFO, a dangling link, a link not followed) is
/// `scan-incomplete` naming it, exit 1: never the clean 0 of "nothing found".
#[cfg(unix)]
#[test]
fn a_named_input_that_was_not_read_is_never_a_clean_exit() {
    let t = tempfile::tempdir().expect("tempdir");
    let fifo = t.path().join("fifo");
    assert!(
        tool(&["mkfifo".as_ref(), fifo.as_os_str()]),
        "mkfifo must run"
    );
    let log = t.path().join("Lync-UccApi-0.UccApilog");
    fs::write(
        &log,
        b"03/02/2026|10:00:00.000 1F68:C14 INFO :: nothing to see\r\n",
    )
    .expect("write");
    let link = t.path().join("link.UccApilog");
    std::os::unix::fs::symlink(&log, &link).expect("symlink");
    let dangling = t.path().join("gone.UccApilog");
    std::os::unix::fs::symlink(t.path().join("missing"), &dangling).expect("symlink");
    for (flag, path) in [
        (Some("--log"), &fifo),
        (None, &fifo),
        (Some("--log"), &link),
        (None, &link),
    ] {
        let mut c = bin();
        c.arg("report");
        if let Some(f) = flag {
            c.arg(f);
        }
        c.arg(path)
            .args(["--format", "json", "--now", NOW, "--log-tz", "UTC"]);
        let (v, code, stderr) = json_of(&mut c);
        let what = format!("{flag:?} {}", path.display());
        assert_eq!(code, 1, "{what}: {stderr}\n{v:#}");
        let f = incomplete(&v).unwrap_or_else(|| panic!("{what}: {v:#}"));
        assert_eq!(f["severity"], "warning");
        assert!(
            f["evidence"]
                .as_array()
                .expect("evidence")
                .iter()
                .any(|e| e["path"].as_str() == Some(path.to_str().expect("utf-8"))),
            "{what}: {f:#}"
        );
    }
    // A dangling link named with --log is a file that does not exist: the usage error, 2.
    let out = bin()
        .arg("report")
        .arg("--log")
        .arg(&dangling)
        .args(["--now", NOW])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    // As a PATH next to one that is read, it is named by `scan-incomplete`.
    let empty = t.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    let (v, code, stderr) = report_json(&[&empty, &dangling], &[]);
    assert_eq!(code, 1, "{stderr}\n{v:#}");
    let f = incomplete(&v).unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        f["evidence"][0]["path"].as_str(),
        Some(dangling.to_str().expect("utf-8"))
    );
    // The same log read through its own name: no such finding, exit 0.
    let (v, code, stderr) = report_json(
        &[],
        &["--log", log.to_str().expect("utf-8"), "--log-tz", "UTC"],
    );
    assert_eq!(code, 0, "{stderr}\n{v:#}");
    assert!(incomplete(&v).is_none(), "{v:#}");
}

/// A folder the walk could not reach (deeper than the depth limit) may hide a spooler: the run
/// says the scan is incomplete and exits 1.
#[test]
fn a_folder_past_the_depth_limit_makes_the_scan_incomplete() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut deep = t.path().join("case");
    for i in 0..50 {
        deep.push(format!("l{i}"));
    }
    tree(&deep);
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{stderr}\n{v:#}");
    assert_eq!(v["accounts"].as_array().map(Vec::len), Some(0), "{v:#}");
    let f = incomplete(&v).unwrap_or_else(|| panic!("{v:#}"));
    assert!(
        f["evidence"][0]["excerpt"]
            .as_str()
            .is_some_and(|m| m.contains("deeper than 48 levels")),
        "{f:#}"
    );
    // Scanned from a root nearer the spooler, the same tree is read whole: no such finding.
    let (v, code, stderr) = report_json(&[&deep], &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(incomplete(&v).is_none(), "{v:#}");
    assert_eq!(v["summary"]["stuck"], 1, "{v:#}");
}

/// A `Lync` folder that cannot be listed hides every account in it: `scan-incomplete`, exit 1.
#[cfg(unix)]
#[test]
fn a_lync_folder_that_cannot_be_listed_makes_the_scan_incomplete() {
    use std::os::unix::fs::PermissionsExt;
    let t = shared_tempdir();
    let sip = tree(t.path());
    let lync = sip.parent().expect("Lync").to_path_buf();
    fs::set_permissions(&lync, fs::Permissions::from_mode(0o000)).expect("chmod");
    assert_unreadable_for_unprivileged(&sip.join("History Spooler/stuck.eml"), UNPRIVILEGED_UID);
    let (v, code, stderr) = json_of(
        unprivileged_bin(UNPRIVILEGED_UID)
            .arg("report")
            .arg(t.path())
            .args(["--format", "json", "--now", NOW]),
    );
    fs::set_permissions(&lync, fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(code, 1, "{stderr}\n{v:#}");
    let f = incomplete(&v).unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        f["evidence"][0]["path"].as_str(),
        Some(lync.to_str().expect("utf-8"))
    );
}
