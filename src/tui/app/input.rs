//! Events in, state changes and [`Cmd`]s out: ticks, source events, keys (search line,
//! export prompt, key map), cursor moves, actions, opening popups and jumping to evidence.

use super::{
    App, Cmd, ExportStage, FindingKey, KindFilter, LevelFilter, Pane, Popup, ScanStatus, Search,
    SortKey, View, PAGE,
};
use crate::report::ReportFormat;
use crate::sanitize;
use crate::source::scan::Scan;
use crate::source::watch;
use crate::tui::event::{Event, SourceEvent};
use crate::tui::keys::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};
use std::path::PathBuf;

/// The status line while a rescan asked for with `r` runs.
const RESCANNING: &str = "rescanning…";
/// The status line when `w` is pressed before the first scan has finished.
pub const NOT_LOADED: &str =
    "the first scan is still running: nothing to export yet (w works once it is done)";

impl App {
    /// Apply one event. Returns the side effects the runtime must carry out.
    pub fn update(&mut self, ev: Event) -> Vec<Cmd> {
        match ev {
            Event::Tick(now) => {
                if let ScanStatus::Running { .. } = self.scan {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                if !self.frozen && now != self.clock.now {
                    let before = self.clock.now.timestamp();
                    self.clock.now = now;
                    if now.timestamp() != before {
                        // States can flip (pending → stuck) and findings change with the
                        // clock (spool-stuck turns critical, clock-skew ends): re-run the rules
                        // when the stuck count moved or a moment where a result can change came.
                        let stuck_before = self.cache.stuck;
                        self.recompute_counts();
                        self.sample_stuck();
                        if self.cache.stuck != stuck_before || self.judge_is_due() {
                            self.judge();
                            self.recompute_views();
                            self.clamp();
                        }
                        self.dirty = true;
                    }
                }
                vec![]
            }
            Event::Resize(..) => {
                self.dirty = true;
                vec![]
            }
            Event::Quit => {
                self.quit = true;
                vec![]
            }
            Event::Stop => {
                self.dirty = true;
                vec![Cmd::Suspend]
            }
            // The runtime ends the view on this before the app sees it; quit if it gets here.
            Event::Fatal(_) => {
                self.quit = true;
                vec![]
            }
            Event::Mouse(m) => {
                let act = match m.kind {
                    MouseEventKind::ScrollUp => Some(Action::Up),
                    MouseEventKind::ScrollDown => Some(Action::Down),
                    _ => None,
                };
                match act {
                    Some(a) => self.act(a),
                    None => vec![],
                }
            }
            Event::Key(k) => {
                self.dirty = true;
                self.key(k)
            }
            Event::Paste(text) => {
                self.paste(&text);
                vec![]
            }
            Event::Source(s) => self.source(s),
        }
    }

    fn source(&mut self, s: SourceEvent) -> Vec<Cmd> {
        // A change only names paths: what it changes is drawn when it is taken in (a spooled
        // file at once, a log when its read is merged), so it draws no frame of its own.
        if !matches!(s, SourceEvent::Changed(_)) {
            self.dirty = true;
        }
        match s {
            SourceEvent::ScanStarted { roots } => {
                self.scan = ScanStatus::Running {
                    done: 0,
                    total: roots,
                };
                vec![]
            }
            SourceEvent::ScanProgress { done, total } => {
                self.scan = ScanStatus::Running { done, total };
                vec![]
            }
            SourceEvent::ScanDone(scan) | SourceEvent::LogsReloaded(scan) => {
                self.scan = ScanStatus::Idle;
                let cmds = self.install_scan(*scan);
                // `r` said "rescanning…": say it is done (it stayed until the next key).
                if self.status.as_deref() == Some(RESCANNING) {
                    self.status = Some(format!(
                        "rescan done: {} account(s), {} item(s)",
                        self.model.accounts.len(),
                        self.model.items.len()
                    ));
                }
                // `w` pressed during the first scan said it was still running: no longer so.
                if self.status.as_deref() == Some(NOT_LOADED) {
                    self.status = None;
                }
                cmds
            }
            SourceEvent::LogsMerged(r, window) => {
                self.anchor_log_selection();
                // (What was new is in the model, as far as the bounded store keeps it.)
                let _ = crate::pipeline::merge_logs(&mut self.model, *r, window);
                self.refresh();
                vec![]
            }
            SourceEvent::Watching {
                mode,
                folders,
                fallback,
            } => {
                self.watch_label = format!("watching ({mode})");
                self.watched_folders = folders;
                if let Some(r) = fallback {
                    self.status = Some(format!(
                        "native watching failed ({}); polling instead",
                        sanitize::cell(&r, 60)
                    ));
                }
                vec![]
            }
            SourceEvent::Changed(paths) => vec![Cmd::Apply(paths)],
            SourceEvent::WatchError(e) => {
                self.status = Some(format!("watch: {}", sanitize::cell(&e, 70)));
                vec![]
            }
        }
    }

    fn install_scan(&mut self, mut scan: Scan) -> Vec<Cmd> {
        let targets = watch::targets(&scan);
        // A spooler that could no longer be listed keeps the items it had (as `watch` does):
        // losing sight of a file is not the client processing it. Their log evidence comes
        // with them.
        if scan.model.keep_items_out_of_sight(&self.model) > 0 {
            let kept: Vec<std::path::PathBuf> = scan
                .model
                .items
                .iter()
                .filter(|i| !scan.model.related.contains_key(&i.path))
                .map(|i| i.path.clone())
                .collect();
            for p in kept {
                if let Some(ev) = self.model.related.get(&p) {
                    scan.model.related.insert(p, ev.clone());
                }
            }
        }
        self.set_model(scan.model);
        vec![Cmd::Watch(targets)]
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        // Ctrl-C quits (closing a popup first) whatever the key map or a text entry says.
        if crate::tui::keys::is_ctrl_c(&k) {
            self.log.search.editing = false;
            self.status = None;
            return self.act(Action::Quit);
        }
        let scope = if self.view == View::Log && self.log.raw.is_some() {
            crate::tui::keys::Scope::Raw
        } else {
            crate::tui::keys::Scope::Everywhere
        };
        // Ctrl-Z suspends as in any terminal program (raw mode turns it into a key), unless
        // `[keys]` gave it to an action.
        if crate::tui::keys::is_ctrl_z(&k) && self.keymap.action_in(&k, scope).is_none() {
            return vec![Cmd::Suspend];
        }
        // Text entry first: the search line and the export path take every printable key.
        if self.log.search.editing {
            self.search_key(k);
            return vec![];
        }
        if let Popup::Export(stage) = &self.popup {
            return self.export_key(stage.clone(), k);
        }
        match self.keymap.action_in(&k, scope) {
            Some(a) => {
                self.status = None;
                self.act(a)
            }
            None => vec![],
        }
    }

    /// Pasted text goes into the search line or the export path being typed, as one line
    /// (line breaks and tabs become spaces, other control characters are dropped); anywhere
    /// else it does nothing: pasted letters never run commands.
    fn paste(&mut self, text: &str) {
        let clean = text
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect::<String>();
        let put = |input: &mut String, cap: usize| {
            let room = cap.saturating_sub(input.chars().count());
            input.extend(clean.chars().take(room));
        };
        if self.log.search.editing {
            put(&mut self.log.search.input, 200);
            self.compile_search();
            self.dirty = true;
        } else if let Popup::Export(ExportStage::Path { input, .. }) = &mut self.popup {
            put(input, 1024);
            self.dirty = true;
        }
    }

    fn search_key(&mut self, k: KeyEvent) {
        match k.code {
            KeyCode::Esc => {
                self.log.search.editing = false;
                self.log.search.input.clear();
                self.compile_search();
            }
            KeyCode::Enter => {
                self.log.search.editing = false;
                self.compile_search();
                if !self.log.search.matches.is_empty()
                    && self
                        .log
                        .search
                        .matches
                        .binary_search(&self.log.sel)
                        .is_err()
                {
                    self.jump_match(true);
                }
            }
            KeyCode::Backspace => {
                self.log.search.input.pop();
                self.compile_search();
            }
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                if self.log.search.input.chars().count() < 200 {
                    self.log.search.input.push(c);
                }
                self.compile_search();
            }
            _ => {}
        }
    }

