//! Before the first scan has finished: the panes say so and `w` writes nothing.

use super::*;

fn scanning_app() -> App {
    let mut a = new_app(now(), true, vec![PathBuf::from(ROOT)]);
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

/// The "still running" line of a `w` pressed during the first scan goes once the scan is in
/// (it stayed until the next key, contradicting the header).
#[test]
fn the_still_running_line_goes_when_the_first_scan_is_done() {
    let mut a = scanning_app();
    key(&mut a, 'w');
    assert!(render(&a, 120, 40).contains("first scan is still running"));
    a.update(Event::Source(SourceEvent::ScanDone(empty_scan())));
    assert_eq!(a.status, None);
    let s = render(&a, 120, 40);
    assert!(!s.contains("still running"), "{s}");
}

/// The watcher starts once the first scan is done; what changed in the scanned folders
/// after the walk (an item spooled, one sent, each with any file time) is found then and
/// applied, without `r`.
#[test]
fn changes_made_while_the_first_scan_ran_are_applied_after_it() {
    use std::fs;
    use std::time::SystemTime;
    let dir = tempfile::tempdir().expect("tmp");
    let root = fs::canonicalize(dir.path()).expect("canon");
    let spooler = root.join(
        "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History Spooler",
    );
    fs::create_dir_all(&spooler).expect("mkdir");
    let body = "<m:CreateItem><t:Subject>x</t:Subject></m:CreateItem>";
    for name in ["{KEEP}.xml", "{SENT}.xml"] {
        fs::write(spooler.join(name), body).expect("write");
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    let started = SystemTime::now();
    let mut a = new_app(Utc::now(), false, vec![root.clone()]);
    a.update(Event::Source(SourceEvent::ScanStarted { roots: 1 }));
    let scan = crate::source::scan::scan(std::slice::from_ref(&root), &Default::default());
    // (File times may come from a clock a few milliseconds coarse.)
    std::thread::sleep(std::time::Duration::from_millis(50));
    // After the walk, before the scan is handed over: one item spooled (its modification
    // time twenty minutes back, as a copied file keeps its own), one sent.
    let new = spooler.join("{NEW}.xml");
    fs::write(&new, body).expect("write");
    fs::File::options()
        .write(true)
        .open(&new)
        .and_then(|h| h.set_modified(SystemTime::now() - Duration::from_secs(1200)))
        .expect("mtime");
    fs::remove_file(spooler.join("{SENT}.xml")).expect("rm");
    let cmds = a.update(Event::Source(SourceEvent::ScanDone(Box::new(scan))));
    let Some(Cmd::Watch(targets)) = cmds.first() else {
        panic!("no watch asked for: {cmds:?}");
    };
    let names = |a: &App| -> Vec<String> {
        a.model
            .items
            .iter()
            .filter_map(|i| i.path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&a), ["{KEEP}.xml", "{SENT}.xml"], "the scan's view");
    let changed = crate::tui::catchup::changed_since(&a.model, targets, started);
    assert!(changed.contains(&new), "{changed:?}");
    assert!(changed.contains(&spooler.join("{SENT}.xml")), "{changed:?}");
    assert!(
        !changed.contains(&spooler.join("{KEEP}.xml")),
        "{changed:?}"
    );
    crate::tui::apply_changes(&mut a, &changed);
    let mut got = names(&a);
    got.sort();
    assert_eq!(got, ["{KEEP}.xml", "{NEW}.xml"]);
    let s = render(&a, 120, 40);
    assert!(s.contains("{NEW}.xml") && s.contains("STUCK"), "{s}");
}

/// Per-file errors and ignored files: counted in the header, listed (sanitised) by `i`, and
/// `⏎` on evidence naming a file that was not read says why.
#[test]
fn files_not_read_are_counted_and_listed() {
    let mut a = app();
    let s = render(&a, 160, 40);
    let header = s.lines().next().unwrap_or_default();
    assert!(
        !header.contains("error"),
        "no count without errors: {header}"
    );
    let log = PathBuf::from(format!(
        "{ROOT}/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-1.UccApilog"
    ));
    let mut m = model();
    m.errors.push(crate::model::ScanError::log_not_read(
        &log,
        "permission denied",
    ));
    m.errors.push(crate::model::ScanError::new(
        format!("{ROOT}/Users/jdoe/pipe\x1b[2J.UccApilog"),
        "not a regular file (fifo), skipped",
    ));
    m.ignored.push(crate::model::Ignored {
        path: PathBuf::from(format!("{ROOT}/Users/jdoe/readme.txt")),
        why: "not a spooled item, log or mailbox file".into(),
    });
    a.set_model(m);
    let s = render(&a, 160, 40);
    assert!(s.contains("2 errors · 1 ignored"), "{s}");
    key(&mut a, 'i');
    assert_eq!(a.popup, Popup::Errors { scroll: 0 });
    let s = render(&a, 160, 40);
    assert!(s.contains("errors (2)"), "{s}");
    assert!(
        s.contains("Lync-UccApi-1.UccApilog  log not read: permission denied"),
        "{s}"
    );
    assert!(s.contains("not a regular file (fifo), skipped"), "{s}");
    assert!(s.contains("ignored (1)") && s.contains("readme.txt"), "{s}");
    assert!(!s.contains('\x1b'), "control characters escaped: {s}");
    assert!(s.contains("pipe\\"), "the escape is shown escaped: {s}");
    key(&mut a, 'i');
    assert_eq!(a.popup, Popup::None);
    // `?` lists the key.
    key(&mut a, '?');
    let s = render(&a, 120, 40);
    assert!(s.contains("errors and ignored files"), "{s}");
    key(&mut a, '?');
    // Evidence naming the unread log: its reason, not "not in the loaded logs".
    a.jump_to_evidence(&crate::model::Evidence {
        path: log.clone(),
        line: None,
        time: None,
        excerpt: None,
        link: None,
    });
    let status = a.status.clone().expect("status");
    assert!(status.contains("permission denied"), "{status}");
    assert!(!status.contains("not in the loaded logs"), "{status}");
}
