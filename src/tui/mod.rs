//! The live terminal UI. `app` holds state and `update`; `ui` renders; `event` feeds one
//! channel; `keys` and `theme` are data. This file is the runtime: terminal setup and
//! restore, the event loop (redraw only on change, at most ~30 frames a second), and the side
//! effects the app asks for (scan, watch, export, clipboard).

pub mod app;
pub mod catchup;
pub mod event;
pub mod export;
#[cfg(target_os = "linux")]
mod jobctl;
pub mod keys;
pub mod rawlog;
pub mod theme;
pub mod ui;

#[cfg(test)]
mod tests;

use crate::exit::{Fatal, EXIT_OK};
use crate::pipeline::{self, Refresh};
use crate::settings::Settings;
use crate::source::watch::{self, Applied, Watcher};
use crate::source::ScanConfig;
use app::{App, Cmd};
use event::{Event, SourceEvent};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;
use std::io::{Stdout, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// File times are compared with this much slack (coarse file system clocks).
const CATCH_UP_MARGIN: Duration = Duration::from_secs(2);

/// At most this often a frame is drawn (~30 fps).
const FRAME: Duration = Duration::from_millis(33);

/// A terminal size the view does not draw in (see [`ui::MAX_CELLS`]).
fn too_large(size: ratatui::layout::Size) -> bool {
    usize::from(size.width) * usize::from(size.height) > ui::MAX_CELLS
}

/// Put the terminal back: cooked mode, main screen, cursor, no mouse capture, no bracketed
/// paste.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Raw mode, the alternate screen, no cursor, bracketed paste and (`mouse`) mouse capture.
fn take_terminal(mouse: bool) -> std::io::Result<()> {
    enable_raw_mode()?;
    let mut out = std::io::stdout();
    ratatui::crossterm::execute!(
        out,
        EnterAlternateScreen,
        ratatui::crossterm::cursor::Hide,
        // A paste arrives as one event (text for a prompt), not as keys that run commands.
        EnableBracketedPaste
    )?;
    if mouse {
        ratatui::crossterm::execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Owns the terminal while the UI runs; restores it when dropped (quit, error, unwinding).
struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    /// Mouse capture was asked for (taken again after a suspend, which Windows has none of).
    #[cfg_attr(not(unix), allow(dead_code))]
    mouse: bool,
    /// The view holds the terminal (false once given back by a suspend that ended in a quit:
    /// there is nothing to restore, and from the background it could not be).
    held: bool,
}

impl TerminalGuard {
    fn enter(mouse: bool) -> std::io::Result<TerminalGuard> {
        // A panic on the UI thread restores the terminal before the message is printed. One
        // on a worker thread leaves the view running: the worker sends its message as
        // `Event::Fatal` (see `spawn_worker`), the view ends and the message is printed after
        // the terminal is restored, not drawn over by the view.
        let prev = std::panic::take_hook();
        let ui = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            // A per-file panic that will be caught (one error line) leaves the screen alone.
            if crate::isolate::quiet_here() {
                prev(info);
            } else if std::thread::current().id() == ui {
                restore_terminal();
                prev(info);
            } else if let Ok(mut last) = WORKER_PANIC.lock() {
                *last = Some(info.to_string());
            }
        }));
        // `Terminal::new` allocates the cells of the whole screen: a terminal that reports an
        // absurd size is refused before anything changes (it would abort on the allocation).
        if let Ok((w, h)) = ratatui::crossterm::terminal::size() {
            if too_large(ratatui::layout::Size::new(w, h)) {
                return Err(std::io::Error::other(format!(
                    "it reports {w}×{h} cells; {}",
                    ui::too_large_message()
                )));
            }
        }
        let res = take_terminal(mouse)
            .and_then(|_| Terminal::new(CrosstermBackend::new(std::io::stdout())));
        match res {
            Ok(terminal) => Ok(TerminalGuard {
                terminal,
                mouse,
                held: true,
            }),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }

    /// Ctrl-Z or a SIGTSTP: give the terminal back and stop as a shell's job does; once
    /// continued (`fg`), take the terminal again and redraw everything. Where the shell has no
    /// job control (the process group is orphaned, as under `sh -c` or some `ssh host cmd`
    /// sessions) the view comes straight back, rather than stop with no one to continue it.
    ///
    /// Continued from the background (`kill %1` sends SIGTERM then SIGCONT; `bg`), the view
    /// waits to be in the foreground before it takes the terminal: changing the terminal from
    /// the background would stop it again (SIGTTOU) until someone typed `fg`, so a `kill %1`
    /// would not end it. A quit asked for meanwhile ends the wait: `Ok(false)`, the terminal
    /// left as it was given back.
    #[cfg(unix)]
    fn suspend(&mut self) -> std::io::Result<bool> {
        restore_terminal();
        self.held = false;
        let stopped = stop_as_a_job();
        while !in_foreground() {
            if event::quit_asked() {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Whether or not the stop worked, the view takes the terminal back.
        take_terminal(self.mouse)?;
        self.held = true;
        // A blank screen, and no frame to diff against, so the next draw paints every cell.
        // (`Terminal::clear` asks the terminal where its cursor is, and the input thread
        // takes the answer.)
        ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
        )?;
        self.terminal.swap_buffers();
        stopped.map(|()| true)
    }

    /// No job control to stop for: the view stays.
    #[cfg(not(unix))]
    fn suspend(&mut self) -> std::io::Result<bool> {
        Ok(true)
    }
}

/// Stop until a shell continues this job: the whole process group, as the terminal's Ctrl-Z
/// would (a script that started the view stops with it, so its shell gets the prompt back). On
/// Linux SIGTSTP is caught (a `kill -TSTP` gives the terminal back first, see
/// `event::spawn_signals`), and a caught signal is never discarded, so the kernel's rule for a
/// group no shell watches is applied here (`jobctl`) before stopping with SIGSTOP. Elsewhere
/// SIGTSTP keeps its default action, which the kernel discards in such a group.
#[cfg(target_os = "linux")]
fn stop_as_a_job() -> std::io::Result<()> {
    if jobctl::here() {
        rustix::process::kill_current_process_group(rustix::process::Signal::STOP)?;
    }
    Ok(())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn stop_as_a_job() -> std::io::Result<()> {
    Ok(rustix::process::kill_current_process_group(
        rustix::process::Signal::TSTP,
    )?)
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if self.held {
            restore_terminal();
        }
    }
}

/// Whether this process's group is the terminal's foreground group (true when that cannot be
/// told: no terminal to wait for).
#[cfg(unix)]
fn in_foreground() -> bool {
    rustix::termios::tcgetpgrp(std::io::stdin())
        .map(|fg| fg == rustix::process::getpgrp())
        .unwrap_or(true)
}

/// What the last panic on a worker thread said (where and what), for its `Event::Fatal`.
static WORKER_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Run `work` on a thread of its own; a panic there (a bug) becomes `Event::Fatal`, which ends
/// the view with the message once the terminal is restored.
fn spawn_worker(tx: Sender<Event>, work: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).is_err() {
            let said = WORKER_PANIC.lock().ok().and_then(|mut m| m.take());
            let _ = tx.send(Event::Fatal(format!(
                "internal error in a background read (please report it): {}",
                said.unwrap_or_else(|| "a panic".into())
            )));
        }
    });
}

