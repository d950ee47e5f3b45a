//! `tracerpt file.etl -of XML` output, read as a stream (quick-xml, no DTD, no entity expansion
//! beyond the XML built-ins): `<Events><Event><System>…</System><EventData><Data Name=…>…`.
//! Elements and attributes are matched by local name, so a copy whose elements carry a
//! namespace prefix (`<e:Events><e:Event>…`) reads the same.
//! Each `<Event>` is one record; one with `<ProcessingErrorData>` is counted as undecoded.
//! A file cut short keeps every event read before the cut and says where it ended.

use super::common::{emit, LogOutput, ParseOptions};
use crate::parse::markers::{Classifier, Record};
use chrono::{DateTime, FixedOffset};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Read};
use std::path::Path;

/// The namespace of tracerpt's `<Event>` elements.
pub const EVENT_NS: &str = "schemas.microsoft.com/win/2004/08/events/event";

/// Whether `head` (the first decoded text of a file) starts tracerpt XML whose elements carry
/// a namespace prefix (`<e:Events xmlns:e="…"><e:Event><e:System>…`), matched by local name:
/// the first element is `Events` or `Event` with a prefix, an `Event` element is there (it may
/// be the first), and so is a `System` element or the events namespace.
pub fn sniff_prefixed(head: &str) -> bool {
    let mut r = quick_xml::Reader::from_str(head);
    let (mut root, mut event, mut system) = (false, false, false);
    // A plain `<Events>` root counts only around a prefixed `Event`.
    let (mut plain_root, mut prefixed_event) = (false, false);
    // The first elements are enough (the head is a few KiB; a cut at its end is an error).
    for _ in 0..512 {
        match r.read_event() {
            Ok(Event::Start(b)) | Ok(Event::Empty(b)) => {
                let local = b.local_name();
                let l = local.as_ref();
                if !root {
                    // A prefixed `Events` or `Event`, or a plain `<Events>` wrapper around
                    // prefixed events.
                    let plain = b.name().prefix().is_none();
                    let fits = if plain {
                        l == b"Events"
                    } else {
                        l == b"Events" || l == b"Event"
                    };
                    if !fits {
                        return false;
                    }
                    root = true;
                    plain_root = plain;
                }
                event |= l == b"Event";
                prefixed_event |= l == b"Event" && b.name().prefix().is_some();
                system |= l == b"System";
                if event && system && (prefixed_event || !plain_root) {
                    break;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    root && event && (system || head.contains(EVENT_NS)) && (prefixed_event || !plain_root)
}

/// One `<Event>` being read.
#[derive(Default)]
struct Ev {
    line: u64,
    provider: String,
    event_id: String,
    level: String,
    time: String,
    tid: String,
    pid: String,
    /// (line, name, value) for `EventData/Data`, `UserData/*` and the rendered message.
    data: Vec<(u64, String, String)>,
    data_name: Option<(u64, String)>,
    undecoded: bool,
}

fn raw<'a>(e: &'a Event<'_>) -> &'a [u8] {
    match e {
        Event::Start(b) | Event::Empty(b) => b,
        Event::End(b) => b,
        Event::Text(b) => b,
        Event::CData(b) => b,
        Event::Comment(b) => b,
        Event::Decl(b) => b,
        Event::PI(b) => b,
        Event::DocType(b) => b,
        Event::GeneralRef(b) => b,
        Event::Eof => &[],
    }
}

fn attrs(b: &BytesStart<'_>) -> Vec<(String, String)> {
    crate::parse::xml::attributes(b)
        .flatten()
        .map(|a| {
            let k = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (k, v)
        })
        .collect()
}

fn level_word(l: &str) -> Option<String> {
    Some(
        match l.trim() {
            "1" => "CRITICAL",
            "2" => "ERROR",
            "3" => "WARN",
            "4" => "INFO",
            "5" => "VERBOSE",
            "" => return None,
            other => other,
        }
        .to_string(),
    )
}

/// `TimeCreated/@SystemTime`: with its offset when it has one, else in the log zone. `None`
/// when it cannot be read, or when it lies outside the range a tracerpt CSV's Clock-Time is
/// taken as a time in ([`super::tracerpt_csv::plausible`]: 2000 to 2100), so both conversions
/// of one trace agree; a zero FILETIME is written as `1601-01-01T00:00:00…Z`.
pub fn system_time(s: &str, opts: &ParseOptions<'_>) -> Option<DateTime<FixedOffset>> {
    // `±HHMM` (no colon) and nine fraction digits are what tracerpt writes: see `stamp`.
    crate::parse::stamp::iso(s)?
        .instant(|t| opts.tz.resolve(t))
        .filter(|t| super::tracerpt_csv::plausible(t.with_timezone(&chrono::Utc)))
}

/// Said when a SystemTime lies outside that range.
pub const IMPLAUSIBLE: &str = "some SystemTime values lie outside 2000-2100 (1601-01-01 is a zero FILETIME): those records have no time (counted in bad_times)";

fn finish(
    ev: Ev,
    c: &mut Classifier<'_>,
    rec: &mut Record,
    hits: &mut Vec<crate::parse::markers::Hit>,
    path: &Path,
    opts: &ParseOptions<'_>,
    out: &mut LogOutput,
) {
    out.records += 1;
    if ev.undecoded {
        out.undecoded += 1;
    }
    rec.clear();
    rec.time = system_time(&ev.time, opts);
    if rec.time.is_none() && !ev.time.is_empty() {
        out.bad_times += 1;
        if crate::parse::stamp::iso(&ev.time).is_some() {
            out.note(IMPLAUSIBLE);
        }
    }
    out.see_time(rec.time);
    rec.level = level_word(&ev.level);
    rec.thread = (!ev.tid.is_empty()).then(|| format!("{}:{}", ev.pid, ev.tid));
    let mut head = format!("[{}] event {}", ev.provider, ev.event_id);
    if ev.undecoded {
        head.push_str(" (not decoded by tracerpt)");
    }
    rec.push(ev.line, &head);
    for (l, n, v) in &ev.data {
        if n.is_empty() {
            rec.push(*l, v);
        } else {
            rec.push(*l, &format!("{n}={v}"));
        }
    }
    emit(c, rec, hits, path, opts, out);
    if ev.undecoded {
        let label = super::etl::UNDECODED;
        for e in out.record_events() {
            e.excerpt.push_str(&format!(" · {label}"));
            e.values.insert("decoding".into(), label.into());
        }
    }
}

/// The text of an element inside an event: where it goes by the element's name.
fn take_text(cur: &mut Ev, stack: &[String], in_user: bool, at: u64, text: &str) {
    let top = stack.last().map(String::as_str).unwrap_or("");
    match top {
        "EventID" => cur.event_id = text.to_string(),
        "Level" if !in_user => cur.level = text.to_string(),
        "Data" => {
            let (l, n) = cur.data_name.clone().unwrap_or((at, String::new()));
            cur.data.push((l, n, text.to_string()));
        }
        "Message" => cur.data.push((at, String::new(), text.to_string())),
        // Undecoded (no manifest or TMF): the payload's strings and HRESULT candidates, as a
        // native `.etl` read gives them.
        "EventPayload" => cur.data.extend(
            super::etl::payload_lines(text)
                .into_iter()
                .map(|l| (at, String::new(), l)),
        ),
        "ErrorCode" => {}
        other if in_user => cur.data.push((at, other.to_string(), text.to_string())),
        _ => {}
    }
}

pub fn parse<R: Read>(r: R, path: &Path, opts: &ParseOptions<'_>) -> LogOutput {
    let mut out = LogOutput::bounded(opts.bound);
    let mut c = Classifier::new(opts.markers);
    let mut rec = Record::default();
    let mut hits = Vec::new();
    // Each text node kept to 64 KiB: quick-xml reads one whole (see `xmlcap`).
    let capped = super::xmlcap::CapText::new(r, Some(opts.markers.cut_probe()));
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, capped));
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut line: u64 = 1;
    let mut stack: Vec<String> = Vec::new();
    // How many `UserData` elements `stack` holds (kept, not searched for: deep nesting with
    // text between the tags would make a search per text node quadratic).
    let mut user_data = 0usize;
    let mut ev: Option<Ev> = None;
    let mut pending = crate::parse::xml::TextBuf::default();
    let mut pending_at = line;
    // The line a cut node's unread marker text was in (see below).
    let mut hit_line: Option<u64> = None;
    loop {
        buf.clear();
        // Lines as in the file: with the newlines of the text dropped before this point.
        let pos = reader.buffer_position();
        let cap = reader.get_ref().get_ref();
        let at = line + cap.newlines_dropped_before(pos);
        let e = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(err) => {
                out.problems.push(format!(
                    "XML malformed or cut short near line {at}: {}",
                    err.to_string().replace('\n', " ")
                ));
                break;
            }
        };
        line += memchr::memchr_iter(b'\n', raw(&e)).count() as u64;
        if hit_line.is_none() {
            let cap = reader.get_ref().get_ref();
            if cap.hit_at.is_some_and(|h| h <= reader.buffer_position()) {
                hit_line = Some(at);
            }
        }
        match &e {
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) if pending.is_empty() => {
                pending_at = at;
            }
            _ => {}
        }
        match &e {
            Event::Text(t) => pending.push_text(t),
            Event::GeneralRef(r) => pending.push_ref(r),
            // A message in `<![CDATA[…]]>` is text as any other (a tool that wrote the XML may
            // wrap messages holding `<` that way).
            Event::CData(c) => pending.push_cdata(c),
            Event::Comment(_) | Event::PI(_) => {}
            _ => {
                if let (Some(cur), Some(t)) = (ev.as_mut(), pending.take()) {
                    take_text(cur, &stack, user_data > 0, pending_at, &t);
                }
            }
        }
        match &e {
            Event::Start(b) | Event::Empty(b) => {
                let name = String::from_utf8_lossy(b.local_name().as_ref()).into_owned();
                let empty = matches!(e, Event::Empty(_));
                if name == "Event" && ev.is_none() {
                    ev = Some(Ev {
                        line: at,
                        ..Ev::default()
                    });
                } else if let Some(cur) = ev.as_mut() {
                    match name.as_str() {
                        "Provider" => {
                            for (k, v) in attrs(b) {
                                if k == "Name" || (k == "Guid" && cur.provider.is_empty()) {
                                    cur.provider = v;
                                }
                            }
                        }
                        "TimeCreated" => {
                            for (k, v) in attrs(b) {
                                if k == "SystemTime" {
                                    cur.time = v;
                                }
                            }
                        }
                        "Execution" => {
                            for (k, v) in attrs(b) {
                                match k.as_str() {
                                    "ProcessID" => cur.pid = v,
                                    "ThreadID" => cur.tid = v,
                                    _ => {}
                                }
                            }
                        }
                        "Data" => {
                            let n = attrs(b)
                                .into_iter()
                                .find(|(k, _)| k == "Name")
                                .map(|(_, v)| v)
                                .unwrap_or_default();
                            if !empty {
                                cur.data_name = Some((at, n));
                            }
                        }
                        "ProcessingErrorData" => cur.undecoded = true,
                        _ => {}
                    }
                }
                if !empty {
                    user_data += usize::from(name == "UserData");
                    stack.push(name);
                } else if name == "Event" {
                    if let Some(done) = ev.take() {
                        finish(done, &mut c, &mut rec, &mut hits, path, opts, &mut out);
                    }
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                user_data -= usize::from(name == "UserData" && user_data > 0);
                if name == "Event" {
                    if let Some(done) = ev.take() {
                        finish(done, &mut c, &mut rec, &mut hits, path, opts, &mut out);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(partial) = ev.take() {
        out.problems.push(format!(
            "the last event (line {}) is cut short: the file ends inside it",
            partial.line
        ));
        finish(partial, &mut c, &mut rec, &mut hits, path, opts, &mut out);
    } else if !stack.is_empty() && out.problems.is_empty() {
        // The innermost few names: a 200 000-deep document must not make a 1 MB message.
        let shown: Vec<&str> = stack
            .iter()
            .rev()
            .take(8)
            .rev()
            .map(String::as_str)
            .collect();
        out.problems.push(format!(
            "XML ends early: <{}{}> is never closed",
            if stack.len() > shown.len() {
                "…/"
            } else {
                ""
            },
            shown.join("/")
        ));
    }
    let cap = reader.get_ref().get_ref();
    out.lines = line + cap.newlines_dropped_before(u64::MAX);
    if cap.cut_nodes > 0 {
        out.truncated_lines += cap.cut_nodes;
        out.note(&format!(
            "{} XML text node{} longer than {} KiB: the rest of each not read",
            cap.cut_nodes,
            if cap.cut_nodes == 1 { "" } else { "s" },
            super::xmlcap::TEXT_CAP / 1024
        ));
    }
    if let Some(at) = hit_line.or(cap.hit_at.map(|_| line)) {
        out.problems.push(format!(
            "line {at}: the part of an XML text node past its first {} KiB holds text a marker looks for; that part is not read",
            super::xmlcap::TEXT_CAP / 1024
        ));
        out.part_unread = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, SourceKind};
    use crate::parse::logs::{parse_log, ParseOptions};
    use crate::parse::markers::Markers;

    /// The duplicate-attribute check is off: a repeated name is read, not turned into an
    /// error (the check is quadratic in the attribute count).
    #[test]
    fn repeated_attributes_are_read_without_the_duplicate_check() {
        let b = BytesStart::from_content(r#"Data Name="a" Name="b" Other="&amp;""#, 4);
        assert_eq!(
            attrs(&b),
            vec![
                ("Name".to_string(), "a".to_string()),
                ("Name".to_string(), "b".to_string()),
                ("Other".to_string(), "&".to_string()),
            ]
        );
    }

    pub const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System>
  <Provider Name="Lync" Guid="{0000}"/>
  <EventID>10</EventID>
  <Level>2</Level>
  <TimeCreated SystemTime="2026-03-02T09:41:00.981000000-05:00"/>
  <Execution ProcessID="8040" ThreadID="3092"/>
 </System>
 <EventData>
  <Data Name="Url">https://mail.contoso.com/EWS/Exchange.asmx</Data>
  <Data Name="Result">HTTP/1.1 401 Unauthorized</Data>
 </EventData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Guid="{1111}"/><EventID>0</EventID><TimeCreated SystemTime="2026-03-02T09:41:01.000000000-05:00"/></System>
 <ProcessingErrorData><ErrorCode>15005</ErrorCode><DataItemName></DataItemName><EventPayload>0A0B0C</EventPayload></ProcessingErrorData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Name="Lync"/><TimeCreated SystemTime="2026-03-02T09:42:00Z"/></System>
 <EventData><Data Name="Msg">lost 401 packets &amp; 4017 bytes</Data></EventData>
 <RenderingInfo Culture="en-US"><Message>Policy &lt;property name="EnableIMAutoArchiving"&gt;false&lt;/property&gt;</Message></RenderingInfo>
</Event>
</Events>
"#;

    fn run(s: &[u8]) -> LogOutput {
        let m = Markers::builtin().expect("m");
        let opts = ParseOptions::utc(&m);
        parse_log(s, SourceKind::TracerptXml, Path::new("t.xml"), &opts).expect("parse")
    }

    /// A zero FILETIME (1601-01-01) or a time past 2100 is no time, as in a tracerpt CSV.
    #[test]
    fn a_zero_system_time_is_no_time() {
        let ev = |t: &str| {
            format!("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Lync\"/><EventID>0</EventID><Level>4</Level><TimeCreated SystemTime=\"{t}\"/></System><EventData><Data Name=\"Message\">startup</Data></EventData></Event>\n")
        };
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n{}{}{}</Events>\n",
            ev("1601-01-01T00:00:00.000000000Z"),
            ev("2026-03-02T09:41:00.4230000Z"),
            ev("2150-01-01T00:00:00Z"),
        );
        let o = run(doc.as_bytes());
        assert_eq!((o.records, o.bad_times), (3, 2));
        let rfc = |t: Option<DateTime<FixedOffset>>| t.map(|t| t.to_rfc3339());
        assert_eq!(rfc(o.first), Some("2026-03-02T09:41:00.423+00:00".into()));
        assert_eq!(rfc(o.last), rfc(o.first));
        assert!(o.notes.iter().any(|n| n == IMPLAUSIBLE), "{:?}", o.notes);
    }

    #[test]
    fn events_offsets_and_undecoded() {
        let o = run(SAMPLE.as_bytes());
        assert_eq!((o.records, o.undecoded), (3, 1));
        assert!(o.problems.is_empty(), "{:?}", o.problems);
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("401");
        assert_eq!(f.line, 13);
        assert_eq!(f.level.as_deref(), Some("ERROR"));
        assert_eq!(
            f.time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-02T09:41:00.981-05:00")
        );
        let p = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::Policy)
            .expect("policy");
        assert_eq!((p.line, p.values["value"].as_str()), (23, "false"));
        assert_eq!(
            o.events
                .iter()
                .filter(|e| e.kind == EventKind::EwsFailure)
                .count(),
            1
        );
    }

    /// Text inside CDATA is read with the text around it (it was passed over: a 401 there
    /// went unseen).
    #[test]
    fn cdata_text_is_read() {
        let xml = SAMPLE.replace(
            "<Data Name=\"Result\">HTTP/1.1 401 Unauthorized</Data>",
            "<Data Name=\"Result\"><![CDATA[HTTP/1.1 401]]> Unauthorized <![CDATA[<EWS>]]></Data>",
        );
        assert_ne!(xml, SAMPLE, "the sample changed: fix the test");
        let o = run(xml.as_bytes());
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("401 in CDATA");
        assert!(
            f.excerpt.contains("HTTP/1.1 401 Unauthorized <EWS>"),
            "{}",
            f.excerpt
        );
        assert_eq!(o.records, 3);
    }

    #[test]
    fn truncated_bodies_keep_what_was_read() {
        let cut = &SAMPLE[..SAMPLE.find("<Data Name=\"Result\">HTTP/1.1 4").expect("x") + 28];
        let o = run(cut.as_bytes());
        assert_eq!(o.records, 1);
        assert_eq!(o.problems.len(), 1, "{:?}", o.problems);
        let o = run(b"<Events><Event><System><EventID>1</Even");
        assert!(!o.problems.is_empty());
        let o = run(b"\xff\xfe\x00garbage<<<>>>");
        assert_eq!(o.records, 0);
    }

    #[test]
    fn undecoded_payloads_give_their_strings_to_the_markers() {
        let mut args = Vec::new();
        for u in "POST https://mail.contoso.com/EWS/Exchange.asmx".encode_utf16() {
            args.extend_from_slice(&u.to_le_bytes());
        }
        args.extend_from_slice(&[0, 0]);
        args.extend_from_slice(&0x8019_0191u32.to_le_bytes());
        args.extend_from_slice(b"sip:bob@contoso.com\0");
        let hex: String = args.iter().map(|b| format!("{b:02X}")).collect();
        let xml = format!(
            r#"<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Guid="{{2818ef08-6a54-396f-2244-5a6ea4a98cf0}}"/><EventID>0</EventID><TimeCreated SystemTime="2026-03-02T09:41:01Z"/></System>
<ProcessingErrorData><ErrorCode>15005</ErrorCode><DataItemName></DataItemName><EventPayload>{hex}</EventPayload></ProcessingErrorData></Event></Events>"#
        );
        let o = run(xml.as_bytes());
        assert_eq!((o.records, o.undecoded), (1, 1));
        let f = o
            .events
            .iter()
            .find(|e| e.marker == "ews-hresult-denied")
            .unwrap_or_else(|| panic!("{:#?}", o.events));
        assert_eq!(f.values["status"], "401");
        assert_eq!(f.line, 2);
        assert_eq!(f.values["decoding"], crate::parse::etl::UNDECODED);
        assert!(
            f.excerpt.ends_with(crate::parse::etl::UNDECODED),
            "{}",
            f.excerpt
        );
        assert!(o.events.iter().any(|e| e.marker == "ews-post"));
    }

    #[test]
    fn utf16_xml_is_read_too() {
        let mut b = vec![0xFF, 0xFE];
        for u in SAMPLE.replace("UTF-8", "UTF-16").encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let a = run(SAMPLE.as_bytes());
        let o = run(&b);
        assert_eq!(o.records, 3);
        assert_eq!(o.events, a.events);
    }

    /// `s` with every element in the `e:` prefix (the namespace declared as `xmlns:e`).
    fn prefixed(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '<' {
                if chars.peek() == Some(&'/') {
                    out.push('/');
                    chars.next();
                }
                if chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    out.push_str("e:");
                }
            }
        }
        out.replace(" xmlns=", " xmlns:e=").replacen(
            "<e:Events>",
            &format!("<e:Events xmlns:e=\"http://{EVENT_NS}\">"),
            1,
        )
    }

    /// Tracerpt XML whose elements carry a namespace prefix is recognised and read as the
    /// default-namespace form is, event for event (it was listed as not recognised); the
    /// default-namespace form is still recognised, and a prefixed document of another kind
    /// is not taken for it.
    #[test]
    fn namespace_prefixes_are_read_by_local_name() {
        let p = prefixed(SAMPLE);
        assert!(
            p.contains("<e:Event xmlns:e=") && p.contains("</e:Data>"),
            "{p}"
        );
        let kind = crate::parse::logs::sniff_kind;
        assert_eq!(kind(&p), Some(SourceKind::TracerptXml));
        assert_eq!(kind(SAMPLE), Some(SourceKind::TracerptXml));
        assert!(!sniff_prefixed(SAMPLE));
        // The head of a big file: cut inside an element.
        assert!(sniff_prefixed(
            &p[..p.find("<e:Level>").expect("level") + 4]
        ));
        // A plain `<Events>` wrapper around prefixed events (each declaring the prefix).
        let wrapped = p
            .replace(
                &format!("<e:Events xmlns:e=\"http://{EVENT_NS}\">"),
                "<Events>",
            )
            .replace("</e:Events>", "</Events>");
        assert!(wrapped.contains("<Events>\n<e:Event xmlns:e="), "{wrapped}");
        assert_eq!(kind(&wrapped), Some(SourceKind::TracerptXml), "{wrapped}");
        assert_eq!(
            run(wrapped.as_bytes()).events,
            run(SAMPLE.as_bytes()).events
        );
        let soap = r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:Event xmlns:m="urn:x"><m:System/></m:Event></s:Body></s:Envelope>"#;
        assert_eq!(kind(soap), None);
        assert_eq!(
            kind("<e:Events xmlns:e=\"urn:other\"><e:Item/></e:Events>"),
            None
        );
        let (a, b) = (run(p.as_bytes()), run(SAMPLE.as_bytes()));
        assert_eq!((a.records, a.undecoded), (b.records, b.undecoded));
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(a.events, b.events);
        assert!(a.events.iter().any(|e| e.kind == EventKind::EwsFailure));
    }
}
