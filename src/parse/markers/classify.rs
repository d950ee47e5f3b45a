//! The classifier: marker set × record → hits, with per-thread context between records.
//!
//! Classifying a record has two parts. [`Classifier::prepare`] is sequential: it finds the
//! marker candidates and the context in force, which may come from an earlier record on the
//! same thread. [`Classifier::extract`] is per record and may run on any thread: it turns the
//! candidates into hits. [`Classifier::classify_with`] does both, one record after another.

use super::sip::{derive_values, sip_headers};
use super::{Markers, Record};
use crate::model::{EventKind, LogEvent};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Context seen recently on a thread, for markers that need one.
const STICKY_SECS: i64 = 5;

/// Classifies records with a marker set. Keeps per-thread context between records.
pub struct Classifier<'m> {
    markers: &'m Markers,
    sticky: HashMap<String, (i64, Vec<bool>)>,
    /// What `prepare` decided for the current record (reused buffer).
    prep: Prepared,
    /// Where the prefilter found literals in the current record.
    scan: crate::parse::prefilter::Scan,
    /// Off: every record goes through the full `RegexSet` (the reference the prefilter is
    /// tested against).
    pub(super) use_prefilter: bool,
    /// Kinds whose events are only counted from now on (set by the caller when a cap is hit).
    pub count_only: Vec<EventKind>,
    /// What markers found on lines seen before (lines repeat: policy bodies, status lines).
    memo: LineMemo,
    /// Off: every candidate line runs its marker's regex (the reference the memo is tested
    /// against).
    pub(super) use_memo: bool,
}

/// What the sequential part of classifying decided for one record: which markers are
/// candidates and which contexts are in force (its own, or a recent one of its thread).
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    any: bool,
    markers: Vec<bool>,
    /// Contexts the record itself matches.
    own: Vec<bool>,
    /// Contexts in force.
    ctx: Vec<bool>,
}

/// An event before it is tied to a file and an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub line: u64,
    pub kind: EventKind,
    /// The marker's id; empty for a hit that is only counted.
    pub marker: String,
    /// The marker's place in the set ([`Markers::shared_id`]).
    pub index: usize,
    /// The HTTP or SIP status its captures and fixed values give, before any `extract`
    /// (what an occurrence counted without its values is grouped by).
    pub status: Option<u16>,
    pub excerpt: String,
    pub values: BTreeMap<String, String>,
}

impl Hit {
    /// A hit that is only counted (its kind is over the cap): no excerpt or values.
    pub fn count_only(line: u64, kind: EventKind, index: usize, status: Option<u16>) -> Hit {
        Hit {
            line,
            kind,
            marker: String::new(),
            index,
            status,
            excerpt: String::new(),
            values: BTreeMap::new(),
        }
    }

    pub fn into_event(self, rec: &Record, path: &Path, profile: Option<&String>) -> LogEvent {
        LogEvent {
            path: path.to_path_buf(),
            line: self.line,
            time: rec.time,
            level: rec.level.clone(),
            thread: rec.thread.clone(),
            kind: self.kind,
            marker: self.marker,
            account: None,
            profile: profile.cloned(),
            excerpt: self.excerpt,
            values: self.values,
        }
    }
}

/// What a [`Classifier`] carries from one record to the next (per-thread context, count-only
/// kinds): saved at a record start so a growing log can be classified on from there
/// (`source::tail`).
#[derive(Debug, Clone, Default)]
pub struct Memory {
    sticky: HashMap<String, (i64, Vec<bool>)>,
    count_only: Vec<EventKind>,
}

impl<'m> Classifier<'m> {
    /// What this classifier carries to the next record.
    pub fn memory(&self) -> Memory {
        Memory {
            sticky: self.sticky.clone(),
            count_only: self.count_only.clone(),
        }
    }

    /// A classifier that goes on from `m` (as if it had classified what `m` was saved after).
    pub fn resume(markers: &'m Markers, m: Memory) -> Self {
        let mut c = Classifier::new(markers);
        c.sticky = m.sticky;
        c.count_only = m.count_only;
        c
    }

    pub fn new(markers: &'m Markers) -> Self {
        Classifier {
            markers,
            sticky: HashMap::new(),
            prep: Prepared::default(),
            scan: Default::default(),
            use_prefilter: true,
            count_only: Vec::new(),
            memo: LineMemo::default(),
            use_memo: true,
        }
    }

