//! Hostile trees: nothing hangs, nothing crashes, nothing is changed.

// Every test here needs Unix file types (FIFOs, symlinks without privileges); on Windows the
// file compiles to nothing, so the Windows clippy pass stays clean.
#![cfg(unix)]

mod common;

use common::*;
use std::fs;
use std::time::Instant;

#[test]
fn fifo_links_sparse_and_odd_names_complete_and_change_nothing() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(
        &sp.join("ok.xml"),
        create_item("a@contoso.com", "s", "IPM.Note").as_bytes(),
        600,
    );
    let fifo = sp.join("pipe0");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    std::os::unix::fs::symlink(&sp, sp.join("loop")).expect("symlink");
    std::os::unix::fs::symlink(t.path(), t.path().join("Users/rootloop")).expect("symlink");
    std::os::unix::fs::symlink(sp.join("gone"), sp.join("dangling")).expect("symlink");
    let sparse = sp.join("huge.bin");
    let f = fs::File::create(&sparse).expect("create");
    f.set_len(4 << 30).expect("sparse 4 GB");
    drop(f);
    set_age(&sparse, 600);
    let odd = sp.join(std::ffi::OsStr::from_bytes(b"bad-\xff\xfe-name.xml"));
    put(&odd, b"<a/>", 600);

    let before = snapshot(t.path());
    let start = Instant::now();
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    let took = start.elapsed();
    assert!(took.as_secs() < 20, "took {took:?}");
    assert_eq!(code, 1);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors = v["errors"].as_array().expect("errors");
    let msg_for = |name: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .and_then(|e| e["message"].as_str())
            .unwrap_or_else(|| panic!("no error for {name}: {errors:#?}"))
            .to_string()
    };
    assert!(msg_for("pipe0").contains("fifo"));
    assert!(msg_for("/loop").contains("symbolic link"));
    assert!(msg_for("dangling").contains("symbolic link"));
    assert!(msg_for("rootloop").contains("symbolic link"));
    let huge = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with("huge.bin")))
        .expect("huge item");
    assert_eq!(huge["size"], 4u64 << 30);
    assert_eq!(huge["truncated"], true);
    assert!(v["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["path"].as_str().is_some_and(|p| p.contains("bad-"))));
    assert!(v["findings"]
        .as_array()
        .expect("f")
        .iter()
        .any(|f| f["rule"] == "spool-unreadable"));

    // Text output too: completes, nothing raw from the odd name.
    let out = bin()
        .args(["report", "--color", "never", "--now", NOW])
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stdout.contains(&0x1b));

    assert_eq!(before, snapshot(t.path()), "the scanned tree changed");
}

#[test]
fn unreadable_file_is_an_item_and_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    let p = sp.join("locked.xml");
    put(&p, b"<a/>", 600);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::read(&p).is_ok() {
        // Running as root: permissions do not stop us; nothing to test here.
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
        return;
    }
    let (v, _, _) = report_json(&[t.path()], &[]);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
    assert_eq!(v["items"][0]["format"], "unreadable");
    assert!(v["errors"][0]["message"]
        .as_str()
        .expect("msg")
        .contains("permission"));
}
