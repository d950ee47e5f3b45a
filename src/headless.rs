//! `spoolscope watch`: headless watching for scripts, services and SSH sessions without a TTY.
//! One JSON object per line (see `report::ndjson`), until SIGINT/SIGTERM/SIGHUP (exit 0).

use crate::exit::{Fatal, EXIT_OK};
use crate::model::Model;
use crate::pipeline::{self, Refresh};
use crate::report::ndjson::{diff, Line, LineType, Snapshot};
use crate::settings::Settings;
use crate::source::scan::Scan;
use crate::source::watch::{self, WatchMsg};
use crate::source::watch_levels;
use chrono::Utc;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often states are re-judged against the clock (a newly stuck item shows within this).
pub const EVALUATE_EVERY: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Append lines here instead of stdout.
    pub output: Option<PathBuf>,
    /// A `heartbeat` line at this interval.
    pub heartbeat: Duration,
    /// Profiles `--all-users` could not read: in every scan's model.
    pub pre: pipeline::PreScan,
}

/// Where lines go: stdout or an appended file, flushed per line.
struct Sink {
    w: Box<dyn Write>,
}

impl Sink {
    /// Write one whole line. `Ok(false)` when the reader went away (a closed pipe).
    fn emit(&mut self, line: &Line) -> Result<bool, Fatal> {
        let mut s = line.to_json();
        s.push('\n');
        match self.w.write_all(s.as_bytes()).and_then(|_| self.w.flush()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(Fatal::Write {
                what: " a line",
                source: e,
            }),
        }
    }
}

fn open_sink(
    output: &Option<PathBuf>,
    roots: &[PathBuf],
    protected: &crate::source::output::Protected,
) -> Result<Sink, Fatal> {
    let Some(p) = output else {
        return Ok(Sink {
            w: Box::new(std::io::stdout()),
        });
    };
    let abs = crate::source::output::check(p, roots, protected)
        .map_err(|e| Fatal::Usage(e.to_string()))?;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&abs)
        .map_err(|e| Fatal::Runtime(format!("{}: cannot open for appending: {e}", p.display())))?;
    // An earlier run killed mid-line left the file without its last line ending: start on a
    // line of our own, so this run's `scan-started` is not glued onto the cut line.
    let mut f = f;
    if ends_inside_a_line(&abs) {
        use std::io::Write;
        f.write_all(b"\n")
            .map_err(|e| Fatal::Runtime(format!("{}: cannot append: {e}", p.display())))?;
    }
    Ok(Sink { w: Box::new(f) })
}

/// Whether the file at `p` is non-empty and its last byte is not a line feed.
fn ends_inside_a_line(p: &std::path::Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut r) = std::fs::File::open(p) else {
        return false;
    };
    let mut last = [0u8; 1];
    r.seek(SeekFrom::End(-1)).is_ok() && r.read_exact(&mut last).is_ok() && last[0] != b'\n'
}

