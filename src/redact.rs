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

/// Mask only message content in a log excerpt: the text of `Subject`/`Body`-like elements (up to
/// their closing tag or the end of the line) and a `Subject:` value. Everything else (policy
/// values, status codes, addresses) stays, so the excerpt still proves what it proves.
pub fn mask_content(line: &str) -> std::borrow::Cow<'_, str> {
    let re = content_tag_re();
    if !re.is_match(line) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut pos = 0;
    while let Some(c) = re.captures_at(line, pos) {
        let Some(m) = c.get(0) else { break };
        out.push_str(&line[pos..m.end()]);
        let rest = &line[m.end()..];
        let end = match c.get(1) {
            Some(name) => {
                let close = format!("</{}", name.as_str());
                rest.to_ascii_lowercase()
                    .find(&close.to_ascii_lowercase())
                    .unwrap_or(rest.len())
            }
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
    std::borrow::Cow::Owned(out)
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
