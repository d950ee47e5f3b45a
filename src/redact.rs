//! Redaction of private message content for evidence bundles: subjects and bodies are replaced
//! by `x`s of the same length, so the structure (tags, headers, addresses, timestamps, sizes)
//! stays readable for an engineer while the words are gone.

use crate::model::{Encoding, Format};
use crate::parse::text;

mod content;
mod export;
mod sip;
mod sip_inline;
pub use content::{hide_content, mask_content, redact_log_line, redact_xml_lines};
pub use export::{redact_evidence, EvidenceText};
pub use sip::redact_log_lines;

/// Whether [`mask`] replaces `c`: a letter or digit of any script, and any other character
/// outside ASCII but white space and controls (a combining mark, an emoji, a CJK punctuation
/// mark), so no text survives because of its script.
pub fn masked_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

/// Replace every letter and digit (and every other character [`masked_char`] names) with `x`s,
/// one per byte of its UTF-8 form, so the text keeps its byte length; ASCII white space and
/// punctuation stay, so the shape shows.
pub fn mask(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if masked_char(c) {
            out.extend(std::iter::repeat_n('x', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
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

/// Whether `c`, after a `<`, starts a tag: a name start (a letter, `_`, `:`), or `/`, `!`, `?`.
/// After anything else (`<3`, `< 5`) the `<` is text.
fn starts_tag(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '_' | ':' | '/' | '!' | '?')
}

/// `s` (starting with `<`) cut where a tag that honours quoted attribute values closes: its
/// length, or `None` when no `>` closes it (a file cut inside a tag or a quoted value).
fn tag_len(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '>' => return Some(i + 1),
            None => {}
        }
    }
    None
}

/// Copy `open`, mask what `rest` holds up to `close` (or to the end if it never comes), copy
/// `close`; the part of `rest` after it is returned.
fn push_masked_until<'a>(out: &mut String, open: &str, rest: &'a str, close: &str) -> &'a str {
    out.push_str(open);
    let end = rest.find(close).unwrap_or(rest.len());
    out.push_str(&mask(&rest[..end]));
    let rest = &rest[end..];
    match rest.strip_prefix(close) {
        Some(r) => {
            out.push_str(close);
            r
        }
        None => rest,
    }
}

/// The leading run of letters of `s` (a declaration's keyword, a PI's target).
fn keyword(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
        .unwrap_or(s.len());
    &s[..end]
}

/// Copy a declaration (`<!DOCTYPE …>`, `<!ENTITY …>`, `<![if …]>`) with its keyword kept and
/// the rest masked, up to its closing `>` outside quotes and brackets (a DOCTYPE's internal
/// subset, its entity values included, is masked); to the end if it never closes.
fn push_declaration<'a>(out: &mut String, s: &'a str) -> &'a str {
    let body = &s[2..];
    let kw = keyword(body);
    let mut end = s.len();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    for (i, c) in body.char_indices().skip(kw.len()) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' => depth += 1,
            None if c == ']' => depth = depth.saturating_sub(1),
            None if c == '>' && depth == 0 => {
                end = 2 + i;
                break;
            }
            None => {}
        }
    }
    out.push_str("<!");
    out.push_str(kw);
    out.push_str(&mask(&s[2 + kw.len()..end]));
    let rest = &s[end..];
    match rest.strip_prefix('>') {
        Some(r) => {
            out.push('>');
            r
        }
        None => rest,
    }
}

