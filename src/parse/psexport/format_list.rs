//! `Format-List` text → records (`Name : Value` blocks, wrapped continuation lines).

use super::*;

/// `Format-List` text → records. Blocks are separated by blank lines; `Name : Value` lines start
/// a property; indented lines continue the previous value (joined with a space).
pub fn format_list_records(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut cur = Record::default();
    let mut last_key = false;
    for (n, raw) in text.lines().enumerate() {
        let l = raw.trim_end();
        if l.trim().is_empty() {
            if !cur.fields.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            last_key = false;
            continue;
        }
        let indented = l.starts_with([' ', '\t']);
        if indented && last_key {
            if let Some((_, v)) = cur.fields.last_mut() {
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(l.trim());
            }
            continue;
        }
        match key_value(l) {
            Some((k, v)) => {
                if cur.fields.is_empty() {
                    cur.line = Some(n as u64 + 1);
                }
                cur.fields.push((k.to_string(), v.to_string()));
                last_key = true;
            }
            None => last_key = false,
        }
    }
    if !cur.fields.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether `Format-List` text ends inside its last record: its last line has no line ending
/// (the value on it may be cut).
pub fn format_list_cut(text: &str) -> bool {
    !text.ends_with(['\n', '\r']) && text.lines().last().is_some_and(|l| !l.trim().is_empty())
}

/// `Name   : Value` with a name of letters, digits, `_`, `-`, `.` and no leading space.
pub(super) fn key_value(l: &str) -> Option<(&str, &str)> {
    let (k, v) = l.split_once(':')?;
    let k = k.trim_end();
    if k.is_empty()
        || k.starts_with(|c: char| !c.is_alphabetic())
        || !k
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return None;
    }
    Some((k, v.trim()))
}
