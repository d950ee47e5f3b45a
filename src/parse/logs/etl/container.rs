//! The ETL container: a series of buffers, each starting with a 0x48-byte `WMI_BUFFER_HEADER`,
//! holding trace records 8-byte aligned up to the buffer's filled mark, then padding (0xFF).
//!
//! Layout facts used (offsets in the buffer header; Geoff Chappell's `WMI_BUFFER_HEADER` study,
//! and the `NTWMI.H` definition Microsoft published in a Windows 10 WDK):
//!
//! | offset | field | use here |
//! |---|---|---|
//! | 0x00 | `BufferSize` | where the next buffer starts |
//! | 0x04 | `SavedOffset` | filled mark when `Offset` is not usable |
//! | 0x30 | `Offset` ("offset when flushing") | filled mark |
//! | 0x34 | `BufferFlag` | 0x40 compressed (skipped, counted); 0x02 / 0x04 events / buffer lost |
//!
//! In the header buffer of real files `SavedOffset` stops short of records appended later (the
//! fixtures' first buffer: 0x250 against 0x2B8), so `Offset` comes first. Everything else is
//! bounded and counted: a buffer header that does not hold together is skipped (when the
//! first buffer told the size to step by), a record header of no known kind ends the reading of
//! its buffer, a file cut inside a buffer keeps what was whole. Memory: one buffer at a time.

use super::record::{self, Head};
use std::io::{self, Read};

/// Size of the buffer header.
pub const BUFFER_HEADER: usize = 0x48;
/// Largest buffer believed: spoolscope's bound, not a format fact. A header claiming more is
/// unreadable, so memory stays at one buffer of at most this size.
pub const MAX_BUFFER: usize = 16 << 20;
/// `BufferFlag` bits (`ETW_BUFFER_FLAG_*`).
pub const FLAG_EVENTS_LOST: u16 = 0x02;
pub const FLAG_BUFFER_LOST: u16 = 0x04;
pub const FLAG_COMPRESSED: u16 = 0x40;

pub(crate) fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    b.get(o..o.checked_add(2)?)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
}

pub(crate) fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    b.get(o..o.checked_add(4)?)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub(crate) fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    let s = b.get(o..o.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

pub(crate) fn i64_at(b: &[u8], o: usize) -> Option<i64> {
    u64_at(b, o).map(|v| v as i64)
}

/// Round up to the 8-byte record alignment.
pub(crate) fn align8(n: usize) -> usize {
    n.saturating_add(7) & !7
}

/// The fields of a buffer header this reader uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferHeader {
    pub size: usize,
    pub saved_offset: u32,
    pub offset: u32,
    pub flag: u16,
    pub buffer_type: u16,
}

impl BufferHeader {
    /// The header at the start of `b`, if it holds together: a size between the header and
    /// [`MAX_BUFFER`], and a filled mark (`Offset` or `SavedOffset`) inside the buffer.
    pub fn parse(b: &[u8]) -> Option<BufferHeader> {
        let size = u32_at(b, 0)? as usize;
        if size <= BUFFER_HEADER || size > MAX_BUFFER {
            return None;
        }
        let h = BufferHeader {
            size,
            saved_offset: u32_at(b, 0x04)?,
            offset: u32_at(b, 0x30)?,
            flag: u16_at(b, 0x34)?,
            buffer_type: u16_at(b, 0x36)?,
        };
        (h.fits(h.offset) || h.fits(h.saved_offset)).then_some(h)
    }

    fn fits(&self, v: u32) -> bool {
        (BUFFER_HEADER..=self.size).contains(&(v as usize))
    }

    pub fn compressed(&self) -> bool {
        self.flag & FLAG_COMPRESSED != 0
    }

    /// Where the records end: `Offset`, else `SavedOffset`.
    pub fn filled(&self) -> usize {
        if self.fits(self.offset) {
            self.offset as usize
        } else {
            self.saved_offset as usize
        }
    }
}

/// Why a span of the file was not read as records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A compressed buffer (not decompressed).
    Compressed,
    /// A buffer whose header does not hold together.
    BadBuffer,
    /// From a record header of no known kind (or one overrunning its buffer) to the filled mark.
    BadRecords,
    /// The file ends inside this buffer.
    Truncated,
}

impl Skip {
    pub fn describe(self) -> &'static str {
        match self {
            Skip::Compressed => "compressed buffer, not decompressed",
            Skip::BadBuffer => "buffer header not readable, buffer skipped",
            Skip::BadRecords => "record header of no known kind: rest of the buffer not read",
            Skip::Truncated => "the file ends inside this buffer: rest not read",
        }
    }
}

/// One step of the walk: a record, or a span passed over. Both are numbered by the caller in
/// walk order (the raw view and the events use the same numbers).
#[derive(Debug)]
pub enum Item<'a> {
    Record {
        offset: u64,
        head: Head,
        bytes: &'a [u8],
    },
    Skipped {
        offset: u64,
        len: u64,
        why: Skip,
    },
}

/// What a walk over a file found besides its items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    pub buffers: u64,
    pub compressed: u64,
    pub bad_buffers: u64,
    /// Buffers whose records stop at a header of no known kind.
    pub bad_record_spans: u64,
    /// Buffers flagged events-lost or buffer-lost by the logger.
    pub flagged_lost: u64,
    /// (buffer offset, bytes present, buffer size) when the file ends inside a buffer.
    pub truncated: Option<(u64, usize, usize)>,
    /// Bytes of all-zero buffers (a preallocated file's unused tail).
    pub zero_bytes: u64,
    /// Set when the file does not start with a buffer header: why, in one line.
    pub not_etl: Option<String>,
    /// Bytes read in all.
    pub bytes: u64,
    /// The first buffer's size (the step used to pass over an unreadable buffer).
    pub buffer_size: Option<usize>,
}

