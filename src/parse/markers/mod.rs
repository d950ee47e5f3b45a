//! Log markers as data (`assets/markers.toml`, extended by a user file: `source::markers`
//! reads it) and the classifier that
//! turns log records into [`LogEvent`](crate::model::LogEvent)s with them.

use crate::model::EventKind;
use regex::{Regex, RegexSet};
use std::sync::OnceLock;

use serde::Deserialize;
use std::collections::BTreeMap;

pub const BUILTIN: &str = include_str!("../../../assets/markers.toml");

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
    values: BTreeMap<String, toml::Spanned<String>>,
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
    /// The pattern's named groups: (group index, value name: `status` for `status_2`).
    pub(super) groups: Vec<(usize, String)>,
}

/// Every marker, compiled, with one set to find candidates in a single pass per line.
#[derive(Debug, Clone)]
pub struct Markers {
    pub markers: Vec<Marker>,
    pub contexts: Vec<(String, Regex)>,
    /// What finds candidates in a record the prefilter cannot judge (one holding `ſ` or `K`):
    /// built on the first such record, as few logs have one (it was a third of the start-up).
    fallback: OnceLock<Fallback>,
    /// The context patterns one by one (multi-line), run on prefilter candidates.
    contexts_ml: Vec<Regex>,
    /// Literals derived from the patterns: which ones can match a record at all.
    prefilter: super::prefilter::Prefilter,
    /// The markers' ids, shared (an occurrence counted without its values names its marker).
    ids: Vec<std::sync::Arc<str>>,
}

/// The candidate finder for records the prefilter cannot judge: marker patterns first, then
/// context patterns, all multi-line (a record's lines are searched as one text).
#[derive(Debug, Clone)]
enum Fallback {
    Set(RegexSet),
    /// The set would not build (too large a combined automaton: a large user markers file):
    /// each pattern on its own; one that does not build is a candidate everywhere.
    Each(Vec<Option<Regex>>),
}

impl Fallback {
    fn build(pats: &[&str]) -> Fallback {
        match regex::RegexSetBuilder::new(pats).multi_line(true).build() {
            Ok(set) => Fallback::Set(set),
            Err(_) => Fallback::Each(
                pats.iter()
                    .map(|p| regex::RegexBuilder::new(p).multi_line(true).build().ok())
                    .collect(),
            ),
        }
    }

    /// The patterns that match `text` (a pattern that could not be built counts as matching).
    pub(super) fn matches(&self, text: &str) -> Vec<usize> {
        match self {
            Fallback::Set(set) => match set.is_match(text) {
                true => set.matches(text).iter().collect(),
                false => Vec::new(),
            },
            Fallback::Each(each) => (0..each.len())
                .filter(|&i| each[i].as_ref().is_none_or(|r| r.is_match(text)))
                .collect(),
        }
    }
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

/// The `problem` values the rules know (`ews-auth-failed`, `ews-unreachable`, `ews-error`).
pub const PROBLEMS: [&str; 3] = ["auth", "unreachable", "error"];

/// A `problem` value as the rules compare it: ASCII lower case, so `Auth` and `AUTH` are `auth`.
/// Other values are left as they are.
pub fn normal_value(name: &str, v: &str) -> Option<String> {
    (name == "problem" && v.bytes().any(|b| b.is_ascii_uppercase())).then(|| v.to_ascii_lowercase())
}

/// At most this many bytes of a value taken from the log text (a group's capture, an
/// `extract`) are kept: a kept event is bounded in size as the store bounds their number (a
/// 64 KiB SIP reason on every kept event made memory follow the log's size).
pub const VALUE_CAP: usize = 512;

/// A value named `name` taken from the log text, as events hold it: trimmed, a `problem`
/// normalised ([`normal_value`]), cut at [`VALUE_CAP`] bytes on a character boundary with `…`
/// after it.
pub fn captured_value(name: &str, v: &str) -> String {
    let v = v.trim();
    // Cut before copying: a `String` cut after keeps the capacity of the whole.
    let (v, cut) = if v.len() > VALUE_CAP {
        let mut at = VALUE_CAP;
        while !v.is_char_boundary(at) {
            at -= 1;
        }
        (&v[..at], true)
    } else {
        (v, false)
    };
    let mut v = normal_value(name, v).unwrap_or_else(|| v.to_string());
    if cut {
        v.push('…');
    }
    v
}

/// What an `ews-failure` or `soap-fault` whose `problem` is missing or unknown (a user marker
/// without one, or
/// a `problem` group that took other text) is counted as: `problem = error`, with `cause
/// unknown` added to its `reason` (a value the rules keep and label by), so that no EWS
/// failure is counted and raises nothing.
pub fn settle_problem(values: &mut BTreeMap<String, String>) {
    if values
        .get("problem")
        .is_some_and(|p| PROBLEMS.contains(&p.as_str()))
    {
        return;
    }
    values.insert("problem".into(), "error".into());
    let reason = match values.get("reason") {
        Some(r) => format!("{r} (cause unknown)"),
        None => "cause unknown".into(),
    };
    values.insert("reason".into(), reason);
}

/// One marker as read from a file, its patterns compiled.
struct ParsedMarker {
    def: MarkerDef,
    /// Its fixed values, `problem` normalised ([`normal_value`]) and checked.
    values: BTreeMap<String, String>,
    regex: Regex,
    line: usize,
    unless: Option<Regex>,
    extract: Vec<(String, Regex)>,
}

/// Contexts, and markers with their compiled patterns and line, from one file.
type ParsedFile = (Vec<(String, Regex)>, Vec<ParsedMarker>);

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
    let mut markers: Vec<ParsedMarker> = Vec::new();
    for m in def.marker {
        let line = line_of(text, m.span().start);
        let m = m.into_inner();
        let re = compile(text, origin, &m.pattern)?;
        // Lower case: ids are matched exactly, so `My-Fail` beside `my-fail` (or a user file's
        // `EWS-HTTP-DENIED` meant to replace `ews-http-denied`) would be a second marker.
        if m.id.is_empty()
            || !m
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(MarkerError::At {
                origin: origin.to_string(),
                line,
                message: format!(
                    "marker id '{}' must be kebab-case (lower-case letters, digits, -)",
                    m.id.escape_debug()
                ),
            });
        }
        // Within one file a repeated id is a copy whose id was not changed: the first one
        // would be dropped without a word. (A later file may replace an id on purpose.)
        if let Some(first) = markers.iter().find(|x| x.def.id == m.id) {
            return Err(MarkerError::At {
                origin: origin.to_string(),
                line,
                message: format!(
                    "marker id '{}' is used twice in this file (first at line {})",
                    m.id, first.line
                ),
            });
        }
        let values = fixed_values(text, origin, &m.values, m.kind)?;
        let unless = match &m.unless {
            Some(u) => Some(compile(text, origin, u)?),
            None => None,
        };
        let mut extract = Vec::with_capacity(m.extract.len());
        for (k, p) in &m.extract {
            extract.push((k.clone(), compile(text, origin, p)?));
        }
        markers.push(ParsedMarker {
            def: m,
            values,
            regex: re,
            line,
            unless,
            extract,
        });
    }
    Ok((contexts, markers))
}

