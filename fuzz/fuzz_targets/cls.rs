#![no_main]
//! Server CLS / OCSLogger text traces (`TL_…(…) […]PID.TID::date-time (…)` headers,
//! `$$begin_record … $$end_record`) from any bytes: the log invariants of `common`.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check_log(data, SourceKind::Cls, None);
});
