//! Properties of the log parsers, on every `cargo test`: the invariants the log fuzz targets
//! check (the same file, `fuzz/fuzz_targets/common/mod.rs`), on real samples of every log kind
//! (UccApilog, tracerpt XML, tracerpt CSV, netsh text, a text log with a time format), in every
//! encoding the client writes, with junk spliced in or the file cut short. Replayable: a fixed
//! clock and zone, nothing read from the machine.
//!
//! - whole vs in 1..40-byte pieces vs a second run: the same events (not only the same counts);
//! - a clean sample gives the same events in UTF-8, UTF-8 with BOM and UTF-16LE/BE (with or
//!   without BOM), with CRLF, LF or lone-CR line ends, and it does give events (the CSV leg parses rows).

#[path = "../../fuzz/fuzz_targets/common/mod.rs"]
pub(crate) mod fuzz_common;

use proptest::prelude::*;
use spoolscope::model::{LogEvent, SourceKind};
use spoolscope::parse::logs::{LogOutput, LogTz};

/// The fixed "now" of the samples: 2026-03-02T14:00:00Z.
const NOW_UNIX: i64 = 1_772_460_000;

const DEMO: &str = include_str!("../../assets/demo/Lync-UccApi-0.UccApilog");

/// The demo log's `{T:<seconds before now>}` templates as UccApilog timestamps before the fixed
/// now (UTC; the parse reads them as UTC too).
fn uccapilog() -> String {
    let now = chrono::DateTime::from_timestamp(NOW_UNIX, 0).expect("now");
    let mut out = String::new();
    for line in DEMO.lines() {
        match line
            .strip_prefix("{T:")
            .and_then(|r| r.split_once('}'))
            .and_then(|(secs, rest)| secs.parse::<f64>().ok().map(|s| (s, rest)))
        {
            Some((secs, rest)) => {
                let t = now - chrono::Duration::milliseconds((secs * 1000.0).round() as i64);
                out.push_str(&t.format("%m/%d/%Y|%H:%M:%S%.3f").to_string());
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

const TRACERPT_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System>
  <Provider Name="Lync" Guid="{00000000-0000-0000-0000-000000000001}"/>
  <EventID>10</EventID>
  <Level>2</Level>
  <TimeCreated SystemTime="2026-03-02T08:50:01.500000000-05:00"/>
  <Execution ProcessID="8040" ThreadID="3092"/>
 </System>
 <EventData>
  <Data Name="Operation">SendItem</Data>
  <Data Name="Result">hr=0x80190191</Data>
 </EventData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Guid="{00000000-0000-0000-0000-000000000002}"/><EventID>0</EventID><TimeCreated SystemTime="2026-03-02T08:50:02.000000000-05:00"/></System>
 <ProcessingErrorData><ErrorCode>15005</ErrorCode><DataItemName></DataItemName><EventPayload>0A0B0C0D</EventPayload></ProcessingErrorData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Name="Lync"/><EventID>11</EventID><TimeCreated SystemTime="2026-03-02T08:50:03.000000000-05:00"/></System>
 <EventData><Data Name="Msg">EWS response HTTP/1.1 503 Service Unavailable https://mail.contoso.com/EWS/Exchange.asmx</Data></EventData>
</Event>
</Events>
"#;

fn tracerpt_csv() -> String {
    let ft =
        |secs_before: i64| (NOW_UNIX - secs_before) as u64 * 10_000_000 + 116_444_736_000_000_000;
    format!(
        "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\n\
         EventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , {}, 0, 0, 65536\n\
         Lync, Info, 20, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {}, 10, 20, \"EnableOfflineIM=false\"\n\
         Lync, Error, 21, 0, 0, 2, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {}, 10, 20, \"EWS response HTTP/1.1 401 Unauthorized\"\n\
         Lync, Info, 22, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {}, 10, 20, \"queue 401 of 500\"\n\
         Lync, Error, 23, 0, 0, 2, 0, 0, 0x0, 0x1F68, 0x0C15, 1, , , , , {}, 10, 20, \"POST https://mail.contoso.com/EWS/Exchange.asmx\n\
         EWS SendItem HTTP/1.1 401 Unauthorized, said \"\"the server\"\"\nlast\", 7\n",
        ft(600),
        ft(595),
        ft(594),
        ft(590),
        ft(580)
    )
}

const NETSH: &str = "header text\n[0]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 13:41:00.1234567 [Microsoft-Lync]EWS CreateItem https://mail.contoso.com/EWS/Exchange.asmx\n  status=401\n[1]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 13:41:02.0000000 [Microsoft-Lync]SIP/2.0 480 Temporarily Unavailable\n[1]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 13:41:03.0000000 [Microsoft-Lync]done\n";

const TEXT_LOG: &str = "02.03.2026 13:50:00 EWS SendItem failed 0x80190193\nstill the same record\n02.03.2026 13:50:30 OfflineQueue kicked again\n02.03.2026 13:51:00 Autodiscover GET https://autodiscover.contoso.com/autodiscover/autodiscover.svc HTTP/1.1 503 Service Unavailable\n";
const TEXT_LOG_FORMAT: &str = "%d.%m.%Y %H:%M:%S";

/// (kind, sample text with LF endings, text-log time format).
fn samples() -> Vec<(SourceKind, String, Option<&'static str>)> {
    vec![
        (SourceKind::Uccapilog, uccapilog(), None),
        (SourceKind::TracerptXml, TRACERPT_XML.to_string(), None),
        (SourceKind::TracerptCsv, tracerpt_csv(), None),
        (SourceKind::NetshText, NETSH.to_string(), None),
        (
            SourceKind::TextLog,
            TEXT_LOG.to_string(),
            Some(TEXT_LOG_FORMAT),
        ),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Utf16Le,
}

fn encode(s: &str, enc: Enc) -> Vec<u8> {
    let units = |be: bool| -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    };
    match enc {
        Enc::Utf8 => s.as_bytes().to_vec(),
        Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], s.as_bytes()].concat(),
        Enc::Utf16LeBom => [vec![0xFF, 0xFE], units(false)].concat(),
        Enc::Utf16BeBom => [vec![0xFE, 0xFF], units(true)].concat(),
        Enc::Utf16Le => units(false),
    }
}

#[derive(Debug, Clone)]
enum Damage {
    None,
    /// Junk bytes spliced in at a fraction of the length.
    Splice(Vec<u8>, f64),
    /// Cut at a fraction of the length (a file still being written).
    Cut(f64),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        2 => Just(Damage::None),
        2 => (prop::collection::vec(any::<u8>(), 1..48), 0.0..1.0f64).prop_map(|(j, at)| Damage::Splice(j, at)),
        1 => (0.0..1.0f64).prop_map(Damage::Cut),
    ]
}

fn enc() -> impl Strategy<Value = Enc> {
    prop::sample::select(vec![
        Enc::Utf8,
        Enc::Utf8Bom,
        Enc::Utf16LeBom,
        Enc::Utf16BeBom,
        Enc::Utf16Le,
    ])
}

/// Events without what legitimately differs between encodings of one text: nothing (lines,
/// times, kinds, markers, accounts, excerpts and values must all agree).
fn events(o: &LogOutput) -> &[LogEvent] {
    &o.events
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_log_kind_reads_the_same_whatever_the_encoding_and_read_size(
        which in 0usize..5,
        enc in enc(),
        ends in 0u8..3,
        dmg in damage(),
        step in 1usize..40,
    ) {
        let (kind, text, fmt) = samples().swap_remove(which);
        // LF, CRLF, or lone CR (old Mac style: told from the first bytes, read as LF).
        let crlf = ends == 1;
        let lf = text.clone();
        let text = match ends {
            1 => text.replace('\n', "\r\n"),
            2 => text.replace('\n', "\r"),
            _ => text,
        };
        let clean = encode(&text, enc);
        let data = match &dmg {
            Damage::None => clean.clone(),
            Damage::Splice(junk, at) => {
                let mut v = clean.clone();
                let i = ((v.len() as f64) * at) as usize;
                v.splice(i..i, junk.iter().copied());
                v
            }
            Damage::Cut(at) => clean[..((clean.len() as f64) * at) as usize].to_vec(),
        };
        // Invariants, and whole = pieces = a second run (events compared one by one).
        let out = fuzz_common::check_log_tz(&data, kind, fmt, LogTz::Utc, Some(step));

        if matches!(dmg, Damage::None) {
            // The sample in plain UTF-8 with LF endings is the reference.
            let base = fuzz_common::check_log_tz(lf.as_bytes(), kind, fmt, LogTz::Utc, Some(7));
            prop_assert!(base.records >= 2, "{:?}: {} records", kind, base.records);
            prop_assert!(!base.events.is_empty(), "{:?} gave no event", kind);
            prop_assert!(base.first.is_some(), "{:?} gave no time", kind);
            prop_assert_eq!(out.records, base.records, "{:?} {:?}", kind, enc);
            prop_assert_eq!(out.lines, base.lines);
            prop_assert_eq!(events(&out), events(&base), "{:?} in {:?} crlf={} ends={}", kind, enc, crlf, ends);
            prop_assert_eq!(out.growing, base.growing);
            prop_assert_eq!(ends == 2, out.notes.iter().any(|n| n.starts_with("lone CR line ends")), "{:?}", out.notes);
        }
    }
}

/// The samples are what they claim to be: each kind reads rows and finds its evidence.
#[test]
fn each_sample_gives_its_evidence() {
    use spoolscope::model::EventKind;
    for (kind, text, fmt) in samples() {
        let o = fuzz_common::check_log_tz(text.as_bytes(), kind, fmt, LogTz::Utc, Some(3));
        let kinds: Vec<EventKind> = o.events.iter().map(|e| e.kind).collect();
        match kind {
            SourceKind::Uccapilog => {
                assert!(o.records >= 10, "{}", o.records);
                assert!(
                    kinds.contains(&EventKind::EwsFailure) && kinds.contains(&EventKind::Policy),
                    "{kinds:?}"
                );
            }
            SourceKind::TracerptXml => {
                assert_eq!((o.records, o.undecoded), (3, 1));
                assert!(kinds.contains(&EventKind::EwsFailure), "{kinds:?}");
            }
            SourceKind::TracerptCsv => {
                assert_eq!(
                    (o.records, o.skipped, o.lines),
                    (4, 1, 8),
                    "four data rows (one over three lines), the header row skipped"
                );
                assert!(kinds.contains(&EventKind::EwsFailure), "{kinds:?}");
                // The 401 in a quoted field's second line has its row's time and thread.
                let cont = o
                    .events
                    .iter()
                    .find(|e| e.kind == EventKind::EwsFailure && e.line == 7)
                    .expect("the 401 on line 7");
                assert!(cont.time.is_some() && cont.thread.as_deref() == Some("0x0C15"));
                assert!(
                    o.events.iter().all(|e| !e.excerpt.contains("queue 401")),
                    "a bare 401 is no evidence"
                );
            }
            SourceKind::NetshText => {
                assert_eq!((o.records, o.skipped), (3, 1));
                assert!(kinds.contains(&EventKind::EwsFailure), "{kinds:?}");
            }
            _ => {
                assert_eq!(o.records, 3);
                assert!(
                    kinds.contains(&EventKind::EwsFailure)
                        && kinds.contains(&EventKind::Autodiscover),
                    "{kinds:?}"
                );
            }
        }
    }
}
