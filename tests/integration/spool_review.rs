//! Spooler readings from a review with inputs nobody on the team wrote: file times reset by a
//! copy, a spooler folder whose name was altered in transit, folders inside a spooler, MIME in
//! other writers' shapes and names that are not UTF-8. Each test runs the binary on real files.

use crate::common::*;
use serde_json::Value;

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn text_report(root: &std::path::Path) -> (String, i32) {
    let out = bin()
        .arg("report")
        .arg(root)
        .args(["--now", NOW, "--color", "never"])
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Items copied without their modification times (30 s old by file time) whose embedded send
/// times are 3 days old: not an all-clear. The run exits 1 with `spool-times-disagree`, and the
/// text report shows each such item's embedded time. Items whose send time agrees with the
/// file time raise nothing.
#[test]
fn file_times_reset_by_a_copy_are_no_all_clear() {
    let t = tempfile::tempdir().expect("tmp");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    let mime = |date: &str| {
        format!(
            "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nDate: {date}\r\nSubject: s\r\n\r\nb\r\n"
        )
    };
    put(
        &sp.join("m1.eml"),
        mime("Fri, 27 Feb 2026 10:00:00 +0000").as_bytes(),
        30,
    );
    put(
        &sp.join("x.xml"),
        b"<m:CreateItem MessageDisposition=\"SaveOnly\" xmlns:m=\"m\" xmlns:t=\"t\"><m:Items>\
          <t:Message><t:DateTimeSent>2026-02-27T10:00:00Z</t:DateTimeSent></t:Message>\
          </m:Items></m:CreateItem>",
        30,
    );
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(v["summary"]["stuck"], 0, "{v:#}");
    let f = findings(&v, "spool-times-disagree");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["account"], "jdoe@contoso.com");
    assert_eq!(f[0]["evidence"].as_array().expect("evidence").len(), 2);
    assert!(
        f[0]["title"].as_str().expect("title").contains("3d 4h"),
        "{}",
        f[0]["title"]
    );
    let (text, code) = text_report(t.path());
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("spool-times-disagree"), "{text}");
    assert_eq!(
        text.matches("sent 2026-02-27 10:00:00 UTC by the time written in it")
            .count(),
        2,
        "{text}"
    );

    // Send times that agree with the file times: nothing raised, exit 0.
    let ok = tempfile::tempdir().expect("tmp");
    let sp = sip_dir(ok.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("m1.eml"),
        mime("Mon, 02 Mar 2026 13:59:20 +0000").as_bytes(),
        30,
    );
    let (v, code, stderr) = report_json(&[ok.path()], &[]);
    assert_eq!(code, 0, "{stderr} {v:#}");
    assert!(findings(&v, "spool-times-disagree").is_empty(), "{v:#}");
    let (text, _) = text_report(ok.path());
    assert!(!text.contains("by the time written in it"), "{text}");
}

/// A spooler folder whose name arrived as `History%20Spooler` or `History_Spooler` holds a
/// 4-hour-old message: it is read as the spooler (the item is stuck, exit 1, a note names the
/// folder), never "no History Spooler folder" then "spooler empty: healthy".
#[test]
fn altered_spooler_folder_name_is_read_as_the_spooler() {
    for name in ["History%20Spooler", "History_Spooler"] {
        let t = tempfile::tempdir().expect("tmp");
        let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join(name);
        put(
            &sp.join("{A1}.eml"),
            b"From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s\r\n\r\nb\r\n",
            4 * 3600,
        );
        let (v, code, stderr) = report_json(&[t.path()], &[]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert_eq!(v["summary"]["stuck"], 1, "{name}: {v:#}");
        assert!(
            v["ignored"].as_array().expect("ignored").is_empty(),
            "{v:#}"
        );
        assert!(
            v["accounts"][0]["spooler"]
                .as_str()
                .expect("spooler")
                .ends_with(name),
            "{v:#}"
        );
        let notes = v["notes"].as_array().expect("notes");
        assert!(
            notes
                .iter()
                .any(|n| n["path"].as_str().is_some_and(|p| p.ends_with(name))
                    && n["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("heuristic"))),
            "{v:#}"
        );
        assert_eq!(findings(&v, "spool-stuck").len(), 1, "{v:#}");
        let (text, _) = text_report(t.path());
        assert!(!text.contains("no History Spooler folder"), "{text}");
        assert!(!text.contains("healthy"), "{text}");
    }
}

/// A `sip_*` folder without any spooler says so, and does not also call its (absent) spooler
/// healthy; an empty real spooler still reads "spooler empty: healthy".
#[test]
fn an_account_without_a_spooler_is_not_called_healthy() {
    let t = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(sip_dir(t.path(), "amy", "16.0", "amy@contoso.com")).expect("mkdir");
    let (text, code) = text_report(t.path());
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("no History Spooler folder"), "{text}");
    assert!(!text.contains("healthy"), "{text}");
    let md = bin()
        .arg("report")
        .arg(t.path())
        .args(["--now", NOW, "--format", "markdown"])
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("No History Spooler folder"), "{md}");
    assert!(!md.contains("healthy"), "{md}");

    let e = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(
        sip_dir(e.path(), "amy", "16.0", "amy@contoso.com").join("History Spooler"),
    )
    .expect("mkdir");
    let (text, code) = text_report(e.path());
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("spooler empty: healthy"), "{text}");
}

