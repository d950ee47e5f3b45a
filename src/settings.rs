//! Resolved settings: what a run uses after flags, the config file and defaults are layered
//! (the layering itself is the CLI's; nothing here knows about flags).

use crate::clock::Zone;
use crate::config::{ColorChoice, FailOn};
use crate::diagnose;
use crate::model::Clock;
use crate::report::ReportFormat;
use crate::source::ScanConfig;
use std::path::PathBuf;
use std::time::Duration;

/// Settings after flags, config file and defaults are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub clock: Clock,
    pub show_content: bool,
    pub format: ReportFormat,
    pub color: ColorChoice,
    pub fail_on: FailOn,
    pub profiles_root: Option<PathBuf>,
    /// Whether `now` was pinned (`--now`); a live view then keeps the clock frozen.
    pub frozen: bool,
    pub scan: ScanConfig,
    pub rules: diagnose::RuleSettings,
    /// Interactive view: polling interval (`--poll`), or native watching.
    pub poll: Option<Duration>,
    pub theme: crate::tui::theme::ThemeName,
    pub mouse: bool,
    /// Key overrides from the config file's `[keys]` table.
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
    /// The zone times are printed in (`--time-zone`, config `time_zone`), when one was given.
    /// Unset, reports print UTC and the interactive view the workstation's local zone.
    pub time_zone: Option<Zone>,
    /// What an output may not touch besides the roots: files named as inputs and folders
    /// scanned without being roots (see `source::output`).
    pub protected: crate::source::output::Protected,
}

impl Settings {
    /// The zone reports (text, Markdown, JSON titles, `watch`) print times in: UTC unless set.
    pub fn report_zone(&self) -> Zone {
        self.time_zone.unwrap_or(Zone::Utc)
    }

    /// The zone the interactive view prints times in: this machine's unless set.
    pub fn tui_zone(&self) -> Zone {
        self.time_zone.unwrap_or(Zone::Local)
    }

    /// Colour decision for a stream (see [`color_enabled`]).
    pub fn use_color(&self, is_terminal: bool) -> bool {
        color_enabled(self.color, is_terminal)
    }
}

/// Colour decision for a stream: `auto` means a terminal, `NO_COLOR` unset, `TERM` not dumb.
pub fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
        }
    }
}
