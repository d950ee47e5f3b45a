//! What every log parser shares: recognising a log kind from its content, the time zone of
//! zone-less timestamps, the per-source result, and the dispatch from kind to parser.

use crate::model::{EventKind, LogEvent, SourceKind};
use crate::parse::markers::{Classifier, Hit, Markers, Record};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use std::path::Path;

/// How to read timestamps that carry no zone (UccApilog, text logs): see [`crate::clock`].
pub use crate::clock::{Zone as LogTz, ZoneError as LogTzError};

/// How to parse and classify one log.
#[derive(Debug, Clone)]
pub struct ParseOptions<'a> {
    pub markers: &'a Markers,
    pub tz: LogTz,
    /// A chrono format for the timestamp at the start of a record in text logs.
    pub time_format: Option<&'a str>,
    pub profile: Option<String>,
    /// Accounts the log may belong to: (index, lower-case sign-in address). An event goes to
    /// the account whose address it names, else to the only candidate.
    pub accounts: &'a [(usize, String)],
    /// How many occurrences of each group of events are kept (all are counted).
    pub bound: crate::model::EventBound,
}

impl<'a> ParseOptions<'a> {
    /// Zone-less times read as UTC, no text-log time format, no profile, no accounts: the
    /// plain options tests, benches and fuzz targets parse with.
    pub fn utc(markers: &'a Markers) -> ParseOptions<'a> {
        ParseOptions {
            markers,
            tz: LogTz::Utc,
            time_format: None,
            profile: None,
            accounts: &[],
            bound: crate::model::EventBound::default(),
        }
    }
}

/// What one log gave.
#[derive(Debug, Default, Clone)]
pub struct LogOutput {
    pub kind: Option<SourceKind>,
    pub encoding: &'static str,
    pub records: u64,
    /// Lines passed over (before the first record, headers, unparseable rows).
    pub skipped: u64,
    /// Lines cut at the length cap.
    pub truncated_lines: u64,
    /// Events the converter could not decode (tracerpt `ProcessingErrorData`).
    pub undecoded: u64,
    /// Record headers whose date or time is impossible (kept, without a time).
    pub bad_times: u64,
    pub lines: u64,
    pub first: Option<DateTime<FixedOffset>>,
    pub last: Option<DateTime<FixedOffset>>,
    /// While parsing: the events of the records not yet settled into `store` (a parser may
    /// still add values to them). After [`parse_log`](super::parse_log): the kept events.
    pub events: Vec<LogEvent>,
    /// Every event counted, a bounded number kept (see [`crate::model::EventStore`]).
    pub store: crate::model::EventStore,
    /// After [`parse_log`](super::parse_log): the exact count of every group of events.
    pub tallies: Vec<crate::model::EventTally>,
    /// After [`parse_log`](super::parse_log): drafts saved and never sent, per account, read
    /// over every event (see [`crate::model::DraftLedger`]).
    pub drafts: Vec<crate::model::DraftTally>,
    /// Heuristics used, in words.
    pub notes: Vec<String>,
    /// Problems that did not stop the parse (e.g. XML that ends early).
    pub problems: Vec<String>,
    /// Part of the log was not read and may hold evidence (a line or record past its cap
    /// holding marker text, UTF-8 text after UTF-16 text): one of `problems` says which, and
    /// the run is not an all-clear (`scan-incomplete`).
    pub part_unread: bool,
    /// The last line had no ending: the file is probably still being written.
    pub growing: bool,
    /// Events seen, by kind (kept or not).
    pub counts: std::collections::BTreeMap<EventKind, u64>,
    /// Routine events counted but not kept (over [`ROUTINE_CAP`] of their kind).
    pub not_kept: u64,
    /// Lines of over-long records (past [`crate::parse::markers::RECORD_CAP`]) counted, not classified.
    pub unclassified_lines: u64,
    /// The first of those lines that holds text a marker looks for (see [`Record::probe`]).
    pub unclassified_hit: Option<u64>,
    /// For a binary `.etl`: its logfile header and buffer counts.
    pub etl: Option<crate::model::EtlSummary>,
    /// When set (a live session's tail read), every notable event ([`LogEvent::notable`])
    /// settled is taken here too, kept by the bounded store or not (see [`super::fresh`]):
    /// `watch` writes one `log-event` line per record read, not per record kept.
    pub fresh: Option<super::fresh::Fresh>,
    kept_routine: std::collections::BTreeMap<EventKind, u64>,
    versions: std::collections::BTreeSet<(String, String)>,
    /// Routine occurrences past the cap, each with the number of `events` before it: they go
    /// into the store in that order when it settles.
    unread: Vec<(usize, Unread)>,
    /// The profile of the unread occurrences (every event of one read shares one).
    unread_profile: Option<String>,
}

use crate::model::Unread;

/// Routine events (SIP traffic, EWS requests other than saves and sends, HTTP statuses below
/// 400, repeated client versions) kept per kind and source by default ([`crate::model::EventBound::routine`]);
/// more are counted, with their values unread, not kept, so memory stays bounded on a 1 GB log.
/// Failures, policies, SIP errors, HTTP failure statuses and new client versions are always kept,
/// and saves and sends always read whole (within the store's bound, like every event).
pub const ROUTINE_CAP: u64 = 1000;

/// Distinct client versions (with their direction) remembered to tell a repeated one; a log of
/// ever new versions must not grow the set without end.
const VERSIONS_SEEN: usize = 4096;

/// Whether an event of `kind` with these values is routine (see [`LogOutput::push_event`]).
fn is_routine(
    kind: EventKind,
    values: &std::collections::BTreeMap<String, String>,
    versions: &std::collections::BTreeSet<(String, String)>,
) -> bool {
    let status = values
        .get("status")
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    match kind {
        k if always_routine(k) => true,
        // Auth challenges (401/407) are part of every sign-in; 480 and errors are kept.
        EventKind::SipResponse => status < 400 || status == 401 || status == 407,
        // An HTTP failure status is a failure: kept (and so a `watch` line) however many
        // routine statuses came before it.
        EventKind::HttpStatus => status < 400,
        // A client version already seen (same version, same direction) is routine.
        EventKind::ClientVersion => versions.contains(&version_key(values)),
        // Saves and sends are read whole, every one: the drafts reading needs them all
        // (`model::drafts`).
        EventKind::EwsRequest => !values.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("operation") && crate::model::drafts::is_draft_operation(v)
        }),
        _ => false,
    }
}

