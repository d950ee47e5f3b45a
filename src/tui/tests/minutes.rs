//! The log view's histogram counts every record read (the logs' per-minute tallies), not only
//! the events the bounded store kept as rows.

use super::*;
use crate::model::{EventStore, LogSummary};

const LOG: &str =
    "/case/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-0.UccApilog";

fn at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .expect("utc")
        .with_ymd_and_hms(2026, 3, 2, h, m, s)
        .single()
        .expect("time")
}

fn event(line: u64, time: DateTime<FixedOffset>, account: usize, kind: EventKind) -> LogEvent {
    let (level, marker, values): (&str, &str, &[(&str, &str)]) = match kind {
        EventKind::EwsFailure => ("ERROR", "ews-http-denied", &[("status", "401")]),
        _ => ("INFO", "sip-request", &[("method", "INVITE")]),
    };
    LogEvent {
        path: PathBuf::from(LOG),
        line,
        time: Some(time),
        level: Some(level.into()),
        thread: None,
        kind,
        marker: marker.into(),
        account: Some(account),
        profile: Some(["jdoe", "mkim", "ops"][account].into()),
        excerpt: format!("record {line}"),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// The fixture's accounts with one log read through the bounded store, as a scan leaves it:
/// 10:00 has 5000 EWS failures of jdoe (account 0), 10:02 has 40 SIP requests of jdoe, 10:03
/// has 300 SIP requests of mkim (account 1).
fn busy_model() -> (Model, u64) {
    let mut all = Vec::new();
    let mut line = 0;
    let mut push = |n: u32, t: (u32, u32), account: usize, kind: EventKind| {
        for i in 0..n {
            line += 1;
            all.push(event(line, at(10, t.0, t.1 + i % 50), account, kind));
        }
    };
    push(5000, (0, 0), 0, EventKind::EwsFailure);
    push(40, (2, 0), 0, EventKind::SipRequest);
    push(300, (3, 0), 1, EventKind::SipRequest);
    let total = all.len() as u64;
    let mut store = EventStore::new(Default::default());
    store.absorb(all);
    let (mut kept, tallies) = store.finish();
    crate::model::update::sort_events(&mut kept);
    let mut m = model();
    m.events = kept;
    m.sources.retain(|s| s.log.is_none());
    m.sources.push(Source {
        path: PathBuf::from(LOG),
        kind: SourceKind::Uccapilog,
        records: total,
        skipped: 0,
        log: Some(LogSummary {
            tallies,
            ..Default::default()
        }),
    });
    (m, total)
}

/// The histogram's title and bar rows (inside its border), from the screen.
fn histogram(s: &str) -> (String, Vec<char>) {
    let lines: Vec<&str> = s.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains("events / "))
        .unwrap_or_else(|| panic!("no histogram:\n{s}"));
    let bars = lines[i + 1].chars().skip(1).collect();
    (lines[i].to_string(), bars)
}

#[test]
fn the_histogram_counts_every_event_read_not_only_the_kept_rows() {
    let (m, total) = busy_model();
    assert!(
        (m.events.len() as u64) * 20 < total,
        "the store kept far fewer than were read: {} of {total}",
        m.events.len()
    );
    let mut a = app();
    a.set_model(m);
    key(&mut a, '3');
    assert_eq!(a.view, View::Log);
    // jdoe's scope: 5000 failures and 40 requests (mkim's 300 are out of scope).
    let s = render(&a, 80, 24);
    let (title, bars) = histogram(&s);
    assert!(title.contains("events / min · 5040 counted"), "{s}");
    // 10:00 is full height; 10:02 (40 of 5000) is the lowest bar, where the kept rows alone
    // (as many at 10:02 as at 10:00) would draw it full height too.
    assert_eq!(&bars[..3], &['█', ' ', '▁'], "{s}");
    assert!(a.log.order.len() < 100, "the list shows kept rows only");

    // All accounts: mkim's minute appears, 300 of 5000 (a 1/8 bar).
    key(&mut a, 'a');
    let s = render(&a, 80, 24);
    let (title, bars) = histogram(&s);
    assert!(title.contains("5340 counted"), "{s}");
    assert_eq!(&bars[..4], &['█', ' ', '▁', '▁'], "{s}");

    // Kind SIP (all kinds → EWS → SIP): only the requests, 340 of them, 300 the tallest.
    key(&mut a, 't');
    key(&mut a, 't');
    assert_eq!(a.log.kind, KindFilter::Sip);
    let s = render(&a, 80, 24);
    let (title, bars) = histogram(&s);
    assert!(title.contains("340 counted"), "{s}");
    // The range now starts at 10:02: 40 of 300 is a 2/8 bar.
    assert_eq!(&bars[..2], &['▂', '█'], "{s}");

    // Level ERROR with every kind: the 5000 failures alone, all problems.
    key(&mut a, 't');
    key(&mut a, 't');
    assert_eq!(a.log.kind, KindFilter::All);
    for _ in 0..3 {
        key(&mut a, 'l');
    }
    assert_eq!(a.log.level, LevelFilter::Error);
    let s = render(&a, 80, 24);
    let (title, _) = histogram(&s);
    assert!(title.contains("5000 counted"), "{s}");
    assert_eq!(a.log.minutes.len(), 1, "one minute: {:?}", a.log.minutes);
    assert_eq!(a.log.minutes[0].1, 5000);
    assert_eq!(a.log.minutes[0].2, 5000, "every one a problem");
}

#[test]
fn events_of_a_log_without_minute_tallies_are_counted_as_rows() {
    // The fixture's log has no tallies: its rows are what the histogram counts, as before.
    let mut a = app();
    key(&mut a, '3');
    let s = render(&a, 80, 24);
    let (title, _) = histogram(&s);
    assert!(!title.contains("counted"), "{s}");
    assert!(!a.log.minutes_exact);
    let rows: u32 = a.log.minutes.iter().map(|m| m.1).sum();
    let timed = a
        .log
        .order
        .iter()
        .filter(|&&i| a.model.events[i].time.is_some())
        .count() as u32;
    assert_eq!(rows, timed);
}

/// `n` single-line UccApilog records of one EWS failure, in minute `min` past 10:00.
fn failures(min: u32, n: u32) -> String {
    (0..n)
        .map(|i| {
            format!(
                "11/26/2026|10:{min:02}:{:02}.{:03} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n",
                i % 60,
                i % 1000
            )
        })
        .collect()
}

#[test]
fn a_tail_re_read_replaces_the_minute_counts_and_never_adds_to_them() {
    use crate::source::{scan, watch, ScanConfig};
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("Tracing").join("Lync-UccApi-0.UccApilog");
    std::fs::create_dir_all(log.parent().expect("parent")).expect("mkdir");
    std::fs::write(&log, failures(0, 300)).expect("write");
    let roots = vec![dir.path().to_path_buf()];
    let cfg = ScanConfig::default();
    let mut a = app();
    a.set_model(scan::scan(&roots, &cfg).model);
    key(&mut a, '3');
    let total = |a: &App| a.log.minutes.iter().map(|m| u64::from(m.1)).sum::<u64>();
    assert!(a.log.minutes_exact);
    // More than one marker classifies such a line; the histogram counts it once, as the list
    // shows it once.
    let occurrences: u64 = a
        .model
        .sources
        .iter()
        .filter_map(|s| s.log.as_ref())
        .flat_map(|l| &l.tallies)
        .map(|t| t.occurrences)
        .sum();
    assert!(occurrences > 300, "{occurrences} events on 300 lines");
    let per_record = 1;
    assert_eq!(total(&a), 300);
    let tails = crate::source::tail::Tails::default();
    // Read through the tail (whole the first time), then grown three times: each read replaces
    // the log's counts.
    let mut records = 300;
    for round in 0..4u32 {
        if round > 0 {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&log)
                .expect("open");
            std::io::Write::write_all(&mut f, failures(round, 200).as_bytes()).expect("append");
            records += 200;
        }
        let r = watch::reload_changed_logs(&a.model, &cfg, std::slice::from_ref(&log), &tails)
            .expect("a log alone");
        a.update(Event::Source(SourceEvent::LogsMerged(
            Box::new(r),
            Default::default(),
        )));
        assert_eq!(total(&a), records * per_record, "after read {round}");
        let per_minute: Vec<u64> = a.log.minutes.iter().map(|m| u64::from(m.1)).collect();
        let mut want = vec![300 * per_record];
        want.extend((0..round).map(|_| 200 * per_record));
        assert_eq!(per_minute, want, "after read {round}");
        // The same as a whole read of the file.
        let fresh = scan::scan(&roots, &cfg).model;
        let whole: i64 = fresh
            .sources
            .iter()
            .filter_map(|s| s.log.as_ref())
            .flat_map(|l| &l.tallies)
            .map(|t| t.minutes.total())
            .sum();
        assert_eq!(whole, (records * per_record) as i64, "after read {round}");
    }
    let (_, read) = tails.stats(&log).expect("tailed");
    assert!(
        read < std::fs::metadata(&log).expect("meta").len(),
        "read on, not whole"
    );
    let s = render(&a, 80, 24);
    assert!(
        s.contains(&format!("{} counted", records * per_record)),
        "{s}"
    );
}
