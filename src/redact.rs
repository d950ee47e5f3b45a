//! Redaction of private message content for evidence bundles: subjects and bodies are replaced
//! by `x`s of the same length, so the structure (tags, headers, addresses, timestamps, sizes)
//! stays readable for an engineer while the words are gone.

use crate::model::{Encoding, Format};
use crate::parse::text;

/// Replace every letter and digit with `x` (white space and punctuation stay, so the shape shows).
pub fn mask(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_alphanumeric() { 'x' } else { c })
        .collect()
}

/// Mask everything but the addresses in `s`.
pub fn mask_except_addresses(s: &str) -> String {
    let spans = text::address_spans(s);
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for r in spans {
        out.push_str(&mask(&s[last..r.start]));
        out.push_str(&s[r.clone()]);
        last = r.end;
    }
    out.push_str(&mask(&s[last..]));
    out
}

/// Element names whose text is metadata, not content, and is kept.
const KEEP_ELEMENTS: &[&str] = &[
    "ItemClass",
    "EmailAddress",
    "RoutingType",
    "MailboxType",
    "DateTimeSent",
    "DateTimeCreated",
    "DateTimeReceived",
    "Importance",
    "Sensitivity",
    "IsRead",
    "ResponseCode",
    "MessageDisposition",
];

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Mask the text between tags, except inside metadata elements. Tags, attributes and
/// comments-as-tags are copied as they are; text inside `<![CDATA[…]]>` is masked.
pub fn redact_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut stack: Vec<String> = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            out.push_str("<![CDATA[");
            out.push_str(&mask(&after[..end]));
            rest = &after[end..];
            if let Some(r) = rest.strip_prefix("]]>") {
                out.push_str("]]>");
                rest = r;
            }
            continue;
        }
        if rest.starts_with('<') {
            // Copy the tag up to its closing '>', honouring quoted attribute values.
            let mut end = rest.len();
            let mut quote: Option<char> = None;
            for (i, c) in rest.char_indices().skip(1) {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None if c == '>' => {
                        end = i + 1;
                        break;
                    }
                    None => {}
                }
            }
            let tag = &rest[..end];
            push_tag(&mut out, tag);
            let inner = tag.trim_start_matches('<').trim_end_matches('>');
            if let Some(name) = inner.strip_prefix('/') {
                let name = local(name.trim());
                if let Some(pos) = stack.iter().rposition(|n| n == name) {
                    stack.truncate(pos);
                }
            } else if !inner.starts_with('?') && !inner.starts_with('!') && !inner.ends_with('/') {
                let name = inner
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or_default();
                stack.push(local(name).to_string());
            }
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let chunk = &rest[..end];
        let keep = stack
            .last()
            .is_some_and(|n| KEEP_ELEMENTS.iter().any(|k| k.eq_ignore_ascii_case(n)));
        if keep {
            out.push_str(chunk);
        } else {
            out.push_str(&mask_except_addresses(chunk));
        }
        rest = &rest[end..];
    }
    out
}

/// Attributes whose values are structure or metadata, kept as they are; every other
/// attribute value (`<Message Subject="…">`) is masked but for its addresses.
const KEEP_ATTRIBUTES: &[&str] = &[
    "xmlns",
    "Id",
    "ChangeKey",
    "BodyType",
    "MessageDisposition",
    "SendMeetingInvitations",
    "Traversal",
    "Version",
    "RequestServerVersion",
    "ResponseClass",
    "Name",
    "Culture",
    "encoding",
    "standalone",
];

/// Copy a tag, masking the values of attributes not in [`KEEP_ATTRIBUTES`] (a comment, a
/// declaration or a processing instruction is copied as it is).
fn push_tag(out: &mut String, tag: &str) {
    if tag.starts_with("<!") {
        out.push_str(tag);
        return;
    }
    let mut rest = tag;
    while let Some(q) = rest.find(['"', '\'']) {
        let quote = rest[q..].chars().next().unwrap_or('"');
        let Some(len) = rest[q + 1..].find(quote) else {
            break;
        };
        let before = &rest[..q];
        let name = before
            .trim_end()
            .strip_suffix('=')
            .map(|n| n.trim_end())
            .and_then(|n| {
                n.rsplit(|c: char| c.is_whitespace() || c == '<' || c == '?')
                    .next()
            })
            .unwrap_or("");
        let bare = name.rsplit(':').next().unwrap_or(name);
        let keep = name == "xmlns"
            || name.starts_with("xmlns:")
            || KEEP_ATTRIBUTES.iter().any(|k| k.eq_ignore_ascii_case(bare));
        let value = &rest[q + 1..q + 1 + len];
        out.push_str(&rest[..=q]);
        if keep {
            out.push_str(value);
        } else {
            out.push_str(&mask_except_addresses(value));
        }
        out.push(quote);
        rest = &rest[q + 2 + len..];
    }
    out.push_str(rest);
}

