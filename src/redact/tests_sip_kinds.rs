//! Review wild9b d03: the body of a logged SIP message is masked in every log kind spoolscope
//! reads (netsh text dump, text log, tracerpt CSV with the message in a quoted field over
//! lines or on one line with escaped breaks, tracerpt XML `<Data>` over lines or with
//! character references), in a bundle's excerpt (`redact_evidence`), in the live view's raw
//! log (`redact_log_lines`) and in a report's or `watch`'s excerpt (`mask_content`); the start
//! line, header names, addresses, status codes and the other records stay.

use super::sip_inline::Closer;
use super::{mask_content, redact_evidence, redact_log_lines, EvidenceText};

fn bundle(text: &str) -> String {
    let got = redact_evidence(text, EvidenceText::Log);
    assert_eq!(got.len(), text.len(), "only letters and digits change");
    got
}

/// The lines of `got` and `text` that differ.
fn changed<'a>(text: &'a str, got: &'a str) -> Vec<(&'a str, &'a str)> {
    text.lines()
        .zip(got.lines())
        .filter(|(a, b)| a != b)
        .collect()
}

const NETSH: &str = "\
[0]0E2C.1A1C::2026-03-02 13:50:00.1234567 [Microsoft-Lync]Sending Packet:\r
[0]0E2C.1A1C::2026-03-02 13:50:01.1234567 [Microsoft-Lync]MESSAGE sip:rlee@contoso.com SIP/2.0\r
From: \"Jo Doe\" <sip:jdoe@contoso.com>;tag=1\r
To: <sip:rlee@contoso.com>\r
Content-Type: text/plain; charset=UTF-8\r
\r
SECRETA the merger closes friday, ask rlee@contoso.com\r
INVITE sip:x@contoso.com SIP/2.0\r
SECRETB 42\r
[0]0E2C.1A1C::2026-03-02 13:50:02.1234567 [Microsoft-Lync]SIP/2.0 200 OK\r
Content-Type: application/sdp\r
\r
v=0\r
[0]0E2C.1A1C::2026-03-03 13:50:03.1234567 [Microsoft-Lync]EWS response HTTP/1.1 401 Unauthorized\r
";

#[test]
fn a_netsh_dump_body_is_masked_to_the_next_record() {
    let got = bundle(NETSH);
    assert!(!got.contains("SECRET") && !got.contains("merger"), "{got}");
    assert_eq!(
        changed(NETSH, &got),
        [
            (
                "SECRETA the merger closes friday, ask rlee@contoso.com",
                "xxxxxxx xxx xxxxxx xxxxxx xxxxxx, xxx rlee@contoso.com"
            ),
            // A start line inside a masked body is body.
            (
                "INVITE sip:x@contoso.com SIP/2.0",
                "xxxxxx xxx:x@contoso.com xxx/x.x"
            ),
            ("SECRETB 42", "xxxxxxx xx"),
        ]
    );
    // The live view's raw log masks the same lines, read from the start or from the middle.
    let lines: Vec<&str> = NETSH.lines().collect();
    let live = redact_log_lines(&lines, true);
    assert_eq!(live.join("\n"), got.lines().collect::<Vec<_>>().join("\n"));
    let mid = redact_log_lines(&lines[7..], false);
    assert_eq!(mid[1], "xxxxxxx xx");
    assert_eq!(mid[2], lines[9]);
}

#[test]
fn a_text_log_body_ends_at_the_next_stamped_line() {
    let log = "2026-03-02 13:50:01.123 INFO Sending: MESSAGE sip:rlee@contoso.com SIP/2.0\n\
               Content-Type: text/html\n\n<p>SECRETA lunch?</p>\nSECRETB\n\
               2026-03-02 13:50:02.456 ERROR EWS response HTTP/1.1 401 Unauthorized\n\
               02/03/2026 13:50:03 after 42\n";
    let got = bundle(log);
    assert!(!got.contains("SECRET") && !got.contains("lunch"), "{got}");
    assert!(got.contains("<x>xxxxxxx xxxxx?</x>\nxxxxxxx\n2026-03-02 13:50:02.456 ERROR EWS response HTTP/1.1 401 Unauthorized\n02/03/2026 13:50:03 after 42\n"), "{got}");
    assert!(got.starts_with("2026-03-02 13:50:01.123 INFO Sending: MESSAGE sip:rlee@contoso.com SIP/2.0\nContent-Type: text/html\n\n"), "{got}");
}

/// In a client log (UccApilog), only its own record lines end a body: an instant message's
/// line that starts with a date is body, though a text log's record would start so.
#[test]
fn a_dated_line_in_a_client_log_body_is_body() {
    let rec = |m: &str| format!("03/02/2026|13:50:01.000 1F68:C14 INFO  :: {m}\r\n");
    let log = rec("Sending Packet:")
        + "MESSAGE sip:a@b.c SIP/2.0\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
           2026-03-05 10:00:00 SECRETA suits me\r\nSECRETB\r\n"
        + &rec("End of Sending Packet");
    let got = bundle(&log);
    assert!(!got.contains("SECRET") && !got.contains("suits"), "{got}");
    assert!(got.ends_with("INFO  :: End of Sending Packet\r\n"), "{got}");
    let lines: Vec<&str> = log.lines().collect();
    assert!(!redact_log_lines(&lines, true).concat().contains("SECRET"));
}

const CSV_HEAD: &str = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\r\n";
const CSV_ROW: &str =
    "Lync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , 134169180600000000, 10, 20, ";

