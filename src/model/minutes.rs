//! Exact per-minute counts of a log's records, for the log view's histogram.
//!
//! The event store keeps a bounded sample of each group (see [`super::store`]) but counts every
//! occurrence; this module counts the records per minute too, the way the log view counts
//! rows: one per record (file and line), however many markers classified it. A record counts
//! once in the group of its first event, in a cell keyed by its minute and its *facets*: for
//! each of its events the kind class, problem flag and level rank the view filters on. A later
//! event of the same record that adds a facet moves the record from its old cell to the new one
//! (in its own group: a group's cell can be negative, the sum over a log's groups never is).
//! A group fixes account and profile, so the histogram of any view (account scope, level
//! filter, kind filter) is a sum over cells: a record is a row when one of its facets passes.
//!
//! Memory: one cell (16 bytes) per (minute, facets) a group's records had, so never more than
//! two cells per occurrence, and per group at most the minutes spanned times the facet sets
//! that occur (one to a few: a record is classified by one to three markers). A week-long log
//! spans 10 080 minutes: a group busy every minute with three facet sets holds about 30 000
//! cells (480 KB); the store's groups are bounded by [`super::store::Bound`]. Records without
//! a time are not counted here (the histogram has no place for them); the tallies count them.
//!
//! The events of one record reach the store one after the other (the store relies on that
//! too). A record whose events name different accounts counts once per account.

use super::{EventKind, LogEvent};

/// 0 trace/verbose, 1 info (or no level), 2 warning, 3 error: the order the log view's level
/// filter uses.
pub fn level_rank(e: &LogEvent) -> u8 {
    rank_of(e.level.as_deref())
}

/// [`level_rank`] of a level word.
pub fn rank_of(level: Option<&str>) -> u8 {
    let Some(l) = level else {
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

/// An error or an EWS failure: what the log view marks and jumps to (`e`/`E`).
pub fn is_problem(e: &LogEvent) -> bool {
    problem_at(e, level_rank(e))
}

/// [`is_problem`] for an event whose [`level_rank`] is `rank`.
fn problem_at(e: &LogEvent, rank: u8) -> bool {
    rank >= 3
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

/// The kinds the log view's kind filter tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindClass {
    Ews,
    Sip,
    Other,
}

impl KindClass {
    pub fn of(kind: EventKind) -> KindClass {
        match kind {
            EventKind::EwsRequest
            | EventKind::EwsFailure
            | EventKind::Autodiscover
            | EventKind::SoapFault
            | EventKind::HttpStatus => KindClass::Ews,
            EventKind::SipRequest | EventKind::SipResponse => KindClass::Sip,
            _ => KindClass::Other,
        }
    }

    const ALL: [KindClass; 3] = [KindClass::Ews, KindClass::Sip, KindClass::Other];
}

/// One facet as a bit: (class, problem, rank) → bit `(class × 2 + problem) × 4 + rank`.
fn facet_bit(class: KindClass, problem: bool, rank: u8) -> u32 {
    let c = match class {
        KindClass::Ews => 0,
        KindClass::Sip => 1,
        KindClass::Other => 2,
    };
    1 << ((c * 2 + u32::from(problem)) * 4 + u32::from(rank.min(3)))
}

fn event_bit(e: &LogEvent) -> u32 {
    let rank = level_rank(e);
    facet_bit(KindClass::of(e.kind), problem_at(e, rank), rank)
}

/// The facet of an occurrence whose values were not read (see
/// [`super::store::Unread`]): its kind, level rank and HTTP status are all a facet needs.
pub fn unread_bit(kind: EventKind, rank: u8, status: Option<u16>) -> u32 {
    let problem = rank >= 3
        || matches!(
            kind,
            EventKind::EwsFailure | EventKind::Error | EventKind::SoapFault
        )
        || (kind == EventKind::HttpStatus && status.is_some_and(|s| s >= 400));
    facet_bit(KindClass::of(kind), problem, rank)
}

/// The records of one group that fall in one minute with one set of facets (negative when
/// records counted in other groups of the log moved here; see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteCell {
    /// Minutes since the Unix epoch (UTC).
    pub minute: i64,
    /// The facets of the records, as bits (see [`MinuteCell::row`]).
    pub facets: u32,
    pub count: i64,
}

impl MinuteCell {
    /// Whether these records are rows of a view that keeps level ranks from `min_rank` up and
    /// the (class, problem) occurrences `kind` accepts, and if so whether each row is a problem
    /// (one of its passing occurrences is).
    pub fn row(&self, min_rank: u8, kind: impl Fn(KindClass, bool) -> bool) -> Option<bool> {
        let mut row = None;
        for class in KindClass::ALL {
            for problem in [false, true] {
                for rank in min_rank..4 {
                    if self.facets & facet_bit(class, problem, rank) != 0 && kind(class, problem) {
                        row = Some(row == Some(true) || problem);
                    }
                }
            }
        }
        row
    }
}

/// The record the last counted occurrence belonged to (kept by the store between events).
#[derive(Debug, Clone)]
pub struct Current {
    minute: Option<i64>,
    account: Option<usize>,
    facets: u32,
    /// Cells the groups of the store have opened, and how many they may (see [`CELL_BUDGET`]).
    opened: usize,
    limit: usize,
}

impl Default for Current {
    fn default() -> Self {
        Current {
            minute: None,
            account: None,
            facets: 0,
            opened: 0,
            limit: CELL_BUDGET,
        }
    }
}

#[cfg(test)]
impl Current {
    /// A store-wide cell budget of `limit` instead of [`CELL_BUDGET`].
    pub(crate) fn with_limit(limit: usize) -> Current {
        Current {
            limit,
            ..Current::default()
        }
    }
}

/// Most cells the groups of one store open in all (16 MiB). Real logs run forward in time and
/// need far fewer (a week, every minute, a few facet sets: some 30 000 per group); a log whose
/// times jump about (a damaged or hostile one) would otherwise grow one cell per record. Past
/// the budget, a record in a minute that has no cell yet is counted in its group's
/// [`Minutes::outside`] instead: still counted, not placed in the histogram.
pub const CELL_BUDGET: usize = 1 << 20;

/// Out-of-order additions wait in a buffer of at most this many (or as many as there are
/// sorted cells) before they are merged in: a log whose times go back and forth costs
/// O(n log n), not one shift of the sorted cells per record.
const LATE_MIN: usize = 1024;

/// Per-minute counts of the records first seen in one group (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Minutes {
    /// In (minute, facets) order, each key once.
    cells: Vec<Cell>,
    /// Additions that came before the last sorted cell, not merged yet (any order; a key may
    /// repeat, and may also be in `cells`).
    late: Vec<Cell>,
    /// Records not placed in a cell because the store's [`CELL_BUDGET`] was used up.
    pub outside: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    minute: i64,
    facets: u32,
    count: i32,
}

