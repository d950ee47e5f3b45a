//! Colour themes. Every state is also shown by a glyph and a word, so `mono` (and `NO_COLOR`)
//! loses nothing but colour.

use crate::model::{ItemState, Severity};
use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Serialize};

/// The theme names shared by `--theme` and the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    Mono,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selected: Style,
    pub header: Style,
    pub stuck: Style,
    pub pending: Style,
    pub skew: Style,
    pub critical: Style,
    pub warning: Style,
    pub info: Style,
    pub matched: Style,
    pub error_line: Style,
    pub key: Style,
}

impl Theme {
    pub fn new(name: ThemeName) -> Theme {
        let b = Style::default();
        match name {
            ThemeName::Mono => Theme {
                name,
                base: b,
                dim: b.add_modifier(Modifier::DIM),
                title: b.add_modifier(Modifier::BOLD),
                border: b,
                border_focus: b.add_modifier(Modifier::BOLD),
                selected: b.add_modifier(Modifier::REVERSED),
                header: b.add_modifier(Modifier::BOLD),
                stuck: b.add_modifier(Modifier::BOLD),
                pending: b,
                skew: b.add_modifier(Modifier::BOLD),
                critical: b.add_modifier(Modifier::BOLD),
                warning: b,
                info: b,
                matched: b.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
                error_line: b.add_modifier(Modifier::BOLD),
                key: b.add_modifier(Modifier::BOLD),
            },
            ThemeName::Dark => Theme {
                name,
                base: b,
                dim: b.fg(Color::DarkGray),
                title: b.fg(Color::Cyan).add_modifier(Modifier::BOLD),
                border: b.fg(Color::DarkGray),
                border_focus: b.fg(Color::Cyan),
                selected: b.bg(Color::Rgb(40, 52, 72)).add_modifier(Modifier::BOLD),
                header: b.fg(Color::White).add_modifier(Modifier::BOLD),
                stuck: b.fg(Color::LightRed).add_modifier(Modifier::BOLD),
                pending: b.fg(Color::Yellow),
                skew: b.fg(Color::Magenta),
                critical: b.fg(Color::LightRed).add_modifier(Modifier::BOLD),
                warning: b.fg(Color::Yellow),
                info: b.fg(Color::LightBlue),
                matched: b.fg(Color::Black).bg(Color::Yellow),
                error_line: b.fg(Color::LightRed),
                key: b.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            },
            ThemeName::Light => Theme {
                name,
                base: b,
                dim: b.fg(Color::Gray),
                title: b.fg(Color::Blue).add_modifier(Modifier::BOLD),
                border: b.fg(Color::Gray),
                border_focus: b.fg(Color::Blue),
                selected: b.bg(Color::Rgb(210, 225, 245)).add_modifier(Modifier::BOLD),
                header: b.fg(Color::Black).add_modifier(Modifier::BOLD),
                stuck: b.fg(Color::Red).add_modifier(Modifier::BOLD),
                pending: b.fg(Color::Rgb(150, 100, 0)),
                skew: b.fg(Color::Magenta),
                critical: b.fg(Color::Red).add_modifier(Modifier::BOLD),
                warning: b.fg(Color::Rgb(150, 100, 0)),
                info: b.fg(Color::Blue),
                matched: b.fg(Color::Black).bg(Color::LightYellow),
                error_line: b.fg(Color::Red),
                key: b.fg(Color::Blue).add_modifier(Modifier::BOLD),
            },
        }
    }

    /// Whether a terminal of type `term` (`TERM`) shows colour, as far as its name says: not
    /// when empty, `dumb`, a `…-mono` entry or a DEC VT without colour (`vt52`, `vt100`,
    /// `vt102`, `vt220`, `vt320` and their variants). Anything else is taken to. Unset, it
    /// does not on Unix (no terminal type was given), but does on Windows, whose consoles
    /// (Windows Terminal, conhost) show colour and set no `TERM`.
    pub fn term_has_color(term: Option<&str>) -> bool {
        Theme::term_has_color_on(term, cfg!(windows))
    }

    /// [`Theme::term_has_color`] on Windows (`windows`) or Unix.
    pub fn term_has_color_on(term: Option<&str>, windows: bool) -> bool {
        let Some(t) = term else {
            return windows;
        };
        let t = t.trim();
        if t.is_empty() {
            return false;
        }
        let t = t.to_ascii_lowercase();
        let vt = ["vt52", "vt100", "vt102", "vt220", "vt320"]
            .iter()
            .any(|v| t == *v || t.starts_with(&format!("{v}-")));
        !(t == "dumb" || t.ends_with("-mono") || vt)
    }

    /// The theme to use: monochrome whenever colour is off (`NO_COLOR`, `--color never`).
    pub fn resolve(name: ThemeName, color: bool) -> Theme {
        Theme::new(if color { name } else { ThemeName::Mono })
    }

    pub fn state(&self, s: ItemState) -> Style {
        match s {
            ItemState::Stuck => self.stuck,
            ItemState::Pending => self.pending,
            ItemState::ClockSkew => self.skew,
            ItemState::Ignored | ItemState::Unknown => self.dim,
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Critical => self.critical,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// Glyph + word for a severity, readable without colour.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "▲ CRIT",
        Severity::Warning => "● WARN",
        Severity::Info => "· INFO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour() {
        let t = Theme::resolve(ThemeName::Dark, false);
        assert_eq!(t.name, ThemeName::Mono);
        for s in [
            t.stuck, t.pending, t.critical, t.selected, t.matched, t.border,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert_eq!(
            Theme::resolve(ThemeName::Light, true).name,
            ThemeName::Light
        );
    }
}
