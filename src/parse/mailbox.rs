//! EWS responses saved by an engineer: `FindItem` (a folder's items) and `GetFolder` (a folder's
//! display name and item count). Any namespace prefix or none; streaming (quick-xml), no DTD,
//! no entity expansion, bounded depth. A response cut short keeps what was read before the cut
//! and says where it stopped.

use super::psexport::parse_time;
use crate::model::{ExportFormat, FolderStat, MailItem, MailboxFile, MailboxFileKind};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::path::Path;

const MAX_DEPTH: usize = 256;

use super::xml::{attr, local};

/// Whether decoded text looks like an EWS response this module reads.
pub fn looks_like_ews(text: &str) -> bool {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    t.starts_with('<')
        && (t.contains("FindItemResponse")
            || t.contains("GetFolderResponse")
            || t.contains("FindItem ")
            || t.contains("FindItem>")
            || is_error_answer(t))
}

/// An EWS answer holding an error: a response message with `ResponseClass="Error"`, or a SOAP
/// fault (`<s:Fault>` with a `faultcode`).
fn is_error_answer(t: &str) -> bool {
    (t.contains("ResponseMessage") && t.contains("ResponseClass=\"Error\""))
        || ((t.contains(":Fault>") || t.contains("<Fault>")) && t.contains("faultcode"))
}

/// What the parse found, before it becomes a [`MailboxFile`].
#[derive(Default)]
struct State {
    items: Vec<MailItem>,
    folders: Vec<FolderStat>,
    /// `DistinguishedFolderId@Id` in a FindItem request.
    request_folder: Option<String>,
    /// `DistinguishedFolderId@Id` in a GetFolder request.
    getfolder_request: Option<String>,
    /// A mailbox named in a request (`DistinguishedFolderId/Mailbox/EmailAddress`).
    request_mailbox: Option<String>,
    total_in_view: Option<u64>,
    find_item: bool,
    get_folder: bool,
    response_codes: Vec<String>,
    /// Error answers read, and the stack depth of the one being read.
    errors: Vec<crate::model::EwsError>,
    error_at: Option<usize>,
    /// An X.500 (`EX`) address was met where an e-mail address was expected.
    x500: bool,
}

/// A parsed EWS response.
#[derive(Debug)]
pub struct Ews {
    pub file: MailboxFile,
    /// A mailbox the request names (`DistinguishedFolderId/Mailbox/EmailAddress`).
    pub request_mailbox: Option<String>,
    /// Why the parse stopped early, when it did (what was read before is kept).
    pub cut: Option<String>,
}

/// An EWS response that cannot be read (one line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EwsError {
    /// It is a FindItem or GetFolder response, but the XML broke off (or went too deep) before
    /// the first record.
    #[error("looks like an EWS {operation} response but no record could be read: {reason}")]
    NoRecord {
        operation: &'static str,
        reason: String,
    },
}

