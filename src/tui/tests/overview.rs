//! The overview: accounts, items, the item popup, cursor moves, sort, the live clock and
//! scan progress.

use super::*;

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
    assert!(s.contains("14:00:00 UTC frozen"), "{s}");
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
    // The related rows are the model's correlation (what the reports list for the item),
    // not a window of their own: the events of the account within ±5 min of 11:46:00 that
    // explain it, each with why, in time order. Not the SIP INVITE (it explains nothing),
    // nothing outside the window (11:52:00 is six minutes later).
    let s = render(&a, 120, 90);
    let related: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("Related log events"))
        .skip(1)
        .map(|l| l.split('║').nth(1).unwrap_or("").trim())
        .take_while(|l| !l.is_empty())
        .filter(|l| l.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .collect();
    assert_eq!(
        related,
        [
            "11:45:02 ▶ SIP 480 from rlee@contoso.com (offline): SIP ← 480 Temporarily Unavailable",
            "11:46:00 ├ EWS attempt CreateItem: EWS → POST /EWS/Exchange.asmx CreateItem SaveOnly",
            "11:46:01 ├ EWS failure 401: EWS ✖ 401 Unauthorized hr=0x80190191",
            // The chain runs to two minutes after the write: the 11:50 attempt is past it.
            "11:48:00 └ spooler retry: spooler retry in 120 s",
        ],
        "{s}"
    );
    // The same list, in the same order, as the model's (one source for the TUI and reports).
    let item = a
        .model
        .items
        .iter()
        .find(|i| i.name() == "{A1}.xml")
        .expect("A1");
    assert_eq!(
        a.model.related.get(&item.path).map(Vec::len),
        Some(related.len())
    );
    // With a shorter lookback the popup follows the model: the 480 (58 s before the write)
    // is out of reach and drops out.
    let mut narrow = a.model.clone();
    narrow.related = crate::diagnose::correlate::correlate(
        &narrow,
        crate::diagnose::correlate::Horizon {
            window: std::time::Duration::from_secs(90),
            lookback: std::time::Duration::from_secs(30),
        },
    );
    a.set_model(narrow);
    let s = render(&a, 120, 90);
    let related: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("Related log events"))
        .skip(1)
        .map(|l| l.split('║').nth(1).unwrap_or("").trim())
        .take_while(|l| !l.is_empty())
        .filter(|l| l.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .collect();
    assert_eq!(related.len(), 3, "{s}");
    assert!(!s.contains("SIP 480 from rlee"), "{s}");
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
        sel: 0,
    };
    let s = render(&a, 120, 90);
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
    let mut a = new_app(now(), true, vec![]);
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

/// A rescan after jdoe's spooler became unreadable keeps its items on screen (as `watch` does)
/// and `spool-unreadable` opens beside `spool-stuck`; a rescan that lists it again reads what
/// is there.
#[test]
fn a_spooler_gone_unreadable_keeps_its_items_in_the_live_view() {
    let mut a = app();
    let before = render(&a, 120, 40);
    assert!(before.contains("{A1}.xml"), "{before}");
    let jdoe = a.model.accounts[0].clone();
    let mut next = model();
    next.items.retain(|i| i.account != 0);
    next.related.clear();
    next.errors.push(crate::model::ScanError::new(
        jdoe.spooler.clone().expect("spooler"),
        "cannot read: Permission denied",
    ));
    let scan = crate::source::scan::Scan {
        model: next.clone(),
        ..Default::default()
    };
    a.update(Event::Source(SourceEvent::ScanDone(Box::new(scan))));
    assert_eq!(
        a.model.items.iter().filter(|i| i.account == 0).count(),
        4,
        "jdoe's items kept"
    );
    assert!(
        a.model.related.keys().any(|p| p.ends_with("{A1}.xml")),
        "their log evidence kept"
    );
    let s = render(&a, 120, 40);
    assert!(s.contains("{A1}.xml"), "{s}");
    assert!(s.contains("{A2}.xml"), "{s}");
    let rules: Vec<&str> = a.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"spool-stuck"), "{rules:?}");
    assert!(rules.contains(&"spool-unreadable"), "{rules:?}");
    key(&mut a, '2');
    let s = render(&a, 120, 40);
    assert!(s.contains("spool-unreadable"), "{s}");
    assert!(s.contains("spool-stuck"), "{s}");

    // Listed again and empty: the client took the files; nothing is carried over.
    next.errors.clear();
    let scan = crate::source::scan::Scan {
        model: next,
        ..Default::default()
    };
    a.update(Event::Source(SourceEvent::ScanDone(Box::new(scan))));
    assert_eq!(a.model.items.iter().filter(|i| i.account == 0).count(), 0);
}

