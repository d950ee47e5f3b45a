//! `ConvertTo-Json` text → records.

use super::*;

pub(super) fn json_scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Text that is not JSON; serde_json's reason (one line: its messages name a line and column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not valid JSON ({0})")]
pub struct JsonError(pub String);

/// `ConvertTo-Json` text → records (an array of objects, or one object).
pub fn json_records(text: &str) -> Result<Vec<Record>, JsonError> {
    let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| JsonError(e.to_string()))?;
    let objs: Vec<&serde_json::Map<String, serde_json::Value>> = match &v {
        serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_object()).collect(),
        serde_json::Value::Object(o) => {
            // `@{ value = @(…) }` style wrappers: one array of objects inside.
            match o.values().find_map(|x| x.as_array()) {
                Some(a) if o.len() <= 2 && a.iter().all(|x| x.is_object()) && !a.is_empty() => {
                    a.iter().filter_map(|x| x.as_object()).collect()
                }
                _ => vec![o],
            }
        }
        _ => Vec::new(),
    };
    Ok(objs
        .into_iter()
        .map(|o| Record {
            line: None,
            fields: o.iter().map(|(k, v)| (k.clone(), json_scalar(v))).collect(),
        })
        .collect())
}
