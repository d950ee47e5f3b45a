//! The client's text trace (`Lync-UccApi-0.UccApilog`, Lync 2010's `*.uccapilog`).
//!
//! A record starts at a line `MM/DD/YYYY|HH:MM:SS.mmm`, then optional tokens (`PID:TID` in hex),
//! a level word padded before `::`, and the message. Any other line continues the previous
//! record (SIP headers, bodies). SIP blocks open with `Sending Packet -` / `Data Received -` and
//! close with `End of …`; the block's direction is given to the records inside it.

use super::common::{emit, naive, uccapilog_stamp, LogOutput, ParseOptions};
use super::workers::{Put, Shape};
use crate::parse::logstream::{CutProbe, LineReader};
use crate::parse::markers::{Classifier, Record};
use std::io::Read;
use std::path::Path;

/// The parts of a record header line.
#[derive(Debug, PartialEq, Eq)]
pub struct Header<'a> {
    pub stamp: Option<chrono::NaiveDateTime>,
    pub thread: Option<&'a str>,
    pub level: Option<&'a str>,
    pub message: &'a str,
    /// The stamp is not the fixed-width `MM/DD/YYYY|HH:MM:SS.mmm` but the looser shape
    /// `loose_stamp` reads (a heuristic).
    pub loose: bool,
}

/// The value of an ASCII digit run (the caller has checked they are digits).
fn num(s: &str) -> u32 {
    s.bytes().fold(0u32, |n, b| {
        n.wrapping_mul(10).wrapping_add(u32::from(b - b'0'))
    })
}

/// Split a record header line (`None` if the line does not start a record).
pub fn header(l: &str) -> Option<Header<'_>> {
    let (stamp, rest, loose) = if uccapilog_stamp(l) {
        let stamp = naive(
            num(&l[6..10]) as i32,
            num(&l[0..2]),
            num(&l[3..5]),
            num(&l[11..13]),
            num(&l[14..16]),
            num(&l[17..19]),
            num(&l[20..23]),
        );
        (stamp, &l[23..], false)
    } else {
        let (stamp, n) = loose_stamp(l)?;
        (stamp, &l[n..], true)
    };
    // `::` ends the header tokens; a byte search (no substring searcher built per line).
    let sep = memchr::memchr_iter(b':', rest.as_bytes())
        .find(|&i| rest.as_bytes().get(i + 1) == Some(&b':'));
    let (pre, message) = match sep {
        Some(i) => (
            &rest[..i],
            rest[i + 2..].strip_prefix(' ').unwrap_or(&rest[i + 2..]),
        ),
        None => ("", rest.trim_start()),
    };
    let mut thread = None;
    let mut level = None;
    for tok in pre.split_ascii_whitespace() {
        let b = tok.as_bytes();
        if b.contains(&b':') && b.iter().all(|&c| c == b':' || c.is_ascii_hexdigit()) {
            thread = Some(tok);
        } else if b.len() >= 2 && b.iter().all(u8::is_ascii_uppercase) {
            level = Some(tok);
        }
    }
    Some(Header {
        stamp,
        thread,
        level,
        message,
        loose,
    })
}

/// A record stamp in a looser shape than the client's fixed-width one: month, day and hour of
/// one or two digits, and the fraction of a second optional or of any length up to 7 digits
/// (`3/2/2026|9:05:07`, `03/02/2026|10:00:00.1234567`): such a log (re-saved, or written by
/// another tool) would otherwise be read as no record at all. A heuristic: the fraction is cut
/// to milliseconds. Returns the stamp (`None` when impossible) and its length in bytes.
fn loose_stamp(l: &str) -> Option<(Option<chrono::NaiveDateTime>, usize)> {
    let b = l.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut i = 0;
    // The digits at `i` (between `min` and `max` of them) and how many there were.
    let digits = |i: &mut usize, min: usize, max: usize| -> Option<(u32, usize)> {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        let n = *i - start;
        (n >= min).then(|| (num(&l[start..*i]), n))
    };
    let sep = |i: &mut usize, c: u8| -> Option<()> { (b.get(*i) == Some(&c)).then(|| *i += 1) };
    let (mo, _) = digits(&mut i, 1, 2)?;
    sep(&mut i, b'/')?;
    let (d, _) = digits(&mut i, 1, 2)?;
    sep(&mut i, b'/')?;
    let (y, _) = digits(&mut i, 4, 4)?;
    sep(&mut i, b'|')?;
    let (h, _) = digits(&mut i, 1, 2)?;
    sep(&mut i, b':')?;
    let (mi, _) = digits(&mut i, 2, 2)?;
    sep(&mut i, b':')?;
    let (sec, _) = digits(&mut i, 2, 2)?;
    let mut ms = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && j - start < 7 && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > start {
            let f = &l[start..j.min(start + 3)];
            ms = num(f) * 10u32.pow(3 - f.len() as u32);
            i = j;
        }
    }
    // A stamp is followed by a space or the end of the line, never by more digits.
    if b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    Some((naive(y as i32, mo, d, h, mi, sec, ms), i))
}

