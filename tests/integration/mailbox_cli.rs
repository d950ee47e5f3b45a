//! End-to-end: mailbox evidence (EWS listings, PowerShell exports, policy outputs) with the real
//! binary on case folders in temp dirs. Fixtures are generated here.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// An EWS FindItem response for Drafts: `im` offline-IM drafts then `other` ordinary ones,
/// one every 30 minutes from 2026-03-01T08:00:00Z.
fn finditem(prefixed: bool, im: usize, other: usize, request: bool) -> String {
    let (s, m, t) = if prefixed {
        ("soap:", "m:", "t:")
    } else {
        ("", "", "")
    };
    let ns = if prefixed {
        r#" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types""#
    } else {
        r#" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages""#
    };
    let mut x =
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{s}Envelope{ns}>\n<{s}Body>\n");
    if request {
        x.push_str(&format!("<{m}FindItem Traversal=\"Shallow\"><{m}ItemShape><{t}BaseShape>AllProperties</{t}BaseShape></{m}ItemShape><{m}ParentFolderIds><{t}DistinguishedFolderId Id=\"drafts\"/></{m}ParentFolderIds></{m}FindItem>\n"));
    }
    x.push_str(&format!(
        "<{m}FindItemResponse><{m}ResponseMessages><{m}FindItemResponseMessage ResponseClass=\"Success\"><{m}ResponseCode>NoError</{m}ResponseCode>\n<{m}RootFolder TotalItemsInView=\"{}\" IncludesLastItemInRange=\"true\"><{t}Items>\n",
        im + other
    ));
    for i in 0..im + other {
        let (class, subject) = if i < im {
            if i % 2 == 0 {
                (
                    "IM.Note.MissedConversation",
                    "Jane Doe sent you a message in Skype for Business".to_string(),
                )
            } else {
                ("IPM.Note", "Missed conversation with Jane Doe".to_string())
            }
        } else {
            ("IPM.Note", format!("Budget draft {i}"))
        };
        let h = 8 * 60 + 30 * i;
        let created = format!("2026-03-01T{:02}:{:02}:00Z", (h / 60) % 24, h % 60);
        let day = if h / 60 >= 24 { "02" } else { "01" };
        let created = created.replacen("2026-03-01", &format!("2026-03-{day}"), 1);
        x.push_str(&format!(
            "<{t}Message><{t}ItemId Id=\"AAMkADraft{i:04}\" ChangeKey=\"CQAAAB\"/><{t}Subject>{subject}</{t}Subject><{t}ItemClass>{class}</{t}ItemClass><{t}DateTimeCreated>{created}</{t}DateTimeCreated><{t}From><{t}Mailbox><{t}Name>Jane Doe</{t}Name><{t}EmailAddress>jdoe@contoso.com</{t}EmailAddress></{t}Mailbox></{t}From><{t}ToRecipients><{t}Mailbox><{t}EmailAddress>rlee@contoso.com</{t}EmailAddress></{t}Mailbox></{t}ToRecipients><{t}IsDraft>true</{t}IsDraft></{t}Message>\n"
        ));
    }
    x.push_str(&format!("</{t}Items></{m}RootFolder></{m}FindItemResponseMessage></{m}ResponseMessages></{m}FindItemResponse>\n</{s}Body></{s}Envelope>\n"));
    x
}

fn folder_stats_csv(drafts: u64, identity_mailbox: &str) -> String {
    let mut s = String::from("#TYPE Deserialized.Microsoft.Exchange.Management.Tasks.MailboxFolderConfiguration\r\n\"Name\",\"FolderPath\",\"FolderType\",\"ItemsInFolder\",\"FolderSize\",\"Identity\"\r\n");
    for (name, ty, n) in [
        ("Top of Information Store", "Root", 0),
        ("Inbox", "Inbox", 1532),
        ("Drafts", "Drafts", drafts),
        ("Sent Items", "SentItems", 880),
    ] {
        s.push_str(&format!(
            "\"{name}\",\"/{name}\",\"{ty}\",\"{n}\",\"{} KB ({} bytes)\",\"{identity_mailbox}\\{name}\"\r\n",
            n * 3,
            n * 3072
        ));
    }
    s
}

