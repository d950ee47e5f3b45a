#![no_main]
//! Redaction of any item: never panics, never grows a binary item.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::Format;
use spoolscope::redact::{redact_binary, redact_item, redact_log_line};

fuzz_target!(|data: &[u8]| {
    for f in [Format::Xml, Format::Mime, Format::Text, Format::Binary, Format::Html] {
        let _ = redact_item(data, f);
    }
    assert_eq!(redact_binary(data).len(), data.len());
    let _ = redact_log_line(&String::from_utf8_lossy(data));
});
