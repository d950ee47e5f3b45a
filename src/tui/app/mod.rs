//! The app: all UI state and one `update(event)` that changes it (Elm style). Pure: no
//! terminal, no disk, no clock reads — the time arrives in `Event::Tick`, side effects leave as
//! [`Cmd`]s for the runtime to carry out. Key-handling tests drive `update` directly.
//!
//! Split by responsibility: the vocabulary and the state live here; `derived` keeps the
//! cached views (item rows, "Why" rows, counts, severities), `log_view` the log timeline
//! (filters, search, jumps), `input` turns events and keys into state changes and
//! [`Cmd`]s, `ticket` writes the text `y` copies.

mod derived;
mod input;
mod log_view;
mod ticket;

pub use derived::Derived;
pub use log_view::{
    event_text, is_problem, level_rank, shown_excerpt, KindFilter, LevelFilter, LogState, Search,
    LIVE_SEARCH_ROWS,
};

use super::keys::KeyMap;
use super::theme::Theme;
use crate::diagnose::{self, Context, RuleSettings};
use crate::model::{Clock, Finding, Model};
use crate::report::ReportFormat;
use crate::sanitize;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Rows a page key moves.
pub const PAGE: usize = 10;
/// Samples of the stuck count kept for the sparkline.
pub const HISTORY: usize = 240;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Overview,
    Findings,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Accounts,
    Items,
    Why,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Age,
    Size,
    State,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Age => "age",
            SortKey::Size => "size",
            SortKey::State => "state",
        }
    }
}

/// Identifies a finding across re-diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingKey {
    pub rule: String,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub account_dir: Option<std::path::PathBuf>,
}

