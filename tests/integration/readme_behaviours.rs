//! One test per README promise that had none: each runs the real binary on real files and
//! checks the specific outcome the README states. (`watch` lines, `--output`, the polling
//! fallback and SIGINT are in `watch_cli.rs` and `readonly_terminal.rs`.)

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn item<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no item {name} in {:#}", v["items"]))
}

fn stuck_tree(root: &Path) -> PathBuf {
    let sp = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("stuck.xml"),
        create_item("rlee@contoso.com", "Quarterly numbers", "IPM.Note").as_bytes(),
        900,
    );
    sp
}

// ------------------------------------------------------------------ fleet

fn report_at(dir: &Path, name: &str, host: &str, tree: &Path, now: &str) -> PathBuf {
    let out = bin()
        .env("HOSTNAME", host)
        .env("COMPUTERNAME", host)
        .args(["report", "--format", "json", "--now", now])
        .arg(tree)
        .output()
        .expect("run");
    let p = dir.join(name);
    fs::write(&p, &out.stdout).expect("write");
    p
}

/// README: "For each host the newest report wins (the others are listed as superseded)".
#[test]
fn fleet_keeps_the_newest_report_per_host() {
    let tree = tempfile::tempdir().expect("tempdir");
    let sp = stuck_tree(tree.path());
    // 13:45 report: stuck.xml (written 13:45 with NOW 14:00 − 900 s) is 0 s old: not stuck.
    // 14:00 report: 15 minutes old, stuck.
    for (older_name, newer_name) in [("a-old.json", "b-new.json"), ("b-old.json", "a-new.json")] {
        let reports = tempfile::tempdir().expect("tempdir");
        let older = report_at(
            reports.path(),
            older_name,
            "WS-7",
            tree.path(),
            "2026-03-02T13:45:00Z",
        );
        let newer = report_at(reports.path(), newer_name, "WS-7", tree.path(), NOW);
        let out = bin()
            .args(["fleet", "--format", "json"])
            .arg(reports.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "the newer report has a finding");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["hosts"], 1);
        assert_eq!(v["reports"], 2);
        let rows = v["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0]["stuck"], 1, "the newer report's numbers");
        assert_eq!(rows[0]["report_time"], NOW);
        assert!(rows[0]["source"]
            .as_str()
            .is_some_and(|s| s.ends_with(newer_name)));
        let notes: Vec<&str> = v["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with(&older.to_string_lossy().into_owned())
                && notes[0].contains(&format!(
                    "superseded by newer {} for host WS-7",
                    newer.display()
                )),
            "{notes:?}"
        );
        // The text table says it too.
        let out = bin()
            .args(["fleet", "--color", "never"])
            .arg(reports.path())
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("superseded by newer"), "{text}");
    }
    drop(sp);
}

// ------------------------------------------------------------------ bundle

