//! Discovery on trees whose profile, folder, account and file names are random text in many
//! scripts (CJK, Hangul, Cyrillic, Turkish, emoji, combining marks, spaces): no panic, every
//! spooler and every spooled file found, each account with its own profile and client.

use proptest::prelude::*;
use spoolscope::model::ClientGen;
use spoolscope::source::discover::Discovery;
use spoolscope::source::scan::{scan, ScanConfig};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// One character from the scripts users name things in.
fn any_script_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::char::range('\u{4E00}', '\u{9FFF}'),   // CJK
        3 => prop::char::range('\u{AC00}', '\u{D7A3}'),   // Hangul
        2 => prop::char::range('\u{0400}', '\u{04FF}'),   // Cyrillic
        2 => prop::sample::select(vec!['ı', 'İ', 'ş', 'Ş', 'ğ', 'Ğ', 'ö', 'Ö', 'ü', 'ç', 'Ç']),
        2 => prop::char::range('\u{1F300}', '\u{1F64F}'), // emoji
        1 => prop::char::range('\u{0300}', '\u{036F}'),   // combining marks
        1 => prop::sample::select(vec![' ', '-', '.', '_', '(', ')']),
        3 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
    ]
}

/// Names that mean something to discovery (or to the file system) are not random names.
fn plain(name: &str) -> bool {
    let l = name.to_lowercase();
    !name.trim().is_empty()
        && name != "."
        && name != ".."
        && !l.starts_with("sip_")
        && ![
            "history spooler",
            "users",
            "documents and settings",
            "appdata",
            "communicator",
            "lync",
            "office",
            "microsoft",
            "local",
            "15.0",
            "16.0",
        ]
        .contains(&l.as_str())
        && name.len() < 200
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(any_script_char(), 1..10)
        .prop_map(|v| v.into_iter().collect::<String>())
        .prop_filter("a plain name", |n| plain(n))
}

#[derive(Debug, Clone)]
struct Profile {
    name: String,
    client: usize,
    /// Account local parts, each with the names of its spooled files.
    accounts: BTreeMap<String, BTreeSet<String>>,
}

fn profile() -> impl Strategy<Value = Profile> {
    (
        name(),
        0usize..3,
        prop::collection::btree_map(name(), prop::collection::btree_set(name(), 0..4), 1..3),
    )
        .prop_map(|(name, client, accounts)| Profile {
            name,
            client,
            accounts,
        })
}

fn tree() -> impl Strategy<Value = (Vec<String>, Vec<Profile>)> {
    (
        prop::collection::vec(name(), 0..3),
        prop::collection::vec(profile(), 1..4).prop_filter("distinct profile names", |ps| {
            ps.iter().map(|p| &p.name).collect::<BTreeSet<_>>().len() == ps.len()
        }),
    )
}

const CLIENTS: [(&str, ClientGen); 3] = [
    ("Office/16.0/Lync", ClientGen::Office16),
    ("Office/15.0/Lync", ClientGen::Office15),
    ("Communicator", ClientGen::Lync2010),
];

/// Write the tree; return (address → (profile, client, spooled file paths)).
fn write(
    root: &Path,
    collected: &[String],
    profiles: &[Profile],
) -> BTreeMap<String, (String, ClientGen, BTreeSet<PathBuf>)> {
    let mut base = root.to_path_buf();
    for c in collected {
        base.push(c);
    }
    let mut want = BTreeMap::new();
    for (i, p) in profiles.iter().enumerate() {
        let (dir, gen) = CLIENTS[p.client];
        for (local, files) in &p.accounts {
            // One domain per profile, so addresses are distinct across profiles.
            let address = format!("{local}@p{i}.contoso.com");
            let sp = base
                .join("Users")
                .join(&p.name)
                .join("AppData/Local/Microsoft")
                .join(dir)
                .join(format!("sip_{address}"))
                .join("History Spooler");
            fs::create_dir_all(&sp).expect("mkdir");
            let mut paths = BTreeSet::new();
            for f in files {
                let path = sp.join(f);
                fs::write(&path, format!("<t:Subject>{f}</t:Subject>")).expect("write");
                paths.insert(path);
            }
            want.insert(address, (p.name.clone(), gen, paths));
        }
    }
    want
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_spooler_is_found_whatever_the_names((collected, profiles) in tree()) {
        let t = tempfile::tempdir().expect("tempdir");
        let want = write(t.path(), &collected, &profiles);

        let mut d = Discovery::default();
        d.walk(t.path());
        prop_assert!(d.errors.is_empty(), "{:?}", d.errors);
        let mut got = BTreeMap::new();
        for (i, a) in d.accounts.iter().enumerate() {
            let files: BTreeSet<PathBuf> = d
                .spool_files
                .iter()
                .filter(|(acc, _)| *acc == i)
                .map(|(_, p)| p.clone())
                .collect();
            prop_assert!(a.spooler.is_some(), "{} has no spooler", a.address);
            got.insert(
                a.address.clone(),
                (a.profile.clone().unwrap_or_default(), a.client, files),
            );
        }
        prop_assert_eq!(&got, &want);

        // The whole scan: one item per spooled file, each in its account.
        let s = scan(&[t.path().to_path_buf()], &ScanConfig::default());
        let items: usize = want.values().map(|(_, _, f)| f.len()).sum();
        prop_assert_eq!(s.model.items.len(), items);
        for it in &s.model.items {
            let acc = &s.model.accounts[it.account];
            prop_assert!(want[&acc.address].2.contains(&it.path), "{:?} in {}", it.path, acc.address);
        }
    }
}
