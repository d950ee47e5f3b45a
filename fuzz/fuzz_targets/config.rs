#![no_main]
//! The config file parser: any text gives a value or a one-line error, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Err(e) = spoolscope::config::parse(&s) {
        assert!(!e.contains('\n'), "multi-line error: {e:?}");
    }
});
