//! The accounting invariant, as a property over random trees: for every spooler, every
//! directory entry is reported as an item (ignored-by-name noise included, flagged), or listed
//! under `errors`, or both (an item whose content could not be analysed) — and nothing else is.
//! So: entries = items + entries listed only under errors, and the two sets of paths together
//! are exactly the entries.
//!
//! Checked for `report` (the scan, then the JSON report), for `watch` (files appearing under a
//! running watch: the model after `watch::apply` and the NDJSON lines it produces) and for the
//! live view's model (`tui::apply_changes`, then what the findings view shows), with faults
//! injected through the test-only hook of [`crate::isolate`]: chosen files panic while being
//! read.

use crate::diagnose::{self, Context};
use crate::isolate::{self, Fault};
use crate::model::{Clock, Finding, Model};
use crate::report::ndjson::{self, LineType};
use crate::report::{Report, ReportOptions};
use crate::source::scan::{self, ScanConfig};
use crate::source::watch;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One entry of a generated spooler.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Xml,
    /// A MIME item with one of [`SUBJECTS`].
    Mime(usize),
    /// The same, as UTF-16LE with a BOM.
    Utf16Mime(usize),
    Empty,
    Binary,
    /// A file whose read panics (injected).
    Panics,
    #[cfg(unix)]
    Fifo,
    #[cfg(unix)]
    Symlink,
}

const SUBJECTS: &[&str] = &[
    "plain subject",
    "=?utf-8?Q?x=Aé?=",
    "=?utf-8?B?Y2Fmw6k=?=",
    "=?x-unknown?Q?abc?=",
    "=?utf-16le?Q?=00=D8a=00?=",
    "=?koi8-r?B?8NLJ18XU?= =?utf-8?Q?=C3?= =?utf-8?Q?=A9?=",
    "=?utf-8?Q?=?= é=?",
];

/// Names of the generated files (`{n}` is the entry's index, so names never collide).
const NAMES: &[&str] = &["{n}.xml", "{n}-山田.eml", "{n} Ölçüm.tmp", "{n}🙂", "{n}"];
const NOISE: &[&str] = &["desktop.ini", "Thumbs.db", ".DS_Store"];

fn entry() -> impl Strategy<Value = Entry> {
    let v: Vec<BoxedStrategy<Entry>> = vec![
        Just(Entry::Xml).boxed(),
        (0..SUBJECTS.len()).prop_map(Entry::Mime).boxed(),
        (0..SUBJECTS.len()).prop_map(Entry::Utf16Mime).boxed(),
        Just(Entry::Empty).boxed(),
        Just(Entry::Binary).boxed(),
        Just(Entry::Panics).boxed(),
    ];
    #[cfg(unix)]
    let v = {
        let mut v = v;
        v.push(Just(Entry::Fifo).boxed());
        v.push(Just(Entry::Symlink).boxed());
        v
    };
    proptest::strategy::Union::new(v)
}

/// A spooler: its entries, the name pattern of each, and which noise files it holds.
type Spooler = (Vec<(Entry, usize)>, Vec<bool>);

fn tree() -> impl Strategy<Value = Vec<Spooler>> {
    prop::collection::vec(
        (
            prop::collection::vec((entry(), 0..NAMES.len()), 0..7),
            prop::collection::vec(any::<bool>(), NOISE.len()),
        ),
        1..4,
    )
}

fn spooler_dir(root: &Path, k: usize) -> PathBuf {
    root.join(format!(
        "Users/u{k}/AppData/Local/Microsoft/Office/16.0/Lync/sip_u{k}@contoso.com/History Spooler"
    ))
}

fn mime(subject: &str) -> String {
    format!(
        "From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: {subject}\r\nDate: Mon, 2 Mar \
         2026 11:48:10 +0000\r\n\r\nhello\r\n"
    )
}

