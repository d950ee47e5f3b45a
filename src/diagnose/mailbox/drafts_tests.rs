//! Tests of `drafts-buildup` (`super` is `diagnose::mailbox::drafts`).
use super::*;
use crate::diagnose::mailbox::OfflineImPatterns;
use crate::diagnose::{diagnose, RuleSettings};
use crate::model::{ClientGen, Clock, EventKind, ExportFormat, FolderStat};
use chrono::{TimeZone, Utc};
use std::time::Duration;

fn clock() -> Clock {
    Clock {
        now: Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("t"),
        stuck_after: Duration::from_secs(120),
    }
}

fn run(m: &Model, settings: &RuleSettings) -> Vec<Finding> {
    diagnose(&Context {
        model: m,
        clock: clock(),
        settings,
    })
}

fn jdoe() -> Account {
    Account {
        address: "jdoe@contoso.com".into(),
        client: ClientGen::Office16,
        profile: Some("jdoe".into()),
        dir: "/p/sip_jdoe@contoso.com".into(),
        spooler: None,
    }
}

fn drafts_listing(im: usize, other: usize) -> MailboxFile {
    let mut f = MailboxFile::new(
        "/c/drafts.xml",
        MailboxFileKind::FindItem,
        ExportFormat::Xml,
    );
    f.folder = Some("drafts".into());
    f.owner = Some("jdoe@contoso.com".into());
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("t")
        .fixed_offset();
    for i in 0..im + other {
        f.items.push(MailItem {
            id: Some(format!("AAMk{i}")),
            class: Some(
                if i < im {
                    "IM.Note.MissedConversation"
                } else {
                    "IPM.Note"
                }
                .into(),
            ),
            subject: Some("secret subject".into()),
            created: Some(t0 + chrono::Duration::minutes(30 * i as i64)),
            ..MailItem::default()
        });
    }
    f
}

fn ev(kind: EventKind, line: u64, vals: &[(&str, &str)]) -> LogEvent {
    LogEvent {
        path: "/p/Tracing/Lync-UccApi-0.UccApilog".into(),
        line,
        time: Some(
            (Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
                .single()
                .expect("t")
                + chrono::Duration::seconds(line as i64))
            .fixed_offset(),
        ),
        level: Some("INFO".into()),
        thread: None,
        kind,
        marker: "test".into(),
        account: Some(0),
        profile: None,
        excerpt: format!("line {line}"),
        values: vals
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[test]
fn patterns_match_classes_and_subjects() {
    let p = OfflineImPatterns::builtin();
    let it = |c: Option<&str>, s: Option<&str>| MailItem {
        class: c.map(str::to_string),
        subject: s.map(str::to_string),
        ..MailItem::default()
    };
    assert!(p.matches(&it(Some("IM.Note.MissedConversation"), None)));
    assert!(p.matches(&it(Some("IPM.IM.Note.MissedConversation"), None)));
    assert!(p.matches(&it(Some("ipm.note.microsoft.missed.voice"), None)));
    assert!(p.matches(&it(Some("IPM.Note.Microsoft.Conversation"), None)));
    assert!(!p.matches(&it(Some("IPM.Note"), Some("Lunch?"))));
    assert!(p.matches(&it(
        Some("IPM.Note"),
        Some("Jane Doe sent you a message in Skype for Business")
    )));
    assert!(p.matches(&it(None, Some("Missed conversation with Jane Doe"))));
}

#[test]
fn critical_names_count_span_and_rate_and_hides_subjects() {
    let mut m = Model::default();
    m.accounts.push(jdoe());
    m.mailbox.push(drafts_listing(37, 3));
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].rule.as_str(), f[0].severity),
        ("drafts-buildup", Severity::Critical)
    );
    assert_eq!(f[0].account.as_deref(), Some("jdoe@contoso.com"));
    assert!(
        f[0].title.starts_with("37 offline-IM drafts"),
        "{}",
        f[0].title
    );
    assert!(f[0].title.contains("over 18h 00m"), "{}", f[0].title);
    assert!(f[0].title.contains("per hour"), "{}", f[0].title);
    let json = serde_json::to_string(&f[0]).expect("json");
    assert!(!json.contains("secret subject"));
    let mut s = RuleSettings::default();
    s.mailbox.show_content = true;
    let json = serde_json::to_string(&run(&m, &s)[0]).expect("json");
    assert!(json.contains("secret subject"));
}

