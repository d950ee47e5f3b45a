//! End-to-end: one clock (issue 15). Logs in three zones — a UccApilog without zones read with
//! `--log-tz America/New_York` across the night its clocks go forward (8 March 2026, 02:00 →
//! 03:00), a tracerpt XML stamped `-05:00`, an ISO text log stamped `Z` — give a text report
//! whose every time is UTC, whose evidence runs in instant order across the files, and none of
//! whose ranges runs backwards. Zone names: IANA names are accepted, bad ones are one line and
//! exit 2.

use crate::common::*;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;
use std::path::{Path, PathBuf};

/// The report's "now": 2026-03-08T12:00:00Z.
const NOW_DST: &str = "2026-03-08T12:00:00Z";
/// Bob's item was last written at 07:05:00Z that day (this many seconds after [`NOW_UNIX`]).
const WRITTEN_AFTER_NOW: i64 = 1_772_953_500 - NOW_UNIX as i64;

/// New York wall clock, no zone: 01:59 is EST (06:59Z), 03:01 is EDT (07:01Z).
const UCC: &[&str] = &[
    "03/08/2026|01:59:00.000 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx", // 1
    "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:Items><t:Message>", // 2
    "03/08/2026|01:59:01.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized", // 3
    "03/08/2026|03:01:00.000 1F68:C14 INFO  :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx", // 4
    "03/08/2026|03:01:01.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized", // 5
];

/// Stamped -05:00: 06:58:30Z and 07:00:30Z (the second is a wall clock New York never shows).
const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Name="Lync"/><EventID>10</EventID><Level>2</Level><TimeCreated SystemTime="2026-03-08T01:58:30.000000000-05:00"/></System>
 <EventData><Data Name="Operation">SendItem</Data><Data Name="Result">hr=0x80190191</Data></EventData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Name="Lync"/><EventID>10</EventID><Level>2</Level><TimeCreated SystemTime="2026-03-08T02:00:30.000000000-05:00"/></System>
 <EventData><Data Name="Operation">SendItem</Data><Data Name="Result">hr=0x80190191</Data></EventData>
</Event>
</Events>
"#;

/// Stamped Z: 07:00:00Z.
const TXT: &str = "2026-03-08T07:00:00Z ERROR EWS response HTTP/1.1 401 Unauthorized\n";

/// The instants above, as a UTC report must print them.
const UTC_TIMES: &[&str] = &[
    "2026-03-08 06:58:30",
    "2026-03-08 06:59:01",
    "2026-03-08 07:00:00",
    "2026-03-08 07:00:30",
    "2026-03-08 07:01:01",
];

/// The tree, and the text log to pass with `--log`.
fn build(root: &Path) -> PathBuf {
    let sp = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com").join("History Spooler");
    put(
        &sp.join("{B0B}.xml"),
        create_item("bob@contoso.com", "hi", "IPM.Note").as_bytes(),
        -WRITTEN_AFTER_NOW,
    );
    let t = root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing");
    let mut s = UCC.join("\r\n");
    s.push_str("\r\n");
    put(&t.join("Lync-UccApi-0.UccApilog"), s.as_bytes(), 0);
    put(&t.join("Lync-UccApi-0.etl.xml"), XML.as_bytes(), 0);
    let txt = root.join("helpdesk.log");
    put(&txt, TXT.as_bytes(), 0);
    txt
}

fn run(root: &Path, txt: &Path, extra: &[&str]) -> (String, String, i32) {
    let out = bin()
        .arg("report")
        .arg(root)
        .args(["--now", NOW_DST, "--log-tz", "America/New_York", "--log"])
        .arg(txt)
        .args(extra)
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Every printed range `start–end` (the end without a date takes the start's), as instants
/// read back from the text; an end tagged with an offset is read with it.
fn ranges(s: &str) -> Vec<(String, NaiveDateTime, NaiveDateTime)> {
    let re = Regex::new(
        r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2})?)–(?:(\d{4}-\d{2}-\d{2}) )?(\d{2}:\d{2}(?::\d{2})?)",
    )
    .expect("regex");
    let time = |t: &str| {
        NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .expect("time")
    };
    re.captures_iter(s)
        .map(|c| {
            let d0 = NaiveDate::parse_from_str(&c[1], "%Y-%m-%d").expect("date");
            let d1 = c
                .get(3)
                .map(|d| NaiveDate::parse_from_str(d.as_str(), "%Y-%m-%d").expect("date"))
                .unwrap_or(d0);
            (
                c[0].to_string(),
                d0.and_time(time(&c[2])),
                d1.and_time(time(&c[4])),
            )
        })
        .collect()
}

