//! Tests of `redact`.

mod content_tests {
    #[test]
    fn content_masking_keeps_evidence() {
        let l = r#"<m:CreateItem MessageDisposition="SaveOnly"><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Budget 2026</t:Subject><t:Body BodyType="Text">cut short"#;
        let r = crate::redact::mask_content(l);
        assert!(!r.contains("Budget") && !r.contains("cut short"), "{r}");
        assert!(r.contains("MessageDisposition=\"SaveOnly\"") && r.contains("IPM.Note"));
        let p = r#"<property name="EnableIMAutoArchiving">false</property>"#;
        assert_eq!(crate::redact::mask_content(p), p);
        assert_eq!(
            crate::redact::mask_content("Subject: lunch plans"),
            "Subject: xxxxx xxxxx"
        );
        assert_eq!(
            crate::redact::mask_content("HTTP/1.1 401 Unauthorized"),
            "HTTP/1.1 401 Unauthorized"
        );
    }

    use crate::redact::*;

    #[test]
    fn markup_keeps_structure_and_metadata() {
        let x = "<t:Message><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Top secret plan</t:Subject>\
                 <t:Body BodyType=\"Text\">meet at 3</t:Body><t:EmailAddress>a@contoso.com</t:EmailAddress></t:Message>";
        let r = redact_markup(x);
        assert!(r.contains("<t:ItemClass>IPM.Note</t:ItemClass>"));
        assert!(r.contains("<t:Subject>xxx xxxxxx xxxx</t:Subject>"), "{r}");
        assert!(
            r.contains("<t:Body BodyType=\"Text\">xxxx xx x</t:Body>"),
            "{r}"
        );
        assert!(r.contains("a@contoso.com"));
        assert_eq!(r.len(), x.len());
    }

    #[test]
    fn mime_masks_subject_and_body_only() {
        let m = "From: a@contoso.com\r\nSubject: Hello there\r\nDate: Mon, 2 Mar 2026\r\n\r\nsecret words\r\n";
        let r = redact_mime(m);
        assert!(r.contains("From: a@contoso.com"));
        assert!(r.contains("Subject: xxxxx xxxxx"));
        assert!(r.contains("Date: Mon, 2 Mar 2026"));
        assert!(!r.contains("secret"));
        assert_eq!(r.len(), m.len());
    }

    /// Headers not known as structure or metadata are masked but for their addresses
    /// (`X-Preview` was kept), folded lines included; known ones are kept.
    #[test]
    fn unknown_headers_are_masked_known_ones_kept() {
        let m = "From: Jo <a@contoso.com>\r\nX-Preview: TOPSECRET b@contoso.com\r\n\tmore TOPSECRET\r\nThread-Topic: TOPSECRET\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\nDate: Mon, 2 Mar 2026\r\n\r\n--b1\r\nbody\r\n";
        let r = redact_mime(m);
        assert!(!r.contains("TOPSECRET"), "{r}");
        assert!(r.contains("X-Preview:"), "{r}");
        assert!(r.contains("b@contoso.com"), "{r}");
        assert!(r.contains("From: Jo <a@contoso.com>"), "{r}");
        assert!(r.contains("boundary=\"b1\""), "{r}");
        assert!(r.contains("Date: Mon, 2 Mar 2026"), "{r}");
        assert_eq!(r.len(), m.len());
    }

