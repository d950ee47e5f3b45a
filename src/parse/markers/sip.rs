//! SIP headers and derived values copied into event values.

use std::collections::BTreeMap;

/// SIP headers copied into the values of a SIP start-line event.
pub(super) const SIP_HEADERS: &[(&str, &str)] = &[
    ("from", "from"),
    ("f", "from"),
    ("to", "to"),
    ("t", "to"),
    ("call-id", "call_id"),
    ("i", "call_id"),
    ("cseq", "cseq"),
    ("user-agent", "user_agent"),
    ("ms-diagnostics", "ms_diagnostics"),
    ("content-type", "content_type"),
    ("c", "content_type"),
];

/// The length of the longest name in [`SIP_HEADERS`] (a longer name is none of them).
const LONGEST_HEADER: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < SIP_HEADERS.len() {
        if SIP_HEADERS[i].0.len() > n {
            n = SIP_HEADERS[i].0.len();
        }
        i += 1;
    }
    n
};

/// `status` for `status_2` (regex group names must be unique).
pub(super) fn base_name(n: &str) -> &str {
    match n.rsplit_once('_') {
        Some((b, d)) if !b.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => b,
        _ => n,
    }
}

/// Values that follow from others: the HTTP status inside an HTTP HRESULT (`0x8019xxxx`).
pub(super) fn derive_values(values: &mut BTreeMap<String, String>) {
    if values.contains_key("status") {
        return;
    }
    let Some(code) = values.get("code") else {
        return;
    };
    let c = code.to_ascii_lowercase();
    if let Some(low) = c.strip_prefix("0x8019") {
        if let Ok(n) = u32::from_str_radix(low, 16) {
            if (100..600).contains(&n) {
                values.insert("status".into(), n.to_string());
            }
        }
    }
}

/// SIP headers from the lines after a start line, up to the first blank line.
pub(super) fn sip_headers(lines: &[(u64, &str)], values: &mut BTreeMap<String, String>) {
    for &(_, l) in lines.iter().take(64) {
        let l = l.trim();
        if l.is_empty() {
            break;
        }
        let Some((name, v)) = l.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.len() > LONGEST_HEADER {
            continue;
        }
        if let Some((_, key)) = SIP_HEADERS
            .iter()
            .find(|(h, _)| h.len() == name.len() && h.eq_ignore_ascii_case(name))
        {
            let v = v.trim();
            if !values.contains_key(*key) {
                values.insert(key.to_string(), crate::parse::text::squash(v, 300));
            }
            let address_key = match *key {
                "from" => "from_address",
                "to" => "to_address",
                _ => continue,
            };
            if !values.contains_key(address_key) {
                if let Some(a) = crate::parse::text::first_address(v) {
                    values.insert(address_key.to_string(), a);
                }
            }
        }
    }
}
