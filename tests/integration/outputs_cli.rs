//! Outputs never land in a scanned folder or on a file named as an input, and settings files
//! (`--config`, `--markers`, `SPOOLSCOPE_CONFIG`) that are not regular files or are too big are
//! refused at once with one line (exit 2) instead of hanging or filling memory.

// FIFOs, symlinks and hard links without privileges: Unix only.
#![cfg(unix)]

use crate::common::*;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build on a loaded machine; a hang on a FIFO ends here as a failure.
const QUICK: Duration = Duration::from_secs(30);

const LOG: &[u8] = b"03/02/2026|10:00:00.000 1F68:C14 ERROR :: POST https://mail.contoso.com/EWS/Exchange.asmx\r\nHTTP/1.1 401 Unauthorized\r\n";

/// Run the binary with `args` under [`QUICK`]: (exit code, stderr). A killed run gives -1.
fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = bin().timeout(QUICK).args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A profiles folder `Users` with one profile holding a stuck item.
fn profiles(t: &Path) -> std::path::PathBuf {
    let sp = sip_dir(t, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("a.xml"),
        create_item("b@contoso.com", "s", "IPM.Note").as_bytes(),
        600,
    );
    t.join("Users")
}

#[test]
fn outputs_inside_the_all_users_profiles_folder_are_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let users = profiles(t.path());
    let before = snapshot(&users);
    let inside = users.join("jdoe");
    let pr = users.as_os_str();
    let cases: [(&str, Vec<&std::ffi::OsStr>, &str); 3] = [
        (
            "bundle -o",
            vec!["bundle".as_ref(), "-o".as_ref()],
            "case.zip",
        ),
        (
            "--debug-log",
            vec!["report".as_ref(), "--debug-log".as_ref()],
            "debug.log",
        ),
        (
            "watch --output",
            vec!["watch".as_ref(), "--output".as_ref()],
            "w.ndjson",
        ),
    ];
    for (what, head, name) in cases {
        let target = inside.join(name);
        let mut args = head.clone();
        args.push(target.as_os_str());
        let tail: [&std::ffi::OsStr; 5] = [
            "--all-users".as_ref(),
            "--profiles-root".as_ref(),
            pr,
            "--now".as_ref(),
            NOW.as_ref(),
        ];
        args.extend(tail);
        let (code, err) = run(&args);
        assert_eq!(code, 2, "{what}: {err}");
        assert!(err.contains("inside a scanned folder"), "{what}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{what}: {err}");
        assert!(!target.exists(), "{what} wrote {}", target.display());
    }
    assert_eq!(before, snapshot(&users), "the profiles folder changed");

    // Outside the profiles folder the same run writes its output.
    let ok = t.path().join("debug.log");
    let (code, err) = run(&[
        "report".as_ref(),
        "--debug-log".as_ref(),
        ok.as_os_str(),
        "--all-users".as_ref(),
        "--profiles-root".as_ref(),
        pr,
        "--now".as_ref(),
        NOW.as_ref(),
    ]);
    assert_ne!(code, 2, "{err}");
    assert!(ok.is_file(), "no debug log outside the profiles folder");
}

