//! Sniffing a spooled item. The History Spooler's file format is not publicly documented, so
//! nothing here assumes one: the content is decoded, classified by what it looks like, and the
//! fields that are recognisable are taken, each labelled with where it came from. Anything else
//! falls back to the file's metadata. Every heuristic used is named in `heuristics`.

use super::mime_head;
use super::text::{self, Decoded};
use crate::model::{Encoding, Fields, Format};
use quick_xml::events::Event;
use quick_xml::Reader;

/// What sniffing one file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub format: Format,
    pub encoding: Option<Encoding>,
    pub fields: Fields,
    pub heuristics: Vec<String>,
    pub body: Option<String>,
    pub preview: Option<String>,
}

const PREVIEW_CHARS: usize = 240;

impl Sniffed {
    fn default_for(encoding: Option<Encoding>) -> Sniffed {
        Sniffed {
            format: Format::Empty,
            encoding,
            fields: Fields::default(),
            heuristics: Vec::new(),
            body: None,
            preview: None,
        }
    }
}

/// Element names that make a document HTML rather than a data payload.
const HTML_ROOTS: &[&str] = &["html", "body", "div", "p", "span", "table", "head", "font"];
/// Deeper XML than this is not followed further (a 200 000-deep document stays cheap).
const MAX_XML_DEPTH: usize = 256;

/// Sniff the bytes of one spooled file (`truncated`: only a prefix was read).
pub fn sniff(bytes: &[u8], truncated: bool) -> Sniffed {
    let mut out = Sniffed::default_for(None);
    if bytes.is_empty() {
        return out;
    }
    if truncated {
        out.heuristics.push("read-prefix-only".into());
    }
    let Some(Decoded {
        text,
        encoding,
        heuristics,
    }) = text::decode(bytes, truncated)
    else {
        sniff_binary(bytes, &mut out);
        return out;
    };
    out.encoding = Some(encoding);
    out.heuristics.extend(heuristics);
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if starts("<!doctype html") || starts("<html") {
        sniff_html(t, &mut out);
    } else if t.starts_with('<') && sniff_xml(t, &mut out) {
        out.format = Format::Xml;
        // An HTML fragment parses as XML too; its root element gives it away.
        if out.heuristics.iter().any(|h| h == "xml-root-is-html") {
            out = Sniffed {
                heuristics: out.heuristics,
                ..Sniffed::default_for(out.encoding)
            };
            sniff_html(t, &mut out);
        }
    } else if sniff_mime(t, &mut out) {
        out.format = Format::Mime;
    } else {
        out.format = Format::Text;
        out.preview = Some(text::squash(t, PREVIEW_CHARS)).filter(|p| !p.is_empty());
    }
    add_loose_addresses(&text, &mut out.fields, out.format);
    out
}

/// Addresses anywhere in the content that no structured field already holds.
fn add_loose_addresses(text: &str, fields: &mut Fields, format: Format) {
    let known: std::collections::HashSet<String> = fields
        .from
        .iter()
        .chain(fields.to.iter())
        .chain(fields.cc.iter())
        .map(|s| s.to_ascii_lowercase())
        .collect();
    for a in text::find_addresses(text) {
        if !known.contains(&a.to_ascii_lowercase()) {
            fields.addresses.push(a);
        }
    }
    if !fields.addresses.is_empty() {
        fields.sources.insert(
            "addresses".into(),
            format!("{}:address-pattern", format.as_str()),
        );
    }
}

fn sniff_binary(bytes: &[u8], out: &mut Sniffed) {
    out.format = Format::Binary;
    let strings = text::binary_strings(bytes, 6);
    let addrs = text::find_addresses(&strings);
    if !addrs.is_empty() {
        out.heuristics
            .push("addresses-from-strings-in-binary".into());
        out.fields
            .sources
            .insert("addresses".into(), "binary:printable-strings".into());
        out.fields.addresses = addrs;
    }
    out.preview = Some(text::hex_preview(bytes, 64));
}