/// Scan `roots` in a background thread; the result arrives as `ScanDone`.
fn spawn_scan(
    tx: Sender<Event>,
    roots: Vec<PathBuf>,
    config: ScanConfig,
    pre: crate::pipeline::PreScan,
    busy: Arc<AtomicBool>,
    tails: crate::source::tail::Tails,
) {
    busy.store(true, Ordering::Relaxed);
    let _ = tx.send(Event::Source(SourceEvent::ScanStarted {
        roots: roots.len(),
    }));
    spawn_worker(tx.clone(), move || {
        if crate::isolate::ui_fault() == Some(crate::isolate::UiFault::WorkerPanic) {
            panic!("test fault in the scan thread");
        }
        let mut s = pipeline::scan_live(&roots, &config, &tails);
        pre.apply(&mut s.model);
        let _ = tx.send(Event::Source(SourceEvent::ScanProgress {
            done: roots.len(),
            total: roots.len(),
        }));
        // Sent before the flag drops: a read started after it comes after it (see
        // `spawn_log_reload`).
        let _ = tx.send(Event::Source(SourceEvent::ScanDone(Box::new(s))));
        busy.store(false, Ordering::Relaxed);
    });
}

/// What a scan of the session reads: its roots and settings, and the profiles skipped before it.
struct ScanInputs {
    roots: Vec<PathBuf>,
    config: ScanConfig,
    pre: crate::pipeline::PreScan,
}

