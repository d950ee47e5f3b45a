//! Rules about the History Spooler itself: `spool-stuck`, `spool-unreadable`, `clock-skew`.

use super::{finding, Context, RuleFamily};
use crate::duration::human;
use crate::model::{Evidence, Finding, Format, Item, ItemState, Severity};

pub struct SpoolRules;

/// Oldest stuck item above this age makes `spool-stuck` critical.
pub const CRITICAL_AGE_SECS: i64 = 3600;
/// More stuck items than this makes `spool-stuck` critical.
const CRITICAL_COUNT: usize = 10;

/// A one-line description of an item that carries no message content.
pub fn item_excerpt(item: &Item) -> String {
    let mut s = format!("{} · {} bytes", item.format.as_str(), item.size);
    let to: Vec<&str> = item.fields.recipients().map(String::as_str).collect();
    if !to.is_empty() {
        s.push_str(" · → ");
        s.push_str(&to.join(", "));
    }
    s
}

fn item_evidence(item: &Item) -> Evidence {
    Evidence {
        link: None,
        path: item.path.clone(),
        line: None,
        time: item.modified.map(|m| m.fixed_offset()),
        excerpt: Some(item_excerpt(item)),
    }
}

impl RuleFamily for SpoolRules {
    fn rules(&self) -> &'static [&'static str] {
        &[
            "spool-stuck",
            "spool-unreadable",
            "clock-skew",
            "spool-times-disagree",
            "scan-incomplete",
        ]
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let m = ctx.model;
        // Items grouped by account in one pass (not one pass per account).
        let mut by_account: Vec<Vec<&Item>> = vec![Vec::new(); m.accounts.len()];
        for it in &m.items {
            if let Some(v) = by_account.get_mut(it.account) {
                v.push(it);
            }
        }
        for (idx, acc) in m.accounts.iter().enumerate() {
            let items: Vec<&Item> = std::mem::take(&mut by_account[idx]);

            let mut stuck: Vec<&Item> = items
                .iter()
                .copied()
                .filter(|i| i.state(ctx.clock) == ItemState::Stuck)
                .collect();
            if !stuck.is_empty() {
                stuck.sort_by_key(|i| i.modified);
                let oldest = stuck[0].age_secs(ctx.clock.now).unwrap_or(0);
                let sev = if oldest > CRITICAL_AGE_SECS || stuck.len() > CRITICAL_COUNT {
                    Severity::Critical
                } else {
                    Severity::Warning
                };
                let n = stuck.len();
                let mut title = format!(
                    "{n} item{} stuck in the History Spooler, oldest {}",
                    if n == 1 { "" } else { "s" },
                    human(oldest)
                );
                if let Some(c) = super::correlate::shared_cause(&ctx.model.related, &stuck) {
                    title.push_str(&format!(" — {c}"));
                }
                let mut f = finding("spool-stuck", sev, Some(acc), title);
                f.evidence = stuck.iter().map(|i| item_evidence(i)).collect();
                out.push(f);
            }

            let mut unreadable: Vec<Evidence> = items
                .iter()
                .filter(|i| i.format == Format::Unreadable)
                .map(|i| Evidence::file(&i.path))
                .collect();
            // Each path once (a spooler of many unreadable entries: an index, not a search).
            let mut at: std::collections::HashMap<std::path::PathBuf, usize> = unreadable
                .iter()
                .enumerate()
                .map(|(i, ev)| (ev.path.clone(), i))
                .collect();
            for e in m.spooler_errors(idx) {
                match at.get(&e.path) {
                    Some(&i) => unreadable[i].excerpt = Some(e.message.clone()),
                    None => {
                        at.insert(e.path.clone(), unreadable.len());
                        unreadable.push(Evidence {
                            link: None,
                            excerpt: Some(e.message.clone()),
                            ..Evidence::file(&e.path)
                        });
                    }
                }
            }
            if !unreadable.is_empty() {
                let n = unreadable.len();
                let title = if m.spooler_unlisted(idx) {
                    "the History Spooler could not be listed: what it holds is unknown".to_string()
                } else {
                    format!(
                        "{n} entr{} in the History Spooler could not be analysed",
                        if n == 1 { "y" } else { "ies" }
                    )
                };
                let mut f = finding("spool-unreadable", Severity::Warning, Some(acc), title);
                f.evidence = unreadable;
                out.push(f);
            }

            let skewed: Vec<&Item> = items
                .iter()
                .copied()
                .filter(|i| i.state(ctx.clock) == ItemState::ClockSkew)
                .collect();
            if !skewed.is_empty() {
                let ahead = skewed
                    .iter()
                    .filter_map(|i| i.age_secs(ctx.clock.now))
                    .min()
                    .unwrap_or(0)
                    .unsigned_abs() as i64;
                let n = skewed.len();
                let title = format!(
                    "{n} item{} dated in the future (up to {} ahead): clocks disagree",
                    if n == 1 { "" } else { "s" },
                    human(ahead)
                );
                let mut f = finding("clock-skew", Severity::Warning, Some(acc), title);
                f.evidence = skewed.iter().map(|i| item_evidence(i)).collect();
                out.push(f);
            }
            times_disagree(ctx, acc, &items, out);
        }
        scan_incomplete(m, out);
    }
}

