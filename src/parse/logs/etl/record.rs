//! Trace records: which header a record starts with, its size, and the fields an event needs.
//!
//! Every trace header starts with a 32-bit marker whose high byte (record offset +3) tells the
//! family (`TRACE_HEADER_FLAG` 0x80 is always set):
//!
//! | byte +3 | family | size at | header |
//! |---|---|---|---|
//! | 0xC0 (`TRACE_HEADER_FLAG \| TRACE_HEADER_EVENT_TRACE`) | the type at +2 decides | | |
//! | | 0x01/0x02 `SYSTEM32/64` | +4 | 0x20 bytes: hook id at +6, thread, process, time at +0x10 |
//! | | 0x03/0x04 `COMPACT32/64` | +4 | 0x18 bytes (no CPU times) |
//! | | 0x10/0x11 `PERFINFO32/64` | +4 | 0x10 bytes: hook id at +6, time at +8 |
//! | | 0x12/0x13 `EVENT_HEADER32/64` | +0 | 0x50 bytes, `EVENT_HEADER` (documented) |
//! | | 0x0A/0x14 `FULL_HEADER32/64` | +0 | 0x30 bytes, `EVENT_TRACE_HEADER` (documented) |
//! | | 0x0B/0x15 `INSTANCE32/64` | +0 | 0x38 bytes, `EVENT_INSTANCE_HEADER` (documented) |
//! | 0x90 (`TRACE_HEADER_FLAG \| TRACE_MESSAGE`) | WPP message | +0 | 8 bytes: message number at +4, flags at +6, then the optional fields in flag order |
//! | 0xA0 / 0xB0 (`TRACE_HEADER_ULONG32[_TIME]`) | old fixed headers | +0 | read over, not shown |
//!
//! Sources: the header-type and marker constants in Microsoft's published `NTWMI.H`; Geoff
//! Chappell's studies of `SYSTEM_TRACE_HEADER`, `PERFINFO_TRACE_HEADER`, `EVENT_TRACE_HEADER`
//! and `MESSAGE_TRACE_HEADER`; Microsoft's documentation of `EVENT_HEADER`,
//! `EVENT_TRACE_HEADER`, `EVENT_INSTANCE_HEADER`, `TraceMessage` (flag values; the order of the
//! optional fields is the order of the flags: sequence, GUID or component id, time stamp,
//! thread and process id) and `TRACE_LOGFILE_HEADER`. Any other marker ends the reading of the
//! buffer (counted by the caller).

use super::container::{align8, i64_at, u16_at, u32_at};

/// Which header a record starts with (the header type byte kept for 32/64-bit layouts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    System(u8),
    Perfinfo(u8),
    EventHeader(u8),
    Classic(u8),
    Instance(u8),
    Message,
    Other(u8),
}

impl Kind {
    /// The name used in counts and in the raw view.
    pub fn name(self) -> &'static str {
        match self {
            Kind::System(_) => "system",
            Kind::Perfinfo(_) => "perfinfo",
            Kind::EventHeader(_) => "event",
            Kind::Classic(_) | Kind::Instance(_) => "classic",
            Kind::Message => "wpp",
            Kind::Other(_) => "other",
        }
    }
}

/// A record's kind and its size in bytes (before the 8-byte alignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub kind: Kind,
    pub size: usize,
}

/// The kind and size of the record at the start of `b`, or `None` for a marker of no known
/// family or a size smaller than the header it names.
pub fn head(b: &[u8]) -> Option<Head> {
    let marker = *b.get(3)?;
    let ht = *b.get(2)?;
    let (kind, size_at, min) = match marker & 0xF0 {
        0xC0 => match ht {
            0x01 | 0x02 => (Kind::System(ht), 4, 0x20),
            0x03 | 0x04 => (Kind::System(ht), 4, 0x18),
            0x10 | 0x11 => (Kind::Perfinfo(ht), 4, 0x10),
            0x12 | 0x13 => (Kind::EventHeader(ht), 0, 0x50),
            0x0A | 0x14 => (Kind::Classic(ht), 0, 0x30),
            0x0B | 0x15 => (Kind::Instance(ht), 0, 0x38),
            _ => return None,
        },
        0x90 => (Kind::Message, 0, 8),
        0xA0 | 0xB0 => (Kind::Other(marker), 0, 8),
        _ => return None,
    };
    let size = u16_at(b, size_at)? as usize;
    (size >= min).then_some(Head { kind, size })
}

