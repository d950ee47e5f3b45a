//! Findings: the findings view and popup, popups opening and closing, evidence, copy and
//! export.

use super::*;

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
        link: None,
        path: PathBuf::from("Lync-UccApi-0.UccApilog"),
        line: Some(901),
        time: None,
        excerpt: Some("EWS 401 <t:Subject>Layoffs list</t:Subject>".into()),
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let p = crate::tui::export::write(
        &a,
        &[],
        &Default::default(),
        &out,
        crate::report::ReportFormat::Json,
    )
    .expect("export");
    let text = std::fs::read_to_string(p).expect("read");
    assert!(
        text.contains("t:Subject") && !text.contains("Layoffs"),
        "{text}"
    );
    a.reveal = true;
    let p = crate::tui::export::write(
        &a,
        &[],
        &Default::default(),
        &out,
        crate::report::ReportFormat::Json,
    )
    .expect("export");
    assert!(std::fs::read_to_string(p)
        .expect("read")
        .contains("Layoffs list"));
}
