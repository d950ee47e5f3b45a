//! Screen, key-handling and watcher tests for the live view.

use super::app::{App, Cmd, KindFilter, LevelFilter, Pane, Popup, SortKey, View};
use super::event::{Event, SourceEvent};
use super::keys::KeyMap;
use super::theme::{Theme, ThemeName};
use super::ui;
use crate::model::{
    Account, ClientGen, Clock, EventKind, Fields, Format, Item, ItemState, LogEvent, Model, Source,
    SourceKind,
};
use chrono::{DateTime, Duration as CDuration, FixedOffset, TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::Duration;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
        .single()
        .expect("valid")
}

const ROOT: &str = "/case";

fn sip(user: &str, addr: &str, ver: &str) -> PathBuf {
    PathBuf::from(format!(
        "{ROOT}/Users/{user}/AppData/Local/Microsoft/Office/{ver}/Lync/sip_{addr}"
    ))
}

fn item(account: usize, dir: &std::path::Path, name: &str, age: i64, size: u64, to: &str) -> Item {
    let mut fields = Fields::default();
    if !to.is_empty() {
        fields.to = vec![to.to_string()];
        fields.from = Some("jdoe@contoso.com".into());
        fields.subject = Some("Quarterly numbers".into());
        fields
            .sources
            .insert("to".into(), "xml:ToRecipients/Mailbox/EmailAddress".into());
    }
    let format = if to.is_empty() {
        Format::Binary
    } else {
        Format::Xml
    };
    Item {
        fields,
        preview: Some("Hello Rachel, the numbers are in.".into()),
        ..Item::bare(
            dir.join("History Spooler").join(name),
            account,
            size,
            Some(now() - CDuration::seconds(age)),
            format,
        )
    }
}

fn ev(line: u64, hms: (u32, u32, u32), level: &str, kind: EventKind, text: &str) -> LogEvent {
    let tz = FixedOffset::east_opt(0).expect("utc");
    LogEvent {
        path: PathBuf::from(format!(
            "{ROOT}/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-0.UccApilog"
        )),
        line,
        time: tz
            .with_ymd_and_hms(2026, 3, 2, hms.0, hms.1, hms.2)
            .single(),
        level: Some(level.into()),
        kind,
        marker: "test".into(),
        account: Some(0),
        profile: Some("jdoe".into()),
        excerpt: text.into(),
        values: Default::default(),
    }
}

fn model() -> Model {
    let jdoe = sip("jdoe", "jdoe@contoso.com", "16.0");
    let mkim = sip("mkim", "mkim@contoso.com", "16.0");
    let ops = sip("ops", "ops@fabrikam.com", "15.0");
    let acc = |addr: &str, client, profile: &str, dir: &PathBuf| Account {
        address: addr.into(),
        client,
        profile: Some(profile.into()),
        dir: dir.clone(),
        spooler: Some(dir.join("History Spooler")),
    };
    let mut m = Model {
        accounts: vec![
            acc("jdoe@contoso.com", ClientGen::Office16, "jdoe", &jdoe),
            acc("mkim@contoso.com", ClientGen::Office16, "mkim", &mkim),
            acc("ops@fabrikam.com", ClientGen::Office15, "ops", &ops),
        ],
        items: vec![
            item(
                0,
                &jdoe,
                "{A1}.xml",
                2 * 3600 + 14 * 60,
                1300,
                "rlee@contoso.com",
            ),
            item(0, &jdoe, "{A2}.xml", 41 * 60, 611, "ext@partner.example"),
            item(0, &jdoe, "{A3}.dat", 3 * 60 + 5, 2048, ""),
            item(0, &jdoe, "{A4}.xml", 48, 1100, "mkim@contoso.com"),
            item(1, &mkim, "{B1}.xml", 30, 900, "jdoe@contoso.com"),
        ],
        ..Model::default()
    };
    for a in &m.accounts {
        m.sources.push(Source {
            path: a.spooler.clone().expect("spooler"),
            kind: SourceKind::Spooler,
            records: 0,
            skipped: 0,
            log: None,
        });
    }
    // The trace log the events below come from (the header counts it: "1 logs").
    m.sources.push(Source {
        path: PathBuf::from(format!(
            "{ROOT}/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-0.UccApilog"
        )),
        kind: SourceKind::Uccapilog,
        records: 8,
        skipped: 0,
        log: Some(crate::model::LogSummary {
            encoding: "utf-8".into(),
            detected_by: crate::model::DetectedBy::NameAndContent,
            profile: Some("jdoe".into()),
            account: Some("jdoe@contoso.com".into()),
            lines: 8,
            time_zone: "UTC".into(),
            ..Default::default()
        }),
    });
    m.events = vec![
        ev(
            10,
            (11, 45, 1),
            "INFO",
            EventKind::SipRequest,
            "SIP → INVITE rlee@contoso.com",
        ),
        ev(
            20,
            (11, 45, 2),
            "INFO",
            EventKind::SipResponse,
            "SIP ← 480 Temporarily Unavailable",
        ),
        ev(
            30,
            (11, 46, 0),
            "INFO",
            EventKind::EwsRequest,
            "EWS → POST /EWS/Exchange.asmx CreateItem SaveOnly",
        ),
        ev(
            40,
            (11, 46, 1),
            "ERROR",
            EventKind::EwsFailure,
            "EWS ✖ 401 Unauthorized hr=0x80190191",
        ),
        ev(
            50,
            (11, 48, 0),
            "WARN",
            EventKind::SpoolerRetry,
            "spooler retry in 120 s",
        ),
        ev(
            60,
            (11, 50, 0),
            "INFO",
            EventKind::EwsRequest,
            "EWS → POST /EWS/Exchange.asmx CreateItem SaveOnly",
        ),
        ev(
            70,
            (11, 50, 1),
            "ERROR",
            EventKind::EwsFailure,
            "EWS ✖ 401 Unauthorized again",
        ),
        ev(
            80,
            (11, 52, 0),
            "INFO",
            EventKind::Other,
            "evil \x1b]52;c;cHduZWQ=\x07 line",
        ),
    ];
    m
}