impl Cell {
    fn key(&self) -> (i64, u32) {
        (self.minute, self.facets)
    }
}

impl Minutes {
    /// Count `e`, an occurrence of this group: a new record (unless `same_record`: the last
    /// occurrence counted, in `current`, was on the same file and line), or a facet more of
    /// the current one.
    pub fn count(&mut self, e: &LogEvent, same_record: bool, current: &mut Current) {
        self.count_facet(event_bit(e), e.time, e.account, same_record, current);
    }

    /// [`Minutes::count`] by parts: the occurrence's facet bit, time and account.
    pub fn count_facet(
        &mut self,
        bit: u32,
        time: Option<chrono::DateTime<chrono::FixedOffset>>,
        account: Option<usize>,
        same_record: bool,
        current: &mut Current,
    ) {
        if same_record && current.account == account {
            if current.facets & bit == 0 {
                let old = current.facets;
                current.facets |= bit;
                if let Some(m) = current.minute {
                    if current.opened + 2 > current.limit {
                        // No room for the move: the record stays under its old facets.
                        current.facets = old;
                    } else {
                        self.add(m, old, -1, &mut current.opened, current.limit);
                        self.add(m, current.facets, 1, &mut current.opened, current.limit);
                    }
                }
            }
            return;
        }
        current.minute = time.map(|t| t.timestamp().div_euclid(60));
        current.account = account;
        current.facets = bit;
        if let Some(m) = current.minute {
            if !self.add(m, bit, 1, &mut current.opened, current.limit) {
                // No cell for it: counted outside, and its later facets move nothing.
                self.outside += 1;
                current.minute = None;
            }
        }
    }