/// Mask the text between tags, except inside metadata elements. Tags and attributes are copied
/// (attribute values masked unless known as structure, `push_tag`); the text of comments,
/// processing instructions, `<![CDATA[…]]>` sections and declarations (`<!DOCTYPE …>`, entity
/// values) is masked, their delimiters kept. A `<` that starts no tag (`<3`, `< 5`) is text; a
/// tag, comment or quoted value that the end of the input cuts masks everything to the end.
pub fn redact_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut stack: Vec<String> = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            rest = push_masked_until(&mut out, "<![CDATA[", after, "]]>");
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = push_masked_until(&mut out, "<!--", after, "-->");
            continue;
        }
        if rest.starts_with("<!") {
            rest = push_declaration(&mut out, rest);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<?") {
            let target = keyword(after);
            // The XML declaration is a tag of attributes (`version`, `encoding`, kept).
            if !target.eq_ignore_ascii_case("xml") {
                out.push_str("<?");
                out.push_str(target);
                rest = push_masked_until(&mut out, "", &after[target.len()..], "?>");
                continue;
            }
        }
        let tag_start = rest.starts_with('<') && rest[1..].chars().next().is_some_and(starts_tag);
        if tag_start {
            let Some(end) = tag_len(rest) else {
                // Cut inside the tag: its name stays, the rest is masked.
                let name = keyword(&rest[1..]);
                let name = if rest[1..].starts_with('/') { "" } else { name };
                out.push('<');
                out.push_str(name);
                out.push_str(&mask_except_addresses(&rest[1 + name.len()..]));
                break;
            };
            let tag = &rest[..end];
            push_tag(&mut out, tag);
            let inner = tag.trim_start_matches('<').trim_end_matches('>');
            if let Some(name) = inner.strip_prefix('/') {
                let name = local(name.trim());
                if let Some(pos) = stack.iter().rposition(|n| n == name) {
                    stack.truncate(pos);
                }
            } else if !inner.starts_with('?') && !inner.ends_with('/') {
                let name = inner
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or_default();
                stack.push(local(name).to_string());
            }
            rest = &rest[end..];
            continue;
        }
        // Text, up to the next `<` (a `<` that starts no tag is part of it).
        let skip = usize::from(rest.starts_with('<'));
        let end = rest[skip..].find('<').map_or(rest.len(), |e| e + skip);
        let chunk = &rest[..end];
        // An `EmailAddress` that is an address (or an X.500 DN, as reports show it) stays;
        // any other text in one is masked but for its addresses, as reports do not take it
        // for a recipient either.
        let keep = stack.last().is_some_and(|n| {
            KEEP_ELEMENTS.iter().any(|k| k.eq_ignore_ascii_case(n))
                || (n.eq_ignore_ascii_case("EmailAddress") && address_only(chunk))
        });
        if keep {
            out.push_str(chunk);
        } else {
            out.push_str(&mask_except_addresses(chunk));
        }
        rest = &rest[end..];
    }
    out
}

/// Whether `t` (white space around it aside) is one address, with or without `sip:`, or an
/// X.500 DN.
fn address_only(t: &str) -> bool {
    let t = t.trim();
    if crate::parse::spool::is_x500_dn(t) {
        return true;
    }
    match text::address_spans(t)[..] {
        [ref r] => r.end == t.len() && (r.start == 0 || t[..r.start].eq_ignore_ascii_case("sip:")),
        _ => false,
    }
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

/// Whether the value of attribute `name` is kept ([`KEEP_ATTRIBUTES`], namespace
/// declarations).
fn keep_attribute(name: &str) -> bool {
    let bare = name.rsplit(':').next().unwrap_or(name);
    name == "xmlns"
        || name.starts_with("xmlns:")
        || KEEP_ATTRIBUTES.iter().any(|k| k.eq_ignore_ascii_case(bare))
}

/// Copy a tag (or the XML declaration): its name kept, the values of attributes not in
/// [`KEEP_ATTRIBUTES`] masked but for their addresses, quoted (`title="…"`) or not
/// (`title=…`, as HTML allows: up to white space or `>`), and any word in it that is no
/// `name=value` pair (an HTML attribute without a value, or text in something that only looks
/// like a tag) masked; a quote that does not close masks the rest.
fn push_tag(out: &mut String, tag: &str) {
    // `<`, `</` or `<?`, and the element's name.
    let after = tag[1..].trim_start_matches(['/', '?']);
    let name_end = tag.len() - after.len()
        + after
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '?'))
            .unwrap_or(after.len());
    out.push_str(&tag[..name_end]);
    let mut rest = &tag[name_end..];
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() || matches!(c, '/' | '>' | '?') {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        // An attribute's name (empty before a stray quote), then `=` and its value, if any.
        let n = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/' | '"' | '\''))
            .unwrap_or(rest.len());
        let name = &rest[..n];
        let gap = rest[n..].len() - rest[n..].trim_start().len();
        let after_name = &rest[n + gap..];
        let (lead, value) = if let Some(v) = after_name.strip_prefix('=') {
            let v_trim = v.trim_start();
            (&rest[..rest.len() - v_trim.len()], v_trim)
        } else if name.is_empty() {
            // A quote with no name before it: a value of no attribute.
            ("", rest)
        } else {
            // A word with no value.
            out.push_str(&mask(name));
            rest = &rest[n..];
            continue;
        };
        let keep = !name.is_empty() && keep_attribute(name);
        out.push_str(lead);
        let masked = |v: &str| {
            if keep {
                v.to_string()
            } else {
                mask_except_addresses(v)
            }
        };
        match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &value[1..];
                let Some(len) = inner.find(q) else {
                    out.push(q);
                    out.push_str(&mask_except_addresses(inner));
                    return;
                };
                out.push(q);
                out.push_str(&masked(&inner[..len]));
                out.push(q);
                rest = &inner[len + 1..];
            }
            _ => {
                let end = value
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value.len());
                out.push_str(&masked(&value[..end]));
                rest = &value[end..];
            }
        }
    }
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