    /// Classify one record into hits (appended to `out`).
    pub fn classify(&mut self, rec: &Record, out: &mut Vec<Hit>) {
        self.classify_with(rec, out, &|_, _| false);
    }

    /// Classify one record; `drop(kind, values)` says whether the caller will only count a hit
    /// (a routine event over its cap). Such hits come out count-only (empty marker) without
    /// the costly parts (excerpt, SIP headers). `drop` must only look at `status`, `code`,
    /// `version`, `direction` and `operation`.
    pub fn classify_with(
        &mut self,
        rec: &Record,
        out: &mut Vec<Hit>,
        drop: &dyn Fn(EventKind, &BTreeMap<String, String>) -> bool,
    ) {
        let text = rec.text();
        // The literal scan may have been done already, on the thread that read the record.
        let scan: &crate::parse::prefilter::Scan = if !self.use_prefilter {
            self.scan.set_fallback();
            &self.scan
        } else if self.prescanned(rec) {
            &rec.scan
        } else {
            self.markers.prefilter.scan(text, &mut self.scan);
            &self.scan
        };
        candidates(self.markers, text, scan, &mut self.prep);
        in_force(&mut self.sticky, rec, &mut self.prep);
        let memo = self.use_memo.then_some(&mut self.memo);
        extract(
            self.markers,
            &self.count_only,
            rec,
            (scan, &self.prep),
            memo,
            out,
            drop,
        );
    }

    /// Whether `rec` was scanned (by [`Markers::prescan`]) with this classifier's marker set.
    fn prescanned(&self, rec: &Record) -> bool {
        // (A scan of this size comes from this marker set: `prescan` is only called with it.)
        rec.prescanned
            && rec.scan.cand.len() == self.markers.markers.len() + self.markers.contexts.len()
    }

    /// The sequential part of classifying, for records classified later by [`Classifier::extract`]
    /// (on another thread): scan `rec` for literals if needed, and note in it the marker
    /// candidates and the context in force. Call it for every record, in order.
    pub fn prepare(&mut self, rec: &mut Record) {
        if !self.prescanned(rec) {
            self.markers.prescan(rec);
        }
        let mut prep = std::mem::take(&mut rec.prep);
        candidates(self.markers, rec.text(), &rec.scan, &mut prep);
        in_force(&mut self.sticky, rec, &mut prep);
        rec.prep = prep;
        rec.prepared = true;
    }

    /// The per-record part of classifying a record given to [`Classifier::prepare`] (a
    /// record that was not is classified whole, without per-thread context). `count_only`
    /// (this classifier's own when `None`) and `drop` are as in [`Classifier::classify_with`].
    pub fn extract(
        &mut self,
        rec: &Record,
        count_only: Option<&[EventKind]>,
        out: &mut Vec<Hit>,
        drop: &dyn Fn(EventKind, &BTreeMap<String, String>) -> bool,
    ) {
        let co: &[EventKind] = match count_only {
            Some(c) => c,
            None => &self.count_only,
        };
        let prepared = rec.prepared && self.prescanned(rec);
        let memo = self.use_memo.then_some(&mut self.memo);
        if prepared {
            extract(
                self.markers,
                co,
                rec,
                (&rec.scan, &rec.prep),
                memo,
                out,
                drop,
            );
        } else {
            self.markers.prefilter.scan(rec.text(), &mut self.scan);
            candidates(self.markers, rec.text(), &self.scan, &mut self.prep);
            in_force(&mut HashMap::new(), rec, &mut self.prep);
            extract(
                self.markers,
                co,
                rec,
                (&self.scan, &self.prep),
                memo,
                out,
                drop,
            );
        }
    }
}

/// The marker candidates of `text` and the contexts it matches, from its literal scan.
fn candidates(
    markers: &Markers,
    text: &str,
    scan: &crate::parse::prefilter::Scan,
    prep: &mut Prepared,
) {
    let nm = markers.markers.len();
    prep.any = false;
    prep.markers.clear();
    prep.markers.resize(nm, false);
    prep.own.clear();
    prep.own.resize(markers.contexts.len(), false);
    if !scan.fallback {
        // Contexts exactly; markers only as candidates: their lines are checked later.
        for j in 0..prep.own.len() {
            if scan.cand[nm + j] && markers.contexts_ml[j].is_match(text) {
                prep.own[j] = true;
            }
        }
        for i in 0..nm {
            if scan.cand[i] {
                prep.any = true;
                prep.markers[i] = true;
            }
        }
    } else {
        for i in markers.matching_without_prefilter(text) {
            prep.any = true;
            if i < nm {
                prep.markers[i] = true;
            } else {
                prep.own[i - nm] = true;
            }
        }
    }
}