/// Headers whose values are content, masked whole.
const CONTENT_HEADERS: &[&str] = &["subject", "thread-topic", "comments", "keywords"];

/// Headers whose values are structure or metadata, kept as they are. Any other header
/// (`X-Preview`, a vendor's own) is masked but for its addresses: an unknown header may hold
/// content.
const KEEP_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "sender",
    "reply-to",
    "return-path",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "importance",
    "priority",
    "x-priority",
    "x-mailer",
    "user-agent",
    "received",
    "x-ms-has-attach",
    "x-ms-tnef-correlator",
];

/// Keep a MIME header block (masking subject-like values), mask the body.
pub fn redact_mime(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_body = false;
    let mut masking_header: Option<bool> = None;
    for line in s.split_inclusive('\n') {
        if in_body {
            out.push_str(&mask_except_addresses(line));
            continue;
        }
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare.is_empty() {
            in_body = true;
            out.push_str(line);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            out.push_str(&match masking_header {
                Some(true) => mask(line),
                Some(false) => mask_except_addresses(line),
                None => line.to_string(),
            });
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) => {
                let lower = name.trim().to_ascii_lowercase();
                // Some(whole): masked (whole, or but for addresses); None: kept.
                masking_header = if CONTENT_HEADERS.contains(&lower.as_str()) {
                    Some(true)
                } else if KEEP_HEADERS.contains(&lower.as_str()) {
                    None
                } else {
                    Some(false)
                };
                out.push_str(name);
                out.push(':');
                out.push_str(&match masking_header {
                    Some(true) => mask(value),
                    Some(false) => mask_except_addresses(value),
                    None => value.to_string(),
                });
            }
            None => out.push_str(&mask_except_addresses(line)),
        }
    }
    out
}

/// Mask printable runs of 4+ bytes (ASCII and UTF-16LE) except the addresses in them.
pub fn redact_binary(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mask_run = |start: usize, len: usize, stride: usize, out: &mut Vec<u8>| {
        let s: String = (0..len).map(|k| out[start + k * stride] as char).collect();
        let masked = mask_except_addresses(&s);
        for (k, b) in masked.bytes().enumerate().take(len) {
            out[start + k * stride] = b;
        }
    };
    let printable = |b: u8| (0x20..0x7f).contains(&b);
    let mut in_ascii = vec![false; out.len()];
    let mut i = 0;
    while i < out.len() {
        let start = i;
        while i < out.len() && printable(out[i]) {
            i += 1;
        }
        if i - start >= 4 {
            mask_run(start, i - start, 1, &mut out);
            in_ascii[start..i].iter_mut().for_each(|b| *b = true);
        }
        i += 1;
    }
    for offset in [0usize, 1] {
        let mut i = offset;
        while i + 1 < out.len() {
            let start = i;
            let mut n = 0;
            while i + 1 < out.len() && printable(out[i]) && out[i + 1] == 0 && !in_ascii[i] {
                i += 2;
                n += 1;
            }
            if n >= 4 {
                mask_run(start, n, 2, &mut out);
            }
            i += 2;
        }
    }
    out
}

fn encode(s: &str, enc: Encoding) -> Vec<u8> {
    let utf16 = |le: bool, bom: bool| {
        let mut v = Vec::with_capacity(s.len() * 2 + 2);
        if bom {
            v.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    };
    match enc {
        Encoding::Utf8 => s.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], s.as_bytes()].concat(),
        Encoding::Utf16le => utf16(true, false),
        Encoding::Utf16leBom => utf16(true, true),
        Encoding::Utf16be => utf16(false, false),
        Encoding::Utf16beBom => utf16(false, true),
        Encoding::Legacy8bit => s
            .chars()
            .map(|c| if (c as u32) < 0x100 { c as u8 } else { b'?' })
            .collect(),
    }
}

/// A redacted copy of a spooled item's bytes, in its original encoding.
pub fn redact_item(bytes: &[u8], format: Format) -> Vec<u8> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let Some(decoded) = text::decode(bytes, false) else {
        return redact_binary(bytes);
    };
    let red = match format {
        Format::Xml | Format::Html => redact_markup(&decoded.text),
        Format::Mime => redact_mime(&decoded.text),
        Format::Binary | Format::Unreadable => return redact_binary(bytes),
        Format::Text | Format::Empty => mask_except_addresses(&decoded.text),
    };
    let out = encode(&red, decoded.encoding);
    // A decoding that did not round-trip (bytes that were no text in the guessed encoding,
    // an odd byte of UTF-16) would shift the copy: such an item is redacted byte by byte, so
    // the copy keeps the original's length and layout.
    if out.len() != bytes.len() {
        return redact_binary(bytes);
    }
    out
}