/// Write one spooler's entries; returns (every entry, the ones that panic).
fn write_spooler(sp: &Path, s: &Spooler) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (entries, noise) = s;
    let mut all = Vec::new();
    let mut panics = Vec::new();
    for (i, (e, name)) in entries.iter().enumerate() {
        let p = sp.join(NAMES[*name].replace("{n}", &i.to_string()));
        match e {
            Entry::Xml => std::fs::write(
                &p,
                "<CreateItem MessageDisposition=\"SaveOnly\"><Subject>x</Subject>\
                 <ToRecipients><Mailbox><EmailAddress>rlee@contoso.com</EmailAddress>\
                 </Mailbox></ToRecipients></CreateItem>",
            )
            .expect("write"),
            Entry::Mime(k) => std::fs::write(&p, mime(SUBJECTS[*k])).expect("write"),
            Entry::Utf16Mime(k) => {
                let mut b = vec![0xff, 0xfe];
                b.extend(mime(SUBJECTS[*k]).encode_utf16().flat_map(u16::to_le_bytes));
                std::fs::write(&p, b).expect("write");
            }
            Entry::Empty => std::fs::write(&p, b"").expect("write"),
            Entry::Binary => {
                std::fs::write(&p, [0u8, 159, 146, 150, 0, 1, 2, 0xff]).expect("write")
            }
            Entry::Panics => {
                std::fs::write(&p, mime("about to fail")).expect("write");
                isolate::inject(&p, Fault::PanicInRead);
                panics.push(p.clone());
            }
            #[cfg(unix)]
            Entry::Fifo => {
                let st = std::process::Command::new("mkfifo")
                    .arg(&p)
                    .status()
                    .expect("mkfifo");
                assert!(st.success());
            }
            #[cfg(unix)]
            Entry::Symlink => {
                std::os::unix::fs::symlink("/etc/hostname", &p).expect("symlink");
            }
        }
        all.push(p);
    }
    for (n, present) in NOISE.iter().zip(noise) {
        if *present {
            let p = sp.join(n);
            std::fs::write(&p, "[.ShellClassInfo]\r\n").expect("write");
            all.push(p);
        }
    }
    (all, panics)
}

fn clock() -> Clock {
    Clock {
        now: chrono::Utc::now(),
        stuck_after: Duration::from_secs(120),
    }
}

fn findings(m: &Model) -> Vec<Finding> {
    diagnose::diagnose(&Context {
        model: m,
        clock: clock(),
        settings: &Default::default(),
    })
}

/// The invariant on a model, for one spooler whose entries are `entries`.
fn check_model(m: &Model, sp: &Path, entries: &[PathBuf], panics: &[PathBuf], leg: &str) {
    let inside = |p: &Path| p.parent() == Some(sp);
    let items: Vec<&crate::model::Item> = m.items.iter().filter(|i| inside(&i.path)).collect();
    let item_paths: BTreeSet<&Path> = items.iter().map(|i| i.path.as_path()).collect();
    assert_eq!(
        items.len(),
        item_paths.len(),
        "{leg}: an entry counted twice"
    );
    let error_paths: BTreeSet<&Path> = m
        .errors
        .iter()
        .filter(|e| inside(&e.path))
        .map(|e| e.path.as_path())
        .collect();
    let want: BTreeSet<&Path> = entries.iter().map(PathBuf::as_path).collect();
    let got: BTreeSet<&Path> = item_paths.union(&error_paths).copied().collect();
    assert_eq!(
        got, want,
        "{leg}: reported entries differ from the directory"
    );
    let error_only = error_paths.difference(&item_paths).count();
    let ignored = items.iter().filter(|i| i.ignorable).count();
    assert_eq!(
        entries.len(),
        (items.len() - ignored) + error_only + ignored,
        "{leg}: entries = items + errors + ignored by name"
    );
    for p in panics {
        let e = m
            .errors
            .iter()
            .find(|e| &e.path == p)
            .unwrap_or_else(|| panic!("{leg}: no error for {}", p.display()));
        assert!(
            e.message.starts_with(&format!(
                "internal error while reading {}: injected test fault",
                p.to_string_lossy()
            )) && e.message.ends_with("; please report it"),
            "{leg}: {}",
            e.message
        );
    }
    // Anything that could not be analysed makes the account `spool-unreadable`, naming it.
    let unanalysed: BTreeSet<&Path> = items
        .iter()
        .filter(|i| i.format == crate::model::Format::Unreadable)
        .map(|i| i.path.as_path())
        .chain(error_paths.iter().copied())
        .collect();
    let idx = m
        .accounts
        .iter()
        .position(|a| a.spooler.as_deref() == Some(sp))
        .expect("account of the spooler");
    assert_eq!(m.unanalysed_entries(idx), unanalysed.len(), "{leg}");
    let fs = findings(m);
    let f = fs.iter().find(|f| {
        f.rule == "spool-unreadable" && f.account == Some(m.accounts[idx].address.clone())
    });
    if unanalysed.is_empty() {
        assert!(f.is_none(), "{leg}: spool-unreadable without a cause");
    } else {
        let f = f.unwrap_or_else(|| panic!("{leg}: no spool-unreadable for {unanalysed:?}"));
        assert_eq!(f.severity, crate::model::Severity::Warning);
        let named: BTreeSet<&Path> = f.evidence.iter().map(|e| e.path.as_path()).collect();
        assert_eq!(named, unanalysed, "{leg}: spool-unreadable names them all");
    }
}

