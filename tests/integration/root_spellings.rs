//! Review wild8s, discovery: the layout (spooler, account) decided on the folder a PATH names,
//! not on its spelling (`.`, `..`, a link); links on the client's route and linked or odd-case
//! profiles never end in a silent exit 0; names altered in transit (`%20`, `%40`) in flat
//! backslash names and account folders.

use crate::common::*;
#[cfg(unix)]
use std::fs;
use std::path::Path;

#[cfg(unix)]
const MIME: &[u8] = b"From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s\r\n\r\nx\r\n";

/// `report --format json --now NOW <args>` run in `dir`.
fn report_in(dir: &Path, args: &[&str]) -> (serde_json::Value, i32, String) {
    json_of(
        bin()
            .current_dir(dir)
            .args(["report", "--format", "json", "--now", NOW])
            .args(args),
    )
}

fn addresses(v: &serde_json::Value) -> Vec<String> {
    v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["address"].as_str().map(str::to_string))
        .collect()
}

/// A spooler named as `.`, `..` or a link with a trailing slash, or one of its items named
/// alone by a relative path, is that spooler: its stuck item is reported (exit 1), as when the
/// spooler is typed by its name (review wild8s d03).
#[cfg(unix)]
#[test]
fn a_spooler_named_by_dot_dotdot_or_a_link_is_the_spooler() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(&sp.join("{A1}.eml"), MIME, 30 * 86400);
    fs::create_dir_all(sp.join("sub")).expect("mkdir");
    fs::write(sp.join("sub/keep.txt"), "x").expect("write");
    std::os::unix::fs::symlink(&sp, t.path().join("spooler-link")).expect("symlink");
    let spooler = sp.to_str().expect("utf8");
    for (dir, args) in [
        (sp.clone(), vec!["."]),
        (sp.join("sub"), vec![".."]),
        (t.path().to_path_buf(), vec!["spooler-link/"]),
        (sp.clone(), vec![".", spooler]),
        (sp.clone(), vec!["./{A1}.eml"]),
    ] {
        let (v, code, stderr) = report_in(&dir, &args);
        assert_eq!(code, 1, "{args:?}: {stderr} {v:#}");
        assert!(rules(&v).contains(&"spool-stuck"), "{args:?}: {v:#}");
        assert_eq!(addresses(&v), ["jdoe@contoso.com"], "{args:?}");
        assert_eq!(v["accounts"][0]["profile"], "jdoe", "{args:?}");
        assert!(
            v["ignored"]
                .as_array()
                .expect("ignored")
                .iter()
                .all(|i| !i["path"].as_str().is_some_and(|p| p.ends_with(".eml"))),
            "{args:?}: {v:#}"
        );
    }
}

/// `report .` inside a `sip_*` folder (or `..` from its spooler) names the account by its
/// address, so the rules on its domain still speak (review wild8s d04).
#[test]
fn a_sip_folder_named_by_dot_keeps_its_address() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
    put(
        &sip.join("History Spooler/{A1}.xml"),
        create_item("partner@fabrikam.com", "s", "IPM.Note").as_bytes(),
        30 * 86400,
    );
    for (dir, arg) in [(sip.clone(), "."), (sip.join("History Spooler"), "..")] {
        let (v, _, stderr) = report_in(&dir, &[arg]);
        assert_eq!(addresses(&v), ["jdoe@contoso.com"], "{arg}: {stderr}");
        assert_eq!(v["accounts"][0]["client"], "16.0", "{arg}");
        assert!(rules(&v).contains(&"federated-recipient"), "{arg}: {v:#}");
    }
}

/// A `sip_*` folder or a `Lync` folder that is a link is not followed, and says so in the exit
/// code: the account's spooler is `spool-unreadable`, the folder `scan-incomplete` (review
/// wild8s d12).
#[cfg(unix)]
#[test]
fn a_link_on_the_client_route_is_never_a_clean_exit() {
    for linked in ["sip", "lync"] {
        let t = tempfile::tempdir().expect("tempdir");
        let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
        let elsewhere = t.path().join("D");
        let target = match linked {
            "sip" => elsewhere.join("sip_jdoe@contoso.com"),
            _ => elsewhere.join("Lync/sip_jdoe@contoso.com"),
        };
        put(&target.join("History Spooler/{A1}.eml"), MIME, 30 * 86400);
        let link = match linked {
            "sip" => sip.clone(),
            _ => sip.parent().expect("Lync").to_path_buf(),
        };
        fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(
            target
                .ancestors()
                .nth(usize::from(linked != "sip"))
                .expect("t"),
            &link,
        )
        .expect("symlink");
        let (v, code, stderr) = report_json(&[&t.path().join("Users")], &[]);
        assert_eq!(code, 1, "{linked}: {stderr} {v:#}");
        let expected = match linked {
            "sip" => "spool-unreadable",
            _ => "scan-incomplete",
        };
        assert!(rules(&v).contains(&expected), "{linked}: {v:#}");
        if linked == "sip" {
            assert_eq!(addresses(&v), ["jdoe@contoso.com"]);
        }
    }
}

