//! SIP message bodies in a logged client trace: the text after the blank line that ends a SIP
//! message's headers is the message itself (an instant message for `MESSAGE`), so a bundle's
//! log excerpt masks it, while the start line, the headers, addresses and codes stay.

use super::sip_inline::{body_is_text, content_type, find_start, Closer};
use super::{mask_content, mask_except_addresses};

/// Where a line sits in a SIP message, reading a log from its start. `closer`: what ends the
/// message besides the next record line (the close of the CSV field or XML element it sits in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not inside a SIP message.
    Outside,
    /// In the headers of a SIP message; `content_type`: its `Content-Type` so far says the body is
    /// text to hide (see [`body_is_text`]), or no `Content-Type` was seen.
    Headers {
        content_type: Option<bool>,
        closer: Closer,
    },
    /// In the body; `mask`: its lines are masked.
    Body { mask: bool, closer: Closer },
}

/// Whether a line is a SIP start line on its own: a request (`MESSAGE sip:bob@… SIP/2.0`) or a
/// response (`SIP/2.0 200 OK`).
#[cfg(test)]
fn is_start_line(l: &str) -> bool {
    let l = l.trim();
    find_start(l) == Some(0) && !l.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Where a SIP message starts in `message` (a line, or the message of a record line): the start
/// line after any prefix ([`find_start`]: a UccApilog message, a server CLS / OCSLogger record's
/// `Start-Line: MESSAGE sip:… SIP/2.0`, a netsh dump's `[Provider]MESSAGE …`, the opening quote
/// of a CSV field, an XML `<Data>` tag), with what closes the message on a later line.
fn starts_message(message: &str) -> Option<Closer> {
    find_start(message).map(|at| Closer::of(&message[..at]))
}

/// The line that starts a record of a log spoolscope knows, with the part of it that could be
/// a SIP start line or an `End of …` line: a UccApilog record line (its message), a server CLS /
/// OCSLogger record header or the `$$end_record` line that closes a multi-line record (`""`),
/// or a netsh text dump's line (`[0]0E2C.1A1C::…`: what follows the prefix). See
/// [`stamped_line`] for text logs. A tracerpt CSV row or XML event is no record line: a message
/// there ends where its field or element closes.
pub(super) fn record_line(l: &str) -> Option<&str> {
    if let Some(h) = crate::parse::logs::uccapilog::header(l) {
        return Some(h.message);
    }
    if l.trim() == "$$end_record" || crate::parse::logs::cls::header(l).is_some() {
        return Some("");
    }
    crate::parse::logs::textlog::netsh_prefix(l).map(|(_, _, rest)| rest)
}

/// A text log's record line: one that starts with a date and time of a common shape (the whole
/// line). Only in a log with no UccApilog or CLS record line ([`record_of`]): there an instant
/// message's line that starts with a date is body. A text log written with
/// `--log-time-format` in another shape has none: a body in it runs on to an `End of ` line or
/// the end (masked, the cautious side).
fn stamped_line(l: &str) -> Option<&str> {
    use crate::parse::logs::textlog;
    let stamped = |formats| textlog::leading_stamp_read(l, formats, true).is_some();
    (l.starts_with(|c: char| c.is_ascii_digit())
        && (stamped(textlog::DEFAULT_FORMATS) || stamped(textlog::DAY_FIRST_FORMATS)))
    .then_some(l)
}

/// Which lines of a log of these lines start a record: [`record_line`]'s, and
/// [`stamped_line`]'s unless a UccApilog or CLS record line is among them.
fn record_of<'a>(mut lines: impl Iterator<Item = &'a str>) -> fn(&str) -> Option<&str> {
    let strict = lines.any(|l| {
        crate::parse::logs::uccapilog::header(l).is_some()
            || crate::parse::logs::cls::header(l).is_some()
    });
    if strict {
        record_line
    } else {
        |l| record_line(l).or_else(|| stamped_line(l))
    }
}

/// [`redact_log`] with the record lines of the log kinds spoolscope reads ([`record_of`]).
pub(super) fn redact_known_log(text: &str) -> String {
    let record = record_of(text.split('\n').map(|l| l.trim_end_matches('\r')));
    redact_log(text, record)
}

/// Redact a log for a bundle excerpt: each line as [`mask_content`] masks it, and the body of
/// every SIP message whose `Content-Type` is a text, message or multipart type (or that has
/// no `Content-Type`) masked but for its addresses. A SIP message starts at its start line
/// (after a record's prefix or any other text on its line, or on a line of its own, or as a CLS
/// record's `Start-Line:`); its headers run to the first blank line (or to a CLS record's
/// `Message-Body:` line, whose value is the body), its body from there to the next record line
/// of the log (`record` says which lines start a record), or, for a message in a quoted CSV
/// field or an XML element's text, to where that closes. In a log with no record line at
/// all, a line starting with `End of ` also ends the body; in one with record lines only a
/// record line does (an instant message's line may well start with `End of `). Inside a masked
/// body, a start line that is no record line is body too. A message written on one line with
/// its line breaks escaped is masked on that line ([`mask_content`]). Only letters and digits
/// change, so the lines stay where they were.
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
        // A message in a CSV field or an XML element ends where that closes.
        let closer = match st {
            State::Headers { closer, .. } | State::Body { closer, .. } => closer,
            State::Outside => Closer::Record,
        };
        if let Some(end) = closer.find(line) {
            let masked = matches!(st, State::Body { mask: true, .. });
            st = State::Outside;
            if masked {
                all.push(format!(
                    "{}{}",
                    mask_except_addresses(&line[..end]),
                    mask_content(&line[end..])
                ));
                continue;
            }
            all.push(mask_content(line).into_owned());
            continue;
        }
        let in_body = matches!(st, State::Body { .. });
        let masking = matches!(st, State::Body { mask: true, .. });
        let start = if masking && !is_record {
            None
        } else {
            starts_message(message)
        };
        if message.trim_start().starts_with("End of ") && (is_record || bare_end || !in_body) {
            st = State::Outside;
        } else if let Some(closer) = start {
            st = State::Headers {
                content_type: None,
                closer,
            };
        } else {
            match st {
                State::Body { mask: true, .. } => {
                    all.push(mask_except_addresses(line));
                    continue;
                }
                State::Headers {
                    content_type,
                    closer,
                } if bare.trim().is_empty() => {
                    st = State::Body {
                        mask: content_type.unwrap_or(true),
                        closer,
                    };
                }
                State::Headers {
                    content_type: seen,
                    closer,
                } => {
                    if let Some(value) = content_type(line) {
                        st = State::Headers {
                            content_type: Some(body_is_text(value)),
                            closer,
                        };
                    } else if let Some((name, value)) = line.split_once(':') {
                        if name.trim().eq_ignore_ascii_case("message-body") {
                            // A CLS record writes the body on this line (and the lines after
                            // it, up to `$$end_record`).
                            let mask = seen.unwrap_or(true);
                            st = State::Body { mask, closer };
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
    let record_line = record_of(lines.iter().copied());
    let any_record = lines.iter().any(|l| record_line(l).is_some());
    let st = if !from_start && any_record {
        State::Body {
            mask: true,
            closer: Closer::Record,
        }
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
