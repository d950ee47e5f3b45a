//! The log view's state: level and kind filters, the rows in scope, the per-minute counts,
//! search (smart-case regex) and the jumps between matches and errors.

use super::App;
use crate::model::minutes::KindClass;
use crate::model::LogEvent;
use crate::sanitize;
use regex::Regex;
use std::collections::HashSet;
use std::path::Path;

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
    pub(super) fn min_rank(self) -> u8 {
        match self {
            LevelFilter::All => 0,
            LevelFilter::Info => 1,
            LevelFilter::Warn => 2,
            LevelFilter::Error => 3,
        }
    }
    pub(super) fn next(self) -> Self {
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
    pub(super) fn next(self) -> Self {
        match self {
            KindFilter::All => KindFilter::Ews,
            KindFilter::Ews => KindFilter::Sip,
            KindFilter::Sip => KindFilter::Problems,
            KindFilter::Problems => KindFilter::All,
        }
    }
    pub(super) fn accepts(self, e: &LogEvent) -> bool {
        self.accepts_class(KindClass::of(e.kind), || is_problem(e))
    }
    /// [`KindFilter::accepts`] for an occurrence of a kind of `class` (`problem` is asked only
    /// when the filter needs it).
    pub(super) fn accepts_class(self, class: KindClass, problem: impl FnOnce() -> bool) -> bool {
        match self {
            KindFilter::All => true,
            KindFilter::Ews => class == KindClass::Ews,
            KindFilter::Sip => class == KindClass::Sip,
            KindFilter::Problems => problem(),
        }
    }
}

/// The level rank and problem flag the filters and marks use live with the per-minute counts
/// (the histogram counts with the same definitions as the rows).
pub use crate::model::minutes::{is_problem, level_rank};

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
    /// Per-minute counts of the rows in view: (minute since epoch, rows, problem rows), in
    /// minute order. For logs with per-minute tallies, every record read that the filters
    /// show (kept as a row or not); for other events, the rows in `order`. Computed with
    /// `order`, so the histogram never walks the events per frame.
    pub minutes: Vec<(i64, u32, u32)>,
    /// Some of `minutes` came from the logs' exact per-minute tallies.
    pub minutes_exact: bool,
    /// Records in view counted but not charted (their logs' minute budget was used up:
    /// [`crate::model::minutes::CELL_BUDGET`]).
    pub minutes_outside: u64,
    /// The raw lines of one log file, when open (Enter or `v` on an event).
    pub raw: Option<crate::tui::rawlog::RawView>,
    /// The selected row's log line, taken before the model's events changed (indices into
    /// the old events mean nothing in the new ones): where the selection goes back to.
    pub anchor: Option<(std::path::PathBuf, u64)>,
}

impl App {
    /// Remember the selected log row's line before the model's events change (a new scan, a
    /// merge of re-read logs): their indices are then stale.
    pub(super) fn anchor_log_selection(&mut self) {
        let e = self
            .log
            .order
            .get(self.log.sel)
            .and_then(|&i| self.model.events.get(i));
        self.log.anchor = e.map(|e| (e.path.clone(), e.line));
        self.log.order.clear();
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
        let (minutes, exact, outside) = self.minute_counts(acc.as_ref(), min, kind, &order);
        self.log.minutes_exact = exact;
        self.log.minutes_outside = outside;
        self.log.minutes = minutes;
        // The selected row's line: remembered before the events changed, else read now (the
        // events are the same ones).
        let old_line = self.log.anchor.take().or_else(|| {
            let e = self.model.events.get(*self.log.order.get(self.log.sel)?)?;
            Some((e.path.clone(), e.line))
        });
        self.log.order = order;
        if let Some((path, line)) = old_line {
            // Its line (one row per line: events of one line are folded into one row).
            let ev = &self.model.events;
            if let Some(p) = self
                .log
                .order
                .iter()
                .position(|&i| ev.get(i).is_some_and(|e| e.line == line && e.path == path))
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

    /// The per-minute (rows, problem rows) of the view (scope `acc`, level rank at least
    /// `min`, `kind`): every record read for the logs whose tallies count per minute (the sum
    /// of their cells that the filters show), the rows of `order` for events of other sources.
    /// True when any log's tallies were used.
    fn minute_counts(
        &self,
        acc: Option<&(usize, Option<String>)>,
        min: u8,
        kind: KindFilter,
        order: &[usize],
    ) -> (Vec<(i64, u32, u32)>, bool, u64) {
        let accounts = self.model.accounts.len();
        let mut outside = 0u64;
        let mut all: Vec<(i64, i64, i64)> = Vec::new();
        let mut counted: HashSet<&Path> = HashSet::new();
        for src in &self.model.sources {
            let Some(l) = &src.log else { continue };
            if l.tallies.iter().all(|t| t.minutes.is_empty()) {
                continue;
            }
            counted.insert(&src.path);
            for t in &l.tallies {
                // The scope the rows use: the account's events, and those tied to no account
                // under the same (or no) profile.
                let in_scope = match acc {
                    None => true,
                    Some((ai, profile)) => match t.account.filter(|&a| a < accounts) {
                        Some(a) => a == *ai,
                        None => t.profile.is_none() || t.profile == *profile,
                    },
                };
                if !in_scope {
                    continue;
                }
                outside += t.minutes.outside;
                for c in t.minutes.cells() {
                    if let Some(p) = c.row(min, |class, p| kind.accepts_class(class, || p)) {
                        all.push((c.minute, c.count, if p { c.count } else { 0 }));
                    }
                }
            }
        }
        let ev = &self.model.events;
        // Rows from one log come in runs: ask the set once per run.
        let mut last: Option<(&Path, bool)> = None;
        for &i in order {
            let e = &ev[i];
            let Some(t) = e.time else { continue };
            let done = match last {
                Some((p, d)) if p == e.path.as_path() => d,
                _ => {
                    let d = counted.contains(e.path.as_path());
                    last = Some((e.path.as_path(), d));
                    d
                }
            };
            if !done {
                all.push((t.timestamp().div_euclid(60), 1, i64::from(is_problem(e))));
            }
        }
        all.sort_unstable_by_key(|x| x.0);
        all.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                a.2 += b.2;
                true
            } else {
                false
            }
        });
        // A cell may be negative (a record moved out of it), a minute's sum never is.
        let fit = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        let all = all
            .into_iter()
            .filter(|x| x.1 > 0)
            .map(|(m, n, p)| (m, fit(n), fit(p)))
            .collect();
        (all, !counted.is_empty(), outside)
    }

    pub(super) fn recompute_matches(&mut self) {
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

    pub(super) fn compile_search(&mut self) {
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
}