    fn export_key(&mut self, stage: ExportStage, k: KeyEvent) -> Vec<Cmd> {
        match (stage, k.code) {
            (_, KeyCode::Esc) => self.popup = Popup::None,
            (ExportStage::Format, KeyCode::Char('m' | 'M') | KeyCode::Enter) => {
                self.popup = Popup::Export(ExportStage::Path {
                    format: ReportFormat::Markdown,
                    input: "spoolscope-report.md".into(),
                })
            }
            (ExportStage::Format, KeyCode::Char('j' | 'J')) => {
                self.popup = Popup::Export(ExportStage::Path {
                    format: ReportFormat::Json,
                    input: "spoolscope-report.json".into(),
                })
            }
            (ExportStage::Path { format, mut input }, code) => match code {
                KeyCode::Enter => {
                    self.popup = Popup::None;
                    if input.trim().is_empty() {
                        self.status = Some("export cancelled: no file name".into());
                        return vec![];
                    }
                    return vec![Cmd::Export {
                        path: PathBuf::from(input.trim()),
                        format,
                    }];
                }
                KeyCode::Backspace => {
                    input.pop();
                    self.popup = Popup::Export(ExportStage::Path { format, input });
                }
                KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    if input.chars().count() < 1024 {
                        input.push(c);
                    }
                    self.popup = Popup::Export(ExportStage::Path { format, input });
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.popup = Popup::Export(ExportStage::Path {
                        format,
                        input: String::new(),
                    });
                }
                _ => {}
            },
            _ => {}
        }
        vec![]
    }

    fn move_sel(sel: &mut usize, len: usize, delta: isize) {
        if len == 0 {
            *sel = 0;
            return;
        }
        let cur = (*sel).min(len - 1) as isize;
        *sel = (cur + delta).clamp(0, len as isize - 1) as usize;
    }

    /// Move the cursor of whatever has focus by `delta` rows.
    fn move_by(&mut self, delta: isize) {
        if let Popup::Item { path, sel, .. } = &mut self.popup {
            // With a chain, the arrows pick its rows (the view scrolls to the selected one).
            let n = self.model.related.get(path.as_path()).map_or(0, Vec::len);
            if n > 0 {
                Self::move_sel(sel, n, delta);
                return;
            }
        }
        match &mut self.popup {
            Popup::Help { scroll } | Popup::Item { scroll, .. } | Popup::Errors { scroll } => {
                *scroll = (*scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
                return;
            }
            Popup::Finding { key, sel } => {
                let n = self
                    .findings
                    .iter()
                    .find(|f| key.is(f))
                    .map(|f| f.evidence.len())
                    .unwrap_or(0);
                Self::move_sel(sel, n, delta);
                return;
            }
            Popup::Export(_) | Popup::None => {}
        }
        match self.view {
            View::Overview => match self.pane {
                Pane::Accounts => {
                    let before = self.account_sel;
                    Self::move_sel(&mut self.account_sel, self.model.accounts.len(), delta);
                    if before != self.account_sel && !self.all_accounts {
                        // (With all accounts shown, the rows do not depend on the account.)
                        self.item_sel = 0;
                        self.why_sel = 0;
                        self.recompute_views();
                        self.recompute_log();
                    }
                }
                Pane::Items => {
                    let n = self.visible_items().len();
                    Self::move_sel(&mut self.item_sel, n, delta);
                }
                Pane::Why => {
                    let n = self.why_findings().len();
                    Self::move_sel(&mut self.why_sel, n, delta);
                }
            },
            View::Findings => Self::move_sel(&mut self.findings_sel, self.findings.len(), delta),
            View::Log => {
                if let Some(raw) = &mut self.log.raw {
                    let n = raw.len();
                    Self::move_sel(&mut raw.sel, n, delta);
                    if delta < 0 {
                        raw.follow = false;
                    }
                    return;
                }
                Self::move_sel(&mut self.log.sel, self.log.order.len(), delta);
                if delta < 0 {
                    self.log.follow = false;
                }
            }
        }
    }

    /// Carry out an action.
    pub fn act(&mut self, a: Action) -> Vec<Cmd> {
        self.dirty = true;
        match a {
            Action::Quit => {
                if self.popup != Popup::None {
                    self.popup = Popup::None;
                } else {
                    self.quit = true;
                }
            }
            Action::Back => {
                if self.popup != Popup::None {
                    self.popup = Popup::None;
                } else if self.log.raw.is_some() && self.view == View::Log {
                    self.log.raw = None;
                } else if self.log.search.regex.is_some() && self.view == View::Log {
                    self.log.search = Search::default();
                } else {
                    self.view = View::Overview;
                }
            }
            Action::Help => {
                self.popup = match self.popup {
                    Popup::Help { .. } => Popup::None,
                    _ => Popup::Help { scroll: 0 },
                }
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(PAGE as isize)),
            Action::PageDown => self.move_by(PAGE as isize),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => {
                self.move_by(isize::MAX / 2);
                if self.view == View::Log && self.popup == Popup::None {
                    match &mut self.log.raw {
                        Some(raw) => raw.follow = true,
                        None => self.log.follow = true,
                    }
                }
            }
            Action::NextPane | Action::PrevPane => {
                let fwd = a == Action::NextPane;
                if self.view == View::Overview {
                    self.pane = match (self.pane, fwd) {
                        (Pane::Accounts, true) | (Pane::Why, false) => Pane::Items,
                        (Pane::Items, true) | (Pane::Accounts, false) => Pane::Why,
                        (Pane::Why, true) | (Pane::Items, false) => Pane::Accounts,
                    };
                } else {
                    self.view = match (self.view, fwd) {
                        (View::Findings, true) | (View::Overview, false) => View::Log,
                        (View::Log, true) | (View::Findings, false) => View::Overview,
                        (View::Overview, true) | (View::Log, false) => View::Findings,
                    };
                }
            }
            Action::Open => return self.open(),
            Action::ViewOverview => self.view = View::Overview,
            Action::ViewFindings => self.view = View::Findings,
            Action::ViewLog => self.view = View::Log,
            Action::Search => {
                self.view = View::Log;
                self.popup = Popup::None;
                self.log.search.editing = true;
                self.log.search.input.clear();
                self.compile_search();
            }
            Action::NextMatch => self.jump_match(true),
            Action::PrevMatch => self.jump_match(false),
            Action::NextError => {
                self.view = View::Log;
                self.jump_error(true)
            }
            Action::PrevError => {
                self.view = View::Log;
                self.jump_error(false)
            }
            Action::Follow if self.view == View::Log && self.log.raw.is_some() => {
                if let Some(raw) = &mut self.log.raw {
                    raw.follow = !raw.follow;
                    if raw.follow {
                        raw.sel = raw.len().saturating_sub(1);
                    }
                }
            }
            Action::RawLines => {
                if self.view == View::Log && self.log.raw.is_some() {
                    self.log.raw = None;
                } else {
                    self.view = View::Log;
                    return self.open_raw();
                }
            }
            Action::Follow => {
                self.log.follow = !self.log.follow;
                if self.log.follow {
                    self.log.sel = self.log.order.len().saturating_sub(1);
                }
            }
            Action::LevelFilter => {
                self.log.level = self.log.level.next();
                self.recompute_log();
            }
            Action::KindFilter => {
                self.log.kind = self.log.kind.next();
                self.recompute_log();
            }
            Action::Sort => {
                self.sort = match self.sort {
                    SortKey::Age => SortKey::Size,
                    SortKey::Size => SortKey::State,
                    SortKey::State => SortKey::Age,
                };
                self.item_sel = 0;
                self.recompute_views();
            }
            Action::Reverse => {
                self.sort_desc = !self.sort_desc;
                self.item_sel = 0;
                self.recompute_views();
            }
            Action::AllAccounts => {
                self.all_accounts = !self.all_accounts;
                self.item_sel = 0;
                self.why_sel = 0;
                self.recompute_views();
                self.recompute_log();
            }
            Action::Reveal => {
                self.reveal = !self.reveal;
                self.status = Some(if self.reveal {
                    "message content revealed (private): c hides it".into()
                } else {
                    "message content hidden".into()
                });
                // Search looks at what is shown.
                self.recompute_matches();
            }
            Action::Rescan => {
                self.status = Some(RESCANNING.into());
                return vec![Cmd::Rescan];
            }
            Action::Errors => {
                self.popup = match self.popup {
                    Popup::Errors { .. } => Popup::None,
                    _ => Popup::Errors { scroll: 0 },
                }
            }
            Action::Export if !self.loaded => {
                self.status = Some(NOT_LOADED.into());
            }
            Action::Export => self.popup = Popup::Export(ExportStage::Format),
            Action::ScrollLeft | Action::ScrollRight | Action::ColumnZero | Action::Wrap => {
                if let Some(raw) = &mut self.log.raw {
                    use crate::tui::rawlog::{HSCROLL_MAX, HSCROLL_STEP};
                    match a {
                        Action::ScrollLeft => raw.col = raw.col.saturating_sub(HSCROLL_STEP),
                        Action::ScrollRight => {
                            raw.col = (raw.col + HSCROLL_STEP).min(HSCROLL_MAX);
                        }
                        Action::ColumnZero => raw.col = 0,
                        _ => raw.wrap = !raw.wrap,
                    }
                }
            }
            Action::Copy => match self.selected_finding() {
                Some(f) => {
                    let text = Self::finding_text(f, self.reveal);
                    self.status = Some(format!("copied {} (OSC 52)", sanitize::cell(&f.rule, 40)));
                    return vec![Cmd::Copy(text)];
                }
                None => self.status = Some("select a finding to copy".into()),
            },
        }
        vec![]
    }

    fn open(&mut self) -> Vec<Cmd> {
        match &self.popup {
            Popup::Help { .. } => {
                self.popup = Popup::None;
                return vec![];
            }
            Popup::Finding { key, sel } => {
                let target = self
                    .findings
                    .iter()
                    .find(|f| key.is(f))
                    .and_then(|f| f.evidence.get(*sel))
                    .cloned();
                if let Some(e) = target {
                    self.jump_to_evidence(&e);
                }
                return vec![];
            }
            Popup::Item { path, sel, .. } => {
                // The selected chain row: its line in the log view, and the raw log at it.
                let target = self
                    .model
                    .related
                    .get(path.as_path())
                    .and_then(|r| r.get(*sel))
                    .cloned();
                if let Some(e) = target {
                    self.jump_to_evidence(&e);
                    if self.view == View::Log && self.popup == Popup::None {
                        return self.open_raw();
                    }
                }
                return vec![];
            }
            Popup::Export(_) | Popup::Errors { .. } => return vec![],
            Popup::None => {}
        }
        match self.view {
            View::Overview => match self.pane {
                Pane::Accounts => self.pane = Pane::Items,
                Pane::Items => {
                    if let Some(i) = self.selected_item() {
                        self.popup = Popup::Item {
                            path: self.model.items[i].path.clone(),
                            scroll: 0,
                            sel: 0,
                        };
                    }
                }
                Pane::Why => self.open_finding(),
            },
            View::Findings => self.open_finding(),
            View::Log => {
                if self.log.raw.is_none() {
                    return self.open_raw();
                }
            }
        }
        vec![]
    }

    /// Ask the runtime for the raw lines of the selected event's log, at its line.
    fn open_raw(&mut self) -> Vec<Cmd> {
        let target = self
            .log
            .order
            .get(self.log.sel)
            .and_then(|&i| self.model.events.get(i))
            .map(|e| (e.path.clone(), e.line));
        match target {
            Some((path, line)) => vec![Cmd::OpenRaw { path, line }],
            None => {
                self.status = Some("no event selected: nothing to open".into());
                vec![]
            }
        }
    }

    fn open_finding(&mut self) {
        if let Some(f) = self.selected_finding() {
            self.popup = Popup::Finding {
                key: FindingKey::of(f),
                sel: 0,
            };
        }
    }

    /// Enter on a piece of evidence: the item it names, or its line in the log view.
    pub fn jump_to_evidence(&mut self, e: &crate::model::Evidence) {
        if let Some(it) = self.model.items.iter().find(|i| i.path == e.path) {
            self.popup = Popup::Item {
                path: it.path.clone(),
                scroll: 0,
                sel: 0,
            };
            return;
        }
        let find = |app: &App| {
            app.log.order.iter().position(|&i| {
                let ev = &app.model.events[i];
                ev.path == e.path && e.line.is_none_or(|l| ev.line == l)
            })
        };
        let mut pos = find(self);
        if pos.is_none() {
            // Not in the current scope or filters: widen them.
            self.log.level = LevelFilter::All;
            self.log.kind = KindFilter::All;
            self.all_accounts = true;
            self.recompute_views();
            self.recompute_log();
            pos = find(self);
        }
        match pos {
            Some(p) => {
                self.popup = Popup::None;
                self.view = View::Log;
                self.log.sel = p;
                self.log.follow = false;
            }
            None => {
                // A file the scan could not read (`tracing-missing`'s evidence): say why.
                self.status = Some(match self.model.errors.iter().find(|x| x.path == e.path) {
                    Some(err) => format!(
                        "not read: {}: {} (i lists the files not read)",
                        self.display_path(&err.path),
                        sanitize::cell(&err.message, 60)
                    ),
                    None => "that evidence is not in the loaded logs".into(),
                });
            }
        }
    }
}