#[test]
fn three_zones_print_on_one_utc_clock_in_instant_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let txt = build(dir.path());
    let (s, err, code) = run(dir.path(), &txt, &[]);
    assert!(code == 0 || code == 1, "exit {code}: {err}\n{s}");
    assert!(s.contains("times in UTC"), "{s}");
    assert!(s.contains("2026-03-08 12:00:00 UTC"), "the header: {s}");
    assert!(
        s.contains("log times without a zone read as America/New_York"),
        "{s}"
    );
    // Every instant is printed in UTC…
    for t in UTC_TIMES {
        assert!(s.contains(t), "{t} missing:\n{s}");
    }
    // …and no wall clock of another zone is.
    for wall in ["01:58", "01:59", "02:00:30", "03:01"] {
        assert!(!s.contains(wall), "a non-UTC time {wall} printed:\n{s}");
    }
    // No time is tagged with another offset (the line naming --log-tz says its zone's).
    for l in s
        .lines()
        .filter(|l| !l.contains("log times without a zone"))
    {
        assert!(!l.contains("UTC-0") && !l.contains("UTC+0"), "{l}");
    }

    // The EWS evidence comes from all three files, in instant order.
    let ev =
        Regex::new(r"evidence  (\S+):(\d+)  (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})").expect("regex");
    let rows: Vec<(String, String)> = ev
        .captures_iter(&s)
        .map(|c| {
            (
                c[1].rsplit('/').next().unwrap_or("").to_string(),
                c[3].to_string(),
            )
        })
        .collect();
    let files: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        files,
        [
            "Lync-UccApi-0.etl.xml",
            "Lync-UccApi-0.UccApilog",
            "helpdesk.log",
            "Lync-UccApi-0.etl.xml",
            "Lync-UccApi-0.UccApilog"
        ],
        "{s}"
    );
    let times: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(times, UTC_TIMES, "{s}");

    // No printed range runs backwards; the EWS title's range is the one the issue saw reversed.
    let rs = ranges(&s);
    assert!(rs.len() >= 3, "the title and the logs' spans: {rs:?}\n{s}");
    for (text, a, b) in &rs {
        assert!(a <= b, "{text} runs backwards");
    }
    assert!(
        rs.iter().any(|r| r.0 == "2026-03-08 06:58–07:01"),
        "the finding's span: {rs:?}\n{s}"
    );
}

#[test]
fn json_keeps_each_times_own_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let txt = build(dir.path());
    let (s, err, _) = run(dir.path(), &txt, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {err}"));
    let first = |name: &str| {
        v["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .find(|x| x["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|x| x["first"].as_str().unwrap_or("").to_string())
            .expect("source")
    };
    // Read in New York before the change: EST; the XML keeps its -05:00, the text log its Z.
    assert_eq!(
        first("Lync-UccApi-0.UccApilog"),
        "2026-03-08T01:59:00-05:00"
    );
    assert_eq!(first("Lync-UccApi-0.etl.xml"), "2026-03-08T01:58:30-05:00");
    assert_eq!(first("helpdesk.log"), "2026-03-08T07:00:00Z");
    let last = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|x| x["path"].as_str().is_some_and(|p| p.ends_with("UccApilog")))
        .map(|x| x["last"].clone())
        .expect("ucc");
    assert_eq!(last, "2026-03-08T03:01:01-04:00", "after the change: EDT");
}

#[test]
fn time_zone_moves_every_printed_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let txt = build(dir.path());
    let (s, err, _) = run(dir.path(), &txt, &["--time-zone", "Europe/Berlin"]);
    assert!(
        s.contains("times in Europe/Berlin (now UTC+01:00)"),
        "{err}\n{s}"
    );
    assert!(s.contains("2026-03-08 13:00:00 UTC+01:00"), "{s}");
    for t in ["07:58:30", "07:59:01", "08:00:00", "08:00:30", "08:01:01"] {
        assert!(s.contains(&format!("2026-03-08 {t}")), "{t}:\n{s}");
    }
    assert!(s.contains("2026-03-08 07:58–08:01 UTC+01:00"), "{s}");
    // `local` is this machine's zone (TZ here).
    let out = bin()
        .env("TZ", "America/New_York")
        .arg("report")
        .arg(dir.path())
        .args(["--now", NOW_DST, "--log-tz", "UTC", "--time-zone", "local"])
        .output()
        .expect("run");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("2026-03-08 08:00:00 UTC-04:00"), "{s}");
    assert!(
        s.contains("times in local time of this machine (now UTC-04:00)"),
        "{s}"
    );
    // The config file key works too.
    let cfg = dir.path().join("cfg.toml");
    std::fs::write(&cfg, "time_zone = \"-05:00\"\n").expect("cfg");
    let (s, err, _) = run(dir.path(), &txt, &["--config", cfg.to_str().expect("utf8")]);
    assert!(s.contains("2026-03-08 07:00:00 UTC-05:00"), "{err}\n{s}");
}

