//! The Markdown report: the text report's content, ready to paste into a ticket.

use super::Report;
use crate::duration::{compact, human};
use crate::model::{scope, Finding, Item};
use crate::sanitize;
use std::io::{self, Write};

/// Escape Markdown punctuation in sanitised text so a file name cannot inject formatting. `&`
/// is escaped too: a renderer would turn `&#27;` or `&#x7;` into a control character after
/// spoolscope sanitised the text.
pub fn md(s: &str) -> String {
    let s = sanitize::line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '#'
                | '!'
                | '~'
                | '{'
                | '}'
                | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span that holds any text (the fence is longer than any backtick run inside). Not for a
/// table cell: see [`cell_code`].
pub fn code(s: &str) -> String {
    span(&sanitize::line(s))
}

/// A code span inside a table cell: a `|` is written `\|`, which GFM reads as part of the cell
/// (elsewhere a backslash in a code span is printed as it is, so [`code`] leaves `|` alone).
pub fn cell_code(s: &str) -> String {
    span(&sanitize::line(s).replace('|', "\\|"))
}

fn span(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

fn finding(w: &mut dyn Write, f: &Finding, zone: crate::clock::Zone) -> io::Result<()> {
    writeln!(
        w,
        "- **{}** {} — {}",
        f.severity.as_str().to_uppercase(),
        code(&f.rule),
        md(&f.title)
    )?;
    for e in f.evidence.iter().take(super::text::EVIDENCE_SHOWN) {
        let mut loc = e.path.to_string_lossy().into_owned();
        if let Some(l) = e.line {
            loc.push_str(&format!(":{l}"));
        }
        write!(w, "  - evidence: {}", code(&loc))?;
        if let Some(t) = e.time {
            write!(w, " at {}", zone.datetime(&t))?;
        }
        if let Some(x) = &e.excerpt {
            write!(w, " — {}", md(&sanitize::truncate(x, 160)))?;
        }
        writeln!(w)?;
    }
    if f.evidence.len() > super::text::EVIDENCE_SHOWN {
        writeln!(
            w,
            "  - … and {} more",
            f.evidence.len() - super::text::EVIDENCE_SHOWN
        )?;
    }
    if !f.remediation.is_empty() {
        writeln!(w, "  - fix: {}", md(&f.remediation))?;
    }
    Ok(())
}

pub fn write(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let m = r.model;
    let clock = r.opts.clock;
    writeln!(w, "# spoolscope report")?;
    writeln!(w)?;
    let zone = r.opts.zone;
    writeln!(
        w,
        "Now {} {} · stuck after {} · {}",
        zone.datetime(&clock.now),
        zone.tag_at(&clock.now),
        compact(clock.stuck_after),
        md(&r.totals_line())
    )?;
    writeln!(w)?;
    writeln!(w, "Times in {}.", md(&zone.label(clock.now)))?;
    if m.accounts.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "No History Spooler and no sip\\_\\* account folder found."
        )?;
    }
    for (idx, acc) in m.accounts.iter().enumerate() {
        let st = m.account_stats(idx, clock);
        writeln!(w)?;
        write!(w, "## {} ({}", md(&acc.address), acc.client.label())?;
        if let Some(p) = &acc.profile {
            write!(w, ", profile {}", md(p))?;
        }
        writeln!(w, ")")?;
        writeln!(w)?;
        match &acc.spooler {
            Some(sp) => writeln!(w, "Spooler: {}", code(&sp.to_string_lossy()))?,
            None if m.spooler_unlisted(idx) => writeln!(
                w,
                "History Spooler not listed (see Errors): what it holds is unknown."
            )?,
            None => writeln!(w, "No History Spooler folder.")?,
        }
        writeln!(w)?;
        let unanalysed = m.unanalysed_entries(idx);
        if unanalysed > 0 {
            writeln!(
                w,
                "{unanalysed} entr{} could not be analysed (see Errors): not healthy.",
                if unanalysed == 1 { "y" } else { "ies" }
            )?;
            writeln!(w)?;
        }
        if st.items == 0 {
            let folders = acc
                .spooler
                .as_deref()
                .map_or(0, |sp| super::inventory::empty_folders_in(m, sp));
            if folders > 0 {
                writeln!(
                    w,
                    "No items; {folders} empty folder(s) in the spooler (listed at the end): no message found in them."
                )?;
            } else if unanalysed == 0 && acc.spooler.is_some() {
                writeln!(w, "Spooler empty: healthy.")?;
            }
        } else {
            writeln!(
                w,
                "{} of {} items stuck{}.",
                st.stuck,
                st.items,
                st.oldest_age_secs
                    .map(|a| format!(", oldest {}", human(a)))
                    .unwrap_or_default()
            )?;
            writeln!(w)?;
            writeln!(w, "| Age | State | File | Format | Size | Recipients |")?;
            writeln!(w, "|---|---|---|---|---:|---|")?;
            let mut items: Vec<&Item> = m.items_of(idx).collect();
            items.sort_by_key(|i| i.modified);
            for it in items {
                writeln!(
                    w,
                    "| {} | {} | {} | {} | {} | {} |",
                    it.age_secs(clock.now)
                        .map(human)
                        .unwrap_or_else(|| "?".into()),
                    it.state(clock).word(),
                    cell_code(&sanitize::truncate(&it.name(), 60)),
                    it.format.as_str(),
                    it.size,
                    md(&super::text::item_summary(it, r.opts.show_content))
                )?;
            }
        }
        related(w, m, idx, r)?;
        let fs: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| scope::belongs(f, acc))
            .collect();
        if !fs.is_empty() {
            writeln!(w)?;
            writeln!(w, "### Findings")?;
            writeln!(w)?;
            for f in fs {
                finding(w, f, r.opts.zone)?;
            }
        }
    }
    let other: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| scope::unattached(f, &m.accounts))
        .collect();
    if !other.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Other findings")?;
        writeln!(w)?;
        for f in other {
            finding(w, f, r.opts.zone)?;
        }
    }
    logs(w, m, r.opts.zone)?;
    if !m.errors.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Errors ({})", m.errors.len())?;
        writeln!(w)?;
        for e in &m.errors {
            writeln!(
                w,
                "- {}: {}",
                code(&e.path.to_string_lossy()),
                md(&e.message)
            )?;
        }
    }
    if !m.notes.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Notes ({})", m.notes.len())?;
        writeln!(w)?;
        for e in &m.notes {
            writeln!(
                w,
                "- {}: {}",
                code(&e.path.to_string_lossy()),
                md(&e.message)
            )?;
        }
    }
    writeln!(w)?;
    writeln!(w, "## Inventory")?;
    writeln!(w)?;
    writeln!(w, "- {}", md(&super::inventory::read_line(m)))?;
    if let Some(l) = super::inventory::ignored_line(m, code) {
        writeln!(w, "- {l}")?;
    }
    Ok(())
}

