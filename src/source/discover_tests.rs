//! Tests of `discover`.

use super::*;

/// A locked folder inside `AppData` but off the client's routes cannot hide a spooler;
/// one on a route, or outside any profile, may.
#[test]
fn which_locked_folders_may_hold_a_spooler() {
    for (p, may) in [
        ("/c/Users/jdoe/AppData/Local/Packages/App_1/AC", false),
        ("/c/Users/jdoe/AppData/Local/Temp/x", false),
        ("/c/Users/jdoe/AppData/Roaming/Other", false),
        ("/c/Users/jdoe/AppData", true),
        ("/c/Users/jdoe/AppData/Local", true),
        ("/c/Users/jdoe/AppData/Local/Microsoft", true),
        (
            "/c/Users/jdoe/appdata/local/Microsoft/Office/16.0/Lync",
            true,
        ),
        (
            "/c/Users/jdoe/AppData/Local/Microsoft/Communicator/sip_a",
            true,
        ),
        (
            "/c/Users/jdoe/AppData/Local/Microsoft/Windows/INetCache",
            false,
        ),
        ("/c/Users/jdoe/Documents/locked", true),
        ("/cases/4711/collected", true),
    ] {
        assert_eq!(may_hold_a_spooler(Path::new(p)), may, "{p}");
    }
}
use crate::model::ClientGen;
use std::fs;

#[test]
fn client_generation_from_layout() {
    assert_eq!(
        client_of(Path::new(
            "/u/AppData/Local/Microsoft/Office/16.0/Lync/sip_a@b.c"
        )),
        ClientGen::Office16
    );
    assert_eq!(
        client_of(Path::new(
            "/u/AppData/Local/Microsoft/Office/15.0/Lync/sip_a@b.c"
        )),
        ClientGen::Office15
    );
    assert_eq!(
        client_of(Path::new(
            "/u/AppData/Local/Microsoft/Communicator/sip_a@b.c"
        )),
        ClientGen::Lync2010
    );
    assert_eq!(client_of(Path::new("/case/sip_a@b.c")), ClientGen::Unknown);
}

#[test]
fn finds_spoolers_at_any_level() {
    let t = tempfile::tempdir().expect("tempdir");
    let base = t
        .path()
        .join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync");
    let sp = base.join("sip_jdoe@contoso.com/History Spooler");
    fs::create_dir_all(&sp).expect("mkdir");
    fs::write(sp.join("a.xml"), "<x/>").expect("write");
    fs::create_dir_all(base.join("sip_other@contoso.com")).expect("mkdir");
    fs::write(base.join("sip_other@contoso.com/GalContacts.db"), "x").expect("write");

    for root in [t.path().to_path_buf(), base.clone(), sp.clone()] {
        let mut d = Discovery::default();
        d.walk(&root);
        let acc = d
            .accounts
            .iter()
            .find(|a| a.address == "jdoe@contoso.com")
            .expect("jdoe found");
        assert_eq!(acc.client, ClientGen::Office16);
        assert_eq!(acc.profile.as_deref(), Some("jdoe"));
        assert_eq!(d.spool_files.len(), 1, "root {root:?}");
        assert!(d.spool_files[0].1.ends_with("a.xml"));
    }
    let mut d = Discovery::default();
    d.walk(t.path());
    assert_eq!(d.accounts.len(), 2);
    assert_eq!(d.other_files.len(), 1);
}

