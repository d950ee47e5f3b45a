//! Tree scan at terminal-server scale: discover + sniff + evaluate N×M spooled items, against a
//! baseline that only opens, reads and closes every file once, in the same process.
//!
//! `cargo bench --bench tree_scan` (SPOOLSCOPE_BENCH_USERS / _ITEMS change the size;
//! SPOOLSCOPE_BENCH_TREE=<dir> times a tree made by `spoolscope-gen tree` instead, which keeps
//! the generator out of a profile).

use spoolscope::corpus_tree::write_tree;
use spoolscope::diagnose::{diagnose, Context, RuleSettings};
use spoolscope::model::Clock;
use spoolscope::source::scan::{scan, ScanConfig};
use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn baseline(root: &std::path::Path) -> (usize, u64) {
    let mut n = 0;
    let mut bytes = 0;
    let mut buf = Vec::new();
    for e in walkdir::WalkDir::new(root).into_iter().flatten() {
        if e.file_type().is_file() {
            buf.clear();
            if let Ok(mut f) = std::fs::File::open(e.path()) {
                bytes += f.read_to_end(&mut buf).unwrap_or(0) as u64;
                n += 1;
            }
        }
    }
    (n, bytes)
}

/// The same open+read+close of every file, with the list split over `threads` threads (the list
/// is made first, outside the timing): how much two cores can give on this machine at all.
fn baseline_threads(files: &[std::path::PathBuf], threads: usize) -> f64 {
    let t = Instant::now();
    std::thread::scope(|s| {
        for part in files.chunks(files.len().div_ceil(threads).max(1)) {
            s.spawn(move || {
                let mut buf = Vec::new();
                for p in part {
                    buf.clear();
                    if let Ok(mut f) = std::fs::File::open(p) {
                        let _ = f.read_to_end(&mut buf);
                    }
                }
            });
        }
    });
    t.elapsed().as_secs_f64()
}

fn main() {
    let users = env("SPOOLSCOPE_BENCH_USERS", 1000);
    let items = env("SPOOLSCOPE_BENCH_ITEMS", 100);
    let dir = tempfile::tempdir().expect("tempdir");
    let now = SystemTime::now();
    let (root, expect) = match std::env::var_os("SPOOLSCOPE_BENCH_TREE") {
        Some(p) => (std::path::PathBuf::from(p), None),
        None => {
            let t = Instant::now();
            let written = write_tree(dir.path(), users, items, 42, now).expect("generate");
            println!(
                "tree: {users} users × {items} items = {written} files, generated in {:.1?}",
                t.elapsed()
            );
            (dir.path().to_path_buf(), Some(written))
        }
    };
    let roots = vec![root.clone()];
    let clock = Clock {
        now: now.into(),
        stuck_after: Duration::from_secs(120),
    };
    // Warm the page cache for both contenders alike.
    let (files, _) = baseline(&root);
    let list: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let mut best_base = f64::MAX;
    let mut best_scan = f64::MAX;
    let (mut list1, mut list2) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let t = Instant::now();
        let (n, _) = baseline(&root);
        best_base = best_base.min(t.elapsed().as_secs_f64());
        assert!(n >= expect.unwrap_or(0));
        list1 = list1.min(baseline_threads(&list, 1));
        list2 = list2.min(baseline_threads(&list, 2));
        let t = Instant::now();
        let s = scan(&roots, &ScanConfig::default());
        let f = diagnose(&Context {
            model: &s.model,
            clock,
            settings: &RuleSettings::default(),
        });
        best_scan = best_scan.min(t.elapsed().as_secs_f64());
        if expect.is_some() {
            assert_eq!(s.model.items.len(), users * items);
        }
        assert!(!f.is_empty());
    }
    println!(
        "machine check: open+read+close of a listed set, 1 thread {list1:.3} s, 2 threads {list2:.3} s ({:.2}× from the second core)",
        list1 / list2
    );
    println!(
        "baseline (open+read+close every file, 1 thread): {:.3} s\nscan (discover+sniff+diagnose): {:.3} s\nratio scan/baseline: {:.2}×  ({:.0} items/s)",
        best_base,
        best_scan,
        best_scan / best_base,
        files as f64 / best_scan
    );
}
