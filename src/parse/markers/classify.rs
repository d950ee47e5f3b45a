//! The classifier: marker set × record → hits, with per-thread context between records.

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
    ctx_hits: Vec<bool>,
    marker_hits: Vec<bool>,
    /// Context in force for the current record (reused buffer).
    ctx: Vec<bool>,
    /// Where the prefilter found literals in the current record.
    scan: crate::parse::prefilter::Scan,
    /// Off: every record goes through the full `RegexSet` (the reference the prefilter is
    /// tested against).
    pub(super) use_prefilter: bool,
    /// Kinds whose events are only counted from now on (set by the caller when a cap is hit).
    pub count_only: Vec<EventKind>,
}

/// An event before it is tied to a file and an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub line: u64,
    pub kind: EventKind,
    pub marker: String,
    pub excerpt: String,
    pub values: BTreeMap<String, String>,
}

impl Hit {
    /// A hit that is only counted (its kind is over the cap): no marker, excerpt or values.
    pub fn count_only(line: u64, kind: EventKind) -> Hit {
        Hit {
            line,
            kind,
            marker: String::new(),
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
            ctx_hits: vec![false; markers.contexts.len()],
            marker_hits: vec![false; markers.markers.len()],
            ctx: Vec::new(),
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
    /// `version` and `direction`.
    pub fn classify_with(
        &mut self,
        rec: &Record,
        out: &mut Vec<Hit>,
        drop: &dyn Fn(EventKind, &BTreeMap<String, String>) -> bool,
    ) {
        let nm = self.markers.markers.len();
        self.ctx_hits.iter_mut().for_each(|b| *b = false);
        self.marker_hits.iter_mut().for_each(|b| *b = false);
        let mut any = false;
        let text = rec.text();
        let pf = &self.markers.prefilter;
        // The literal scan may have been done already, on the thread that read the record.
        let scan: &crate::parse::prefilter::Scan = if !self.use_prefilter {
            self.scan.set_fallback();
            &self.scan
        } else if rec.prescanned
            && rec.scan.cand.len() == self.marker_hits.len() + self.ctx_hits.len()
        {
            // (Scanned with a marker set of this size: the one this classifier uses, since
            // `prescan` is only called with it.)
            &rec.scan
        } else {
            pf.scan(text, &mut self.scan);
            &self.scan
        };
        if !scan.fallback {
            // Contexts exactly; markers only as candidates: their lines are checked below.
            for j in 0..self.ctx_hits.len() {
                if scan.cand[nm + j] && self.markers.single[nm + j].is_match(text) {
                    self.ctx_hits[j] = true;
                }
            }
            for i in 0..nm {
                if scan.cand[i] {
                    any = true;
                    self.marker_hits[i] = true;
                }
            }
        } else if self.markers.set.is_match(text) {
            for i in self.markers.set.matches(text).iter() {
                any = true;
                if i < nm {
                    self.marker_hits[i] = true;
                } else {
                    self.ctx_hits[i - nm] = true;
                }
            }
        }
        let secs = rec.time.map(|t| t.timestamp());
        // Remember context per thread; use a recent one when this record has none.
        self.ctx.clone_from(&self.ctx_hits);
        if let (Some(th), Some(now)) = (&rec.thread, secs) {
            if self.ctx.iter().any(|&b| b) {
                match self.sticky.get_mut(th.as_str()) {
                    Some(e) => {
                        e.0 = now;
                        e.1.clone_from(&self.ctx);
                    }
                    None => {
                        self.sticky.insert(th.clone(), (now, self.ctx.clone()));
                    }
                }
            } else if any {
                // (Only a record with a marker candidate uses the context.)
                if let Some((t, c)) = self.sticky.get(th.as_str()) {
                    if (0..=STICKY_SECS).contains(&(now - t)) {
                        self.ctx.clone_from(c);
                    }
                }
            }
            if self.sticky.len() > 4096 {
                self.sticky.retain(|_, (t, _)| now - *t <= STICKY_SECS);
            }
        }
        if !any {
            return;
        }
        let ctx = &self.ctx;
        let mut lines: Option<Vec<(u64, &str)>> = None;
        for (mi, m) in self.markers.markers.iter().enumerate() {
            if !self.marker_hits[mi] {
                continue;
            }
            if self.count_only.contains(&m.kind) {
                // Over its cap: counted by the caller, not worth extracting.
                if !scan.fallback && !self.markers.single[mi].is_match(text) {
                    continue;
                }
                if !m.context.is_empty() && !m.context.iter().any(|&c| ctx[c]) {
                    continue;
                }
                out.push(Hit::count_only(rec.line, m.kind));
                continue;
            }
            if !m.context.is_empty() && !m.context.iter().any(|&c| ctx[c]) {
                continue;
            }
            if let Some(u) = &m.unless {
                if u.is_match(text) {
                    continue;
                }
            }
            let lines = lines.get_or_insert_with(|| rec.lines().collect());
            let early = !m
                .extract
                .iter()
                .any(|(k, _)| matches!(k.as_str(), "status" | "code" | "version" | "direction"));
            let always = pf.is_unfiltered(mi);
            'lines: for (k, &(ln, l)) in lines.iter().enumerate() {
                let (_, a, b) = rec.spans[k];
                if !scan.may_match_in(always, mi, a, b) {
                    continue;
                }
                let mut got = false;
                for caps in m.regex.captures_iter(l).take(if m.repeat { 16 } else { 1 }) {
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
                    // Extraction cannot change what `drop` reads when `early`: decide before it.
                    if early && dropped(&mut values) {
                        out.push(Hit::count_only(ln, m.kind));
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
                        out.push(Hit::count_only(ln, m.kind));
                        continue;
                    }
                    if matches!(m.kind, EventKind::SipRequest | EventKind::SipResponse) {
                        sip_headers(&lines[k + 1..], &mut values);
                    }
                    out.push(Hit {
                        line: ln,
                        kind: m.kind,
                        marker: m.id.clone(),
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
}
