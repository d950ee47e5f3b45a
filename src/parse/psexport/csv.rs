//! `Export-Csv` text → records (RFC 4180 quoting, any delimiter PowerShell offers).

use super::*;

/// Split CSV text into rows of fields, with the 1-based line each row starts on.
/// RFC 4180 quoting (`""` inside quotes), newlines inside quotes, any single-char delimiter.
pub fn csv_rows(text: &str, delim: char) -> Vec<(u64, Vec<String>)> {
    csv_rows_cut(text, delim).0
}

/// [`csv_rows`], and how the text ends: inside its last row (an open quote, or no line ending
/// after a last value that is not quoted, so may be cut inside), and whether the last row has
/// no line ending at all (a row ending in a closed quote is whole but for its line ending).
fn csv_rows_cut(text: &str, delim: char) -> (Vec<(u64, Vec<String>)>, Ending) {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1u64;
    let mut start = 1u64;
    let mut chars = text.chars().peekable();
    let mut any = false;
    // The last character read closed a quoted field (a carriage return after it aside).
    let mut closed = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    closed = true;
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        if c != '\r' {
            closed = false;
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
    let open = any || !field.is_empty();
    let ending = Ending {
        cut: quoted || (open && !closed),
        unterminated: open,
    };
    if open {
        row.push(field);
        rows.push((start, row));
    }
    (rows, ending)
}

/// How CSV text ends (see [`csv_rows_cut`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ending {
    /// Inside its last row: that row's last value may be cut.
    cut: bool,
    /// The last row has no line ending.
    unterminated: bool,
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

/// What [`csv_records`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvRead {
    pub records: Vec<Record>,
    /// Rows whose field count did not match the header.
    pub bad: u64,
    /// The `#TYPE` line `Export-Csv` writes without `-NoTypeInformation` was there.
    pub type_line: bool,
    /// The text ended inside its last row (an open quote, or no line ending): that row is not
    /// among `records` and not counted in `bad`.
    pub cut: bool,
    /// The 1-based line the cut row starts on, when `cut`.
    pub cut_line: u64,
    /// Rows whose unquoted size value (`12.5 KB (12,800 bytes)`) had been split at its commas
    /// and were joined again (a heuristic).
    pub rejoined: u64,
    /// The header's names.
    pub header: Vec<String>,
}

/// `Export-Csv -UseQuotes Never` (PowerShell 7) leaves a size such as `12.5 KB (12,800 bytes)`
/// unquoted, so each `,` of its byte count splits it. Join such pieces back while the row has
/// more fields than `want` (one pass). Returns whether the row now has `want` fields.
fn rejoin_sizes(row: &mut Vec<String>, want: usize) -> bool {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let starts = |f: &str| {
        let Some((size, count)) = f.rsplit_once(" (") else {
            return false;
        };
        let size = size.trim();
        let unit_ok = ["B", "KB", "MB", "GB", "TB"]
            .iter()
            .any(|u| size.strip_suffix(u).is_some_and(|n| n.ends_with(' ')));
        unit_ok && digits(count, 1..=3)
    };
    let mut excess = row.len().saturating_sub(want);
    let fields = std::mem::take(row);
    let mut i = 0;
    while i < fields.len() {
        if excess > 0 && starts(&fields[i]) {
            // The byte count's later groups: `097` … then `152 bytes)`.
            let mut j = i + 1;
            while j < fields.len() && digits(&fields[j], 3..=3) {
                j += 1;
            }
            let ends = fields
                .get(j)
                .and_then(|f| f.strip_suffix(" bytes)"))
                .is_some_and(|g| digits(g, 3..=3));
            if ends && j - i <= excess {
                row.push(fields[i..=j].join(","));
                excess -= j - i;
                i = j + 1;
                continue;
            }
        }
        row.push(fields[i].clone());
        i += 1;
    }
    row.len() == want
}

/// CSV text → what it holds, or `None` when the first line is not a header with a delimiter.
pub fn csv_records(text: &str) -> Option<CsvRead> {
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
    let (mut rows, ending) = csv_rows_cut(body, delim);
    // A last row without its line ending that ends in a closed quote is whole if it has every
    // column; with fewer, the text was cut between two of its values.
    let short = |rows: &Vec<(u64, Vec<String>)>| {
        let header_len = rows.first().map_or(0, |(_, h)| h.len());
        rows.len() > 1 && rows.last().is_some_and(|(_, r)| r.len() < header_len)
    };
    let cut = ending.cut || (ending.unterminated && short(&rows));
    // A cut last row is not read (its last value may be a wrong number); the header is.
    let mut cut_line = 0;
    if cut && rows.len() > 1 {
        cut_line = rows.pop().map_or(0, |(l, _)| l + skipped_lines);
    }
    let mut it = rows.into_iter();
    let (_, header) = it.next()?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let mut read = CsvRead {
        type_line,
        cut,
        cut_line,
        ..CsvRead::default()
    };
    for (line, mut row) in it {
        if row.len() == 1 && row[0].trim().is_empty() {
            continue;
        }
        if row.len() > header.len() && delim == ',' && rejoin_sizes(&mut row, header.len()) {
            read.rejoined += 1;
        }
        if row.len() != header.len() {
            read.bad += 1;
            continue;
        }
        read.records.push(Record {
            line: Some(line + skipped_lines),
            fields: header.iter().cloned().zip(row).collect(),
        });
    }
    read.header = header;
    Some(read)
}
