//! The finding popup: one finding (explanation, evidence to open, remediation).

use super::{detail_area, kv, popup_frame, safe, section, title, wrap_indented};
use crate::tui::app::{shown_excerpt, App, FindingKey};
use crate::tui::theme::severity_label;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, key: &FindingKey, sel: usize) {
    let t = &app.theme;
    let r = detail_area(area);
    let Some(fd) = app.findings.iter().find(|x| key.is(x)) else {
        return;
    };
    let inner = popup_frame(
        f,
        r,
        title(
            format!(
                "Finding · {} · ⏎ evidence · y copy · Esc close",
                safe(&fd.rule)
            ),
            t,
        ),
        t,
    );
    let mut v = vec![Line::from(vec![
        Span::styled(severity_label(fd.severity), t.severity(fd.severity)),
        Span::raw("  "),
        Span::styled(safe(&fd.title), t.header),
    ])];
    if let Some(a) = &fd.account {
        v.push(kv("account", safe(a), t));
    }
    v.push(Line::raw(""));
    v.push(section("Why it matters", app));
    v.push(Line::raw(safe(crate::diagnose::explanation(&fd.rule))));
    v.push(Line::raw(""));
    v.push(section("Evidence (↑↓ select, ⏎ open)", app));
    let width = inner.width as usize;
    // The location wraps under itself (the marker keeps its own column), and so does the
    // excerpt under its indent; the selected piece's first line is kept in view.
    let mut sel_line = 0;
    for (i, e) in fd.evidence.iter().enumerate() {
        let mut loc = app.display_path(&e.path);
        if let Some(l) = e.line {
            loc.push_str(&format!(":{l}"));
        }
        let mark = if i == sel { "▶ " } else { "  " };
        let style = if i == sel { t.selected } else { t.base };
        if i == sel {
            sel_line = v.len();
        }
        v.extend(wrap_indented(
            vec![Span::styled(mark, t.key)],
            2,
            vec![(loc, style)],
            width,
        ));
        if let Some(x) = &e.excerpt {
            v.extend(wrap_indented(
                vec![Span::raw("    ")],
                4,
                vec![(shown_excerpt(x, app.reveal), t.dim)],
                width,
            ));
        }
    }
    v.push(Line::raw(""));
    v.push(section("What to do", app));
    v.push(Line::raw(safe(&fd.remediation)));
    // Keep the selected evidence in view.
    let scroll = (sel_line as u16).saturating_sub(inner.height.saturating_sub(2));
    f.render_widget(
        Paragraph::new(v)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}