/// The contexts in force for `rec`: its own, remembered per thread; a record with none but
/// with a marker candidate uses its thread's context of the last [`STICKY_SECS`] seconds.
fn in_force(sticky: &mut HashMap<String, (i64, Vec<bool>)>, rec: &Record, prep: &mut Prepared) {
    prep.ctx.clone_from(&prep.own);
    let secs = rec.time.map(|t| t.timestamp());
    if let (Some(th), Some(now)) = (&rec.thread, secs) {
        if prep.ctx.iter().any(|&b| b) {
            match sticky.get_mut(th.as_str()) {
                Some(e) => {
                    e.0 = now;
                    e.1.clone_from(&prep.ctx);
                }
                None => {
                    sticky.insert(th.clone(), (now, prep.ctx.clone()));
                }
            }
        } else if prep.any {
            // (Only a record with a marker candidate uses the context.)
            if let Some((t, c)) = sticky.get(th.as_str()) {
                if (0..=STICKY_SECS).contains(&(now - t)) {
                    prep.ctx.clone_from(c);
                }
            }
        }
        if sticky.len() > 4096 {
            sticky.retain(|_, (t, _)| now - *t <= STICKY_SECS);
        }
    }
}

/// Turn the candidates `prep` found in `rec` (with its literal `scan`) into hits, with `memo`
/// for lines seen before. Hits of a kind in `count_only`, and
/// those `drop` says will only be counted, come out count-only, found exactly as the others
/// (same lines, same matches, same `unless`), so that a count never depends on whether the
/// event was built.
fn extract(
    markers: &Markers,
    count_only: &[EventKind],
    rec: &Record,
    (scan, prep): (&crate::parse::prefilter::Scan, &Prepared),
    mut memo: Option<&mut LineMemo>,
    out: &mut Vec<Hit>,
    drop: &dyn Fn(EventKind, &BTreeMap<String, String>) -> bool,
) {
    if !prep.any {
        return;
    }
    let text = rec.text();
    let pf = &markers.prefilter;
    let ctx = &prep.ctx;
    let mut lines: Option<Vec<(u64, &str)>> = None;
    for (mi, m) in markers.markers.iter().enumerate() {
        if !prep.markers[mi] {
            continue;
        }
        if !m.context.is_empty() && !m.context.iter().any(|&c| ctx[c]) {
            continue;
        }
        let counted = count_only.contains(&m.kind);
        if let Some(u) = &m.unless {
            if u.is_match(text) {
                continue;
            }
        }
        let lines = lines.get_or_insert_with(|| rec.lines().collect());
        let early = !m.extract.iter().any(|(k, _)| {
            matches!(k.as_str(), "status" | "code" | "version" | "direction")
                || k.eq_ignore_ascii_case("operation")
        });
        let always = pf.is_unfiltered(mi);
        let per_line = if m.repeat { 16 } else { 1 };
        // What a counted hit's status comes from: the marker's fixed values, then its
        // `status`/`code` groups (read only when they can matter).
        let fixed = |k: &str| m.values.get(k).map(String::as_str);
        let status_from: Vec<(usize, String)> = match counted && fixed("status").is_none() {
            true => m
                .groups
                .iter()
                .filter(|(_, k)| k == "status" || k == "code")
                .cloned()
                .collect(),
            false => Vec::new(),
        };
        'lines: for (k, &(ln, l)) in lines.iter().enumerate() {
            let (_, a, b) = rec.spans[k];
            if !scan.may_match_in(always, mi, a, b) {
                continue;
            }
            if counted {
                // Over its cap: counted as the full path would find it, not extracted (its
                // status read when the marker can give one).
                let mut n = 0;
                if status_from.is_empty() {
                    let status = status_of(fixed("status"), fixed("code"));
                    for _ in m.regex.find_iter(l).take(per_line) {
                        n += 1;
                        out.push(Hit::count_only(ln, m.kind, mi, status));
                    }
                } else {
                    for caps in m.regex.captures_iter(l).take(per_line) {
                        n += 1;
                        // As the full path fills values: fixed ones first, then the first
                        // non-empty group of each name.
                        let got = |name: &str| {
                            fixed(name).or_else(|| {
                                status_from.iter().filter(|(_, k)| k == name).find_map(
                                    |&(gi, _)| {
                                        caps.get(gi)
                                            .map(|v| v.as_str().trim())
                                            .filter(|v| !v.is_empty())
                                    },
                                )
                            })
                        };
                        let status = status_of(got("status"), got("code"));
                        out.push(Hit::count_only(ln, m.kind, mi, status));
                    }
                }
                if !m.repeat && n > 0 {
                    break 'lines;
                }
                continue;
            }
            let mut found = match memo.as_deref_mut() {
                Some(memo) => memo.matches(mi, m, l),
                None => Cow::Owned(matches(m, l)),
            };
            let got = !found.is_empty();
            for i in 0..found.len() {
                // (Taken when found now, copied when remembered.)
                let (mut values, excerpt) = match &mut found {
                    Cow::Owned(v) => (std::mem::take(&mut v[i].values), v[i].excerpt.take()),
                    Cow::Borrowed(v) => (v[i].values.clone(), v[i].excerpt.clone()),
                };
                let sip_dir = matches!(
                    m.kind,
                    EventKind::SipRequest | EventKind::SipResponse | EventKind::ClientVersion
                );
                // Derived values and the block direction, then whether the caller will
                // only count this hit.
                let dropped = |values: &mut BTreeMap<String, String>| {
                    derive_values(values);
                    if let (true, Some(d)) = (sip_dir, rec.direction) {
                        values.insert("direction".into(), d.into());
                    }
                    drop(m.kind, values)
                };
                let status = status_of(
                    values.get("status").map(String::as_str),
                    values.get("code").map(String::as_str),
                );
                // Extraction cannot change what `drop` reads when `early`: decide before it.
                if early && dropped(&mut values) {
                    out.push(Hit::count_only(ln, m.kind, mi, status));
                    continue;
                }
                for (k2, re) in &m.extract {
                    if values.contains_key(k2) {
                        continue;
                    }
                    if let Some(v) = re.captures(text).and_then(|c| c.get(1)) {
                        values.insert(k2.clone(), super::captured_value(k2, v.as_str()));
                    }
                }
                if matches!(m.kind, EventKind::EwsFailure | EventKind::SoapFault) {
                    super::settle_problem(&mut values);
                }
                if !early && dropped(&mut values) {
                    out.push(Hit::count_only(ln, m.kind, mi, status));
                    continue;
                }
                if matches!(m.kind, EventKind::SipRequest | EventKind::SipResponse) {
                    sip_headers(&lines[k + 1..], &mut values);
                }
                out.push(Hit {
                    line: ln,
                    kind: m.kind,
                    marker: m.id.clone(),
                    index: mi,
                    status,
                    excerpt: excerpt.unwrap_or_else(|| crate::parse::text::squash(l, 240)),
                    values,
                });
            }
            if !m.repeat && got {
                break 'lines;
            }
        }
    }
}

