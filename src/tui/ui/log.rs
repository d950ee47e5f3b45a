//! The log view: a merged timeline of the loaded log events for the account (or all), with
//! level and kind filters, regex search with highlighted matches, error jumps, follow mode and
//! a per-minute histogram (errors marked by glyph as well as colour).

use super::{pane_block, safe, scroll_for, title};
use crate::model::LogEvent;
use crate::tui::app::{event_text, is_problem, shown_excerpt, App};
use crate::tui::rawlog::RawView;
use crate::tui::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Split `text` into spans, the regex matches in the match style.
pub fn highlight<'a>(
    text: String,
    re: Option<&regex::Regex>,
    base: Style,
    t: &Theme,
) -> Vec<Span<'a>> {
    let Some(re) = re else {
        return vec![Span::styled(text, base)];
    };
    let mut out = Vec::new();
    let mut last = 0;
    for m in re.find_iter(&text) {
        if m.start() == m.end() {
            continue;
        }
        if m.start() > last {
            out.push(Span::styled(text[last..m.start()].to_string(), base));
        }
        out.push(Span::styled(
            text[m.start()..m.end()].to_string(),
            t.matched,
        ));
        last = m.end();
    }
    if last < text.len() {
        out.push(Span::styled(text[last..].to_string(), base));
    }
    out
}

fn row<'a>(app: &App, e: &LogEvent, selected: bool, is_match: bool) -> Line<'a> {
    let t = &app.theme;
    let problem = is_problem(e);
    let base = if problem { t.error_line } else { t.base };
    let time = e
        .time
        .map(|x| app.rules.zone.format(&x, "%H:%M:%S%.3f"))
        .unwrap_or_else(|| "--:--:--.---".into());
    let mark = match (problem, is_match) {
        (true, _) => "✖",
        (false, true) => "◆",
        _ => " ",
    };
    let mut spans = vec![
        Span::styled(mark.to_string(), if problem { t.error_line } else { t.key }),
        Span::styled(format!("{time} "), t.dim),
        Span::styled(
            format!("{:<5} ", safe(e.level.as_deref().unwrap_or("·"))),
            base,
        ),
    ];
    spans.extend(highlight(
        event_text(e, app.reveal),
        app.log.search.regex.as_ref(),
        base,
        t,
    ));
    let mut l = Line::from(spans);
    if selected {
        l = l.style(t.selected);
    }
    l
}

fn scope(app: &App) -> String {
    if app.all_accounts {
        "all accounts".into()
    } else {
        app.selected_account()
            .map(|a| safe(&a.address))
            .unwrap_or_else(|| "all".into())
    }
}

/// The raw lines of one log file around the cursor, read from disk for this frame only.
fn render_raw(f: &mut Frame, area: Rect, app: &App, raw: &RawView) {
    let t = &app.theme;
    let name = raw
        .index
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let total = raw.len();
    let mut head = format!(
        "Raw · {} · {} {}/{} · {}",
        safe(&name),
        if raw.index.is_etl() { "record" } else { "line" },
        if total == 0 { 0 } else { raw.sel + 1 },
        total,
        raw.index.label()
    );
    if raw.follow {
        head.push_str(" · follow");
    }
    if raw.wrap {
        head.push_str(" · wrap");
    } else if raw.col > 0 {
        head.push_str(&format!(" · col +{}", raw.col));
    }
    if let Some(e) = &raw.error {
        head.push_str(&format!(" · {}", crate::sanitize::cell(e, 40)));
    }
    let block = pane_block(title(head, t), true, t);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if total == 0 {
        f.render_widget(
            Paragraph::new(Span::styled("the file is empty", t.dim)),
            inner,
        );
        return;
    }
    let h = inner.height as usize;
    let gutter = (raw.sel + h + 1).min(total).to_string().len();
    // Columns left for the text after the mark and the line number.
    let avail = (inner.width as usize).saturating_sub(gutter + 2).max(1);
    let re = app.log.search.regex.as_ref();
    // The rows of line `i`: one (cut at the right edge, or scrolled by `col`), or as many as
    // its wrapped text needs.
    let rows_of = |i: usize| -> Vec<Line> {
        let style = |l: Line<'static>| if i == raw.sel { l.style(t.selected) } else { l };
        let pieces: Vec<String> = match raw.shown_line(i, app.reveal) {
            Some(text) => {
                // Only what can show is sanitised: a 64 KiB line is cut first (two chars a
                // column leaves room for wide characters).
                let budget = if raw.wrap { avail * h } else { raw.col + avail };
                let cut = crate::sanitize::truncate(text, budget * 2 + 1);
                let shown = shown_excerpt(&cut, app.reveal);
                if raw.wrap {
                    wrap_cols(&shown, avail)
                } else {
                    vec![skip_cols(&shown, raw.col).to_string()]
                }
            }
            None => vec!["…".to_string()],
        };
        pieces
            .into_iter()
            .enumerate()
            .map(|(k, piece)| {
                let mark = if k == 0 && raw.mark == Some(i) {
                    "▶"
                } else {
                    " "
                };
                let number = if k == 0 {
                    (i + 1).to_string()
                } else {
                    String::new()
                };
                let mut spans = vec![
                    Span::styled(mark.to_string(), t.key),
                    Span::styled(format!("{number:>gutter$} "), t.dim),
                ];
                if raw.line(i).is_some() {
                    spans.extend(highlight(piece, re, t.base, t));
                } else {
                    spans.push(Span::styled(piece, t.dim));
                }
                style(Line::from(spans))
            })
            .collect()
    };
    let mut off = scroll_for(raw.sel, h);
    let mut rows: Vec<Vec<Line>> = (off..=raw.sel.min(total - 1)).map(rows_of).collect();
    // Wrapped lines take several rows: drop lines at the top until the cursor's line fits.
    while off < raw.sel && rows.iter().map(Vec::len).sum::<usize>() > h {
        rows.remove(0);
        off += 1;
    }
    let mut next = raw.sel + 1;
    while next < total && rows.iter().map(Vec::len).sum::<usize>() < h {
        rows.push(rows_of(next));
        next += 1;
    }
    let lines: Vec<Line> = rows.into_iter().flatten().take(h).collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// `s` without its first `cols` display columns (a wide character cut in half is skipped whole).
pub fn skip_cols(s: &str, cols: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        if w >= cols {
            return &s[i..];
        }
        w += c.width().unwrap_or(0);
    }
    ""
}

