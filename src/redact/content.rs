//! Masking of message content in log lines and XML evidence, for reports, the live view and
//! bundle excerpts: the text of `Subject`/`Body`-like elements and `Subject:` values (and their
//! entity-escaped and JSON forms) becomes `x`s; everything else stays.

use super::mask;

/// Redact one log line for a bundle: the text of `Subject`/`Body`-like elements and a
/// `Subject:` value become `x`s (as [`mask_content`] does for reports); everything else stays,
/// timestamps, status codes, URLs and addresses included, so the line still proves what it
/// proves.
pub fn redact_log_line(line: &str) -> String {
    mask_content(line).into_owned()
}

/// Elements whose text is message content.
const CONTENT_ELEMENTS: &str = "Subject|Body|UniqueBody|TextBody|Preview|ConversationTopic";

/// JSON keys whose string value is message content, besides [`CONTENT_ELEMENTS`]: a heuristic
/// for a payload logged as JSON (`"Body":{…,"Content":"…"}`), not a shape seen from the client.
const CONTENT_JSON_KEYS: &str = "BodyPreview|Content";

/// A content element's start tag, literal (group 1: its name) or entity-escaped (`&lt;t:Subject
/// …&gt;`, group 2: its name); a JSON content key up to the opening quote of its string value
/// (group 3); the `ms-body=` parameter of a SIP header (group 4: `Ms-Text-Format` and
/// `Ms-IM-Format` carry the first instant message of a conversation there, base64-encoded, in
/// any header so as not to depend on which ones do); or `Subject:`/`Subject=`. The escaped and
/// JSON forms are heuristics for a payload logged escaped (as inside a tracerpt XML `<Data>`)
/// or as JSON: not shapes seen from the client.
fn content_tag_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, exercised by the tests
        regex::Regex::new(&format!(
            r#"(?i)<((?:[a-z0-9_]+:)?(?:{CONTENT_ELEMENTS}))\b[^>]*>|&lt;((?:[a-z0-9_]+:)?(?:{CONTENT_ELEMENTS}))\b.*?&gt;|"((?:{CONTENT_ELEMENTS}|{CONTENT_JSON_KEYS}))"\s*:\s*"|\b(ms-body)\s*=\s*|\bsubject\s*[:=]\s*"#
        ))
        .unwrap()
    })
}

/// Where a JSON string that started just before `s` ends (its closing quote), or the end of `s`.
fn json_string_end(s: &str) -> usize {
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return i,
            _ => {}
        }
    }
    s.len()
}

/// Namespaces of the SOAP 1.1 and SOAP 1.2 envelope (W3C): a `Body` in one of them is the
/// envelope's body, which wraps the answer, not a message body.
const SOAP_ENVELOPE_NS: &[&str] = &[
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope",
];

fn xmlns_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, exercised by the tests
        regex::Regex::new(
            r#"\bxmlns(?::([A-Za-z0-9_.-]+))?\s*=\s*(?:["']|&quot;|&apos;)([^"'&]*)(?:["']|&quot;|&apos;)"#,
        )
        .unwrap()
    })
}

/// What a document told so far, for masking it line by line: a content element left open by
/// an earlier line, a `Body` whose kind the next line decides, and which namespace prefixes
/// (`""`: the default namespace) were declared as the SOAP envelope's.
#[derive(Debug, Default)]
struct XmlState {
    open: Option<Open>,
    undecided: Option<Open>,
    soap: std::collections::HashMap<String, bool>,
}

/// Whether a `Body` start tag (element `name`, followed by `rest` on its line) wraps elements
/// (a SOAP envelope's `<s:Body>`) rather than holding message text. The namespace its prefix
/// was declared with (in `soap`: up to the tag, this line included) decides. Without a
/// declaration, a prefixed `Body` that opens onto a prefixed element
/// (`<s:Body><m:FindItemResponse …>`) wraps elements; `None`: nothing follows the tag on this
/// line, so the next line decides.
fn body_is_container(
    name: &str,
    rest: &str,
    soap: &std::collections::HashMap<String, bool>,
) -> Option<bool> {
    let (prefix, local_name) = match name.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", name),
    };
    if !local_name.eq_ignore_ascii_case("body") {
        return Some(false);
    }
    if let Some(&d) = soap.get(prefix) {
        return Some(d);
    }
    if prefix.is_empty() {
        return Some(false);
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        return None;
    }
    Some(opens_prefixed_element(rest))
}

/// A content element whose text runs on: its name, and whether its tags are entity-escaped.
#[derive(Debug, Clone)]
struct Open {
    name: String,
    escaped: bool,
}

