//! The text report: for a terminal or a ticket. Grouped by account; state is always a word.

use super::out::{Out, Style};
use super::Report;
use crate::duration::{compact, human};
use crate::model::{scope, Finding, Item, ItemState, Severity};
use crate::sanitize;
use std::io::{self, Write};
use std::path::Path;

/// Evidence lines shown per finding before "… and N more".
pub const EVIDENCE_SHOWN: usize = 8;

pub fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::Critical,
        Severity::Warning => Style::Warning,
        Severity::Info => Style::Info,
    }
}

fn state_style(s: ItemState) -> Style {
    match s {
        ItemState::Stuck => Style::Stuck,
        ItemState::ClockSkew => Style::Warning,
        ItemState::Pending => Style::Ok,
        _ => Style::Dim,
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::Warning => "WARNING ",
        Severity::Info => "INFO    ",
    }
}

/// `→ a@b, c@d` plus the subject when content is shown.
pub fn item_summary(it: &Item, show_content: bool) -> String {
    let mut s = String::new();
    let to: Vec<&str> = it.fields.recipients().map(String::as_str).collect();
    if !to.is_empty() {
        s.push_str("→ ");
        s.push_str(&to.join(", "));
    } else if !it.fields.addresses.is_empty() {
        s.push_str("addresses: ");
        s.push_str(&it.fields.addresses.join(", "));
    }
    if show_content {
        if let Some(subj) = &it.fields.subject {
            if !s.is_empty() {
                s.push_str("  ");
            }
            s.push('"');
            s.push_str(subj);
            s.push('"');
        }
    }
    s
}

/// A path shown relative to `base` when it lies under it (the full path is in the JSON).
pub fn short_path(path: &Path, base: Option<&Path>) -> String {
    match base.and_then(|b| path.strip_prefix(b).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ => path.to_string_lossy().into_owned(),
    }
}

/// Greedy word wrap to `width` columns.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && sanitize::width(&cur) + 1 + sanitize::width(word) > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

fn write_finding(
    o: &mut Out<'_>,
    f: &Finding,
    indent: &str,
    base: Option<&Path>,
    zone: crate::clock::Zone,
) -> io::Result<()> {
    o.text(indent)?;
    o.styled(severity_style(f.severity), severity_word(f.severity))?;
    o.text(" ")?;
    o.styled(Style::Bold, &f.rule)?;
    o.text(" — ")?;
    o.line(&f.title)?;
    for e in f.evidence.iter().take(EVIDENCE_SHOWN) {
        o.text(indent)?;
        o.styled(Style::Dim, "  evidence  ")?;
        o.text(&short_path(&e.path, base))?;
        if let Some(l) = e.line {
            o.text(&format!(":{l}"))?;
        }
        if let Some(t) = e.time {
            o.text(&format!("  {}", zone.datetime(&t)))?;
        }
        if let Some(x) = &e.excerpt {
            o.text("  ")?;
            o.text(&sanitize::cell(x, 160))?;
        }
        o.nl()?;
    }
    if f.evidence.len() > EVIDENCE_SHOWN {
        o.text(indent)?;
        o.line(&format!(
            "  … and {} more",
            f.evidence.len() - EVIDENCE_SHOWN
        ))?;
    }
    for (i, l) in wrap(&f.remediation, 88).iter().enumerate() {
        o.text(indent)?;
        o.styled(
            Style::Dim,
            if i == 0 {
                "  fix       "
            } else {
                "            "
            },
        )?;
        o.line(l)?;
    }
    Ok(())
}

