//! The record buffer: one log record (start line, continuation lines, header fields), reused
//! between records.

use chrono::{DateTime, FixedOffset};

/// Largest record text kept for classification; further lines are counted but not classified.
pub const RECORD_CAP: usize = 1 << 20;

/// The problem said on a log where line `line`, past its record's cap, holds marker text.
pub fn record_cut_problem(line: u64) -> String {
    format!(
        "line {line}: past the first {} MiB of its record, this line holds text a marker looks for; the record's lines from there on are not classified",
        RECORD_CAP >> 20
    )
}

/// One log record, reused between records to spare allocations: a start line, continuation
/// lines, and what the record header said.
#[derive(Debug, Default, Clone)]
pub struct Record {
    pub line: u64,
    pub time: Option<DateTime<FixedOffset>>,
    pub level: Option<String>,
    /// Thread id (`PID:TID` or the TID), for logs that show one.
    pub thread: Option<String>,
    /// SIP block direction this record sits in (`sent` / `received`), when known.
    pub direction: Option<&'static str>,
    pub(super) text: String,
    pub(super) spans: Vec<(u64, usize, usize)>,
    /// Lines not kept because the record passed [`RECORD_CAP`].
    pub dropped_lines: u64,
    /// Asked about each line not kept: whether it holds text a marker looks for (kept across
    /// [`Record::clear`]; a record made with [`Default`] asks nothing).
    pub probe: Option<crate::parse::logstream::CutProbe>,
    /// The first line not kept that holds such text: evidence that was not classified.
    pub dropped_hit: Option<u64>,
    /// Level and thread strings of the previous record, reused by `set_level`/`set_thread`.
    pub(super) spare: (Option<String>, Option<String>),
    /// The marker literals found in `text` by [`Markers::prescan`], when `prescanned`.
    pub(super) scan: crate::parse::prefilter::Scan,
    pub(super) prescanned: bool,
    /// What [`super::Classifier::prepare`] decided for this record, when `prepared`.
    pub(super) prep: super::classify::Prepared,
    pub(super) prepared: bool,
}

/// Put `v` in `slot`, reusing the allocation kept in `spare` when there is one.
fn reuse(slot: &mut Option<String>, spare: &mut Option<String>, v: Option<&str>) {
    *slot = v.map(|v| match spare.take() {
        Some(mut s) => {
            s.clear();
            s.push_str(v);
            s
        }
        None => v.to_string(),
    });
}

impl Record {
    pub fn clear(&mut self) {
        self.line = 0;
        self.time = None;
        self.prescanned = false;
        self.prepared = false;
        if let Some(s) = self.level.take() {
            self.spare.0 = Some(s);
        }
        if let Some(s) = self.thread.take() {
            self.spare.1 = Some(s);
        }
        self.direction = None;
        self.text.clear();
        self.spans.clear();
        self.dropped_lines = 0;
        self.dropped_hit = None;
    }

    /// An empty record that asks `probe` about the lines it does not keep.
    pub fn with_probe(probe: Option<crate::parse::logstream::CutProbe>) -> Record {
        Record {
            probe,
            ..Record::default()
        }
    }

    /// An empty record asking what this one asks.
    pub fn fresh(&self) -> Record {
        Record::with_probe(self.probe.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Empty the record and give back memory a long record left behind (records are reused:
    /// what a reused record keeps is bounded).
    pub fn trim_capacity(&mut self) {
        const KEEP: usize = 4 << 10;
        self.clear();
        if self.text.capacity() > KEEP {
            self.text = String::new();
        }
        if self.spans.capacity() > 256 {
            self.spans = Vec::new();
        }
        self.scan.trim(KEEP);
    }

    /// Set the level, reusing the previous record's allocation.
    pub fn set_level(&mut self, v: Option<&str>) {
        reuse(&mut self.level, &mut self.spare.0, v);
    }

    /// Set the thread, reusing the previous record's allocation.
    pub fn set_thread(&mut self, v: Option<&str>) {
        reuse(&mut self.thread, &mut self.spare.1, v);
    }

    /// Add a line (the first one is the record's message).
    pub fn push(&mut self, line: u64, s: &str) {
        self.prescanned = false;
        self.prepared = false;
        if self.text.len() + s.len() > RECORD_CAP {
            self.dropped_lines += 1;
            if self.dropped_hit.is_none()
                && self.probe.as_ref().is_some_and(|p| p.test(s.as_bytes()))
            {
                self.dropped_hit = Some(line);
            }
            return;
        }
        if self.spans.is_empty() {
            self.line = line;
        } else {
            self.text.push('\n');
        }
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push((line, start, self.text.len()));
    }

    pub fn lines(&self) -> impl Iterator<Item = (u64, &str)> {
        self.spans.iter().map(|&(l, a, b)| (l, &self.text[a..b]))
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}
