//! What counts as a report or a `watch` stream for `fleet`: one rule for a file's first bytes
//! (a folder's file not named like a report) and for a whole file being read.
//!
//! A report is what `report --format json` writes: an object with `schema_version` and no
//! `kind` (fleet's own JSON output has `"kind": "fleet"`), holding the report's `accounts`,
//! `findings` or `summary`. A stream line is what `watch --format ndjson` writes: a `type` this
//! build writes, and a `host` (a string, or null when the machine's name was not known).

use crate::report::ndjson::LineType;
use serde_json::Value;

/// What a file's first bytes look like.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// A report or a stream line, or something that could be one: read it (what is wrong
    /// with it then is an error line).
    Read,
    /// Not a JSON object starting with a report's or a stream's first key: counted in the
    /// folder's note.
    Other,
    /// A JSON object with a report's or a stream's first key that is none: left out, with the
    /// reason, in a note of its own.
    NotAReport(String),
}

/// How much of an untrusted value a reason quotes.
const QUOTED: usize = 40;

fn quoted(s: &str) -> String {
    let mut q: String = s.chars().take(QUOTED).collect();
    if q.len() < s.len() {
        q.push('…');
    }
    format!("{q:?}")
}

/// Why a document with this `kind` is not a report.
pub(super) fn kind_not_a_report(kind: &Value) -> String {
    match kind.as_str() {
        Some("fleet") => {
            "\"kind\": \"fleet\": spoolscope fleet's own output, not a report".to_string()
        }
        Some(k) => format!(
            "\"kind\": {}: not a report (a report has no kind)",
            quoted(k)
        ),
        None => "has a \"kind\": not a report (a report has no kind)".to_string(),
    }
}

/// Why an object with a `type` is not a `watch` line, if it is not.
pub(super) fn not_a_watch_line(v: &Value) -> Option<String> {
    let Some(name) = v.get("type").and_then(Value::as_str) else {
        return Some("its \"type\" is not a string: not a watch line".into());
    };
    if LineType::from_name(name).is_none() {
        return Some(format!(
            "\"type\" {} is not a watch line's type",
            quoted(name)
        ));
    }
    match v.get("host") {
        Some(Value::String(_) | Value::Null) => None,
        _ => Some(format!("a watch {} line with no \"host\"", quoted(name))),
    }
}

/// A line shaped as a watch line (a string `type`, a `host`, a `time`) whose type this build
/// does not write: a line of a newer version's stream, left out of a stream with a note rather
/// than rejecting the whole stream.
pub(super) fn newer_watch_line(v: &Value) -> bool {
    let named = v
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
    named
        && matches!(v.get("host"), Some(Value::String(_) | Value::Null))
        && v.get("time").is_some_and(Value::is_string)
}

/// Why a report object is not a report's shape, if it is not (its `schema_version` is read by
/// the caller, which says what is wrong with that).
pub(super) fn not_a_report_shape(v: &Value) -> Option<String> {
    if let Some(k) = v.get("kind") {
        return Some(kind_not_a_report(k));
    }
    let has = |k: &str| v.get(k).is_some();
    if has("accounts") || has("findings") || has("summary") {
        None
    } else {
        Some("not a spoolscope report (no accounts, findings or summary)".into())
    }
}

/// A JSON string at the start of `s` (after white space): its value and what follows it.
/// `None` when `s` does not start with a whole string.
fn string_token(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let body = s.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                let v = serde_json::from_str::<String>(&s[..i + 2]).ok()?;
                return Some((v, &body[i + 1..]));
            }
            _ => {}
        }
    }
    None
}

/// The key at the start of `s` and the text after its `:`.
fn key(s: &str) -> Option<(String, &str)> {
    let (k, rest) = string_token(s)?;
    Some((k, rest.trim_start().strip_prefix(':')?))
}

/// Judge decoded first bytes of a file (cut anywhere). A report starts with `schema_version`
/// (then any key but `kind`), a stream with a `type` this build writes. Anything that could
/// still be one, as far as the bytes go, is read.
pub(super) fn judge_start(text: &str) -> Start {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let Some((first, rest)) = t.strip_prefix('{').and_then(key) else {
        return Start::Other;
    };
    match first.as_str() {
        "schema_version" => {
            // Past the version (a number as written; anything else is read and refused with
            // its reason) to the next key.
            let rest = rest.trim_start();
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
                .unwrap_or(rest.len());
            let next = rest[end..].trim_start().strip_prefix(',').and_then(key);
            match next {
                Some((k, v)) if k == "kind" => {
                    let kind = string_token(v).map_or(Value::Null, |(s, _)| Value::String(s));
                    Start::NotAReport(kind_not_a_report(&kind))
                }
                _ => Start::Read,
            }
        }
        "type" => match string_token(rest) {
            Some((name, _)) if LineType::from_name(&name).is_some() => Start::Read,
            Some((name, _)) => Start::NotAReport(format!(
                "a JSON object whose \"type\" {} is not a watch line's type",
                quoted(&name)
            )),
            // Cut inside the value: nothing to judge by, so read it.
            None if rest.trim_start().starts_with('"') => Start::Read,
            None => Start::NotAReport(
                "a JSON object whose \"type\" is not a string: not a watch line".into(),
            ),
        },
        _ => Start::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bytes_are_judged_by_the_report_and_stream_shapes() {
        let read = [
            "{\n  \"schema_version\": 1,\n  \"tool\": {",
            "\u{feff}{\"schema_version\":1}",
            "{\"schema_version\": 1",
            "{\"type\":\"scan-started\",\"time\":\"2026-03-02T14:00:00Z\",\"host\":\"h\"}\n",
            "{\"type\":\"item-sta",
        ];
        for t in read {
            assert_eq!(judge_start(t), Start::Read, "{t}");
        }
        for t in ["{\"host\": 1}", "hello", "[1]", "{\"type"] {
            assert_eq!(judge_start(t), Start::Other, "{t}");
        }
        let fleet = "{\n  \"schema_version\": 1,\n  \"kind\": \"fleet\",\n  \"reports\": 1";
        assert!(
            matches!(judge_start(fleet), Start::NotAReport(r) if r.contains("fleet's own output"))
        );
        let key = "{\"type\": \"service_account\", \"project_id\": \"x\"}";
        assert!(
            matches!(judge_start(key), Start::NotAReport(r) if r.contains("\"service_account\""))
        );
        assert!(matches!(judge_start("{\"type\": 3}"), Start::NotAReport(_)));
    }

    #[test]
    fn whole_objects_are_judged_by_the_same_shapes() {
        let v = |s: &str| serde_json::from_str::<Value>(s).expect("json");
        assert_eq!(
            not_a_watch_line(&v(r#"{"type":"heartbeat","host":null}"#)),
            None
        );
        assert!(not_a_watch_line(&v(r#"{"type":"heartbeat"}"#)).is_some());
        assert!(not_a_watch_line(&v(r#"{"type":"service_account","host":"h"}"#)).is_some());
        assert_eq!(
            not_a_report_shape(&v(r#"{"schema_version":1,"findings":[]}"#)),
            None
        );
        assert!(
            not_a_report_shape(&v(r#"{"schema_version":1,"kind":"fleet","rows":[]}"#))
                .is_some_and(|r| r.contains("fleet"))
        );
        assert!(
            not_a_report_shape(&v(r#"{"schema_version":1,"tool":"spoolscope","files":[]}"#))
                .is_some()
        );
    }
}