/// A marker's fixed values as the classifier uses them: a `problem` in any ASCII case is
/// lower-cased, and one the rules do not know is refused with its line, as is a `problem` on
/// a marker of a kind the rules do not read it on (it would raise nothing).
fn fixed_values(
    text: &str,
    origin: &str,
    values: &BTreeMap<String, toml::Spanned<String>>,
    kind: EventKind,
) -> Result<BTreeMap<String, String>, MarkerError> {
    let mut out = BTreeMap::new();
    for (k, v) in values {
        let mut val = v.get_ref().clone();
        if let Some(n) = normal_value(k, &val) {
            val = n;
        }
        if k == "problem" && !matches!(kind, EventKind::EwsFailure | EventKind::SoapFault) {
            return Err(MarkerError::At {
                origin: origin.to_string(),
                line: line_of(text, v.span().start),
                message: format!(
                    "a problem is read only on ews-failure and soap-fault markers; this one is {}",
                    serde_json::to_string(&kind)
                        .unwrap_or_default()
                        .trim_matches('"')
                ),
            });
        }
        if k == "problem" && !PROBLEMS.contains(&val.as_str()) {
            return Err(MarkerError::At {
                origin: origin.to_string(),
                line: line_of(text, v.span().start),
                message: format!(
                    "unknown problem '{}' (valid: {})",
                    v.get_ref().escape_debug(),
                    PROBLEMS.join(", ")
                ),
            });
        }
        out.insert(k.clone(), val);
    }
    Ok(out)
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
    pub fn builtin_shared() -> Result<std::sync::Arc<Markers>, MarkerError> {
        static B: std::sync::OnceLock<Result<std::sync::Arc<Markers>, MarkerError>> =
            std::sync::OnceLock::new();
        B.get_or_init(|| Markers::builtin().map(std::sync::Arc::new))
            .clone()
    }

    /// Later files extend earlier ones; a marker or context with the same id replaces it.
    pub fn build(files: &[(&str, &str)]) -> Result<Markers, MarkerError> {
        let mut ctx: Vec<(String, Regex)> = Vec::new();
        let mut defs: Vec<(ParsedMarker, String)> = Vec::new();
        for (text, origin) in files {
            let (c, m) = parse_file(text, origin)?;
            for (name, re) in c {
                match ctx.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = re,
                    None => ctx.push((name, re)),
                }
            }
            for pm in m {
                let entry = (pm, origin.to_string());
                match defs.iter_mut().find(|x| x.0.def.id == entry.0.def.id) {
                    Some(slot) => *slot = entry,
                    None => defs.push(entry),
                }
            }
        }
        let mut markers = Vec::new();
        for (pm, origin) in defs {
            let ParsedMarker {
                def: d,
                values,
                regex: re,
                line,
                unless,
                extract,
            } = pm;
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
            let groups = re
                .capture_names()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (i, sip::base_name(n).to_string())))
                .collect();
            markers.push(Marker {
                groups,
                id: d.id,
                kind: d.kind,
                regex: re,
                context,
                unless,
                extract,
                values,
                repeat: d.repeat,
                explain: d.explain,
            });
        }
        let pats: Vec<&str> = markers
            .iter()
            .map(|m| m.regex.as_str())
            .chain(ctx.iter().map(|(_, r)| r.as_str()))
            .collect();
        // Contexts are judged per record over all its lines, so `^`/`$` must see line breaks.
        let contexts_ml = ctx
            .iter()
            .map(|(_, r)| {
                regex::RegexBuilder::new(r.as_str())
                    .multi_line(true)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| MarkerError::File {
                origin: "markers".into(),
                message: e.to_string().replace('\n', " "),
            })?;
        let prefilter = super::prefilter::Prefilter::new(&pats, true);
        let ids = markers.iter().map(|m| m.id.as_str().into()).collect();
        Ok(Markers {
            markers,
            contexts: ctx,
            fallback: OnceLock::new(),
            contexts_ml,
            prefilter,
            ids,
        })
    }

    /// Find the marker literals in a finished record now (on the thread that read it), so the
    /// classifier does not have to.
    pub fn prescan(&self, rec: &mut Record) {
        self.prefilter.scan(&rec.text, &mut rec.scan);
        rec.prescanned = true;
    }

    /// The marker and context patterns (marker `i`, context `nm + j`) that match `text`,
    /// without the prefilter (for a record it cannot judge).
    pub(super) fn matching_without_prefilter(&self, text: &str) -> Vec<usize> {
        self.fallback
            .get_or_init(|| {
                let pats: Vec<&str> = self
                    .markers
                    .iter()
                    .map(|m| m.regex.as_str())
                    .chain(self.contexts.iter().map(|(_, r)| r.as_str()))
                    .collect();
                Fallback::build(&pats)
            })
            .matches(text)
    }

    /// The id of marker `i` (a [`Hit::index`]), shared.
    pub fn shared_id(&self, i: usize) -> std::sync::Arc<str> {
        self.ids.get(i).cloned().unwrap_or_else(|| "".into())
    }

    pub fn explain(&self, id: &str) -> Option<&str> {
        self.markers
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.explain.as_str())
    }
}

