//! Hostile trees: nothing hangs, nothing crashes, nothing is changed.

// Every test here needs Unix file types (FIFOs, symlinks without privileges); on Windows the
// file compiles to nothing, so the Windows clippy pass stays clean.
#![cfg(unix)]

use crate::common::*;
use std::fs;

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
    assert!(tool(&["mkfifo".as_ref(), fifo.as_os_str()]), "mkfifo");
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
    // A FIFO never opened, a loop never followed: the run ends (the hang guard is the run's
    // timeout) and reports each one.
    let (v, code, stderr) = report_json(&[t.path()], &[]);
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

/// A spooled file the user may not read is an `unreadable` item and an error line. The binary
/// runs as an unprivileged user (as root, through `setpriv`), so the permission really stops
/// it; a run that cannot drop privileges fails rather than testing nothing.
#[test]
fn unreadable_file_is_an_item_and_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let t = shared_tempdir();
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    let p = sp.join("locked.xml");
    put(&p, b"<a/>", 600);
    put(&sp.join("open.xml"), b"<a/>", 600);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).expect("chmod");
    assert_unreadable_for_unprivileged(&p, UNPRIVILEGED_UID);
    let (v, code, stderr) = json_of(
        unprivileged_bin(UNPRIVILEGED_UID)
            .args(["report", "--format", "json", "--now", NOW])
            .arg(t.path()),
    );
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
    assert_eq!(code, 1, "{stderr}");
    let item = |name: &str| {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["path"].as_str().is_some_and(|x| x.ends_with(name)))
            .cloned()
            .unwrap_or_else(|| panic!("no {name}: {v:#}"))
    };
    assert_eq!(item("locked.xml")["format"], "unreadable");
    assert_eq!(item("open.xml")["format"], "xml", "the rest is read");
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0]["path"]
        .as_str()
        .is_some_and(|x| x.ends_with("locked.xml")));
    assert!(errors[0]["message"]
        .as_str()
        .expect("msg")
        .contains("permission"));
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
}

fn spooler(root: &std::path::Path) -> std::path::PathBuf {
    sip_dir(root, "u", "16.0", "u@contoso.com").join("History Spooler")
}

#[test]
fn huge_lines_deep_xml_and_entity_bombs_stay_cheap() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = spooler(t.path());
    // One line just past the 1 MiB read cap (the release budget test has 16 MB ones).
    let past_cap = spoolscope::source::scan::SPOOL_READ_CAP + 4096;
    put(&sp.join("line.txt"), &vec![b'a'; past_cap], 600);
    // Nested far deeper than the 256-level XML cap.
    let deep = format!("{}{}", "<a>".repeat(2_000), "</a>".repeat(2_000));
    put(&sp.join("deep.xml"), deep.as_bytes(), 600);
    // A billion-laughs entity bomb: never expanded.
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Message><Subject>&lol9;</Subject><Body>&lol9;</Body></Message>"#;
    put(&sp.join("bomb.xml"), bomb.as_bytes(), 600);
    let (v, code, _) = report_json(&[t.path()], &["--show-content"]);
    assert_eq!(code, 1);
    let item = |n: &str| {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with(n)))
            .cloned()
            .unwrap_or_else(|| panic!("{n}"))
    };
    let line = item("line.txt");
    assert_eq!(line["truncated"], true);
    assert_eq!(line["size"], past_cap as u64);
    let deep = item("deep.xml");
    assert_eq!(deep["format"], "xml");
    assert!(deep["heuristics"]
        .as_array()
        .expect("h")
        .iter()
        .any(|h| h.as_str().is_some_and(|h| h.contains("deeper"))));
    let bomb = item("bomb.xml");
    let subject = bomb["fields"]["subject"].as_str().expect("subject");
    assert!(
        subject.len() < 100,
        "entity expanded: {} bytes",
        subject.len()
    );
    assert!(!subject.contains("lollollol"));
}