pub fn write(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let mut o = Out::new(w, r.opts.color);
    let m = r.model;
    let clock = r.opts.clock;
    o.styled(Style::Heading, "spoolscope report")?;
    let zone = r.opts.zone;
    o.line(&format!(
        " · {} {} · stuck after {}",
        zone.datetime(&clock.now),
        zone.tag_at(&clock.now),
        compact(clock.stuck_after)
    ))?;
    o.line(&format!("times in {}", zone.label(clock.now)))?;
    o.line(&r.totals_line())?;
    if m.accounts.is_empty() {
        o.nl()?;
        o.line("No History Spooler and no sip_* account folder found under the given paths.")?;
    }
    for (idx, acc) in m.accounts.iter().enumerate() {
        let st = m.account_stats(idx, clock);
        o.nl()?;
        o.styled(Style::Bold, &acc.address)?;
        o.text(&format!(" · {}", acc.client.label()))?;
        if let Some(p) = &acc.profile {
            o.text(&format!(" · profile {p}"))?;
        }
        o.nl()?;
        match &acc.spooler {
            Some(sp) => {
                o.styled(Style::Dim, "  spooler  ")?;
                o.line(&sp.to_string_lossy())?;
            }
            None if m.spooler_unlisted(idx) => {
                o.line("  History Spooler not listed (see errors): what it holds is unknown")?
            }
            None => o.line("  no History Spooler folder")?,
        }
        let unanalysed = m.unanalysed_entries(idx);
        if unanalysed > 0 {
            o.line(&format!(
                "  {unanalysed} entr{} could not be analysed (see errors): not healthy",
                if unanalysed == 1 { "y" } else { "ies" }
            ))?;
        }
        if st.items == 0 {
            // (An account without a spooler folder has no spooler to call healthy.)
            let folders = acc
                .spooler
                .as_deref()
                .map_or(0, |sp| super::inventory::empty_folders_in(m, sp));
            if folders > 0 {
                o.line(&format!(
                    "  no items; {folders} empty folder(s) in the spooler (listed at the end): \
                     no message found in them"
                ))?;
            } else if unanalysed == 0 && acc.spooler.is_some() {
                o.line("  spooler empty: healthy")?;
            }
        } else if st.stuck == 0 {
            o.line(&format!("  {} item(s), none stuck", st.items))?;
        } else {
            o.line(&format!(
                "  {} of {} items stuck, oldest {}",
                st.stuck,
                st.items,
                human(st.oldest_age_secs.unwrap_or(0))
            ))?;
        }
        let mut items: Vec<&Item> = m.items_of(idx).collect();
        items.sort_by_key(|i| i.modified);
        for it in items {
            let state = it.state(clock);
            let age = it
                .age_secs(clock.now)
                .map(human)
                .unwrap_or_else(|| "?".into());
            o.text(&format!("    {age:<8} "))?;
            o.styled(state_style(state), &format!("{:<8}", state.word()))?;
            // The name column is 30 terminal columns whatever the script (CJK and emoji take
            // two each), so the format column lines up on every row.
            o.text(&format!(
                " {} {:<7} {}",
                sanitize::fit(&it.name(), 30),
                it.format.as_str(),
                item_summary(it, r.opts.show_content)
            ))?;
            o.nl()?;
            if let Some(sent) = it.sent_long_before_file_time(clock) {
                o.line(&format!(
                    "        sent {} {} by the time written in it (file time may have been reset)",
                    zone.datetime(&sent),
                    zone.tag_at(&sent)
                ))?;
            }
            if r.opts.show_content {
                if let Some(p) = &it.preview {
                    o.block("        │ ", p)?;
                }
            }
            if state == ItemState::Stuck {
                write_related(&mut o, m.related.get(&it.path), it, acc.dir.parent())?;
            }
        }
        for f in r.findings.iter().filter(|f| scope::belongs(f, acc)) {
            write_finding(&mut o, f, "  ", acc.dir.parent(), zone)?;
        }
    }
    let unattached: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| scope::unattached(f, &m.accounts))
        .collect();
    if !unattached.is_empty() {
        o.nl()?;
        o.styled(Style::Bold, "other findings")?;
        o.nl()?;
        for f in unattached {
            write_finding(&mut o, f, "  ", None, zone)?;
        }
    }
    write_logs(&mut o, m, zone)?;
    if !m.errors.is_empty() {
        o.nl()?;
        o.styled(Style::Bold, &format!("errors ({})", m.errors.len()))?;
        o.nl()?;
        for e in &m.errors {
            o.line(&format!("  {}: {}", e.path.to_string_lossy(), e.message))?;
        }
    }
    if !m.notes.is_empty() {
        o.nl()?;
        o.styled(Style::Bold, &format!("notes ({})", m.notes.len()))?;
        o.nl()?;
        for e in &m.notes {
            o.line(&format!("  {}: {}", e.path.to_string_lossy(), e.message))?;
        }
    }
    o.nl()?;
    o.styled(Style::Bold, "inventory")?;
    o.nl()?;
    o.line(&format!("  {}", super::inventory::read_line(m)))?;
    if let Some(l) = super::inventory::ignored_line(m, |n| n.to_string()) {
        o.line(&format!("  {l} (JSON: ignored[])"))?;
    }
    if !r.opts.show_content {
        o.nl()?;
        o.styled(
            Style::Dim,
            "message subjects and bodies hidden; --show-content reveals them",
        )?;
        o.nl()?;
    }
    Ok(())
}

