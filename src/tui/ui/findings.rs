//! Findings: the "Why" pane of the overview (the selected account's findings) and the full
//! findings view. Severity is shown by glyph and word, not colour alone.

use super::{pane_block, safe, scroll_for, title};
use crate::model::Finding;
use crate::tui::app::{App, Pane};
use crate::tui::theme::severity_label;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// `file:line` of a finding's first piece of evidence, shortened from the left.
fn evidence_loc(f: &Finding) -> String {
    let Some(e) = f.evidence.first() else {
        return String::new();
    };
    let name = e
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut s = safe(&name);
    if let Some(l) = e.line {
        s.push_str(&format!(":{l}"));
    }
    if f.evidence.len() > 1 {
        s.push_str(&format!(" +{}", f.evidence.len() - 1));
    }
    s
}

fn table<'a>(app: &'a App, idx: &[usize], with_account: bool) -> Table<'a> {
    let t = &app.theme;
    let rows: Vec<Row> = idx
        .iter()
        .map(|&i| {
            let f = &app.findings[i];
            let mut cells = vec![
                Cell::from(Span::styled(
                    severity_label(f.severity),
                    t.severity(f.severity),
                )),
                Cell::from(safe(&f.rule)),
            ];
            if with_account {
                cells.push(Cell::from(
                    f.account.as_deref().map(safe).unwrap_or_else(|| "—".into()),
                ));
            }
            cells.push(Cell::from(safe(&f.title)));
            cells.push(Cell::from(Span::styled(evidence_loc(f), t.dim)));
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![Constraint::Length(6), Constraint::Length(18)];
    if with_account {
        widths.push(Constraint::Fill(1));
    }
    widths.push(Constraint::Fill(3));
    widths.push(Constraint::Fill(1));
    Table::new(rows, widths).column_spacing(1)
}

pub fn render_why(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let focused = app.pane == Pane::Why;
    let idx = app.why_findings();
    let scope = if app.all_accounts {
        "all accounts".into()
    } else {
        app.selected_account()
            .map(|a| safe(&a.address))
            .unwrap_or_default()
    };
    let block = pane_block(
        title(format!("Why · {scope} · {}", idx.len()), t),
        focused,
        t,
    );
    if idx.is_empty() {
        let inner = block.inner(area);
        f.render_widget(block, area);
        f.render_widget(
            Paragraph::new(Span::styled(
                if app.loaded {
                    "no findings: nothing looks wrong here"
                } else {
                    "scanning…"
                },
                t.dim,
            )),
            inner,
        );
        return;
    }
    // Only the rows on screen are built.
    let h = area.height.saturating_sub(2) as usize;
    let off = scroll_for(app.why_sel, h);
    let end = (off + h.max(1)).min(idx.len());
    let tbl = table(app, &idx[off.min(end)..end], false)
        .block(block)
        .row_highlight_style(if focused { t.selected } else { t.base });
    let mut st = TableState::default();
    st.select(Some(app.why_sel.saturating_sub(off)));
    f.render_stateful_widget(tbl, area, &mut st);
}

pub fn render_all(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let n = app.findings.len();
    let h = area.height.saturating_sub(3) as usize;
    let off = scroll_for(app.findings_sel, h);
    // Only the rows on screen are built.
    let idx: Vec<usize> = (off..n).take(h.max(1)).collect();
    let block = pane_block(title(format!("Findings · {n} · ⏎ explain"), t), true, t);
    if idx.is_empty() {
        let inner = block.inner(area);
        f.render_widget(block, area);
        let msg = if app.loaded {
            "no findings"
        } else {
            "scanning…"
        };
        f.render_widget(Paragraph::new(Span::styled(msg, t.dim)), inner);
        return;
    }
    let tbl = table(app, &idx, true)
        .header(
            ratatui::widgets::Row::new(vec!["SEV", "RULE", "ACCOUNT", "TITLE", "EVIDENCE"])
                .style(t.dim),
        )
        .block(block)
        .row_highlight_style(t.selected);
    let mut st = TableState::default();
    st.select(Some(app.findings_sel.saturating_sub(off)));
    f.render_stateful_widget(tbl, area, &mut st);
}