/// Parse an EWS FindItem/GetFolder response. `Ok(None)`: not such a response.
/// `Err`: it is one, but not a single record could be read.
pub fn parse_ews(path: &Path, text: &str) -> Result<Option<Ews>, EwsError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_dangling_amp = true;
    let mut st = State::default();
    let mut pending = super::xml::TextBuf::default();
    let mut stack: Vec<String> = Vec::new();
    // Index in `stack` of the element that opened the current item / folder.
    let mut item_at: Option<usize> = None;
    let mut folder_at: Option<usize> = None;
    let mut cut: Option<String> = None;
    let mut line: u64 = 1;
    let mut seen: usize = 0;
    let bytes = text.as_bytes();
    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                cut = Some(format!(
                    "XML unreadable after byte {} ({})",
                    reader.buffer_position(),
                    e.to_string().lines().next().unwrap_or_default()
                ));
                break;
            }
        };
        match &ev {
            Event::Text(e) => pending.push_text(e),
            Event::GeneralRef(e) => pending.push_ref(e),
            Event::CData(e) => pending.push_cdata(e),
            Event::Comment(_) | Event::PI(_) => {}
            _ => {
                if let Some(v) = pending.take() {
                    take_text(&mut st, &stack, item_at, folder_at, &v);
                }
            }
        }
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let opens = matches!(ev, Event::Start(_));
                let name = local(e.name().as_ref());
                let parent = stack.last().map(String::as_str).unwrap_or_default();
                let error_start = st.error_at.is_none()
                    && ((name.ends_with("ResponseMessage")
                        && attr(e, "ResponseClass").as_deref() == Some("Error"))
                        || name == "Fault");
                if parent == "Items" || parent == "Folders" || error_start {
                    // Line of this start tag: the last '<' before the reader's position.
                    let after = (reader.buffer_position() as usize).min(bytes.len());
                    let start = memchr::memrchr(b'<', &bytes[..after]).unwrap_or(0);
                    if start > seen {
                        line += memchr::memchr_iter(b'\n', &bytes[seen..start]).count() as u64;
                        seen = start;
                    }
                }
                match name.as_str() {
                    "FindItem" => st.find_item = true,
                    "FindItemResponse" | "FindItemResponseMessage" => st.find_item = true,
                    "GetFolderResponse" | "GetFolderResponseMessage" => st.get_folder = true,
                    "GetFolder" => st.get_folder = true,
                    "RootFolder" => {
                        if let Some(n) = attr(e, "TotalItemsInView").and_then(|v| v.parse().ok()) {
                            st.total_in_view = Some(n);
                        }
                    }
                    "DistinguishedFolderId" | "FolderId"
                        if parent == "ParentFolderIds" || parent == "FolderIds" =>
                    {
                        if let Some(id) = attr(e, "Id") {
                            if parent == "ParentFolderIds" {
                                st.request_folder.get_or_insert(id);
                            } else {
                                st.getfolder_request.get_or_insert(id);
                            }
                        }
                    }
                    _ => {}
                }
                if error_start && opens {
                    st.error_at = Some(stack.len());
                    st.errors.push(crate::model::EwsError {
                        class: if name == "Fault" {
                            "soap-fault".into()
                        } else {
                            "error".into()
                        },
                        element: name.clone(),
                        line: Some(line),
                        ..Default::default()
                    });
                }
                if item_at.is_none() && folder_at.is_none() && parent == "Items" && opens {
                    item_at = Some(stack.len());
                    st.items.push(MailItem {
                        line: Some(line),
                        ..MailItem::default()
                    });
                } else if item_at.is_none() && folder_at.is_none() && parent == "Folders" && opens {
                    folder_at = Some(stack.len());
                    st.folders.push(FolderStat {
                        line: Some(line),
                        ..FolderStat::default()
                    });
                }
                if item_at.is_some() {
                    if let Some(it) = st.items.last_mut() {
                        match name.as_str() {
                            "ItemId" if it.id.is_none() => it.id = attr(e, "Id"),
                            "ParentFolderId" => it.folder = attr(e, "Id"),
                            _ => {}
                        }
                    }
                } else if folder_at.is_some() && name == "FolderId" {
                    if let Some(f) = st.folders.last_mut() {
                        f.id = attr(e, "Id");
                    }
                }
                if opens {
                    stack.push(name);
                    if stack.len() > MAX_DEPTH {
                        cut = Some(format!("XML deeper than {MAX_DEPTH} levels not followed"));
                        break;
                    }
                }
            }
            Event::End(_) => {
                stack.pop();
                if item_at.is_some_and(|d| stack.len() <= d) {
                    item_at = None;
                }
                if folder_at.is_some_and(|d| stack.len() <= d) {
                    folder_at = None;
                }
                if st.error_at.is_some_and(|d| stack.len() <= d) {
                    st.error_at = None;
                }
            }
            Event::Eof => {
                if !stack.is_empty() {
                    cut = Some(format!(
                        "XML ends inside <{}> (cut short?)",
                        stack.last().map(String::as_str).unwrap_or_default()
                    ));
                }
                break;
            }
            _ => {}
        }
    }
    for e in &mut st.errors {
        if e.code.is_empty() {
            // A fault without `detail/ResponseCode`: its faultcode, without the prefix.
            let fc = e.faultcode.as_deref().unwrap_or_default();
            e.code = fc.rsplit(':').next().unwrap_or(fc).to_string();
        }
        if e.code.is_empty() {
            e.code = "(no ResponseCode)".into();
        }
    }
    if !st.find_item && !st.get_folder && st.errors.is_empty() {
        return Ok(None);
    }
    if cut.is_some() && st.items.is_empty() && st.folders.is_empty() && st.errors.is_empty() {
        return Err(EwsError::NoRecord {
            operation: if st.find_item {
                "FindItem"
            } else {
                "GetFolder"
            },
            reason: cut.unwrap_or_default(),
        });
    }
    let kind = if st.find_item {
        MailboxFileKind::FindItem
    } else if st.get_folder {
        MailboxFileKind::GetFolder
    } else {
        MailboxFileKind::EwsError
    };
    let mut f = MailboxFile::new(path, kind, ExportFormat::Xml);
    for c in st.response_codes.iter().filter(|c| *c != "NoError") {
        f.heuristics.push(format!("ews-response-code-{c}"));
    }
    if st.x500 {
        f.heuristics.push("ex-x500-address-not-smtp".into());
    }
    f.set_ews_errors(std::mem::take(&mut st.errors));
    if cut.is_some() {
        f.heuristics.push("xml-cut-short".into());
        f.skipped += 1;
    }
    // A GetFolder request for a distinguished folder names the folder(s) it returned.
    if let Some(id) = &st.getfolder_request {
        if st.folders.len() == 1 {
            if let Some(fo) = st.folders.first_mut() {
                fo.folder_type.get_or_insert_with(|| capitalise(id));
            }
        }
    }
    f.total_in_view = st.total_in_view;
    f.items = st.items;
    f.folders = st.folders;
    resolve_folder(&mut f, st.request_folder);
    Ok(Some(Ews {
        file: f,
        request_mailbox: st.request_mailbox,
        cut,
    }))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn take_text(
    st: &mut State,
    stack: &[String],
    item_at: Option<usize>,
    folder_at: Option<usize>,
    v: &str,
) {
    if v.is_empty() {
        return;
    }
    let name = stack.last().map(String::as_str).unwrap_or_default();
    let under = |n: &str| stack.iter().any(|s| s == n);
    if let Some(d) = st.error_at {
        if let Some(e) = st.errors.last_mut() {
            let inner = stack.len() > d;
            match name {
                "ResponseCode" if inner && e.code.is_empty() => e.code = v.to_string(),
                "MessageText" if inner => e.message = Some(v.to_string()),
                "faultcode" if inner => e.faultcode = Some(v.to_string()),
                "faultstring" if inner && e.message.is_none() => e.message = Some(v.to_string()),
                _ => {}
            }
        }
    }
    if name == "ResponseCode" {
        st.response_codes.push(v.to_string());
        return;
    }
    if name == "EmailAddress" && under("DistinguishedFolderId") && item_at.is_none() {
        st.request_mailbox.get_or_insert_with(|| v.to_string());
        return;
    }
    if let Some(d) = item_at {
        let Some(it) = st.items.last_mut() else {
            return;
        };
        let in_item = stack.get(d..).unwrap_or_default();
        let within = |n: &str| in_item.iter().any(|s| s == n);
        match name {
            "ItemClass" if in_item.len() == 2 => it.class = Some(v.to_string()),
            "Subject" if in_item.len() == 2 => it.subject = Some(v.to_string()),
            "DateTimeCreated" if in_item.len() == 2 => it.created = parse_time(v).map(|t| t.0),
            "DateTimeSent" if in_item.len() == 2 => it.sent = parse_time(v).map(|t| t.0),
            "DateTimeReceived" if in_item.len() == 2 => it.received = parse_time(v).map(|t| t.0),
            // An Exchange-internal X.500 address (routing type `EX`) is not an e-mail address:
            // kept apart; an SMTP address of the same record (e.g. `Sender`) is used instead.
            "EmailAddress" if is_x500(v) => {
                st.x500 = true;
                if within("From") || (within("Sender") && it.from_x500.is_none()) {
                    it.from_x500 = Some(v.to_string());
                }
            }
            "IsDraft" if in_item.len() == 2 => it.is_draft = crate::model::parse_bool(v),
            "RoutingType"
                if v.trim().eq_ignore_ascii_case("EX")
                    && (within("From") || within("Sender"))
                    && it.from.as_deref().is_some_and(|f| !f.contains('@')) =>
            {
                st.x500 = true;
                it.from_x500 = it.from.take();
            }
            "EmailAddress" => {
                if within("From") {
                    it.from = Some(v.to_string());
                } else if within("Sender") {
                    if it.from.is_none() {
                        it.from = Some(v.to_string());
                    }
                } else if within("ToRecipients") || within("CcRecipients") {
                    it.to.push(v.to_string());
                }
            }
            _ => {}
        }
    } else if let Some(d) = folder_at {
        let Some(fo) = st.folders.last_mut() else {
            return;
        };
        if stack.len() != d + 2 {
            return;
        }
        match name {
            "DisplayName" => fo.name = Some(v.to_string()),
            // The same count rule as the exports (a re-saved answer may group digits).
            "TotalCount" => fo.items = super::psexport::parse_count(v),
            _ => {}
        }
    }
}