/// Kinds whose events are all routine.
fn always_routine(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::SipRequest
            | EventKind::Other
            | EventKind::SignIn
            | EventKind::SignOut
            | EventKind::Autodiscover
    )
}

/// Whether an event of `kind` can be routine (see [`is_routine`]).
fn may_be_routine(kind: EventKind) -> bool {
    always_routine(kind)
        || matches!(
            kind,
            EventKind::SipResponse
                | EventKind::HttpStatus
                | EventKind::ClientVersion
                | EventKind::EwsRequest
        )
}

/// What makes a client-version event new: its version and direction.
fn version_key(values: &std::collections::BTreeMap<String, String>) -> (String, String) {
    (
        values.get("version").cloned().unwrap_or_default(),
        values.get("direction").cloned().unwrap_or_default(),
    )
}

impl LogOutput {
    /// Whether [`LogOutput::push_event`] would count an event with these values but not keep
    /// it (routine, and its kind is at the cap). Lets the classifier skip the costly parts.
    pub fn would_drop(
        &self,
        kind: EventKind,
        values: &std::collections::BTreeMap<String, String>,
    ) -> bool {
        self.kept_routine
            .get(&kind)
            .is_some_and(|&n| n >= self.store.bound().routine)
            && is_routine(kind, values, &self.versions)
    }