fn sniff_html(t: &str, out: &mut Sniffed) {
    out.format = Format::Html;
    let mut plain = String::with_capacity(t.len().min(1 << 16));
    let mut in_tag = false;
    for c in t.chars() {
        match c {
            '<' => {
                in_tag = true;
                plain.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    out.heuristics.push("html-tags-stripped".into());
    let squashed = text::squash(&plain, 1 << 16);
    out.preview = Some(text::squash(&squashed, PREVIEW_CHARS)).filter(|p| !p.is_empty());
    out.body = Some(squashed).filter(|b| !b.is_empty());
}

/// Where an `EmailAddress` under a recipient container goes.
#[derive(Clone, Copy)]
enum Role {
    From,
    Sender,
    To,
    Cc,
    Bcc,
}

fn role_of(stack: &[String]) -> Option<(Role, usize)> {
    stack.iter().enumerate().rev().find_map(|(i, n)| {
        let r = match n.as_str() {
            "From" => Role::From,
            "Sender" => Role::Sender,
            "ToRecipients" => Role::To,
            "CcRecipients" => Role::Cc,
            "BccRecipients" => Role::Bcc,
            _ => return None,
        };
        Some((r, i))
    })
}

use super::xml::{attr, local};

/// Label of an XML item with more than one `Body` element holding text: their texts are joined,
/// each from a new line.
pub const XML_BODIES_JOINED: &str = "xml-several-body-elements-joined-by-newline";

/// Read an XML item. Streaming, no DTD, no entity expansion, bounded depth. Returns false when
/// the text is not XML at all (no element could be read).
fn sniff_xml(t: &str, out: &mut Sniffed) -> bool {
    let mut reader = Reader::from_str(t);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_dangling_amp = true;
    let mut stack: Vec<String> = Vec::new();
    let mut pending = super::xml::TextBuf::default();
    let mut elements = 0usize;
    let mut f = Fields::default();
    let (mut sender, mut created) = (None::<String>, None::<String>);
    let mut body: Option<String> = None;
    // A second `Body` element opened after text of an earlier one: its text starts a new line.
    let mut body_break = false;
    let mut ews = false;
    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                if elements == 0 {
                    return false;
                }
                out.heuristics.push(format!(
                    "xml-unreadable-after-byte-{} ({})",
                    reader.buffer_position(),
                    first_line(&e.to_string())
                ));
                break;
            }
        };
        match &ev {
            Event::Text(e) => pending.push_text(e),
            Event::GeneralRef(e) => pending.push_ref(e),
            Event::CData(e) => pending.push_cdata(e),
            Event::Comment(_) | Event::PI(_) => {}
            _ => {
                if let Some(v) = pending.take() {
                    if body_break && stack.last().is_some_and(|n| n == "Body") {
                        if let Some(b) = body.as_mut() {
                            b.push('\n');
                        }
                        body_break = false;
                    }
                    take_text(
                        &stack,
                        &v,
                        &mut f,
                        &mut sender,
                        &mut created,
                        &mut body,
                        &mut out.heuristics,
                    );
                }
            }
        }
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let opens = matches!(ev, Event::Start(_));
                elements += 1;
                let name = local(e.name().as_ref());
                if elements == 1 && HTML_ROOTS.contains(&name.to_ascii_lowercase().as_str()) {
                    out.heuristics.push("xml-root-is-html".into());
                    return true;
                }
                match name.as_str() {
                    "CreateItem" => {
                        ews = true;
                        if let Some(d) = attr(e, "MessageDisposition") {
                            f.disposition = Some(d);
                            f.sources.insert(
                                "disposition".into(),
                                "xml:CreateItem@MessageDisposition".into(),
                            );
                        }
                    }
                    "DistinguishedFolderId" | "FolderId"
                        if stack.last().map(String::as_str) == Some("SavedItemFolderId") =>
                    {
                        if let Some(id) = attr(e, "Id") {
                            f.saved_folder = Some(id);
                            f.sources.insert(
                                "saved_folder".into(),
                                format!("xml:SavedItemFolderId/{name}@Id"),
                            );
                        }
                    }
                    "ConversationId" => {
                        if let Some(id) = attr(e, "Id") {
                            f.conversation_id.get_or_insert(id);
                            f.sources
                                .insert("conversation_id".into(), "xml:ConversationId@Id".into());
                        }
                    }
                    _ => {}
                }
                if !opens {
                    continue;
                }
                if name == "Body" && body.as_deref().is_some_and(|b| !b.is_empty()) {
                    body_break = true;
                    if !out.heuristics.iter().any(|h| h == XML_BODIES_JOINED) {
                        out.heuristics.push(XML_BODIES_JOINED.into());
                    }
                }
                stack.push(name);
                if stack.len() > MAX_XML_DEPTH {
                    out.heuristics
                        .push(format!("xml-deeper-than-{MAX_XML_DEPTH}-not-followed"));
                    break;
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::DocType(_) => out
                .heuristics
                .push("xml-doctype-ignored-no-entity-expansion".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    if elements == 0 {
        return false;
    }
    if f.from.is_none() {
        if let Some(s) = sender {
            f.from = Some(s);
            f.sources
                .insert("from".into(), "xml:Sender/Mailbox/EmailAddress".into());
        }
    }
    if f.sent.is_none() {
        if let Some(c) = created {
            f.sent = Some(c);
            f.sources
                .insert("sent".into(), "xml:DateTimeCreated".into());
        }
    }
    if ews {
        out.heuristics.push("ews-createitem-payload".into());
    }
    if !stack.is_empty()
        && !out
            .heuristics
            .iter()
            .any(|h| h.starts_with("xml-") && h != XML_BODIES_JOINED)
    {
        out.heuristics.push("xml-cut-short".into());
    }
    out.preview = body
        .as_deref()
        .map(|b| text::squash(b, PREVIEW_CHARS))
        .filter(|p| !p.is_empty());
    out.body = body;
    out.fields = f;
    true
}

fn take_text(
    stack: &[String],
    v: &str,
    f: &mut Fields,
    sender: &mut Option<String>,
    created: &mut Option<String>,
    body: &mut Option<String>,
    heuristics: &mut Vec<String>,
) {
    let Some(name) = stack.last() else { return };
    let t = v.trim();
    match name.as_str() {
        "ItemClass" if f.message_class.is_none() && !t.is_empty() => {
            f.message_class = Some(t.to_string());
            f.sources
                .insert("message_class".into(), "xml:ItemClass".into());
        }
        "Subject" if f.subject.is_none() => {
            f.subject = Some(t.to_string());
            f.sources.insert("subject".into(), "xml:Subject".into());
        }
        "DateTimeSent" if f.sent.is_none() && !t.is_empty() => {
            f.sent = Some(t.to_string());
            f.sources.insert("sent".into(), "xml:DateTimeSent".into());
        }
        "DateTimeCreated" if created.is_none() => *created = Some(t.to_string()),
        "Body" => body.get_or_insert_with(String::new).push_str(v),
        "EmailAddress" => {
            if t.is_empty() {
                return;
            }
            // Only an address (or an X.500 DN) is a recipient: other text there is content or
            // corruption, not shown as one (reports print recipients without
            // `--show-content`).
            let Some(addr) = xml_address(t) else {
                if !heuristics.iter().any(|h| h == XML_NOT_AN_ADDRESS) {
                    heuristics.push(XML_NOT_AN_ADDRESS.into());
                }
                return;
            };
            match role_of(stack) {
                Some((Role::From, i)) if f.from.is_none() => {
                    f.from = Some(addr);
                    f.sources
                        .insert("from".into(), format!("xml:{}", stack[i..].join("/")));
                }
                Some((Role::Sender, _)) => {
                    sender.get_or_insert(addr);
                }
                Some((Role::To, i)) => {
                    f.to.push(addr);
                    f.sources
                        .insert("to".into(), format!("xml:{}", stack[i..].join("/")));
                }
                Some((Role::Cc, i)) | Some((Role::Bcc, i)) => {
                    f.cc.push(addr);
                    f.sources
                        .insert("cc".into(), format!("xml:{}", stack[i..].join("/")));
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// Label of an XML item whose `EmailAddress` held text that is neither an address nor an
/// X.500 DN: it is not taken as a recipient.
pub const XML_NOT_AN_ADDRESS: &str = "xml-email-address-not-an-address";

/// Whether `t` is an X.500 distinguished name as Exchange writes a legacy address
/// (`/o=ExchangeLabs/ou=…/cn=Recipients/cn=…`, the `EX` routing type).
pub fn is_x500_dn(t: &str) -> bool {
    t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("/o="))
}

/// The recipient an XML `EmailAddress` text names: an X.500 DN whole, or the address in it
/// (`sip:` dropped); `None` when it holds neither.
fn xml_address(t: &str) -> Option<String> {
    if is_x500_dn(t) {
        return Some(t.to_string());
    }
    text::first_address(t)
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(120)
        .collect()
}

/// Header names that make a header block look like a mail message.
const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "mime-version",
    "content-type",
    "content-class",
    "message-id",
    "received",
    "thread-topic",
    "x-mailer",
];

/// Labels of the MIME shapes other writers produce that the sniffer accepts (heuristics: which
/// shapes the client writes, if any, is unknown).
pub const MIME_LONE_CR: &str = "mime-lone-cr-line-ends";
pub const MIME_MBOX_FROM: &str = "mime-mbox-from-line-skipped";
pub const MIME_SPACE_BEFORE_COLON: &str = "mime-space-before-colon";
pub const MIME_NO_BLANK_LINE: &str = "mime-body-without-blank-line";

/// Read an RFC 822 / MIME header block. Returns false when `t` does not start with one.
///
/// Besides the usual shape, four others are accepted, each labelled: lone-CR line ends
/// ([`MIME_LONE_CR`]), an mbox `From ` line before the headers ([`MIME_MBOX_FROM`]), one space
/// before a header's colon ([`MIME_SPACE_BEFORE_COLON`]) and a body that follows the headers
/// without a blank line ([`MIME_NO_BLANK_LINE`]; only when at least two mail headers, one of
/// them an address header holding an address, came first, so a line or two of ordinary text
/// with a colon is not taken for a message).
fn sniff_mime(t: &str, out: &mut Sniffed) -> bool {
    let mut labels: Vec<&'static str> = Vec::new();
    let unified;
    let mut t = t;
    if mime_head::lone_cr_line_ends(t) {
        unified = t.replace("\r\n", "\n").replace('\r', "\n");
        t = &unified;
        labels.push(MIME_LONE_CR);
    }
    // The same rule as the bundle's redactor (`redact::redact_mime`) reads the block with.
    let Some(head) = mime_head::read(t) else {
        return false;
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for (raw, kind) in &head.lines {
        let line = raw.trim_end_matches(['\r', '\n']);
        match *kind {
            mime_head::LineKind::MboxFrom => labels.push(MIME_MBOX_FROM),
            mime_head::LineKind::Continuation => {
                if let Some((_, v)) = headers.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
            }
            mime_head::LineKind::Header { colon, spaced } => {
                if spaced && !labels.contains(&MIME_SPACE_BEFORE_COLON) {
                    labels.push(MIME_SPACE_BEFORE_COLON);
                }
                let name = line[..colon].trim_end_matches([' ', '\t']);
                headers.push((name.to_string(), line[colon + 1..].trim().to_string()));
            }
            mime_head::LineKind::Blank => {}
        }
    }
    if head.no_blank {
        labels.push(MIME_NO_BLANK_LINE);
    }
    let body_start = head.body_start;
    let is_known = |n: &str| {
        let l = n.to_ascii_lowercase();
        MAIL_HEADERS.contains(&l.as_str()) || l.starts_with("x-ms-")
    };
    let known = headers.iter().filter(|(n, _)| is_known(n)).count();
    if headers.len() < 2 || known < 1 {
        return false;
    }
    if labels.contains(&MIME_NO_BLANK_LINE) {
        let addressed = headers.iter().any(|(n, v)| {
            ["from", "to", "cc"]
                .iter()
                .any(|h| n.eq_ignore_ascii_case(h))
                && text::first_address(v).is_some()
        });
        if known < 2 || !addressed {
            return false;
        }
    }
    out.heuristics.extend(labels.iter().map(|l| l.to_string()));
    // A header given twice keeps its first value (a heuristic: which one the writer meant is
    // unknown); say so for the fields taken.
    for single in ["from", "subject", "date"] {
        if headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(single))
            .nth(1)
            .is_some()
        {
            out.heuristics
                .push(format!("mime-repeated-{single}-first-kept"));
        }
    }
    let f = &mut out.fields;
    for (name, value) in &headers {
        let l = name.to_ascii_lowercase();
        let origin = format!("mime:{name}");
        match l.as_str() {
            "from" if f.from.is_none() => {
                if let Some(a) = text::first_address(value) {
                    f.from = Some(a);
                    f.sources.insert("from".into(), origin);
                }
            }
            "to" | "cc" | "bcc" => {
                let addrs = text::find_addresses(value);
                if !addrs.is_empty() {
                    let key = if l == "to" { "to" } else { "cc" };
                    if key == "to" {
                        f.to.extend(addrs);
                    } else {
                        f.cc.extend(addrs);
                    }
                    f.sources.insert(key.into(), origin);
                }
            }
            "subject" if f.subject.is_none() => {
                let words = super::rfc2047::decode_words(value);
                for h in words.heuristics {
                    if !out.heuristics.iter().any(|x| x == h) {
                        out.heuristics.push(h.to_string());
                    }
                }
                f.subject = Some(words.text);
                f.sources.insert("subject".into(), origin);
            }
            "date" if f.sent.is_none() => {
                let v = chrono::DateTime::parse_from_rfc2822(value)
                    .map(|d| d.to_rfc3339())
                    .unwrap_or_else(|_| value.clone());
                f.sent = Some(v);
                f.sources.insert("sent".into(), origin);
            }
            _ if l.ends_with("messageclass") || l.ends_with("message-class") => {
                f.message_class = Some(value.clone());
                f.sources.insert("message_class".into(), origin);
            }
            "content-class" if f.message_class.is_none() => {
                f.message_class = Some(value.clone());
                f.sources.insert("message_class".into(), origin);
            }
            "thread-index" | "x-ms-conversation-id" if f.conversation_id.is_none() => {
                f.conversation_id = Some(value.clone());
                f.sources.insert("conversation_id".into(), origin);
            }
            _ => {}
        }
    }
    if let Some(start) = body_start {
        let body = t.get(start..).unwrap_or_default();
        out.preview = Some(text::squash(body, PREVIEW_CHARS)).filter(|p| !p.is_empty());
        out.body = Some(body.to_string()).filter(|b| !b.trim().is_empty());
    } else {
        out.heuristics.push("mime-headers-without-body".into());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mime(subject: &str) -> Sniffed {
        let text = format!(
            "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: {subject}\r\n\r\nbody\r\n"
        );
        sniff(text.as_bytes(), false)
    }

    #[test]
    fn mime_subjects_are_decoded_and_broken_words_labelled() {
        let s = mime("=?utf-8?Q?caf=C3=A9?=");
        assert_eq!(s.format, Format::Mime);
        assert_eq!(s.fields.subject.as_deref(), Some("café"));
        assert_eq!(s.fields.to, vec!["rlee@contoso.com".to_string()]);
        // The reported crash: a multi-byte character right after '=' in a Q word.
        let s = mime("=?utf-8?Q?x=Aé?=");
        assert_eq!(s.format, Format::Mime);
        assert_eq!(s.fields.subject.as_deref(), Some("=?utf-8?Q?x=Aé?="));
        assert!(s
            .heuristics
            .iter()
            .any(|h| h == super::super::rfc2047::MALFORMED));
        assert_eq!(s.body.as_deref(), Some("body\r\n"));
    }

    /// The four shapes other writers produce are read as MIME, each with its label, and keep
    /// From, To, Subject and Date.
    #[test]
    fn other_writers_mime_shapes_are_read_with_labels() {
        let h = "From: jdoe@contoso.com\r\nTo: zed@fabrikam.com\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\nSubject: hello\r\n";
        let cases = [
            (format!("{}\rbody\r", h.replace("\r\n", "\r")), MIME_LONE_CR),
            (format!("{h}body line one\r\n"), MIME_NO_BLANK_LINE),
            (
                format!("From jdoe@contoso.com Mon Mar  2 10:00:00 2026\r\n{h}\r\nbody\r\n"),
                MIME_MBOX_FROM,
            ),
            (
                h.replace("Subject:", "Subject :") + "\r\nbody\r\n",
                MIME_SPACE_BEFORE_COLON,
            ),
        ];
        for (text, label) in cases {
            let s = sniff(text.as_bytes(), false);
            assert_eq!(s.format, Format::Mime, "{label}: {text:?}");
            assert!(s.heuristics.iter().any(|x| x == label), "{label}: {s:?}");
            assert_eq!(
                s.fields.from.as_deref(),
                Some("jdoe@contoso.com"),
                "{label}"
            );
            assert_eq!(s.fields.to, vec!["zed@fabrikam.com".to_string()], "{label}");
            assert_eq!(s.fields.subject.as_deref(), Some("hello"), "{label}");
            assert_eq!(
                s.fields.sent.as_deref(),
                Some("2026-03-02T10:00:00+00:00"),
                "{label}"
            );
            assert!(
                s.body.as_deref().is_some_and(|b| b.starts_with("body")),
                "{label}: {:?}",
                s.body
            );
        }
        // The usual shape carries none of those labels.
        let s = sniff(format!("{h}\r\nbody\r\n").as_bytes(), false);
        assert_eq!(s.format, Format::Mime);
        for l in [
            MIME_LONE_CR,
            MIME_NO_BLANK_LINE,
            MIME_MBOX_FROM,
            MIME_SPACE_BEFORE_COLON,
        ] {
            assert!(!s.heuristics.iter().any(|x| x == l), "{l}: {s:?}");
        }
    }

    /// Ordinary text that resembles those shapes stays text.
    #[test]
    fn ordinary_text_is_not_taken_for_mime() {
        for text in [
            // One header-like line, then prose.
            "Subject: lunch\nsee you at noon, jdoe@contoso.com\n",
            // Two header-like lines without an address header, then prose.
            "Subject: lunch\nDate: tomorrow\nsee you at noon\n",
            // An address header and a name that is no mail header, then prose.
            "To: jdoe@contoso.com\nNote: call back\nthanks\n",
            // A sentence starting with "From ", then header-like lines.
            "From the desk of J. Doe\nTo: rlee@contoso.com\nSubject: hi\n\nbody\n",
            // PowerShell Format-List: names padded before the colon.
            "Subject   : hello\nFrom      : jdoe@contoso.com\nItemClass : IPM.Note\n",
            // Lone-CR prose.
            "hello there\rhow are you: fine\rbye\r",
            // Prose first, header-like lines later.
            "Meeting notes\nFrom: jdoe@contoso.com\nTo: rlee@contoso.com\n",
        ] {
            let s = sniff(text.as_bytes(), false);
            assert_eq!(s.format, Format::Text, "{text:?}: {s:?}");
        }
    }

    /// Repeated From/Subject/Date headers keep the first value and say so; one of each does
    /// not.
    #[test]
    fn repeated_mime_headers_are_labelled() {
        let s = sniff(
            b"From: a@contoso.com\r\nTo: b@contoso.com\r\nSubject: first\r\nSubject: second\r\n\
              Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nDate: Tue, 03 Mar 2026 10:00:00 +0000\r\n\r\nb\r\n",
            false,
        );
        assert_eq!(s.fields.subject.as_deref(), Some("first"));
        assert_eq!(s.fields.sent.as_deref(), Some("2026-03-02T10:00:00+00:00"));
        assert!(s
            .heuristics
            .iter()
            .any(|h| h == "mime-repeated-subject-first-kept"));
        assert!(s
            .heuristics
            .iter()
            .any(|h| h == "mime-repeated-date-first-kept"));
        assert!(!s
            .heuristics
            .iter()
            .any(|h| h == "mime-repeated-from-first-kept"));
        let s = mime("once");
        assert!(
            !s.heuristics.iter().any(|h| h.starts_with("mime-repeated-")),
            "{s:?}"
        );
    }

    /// Two `Body` elements give two lines, labelled; one `Body` split by a child element is
    /// joined as before, unlabelled.
    #[test]
    fn two_xml_body_elements_are_separated() {
        let s = sniff(
            b"<Message><Subject>s</Subject><Body>first</Body><Body>second</Body></Message>",
            false,
        );
        assert_eq!(s.format, Format::Xml);
        assert_eq!(s.body.as_deref(), Some("first\nsecond"));
        assert!(s.heuristics.iter().any(|h| h == XML_BODIES_JOINED), "{s:?}");
        // Cut short after the second body: still said.
        let s = sniff(b"<Message><Body>first</Body><Body>second", false);
        assert!(s.heuristics.iter().any(|h| h == "xml-cut-short"), "{s:?}");
        let s = sniff(b"<Message><Body>one<br/>two</Body></Message>", false);
        assert_eq!(s.body.as_deref(), Some("onetwo"));
        assert!(
            !s.heuristics.iter().any(|h| h == XML_BODIES_JOINED),
            "{s:?}"
        );
    }

    #[test]
    fn folded_subject_lines_are_unfolded_then_decoded() {
        let s = mime("=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=\r\n\tc");
        assert_eq!(s.fields.subject.as_deref(), Some("ab c"));
    }
}
