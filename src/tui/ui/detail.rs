//! Detail popups: one spooled item (fields with their source, file metadata, a safe preview
//! behind the reveal key, related log events) and one finding (explanation, evidence,
//! remediation).

use super::{centered, dim_line, kv, popup_frame, safe, title, wrap_indented, LABEL_COLS};
use crate::duration::human;
use crate::model::Item;
use crate::tui::app::{shown_excerpt, App, FindingKey};
use crate::tui::theme::severity_label;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::path::Path;

/// Log events are related to an item when this close in time.
pub const CORRELATION_SECS: i64 = 300;

fn popup_area(area: Rect) -> Rect {
    let w = (area.width.saturating_mul(9) / 10).max(area.width.min(30));
    let h = (area.height.saturating_mul(9) / 10).max(area.height.min(8));
    centered(area, w, h)
}

fn section<'a>(name: &str, app: &App) -> Line<'a> {
    Line::from(Span::styled(
        name.to_string(),
        app.theme.title.add_modifier(Modifier::UNDERLINED),
    ))
}

/// A `label  value` row wrapped to `width`, the value's continuation lines under the value.
fn kv_wrapped<'a>(k: &str, segs: Vec<(String, Style)>, width: usize, app: &App) -> Vec<Line<'a>> {
    wrap_indented(
        vec![Span::styled(format!("{k:<LABEL_COLS$}"), app.theme.dim)],
        LABEL_COLS,
        segs,
        width,
    )
}

fn item_lines<'a>(app: &'a App, it: &'a Item, width: usize) -> Vec<Line<'a>> {
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
            .map(|m| m.format("%Y-%m-%d %H:%M:%S UTC").to_string())
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
    v.push(section(
        &format!("Related log events (±{} min)", CORRELATION_SECS / 60),
        app,
    ));
    let related = related_events(app, it);
    if related.is_empty() {
        v.push(dim_line("none in the loaded logs", t));
    }
    for i in related.into_iter().take(30) {
        let e = &app.model.events[i];
        let time = e
            .time
            .map(|t| t.format("%H:%M:%S").to_string())
            .unwrap_or_else(|| "--:--:--".into());
        let style = if crate::tui::app::is_problem(e) {
            t.error_line
        } else {
            t.base
        };
        v.push(Line::from(vec![
            Span::styled(format!("{time} "), t.dim),
            Span::styled(
                format!("{:<5} ", safe(e.level.as_deref().unwrap_or(""))),
                style,
            ),
            Span::styled(shown_excerpt(&e.excerpt, app.reveal), style),
        ]));
    }
    v
}

/// Indices of log events of the item's account within the correlation window.
pub fn related_events(app: &App, it: &Item) -> Vec<usize> {
    let Some(m) = it.modified else {
        return Vec::new();
    };
    let profile = app
        .model
        .accounts
        .get(it.account)
        .and_then(|a| a.profile.clone());
    let mut v: Vec<usize> = app
        .model
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| match e.account {
            Some(a) => a == it.account,
            None => e.profile.is_none() || e.profile == profile,
        })
        .filter(|(_, e)| {
            e.time
                .is_some_and(|t| (t.to_utc() - m).num_seconds().abs() <= CORRELATION_SECS)
        })
        .map(|(i, _)| i)
        .collect();
    v.sort_by_key(|&i| app.model.events[i].time);
    v
}

pub fn render_item(f: &mut Frame, area: Rect, app: &App, path: &Path, scroll: u16) {
    let t = &app.theme;
    let r = popup_area(area);
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
    let lines = match app.model.items.iter().find(|i| i.path == path) {
        Some(it) => item_lines(app, it, inner.width as usize),
        None => vec![dim_line(
            "this item is no longer in the spooler (processed, moved or deleted)",
            t,
        )],
    };
    let max = (lines.len() as u16).saturating_sub(inner.height);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max), 0)),
        inner,
    );
}

pub fn render_finding(f: &mut Frame, area: Rect, app: &App, key: &FindingKey, sel: usize) {
    let t = &app.theme;
    let r = popup_area(area);
    let Some(fd) = app
        .findings
        .iter()
        .find(|x| x.rule == key.rule && x.account == key.account && x.profile == key.profile)
    else {
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