/// Where the closing tag of element `name` (`</name`, or `&lt;/name` if `escaped`, any case)
/// starts in `s`.
fn find_close(s: &str, name: &str, escaped: bool) -> Option<usize> {
    let open = if escaped { "&lt;/" } else { "</" };
    s.match_indices(open).map(|(i, _)| i).find(|&i| {
        s.as_bytes()
            .get(i + open.len()..i + open.len() + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// Whether `s` starts with the start tag of a prefixed element (`<m:FindItemResponse`, or
/// entity-escaped, `&lt;m:FindItemResponse`).
fn opens_prefixed_element(s: &str) -> bool {
    let Some(child) = s.strip_prefix('<').or_else(|| s.strip_prefix("&lt;")) else {
        return false;
    };
    let child = child
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/' || c == '&')
        .next()
        .unwrap_or("");
    child.contains(':') && !child.starts_with(['!', '?'])
}

/// Mask only message content in a log excerpt: the text of `Subject`/`Body`-like elements (up to
/// their closing tag or the end of the line) and a `Subject:` value. Everything else (policy
/// values, status codes, addresses) stays, so the excerpt still proves what it proves. A SOAP
/// envelope's `Body` is not message content: only what it wraps is looked at. A SIP message
/// written whole on the line with its line breaks escaped (a tracerpt CSV field, an XML text:
/// `MESSAGE sip:… SIP/2.0\r\n…\r\n\r\nhello`) has its text body masked but for its
/// addresses (`redact::sip_inline`).
pub fn mask_content(line: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match super::sip_inline::mask_inline(line) {
        Cow::Borrowed(l) => mask_line(l, &mut XmlState::default()),
        Cow::Owned(l) => Cow::Owned(mask_line(&l, &mut XmlState::default()).into_owned()),
    }
}

/// [`mask_content`] for one line of a document, with what earlier lines told in `st` (updated
/// for the next line).
fn mask_line<'a>(line: &'a str, st: &mut XmlState) -> std::borrow::Cow<'a, str> {
    let re = content_tag_re();
    let mut out = String::new();
    let mut pos = 0;
    if let Some(name) = st.undecided.take() {
        let t = line.trim_start();
        if t.is_empty() {
            st.undecided = Some(name);
        } else if !opens_prefixed_element(t) {
            st.open = Some(name);
        }
    }
    if let Some(name) = st.open.take() {
        match find_close(line, &name.name, name.escaped) {
            Some(end) => {
                out.push_str(&mask(&line[..end]));
                pos = end;
            }
            None => {
                st.open = Some(name);
                return std::borrow::Cow::Owned(mask(line));
            }
        }
    }
    if pos == 0 && !re.is_match(line) {
        learn_namespaces(line, st);
        return std::borrow::Cow::Borrowed(line);
    }
    // Namespace declarations are learnt up to each tag looked at (each part of the line once).
    let mut learnt = 0;
    while let Some(c) = re.captures_at(line, pos) {
        let Some(m) = c.get(0) else { break };
        out.push_str(&line[pos..m.end()]);
        learn_namespaces(&line[learnt.max(pos)..m.end()], st);
        learnt = m.end();
        let rest = &line[m.end()..];
        let tag = c.get(1).or(c.get(2)).map(|name| Open {
            name: name.as_str().to_string(),
            escaped: c.get(2).is_some(),
        });
        let end = match tag {
            // A self-closing tag has no text; a SOAP body's children are looked at in turn.
            Some(_) if m.as_str().ends_with("/>") || m.as_str().ends_with("/&gt;") => 0,
            Some(open) => match body_is_container(&open.name, rest, &st.soap) {
                Some(true) => 0,
                None => {
                    st.undecided = Some(open);
                    rest.len()
                }
                Some(false) => {
                    match find_close(rest, &open.name, open.escaped) {
                        Some(e) => e,
                        // The text runs on to the next line.
                        None => {
                            st.open = Some(open);
                            rest.len()
                        }
                    }
                }
            },
            // A JSON string runs to its closing quote (or the end of the line).
            None if c.get(3).is_some() => json_string_end(rest),
            // `ms-body=…` runs to the next parameter, the end of the line, a tag or an entity
            // (the line ends of a payload logged escaped): base64 holds none of them.
            None if c.get(4).is_some() => {
                rest.find([';', '<', '&', '\r', '\n']).unwrap_or(rest.len())
            }
            // `Subject: …` runs to the end of the line or the next tag (literal or escaped).
            None => rest
                .find('<')
                .into_iter()
                .chain(rest.find("&lt;"))
                .min()
                .unwrap_or(rest.len()),
        };
        out.push_str(&mask(&rest[..end]));
        pos = m.end() + end;
        if end == 0 && pos >= line.len() {
            break;
        }
    }
    out.push_str(&line[pos.min(line.len())..]);
    learn_namespaces(&line[learnt.max(pos).min(line.len())..], st);
    std::borrow::Cow::Owned(out)
}

/// Note the namespace declarations in `line` (or a part of one) for what comes after.
fn learn_namespaces(line: &str, st: &mut XmlState) {
    if !line.contains("xmlns") {
        return;
    }
    for c in xmlns_re().captures_iter(line) {
        let uri = c.get(2).map_or("", |u| u.as_str());
        let prefix = c.get(1).map_or("", |p| p.as_str());
        st.soap
            .insert(prefix.to_string(), SOAP_ENVELOPE_NS.contains(&uri));
    }
}

/// Redact a whole XML document line by line, as [`mask_content`] does, but with the text of a
/// content element that runs on over several lines masked on all of them, and namespace
/// declarations of earlier lines known (a pretty-printed `<s:Body>` alone on its line is the
/// SOAP envelope's when an earlier line says so).
pub fn redact_xml_lines(text: &str) -> String {
    let mut st = XmlState::default();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&mask_line(line, &mut st));
    }
    out
}

/// Hide message content from what a report prints without `--show-content`: evidence excerpts
/// of findings, related evidence of items, and log event excerpts.
pub fn hide_content(model: &mut crate::model::Model, findings: &mut [crate::model::Finding]) {
    let fix = |e: &mut crate::model::Evidence| {
        if let Some(x) = &e.excerpt {
            if let std::borrow::Cow::Owned(m) = mask_content(x) {
                e.excerpt = Some(m);
            }
        }
    };
    findings
        .iter_mut()
        .flat_map(|f| f.evidence.iter_mut())
        .for_each(fix);
    model.related.values_mut().flatten().for_each(fix);
    for ev in &mut model.events {
        if let std::borrow::Cow::Owned(m) = mask_content(&ev.excerpt) {
            ev.excerpt = m;
        }
    }
}
