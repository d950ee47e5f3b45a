//! Make untrusted text (file names, message fields, log lines) safe to print on a terminal.
//!
//! Every string that came from disk passes through here before it reaches a terminal, a text
//! report or a Markdown report. Control characters (C0, DEL, C1), the Unicode format characters
//! (general category Cf: the bidi controls, zero-width space, joiners, soft hyphen, word joiner,
//! BOM, tag characters) and the line and paragraph separators are replaced by visible escapes
//! such as `\x1b` or `\u{200b}`. So an `ESC ] 52` clipboard write, an `ESC [ 2 J` screen clear or
//! an RLO trick shows up as text instead of acting on the terminal, and two names that differ
//! only by an invisible character never print the same. A zero-width joiner is escaped inside
//! an emoji sequence too (the family emoji prints as its parts joined by `\u{200d}`).
//!
//! A literal backslash is left as it is, so a name holding the text `\x0a` prints like one
//! holding a line feed. Escaping it would make the sanitiser give a different result when run
//! twice, and several outputs run it twice (a `fit` cell written through the text writer, a
//! status line drawn by the view); see `sanitising_twice_changes_nothing`.

use std::borrow::Cow;

/// True for a character that must never reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    u < 0x20 || u == 0x7f || (0x80..=0x9f).contains(&u) || is_format(u) || is_default_ignorable(u)
}

/// The rest of Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties, Unicode 15) that
/// is not Cf: drawn as nothing by a terminal, so `jdoe<U+034F>@…` would print as `jdoe@…`. The
/// combining grapheme joiner, the Hangul fillers, the Khmer inherent vowels, the Mongolian and
/// the standard and ideographic variation selectors (so `☺<U+FE0F>` prints as its parts, as a
/// joined emoji does), and the unassigned ranges kept for future ones.
fn is_default_ignorable(u: u32) -> bool {
    matches!(
        u,
        0x034f
            | 0x115f..=0x1160
            | 0x17b4..=0x17b5
            | 0x180b..=0x180f
            | 0x3164
            | 0xfe00..=0xfe0f
            | 0xffa0
            | 0xfff0..=0xfff8
            | 0xe0000..=0xe0fff
    )
}