#[cfg(unix)]
#[test]
fn escapes_in_names_subjects_bodies_never_reach_stdout_or_stderr() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = spooler(t.path());
    let evil = [
        "\x1b]52;c;cHduZWQ=\x07",             // clipboard write
        "\x1b]8;;http://evil.example\x1b\\x", // OSC 8 link
        "\x1b[2J\x1b[H",                      // clear screen
        "\u{202e}fdp.exe",                    // bidi override
        "\u{9b}31m",                          // C1 CSI
    ];
    for (i, e) in evil.iter().enumerate() {
        let name = format!("n{i}-{e}.xml");
        put(
            &sp.join(&name),
            create_item(&format!("x{i}@contoso.com"), e, e)
                .replace("secret body text", e)
                .as_bytes(),
            600,
        );
    }
    put(&sp.join("new\nline.xml"), b"<a/>", 600);
    // Our own colour codes only: ESC followed by '[' and digits/';' then 'm'.
    let ours = regex::Regex::new(r"\x1b\[[0-9;]*m").expect("re");
    for args in [
        vec!["--format", "text", "--color", "never", "--show-content"],
        vec!["--format", "markdown", "--show-content"],
        vec!["--format", "json", "--show-content"],
        vec!["--format", "text", "--color", "always"],
    ] {
        let out = bin()
            .args(["report", "--now", NOW])
            .args(&args)
            .arg(t.path())
            .output()
            .expect("run");
        let (so, se) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        for bad in ['\x07', '\u{202e}', '\u{9b}'] {
            assert!(
                !so.contains(bad) && !se.contains(bad),
                "{args:?}: {bad:?} leaked"
            );
        }
        if args.contains(&"always") {
            assert!(
                !ours.replace_all(&so, "").contains('\x1b'),
                "foreign ESC with colour on"
            );
        } else {
            assert!(
                !so.contains('\x1b') && !se.contains('\x1b'),
                "{args:?}: ESC leaked"
            );
        }
        if args.contains(&"text") {
            assert!(
                !so.lines().any(|l| l.starts_with("line.xml")),
                "a newline in a name split a line"
            );
        }
    }
}

#[test]
fn files_that_vanish_or_shrink_between_listing_and_reading() {
    use spoolscope::source::scan::read_item;
    let t = tempfile::tempdir().expect("tempdir");
    let p = t.path().join("gone.xml");
    put(&p, b"<a/>", 600);
    fs::remove_file(&p).expect("rm");
    let r = read_item(0, &p, true);
    assert!(r.item.is_none());
    assert!(r.error.expect("error").message.contains("vanished"));

    let q = t.path().join("shrunk.xml");
    put(&q, b"<a>hello</a>", 600);
    fs::File::options()
        .write(true)
        .open(&q)
        .expect("open")
        .set_len(0)
        .expect("truncate");
    let r = read_item(0, &q, true);
    assert_eq!(
        r.item.expect("item").format,
        spoolscope::model::Format::Empty
    );
}

#[cfg(unix)]
#[test]
fn sockets_and_devices_are_never_opened() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = spooler(t.path());
    fs::create_dir_all(&sp).expect("mkdir");
    let _sock = std::os::unix::net::UnixListener::bind(sp.join("sock")).expect("bind");
    let dev = sp.join("dev");
    let dev_ok = tool(&[
        "mknod".as_ref(),
        dev.as_os_str(),
        "c".as_ref(),
        "1".as_ref(),
        "3".as_ref(),
    ]);
    if !dev_ok {
        skip("a device node in a spooler: mknod needs root");
    }
    let (v, _, _) = report_json(&[t.path()], &[]);
    let msgs: Vec<String> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| format!("{} {}", e["path"], e["message"]))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("sock") && m.contains("socket")),
        "{msgs:?}"
    );
    if dev_ok {
        assert!(
            msgs.iter()
                .any(|m| m.contains("dev") && m.contains("device")),
            "{msgs:?}"
        );
    }
    assert_eq!(v["items"].as_array().expect("items").len(), 0);
}

/// A spooled file whose modification time is past the years chrono holds (a corrupt or crafted
/// evidence copy on a file system that keeps 64-bit times, such as tmpfs): the run does not
/// panic; the file is an item of unknown age, one error line names it, and the run is not an
/// all-clear. Needs such a file system: /dev/shm where it is tmpfs (CI's is); elsewhere the
/// time is clamped when set, which the test checks and then says so.
#[test]
fn a_spooled_file_dated_past_what_chrono_holds_is_an_item_of_unknown_age() {
    let Ok(t) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("no /dev/shm: the out-of-range time is covered by clock::tests only");
        return;
    };
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    fs::create_dir_all(&sp).expect("mkdir");
    let item = sp.join("{1}.xml");
    fs::write(&item, "<Message/>").expect("write");
    let far = std::time::UNIX_EPOCH + std::time::Duration::from_secs(10_000_000_000_000);
    let f = fs::File::options().write(true).open(&item).expect("open");
    f.set_modified(far).expect("set the time");
    drop(f);
    if fs::metadata(&item).and_then(|m| m.modified()).ok() != Some(far) {
        eprintln!("/dev/shm clamps file times: covered by clock::tests only");
        return;
    }
    let (v, code, err) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(v["summary"]["items"], 1, "{v:#}");
    let errors = v["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(
            |e| e["path"].as_str().is_some_and(|p| p.ends_with("{1}.xml"))
                && e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("modification time is outside"))
        ),
        "{v:#}"
    );
}
