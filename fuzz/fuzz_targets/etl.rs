#![no_main]
//! A binary `.etl` from any bytes, as given and behind a valid header buffer (so the record
//! reader sees every input): no panic; kept + not-kept events equal the counts; first <= every
//! event time <= last; event lines within the records walked; notes and problems one line each;
//! every event's file offset inside the file, in file order; the same result twice and whatever
//! the read sizes.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;
use spoolscope::parse::etl::synth;
use spoolscope::parse::logs::{parse_log, ParseOptions};
use std::path::Path;

#[path = "common/mod.rs"]
mod common;

fn offsets(data: &[u8]) {
    let opts = ParseOptions::utc(common::markers());
    let a = parse_log(data, SourceKind::Etl, Path::new("f.etl"), &opts).expect("a slice reads");
    let b = parse_log(data, SourceKind::Etl, Path::new("f.etl"), &opts).expect("a slice reads");
    assert_eq!(a.events, b.events, "same input, same events");
    assert_eq!(a.etl, b.etl);
    let mut last = 0u64;
    for e in &a.events {
        let off = e.values.get("offset").expect("every etl event has its offset");
        let off = u64::from_str_radix(off.trim_start_matches("0x"), 16).expect("hex offset");
        assert!((off as usize) < data.len(), "offset {off} past the end ({})", data.len());
        assert!(off >= last, "offsets out of file order: {off} after {last}");
        last = off;
        assert!(e.excerpt.contains(&format!("@{off:#x}")));
    }
}

fuzz_target!(|data: &[u8]| {
    common::check_log(data, SourceKind::Etl, None);
    offsets(data);
    let wrapped = synth::around(data);
    common::check_log(&wrapped, SourceKind::Etl, None);
    offsets(&wrapped);
});
