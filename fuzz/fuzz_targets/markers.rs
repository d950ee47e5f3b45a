#![no_main]
//! A user markers file on top of the built-in one, from any text: no panic; a refusal is one
//! line naming the file, with a line number inside the file; a file that loads classifies a
//! sample log (user patterns, extract groups and contexts included) with consistent counts,
//! events on the sample's lines, the same way twice.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, ParseOptions};
use spoolscope::parse::markers::{MarkerError, Markers, BUILTIN};
use std::path::Path;

const SAMPLE: &str = "03/02/2026|13:49:59.000 1F68:C14 INFO  :: SIP/2.0 480 Temporarily Unavailable\r\nFrom: <sip:jdoe@contoso.com>;tag=a1\r\nCSeq: 1 INVITE\r\n03/02/2026|13:50:00.981 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n03/02/2026|13:50:01.000 2A0:2A4 INFO  :: EnableOfflineIM=true lost 401 packets\r\n";
const SAMPLE_LINES: u64 = 5;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Markers::build(&[(BUILTIN, "builtin"), (&text, "user-markers.toml")]) {
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "multi-line error: {msg:?}");
            if let MarkerError::At { origin, line, .. } = &e {
                if origin == "user-markers.toml" {
                    let n = text.split('\n').count();
                    assert!(*line >= 1 && *line <= n, "line {line} of {n}");
                }
            }
        }
        Ok(m) => {
            let opts = ParseOptions::utc(&m);
            let parse = || {
                parse_log(SAMPLE.as_bytes(), SourceKind::Uccapilog, Path::new("s.log"), &opts)
                    .expect("a slice never fails to read")
            };
            let out = parse();
            assert_eq!(out.records, 3, "user markers never change what a record is");
            let counted: u64 = out.counts.values().sum();
            assert_eq!(counted, out.events.len() as u64 + out.not_kept);
            for e in &out.events {
                assert!(e.line >= 1 && e.line <= SAMPLE_LINES, "event line {}", e.line);
                assert!(!e.marker.is_empty());
                assert!(!e.excerpt.contains(['\n', '\r']), "{:?}", e.excerpt);
            }
            assert_eq!(out.events, parse().events, "the same markers classify differently");
        }
    }
});
