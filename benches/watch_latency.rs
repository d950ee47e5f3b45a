//! Watch latency: a spooled file is created → the item is in the model, p50/p95 over 200 files,
//! with native watching and with polling, through `source::watch::start` + `apply` (what the
//! live view and `watch` do). Baselines in the same run: creating the file and applying it
//! directly (no watcher), and the configured debounce / poll interval (the floor by design).
//!
//! Then a growing log (issue 14): the `watch` binary on a tree with a 50 MB UccApilog that gets
//! one EWS failure appended every 500 ms for 10 s: the CPU `watch` used meanwhile (from
//! `/proc/<pid>/stat`) and the latency from each write to its NDJSON `log-event` line, p50/p95;
//! the baseline in the same run is the same binary with `SPOOLSCOPE_NO_TAIL=1` (every change
//! re-reads the log whole, as before tailing). Ratios are baseline / tailing.
//!
//! And a drained spooler: `apply` on N items removed at once, and on 4N (SPOOLSCOPE_BENCH_DRAIN_N,
//! default 2000; SPOOLSCOPE_BENCH_DRAIN_ONLY=1 runs only that part).
//!
//! `cargo bench --bench watch_latency` (SPOOLSCOPE_BENCH_WATCH_N, _POLL_MS change the run;
//! SPOOLSCOPE_BENCH_TAIL_MB the log size, SPOOLSCOPE_BENCH_TAIL_ONLY=1 runs only the log part).

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
            watch::apply(&mut m, &paths, false);
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
            watch::apply(&mut m, std::slice::from_ref(&p), false);
            assert!(m.items.iter().any(|it| it.path == p));
            t0.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// CPU ticks (user + system) a process has used, from `/proc/<pid>/stat`.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces) ends with ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn clock_ticks_per_sec() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn stamp() -> String {
    chrono::Utc::now()
        .format("%m/%d/%Y|%H:%M:%S%.3f")
        .to_string()
}

struct TailRun {
    cpu_share: f64,
    /// Appends after the first.
    lat: Vec<f64>,
    first: Option<f64>,
    sent: usize,
}

/// `watch` on a `mb` MB UccApilog, one failure appended every 500 ms for 10 s.
fn tail_run(mb: usize, whole: bool) -> TailRun {
    use std::io::{BufRead, Write};
    let t = tree();
    let tracing = t
        .spooler
        .parent()
        .expect("sip")
        .parent()
        .expect("Lync")
        .join("Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    let log = tracing.join("Lync-UccApi-0.UccApilog");
    let s = stamp();
    let block = format!(
        "{s} 1F68:C14 INFO  :: Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 410 bytes:\r\n\
         {s} 1F68:C14 INFO  :: SIP/2.0 200 OK\r\nFrom: <sip:jdoe@contoso.com>;tag=p1\r\nCSeq: 3 SERVICE\r\n\
         {s} 1F68:C14 INFO  :: End of Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 410 bytes\r\n\
         {s} 2A0:2A4 INFO  :: Media stats: lost 0 packets, 0 bytes\r\n"
    );
    let mut text = String::with_capacity(mb << 20);
    while text.len() < mb << 20 {
        text.push_str(&block);
    }
    std::fs::write(&log, &text).expect("write log");
    drop(text);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spoolscope"));
    cmd.args(["watch", "--format", "ndjson", "--heartbeat", "1h"])
        .arg(&t.root)
        .env("SPOOLSCOPE_NO_TAIL", if whole { "1" } else { "0" })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().expect("spawn watch");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<(Instant, String)>();
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send((Instant::now(), l)).is_err() {
                break;
            }
        }
    });
    // The first heartbeat comes after the initial scan.
    let start_deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < start_deadline {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok((_, l)) if l.contains("\"heartbeat\"") => break,
            _ => {}
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let pid = child.id();
    let tps = clock_ticks_per_sec();
    let mut written: HashMap<String, Instant> = HashMap::new();
    let mut lat = Vec::new();
    let mut first = None;
    let n = 20;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("open log");
    let take = |written: &mut HashMap<String, Instant>,
                lat: &mut Vec<f64>,
                first: &mut Option<f64>,
                wait: Duration| {
        while let Ok((at, l)) = rx.recv_timeout(wait) {
            if !l.contains("\"log-event\"") {
                continue;
            }
            if let Some(r) = l.split("ref=").nth(1) {
                let id: String = r.chars().take_while(char::is_ascii_digit).collect();
                if let Some(w) = written.remove(&id) {
                    let ms = (at - w).as_secs_f64() * 1e3;
                    // The first change after start reads the log whole (the tail has nothing
                    // to go on from yet): a warm-up, kept apart from the steady state.
                    match id.as_str() {
                        "0" => *first = Some(ms),
                        _ => lat.push(ms),
                    }
                }
            }
        }
    };
    let line = |i: usize| {
        format!(
            "{} 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized ref={i}\r\n",
            stamp()
        )
    };
    f.write_all(line(0).as_bytes()).expect("append");
    written.insert("0".into(), Instant::now());
    let warm = Instant::now() + Duration::from_secs(120);
    while first.is_none() && Instant::now() < warm {
        take(
            &mut written,
            &mut lat,
            &mut first,
            Duration::from_millis(20),
        );
    }
    let c0 = cpu_ticks(pid).unwrap_or(0);
    let t0 = Instant::now();
    for i in 1..=n {
        let due = t0 + Duration::from_millis(500 * (i as u64 - 1));
        take(
            &mut written,
            &mut lat,
            &mut first,
            due.saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1)),
        );
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        f.write_all(line(i).as_bytes()).expect("append");
        written.insert(i.to_string(), Instant::now());
    }
    let end = Instant::now() + Duration::from_secs(3);
    while !written.is_empty() && Instant::now() < end {
        take(
            &mut written,
            &mut lat,
            &mut first,
            Duration::from_millis(50),
        );
    }
    let used = (cpu_ticks(pid).unwrap_or(c0) - c0) as f64 / tps;
    let wall = t0.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    TailRun {
        cpu_share: used / wall,
        lat,
        first,
        sent: n,
    }
}