fn app() -> App {
    let clock = Clock {
        now: now(),
        stuck_after: Duration::from_secs(120),
    };
    let mut a = App::new(
        clock,
        true,
        vec![PathBuf::from(ROOT)],
        KeyMap::default(),
        Theme::new(ThemeName::Mono),
    );
    a.watch_label = "watching (native)".into();
    a.set_model(model());
    a
}

fn key(app: &mut App, c: char) -> Vec<Cmd> {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    app.update(Event::Key(KeyEvent::new(KeyCode::Char(c), mods)))
}

fn code(app: &mut App, c: KeyCode) -> Vec<Cmd> {
    app.update(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, c);
    }
}

fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| ui::draw(f, app)).expect("draw");
    t
}

/// The screen as text, one line per row (wide glyphs take their two cells once).
fn screen(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        let mut line = String::new();
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let s = buf[(x, y)].symbol();
            line.push_str(s);
            skip = ratatui::text::Span::raw(s).width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn render(app: &App, w: u16, h: u16) -> String {
    let s = screen(&terminal(app, w, h));
    // Snapshots are shared by every OS: show the Windows separators of the fixture's paths as
    // `/` (other backslashes, such as escaped control characters, stay).
    if cfg!(windows) {
        s.replace("\\History Spooler\\", "/History Spooler/")
    } else {
        s
    }
}

// ---------------------------------------------------------------- screens

#[test]
fn overview_80x24() {
    let a = app();
    let s = render(&a, 80, 24);
    assert!(s.contains("jdoe@contoso.com"), "{s}");
    assert!(s.contains("✖ STUCK"), "{s}");
    assert!(s.contains("⏳ pending"), "{s}");
    assert!(s.contains("2h 14m"), "{s}");
    assert!(s.contains("▲ CRIT"), "{s}");
    assert!(s.contains("spool-stuck"), "{s}");
    assert!(s.contains("14:00:00 frozen"), "{s}");
    assert!(
        !s.contains("Quarterly"),
        "subjects are hidden by default\n{s}"
    );
    insta::assert_snapshot!("overview_80x24", s);
}

#[test]
fn overview_120x40_shows_sender_and_hidden_subject() {
    let a = app();
    let s = render(&a, 120, 40);
    assert!(s.contains("FROM → TO"), "{s}");
    assert!(s.contains("‹hidden›"), "{s}");
    assert!(s.contains("· 1 info"), "{s}");
    insta::assert_snapshot!("overview_120x40", s);
}

#[test]
fn overview_40x12_shows_the_focused_pane() {
    let mut a = app();
    let s = render(&a, 40, 12);
    assert!(s.contains("Items"), "{s}");
    assert!(s.contains("✖ STUCK"), "{s}");
    insta::assert_snapshot!("overview_40x12_items", s);
    a.pane = Pane::Accounts;
    let s = render(&a, 40, 12);
    assert!(s.contains("mkim@contoso.com"), "{s}");
    insta::assert_snapshot!("overview_40x12_accounts", s);
}

#[test]
fn accounts_list_120x40_shows_counts() {
    let mut a = app();
    code(&mut a, KeyCode::BackTab);
    assert_eq!(a.pane, Pane::Accounts);
    let s = render(&a, 120, 40);
    assert!(s.contains("16.0 · 3/4 stuck · 2h 14m"), "{s}");
    assert!(s.contains("15.0 · 0/0 stuck"), "{s}");
}

#[test]
fn item_detail_80x24_and_reveal() {
    let mut a = app();
    code(&mut a, KeyCode::Enter);
    assert!(matches!(&a.popup, Popup::Item { path, .. } if path.ends_with("{A1}.xml")));
    let s = render(&a, 80, 24);
    assert!(s.contains("Users/jdoe/AppData"), "{s}");
    assert!(
        !s.contains("/case/"),
        "paths shown relative to the root\n{s}"
    );
    assert!(s.contains("‹hidden: press c to reveal›"), "{s}");
    assert!(!s.contains("Hello Rachel"), "{s}");
    insta::assert_snapshot!("item_detail_80x24", s);
    // A wrapped value stays under its label column: the path's second line and the source
    // label that did not fit after the address are indented, never at the popup's edge.
    let rows: Vec<&str> = s.lines().collect();
    let path_row = rows
        .iter()
        .position(|l| l.contains("Users/jdoe/AppData"))
        .expect("path row");
    assert!(rows[path_row].contains("path          Users/jdoe"), "{s}");
    let inner = |l: &str| l.split('║').nth(1).unwrap_or("").to_string();
    assert!(
        inner(rows[path_row + 1]).starts_with("              "),
        "wrapped path not indented:\n{s}"
    );
    let src_row = rows
        .iter()
        .position(|l| l.contains("xml:ToRecipients"))
        .expect("source row");
    assert!(
        inner(rows[src_row]).starts_with("              ←"),
        "wrapped source label not indented:\n{s}"
    );
    key(&mut a, 'c');
    let s = render(&a, 120, 40);
    assert!(s.contains("Quarterly numbers"), "{s}");
    assert!(s.contains("Hello Rachel"), "{s}");
    assert!(s.contains("← xml:ToRecipients"), "{s}");
    assert!(s.contains("Related log events"), "{s}");
    // The related rows: every event of the account within ±5 min of 11:46:00, in time order,
    // and nothing outside the window (11:52:00 is six minutes later).
    let s = render(&a, 120, 60);
    let related: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("Related log events"))
        .skip(1)
        .map(|l| l.split('║').nth(1).unwrap_or("").trim())
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        related,
        [
            "11:45:01 INFO  SIP → INVITE rlee@contoso.com",
            "11:45:02 INFO  SIP ← 480 Temporarily Unavailable",
            "11:46:00 INFO  EWS → POST /EWS/Exchange.asmx CreateItem SaveOnly",
            "11:46:01 ERROR EWS ✖ 401 Unauthorized hr=0x80190191",
            "11:48:00 WARN  spooler retry in 120 s",
            "11:50:00 INFO  EWS → POST /EWS/Exchange.asmx CreateItem SaveOnly",
            "11:50:01 ERROR EWS ✖ 401 Unauthorized again",
        ],
        "{s}"
    );
    // The pending item at 48 s has none of them (its window holds no event).
    code(&mut a, KeyCode::Esc);
    a.popup = Popup::Item {
        path: a
            .model
            .items
            .iter()
            .find(|i| i.name() == "{A4}.xml")
            .expect("A4")
            .path
            .clone(),
        scroll: 0,
    };
    let s = render(&a, 120, 60);
    assert!(s.contains("none in the loaded logs"), "{s}");
}

