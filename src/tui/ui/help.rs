//! The help popup, generated from the keymap (so it never drifts from what the keys do).
//! Two columns when the terminal is wide enough, scrollable when it is short.

use super::{centered, popup_frame, title};
use crate::tui::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let t = &app.theme;
    let rows = app.keymap.help_rows();
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4)
        + 1;
    let entry = |(k, h): &(String, &'static str)| {
        Line::from(vec![
            Span::styled(format!(" {k:<key_w$}"), t.key),
            Span::raw(*h),
        ])
    };
    let footer = vec![
        Line::raw(""),
        Line::from(Span::styled(
            " ⏳ pending · ✖ STUCK (older than the timer) · ⚠ SKEW (dated in the future)",
            t.dim,
        )),
        Line::from(Span::styled(
            " ▲ CRIT · ● WARN · · INFO   Rebind keys in the config file: [keys]",
            t.dim,
        )),
        Line::from(Span::styled(
            " ^Z suspends the view (Unix; fg brings it back)",
            t.dim,
        )),
    ];
    let two = area.width >= 78;
    let per_col = if two {
        rows.len().div_ceil(2)
    } else {
        rows.len()
    };
    let h = (per_col + footer.len()) as u16 + 2;
    let r = centered(area, if two { 80 } else { 60 }, h);
    let inner = popup_frame(
        f,
        r,
        title("Help · ? or Esc closes · j/k scroll".into(), t),
        t,
    );
    let mut cols: Vec<Vec<Line>> = rows
        .chunks(per_col.max(1))
        .map(|c| c.iter().map(entry).collect())
        .collect();
    if cols.len() == 1 {
        if let Some(first) = cols.first_mut() {
            first.extend(footer.clone());
        }
    }
    let total = cols.first().map(|c| c.len()).unwrap_or(0) as u16;
    let s = scroll.min(total.saturating_sub(inner.height));
    if cols.len() == 2 {
        let [top, foot] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(footer.len() as u16)])
                .areas(inner);
        let [a, b] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        f.render_widget(Paragraph::new(footer), foot);
        let second = cols.pop().unwrap_or_default();
        let first = cols.pop().unwrap_or_default();
        f.render_widget(Paragraph::new(first).scroll((s, 0)), a);
        f.render_widget(Paragraph::new(second).scroll((s, 0)), b);
    } else {
        let first = cols.pop().unwrap_or_default();
        f.render_widget(Paragraph::new(first).scroll((s, 0)), inner);
    }
}
