//! Synthetic ETL files for tests, fuzz seeds and benches: records and buffers laid out as the
//! reader expects them (see [`super::container`] and [`super::record`]). Not a writer for real
//! use: just enough to exercise every path of the reader.

use super::container::{align8, BUFFER_HEADER};

/// FILETIME of 2026-03-02 09:41:00 UTC.
pub const START_FT: i64 = 134_169_180_600_000_000;

fn put16(v: &mut [u8], o: usize, x: u16) {
    v[o..o + 2].copy_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut [u8], o: usize, x: u32) {
    v[o..o + 4].copy_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut [u8], o: usize, x: i64) {
    v[o..o + 8].copy_from_slice(&x.to_le_bytes());
}

/// UTF-16LE bytes of `s`, NUL-terminated when `nul`.
pub fn utf16(s: &str, nul: bool) -> Vec<u8> {
    let mut v: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    if nul {
        v.extend_from_slice(&[0, 0]);
    }
    v
}

/// A GUID's bytes from its registry form's numbers.
pub fn guid(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> [u8; 16] {
    let mut g = [0u8; 16];
    g[..4].copy_from_slice(&d1.to_le_bytes());
    g[4..6].copy_from_slice(&d2.to_le_bytes());
    g[6..8].copy_from_slice(&d3.to_le_bytes());
    g[8..].copy_from_slice(&d4);
    g
}

/// What goes in the logfile header.
#[derive(Debug, Clone)]
pub struct Header {
    /// 1 QPC, 2 system time, 3 CPU cycles.
    pub clock: u32,
    pub perf_freq: i64,
    pub cpu_mhz: u32,
    pub start_ft: i64,
    pub end_ft: i64,
    /// The header record's own stamp (in the clock's units).
    pub ts0: i64,
    pub pointer64: bool,
    pub events_lost: u32,
    pub buffers_lost: u32,
    pub logger: String,
    pub file: String,
    pub buffer_size: u32,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            clock: 2,
            perf_freq: 10_000_000,
            cpu_mhz: 3000,
            start_ft: START_FT,
            end_ft: START_FT + 600_000_000,
            ts0: START_FT,
            pointer64: true,
            events_lost: 0,
            buffers_lost: 0,
            logger: "Lync-UccApi".into(),
            file: "C:\\Users\\jdoe\\AppData\\Local\\Microsoft\\Office\\16.0\\Lync\\Tracing\\Lync-UccApi-0.etl".into(),
            buffer_size: 4096,
        }
    }
}

/// A system trace header record (`SYSTEM64`, or `SYSTEM32` when `!wide`): size at +4, hook id
/// at +6, time at +0x10, then `data`.
pub fn system(wide: bool, hook: u16, ts: i64, data: &[u8]) -> Vec<u8> {
    let size = 0x20 + data.len();
    let mut v = vec![0u8; size];
    put16(&mut v, 0, 2); // version
    v[2] = if wide { 0x02 } else { 0x01 };
    v[3] = 0xC0;
    put16(&mut v, 4, size as u16);
    put16(&mut v, 6, hook);
    put32(&mut v, 8, 0x1C14);
    put32(&mut v, 0x0C, 0x1F68);
    put64(&mut v, 0x10, ts);
    v[0x20..].copy_from_slice(data);
    v
}