    /// Count an event and keep it unless it is routine and its kind is over the cap. Returns
    /// the kind when it has just reached the cap and is always routine (so the classifier can
    /// stop extracting it).
    pub fn push_event(&mut self, e: LogEvent) -> Option<EventKind> {
        let unread = Unread {
            line: e.line,
            time: e.time,
            rank: crate::model::minutes::level_rank(&e),
            account: e.account,
            kind: e.kind,
            marker: e.marker.as_str().into(),
            status: e.values.get("status").and_then(|s| s.parse().ok()),
        };
        let profile = e.profile.clone();
        self.push_event_or(e, unread, profile.as_ref())
    }

    /// [`LogOutput::push_event`], with what the event is counted as if it is not kept.
    fn push_event_or(
        &mut self,
        e: LogEvent,
        unread: Unread,
        profile: Option<&String>,
    ) -> Option<EventKind> {
        let routine = is_routine(e.kind, &e.values, &self.versions);
        if e.kind == EventKind::ClientVersion && !routine && self.versions.len() < VERSIONS_SEEN {
            // (Past the bound a new version stays "new": kept within the store's bound.)
            self.versions.insert(version_key(&e.values));
        }
        let mut full = None;
        if routine {
            let n = self.kept_routine.entry(e.kind).or_default();
            let cap = self.store.bound().routine;
            if *n >= cap {
                self.push_unread(unread, profile);
                return None;
            }
            *n += 1;
            let always = always_routine(e.kind);
            if *n == cap && always {
                full = Some(e.kind);
            }
        }
        *self.counts.entry(e.kind).or_default() += 1;
        self.events.push(e);
        full
    }

    /// A routine occurrence past the cap: counted (per kind, and in the store's unread group
    /// when the store settles), not kept.
    pub fn push_unread(&mut self, u: Unread, profile: Option<&String>) {
        *self.counts.entry(u.kind).or_default() += 1;
        self.not_kept += 1;
        if self.unread_profile.as_ref() != profile {
            self.unread_profile = profile.cloned();
        }
        self.unread.push((self.events.len(), u));
    }
}

impl LogOutput {
    /// An empty output whose store keeps occurrences within `bound`.
    pub fn bounded(bound: crate::model::EventBound) -> LogOutput {
        LogOutput {
            store: crate::model::EventStore::new(bound),
            ..LogOutput::default()
        }
    }

    /// Move the events (and unread occurrences) of finished records into the bounded store, in
    /// the order they came.
    /// The events of the record [`emit`] classified last (before the next one settles them
    /// into the store), for a reader to add what only it knows (the trace kind, a decoding
    /// note).
    pub fn record_events(&mut self) -> &mut [LogEvent] {
        &mut self.events
    }

    pub fn settle(&mut self) {
        if let Some(fresh) = &mut self.fresh {
            for e in self.events.iter().filter(|e| e.notable()) {
                fresh.take(e);
            }
        }
        if self.unread.is_empty() {
            if !self.events.is_empty() {
                self.store.absorb(self.events.drain(..));
            }
            return;
        }
        let profile = self.unread_profile.as_deref();
        let mut unread = self.unread.drain(..).peekable();
        for (i, e) in self.events.drain(..).enumerate() {
            while let Some((_, u)) = unread.next_if(|(at, _)| *at <= i) {
                self.store.count_unread(&u, profile);
            }
            self.store.absorb(std::iter::once(e));
        }
        for (_, u) in unread {
            self.store.count_unread(&u, profile);
        }
    }

    /// Settle, then give `events` the kept events and `tallies` the exact counts.
    pub fn finish(&mut self) {
        self.settle();
        let bound = self.store.bound();
        let store = std::mem::replace(&mut self.store, crate::model::EventStore::new(bound));
        self.drafts = store.drafts();
        let (events, tallies) = store.finish();
        self.events = events;
        self.tallies = tallies;
    }

