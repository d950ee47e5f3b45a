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
    let e = parse_export(Path::new("x.csv"), &text).expect_err("a refusal");
    assert!(!e.contains('\n') && !e.contains('\r'), "multi-line: {e:?}");
    assert!(e.contains("no subject column"), "{e}");
}
