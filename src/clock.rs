//! One clock: the zone log times without one are read in (`--log-tz`), the zone every view
//! prints times in (`--time-zone`), and the few helpers that format instants and ranges in it.
//!
//! A zone is `local` (this machine), `UTC`, a fixed offset (`+01:00`, `-0500`) or an IANA
//! name (`Europe/Berlin`, DST-correct through `chrono-tz`). Instants are never changed by a
//! zone: it only decides how a wall-clock time is read and how an instant is shown.
//!
//! Wall-clock times at a DST change (the documented rule, tested below):
//! - a time that happens twice (clocks go back) is read as the **earlier** instant;
//! - a time that never happens (clocks go forward) is **shifted forward** by the gap: it is read
//!   with the offset in force just before the change, so `02:30` on a night the clocks jump
//!   from 02:00 to 03:00 is the instant shown as `03:30`.

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};

/// A time zone as the user names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The zone of the machine spoolscope runs on (right when it runs on the workstation).
    #[default]
    Local,
    Utc,
    Fixed(FixedOffset),
    Named(chrono_tz::Tz),
}

/// A zone name that cannot be read (one line, naming the text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a time zone: use local, UTC, an offset like +01:00 or an IANA name like Europe/Berlin"
)]
pub struct ZoneError(pub String);

/// The instant a wall-clock time names in `tz`, by the rule in the module docs.
fn wall_to_instant<T: TimeZone>(tz: &T, t: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(d) => Some(in_zone(d.with_timezone(&Utc), tz)),
        // A time that happens twice: the earlier instant. The pair's order is the zone's own
        // (chrono's `Local` on Unix orders it by offset, chrono-tz by time), so compare.
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            Some(in_zone(a.min(b), tz))
        }
        LocalResult::None => {
            // In a gap: the offset in force before it (gaps are at most a day; look back in
            // steps of half an hour until a time exists).
            let before = (1..=50).find_map(|k| {
                let p = t.checked_sub_signed(Duration::minutes(30 * k))?;
                match tz.from_local_datetime(&p) {
                    LocalResult::Single(d) => Some(d.offset().fix()),
                    // The later instant's offset: the one in force nearest the gap.
                    LocalResult::Ambiguous(a, b) => {
                        let later = match a.with_timezone(&Utc) > b.with_timezone(&Utc) {
                            true => a,
                            false => b,
                        };
                        Some(later.offset().fix())
                    }
                    LocalResult::None => None,
                }
            })?;
            let utc =
                t.checked_sub_signed(Duration::seconds(i64::from(before.local_minus_utc())))?;
            Some(in_zone(utc.and_utc(), tz))
        }
    }
}

/// Instant `u` with the offset `tz` has then.
fn in_zone<T: TimeZone>(u: DateTime<Utc>, tz: &T) -> DateTime<FixedOffset> {
    u.with_timezone(tz).fixed_offset()
}

impl Zone {
    /// `local`, `UTC`/`Z`, an offset like `+01:00`, `-0500`, or an IANA name (any case).
    pub fn parse(s: &str) -> Result<Zone, ZoneError> {
        let t = s.trim();
        let bad = || ZoneError(s.to_string());
        if t.eq_ignore_ascii_case("local") {
            return Ok(Zone::Local);
        }
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t == "z" {
            return Ok(Zone::Utc);
        }
        let (sign, rest) = match t.as_bytes().first() {
            Some(b'+') => (1, &t[1..]),
            Some(b'-') => (-1, &t[1..]),
            _ => {
                return chrono_tz::TZ_VARIANTS
                    .iter()
                    .find(|z| z.name().eq_ignore_ascii_case(t))
                    .map(|z| Zone::Named(*z))
                    .ok_or_else(bad)
            }
        };
        let digits: String = rest.chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let h: i32 = digits[..2].parse().map_err(|_| bad())?;
        let m: i32 = digits[2..].parse().map_err(|_| bad())?;
        if h > 14 || m > 59 {
            return Err(bad());
        }
        FixedOffset::east_opt(sign * (h * 3600 + m * 60))
            .map(Zone::Fixed)
            .ok_or_else(bad)
    }