/// `--all-users`: a profile that is a link to a folder is scanned; one whose folders came out
/// in another case (`appdata/local`) is too; one with no `AppData\Local` at all is walked whole.
/// None is dropped without a word (review wild8s d02, d11).
#[cfg(unix)]
#[test]
fn all_users_reads_linked_odd_case_and_partial_profiles() {
    let t = tempfile::tempdir().expect("tempdir");
    let users = t.path().join("Users");
    fs::create_dir_all(sip_dir(t.path(), "ok", "16.0", "ok@contoso.com").join("History Spooler"))
        .expect("mkdir");
    let moved = sip_dir(&t.path().join("D"), "jdoe", "16.0", "jdoe@contoso.com");
    put(&moved.join("History Spooler/{A1}.eml"), MIME, 30 * 86400);
    std::os::unix::fs::symlink(t.path().join("D/Users/jdoe"), users.join("jdoe")).expect("symlink");
    for p in [
        "lower/appdata/local/Microsoft/Office/16.0/Lync/sip_lower@contoso.com",
        "roam/AppData/Roaming/Microsoft/Office/16.0/Lync/sip_roam@contoso.com",
        "old/Local Settings/Application Data/Microsoft/Communicator/sip_old@contoso.com",
    ] {
        put(
            &users.join(p).join("History Spooler/{A1}.eml"),
            MIME,
            30 * 86400,
        );
    }
    std::os::unix::fs::symlink(t.path().join("nowhere"), users.join("gone")).expect("symlink");
    let users_s = users.to_str().expect("utf8");
    let (v, code, stderr) = report_in(t.path(), &["--all-users", "--profiles-root", users_s]);
    assert_eq!(code, 1, "{stderr}");
    let mut found = addresses(&v);
    found.sort();
    assert_eq!(
        found,
        [
            "jdoe@contoso.com",
            "lower@contoso.com",
            "ok@contoso.com",
            "old@contoso.com",
            "roam@contoso.com"
        ],
        "{v:#}"
    );
    assert_eq!(v["items"].as_array().map(Vec::len), Some(4), "{v:#}");
    // The dangling profile link is a skipped profile: an error line and scan-incomplete.
    assert!(
        v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("Users/gone"))
                && e["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("profile skipped"))),
        "{v:#}"
    );
    assert!(rules(&v).contains(&"scan-incomplete"), "{v:#}");
}

/// A flat backslash name whose spooler part had its space altered (`History%20Spooler`) right
/// after a `sip_*` part is read as that spooler, with the note (review wild8s d09).
#[cfg(unix)]
#[test]
fn a_flat_name_through_an_altered_spooler_is_an_item() {
    let t = tempfile::tempdir().expect("tempdir");
    let name = r"Users\jdoe\AppData\Local\Microsoft\Office\16.0\Lync\sip_jdoe@contoso.com\History%20Spooler\{A1}.eml";
    put(&t.path().join("flat").join(name), MIME, 30 * 86400);
    // Not after a `sip_*` part: an ordinary name.
    put(
        &t.path().join("other").join(r"case\History%20Spooler\x.eml"),
        MIME,
        30 * 86400,
    );
    let (v, code, stderr) = report_json(&[&t.path().join("flat")], &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1), "{v:#}");
    assert!(rules(&v).contains(&"spool-stuck"), "{v:#}");
    assert!(v["notes"].to_string().contains("space altered"), "{v:#}");
    let (v, _, _) = report_json(&[&t.path().join("other")], &[]);
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0), "{v:#}");
}

/// A PATH that is a link to a folder is walked as that folder, and not also reported as a link
/// skipped (review wild8s d05).
#[cfg(unix)]
#[test]
fn a_path_that_links_to_a_folder_is_read_and_not_called_skipped() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(&t.path().join("case"), "jdoe", "16.0", "jdoe@contoso.com");
    fs::create_dir_all(sip.join("History Spooler")).expect("mkdir");
    // A healthy spooler: nothing stuck, nothing unread.
    std::os::unix::fs::symlink(&sip, t.path().join("sip-link")).expect("symlink");
    let (v, code, stderr) = report_json(&[&t.path().join("sip-link")], &["--fail-on", "warning"]);
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{v:#}");
    assert!(!rules(&v).contains(&"scan-incomplete"), "{v:#}");
    assert!(!rules(&v).contains(&"spool-unreadable"), "{v:#}");
    assert_eq!(addresses(&v), ["jdoe@contoso.com"], "{stderr}");
    assert_eq!(code, 0, "{stderr}");
}

/// `sip_jdoe%40contoso.com` (a name quoted in transit) is the account `jdoe@contoso.com`,
/// with a note, so the domain rules speak (review wild8s d01).
#[test]
fn a_percent_quoted_account_folder_is_read_with_its_address() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe%40contoso.com");
    put(
        &sip.join("History Spooler/{A1}.xml"),
        create_item("partner@fabrikam.com", "s", "IPM.Note").as_bytes(),
        30 * 86400,
    );
    let (v, _, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(addresses(&v), ["jdoe@contoso.com"], "{stderr}");
    assert!(rules(&v).contains(&"federated-recipient"), "{v:#}");
    assert!(v["notes"].to_string().contains("%XX"), "{v:#}");
}
