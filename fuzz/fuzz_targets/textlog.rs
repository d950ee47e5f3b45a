#![no_main]
//! netsh and other text logs (leading timestamps in several formats, or a user's chrono format)
//! from any bytes: the log invariants of `common`, for both text kinds. An input that starts
//! with `%` gives its first line as `log_time_format`.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (fmt, body) = match data.first() {
        Some(b'%') => {
            let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
            let fmt = String::from_utf8_lossy(&data[..end]).into_owned();
            (Some(fmt), data.get(end + 1..).unwrap_or(&[]))
        }
        _ => (None, data),
    };
    common::check_log(body, SourceKind::NetshText, fmt.as_deref());
    common::check_log(body, SourceKind::TextLog, fmt.as_deref());
});
