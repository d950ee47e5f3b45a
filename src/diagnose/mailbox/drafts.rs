//! `drafts-buildup`: offline-IM drafts piling up in the Drafts folder (listings, folder
//! statistics, and drafts the logs show saved and never sent).

use super::events::{event_evidence, is_failure, unsent_drafts_in, Unsent};
use super::SAMPLE;
use crate::diagnose::{finding, Context};
use crate::duration::human;
use crate::model::{
    Account, Evidence, Finding, LogEvent, MailItem, MailboxFile, MailboxFileKind, Model, Severity,
};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything known about one mailbox's Drafts folder.
#[derive(Default)]
struct Mailbox<'a> {
    listings: Vec<&'a MailboxFile>,
    stats: Vec<&'a MailboxFile>,
    unsent: Unsent<'a>,
}

/// A time in the display zone, tagged with its offset.
fn fmt_time(t: DateTime<FixedOffset>, zone: crate::clock::Zone) -> String {
    format!("{} {}", zone.format(&t, "%Y-%m-%d %H:%M"), zone.tag_at(&t))
}

fn short_id(id: &str) -> String {
    if id.chars().count() > 28 {
        let head: String = id.chars().take(12).collect();
        let tail: String = id
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head}…{tail}")
    } else {
        id.to_string()
    }
}

fn account_of<'a>(m: &'a Model, owner: Option<&str>) -> Option<(usize, &'a Account)> {
    let idx = m.account_by_address(owner?)?;
    Some((idx, &m.accounts[idx]))
}

fn new_finding(
    m: &Model,
    rule: &str,
    sev: Severity,
    owner: Option<&str>,
    title: String,
) -> Finding {
    match account_of(m, owner) {
        Some((_, acc)) => finding(rule, sev, Some(acc), title),
        None => {
            let mut f = finding(rule, sev, None, title);
            f.account = owner.map(str::to_string);
            f
        }
    }
}

