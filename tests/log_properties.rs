//! Properties of the log parsers (the ones the `uccapilog`/`textlog`/`tracerpt_*` fuzz targets
//! check, run here on every `cargo test` with proptest): the result does not depend on how the
//! reader splits the input, and the counts are consistent.

use proptest::prelude::*;
use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, LogOutput, ParseOptions};
use spoolscope::parse::markers::Markers;
use std::io::Read;
use std::path::Path;

const DEMO: &str = include_str!("../assets/demo/Lync-UccApi-0.UccApilog");

/// Hands out the input in pieces of 1..=step bytes.
struct Dribble<'a> {
    data: &'a [u8],
    step: usize,
    turn: usize,
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.turn += 1;
        let n = (1 + self.turn % self.step)
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn parse(r: impl Read + Send, kind: SourceKind, m: &Markers) -> LogOutput {
    let opts = ParseOptions::utc(m);
    parse_log(r, kind, Path::new("p.log"), &opts).expect("in-memory read")
}

fn consistent(o: &LogOutput) {
    let counted: u64 = o.counts.values().sum();
    assert_eq!(counted, o.events.len() as u64 + o.not_kept);
    if let (Some(a), Some(b)) = (o.first, o.last) {
        assert!(a <= b);
    }
}

/// The demo log (its `{T:…}` templates made concrete), with hostile bytes spliced in.
fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    let base = spoolscope::demo::render_log_template(DEMO, chrono::Utc::now()).into_bytes();
    (
        prop::collection::vec(any::<u8>(), 0..64),
        0..base.len(),
        any::<bool>(),
    )
        .prop_map(move |(junk, at, utf16)| {
            let mut v = base.clone();
            v.splice(at..at, junk);
            if utf16 {
                let s = String::from_utf8_lossy(&v).into_owned();
                let mut w = vec![0xFF, 0xFE];
                for u in s.encode_utf16() {
                    w.extend_from_slice(&u.to_le_bytes());
                }
                // Odd length: half a code unit at the end.
                w.push(b'x');
                v = w;
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn parse_does_not_depend_on_read_sizes(data in log_bytes(), step in 1usize..40) {
        let m = Markers::builtin().expect("markers");
        for kind in [SourceKind::Uccapilog, SourceKind::NetshText, SourceKind::TracerptCsv] {
            let whole = parse(&data[..], kind, &m);
            let bits = parse(Dribble { data: &data, step, turn: 0 }, kind, &m);
            consistent(&whole);
            consistent(&bits);
            prop_assert_eq!(whole.lines, bits.lines);
            prop_assert_eq!(whole.records, bits.records);
            prop_assert_eq!(&whole.counts, &bits.counts);
            prop_assert_eq!(whole.events.len(), bits.events.len());
            prop_assert_eq!(whole.bad_times, bits.bad_times);
        }
    }
}