#[test]
fn an_output_onto_a_named_input_is_refused_by_name_or_link() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let log = d.join("a.UccApilog");
    fs::write(&log, LOG).expect("write");
    let pol = d.join("pol.txt");
    fs::write(&pol, "\r\nIdentity : Global\r\nEnableOfflineIm : False\r\n").expect("write");
    let sym = d.join("sym.log");
    std::os::unix::fs::symlink(&log, &sym).expect("symlink");
    let hard = d.join("hard.log");
    fs::hard_link(&log, &hard).expect("hard link");
    let before = snapshot(d);

    let (l, p) = (log.as_os_str(), pol.as_os_str());
    let cases: Vec<(&str, Vec<&std::ffi::OsStr>)> = vec![
        (
            "--debug-log onto --log",
            vec![
                "report".as_ref(),
                "--log".as_ref(),
                l,
                "--debug-log".as_ref(),
                l,
            ],
        ),
        (
            "--debug-log onto a symlink to --log",
            vec![
                "report".as_ref(),
                "--log".as_ref(),
                l,
                "--debug-log".as_ref(),
                sym.as_os_str(),
            ],
        ),
        (
            "--debug-log onto a hard link of --log",
            vec![
                "report".as_ref(),
                "--log".as_ref(),
                l,
                "--debug-log".as_ref(),
                hard.as_os_str(),
            ],
        ),
        (
            "--debug-log onto --mailbox",
            vec![
                "report".as_ref(),
                "--mailbox".as_ref(),
                p,
                "--debug-log".as_ref(),
                p,
            ],
        ),
        (
            "watch --output onto --mailbox",
            vec![
                "watch".as_ref(),
                "--mailbox".as_ref(),
                p,
                "--output".as_ref(),
                p,
            ],
        ),
        (
            "watch --output onto --log",
            vec![
                "watch".as_ref(),
                "--log".as_ref(),
                l,
                "--output".as_ref(),
                l,
            ],
        ),
        (
            "bundle -o --force onto --log",
            vec![
                "bundle".as_ref(),
                "--log".as_ref(),
                l,
                "-o".as_ref(),
                l,
                "--force".as_ref(),
            ],
        ),
        (
            "bundle -o --force onto --mailbox",
            vec![
                "bundle".as_ref(),
                "--mailbox".as_ref(),
                p,
                "-o".as_ref(),
                p,
                "--force".as_ref(),
            ],
        ),
    ];
    for (what, args) in cases {
        let (code, err) = run(&args);
        assert_eq!(code, 2, "{what}: {err}");
        assert!(err.contains("is a file this run reads"), "{what}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{what}: {err}");
        assert_eq!(before, snapshot(d), "{what} changed the inputs");
    }

    // Only the file is protected, not its folder: a debug log next to the log is fine.
    let next = d.join("debug.log");
    let (code, err) = run(&[
        "report".as_ref(),
        "--log".as_ref(),
        l,
        "--debug-log".as_ref(),
        next.as_os_str(),
    ]);
    assert_ne!(code, 2, "{err}");
    assert!(next.is_file(), "no debug log next to the --log file");
    assert_eq!(fs::read(&log).expect("read"), LOG);
}

#[test]
fn an_output_onto_the_config_file_is_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let cfg = t.path().join("spoolscope.toml");
    fs::write(&cfg, "stuck_after = \"2m\"\n").expect("write");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    fs::create_dir_all(&sp).expect("mkdir");
    let (code, err) = run(&[
        "report".as_ref(),
        sp.as_os_str(),
        "--config".as_ref(),
        cfg.as_os_str(),
        "--debug-log".as_ref(),
        cfg.as_os_str(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a file this run reads"), "{err}");
    assert_eq!(
        fs::read_to_string(&cfg).expect("read"),
        "stuck_after = \"2m\"\n"
    );
}

#[test]
fn settings_files_that_are_fifos_devices_or_too_big_are_refused_at_once() {
    let t = tempfile::tempdir().expect("tempdir");
    let empty = t.path().join("empty");
    fs::create_dir_all(&empty).expect("mkdir");
    let fifo = t.path().join("fifo");
    assert!(tool(&["mkfifo".as_ref(), fifo.as_os_str()]), "mkfifo");
    // Over the 1 MiB cap, and valid TOML (comments), so only the size can refuse it.
    let big = t.path().join("big.toml");
    fs::write(&big, "# padding\n".repeat(120_000)).expect("write");
    let zero = Path::new("/dev/zero");
    let mut cases: Vec<(&str, &Path, &str)> = vec![
        ("--config", &fifo, "fifo"),
        ("--markers", &fifo, "fifo"),
        ("--config", &big, "larger than"),
        ("--markers", &big, "larger than"),
    ];
    if zero.exists() {
        cases.push(("--config", zero, "character device"));
        cases.push(("--markers", zero, "character device"));
    }
    for (flag, file, why) in cases {
        let started = std::time::Instant::now();
        let (code, err) = run(&[
            "report".as_ref(),
            empty.as_os_str(),
            flag.as_ref(),
            file.as_os_str(),
        ]);
        assert_eq!(code, 2, "{flag} {}: {err}", file.display());
        assert!(err.contains(why), "{flag} {}: {err}", file.display());
        assert!(err.contains(&*file.to_string_lossy()), "{flag}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{flag}: {err}");
        assert!(
            started.elapsed() < QUICK,
            "{flag} {} was slow",
            file.display()
        );
    }

    // SPOOLSCOPE_CONFIG naming the FIFO: the same refusal.
    let out = bin()
        .timeout(QUICK)
        .env("SPOOLSCOPE_CONFIG", &fifo)
        .args(["report".as_ref(), empty.as_os_str()])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("fifo") && err.contains("cannot read config"),
        "{err}"
    );
    // Set but empty is unset, as an empty XDG_CONFIG_HOME is (it was ": cannot read config").
    let out = bin()
        .timeout(QUICK)
        .env("SPOOLSCOPE_CONFIG", "")
        .env("HOME", t.path())
        .env_remove("XDG_CONFIG_HOME")
        .args(["report".as_ref(), empty.as_os_str()])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("cannot read config"), "{err}");
    assert_ne!(out.status.code(), Some(2), "{err}");
}