/// The SIP block a record opens or closes, by its message.
fn block_change(message: &str) -> Option<Option<&'static str>> {
    let m = message.trim_start();
    if m.starts_with("End of") {
        Some(None)
    } else if m.starts_with("Sending Packet") {
        Some(Some("sent"))
    } else if m.starts_with("Data Received") {
        Some(Some("received"))
    } else {
        None
    }
}

/// The record splitter as a value that can be saved at a record start and resumed (a log that
/// grows is read on from its last record: `source::tail`). It does what `read_records` does
/// line by line (the property test `tail_properties` checks the two agree).
#[derive(Debug, Clone, Default)]
pub struct Splitter {
    rec: Record,
    direction: Option<&'static str>,
    closing: bool,
    /// Records started, lines passed over before the first, impossible stamps, stamps read
    /// in the looser shape.
    pub records: u64,
    pub skipped: u64,
    pub bad_times: u64,
    pub loose: u64,
    /// First and last record times (only `first`/`last` are used).
    pub times: LogOutput,
    /// The zone's offset for the last minute read (see [`crate::clock::Zone::resolve_cached`]).
    tz_cache: Option<(i64, chrono::FixedOffset)>,
}

impl Splitter {
    /// A splitter at a log's start whose records ask `probe` about their lines past the cap
    /// (see [`Record::probe`]).
    pub fn armed(probe: crate::parse::logstream::CutProbe) -> Self {
        let mut s = Self::default();
        s.rec.probe = Some(probe);
        s
    }

    /// The record read so far, finished (when a new one starts or the input ends).
    pub fn take(&mut self) -> Option<Record> {
        match self.rec.is_empty() {
            true => None,
            false => {
                let next = self.rec.fresh();
                Some(std::mem::replace(&mut self.rec, next))
            }
        }
    }

    /// Start a record at header line `no` (call [`Splitter::take`] first).
    pub fn start(&mut self, no: u64, h: &Header<'_>, tz: super::common::LogTz) {
        self.rec.clear();
        if self.closing {
            self.direction = None;
            self.closing = false;
        }
        match block_change(h.message) {
            Some(None) => self.closing = true,
            Some(d) => self.direction = d,
            None => {}
        }
        self.records += 1;
        self.rec.time = h
            .stamp
            .and_then(|t| tz.resolve_cached(t, &mut self.tz_cache));
        if h.stamp.is_none() {
            self.bad_times += 1;
        }
        self.loose += u64::from(h.loose);
        self.times.see_time(self.rec.time);
        self.rec.set_level(h.level);
        self.rec.set_thread(h.thread);
        self.rec.direction = self.direction;
        self.rec.push(no, h.message);
    }

    /// Give the output what the splitter counted (at the end of a read).
    pub fn end(&self, out: &mut LogOutput) {
        let counts = (self.records, self.skipped, self.bad_times, self.loose);
        end_counts(out, counts, &self.times);
    }

    /// A line that starts no record: part of the current one, or passed over before the first.
    pub fn other(&mut self, no: u64, l: &str) {
        if self.rec.is_empty() && self.records == 0 {
            if !l.trim().is_empty() {
                self.skipped += 1;
            }
        } else {
            self.rec.push(no, l);
        }
    }
}

/// What the reading side counts (merged into the [`LogOutput`] at the end).
#[derive(Debug, Default)]
struct ReadStats {
    records: u64,
    skipped: u64,
    bad_times: u64,
    loose: u64,
    times: LogOutput,
}

