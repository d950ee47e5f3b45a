use super::{ClientGen, EventKind};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What kind of evidence a scanned source is. The JSON names are part of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Spooler,
    Uccapilog,
    TracerptXml,
    TracerptCsv,
    NetshText,
    TextLog,
    MailboxItems,
    MailboxFolderStats,
    /// `Get-CsImConfiguration` / `Get-CsClientPolicy` exports.
    CsPolicy,
    /// A binary Event Trace Log (`.etl`), read natively (see `parse::etl`).
    Etl,
    /// A Lync / Skype for Business Server CLS or OCSLogger text trace (`TL_…(…) […]PID.TID::`
    /// records, `$$begin_record … $$end_record`): a server's view, not the user's client.
    Cls,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Spooler => "spooler",
            SourceKind::Uccapilog => "uccapilog",
            SourceKind::TracerptXml => "tracerpt-xml",
            SourceKind::TracerptCsv => "tracerpt-csv",
            SourceKind::NetshText => "netsh-text",
            SourceKind::TextLog => "text-log",
            SourceKind::MailboxItems => "mailbox-items",
            SourceKind::MailboxFolderStats => "mailbox-folder-stats",
            SourceKind::CsPolicy => "cs-policy",
            SourceKind::Etl => "etl",
            SourceKind::Cls => "cls",
        }
    }
}

/// One scanned spooler, log or export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    pub kind: SourceKind,
    /// Items in a spooler; records or events in a log; rows in an export.
    pub records: u64,
    /// Entries that were passed over (not regular files, links, undecodable records…).
    pub skipped: u64,
    /// For logs: what reading it found (encoding, times, counts). Flattened into the JSON.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogSummary>,
}

/// What reading one log found, beyond its record count.
/// How a log's kind was recognised (JSON `detected_by`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetectedBy {
    /// Its file name (or folder) alone.
    #[default]
    #[serde(rename = "name")]
    Name,
    /// Its first bytes alone.
    #[serde(rename = "content")]
    Content,
    /// Name and content agree.
    #[serde(rename = "name+content")]
    NameAndContent,
    /// Named with `--log FILE`.
    #[serde(rename = "--log")]
    Flag,
}

impl DetectedBy {
    /// The name in JSON and the debug log.
    pub fn as_str(self) -> &'static str {
        match self {
            DetectedBy::Name => "name",
            DetectedBy::Content => "content",
            DetectedBy::NameAndContent => "name+content",
            DetectedBy::Flag => "--log",
        }
    }
}

impl std::fmt::Display for DetectedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSummary {
    /// `utf-8`, `utf-8-bom`, `utf-16le-bom`, …
    pub encoding: String,
    /// How the kind was recognised: `name`, `content`, `name+content`, `--log`.
    pub detected_by: DetectedBy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The client generation of the folder the log sits in, when the path shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientGen>,
    /// The account the log belongs to, when its profile has exactly one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Rotated files of one log (`-0`, `-1`, `.bak`) share this key; `timeline_index` orders
    /// them by time (0 = oldest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline_index: Option<usize>,
    pub lines: u64,
    /// Lines longer than the cap, cut (not dropped).
    pub truncated_lines: u64,
    /// Events the converter could not decode (tracerpt `ProcessingErrorData`).
    pub undecoded: u64,
    /// Routine events counted (in `events`) but not kept as evidence: over the per-kind cap.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub events_not_kept: u64,
    /// Lines of over-long records (past the 1 MiB record cap) counted but not classified.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unclassified_lines: u64,
    /// Records whose date or time is impossible (kept without a time).
    pub bad_times: u64,
    pub first: Option<DateTime<FixedOffset>>,
    pub last: Option<DateTime<FixedOffset>>,
    /// Classified events by kind.
    pub events: BTreeMap<EventKind, u64>,
    /// How zone-less timestamps were read: `local`, `UTC` or an offset.
    pub time_zone: String,
    /// The last line had no ending: the file was probably still being written.
    pub growing: bool,
    /// Heuristics used, in words.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// For a binary `.etl`: what its logfile header and buffers said.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub etl: Option<EtlSummary>,
    /// Exact counts of every group of events (account, kind, marker, signature values). Only
    /// the groups with more occurrences than were kept are written (JSON `summarised`: each
    /// with `occurrences` and `shown`); the rules count with all of them.
    #[serde(
        rename = "summarised",
        default,
        serialize_with = "summarised_only",
        skip_serializing_if = "nothing_summarised"
    )]
    pub tallies: Vec<super::EventTally>,
    /// Drafts saved and never sent, per account, read over every event of the log as it was
    /// read. `None` when it was not (a model loaded from a JSON report, or built by hand): the
    /// drafts rule then reads the kept events.
    #[serde(skip)]
    pub drafts: Option<Vec<super::DraftTally>>,
}

impl LogSummary {
    /// Groups with more occurrences than were kept.
    pub fn summarised(&self) -> impl Iterator<Item = &super::EventTally> {
        self.tallies.iter().filter(|t| t.occurrences > t.shown)
    }

    /// Occurrences read but not kept, over all groups.
    pub fn hidden(&self) -> u64 {
        self.tallies.iter().map(super::EventTally::hidden).sum()
    }
}

fn nothing_summarised(t: &[super::EventTally]) -> bool {
    t.iter().all(|t| t.occurrences <= t.shown)
}

