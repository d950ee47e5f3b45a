//! End-to-end: the real binary on real trees in temp dirs.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn item<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no item {name} in {v:#}"))
}

fn account<'a>(v: &'a Value, addr: &str) -> &'a Value {
    v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["address"] == addr)
        .unwrap_or_else(|| panic!("no account {addr}"))
}

/// Several profiles, three client generations, items in every shape.
fn build_tree(root: &Path) {
    let j = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &j.join("a-old.xml"),
        create_item("rlee@contoso.com", "Hello Rob", "IPM.Note").as_bytes(),
        3 * 3600,
    );
    put(
        &j.join("b-utf16.xml"),
        &utf16le_bom(&create_item(
            "mkim@contoso.com",
            "Wide hello",
            "IM.Note.MissedConversation",
        )),
        600,
    );
    put(
        &j.join("c.eml"),
        b"From: Jane <jdoe@contoso.com>\r\nTo: ext@fabrikam.com, \"Lee, R\" <rlee@contoso.com>\r\nCc: boss@contoso.com\r\nSubject: Quarterly\r\nDate: Mon, 2 Mar 2026 13:00:00 +0000\r\nX-MS-Exchange-MessageClass: IPM.Note.Microsoft.Missed\r\n\r\nbody\r\n",
        200,
    );
    put(
        &j.join("d.bin"),
        &[0u8, 1, 2, 3, 250, 251, 0, 7, 8, 9, 0, 0, 13, 14],
        60,
    );
    put(&j.join("e.empty"), b"", 30);
    let m = sip_dir(root, "mkim", "15.0", "mkim@contoso.com").join("History Spooler");
    fs::create_dir_all(&m).expect("mkdir");
    let l = sip_dir(root, "tlegacy", "2010", "tlegacy@contoso.com").join("History Spooler");
    put(&l.join("x.txt"), b"to sip:ops@fabrikam.com", 121);
    // An account folder without a spooler at all.
    fs::create_dir_all(sip_dir(root, "nospool", "16.0", "nospool@contoso.com")).expect("mkdir");
}

#[test]
fn report_lists_accounts_marks_stuck_and_extracts_fields() {
    let t = tempfile::tempdir().expect("tempdir");
    build_tree(t.path());
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "stuck items are a warning or worse");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["now"], NOW);
    assert_eq!(v["stuck_after_secs"], 120);

    let accounts: Vec<&str> = v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["address"].as_str().expect("address"))
        .collect();
    for a in [
        "jdoe@contoso.com",
        "mkim@contoso.com",
        "tlegacy@contoso.com",
        "nospool@contoso.com",
    ] {
        assert!(accounts.contains(&a), "{a} missing from {accounts:?}");
    }
    assert_eq!(account(&v, "jdoe@contoso.com")["client"], "16.0");
    assert_eq!(account(&v, "mkim@contoso.com")["client"], "15.0");
    assert_eq!(account(&v, "tlegacy@contoso.com")["client"], "2010");
    assert_eq!(account(&v, "jdoe@contoso.com")["profile"], "jdoe");
    assert_eq!(account(&v, "jdoe@contoso.com")["items"], 5);
    assert_eq!(account(&v, "jdoe@contoso.com")["stuck"], 3);
    assert_eq!(account(&v, "jdoe@contoso.com")["oldest_age_secs"], 3 * 3600);
    assert_eq!(account(&v, "mkim@contoso.com")["items"], 0);
    assert_eq!(account(&v, "mkim@contoso.com")["stuck"], 0);
    assert!(account(&v, "nospool@contoso.com")["spooler"].is_null());

    // Exactly the items older than two minutes are stuck.
    for (name, stuck) in [
        ("a-old.xml", true),
        ("b-utf16.xml", true),
        ("c.eml", true),
        ("d.bin", false),
        ("e.empty", false),
        ("x.txt", true),
    ] {
        assert_eq!(item(&v, name)["stuck"], stuck, "{name}");
    }

    let a = item(&v, "a-old.xml");
    assert_eq!(a["format"], "xml");
    assert_eq!(a["fields"]["from"], "sender@contoso.com");
    assert_eq!(a["fields"]["to"], serde_json::json!(["rlee@contoso.com"]));
    assert!(
        a["fields"].get("subject").is_none(),
        "subjects are private by default: {a:#}"
    );
    assert_eq!(a["fields"]["message_class"], "IPM.Note");
    assert_eq!(a["fields"]["disposition"], "SaveOnly");
    assert_eq!(a["fields"]["saved_folder"], "drafts");
    assert_eq!(a["age_secs"], 3 * 3600);
    assert!(a.get("body").is_none(), "bodies are private by default");
    let (shown, _, _) = report_json(&[t.path()], &["--show-content"]);
    assert_eq!(item(&shown, "a-old.xml")["fields"]["subject"], "Hello Rob");

    let b = item(&v, "b-utf16.xml");
    assert_eq!(b["format"], "xml");
    assert_eq!(b["encoding"], "utf-16le-bom");
    assert_eq!(b["fields"]["message_class"], "IM.Note.MissedConversation");
    assert_eq!(b["fields"]["to"], serde_json::json!(["mkim@contoso.com"]));

    let c = item(&v, "c.eml");
    assert_eq!(c["format"], "mime");
    assert_eq!(c["fields"]["from"], "jdoe@contoso.com");
    assert_eq!(
        c["fields"]["to"],
        serde_json::json!(["ext@fabrikam.com", "rlee@contoso.com"])
    );
    assert_eq!(c["fields"]["cc"], serde_json::json!(["boss@contoso.com"]));
    assert_eq!(item(&shown, "c.eml")["fields"]["subject"], "Quarterly");
    assert_eq!(c["fields"]["message_class"], "IPM.Note.Microsoft.Missed");
    assert_eq!(c["fields"]["sources"]["from"], "mime:From");

    assert_eq!(item(&v, "d.bin")["format"], "binary");
    assert_eq!(item(&v, "e.empty")["format"], "empty");
    assert_eq!(
        item(&v, "x.txt")["fields"]["addresses"],
        serde_json::json!(["ops@fabrikam.com"])
    );

    let f: Vec<&Value> = v["findings"].as_array().expect("findings").iter().collect();
    let stuck: Vec<&&Value> = f.iter().filter(|f| f["rule"] == "spool-stuck").collect();
    assert_eq!(stuck.len(), 2, "one per account with stuck items");
    let j = stuck
        .iter()
        .find(|f| f["account"] == "jdoe@contoso.com")
        .expect("jdoe finding");
    assert_eq!(j["severity"], "critical", "oldest is older than an hour");
    assert_eq!(j["evidence"].as_array().expect("evidence").len(), 3);
    assert!(j["remediation"].as_str().is_some_and(|r| !r.is_empty()));

    let kinds: Vec<&str> = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "spooler").count(), 3);
}

