use serde::{Deserialize, Serialize};
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
}

/// A problem with one file or folder. The scan goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanError {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    pub message: String,
}

impl ScanError {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ScanError {
            path: path.into(),
            message: message.into(),
        }
    }
}
