//! Before the first scan has finished: the panes say so and `w` writes nothing.

use super::*;

fn scanning_app() -> App {
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
    a.update(Event::Source(SourceEvent::ScanStarted { roots: 1 }));
    a
}

fn empty_scan() -> Box<crate::source::scan::Scan> {
    Box::default()
}

#[test]
fn panes_say_scanning_until_the_first_scan_is_done() {
    let mut a = scanning_app();
    let s = render(&a, 120, 40);
    assert!(s.contains("scanning…"), "{s}");
    for all_clear in [
        "no sip_* account found",
        "nothing is waiting",
        "nothing looks wrong",
    ] {
        assert!(!s.contains(all_clear), "{all_clear}: {s}");
    }
    key(&mut a, '2');
    let s = render(&a, 120, 40);
    assert!(s.contains("scanning…") && !s.contains("no findings"), "{s}");
    key(&mut a, '3');
    let s = render(&a, 120, 40);
    assert!(
        s.contains("scanning…") && !s.contains("no log events"),
        "{s}"
    );
    // An empty tree, once scanned, says it is empty.
    key(&mut a, '1');
    a.update(Event::Source(SourceEvent::ScanDone(empty_scan())));
    let s = render(&a, 120, 40);
    assert!(s.contains("no sip_* account found"), "{s}");
    assert!(s.contains("nothing is waiting"), "{s}");
    assert!(!s.contains("scanning…"), "{s}");
}

#[test]
fn export_is_refused_while_the_first_scan_runs() {
    let mut a = scanning_app();
    let cmds = key(&mut a, 'w');
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(a.popup, Popup::None, "no export prompt");
    let status = a.status.clone().expect("a status line");
    assert!(status.contains("still running"), "{status}");
    let s = render(&a, 120, 40);
    assert!(s.contains("first scan is still running"), "{s}");
    // `m ⏎` typed after it export nothing.
    assert!(key(&mut a, 'm')
        .iter()
        .all(|c| !matches!(c, Cmd::Export { .. })));
    assert!(code(&mut a, KeyCode::Enter)
        .iter()
        .all(|c| !matches!(c, Cmd::Export { .. })));
    // Once the scan is in, `w m ⏎` exports.
    a.update(Event::Source(SourceEvent::ScanDone(empty_scan())));
    key(&mut a, 'w');
    assert!(matches!(a.popup, Popup::Export(_)), "{:?}", a.popup);
    key(&mut a, 'm');
    let cmds = code(&mut a, KeyCode::Enter);
    assert!(matches!(cmds.as_slice(), [Cmd::Export { .. }]), "{cmds:?}");
}
