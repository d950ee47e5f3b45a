//! Where a SIP message sits on a line of any log kind spoolscope reads: its start line after
//! whatever prefix the log writes before a record's message (a UccApilog or CLS header, a netsh
//! `[0]0E2C.1A1C::<stamp> [Provider]`, a text log's stamp, the opening quote of a tracerpt CSV
//! field, a tracerpt XML `<Data …>` tag), and a whole message logged on one line with its line
//! breaks escaped (`\r\n`, `&#13;&#10;`).
//!
//! How tracerpt or a provider writes a SIP message inside a CSV field or an XML element is not
//! documented: the shapes here (a field or element whose text is the message, its line breaks
//! kept or escaped) are designed for variation, not attested. Where the shape is a guess, the
//! reading errs on masking more: a start line found anywhere opens a message, and a body runs to
//! where its field or element closes, or else to the next record line of the log.

use super::mask_except_addresses;
use std::borrow::Cow;

/// Where the text of a SIP message found on a line stops, besides the next record line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Closer {
    /// Nothing on the line closes it: it runs to the next record line of the log.
    Record,
    /// It sits in a quoted CSV field (tracerpt CSV): it ends at the quote that closes the field
    /// (a `"` that is not doubled).
    Quote,
    /// It is an element's text (tracerpt XML `<Data>`): it ends at the next end tag (`</`; text
    /// writes a `<` as `&lt;`).
    Tag,
}

impl Closer {
    /// The closer of a message whose start line begins after `prefix` on its line: a quoted
    /// field when an odd number of `"` come before it and the last one opens a field (it
    /// starts the line or follows a `,`, `;` or tab, spaces aside); an element's text when
    /// `prefix` ends with a start tag (`<Data Name="Message">`); else none. A quote or a tag
    /// elsewhere (`Received "MESSAGE…`, `<sip:bob@…>`) is no closer: a header such as
    /// `From: "Bob"` would end the message early.
    pub(super) fn of(prefix: &str) -> Closer {
        if prefix.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            let q = prefix.rfind('"').unwrap_or(0);
            let before = prefix[..q].trim_end_matches(' ');
            if before.is_empty() || before.ends_with([',', ';', '\t']) {
                return Closer::Quote;
            }
        }
        let p = prefix.trim_end();
        if let (Some(body), Some(i)) = (p.strip_suffix('>'), p.rfind('<')) {
            let name_end = p[i + 1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-')))
                .map_or(p.len(), |e| i + 1 + e);
            let named = p[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic());
            let after_name = &p[name_end..];
            if named
                && !body[i..].ends_with('/')
                && (after_name == ">" || after_name.starts_with(char::is_whitespace))
            {
                return Closer::Tag;
            }
        }
        Closer::Record
    }

    /// Where the message ends in `s` (a line, or the rest of one): the offset of the closing
    /// quote or end tag, if it is in `s`.
    pub(super) fn find(self, s: &str) -> Option<usize> {
        match self {
            Closer::Record => None,
            Closer::Tag => s.find("</"),
            Closer::Quote => {
                let b = s.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if b[i] == b'"' {
                        if b.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        return Some(i);
                    }
                    i += 1;
                }
                None
            }
        }
    }
}

/// Escaped line breaks a whole SIP message logged on one line could carry: `\r\n` or `\n`
/// written out (a CSV field, a JSON string), or as character references (`&#13;&#10;`,
/// `&#xD;&#xA;`, an XML text). A guess at variation, not a shape seen from the client.
const BREAK: &str = r"(?:\\r\\n|\\n|&#13;&#10;|&#10;|&#[xX]0*[dD];&#[xX]0*[aA];|&#[xX]0*[aA];)";

/// A start line that ends a line (with any prefix before it): a request
/// (`[Microsoft-Lync]MESSAGE sip:bob@… SIP/2.0`) or a response (`"SIP/2.0 200 OK`). Group 1:
/// where it starts.
fn start_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, exercised by the tests
        regex::Regex::new(
            r"(?:^|[^A-Za-z0-9])((?:[A-Z][A-Z-]* +\S+ +SIP/2\.0\s*$)|(?:SIP/2\.0 +\d{3}\b))",
        )
        .unwrap()
    })
}

