//! The keymap as data. The help popup, the key bar and the README's key table are generated
//! from [`ACTIONS`], so what the screen says is what the keys do. Keys can be rebound in the
//! config file (`[keys]` table: `action = ["key", …]`).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Open,
    ViewOverview,
    ViewFindings,
    ViewLog,
    Search,
    NextMatch,
    PrevMatch,
    NextError,
    PrevError,
    Follow,
    LevelFilter,
    KindFilter,
    RawLines,
    Sort,
    Reverse,
    AllAccounts,
    Reveal,
    Rescan,
    Export,
    Copy,
    Errors,
    ScrollLeft,
    ScrollRight,
    ColumnZero,
    Wrap,
}

/// Where an action's keys work. A key may be bound once everywhere and once more in the raw
/// lines of a log: while those are shown, their binding wins (`w` wraps there and exports
/// everywhere else; `Home` goes back to column 0 there and to the first row elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Everywhere,
    /// The raw lines of a log file (`v` or Enter on an event in the log view).
    Raw,
}

/// One action's entry: config name, default keys, help text, short key-bar label.
pub struct ActionInfo {
    pub action: Action,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub help: &'static str,
    pub short: &'static str,
    pub scope: Scope,
}

const fn a(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    help: &'static str,
    short: &'static str,
) -> ActionInfo {
    ActionInfo {
        action,
        name,
        keys,
        help,
        short,
        scope: Scope::Everywhere,
    }
}

/// An action of the raw lines view only (see [`Scope::Raw`]).
const fn raw(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    help: &'static str,
    short: &'static str,
) -> ActionInfo {
    ActionInfo {
        action,
        name,
        keys,
        help,
        short,
        scope: Scope::Raw,
    }
}

/// The default keymap, in help order.
pub const ACTIONS: &[ActionInfo] = &[
    a(
        Action::Quit,
        "quit",
        &["q", "ctrl-c"],
        "quit (or close the popup)",
        "quit",
    ),
    a(
        Action::Back,
        "back",
        &["esc"],
        "close / clear search / back",
        "back",
    ),
    a(Action::Help, "help", &["?", "f1"], "this help", "help"),
    a(Action::Up, "up", &["k", "up"], "move up", "move"),
    a(Action::Down, "down", &["j", "down"], "move down", "move"),
    a(
        Action::PageUp,
        "page-up",
        &["pgup", "ctrl-u"],
        "page up",
        "page",
    ),
    a(
        Action::PageDown,
        "page-down",
        &["pgdn", "ctrl-d"],
        "page down",
        "page",
    ),
    a(Action::Top, "top", &["g", "home"], "first row", "top"),
    a(
        Action::Bottom,
        "bottom",
        &["G", "end"],
        "last row",
        "bottom",
    ),
    a(Action::NextPane, "next-pane", &["tab"], "next pane", "pane"),
    a(
        Action::PrevPane,
        "prev-pane",
        &["backtab"],
        "previous pane",
        "pane",
    ),
    a(
        Action::Open,
        "open",
        &["enter"],
        "open item/finding/evidence",
        "open",
    ),
    a(
        Action::ViewOverview,
        "view-overview",
        &["1"],
        "view: accounts, items, why",
        "overview",
    ),
    a(
        Action::ViewFindings,
        "view-findings",
        &["2"],
        "view: all findings",
        "findings",
    ),
    a(
        Action::ViewLog,
        "view-log",
        &["3"],
        "view: log timeline",
        "log",
    ),
    a(
        Action::Search,
        "search",
        &["/"],
        "search the log (regex)",
        "search",
    ),
    a(
        Action::NextMatch,
        "next-match",
        &["n"],
        "next search match",
        "next",
    ),
    a(
        Action::PrevMatch,
        "prev-match",
        &["N"],
        "previous search match",
        "prev",
    ),
    a(
        Action::NextError,
        "next-error",
        &["e"],
        "next error / EWS failure",
        "error",
    ),
    a(
        Action::PrevError,
        "prev-error",
        &["E"],
        "prev error / EWS failure",
        "prev err",
    ),
    a(
        Action::Follow,
        "follow",
        &["f"],
        "follow the end of the log",
        "follow",
    ),
    a(
        Action::LevelFilter,
        "level-filter",
        &["l"],
        "level filter",
        "level",
    ),
    a(
        Action::KindFilter,
        "kind-filter",
        &["t"],
        "kind filter: EWS/SIP/errors",
        "kind",
    ),
    a(
        Action::RawLines,
        "raw-lines",
        &["v"],
        "raw lines of the log ↔ events",
        "raw",
    ),
    a(
        Action::Sort,
        "sort",
        &["s"],
        "sort items: age/size/state",
        "sort",
    ),
    a(
        Action::Reverse,
        "reverse",
        &["S"],
        "reverse the sort order",
        "reverse",
    ),
    a(
        Action::AllAccounts,
        "all-accounts",
        &["a"],
        "all accounts ↔ selected one",
        "all",
    ),
    a(
        Action::Reveal,
        "reveal",
        &["c"],
        "reveal/hide content (private)",
        "reveal",
    ),
    a(Action::Rescan, "rescan", &["r"], "full rescan", "rescan"),
    a(
        Action::Export,
        "export",
        &["w"],
        "export report (Markdown/JSON)",
        "export",
    ),
    a(
        Action::Copy,
        "copy",
        &["y"],
        "copy finding (OSC 52)",
        "copy",
    ),
    a(
        Action::Errors,
        "errors",
        &["i"],
        "errors and ignored files",
        "errors",
    ),
    raw(
        Action::ScrollLeft,
        "scroll-left",
        &["left"],
        "raw lines: 8 columns left",
        "left",
    ),
    raw(
        Action::ScrollRight,
        "scroll-right",
        &["right"],
        "raw lines: 8 columns right",
        "right",
    ),
    raw(
        Action::ColumnZero,
        "column-zero",
        &["0", "home"],
        "raw lines: back to column 0",
        "col 0",
    ),
    raw(
        Action::Wrap,
        "wrap",
        &["w"],
        "raw lines: wrap on/off",
        "wrap",
    ),
];

