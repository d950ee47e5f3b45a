//! Bounded event storage: every event is counted, a bounded number is kept.
//!
//! Events are grouped by (account, profile, kind, marker, signature), where the signature is the
//! values that tell occurrences apart for the rules (status, code, problem, policy values,
//! client version, …; never free text such as messages or URLs). Each group counts every
//! occurrence exactly and keeps the first [`Bound::first`], the last [`Bound::last`], and a
//! spread sample of [`Bound::spread`] of those in between (a reservoir with a fixed seed, so
//! the same input keeps the same events). The number of groups is bounded too: past
//! [`Bound::groups`], new signatures are pooled per (account, kind, marker) with a coarse
//! signature of their own (see [`POOLED`]), so the rules still count them by problem and status.
//!
//! Parsers push events into a store while they read, so memory is bounded whatever the log
//! holds; [`EventStore::absorb`] is the one way events get in (a tailer appends with it too).

use super::{EventKind, LogEvent};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many occurrences of one group are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub first: usize,
    pub last: usize,
    pub spread: usize,
    /// Distinct groups before new signatures are pooled per (account, kind, marker).
    pub groups: usize,
    /// Routine events (SIP traffic, HTTP statuses, …) kept per kind and log; past it they are
    /// counted with their values unread ([`Unread`]; `parse::logs::ROUTINE_CAP` by default).
    pub routine: u64,
}

impl Default for Bound {
    fn default() -> Self {
        Bound {
            first: 8,
            last: 8,
            spread: 16,
            groups: 1024,
            routine: 1000,
        }
    }
}

impl Bound {
    /// What group number `n` (in the order groups were first seen) keeps: the full bound for
    /// the first quarter of [`Bound::groups`], a quarter of it past them (rounded up: a bound that
    /// keeps the first or the last occurrence still does). A log of ever new signatures (a SIP error per contact, a new code
    /// per failure) then keeps about 40 % of the events the full bound would (about 20 000 at
    /// most instead of about 50 000, at some 2 KB each), and each group still shows its first
    /// and last occurrence and its exact count.
    pub fn for_group(&self, n: usize) -> Bound {
        if n < self.groups / 4 {
            return *self;
        }
        Bound {
            first: self.first.div_ceil(4),
            last: self.last.div_ceil(4),
            spread: self.spread.div_ceil(4),
            ..*self
        }
    }
}

/// Values that tell occurrences apart (for every kind). Policies and client versions use all
/// their values except [`FREE_TEXT`].
const SIGNATURE_KEYS: &[&str] = &[
    "problem",
    "status",
    "code",
    "reason",
    "policy",
    "value",
    "version",
    "direction",
    "folder",
    "disposition",
    "operation",
    "method",
    "trace",
    "to_address",
    "from_address",
    "to",
    "recipient",
    "recipients",
];

/// Free text and per-record identifiers: never part of a signature.
const FREE_TEXT: &[&str] = &["message", "text", "url", "uri", "instance", "offset"];

/// The `signature` value of a pooled group (past [`Bound::groups`]).
///
/// A pooled occurrence keeps a coarse signature, so the rules still count it by what they count
/// by: its `problem` and its `status` when that is an HTTP or SIP status (three digits,
/// 100-599), with `("signature", POOLED)`. Each tier has its own budget, [`Bound::groups`] / 4
/// groups: groups with a status (and the problem, if any) while that budget lasts, then groups
/// by problem alone while theirs lasts, then one bare group per (account, kind, marker) with
/// only `("signature", POOLED)`. So a store holds at most [`Bound::groups`] × 7/4 groups, plus
/// the bare pooled and shared unread ones (one per account, kind and marker each).
pub const POOLED: &str = "(more signatures)";

/// Whether `v` is an HTTP or SIP status (three digits, 100-599): what a pooled group keeps.
fn is_status(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 3 && b.iter().all(u8::is_ascii_digit) && (b'1'..=b'5').contains(&b[0])
}

/// The `unread` value of a group of routine occurrences counted past their kind's cap: found
/// by their marker, their values never read (their HTTP or SIP status excepted).
pub const UNREAD: &str = "routine, past the cap: values not read";