fn utf16le(s: &str) -> Vec<u8> {
    utf16le_bom(s)
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn source<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no source {name}: {v:#}"))
}

fn evidence_paths(f: &Value) -> Vec<String> {
    f["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["path"].as_str().expect("path").to_string())
        .collect()
}

/// A case folder for jdoe: the profile's Lync folder, a Drafts listing, folder statistics.
fn case(root: &Path, im: usize) {
    fs::create_dir_all(sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler"))
        .expect("mkdir");
    let c = root.join("collected");
    fs::create_dir_all(&c).expect("mkdir");
    fs::write(c.join("drafts-finditem.xml"), finditem(true, im, 3, true)).expect("write");
    fs::write(
        c.join("folderstats.csv"),
        utf16le(&folder_stats_csv(412, "jdoe")),
    )
    .expect("write");
}

#[test]
fn drafts_listing_and_utf16_folder_stats_give_one_critical() {
    let t = tempfile::tempdir().expect("tempdir");
    case(t.path(), 37);
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1);
    let crit: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "critical")
        .collect();
    assert_eq!(crit.len(), 1, "{v:#}");
    let f = crit[0];
    assert_eq!(f["rule"], "drafts-buildup");
    assert_eq!(f["account"], "jdoe@contoso.com");
    assert_eq!(f["profile"], "jdoe");
    let title = f["title"].as_str().expect("title");
    assert!(title.starts_with("37 offline-IM drafts"), "{title}");
    // 37 drafts every 30 minutes: 18 hours from the first to the last.
    assert!(title.contains("over 18h 00m"), "{title}");
    assert!(
        title.contains("2026-03-01 08:00 UTC to 2026-03-02 02:00 UTC"),
        "{title}"
    );
    assert!(title.contains("per hour"), "{title}");
    assert!(title.contains("3 other drafts not counted"), "{title}");
    assert!(title.contains("Drafts holds 412 items"), "{title}");
    let paths = evidence_paths(f);
    assert!(paths.iter().any(|p| p.ends_with("drafts-finditem.xml")));
    assert!(paths.iter().any(|p| p.ends_with("folderstats.csv")));
    // Subjects are content: not shown without --show-content.
    let all = v.to_string();
    assert!(!all.contains("Jane Doe sent you"), "subject leaked");
    assert!(!f.to_string().contains("Budget draft"));
    // Exact record counts.
    let s = source(&v, "drafts-finditem.xml");
    assert_eq!(
        (s["kind"].as_str(), s["records"].as_u64()),
        (Some("mailbox-items"), Some(40))
    );
    let s = source(&v, "folderstats.csv");
    assert_eq!(
        (s["kind"].as_str(), s["records"].as_u64()),
        (Some("mailbox-folder-stats"), Some(4))
    );
    let mb = v["mailbox"].as_array().expect("mailbox");
    let stats = mb
        .iter()
        .find(|m| m["kind"] == "folder-stats")
        .expect("stats");
    assert_eq!(stats["encoding"], "utf-16le-bom");
    assert_eq!(stats["owner"], "jdoe@contoso.com");

    // With --show-content, subjects appear in the evidence sample.
    let (v, _, _) = report_json(&[t.path()], &["--show-content"]);
    let f = &findings(&v, "drafts-buildup")[0];
    assert!(f
        .to_string()
        .contains("Jane Doe sent you a message in Skype for Business"));
}

#[test]
fn two_offline_drafts_are_not_critical_and_stats_alone_warn() {
    let t = tempfile::tempdir().expect("tempdir");
    let c = t.path().join("only-listing");
    fs::create_dir_all(&c).expect("mkdir");
    fs::write(c.join("drafts.xml"), finditem(true, 2, 3, true)).expect("write");
    let (v, code, _) = report_json(&[&c], &[]);
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v, "drafts-buildup").is_empty());

    let s = t.path().join("only-stats");
    fs::create_dir_all(&s).expect("mkdir");
    fs::write(
        s.join("stats.csv"),
        utf16le(&folder_stats_csv(412, "jdoe@contoso.com")),
    )
    .expect("write");
    let (v, code, _) = report_json(&[&s], &[]);
    assert_eq!(code, 1);
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["account"], "jdoe@contoso.com");
    let title = f[0]["title"].as_str().expect("title");
    assert!(
        title.contains("412") && title.contains("would confirm"),
        "{title}"
    );
    // The threshold is configurable.
    let (v, _, _) = report_json(&[&s], &["--drafts-folder-threshold", "1000"]);
    assert!(findings(&v, "drafts-buildup").is_empty());
    // And the listing threshold too.
    let (v, _, _) = report_json(&[&c], &["--drafts-threshold", "2"]);
    assert_eq!(findings(&v, "drafts-buildup")[0]["severity"], "critical");
}