/// An X.500 distinguished name as Exchange writes internal (`EX`) addresses: `/O=…/OU=…/CN=…`.
fn is_x500(v: &str) -> bool {
    let t = v.trim();
    t.len() > 3 && t.as_bytes()[0] == b'/' && t[1..].to_ascii_lowercase().starts_with("o=")
}

/// Decide which folder a listing covers, and say how.
fn resolve_folder(f: &mut MailboxFile, request_folder: Option<String>) {
    if let Some(id) = request_folder {
        f.folder = Some(id);
        f.folder_source = Some("request: ParentFolderIds/DistinguishedFolderId".into());
        return;
    }
    if f.items.is_empty() {
        return;
    }
    // All items in one parent folder that a GetFolder response in the same file names.
    let first = f.items[0].folder.clone();
    if let Some(pid) = first.filter(|p| f.items.iter().all(|i| i.folder.as_ref() == Some(p))) {
        if let Some(fo) = f.folders.iter().find(|fo| fo.id.as_ref() == Some(&pid)) {
            if fo.is_drafts() {
                f.folder = Some("drafts".into());
                f.folder_source = Some("GetFolder response for the items' ParentFolderId".into());
                return;
            }
            if let Some(n) = &fo.name {
                f.folder = Some(n.clone());
                f.folder_source = Some("GetFolder response for the items' ParentFolderId".into());
                return;
            }
        }
        // Kept as an id; a GetFolder response in another file may name it.
        f.folder = Some(pid);
        f.folder_source = Some("ParentFolderId (id only)".into());
    }
    if f.items.iter().all(|i| i.is_draft == Some(true)) {
        f.folder = Some("drafts".into());
        f.folder_source = Some("every item has IsDraft = true".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finditem(prefix: bool, folder: Option<&str>, n: usize) -> String {
        let (t, m, s) = if prefix {
            ("t:", "m:", "s:")
        } else {
            ("", "", "")
        };
        let mut x = format!(
            "<?xml version=\"1.0\"?>\n<{s}Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:m=\"m\" xmlns:t=\"t\">\n<{s}Body>\n"
        );
        if let Some(fo) = folder {
            x.push_str(&format!(
                "<{m}FindItem><{m}ParentFolderIds><{t}DistinguishedFolderId Id=\"{fo}\"/></{m}ParentFolderIds></{m}FindItem>\n"
            ));
        }
        x.push_str(&format!("<{m}FindItemResponse><{m}ResponseMessages><{m}FindItemResponseMessage ResponseClass=\"Success\"><{m}ResponseCode>NoError</{m}ResponseCode>\n<{m}RootFolder TotalItemsInView=\"{n}\"><{t}Items>\n"));
        for i in 0..n {
            x.push_str(&format!(
                "<{t}Message><{t}ItemId Id=\"AAMk{i}\" ChangeKey=\"x\"/><{t}ItemClass>IM.Note.MissedConversation</{t}ItemClass><{t}Subject>Jane sent you a message &amp; more</{t}Subject><{t}DateTimeCreated>2026-03-01T1{i}:00:00Z</{t}DateTimeCreated><{t}From><{t}Mailbox><{t}Name>Jane</{t}Name><{t}EmailAddress>jdoe@contoso.com</{t}EmailAddress></{t}Mailbox></{t}From><{t}ToRecipients><{t}Mailbox><{t}EmailAddress>rlee@contoso.com</{t}EmailAddress></{t}Mailbox></{t}ToRecipients></{t}Message>\n"
            ));
        }
        x.push_str(&format!("</{t}Items></{m}RootFolder></{m}FindItemResponseMessage></{m}ResponseMessages></{m}FindItemResponse></{s}Body></{s}Envelope>\n"));
        x
    }

    #[test]
    fn reads_prefixed_and_unprefixed_listings() {
        for prefix in [true, false] {
            let x = finditem(prefix, Some("drafts"), 3);
            assert!(looks_like_ews(&x));
            let f = parse_ews(Path::new("a.xml"), &x)
                .expect("ok")
                .expect("ews")
                .file;
            assert_eq!(f.kind, MailboxFileKind::FindItem);
            assert_eq!(f.items.len(), 3, "prefix {prefix}");
            assert!(f.lists_drafts());
            assert_eq!(f.total_in_view, Some(3));
            let it = &f.items[1];
            assert_eq!(it.id.as_deref(), Some("AAMk1"));
            assert_eq!(it.class.as_deref(), Some("IM.Note.MissedConversation"));
            assert_eq!(
                it.subject.as_deref(),
                Some("Jane sent you a message & more")
            );
            assert_eq!(it.from.as_deref(), Some("jdoe@contoso.com"));
            assert_eq!(it.to, vec!["rlee@contoso.com"]);
            assert_eq!(
                it.created.map(|t| t.to_rfc3339()),
                Some("2026-03-01T11:00:00+00:00".into())
            );
            assert_eq!(it.line, Some(8));
        }
    }

    #[test]
    fn folder_from_getfolder_in_the_same_file() {
        let x = r#"<Envelope><Body>
<GetFolderResponse><ResponseMessages><GetFolderResponseMessage><Folders><Folder><FolderId Id="F1"/><DisplayName>Drafts</DisplayName><TotalCount>1,412</TotalCount></Folder></Folders></GetFolderResponseMessage></ResponseMessages></GetFolderResponse>
<FindItemResponse><ResponseMessages><FindItemResponseMessage><RootFolder><Items>
<Message><ItemId Id="A"/><ParentFolderId Id="F1"/><ItemClass>IPM.Note</ItemClass></Message>
</Items></RootFolder></FindItemResponseMessage></ResponseMessages></FindItemResponse></Body></Envelope>"#;
        let f = parse_ews(Path::new("x"), x).expect("ok").expect("ews").file;
        assert!(f.lists_drafts(), "{:?}", f.folder);
        assert_eq!(f.folders[0].items, Some(1412));
        assert!(f.drafts_stat().is_some());
    }

    #[test]
    fn getfolder_alone_with_distinguished_request() {
        let x = r#"<s:Envelope xmlns:s="s" xmlns:m="m" xmlns:t="t"><s:Body>
<m:GetFolder><m:FolderShape/><m:FolderIds><t:DistinguishedFolderId Id="drafts"><t:Mailbox><t:EmailAddress>jdoe@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>
<m:GetFolderResponse><m:ResponseMessages><m:GetFolderResponseMessage><m:Folders><t:Folder><t:FolderId Id="F"/><t:DisplayName>Entwürfe</t:DisplayName><t:TotalCount>77</t:TotalCount></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>"#;
        let e = parse_ews(Path::new("x"), x).expect("ok").expect("ews");
        let f = e.file;
        assert_eq!(f.kind, MailboxFileKind::GetFolder);
        assert_eq!(e.request_mailbox.as_deref(), Some("jdoe@contoso.com"));
        let d = f.drafts_stat().expect("drafts");
        assert_eq!(d.items, Some(77));
    }

    #[test]
    fn cut_short_keeps_what_was_read_and_garbage_is_an_error() {
        let x = finditem(true, Some("drafts"), 3);
        let cut = &x[..x.find("AAMk2").expect("third")];
        let e = parse_ews(Path::new("x"), cut).expect("ok").expect("ews");
        assert!(e.file.items.len() >= 2);
        assert!(e.cut.is_some());
        let bad = "<m:FindItemResponse><<<>>>";
        let err = parse_ews(Path::new("x"), bad).expect_err("garbage");
        assert!(matches!(
            err,
            EwsError::NoRecord {
                operation: "FindItem",
                ..
            }
        ));
        assert!(
            err.to_string()
                .starts_with("looks like an EWS FindItem response but no record could be read: "),
            "{err}"
        );
        assert!(parse_ews(Path::new("x"), "<a><b/></a>")
            .expect("ok")
            .is_none());
    }
}
