//! One std mpsc channel feeds the UI loop: ticks, terminal input, source (scan and watch)
//! events, and termination signals. Each producer is a small thread.

use crate::source::scan::Scan;
use crate::source::watch::{WatchMode, WatchMsg};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

/// Everything the app reacts to.
#[derive(Debug)]
pub enum Event {
    /// The clock moved on (the real time, ignored when the clock is frozen).
    Tick(DateTime<Utc>),
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): never read as keys.
    Paste(String),
    Source(SourceEvent),
    /// SIGTERM, SIGHUP or SIGINT.
    Quit,
    /// SIGTSTP sent from outside (Linux): suspend as Ctrl-Z does.
    Stop,
    /// A worker thread failed (a bug): the view ends and this is printed.
    Fatal(String),
}

/// What the scanner and the watcher report.
#[derive(Debug)]
pub enum SourceEvent {
    /// A scan began (`full`: a rescan the user asked for).
    ScanStarted {
        roots: usize,
    },
    /// A root was walked (`done` of `total`).
    ScanProgress {
        done: usize,
        total: usize,
    },
    ScanDone(Box<Scan>),
    /// Log files changed and were reloaded: the new scan.
    LogsReloaded(Box<Scan>),
    /// Only the changed log files were re-read: merge them (correlation window given).
    LogsMerged(
        Box<crate::source::watch::LogReload>,
        crate::diagnose::correlate::Horizon,
    ),
    Watching {
        mode: WatchMode,
        folders: usize,
        fallback: Option<String>,
    },
    Changed(Vec<PathBuf>),
    WatchError(String),
}

impl From<WatchMsg> for SourceEvent {
    fn from(m: WatchMsg) -> Self {
        match m {
            WatchMsg::Changed(p) => SourceEvent::Changed(p),
            WatchMsg::Error(e) => SourceEvent::WatchError(e),
        }
    }
}

/// Read terminal input forever (the thread ends with the process). This thread, the ticker's
/// and the signals' are workers (`spawn_worker`): a panic in one ends the view with its
/// message rather than leave it running deaf.
pub fn spawn_input(tx: Sender<Event>, mouse: bool) {
    super::spawn_worker(tx.clone(), move || loop {
        let ev = match ratatui::crossterm::event::read() {
            Ok(e) => e,
            Err(_) => {
                let _ = tx.send(Event::Quit);
                return;
            }
        };
        let out = match ev {
            ratatui::crossterm::event::Event::Key(k) if k.kind != KeyEventKind::Release => {
                Event::Key(k)
            }
            ratatui::crossterm::event::Event::Mouse(m) if mouse => Event::Mouse(m),
            ratatui::crossterm::event::Event::Resize(w, h) => Event::Resize(w, h),
            ratatui::crossterm::event::Event::Paste(s) => Event::Paste(s),
            _ => continue,
        };
        if tx.send(out).is_err() {
            return;
        }
    });
}

/// Tick once a second (four times a second while `fast` is set, for the scan spinner).
pub fn spawn_ticker(tx: Sender<Event>, fast: Arc<AtomicBool>) {
    super::spawn_worker(tx.clone(), move || loop {
        let d = if fast.load(Ordering::Relaxed) {
            Duration::from_millis(250)
        } else {
            Duration::from_secs(1)
        };
        std::thread::sleep(d);
        if tx.send(Event::Tick(Utc::now())).is_err() {
            return;
        }
    });
}

/// A quit signal (SIGTERM, SIGHUP, SIGINT) has arrived: read by a suspended view that waits to
/// be in the foreground again (its event loop is not running then).
static QUIT_ASKED: AtomicBool = AtomicBool::new(false);

pub fn quit_asked() -> bool {
    QUIT_ASKED.load(Ordering::SeqCst)
}

/// Turn SIGTERM, SIGHUP and SIGINT into a clean quit, so the terminal is restored, and (Linux)
/// SIGTSTP into a suspend that gives the terminal back before stopping (a `kill -TSTP` would
/// otherwise stop the view with the terminal raw; see `jobctl` for why only Linux).
#[cfg(unix)]
pub fn spawn_signals(tx: Sender<Event>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut wanted = vec![SIGTERM, SIGHUP, SIGINT];
    if cfg!(target_os = "linux") {
        wanted.push(signal_hook::consts::SIGTSTP);
    }
    if let Ok(mut signals) = signal_hook::iterator::Signals::new(wanted) {
        super::spawn_worker(tx.clone(), move || {
            for sig in signals.forever() {
                let ev = if sig == signal_hook::consts::SIGTSTP {
                    Event::Stop
                } else {
                    Event::Quit
                };
                let quit = matches!(ev, Event::Quit);
                if quit {
                    QUIT_ASKED.store(true, Ordering::SeqCst);
                }
                if tx.send(ev).is_err() || quit {
                    return;
                }
            }
        });
    }
}

#[cfg(not(unix))]
pub fn spawn_signals(_tx: Sender<Event>) {}
