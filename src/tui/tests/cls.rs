//! The live view on a server CLS trace: its error and warning records are problems in the log
//! view (marked ✖, with their level), next to the SIP traffic the trace holds.

use super::new_app;
use crate::tui::app::App;
use crate::tui::event::{Event, SourceEvent};
use crate::tui::ui;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::fs;

const TRACE: &str = "TL_ERROR(TF_DIAG) [sfvedge\\sfvedge]0B60.0D6C::03/02/2017-06:30:40.025.00005602 (SIPStack,SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(833)) [3634190282] $$begin_record
Severity: error
Text: Message cannot be routed because the peer's certificate does not contain a matching FQDN
Result-Code: 0xc3e93d67 SIPPROXY_E_ROUTING_MSG_CERT_MISMATCH
Start-Line: OPTIONS sip:edge.fabrikam.com SIP/2.0
$$end_record
TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::03/02/2017-06:30:41.000.00005386 (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record
Start-Line: SIP/2.0 200 OK
$$end_record
TL_WARN(TF_COMPONENT) [0]06E4.0EB4::03/02/2017-06:30:42.000.00005388 (SIPStack,ProxyTransport::Send:proxy.cpp(10)) send queue is long
";

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

#[test]
fn the_log_view_shows_cls_errors_and_warnings_as_problems() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = fs::canonicalize(dir.path()).expect("canon");
    fs::write(root.join("fe-trace.log"), TRACE).expect("write");
    let mut a = new_app(chrono::Utc::now(), false, vec![root.clone()]);
    let config = crate::source::scan::ScanConfig {
        log_tz: crate::parse::logs::LogTz::Utc,
        ..Default::default()
    };
    let s = crate::source::scan::scan(std::slice::from_ref(&root), &config);
    assert_eq!(s.model.sources[0].kind, crate::model::SourceKind::Cls);
    a.update(Event::Source(SourceEvent::ScanDone(Box::new(s))));
    a.update(Event::Key(KeyEvent::new(
        KeyCode::Char('3'),
        KeyModifiers::NONE,
    )));
    let s = render(&a, 200, 30);
    let row = |needle: &str| {
        s.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle}: {s}"))
            .to_string()
    };
    let err = row("TL_ERROR(TF_DIAG)");
    assert!(
        err.contains('✖') && err.contains("06:30:40.025 ERROR"),
        "{err}"
    );
    let code = row("Result-Code: 0xc3e93d67");
    assert!(code.contains('✖'), "{code}");
    let warn = row("TL_WARN(TF_COMPONENT)");
    assert!(
        warn.contains('✖') && warn.contains("06:30:42.000 WARN"),
        "{warn}"
    );
    let ok = row("SIP/2.0 200 OK");
    assert!(!ok.contains('✖'), "routine traffic is not a problem: {ok}");
}