/// The text of row `y` from column `x` on (a wide glyph's second cell adds nothing).
fn text_from(t: &Terminal<TestBackend>, x: u16, y: u16) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    let mut skip = 0;
    for x in x..buf.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let s = buf[(x, y)].symbol();
        out.push_str(s);
        skip = crate::sanitize::width(s).saturating_sub(1);
    }
    out
}

/// Names in CJK, Hangul, Turkish, Cyrillic and emoji: every column of the items table starts at
/// the same cell on every row, and the accounts pane keeps its border.
#[test]
fn wide_names_keep_the_columns() {
    let mut m = Model::default();
    for (i, p) in crate::corpus_tree::INTERNATIONAL.iter().enumerate() {
        let dir = sip(p.profile, &p.address(), "16.0");
        m.accounts.push(Account {
            address: p.address(),
            client: ClientGen::Office16,
            profile: Some(p.profile.into()),
            dir: dir.clone(),
            spooler: Some(dir.join("History Spooler")),
        });
        let mut it = item(
            i,
            &dir,
            &format!("{}.xml", p.file),
            900 + i as i64,
            1200,
            "rlee@contoso.com",
        );
        it.fields.subject = Some(p.subject.into());
        it.fields.from = Some(p.address());
        m.items.push(it);
    }
    let mut a = app();
    a.set_model(m);
    key(&mut a, 'a');
    key(&mut a, 'c');
    for (w, h) in [(150, 30), (120, 30)] {
        let t = terminal(&a, w, h);
        let s = screen(&t);
        let rows: Vec<&str> = s.lines().collect();
        let head_y = rows
            .iter()
            .position(|l| l.contains("FORMAT") && l.contains("SUBJECT"))
            .unwrap_or_else(|| panic!("no header:\n{s}")) as u16;
        let buf = t.backend().buffer();
        let x_of = |label: &str| {
            (0..w)
                .find(|&x| text_from(&t, x, head_y).starts_with(label))
                .unwrap_or_else(|| panic!("no {label} in the header:\n{s}"))
        };
        let (x_fmt, x_subj, x_file) = (x_of("FORMAT"), x_of("SUBJECT"), x_of("FILE"));
        let people = crate::corpus_tree::INTERNATIONAL;
        let mut seen = 0;
        for y in head_y + 1..head_y + 1 + people.len() as u16 {
            assert!(text_from(&t, x_fmt, y).starts_with("xml "), "row {y}:\n{s}");
            let subj = text_from(&t, x_subj, y);
            let file = text_from(&t, x_file, y);
            let p = people
                .iter()
                .find(|p| subj.starts_with(&p.subject.chars().take(3).collect::<String>()))
                .unwrap_or_else(|| panic!("no subject at column {x_subj} in row {y}:\n{s}"));
            assert!(
                file.starts_with(&p.file.chars().take(3).collect::<String>()),
                "file column of row {y} is {file:?}:\n{s}"
            );
            seen += 1;
        }
        assert_eq!(seen, people.len());
        // The accounts pane's right border stands on every row of the pane.
        let border_x = (1..w)
            .find(|&x| buf[(x, 1)].symbol() == "┐" || buf[(x, 1)].symbol() == "┓")
            .expect("accounts pane corner");
        for y in 2..head_y + people.len() as u16 {
            let c = buf[(border_x, y)].symbol();
            assert!(c == "│" || c == "┃", "border at row {y} is {c:?}:\n{s}");
        }
    }
}