/// Redact one log line for a bundle: the text of `Subject`/`Body`-like elements and a
/// `Subject:` value become `x`s (as [`mask_content`] does for reports); everything else stays,
/// timestamps, status codes, URLs and addresses included, so the line still proves what it
/// proves.
pub fn redact_log_line(line: &str) -> String {
    mask_content(line).into_owned()
}

/// Elements whose text is message content.
const CONTENT_ELEMENTS: &str = "Subject|Body|UniqueBody|TextBody|Preview|ConversationTopic";

fn content_tag_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, exercised by the tests
        regex::Regex::new(&format!(
            r"(?i)<((?:[a-z0-9_]+:)?(?:{CONTENT_ELEMENTS}))\b[^>]*>|\bsubject\s*[:=]\s*"
        ))
        .unwrap()
    })
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
        regex::Regex::new(r#"\bxmlns(?::([A-Za-z0-9_.-]+))?\s*=\s*["']([^"']*)["']"#).unwrap()
    })
}

/// What a document told so far, for masking it line by line: a content element left open by
/// an earlier line, a `Body` whose kind the next line decides, and which namespace prefixes
/// (`""`: the default namespace) were declared as the SOAP envelope's.
#[derive(Debug, Default)]
struct XmlState {
    open: Option<String>,
    undecided: Option<String>,
    soap: std::collections::HashMap<String, bool>,
}

/// Whether a `Body` start tag (element `name`, ending at byte `end` of `line`) wraps elements
/// (a SOAP envelope's `<s:Body>`) rather than holding message text. The namespace its prefix
/// is declared with (on this line before the tag, else on an earlier line) decides. Without a
/// declaration, a prefixed `Body` that opens onto a prefixed element
/// (`<s:Body><m:FindItemResponse …>`) wraps elements; `None`: nothing follows the tag on this
/// line, so the next line decides.
fn body_is_container(
    line: &str,
    name: &str,
    end: usize,
    soap: &std::collections::HashMap<String, bool>,
) -> Option<bool> {
    let (prefix, local_name) = match name.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", name),
    };
    if !local_name.eq_ignore_ascii_case("body") {
        return Some(false);
    }
    let declared = xmlns_re()
        .captures_iter(&line[..end])
        .filter(|c| c.get(1).map_or("", |p| p.as_str()) == prefix)
        .last()
        .map(|c| SOAP_ENVELOPE_NS.contains(&c.get(2).map_or("", |u| u.as_str())));
    if let Some(d) = declared.or_else(|| soap.get(prefix).copied()) {
        return Some(d);
    }
    if prefix.is_empty() {
        return Some(false);
    }
    let rest = line[end..].trim_start();
    if rest.is_empty() {
        return None;
    }
    Some(opens_prefixed_element(rest))
}

/// Whether `s` starts with the start tag of a prefixed element (`<m:FindItemResponse`).
fn opens_prefixed_element(s: &str) -> bool {
    let Some(child) = s.strip_prefix('<') else {
        return false;
    };
    let child = child
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .next()
        .unwrap_or("");
    child.contains(':') && !child.starts_with(['!', '?'])
}

/// Mask only message content in a log excerpt: the text of `Subject`/`Body`-like elements (up to
/// their closing tag or the end of the line) and a `Subject:` value. Everything else (policy
/// values, status codes, addresses) stays, so the excerpt still proves what it proves. A SOAP
/// envelope's `Body` is not message content: only what it wraps is looked at.
pub fn mask_content(line: &str) -> std::borrow::Cow<'_, str> {
    mask_line(line, &mut XmlState::default())
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
        let close = format!("</{}", name.to_ascii_lowercase());
        match line.to_ascii_lowercase().find(&close) {
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
    while let Some(c) = re.captures_at(line, pos) {
        let Some(m) = c.get(0) else { break };
        out.push_str(&line[pos..m.end()]);
        let rest = &line[m.end()..];
        let end = match c.get(1) {
            // A self-closing tag has no text; a SOAP body's children are looked at in turn.
            Some(_) if m.as_str().ends_with("/>") => 0,
            Some(name) => match body_is_container(line, name.as_str(), m.end(), &st.soap) {
                Some(true) => 0,
                None => {
                    st.undecided = Some(name.as_str().to_string());
                    rest.len()
                }
                Some(false) => {
                    let close = format!("</{}", name.as_str());
                    match rest.to_ascii_lowercase().find(&close.to_ascii_lowercase()) {
                        Some(e) => e,
                        // The text runs on to the next line.
                        None => {
                            st.open = Some(name.as_str().to_string());
                            rest.len()
                        }
                    }
                }
            },
            // `Subject: …` runs to the end of the line or the next tag.
            None => rest.find('<').unwrap_or(rest.len()),
        };
        out.push_str(&mask(&rest[..end]));
        pos = m.end() + end;
        if end == 0 && pos >= line.len() {
            break;
        }
    }
    out.push_str(&line[pos.min(line.len())..]);
    learn_namespaces(line, st);
    std::borrow::Cow::Owned(out)
}