/// A routine occurrence past its kind's cap ([`Bound::routine`]): counted, never
/// kept. What is known of it without reading its values: enough for the exact counts per
/// account, kind, marker, status and minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub line: u64,
    pub time: Option<DateTime<FixedOffset>>,
    /// The record's level rank ([`super::minutes::rank_of`]).
    pub rank: u8,
    pub account: Option<usize>,
    pub kind: EventKind,
    pub marker: std::sync::Arc<str>,
    pub status: Option<u16>,
}

/// A status as text without allocating.
fn status_text(status: u16, buf: &mut [u8; 5]) -> &str {
    let mut n = status;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// A signature given by parts, owned (for a new group's key).
fn owned<'k>(sig: impl Iterator<Item = (&'k str, &'k str)>) -> Vec<(String, String)> {
    sig.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// What identifies a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct GroupKey {
    account: Option<usize>,
    profile: Option<String>,
    kind: EventKind,
    marker: String,
    signature: Vec<(String, String)>,
}

/// The values of `e` that make its signature, borrowed, in key order.
fn signature_parts(e: &LogEvent) -> impl Iterator<Item = (&String, &String)> + Clone {
    let all = matches!(e.kind, EventKind::Policy | EventKind::ClientVersion);
    e.values.iter().filter(move |(k, _)| {
        if all {
            !FREE_TEXT.contains(&k.as_str())
        } else {
            SIGNATURE_KEYS.contains(&k.as_str())
        }
    })
}

/// FxHash (the multiply-rotate hash of rustc), fast on the short strings of a group key,
/// started from a per-process random state: the key parts come from the log, and a log made to
/// collide would cost comparisons (never a wrong group; at most [`Bound::groups`] per event).
struct Fx(u64);

impl Default for Fx {
    fn default() -> Self {
        static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        Fx(*SEED.get_or_init(|| {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new().hash_one(0x5EEDu64)
        }))
    }
}

/// The index of group hashes (already [`Fx`] hashes: hashed again only to spread them).
type FxBuild = std::hash::BuildHasherDefault<Fx>;

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut add = |w: u64| self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        let mut it = bytes.chunks_exact(8);
        for c in &mut it {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            add(u64::from_le_bytes(b));
        }
        let rest = it.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hash of a group key given by parts (borrowed or owned alike).
fn key_hash<'a>(
    account: Option<usize>,
    profile: Option<&str>,
    kind: EventKind,
    marker: &str,
    signature: impl Iterator<Item = (&'a str, &'a str)>,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = Fx::default();
    account.hash(&mut h);
    profile.hash(&mut h);
    kind.hash(&mut h);
    marker.hash(&mut h);
    for (k, v) in signature {
        k.hash(&mut h);
        v.hash(&mut h);
    }
    h.finish()
}

impl GroupKey {
    fn hash64(&self) -> u64 {
        key_hash(
            self.account,
            self.profile.as_deref(),
            self.kind,
            &self.marker,
            self.signature.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// Whether this key is of `who` (whatever its signature).
    fn is(&self, who: Who<'_>) -> bool {
        self.account == who.account
            && self.kind == who.kind
            && self.marker == who.marker
            && self.profile.as_deref() == who.profile
    }

    /// Whether this key is of `who` with exactly the signature `sig` (in key order).
    fn is_exactly<'k>(
        &self,
        who: Who<'_>,
        mut sig: impl Iterator<Item = (&'k str, &'k str)>,
    ) -> bool {
        self.is(who)
            && self
                .signature
                .iter()
                .all(|(a, b)| sig.next().is_some_and(|(c, d)| a == c && b == d))
            && sig.next().is_none()
    }
}

/// What identifies an occurrence's group, short of its signature (borrowed).
#[derive(Debug, Clone, Copy)]
struct Who<'a> {
    account: Option<usize>,
    profile: Option<&'a str>,
    kind: EventKind,
    marker: &'a str,
}

