//! Mailbox-side evidence: listings of a folder's items (EWS `FindItem`, item-list exports),
//! folder statistics (`Get-MailboxFolderStatistics`, EWS `GetFolder`) and server policy exports
//! (`Get-CsImConfiguration`, `Get-CsClientPolicy`). Plain data.

use super::Encoding;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a mailbox evidence file holds. The JSON names are part of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailboxFileKind {
    /// An EWS `FindItem` response (possibly with a `GetFolder` response in the same file).
    FindItem,
    /// An EWS `GetFolder` response alone.
    GetFolder,
    /// `Get-MailboxFolderStatistics` output.
    FolderStats,
    /// `Get-CsImConfiguration` / `Get-CsClientPolicy` output.
    CsPolicy,
    /// A plain list of items (Outlook / `Search-Mailbox` style CSV or JSON).
    ItemList,
    /// An EWS answer that holds only errors (a SOAP fault, or `ResponseClass="Error"` of an
    /// operation other than FindItem/GetFolder).
    EwsError,
}

impl MailboxFileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailboxFileKind::FindItem => "find-item",
            MailboxFileKind::GetFolder => "get-folder",
            MailboxFileKind::FolderStats => "folder-stats",
            MailboxFileKind::CsPolicy => "cs-policy",
            MailboxFileKind::ItemList => "item-list",
            MailboxFileKind::EwsError => "ews-error",
        }
    }

    /// How a person names it.
    pub fn label(self) -> &'static str {
        match self {
            MailboxFileKind::FindItem => "EWS FindItem listing",
            MailboxFileKind::GetFolder => "EWS GetFolder response",
            MailboxFileKind::FolderStats => "Get-MailboxFolderStatistics export",
            MailboxFileKind::CsPolicy => "Skype for Business policy export",
            MailboxFileKind::ItemList => "item list export",
            MailboxFileKind::EwsError => "EWS error answer",
        }
    }
}

/// The syntax the file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    Xml,
    Csv,
    Json,
    /// PowerShell `Format-List` text: `Name : Value` blocks.
    FormatList,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Xml => "xml",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::FormatList => "format-list",
        }
    }
}

/// One item in a listing. No field is guaranteed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Private content: reports show it only with `--show-content`.
    #[serde(skip)]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<DateTime<FixedOffset>>,
    /// EWS `DateTimeReceived`, when present.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub received: Option<DateTime<FixedOffset>>,
    /// The sender's SMTP address, when the record gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The sender as an Exchange-internal X.500 address (`RoutingType` `EX`,
    /// `/O=…/OU=…/CN=RECIPIENTS/CN=…`): not an e-mail address, kept apart from `from`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from_x500: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub to: Vec<String>,
    /// The folder the item sits in when the item itself says so (id or name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// EWS `IsDraft`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_draft: Option<bool>,
    /// 1-based line of the item in its file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl MailItem {
    /// The best time for growth: creation, else send time.
    pub fn time(&self) -> Option<DateTime<FixedOffset>> {
        self.created.or(self.sent)
    }
}

/// An error EWS answered with: a response message with `ResponseClass="Error"`, or a SOAP
/// fault. Its words are Exchange's own (`MessageText`, `faultstring`), as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwsError {
    /// `error` (a response message with `ResponseClass="Error"`) or `soap-fault`.
    pub class: String,
    /// `ResponseCode` (for a fault: `detail/ResponseCode`, else the `faultcode`).
    pub code: String,
    /// The element that carried it (`FindItemResponseMessage`, `Fault`).
    pub element: String,
    /// `MessageText`, else the fault's `faultstring`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A fault's `faultcode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faultcode: Option<String>,
    /// 1-based line of the element in its file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// Error answers of one code kept per file: (first, last, spread).
pub const EWS_ERRORS_KEPT: (usize, usize, usize) = (8, 8, 16);

/// How many error answers of one code a file holds, and how many `ews_errors` keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwsErrorTally {
    pub code: String,
    pub occurrences: u64,
    pub shown: u64,
}

/// One folder's statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderStat {
    /// An EWS folder id (`GetFolder`), for matching a listing's `ParentFolderId`.
    #[serde(skip)]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl FolderStat {
    /// Whether this is the Drafts folder: `FolderType` (language-neutral) says `Drafts`, else
    /// the name or path is `Drafts` (English: a heuristic for other languages).
    pub fn is_drafts(&self) -> bool {
        if let Some(t) = &self.folder_type {
            return t.trim().eq_ignore_ascii_case("drafts");
        }
        let name_is = |s: &Option<String>| {
            s.as_deref().is_some_and(|v| {
                v.trim()
                    .trim_start_matches(['/', '\\'])
                    .eq_ignore_ascii_case("drafts")
            })
        };
        name_is(&self.name) || name_is(&self.folder_path)
    }
}

