//! Paths and layouts from collected cases: Windows zips unpacked with backslashes kept in the
//! names, nested spoolers, a file root spelled differently inside a folder root, a profile
//! skipped for permissions, and outputs that would share one file.

use crate::common::*;
use std::fs;
use std::path::{Path, PathBuf};

const MIME: &[u8] = b"From: jdoe@contoso.com\r\nTo: b@contoso.com\r\n\r\nx";

/// A flat folder of names holding `\` (what bsdtar or Python's zipfile make of a Windows zip):
/// the spooled file is an item of the account its name spells, the run says so once, and the
/// file is read at its real path.
#[cfg(unix)]
#[test]
fn backslash_names_are_read_as_the_layout_they_spell() {
    let t = tempfile::tempdir().expect("tempdir");
    let flat = t.path().join("flat");
    let lync = r"Users\jdoe\AppData\Local\Microsoft\Office\16.0\Lync";
    let item = flat.join(format!(
        r"{lync}\sip_jdoe@contoso.com\History Spooler\{{A1}}.eml"
    ));
    put(&item, MIME, 4 * 3600);
    // A file of the account folder that is not spooled: the account, no item.
    put(
        &flat.join(format!(r"{lync}\sip_other@contoso.com\GalContacts.db")),
        b"x",
        60,
    );
    let (v, code, stderr) = report_json(&[&flat], &[]);
    assert_eq!(code, 1, "{stderr}");
    let accounts = v["accounts"].as_array().expect("accounts");
    let jdoe = accounts
        .iter()
        .find(|a| a["address"] == "jdoe@contoso.com")
        .unwrap_or_else(|| panic!("{accounts:#?}"));
    assert_eq!(jdoe["profile"], "jdoe");
    assert_eq!(jdoe["client"], "16.0");
    assert!(
        accounts.iter().any(|a| a["address"] == "other@contoso.com"),
        "{accounts:#?}"
    );
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["path"], item.to_str().expect("utf8"), "real path");
    assert_eq!(items[0]["state"], "stuck");
    assert!(v["ignored"]
        .as_array()
        .expect("ignored")
        .iter()
        .all(|i| i["path"] != item.to_str().expect("utf8")));
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["path"], flat.to_str().expect("utf8"));
    assert!(notes[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("read as the Windows paths")));
    assert!(v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "spool-stuck" && f["account"] == "jdoe@contoso.com"));

    // The file named alone as a PATH: the same reading, and the note names it.
    let (v, code, stderr) = report_json(&[&item], &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(v["accounts"][0]["address"], "jdoe@contoso.com", "{v:#}");
    assert_eq!(v["summary"]["stuck"], 1);
    assert_eq!(v["notes"][0]["path"], item.to_str().expect("utf8"));
}

/// A folder whose name spells `sip_…\History Spooler` is that account's spooler; a tree with
/// no such name has no note.
#[cfg(unix)]
#[test]
fn a_folder_named_with_backslashes_is_the_spooler_it_spells() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = t.path().join(
        r"Users\mkim\AppData\Local\Microsoft\Office\15.0\Lync\sip_mkim@contoso.com\History Spooler",
    );
    put(&sp.join("a.eml"), MIME, 4 * 3600);
    let (v, _, stderr) = report_json(&[t.path()], &[]);
    let accounts = v["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 1, "{accounts:#?} {stderr}");
    assert_eq!(accounts[0]["address"], "mkim@contoso.com");
    assert_eq!(accounts[0]["profile"], "mkim");
    assert_eq!(accounts[0]["client"], "15.0");
    assert_eq!(accounts[0]["items"], 1);
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(1));

    let plain = tempfile::tempdir().expect("tempdir");
    put(
        &sip_dir(plain.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler/a.eml"),
        MIME,
        60,
    );
    let (v, _, _) = report_json(&[plain.path()], &[]);
    assert!(v.get("notes").is_none(), "no note without such names");
}

/// `History Spooler/History Spooler`: the inner folder is content of the outer spooler; its
/// files are the account's items and no `unknown (History Spooler)` account appears, whether
/// the walk starts above the account or at the inner folder.
#[test]
fn a_spooler_inside_a_spooler_is_content_of_the_outer_one() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "k", "16.0", "k@contoso.com").join("History Spooler");
    put(&sp.join("History Spooler/i.eml"), MIME, 4 * 3600);
    put(&sp.join("top.eml"), MIME, 4 * 3600);
    for root in [t.path().to_path_buf(), sp.join("History Spooler")] {
        let (v, _, stderr) = report_json(&[&root], &[]);
        let accounts = v["accounts"].as_array().expect("accounts");
        assert_eq!(accounts.len(), 1, "{root:?}: {accounts:#?} {stderr}");
        assert_eq!(accounts[0]["address"], "k@contoso.com");
        assert_eq!(
            accounts[0]["spooler"],
            sp.to_str().expect("utf8"),
            "{root:?}"
        );
        let paths: Vec<&str> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["path"].as_str())
            .collect();
        assert!(
            paths.iter().any(|p| p.ends_with("History Spooler/i.eml")),
            "{root:?}: {paths:?}"
        );
        assert!(
            v["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .filter(|s| s["kind"] == "spooler")
                .count()
                == 1,
            "one spooler source"
        );
    }
}