/// Re-read only the changed log files in a background thread; the result arrives as
/// `LogsMerged`, or (when some path is not a log) a full reload arrives as `LogsReloaded`.
fn spawn_log_reload(
    tx: Sender<Event>,
    model: &crate::model::Model,
    inputs: ScanInputs,
    changed: Vec<PathBuf>,
    busy: Arc<AtomicBool>,
    tails: crate::source::tail::Tails,
) {
    let ScanInputs { roots, config, pre } = inputs;
    busy.store(true, Ordering::Relaxed);
    // What the reader needs to know: accounts, known sources (path, kind, how a log was
    // recognised: not its summary, whose tallies are the bulk of it), mailbox files (not the
    // events).
    let light = crate::model::Model {
        accounts: model.accounts.clone(),
        sources: model
            .sources
            .iter()
            .map(|s| crate::model::Source {
                path: s.path.clone(),
                kind: s.kind,
                records: s.records,
                skipped: s.skipped,
                log: s.log.as_ref().map(|l| crate::model::LogSummary {
                    detected_by: l.detected_by,
                    ..Default::default()
                }),
            })
            .collect(),
        mailbox: model.mailbox.clone(),
        ..Default::default()
    };
    spawn_worker(tx.clone(), move || {
        let ev = match pipeline::refresh(&light, &roots, &config, false, &changed, &tails) {
            Some(Refresh::Merged(r)) => {
                SourceEvent::LogsMerged(r, crate::pipeline::horizon(&config))
            }
            Some(Refresh::Rescanned(mut s)) => {
                pre.apply(&mut s.model);
                SourceEvent::LogsReloaded(s)
            }
            None => SourceEvent::LogsMerged(Box::default(), crate::pipeline::horizon(&config)),
        };
        // The result goes out before the flag drops, so the next read (which starts only then)
        // arrives after it: a tail hands over what changed since its last read, and the
        // model must take the reads in in order.
        let _ = tx.send(Event::Source(ev));
        busy.store(false, Ordering::Relaxed);
    });
}

/// Apply changed paths to the app's model (spooled files re-read at once) and refresh it.
pub fn apply_changes(app: &mut App, paths: &[PathBuf]) -> Applied {
    // The view may show content and export it at any moment: bodies are kept.
    let a = watch::apply(&mut app.model, paths, true);
    if a.items_changed {
        app.refresh();
    }
    a
}

/// Open the raw lines of a log file at `line` (Enter or `v` on an event): index it (offsets
/// only) and show it in the log view.
pub fn open_raw(app: &mut App, path: &std::path::Path, line: u64) {
    match rawlog::RawView::open(path, line) {
        Ok(v) => {
            app.log.raw = Some(v);
            app.view = app::View::Log;
        }
        Err(e) => {
            app.status = Some(format!(
                "cannot open {}: {}",
                crate::sanitize::cell(&path.to_string_lossy(), 50),
                crate::sanitize::cell(&e.to_string(), 40)
            ))
        }
    }
    app.dirty = true;
}