/// What kind of event a record is, as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A WPP software trace message (`MESSAGE_TRACE_HEADER`).
    Wpp,
    /// An `EVENT_HEADER` event without TraceLogging metadata (manifest-based, or a string).
    Manifest,
    /// An `EVENT_HEADER` event carrying TraceLogging metadata.
    TraceLogging,
    /// An `EVENT_TRACE_HEADER` / `EVENT_INSTANCE_HEADER` (MOF-era) event.
    Classic,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Wpp => "wpp",
            Class::Manifest => "manifest",
            Class::TraceLogging => "tracelogging",
            Class::Classic => "classic",
        }
    }
}

/// The fields of one event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    pub class: Class,
    pub guid: Option<[u8; 16]>,
    /// WPP message number.
    pub msg: Option<u16>,
    /// WPP component id (instead of a GUID).
    pub component: Option<u32>,
    /// `EVENT_DESCRIPTOR.Id` and version.
    pub event_id: Option<(u16, u8)>,
    /// Classic event type (`Class.Type`).
    pub class_type: Option<u8>,
    /// `EVENT_DESCRIPTOR.Level` / `Class.Level`.
    pub level: Option<u8>,
    pub pid: Option<u32>,
    pub tid: Option<u32>,
    /// The raw time stamp, in the session's clock.
    pub ts: Option<i64>,
    /// The TraceLogging provider name (from the provider-traits extended item).
    pub provider: Option<String>,
    /// The argument bytes (after the header and any extended data).
    pub payload: &'a [u8],
    /// `EVENT_HEADER_FLAG_STRING_ONLY`: the payload is one UTF-16 string.
    pub string_only: bool,
    /// Extended data items that could not be followed (the payload is then all after the header).
    pub ext_unreadable: bool,
}

/// `TRACE_MESSAGE_*` option flags.
const MSG_SEQUENCE: u16 = 0x01;
const MSG_GUID: u16 = 0x02;
const MSG_COMPONENTID: u16 = 0x04;
const MSG_TIMESTAMP: u16 = 0x08;
/// Obsolete, but counted in the message size with `MSG_TIMESTAMP`.
const MSG_PERF_TIMESTAMP: u16 = 0x10;
const MSG_SYSTEMINFO: u16 = 0x20;

/// `EVENT_HEADER_FLAG_*`.
const EH_EXTENDED_INFO: u16 = 0x0001;
const EH_STRING_ONLY: u16 = 0x0004;

/// `EVENT_HEADER_EXT_TYPE_*` this reader looks at.
const EXT_EVENT_SCHEMA_TL: u16 = 11;
const EXT_PROV_TRAITS: u16 = 12;

fn guid_at(b: &[u8], o: usize) -> Option<[u8; 16]> {
    let s = b.get(o..o.checked_add(16)?)?;
    let mut g = [0u8; 16];
    g.copy_from_slice(s);
    Some(g)
}

/// A GUID in its registry form (`2818ef08-6a54-396f-2244-5a6ea4a98cf0`): the first three
/// fields little-endian, the last eight bytes in order.
pub fn guid_text(g: &[u8; 16]) -> String {
    format!(
        "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        u32::from_le_bytes([g[0], g[1], g[2], g[3]]),
        u16::from_le_bytes([g[4], g[5]]),
        u16::from_le_bytes([g[6], g[7]]),
        g[8],
        g[9],
        g[10],
        g[11],
        g[12],
        g[13],
        g[14],
        g[15]
    )
}

/// The event a record holds, or `None` for records that are not events (system, perfinfo,
/// other) and for events whose optional fields overrun the record.
pub fn event(head: Head, b: &[u8]) -> Option<Event<'_>> {
    let b = b.get(..head.size)?;
    match head.kind {
        Kind::Message => message(b),
        Kind::EventHeader(_) => event_header(b),
        Kind::Classic(_) => Some(Event {
            class: Class::Classic,
            guid: guid_at(b, 0x18),
            class_type: b.get(4).copied(),
            level: b.get(5).copied(),
            tid: u32_at(b, 8),
            pid: u32_at(b, 0x0C),
            ts: i64_at(b, 0x10),
            payload: b.get(0x30..)?,
            ..blank(Class::Classic)
        }),
        Kind::Instance(_) => Some(Event {
            class_type: b.get(4).copied(),
            level: b.get(5).copied(),
            tid: u32_at(b, 8),
            pid: u32_at(b, 0x0C),
            ts: i64_at(b, 0x10),
            payload: b.get(0x38..)?,
            ..blank(Class::Classic)
        }),
        Kind::System(_) | Kind::Perfinfo(_) | Kind::Other(_) => None,
    }
}

