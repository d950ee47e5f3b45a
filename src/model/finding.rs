use super::ClientGen;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// Fixed-width word for tables: state is never shown by colour alone.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARN",
            Severity::Critical => "CRIT",
        }
    }
}

/// One piece of proof: a file, optionally a line in it, a time and a short excerpt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    /// 1-based line number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// Why a log event is tied to an item (the item's chain, `related[].link` in JSON);
    /// `None` for the evidence of findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

/// Why correlation tied a log event to a spooled item. The JSON words are part of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Link {
    /// The event names one of the item's recipients (a SIP answer for them, an EWS request
    /// naming their address or mailbox).
    #[serde(rename = "same recipient")]
    SameRecipient,
    /// The event belongs to the SIP dialog (Call-ID) of a linked recipient answer.
    #[serde(rename = "same Call-ID")]
    SameCallId,
    /// An EWS attempt or failure or a spooler retry written by the same thread (same file)
    /// as an event already linked by recipient or Call-ID, at most 5 s after it: the client
    /// works the offline path on the thread that got the answer. Heuristic.
    #[serde(rename = "same thread within 5 s")]
    SameThread,
    /// Only time ties it: same account, inside the chain's span (or, for an item without
    /// recipients, inside `--window` of its write time). Heuristic.
    #[serde(rename = "time window")]
    TimeWindow,
}

impl Link {
    /// The words shown on screen and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::SameRecipient => "same recipient",
            Link::SameCallId => "same Call-ID",
            Link::SameThread => "same thread within 5 s",
            Link::TimeWindow => "time window",
        }
    }
}

impl Evidence {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Evidence {
            path: path.into(),
            line: None,
            time: None,
            excerpt: None,
            link: None,
        }
    }
}

/// What a rule concluded, with the proof and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case id, e.g. `spool-stuck`.
    pub rule: String,
    pub severity: Severity,
    /// Sign-in address of the account concerned, when there is one.
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The client generation of the account concerned (as items and accounts give it), when
    /// the finding is about one account folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientGen>,
    /// The account folder concerned (`accounts[].dir`), when the finding is about one: one
    /// profile can hold the same address twice (an `Office\15.0` and an `Office\16.0` folder
    /// after an upgrade), and this says which.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::pathser::lossy_opt_buf"
    )]
    pub account_dir: Option<PathBuf>,
    pub title: String,
    pub evidence: Vec<Evidence>,
    pub remediation: String,
}