pub fn info(action: Action) -> &'static ActionInfo {
    ACTIONS
        .iter()
        .find(|i| i.action == action)
        .unwrap_or(&ACTIONS[0])
}

/// One key with modifiers, as written in the config file (`ctrl-c`, `G`, `pgdn`, `enter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeySpec {
    pub fn parse(s: &str) -> Result<KeySpec, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                let n: u8 = f[1..].parse().map_err(|_| format!("unknown key '{s}'"))?;
                if !(1..=12).contains(&n) {
                    return Err(format!("unknown key '{s}'"));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key '{s}'")),
                }
            }
        };
        Ok(KeySpec { code, mods })
    }

    /// Does a key event match? Shift is ignored for characters (it is in the character).
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mut mods = ev.modifiers;
        let mut code = ev.code;
        if let KeyCode::Char(_) = code {
            mods.remove(KeyModifiers::SHIFT);
        }
        if code == KeyCode::Tab && mods.contains(KeyModifiers::SHIFT) {
            code = KeyCode::BackTab;
            mods.remove(KeyModifiers::SHIFT);
        }
        if code == KeyCode::BackTab {
            mods.remove(KeyModifiers::SHIFT);
        }
        code == self.code && mods == self.mods
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            write!(f, "^")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            write!(f, "M-")?;
        }
        match self.code {
            KeyCode::Enter => write!(f, "⏎"),
            KeyCode::Esc => write!(f, "Esc"),
            KeyCode::Tab => write!(f, "Tab"),
            KeyCode::BackTab => write!(f, "S-Tab"),
            KeyCode::Up => write!(f, "↑"),
            KeyCode::Down => write!(f, "↓"),
            KeyCode::Left => write!(f, "←"),
            KeyCode::Right => write!(f, "→"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            KeyCode::Home => write!(f, "Home"),
            KeyCode::End => write!(f, "End"),
            KeyCode::Backspace => write!(f, "Bksp"),
            KeyCode::Delete => write!(f, "Del"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => write!(f, "?"),
        }
    }
}

/// The active keymap: action → keys.
#[derive(Debug, Clone)]
pub struct KeyMap {
    bindings: Vec<(Action, Vec<KeySpec>)>,
}

/// Ctrl-C: always `quit`, whatever `[keys]` says.
const CTRL_C: KeySpec = KeySpec {
    code: KeyCode::Char('c'),
    mods: KeyModifiers::CONTROL,
};

/// True for Ctrl-C, which quits the live view (closing a popup first) from anywhere, text entry
/// included, and cannot be rebound.
pub fn is_ctrl_c(ev: &KeyEvent) -> bool {
    let code = match ev.code {
        KeyCode::Char('C') => KeyCode::Char('c'),
        c => c,
    };
    CTRL_C.matches(&KeyEvent::new(code, ev.modifiers))
}

