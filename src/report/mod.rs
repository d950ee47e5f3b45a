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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
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
    /// The zone text and Markdown print times in (`--time-zone`; UTC by default). JSON keeps
    /// RFC 3339 with each time's own offset.
    pub zone: crate::clock::Zone,
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

/// One link of an item's chain as a line: time relative to the item's write time
/// (`−8m59s`), what happened, where (`file:line`), and why it was linked.
pub fn chain_line(
    e: &crate::model::Evidence,
    written: Option<chrono::DateTime<chrono::Utc>>,
    file: &str,
) -> String {
    let rel = match (e.time, written) {
        (Some(t), Some(w)) => relative(t.with_timezone(&chrono::Utc) - w),
        _ => "      ?".into(),
    };
    let mut s = format!("{rel:>7}  {}", e.excerpt.as_deref().unwrap_or(""));
    s.push_str(&format!(" · {file}"));
    if let Some(l) = e.line {
        s.push_str(&format!(":{l}"));
    }
    if let Some(k) = e.link {
        s.push_str(&format!(" [{}]", k.as_str()));
    }
    s
}

/// A signed duration as `−8m59s`, `+12s`, `−1h02m`.
pub fn relative(d: chrono::Duration) -> String {
    let sign = if d < chrono::Duration::zero() {
        '\u{2212}'
    } else {
        '+'
    };
    let s = d.num_seconds().unsigned_abs();
    match s {
        0..=59 => format!("{sign}{s}s"),
        60..=3599 => format!("{sign}{}m{:02}s", s / 60, s % 60),
        _ => format!("{sign}{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod chain_tests {
    #[test]
    fn relative_times_read_like_a_clock() {
        let r = |s| super::relative(chrono::Duration::seconds(s));
        assert_eq!(r(-539), "\u{2212}8m59s");
        assert_eq!(r(12), "+12s");
        assert_eq!(r(-3720), "\u{2212}1h02m");
    }
}
