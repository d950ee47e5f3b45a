//! The app: all UI state and one `update(event)` that changes it (Elm style). Pure: no
//! terminal, no disk, no clock reads — the time arrives in `Event::Tick`, side effects leave as
//! [`Cmd`]s for the runtime to carry out. Key-handling tests drive `update` directly.

use super::event::{Event, SourceEvent};
use super::keys::{Action, KeyMap};
use super::theme::Theme;
use crate::diagnose::{self, Context, RuleSettings};
use crate::model::{AccountStats, Clock, EventKind, Finding, ItemState, LogEvent, Model, Severity};
use crate::report::ReportFormat;
use crate::sanitize;
use crate::source::scan::Scan;
use crate::source::watch;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};
use regex::Regex;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelFilter {
    All,
    Info,
    Warn,
    Error,
}

impl LevelFilter {
    pub fn label(self) -> &'static str {
        match self {
            LevelFilter::All => "all levels",
            LevelFilter::Info => "level ≥ INFO",
            LevelFilter::Warn => "level ≥ WARN",
            LevelFilter::Error => "level ERROR",
        }
    }
    fn min_rank(self) -> u8 {
        match self {
            LevelFilter::All => 0,
            LevelFilter::Info => 1,
            LevelFilter::Warn => 2,
            LevelFilter::Error => 3,
        }
    }
    fn next(self) -> Self {
        match self {
            LevelFilter::All => LevelFilter::Info,
            LevelFilter::Info => LevelFilter::Warn,
            LevelFilter::Warn => LevelFilter::Error,
            LevelFilter::Error => LevelFilter::All,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindFilter {
    All,
    Ews,
    Sip,
    Problems,
}

impl KindFilter {
    pub fn label(self) -> &'static str {
        match self {
            KindFilter::All => "all kinds",
            KindFilter::Ews => "EWS",
            KindFilter::Sip => "SIP",
            KindFilter::Problems => "problems",
        }
    }
    fn next(self) -> Self {
        match self {
            KindFilter::All => KindFilter::Ews,
            KindFilter::Ews => KindFilter::Sip,
            KindFilter::Sip => KindFilter::Problems,
            KindFilter::Problems => KindFilter::All,
        }
    }
    fn accepts(self, e: &LogEvent) -> bool {
        match self {
            KindFilter::All => true,
            KindFilter::Ews => matches!(
                e.kind,
                EventKind::EwsRequest
                    | EventKind::EwsFailure
                    | EventKind::Autodiscover
                    | EventKind::SoapFault
                    | EventKind::HttpStatus
            ),
            KindFilter::Sip => matches!(e.kind, EventKind::SipRequest | EventKind::SipResponse),
            KindFilter::Problems => is_problem(e),
        }
    }
}

/// 0 trace/verbose, 1 info (or no level), 2 warning, 3 error.
pub fn level_rank(e: &LogEvent) -> u8 {
    let Some(l) = e.level.as_deref() else {
        return 1;
    };
    let is = |words: &[&str]| words.iter().any(|w| l.eq_ignore_ascii_case(w));
    if is(&["ERROR", "ERR", "FATAL", "CRITICAL"]) {
        3
    } else if is(&["WARN", "WARNING"]) {
        2
    } else if is(&["TRACE", "VERBOSE", "DEBUG"]) {
        0
    } else {
        1
    }
}

/// An error or an EWS failure: what `e`/`E` jump to.
pub fn is_problem(e: &LogEvent) -> bool {
    level_rank(e) >= 3
        || matches!(
            e.kind,
            EventKind::EwsFailure | EventKind::Error | EventKind::SoapFault
        )
        || (e.kind == EventKind::HttpStatus
            && e.values
                .get("status")
                .and_then(|s| s.parse::<u16>().ok())
                .is_some_and(|s| s >= 400))
}

/// The text a log row shows (and search looks at), already sanitised; message content in it
/// (subjects, bodies) is masked unless the user revealed it.
pub fn event_text(e: &LogEvent, reveal: bool) -> String {
    shown_excerpt(&e.excerpt, reveal)
}

/// A log excerpt as the screen may show it: sanitised, content masked unless `reveal`.
pub fn shown_excerpt(text: &str, reveal: bool) -> String {
    if reveal {
        sanitize::line(text).into_owned()
    } else {
        sanitize::line(&crate::redact::mask_content(text)).into_owned()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Search {
    pub input: String,
    pub editing: bool,
    pub regex: Option<Regex>,
    pub error: Option<String>,
    /// Positions (in `LogState::order`) of rows that match.
    pub matches: Vec<usize>,
    /// `matches` not computed yet (typing over more than [`LIVE_SEARCH_ROWS`] rows).
    pub stale: bool,
}

/// Up to this many log rows, search matches are counted as you type; above, on Enter.
pub const LIVE_SEARCH_ROWS: usize = 200_000;

#[derive(Debug, Clone)]
pub struct LogState {
    /// Indices into `model.events` of the rows shown, in time order.
    pub order: Vec<usize>,
    /// Selected row (a position in `order`).
    pub sel: usize,
    pub follow: bool,
    pub level: LevelFilter,
    pub kind: KindFilter,
    pub search: Search,
    /// Per-minute counts of the rows in `order`: (minute since epoch, events, problems), in
    /// minute order. Computed with `order`, so the histogram never walks the events per frame.
    pub minutes: Vec<(i64, u32, u32)>,
    /// The raw lines of one log file, when open (Enter or `v` on an event).
    pub raw: Option<super::rawlog::RawView>,
}

/// Identifies a finding across re-diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingKey {
    pub rule: String,
    pub account: Option<String>,
    pub profile: Option<String>,
}

impl FindingKey {
    fn of(f: &Finding) -> Self {
        FindingKey {
            rule: f.rule.clone(),
            account: f.account.clone(),
            profile: f.profile.clone(),
        }
    }
    fn is(&self, f: &Finding) -> bool {
        self.rule == f.rule && self.account == f.account && self.profile == f.profile
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
    Help { scroll: u16 },
    Item { path: PathBuf, scroll: u16 },
    Finding { key: FindingKey, sel: usize },
    Export(ExportStage),
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

/// What the views show, derived from the model and the UI state. Rendering reads these and
/// touches only the rows on screen, so a frame costs the same with 10 or 100 000 items.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// Rows of the items table (indices into `model.items`), filtered and sorted.
    pub items: Vec<usize>,
    /// Rows of the "Why" pane (indices into `findings`).
    pub why: Vec<usize>,
    /// Per-account counts at `clock` (recomputed each second the clock moves).
    pub stats: Vec<AccountStats>,
    /// Worst severity among each account's findings.
    pub severity: Vec<Option<Severity>>,
    /// Stuck items over all accounts at `clock`.
    pub stuck: usize,
    /// Indices of each account's items (model order), and `model.items.len()` when built.
    pub items_by_account: Vec<Vec<usize>>,
    pub items_for: usize,
    /// Indices of each account's log events, and of events tied to no account (model order).
    pub events_by_account: Vec<Vec<usize>>,
    pub events_unassigned: Vec<usize>,
    /// `model.events.len()` when the two lists above were built.
    pub events_for: usize,
}

impl Derived {
    /// Group the events by account, in one pass.
    fn index_events(&mut self, ev: &[LogEvent], accounts: usize) {
        self.events_by_account = vec![Vec::new(); accounts];
        self.events_unassigned.clear();
        for (i, e) in ev.iter().enumerate() {
            match e.account.and_then(|a| self.events_by_account.get_mut(a)) {
                Some(v) => v.push(i),
                None => self.events_unassigned.push(i),
            }
        }
        self.events_for = ev.len();
    }
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
                raw: None,
            },
            scan: ScanStatus::Idle,
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
        self.model = model;
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
        self.findings = diagnose::diagnose(&Context {
            model: &self.model,
            clock: self.clock,
            settings: &self.rules,
        });
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

    /// Items shown in the items table (indices into `model.items`), sorted. Cached.
    pub fn visible_items(&self) -> &[usize] {
        &self.cache.items
    }

    /// Recompute the cached item rows, "Why" rows and account severities (after the model,
    /// the findings, the account, the scope or the sort changed).
    pub fn recompute_views(&mut self) {
        let items = &self.model.items;
        if self.cache.items_for != items.len() {
            self.recompute_counts();
        }
        let items = &self.model.items;
        // From the per-account lists: no walk over every item when one account is shown.
        let v: Vec<usize> = if self.all_accounts {
            (0..items.len()).collect()
        } else {
            self.cache
                .items_by_account
                .get(self.account_sel)
                .cloned()
                .unwrap_or_default()
        };
        let now = self.clock.now;
        let rank = |s: ItemState| match s {
            ItemState::Stuck => 4,
            ItemState::ClockSkew => 3,
            ItemState::Pending => 2,
            ItemState::Unknown => 1,
            ItemState::Ignored => 0,
        };
        let age = |i: &crate::model::Item| i.age_secs(now).unwrap_or(i64::MIN);
        // Keys computed once per shown item, not once per comparison.
        let mut keyed: Vec<((i64, u64, u8), usize)> = v
            .into_iter()
            .map(|i| {
                let it = &items[i];
                ((age(it), it.size, rank(it.state(self.clock))), i)
            })
            .collect();
        keyed.sort_by(|(x, a), (y, b)| {
            let ord = match self.sort {
                SortKey::Age => x.0.cmp(&y.0),
                SortKey::Size => x.1.cmp(&y.1),
                SortKey::State => x.2.cmp(&y.2).then_with(|| x.0.cmp(&y.0)),
            };
            let ord = if self.sort_desc { ord.reverse() } else { ord };
            ord.then_with(|| items[*a].path.cmp(&items[*b].path))
        });
        self.cache.items = keyed.into_iter().map(|(_, i)| i).collect();
        self.cache.why = self.compute_why();
        self.cache.severity = self.compute_severities();
    }

    /// Recompute the per-account counts and the stuck total at the current clock: one pass
    /// over the items.
    pub fn recompute_counts(&mut self) {
        let mut stats = vec![AccountStats::default(); self.model.accounts.len()];
        let mut by_account = vec![Vec::new(); self.model.accounts.len()];
        let mut stuck = 0;
        for (i, it) in self.model.items.iter().enumerate() {
            if let Some(v) = by_account.get_mut(it.account) {
                v.push(i);
            }
            let st = it.state(self.clock);
            if st == ItemState::Stuck {
                stuck += 1;
            }
            let Some(s) = stats.get_mut(it.account) else {
                continue;
            };
            s.items += 1;
            match st {
                ItemState::Stuck => s.stuck += 1,
                ItemState::Pending => s.pending += 1,
                ItemState::ClockSkew => s.skewed += 1,
                _ => {}
            }
            if !it.ignorable {
                if let Some(a) = it.age_secs(self.clock.now) {
                    s.oldest_age_secs = Some(s.oldest_age_secs.map_or(a, |o: i64| o.max(a)));
                }
            }
        }
        self.cache.stats = stats;
        self.cache.stuck = stuck;
        self.cache.items_by_account = by_account;
        self.cache.items_for = self.model.items.len();
    }

    /// Counts for account `idx` (cached).
    pub fn account_stats(&self, idx: usize) -> AccountStats {
        self.cache.stats.get(idx).copied().unwrap_or_default()
    }

    /// The item under the cursor in the items table.
    pub fn selected_item(&self) -> Option<usize> {
        self.visible_items().get(self.item_sel).copied()
    }

    /// Findings for the "Why" pane: the selected account's (or all). Cached.
    pub fn why_findings(&self) -> &[usize] {
        &self.cache.why
    }

    fn compute_why(&self) -> Vec<usize> {
        let acc = self.selected_account();
        (0..self.findings.len())
            .filter(|&i| {
                let f = &self.findings[i];
                if self.all_accounts {
                    return true;
                }
                match (acc, &f.account) {
                    (_, None) => true,
                    (Some(a), Some(fa)) => {
                        fa == &a.address && (f.profile.is_none() || f.profile == a.profile)
                    }
                    (None, Some(_)) => false,
                }
            })
            .collect()
    }

    /// The worst severity among an account's findings (cached).
    pub fn account_severity(&self, idx: usize) -> Option<Severity> {
        self.cache.severity.get(idx).copied().flatten()
    }

    /// Every account's worst severity, in one pass over the findings.
    fn compute_severities(&self) -> Vec<Option<Severity>> {
        let mut by_addr: std::collections::HashMap<&str, Vec<&Finding>> =
            std::collections::HashMap::new();
        for f in &self.findings {
            if let Some(a) = f.account.as_deref() {
                by_addr.entry(a).or_default().push(f);
            }
        }
        self.model
            .accounts
            .iter()
            .map(|a| {
                by_addr
                    .get(a.address.as_str())?
                    .iter()
                    .filter(|f| f.profile.is_none() || f.profile == a.profile)
                    .map(|f| f.severity)
                    .max()
            })
            .collect()
    }

    /// The finding under the cursor, in whichever view shows findings.
    pub fn selected_finding(&self) -> Option<&Finding> {
        if let Popup::Finding { key, .. } = &self.popup {
            return self.findings.iter().find(|f| key.is(f));
        }
        match self.view {
            View::Findings => self.findings.get(self.findings_sel),
            View::Overview => self
                .why_findings()
                .get(self.why_sel)
                .and_then(|&i| self.findings.get(i)),
            View::Log => None,
        }
    }

    /// Recompute the log rows (scope, filters, order) and the search matches.
    pub fn recompute_log(&mut self) {
        let acc = if self.all_accounts {
            None
        } else {
            self.selected_account()
                .map(|a| (self.account_sel, a.profile.clone()))
        };
        let min = self.log.level.min_rank();
        let kind = self.log.kind;
        let ev = &self.model.events;
        if self.cache.events_for != ev.len() {
            self.cache.index_events(ev, self.model.accounts.len());
        }
        let keep = |e: &LogEvent| level_rank(e) >= min && kind.accepts(e);
        let mut order: Vec<usize> = match &acc {
            None => (0..ev.len()).filter(|&i| keep(&ev[i])).collect(),
            Some((ai, profile)) => {
                // The account's own events plus those tied to no account (same or no
                // profile), merged back into model order.
                let own = self
                    .cache
                    .events_by_account
                    .get(*ai)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let shared = self
                    .cache
                    .events_unassigned
                    .iter()
                    .copied()
                    .filter(|&i| ev[i].profile.is_none() || ev[i].profile == *profile);
                let mut merged = Vec::with_capacity(own.len());
                let mut own = own.iter().copied().peekable();
                let mut shared = shared.peekable();
                loop {
                    let next = match (own.peek(), shared.peek()) {
                        (Some(&a), Some(&b)) if a < b => own.next(),
                        (Some(_), Some(_)) | (None, Some(_)) => shared.next(),
                        (Some(_), None) => own.next(),
                        (None, None) => break,
                    };
                    if let Some(i) = next.filter(|&i| keep(&ev[i])) {
                        merged.push(i);
                    }
                }
                merged
            }
        };
        let cmp = |a: &usize, b: &usize| {
            let (x, y) = (&ev[*a], &ev[*b]);
            (x.time.is_none(), x.time)
                .cmp(&(y.time.is_none(), y.time))
                .then_with(|| (&x.path, x.line).cmp(&(&y.path, y.line)))
        };
        // The model keeps events in time order: usually one check, no sort.
        if !order.is_sorted_by(|a, b| cmp(a, b).is_le()) {
            order.sort_by(cmp);
        }
        // One row per log line: when several markers classified the same line, its events
        // sit side by side; keep the one that matters most (a problem first, then the level).
        let weight = |i: usize| (is_problem(&ev[i]), level_rank(&ev[i]));
        order.dedup_by(|b, a| {
            let same = (&ev[*a].path, ev[*a].line) == (&ev[*b].path, ev[*b].line);
            if same && weight(*b) > weight(*a) {
                *a = *b;
            }
            same
        });
        let mut minutes: Vec<(i64, u32, u32)> = Vec::new();
        for &i in &order {
            let e = &ev[i];
            let Some(t) = e.time else { continue };
            let m = t.timestamp().div_euclid(60);
            let p = u32::from(is_problem(e));
            match minutes.last_mut() {
                Some(last) if last.0 == m => {
                    last.1 += 1;
                    last.2 += p;
                }
                _ => minutes.push((m, 1, p)),
            }
        }
        // Times sort by instant, but equal minutes can still be split by `None` rows or
        // offsets: merge so each minute appears once.
        minutes.sort_by_key(|x| x.0);
        minutes.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                a.2 += b.2;
                true
            } else {
                false
            }
        });
        self.log.minutes = minutes;
        let old_event = self.log.order.get(self.log.sel).copied();
        self.log.order = order;
        if let Some(e) = old_event {
            // The same event, or (when it was folded into another of its line) its line.
            let same_line = |i: usize| {
                let (a, b) = (&self.model.events[i], &self.model.events[e]);
                (&a.path, a.line) == (&b.path, b.line)
            };
            if let Some(p) = self
                .log
                .order
                .iter()
                .position(|&i| i == e)
                .or_else(|| self.log.order.iter().position(|&i| same_line(i)))
            {
                self.log.sel = p;
            }
        }
        if self.log.follow {
            self.log.sel = self.log.order.len().saturating_sub(1);
        }
        self.log.sel = self.log.sel.min(self.log.order.len().saturating_sub(1));
        self.recompute_matches();
    }

    fn recompute_matches(&mut self) {
        let ev = &self.model.events;
        let reveal = self.reveal;
        // Typing over a big timeline: the rows on screen are highlighted as you type, the
        // full match list is computed once, on Enter.
        let stale = self.log.search.editing
            && self.log.search.regex.is_some()
            && self.log.order.len() > LIVE_SEARCH_ROWS;
        self.log.search.stale = stale;
        self.log.search.matches = match &self.log.search.regex {
            Some(re) if !stale => self
                .log
                .order
                .iter()
                .enumerate()
                .filter(|(_, &i)| re.is_match(&event_text(&ev[i], reveal)))
                .map(|(p, _)| p)
                .collect(),
            _ => Vec::new(),
        };
    }

    fn compile_search(&mut self) {
        let input = self.log.search.input.clone();
        if input.is_empty() {
            self.log.search.regex = None;
            self.log.search.error = None;
        } else {
            // Smart case: case-insensitive unless the pattern has a capital letter.
            let pat = if input.chars().any(char::is_uppercase) {
                input
            } else {
                format!("(?i){input}")
            };
            match regex::RegexBuilder::new(&pat).size_limit(1 << 20).build() {
                Ok(re) => {
                    self.log.search.regex = Some(re);
                    self.log.search.error = None;
                }
                Err(_) => {
                    self.log.search.regex = None;
                    self.log.search.error = Some("invalid regex".into());
                }
            }
        }
        self.recompute_matches();
    }

    /// Move to the next (or previous) search match from the cursor; wraps around.
    pub fn jump_match(&mut self, forward: bool) {
        let m = &self.log.search.matches;
        if m.is_empty() {
            self.status = Some(if self.log.search.regex.is_some() {
                "no match".into()
            } else {
                "no search: press / to search".into()
            });
            return;
        }
        let cur = self.log.sel;
        let target = if forward {
            m.iter().copied().find(|&p| p > cur).unwrap_or(m[0])
        } else {
            m.iter()
                .rev()
                .copied()
                .find(|&p| p < cur)
                .unwrap_or(m[m.len() - 1])
        };
        self.log.sel = target;
        self.log.follow = false;
    }

    /// Move to the next (or previous) error / EWS failure; does not wrap.
    pub fn jump_error(&mut self, forward: bool) {
        let ev = &self.model.events;
        let order = &self.log.order;
        let cur = self.log.sel;
        let found = if forward {
            (cur + 1..order.len()).find(|&p| is_problem(&ev[order[p]]))
        } else {
            (0..cur.min(order.len()))
                .rev()
                .find(|&p| is_problem(&ev[order[p]]))
        };
        match found {
            Some(p) => {
                self.log.sel = p;
                self.log.follow = false;
            }
            None => {
                self.status = Some(if forward {
                    "no further error".into()
                } else {
                    "no earlier error".into()
                })
            }
        }
    }

    /// The text `y` copies for a finding: plain, sanitised, ready for a ticket.
    pub fn finding_text(f: &Finding, reveal: bool) -> String {
        let mut s = format!(
            "{} {} — {}",
            f.severity.word(),
            sanitize::line(&f.rule),
            sanitize::line(&f.title)
        );
        if let Some(a) = &f.account {
            s.push_str(&format!("\naccount   {}", sanitize::line(a)));
        }
        for e in &f.evidence {
            let loc = match e.line {
                Some(l) => format!("{}:{l}", e.path.display()),
                None => e.path.display().to_string(),
            };
            s.push_str(&format!("\nevidence  {}", sanitize::line(&loc)));
            if let Some(x) = &e.excerpt {
                s.push_str(&format!("  {}", shown_excerpt(x, reveal)));
            }
        }
        if !f.remediation.is_empty() {
            s.push_str(&format!("\nfix       {}", sanitize::line(&f.remediation)));
        }
        s
    }

    /// Apply one event. Returns the side effects the runtime must carry out.
    pub fn update(&mut self, ev: Event) -> Vec<Cmd> {
        match ev {
            Event::Tick(now) => {
                if let ScanStatus::Running { .. } = self.scan {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                if !self.frozen && now != self.clock.now {
                    let before = self.clock.now.timestamp();
                    self.clock.now = now;
                    if now.timestamp() != before {
                        // States can flip (pending → stuck): re-run the rules.
                        let stuck_before = self.cache.stuck;
                        self.recompute_counts();
                        self.sample_stuck();
                        if self.cache.stuck != stuck_before {
                            self.findings = diagnose::diagnose(&Context {
                                model: &self.model,
                                clock: self.clock,
                                settings: &self.rules,
                            });
                            self.recompute_views();
                            self.clamp();
                        }
                        self.dirty = true;
                    }
                }
                vec![]
            }
            Event::Resize(..) => {
                self.dirty = true;
                vec![]
            }
            Event::Quit => {
                self.quit = true;
                vec![]
            }
            Event::Mouse(m) => {
                let act = match m.kind {
                    MouseEventKind::ScrollUp => Some(Action::Up),
                    MouseEventKind::ScrollDown => Some(Action::Down),
                    _ => None,
                };
                match act {
                    Some(a) => self.act(a),
                    None => vec![],
                }
            }
            Event::Key(k) => {
                self.dirty = true;
                self.key(k)
            }
            Event::Source(s) => self.source(s),
        }
    }

    fn source(&mut self, s: SourceEvent) -> Vec<Cmd> {
        self.dirty = true;
        match s {
            SourceEvent::ScanStarted { roots } => {
                self.scan = ScanStatus::Running {
                    done: 0,
                    total: roots,
                };
                vec![]
            }
            SourceEvent::ScanProgress { done, total } => {
                self.scan = ScanStatus::Running { done, total };
                vec![]
            }
            SourceEvent::ScanDone(scan) | SourceEvent::LogsReloaded(scan) => {
                self.scan = ScanStatus::Idle;
                self.install_scan(*scan)
            }
            SourceEvent::LogsMerged(r, window) => {
                crate::pipeline::merge_logs(&mut self.model, *r, window);
                self.refresh();
                vec![]
            }
            SourceEvent::Watching {
                mode,
                folders,
                fallback,
            } => {
                self.watch_label = format!("watching ({mode})");
                self.watched_folders = folders;
                if let Some(r) = fallback {
                    self.status = Some(format!(
                        "native watching failed ({}); polling instead",
                        sanitize::cell(&r, 60)
                    ));
                }
                vec![]
            }
            SourceEvent::Changed(paths) => vec![Cmd::Apply(paths)],
            SourceEvent::WatchError(e) => {
                self.status = Some(format!("watch: {}", sanitize::cell(&e, 70)));
                vec![]
            }
        }
    }

    fn install_scan(&mut self, scan: Scan) -> Vec<Cmd> {
        let targets = watch::targets(&scan);
        self.set_model(scan.model);
        vec![Cmd::Watch(targets)]
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        // Text entry first: the search line and the export path take every printable key.
        if self.log.search.editing {
            self.search_key(k);
            return vec![];
        }
        if let Popup::Export(stage) = &self.popup {
            return self.export_key(stage.clone(), k);
        }
        let scope = if self.view == View::Log && self.log.raw.is_some() {
            super::keys::Scope::Raw
        } else {
            super::keys::Scope::Everywhere
        };
        match self.keymap.action_in(&k, scope) {
            Some(a) => {
                self.status = None;
                self.act(a)
            }
            None => vec![],
        }
    }

    fn search_key(&mut self, k: KeyEvent) {
        match k.code {
            KeyCode::Esc => {
                self.log.search.editing = false;
                self.log.search.input.clear();
                self.compile_search();
            }
            KeyCode::Enter => {
                self.log.search.editing = false;
                self.compile_search();
                if !self.log.search.matches.is_empty()
                    && self
                        .log
                        .search
                        .matches
                        .binary_search(&self.log.sel)
                        .is_err()
                {
                    self.jump_match(true);
                }
            }
            KeyCode::Backspace => {
                self.log.search.input.pop();
                self.compile_search();
            }
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                if self.log.search.input.chars().count() < 200 {
                    self.log.search.input.push(c);
                }
                self.compile_search();
            }
            _ => {}
        }
    }

    fn export_key(&mut self, stage: ExportStage, k: KeyEvent) -> Vec<Cmd> {
        match (stage, k.code) {
            (_, KeyCode::Esc) => self.popup = Popup::None,
            (ExportStage::Format, KeyCode::Char('m' | 'M') | KeyCode::Enter) => {
                self.popup = Popup::Export(ExportStage::Path {
                    format: ReportFormat::Markdown,
                    input: "spoolscope-report.md".into(),
                })
            }
            (ExportStage::Format, KeyCode::Char('j' | 'J')) => {
                self.popup = Popup::Export(ExportStage::Path {
                    format: ReportFormat::Json,
                    input: "spoolscope-report.json".into(),
                })
            }
            (ExportStage::Path { format, mut input }, code) => match code {
                KeyCode::Enter => {
                    self.popup = Popup::None;
                    if input.trim().is_empty() {
                        self.status = Some("export cancelled: no file name".into());
                        return vec![];
                    }
                    return vec![Cmd::Export {
                        path: PathBuf::from(input.trim()),
                        format,
                    }];
                }
                KeyCode::Backspace => {
                    input.pop();
                    self.popup = Popup::Export(ExportStage::Path { format, input });
                }
                KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    if input.chars().count() < 1024 {
                        input.push(c);
                    }
                    self.popup = Popup::Export(ExportStage::Path { format, input });
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.popup = Popup::Export(ExportStage::Path {
                        format,
                        input: String::new(),
                    });
                }
                _ => {}
            },
            _ => {}
        }
        vec![]
    }

    fn move_sel(sel: &mut usize, len: usize, delta: isize) {
        if len == 0 {
            *sel = 0;
            return;
        }
        let cur = (*sel).min(len - 1) as isize;
        *sel = (cur + delta).clamp(0, len as isize - 1) as usize;
    }

    /// Move the cursor of whatever has focus by `delta` rows.
    fn move_by(&mut self, delta: isize) {
        match &mut self.popup {
            Popup::Help { scroll } | Popup::Item { scroll, .. } => {
                *scroll = (*scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
                return;
            }
            Popup::Finding { key, sel } => {
                let n = self
                    .findings
                    .iter()
                    .find(|f| key.is(f))
                    .map(|f| f.evidence.len())
                    .unwrap_or(0);
                Self::move_sel(sel, n, delta);
                return;
            }
            Popup::Export(_) | Popup::None => {}
        }
        match self.view {
            View::Overview => match self.pane {
                Pane::Accounts => {
                    let before = self.account_sel;
                    Self::move_sel(&mut self.account_sel, self.model.accounts.len(), delta);
                    if before != self.account_sel && !self.all_accounts {
                        // (With all accounts shown, the rows do not depend on the account.)
                        self.item_sel = 0;
                        self.why_sel = 0;
                        self.recompute_views();
                        self.recompute_log();
                    }
                }
                Pane::Items => {
                    let n = self.visible_items().len();
                    Self::move_sel(&mut self.item_sel, n, delta);
                }
                Pane::Why => {
                    let n = self.why_findings().len();
                    Self::move_sel(&mut self.why_sel, n, delta);
                }
            },
            View::Findings => Self::move_sel(&mut self.findings_sel, self.findings.len(), delta),
            View::Log => {
                if let Some(raw) = &mut self.log.raw {
                    let n = raw.len();
                    Self::move_sel(&mut raw.sel, n, delta);
                    if delta < 0 {
                        raw.follow = false;
                    }
                    return;
                }
                Self::move_sel(&mut self.log.sel, self.log.order.len(), delta);
                if delta < 0 {
                    self.log.follow = false;
                }
            }
        }
    }

    /// Carry out an action.
    pub fn act(&mut self, a: Action) -> Vec<Cmd> {
        self.dirty = true;
        match a {
            Action::Quit => {
                if self.popup != Popup::None {
                    self.popup = Popup::None;
                } else {
                    self.quit = true;
                }
            }
            Action::Back => {
                if self.popup != Popup::None {
                    self.popup = Popup::None;
                } else if self.log.raw.is_some() && self.view == View::Log {
                    self.log.raw = None;
                } else if self.log.search.regex.is_some() && self.view == View::Log {
                    self.log.search = Search::default();
                } else {
                    self.view = View::Overview;
                }
            }
            Action::Help => {
                self.popup = match self.popup {
                    Popup::Help { .. } => Popup::None,
                    _ => Popup::Help { scroll: 0 },
                }
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(PAGE as isize)),
            Action::PageDown => self.move_by(PAGE as isize),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => {
                self.move_by(isize::MAX / 2);
                if self.view == View::Log && self.popup == Popup::None {
                    match &mut self.log.raw {
                        Some(raw) => raw.follow = true,
                        None => self.log.follow = true,
                    }
                }
            }
            Action::NextPane | Action::PrevPane => {
                let fwd = a == Action::NextPane;
                if self.view == View::Overview {
                    self.pane = match (self.pane, fwd) {
                        (Pane::Accounts, true) | (Pane::Why, false) => Pane::Items,
                        (Pane::Items, true) | (Pane::Accounts, false) => Pane::Why,
                        (Pane::Why, true) | (Pane::Items, false) => Pane::Accounts,
                    };
                } else {
                    self.view = match (self.view, fwd) {
                        (View::Findings, true) | (View::Overview, false) => View::Log,
                        (View::Log, true) | (View::Findings, false) => View::Overview,
                        (View::Overview, true) | (View::Log, false) => View::Findings,
                    };
                }
            }
            Action::Open => return self.open(),
            Action::ViewOverview => self.view = View::Overview,
            Action::ViewFindings => self.view = View::Findings,
            Action::ViewLog => self.view = View::Log,
            Action::Search => {
                self.view = View::Log;
                self.popup = Popup::None;
                self.log.search.editing = true;
                self.log.search.input.clear();
                self.compile_search();
            }
            Action::NextMatch => self.jump_match(true),
            Action::PrevMatch => self.jump_match(false),
            Action::NextError => {
                self.view = View::Log;
                self.jump_error(true)
            }
            Action::PrevError => {
                self.view = View::Log;
                self.jump_error(false)
            }
            Action::Follow if self.view == View::Log && self.log.raw.is_some() => {
                if let Some(raw) = &mut self.log.raw {
                    raw.follow = !raw.follow;
                    if raw.follow {
                        raw.sel = raw.len().saturating_sub(1);
                    }
                }
            }
            Action::RawLines => {
                if self.view == View::Log && self.log.raw.is_some() {
                    self.log.raw = None;
                } else {
                    self.view = View::Log;
                    return self.open_raw();
                }
            }
            Action::Follow => {
                self.log.follow = !self.log.follow;
                if self.log.follow {
                    self.log.sel = self.log.order.len().saturating_sub(1);
                }
            }
            Action::LevelFilter => {
                self.log.level = self.log.level.next();
                self.recompute_log();
            }
            Action::KindFilter => {
                self.log.kind = self.log.kind.next();
                self.recompute_log();
            }
            Action::Sort => {
                self.sort = match self.sort {
                    SortKey::Age => SortKey::Size,
                    SortKey::Size => SortKey::State,
                    SortKey::State => SortKey::Age,
                };
                self.item_sel = 0;
                self.recompute_views();
            }
            Action::Reverse => {
                self.sort_desc = !self.sort_desc;
                self.item_sel = 0;
                self.recompute_views();
            }
            Action::AllAccounts => {
                self.all_accounts = !self.all_accounts;
                self.item_sel = 0;
                self.why_sel = 0;
                self.recompute_views();
                self.recompute_log();
            }
            Action::Reveal => {
                self.reveal = !self.reveal;
                self.status = Some(if self.reveal {
                    "message content revealed (private): c hides it".into()
                } else {
                    "message content hidden".into()
                });
                // Search looks at what is shown.
                self.recompute_matches();
            }
            Action::Rescan => {
                self.status = Some("rescanning…".into());
                return vec![Cmd::Rescan];
            }
            Action::Export => self.popup = Popup::Export(ExportStage::Format),
            Action::ScrollLeft | Action::ScrollRight | Action::ColumnZero | Action::Wrap => {
                if let Some(raw) = &mut self.log.raw {
                    use super::rawlog::{HSCROLL_MAX, HSCROLL_STEP};
                    match a {
                        Action::ScrollLeft => raw.col = raw.col.saturating_sub(HSCROLL_STEP),
                        Action::ScrollRight => {
                            raw.col = (raw.col + HSCROLL_STEP).min(HSCROLL_MAX);
                        }
                        Action::ColumnZero => raw.col = 0,
                        _ => raw.wrap = !raw.wrap,
                    }
                }
            }
            Action::Copy => match self.selected_finding() {
                Some(f) => {
                    let text = Self::finding_text(f, self.reveal);
                    self.status = Some(format!("copied {} (OSC 52)", sanitize::cell(&f.rule, 40)));
                    return vec![Cmd::Copy(text)];
                }
                None => self.status = Some("select a finding to copy".into()),
            },
        }
        vec![]
    }

    fn open(&mut self) -> Vec<Cmd> {
        match &self.popup {
            Popup::Help { .. } => {
                self.popup = Popup::None;
                return vec![];
            }
            Popup::Finding { key, sel } => {
                let target = self
                    .findings
                    .iter()
                    .find(|f| key.is(f))
                    .and_then(|f| f.evidence.get(*sel))
                    .cloned();
                if let Some(e) = target {
                    self.jump_to_evidence(&e);
                }
                return vec![];
            }
            Popup::Item { .. } | Popup::Export(_) => return vec![],
            Popup::None => {}
        }
        match self.view {
            View::Overview => match self.pane {
                Pane::Accounts => self.pane = Pane::Items,
                Pane::Items => {
                    if let Some(i) = self.selected_item() {
                        self.popup = Popup::Item {
                            path: self.model.items[i].path.clone(),
                            scroll: 0,
                        };
                    }
                }
                Pane::Why => self.open_finding(),
            },
            View::Findings => self.open_finding(),
            View::Log => {
                if self.log.raw.is_none() {
                    return self.open_raw();
                }
            }
        }
        vec![]
    }

    /// Ask the runtime for the raw lines of the selected event's log, at its line.
    fn open_raw(&mut self) -> Vec<Cmd> {
        let target = self
            .log
            .order
            .get(self.log.sel)
            .and_then(|&i| self.model.events.get(i))
            .map(|e| (e.path.clone(), e.line));
        match target {
            Some((path, line)) => vec![Cmd::OpenRaw { path, line }],
            None => {
                self.status = Some("no event selected: nothing to open".into());
                vec![]
            }
        }
    }

    fn open_finding(&mut self) {
        if let Some(f) = self.selected_finding() {
            self.popup = Popup::Finding {
                key: FindingKey::of(f),
                sel: 0,
            };
        }
    }

    /// Enter on a piece of evidence: the item it names, or its line in the log view.
    pub fn jump_to_evidence(&mut self, e: &crate::model::Evidence) {
        if let Some(it) = self.model.items.iter().find(|i| i.path == e.path) {
            self.popup = Popup::Item {
                path: it.path.clone(),
                scroll: 0,
            };
            return;
        }
        let find = |app: &App| {
            app.log.order.iter().position(|&i| {
                let ev = &app.model.events[i];
                ev.path == e.path && e.line.is_none_or(|l| ev.line == l)
            })
        };
        let mut pos = find(self);
        if pos.is_none() {
            // Not in the current scope or filters: widen them.
            self.log.level = LevelFilter::All;
            self.log.kind = KindFilter::All;
            self.all_accounts = true;
            self.recompute_views();
            self.recompute_log();
            pos = find(self);
        }
        match pos {
            Some(p) => {
                self.popup = Popup::None;
                self.view = View::Log;
                self.log.sel = p;
                self.log.follow = false;
            }
            None => {
                self.status = Some("that evidence is not in the loaded logs".into());
            }
        }
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
