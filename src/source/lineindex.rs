//! A per-line byte-offset index over a log file, for the raw log view: one `u64` per line,
//! built by one streaming pass (memchr over fixed-size chunks), never the lines themselves.
//! The lines on screen are read from disk on demand and decoded the way the log parser reads
//! them (UTF-8, or UTF-16LE/BE transcoded by [`crate::parse::logstream::Utf8Stream`]).
//!
//! A file that grows is indexed from where the last pass stopped (append-only); a file that
//! shrank or whose first bytes changed (truncated, rotated, replaced) is indexed again.

use crate::parse::etl::container::{self as etl_container, Item, Skip};
use crate::parse::logstream::{lone_cr, LogEncoding, Utf8Stream, LINE_CAP};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Bytes read per step of the indexing pass.
const CHUNK: usize = 256 * 1024;
/// Bytes kept from the start of the file to recognise a rotated or replaced file.
const HEAD: usize = 64;
/// Bytes looked at to tell the encoding.
const SNIFF: u64 = 4096;

/// What [`LineIndex::update`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    Unchanged,
    /// The file grew: only the new bytes were indexed.
    Appended {
        new_bytes: u64,
    },
    /// The file shrank or was replaced: indexed again from the start.
    Rebuilt,
}

/// Where each line of a file starts. Holds no text: memory is 8 bytes per line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    path: PathBuf,
    encoding: LogEncoding,
    /// Byte offset of the start of each line (the first is after any BOM). The last entry may
    /// equal `scanned` (the file ends with a newline): that line has no bytes yet.
    starts: Vec<u64>,
    /// Bytes indexed so far (always a whole number of code units).
    scanned: u64,
    /// The file's first bytes when it was indexed.
    head: [u8; HEAD],
    head_len: usize,
    /// Lines end with a lone CR (told from the first bytes as the parser tells it).
    lone_cr: bool,
    /// How many times the index was built from the start (1 after `build`).
    pub rebuilds: u32,
    /// A binary `.etl`: one line per record (or span passed over) instead of text lines.
    etl: Option<Box<EtlIndex>>,
}

/// The raw view of an `.etl` file: one line per record, or per span the reader passed over,
/// numbered like the parser numbers them (event `line`s point here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct EtlIndex {
    lines: Vec<EtlLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EtlLine {
    offset: u64,
    len: u64,
    skip: Option<Skip>,
}

/// Hex bytes shown per record line in the raw view (the strings come first).
const ETL_HEX: usize = 512;

/// Walk an `.etl` file (one buffer in memory at a time) and list its records.
fn etl_index(f: &mut File) -> io::Result<(EtlIndex, u64)> {
    f.seek(SeekFrom::Start(0))?;
    let mut idx = EtlIndex::default();
    let w = etl_container::walk(io::BufReader::new(&mut *f), &mut |it| {
        idx.lines.push(match it {
            Item::Record { offset, head, .. } => EtlLine {
                offset,
                len: head.size as u64,
                skip: None,
            },
            Item::Skipped { offset, len, why } => EtlLine {
                offset,
                len,
                skip: Some(why),
            },
        })
    })?;
    idx.lines.shrink_to_fit();
    Ok((idx, w.bytes))
}

fn unit_width(e: LogEncoding) -> u64 {
    match e {
        LogEncoding::Utf16Le { .. } | LogEncoding::Utf16Be { .. } => 2,
        _ => 1,
    }
}

/// The BOM that makes [`Utf8Stream`] read a slice in encoding `e` whatever its first bytes.
fn bom(e: LogEncoding) -> &'static [u8] {
    match e {
        LogEncoding::Utf8 | LogEncoding::Utf8Bom => b"\xEF\xBB\xBF",
        LogEncoding::Utf16Le { .. } => b"\xFF\xFE",
        LogEncoding::Utf16Be { .. } => b"\xFE\xFF",
    }
}

/// Open a log as the scan does: a regular file only, never through a link, never waiting on a
/// FIFO (the raw view checks before it builds; this holds when the file is swapped after).
fn open(path: &Path) -> io::Result<File> {
    crate::source::read::open_regular(path).map_err(|e| io::Error::other(e.to_string()))
}