/// Note the namespace declarations of `line` for the lines after it.
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

/// What an evidence file is, for [`redact_evidence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceText {
    /// A log or trace: each line is masked as [`mask_content`] masks it.
    Log,
    /// Mailbox evidence (a PowerShell export or a saved EWS answer). `items`: a list of mail
    /// items, whose columns are masked unless known as metadata; otherwise (a policy or
    /// folder-statistics export) only message-content columns are masked.
    Mailbox { items: bool },
}

/// Redact a whole evidence file for an excerpt in a bundle. Only letters and digits change (to
/// `x`), so every line stays where it was and the excerpt can be cut from the result.
/// `Export-Csv`, `Format-List` and `ConvertTo-Json` exports are masked by column (a subject
/// written as `"…"` in a CSV row is found by its column, not by its words); XML is masked as
/// [`mask_content`] masks it, an element's text running on over lines included.
pub fn redact_evidence(text: &str, what: EvidenceText) -> String {
    let lines = |text: &str| -> String {
        text.split_inclusive('\n')
            .map(|l| mask_content(l).into_owned())
            .collect()
    };
    let EvidenceText::Mailbox { items } = what else {
        return lines(text);
    };
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let lead = &text[..text.len() - t.len()];
    if t.starts_with('<') {
        return redact_xml_lines(text);
    }
    if t.starts_with('[') || t.starts_with('{') {
        return format!("{lead}{}", redact_json(t, items));
    }
    let mut first = t.lines().skip_while(|l| l.trim_start().starts_with('#'));
    let header = first.next().unwrap_or("");
    if format_list_key(header).is_some() {
        return redact_format_list(text, items);
    }
    redact_csv(text, items).unwrap_or_else(|| lines(text))
}

/// Columns (letters and digits, lower case) whose values are message content.
const CONTENT_COLUMNS: &[&str] = &[
    "subject",
    "normalizedsubject",
    "topic",
    "conversationtopic",
    "body",
    "textbody",
    "uniquebody",
    "preview",
    "bodypreview",
    "comments",
    "keywords",
];

/// Columns of an item list whose values are metadata and are kept (besides any column whose
/// name holds `date` or `time`). Any other column of an item list is masked but for its
/// addresses, as an unknown one may hold content.
const ITEM_METADATA_COLUMNS: &[&str] = &[
    "itemclass",
    "messageclass",
    "class",
    "from",
    "fromaddress",
    "fromemailaddress",
    "fromname",
    "sender",
    "senderaddress",
    "senderemailaddress",
    "to",
    "toaddress",
    "torecipients",
    "recipients",
    "displayto",
    "cc",
    "displaycc",
    "itemid",
    "id",
    "entryid",
    "changekey",
    "folder",
    "foldername",
    "folderpath",
    "parentfolder",
    "parentfolderid",
    "isdraft",
    "isread",
    "size",
    "importance",
    "sensitivity",
    "hasattachments",
    "identity",
];

fn norm_column(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the values of column `name` are masked.
fn column_masked(name: &str, items: bool) -> bool {
    let n = norm_column(name);
    if CONTENT_COLUMNS.contains(&n.as_str()) {
        return true;
    }
    items
        && !(ITEM_METADATA_COLUMNS.contains(&n.as_str())
            || n.contains("date")
            || n.contains("time"))
}

/// The property name of a `Format-List` line (`Subject      : …`): text at the start of the
/// line, then white space and a colon.
fn format_list_key(line: &str) -> Option<&str> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let colon = line.find(" :")?;
    let key = line[..colon].trim_end();
    let after = &line[colon + 2..];
    (!key.is_empty()
        && !key.contains(':')
        && (after.is_empty() || after.starts_with([' ', '\r', '\n'])))
    .then_some(key)
}

/// `Format-List` text: the value of a masked property is masked, its indented continuation
/// lines too; a blank line ends a record.
fn redact_format_list(text: &str, items: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut masking: Option<bool> = None;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            masking = None;
            out.push_str(line);
        } else if let Some(key) = format_list_key(line) {
            let m = column_masked(key, items);
            masking = Some(m);
            let colon = line.find(" :").map_or(line.len(), |c| c + 2);
            out.push_str(&line[..colon]);
            if m {
                out.push_str(&mask_except_addresses(&line[colon..]));
            } else {
                out.push_str(&line[colon..]);
            }
        } else if line.starts_with(char::is_whitespace) && masking == Some(true) {
            out.push_str(&mask_except_addresses(line));
        } else if masking == Some(false) && line.starts_with(char::is_whitespace) {
            out.push_str(line);
        } else {
            out.push_str(&mask_content(line));
        }
    }
    out
}