/// Disk reads a frame needs before it is drawn: the raw log lines on screen (at most about
/// twice the terminal height), nothing else.
pub fn prepare_frame(app: &mut App, height: u16) {
    if app.view == app::View::Log {
        if let Some(raw) = &mut app.log.raw {
            raw.sync(height as usize);
        }
    }
}

/// A watched file changed: if the raw view shows it, index what was appended (or re-index a
/// truncated or rotated file).
pub fn poll_raw(app: &mut App, paths: &[PathBuf]) {
    if let Some(raw) = &mut app.log.raw {
        if paths.iter().any(|p| p == raw.index.path())
            && raw.poll() != crate::source::lineindex::Update::Unchanged
        {
            app.dirty = true;
        }
    }
}

/// The changes made in `targets` since a scan began at `since`, as a command to apply them.
fn catch_up(app: &App, targets: &[PathBuf], since: Option<std::time::SystemTime>) -> Option<Cmd> {
    let since = since?;
    let since = since.checked_sub(CATCH_UP_MARGIN).unwrap_or(since);
    let changed = catchup::changed_since(&app.model, targets, since);
    (!changed.is_empty()).then_some(Cmd::Apply(changed))
}

/// The runtime state around the app: watcher, channel, background work.
struct Runtime {
    tx: Sender<Event>,
    roots: Vec<PathBuf>,
    /// What an export may not be written onto besides the roots.
    protected: crate::source::output::Protected,
    scan_config: ScanConfig,
    pre: crate::pipeline::PreScan,
    poll: Option<Duration>,
    scanning: Arc<AtomicBool>,
    /// Changed log files waiting for the running read to finish.
    pending_logs: Vec<PathBuf>,
    watcher: Option<Watcher>,
    targets: Vec<PathBuf>,
    /// Where each growing log's last read stopped (logs are read on from there).
    tails: crate::source::tail::Tails,
    /// When the running scan started: what changed in the watched folders since then is
    /// applied once the watcher is up (see `catchup`).
    scan_started: Option<std::time::SystemTime>,
}

impl Runtime {
    /// Start re-reading the changed logs waiting, unless a scan or read is running (then
    /// they wait for it).
    fn start_pending_logs(&mut self, app: &App) {
        if self.pending_logs.is_empty() || self.scanning.load(Ordering::Relaxed) {
            return;
        }
        spawn_log_reload(
            self.tx.clone(),
            &app.model,
            ScanInputs {
                roots: self.roots.clone(),
                config: self.scan_config.clone(),
                pre: self.pre.clone(),
            },
            std::mem::take(&mut self.pending_logs),
            self.scanning.clone(),
            self.tails.clone(),
        );
    }

