//! Unit and property tests of the PowerShell export reader.

use super::*;

#[test]
fn csv_with_type_line_quotes_and_newlines() {
    let t = "#TYPE Microsoft.Exchange.Management.Tasks.MailboxFolderConfiguration\r\n\"Name\",\"FolderPath\",\"FolderType\",\"ItemsInFolder\",\"FolderSize\",\"Identity\"\r\n\"Inbox\",\"/Inbox\",\"Inbox\",\"1,024\",\"2 MB (2,097,152 bytes)\",\"jdoe@contoso.com\\Inbox\"\r\n\"Drafts\",\"/Drafts\",\"Drafts\",\"412\",\"1.1 MB\",\"jdoe@contoso.com\\Drafts\"\r\n\"Odd \"\"one\"\"\nsplit\",\"/x\",\"User\",\"1\",\"1 KB\",\"x\"\r\n";
    let f = parse_export(Path::new("s.csv"), t)
        .expect("ok")
        .expect("stats");
    assert_eq!(f.kind, MailboxFileKind::FolderStats);
    assert_eq!(f.format, ExportFormat::Csv);
    assert_eq!(f.folders.len(), 3);
    assert_eq!(f.folders[0].items, Some(1024));
    let d = f.drafts_stat().expect("drafts");
    assert_eq!((d.items, d.line), (Some(412), Some(4)));
    assert_eq!(f.folders[2].name.as_deref(), Some("Odd \"one\"\nsplit"));
    assert!(f.heuristics.contains(&"export-csv-type-line".to_string()));
}

#[test]
fn semicolon_csv_without_type_line() {
    let t = "Name;FolderPath;ItemsInFolder\nDrafts;/Drafts;60\n";
    let f = parse_export(Path::new("s.csv"), t)
        .expect("ok")
        .expect("stats");
    assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(60));
}

#[test]
fn format_list_blocks_and_wrapped_values() {
    let t = "\r\n\r\nIdentity                  : Global\r\nEnableOfflineIm           : False\r\nEnableFileTransfer        : True\r\n\r\nIdentity                  : Site:Redmond\r\nEnableOfflineIm           : True\r\nSomeLongValue             : {first, second,\r\n                            third}\r\n";
    let f = parse_export(Path::new("im.txt"), t)
        .expect("ok")
        .expect("policy");
    assert_eq!(f.kind, MailboxFileKind::CsPolicy);
    assert_eq!(f.format, ExportFormat::FormatList);
    assert_eq!(f.policies.len(), 2);
    assert_eq!(f.policies[0].name(), "Global");
    assert_eq!(f.policies[0].flag("EnableOfflineIM"), Some(false));
    assert_eq!(f.policies[0].line, Some(3));
    assert_eq!(
        f.policies[1].get("somelongvalue"),
        Some("{first, second, third}")
    );
}

#[test]
fn json_policy_and_stats() {
    let t = r#"[{"Identity":"Tag:NoArchive","EnableIMAutoArchiving":false,"TracingLevel":"Light"},{"Identity":"Global","EnableIMAutoArchiving":true}]"#;
    let f = parse_export(Path::new("p.json"), t)
        .expect("ok")
        .expect("policy");
    assert_eq!(f.policies[0].flag("EnableIMAutoArchiving"), Some(false));
    assert_eq!(f.policies[1].flag("EnableIMAutoArchiving"), Some(true));
    let t = r#"{"Name":"Drafts","FolderPath":"/Drafts","FolderType":"Drafts","ItemsInFolder":412,"FolderSize":"1 MB","Identity":"jdoe\\Drafts"}"#;
    let f = parse_export(Path::new("s.json"), t)
        .expect("ok")
        .expect("stats");
    assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(412));
    let e = parse_export(Path::new("s.json"), "[{\"ItemsInFolder\": 4,").expect_err("bad");
    assert!(matches!(e, ExportError::Json(_)), "{e}");
    assert!(
        e.to_string()
            .starts_with("looks like a PowerShell ConvertTo-Json export but is not valid JSON ("),
        "{e}"
    );
    assert!(parse_export(Path::new("x.json"), "{\"a\": 1}")
        .expect("ok")
        .is_none());
}

