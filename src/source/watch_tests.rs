//! Unit tests of `source::watch` (classifying changes, re-reading logs, bursts).
use super::*;

#[test]
fn log_names() {
    assert!(is_log_name(Path::new("/x/Tracing/Lync-UccApi-0.UccApilog")));
    assert!(is_log_name(Path::new("/x/Lync-UccApi-0.UccApilog.bak")));
    assert!(is_log_name(Path::new("/x/Tracing/whatever.log")));
    assert!(!is_log_name(Path::new("/x/notes/whatever.log")));
    // A flat name from a zip unpacked with its backslashes kept.
    assert_eq!(
        is_log_name(Path::new(r"/x/Users\jdoe\Tracing\whatever.log")),
        crate::source::layout::BACKSLASH_NAMES
    );
    assert!(!is_log_name(Path::new("/x/GalContacts.db")));
}

/// An account's `Tracing` folder is watched even when it holds no log (its log renamed
/// away): a log created there later was never seen.
#[test]
fn an_empty_tracing_folder_is_watched() {
    let t = tempfile::tempdir().expect("tmp");
    let lync = t
        .path()
        .join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync");
    std::fs::create_dir_all(lync.join("sip_jdoe@contoso.com/History Spooler")).expect("mkdir");
    std::fs::create_dir_all(lync.join("Tracing")).expect("mkdir");
    std::fs::write(lync.join("Tracing/x"), "not a log by name or content\n").expect("write");
    let s = scan::scan(&[t.path().to_path_buf()], &ScanConfig::default());
    assert!(!s
        .model
        .sources
        .iter()
        .any(|s| s.kind == SourceKind::Uccapilog));
    let targets = targets(&s);
    assert!(targets.contains(&lync.join("Tracing")), "{targets:?}");
}

fn demo() -> (tempfile::TempDir, Vec<PathBuf>, Scan) {
    let dir = crate::demo::build(chrono::Utc::now()).expect("demo");
    let roots = vec![dir.path().to_path_buf()];
    let s = scan::scan(&roots, &ScanConfig::default());
    (dir, roots, s)
}

fn main_log(m: &Model) -> PathBuf {
    m.sources
        .iter()
        .find(|s| {
            s.kind == SourceKind::Uccapilog && s.path.to_string_lossy().ends_with("-0.UccApilog")
        })
        .map(|s| s.path.clone())
        .expect("a demo UccApilog")
}

/// After a log changes, re-reading just that file gives the model a full rescan gives.
fn assert_same_as_rescan(model: &Model, roots: &[PathBuf]) {
    let full = scan::scan(roots, &ScanConfig::default()).model;
    assert_eq!(model.events, full.events);
    assert_eq!(model.sources, full.sources);
    assert_eq!(model.errors, full.errors);
    assert_eq!(model.related, full.related);
}

#[test]
fn a_grown_log_is_reread_alone_and_merged() {
    let (_dir, roots, mut s) = demo();
    let log = main_log(&s.model);
    let before = s.model.events.len();
    let text = std::fs::read_to_string(&log).expect("read");
    // Append a copy of the last classified record (a line the markers know).
    let last = s
        .model
        .events
        .iter()
        .filter(|e| e.path == log)
        .max_by_key(|e| e.line)
        .map(|e| e.line)
        .expect("events");
    let line = text
        .lines()
        .nth(last as usize - 1)
        .expect("line")
        .to_string();
    std::fs::write(&log, format!("{text}{line}\r\n")).expect("append");
    let applied = apply(&mut s.model, std::slice::from_ref(&log), false);
    assert_eq!(applied.logs, vec![log.clone()]);
    let r = reload_changed_logs(
        &s.model,
        &ScanConfig::default(),
        &applied.logs,
        &Default::default(),
    )
    .expect("a log alone can be re-read");
    assert_eq!(r.paths, vec![log.clone()]);
    assert!(
        r.part.sources.iter().all(|x| x.path == log),
        "only the changed file was read"
    );
    merge_logs(&mut s.model, r);
    assert_eq!(s.model.events.len(), before + 1);
    assert_same_as_rescan(&s.model, &roots);
}