    fn run_cmds(&mut self, app: &mut App, cmds: Vec<Cmd>, term: &mut TerminalGuard) {
        let mut queue = cmds;
        while let Some(c) = queue.pop() {
            match c {
                Cmd::Rescan => {
                    if !self.scanning.load(Ordering::Relaxed) {
                        self.scan_started = Some(std::time::SystemTime::now());
                        spawn_scan(
                            self.tx.clone(),
                            self.roots.clone(),
                            self.scan_config.clone(),
                            self.pre.clone(),
                            self.scanning.clone(),
                            self.tails.clone(),
                        );
                    }
                }
                Cmd::OpenRaw { path, line } => open_raw(app, &path, line),
                Cmd::Apply(paths) => {
                    poll_raw(app, &paths);
                    let a = apply_changes(app, &paths);
                    if a.rescan {
                        queue.push(Cmd::Rescan);
                    } else if !a.logs.is_empty() {
                        for p in a.logs {
                            if !self.pending_logs.contains(&p) {
                                self.pending_logs.push(p);
                            }
                        }
                        self.start_pending_logs(app);
                    }
                }
                Cmd::Watch(targets) => {
                    // A scan just ended: what changed in its folders while it ran is looked
                    // for once the watcher is up (it reports what changes after that).
                    let since = self.scan_started.take();
                    if self.watcher.is_some() && targets == self.targets {
                        queue.extend(catch_up(app, &targets, since));
                        continue;
                    }
                    self.watcher = None;
                    let tx = self.tx.clone();
                    let on = move |m| {
                        let _ = tx.send(Event::Source(SourceEvent::from(m)));
                    };
                    match watch::start(&targets, self.poll, on) {
                        Ok(w) => {
                            let ev = SourceEvent::Watching {
                                mode: w.mode,
                                folders: w.watched,
                                fallback: w.fallback_reason.clone(),
                            };
                            self.watcher = Some(w);
                            queue.extend(app.update(Event::Source(ev)));
                        }
                        Err(e) => {
                            app.watch_label = "not watching (r rescans)".into();
                            app.status =
                                Some(format!("cannot watch: {}", crate::sanitize::cell(&e, 60)));
                        }
                    }
                    queue.extend(catch_up(app, &targets, since));
                    self.targets = targets;
                }
                Cmd::Export { path, format } => {
                    app.status = Some(
                        match export::write(app, &self.roots, &self.protected, &path, format) {
                            Ok(p) => {
                                format!("wrote {}", crate::sanitize::cell(&p.to_string_lossy(), 70))
                            }
                            Err(e) => format!("export failed: {}", crate::sanitize::cell(&e, 70)),
                        },
                    );
                    app.dirty = true;
                }
                Cmd::Suspend => {
                    match term.suspend() {
                        Ok(true) => {}
                        // Asked to quit while suspended: end without drawing again.
                        Ok(false) => app.quit = true,
                        Err(e) => {
                            app.status = Some(format!(
                                "back from Ctrl-Z: {}",
                                crate::sanitize::cell(&e.to_string(), 60)
                            ))
                        }
                    }
                    app.dirty = true;
                }
                Cmd::Copy(text) => {
                    let seq = export::osc52(&text);
                    let w = term.terminal.backend_mut();
                    let _ = w.write_all(seq.as_bytes()).and_then(|_| w.flush());
                }
            }
        }
    }
}

