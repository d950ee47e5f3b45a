//! Shared text helpers for the parsers: decoding bytes of unknown encoding, finding addresses.

use crate::model::Encoding;
use regex::Regex;
use std::sync::OnceLock;

/// Decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Labels of the heuristics used (empty when a BOM settled it).
    pub heuristics: Vec<String>,
}

/// Windows-1252 code points for bytes 0x80..=0x9F (undefined ones map to U+FFFD).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
    '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}',
    'ž', 'Ÿ',
];

fn cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// The two numbers of an `a/b/yyyy…` date at the start of `s` (each of one or two digits, a
/// four-digit year after them) and what follows the year. Which of `a` and `b` is the day is
/// for the caller to decide (`a` over 12: day first; `b` over 12: month first).
pub fn slash_date_numbers(s: &str) -> Option<(u32, u32, &str)> {
    let mut parts = s.splitn(3, '/');
    let (a, b, rest) = (parts.next()?, parts.next()?, parts.next()?);
    let num = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|c| c.is_ascii_digit());
    let year_ok = rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if !num(a) || !num(b) || !year_ok {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, &rest[4..]))
}

/// Decode UTF-16 code units from bytes; an odd trailing byte becomes U+FFFD.
pub fn utf16(bytes: &[u8], little_endian: bool) -> (String, bool) {
    let units = bytes.chunks_exact(2).map(|p| {
        if little_endian {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut s: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let odd = bytes.len() % 2 == 1;
    if odd {
        s.push(char::REPLACEMENT_CHARACTER);
    }
    (s, odd)
}

/// Guess UTF-16 without a BOM from where the zero bytes sit in mostly-ASCII text.
/// Returns `Some(true)` for little-endian, `Some(false)` for big-endian.
pub fn guess_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut le, mut be) = (0usize, 0usize);
    for p in sample.chunks_exact(2) {
        match (p[0], p[1]) {
            (a, 0) if a != 0 => le += 1,
            (0, b) if b != 0 => be += 1,
            _ => {}
        }
    }
    if le * 2 >= pairs && be * 10 < pairs {
        Some(true)
    } else if be * 2 >= pairs && le * 10 < pairs {
        Some(false)
    } else {
        None
    }
}

/// Share of characters that are control characters other than ordinary white space
/// (replacement characters count too when `count_replacement`).
pub fn control_ratio(s: &str, count_replacement: bool) -> f64 {
    let mut total = 0usize;
    let mut ctrl = 0usize;
    // ASCII (most content): byte by byte, no character decoding.
    let sample = &s.as_bytes()[..s.len().min(8192)];
    if sample.is_ascii() {
        let ctrl = sample
            .iter()
            .filter(|&&b| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)) || b == 0x7f)
            .count();
        return if sample.is_empty() {
            0.0
        } else {
            ctrl as f64 / sample.len() as f64
        };
    }
    for c in s.chars().take(8192) {
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
            || (count_replacement && c == '\u{fffd}')
        {
            ctrl += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        ctrl as f64 / total as f64
    }
}

/// Above this share of control characters, "text" is really binary.
const BINARY_CONTROL_RATIO: f64 = 0.10;

/// Decode bytes of unknown encoding. `None` means: this is not text.
///
/// `truncated` says the bytes are a prefix, so a multi-byte sequence cut at the end is expected.
pub fn decode(bytes: &[u8], truncated: bool) -> Option<Decoded> {
    let mut heuristics = Vec::new();
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        )
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (s, odd) = utf16(rest, true);
        if odd && !truncated {
            heuristics.push("odd-length-utf16".to_string());
        }
        (s, Encoding::Utf16leBom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (s, odd) = utf16(rest, false);
        if odd && !truncated {
            heuristics.push("odd-length-utf16".to_string());
        }
        (s, Encoding::Utf16beBom)
    } else if let Some(le) = guess_utf16(bytes) {
        heuristics.push("utf16-without-bom-by-zero-bytes".to_string());
        let (s, odd) = utf16(bytes, le);
        if odd && !truncated {
            heuristics.push("odd-length-utf16".to_string());
        }
        (
            s,
            if le {
                Encoding::Utf16le
            } else {
                Encoding::Utf16be
            },
        )
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), Encoding::Utf8),
            Err(e) if truncated && e.error_len().is_none() => (
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
                Encoding::Utf8,
            ),
            Err(_) => {
                if bytes.iter().take(8192).any(|&b| b == 0) {
                    return None;
                }
                heuristics.push("not-utf8-read-as-windows-1252".to_string());
                (cp1252(bytes), Encoding::Legacy8bit)
            }
        }
    };
    let declared = matches!(
        encoding,
        Encoding::Utf8Bom | Encoding::Utf16leBom | Encoding::Utf16beBom
    );
    if control_ratio(&text, !declared) > BINARY_CONTROL_RATIO {
        return None;
    }
    Some(Decoded {
        text,
        encoding,
        heuristics,
    })
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a literal pattern, checked by the tests
        Regex::new(r"(?i)(sip:)?([a-z0-9._%+\-']+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,})")
            .unwrap()
    })
}

