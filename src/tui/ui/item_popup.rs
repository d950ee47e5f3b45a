//! The item popup: one spooled item (fields with their source, file metadata, a safe preview
//! behind the reveal key, related log events).

use super::{
    detail_area, dim_line, kv, popup_frame, safe, section, title, wrap_indented, LABEL_COLS,
};
use crate::duration::human;
use crate::model::Item;
use crate::tui::app::{shown_excerpt, App};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::path::Path;

/// A `label  value` row wrapped to `width`, the value's continuation lines under the value.
fn kv_wrapped<'a>(k: &str, segs: Vec<(String, Style)>, width: usize, app: &App) -> Vec<Line<'a>> {
    wrap_indented(
        vec![Span::styled(format!("{k:<LABEL_COLS$}"), app.theme.dim)],
        LABEL_COLS,
        segs,
        width,
    )
}

/// The popup's lines, and the index of the selected chain row's first line (if any).
fn item_lines<'a>(
    app: &'a App,
    it: &'a Item,
    width: usize,
    sel: usize,
) -> (Vec<Line<'a>>, Option<usize>) {
    let mut sel_line = None;
    let t = &app.theme;
    let st = it.state(app.clock);
    let mut v = vec![section("File", app)];
    v.extend(kv_wrapped(
        "path",
        vec![(app.display_path(&it.path), Style::default())],
        width,
        app,
    ));
    v.push(Line::from(vec![
        Span::styled(format!("{:<14}", "state"), t.dim),
        Span::styled(st.label(), t.state(st)),
        Span::raw(format!(
            "  age {}",
            it.age_secs(app.clock.now)
                .map(human)
                .unwrap_or_else(|| "?".into())
        )),
    ]));
    v.push(kv(
        "modified",
        it.modified
            .map(|m| {
                let z = app.rules.zone;
                format!("{} {}", z.datetime(&m), z.tag_at(&m))
            })
            .unwrap_or_else(|| "unknown".into()),
        t,
    ));
    v.push(kv("size", format!("{} bytes", it.size), t));
    v.push(kv(
        "format",
        format!(
            "{}{}{}",
            it.format.as_str(),
            it.encoding
                .map(|e| format!(" · {}", e.as_str()))
                .unwrap_or_default(),
            if it.truncated { " · truncated" } else { "" }
        ),
        t,
    ));
    if !it.heuristics.is_empty() {
        v.extend(kv_wrapped(
            "heuristics",
            vec![(safe(&it.heuristics.join(", ")), Style::default())],
            width,
            app,
        ));
    }
    v.push(Line::raw(""));
    v.push(section("Fields (value ← where it came from)", app));
    // `← where`, kept whole (a no-break space): when it does not fit after the value it goes
    // to the next line, under the value.
    let src = |k: &str| {
        it.fields
            .sources
            .get(k)
            .map(|s| format!("  ←\u{a0}{}", safe(s)))
            .unwrap_or_default()
    };
    let mut field = |name: &str, key: &str, val: Option<String>| {
        if let Some(val) = val {
            let mut segs = vec![(val, Style::default())];
            let from = src(key);
            if !from.is_empty() {
                segs.push((from, t.dim));
            }
            v.extend(kv_wrapped(name, segs, width, app));
        }
    };
    let f = &it.fields;
    let list = |l: &Vec<String>| (!l.is_empty()).then(|| safe(&l.join(", ")));
    field("from", "from", f.from.as_deref().map(safe));
    field("to", "to", list(&f.to));
    field("cc", "cc", list(&f.cc));
    field(
        "subject",
        "subject",
        f.subject.as_deref().map(|s| {
            if app.reveal {
                safe(s)
            } else {
                "‹hidden: press c to reveal›".into()
            }
        }),
    );
    field("sent", "sent", f.sent.as_deref().map(safe));
    field(
        "class",
        "message_class",
        f.message_class.as_deref().map(safe),
    );
    field(
        "disposition",
        "disposition",
        f.disposition.as_deref().map(safe),
    );
    field(
        "saved folder",
        "saved_folder",
        f.saved_folder.as_deref().map(safe),
    );
    field(
        "conversation",
        "conversation_id",
        f.conversation_id.as_deref().map(safe),
    );
    field("addresses", "addresses", list(&f.addresses));
    if f.is_empty() {
        v.push(dim_line("nothing recognisable: file metadata only", t));
    }
    v.push(Line::raw(""));
    v.push(section("Preview", app));
    match (&it.preview, app.reveal) {
        (Some(p), true) => {
            for l in crate::sanitize::block(p).lines().take(40) {
                v.push(Line::raw(l.replace('\t', "    ")));
            }
        }
        (Some(_), false) => v.push(dim_line(
            "‹hidden: message content is private; press c to reveal›",
            t,
        )),
        (None, _) => v.push(dim_line("no preview", t)),
    }
    v.push(Line::raw(""));
    v.push(section("Related log events", app));
    // The model's correlation (`diagnose::correlate`, within `--window`):
    // the same events the reports list for this item, each with why it is related.
    let related = app
        .model
        .related
        .get(&it.path)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if related.is_empty() {
        v.push(dim_line("none in the loaded logs", t));
    }
    // The chain as a small vertical timeline: time, what happened, file:line and why linked.
    for (i, e) in related.iter().enumerate() {
        let time = e
            .time
            .map(|t| app.rules.zone.time(&t))
            .unwrap_or_else(|| "--:--:--".into());
        let stem = if i + 1 == related.len() { "└" } else { "├" };
        let (mark, style) = if i == sel {
            sel_line = Some(v.len());
            (format!("{time} ▶ "), t.selected)
        } else {
            (format!("{time} {stem} "), t.dim)
        };
        v.extend(wrap_indented(
            vec![Span::styled(mark, style)],
            11,
            vec![(
                shown_excerpt(e.excerpt.as_deref().unwrap_or(""), app.reveal),
                t.base,
            )],
            width,
        ));
        let file = e
            .path
            .file_name()
            .map(|n| safe(&n.to_string_lossy()))
            .unwrap_or_default();
        let mut at = format!(
            "{}{}",
            " ".repeat(9),
            if i + 1 == related.len() { "  " } else { "│ " }
        );
        at.push_str(&file);
        if let Some(l) = e.line {
            at.push_str(&format!(":{l}"));
        }
        if let Some(k) = e.link {
            at.push_str(&format!(" · {}", k.as_str()));
        }
        v.push(dim_line(&at, t));
    }
    (v, sel_line)
}

pub fn render(f: &mut Frame, area: Rect, app: &App, path: &Path, scroll: u16, sel: usize) {
    let t = &app.theme;
    let r = detail_area(area);
    let name = path
        .file_name()
        .map(|n| safe(&n.to_string_lossy()))
        .unwrap_or_default();
    let inner = popup_frame(
        f,
        r,
        title(format!("Item · {name} · c reveal · Esc close"), t),
        t,
    );
    let (lines, sel_line) = match app.model.items.iter().find(|i| i.path == path) {
        Some(it) => item_lines(app, it, inner.width as usize, sel),
        None => (
            vec![dim_line(
                "this item is no longer in the spooler (processed, moved or deleted)",
                t,
            )],
            None,
        ),
    };
    // Keep the selected chain row (and the line under it) in view once it is picked.
    let scroll = match sel_line {
        Some(l) if sel > 0 => (l as u16 + 2).saturating_sub(inner.height).max(scroll),
        _ => scroll,
    };
    let max = (lines.len() as u16).saturating_sub(inner.height);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max), 0)),
        inner,
    );
}