/// The status of a hit from its `status` value, else from an HTTP HRESULT `code`
/// (`0x8019xxxx`: the status is the low bits, as [`derive_values`] reads it).
fn status_of(status: Option<&str>, code: Option<&str>) -> Option<u16> {
    if let Some(s) = status {
        return s.parse().ok();
    }
    let low = code?.to_ascii_lowercase();
    let n = u16::from_str_radix(low.strip_prefix("0x8019")?, 16).ok()?;
    (100..600).contains(&n).then_some(n)
}

/// One match of a marker on a line: the marker's fixed values with its groups' captures
/// (the first non-empty one of each name), and the line's excerpt when it is remembered (a
/// match found now makes its excerpt only if its event is built).
#[derive(Debug, Clone)]
struct Matched {
    values: BTreeMap<String, String>,
    excerpt: Option<String>,
}

/// The matches of marker `m` on line `l` (at most 16 when it repeats, else 1).
fn matches(m: &super::Marker, l: &str) -> Vec<Matched> {
    let per_line = if m.repeat { 16 } else { 1 };
    let mut out = Vec::new();
    for caps in m.regex.captures_iter(l).take(per_line) {
        let mut values = m.values.clone();
        for (gi, name) in &m.groups {
            if let Some(v) = caps.get(*gi) {
                if !v.as_str().trim().is_empty() && !values.contains_key(name) {
                    // (`problem` taken from the log text is compared without ASCII case.)
                    values.insert(name.clone(), super::captured_value(name, v.as_str()));
                }
            }
        }
        out.push(Matched {
            values,
            excerpt: None,
        });
    }
    out
}