/// A stuck spooled item to `to`, last written at 10:05:00Z.
fn stuck_item(name: &str, to: &str) -> crate::model::Item {
    let mut it = crate::model::Item::bare(
        format!("/p/sip_jdoe@contoso.com/History Spooler/{name}"),
        0,
        900,
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 5, 0).single(),
        crate::model::Format::Xml,
    );
    it.fields.to = vec![to.to_string()];
    it
}

#[test]
fn the_chains_shared_root_cause_is_named() {
    let mut m = Model::default();
    m.accounts.push(jdoe());
    m.mailbox.push(drafts_listing(37, 3));
    m.items = vec![stuck_item("{B0B}.xml", "bob@contoso.com")];
    m.events = vec![
        ev(
            EventKind::SipResponse,
            1,
            &[("status", "480"), ("to_address", "bob@contoso.com")],
        ),
        ev(EventKind::EwsFailure, 3, &[("status", "401")]),
    ];
    m.related = crate::diagnose::correlate::correlate(&m, Default::default());
    let f = run(&m, &RuleSettings::default());
    let d = f
        .iter()
        .find(|f| f.rule == "drafts-buildup")
        .expect("drafts-buildup");
    assert!(
        d.title.contains(
            "stuck in the spooler, the item: EWS failure 401 after the recipient was offline"
        ),
        "{}",
        d.title
    );
    // A second stuck item without that chain: no shared cause, none named.
    m.items.push(stuck_item("{CA201}.xml", "carol@contoso.com"));
    m.related = crate::diagnose::correlate::correlate(&m, Default::default());
    let f = run(&m, &RuleSettings::default());
    let d = f
        .iter()
        .find(|f| f.rule == "drafts-buildup")
        .expect("drafts-buildup");
    assert!(!d.title.contains("stuck in the spooler"), "{}", d.title);
}

#[test]
fn few_drafts_no_critical_and_stats_alone_warn() {
    let mut m = Model::default();
    m.mailbox.push(drafts_listing(2, 3));
    assert!(run(&m, &RuleSettings::default()).is_empty());
    let mut m = Model::default();
    let mut st = MailboxFile::new("/c/s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
    st.folders.push(FolderStat {
        folder_type: Some("Drafts".into()),
        items: Some(412),
        ..FolderStat::default()
    });
    m.mailbox.push(st);
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].title.contains("412"), "{}", f[0].title);
    assert!(f[0].title.contains("owner unknown"), "{}", f[0].title);
    let mut s = RuleSettings::default();
    s.mailbox.drafts_folder_threshold = 500;
    assert!(run(&m, &s).is_empty());
}

#[test]
fn logs_alone_warn_and_combine_with_a_listing() {
    let save = [
        ("operation", "CreateItem"),
        ("disposition", "SaveOnly"),
        ("folder", "drafts"),
    ];
    let mut m = Model::default();
    m.accounts.push(jdoe());
    m.events = vec![
        ev(EventKind::EwsRequest, 1, &save),
        ev(EventKind::EwsRequest, 2, &[("operation", "SendItem")]),
        ev(EventKind::EwsFailure, 3, &[("status", "500")]),
        ev(EventKind::EwsRequest, 4, &save),
        ev(EventKind::EwsRequest, 5, &save),
        // A create that failed itself leaves no draft.
        ev(EventKind::EwsRequest, 6, &save),
        ev(EventKind::HttpStatus, 7, &[("status", "401")]),
        // One that was sent fine.
        ev(EventKind::EwsRequest, 8, &save),
        ev(EventKind::EwsRequest, 9, &[("operation", "SendItem")]),
    ];
    let f = run(&m, &RuleSettings::default());
    // 1 failed send (1) + 2 never sent (5, 8: the send at 9 pairs with 4, first in line).
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].title.contains("never sent"), "{}", f[0].title);
    assert!(
        f[0].title.contains("one story with the 2 EWS failures"),
        "{}",
        f[0].title
    );

    m.mailbox.push(drafts_listing(6, 0));
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 1, "one finding per mailbox");
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(f[0].title.contains("one story"), "{}", f[0].title);
    assert!(f[0].evidence.iter().any(|e| e
        .excerpt
        .as_deref()
        .is_some_and(|x| x.starts_with("EWS failure"))));
}