#[test]
fn item_lists_and_unreadable_item_lists() {
    let t = "Subject,From,To,MessageClass,Received,Folder\n\"Missed conversation with Jane\",jdoe@contoso.com,rlee@contoso.com,IPM.Note,3/1/2026 10:00:00 AM,Drafts\n";
    let f = parse_export(Path::new("l.csv"), t)
        .expect("ok")
        .expect("list");
    assert_eq!(f.kind, MailboxFileKind::ItemList);
    assert!(f.lists_drafts());
    let it = &f.items[0];
    assert_eq!(it.from.as_deref(), Some("jdoe@contoso.com"));
    assert_eq!(
        it.created.map(|t| t.to_rfc3339()),
        Some("2026-03-01T10:00:00+00:00".into())
    );
    let e = parse_export(Path::new("l.csv"), "Subject,From,To\na,b,c\n").expect_err("no class");
    assert!(
        e.to_string().contains("no item class or date column"),
        "{e}"
    );
    assert!(parse_export(Path::new("x.csv"), "a,b\n1,2\n")
        .expect("ok")
        .is_none());
}

#[test]
fn times() {
    assert!(parse_time("2026-03-01T10:00:00Z").expect("t").1.is_none());
    let (t, _) = parse_time("/Date(1772359200000)/").expect("json date");
    assert_eq!(t.to_rfc3339(), "2026-03-01T10:00:00+00:00");
    assert!(parse_time("01.03.2026 10:00:00").is_some());
    assert!(parse_time("soon").is_none());
}

/// Item counts: grouped shapes that can only be a count are read, everything else is not
/// (and is said, see `unreadable_counts_are_said`).
#[test]
fn counts_read_grouped_shapes_and_refuse_the_rest() {
    for (v, n) in [
        ("412", Some(412)),
        (" 412 ", Some(412)),
        ("1,412", Some(1412)),
        ("1.412", Some(1412)),
        ("1'412", Some(1412)),
        ("1 412", Some(1412)),
        ("1\u{a0}412", Some(1412)),
        ("1\u{202f}412", Some(1412)),
        ("12,345,678", Some(12_345_678)),
        ("412,0", None),
        ("412.0", None),
        ("1.41", None),
        ("1,412.5", None),
        ("1,412,41", None),
        (",412", None),
        ("", None),
        ("99999999999999999999999", None),
    ] {
        assert_eq!(parse_count(v), n, "{v:?}");
    }
}

#[test]
fn unreadable_counts_are_said() {
    let t = "Name;FolderType;ItemsInFolder;Identity\r\nDrafts;Drafts;412,0;jdoe\\Drafts\r\nInbox;Inbox;1.024;jdoe\\Inbox\r\n";
    let f = parse_export(Path::new("s.csv"), t)
        .expect("ok")
        .expect("stats");
    assert_eq!(f.folders[0].items, None);
    assert_eq!(f.folders[1].items, Some(1024));
    assert!(f.heuristics.contains(&"item-count-unreadable".to_string()));
    assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
    assert!(
        f.problems[0].contains("\"412,0\", line 2"),
        "{:?}",
        f.problems
    );
}

/// A transcript holding a policy and folder statistics: both are read, each by its kind.
#[test]
fn a_mixed_format_list_reads_each_record_by_its_kind() {
    let t = "Transcript started, output file is C:\\temp\\case.txt\r\nUsername: CONTOSO\\admin\r\n\r\nPS C:\\> Get-CsClientPolicy -Identity Global\r\n\r\nIdentity              : Global\r\nEnableIMAutoArchiving : True\r\n\r\nPS C:\\> Get-MailboxFolderStatistics jdoe -FolderScope Drafts | fl\r\n\r\nName          : Drafts\r\nFolderType    : Drafts\r\nItemsInFolder : 412\r\nIdentity      : jdoe@contoso.com\\Drafts\r\n\r\n";
    let f = parse_export(Path::new("case.txt"), t)
        .expect("ok")
        .expect("read");
    assert_eq!(f.kind, MailboxFileKind::CsPolicy);
    assert_eq!(f.policies.len(), 1);
    assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(412));
    let parts = f.split_by_kind();
    let kinds: Vec<_> = parts.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [MailboxFileKind::CsPolicy, MailboxFileKind::FolderStats]
    );
    assert!(parts[0].folders.is_empty() && parts[1].policies.is_empty());
    assert_eq!(parts[1].drafts_stat().and_then(|d| d.items), Some(412));
    // Skipped records (the transcript's header) are counted once, on the first part.
    assert_eq!((parts[0].skipped, parts[1].skipped), (1, 0));
}

