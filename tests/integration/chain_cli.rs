//! End-to-end: the issue-15 case. The IM to bob got its 480 at 09:41:00, EWS CreateItem failed
//! with 401 at 09:41:02 and 09:43:02, a retry was logged at 09:45:02, the spooled file was last
//! written at 09:50:00. Bob's item carries the 480 and both 401s, each with why it is linked.

use crate::common::*;
use std::path::Path;

/// (line number in the log, text); line numbers are what the tests point at.
const LOG: &[&str] = &[
    "03/02/2026|09:40:59.900 1F68:C14 INFO  :: MESSAGE sip:bob@contoso.com SIP/2.0", // 1
    "From: <sip:jdoe@contoso.com>;tag=a1",                                       // 2
    "To: <sip:bob@contoso.com>",                                                 // 3
    "Call-ID: c0ffee01",                                                         // 4
    "CSeq: 1 MESSAGE",                                                           // 5
    "03/02/2026|09:41:00.000 1F68:C14 INFO  :: SIP/2.0 480 Temporarily Unavailable", // 6
    "From: <sip:jdoe@contoso.com>;tag=a1",                                          // 7
    "To: <sip:bob@contoso.com>;tag=b2",                                             // 8
    "Call-ID: c0ffee01",                                                            // 9
    "CSeq: 1 MESSAGE",                                                              // 10
    "03/02/2026|09:41:01.500 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx", // 11
    "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:Items><t:Message>",           // 12
    "03/02/2026|09:41:02.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized", // 13
    "03/02/2026|09:43:01.500 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx", // 14
    "03/02/2026|09:43:02.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized", // 15
    "03/02/2026|09:45:02.000 1F68:C14 INFO  :: History Spooler: retrying 1 offline messages", // 16
    // An offline answer for someone else, and one for bob before the horizon: neither links.
    "03/02/2026|09:46:00.000 1F68:C14 INFO  :: SIP/2.0 480 Temporarily Unavailable", // 17
    "To: <sip:carol@contoso.com>;tag=c3",                                            // 18
];

/// The tree: bob's stuck item written at 09:50:00Z and the client log.
fn build(root: &Path) {
    build_with(root, LOG);
}

/// The tree with another client log.
fn build_with(root: &Path, log: &[&str]) {
    let sp = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    // NOW is 14:00:00Z: 4 h 10 min before is 09:50:00Z.
    put(
        &sp.join("{B0B}.xml"),
        create_item("bob@contoso.com", "hi", "IPM.Note").as_bytes(),
        4 * 3600 + 600,
    );
    let t = root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing");
    let mut s = log.join("\r\n");
    s.push_str("\r\n");
    put(&t.join("Lync-UccApi-0.UccApilog"), s.as_bytes(), 0);
}

#[test]
fn bobs_item_carries_the_480_and_both_401s_with_reasons() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    let (v, _, err) = report_json(&[dir.path()], &["--log-tz", "UTC"]);
    let item = &v["items"][0];
    assert_eq!(item["stuck"], true, "{err}");
    let rel: Vec<(u64, String, String)> = item["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("line"),
                e["link"].as_str().expect("link").to_string(),
                e["excerpt"].as_str().expect("x").to_string(),
            )
        })
        .collect();
    let at = |l: u64| rel.iter().find(|r| r.0 == l);
    let r480 = at(6).expect("the 480 for bob");
    assert_eq!(r480.1, "same recipient", "{rel:?}");
    assert!(
        r480.2.starts_with("SIP 480 from bob@contoso.com (offline)"),
        "{rel:?}"
    );
    assert_eq!(at(1).expect("the MESSAGE").1, "same Call-ID", "{rel:?}");
    for (l, link) in [(13, "same thread within 5 s"), (15, "time window")] {
        let r = at(l).expect("a 401");
        assert!(r.2.starts_with("EWS failure 401"), "{rel:?}");
        assert_eq!(r.1, link, "{rel:?}");
    }
    assert!(at(16).is_some(), "the retry: {rel:?}");
    assert!(at(17).is_none(), "carol's 480 is not bob's: {rel:?}");
    // In time order.
    let lines: Vec<u64> = rel.iter().map(|r| r.0).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);

    // The spool-stuck finding names the chain's root cause.
    let stuck = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "spool-stuck")
        .expect("spool-stuck");
    assert!(
        stuck["title"]
            .as_str()
            .expect("title")
            .ends_with("the item: EWS failure 401 after the recipient was offline"),
        "{stuck}"
    );

    // A horizon shorter than the distance to the 480 loses it (and the dialog).
    let (v, _, _) = report_json(&[dir.path()], &["--log-tz", "UTC", "--lookback", "5m"]);
    let rel = v["items"][0]["related"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        rel.iter().all(|e| e["line"] != 6 && e["line"] != 1),
        "{rel:?}"
    );
}

