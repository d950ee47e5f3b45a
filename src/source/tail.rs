//! Incremental tailing: a log that grows is read on from the start of its last record, not
//! again whole.
//!
//! Per log a [`Tail`] keeps a *checkpoint*: the line number and byte offset of a record start
//! near the end, and everything the reader carries to that point (the record splitter with its
//! open SIP block, the classifier's per-thread context, the counts and caps so far, the
//! encoding). When the file grows, only the bytes from the checkpoint on are decoded and
//! classified; the events at and after the checkpoint's line replace the ones read there last
//! time (the last record may have been half written). The file is read again from the start
//! when it shrank, when its first bytes changed, when its identity changed (inode on Unix: a
//! rotation, or a file renamed into place), or when its encoding reads differently now that
//! more of it is there.
//!
//! Tailed kinds ([`tails_kind`]): UccApilog, text logs and netsh text dumps, tracerpt CSV and
//! CLS / OCSLogger text traces. Each has a record splitter that is a value (the UccApilog
//! `Splitter` with its open SIP block; `textlog::Splitter`; `tracerpt_csv::Rows` with the header
//! row's column map, where every row is a record and any line that does not go on with a row
//! (a quoted field holding a line break) a place to go on from;
//! `cls::Splitter`), kept in the checkpoint as a `State`; the restart rules are the same for
//! every kind. A tracerpt XML file (one document: no record start to go on from without the
//! XML reader's state) and a binary `.etl` are read again whole when they change. Reading never
//! writes, locks or moves anything.

use super::lineindex::{LineIndex, Update};
use super::tail_change::changed_lines;
use crate::model::{LogEvent, SharedEvent, SourceKind};
use crate::parse::logs::common::{emit, LogOutput, ParseOptions};
use crate::parse::logs::tracerpt_csv::Rows;
use crate::parse::logs::uccapilog::{self, Splitter};
use crate::parse::logs::{cls, textlog};
use crate::parse::logs::{Fresh, Seen};
use crate::parse::logstream::{
    lone_cr, unfinished, LineReader, LogEncoding, Marks, Utf8Stream, LINE_CAP,
};
use crate::parse::markers::{Classifier, Hit, Memory};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Bytes looked at to tell the encoding (as the stream reader does).
const SNIFF: usize = 4096;
/// Checkpoints are saved at every record start in the last this-many bytes (of decoded text)
/// of a read; earlier ones would be overwritten anyway.
const WINDOW: u64 = 256 * 1024;

/// Whether logs of `kind` are tailed (others are read again whole when they change).
pub fn tails_kind(kind: SourceKind) -> bool {
    matches!(
        kind,
        SourceKind::Uccapilog
            | SourceKind::TextLog
            | SourceKind::NetshText
            | SourceKind::TracerptCsv
            | SourceKind::Cls
    )
}

/// `SPOOLSCOPE_NO_TAIL=1` makes every read of a log a whole read, as before tailing (the watch
/// bench's baseline; not for normal use).
pub fn disabled() -> bool {
    std::env::var_os("SPOOLSCOPE_NO_TAIL").is_some_and(|v| v == "1")
}

/// Whether a log of `kind` goes through [`Tails`] (tailed kinds, unless tailing is off).
pub fn tailed(kind: SourceKind) -> bool {
    tails_kind(kind) && !disabled()
}

/// Where reading goes on from: the state before the record header at `line`.
#[derive(Debug, Clone)]
struct Checkpoint {
    line: u64,
    offset: u64,
    /// The first bytes of the record there.
    head: Vec<u8>,
    marks: Marks,
    /// The kind's record splitter there (between records: none is open).
    state: State,
    memory: Memory,
    /// Counts, caps and notes so far (no events: those are in the model).
    out: LogOutput,
}

/// The resumable state of each tailed kind's reader.
#[derive(Debug, Clone)]
enum State {
    /// Boxed: the UccApilog splitter is by far the biggest.
    Uccapilog(Box<Splitter>),
    /// Text logs and netsh text dumps.
    Text(textlog::Splitter),
    TracerptCsv(Rows),
    Cls(cls::Splitter),
}

