//! Bounded event storage: every event is counted, a bounded number is kept.
//!
//! Events are grouped by (account, profile, kind, marker, signature), where the signature is the
//! values that tell occurrences apart for the rules (status, code, problem, policy values,
//! client version, …; never free text such as messages or URLs). Each group counts every
//! occurrence exactly and keeps the first [`Bound::first`], the last [`Bound::last`], and a
//! spread sample of [`Bound::spread`] of those in between (a reservoir with a fixed seed, so
//! the same input keeps the same events). The number of groups is bounded too: past
//! [`Bound::groups`], new signatures share one group per (account, kind, marker).
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

/// The signature value of a pooled group (past [`Bound::groups`]).
pub const POOLED: &str = "(more signatures)";

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

    /// Whether this is a pooled key (past [`Bound::groups`]).
    fn is_pooled(&self) -> bool {
        self.signature.len() == 1
            && self.signature[0].0 == "signature"
            && self.signature[0].1 == POOLED
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
    /// The values the group's occurrences share (empty for a pooled group).
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

    fn push(&mut self, bound: &Bound, seq: u64, e: LogEvent, same_record: bool) {
        self.see(e.line, e.time, same_record);
        if self.first.len() < bound.first {
            self.first.push((seq, std::sync::Arc::new(e)));
            return;
        }
        if self.tally.complete_until.is_none() {
            self.tally.complete_until = Some(e.line);
        }
        self.last.push_back((seq, std::sync::Arc::new(e)));
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
        g.push(&bound, seq, e, same_record);
    }

    /// Count a routine occurrence past its kind's cap in its group of unread values
    /// (account, `profile`, kind, marker, status): counted per minute too, never kept.
    pub fn count_unread(&mut self, u: &Unread, profile: Option<&str>) {
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
        let h = key_hash(who.account, who.profile, who.kind, who.marker, sig.clone());
        let same = |k: &GroupKey| {
            let mut theirs = sig.clone();
            k.is(who)
                && k.signature
                    .iter()
                    .all(|(a, b)| theirs.next().is_some_and(|(c, d)| a == c && b == d))
                && theirs.next().is_none()
        };
        if let Some(i) = self.find(h, same) {
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
        let pooled = self.groups.len() - all_unread >= self.bound.groups;
        let signature: Vec<(String, String)> = if pooled {
            let ph = key_hash(
                who.account,
                who.profile,
                who.kind,
                who.marker,
                std::iter::once(("signature", POOLED)),
            );
            if let Some(i) = self.find(ph, |k| k.is(who) && k.is_pooled()) {
                return i;
            }
            vec![("signature".into(), POOLED.into())]
        } else {
            sig.map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        self.new_group(who, signature, line, time)
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
mod tests {
    use super::*;

    fn ev(line: u64, status: &str) -> LogEvent {
        LogEvent {
            path: "L.UccApilog".into(),
            line,
            time: None,
            level: None,
            thread: None,
            kind: EventKind::EwsFailure,
            marker: "ews-http-denied".into(),
            account: Some(0),
            profile: None,
            excerpt: format!("line {line}"),
            values: [
                ("status".to_string(), status.to_string()),
                ("url".to_string(), format!("https://x/{line}")),
            ]
            .into(),
        }
    }

    #[test]
    fn counts_all_keeps_first_last_and_spread() {
        let b = Bound {
            first: 2,
            last: 3,
            spread: 4,
            groups: 8,
            ..Bound::default()
        };
        let mut s = EventStore::new(b);
        s.absorb((1..=1000).map(|l| ev(l, "401")));
        s.absorb((1001..=1010).map(|l| ev(l, "503")));
        assert_eq!(s.occurrences(), 1010);
        assert_eq!(s.kept_len(), 9 + 9);
        let (kept, tallies) = s.finish();
        let lines: Vec<u64> = kept.iter().map(|e| e.line).collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "input order");
        assert_eq!(&lines[..2], [1, 2]);
        assert!(lines.contains(&998) && lines.contains(&999) && lines.contains(&1000));
        assert_eq!(lines.last(), Some(&1010));
        let t401 = tallies
            .iter()
            .find(|t| t.values.get("status").map(String::as_str) == Some("401"))
            .expect("401");
        assert_eq!((t401.occurrences, t401.shown), (1000, 9));
        assert_eq!((t401.first_line, t401.last_line), (1, 1000));
        assert!(
            !t401.values.contains_key("url"),
            "free text is no signature"
        );
    }

    #[test]
    fn past_the_group_bound_signatures_are_pooled_and_still_counted() {
        let b = Bound {
            first: 1,
            last: 1,
            spread: 0,
            groups: 3,
            ..Bound::default()
        };
        let mut s = EventStore::new(b);
        s.absorb((1..=100).map(|l| ev(l, &l.to_string())));
        let (kept, tallies) = s.finish();
        assert_eq!(tallies.len(), 4);
        assert_eq!(tallies.iter().map(|t| t.occurrences).sum::<u64>(), 100);
        let pooled = tallies
            .iter()
            .find(|t| t.values.get("signature").map(String::as_str) == Some(POOLED))
            .expect("pooled");
        assert_eq!((pooled.occurrences, pooled.shown), (97, 2));
        assert_eq!(kept.len(), 3 + 2);
    }

    /// Unread occurrences have a group budget of their own: past it they share one group per
    /// account, kind and marker (no status), and they never push events read into the pool.
    #[test]
    fn unread_groups_have_their_own_budget() {
        let b = Bound {
            groups: 8,
            ..Bound::default()
        };
        let mut s = EventStore::new(b);
        for (i, status) in (200u16..260).enumerate() {
            let u = Unread {
                line: i as u64 + 1,
                time: None,
                rank: 1,
                account: Some(0),
                kind: EventKind::HttpStatus,
                marker: "http-status".into(),
                status: Some(status),
            };
            s.count_unread(&u, None);
        }
        s.absorb((1000..1008).map(|l| ev(l, &l.to_string())));
        let (kept, tallies) = s.finish();
        let unread: Vec<&EventTally> = tallies.iter().filter(|t| t.unread > 0).collect();
        assert_eq!(unread.len(), 2 + 1, "two with a status, then one shared");
        assert_eq!(unread.iter().map(|t| t.occurrences).sum::<u64>(), 60);
        let shared = unread
            .iter()
            .find(|t| !t.values.contains_key("status"))
            .expect("shared");
        assert_eq!(
            (shared.occurrences, shared.shown, shared.hidden()),
            (58, 0, 0)
        );
        assert!(
            tallies.iter().all(|t| !t.values.contains_key("signature")),
            "no event read was pooled: {tallies:?}"
        );
        assert_eq!(kept.len(), 8);
    }

    #[test]
    fn a_second_marker_on_one_record_is_noted() {
        let mut s = EventStore::new(Bound::default());
        let mut b = ev(7, "401");
        b.marker = "ews-hresult-denied".into();
        b.values.insert("problem".into(), "auth".into());
        let mut a = ev(7, "401");
        a.values.insert("problem".into(), "auth".into());
        s.absorb([a, b, ev(8, "401")]);
        let (_, t) = s.finish();
        assert_eq!(t.iter().map(|t| t.same_record).sum::<u64>(), 1);
    }
}