#[test]
fn unattributed_evidence_says_so() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut csv = folder_stats_csv(90, "Someone");
    csv = csv.replace(
        "#TYPE Deserialized.Microsoft.Exchange.Management.Tasks.MailboxFolderConfiguration\r\n",
        "",
    );
    fs::write(t.path().join("stats.csv"), csv).expect("write");
    let (v, _, _) = report_json(&[t.path()], &[]);
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1);
    assert!(f[0]["account"].is_null());
    assert!(f[0]["title"].as_str().expect("t").contains("owner unknown"));
    assert_eq!(v["mailbox"][0]["attribution"], "unattributed");
}

#[test]
fn prefixless_xml_and_other_export_formats() {
    let t = tempfile::tempdir().expect("tempdir");
    let c = t.path();
    // Prefix-less FindItem, folder named only by the file name, UTF-16LE.
    fs::write(
        c.join("Drafts listing.xml"),
        utf16le(&finditem(false, 6, 1, false)),
    )
    .expect("w");
    // Folder statistics as ConvertTo-Json, UTF-8.
    fs::write(
        c.join("stats.json"),
        r#"[
  {"Name": "Inbox", "FolderPath": "/Inbox", "FolderType": "Inbox", "ItemsInFolder": 10, "FolderSize": "1 MB", "Identity": "jdoe@contoso.com\\Inbox"},
  {"Name": "Drafts", "FolderPath": "/Drafts", "FolderType": "Drafts", "ItemsInFolder": 75, "FolderSize": "2 MB", "Identity": "jdoe@contoso.com\\Drafts"}
]"#,
    )
    .expect("w");
    // Client policy as Export-Csv (no #TYPE line) and IM configuration as ConvertTo-Json.
    fs::write(
        c.join("clientpolicy.csv"),
        "\"Identity\",\"EnableIMAutoArchiving\",\"EnableServerConversationHistory\",\"TracingLevel\"\r\n\"Global\",\"True\",\"False\",\"Light\"\r\n\"Tag:NoArchive\",\"False\",\"False\",\"Off\"\r\n",
    )
    .expect("w");
    fs::write(
        c.join("imconfig.json"),
        r#"{"Identity": "Site:Redmond", "EnableOfflineIm": false, "EnableFileTransfer": true}"#,
    )
    .expect("w");
    // A plain item list (Outlook-style CSV).
    fs::write(
        c.join("items.csv"),
        "Subject,From,To,Message Class,Created,Folder\r\nMissed conversation with Jane,jdoe@contoso.com,rlee@contoso.com,IM.Note.MissedConversation,3/1/2026 10:00:00 AM,Drafts\r\n",
    )
    .expect("w");
    let (v, _, stderr) = report_json(&[c], &[]);
    assert!(
        v["errors"].as_array().expect("errors").is_empty(),
        "{stderr}"
    );
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "critical");
    assert_eq!(f[0]["account"], "jdoe@contoso.com");
    assert!(
        f[0]["title"]
            .as_str()
            .expect("t")
            .starts_with("7 offline-IM drafts"),
        "{}",
        f[0]["title"]
    );
    assert!(f[0]["title"]
        .as_str()
        .expect("t")
        .contains("Drafts holds 75 items"));
    let paths = evidence_paths(f[0]);
    for n in ["Drafts listing.xml", "stats.json", "items.csv"] {
        assert!(paths.iter().any(|p| p.ends_with(n)), "{n} not in evidence");
    }
    assert_eq!(source(&v, "Drafts listing.xml")["records"], 7);
    assert_eq!(source(&v, "stats.json")["records"], 2);
    assert_eq!(source(&v, "clientpolicy.csv")["kind"], "cs-policy");
    assert_eq!(source(&v, "clientpolicy.csv")["records"], 2);
    assert_eq!(source(&v, "items.csv")["records"], 1);
    let a = findings(&v, "autoarchiving-disabled");
    assert_eq!(a.len(), 1);
    assert!(a[0]["title"].as_str().expect("t").contains("Tag:NoArchive"));
    let o = findings(&v, "offline-im-disabled");
    assert_eq!(o.len(), 1);
    assert!(o[0]["title"].as_str().expect("t").contains("Site:Redmond"));
}

