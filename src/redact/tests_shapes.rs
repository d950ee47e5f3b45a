//! Tests of `redact` against the shapes the parser reads (review wild8b): a MIME item's body
//! found as the sniffer finds it, unquoted HTML attribute values, text in `EmailAddress`.

use crate::model::Format;
use crate::parse::spool::{sniff, XML_NOT_AN_ADDRESS};
use crate::redact::*;

/// The words (runs of letters) of `s` that are 4 letters or longer.
fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .collect()
}

/// Review wild8b d02 and d06: whatever the sniffer reads as a MIME item's subject and body is
/// masked in the copy, in each shape it accepts (lone-CR line ends, no blank line before the
/// body, an mbox `From ` line); the headers it keeps stay.
#[test]
fn what_the_parser_calls_body_is_masked() {
    let items = [
        "From: jdoe@contoso.com\rTo: rlee@contoso.com\rSubject: PLANTEDSUBJECT\r\rPLANTED merger closes friday\r",
        "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: hi\r\nDate: Mon, 2 Mar 2026 13:00:00 +0000\r\nHi Bob\r\n   PLANTEDINDENT the merger\r\nTo: PLANTEDTO be decided\r\nDate: PLANTEDDATE\r\n",
        "\r\nFrom jdoe@contoso.com Mon Mar  2 10:00:00 2026\nFrom: jdoe@contoso.com\nTo: rlee@contoso.com\nSubject: PLANTEDS\n\n PLANTEDB\n",
        "From: jdoe@contoso.com\rTo: rlee@contoso.com\rHi Bob\r\tPLANTEDTAB\rCc: PLANTEDCC\r",
    ];
    for m in items {
        let s = sniff(m.as_bytes(), false);
        assert_eq!(s.format, Format::Mime, "{m:?}");
        let body = s.body.clone().expect("a body");
        let r = String::from_utf8(redact_item(m.as_bytes(), Format::Mime)).expect("utf-8");
        assert_eq!(r.len(), m.len());
        assert!(!r.contains("PLANTED"), "{r:?}");
        for w in words(&body)
            .into_iter()
            .chain(words(s.fields.subject.as_deref().unwrap_or_default()))
        {
            // Each of its places in the body is masked (it may be in a header too).
            assert!(
                r.matches(w).count() < m.matches(w).count(),
                "{w} of {m:?} kept: {r:?}"
            );
        }
        assert!(r.contains("From: jdoe@contoso.com"), "{r:?}");
        assert!(r.contains("To: rlee@contoso.com"), "{r:?}");
    }
    // Masking again changes nothing: an mbox `From ` line keeps its time, so it stays one.
    for m in items {
        let r = redact_mime(m);
        assert_eq!(redact_mime(&r), r, "{m:?}");
    }
    assert!(redact_mime(items[2]).contains("From jdoe@contoso.com xxx xxx  x 10:00:00 xxxx\n"));
    // Text that is no header block is masked whole but for its addresses.
    assert_eq!(
        redact_mime("hello a@contoso.com: x\n"),
        "xxxxx a@contoso.com: x\n"
    );
}

/// Review wild8b d03: unquoted attribute values (`title=…`, `alt=…`) are masked as quoted ones
/// are, kept attributes stay, and words in a tag that are no `name=value` pair are masked; the
/// tag's name and the text's length stay.
#[test]
fn unquoted_attribute_values_are_masked() {
    let h = "<html><body><p title=PLANTEDTITLE>hi</p><img alt=PLANTEDALT src=x.png/>\
             <div Id=keep1 class = PLANTEDC data-x='PLANTEDQ'><PLANTEDTAG was here and left>\
             <input disabled><br/></body></html>";
    let r = redact_markup(h);
    assert_eq!(r.len(), h.len());
    for w in [
        "PLANTEDTITLE",
        "PLANTEDALT",
        "PLANTEDC",
        "PLANTEDQ",
        "here",
        "left",
    ] {
        assert!(!r.contains(w), "{w}: {r}");
    }
    assert!(r.contains("<p title=xxxxxxxxxxxx>"), "{r}");
    assert!(
        r.contains("Id=keep1 class = xxxxxxxx data-x='xxxxxxxx'"),
        "{r}"
    );
    assert!(r.contains("<PLANTEDTAG xxx xxxx xxx xxxx>"), "{r}");
    assert!(r.contains("<input xxxxxxxx><br/></body></html>"), "{r}");
    // An XML declaration and namespaces stay.
    let x = "<?xml version=\"1.0\" encoding=utf-8?><m:M xmlns:m=urn:x Subject=PLANTED/>";
    assert_eq!(
        redact_markup(x),
        "<?xml version=\"1.0\" encoding=utf-8?><m:M xmlns:m=urn:x Subject=xxxxxxx/>"
    );
}