/// Lines longer than this are not remembered.
const MEMO_LINE: usize = 4096;
/// Bytes the memo may hold (lines, values, excerpts, and [`MEMO_ENTRY`] for each entry and
/// match) before it starts over.
const MEMO_BYTES: usize = 1 << 20;
/// What an entry or a match is counted for beyond its text (its map and vector slots, the
/// allocations' headers): generous, so that many short lines cannot outgrow the bound.
const MEMO_ENTRY: usize = 256;
/// Lookups a marker makes before the memo judges whether it pays for that marker.
const MEMO_TRIAL: u32 = 64;
/// Lookups skipped, once the memo stopped paying for a marker, before it is tried again.
const MEMO_REST: u32 = 4096;

/// What each marker found on lines seen before. A marker's regex on the same line finds the
/// same matches, and lines repeat in these logs (policy bodies, SIP status lines, user
/// agents), so a repeated line is looked up instead of searched. Bounded: lines of at most
/// [`MEMO_LINE`] bytes, about [`MEMO_BYTES`] in all (then it starts over). Keyed with the
/// standard library's randomly seeded hash, so crafted lines cannot make lookups collide. A marker whose lines do
/// not repeat (fewer than one lookup in four found) stops using it for a while, so lines that
/// never repeat cost a hash now and then, not a copy each.
#[derive(Debug, Default)]
pub(super) struct LineMemo {
    by_marker: Vec<MarkerMemo>,
    bytes: usize,
    /// Lookups answered from memory, in all.
    answered: u64,
}

#[derive(Debug, Default)]
struct MarkerMemo {
    lines: HashMap<Box<str>, Vec<Matched>>,
    hits: u32,
    misses: u32,
    /// Lookups still to skip (the memo did not pay for this marker).
    resting: u32,
}