/// `r` says "rescanning…" until the rescan is installed, then says it is done (it used to stay
/// until the next key).
#[test]
fn the_rescan_status_clears_when_the_rescan_is_done() {
    let mut a = app();
    let cmds = key(&mut a, 'r');
    assert!(matches!(cmds.as_slice(), [Cmd::Rescan]), "{cmds:?}");
    assert!(render(&a, 100, 30).contains("rescanning"));
    let scan = crate::source::scan::Scan {
        model: model(),
        ..Default::default()
    };
    a.update(Event::Source(SourceEvent::ScanDone(Box::new(scan))));
    let s = render(&a, 100, 30);
    assert!(!s.contains("rescanning"), "{s}");
    assert!(s.contains("rescan done"), "{s}");
}

/// Two accounts whose addresses differ only by a zero-width space are told apart in the
/// account list: the invisible character shows as `\u{200b}`, and no cell holds it raw.
#[test]
fn an_invisible_character_in_an_address_shows_in_the_account_list() {
    let mut m = model();
    m.accounts[1].address = "jdoe\u{200b}@contoso.com".into();
    m.accounts[1].profile = Some("jdoe".into());
    let mut a = app();
    a.set_model(m);
    let t = terminal(&a, 120, 40);
    let s = screen(&t);
    assert!(s.contains("jdoe@contoso.com"), "{s}");
    assert!(s.contains("jdoe\\u{200b}@contoso.com"), "{s}");
    let raw: Vec<_> = t
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.symbol().chars().any(crate::sanitize::is_unsafe))
        .map(|c| c.symbol().to_string())
        .collect();
    assert!(raw.is_empty(), "{raw:?}");
}

/// One account whose spooler holds one item of each given age in seconds (negative: dated
/// ahead of the clock), in a live (not frozen) app at [`now`].
fn live_one_account(ages: &[i64]) -> App {
    let dir = sip("jdoe", "jdoe@contoso.com", "16.0");
    let mut m = Model {
        accounts: vec![Account {
            address: "jdoe@contoso.com".into(),
            client: ClientGen::Office16,
            profile: Some("jdoe".into()),
            dir: dir.clone(),
            spooler: Some(dir.join("History Spooler")),
        }],
        items: ages
            .iter()
            .enumerate()
            .map(|(i, age)| {
                item(
                    0,
                    &dir,
                    &format!("{{C{i}}}.xml"),
                    *age,
                    900,
                    "rlee@contoso.com",
                )
            })
            .collect(),
        ..Model::default()
    };
    m.sources.push(Source {
        path: dir.join("History Spooler"),
        kind: SourceKind::Spooler,
        records: 0,
        skipped: 0,
        log: None,
    });
    let mut a = new_app(now(), false, vec![PathBuf::from(ROOT)]);
    a.set_model(m);
    a
}

fn severity_of(a: &App, rule: &str) -> Option<crate::model::Severity> {
    a.findings
        .iter()
        .find(|f| f.rule == rule)
        .map(|f| f.severity)
}

#[test]
fn a_stuck_item_turns_spool_stuck_critical_on_time_without_any_other_change() {
    use crate::diagnose::CRITICAL_AGE_SECS;
    use crate::model::Severity;
    // Stuck already, ten seconds short of the age that makes spool-stuck critical: the stuck
    // count never changes while the clock runs, so only the moment itself can re-run the rules.
    let mut a = live_one_account(&[CRITICAL_AGE_SECS - 10]);
    assert_eq!(severity_of(&a, "spool-stuck"), Some(Severity::Warning));
    for s in 1..=10 {
        a.update(Event::Tick(now() + CDuration::seconds(s)));
        assert_eq!(
            severity_of(&a, "spool-stuck"),
            Some(Severity::Warning),
            "{s} s later the oldest item is {} s old, not over the critical age",
            CRITICAL_AGE_SECS - 10 + s
        );
    }
    a.update(Event::Tick(now() + CDuration::seconds(11)));
    assert_eq!(severity_of(&a, "spool-stuck"), Some(Severity::Critical));
    let s = render(&a, 100, 30);
    assert!(s.contains("▲ CRIT"), "{s}");
}

#[test]
fn a_clock_skew_finding_resolves_when_the_item_comes_within_the_tolerance() {
    // Dated 20 s ahead of the clock: clock-skew now, an ordinary pending item once the clock
    // catches up (the pending count moves, the stuck count does not).
    let mut a = live_one_account(&[-20]);
    assert!(severity_of(&a, "clock-skew").is_some(), "{:?}", a.findings);
    a.update(Event::Tick(now() + CDuration::seconds(30)));
    assert_eq!(severity_of(&a, "clock-skew"), None, "{:?}", a.findings);
    // Set back, the clock makes it skewed again.
    a.update(Event::Tick(now()));
    assert!(severity_of(&a, "clock-skew").is_some(), "{:?}", a.findings);
}