/// One log being tailed.
#[derive(Debug)]
pub struct Tail {
    path: PathBuf,
    kind: SourceKind,
    index: LineIndex,
    identity: Option<(u64, u64)>,
    encoding: LogEncoding,
    /// Lines end with a lone CR (told from the first bytes, as the encoding is).
    lone_cr: bool,
    /// Bytes the encoding was told from (less than [`SNIFF`] while the file is small).
    sniffed: usize,
    ck: Option<Checkpoint>,
    /// The kept events the last read gave, in absorbed order (shared with the checkpoint's
    /// store): what the next [`Tail::read_change`] tells its changes from.
    kept: Vec<SharedEvent>,
    /// The notable events the last read classified past its last checkpoint (see
    /// [`crate::parse::logs::fresh`]): the next read goes over them again.
    seen: Seen,
    /// Times the file was read from its start (the first read included).
    pub whole_reads: u32,
    /// Bytes decoded by the last read.
    pub last_read_bytes: u64,
}

/// What one [`Tail::read`] gave: the log as a whole read would give it, its kept events and
/// exact tallies included (the checkpoint carries the bounded event store, so `out.events` are
/// the whole log's kept events and replace the ones read before). `from_line` is the line
/// decoding resumed at: 0 when the file was read from its start.
///
/// From [`Tail::read_change`], `out.events` are only the events of the lines in `kept` (see
/// [`Kept`]); everything else in `out` is still the whole log's.
#[derive(Debug)]
pub struct TailRead {
    pub out: LogOutput,
    pub from_line: u64,
    pub kept: Kept,
}

/// Which of a log's kept events a read hands over in `out.events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// All of them: they replace every event kept from the log before.
    All,
    /// Those on these lines (ascending, no repeats): they replace the events kept from these
    /// lines by the previous read of the same tail; the events kept from other lines are the
    /// same as that read's. Lines whose events are gone are listed too (with no events).
    Lines(Vec<u64>),
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_m: &std::fs::Metadata) -> Option<(u64, u64)> {
    // No stable file id in std on other systems: a rotation is seen by size and first bytes.
    None
}

/// The encoding and line ends of `path` (lone CR or not) as the stream reader tells them, and
/// the bytes they were told from.
fn sniff(path: &Path) -> io::Result<(LogEncoding, bool, usize)> {
    sniff_upto(path, SNIFF as u64)
}

/// [`sniff`] on at most the first `len` bytes.
fn sniff_upto(path: &Path, len: u64) -> io::Result<(LogEncoding, bool, usize)> {
    let mut head = Vec::with_capacity(SNIFF);
    super::read::open_regular(path)
        .map_err(|e| io::Error::other(e.to_string()))?
        .take(len.min(SNIFF as u64))
        .read_to_end(&mut head)?;
    let (enc, skip) = LogEncoding::sniff(&head);
    Ok((enc, lone_cr(&head[skip..], enc), head.len()))
}

/// The end of the text of `path`, `len` bytes long, less a last character the writer has not
/// finished ([`unfinished`]): it is read once its rest is there, not as U+FFFD now.
fn complete_end(path: &Path, enc: LogEncoding, len: u64) -> io::Result<u64> {
    let from = len.saturating_sub(4);
    let mut f = super::read::open_regular(path).map_err(|e| io::Error::other(e.to_string()))?;
    f.seek(SeekFrom::Start(from))?;
    let mut last = Vec::with_capacity(4);
    f.take(len - from).read_to_end(&mut last)?;
    let end = from + last.len() as u64;
    Ok(end - unfinished(enc, &last, end) as u64)
}

/// The bytes that make the stream reader take `enc` for text that starts mid-file.
fn bom(enc: LogEncoding) -> &'static [u8] {
    match enc {
        LogEncoding::Utf8 | LogEncoding::Utf8Bom => b"\xEF\xBB\xBF",
        LogEncoding::Utf16Le { .. } => b"\xFF\xFE",
        LogEncoding::Utf16Be { .. } => b"\xFE\xFF",
    }
}

