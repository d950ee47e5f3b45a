#![no_main]
//! The spool sniffer on arbitrary bytes: never panics, and the text views of what it extracted
//! are always free of control characters.
use libfuzzer_sys::fuzz_target;
use spoolscope::parse::spool::sniff;
use spoolscope::sanitize;

fuzz_target!(|data: &[u8]| {
    for truncated in [false, true] {
        let s = sniff(data, truncated);
        for v in s.fields.subject.iter().chain(s.fields.from.iter()).chain(s.fields.to.iter()) {
            assert!(!sanitize::line(v).chars().any(sanitize::is_unsafe));
        }
    }
});
