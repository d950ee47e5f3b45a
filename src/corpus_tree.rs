//! Deterministic generator of profile trees for benchmarks and scale tests: N users, each with
//! an Office 16.0 account and M spooled items in mixed formats and ages. Same seed, same bytes.

use crate::corpus::Rng;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

fn item_bytes(rng: &mut Rng, user: usize, n: usize) -> (&'static str, Vec<u8>) {
    let to = format!("user{}@contoso.com", rng.below(5000));
    match rng.below(5) {
        0 => (
            "xml",
            format!(
                "<?xml version=\"1.0\"?><m:CreateItem xmlns:m=\"m\" xmlns:t=\"t\" MessageDisposition=\"SaveOnly\">\
                 <m:SavedItemFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:SavedItemFolderId><m:Items><t:Message>\
                 <t:ItemClass>IM.Note.MissedConversation</t:ItemClass><t:Subject>Message {n}</t:Subject>\
                 <t:Body BodyType=\"Text\">{}</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>{to}</t:EmailAddress>\
                 </t:Mailbox></t:ToRecipients><t:From><t:Mailbox><t:EmailAddress>user{user}@contoso.com</t:EmailAddress>\
                 </t:Mailbox></t:From></t:Message></m:Items></m:CreateItem>",
                "lorem ipsum ".repeat(1 + rng.below(40) as usize)
            )
            .into_bytes(),
        ),
        1 => {
            let s = format!(
                "<?xml version=\"1.0\" encoding=\"utf-16\"?><CreateItem><Items><Message><ItemClass>IPM.Note</ItemClass>\
                 <Subject>Wide {n}</Subject><ToRecipients><Mailbox><EmailAddress>{to}</EmailAddress></Mailbox></ToRecipients>\
                 </Message></Items></CreateItem>"
            );
            let mut v = vec![0xFF, 0xFE];
            for u in s.encode_utf16() {
                v.extend_from_slice(&u.to_le_bytes());
            }
            ("xml", v)
        }
        2 => (
            "eml",
            format!(
                "From: user{user}@contoso.com\r\nTo: {to}\r\nSubject: Note {n}\r\nDate: Mon, 2 Mar 2026 13:00:00 +0000\r\n\r\n{}\r\n",
                "body text ".repeat(1 + rng.below(30) as usize)
            )
            .into_bytes(),
        ),
        3 => {
            let len = 64 + rng.below(2048) as usize;
            ("dat", (0..len).map(|_| rng.next_u64() as u8).collect())
        }
        _ => ("txt", format!("conversation with sip:{to}\r\n").into_bytes()),
    }
}

/// Write `users` profiles with `items` spooled files each under `root`. Modification times are
/// spread over the 3 hours before `now`. Returns the number of files written.
pub fn write_tree(
    root: &Path,
    users: usize,
    items: usize,
    seed: u64,
    now: SystemTime,
) -> std::io::Result<usize> {
    let mut rng = Rng::new(seed);
    let mut written = 0;
    for u in 0..users {
        let acc = root.join(format!(
            "Users/user{u}/AppData/Local/Microsoft/Office/16.0/Lync/sip_user{u}@contoso.com"
        ));
        let sp = acc.join("History Spooler");
        fs::create_dir_all(&sp)?;
        fs::write(acc.join("GalContacts.db"), b"\0GAL")?;
        for n in 0..items {
            let (ext, bytes) = item_bytes(&mut rng, u, n);
            let p = sp.join(format!("{{{:08X}-{n:04}}}.{ext}", rng.next_u64() as u32));
            fs::write(&p, &bytes)?;
            let age = Duration::from_secs(rng.below(3 * 3600));
            fs::File::options()
                .write(true)
                .open(&p)?
                .set_modified(now - age)?;
            written += 1;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_tree() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_460_000);
        let (a, b) = (
            tempfile::tempdir().expect("t"),
            tempfile::tempdir().expect("t"),
        );
        assert_eq!(write_tree(a.path(), 2, 5, 7, now).expect("write"), 10);
        write_tree(b.path(), 2, 5, 7, now).expect("write");
        let list = |r: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(r)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    (
                        e.path()
                            .strip_prefix(r)
                            .expect("prefix")
                            .to_string_lossy()
                            .into_owned(),
                        fs::read(e.path()).expect("read"),
                    )
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(list(a.path()), list(b.path()));
    }
}
