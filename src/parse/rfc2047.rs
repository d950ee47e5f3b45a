//! RFC 2047 encoded words in header values (`=?utf-8?B?…?=`, `=?koi8-r?Q?…?=`), decoded on
//! bytes.
//!
//! - Q and B encodings; any charset label the `encoding_rs` crate knows (the WHATWG labels:
//!   UTF-8, UTF-16LE/BE, windows-125x, ISO-8859-x, KOI8-R/U, Shift_JIS, GB18030, Big5, …). An
//!   RFC 2231 language suffix (`utf-8*en`) is ignored.
//! - Adjacent encoded words separated only by white space are joined without it (RFC 2047
//!   §6.2), and their bytes are decoded together when they share a charset, so a character
//!   split across two words (common with B-encoded UTF-8 and UTF-16) comes out whole.
//! - A word whose charset is unknown, or that is malformed (a bad `=XX` escape, a byte that an
//!   encoded word cannot hold, bad base64, no closing `?=`), is kept as its raw text and the
//!   decoding says so in [`Words::heuristics`]. Bytes invalid in their charset (a lone UTF-16
//!   surrogate, broken UTF-8) become U+FFFD, also said.
//!
//! Nothing here slices a `str` at a computed offset: the value is read as bytes and every piece
//! copied out starts and ends at an ASCII byte. Time is linear in the length of the value (the
//! closing `?=` positions are found in one pass, not searched again for every `=?`).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use encoding_rs::Encoding;

/// Heuristic: an encoded word named a charset `encoding_rs` does not know; kept as raw text.
pub const UNKNOWN_CHARSET: &str = "mime-encoded-word-unknown-charset-kept-raw";
/// Heuristic: a malformed encoded word (bad escape or base64, a byte an encoded word cannot
/// hold, no closing `?=`); kept as raw text.
pub const MALFORMED: &str = "mime-encoded-word-malformed-kept-raw";
/// Heuristic: decoded bytes were invalid in their charset and were replaced by U+FFFD.
pub const INVALID_BYTES: &str = "mime-encoded-word-invalid-bytes-replaced";

/// Longest charset label (with an RFC 2231 language suffix) looked at.
const MAX_CHARSET: usize = 64;

/// A decoded header value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    pub text: String,
    /// Labels of what had to be guessed or kept raw (each at most once).
    pub heuristics: Vec<&'static str>,
}

impl Words {
    fn label(&mut self, h: &'static str) {
        if !self.heuristics.contains(&h) {
            self.heuristics.push(h);
        }
    }
}

/// Why the text at a `=?` is not decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reject {
    /// Not shaped like an encoded word at all (`what=?` in plain text): nothing to say.
    NotAWord,
    Malformed,
    UnknownCharset,
}

/// One decoded encoded word: its charset, its bytes, and where it ends (after `?=`).
struct Word {
    charset: &'static Encoding,
    bytes: Vec<u8>,
    end: usize,
}