/// `s` in pieces of at most `cols` display columns (at least one piece; a character wider
/// than `cols` gets a piece of its own).
pub fn wrap_cols(s: &str, cols: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > cols && w > 0 {
            out.push(String::new());
            w = 0;
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
        w += cw;
    }
    out
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    if let Some(raw) = &app.log.raw {
        render_raw(f, area, app, raw);
        return;
    }
    let t = &app.theme;
    let s = &app.log.search;
    let mut head = format!(
        "Log · {} · {} records · {} · {}",
        scope(app),
        app.log.order.len(),
        app.log.level.label(),
        app.log.kind.label()
    );
    if !s.input.is_empty() && !s.editing {
        head.push_str(&format!(" · /{} ({})", safe(&s.input), s.matches.len()));
    }
    if app.log.follow {
        head.push_str(" · follow");
    }
    let hist_h = if area.height >= 12 { 4 } else { 0 };
    let [main, hist] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(hist_h)]).areas(area);
    let block = pane_block(title(head, t), true, t);
    let inner = block.inner(main);
    f.render_widget(block, main);
    let search_h = u16::from(s.editing || s.error.is_some());
    let limits = limits_line(app);
    let limits_h = u16::from(limits.is_some() && inner.height >= 4);
    let etl = etl_lines(app);
    let etl_h = if inner.height >= 8 {
        etl.len().min(2) as u16
    } else {
        0
    };
    let [rows_area, limits_area, etl_area, search_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(limits_h),
        Constraint::Length(etl_h),
        Constraint::Length(search_h),
    ])
    .areas(inner);
    if let (Some(l), 1) = (limits, limits_h) {
        f.render_widget(Paragraph::new(Span::styled(l, t.dim)), limits_area);
    }
    if etl_h > 0 {
        let lines: Vec<Line> = etl
            .into_iter()
            .take(etl_h as usize)
            .map(|l| Line::from(Span::styled(l, t.dim)))
            .collect();
        f.render_widget(Paragraph::new(lines), etl_area);
    }
    if app.log.order.is_empty() {
        let msg = if !app.loaded {
            "scanning…"
        } else if app.model.events.is_empty() {
            "no log events loaded (trace logs appear here as they are read)"
        } else {
            "no event matches the filters (l level, t kind, a all accounts)"
        };
        f.render_widget(Paragraph::new(Span::styled(msg, t.dim)), rows_area);
    } else {
        let h = rows_area.height as usize;
        // Keep some context above the selection, like lnav.
        let off = scroll_for(app.log.sel, h);
        let lines: Vec<Line> = app
            .log
            .order
            .iter()
            .enumerate()
            .skip(off)
            .take(h)
            .map(|(p, &i)| {
                row(
                    app,
                    &app.model.events[i],
                    p == app.log.sel,
                    s.matches.binary_search(&p).is_ok(),
                )
            })
            .collect();
        f.render_widget(Paragraph::new(lines), rows_area);
    }
    if search_h > 0 {
        let line = if s.editing {
            Line::from(vec![
                Span::styled("/", t.key),
                Span::raw(safe(&s.input)),
                Span::styled("▏", t.key),
                Span::styled(
                    format!(
                        "  {} · ⏎ keep · Esc cancel{}",
                        if s.stale {
                            "⏎ counts matches".to_string()
                        } else {
                            format!("{} matches", s.matches.len())
                        },
                        s.error
                            .as_deref()
                            .map(|e| format!(" · {e}"))
                            .unwrap_or_default()
                    ),
                    t.dim,
                ),
            ])
        } else {
            Line::from(Span::styled(
                format!("/{}: {}", safe(&s.input), s.error.as_deref().unwrap_or("")),
                t.error_line,
            ))
        };
        f.render_widget(Paragraph::new(line), search_area);
    }
    if hist_h > 0 {
        histogram(f, hist, app);
    }
}

