//! A real watcher on a temp tree feeding the app; the raw view of a growing log.

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
    let mut a = new_app(Utc::now(), false, vec![t.root.clone()]);
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
        if let Ok(WatchMsg::Changed(paths)) = rx.recv_timeout(left.min(Duration::from_millis(100)))
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
    let r = watch::reload_changed_logs(
        &a.model,
        &Default::default(),
        std::slice::from_ref(&log),
        &Default::default(),
    )
    .expect("a changed log alone is re-read");
    assert_eq!(r.paths, vec![log.clone()]);
    a.update(Event::Source(SourceEvent::LogsMerged(
        Box::new(r),
        Default::default(),
    )));
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

/// A grown log costs one frame, when its read is merged: the change that names it draws
/// nothing (nothing on screen changed yet); a spooled file changed is drawn at once.
#[test]
fn a_changed_log_is_drawn_once_its_read_is_merged() {
    let t = tree();
    let mut a = live_app(&t);
    let before = render(&a, 120, 30);
    std::fs::write(
        &t.log,
        "11/26/2026|10:00:00.000 1 INFO :: first line\n11/26/2026|10:00:01.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\n",
    )
    .expect("append");
    a.dirty = false;
    let cmds = a.update(Event::Source(SourceEvent::Changed(vec![t.log.clone()])));
    assert!(matches!(cmds.as_slice(), [Cmd::Apply(p)] if p == &vec![t.log.clone()]));
    let applied = apply_changes(&mut a, std::slice::from_ref(&t.log));
    assert_eq!(applied.logs, vec![t.log.clone()]);
    assert!(!a.dirty, "no frame before the log is read");
    assert_eq!(render(&a, 120, 30), before);
    let r = watch::reload_changed_logs(
        &a.model,
        &Default::default(),
        std::slice::from_ref(&t.log),
        &Default::default(),
    )
    .expect("a log alone");
    a.update(Event::Source(SourceEvent::LogsMerged(
        Box::new(r),
        Default::default(),
    )));
    assert!(a.dirty, "the merged read is drawn");
    assert_ne!(render(&a, 120, 30), before);
    // A new spooled file is taken in at once, and drawn.
    a.dirty = false;
    let f = t.spooler.join("{NEW}.xml");
    fs::write(&f, "<m:CreateItem><t:Subject>x</t:Subject></m:CreateItem>").expect("write");
    let cmds = a.update(Event::Source(SourceEvent::Changed(vec![f.clone()])));
    assert!(matches!(cmds.as_slice(), [Cmd::Apply(_)]));
    let applied = apply_changes(&mut a, std::slice::from_ref(&f));
    assert!(applied.items_changed);
    assert!(a.dirty);
    assert!(render(&a, 120, 30).contains("{NEW}.xml"));
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
    let k = |a: &mut App, c: KeyCode| a.update(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    k(&mut a, KeyCode::Char('3'));
    // 300 failures of one kind: a bounded number kept (first, last, a spread).
    assert!(a.log.order.len() >= 40, "events: {}", a.log.order.len());
    for _ in 0..30 {
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
    let k = |a: &mut App, c: KeyCode| a.update(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
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
