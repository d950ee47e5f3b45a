//! The classifier: marker set × record → hits, with per-thread context between records.
//!
//! Classifying a record has two parts. [`Classifier::prepare`] is sequential: it finds the
//! marker candidates and the context in force, which may come from an earlier record on the
//! same thread. [`Classifier::extract`] is per record and may run on any thread: it turns the
//! candidates into hits. [`Classifier::classify_with`] does both, one record after another.

use super::sip::{derive_values, sip_headers};
use super::{Markers, Record};
use crate::model::{EventKind, LogEvent};
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
        extract(
            self.markers,
            &self.count_only,
            rec,
            scan,
            &self.prep,
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
        if rec.prepared && self.prescanned(rec) {
            extract(self.markers, co, rec, &rec.scan, &rec.prep, out, drop);
        } else {
            self.markers.prefilter.scan(rec.text(), &mut self.scan);
            candidates(self.markers, rec.text(), &self.scan, &mut self.prep);
            in_force(&mut HashMap::new(), rec, &mut self.prep);
            extract(self.markers, co, rec, &self.scan, &self.prep, out, drop);
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

/// Turn the candidates `prep` found in `rec` into hits. Hits of a kind in `count_only`, and
/// those `drop` says will only be counted, come out count-only, found exactly as the others
/// (same lines, same matches, same `unless`), so that a count never depends on whether the
/// event was built.
fn extract(
    markers: &Markers,
    count_only: &[EventKind],
    rec: &Record,
    scan: &crate::parse::prefilter::Scan,
    prep: &Prepared,
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
            let mut got = false;
            for caps in m.regex.captures_iter(l).take(per_line) {
                got = true;
                let mut values = m.values.clone();
                for (gi, name) in &m.groups {
                    if let Some(v) = caps.get(*gi) {
                        let v = v.as_str().trim();
                        if !v.is_empty() && !values.contains_key(name) {
                            values.insert(name.clone(), v.to_string());
                        }
                    }
                }
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
                        values.insert(k2.clone(), v.as_str().trim().to_string());
                    }
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
                    excerpt: crate::parse::text::squash(l, 240),
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
