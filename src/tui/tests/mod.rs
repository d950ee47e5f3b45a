//! Screen, key-handling and watcher tests for the live view, one file per screen region:
//! [`overview`] (accounts, items, the item popup, cursor and sort), [`findings`] (the findings
//! view and popup, evidence, copy, export), [`log`] (the log view, search, filters, jumps),
//! [`chrome`] (help, odd sizes, monochrome), [`watching`] (a real watcher on a temp tree, the
//! raw view), [`etl`] (a binary trace in the log and raw views, with its own fixtures). The
//! shared fixtures (a three-account model, key helpers, the screen as text) live here.

mod chain;
mod chrome;
mod cls;
mod etl;
mod findings;
mod log;
mod minutes;
mod overview;
mod paste;
mod startup;
mod unsafe_paths;
mod watching;

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
    // The values the markers would pick out of such lines.
    let values: &[(&str, &str)] = match kind {
        EventKind::SipResponse => &[("status", "480"), ("to_address", "rlee@contoso.com")],
        EventKind::EwsRequest => &[("operation", "CreateItem")],
        EventKind::EwsFailure => &[("status", "401")],
        _ => &[],
    };
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
        thread: None,
        kind,
        marker: "test".into(),
        account: Some(0),
        profile: Some("jdoe".into()),
        excerpt: text.into(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
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
    // As a scan leaves it: the log evidence near each item's write time.
    m.related = crate::diagnose::correlate::correlate(&m, Default::default());
    m
}

/// An app before any scan, as the live view starts one: the two-minute timer, the mono theme,
/// the clock at `now`, frozen (`--now`) or not, over `roots`.
fn new_app(now: DateTime<Utc>, frozen: bool, roots: Vec<PathBuf>) -> App {
    let clock = Clock {
        now,
        stuck_after: Duration::from_secs(120),
    };
    App::new(
        clock,
        frozen,
        roots,
        KeyMap::default(),
        Theme::new(ThemeName::Mono),
    )
}

fn app() -> App {
    let mut a = new_app(now(), true, vec![PathBuf::from(ROOT)]);
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