/// `Export-Csv` text: the header names the columns; each field of a masked column is masked
/// (quotes, delimiters and line breaks stay, a quoted field that runs over lines included).
/// `None` when the first line (after blank and `#TYPE` lines) has no delimiter.
fn redact_csv(text: &str, items: bool) -> Option<String> {
    let mut start = 0;
    for l in text.split_inclusive('\n') {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            start += l.len();
        } else {
            break;
        }
    }
    let header_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let header = &text[start..header_end];
    let delim = [',', ';', '\t']
        .into_iter()
        .map(|d| (d, split_csv(header, d).len()))
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 1)
        .map(|(d, _)| d)?;
    let masked: Vec<bool> = split_csv(header, delim)
        .iter()
        .map(|&(a, b)| {
            let name = header[a..b].trim().trim_matches('"');
            column_masked(name, items)
        })
        .collect();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..header_end]);
    let body = &text[header_end..];
    let mut col = 0usize;
    let mut field = 0usize;
    let mut quoted = false;
    let push_field = |out: &mut String, col: usize, f: &str| {
        if masked.get(col).copied().unwrap_or(items) {
            out.push_str(&mask_except_addresses(f));
        } else {
            out.push_str(f);
        }
    };
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek().is_some_and(|&(_, n)| n == '"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        if c == '"' && body[field..i].trim().is_empty() {
            quoted = true;
        } else if c == delim || c == '\n' {
            push_field(&mut out, col, &body[field..i]);
            out.push(c);
            field = i + c.len_utf8();
            col = if c == '\n' { 0 } else { col + 1 };
        }
    }
    push_field(&mut out, col, &body[field..]);
    Some(out)
}

/// Byte ranges of the fields of one CSV line (quotes honoured).
fn split_csv(line: &str, delim: char) -> Vec<(usize, usize)> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut fields = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delim && !quoted {
            fields.push((start, i));
            start = i + 1;
        }
    }
    fields.push((start, line.len()));
    fields
}