#[test]
fn format_list_imconfiguration_disables_offline_im_for_global() {
    let t = tempfile::tempdir().expect("tempdir");
    let text = "\r\n\r\nIdentity                            : Global\r\nEnableOfflineIm                     : False\r\nEnableFileTransfer                  : True\r\nAllowedFileExtensions               : .txt, .doc, .docx, .xls, .xlsx, .ppt, .pptx, .pdf, .zip,\r\n                                      .png, .jpg\r\n\r\nIdentity                            : Site:Redmond\r\nEnableOfflineIm                     : True\r\n\r\n";
    let p = t.path().join("Get-CsImConfiguration.txt");
    fs::write(&p, utf16le(text)).expect("w");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1);
    let f = findings(&v, "offline-im-disabled");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "critical");
    assert!(f[0]["title"].as_str().expect("t").contains("Global"));
    assert_eq!(f[0]["evidence"][0]["line"], 3);
    assert_eq!(source(&v, "Get-CsImConfiguration.txt")["records"], 2);
    // The same file handed over with --mailbox (and no PATH) works too.
    let out = bin()
        .args(["report", "--format", "json", "--now", NOW, "--mailbox"])
        .arg(&p)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(findings(&v, "offline-im-disabled").len(), 1);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stuck_mime_to_another_organisation_is_federated() {
    let t = tempfile::tempdir().expect("tempdir");
    let sp = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("m.eml"),
        b"From: Jane <jdoe@contoso.com>\r\nTo: partner@fabrikam.com\r\nSubject: hi\r\n\r\nbody\r\n",
        600,
    );
    put(
        &sp.join("n.eml"),
        b"From: Jane <jdoe@contoso.com>\r\nTo: rlee@eu.contoso.com\r\nSubject: hi\r\n\r\nbody\r\n",
        600,
    );
    let (v, _, _) = report_json(&[t.path()], &[]);
    let f = findings(&v, "federated-recipient");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "info");
    assert_eq!(f[0]["account"], "jdoe@contoso.com");
    assert!(f[0]["title"].as_str().expect("t").contains("fabrikam.com"));
    assert_eq!(f[0]["evidence"].as_array().expect("ev").len(), 1);
    // Declaring fabrikam.com one of our own domains silences it.
    let (v, _, _) = report_json(
        &[t.path()],
        &[
            "--org-domain",
            "contoso.com",
            "--org-domain",
            "fabrikam.com",
        ],
    );
    assert!(findings(&v, "federated-recipient").is_empty());
}