/// README: `files/<root>/<log path>.excerpt.txt` holds "20 lines around every piece of log
/// evidence, the evidence line marked `>`", and the manifest says "whether it was redacted".
#[test]
fn bundle_log_excerpts_and_the_redacted_flag() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = stuck_tree(t.path());
    put(&sp.join("fresh.xml"), b"<a/>", 10);
    let tracing = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com")
        .parent()
        .expect("Lync")
        .join("Tracing");
    let mut log = String::new();
    for i in 1..=80u32 {
        let line = match i {
            40 => "03/02/2026|13:45:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized <t:Subject>Merger Zanzibar</t:Subject>".to_string(),
            _ => format!("03/02/2026|13:{:02}:{:02}.000 1F68:C14 INFO  :: routine line marker-{i:03}", 10 + i / 60, i % 60),
        };
        log.push_str(&line);
        log.push_str("\r\n");
    }
    put(&tracing.join("Lync-UccApi-0.UccApilog"), log.as_bytes(), 0);
    let out_dir = tempfile::tempdir().expect("tempdir");
    for include in [false, true] {
        let zip = out_dir.path().join(format!("case-{include}.zip"));
        let mut c = bin();
        c.args(["bundle", "--now", NOW, "--log-tz", "UTC", "-o"])
            .arg(&zip)
            .arg(t.path());
        if include {
            c.arg("--include-content");
        }
        let run = c.output().expect("run");
        assert_eq!(
            run.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let entries = zip_entries(&zip);
        let (name, excerpt) = entries
            .iter()
            .find(|(n, _)| n.ends_with("Tracing/Lync-UccApi-0.UccApilog.excerpt.txt"))
            .unwrap_or_else(|| {
                panic!(
                    "no excerpt in {:?}",
                    entries.iter().map(|e| &e.0).collect::<Vec<_>>()
                )
            });
        let excerpt = String::from_utf8_lossy(excerpt);
        let lines: Vec<&str> = excerpt.lines().collect();
        // Lines 20..=60: 20 on each side of line 40, numbered, the evidence line marked.
        assert_eq!(lines.len(), 41, "{excerpt}");
        assert!(lines[0].starts_with("      20: "), "{excerpt}");
        assert!(lines[40].starts_with("      60: "), "{excerpt}");
        let marked: Vec<&&str> = lines.iter().filter(|l| l.starts_with('>')).collect();
        assert_eq!(marked.len(), 1, "{excerpt}");
        assert!(marked[0].starts_with(">     40: "), "{excerpt}");
        assert!(marked[0].contains("401 Unauthorized"), "{excerpt}");
        assert_eq!(excerpt.contains("Merger Zanzibar"), include, "{excerpt}");
        if !include {
            assert!(
                marked[0].contains("<t:Subject>xxxxxx xxxxxxxx</t:Subject>"),
                "{excerpt}"
            );
        }
        let manifest: Value = serde_json::from_slice(
            &entries
                .iter()
                .find(|(n, _)| n == "manifest.json")
                .expect("manifest")
                .1,
        )
        .expect("json");
        assert_eq!(manifest["content_included"], include);
        let entry = |suffix: &str| -> &Value {
            manifest["files"]
                .as_array()
                .expect("files")
                .iter()
                .find(|f| f["source"].as_str().is_some_and(|s| s.ends_with(suffix)))
                .unwrap_or_else(|| panic!("no {suffix} in the manifest"))
        };
        let log = entry("Lync-UccApi-0.UccApilog");
        assert_eq!(log["archived_as"].as_str(), Some(name.as_str()));
        assert_eq!(log["redacted"], !include, "the excerpt's flag");
        let stuck = entry("stuck.xml");
        assert_eq!(stuck["redacted"], !include, "the stuck copy's flag");
        assert!(stuck["archived_as"].as_str().is_some());
        let fresh = entry("fresh.xml");
        assert_eq!(
            fresh["redacted"], false,
            "nothing of a fresh item is copied"
        );
        assert!(fresh["archived_as"].is_null());
    }
}

// ------------------------------------------------------------------ what the walk reads

/// README: "`desktop.ini`, `Thumbs.db` and `.DS_Store` are `ignored`" (never stuck, never a
/// finding, whatever their age).
#[test]
fn desktop_ini_thumbs_db_and_ds_store_are_ignored() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    for name in ["desktop.ini", "Thumbs.db", ".DS_Store", "DESKTOP.INI"] {
        put(&sp.join(name), b"[.ShellClassInfo]\r\n", 30 * 86_400);
    }
    put(&sp.join("fresh.xml"), b"<a/>", 10);
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(code, 0, "ignored files are no finding: {stderr}");
    for name in ["desktop.ini", "Thumbs.db", ".DS_Store", "DESKTOP.INI"] {
        let it = item(&v, name);
        assert_eq!(it["state"], "ignored", "{name}");
        assert_eq!(it["stuck"], false, "{name}");
        assert_eq!(it["ignorable"], true, "{name}");
    }
    assert_eq!(v["accounts"][0]["stuck"], 0);
    assert!(v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["rule"] != "spool-stuck"));
}