/// The logfile header record (hook id 0).
pub fn logfile_header(h: &Header) -> Vec<u8> {
    let w = if h.pointer64 { 8 } else { 4 };
    let boot = align8(0x38 + 2 * w + 0xAC);
    let mut p = vec![0u8; boot + 32];
    put32(&mut p, 0, h.buffer_size);
    p[4..8].copy_from_slice(&[10, 0, 1, 5]);
    put32(&mut p, 8, 19045);
    put32(&mut p, 0x0C, 4);
    put64(&mut p, 0x10, h.end_ft);
    put32(&mut p, 0x24, 3);
    put32(&mut p, 0x2C, w as u32);
    put32(&mut p, 0x30, h.events_lost);
    put32(&mut p, 0x34, h.cpu_mhz);
    put64(&mut p, boot, h.start_ft - 36_000_000_000);
    put64(&mut p, boot + 8, h.perf_freq);
    put64(&mut p, boot + 16, h.start_ft);
    put32(&mut p, boot + 24, h.clock);
    put32(&mut p, boot + 28, h.buffers_lost);
    p.extend(utf16(&h.logger, true));
    p.extend(utf16(&h.file, true));
    system(h.pointer64, 0, h.ts0, &p)
}

/// A perfinfo record (`PERFINFO64`): size at +4, hook id at +6, time at +8, then `data`.
pub fn perfinfo(hook: u16, ts: i64, data: &[u8]) -> Vec<u8> {
    let size = 0x10 + data.len();
    let mut v = vec![0u8; size];
    put16(&mut v, 0, 2);
    v[2] = 0x11;
    v[3] = 0xC0;
    put16(&mut v, 4, size as u16);
    put16(&mut v, 6, hook);
    put64(&mut v, 8, ts);
    v[0x10..].copy_from_slice(data);
    v
}

/// A WPP message with a GUID, a time stamp and thread/process ids, then `args`.
pub fn wpp(g: [u8; 16], msg: u16, ts: i64, pid: u32, tid: u32, args: &[u8]) -> Vec<u8> {
    let size = 8 + 16 + 8 + 8 + args.len();
    let mut v = vec![0u8; size];
    put16(&mut v, 0, size as u16);
    v[3] = 0x90;
    put16(&mut v, 4, msg);
    put16(&mut v, 6, 0x02 | 0x08 | 0x20 | 0x80);
    v[8..24].copy_from_slice(&g);
    put64(&mut v, 24, ts);
    put32(&mut v, 32, tid);
    put32(&mut v, 36, pid);
    v[40..].copy_from_slice(args);
    v
}

/// An `EVENT_HEADER` event; with `provider`, a provider-traits item; with `tracelogging`, a
/// TraceLogging schema item.
#[allow(clippy::too_many_arguments)]
pub fn event(
    g: [u8; 16],
    id: u16,
    level: u8,
    ts: i64,
    pid: u32,
    tid: u32,
    provider: Option<&str>,
    tracelogging: bool,
    payload: &[u8],
) -> Vec<u8> {
    let mut items: Vec<(u16, Vec<u8>)> = Vec::new();
    if let Some(p) = provider {
        let mut d = Vec::new();
        d.extend_from_slice(&((p.len() + 3) as u16).to_le_bytes());
        d.extend_from_slice(p.as_bytes());
        d.push(0);
        items.push((12, d));
    }
    if tracelogging {
        let mut d = vec![0, 0, 0];
        d.extend_from_slice(b"Event\0m\0\x01");
        let n = d.len() as u16;
        d[..2].copy_from_slice(&n.to_le_bytes());
        items.push((11, d));
    }
    let mut ext = Vec::new();
    for (i, (ty, d)) in items.iter().enumerate() {
        let item = align8(8 + d.len());
        let start = ext.len();
        ext.resize(start + item, 0);
        put16(&mut ext, start, item as u16);
        put16(&mut ext, start + 2, *ty);
        put16(&mut ext, start + 4, u16::from(i + 1 < items.len()));
        put16(&mut ext, start + 6, d.len() as u16);
        ext[start + 8..start + 8 + d.len()].copy_from_slice(d);
    }
    let size = 0x50 + ext.len() + payload.len();
    let mut v = vec![0u8; size];
    put16(&mut v, 0, size as u16);
    v[2] = 0x13;
    v[3] = 0xC0;
    put16(&mut v, 4, u16::from(!items.is_empty()));
    put32(&mut v, 8, tid);
    put32(&mut v, 0x0C, pid);
    put64(&mut v, 0x10, ts);
    v[0x18..0x28].copy_from_slice(&g);
    put16(&mut v, 0x28, id);
    v[0x2C] = level;
    v[0x50..0x50 + ext.len()].copy_from_slice(&ext);
    v[0x50 + ext.len()..].copy_from_slice(payload);
    v
}

