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
    /// Received SIP blocks whose start line is `SIP/2.0 480 ...`.
    pub sip_480: u64,
    /// Records carrying a provisioning body with `<property name=...>` policy values.
    pub policy_records: u64,
}

/// The mix of a generated log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// Mostly internal trace lines and routine SIP/EWS traffic, few failures.
    #[default]
    Routine,
    /// A client that cannot reach EWS: about 1 record in 50 an EWS 401 failure, 1 in 7 a
    /// received SIP 480 block, 1 in 7 a provisioning body carrying policy values; the rest
    /// routine trace lines.
    FailureDense,
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

/// One SIP packet block: the open record, a start line (a request to a peer unless `status`
/// gives a response line; it is drawn after the peer and method, keeping the routine profile's
/// bytes as they were), headers, an SDP body, and the close record.
fn sip_block<O: Write>(
    w: &mut W<'_, O>,
    rng: &mut Rng,
    t: NaiveDateTime,
    tid: &str,
    sent: bool,
    status: impl FnOnce(&mut Rng) -> Option<&'static str>,
    cseq: &mut u64,
) -> io::Result<()> {
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
    w.record(t, tid, "INFO", open)?;
    let method = rng.pick(METHODS);
    let start_line = match status(rng) {
        Some(s) => s.to_string(),
        None => format!("{method} sip:{peer} SIP/2.0"),
    };
    w.record(t, tid, "INFO", &start_line)?;
    *cseq += 1;
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
    w.record(t, tid, "INFO", close)
}

/// An EWS CreateItem call and its response (401 when `denied`).
fn ews_call<O: Write>(
    w: &mut W<'_, O>,
    t: &mut NaiveDateTime,
    tid: &str,
    denied: bool,
) -> io::Result<()> {
    w.record(
        *t,
        tid,
        "INFO",
        "EWS request POST https://mail.contoso.com/EWS/Exchange.asmx",
    )?;
    w.line("<m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Message><t:ItemClass>IPM.Note</t:ItemClass></t:Message></m:Items></m:CreateItem>")?;
    *t += Duration::milliseconds(300);
    if denied {
        w.stats.ews_401 += 1;
        w.record(*t, tid, "ERROR", "EWS response HTTP/1.1 401 Unauthorized")
    } else {
        w.record(*t, tid, "INFO", "EWS response HTTP/1.1 200 OK")
    }
}

/// A routine internal trace line.
fn trace_line<O: Write>(
    w: &mut W<'_, O>,
    rng: &mut Rng,
    t: NaiveDateTime,
    tid: &str,
) -> io::Result<()> {
    let mut msg = format!("{} - ", rng.pick(CLASSES));
    for _ in 0..(3 + rng.below(10)) {
        msg.push_str(rng.pick(WORDS));
        msg.push(' ');
    }
    msg.push_str(&format!("id={}", rng.below(100_000)));
    w.record(t, tid, "INFO", &msg)
}

/// Write a UccApilog of at least `target_bytes` (CRLF endings) starting at `start`
/// ([`Profile::Routine`]).
pub fn write_uccapilog<O: Write>(
    out: &mut O,
    seed: u64,
    target_bytes: u64,
    start: NaiveDateTime,
) -> io::Result<CorpusStats> {
    write_uccapilog_profile(out, seed, target_bytes, start, Profile::Routine)
}

/// Write a UccApilog of at least `target_bytes` with the given mix.
pub fn write_uccapilog_profile<O: Write>(
    out: &mut O,
    seed: u64,
    target_bytes: u64,
    start: NaiveDateTime,
    profile: Profile,
) -> io::Result<CorpusStats> {
    match profile {
        Profile::Routine => write_routine(out, seed, target_bytes, start),
        Profile::FailureDense => write_failure_dense(out, seed, target_bytes, start),
    }
}

const POLICY_VALUES: &[&str] = &["true", "false"];
const TRACING: &[&str] = &["Full", "Light", "Off"];