/// Run until a termination signal. Exit code 0 on a clean stop.
pub fn run(roots: Vec<PathBuf>, settings: &Settings, opts: &WatchOptions) -> Result<i32, Fatal> {
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Another handler may already be installed (tests in one process); then Ctrl+C simply
        // ends the process the default way.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let mut sink = open_sink(&opts.output, &roots, &settings.protected)?;
    let origin = pipeline::origin();
    let now = || {
        if settings.frozen {
            settings.clock.now
        } else {
            Utc::now()
        }
    };

    let mut start = Line::new(LineType::ScanStarted, now(), &origin);
    start.message = Some(
        roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if !sink.emit(&start)? {
        return Ok(EXIT_OK);
    }
    // Where each growing log's last read stopped: logs are read on from there (the initial
    // scan leaves the first checkpoints).
    let tails = crate::source::tail::Tails::default();
    let mut scan = pipeline::scan_live(&roots, &settings.scan, &tails);
    opts.pre.apply(&mut scan.model);
    if scan.roots_ok == 0 {
        return Err(Fatal::NothingScanned);
    }
    let mut prev = Snapshot::default();

    // With `--all-users`, the profiles folder: a profile created later is scanned too.
    let base_roots = roots.clone();
    let profiles = watch_levels::profiles_root(&roots, &settings.protected.folders);
    let mut roots = roots;
    let (tx, rx) = mpsc::channel::<WatchMsg>();
    // Kept alive for as long as the loop runs; dropping it stops watching.
    let mut live = start_watch(&scan, &roots, profiles.as_deref(), settings, tx.clone());
    // Anything that appeared or went between the scan and the watcher's start.
    reconcile(&mut scan.model);
    let watcher = &live.watcher;
    let mut hb = Line::new(LineType::Heartbeat, now(), &origin);
    hb.message = Some(format!(
        "watching {} folder(s), mode {}{}",
        watcher.as_ref().map(|w| w.watched).unwrap_or(0),
        watcher
            .as_ref()
            .map(|w| w.mode.to_string())
            .unwrap_or_else(|| "none".into()),
        // Native watching failed (inotify limits, a network share): say why polling runs.
        watcher
            .as_ref()
            .and_then(|w| w.fallback_reason.as_deref())
            .map(|r| format!(" (native watching failed: {r})"))
            .unwrap_or_default()
    ));
    let mut lines = vec![hb];
    let mut last_beat = Instant::now();
    loop {
        let t = now();
        let mut findings = pipeline::findings_at(&scan.model, settings, t);
        if !settings.show_content {
            // Log excerpts in `log-event` lines and in evidence: subjects and bodies masked,
            // as in `report`.
            crate::redact::hide_content(&mut scan.model, &mut findings);
        }
        let mut c = settings.clock;
        c.now = t;
        let next = Snapshot::take(&scan.model, &findings, c, settings.show_content);
        lines.extend(diff(&prev, &next, &scan.model, t, &origin));
        prev = next;
        if last_beat.elapsed() >= opts.heartbeat {
            let mut hb = Line::new(LineType::Heartbeat, t, &origin);
            hb.message = Some(format!(
                "{} account(s), {} item(s), {} stuck, {} finding(s)",
                scan.model.accounts.len(),
                scan.model.items.len(),
                scan.model.stuck_count(c),
                findings.len()
            ));
            lines.push(hb);
            last_beat = Instant::now();
        }
        for l in lines.drain(..) {
            if !sink.emit(&l)? {
                return Ok(EXIT_OK);
            }
        }
        // Wait for changes, re-judging ages every EVALUATE_EVERY.
        let deadline = Instant::now() + EVALUATE_EVERY;
        let mut changed: Vec<PathBuf> = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if stop.load(Ordering::SeqCst) {
                return Ok(EXIT_OK);
            }
            match rx.recv_timeout(left.min(Duration::from_millis(50))) {
                Ok(WatchMsg::Changed(p)) => changed.extend(p),
                Ok(WatchMsg::Error(e)) => {
                    let mut l = Line::new(LineType::Error, now(), &origin);
                    l.message = Some(e);
                    lines.push(l);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(EXIT_OK);
        }
        if !changed.is_empty() {
            // A folder created or removed above the accounts (an account, a profile, a
            // `Tracing` folder): discovery again. Other changes in those folders are not ours.
            let structural = changed.iter().any(|p| live.levels.is_structural(p));
            changed.retain(|p| {
                !live.levels.holds(p)
                    || live.targets.contains(p)
                    || p.parent().is_some_and(|d| live.targets.contains(d))
            });
            let applied = watch::apply(&mut scan.model, &changed);
            let rescan = applied.rescan || structural;
            if rescan {
                roots = live.levels.roots(&base_roots);
            }
            // Changed logs alone are re-read alone; anything else is a rescan.
            match pipeline::refresh(
                &scan.model,
                &roots,
                &settings.scan,
                rescan,
                &applied.logs,
                &tails,
            ) {
                None => {}
                Some(Refresh::Merged(r)) => {
                    pipeline::merge_logs(&mut scan.model, *r, pipeline::horizon(&settings.scan))
                }
                Some(Refresh::Rescanned(s)) => {
                    scan = *s;
                    opts.pre.apply(&mut scan.model);
                    // The old watcher stops before the new one starts.
                    live.watcher = None;
                    live = start_watch(&scan, &roots, profiles.as_deref(), settings, tx.clone());
                    // Items written while the new watcher was starting.
                    reconcile(&mut scan.model);
                }
            }
        }
    }
}

/// List every spooler again and apply what differs from the model (files created or removed
/// while the watcher was starting).
fn reconcile(model: &mut Model) {
    let known: std::collections::BTreeSet<PathBuf> =
        model.items.iter().map(|i| i.path.clone()).collect();
    let mut changed: Vec<PathBuf> = Vec::new();
    for sp in model.accounts.iter().filter_map(|a| a.spooler.as_ref()) {
        // A spooler that cannot be listed keeps what it had (the scan said why).
        let Ok(rd) = std::fs::read_dir(sp) else {
            continue;
        };
        let now: std::collections::BTreeSet<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        changed.extend(now.difference(&known).cloned());
        changed.extend(
            known
                .iter()
                .filter(|p| p.parent() == Some(sp.as_path()) && !now.contains(*p))
                .cloned(),
        );
    }
    if !changed.is_empty() {
        watch::apply(model, &changed);
    }
}

/// The running watcher (replaced after a rescan; dropping it stops watching), what it watches
/// for what they hold, and the level folders it watches for new accounts.
struct Live {
    watcher: Option<watch::Watcher>,
    targets: std::collections::BTreeSet<PathBuf>,
    levels: watch_levels::Levels,
}

fn start_watch(
    scan: &Scan,
    roots: &[PathBuf],
    profiles: Option<&std::path::Path>,
    settings: &Settings,
    tx: mpsc::Sender<WatchMsg>,
) -> Live {
    let targets = watch::targets(scan);
    let mut levels = watch_levels::levels(roots, &scan.model, profiles);
    levels.known = targets.iter().cloned().collect();
    levels
        .known
        .extend(scan.model.accounts.iter().map(|a| a.dir.clone()));
    let mut dirs: Vec<PathBuf> = targets.iter().chain(levels.dirs.iter()).cloned().collect();
    dirs.sort();
    dirs.dedup();
    let watcher = watch::start(&dirs, settings.poll, move |m| {
        let _ = tx.send(m);
    })
    .ok();
    Live {
        watcher,
        targets: targets.into_iter().collect(),
        levels,
    }
}
