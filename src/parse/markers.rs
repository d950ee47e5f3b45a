//! Log markers as data (`assets/markers.toml`, extended by a user file) and the classifier that
//! turns log records into [`LogEvent`]s with them.

use crate::model::{EventKind, LogEvent};
use chrono::{DateTime, FixedOffset};
use regex::{Regex, RegexSet};

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const BUILTIN: &str = include_str!("../../assets/markers.toml");

/// A markers file that cannot be used. Displayed as one line naming the file and line.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum MarkerError {
    #[error("{origin}: line {line}: {message}")]
    At {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}: {message}")]
    File { origin: String, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    context: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    marker: Vec<toml::Spanned<MarkerDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkerDef {
    id: String,
    kind: EventKind,
    pattern: toml::Spanned<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    unless: Option<toml::Spanned<String>>,
    #[serde(default)]
    extract: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    values: BTreeMap<String, String>,
    #[serde(default)]
    repeat: bool,
    #[serde(default)]
    explain: String,
}

/// One compiled marker.
#[derive(Debug, Clone)]
pub struct Marker {
    pub id: String,
    pub kind: EventKind,
    pub regex: Regex,
    /// Indices into [`Markers::contexts`]; empty = no context needed.
    pub context: Vec<usize>,
    pub unless: Option<Regex>,
    pub extract: Vec<(String, Regex)>,
    pub values: BTreeMap<String, String>,
    pub repeat: bool,
    pub explain: String,
}

/// Every marker, compiled, with one set to find candidates in a single pass per line.
#[derive(Debug, Clone)]
pub struct Markers {
    pub markers: Vec<Marker>,
    pub contexts: Vec<(String, Regex)>,
    /// Marker patterns first, then context patterns.
    set: RegexSet,
    /// The same patterns one by one (multi-line, like the set), run on prefilter candidates.
    single: Vec<Regex>,
    /// Literals derived from the patterns: which ones can match a record at all.
    prefilter: super::prefilter::Prefilter,
}

fn line_of(text: &str, offset: usize) -> usize {
    // Bytes, not a `str` slice: an offset inside a character must not panic.
    memchr::memchr_iter(
        b'\n',
        text.as_bytes().get(..offset).unwrap_or(text.as_bytes()),
    )
    .count()
        + 1
}

fn compile(text: &str, origin: &str, s: &toml::Spanned<String>) -> Result<Regex, MarkerError> {
    Regex::new(s.get_ref()).map_err(|e| MarkerError::At {
        origin: origin.to_string(),
        line: line_of(text, s.span().start),
        message: format!(
            "bad regular expression: {}",
            e.to_string().lines().last().unwrap_or("invalid").trim()
        ),
    })
}

/// Contexts, and markers with their compiled pattern and line, from one file.
type ParsedFile = (Vec<(String, Regex)>, Vec<(MarkerDef, Regex, usize)>);

/// Parse one markers file. Errors name `origin` and the line.
fn parse_file(text: &str, origin: &str) -> Result<ParsedFile, MarkerError> {
    let def: FileDef = toml::from_str(text).map_err(|e| {
        let msg = e.message().replace('\n', " ");
        match e.span() {
            Some(s) => MarkerError::At {
                origin: origin.to_string(),
                line: line_of(text, s.start),
                message: msg,
            },
            None => MarkerError::File {
                origin: origin.to_string(),
                message: msg,
            },
        }
    })?;
    let mut contexts = Vec::new();
    for (name, pat) in &def.context {
        contexts.push((name.clone(), compile(text, origin, pat)?));
    }
    let mut markers = Vec::new();
    for m in def.marker {
        let line = line_of(text, m.span().start);
        let m = m.into_inner();
        let re = compile(text, origin, &m.pattern)?;
        if m.id.is_empty() || !m.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(MarkerError::At {
                origin: origin.to_string(),
                line,
                message: format!("marker id '{}' must be kebab-case", m.id),
            });
        }
        if let Some(u) = &m.unless {
            compile(text, origin, u)?;
        }
        for p in m.extract.values() {
            compile(text, origin, p)?;
        }
        markers.push((m, re, line));
    }
    Ok((contexts, markers))
}