/// `ConvertTo-Json` text: each string value is masked when the key it belongs to (the nearest
/// key before it) is masked; keys, numbers, `true`/`false`/`null` and escapes stay.
fn redact_json(text: &str, items: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut masking = false;
    let mut rest = text;
    while let Some(q) = rest.find('"') {
        out.push_str(&rest[..q]);
        // The string's end: the next quote not escaped.
        let s = &rest[q + 1..];
        let mut end = s.len();
        let mut esc = false;
        for (i, c) in s.char_indices() {
            match c {
                _ if esc => esc = false,
                '\\' => esc = true,
                '"' => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let inner = &s[..end];
        let after = &s[(end + 1).min(s.len())..];
        let is_key = after.trim_start().starts_with(':');
        out.push('"');
        if is_key {
            masking = column_masked(inner, items);
            out.push_str(inner);
        } else if masking {
            out.push_str(&mask_json_string(inner));
        } else {
            out.push_str(inner);
        }
        if end < s.len() {
            out.push('"');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Mask the text of a JSON string, keeping its escapes' shape (`\n`, `\"`; a `\u` escape keeps
/// `\u` and its four digits are masked).
fn mask_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(b) = rest.find('\\') {
        out.push_str(&mask_except_addresses(&rest[..b]));
        let esc = &rest[b..];
        let mut it = esc.char_indices().skip(1);
        match it.next() {
            Some((_, 'u')) => {
                let n = esc.char_indices().nth(6).map_or(esc.len(), |(i, _)| i);
                out.push_str("\\u");
                out.push_str(&mask(&esc[2.min(n)..n]));
                rest = &esc[n..];
            }
            Some((i, c)) => {
                out.push_str(&esc[..i + c.len_utf8()]);
                rest = &esc[i + c.len_utf8()..];
            }
            None => {
                out.push('\\');
                rest = "";
            }
        }
    }
    out.push_str(&mask_except_addresses(rest));
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

#[cfg(test)]
mod content_tests {
    #[test]
    fn content_masking_keeps_evidence() {
        let l = r#"<m:CreateItem MessageDisposition="SaveOnly"><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Budget 2026</t:Subject><t:Body BodyType="Text">cut short"#;
        let r = super::mask_content(l);
        assert!(!r.contains("Budget") && !r.contains("cut short"), "{r}");
        assert!(r.contains("MessageDisposition=\"SaveOnly\"") && r.contains("IPM.Note"));
        let p = r#"<property name="EnableIMAutoArchiving">false</property>"#;
        assert_eq!(super::mask_content(p), p);
        assert_eq!(
            super::mask_content("Subject: lunch plans"),
            "Subject: xxxxx xxxxx"
        );
        assert_eq!(
            super::mask_content("HTTP/1.1 401 Unauthorized"),
            "HTTP/1.1 401 Unauthorized"
        );
    }

    use super::*;

    #[test]
    fn markup_keeps_structure_and_metadata() {
        let x = "<t:Message><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Top secret plan</t:Subject>\
                 <t:Body BodyType=\"Text\">meet at 3</t:Body><t:EmailAddress>a@contoso.com</t:EmailAddress></t:Message>";
        let r = redact_markup(x);
        assert!(r.contains("<t:ItemClass>IPM.Note</t:ItemClass>"));
        assert!(r.contains("<t:Subject>xxx xxxxxx xxxx</t:Subject>"), "{r}");
        assert!(
            r.contains("<t:Body BodyType=\"Text\">xxxx xx x</t:Body>"),
            "{r}"
        );
        assert!(r.contains("a@contoso.com"));
        assert_eq!(r.len(), x.len());
    }

    #[test]
    fn mime_masks_subject_and_body_only() {
        let m = "From: a@contoso.com\r\nSubject: Hello there\r\nDate: Mon, 2 Mar 2026\r\n\r\nsecret words\r\n";
        let r = redact_mime(m);
        assert!(r.contains("From: a@contoso.com"));
        assert!(r.contains("Subject: xxxxx xxxxx"));
        assert!(r.contains("Date: Mon, 2 Mar 2026"));
        assert!(!r.contains("secret"));
        assert_eq!(r.len(), m.len());
    }

    /// Headers not known as structure or metadata are masked but for their addresses
    /// (`X-Preview` was kept), folded lines included; known ones are kept.
    #[test]
    fn unknown_headers_are_masked_known_ones_kept() {
        let m = "From: Jo <a@contoso.com>\r\nX-Preview: TOPSECRET b@contoso.com\r\n\tmore TOPSECRET\r\nThread-Topic: TOPSECRET\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\nDate: Mon, 2 Mar 2026\r\n\r\n--b1\r\nbody\r\n";
        let r = redact_mime(m);
        assert!(!r.contains("TOPSECRET"), "{r}");
        assert!(r.contains("X-Preview:"), "{r}");
        assert!(r.contains("b@contoso.com"), "{r}");
        assert!(r.contains("From: Jo <a@contoso.com>"), "{r}");
        assert!(r.contains("boundary=\"b1\""), "{r}");
        assert!(r.contains("Date: Mon, 2 Mar 2026"), "{r}");
        assert_eq!(r.len(), m.len());
    }

    /// Attribute values are content unless known as structure: `Subject="…"` is masked,
    /// `Id`, `xmlns` and `BodyType` stay, addresses stay.
    #[test]
    fn attribute_values_are_masked_unless_structure() {
        let x = "<?xml version=\"1.0\" encoding=\"utf-8\"?><m:Message xmlns:m=\"urn:x\" Subject=\"TOPSECRET c\" Id='AAMk=' Note='to b@contoso.com'><t:Body BodyType=\"Text\">x</t:Body><!-- kept --></m:Message>";
        let r = redact_markup(x);
        assert!(!r.contains("TOPSECRET"), "{r}");
        assert!(r.contains("Subject=\"xxxxxxxxx x\""), "{r}");
        for kept in [
            "version=\"1.0\"",
            "encoding=\"utf-8\"",
            "xmlns:m=\"urn:x\"",
            "Id='AAMk='",
            "BodyType=\"Text\"",
            "b@contoso.com",
            "<!-- kept -->",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.len(), x.len());
        // A tag cut short (no closing quote) is copied as it is, never panics.
        let cut = "<a Subject=\"TOP";
        assert_eq!(redact_markup(cut).len(), cut.len());
    }

    #[test]
    fn binary_strings_are_masked_but_addresses_kept() {
        let mut b = vec![0u8, 1];
        b.extend_from_slice(b"hello world sip:a@contoso.com");
        b.push(0);
        for u in "secret words".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let r = redact_binary(&b);
        let s = String::from_utf8_lossy(&r);
        assert!(!s.contains("hello"));
        assert!(s.contains("a@contoso.com"));
        assert!(!text::binary_strings(&r, 4).contains("secret"));
        assert_eq!(r.len(), b.len());
    }

    /// A binary item guessed as UTF-16 (an odd byte at the end) keeps its length: it is
    /// redacted byte by byte (its copy was one byte longer, shifted).
    #[test]
    fn an_item_that_does_not_round_trip_keeps_its_length() {
        let mut b = vec![0u8, 1, 2];
        for u in "SECRET b@contoso.com".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b.extend_from_slice(&[0xFF; 10]);
        for f in [Format::Text, Format::Xml, Format::Mime, Format::Html] {
            let r = redact_item(&b, f);
            assert_eq!(r.len(), b.len(), "{f:?}");
            assert!(!text::binary_strings(&r, 4).contains("SECRET"), "{f:?}");
        }
    }

    #[test]
    fn items_keep_their_encoding() {
        let mut v = vec![0xFF, 0xFE];
        for u in "<a><Subject>private</Subject></a>".encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        let r = redact_item(&v, Format::Xml);
        assert_eq!(&r[..2], &[0xFF, 0xFE]);
        let d = text::decode(&r, false).expect("text");
        assert_eq!(d.text, "<a><Subject>xxxxxxx</Subject></a>");
    }

    #[test]
    fn log_lines_lose_subjects_and_bodies_and_keep_the_evidence() {
        let l = "<t:Subject>Budget</t:Subject> Subject: Budget talk";
        let r = redact_log_line(l);
        assert!(!r.contains("Budget"), "{r}");
        let l = "03/02/2026|13:45:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized <t:Subject>Merger</t:Subject><t:Body BodyType=\"Text\">the plan</t:Body>";
        let r = redact_log_line(l);
        assert_eq!(
            r,
            "03/02/2026|13:45:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized <t:Subject>xxxxxx</t:Subject><t:Body BodyType=\"Text\">xxx xxxx</t:Body>"
        );
    }
}

#[cfg(test)]
mod evidence_tests {
    use super::*;

    const EWS_ERROR: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<s:Body>\n\
<m:FindItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">\n\
<m:ResponseMessages>\n<m:FindItemResponseMessage ResponseClass=\"Error\">\n\
<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>\n\
<t:Message><t:Subject>Quarterly merger</t:Subject><t:ItemClass>IPM.Note</t:ItemClass>\n\
<t:Body BodyType=\"Text\">first secret line\nsecond secret line</t:Body></t:Message>\n\
</m:FindItemResponseMessage>\n</m:ResponseMessages>\n</m:FindItemResponse>\n</s:Body>\n</s:Envelope>\n";

    /// The SOAP envelope's `<s:Body>` is not a message body: an answer on one line keeps its
    /// response code and item class (everything after `<s:Body>` was masked), and one line or
    /// pretty-printed, the answer is redacted the same; a message body is masked on every line
    /// it runs over.
    #[test]
    fn soap_body_is_structure_one_line_or_pretty() {
        let pretty = redact_xml_lines(EWS_ERROR);
        let one_line_input = EWS_ERROR.replace('\n', "");
        let one_line = redact_xml_lines(&one_line_input);
        assert_eq!(pretty.replace('\n', ""), one_line);
        for r in [&pretty, &one_line] {
            assert!(
                r.contains("<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>"),
                "{r}"
            );
            assert!(r.contains("<t:ItemClass>IPM.Note</t:ItemClass>"), "{r}");
            assert!(r.contains("ResponseClass=\"Error\""), "{r}");
            assert!(r.contains("<m:FindItemResponse xmlns:m="), "{r}");
            assert!(!r.contains("merger") && !r.contains("secret"), "{r}");
        }
        assert_eq!(pretty.len(), EWS_ERROR.len());
        // One line on its own (a report's evidence excerpt) too.
        let m = mask_content(&one_line_input);
        assert!(
            m.contains("ErrorAccessDenied") && !m.contains("merger"),
            "{m}"
        );
        // `<s:Body><m:FindItemResponse …>` on a line of its own, no declaration in sight.
        let l = "<s:Body><m:FindItemResponse><m:ResponseCode>NoError</m:ResponseCode>";
        assert_eq!(mask_content(l), l);
        // A Body in another namespace, or one holding text, is still masked.
        let l = "<a:Body xmlns:a=\"urn:other\"><b:P>secret</b:P></a:Body>";
        assert!(!mask_content(l).contains("secret"));
        let l = "<x:Body>secret <y:Z/></x:Body><t:Body/><m:ResponseCode>NoError</m:ResponseCode>";
        let m = mask_content(l);
        assert!(!m.contains("secret") && m.contains("NoError"), "{m}");
    }

    /// A `<t:Body>` at the end of a line whose text starts on the next line is masked there
    /// (the next line decides what an undeclared prefixed Body is).
    #[test]
    fn a_body_whose_text_starts_on_the_next_line_is_masked() {
        let x = "<t:Message>\n<t:Body BodyType=\"Text\">\nsecret words\nmore secret\n</t:Body>\n<t:ItemClass>IPM.Note</t:ItemClass>\n";
        let r = redact_xml_lines(x);
        assert!(!r.contains("secret"), "{r}");
        assert!(r.contains("<t:ItemClass>IPM.Note</t:ItemClass>"), "{r}");
        assert_eq!(r.len(), x.len());
    }

    /// In a CSV item list the subject column is masked (it was kept verbatim: nothing in a CSV
    /// row says "subject"), a quoted subject over two lines included; item class, time,
    /// folder and addresses stay, and an unknown column is masked but for its addresses.
    #[test]
    fn csv_item_list_masks_subjects_by_column() {
        let csv = "#TYPE Selected.Item\n\"Subject\",\"ItemClass\",\"DateTimeCreated\",\"From\",\"Folder\",\"Notes\"\n\
\"SECRET0 Jane sent you a message\",\"IM.Note.MissedConversation\",\"3/1/2026 10:00:00 AM\",\"jdoe@contoso.com\",\"Drafts\",\"call SECRET b@contoso.com\"\n\
\"SECRET1 over\ntwo lines, \"\"quoted\"\"\",\"IPM.Note\",\"3/1/2026 10:01:00 AM\",\"jdoe@contoso.com\",\"Drafts\",\"\"\n";
        let r = redact_evidence(csv, EvidenceText::Mailbox { items: true });
        assert!(
            !r.contains("SECRET") && !r.contains("Jane") && !r.contains("quoted"),
            "{r}"
        );
        for kept in [
            "\"Subject\",\"ItemClass\"",
            "\"IM.Note.MissedConversation\"",
            "\"3/1/2026 10:00:00 AM\"",
            "\"jdoe@contoso.com\"",
            "\"Drafts\"",
            "b@contoso.com",
            "\"IPM.Note\"",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.lines().count(), csv.lines().count());
        assert_eq!(r.chars().count(), csv.chars().count());
        // A semicolon export (another culture's delimiter) is read by its header too.
        let semi = "Subject;ItemClass\nSECRET;IPM.Note\n";
        let r = redact_evidence(semi, EvidenceText::Mailbox { items: true });
        assert_eq!(r, "Subject;ItemClass\nxxxxxx;IPM.Note\n");
    }

    /// A policy or folder-statistics export keeps its values (they are the evidence); only a
    /// message-content column would be masked.
    #[test]
    fn policy_and_stats_exports_keep_their_values() {
        let csv = "\"Identity\",\"EnableOfflineIm\",\"Subject\"\n\"Global\",\"False\",\"SECRET\"\n";
        let r = redact_evidence(csv, EvidenceText::Mailbox { items: false });
        assert_eq!(
            r,
            "\"Identity\",\"EnableOfflineIm\",\"Subject\"\n\"Global\",\"False\",\"xxxxxx\"\n"
        );
        let fl = "\nName          : Drafts\nItemsInFolder : 1412\n";
        assert_eq!(
            redact_evidence(fl, EvidenceText::Mailbox { items: false }),
            fl
        );
    }

    /// Format-List and ConvertTo-Json item lists lose their subjects (a wrapped value's
    /// continuation lines too) and keep class, time and addresses.
    #[test]
    fn format_list_and_json_item_lists_mask_subjects() {
        let fl = "\n\nSubject         : SECRET0 Jane Doe sent you a message in Skype for\n                  Business SECRET\nItemClass       : IM.Note.MissedConversation\nDateTimeCreated : 3/1/2026 10:00:00 AM\nFrom            : jdoe@contoso.com\n\n";
        let r = redact_evidence(fl, EvidenceText::Mailbox { items: true });
        assert!(!r.contains("SECRET") && !r.contains("Business"), "{r}");
        for kept in [
            "Subject         : ",
            "ItemClass       : IM.Note.MissedConversation",
            "DateTimeCreated : 3/1/2026 10:00:00 AM",
            "From            : jdoe@contoso.com",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.len(), fl.len());
        let json = "[\n    {\n        \"Subject\":  \"SECRET \\\"q\\\" \\u00e9t\\u00e9 x\",\n        \"ItemClass\":  \"IPM.Note\",\n        \"Size\":  1234,\n        \"DateTimeCreated\":  \"\\/Date(1772359200000)\\/\",\n        \"From\":  \"jdoe@contoso.com\"\n    }\n]\n";
        let r = redact_evidence(json, EvidenceText::Mailbox { items: true });
        assert!(!r.contains("SECRET") && !r.contains("00e9"), "{r}");
        assert!(
            r.contains("\"Subject\":  \"xxxxxx \\\"x\\\" \\uxxxxx\\uxxxx x\""),
            "{r}"
        );
        for kept in [
            "\"ItemClass\":  \"IPM.Note\"",
            "\"Size\":  1234",
            "\"\\/Date(1772359200000)\\/\"",
            "\"jdoe@contoso.com\"",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.len(), json.len());
    }

    /// A log keeps its lines as `mask_content` gives them.
    #[test]
    fn logs_are_masked_line_by_line() {
        let log = "a,b,c\nSubject: lunch plans\n<t:Subject>x1</t:Subject>\n";
        assert_eq!(
            redact_evidence(log, EvidenceText::Log),
            "a,b,c\nSubject: xxxxx xxxxx\n<t:Subject>xx</t:Subject>\n"
        );
    }
}