    pub fn see_time(&mut self, t: Option<DateTime<FixedOffset>>) {
        if let Some(t) = t {
            if self.first.is_none_or(|f| t < f) {
                self.first = Some(t);
            }
            if self.last.is_none_or(|l| t > l) {
                self.last = Some(t);
            }
        }
    }

    pub fn note(&mut self, s: &str) {
        if !self.notes.iter().any(|n| n == s) {
            self.notes.push(s.to_string());
        }
    }
}

/// Classify a finished record and turn hits into events: the record's events are
/// [`LogOutput::record_events`] until the next record settles them into the store.
pub fn emit(
    c: &mut Classifier<'_>,
    rec: &Record,
    hits: &mut Vec<Hit>,
    path: &Path,
    opts: &ParseOptions<'_>,
    out: &mut LogOutput,
) {
    emit_with(c, rec, hits, path, opts, out, false);
}

/// [`emit`]; `prepared`: the record was given to [`Classifier::prepare`] (by the reading
/// thread).
pub(super) fn emit_with(
    c: &mut Classifier<'_>,
    rec: &Record,
    hits: &mut Vec<Hit>,
    path: &Path,
    opts: &ParseOptions<'_>,
    out: &mut LogOutput,
    prepared: bool,
) {
    out.settle();
    hits.clear();
    out.unclassified_lines += rec.dropped_lines;
    out.unclassified_hit = out.unclassified_hit.or(rec.dropped_hit);
    {
        let seen: &LogOutput = out;
        let drop = |kind, values: &_| seen.would_drop(kind, values);
        match prepared {
            true => c.extract(rec, None, hits, &drop),
            false => c.classify_with(rec, hits, &drop),
        }
    }
    if hits.is_empty() {
        return;
    }
    let mut items = Vec::with_capacity(hits.len());
    classified_of(hits, rec, path, opts, &mut items);
    out.apply(items, &mut c.count_only, opts.profile.as_ref());
}

/// A record's hits as what the output takes (events, and occurrences only counted), in the
/// order it takes them. Hits come out marker by marker; the store and the per-minute counts
/// take the events of one row (line and account) as one record only when they come one after
/// another, so they go in by (line, account), in marker order within that.
fn classified_of(
    hits: &mut Vec<Hit>,
    rec: &Record,
    path: &Path,
    opts: &ParseOptions<'_>,
    items: &mut Vec<Classified>,
) {
    let first = items.len();
    let mut lower: Option<String> = None;
    let rank = crate::model::minutes::rank_of(rec.level.as_deref());
    for h in hits.drain(..) {
        // What the hit is counted as if it is not kept: its account by what the record names
        // (a count-only hit has no SIP `From` to go by; a built event is counted the same).
        let routine = may_be_routine(h.kind);
        let unread = Unread {
            line: h.line,
            time: rec.time,
            rank,
            account: match routine {
                true => attribute(None, rec, opts.accounts, &mut lower),
                false => None,
            },
            kind: h.kind,
            marker: opts.markers.shared_id(h.index),
            status: h.status,
        };
        if h.marker.is_empty() {
            // A count-only hit (routine, over the cap).
            items.push(Classified::Unread(unread));
            continue;
        }
        let mut ev = h.into_event(rec, path, opts.profile.as_ref());
        let from = ev.values.get("from_address").map(String::as_str);
        ev.account = attribute(from, rec, opts.accounts, &mut lower);
        items.push(Classified::Event(ev, unread));
    }
    let mine = &mut items[first..];
    // The order must not depend on whether a routine hit was built (on the reading thread, with
    // an older view, it may be; here it may only be counted): routine ones go by the account
    // they are counted under, whichever they are.
    let key = |c: &Classified| match c {
        Classified::Event(e, u) if may_be_routine(e.kind) => (e.line, u.account),
        Classified::Event(e, _) => (e.line, e.account),
        Classified::Unread(u) => (u.line, u.account),
        Classified::Record { .. } => (0, None),
    };
    if mine.windows(2).any(|w| key(&w[0]) > key(&w[1])) {
        mine.sort_by_key(key);
    }
}

