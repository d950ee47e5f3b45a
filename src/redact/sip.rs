//! SIP message bodies in a logged client trace: the text after the blank line that ends a SIP
//! message's headers is the message itself (an instant message for `MESSAGE`), so a bundle's
//! log excerpt masks it, while the start line, the headers, addresses and codes stay.

use super::{mask_content, mask_except_addresses};

/// Where a line sits in a SIP message, reading a log from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not inside a SIP message.
    Outside,
    /// In the headers of a SIP message; `content_type`: its `Content-Type` so far says the body is
    /// text to hide (see [`body_is_text`]), or no `Content-Type` was seen.
    Headers { content_type: Option<bool> },
    /// In the body; `mask`: its lines are masked.
    Body { mask: bool },
}

/// Whether a line is a SIP start line: a request (`MESSAGE sip:bob@… SIP/2.0`) or a response
/// (`SIP/2.0 200 OK`).
fn is_start_line(l: &str) -> bool {
    let l = l.trim();
    if let Some(rest) = l.strip_prefix("SIP/2.0 ") {
        return rest.len() >= 3 && rest.as_bytes()[..3].iter().all(u8::is_ascii_digit);
    }
    let mut parts = l.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase() || b == b'-')
        && !uri.is_empty()
        && version == "SIP/2.0"
}