/// Read lines into records (header, continuation lines, SIP block direction), `prepare` each
/// finished one (find its marker literals, and on a worker pool its context), and hand them
/// over in batches of `shape`'s size: `put` takes a full batch and may give back a used one
/// to refill.
fn read_records<R: Read>(
    lines: &mut LineReader<R>,
    (tz, probe): (super::common::LogTz, Option<CutProbe>),
    shape: Shape,
    prepare: &mut dyn FnMut(&mut Record),
    put: &mut dyn FnMut(Vec<Record>) -> Put,
) -> std::io::Result<ReadStats> {
    let (batch_records, batch_bytes) = (shape.batch_records.max(1), shape.batch_bytes);
    let mut st = ReadStats::default();
    let mut batch: Vec<Record> = Vec::with_capacity(batch_records);
    let mut spare: Vec<Record> = Vec::new();
    let mut bytes = 0usize;
    let mut rec = Record::with_probe(probe);
    let mut direction: Option<&'static str> = None;
    let mut closing = false;
    let mut tz_cache = None;
    // Move the finished record into the batch (and the batch out when it is full); false when
    // the taker wants no more.
    let mut finish = |rec: &mut Record,
                      batch: &mut Vec<Record>,
                      spare: &mut Vec<Record>,
                      bytes: &mut usize,
                      last: bool| {
        if !rec.is_empty() {
            *bytes += rec.text().len();
            prepare(rec);
            // Spare records were emptied by `trim_capacity`.
            let next = spare.pop().unwrap_or_else(|| rec.fresh());
            batch.push(std::mem::replace(rec, next));
        }
        if !batch.is_empty() && (last || batch.len() >= batch_records || *bytes >= batch_bytes) {
            let full = std::mem::take(batch);
            *bytes = 0;
            let mut used = match put(full) {
                Put::Stop => return false,
                Put::Go(None) => return true,
                Put::Go(Some(used)) => used,
            };
            // Keep the records (and their buffers) for reuse, within bounds.
            for mut r in used.drain(..) {
                if spare.len() < batch_records {
                    r.trim_capacity();
                    spare.push(r);
                }
            }
            *batch = used;
        }
        true
    };
    while let Some((no, l)) = lines.next_line()? {
        if let Some(h) = header(l) {
            if !finish(&mut rec, &mut batch, &mut spare, &mut bytes, false) {
                return Ok(st);
            }
            rec.clear();
            if closing {
                direction = None;
                closing = false;
            }
            match block_change(h.message) {
                Some(None) => closing = true,
                Some(d) => direction = d,
                None => {}
            }
            st.records += 1;
            rec.time = h.stamp.and_then(|t| tz.resolve_cached(t, &mut tz_cache));
            if h.stamp.is_none() {
                st.bad_times += 1;
            }
            st.loose += u64::from(h.loose);
            st.times.see_time(rec.time);
            rec.set_level(h.level);
            rec.set_thread(h.thread);
            rec.direction = direction;
            rec.push(no, h.message);
        } else if rec.is_empty() && st.records == 0 {
            if !l.trim().is_empty() {
                st.skipped += 1;
            }
        } else {
            rec.push(no, l);
        }
    }
    // The last batch; whether the taker wants more no longer matters.
    let _ = finish(&mut rec, &mut batch, &mut spare, &mut bytes, true);
    Ok(st)
}

/// Parse a UccApilog, on one thread or two as `shape` says
/// ([`super::workers::Shape::for_this_machine`]: two with two cores or more). On two, one
/// thread reads and splits records while this one classifies them, helped by the reading one
/// when it falls behind (see [`super::workers`]): the output is the same whatever the shape.
pub fn parse_with<R: Read + Send>(
    lines: &mut LineReader<R>,
    path: &Path,
    opts: &ParseOptions<'_>,
    shape: Shape,
) -> std::io::Result<LogOutput> {
    let mut out = LogOutput::bounded(opts.bound);
    let tz = opts.tz;
    let probe = Some(opts.markers.cut_probe());
    let st = if shape.two_threads {
        super::workers::run(shape, path, opts, &mut out, |c, put| {
            read_records(lines, (tz, probe), shape, &mut |r| c.prepare(r), put)
        })?
    } else {
        let mut c = Classifier::new(opts.markers);
        let mut hits = Vec::new();
        let markers = opts.markers;
        let out = &mut out;
        read_records(
            lines,
            (tz, probe),
            shape,
            &mut |r| markers.prescan(r),
            &mut |batch| {
                for rec in &batch {
                    emit(&mut c, rec, &mut hits, path, opts, out);
                }
                Put::Go(Some(batch))
            },
        )?
    };
    let counts = (st.records, st.skipped, st.bad_times, st.loose);
    end_counts(&mut out, counts, &st.times);
    Ok(out)
}

