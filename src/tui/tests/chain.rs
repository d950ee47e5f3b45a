//! The issue-15 case in the item popup: the IM to bob got its 480 at 09:41:00, EWS CreateItem
//! failed with 401 at 09:41:02 and 09:43:02, a retry was logged at 09:45:02, the spooled file
//! was last written at 09:50:00. The popup's timeline shows the 480 and both 401s with why each
//! is linked, and `⏎` on a row opens that raw line in the log view.

use super::*;

fn bob_model() -> Model {
    let jdoe = sip("jdoe", "jdoe@contoso.com", "16.0");
    let mut m = Model {
        accounts: vec![Account {
            address: "jdoe@contoso.com".into(),
            client: ClientGen::Office16,
            profile: Some("jdoe".into()),
            dir: jdoe.clone(),
            spooler: Some(jdoe.join("History Spooler")),
        }],
        // Written 4 h 10 min before 14:00:00Z: 09:50:00Z.
        items: vec![item(
            0,
            &jdoe,
            "{B0B}.xml",
            4 * 3600 + 600,
            900,
            "bob@contoso.com",
        )],
        ..Default::default()
    };
    let mut e480 = ev(
        6,
        (9, 41, 0),
        "INFO",
        EventKind::SipResponse,
        "SIP ← 480 Temporarily Unavailable",
    );
    e480.values
        .insert("to_address".into(), "bob@contoso.com".into());
    m.events = vec![
        e480,
        ev(
            11,
            (9, 41, 1),
            "INFO",
            EventKind::EwsRequest,
            "EWS → POST /EWS/Exchange.asmx CreateItem",
        ),
        ev(
            13,
            (9, 41, 2),
            "ERROR",
            EventKind::EwsFailure,
            "EWS ✖ 401 Unauthorized",
        ),
        ev(
            14,
            (9, 43, 1),
            "INFO",
            EventKind::EwsRequest,
            "EWS → POST /EWS/Exchange.asmx CreateItem",
        ),
        ev(
            15,
            (9, 43, 2),
            "ERROR",
            EventKind::EwsFailure,
            "EWS ✖ 401 Unauthorized",
        ),
        ev(
            16,
            (9, 45, 2),
            "INFO",
            EventKind::SpoolerRetry,
            "History Spooler: retrying 1 offline messages",
        ),
    ];
    m.related = crate::diagnose::correlate::correlate(&m, Default::default());
    m
}

fn bob_app() -> App {
    let mut a = app();
    a.set_model(bob_model());
    a
}

/// The chain rows of the popup: (time and text, file:line and link) pairs.
fn timeline(s: &str) -> Vec<String> {
    s.lines()
        .skip_while(|l| !l.contains("Related log events"))
        .skip(1)
        .map(|l| l.split('║').nth(1).unwrap_or("").trim().to_string())
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn bobs_popup_shows_the_480_and_both_401s_with_their_reasons() {
    let mut a = bob_app();
    code(&mut a, KeyCode::Enter);
    assert!(matches!(&a.popup, Popup::Item { path, .. } if path.ends_with("{B0B}.xml")));
    let s = render(&a, 100, 60);
    let rows = timeline(&s);
    let at = |needle: &str| {
        rows.iter()
            .position(|r| r.contains(needle))
            .unwrap_or_else(|| panic!("{needle} missing:\n{s}"))
    };
    let i480 = at("SIP 480 from bob@contoso.com (offline)");
    assert!(rows[i480].starts_with("09:41:00"), "{s}");
    assert!(
        rows[i480 + 1].ends_with("UccApilog:6 · same recipient"),
        "{s}"
    );
    for (time, line) in [("09:41:02", 13), ("09:43:02", 15)] {
        let i = rows
            .iter()
            .position(|r| r.starts_with(time) && r.contains("401"))
            .unwrap_or_else(|| panic!("401 at {time}:\n{s}"));
        assert!(
            rows[i + 1].contains(&format!("UccApilog:{line} · ")),
            "{time}: {s}"
        );
    }
    insta::assert_snapshot!("bob_chain_popup_100x60", s);
}

#[test]
fn enter_on_a_timeline_row_opens_that_raw_line() {
    let mut a = bob_app();
    code(&mut a, KeyCode::Enter);
    let related = a
        .model
        .related
        .values()
        .next()
        .cloned()
        .expect("bob's chain");
    let want = related
        .iter()
        .position(|e| e.line == Some(15))
        .expect("the second 401 is in the chain");
    for _ in 0..want {
        code(&mut a, KeyCode::Down);
    }
    // The selected row is marked on screen.
    let s = render(&a, 100, 60);
    let marked: Vec<String> = timeline(&s)
        .into_iter()
        .filter(|r| r.contains('▶'))
        .collect();
    assert_eq!(marked.len(), 1, "{s}");
    assert!(marked[0].starts_with("09:43:02 ▶"), "{s}");
    let cmds = code(&mut a, KeyCode::Enter);
    assert_eq!(a.popup, Popup::None);
    assert_eq!(a.view, View::Log);
    let sel = a.log.order.get(a.log.sel).map(|&i| &a.model.events[i]);
    assert_eq!(sel.map(|e| e.line), Some(15), "the log view is on the 401");
    assert!(
        matches!(cmds.as_slice(), [Cmd::OpenRaw { path, line: 15 }] if path.ends_with("Lync-UccApi-0.UccApilog")),
        "{cmds:?}"
    );
    // Up past the first row stays on it; Enter there opens the 480's line.
    let mut b = bob_app();
    code(&mut b, KeyCode::Enter);
    code(&mut b, KeyCode::Up);
    let cmds = code(&mut b, KeyCode::Enter);
    let first = related.first().and_then(|e| e.line).expect("line");
    assert!(
        matches!(cmds.as_slice(), [Cmd::OpenRaw { line, .. }] if *line == first),
        "{cmds:?}"
    );
}

#[test]
fn the_view_prints_in_its_zone_and_names_it() {
    let mut a = bob_app();
    a.rules.zone = crate::clock::Zone::Named(chrono_tz::America::New_York);
    code(&mut a, KeyCode::Enter);
    let s = render(&a, 100, 60);
    // 14:00:00Z and 09:41:00Z are 09:00:00 and 04:41:00 in New York (EST, -05:00).
    assert!(s.contains("09:00:00 America/New_York frozen"), "{s}");
    assert!(
        s.contains("modified      2026-03-02 04:50:00 UTC-05:00"),
        "{s}"
    );
    let rows = timeline(&s);
    assert!(rows[0].starts_with("04:41:00 ▶ SIP 480 from bob"), "{s}");
    assert!(!s.contains("09:41:00"), "{s}");
}
