//! End-to-end: what a default (redacted) bundle's excerpts of mailbox evidence keep and hide.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// Bundle `root` (redacted unless `content`), return the zip's entries by name.
fn bundle(root: &Path, content: bool) -> Vec<(String, Vec<u8>)> {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("case.zip");
    let mut cmd = bin();
    cmd.args(["bundle", "--now", NOW, "-o"]).arg(&out).arg(root);
    if content {
        cmd.arg("--include-content");
    }
    let run = cmd.output().expect("run");
    assert!(
        out.exists(),
        "no bundle: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    zip_entries(&out)
}

/// The text of the one excerpt whose name ends with `suffix`.
fn excerpt(entries: &[(String, Vec<u8>)], suffix: &str) -> String {
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let (_, b) = entries
        .iter()
        .find(|(n, _)| n.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {names:?}"));
    String::from_utf8(b.clone()).expect("utf-8 excerpt")
}

fn manifest(entries: &[(String, Vec<u8>)]) -> Value {
    let (_, b) = entries
        .iter()
        .find(|(n, _)| n == "manifest.json")
        .expect("manifest");
    serde_json::from_slice(b).expect("json")
}

fn item_rows() -> Vec<[String; 5]> {
    (0..6)
        .map(|i| {
            [
                format!("SECRET{i} Jane Doe sent you a message in Skype for Business"),
                "IM.Note.MissedConversation".into(),
                format!("3/1/2026 10:0{i}:00 AM"),
                "jdoe@contoso.com".into(),
                "Drafts".into(),
            ]
        })
        .collect()
}

/// A CSV item list of offline-IM drafts: the excerpt (which the manifest calls redacted) had
/// every subject verbatim. Now the subjects are `x`s of the same length, and item class, time,
/// address and folder stay; `--include-content` keeps the subjects.
#[test]
fn a_csv_item_list_excerpt_loses_its_subjects() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut csv =
        String::from("\"Subject\",\"ItemClass\",\"DateTimeCreated\",\"From\",\"Folder\"\n");
    for r in item_rows() {
        let q: Vec<String> = r.iter().map(|v| format!("\"{v}\"")).collect();
        csv.push_str(&q.join(","));
        csv.push('\n');
    }
    put(&t.path().join("drafts_items.csv"), csv.as_bytes(), 60);
    let entries = bundle(t.path(), false);
    let x = excerpt(&entries, "drafts_items.csv.excerpt.txt");
    assert!(!x.contains("SECRET") && !x.contains("Jane"), "{x}");
    assert!(
        x.contains("\"xxxxxxx xxxx xxx xxxx xxx x xxxxxxx xx xxxxx xxx xxxxxxxx\",\"IM.Note.MissedConversation\",\"3/1/2026 10:00:00 AM\",\"jdoe@contoso.com\",\"Drafts\""),
        "{x}"
    );
    let m = manifest(&entries);
    let f = m["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| {
            f["archived_as"]
                .as_str()
                .is_some_and(|a| a.ends_with(".csv.excerpt.txt"))
        })
        .expect("the CSV's entry");
    assert_eq!(f["redacted"], true);
    for (name, b) in &entries {
        assert!(
            !String::from_utf8_lossy(b).contains("SECRET"),
            "{name} holds a subject"
        );
    }
    let kept = excerpt(&bundle(t.path(), true), "drafts_items.csv.excerpt.txt");
    assert!(kept.contains("SECRET0 Jane Doe"), "{kept}");
}

const FIND_ITEM_ERROR: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<s:Body>\n\
<m:FindItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">\n\
<m:ResponseMessages>\n<m:FindItemResponseMessage ResponseClass=\"Error\">\n\
<m:MessageText>Access is denied. Check credentials and try again.</m:MessageText>\n\
<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>\n</m:FindItemResponseMessage>\n\
</m:ResponseMessages>\n</m:FindItemResponse>\n</s:Body>\n</s:Envelope>\n";

/// A FindItem error answer saved on one line (everything after `<s:Body>` became `x`s) and
/// pretty-printed: both excerpts keep the response class and code, and say the same.
#[test]
fn a_one_line_ews_answer_keeps_its_response_code() {
    let mut got = Vec::new();
    for one_line in [false, true] {
        let t = tempfile::tempdir().expect("tempdir");
        let text = if one_line {
            FIND_ITEM_ERROR.replace('\n', "") + "\n"
        } else {
            FIND_ITEM_ERROR.to_string()
        };
        put(&t.path().join("ews_answer.xml"), text.as_bytes(), 60);
        let x = excerpt(&bundle(t.path(), false), "ews_answer.xml.excerpt.txt");
        for kept in [
            "<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>",
            "<m:FindItemResponseMessage ResponseClass=\"Error\">",
            "<m:FindItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\"",
        ] {
            assert!(x.contains(kept), "one line: {one_line}: {kept} in {x}");
        }
        // The excerpt's text with line numbers and marks taken off.
        let body: String = x
            .lines()
            .filter_map(|l| l.get(1..).and_then(|l| l.split_once(": ")).map(|(_, b)| b))
            .collect();
        got.push(body);
    }
    assert_eq!(got[0], got[1], "one line and pretty-printed differ");
}