#[test]
fn bad_zone_names_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    for flag in ["--log-tz", "--time-zone"] {
        let out = bin()
            .arg("report")
            .arg(dir.path())
            .args([flag, "Europe/Berln"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.contains("Europe/Berln") && first.contains("IANA name"),
            "{flag}: {err}"
        );
        assert!(out.stdout.is_empty(), "{flag}");
    }
    let cfg = dir.path().join("cfg.toml");
    std::fs::write(&cfg, "time_zone = \"Mars/Olympus\"\n").expect("cfg");
    let out = bin()
        .arg("report")
        .arg(dir.path())
        .args(["--config", cfg.to_str().expect("utf8")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("time_zone") && err.contains("Mars/Olympus"),
        "{err}"
    );
    // IANA names are accepted by --log-tz.
    let out = bin()
        .arg("report")
        .arg(dir.path())
        .args(["--log-tz", "Europe/Berlin"])
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    // Both flags are documented in --help with IANA names.
    let out = bin().args(["report", "--help"]).output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--time-zone"), "{help}");
    assert!(help.contains("Europe/Berlin"), "{help}");
}

/// A wall-clock time that happens twice (1 November 2026, 01:30 in New York) is the earlier
/// instant (EDT, -04:00) whether the zone is named or is this machine's own (`--log-tz local`
/// with TZ set): the machine's zone used to give the later one.
#[cfg(unix)]
#[test]
fn a_repeated_hour_is_the_earlier_instant_in_the_local_zone_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("Lync-UccApi-0.UccApilog");
    std::fs::write(
        &log,
        "11/01/2026|01:30:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n",
    )
    .expect("write");
    for zone in ["local", "America/New_York"] {
        let out = bin()
            .env("TZ", "America/New_York")
            .args([
                "report",
                "--format",
                "json",
                "--now",
                "2026-11-02T00:00:00Z",
            ])
            .args(["--log-tz", zone, "--log"])
            .arg(&log)
            .output()
            .expect("run");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let first = v["sources"][0]["first"].as_str().unwrap_or("").to_string();
        assert_eq!(first, "2026-11-01T01:30:00-04:00", "{zone}: {v:#}");
    }
}

/// A log whose records are dated hours after now (a Tokyo workstation's log read in UTC, or a
/// wrong clock) says so in an info finding naming the log, its zone and how far ahead; a log
/// within minutes of now does not. Info: the exit code is not changed by it.
#[test]
fn a_log_dated_after_now_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("Lync-UccApi-0.UccApilog");
    let write = |stamp: &str| {
        std::fs::write(
            &log,
            format!("{stamp} 1F68:C14 INFO  :: CUccEndpoint::ProcessEvent - done\r\n"),
        )
        .expect("write")
    };
    let run = || {
        let out = bin()
            .args([
                "report",
                "--format",
                "json",
                "--now",
                "2026-03-02T06:00:00Z",
            ])
            .args(["--log-tz", "UTC", "--log"])
            .arg(&log)
            .output()
            .expect("run");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let ahead: Vec<serde_json::Value> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "log-clock-ahead")
            .cloned()
            .collect();
        (ahead, out.status.code())
    };
    write("03/02/2026|18:59:00.000");
    let (ahead, code) = run();
    assert_eq!(ahead.len(), 1, "{ahead:#?}");
    let title = ahead[0]["title"].as_str().expect("title");
    assert!(title.contains("12h 59m after now"), "{title}");
    assert!(title.contains("UTC"), "{title}");
    assert_eq!(ahead[0]["severity"], "info");
    assert_eq!(code, Some(0));
    write("03/02/2026|06:10:00.000");
    let (ahead, _) = run();
    assert!(ahead.is_empty(), "{ahead:#?}");
}
