use super::Clock;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a spooled file looks like inside, found by sniffing its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Xml,
    Mime,
    Html,
    Text,
    Binary,
    Empty,
    /// Could not be read (see `errors`).
    Unreadable,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Mime => "mime",
            Format::Html => "html",
            Format::Text => "text",
            Format::Binary => "binary",
            Format::Empty => "empty",
            Format::Unreadable => "unreadable",
        }
    }
}

/// The text encoding the sniffer settled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16le,
    Utf16leBom,
    Utf16be,
    Utf16beBom,
    /// Not valid UTF-8 and not UTF-16: read byte-wise as Windows-1252 (a heuristic).
    Legacy8bit,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16le => "utf-16le",
            Encoding::Utf16leBom => "utf-16le-bom",
            Encoding::Utf16be => "utf-16be",
            Encoding::Utf16beBom => "utf-16be-bom",
            Encoding::Legacy8bit => "legacy-8bit",
        }
    }

    pub fn is_utf16(self) -> bool {
        matches!(
            self,
            Encoding::Utf16le | Encoding::Utf16leBom | Encoding::Utf16be | Encoding::Utf16beBom
        )
    }
}

/// Fields recognised inside an item. Every value records where it came from in `sources`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub to: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cc: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Send or creation time as written in the item (RFC 3339 when it could be parsed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_class: Option<String>,
    /// EWS `MessageDisposition` (`SaveOnly`, `SendOnly`, `SendAndSaveCopy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    /// EWS `SavedItemFolderId` (a distinguished folder such as `drafts`, or a folder id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Other `sip:` URIs and e-mail addresses seen in the content.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub addresses: Vec<String>,
    /// Field name → where its value came from (e.g. `xml:ToRecipients/Mailbox/EmailAddress`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub sources: BTreeMap<String, String>,
}

impl Fields {
    pub fn is_empty(&self) -> bool {
        self == &Fields::default()
    }

    /// Every recipient (To then Cc).
    pub fn recipients(&self) -> impl Iterator<Item = &String> {
        self.to.iter().chain(self.cc.iter())
    }
}

/// Where an item stands against the two-minute timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemState {
    /// Younger than the timer: the client may still pick it up.
    Pending,
    /// Older than the timer: the client could not process it.
    Stuck,
    /// Written "in the future": the clocks disagree, the age means nothing.
    ClockSkew,
    /// Known noise (`desktop.ini`, `Thumbs.db`).
    Ignored,
    /// No modification time could be read.
    Unknown,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Stuck => "stuck",
            ItemState::ClockSkew => "clock-skew",
            ItemState::Ignored => "ignored",
            ItemState::Unknown => "unknown",
        }
    }

    /// Glyph + word, readable without colour.
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Pending => "⏳ pending",
            ItemState::Stuck => "✖ STUCK",
            ItemState::ClockSkew => "⚠ SKEW",
            ItemState::Ignored => "· ignored",
            ItemState::Unknown => "? unknown",
        }
    }

    /// Plain ASCII word for reports.
    pub fn word(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Stuck => "STUCK",
            ItemState::ClockSkew => "SKEW",
            ItemState::Ignored => "ignored",
            ItemState::Unknown => "unknown",
        }
    }
}

/// Tolerance before a modification time counts as "in the future" (file-system timestamp
/// granularity and small clock steps should not raise an alarm).
pub const FUTURE_TOLERANCE_SECS: i64 = 2;

/// The least gap between an embedded send time and an older-looking file time that counts as
/// a disagreement.
pub const MIN_TIMES_MARGIN_SECS: i64 = 600;

/// How far an embedded send time must lie before the file time to disagree with it: the stuck
/// timer, but at least [`MIN_TIMES_MARGIN_SECS`] so that small clock differences between the
/// writer and the file system do not count.
pub fn times_margin(clock: Clock) -> chrono::Duration {
    let limit = chrono::Duration::from_std(clock.stuck_after).unwrap_or(chrono::Duration::MAX);
    limit.max(chrono::Duration::seconds(MIN_TIMES_MARGIN_SECS))
}