/// One policy or configuration record (one `Identity`), with its properties as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRecord {
    /// `Identity` (`Global`, `Site:Redmond`, `Tag:…`, `Tenant`…), when the record names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    pub values: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl PolicyRecord {
    /// A property's value, looked up case-insensitively.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// A boolean property (the rule: [`crate::text::parse_bool`]).
    pub fn flag(&self, key: &str) -> Option<bool> {
        parse_bool(self.get(key)?)
    }

    /// How to name the record in a finding.
    pub fn name(&self) -> &str {
        self.identity.as_deref().unwrap_or("(no Identity)")
    }
}

/// PowerShell's ways of writing a boolean (one rule for the whole crate).
pub use crate::text::parse_bool;

/// Encodings in JSON use the same names as spooled items (`utf-16le-bom`, …).
fn encoding_name<S: serde::Serializer>(e: &Option<Encoding>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_str(e.as_str()),
        None => s.serialize_none(),
    }
}

/// One mailbox evidence file, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxFile {
    #[serde(serialize_with = "super::pathser::lossy")]
    pub path: PathBuf,
    pub kind: MailboxFileKind,
    pub format: ExportFormat,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "encoding_name",
        skip_deserializing
    )]
    pub encoding: Option<Encoding>,
    /// The mailbox owner's address, when something names it (see `attribution`).
    pub owner: Option<String>,
    /// How the owner was found (`items-from`, `identity`, `file-name`…), or `unattributed`.
    pub attribution: String,
    /// The folder a listing covers (`drafts`, a display name, or a folder id), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// How `folder` was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_source: Option<String>,
    /// `TotalItemsInView` of a FindItem response: the folder's size, when the listing is paged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_in_view: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub items: Vec<MailItem>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub folders: Vec<FolderStat>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub policies: Vec<PolicyRecord>,
    /// Errors EWS answered with (each counts as a record). Bounded per code: the first and
    /// last few and an even spread are kept; `ews_errors_summarised` counts the rest.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ews_errors: Vec<EwsError>,
    /// Codes with more error answers than `ews_errors` keeps: exact `occurrences`, `shown`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ews_errors_summarised: Vec<EwsErrorTally>,
    /// Records passed over (unreadable rows, objects without the expected fields).
    pub skipped: u64,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub heuristics: Vec<String>,
}

impl MailboxFile {
    pub fn new(path: impl Into<PathBuf>, kind: MailboxFileKind, format: ExportFormat) -> Self {
        MailboxFile {
            path: path.into(),
            kind,
            format,
            encoding: None,
            owner: None,
            attribution: "unattributed".into(),
            folder: None,
            folder_source: None,
            total_in_view: None,
            items: Vec::new(),
            folders: Vec::new(),
            policies: Vec::new(),
            ews_errors: Vec::new(),
            ews_errors_summarised: Vec::new(),
            skipped: 0,
            heuristics: Vec::new(),
        }
    }

    /// Records in the file (items, folders, policy records and EWS error answers).
    pub fn records(&self) -> u64 {
        let hidden: u64 = self
            .ews_errors_summarised
            .iter()
            .map(|t| t.occurrences - t.shown)
            .sum();
        (self.items.len() + self.folders.len() + self.policies.len() + self.ews_errors.len()) as u64
            + hidden
    }

    /// Keep `errors` within [`EWS_ERRORS_KEPT`] per code (the first and last few and an even
    /// spread, in file order) and count every one in `ews_errors_summarised`.
    pub fn set_ews_errors(&mut self, errors: Vec<EwsError>) {
        let (first, last, spread) = EWS_ERRORS_KEPT;
        let mut by_code: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for (i, e) in errors.iter().enumerate() {
            by_code.entry(e.code.clone()).or_default().push(i);
        }
        let mut keep = vec![false; errors.len()];
        self.ews_errors_summarised.clear();
        for (code, idx) in by_code {
            let n = idx.len();
            if n <= first + last + spread {
                idx.iter().for_each(|&i| keep[i] = true);
                continue;
            }
            let mut shown = std::collections::BTreeSet::new();
            shown.extend(&idx[..first]);
            shown.extend(&idx[n - last..]);
            let middle = &idx[first..n - last];
            for k in 0..spread {
                shown.insert(middle[k * middle.len() / spread]);
            }
            for &i in &shown {
                keep[i] = true;
            }
            self.ews_errors_summarised.push(EwsErrorTally {
                code,
                occurrences: n as u64,
                shown: shown.len() as u64,
            });
        }
        self.ews_errors = errors
            .into_iter()
            .zip(keep)
            .filter_map(|(e, k)| k.then_some(e))
            .collect();
    }

    /// Whether the listing covers the Drafts folder.
    pub fn lists_drafts(&self) -> bool {
        self.folder
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("drafts"))
    }

    /// The Drafts folder's statistics, if the file has them.
    pub fn drafts_stat(&self) -> Option<&FolderStat> {
        self.folders.iter().find(|f| f.is_drafts())
    }
}