    /// How the report names it. `now` is given (nothing here reads a clock): the local zone
    /// is named by its offset at that moment.
    pub fn label(self, now: DateTime<Utc>) -> String {
        match self {
            Zone::Local => format!(
                "local time of this machine (now UTC{})",
                now.with_timezone(&chrono::Local).offset()
            ),
            Zone::Utc => "UTC".into(),
            Zone::Fixed(o) => format!("UTC{o}"),
            Zone::Named(z) => format!("{} (now UTC{})", z.name(), self.offset_at(now)),
        }
    }

    /// The zone as a view's header names it: `UTC`, `UTC-05:00`, `Europe/Berlin`, or
    /// `local UTC+01:00` (this machine's, with its offset at `now`).
    pub fn header_name(self, now: DateTime<Utc>) -> String {
        match self {
            Zone::Local => format!("local {}", self.tag_at(&now)),
            Zone::Named(z) => z.name().into(),
            Zone::Utc | Zone::Fixed(_) => self.tag_at(&now),
        }
    }

    /// The name as it would be typed (`local`, `UTC`, `+01:00`, `Europe/Berlin`).
    pub fn short(self) -> String {
        match self {
            Zone::Local => "local".into(),
            Zone::Utc => "UTC".into(),
            Zone::Fixed(o) => o.to_string(),
            Zone::Named(z) => z.name().into(),
        }
    }