/// One file in a History Spooler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub path: PathBuf,
    /// Index into `Model::accounts`.
    pub account: usize,
    pub size: u64,
    /// The file's modification time: the best evidence of when the client wrote it.
    pub modified: Option<DateTime<Utc>>,
    pub format: Format,
    pub encoding: Option<Encoding>,
    pub fields: Fields,
    /// Labels of the heuristics that shaped this reading (the format is undocumented).
    pub heuristics: Vec<String>,
    /// The message body, when one was recognised. Private: shown only on request.
    pub body: Option<String>,
    /// A short look at the content (text or hex). Private: shown only on request.
    pub preview: Option<String>,
    /// Only a prefix of the file was read.
    pub truncated: bool,
    /// Known noise such as `desktop.ini`.
    pub ignorable: bool,
}

impl Item {
    /// An item known only by its file facts (no content read: no fields, body or preview),
    /// for the scan's unreadable files, tests and synthetic models.
    pub fn bare(
        path: impl Into<PathBuf>,
        account: usize,
        size: u64,
        modified: Option<DateTime<Utc>>,
        format: Format,
    ) -> Item {
        Item {
            path: path.into(),
            account,
            size,
            modified,
            format,
            encoding: None,
            fields: Fields::default(),
            heuristics: vec![],
            body: None,
            preview: None,
            truncated: false,
            ignorable: false,
        }
    }

    /// now − modification time, in whole seconds rounded down (negative for a time in the
    /// future). The state is decided on this same number, so `age_secs` and `state` never
    /// disagree (2.9 s in the future is −3, beyond the 2 s tolerance).
    pub fn age_secs(&self, now: DateTime<Utc>) -> Option<i64> {
        self.modified
            .map(|m| (now - m).num_milliseconds().div_euclid(1000))
    }

    pub fn state(&self, clock: Clock) -> ItemState {
        if self.ignorable {
            return ItemState::Ignored;
        }
        let Some(age) = self.age_secs(clock.now) else {
            return ItemState::Unknown;
        };
        if age < -FUTURE_TOLERANCE_SECS {
            return ItemState::ClockSkew;
        }
        // Older than the stuck timer, in whole seconds (`age_secs` > `stuck_after_secs`).
        if u64::try_from(age).is_ok_and(|a| a > clock.stuck_after.as_secs()) {
            ItemState::Stuck
        } else {
            ItemState::Pending
        }
    }

    /// The embedded send time (`fields.sent`, when it is an RFC 3339 time) of an item that its
    /// file time does not call stuck, when that send time is older than the stuck timer and
    /// more than `times_margin` before the file time. Such an item may be an old message
    /// whose file time was reset by a copy (`cp`/`scp` without `-p`, a sync tool). A heuristic:
    /// the send time is not known to be the write time.
    pub fn sent_long_before_file_time(&self, clock: Clock) -> Option<DateTime<Utc>> {
        if self.state(clock) != ItemState::Pending {
            return None;
        }
        let modified = self.modified?;
        let sent = DateTime::parse_from_rfc3339(self.fields.sent.as_deref()?)
            .ok()?
            .with_timezone(&Utc);
        let limit = chrono::Duration::from_std(clock.stuck_after).unwrap_or(chrono::Duration::MAX);
        let margin = times_margin(clock);
        (clock.now - sent > limit && modified - sent > margin).then_some(sent)
    }

    /// The file name, lossily, for tables.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.to_string_lossy().into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::Duration;

    fn item_at(modified: DateTime<Utc>) -> Item {
        Item::bare("x", 0, 1, Some(modified), Format::Text)
    }

    fn clock(now: DateTime<Utc>, secs: u64) -> Clock {
        Clock {
            now,
            stuck_after: Duration::from_secs(secs),
        }
    }

