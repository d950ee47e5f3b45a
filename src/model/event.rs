use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a classified log record is about. The JSON names are part of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    SipRequest,
    SipResponse,
    EwsRequest,
    EwsFailure,
    Autodiscover,
    HttpStatus,
    SoapFault,
    Policy,
    ClientVersion,
    SpoolerRetry,
    SignIn,
    SignOut,
    Error,
    Other,
}

/// One classified record from a log source: where it is, when, what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    /// 1-based line where the record starts.
    pub line: u64,
    pub time: Option<DateTime<FixedOffset>>,
    /// The record's level word (`INFO`, `ERROR`, …) as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The thread that wrote the record, as the log names it (UccApilog `PID:TID` like
    /// `1F68:C14`, tracerpt `PID:TID` or the CSV TID, ETW text `PID.TID`), when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    pub kind: EventKind,
    /// Id of the marker that classified it (see `assets/markers.toml`).
    pub marker: String,
    /// Index into `Model::accounts`, when the event can be tied to one account.
    #[serde(skip)]
    pub account: Option<usize>,
    /// The profile the source sits under, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// A short, single-line excerpt of the record (sanitised only when displayed).
    pub excerpt: String,
    /// What the marker extracted (`status`, `url`, `operation`, `version`, `policy`, …).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub values: BTreeMap<String, String>,
}

impl LogEvent {
    /// The one order of events everywhere (model, watch, rules): time (undated first), then
    /// file, then line.
    pub fn order_key(&self) -> (Option<DateTime<FixedOffset>>, &std::path::Path, u64) {
        (self.time, &self.path, self.line)
    }

    /// Whether the event is worth a `watch` `log-event` line: failures and policy, not every
    /// SIP packet.
    pub fn notable(&self) -> bool {
        use EventKind::*;
        matches!(
            self.kind,
            EwsFailure | HttpStatus | SoapFault | Policy | ClientVersion | SpoolerRetry | Error
        )
    }
}