/// Control characters in a saved EWS fault reached the excerpt raw (`unzip -p` sent them to
/// the terminal); now they are escaped as the text report escapes them, with or without
/// `--include-content`.
#[test]
fn excerpts_carry_no_raw_control_characters() {
    let t = tempfile::tempdir().expect("tempdir");
    put(
        &t.path().join("fault.xml"),
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>a:ErrorServerBusy\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}\u{202e}\u{8}\u{7f}</faultcode><faultstring>busy</faultstring></s:Fault></s:Body></s:Envelope>\n".as_bytes(),
        60,
    );
    for content in [false, true] {
        let x = excerpt(&bundle(t.path(), content), "fault.xml.excerpt.txt");
        let raw: Vec<char> = x
            .chars()
            .filter(|&c| c != '\n' && spoolscope::sanitize::is_unsafe(c))
            .collect();
        assert!(raw.is_empty(), "content {content}: raw {raw:?} in {x:?}");
        assert!(
            x.contains("ErrorServerBusy\\x1b]0;owned\\x07\\x1b[2J\\x9b\\u{202e}\\x08\\x7f"),
            "content {content}: {x}"
        );
    }
}

/// The words of `words` that `b` holds, read as UTF-8 and as UTF-16 (either byte order, either
/// byte offset).
fn kept_words<'a>(b: &[u8], words: &[&'a str]) -> Vec<&'a str> {
    let mut views = vec![String::from_utf8_lossy(b).into_owned()];
    for off in [0, 1] {
        for le in [true, false] {
            let units: Vec<u16> = b[off.min(b.len())..]
                .chunks_exact(2)
                .map(|p| {
                    if le {
                        u16::from_le_bytes([p[0], p[1]])
                    } else {
                        u16::from_be_bytes([p[0], p[1]])
                    }
                })
                .collect();
            views.push(String::from_utf16_lossy(&units));
        }
    }
    words
        .iter()
        .copied()
        .filter(|w| views.iter().any(|v| v.contains(w)))
        .collect()
}

/// Review wild4s defect 1: a default bundle copied UTF-8 items with Cyrillic or Japanese text
/// (and binary items with UTF-16 text) verbatim. Every copy now hides that text, keeps its
/// size, and a MIME copy keeps its header names and addresses.
#[test]
fn item_copies_hide_text_of_every_script() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
    let spool = sip.join("History Spooler");
    let ru = "Привет, встреча перенесена на пятницу";
    let jp = "会議は金曜日に変更されました";
    let head = "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n";
    let eml = format!("{head}Subject: {ru}\r\n\r\n{ru} {jp}\r\n");
    put(&spool.join("ru.eml"), eml.as_bytes(), 14_400);
    let xml = format!("<Message><Subject>{ru}</Subject><Body>{jp}</Body></Message>");
    put(&spool.join("ru.xml"), xml.as_bytes(), 14_400);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 56]);
    for u in format!("{ru} {jp}").encode_utf16() {
        ole.extend(u.to_le_bytes());
    }
    ole.extend([0u8; 64]);
    put(&spool.join("ole_msg.bin"), &ole, 14_400);
    let entries = bundle(t.path(), false);
    let words = ["Привет", "пятницу", "встреча", "会議", "金曜日", "変更"];
    let mut copies = 0;
    for (name, b) in entries.iter().filter(|(n, _)| n.starts_with("files/")) {
        copies += 1;
        assert_eq!(kept_words(b, &words), Vec::<&str>::new(), "{name}");
        if name.ends_with("ru.eml") {
            let s = String::from_utf8(b.clone()).expect("utf-8 copy");
            assert_eq!(s.len(), eml.len());
            assert!(s.starts_with(head), "{s}");
            assert!(s.contains("\r\nSubject: xxxxxxxxxxxx, "), "{s}");
        }
        if name.ends_with("ole_msg.bin") {
            assert_eq!(b.len(), ole.len());
            assert_eq!(&b[..8], &ole[..8]);
        }
    }
    assert_eq!(copies, 3);
}