impl FindingKey {
    fn of(f: &Finding) -> Self {
        FindingKey {
            rule: f.rule.clone(),
            account: f.account.clone(),
            profile: f.profile.clone(),
            account_dir: f.account_dir.clone(),
        }
    }
    pub(crate) fn is(&self, f: &Finding) -> bool {
        self.rule == f.rule
            && self.account == f.account
            && self.profile == f.profile
            && self.account_dir == f.account_dir
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportStage {
    Format,
    Path { format: ReportFormat, input: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    None,
    Help {
        scroll: u16,
    },
    /// An item's details; `sel` is the selected row of its chain (`⏎` opens its raw line).
    Item {
        path: PathBuf,
        scroll: u16,
        sel: usize,
    },
    Finding {
        key: FindingKey,
        sel: usize,
    },
    Export(ExportStage),
    /// The files the scan could not read (errors) and those it did not recognise (ignored).
    Errors {
        scroll: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanStatus {
    Idle,
    Running { done: usize, total: usize },
}

/// Side effects for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    Rescan,
    /// Ctrl-Z: give the terminal back and stop until the shell continues the view (Unix).
    Suspend,
    /// Re-read these changed paths (spooled files at once; logs through `reload_logs`).
    Apply(Vec<PathBuf>),
    /// Watch these folders (replacing the current watcher).
    Watch(Vec<PathBuf>),
    Export {
        path: PathBuf,
        format: ReportFormat,
    },
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Open the raw lines of this log file at this (1-based) line.
    OpenRaw {
        path: PathBuf,
        line: u64,
    },
}

pub struct App {
    pub model: Model,
    pub findings: Vec<Finding>,
    pub clock: Clock,
    /// The clock the rules last ran at, and when their results can next change on an
    /// unchanged model ([`diagnose::judge_again_at`]): a tick reaching it runs them again, so a
    /// stuck item turns `spool-stuck` critical, or a skewed clock's finding resolves, on time.
    judged_at: Option<DateTime<Utc>>,
    judge_due: Option<DateTime<Utc>>,
    /// `--now`: the clock never moves.
    pub frozen: bool,
    pub rules: RuleSettings,
    pub roots: Vec<PathBuf>,
    pub keymap: KeyMap,
    pub theme: Theme,
    pub view: View,
    pub pane: Pane,
    pub popup: Popup,
    pub account_sel: usize,
    pub all_accounts: bool,
    pub item_sel: usize,
    pub why_sel: usize,
    pub findings_sel: usize,
    pub sort: SortKey,
    /// Oldest / largest / worst first.
    pub sort_desc: bool,
    /// Message content (subjects, previews) shown.
    pub reveal: bool,
    pub log: LogState,
    pub scan: ScanStatus,
    /// A scan's model has been installed. Until then the panes say "scanning…" and `w` writes
    /// nothing: an empty model read as a report would be a false all-clear.
    pub loaded: bool,
    pub spinner: usize,
    /// "native", "poll 2s", "starting…".
    pub watch_label: String,
    pub watched_folders: usize,
    pub stuck_history: Vec<u64>,
    pub status: Option<String>,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Derived views, recomputed only when what they depend on changes (never per frame).
    pub cache: Derived,
}

impl App {
    pub fn new(
        clock: Clock,
        frozen: bool,
        roots: Vec<PathBuf>,
        keymap: KeyMap,
        theme: Theme,
    ) -> App {
        App {
            model: Model::default(),
            findings: Vec::new(),
            clock,
            judged_at: None,
            judge_due: None,
            frozen,
            rules: RuleSettings::default(),
            roots,
            keymap,
            theme,
            view: View::Overview,
            pane: Pane::Items,
            popup: Popup::None,
            account_sel: 0,
            all_accounts: false,
            item_sel: 0,
            why_sel: 0,
            findings_sel: 0,
            sort: SortKey::Age,
            sort_desc: true,
            reveal: false,
            log: LogState {
                order: Vec::new(),
                sel: 0,
                follow: false,
                level: LevelFilter::All,
                kind: KindFilter::All,
                search: Search::default(),
                minutes: Vec::new(),
                minutes_exact: false,
                minutes_outside: 0,
                raw: None,
                anchor: None,
            },
            scan: ScanStatus::Idle,
            loaded: false,
            spinner: 0,
            watch_label: "starting…".into(),
            watched_folders: 0,
            stuck_history: Vec::new(),
            status: None,
            quit: false,
            dirty: true,
            cache: Derived::default(),
        }
    }

    /// Replace the model (after a scan) and recompute everything derived from it.
    pub fn set_model(&mut self, model: Model) {
        let selected = self
            .selected_account()
            .map(|a| (a.address.clone(), a.dir.clone()));
        self.anchor_log_selection();
        self.model = model;
        self.loaded = true;
        if let Some((addr, dir)) = selected {
            if let Some(i) = self
                .model
                .accounts
                .iter()
                .position(|a| a.address == addr && a.dir == dir)
            {
                self.account_sel = i;
            }
        }
        self.refresh();
    }

    /// Re-run the rules and recompute views after the model changed.
    pub fn refresh(&mut self) {
        // The model may have changed in any way: group the events again.
        self.cache
            .index_events(&self.model.events, self.model.accounts.len());
        self.judge();
        self.recompute_log();
        self.recompute_counts();
        self.recompute_views();
        self.clamp();
        self.sample_stuck();
        if let Popup::Finding { key, .. } = &self.popup {
            if !self.findings.iter().any(|f| key.is(f)) {
                self.popup = Popup::None;
            }
        }
        self.dirty = true;
    }

    /// Run the rules on the model at the current clock.
    fn judge(&mut self) {
        self.findings = diagnose::diagnose(&Context {
            model: &self.model,
            clock: self.clock,
            settings: &self.rules,
        });
        self.judged_at = Some(self.clock.now);
        self.judge_due = diagnose::judge_again_at(&self.model, self.clock);
    }

    /// Whether the findings at the current clock may differ from those of the last run of the
    /// rules on an unchanged model: a moment [`diagnose::judge_again_at`] named was reached,
    /// or the clock went back.
    fn judge_is_due(&self) -> bool {
        let now = self.clock.now;
        self.judged_at.is_none_or(|t| now < t) || self.judge_due.is_some_and(|d| now >= d)
    }

    fn sample_stuck(&mut self) {
        let n = self.cache.stuck as u64;
        self.stuck_history.push(n);
        if self.stuck_history.len() > HISTORY {
            let cut = self.stuck_history.len() - HISTORY;
            self.stuck_history.drain(..cut);
        }
    }

    fn clamp(&mut self) {
        let na = self.model.accounts.len();
        self.account_sel = self.account_sel.min(na.saturating_sub(1));
        self.item_sel = self
            .item_sel
            .min(self.visible_items().len().saturating_sub(1));
        self.why_sel = self
            .why_sel
            .min(self.why_findings().len().saturating_sub(1));
        self.findings_sel = self.findings_sel.min(self.findings.len().saturating_sub(1));
        let nl = self.log.order.len();
        if self.log.follow {
            self.log.sel = nl.saturating_sub(1);
        }
        self.log.sel = self.log.sel.min(nl.saturating_sub(1));
    }

    pub fn selected_account(&self) -> Option<&crate::model::Account> {
        self.model.accounts.get(self.account_sel)
    }

    /// Totals for the header: accounts, items, stuck, findings by severity.
    pub fn totals(&self) -> (usize, usize, usize, [usize; 3]) {
        let mut sev = [0; 3];
        for f in &self.findings {
            sev[f.severity as usize] += 1;
        }
        (
            self.model.accounts.len(),
            self.model.items.len(),
            self.cache.stuck,
            sev,
        )
    }

    /// A path as shown on screen: relative to the scanned root it lies under, sanitised.
    pub fn display_path(&self, p: &std::path::Path) -> String {
        let rel = self
            .roots
            .iter()
            .find_map(|r| p.strip_prefix(r).ok().filter(|x| !x.as_os_str().is_empty()));
        sanitize::line(&rel.unwrap_or(p).to_string_lossy()).into_owned()
    }

    /// When the current time is, as shown in the header.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now
    }
}
