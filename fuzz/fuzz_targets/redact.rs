#![no_main]
//! Redaction, from any bytes: a binary item keeps its length and its non-printable bytes; text
//! redaction (markup, MIME, log lines, evidence files, plain text) keeps the length in
//! characters and every character that is not a letter or digit (tags, attributes,
//! punctuation, line breaks), and turns letters and digits into `x` or keeps them; masking twice
//! is masking once.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::Format;
use spoolscope::redact::{
    mask, mask_except_addresses, redact_binary, redact_evidence, redact_item, redact_log_line,
    redact_markup, redact_mime, redact_xml_lines, EvidenceText,
};

/// `r` is `s` with some letters and digits replaced by `x`, nothing else changed.
fn same_shape(s: &str, r: &str, what: &str) {
    assert_eq!(s.chars().count(), r.chars().count(), "{what}: length changed");
    for (a, b) in s.chars().zip(r.chars()) {
        assert!(a == b || (a.is_alphanumeric() && b == 'x'), "{what}: {a:?} became {b:?}");
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
        assert!(a == b || (a.is_ascii_alphanumeric() && *b == b'x'), "binary: {a:#x} became {b:#x}");
    }
    let s = String::from_utf8_lossy(data);
    let m = mask(&s);
    same_shape(&s, &m, "mask");
    assert!(!m.chars().any(|c| c.is_alphanumeric() && c != 'x'), "mask left a letter");
    same_shape(&s, &mask_except_addresses(&s), "mask_except_addresses");
    let rm = redact_markup(&s);
    same_shape(&s, &rm, "redact_markup");
    assert_eq!(redact_markup(&rm), rm, "markup redaction is not idempotent");
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