#[test]
fn a_log_that_keeps_growing_is_read_on_from_its_last_record() {
    let (_dir, roots, mut s) = demo();
    let log = main_log(&s.model);
    let text = std::fs::read_to_string(&log).expect("read");
    let tails = super::super::tail::Tails::default();
    let whole: String = text.lines().map(|l| format!("{l}\r\n")).collect();
    // Grow the log three times (once cut inside a line), merging each time.
    let n = whole.len();
    let cuts = [
        n / 3,
        (n * 2 / 3..n)
            .find(|&i| whole.is_char_boundary(i) && whole.as_bytes()[i - 1] != b'\n')
            .unwrap_or(n),
        n,
    ];
    let mut prev = 0;
    std::fs::write(&log, "").expect("empty");
    for (i, &c) in cuts.iter().enumerate() {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("open");
        std::io::Write::write_all(&mut f, &whole.as_bytes()[prev..c]).expect("append");
        drop(f);
        prev = c;
        let r = reload_changed_logs(
            &s.model,
            &ScanConfig::default(),
            std::slice::from_ref(&log),
            &tails,
        )
        .expect("a log alone");
        merge_logs(&mut s.model, r);
        if i > 0 {
            let (_, read) = tails.stats(&log).expect("tailed");
            assert!(read < c as u64, "read on ({read} of {c} bytes), not whole");
        }
        let full = scan::scan(&roots, &ScanConfig::default()).model;
        assert_eq!(s.model.events, full.events, "after append {i}");
        assert_eq!(s.model.sources, full.sources, "after append {i}");
    }
    assert_eq!(tails.stats(&log).map(|s| s.0), Some(1), "read whole once");
}

#[test]
fn a_truncated_or_deleted_log_is_reread_or_dropped() {
    let (_dir, roots, mut s) = demo();
    let log = main_log(&s.model);
    let text = std::fs::read_to_string(&log).expect("read");
    let half: String =
        text.lines()
            .take(text.lines().count() / 2)
            .fold(String::new(), |mut acc, l| {
                acc.push_str(l);
                acc.push_str("\r\n");
                acc
            });
    std::fs::write(&log, half).expect("truncate");
    let r = reload_changed_logs(
        &s.model,
        &ScanConfig::default(),
        std::slice::from_ref(&log),
        &Default::default(),
    )
    .expect("re-read");
    merge_logs(&mut s.model, r);
    assert_same_as_rescan(&s.model, &roots);
    std::fs::remove_file(&log).expect("rm");
    let r = reload_changed_logs(
        &s.model,
        &ScanConfig::default(),
        std::slice::from_ref(&log),
        &Default::default(),
    )
    .expect("dropped");
    merge_logs(&mut s.model, r);
    assert!(s.model.events.iter().all(|e| e.path != log));
    assert_same_as_rescan(&s.model, &roots);
}

#[test]
fn a_new_log_is_read_and_other_files_fall_back_to_a_rescan() {
    let (_dir, roots, mut s) = demo();
    let log = main_log(&s.model);
    let copy = log.with_file_name("Lync-UccApi-1.UccApilog");
    // A rotated file that starts later than the current one (first records differ, so the
    // timeline order is defined).
    let text = std::fs::read_to_string(&log).expect("read");
    let n = text.lines().count();
    let tail: Vec<&str> = text.lines().skip(n / 2).collect();
    std::fs::write(&copy, tail.join("\r\n") + "\r\n").expect("copy");
    let r = reload_changed_logs(
        &s.model,
        &ScanConfig::default(),
        std::slice::from_ref(&copy),
        &Default::default(),
    )
    .expect("a new log");
    merge_logs(&mut s.model, r);
    assert_same_as_rescan(&s.model, &roots);
    let other = log.with_file_name("notes.bin");
    std::fs::write(&other, [0u8, 1, 2, 3]).expect("write");
    assert!(reload_changed_logs(
        &s.model,
        &ScanConfig::default(),
        &[other],
        &Default::default()
    )
    .is_none());
    if let Some(mb) = s.model.mailbox.first() {
        let p = mb.path.clone();
        assert!(
            reload_changed_logs(&s.model, &ScanConfig::default(), &[p], &Default::default())
                .is_none()
        );
    }
}

