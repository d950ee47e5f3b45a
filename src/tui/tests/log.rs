//! The log view: rows, masking, limits, search, jumps to errors, filters, follow.

use super::*;

#[test]
fn log_view_with_search_highlight() {
    let mut a = app();
    key(&mut a, '/');
    typed(&mut a, "401");
    code(&mut a, KeyCode::Enter);
    assert_eq!(a.view, View::Log);
    let t = terminal(&a, 80, 24);
    let s = screen(&t);
    assert!(s.contains("/401 (2)"), "{s}");
    assert!(s.contains("events / min"), "{s}");
    // The evil excerpt is shown escaped, never raw.
    assert!(s.contains("\\x1b]52;c;"), "{s}");
    assert!(!s.contains('\x1b'));
    // The matches are highlighted (reversed in mono), and only they.
    let buf = t.backend().buffer();
    let mut hits = 0;
    for y in 0..buf.area.height {
        for x in 0..buf.area.width.saturating_sub(2) {
            let c = &buf[(x, y)];
            if c.symbol() == "4"
                && buf[(x + 1, y)].symbol() == "0"
                && buf[(x + 2, y)].symbol() == "1"
                && c.modifier.contains(Modifier::REVERSED)
                && c.modifier.contains(Modifier::UNDERLINED)
            {
                hits += 1;
            }
        }
    }
    assert_eq!(hits, 2, "{s}");
    insta::assert_snapshot!("log_search_80x24", s);
    let s = render(&a, 120, 40);
    insta::assert_snapshot!("log_search_120x40", s);
    let s = render(&a, 40, 12);
    assert!(s.contains("401"), "{s}");
    insta::assert_snapshot!("log_search_40x12", s);
}

#[test]
fn log_content_is_masked_until_revealed_and_one_row_per_line() {
    let mut a = app();
    let secret = r#"EWS request <t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Layoffs list</t:Subject> HTTP/1.1 401 Unauthorized"#;
    // Two markers classified the same record (same file and line): one row, the problem one.
    let mut routine = ev(900, (9, 59, 0), "INFO", EventKind::EwsRequest, secret);
    routine.marker = "ews-operation".into();
    let failure = ev(900, (9, 59, 0), "INFO", EventKind::EwsFailure, secret);
    a.model.events.push(routine);
    a.model.events.push(failure);
    a.model.events.sort_by_key(|e| e.time);
    a.recompute_log();
    let rows = a
        .log
        .order
        .iter()
        .filter(|&&i| a.model.events[i].line == 900)
        .map(|&i| a.model.events[i].kind)
        .collect::<Vec<_>>();
    assert_eq!(rows, vec![EventKind::EwsFailure]);
    key(&mut a, '/');
    typed(&mut a, "list");
    code(&mut a, KeyCode::Enter);
    let s = render(&a, 160, 40);
    assert!(s.contains("IPM.Note"), "{s}");
    assert!(!s.contains("Layoffs"), "{s}");
    // Search looks at what is shown: the hidden subject does not match.
    assert!(a.log.search.matches.is_empty());
    key(&mut a, 'c');
    let s = render(&a, 160, 40);
    assert!(s.contains("Layoffs list"), "{s}");
    assert_eq!(a.log.search.matches.len(), 1);
    key(&mut a, 'c');
    assert!(!render(&a, 160, 40).contains("Layoffs"));
}

#[test]
fn log_view_shows_what_the_limits_left_out() {
    let mut a = app();
    key(&mut a, '3');
    assert!(!render(&a, 160, 30).contains("limits:"));
    let summary = crate::model::LogSummary {
        truncated_lines: 2,
        events_not_kept: 41_000,
        ..Default::default()
    };
    a.model.sources.push(crate::model::Source {
        path: PathBuf::from("Lync-UccApi-0.UccApilog"),
        kind: crate::model::SourceKind::Uccapilog,
        records: 10,
        skipped: 3,
        log: Some(summary),
    });
    let s = render(&a, 160, 30);
    assert!(
        s.contains("limits: 41000 routine events counted, not kept · 2 lines cut at 64 KiB · 3 lines skipped"),
        "{s}"
    );
}

#[test]
fn search_matches_and_n_cycles() {
    let mut a = app();
    key(&mut a, '/');
    assert!(a.log.search.editing);
    typed(&mut a, "unauthorized");
    code(&mut a, KeyCode::Enter);
    assert!(!a.log.search.editing);
    assert_eq!(
        a.log.search.matches,
        vec![3, 6],
        "smart case: lower-case is case-insensitive"
    );
    assert_eq!(a.log.sel, 3);
    key(&mut a, 'n');
    assert_eq!(a.log.sel, 6);
    key(&mut a, 'n');
    assert_eq!(a.log.sel, 3, "wraps");
    key(&mut a, 'N');
    assert_eq!(a.log.sel, 6);
    // Capital letters make it case-sensitive.
    key(&mut a, '/');
    typed(&mut a, "UNAUTH");
    code(&mut a, KeyCode::Enter);
    assert!(a.log.search.matches.is_empty());
    // A bad regex is reported, not fatal.
    key(&mut a, '/');
    typed(&mut a, "([");
    assert!(a.log.search.error.is_some());
    code(&mut a, KeyCode::Esc);
    assert!(a.log.search.regex.is_none());
}

#[test]
fn e_jumps_to_errors() {
    let mut a = app();
    key(&mut a, '3');
    assert_eq!(a.log.sel, 0);
    key(&mut a, 'e');
    assert_eq!(a.log.sel, 3);
    key(&mut a, 'e');
    assert_eq!(a.log.sel, 6);
    key(&mut a, 'e');
    assert_eq!(a.log.sel, 6, "no further error");
    assert_eq!(a.status.as_deref(), Some("no further error"));
    key(&mut a, 'E');
    assert_eq!(a.log.sel, 3);
}