/// `sip:` URIs and e-mail addresses in `text`, in order of appearance, without duplicates
/// (case-insensitive) and without the `sip:` scheme.
pub fn find_addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Lower-case forms seen (a set, not a search of `out`: 100 000 distinct addresses in one
    // item must not cost 10^10 comparisons).
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for m in email_re().find_iter(text) {
        let addr = strip_sip(m.as_str());
        let addr = addr.trim_start_matches('\'').trim_end_matches(['.', '\'']);
        if !addr.is_empty() && seen.insert(addr.to_ascii_lowercase()) {
            out.push(addr.to_string());
        }
    }
    out
}

/// Byte ranges of the addresses (without `sip:`) in `text`, in order.
pub fn address_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    email_re()
        .find_iter(text)
        .map(|m| m.end() - strip_sip(m.as_str()).len()..m.end())
        .collect()
}

/// A match of the address pattern without its `sip:` (a plain search is cheaper than
/// captures; `:` cannot occur in the address part, so whatever precedes one is the prefix
/// group, whichever way its letters were written: `SIP:`, or `ſip:` under Unicode case folding).
fn strip_sip(m: &str) -> &str {
    match m.find(':') {
        Some(i) => &m[i + 1..],
        None => m,
    }
}

/// The first address in a header-like value (`"Doe, J" <jdoe@contoso.com>` → `jdoe@contoso.com`).
pub fn first_address(value: &str) -> Option<String> {
    // What `find_addresses(value).first()` is, without collecting the rest.
    email_re().find_iter(value).find_map(|m| {
        let addr = strip_sip(m.as_str());
        let addr = addr.trim_start_matches('\'').trim_end_matches(['.', '\'']);
        (!addr.is_empty()).then(|| addr.to_string())
    })
}