/// What classifying one record on a worker thread gave, in order, for [`LogOutput::apply`]:
/// the record's start (and its lines past the record cap), then its events (each with what it
/// is counted as if not kept) and its occurrences only counted.
#[derive(Debug)]
// Nearly every item is an event: boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
pub enum Classified {
    Record {
        dropped_lines: u64,
        dropped_hit: Option<u64>,
    },
    Unread(Unread),
    Event(LogEvent, Unread),
}

/// What decides, on a worker thread, that a routine hit will only be counted: a copy of the
/// output's state ([`LogOutput::drop_view`]). Everything it holds only grows while a log is
/// read, so an old copy can only say "keep" where the output would drop: the worker then
/// builds an event that [`LogOutput::apply`] drops, and the counts are the same.
///
/// Its client versions are brought up to date only when their number has doubled: a copy at
/// every new version would be quadratic on a log of ever new versions (the copies now add up to
/// at most twice the set). A version the view lacks is built on the worker, and the output drops
/// it if it is a repeat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DropView {
    full: Vec<EventKind>,
    versions: std::collections::BTreeSet<(String, String)>,
    /// Kinds found only as counts (the classifier's `count_only`).
    pub count_only: Vec<EventKind>,
}

impl DropView {
    /// As [`LogOutput::would_drop`] on the output the view was taken from.
    pub fn would_drop(
        &self,
        kind: EventKind,
        values: &std::collections::BTreeMap<String, String>,
    ) -> bool {
        self.full.contains(&kind) && is_routine(kind, values, &self.versions)
    }
}

/// Classify a record given to [`Classifier::prepare`] (the per-record half of [`emit`], for
/// a worker thread): its outcome goes to `items`, for [`LogOutput::apply`] in record order.
pub fn classify_prepared(
    c: &mut Classifier<'_>,
    rec: &Record,
    view: &DropView,
    hits: &mut Vec<Hit>,
    path: &Path,
    opts: &ParseOptions<'_>,
    items: &mut Vec<Classified>,
) {
    hits.clear();
    c.extract(rec, Some(&view.count_only), hits, &|kind, values| {
        view.would_drop(kind, values)
    });
    if hits.is_empty() && rec.dropped_lines == 0 {
        return;
    }
    items.push(Classified::Record {
        dropped_lines: rec.dropped_lines,
        dropped_hit: rec.dropped_hit,
    });
    classified_of(hits, rec, path, opts, items);
}

impl LogOutput {
    /// Take what [`classify_prepared`] gave, record by record, as [`emit`] would have; kinds
    /// that reach their cap go to `count_only`.
    pub fn apply(
        &mut self,
        items: impl IntoIterator<Item = Classified>,
        count_only: &mut Vec<EventKind>,
        profile: Option<&String>,
    ) {
        for item in items {
            match item {
                Classified::Record {
                    dropped_lines,
                    dropped_hit,
                } => {
                    self.settle();
                    self.unclassified_lines += dropped_lines;
                    self.unclassified_hit = self.unclassified_hit.or(dropped_hit);
                }
                Classified::Unread(u) => self.push_unread(u, profile),
                Classified::Event(e, u) => {
                    if let Some(k) = self.push_event_or(e, u, profile) {
                        count_only.push(k);
                    }
                }
            }
        }
    }

    /// What a worker needs to tell routine hits that will only be counted (see [`DropView`]).
    pub fn drop_view(&self, count_only: &[EventKind]) -> DropView {
        DropView {
            full: self
                .kept_routine
                .iter()
                .filter(|(_, &n)| n >= self.store.bound().routine)
                .map(|(&k, _)| k)
                .collect(),
            versions: self.versions.clone(),
            count_only: count_only.to_vec(),
        }
    }