#[test]
fn a_config_file_reached_through_a_symlink_is_still_read() {
    let t = tempfile::tempdir().expect("tempdir");
    let real = t.path().join("real.toml");
    fs::write(&real, "format = \"json\"\n").expect("write");
    let link = t.path().join("link.toml");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    fs::create_dir_all(&sp).expect("mkdir");
    let out = bin()
        .timeout(QUICK)
        .args([
            "report".as_ref(),
            sp.as_os_str(),
            "--config".as_ref(),
            link.as_os_str(),
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the config's json format");
    assert!(v.is_object());
}

/// `bundle -o X --force` renames a temporary file over X. A FIFO, a device node or a symbolic
/// link at X must be refused (exit 2, one line) and left as it was, `--force` or not; `-o -`
/// must not create a file named `-`.
#[test]
fn bundle_refuses_to_replace_a_fifo_a_device_or_a_link() {
    use std::os::unix::fs::FileTypeExt;
    let t = tempfile::tempdir().expect("tempdir");
    let users = profiles(t.path());
    let out = t.path().join("out");
    fs::create_dir(&out).expect("io");
    let fifo = out.join("fifo.zip");
    assert!(tool(&["mkfifo".as_ref(), fifo.as_os_str()]), "mkfifo");
    let target = out.join("target.zip");
    fs::write(&target, b"keep").expect("io");
    let link = out.join("link.zip");
    std::os::unix::fs::symlink("target.zip", &link).expect("io");
    let mut cases = vec![
        (fifo.clone(), "not a regular file"),
        (link.clone(), "symbolic link"),
    ];
    // A character device like /dev/null, made in the temp folder (root only).
    let dev = out.join("null.zip");
    if running_as_root()
        && tool(&[
            "mknod".as_ref(),
            dev.as_os_str(),
            "c".as_ref(),
            "1".as_ref(),
            "3".as_ref(),
        ])
    {
        cases.push((dev.clone(), "not a regular file"));
    } else {
        skip("a device node needs root and mknod");
    }
    for (path, why) in &cases {
        for force in [false, true] {
            let mut args: Vec<&std::ffi::OsStr> = vec![
                "bundle".as_ref(),
                users.as_os_str(),
                "-o".as_ref(),
                path.as_os_str(),
            ];
            if force {
                args.push("--force".as_ref());
            }
            let (code, err) = run(&args);
            assert_eq!(code, 2, "{path:?} force={force}: {err}");
            assert!(err.contains(why), "{path:?} force={force}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "{err}");
        }
    }
    assert!(fs::symlink_metadata(&fifo)
        .expect("io")
        .file_type()
        .is_fifo());
    assert!(fs::symlink_metadata(&link)
        .expect("io")
        .file_type()
        .is_symlink());
    assert_eq!(fs::read(&target).expect("io"), b"keep");
    if cases.len() == 3 {
        assert!(fs::symlink_metadata(&dev)
            .expect("io")
            .file_type()
            .is_char_device());
    }
    // No temporary file is left behind.
    let left: Vec<_> = fs::read_dir(&out)
        .expect("io")
        .map(|e| e.expect("io").file_name())
        .filter(|n| n.to_string_lossy().starts_with(".spoolscope"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // `-o -` is refused and writes no file named `-`; a regular file with --force is replaced.
    let out = bin()
        .timeout(QUICK)
        .current_dir(t.path())
        .args([
            "bundle".as_ref(),
            users.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
        ])
        .output()
        .expect("io");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not write to stdout"));
    assert!(!t.path().join("-").exists());
    let (code, err) = run(&[
        "bundle".as_ref(),
        users.as_os_str(),
        "-o".as_ref(),
        target.as_os_str(),
        "--force".as_ref(),
    ]);
    assert!(code == 0 || code == 1, "{err}");
    assert_eq!(&fs::read(&target).expect("io")[..2], b"PK");
}