pub(super) fn drafts_buildup(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let s = &ctx.settings.mailbox;
    // Group by mailbox owner (lower-cased address), else by the mailbox a file names without
    // an address (one of several in its file); (None, None) = unattributed.
    let mut boxes: BTreeMap<(Option<String>, Option<String>), Mailbox<'_>> = BTreeMap::new();
    for f in &m.mailbox {
        let owner = f.owner.as_ref().map(|o| o.to_ascii_lowercase());
        let named = owner.is_none().then(|| f.named_mailbox.clone()).flatten();
        let key = (owner, named);
        let listing = matches!(
            f.kind,
            MailboxFileKind::FindItem | MailboxFileKind::ItemList
        ) && f.lists_drafts()
            && !f.items.is_empty();
        if listing {
            boxes.entry(key.clone()).or_default().listings.push(f);
        }
        if f.drafts_stat().is_some() {
            boxes.entry(key).or_default().stats.push(f);
        }
    }
    for (acc, evs) in unsent_drafts_in(m) {
        let key = acc
            .and_then(|i| m.accounts.get(i))
            .map(|a| a.address.to_ascii_lowercase());
        boxes.entry((key, None)).or_default().unsent = evs;
    }

    for ((owner, named), mb) in boxes {
        let owner = owner.as_deref();
        // Offline-IM drafts in every listing, each item once.
        let mut seen_ids = std::collections::BTreeSet::new();
        let mut im: Vec<(&MailboxFile, &MailItem)> = Vec::new();
        let mut listed = 0usize;
        for f in &mb.listings {
            for it in &f.items {
                if let Some(id) = &it.id {
                    if !seen_ids.insert(id.clone()) {
                        continue;
                    }
                }
                listed += 1;
                if s.patterns.matches(it) {
                    im.push((f, it));
                }
            }
        }
        // A paged listing's TotalItemsInView is the folder's size, not what was listed: it
        // counts as the folder's statistics, and only the items in the files as covered.
        let paged_total = mb
            .listings
            .iter()
            .filter_map(|f| f.total_in_view.filter(|&t| t > f.items.len() as u64))
            .max();
        let drafts_count = mb
            .stats
            .iter()
            .filter_map(|f| f.drafts_stat().and_then(|d| d.items))
            .chain(paged_total)
            .max();
        let covered = mb
            .listings
            .iter()
            .map(|f| f.items.len() as u64)
            .max()
            .unwrap_or(0)
            .max(listed as u64);

        let critical = im.len() >= s.drafts_threshold.max(1);
        let by_stats = drafts_count.is_some_and(|n| {
            n >= s.drafts_folder_threshold && (mb.listings.is_empty() || covered < n)
        });
        let listed_only_part = drafts_count.is_some_and(|n| !mb.listings.is_empty() && covered < n);
        let by_logs = mb.unsent.count >= s.drafts_log_threshold.max(1) as u64;
        if !critical && !by_stats && !by_logs {
            continue;
        }

        // The same story in the logs: EWS failures of this account.
        let failures: Vec<&LogEvent> = match account_of(m, owner) {
            Some((idx, _)) => m
                .events
                .iter()
                .filter(|e| e.account == Some(idx) && is_failure(e))
                .collect(),
            None => Vec::new(),
        };

        let mut parts: Vec<String> = Vec::new();
        let sev;
        if critical {
            sev = Severity::Critical;
            im.sort_by_key(|(_, it)| it.time());
            let times: Vec<DateTime<FixedOffset>> =
                im.iter().filter_map(|(_, it)| it.time()).collect();
            let n = im.len();
            let mut t = format!("{n} offline-IM drafts stuck in Drafts");
            if let (Some(first), Some(last)) = (times.first(), times.last()) {
                let span = (*last - *first).num_seconds().max(0);
                t.push_str(&format!(
                    " over {} ({} to {})",
                    human(span),
                    fmt_time(*first, ctx.settings.zone),
                    fmt_time(*last, ctx.settings.zone)
                ));
                if span > 0 {
                    t.push_str(&rate_text(times.len(), span));
                } else {
                    t.push_str(", all at once");
                }
            }
            if listed > n {
                t.push_str(&format!(" ({} other drafts not counted)", listed - n));
            }
            parts.push(t);
            if let Some(c) = drafts_count {
                if listed_only_part {
                    parts.push(format!(
                        "Drafts holds {c} items, the listing covers {covered} of them"
                    ));
                } else {
                    parts.push(format!("Drafts holds {c} items"));
                }
            }
        } else if by_stats {
            sev = Severity::Warning;
            let c = drafts_count.unwrap_or(0);
            let mut t = format!("Drafts holds {c} items");
            if mb.listings.is_empty() {
                t.push_str(": item classes (an EWS FindItem listing of Drafts) would confirm whether they are stuck offline IMs");
            } else {
                t.push_str(&format!(
                    "; the listing covers only {covered} of them ({} offline-IM), list the whole folder to confirm",
                    im.len()
                ));
            }
            parts.push(t);
        } else {
            sev = Severity::Warning;
            parts.push(format!(
                "{} EWS CreateItem (SaveOnly into drafts) in the logs never sent: drafts are piling up",
                mb.unsent.count
            ));
        }
        if (critical || by_stats) && by_logs {
            parts.push(format!(
                "the logs show {} drafts saved and never sent",
                mb.unsent.count
            ));
        }
        // The chain the stuck spooled items of this account share (as spool-stuck names it).
        if let Some((idx, _)) = account_of(m, owner) {
            let stuck: Vec<&crate::model::Item> = m
                .items_of(idx)
                .filter(|i| i.state(ctx.clock) == crate::model::ItemState::Stuck)
                .collect();
            if let Some(c) = crate::diagnose::correlate::shared_cause(&m.related, &stuck) {
                parts.push(format!("stuck in the spooler, {c}"));
            }
        }
        if !failures.is_empty() {
            parts.push(format!(
                "one story with the {} EWS failure{} in the trace logs",
                failures.len(),
                if failures.len() == 1 { "" } else { "s" }
            ));
        }
        match owner {
            None => match &named {
                Some(n) => parts.push(format!(
                    "mailbox {n} (as its file's Identity names it; no address known)"
                )),
                None => parts.push("mailbox owner unknown: no file names it".into()),
            },
            // No sip_* folder for this mailbox: the views cannot group it, so the title names it.
            Some(o) if account_of(m, Some(o)).is_none() => parts.push(format!("mailbox {o}")),
            Some(_) => {}
        }
        let mut f = new_finding(m, "drafts-buildup", sev, owner, parts.join("; "));

        // Evidence: the files, then a sample of items, then the log records.
        let mut files: Vec<PathBuf> = Vec::new();
        for l in &mb.listings {
            if files.contains(&l.path) {
                continue;
            }
            files.push(l.path.clone());
            let n_im = im.iter().filter(|(src, _)| src.path == l.path).count();
            f.evidence.push(Evidence {
                link: None,
                excerpt: Some(format!(
                    "{} ({}) of {} (folder from {}): {} items, {} offline-IM; owner from {}",
                    l.kind.label(),
                    l.format.as_str(),
                    l.folder.as_deref().unwrap_or("drafts"),
                    l.folder_source.as_deref().unwrap_or("?"),
                    l.items.len(),
                    n_im,
                    l.attribution
                )),
                ..Evidence::file(&l.path)
            });
        }
        for st in &mb.stats {
            if files.contains(&st.path) {
                continue;
            }
            files.push(st.path.clone());
            let d = st.drafts_stat();
            f.evidence.push(Evidence {
                link: None,
                line: d.and_then(|d| d.line),
                excerpt: Some(format!(
                    "{} ({}): Drafts {} items{}; owner from {}",
                    st.kind.label(),
                    st.format.as_str(),
                    d.and_then(|d| d.items)
                        .map_or("?".into(), |n| n.to_string()),
                    d.and_then(|d| d.size.as_deref())
                        .map(|s| format!(", {s}"))
                        .unwrap_or_default(),
                    st.attribution
                )),
                ..Evidence::file(&st.path)
            });
        }
        let sample: Vec<&(&MailboxFile, &MailItem)> = if im.len() <= SAMPLE {
            im.iter().collect()
        } else {
            im.iter()
                .take(SAMPLE - 2)
                .chain(im.iter().skip(im.len() - 2))
                .collect()
        };
        for (src, it) in sample {
            let mut ex = format!(
                "ItemId {} · {}",
                it.id.as_deref().map(short_id).unwrap_or_else(|| "?".into()),
                it.class.as_deref().unwrap_or("class unknown")
            );
            if !it.to.is_empty() {
                ex.push_str(&format!(" · → {}", it.to.join(", ")));
            }
            if s.show_content {
                if let Some(sub) = &it.subject {
                    ex.push_str(&format!(" · “{sub}”"));
                }
            }
            f.evidence.push(Evidence {
                link: None,
                path: src.path.clone(),
                line: it.line,
                time: it.time(),
                excerpt: Some(ex),
            });
        }
        for e in mb.unsent.evidence.iter().take(SAMPLE) {
            f.evidence
                .push(event_evidence(e, "draft saved, never sent"));
        }
        for e in failures.iter().take(3) {
            f.evidence.push(event_evidence(e, "EWS failure"));
        }
        out.push(f);
    }
}

/// How fast `n` drafts piled up over `span_secs`: per hour, per day when that would round to
/// 0.0 ("about 0.0 per hour" said nothing), nothing when even that would.
fn rate_text(n: usize, span_secs: i64) -> String {
    let per_hour = n as f64 / (span_secs.max(1) as f64 / 3600.0);
    if per_hour >= 0.05 {
        format!(", about {per_hour:.1} per hour")
    } else if per_hour * 24.0 >= 0.05 {
        format!(", about {:.1} per day", per_hour * 24.0)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
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
        // A whole listing of all 412 (none offline IM) covers them: no warning.
        let mut whole = drafts_listing(0, 412);
        whole.total_in_view = Some(412);
        let m = Model {
            mailbox: vec![whole],
            ..Model::default()
        };
        assert!(run(&m, &RuleSettings::default()).is_empty());
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
}