#[test]
fn malformed_exports_are_clear_errors_and_the_run_goes_on() {
    let t = tempfile::tempdir().expect("tempdir");
    let c = t.path();
    fs::write(
        c.join("stats.json"),
        "[{\"Name\": \"Drafts\", \"ItemsInFolder\": 412,",
    )
    .expect("w");
    fs::write(
        c.join("listing.xml"),
        "<m:FindItemResponse xmlns:m=\"m\"><m:ResponseMessages><<garbage",
    )
    .expect("w");
    fs::write(
        c.join("items.csv"),
        "Subject,From,To\r\nhello,a@contoso.com,b@contoso.com\r\n",
    )
    .expect("w");
    fs::write(c.join("unrelated.csv"), "a,b\r\n1,2\r\n").expect("w");
    fs::write(
        c.join("policy.txt"),
        "Identity : Global\r\nEnableOfflineIm : False\r\n",
    )
    .expect("w");
    let (v, code, stderr) = report_json(&[c], &[]);
    assert_eq!(code, 1, "the good policy file still counts");
    let errors = v["errors"].as_array().expect("errors");
    let msg = |name: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .and_then(|e| e["message"].as_str())
            .unwrap_or_else(|| panic!("no error for {name}: {errors:#?}"))
            .to_string()
    };
    assert!(
        msg("stats.json").contains("ConvertTo-Json"),
        "{}",
        msg("stats.json")
    );
    assert!(
        msg("listing.xml").contains("FindItem"),
        "{}",
        msg("listing.xml")
    );
    assert!(msg("items.csv").contains("no item class or date column"));
    assert!(!errors.iter().any(|e| e["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("unrelated.csv"))));
    assert!(
        stderr.contains("stats.json"),
        "errors also go to stderr: {stderr}"
    );
    assert_eq!(findings(&v, "offline-im-disabled").len(), 1);
    // An explicit --mailbox file that is not evidence is said so, too.
    let (v, _, _) = report_json(
        &[c],
        &["--mailbox", c.join("unrelated.csv").to_str().expect("utf8")],
    );
    assert!(v["errors"]
        .to_string()
        .contains("not recognised as mailbox evidence"));
}

/// The `message` of every error whose path ends with `name`.
fn errors_of(v: &Value, name: &str) -> Vec<String> {
    v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .map(|e| e["message"].as_str().expect("message").to_string())
        .collect()
}

/// `Get-Mailbox | Get-MailboxFolderStatistics -FolderScope Drafts | Export-Csv`: one Drafts row
/// per mailbox. Each row counts for its own mailbox, whatever the order.
#[test]
fn a_statistics_export_of_several_mailboxes_is_one_finding_per_mailbox() {
    let t = tempfile::tempdir().expect("tempdir");
    for (dir, rows) in [
        ("a", [("jdoe", 3), ("rlee", 412), ("amy", 77)]),
        ("b", [("rlee", 412), ("amy", 77), ("jdoe", 3)]),
    ] {
        let d = t.path().join(dir);
        fs::create_dir_all(&d).expect("mkdir");
        let mut csv = String::from("\"Identity\",\"Name\",\"FolderType\",\"ItemsInFolder\"\r\n");
        for (who, n) in rows {
            csv.push_str(&format!(
                "\"{who}@contoso.com\\Drafts\",\"Drafts\",\"Drafts\",\"{n}\"\r\n"
            ));
        }
        fs::write(d.join("all_drafts.csv"), csv).expect("write");
        let (v, code, _) = report_json(&[&d], &[]);
        assert_eq!(code, 1, "{v:#}");
        let mut got: Vec<(String, String)> = findings(&v, "drafts-buildup")
            .iter()
            .map(|f| {
                (
                    f["account"].as_str().expect("account").to_string(),
                    f["title"].as_str().expect("title").to_string(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "amy@contoso.com");
        assert!(got[0].1.starts_with("Drafts holds 77 items"), "{got:?}");
        assert_eq!(got[1].0, "rlee@contoso.com");
        assert!(got[1].1.starts_with("Drafts holds 412 items"), "{got:?}");
        // One source for the file, one mailbox entry per mailbox.
        assert_eq!(source(&v, "all_drafts.csv")["records"], 3);
        let owners: Vec<&str> = v["mailbox"]
            .as_array()
            .expect("mailbox")
            .iter()
            .filter_map(|m| m["owner"].as_str())
            .collect();
        assert_eq!(owners.len(), 3, "{owners:?}");
    }

    // An item list of two senders' Drafts, 3 offline IMs each: neither mailbox reaches 5.
    let d = t.path().join("items");
    fs::create_dir_all(&d).expect("mkdir");
    let mut csv =
        String::from("\"Subject\",\"ItemClass\",\"DateTimeCreated\",\"From\",\"Folder\"\r\n");
    for (i, who) in ["jdoe", "jdoe", "jdoe", "rlee", "rlee", "rlee"]
        .iter()
        .enumerate()
    {
        csv.push_str(&format!("\"x\",\"IM.Note.MissedConversation\",\"3/1/2026 10:0{i}:00 AM\",\"{who}@contoso.com\",\"Drafts\"\r\n"));
    }
    fs::write(d.join("two_senders.csv"), &csv).expect("write");
    let (v, code, _) = report_json(&[&d], &[]);
    assert!(findings(&v, "drafts-buildup").is_empty(), "{v:#}");
    assert_eq!(code, 0);
    // At the threshold of 3, each mailbox is its own critical finding.
    let (v, _, _) = report_json(&[&d], &["--drafts-threshold", "3"]);
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 2, "{v:#}");
    assert!(f.iter().all(|f| f["severity"] == "critical"
        && f["title"]
            .as_str()
            .expect("t")
            .starts_with("3 offline-IM drafts")));
}

/// A FindItem page (3 of `TotalItemsInView="412"`) next to statistics of 412 keeps the warning.
#[test]
fn a_paged_listing_keeps_the_statistics_warning() {
    let t = tempfile::tempdir().expect("tempdir");
    let page = finditem(true, 3, 0, true).replace(
        "TotalItemsInView=\"3\" IncludesLastItemInRange=\"true\"",
        "IndexedPagingOffset=\"3\" TotalItemsInView=\"412\" IncludesLastItemInRange=\"false\"",
    );
    assert!(page.contains("\"412\""));
    fs::write(t.path().join("drafts_page1.xml"), page).expect("write");
    fs::write(
        t.path().join("folderstats.csv"),
        folder_stats_csv(412, "jdoe@contoso.com"),
    )
    .expect("write");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "warning");
    let title = f[0]["title"].as_str().expect("title");
    assert!(
        title.contains("Drafts holds 412 items; the listing covers only 3"),
        "{title}"
    );
}

/// A transcript with a policy and folder statistics: both are read, as two sources.
#[test]
fn a_transcript_with_a_policy_and_statistics_reads_both() {
    let t = tempfile::tempdir().expect("tempdir");
    let text = "**********************\r\nWindows PowerShell transcript start\r\nUsername: CONTOSO\\admin\r\n**********************\r\n\
PS C:\\> Get-CsClientPolicy -Identity Global\r\n\r\n\r\nIdentity                    : Global\r\nEnableIMAutoArchiving       : False\r\n\r\n\r\n\
PS C:\\> Get-MailboxFolderStatistics jdoe -FolderScope Drafts | fl\r\n\r\n\r\nName          : Drafts\r\nFolderType    : Drafts\r\nItemsInFolder : 412\r\nIdentity      : jdoe@contoso.com\\Drafts\r\n\r\n\r\n";
    fs::write(t.path().join("transcript.txt"), text).expect("write");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&v, "drafts-buildup").len(), 1, "{v:#}");
    assert_eq!(findings(&v, "autoarchiving-disabled").len(), 1, "{v:#}");
    let kinds: Vec<&str> = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"cs-policy") && kinds.contains(&"mailbox-folder-stats"),
        "{kinds:?}"
    );
}

