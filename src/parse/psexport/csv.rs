//! `Export-Csv` text → records (RFC 4180 quoting, any delimiter PowerShell offers).

use super::*;

/// Split CSV text into rows of fields, with the 1-based line each row starts on.
/// RFC 4180 quoting (`""` inside quotes), newlines inside quotes, any single-char delimiter.
pub fn csv_rows(text: &str, delim: char) -> Vec<(u64, Vec<String>)> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1u64;
    let mut start = 1u64;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
                any = true;
            }
            '\r' => {}
            '\n' => {
                if any || !field.is_empty() {
                    row.push(std::mem::take(&mut field));
                    rows.push((start, std::mem::take(&mut row)));
                }
                any = false;
                line += 1;
                start = line;
            }
            c if c == delim => {
                row.push(std::mem::take(&mut field));
                any = true;
            }
            _ => {
                field.push(c);
                any = true;
            }
        }
    }
    if any || !field.is_empty() {
        row.push(field);
        rows.push((start, row));
    }
    rows
}

/// The delimiter of a header line: the most frequent of `,` `;` tab outside quotes.
pub(super) fn delimiter(header: &str) -> Option<char> {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in header.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map(|(d, _)| *d)
}

/// CSV text → records, or `None` when the first line is not a header with a delimiter.
/// Returns the records and the number of rows whose field count did not match the header.
pub fn csv_records(text: &str) -> Option<(Vec<Record>, u64, bool)> {
    // Skip leading blank lines and the `#TYPE …` line `Export-Csv` writes without -NoTypeInformation.
    let mut offset = 0usize;
    let mut skipped_lines = 0u64;
    let mut type_line = false;
    for l in text.split_inclusive('\n') {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            type_line |= t.starts_with("#TYPE");
            offset += l.len();
            skipped_lines += 1;
        } else {
            break;
        }
    }
    let body = &text[offset..];
    let header_line = body.lines().next()?;
    let delim = delimiter(header_line)?;
    let rows = csv_rows(body, delim);
    let mut it = rows.into_iter();
    let (_, header) = it.next()?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let mut out = Vec::new();
    let mut bad = 0u64;
    for (line, row) in it {
        if row.len() == 1 && row[0].trim().is_empty() {
            continue;
        }
        if row.len() != header.len() {
            bad += 1;
            continue;
        }
        out.push(Record {
            line: Some(line + skipped_lines),
            fields: header.iter().cloned().zip(row).collect(),
        });
    }
    Some((out, bad, type_line))
}
