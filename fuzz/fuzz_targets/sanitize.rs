#![no_main]
//! The sanitiser, from any text: `line` escapes exactly the unsafe characters (safe text is
//! returned unchanged, every unsafe one becomes a visible `\x..`/`\u{..}` escape, nothing raw
//! remains); `block` keeps the line structure and only newlines; `cell` and `fit` respect their
//! width in terminal columns (CJK and emoji count two), `fit` exactly.
use libfuzzer_sys::fuzz_target;
use spoolscope::sanitize::{self, is_unsafe};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let unsafe_n = s.chars().filter(|&c| is_unsafe(c)).count();
    let l = sanitize::line(&s);
    assert!(!l.chars().any(is_unsafe));
    if unsafe_n == 0 {
        assert_eq!(l, s, "safe text was changed");
    }
    // Exactly the documented escapes, everything else as it was.
    let mut want = String::new();
    for c in s.chars() {
        let u = c as u32;
        if !is_unsafe(c) {
            want.push(c);
        } else if u < 0x100 {
            want.push_str(&format!("\\x{u:02x}"));
        } else {
            want.push_str(&format!("\\u{{{u:04x}}}"));
        }
    }
    assert_eq!(l, want);
    let b = sanitize::block(&s);
    assert!(!b.chars().any(|c| c != '\n' && is_unsafe(c)));
    assert_eq!(b.matches('\n').count(), s.matches('\n').count(), "lines added or lost");
    for w in [0usize, 1, 2, 3, 17, 80] {
        let cut = sanitize::cell(&s, w);
        assert!(sanitize::width(&cut) <= w, "cell({w}) is {} columns", sanitize::width(&cut));
        assert!(!cut.chars().any(is_unsafe));
        let head = cut.trim_end_matches('…');
        assert!(l.starts_with(head), "cell is not a prefix of the line");
        let f = sanitize::fit(&s, w);
        assert_eq!(sanitize::width(&f), w, "fit({w}) is {} columns: {f:?}", sanitize::width(&f));
    }
});