    /// Attribute values are content unless known as structure: `Subject="…"` is masked,
    /// `Id`, `xmlns` and `BodyType` stay, addresses stay.
    #[test]
    fn attribute_values_are_masked_unless_structure() {
        let x = "<?xml version=\"1.0\" encoding=\"utf-8\"?><m:Message xmlns:m=\"urn:x\" Subject=\"TOPSECRET c\" Id='AAMk=' Note='to b@contoso.com'><t:Body BodyType=\"Text\">x</t:Body><!-- kept --></m:Message>";
        let r = redact_markup(x);
        assert!(!r.contains("TOPSECRET"), "{r}");
        assert!(r.contains("Subject=\"xxxxxxxxx x\""), "{r}");
        for kept in [
            "version=\"1.0\"",
            "encoding=\"utf-8\"",
            "xmlns:m=\"urn:x\"",
            "Id='AAMk='",
            "BodyType=\"Text\"",
            "b@contoso.com",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert!(r.contains("<!-- xxxx -->"), "{r}");
        assert_eq!(r.len(), x.len());
        // A tag cut short (no closing quote) masks the rest, never panics.
        let cut = "<a Subject=\"TOP";
        assert_eq!(redact_markup(cut), "<a xxxxxxx=\"xxx");
    }

    #[test]
    fn binary_strings_are_masked_but_addresses_kept() {
        let mut b = vec![0u8, 1];
        b.extend_from_slice(b"hello world sip:a@contoso.com");
        b.push(0);
        for u in "secret words".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let r = redact_binary(&b);
        let s = String::from_utf8_lossy(&r);
        assert!(!s.contains("hello"));
        assert!(s.contains("a@contoso.com"));
        assert!(!text::binary_strings(&r, 4).contains("secret"));
        assert_eq!(r.len(), b.len());
    }

    /// A binary item guessed as UTF-16 (an odd byte at the end) keeps its length: it is
    /// redacted byte by byte (its copy was one byte longer, shifted).
    #[test]
    fn an_item_that_does_not_round_trip_keeps_its_length() {
        let mut b = vec![0u8, 1, 2];
        for u in "SECRET b@contoso.com".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b.extend_from_slice(&[0xFF; 10]);
        for f in [Format::Text, Format::Xml, Format::Mime, Format::Html] {
            let r = redact_item(&b, f);
            assert_eq!(r.len(), b.len(), "{f:?}");
            assert!(!text::binary_strings(&r, 4).contains("SECRET"), "{f:?}");
        }
    }

    #[test]
    fn items_keep_their_encoding() {
        let mut v = vec![0xFF, 0xFE];
        for u in "<a><Subject>private</Subject></a>".encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        let r = redact_item(&v, Format::Xml);
        assert_eq!(&r[..2], &[0xFF, 0xFE]);
        let d = text::decode(&r, false).expect("text");
        assert_eq!(d.text, "<a><Subject>xxxxxxx</Subject></a>");
    }

    #[test]
    fn log_lines_lose_subjects_and_bodies_and_keep_the_evidence() {
        let l = "<t:Subject>Budget</t:Subject> Subject: Budget talk";
        let r = redact_log_line(l);
        assert!(!r.contains("Budget"), "{r}");
        let l = "03/02/2026|13:45:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized <t:Subject>Merger</t:Subject><t:Body BodyType=\"Text\">the plan</t:Body>";
        let r = redact_log_line(l);
        assert_eq!(
            r,
            "03/02/2026|13:45:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized <t:Subject>xxxxxx</t:Subject><t:Body BodyType=\"Text\">xxx xxxx</t:Body>"
        );
    }
}

mod evidence_tests {
    use crate::redact::*;

    const EWS_ERROR: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<s:Body>\n\
<m:FindItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">\n\
<m:ResponseMessages>\n<m:FindItemResponseMessage ResponseClass=\"Error\">\n\
<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>\n\
<t:Message><t:Subject>Quarterly merger</t:Subject><t:ItemClass>IPM.Note</t:ItemClass>\n\
<t:Body BodyType=\"Text\">first secret line\nsecond secret line</t:Body></t:Message>\n\
</m:FindItemResponseMessage>\n</m:ResponseMessages>\n</m:FindItemResponse>\n</s:Body>\n</s:Envelope>\n";

