//! ISO 8601 time stamps as tracerpt and text logs write them in the wild: a date and a time
//! (`T` or a space between), 0–9 fractional digits (more are cut to nanoseconds), and an
//! optional zone: `Z`, `±HH:MM`, `±HHMM` (tracerpt writes `+0159`) or `±HH`.
//!
//! A stamp with a zone is an instant; one without is a wall-clock time for the caller to read
//! in the log's zone (`--log-tz`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// A time stamp read from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// It carried its own zone.
    Zoned(DateTime<FixedOffset>),
    /// It carried none.
    Naive(NaiveDateTime),
}

impl Stamp {
    /// The instant, reading a zone-less stamp with `resolve`.
    pub fn instant(
        self,
        resolve: impl FnOnce(NaiveDateTime) -> Option<DateTime<FixedOffset>>,
    ) -> Option<DateTime<FixedOffset>> {
        match self {
            Stamp::Zoned(t) => Some(t),
            Stamp::Naive(n) => resolve(n),
        }
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0')))
}

/// A zone at the very start of `s`: `Z`, `±HH:MM`, `±HHMM` or `±HH`, and the bytes it used.
/// Not a zone when a letter or digit follows it (`Zulu`, `+01234`).
pub fn zone_prefix(s: &str) -> Option<(FixedOffset, usize)> {
    let b = s.as_bytes();
    let ends_at = |n: usize| b.get(n).is_none_or(|c| !c.is_ascii_alphanumeric());
    match b.first()? {
        b'Z' | b'z' if ends_at(1) => Some((FixedOffset::east_opt(0)?, 1)),
        c @ (b'+' | b'-') => {
            let sign = if *c == b'+' { 1 } else { -1 };
            let h = digits(b, 1, 2)?;
            let (m, used) = if b.get(3) == Some(&b':') {
                (digits(b, 4, 2)?, 6)
            } else if let Some(m) = digits(b, 3, 2) {
                (m, 5)
            } else {
                (0, 3)
            };
            if h > 23 || m > 59 || !ends_at(used) {
                return None;
            }
            Some((
                FixedOffset::east_opt(sign * (h as i32 * 3600 + m as i32 * 60))?,
                used,
            ))
        }
        _ => None,
    }
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.fffffffff][zone]` at the start of `s`, and the bytes it used.
pub fn iso_prefix(s: &str) -> Option<(Stamp, usize)> {
    let b = s.as_bytes();
    let y = digits(b, 0, 4)?;
    let sep = |i: usize, c: u8| (b.get(i) == Some(&c)).then_some(());
    sep(4, b'-')?;
    let mo = digits(b, 5, 2)?;
    sep(7, b'-')?;
    let d = digits(b, 8, 2)?;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let h = digits(b, 11, 2)?;
    sep(13, b':')?;
    let mi = digits(b, 14, 2)?;
    sep(16, b':')?;
    let sec = digits(b, 17, 2)?;
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') || b.get(at) == Some(&b',') {
        let n = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 {
            return None;
        }
        let kept = n.min(9);
        nanos = digits(b, at + 1, kept)? * 10u32.pow(9 - kept as u32);
        at += 1 + n;
    }
    let naive = NaiveDate::from_ymd_opt(y as i32, mo, d)?.and_hms_nano_opt(h, mi, sec, nanos)?;
    match zone_prefix(&s[at..]) {
        Some((off, used)) => {
            let t = off.from_local_datetime(&naive).single()?;
            Some((Stamp::Zoned(t), at + used))
        }
        None => Some((Stamp::Naive(naive), at)),
    }
}

/// A whole string (trimmed) that is one ISO 8601 stamp.
pub fn iso(s: &str) -> Option<Stamp> {
    let s = s.trim();
    match iso_prefix(s)? {
        (st, used) if used == s.len() => Some(st),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rfc(s: &str) -> Option<String> {
        match iso(s)? {
            Stamp::Zoned(t) => Some(t.to_rfc3339()),
            Stamp::Naive(n) => Some(format!("naive {n}")),
        }
    }

    #[test]
    fn the_shapes_seen_in_the_wild() {
        assert_eq!(
            rfc("2017-10-23T00:14:51.799606500+0159").as_deref(),
            Some("2017-10-23T00:14:51.799606500+01:59")
        );
        assert_eq!(
            rfc("2010-07-21T13:16:05.4663269-07:00").as_deref(),
            Some("2010-07-21T13:16:05.466326900-07:00")
        );
        assert_eq!(
            rfc("2026-03-02T09:42:00Z").as_deref(),
            Some("2026-03-02T09:42:00+00:00")
        );
        assert_eq!(
            rfc("2026-03-02 09:42:00+05").as_deref(),
            Some("2026-03-02T09:42:00+05:00")
        );
        assert_eq!(
            rfc("2026-03-02T09:42:00.5").as_deref(),
            Some("naive 2026-03-02 09:42:00.500")
        );
        assert_eq!(rfc("2026-13-02T09:42:00Z"), None);
        assert_eq!(rfc("2026-03-02T09:42:00+2400"), None);
        assert_eq!(rfc("2026-03-02T09:42:00."), None);
        assert_eq!(rfc("2026-03-02T09:42:00Zulu"), None);
        assert_eq!(zone_prefix("Z rest").map(|z| z.1), Some(1));
        assert_eq!(zone_prefix("+01234"), None);
    }

    proptest! {
        /// Any valid offset in any of its spellings, with any number of fraction digits, gives
        /// the instant the fields name.
        #[test]
        fn any_offset_and_fraction_gives_the_right_instant(
            secs in 946_684_800i64..4_102_444_800,
            frac in 0u32..1_000_000_000,
            ndig in 0usize..=9,
            off_min in -(14 * 60i32)..=(14 * 60),
            spelling in 0u8..4,
            t_sep in any::<bool>(),
        ) {
            let scale = 10u32.pow(9 - ndig as u32);
            let nanos = if ndig == 0 { 0 } else { frac / scale * scale };
            let off = FixedOffset::east_opt(off_min * 60).expect("offset");
            let utc = DateTime::from_timestamp(secs, nanos).expect("t");
            let local = utc.with_timezone(&off);
            let mut s = local.format(if t_sep { "%Y-%m-%dT%H:%M:%S" } else { "%Y-%m-%d %H:%M:%S" }).to_string();
            if ndig > 0 {
                s.push_str(&format!(".{:0width$}", nanos / scale, width = ndig));
            }
            let (sign, a) = if off_min < 0 { ('-', -off_min) } else { ('+', off_min) };
            let zone = match spelling {
                0 => format!("{sign}{:02}:{:02}", a / 60, a % 60),
                1 => format!("{sign}{:02}{:02}", a / 60, a % 60),
                2 if a % 60 == 0 => format!("{sign}{:02}", a / 60),
                _ if off_min == 0 => "Z".to_string(),
                _ => format!("{sign}{:02}:{:02}", a / 60, a % 60),
            };
            s.push_str(&zone);
            let got = iso(&s);
            prop_assert_eq!(got, Some(Stamp::Zoned(local)), "{}", s);
            if let Some(Stamp::Zoned(t)) = got {
                prop_assert_eq!(t.timestamp(), secs);
                prop_assert_eq!(t.timestamp_subsec_nanos(), nanos);
                prop_assert_eq!(t.offset().local_minus_utc(), off_min * 60);
            }
        }
    }
}
