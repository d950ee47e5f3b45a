#![no_main]
//! tracerpt CSV (FILETIME clock, quoted user data) from any bytes (any encoding, BOM or none):
//! the log invariants of `common` (counts add up; lines and records within the file; events in
//! file order, on the file's lines, one-line excerpts, inside the time span; the same events
//! whole, in 1..13-byte pieces and a second time).
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check_log(data, SourceKind::TracerptCsv, None);
});