#[test]
fn level_and_kind_filters() {
    let mut a = app();
    key(&mut a, '3');
    assert_eq!(a.log.order.len(), 8);
    key(&mut a, 'l');
    assert_eq!(a.log.level, LevelFilter::Info);
    assert_eq!(a.log.order.len(), 8);
    key(&mut a, 'l');
    assert_eq!(a.log.level, LevelFilter::Warn);
    assert_eq!(a.log.order.len(), 3);
    key(&mut a, 'l');
    assert_eq!(a.log.order.len(), 2);
    key(&mut a, 'l');
    assert_eq!(a.log.level, LevelFilter::All);
    key(&mut a, 't');
    assert_eq!(a.log.kind, KindFilter::Ews);
    assert_eq!(a.log.order.len(), 4);
    key(&mut a, 't');
    assert_eq!(a.log.kind, KindFilter::Sip);
    assert_eq!(a.log.order.len(), 2);
    // Another account has no events.
    key(&mut a, 't');
    key(&mut a, 't');
    key(&mut a, '1');
    code(&mut a, KeyCode::BackTab);
    key(&mut a, 'j');
    assert!(a.log.order.is_empty());
}

#[test]
fn follow_sticks_to_the_end() {
    let mut a = app();
    key(&mut a, '3');
    key(&mut a, 'f');
    assert!(a.log.follow);
    assert_eq!(a.log.sel, 7);
    let mut m = a.model.clone();
    m.events
        .push(ev(90, (11, 59, 0), "INFO", EventKind::Other, "new line"));
    a.set_model(m);
    assert_eq!(a.log.sel, 8);
    key(&mut a, 'k');
    assert!(!a.log.follow);
}

/// A new model with fewer events (a log truncated or rotated away) while a late row is
/// selected: no panic (an index into the old events was used on the new ones), and the
/// selection goes back to the same log line when it is still there.
#[test]
fn a_shrinking_model_keeps_the_selected_line_without_panicking() {
    let mut a = app();
    key(&mut a, '3');
    key(&mut a, 'G');
    let n = a.log.order.len();
    assert!(n > 3, "{n}");
    // Select the third row from the end; remember its line.
    key(&mut a, 'k');
    key(&mut a, 'k');
    let e = &a.model.events[a.log.order[a.log.sel]];
    let (path, line) = (e.path.clone(), e.line);
    // The new model: the selected event kept, the events before it dropped (their indices
    // shift), the last one gone too.
    let mut m = a.model.clone();
    let keep = a.log.order[a.log.sel];
    let last = *a.log.order.last().expect("rows");
    m.events = m
        .events
        .iter()
        .enumerate()
        .filter(|&(i, _)| i == keep || (i > keep && i != last))
        .map(|(_, e)| e.clone())
        .collect();
    a.set_model(m);
    let e = &a.model.events[a.log.order[a.log.sel]];
    assert_eq!((&e.path, e.line), (&path, line));
    let _ = render(&a, 100, 30);
    // Shrunk to a single event: the selection stays in range.
    let mut m = a.model.clone();
    m.events.truncate(1);
    a.set_model(m);
    assert!(a.log.sel < a.log.order.len().max(1));
    let _ = render(&a, 100, 30);
}

/// Review wild4s defect 2: the raw view showed the text of a logged SIP MESSAGE (an instant
/// message) before `c`. It is masked (addresses kept) as a bundle's excerpt masks it, also
/// when the window starts in the middle of the message; `c` reveals it.
#[test]
fn the_raw_view_hides_a_sip_message_body_until_revealed() {
    let d = tempfile::tempdir().expect("tmp");
    let log = d.path().join("Lync-UccApi-0.UccApilog");
    let rec = |m: &str| format!("03/02/2026|09:59:40.000 1F68:C14 INFO  :: {m}\r\n");
    let mut text = rec(
        "Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 612 bytes:",
    ) + &rec("MESSAGE sip:rlee@contoso.com SIP/2.0")
        + "From: <sip:jdoe@contoso.com>;tag=1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n";
    for k in 0..100 {
        text.push_str(&format!(
            "IMSECRET{k} the merger closes friday ask rlee@contoso.com\r\n"
        ));
    }
    text += &rec("End of Sending Packet - 192.0.2.10:5061");
    text += &rec("EWS POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1 401 Unauthorized");
    std::fs::write(&log, &text).expect("log");
    let mut a = app();
    for line in [7u64, 100] {
        crate::tui::open_raw(&mut a, &log, line);
        crate::tui::prepare_frame(&mut a, 30);
        let s = render(&a, 160, 30);
        assert!(!s.contains("IMSECRET"), "line {line}: {s}");
        assert!(!s.contains("merger"), "line {line}: {s}");
        assert!(
            s.contains("xxxxxxxxxx xxx xxxxxx xxxxxx xxxxxx xxx rlee@contoso.com"),
            "line {line}: {s}"
        );
        if line == 7 {
            assert!(s.contains("MESSAGE sip:rlee@contoso.com SIP/2.0"), "{s}");
            assert!(s.contains("Content-Type: text/plain; charset=UTF-8"), "{s}");
        } else {
            // The window starts 90 lines into the body: its start line was not read.
            assert!(s.contains("line 100/107"), "{s}");
            assert!(!s.contains("MESSAGE sip:"), "{s}");
        }
    }
    key(&mut a, 'c');
    let s = render(&a, 160, 30);
    assert!(s.contains("the merger closes friday"), "{s}");
}
