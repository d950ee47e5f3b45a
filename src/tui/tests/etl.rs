//! The live view on a binary `.etl`: its logfile header in the log view, its records in the raw
//! view (offset, kind, strings, hex), the raw view following a trace that grows.

use super::new_app;
use crate::parse::etl::synth::{self, Header, START_FT};
use crate::tui::app::{App, View};
use crate::tui::event::{Event, SourceEvent};
use crate::tui::ui;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::fs;
use std::path::{Path, PathBuf};

const G: [u8; 16] = [
    0x08, 0xef, 0x18, 0x28, 0x54, 0x6a, 0x6f, 0x39, 0x22, 0x44, 0x5a, 0x6e, 0xa4, 0xa9, 0x8c, 0xf0,
];

fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| ui::draw(f, app)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn key(a: &mut App, c: KeyCode) {
    a.update(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

/// A profile with a Tracing folder holding one synthetic `.etl` (and no text log).
fn tree(groups: &[Vec<Vec<u8>>]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let root = fs::canonicalize(dir.path()).expect("canon");
    let lync = root.join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync");
    fs::create_dir_all(lync.join("sip_jdoe@contoso.com/History Spooler")).expect("mkdir");
    fs::create_dir_all(lync.join("Tracing")).expect("mkdir");
    let etl = lync.join("Tracing/Lync-UccApi-0.etl");
    fs::write(&etl, synth::file(&Header::default(), groups)).expect("etl");
    (dir, root, etl)
}

fn app(root: &Path) -> App {
    let mut a = new_app(chrono::Utc::now(), false, vec![root.to_path_buf()]);
    let s = crate::source::scan::scan(&[root.to_path_buf()], &Default::default());
    a.update(Event::Source(SourceEvent::ScanDone(Box::new(s))));
    a
}

#[test]
fn the_log_view_shows_the_etl_header_and_the_raw_view_its_records() {
    let args = {
        let mut a = synth::utf16("POST https://mail.contoso.com/EWS/Exchange.asmx", true);
        a.extend_from_slice(&0x8019_0191u32.to_le_bytes());
        a.extend_from_slice(b"sip:bob@contoso.com\0");
        a
    };
    let (_d, root, _etl) = tree(&[vec![
        synth::wpp(
            G,
            12,
            START_FT + 10_000_000,
            0x1F68,
            0xC14,
            b"\x1b[2J escape in a string\0",
        ),
        synth::wpp(G, 13, START_FT + 20_000_000, 0x1F68, 0xC14, &args),
    ]]);
    let mut a = app(&root);
    key(&mut a, KeyCode::Char('3'));
    let s = render(&a, 200, 30);
    assert!(
        s.contains("etl Lync-UccApi-0.etl: logger Lync-UccApi · session 2026-03-02 09:41:00.000 – 2026-03-02 09:42:00.000 UTC · clock system-time at 10000000 Hz · 64-bit"),
        "{s}"
    );
    assert!(!s.contains("limits:"), "nothing was left out: {s}");
    assert!(s.contains("hr=0x80190191 (candidate HRESULT"), "{s}");
    assert!(
        !s.contains('\x1b'),
        "escapes from the file never reach the screen"
    );
    // Open the failure's record in the raw view.
    let pos = a
        .log
        .order
        .iter()
        .position(|&i| a.model.events[i].marker == "ews-hresult-denied")
        .expect("the HRESULT candidate is an EWS failure");
    a.log.sel = pos;
    let ev = a.model.events[a.log.order[pos]].clone();
    assert_eq!(ev.line, 3, "logfile header, first message, then this one");
    crate::tui::open_raw(&mut a, &ev.path, ev.line);
    assert_eq!(a.view, View::Log);
    crate::tui::prepare_frame(&mut a, 30);
    let s = render(&a, 200, 30);
    assert!(
        s.contains("Raw · Lync-UccApi-0.etl · record 3/3 · etl records"),
        "{s}"
    );
    let off = ev.values["offset"].trim_start_matches("0x").to_string();
    let row = s
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or_else(|| panic!("marked row: {s}"));
    assert!(row.contains(&format!("@0x0000{off} ")), "{row}");
    assert!(
        row.contains("wpp 2818ef08-6a54-396f-2244-5a6ea4a98cf0 #13 pid 8040 tid 3092"),
        "{row}"
    );
    assert!(
        row.contains("\"POST https://mail.contoso.com/EWS/Exchange.asmx\""),
        "{row}"
    );
    assert!(row.contains("· hex "), "{row}");
    assert!(s.contains("system logfile header"), "{s}");
    // Tiny terminals never panic.
    for (w, h) in [(1, 1), (30, 8), (80, 24)] {
        render(&a, w, h);
    }
}

#[test]
fn the_raw_view_of_a_growing_trace_appends_its_new_records() {
    let (_d, root, etl) = tree(&[vec![synth::wpp(
        G,
        1,
        START_FT,
        1,
        2,
        b"first message text\0",
    )]]);
    let mut a = app(&root);
    crate::tui::open_raw(&mut a, &etl, 2);
    assert_eq!(a.log.raw.as_ref().map(|r| r.len()), Some(2));
    // The session flushes another buffer.
    let mut f = fs::read(&etl).expect("read");
    f.extend(synth::buffer(
        4096,
        &[synth::wpp(
            G,
            2,
            START_FT + 1,
            1,
            2,
            b"second message text\0",
        )],
        0,
    ));
    fs::write(&etl, f).expect("grow");
    crate::tui::poll_raw(&mut a, std::slice::from_ref(&etl));
    let raw = a.log.raw.as_ref().expect("raw");
    assert_eq!(raw.len(), 3);
    assert_eq!(
        raw.index.rebuilds, 1,
        "growth keeps the records and the mark"
    );
    assert_eq!(raw.mark, Some(1));
    crate::tui::prepare_frame(&mut a, 24);
    assert!(render(&a, 160, 24).contains("second message text"));
    // Replaced by another trace: indexed again.
    fs::write(
        &etl,
        synth::file(
            &Header {
                logger: "Other".into(),
                ..Header::default()
            },
            &[],
        ),
    )
    .expect("replace");
    crate::tui::poll_raw(&mut a, std::slice::from_ref(&etl));
    let raw = a.log.raw.as_ref().expect("raw");
    assert_eq!((raw.len(), raw.index.rebuilds, raw.mark), (1, 2, None));
}