impl LineMemo {
    /// The matches of marker `m` (number `mi`) on line `l`, remembered or found now.
    fn matches(&mut self, mi: usize, m: &super::Marker, l: &str) -> Cow<'_, [Matched]> {
        if self.by_marker.len() <= mi {
            self.by_marker.resize_with(mi + 1, MarkerMemo::default);
        }
        if l.len() > MEMO_LINE {
            return Cow::Owned(matches(m, l));
        }
        let mm = &mut self.by_marker[mi];
        if mm.resting > 0 {
            mm.resting -= 1;
            return Cow::Owned(matches(m, l));
        }
        if mm.hits + mm.misses >= MEMO_TRIAL {
            let pays = mm.hits >= mm.misses / 3;
            (mm.hits, mm.misses) = (0, 0);
            if !pays {
                mm.resting = MEMO_REST;
                return Cow::Owned(matches(m, l));
            }
        }
        if mm.lines.contains_key(l) {
            mm.hits += 1;
            self.answered += 1;
            let mm = &self.by_marker[mi];
            return Cow::Borrowed(&mm.lines[l]);
        }
        mm.misses += 1;
        let mut found = matches(m, l);
        let mut cost = l.len() + MEMO_ENTRY;
        if !found.is_empty() {
            let excerpt = crate::parse::text::squash(l, 240);
            for f in &mut found {
                cost += excerpt.len() + MEMO_ENTRY;
                cost += f
                    .values
                    .iter()
                    .map(|(k, v)| k.len() + v.len())
                    .sum::<usize>();
                f.excerpt = Some(excerpt.clone());
            }
        }
        if self.bytes + cost > MEMO_BYTES {
            for x in &mut self.by_marker {
                x.lines.clear();
            }
            self.bytes = 0;
        }
        self.bytes += cost;
        let mm = &mut self.by_marker[mi];
        Cow::Borrowed(mm.lines.entry(l.into()).or_insert(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markers::Markers;
    use proptest::prelude::*;

    /// Lines the built-in markers find things on (and some they do not), with `{}` for a
    /// number, so that some records repeat a line and others do not.
    const SHAPES: &[&str] = &[
        r#"<provisionGroup name="privacy"><property name="EnableIMAutoArchiving">false</property><property name="EnableOfflineIM">{}</property></provisionGroup>"#,
        "SIP/2.0 480 Temporarily Unavailable",
        "SIP/2.0 4{}0 Reason",
        "User-Agent: UCCAPI/16.0.6366.{} OC/16.0.6366.2062 (Skype for Business)",
        "EWS response HTTP/1.1 401 Unauthorized",
        "POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 40{} Unauthorized",
        "EWS CreateItem failed hr=0x8019019{}",
        "ms-diagnostics: 400{};reason=\"Destination URI either not enabled for SIP\"",
        r#"<m:CreateItem MessageDisposition="SaveOnly"><t:DistinguishedFolderId Id="drafts"/></m:CreateItem>"#,
        "CSIPStack::SendMessage - done refresh id={}",
        "EWS request ſtatus=40{} for /EWS/",
    ];

    fn record(n: usize, lines: &[String]) -> Record {
        let mut r = Record {
            time: chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
                .ok()
                .map(|t| t + chrono::Duration::seconds(n as i64)),
            thread: Some("1F68:C14".into()),
            ..Default::default()
        };
        for (i, l) in lines.iter().enumerate() {
            r.push((n * 4 + i) as u64 + 1, l);
        }
        r
    }

    fn line(shape: usize, n: usize) -> String {
        SHAPES[shape % SHAPES.len()].replace("{}", &n.to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The memo changes no hit: the same records give the same hits with it and without
        /// it, counted-only kinds and dropped hits included.
        #[test]
        fn remembered_lines_give_the_same_hits(
            recs in proptest::collection::vec(
                proptest::collection::vec((0..SHAPES.len(), 0..3usize), 1..4),
                1..300,
            ),
            capped in proptest::option::of(0..3usize),
        ) {
            let m = Markers::builtin_shared().expect("built-in markers");
            let (mut a, mut b) = (Classifier::new(&m), Classifier::new(&m));
            b.use_memo = false;
            let kinds = [EventKind::Policy, EventKind::SipResponse, EventKind::ClientVersion];
            if let Some(k) = capped {
                a.count_only = vec![kinds[k]];
                b.count_only = vec![kinds[k]];
            }
            let drop = |_: EventKind, v: &BTreeMap<String, String>| {
                v.get("status").is_some_and(|s| s == "480")
            };
            let (mut x, mut y) = (Vec::new(), Vec::new());
            for (n, lines) in recs.iter().enumerate() {
                let lines: Vec<String> = lines.iter().map(|&(s, k)| line(s, k)).collect();
                let r = record(n, &lines);
                a.classify_with(&r, &mut x, &drop);
                b.classify_with(&r, &mut y, &drop);
            }
            prop_assert_eq!(x, y);
        }
    }

    #[test]
    fn the_memo_is_used_on_repeated_lines_and_stays_bounded() {
        let m = Markers::builtin_shared().expect("built-in markers");
        let mut c = Classifier::new(&m);
        let mut out = Vec::new();
        // One policy body again and again: found once, then remembered.
        for n in 0..500 {
            c.classify(&record(n, &[line(0, 7)]), &mut out);
        }
        // (Three markers look at a policy body.)
        assert!(c.memo.answered > 3 * 490, "{}", c.memo.answered);
        let before = out.len();
        assert!(before >= 500, "{before}");
        // Distinct long lines, each seen twice: the memo pays, and starts over at its bound.
        let pad = "x".repeat(2000);
        let mut biggest = 0;
        for n in 0..4000 {
            let l = format!("{}{pad}", line(0, n));
            for k in 0..2 {
                c.classify(&record(2 * n + k, std::slice::from_ref(&l)), &mut out);
            }
            biggest = biggest.max(c.memo.bytes);
        }
        assert!(biggest <= MEMO_BYTES, "{biggest}");
        assert!(biggest > MEMO_BYTES / 2, "{biggest}");
        // Lines that never repeat: the memo stops paying and rests.
        let mut c = Classifier::new(&m);
        for n in 0..20_000 {
            c.classify(&record(n, &[line(0, 1000 + n)]), &mut out);
        }
        let kept: usize = c.memo.by_marker.iter().map(|x| x.lines.len()).sum();
        assert!(kept < 2000, "{kept}");
        assert!(c.memo.by_marker.iter().any(|x| x.resting > 0));
    }
}