/// Log evidence near each stuck item of account `idx`.
fn related(
    w: &mut dyn Write,
    m: &crate::model::Model,
    idx: usize,
    r: &Report<'_>,
) -> io::Result<()> {
    let stuck: Vec<&Item> = m
        .items_of(idx)
        .filter(|i| i.state(r.opts.clock) == crate::model::ItemState::Stuck)
        .filter(|i| m.related.contains_key(&i.path))
        .collect();
    if stuck.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    writeln!(w, "### Related log events")?;
    for it in stuck {
        writeln!(w)?;
        writeln!(w, "{}:", code(&sanitize::truncate(&it.name(), 60)))?;
        writeln!(w)?;
        for e in m.related.get(&it.path).into_iter().flatten() {
            let file = e
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let line = super::chain_line(e, it.modified, &file);
            writeln!(w, "- {}", md(&sanitize::truncate(&line, 240)))?;
        }
    }
    Ok(())
}

/// The logs read, with their counts.
fn logs(w: &mut dyn Write, m: &crate::model::Model, zone: crate::clock::Zone) -> io::Result<()> {
    let logs: Vec<&crate::model::Source> = m.sources.iter().filter(|s| s.log.is_some()).collect();
    if logs.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    writeln!(w, "## Logs ({})", logs.len())?;
    writeln!(w)?;
    if let Some(tz) = &m.log_tz {
        writeln!(w, "Log times without a zone read as {}.", md(tz))?;
        writeln!(w)?;
    }
    writeln!(
        w,
        "| File | Kind | Records | First | Last | Events | Skipped | Undecoded |"
    )?;
    writeln!(w, "|---|---|---:|---|---|---:|---:|---:|")?;
    for s in logs {
        let Some(l) = &s.log else { continue };
        let t = |x: Option<chrono::DateTime<chrono::FixedOffset>>| {
            x.map(|t| zone.datetime(&t)).unwrap_or_else(|| "?".into())
        };
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell_code(&s.path.to_string_lossy()),
            s.kind.as_str(),
            s.records,
            t(l.first),
            t(l.last),
            l.events.values().sum::<u64>(),
            s.skipped,
            l.undecoded
        )?;
    }
    let etl: Vec<(&crate::model::Source, &crate::model::EtlSummary)> = m
        .sources
        .iter()
        .filter_map(|s| s.log.as_ref()?.etl.as_ref().map(|e| (s, e)))
        .collect();
    if !etl.is_empty() {
        writeln!(w)?;
        for (s, e) in etl {
            writeln!(
                w,
                "- {}: {}",
                code(&s.path.to_string_lossy()),
                md(&e.describe(zone))
            )?;
            for n in s.log.iter().flat_map(|l| &l.notes) {
                writeln!(w, "  - {}", md(n))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        // Only a table cell needs `\|` (review wild8b d11: a backslash printed in a path
        // outside one).
        assert_eq!(code("x|y"), "`x|y`");
        assert_eq!(cell_code("x|y"), "`x\\|y`");
        assert_eq!(cell_code("a`b"), "``a`b``");
        assert!(!code("\x1b[2J").contains('\x1b'));
    }

    #[test]
    fn md_escapes_formatting() {
        assert_eq!(md("*bold* [x](y)"), "\\*bold\\* \\[x\\](y)");
    }

    /// The account rule (`model::scope`): a finding naming an account's address but no profile
    /// (mailbox-side evidence) is listed under that account in the Markdown and text reports,
    /// as the TUI shows it, not under "other findings"; one of another profile stays apart.
    #[test]
    fn a_profileless_finding_is_listed_under_its_account() {
        use crate::model::{Account, ClientGen, Clock, Finding, Model, Severity};
        use crate::report::{Report, ReportFormat, ReportOptions};
        let now = chrono::DateTime::from_timestamp(1_772_460_000, 0).expect("now");
        let mut m = Model::default();
        m.accounts.push(Account {
            address: "rlee@contoso.com".into(),
            client: ClientGen::Office16,
            profile: Some("rlee".into()),
            dir: "/case/Users/rlee/sip_rlee@contoso.com".into(),
            spooler: None,
        });
        let f = |rule: &str, profile: Option<&str>| Finding {
            rule: rule.into(),
            severity: Severity::Warning,
            account: Some("rlee@contoso.com".into()),
            profile: profile.map(str::to_string),
            client: None,
            account_dir: None,
            title: format!("title of {rule}"),
            evidence: Vec::new(),
            remediation: String::new(),
        };
        let findings = [f("mailbox-side", None), f("other-profile", Some("admin"))];
        let opts = ReportOptions {
            clock: Clock {
                now,
                stuck_after: std::time::Duration::from_secs(600),
            },
            generated_at: now,
            show_content: false,
            color: false,
            origin: Default::default(),
            zone: crate::clock::Zone::Utc,
        };
        let r = Report {
            model: &m,
            findings: &findings,
            opts: &opts,
        };
        for (format, other) in [
            (ReportFormat::Markdown, "## Other findings"),
            (ReportFormat::Text, "other findings"),
        ] {
            let mut out = Vec::new();
            r.write(format, &mut out).expect("write");
            let out = String::from_utf8(out).expect("utf-8");
            let (mine, rest) = out.split_once(other).expect("an other-findings section");
            assert!(mine.contains("title of mailbox-side"), "{format:?}:\n{out}");
            assert!(
                !rest.contains("title of mailbox-side"),
                "{format:?}:\n{out}"
            );
            assert!(
                rest.contains("title of other-profile"),
                "{format:?}:\n{out}"
            );
        }
    }

    /// An entity reference cannot come alive in a renderer: every `&` is escaped.
    #[test]
    fn md_escapes_entity_references() {
        assert_eq!(md("a &#27;[2J &amp; b"), "a \\&\\#27;\\[2J \\&amp; b");
        assert_eq!(md("&#x7;&bel;"), "\\&\\#x7;\\&bel;");
    }
}
