//! Issue 14: one UccApilog read four ways gives one result. A whole read, a read through a
//! reader that hands out random small chunks, a read split over two threads (the reading thread
//! classifying any share of the batches, batches of any size), and an incremental read of the
//! same bytes appended in random pieces (`source::tail`) agree on everything the model and the
//! rules take from a log: kept events (the evidence lines), exact tallies (with the per-minute
//! counts), counts per kind, routine events past the cap, records, lines, times and notes.
//! The findings are a pure function of those (`diagnose` reads the model only), so they agree
//! too. Generated logs of both shapes, in every encoding, with a random routine cap so that
//! events past it (counted, their values unread) are always in play.

use crate::tail_properties::{append, enc_strategy, encode};
use proptest::prelude::*;
use spoolscope::corpus::{write_uccapilog_profile, Profile};
use spoolscope::model::{EventBound, SourceKind};
use spoolscope::parse::logs::workers::{Shape, Share};
use spoolscope::parse::logs::{parse_log, parse_log_shaped, LogOutput, ParseOptions};
use spoolscope::parse::markers::Markers;
use spoolscope::source::tail::Tail;
use std::io::Read;

/// A reader that hands out at most `step` bytes per call.
struct Chunks<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything the model and the rules take from a log's output, compared field by field.
fn agree(a: &LogOutput, b: &LogOutput, how: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(&a.events, &b.events, "events: {}", how);
    prop_assert_eq!(&a.tallies, &b.tallies, "tallies: {}", how);
    prop_assert_eq!(&a.drafts, &b.drafts, "drafts reading: {}", how);
    let cells = |o: &LogOutput| -> Vec<Vec<_>> {
        o.tallies
            .iter()
            .map(|t| t.minutes.cells().collect())
            .collect()
    };
    prop_assert_eq!(cells(a), cells(b), "minute counts: {}", how);
    prop_assert_eq!(&a.counts, &b.counts, "counts: {}", how);
    prop_assert_eq!(
        (
            a.not_kept,
            a.unclassified_lines,
            a.records,
            a.lines,
            a.skipped
        ),
        (
            b.not_kept,
            b.unclassified_lines,
            b.records,
            b.lines,
            b.skipped
        ),
        "sums: {}",
        how
    );
    prop_assert_eq!(
        (a.bad_times, a.truncated_lines, a.first, a.last, a.growing),
        (b.bad_times, b.truncated_lines, b.first, b.last, b.growing),
        "span: {}",
        how
    );
    prop_assert_eq!(
        (a.encoding, &a.notes),
        (b.encoding, &b.notes),
        "notes: {}",
        how
    );
    Ok(())
}

/// Accounts a generated log names (the sender of its SIP traffic first).
fn candidates() -> Vec<(usize, String)> {
    ["jdoe@contoso.com", "rlee@contoso.com", "mkim@contoso.com"]
        .iter()
        .enumerate()
        .map(|(i, a)| (i, a.to_string()))
        .collect()
}

/// SIP answers whose `From` names one account while the record names two: past the cap the
/// answer is counted under the account the record names, and one thread or two (the reading one
/// building answers the other only counts) give the same tallies.
#[test]
fn routine_answers_with_two_candidate_accounts_agree_on_any_thread() {
    let mut s = String::new();
    for i in 0..40u32 {
        s.push_str(&format!(
            "03/02/2026|09:40:{i:02}.101 1F68:C14 INFO  :: Data Received - 192.0.2.10:5061 bytes:\r\n\
             SIP/2.0 200 OK autodiscover\r\nFrom: <sip:alice@contoso.com>;tag=a1\r\n\
             To: <sip:bob@contoso.com>;tag=b1\r\n\r\n"
        ));
    }
    let m = Markers::builtin().expect("markers");
    let accounts = [
        (0usize, "alice@contoso.com".to_string()),
        (1usize, "bob@contoso.com".to_string()),
    ];
    let mut opts = ParseOptions::utc(&m);
    opts.accounts = &accounts;
    opts.bound = EventBound {
        routine: 3,
        ..EventBound::default()
    };
    let read = |two_threads: bool| {
        let shape = Shape {
            two_threads,
            reader_classifies: Share::Every(1),
            batch_records: 256,
            batch_bytes: 4 << 20,
        };
        let path = std::path::Path::new("r.UccApilog");
        parse_log_shaped(s.as_bytes(), SourceKind::Uccapilog, path, &opts, shape).expect("parse")
    };
    let (one, two) = (read(false), read(true));
    assert!(one.not_kept > 30, "{}", one.not_kept);
    assert_eq!(one.tallies, two.tallies);
    let cells = |o: &LogOutput| -> Vec<Vec<_>> {
        o.tallies
            .iter()
            .map(|t| t.minutes.cells().collect())
            .collect()
    };
    assert_eq!(cells(&one), cells(&two));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn whole_chunked_threaded_and_tailed_reads_agree(
        seed in 0u64..10_000,
        dense in any::<bool>(),
        cap in 0u64..60,
        enc in enc_strategy(),
        step in 1usize..5000,
        share in 0u64..4,
        batch in (1usize..48, 1usize..100_000),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..10),
        accounts in 0usize..4,
    ) {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(23, 58, 0))
            .expect("date");
        let profile = if dense { Profile::FailureDense } else { Profile::Routine };
        let mut text = Vec::new();
        write_uccapilog_profile(&mut text, seed, 96 << 10, start, profile).expect("generate");
        let bytes = encode(&String::from_utf8(text).expect("utf-8"), enc);
        let m = Markers::builtin().expect("markers");
        let mut opts = ParseOptions::utc(&m);
        opts.bound = EventBound { routine: cap, ..EventBound::default() };
        // None, one, or several candidates (an event then goes to the one its SIP `From` or
        // its record names, and a routine one past the cap to the one its record names).
        let candidates = candidates();
        opts.accounts = &candidates[..accounts.min(candidates.len())];
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Lync-UccApi-0.UccApilog");
        let kind = SourceKind::Uccapilog;

        let whole = parse_log(bytes.as_slice(), kind, &path, &opts).expect("whole");
        prop_assert!(whole.records > 100);
        prop_assert!(cap > 40 || whole.not_kept > 0, "past the cap");

        let chunked = parse_log(Chunks { data: &bytes, step }, kind, &path, &opts).expect("chunks");
        agree(&whole, &chunked, &format!("chunks of {step}"))?;

        for two_threads in [false, true] {
            let shape = Shape {
                two_threads,
                reader_classifies: Share::Every(share),
                batch_records: batch.0,
                batch_bytes: batch.1,
            };
            let split = parse_log_shaped(bytes.as_slice(), kind, &path, &opts, shape).expect("split");
            agree(&whole, &split, &format!("{shape:?}"))?;
        }

        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len())).collect();
        at.push(bytes.len());
        at.sort_unstable();
        at.dedup();
        std::fs::write(&path, &bytes[..at[0]]).expect("write");
        let mut tail = Tail::open(&path, kind).expect("open");
        let mut last = tail.read(&opts).expect("first read").out;
        for w in at.windows(2) {
            append(&path, &bytes[w[0]..w[1]]);
            last = tail.read(&opts).expect("tail read").out;
        }
        agree(&whole, &last, &format!("appended at {at:?}"))?;
    }
}