#[test]
fn findings_view_and_popup() {
    let mut a = app();
    key(&mut a, '2');
    assert_eq!(a.view, View::Findings);
    let s = render(&a, 80, 24);
    assert!(s.contains("Findings · 2"), "{s}");
    assert!(s.contains("▲ CRIT spool-stuck"), "{s}");
    insta::assert_snapshot!("findings_80x24", s);
    code(&mut a, KeyCode::Enter);
    assert!(matches!(a.popup, Popup::Finding { .. }));
    let s = render(&a, 80, 24);
    assert!(s.contains("Why it matters"), "{s}");
    // The marker sits on the line of the location it marks, and the location's wrapped part
    // is indented under it.
    let rows: Vec<&str> = s.lines().collect();
    let at = rows
        .iter()
        .position(|l| l.contains("▶"))
        .unwrap_or_else(|| panic!("no marker:\n{s}"));
    assert!(rows[at].contains("▶ Users/jdoe/AppData"), "{s}");
    assert!(
        rows[at + 1]
            .split('║')
            .nth(1)
            .unwrap_or("")
            .starts_with("  "),
        "{s}"
    );
    insta::assert_snapshot!("finding_popup_80x24", s);
    let s = render(&a, 120, 40);
    assert!(s.contains("What to do"), "{s}");
    let s = render(&a, 40, 12);
    assert!(s.contains("Finding"), "{s}");
}

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
fn help_is_generated_from_the_keymap() {
    let mut a = app();
    key(&mut a, '?');
    let s = render(&a, 80, 24);
    assert!(s.contains("next error / EWS failure"), "{s}");
    assert!(s.contains("q/^C"), "{s}");
    insta::assert_snapshot!("help_80x24", s);
    let s = render(&a, 40, 12);
    assert!(s.contains("Help"), "{s}");
    insta::assert_snapshot!("help_40x12", s);
    let s = render(&a, 120, 40);
    assert!(s.contains("copy finding (OSC 52)"), "{s}");
}

#[test]
fn rebound_keys_show_in_help() {
    let mut o = std::collections::BTreeMap::new();
    o.insert("next-error".to_string(), vec!["x".to_string()]);
    let mut a = app();
    a.keymap = KeyMap::with_overrides(&o).expect("valid");
    key(&mut a, '?');
    let s = render(&a, 80, 24);
    assert!(s.contains(" x       next error"), "{s}");
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let mut a = app();
    let s = render(&a, 20, 5);
    assert!(s.contains("terminal too"), "{s}");
    type Setup = Box<dyn Fn(&mut App)>;
    let setups: Vec<Setup> = vec![
        Box::new(|_| {}),
        Box::new(|a| {
            key(a, '?');
        }),
        Box::new(|a| {
            code(a, KeyCode::Enter);
        }),
        Box::new(|a| {
            key(a, '2');
            code(a, KeyCode::Enter);
        }),
        Box::new(|a| {
            key(a, '/');
            typed(a, "ews");
        }),
        Box::new(|a| {
            key(a, 'w');
            key(a, 'm');
        }),
    ];
    for setup in &setups {
        a = app();
        setup(&mut a);
        for (w, h) in [(0, 0), (1, 1), (0, 5), (5, 0), (2, 2)] {
            render(&a, w, h);
        }
        for w in (1..=130).step_by(16) {
            for h in (1..=42).step_by(8) {
                render(&a, w, h);
            }
        }
    }
}

#[test]
fn mono_screen_has_no_colour() {
    let a = app();
    let t = terminal(&a, 80, 24);
    let buf = t.backend().buffer();
    for c in buf.content() {
        assert_eq!(c.fg, ratatui::style::Color::Reset);
        assert_eq!(c.bg, ratatui::style::Color::Reset);
    }
}

// ---------------------------------------------------------------- keys

#[test]
fn selection_moves_and_clamps() {
    let mut a = app();
    assert_eq!(a.pane, Pane::Items);
    assert_eq!(a.item_sel, 0);
    key(&mut a, 'j');
    key(&mut a, 'j');
    assert_eq!(a.item_sel, 2);
    for _ in 0..10 {
        key(&mut a, 'j');
    }
    assert_eq!(a.item_sel, 3, "clamped to the last of 4 items");
    key(&mut a, 'g');
    assert_eq!(a.item_sel, 0);
    key(&mut a, 'G');
    assert_eq!(a.item_sel, 3);
    code(&mut a, KeyCode::Up);
    assert_eq!(a.item_sel, 2);
}