/// What the log limits left out, over every log read (none: `None`): the same counts the
/// report and the JSON give per source.
pub fn limits_line(app: &App) -> Option<String> {
    let (mut skipped, mut cut, mut not_kept, mut unclassified, mut undecoded) = (0, 0, 0, 0, 0);
    let mut summarised = 0;
    for src in &app.model.sources {
        if let Some(l) = &src.log {
            skipped += src.skipped;
            cut += l.truncated_lines;
            not_kept += l.events_not_kept;
            summarised += l.hidden();
            unclassified += l.unclassified_lines;
            undecoded += l.undecoded;
        }
    }
    let cap_kib = crate::parse::logstream::LINE_CAP / 1024;
    let parts: Vec<String> = [
        (not_kept, "routine events counted, not kept".to_string()),
        (
            summarised,
            "repeated events summarised (first, last, spread kept)".to_string(),
        ),
        (cut, format!("lines cut at {cap_kib} KiB")),
        (
            unclassified,
            "lines of over-long records not classified".to_string(),
        ),
        (
            undecoded,
            "events the converter could not decode".to_string(),
        ),
        (skipped, "lines skipped".to_string()),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    (!parts.is_empty()).then(|| format!("limits: {}", parts.join(" · ")))
}

/// One line per `.etl` source read (its logfile header: session, time span, clock, losses),
/// sanitised; when there are more than two, the second says how many more.
pub fn etl_lines(app: &App) -> Vec<String> {
    let all: Vec<String> = app
        .model
        .sources
        .iter()
        .filter_map(|s| {
            let e = s.log.as_ref()?.etl.as_ref()?;
            let name = s
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Some(safe(&format!("etl {name}: {}", e.describe(app.rules.zone))))
        })
        .collect();
    if all.len() > 2 {
        vec![
            all[0].clone(),
            format!("… and {} more .etl files (see the report)", all.len() - 1),
        ]
    } else {
        all
    }
}

/// Per-minute counts of the rows in view (every record read, for logs whose tallies count per
/// minute): (totals, errors) per column, and minutes per column.
/// Reads the per-minute counts cached with the rows, never the events themselves.
pub fn buckets(app: &App, cols: usize) -> (Vec<u32>, Vec<u32>, i64) {
    let mins = &app.log.minutes;
    let (Some(first), Some(last)) = (mins.first(), mins.last()) else {
        return (vec![], vec![], 1);
    };
    if cols == 0 {
        return (vec![], vec![], 1);
    }
    let (lo, hi) = (first.0, last.0);
    let minutes = hi - lo + 1;
    let per = ((minutes + cols as i64 - 1) / cols as i64).max(1);
    let n = ((minutes + per - 1) / per) as usize;
    let mut tot = vec![0u32; n];
    let mut err = vec![0u32; n];
    for &(m, t, e) in mins {
        let b = (((m - lo) / per) as usize).min(n - 1);
        tot[b] = tot[b].saturating_add(t);
        err[b] = err[b].saturating_add(e);
    }
    (tot, err, per)
}

fn histogram(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let cols = area.width.saturating_sub(2) as usize;
    let (tot, err, per) = buckets(app, cols);
    let unit = if per == 1 {
        "min".to_string()
    } else {
        format!("{per} min")
    };
    // Exact counts include events the list does not keep as rows: say how many, so the bars
    // and the row count are not read as the same thing.
    let label = if app.log.minutes_exact {
        let total: u64 = tot.iter().map(|&n| u64::from(n)).sum();
        match app.log.minutes_outside {
            0 => format!("events / {unit} · {total} counted, listed or not (✖ errors)"),
            n => format!(
                "events / {unit} · {total} counted, listed or not, {n} more not charted (✖ errors)"
            ),
        }
    } else {
        format!("events / {unit} (✖ errors)")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(title(label, t));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let max = tot.iter().copied().max().unwrap_or(0).max(1);
    let bars: Vec<Span> = tot
        .iter()
        .zip(&err)
        .map(|(&n, &e)| {
            let c = if n == 0 {
                ' '
            } else {
                BARS[((n as usize * 8).div_ceil(max as usize)).clamp(1, 8) - 1]
            };
            Span::styled(c.to_string(), if e > 0 { t.error_line } else { t.info })
        })
        .collect();
    let marks: Vec<Span> = err
        .iter()
        .map(|&e| {
            if e > 0 {
                Span::styled("✖", t.error_line)
            } else {
                Span::raw(" ")
            }
        })
        .collect();
    f.render_widget(
        Paragraph::new(vec![Line::from(bars), Line::from(marks)]),
        inner,
    );
}
