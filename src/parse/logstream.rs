//! Reading a log as a stream of text lines with bounded memory: encoding detection (UTF-8,
//! UTF-16LE/BE with or without BOM), UTF-16 → UTF-8 transcoding on the fly, CRLF, LF or (told
//! from the first bytes) lone CR, invalid
//! bytes replaced, and a cap on line length (longer lines are cut and counted, never dropped).
//!
//! Works on any `Read`, so the parsers can be tested on byte slices.

use std::io::{self, Read};

/// Longest line kept, in bytes of UTF-8. Longer lines are cut here and counted.
pub const LINE_CAP: usize = 64 * 1024;

/// How a log's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
}

impl LogEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            LogEncoding::Utf8 => "utf-8",
            LogEncoding::Utf8Bom => "utf-8-bom",
            LogEncoding::Utf16Le { bom: true } => "utf-16le-bom",
            LogEncoding::Utf16Le { bom: false } => "utf-16le",
            LogEncoding::Utf16Be { bom: true } => "utf-16be-bom",
            LogEncoding::Utf16Be { bom: false } => "utf-16be",
        }
    }

    /// The encoding of a stream from its first bytes, and how many BOM bytes to skip.
    pub fn sniff(head: &[u8]) -> (LogEncoding, usize) {
        if head.starts_with(b"\xEF\xBB\xBF") {
            (LogEncoding::Utf8Bom, 3)
        } else if head.starts_with(b"\xFF\xFE") {
            (LogEncoding::Utf16Le { bom: true }, 2)
        } else if head.starts_with(b"\xFE\xFF") {
            (LogEncoding::Utf16Be { bom: true }, 2)
        } else {
            match super::text::guess_utf16(head) {
                Some(true) => (LogEncoding::Utf16Le { bom: false }, 0),
                Some(false) => (LogEncoding::Utf16Be { bom: false }, 0),
                None => (LogEncoding::Utf8, 0),
            }
        }
    }
}

/// Bytes read to sniff the encoding.
const HEAD: usize = 4096;

/// What the note on a log read with lone-CR line ends says.
pub const LONE_CR_NOTE: &str = "lone CR line ends (old Mac style): each CR read as a line end (heuristic: no LF in the first 4 KiB, and a CR followed by more text)";

/// Whether text in `enc` whose first bytes (after any BOM) are `head` ends its lines with a
/// lone CR, old Mac style (a heuristic): no LF in `head`, and a CR followed by something (a CR
/// at the very end may be the first half of a CRLF still being written).
pub fn lone_cr(head: &[u8], enc: LogEncoding) -> bool {
    let be = match enc {
        LogEncoding::Utf16Le { .. } => false,
        LogEncoding::Utf16Be { .. } => true,
        LogEncoding::Utf8 | LogEncoding::Utf8Bom => {
            return memchr::memchr(b'\n', head).is_none()
                && head
                    .split_last()
                    .is_some_and(|(_, rest)| memchr::memchr(b'\r', rest).is_some());
        }
    };
    let mut units = head.chunks_exact(2).map(|p| match be {
        true => u16::from_be_bytes([p[0], p[1]]),
        false => u16::from_le_bytes([p[0], p[1]]),
    });
    let (mut prev_cr, mut found) = (false, false);
    for u in &mut units {
        if u == 0x0A {
            return false;
        }
        found |= prev_cr;
        prev_cr = u == 0x0D;
    }
    found
}

/// How many of the last bytes of a text in `enc` that is `len` bytes long (from the start of
/// the file, BOM included) make a character the writer has not finished: a UTF-16 code unit cut
/// in two, a high surrogate without its low half, a UTF-8 sequence cut short. `last` is the
/// text's last bytes (up to 4). A reader of a file that is still growing holds them back until
/// the rest is there, so they are not read as U+FFFD (a whole read of the file as it is shows
/// them so).
pub fn unfinished(enc: LogEncoding, last: &[u8], len: u64) -> usize {
    let le = match enc {
        LogEncoding::Utf16Le { .. } => true,
        LogEncoding::Utf16Be { .. } => false,
        LogEncoding::Utf8 | LogEncoding::Utf8Bom => {
            // The last lead byte among the last 3, and whether its sequence is complete.
            for back in 1..=last.len().min(3) {
                let b = last[last.len() - back];
                if b & 0xC0 == 0x80 {
                    continue;
                }
                let need = match b {
                    0xC2..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF4 => 4,
                    _ => return 0,
                };
                return if need > back { back } else { 0 };
            }
            return 0;
        }
    };
    // Code units start at even offsets (a BOM is one unit).
    let odd = usize::from(len % 2 == 1);
    let whole = &last[..last.len() - odd.min(last.len())];
    let high = match whole {
        [.., a, b] => {
            let u = if le {
                u16::from_le_bytes([*a, *b])
            } else {
                u16::from_be_bytes([*a, *b])
            };
            (0xD800..=0xDBFF).contains(&u)
        }
        _ => false,
    };
    odd + if high { 2 } else { 0 }
}

