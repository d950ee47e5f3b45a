#![no_main]
//! PowerShell exports (Export-Csv, ConvertTo-Json, Format-List) from any text: no panic; a
//! refusal is one line; CSV row numbers rise and stay within the text; every record read
//! serialises to JSON.
use libfuzzer_sys::fuzz_target;
use spoolscope::parse::psexport::{csv_rows, format_list_records, json_records, parse_export};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count() as u64;
    for delim in [',', ';', '\t'] {
        let mut prev = 0;
        for (no, _) in csv_rows(&text, delim) {
            assert!(no >= 1 && no <= lines, "row at line {no} of {lines}");
            assert!(no > prev, "row numbers not rising: {prev} then {no}");
            prev = no;
        }
    }
    let _ = format_list_records(&text);
    if let Err(e) = json_records(&text) {
        assert!(!e.contains('\n'), "multi-line JSON error: {e:?}");
    }
    match parse_export(Path::new("fuzz-export.csv"), &text) {
        Err(e) => assert!(!e.contains('\n'), "multi-line error: {e:?}"),
        Ok(None) => {}
        Ok(Some(f)) => {
            let json = serde_json::to_string(&f).expect("serialises");
            assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        }
    }
});