    /// The SOAP envelope's `<s:Body>` is not a message body: an answer on one line keeps its
    /// response code and item class (everything after `<s:Body>` was masked), and one line or
    /// pretty-printed, the answer is redacted the same; a message body is masked on every line
    /// it runs over.
    #[test]
    fn soap_body_is_structure_one_line_or_pretty() {
        let pretty = redact_xml_lines(EWS_ERROR);
        let one_line_input = EWS_ERROR.replace('\n', "");
        let one_line = redact_xml_lines(&one_line_input);
        assert_eq!(pretty.replace('\n', ""), one_line);
        for r in [&pretty, &one_line] {
            assert!(
                r.contains("<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>"),
                "{r}"
            );
            assert!(r.contains("<t:ItemClass>IPM.Note</t:ItemClass>"), "{r}");
            assert!(r.contains("ResponseClass=\"Error\""), "{r}");
            assert!(r.contains("<m:FindItemResponse xmlns:m="), "{r}");
            assert!(!r.contains("merger") && !r.contains("secret"), "{r}");
        }
        assert_eq!(pretty.len(), EWS_ERROR.len());
        // One line on its own (a report's evidence excerpt) too.
        let m = mask_content(&one_line_input);
        assert!(
            m.contains("ErrorAccessDenied") && !m.contains("merger"),
            "{m}"
        );
        // `<s:Body><m:FindItemResponse …>` on a line of its own, no declaration in sight.
        let l = "<s:Body><m:FindItemResponse><m:ResponseCode>NoError</m:ResponseCode>";
        assert_eq!(mask_content(l), l);
        // A Body in another namespace, or one holding text, is still masked.
        let l = "<a:Body xmlns:a=\"urn:other\"><b:P>secret</b:P></a:Body>";
        assert!(!mask_content(l).contains("secret"));
        let l = "<x:Body>secret <y:Z/></x:Body><t:Body/><m:ResponseCode>NoError</m:ResponseCode>";
        let m = mask_content(l);
        assert!(!m.contains("secret") && m.contains("NoError"), "{m}");
    }

    /// A `<t:Body>` at the end of a line whose text starts on the next line is masked there
    /// (the next line decides what an undeclared prefixed Body is).
    #[test]
    fn a_body_whose_text_starts_on_the_next_line_is_masked() {
        let x = "<t:Message>\n<t:Body BodyType=\"Text\">\nsecret words\nmore secret\n</t:Body>\n<t:ItemClass>IPM.Note</t:ItemClass>\n";
        let r = redact_xml_lines(x);
        assert!(!r.contains("secret"), "{r}");
        assert!(r.contains("<t:ItemClass>IPM.Note</t:ItemClass>"), "{r}");
        assert_eq!(r.len(), x.len());
    }

    /// In a CSV item list the subject column is masked (it was kept verbatim: nothing in a CSV
    /// row says "subject"), a quoted subject over two lines included; item class, time,
    /// folder and addresses stay, and an unknown column is masked but for its addresses.
    #[test]
    fn csv_item_list_masks_subjects_by_column() {
        let csv = "#TYPE Selected.Item\n\"Subject\",\"ItemClass\",\"DateTimeCreated\",\"From\",\"Folder\",\"Notes\"\n\
\"SECRET0 Jane sent you a message\",\"IM.Note.MissedConversation\",\"3/1/2026 10:00:00 AM\",\"jdoe@contoso.com\",\"Drafts\",\"call SECRET b@contoso.com\"\n\
\"SECRET1 over\ntwo lines, \"\"quoted\"\"\",\"IPM.Note\",\"3/1/2026 10:01:00 AM\",\"jdoe@contoso.com\",\"Drafts\",\"\"\n";
        let r = redact_evidence(csv, EvidenceText::Mailbox { items: true });
        assert!(
            !r.contains("SECRET") && !r.contains("Jane") && !r.contains("quoted"),
            "{r}"
        );
        for kept in [
            "\"Subject\",\"ItemClass\"",
            "\"IM.Note.MissedConversation\"",
            "\"3/1/2026 10:00:00 AM\"",
            "\"jdoe@contoso.com\"",
            "\"Drafts\"",
            "b@contoso.com",
            "\"IPM.Note\"",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.lines().count(), csv.lines().count());
        assert_eq!(r.chars().count(), csv.chars().count());
        // A semicolon export (another culture's delimiter) is read by its header too.
        let semi = "Subject;ItemClass\nSECRET;IPM.Note\n";
        let r = redact_evidence(semi, EvidenceText::Mailbox { items: true });
        assert_eq!(r, "Subject;ItemClass\nxxxxxx;IPM.Note\n");
    }