fn blank(class: Class) -> Event<'static> {
    Event {
        class,
        guid: None,
        msg: None,
        component: None,
        event_id: None,
        class_type: None,
        level: None,
        pid: None,
        tid: None,
        ts: None,
        provider: None,
        payload: &[],
        string_only: false,
        ext_unreadable: false,
    }
}

fn message(b: &[u8]) -> Option<Event<'_>> {
    let msg = u16_at(b, 4)?;
    let flags = u16_at(b, 6)?;
    let mut e = blank(Class::Wpp);
    e.msg = Some(msg);
    let mut p = 8usize;
    if flags & MSG_SEQUENCE != 0 {
        u32_at(b, p)?;
        p += 4;
    }
    if flags & MSG_COMPONENTID != 0 {
        e.component = Some(u32_at(b, p)?);
        p += 4;
    } else if flags & MSG_GUID != 0 {
        e.guid = Some(guid_at(b, p)?);
        p += 16;
    }
    if flags & (MSG_TIMESTAMP | MSG_PERF_TIMESTAMP) != 0 {
        e.ts = Some(i64_at(b, p)?);
        p += 8;
    }
    if flags & MSG_SYSTEMINFO != 0 {
        e.tid = Some(u32_at(b, p)?);
        e.pid = Some(u32_at(b, p + 4)?);
        p += 8;
    }
    e.payload = b.get(p..)?;
    Some(e)
}

fn event_header(b: &[u8]) -> Option<Event<'_>> {
    let flags = u16_at(b, 4)?;
    let mut e = blank(Class::Manifest);
    e.tid = u32_at(b, 8);
    e.pid = u32_at(b, 0x0C);
    e.ts = i64_at(b, 0x10);
    e.guid = guid_at(b, 0x18);
    e.event_id = Some((u16_at(b, 0x28)?, *b.get(0x2A)?));
    e.level = b.get(0x2C).copied();
    e.string_only = flags & EH_STRING_ONLY != 0;
    let mut p = 0x50usize;
    if flags & EH_EXTENDED_INFO != 0 {
        match extended(b, p) {
            Some(x) => {
                p = x.end;
                e.provider = x.provider;
                if x.tracelogging {
                    e.class = Class::TraceLogging;
                }
            }
            None => e.ext_unreadable = true,
        }
    }
    e.payload = b.get(p..)?;
    Some(e)
}

/// What the extended data items of an `EVENT_HEADER` record said.
struct Extended {
    end: usize,
    provider: Option<String>,
    tracelogging: bool,
}

/// Follow the extended data items from `p`. Each item (as stored in the buffer; the layout
/// seen in real files, in the field order of Microsoft's `EVENT_HEADER_EXTENDED_DATA_ITEM`):
/// `u16` item size (8-byte multiple, header included), `u16` type, `u16` linkage (bit 0: another
/// item follows), `u16` data size, then the data. `None` when an item does not hold together.
fn extended(b: &[u8], mut p: usize) -> Option<Extended> {
    let mut x = Extended {
        end: p,
        provider: None,
        tracelogging: false,
    };
    for _ in 0..64 {
        let item = u16_at(b, p)? as usize;
        let ty = u16_at(b, p + 2)?;
        let linkage = u16_at(b, p + 4)?;
        let size = u16_at(b, p + 6)? as usize;
        let data = b.get(p + 8..p + 8 + size)?;
        let step = if item >= 8 + size {
            item
        } else {
            align8(8 + size)
        };
        match ty {
            EXT_EVENT_SCHEMA_TL => x.tracelogging = true,
            EXT_PROV_TRAITS => x.provider = provider_name(data),
            _ => {}
        }
        p = p.checked_add(step)?;
        if p > b.len() {
            return None;
        }
        if linkage & 1 == 0 {
            x.end = p;
            return Some(x);
        }
    }
    None
}