/// The exact counts of one group, and how many of its occurrences are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTally {
    pub kind: EventKind,
    pub marker: String,
    #[serde(skip)]
    pub account: Option<usize>,
    #[serde(skip)]
    pub profile: Option<String>,
    /// The values the group's occurrences share. A pooled group's are its coarse signature:
    /// `signature` = [`POOLED`], with the `problem` and the `status` its occurrences share,
    /// when its tier keeps them (see [`POOLED`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub values: BTreeMap<String, String>,
    /// Every occurrence read.
    pub occurrences: u64,
    /// Occurrences that followed another event of the same problem in the same record
    /// (`401 Unauthorized hr=0x80190191` is one failure, two markers).
    #[serde(skip)]
    pub same_record: u64,
    /// Occurrences kept as events (first, last and a spread sample).
    pub shown: u64,
    /// Routine occurrences past their kind's cap, counted with their values unread (see
    /// [`UNREAD`]; the log's `not_kept` counts them too).
    #[serde(skip)]
    pub unread: u64,
    pub first_line: u64,
    pub last_line: u64,
    /// The line of the first occurrence that may not be kept (past the first few): the kept
    /// events of this group are complete before it. `None` while all are kept.
    #[serde(skip)]
    pub complete_until: Option<u64>,
    pub first: Option<DateTime<FixedOffset>>,
    pub last: Option<DateTime<FixedOffset>>,
    /// This group's share of the log's per-minute record counts (see [`super::minutes`]: the
    /// sum over a log's tallies is the count).
    #[serde(skip)]
    pub minutes: super::minutes::Minutes,
}

impl EventTally {
    /// Occurrences read and summarised, not kept (routine ones past the cap are not among
    /// them: they are `unread`).
    pub fn hidden(&self) -> u64 {
        self.occurrences - self.shown - self.unread
    }

    /// Whether this is a pooled group (past [`Bound::groups`]): its occurrences share only
    /// what its values say (see [`POOLED`]).
    pub fn is_pooled(&self) -> bool {
        self.values.get("signature").is_some_and(|v| v == POOLED)
    }
}

/// One kept occurrence and its place in the input order. Shared: a store is cloned at every
/// tail checkpoint (`source::tail`), and a clone then costs a reference count per kept event,
/// not a copy of each event's strings and values.
pub type Seq = (u64, std::sync::Arc<LogEvent>);

#[derive(Debug, Clone)]
struct Group {
    tally: EventTally,
    first: Vec<Seq>,
    last: VecDeque<Seq>,
    spread: Vec<Seq>,
    /// Occurrences that left `last` (the reservoir's population).
    middle: u64,
    rng: u64,
}

