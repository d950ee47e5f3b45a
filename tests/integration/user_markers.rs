//! End-to-end: a user markers file of `ews-failure` markers. A fixed `problem` is read in any
//! ASCII case, an unknown one is refused with its line, a marker without one (or a `soap-fault`
//! marker without one) still raises `ews-error` (cause unknown), and a repeated id in one file,
//! an id in capitals and a `problem` on a marker of another kind are refused.

use crate::common::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A client log with one line a user marker recognises (line 2).
const LOG: &str =
    "03/02/2026|13:51:15.919 1F68:C1C INFO  :: CSIPStack::SendMessage - done id=1\r\n\
03/02/2026|13:51:16.919 1F68:C1C ERROR :: MYCORP-FAIL: mailbox quota exceeded\r\n\
03/02/2026|13:51:17.919 1F68:C1C INFO  :: hello\r\n";

fn log_dir(root: &Path) -> PathBuf {
    let t = root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing");
    fs::create_dir_all(&t).expect("mkdir");
    put(&t.join("Lync-UccApi-0.UccApilog"), LOG.as_bytes(), 0);
    root.to_path_buf()
}

fn markers(root: &Path, text: &str) -> PathBuf {
    let m = root.join("mine.toml");
    fs::write(&m, text).expect("write");
    m
}

fn failure(values: &str) -> String {
    format!(
        "[[marker]]\nid = \"mycorp-quota\"\nkind = \"ews-failure\"\npattern = '''MYCORP-FAIL: (?P<reason>\\w+)'''\n{values}\nexplain = \"x\"\n"
    )
}

/// The rules of the findings and the exit code of `report` with markers `m`.
fn findings(root: &Path, m: &Path) -> (Vec<(String, String)>, i32) {
    let (v, code, err) = report_json(&[root], &["--markers", m.to_str().expect("utf-8")]);
    assert!(err.trim().is_empty(), "{err}");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (f, code)
}

/// Whether a finding of `rule` is there; its title.
fn title_of<'a>(f: &'a [(String, String)], rule: &str) -> Option<&'a str> {
    f.iter().find(|x| x.0 == rule).map(|x| x.1.as_str())
}

#[test]
fn problem_values_in_any_case_raise_their_rule() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = log_dir(t.path());
    for v in ["auth", "Auth", "AUTH"] {
        let m = markers(
            t.path(),
            &failure(&format!("values = {{ problem = \"{v}\" }}")),
        );
        let (f, code) = findings(&root, &m);
        let title = title_of(&f, "ews-auth-failed").unwrap_or_else(|| panic!("{v}: {f:?}"));
        assert_eq!(code, 1, "{v}");
        assert!(title.contains("mailbox ×1"), "{title}");
    }
}

#[test]
fn an_ews_failure_without_a_known_problem_raises_ews_error() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = log_dir(t.path());
    // No `problem`, and a `problem` group whose text is none of the three.
    for m in [
        failure(""),
        "[[marker]]\nid = \"cap\"\nkind = \"ews-failure\"\npattern = 'MYCORP-FAIL: (?P<problem>\\w+)'\n"
            .to_string(),
        // A SOAP fault is an EWS error too: a user marker of that kind without a `problem`.
        "[[marker]]\nid = \"fault\"\nkind = \"soap-fault\"\npattern = 'MYCORP-FAIL'\n".to_string(),
    ] {
        let m = markers(t.path(), &m);
        let (f, code) = findings(&root, &m);
        let title = title_of(&f, "ews-error").unwrap_or_else(|| panic!("{f:?}"));
        assert_eq!(code, 1);
        assert!(title.contains("cause unknown"), "{title}");
    }
}

/// One line on stderr naming the file and line, exit 2, nothing on stdout.
fn refusal(root: &Path, m: &Path) -> String {
    let out = bin()
        .args(["report", "--now", NOW, "--markers"])
        .arg(m)
        .arg(root)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line: {err:?}");
    lines[0].to_string()
}

#[test]
fn an_unknown_problem_value_is_refused_with_its_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = log_dir(t.path());
    let m = markers(t.path(), &failure("values = { problem = \"denied\" }"));
    let line = refusal(&root, &m);
    assert!(
        line.contains("mine.toml") && line.contains("line 5"),
        "{line}"
    );
    assert!(line.contains("auth, unreachable, error"), "{line}");
}

#[test]
fn a_repeated_marker_id_in_one_file_is_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = log_dir(t.path());
    let text = failure("values = { problem = \"auth\" }")
        + "\n# copied, id unchanged\n[[marker]]\nid = \"mycorp-quota\"\nkind = \"other\"\npattern = 'hello'\n";
    let m = markers(t.path(), &text);
    let line = refusal(&root, &m);
    assert!(
        line.contains("mine.toml") && line.contains("line 9"),
        "{line}"
    );
    assert!(line.contains("mycorp-quota"), "{line}");
    // With the id changed, both load and the failure is found.
    let m = markers(
        t.path(),
        &text.replacen(
            "id = \"mycorp-quota\"\nkind = \"other\"",
            "id = \"mycorp-hello\"\nkind = \"other\"",
            1,
        ),
    );
    let (f, code) = findings(&root, &m);
    assert!(title_of(&f, "ews-auth-failed").is_some(), "{f:?}");
    assert_eq!(code, 1);
}

/// A `problem` on a marker of another kind would raise nothing (the rules read it on EWS
/// failures and SOAP faults only): refused with its line, as an unknown value is.
#[test]
fn a_problem_on_a_marker_of_another_kind_is_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = log_dir(t.path());
    let text = "[[marker]]\nid = \"mycorp-quota\"\nkind = \"error\"\npattern = 'MYCORP-FAIL'\nvalues = { problem = \"Auth\" }\n";
    let line = refusal(&root, &markers(t.path(), text));
    assert!(
        line.contains("mine.toml") && line.contains("line 5"),
        "{line}"
    );
    assert!(
        line.contains("ews-failure and soap-fault") && line.contains("this one is error"),
        "{line}"
    );
}

/// Ids are matched exactly, so one in capitals would be a second marker beside its
/// lower-case twin (or fail to replace a built-in one): refused.
#[test]
fn a_marker_id_with_capitals_is_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = log_dir(t.path());
    let text = failure("values = { problem = \"auth\" }").replace("mycorp-quota", "MyCorp-Quota");
    let line = refusal(&root, &markers(t.path(), &text));
    assert!(
        line.contains("mine.toml") && line.contains("MyCorp-Quota") && line.contains("kebab-case"),
        "{line}"
    );
}