/// The provider name in a provider-traits blob: `u16` total size, then a NUL-terminated UTF-8
/// name (Microsoft, "Provider Traits").
fn provider_name(d: &[u8]) -> Option<String> {
    let rest = d.get(2..)?;
    let n = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
    // Untrusted bytes: a name is one line, control characters (a `\r` inside it, seen by the
    // fuzzer) become spaces and runs of white space one space.
    let raw: String = String::from_utf8_lossy(&rest[..n])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let s = crate::parse::text::squash(&raw, 256);
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod provider_name_tests {
    #[test]
    fn a_provider_name_is_one_line() {
        let mut d = vec![0u8, 0];
        d.extend_from_slice(b"Microsoft.Windows.Waa\rMedic\n Local\0rest");
        assert_eq!(
            super::provider_name(&d).as_deref(),
            Some("Microsoft.Windows.Waa Medic Local")
        );
    }
}

/// What the logfile header (`TRACE_LOGFILE_HEADER`, the payload of the first system record,
/// hook id 0) says about the session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogfileHeader {
    pub buffer_size: u32,
    /// Major, minor, sub, sub-minor.
    pub version: [u8; 4],
    /// OS build number (`ProviderVersion`).
    pub build: u32,
    pub end_time: i64,
    pub log_file_mode: u32,
    pub pointer_size: u32,
    pub events_lost: u32,
    pub cpu_mhz: u32,
    pub boot_time: i64,
    pub perf_freq: i64,
    pub start_time: i64,
    /// `ReservedFlags`: the clock type (1 QPC, 2 system time, 3 CPU cycle counter).
    pub clock: u32,
    pub buffers_lost: u32,
    pub logger: Option<String>,
    pub log_file: Option<String>,
    /// The header record's own time stamp, in the session's clock: the sync point that
    /// `start_time` gives the wall-clock time of.
    pub ts0: i64,
}

/// A NUL-terminated UTF-16LE string at `p`; the string and the offset after its NUL.
fn wstr(b: &[u8], p: usize) -> Option<(String, usize)> {
    let mut units = Vec::new();
    let mut i = p;
    loop {
        let u = u16_at(b, i)?;
        i += 2;
        if u == 0 {
            break;
        }
        units.push(u);
        if units.len() > 4096 {
            return None;
        }
    }
    Some((String::from_utf16_lossy(&units), i))
}

/// The logfile header, when this record is one (a system record with hook id 0).
pub fn logfile_header(head: Head, b: &[u8]) -> Option<LogfileHeader> {
    let Kind::System(ht) = head.kind else {
        return None;
    };
    let b = b.get(..head.size)?;
    if u16_at(b, 6)? != 0 {
        return None;
    }
    let hdr = if matches!(ht, 0x03 | 0x04) {
        0x18
    } else {
        0x20
    };
    let ts0 = i64_at(b, 0x10)?;
    let p = b.get(hdr..)?;
    // Pointer width of the layout: the header type says 32- or 64-bit.
    let w = if matches!(ht, 0x02 | 0x04) { 8 } else { 4 };
    let tz = 0x38 + 2 * w;
    let boot = align8(tz + 0xAC);
    let fixed = boot + 32;
    let mut v = [0u8; 4];
    v.copy_from_slice(p.get(4..8)?);
    let mut h = LogfileHeader {
        buffer_size: u32_at(p, 0)?,
        version: v,
        build: u32_at(p, 8)?,
        end_time: i64_at(p, 0x10)?,
        log_file_mode: u32_at(p, 0x20)?,
        pointer_size: u32_at(p, 0x2C)?,
        events_lost: u32_at(p, 0x30)?,
        cpu_mhz: u32_at(p, 0x34)?,
        boot_time: i64_at(p, boot)?,
        perf_freq: i64_at(p, boot + 8)?,
        start_time: i64_at(p, boot + 16)?,
        clock: u32_at(p, boot + 24)?,
        buffers_lost: u32_at(p, boot + 28)?,
        ts0,
        ..LogfileHeader::default()
    };
    if let Some((logger, next)) = wstr(p, fixed) {
        h.logger = (!logger.is_empty()).then_some(logger);
        if let Some((file, _)) = wstr(p, next) {
            h.log_file = (!file.is_empty()).then_some(file);
        }
    }
    Some(h)
}

