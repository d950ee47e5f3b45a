//! Durations as people type them (`90s`, `2m`, `1h30m`) and ages as people read them (`2h 14m`).

use std::time::Duration;

/// A duration that cannot be read (the text as typed, in the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration")]
    Empty,
    #[error("invalid duration '{0}': expected e.g. 90s, 2m, 1h30m")]
    Malformed(String),
    #[error("invalid duration '{text}': unknown unit '{unit}' (use ms, s, m, h, d)")]
    UnknownUnit { text: String, unit: String },
}

/// Parse `90s`, `2m`, `10m`, `1h`, `1h30m`, `1d`, or a bare number of seconds.
pub fn parse(s: &str) -> Result<Duration, DurationError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DurationError::Empty);
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(Duration::from_secs(n));
    }
    let mut total_ms: u64 = 0;
    let mut num = String::new();
    let mut seen_unit = false;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            unit = "ms".into();
        }
        let n: u64 = num
            .parse()
            .map_err(|_| DurationError::Malformed(s.to_string()))?;
        num.clear();
        let mult_ms: u64 = match unit.as_str() {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => {
                return Err(DurationError::UnknownUnit {
                    text: s.to_string(),
                    unit,
                })
            }
        };
        total_ms = total_ms.saturating_add(n.saturating_mul(mult_ms));
        seen_unit = true;
    }
    if !num.is_empty() || !seen_unit {
        return Err(DurationError::Malformed(s.to_string()));
    }
    Ok(Duration::from_millis(total_ms))
}

/// A short human age: `48s`, `3m 05s`, `41m`, `2h 14m`, `3d 4h`.
pub fn human(secs: i64) -> String {
    let neg = secs < 0;
    let s = secs.unsigned_abs();
    let body = if s < 60 {
        format!("{s}s")
    } else if s < 600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86_400, (s % 86_400) / 3600)
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// The inverse of `parse` for display: `2m`, `90s`, `1h30m`.
pub fn compact(d: Duration) -> String {
    let s = d.as_secs();
    if s == 0 {
        return format!("{}ms", d.as_millis());
    }
    let mut out = String::new();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if sec > 0 {
        out.push_str(&format!("{sec}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse("2d"), Ok(Duration::from_secs(172_800)));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse(""), Err(DurationError::Empty));
        assert_eq!(
            parse("2x").map_err(|e| e.to_string()),
            Err("invalid duration '2x': unknown unit 'x' (use ms, s, m, h, d)".into())
        );
        assert_eq!(parse("m"), Err(DurationError::Malformed("m".into())));
        assert_eq!(
            parse("5m3").map_err(|e| e.to_string()),
            Err("invalid duration '5m3': expected e.g. 90s, 2m, 1h30m".into())
        );
    }

    #[test]
    fn human_ages() {
        assert_eq!(human(48), "48s");
        assert_eq!(human(185), "3m 05s");
        assert_eq!(human(41 * 60), "41m");
        assert_eq!(human(2 * 3600 + 14 * 60), "2h 14m");
        assert_eq!(human(3 * 86_400 + 4 * 3600), "3d 4h");
        assert_eq!(human(-30), "-30s");
    }

    #[test]
    fn compact_round_trips() {
        for s in ["2m", "90s", "1h30m", "1h", "1m30s"] {
            let d = parse(s).expect("valid");
            assert_eq!(parse(&compact(d)), Ok(d));
        }
        assert_eq!(compact(Duration::from_secs(120)), "2m");
        assert_eq!(compact(Duration::from_millis(500)), "500ms");
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
    }
}
