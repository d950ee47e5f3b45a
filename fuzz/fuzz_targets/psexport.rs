#![no_main]
//! PowerShell exports (Export-Csv, ConvertTo-Json, Format-List) from any text: no panic; a
//! refusal is one line; CSV row numbers rise and stay within the text; every record and every
//! item, folder and policy read points at a line of the text; the same text gives the same
//! file twice.
use libfuzzer_sys::fuzz_target;
use spoolscope::parse::psexport::{csv_rows, format_list_records, json_records, parse_export};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count() as u64;
    let within = |l: Option<u64>, what: &str| {
        if let Some(l) = l {
            assert!(l >= 1 && l <= lines, "{what} at line {l} of {lines}");
        }
    };
    for delim in [',', ';', '\t'] {
        let mut prev = 0;
        for (no, _) in csv_rows(&text, delim) {
            assert!(no >= 1 && no <= lines, "row at line {no} of {lines}");
            assert!(no > prev, "row numbers not rising: {prev} then {no}");
            prev = no;
        }
    }
    let mut prev = 0;
    for r in format_list_records(&text) {
        within(r.line, "Format-List record");
        if let Some(l) = r.line {
            assert!(l > prev, "Format-List records not in order: {prev} then {l}");
            prev = l;
        }
        for (k, _) in &r.fields {
            assert!(!k.contains('\n'), "a property name spans lines: {k:?}");
        }
    }
    match json_records(&text) {
        Err(e) => assert!(!e.to_string().contains('\n'), "multi-line JSON error: {e:?}"),
        Ok(rs) => rs.iter().for_each(|r| within(r.line, "JSON record")),
    }
    let first = parse_export(Path::new("fuzz-export.csv"), &text);
    match &first {
        Err(e) => assert!(!e.to_string().contains('\n'), "multi-line error: {e:?}"),
        Ok(None) => {}
        Ok(Some(f)) => {
            f.items.iter().for_each(|i| within(i.line, "item"));
            f.folders.iter().for_each(|x| within(x.line, "folder"));
            f.policies.iter().for_each(|p| within(p.line, "policy"));
        }
    }
    assert_eq!(first, parse_export(Path::new("fuzz-export.csv"), &text), "not deterministic");
});