#[test]
fn shorter_timer_makes_a_minute_old_item_stuck() {
    let t = tempfile::tempdir().expect("tempdir");
    build_tree(t.path());
    let (v, _, _) = report_json(&[t.path()], &["--stuck-after", "30s"]);
    assert_eq!(v["stuck_after_secs"], 30);
    assert_eq!(item(&v, "d.bin")["stuck"], true);
    assert_eq!(
        item(&v, "e.empty")["stuck"],
        false,
        "exactly 30 s is not older than 30 s"
    );
}

#[test]
fn show_content_reveals_bodies() {
    let t = tempfile::tempdir().expect("tempdir");
    build_tree(t.path());
    let (v, _, _) = report_json(&[t.path()], &["--show-content"]);
    assert_eq!(item(&v, "a-old.xml")["body"], "secret body text");
    let out = bin()
        .args(["report", "--color", "never", "--now", NOW])
        .arg(t.path())
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("secret body text"));
    assert!(
        !text.contains("Hello Rob"),
        "subjects are hidden in text by default"
    );
}

#[test]
fn future_items_are_clock_skew() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("future.xml"), b"<a/>", -3600);
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(item(&v, "future.xml")["state"], "clock-skew");
    assert_eq!(item(&v, "future.xml")["stuck"], false);
    assert!(v["findings"]
        .as_array()
        .expect("f")
        .iter()
        .any(|f| f["rule"] == "clock-skew"));
    assert_eq!(code, 1);
}

#[test]
fn healthy_tree_exits_zero_and_fail_on_is_honoured() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("fresh.xml"), b"<a/>", 10);
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 0);
    // Only the advice to turn tracing on (info) for an account without logs.
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("f")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert_eq!(rules, vec!["tracing-missing"]);
    assert_eq!(v["findings"][0]["severity"], "info");
    let (_, code, _) = report_json(&[t.path()], &["--fail-on", "info"]);
    assert_eq!(code, 1, "--fail-on info counts the info finding");

    put(&sp.join("old.xml"), b"<a/>", 300);
    let (_, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1);
    let (_, code, _) = report_json(&[t.path()], &["--fail-on", "critical"]);
    assert_eq!(code, 0, "a warning is below critical");
    let (_, code, _) = report_json(&[t.path()], &["--fail-on", "never"]);
    assert_eq!(code, 0);
}