mod classify;
mod probe;
mod record;
mod sip;

pub use classify::{Classifier, Hit, Memory};
pub use record::{record_cut_problem, Record, RECORD_CAP};

#[cfg(test)]
mod user_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

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

    /// The fallback without a set (a set too large to build) finds what the set finds, and a
    /// pattern that could not be built is a candidate everywhere.
    #[test]
    fn fallback_each_pattern_agrees_with_the_set() {
        let m = Markers::builtin().expect("builtin");
        let pats: Vec<&str> = m
            .markers
            .iter()
            .map(|x| x.regex.as_str())
            .chain(m.contexts.iter().map(|(_, r)| r.as_str()))
            .collect();
        let set = Fallback::build(&pats);
        assert!(matches!(set, Fallback::Set(_)));
        let build = |p: &&str| regex::RegexBuilder::new(p).multi_line(true).build().ok();
        let each = Fallback::Each(pats.iter().map(build).collect());
        let texts = [
            "POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized",
            "SIP/2.0 480 Temporarily Unavailable\nUser-Agent: UCCAPI/16.0.4849.1000 OC/16.0",
            "ſign out: nothing else",
            "",
        ];
        let mut any = false;
        for t in texts {
            let (a, b) = (set.matches(t), each.matches(t));
            assert_eq!(a, b, "{t:?}");
            any |= !a.is_empty();
        }
        assert!(any, "some text matched");
        let mut broken: Vec<Option<regex::Regex>> = pats.iter().map(build).collect();
        broken[0] = None;
        assert!(Fallback::Each(broken).matches("").contains(&0));
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
        ]
        .iter()
        .cycle()
        .take(54)
        {
            text.push_str("03/02/2026|10:00:00.000 1F68:C14 INFO  :: ");
            text.push_str(l);
            text.push('\n');
        }
        let m = Markers::builtin().expect("builtin");
        let mut fast = Classifier::new(&m);
        let mut full = Classifier::new(&m);
        full.use_prefilter = false;
        full.use_memo = false;
        let mut recs: Vec<Record> = Vec::new();
        for (i, l) in text.lines().enumerate() {
            match crate::parse::logs::uccapilog::header(l) {
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
        // The automaton path too (CPUs without the SIMD searcher).
        let mut m2 = m.clone();
        m2.prefilter = m2.prefilter.clone().without_packed();
        assert!(!m2.prefilter.is_packed());
        let mut dfa = Classifier::new(&m2);
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for r in &recs {
            fast.classify(r, &mut a);
            full.classify(r, &mut b);
            dfa.classify(r, &mut c);
        }
        assert!(a.len() > 500, "{}", a.len());
        assert_eq!(a, b);
        assert_eq!(c, b);
    }
}
