//! `Format-Table` text → records: a header line, a line of dash runs under it, then rows cut
//! at the columns the dash runs mark, up to a blank line.

use super::*;

/// The records of every table in `text` (a transcript may hold several), each with the 1-based
/// line of its row. Columns are found by position (a heuristic: a value wider than its column
/// is cut by PowerShell, written `...` or `…`, and is then not a readable number).
pub fn format_table_records(text: &str) -> Vec<Record> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let Some(spans) = rule_spans(lines[i + 1]) else {
            i += 1;
            continue;
        };
        let names = cut_at(lines[i], &spans);
        if lines[i].trim().is_empty() || names.iter().any(String::is_empty) {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        while j < lines.len() && !lines[j].trim().is_empty() {
            out.push(Record {
                line: Some(j as u64 + 1),
                fields: names
                    .iter()
                    .cloned()
                    .zip(cut_at(lines[j], &spans))
                    .collect(),
            });
            j += 1;
        }
        i = j;
    }
    out
}

/// The character offsets where the dash runs of a rule line (`----  -------------`) start, or
/// `None` if the line is not one.
fn rule_spans(l: &str) -> Option<Vec<usize>> {
    let l = l.trim_end();
    if !l.contains('-') || !l.chars().all(|c| c == '-' || c == ' ') {
        return None;
    }
    let mut starts = Vec::new();
    let mut prev = ' ';
    for (i, c) in l.chars().enumerate() {
        if c == '-' && prev == ' ' {
            starts.push(i);
        }
        prev = c;
    }
    Some(starts)
}

/// `l` cut into the columns starting at `starts` (each up to the next start; the last to the
/// end of the line), trimmed.
fn cut_at(l: &str, starts: &[usize]) -> Vec<String> {
    let chars: Vec<char> = l.trim_end().chars().collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or(chars.len());
            let (s, end) = (s.min(chars.len()), end.min(chars.len()));
            chars[s..end].iter().collect::<String>().trim().to_string()
        })
        .collect()
}