/// What the splitting side counted, into the output (a whole read and a tail read alike).
/// `counts`: records, lines skipped, impossible stamps, stamps in the looser shape.
fn end_counts(out: &mut LogOutput, counts: (u64, u64, u64, u64), times: &LogOutput) {
    let (records, skipped, bad_times, loose) = counts;
    out.records = records;
    out.skipped = skipped;
    out.bad_times = bad_times;
    out.first = times.first;
    out.last = times.last;
    if out.bad_times > 0 {
        out.note("records with an impossible date or time are kept without a time");
    }
    if loose > 0 {
        out.note(LOOSE_NOTE);
    }
}

/// The note of a log with stamps read by the looser rule (`loose_stamp`).
pub const LOOSE_NOTE: &str = "record stamps without the client's fixed width (MM/DD/YYYY|HH:MM:SS.mmm) read by a looser rule, fractions cut to milliseconds (heuristic)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, SourceKind};
    use crate::parse::logs::workers::Share;
    use crate::parse::logs::{parse_log, LogTz};
    use crate::parse::markers::Markers;

    pub const SAMPLE: &str = "\
garbage before the first record\r
03/02/2026|09:40:58.101 1F68:C14 INFO  :: Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes:\r
03/02/2026|09:40:58.101 1F68:C14 INFO  :: INVITE sip:rlee@contoso.com SIP/2.0\r
From: <sip:jdoe@contoso.com>;tag=a1\r
To: <sip:rlee@contoso.com>\r
CSeq: 1 INVITE\r
User-Agent: UCCAPI/16.0.6366.2062 OC/16.0.6366.2062 (Skype for Business)\r
03/02/2026|09:40:58.101 1F68:C14 INFO  :: End of Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes\r
03/02/2026|09:40:59.000 1F68:C14 INFO  :: Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 410 bytes:\r
03/02/2026|09:40:59.000 1F68:C14 INFO  :: SIP/2.0 480 Temporarily Unavailable\r
From: <sip:jdoe@contoso.com>;tag=a1\r
To: <sip:rlee@contoso.com>;tag=b2\r
User-Agent: UCCAPI/16.0.9999.1000 OC/16.0.9999.1000 (Skype for Business)\r
CSeq: 1 INVITE\r
03/02/2026|09:40:59.000 1F68:C14 INFO  :: End of Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 410 bytes\r
13/45/2026|25:61:00.000 1F68:C14 INFO  :: impossible date\r
03/02/2026|09:41:00.417 1F68:C14 INFO :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx\r
<m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Mess\r
03/02/2026|09:41:00.981 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r
03/02/2026|09:41:01.000 2A0:2A4 INFO  :: lost 401 packets, 4017 bytes\r
03/02/2026|09:41:0";

    fn run(bytes: &[u8]) -> crate::parse::logs::LogOutput {
        let m = Markers::builtin().expect("markers");
        let opts = ParseOptions::utc(&m);
        parse_log(
            bytes,
            SourceKind::Uccapilog,
            Path::new("x.UccApilog"),
            &opts,
        )
        .expect("parse")
    }

    /// Each row (line and account) counts once per minute, whatever order the markers found
    /// its events in: the minute totals equal the distinct rows of the events (all kept here).
    #[test]
    fn minute_counts_equal_the_rows_of_the_events() {
        let m = Markers::builtin().expect("markers");
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date");
        let mut text = SAMPLE.replace("03/02/2026|09:41:0", "");
        // A record whose markers find its lines out of order: a SIP response on its first
        // line, a policy on its second, then an HTTP status on the first again.
        text.push_str(
            "03/02/2026|09:42:00.000 1F68:C14 INFO  :: SIP/2.0 480 Unavailable, HTTP/1.1 503\r\n",
        );
        text.push_str("<property name=\"EnableOfflineIM\">false</property>\r\n");
        let mut bytes = text.into_bytes();
        crate::corpus::write_uccapilog_profile(
            &mut bytes,
            3,
            200_000,
            start,
            crate::corpus::Profile::FailureDense,
        )
        .expect("generate");
        let mut opts = ParseOptions::utc(&m);
        opts.bound = crate::model::EventBound {
            first: 1 << 20,
            ..Default::default()
        };
        let o = parse_log(
            bytes.as_slice(),
            SourceKind::Uccapilog,
            Path::new("x.UccApilog"),
            &opts,
        )
        .expect("parse");
        assert!(
            o.tallies.iter().all(|t| t.occurrences == t.shown),
            "all kept"
        );
        let rows: std::collections::BTreeSet<(u64, Option<usize>)> = o
            .events
            .iter()
            .filter(|e| e.time.is_some())
            .map(|e| (e.line, e.account))
            .collect();
        let counted: i64 = o.tallies.iter().map(|t| t.minutes.total()).sum();
        assert!(rows.len() > 100, "{}", rows.len());
        assert_eq!(counted, rows.len() as i64);
    }

    /// Stamps without zero padding or milliseconds, or with a longer fraction, start records
    /// (such a log was read as no record at all), with the looser rule's note; lines that only
    /// look like one do not.
    #[test]
    fn loose_stamps_start_records_and_say_so() {
        let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.3f").ok();
        // (A fixed-width stamp with a longer fraction is read by the fixed-width rule.)
        for (line, want, loose) in [
            (
                "03/02/2026|10:00:00 1F68:C14 ERROR :: m",
                "2026-03-02 10:00:00.000",
                true,
            ),
            (
                "3/2/2026|9:05:07.5 1F68:C14 ERROR :: m",
                "2026-03-02 09:05:07.500",
                true,
            ),
            (
                "12/31/2026|23:59:59.1234567 1F68:C14 ERROR :: m",
                "2026-12-31 23:59:59.123",
                false,
            ),
            (
                "3/2/2026|10:00:00.1234567 1F68:C14 ERROR :: m",
                "2026-03-02 10:00:00.123",
                true,
            ),
            (
                "3/2/2026|10:00:00.12 x ERROR :: m",
                "2026-03-02 10:00:00.120",
                true,
            ),
        ] {
            let h = header(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(h.loose, loose, "{line}");
            assert_eq!(h.stamp, t(want), "{line}");
            assert_eq!((h.level, h.message), (Some("ERROR"), "m"), "{line}");
        }
        let h = header("13/45/2026|9:00:00 x WARN :: m").expect("shape");
        assert_eq!((h.stamp, h.loose), (None, true));
        for not in [
            "3/2/26|10:00:00 x :: m",
            "3/2/2026 10:00:00 x :: m",
            "3/2/2026|10:00:0012 x :: m",
            "3/2/2026|10:0:00 x :: m",
            "123/2/2026|10:00:00 x :: m",
            "a=candidate:6 1 UDP 928470364",
            "3/2/2026|10:00:00.5x :: m",
        ] {
            assert!(header(not).is_none(), "{not}");
        }
        let strict = header("03/02/2026|09:40:58.101 1F68:C14 INFO  :: m").expect("strict");
        assert!(!strict.loose);
        let o = run(b"3/2/2026|10:00:00 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r\n3/2/2026|10:00:01 1F68:C14 INFO  :: x\r\n");
        assert_eq!((o.records, o.skipped), (2, 0));
        assert!(o.notes.iter().any(|n| n == LOOSE_NOTE), "{:?}", o.notes);
        assert!(o
            .events
            .iter()
            .any(|e| e.values.get("status").map(String::as_str) == Some("401")));
        let o = run(b"03/02/2026|10:00:00.000 1F68:C14 INFO  :: x\r\n");
        assert!(!o.notes.iter().any(|n| n == LOOSE_NOTE), "{:?}", o.notes);
    }

    proptest::proptest! {
        /// On every fixed-width stamp the looser rule reads the same time and length.
        #[test]
        fn the_loose_rule_agrees_on_fixed_width_stamps(
            mo in 0u32..100, d in 0u32..100, y in 0u32..10000, h in 0u32..100,
            mi in 0u32..100, sec in 0u32..100, ms in 0u32..1000,
        ) {
            let l = format!("{mo:02}/{d:02}/{y:04}|{h:02}:{mi:02}:{sec:02}.{ms:03} 1:2 INFO :: m");
            let strict = header(&l).expect("fixed width");
            let (stamp, n) = loose_stamp(&l).expect("loose reads it too");
            proptest::prop_assert_eq!(stamp, strict.stamp);
            proptest::prop_assert_eq!(n, 23);
        }
    }

    #[test]
    fn header_lines_split() {
        let h = header("03/02/2026|09:40:58.101 1F68:C14 INFO  :: BYE sip:a@b SIP/2.0")
            .expect("header");
        assert_eq!(h.thread, Some("1F68:C14"));
        assert_eq!(h.level, Some("INFO"));
        assert_eq!(h.message, "BYE sip:a@b SIP/2.0");
        assert!(h.stamp.is_some());
        assert!(header("From: <sip:a@b>").is_none());
        let h = header("13/45/2026|25:61:00.000 x WARN :: m").expect("shape");
        assert_eq!((h.stamp, h.level), (None, Some("WARN")));
    }

    #[test]
    fn records_continuations_sip_blocks_and_noise() {
        let o = run(SAMPLE.as_bytes());
        assert_eq!(o.records, 10, "a half-written last line is not a record");
        assert_eq!(o.skipped, 1);
        assert_eq!(o.bad_times, 1);
        assert_eq!(o.encoding, "utf-8");
        assert!(o.growing, "last line has no ending");
        let ev = |k: EventKind| o.events.iter().filter(move |e| e.kind == k);
        let inv = ev(EventKind::SipRequest).next().expect("invite");
        assert_eq!((inv.line, inv.values["direction"].as_str()), (3, "sent"));
        let r480 = ev(EventKind::SipResponse).next().expect("480");
        assert_eq!(r480.line, 10);
        assert_eq!(r480.values["status"], "480");
        assert_eq!(r480.values["direction"], "received");
        assert_eq!(r480.values["to_address"], "rlee@contoso.com");
        let ua: Vec<(u64, &str)> = ev(EventKind::ClientVersion)
            .map(|e| (e.line, e.values["direction"].as_str()))
            .collect();
        assert_eq!(ua, [(7, "sent"), (13, "received")]);
        let req = ev(EventKind::EwsRequest)
            .find(|e| e.marker == "ews-operation")
            .expect("createitem");
        assert_eq!(req.line, 18);
        assert_eq!(req.values["folder"], "drafts");
        let fail: Vec<u64> = ev(EventKind::EwsFailure).map(|e| e.line).collect();
        assert_eq!(fail, [19], "only the EWS 401, never the noise line");
        assert_eq!(
            ev(EventKind::EwsFailure).next().map(|e| e.level.clone()),
            Some(Some("ERROR".to_string()))
        );
    }

    #[test]
    fn utf16_gives_the_same_events() {
        let a = run(SAMPLE.as_bytes());
        let mut b16 = vec![0xFF, 0xFE];
        for u in SAMPLE.encode_utf16() {
            b16.extend_from_slice(&u.to_le_bytes());
        }
        let b = run(&b16);
        assert_eq!(b.encoding, "utf-16le-bom");
        assert_eq!(a.events, b.events);
        assert_eq!(a.records, b.records);
    }

    #[test]
    fn garbage_bytes_never_panic() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.splice(300..300, [0xFF, 0x00, 0xC3, 0x28, 0x80, b'\n', 0x1B, b'[']);
        let o = run(&bytes);
        assert!(o.records >= 10);
        let o = run(&[0u8; 0]);
        assert_eq!(o.records, 0);
    }

    #[test]
    fn lines_past_the_record_cap_are_counted_not_lost() {
        let mut s = String::from("03/02/2026|09:40:58.101 1F68:C14 INFO  :: big record\n");
        let line = "x".repeat(1000);
        for _ in 0..1100 {
            s.push_str(&line);
            s.push('\n');
        }
        let o = run(s.as_bytes());
        assert_eq!(o.lines, 1101);
        assert!(
            (40..100).contains(&o.unclassified_lines),
            "{}",
            o.unclassified_lines
        );
    }

    /// A generated UccApilog of about `bytes` (seeded), and how many records it holds.
    fn generated(seed: u64, bytes: u64) -> (Vec<u8>, u64) {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date");
        let mut log = Vec::new();
        let st = crate::corpus::write_uccapilog(&mut log, seed, bytes, start).expect("gen");
        (log, st.records)
    }

    fn lines_of(log: &[u8]) -> LineReader<crate::parse::logstream::Utf8Stream<&[u8]>> {
        LineReader::new(
            crate::parse::logstream::Utf8Stream::new(log).expect("stream"),
            crate::parse::logstream::LINE_CAP,
        )
    }

    /// The log the thread tests read: generated (SIP blocks, EWS failures, noise, capped
    /// routine events), with records bigger than a batch's byte budget between ordinary ones,
    /// and a per-thread context (`ews-context`) that markers on later records of its thread use.
    fn threaded_log() -> (Vec<u8>, u64) {
        let (mut log, records) = generated(11, 3 << 20);
        // Context carried between records of one thread: the failure names no EWS itself.
        for i in 0..40 {
            let t = 10 + i / 10;
            log.extend_from_slice(format!("03/02/2026|22:00:{t:02}.000 AB:{i:X} INFO :: EWS request POST https://mail.contoso.com/EWS/Exchange.asmx\n").as_bytes());
            log.extend_from_slice(
                format!("03/02/2026|22:00:{t:02}.100 CD:{i:X} INFO :: unrelated\n").as_bytes(),
            );
            log.extend_from_slice(
                format!(
                    "03/02/2026|22:00:{t:02}.200 AB:{i:X} ERROR :: request failed: timed out\n"
                )
                .as_bytes(),
            );
        }
        for i in 0..3 {
            log.extend_from_slice(b"03/02/2026|23:00:00.000 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\n");
            log.extend(std::iter::repeat_n(b'y', (3 + i) << 20));
            log.push(b'\n');
        }
        (log, records + 123)
    }

    fn shaped(log: &[u8], two_threads: bool, share: Share, batch: (usize, usize)) -> LogOutput {
        let m = Markers::builtin().expect("markers");
        let opts = crate::parse::logs::ParseOptions::utc(&m);
        let shape = Shape {
            two_threads,
            reader_classifies: share,
            batch_records: batch.0,
            batch_bytes: batch.1,
        };
        let mut out =
            parse_with(&mut lines_of(log), Path::new("p.log"), &opts, shape).expect("parse");
        out.finish();
        out
    }

    /// One thread, or two with either classifying any share of the batches: the same output to
    /// the last field, over many batches, and with batches that close early on big records.
    #[test]
    fn parsed_alike_whoever_classifies() {
        let (log, records) = threaded_log();
        let one = shaped(&log, false, Share::Every(0), (256, 4 << 20));
        assert_eq!(one.records, records);
        assert!(one.not_kept > 0, "routine caps must be reached");
        assert!(
            one.tallies.iter().any(|t| t.hidden() > 0),
            "groups summarised"
        );
        let by_context = one
            .tallies
            .iter()
            .filter(|t| t.marker == "ews-connect-failed")
            .map(|t| t.occurrences)
            .sum::<u64>();
        assert!(
            by_context >= 40,
            "context from an earlier record: {by_context}"
        );
        let want = format!("{one:?}");
        for share in [
            Share::WhenBehind,
            Share::Every(0),
            Share::Every(1),
            Share::Every(2),
        ] {
            let two = shaped(&log, true, share, (256, 4 << 20));
            assert!(format!("{two:?}") == want, "{share:?} differs");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
        /// Any batch size and any share of batches classified on the reading thread (so the
        /// routine cap is reached while that thread classifies with an older view) give what
        /// one thread gives.
        #[test]
        fn parsed_alike_whatever_the_batches(
            seed in 0u64..1000,
            every in 0u64..5,
            batch_records in 1usize..64,
            batch_bytes in 1usize..200_000,
        ) {
            let (log, _) = generated(seed, 400 << 10);
            let one = shaped(&log, false, Share::Every(0), (256, 4 << 20));
            let two = shaped(&log, true, Share::Every(every), (batch_records, batch_bytes));
            let (one, two) = (format!("{:?}", one), format!("{:?}", two));
            proptest::prop_assert!(one == two, "every {} differs", every);
        }
    }

    /// A taker that wants no more stops the reading (a classifier that panicked must not leave
    /// the reader blocked or reading the rest of the file).
    #[test]
    fn reading_stops_when_the_taker_says_stop() {
        let (log, all) = generated(5, 1 << 20);
        let m = Markers::builtin().expect("markers");
        let mut lines = lines_of(&log);
        let mut calls = 0;
        let shape = Shape::for_this_machine();
        let st = read_records(
            &mut lines,
            (LogTz::Utc, None),
            shape,
            &mut |r| m.prescan(r),
            &mut |_| {
                calls += 1;
                Put::Stop
            },
        )
        .expect("read");
        assert_eq!(calls, 1);
        assert!(st.records <= shape.batch_records as u64 + 1 && st.records < all);
    }
}