    /// A policy or folder-statistics export keeps its values (they are the evidence); only a
    /// message-content column would be masked.
    #[test]
    fn policy_and_stats_exports_keep_their_values() {
        let csv = "\"Identity\",\"EnableOfflineIm\",\"Subject\"\n\"Global\",\"False\",\"SECRET\"\n";
        let r = redact_evidence(csv, EvidenceText::Mailbox { items: false });
        assert_eq!(
            r,
            "\"Identity\",\"EnableOfflineIm\",\"Subject\"\n\"Global\",\"False\",\"xxxxxx\"\n"
        );
        let fl = "\nName          : Drafts\nItemsInFolder : 1412\n";
        assert_eq!(
            redact_evidence(fl, EvidenceText::Mailbox { items: false }),
            fl
        );
    }

    /// Format-List and ConvertTo-Json item lists lose their subjects (a wrapped value's
    /// continuation lines too) and keep class, time and addresses.
    #[test]
    fn format_list_and_json_item_lists_mask_subjects() {
        let fl = "\n\nSubject         : SECRET0 Jane Doe sent you a message in Skype for\n                  Business SECRET\nItemClass       : IM.Note.MissedConversation\nDateTimeCreated : 3/1/2026 10:00:00 AM\nFrom            : jdoe@contoso.com\n\n";
        let r = redact_evidence(fl, EvidenceText::Mailbox { items: true });
        assert!(!r.contains("SECRET") && !r.contains("Business"), "{r}");
        for kept in [
            "Subject         : ",
            "ItemClass       : IM.Note.MissedConversation",
            "DateTimeCreated : 3/1/2026 10:00:00 AM",
            "From            : jdoe@contoso.com",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.len(), fl.len());
        let json = "[\n    {\n        \"Subject\":  \"SECRET \\\"q\\\" \\u00e9t\\u00e9 x\",\n        \"ItemClass\":  \"IPM.Note\",\n        \"Size\":  1234,\n        \"DateTimeCreated\":  \"\\/Date(1772359200000)\\/\",\n        \"From\":  \"jdoe@contoso.com\"\n    }\n]\n";
        let r = redact_evidence(json, EvidenceText::Mailbox { items: true });
        assert!(!r.contains("SECRET") && !r.contains("00e9"), "{r}");
        assert!(
            r.contains("\"Subject\":  \"xxxxxx \\\"x\\\" \\uxxxxx\\uxxxx x\""),
            "{r}"
        );
        for kept in [
            "\"ItemClass\":  \"IPM.Note\"",
            "\"Size\":  1234",
            "\"\\/Date(1772359200000)\\/\"",
            "\"jdoe@contoso.com\"",
        ] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(r.len(), json.len());
    }

    /// A log keeps its lines as `mask_content` gives them.
    #[test]
    fn logs_are_masked_line_by_line() {
        let log = "a,b,c\nSubject: lunch plans\n<t:Subject>x1</t:Subject>\n";
        assert_eq!(
            redact_evidence(log, EvidenceText::Log),
            "a,b,c\nSubject: xxxxx xxxxx\n<t:Subject>xx</t:Subject>\n"
        );
    }

    /// A large answer on one line (40 000 items) is redacted in one pass: looking for each
    /// element's closing tag or the namespaces declared before it does not go over the rest of
    /// the line again (which took minutes).
    #[test]
    fn a_large_one_line_answer_is_redacted_in_linear_time() {
        let mut x = String::from(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:FindItemResponse xmlns:m=\"urn:m\" xmlns:t=\"urn:t\">",
        );
        for i in 0..40_000 {
            x.push_str(&format!(
                "<t:Message><t:Subject>SECRET {i}</t:Subject><t:Body BodyType=\"Text\">hidden</t:Body><t:ItemClass>IPM.Note</t:ItemClass></t:Message>"
            ));
        }
        x.push_str("</m:FindItemResponse></s:Body></s:Envelope>");
        let started = std::time::Instant::now();
        let r = redact_xml_lines(&x);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
        assert!(!r.contains("SECRET") && !r.contains("hidden"));
        assert_eq!(
            r.matches("<t:ItemClass>IPM.Note</t:ItemClass>").count(),
            40_000
        );
        assert_eq!(r.len(), x.len());
    }