/// `spool-times-disagree`: items that their file times call pending although their embedded
/// send times are older than the timer and well before those file times (see
/// [`Item::sent_long_before_file_time`]). Without it a copy that reset the file times reads as
/// "none stuck".
fn times_disagree(
    ctx: &Context<'_>,
    acc: &crate::model::Account,
    items: &[&Item],
    out: &mut Vec<Finding>,
) {
    let mut odd: Vec<(&Item, chrono::DateTime<chrono::Utc>)> = items
        .iter()
        .filter_map(|i| i.sent_long_before_file_time(ctx.clock).map(|s| (*i, s)))
        .collect();
    if odd.is_empty() {
        return;
    }
    odd.sort_by_key(|(_, s)| *s);
    let n = odd.len();
    let oldest = (ctx.clock.now - odd[0].1).num_seconds();
    let title = format!(
        "{n} item{} pending by file time, but sent up to {} ago by the time written in {}: \
         file times reset by a copy? (heuristic)",
        if n == 1 { "" } else { "s" },
        human(oldest),
        if n == 1 { "it" } else { "them" }
    );
    let mut f = finding("spool-times-disagree", Severity::Warning, Some(acc), title);
    f.evidence = odd
        .iter()
        .map(|(i, s)| Evidence {
            excerpt: Some(format!(
                "{} · sent {} (embedded), file time {}",
                item_excerpt(i),
                s.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                i.modified
                    .map(|m| m.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default()
            )),
            ..item_evidence(i)
        })
        .collect();
    out.push(f);
}

/// `scan-incomplete`: inputs that were named and not read, and folders the walk could not
/// list, other than those `spool-unreadable` already names for an account.
fn scan_incomplete(m: &crate::model::Model, out: &mut Vec<Finding>) {
    let unreached: std::collections::HashSet<&std::path::Path> =
        m.unreached.iter().map(|p| p.as_path()).collect();
    let mut seen: std::collections::HashSet<&std::path::Path> = Default::default();
    let mut evidence: Vec<Evidence> = Vec::new();
    for e in m
        .errors
        .iter()
        .filter(|e| unreached.contains(e.path.as_path()) && !m.about_a_spooler(&e.path))
    {
        if seen.insert(e.path.as_path()) {
            evidence.push(Evidence {
                link: None,
                excerpt: Some(e.message.clone()),
                ..Evidence::file(&e.path)
            });
        }
    }
    if evidence.is_empty() {
        return;
    }
    let n = evidence.len();
    let title = format!(
        "{n} input{} or folder{} could not be read: the scan is incomplete",
        if n == 1 { "" } else { "s" },
        if n == 1 { "" } else { "s" }
    );
    let mut f = finding("scan-incomplete", Severity::Warning, None, title);
    f.evidence = evidence;
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnose;
    use crate::model::{Account, ClientGen, Clock, Model, ScanError};
    use chrono::{TimeZone, Utc};
    use std::time::Duration;

    fn model_with_ages(ages: &[i64]) -> (Model, Clock) {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let mut m = Model::default();
        m.accounts.push(Account {
            address: "jdoe@contoso.com".into(),
            client: ClientGen::Office16,
            profile: Some("jdoe".into()),
            dir: "/p/sip_jdoe@contoso.com".into(),
            spooler: Some("/p/sip_jdoe@contoso.com/History Spooler".into()),
        });
        for (n, a) in ages.iter().enumerate() {
            m.items.push(Item::bare(
                format!("/p/sip_jdoe@contoso.com/History Spooler/{n}"),
                0,
                10,
                Some(now - chrono::Duration::seconds(*a)),
                Format::Xml,
            ));
        }
        (
            m,
            Clock {
                now,
                stuck_after: Duration::from_secs(120),
            },
        )
    }

    fn run(m: &Model, clock: Clock) -> Vec<Finding> {
        diagnose(&Context {
            model: m,
            clock,
            settings: &Default::default(),
        })
    }

    #[test]
    fn nothing_stuck_no_finding() {
        let (m, c) = model_with_ages(&[10, 119]);
        assert!(run(&m, c).is_empty());
    }

    #[test]
    fn stuck_warning_then_critical_by_age() {
        let (m, c) = model_with_ages(&[10, 300]);
        let f = run(&m, c);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].rule.as_str(), f[0].severity),
            ("spool-stuck", Severity::Warning)
        );
        assert_eq!(f[0].evidence.len(), 1);
        assert_eq!(f[0].account.as_deref(), Some("jdoe@contoso.com"));
        assert!(f[0].title.starts_with("1 item stuck"), "{}", f[0].title);
        assert!(!f[0].remediation.is_empty());

        let (m, c) = model_with_ages(&[3601]);
        assert_eq!(run(&m, c)[0].severity, Severity::Critical);
    }

    #[test]
    fn stuck_critical_by_count() {
        let (m, c) = model_with_ages(&[200; 10]);
        assert_eq!(run(&m, c)[0].severity, Severity::Warning);
        let (m, c) = model_with_ages(&[200; 11]);
        assert_eq!(run(&m, c)[0].severity, Severity::Critical);
    }

    #[test]
    fn future_items_are_skew_not_stuck() {
        let (m, c) = model_with_ages(&[-3600]);
        let f = run(&m, c);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "clock-skew");
        assert!(f[0].title.contains("1h 00m ahead"), "{}", f[0].title);
    }

    #[test]
    fn errors_inside_the_spooler_are_unreadable() {
        let (mut m, c) = model_with_ages(&[]);
        m.errors.push(ScanError::new(
            "/p/sip_jdoe@contoso.com/History Spooler/pipe",
            "not a regular file (fifo), skipped",
        ));
        m.errors
            .push(ScanError::new("/elsewhere/x", "permission denied"));
        let f = run(&m, c);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "spool-unreadable");
        assert_eq!(f[0].evidence.len(), 1);
    }

    #[test]
    fn a_spooler_that_could_not_be_listed_is_unreadable_not_empty() {
        for (hidden, spooler) in [
            // The spooler folder itself (access denied).
            ("/p/sip_jdoe@contoso.com/History Spooler", true),
            // The account folder, so the spooler was never seen.
            ("/p/sip_jdoe@contoso.com", false),
            // A spooler that is a link, not followed.
            ("/p/sip_jdoe@contoso.com/history spooler", false),
        ] {
            let (mut m, c) = model_with_ages(&[]);
            if !spooler {
                m.accounts[0].spooler = None;
            }
            m.errors.push(ScanError::new(hidden, "cannot read: denied"));
            assert!(m.spooler_unlisted(0), "{hidden}");
            assert_eq!(m.unanalysed_entries(0), 1, "{hidden}");
            let f = run(&m, c);
            assert_eq!(f.len(), 1, "{hidden}: {f:?}");
            assert_eq!(f[0].rule, "spool-unreadable");
            assert_eq!(f[0].severity, Severity::Warning);
            assert!(f[0].title.contains("could not be listed"), "{}", f[0].title);
            assert_eq!(f[0].evidence[0].path.to_string_lossy(), hidden);
        }
        // A sibling folder or the parent of the account folder does not hide this spooler.
        let (mut m, c) = model_with_ages(&[]);
        m.errors.push(ScanError::new(
            "/p/sip_other@contoso.com",
            "cannot read: denied",
        ));
        m.errors.push(ScanError::new("/p", "cannot read: denied"));
        assert!(!m.spooler_unlisted(0));
        assert!(run(&m, c).is_empty());
    }

    #[test]
    fn unreached_inputs_outside_spoolers_make_the_scan_incomplete() {
        let (mut m, c) = model_with_ages(&[]);
        // An error that is not an unreached input: no finding.
        m.errors
            .push(ScanError::new("/logs/odd.txt", "log not read: bad"));
        assert!(run(&m, c).is_empty());
        // A folder not listed and a named FIFO: one warning naming both.
        m.errors
            .push(ScanError::new("/p/Lync", "cannot read: Permission denied"));
        m.errors.push(ScanError::new(
            "/in/fifo",
            "not a regular file (fifo), skipped",
        ));
        m.unreached = vec!["/p/Lync".into(), "/in/fifo".into()];
        let f = run(&m, c);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].rule.as_str(), f[0].severity, f[0].account.as_deref()),
            ("scan-incomplete", Severity::Warning, None)
        );
        assert!(
            f[0].title.starts_with("2 inputs or folders"),
            "{}",
            f[0].title
        );
        let paths: Vec<_> = f[0].evidence.iter().map(|e| e.path.clone()).collect();
        assert_eq!(
            paths,
            [std::path::PathBuf::from("/p/Lync"), "/in/fifo".into()]
        );
        // One that hides an account's spooler is `spool-unreadable`'s alone.
        let (mut m, c) = model_with_ages(&[]);
        m.errors.push(ScanError::new(
            "/p/sip_jdoe@contoso.com",
            "cannot read: Permission denied",
        ));
        m.unreached = vec!["/p/sip_jdoe@contoso.com".into()];
        let rules: Vec<String> = run(&m, c).into_iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["spool-unreadable"]);
    }
}
