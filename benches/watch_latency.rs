//! Watch latency: a spooled file is created → the item is in the model, p50/p95 over 200 files,
//! with native watching and with polling, through `source::watch::start` + `apply` (what the
//! live view and `watch` do). Baselines in the same run: creating the file and applying it
//! directly (no watcher), and the configured debounce / poll interval (the floor by design).
//!
//! `cargo bench --bench watch_latency` (SPOOLSCOPE_BENCH_WATCH_N, _POLL_MS change the run).

use spoolscope::model::Model;
use spoolscope::source::scan::{scan, ScanConfig};
use spoolscope::source::watch::{self, WatchMsg, DEBOUNCE};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const ITEM: &str = "<?xml version=\"1.0\"?><Message><ToRecipients><Mailbox><EmailAddress>rachel@contoso.com</EmailAddress></Mailbox></ToRecipients><Subject>latency</Subject></Message>";

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    spooler: PathBuf,
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().expect("tmp");
    let root = std::fs::canonicalize(dir.path()).expect("canon");
    let spooler = root.join(
        "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History Spooler",
    );
    std::fs::create_dir_all(&spooler).expect("mkdir");
    Tree {
        _dir: dir,
        root,
        spooler,
    }
}

fn model(t: &Tree) -> Model {
    scan(std::slice::from_ref(&t.root), &ScanConfig::default()).model
}

fn name(i: usize) -> String {
    format!("{{{i:08X}-1111-2222-3333-444444444444}}.xml")
}

fn pct(v: &mut [f64], p: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() * p / 100).min(v.len() - 1)]
}

/// Create `n` files `gap` apart while the watcher runs; each file's latency is from its
/// creation to the moment `apply` put it in the model.
fn run(poll: Option<Duration>, n: usize, gap: Duration) -> (String, Vec<f64>) {
    let t = tree();
    let mut m = model(&t);
    let (tx, rx) = mpsc::channel();
    let w = watch::start(
        &watch::targets(&scan(std::slice::from_ref(&t.root), &ScanConfig::default())),
        poll,
        move |msg| {
            let _ = tx.send(msg);
        },
    )
    .expect("watch");
    let mode = match poll {
        Some(d) => format!("poll {} ms", d.as_millis()),
        None => w.mode.to_string(),
    };
    // Let the watcher settle (the poller takes its first listing at start).
    std::thread::sleep(Duration::from_millis(200));
    let mut created: HashMap<PathBuf, Instant> = HashMap::new();
    let mut lat: Vec<f64> = Vec::new();
    let mut next = Instant::now();
    let mut made = 0;
    let deadline = Instant::now() + gap * n as u32 + Duration::from_secs(15);
    while lat.len() < n && Instant::now() < deadline {
        if made < n && Instant::now() >= next {
            let p = t.spooler.join(name(made));
            std::fs::write(&p, ITEM).expect("write");
            created.insert(p, Instant::now());
            made += 1;
            next += gap;
        }
        let wait = next
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(5));
        if let Ok(WatchMsg::Changed(paths)) = rx.recv_timeout(wait) {
            watch::apply(&mut m, &paths);
            let now = Instant::now();
            for p in &paths {
                if let Some(t0) = created.remove(p) {
                    if m.items.iter().any(|it| &it.path == p) {
                        lat.push((now - t0).as_secs_f64() * 1e3);
                    }
                }
            }
        }
    }
    drop(w);
    (mode, lat)
}

/// The same files created and applied directly, no watcher: the work itself.
fn direct(n: usize) -> Vec<f64> {
    let t = tree();
    let mut m = model(&t);
    (0..n)
        .map(|i| {
            let p = t.spooler.join(name(i));
            let t0 = Instant::now();
            std::fs::write(&p, ITEM).expect("write");
            watch::apply(&mut m, std::slice::from_ref(&p));
            assert!(m.items.iter().any(|it| it.path == p));
            t0.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn main() {
    let n = env("SPOOLSCOPE_BENCH_WATCH_N", 200) as usize;
    let poll_ms = env("SPOOLSCOPE_BENCH_WATCH_POLL_MS", 500);
    let gap = Duration::from_millis(env("SPOOLSCOPE_BENCH_WATCH_GAP_MS", 25));
    let mut base = direct(n);
    let (b50, b95) = (pct(&mut base, 50), pct(&mut base, 95));
    println!("baseline  create + apply, no watcher: p50 {b50:.3} ms · p95 {b95:.3} ms");
    println!(
        "{:<14} {:>8} {:>9} {:>9} {:>9} {:>12} {:>13}",
        "mode", "seen", "p50 ms", "p95 ms", "floor ms", "p50 / floor", "p50 / direct"
    );
    let cases: [(Option<Duration>, Duration); 2] = [
        (None, DEBOUNCE),
        (
            Some(Duration::from_millis(poll_ms)),
            Duration::from_millis(poll_ms),
        ),
    ];
    for (poll, floor) in cases {
        let (mode, mut lat) = run(poll, n, gap);
        if lat.is_empty() {
            println!("{mode:<14} {:>6} (nothing seen)", 0);
            continue;
        }
        let seen = lat.len();
        let (p50, p95) = (pct(&mut lat, 50), pct(&mut lat, 95));
        let floor_ms = floor.as_secs_f64() * 1e3;
        println!(
            "{mode:<14} {:>8} {p50:>9.1} {p95:>9.1} {floor_ms:>9.0} {:>11.2}× {:>12.0}×",
            format!("{seen}/{n}"),
            p50 / floor_ms,
            p50 / b50
        );
    }
    println!(
        "(files created {} ms apart; floor = the debounce for native, the interval for polling)",
        gap.as_millis()
    );
}