/// `--all-users` as a user who may not read one profile: the profile may hold a spooler, so
/// the report is not an all-clear: `scan-incomplete` names it (before, only an error line).
#[cfg(unix)]
#[test]
fn a_profile_skipped_for_permissions_makes_the_scan_incomplete() {
    use std::os::unix::fs::PermissionsExt;
    let t = shared_tempdir();
    let users = t.path().join("Users");
    // jdoe's spooler is empty (healthy); the locked profile is the only unknown.
    fs::create_dir_all(
        sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler"),
    )
    .expect("mkdir");
    let locked = users.join("locked");
    put(
        &sip_dir(t.path(), "locked", "16.0", "locked@contoso.com").join("History Spooler/a.eml"),
        MIME,
        4 * 3600,
    );
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    assert_unreadable_for_unprivileged(
        &locked.join(
            "AppData/Local/Microsoft/Office/16.0/Lync/sip_locked@contoso.com/History Spooler/a.eml",
        ),
        UNPRIVILEGED_UID,
    );
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
    let findings = v["findings"].as_array().expect("findings");
    let inc = findings
        .iter()
        .find(|f| f["rule"] == "scan-incomplete")
        .unwrap_or_else(|| panic!("no scan-incomplete: {findings:#?} {stderr}"));
    assert_eq!(inc["severity"], "warning");
    let ev = inc["evidence"].as_array().expect("evidence");
    assert!(
        ev.iter()
            .any(|e| e["path"] == locked.to_str().expect("utf8")
                && e["excerpt"]
                    .as_str()
                    .is_some_and(|x| x.contains("profile skipped: permission denied"))),
        "{ev:#?}"
    );
    assert_eq!(code, 1, "a warning is exit 1: {stderr}");
    assert_eq!(v["summary"]["errors"], 1, "{stderr}");
}