/// A last record without its line ending, or an open quote at the end, is not read as a
/// whole value: the records before it are kept and the cut is said.
#[test]
fn a_cut_last_record_is_not_read_and_is_said() {
    let fl = "Name          : Inbox\r\nItemsInFolder : 1024\r\n\r\nName          : Drafts\r\nFolderType    : Drafts\r\nItemsInFolder : 4";
    let f = parse_export(Path::new("s.txt"), fl)
        .expect("ok")
        .expect("stats");
    assert_eq!(f.folders.len(), 1);
    assert!(f.drafts_stat().is_none());
    assert!(f.problems[0].contains("line 4"), "{:?}", f.problems);
    assert!(f
        .heuristics
        .contains(&"last-record-cut-not-read".to_string()));
    // Whole, it is read.
    let f = parse_export(Path::new("s.txt"), &format!("{fl}12\r\n"))
        .expect("ok")
        .expect("s");
    assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(412));
    assert!(f.problems.is_empty());

    let csv = "\"Name\",\"FolderType\",\"ItemsInFolder\"\r\n\"Inbox\",\"Inbox\",\"1024\"\r\n\"Drafts\",\"Drafts\",\"4";
    // Cut inside the last value, inside its quote, or between two values of the last row.
    let between = "\"Name\",\"FolderType\",\"ItemsInFolder\"\r\n\"Inbox\",\"Inbox\",\"1024\"\r\n\"Drafts\",\"Drafts\"";
    for cut in [csv, &csv[..csv.len() - 1], between] {
        let f = parse_export(Path::new("s.csv"), cut)
            .expect("ok")
            .expect("stats");
        assert_eq!(f.folders.len(), 1, "{cut}");
        assert!(f.drafts_stat().is_none(), "{cut}");
        assert_eq!(f.problems.len(), 1, "{cut}");
        assert!(f.problems[0].contains("cut short"), "{:?}", f.problems);
    }
    // A last row whose every value is there and whose last value's quote is closed is whole:
    // only its line ending is missing (a hand-saved file), so it is read.
    for whole in [format!("{csv}12\""), format!("{csv}12\"\r")] {
        let f = parse_export(Path::new("s.csv"), &whole)
            .expect("ok")
            .expect("stats");
        assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(412), "{whole}");
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert!(!f
            .heuristics
            .contains(&"last-record-cut-not-read".to_string()));
    }
    // A cut only record is an error, not "not mailbox evidence".
    let e = parse_export(
        Path::new("s.txt"),
        "Name          : Drafts\r\nItemsInFolder : 4",
    )
    .expect_err("cut");
    assert!(e.to_string().contains("cut short"), "{e}");
    let e = parse_export(Path::new("s.csv"), "Name,ItemsInFolder\r\nDrafts,4").expect_err("cut");
    assert!(e.to_string().contains("line 2"), "{e}");
}

/// `Export-Csv -UseQuotes Never`: a size's commas split it; the pieces are joined again.
#[test]
fn unquoted_sizes_are_joined_again() {
    let t = "Name,FolderType,ItemsInFolder,FolderSize,Identity\r\nInbox,Inbox,1024,2 MB (2,097,152 bytes),jdoe\\Inbox\r\nDrafts,Drafts,412,12.5 KB (12,800 bytes),jdoe\\Drafts\r\nDeleted,DeletedItems,1,512 B (512 bytes),jdoe\\Deleted\r\n";
    let f = parse_export(Path::new("s.csv"), t)
        .expect("ok")
        .expect("stats");
    assert_eq!(f.folders.len(), 3);
    assert_eq!(f.skipped, 0);
    let d = f.drafts_stat().expect("drafts");
    assert_eq!(d.items, Some(412));
    assert_eq!(d.size.as_deref(), Some("12.5 KB (12,800 bytes)"));
    assert_eq!(f.folders[0].size.as_deref(), Some("2 MB (2,097,152 bytes)"));
    assert_eq!(f.folders[0].identity.as_deref(), Some("jdoe\\Inbox"));
    assert!(f
        .heuristics
        .contains(&"csv-unquoted-size-rejoined".to_string()));
    // A row with an extra field of another shape is still not read.
    let t = "Name,ItemsInFolder,Identity\r\nDrafts,412,x,y\r\n";
    let e = parse_export(Path::new("s.csv"), t).expect_err("no row read");
    assert!(
        e.to_string().contains("none of its 1 row(s)") && e.to_string().contains("ItemsInFolder"),
        "{e}"
    );
}

