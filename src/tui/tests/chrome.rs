//! What frames every screen: help from the key map, odd sizes, monochrome.

use super::*;

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

#[test]
fn ctrl_c_quits_whatever_the_keys_table_says() {
    let ctrl_c = || Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    let mut o = std::collections::BTreeMap::new();
    o.insert("quit".to_string(), vec!["x".to_string()]);
    let mut a = app();
    a.keymap = KeyMap::with_overrides(&o).expect("valid");
    key(&mut a, 'q');
    assert!(!a.quit, "q is no longer quit");
    a.update(ctrl_c());
    assert!(a.quit, "Ctrl-C quits with quit rebound");

    // From a popup: the first Ctrl-C closes it, the second quits.
    let mut a = app();
    a.keymap = KeyMap::with_overrides(&o).expect("valid");
    key(&mut a, '?');
    assert!(render(&a, 80, 24).contains("Help"));
    a.update(ctrl_c());
    assert!(!a.quit);
    assert!(!render(&a, 80, 24).contains("Help"));
    a.update(ctrl_c());
    assert!(a.quit);

    // From the export path prompt, where keys are typed as text.
    let mut a = app();
    key(&mut a, 'w');
    assert!(matches!(a.popup, Popup::Export(_)));
    a.update(ctrl_c());
    a.update(ctrl_c());
    assert!(a.quit, "Ctrl-C leaves the export prompt");
}

#[test]
fn terminal_types_without_colour_get_none() {
    for mono in [
        Some(""),
        Some("dumb"),
        Some("xterm-mono"),
        Some("vt100"),
        Some("VT220"),
        Some("vt102-nsgr"),
    ] {
        assert!(!Theme::term_has_color(mono), "{mono:?}");
        assert!(!Theme::term_has_color_on(mono, true), "{mono:?}");
    }
    // No TERM: no colour on Unix, colour on Windows, whose consoles set none.
    assert!(!Theme::term_has_color_on(None, false));
    assert!(Theme::term_has_color_on(None, true));
    assert_eq!(Theme::term_has_color(None), cfg!(windows));
    for colour in [
        "xterm-256color",
        "screen",
        "tmux-256color",
        "linux",
        "vt100ish",
    ] {
        assert!(Theme::term_has_color(Some(colour)), "{colour}");
    }
    assert_eq!(
        super::super::ui::too_small_message(),
        "terminal too small (need 30×8)"
    );
}

/// Ctrl-Z suspends (the runtime gives the terminal back and stops), from any view and from the
/// search line, unless `[keys]` gave Ctrl-Z to an action; nothing else changes in the app.
#[test]
fn ctrl_z_suspends_unless_the_key_map_gives_it_to_an_action() {
    let ctrl_z = || Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    let mut a = app();
    let before = render(&a, 120, 40);
    let cmds = a.update(ctrl_z());
    assert!(matches!(cmds.as_slice(), [Cmd::Suspend]), "{cmds:?}");
    assert!(!a.quit);
    assert_eq!(render(&a, 120, 40), before);
    // Plain z is not Ctrl-Z.
    let cmds = a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('z'),
        KeyModifiers::NONE,
    )));
    assert!(cmds.is_empty(), "{cmds:?}");
    // While typing a search too.
    key(&mut a, '3');
    key(&mut a, '/');
    assert!(a.log.search.editing);
    let cmds = a.update(ctrl_z());
    assert!(matches!(cmds.as_slice(), [Cmd::Suspend]), "{cmds:?}");
    assert_eq!(a.log.search.input, "", "Ctrl-Z typed nothing");
    // Bound to an action, Ctrl-Z does that instead.
    let mut o = std::collections::BTreeMap::new();
    o.insert("rescan".to_string(), vec!["ctrl-z".to_string()]);
    let mut b = app();
    b.keymap = KeyMap::with_overrides(&o).expect("valid");
    let cmds = b.update(ctrl_z());
    assert!(matches!(cmds.as_slice(), [Cmd::Rescan]), "{cmds:?}");
}