/// Empty folders inside a spooler are each an `ignored[]` entry with its reason; a spooler
/// holding only such folders says so instead of "spooler empty: healthy". A folder with a file
/// in it is not listed: its file is the item.
#[test]
fn empty_folders_in_a_spooler_are_listed_not_healthy() {
    let t = tempfile::tempdir().expect("tmp");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    for d in ["{5F2C0A11-0000}", "{5F2C0A12-0000}"] {
        std::fs::create_dir_all(sp.join(d)).expect("mkdir");
    }
    let (v, code, stderr) = report_json(&[t.path()], &[]);
    assert_eq!(code, 0, "{stderr}");
    let ignored = v["ignored"].as_array().expect("ignored");
    assert_eq!(ignored.len(), 2, "{v:#}");
    for (i, d) in ignored.iter().zip(["{5F2C0A11-0000}", "{5F2C0A12-0000}"]) {
        assert!(i["path"].as_str().expect("path").ends_with(d), "{v:#}");
        assert!(
            i["why"].as_str().expect("why").contains("empty folder"),
            "{v:#}"
        );
    }
    let (text, _) = text_report(t.path());
    assert!(!text.contains("healthy"), "{text}");
    assert!(text.contains("2 empty folder(s) in the spooler"), "{text}");

    // A folder holding a file: the file is an item, the folder is not listed.
    std::fs::remove_dir(sp.join("{5F2C0A12-0000}")).expect("rmdir");
    put(
        &sp.join("{5F2C0A11-0000}/m.eml"),
        b"From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s\r\n\r\nb\r\n",
        4 * 3600,
    );
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{v:#}");
    assert!(
        v["ignored"].as_array().expect("ignored").is_empty(),
        "{v:#}"
    );
    assert_eq!(v["summary"]["items"], 1, "{v:#}");
}

/// MIME items in four other writers' shapes (lone-CR line ends, no blank line before the body,
/// `Subject :`, an mbox `From ` line first) are read as MIME: their federated recipient raises
/// `federated-recipient` for each, as for the usual shape.
#[test]
fn other_writers_mime_shapes_keep_their_headers() {
    let t = tempfile::tempdir().expect("tmp");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    let h = "From: jdoe@contoso.com\r\nTo: zed@fabrikam.com\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\nSubject: hello\r\n";
    let files = [
        (
            "cr_only.eml",
            format!("{}\rbody\r", h.replace("\r\n", "\r")),
        ),
        ("no_blank_line.eml", format!("{h}body line one\r\n")),
        (
            "space_colon.eml",
            "From: jdoe@contoso.com\r\nTo: zed@fabrikam.com\r\nSubject : hello\r\n\r\nbody\r\n"
                .to_string(),
        ),
        (
            "mbox_from.eml",
            format!("From jdoe@contoso.com Mon Mar  2 10:00:00 2026\r\n{h}\r\nbody\r\n"),
        ),
        ("control.eml", format!("{h}\r\nbody\r\n")),
    ];
    for (name, body) in &files {
        put(&sp.join(name), body.as_bytes(), 4 * 3600);
    }
    let (v, _, stderr) = report_json(&[t.path()], &[]);
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), files.len(), "{stderr}");
    for it in items {
        assert_eq!(it["format"], "mime", "{it:#}");
        assert_eq!(it["fields"]["from"], "jdoe@contoso.com", "{it:#}");
        assert_eq!(it["fields"]["to"][0], "zed@fabrikam.com", "{it:#}");
    }
    let fed = findings(&v, "federated-recipient");
    let evidence: usize = fed
        .iter()
        .map(|f| f["evidence"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(!fed.is_empty(), "{v:#}");
    let text = serde_json::to_string(&fed).expect("json");
    for (name, _) in &files {
        assert!(text.contains(name), "{name} not in {text}");
    }
    assert!(evidence >= files.len(), "{text}");
}

/// Two spooled files whose names differ only in bytes that are not UTF-8 share a lossy
/// `items[].path` but have different `path_escaped`; a valid name has no `path_escaped`.
#[cfg(unix)]
#[test]
fn non_utf8_item_names_stay_apart_in_json() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().expect("tmp");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    let mime = b"From: a@contoso.com\r\nTo: b@contoso.com\r\nSubject: s\r\n\r\nb\r\n";
    for n in [&b"\xff.eml"[..], b"\xfe.eml", b"ok.eml"] {
        put(&sp.join(OsStr::from_bytes(n)), mime, 4 * 3600);
    }
    let (v, _, stderr) = report_json(&[t.path()], &[]);
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{stderr}");
    let mut escaped: Vec<String> = items
        .iter()
        .filter_map(|i| i["path_escaped"].as_str().map(str::to_string))
        .collect();
    escaped.sort();
    assert_eq!(escaped.len(), 2, "{v:#}");
    assert!(
        escaped[0].ends_with("History Spooler/\\xfe.eml"),
        "{escaped:?}"
    );
    assert!(
        escaped[1].ends_with("History Spooler/\\xff.eml"),
        "{escaped:?}"
    );
    let ok = items
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with("ok.eml")))
        .expect("ok.eml");
    assert!(ok.get("path_escaped").is_none(), "{ok:#}");
    // NDJSON items carry the same field.
    let out = bin()
        .arg("report")
        .arg(t.path())
        .args(["--now", NOW, "--format", "ndjson"])
        .output()
        .expect("run");
    let nd = String::from_utf8_lossy(&out.stdout);
    assert_eq!(nd.matches("\"path_escaped\"").count(), 2, "{nd}");
}
