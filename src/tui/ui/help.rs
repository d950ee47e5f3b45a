//! The help popup, generated from the keymap (so it never drifts from what the keys do).

use super::{centered, popup_frame, title};
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let t = &app.theme;
    let rows = app.keymap.help_rows();
    let key_w = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(4) + 2;
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(k, h)| {
            Line::from(vec![
                Span::styled(format!(" {k:<key_w$}"), t.key),
                Span::raw(h),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        " States: ⏳ pending (younger than the timer) · ✖ STUCK · ⚠ SKEW (dated in the future)",
        t.dim,
    )));
    lines.push(Line::from(Span::styled(
        " Severity: ▲ CRIT · ● WARN · · INFO    Keys are rebindable: [keys] in the config file",
        t.dim,
    )));
    let h = lines.len() as u16 + 2;
    let r = centered(area, 78, h);
    let inner = popup_frame(f, r, title("Help · ? or Esc closes".into(), t), t);
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    f.render_widget(Paragraph::new(lines).scroll((scroll.min(max_scroll), 0)), inner);
}