/// A reader that yields UTF-8 whatever the source encoding (UTF-16 is transcoded on the fly;
/// bad units become U+FFFD).
pub struct Utf8Stream<R: Read> {
    inner: io::Chain<io::Cursor<Vec<u8>>, R>,
    utf16: Option<bool>, // Some(little_endian)
    inbuf: Vec<u8>,
    carry: Option<u8>,
    high: Option<u16>,
    out: Vec<u8>,
    pos: usize,
    eof: bool,
    pub encoding: LogEncoding,
    /// Lines end with a lone CR: each CR is handed out as an LF (byte for byte, so offsets
    /// stay those of the file).
    pub lone_cr: bool,
}

impl<R: Read> Utf8Stream<R> {
    /// Sniff the encoding and the line ends from the first bytes and set up the stream.
    pub fn new(inner: R) -> io::Result<Self> {
        Self::with_line_ends(inner, None)
    }

    /// [`Utf8Stream::new`]; `lone_cr` says whether lines end with a lone CR (`None`: tell it
    /// from the first bytes, see [`lone_cr`]), for text that starts mid-file.
    pub fn with_line_ends(mut inner: R, lone_cr: Option<bool>) -> io::Result<Self> {
        let mut head = Vec::with_capacity(HEAD);
        (&mut inner).take(HEAD as u64).read_to_end(&mut head)?;
        let (encoding, skip) = LogEncoding::sniff(&head);
        head.drain(..skip);
        let lone_cr = lone_cr.unwrap_or_else(|| self::lone_cr(&head, encoding));
        let utf16 = match encoding {
            LogEncoding::Utf16Le { .. } => Some(true),
            LogEncoding::Utf16Be { .. } => Some(false),
            _ => None,
        };
        Ok(Utf8Stream {
            inner: io::Cursor::new(head).chain(inner),
            utf16,
            inbuf: vec![0; 32 * 1024],
            carry: None,
            high: None,
            out: Vec::with_capacity(64 * 1024),
            pos: 0,
            eof: false,
            encoding,
            lone_cr,
        })
    }