/// An export cut inside its last value is never read as a clean, smaller number.
#[test]
fn a_cut_export_is_said_not_read_as_a_smaller_count() {
    let t = tempfile::tempdir().expect("tempdir");
    let fl = "\r\n\r\nName                       : Drafts\r\nFolderType                 : Drafts\r\nIdentity                   : jdoe@contoso.com\\Drafts\r\nItemsInFolder              : 4";
    fs::write(t.path().join("drafts_fl_cut.txt"), utf16le(fl)).expect("write");
    let csv = "#TYPE Selected.Microsoft.Exchange.Management.Tasks.MailboxFolderConfiguration\r\n\"Name\",\"FolderType\",\"ItemsInFolder\"\r\n\"Inbox\",\"Inbox\",\"1024\"\r\n\"Drafts\",\"Drafts\",\"41";
    fs::write(t.path().join("stats_cut.csv"), csv).expect("write");
    for name in ["drafts_fl_cut.txt", "stats_cut.csv"] {
        let p = t.path().join(name);
        let (v, code, _) = report_json(&[], &["--mailbox", p.to_str().expect("utf8")]);
        assert_eq!(code, 1, "{v:#}");
        let e = errors_of(&v, name);
        assert!(e.iter().any(|m| m.contains("cut short")), "{e:?}");
        // No Drafts count was read from the cut record.
        let drafts: Vec<Value> = v["mailbox"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .flat_map(|m| m["folders"].as_array().cloned().unwrap_or_default())
            .filter(|f| f["name"] == "Drafts")
            .collect();
        assert!(drafts.is_empty(), "{v:#}");
    }
}

/// PowerShell 7 `Export-Csv -UseQuotes Never`: sizes with commas are joined again; a file no
/// row of which can be read is an error naming it, not "not recognised".
#[test]
fn unquoted_csv_sizes_are_read_and_unreadable_rows_are_an_error() {
    let t = tempfile::tempdir().expect("tempdir");
    fs::write(
        t.path().join("stats.csv"),
        "Name,FolderPath,FolderType,ItemsInFolder,FolderSize,Identity\r\nInbox,/Inbox,Inbox,1024,2 MB (2,097,152 bytes),jdoe@contoso.com\\Inbox\r\nDrafts,/Drafts,Drafts,412,12.5 KB (12,800 bytes),jdoe@contoso.com\\Drafts\r\n",
    )
    .expect("write");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(findings(&v, "drafts-buildup").len(), 1);
    assert_eq!(source(&v, "stats.csv")["records"], 2);
    let h = &v["mailbox"][0]["heuristics"];
    assert!(
        h.as_array()
            .expect("h")
            .iter()
            .any(|x| x == "csv-unquoted-size-rejoined"),
        "{h}"
    );

    let d = t.path().join("odd");
    fs::create_dir_all(&d).expect("mkdir");
    fs::write(
        d.join("stats.csv"),
        "Name,ItemsInFolder,FolderSize\r\nInbox,1024,2 MB (2;097)\r\nDrafts,412,x,y\r\n"
            .replace(";", ","),
    )
    .expect("write");
    // Under a PATH: an error line naming the file (as for invalid JSON), not "ignored".
    let (v, _, _) = report_json(&[&d], &[]);
    let e = errors_of(&v, "stats.csv");
    assert!(
        e.iter().any(|m| m.contains("none of its 2 row(s)")),
        "{e:?}"
    );
    assert!(v["ignored"]
        .as_array()
        .expect("ignored")
        .iter()
        .all(|i| !i["path"].as_str().unwrap_or("").ends_with("stats.csv")));
    // Named with --mailbox, the same file fails the run.
    let p = d.join("stats.csv");
    let (v, code, _) = report_json(&[], &["--mailbox", p.to_str().expect("utf8")]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(findings(&v, "scan-incomplete").len(), 1, "{v:#}");
}

/// en-GB dates are read day first when the file itself says so, and labelled.
#[test]
fn en_gb_dates_are_read_day_first() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut csv =
        String::from("\"Subject\",\"ItemClass\",\"DateTimeCreated\",\"From\",\"Folder\"\r\n");
    for d in 1..=13 {
        csv.push_str(&format!("\"x\",\"IM.Note.MissedConversation\",\"{d:02}/03/2026 10:00:00\",\"jdoe@contoso.com\",\"Drafts\"\r\n"));
    }
    fs::write(t.path().join("engb.csv"), csv).expect("write");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1);
    let f = findings(&v, "drafts-buildup");
    let title = f[0]["title"].as_str().expect("title");
    assert!(
        title.contains("2026-03-01 10:00 UTC to 2026-03-13 10:00 UTC"),
        "{title}"
    );
    let h = &v["mailbox"][0]["heuristics"];
    assert!(
        h.as_array()
            .expect("h")
            .iter()
            .any(|x| x == "date-order-day-month-from-file"),
        "{h}"
    );
}