fn tail_bench() {
    let mb = env("SPOOLSCOPE_BENCH_TAIL_MB", 50) as usize;
    println!("growing log: {mb} MB UccApilog, one failure appended every 500 ms for 10 s");
    println!(
        "{:<22} {:>10} {:>9} {:>10} {:>9} {:>9}",
        "watch", "CPU/core", "seen", "1st ms", "p50 ms", "p95 ms"
    );
    let mut rows = Vec::new();
    for (name, whole) in [("whole re-read (base)", true), ("tailing", false)] {
        let mut r = tail_run(mb, whole);
        let seen = r.lat.len();
        let (p50, p95) = match r.lat.len() {
            0 => (f64::NAN, f64::NAN),
            _ => (pct(&mut r.lat, 50), pct(&mut r.lat, 95)),
        };
        println!(
            "{name:<22} {:>9.1}% {:>9} {:>10.0} {p50:>9.0} {p95:>9.0}",
            r.cpu_share * 100.0,
            format!("{seen}/{}", r.sent),
            r.first.unwrap_or(f64::NAN)
        );
        rows.push((r.cpu_share, p50, p95));
    }
    println!("(1st: a warm-up append right after start, waited for; CPU, p50 and p95 over the 20 appends after it)");
    if let [b, t] = rows.as_slice() {
        println!(
            "ratios base / tailing: CPU {:.1}×, p50 {:.1}×, p95 {:.1}×",
            b.0 / t.0.max(1e-9),
            b.1 / t.1,
            b.2 / t.2
        );
    }
}

/// A spooler of `n` items drained at once: the time `apply` takes for the whole burst (the
/// files already gone). Grows about linearly with `n` (it was quadratic: one pass over every
/// item per removed file).
fn drain(n: usize) -> f64 {
    let t = tree();
    let paths: Vec<PathBuf> = (0..n).map(|i| t.spooler.join(name(i))).collect();
    for p in &paths {
        std::fs::write(p, ITEM).expect("write");
    }
    let mut m = model(&t);
    assert_eq!(m.items.len(), n);
    for p in &paths {
        std::fs::remove_file(p).expect("rm");
    }
    let t0 = Instant::now();
    watch::apply(&mut m, &paths, false);
    let took = t0.elapsed().as_secs_f64() * 1e3;
    assert!(m.items.is_empty());
    took
}

fn drain_bench() {
    let small = env("SPOOLSCOPE_BENCH_DRAIN_N", 2000) as usize;
    let (a, b) = (drain(small), drain(small * 4));
    println!(
        "drain     {small} items removed at once: {a:.1} ms · {} items: {b:.1} ms ({:.1}× for 4× the items)",
        small * 4,
        b / a.max(1e-6)
    );
}

fn main() {
    if std::env::var_os("SPOOLSCOPE_BENCH_DRAIN_ONLY").is_some_and(|v| v == "1") {
        drain_bench();
        return;
    }
    drain_bench();
    if std::env::var_os("SPOOLSCOPE_BENCH_TAIL_ONLY").is_some_and(|v| v == "1") {
        tail_bench();
        return;
    }
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
    tail_bench();
}