    fn push_char(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn unit(&mut self, u: u16) {
        match (self.high.take(), u) {
            (None, 0xD800..=0xDBFF) => self.high = Some(u),
            (Some(h), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + (((h as u32) - 0xD800) << 10) + ((u as u32) - 0xDC00);
                self.push_char(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            (Some(_), _) => {
                self.push_char(char::REPLACEMENT_CHARACTER);
                self.unit(u);
            }
            (None, 0xDC00..=0xDFFF) => self.push_char(char::REPLACEMENT_CHARACTER),
            (None, _) => match char::from_u32(u as u32) {
                Some(c) if u < 0x80 => self.out.push(c as u8),
                Some(c) => self.push_char(c),
                None => self.push_char(char::REPLACEMENT_CHARACTER),
            },
        }
    }

    /// Refill `out` from the source with transcoded text. Returns false at the end.
    fn refill(&mut self, le: bool) -> io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.eof {
            let n = read_retry(&mut self.inner, &mut self.inbuf)?;
            if n == 0 {
                self.eof = true;
                if self.carry.take().is_some() || self.high.take().is_some() {
                    self.push_char(char::REPLACEMENT_CHARACTER);
                }
                break;
            }
            let chunk = std::mem::take(&mut self.inbuf);
            let mut bytes = &chunk[..n];
            if let Some(c) = self.carry.take() {
                let pair = [c, bytes[0]];
                self.unit(if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                });
                bytes = &bytes[1..];
            }
            let mut pairs = bytes.chunks_exact(2);
            for p in &mut pairs {
                let u = if le {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                };
                self.unit(u);
            }
            if let [last] = pairs.remainder() {
                self.carry = Some(*last);
            }
            self.inbuf = chunk;
        }
        Ok(!self.out.is_empty())
    }
}

fn read_retry(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

impl<R: Read> Read for Utf8Stream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.read_text(buf)?;
        if self.lone_cr {
            for b in &mut buf[..n] {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        Ok(n)
    }
}

impl<R: Read> Utf8Stream<R> {
    fn read_text(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(le) = self.utf16 else {
            return self.inner.read(buf);
        };
        if self.pos >= self.out.len() && !self.refill(le)? {
            return Ok(0);
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Splits a UTF-8 stream into lines (LF or CRLF), each at most `cap` bytes, with 1-based
/// numbers. Invalid UTF-8 is replaced. Memory: one buffer plus one line.
pub struct LineReader<R: Read> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    line: Vec<u8>,
    text: String,
    cap: usize,
    /// Number of the line last returned.
    pub line_no: u64,
    /// Lines longer than the cap (cut, not dropped).
    pub truncated: u64,
    /// Bytes read so far (of the UTF-8 stream).
    pub bytes: u64,
    /// The last line had no line ending (the file may still be being written).
    pub last_unterminated: bool,
    /// Lines that started with U+FEFF (a byte order mark left where two logs were joined byte
    /// for byte): the mark is dropped from the line.
    pub inner_boms: u64,
    /// Set by the caller when the stream is transcoded from UTF-16: then a line is checked
    /// for UTF-8 text read as UTF-16 ([`utf8_as_utf16`]).
    pub from_utf16: bool,
    /// The first line of a UTF-16 stream that reads as UTF-8 text taken for UTF-16: UTF-8
    /// text joined after UTF-16 text.
    pub utf8_after_utf16: Option<u64>,
    /// Asked about the part of a line past the cap (which is not kept): whether it holds text a
    /// marker looks for. Unset: nothing is asked.
    pub probe: Option<CutProbe>,
    /// The first line whose part past the cap holds text the probe looks for: evidence that
    /// was not read.
    pub cut_unread: Option<u64>,
    /// The last bytes given to the probe in the line being read (a literal may straddle two
    /// pieces), and whether the probe found something in this line.
    carry: Vec<u8>,
    /// How many bytes at the start of `carry` come before the cut (those were read).
    carry_cut: usize,
    cut_hit: bool,
}

/// A test for text that is not read (the part of a line past its cap, the lines of a record
/// past its cap): whether it holds text a marker looks for. Shared, cheap to clone.
#[derive(Clone)]
pub struct CutProbe(std::sync::Arc<ProbeFn>);

type ProbeFn = dyn Fn(&[u8], usize) -> bool + Send + Sync;

impl CutProbe {
    /// `f(text, from)`: whether `text` holds something a marker looks for that ends past its
    /// first `from` bytes (those were read: they are given only so that text straddling the
    /// cut is seen whole).
    pub fn new(f: impl Fn(&[u8], usize) -> bool + Send + Sync + 'static) -> CutProbe {
        CutProbe(std::sync::Arc::new(f))
    }

    /// Whether `text`, none of which was read, holds something a marker looks for.
    pub fn test(&self, text: &[u8]) -> bool {
        (self.0)(text, 0)
    }

    /// Whether `text` holds something a marker looks for that ends past its first `from`
    /// bytes (the read part before a cut): a match wholly inside those was read.
    pub fn test_past(&self, text: &[u8], from: usize) -> bool {
        (self.0)(text, from.min(text.len()))
    }
}

impl std::fmt::Debug for CutProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CutProbe")
    }
}

/// Bytes of the line before a piece that the probe sees again with it: longer than any marker
/// literal worth finding across the cut (a longer one straddling two pieces is missed).
const PROBE_OVERLAP: usize = 256;

/// The problem said on a log where the part of line `line` past the cap holds marker text.
pub fn cut_unread_problem(line: u64) -> String {
    format!(
        "line {line}: the part of this line past its first {} KiB holds text a marker looks for; that part is not read",
        LINE_CAP / 1024
    )
}

/// What a [`LineReader`] has counted, to go on from (a tail's checkpoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub truncated: u64,
    pub inner_boms: u64,
    pub utf8_after_utf16: Option<u64>,
    pub cut_unread: Option<u64>,
}

/// Whether a line read as UTF-16 starts with UTF-8 text: the bytes of a UTF-8 BOM (`EF BB BF`:
/// U+BBEF then a unit ending in 0xBF, or U+EFBB then one starting with it), or 12 units whose
/// two bytes are both printable ASCII (`03/02/2026|09:…` read as UTF-16 is U+3330 U+302F …;
/// a log line written in UTF-16 starts with ASCII characters, each with a zero byte).
pub fn utf8_as_utf16(l: &str) -> bool {
    let mut c = l.chars();
    match (c.next(), c.next()) {
        (Some('\u{BBEF}'), Some(n)) if (n as u32) & 0xFF == 0xBF => return true,
        (Some('\u{EFBB}'), Some(n)) if (n as u32) >> 8 == 0xBF => return true,
        _ => {}
    }
    let ascii = |b: u32| (0x20..=0x7E).contains(&b);
    let mut n = 0;
    for ch in l.chars().take(12) {
        let u = ch as u32;
        if u > 0xFFFF || !ascii(u >> 8) || !ascii(u & 0xFF) {
            return false;
        }
        n += 1;
    }
    n == 12
}

/// The problem said on a log where UTF-8 text follows UTF-16 text (at line `line`).
pub fn utf8_after_utf16_problem(line: u64) -> String {
    format!("{UTF8_AFTER_UTF16} at line {line}: logs joined byte for byte in two encodings; the lines from there on are not read as text")
}

/// The start of [`utf8_after_utf16_problem`].
pub const UTF8_AFTER_UTF16: &str = "UTF-8 text follows UTF-16 text";

/// Said on a log with lines that started with a byte order mark.
pub const INNER_BOM_NOTE: &str = "byte order marks (U+FEFF) at the start of lines dropped: logs joined byte for byte (copy /b, cat) leave one where each began";

/// U+FEFF in UTF-8.
const BOM8: &[u8] = b"\xEF\xBB\xBF";

impl<R: Read> LineReader<Utf8Stream<R>> {
    /// A reader of `stream`'s text (checked for UTF-8 text after UTF-16 when it is UTF-16).
    pub fn for_stream(stream: Utf8Stream<R>, cap: usize) -> Self {
        let utf16 = matches!(
            stream.encoding,
            LogEncoding::Utf16Le { .. } | LogEncoding::Utf16Be { .. }
        );
        let mut r = LineReader::new(stream, cap);
        r.from_utf16 = utf16;
        r
    }
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, cap: usize) -> Self {
        LineReader {
            inner,
            buf: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            eof: false,
            line: Vec::with_capacity(256),
            text: String::new(),
            cap: cap.max(16),
            line_no: 0,
            truncated: 0,
            bytes: 0,
            last_unterminated: false,
            inner_boms: 0,
            from_utf16: false,
            utf8_after_utf16: None,
            probe: None,
            cut_unread: None,
            carry: Vec::new(),
            carry_cut: 0,
            cut_hit: false,
        }
    }