    use crate::redact::tests_shapes::same_shape;

    const PIECES: &[&str] = &[
        "\"",
        ",",
        ";",
        "\t",
        "\n",
        "\r\n",
        " ",
        " : ",
        ":",
        "{",
        "[",
        "]",
        "}",
        "\\",
        "\\u00e9",
        "\\u1",
        "<s:Body>",
        "<t:Body BodyType=\"Text\">",
        "</t:Body>",
        "</s:Body>",
        "<t:Subject>",
        "<Body/>",
        "<m:R>",
        "xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"",
        "xmlns=\"u\"",
        "Subject",
        "ItemClass",
        "Subject: ",
        "#TYPE x",
        "SECRET",
        "a@contoso.com",
        "é",
        "\u{202e}",
        "山田",
        "\u{1b}[2J",
        "&lt;t:Subject&gt;",
        "&lt;/t:Subject&gt;",
        "&lt;s:Body&gt;",
        "&lt;Body/&gt;",
        "&quot;",
        "\"Subject\":\"",
        "\"Content\": \"",
        "\\\"",
    ];

    proptest::proptest! {
        /// Whatever the text, every redaction of an evidence file changes letters and digits
        /// only (so lines stay where they were) and never panics.
        #[test]
        fn evidence_redaction_only_masks(picks in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let s: String = picks.iter().map(|&i| PIECES[i]).collect();
            for what in [
                EvidenceText::Log,
                EvidenceText::Mailbox { items: true },
                EvidenceText::Mailbox { items: false },
            ] {
                let r = redact_evidence(&s, what);
                proptest::prop_assert!(same_shape(&s, &r), "{what:?}: {s:?} became {r:?}");
            }
            let r = redact_xml_lines(&s);
            proptest::prop_assert!(same_shape(&s, &r), "{s:?} became {r:?}");
        }
    }
}

/// Review wild4s defect 1: text in any script is masked in every item copy.
mod script_tests {
    use crate::model::Format;
    use crate::parse::text;
    use crate::redact::*;

    const RU: &str = "Привет, встреча перенесена на пятницу";
    const JP: &str = "会議は金曜日に変更されました";

    fn utf16(s: &str, le: bool) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    }

    /// A UTF-8 letter of 2 or 3 bytes became one `x`: the copy's length changed and the item
    /// fell back to the byte redactor, which kept the Cyrillic and Japanese text and masked
    /// the header names. Now the structure-aware path keeps the headers and masks the text.
    #[test]
    fn a_utf8_mime_item_in_cyrillic_keeps_its_headers_and_loses_its_text() {
        let m = format!("From: \"Jürgen Müller\" <jdoe@contoso.com>\r\nTo: rlee@contoso.com\r\nSubject: {RU}\r\n\r\n{RU} {JP}\r\nyes\r\n5pm\r\n");
        let r = String::from_utf8(redact_item(m.as_bytes(), Format::Mime)).expect("utf-8");
        assert_eq!(r.len(), m.len());
        for w in ["Привет", "пятницу", "会議", "yes", "5pm"] {
            assert!(!r.contains(w), "{w} kept: {r}");
        }
        assert!(
            r.contains("<jdoe@contoso.com>\r\nTo: rlee@contoso.com\r\nSubject: xxxxxxxxxxxx, "),
            "{r}"
        );
        assert!(r.ends_with("\r\nxxx\r\nxxx\r\n"), "{r}");
    }

