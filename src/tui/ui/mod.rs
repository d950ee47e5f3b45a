//! Rendering: one function per screen region, each in its own file. Everything here reads the
//! app and draws; nothing changes state. Every string that came from a file is sanitised here
//! (or earlier) before it reaches a cell.

mod accounts;
mod errors;
mod finding_popup;
mod findings;
mod header;
mod help;
mod item_popup;
mod items;
mod keybar;
mod log;
mod prompt;

use super::app::{App, Pane, Popup, View};
use super::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Below this the UI shows one line asking for a bigger terminal.
pub const MIN_W: u16 = 30;
pub const MIN_H: u16 = 8;
/// Narrower than this, the overview shows only the focused pane.
pub const WIDE: u16 = 70;

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width == 0 || area.height == 0 {
        // Nothing can be drawn in no cells: the runtime writes the message instead.
        return;
    }
    if area.width < MIN_W || area.height < MIN_H {
        too_small(f, area);
        return;
    }
    let [head, body, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(f, head, app);
    match app.view {
        View::Overview => overview(f, body, app),
        View::Findings => findings::render_all(f, body, app),
        View::Log => log::render(f, body, app),
    }
    keybar::render(f, bar, app);
    match &app.popup {
        Popup::None => {}
        Popup::Help { scroll } => help::render(f, area, app, *scroll),
        Popup::Item { path, scroll, sel } => item_popup::render(f, area, app, path, *scroll, *sel),
        Popup::Finding { key, sel } => finding_popup::render(f, area, app, key, *sel),
        Popup::Export(stage) => prompt::render_export(f, area, app, stage),
        Popup::Errors { scroll } => errors::render(f, area, app, *scroll),
    }
}

/// At most this many cells are drawn (1000×1000): a terminal that reports more (a broken pty
/// saying 65535×65535) gets [`too_large_message`] instead of gigabytes of cells.
pub const MAX_CELLS: usize = 1_000_000;

pub fn too_large_message() -> String {
    format!("terminal too large (at most {MAX_CELLS} cells, such as 1000×1000)")
}

/// What a terminal below the minimum size shows.
pub fn too_small_message() -> String {
    format!("terminal too small (need {MIN_W}×{MIN_H})")
}

fn too_small(f: &mut Frame, area: Rect) {
    let msg = too_small_message();
    let p = Paragraph::new(msg).wrap(Wrap { trim: true });
    f.render_widget(p, area);
}

fn overview(f: &mut Frame, area: Rect, app: &App) {
    if area.width < WIDE {
        match app.pane {
            Pane::Accounts => accounts::render(f, area, app),
            Pane::Items => items::render(f, area, app),
            Pane::Why => findings::render_why(f, area, app),
        }
        return;
    }
    let n_why = app.why_findings().len() as u16;
    let why_h = (n_why.max(1) + 2).min(area.height / 3).max(3);
    let [top, why] = Layout::vertical([Constraint::Min(3), Constraint::Length(why_h)]).areas(area);
    let acc_w = (area.width * 3 / 8).clamp(30, 42);
    let [acc, items] =
        Layout::horizontal([Constraint::Length(acc_w), Constraint::Min(10)]).areas(top);
    accounts::render(f, acc, app);
    items::render(f, items, app);
    findings::render_why(f, why, app);
}

/// A bordered block with a title; the focused one stands out (by border weight too).
pub fn pane_block<'a>(title: Line<'a>, focused: bool, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused { t.border_focus } else { t.border })
        .title(title)
}

/// A title line: " text " in the title style.
pub fn title<'a>(text: String, t: &Theme) -> Line<'a> {
    Line::from(Span::styled(format!(" {text} "), t.title))
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The area of a detail popup (item, finding): most of the screen.
fn detail_area(area: Rect) -> Rect {
    let w = (area.width.saturating_mul(9) / 10).max(area.width.min(30));
    let h = (area.height.saturating_mul(9) / 10).max(area.height.min(8));
    centered(area, w, h)
}

/// An underlined section heading inside a popup.
fn section<'a>(name: &str, app: &App) -> Line<'a> {
    Line::from(Span::styled(
        name.to_string(),
        app.theme
            .title
            .add_modifier(ratatui::style::Modifier::UNDERLINED),
    ))
}

/// Clear a popup's area and draw its frame; returns the inner area.
pub fn popup_frame(f: &mut Frame, area: Rect, title: Line<'_>, t: &Theme) -> Rect {
    f.render_widget(Clear, area);
    let b = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.border_focus)
        .title(title);
    let inner = b.inner(area);
    f.render_widget(b, area);
    inner
}

/// `1.3K`, `611`, `2.0M`.
pub fn human_size(n: u64) -> String {
    if n < 1000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1}K", n as f64 / 1024.0)
    } else if n < 1_000_000_000 {
        format!("{:.1}M", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1}G", n as f64 / (1024.0 * 1024.0 * 1024.0))
    }
}