/// splitmix64: a small deterministic generator for the reservoir (no dependency, no clock).
fn next_rand(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Group {
    fn new(key: &GroupKey, line: u64, time: Option<DateTime<FixedOffset>>, seed: u64) -> Group {
        Group {
            tally: EventTally {
                kind: key.kind,
                marker: key.marker.clone(),
                account: key.account,
                profile: key.profile.clone(),
                values: key.signature.iter().cloned().collect(),
                occurrences: 0,
                same_record: 0,
                shown: 0,
                unread: 0,
                first_line: line,
                last_line: line,
                complete_until: None,
                first: time,
                last: time,
                minutes: Default::default(),
            },
            first: Vec::new(),
            last: VecDeque::new(),
            spread: Vec::new(),
            middle: 0,
            rng: seed,
        }
    }

    /// Count an occurrence (kept or not).
    fn see(&mut self, line: u64, time: Option<DateTime<FixedOffset>>, same_record: bool) {
        let t = &mut self.tally;
        t.occurrences += 1;
        t.same_record += u64::from(same_record);
        t.last_line = line;
        if let Some(time) = time {
            if t.first.is_none_or(|f| time < f) {
                t.first = Some(time);
            }
            if t.last.is_none_or(|l| time > l) {
                t.last = Some(time);
            }
        }
    }

    /// An occurrence whose values were not read: counted; the kept events are not complete
    /// past it.
    fn see_unread(&mut self, u: &Unread) {
        self.see(u.line, u.time, false);
        self.tally.unread += 1;
        if self.tally.complete_until.is_none() {
            self.tally.complete_until = Some(u.line);
        }
    }

    fn push(&mut self, bound: &Bound, seq: u64, e: std::sync::Arc<LogEvent>, same_record: bool) {
        self.see(e.line, e.time, same_record);
        if self.first.len() < bound.first {
            self.first.push((seq, e));
            return;
        }
        if self.tally.complete_until.is_none() {
            self.tally.complete_until = Some(e.line);
        }
        self.last.push_back((seq, e));
        if self.last.len() <= bound.last {
            return;
        }
        let Some(out) = self.last.pop_front() else {
            return;
        };
        // Reservoir sampling over the occurrences between the first and the last few.
        self.middle += 1;
        if self.spread.len() < bound.spread {
            self.spread.push(out);
        } else if bound.spread > 0 {
            let j = next_rand(&mut self.rng) % self.middle;
            if let Some(slot) = usize::try_from(j).ok().and_then(|j| self.spread.get_mut(j)) {
                *slot = out;
            }
        }
    }

    fn kept(&self) -> usize {
        self.first.len() + self.last.len() + self.spread.len()
    }
}

/// Events of one source (or more), counted exactly and kept within a [`Bound`].
#[derive(Clone, Default)]
pub struct EventStore {
    bound: Bound,
    /// The groups in the order they were first seen, with their keys.
    groups: Vec<(GroupKey, Group)>,
    /// Group positions by key hash ([`key_hash`]); an event's key is hashed and compared
    /// borrowed, so an occurrence of a known group allocates nothing to find it.
    index: HashMap<u64, Vec<u32>, FxBuild>,
    /// Events absorbed so far (their input order).
    seq: u64,
    /// The record of the last occurrence counted (path of the last event, line) and the
    /// problems its events named: a second marker of one problem on one record is one failure.
    /// (An unread occurrence has no path: a store holds one log's.)
    record_path: Option<std::path::PathBuf>,
    record_line: Option<u64>,
    problems: Vec<String>,
    minute_record: super::minutes::Current,
    /// Groups of unread occurrences: all of them, and those with their own status (the rest
    /// share one per account, kind and marker). They have a budget of their own
    /// ([`Bound::groups`] / 4), so routine answers never use up the one of events read.
    unread_groups: (usize, usize),
    /// Pooled groups with a status, and pooled groups by problem alone: each tier has a budget
    /// of [`Bound::groups`] / 4 (see [`POOLED`]).
    pooled_groups: (usize, usize),
    /// Drafts saved and never sent, read over every occurrence in order.
    drafts: super::drafts::DraftLedger,
}

/// Deterministic (the groups are hashed): the counts and the kept events in absorbed order.
impl std::fmt::Debug for EventStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStore")
            .field("bound", &self.bound)
            .field("occurrences", &self.seq)
            .field("groups", &self.groups.len())
            .field("kept", &self.kept())
            .finish()
    }
}

impl EventStore {
    pub fn new(bound: Bound) -> EventStore {
        EventStore {
            bound,
            ..EventStore::default()
        }
    }

    pub fn bound(&self) -> Bound {
        self.bound
    }

    /// Count and (within the bound) keep `events`, in the order given (file order).
    pub fn absorb(&mut self, events: impl IntoIterator<Item = LogEvent>) {
        for e in events {
            self.absorb_one(e);
        }
    }

    fn absorb_one(&mut self, e: LogEvent) {
        // Shared from here: the drafts reading may keep it too.
        let e = std::sync::Arc::new(e);
        self.drafts.see(&e);
        let bound = self.bound;
        // Byte equality of the path: one source's events share one path.
        let here = match &self.record_path {
            Some(p) if p.as_os_str() == e.path.as_os_str() => self.record_line == Some(e.line),
            Some(_) => false,
            None => {
                self.record_path = Some(e.path.clone());
                self.record_line == Some(e.line)
            }
        };
        if !here {
            if self.record_path.as_deref() != Some(e.path.as_path()) {
                self.record_path = Some(e.path.clone());
            }
            self.problems.clear();
        }
        self.record_line = Some(e.line);
        let same_record = match e.values.get("problem") {
            Some(p) if self.problems.contains(p) => true,
            Some(p) => {
                self.problems.push(p.clone());
                false
            }
            None => false,
        };
        let seq = self.seq;
        self.seq += 1;
        let who = Who {
            account: e.account,
            profile: e.profile.as_deref(),
            kind: e.kind,
            marker: &e.marker,
        };
        let sig = signature_parts(&e).map(|(k, v)| (k.as_str(), v.as_str()));
        let at = self.place(who, sig, e.line, e.time, false);
        let g = &mut self.groups[at].1;
        g.tally.minutes.count(&e, here, &mut self.minute_record);
        g.push(&bound.for_group(at), seq, e, same_record);
    }