/// Run the UI on `roots` until the user quits. Returns the exit code.
pub fn run(
    roots: Vec<PathBuf>,
    settings: &Settings,
    pre: crate::pipeline::PreScan,
) -> Result<i32, Fatal> {
    let keymap = keys::KeyMap::with_overrides(&settings.keys).map_err(Fatal::Config)?;
    // `--color always` keeps colour; otherwise a terminal whose type has none gets `mono`.
    let color = settings.use_color(true)
        && (settings.color == crate::config::ColorChoice::Always
            || theme::Theme::term_has_color(std::env::var("TERM").ok().as_deref()));
    let theme = theme::Theme::resolve(settings.theme, color);
    let roots: Vec<PathBuf> = roots
        .into_iter()
        .map(|r| std::path::absolute(&r).unwrap_or(r))
        .collect();
    let mut app = App::new(
        settings.clock,
        settings.frozen,
        roots.clone(),
        keymap,
        theme,
    );
    app.rules = settings.rules.clone();
    // One clock for the view: findings' titles, the header, the log and the popups all print
    // in this zone (the workstation's unless --time-zone says otherwise).
    app.rules.zone = settings.tui_zone();
    // `--show-content` (or `show_content = true` in the config) starts with content shown.
    app.reveal = settings.show_content;
    let (tx, rx) = mpsc::channel();
    let scanning = Arc::new(AtomicBool::new(false));
    let mut rt = Runtime {
        tx: tx.clone(),
        roots,
        protected: settings.protected.clone(),
        // The view may show content and export it at any moment: bodies are kept.
        scan_config: crate::source::ScanConfig {
            keep_bodies: true,
            ..settings.scan.clone()
        },
        pre,
        poll: settings.poll,
        scanning: scanning.clone(),
        pending_logs: Vec::new(),
        watcher: None,
        targets: Vec::new(),
        tails: Default::default(),
        scan_started: Some(std::time::SystemTime::now()),
    };
    let mut term = TerminalGuard::enter(settings.mouse)
        .map_err(|e| Fatal::Runtime(format!("cannot set up the terminal: {e}")))?;
    spawn_scan(
        tx.clone(),
        rt.roots.clone(),
        rt.scan_config.clone(),
        rt.pre.clone(),
        scanning.clone(),
        rt.tails.clone(),
    );
    event::spawn_input(tx.clone(), settings.mouse);
    event::spawn_ticker(tx.clone(), scanning.clone());
    event::spawn_signals(tx.clone());
    drop(tx);
    // Test hook (tests/integration/readonly_terminal.rs; `fault-injection` builds only): fail
    // inside the loop after the first frame, to prove a panic or an error return still restores
    // the terminal.
    let fault = crate::isolate::ui_fault();
    let mut last_draw: Option<Instant> = None;
    // The "too small" message of a 0×0 terminal is written once, not on every frame.
    let mut zero_shown = false;
    loop {
        let since = last_draw.map(|t| t.elapsed()).unwrap_or(FRAME);
        if app.dirty && since >= FRAME {
            let size = term
                .terminal
                .size()
                .unwrap_or(ratatui::layout::Size::new(80, 24));
            if size.width == 0 || size.height == 0 || too_large(size) {
                // A terminal that reports no size (0×0) has no cells to draw in, and one that
                // reports an absurd size (65535×65535 from a broken pty) would need gigabytes
                // of cells: say so where the cursor is, rather than leave the screen blank or
                // abort on the allocation with the terminal raw.
                let w = term.terminal.backend_mut();
                if !std::mem::replace(&mut zero_shown, true) {
                    let _ = ratatui::crossterm::execute!(
                        w,
                        ratatui::crossterm::terminal::Clear(
                            ratatui::crossterm::terminal::ClearType::All
                        ),
                        ratatui::crossterm::cursor::MoveTo(0, 0),
                        ratatui::crossterm::style::Print(if too_large(size) {
                            ui::too_large_message()
                        } else {
                            ui::too_small_message()
                        })
                    );
                }
            } else {
                zero_shown = false;
                prepare_frame(&mut app, size.height);
                term.terminal
                    .draw(|f| ui::draw(f, &app))
                    .map_err(|e| Fatal::Runtime(format!("cannot draw: {e}")))?;
            }
            app.dirty = false;
            last_draw = Some(Instant::now());
            match fault {
                Some(crate::isolate::UiFault::Panic) => panic!("test fault inside the UI loop"),
                Some(crate::isolate::UiFault::Error) => {
                    return Err(Fatal::Runtime("test fault inside the UI loop".into()))
                }
                Some(crate::isolate::UiFault::WorkerPanic) | None => {}
            }
        }
        let timeout = if app.dirty {
            FRAME.saturating_sub(since)
        } else {
            Duration::from_secs(3600)
        };
        let first = match rx.recv_timeout(timeout) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut batch = vec![first];
        while batch.len() < 512 {
            match rx.try_recv() {
                Ok(ev) => batch.push(ev),
                Err(_) => break,
            }
        }
        for ev in batch {
            if let Event::Fatal(msg) = ev {
                drop(term);
                return Err(Fatal::Runtime(msg));
            }
            if let Event::Resize(w, h) = ev {
                // `autoresize` allocates the cells of the new size: not for an absurd one
                // (the frame then says it is too large).
                if !too_large(ratatui::layout::Size::new(w, h)) {
                    let _ = term.terminal.autoresize();
                }
            }
            let cmds = app.update(ev);
            rt.run_cmds(&mut app, cmds, &mut term);
        }
        // Logs that changed while a read was running.
        rt.start_pending_logs(&app);
        if app.quit {
            break;
        }
    }
    drop(term);
    Ok(EXIT_OK)
}
