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
    /// PowerShell `Format-Table` text: a header, a line of dashes, rows by column position.
    FormatTable,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Xml => "xml",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::FormatList => "format-list",
            ExportFormat::FormatTable => "format-table",
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
    /// the path is the top-level `/Drafts` (one segment), else, only when there is no
    /// `FolderPath`, the name is `Drafts` (English: a heuristic for other languages). A folder
    /// named `Drafts` under another one (`/Inbox/Drafts`, an imported PST's) is not it. A
    /// `FolderType` that is empty or a bare number (an enumeration written as its value, whose
    /// meaning is not documented here) says nothing, so the path or name decides.
    pub fn is_drafts(&self) -> bool {
        let named_type = self
            .folder_type
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.bytes().all(|b| b.is_ascii_digit()));
        if let Some(t) = named_type {
            return t.eq_ignore_ascii_case("drafts");
        }
        let is_drafts = |v: &str| {
            v.trim()
                .trim_start_matches(['/', '\\'])
                .eq_ignore_ascii_case("drafts")
        };
        match self.folder_path.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(path) => is_drafts(path),
            None => self.name.as_deref().is_some_and(is_drafts),
        }
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
    /// The mailbox this entry's records name when it is not an address (the `Identity` part
    /// before `\`), set when one file holds several mailboxes and is read as one entry each.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub named_mailbox: Option<String>,
    /// Time values that could not be read as a time (their records are kept without it).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub bad_times: u64,
    /// What the reader could not take as written (a cut last record, a count it cannot read):
    /// one line each, reported as errors naming the file. Not part of the JSON entry.
    #[serde(skip)]
    pub problems: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
            named_mailbox: None,
            bad_times: 0,
            problems: Vec::new(),
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

    /// Whether the items of the listing that say whether they are drafts all say they are not
    /// (`IsDraft` false), and some do: then the file is not taken as a Drafts listing by its
    /// name. One such item among drafts does not count (a mail dragged into Drafts keeps
    /// `IsDraft` false).
    pub fn items_say_not_drafts(&self) -> bool {
        let mut said = self.items.iter().filter_map(|i| i.is_draft).peekable();
        said.peek().is_some() && said.all(|d| !d)
    }

    /// The Drafts folder's statistics, if the file has them. When one mailbox's file names
    /// Drafts twice, the larger count is the one taken.
    pub fn drafts_stat(&self) -> Option<&FolderStat> {
        self.folders
            .iter()
            .filter(|f| f.is_drafts())
            .reduce(|a, b| if b.items > a.items { b } else { a })
    }

    /// An empty copy of this file's identity (path, format, encoding, labels) of `kind`.
    fn part(&self, kind: MailboxFileKind) -> MailboxFile {
        let mut p = MailboxFile::new(self.path.clone(), kind, self.format);
        p.encoding = self.encoding;
        p.heuristics = self.heuristics.clone();
        p.folder = self.folder.clone();
        p.folder_source = self.folder_source.clone();
        p
    }

    /// A file holding both policy records and folder statistics (a transcript, two outputs
    /// appended to one file) as one entry per kind; any other file as it is. Skipped records,
    /// time counts and problems stay with the first entry, so they are counted once.
    pub fn split_by_kind(mut self) -> Vec<MailboxFile> {
        if self.policies.is_empty() || self.folders.is_empty() {
            return vec![self];
        }
        let mut stats = self.part(MailboxFileKind::FolderStats);
        stats.folders = std::mem::take(&mut self.folders);
        self.kind = MailboxFileKind::CsPolicy;
        vec![self, stats]
    }

    /// A PowerShell export naming several mailboxes as one entry per mailbox: folder
    /// statistics by the mailbox part of `Identity` (`jdoe@contoso.com\Drafts` →
    /// `jdoe@contoso.com`), an item list of the Drafts folder (or of no named folder) by the
    /// sender of its items. An entry whose mailbox is an address has it as `owner`; otherwise
    /// the name is kept in `named_mailbox`. Records that name no mailbox stay in a last entry
    /// without one. A file naming one mailbox or none comes back as it is.
    pub fn split_by_mailbox(self) -> Vec<MailboxFile> {
        if self.owner.is_some() || self.named_mailbox.is_some() {
            return vec![self];
        }
        match self.kind {
            MailboxFileKind::FolderStats => {
                let groups = group_by(&self.folders, |s| {
                    s.identity.as_deref().and_then(identity_mailbox)
                });
                if groups.iter().filter(|(k, _)| k.is_some()).count() < 2 {
                    return vec![self];
                }
                self.parts(
                    groups,
                    "Identity column (one of several mailboxes in the file)",
                    None,
                    |p, idx| p.folders = idx.iter().map(|&j| self.folders[j].clone()).collect(),
                )
            }
            MailboxFileKind::ItemList => {
                let own = self.folder.as_deref().is_none_or(|d| {
                    ["drafts", "sentitems", "outbox"].contains(&d.to_ascii_lowercase().as_str())
                });
                let groups = group_by(&self.items, |it| {
                    it.from
                        .as_deref()
                        .filter(|a| a.contains('@'))
                        .map(str::to_ascii_lowercase)
                });
                if !own || groups.iter().filter(|(k, _)| k.is_some()).count() < 2 {
                    return vec![self];
                }
                self.parts(
                    groups,
                    "heuristic: sender of these items (the list holds several senders)",
                    Some("item-list-split-by-sender"),
                    |p, idx| p.items = idx.iter().map(|&j| self.items[j].clone()).collect(),
                )
            }
            _ => vec![self],
        }
    }

    /// One part per group (the first keeps the file's skipped count, bad times and
    /// problems, so they are counted once), filled by `fill`, owned as its key says (`how`),
    /// with `heuristic` on every part that has a key.
    fn parts(
        &self,
        groups: Vec<(Option<String>, Vec<usize>)>,
        how: &str,
        heuristic: Option<&str>,
        fill: impl Fn(&mut MailboxFile, &[usize]),
    ) -> Vec<MailboxFile> {
        let mut out = Vec::with_capacity(groups.len());
        for (i, (key, idx)) in groups.into_iter().enumerate() {
            let mut p = self.part(self.kind);
            if i == 0 {
                p.skipped = self.skipped;
                p.bad_times = self.bad_times;
                p.problems = self.problems.clone();
            }
            fill(&mut p, &idx);
            if let (Some(_), Some(h)) = (&key, heuristic) {
                p.heuristics.push(h.into());
            }
            p.set_named(key, how);
            out.push(p);
        }
        out
    }

    fn set_named(&mut self, key: Option<String>, how: &str) {
        match key {
            Some(k) if k.contains('@') => {
                self.owner = Some(k);
                self.attribution = how.into();
            }
            Some(k) => self.named_mailbox = Some(k),
            None => {}
        }
    }
}