/// README: "the walk stops at 48 levels": a spooled file 48 levels below the PATH is read, one
/// level deeper is not, and the folder not opened is named in the errors.
#[test]
fn the_walk_stops_at_48_levels() {
    let t = tempfile::tempdir().expect("tempdir");
    // root/d/…/d (k folders)/sip_x/History Spooler/item.xml: the item is at depth k + 3.
    let at = |k: usize, who: &str| {
        let mut p = t.path().join(who);
        for _ in 0..k {
            p.push("d");
        }
        p.join(format!("sip_{who}@contoso.com"))
            .join("History Spooler")
    };
    let shallow = at(44, "a"); // item at depth 48 below the PATH (who folder included: 1 + 44 + 3)
    let deep = at(45, "b"); // item at depth 49
    put(&shallow.join("item.xml"), b"<a/>", 600);
    put(&deep.join("item.xml"), b"<a/>", 600);
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{stderr}");
    let items: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        items[0].starts_with(&shallow.to_string_lossy().into_owned()),
        "{items:?}"
    );
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0]["path"].as_str(),
        Some(deep.to_str().expect("utf8"))
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("deeper than 48 levels")),
        "{errors:#?}"
    );
    // Both accounts are known (b's spooler is listed, not opened).
    assert_eq!(v["accounts"].as_array().expect("accounts").len(), 2);
}

// ------------------------------------------------------------------ report formats and colour

/// README: "`spoolscope report --format ndjson` prints the whole JSON report on one line".
#[test]
fn report_ndjson_is_the_whole_report_on_one_line() {
    let t = tempfile::tempdir().expect("tempdir");
    stuck_tree(t.path());
    let nd = bin()
        .args(["report", "--format", "ndjson", "--now", NOW])
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(nd.status.code(), Some(1));
    let text = String::from_utf8(nd.stdout).expect("utf-8");
    assert_eq!(text.matches('\n').count(), 1, "{text}");
    assert!(text.ends_with('\n'));
    let one: Value = serde_json::from_str(text.trim_end()).expect("one JSON object");
    let (full, _, _) = report_json(&[t.path()], &[]);
    for k in [
        "schema_version",
        "now",
        "summary",
        "accounts",
        "items",
        "findings",
        "sources",
        "errors",
    ] {
        assert_eq!(one[k], full[k], "{k}");
    }
}