fn summarised_only<S: serde::Serializer>(t: &[super::EventTally], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(t.iter().filter(|t| t.occurrences > t.shown))
}

/// What an `.etl` file's logfile header (`TRACE_LOGFILE_HEADER`) and buffers said. Times are
/// UTC, converted with the file's own clock type and frequency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtlSummary {
    /// The session (logger) name, e.g. `CldFltLog`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logger: Option<String>,
    /// The path the file had when it was written (as recorded in the header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_file: Option<String>,
    /// When the session started and stopped (`end` is absent while a session still logs).
    pub start: Option<DateTime<FixedOffset>>,
    pub end: Option<DateTime<FixedOffset>>,
    /// `qpc`, `system-time`, `cpu-cycle` or `unknown` (no header, or a value not documented).
    pub clock: String,
    /// The clock's ticks per second (QPC frequency, 10 MHz for system time, CPU MHz × 10⁶).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_hz: Option<u64>,
    /// Pointer size of the logging session, in bytes (4 or 8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer_size: Option<u32>,
    /// Windows version and build of the machine that wrote the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// What the session itself counted as lost while logging.
    pub events_lost: u64,
    pub buffers_lost: u64,
    /// Buffers read, and buffers skipped: compressed (not decompressed) or with an unreadable
    /// header.
    pub buffers: u64,
    pub compressed_buffers: u64,
    pub unreadable_buffers: u64,
    /// Records by header kind: `wpp`, `manifest`, `tracelogging`, `classic` (the events),
    /// `system`, `perfinfo`, `other` (read, not shown as events), `unreadable`.
    pub records_by_kind: BTreeMap<String, u64>,
    /// Little-endian `0x8xxxxxxx` values with a known facility found in event arguments.
    pub hresult_candidates: u64,
}

impl EtlSummary {
    /// One line for reports and the live view: session, original path, time span (in the
    /// display `zone`, earliest first, each end tagged with its offset when they differ),
    /// clock, pointer size, OS, losses and skipped buffers. Not sanitised: callers do that.
    pub fn describe(&self, zone: crate::clock::Zone) -> String {
        let mut parts = Vec::new();
        if let Some(l) = &self.logger {
            parts.push(format!("logger {l}"));
        }
        let t = |x: &DateTime<FixedOffset>| zone.format(x, "%Y-%m-%d %H:%M:%S%.3f");
        match (self.start, self.end) {
            (Some(a), Some(b)) => {
                let (a, b) = if b < a { (b, a) } else { (a, b) };
                let (ta, tb) = (zone.tag_at(&a), zone.tag_at(&b));
                parts.push(if ta == tb {
                    format!("session {} – {} {tb}", t(&a), t(&b))
                } else {
                    format!("session {} {ta} – {} {tb}", t(&a), t(&b))
                });
            }
            (Some(a), None) => parts.push(format!(
                "session from {} {} (no end time)",
                t(&a),
                zone.tag_at(&a)
            )),
            _ => {}
        }
        parts.push(match self.frequency_hz {
            Some(hz) => format!("clock {} at {hz} Hz", self.clock),
            None => format!("clock {}", self.clock),
        });
        if let Some(p) = self.pointer_size {
            parts.push(format!("{}-bit", p * 8));
        }
        if let Some(v) = &self.os_version {
            parts.push(format!("Windows {v}"));
        }
        parts.push(format!(
            "lost {} events, {} buffers",
            self.events_lost, self.buffers_lost
        ));
        if self.compressed_buffers > 0 {
            parts.push(format!(
                "{} compressed buffers skipped",
                self.compressed_buffers
            ));
        }
        if self.unreadable_buffers > 0 {
            parts.push(format!(
                "{} unreadable buffers skipped",
                self.unreadable_buffers
            ));
        }
        if let Some(f) = &self.log_file {
            parts.push(format!("written as {f}"));
        }
        parts.join(" · ")
    }
}

/// A problem with one file or folder. The scan goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanError {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    pub message: String,
}

impl ScanError {
    /// How the message of a trace log that was found but not read starts.
    pub const LOG_NOT_READ: &'static str = "log not read";

    /// A trace log found but not read, and why.
    pub fn log_not_read(path: impl Into<PathBuf>, why: impl std::fmt::Display) -> Self {
        ScanError::new(path, format!("{}: {why}", Self::LOG_NOT_READ))
    }

    /// Whether this error is a trace log that was found but not read.
    pub fn is_unread_log(&self) -> bool {
        self.message.starts_with(Self::LOG_NOT_READ)
    }

    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ScanError {
            path: path.into(),
            message: message.into(),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A file found under a PATH that was neither read as evidence nor reported as an error: the
/// inventory's "not recognised" list (`ignored[]` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignored {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    pub why: String,
}

#[cfg(test)]
mod tests {
    use super::DetectedBy;

    #[test]
    fn detected_by_keeps_its_wire_names() {
        for (d, s) in [
            (DetectedBy::Name, "name"),
            (DetectedBy::Content, "content"),
            (DetectedBy::NameAndContent, "name+content"),
            (DetectedBy::Flag, "--log"),
        ] {
            assert_eq!(serde_json::to_value(d).expect("json"), s);
            assert_eq!(d.to_string(), s);
            let back: DetectedBy = serde_json::from_value(s.into()).expect("back");
            assert_eq!(back, d);
        }
    }
}
