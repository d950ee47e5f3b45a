//! Bracketed paste: text for the prompt being typed, never keys.

use super::*;
use crate::tui::app::ExportStage;

fn paste(a: &mut App, s: &str) -> Vec<Cmd> {
    a.update(Event::Paste(s.into()))
}

#[test]
fn a_paste_into_the_search_line_is_one_line_of_text() {
    let mut a = app();
    key(&mut a, '/');
    let cmds = paste(&mut a, "hr=0x80190191\ncase 4711\r\n\tq\x1b[2Jw");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(a.log.search.editing, "the search line is still open");
    assert_eq!(a.log.search.input, "hr=0x80190191 case 4711   q[2Jw");
    assert!(!a.reveal, "`c` in the paste revealed nothing");
    assert!(!a.all_accounts && !a.quit);
    let s = render(&a, 120, 40);
    assert!(!s.contains("Quarterly numbers"), "{s}");
}

#[test]
fn a_paste_into_the_export_path_is_text_and_exports_nothing() {
    let mut a = app();
    key(&mut a, 'w');
    key(&mut a, 'm');
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    let cmds = paste(&mut a, "/tmp/case\n.md");
    assert!(cmds.is_empty(), "{cmds:?}");
    match &a.popup {
        Popup::Export(ExportStage::Path { input, .. }) => assert_eq!(input, "/tmp/case .md"),
        p => panic!("prompt closed: {p:?}"),
    }
}

#[test]
fn a_paste_outside_a_prompt_does_nothing() {
    let mut a = app();
    let before = render(&a, 120, 40);
    let cmds = paste(&mut a, "qcarsw2\n");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(!a.quit && !a.reveal && !a.all_accounts);
    assert_eq!(a.popup, Popup::None);
    assert_eq!(a.view, View::Overview);
    assert_eq!(render(&a, 120, 40), before);
}