#[cfg(unix)]
fn report_on_a_terminal(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> String {
    let mut args = vec!["report", "--now", NOW];
    args.extend_from_slice(extra);
    let root = dir.to_string_lossy().into_owned();
    args.push(&root);
    let mut cmd = sh_quote(&bin_path().to_string_lossy());
    for a in &args {
        cmd.push(' ');
        cmd.push_str(&sh_quote(a));
    }
    let pty = Pty::spawn(&cmd, env);
    String::from_utf8_lossy(&pty.finish(WAIT_LIMIT)).into_owned()
}

/// README: `--color auto` "honours `NO_COLOR` and `TERM=dumb`": on a terminal the text report
/// is coloured, and not with either of them; `--color always` still colours.
#[cfg(unix)]
#[test]
fn no_color_and_term_dumb_turn_colour_off_on_a_terminal() {
    if !have_script() {
        return;
    }
    let t = tempfile::tempdir().expect("tempdir");
    stuck_tree(t.path());
    let sgr = regex::Regex::new(r"\x1b\[[0-9;]*m").expect("regex");
    let coloured = report_on_a_terminal(t.path(), &[], &[]);
    assert!(coloured.contains("spool-stuck"), "{coloured}");
    assert!(
        sgr.is_match(&coloured),
        "no colour on a terminal: {coloured:?}"
    );
    for env in [[("NO_COLOR", "1")], [("TERM", "dumb")]] {
        let plain = report_on_a_terminal(t.path(), &env, &[]);
        assert!(plain.contains("spool-stuck"), "{plain}");
        assert!(!sgr.is_match(&plain), "{env:?} still coloured: {plain:?}");
        let forced = report_on_a_terminal(t.path(), &env, &["--color", "always"]);
        assert!(
            sgr.is_match(&forced),
            "{env:?} with --color always: {forced:?}"
        );
    }
}

// ------------------------------------------------------------------ configuration

/// README: "Config file: `--config FILE`, else `$SPOOLSCOPE_CONFIG`, else …".
#[test]
fn spoolscope_config_is_read_and_config_flag_wins() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("a-minute.xml"), b"<a/>", 60);
    let env_cfg = config_fixture("stuck-30s.toml");
    let flag_cfg = config_fixture("stuck-5m.toml");
    let run = |extra: &[&str]| -> Value {
        let out = bin()
            .env("SPOOLSCOPE_CONFIG", &env_cfg)
            .args(["report", "--format", "json", "--now", NOW])
            .args(extra)
            .arg(t.path())
            .output()
            .expect("run");
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let v = run(&[]);
    assert_eq!(v["stuck_after_secs"], 30, "$SPOOLSCOPE_CONFIG read");
    assert_eq!(item(&v, "a-minute.xml")["stuck"], true);
    let v = run(&["--config", flag_cfg.to_str().expect("utf8")]);
    assert_eq!(
        v["stuck_after_secs"], 300,
        "--config wins over the variable"
    );
    // A bad file named by the variable is exit 2, naming it.
    let out = bin()
        .env("SPOOLSCOPE_CONFIG", config_fixture("typo-key.toml"))
        .args(["report", "--now", NOW])
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("typo-key.toml") && err.contains("line 2"),
        "{err}"
    );
}

/// README: the sample config (`tests/fixtures/config/example.toml`) is a working config: its
/// format, threshold and fail level apply.
#[test]
fn the_sample_config_applies() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("a-minute.xml"), b"<a/>", 60);
    let out = bin()
        .args(["report", "--now", NOW, "--config"])
        .arg(config_fixture("example.toml"))
        .arg(t.path())
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json: format = \"json\" applied");
    assert_eq!(v["stuck_after_secs"], 30);
    assert_eq!(item(&v, "a-minute.xml")["stuck"], true);
    // A one-minute-old item is a warning; `fail_on = "critical"` keeps the exit code 0.
    let stuck = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "spool-stuck")
        .expect("spool-stuck");
    assert_eq!(stuck["severity"], "warning");
    assert_eq!(out.status.code(), Some(0), "fail_on = \"critical\" applied");
}

/// README: a `[keys]` table "rebinds actions (… a key given to one action is taken from any
/// other)"; a bad action name is a config error naming the file and line, when the file is
/// loaded (by any command), not when the view starts.
#[test]
fn keys_from_a_config_file() {
    let t = tempfile::tempdir().expect("tempdir");
    stuck_tree(t.path());
    let bad = config_fixture("bad-keys.toml");
    for cmd in [
        &["report"][..],
        &["watch"][..],
        &["bundle", "-o", "/nonexistent/x.zip"][..],
        &[][..],
    ] {
        let out = bin()
            .args(cmd)
            .arg("--config")
            .arg(&bad)
            .arg(t.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("bad-keys.toml: line 5: keys: unknown action 'nxt-error'"),
            "{cmd:?}: {err}"
        );
    }
    let bad_key = config_fixture("bad-key.toml");
    let out = bin()
        .args(["report", "--config"])
        .arg(&bad_key)
        .arg(t.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad-key.toml: line 2: keys.quit: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // In the live view: `x` quits, and `q` (taken by the rebinding) no longer does.
    #[cfg(unix)]
    {
        if !have_script() {
            return;
        }
        let good = config_fixture("quit-on-x.toml");
        let cmd = format!(
            "{} --config {} {}",
            sh_quote(&bin_path().to_string_lossy()),
            sh_quote(&good.to_string_lossy()),
            sh_quote(&t.path().to_string_lossy())
        );
        let mut pty = Pty::spawn(&cmd, &[]);
        pty.wait_for_frame();
        pty.wait_text(0, "jdoe@contoso.com");
        // `?` shows the help generated from the keymap: quit is on x.
        let at = pty.send(b"?");
        pty.wait_text(at, "quit (or close the popup)");
        // `?` again closes it (a lone ESC followed at once by a key would read as Alt+key).
        pty.send(b"?");
        // q is no longer bound: the view goes on and takes the next key (2: the findings).
        pty.send(b"q");
        let at = pty.send(b"2");
        pty.wait_text(at, "⏎ explain");
        assert!(pty.child.running(), "q still quit after it was rebound");
        pty.send(b"x");
        let out = pty.finish(WAIT_LIMIT);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("STTY-AFTER"), "x did not quit");
    }
}