/// A Drafts count in a shape that is not read is said, never silently no count; one that
/// is grouped is read.
#[test]
fn drafts_counts_are_read_or_said() {
    let t = tempfile::tempdir().expect("tempdir");
    for (name, v) in [
        ("a.csv", "1.412"),
        ("b.csv", "1'412"),
        ("c.csv", "1\u{202f}412"),
        ("d.csv", "412,0"),
    ] {
        let d = t.path().join(name);
        fs::write(
            &d,
            format!("\"Name\";\"FolderType\";\"ItemsInFolder\";\"Identity\"\r\n\"Drafts\";\"Drafts\";\"{v}\";\"jdoe@contoso.com\\Drafts\"\r\n"),
        )
        .expect("write");
        let (j, code, _) = report_json(&[], &["--mailbox", d.to_str().expect("utf8")]);
        assert_eq!(code, 1, "{v}: {j:#}");
        if v == "412,0" {
            assert!(j["mailbox"][0]["folders"][0]["items"].is_null());
            let e = errors_of(&j, name);
            assert!(e.iter().any(|m| m.contains("\"412,0\"")), "{e:?}");
            assert!(findings(&j, "drafts-buildup").is_empty());
        } else {
            assert_eq!(j["mailbox"][0]["folders"][0]["items"], 1412, "{v}");
            assert_eq!(findings(&j, "drafts-buildup").len(), 1, "{v}");
        }
    }
}

