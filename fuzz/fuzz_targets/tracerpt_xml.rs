#![no_main]
//! tracerpt XML (streamed; no DTD, no entity expansion) from any bytes (any encoding, BOM or none): no panic; kept + not-kept events equal the
//! counts; first <= every event time <= last; event lines within the file; the result does not
//! depend on how the reader splits the input.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check_log(data, SourceKind::TracerptXml, None);
});