/// A spooler folder whose space was altered in transit is read as the spooler (from any
/// root at or above it) and noted; names that only resemble it are not.
#[test]
fn altered_spooler_names_are_spoolers_and_noted() {
    for name in [
        "History%20Spooler",
        "History_Spooler",
        "HistorySpooler",
        "history+spooler",
        "HISTORY_SPOOLER",
    ] {
        let t = tempfile::tempdir().expect("tempdir");
        let sip = t
            .path()
            .join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com");
        let sp = sip.join(name);
        fs::create_dir_all(&sp).expect("mkdir");
        fs::write(sp.join("a.eml"), "x").expect("write");
        for root in [t.path().to_path_buf(), sip.clone(), sp.clone()] {
            let mut d = Discovery::default();
            d.walk(&root);
            assert_eq!(d.accounts.len(), 1, "{name} from {root:?}");
            assert_eq!(d.accounts[0].address, "jdoe@contoso.com");
            assert_eq!(d.accounts[0].spooler.as_deref(), Some(sp.as_path()));
            assert_eq!(d.spool_files.len(), 1, "{name} from {root:?}");
            assert!(d.other_files.is_empty(), "{name}");
            assert_eq!(d.altered_spoolers, vec![sp.clone()], "{name}");
        }
    }
    for name in [
        "History Spoolers",
        "History-Spooler-old",
        "Spooler",
        "History",
    ] {
        assert!(!is_altered_spooler_name(name), "{name}");
    }
    // Outside a `sip_*` folder an altered name is an ordinary folder, also as a root's
    // ancestor: the real spooler below it is the spooler.
    let t = tempfile::tempdir().expect("tempdir");
    let outer = t.path().join("History_Spooler");
    let sp = outer.join(
        "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History_Spooler",
    );
    fs::create_dir_all(&sp).expect("mkdir");
    fs::write(sp.join("a.eml"), "x").expect("write");
    fs::write(outer.join("notes.txt"), "x").expect("write");
    for root in [outer.clone(), outer.join("Users")] {
        let mut d = Discovery::default();
        d.walk(&root);
        assert_eq!(d.accounts.len(), 1, "{root:?}");
        assert_eq!(d.accounts[0].spooler.as_deref(), Some(sp.as_path()));
        assert_eq!(d.spool_files.len(), 1);
        assert_eq!(d.altered_spoolers, vec![sp.clone()]);
    }
    // The real name is a spooler without a note.
    let t = tempfile::tempdir().expect("tempdir");
    let sp = t.path().join("sip_jdoe@contoso.com/History Spooler");
    fs::create_dir_all(&sp).expect("mkdir");
    fs::write(sp.join("a.eml"), "x").expect("write");
    let mut d = Discovery::default();
    d.walk(t.path());
    assert_eq!(d.spool_files.len(), 1);
    assert!(d.altered_spoolers.is_empty());
}

#[test]
fn folder_names_in_any_script_never_panic() {
    for n in [
        "山田太郎",
        "김철수",
        "Ölçüm",
        "🙂 test",
        "山",
        "sip",
        "sip_",
        "ŞİP_x",
        "si\u{301}p_x",
        "Иванов",
    ] {
        assert!(!is_sip_dir(n), "{n}");
    }
    assert!(is_sip_dir("sip_山田@contoso.com"));
    assert!(is_sip_dir("SIP_김철수@contoso.com"));
    let t = tempfile::tempdir().expect("tempdir");
    for (user, addr) in [("山田太郎", "山田@例え.jp"), ("🙂 test", "🙂@contoso.com")] {
        let sp = t
            .path()
            .join("Users")
            .join(user)
            .join("AppData/Local/Microsoft/Office/16.0/Lync")
            .join(format!("sip_{addr}"))
            .join("History Spooler");
        fs::create_dir_all(&sp).expect("mkdir");
        fs::write(sp.join("項目.xml"), "<x/>").expect("write");
    }
    let mut d = Discovery::default();
    d.walk(t.path());
    let mut found: Vec<(String, Option<String>)> = d
        .accounts
        .iter()
        .map(|a| (a.address.clone(), a.profile.clone()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("山田@例え.jp".to_string(), Some("山田太郎".to_string())),
            ("🙂@contoso.com".to_string(), Some("🙂 test".to_string())),
        ]
    );
    assert_eq!(d.spool_files.len(), 2);
}

#[test]
fn missing_root_is_reported() {
    let mut d = Discovery::default();
    d.walk(Path::new("/definitely/not/here"));
    assert_eq!(d.roots_ok, 0);
    assert_eq!(d.roots_failed.len(), 1);
}
