//! The accounts list: address, client, stuck/items, oldest age, and a marker (glyph + word)
//! for accounts with findings.

use super::{pane_block, safe, scroll_for, title};
use crate::duration::human;
use crate::model::Severity;
use crate::tui::app::{App, Pane};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let focused = app.pane == Pane::Accounts;
    let block = pane_block(
        title(format!("Accounts · {}", app.model.accounts.len()), t),
        focused,
        t,
    );
    let inner_w = area.width.saturating_sub(2) as usize;
    // Only the accounts on screen are built (two lines each).
    let per_page = (area.height.saturating_sub(2) / 2) as usize;
    let off = scroll_for(app.account_sel, per_page);
    let rows: Vec<ListItem> = app
        .model
        .accounts
        .iter()
        .enumerate()
        .skip(off)
        .take(per_page.max(1))
        .map(|(i, a)| {
            let st = app.account_stats(i);
            let (mark, style) = match app.account_severity(i) {
                Some(Severity::Critical) => ("▲ CRIT ", t.critical),
                Some(Severity::Warning) => ("● WARN ", t.warning),
                Some(Severity::Info) => ("· info ", t.info),
                None => ("  ok   ", t.dim),
            };
            let addr = crate::sanitize::truncate_cols(&safe(&a.address), inner_w.saturating_sub(7))
                .into_owned();
            let l1 = Line::from(vec![Span::styled(mark, style), Span::raw(addr)]);
            let oldest = st
                .oldest_age_secs
                .map(|s| format!(" · {}", human(s)))
                .unwrap_or_default();
            let mut detail = format!(
                "{} · {}/{} stuck{oldest}",
                a.client.as_str(),
                st.stuck,
                st.items
            );
            if let Some(p) = &a.profile {
                let extra = format!(" · {}", safe(p));
                let w = crate::sanitize::width;
                if 2 + w(&detail) + w(&extra) <= inner_w {
                    detail.push_str(&extra);
                }
            }
            let l2 = Line::from(vec![
                Span::raw("  "),
                Span::styled(detail, if st.stuck > 0 { t.stuck } else { t.dim }),
            ]);
            ListItem::new(vec![l1, l2])
        })
        .collect();
    let empty = app.model.accounts.is_empty();
    let list = List::new(rows)
        .block(block)
        .highlight_style(if app.all_accounts { t.dim } else { t.selected })
        .highlight_symbol("");
    let mut state = ListState::default();
    if !empty {
        state.select(Some(app.account_sel.saturating_sub(off)));
    }
    f.render_stateful_widget(list, area, &mut state);
    if empty {
        let inner = ratatui::layout::Rect {
            x: area.x + 1,
            y: area.y + 1,
            width: area.width.saturating_sub(2),
            height: area.height.saturating_sub(2).min(1),
        };
        f.render_widget(
            ratatui::widgets::Paragraph::new(Span::styled(
                if app.loaded {
                    "no sip_* account found"
                } else {
                    "scanning…"
                },
                t.dim,
            )),
            inner,
        );
    }
}