/// Base64 as encoded words use it: standard alphabet, padding optional, stray trailing bits
/// tolerated (encoders differ on both).
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decode every RFC 2047 encoded word in a header value; everything else is kept as it is.
pub fn decode_words(v: &str) -> Words {
    let b = v.as_bytes();
    let mut out = Words::default();
    // Where each `?=` starts, in order: found once.
    let ends: Vec<usize> = memchr::memchr_iter(b'?', b)
        .filter(|&i| b.get(i + 1) == Some(&b'='))
        .collect();
    // Bytes of the encoded words read but not yet decoded (adjacent words of one charset).
    let mut pending: Option<(&'static Encoding, Vec<u8>)> = None;
    // `b[copied..]` has not been written to `out` yet.
    let mut copied = 0usize;
    let mut at = 0usize;
    while let Some(off) = memchr::memmem::find(b.get(at..).unwrap_or_default(), b"=?") {
        let p = at + off;
        match word_at(b, p, &ends) {
            Ok(w) => {
                let between = b.get(copied..p).unwrap_or_default();
                let joins = pending.as_ref().is_some_and(|(cs, _)| *cs == w.charset)
                    && between
                        .iter()
                        .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
                if joins {
                    if let Some((_, bytes)) = pending.as_mut() {
                        bytes.extend_from_slice(&w.bytes);
                    }
                } else {
                    let only_space = between
                        .iter()
                        .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
                    let after_word = pending.is_some();
                    flush(&mut pending, &mut out);
                    // White space between two encoded words is dropped (RFC 2047 §6.2).
                    if !(after_word && only_space) {
                        push_raw(&mut out.text, between);
                    }
                    pending = Some((w.charset, w.bytes));
                }
                copied = w.end;
                at = w.end;
            }
            Err(r) => {
                match r {
                    Reject::NotAWord => {}
                    Reject::Malformed => out.label(MALFORMED),
                    Reject::UnknownCharset => out.label(UNKNOWN_CHARSET),
                }
                // Kept raw: it is copied with the text around it. Look for the next `=?` inside
                // it too (one word may be broken and the next one fine).
                at = p + 2;
            }
        }
    }
    flush(&mut pending, &mut out);
    push_raw(&mut out.text, b.get(copied..).unwrap_or_default());
    out
}

/// Append bytes that came from a `&str` between ASCII positions (so valid UTF-8; lossy
/// conversion is only a guard, never a panic).
fn push_raw(out: &mut String, bytes: &[u8]) {
    out.push_str(&String::from_utf8_lossy(bytes));
}

fn flush(pending: &mut Option<(&'static Encoding, Vec<u8>)>, out: &mut Words) {
    if let Some((cs, bytes)) = pending.take() {
        let (text, had_errors) = cs.decode_without_bom_handling(&bytes);
        out.text.push_str(&text);
        if had_errors {
            out.label(INVALID_BYTES);
        }
    }
}

/// Parse the encoded word starting at `p` (where `b[p..]` starts with `=?`).
fn word_at(b: &[u8], p: usize, ends: &[usize]) -> Result<Word, Reject> {
    let cs_start = p + 2;
    let rest = b.get(cs_start..).unwrap_or_default();
    let cs_len = rest
        .iter()
        .take(MAX_CHARSET + 1)
        .position(|&c| c == b'?')
        .ok_or(Reject::NotAWord)?;
    let label = rest.get(..cs_len).unwrap_or_default();
    if label.is_empty() || !label.iter().all(|&c| c.is_ascii_graphic() && c != b'=') {
        return Err(Reject::NotAWord);
    }
    // `charset?E?`: the encoding letter and its `?`.
    let (enc, q2) = match (rest.get(cs_len + 1), rest.get(cs_len + 2)) {
        (Some(&e), Some(&b'?')) => (e.to_ascii_uppercase(), true),
        _ => (0, false),
    };
    if !q2 {
        return Err(Reject::NotAWord);
    }
    let payload_start = cs_start + cs_len + 3;
    let first_end = ends.partition_point(|&e| e < payload_start);
    let Some(&payload_end) = ends.get(first_end) else {
        return Err(Reject::Malformed);
    };
    let payload = b.get(payload_start..payload_end).unwrap_or_default();
    let end = payload_end + 2;
    // An RFC 2231 language suffix: `utf-8*en`.
    let name = label.split(|&c| c == b'*').next().unwrap_or_default();
    let bytes = match enc {
        b'Q' => q_decode(payload).ok_or(Reject::Malformed)?,
        b'B' => b_decode(payload).ok_or(Reject::Malformed)?,
        _ => return Err(Reject::Malformed),
    };
    let mut charset = Encoding::for_label_no_replacement(name).ok_or(Reject::UnknownCharset)?;
    let mut bytes = bytes;
    // The label `utf-16` names no byte order: RFC 2781 reads it big-endian unless a byte
    // order mark says otherwise (the WHATWG table behind `for_label` reads it little-endian).
    if name.eq_ignore_ascii_case(b"utf-16") {
        charset = match bytes.get(..2) {
            Some([0xFF, 0xFE]) => encoding_rs::UTF_16LE,
            _ => encoding_rs::UTF_16BE,
        };
        if matches!(bytes.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF])) {
            bytes.drain(..2);
        }
    }
    Ok(Word {
        charset,
        bytes,
        end,
    })
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The Q encoding: `_` is a space, `=XX` a byte, other printable ASCII itself. `None` when a
/// byte cannot be in an encoded word (white space, a control, non-ASCII) or an `=` is not
/// followed by two hex digits.
fn q_decode(p: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(p.len());
    let mut it = p.iter().copied();
    while let Some(c) = it.next() {
        match c {
            b'_' => out.push(b' '),
            b'=' => {
                let hi = hex(it.next()?)?;
                let lo = hex(it.next()?)?;
                out.push(hi << 4 | lo);
            }
            c if c.is_ascii_graphic() => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// The B encoding (base64). `None` when it is not base64.
fn b_decode(p: &[u8]) -> Option<Vec<u8>> {
    B64.decode(p).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: &str) -> String {
        decode_words(v).text
    }

    #[test]
    fn q_and_b_in_utf8() {
        assert_eq!(d("=?utf-8?B?Y2Fmw6k=?="), "café");
        assert_eq!(d("=?UTF-8?q?caf=C3=A9_au_lait?="), "café au lait");
        assert_eq!(d("Re: =?utf-8?Q?x?= y"), "Re: x y");
        assert!(decode_words("=?utf-8?B?Y2Fmw6k=?=").heuristics.is_empty());
    }

    #[test]
    fn legacy_charsets_by_label() {
        // windows-1252 0x80 is the euro sign; ISO-8859-1 is read as windows-1252 (WHATWG).
        assert_eq!(d("=?windows-1252?Q?=80_5?="), "€ 5");
        assert_eq!(d("=?iso-8859-1?Q?caf=E9?="), "café");
        assert_eq!(d("=?ISO-8859-15?Q?=A4?="), "€");
        assert_eq!(d("=?koi8-r?B?8NLJ18XU?="), "Привет");
        assert_eq!(d("=?iso-8859-5?Q?=BF=E0=D8=D2=D5=E2?="), "Привет");
        assert_eq!(d("=?shift_jis?B?k/qWe4zq?="), "日本語");
        // An RFC 2231 language suffix.
        assert_eq!(d("=?utf-8*en?Q?hi?="), "hi");
    }

    #[test]
    fn utf16_words_and_lone_surrogates() {
        // "hé" in UTF-16LE.
        assert_eq!(d("=?utf-16le?B?aADpAA==?="), "hé");
        // `utf-16` without a byte order mark is big-endian (RFC 2781); a mark decides.
        assert_eq!(d("=?utf-16?B?AEEA6Q==?="), "Aé");
        assert_eq!(d("=?UTF-16?B?/v8AQQDp?="), "Aé");
        assert_eq!(d("=?utf-16?B?//5BAOkA?="), "Aé");
        assert_eq!(d("=?UTF-16BE?Q?=00h=00=E9?="), "hé");
        // A lone high surrogate (D800) then 'a': replaced, and said.
        let w = decode_words("=?utf-16le?Q?=00=D8a=00?=");
        assert_eq!(w.text, "\u{fffd}a");
        assert_eq!(w.heuristics, vec![INVALID_BYTES]);
    }

    #[test]
    fn adjacent_words_join_and_split_characters_come_out_whole() {
        assert_eq!(d("=?utf-8?Q?a?= =?utf-8?Q?b?="), "ab");
        assert_eq!(d("=?utf-8?Q?a?=\r\n\t=?utf-8?Q?b?="), "ab");
        // 'é' (C3 A9) split over two words.
        assert_eq!(d("=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?="), "café");
        assert_eq!(d("=?utf-8?B?w6k=?= =?utf-8?B?w6k=?="), "éé");
        // A word then plain text keeps the space.
        assert_eq!(d("=?utf-8?Q?a?= b =?utf-8?Q?c?="), "a b c");
        // Different charsets still join without the space.
        assert_eq!(d("=?utf-8?Q?a?= =?iso-8859-1?Q?=E9?="), "aé");
    }

    #[test]
    fn the_reported_crash_is_a_malformed_word_kept_raw() {
        // A multi-byte character right after '=' in a Q word.
        let w = decode_words("=?utf-8?Q?x=Aé?=");
        assert_eq!(w.text, "=?utf-8?Q?x=Aé?=");
        assert_eq!(w.heuristics, vec![MALFORMED]);
        for v in [
            "=?utf-8?Q?é?=",
            "=?utf-8?Q?=é?=",
            "=?utf-8?Q?=?=",
            "=?utf-8?Q?=4?=",
            "é=?utf-8?Q?=Aé",
            "=?é?Q?x?=",
            "=?utf-8?é?x?=",
            "=?utf-8?B?é?=",
            "=?utf-8?B?!!!!?=",
            "=?utf-8?Q?a b?=",
            "=?utf-8?X?abc?=",
            "=?utf-8?Q?unterminated",
        ] {
            let w = decode_words(v);
            assert_eq!(w.text, v, "kept raw: {v:?}");
        }
    }

    #[test]
    fn unknown_charsets_are_kept_raw_and_labelled() {
        let w = decode_words("Re: =?x-klingon?Q?qapla=27?= ok");
        assert_eq!(w.text, "Re: =?x-klingon?Q?qapla=27?= ok");
        assert_eq!(w.heuristics, vec![UNKNOWN_CHARSET]);
        // Labels that map to the "replacement" encoding are unknown too.
        assert_eq!(
            decode_words("=?iso-2022-kr?Q?a?=").heuristics,
            vec![UNKNOWN_CHARSET]
        );
        // A broken word does not hide a good one after it.
        assert_eq!(d("=?nope?Q?a?= =?utf-8?Q?b?="), "=?nope?Q?a?= b");
        assert_eq!(d("=?utf-8?Q?=Z?= =?utf-8?Q?b?="), "=?utf-8?Q?=Z?= b");
    }

    #[test]
    fn plain_text_is_untouched() {
        for v in [
            "",
            "hello",
            "what=?",
            "a ?= b",
            "=?",
            "=??=",
            "=?=?=?",
            "100% =?? sure",
            "naïve café 日本",
        ] {
            let w = decode_words(v);
            assert_eq!(w.text, v);
            assert!(w.heuristics.is_empty(), "{v:?}: {:?}", w.heuristics);
        }
    }

    #[test]
    fn every_cut_of_a_word_is_safe() {
        // Every prefix (at every char boundary) of words with multi-byte text next to `=`/`?`.
        let s = "Ré: =?utf-8?Q?x=C3=A9é?= =?koi8-r?B?8NLJ18XU?= =?é?Q?=E9?= =?utf-16le?B?aADpAA?=";
        for (i, _) in s.char_indices() {
            let w = decode_words(&s[..i]);
            assert!(w.text.chars().count() <= i);
        }
    }
}