/// An item list in `Format-List` form (UTF-16, as `fl > file` writes it) is read under a PATH.
#[test]
fn a_format_list_item_list_is_read() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut fl = String::from("\r\n\r\n");
    for i in 0..6 {
        fl.push_str(&format!("Subject         : Jane Doe sent you a message in Skype for Business\r\nItemClass       : IM.Note.MissedConversation\r\nDateTimeCreated : 3/1/2026 10:0{i}:00 AM\r\nFrom            : jdoe@contoso.com\r\nFolder          : Drafts\r\n\r\n"));
    }
    fs::write(t.path().join("drafts_items.txt"), utf16le(&fl)).expect("write");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "critical");
    assert_eq!(f[0]["account"], "jdoe@contoso.com");
    assert_eq!(v["mailbox"][0]["format"], "format-list");
    assert_eq!(source(&v, "drafts_items.txt")["records"], 6);
}

/// A `Format-Table` capture of folder statistics (UTF-16LE, as `>` writes it in Windows
/// PowerShell) is evidence: its Drafts count raises `drafts-buildup`, labelled as read by
/// column position. It used to be listed as ignored.
#[test]
fn a_format_table_capture_is_read() {
    let t = tempfile::tempdir().expect("tempdir");
    let ft = "\u{feff}\r\nName    FolderType ItemsInFolder Identity\r\n----    ---------- ------------- --------\r\nInbox   Inbox               1024 jdoe@contoso.com\\Inbox\r\nDrafts  Drafts               412 jdoe@contoso.com\\Drafts\r\n\r\n\r\n";
    fs::write(t.path().join("drafts_ft.txt"), utf16le(ft)).expect("write");
    let (v, code, _) = report_json(&[t.path()], &[]);
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(
        f[0]["title"].as_str().expect("title").contains("412"),
        "{:#}",
        f[0]
    );
    let s = source(&v, "drafts_ft.txt");
    assert_eq!(s["kind"], "mailbox-folder-stats", "{s:#}");
    let file = v["mailbox"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|x| {
                x["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("drafts_ft.txt"))
            })
        })
        .expect("mailbox file");
    assert_eq!(file["format"], "format-table", "{file:#}");
    assert!(
        file["heuristics"]
            .to_string()
            .contains("format-table-columns-by-position"),
        "{file:#}"
    );
}