    /// Add `n` records to the cell (minute, facets). False when that would open a cell past
    /// the budget (nothing is added then).
    fn add(&mut self, minute: i64, facets: u32, n: i32, opened: &mut usize, limit: usize) -> bool {
        let key = (minute, facets);
        // Records mostly come in time order: the last cell, or a new one after it.
        match self.cells.last_mut() {
            Some(c) if c.key() == key => {
                c.count = c.count.saturating_add(n);
                return true;
            }
            Some(c) if c.key() > key => {}
            _ => {
                if *opened >= limit {
                    return false;
                }
                *opened += 1;
                self.cells.push(Cell {
                    minute,
                    facets,
                    count: n,
                });
                return true;
            }
        }
        if let Ok(i) = self.cells.binary_search_by_key(&key, Cell::key) {
            self.cells[i].count = self.cells[i].count.saturating_add(n);
            return true;
        }
        // A cell before the last one: into the buffer, merged in batches. A run of records in
        // one minute adds to the buffer's last entry. Each buffer entry counts against the
        // budget until a merge folds repeated keys together and gives those back.
        if let Some(c) = self.late.last_mut().filter(|c| c.key() == key) {
            c.count = c.count.saturating_add(n);
            return true;
        }
        if *opened >= limit {
            // Perhaps the key waits in the buffer, or repeated keys there hold budget.
            *opened -= self.merge();
            if let Ok(i) = self.cells.binary_search_by_key(&key, Cell::key) {
                self.cells[i].count = self.cells[i].count.saturating_add(n);
                return true;
            }
            if *opened >= limit {
                return false;
            }
        }
        *opened += 1;
        self.late.push(Cell {
            minute,
            facets,
            count: n,
        });
        if self.late.len() >= LATE_MIN.max(self.cells.len()) {
            *opened -= self.merge();
        }
        true
    }

    /// Merge the waiting additions into the sorted cells; returns how many entries were folded
    /// into others (the budget they held is free again).
    fn merge(&mut self) -> usize {
        if self.late.is_empty() {
            return 0;
        }
        let before = self.cells.len() + self.late.len();
        self.cells.append(&mut self.late);
        self.cells = sorted_cells(std::mem::take(&mut self.cells));
        before - self.cells.len()
    }

    /// Merge what is waiting (the store does this when it hands out its tallies).
    pub fn settle(&mut self) {
        self.merge();
    }

    /// The cells in (minute, facets) order.
    pub fn cells(&self) -> impl Iterator<Item = MinuteCell> + '_ {
        let merged = if self.late.is_empty() {
            None
        } else {
            Some(sorted_cells(
                self.cells.iter().chain(&self.late).copied().collect(),
            ))
        };
        let cells: Box<dyn Iterator<Item = Cell> + '_> = match merged {
            None => Box::new(self.cells.iter().copied()),
            Some(v) => Box::new(v.into_iter()),
        };
        cells.map(|c| MinuteCell {
            minute: c.minute,
            facets: c.facets,
            count: i64::from(c.count),
        })
    }

    /// The records this group adds (or, negative, takes) over all minutes.
    pub fn total(&self) -> i64 {
        self.cells
            .iter()
            .chain(&self.late)
            .map(|c| i64::from(c.count))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.late.is_empty()
    }
}

