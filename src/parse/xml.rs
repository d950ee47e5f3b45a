//! Small helpers shared by the XML readers (spooled items, mailbox listings).

use quick_xml::events::attributes::Attributes;
use quick_xml::events::BytesStart;

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
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
    })
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
}
