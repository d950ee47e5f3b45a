//! Output safety from the wild4x review: invisible characters in names print distinctly,
//! argument errors are sanitised, stdout write errors are one line (no panic), and path
//! arguments whose bytes are not UTF-8 are scanned.

use crate::common::*;
use std::path::Path;

fn stuck(dir: &Path, name: &str) {
    put(
        &dir.join("History Spooler").join(name),
        create_item("b@contoso.com", "s", "IPM.Note").as_bytes(),
        600,
    );
}

fn text_report(root: &Path) -> (String, i32) {
    let out = bin()
        .args([
            "report".as_ref(),
            root.as_os_str(),
            "--now".as_ref(),
            NOW.as_ref(),
        ])
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `sip_jdoe@…` and `sip_jdoe<U+200B>@…` are two accounts: the text report shows the zero-width
/// space as `\u{200b}`, so their headings differ, and no invisible character goes out raw.
#[test]
fn a_zero_width_space_in_an_address_is_shown() {
    let t = tempfile::tempdir().expect("tempdir");
    stuck(
        &sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com"),
        "a.xml",
    );
    stuck(
        &sip_dir(t.path(), "jdoe", "16.0", "jdoe\u{200b}@contoso.com"),
        "b.xml",
    );
    stuck(
        &sip_dir(t.path(), "jdoe", "16.0", "line\u{2028}sep@contoso.com"),
        "c.xml",
    );
    stuck(
        &sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com"),
        "z\u{200b}.xml",
    );
    let (text, code) = text_report(&t.path().join("Users"));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("jdoe\\u{200b}@contoso.com"), "{text}");
    // The item table's name column (a cell, then the text writer) escapes it once.
    assert!(text.contains(" z\\u{200b}.xml "), "{text}");
    assert!(!text.contains("\\x5c"), "{text}");
    assert!(text.contains("line\\u{2028}sep@contoso.com"), "{text}");
    for c in ['\u{200b}', '\u{2028}'] {
        assert!(!text.contains(c), "raw {c:?} in:\n{text}");
    }
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("@contoso.com ·"))
        .collect();
    assert_eq!(headings.len(), 3, "{text}");
    assert_ne!(headings[0], headings[1]);
}

/// A folder whose name is not UTF-8 (Shift-JIS bytes of "あ", as a zip from a Japanese Windows
/// unpacks on Linux) is scanned as a PATH, read as `--log` and `--mailbox`, and fleet reads a
/// report under it: the argument parser used to refuse all of them.
#[cfg(unix)]
#[test]
fn path_arguments_that_are_not_utf8_are_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().expect("tempdir");
    let case = t.path().join(std::ffi::OsStr::from_bytes(b"case-\x82\xa0"));
    stuck(&sip_dir(&case, "jdoe", "16.0", "jdoe@contoso.com"), "a.xml");
    let users = case.join("Users");
    let out = bin()
        .args([
            "report".as_ref(),
            users.as_os_str(),
            "--now".as_ref(),
            NOW.as_ref(),
        ])
        .args(["--format", "json"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1), "{v}");

    let log = case.join("Lync-UccApi-0.UccApilog");
    std::fs::write(
        &log,
        b"03/02/2026|10:00:00.000 1F68:C14 ERROR :: POST https://mail.contoso.com/EWS/Exchange.asmx\r\n",
    )
    .expect("log");
    let report = case.join("ws01.json");
    std::fs::write(&report, &out.stdout).expect("report");
    let out = bin()
        .args([
            "report".as_ref(),
            users.as_os_str(),
            "--now".as_ref(),
            NOW.as_ref(),
        ])
        .args(["--log".as_ref(), log.as_os_str()])
        .args(["--profiles-root".as_ref(), users.as_os_str()])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let out = bin()
        .args(["fleet".as_ref(), case.as_os_str()])
        .output()
        .expect("run");
    let (so, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{so}{err}");
    assert!(so.contains("jdoe@contoso.com"), "{so}{err}");
}