/// Whether a body of this `Content-Type` value is masked: `text/*` (`text/plain`,
/// `text/html`, `text/rtf`…), `message/*` and `multipart/*` (whose parts can be text) are.
/// Other types (`application/sdp`, `application/…+xml`) are structure and stay, masked only as
/// any log line is ([`mask_content`]).
fn body_is_text(value: &str) -> bool {
    let t = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ["text/", "message/", "multipart/"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// Whether `message` (a line, or the message of a record line) starts a SIP message: a start
/// line on its own, or written as a server CLS / OCSLogger record writes it (`Start-Line:
/// MESSAGE sip:… SIP/2.0`).
fn starts_message(message: &str) -> bool {
    let t = message.trim_start();
    match t.split_once(':') {
        Some((name, rest)) if name.eq_ignore_ascii_case("start-line") => is_start_line(rest),
        _ => is_start_line(t),
    }
}

/// The line that starts a record of a log spoolscope knows, with the part of it that could be
/// a SIP start line or an `End of …` line: a UccApilog record line (its message), a server CLS /
/// OCSLogger record header or the `$$end_record` line that closes a multi-line record (`""`).
pub(super) fn record_line(l: &str) -> Option<&str> {
    if let Some(h) = crate::parse::logs::uccapilog::header(l) {
        return Some(h.message);
    }
    (l.trim() == "$$end_record" || crate::parse::logs::cls::header(l).is_some()).then_some("")
}

/// Redact a log for a bundle excerpt: each line as [`mask_content`] masks it, and the body of
/// every SIP message whose `Content-Type` is a text, message or multipart type (or that has
/// no `Content-Type`) masked but for its addresses. A SIP message starts at its start line
/// (on a record line, after the record's header, on a line of its own, or as a CLS record's
/// `Start-Line:`); its headers run to the first blank line (or to a CLS record's
/// `Message-Body:` line, whose value is the body), its body from there to the next record line
/// of the log (`record` says which lines start a record). In a log with no record line at
/// all, a line starting with `End of ` also ends the body; in one with record lines only a
/// record line does (an instant message's line may well start with `End of `). Only letters
/// and digits change, so the lines stay where they were.
pub fn redact_log(text: &str, record: impl Fn(&str) -> Option<&str>) -> String {
    let bare_end = !text
        .split('\n')
        .any(|l| record(l.trim_end_matches('\r')).is_some());
    redact_lines(text.split_inclusive('\n'), State::Outside, bare_end, record).concat()
}

/// [`redact_log`] for a log's lines (a line may keep its line end or not), read in order from
/// `st`; one redacted line for each. `bare_end`: a line starting with `End of ` ends a body
/// though it is no record line.
fn redact_lines<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    mut st: State,
    bare_end: bool,
    record: impl Fn(&str) -> Option<&str>,
) -> Vec<String> {
    let mut all = Vec::new();
    for line in lines {
        let bare = line.trim_end_matches(['\r', '\n']);
        // The part of the line that could be a SIP start line or an `End of …` line.
        let (message, is_record) = match record(bare) {
            Some(m) => {
                st = State::Outside;
                (m, true)
            }
            None => (bare, false),
        };
        let in_body = matches!(st, State::Body { .. });
        if message.trim_start().starts_with("End of ") && (is_record || bare_end || !in_body) {
            st = State::Outside;
        } else if starts_message(message) {
            st = State::Headers { content_type: None };
        } else {
            match st {
                State::Body { mask: true } => {
                    all.push(mask_except_addresses(line));
                    continue;
                }
                State::Headers { content_type } if bare.trim().is_empty() => {
                    st = State::Body {
                        mask: content_type.unwrap_or(true),
                    };
                }
                State::Headers { content_type } => {
                    if let Some((name, value)) = line.split_once(':') {
                        let name = name.trim();
                        if name.eq_ignore_ascii_case("content-type")
                            || name.eq_ignore_ascii_case("c")
                        {
                            st = State::Headers {
                                content_type: Some(body_is_text(value)),
                            };
                        } else if name.eq_ignore_ascii_case("message-body") {
                            // A CLS record writes the body on this line (and the lines after
                            // it, up to `$$end_record`).
                            let mask = content_type.unwrap_or(true);
                            st = State::Body { mask };
                            if mask {
                                let colon = line.len() - value.len();
                                all.push(format!(
                                    "{}{}",
                                    &line[..colon],
                                    mask_except_addresses(value)
                                ));
                                continue;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        all.push(mask_content(line).into_owned());
    }
    all
}

/// `redact_log` for consecutive lines of a log (`record_line` says which lines start a
/// record), one redacted line for each. `from_start`: the first line is the file's first. If
/// not, and a record line comes later, the lines before it belong to a record whose start was
/// not read: they could be the body of a SIP message, so they are masked but for their
/// addresses. Lines of a file with no record line among them are masked as any log line is.
pub fn redact_log_lines(lines: &[&str], from_start: bool) -> Vec<String> {
    let any_record = lines.iter().any(|l| record_line(l).is_some());
    let st = if !from_start && any_record {
        State::Body { mask: true }
    } else {
        State::Outside
    };
    redact_lines(lines.iter().copied(), st, !any_record, record_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record line: `…INFO  :: <message>` (the test's own simple shape).
    fn record(l: &str) -> Option<&str> {
        l.starts_with("03/02/2026|")
            .then(|| l.split_once(":: ").map_or("", |(_, m)| m))
    }

    const LOG: &str = "\
03/02/2026|13:50:01.000 1F68:C14 INFO  :: Sending Packet - 10.0.0.1:5061 (From Local Address: 10.0.0.2:5062) 300 bytes:\r
MESSAGE sip:rlee@contoso.com SIP/2.0\r
From: <sip:jdoe@contoso.com>;tag=1\r
To: <sip:rlee@contoso.com>\r
Call-ID: abc\r
CSeq: 1 MESSAGE\r
Content-Type: text/plain; charset=UTF-8\r
\r
QUUXSECRET the merger closes friday, ask rlee@contoso.com\r
second line 42\r
03/02/2026|13:50:01.000 1F68:C14 INFO  :: End of Sending Packet - 10.0.0.1:5061\r
03/02/2026|13:50:02.000 1F68:C14 INFO  :: after the block 42\r
";

    /// Review defect 6: the text of a logged SIP MESSAGE is masked (addresses kept); the
    /// record lines, the start line and the headers stay as they were.
    #[test]
    fn a_text_body_is_masked_and_the_rest_stays() {
        let got = redact_log(LOG, record);
        assert_eq!(got.len(), LOG.len());
        let lines: Vec<&str> = got.lines().collect();
        let want: Vec<&str> = LOG.lines().collect();
        assert_eq!(
            lines[8],
            "xxxxxxxxxx xxx xxxxxx xxxxxx xxxxxx, xxx rlee@contoso.com"
        );
        assert_eq!(lines[9], "xxxxxx xxxx xx");
        for i in (0..8).chain(10..12) {
            assert_eq!(lines[i], want[i], "line {i}");
        }
    }

    /// The body ends at the next record line when no `End of` line comes; a second message
    /// in the log is read afresh.
    #[test]
    fn a_body_ends_at_the_next_record() {
        let log = "03/02/2026|x INFO  :: MESSAGE sip:a@b.c SIP/2.0\nContent-Type: text/html\n\n\
                   <p>lunch?</p>\n03/02/2026|x INFO  :: kept words\nnot a body\n";
        let got = redact_log(log, record);
        assert!(got.contains("<x>xxxxx?</x>\n"), "{got}");
        assert!(got.contains("kept words\nnot a body\n"), "{got}");
    }

    /// Review wild8b d13: a line of the body starting with `End of ` does not end it in a log
    /// with record lines (only the record line `End of Sending Packet` does); in a log with
    /// none, a bare `End of ` line still ends the body.
    #[test]
    fn an_end_of_line_in_a_body_is_body() {
        let log = "03/02/2026|x INFO  :: MESSAGE sip:a@b.c SIP/2.0\nContent-Type: text/plain\n\n\
                   hi\nEnd of day update: SECRETA\nSECRETB\n\
                   03/02/2026|x INFO  :: End of Sending Packet\nafter 42\n";
        let got = redact_log(log, record);
        assert!(!got.contains("SECRET"), "{got}");
        assert!(
            got.contains("xxx xx xxx xxxxxx: xxxxxxx\nxxxxxxx\n"),
            "{got}"
        );
        assert!(got.ends_with("End of Sending Packet\nafter 42\n"), "{got}");
        let bare = "MESSAGE sip:a@b.c SIP/2.0\nContent-Type: text/plain\n\nhi\nEnd of x\nkept 42\n";
        assert!(redact_log(bare, |_| None).ends_with("\nxx\nEnd of x\nkept 42\n"));
    }

    /// Review wild8b d05: a server CLS / OCSLogger protocol record writes the SIP message as
    /// `Start-Line:`, headers and `Message-Body:`; a text body is masked (addresses kept) on
    /// that line and the lines after it up to `$$end_record`; an SDP body stays.
    #[test]
    fn a_cls_record_body_is_masked() {
        let head = "TL_INFO(TF_PROTOCOL) [fe01\\fe01]0B60.0D6C::03/02/2026-13:50:40.025.00005601 \
                    (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125)) [1] $$begin_record\n";
        let rec = |ct: &str| {
            format!(
                "{head}Direction: incoming\nStart-Line: MESSAGE sip:rlee@contoso.com SIP/2.0\n\
                 From: <sip:jdoe@contoso.com>;tag=1\nContent-Type: {ct}\n\
                 Message-Body: SECRETA ask rlee@contoso.com\nSECRETB\n$$end_record\n\
                 {head}Text: kept 42\n"
            )
        };
        let text = rec("text/plain; charset=UTF-8");
        let got = redact_log(&text, record_line);
        assert_eq!(got.len(), text.len());
        assert!(
            got.contains("\nMessage-Body: xxxxxxx xxx rlee@contoso.com\nxxxxxxx\n$$end_record\n"),
            "{got}"
        );
        assert!(got.contains("Start-Line: MESSAGE sip:rlee@contoso.com SIP/2.0\n"));
        assert!(got.ends_with("Text: kept 42\n"), "{got}");
        let lines: Vec<&str> = text.lines().collect();
        let live = redact_log_lines(&lines, true);
        assert!(!live.concat().contains("SECRET"), "{live:?}");
        let sdp = rec("application/sdp");
        assert_eq!(redact_log(&sdp, record_line), sdp);
    }

    /// Review wild8b d01: the base64 `ms-body=` parameter of `Ms-Text-Format` (the first
    /// instant message of a conversation) is masked in a header, and in any log line.
    #[test]
    fn ms_body_is_masked() {
        let log = "INVITE sip:a@b.c SIP/2.0\nMs-Text-Format: text/plain; charset=UTF-8;msgr=WAAt;\
                   ms-body=UExBTlRFRCBtZXJnZXI=\nContent-Type: application/sdp\n\nv=0\n";
        let got = redact_log(log, |_| None);
        assert!(
            got.contains(";msgr=WAAt;ms-body=xxxxxxxxxxxxxxxxxxx=\n"),
            "{got}"
        );
        assert!(got.ends_with("application/sdp\n\nv=0\n"), "{got}");
        assert_eq!(
            mask_content("x Ms-IM-Format: text/plain;MS-Body = QUJD;next=1"),
            "x Ms-IM-Format: text/plain;MS-Body = xxxx;next=1"
        );
    }

    /// SDP and other application bodies keep their structure; a body with no Content-Type is
    /// masked (it may be text); `c:` is the compact form of Content-Type.
    #[test]
    fn content_types_decide() {
        let sdp = "INVITE sip:a@b.c SIP/2.0\nContent-Type: application/sdp\n\nv=0\nm=audio 5062 RTP/AVP 0\n";
        assert_eq!(redact_log(sdp, |_| None), sdp);
        let none = "SIP/2.0 200 OK\nCSeq: 1 MESSAGE\n\nhello there\n";
        assert!(redact_log(none, |_| None).ends_with("\nxxxxx xxxxx\n"));
        let compact = "MESSAGE sip:a@b.c SIP/2.0\nc: message/cpim\n\nhi\n";
        assert!(redact_log(compact, |_| None).ends_with("\n\nxx\n"));
        let multi = "MESSAGE sip:a@b.c SIP/2.0\nContent-Type: multipart/alternative;boundary=x\n\n--x\nhi\n";
        assert!(redact_log(multi, |_| None).ends_with("\n\n--x\nxx\n"));
    }

    /// Lines read from the middle of a client log: those before the first record line may be
    /// a SIP body whose start line was not read, so they are masked but for addresses; read
    /// from the start, or in a file with no record line, they are masked as log lines are.
    #[test]
    fn lines_from_the_middle_of_a_log() {
        let lines = [
            "IMSECRET friday a@contoso.com",
            "03/02/2026|13:50:02.000 1F68:C14 INFO  :: kept words",
            "kept too",
        ];
        let got = redact_log_lines(&lines, false);
        assert_eq!(got[0], "xxxxxxxx xxxxxx a@contoso.com");
        assert_eq!(got[1..], lines[1..]);
        assert_eq!(redact_log_lines(&lines, true), lines);
        assert_eq!(redact_log_lines(&lines[..1], false), lines[..1]);
    }

    /// Lines that only look a bit like a start line do not open a message.
    #[test]
    fn start_lines() {
        assert!(is_start_line("MESSAGE sip:rlee@contoso.com SIP/2.0"));
        assert!(is_start_line("SIP/2.0 480 Temporarily Unavailable"));
        assert!(!is_start_line("SIP/2.0 OK"));
        assert!(!is_start_line("message sip:a SIP/2.0"));
        assert!(!is_start_line("POST https://x/EWS/Exchange.asmx HTTP/1.1"));
    }
}
