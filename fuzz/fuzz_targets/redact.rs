#![no_main]
//! Redaction, from any bytes: a binary item keeps its length, and a byte changes only to `x`
//! or to the zero half of a UTF-16 `x`; text redaction (markup, MIME, log lines, evidence
//! files, plain text) keeps the length in bytes and every character it does not mask (tags,
//! attributes, ASCII punctuation, line breaks), and turns a masked character (a letter or digit,
//! any other text outside ASCII) into one `x` per byte or keeps it; masking twice is masking
//! once (markup: masking again only masks).
use libfuzzer_sys::fuzz_target;
use spoolscope::model::Format;
use spoolscope::redact::{
    mask, mask_except_addresses, masked_char, redact_binary, redact_evidence, redact_item, redact_log_line,
    redact_markup, redact_mime, redact_xml_lines, EvidenceText,
};

/// `r` is `s` with some masked characters replaced by one `x` per byte, nothing else changed.
fn same_shape(s: &str, r: &str, what: &str) {
    assert_eq!(s.len(), r.len(), "{what}: length changed");
    for (i, a) in s.char_indices() {
        let b = &r.as_bytes()[i..i + a.len_utf8()];
        assert!(
            b == a.encode_utf8(&mut [0; 4]).as_bytes()
                || (masked_char(a) && b.iter().all(|&x| x == b'x')),
            "{what}: {a:?} became {b:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    for f in [Format::Xml, Format::Mime, Format::Text, Format::Binary, Format::Html, Format::Empty] {
        let r = redact_item(data, f);
        assert_eq!(r.is_empty(), data.is_empty(), "{f:?}: content appeared or vanished");
    }
    let rb = redact_binary(data);
    assert_eq!(rb.len(), data.len());
    for (a, b) in data.iter().zip(&rb) {
        assert!(a == b || *b == b'x' || *b == 0, "binary: {a:#x} became {b:#x}");
    }
    let s = String::from_utf8_lossy(data);
    let m = mask(&s);
    same_shape(&s, &m, "mask");
    assert!(!m.chars().any(|c| masked_char(c) && c != 'x'), "mask left a letter");
    same_shape(&s, &mask_except_addresses(&s), "mask_except_addresses");
    let rm = redact_markup(&s);
    same_shape(&s, &rm, "redact_markup");
    // Once more only masks: a masked `<3` reads as a tag cut at the end (`<x`), masked to the end.
    same_shape(&rm, &redact_markup(&rm), "markup redaction again");
    let rmi = redact_mime(&s);
    same_shape(&s, &rmi, "redact_mime");
    assert_eq!(redact_mime(&rmi), rmi, "MIME redaction is not idempotent");
    same_shape(&s, &redact_log_line(&s), "redact_log_line");
    same_shape(&s, &redact_xml_lines(&s), "redact_xml_lines");
    for what in [
        EvidenceText::Log,
        EvidenceText::Mailbox { items: true },
        EvidenceText::Mailbox { items: false },
    ] {
        same_shape(&s, &redact_evidence(&s, what), "redact_evidence");
    }
});
