//! The cut probe: whether text the reader does not read (past a line's or a record's cap)
//! holds something a marker looks for.

use super::Markers;
use regex::Regex;

impl Markers {
    /// A test for text that is not read (past a line's or a record's cap): whether a marker's
    /// pattern matches in it. The literal search rules out nearly all such text at once; the
    /// patterns then decide, so a long line that only holds a word like `version` or `error`
    /// is not taken for evidence. (Text cut out of a line is tried as if it started a line: a
    /// pattern anchored at a line start may then match where it would not; never the reverse.)
    ///
    /// The contexts' patterns count too: a failure whose context (the EWS URL that makes an
    /// `HTTP/1.1 401` an EWS failure) is only in the unread text was not read either. A match
    /// wholly inside the read text given with the cut part (see [`CutProbe::new`]) does not
    /// count.
    ///
    /// [`CutProbe::new`]: crate::parse::logstream::CutProbe::new
    pub fn cut_probe(&self) -> crate::parse::logstream::CutProbe {
        let literal = self.prefilter.probe();
        let patterns: Vec<Regex> = self
            .markers
            .iter()
            .map(|m| m.regex.clone())
            .chain(self.contexts.iter().map(|(_, r)| r.clone()))
            .collect();
        crate::parse::logstream::CutProbe::new(move |text: &[u8], from: usize| {
            literal.test(text) && {
                // Offsets in the decoded text: the read part and the rest decoded apart (a
                // character split by the cut is unreadable on both sides either way).
                let (read, rest) = text.split_at(from.min(text.len()));
                let read = String::from_utf8_lossy(read);
                let cut = read.len();
                let text = read + String::from_utf8_lossy(rest);
                patterns.iter().any(|r| ends_past(r, &text, cut))
            }
        })
    }
}

/// Whether `r` has a match in `text` that ends past byte `from` (one ending at or before it
/// lies in text that was read). Matches that end early are stepped over one start at a time,
/// so one overlapping the cut is not hidden by an earlier one.
fn ends_past(r: &Regex, text: &str, from: usize) -> bool {
    let mut at = 0;
    while let Some(m) = r.find_at(text, at) {
        if m.end() > from {
            return true;
        }
        // The next start after this match's start, on a character boundary.
        match text[m.start()..].chars().next() {
            Some(c) => at = m.start() + c.len_utf8(),
            None => return false,
        }
    }
    false
}
