#![no_main]
//! RFC 2047 decoding (`parse::rfc2047::decode_words`) on any text. Properties a wrong decoder
//! breaks:
//! - text without `=?` comes back unchanged and unlabelled (an ASCII-only plain subject
//!   round-trips);
//! - any text, encoded by this target as UTF-8 B words, as Q words, and as short Q words that
//!   split characters between them, decodes back to itself;
//! - the output never has more characters than the input has bytes;
//! - after sanitising, the output holds no control character.
use libfuzzer_sys::fuzz_target;
use spoolscope::parse::rfc2047::decode_words;
use spoolscope::sanitize;

fn b_word(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::from("=?utf-8?B?");
    for c in bytes.chunks(3) {
        let n = c.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s.push_str("?=");
    s
}

fn q_word(bytes: &[u8], charset: &str) -> String {
    let mut s = format!("=?{charset}?Q?");
    for &b in bytes {
        match b {
            b' ' => s.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b',' => s.push(b as char),
            _ => s.push_str(&format!("={b:02X}")),
        }
    }
    s.push_str("?=");
    s
}

fuzz_target!(|data: &[u8]| {
    let v = String::from_utf8_lossy(data);
    let w = decode_words(&v);
    assert!(
        w.text.chars().count() <= v.len(),
        "more characters out than bytes in: {v:?} -> {:?}",
        w.text
    );
    if !v.contains("=?") {
        assert_eq!(w.text, v, "plain text changed");
        assert!(w.heuristics.is_empty(), "plain text labelled: {:?}", w.heuristics);
    }
    assert!(!sanitize::line(&w.text).chars().any(sanitize::is_unsafe));

    let bytes = v.as_bytes();
    assert_eq!(decode_words(&b_word(bytes)).text, v, "B round trip");
    assert_eq!(decode_words(&q_word(bytes, "UTF-8")).text, v, "Q round trip");
    // Words of at most 5 bytes: characters split across words, joined on bytes.
    let split: Vec<String> = bytes.chunks(5).map(|c| q_word(c, "utf-8")).collect();
    let joined = split.join(if data.first().is_some_and(|b| b % 2 == 0) { " " } else { "\r\n " });
    if !bytes.is_empty() {
        assert_eq!(decode_words(&joined).text, v, "split-word round trip");
    }
    // Latin-1 bytes through windows-1252: one character per byte.
    let latin: Vec<u8> = data.iter().copied().take(64).collect();
    let d = decode_words(&q_word(&latin, "windows-1252"));
    assert_eq!(d.text.chars().count(), latin.len(), "one character per windows-1252 byte");
});
