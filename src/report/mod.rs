//! Views that print: one file per format. They only render what the pipeline produced.

pub mod inventory;
pub mod json;
pub mod markdown;
pub mod ndjson;
pub mod out;
pub mod text;

use crate::model::{Clock, Finding, Model, Severity};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    #[default]
    Text,
    Markdown,
    Json,
    /// JSON on one line: the report as one NDJSON record (for log shippers); `watch` writes
    /// one event per line.
    Ndjson,
}

/// How to render.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub clock: Clock,
    pub generated_at: DateTime<Utc>,
    /// Show message bodies, subjects and previews.
    pub show_content: bool,
    /// ANSI colour in text output.
    pub color: bool,
    /// The machine and user the report is about (JSON `host`, `user`), read by the caller.
    pub origin: ndjson::Origin,
}

/// What a report shows: the model and what the rules concluded about it.
pub struct Report<'a> {
    pub model: &'a Model,
    pub findings: &'a [Finding],
    pub opts: &'a ReportOptions,
}

impl Report<'_> {
    pub fn count(&self, sev: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == sev).count()
    }

    /// Render in `format` to `w`.
    pub fn write(&self, format: ReportFormat, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        match format {
            ReportFormat::Text => text::write(self, w),
            ReportFormat::Markdown => markdown::write(self, w),
            ReportFormat::Json => json::write(self, w),
            ReportFormat::Ndjson => json::write_line(self, w),
        }
    }

    /// `findings: 2 critical, 1 warning, 0 info`
    pub fn findings_summary(&self) -> String {
        format!(
            "findings: {} critical, {} warning, {} info",
            self.count(Severity::Critical),
            self.count(Severity::Warning),
            self.count(Severity::Info)
        )
    }

    /// The header line of text and Markdown reports.
    pub fn totals_line(&self) -> String {
        let m = self.model;
        let n =
            |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        format!(
            "{} · {} · {} stuck · {}",
            n(m.accounts.len(), "account", "accounts"),
            n(m.items.len(), "item", "items"),
            m.stuck_count(self.opts.clock),
            self.findings_summary()
        )
    }
}