    #[test]
    fn stuck_exactly_after_the_timer() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let c = clock(now, 120);
        assert_eq!(
            item_at(now - chrono::Duration::seconds(119)).state(c),
            ItemState::Pending
        );
        assert_eq!(
            item_at(now - chrono::Duration::seconds(120)).state(c),
            ItemState::Pending
        );
        assert_eq!(
            item_at(now - chrono::Duration::seconds(121)).state(c),
            ItemState::Stuck
        );
        assert_eq!(
            item_at(now - chrono::Duration::hours(5)).state(c),
            ItemState::Stuck
        );
    }

    #[test]
    fn embedded_send_time_far_before_a_fresh_file_time_is_flagged() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let c = clock(now, 120);
        let with_sent = |modified: DateTime<Utc>, sent: &str| {
            let mut it = item_at(modified);
            it.fields.sent = Some(sent.to_string());
            it
        };
        let fresh = now - chrono::Duration::seconds(30);
        // Three days before a file time of 30 s ago: flagged, with the embedded time.
        let old = with_sent(fresh, "2026-02-27T10:00:00Z");
        assert_eq!(old.state(c), ItemState::Pending);
        assert_eq!(
            old.sent_long_before_file_time(c),
            Some(
                Utc.with_ymd_and_hms(2026, 2, 27, 10, 0, 0)
                    .single()
                    .expect("valid")
            )
        );
        // Five minutes before the file time: older than the timer, inside the margin.
        assert_eq!(
            with_sent(fresh, "2026-03-02T13:54:30Z").sent_long_before_file_time(c),
            None
        );
        // Just past the margin (10 min): flagged.
        assert!(with_sent(fresh, "2026-03-02T13:49:29Z")
            .sent_long_before_file_time(c)
            .is_some());
        // An unparsed send time, or an item already stuck by its file time: not flagged.
        assert_eq!(
            with_sent(fresh, "Fri, 27 Feb 2026").sent_long_before_file_time(c),
            None
        );
        assert_eq!(
            with_sent(now - chrono::Duration::hours(1), "2026-02-27T10:00:00Z")
                .sent_long_before_file_time(c),
            None
        );
        // The margin follows a longer timer: 3 h apart is not enough under a 4 h timer.
        let long = clock(now, 4 * 3600);
        assert_eq!(
            with_sent(fresh, "2026-03-02T10:59:00Z").sent_long_before_file_time(long),
            None
        );
    }

    #[test]
    fn shorter_timer_makes_a_minute_old_item_stuck() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let it = item_at(now - chrono::Duration::seconds(60));
        assert_eq!(it.state(clock(now, 120)), ItemState::Pending);
        assert_eq!(it.state(clock(now, 30)), ItemState::Stuck);
    }

    #[test]
    fn future_is_clock_skew_not_fresh() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let c = clock(now, 120);
        assert_eq!(
            item_at(now + chrono::Duration::minutes(10)).state(c),
            ItemState::ClockSkew
        );
        assert_eq!(
            item_at(now + chrono::Duration::seconds(1)).state(c),
            ItemState::Pending
        );
    }

    /// The state follows `age_secs` (whole seconds, rounded down) at both thresholds, so a
    /// reader of the JSON can tell the state from the age: 2.9 s ahead is beyond the 2 s
    /// tolerance; 120.5 s old is 120 whole seconds, not past a 120 s timer; 121 s is.
    #[test]
    fn the_state_is_decided_on_the_whole_seconds_it_reports() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let c = clock(now, 120);
        let ms = chrono::Duration::milliseconds;
        for (offset, age, state) in [
            (ms(2_900), -3, ItemState::ClockSkew),
            (ms(2_000), -2, ItemState::Pending),
            (ms(-120_500), 120, ItemState::Pending),
            (ms(-120_999), 120, ItemState::Pending),
            (ms(-121_000), 121, ItemState::Stuck),
        ] {
            let it = item_at(now + offset);
            assert_eq!(it.age_secs(now), Some(age), "{offset}");
            assert_eq!(it.state(c), state, "{offset}");
        }
    }

    #[test]
    fn ignorable_and_unknown() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let mut it = item_at(now - chrono::Duration::hours(1));
        it.ignorable = true;
        assert_eq!(it.state(clock(now, 120)), ItemState::Ignored);
        it.ignorable = false;
        it.modified = None;
        assert_eq!(it.state(clock(now, 120)), ItemState::Unknown);
    }

    #[test]
    fn stuck_is_monotonic_in_time() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("valid");
        let it = item_at(t0);
        let mut was_stuck = false;
        for s in 0..400 {
            let st = it.state(clock(t0 + chrono::Duration::seconds(s), 120));
            if was_stuck {
                assert_eq!(st, ItemState::Stuck, "un-stuck at +{s}s");
            }
            was_stuck = st == ItemState::Stuck;
        }
        assert!(was_stuck);
    }
}
