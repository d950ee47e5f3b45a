//! Tests of the line reader and the UTF-8 stream (`logstream.rs`).
use super::*;

fn lines(bytes: &[u8], cap: usize) -> (Vec<String>, u64, LogEncoding) {
    let s = Utf8Stream::new(bytes).expect("stream");
    let enc = s.encoding;
    let mut r = LineReader::new(s, cap);
    let mut v = Vec::new();
    while let Some((_, l)) = r.next_line().expect("line") {
        v.push(l.to_string());
    }
    (v, r.truncated, enc)
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

#[test]
fn crlf_lf_and_a_missing_last_ending() {
    let (v, t, e) = lines(b"a\r\nb\nc", 100);
    assert_eq!(v, ["a", "b", "c"]);
    assert_eq!((t, e), (0, LogEncoding::Utf8));
}

#[test]
fn utf16_with_and_without_bom_and_astral_chars() {
    let text = "héllo\r\nwörld 😀\r\n";
    let (v, _, e) = lines(&utf16le(text, true), 100);
    assert_eq!(v, ["héllo", "wörld 😀"]);
    assert_eq!(e, LogEncoding::Utf16Le { bom: true });
    let (v, _, e) = lines(&utf16le("plain ascii line\nsecond\n", false), 100);
    assert_eq!(v, ["plain ascii line", "second"]);
    assert_eq!(e, LogEncoding::Utf16Le { bom: false });
    let mut be = vec![0xFE, 0xFF];
    for u in "x\ny".encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    assert_eq!(lines(&be, 100).0, ["x", "y"]);
}

#[test]
fn long_lines_are_cut_and_counted() {
    let mut b = vec![b'x'; 200_000];
    b.extend_from_slice(b"\nshort\n");
    let (v, t, _) = lines(&b, 1000);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].len(), 1000);
    assert_eq!(v[1], "short");
    assert_eq!(t, 1);
}

/// The first line (if any) whose part past `cap` holds "needle", as the reader says.
fn cut_unread(bytes: &[u8], cap: usize) -> Option<u64> {
    let mut r = LineReader::new(Utf8Stream::new(bytes).expect("stream"), cap);
    r.probe = Some(CutProbe::new(|t: &[u8], from: usize| {
        memchr::memmem::find_iter(t, b"needle").any(|i| i + 6 > from)
    }));
    while r.next_line().expect("line").is_some() {}
    r.cut_unread
}

#[test]
fn text_a_marker_needs_past_the_cap_is_said_unread() {
    // A line of `n` bytes with "needle" starting at `at`, after a short first line.
    let line = |n: usize, at: usize| {
        let mut b = b"first\n".to_vec();
        let mut l = vec![b'x'; n];
        l[at..at + 6].copy_from_slice(b"needle");
        b.extend_from_slice(&l);
        b.extend_from_slice(b"\nlast needle\n");
        b
    };
    // Far past the cap, in a line longer than the reader's buffer (several reads).
    assert_eq!(cut_unread(&line(300_000, 250_000), 1000), Some(2));
    // Straddling two reads of the buffer, and straddling the cap itself.
    let buf = 64 * 1024;
    assert_eq!(cut_unread(&line(300_000, 2 * buf - 3), 1000), Some(2));
    assert_eq!(cut_unread(&line(300_000, 997), 1000), Some(2));
    // A line that fits in the buffer (the fast path), past a small cap.
    assert_eq!(cut_unread(&line(5_000, 4_000), 1000), Some(2));
    // Ending just before the cap, or a little before it (in the bytes the probe is given with
    // the cut part so that text straddling the cut is seen): read, so nothing unread. On both
    // paths (a line longer than the reader's buffer, and one that fits).
    assert_eq!(cut_unread(&line(300_000, 994), 1000), None);
    assert_eq!(cut_unread(&line(300_000, 900), 1000), None);
    assert_eq!(cut_unread(&line(5_000, 994), 1000), None);
    assert_eq!(cut_unread(&line(5_000, 900), 1000), None);
    // The first piece past the cap (the rest of the reader's buffer) shorter than the bytes
    // kept for the probe: a needle before the cut is still read when the next piece is probed
    // with those bytes.
    let cap = buf - b"first\n".len() - 50;
    assert_eq!(cut_unread(&line(300_000, cap - 10), cap), None);
    assert_eq!(cut_unread(&line(300_000, cap + 60), cap), Some(2));
    // In the kept part only, or nowhere: nothing unread; short lines are never asked.
    assert_eq!(cut_unread(&line(300_000, 10), 1000), None);
    let mut none = line(300_000, 250_000);
    while let Some(i) = memchr::memmem::find(&none, b"needle") {
        none[i] = b'N';
    }
    assert_eq!(cut_unread(&none, 1000), None);
    assert_eq!(cut_unread(b"needle\nneedle needle\n", 1000), None);
    // Without a probe nothing is asked.
    let b = line(300_000, 250_000);
    let mut r = LineReader::new(Utf8Stream::new(&b[..]).expect("s"), 1000);
    while r.next_line().expect("line").is_some() {}
    assert_eq!((r.cut_unread, r.truncated), (None, 1));
}

