//! End-to-end: `watch --format ndjson` on a UccApilog that grows (failures appended one by one,
//! some in two pieces cut inside a record) and then rotates (renamed to `.bak`, a new log
//! created). Each failure line comes out once, at its own line number: none lost, none
//! repeated when the tail goes on from its checkpoint or starts over. The same for a tracerpt
//! CSV that grows row by row (its rows read on from the last one, the header's columns kept).
#![cfg(unix)]

use crate::common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn stamp() -> String {
    chrono::Utc::now()
        .format("%m/%d/%Y|%H:%M:%S%.3f")
        .to_string()
}

fn failure(n: u32) -> String {
    format!(
        "{} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref={n}\n",
        stamp()
    )
}

fn append(p: &Path, s: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(p)
        .expect("open log");
    f.write_all(s.as_bytes()).expect("append");
}

/// The log-event lines naming `ref=n` in their excerpt.
fn reports_of(seen: &[String], n: u32) -> Vec<Value> {
    let token = format!("ref={n}");
    seen.iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| {
            v["type"] == "log-event"
                && v["event"]["excerpt"]
                    .as_str()
                    .is_some_and(|x| x.split_whitespace().any(|w| w == token))
        })
        .collect()
}

/// The 1-based line of `ref=n` in `text`.
fn line_of(text: &str, n: u32) -> u64 {
    let token = format!("ref={n}");
    text.lines()
        .position(|l| l.split_whitespace().any(|w| w == token))
        .map(|i| i as u64 + 1)
        .expect("the line is in the log")
}

