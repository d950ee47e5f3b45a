//! `drafts-not-identified`: folder statistics in which no row is the Drafts folder, so the
//! Drafts check could not be made. Folder names are matched in English only (see
//! `FolderStat::is_drafts`); a localised mailbox exported without `FolderType` lands here.
//! Info only: such a mailbox's Inbox routinely holds thousands of items, so the largest folders
//! are listed as evidence, not judged.

use super::drafts::new_finding;
use crate::diagnose::Context;
use crate::model::{Evidence, Finding, FolderStat, MailboxFileKind, Severity};

/// How many of the largest folders the finding lists.
const LARGEST: usize = 3;

pub(super) fn drafts_not_identified(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    for f in &m.mailbox {
        if f.kind != MailboxFileKind::FolderStats || f.folders.is_empty() {
            continue;
        }
        if f.drafts_stat().is_some() {
            continue;
        }
        let mut largest: Vec<&FolderStat> =
            f.folders.iter().filter(|d| d.items.is_some()).collect();
        // Stable: equal counts stay in file order.
        largest.sort_by_key(|d| std::cmp::Reverse(d.items));
        largest.truncate(LARGEST);
        let file = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.path.to_string_lossy().into_owned());
        let mut title = format!(
            "Drafts not identified in {file}: no row has FolderType Drafts, the path /Drafts or \
             (without FolderPath) the name Drafts, so the Drafts check was not possible (folder \
             names are matched in English only; an export with FolderType settles it)"
        );
        if !largest.is_empty() {
            let list: Vec<String> = largest
                .iter()
                .map(|d| format!("{} {}", folder_label(d), d.items.unwrap_or(0)))
                .collect();
            title.push_str(&format!("; largest folders: {}", list.join(", ")));
        }
        match (&f.owner, &f.named_mailbox) {
            (None, Some(n)) => title.push_str(&format!("; mailbox {n}")),
            (Some(o), _) if m.account_by_address(o).is_none() => {
                title.push_str(&format!("; mailbox {o}"))
            }
            _ => {}
        }
        let mut finding = new_finding(
            m,
            "drafts-not-identified",
            Severity::Info,
            f.owner.as_deref(),
            title,
        );
        finding.evidence.push(Evidence {
            excerpt: Some(format!(
                "{} ({}): {} folders, none identified as Drafts",
                f.kind.label(),
                f.format.as_str(),
                f.folders.len()
            )),
            ..Evidence::file(&f.path)
        });
        for d in largest {
            finding.evidence.push(Evidence {
                line: d.line,
                excerpt: Some(format!(
                    "folder {}{}: {} items{}",
                    folder_label(d),
                    d.folder_type
                        .as_deref()
                        .map(|t| format!(" (FolderType {t})"))
                        .unwrap_or_default(),
                    d.items.unwrap_or(0),
                    d.size
                        .as_deref()
                        .map(|s| format!(", {s}"))
                        .unwrap_or_default()
                )),
                ..Evidence::file(&f.path)
            });
        }
        out.push(finding);
    }
}

/// A folder as its row names it: the path, else the name.
fn folder_label(d: &FolderStat) -> String {
    d.folder_path
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .or(d.name.as_deref())
        .unwrap_or("(no name)")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{diagnose, RuleSettings};
    use crate::model::{Clock, ExportFormat, MailboxFile, Model};
    use chrono::{TimeZone, Utc};
    use std::time::Duration;

    fn run(m: &Model) -> Vec<Finding> {
        let settings = RuleSettings::default();
        diagnose(&Context {
            model: m,
            clock: Clock {
                now: Utc
                    .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
                    .single()
                    .expect("t"),
                stuck_after: Duration::from_secs(120),
            },
            settings: &settings,
        })
    }

    fn stats(rows: &[(&str, Option<&str>, u64)]) -> MailboxFile {
        let mut f = MailboxFile::new(
            "/c/fs.txt",
            MailboxFileKind::FolderStats,
            ExportFormat::FormatList,
        );
        for (i, (name, path, n)) in rows.iter().enumerate() {
            f.folders.push(FolderStat {
                name: Some(name.to_string()),
                folder_path: path.map(str::to_string),
                items: Some(*n),
                line: Some(i as u64 * 3 + 1),
                ..FolderStat::default()
            });
        }
        f
    }

    /// A localised export without FolderType: one info finding naming the file, the three
    /// largest folders (largest first) as evidence; nothing else, so the exit code stays 0.
    #[test]
    fn statistics_without_a_drafts_row_say_so() {
        let m = Model {
            mailbox: vec![stats(&[
                ("Posteingang", None, 12),
                ("Entwürfe", None, 4312),
                ("Gesendete Elemente", None, 80),
                ("Kalender", None, 7),
                ("Aufgaben", None, 80),
            ])],
            ..Model::default()
        };
        let f = run(&m);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].rule.as_str(), f[0].severity),
            ("drafts-not-identified", Severity::Info)
        );
        assert!(
            f[0].title.starts_with("Drafts not identified in fs.txt"),
            "{}",
            f[0].title
        );
        assert!(
            f[0].title
                .contains("largest folders: Entwürfe 4312, Gesendete Elemente 80, Aufgaben 80"),
            "{}",
            f[0].title
        );
        assert!(!f[0].title.contains("Kalender"), "{}", f[0].title);
        // The file, then the three folders with their lines.
        assert_eq!(f[0].evidence.len(), 4, "{:#?}", f[0].evidence);
        assert_eq!(f[0].evidence[1].line, Some(4));
        assert!(f[0].evidence[1]
            .excerpt
            .as_deref()
            .is_some_and(|x| x.starts_with("folder Entwürfe: 4312 items")));
    }

    /// An English export always has Drafts: by name without a path, by the top-level path with
    /// one; neither raises the finding. A nested Drafts alone is not Drafts, so it does.
    #[test]
    fn an_english_export_has_drafts_and_says_nothing() {
        let by_name = stats(&[("Inbox", None, 4000), ("Drafts", None, 3)]);
        let by_path = stats(&[
            ("Inbox", Some("/Inbox"), 4000),
            ("Drafts", Some("/Inbox/Drafts"), 9),
            ("Drafts", Some("/Drafts"), 3),
        ]);
        for f in [by_name, by_path] {
            let m = Model {
                mailbox: vec![f],
                ..Model::default()
            };
            assert!(run(&m).is_empty(), "{:#?}", run(&m));
        }
        let nested_only = stats(&[
            ("Inbox", Some("/Inbox"), 4000),
            ("Drafts", Some("/Inbox/Drafts"), 9),
        ]);
        let m = Model {
            mailbox: vec![nested_only],
            ..Model::default()
        };
        let f = run(&m);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].rule, "drafts-not-identified");
        assert!(
            f[0].title.contains("/Inbox 4000, /Inbox/Drafts 9"),
            "{}",
            f[0].title
        );
    }

    /// Only folder statistics are judged: a listing or an empty statistics entry says nothing.
    #[test]
    fn other_files_are_not_judged() {
        let mut list = MailboxFile::new("/c/l.xml", MailboxFileKind::FindItem, ExportFormat::Xml);
        list.folders = stats(&[("Inbox", None, 5)]).folders;
        let empty = MailboxFile::new("/c/e.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
        let m = Model {
            mailbox: vec![list, empty],
            ..Model::default()
        };
        assert!(run(&m).is_empty());
    }
}