/// Scroll offset that keeps `sel` visible in `height` rows.
pub fn scroll_for(sel: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        sel.saturating_sub(height - 1)
    }
}

/// A style-less span of sanitised text.
pub fn safe(s: &str) -> String {
    crate::sanitize::line(s).into_owned()
}

pub fn dim_line<'a>(s: impl Into<String>, t: &Theme) -> Line<'a> {
    Line::from(Span::styled(s.into(), t.dim))
}

pub fn kv<'a>(k: &str, v: String, t: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{k:<14}"), t.dim),
        Span::styled(v, Style::default()),
    ])
}

/// Width of the label column of [`kv`] lines.
pub const LABEL_COLS: usize = 14;

/// Lay out `segs` (text, style) after `head` in lines of at most `width` terminal columns;
/// lines after the first start with `indent` spaces, so a wrapped value stays in its column
/// (a path under its label, an evidence location under its marker). Breaks at spaces, and
/// inside a word (a path, an address) only where the word alone is wider than a line. Keep two
/// words together with a no-break space (`←\u{a0}xml:…`).
pub fn wrap_indented<'a>(
    head: Vec<Span<'a>>,
    indent: usize,
    segs: Vec<(String, Style)>,
    width: usize,
) -> Vec<Line<'a>> {
    use crate::sanitize::{char_width, width as cols};
    let width = width.max(1);
    // Too narrow to indent and still show something: start continuation lines at column 0.
    let indent = if indent + 4 > width { 0 } else { indent };
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut used: usize = head.iter().map(|s| cols(&s.content)).sum();
    let mut cur: Vec<Span<'a>> = head;
    let mut has_text = false;
    let new_line = |lines: &mut Vec<Line<'a>>, cur: &mut Vec<Span<'a>>, used: &mut usize| {
        lines.push(Line::from(std::mem::take(cur)));
        if indent > 0 {
            cur.push(Span::raw(" ".repeat(indent)));
        }
        *used = indent;
    };
    for (text, style) in segs {
        for word in text.split_inclusive(' ') {
            let bare = cols(word.trim_end_matches(' '));
            if has_text && used + bare > width && used > indent {
                new_line(&mut lines, &mut cur, &mut used);
            }
            if used + bare <= width {
                cur.push(Span::styled(word.replace('\u{a0}', " "), style));
                used += cols(word);
                has_text = true;
                continue;
            }
            // A word wider than what is left: cut it by columns.
            let mut piece = String::new();
            for c in word.chars() {
                let w = char_width(c);
                if used + w > width && (used > indent || !piece.is_empty()) {
                    if !piece.is_empty() {
                        cur.push(Span::styled(
                            std::mem::take(&mut piece).replace('\u{a0}', " "),
                            style,
                        ));
                    }
                    new_line(&mut lines, &mut cur, &mut used);
                }
                piece.push(c);
                used += w;
            }
            if !piece.is_empty() {
                cur.push(Span::styled(piece.replace('\u{a0}', " "), style));
                has_text = true;
            }
        }
    }
    lines.push(Line::from(cur));
    lines
}

#[cfg(test)]
mod wrap_tests {
    use super::*;

    fn text(l: &Line<'_>) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn wrapped_values_stay_in_their_column() {
        let st = Style::default();
        let lines = wrap_indented(
            vec![Span::raw("▶ ")],
            2,
            vec![("Users/山田太郎/AppData/Local/Microsoft/Office/16.0/Lync/sip_a@b.c/History Spooler/{A1}.xml".into(), st)],
            30,
        );
        assert!(lines.len() > 2);
        assert!(
            text(&lines[0]).starts_with("▶ Users/山田"),
            "{:?}",
            text(&lines[0])
        );
        for l in &lines {
            assert!(crate::sanitize::width(&text(l)) <= 30, "{:?}", text(l));
        }
        for l in &lines[1..] {
            let t = text(l);
            assert!(t.starts_with("  ") && !t.starts_with("   "), "{t:?}");
        }
        let joined: String = lines
            .iter()
            .map(|l| text(l).trim_start().to_string())
            .collect();
        assert!(joined.contains("{A1}.xml") && joined.contains("山田太郎"));

        // A source label moves to the next line whole, under the value column.
        let lines = wrap_indented(
            vec![Span::raw(format!("{:<14}", "to"))],
            14,
            vec![
                ("rlee@contoso.com".into(), st),
                ("  ←\u{a0}xml:ToRecipients/Mailbox/EmailAddress".into(), st),
            ],
            60,
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(text(&lines[0]).trim_end(), "to            rlee@contoso.com");
        assert_eq!(
            text(&lines[1]),
            "              ← xml:ToRecipients/Mailbox/EmailAddress"
        );
    }
}
