//! The one model every view reads: accounts, spooled items, sources, errors, and (from the log
//! and mailbox parsers) events. Plain data; nothing here reads the clock or the disk.

mod account;
pub mod drafts;
mod event;
mod finding;
mod item;
mod mailbox;
pub mod minutes;
pub mod pathser;
pub mod scope;
mod sight;
mod source;
pub mod store;
pub mod update;

pub use account::{Account, ClientGen};
pub use drafts::{DraftLedger, DraftTally};
pub use event::{EventKind, LogEvent};
pub use finding::{Evidence, Finding, Link, Severity};
pub use item::{Encoding, Fields, Format, Item, ItemState, FUTURE_TOLERANCE_SECS};
pub use mailbox::{
    parse_bool, EwsError, EwsErrorTally, ExportFormat, FolderStat, MailItem, MailboxFile,
    MailboxFileKind, PolicyRecord, EWS_ERRORS_KEPT,
};
pub use sight::SPOOLER_DIR;
pub use source::{DetectedBy, EtlSummary, Ignored, LogSummary, ScanError, Source, SourceKind};
pub use store::{Bound as EventBound, EventStore, EventTally, Seq as SharedEvent, Unread};

use chrono::{DateTime, Utc};
use std::time::Duration;

/// Everything one scan found.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub accounts: Vec<Account>,
    pub items: Vec<Item>,
    pub sources: Vec<Source>,
    pub errors: Vec<ScanError>,
    /// Classified log records, in time order per source.
    pub events: Vec<LogEvent>,
    /// Mailbox-side evidence files (listings, folder statistics, policy exports).
    pub mailbox: Vec<MailboxFile>,
    /// Log evidence near each spooled item's write time (item path → evidence), from
    /// `diagnose::correlate`.
    pub related: std::collections::BTreeMap<std::path::PathBuf, Vec<Evidence>>,
    /// How zone-less log timestamps were read (said in the reports), when logs were read.
    pub log_tz: Option<String>,
    /// Whether the scan looked for trace logs (so their absence means something).
    pub logs_scanned: bool,
    /// Files found that were not recognised as any evidence (the reports' inventory).
    pub ignored: Vec<Ignored>,
    /// Paths (each also under `errors`) where part of the input was not read: a named input
    /// (PATH, `--log`, `--mailbox`) that could not be read, or a folder the walk could not list
    /// or did not descend into.
    pub unreached: Vec<std::path::PathBuf>,
    /// How the scan read something in a way worth saying that is no error (a path and a
    /// one-line note), such as file names holding `\` read as the paths they spell.
    pub notes: Vec<ScanError>,
}

/// The two values every age-based judgement needs. Passed in, never read from the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub stuck_after: Duration,
}

impl Model {
    /// Items that belong to account `idx`.
    ///
    /// `items` is kept ordered by account ([`Model::sort`], and the watcher inserts in order), so
    /// this is a binary search, not a pass over every item: rules call it once per account.
    pub fn items_of(&self, idx: usize) -> impl Iterator<Item = &Item> {
        debug_assert!(
            self.items.windows(2).all(|w| w[0].account <= w[1].account),
            "Model::items must be ordered by account"
        );
        let start = self.items.partition_point(|i| i.account < idx);
        let end = start + self.items[start..].partition_point(|i| i.account <= idx);
        self.items[start..end].iter()
    }

    /// Index of the account whose sign-in address is `address` (case-insensitive), if exactly one.
    pub fn account_by_address(&self, address: &str) -> Option<usize> {
        let mut found = self
            .accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.address.eq_ignore_ascii_case(address))
            .map(|(i, _)| i);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Put accounts, items and errors in a stable order (by path), fixing item account indices.
    pub fn sort(&mut self) {
        let mut order: Vec<usize> = (0..self.accounts.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.accounts[a], &self.accounts[b]);
            (x.profile.as_deref(), &x.address, &x.dir).cmp(&(
                y.profile.as_deref(),
                &y.address,
                &y.dir,
            ))
        });
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let accounts = std::mem::take(&mut self.accounts);
        let mut slots: Vec<Option<Account>> = accounts.into_iter().map(Some).collect();
        self.accounts = order.iter().filter_map(|&i| slots[i].take()).collect();
        for item in &mut self.items {
            item.account = remap[item.account];
        }
        self.items
            .sort_by(|a, b| item_order(a.account, &a.path, b.account, &b.path));
        self.sources
            .sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
        self.errors.sort_by(|a, b| a.path.cmp(&b.path));
        self.errors.dedup();
    }
}

/// The order `items` are kept in: by account, then by the path's bytes. (A byte comparison,
/// not `Path`'s component-wise one: the same order for files of one folder, and several times
/// cheaper on 100 000 items.)
pub fn item_order(
    a_account: usize,
    a: &std::path::Path,
    b_account: usize,
    b: &std::path::Path,
) -> std::cmp::Ordering {
    a_account
        .cmp(&b_account)
        .then_with(|| a.as_os_str().cmp(b.as_os_str()))
}

/// Counts for one account at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountStats {
    pub items: usize,
    pub stuck: usize,
    pub pending: usize,
    pub skewed: usize,
    /// Age of the oldest item that is not noise, in seconds.
    pub oldest_age_secs: Option<i64>,
}

impl Model {
    pub fn account_stats(&self, idx: usize, clock: Clock) -> AccountStats {
        let mut s = AccountStats::default();
        for it in self.items_of(idx) {
            s.items += 1;
            match it.state(clock) {
                ItemState::Stuck => s.stuck += 1,
                ItemState::Pending => s.pending += 1,
                ItemState::ClockSkew => s.skewed += 1,
                _ => {}
            }
            if !it.ignorable {
                if let Some(a) = it.age_secs(clock.now) {
                    s.oldest_age_secs = Some(s.oldest_age_secs.map_or(a, |o: i64| o.max(a)));
                }
            }
        }
        s
    }

    /// Entries of account `idx`'s spooler that could not be analysed: unreadable items and
    /// errors about the spooler (see [`Model::spooler_errors`]; a spooler that could not be
    /// listed counts as one), each path once. An account with any is never "healthy".
    pub fn unanalysed_entries(&self, idx: usize) -> usize {
        let mut paths: std::collections::BTreeSet<&std::path::Path> = self
            .items_of(idx)
            .filter(|i| i.format == Format::Unreadable)
            .map(|i| i.path.as_path())
            .collect();
        paths.extend(self.spooler_errors(idx).map(|e| e.path.as_path()));
        paths.len()
    }

    /// Stuck items over all accounts.
    pub fn stuck_count(&self, clock: Clock) -> usize {
        self.items
            .iter()
            .filter(|i| i.state(clock) == ItemState::Stuck)
            .count()
    }
}