#[test]
fn a_tracerpt_csv_field_over_lines_is_masked_to_its_closing_quote() {
    let csv = format!(
        "{CSV_HEAD}{CSV_ROW}\"MESSAGE sip:rlee@contoso.com SIP/2.0\r\nFrom: \"\"Jo Doe\"\" <sip:jdoe@contoso.com>;tag=1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSECRETA the \"\"merger\"\"\r\nSECRETB friday\", \"kept 42\"\r\n{CSV_ROW}\"EWS SendItem https://mail.contoso.com/EWS/Exchange.asmx\", \"HTTP/1.1 401 Unauthorized\"\r\n"
    );
    let got = bundle(&csv);
    assert!(!got.contains("SECRET") && !got.contains("merger"), "{got}");
    assert_eq!(
        changed(&csv, &got),
        [
            ("SECRETA the \"\"merger\"\"", "xxxxxxx xxx \"\"xxxxxx\"\""),
            (
                "SECRETB friday\", \"kept 42\"",
                "xxxxxxx xxxxxx\", \"kept 42\""
            ),
        ]
    );
}

#[test]
fn a_message_on_one_line_with_escaped_breaks_is_masked_there() {
    let row = format!(
        "{CSV_ROW}\"MESSAGE sip:rlee@contoso.com SIP/2.0\\r\\nFrom: <sip:jdoe@contoso.com>;tag=1\\r\\nContent-Type: text/plain\\r\\n\\r\\nSECRETA ask rlee@contoso.com\", \"kept 42\""
    );
    let want = format!(
        "{CSV_ROW}\"MESSAGE sip:rlee@contoso.com SIP/2.0\\r\\nFrom: <sip:jdoe@contoso.com>;tag=1\\r\\nContent-Type: text/plain\\r\\n\\r\\nxxxxxxx xxx rlee@contoso.com\", \"kept 42\""
    );
    // A report's or watch's excerpt, and a bundle's.
    assert_eq!(mask_content(&row), want);
    assert_eq!(
        bundle(&format!("{CSV_HEAD}{row}\r\n")),
        format!("{CSV_HEAD}{want}\r\n")
    );
    // XML character references, a response, up to the end tag; an SDP body stays.
    let xml = "<Data Name=\"Message\">SIP/2.0 480 Temporarily Unavailable&#13;&#10;Content-Type: text/plain&#13;&#10;&#13;&#10;SECRETB 42</Data></EventData>";
    assert_eq!(
        mask_content(xml),
        "<Data Name=\"Message\">SIP/2.0 480 Temporarily Unavailable&#13;&#10;Content-Type: text/plain&#13;&#10;&#13;&#10;xxxxxxx xx</Data></EventData>"
    );
    let sdp = "x \"INVITE sip:a@b.c SIP/2.0\\nc: application/sdp\\n\\nv=0\"";
    assert_eq!(mask_content(sdp), sdp);
    // No blank line: headers only, nothing masked.
    let head = "SIP/2.0 200 OK\\r\\nCSeq: 1 MESSAGE\\r\\nContent-Length: 0";
    assert_eq!(mask_content(head), head);
}

#[test]
fn a_tracerpt_xml_data_over_lines_is_masked_to_its_end_tag() {
    let ev = "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Lync\"/></System><EventData>";
    let xml = format!(
        "<Events>\n{ev}<Data Name=\"Message\">MESSAGE sip:rlee@contoso.com SIP/2.0\nFrom: &lt;sip:jdoe@contoso.com&gt;;tag=1\nContent-Type: text/plain; charset=UTF-8\n\nSECRETA &lt;3 friday\nSECRETB</Data></EventData></Event>\n{ev}<Data Name=\"Message\">EWS response HTTP/1.1 401 Unauthorized</Data></EventData></Event>\n</Events>\n"
    );
    let got = bundle(&xml);
    assert!(!got.contains("SECRET") && !got.contains("friday"), "{got}");
    assert_eq!(
        changed(&xml, &got),
        [
            ("SECRETA &lt;3 friday", "xxxxxxx &xx;x xxxxxx"),
            (
                "SECRETB</Data></EventData></Event>",
                "xxxxxxx</Data></EventData></Event>"
            ),
        ]
    );
}

/// Only a quote that opens a CSV field, or a start tag right before the start line, closes a
/// message: a quote or an address in brackets elsewhere does not (a `From: "Bob"` header
/// would end it early).
#[test]
fn closers() {
    assert_eq!(Closer::of("Lync, Info, 20, \""), Closer::Quote);
    assert_eq!(Closer::of("\""), Closer::Quote);
    assert_eq!(Closer::of("[Lync]Received \""), Closer::Record);
    assert_eq!(Closer::of("x \"a\" "), Closer::Record);
    assert_eq!(Closer::of("<Data Name=\"Message\">"), Closer::Tag);
    assert_eq!(Closer::of("to <sip:bob@contoso.com> "), Closer::Record);
    assert_eq!(Closer::of("<br/>"), Closer::Record);
    assert_eq!(Closer::Quote.find("a \"\"b\"\" c\", d"), Some(9));
    assert_eq!(Closer::Tag.find("a &lt;b&gt; c</Data>"), Some(13));
    // In a netsh dump, a header with quotes does not end the message.
    let log = "[0]0E2C.1A1C::2026-03-02 13:50:01.1234567 [Lync]Received \"MESSAGE sip:a@b.c SIP/2.0\nFrom: \"Bob\" <sip:b@b.c>\n\nSECRET\n";
    assert!(!bundle(log).contains("SECRET"));
}