/// A spooler drained at once (and refilled at once) is applied in one pass over the items,
/// however many files changed, and ends as a fresh scan of the tree ends.
#[test]
fn a_burst_of_changes_is_one_pass_over_the_items() {
    let t = tempfile::tempdir().expect("tmp");
    let sp = t.path().join(
        "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History Spooler",
    );
    std::fs::create_dir_all(&sp).expect("mkdir");
    let item = "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s\r\n\r\nx\r\n";
    let names: Vec<PathBuf> = (0..300).map(|i| sp.join(format!("{i:04}.eml"))).collect();
    for p in &names {
        std::fs::write(p, item).expect("write");
    }
    let roots = vec![t.path().to_path_buf()];
    let mut s = scan::scan(&roots, &ScanConfig::default());
    assert_eq!(s.model.items.len(), 300);
    // 200 processed by the client, 50 new ones written, in one burst.
    let mut changed: Vec<PathBuf> = names[..200].to_vec();
    for p in &changed {
        std::fs::remove_file(p).expect("rm");
    }
    for i in 300..350 {
        let p = sp.join(format!("{i:04}.eml"));
        std::fs::write(&p, item).expect("write");
        changed.push(p);
    }
    crate::model::update::PASSES.with(|c| c.set(0));
    let a = apply(&mut s.model, &changed, false);
    assert!(a.items_changed && !a.rescan);
    assert_eq!(
        crate::model::update::PASSES.with(|c| c.get()),
        2,
        "one pass to take the 250 out, one to put the 50 in"
    );
    let fresh = scan::scan(&roots, &ScanConfig::default()).model;
    assert_eq!(s.model.items, fresh.items);
    assert_eq!(s.model.sources, fresh.sources);
    assert_eq!(s.model.errors, fresh.errors);
    // The rest drained: still one pass.
    let rest: Vec<PathBuf> = s.model.items.iter().map(|i| i.path.clone()).collect();
    for p in &rest {
        std::fs::remove_file(p).expect("rm");
    }
    crate::model::update::PASSES.with(|c| c.set(0));
    apply(&mut s.model, &rest, false);
    assert_eq!(crate::model::update::PASSES.with(|c| c.get()), 1);
    assert!(s.model.items.is_empty());
    assert_eq!(
        s.model
            .sources
            .iter()
            .find(|x| x.kind == SourceKind::Spooler)
            .map(|x| x.records),
        Some(0)
    );
}

#[test]
fn modes_display() {
    assert_eq!(WatchMode::Native.to_string(), "native");
    assert_eq!(
        WatchMode::Poll(Duration::from_secs(2)).to_string(),
        "poll 2s"
    );
}

/// A log re-read as no record (its stamps unreadable now) joins `unreached`, so
/// `scan-incomplete` says it in `watch` as a scan would; read whole again, it leaves.
#[test]
fn a_log_reread_as_no_record_is_unreached() {
    let (_dir, _roots, mut s) = demo();
    let log = main_log(&s.model);
    let good = std::fs::read(&log).expect("read");
    std::fs::write(
        &log,
        "Mar 2 2026 09:00:00 no stamp this reader knows\r\n".repeat(3),
    )
    .expect("rewrite");
    let reload = |s: &Scan| {
        reload_changed_logs(
            &s.model,
            &ScanConfig::default(),
            std::slice::from_ref(&log),
            &Default::default(),
        )
        .expect("re-read")
    };
    let r = reload(&s);
    merge_logs(&mut s.model, r);
    assert!(s.model.unreached.contains(&log), "{:?}", s.model.unreached);
    std::fs::write(&log, good).expect("restore");
    let r = reload(&s);
    merge_logs(&mut s.model, r);
    assert!(!s.model.unreached.contains(&log), "{:?}", s.model.unreached);
}