/// Cells sorted by key, one per key (counts of a repeated key summed).
fn sorted_cells(mut v: Vec<Cell>) -> Vec<Cell> {
    v.sort_by_key(Cell::key);
    v.dedup_by(|b, a| {
        if a.key() == b.key() {
            a.count = a.count.saturating_add(b.count);
            true
        } else {
            false
        }
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventBound, EventStore, EventTally};
    use chrono::{DateTime, FixedOffset, TimeZone};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const KINDS: [EventKind; 7] = [
        EventKind::SipRequest,
        EventKind::EwsFailure,
        EventKind::HttpStatus,
        EventKind::Error,
        EventKind::Other,
        EventKind::SoapFault,
        EventKind::EwsRequest,
    ];
    const LEVELS: [Option<&str>; 6] = [
        None,
        Some("INFO"),
        Some("warning"),
        Some("ERROR"),
        Some("TRACE"),
        Some("Fatal"),
    ];

    fn at(secs: i64, offset_h: i32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(offset_h * 3600)
            .expect("offset")
            .timestamp_opt(1_772_000_000 + secs, 0)
            .single()
            .expect("time")
    }

    /// One generated record: its time (seconds from a base, or none), zone offset, account,
    /// file, and its events as (kind, level, status, marker).
    type Record = (
        Option<i64>,
        i32,
        Option<usize>,
        u8,
        Vec<(usize, usize, u16, u8)>,
    );

    fn events_of(records: &[Record]) -> Vec<LogEvent> {
        let mut out = Vec::new();
        for (line, (secs, off, account, file, evs)) in records.iter().enumerate() {
            for &(kind, level, status, marker) in evs {
                out.push(LogEvent {
                    path: format!("T/L{file}.UccApilog").into(),
                    line: line as u64 + 1,
                    time: secs.map(|x| at(x, *off)),
                    level: LEVELS[level].map(str::to_string),
                    thread: None,
                    kind: KINDS[kind],
                    marker: format!("m{marker}"),
                    account: *account,
                    profile: account.map(|a| format!("p{a}")),
                    excerpt: String::new(),
                    values: [("status".to_string(), status.to_string())].into(),
                });
            }
        }
        out
    }

    /// A log view's filters: account scope (account, its profile), lowest level rank, kind
    /// filter (0 all, 1 EWS, 2 SIP, 3 problems).
    type View = (Option<usize>, u8, u8);

    fn kind_ok(kind: u8, class: KindClass, problem: bool) -> bool {
        match kind {
            1 => class == KindClass::Ews,
            2 => class == KindClass::Sip,
            3 => problem,
            _ => true,
        }
    }

    fn in_scope(scope: Option<usize>, account: Option<usize>, profile: Option<&str>) -> bool {
        match scope {
            None => true,
            Some(a) => match account {
                Some(x) => x == a,
                None => profile.is_none_or(|p| p == format!("p{a}")),
            },
        }
    }

    /// Per minute (rows, problem rows) of a view, from the tallies' cells.
    fn from_tallies(t: &[EventTally], (scope, min, kind): View) -> BTreeMap<i64, (i64, i64)> {
        let mut out: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for t in t {
            if !in_scope(scope, t.account, t.profile.as_deref()) {
                continue;
            }
            for c in t.minutes.cells() {
                if let Some(p) = c.row(min, |class, problem| kind_ok(kind, class, problem)) {
                    let x = out.entry(c.minute).or_default();
                    x.0 += c.count;
                    x.1 += if p { c.count } else { 0 };
                }
            }
        }
        out.retain(|_, x| *x != (0, 0));
        out
    }

    /// The same by brute force, as the log view counts rows when every event is kept: the
    /// events that pass the view, one row per (file, line), a problem row when one of its
    /// passing events is a problem.
    fn brute(events: &[LogEvent], (scope, min, kind): View) -> BTreeMap<i64, (i64, i64)> {
        let mut rows: BTreeMap<(&std::path::Path, u64), (Option<i64>, bool)> = BTreeMap::new();
        for e in events {
            let pass = in_scope(scope, e.account, e.profile.as_deref())
                && level_rank(e) >= min
                && kind_ok(kind, KindClass::of(e.kind), is_problem(e));
            if pass {
                let r = rows
                    .entry((e.path.as_path(), e.line))
                    .or_insert((e.time.map(|t| t.timestamp().div_euclid(60)), false));
                r.1 |= is_problem(e);
            }
        }
        let mut out: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for (minute, problem) in rows.into_values() {
            if let Some(m) = minute {
                let x = out.entry(m).or_default();
                x.0 += 1;
                x.1 += i64::from(problem);
            }
        }
        out
    }

    fn record() -> impl Strategy<Value = Record> {
        (
            prop::option::weighted(0.95, -600i64..7200),
            -5i32..6,
            prop::option::of(0usize..3),
            0u8..2,
            prop::collection::vec(
                (
                    0usize..KINDS.len(),
                    0usize..LEVELS.len(),
                    prop::sample::select(vec![200u16, 401, 503]),
                    0u8..3,
                ),
                1..4,
            ),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Far past the store's bound (a few groups, thousands of events, out of order, in
        /// several zones, several markers on one line), the tallies' cells give every view
        /// exactly the rows it would show if every event were kept.
        #[test]
        fn minute_counts_equal_a_brute_force_count_of_rows(
            records in prop::collection::vec(record(), 0..1500),
            groups in 2usize..40,
            views in prop::collection::vec(
                (prop::option::of(0usize..3), 0u8..4, 0u8..4),
                1..8,
            ),
        ) {
            let events = events_of(&records);
            let mut store = EventStore::new(EventBound { first: 2, last: 2, spread: 2, groups, ..EventBound::default() });
            store.absorb(events.iter().cloned());
            let (kept, tallies) = store.finish();
            for view in views.into_iter().chain([(None, 0, 0)]) {
                prop_assert_eq!(from_tallies(&tallies, view), brute(&events, view), "view {:?}", view);
            }
            // The bound held: counting is not keeping.
            if events.len() > 300 {
                prop_assert!(kept.len() < events.len());
            }
        }
    }

    /// Records far out of order (past the merge threshold) come out as a brute-force count
    /// per minute; past the cell budget the rest are counted outside, none lost.
    #[test]
    fn scattered_minutes_merge_exactly_and_the_budget_counts_the_rest_outside() {
        let mut e = events_of(&[(Some(0), 0, None, 0, vec![(0, 1, 200, 0)])]).remove(0);
        let mut x: u64 = 5;
        let secs: Vec<i64> = (0..5000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                ((x >> 33) % 3000) as i64 * 60
            })
            .collect();
        for limit in [CELL_BUDGET, 700] {
            let (mut m, mut cur) = (Minutes::default(), Current::with_limit(limit));
            let mut brute: BTreeMap<i64, i64> = BTreeMap::new();
            for (line, &s) in secs.iter().enumerate() {
                e.line = line as u64;
                e.time = Some(at(s, 0));
                m.count(&e, false, &mut cur);
                *brute
                    .entry(at(s, 0).timestamp().div_euclid(60))
                    .or_default() += 1;
            }
            m.settle();
            let cells: Vec<(i64, i64)> = m.cells().map(|c| (c.minute, c.count)).collect();
            assert!(
                cells.windows(2).all(|w| w[0].0 < w[1].0),
                "sorted, one per key"
            );
            let placed: i64 = cells.iter().map(|c| c.1).sum();
            assert_eq!(
                placed + m.outside as i64,
                secs.len() as i64,
                "limit {limit}"
            );
            if limit == CELL_BUDGET {
                assert_eq!(m.outside, 0);
                assert_eq!(cells, brute.into_iter().collect::<Vec<_>>());
            } else {
                assert!(
                    cells.len() <= limit && m.outside > 0,
                    "{} cells",
                    cells.len()
                );
                // Each placed minute holds exactly the records read for it.
                for (minute, n) in &cells {
                    assert_eq!(Some(n), brute.get(minute), "minute {minute}");
                }
            }
        }
    }

    /// One record stamped far ahead sends every later one of its group through the buffer:
    /// the budget is still charged per cell, not per record.
    #[test]
    fn the_budget_counts_cells_not_records_behind_a_record_from_the_future() {
        let mut e = events_of(&[(Some(0), 0, None, 0, vec![(0, 1, 200, 0)])]).remove(0);
        let (mut m, mut cur) = (Minutes::default(), Current::with_limit(5000));
        e.time = Some(at(365 * 86_400, 0));
        m.count(&e, false, &mut cur);
        let mut minutes = std::collections::BTreeSet::from([at(365 * 86_400, 0).timestamp() / 60]);
        for i in 0..20_000i64 {
            e.line = i as u64 + 2;
            e.time = Some(at(i * 6, 0)); // ten records a minute
            minutes.insert(at(i * 6, 0).timestamp() / 60);
            m.count(&e, false, &mut cur);
        }
        m.settle();
        assert_eq!(m.outside, 0, "about 2 000 cells fit a budget of 5 000");
        assert_eq!(m.cells().count(), minutes.len());
        assert_eq!(m.total(), 20_001);
    }

    #[test]
    fn cells_stay_ordered_and_a_second_marker_moves_its_record() {
        let mut m = Minutes::default();
        let mut cur = Current::default();
        let mut e = events_of(&[(Some(0), 0, None, 0, vec![(0, 1, 200, 0)])]).remove(0);
        for (line, secs) in [150, 10, 125, 70, 179, 5].into_iter().enumerate() {
            e.line = line as u64;
            e.time = Some(at(secs, 2));
            m.count(&e, false, &mut cur);
        }
        // A second event (an error) on the last record: that record moves to a new cell.
        e.level = Some("ERROR".into());
        m.count(&e, true, &mut cur);
        // Untimed: not counted.
        e.time = None;
        e.line = 99;
        m.count(&e, false, &mut cur);
        // Minutes relative to the base minute (the base is a whole minute plus 20 s).
        let base = at(0, 0).timestamp().div_euclid(60);
        let sip_info = facet_bit(KindClass::Sip, false, 1);
        let sip_error = facet_bit(KindClass::Sip, true, 3);
        let got: Vec<(i64, u32, i64)> = m
            .cells()
            .map(|c| (c.minute - base, c.facets, c.count))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, sip_info, 1),
                (0, sip_info | sip_error, 1),
                (1, sip_info, 1),
                (2, sip_info, 2),
                (3, sip_info, 1)
            ]
        );
        assert_eq!(m.total(), 6);
        let moved = m.cells().nth(1).expect("cell");
        // Any level: a problem row; from WARN up: still a row (its error), a problem one;
        // SIP-only views see it; an EWS-only view does not.
        assert_eq!(moved.row(0, |_, _| true), Some(true));
        assert_eq!(moved.row(2, |_, _| true), Some(true));
        assert_eq!(moved.row(0, |_, p| !p), Some(false));
        assert_eq!(moved.row(0, |c, _| c == KindClass::Ews), None);
        assert_eq!(m.cells().next().expect("cell").row(2, |_, _| true), None);
    }
}
