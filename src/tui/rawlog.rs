//! The raw log view's state: a line-offset index over one log file and the few decoded lines
//! on screen. The app changes the cursor (pure); the runtime calls [`RawView::sync`] before a
//! frame to read the lines the frame will show, and [`RawView::poll`] when the file changed.

use crate::source::lineindex::{LineIndex, Update};
use std::path::Path;

/// The decoded lines around the cursor: `lines[k]` is line `first + k` (0-based).
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub first: usize,
    pub lines: Vec<String>,
    /// `lines` as shown while content is hidden: the body of a logged SIP message of a text
    /// type masked, as a bundle's log excerpt masks it (`redact::redact_log_lines`).
    pub hidden: Vec<String>,
    /// Index generation the lines were read at.
    generation: u64,
}

#[derive(Debug, Clone)]
pub struct RawView {
    pub index: LineIndex,
    /// Cursor (0-based line).
    pub sel: usize,
    /// The line the view was opened at (the event's line), marked on screen.
    pub mark: Option<usize>,
    /// Keep the cursor on the last line as the file grows.
    pub follow: bool,
    pub window: Window,
    /// Bumped whenever the index changes, so the window is read again.
    generation: u64,
    /// Why the last read failed, shown in the title.
    pub error: Option<String>,
    /// Display columns scrolled off to the left (`←`/`→`, by [`HSCROLL_STEP`]).
    pub col: usize,
    /// Long lines wrap instead of being cut at the right edge (`w`).
    pub wrap: bool,
}

/// Lines read before the window so that a SIP message body at its top is known as one.
pub const SIP_LOOKBACK: usize = 64;

/// Columns one `←`/`→` moves the raw lines.
pub const HSCROLL_STEP: usize = 8;
/// The furthest the raw lines scroll right: past the longest line a log reader keeps.
pub const HSCROLL_MAX: usize = 64 * 1024;

/// The scan's own test before the index opens `path`: a regular file, not reached through a
/// link, opened without blocking (`source::read::open_regular`). A link (to a file outside the
/// tree, to `/dev/zero`), a FIFO or a device put in a log's place is an error line, never read
/// and never waited on.
fn safe_to_read(path: &Path) -> std::io::Result<()> {
    crate::source::read::open_regular(path)
        .map(drop)
        .map_err(|e| std::io::Error::other(e.to_string()))
}

