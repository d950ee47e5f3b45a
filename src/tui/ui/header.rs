//! The header line: what is watched, how, "now", and the totals. Less important parts drop
//! out first when the terminal is narrow.

use crate::model::SourceKind;
use crate::tui::app::{App, ScanStatus};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const SPIN: [&str; 4] = ["◐", "◓", "◑", "◒"];

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let spoolers = app
        .model
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Spooler)
        .count();
    let logs = app.model.sources.len() - spoolers;
    let (_, _, stuck, sev) = app.totals();
    let zone = app.rules.zone;
    let now = format!("{} {}", zone.time(&app.now()), zone.header_name(app.now()));
    // (priority: lower drops first, spans)
    let mut parts: Vec<(u8, Vec<Span>)> = vec![(9, vec![Span::styled("spoolscope", t.header)])];
    if let ScanStatus::Running { done, total } = app.scan {
        parts.push((
            8,
            vec![Span::styled(
                format!(
                    "{} scanning {done}/{total} roots",
                    SPIN[app.spinner % SPIN.len()]
                ),
                t.pending,
            )],
        ));
    }
    parts.push((
        2,
        vec![Span::raw(format!(
            "{spoolers} spooler{} · {logs} log{}",
            if spoolers == 1 { "" } else { "s" },
            if logs == 1 { "" } else { "s" }
        ))],
    ));
    let watch = if app.watched_folders > 0 {
        format!("{} {} dirs", app.watch_label, app.watched_folders)
    } else {
        app.watch_label.clone()
    };
    parts.push((4, vec![Span::raw(watch)]));
    // Files not read: counted here, listed with `i`.
    let (errors, ignored) = (app.model.errors.len(), app.model.ignored.len());
    if errors + ignored > 0 {
        let mut s = Vec::new();
        if errors > 0 {
            let e = format!("{errors} error{}", if errors == 1 { "" } else { "s" });
            s.push(Span::styled(e, t.warning));
        }
        if ignored > 0 {
            if !s.is_empty() {
                s.push(Span::raw(" · "));
            }
            s.push(Span::styled(format!("{ignored} ignored"), t.dim));
        }
        parts.push((5, s));
    }
    parts.push((
        6,
        vec![Span::raw(format!(
            "{now}{}",
            if app.frozen { " frozen" } else { "" }
        ))],
    ));
    let mut totals = vec![
        Span::styled(
            format!("✖ {stuck} stuck"),
            if stuck > 0 { t.stuck } else { t.dim },
        ),
        Span::raw(" "),
        Span::styled(
            format!("▲ {} crit", sev[2]),
            if sev[2] > 0 { t.critical } else { t.dim },
        ),
        Span::raw(" "),
        Span::styled(
            format!("● {} warn", sev[1]),
            if sev[1] > 0 { t.warning } else { t.dim },
        ),
    ];
    parts.push((7, totals.clone()));
    let width = |ps: &[(u8, Vec<Span>)]| -> usize {
        ps.iter()
            .map(|(_, s)| s.iter().map(|x| x.width()).sum::<usize>() + 3)
            .sum()
    };
    if width(&parts) + 9 <= area.width as usize {
        totals.push(Span::raw(" "));
        totals.push(Span::styled(format!("· {} info", sev[0]), t.dim));
        if let Some(p) = parts.last_mut() {
            p.1 = totals;
        }
    }
    while width(&parts) > area.width as usize + 2 && parts.len() > 1 {
        let Some(lowest) = parts
            .iter()
            .enumerate()
            .min_by_key(|(_, (p, _))| *p)
            .map(|(i, _)| i)
        else {
            break;
        };
        parts.remove(lowest);
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, (_, s)) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim));
        }
        spans.extend(s);
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