/// True for Ctrl-Z, which suspends the live view (see `Cmd::Suspend`) unless `[keys]` gives it
/// to an action.
pub fn is_ctrl_z(ev: &KeyEvent) -> bool {
    matches!(ev.code, KeyCode::Char('z' | 'Z')) && ev.modifiers == KeyModifiers::CONTROL
}

impl Default for KeyMap {
    fn default() -> Self {
        let bindings = ACTIONS
            .iter()
            .map(|i| {
                (
                    i.action,
                    i.keys
                        .iter()
                        .filter_map(|k| KeySpec::parse(k).ok())
                        .collect(),
                )
            })
            .collect();
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// The default keymap with the config file's `[keys]` overrides applied. Unknown action
    /// names and keys are errors (a typo should not silently leave a key unbound).
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<KeyMap, String> {
        let mut map = KeyMap::default();
        for (name, keys) in overrides {
            let Some(wanted) = ACTIONS.iter().find(|i| i.name == name) else {
                return Err(format!("keys: unknown action '{name}'"));
            };
            let mut specs = keys
                .iter()
                .map(|k| KeySpec::parse(k).map_err(|e| format!("keys.{name}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            // Ctrl-C always quits (the terminal is in raw mode, so it sends no signal): it is
            // never given to another action, and `quit` keeps it whatever else it is given.
            if wanted.action == Action::Quit {
                if specs.is_empty() {
                    return Err(
                        "keys.quit: needs at least one key (ctrl-c always quits as well)".into(),
                    );
                }
                if !specs.contains(&CTRL_C) {
                    specs.push(CTRL_C);
                }
            } else if specs.contains(&CTRL_C) {
                return Err(format!(
                    "keys.{name}: ctrl-c always quits and cannot be given to another action"
                ));
            }
            // A key given to this action is taken away from any other of the same scope.
            for (a, ks) in map.bindings.iter_mut() {
                if info(*a).scope == wanted.scope {
                    ks.retain(|k| !specs.contains(k));
                }
            }
            if let Some(b) = map.bindings.iter_mut().find(|(a, _)| *a == wanted.action) {
                b.1 = specs;
            }
        }
        Ok(map)
    }

    /// The action bound to a key event everywhere, if any.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.action_in(ev, Scope::Everywhere)
    }

    /// The action bound to a key event where `scope` is shown: a binding of that scope first,
    /// then one that works everywhere.
    pub fn action_in(&self, ev: &KeyEvent, scope: Scope) -> Option<Action> {
        let find = |want: Scope| {
            self.bindings
                .iter()
                .filter(|(a, _)| info(*a).scope == want)
                .find(|(_, ks)| ks.iter().any(|k| k.matches(ev)))
                .map(|(a, _)| *a)
        };
        match scope {
            Scope::Everywhere => find(Scope::Everywhere),
            Scope::Raw => find(Scope::Raw).or_else(|| find(Scope::Everywhere)),
        }
    }

    pub fn keys(&self, action: Action) -> &[KeySpec] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, k)| k.as_slice())
            .unwrap_or(&[])
    }

    /// `j/↓` for the help popup.
    pub fn keys_label(&self, action: Action) -> String {
        let ks: Vec<String> = self.keys(action).iter().map(|k| k.to_string()).collect();
        if ks.is_empty() {
            "(unbound)".into()
        } else {
            ks.join("/")
        }
    }