/// Collapse runs of white space to one space and cut to `max` characters.
pub fn squash(s: &str, max: usize) -> String {
    if s.is_ascii() {
        return squash_ascii(s, max);
    }
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(2)));
    let mut n = 0;
    for w in s.split_whitespace() {
        if n >= max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            n += 1;
        }
        // Whole words while they fit (the common case), character by character at the cut.
        let chars = if w.is_ascii() {
            w.len()
        } else {
            w.chars().count()
        };
        if n + chars <= max {
            out.push_str(w);
            n += chars;
            continue;
        }
        for c in w.chars() {
            if n >= max {
                break;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// [`squash`] of ASCII text, by bytes (the white space `str::split_whitespace` splits ASCII
/// text at: tab, line feed, vertical tab, form feed, carriage return, space). Every byte of
/// ASCII text is a character boundary, so words are copied as slices.
fn squash_ascii(s: &str, max: usize) -> String {
    let b = s.as_bytes();
    let white = |c: u8| c == b' ' || (0x09..=0x0D).contains(&c);
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(2)));
    let mut i = 0;
    while out.len() < max {
        while i < b.len() && white(b[i]) {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let start = i;
        while i < b.len() && !white(b[i]) {
            i += 1;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let room = max.saturating_sub(out.len());
        out.push_str(
            s.get(start..start + (i - start).min(room))
                .unwrap_or_default(),
        );
    }
    out
}

/// Printable runs of at least `min` characters, as ASCII and as UTF-16LE: what `strings` shows.
pub fn binary_strings(bytes: &[u8], min: usize) -> String {
    let printable = |b: u8| (0x20..0x7f).contains(&b);
    // Only printable ASCII and newlines go in: valid UTF-8 by construction.
    let mut out: Vec<u8> = Vec::new();
    // ASCII runs: copied as slices.
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && printable(bytes[i]) {
            i += 1;
        }
        if i - start >= min.max(1) {
            out.extend_from_slice(&bytes[start..i]);
            out.push(b'\n');
        }
        i += 1;
    }
    // UTF-16LE runs, at even and at odd offsets.
    for first in 0..2 {
        let units = bytes.get(first..).unwrap_or_default().chunks_exact(2);
        let mut run = 0usize;
        let mut start = out.len();
        for p in units {
            if printable(p[0]) && p[1] == 0 {
                out.push(p[0]);
                run += 1;
            } else {
                if run < min {
                    out.truncate(start);
                } else {
                    out.push(b'\n');
                }
                run = 0;
                start = out.len();
            }
        }
        if run < min {
            out.truncate(start);
        } else {
            out.push(b'\n');
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A hex dump of the first bytes, for a preview of binary content.
pub fn hex_preview(bytes: &[u8], max: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::new();
    for (i, chunk) in bytes[..bytes.len().min(max)].chunks(16).enumerate() {
        let off = i * 16;
        for shift in (0..8).rev() {
            out.push(HEX[(off >> (shift * 4)) & 0xf] as char);
        }
        out.push(' ');
        for &b in chunk {
            out.push(' ');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        out.push_str("  ");
        out.extend(chunk.iter().map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn decodes_boms() {
        let d = decode(b"\xEF\xBB\xBFhello", false).expect("text");
        assert_eq!((d.text.as_str(), d.encoding), ("hello", Encoding::Utf8Bom));
        let d = decode(&utf16le("héllo <x/>", true), false).expect("text");
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("héllo <x/>", Encoding::Utf16leBom)
        );
        let mut be = vec![0xFE, 0xFF];
        for u in "hi there".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&be, false).expect("text");
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("hi there", Encoding::Utf16beBom)
        );
    }

    #[test]
    fn guesses_utf16_without_bom_and_labels_it() {
        let d = decode(&utf16le("<?xml version=\"1.0\"?><a>b</a>", false), false).expect("text");
        assert_eq!(d.encoding, Encoding::Utf16le);
        assert!(d.text.starts_with("<?xml"));
        assert_eq!(d.heuristics, vec!["utf16-without-bom-by-zero-bytes"]);
    }

    #[test]
    fn odd_length_utf16_does_not_panic() {
        let mut v = utf16le("abc", true);
        v.push(b'x');
        let d = decode(&v, false).expect("text");
        assert_eq!(d.text, "abc\u{fffd}");
        assert!(d.heuristics.contains(&"odd-length-utf16".to_string()));
    }

    #[test]
    fn binary_is_not_text() {
        let bytes: Vec<u8> = (0u8..=255).cycle().take(2000).collect();
        assert!(decode(&bytes, false).is_none());
        assert!(decode(&[0x00, 0x01, 0x02, 0x03, 0x90, 0x91, 0x00, 0x07], false).is_none());
    }

    #[test]
    fn latin1_falls_back_with_a_label() {
        let d = decode(b"caf\xe9 \x80 ok", false).expect("text");
        assert_eq!(d.text, "café € ok");
        assert_eq!(d.encoding, Encoding::Legacy8bit);
    }

    #[test]
    fn truncated_utf8_is_still_utf8() {
        let s = "ab€".as_bytes();
        let d = decode(&s[..3], true).expect("text");
        assert_eq!((d.text.as_str(), d.encoding), ("ab", Encoding::Utf8));
    }

    #[test]
    fn finds_sip_and_mail_addresses() {
        let a = find_addresses(
            "To: <sip:RLee@contoso.com>; cc mkim@contoso.com, again sip:rlee@contoso.com.",
        );
        assert_eq!(a, vec!["RLee@contoso.com", "mkim@contoso.com"]);
        assert_eq!(
            first_address("\"Doe, J\" <jdoe@contoso.com>").as_deref(),
            Some("jdoe@contoso.com")
        );
        assert!(find_addresses("lost 401 packets, 4017 bytes").is_empty());
        assert_eq!(
            find_addresses("to ſip:jdoe@contoso.com"),
            vec!["jdoe@contoso.com"]
        );
        assert_eq!(
            address_spans("x SIP:rlee@contoso.com"),
            vec![6.."x SIP:rlee@contoso.com".len()]
        );
    }

    #[test]
    fn strings_in_binary_find_both_widths() {
        let mut b = vec![0u8, 1, 2];
        b.extend_from_slice(b"sip:jdoe@contoso.com");
        b.extend_from_slice(&[0, 0, 9]);
        b.extend_from_slice(&utf16le("rlee@contoso.com", false));
        let s = binary_strings(&b, 6);
        assert_eq!(
            find_addresses(&s),
            vec!["jdoe@contoso.com", "rlee@contoso.com"]
        );
    }

    /// The plain character-by-character definition `binary_strings` must agree with.
    fn strings_reference(bytes: &[u8], min: usize) -> String {
        let mut out = String::new();
        let mut run = String::new();
        let flush = |run: &mut String, out: &mut String| {
            if run.len() >= min {
                out.push_str(run);
                out.push('\n');
            }
            run.clear();
        };
        let mut pass = |units: &mut dyn Iterator<Item = Option<u8>>| {
            for u in units {
                match u {
                    Some(c) => run.push(c as char),
                    None => flush(&mut run, &mut out),
                }
            }
            flush(&mut run, &mut out);
        };
        let ok = |b: u8| (0x20..0x7f).contains(&b);
        pass(&mut bytes.iter().map(|&b| ok(b).then_some(b)));
        pass(
            &mut bytes
                .chunks_exact(2)
                .map(|p| (ok(p[0]) && p[1] == 0).then_some(p[0])),
        );
        if bytes.len() > 1 {
            let odd = &bytes[1..];
            pass(
                &mut odd
                    .chunks_exact(2)
                    .map(|p| (ok(p[0]) && p[1] == 0).then_some(p[0])),
            );
        }
        out
    }

    #[test]
    fn strings_match_the_reference_on_mixed_bytes() {
        let mut seed = 7u64;
        for len in 0..300 {
            let mut b = Vec::with_capacity(len);
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Mostly printable, some NULs (UTF-16) and some other bytes.
                b.push(match (seed >> 33) % 10 {
                    0..=5 => b'a' + ((seed >> 40) % 26) as u8,
                    6 | 7 => 0,
                    8 => 0x20,
                    _ => (seed >> 48) as u8,
                });
            }
            for min in [1, 4, 6] {
                assert_eq!(
                    binary_strings(&b, min),
                    strings_reference(&b, min),
                    "{b:?} {min}"
                );
            }
        }
    }

    #[test]
    fn hex_preview_lines() {
        let b: Vec<u8> = (0u8..20).chain(*b"AZ").collect();
        assert_eq!(
            hex_preview(&b, 64),
            "00000000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................\n\
             00000010  10 11 12 13 41 5a  ....AZ\n"
        );
        assert_eq!(hex_preview(&b, 3), "00000000  00 01 02  ...\n");
    }

    #[test]
    fn squash_and_control_ratio_match_their_plain_definitions() {
        let squash_ref = |s: &str, max: usize| {
            let mut out = String::new();
            let mut n = 0;
            for w in s.split_whitespace() {
                if n >= max {
                    break;
                }
                if !out.is_empty() {
                    out.push(' ');
                    n += 1;
                }
                for c in w.chars() {
                    if n >= max {
                        break;
                    }
                    out.push(c);
                    n += 1;
                }
            }
            out
        };
        let ratio_ref = |s: &str, rep: bool| {
            let (mut t, mut c) = (0usize, 0usize);
            for ch in s.chars().take(8192) {
                t += 1;
                if (ch.is_control() && !matches!(ch, '\n' | '\r' | '\t' | '\x0c'))
                    || (rep && ch == '\u{fffd}')
                {
                    c += 1;
                }
            }
            if t == 0 {
                0.0
            } else {
                c as f64 / t as f64
            }
        };
        let alphabet = [
            'a', 'b', ' ', '\n', '\t', '\x01', '\x7f', 'é', '日', '\u{fffd}', '\u{85}',
        ];
        let mut seed = 3u64;
        for len in 0..200 {
            let s: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    alphabet[((seed >> 33) % alphabet.len() as u64) as usize]
                })
                .collect();
            for max in [0, 1, 5, 40] {
                assert_eq!(squash(&s, max), squash_ref(&s, max), "{s:?} {max}");
            }
            for rep in [false, true] {
                assert_eq!(control_ratio(&s, rep), ratio_ref(&s, rep), "{s:?}");
            }
        }
        // ASCII text takes the byte path: every ASCII white space (vertical tab included).
        let ascii = [
            'a', 'b', ' ', '\n', '\t', '\x0b', '\x0c', '\r', '\x01', '\x7f',
        ];
        for len in 0..300 {
            let s: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ascii[((seed >> 33) % ascii.len() as u64) as usize]
                })
                .collect();
            for max in [0, 1, 2, 5, 40, 240] {
                assert_eq!(squash(&s, max), squash_ref(&s, max), "{s:?} {max}");
            }
        }
        let long = "x\x01".repeat(5000);
        assert_eq!(control_ratio(&long, false), ratio_ref(&long, false));
    }
}