#[test]
fn appended_failures_come_out_once_and_a_rotation_starts_over() {
    let t = tempfile::tempdir().expect("tempdir");
    let lync = sip_dir(t.path(), "u", "16.0", "u@contoso.com");
    std::fs::create_dir_all(lync.join("History Spooler")).expect("mkdir");
    let tracing = lync.parent().expect("Lync").join("Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    let log = tracing.join("Lync-UccApi-0.UccApilog");
    std::fs::write(
        &log,
        format!(
            "{} 1F68:C14 INFO  :: client started\n{}",
            stamp(),
            failure(0)
        ),
    )
    .expect("write log");
    let args: Vec<&OsStr> = vec![
        "watch".as_ref(),
        "--format".as_ref(),
        "ndjson".as_ref(),
        "--heartbeat".as_ref(),
        "1h".as_ref(),
        t.path().as_os_str(),
    ];
    let mut child = Guarded::bin(&args, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut seen: Vec<String> = Vec::new();
    let has_ref = |n: u32| {
        let token = format!("ref={n}");
        move |l: &str| {
            serde_json::from_str::<Value>(l).is_ok_and(|v| {
                v["type"] == "log-event"
                    && v["event"]["excerpt"]
                        .as_str()
                        .is_some_and(|x| x.split_whitespace().any(|w| w == token))
            })
        }
    };
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the first failure", has_ref(0));
    for n in 1..=4 {
        let line = failure(n);
        if n % 2 == 0 {
            // Cut inside the next record's stamp: for a moment it reads as a continuation of
            // the previous record, then as a record of its own.
            let (a, b) = line.split_at(13);
            append(&log, a);
            std::thread::sleep(Duration::from_millis(700));
            append(&log, b);
        } else {
            append(&log, &line);
        }
        wait_line(
            &rx,
            &mut seen,
            WAIT_LIMIT,
            "an appended failure",
            has_ref(n),
        );
    }
    // Rotation: the log is renamed away and a new one starts.
    std::fs::rename(&log, tracing.join("Lync-UccApi-0.UccApilog.bak")).expect("rotate");
    std::fs::write(&log, failure(100)).expect("new log");
    wait_line(
        &rx,
        &mut seen,
        WAIT_LIMIT,
        "the new log's failure",
        has_ref(100),
    );
    append(&log, &failure(101));
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the next one", has_ref(101));
    child.signal("TERM");
    assert_eq!(child.wait(WAIT_LIMIT).code(), Some(0));
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.push(l);
    }
    let old = std::fs::read_to_string(tracing.join("Lync-UccApi-0.UccApilog.bak")).expect("bak");
    let new = std::fs::read_to_string(&log).expect("log");
    let here = |v: &Value, p: &Path| {
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        v["event"]["path"]
            .as_str()
            .is_some_and(|x| x.ends_with(&format!("/{name}")))
    };
    for n in 0..=4 {
        // Under the live log's name, once, at its line (the `.bak` is a new file to the
        // watcher: what it holds may come out again under that name).
        let r: Vec<Value> = reports_of(&seen, n)
            .into_iter()
            .filter(|v| here(v, &log))
            .collect();
        assert_eq!(r.len(), 1, "ref={n} reported once: {r:?}");
        assert_eq!(
            r[0]["event"]["line"].as_u64(),
            Some(line_of(&old, n)),
            "{r:?}"
        );
    }
    for n in [100, 101] {
        let r = reports_of(&seen, n);
        assert_eq!(r.len(), 1, "ref={n} reported once: {r:?}");
        assert!(here(&r[0], &log), "{r:?}");
        assert_eq!(
            r[0]["event"]["line"].as_u64(),
            Some(line_of(&new, n)),
            "{r:?}"
        );
    }
}

/// A tracerpt CSV row (Clock-Time now, as FILETIME) with an EWS failure naming `ref=n`.
fn csv_failure(n: u32) -> String {
    let now = chrono::Utc::now();
    let ft = now.timestamp() as u64 * 10_000_000
        + u64::from(now.timestamp_subsec_nanos()) / 100
        + 116_444_736_000_000_000;
    format!("Lync, Error, 10, 0, 0, 2, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , {ft}, 10, 20, EWS response HTTP/1.1 401 Unauthorized ref={n}\r\n")
}

#[test]
fn a_growing_tracerpt_csv_reports_each_new_row_once() {
    let t = tempfile::tempdir().expect("tempdir");
    let lync = sip_dir(t.path(), "u", "16.0", "u@contoso.com");
    std::fs::create_dir_all(lync.join("History Spooler")).expect("mkdir");
    let tracing = lync.parent().expect("Lync").join("Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    let log = tracing.join("client-trace.csv");
    std::fs::write(
        &log,
        format!(
            "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\r\nEventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , 0, 0, 0, 65536\r\n{}",
            csv_failure(0)
        ),
    )
    .expect("write log");
    let args: Vec<&OsStr> = vec![
        "watch".as_ref(),
        "--format".as_ref(),
        "ndjson".as_ref(),
        "--heartbeat".as_ref(),
        "1h".as_ref(),
        t.path().as_os_str(),
    ];
    let mut child = Guarded::bin(&args, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut seen: Vec<String> = Vec::new();
    let has_ref = |n: u32| move |l: &str| !reports_of(&[l.to_string()], n).is_empty();
    wait_line(
        &rx,
        &mut seen,
        WAIT_LIMIT,
        "the first row's failure",
        has_ref(0),
    );
    for n in 1..=4 {
        let row = csv_failure(n);
        if n % 2 == 0 {
            // Cut inside the row: for a moment it is a row without the failure, then the
            // whole row is read again from its start.
            let (a, b) = row.split_at(13);
            append(&log, a);
            std::thread::sleep(Duration::from_millis(700));
            append(&log, b);
        } else {
            append(&log, &row);
        }
        wait_line(
            &rx,
            &mut seen,
            WAIT_LIMIT,
            "an appended row's failure",
            has_ref(n),
        );
    }
    child.signal("TERM");
    assert_eq!(child.wait(WAIT_LIMIT).code(), Some(0));
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.push(l);
    }
    let text = std::fs::read_to_string(&log).expect("log");
    for n in 0..=4 {
        let r = reports_of(&seen, n);
        assert_eq!(r.len(), 1, "ref={n} reported once: {r:?}");
        assert_eq!(
            r[0]["event"]["line"].as_u64(),
            Some(line_of(&text, n)),
            "{r:?}"
        );
        assert_eq!(r[0]["event"]["kind"], "ews-failure", "{r:?}");
    }
}

/// A log already holding more failures of one kind than the bounded store keeps per group
/// (first 8, last 8, 16 spread) gets more in one write: each new one still comes out once, as
/// the failure it is, at its line (the lines come from what the tail read, not from what the
/// store kept; some used to come out as `http-status` only, or not at all).
#[test]
fn failures_past_what_the_store_keeps_each_come_out() {
    let t = tempfile::tempdir().expect("tempdir");
    let lync = sip_dir(t.path(), "u", "16.0", "u@contoso.com");
    std::fs::create_dir_all(lync.join("History Spooler")).expect("mkdir");
    let tracing = lync.parent().expect("Lync").join("Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    let log = tracing.join("Lync-UccApi-0.UccApilog");
    std::fs::write(&log, (0..40).map(failure).collect::<String>()).expect("write log");
    let args: Vec<&OsStr> = vec![
        "watch".as_ref(),
        "--format".as_ref(),
        "ndjson".as_ref(),
        "--heartbeat".as_ref(),
        "1h".as_ref(),
        t.path().as_os_str(),
    ];
    let mut child = Guarded::bin(&args, RUN_LIMIT);
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let mut seen: Vec<String> = Vec::new();
    let has_ref = |n: u32| {
        let token = format!("ref={n}");
        move |l: &str| {
            serde_json::from_str::<Value>(l).is_ok_and(|v| {
                v["type"] == "log-event"
                    && v["event"]["excerpt"]
                        .as_str()
                        .is_some_and(|x| x.split_whitespace().any(|w| w == token))
            })
        }
    };
    // The last of the first read is kept (the last 8 of a group are).
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the last failure", has_ref(39));
    let before = seen.len();
    append(&log, &(40..70).map(failure).collect::<String>());
    wait_line(&rx, &mut seen, WAIT_LIMIT, "the last appended", has_ref(69));
    std::thread::sleep(Duration::from_millis(1500));
    child.signal("TERM");
    assert_eq!(child.wait(WAIT_LIMIT).code(), Some(0));
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.push(l);
    }
    let text = std::fs::read_to_string(&log).expect("log");
    let after = &seen[before..];
    for n in 40..70 {
        let r = reports_of(after, n);
        assert_eq!(r.len(), 1, "ref={n} reported once: {r:?}");
        assert_eq!(r[0]["event"]["kind"], "ews-failure", "{r:?}");
        assert_eq!(r[0]["event"]["line"].as_u64(), Some(line_of(&text, n)));
    }
    // Nothing of the first read came out again.
    for n in 0..40 {
        assert!(reports_of(after, n).is_empty(), "ref={n} again");
    }
}