/// en-GB dates: a day over 12 settles the order for the whole file, and it is labelled;
/// dates that fit no order are counted.
#[test]
fn slash_dates_take_their_order_from_the_file() {
    let list = |dates: &[&str]| {
        let mut t = String::from("Subject,ItemClass,DateTimeCreated\r\n");
        for d in dates {
            t.push_str(&format!("x,IM.Note.MissedConversation,{d}\r\n"));
        }
        parse_export(Path::new("l.csv"), &t)
            .expect("ok")
            .expect("list")
    };
    let f = list(&["01/03/2026 10:00:00", "13/03/2026 10:00:00"]);
    let days: Vec<String> = f
        .items
        .iter()
        .map(|i| i.created.expect("t").format("%Y-%m-%d").to_string())
        .collect();
    assert_eq!(days, ["2026-03-01", "2026-03-13"]);
    assert!(f
        .heuristics
        .contains(&"date-order-day-month-from-file".to_string()));
    assert_eq!(f.bad_times, 0);

    let f = list(&["03/01/2026 10:00:00", "03/13/2026 10:00:00"]);
    assert_eq!(
        f.items[0].created.expect("t").format("%m-%d").to_string(),
        "03-01"
    );
    assert!(f
        .heuristics
        .contains(&"date-order-month-day-from-file".to_string()));

    let f = list(&["01/03/2026 10:00:00", "02/03/2026 10:00:00"]);
    assert!(f
        .heuristics
        .contains(&"date-order-ambiguous-read-as-month-day".to_string()));

    let f = list(&["13/03/2026 10:00:00", "03/13/2026 10:00:00", "soon"]);
    assert!(f
        .heuristics
        .contains(&"date-order-conflicting-read-as-month-day".to_string()));
    assert_eq!(f.bad_times, 2);
    assert!(
        f.problems[0].starts_with("2 time value(s)"),
        "{:?}",
        f.problems
    );
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// An export cut anywhere never gives a Drafts count other than the true one: it is
    /// the true one, or absent and said (an error or a problem line), in CSV (quoted or
    /// not) and Format-List.
    #[test]
    fn a_cut_export_never_gives_a_wrong_drafts_count(
        n in 10u64..100_000,
        shape in 0u8..3,
        cut in 0.0f64..1.0,
    ) {
        let whole = match shape {
            0 => format!("\"Name\",\"FolderType\",\"ItemsInFolder\"\r\n\"Inbox\",\"Inbox\",\"7\"\r\n\"Drafts\",\"Drafts\",\"{n}\"\r\n"),
            1 => format!("Name,FolderType,ItemsInFolder\r\nInbox,Inbox,7\r\nDrafts,Drafts,{n}\r\n"),
            _ => format!("Name          : Inbox\r\nItemsInFolder : 7\r\n\r\nName          : Drafts\r\nFolderType    : Drafts\r\nItemsInFolder : {n}\r\n\r\n"),
        };
        let at = ((whole.len() as f64) * cut) as usize;
        let text = &whole[..at];
        if let Ok(Some(f)) = parse_export(Path::new("s.txt"), text) {
            match f.drafts_stat().and_then(|d| d.items) {
                Some(c) => prop_assert_eq!(c, n, "{:?}", text),
                None => prop_assert!(
                    !f.problems.is_empty() || f.skipped > 0 || !text.contains("Drafts"),
                    "{:?}",
                    text
                ),
            }
        }
    }

    /// Any count grouped in threes by one separator reads back as itself.
    #[test]
    fn grouped_counts_read_back(n in 0u64..10_000_000_000, sep in 0usize..6) {
        let sep = [',', '.', '\'', ' ', '\u{a0}', '\u{202f}'][sep];
        let digits = n.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        prop_assert_eq!(parse_count(&grouped), Some(n), "{:?}", grouped);
    }
}