    /// Changes when [`LogOutput::drop_view`] would give something new (it only grows); client
    /// versions count only when their number reaches a power of two (see [`DropView`]).
    pub fn drop_stamp(&self, count_only: &[EventKind]) -> (usize, usize, u32) {
        (
            self.kept_routine
                .values()
                .filter(|&&n| n >= self.store.bound().routine)
                .count(),
            count_only.len(),
            usize::BITS - self.versions.len().leading_zeros(),
        )
    }
}

/// The account an event belongs to: the one whose address the SIP `From` names, else the one
/// the record names, else the only candidate.
fn attribute(
    from: Option<&str>,
    rec: &Record,
    accounts: &[(usize, String)],
    lower: &mut Option<String>,
) -> Option<usize> {
    match accounts {
        [] => return None,
        [(i, _)] => return Some(*i),
        _ => {}
    }
    if let Some(f) = from {
        let f = f.to_ascii_lowercase();
        if let Some((i, _)) = accounts.iter().find(|(_, a)| *a == f) {
            return Some(*i);
        }
    }
    let text = lower.get_or_insert_with(|| rec.text().to_lowercase());
    let named: Vec<usize> = accounts
        .iter()
        .filter(|(_, a)| text.contains(a.as_str()))
        .map(|(i, _)| *i)
        .collect();
    match named.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// `MM/DD/YYYY|HH:MM:SS.mmm` at the start of a line: the UccApilog record shape.
pub fn uccapilog_stamp(l: &str) -> bool {
    let b = l.as_bytes();
    b.len() >= 23
        && b[2] == b'/'
        && b[5] == b'/'
        && b[10] == b'|'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && [0, 1, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

/// A naive timestamp from strings, `None` when impossible (month 13, 25 o'clock…).
pub fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<NaiveDateTime> {
    chrono::NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_milli_opt(h, mi, s, ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::logs::{kind_by_name, sniff_kind};

    /// `would_drop` (the classifier's shortcut) and `push_event` use one routine rule: for
    /// every kind at the cap, an event is dropped exactly when `would_drop` said so.
    #[test]
    fn would_drop_predicts_push_event_for_every_kind() {
        let ev = |kind: EventKind, vals: &[(&str, &str)]| LogEvent {
            path: "x".into(),
            line: 1,
            time: None,
            level: None,
            thread: None,
            kind,
            marker: "m".into(),
            account: None,
            profile: None,
            excerpt: String::new(),
            values: vals
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let cases: Vec<LogEvent> = vec![
            ev(EventKind::SipRequest, &[]),
            ev(EventKind::SipResponse, &[("status", "200")]),
            ev(EventKind::SipResponse, &[("status", "407")]),
            ev(EventKind::SipResponse, &[("status", "480")]),
            ev(EventKind::EwsRequest, &[]),
            // Saves and sends are never dropped, whatever the case of the key (the drafts
            // reading needs each one).
            ev(EventKind::EwsRequest, &[("operation", "SendItem")]),
            ev(EventKind::EwsRequest, &[("Operation", "createitem")]),
            ev(EventKind::EwsFailure, &[("status", "500")]),
            ev(EventKind::Policy, &[("policy", "EnableIMAutoArchiving")]),
            ev(
                EventKind::ClientVersion,
                &[("version", "16.0.1"), ("direction", "out")],
            ),
            ev(
                EventKind::ClientVersion,
                &[("version", "16.0.2"), ("direction", "out")],
            ),
        ];
        let mut o = LogOutput::default();
        // Fill every routine kind to the cap (client version 16.0.1 seen once, then repeated).
        for kind in [
            EventKind::SipRequest,
            EventKind::SipResponse,
            EventKind::EwsRequest,
        ] {
            for _ in 0..ROUTINE_CAP {
                o.push_event(ev(kind, &[("status", "200")]));
            }
        }
        for _ in 0..=ROUTINE_CAP {
            o.push_event(ev(
                EventKind::ClientVersion,
                &[("version", "16.0.1"), ("direction", "out")],
            ));
        }
        let mut dropped = Vec::new();
        for e in cases {
            let predicted = o.would_drop(e.kind, &e.values);
            let before = o.events.len();
            o.push_event(e.clone());
            let was_dropped = o.events.len() == before;
            assert_eq!(predicted, was_dropped, "{:?} {:?}", e.kind, e.values);
            dropped.push(was_dropped);
        }
        assert_eq!(
            dropped,
            [true, true, true, false, true, false, false, false, false, true, false]
        );
    }

    #[test]
    fn routine_events_are_counted_but_capped_and_failures_always_kept() {
        let ev = |kind: EventKind, status: &str| LogEvent {
            path: "x".into(),
            line: 1,
            time: None,
            level: None,
            thread: None,
            kind,
            marker: "m".into(),
            account: None,
            profile: None,
            excerpt: String::new(),
            values: [("status".to_string(), status.to_string())].into(),
        };
        let mut o = LogOutput::default();
        let mut full = None;
        for _ in 0..ROUTINE_CAP + 10 {
            full = full.or(o.push_event(ev(EventKind::SipRequest, "")));
            o.push_event(ev(EventKind::SipResponse, "480"));
            o.push_event(ev(EventKind::EwsFailure, "401"));
        }
        let n = ROUTINE_CAP + 10;
        assert_eq!(o.counts[&EventKind::SipRequest], n);
        assert_eq!(full, Some(EventKind::SipRequest));
        let kept = |k| o.events.iter().filter(|e| e.kind == k).count() as u64;
        assert_eq!(kept(EventKind::SipRequest), ROUTINE_CAP);
        assert_eq!(kept(EventKind::SipResponse), n, "480s are always kept");
        assert_eq!(kept(EventKind::EwsFailure), n);
        assert_eq!(o.not_kept, 10);
    }

    /// A user marker anchored at the start of the text (`\A`) matches a continuation line on
    /// its own but not the record's text: past its kind's cap it is still counted, as often as
    /// before the cap.
    #[test]
    fn anchored_user_markers_are_counted_alike_past_the_cap() {
        let file = r#"
[[marker]]
id = "answer-line"
kind = "http-status"
pattern = '''\AHTTP/1\.1 (?P<status>\d{3})'''
"#;
        let m = Markers::build(&[(file, "user")]).expect("markers");
        let mut s = String::new();
        for i in 0..20u32 {
            s.push_str(&format!(
                "03/02/2026|09:40:{i:02}.101 1F68:C14 INFO  :: EWS response\r\nHTTP/1.1 200 OK\r\n"
            ));
        }
        let read = |routine: u64| {
            let mut opts = ParseOptions::utc(&m);
            opts.bound = crate::model::EventBound {
                routine,
                ..Default::default()
            };
            crate::parse::logs::parse_log(
                s.as_bytes(),
                SourceKind::Uccapilog,
                Path::new("r.UccApilog"),
                &opts,
            )
            .expect("parse")
        };
        let (all, capped) = (read(u64::MAX), read(3));
        assert_eq!(all.counts.get(&EventKind::HttpStatus), Some(&20));
        assert_eq!(all.counts, capped.counts);
        assert_eq!(capped.not_kept, 17);
    }

    #[test]
    fn kinds_by_content() {
        assert_eq!(
            sniff_kind("junk\n03/02/2026|09:41:00.123 1F68:C14 INFO  :: hi\n"),
            Some(SourceKind::Uccapilog)
        );
        assert_eq!(
            sniff_kind("Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\n"),
            Some(SourceKind::TracerptCsv)
        );
        assert_eq!(
            sniff_kind("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Events>\n<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"),
            Some(SourceKind::TracerptXml)
        );
        assert_eq!(sniff_kind("hello world\n"), None);
        assert_eq!(sniff_kind("<?xml version=\"1.0\"?><Envelope/>"), None);
        assert_eq!(
            kind_by_name("Lync-UccApi-0.UccApilog.bak"),
            Some(SourceKind::Uccapilog)
        );
    }
}
