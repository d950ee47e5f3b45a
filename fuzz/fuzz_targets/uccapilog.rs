#![no_main]
//! UccApilog records (`MM/DD/YYYY|HH:MM:SS.mmm` headers, SIP blocks) from any bytes (any
//! encoding, BOM or none): the log invariants of `common` (counts add up; lines and records
//! within the file; events in file order, on the file's lines, one-line excerpts, inside the
//! time span; the same events whole, in 1..13-byte pieces and a second time), and the same
//! output read on one thread and on two, whichever thread classifies which batch, in small
//! batches.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;
use spoolscope::parse::logs::uccapilog::parse_with;
use spoolscope::parse::logs::workers::{Shape, Share};
use spoolscope::parse::logs::ParseOptions;
use spoolscope::parse::logstream::{LineReader, Utf8Stream, LINE_CAP};
use std::path::Path;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check_log(data, SourceKind::Uccapilog, None);
    // The shape comes from the input's first bytes (the whole input is still the log).
    let pick = |i: usize| data.get(i).copied().unwrap_or(0) as usize;
    let opts = ParseOptions::utc(common::markers());
    let read = |two_threads: bool, share: Share, batch_records: usize, batch_bytes: usize| {
        let stream = Utf8Stream::new(data).expect("a slice never fails to read");
        let mut lines = LineReader::new(stream, LINE_CAP);
        let shape = Shape {
            two_threads,
            reader_classifies: share,
            batch_records,
            batch_bytes,
        };
        let mut out = parse_with(&mut lines, Path::new("fuzz.UccApilog"), &opts, shape)
            .expect("a slice never fails to read");
        out.finish();
        out
    };
    let one = read(false, Share::Every(0), 256, 4 << 20);
    let two = read(
        true,
        Share::Every((pick(0) % 4) as u64),
        1 + pick(1) % 8,
        1 + pick(2) * 64,
    );
    common::same(&one, &two, "one thread vs two");
});