    /// Count a routine occurrence past its kind's cap in its group of unread values
    /// (account, `profile`, kind, marker, status): counted per minute too, never kept.
    pub fn count_unread(&mut self, u: &Unread, profile: Option<&str>) {
        self.drafts.see_counted(u.account, u.kind, u.status);
        let here = self.record_line == Some(u.line);
        if !here {
            self.problems.clear();
        }
        self.record_line = Some(u.line);
        self.seq += 1;
        let mut buf = [0u8; 5];
        let status = u.status.map(|s| status_text(s, &mut buf));
        let sig = status
            .map(|s| ("status", s))
            .into_iter()
            .chain(std::iter::once(("unread", UNREAD)));
        let who = Who {
            account: u.account,
            profile,
            kind: u.kind,
            marker: &u.marker,
        };
        let at = self.place(who, sig, u.line, u.time, true);
        let g = &mut self.groups[at].1;
        let bit = super::minutes::unread_bit(u.kind, u.rank, u.status);
        g.tally
            .minutes
            .count_facet(bit, u.time, u.account, here, &mut self.minute_record);
        g.see_unread(u);
    }

    /// The group of an occurrence (`who`, with signature `sig`): found by its hash, else its
    /// pooled group past the bound, else a new one.
    fn place<'k>(
        &mut self,
        who: Who<'_>,
        sig: impl Iterator<Item = (&'k str, &'k str)> + Clone,
        line: u64,
        time: Option<DateTime<FixedOffset>>,
        unread: bool,
    ) -> usize {
        if let Some(i) = self.find_exactly(who, sig.clone()) {
            return i;
        }
        let (all_unread, own_unread) = self.unread_groups;
        if unread && own_unread >= self.bound.groups / 4 {
            // Past their budget, unread occurrences share a group without a status.
            let shared = std::iter::once(("unread", UNREAD));
            let ph = key_hash(who.account, who.profile, who.kind, who.marker, shared);
            let same = |k: &GroupKey| {
                k.is(who)
                    && k.signature.len() == 1
                    && k.signature[0].0 == "unread"
                    && k.signature[0].1 == UNREAD
            };
            if let Some(i) = self.find(ph, same) {
                return i;
            }
            self.unread_groups.0 += 1;
            let signature = vec![("unread".to_string(), UNREAD.to_string())];
            return self.new_group(who, signature, line, time);
        }
        if unread {
            self.unread_groups = (all_unread + 1, own_unread + 1);
            let signature = sig.map(|(k, v)| (k.to_string(), v.to_string())).collect();
            return self.new_group(who, signature, line, time);
        }
        if self.groups.len() - all_unread >= self.bound.groups {
            return self.place_pooled(who, sig, line, time);
        }
        self.new_group(who, owned(sig), line, time)
    }

    /// The pooled group of an occurrence read past [`Bound::groups`]: by (problem, status),
    /// else by problem, else the bare one, as their budgets allow (see [`POOLED`]).
    fn place_pooled<'k>(
        &mut self,
        who: Who<'_>,
        sig: impl Iterator<Item = (&'k str, &'k str)>,
        line: u64,
        time: Option<DateTime<FixedOffset>>,
    ) -> usize {
        let (mut problem, mut status) = (None, None);
        for (k, v) in sig {
            match k {
                "problem" => problem = Some(v),
                "status" if is_status(v) => status = Some(v),
                _ => {}
            }
        }
        // In key order: "problem" < "signature" < "status".
        let coarse = |problem: Option<&'k str>, status: Option<&'k str>| {
            problem
                .map(|p| ("problem", p))
                .into_iter()
                .chain(std::iter::once(("signature", POOLED)))
                .chain(status.map(|s| ("status", s)))
        };
        let budget = self.bound.groups / 4;
        if status.is_some() {
            if let Some(i) = self.find_exactly(who, coarse(problem, status)) {
                return i;
            }
            if self.pooled_groups.0 < budget {
                self.pooled_groups.0 += 1;
                let signature = owned(coarse(problem, status));
                return self.new_group(who, signature, line, time);
            }
        }
        if problem.is_some() {
            if let Some(i) = self.find_exactly(who, coarse(problem, None)) {
                return i;
            }
            if self.pooled_groups.1 < budget {
                self.pooled_groups.1 += 1;
                let signature = owned(coarse(problem, None));
                return self.new_group(who, signature, line, time);
            }
        }
        if let Some(i) = self.find_exactly(who, coarse(None, None)) {
            return i;
        }
        let signature = owned(coarse(None, None));
        self.new_group(who, signature, line, time)
    }

    /// The group of `who` whose signature is exactly `sig` (in key order), found by its hash
    /// and compared borrowed: nothing is allocated.
    fn find_exactly<'k>(
        &self,
        who: Who<'_>,
        sig: impl Iterator<Item = (&'k str, &'k str)> + Clone,
    ) -> Option<usize> {
        let h = key_hash(who.account, who.profile, who.kind, who.marker, sig.clone());
        self.find(h, |k| k.is_exactly(who, sig.clone()))
    }

    /// A new group of `who` with `signature`, first seen at `line`.
    fn new_group(
        &mut self,
        who: Who<'_>,
        signature: Vec<(String, String)>,
        line: u64,
        time: Option<DateTime<FixedOffset>>,
    ) -> usize {
        let key = GroupKey {
            account: who.account,
            profile: who.profile.map(str::to_string),
            kind: who.kind,
            marker: who.marker.to_string(),
            signature,
        };
        let n = self.groups.len();
        let g = Group::new(&key, line, time, 0x5EED_0000_0000_0000 ^ n as u64);
        self.index.entry(key.hash64()).or_default().push(n as u32);
        self.groups.push((key, g));
        n
    }

    /// The group with key hash `h` whose key passes `eq`.
    fn find(&self, h: u64, eq: impl Fn(&GroupKey) -> bool) -> Option<usize> {
        self.index
            .get(&h)?
            .iter()
            .map(|&i| i as usize)
            .find(|&i| eq(&self.groups[i].0))
    }

    /// The drafts saved and never sent among the occurrences so far, per account.
    pub fn drafts(&self) -> Vec<super::DraftTally> {
        self.drafts.tallies()
    }

    /// Every occurrence absorbed.
    pub fn occurrences(&self) -> u64 {
        self.seq
    }

    /// Events kept now.
    pub fn kept_len(&self) -> usize {
        self.groups.iter().map(|(_, g)| g.kept()).sum()
    }

    /// The kept events in the order they were absorbed.
    pub fn kept(&self) -> Vec<LogEvent> {
        let mut all: Vec<&Seq> = self
            .groups
            .iter()
            .flat_map(|(_, g)| g.first.iter().chain(g.last.iter()).chain(g.spread.iter()))
            .collect();
        all.sort_unstable_by_key(|(s, _)| *s);
        all.into_iter().map(|(_, e)| LogEvent::clone(e)).collect()
    }

    /// The kept events (in absorbed order) and every group's tally (ordered by kind, marker,
    /// values), consuming the store.
    pub fn finish(self) -> (Vec<LogEvent>, Vec<EventTally>) {
        self.finish_with(|s| std::sync::Arc::unwrap_or_clone(s.1))
    }
    /// [`EventStore::finish`], each kept event (with its place in the order) passed to `f`.
    pub fn finish_with<T>(self, f: impl FnMut(Seq) -> T) -> (Vec<T>, Vec<EventTally>) {
        let mut all: Vec<Seq> = Vec::new();
        let mut tallies = Vec::with_capacity(self.groups.len());
        for (_, g) in self.groups {
            let mut t = g.tally;
            t.minutes.settle();
            t.shown = (g.first.len() + g.last.len() + g.spread.len()) as u64;
            tallies.push(t);
            all.extend(g.first);
            all.extend(g.last);
            all.extend(g.spread);
        }
        all.sort_unstable_by_key(|(s, _)| *s);
        let all = all.into_iter().map(f);
        tallies.sort_by(|a, b| {
            (
                a.kind,
                &a.marker,
                a.account,
                &a.profile,
                &a.values,
                a.first_line,
            )
                .cmp(&(
                    b.kind,
                    &b.marker,
                    b.account,
                    &b.profile,
                    &b.values,
                    b.first_line,
                ))
        });
        (all.collect(), tallies)
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