impl Tail {
    /// Start tailing `path`, a log of `kind` (nothing is read until [`Tail::read`]). A kind
    /// that is not tailed ([`tails_kind`]) is an error (it would be read as the wrong format).
    pub fn open(path: &Path, kind: SourceKind) -> io::Result<Tail> {
        if !tails_kind(kind) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} logs are not tailed", kind.as_str()),
            ));
        }
        let meta =
            super::read::regular_metadata(path).map_err(|e| io::Error::other(e.to_string()))?;
        let (encoding, lone_cr, sniffed) = sniff(path)?;
        Ok(Tail {
            path: path.to_path_buf(),
            kind,
            index: LineIndex::build(path)?,
            identity: identity(&meta),
            encoding,
            lone_cr,
            sniffed,
            ck: None,
            kept: Vec::new(),
            seen: Seen::default(),
            whole_reads: 0,
            last_read_bytes: 0,
        })
    }

    /// The log this tail reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kind it is read as.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// Whether the next read must start over (and the line index up to date).
    fn must_restart(&mut self, meta: &std::fs::Metadata) -> io::Result<bool> {
        let mut restart = self.ck.is_none() || identity(meta) != self.identity;
        if !restart && self.sniffed < SNIFF && meta.len() as usize > self.sniffed {
            // More of a small file is there: its encoding or line ends may read differently now.
            // (Up to a last character not finished, as a read takes it.)
            let end = complete_end(&self.path, self.encoding, meta.len())?;
            let (enc, cr, _) = sniff_upto(&self.path, end)?;
            restart = enc != self.encoding || cr != self.lone_cr;
        }
        if restart {
            self.identity = identity(meta);
            self.index = LineIndex::build(&self.path)?;
            return Ok(true);
        }
        Ok(self.index.update()? == Update::Rebuilt)
    }

    /// Read what changed since the last read (the whole file the first time, or after a
    /// truncation or rotation). `out.events` are all the log's kept events.
    pub fn read(&mut self, opts: &ParseOptions<'_>) -> io::Result<TailRead> {
        let (mut out, from_line, kept) = self.read_kept(opts, false)?;
        if let Some(mut f) = out.fresh.take() {
            self.seen = f.next_seen(self.ck.as_ref().map(|c| c.line));
        }
        out.events = kept.iter().map(|(_, e)| LogEvent::clone(e)).collect();
        self.kept = kept;
        Ok(TailRead {
            out,
            from_line,
            kept: Kept::All,
        })
    }

    /// [`Tail::read`], handing over only the kept events that changed since the last read of
    /// this tail ([`Kept::Lines`]), or all of them after a read from the start ([`Kept::All`]).
    /// A log appended to keeps most of its events: they are not copied again.
    ///
    /// `out.fresh` holds every notable event this read classified that the tail's reads had
    /// not (kept by the bounded store or not; see [`LogOutput::fresh`]).
    pub fn read_change(&mut self, opts: &ParseOptions<'_>) -> io::Result<TailRead> {
        let (mut out, from_line, kept) = self.read_kept(opts, true)?;
        if let Some(f) = out.fresh.as_mut() {
            self.seen = f.next_seen(self.ck.as_ref().map(|c| c.line));
        }
        let change = match from_line {
            0 => Kept::All,
            _ => Kept::Lines(changed_lines(&self.kept, &kept)),
        };
        out.events = match &change {
            Kept::All => kept.iter().map(|(_, e)| LogEvent::clone(e)).collect(),
            Kept::Lines(lines) => kept
                .iter()
                .filter(|(_, e)| lines.binary_search(&e.line).is_ok())
                .map(|(_, e)| LogEvent::clone(e))
                .collect(),
        };
        self.kept = kept;
        Ok(TailRead {
            out,
            from_line,
            kept: change,
        })
    }

    /// Read on (see [`Tail::read`]): the output without its events, the line decoding resumed
    /// at, and the kept events.
    fn read_kept(
        &mut self,
        opts: &ParseOptions<'_>,
        copy: bool,
    ) -> io::Result<(LogOutput, u64, Vec<SharedEvent>)> {
        let meta = super::read::regular_metadata(&self.path)
            .map_err(|e| io::Error::other(e.to_string()))?;
        // Another file at the path (rotated), or this one rewritten where the read would go
        // on (truncated, copytruncate): what earlier reads saw is no longer there, and the
        // new file's records at the same line numbers are new.
        // (The same text read again from the start, its encoding told anew: all before the
        // checkpoint was seen.)
        let replaced = identity(&meta) != self.identity;
        let restart = self.must_restart(&meta)?;
        let holds = self.checkpoint_holds();
        if restart || !holds {
            match self.ck.as_ref().map(|c| c.line) {
                Some(line) if holds && !replaced => self.seen.seen_before(line),
                _ if replaced || self.ck.is_some() => self.seen = Seen::default(),
                _ => {}
            }
            self.ck = None;
        }
        let fresh = Fresh::new(copy, std::mem::take(&mut self.seen));
        let from = self.ck.take();
        if from.is_none() {
            // The encoding of what is there now (as the stream reader will tell it).
            // (Its line ends are told by the stream, from what it reads.)
            (self.encoding, _, _) = sniff_upto(&self.path, meta.len())?;
        }
        // A last character the writer has not finished is left for the next read.
        let end = complete_end(&self.path, self.encoding, meta.len())?;
        let start = from.as_ref().map_or(0, |c| c.offset);
        let mut file =
            super::read::open_regular(&self.path).map_err(|e| io::Error::other(e.to_string()))?;
        file.seek(SeekFrom::Start(start))?;
        let body = file.take(end.saturating_sub(start));
        let decoded = match self.encoding {
            LogEncoding::Utf16Le { .. } | LogEncoding::Utf16Be { .. } => {
                end.saturating_sub(start) / 2
            }
            _ => end.saturating_sub(start),
        };
        let from_line = from.as_ref().map_or(0, |c| c.line);
        self.last_read_bytes = end.saturating_sub(start);
        let (out, saved, kept) = match from {
            None => {
                self.whole_reads += 1;
                let stream = Utf8Stream::new(body)?;
                // The encoding and line ends the checkpoints were read in, told from what was
                // there.
                self.encoding = stream.encoding;
                self.lone_cr = stream.lone_cr;
                self.sniffed = SNIFF.min(usize::try_from(end).unwrap_or(SNIFF));
                read_from(stream, self.kind, None, decoded, &self.path, opts, fresh)?
            }
            Some(c) => {
                let stream = Utf8Stream::with_line_ends(
                    io::Cursor::new(bom(self.encoding)).chain(body),
                    Some(self.lone_cr),
                )?;
                read_from(stream, self.kind, Some(c), decoded, &self.path, opts, fresh)?
            }
        };
        // The checkpoint's byte offset, from the line index (which numbers lines as the reader
        // does), and its first bytes (to see that it is still there next time).
        self.ck =
            match self.index.encoding() == self.encoding && self.index.lone_cr() == self.lone_cr {
                true => saved.and_then(|mut c| {
                    let i = usize::try_from(c.line.checked_sub(1)?).ok()?;
                    c.offset = self.index.range(i)?.0;
                    c.head = bytes_at(&self.path, c.offset).ok()?;
                    Some(c)
                }),
                false => None,
            };
        let mut out = out;
        out.encoding = self.encoding.as_str();
        Ok((out, from_line, kept))
    }

    /// Whether the checkpoint's record still starts with the bytes it had (it may have been
    /// half written then: those it had). A file rewritten with the same first bytes and a
    /// larger size is read again whole.
    fn checkpoint_holds(&self) -> bool {
        self.ck
            .as_ref()
            .is_some_and(|c| bytes_at(&self.path, c.offset).is_ok_and(|h| h.starts_with(&c.head)))
    }
}