// ------------------------------------------------------------------ exit codes

/// README: `--fail-on critical` "… exit code 1 means a user has messages that will not reach
/// Exchange": a critical finding (the oldest stuck item older than an hour) exits 1.
#[test]
fn fail_on_critical_with_a_critical_finding_exits_one() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "u", "16.0", "u@contoso.com").join("History Spooler");
    put(&sp.join("old.xml"), b"<a/>", 2 * 3600);
    let (v, code, _) = report_json(&[t.path()], &["--fail-on", "critical"]);
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "spool-stuck")
        .expect("spool-stuck");
    assert_eq!(f["severity"], "critical");
    assert_eq!(code, 1);
    let (_, code, _) = report_json(&[t.path()], &["--fail-on", "never"]);
    assert_eq!(code, 0);
}

/// README: exit code 2 for a usage error: a bad `--log-tz`, a `--mailbox` (or `--log`) file
/// that is not there; one line on stderr naming it, nothing on stdout.
#[test]
fn bad_log_tz_and_missing_named_files_exit_two() {
    let t = tempfile::tempdir().expect("tempdir");
    stuck_tree(t.path());
    let missing = t.path().join("no-such-drafts.xml");
    let folder = t.path().join("Users");
    for (args, want) in [
        (vec!["--log-tz", "mars"], "mars"),
        (vec!["--log-tz", "+25:00"], "+25:00"),
        (vec!["--log-time-format", "%Q"], "not a chrono time format"),
        (
            vec!["--log-time-format", "%d.%m.%Y %"],
            "not a chrono time format",
        ),
        (
            vec!["--mailbox", missing.to_str().expect("utf8")],
            "no-such-drafts.xml: no such file",
        ),
        (
            vec!["--log", missing.to_str().expect("utf8")],
            "no-such-drafts.xml: no such file",
        ),
        (
            vec!["--mailbox", folder.to_str().expect("utf8")],
            "is a folder",
        ),
    ] {
        for with_path in [true, false] {
            let mut c = bin();
            c.args(["report", "--now", NOW]).args(&args);
            if with_path {
                c.arg(t.path());
            }
            let out = c.output().expect("run");
            assert_eq!(out.status.code(), Some(2), "{args:?} path={with_path}");
            assert!(out.stdout.is_empty(), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(want), "{args:?}: {err}");
            assert!(!err.contains("vanished"), "{args:?}: {err}");
        }
    }
}

