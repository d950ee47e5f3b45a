//! `fleet` output: the merged table as text, Markdown or JSON.

use super::{Fleet, Row};
use crate::report::out::{Out, Style};
use crate::sanitize;
use std::io::{self, Write};

pub(super) fn age(a: Option<i64>) -> String {
    a.map(crate::duration::human).unwrap_or_else(|| "-".into())
}

pub(super) fn rules_cell(r: &Row) -> String {
    r.rules
        .iter()
        .map(|(k, n)| {
            if *n > 1 {
                format!("{k}×{n}")
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn write_text(f: &Fleet, w: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut o = Out::new(w, color);
    o.styled(Style::Heading, "spoolscope fleet")?;
    o.line(&format!(
        " · {} report(s) · {} host(s) · {} error(s)",
        f.reports,
        f.hosts,
        f.errors.len()
    ))?;
    o.nl()?;
    for p in &f.problems {
        o.styled(Style::Warning, &format!("problem: {}", p))?;
        o.nl()?;
    }
    // A USER column only when an input says who ran it (two users of one host are two rows).
    let users = f.rows.iter().any(|r| r.user.is_some());
    let user_head = if users {
        format!("{:<14} ", "USER")
    } else {
        String::new()
    };
    o.styled(
        Style::Bold,
        &format!(
            "{:<18} {user_head}{:<12} {:<28} {:<7} {:>5} {:>5} {:>8} {:>4} {:>4} {:>4}  RULES",
            "HOST",
            "PROFILE",
            "ACCOUNT",
            "CLIENT",
            "STUCK",
            "ITEMS",
            "OLDEST",
            "CRIT",
            "WARN",
            "INFO"
        ),
    )?;
    o.nl()?;
    for r in &f.rows {
        let style = match r.worst() {
            3 => Style::Critical,
            2 => Style::Warning,
            _ => Style::Plain,
        };
        o.styled(
            style,
            // Text columns padded by terminal width (CJK and emoji take two columns), so the
            // numbers line up whatever the host, profile or account is called.
            &format!(
                "{} {}{} {} {} {:>5} {:>5} {:>8} {:>4} {:>4} {:>4}  {}",
                sanitize::fit(&r.host, 18),
                if users {
                    format!("{} ", sanitize::fit(r.user.as_deref().unwrap_or("-"), 14))
                } else {
                    String::new()
                },
                sanitize::fit(r.profile.as_deref().unwrap_or("-"), 12),
                sanitize::fit(r.account.as_deref().unwrap_or("-"), 28),
                sanitize::fit(r.client.as_deref().unwrap_or("-"), 7),
                r.stuck,
                r.items,
                age(r.oldest_age_secs),
                r.critical,
                r.warning,
                r.info,
                rules_cell(r)
            ),
        )?;
        o.nl()?;
    }
    if !f.notes.is_empty() {
        o.nl()?;
        for n in &f.notes {
            o.line(&format!("note: {n}"))?;
        }
    }
    if !f.errors.is_empty() {
        o.nl()?;
        o.styled(Style::Bold, &format!("errors ({})", f.errors.len()))?;
        o.nl()?;
        for e in &f.errors {
            o.line(&format!("  {}: {}", e.path.to_string_lossy(), e.message))?;
        }
    }
    Ok(())
}

pub fn write_markdown(f: &Fleet, w: &mut dyn Write) -> io::Result<()> {
    use crate::report::markdown::md;
    writeln!(w, "# spoolscope fleet")?;
    writeln!(w)?;
    writeln!(
        w,
        "{} report(s) · {} host(s) · {} error(s)",
        f.reports,
        f.hosts,
        f.errors.len()
    )?;
    writeln!(w)?;
    for p in &f.problems {
        writeln!(w, "**Problem:** {}", md(p))?;
        writeln!(w)?;
    }
    let users = f.rows.iter().any(|r| r.user.is_some());
    let (user_head, user_rule) = if users { (" User |", "---|") } else { ("", "") };
    writeln!(
        w,
        "| Host |{user_head} Profile | Account | Client | Stuck | Items | Oldest | Critical | Warning | Info | Rules |"
    )?;
    writeln!(
        w,
        "|---|{user_rule}---|---|---|---:|---:|---:|---:|---:|---:|---|"
    )?;
    for r in &f.rows {
        let user = if users {
            format!(" {} |", md(r.user.as_deref().unwrap_or("-")))
        } else {
            String::new()
        };
        writeln!(
            w,
            "| {} |{user} {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&r.host),
            md(r.profile.as_deref().unwrap_or("-")),
            md(r.account.as_deref().unwrap_or("-")),
            md(r.client.as_deref().unwrap_or("-")),
            r.stuck,
            r.items,
            age(r.oldest_age_secs),
            r.critical,
            r.warning,
            r.info,
            md(&rules_cell(r))
        )?;
    }
    for n in &f.notes {
        writeln!(w, "\n- note: {}", md(n))?;
    }
    if !f.errors.is_empty() {
        writeln!(w, "\n## Errors\n")?;
        for e in &f.errors {
            writeln!(
                w,
                "- {}: {}",
                crate::report::markdown::code(&e.path.to_string_lossy()),
                md(&e.message)
            )?;
        }
    }
    Ok(())
}

pub fn write_json(f: &Fleet, w: &mut dyn Write) -> io::Result<()> {
    let s = serde_json::to_string_pretty(f).map_err(io::Error::other)?;
    w.write_all(crate::report::json::terminal_safe(&s).as_bytes())?;
    w.write_all(b"\n")
}