/// `report`: the JSON lists every entry as an item or an error.
fn check_report(m: &Model, sp: &Path, entries: &[PathBuf]) {
    let fs = findings(m);
    let opts = ReportOptions {
        clock: clock(),
        generated_at: clock().now,
        show_content: false,
        color: false,
        origin: Default::default(),
        zone: crate::clock::Zone::Utc,
    };
    let r = Report {
        model: m,
        findings: &fs,
        opts: &opts,
    };
    let mut out = Vec::new();
    r.write(crate::report::ReportFormat::Json, &mut out)
        .expect("json");
    let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let listed: BTreeSet<String> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(v["errors"].as_array().into_iter().flatten())
        .filter_map(|x| x["path"].as_str().map(str::to_string))
        .collect();
    for e in entries {
        assert!(
            listed.contains(&*e.to_string_lossy()),
            "report: {} not listed",
            e.display()
        );
    }
    assert_eq!(
        v["summary"]["errors"].as_u64(),
        Some(m.errors.len() as u64),
        "errors counted"
    );
    let idx = m
        .accounts
        .iter()
        .position(|a| a.spooler.as_deref() == Some(sp))
        .expect("account");
    assert_eq!(
        v["accounts"][idx]["unanalysed"].as_u64(),
        Some(m.unanalysed_entries(idx) as u64),
        "report: unanalysed entries per account"
    );
}