/// Groups summarised in one log (most occurrences first, at most [`SUMMARISED_SHOWN`]):
/// `summarised: ews-failure ews-http-denied problem=auth status=401 · 100000 occurrences, 32
/// shown · lines 1–100000`. Groups of routine events past the cap (values unread) are left to
/// the log line's "routine events counted, not kept" and the JSON.
fn summarised_lines(o: &mut super::out::Out<'_>, l: &crate::model::LogSummary) -> io::Result<()> {
    let mut groups: Vec<&crate::model::EventTally> = l
        .summarised()
        .filter(|t| t.unread < t.occurrences)
        .collect();
    groups.sort_by_key(|t| std::cmp::Reverse(t.occurrences));
    for t in groups.iter().take(SUMMARISED_SHOWN) {
        let values: Vec<String> = t.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        o.line(&format!(
            "    summarised: {} {} {} · {} occurrences, {} shown · lines {}–{}",
            serde_json::to_value(t.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            t.marker,
            sanitize::cell(&values.join(" "), 120),
            t.occurrences,
            t.shown,
            t.first_line,
            t.last_line
        ))?;
    }
    if groups.len() > SUMMARISED_SHOWN {
        o.line(&format!(
            "    summarised: {} more groups (see the JSON report)",
            groups.len() - SUMMARISED_SHOWN
        ))?;
    }
    Ok(())
}

/// Summarised groups listed per log in the text report.
const SUMMARISED_SHOWN: usize = 8;

/// Related log events shown under a stuck item.
pub const RELATED_SHOWN: usize = 12;

/// The log evidence near a stuck item's write time.
fn write_related(
    o: &mut Out<'_>,
    related: Option<&Vec<crate::model::Evidence>>,
    item: &crate::model::Item,
    base: Option<&Path>,
) -> io::Result<()> {
    let Some(rel) = related else { return Ok(()) };
    o.styled(
        Style::Dim,
        "             chain (relative to the write time)",
    )?;
    o.nl()?;
    for e in rel.iter().take(RELATED_SHOWN) {
        o.styled(Style::Dim, "             ")?;
        let line = super::chain_line(e, item.modified, &short_path(&e.path, base));
        o.text(&sanitize::cell(&line, 200))?;
        o.nl()?;
    }
    if rel.len() > RELATED_SHOWN {
        o.line(&format!(
            "                      … and {} more (see --format json)",
            rel.len() - RELATED_SHOWN
        ))?;
    }
    Ok(())
}

/// One line per log read: kind, records, time span, what was passed over.
fn write_logs(
    o: &mut Out<'_>,
    m: &crate::model::Model,
    zone: crate::clock::Zone,
) -> io::Result<()> {
    let logs: Vec<&crate::model::Source> = m.sources.iter().filter(|s| s.log.is_some()).collect();
    if logs.is_empty() {
        return Ok(());
    }
    o.nl()?;
    o.styled(Style::Bold, &format!("logs ({})", logs.len()))?;
    o.nl()?;
    if let Some(tz) = &m.log_tz {
        o.line(&format!(
            "  log times without a zone read as {tz} (--log-tz)"
        ))?;
    }
    for s in logs {
        let Some(l) = &s.log else { continue };
        let mut line = format!(
            "  {}  {} · {} records",
            s.path.to_string_lossy(),
            s.kind.as_str(),
            s.records
        );
        if let (Some(a), Some(b)) = (l.first, l.last) {
            line.push_str(&format!(
                " · {}",
                zone.range(&a, &b, "%Y-%m-%d", "%H:%M:%S")
            ));
        }
        let n: u64 = l.events.values().sum();
        line.push_str(&format!(" · {n} events · {}", l.encoding));
        for (what, k) in [
            ("skipped", s.skipped),
            ("cut long lines", l.truncated_lines),
            ("undecoded", l.undecoded),
            ("impossible times", l.bad_times),
            ("routine events counted, not kept", l.events_not_kept),
            ("repeated events summarised (counted, not kept)", l.hidden()),
            (
                "lines past the record cap, not classified",
                l.unclassified_lines,
            ),
        ] {
            if k > 0 {
                line.push_str(&format!(" · {k} {what}"));
            }
        }
        if l.growing {
            line.push_str(" · still being written");
        }
        o.line(&line)?;
        summarised_lines(o, l)?;
        if let Some(e) = &l.etl {
            o.line(&format!("    etl: {}", e.describe(zone)))?;
            for n in &l.notes {
                o.line(&format!("    note: {n}"))?;
            }
        }
    }
    Ok(())
}
