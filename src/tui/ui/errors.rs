//! The files not read (`i`): each per-file error with its reason, then each file the scan did
//! not recognise with why, as `report` lists them. Names and reasons are sanitised.

use super::{centered, popup_frame, title};
use crate::sanitize;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let t = &app.theme;
    let (errors, ignored) = (&app.model.errors, &app.model.ignored);
    let mut lines: Vec<Line> = Vec::new();
    let row = |path: &std::path::Path, why: &str| {
        Line::from(vec![
            Span::raw(format!("  {}", app.display_path(path))),
            Span::styled(format!("  {}", sanitize::line(why)), t.dim),
        ])
    };
    lines.push(Line::from(Span::styled(
        format!("errors ({})", errors.len()),
        t.header,
    )));
    lines.extend(errors.iter().map(|e| row(&e.path, &e.message)));
    if errors.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.dim)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!("not recognised, ignored ({})", ignored.len()),
        t.header,
    )));
    lines.extend(ignored.iter().map(|i| row(&i.path, &i.why)));
    if ignored.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.dim)));
    }
    let h = (lines.len() as u16).saturating_add(2);
    let r = centered(area, area.width.saturating_sub(4).max(20), h);
    let inner = popup_frame(
        f,
        r,
        title("Files not read · i or Esc closes · j/k scroll".into(), t),
        t,
    );
    let s = scroll.min((lines.len() as u16).saturating_sub(inner.height));
    f.render_widget(Paragraph::new(lines).scroll((s, 0)), inner);
}