/// The smallest distance between two checkpoints of one read, in decoded bytes.
const CK_MIN_STEP: u64 = 256;

/// Whether to save a checkpoint at a record start `bytes` into a read expected to end near
/// `end`, the last one having been saved at `saved_at`. Each checkpoint clones the bounded event
/// store, so one per record would cost a store per record near the end of a big log; instead each
/// one halves the distance left to the end (about log2(window / record) of them, the last one
/// within a record or two of the end). Past the expected end (non-ASCII UTF-16 decodes to more
/// bytes than the estimate) the gaps double instead, so their number stays logarithmic.
fn checkpoint_due(saved_at: Option<u64>, bytes: u64, end: u64) -> bool {
    let Some(at) = saved_at else {
        return true;
    };
    let need = CK_MIN_STEP
        .max(end.saturating_sub(at) / 2)
        .max(bytes.saturating_sub(end) / 2);
    bytes >= at + need
}

/// Bytes kept from a checkpoint's record start.
const CK_HEAD: usize = 64;

fn bytes_at(path: &Path, offset: u64) -> io::Result<Vec<u8>> {
    let mut f = super::read::open_regular(path).map_err(|e| io::Error::other(e.to_string()))?;
    f.seek(SeekFrom::Start(offset))?;
    let mut v = Vec::with_capacity(CK_HEAD);
    f.take(CK_HEAD as u64).read_to_end(&mut v)?;
    Ok(v)
}