#[test]
fn text_and_markdown_show_the_chain_with_relative_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    for fmt in ["text", "markdown"] {
        let out = bin()
            .args(["report", "--now", NOW, "--log-tz", "UTC", "--format", fmt])
            .arg(dir.path())
            .timeout(RUN_LIMIT)
            .output()
            .expect("run");
        // Markdown escapes brackets; the order and words are what count.
        let s = String::from_utf8_lossy(&out.stdout).replace('\\', "");
        let want = [
            "\u{2212}9m00s  SIP 480 from bob@contoso.com (offline)",
            "Lync-UccApi-0.UccApilog:6 [same recipient]",
            "\u{2212}8m58s  EWS failure 401",
            "Lync-UccApi-0.UccApilog:13 [same thread within 5 s]",
            "\u{2212}6m58s  EWS failure 401",
            "Lync-UccApi-0.UccApilog:15 [time window]",
        ];
        let mut from = 0;
        for w in want {
            let p = s[from..]
                .find(w)
                .unwrap_or_else(|| panic!("{fmt}: {w:?} in order in\n{s}"));
            from += p;
        }
    }
}

/// The links of bob's item as (line, link).
fn links(root: &Path) -> Vec<(u64, String)> {
    let (v, _, err) = report_json(&[root], &["--log-tz", "UTC"]);
    v["items"][0]["related"]
        .as_array()
        .unwrap_or_else(|| panic!("related: {err}"))
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("line"),
                e["link"].as_str().expect("link").to_string(),
            )
        })
        .collect()
}

/// The EWS failure at line 13 names neither bob nor the Call-ID: only its thread ties it to
/// the 480 (line 6, 2 s before, thread `1F68:C14`). On another thread, or more than 5 s after,
/// that link is not made (time still ties it).
#[test]
fn an_ews_failure_on_the_thread_of_the_480_within_5_s_is_linked_by_it() {
    let link_of = |log: &[&str], line: u64| {
        let dir = tempfile::tempdir().expect("tempdir");
        build_with(dir.path(), log);
        let l = links(dir.path());
        l.iter()
            .find(|r| r.0 == line)
            .map(|r| r.1.clone())
            .unwrap_or_else(|| panic!("line {line} in {l:?}"))
    };
    assert!(!LOG[12].contains("bob") && !LOG[12].contains("c0ffee01"));
    assert_eq!(link_of(LOG, 13), "same thread within 5 s");
    // The request just before it (line 11) is tied the same way; the 401 two minutes later
    // (line 15, same thread) is not.
    assert_eq!(link_of(LOG, 11), "same thread within 5 s");
    assert_eq!(link_of(LOG, 15), "time window");

    // Another thread of the same process.
    let mut other = LOG.to_vec();
    other[10] = "03/02/2026|09:41:01.500 1F68:D00 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx";
    other[12] = "03/02/2026|09:41:02.000 1F68:D00 ERROR :: EWS response HTTP/1.1 401 Unauthorized";
    assert_eq!(link_of(&other, 13), "time window");

    // The same thread, 6 s after the 480.
    let mut late = LOG.to_vec();
    late[10] = "03/02/2026|09:41:05.500 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx";
    late[12] = "03/02/2026|09:41:06.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized";
    assert_eq!(link_of(&late, 13), "time window");
    assert_eq!(link_of(&late, 11), "time window");
}
