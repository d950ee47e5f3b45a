//! Derived views: what the panes show, computed from the model and the UI state when what
//! they depend on changes (never per frame).

use super::{App, Popup, SortKey, View};
use crate::model::scope;
use crate::model::{AccountStats, Finding, ItemState, LogEvent, Severity};

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
    pub(super) fn index_events(&mut self, ev: &[LogEvent], accounts: usize) {
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
                // An account's findings, and those about no account (shown everywhere).
                f.account.is_none() || acc.is_some_and(|a| scope::belongs(f, a))
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
                    .filter(|f| scope::belongs(f, a))
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
}