/// Review wild8b d09: text in an XML item's `EmailAddress` that is no address is not taken as a
/// recipient (labelled) and is masked in the copy; an address, or an X.500 DN, is kept.
#[test]
fn email_address_text_that_is_no_address() {
    let x = "<?xml version=\"1.0\"?><CreateItem><Items><Message><ItemClass>IPM.Note</ItemClass>\
             <ToRecipients><Mailbox><EmailAddress>PLANTED meet me at noon</EmailAddress></Mailbox>\
             <Mailbox><EmailAddress>sip:rlee@contoso.com</EmailAddress></Mailbox>\
             <Mailbox><EmailAddress>/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=jdoe</EmailAddress>\
             </Mailbox></ToRecipients></Message></Items></CreateItem>";
    let s = sniff(x.as_bytes(), false);
    assert_eq!(
        s.fields.to,
        vec![
            "rlee@contoso.com".to_string(),
            "/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=jdoe".to_string()
        ]
    );
    assert!(
        s.heuristics.iter().any(|h| h == XML_NOT_AN_ADDRESS),
        "{s:?}"
    );
    let r = redact_markup(x);
    assert!(!r.contains("PLANTED") && !r.contains("noon"), "{r}");
    assert!(r.contains(">sip:rlee@contoso.com<"), "{r}");
    assert!(
        r.contains(">/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=jdoe<"),
        "{r}"
    );
}

/// Review wild8b d08: a redacted text item's copy keeps no control character but tab, CR and
/// LF (ESC and C1 CSI become `x`s), in every encoding, and keeps its length.
#[test]
fn controls_in_a_redacted_copy_become_x() {
    let m = "From: jdoe@contoso.com\r\nSubject: hi \x1b]0;t\x07\r\n\r\nhello \x1b[?1049h \u{9b}?25l\tend\r\n";
    let r = redact_item(m.as_bytes(), Format::Mime);
    assert_eq!(r.len(), m.len());
    let r = String::from_utf8(r).expect("utf-8");
    assert!(
        !r.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')),
        "{r:?}"
    );
    assert!(
        r.ends_with("\r\n\r\nxxxxx x[?xxxxx xx?xxx\txxx\r\n"),
        "{r:?}"
    );
    let u: Vec<u8> = m.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let ru = redact_item(&[&[0xFF, 0xFE][..], &u].concat(), Format::Mime);
    assert_eq!(ru.len(), u.len() + 2);
    assert!(!ru.contains(&0x1b), "{ru:?}");
    // Bidi overrides and invisible characters too (the sanitiser's set).
    let t = "to rlee@contoso.com \u{202e}gnp.exe \u{200b}\u{34f}.\n";
    let r = String::from_utf8(redact_item(t.as_bytes(), Format::Text)).expect("utf-8");
    assert!(
        !r.chars()
            .any(|c| crate::sanitize::is_unsafe(c) && c != '\n'),
        "{r:?}"
    );
    assert_eq!(r.len(), t.len());
}

/// `r` is `s` with some characters [`masked_char`] names (letters, digits, other text outside
/// ASCII) replaced by one `x` per byte, nothing else changed.
pub(super) fn same_shape(s: &str, r: &str) -> bool {
    s.len() == r.len()
        && s.char_indices().all(|(i, a)| {
            let b = &r.as_bytes()[i..i + a.len_utf8()];
            b == a.encode_utf8(&mut [0; 4]).as_bytes()
                || (masked_char(a) && b.iter().all(|&x| x == b'x'))
        })
}

const PIECES: &[&str] = &[
    "From: a@contoso.com",
    "To: b@contoso.com",
    "Subject : hi",
    "X-A: v",
    "é: z",
    "From jdoe@contoso.com Mon Mar  2 10:00:00 2026",
    "hello",
    "\r",
    "\n",
    "\r\n",
    " ",
    "\t",
    ":",
    "<p title=x>",
    "<a b",
    "=",
    "'",
    "\"",
    "/>",
];

proptest::proptest! {
    /// MIME and markup redaction of text built from the shapes above only masks, and MIME
    /// redaction done twice is done once.
    #[test]
    fn mime_and_markup_redaction_only_mask(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let s: String = picks.iter().map(|&i| PIECES[i]).collect();
        let r = redact_mime(&s);
        proptest::prop_assert!(same_shape(&s, &r), "{:?} -> {:?}", s, r);
        proptest::prop_assert_eq!(redact_mime(&r), r.clone());
        let m = redact_markup(&s);
        proptest::prop_assert!(same_shape(&s, &m), "{:?} -> {:?}", s, m);
        proptest::prop_assert!(same_shape(&m, &redact_markup(&m)), "{:?}", m);
    }
}