/// Append up to `n` bytes from `r` to `buf`; how many came.
fn read_up_to<R: Read>(r: &mut R, buf: &mut Vec<u8>, n: usize) -> io::Result<usize> {
    let before = buf.len();
    r.by_ref().take(n as u64).read_to_end(buf)?;
    Ok(buf.len() - before)
}

/// How reading the records of one buffer ended.
enum Stop {
    /// At the filled mark, or at padding.
    Done,
    /// At a record header of no known kind.
    Unknown(usize),
    /// At a record larger than what is left.
    Overrun(usize),
}

/// Hand every record of one buffer's data (`data` starts with the buffer header) to `f`.
fn records(data: &[u8], base: u64, f: &mut dyn FnMut(Item<'_>)) -> Stop {
    let mut p = BUFFER_HEADER;
    while p + 4 <= data.len() {
        let rest = &data[p..];
        if rest[..4] == [0xFF; 4] {
            return Stop::Done;
        }
        match record::head(rest) {
            Some(h) if h.size <= rest.len() => {
                f(Item::Record {
                    offset: base + p as u64,
                    head: h,
                    bytes: &rest[..h.size],
                });
                p += align8(h.size);
            }
            Some(_) => return Stop::Overrun(p),
            None if rest.iter().all(|&b| b == 0 || b == 0xFF) => return Stop::Done,
            None => return Stop::Unknown(p),
        }
    }
    Stop::Done
}

/// Read `r` buffer by buffer and hand every record (and every span passed over) to `f`, in file
/// order. Only an I/O error stops it early; what the bytes are is reported in the result.
pub fn walk<R: Read>(mut r: R, f: &mut dyn FnMut(Item<'_>)) -> io::Result<Walk> {
    let mut w = Walk::default();
    let mut pos: u64 = 0;
    let mut buf: Vec<u8> = Vec::new();
    loop {
        buf.clear();
        let got = read_up_to(&mut r, &mut buf, BUFFER_HEADER)?;
        w.bytes += got as u64;
        if got == 0 {
            break;
        }
        let zeros = buf.iter().all(|&b| b == 0);
        let header = if got == BUFFER_HEADER {
            BufferHeader::parse(&buf)
        } else {
            None
        };
        let Some(h) = header else {
            let Some(step) = w.buffer_size else {
                w.not_etl = Some(if got < BUFFER_HEADER {
                    format!("not an ETL trace: {got} bytes, less than one 72-byte buffer header")
                } else {
                    format!(
                        "not an ETL trace: the first 72 bytes are not a buffer header (buffer size {:#x})",
                        u32_at(&buf, 0).unwrap_or(0)
                    )
                });
                break;
            };
            // Pass over one buffer's worth and try again after it.
            let rest = read_up_to(&mut r, &mut buf, step.saturating_sub(got))?;
            w.bytes += rest as u64;
            let len = (got + rest) as u64;
            if zeros && buf.iter().all(|&b| b == 0) {
                w.zero_bytes += len;
            } else if got + rest < step {
                w.truncated = Some((pos, got + rest, step));
                f(Item::Skipped {
                    offset: pos,
                    len,
                    why: Skip::Truncated,
                });
            } else {
                w.bad_buffers += 1;
                f(Item::Skipped {
                    offset: pos,
                    len,
                    why: Skip::BadBuffer,
                });
            }
            pos += len;
            if got + rest < step {
                break;
            }
            continue;
        };
        w.buffer_size.get_or_insert(h.size);
        let want = h.size - BUFFER_HEADER;
        let more = read_up_to(&mut r, &mut buf, want)?;
        w.bytes += more as u64;
        let avail = BUFFER_HEADER + more;
        w.buffers += 1;
        if h.flag & (FLAG_EVENTS_LOST | FLAG_BUFFER_LOST) != 0 {
            w.flagged_lost += 1;
        }
        let cut = more < want;
        if cut {
            w.truncated = Some((pos, avail, h.size));
        }
        if h.compressed() {
            w.compressed += 1;
            f(Item::Skipped {
                offset: pos,
                len: avail as u64,
                why: Skip::Compressed,
            });
        } else {
            let filled = h.filled();
            let end = filled.min(avail);
            match records(&buf[..end], pos, f) {
                Stop::Done if cut && filled > avail => f(Item::Skipped {
                    offset: pos + avail as u64,
                    len: (filled - avail) as u64,
                    why: Skip::Truncated,
                }),
                Stop::Done => {}
                Stop::Overrun(p) if cut => f(Item::Skipped {
                    offset: pos + p as u64,
                    len: (filled.max(p) - p) as u64,
                    why: Skip::Truncated,
                }),
                Stop::Unknown(p) | Stop::Overrun(p) => {
                    w.bad_record_spans += 1;
                    f(Item::Skipped {
                        offset: pos + p as u64,
                        len: (end.max(p) - p) as u64,
                        why: Skip::BadRecords,
                    });
                }
            }
        }
        pos += avail as u64;
        if cut {
            break;
        }
    }
    Ok(w)
}