/// A start line followed by an escaped line break ([`BREAK`]): a message logged on one line.
/// Group 1: where the start line starts; group 2: the break after it.
fn inline_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, exercised by the tests
        regex::Regex::new(&format!(
            r"(?:^|[^A-Za-z0-9])((?:[A-Z][A-Z-]* +\S+? +SIP/2\.0)|(?:SIP/2\.0 +\d{{3}}\b[^\\&]*?))({BREAK})"
        ))
        .unwrap()
    })
}

fn break_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, exercised by the tests
        regex::Regex::new(BREAK).unwrap()
    })
}

/// Where a SIP message whose headers follow on the next lines starts in `message` (a line, or
/// a record line's message): the offset of its start line, found after any prefix. A message
/// whose line breaks are escaped on this line, or whose field or element closes on it, is not
/// one ([`mask_inline`] reads it).
pub(super) fn find_start(message: &str) -> Option<usize> {
    if !message.contains("SIP/2.0") {
        return None;
    }
    let at = start_re().captures(message)?.get(1)?.start();
    let rest = &message[at..];
    let one_line = break_re().is_match(rest) || Closer::of(&message[..at]).find(rest).is_some();
    (!one_line).then_some(at)
}

/// Whether a body of this `Content-Type` value is masked: `text/*` (`text/plain`,
/// `text/html`, `text/rtf`…), `message/*` and `multipart/*` (whose parts can be text) are.
/// Other types (`application/sdp`, `application/…+xml`) are structure and stay, masked only as
/// any log line is.
pub(super) fn body_is_text(value: &str) -> bool {
    let t = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ["text/", "message/", "multipart/"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// The `Content-Type` (or compact `c`) value of a header line, if it is one.
pub(super) fn content_type(header: &str) -> Option<&str> {
    let (name, value) = header.split_once(':')?;
    let name = name.trim();
    (name.eq_ignore_ascii_case("content-type") || name.eq_ignore_ascii_case("c")).then_some(value)
}

/// Mask the body of each SIP message written whole on `line` with its line breaks escaped
/// (`…"MESSAGE sip:bob@… SIP/2.0\r\nFrom: …\r\nContent-Type: text/plain\r\n\r\nhello"`), as a
/// logged message's body is masked: when its `Content-Type` is a text, message or multipart
/// type, or it has none, everything but its addresses, from the escaped blank line that ends
/// the headers to where its field or element closes ([`Closer`]), or the end of the line. The
/// start line and headers stay; only letters and digits change.
pub fn mask_inline(line: &str) -> Cow<'_, str> {
    if !line.contains("SIP/2.0") {
        return Cow::Borrowed(line);
    }
    let mut out = String::new();
    let mut done = 0;
    let mut pos = 0;
    while let Some(c) = inline_re().captures_at(line, pos) {
        let (Some(start), Some(brk)) = (c.get(1), c.get(2)) else {
            break;
        };
        let closer = Closer::of(&line[..start.start()]);
        let after = &line[brk.end()..];
        let end = brk.end() + closer.find(after).unwrap_or(after.len());
        // Headers up to an escaped blank line (a break right after a break, or right after
        // the start line's).
        let region = &line[brk.end()..end];
        let mut mask = true;
        let mut body = None;
        let mut seg_start = 0;
        for b in break_re().find_iter(region) {
            let seg = &region[seg_start..b.start()];
            if seg.is_empty() {
                body = Some(brk.end() + b.end());
                break;
            }
            if let Some(v) = content_type(seg) {
                mask = body_is_text(v);
            }
            seg_start = b.end();
        }
        if let Some(b) = body.filter(|_| mask) {
            out.push_str(&line[done..b]);
            out.push_str(&mask_except_addresses(&line[b..end]));
            done = end;
        }
        pos = end.max(brk.end());
        if pos >= line.len() {
            break;
        }
    }
    if done == 0 {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[done..]);
    Cow::Owned(out)
}
