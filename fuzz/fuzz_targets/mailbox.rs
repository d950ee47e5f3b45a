#![no_main]
//! EWS FindItem/GetFolder responses (quick-xml, no DTD, no entities expanded) from any text:
//! no panic; a refusal or a cut reason is one line; what it reads serialises to valid JSON.
use libfuzzer_sys::fuzz_target;
use spoolscope::parse::mailbox::{looks_like_ews, parse_ews};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = looks_like_ews(&text);
    match parse_ews(Path::new("fuzz-finditem.xml"), &text) {
        Err(e) => assert!(!e.to_string().contains('\n'), "multi-line error: {e:?}"),
        Ok(None) => {}
        Ok(Some(ews)) => {
            if let Some(c) = &ews.cut {
                assert!(!c.contains('\n'), "multi-line cut reason: {c:?}");
            }
            let json = serde_json::to_string(&ews.file).expect("serialises");
            assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        }
    }
});
