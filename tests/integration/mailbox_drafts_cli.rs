//! End-to-end: the Drafts checks of mailbox evidence that a review found wrong (a whole listing
//! cancelling the statistics warning, statistics with no Drafts row read in silence, a nested
//! folder named Drafts, a file name overriding `IsDraft = false`). Fixtures are written here.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// A FindItem answer (request not included) of `n` items of `class`, each with `IsDraft`
/// `is_draft`, subjects in German, `TotalItemsInView` = `n`.
fn listing(n: usize, class: &str, is_draft: bool) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:FindItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>\n",
    );
    x.push_str(&format!(
        "<m:RootFolder TotalItemsInView=\"{n}\" IncludesLastItemInRange=\"true\"><t:Items>\n"
    ));
    for i in 0..n {
        x.push_str(&format!(
            "<t:Message><t:ItemId Id=\"AAMk{i}\" ChangeKey=\"x\"/><t:ItemClass>{class}</t:ItemClass><t:Subject>Nachricht {i}</t:Subject><t:DateTimeCreated>2026-03-01T10:{:02}:00Z</t:DateTimeCreated><t:IsDraft>{is_draft}</t:IsDraft></t:Message>\n",
            i % 60
        ));
    }
    x.push_str("</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>\n");
    x
}

const STATS_300: &str = "\"Name\",\"FolderPath\",\"FolderType\",\"ItemsInFolder\"\r\n\"Inbox\",\"/Inbox\",\"Inbox\",\"12\"\r\n\"Drafts\",\"/Drafts\",\"Drafts\",\"300\"\r\n";

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write");
    p
}

fn report(files: &[&Path]) -> (Value, i32) {
    let mut args: Vec<&str> = Vec::new();
    for f in files {
        args.push("--mailbox");
        args.push(f.to_str().expect("utf-8 path"));
    }
    let (v, code, err) = report_json(&[], &args);
    assert!(!err.contains("panicked"), "{err}");
    (v, code)
}

/// Statistics of 300 Drafts items warn; a whole listing of those 300 (class `IPM.Note`,
/// German subjects: no offline-IM pattern matches) keeps the warning and says why; the listing
/// alone warns too.
#[test]
fn a_whole_drafts_listing_keeps_the_folder_warning() {
    let t = tempfile::tempdir().expect("tempdir");
    let stats = write(t.path(), "fs.csv", STATS_300);
    let list = write(t.path(), "finditem.xml", &listing(300, "IPM.Note", true));
    for files in [vec![&*stats], vec![&*stats, &*list], vec![&*list]] {
        let (v, code) = report(&files);
        assert_eq!(code, 1, "{files:?}: {v:#}");
        let f = findings(&v, "drafts-buildup");
        assert_eq!(f.len(), 1, "{v:#}");
        assert_eq!(f[0]["severity"], "warning");
        let title = f[0]["title"].as_str().expect("title");
        assert!(title.starts_with("Drafts holds 300 items"), "{title}");
        if files.contains(&&*list) {
            assert!(
                title.contains("0 of the 300 listed items matched the offline-IM patterns, 300 matched none (heuristic"),
                "{title}"
            );
        }
    }
}

/// A German `Format-List` of `Name`/`ItemsInFolder`: read, and an info finding says Drafts
/// was not identified, naming the file and the largest folder; the exit code stays 0. The
/// same export of an English mailbox has its Drafts row and says nothing of the kind.
#[test]
fn statistics_without_a_drafts_row_say_so_and_an_english_export_does_not() {
    let t = tempfile::tempdir().expect("tempdir");
    let de = write(
        t.path(),
        "fl_de.txt",
        "\r\nName          : Posteingang\r\nItemsInFolder : 12\r\n\r\nName          : Entwürfe\r\nItemsInFolder : 4312\r\n\r\n",
    );
    let (v, code) = report(&[&de]);
    assert_eq!(code, 0, "{v:#}");
    let f = findings(&v, "drafts-not-identified");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "info");
    let title = f[0]["title"].as_str().expect("title");
    assert!(
        title.starts_with("Drafts not identified in fl_de.txt"),
        "{title}"
    );
    assert!(
        title.contains("largest folders: Entwürfe 4312, Posteingang 12"),
        "{title}"
    );
    assert!(title.contains("English only"), "{title}");
    assert!(findings(&v, "drafts-buildup").is_empty(), "{v:#}");

    let en = write(
        t.path(),
        "fl_en.txt",
        "\r\nName          : Inbox\r\nItemsInFolder : 4312\r\n\r\nName          : Drafts\r\nItemsInFolder : 2\r\n\r\nName          : Sent Items\r\nItemsInFolder : 80\r\n\r\n",
    );
    let (v, code) = report(&[&en]);
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v, "drafts-not-identified").is_empty(), "{v:#}");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{v:#}");
}