fn build(root: &Path, tree: &[Spooler]) -> Vec<(PathBuf, Vec<PathBuf>, Vec<PathBuf>)> {
    tree.iter()
        .enumerate()
        .map(|(k, s)| {
            let sp = spooler_dir(root, k);
            std::fs::create_dir_all(&sp).expect("mkdir");
            let (entries, panics) = write_spooler(&sp, s);
            (sp, entries, panics)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `report`: one scan of the whole tree.
    #[test]
    fn report_accounts_for_every_entry(t in tree()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let built = build(dir.path(), &t);
        let s = scan::scan(&[dir.path().to_path_buf()], &ScanConfig::default());
        for (sp, entries, panics) in &built {
            check_model(&s.model, sp, entries, panics, "report");
            check_report(&s.model, sp, entries);
        }
    }

    /// `watch`: the spoolers start empty, then every entry appears and the watcher reports
    /// it; the model and the NDJSON lines account for each. Then the failing files go away.
    #[test]
    fn watch_accounts_for_every_entry(t in tree()) {
        let dir = tempfile::tempdir().expect("tempdir");
        for k in 0..t.len() {
            std::fs::create_dir_all(spooler_dir(dir.path(), k)).expect("mkdir");
        }
        let mut s = scan::scan(&[dir.path().to_path_buf()], &ScanConfig::default());
        let origin = ndjson::Origin::default();
        let c = clock();
        let prev = ndjson::Snapshot::take(&s.model, &findings(&s.model), c, false);
        let built = build(dir.path(), &t);
        let changed: Vec<PathBuf> = built.iter().flat_map(|b| b.1.clone()).collect();
        let applied = watch::apply(&mut s.model, &changed, false);
        prop_assert!(!applied.rescan);
        let next = ndjson::Snapshot::take(&s.model, &findings(&s.model), c, false);
        let lines = ndjson::diff(&prev, &next, &s.model, &[], c.now, &origin);
        for (sp, entries, panics) in &built {
            check_model(&s.model, sp, entries, panics, "watch");
            for e in entries {
                let shown = lines.iter().any(|l| {
                    (l.kind == LineType::ItemAdded
                        && l
                            .item
                            .as_ref()
                            .and_then(|i| serde_json::from_str::<serde_json::Value>(i.get()).ok())
                            .and_then(|i| i["path"].as_str().map(str::to_string))
                            .as_deref()
                            == Some(&*e.to_string_lossy()))
                        || (l.kind == LineType::Error && l.error.as_ref().is_some_and(|x| &x.path == e))
                });
                prop_assert!(shown, "watch: no line for {}", e.display());
            }
            for p in panics {
                prop_assert!(lines.iter().any(|l| l.kind == LineType::Error
                    && l.error.as_ref().is_some_and(|x| &x.path == p
                        && x.message.starts_with("internal error while reading"))));
            }
        }
        // The failing files are processed (deleted): their errors go with them.
        let gone: Vec<PathBuf> = built.iter().flat_map(|b| b.2.clone()).collect();
        for p in &gone {
            std::fs::remove_file(p).expect("rm");
        }
        watch::apply(&mut s.model, &gone, false);
        for (sp, entries, _) in &built {
            let left: Vec<PathBuf> = entries.iter().filter(|e| !gone.contains(e)).cloned().collect();
            check_model(&s.model, sp, &left, &[], "watch after removal");
        }
    }

    /// The live view: the same changes through its apply path; the findings view names every
    /// entry that could not be analysed.
    #[test]
    fn live_view_accounts_for_every_entry(t in tree()) {
        use crate::tui::{app::App, event::{Event, SourceEvent}, keys::KeyMap, theme::{Theme, ThemeName}};
        let dir = tempfile::tempdir().expect("tempdir");
        for k in 0..t.len() {
            std::fs::create_dir_all(spooler_dir(dir.path(), k)).expect("mkdir");
        }
        let mut app = App::new(
            clock(),
            true,
            vec![dir.path().to_path_buf()],
            KeyMap::default(),
            Theme::new(ThemeName::Mono),
        );
        let s = scan::scan(&[dir.path().to_path_buf()], &ScanConfig::default());
        app.update(Event::Source(SourceEvent::ScanDone(Box::new(s))));
        let built = build(dir.path(), &t);
        let changed: Vec<PathBuf> = built.iter().flat_map(|b| b.1.clone()).collect();
        crate::tui::apply_changes(&mut app, &changed);
        for (sp, entries, panics) in &built {
            check_model(&app.model, sp, entries, panics, "live view");
        }
        let unreadable = app.findings.iter().filter(|f| f.rule == "spool-unreadable").count();
        let expected = built
            .iter()
            .enumerate()
            .filter(|(k, _)| app.model.unanalysed_entries(
                app.model.accounts.iter().position(|a| a.spooler == Some(spooler_dir(dir.path(), *k))).unwrap_or(usize::MAX),
            ) > 0)
            .count();
        prop_assert_eq!(unreadable, expected);
        // What the findings view shows.
        app.view = crate::tui::app::View::Findings;
        let backend = ratatui::backend::TestBackend::new(160, 40);
        let mut term = ratatui::Terminal::new(backend).expect("terminal");
        term.draw(|f| crate::tui::ui::draw(f, &app)).expect("draw");
        let screen: String = term
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        prop_assert_eq!(
            screen.matches("could not be analysed").count() >= expected.min(1),
            true,
            "findings view: {}",
            screen
        );
    }
}

/// A reader thread that dies outside the per-file guard: its batch is still accounted for,
/// every file of it as an internal error naming the file.
#[test]
fn a_dead_reader_thread_loses_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sp = spooler_dir(dir.path(), 0);
    std::fs::create_dir_all(&sp).expect("mkdir");
    let mut entries = Vec::new();
    for i in 0..600 {
        let p = sp.join(format!("{i:04}.eml"));
        std::fs::write(&p, mime("x")).expect("write");
        entries.push(p);
    }
    // Two files, in two batches of 256: both readers (on 2 cores) may die.
    isolate::inject(&entries[10], Fault::KillReader);
    isolate::inject(&entries[300], Fault::KillReader);
    let s = scan::scan(&[dir.path().to_path_buf()], &ScanConfig::default());
    check_model(&s.model, &sp, &entries, &[], "dead reader");
    let lost = s
        .model
        .errors
        .iter()
        .filter(|e| {
            e.message
                .contains("a reader thread stopped before this file was read")
        })
        .count();
    assert!(
        lost >= 256,
        "the batch of a dead reader is reported: {lost}"
    );
    assert!(s
        .model
        .errors
        .iter()
        .any(|e| e.path == entries[10] && e.message.starts_with("internal error while reading")));
}
