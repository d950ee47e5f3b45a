//! Small helpers shared by the XML readers (spooled items, mailbox listings).

use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesCData, BytesRef, BytesStart, BytesText};

/// An element or attribute name without its namespace prefix (`t:Subject` → `Subject`).
pub fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

/// The attributes of an element without quick-xml's duplicate check, which compares every
/// attribute with every earlier one (quadratic: 80 000 attributes on one tag took seconds,
/// RUSTSEC-2026-0194). A duplicate changes nothing here: the first one wins.
pub fn attributes<'a>(e: &'a BytesStart<'_>) -> Attributes<'a> {
    let mut a = e.attributes();
    a.with_checks(false);
    a
}

/// The value of attribute `want` (matched without prefix), unescaped when it can be.
pub fn attr(e: &BytesStart<'_>, want: &str) -> Option<String> {
    attributes(e).flatten().find_map(|a| {
        (local(a.key.as_ref()) == want).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
    })
}

/// The text of one element as quick-xml hands it over in pieces: text runs, entity and
/// character references (`Event::GeneralRef`, quick-xml 0.38 and later) and CDATA sections.
/// The readers push every piece and [`take`](Self::take) the whole text at the next tag, so
/// `Tom &amp; Jerry` stays one value with its spaces. A reference that is not one of XML's five
/// predefined entities or a valid character reference is kept as it was written (`&nbsp;`);
/// nothing is ever expanded from a DTD.
#[derive(Debug, Default)]
pub struct TextBuf {
    text: String,
}

impl TextBuf {
    pub fn push_text(&mut self, t: &BytesText<'_>) {
        match t.decode() {
            Ok(s) => self.text.push_str(&s),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(t)),
        }
    }

    pub fn push_cdata(&mut self, c: &BytesCData<'_>) {
        self.text.push_str(&String::from_utf8_lossy(c));
    }

    pub fn push_ref(&mut self, r: &BytesRef<'_>) {
        let name = String::from_utf8_lossy(r);
        if let Ok(Some(c)) = r.resolve_char_ref() {
            self.text.push(c);
        } else if let Some(v) = quick_xml::escape::resolve_xml_entity(&name) {
            self.text.push_str(v);
        } else {
            self.text.push('&');
            self.text.push_str(&name);
            self.text.push(';');
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text gathered since the last call, trimmed; `None` when it is only whitespace.
    pub fn take(&mut self) -> Option<String> {
        let t = self.text.trim();
        let out = (!t.is_empty()).then(|| t.to_string());
        self.text.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_prefix_and_attributes_unescape() {
        assert_eq!(local(b"t:Subject"), "Subject");
        assert_eq!(local(b"Subject"), "Subject");
        let e = BytesStart::from_content(r#"x t:Id="a&amp;b" Other="c""#, 1);
        assert_eq!(attr(&e, "Id").as_deref(), Some("a&b"));
        assert_eq!(attr(&e, "Missing"), None);
        // Duplicates are not an error: the first one wins, the rest are still read.
        let e = BytesStart::from_content(r#"x Id="1" Id="2" Other="3""#, 1);
        assert_eq!(attr(&e, "Id").as_deref(), Some("1"));
        assert_eq!(attr(&e, "Other").as_deref(), Some("3"));
    }

    /// Text, references and CDATA of one element come back as one value, spaces kept.
    #[test]
    fn text_pieces_join_with_their_references() {
        use quick_xml::events::Event;
        let xml = "<a> Tom &amp; Jerry &#x263A; &nbsp;<![CDATA[<x>]]> </a><b>\n </b>";
        let mut r = quick_xml::Reader::from_str(xml);
        let mut t = TextBuf::default();
        let mut got = Vec::new();
        loop {
            match r.read_event().expect("well-formed") {
                Event::Text(e) => t.push_text(&e),
                Event::GeneralRef(e) => t.push_ref(&e),
                Event::CData(e) => t.push_cdata(&e),
                Event::Eof => break,
                _ => got.push(t.take()),
            }
        }
        assert_eq!(
            got,
            vec![
                None,
                Some("Tom & Jerry \u{263A} &nbsp;<x>".to_string()),
                None,
                None
            ]
        );
    }
}
