#![no_main]
//! The sanitiser: its output never holds a control character (a block keeps only newlines).
use libfuzzer_sys::fuzz_target;
use spoolscope::sanitize;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    assert!(!sanitize::line(&s).chars().any(sanitize::is_unsafe));
    assert!(!sanitize::block(&s).chars().any(|c| c != '\n' && sanitize::is_unsafe(c)));
    let cut = sanitize::cell(&s, 17);
    assert!(cut.chars().count() <= 17 && !cut.chars().any(sanitize::is_unsafe));
});
