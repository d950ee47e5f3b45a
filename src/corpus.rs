//! Deterministic synthetic trace logs for benchmarks and scale tests: the same seed gives the
//! same bytes. The mix (internal trace lines, SIP blocks with headers and bodies, EWS calls, a few
//! failures and noise with bare numbers) follows the record layout in the domain notes; it is not
//! a copy of any real log.

use chrono::{Duration, NaiveDateTime};
use std::io::{self, Write};

/// A small, fast, seedable generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T: ?Sized>(&mut self, xs: &[&'a T]) -> &'a T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// What a generated log holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CorpusStats {
    pub bytes: u64,
    pub records: u64,
    pub lines: u64,
    /// EWS 401 records (each should become one `ews-auth-failed` evidence).
    pub ews_401: u64,
}

const CLASSES: &[&str] = &[
    "CUccEndpoint::ProcessEvent",
    "CSIPStack::SendMessage",
    "CUccSession::OnStateChanged",
    "CPresenceSubscription::Refresh",
    "CMediaManager::UpdateStats",
    "CConversationHistory::Store",
];
const WORDS: &[&str] = &[
    "state",
    "changed",
    "to",
    "connected",
    "idle",
    "refresh",
    "timer",
    "fired",
    "queue",
    "length",
    "handle",
    "context",
    "ok",
    "pending",
    "done",
    "begin",
    "end",
];
const PEERS: &[&str] = &[
    "rlee@contoso.com",
    "mkim@contoso.com",
    "ext@fabrikam.com",
    "ops@contoso.com",
];
const METHODS: &[&str] = &[
    "INVITE",
    "MESSAGE",
    "SUBSCRIBE",
    "NOTIFY",
    "BENOTIFY",
    "SERVICE",
    "BYE",
];

struct W<'a, O: Write> {
    out: &'a mut O,
    stats: CorpusStats,
}

impl<O: Write> W<'_, O> {
    fn line(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"\r\n")?;
        self.stats.bytes += s.len() as u64 + 2;
        self.stats.lines += 1;
        Ok(())
    }

    fn record(&mut self, t: NaiveDateTime, tid: &str, level: &str, msg: &str) -> io::Result<()> {
        self.stats.records += 1;
        let l = format!(
            "{} {tid} {level:<5} :: {msg}",
            t.format("%m/%d/%Y|%H:%M:%S%.3f")
        );
        self.line(&l)
    }
}

/// Write a UccApilog of at least `target_bytes` (CRLF endings) starting at `start`.
pub fn write_uccapilog<O: Write>(
    out: &mut O,
    seed: u64,
    target_bytes: u64,
    start: NaiveDateTime,
) -> io::Result<CorpusStats> {
    let mut rng = Rng::new(seed);
    let mut w = W {
        out,
        stats: CorpusStats::default(),
    };
    let mut t = start;
    let mut cseq = 1u64;
    while w.stats.bytes < target_bytes {
        t += Duration::milliseconds(rng.below(40) as i64 + 1);
        let tid = format!("1F68:{:X}", 0xC00 + rng.below(32));
        let roll = rng.below(100);
        if roll < 62 {
            let mut msg = format!("{} - ", rng.pick(CLASSES));
            for _ in 0..(3 + rng.below(10)) {
                msg.push_str(rng.pick(WORDS));
                msg.push(' ');
            }
            msg.push_str(&format!("id={}", rng.below(100_000)));
            w.record(t, &tid, "INFO", &msg)?;
        } else if roll < 90 {
            let sent = rng.below(2) == 0;
            let peer = rng.pick(PEERS);
            let (open, close) = if sent {
                (
                    "Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes:",
                    "End of Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes",
                )
            } else {
                (
                    "Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 1096 bytes:",
                    "End of Data Received -192.0.2.10:5061 (To Local Address: 198.51.100.35:20323) 1096 bytes",
                )
            };
            w.record(t, &tid, "INFO", open)?;
            let method = rng.pick(METHODS);
            let start_line = if sent || rng.below(3) == 0 {
                format!("{method} sip:{peer} SIP/2.0")
            } else {
                match rng.below(10) {
                    0 => "SIP/2.0 480 Temporarily Unavailable".to_string(),
                    1 => "SIP/2.0 401 Unauthorized".to_string(),
                    _ => "SIP/2.0 200 OK".to_string(),
                }
            };
            w.record(t, &tid, "INFO", &start_line)?;
            cseq += 1;
            w.line("Via: SIP/2.0/TLS 198.51.100.35:20323;branch=z9hG4bK1;ms-received-port=20323")?;
            w.line(&format!(
                "From: <sip:jdoe@contoso.com>;tag={:x}",
                rng.next_u64()
            ))?;
            w.line(&format!("To: <sip:{peer}>"))?;
            w.line(&format!("Call-ID: {:x}", rng.next_u64()))?;
            w.line(&format!("CSeq: {cseq} {method}"))?;
            w.line("User-Agent: UCCAPI/16.0.6366.2062 OC/16.0.6366.2062 (Skype for Business)")?;
            w.line("Content-Type: application/sdp")?;
            w.line("Content-Length: 240")?;
            w.line("")?;
            for _ in 0..rng.below(6) {
                w.line(&format!(
                    "a=candidate:{} 1 UDP {} 198.51.100.35 {} typ host",
                    rng.below(10),
                    rng.below(1 << 31),
                    20000 + rng.below(10000)
                ))?;
            }
            w.record(t, &tid, "INFO", close)?;
        } else if roll < 96 {
            w.record(
                t,
                &tid,
                "INFO",
                "EWS request POST https://mail.contoso.com/EWS/Exchange.asmx",
            )?;
            w.line("<m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Message><t:ItemClass>IPM.Note</t:ItemClass></t:Message></m:Items></m:CreateItem>")?;
            t += Duration::milliseconds(300);
            if rng.below(8) == 0 {
                w.stats.ews_401 += 1;
                w.record(t, &tid, "ERROR", "EWS response HTTP/1.1 401 Unauthorized")?;
            } else {
                w.record(t, &tid, "INFO", "EWS response HTTP/1.1 200 OK")?;
            }
        } else {
            let n = 400 + rng.below(20);
            w.record(
                t,
                "2A0:2A4",
                "INFO",
                &format!("Media stats: lost {n} packets, {} bytes", n * 10 + 7),
            )?;
        }
    }
    Ok(w.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_the_parser_agrees_on_counts() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("t");
        let mut a = Vec::new();
        let sa = write_uccapilog(&mut a, 7, 200_000, start).expect("gen");
        let mut b = Vec::new();
        write_uccapilog(&mut b, 7, 200_000, start).expect("gen");
        assert_eq!(a, b);
        assert_eq!(sa.bytes, a.len() as u64);
        let m = crate::parse::markers::Markers::builtin().expect("m");
        let opts = crate::parse::logs::ParseOptions::utc(&m);
        let o = crate::parse::logs::parse_log(
            a.as_slice(),
            crate::model::SourceKind::Uccapilog,
            std::path::Path::new("g"),
            &opts,
        )
        .expect("parse");
        assert_eq!(o.records, sa.records);
        assert_eq!(o.lines, sa.lines);
        let fails = o
            .events
            .iter()
            .filter(|e| e.kind == crate::model::EventKind::EwsFailure)
            .count() as u64;
        assert_eq!(
            fails, sa.ews_401,
            "every EWS 401, and no SIP 401 or noise line"
        );
        assert!(sa.ews_401 > 0);
    }
}
