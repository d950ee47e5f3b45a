//! A reader in front of the XML parser that keeps each text node (the text between two tags)
//! to [`TEXT_CAP`] bytes. quick-xml reads a text node whole into memory, so one huge node (a
//! 100 MB `<Data>` message) made memory follow the file's size. The bytes of a node past the
//! cap are dropped, counted, and shown to the markers' probe (as the part of a long line past
//! its cut is): a match there means evidence was not read.
//!
//! Tags, comments and CDATA sections pass whole (a cut inside one would break the document);
//! only text outside them is capped. The newlines dropped are remembered by where they were,
//! so the parser's line numbers stay those of the file.

use crate::parse::logstream::CutProbe;
use std::io::{self, Read};

/// The most bytes of one text node handed to the parser.
pub const TEXT_CAP: usize = 64 * 1024;

/// Bytes of read text shown to the probe with a dropped piece (a literal may straddle the cut).
const OVERLAP: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between tags: text, capped.
    Text,
    /// Just after `<`.
    Lt,
    /// After `<!`.
    Bang,
    /// Matched this many bytes of `![CDATA[` after `<`.
    CdataOpen(usize),
    /// After `<!-`.
    Dash,
    /// In a tag (until `>`).
    Tag,
    /// In a CDATA section, with how many `]` just seen.
    Cdata(u8),
    /// In a comment, with how many `-` just seen.
    Comment(u8),
}

pub struct CapText<R> {
    inner: R,
    state: State,
    /// Bytes of the current text node handed out.
    run: usize,
    /// Bytes handed out in all.
    out_pos: u64,
    /// Newlines dropped in all, and at which output positions the total grew: (position, total).
    dropped_newlines: u64,
    marks: Vec<(u64, u64)>,
    /// Text nodes cut.
    pub cut_nodes: u64,
    probe: Option<CutProbe>,
    /// The last bytes of the current node: read ones (the first `carry_cut`), then dropped ones.
    carry: Vec<u8>,
    carry_cut: usize,
    /// Whether the current node was cut, and whether its dropped part was already found to
    /// hold marker text.
    node_cut: bool,
    node_hit: bool,
    /// Output position of the first cut node whose dropped part holds marker text.
    pub hit_at: Option<u64>,
    chunk: Vec<u8>,
    pend: Vec<u8>,
    pend_at: usize,
}

impl<R: Read> CapText<R> {
    pub fn new(inner: R, probe: Option<CutProbe>) -> CapText<R> {
        CapText {
            inner,
            state: State::Text,
            run: 0,
            out_pos: 0,
            dropped_newlines: 0,
            marks: Vec::new(),
            cut_nodes: 0,
            probe,
            carry: Vec::new(),
            carry_cut: 0,
            node_cut: false,
            node_hit: false,
            hit_at: None,
            chunk: vec![0; 64 * 1024],
            pend: Vec::new(),
            pend_at: 0,
        }
    }

    /// Newlines dropped before output position `pos` (add them to a line count taken there).
    pub fn newlines_dropped_before(&self, pos: u64) -> u64 {
        let i = self.marks.partition_point(|&(at, _)| at <= pos);
        i.checked_sub(1).map_or(0, |i| self.marks[i].1)
    }

    /// Keep `b` (handed to the parser).
    fn keep(&mut self, b: &[u8]) {
        self.pend.extend_from_slice(b);
    }

    /// Text bytes of the current node: kept up to the cap, the rest dropped and probed.
    fn text(&mut self, b: &[u8]) {
        let room = TEXT_CAP.saturating_sub(self.run);
        let (kept, dropped) = b.split_at(room.min(b.len()));
        if !kept.is_empty() {
            self.keep(kept);
            self.run += kept.len();
            // The read tail of the node, for a literal straddling the cut.
            self.carry.extend_from_slice(kept);
            let drop = self.carry.len().saturating_sub(OVERLAP);
            self.carry.drain(..drop);
            self.carry_cut = self.carry.len();
        }
        if dropped.is_empty() {
            return;
        }
        if !self.node_cut {
            self.node_cut = true;
            self.cut_nodes += 1;
        }
        let nl = memchr::memchr_iter(b'\n', dropped).count() as u64;
        if nl > 0 {
            self.dropped_newlines += nl;
            let at = self.out_pos + self.pend.len() as u64;
            match self.marks.last_mut() {
                Some(m) if m.0 == at => m.1 = self.dropped_newlines,
                _ => self.marks.push((at, self.dropped_newlines)),
            }
        }
        if self.node_hit {
            return;
        }
        if let Some(p) = &self.probe {
            self.carry.extend_from_slice(dropped);
            if p.test_past(&self.carry, self.carry_cut) {
                self.node_hit = true;
                if self.hit_at.is_none() {
                    self.hit_at = Some(self.out_pos + self.pend.len() as u64);
                }
            }
            let drop = self.carry.len().saturating_sub(OVERLAP);
            self.carry.drain(..drop);
            self.carry_cut = self.carry_cut.saturating_sub(drop);
        }
    }

    /// A new text node starts (after a tag, comment or CDATA section).
    fn new_node(&mut self) {
        self.run = 0;
        self.carry.clear();
        self.carry_cut = 0;
        self.node_cut = false;
        self.node_hit = false;
    }

