//! Where an RFC 822 / MIME header block ends: one rule for the sniffer, which reads the
//! headers and the body of a spooled item, and for the bundle's redactor, which keeps or
//! masks the headers and masks the body, so that what one calls body the other masks.
//!
//! Besides the usual shape, it accepts shapes other writers produce (heuristics: which shapes
//! the client writes, if any, is unknown): lone-CR line ends, an mbox `From ` line before the
//! headers, one space before a header's colon, and a body that follows the headers without a
//! blank line (the body then starts at the first line that is neither a header nor a
//! continuation line).

/// What one line of a header block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// An mbox `From sender date` separator line before the headers.
    MboxFrom,
    /// `Name: value`; `colon`: the colon's byte offset in the line, `spaced`: one space or tab
    /// stood before it.
    Header { colon: usize, spaced: bool },
    /// A continuation line (starting with a space or a tab) of the header before it.
    Continuation,
    /// The blank line that ends the block.
    Blank,
}

/// A header block read from the start of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head<'a> {
    /// The block's lines, each with its line end as written, and what it is.
    pub lines: Vec<(&'a str, LineKind)>,
    /// Where the body starts (a byte offset in the text): after the blank line, or at the
    /// first line that is no header (`no_blank`). `None`: the headers run to the end.
    pub body_start: Option<usize>,
    /// The first line end is a lone CR: lines end at CR LF, LF or a lone CR.
    pub lone_cr: bool,
    /// The body follows the headers without a blank line.
    pub no_blank: bool,
}

/// At most this many headers: a longer block is not read as one.
const MAX_HEADERS: usize = 500;

/// Whether the first line end in `t` is a lone CR (classic Mac OS line ends).
pub fn lone_cr_line_ends(t: &str) -> bool {
    let b = t.as_bytes();
    match b.iter().position(|&c| c == b'\r' || c == b'\n') {
        Some(i) => b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'),
        None => false,
    }
}

/// The lines of `t` with their line ends: at LF, or (`any_cr`) at CR LF, LF or a lone CR.
fn split_lines(t: &str, any_cr: bool) -> impl Iterator<Item = &str> {
    let b = t.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= b.len() {
            return None;
        }
        let mut i = start;
        let end = loop {
            match b.get(i) {
                None => break b.len(),
                Some(b'\n') => break i + 1,
                Some(b'\r') if any_cr => {
                    break if b.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    }
                }
                _ => i += 1,
            }
        };
        let line = &t[start..end];
        start = end;
        Some(line)
    })
}

/// What follows `From ` on an mbox separator line: the envelope sender, then an asctime date
/// (`jdoe@contoso.com Mon Mar  2 10:00:00 2026`). Required: a sender and a word that is a time
/// (`10:00` or `10:00:00`), so that a sentence starting with "From " is not one.
fn mbox_from_line(rest: &str) -> bool {
    let mut words = rest.split_whitespace();
    words.next().is_some() && words.any(is_time)
}

/// Whether `w` is a time of day as an mbox `From ` line writes it (`10:00` or `10:00:00`).
pub fn is_time(w: &str) -> bool {
    let parts: Vec<&str> = w.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A header line `Name: value`: the name and the value, and whether one space or tab stood
/// before the colon (`Subject : x`, allowed by RFC 822's obsolete syntax). More white space
/// than that is a padded column (PowerShell's `Format-List`), not a header.
pub fn header_line(line: &str) -> Option<(&str, &str, bool)> {
    let (name, value) = line.split_once(':')?;
    let (name, spaced) = match name.strip_suffix([' ', '\t']) {
        Some(n) => (n, true),
        None => (name, false),
    };
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some((name, value, spaced))
}

/// Read the header block at the start of `t`; `None` when `t` does not start with one (its
/// first line, after an mbox `From ` line, is no header; a continuation line comes before any
/// header; more than `MAX_HEADERS` headers).
pub fn read(t: &str) -> Option<Head<'_>> {
    let lone_cr = lone_cr_line_ends(t);
    let mut head = Head {
        lines: Vec::new(),
        body_start: None,
        lone_cr,
        no_blank: false,
    };
    let mut headers = 0usize;
    let mut offset = 0usize;
    for raw in split_lines(t, lone_cr) {
        let line = raw.trim_end_matches(['\r', '\n']);
        let at = offset;
        offset += raw.len();
        if at == 0 {
            if let Some(rest) = line.strip_prefix("From ") {
                if header_line(line).is_none() && mbox_from_line(rest) {
                    head.lines.push((raw, LineKind::MboxFrom));
                    continue;
                }
            }
        }
        if line.is_empty() {
            head.lines.push((raw, LineKind::Blank));
            head.body_start = Some(offset);
            break;
        }
        if line.starts_with([' ', '\t']) {
            if headers == 0 {
                return None;
            }
            head.lines.push((raw, LineKind::Continuation));
            continue;
        }
        if headers > MAX_HEADERS {
            return None;
        }
        match header_line(line) {
            Some((name, _, spaced)) => {
                headers += 1;
                let colon = name.len() + usize::from(spaced);
                head.lines.push((raw, LineKind::Header { colon, spaced }));
            }
            None if headers > 0 => {
                head.body_start = Some(at);
                head.no_blank = true;
                break;
            }
            None => return None,
        }
    }
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines end where the sniffer's did; the body starts after the blank line, or at the
    /// first line that is no header.
    #[test]
    fn line_ends_and_the_body() {
        let t = "From: a@b.c\rTo: d@e.f\r\rbody\r";
        let h = read(t).expect("head");
        assert!(h.lone_cr);
        assert_eq!(h.lines.len(), 3);
        assert_eq!(&t[h.body_start.expect("body")..], "body\r");
        let t = "From: a@b.c\r\nSubject: x\ry\r\n\r\nbody";
        let h = read(t).expect("head");
        assert!(!h.lone_cr);
        assert_eq!(h.lines[1].0, "Subject: x\ry\r\n");
        let t = "From: a@b.c\nTo: d@e.f\nHi Bob\n  indented\nTo: x\n";
        let h = read(t).expect("head");
        assert!(h.no_blank);
        assert_eq!(
            &t[h.body_start.expect("body")..],
            "Hi Bob\n  indented\nTo: x\n"
        );
        let t = "From jdoe@contoso.com Mon Mar  2 10:00:00 2026\nSubject : s\n\nb";
        let h = read(t).expect("head");
        assert_eq!(h.lines[0].1, LineKind::MboxFrom);
        assert_eq!(
            h.lines[1].1,
            LineKind::Header {
                colon: 8,
                spaced: true
            }
        );
        assert_eq!(read("  x: y\n"), None);
        assert_eq!(read("hello there\n"), None);
    }
}