#[test]
fn garbage_bytes_are_replaced_and_odd_utf16_tails_survive() {
    let (v, _, _) = lines(b"ok\n\xff\xfe\xfd bad\n", 100);
    assert_eq!(v[0], "ok");
    assert!(v[1].contains('\u{FFFD}') && v[1].ends_with("bad"));
    let mut b = utf16le("abc\n", true);
    b.push(0x41); // half a unit
    let (v, _, _) = lines(&b, 100);
    assert_eq!(v, ["abc", "\u{FFFD}"]);
    // A lone surrogate.
    let mut b = vec![0xFF, 0xFE];
    b.extend_from_slice(&0xD800u16.to_le_bytes());
    b.extend_from_slice(&(b'z' as u16).to_le_bytes());
    assert_eq!(lines(&b, 100).0, ["\u{FFFD}z"]);
}

/// What a reader of a growing file holds back: a UTF-16 unit cut in two, a high surrogate
/// alone at the end, a UTF-8 sequence cut short; nothing when the text ends on a whole
/// character.
#[test]
fn unfinished_characters_at_the_end() {
    let le = LogEncoding::Utf16Le { bom: true };
    let be = LogEncoding::Utf16Be { bom: false };
    let u8 = LogEncoding::Utf8;
    // "ab" in UTF-16LE after a BOM: whole, then cut inside the "b".
    assert_eq!(unfinished(le, b"a\0b\0", 6), 0);
    assert_eq!(unfinished(le, b"\0a\0b", 5), 1);
    // U+1F4AC (D83D DCAC): the high half alone, and the high half and one byte more.
    assert_eq!(unfinished(le, &[b'a', 0, 0x3D, 0xD8], 6), 2);
    assert_eq!(unfinished(le, &[0, 0x3D, 0xD8, 0xAC], 7), 3);
    assert_eq!(unfinished(le, &[0x3D, 0xD8, 0xAC, 0xDC], 8), 0);
    assert_eq!(unfinished(be, &[0xD8, 0x3D], 2), 2);
    assert_eq!(unfinished(be, &[0xD8], 1), 1);
    // "é" (C3 A9), "日" (E6 97 A5), "💬" (F0 9F 92 AC): whole and cut.
    assert_eq!(unfinished(u8, "xé".as_bytes(), 3), 0);
    assert_eq!(unfinished(u8, b"x\xC3", 2), 1);
    assert_eq!(unfinished(u8, b"x\xE6\x97", 3), 2);
    assert_eq!(unfinished(u8, b"\xF0\x9F\x92", 3), 3);
    assert_eq!(unfinished(u8, "x💬".as_bytes(), 5), 0);
    assert_eq!(unfinished(u8, b"ab\n", 3), 0);
    // Bytes that cannot start a sequence are not held (they are not coming right).
    assert_eq!(unfinished(u8, b"a\xFF", 2), 0);
    assert_eq!(unfinished(u8, b"", 0), 0);
}