    /// A UTF-16 item keeps its encoding and length with one `x` per code unit (a character
    /// outside the BMP is two); a UTF-8 XML item keeps its tags.
    #[test]
    fn utf16_and_xml_items_keep_their_structure() {
        let x = format!("<Message><Subject>{RU}</Subject><Body>{JP} 🙂</Body></Message>");
        let r = String::from_utf8(redact_item(x.as_bytes(), Format::Xml)).expect("utf-8");
        assert_eq!(r.len(), x.len());
        assert!(r.starts_with("<Message><Subject>xxxxxxxxxxxx, "), "{r}");
        assert!(r.ends_with(" xxxx</Body></Message>"), "{r}");
        assert!(r.is_ascii(), "{r}");
        let mut b = vec![0xFF, 0xFE];
        b.extend(utf16(&format!("<a><Subject>{RU} 🙂</Subject></a>"), true));
        let r = redact_item(&b, Format::Xml);
        assert_eq!(r.len(), b.len());
        let d = text::decode(&r, false).expect("text");
        let ru_mask: String = RU
            .chars()
            .map(|c| if c.is_alphanumeric() { 'x' } else { c })
            .collect();
        assert_eq!(d.text, format!("<a><Subject>{ru_mask} xx</Subject></a>"));
    }

    /// The byte redactor (binary items) masked only ASCII runs: Cyrillic and Japanese in
    /// UTF-8, UTF-16LE and UTF-16BE were kept. Now no such text survives, at either byte
    /// offset; the OLE magic, an address and the length stay.
    #[test]
    fn binary_items_lose_text_of_every_script() {
        let magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let mut b = magic.to_vec();
        b.extend([0u8; 7]);
        b.extend(utf16(&format!("{RU} {JP}"), true));
        b.extend([0u8, 0, 0]);
        b.extend(utf16(&format!("{JP} Ελληνικά"), false));
        b.extend([0u8, 1]);
        b.extend(format!("{RU} rlee@contoso.com да 東京").as_bytes());
        b.extend([0u8; 3]);
        let r = redact_binary(&b);
        assert_eq!(r.len(), b.len());
        assert_eq!(&r[..8], &magic);
        for (enc, off) in [("le", 0), ("le", 1), ("be", 0), ("be", 1), ("u8", 0)] {
            let s = match enc {
                "u8" => String::from_utf8_lossy(&r[off..]).into_owned(),
                e => {
                    let units: Vec<u16> = r[off..]
                        .chunks_exact(2)
                        .map(|p| {
                            if e == "le" {
                                u16::from_le_bytes([p[0], p[1]])
                            } else {
                                u16::from_be_bytes([p[0], p[1]])
                            }
                        })
                        .collect();
                    String::from_utf16_lossy(&units)
                }
            };
            for w in [
                "Привет",
                "пятницу",
                "会議",
                "金曜日",
                "Ελληνικά",
                "да",
                "東京",
            ] {
                assert!(!s.contains(w), "{w} kept ({enc} {off})");
            }
        }
        assert!(String::from_utf8_lossy(&r).contains("rlee@contoso.com"));
    }

    /// An item unread at the scan (locked) and text at the bundle is masked whole but for its
    /// addresses (it went to the byte redactor).
    #[test]
    fn an_unreadable_item_that_is_text_now_is_masked_whole() {
        let m = format!("Subject: {RU}\r\n\r\nda {JP} a@contoso.com\r\n");
        let r = String::from_utf8(redact_item(m.as_bytes(), Format::Unreadable)).expect("utf-8");
        assert_eq!(r.len(), m.len());
        assert!(r.starts_with("xxxxxxx: xxxx"), "{r}");
        assert!(r.ends_with(" a@contoso.com\r\n"), "{r}");
        assert!(r.is_ascii(), "{r}");
    }