#[test]
fn tab_cycles_panes_and_account_selection_scopes_items() {
    let mut a = app();
    code(&mut a, KeyCode::Tab);
    assert_eq!(a.pane, Pane::Why);
    code(&mut a, KeyCode::Tab);
    assert_eq!(a.pane, Pane::Accounts);
    key(&mut a, 'j');
    assert_eq!(a.account_sel, 1);
    assert_eq!(a.visible_items().len(), 1);
    assert!(a.why_findings().is_empty());
    key(&mut a, 'a');
    assert!(a.all_accounts);
    assert_eq!(a.visible_items().len(), 5);
    code(&mut a, KeyCode::Enter);
    assert_eq!(a.pane, Pane::Items);
}

#[test]
fn sort_order_cycles_and_reverses() {
    let mut a = app();
    let names = |a: &App| -> Vec<String> {
        a.visible_items()
            .iter()
            .map(|&i| a.model.items[i].name())
            .collect()
    };
    assert_eq!(a.sort, SortKey::Age);
    assert_eq!(names(&a), ["{A1}.xml", "{A2}.xml", "{A3}.dat", "{A4}.xml"]);
    key(&mut a, 's');
    assert_eq!(a.sort, SortKey::Size);
    assert_eq!(names(&a), ["{A3}.dat", "{A1}.xml", "{A4}.xml", "{A2}.xml"]);
    key(&mut a, 'S');
    assert_eq!(names(&a), ["{A2}.xml", "{A4}.xml", "{A1}.xml", "{A3}.dat"]);
    key(&mut a, 's');
    assert_eq!(a.sort, SortKey::State);
    // Ascending by state: pending before stuck.
    assert_eq!(names(&a)[0], "{A4}.xml");
    let s = render(&a, 120, 40);
    assert!(s.contains("sort state ▲"), "{s}");
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

#[test]
fn popups_open_and_close_and_q_quits() {
    let mut a = app();
    key(&mut a, '?');
    assert!(matches!(a.popup, Popup::Help { .. }));
    key(&mut a, 'q');
    assert_eq!(a.popup, Popup::None);
    assert!(!a.quit);
    code(&mut a, KeyCode::Enter);
    code(&mut a, KeyCode::Esc);
    assert_eq!(a.popup, Popup::None);
    key(&mut a, 'q');
    assert!(a.quit);
}

#[test]
fn evidence_opens_the_item_and_y_copies() {
    let mut a = app();
    code(&mut a, KeyCode::Tab);
    code(&mut a, KeyCode::Enter);
    assert!(matches!(a.popup, Popup::Finding { .. }));
    let cmds = key(&mut a, 'y');
    match cmds.as_slice() {
        [Cmd::Copy(t)] => {
            assert!(t.contains("spool-stuck"));
            assert!(t.contains("evidence"));
        }
        other => panic!("{other:?}"),
    }
    code(&mut a, KeyCode::Enter);
    assert!(matches!(&a.popup, Popup::Item { path, .. } if path.ends_with("{A1}.xml")));
}

#[test]
fn export_asks_format_then_path() {
    let mut a = app();
    key(&mut a, 'w');
    key(&mut a, 'j');
    for _ in 0.."spoolscope-report.json".len() {
        code(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "out.json");
    let cmds = code(&mut a, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::Export {
            path: "out.json".into(),
            format: crate::report::ReportFormat::Json
        }]
    );
    // Typing in the prompt does not trigger other keys.
    assert!(!a.quit);
}

#[test]
fn exported_report_keeps_hidden_content_hidden() {
    let mut a = app();
    a.findings[0].evidence.push(crate::model::Evidence {
        path: PathBuf::from("Lync-UccApi-0.UccApilog"),
        line: Some(901),
        time: None,
        excerpt: Some("EWS 401 <t:Subject>Layoffs list</t:Subject>".into()),
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let p = super::export::write(&a, &[], &out, crate::report::ReportFormat::Json).expect("export");
    let text = std::fs::read_to_string(p).expect("read");
    assert!(
        text.contains("t:Subject") && !text.contains("Layoffs"),
        "{text}"
    );
    a.reveal = true;
    let p = super::export::write(&a, &[], &out, crate::report::ReportFormat::Json).expect("export");
    assert!(std::fs::read_to_string(p)
        .expect("read")
        .contains("Layoffs list"));
}

#[test]
fn the_clock_ages_items_live_unless_frozen() {
    let mut a = app();
    a.frozen = false;
    let young = a
        .model
        .items
        .iter()
        .position(|i| i.name() == "{A4}.xml")
        .expect("item");
    assert_eq!(a.model.items[young].state(a.clock), ItemState::Pending);
    a.update(Event::Tick(now() + CDuration::seconds(80)));
    assert_eq!(a.model.items[young].state(a.clock), ItemState::Stuck);
    let s = render(&a, 80, 24);
    assert!(!s.contains("⏳ pending"), "{s}");
    let mut f = app();
    f.update(Event::Tick(now() + CDuration::seconds(80)));
    assert_eq!(f.clock.now, now(), "--now keeps the clock frozen");
}

#[test]
fn scan_events_show_progress_then_the_model() {
    let clock = Clock {
        now: now(),
        stuck_after: Duration::from_secs(120),
    };
    let mut a = App::new(
        clock,
        true,
        vec![],
        KeyMap::default(),
        Theme::new(ThemeName::Mono),
    );
    a.update(Event::Source(SourceEvent::ScanStarted { roots: 2 }));
    let s = render(&a, 80, 24);
    assert!(s.contains("scanning 0/2 roots"), "{s}");
    let scan = crate::source::scan::Scan {
        model: model(),
        ..Default::default()
    };
    let cmds = a.update(Event::Source(SourceEvent::ScanDone(Box::new(scan))));
    assert!(matches!(cmds.as_slice(), [Cmd::Watch(t)] if !t.is_empty()));
    let s = render(&a, 80, 24);
    assert!(!s.contains("scanning"), "{s}");
    assert!(s.contains("✖ 3 stuck"), "{s}");
}

// ---------------------------------------------------------------- watcher

mod watching {
    use super::super::{app::App, apply_changes};
    use super::*;
    use crate::source::watch::{self, WatchMsg};
    use std::fs;
    use std::sync::mpsc;
    use std::time::{Instant, SystemTime};

    struct Tree {
        _dir: tempfile::TempDir,
        root: PathBuf,
        spooler: PathBuf,
        log: PathBuf,
    }

    fn tree() -> Tree {
        let dir = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(dir.path()).expect("canon");
        let lync = root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync");
        let spooler = lync.join("sip_jdoe@contoso.com/History Spooler");
        fs::create_dir_all(&spooler).expect("mkdir");
        fs::create_dir_all(lync.join("Tracing")).expect("mkdir");
        let log = lync.join("Tracing/Lync-UccApi-0.UccApilog");
        fs::write(&log, "11/26/2026|10:00:00.000 1 INFO :: first line\n").expect("log");
        Tree {
            _dir: dir,
            root,
            spooler,
            log,
        }
    }

    fn live_app(t: &Tree) -> App {
        let clock = Clock {
            now: Utc::now(),
            stuck_after: Duration::from_secs(120),
        };
        let mut a = App::new(
            clock,
            false,
            vec![t.root.clone()],
            KeyMap::default(),
            Theme::new(ThemeName::Mono),
        );
        let s = crate::source::scan::scan(std::slice::from_ref(&t.root), &Default::default());
        a.update(Event::Source(SourceEvent::ScanDone(Box::new(s))));
        a
    }

    /// Generous: a debug build on a loaded machine; a watcher that never reports fails here.
    const WAIT: Duration = Duration::from_secs(30);

    /// Feed watcher messages to the app until `done` holds (or [`WAIT`] passes).
    fn until_seen(
        a: &mut App,
        rx: &mpsc::Receiver<WatchMsg>,
        mut done: impl FnMut(&App, &watch::Applied) -> bool,
    ) -> bool {
        let deadline = Instant::now() + WAIT;
        let mut last = watch::Applied::default();
        loop {
            a.update(Event::Tick(Utc::now()));
            if done(a, &last) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            if let Ok(WatchMsg::Changed(paths)) =
                rx.recv_timeout(left.min(Duration::from_millis(100)))
            {
                last = apply_changes(a, &paths);
            }
        }
    }

    fn state_of(a: &App, name: &str) -> Option<ItemState> {
        a.visible_items()
            .iter()
            .map(|&i| &a.model.items[i])
            .find(|i| i.name() == name)
            .map(|i| i.state(a.clock))
    }

    fn run(poll: Option<Duration>) {
        let t = tree();
        let mut a = live_app(&t);
        assert_eq!(a.model.accounts.len(), 1);
        let scan = crate::source::scan::scan(std::slice::from_ref(&t.root), &Default::default());
        let targets = watch::targets(&scan);
        assert!(targets.contains(&t.spooler), "{targets:?}");
        assert!(
            targets.iter().any(|d| d.ends_with("Tracing")),
            "{targets:?}"
        );
        let (tx, rx) = mpsc::channel();
        let w = watch::start(&targets, poll, move |m| {
            let _ = tx.send(m);
        })
        .expect("watch");
        match poll {
            Some(d) => assert_eq!(w.mode, watch::WatchMode::Poll(d)),
            None => assert_eq!(w.mode, watch::WatchMode::Native),
        }

        // A file written ten minutes ago appears, stuck.
        let f = t.spooler.join("{NEW}.xml");
        fs::write(&f, "<m:CreateItem><t:Subject>x</t:Subject></m:CreateItem>").expect("write");
        fs::File::options()
            .write(true)
            .open(&f)
            .and_then(|h| h.set_modified(SystemTime::now() - Duration::from_secs(600)))
            .expect("mtime");
        assert!(
            until_seen(&mut a, &rx, |a, _| state_of(a, "{NEW}.xml")
                == Some(ItemState::Stuck)),
            "new stuck file not seen"
        );
        assert!(render(&a, 80, 24).contains("✖ STUCK"));

        // Deleted: gone.
        fs::remove_file(&f).expect("rm");
        assert!(
            until_seen(&mut a, &rx, |a, _| state_of(a, "{NEW}.xml").is_none()),
            "deleted file still shown"
        );

        // A line appended to a watched log: reported as a log change (the log is reloaded).
        let mut h = fs::OpenOptions::new()
            .append(true)
            .open(&t.log)
            .expect("open");
        std::io::Write::write_all(
            &mut h,
            b"11/26/2026|10:00:01.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\n",
        )
        .expect("append");
        drop(h);
        let log = t.log.clone();
        assert!(
            until_seen(&mut a, &rx, |_, ap| ap.logs.iter().any(|p| p == &log)),
            "log change not reported"
        );
        // Only that file is read again (as the runtime does), and its new line shows.
        let r =
            watch::reload_changed_logs(&a.model, &Default::default(), std::slice::from_ref(&log))
                .expect("a changed log alone is re-read");
        assert_eq!(r.paths, vec![log.clone()]);
        a.update(Event::Source(SourceEvent::LogsMerged(Box::new(r), None)));
        assert!(
            a.model
                .events
                .iter()
                .any(|e| e.excerpt.contains("401 Unauthorized")),
            "appended line not in the model"
        );
        a.update(Event::Key(KeyEvent::new(
            KeyCode::Char('3'),
            KeyModifiers::NONE,
        )));
        assert!(render(&a, 120, 30).contains("401 Unauthorized"));
        drop(w);
    }

    #[test]
    fn native_watcher_sees_new_stuck_deleted_and_log_lines() {
        run(None);
    }

    #[test]
    fn polling_watcher_passes_the_same_test() {
        run(Some(Duration::from_millis(200)));
    }

    /// Enter on an event opens the raw file at that line, read through an offset index; the
    /// view follows the file as it grows and is rebuilt when it is truncated; Esc closes it.
    #[test]
    fn raw_view_opens_at_the_event_follows_growth_and_closes() {
        let t = tree();
        let mut lines = String::new();
        for i in 0..300 {
            lines.push_str(&format!(
                "11/26/2026|10:{:02}:{:02}.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized #{i}\n",
                i / 60,
                i % 60
            ));
        }
        fs::write(&t.log, &lines).expect("log");
        let mut a = live_app(&t);
        let k =
            |a: &mut App, c: KeyCode| a.update(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
        k(&mut a, KeyCode::Char('3'));
        assert!(a.log.order.len() >= 100, "events: {}", a.log.order.len());
        for _ in 0..100 {
            k(&mut a, KeyCode::Char('j'));
        }
        let ev = &a.model.events[a.log.order[a.log.sel]];
        let (path, line) = (ev.path.clone(), ev.line);
        let cmds = k(&mut a, KeyCode::Enter);
        assert_eq!(
            cmds,
            vec![Cmd::OpenRaw {
                path: path.clone(),
                line
            }]
        );
        super::super::open_raw(&mut a, &path, line);
        let raw = a.log.raw.as_ref().expect("raw view open");
        assert_eq!(raw.sel + 1, line as usize);
        assert_eq!(raw.len(), 300);
        super::super::prepare_frame(&mut a, 24);
        let raw = a.log.raw.as_ref().expect("raw");
        assert!(
            raw.window.lines.len() <= 2 * 24 + 1,
            "only a screenful is read"
        );
        let screen = render(&a, 100, 24);
        assert!(screen.contains(&format!("line {line}/300")), "{screen}");
        assert!(screen.contains(&format!("#{}", line - 1)), "{screen}");
        k(&mut a, KeyCode::Char('j'));
        assert_eq!(
            a.log.raw.as_ref().map(|r| r.sel + 1),
            Some(line as usize + 1)
        );
        // Follow, then the file grows: only the new bytes are indexed.
        k(&mut a, KeyCode::Char('f'));
        let mut h = fs::OpenOptions::new()
            .append(true)
            .open(&t.log)
            .expect("open");
        std::io::Write::write_all(&mut h, b"11/26/2026|11:00:00.000 1 INFO :: appended\n")
            .expect("append");
        drop(h);
        super::super::poll_raw(&mut a, std::slice::from_ref(&t.log));
        super::super::prepare_frame(&mut a, 24);
        let raw = a.log.raw.as_ref().expect("raw");
        assert_eq!(raw.len(), 301);
        assert_eq!(raw.sel, 300, "follow keeps the cursor on the last line");
        assert_eq!(
            raw.index.rebuilds, 1,
            "growth did not re-index from the start"
        );
        assert!(render(&a, 100, 24).contains("appended"));
        // Truncated (rotated): indexed again.
        fs::write(&t.log, "11/26/2026|12:00:00.000 1 INFO :: fresh\n").expect("rotate");
        super::super::poll_raw(&mut a, std::slice::from_ref(&t.log));
        super::super::prepare_frame(&mut a, 24);
        let raw = a.log.raw.as_ref().expect("raw");
        assert_eq!((raw.len(), raw.index.rebuilds), (1, 2));
        assert!(render(&a, 100, 24).contains("fresh"));
        // `v` or Esc goes back to the events.
        k(&mut a, KeyCode::Esc);
        assert!(a.log.raw.is_none());
        assert_eq!(a.view, View::Log);
    }

    /// In the raw lines, `→` shifts a long line by 8 columns (the title says by how much),
    /// `←` and `Home`/`0` bring it back, and `w` wraps it over several rows; outside the raw
    /// lines `w` still exports.
    #[test]
    fn raw_view_scrolls_sideways_and_wraps() {
        let t = tree();
        // Line 2 is 26 × 8 = 208 columns: blocks of eight, each named by its letter.
        let long: String = ('a'..='z')
            .map(|c| format!("{c}{c}{c}{c}{c}{c}{c}|"))
            .collect();
        fs::write(
            &t.log,
            format!("11/26/2026|10:00:00.000 1F68:C14 INFO :: first\n{long}\nlast\n"),
        )
        .expect("log");
        let mut a = live_app(&t);
        let k =
            |a: &mut App, c: KeyCode| a.update(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
        super::super::open_raw(&mut a, &t.log, 2);
        a.view = View::Log;
        super::super::prepare_frame(&mut a, 12);
        let row = |screen: &str| -> String {
            screen
                .lines()
                .find(|l| l.contains("▶2 "))
                .map(|l| l.to_string())
                .expect("line 2 on screen")
        };
        // Cut at the right edge: the first block shows, the last does not.
        let screen = render(&a, 60, 12);
        let before = row(&screen);
        assert!(before.contains("aaaaaaa|bbbbbbb|"), "{screen}");
        assert!(!screen.contains("zzzzzzz|"), "{screen}");
        assert!(!screen.contains("col +"), "{screen}");

        // → : everything moves 8 columns left, and the title names the offset.
        k(&mut a, KeyCode::Right);
        let screen = render(&a, 60, 12);
        let after = row(&screen);
        assert!(render(&a, 100, 12).contains("col +8"), "{screen}");
        assert!(!after.contains("aaaaaaa"), "{after}");
        let at = |r: &str, pat: &str| r.find(pat).map(|b| r[..b].chars().count());
        assert_eq!(
            at(&after, "bbbbbbb|"),
            at(&before, "bbbbbbb|").map(|c| c - 8),
            "\n{before}\n{after}"
        );
        assert_eq!(
            at(&after, "ccccccc|"),
            at(&before, "ccccccc|").map(|c| c - 8),
            "\n{before}\n{after}"
        );
        k(&mut a, KeyCode::Right);
        assert!(render(&a, 100, 12).contains("col +16"));
        k(&mut a, KeyCode::Left);
        assert!(render(&a, 100, 12).contains("col +8"));
        k(&mut a, KeyCode::Home);
        assert_eq!(row(&render(&a, 60, 12)), before, "Home: back to column 0");
        k(&mut a, KeyCode::Right);
        k(&mut a, KeyCode::Char('0'));
        assert_eq!(row(&render(&a, 60, 12)), before, "0: back to column 0");
        assert_eq!(
            a.log.raw.as_ref().map(|r| r.sel),
            Some(1),
            "rows did not move"
        );

        // w: the whole line shows, over several rows, and the title says so.
        let cmds = k(&mut a, KeyCode::Char('w'));
        assert!(cmds.is_empty());
        assert_eq!(a.popup, Popup::None, "w wraps here, it does not export");
        let screen = render(&a, 60, 12);
        assert!(render(&a, 100, 12).contains("· wrap"), "{screen}");
        assert!(screen.contains("zzzzzzz|"), "{screen}");
        let lines: Vec<&str> = screen.lines().collect();
        let first = lines
            .iter()
            .position(|l| l.contains("aaaaaaa|"))
            .expect("start of line 2");
        let last = lines
            .iter()
            .position(|l| l.contains("zzzzzzz|"))
            .expect("end of line 2");
        assert!(
            last >= first + 3,
            "208 columns in < 60 take 4 rows\n{screen}"
        );
        assert!(
            lines[last + 1].contains(" 3 last"),
            "line 3 follows\n{screen}"
        );
        k(&mut a, KeyCode::Char('w'));
        assert!(!render(&a, 60, 12).contains("zzzzzzz|"));

        // Back in the events, w is export again.
        k(&mut a, KeyCode::Esc);
        assert!(a.log.raw.is_none());
        k(&mut a, KeyCode::Char('w'));
        assert!(matches!(a.popup, Popup::Export(_)), "{:?}", a.popup);
    }

    #[test]
    fn classify_paths() {
        let t = tree();
        let s = crate::source::scan::scan(std::slice::from_ref(&t.root), &Default::default());
        let m = &s.model;
        assert_eq!(
            watch::classify(m, &t.spooler.join("x.xml")),
            watch::Change::Item {
                account: 0,
                path: t.spooler.join("x.xml")
            }
        );
        assert!(matches!(
            watch::classify(m, &t.spooler),
            watch::Change::Structure(_)
        ));
        assert_eq!(
            watch::classify(m, &t.log),
            watch::Change::Log(t.log.clone())
        );
    }
}