/// Review wild4s defect 3: subjects and bodies logged entity-escaped or as JSON (heuristic
/// shapes), and an escaped payload in a tracerpt XML `<Data>`, were shown in the text and JSON
/// reports and kept in a default bundle's reports and excerpts. They are masked everywhere the
/// literal form is; the evidence (the 401) stays.
#[test]
fn escaped_and_json_payloads_are_masked_in_reports_and_bundles() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
    put(
        &sip.join("History Spooler/a.eml"),
        b"From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s\r\n\r\nb\r\n",
        14_400,
    );
    let tracing = sip.parent().expect("Lync").join("Tracing");
    let ews = "EWS POST https://mail.contoso.com/EWS/Exchange.asmx CreateItem";
    let log = format!(
        "03/02/2026|09:59:50.100 1F68:C14 INFO  :: {ews} &lt;t:Subject&gt;ESCSUBJ merger&lt;/t:Subject&gt;&lt;t:Body BodyType=\"Text\"&gt;ESCBODY friday&lt;/t:Body&gt;\n\
         03/02/2026|09:59:50.200 1F68:C14 INFO  :: {ews} {{\"Subject\":\"JSONSUBJ merger\",\"Body\":{{\"ContentType\":\"Text\",\"Content\":\"JSONBODY friday\"}}}}\n\
         03/02/2026|09:59:51.000 1F68:C14 ERROR :: EWS POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized\n"
    );
    put(
        &tracing.join("Lync-UccApi-0.UccApilog"),
        log.as_bytes(),
        14_400,
    );
    let ev = |time: &str, m: &str| {
        format!("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Lync\"/><EventID>0</EventID><Level>4</Level><TimeCreated SystemTime=\"2026-03-02T{time}Z\"/><Execution ProcessID=\"8040\" ThreadID=\"3092\"/></System><EventData><Data Name=\"Message\">{m}</Data></EventData></Event>")
    };
    let xml = format!(
        "<Events>\n{}\n{}\n</Events>\n",
        ev(
            "09:59:50.400",
            &format!("{ews} &lt;t:Subject&gt;TRSUBJ merger&lt;/t:Subject&gt;")
        ),
        ev(
            "09:59:51.100",
            "EWS POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized"
        )
    );
    put(&tracing.join("trace.xml"), xml.as_bytes(), 14_400);
    let secret = regex::Regex::new("(ESC|JSON|TR)(SUBJ|BODY)|merger|friday").expect("re");
    for format in ["text", "json"] {
        let run = bin()
            .args(["report", "--now", NOW, "--format", format])
            .arg(t.path())
            .output()
            .expect("run");
        let out = String::from_utf8_lossy(&run.stdout);
        assert!(out.contains("401"), "{format}: {out}");
        assert!(!secret.is_match(&out), "{format}: {out}");
    }
    let entries = bundle(t.path(), false);
    let mut excerpts = 0;
    for (name, b) in &entries {
        let s = String::from_utf8_lossy(b);
        assert!(!secret.is_match(&s), "{name}: {s}");
        if name.ends_with(".excerpt.txt") {
            excerpts += 1;
            assert!(s.contains("401 Unauthorized"), "{name}: {s}");
        }
    }
    assert_eq!(excerpts, 2);
    let x = excerpt(&entries, "Lync-UccApi-0.UccApilog.excerpt.txt");
    assert!(
        x.contains("&lt;t:Subject&gt;xxxxxxx xxxxxx&lt;/t:Subject&gt;"),
        "{x}"
    );
    assert!(x.contains("\"Content\":\"xxxxxxxx xxxxxx\""), "{x}");
}

/// Review wild4s defect 10: an item over 1 MiB was copied as its first 1 MiB with no sign in
/// the manifest. Its entry now says `truncated_at` (the bytes copied, the copy's length); a
/// whole copy has no such field.
#[test]
fn a_copy_cut_at_1_mib_says_so_in_the_manifest() {
    let t = tempfile::tempdir().expect("tempdir");
    let spool = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    let mut big = b"From: jdoe@contoso.com\r\nSubject: big\r\n\r\n".to_vec();
    big.resize(3_000_000, b'a');
    put(&spool.join("big.eml"), &big, 14_400);
    put(
        &spool.join("small.eml"),
        b"From: jdoe@contoso.com\r\nSubject: s\r\n\r\nb\r\n",
        14_400,
    );
    for content in [false, true] {
        let entries = bundle(t.path(), content);
        let m = manifest(&entries);
        let files = m["files"].as_array().expect("files");
        let entry = |name: &str| {
            files
                .iter()
                .find(|f| f["source"].as_str().is_some_and(|s| s.ends_with(name)))
                .unwrap_or_else(|| panic!("{name} in {m}"))
        };
        let b = entry("big.eml");
        assert_eq!(b["truncated_at"], 1_048_576, "{b}");
        assert_eq!(b["size"], 3_000_000, "{b}");
        let copy = entries
            .iter()
            .find(|(n, _)| n.ends_with("big.eml"))
            .expect("copy");
        assert_eq!(copy.1.len(), 1_048_576);
        assert!(entry("small.eml").get("truncated_at").is_none());
    }
}