    proptest::proptest! {
        /// For any text (any script; no `<`, `&`, `@` or controls, which would be markup, an
        /// entity, an address or a line end) as the subject and body of a MIME or XML item in
        /// UTF-8 or UTF-16, no letter, digit or other non-ASCII character of it survives in the
        /// redacted copy, and the copy keeps its length.
        #[test]
        fn no_letter_of_any_script_survives(t in "[^<>&@\\x00-\\x1f\\x7f-\\x9f]{1,40}", enc in 0..3usize) {
            let items = [
                (Format::Mime, format!("From: a@contoso.com\r\nSubject: {t}\r\n\r\n{t}\r\n")),
                (Format::Xml, format!("<m><t:Subject>{t}</t:Subject><t:Body>{t}</t:Body></m>")),
            ];
            for (format, s) in items {
                let bytes = match enc {
                    0 => s.as_bytes().to_vec(),
                    1 => [&[0xFF, 0xFE][..], &utf16(&s, true)].concat(),
                    _ => [&[0xFE, 0xFF][..], &utf16(&s, false)].concat(),
                };
                let r = redact_item(&bytes, format);
                proptest::prop_assert_eq!(r.len(), bytes.len());
                let d = text::decode(&r, false).expect("text");
                // The template is ASCII: any character outside it that is text came from `t`.
                proptest::prop_assert!(!d.text.chars().any(|c| !c.is_ascii() && masked_char(c)), "{:?} kept in {:?}", t, d.text);
                let subject = match format {
                    Format::Mime => d.text.lines().nth(1).and_then(|l| l.strip_prefix("Subject:")).unwrap_or("?").to_string(),
                    _ => d.text.split("<t:Subject>").nth(1).and_then(|x| x.split("</t:Subject>").next()).unwrap_or("?").to_string(),
                };
                proptest::prop_assert!(!subject.chars().any(|c| c.is_alphanumeric() && c != 'x'), "{:?} became {:?}", t, subject);
                let body = match format {
                    Format::Mime => d.text.split("\r\n\r\n").nth(1).unwrap_or("?").to_string(),
                    _ => d.text.split("<t:Body>").nth(1).and_then(|x| x.split("</t:Body>").next()).unwrap_or("?").to_string(),
                };
                proptest::prop_assert!(!body.chars().any(|c| c.is_alphanumeric() && c != 'x'), "{:?} became {:?}", t, body);
            }
        }
    }
}

/// Review wild4s defect 3: entity-escaped and JSON payloads in log lines.
mod escaped_tests {
    use crate::redact::*;

    /// An escaped payload's subject and body were kept; they are masked as the literal form
    /// is, attributes and the rest of the line kept.
    #[test]
    fn escaped_subjects_and_bodies_are_masked() {
        let l = "CreateItem &lt;t:Subject&gt;ESCSUBJ merger&lt;/t:Subject&gt;&lt;t:Body BodyType=&quot;Text&quot;&gt;ESCBODY friday&lt;/t:Body&gt;&lt;t:ItemClass&gt;IPM.Note&lt;/t:ItemClass&gt; 401";
        let r = mask_content(l);
        assert_eq!(
            r,
            "CreateItem &lt;t:Subject&gt;xxxxxxx xxxxxx&lt;/t:Subject&gt;&lt;t:Body BodyType=&quot;Text&quot;&gt;xxxxxxx xxxxxx&lt;/t:Body&gt;&lt;t:ItemClass&gt;IPM.Note&lt;/t:ItemClass&gt; 401"
        );
        // Self-closing, and an escaped SOAP envelope's body wraps the answer (kept).
        assert_eq!(mask_content("&lt;t:Body/&gt; kept"), "&lt;t:Body/&gt; kept");
        let soap = "&lt;s:Envelope xmlns:s=&quot;http://schemas.xmlsoap.org/soap/envelope/&quot;&gt;&lt;s:Body&gt;&lt;m:CreateItemResponse&gt;&lt;m:ResponseCode&gt;NoError&lt;/m:ResponseCode&gt;";
        assert_eq!(mask_content(soap), soap);
        // Over lines in a document (a tracerpt `<Data>` pretty-printed).
        let doc = "<Data>&lt;Body&gt;first SECRET\nsecond SECRET&lt;/Body&gt; kept</Data>\n";
        assert_eq!(
            redact_xml_lines(doc),
            "<Data>&lt;Body&gt;xxxxx xxxxxx\nxxxxxx xxxxxx&lt;/Body&gt; kept</Data>\n"
        );
    }

