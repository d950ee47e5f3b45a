//! The header line: what is watched, how, "now", and the totals.

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
    let now = app.now().format("%H:%M:%S");
    let mut spans = vec![Span::styled(" spoolscope ", t.header)];
    let sep = || Span::styled("· ", t.dim);
    match app.scan {
        ScanStatus::Running { done, total } => {
            spans.push(sep());
            spans.push(Span::styled(
                format!(
                    "{} scanning {done}/{total} roots ",
                    SPIN[app.spinner % SPIN.len()]
                ),
                t.pending,
            ));
        }
        ScanStatus::Idle => {}
    }
    spans.push(sep());
    spans.push(Span::raw(format!("{spoolers} spoolers · {logs} logs ")));
    spans.push(sep());
    spans.push(Span::raw(format!("{} ", app.watch_label)));
    spans.push(sep());
    spans.push(Span::raw(format!(
        "{now}{} ",
        if app.frozen { " frozen" } else { "" }
    )));
    spans.push(sep());
    spans.push(Span::styled(
        format!("✖ {stuck} stuck "),
        if stuck > 0 { t.stuck } else { t.dim },
    ));
    spans.push(Span::styled(
        format!("▲ {} crit ", sev[2]),
        if sev[2] > 0 { t.critical } else { t.dim },
    ));
    spans.push(Span::styled(
        format!("● {} warn ", sev[1]),
        if sev[1] > 0 { t.warning } else { t.dim },
    ));
    spans.push(Span::styled(format!("· {} info", sev[0]), t.dim));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