/// Keep a MIME header block (masking subject-like values), mask the body. The block is read
/// with the sniffer's own rule (`parse::mime_head`: line ends, an mbox `From ` line, where
/// the body starts with or without a blank line), so what the parser calls body is masked
/// here; text that does not start with a header block is masked whole but for its addresses.
pub fn redact_mime(s: &str) -> String {
    use crate::parse::mime_head::{self, LineKind};
    // The sniffer reads the text from its first character that is no BOM or white space.
    let t = s.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let lead = &s[..s.len() - t.len()];
    let Some(head) = mime_head::read(t) else {
        return mask_except_addresses(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(lead);
    let mut masking_header: Option<bool> = None;
    let mut end = 0;
    for &(line, kind) in &head.lines {
        end += line.len();
        match kind {
            LineKind::Blank => out.push_str(line),
            LineKind::MboxFrom => {
                // Its time stays (it makes the line one, so the copy reads as the item does);
                // every other word is masked but for its addresses.
                out.push_str("From ");
                for piece in line["From ".len()..].split_inclusive(char::is_whitespace) {
                    let word = piece.trim_end_matches(char::is_whitespace);
                    if mime_head::is_time(word) {
                        out.push_str(word);
                    } else {
                        out.push_str(&mask_except_addresses(word));
                    }
                    out.push_str(&piece[word.len()..]);
                }
            }
            LineKind::Continuation => out.push_str(&match masking_header {
                Some(true) => mask(line),
                Some(false) => mask_except_addresses(line),
                None => line.to_string(),
            }),
            LineKind::Header { colon, .. } => {
                let (name, value) = (&line[..colon], &line[colon + 1..]);
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
        }
    }
    let body = head.body_start.unwrap_or(end).min(t.len());
    out.push_str(&mask_except_addresses(&t[body..]));
    out
}

/// One UTF-8 character at the start of `b` (strictly: no overlong form, no surrogate) and its
/// length in bytes.
fn utf8_char(b: &[u8]) -> Option<(char, usize)> {
    let n = match *b.first()? {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(b.get(..n)?).ok()?.chars().next()?;
    Some((c, n))
}

/// A character that can be part of a text run in a binary item: a tab, printable ASCII, or a
/// character of any script that is no control, no private-use character and no noncharacter.
fn run_char(c: char) -> bool {
    let u = c as u32;
    if c == '\t' || (0x20..0x7f).contains(&u) {
        return true;
    }
    !c.is_ascii()
        && !c.is_control()
        && !(0xE000..=0xF8FF).contains(&u)
        && !(0xFDD0..=0xFDEF).contains(&u)
        && (u & 0xFFFE) != 0xFFFE
        && u < 0xF0000
}

/// A character that can be part of a text run in UTF-16 in a binary item. Almost any two bytes
/// are a character there, so outside ASCII only letters and digits, white space, and a
/// character of the same block of 128 as the one before it (a virama after a Devanagari
/// letter) are: a sign or symbol alone is taken for binary data.
fn utf16_run_char(c: char, prev: Option<char>) -> bool {
    run_char(c)
        && (c.is_ascii()
            || c.is_alphanumeric()
            || c.is_whitespace()
            || prev.is_some_and(|p| !p.is_ascii() && (p as u32) >> 7 == (c as u32) >> 7))
}

/// Whether a run of `chars` UTF-8 characters in `bytes` bytes (`wide`: some of them outside
/// ASCII) is text to mask: 4 characters or more, or 4 bytes or more with a character outside
/// ASCII (a two-letter Cyrillic word, a two-character Japanese one).
fn run_is_text(chars: usize, bytes: usize, wide: bool) -> bool {
    chars >= 4 || (wide && bytes >= 4)
}

/// Mask the runs of UTF-8 text in `bytes` (into `out`, same offsets) and mark them in `taken`,
/// so the UTF-16 passes leave them alone.
fn mask_utf8_runs(bytes: &[u8], out: &mut [u8], taken: &mut [bool]) {
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let (mut chars, mut wide) = (0, false);
        while let Some((_, n)) = utf8_char(&bytes[i..]).filter(|(c, _)| run_char(*c)) {
            i += n;
            chars += 1;
            wide |= n > 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        if run_is_text(chars, i - start, wide) {
            if let Ok(run) = std::str::from_utf8(&bytes[start..i]) {
                let masked = mask_except_addresses(run);
                if masked.len() == run.len() {
                    out[start..i].copy_from_slice(masked.as_bytes());
                }
            }
            taken[start..i].iter_mut().for_each(|t| *t = true);
        }
    }
}

/// The UTF-16 character at byte `i` of `b` (`le`: little-endian), with its length in bytes;
/// `None` past the end, on an unpaired surrogate, or on a byte in `taken`.
fn utf16_char(b: &[u8], i: usize, le: bool, taken: &[bool]) -> Option<(char, usize)> {
    let unit = |k: usize| -> Option<u16> {
        let p = b.get(k..k + 2)?;
        if taken[k] || taken[k + 1] {
            return None;
        }
        Some(if le {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        })
    };
    let u = unit(i)?;
    if (0xD800..0xDC00).contains(&u) {
        let lo = unit(i + 2)?;
        let c = char::decode_utf16([u, lo]).next()?.ok()?;
        return Some((c, 4));
    }
    let c = char::from_u32(u32::from(u))?;
    Some((c, 2))
}

/// Mask the runs of UTF-16 text (little- or big-endian, at even or odd offsets) in `out` that no
/// earlier pass took, and mark them in `taken`.
fn mask_utf16_runs(out: &mut [u8], taken: &mut [bool]) {
    for le in [true, false] {
        for offset in [0usize, 1] {
            let mut i = offset;
            while i + 1 < out.len() {
                let start = i;
                let mut run = String::new();
                let mut prev: Option<char> = None;
                while let Some((c, n)) =
                    utf16_char(out, i, le, taken).filter(|&(c, _)| utf16_run_char(c, prev))
                {
                    run.push(c);
                    prev = Some(c);
                    i += n;
                }
                if i == start {
                    i += 2;
                    continue;
                }
                // 4 characters or more: fewer, in any script, could be two bytes of data.
                if run.chars().count() < 4 {
                    continue;
                }
                let masked = mask_except_addresses(&run);
                let mut at = start;
                let mut m = 0;
                for c in run.chars() {
                    let n = c.len_utf8();
                    let units = c.len_utf16();
                    if masked.get(m..m + n) != run.get(m..m + n) {
                        for k in 0..units {
                            let x: [u8; 2] = if le { [b'x', 0] } else { [0, b'x'] };
                            out[at + 2 * k..at + 2 * k + 2].copy_from_slice(&x);
                        }
                    }
                    m += n;
                    at += 2 * units;
                }
                taken[start..i].iter_mut().for_each(|t| *t = true);
            }
        }
    }
}

/// Mask the text in a binary item, except the addresses in it: runs of 4 characters or more
/// (or of 4 bytes or more with a character outside ASCII) in UTF-8, ASCII included, and runs
/// of 4 characters or more in UTF-16 (little- and big-endian, at either byte offset), letters
/// of every script. Bytes that
/// are no such text stay, so the copy keeps its length and layout; binary data that happens to
/// read as such text is masked too.
pub fn redact_binary(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut taken = vec![false; out.len()];
    mask_utf8_runs(bytes, &mut out, &mut taken);
    mask_utf16_runs(&mut out, &mut taken);
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

/// `red` is `text` as the functions above redact it: every character kept or replaced by `x`s,
/// one per byte of its UTF-8 form. The same redaction with one `x` per unit of `enc` (a UTF-16
/// code unit, a byte of a legacy code page), so the encoded copy keeps the original's length;
/// `None` if `red` is not such a redaction of `text`.
fn realign(text: &str, red: &str, enc: Encoding) -> Option<String> {
    if red.len() != text.len() {
        return None;
    }
    if matches!(enc, Encoding::Utf8 | Encoding::Utf8Bom) {
        return Some(red.to_string());
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let n = c.len_utf8();
        let r = red.get(i..i + n)?;
        if r == &text[i..i + n] {
            out.push(c);
        } else if r.bytes().all(|b| b == b'x') {
            let units = match enc {
                Encoding::Legacy8bit => 1,
                _ => c.len_utf16(),
            };
            out.extend(std::iter::repeat_n('x', units));
        } else {
            return None;
        }
    }
    Some(out)
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
        Format::Binary => return redact_binary(bytes),
        // Unread at the scan (locked) but text now: masked whole but for its addresses.
        Format::Text | Format::Empty | Format::Unreadable => mask_except_addresses(&decoded.text),
    };
    // Control characters (ESC, C1 CSI…), bidi overrides and invisible characters are no
    // content, but a copy printed on a terminal would run or hide them: the redacted copy,
    // which changes bytes anyway, turns each into `x`s (line ends and tabs stay); the same
    // set the sanitiser escapes.
    let red: String = red
        .chars()
        .flat_map(|c| {
            let n = if crate::sanitize::is_unsafe(c) && !matches!(c, '\t' | '\r' | '\n') {
                c.len_utf8()
            } else {
                0
            };
            let keep = (n == 0).then_some(c);
            keep.into_iter().chain(std::iter::repeat_n('x', n))
        })
        .collect();
    let Some(red) = realign(&decoded.text, &red, decoded.encoding) else {
        return redact_binary(bytes);
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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_shapes;
#[cfg(test)]
mod tests_sip_kinds;