impl Markers {
    /// The built-in markers. Compiled once per process (a debug build takes seconds for the
    /// whole set); every call after the first is a cheap copy (compiled regexes are shared).
    pub fn builtin() -> Result<Markers, MarkerError> {
        static B: std::sync::OnceLock<Result<Markers, MarkerError>> = std::sync::OnceLock::new();
        B.get_or_init(|| Markers::build(&[(BUILTIN, "assets/markers.toml (built in)")]))
            .clone()
    }

    /// The built-in markers, compiled once per process on first use (a scan with no logs, or
    /// a watch that rescans, never pays for it twice).
    pub fn builtin_shared() -> Result<std::sync::Arc<Markers>, String> {
        static B: std::sync::OnceLock<Result<std::sync::Arc<Markers>, String>> =
            std::sync::OnceLock::new();
        B.get_or_init(|| {
            Markers::builtin()
                .map(std::sync::Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
    }

    /// The built-in markers extended by a user file.
    pub fn with_user_file(path: &Path) -> Result<Markers, MarkerError> {
        let text = std::fs::read_to_string(path).map_err(|e| MarkerError::File {
            origin: path.display().to_string(),
            message: format!(
                "cannot read markers: {}",
                crate::source::read::describe_io(&e)
            ),
        })?;
        let origin = path.display().to_string();
        Markers::build(&[
            (BUILTIN, "assets/markers.toml (built in)"),
            (&text, &origin),
        ])
    }

    /// Later files extend earlier ones; a marker or context with the same id replaces it.
    pub fn build(files: &[(&str, &str)]) -> Result<Markers, MarkerError> {
        let mut ctx: Vec<(String, Regex)> = Vec::new();
        let mut defs: Vec<(MarkerDef, Regex, usize, String)> = Vec::new();
        for (text, origin) in files {
            let (c, m) = parse_file(text, origin)?;
            for (name, re) in c {
                match ctx.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = re,
                    None => ctx.push((name, re)),
                }
            }
            for (d, re, line) in m {
                let entry = (d, re, line, origin.to_string());
                match defs.iter_mut().find(|x| x.0.id == entry.0.id) {
                    Some(slot) => *slot = entry,
                    None => defs.push(entry),
                }
            }
        }
        let mut markers = Vec::new();
        for (d, re, line, origin) in defs {
            let mut context = Vec::new();
            for c in &d.context {
                match ctx.iter().position(|(n, _)| n == c) {
                    Some(i) => context.push(i),
                    None => {
                        return Err(MarkerError::At {
                            origin,
                            line,
                            message: format!("marker '{}' names unknown context '{c}'", d.id),
                        })
                    }
                }
            }
            let unless = d.unless.as_ref().and_then(|u| Regex::new(u.get_ref()).ok());
            let extract = d
                .extract
                .iter()
                .filter_map(|(k, v)| Regex::new(v.get_ref()).ok().map(|r| (k.clone(), r)))
                .collect();
            markers.push(Marker {
                id: d.id,
                kind: d.kind,
                regex: re,
                context,
                unless,
                extract,
                values: d.values,
                repeat: d.repeat,
                explain: d.explain,
            });
        }
        let pats: Vec<&str> = markers
            .iter()
            .map(|m| m.regex.as_str())
            .chain(ctx.iter().map(|(_, r)| r.as_str()))
            .collect();
        // The set runs once per record over all its lines, so `^`/`$` must see line breaks.
        let set_err = |e: regex::Error| MarkerError::File {
            origin: "markers".into(),
            message: e.to_string().replace('\n', " "),
        };
        let set = regex::RegexSetBuilder::new(&pats)
            .multi_line(true)
            .build()
            .map_err(set_err)?;
        let single = pats
            .iter()
            .map(|p| regex::RegexBuilder::new(p).multi_line(true).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(set_err)?;
        let prefilter = super::prefilter::Prefilter::new(&pats, true);
        Ok(Markers {
            markers,
            contexts: ctx,
            set,
            single,
            prefilter,
        })
    }

    /// Find the marker literals in a finished record now (on the thread that read it), so the
    /// classifier does not have to.
    pub fn prescan(&self, rec: &mut Record) {
        self.prefilter.scan(&rec.text, &mut rec.scan);
        rec.prescanned = true;
    }

    pub fn explain(&self, id: &str) -> Option<&str> {
        self.markers
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.explain.as_str())
    }
}

/// Largest record text kept for classification; further lines are counted but not classified.
pub const RECORD_CAP: usize = 1 << 20;

/// One log record, reused between records to spare allocations: a start line, continuation
/// lines, and what the record header said.
#[derive(Debug, Default, Clone)]
pub struct Record {
    pub line: u64,
    pub time: Option<DateTime<FixedOffset>>,
    pub level: Option<String>,
    /// Thread id (`PID:TID` or the TID), for logs that show one.
    pub thread: Option<String>,
    /// SIP block direction this record sits in (`sent` / `received`), when known.
    pub direction: Option<&'static str>,
    text: String,
    spans: Vec<(u64, usize, usize)>,
    /// Lines not kept because the record passed [`RECORD_CAP`].
    pub dropped_lines: u64,
    /// Level and thread strings of the previous record, reused by `set_level`/`set_thread`.
    spare: (Option<String>, Option<String>),
    /// The marker literals found in `text` by [`Markers::prescan`], when `prescanned`.
    scan: super::prefilter::Scan,
    prescanned: bool,
}

/// Put `v` in `slot`, reusing the allocation kept in `spare` when there is one.
fn reuse(slot: &mut Option<String>, spare: &mut Option<String>, v: Option<&str>) {
    *slot = v.map(|v| match spare.take() {
        Some(mut s) => {
            s.clear();
            s.push_str(v);
            s
        }
        None => v.to_string(),
    });
}

impl Record {
    pub fn clear(&mut self) {
        self.line = 0;
        self.time = None;
        self.prescanned = false;
        if let Some(s) = self.level.take() {
            self.spare.0 = Some(s);
        }
        if let Some(s) = self.thread.take() {
            self.spare.1 = Some(s);
        }
        self.direction = None;
        self.text.clear();
        self.spans.clear();
        self.dropped_lines = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Empty the record and give back memory a long record left behind (records are reused:
    /// what a reused record keeps is bounded).
    pub fn trim_capacity(&mut self) {
        const KEEP: usize = 4 << 10;
        self.clear();
        if self.text.capacity() > KEEP {
            self.text = String::new();
        }
        if self.spans.capacity() > 256 {
            self.spans = Vec::new();
        }
        self.scan.trim(KEEP);
    }

    /// Set the level, reusing the previous record's allocation.
    pub fn set_level(&mut self, v: Option<&str>) {
        reuse(&mut self.level, &mut self.spare.0, v);
    }

    /// Set the thread, reusing the previous record's allocation.
    pub fn set_thread(&mut self, v: Option<&str>) {
        reuse(&mut self.thread, &mut self.spare.1, v);
    }

    /// Add a line (the first one is the record's message).
    pub fn push(&mut self, line: u64, s: &str) {
        self.prescanned = false;
        if self.text.len() + s.len() > RECORD_CAP {
            self.dropped_lines += 1;
            return;
        }
        if self.spans.is_empty() {
            self.line = line;
        } else {
            self.text.push('\n');
        }
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push((line, start, self.text.len()));
    }

    pub fn lines(&self) -> impl Iterator<Item = (u64, &str)> {
        self.spans.iter().map(|&(l, a, b)| (l, &self.text[a..b]))
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

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
    scan: super::prefilter::Scan,
    /// Off: every record goes through the full `RegexSet` (the reference the prefilter is
    /// tested against).
    use_prefilter: bool,
    /// Kinds whose events are only counted from now on (set by the caller when a cap is hit).
    pub count_only: Vec<EventKind>,
}

/// SIP headers copied into the values of a SIP start-line event.
const SIP_HEADERS: &[(&str, &str)] = &[
    ("from", "from"),
    ("f", "from"),
    ("to", "to"),
    ("t", "to"),
    ("call-id", "call_id"),
    ("i", "call_id"),
    ("cseq", "cseq"),
    ("user-agent", "user_agent"),
    ("ms-diagnostics", "ms_diagnostics"),
    ("content-type", "content_type"),
    ("c", "content_type"),
];

/// `status` for `status_2` (regex group names must be unique).
fn base_name(n: &str) -> &str {
    match n.rsplit_once('_') {
        Some((b, d)) if !b.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => b,
        _ => n,
    }
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
            kind: self.kind,
            marker: self.marker,
            account: None,
            profile: profile.cloned(),
            excerpt: self.excerpt,
            values: self.values,
        }
    }
}

impl<'m> Classifier<'m> {
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
        let scan: &super::prefilter::Scan = if !self.use_prefilter {
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
            } else if let Some((t, c)) = self.sticky.get(th.as_str()) {
                if (0..=STICKY_SECS).contains(&(now - t)) {
                    self.ctx.clone_from(c);
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
                    for (gi, name) in m.regex.capture_names().enumerate() {
                        let Some(name) = name else { continue };
                        if let Some(v) = caps.get(gi) {
                            let v = v.as_str().trim();
                            if !v.is_empty() && !values.contains_key(base_name(name)) {
                                values.insert(base_name(name).to_string(), v.to_string());
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
                        excerpt: super::text::squash(l, 240),
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

/// Values that follow from others: the HTTP status inside an HTTP HRESULT (`0x8019xxxx`).
fn derive_values(values: &mut BTreeMap<String, String>) {
    if values.contains_key("status") {
        return;
    }
    let Some(code) = values.get("code") else {
        return;
    };
    let c = code.to_ascii_lowercase();
    if let Some(low) = c.strip_prefix("0x8019") {
        if let Ok(n) = u32::from_str_radix(low, 16) {
            if (100..600).contains(&n) {
                values.insert("status".into(), n.to_string());
            }
        }
    }
}

/// SIP headers from the lines after a start line, up to the first blank line.
fn sip_headers(lines: &[(u64, &str)], values: &mut BTreeMap<String, String>) {
    for &(_, l) in lines.iter().take(64) {
        let l = l.trim();
        if l.is_empty() {
            break;
        }
        let Some((name, v)) = l.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if let Some((_, key)) = SIP_HEADERS
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(name))
        {
            let v = v.trim();
            if !values.contains_key(*key) {
                values.insert(key.to_string(), super::text::squash(v, 300));
            }
            if matches!(*key, "from" | "to") {
                if let Some(a) = super::text::first_address(v) {
                    values.entry(format!("{key}_address")).or_insert(a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(lines: &[&str]) -> Record {
        let mut r = Record::default();
        for (i, l) in lines.iter().enumerate() {
            r.push(i as u64 + 10, l);
        }
        r
    }

    fn hits(lines: &[&str]) -> Vec<Hit> {
        let m = Markers::builtin().expect("builtin");
        let mut c = Classifier::new(&m);
        let mut out = Vec::new();
        c.classify(&rec(lines), &mut out);
        out
    }

    fn has(h: &[Hit], marker: &str) -> bool {
        h.iter().any(|x| x.marker == marker)
    }

    #[test]
    fn builtin_markers_compile_and_explain_themselves() {
        let m = Markers::builtin().expect("builtin");
        assert!(m.markers.len() > 15);
        for mk in &m.markers {
            assert!(!mk.explain.is_empty(), "{} has no explanation", mk.id);
        }
    }

    #[test]
    fn ews_401_needs_an_ews_context() {
        let h =
            hits(&["POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized"]);
        let f = h
            .iter()
            .find(|x| x.marker == "ews-http-denied")
            .expect("denied");
        assert_eq!(f.values["status"], "401");
        assert_eq!(f.values["problem"], "auth");
        assert!(f.values["url"].contains("/EWS/"));
        for noise in [
            "lost 401 packets",
            "received 4017 bytes",
            "HTTP/1.1 401 Unauthorized",
            "status=401",
            "SIP/2.0 401 Unauthorized",
        ] {
            let h = hits(&[noise]);
            assert!(
                !h.iter().any(|x| x.kind == EventKind::EwsFailure),
                "{noise}: {h:?}"
            );
        }
        // A SIP 401 challenge is not an EWS failure even next to an EWS word.
        let h = hits(&["SIP/2.0 401 Unauthorized", "CSeq: 1 REGISTER", "X: EWS"]);
        assert!(!has(&h, "ews-http-denied"));
    }

    #[test]
    fn hresults_carry_their_http_status() {
        let h = hits(&["EWS CreateItem failed hr=0x80190191"]);
        let f = h
            .iter()
            .find(|x| x.marker == "ews-hresult-denied")
            .expect("hr");
        assert_eq!(f.values["status"], "401");
        let h = hits(&["Autodiscover request failed, hr=0x80190194"]);
        let f = h
            .iter()
            .find(|x| x.marker == "ews-hresult-http")
            .expect("hr");
        assert_eq!(
            (f.values["status"].as_str(), f.values["problem"].as_str()),
            ("404", "unreachable")
        );
    }

    #[test]
    fn ews_request_values_and_response_errors() {
        let h = hits(&[
            "EWS request",
            r#"<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/>"#,
        ]);
        let r = h.iter().find(|x| x.marker == "ews-operation").expect("op");
        assert_eq!(r.values["operation"], "CreateItem");
        assert_eq!(r.values["disposition"], "SaveOnly");
        assert_eq!(r.values["folder"], "drafts");
        assert_eq!(r.line, 11);
        let h = hits(&[
            r#"<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>The mailbox is full</m:MessageText><m:ResponseCode>ErrorQuotaExceeded</m:ResponseCode>"#,
        ]);
        let e = h
            .iter()
            .find(|x| x.marker == "ews-response-error")
            .expect("err");
        assert_eq!(e.values["code"], "ErrorQuotaExceeded");
        assert!(!has(&h, "ews-operation"));
        // Cut short: still an error, code unknown.
        let h = hits(&[r#"<m:SendItemResponseMessage ResponseClass="Error"><m:Mess"#]);
        assert!(has(&h, "ews-response-error"));
    }

    #[test]
    fn sip_start_lines_take_their_headers() {
        let mut r = rec(&[
            "SIP/2.0 480 Temporarily Unavailable",
            "From: <sip:jdoe@contoso.com>;tag=1",
            "To: \"Rob\" <sip:rlee@contoso.com>;tag=2",
            "CSeq: 1 INVITE",
            "Call-ID: abc",
            "",
            "body",
        ]);
        r.direction = Some("received");
        let m = Markers::builtin().expect("builtin");
        let mut out = Vec::new();
        Classifier::new(&m).classify(&r, &mut out);
        let s = out
            .iter()
            .find(|h| h.marker == "sip-response")
            .expect("sip");
        assert_eq!(s.values["status"], "480");
        assert_eq!(s.values["to_address"], "rlee@contoso.com");
        assert_eq!(s.values["cseq"], "1 INVITE");
        assert_eq!(s.values["direction"], "received");
    }

    #[test]
    fn policies_repeat_per_match() {
        let h = hits(&[
            r#"<property name="EnableIMAutoArchiving">false</property><property name="TracingLevel">Full</property>"#,
        ]);
        let p: Vec<(&str, &str)> = h
            .iter()
            .filter(|x| x.kind == EventKind::Policy)
            .map(|x| (x.values["policy"].as_str(), x.values["value"].as_str()))
            .collect();
        assert_eq!(
            p,
            [("EnableIMAutoArchiving", "false"), ("TracingLevel", "Full")]
        );
        let h = hits(&["<imAutoArchiving>false</imAutoArchiving>"]);
        assert!(has(&h, "policy-im-auto-archiving"));
    }

    #[test]
    fn thread_context_sticks_for_a_few_seconds() {
        let m = Markers::builtin().expect("builtin");
        let mut c = Classifier::new(&m);
        let t0 = DateTime::parse_from_rfc3339("2026-03-02T09:41:00Z").expect("t");
        let mut a = rec(&["Sending EWS CreateItem to https://mail.contoso.com/EWS/Exchange.asmx"]);
        a.thread = Some("1F68:C14".into());
        a.time = Some(t0);
        let mut b = rec(&["Response: 401 Unauthorized"]);
        b.thread = Some("1F68:C14".into());
        b.time = Some(t0 + chrono::Duration::seconds(1));
        let mut out = Vec::new();
        c.classify(&a, &mut out);
        c.classify(&b, &mut out);
        assert!(has(&out, "ews-http-denied"));
        // Another thread gets no context.
        let mut out = Vec::new();
        b.thread = Some("1F68:999".into());
        c.classify(&b, &mut out);
        assert!(!has(&out, "ews-http-denied"));
    }

    #[test]
    fn user_files_extend_and_bad_regex_names_file_and_line() {
        let user = "[[marker]]\nid = \"my-line\"\nkind = \"spooler-retry\"\npattern = 'Offline queue kicked'\nexplain = \"x\"\n";
        let m = Markers::build(&[(BUILTIN, "builtin"), (user, "mine.toml")]).expect("ok");
        assert!(m.markers.iter().any(|x| x.id == "my-line"));
        let bad = "\n[[marker]]\nid = \"b\"\nkind = \"other\"\npattern = 'a(b'\n";
        let e = Markers::build(&[(bad, "mine.toml")]).expect_err("bad");
        let s = e.to_string();
        assert!(
            s.starts_with("mine.toml: line 5: bad regular expression"),
            "{s}"
        );
        let e = Markers::build(&[("[[marker]]\nid='x'\nkind='nope'\npattern='a'\n", "m.toml")])
            .expect_err("kind");
        assert!(e.to_string().starts_with("m.toml: line "), "{e}");
    }
    #[test]
    fn prefilter_and_full_regex_set_give_the_same_hits() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date");
        let mut bytes = Vec::new();
        crate::corpus::write_uccapilog(&mut bytes, 9, 300_000, start).expect("generate");
        let mut text = String::from_utf8(bytes).expect("utf-8");
        for l in [
            "EWS CreateItem failed hr=0x80190191 https://mail.contoso.com/EWS/Exchange.asmx",
            "Autodiscover request failed, hr=0x80190194",
            "autodiscover: could not resolve autodiscover.contoso.com",
            "EWS SendItem: connection refused; ErrorAccessDenied",
            r#"<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>full</m:MessageText><m:ResponseCode>ErrorQuotaExceeded</m:ResponseCode>"#,
            r#"<property name="EnableIMAutoArchiving">false</property> TracingLevel=Full <imAutoArchiving>false</imAutoArchiving>"#,
            "<s:Fault><faultcode>a:ErrorX</faultcode><faultstring>bad</faultstring></s:Fault>",
            "History Spooler: retrying 3 offline messages",
            "ms-diagnostics: 4005;reason=\"Destination URI either not enabled for SIP\"",
            "Skype for Business version 16.0.1234.5678 IM.Note.MissedConversation",
            "Sign-in succeeded; user signed out; EWS not deployed; status=503 /EWS/",
            "POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized",
            "EWS request ſtatus=403 for /EWS/ — Kelvin \u{212a} non-ASCII falls back",
            "EWS SendItem für Jürgen Müller: HTTP/1.1 401 Unauthorized — 日本語 hr=0x80190191",
            "<property name=\"EnableOfflineIM\">false</property> Ölçüm 🙂 EnableIMAutoArchiving=false",
            "SIP/2.0 480 Temporarily Unavailable ms-diagnostics: 15030;reason=\"Ünknown\"",
            "Skype for Business vérsion 16.0.1234.5678 — version 16.0.4444.1000 ÿ",
            "SIP/2.0 480 Temporarily Unavailable",
        ] {
            text.push_str("03/02/2026|10:00:00.000 1F68:C14 INFO  :: ");
            text.push_str(l);
            text.push('\n');
        }
        let m = Markers::builtin().expect("builtin");
        let mut fast = Classifier::new(&m);
        let mut full = Classifier::new(&m);
        full.use_prefilter = false;
        let mut recs: Vec<Record> = Vec::new();
        for (i, l) in text.lines().enumerate() {
            match crate::parse::uccapilog::header(l) {
                Some(h) => {
                    let mut r = Record {
                        time: h.stamp.map(|t| t.and_utc().fixed_offset()),
                        thread: h.thread.map(str::to_string),
                        ..Default::default()
                    };
                    r.push(i as u64 + 1, h.message);
                    recs.push(r);
                }
                None => {
                    if let Some(r) = recs.last_mut() {
                        r.push(i as u64 + 1, l);
                    }
                }
            }
        }
        assert!(recs.len() > 1000);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for r in &recs {
            fast.classify(r, &mut a);
            full.classify(r, &mut b);
        }
        assert!(a.len() > 500, "{}", a.len());
        assert_eq!(a, b);
    }
}