    /// What it has counted so far.
    pub fn marks(&self) -> Marks {
        Marks {
            truncated: self.truncated,
            inner_boms: self.inner_boms,
            utf8_after_utf16: self.utf8_after_utf16,
            cut_unread: self.cut_unread,
        }
    }

    /// Go on from `m` (what an earlier read had counted up to where this one starts).
    pub fn set_marks(&mut self, m: Marks) {
        self.truncated = m.truncated;
        self.inner_boms = m.inner_boms;
        self.utf8_after_utf16 = m.utf8_after_utf16;
        self.cut_unread = m.cut_unread;
    }

    fn take(&mut self, upto: usize, over: &mut bool) {
        let room = self.cap.saturating_sub(self.line.len());
        let (a, b) = (self.start, upto);
        if b - a > room {
            if !*over {
                // The first piece past the cap: the probe sees the kept line's end with it.
                let from = self.line.len().saturating_sub(PROBE_OVERLAP);
                self.carry.clear();
                self.carry.extend_from_slice(&self.line[from..]);
                self.carry.extend_from_slice(&self.buf[a..a + room]);
                self.carry_cut = self.carry.len();
            }
            *over = true;
            self.line.extend_from_slice(&self.buf[a..a + room]);
            self.probe_cut(a + room, b);
        } else {
            self.line.extend_from_slice(&self.buf[a..b]);
        }
    }

