//! The bottom line: a sparkline of the stuck count since start, then the keys that matter in
//! this view (generated from the keymap), or the latest status message.

use crate::tui::app::{App, Pane, View};
use crate::tui::keys::{info, Action};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The last `n` samples as block glyphs, scaled to their own maximum.
pub fn sparkline(samples: &[u64], n: usize) -> String {
    let tail = &samples[samples.len().saturating_sub(n)..];
    let max = tail.iter().copied().max().unwrap_or(0);
    tail.iter()
        .map(|&v| {
            if max == 0 {
                BARS[0]
            } else {
                BARS[((v * 7).div_ceil(max)) as usize]
            }
        })
        .collect()
}

/// The actions the key bar offers in the current context.
pub fn context_actions(app: &App) -> Vec<Action> {
    use Action::*;
    match app.view {
        View::Overview => {
            let mut v = vec![Down, NextPane, Open, Search, NextError];
            if app.pane == Pane::Items {
                v.extend([Sort, Reveal]);
            }
            v.extend([AllAccounts, Export, Help, Quit]);
            v
        }
        View::Findings => vec![Down, Open, Copy, Export, ViewOverview, Help, Quit],
        View::Log if app.log.raw.is_some() => {
            vec![
                Down,
                PageDown,
                ScrollRight,
                Wrap,
                Follow,
                RawLines,
                Back,
                Help,
                Quit,
            ]
        }
        View::Log => vec![
            Search,
            NextMatch,
            NextError,
            Follow,
            LevelFilter,
            KindFilter,
            Back,
            RawLines,
            Help,
            Quit,
        ],
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut spans = vec![
        Span::styled(format!(" {}", sparkline(&app.stuck_history, 8)), t.stuck),
        Span::styled(" stuck ", t.dim),
    ];
    if let Some(s) = &app.status {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            crate::sanitize::line(s).into_owned(),
            t.header,
        ));
    } else {
        let mut used: usize = 16;
        for a in context_actions(app) {
            let Some(k) = app.keymap.first_key(a) else {
                continue;
            };
            let label = info(a).short;
            let w = k.chars().count() + label.chars().count() + 3;
            if used + w > area.width as usize {
                break;
            }
            used += w;
            spans.push(Span::styled(format!(" {k}"), t.key));
            spans.push(Span::raw(format!(" {label} ")));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales() {
        assert_eq!(sparkline(&[0, 0], 8), "▁▁");
        assert_eq!(sparkline(&[1, 2, 4], 8), "▃▅█");
        assert_eq!(sparkline(&[5; 20], 4).chars().count(), 4);
        assert_eq!(sparkline(&[], 4), "");
    }
}