#[test]
fn policies_name_the_identity() {
    let mut m = Model::default();
    let mut p = MailboxFile::new(
        "/c/im.txt",
        MailboxFileKind::CsPolicy,
        ExportFormat::FormatList,
    );
    let rec = |id: &str, k: &str, v: &str| crate::model::PolicyRecord {
        identity: Some(id.into()),
        values: [
            ("Identity".to_string(), id.to_string()),
            (k.to_string(), v.to_string()),
        ]
        .into(),
        line: Some(1),
    };
    p.policies.push(rec("Global", "EnableOfflineIm", "False"));
    p.policies
        .push(rec("Site:Redmond", "EnableOfflineIm", "True"));
    p.policies
        .push(rec("Tag:NoArchive", "EnableIMAutoArchiving", "False"));
    m.mailbox.push(p);
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 2);
    let by = |r: &str| f.iter().find(|x| x.rule == r).expect(r);
    assert!(by("offline-im-disabled").title.contains("Global"));
    assert!(by("autoarchiving-disabled").title.contains("Tag:NoArchive"));
    assert!(f.iter().all(|x| x.severity == Severity::Critical));
}

/// A paged listing (3 of 412) next to statistics of 412 keeps the warning, and alone it
/// warns too: its TotalItemsInView is the folder's size, not what it listed.
#[test]
fn a_paged_listing_never_removes_the_statistics_warning() {
    let mut page = drafts_listing(3, 0);
    page.total_in_view = Some(412);
    let mut st = MailboxFile::new("/c/s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
    st.owner = Some("jdoe@contoso.com".into());
    st.folders.push(FolderStat {
        folder_type: Some("Drafts".into()),
        items: Some(412),
        ..FolderStat::default()
    });
    for files in [vec![st.clone()], vec![st, page.clone()], vec![page]] {
        let m = Model {
            mailbox: files,
            ..Model::default()
        };
        let f = run(&m, &RuleSettings::default());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].title.starts_with("Drafts holds 412 items"),
            "{}",
            f[0].title
        );
    }
    // A whole listing of all 412 (none offline IM) keeps the warning: its items matched no
    // pattern, which does not prove they are not offline IMs.
    let mut whole = drafts_listing(0, 412);
    whole.total_in_view = Some(412);
    let m = Model {
        mailbox: vec![whole],
        ..Model::default()
    };
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(
        f[0].title.contains(
            "Drafts holds 412 items; the listing covers all of them: 0 of the 412 listed items matched the offline-IM patterns, 412 matched none (heuristic"
        ),
        "{}",
        f[0].title
    );
}

/// Entries naming different mailboxes without an address are not one mailbox.
#[test]
fn named_mailboxes_are_one_finding_each() {
    let mut m = Model::default();
    for (name, n) in [("rlee", 412), ("amy", 77)] {
        let mut st = MailboxFile::new(
            "/c/all.csv",
            MailboxFileKind::FolderStats,
            ExportFormat::Csv,
        );
        st.named_mailbox = Some(name.into());
        st.folders.push(FolderStat {
            folder_type: Some("Drafts".into()),
            items: Some(n),
            ..FolderStat::default()
        });
        m.mailbox.push(st);
    }
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f
        .iter()
        .any(|x| x.title.contains("412") && x.title.contains("mailbox rlee")));
    assert!(f
        .iter()
        .any(|x| x.title.contains("77") && x.title.contains("mailbox amy")));
}

#[test]
fn a_slow_pile_up_is_told_per_day() {
    assert_eq!(rate_text(13, 12 * 86_400), ", about 1.1 per day");
    assert_eq!(rate_text(10, 3_600), ", about 10.0 per hour");
    assert_eq!(rate_text(1, 20 * 3_600), ", about 0.1 per hour");
    assert_eq!(rate_text(2, 400 * 86_400), "");
}