/// A `Format-List` list of items is an item list; a mail header block is not.
#[test]
fn format_list_item_lists_are_read() {
    let mut t = String::from("\r\n\r\n");
    for i in 0..6 {
        t.push_str(&format!("Subject         : Jane Doe sent you a message in Skype for Business\r\nItemClass       : IM.Note.MissedConversation\r\nDateTimeCreated : 3/1/2026 10:0{i}:00 AM\r\nFrom            : jdoe@contoso.com\r\nFolder          : Drafts\r\n\r\n"));
    }
    let f = parse_export(Path::new("items.txt"), &t)
        .expect("ok")
        .expect("list");
    assert_eq!(f.kind, MailboxFileKind::ItemList);
    assert_eq!(f.format, ExportFormat::FormatList);
    assert_eq!(f.items.len(), 6);
    assert!(f.lists_drafts());
    assert_eq!(f.items[5].line, Some(33));
    let mail =
        "Subject: lunch\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nFrom: a@b.c\r\n\r\nbody\r\n";
    assert!(!format_list_item_list(mail));
    assert!(parse_export(Path::new("m.txt"), mail)
        .expect("ok")
        .is_none());
}

/// `Format-Table` text (`| ft`): columns by the dash runs under the header, numbers right
/// aligned, several tables in one transcript, a cut or truncated value said, a dash line under
/// other text not taken for evidence.
#[test]
fn format_table_captures_are_read_by_column() {
    let t = "\r\nPS C:\\> Get-MailboxFolderStatistics jdoe | ft Name,FolderType,ItemsInFolder,FolderSize,Identity\r\n\r\nName    FolderType ItemsInFolder FolderSize               Identity\r\n----    ---------- ------------- ----------               --------\r\nInbox   Inbox               1024 2 MB (2,097,152 bytes)   jdoe@contoso.com\\Inbox\r\nDrafts  Drafts               412 1.1 MB (1,153,434 bytes) jdoe@contoso.com\\Drafts\r\n\r\n\r\nPS C:\\> Get-CsClientPolicy | ft Identity,EnableIMAutoArchiving\r\n\r\nIdentity EnableIMAutoArchiving\r\n-------- ---------------------\r\nGlobal                   False\r\n\r\n";
    let f = parse_export(Path::new("ft.txt"), t)
        .expect("ok")
        .expect("read");
    assert_eq!(f.format, ExportFormat::FormatTable);
    assert!(f
        .heuristics
        .contains(&"format-table-columns-by-position".to_string()));
    let parts = f.split_by_kind();
    let stats = parts
        .iter()
        .find(|p| p.kind == MailboxFileKind::FolderStats)
        .expect("stats");
    let d = stats.drafts_stat().expect("drafts");
    assert_eq!(d.items, Some(412));
    assert_eq!(d.identity.as_deref(), Some("jdoe@contoso.com\\Drafts"));
    assert_eq!(d.size.as_deref(), Some("1.1 MB (1,153,434 bytes)"));
    assert_eq!(d.line, Some(7));
    let policy = parts
        .iter()
        .find(|p| p.kind == MailboxFileKind::CsPolicy)
        .expect("policy");
    assert_eq!(
        policy.policies[0].values.get("EnableIMAutoArchiving"),
        Some(&"False".to_string())
    );
    assert_eq!(policy.policies[0].identity.as_deref(), Some("Global"));

    // A count PowerShell cut to fit its column is said, not read.
    let narrow = "Name   ItemsInFolder\r\n----   -------------\r\nDrafts 41234567890...\r\n";
    let f = parse_export(Path::new("ft.txt"), narrow)
        .expect("ok")
        .expect("read");
    assert_eq!(f.drafts_stat().and_then(|d| d.items), None);
    assert!(f.problems[0].contains("not a count"), "{:?}", f.problems);

    // A last row without its line ending is not read; with it, it is.
    let cut =
        "Name   ItemsInFolder\r\n----   -------------\r\nInbox             7\r\nDrafts          41";
    let f = parse_export(Path::new("ft.txt"), cut)
        .expect("ok")
        .expect("read");
    assert!(f.drafts_stat().is_none());
    assert!(f.problems[0].contains("cut short"), "{:?}", f.problems);
    let f = parse_export(Path::new("ft.txt"), &format!("{cut}2\r\n"))
        .expect("ok")
        .expect("read");
    assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(412));
    let e = parse_export(
        Path::new("ft.txt"),
        "Name   ItemsInFolder\r\n----   -------------\r\nDrafts          41",
    )
    .expect_err("cut");
    assert!(e.to_string().contains("Format-Table"), "{e}");

    // Dashes under other text are not mailbox evidence.
    let other = "Release notes\r\n-------------\r\nNothing here.\r\n";
    assert!(parse_export(Path::new("notes.txt"), other)
        .expect("ok")
        .is_none());
}
