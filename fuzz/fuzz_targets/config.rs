#![no_main]
//! The config file parser, from any text: a value or a one-line error; an error that names a
//! line names one of the file's lines; a value written back as TOML reads as the same value.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    match spoolscope::config::parse(&s) {
        Err(e) => {
            let e = e.to_string();
            assert!(!e.contains('\n'), "multi-line error: {e:?}");
            if let Some(n) = e
                .strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse::<usize>().ok())
            {
                let lines = s.split('\n').count();
                assert!(n >= 1 && n <= lines, "line {n} of {lines}: {e}");
            }
        }
        Ok(c) => {
            let back = toml::to_string(&c).expect("a parsed config serialises");
            assert_eq!(spoolscope::config::parse(&back), Ok(c), "round trip through {back:?}");
        }
    }
});