#[test]
fn escape_sequences_never_reach_text_or_markdown() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    let evil_name = "x\x1b]0;pwned\x07\x1b[2J.xml";
    put(
        &sp.join(evil_name),
        create_item(
            "a@contoso.com",
            "hi \x1b]0;title\x07 \x1b[2J \u{202e}gnp.exe",
            "IPM.Note",
        )
        .as_bytes(),
        600,
    );
    for (fmt, extra) in [
        ("markdown", vec![]),
        ("text", vec!["--color", "never"]),
        ("text", vec!["--color", "never", "--show-content"]),
    ] {
        let out = bin()
            .args(["report", "--format", fmt, "--now", NOW])
            .args(&extra)
            .arg(t.path())
            .output()
            .expect("run");
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !bytes.contains(&0x1b),
                "{fmt} {stream} has ESC: {}",
                String::from_utf8_lossy(bytes)
            );
            assert!(!bytes.contains(&0x07), "{fmt} {stream} has BEL");
            assert!(
                !String::from_utf8_lossy(bytes).contains('\u{202e}'),
                "{fmt} {stream} has RLO"
            );
        }
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("\\x1b"),
            "escapes are shown, not dropped"
        );
    }
    // JSON carries the data, escaped.
    let (v, _, _) = report_json(&[t.path()], &[]);
    assert!(item(&v, ".xml")["path"]
        .as_str()
        .expect("path")
        .contains('\x1b'));
}

#[test]
fn demo_report_runs_anywhere() {
    let out = bin()
        .args(["demo", "--report", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "the demo has stuck items");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("STUCK"), "{s}");
    assert!(s.contains("spool-stuck"), "{s}");
    assert!(s.contains("jdoe@contoso.com"));

    let out = bin()
        .args(["demo", "--report", "--format", "json"])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["summary"]["stuck"].as_u64().expect("stuck") >= 4);
    // The demo's written times agree with its file times and its logs are not from the
    // future: the rules that say otherwise stay quiet on it.
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for quiet in ["spool-times-disagree", "log-clock-ahead"] {
        assert!(!rules.contains(&quiet), "{quiet}: {rules:?}");
    }
}

#[test]
fn usage_errors_exit_two() {
    let out = bin()
        .args(["report", "/definitely/not/here"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/definitely/not/here"), "{err}");
    assert!(err.contains("nothing could be scanned"), "{err}");

    let out = bin()
        .args(["report", "--stuck-after", "soon", "."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));

    let out = bin()
        .args(["report", "--now", "yesterday", "."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));

    if !cfg!(windows) {
        let out = bin().arg("report").output().expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("spoolscope demo"));
    }
}

#[test]
fn bad_config_names_file_and_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .args(["report", "--config"])
        .arg(config_fixture("unknown-key.toml"))
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown-key.toml") && err.contains("line 2"),
        "{err}"
    );

    let cfg = config_fixture("stuck-30s.toml");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("m.xml"), b"<a/>", 60);
    let (v, _, _) = report_json(&[t.path()], &["--config", cfg.to_str().expect("utf8")]);
    assert_eq!(v["stuck_after_secs"], 30);
    assert_eq!(item(&v, "m.xml")["stuck"], true);
}

#[test]
fn windows_style_arguments_are_accepted() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("m.xml"), b"<a/>", 600);
    let arg = format!("{}\\Users\\u\\AppData\\Local", t.path().display());
    let (v, _, _) = report_json(&[Path::new(&arg)], &[]);
    assert_eq!(v["accounts"][0]["address"], "u@contoso.com");

    let out = bin()
        .env("SPOOLSCOPE_TEST_ROOT", t.path())
        .args([
            "report",
            "--format",
            "json",
            "--now",
            NOW,
            "%SPOOLSCOPE_TEST_ROOT%\\Users",
        ])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["accounts"][0]["address"], "u@contoso.com");
}

#[test]
fn all_users_with_a_profiles_root() {
    let t = tempfile::tempdir().expect("tempdir");
    build_tree(t.path());
    let users = t.path().join("Users");
    fs::create_dir_all(users.join("Public/AppData/Local")).expect("mkdir");
    let (v, _, _) = report_json(
        &[],
        &[
            "--all-users",
            "--profiles-root",
            users.to_str().expect("utf8"),
        ],
    );
    assert_eq!(v["accounts"].as_array().expect("a").len(), 4);
}

#[test]
fn broken_pipe_is_not_an_error() {
    let t = tempfile::tempdir().expect("tempdir");
    build_tree(t.path());
    let mut child = Guarded::bin(
        &[
            "report".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--fail-on".as_ref(),
            "never".as_ref(),
            t.path().as_os_str(),
        ],
        RUN_LIMIT,
    );
    drop(child.stdout.take());
    let stderr = lines_of(child.stderr.take().expect("stderr"));
    let status = child.wait(WAIT_LIMIT);
    let err: Vec<String> = stderr.iter().collect();
    assert_eq!(status.code(), Some(0), "{err:?}");
    assert!(!err.iter().any(|l| l.contains("panicked")), "{err:?}");
}