impl RawView {
    /// Index `path` and put the cursor on `line` (1-based, as events count).
    pub fn open(path: &Path, line: u64) -> std::io::Result<RawView> {
        safe_to_read(path)?;
        let index = LineIndex::build(path)?;
        let sel = (line.saturating_sub(1) as usize).min(index.len().saturating_sub(1));
        Ok(RawView {
            index,
            sel,
            mark: Some(sel),
            follow: false,
            window: Window::default(),
            generation: 1,
            error: None,
            col: 0,
            wrap: false,
        })
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Re-index after the file changed (appended bytes only, unless truncated or rotated).
    pub fn poll(&mut self) -> Update {
        match safe_to_read(self.index.path()).and_then(|_| self.index.update()) {
            Ok(u) => {
                if u != Update::Unchanged {
                    self.generation += 1;
                    if u == Update::Rebuilt {
                        self.mark = None;
                    }
                }
                self.error = None;
                if self.follow {
                    self.sel = self.len().saturating_sub(1);
                }
                self.sel = self.sel.min(self.len().saturating_sub(1));
                u
            }
            Err(e) => {
                self.error = Some(e.to_string());
                Update::Unchanged
            }
        }
    }

    /// The line range a frame of `height` rows needs around the cursor: enough that any
    /// scroll offset the renderer picks for a height up to `height` is covered.
    fn wanted(&self, height: usize) -> (usize, usize) {
        let first = self.sel.saturating_sub(height);
        let end = (self.sel + height + 1).max(height).min(self.len());
        (first, end)
    }

    /// Read the lines the next frame shows (at most `2 × height + 1` lines), if not read yet.
    pub fn sync(&mut self, height: usize) {
        let (first, end) = self.wanted(height);
        let w = &self.window;
        let covered =
            w.generation == self.generation && w.first <= first && w.first + w.lines.len() >= end;
        if covered {
            return;
        }
        // A SIP message's body is known from its start line and headers: up to
        // [`SIP_LOOKBACK`] lines before the window are read too, for the masking.
        let from = first.saturating_sub(SIP_LOOKBACK);
        let read = safe_to_read(self.index.path())
            .and_then(|_| self.index.read_lines(from, end.saturating_sub(from)));
        match read {
            Ok(mut lines) => {
                let skip = (first - from).min(lines.len());
                let all: Vec<&str> = lines.iter().map(String::as_str).collect();
                let mut hidden = crate::redact::redact_log_lines(&all, from == 0);
                hidden.drain(..skip);
                lines.drain(..skip);
                self.window = Window {
                    first,
                    lines,
                    hidden,
                    generation: self.generation,
                };
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Line `i` if it was read for this frame.
    pub fn line(&self, i: usize) -> Option<&str> {
        i.checked_sub(self.window.first)
            .and_then(|k| self.window.lines.get(k))
            .map(String::as_str)
    }

    /// Line `i` as the screen may show it if it was read for this frame: as it is if `reveal`,
    /// else with the body of a logged SIP message of a text type masked.
    pub fn shown_line(&self, i: usize, reveal: bool) -> Option<&str> {
        let lines = if reveal {
            &self.window.lines
        } else {
            &self.window.hidden
        };
        i.checked_sub(self.window.first)
            .and_then(|k| lines.get(k))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::RawView;

    /// Review wild9b d03: the raw view masks an instant message logged in a netsh text dump,
    /// in a tracerpt CSV field and in a tracerpt XML `<Data>` (addresses kept) as a bundle's
    /// excerpt does, until content is revealed; the records around it stay.
    #[test]
    fn the_raw_view_masks_a_sip_body_in_every_log_kind() {
        let d = tempfile::tempdir().expect("tmp");
        let body = "Content-Type: text/plain\r\n\r\nIMSECRET the merger, ask rlee@contoso.com";
        let kinds = [
            (
                "netsh-trace.txt",
                format!("[0]0E2C.1A1C::2026-03-02 13:50:01.1234567 [Microsoft-Lync]MESSAGE sip:rlee@contoso.com SIP/2.0\r\n{body}\r\n[0]0E2C.1A1C::2026-03-02 13:50:03.1234567 [Microsoft-Lync]HTTP/1.1 401 Unauthorized\r\n"),
            ),
            (
                "trace.csv",
                format!("Lync, Info, 10, , 134169180600000000, \"MESSAGE sip:rlee@contoso.com SIP/2.0\r\n{body}\", \"x\"\r\nLync, Info, 11, , 134169180600000000, \"HTTP/1.1 401 Unauthorized\"\r\n"),
            ),
            (
                "trace.xml",
                format!("<Events>\r\n<Event><EventData><Data Name=\"Message\">MESSAGE sip:rlee@contoso.com SIP/2.0\r\n{body}</Data></EventData></Event>\r\n<Event><EventData><Data>HTTP/1.1 401 Unauthorized</Data></EventData></Event>\r\n"),
            ),
        ];
        for (name, text) in kinds {
            let p = d.path().join(name);
            std::fs::write(&p, &text).expect("write");
            let mut v = RawView::open(&p, 1).expect("open");
            v.sync(20);
            let shown: Vec<&str> = (0..v.len())
                .filter_map(|i| v.shown_line(i, false))
                .collect();
            let all = shown.join("\n");
            assert_eq!(shown.len(), text.lines().count(), "{name}");
            assert!(
                !all.contains("IMSECRET") && !all.contains("merger"),
                "{name}: {all}"
            );
            assert!(
                all.contains("xxxxxxxx xxx xxxxxx, xxx rlee@contoso.com"),
                "{name}: {all}"
            );
            assert!(
                all.contains("MESSAGE sip:rlee@contoso.com SIP/2.0"),
                "{name}: {all}"
            );
            assert!(all.contains("HTTP/1.1 401 Unauthorized"), "{name}: {all}");
            let revealed: Vec<&str> = (0..v.len()).filter_map(|i| v.shown_line(i, true)).collect();
            assert!(
                revealed.join("\n").contains("IMSECRET the merger"),
                "{name}"
            );
        }
    }
}