/// Folder statistics of 412 Drafts items (owner jdoe).
fn stats_412() -> MailboxFile {
    let mut st = MailboxFile::new("/c/s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
    st.owner = Some("jdoe@contoso.com".into());
    st.attribution = "identity".into();
    st.folders.push(FolderStat {
        folder_type: Some("Drafts".into()),
        items: Some(412),
        ..FolderStat::default()
    });
    st
}

/// A whole listing next to statistics at or over the threshold never removes the warning,
/// whether some or none of its items matched the offline-IM patterns; the title says how many
/// matched and labels the rest as a heuristic.
#[test]
fn a_whole_listing_never_turns_the_statistics_warning_into_an_all_clear() {
    for (im, title) in [
        (
            0,
            "Drafts holds 412 items; the listing covers all of them: 0 of the 412 listed items matched the offline-IM patterns, 412 matched none (heuristic: ordinary drafts, or offline IMs in a class or language the patterns do not know)",
        ),
        (
            3,
            "Drafts holds 412 items; the listing covers all of them: 3 of the 412 listed items matched the offline-IM patterns, 409 matched none (heuristic",
        ),
    ] {
        let m = Model {
            mailbox: vec![stats_412(), drafts_listing(im, 412 - im)],
            ..Model::default()
        };
        let f = run(&m, &RuleSettings::default());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].rule.as_str(), f[0].severity),
            ("drafts-buildup", Severity::Warning)
        );
        assert!(f[0].title.starts_with(title), "{}", f[0].title);
        // Both files are evidence; the listing's line counts the matched items.
        assert!(
            f[0].evidence.iter().any(|e| e
                .excerpt
                .as_deref()
                .is_some_and(|x| x.contains(&format!("412 items, {im} offline-IM")))),
            "{:#?}",
            f[0].evidence
        );
    }
    // Enough matched items make it critical, as before, with the folder's count beside it.
    let m = Model {
        mailbox: vec![stats_412(), drafts_listing(37, 375)],
        ..Model::default()
    };
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(
        f[0].title.contains("Drafts holds 412 items"),
        "{}",
        f[0].title
    );
}

/// A listing alone is a count of the folder too: at the folder threshold it warns, one item
/// under it it does not (with fewer matched items than the critical threshold).
#[test]
fn a_listing_alone_at_the_folder_threshold_warns() {
    let s = RuleSettings::default();
    let at = s.mailbox.drafts_folder_threshold as usize;
    for im in [0, 2] {
        let m = Model {
            mailbox: vec![drafts_listing(im, at - im)],
            ..Model::default()
        };
        let f = run(&m, &s);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].title.starts_with(&format!(
                "Drafts holds {at} items; the listing covers all of them: {im} of the {at} listed items matched the offline-IM patterns, {} matched none",
                at - im
            )),
            "{}",
            f[0].title
        );
        let m = Model {
            mailbox: vec![drafts_listing(im, at - 1 - im)],
            ..Model::default()
        };
        assert!(run(&m, &s).is_empty());
    }
}

/// A paged listing says how many of the listed items matched, and still asks for the rest.
#[test]
fn a_partial_listing_counts_its_matched_items() {
    let m = Model {
        mailbox: vec![stats_412(), drafts_listing(1, 9)],
        ..Model::default()
    };
    let f = run(&m, &RuleSettings::default());
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].title.starts_with(
            "Drafts holds 412 items; the listing covers only 10 of them (1 offline-IM), list the whole folder to confirm; 1 of the 10 listed items matched the offline-IM patterns, 9 matched none (heuristic"
        ),
        "{}",
        f[0].title
    );
}

/// Unattributed folder statistics say "owner not known" in their evidence line; an attributed
/// file still says how its owner was found.
#[test]
fn an_unattributed_file_says_owner_not_known() {
    let mut st = stats_412();
    st.owner = None;
    st.attribution = "unattributed".into();
    let m = Model {
        mailbox: vec![st],
        ..Model::default()
    };
    let f = run(&m, &RuleSettings::default());
    let ex = f[0].evidence[0].excerpt.as_deref().unwrap_or_default();
    assert_eq!(
        ex,
        "Get-MailboxFolderStatistics export (csv): Drafts 412 items; owner not known"
    );
    let m = Model {
        mailbox: vec![stats_412()],
        ..Model::default()
    };
    let f = run(&m, &RuleSettings::default());
    let ex = f[0].evidence[0].excerpt.as_deref().unwrap_or_default();
    assert!(ex.ends_with("; owner from identity"), "{ex}");
}
