//! UI frame at helpdesk scale: one frame (ratatui `TestBackend`, 200×60) of each main view with
//! 100 000 spooled items and 1 000 000 log events loaded, against the same frame with an empty
//! model, measured in the same run. Also the cost of a key press (update + frame) while
//! scrolling, and of the on-change recomputations (search, filter) that frames never repeat.
//!
//! `cargo bench --bench ui_frame` (SPOOLSCOPE_BENCH_UI_ITEMS / _EVENTS change the size).

use chrono::{Duration as CDuration, FixedOffset, TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Terminal;
use spoolscope::model::{
    Account, ClientGen, Clock, EventKind, Fields, Format, Item, LogEvent, Model, Source, SourceKind,
};
use spoolscope::tui::app::{App, Pane, View};
use spoolscope::tui::event::Event;
use spoolscope::tui::keys::KeyMap;
use spoolscope::tui::theme::{Theme, ThemeName};
use spoolscope::tui::{open_raw, prepare_frame, ui};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const W: u16 = 200;
const H: u16 = 60;
const TARGET_MS: f64 = 10.0;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn clock() -> Clock {
    Clock {
        now: Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("time"),
        stuck_after: Duration::from_secs(120),
    }
}

/// `users` accounts, `items` spooled items spread over them, `events` log events.
fn model(users: usize, items: usize, events: usize) -> Model {
    let now = clock().now;
    let mut m = Model::default();
    for u in 0..users {
        let dir = PathBuf::from(format!(
            "/ts/Users/user{u:05}/AppData/Local/Microsoft/Office/16.0/Lync/sip_user{u:05}@contoso.com"
        ));
        m.accounts.push(Account {
            address: format!("user{u:05}@contoso.com"),
            client: ClientGen::Office16,
            profile: Some(format!("user{u:05}")),
            dir: dir.clone(),
            spooler: Some(dir.join("History Spooler")),
        });
        m.sources.push(Source {
            path: dir.join("History Spooler"),
            kind: SourceKind::Spooler,
            records: (items / users) as u64,
            skipped: 0,
            log: None,
        });
    }
    for i in 0..items {
        let a = i % users;
        let fields = Fields {
            from: Some(format!("user{a:05}@contoso.com")),
            to: vec![format!("peer{}@fabrikam.com", i % 97)],
            subject: Some(format!("Message number {i}")),
            ..Fields::default()
        };
        m.items.push(Item {
            fields,
            ..Item::bare(
                m.accounts[a]
                    .dir
                    .join("History Spooler")
                    .join(format!("{{{i:08X}-0000-0000-0000-000000000000}}.xml")),
                a,
                400 + (i as u64 * 37) % 9000,
                Some(now - CDuration::seconds(((i * 7919) % 86_400) as i64)),
                Format::Xml,
            )
        });
    }
    m.items
        .sort_by(|a, b| (a.account, &a.path).cmp(&(b.account, &b.path)));
    let tz = FixedOffset::east_opt(0).expect("utc");
    let start = tz
        .with_ymd_and_hms(2026, 3, 2, 6, 0, 0)
        .single()
        .expect("time");
    let logs = 16;
    let paths: Vec<PathBuf> = (0..logs)
        .map(|l| {
            PathBuf::from(format!(
                "/ts/Users/user{l:05}/AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-0.UccApilog"
            ))
        })
        .collect();
    let kinds = [
        EventKind::SipRequest,
        EventKind::SipResponse,
        EventKind::EwsRequest,
        EventKind::HttpStatus,
        EventKind::Other,
        EventKind::EwsFailure,
    ];
    for e in 0..events {
        let kind = kinds[e % kinds.len()];
        let level = if e % 50 == 0 { "ERROR" } else { "INFO" };
        m.events.push(LogEvent {
            path: paths[e % logs].clone(),
            line: (e / logs) as u64 + 1,
            time: Some(start + CDuration::milliseconds((e as i64) * 25)),
            level: Some(level.into()),
            thread: None,
            kind,
            marker: "bench".into(),
            account: Some(e % users),
            profile: None,
            excerpt: format!(
                "SIP/2.0 200 OK CSeq: {e} SERVICE ms-diagnostics: 0;reason=\"bench\" cid {e:x}"
            ),
            values: Default::default(),
        });
    }
    m.logs_scanned = true;
    m
}

fn app(m: Model) -> App {
    let mut a = App::new(
        clock(),
        true,
        vec![PathBuf::from("/ts")],
        KeyMap::default(),
        Theme::new(ThemeName::Dark),
    );
    a.watch_label = "watching (native)".into();
    a.set_model(m);
    a
}

fn key(a: &mut App, code: KeyCode) {
    let _ = a.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Median and 95th percentile of `n` runs of `f`, in milliseconds.
fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..3 {
        f();
    }
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    v.sort_by(f64::total_cmp);
    (v[n / 2], v[(n * 95 / 100).min(n - 1)])
}

fn frame(term: &mut Terminal<TestBackend>, a: &mut App) {
    prepare_frame(a, H);
    term.draw(|f| ui::draw(f, a)).expect("draw");
}

fn main() {
    let users = env("SPOOLSCOPE_BENCH_UI_USERS", 1000);
    let n_items = env("SPOOLSCOPE_BENCH_UI_ITEMS", 100_000);
    let n_events = env("SPOOLSCOPE_BENCH_UI_EVENTS", 1_000_000);
    let runs = env("SPOOLSCOPE_BENCH_UI_RUNS", 40);
    let mut term = Terminal::new(TestBackend::new(W, H)).expect("backend");

    // Baselines in the same run: a plain buffer fill, and a frame of an empty model.
    let (fill, _) = time(runs, || {
        let mut b = Buffer::empty(Rect::new(0, 0, W, H));
        for y in 0..H {
            b.set_string(0, y, "x".repeat(W as usize), Style::default());
        }
        std::hint::black_box(&b);
    });
    let mut empty = app(Model::default());
    let (base, _) = time(runs, || frame(&mut term, &mut empty));
    println!("baseline  buffer fill {W}×{H}: {fill:.3} ms · empty-model frame: {base:.3} ms");

    let t = Instant::now();
    let m = model(users, n_items, n_events);
    println!(
        "model: {users} accounts, {n_items} items, {n_events} events (built in {:.1?})",
        t.elapsed()
    );
    let t = Instant::now();
    let mut a = app(m);
    println!(
        "load: set_model (rules, item order, counts, log rows) {:.0} ms — once per scan, not per frame",
        t.elapsed().as_secs_f64() * 1e3
    );

    let mut rows: Vec<(String, f64, f64)> = Vec::new();
    let mut bench = |name: &str, a: &mut App, step: Option<KeyCode>| {
        let (med, p95) = time(runs, || {
            if let Some(k) = step {
                key(a, k);
            }
            frame(&mut term, a);
        });
        rows.push((name.to_string(), med, p95));
    };

    a.view = View::Overview;
    a.pane = Pane::Items;
    bench("overview (one account)", &mut a, None);
    a.pane = Pane::Accounts;
    bench(
        "  + move account (j, frame)†",
        &mut a,
        Some(KeyCode::Char('j')),
    );
    a.pane = Pane::Items;
    a.pane = Pane::Accounts;
    let (k_ms, _) = time(runs, || key(&mut a, KeyCode::Char('j')));
    a.pane = Pane::Items;
    let (v_ms, _) = time(runs, || a.recompute_views());
    let (l_ms, _) = time(runs, || a.recompute_log());
    key(&mut a, KeyCode::Char('a'));
    bench("overview (all accounts)", &mut a, None);
    bench(
        "  + scroll items (j, frame)",
        &mut a,
        Some(KeyCode::Char('j')),
    );
    bench(
        "  + page items (PgDn, frame)",
        &mut a,
        Some(KeyCode::PageDown),
    );
    key(&mut a, KeyCode::Char('2'));
    bench("findings", &mut a, None);
    key(&mut a, KeyCode::Char('3'));
    bench("log (all accounts)", &mut a, None);
    bench(
        "  + scroll log (j, frame)",
        &mut a,
        Some(KeyCode::Char('j')),
    );
    bench(
        "  + next error (e, frame)",
        &mut a,
        Some(KeyCode::Char('e')),
    );
    let t = Instant::now();
    key(&mut a, KeyCode::Char('/'));
    for c in "reason.*bench".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    let search_ms = t.elapsed().as_secs_f64() * 1e3;
    bench("log with search highlight", &mut a, None);
    bench(
        "  + next match (n, frame)",
        &mut a,
        Some(KeyCode::Char('n')),
    );

    // The raw view over a real file: 20 MB generated UccApilog.
    let dir = tempfile::tempdir().expect("tmp");
    let raw_path = dir.path().join("Lync-UccApi-0.UccApilog");
    {
        let f = std::fs::File::create(&raw_path).expect("create");
        let mut w = std::io::BufWriter::new(f);
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date");
        spoolscope::corpus::write_uccapilog(&mut w, 7, 20 << 20, start).expect("generate");
    }
    let t = Instant::now();
    open_raw(&mut a, &raw_path, 150_000);
    let index_ms = t.elapsed().as_secs_f64() * 1e3;
    let lines = a.log.raw.as_ref().map(|r| r.len()).unwrap_or(0);
    bench("raw log view (20 MB file)", &mut a, None);
    bench(
        "  + scroll raw (j, read+frame)",
        &mut a,
        Some(KeyCode::Char('j')),
    );
    bench(
        "  + page raw (PgDn, read+frame)",
        &mut a,
        Some(KeyCode::PageDown),
    );

    println!();
    println!(
        "{:<34} {:>9} {:>9} {:>10} {:>8}",
        "frame 200×60", "median ms", "p95 ms", "× empty", "target"
    );
    let mut worst: f64 = 0.0;
    for (name, med, p95) in &rows {
        worst = worst.max(*med);
        println!(
            "{name:<34} {med:>9.3} {p95:>9.3} {:>9.1}× {:>8}",
            med / base,
            if *med < TARGET_MS { "ok" } else { "MISSED" }
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "worst median {worst:.2} ms vs target {TARGET_MS} ms: {} (p95 is scheduling noise on a \
         shared machine; load average {})",
        if worst < TARGET_MS { "met" } else { "NOT met" },
        load.split_whitespace().next().unwrap_or("?")
    );
    println!(
        "on change only (never per frame): regex search over {n_events} events {search_ms:.0} ms; \
         raw index of {lines} lines {index_ms:.0} ms"
    );
    println!(
        "  account move without the frame {k_ms:.2} ms, of which item order + why rows {v_ms:.2} ms, log rows {l_ms:.2} ms"
    );
    println!("† moving the account re-scopes the item order, findings and log rows (on change)");
}
