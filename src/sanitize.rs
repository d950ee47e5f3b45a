//! Make untrusted text (file names, message fields, log lines) safe to print on a terminal.
//!
//! Every string that came from disk passes through here before it reaches a terminal, a text
//! report or a Markdown report. Control characters (C0, DEL, C1) and the Unicode bidi controls are
//! replaced by visible escapes such as `\x1b` or `\u{202e}`, so an `ESC ] 52` clipboard write, an
//! `ESC [ 2 J` screen clear or an RLO trick shows up as text instead of acting on the terminal.

use std::borrow::Cow;

/// True for a character that must never reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || u == 0x7f
        || (0x80..=0x9f).contains(&u)
        || matches!(
            u,
            0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0xfeff | 0xfff9..=0xfffb
        )
}

fn escape_into(out: &mut String, c: char) {
    use std::fmt::Write;
    let u = c as u32;
    if u < 0x100 {
        let _ = write!(out, "\\x{u:02x}");
    } else {
        let _ = write!(out, "\\u{{{u:04x}}}");
    }
}

/// One line of output: every control character, newlines and tabs included, is escaped.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A block of text: newlines are kept, `\r\n` becomes `\n`, a tab becomes four spaces, everything
/// else unsafe is escaped.
pub fn block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c == '\t' {
            out.push_str("    ");
        } else if c == '\n' || !is_unsafe(c) {
            out.push(c);
        } else {
            escape_into(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// Shorten to at most `max` characters (not bytes), marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        return Cow::Borrowed(s);
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

/// Shorten to at most `max` characters by cutting the middle, so the end (an extension, a
/// line number) stays visible: `{A1F03C2E…0C001}.xml`.
pub fn middle(s: &str, max: usize) -> Cow<'_, str> {
    let n = s.chars().count();
    if n <= max || max < 3 {
        return truncate(s, max);
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    Cow::Owned(out)
}

/// A single safe line, shortened: the usual treatment for a field in a table cell.
pub fn cell(s: &str, max: usize) -> String {
    truncate(&line(s), max).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        let s = "a\x1b]0;pwned\x07b\x1b[2Jc";
        let out = line(s);
        assert!(!out.contains('\x1b'));
        assert!(!out.contains('\x07'));
        assert_eq!(out, "a\\x1b]0;pwned\\x07b\\x1b[2Jc");
    }

    #[test]
    fn escapes_c1_and_bidi() {
        let out = line("x\u{9b}31m\u{202e}txt.exe");
        assert_eq!(out, "x\\x9b31m\\u{202e}txt.exe");
    }

    #[test]
    fn line_escapes_newlines_block_keeps_them() {
        assert_eq!(line("a\nb\tc"), "a\\x0ab\\x09c");
        assert_eq!(block("a\r\nb\tc\x1b"), "a\nb    c\\x1b");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(line("jdoe@contoso.com"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncate_counts_chars() {
        assert_eq!(truncate("äöüäöü", 4), "äöü…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(middle("abcdefghij.xml", 9), "abcd….xml");
        assert_eq!(middle("short", 9), "short");
    }
}