fn read_full(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl LineIndex {
    /// Index `path` from the start.
    pub fn build(path: &Path) -> io::Result<LineIndex> {
        let mut idx = LineIndex {
            path: path.to_path_buf(),
            encoding: LogEncoding::Utf8,
            starts: Vec::new(),
            scanned: 0,
            head: [0; HEAD],
            head_len: 0,
            lone_cr: false,
            rebuilds: 0,
            etl: None,
        };
        idx.rebuild()?;
        Ok(idx)
    }

    fn rebuild(&mut self) -> io::Result<()> {
        let mut f = open(&self.path)?;
        let mut sniff = Vec::new();
        (&mut f).take(SNIFF).read_to_end(&mut sniff)?;
        self.head_len = sniff.len().min(HEAD);
        self.head = [0; HEAD];
        self.head[..self.head_len].copy_from_slice(&sniff[..self.head_len]);
        if crate::parse::etl::sniff(&sniff) {
            let (idx, bytes) = etl_index(&mut f)?;
            self.etl = Some(Box::new(idx));
            self.starts = Vec::new();
            self.scanned = bytes;
            self.rebuilds += 1;
            return Ok(());
        }
        self.etl = None;
        let (enc, skip) = LogEncoding::sniff(&sniff);
        self.encoding = enc;
        self.lone_cr = lone_cr(&sniff[skip..], enc);
        self.starts = vec![skip as u64];
        self.scanned = skip as u64;
        self.rebuilds += 1;
        self.scan_from(&mut f)?;
        self.starts.shrink_to_fit();
        Ok(())
    }

    /// Index the bytes after `scanned`, up to the current end of the file.
    fn scan_from(&mut self, f: &mut File) -> io::Result<u64> {
        let w = unit_width(self.encoding);
        let begin = self.scanned;
        f.seek(SeekFrom::Start(self.scanned))?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = read_full(f, &mut buf)?;
            // Only whole code units: a trailing half unit waits for the next pass.
            let usable = n - n % w as usize;
            if usable == 0 {
                break;
            }
            let chunk = &buf[..usable];
            let base = self.scanned;
            let end = if self.lone_cr { b'\r' } else { b'\n' };
            for p in memchr::memchr_iter(end, chunk) {
                let next = match self.encoding {
                    LogEncoding::Utf16Le { .. } => {
                        // The unit 0x000A (0x000D): 0A at an even offset, 00 after it.
                        if p % 2 != 0 || chunk.get(p + 1) != Some(&0) {
                            continue;
                        }
                        p + 2
                    }
                    LogEncoding::Utf16Be { .. } => {
                        if p % 2 != 1 || chunk[p - 1] != 0 {
                            continue;
                        }
                        p + 1
                    }
                    _ => p + 1,
                };
                self.starts.push(base + next as u64);
            }
            self.scanned += usable as u64;
            if n < buf.len() {
                break;
            }
        }
        if self.head_len < HEAD && self.scanned > self.head_len as u64 {
            let mut h = [0u8; HEAD];
            f.seek(SeekFrom::Start(0))?;
            let k = read_full(f, &mut h)?;
            self.head = h;
            self.head_len = k;
        }
        Ok(self.scanned - begin)
    }

    /// Whether the file's first bytes still give the encoding and line ends indexed by.
    fn reads_the_same(&self, f: &mut File) -> io::Result<bool> {
        let mut head = Vec::new();
        f.seek(SeekFrom::Start(0))?;
        f.take(SNIFF).read_to_end(&mut head)?;
        let (enc, skip) = LogEncoding::sniff(&head);
        Ok(enc == self.encoding && lone_cr(&head[skip..], enc) == self.lone_cr)
    }

    /// Bring the index up to date with the file: index appended bytes only, or start again
    /// when the file shrank or its first bytes changed (truncated, rotated, replaced).
    pub fn update(&mut self) -> io::Result<Update> {
        let mut f = open(&self.path)?;
        let len = f.metadata()?.len();
        let mut h = [0u8; HEAD];
        let k = read_full(&mut f, &mut h[..self.head_len])?;
        let same_head = k == self.head_len && h[..k] == self.head[..self.head_len];
        if let Some(old) = self.etl.take() {
            if same_head && len == self.scanned {
                self.etl = Some(old);
                return Ok(Update::Unchanged);
            }
            // Walked again whole (a buffer at a time); the same records first means it grew.
            let (before, rebuilds) = (self.scanned, self.rebuilds);
            self.rebuild()?;
            let grew = same_head
                && self.scanned > before
                && self
                    .etl
                    .as_ref()
                    .is_some_and(|e| e.lines.starts_with(&old.lines));
            if grew {
                self.rebuilds = rebuilds;
                return Ok(Update::Appended {
                    new_bytes: self.scanned - before,
                });
            }
            return Ok(Update::Rebuilt);
        }
        if self.scanned < SNIFF && len > self.scanned && !self.reads_the_same(&mut f)? {
            // A small file that grew: its encoding or line ends read differently now.
            self.rebuild()?;
            return Ok(Update::Rebuilt);
        }
        if len < self.scanned || !same_head || self.scanned == 0 {
            if len == 0 && self.scanned == 0 {
                return Ok(Update::Unchanged);
            }
            self.rebuild()?;
            return Ok(Update::Rebuilt);
        }
        if len == self.scanned {
            return Ok(Update::Unchanged);
        }
        let new_bytes = self.scan_from(&mut f)?;
        Ok(if new_bytes == 0 {
            Update::Unchanged
        } else {
            Update::Appended { new_bytes }
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn encoding(&self) -> LogEncoding {
        self.encoding
    }

    /// Whether lines end with a lone CR (see [`crate::parse::logstream::lone_cr`]).
    pub fn lone_cr(&self) -> bool {
        self.lone_cr
    }

    /// Whether the file is a binary `.etl` shown one record per line.
    pub fn is_etl(&self) -> bool {
        self.etl.is_some()
    }

    /// How the lines are read, for the view's title: the text encoding, or `etl records`.
    pub fn label(&self) -> &'static str {
        if self.is_etl() {
            "etl records"
        } else {
            self.encoding.as_str()
        }
    }

    /// Lines in the file (a last line without a newline counts).
    pub fn len(&self) -> usize {
        if let Some(e) = &self.etl {
            return e.lines.len();
        }
        match self.starts.last() {
            Some(&s) if s >= self.scanned => self.starts.len() - 1,
            _ => self.starts.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes indexed so far.
    pub fn indexed_bytes(&self) -> u64 {
        self.scanned
    }

    /// Heap bytes the index holds: the offsets, nothing else grows with the file.
    pub fn heap_bytes(&self) -> usize {
        let etl = self
            .etl
            .as_ref()
            .map_or(0, |e| e.lines.capacity() * std::mem::size_of::<EtlLine>());
        self.starts.capacity() * std::mem::size_of::<u64>() + self.path.as_os_str().len() + etl
    }

    /// Byte range of line `i` (0-based), newline included.
    pub fn range(&self, i: usize) -> Option<(u64, u64)> {
        if i >= self.len() {
            return None;
        }
        if let Some(e) = &self.etl {
            let l = e.lines[i];
            return Some((l.offset, l.offset + l.len));
        }
        let start = self.starts[i];
        let end = self.starts.get(i + 1).copied().unwrap_or(self.scanned);
        Some((start, end))
    }

    /// Read and decode lines `first..first + n` from disk (each cut at the parser's line cap).
    pub fn read_lines(&self, first: usize, n: usize) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        if n == 0 || first >= self.len() {
            return Ok(out);
        }
        let mut f = open(&self.path)?;
        if let Some(e) = &self.etl {
            return etl_lines(&mut f, &e.lines[first..(first + n).min(e.lines.len())]);
        }
        let cap = LINE_CAP as u64 * unit_width(self.encoding);
        let mut buf = Vec::new();
        for i in first..(first + n).min(self.len()) {
            let Some((start, end)) = self.range(i) else {
                break;
            };
            let want = (end - start).min(cap);
            f.seek(SeekFrom::Start(start))?;
            buf.clear();
            (&mut f).take(want).read_to_end(&mut buf)?;
            out.push(self.decode(&buf));
        }
        Ok(out)
    }

    /// One line's bytes as text, without its line ending.
    fn decode(&self, bytes: &[u8]) -> String {
        let mut text = Vec::with_capacity(bytes.len());
        let ok = Utf8Stream::new(bom(self.encoding).chain(bytes))
            .and_then(|mut s| s.read_to_end(&mut text))
            .is_ok();
        if !ok {
            text = bytes.to_vec();
        }
        let s = String::from_utf8_lossy(&text);
        s.trim_end_matches(['\n', '\r']).to_string()
    }
}

/// The raw view's text for some `.etl` lines: each record read from disk and shown as offset,
/// kind, strings and hex; a skipped span says why.
fn etl_lines(f: &mut File, lines: &[EtlLine]) -> io::Result<Vec<String>> {
    let mut out = Vec::with_capacity(lines.len());
    let mut buf = Vec::new();
    for l in lines {
        if let Some(why) = l.skip {
            out.push(format!(
                "@{:#010x} {} B · {}",
                l.offset,
                l.len,
                why.describe()
            ));
            continue;
        }
        f.seek(SeekFrom::Start(l.offset))?;
        buf.clear();
        (&mut *f).take(l.len).read_to_end(&mut buf)?;
        out.push(match crate::parse::etl::record::head(&buf) {
            Some(h) => crate::parse::etl::record::raw_line(l.offset, h, &buf, ETL_HEX),
            None => format!(
                "@{:#010x} {} B · no longer a record here (the file changed)",
                l.offset, l.len
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    /// The index opens only a regular file: never through a link (a log swapped for a link
    /// to a file outside the tree after the raw view checked it) and never a FIFO.
    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_not_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "secret\n").expect("write");
        let log = dir.path().join("Lync-UccApi-0.UccApilog");
        std::os::unix::fs::symlink(&outside, &log).expect("link");
        assert!(super::LineIndex::build(&log).is_err());
        let fifo = dir.path().join("Lync-UccApi-1.UccApilog");
        let st = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(st.success());
        // Would block for ever on a plain open; the test finishing is the check.
        assert!(super::LineIndex::build(&fifo).is_err());
        std::fs::write(dir.path().join("ok.log"), "a\nb\n").expect("write");
        assert!(super::LineIndex::build(&dir.path().join("ok.log")).is_ok());
    }

    use super::*;
    use std::io::Write;

    fn utf16le(s: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    fn utf16be_nobom(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    #[test]
    fn utf8_lines_crlf_and_no_final_newline() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("a.log");
        std::fs::write(&p, b"one\r\ntwo\n\nfour").expect("write");
        let idx = LineIndex::build(&p).expect("index");
        assert_eq!(idx.len(), 4);
        assert_eq!(
            idx.read_lines(0, 10).expect("read"),
            ["one", "two", "", "four"]
        );
        assert_eq!(idx.read_lines(3, 1).expect("read"), ["four"]);
    }

    /// Lone-CR line ends are indexed at each CR, in UTF-8 and UTF-16, as the parser numbers the
    /// lines; a small file that turns out to have them once it grows is indexed again; CRLF
    /// is indexed at each LF as before.
    #[test]
    fn lone_cr_lines() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("a.log");
        std::fs::write(&p, b"one\rtwo\r\rfour").expect("write");
        let idx = LineIndex::build(&p).expect("index");
        assert!(idx.lone_cr());
        assert_eq!(idx.len(), 4);
        assert_eq!(idx.range(1), Some((4, 8)));
        assert_eq!(
            idx.read_lines(0, 10).expect("read"),
            ["one", "two", "", "four"]
        );
        std::fs::write(&p, utf16le("one\rtwo")).expect("write");
        let idx = LineIndex::build(&p).expect("index");
        assert_eq!(idx.read_lines(0, 10).expect("read"), ["one", "two"]);
        assert_eq!(idx.range(1), Some((10, 16)));
        // "one" alone says nothing; "\rtwo\r" after it does.
        std::fs::write(&p, b"one").expect("write");
        let mut idx = LineIndex::build(&p).expect("index");
        assert!(!idx.lone_cr());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut f| f.write_all(b"\rtwo\r"))
            .expect("append");
        assert_eq!(idx.update().expect("update"), Update::Rebuilt);
        assert_eq!(idx.read_lines(0, 10).expect("read"), ["one", "two"]);
        std::fs::write(&p, b"one\r\ntwo\r\n").expect("write");
        let idx = LineIndex::build(&p).expect("index");
        assert!(!idx.lone_cr());
        assert_eq!(idx.range(1), Some((5, 10)));
    }

    #[test]
    fn utf16_both_orders() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("le.log");
        std::fs::write(&p, utf16le("héllo\r\nwörld\n\u{0A0A}x\n")).expect("write");
        let idx = LineIndex::build(&p).expect("index");
        assert_eq!(idx.len(), 3);
        assert_eq!(
            idx.read_lines(0, 3).expect("read"),
            ["héllo", "wörld", "\u{0A0A}x"]
        );
        let p = d.path().join("be.log");
        std::fs::write(&p, utf16be_nobom("first line\nsecond\n")).expect("write");
        let idx = LineIndex::build(&p).expect("index");
        assert!(matches!(
            idx.encoding(),
            LogEncoding::Utf16Be { bom: false }
        ));
        assert_eq!(
            idx.read_lines(0, 5).expect("read"),
            ["first line", "second"]
        );
    }

    #[test]
    fn growth_is_indexed_incrementally_and_truncation_rebuilds() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("g.log");
        std::fs::write(&p, b"a1\na2\npart").expect("write");
        let mut idx = LineIndex::build(&p).expect("index");
        assert_eq!(idx.len(), 3);
        let before = idx.indexed_bytes();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open");
        f.write_all(b"ial\na4\n").expect("append");
        drop(f);
        assert_eq!(
            idx.update().expect("update"),
            Update::Appended { new_bytes: 7 }
        );
        assert_eq!(idx.indexed_bytes(), before + 7);
        assert_eq!(idx.rebuilds, 1, "growth did not re-index from the start");
        assert_eq!(idx.len(), 4);
        assert_eq!(idx.read_lines(2, 2).expect("read"), ["partial", "a4"]);
        assert_eq!(idx.update().expect("update"), Update::Unchanged);
        // Truncated and rewritten (rotation): shorter, so indexed again.
        std::fs::write(&p, b"b1\n").expect("truncate");
        assert_eq!(idx.update().expect("update"), Update::Rebuilt);
        assert_eq!(idx.rebuilds, 2);
        assert_eq!(idx.read_lines(0, 9).expect("read"), ["b1"]);
        // Replaced by a longer file with other first bytes: indexed again, not appended.
        std::fs::write(&p, b"c1\nc2\nc3\nc4\n").expect("replace");
        assert_eq!(idx.update().expect("update"), Update::Rebuilt);
        assert_eq!(
            idx.read_lines(0, 9).expect("read"),
            ["c1", "c2", "c3", "c4"]
        );
    }

    /// Bounded memory: over a large generated log the index keeps one offset per line and no
    /// text; reading a screenful touches only those lines.
    #[test]
    fn index_of_a_large_log_holds_offsets_not_lines() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("Lync-UccApi-0.UccApilog");
        let f = std::fs::File::create(&p).expect("create");
        let mut w = std::io::BufWriter::new(f);
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date");
        crate::corpus::write_uccapilog(&mut w, 7, 8 << 20, start).expect("generate");
        drop(w);
        let bytes = std::fs::metadata(&p).expect("meta").len();
        let text = std::fs::read(&p).expect("read");
        let lines = memchr::memchr_iter(b'\n', &text).count()
            + usize::from(!text.ends_with(b"\n") && !text.is_empty());
        drop(text);
        let idx = LineIndex::build(&p).expect("index");
        assert_eq!(idx.len(), lines);
        assert!(lines > 50_000, "a large file: {lines} lines");
        // ~8 bytes per line (plus the path), far below the file's size.
        let per_line = idx.heap_bytes() as f64 / lines as f64;
        assert!(per_line <= 8.01, "{per_line} bytes per line");
        assert!((idx.heap_bytes() as u64) < bytes / 4);
        // The struct itself is fixed-size: offsets, counters, a 64-byte head, the path.
        assert!(std::mem::size_of::<LineIndex>() <= 160);
        let mid = idx.read_lines(lines / 2, 40).expect("read");
        assert_eq!(mid.len(), 40);
    }
}