/// A record splitter of one log kind, as the tail drives it: each line is either the start of
/// a record (where a checkpoint may be saved, the records before it being finished) or not.
trait Resume: Clone + Sized {
    /// A line that starts a record, taken apart.
    type Start<'l>;
    /// The splitter at the start of a log (and what a whole read notes before its first line).
    fn fresh(kind: SourceKind, opts: &ParseOptions<'_>, out: &mut LogOutput) -> Self;
    fn from_state(s: State) -> Option<Self>;
    fn into_state(self) -> State;
    fn start_of<'l>(&self, l: &'l str, opts: &ParseOptions<'_>) -> Option<Self::Start<'l>>;
    /// Classify the record read so far (before a new one starts, and at the end).
    fn flush(&mut self, r: &mut Run<'_, '_>);
    fn start(&mut self, no: u64, l: &str, s: Self::Start<'_>, r: &mut Run<'_, '_>);
    fn other(&mut self, no: u64, l: &str, r: &mut Run<'_, '_>);
    /// What a whole read sets once the log is read to its end.
    fn end(self, out: &mut LogOutput);
}

/// What a read carries besides the splitter.
struct Run<'a, 'm> {
    c: Classifier<'m>,
    hits: Vec<Hit>,
    path: &'a Path,
    opts: &'a ParseOptions<'m>,
    out: LogOutput,
}

impl Resume for Splitter {
    type Start<'l> = uccapilog::Header<'l>;
    fn fresh(_: SourceKind, opts: &ParseOptions<'_>, _: &mut LogOutput) -> Self {
        Splitter::armed(opts.markers.cut_probe())
    }
    fn from_state(s: State) -> Option<Self> {
        match s {
            State::Uccapilog(s) => Some(*s),
            _ => None,
        }
    }
    fn into_state(self) -> State {
        State::Uccapilog(Box::new(self))
    }
    fn start_of<'l>(&self, l: &'l str, _: &ParseOptions<'_>) -> Option<Self::Start<'l>> {
        uccapilog::header(l)
    }
    fn flush(&mut self, r: &mut Run<'_, '_>) {
        if let Some(rec) = self.take() {
            emit(&mut r.c, &rec, &mut r.hits, r.path, r.opts, &mut r.out);
        }
    }
    fn start(&mut self, no: u64, _: &str, h: Self::Start<'_>, r: &mut Run<'_, '_>) {
        Splitter::start(self, no, &h, r.opts.tz);
    }
    fn other(&mut self, no: u64, l: &str, _: &mut Run<'_, '_>) {
        Splitter::other(self, no, l);
    }
    fn end(self, out: &mut LogOutput) {
        Splitter::end(&self, out);
    }
}

impl Resume for textlog::Splitter {
    type Start<'l> = textlog::Start<'l>;
    fn fresh(kind: SourceKind, opts: &ParseOptions<'_>, out: &mut LogOutput) -> Self {
        textlog::Splitter::new(kind, opts, out)
    }
    fn from_state(s: State) -> Option<Self> {
        match s {
            State::Text(s) => Some(s),
            _ => None,
        }
    }
    fn into_state(self) -> State {
        State::Text(self)
    }
    fn start_of<'l>(&self, l: &'l str, opts: &ParseOptions<'_>) -> Option<Self::Start<'l>> {
        textlog::Splitter::start_of(self, l, opts)
    }
    fn flush(&mut self, r: &mut Run<'_, '_>) {
        textlog::Splitter::flush(self, &mut r.c, &mut r.hits, r.path, r.opts, &mut r.out);
    }
    fn start(&mut self, no: u64, _: &str, s: Self::Start<'_>, r: &mut Run<'_, '_>) {
        textlog::Splitter::start(self, no, s, r.opts, &mut r.out);
    }
    fn other(&mut self, no: u64, l: &str, r: &mut Run<'_, '_>) {
        textlog::Splitter::other(self, no, l, &mut r.out);
    }
    fn end(self, _: &mut LogOutput) {}
}

/// Every row is a record of its own, classified once it is whole: any line that does not go on
/// with a row (a quoted field holding a line break) will do.
impl Resume for Rows {
    type Start<'l> = ();
    fn fresh(_: SourceKind, opts: &ParseOptions<'_>, _: &mut LogOutput) -> Self {
        Rows::armed(opts.markers.cut_probe())
    }
    fn from_state(s: State) -> Option<Self> {
        match s {
            State::TracerptCsv(s) => Some(s),
            _ => None,
        }
    }
    fn into_state(self) -> State {
        State::TracerptCsv(self)
    }
    fn start_of(&self, _: &str, _: &ParseOptions<'_>) -> Option<()> {
        (!self.in_row()).then_some(())
    }
    fn flush(&mut self, r: &mut Run<'_, '_>) {
        Rows::flush(self, &mut r.c, &mut r.hits, r.path, r.opts, &mut r.out);
    }
    fn start(&mut self, no: u64, l: &str, _: (), r: &mut Run<'_, '_>) {
        self.row((no, l), &mut r.c, &mut r.hits, r.path, r.opts, &mut r.out);
    }
    fn other(&mut self, no: u64, l: &str, r: &mut Run<'_, '_>) {
        self.row((no, l), &mut r.c, &mut r.hits, r.path, r.opts, &mut r.out);
    }
    fn end(self, out: &mut LogOutput) {
        Rows::end(&self, out);
    }
}

impl Resume for cls::Splitter {
    type Start<'l> = cls::Header<'l>;
    fn fresh(_: SourceKind, opts: &ParseOptions<'_>, _: &mut LogOutput) -> Self {
        cls::Splitter::armed(opts.markers.cut_probe())
    }
    fn from_state(s: State) -> Option<Self> {
        match s {
            State::Cls(s) => Some(s),
            _ => None,
        }
    }
    fn into_state(self) -> State {
        State::Cls(self)
    }
    fn start_of<'l>(&self, l: &'l str, _: &ParseOptions<'_>) -> Option<Self::Start<'l>> {
        cls::header(l)
    }
    fn flush(&mut self, r: &mut Run<'_, '_>) {
        cls::Splitter::flush(self, &mut r.c, &mut r.hits, r.path, r.opts, &mut r.out);
    }
    fn start(&mut self, no: u64, l: &str, h: Self::Start<'_>, r: &mut Run<'_, '_>) {
        cls::Splitter::start(self, no, l, &h, r.opts, &mut r.out);
    }
    fn other(&mut self, no: u64, l: &str, r: &mut Run<'_, '_>) {
        cls::Splitter::other(self, no, l, &mut r.out);
    }
    fn end(self, out: &mut LogOutput) {
        cls::Splitter::end(&self, out);
    }
}

/// Read a log of `kind` from a checkpoint (or the start) to its end: the output as a whole read
/// gives it (the store carried in the checkpoint holds the kept events before it) but for its
/// events, the last checkpoint saved (at a record start in the last [`WINDOW`] of the `decoded`
/// bytes expected; the one read on from when none is saved after it), and the kept events
/// (shared with the checkpoints' stores, not copied).
fn read_from<R: Read>(
    stream: Utf8Stream<R>,
    kind: SourceKind,
    from: Option<Checkpoint>,
    decoded: u64,
    path: &Path,
    opts: &ParseOptions<'_>,
    fresh: Fresh,
) -> io::Result<(LogOutput, Option<Checkpoint>, Vec<SharedEvent>)> {
    let lone_cr = stream.lone_cr;
    let mut lines = LineReader::for_stream(stream, LINE_CAP);
    lines.probe = Some(opts.markers.cut_probe());
    let read = (kind, lone_cr, fresh);
    match kind {
        SourceKind::Uccapilog => read_kind::<Splitter, R>(lines, read, from, decoded, path, opts),
        SourceKind::TracerptCsv => read_kind::<Rows, R>(lines, read, from, decoded, path, opts),
        SourceKind::Cls => read_kind::<cls::Splitter, R>(lines, read, from, decoded, path, opts),
        _ => read_kind::<textlog::Splitter, R>(lines, read, from, decoded, path, opts),
    }
}

/// `(kind, lone_cr)`: the log's kind, and whether its lines end with a lone CR (noted).
fn read_kind<S: Resume, R: Read>(
    mut lines: LineReader<Utf8Stream<R>>,
    (kind, lone_cr, fresh): (SourceKind, bool, Fresh),
    from: Option<Checkpoint>,
    decoded: u64,
    path: &Path,
    opts: &ParseOptions<'_>,
) -> io::Result<(LogOutput, Option<Checkpoint>, Vec<SharedEvent>)> {
    // A tail keeps one kind, so a checkpoint of another cannot come here; were it to, the read
    // fails (and the next one starts over) rather than going on from the middle as a fresh one.
    let mut saved: Option<Checkpoint> = None;
    let mut saved_at: Option<u64> = None;
    let resumed = match from {
        Some(ck) => {
            let r = (
                S::from_state(ck.state.clone())
                    .ok_or_else(|| io::Error::other("tail checkpoint of another log kind"))?,
                ck.line,
                ck.marks,
                ck.memory.clone(),
                ck.out.clone(),
            );
            // The read goes on from a copy: the checkpoint itself is where the next read
            // goes on from, unless one is saved after it (it is at this read's first line,
            // where a checkpoint would be saved again).
            saved = Some(ck);
            saved_at = Some(0);
            Some(r)
        }
        None => None,
    };
    let (mut sp, mut r) = match resumed {
        Some((sp, line, marks, memory, out)) => {
            lines.line_no = line - 1;
            lines.set_marks(marks);
            let c = Classifier::resume(opts.markers, memory);
            (
                sp,
                Run {
                    c,
                    hits: Vec::new(),
                    path,
                    opts,
                    out,
                },
            )
        }
        None => {
            let mut out = LogOutput::bounded(opts.bound);
            let sp = S::fresh(kind, opts, &mut out);
            let c = Classifier::new(opts.markers);
            (
                sp,
                Run {
                    c,
                    hits: Vec::new(),
                    path,
                    opts,
                    out,
                },
            )
        }
    };
    let window_from = decoded.saturating_sub(WINDOW);
    r.out.fresh = Some(fresh);
    loop {
        let marks_before = lines.marks();
        // Where this line starts in the decoded text (not what was read ahead of it).
        let bytes = lines.consumed();
        let Some((no, l)) = lines.next_line()? else {
            break;
        };
        match sp.start_of(l, opts) {
            Some(h) => {
                if bytes >= window_from {
                    // What the next read may go over again is noted from here on.
                    if let Some(f) = r.out.fresh.as_mut() {
                        f.enter_window(no);
                    }
                }
                sp.flush(&mut r);
                if bytes >= window_from && checkpoint_due(saved_at, bytes, decoded) {
                    // The records before this one are done: into the bounded store, which the
                    // checkpoint carries (so a read from it counts and keeps as a whole read).
                    r.out.settle();
                    saved_at = Some(bytes);
                    // The copied events are this read's, not the checkpoint's.
                    let fresh = r.out.fresh.take();
                    saved = Some(Checkpoint {
                        line: no,
                        offset: 0,
                        head: Vec::new(),
                        marks: marks_before,
                        state: sp.clone().into_state(),
                        memory: r.c.memory(),
                        out: r.out.clone(),
                    });
                    r.out.fresh = fresh;
                }
                sp.start(no, l, h, &mut r);
            }
            None => sp.other(no, l, &mut r),
        }
    }
    sp.flush(&mut r);
    let mut out = r.out;
    sp.end(&mut out);
    crate::parse::logs::end_of_lines(&mut out, &lines);
    out.kind = Some(kind);
    if lone_cr {
        out.note(crate::parse::logstream::LONE_CR_NOTE);
    }
    // What `LogOutput::finish` does, without copying the kept events (the checkpoints share
    // them): the caller hands over those it needs.
    out.settle();
    let bound = out.store.bound();
    let store = std::mem::replace(&mut out.store, crate::model::EventStore::new(bound));
    out.drafts = store.drafts();
    let (kept, tallies) = store.finish_with(|s| s);
    out.events = Vec::new();
    out.tallies = tallies;
    crate::parse::logs::note_counted(&mut out);
    Ok((out, saved, kept))
}

#[path = "tail_set.rs"]
mod set;
pub use set::Tails;

#[cfg(test)]
#[path = "tail_tests.rs"]
mod tests;