    /// A wall-clock time read in this zone (rule for DST changes in the module docs).
    pub fn resolve(self, t: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Zone::Utc => Some(t.and_utc().fixed_offset()),
            Zone::Fixed(o) => o.from_local_datetime(&t).single(),
            Zone::Local => wall_to_instant(&chrono::Local, t),
            Zone::Named(z) => wall_to_instant(&z, t),
        }
    }

    /// [`Zone::resolve`], faster for runs of times in one minute (log records): `cache` holds
    /// the last minute found to read one way from its first to its last millisecond (the same
    /// single offset at both ends), and times in that minute take that offset without asking
    /// the zone database again. The result is always what `resolve` gives.
    pub fn resolve_cached(
        self,
        t: NaiveDateTime,
        cache: &mut Option<(i64, FixedOffset)>,
    ) -> Option<DateTime<FixedOffset>> {
        if matches!(self, Zone::Utc | Zone::Fixed(_)) {
            return self.resolve(t);
        }
        let minute = t.and_utc().timestamp().div_euclid(60);
        if let Some((m, o)) = *cache {
            if m == minute {
                return o.from_local_datetime(&t).single();
            }
        }
        let start = chrono::DateTime::from_timestamp(minute * 60, 0).map(|d| d.naive_utc());
        let end = start.and_then(|s| s.checked_add_signed(Duration::milliseconds(59_999)));
        if let (Some(a), Some(b)) = (start, end) {
            match (self.single_offset(a), self.single_offset(b)) {
                (Some(x), Some(y)) if x == y => *cache = Some((minute, x)),
                _ => *cache = None,
            }
        }
        self.resolve(t)
    }

    /// The offset of wall time `t` when it is neither ambiguous nor in a gap.
    fn single_offset(self, t: NaiveDateTime) -> Option<FixedOffset> {
        match self {
            Zone::Utc => Some(FixedOffset::east_opt(0)?),
            Zone::Fixed(o) => Some(o),
            Zone::Local => chrono::Local
                .from_local_datetime(&t)
                .single()
                .map(|d| d.offset().fix()),
            Zone::Named(z) => z.from_local_datetime(&t).single().map(|d| d.offset().fix()),
        }
    }

    /// The offset this zone has at instant `t`.
    pub fn offset_at(self, t: DateTime<Utc>) -> FixedOffset {
        self.show(t).offset().fix()
    }

    /// Instant `t` as this zone's wall clock (same instant, this zone's offset).
    pub fn show<T: TimeZone>(self, t: DateTime<T>) -> DateTime<FixedOffset> {
        let u = t.with_timezone(&Utc);
        match self {
            Zone::Utc => u.fixed_offset(),
            Zone::Fixed(o) => u.with_timezone(&o),
            Zone::Local => in_zone(u, &chrono::Local),
            Zone::Named(z) => in_zone(u, &z),
        }
    }

    /// The tag printed after a time: `UTC`, or `UTC±HH:MM` (the offset at `t`).
    pub fn tag_at<T: TimeZone>(self, t: &DateTime<T>) -> String {
        let o = self.offset_at(t.with_timezone(&Utc));
        if o.local_minus_utc() == 0 {
            "UTC".into()
        } else {
            format!("UTC{o}")
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` in this zone.
    pub fn datetime<T: TimeZone>(self, t: &DateTime<T>) -> String {
        self.format(t, "%Y-%m-%d %H:%M:%S")
    }

    /// `HH:MM:SS` in this zone.
    pub fn time<T: TimeZone>(self, t: &DateTime<T>) -> String {
        self.format(t, "%H:%M:%S")
    }

    /// Instant `t` formatted in this zone with a chrono format. A time whose year in this zone
    /// has more than four digits (a stamp near 9999 shifted by the log's zone) is shown as
    /// the last four-digit second with `>` before it (`>9999-12-31 23:59:59`), one before
    /// year 0 as the first with `<` (see [`four_digits`]).
    pub fn format<T: TimeZone>(self, t: &DateTime<T>, fmt: &str) -> String {
        let (d, mark) = four_digits(self.show(t.clone()));
        format!("{mark}{}", d.format(fmt))
    }

    /// A range, earliest first whatever order `a` and `b` come in. `date_fmt` and `time_fmt`
    /// are chrono formats for the date and the time of day; the end carries its date when it
    /// falls on another day in this zone. One instant is printed once.
    pub fn range<T: TimeZone>(
        self,
        a: &DateTime<T>,
        b: &DateTime<T>,
        date_fmt: &str,
        time_fmt: &str,
    ) -> String {
        let (a, b) = (self.show(a.clone()), self.show(b.clone()));
        let (a, b) = if b < a { (b, a) } else { (a, b) };
        // Beyond four-digit years: the last (first) four-digit second, marked (see `format`).
        let ((a, ma), (b, mb)) = (four_digits(a), four_digits(b));
        if a.offset() != b.offset() {
            // The zone changed its offset between the two (a DST change): a bare wall clock
            // could run backwards, so both ends carry their offset.
            let full = format!("{date_fmt} {time_fmt} UTC%:z");
            return format!("{ma}{}–{mb}{}", a.format(&full), b.format(&full));
        }
        let full = format!("{date_fmt} {time_fmt}");
        let first = format!("{ma}{}", a.format(&full));
        let last_full = format!("{mb}{}", b.format(&full));
        if first == last_full {
            return first;
        }
        let last = if a.date_naive() == b.date_naive() && ma == mb {
            format!("{mb}{}", b.format(time_fmt))
        } else {
            last_full
        };
        format!("{first}–{last}")
    }
}

/// `d` when its year has at most four digits (0 to 9999), with no mark; else the last second of
/// 9999 (`>`) or the first of year 0 (`<`), in the same offset. Chrono writes other years with
/// a sign and more digits (`+10000-01-01`), which reads as a broken date in a title.
pub fn four_digits(d: DateTime<FixedOffset>) -> (DateTime<FixedOffset>, &'static str) {
    use chrono::Datelike;
    let edge = |y: i32, mo: u32, day: u32, h: u32, mi: u32, s: u32| {
        chrono::NaiveDate::from_ymd_opt(y, mo, day)
            .and_then(|x| x.and_hms_opt(h, mi, s))
            .and_then(|x| d.offset().from_local_datetime(&x).single())
    };
    match d.year() {
        0..=9999 => (d, ""),
        y if y > 9999 => edge(9999, 12, 31, 23, 59, 59).map_or((d, ""), |e| (e, ">")),
        _ => edge(0, 1, 1, 0, 0, 0).map_or((d, ""), |e| (e, "<")),
    }
}

/// A file time as a UTC instant, or `None` outside the years chrono can hold (about ±262 000):
/// a corrupt or crafted time on a file system that keeps 64-bit times (tmpfs, btrfs, XFS).
/// `DateTime::<Utc>::from(SystemTime)` panics there.
pub fn file_time(t: std::time::SystemTime) -> Option<DateTime<Utc>> {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => DateTime::from_timestamp(i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            // Before 1970: `d` back from the epoch.
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).ok()?;
            match d.subsec_nanos() {
                0 => DateTime::from_timestamp(secs.checked_neg()?, 0),
                n => {
                    DateTime::from_timestamp(secs.checked_neg()?.checked_sub(1)?, 1_000_000_000 - n)
                }
            }
        }
    }
}

/// The message for a spooled file whose time [`file_time`] cannot hold.
pub const FILE_TIME_OUT_OF_RANGE: &str =
    "its modification time is outside the years this tool can read (a corrupt or crafted time): its age is unknown";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("valid")
    }

    #[test]
    fn zones_parse() {
        assert_eq!(Zone::parse("UTC"), Ok(Zone::Utc));
        assert_eq!(Zone::parse("local"), Ok(Zone::Local));
        let o = FixedOffset::east_opt(-5 * 3600).expect("offset");
        assert_eq!(Zone::parse("-05:00"), Ok(Zone::Fixed(o)));
        assert_eq!(Zone::parse("-0500"), Ok(Zone::Fixed(o)));
        assert_eq!(
            Zone::parse("Europe/Berlin"),
            Ok(Zone::Named(chrono_tz::Europe::Berlin))
        );
        assert_eq!(
            Zone::parse("america/new_york"),
            Ok(Zone::Named(chrono_tz::America::New_York))
        );
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert!(Zone::parse("+25:00").is_err());
        assert!(Zone::parse("").is_err());
        let e = Zone::parse("Europe/Berln").expect_err("bad").to_string();
        assert!(!e.contains('\n') && e.contains("Europe/Berln"), "{e}");
        assert_eq!(
            Zone::Fixed(o)
                .resolve(naive(2026, 3, 2, 9, 41))
                .expect("r")
                .to_rfc3339(),
            "2026-03-02T09:41:00-05:00"
        );
    }

    #[test]
    fn named_zones_follow_dst() {
        let z = Zone::parse("Europe/Berlin").expect("zone");
        let winter = z.resolve(naive(2026, 1, 15, 12, 0)).expect("t");
        let summer = z.resolve(naive(2026, 7, 15, 12, 0)).expect("t");
        assert_eq!(winter.to_rfc3339(), "2026-01-15T12:00:00+01:00");
        assert_eq!(summer.to_rfc3339(), "2026-07-15T12:00:00+02:00");
        assert_eq!(
            z.datetime(&winter.with_timezone(&Utc)),
            "2026-01-15 12:00:00"
        );
        assert_eq!(Zone::Utc.datetime(&summer), "2026-07-15 10:00:00");
        assert_eq!(z.tag_at(&summer), "UTC+02:00");
        assert_eq!(Zone::Utc.tag_at(&summer), "UTC");
    }

    /// New York, 2026: clocks go forward at 02:00 on 8 March, back at 02:00 on 1 November.
    #[test]
    fn dst_changes_follow_the_documented_rule() {
        let z = Zone::Named(chrono_tz::America::New_York);
        // Ambiguous 01:30 on 1 November: the earlier instant (still EDT, -04:00).
        let amb = z.resolve(naive(2026, 11, 1, 1, 30)).expect("ambiguous");
        assert_eq!(amb.to_rfc3339(), "2026-11-01T01:30:00-04:00");
        // Nonexistent 02:30 on 8 March: shifted forward by the gap, shown as 03:30 EDT.
        let gap = z.resolve(naive(2026, 3, 8, 2, 30)).expect("gap");
        assert_eq!(gap.to_rfc3339(), "2026-03-08T03:30:00-04:00");
        assert_eq!(
            gap.with_timezone(&Utc).to_rfc3339(),
            "2026-03-08T07:30:00+00:00"
        );
        // Around the gap the order of wall times is kept.
        let before = z.resolve(naive(2026, 3, 8, 1, 59)).expect("t");
        let after = z.resolve(naive(2026, 3, 8, 3, 1)).expect("t");
        assert!(before < gap && gap > after - Duration::hours(1));
    }

    #[test]
    fn ranges_run_forwards_and_carry_the_date_across_midnight() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).expect("t");
        let a = t("2026-11-20T09:41:00+00:00");
        let b = t("2026-11-20T04:47:02.8-05:00");
        // The issue's bug: `09:41–04:47`. Both in UTC, earliest first.
        assert_eq!(
            Zone::Utc.range(&a, &b, "%Y-%m-%d", "%H:%M"),
            "2026-11-20 09:41–09:47"
        );
        assert_eq!(
            Zone::Utc.range(&b, &a, "%Y-%m-%d", "%H:%M"),
            "2026-11-20 09:41–09:47"
        );
        let late = t("2026-11-20T23:50:00+00:00");
        let early = t("2026-11-21T00:10:00+00:00");
        assert_eq!(
            Zone::Utc.range(&early, &late, "%Y-%m-%d", "%H:%M"),
            "2026-11-20 23:50–2026-11-21 00:10"
        );
        // The same instants in Berlin fall on one day.
        assert_eq!(
            Zone::Named(chrono_tz::Europe::Berlin).range(&late, &early, "%Y-%m-%d", "%H:%M"),
            "2026-11-21 00:50–01:10"
        );
        assert_eq!(
            Zone::Utc.range(&a, &a, "%Y-%m-%d", "%H:%M"),
            "2026-11-20 09:41"
        );
    }

    fn any_zone() -> impl Strategy<Value = Zone> {
        prop_oneof![
            Just(Zone::Utc),
            (-(14 * 60i32)..=(14 * 60))
                .prop_map(|m| Zone::Fixed(FixedOffset::east_opt(m * 60).expect("offset"))),
            (0..chrono_tz::TZ_VARIANTS.len()).prop_map(|i| Zone::Named(chrono_tz::TZ_VARIANTS[i])),
        ]
    }

    /// A printed range, read back as two wall-clock times (the end taking the start's date
    /// when it has none).
    pub(crate) fn read_range(s: &str) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let (a, b) = s.split_once('–')?;
        if a.contains(" UTC") {
            let f = "%Y-%m-%d %H:%M:%S UTC%:z";
            let x = DateTime::parse_from_str(a, f).ok()?;
            let y = DateTime::parse_from_str(b, f).ok()?;
            return Some((x.naive_utc(), y.naive_utc()));
        }
        let start = NaiveDateTime::parse_from_str(a, "%Y-%m-%d %H:%M:%S").ok()?;
        let end = NaiveDateTime::parse_from_str(b, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| {
                chrono::NaiveTime::parse_from_str(b, "%H:%M:%S").map(|t| start.date().and_time(t))
            })
            .ok()?;
        Some((start, end))
    }

    proptest! {
        /// Whatever the zones the two ends were stamped in and the zone they are shown in, a
        /// printed range never runs backwards, and a range within one day has one date.
        #[test]
        fn printed_ranges_never_run_backwards(
            secs_a in 946_684_800i64..4_102_444_800,
            delta in -200_000i64..200_000,
            za in any_zone(),
            zb in any_zone(),
            shown in any_zone(),
        ) {
            let a = za.show(DateTime::from_timestamp(secs_a, 0).expect("t"));
            let b = zb.show(DateTime::from_timestamp(secs_a + delta, 0).expect("t"));
            let s = shown.range(&a, &b, "%Y-%m-%d", "%H:%M:%S");
            if delta == 0 {
                prop_assert!(!s.contains('–'), "{}", s);
            } else {
                let (x, y) = read_range(&s).expect("a range");
                prop_assert!(x < y, "{} runs backwards", s);
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                let (lo, hi) = (shown.show(lo), shown.show(hi));
                let same = lo.offset() == hi.offset();
                prop_assert_eq!(x, if same { lo.naive_local() } else { lo.naive_utc() });
                prop_assert_eq!(y, if same { hi.naive_local() } else { hi.naive_utc() });
            }
        }

        /// The per-minute cache never changes a result: runs of wall times around a zone's
        /// changes (every IANA zone; the start is drawn near a real transition: the wall time of
        /// an instant, then stepped across it), read with one cache, equal `resolve` each.
        #[test]
        fn cached_resolution_equals_resolve(
            secs in 946_684_800i64..4_102_444_800,
            steps in prop::collection::vec((-120i64..120, 0i64..60_000), 1..30),
            z in any_zone(),
        ) {
            let mut cache = None;
            // The zone's first change in the 400 days from `secs`, if it has one.
            let at = |x: i64| z.offset_at(DateTime::from_timestamp(x, 0).expect("t"));
            let change = (1..400 * 24)
                .map(|h| secs + h * 3600)
                .find(|&x| at(x) != at(x - 3600))
                .unwrap_or(secs);
            let start = z.show(DateTime::from_timestamp(change, 0).expect("t")).naive_local();
            // Several times in each minute visited: the second and later take the cache.
            let minute0 = start - Duration::seconds(i64::from(chrono::Timelike::second(&start)));
            for (m, ms) in steps {
                for ms in [ms, ms / 2, 59_999] {
                    let t = minute0 + Duration::minutes(m) + Duration::milliseconds(ms);
                    prop_assert_eq!(z.resolve_cached(t, &mut cache), z.resolve(t), "{}", t);
                }
            }
        }

        /// Reading a wall-clock time in a named zone and showing it in the same zone gives the
        /// same wall clock back, except in a DST gap, where it is shifted forward.
        #[test]
        fn wall_clock_round_trips(secs in 946_684_800i64..4_102_444_800, z in any_zone()) {
            let wall = z.show(DateTime::from_timestamp(secs, 0).expect("t")).naive_local();
            let t = z.resolve(wall).expect("resolves");
            prop_assert_eq!(z.show(t).naive_local(), wall);
        }
    }

    /// A stamp near 9999 that a zone shifts past year 9999 prints as the last four-digit
    /// second, marked `>` (it printed `+10000-01-01 04:56`); one before year 0 as the first,
    /// marked `<`; four-digit years print as they are. No width or panic surprises.
    #[test]
    fn times_past_four_digit_years_are_marked_and_clamped() {
        let ny = Zone::parse("America/New_York").expect("zone");
        let local = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_opt(23, 56, 0))
            .expect("t");
        let t = ny.resolve(local).expect("resolved");
        assert_eq!(Zone::Utc.format(&t, "%Y-%m-%d %H:%M"), ">9999-12-31 23:59");
        assert_eq!(ny.format(&t, "%Y-%m-%d %H:%M"), "9999-12-31 23:56");
        assert_eq!(Zone::Utc.datetime(&t), ">9999-12-31 23:59:59");
        let early = t - chrono::Duration::hours(6);
        assert_eq!(
            Zone::Utc.range(&early, &t, "%Y-%m-%d", "%H:%M"),
            "9999-12-31 22:56–>9999-12-31 23:59"
        );
        assert_eq!(
            Zone::Utc.range(&t, &t, "%Y-%m-%d", "%H:%M"),
            ">9999-12-31 23:59"
        );
        let old = chrono::DateTime::parse_from_rfc3339("0000-01-01T00:30:00+00:00").expect("t");
        assert_eq!(
            Zone::parse("-05:00").expect("zone").datetime(&old),
            "<0000-01-01 00:00:00"
        );
        let plain = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:41:00Z").expect("t");
        assert_eq!(Zone::Utc.datetime(&plain), "2026-03-02 09:41:00");
    }

    #[test]
    fn file_times_outside_chrono_are_none_and_others_exact() {
        use std::time::{Duration, UNIX_EPOCH};
        let at = |secs: i64, nanos: u32| DateTime::from_timestamp(secs, nanos);
        assert_eq!(file_time(UNIX_EPOCH), at(0, 0));
        let t = UNIX_EPOCH + Duration::new(1_772_460_000, 5);
        assert_eq!(file_time(t), at(1_772_460_000, 5));
        // Before 1970, with and without a part of a second.
        let t = UNIX_EPOCH - Duration::new(10, 0);
        assert_eq!(file_time(t), at(-10, 0));
        let t = UNIX_EPOCH - Duration::new(10, 250_000_000);
        assert_eq!(file_time(t), at(-11, 750_000_000));
        // Past chrono's years either way: none (`DateTime::from` panics there).
        let far = Duration::from_secs(10_000_000_000_000);
        assert_eq!(file_time(UNIX_EPOCH + far), None);
        if let Some(t) = UNIX_EPOCH.checked_sub(far) {
            assert_eq!(file_time(t), None);
        }
    }
}
