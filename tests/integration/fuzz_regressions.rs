//! Inputs the fuzz targets (see `fuzz/`) found crashing, kept as regression tests. Each file in
//! `tests/fuzz_regressions/` is the artifact libFuzzer wrote; the test repeats the target's check.

use spoolscope::parse::psexport::parse_export;
use std::path::Path;

/// `psexport`: a quoted CSV header with line breaks made the "no subject column" refusal span
/// several lines (the refusal must be one line).
#[test]
fn psexport_refusal_with_multiline_column_names_is_one_line() {
    let data = include_bytes!("../fuzz_regressions/psexport-multiline-columns.bin");
    let text = String::from_utf8_lossy(data);
    let e = parse_export(Path::new("x.csv"), &text)
        .expect_err("a refusal")
        .to_string();
    assert!(!e.contains('\n') && !e.contains('\r'), "multi-line: {e:?}");
    assert!(e.contains("no subject column"), "{e}");
}

/// `etl`: a binary trace numbers its records as its "lines", so the text-log bound (no more lines
/// than `\n` bytes + 1) does not apply to it; the shared invariants once asserted it anyway.
#[test]
fn etl_records_are_not_bounded_by_newline_bytes() {
    // The fuzz target also reads its input behind a valid header buffer, as here.
    let data = spoolscope::parse::etl::synth::around(include_bytes!(
        "../fuzz_regressions/etl-lines-are-records.bin"
    ));
    let data = data.as_slice();
    let whole = crate::log_properties::fuzz_common::check_log_tz(
        data,
        spoolscope::model::SourceKind::Etl,
        None,
        spoolscope::parse::logs::LogTz::Utc,
        Some(7),
    );
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(whole.records > 0, "the input holds records");
    assert!(whole.lines > newlines + 1, "the case the old bound refused");
}

/// `etl`: a TraceLogging provider name holding a `\r` reached an event's excerpt, which must be
/// one line (found by the 30-minute run of the `etl` target).
#[test]
fn etl_provider_name_with_a_carriage_return_stays_one_line() {
    let raw = include_bytes!("../fuzz_regressions/etl-provider-name-with-cr.bin");
    for data in [raw.to_vec(), spoolscope::parse::etl::synth::around(raw)] {
        let out = crate::log_properties::fuzz_common::check_log_tz(
            &data,
            spoolscope::model::SourceKind::Etl,
            None,
            spoolscope::parse::logs::LogTz::Utc,
            Some(7),
        );
        for e in &out.events {
            assert!(!e.excerpt.contains(['\r', '\n']), "{:?}", e.excerpt);
        }
    }
}