/// Two outputs of one run may not be one file: `bundle -o X --debug-log X` and `watch --output
/// X --debug-log X` are refused at once (exit 2, one line), also through a symbolic link and a
/// hard link, and nothing is written.
#[cfg(unix)]
#[test]
fn two_outputs_onto_one_file_are_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let case = t.path().join("case");
    put(
        &sip_dir(&case, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler/a.eml"),
        MIME,
        600,
    );
    let out = t.path().join("out");
    fs::create_dir_all(&out).expect("mkdir");
    let x = out.join("x.zip");
    let link = out.join("link.zip");
    std::os::unix::fs::symlink(&x, &link).expect("symlink");
    let run = |args: &[&std::ffi::OsStr]| {
        let o = bin()
            .args(args)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .expect("run");
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    for (what, second) in [("same name", &x), ("symbolic link", &link)] {
        for cmd in ["bundle", "watch"] {
            let flag = if cmd == "bundle" { "-o" } else { "--output" };
            let (code, stderr) = run(&[
                cmd.as_ref(),
                case.as_os_str(),
                flag.as_ref(),
                x.as_os_str(),
                "--debug-log".as_ref(),
                second.as_os_str(),
            ]);
            assert_eq!(code, 2, "{cmd} {what}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{cmd} {what}: {stderr}");
            assert!(stderr.contains("two outputs"), "{cmd} {what}: {stderr}");
            assert!(!x.exists(), "{cmd} {what}: nothing written");
        }
    }
    // A hard link of an existing output file (bundle --force would replace it).
    fs::write(&x, b"old").expect("write");
    let hard = out.join("hard.log");
    fs::hard_link(&x, &hard).expect("hard link");
    let (code, stderr) = run(&[
        "bundle".as_ref(),
        case.as_os_str(),
        "-o".as_ref(),
        x.as_os_str(),
        "--force".as_ref(),
        "--debug-log".as_ref(),
        hard.as_os_str(),
    ]);
    assert_eq!(code, 2, "hard link: {stderr}");
    assert!(stderr.contains("two outputs"), "{stderr}");
    assert_eq!(fs::read(&x).expect("read"), b"old", "untouched");
    // Two different files are fine.
    fs::remove_file(&x).expect("rm");
    let (code, stderr) = run(&[
        "bundle".as_ref(),
        case.as_os_str(),
        "-o".as_ref(),
        x.as_os_str(),
        "--debug-log".as_ref(),
        out.join("debug.log").as_os_str(),
        "--now".as_ref(),
        NOW.as_ref(),
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    assert!(x.exists() && out.join("debug.log").exists());
}

/// `report --format json` as `user` on host `ws1`, over a tree where `addr` has a stuck item in
/// `profile`'s spooler; the report is written to `out`.
fn report_as(tree: &Path, profile: &str, user: &str, addr: &str, now: &str, out: &Path) {
    put(
        &sip_dir(tree, profile, "16.0", addr).join("History Spooler/a.eml"),
        MIME,
        3600,
    );
    let o = bin()
        .env("COMPUTERNAME", "ws1")
        .env("USERNAME", user)
        .args(["report", "--format", "json", "--now", now])
        .arg(tree)
        .output()
        .expect("run");
    assert!(
        !o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    fs::write(out, &o.stdout).expect("write");
}

fn fleet_of(inputs: &[&Path]) -> serde_json::Value {
    let o = bin()
        .args(["fleet", "--format", "json"])
        .args(inputs)
        .output()
        .expect("run");
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

fn rows_of(v: &serde_json::Value) -> Vec<(String, String, String, u64)> {
    let mut rows: Vec<(String, String, String, u64)> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["host"].as_str().unwrap_or("-").to_string(),
                r["profile"].as_str().unwrap_or("-").to_string(),
                r["account"].as_str().unwrap_or("-").to_string(),
                r["stuck"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Two users of one host, each reporting on their own profile where one shared address is
/// signed in: both reports are kept (newest per host and user), one row per profile.
#[test]
fn fleet_keeps_two_users_of_one_host_apart() {
    let t = tempfile::tempdir().expect("tempdir");
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    let (ra, rb) = (t.path().join("alice.json"), t.path().join("bob.json"));
    report_as(&a, "alice", "alice", "shared@contoso.com", NOW, &ra);
    report_as(
        &b,
        "bob",
        "bob",
        "shared@contoso.com",
        "2026-03-02T14:05:00Z",
        &rb,
    );
    let v = fleet_of(&[&ra, &rb]);
    assert_eq!(
        rows_of(&v),
        [
            ("ws1".into(), "alice".into(), "shared@contoso.com".into(), 1),
            ("ws1".into(), "bob".into(), "shared@contoso.com".into(), 1),
        ],
        "{v:#}"
    );
    assert_eq!(v["hosts"], 1);
    let users: Vec<&str> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["user"].as_str())
        .collect();
    assert_eq!(users.len(), 2, "{users:?}");

    // One user's two reports: the newer still supersedes the older.
    let ra2 = t.path().join("alice2.json");
    report_as(
        &a,
        "alice",
        "alice",
        "shared@contoso.com",
        "2026-03-02T15:00:00Z",
        &ra2,
    );
    let v = fleet_of(&[&ra, &ra2, &rb]);
    assert_eq!(rows_of(&v).len(), 2, "{v:#}");
    assert!(v["notes"].as_array().expect("notes").iter().any(|n| n
        .as_str()
        .is_some_and(|n| n.contains("alice.json") && n.contains("superseded"))));
}

/// One `watch` stream file holding two users' streams from one host (and in each the same
/// address in another profile): one row per user's profile and account, none dropped.
#[test]
fn fleet_keeps_two_users_streams_from_one_host_apart() {
    let t = tempfile::tempdir().expect("tempdir");
    let line = |user: &str, kind: &str, time: &str, extra: &str| {
        format!(
            r#"{{"type":"{kind}","time":"{time}","host":"ws1","user":"{user}","profile":"{user}","account":"shared@contoso.com"{extra}}}"#
        )
    };
    let item = |user: &str| {
        format!(
            r#","item":{{"account":"shared@contoso.com","path":"/c/Users/{user}/AppData/Local/Microsoft/Office/16.0/Lync/sip_shared@contoso.com/History Spooler/a.eml","age_secs":600}}"#
        )
    };
    let finding =
        r#","finding":{"rule":"spool-stuck","severity":"warning","account":"shared@contoso.com"}"#;
    let mut text = String::new();
    for (user, t0) in [
        ("alice", "2026-03-02T14:00:00Z"),
        ("bob", "2026-03-02T14:01:00Z"),
    ] {
        text.push_str(&format!(
            "{{\"type\":\"scan-started\",\"time\":\"{t0}\",\"host\":\"ws1\",\"user\":\"{user}\"}}\n"
        ));
        text.push_str(&line(user, "item-stuck", t0, &item(user)));
        text.push('\n');
        text.push_str(&line(user, "finding-opened", t0, finding));
        text.push('\n');
    }
    let f = t.path().join("ws1.ndjson");
    fs::write(&f, text).expect("write");
    let v = fleet_of(&[&f]);
    assert_eq!(
        rows_of(&v),
        [
            ("ws1".into(), "alice".into(), "shared@contoso.com".into(), 1),
            ("ws1".into(), "bob".into(), "shared@contoso.com".into(), 1),
        ],
        "{v:#}"
    );
    for r in v["rows"].as_array().expect("rows") {
        assert_eq!(r["rules"]["spool-stuck"], 1, "{r}");
    }
}

const UCCAPI: &[u8] = b"03/02/2026|10:00:00.000 1F68:C14 ERROR :: POST https://mail.contoso.com/EWS/Exchange.asmx\r\nHTTP/1.1 401 Unauthorized\r\n";

/// A file root inside a folder root, spelled another way (`./D/x`, `D/../D/x`, absolute beside
/// relative, `D/./x`, `D//x`): read once with the folder, and no false "no record was read"
/// error nor `scan-incomplete` comes of the spelling.
#[test]
fn a_file_root_spelled_differently_inside_a_folder_root_is_no_error() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path().join("D");
    put(&d.join("x.UccApilog"), UCCAPI, 3600);
    let abs = d.join("x.UccApilog");
    for named in [
        "./D/x.UccApilog",
        "D/../D/x.UccApilog",
        "D/./x.UccApilog",
        "D//x.UccApilog",
        abs.to_str().expect("utf8"),
    ] {
        let (v, _, stderr) = json_of(
            bin()
                .current_dir(t.path())
                .args(["report", "D", named, "--format", "json", "--now", NOW]),
        );
        assert_eq!(v["summary"]["errors"], 0, "{named}: {stderr}");
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert!(!rules.contains(&"scan-incomplete"), "{named}: {rules:?}");
        assert!(rules.contains(&"ews-auth-failed"), "{named}: {rules:?}");
        let logs = v["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .filter(|s| s["kind"] == "uccapilog")
            .count();
        assert_eq!(logs, 1, "{named}: read once");
    }
}

/// A file PATH inside a folder PATH that holds nothing recognisable, named with another
/// spelling: one error line naming it, not also an `ignored` entry under the walk's spelling.
#[test]
fn an_unrecognised_file_root_spelled_differently_is_listed_once() {
    let t = tempfile::tempdir().expect("tempdir");
    put(&t.path().join("D/notes.txt"), b"meeting notes", 60);
    let (v, _, stderr) = json_of(bin().current_dir(t.path()).args([
        "report",
        "D",
        "./D/notes.txt",
        "--format",
        "json",
        "--now",
        NOW,
    ]));
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?} {stderr}");
    assert_eq!(errors[0]["path"], "./D/notes.txt");
    assert!(errors[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("no record was read")));
    assert_eq!(v["ignored"].as_array().map(Vec::len), Some(0), "{v:#}");
}

/// The other way round: a named input that could not be read, named with another spelling than
/// the folder root's walk found it under, still makes the scan incomplete.
#[cfg(unix)]
#[test]
fn a_fifo_named_with_another_spelling_still_makes_the_scan_incomplete() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path().join("D");
    fs::create_dir_all(&d).expect("mkdir");
    let fifo = d.join("pipe.UccApilog");
    assert!(tool(&["mkfifo".as_ref(), fifo.as_os_str()]), "mkfifo");
    let (v, code, stderr) = json_of(bin().current_dir(t.path()).args([
        "report",
        "D",
        "./D/pipe.UccApilog",
        "--format",
        "json",
        "--now",
        NOW,
    ]));
    assert_eq!(code, 1, "{stderr}");
    let inc = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "scan-incomplete")
        .unwrap_or_else(|| panic!("no scan-incomplete: {v:#}"))
        .clone();
    assert!(inc["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .any(|e| e["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("pipe.UccApilog"))));
}

/// Folders (not files) whose names spell a place inside a spooler: `…\History Spooler\sub`
/// and `…\History Spooler\History Spooler`, and the mixed form (a real `sip_*` folder holding
/// a folder named `History Spooler\History Spooler`). Each one's file is a stuck item of the
/// address the name spells; no `unknown (…)` account appears and nothing is ignored.
#[cfg(unix)]
#[test]
fn a_folder_named_inside_a_spooler_holds_that_accounts_items() {
    let lync = r"Users\a\AppData\Local\Microsoft\Office\16.0\Lync";
    for (n, folder) in [
        (0, format!(r"{lync}\sip_a@c.com\History Spooler\sub")),
        (
            1,
            format!(r"{lync}\sip_a@c.com\History Spooler\History Spooler"),
        ),
        (2, r"History Spooler\History Spooler".to_string()),
    ] {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = if n == 2 {
            sip_dir(t.path(), "a", "16.0", "a@c.com").join(&folder)
        } else {
            t.path().join(&folder)
        };
        put(&dir.join("a1.eml"), MIME, 4 * 3600);
        let (v, code, stderr) = report_json(&[t.path()], &[]);
        assert_eq!(code, 1, "{folder}: {stderr}");
        let accounts = v["accounts"].as_array().expect("accounts");
        assert_eq!(accounts.len(), 1, "{folder}: {accounts:#?}");
        assert_eq!(accounts[0]["address"], "a@c.com", "{folder}");
        assert_eq!(accounts[0]["client"], "16.0", "{folder}");
        assert_eq!(accounts[0]["profile"], "a", "{folder}");
        assert_eq!(accounts[0]["items"], 1, "{folder}");
        let items = v["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{folder}: {items:#?}");
        assert_eq!(items[0]["state"], "stuck", "{folder}");
        assert_eq!(v["ignored"].as_array().map(Vec::len), Some(0), "{folder}");
    }
}

/// A spooled item named as a file PATH beside its folder (and a flat backslash-named item
/// named alone) is read as an item, and is not also "named as a PATH but no record was read":
/// a pending item gives no error, no `spool-unreadable` or `scan-incomplete`, and exit 0.
#[test]
fn a_spooled_item_named_as_a_path_is_not_reported_unread() {
    let t = tempfile::tempdir().expect("tempdir");
    let users = t.path().join("Users");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    let fresh = sp.join("fresh.eml");
    put(&fresh, MIME, 30);
    // (On Windows the flat name is a real nested path: the same item.)
    let flat = t.path().join("z").join(
        r"Users\jdoe\AppData\Local\Microsoft\Office\16.0\Lync\sip_jdoe@contoso.com\History Spooler\{A1}.eml",
    );
    put(&flat, MIME, 30);
    let cases = [
        vec![users.clone(), fresh.clone()],
        vec![fresh.clone()],
        vec![flat],
    ];
    for roots in cases {
        let refs: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
        let (v, code, stderr) = report_json(&refs, &[]);
        assert_eq!(
            v["errors"].as_array().map(Vec::len),
            Some(0),
            "{roots:?}: {stderr}"
        );
        let items = v["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{roots:?}: {items:#?}");
        assert_eq!(items[0]["state"], "pending", "{roots:?}");
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert!(!rules.contains(&"spool-unreadable"), "{roots:?}: {rules:?}");
        assert!(!rules.contains(&"scan-incomplete"), "{roots:?}: {rules:?}");
        assert_eq!(code, 0, "{roots:?}: {rules:?} {stderr}");
    }
}

/// Two machines' copies of one profile (`hostA/Users/jdoe`, `hostB/Users/jdoe`, one address):
/// the log in hostA's own `16.0\Lync\Tracing` is hostA's account's (source account set, the
/// 401 finding names hostA's account folder), and only hostB's account lacks a trace log.
#[test]
fn two_hosts_copies_of_one_profile_keep_their_own_logs() {
    let t = tempfile::tempdir().expect("tempdir");
    let (a, b) = (t.path().join("hostA"), t.path().join("hostB"));
    let sip_a = sip_dir(&a, "jdoe", "16.0", "jdoe@contoso.com");
    let sip_b = sip_dir(&b, "jdoe", "16.0", "jdoe@contoso.com");
    for s in [&sip_a, &sip_b] {
        put(&s.join("History Spooler/x.eml"), MIME, 4 * 3600);
    }
    let log = sip_a
        .parent()
        .expect("Lync")
        .join("Tracing/Lync-UccApi-0.UccApilog");
    put(&log, UCCAPI, 3600);
    let (v, _, stderr) = report_json(&[&a, &b], &[]);
    let src = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["kind"] == "uccapilog")
        .unwrap_or_else(|| panic!("{v:#} {stderr}"))
        .clone();
    assert_eq!(src["account"], "jdoe@contoso.com", "{src:#}");
    let findings = v["findings"].as_array().expect("findings");
    let dir_of = |rule: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["account_dir"].as_str().unwrap_or("none").to_string())
            .collect()
    };
    assert_eq!(
        dir_of("ews-auth-failed"),
        [sip_a.to_str().expect("utf8")],
        "{findings:#?}"
    );
    assert_eq!(
        dir_of("tracing-missing"),
        [sip_b.to_str().expect("utf8")],
        "{findings:#?}"
    );
}

/// `tracing-missing` is decided per account: one address's 15.0 and 16.0 folders, a log only in
/// 16.0's `Tracing`: the 15.0 account (and only it) has no trace log.
#[test]
fn tracing_missing_is_decided_per_account_not_per_address() {
    let t = tempfile::tempdir().expect("tempdir");
    let s15 = sip_dir(t.path(), "jdoe", "15.0", "jdoe@contoso.com");
    let s16 = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
    for s in [&s15, &s16] {
        put(&s.join("History Spooler/x.eml"), MIME, 4 * 3600);
    }
    put(
        &s16.parent()
            .expect("Lync")
            .join("Tracing/Lync-UccApi-0.UccApilog"),
        UCCAPI,
        3600,
    );
    let (v, _, stderr) = report_json(&[t.path()], &[]);
    let missing: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "tracing-missing")
        .filter_map(|f| f["account_dir"].as_str())
        .collect();
    assert_eq!(missing, [s15.to_str().expect("utf8")], "{stderr}");
}