/// Indexes of `v` grouped by `key`, groups in order of first appearance, the group without a
/// key last.
fn group_by<T>(v: &[T], key: impl Fn(&T) -> Option<String>) -> Vec<(Option<String>, Vec<usize>)> {
    let mut out: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = Default::default();
    let mut none: Vec<usize> = Vec::new();
    for (i, x) in v.iter().enumerate() {
        match key(x) {
            Some(k) => match at.get(&k) {
                Some(&g) => out[g].1.push(i),
                None => {
                    at.insert(k.clone(), out.len());
                    out.push((Some(k), vec![i]));
                }
            },
            None => none.push(i),
        }
    }
    if !none.is_empty() {
        out.push((None, none));
    }
    out
}

/// The mailbox part of an `Identity` such as `jdoe\Drafts`, `jdoe@contoso.com\Drafts` or
/// `contoso.com/Users/J Doe\Drafts`, lower-cased; `None` without a `\`.
pub fn identity_mailbox(identity: &str) -> Option<String> {
    let (mb, _) = identity.split_once('\\')?;
    let mb = mb
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    (!mb.is_empty()).then_some(mb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(identity: &str, items: u64) -> FolderStat {
        FolderStat {
            folder_type: Some("Drafts".into()),
            items: Some(items),
            identity: Some(identity.into()),
            ..FolderStat::default()
        }
    }

    /// A `FolderType` written as a number or left empty does not hide a folder named Drafts;
    /// a named type still decides over the name.
    #[test]
    fn an_unnamed_folder_type_leaves_the_decision_to_the_name() {
        let named = |t: &str, name: &str| FolderStat {
            folder_type: Some(t.into()),
            name: Some(name.into()),
            ..FolderStat::default()
        };
        assert!(named("16", "Drafts").is_drafts());
        assert!(named(" ", "/Drafts").is_drafts());
        assert!(!named("16", "Inbox").is_drafts());
        assert!(!named("Inbox", "Drafts").is_drafts());
        assert!(named("drafts", "Entwürfe").is_drafts());
    }

    /// Without `FolderType`, a `FolderPath` decides: only the top-level `/Drafts` is Drafts, a
    /// nested folder of that name is not; the name decides only when there is no path.
    #[test]
    fn only_the_top_level_drafts_path_is_drafts() {
        let row = |name: &str, path: Option<&str>| FolderStat {
            name: Some(name.into()),
            folder_path: path.map(str::to_string),
            ..FolderStat::default()
        };
        assert!(row("Drafts", Some("/Drafts")).is_drafts());
        assert!(row("Drafts", Some("\\Drafts")).is_drafts());
        assert!(!row("Drafts", Some("/Inbox/Drafts")).is_drafts());
        assert!(!row("Drafts", Some("/Projects/Drafts")).is_drafts());
        assert!(row("Drafts", None).is_drafts());
        assert!(row("Drafts", Some(" ")).is_drafts());
        assert!(!row("Inbox", None).is_drafts());
        // A named FolderType still decides over a nested path.
        let mut typed = row("Drafts", Some("/Inbox/Drafts"));
        typed.folder_type = Some("Drafts".into());
        assert!(typed.is_drafts());

        // The nested 4000 no longer wins over the top-level 3.
        let mut f = MailboxFile::new("s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
        f.folders = vec![
            FolderStat {
                items: Some(4000),
                ..row("Drafts", Some("/Inbox/Drafts"))
            },
            FolderStat {
                items: Some(3),
                ..row("Drafts", Some("/Drafts"))
            },
        ];
        assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(3));
        // Without FolderPath the name alone decides (the larger count, as before).
        for d in &mut f.folders {
            d.folder_path = None;
        }
        assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(4000));
    }

    #[test]
    fn statistics_of_several_mailboxes_are_one_entry_each() {
        let mut f = MailboxFile::new("s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
        f.skipped = 2;
        f.folders = vec![
            stat("jdoe@contoso.com\\Drafts", 3),
            stat("rlee\\Drafts", 412),
            FolderStat {
                folder_type: Some("Inbox".into()),
                ..stat("JDOE@contoso.com\\Inbox", 9)
            },
            stat("no mailbox", 1),
        ];
        let parts = f.split_by_mailbox();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].owner.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(parts[0].folders.len(), 2);
        assert_eq!(parts[0].drafts_stat().and_then(|d| d.items), Some(3));
        assert_eq!(parts[1].owner, None);
        assert_eq!(parts[1].named_mailbox.as_deref(), Some("rlee"));
        assert_eq!(parts[1].drafts_stat().and_then(|d| d.items), Some(412));
        assert_eq!(
            (parts[2].owner.clone(), parts[2].named_mailbox.clone()),
            (None, None)
        );
        // Skipped records are counted once.
        assert_eq!(parts.iter().map(|p| p.skipped).sum::<u64>(), 2);
        // A part splits no further.
        assert_eq!(parts[1].clone().split_by_mailbox(), vec![parts[1].clone()]);

        // One mailbox: the file as it is.
        let mut one = MailboxFile::new("s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
        one.folders = vec![stat("jdoe\\Drafts", 3), stat("jdoe\\Inbox", 4)];
        assert_eq!(one.clone().split_by_mailbox(), vec![one]);
    }

    #[test]
    fn a_drafts_list_of_several_senders_is_one_entry_each() {
        let item = |from: &str| MailItem {
            from: Some(from.into()),
            class: Some("IM.Note.MissedConversation".into()),
            ..MailItem::default()
        };
        let mut f = MailboxFile::new("l.csv", MailboxFileKind::ItemList, ExportFormat::Csv);
        f.folder = Some("drafts".into());
        f.items = vec![
            item("jdoe@contoso.com"),
            item("rlee@contoso.com"),
            item("JDoe@contoso.com"),
        ];
        let parts = f.clone().split_by_mailbox();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].owner.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(parts[0].items.len(), 2);
        assert!(parts[1]
            .heuristics
            .contains(&"item-list-split-by-sender".into()));
        // A list of the Inbox holds other people's mail: not split.
        f.folder = Some("Inbox".into());
        assert_eq!(f.clone().split_by_mailbox(), vec![f]);
    }

    #[test]
    fn the_larger_drafts_count_of_one_mailbox_is_taken() {
        let mut f = MailboxFile::new("s.csv", MailboxFileKind::FolderStats, ExportFormat::Csv);
        f.folders = vec![stat("jdoe\\Drafts", 3), stat("jdoe\\Drafts", 412)];
        assert_eq!(f.drafts_stat().and_then(|d| d.items), Some(412));
    }
}