/// Unicode general category Cf (format characters, invisible or acting on their neighbours;
/// Unicode 15), plus U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
fn is_format(u: u32) -> bool {
    matches!(
        u,
        0x00ad
            | 0x0600..=0x0605
            | 0x061c
            | 0x06dd
            | 0x070f
            | 0x0890..=0x0891
            | 0x08e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
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

/// Terminal columns a character takes: 2 for CJK, Hangul and most emoji, 0 for combining marks
/// and other zero-width characters, 1 otherwise. Control characters count 0 (they never reach a
/// terminal raw: `line` escapes them first).
pub fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Terminal columns `s` takes (the sum of its characters' widths), for padding and cutting
/// table columns: `山田太郎` is 8 columns, `Ölçüm` 5, `🙂 test` 7.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Shorten to at most `max` columns, marking the cut with `…` (one column).
pub fn truncate_cols(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// Shorten to at most `max` columns by cutting the middle (the end stays visible), like
/// [`middle`] but counting terminal columns.
pub fn middle_cols(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max || max < 3 {
        return truncate_cols(s, max);
    }
    let tail_max = (max - 1) / 2;
    let head_max = max - 1 - tail_max;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > head_max {
            break;
        }
        used += w;
        head.push(c);
    }
    // The tail may use what the head left over (a wide character that did not fit).
    let tail_room = max - 1 - used;
    let mut tail: Vec<char> = Vec::new();
    let mut tused = 0;
    for c in s.chars().rev() {
        let w = char_width(c);
        if tused + w > tail_room {
            break;
        }
        tused += w;
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    Cow::Owned(head)
}

/// `s` followed by spaces up to `cols` columns (nothing added when it is already as wide).
pub fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    let mut out = String::with_capacity(s.len() + cols.saturating_sub(w));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// A table column of exactly `cols` terminal columns: made safe, cut in the middle when too
/// wide, padded when too narrow. Wide characters (CJK, emoji) count twice, so the next column
/// starts at the same place on every row.
pub fn fit(s: &str, cols: usize) -> String {
    pad(&middle_cols(&line(s), cols), cols)
}

/// A single safe line, shortened to at most `max` terminal columns: the usual treatment for a
/// field in a table cell or a status line.
pub fn cell(s: &str, max: usize) -> String {
    truncate_cols(&line(s), max).into_owned()
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
    fn invisible_format_characters_are_escaped() {
        for (c, esc) in [
            ('\u{200b}', "\\u{200b}"),
            ('\u{200c}', "\\u{200c}"),
            ('\u{200d}', "\\u{200d}"),
            ('\u{2060}', "\\u{2060}"),
            ('\u{00ad}', "\\xad"),
            ('\u{feff}', "\\u{feff}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{2029}', "\\u{2029}"),
            ('\u{e0001}', "\\u{e0001}"),
            ('\u{e0068}', "\\u{e0068}"),
            ('\u{e007f}', "\\u{e007f}"),
        ] {
            assert_eq!(line(&format!("a{c}b")), format!("a{esc}b"), "{c:?}");
            assert_eq!(block(&format!("a{c}b")), format!("a{esc}b"), "{c:?}");
        }
        // Two addresses that differ by a zero-width space print differently.
        assert_ne!(line("jdoe@contoso.com"), line("jdoe\u{200b}@contoso.com"));
        assert_eq!(line("jdoe\u{200b}@x"), "jdoe\\u{200b}@x");
        // A joiner inside an emoji sequence is escaped too; the emoji themselves stay.
        assert_eq!(line("👨\u{200d}👩"), "👨\\u{200d}👩");
        // Visible text and combining marks are untouched.
        for ok in ["山田太郎", "e\u{301}", "Ölçüm", "עברית", "한국어"] {
            assert!(matches!(line(ok), Cow::Borrowed(_)), "{ok}");
        }
    }

    /// Default-ignorable characters outside Cf draw as nothing too (review wild8b d12): names
    /// that differ only by one never print the same.
    #[test]
    fn default_ignorable_characters_are_escaped() {
        for (c, esc) in [
            ('\u{034f}', "\\u{034f}"),
            ('\u{115f}', "\\u{115f}"),
            ('\u{17b4}', "\\u{17b4}"),
            ('\u{180b}', "\\u{180b}"),
            ('\u{3164}', "\\u{3164}"),
            ('\u{fe0f}', "\\u{fe0f}"),
            ('\u{ffa0}', "\\u{ffa0}"),
            ('\u{e0100}', "\\u{e0100}"),
        ] {
            assert_eq!(line(&format!("jdoe{c}@x")), format!("jdoe{esc}@x"), "{c:?}");
            assert_eq!(
                block(&format!("jdoe{c}@x")),
                format!("jdoe{esc}@x"),
                "{c:?}"
            );
        }
        assert_eq!(line("☺\u{fe0f}"), "☺\\u{fe0f}");
        // Neighbours of the ranges stay.
        for ok in [
            "\u{034e}",
            "\u{0350}",
            "\u{3163}",
            "\u{3165}",
            "\u{fe10}",
            "\u{e1000}",
        ] {
            assert!(matches!(line(ok), Cow::Borrowed(_)), "{ok:?}");
        }
    }

    /// Text that went through the sanitiser twice (a cell written through the text writer,
    /// a status line drawn by the view) reads the same as once: the escapes are plain ASCII.
    #[test]
    fn sanitising_twice_changes_nothing() {
        for s in [
            "jdoe\u{200b}@x",
            "nl\nx.xml",
            "e\u{202e}gnp",
            "a\x1b[2J\u{e0068}",
            "C:\\Users\\x",
        ] {
            let once = line(s).into_owned();
            assert_eq!(line(&once), once, "{s:?}");
            let once = block(s).into_owned();
            assert_eq!(block(&once), once, "{s:?}");
        }
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(line("jdoe@contoso.com"), Cow::Borrowed(_)));
    }

    #[test]
    fn columns_count_display_width() {
        assert_eq!(width("山田太郎"), 8);
        assert_eq!(width("김철수"), 6);
        assert_eq!(width("Ölçüm"), 5);
        assert_eq!(width("🙂 test"), 7);
        assert_eq!(width("e\u{301}"), 1, "a combining mark takes no column");
        assert_eq!(truncate_cols("山田太郎", 5), "山田…");
        assert_eq!(truncate_cols("山田太郎", 8), "山田太郎");
        assert_eq!(middle_cols("山田太郎の報告.xml", 9), "山田….xml");
        for s in [
            "山田太郎の報告.xml",
            "김철수-메시지.eml",
            "Ölçüm-İleti.txt",
            "🙂 test 🙂🙂.xml",
            "plain.xml",
        ] {
            for cols in [1, 2, 3, 5, 8, 12, 30] {
                let f = fit(s, cols);
                assert_eq!(width(&f), cols, "{s:?} in {cols} columns: {f:?}");
            }
        }
        assert_eq!(cell("山田太郎\x1b[2J", 6), "山田…");
    }

    #[test]
    fn truncate_counts_chars() {
        assert_eq!(truncate("äöüäöü", 4), "äöü…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(middle("abcdefghij.xml", 9), "abcd….xml");
        assert_eq!(middle("short", 9), "short");
    }
}