/// A log that grows a line whose part past the 64 KiB cut holds a 401 joins `unreached` when
/// read on from where the last read stopped, and stays there as clean lines follow: the 401 is
/// still unread (`scan-incomplete` must not resolve).
#[test]
fn a_cut_failure_read_on_a_tail_stays_unreached_as_the_log_grows() {
    let (_dir, _roots, mut s) = demo();
    let log = main_log(&s.model);
    let tails = crate::source::tail::Tails::default();
    let reload = |s: &Scan| {
        reload_changed_logs(
            &s.model,
            &ScanConfig::default(),
            std::slice::from_ref(&log),
            &tails,
        )
        .expect("re-read")
    };
    // The tail starts on the log as it is: nothing unread.
    let r = reload(&s);
    merge_logs(&mut s.model, r);
    assert!(!s.model.unreached.contains(&log), "{:?}", s.model.unreached);
    let append = |text: &str| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("open");
        f.write_all(text.as_bytes()).expect("append");
    };
    let head = "12/01/2026|22:23:01.000 1F68:C10";
    append(&format!(
        "{head} ERROR :: EWS response {} HTTP/1.1 401 Unauthorized\r\n",
        "x".repeat(70_000)
    ));
    let r = reload(&s);
    merge_logs(&mut s.model, r);
    assert!(s.model.unreached.contains(&log), "{:?}", s.model.unreached);
    for _ in 0..2 {
        append(&format!("{head} INFO  :: done\r\n"));
        let r = reload(&s);
        merge_logs(&mut s.model, r);
        assert!(s.model.unreached.contains(&log), "{:?}", s.model.unreached);
    }
}

/// A file listed as ignored (not recognised) and then deleted leaves the list (the header
/// count, `i` and the export's inventory named it still); one that changed and is still there
/// stays listed.
#[test]
fn an_ignored_file_deleted_leaves_the_list() {
    let (dir, _roots, mut s) = demo();
    let tracing = main_log(&s.model).parent().expect("Tracing").to_path_buf();
    let gone = tracing.join("notes.bin");
    let kept = tracing.join("other.bin");
    for p in [&gone, &kept] {
        std::fs::write(p, [0u8, 1, 2, 3, 0xff]).expect("write");
    }
    s = scan::scan(&[dir.path().to_path_buf()], &ScanConfig::default());
    let listed = |m: &Model, p: &Path| m.ignored.iter().any(|g| g.path == p);
    assert!(
        listed(&s.model, &gone) && listed(&s.model, &kept),
        "{:?}",
        s.model.ignored
    );
    std::fs::remove_file(&gone).expect("rm");
    apply(&mut s.model, &[gone.clone(), kept.clone()], false);
    assert!(!listed(&s.model, &gone), "{:?}", s.model.ignored);
    assert!(listed(&s.model, &kept), "{:?}", s.model.ignored);
}

/// A spooled item's body (up to 1 MiB) is kept only when a run may show it: a report without
/// `--show-content` over a spooler of large stuck messages held every body until it ended
/// (review wild8s d10: 300 items of 1 MiB, 325 MiB). The same in a scan and in a watch re-read.
#[test]
fn bodies_are_kept_only_when_asked_for() {
    let t = tempfile::tempdir().expect("tmp");
    let sp = t.path().join(
        "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History Spooler",
    );
    std::fs::create_dir_all(&sp).expect("mkdir");
    let mime = |n: usize| {
        format!(
            "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: s{n}\r\n\r\n{}\r\n",
            "private words ".repeat(1000)
        )
    };
    std::fs::write(sp.join("{1}.eml"), mime(1)).expect("write");
    let roots = [t.path().to_path_buf()];
    let bodies = |m: &Model| m.items.iter().filter(|i| i.body.is_some()).count();
    for keep in [false, true] {
        let config = ScanConfig {
            keep_bodies: keep,
            ..ScanConfig::default()
        };
        let mut s = scan::scan(&roots, &config);
        assert_eq!(s.model.items.len(), 1);
        assert_eq!(bodies(&s.model), usize::from(keep), "scan, keep {keep}");
        // The preview (what a report shows with --show-content) stays either way.
        assert!(s.model.items[0].preview.is_some());
        let second = sp.join("{2}.eml");
        std::fs::write(&second, mime(2)).expect("write");
        apply(&mut s.model, std::slice::from_ref(&second), keep);
        assert_eq!(s.model.items.len(), 2);
        assert_eq!(
            bodies(&s.model),
            2 * usize::from(keep),
            "watch, keep {keep}"
        );
        std::fs::remove_file(&second).expect("rm");
    }
}
