//! Deterministic generator of profile trees for benchmarks and scale tests: N users, each with
//! an Office 16.0 account and M spooled items in mixed formats and ages. Same seed, same bytes.
//! Four users in five have a name in another script (CJK, Hangul, Turkish, Cyrillic, emoji), in
//! their profile folder, account local part, file names and subjects, as a terminal server has.

use crate::corpus::Rng;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A person whose names are not ASCII: profile folder, account local part (`local@domain`),
/// the stem of their spooled files, and a subject they write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub profile: &'static str,
    pub local: &'static str,
    pub domain: &'static str,
    pub file: &'static str,
    pub subject: &'static str,
}

impl Person {
    pub fn address(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }
}

/// One person per script the tests and generators must survive: CJK, Hangul, Turkish (dotted
/// and dotless i), Cyrillic and emoji (with a space in the folder name).
pub const INTERNATIONAL: &[Person] = &[
    Person {
        profile: "山田太郎",
        local: "山田.太郎",
        domain: "contoso.co.jp",
        file: "{会議-週次}",
        subject: "週次報告の件について",
    },
    Person {
        profile: "김철수",
        local: "김철수",
        domain: "contoso.kr",
        file: "메시지-초안",
        subject: "회의 일정 변경 안내",
    },
    Person {
        profile: "Ölçüm",
        local: "ölçüm.yıldız",
        domain: "contoso.com.tr",
        file: "İleti-ığüşöç",
        subject: "Ölçüm sonuçları İçin ışık",
    },
    Person {
        profile: "Иван Петров",
        local: "иван.петров",
        domain: "contoso.ru",
        file: "Письмо-черновик",
        subject: "Отчёт за март",
    },
    Person {
        profile: "🙂 test",
        local: "🙂",
        domain: "contoso.com",
        file: "🙂 note 🍕",
        subject: "lunch? 🍕🙂",
    },
];

/// The profile folder and account address of generated user `u`: `user0`, then every fifth
/// user ASCII, the others named after [`INTERNATIONAL`].
pub fn user_names(u: usize) -> (String, String) {
    if u.is_multiple_of(5) {
        return (format!("user{u}"), format!("user{u}@contoso.com"));
    }
    let p = &INTERNATIONAL[(u / 5 + u) % INTERNATIONAL.len()];
    (
        format!("{}{u}", p.profile),
        format!("{}{u}@{}", p.local, p.domain),
    )
}

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
        let (profile, address) = user_names(u);
        let acc = root.join(format!(
            "Users/{profile}/AppData/Local/Microsoft/Office/16.0/Lync/sip_{address}"
        ));
        let person = (u % 5 != 0).then(|| &INTERNATIONAL[(u / 5 + u) % INTERNATIONAL.len()]);
        let sp = acc.join("History Spooler");
        fs::create_dir_all(&sp)?;
        fs::write(acc.join("GalContacts.db"), b"\0GAL")?;
        for n in 0..items {
            let (ext, mut bytes) = item_bytes(&mut rng, u, n);
            let stem = match person {
                Some(p) if n % 2 == 1 => {
                    // Their own subject in their own script (UTF-8 items only).
                    if ext == "xml" || ext == "eml" {
                        if let Ok(text) = String::from_utf8(bytes.clone()) {
                            bytes = text
                                .replacen(
                                    &format!("Message {n}<"),
                                    &format!("{} {n}<", p.subject),
                                    1,
                                )
                                .replacen(
                                    &format!("Note {n}\r"),
                                    &format!("{} {n}\r", p.subject),
                                    1,
                                )
                                .into_bytes();
                        }
                    }
                    format!("{}-{n:04}", p.file)
                }
                _ => format!("{{{:08X}-{n:04}}}", rng.next_u64() as u32),
            };
            let p = sp.join(format!("{stem}.{ext}"));
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
    fn users_have_names_in_many_scripts() {
        let names: Vec<(String, String)> = (0..10).map(user_names).collect();
        assert_eq!(names[0].0, "user0");
        assert_eq!(names[5].1, "user5@contoso.com");
        for p in INTERNATIONAL {
            assert!(
                names
                    .iter()
                    .any(|(n, a)| n.starts_with(p.profile) && a.starts_with(p.local)),
                "{} unused in {names:?}",
                p.profile
            );
        }
    }

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
