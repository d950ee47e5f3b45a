//! Redaction of whole evidence files for bundle excerpts: PowerShell exports masked by column,
//! XML and logs as [`mask_content`] masks them. Only letters and digits change, so the lines of
//! the result are the lines of the file.

use super::{mask, mask_content, mask_except_addresses, redact_xml_lines};

/// What an evidence file is, for [`redact_evidence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceText {
    /// A log or trace: each line is masked as [`mask_content`] masks it, and the body of a
    /// logged SIP message of a text type is masked whole (`redact::sip`).
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
        return super::sip::redact_known_log(text);
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
    // Nothing but white space in the field so far: a quote here opens a quoted value.
    let mut blank = true;
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
        if c == '"' && blank {
            quoted = true;
            blank = false;
        } else if c == delim || c == '\n' {
            push_field(&mut out, col, &body[field..i]);
            out.push(c);
            field = i + c.len_utf8();
            col = if c == '\n' { 0 } else { col + 1 };
            blank = true;
        } else if !c.is_whitespace() {
            blank = false;
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
