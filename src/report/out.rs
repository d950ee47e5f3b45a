//! A writer that sanitises everything it is given. Only its own colour codes reach the terminal
//! unescaped, so no string from a scanned file can act on it.

use crate::sanitize;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Bold,
    Dim,
    Critical,
    Warning,
    Info,
    Stuck,
    Ok,
    Heading,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Plain => "",
            Style::Bold => "\x1b[1m",
            Style::Dim => "\x1b[2m",
            Style::Critical => "\x1b[1;31m",
            Style::Warning => "\x1b[33m",
            Style::Info => "\x1b[36m",
            Style::Stuck => "\x1b[31m",
            Style::Ok => "\x1b[32m",
            Style::Heading => "\x1b[1;4m",
        }
    }
}

pub struct Out<'w> {
    w: &'w mut dyn Write,
    color: bool,
}

impl<'w> Out<'w> {
    pub fn new(w: &'w mut dyn Write, color: bool) -> Self {
        Out { w, color }
    }

    /// Untrusted or formatted text: sanitised to one line.
    pub fn text(&mut self, s: &str) -> io::Result<()> {
        self.w.write_all(sanitize::line(s).as_bytes())
    }

    /// Sanitised text in a style (the style only when colour is on).
    pub fn styled(&mut self, style: Style, s: &str) -> io::Result<()> {
        if self.color && style != Style::Plain {
            self.w.write_all(style.code().as_bytes())?;
            self.text(s)?;
            self.w.write_all(b"\x1b[0m")
        } else {
            self.text(s)
        }
    }

    /// A multi-line block (newlines kept, everything else sanitised), each line indented.
    pub fn block(&mut self, indent: &str, s: &str) -> io::Result<()> {
        for line in sanitize::block(s).lines() {
            self.text(indent)?;
            self.w.write_all(line.as_bytes())?;
            self.nl()?;
        }
        Ok(())
    }

    pub fn nl(&mut self) -> io::Result<()> {
        self.w.write_all(b"\n")
    }

    /// Text, then a newline.
    pub fn line(&mut self, s: &str) -> io::Result<()> {
        self.text(s)?;
        self.nl()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_untrusted_passes_raw() {
        let mut buf = Vec::new();
        {
            let mut o = Out::new(&mut buf, true);
            o.styled(Style::Critical, "x\x1b]52;c;AAAA\x07")
                .expect("write");
            o.text("\u{9b}2J").expect("write");
            o.block("  ", "a\x1b[2J\nb").expect("write");
        }
        let s = String::from_utf8(buf).expect("utf8");
        // Our own two codes (style + reset) are the only ESC bytes.
        assert_eq!(s.matches('\x1b').count(), 2, "{s:?}");
        assert!(!s.contains('\x07'));
        assert!(!s.contains('\u{9b}'));
    }

    #[test]
    fn no_colour_means_no_escape_at_all() {
        let mut buf = Vec::new();
        Out::new(&mut buf, false)
            .styled(Style::Critical, "CRITICAL")
            .expect("write");
        assert_eq!(buf, b"CRITICAL");
    }
}