/// A negative offset after a space is the flag's value, not a flag (`--log-tz -05:00`).
#[test]
fn negative_offsets_are_taken_after_a_space() {
    let t = tempfile::tempdir().expect("tempdir");
    stuck_tree(t.path());
    for flag in ["--log-tz", "--time-zone"] {
        let out = bin()
            .args(["report", "--now", NOW, flag, "-05:00"])
            .arg(t.path())
            .output()
            .expect("run");
        assert_ne!(
            out.status.code(),
            Some(2),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ------------------------------------------------------------------ local time zone

/// README: "`--log-tz` … default: the zone of the machine spoolscope runs on". With the
/// machine in Central European time (a real offset, and the March 2026 change to summer time
/// inside the log), zone-less log times are read with the offset in force at each time: +01:00
/// before the change, +02:00 after, a time in the skipped hour is impossible, and correlation
/// uses the right instants.
#[test]
fn default_local_log_tz_follows_the_machine_zone_across_dst() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    let tracing = sp
        .parent()
        .and_then(Path::parent)
        .expect("Lync")
        .join("Tracing");
    fs::create_dir_all(&tracing).expect("mkdir");
    fs::write(
        tracing.join("Lync-UccApi-0.UccApilog"),
        "03/29/2026|01:30:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized before-the-change\r\n\
         03/29/2026|02:30:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized in-the-skipped-hour\r\n\
         03/29/2026|03:30:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized after-the-change\r\n",
    )
    .expect("write log");
    // Written at 01:31Z = 03:31 summer time: one minute after the last line.
    fs::create_dir_all(&sp).expect("mkdir");
    let item_path = sp.join("stuck.xml");
    fs::write(&item_path, create_item("rlee@contoso.com", "s", "IPM.Note")).expect("write");
    let written = std::time::UNIX_EPOCH + Duration::from_secs(1_774_747_860); // 2026-03-29T01:31:00Z
    fs::File::options()
        .write(true)
        .open(&item_path)
        .expect("open")
        .set_modified(written)
        .expect("mtime");
    let out = bin()
        // POSIX rule for Central European time: no time-zone database needed.
        .env("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
        .args([
            "report",
            "--format",
            "json",
            "--now",
            "2026-03-29T02:00:00Z",
        ])
        .arg(t.path())
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let src = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["kind"] == "uccapilog")
        .expect("the log");
    assert_eq!(src["time_zone"], "local");
    assert_eq!(src["first"], "2026-03-29T01:30:00+01:00");
    assert_eq!(src["last"], "2026-03-29T03:30:00+02:00");
    assert_eq!(src["records"], 3);
    // 02:30 does not exist that night: by the documented rule it is shifted forward by the gap
    // (read with the offset before the change: 02:30+01:00, shown as 03:30+02:00).
    let evidence: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["evidence"].as_array().into_iter().flatten())
        .collect();
    let gap = evidence
        .iter()
        .find(|e| {
            e["excerpt"]
                .as_str()
                .is_some_and(|x| x.contains("in-the-skipped-hour"))
        })
        .expect("the skipped-hour line is evidence");
    assert_eq!(gap["time"], "2026-03-29T03:30:00+02:00", "{gap}");
    for (tag, time) in [
        ("before-the-change", "2026-03-29T01:30:00+01:00"),
        ("after-the-change", "2026-03-29T03:30:00+02:00"),
    ] {
        let e = evidence
            .iter()
            .find(|e| e["excerpt"].as_str().is_some_and(|x| x.contains(tag)))
            .unwrap_or_else(|| panic!("{tag}"));
        assert_eq!(e["time"], time, "{tag}");
    }
    let tz = v["log_time_zone"].as_str().expect("log_time_zone");
    assert!(
        tz.starts_with("local time of this machine (now UTC+0"),
        "{tz}"
    );
    // Correlation: only the line one minute before the write (03:30 summer time = 01:30Z) is
    // related; the 01:30 winter-time line is an hour earlier (00:30Z).
    let related: Vec<&str> = item(&v, "stuck.xml")["related"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["excerpt"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        related.iter().any(|x| x.contains("after-the-change")),
        "{related:?}"
    );
    assert!(
        !related.iter().any(|x| x.contains("before-the-change")),
        "{related:?}"
    );
}
