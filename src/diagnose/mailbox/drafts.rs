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

pub(super) fn new_finding(
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

        // The folder's size as far as anything shows it: the statistics, a paged listing's
        // TotalItemsInView, or the items listed. A listing never turns a Drafts count at or over
        // the threshold into an all-clear: its items that match no offline-IM pattern may be
        // offline IMs in a class or language the patterns do not know.
        let folder_count = if mb.listings.is_empty() {
            drafts_count
        } else {
            drafts_count.max(Some(covered))
        };
        let critical = im.len() >= s.drafts_threshold.max(1);
        let by_stats = folder_count.is_some_and(|n| n >= s.drafts_folder_threshold);
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
            let c = folder_count.unwrap_or(0);
            let mut t = format!("Drafts holds {c} items");
            if mb.listings.is_empty() {
                t.push_str(": item classes (an EWS FindItem listing of Drafts) would confirm whether they are stuck offline IMs");
            } else if covered < c {
                t.push_str(&format!(
                    "; the listing covers only {covered} of them ({} offline-IM), list the whole folder to confirm",
                    im.len()
                ));
                t.push_str("; ");
                t.push_str(&unmatched_text(im.len(), listed));
            } else {
                t.push_str("; the listing covers all of them: ");
                t.push_str(&unmatched_text(im.len(), listed));
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
                    "{} ({}) of {} (folder from {}): {} items, {} offline-IM; {}",
                    l.kind.label(),
                    l.format.as_str(),
                    l.folder.as_deref().unwrap_or("drafts"),
                    l.folder_source.as_deref().unwrap_or("?"),
                    l.items.len(),
                    n_im,
                    owner_words(&l.attribution)
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
                    "{} ({}): Drafts {} items{}; {}",
                    st.kind.label(),
                    st.format.as_str(),
                    d.and_then(|d| d.items)
                        .map_or("?".into(), |n| n.to_string()),
                    d.and_then(|d| d.size.as_deref())
                        .map(|s| format!(", {s}"))
                        .unwrap_or_default(),
                    owner_words(&st.attribution)
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

/// How a file's owner was found, in words: "owner not known" for an unattributed file.
fn owner_words(attribution: &str) -> String {
    if attribution == "unattributed" {
        "owner not known".into()
    } else {
        format!("owner from {attribution}")
    }
}

/// What the listed items say against the offline-IM patterns, when the folder is large: how
/// many matched, and that the rest matched none, which proves nothing either way.
fn unmatched_text(matched: usize, listed: usize) -> String {
    format!(
        "{matched} of the {listed} listed items matched the offline-IM patterns, {} matched none \
         (heuristic: ordinary drafts, or offline IMs in a class or language the patterns do not know)",
        listed.saturating_sub(matched)
    )
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
#[path = "drafts_tests.rs"]
mod tests;