/// clap's argument errors carry the argument's own text; escape sequences in it are shown
/// escaped (clap's text and exit code 2 kept).
#[test]
fn argument_errors_escape_the_arguments() {
    let t = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["report", ".", "--time-zone", "\x1b]0;PWNED\x07Eur"],
        vec!["report", ".", "--x\x1b[2J"],
    ] {
        let out = bin()
            .current_dir(t.path())
            .args(&args)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
        assert!(err.contains("\\x1b"), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Help is still clap's.
    let out = bin().arg("--help").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: spoolscope"));
}

/// Run the binary with one argument and `stdout` (closed at once when `close` is set, as a
/// reader that has gone): its exit code and stderr.
fn run_with_stdout(arg: &str, stdout: std::process::Stdio, close: bool) -> (Option<i32>, String) {
    let mut c = std::process::Command::new(bin_path());
    test_env(&mut c);
    c.arg(arg)
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped());
    let mut child = Guarded::spawn(&mut c, RUN_LIMIT);
    if close {
        drop(child.stdout.take());
    }
    let status = child.wait(RUN_LIMIT);
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut err).expect("stderr");
    }
    (status.code(), err)
}

/// `--print-config-template`, `--help` and `--version` into a closed pipe end quietly (exit 0)
/// instead of panicking with exit 101.
#[test]
fn generated_text_into_a_closed_pipe_is_quiet() {
    for arg in ["--print-config-template", "--help", "--version"] {
        let (code, err) = run_with_stdout(arg, std::process::Stdio::piped(), true);
        assert_eq!(code, Some(0), "{arg}: {err}");
        assert!(!err.contains("panicked"), "{arg}: {err}");
    }
}

/// Onto a device that takes no writes (a `/dev/full` made in the temp folder; root only):
/// one line naming the error and exit 2, for the template, help and version, and for
/// `--debug-log` before the run starts.
#[cfg(unix)]
#[test]
fn write_errors_on_stdout_and_the_debug_log_are_one_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let full = t.path().join("full");
    if !(running_as_root()
        && tool(&[
            "mknod".as_ref(),
            full.as_os_str(),
            "c".as_ref(),
            "1".as_ref(),
            "7".as_ref(),
        ]))
    {
        skip("a /dev/full device node needs root and mknod");
        return;
    }
    for arg in ["--print-config-template", "--help", "--version"] {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&full)
            .expect("open");
        let (code, err) = run_with_stdout(arg, f.into(), false);
        assert_eq!(code, Some(2), "{arg}: {err}");
        assert_eq!(err.lines().count(), 1, "{arg}: {err}");
        assert!(err.contains("No space left on device"), "{arg}: {err}");
    }
    stuck(
        &sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com"),
        "a.xml",
    );
    let out = bin()
        .args(["report".as_ref(), t.path().join("Users").as_os_str()])
        .args(["--now", NOW, "--debug-log"])
        .arg(&full)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--debug-log") && err.contains("cannot write"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// On a terminal that says `TERM=dumb` (Emacs `M-x shell`) the bare command prints the text
/// report with a note, instead of drawing the full-screen view with cursor addressing.
#[cfg(unix)]
#[test]
fn a_dumb_terminal_gets_the_report_not_the_live_view() {
    if !have_script() {
        return;
    }
    let t = tempfile::tempdir().expect("tempdir");
    stuck(
        &sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com"),
        "a.xml",
    );
    let cmd = format!(
        "{} {} --now {NOW}",
        sh_quote(&bin_path().to_string_lossy()),
        sh_quote(&t.path().join("Users").to_string_lossy())
    );
    let pty = Pty::spawn(&cmd, &[("TERM", "dumb")]);
    let seen = pty.finish(RUN_LIMIT);
    let text = String::from_utf8_lossy(&seen);
    assert!(find(&seen, ENTER_ALT).is_none(), "{text}");
    assert!(text.contains("TERM=dumb"), "{text}");
    assert!(text.contains("jdoe@contoso.com"), "{text}");
}
