//! Tests of [`super`]: text logs and netsh dumps.

use super::*;
use crate::model::EventKind;
use crate::parse::logs::{parse_log, LogTz};
use crate::parse::markers::Markers;

#[test]
fn netsh_lines_with_lrm_marks() {
    let s = "header text\n[0]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 09:41:00.1234567 [Microsoft-Lync]EWS CreateItem https://mail.contoso.com/EWS/Exchange.asmx\n  status=401\n[1]0E2C.1A1C::\u{200e}2026\u{200e}-\u{200e}03\u{200e}-\u{200e}02 09:41:02.0000000 [Microsoft-Lync]done\n";
    let m = Markers::builtin().expect("m");
    let opts = ParseOptions::utc(&m);
    let o = parse_log(
        s.as_bytes(),
        SourceKind::NetshText,
        Path::new("n.txt"),
        &opts,
    )
    .expect("parse");
    assert_eq!((o.records, o.skipped), (2, 1));
    assert_eq!(
        o.first.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:41:00.123456700+00:00")
    );
    let f = o
        .events
        .iter()
        .find(|e| e.kind == EventKind::EwsFailure)
        .expect("401");
    assert_eq!(f.line, 3);
}

#[test]
fn bad_time_formats_are_refused() {
    for ok in ["%d.%m.%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.3f", "%%%Y"] {
        assert!(check_time_format(ok).is_ok(), "{ok}");
    }
    for bad in ["%Q", "%", "%Y-%m-%d %", "", "  "] {
        assert!(check_time_format(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn user_time_format_for_any_text_log() {
    let s =
        "02.03.2026 09:41:00 EWS SendItem failed 0x80190193\nnext line\n02.03.2026 09:42:00 ok\n";
    let m = Markers::builtin().expect("m");
    let opts = ParseOptions {
        markers: &m,
        tz: LogTz::Utc,
        time_format: Some("%d.%m.%Y %H:%M:%S"),
        profile: None,
        accounts: &[],
        bound: Default::default(),
    };
    let o = parse_log(s.as_bytes(), SourceKind::TextLog, Path::new("t.log"), &opts).expect("parse");
    assert_eq!(o.records, 2);
    let f = o
        .events
        .iter()
        .find(|e| e.kind == EventKind::EwsFailure)
        .expect("403");
    assert_eq!(f.values["status"], "403");
    assert_eq!(
        f.time.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:41:00+00:00")
    );
}

fn netsh_utc(s: &str) -> LogOutput {
    let m = Markers::builtin().expect("m");
    let opts = ParseOptions::utc(&m);
    parse_log(
        s.as_bytes(),
        SourceKind::NetshText,
        Path::new("n.txt"),
        &opts,
    )
    .expect("parse")
}

const E401: &str = "EWS POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized";

#[test]
fn netsh_dotted_dates_read_day_first_and_labelled() {
    let o = netsh_utc(&format!(
        "[0]0E2C.1A1C::02.03.2026 09:00:00.1234567 [Microsoft-Lync]start\r\n[0]0E2C.1A1C::15.03.2026 09:59:51.1234567 [Microsoft-Lync]{E401}\r\n"
    ));
    assert_eq!((o.records, o.skipped), (2, 0));
    assert_eq!(
        o.first.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:00:00.123456700+00:00")
    );
    assert_eq!(
        o.last.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-15T09:59:51.123456700+00:00")
    );
    assert!(
        o.notes.iter().any(|n| n == DOTTED_DAY_FIRST),
        "{:?}",
        o.notes
    );
    let f = o
        .events
        .iter()
        .find(|e| e.kind == EventKind::EwsFailure)
        .expect("401");
    assert_eq!(f.values["status"], "401");
}

#[test]
fn netsh_twelve_hour_markers_are_applied_and_labelled() {
    // en-US: the marker after the time; ja-JP: 午前/午後 before it.
    for (stamp, want) in [
        (
            "3/2/2026 9:59:51.1234567 PM",
            "2026-03-02T21:59:51.123456700+00:00",
        ),
        ("3/2/2026 12:05:00 AM", "2026-03-02T00:05:00+00:00"),
        (
            "2026/03/02 午後 9:59:51.1234567",
            "2026-03-02T21:59:51.123456700+00:00",
        ),
        ("2026/03/02 午前 9:59:51", "2026-03-02T09:59:51+00:00"),
        (
            "\u{200e}2026/\u{200e}03/\u{200e}02 午後 1:00:00",
            "2026-03-02T13:00:00+00:00",
        ),
    ] {
        let o = netsh_utc(&format!("[0]0E2C.1A1C::{stamp} [Microsoft-Lync]{E401}\n"));
        assert_eq!(o.records, 1, "{stamp}");
        assert_eq!(
            o.first.map(|t| t.to_rfc3339()).as_deref(),
            Some(want),
            "{stamp}"
        );
        assert!(
            o.notes.iter().any(|n| n == TWELVE_HOUR),
            "{stamp}: {:?}",
            o.notes
        );
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("401");
        // The marker is not left at the start of the message.
        assert!(
            !f.excerpt.contains("PM") && !f.excerpt.contains('午'),
            "{}",
            f.excerpt
        );
    }
    // A 24-hour stamp carries no such note.
    let o = netsh_utc("[0]0E2C.1A1C::2026-03-02 21:59:51 [Microsoft-Lync]start\n");
    assert_eq!(o.records, 1);
    assert!(!o
        .notes
        .iter()
        .any(|n| n == TWELVE_HOUR || n == DOTTED_DAY_FIRST));
}

#[test]
fn slash_date_order_from_the_log() {
    // en-GB: 2 March, both numbers 12 or under: read month first, labelled a guess.
    let o = netsh_utc(&format!(
        "[0]0E2C.1A1C::02/03/2026 09:59:51.1234567 [Microsoft-Lync]{E401}\n"
    ));
    assert_eq!(o.records, 1);
    assert!(o.notes.iter().any(|n| n == SLASH_GUESS), "{:?}", o.notes);
    // A first number over 12 makes the dates day first from there on: 15 March, then
    // 02/04 is 2 April (read month first it would be 4 February).
    let o = netsh_utc(&format!(
        "[0]0E2C.1A1C::15/03/2026 09:00:00 [Microsoft-Lync]start\n[0]0E2C.1A1C::02/04/2026 09:59:51 [Microsoft-Lync]{E401}\n"
    ));
    assert_eq!((o.records, o.skipped), (2, 0));
    assert_eq!(
        o.first.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-15T09:00:00+00:00")
    );
    assert_eq!(
        o.last.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-04-02T09:59:51+00:00")
    );
    assert!(
        o.notes.iter().any(|n| n == SLASH_DAY_FIRST),
        "{:?}",
        o.notes
    );
    assert!(!o.notes.iter().any(|n| n == SLASH_GUESS), "{:?}", o.notes);
    // A second number over 12: month first, said so.
    let o = netsh_utc("[0]0E2C.1A1C::03/15/2026 09:00:00 [Microsoft-Lync]start\n");
    assert_eq!(
        o.first.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-15T09:00:00+00:00")
    );
    assert!(
        o.notes.iter().any(|n| n == SLASH_MONTH_FIRST),
        "{:?}",
        o.notes
    );
    // Both kinds: each read in the order it fits, the conflict said.
    let o = netsh_utc(
        "[0]0E2C.1A1C::15/03/2026 09:00:00 [Microsoft-Lync]a\n[0]0E2C.1A1C::03/16/2026 09:00:00 [Microsoft-Lync]b\n",
    );
    assert_eq!(o.records, 2);
    assert!(o.notes.iter().any(|n| n == SLASH_CONFLICT), "{:?}", o.notes);
    // A plain text log too, and a given --log-time-format is never second-guessed.
    let m = Markers::builtin().expect("m");
    let s = "15/03/2026 09:00:00 a\n02/04/2026 10:00:00 b\n";
    let o = parse_log(
        s.as_bytes(),
        SourceKind::TextLog,
        Path::new("t.log"),
        &ParseOptions::utc(&m),
    )
    .expect("parse");
    assert_eq!(
        o.last.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-04-02T10:00:00+00:00")
    );
    let opts = ParseOptions {
        time_format: Some("%m/%d/%Y %H:%M:%S"),
        ..ParseOptions::utc(&m)
    };
    let o = parse_log(
        "02/04/2026 10:00:00 b\n".as_bytes(),
        SourceKind::TextLog,
        Path::new("t.log"),
        &opts,
    )
    .expect("parse");
    assert_eq!(
        o.last.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-02-04T10:00:00+00:00")
    );
    assert!(
        !o.notes.iter().any(|n| n.starts_with("slash dates")),
        "{:?}",
        o.notes
    );
}

/// Parse `s` as `kind` in UTC (with `fmt` as `--log-time-format` when given).
fn read(s: &str, kind: SourceKind, fmt: Option<&str>, tz: LogTz) -> LogOutput {
    let m = Markers::builtin().expect("m");
    let opts = ParseOptions {
        markers: &m,
        tz,
        time_format: fmt,
        profile: None,
        accounts: &[],
        bound: Default::default(),
    };
    parse_log(s.as_bytes(), kind, Path::new("t.log"), &opts).expect("parse")
}

/// The time of the event on `line`, as RFC 3339 in UTC.
fn time_on(o: &LogOutput, line: u64) -> Option<String> {
    o.events
        .iter()
        .find(|e| e.line == line)
        .expect("an event on the line")
        .time
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
}

#[test]
fn an_impossible_date_keeps_its_record_without_a_time() {
    let fail = "EWS response HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx";
    let cases = [
        (
            SourceKind::NetshText,
            format!("[0]0E2C.1A1C::03/02/2026 09:00:00.000 [Lync]startup\n[0]0E2C.1A1C::02/30/2026 09:41:00.423 [Lync]{fail}\n"),
        ),
        (
            SourceKind::TextLog,
            format!("2026-02-28 09:00:00.000 INFO startup\n2026-02-29 09:41:00.423 ERROR {fail}\n"),
        ),
        (
            SourceKind::TextLog,
            format!("03/02/2026 9:00:00 AM startup\n13/45/2026 9:41:00 PM ERROR {fail}\n"),
        ),
        (
            SourceKind::TextLog,
            format!("2026-03-02 09:00:00 startup\n2026-03-02 25:41:00+01:00 ERROR {fail}\n"),
        ),
    ];
    for (kind, s) in cases {
        let o = read(&s, kind, None, LogTz::Utc);
        assert_eq!((o.records, o.bad_times), (2, 1), "{s}");
        let f = o
            .events
            .iter()
            .find(|e| e.kind == EventKind::EwsFailure)
            .expect("401");
        assert_eq!((f.line, f.time), (2, None), "{s}");
        // The stamp (and its zone) is not left in the message.
        assert!(
            f.excerpt.starts_with("ERROR") || f.excerpt.starts_with("[Lync]EWS"),
            "{f:?}"
        );
    }
    // With --log-time-format too.
    let o = read(
        &format!("30.02.2026 09:41:00 {fail}\n"),
        SourceKind::TextLog,
        Some("%d.%m.%Y %H:%M:%S"),
        LogTz::Utc,
    );
    assert_eq!((o.records, o.bad_times), (1, 1));
    // Text that is no stamp still continues the record.
    let o = read(
        "2026-03-02 09:00:00 start\n2026 was a year\n12/ab/2026 x\n",
        SourceKind::TextLog,
        None,
        LogTz::Utc,
    );
    assert_eq!((o.records, o.bad_times), (1, 0));
}

#[test]
fn a_decimal_comma_keeps_the_fraction_and_the_zone() {
    let fail = "EWS response HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx";
    for (stamp, want) in [
        ("2026-03-02T09:41:00,123+05:00", "2026-03-02T04:41:00.123Z"),
        ("2026-03-02T09:41:00,781-0700", "2026-03-02T16:41:00.781Z"),
        ("2026-03-02 09:41:00,123", "2026-03-02T09:41:00.123Z"),
        (
            "2026-03-02 09:41:00,1234567890Z",
            "2026-03-02T09:41:00.123Z",
        ),
    ] {
        let o = read(
            &format!("{stamp} {fail}\n"),
            SourceKind::TextLog,
            None,
            LogTz::Utc,
        );
        assert_eq!(time_on(&o, 1).as_deref(), Some(want), "{stamp}");
        let f = &o.events[0];
        assert!(f.excerpt.starts_with("EWS response"), "{stamp}: {f:?}");
    }
    // A user's format is read as written: its comma is its own business.
    let o = read(
        &format!("2026-03-02 09:41:00,123 {fail}\n"),
        SourceKind::TextLog,
        Some("%Y-%m-%d %H:%M:%S"),
        LogTz::Utc,
    );
    assert_eq!(time_on(&o, 1).as_deref(), Some("2026-03-02T09:41:00.000Z"));
}

#[test]
fn a_user_format_keeps_its_offset_and_epoch_seconds() {
    let fail = "EWS response HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx";
    let tz = LogTz::Fixed(chrono::FixedOffset::east_opt(5 * 3600).expect("tz"));
    for (line, fmt, want) in [
        (
            "02/Mar/2026:09:41:00 +0500",
            "%d/%b/%Y:%H:%M:%S %z",
            "2026-03-02T04:41:00.000Z",
        ),
        (
            "2026-03-02T09:41:00-07:00",
            "%Y-%m-%dT%H:%M:%S%:z",
            "2026-03-02T16:41:00.000Z",
        ),
        ("1772444460", "%s", "2026-03-02T09:41:00.000Z"),
        ("1772444460 +0100", "%s %z", "2026-03-02T09:41:00.000Z"),
        // No zone in the format or the stamp: --log-tz (+05:00).
        (
            "2026-03-02 09:41:00",
            "%Y-%m-%d %H:%M:%S",
            "2026-03-02T04:41:00.000Z",
        ),
    ] {
        for tz in [LogTz::Utc, tz] {
            let o = read(
                &format!("{line} {fail}\n"),
                SourceKind::TextLog,
                Some(fmt),
                tz,
            );
            let want = match (fmt.contains('z') || fmt.contains("%s"), tz) {
                (false, LogTz::Utc) => "2026-03-02T09:41:00.000Z",
                _ => want,
            };
            assert_eq!(time_on(&o, 1).as_deref(), Some(want), "{line} {fmt} {tz:?}");
            assert!(o.events[0].excerpt.starts_with("EWS response"), "{line}");
        }
    }
}
