//! The export prompt: format first, then a file name.

use super::{centered, popup_frame, title};
use crate::report::ReportFormat;
use crate::tui::app::{App, ExportStage};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render_export(f: &mut Frame, area: Rect, app: &App, stage: &ExportStage) {
    let t = &app.theme;
    let lines = match stage {
        ExportStage::Format => vec![
            Line::raw("Write the current report to a file."),
            Line::from(vec![
                Span::styled(" m ", t.key),
                Span::raw("Markdown (for a ticket)   "),
                Span::styled(" j ", t.key),
                Span::raw("JSON   "),
                Span::styled(" Esc ", t.key),
                Span::raw("cancel"),
            ]),
        ],
        ExportStage::Path { format, input } => vec![
            Line::raw(format!(
                "{} report to (never inside a scanned folder):",
                match format {
                    ReportFormat::Json | ReportFormat::Ndjson => "JSON",
                    ReportFormat::Markdown => "Markdown",
                    ReportFormat::Text => "Text",
                }
            )),
            Line::from(vec![
                Span::styled("> ", t.key),
                Span::raw(crate::sanitize::line(input).into_owned()),
                Span::styled("▏", t.key),
            ]),
            Line::from(Span::styled("⏎ write · Esc cancel · ^U clear", t.dim)),
        ],
    };
    let r = centered(area, 64, lines.len() as u16 + 2);
    let inner = popup_frame(f, r, title("Export".into(), t), t);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