    fn transform(&mut self, n: usize) {
        let chunk = std::mem::take(&mut self.chunk);
        let mut i = 0;
        while i < n {
            let b = &chunk[i..n];
            match self.state {
                State::Text => match memchr::memchr(b'<', b) {
                    Some(j) => {
                        self.text(&b[..j]);
                        self.keep(b"<");
                        self.state = State::Lt;
                        i += j + 1;
                    }
                    None => {
                        self.text(b);
                        i = n;
                    }
                },
                State::Tag => match memchr::memchr(b'>', b) {
                    Some(j) => {
                        self.keep(&b[..=j]);
                        self.state = State::Text;
                        self.new_node();
                        i += j + 1;
                    }
                    None => {
                        self.keep(b);
                        i = n;
                    }
                },
                _ => {
                    let c = b[0];
                    self.keep(&[c]);
                    i += 1;
                    self.state = match (self.state, c) {
                        (State::Lt, b'!') => State::Bang,
                        (State::Bang, b'[') => State::CdataOpen(2),
                        (State::Bang, b'-') => State::Dash,
                        (State::Dash, b'-') => State::Comment(0),
                        (State::CdataOpen(k), c) if c == b"![CDATA["[k] => {
                            if k + 1 == 8 {
                                State::Cdata(0)
                            } else {
                                State::CdataOpen(k + 1)
                            }
                        }
                        (State::Cdata(m), b']') => State::Cdata((m + 1).min(2)),
                        (State::Cdata(2), b'>') | (State::Comment(2), b'>') => {
                            self.new_node();
                            State::Text
                        }
                        (State::Cdata(_), _) => State::Cdata(0),
                        (State::Comment(m), b'-') => State::Comment((m + 1).min(2)),
                        (State::Comment(_), _) => State::Comment(0),
                        // Anything else after `<`: an ordinary tag (or `<?…?>`, `<!DOCTYPE…>`).
                        (_, b'>') => {
                            self.new_node();
                            State::Text
                        }
                        _ => State::Tag,
                    };
                }
            }
        }
        self.chunk = chunk;
    }
}

impl<R: Read> Read for CapText<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pend_at < self.pend.len() {
                let n = out.len().min(self.pend.len() - self.pend_at);
                out[..n].copy_from_slice(&self.pend[self.pend_at..self.pend_at + n]);
                self.pend_at += n;
                self.out_pos += n as u64;
                return Ok(n);
            }
            self.pend.clear();
            self.pend_at = 0;
            let n = loop {
                match self.inner.read(&mut self.chunk) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            if n == 0 {
                return Ok(0);
            }
            self.transform(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8], piece: usize, probe: Option<CutProbe>) -> (Vec<u8>, CapText<Pieces>) {
        let mut r = CapText::new(
            Pieces {
                data: input.to_vec(),
                at: 0,
                piece,
            },
            probe,
        );
        let mut out = Vec::new();
        r.read_to_end(&mut out).expect("read");
        (out, r)
    }

    /// A reader that hands out at most `piece` bytes a call (chunk boundaries anywhere).
    struct Pieces {
        data: Vec<u8>,
        at: usize,
        piece: usize,
    }

    impl Read for Pieces {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(self.piece).min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn short_documents_pass_unchanged_in_any_pieces() {
        let doc = b"<?xml version=\"1.0\"?>\n<!-- a > b -- c --><E a=\"x\"><![CDATA[<not> ]] a tag]]>text &amp; more</E>\n";
        for piece in [1, 2, 3, 7, 64 * 1024] {
            let (out, r) = run(doc, piece, None);
            assert_eq!(out, doc.to_vec(), "piece {piece}");
            assert_eq!(r.cut_nodes, 0);
        }
    }

    #[test]
    fn a_long_text_node_is_cut_and_its_newlines_remembered() {
        let mut doc = b"<E>".to_vec();
        doc.extend(std::iter::repeat_n(b"yyyy\n".as_slice(), 40_000).flatten());
        doc.extend_from_slice(b"</E><F>after</F>");
        for piece in [7, 4096, 64 * 1024] {
            let (out, r) = run(&doc, piece, None);
            assert_eq!(r.cut_nodes, 1, "piece {piece}");
            let text_end = out.len() - b"</E><F>after</F>".len();
            assert_eq!(text_end - 3, TEXT_CAP, "piece {piece}");
            assert!(out.ends_with(b"</E><F>after</F>"));
            // The dropped newlines: all 40 000 minus those kept.
            let kept = memchr::memchr_iter(b'\n', &out).count() as u64;
            assert_eq!(kept + r.newlines_dropped_before(out.len() as u64), 40_000);
            assert_eq!(r.newlines_dropped_before(0), 0);
        }
    }

    #[test]
    fn comments_and_cdata_are_never_cut() {
        let mut doc = b"<E><!--".to_vec();
        doc.extend(std::iter::repeat_n(b'c', 100_000));
        doc.extend_from_slice(b"--><![CDATA[");
        doc.extend(std::iter::repeat_n(b'd', 100_000));
        doc.extend_from_slice(b"]]></E>");
        let (out, r) = run(&doc, 999, None);
        assert_eq!(out, doc);
        assert_eq!(r.cut_nodes, 0);
    }

    #[test]
    fn marker_text_in_the_dropped_part_is_found_and_text_before_the_cut_is_not() {
        let probe = || {
            Some(CutProbe::new(|t: &[u8], from: usize| {
                memchr::memmem::find_iter(t, b"needle").any(|i| i + 6 > from)
            }))
        };
        let doc = |at: usize| {
            let mut d = b"<E>".to_vec();
            let mut text = vec![b'x'; 200_000];
            text[at..at + 6].copy_from_slice(b"needle");
            d.extend(text);
            d.extend_from_slice(b"</E>");
            d
        };
        for piece in [5, 4096, 64 * 1024] {
            assert!(run(&doc(150_000), piece, probe()).1.hit_at.is_some());
            assert!(run(&doc(TEXT_CAP - 3), piece, probe()).1.hit_at.is_some());
            assert!(run(&doc(TEXT_CAP - 100), piece, probe()).1.hit_at.is_none());
            assert!(run(&doc(10), piece, probe()).1.hit_at.is_none());
        }
    }
}