    /// Show the probe `buf[a..b]`, a piece of the line past the cap (with the bytes before it).
    fn probe_cut(&mut self, a: usize, b: usize) {
        let Some(probe) = self.probe.clone() else {
            return;
        };
        if self.cut_hit || self.cut_unread.is_some() {
            return;
        }
        self.keep_carry_tail();
        self.carry.extend_from_slice(&self.buf[a..b]);
        self.cut_hit = probe.test_past(&self.carry, self.carry_cut);
        self.keep_carry_tail();
    }

    /// Keep the last [`PROBE_OVERLAP`] bytes of `carry` (and count how many of those were
    /// before the cut).
    fn keep_carry_tail(&mut self) {
        let drop = self.carry.len().saturating_sub(PROBE_OVERLAP);
        self.carry.drain(..drop);
        self.carry_cut = self.carry_cut.saturating_sub(drop);
    }

    /// Bytes of the UTF-8 stream before the next line (read and not yet split into lines is not
    /// counted, unlike [`LineReader::bytes`], which counts what was read ahead).
    pub fn consumed(&self) -> u64 {
        self.bytes - (self.end - self.start) as u64
    }

    /// The next line without its ending, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, &str)>> {
        // The common case: the whole line is in the buffer and is valid UTF-8. It is handed out
        // from the buffer as it is, not copied (the slow path below gives the same line).
        if self.start < self.end {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                let (a, nl) = (self.start, self.start + i);
                let over = i > self.cap;
                let mut b = if over { a + self.cap } else { nl };
                if b > a && self.buf[b - 1] == b'\r' {
                    b -= 1;
                }
                if std::str::from_utf8(&self.buf[a..b]).is_ok() {
                    let a = if self.buf[a..b].starts_with(BOM8) {
                        self.inner_boms += 1;
                        a + BOM8.len()
                    } else {
                        a
                    };
                    self.start = nl + 1;
                    self.last_unterminated = false;
                    self.line_no += 1;
                    if over {
                        self.truncated += 1;
                        let seen = (a + self.cap).saturating_sub(PROBE_OVERLAP).max(a);
                        let hit = self
                            .probe
                            .as_ref()
                            .is_some_and(|p| p.test_past(&self.buf[seen..nl], a + self.cap - seen));
                        if hit && self.cut_unread.is_none() {
                            self.cut_unread = Some(self.line_no);
                        }
                    }
                    let line = std::str::from_utf8(&self.buf[a..b]).unwrap_or_default();
                    if self.from_utf16 && self.utf8_after_utf16.is_none() && utf8_as_utf16(line) {
                        self.utf8_after_utf16 = Some(self.line_no);
                    }
                    return Ok(Some((self.line_no, line)));
                }
            }
        }
        self.line.clear();
        self.carry.clear();
        self.carry_cut = 0;
        self.cut_hit = false;
        let mut over = false;
        let mut got_any = false;
        loop {
            if self.start < self.end {
                got_any = true;
                if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                    let nl = self.start + i;
                    self.take(nl, &mut over);
                    self.start = nl + 1;
                    self.last_unterminated = false;
                    break;
                }
                self.take(self.end, &mut over);
                self.start = self.end;
            }
            if self.eof {
                if !got_any {
                    return Ok(None);
                }
                self.last_unterminated = true;
                break;
            }
            let n = read_retry(&mut self.inner, &mut self.buf)?;
            self.bytes += n as u64;
            self.start = 0;
            self.end = n;
            if n == 0 {
                self.eof = true;
            }
        }
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        if self.line.starts_with(BOM8) {
            self.inner_boms += 1;
            self.line.drain(..BOM8.len());
        }
        self.line_no += 1;
        if over {
            self.truncated += 1;
            if self.cut_hit && self.cut_unread.is_none() {
                self.cut_unread = Some(self.line_no);
            }
        }
        self.text.clear();
        match std::str::from_utf8(&self.line) {
            Ok(s) => self.text.push_str(s),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(&self.line)),
        }
        if self.from_utf16 && self.utf8_after_utf16.is_none() && utf8_as_utf16(&self.text) {
            self.utf8_after_utf16 = Some(self.line_no);
        }
        Ok(Some((self.line_no, &self.text)))
    }
}

#[cfg(test)]
#[path = "logstream_tests.rs"]
mod tests;
