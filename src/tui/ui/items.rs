//! The items table: live age, state (glyph + word), format, size, sender → recipients, and
//! the subject only when content is revealed.

use super::{human_size, pane_block, safe, scroll_for, title};
use crate::duration::human;
use crate::tui::app::{App, Pane};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let focused = app.pane == Pane::Items;
    let vis = app.visible_items();
    let scope = if app.all_accounts {
        "all accounts".to_string()
    } else {
        app.selected_account()
            .map(|a| format!("{} ({})", safe(&a.address), a.client.as_str()))
            .unwrap_or_else(|| "no account".into())
    };
    let arrow = if app.sort_desc { "▼" } else { "▲" };
    let head = format!(
        "Items · {scope} · {} · sort {} {arrow}",
        vis.len(),
        app.sort.as_str()
    );
    let block = pane_block(title(head, t), focused, t);
    let wide = area.width >= 70;
    let show_subject = wide || app.reveal;
    let mut header = vec![
        "AGE",
        "STATE",
        "FORMAT",
        "SIZE",
        if wide { "FROM → TO" } else { "TO" },
    ];
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Fill(3),
    ];
    if show_subject {
        header.push("SUBJECT");
        widths.push(Constraint::Fill(2));
    }
    if wide {
        header.push("FILE");
        widths.push(Constraint::Fill(2));
    }
    // Only the rows on screen are built: the table is a window onto the cached order.
    let height = area.height.saturating_sub(3) as usize;
    let off = scroll_for(app.item_sel, height);
    let rows: Vec<Row> = vis
        .iter()
        .skip(off)
        .take(height.max(1))
        .map(|&i| {
            let it = &app.model.items[i];
            let st = it.state(app.clock);
            let age = it
                .age_secs(app.clock.now)
                .map(human)
                .unwrap_or_else(|| "?".into());
            let mut who = String::new();
            if let Some(from) = it.fields.from.as_ref().filter(|_| wide) {
                who.push_str(&safe(from));
                who.push(' ');
            }
            let to: Vec<String> = it.fields.recipients().map(|r| safe(r)).collect();
            if !to.is_empty() {
                who.push_str("→ ");
                who.push_str(&to.join(", "));
            } else if let Some(a) = it.fields.addresses.first() {
                who.push_str(&format!("? {}", safe(a)));
            } else if who.is_empty() {
                who.push('?');
            }
            let subject = match (&it.fields.subject, app.reveal) {
                (Some(s), true) => Span::raw(safe(s)),
                (Some(_), false) => Span::styled("‹hidden›", t.dim),
                (None, _) => Span::raw(""),
            };
            let mut cells = vec![
                Cell::from(age),
                Cell::from(Span::styled(st.label(), t.state(st))),
                Cell::from(it.format.as_str()),
                Cell::from(Line::from(human_size(it.size)).right_aligned()),
                Cell::from(who),
            ];
            if show_subject {
                cells.push(Cell::from(subject));
            }
            if wide {
                cells.push(Cell::from(Span::styled(safe(&it.name()), t.dim)));
            }
            Row::new(cells)
        })
        .collect();
    let empty = vis.is_empty();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim))
        .block(block)
        .row_highlight_style(if focused { t.selected } else { t.base })
        .column_spacing(1);
    let mut state = TableState::default();
    if !empty {
        state.select(Some(app.item_sel.saturating_sub(off)));
    }
    f.render_stateful_widget(table, area, &mut state);
    if empty && area.height > 3 && area.width > 2 {
        let r = Rect {
            x: area.x + 1,
            y: area.y + 2,
            width: area.width - 2,
            height: 1,
        };
        f.render_widget(
            Paragraph::new(Span::styled(
                if app.loaded {
                    "no spooled items: nothing is waiting"
                } else {
                    "scanning…"
                },
                t.dim,
            )),
            r,
        );
    }
}