/// Lone-CR line ends are told from the first bytes and read as line ends, in UTF-8 and
/// UTF-16; CRLF and LF text, and a CR at the very end (half a CRLF), are not taken for them.
#[test]
fn lone_cr_line_ends() {
    let (v, _, _) = lines(b"a\rb\r\rc\r", 100);
    assert_eq!(v, ["a", "b", "", "c"]);
    let (v, _, _) = lines(&utf16le("x\ry\r", true), 100);
    assert_eq!(v, ["x", "y"]);
    let mut be = vec![0xFE, 0xFF];
    be.extend("x\ry".encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(lines(&be, 100).0, ["x", "y"]);
    for text in ["a\r\nb\r\n", "a\nb\r", "a\r", "a\r\n\rb", "ab"] {
        let s = Utf8Stream::new(text.as_bytes()).expect("stream");
        assert!(!s.lone_cr, "{text:?}");
        let wide = utf16le(text, true);
        let s = Utf8Stream::new(wide.as_slice()).expect("stream");
        assert!(!s.lone_cr, "{text:?} in UTF-16");
    }
    // CRLF reads as before: no empty lines, no CR left.
    assert_eq!(lines(b"a\r\nb\r\n", 100).0, ["a", "b"]);
    // A stream that starts mid-file is told what the file's start said.
    let s = Utf8Stream::with_line_ends(&b"p\nq"[..], Some(true)).expect("stream");
    assert!(s.lone_cr);
}

#[test]
fn a_bom_at_a_line_start_is_dropped_and_counted() {
    // UTF-8 joined to UTF-8, and UTF-16LE to UTF-16LE; lines past the buffer's fast path too.
    let long = "x".repeat(70 * 1024);
    let text = format!("\u{feff}a\r\n\u{feff}b\nc \u{feff}d\n\u{feff}{long}\n");
    for bytes in [text.clone().into_bytes(), utf16le(&text, false)] {
        let s = Utf8Stream::new(&bytes[..]).expect("stream");
        let mut r = LineReader::new(s, 128 * 1024);
        let mut v = Vec::new();
        while let Some((_, l)) = r.next_line().expect("line") {
            v.push(l.to_string());
        }
        // The stream's own BOM is not an inner one; one inside a line is content.
        assert_eq!(v[..3], ["a", "b", "c \u{feff}d"]);
        assert_eq!(v[3], long);
        assert_eq!(r.inner_boms, 2);
    }
}

#[test]
fn utf8_after_utf16_is_told_only_in_a_utf16_stream() {
    let mut bytes = utf16le("03/02/2026|09:00:00.000 a\r\n", true);
    bytes.extend_from_slice(b"03/02/2026|09:59:51.000 b\r\n");
    let s = Utf8Stream::new(&bytes[..]).expect("stream");
    let mut r = LineReader::new(s, 1024);
    r.from_utf16 = true;
    while r.next_line().expect("line").is_some() {}
    assert_eq!(r.utf8_after_utf16, Some(2));
    // With its BOM too.
    let mut bytes = utf16le("a\n", true);
    bytes.extend_from_slice(b"\xEF\xBB\xBFok\n");
    let s = Utf8Stream::new(&bytes[..]).expect("stream");
    let mut r = LineReader::new(s, 1024);
    r.from_utf16 = true;
    while r.next_line().expect("line").is_some() {}
    assert_eq!(r.utf8_after_utf16, Some(2));
    // A UTF-16 log of ASCII lines, and CJK text in a UTF-8 log, are not taken for it.
    assert!(!utf8_as_utf16("03/02/2026|09:00:00.000 a"));
    let plain = utf16le("03/02/2026|09:00:00.000 a\n", true);
    let s = Utf8Stream::new(&plain[..]).expect("s");
    let mut r = LineReader::new(s, 1024);
    r.from_utf16 = true;
    while r.next_line().expect("line").is_some() {}
    assert_eq!(r.utf8_after_utf16, None);
    let cjk = "\u{3330}\u{302F}".repeat(8) + "\n";
    let mut r = LineReader::new(Utf8Stream::new(cjk.as_bytes()).expect("s"), 1024);
    while r.next_line().expect("line").is_some() {}
    assert_eq!(r.utf8_after_utf16, None);
    assert!(utf8_as_utf16(cjk.trim_end()));
}