/// Without `FolderType`, a user folder `/Inbox/Drafts` of 4000 items is not the Drafts folder:
/// the top-level `/Drafts` (3 items) is, so nothing warns. With no `FolderPath` the name alone
/// decides.
#[test]
fn a_nested_folder_named_drafts_is_not_drafts() {
    let t = tempfile::tempdir().expect("tempdir");
    let p = write(
        t.path(),
        "fs_nested.csv",
        "Name,FolderPath,ItemsInFolder\r\nInbox,/Inbox,20\r\nDrafts,/Inbox/Drafts,4000\r\nDrafts,/Drafts,3\r\n",
    );
    let (v, code) = report(&[&p]);
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v, "drafts-buildup").is_empty(), "{v:#}");
    assert!(findings(&v, "drafts-not-identified").is_empty(), "{v:#}");

    let p = write(
        t.path(),
        "fs_names.csv",
        "Name,ItemsInFolder\r\nInbox,20\r\nDrafts,4000\r\n",
    );
    let (v, code) = report(&[&p]);
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(
        f[0]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Drafts holds 4000 items")),
        "{v:#}"
    );
}

/// A listing whose items say `IsDraft = false` is not taken as Drafts because its file name
/// holds "draft": its folder stays unknown, so its 10 offline-IM items raise nothing; the same
/// items with `IsDraft = true` are Drafts and critical, and so are they beside one item that
/// says `IsDraft = false` (a mail dragged into Drafts keeps it) in a file named for drafts.
#[test]
fn items_that_are_not_drafts_stop_the_file_name_rule() {
    let t = tempfile::tempdir().expect("tempdir");
    let not = write(
        t.path(),
        "inbox-for-drafts-ticket.xml",
        &listing(10, "IM.Note.MissedConversation", false),
    );
    let (v, code) = report(&[&not]);
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v, "drafts-buildup").is_empty(), "{v:#}");
    let entry = &v["mailbox"][0];
    assert_ne!(entry["folder"], "drafts", "{entry:#}");
    assert!(entry["folder_source"].is_null(), "{entry:#}");

    let yes = write(
        t.path(),
        "drafts-ticket.xml",
        &listing(10, "IM.Note.MissedConversation", true),
    );
    let (v, code) = report(&[&yes]);
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "critical");

    let moved = listing(1, "IPM.Note", false);
    let at = moved.find("<t:Message>").expect("an item");
    let end = moved.find("</t:Items>").expect("the items' end");
    let mixed = listing(10, "IM.Note.MissedConversation", true)
        .replacen("</t:Items>", &format!("{}</t:Items>", &moved[at..end]), 1)
        .replace(
            "AAMk0\" ChangeKey=\"x\"/><t:ItemClass>IPM.Note",
            "AAMk99\" ChangeKey=\"x\"/><t:ItemClass>IPM.Note",
        );
    let mixed = write(t.path(), "drafts-mixed.xml", &mixed);
    let (v, code) = report(&[&mixed]);
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], "critical");
    assert_eq!(v["mailbox"][0]["folder"], "drafts", "{v:#}");
}

/// Unattributed folder statistics: the evidence line says "owner not known".
#[test]
fn unattributed_statistics_say_owner_not_known() {
    let t = tempfile::tempdir().expect("tempdir");
    let stats = write(t.path(), "fs.csv", STATS_300);
    let (v, _) = report(&[&stats]);
    let f = findings(&v, "drafts-buildup");
    assert_eq!(f.len(), 1, "{v:#}");
    let ex = f[0]["evidence"][0]["excerpt"].as_str().expect("excerpt");
    assert!(ex.ends_with("Drafts 300 items; owner not known"), "{ex}");
}