/// Converts raw time stamps to FILETIME (100 ns since 1601, UTC) the way Microsoft documents
/// for `PROCESS_TRACE_MODE_RAW_TIMESTAMP` (`WNODE_HEADER`, remarks): system time is already a
/// FILETIME; QPC and CPU-cycle stamps are scaled by the frequency and anchored at the header's
/// `StartTime`, which is the wall-clock time of the header record's own stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub kind: u32,
    /// Ticks per second of the raw stamps.
    pub hz: Option<u64>,
    start: i64,
    ts0: i64,
}

impl Clock {
    pub fn from_header(h: &LogfileHeader) -> Clock {
        let hz = match h.clock {
            1 => u64::try_from(h.perf_freq).ok().filter(|&f| f > 0),
            2 => Some(10_000_000),
            3 => (h.cpu_mhz > 0).then(|| u64::from(h.cpu_mhz) * 1_000_000),
            _ => None,
        };
        Clock {
            kind: h.clock,
            hz,
            start: h.start_time,
            ts0: h.ts0,
        }
    }

    pub fn name(&self) -> &'static str {
        match self.kind {
            1 => "qpc",
            2 => "system-time",
            3 => "cpu-cycle",
            _ => "unknown",
        }
    }

    /// The FILETIME of a raw stamp, `None` for an unknown clock.
    pub fn filetime(&self, ts: i64) -> Option<i64> {
        match (self.kind, self.hz) {
            (2, _) => Some(ts),
            (1 | 3, Some(hz)) => {
                let d = (i128::from(ts) - i128::from(self.ts0)) * 10_000_000 / i128::from(hz);
                i64::try_from(i128::from(self.start) + d).ok()
            }
            _ => None,
        }
    }
}

/// A FILETIME as UTC, `None` for 0 or a value outside what chrono represents.
pub fn filetime_utc(ft: i64) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    if ft <= 0 {
        return None;
    }
    const EPOCH_DIFF: i64 = 11_644_473_600; // seconds from 1601 to 1970
    let secs = ft / 10_000_000 - EPOCH_DIFF;
    let nanos = (ft % 10_000_000) as u32 * 100;
    chrono::DateTime::from_timestamp(secs, nanos).map(|t| t.fixed_offset())
}

/// A short description of a record for the raw view: its kind and what identifies it.
pub fn describe(head: Head, b: &[u8]) -> String {
    if let Some(e) = event(head, b) {
        let mut s = e.class.as_str().to_string();
        if let Some(p) = &e.provider {
            s.push_str(&format!(" {p}"));
        }
        if let Some(g) = &e.guid {
            s.push_str(&format!(" {}", guid_text(g)));
        }
        if let Some(c) = e.component {
            s.push_str(&format!(" component {c}"));
        }
        if let Some(m) = e.msg {
            s.push_str(&format!(" #{m}"));
        }
        if let Some((id, v)) = e.event_id {
            s.push_str(&format!(" id {id} v{v}"));
        }
        if let Some(t) = e.class_type {
            s.push_str(&format!(" type {t}"));
        }
        if let (Some(p), Some(t)) = (e.pid, e.tid) {
            s.push_str(&format!(" pid {p} tid {t}"));
        }
        return s;
    }
    match head.kind {
        Kind::System(_) | Kind::Perfinfo(_) => {
            let hook = u16_at(b, 6).unwrap_or(0);
            if logfile_header(head, b).is_some() {
                "system logfile header".to_string()
            } else {
                format!("{} hook {hook:#06x}", head.kind.name())
            }
        }
        k => k.name().to_string(),
    }
}

/// The raw view's line for a record: offset, size, description, printable strings, then the
/// bytes in hex (at most `max_hex` of them).
pub fn raw_line(offset: u64, head: Head, b: &[u8], max_hex: usize) -> String {
    let b = b.get(..head.size.min(b.len())).unwrap_or(b);
    let mut s = format!("@{offset:#010x} {} B · {}", head.size, describe(head, b));
    // The strings of the arguments (of the whole record when it is not an event).
    let args = event(head, b).map_or(b, |e| e.payload);
    let strings = super::strings::runs(args);
    if !strings.is_empty() {
        s.push_str(" ·");
        for r in strings.iter().take(16) {
            s.push_str(&format!(
                " \"{}\"",
                crate::parse::text::squash(&r.text, 200)
            ));
        }
    }
    s.push_str(" · hex");
    for x in b.iter().take(max_hex) {
        s.push_str(&format!(" {x:02x}"));
    }
    if b.len() > max_hex {
        s.push_str(" …");
    }
    s
}