    /// A JSON payload's `Subject`, `Body`, `Content` and `BodyPreview` strings were kept; they
    /// are masked (an escaped quote inside included), other keys and values kept.
    #[test]
    fn json_subjects_and_bodies_are_masked() {
        let l = r#"{"Subject":"JSONSUBJ \"q\" merger","Body":{"ContentType":"Text","Content":"JSONBODY friday"},"BodyPreview": "PREV","ItemClass":"IPM.Note","Sub":"kept"}"#;
        assert_eq!(
            mask_content(l),
            r#"{"Subject":"xxxxxxxx \"x\" xxxxxx","Body":{"ContentType":"Text","Content":"xxxxxxxx xxxxxx"},"BodyPreview": "xxxx","ItemClass":"IPM.Note","Sub":"kept"}"#
        );
        // A string cut at the end of the line is masked to the end.
        assert_eq!(
            mask_content(r#"{"subject":"cut off"#),
            r#"{"subject":"xxx xxx"#
        );
    }
}

/// Review wild4s defect 4: markup redaction kept text after a bare `<`, in comments, PIs and
/// DTDs, and after a cut inside a tag or a quoted value.
mod markup_tests {
    use crate::redact::*;

    #[test]
    fn every_place_text_can_hide_in_markup_is_masked() {
        let cases = [
            ("<p>i <3 you SECRETA</p>", "<p>x <x xxx xxxxxxx</p>"),
            (
                "<p>we agreed < 5 SECRETB</p>",
                "<p>xx xxxxxx < x xxxxxxx</p>",
            ),
            ("<!-- > quoted SECRETC -->", "<!-- > xxxxxx xxxxxxx -->"),
            ("<?pi SECRETD?>x", "<?pi xxxxxxx?>x"),
            (
                "<!DOCTYPE m [<!ENTITY e \"SECRETE\">]><m/>",
                "<!DOCTYPE x [<!xxxxxx x \"xxxxxxx\">]><m/>",
            ),
            ("<m Note='SECRETF", "<m xxxx='xxxxxxx"),
            ("<m SECRETG", "<m xxxxxxx"),
            ("<!-- SECRETH", "<!-- xxxxxxx"),
            ("<![CDATA[SECRETI", "<![CDATA[xxxxxxx"),
        ];
        for (x, want) in cases {
            assert_eq!(redact_markup(x), want, "{x}");
        }
        // The XML declaration and a stylesheet PI's target stay; tags stay.
        let d = "<?xml version=\"1.0\" encoding=\"utf-8\"?><a>t</a>";
        assert_eq!(
            redact_markup(d),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><a>x</a>"
        );
    }

    /// A piece of markup holding `w` where text can sit (element text, attribute values,
    /// comments, PIs, DOCTYPE entity values, CDATA, after a bare `<`).
    fn piece(kind: usize, w: &str) -> String {
        match kind {
            0 => format!("<p class=\"{w}\">{w}</p>"),
            1 => format!("<!-- {w} -->"),
            2 => format!("<?pi {w}?>"),
            3 => format!("<!DOCTYPE x [<!ENTITY e \"{w}\">]>"),
            4 => format!("<![CDATA[{w}]]>"),
            5 => format!("i <3 {w}"),
            6 => format!("a < 5 {w} <7{w}"),
            7 => format!("<div title='{w}'><b>{w}</b></div>"),
            _ => format!("{w}<br/>"),
        }
    }

    proptest::proptest! {
        /// Whatever markup is made of these pieces, and wherever the file is cut, no letter
        /// of the private words survives, the length is kept, and redacting again only masks
        /// (a masked `<3` reads as a tag cut at the end, `<x`, whose rest is then masked).
        #[test]
        fn no_text_survives_in_generated_markup(
            parts in proptest::collection::vec((0..9usize, 0..3usize), 1..12),
            cut in 0.0..1.0f64,
        ) {
            let words = ["QZQ", "Z Q", "ЖЗQ"];
            let s: String = parts.iter().map(|&(k, w)| piece(k, words[w])).collect();
            let mut at = (s.len() as f64 * cut) as usize;
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            let s = &s[..at];
            let r = redact_markup(s);
            proptest::prop_assert_eq!(r.len(), s.len());
            proptest::prop_assert!(!r.contains(['Q', 'Z', 'Ж', 'З']), "{:?} became {:?}", s, r);
            let again = redact_markup(&r);
            proptest::prop_assert_eq!(again.len(), r.len());
            proptest::prop_assert!(
                r.bytes().zip(again.bytes()).all(|(a, b)| a == b || b == b'x'),
                "{:?} became {:?}", r, again
            );
        }
    }
}