/// A classic `EVENT_TRACE_HEADER` (`FULL_HEADER64`) event.
pub fn classic(
    g: [u8; 16],
    ty: u8,
    level: u8,
    ts: i64,
    pid: u32,
    tid: u32,
    payload: &[u8],
) -> Vec<u8> {
    let size = 0x30 + payload.len();
    let mut v = vec![0u8; size];
    put16(&mut v, 0, size as u16);
    v[2] = 0x14;
    v[3] = 0xC0;
    v[4] = ty;
    v[5] = level;
    put32(&mut v, 8, tid);
    put32(&mut v, 0x0C, pid);
    put64(&mut v, 0x10, ts);
    v[0x18..0x28].copy_from_slice(&g);
    v[0x30..].copy_from_slice(payload);
    v
}

/// A classic `EVENT_INSTANCE_HEADER` (`INSTANCE64`) event.
pub fn instance(ty: u8, ts: i64, pid: u32, tid: u32, payload: &[u8]) -> Vec<u8> {
    let size = 0x38 + payload.len();
    let mut v = vec![0u8; size];
    put16(&mut v, 0, size as u16);
    v[2] = 0x15;
    v[3] = 0xC0;
    v[4] = ty;
    v[5] = 4;
    put32(&mut v, 8, tid);
    put32(&mut v, 0x0C, pid);
    put64(&mut v, 0x10, ts);
    v[0x38..].copy_from_slice(payload);
    v
}

/// One buffer of `size` bytes: the header, the records 8-byte aligned, 0xFF padding. `Offset`
/// and `SavedOffset` mark the end of the records; `flag` is `BufferFlag`.
pub fn buffer(size: usize, records: &[Vec<u8>], flag: u16) -> Vec<u8> {
    let mut v = vec![0u8; BUFFER_HEADER];
    for r in records {
        v.extend_from_slice(r);
        v.resize(align8(v.len()), 0);
    }
    let filled = v.len();
    assert!(filled <= size, "records overflow the buffer");
    v.resize(size, 0xFF);
    put32(&mut v, 0, size as u32);
    put32(&mut v, 4, filled as u32);
    put32(&mut v, 8, filled as u32);
    put32(&mut v, 0x2C, 3);
    put32(&mut v, 0x30, filled as u32);
    put16(&mut v, 0x34, flag);
    v
}

/// A whole file: the header buffer (logfile header first), then one buffer per group of records.
pub fn file(h: &Header, groups: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let size = h.buffer_size as usize;
    let mut out = buffer(size, &[logfile_header(h)], 0);
    put16(&mut out, 0x36, 4); // header buffer type
    for g in groups {
        out.extend(buffer(size, g, 0));
    }
    out
}

/// A file whose second buffer holds `records` as raw bytes (whatever they are): the fuzz
/// target's way of reaching the record reader with any bytes behind a valid buffer header.
pub fn around(records: &[u8]) -> Vec<u8> {
    let h = Header::default();
    let mut out = buffer(h.buffer_size as usize, &[logfile_header(&h)], 0);
    let size = align8(BUFFER_HEADER + records.len()).max(BUFFER_HEADER + 8);
    let mut b = vec![0u8; BUFFER_HEADER];
    b.extend_from_slice(records);
    b.resize(size, 0xFF);
    let filled = (BUFFER_HEADER + records.len()) as u32;
    put32(&mut b, 0, size as u32);
    put32(&mut b, 4, filled);
    put32(&mut b, 0x30, filled);
    out.extend(b);
    out
}