fn write_failure_dense<O: Write>(
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
        // Out of 700: 14 (1 in 50) EWS 401, 100 (1 in 7) SIP 480, 100 provisioning.
        let roll = rng.below(700);
        if roll < 14 {
            // The failing call is one record of the three the call writes; the request and
            // the body line make it "about" 1 in 50 of the records.
            ews_call(&mut w, &mut t, &tid, true)?;
        } else if roll < 114 {
            w.stats.sip_480 += 1;
            let status = |_: &mut Rng| Some("SIP/2.0 480 Temporarily Unavailable");
            sip_block(&mut w, &mut rng, t, &tid, false, status, &mut cseq)?;
        } else if roll < 214 {
            w.stats.policy_records += 1;
            w.record(
                t,
                &tid,
                "INFO",
                "CUccProvisioning::OnInBandData - provisioning group received",
            )?;
            w.line(&format!(
                "<provisionGroup name=\"privacyPublicationGrouping\"><property name=\"EnableIMAutoArchiving\">{}</property><property name=\"EnableOfflineIM\">true</property><property name=\"TracingLevel\">{}</property></provisionGroup>",
                rng.pick(POLICY_VALUES),
                rng.pick(TRACING)
            ))?;
        } else {
            trace_line(&mut w, &mut rng, t, &tid)?;
        }
    }
    Ok(w.stats)
}

/// Write a routine-heavy UccApilog.
fn write_routine<O: Write>(
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
            trace_line(&mut w, &mut rng, t, &tid)?;
        } else if roll < 90 {
            let sent = rng.below(2) == 0;
            let status = |rng: &mut Rng| {
                if sent || rng.below(3) == 0 {
                    None
                } else {
                    match rng.below(10) {
                        0 => Some("SIP/2.0 480 Temporarily Unavailable"),
                        1 => Some("SIP/2.0 401 Unauthorized"),
                        _ => Some("SIP/2.0 200 OK"),
                    }
                }
            };
            sip_block(&mut w, &mut rng, t, &tid, sent, status, &mut cseq)?;
        } else if roll < 96 {
            let denied = rng.below(8) == 0;
            ews_call(&mut w, &mut t, &tid, denied)?;
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

    #[test]
    fn failure_dense_profile_has_the_stated_shape_and_the_parser_counts_it() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("t");
        let mut a = Vec::new();
        let st =
            write_uccapilog_profile(&mut a, 3, 400_000, start, Profile::FailureDense).expect("gen");
        assert_eq!(st.bytes, a.len() as u64);
        // About 1 record in 50 a failure, 1 in 7 a SIP 480 block, 1 in 7 a policy record
        // (each SIP block writes 3 records, each EWS call 2, so compare with the draws).
        let draws = st.ews_401 + st.sip_480 + st.policy_records;
        assert!(st.sip_480 * 10 > draws * 4, "{st:?}");
        assert!(st.policy_records * 10 > draws * 4, "{st:?}");
        assert!(st.ews_401 * 50 > st.sip_480 * 3, "{st:?}");
        let m = crate::parse::markers::Markers::builtin().expect("m");
        let opts = crate::parse::logs::ParseOptions::utc(&m);
        let o = crate::parse::logs::parse_log(
            a.as_slice(),
            crate::model::SourceKind::Uccapilog,
            std::path::Path::new("g"),
            &opts,
        )
        .expect("parse");
        assert_eq!(o.records, st.records);
        // Exact counts (the kept events are bounded per group).
        let count = |k: crate::model::EventKind| {
            o.tallies
                .iter()
                .filter(|t| t.kind == k)
                .map(|t| t.occurrences)
                .sum::<u64>()
        };
        assert_eq!(count(crate::model::EventKind::EwsFailure), st.ews_401);
        let sip480: u64 = o
            .tallies
            .iter()
            .filter(|t| {
                t.marker == "sip-response"
                    && t.values.get("status").map(String::as_str) == Some("480")
            })
            .map(|t| t.occurrences)
            .sum();
        assert_eq!(sip480, st.sip_480);
        // Three policy values per provisioning body.
        assert_eq!(
            count(crate::model::EventKind::Policy),
            3 * st.policy_records
        );
    }
}