    /// The first key, for the key bar.
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.keys(action).first().map(|k| k.to_string())
    }

    /// Help rows: (keys, description), in keymap order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .map(|i| (self.keys_label(i.action), i.help))
            .collect()
    }

    /// A Markdown table of the keymap (for the README).
    pub fn markdown_table(&self) -> String {
        let mut s = String::from("| keys | action | config name |\n|---|---|---|\n");
        for i in ACTIONS {
            s.push_str(&format!(
                "| `{}` | {} | `{}` |\n",
                self.keys_label(i.action).replace('|', "\\|"),
                i.help,
                i.name
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn default_keys_resolve() {
        let m = KeyMap::default();
        assert_eq!(
            m.action(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            m.action(&key(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            m.action(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            m.action(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            m.action(&key(KeyCode::Char('N'), KeyModifiers::SHIFT)),
            Some(Action::PrevMatch)
        );
        assert_eq!(
            m.action(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(m.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn every_action_has_a_default_key_and_unique_name() {
        let m = KeyMap::default();
        let mut names = std::collections::BTreeSet::new();
        for i in ACTIONS {
            assert!(!m.keys(i.action).is_empty(), "{} unbound", i.name);
            assert!(names.insert(i.name), "duplicate {}", i.name);
        }
    }

    #[test]
    fn no_key_is_bound_twice() {
        let m = KeyMap::default();
        let mut seen = std::collections::HashSet::new();
        for (a, ks) in &m.bindings {
            for k in ks {
                assert!(seen.insert((info(*a).scope, *k)), "{k} bound twice");
            }
        }
    }

    /// In the raw lines, their own keys win; everywhere else the general ones do, and the
    /// general keys the raw view does not take keep working there.
    #[test]
    fn raw_keys_shadow_general_ones_only_in_the_raw_view() {
        let m = KeyMap::default();
        let w = key(KeyCode::Char('w'), KeyModifiers::NONE);
        let home = key(KeyCode::Home, KeyModifiers::NONE);
        let right = key(KeyCode::Right, KeyModifiers::NONE);
        assert_eq!(m.action(&w), Some(Action::Export));
        assert_eq!(m.action_in(&w, Scope::Raw), Some(Action::Wrap));
        assert_eq!(m.action(&home), Some(Action::Top));
        assert_eq!(m.action_in(&home, Scope::Raw), Some(Action::ColumnZero));
        assert_eq!(m.action(&right), None);
        assert_eq!(m.action_in(&right, Scope::Raw), Some(Action::ScrollRight));
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(m.action_in(&j, Scope::Raw), Some(Action::Down));
        // Rebinding a raw key takes it from raw actions only.
        let mut o = BTreeMap::new();
        o.insert("wrap".to_string(), vec!["y".to_string()]);
        let m = KeyMap::with_overrides(&o).expect("valid");
        let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
        assert_eq!(m.action(&y), Some(Action::Copy));
        assert_eq!(m.action_in(&y, Scope::Raw), Some(Action::Wrap));
        assert_eq!(m.action_in(&w, Scope::Raw), Some(Action::Export));
    }

    #[test]
    fn overrides_rebind_and_steal() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["x".to_string()]);
        o.insert(
            "down".to_string(),
            vec!["q".to_string(), "ctrl-n".to_string()],
        );
        let m = KeyMap::with_overrides(&o).expect("valid");
        assert_eq!(
            m.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            m.action(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            m.action(&key(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(Action::Down)
        );
        assert_eq!(m.action(&key(KeyCode::Char('j'), KeyModifiers::NONE)), None);
        assert!(m
            .help_rows()
            .iter()
            .any(|(k, h)| k == "x/^C" && h.starts_with("quit")));
    }

    #[test]
    fn ctrl_c_always_quits_and_quit_keeps_a_key() {
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(is_ctrl_c(&ctrl_c));
        assert!(is_ctrl_c(&key(
            KeyCode::Char('C'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT
        )));
        assert!(!is_ctrl_c(&key(KeyCode::Char('c'), KeyModifiers::NONE)));
        // Rebinding quit keeps Ctrl-C on it.
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["x".to_string()]);
        let m = KeyMap::with_overrides(&o).expect("valid");
        assert_eq!(m.action(&ctrl_c), Some(Action::Quit));
        assert_eq!(m.keys_label(Action::Quit), "x/^C");
        // quit with no key at all is refused.
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec![]);
        let e = KeyMap::with_overrides(&o).expect_err("empty quit");
        assert!(e.starts_with("keys.quit: "), "{e}");
        // Ctrl-C cannot be given to another action.
        let mut o = BTreeMap::new();
        o.insert("down".to_string(), vec!["ctrl-c".to_string()]);
        let e = KeyMap::with_overrides(&o).expect_err("ctrl-c elsewhere");
        assert!(e.contains("ctrl-c always quits"), "{e}");
        // Taking q from quit leaves Ctrl-C.
        let mut o = BTreeMap::new();
        o.insert("down".to_string(), vec!["q".to_string()]);
        let m = KeyMap::with_overrides(&o).expect("valid");
        assert_eq!(m.action(&ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn bad_overrides_are_errors() {
        let mut o = BTreeMap::new();
        o.insert("jump".to_string(), vec!["x".to_string()]);
        assert!(KeyMap::with_overrides(&o).is_err());
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["hyper-x".to_string()]);
        assert!(KeyMap::with_overrides(&o).is_err());
        assert!(KeySpec::parse("f13").is_err());
        assert_eq!(KeySpec::parse("f5").map(|k| k.code), Ok(KeyCode::F(5)));
    }
}

#[cfg(test)]
mod readme {
    /// The README's key table is the keymap's own (regenerate it from `markdown_table`).
    #[test]
    fn readme_keys_table_matches_the_keymap() {
        let table = super::KeyMap::default().markdown_table();
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&table),
            "README keys table is stale; it should be:\n{table}"
        );
    }
}
