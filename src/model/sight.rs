//! What the scan could not see of a spooler: errors that concern an account's `History
//! Spooler`, and whether the spooler as a whole could not be listed (so its items are unknown).

use super::{Account, Model, ScanError};
use std::path::Path;

/// The folder a client spools its offline IMs and conversation history into, inside an
/// account's `sip_*` folder.
pub const SPOOLER_DIR: &str = "History Spooler";

/// Whether an error at `path` hides `acc`'s spooler as a whole: the spooler folder itself,
/// the account's `sip_*` folder, or a `History Spooler` entry of that folder the walk did not
/// enter (a link).
fn hides_spooler(acc: &Account, path: &Path) -> bool {
    acc.spooler.as_deref() == Some(path)
        || path == acc.dir
        || (path.parent() == Some(acc.dir.as_path())
            && path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(SPOOLER_DIR)))
}

/// Whether an error at `path` concerns `acc`'s spooler: one that hides it, or one about an
/// entry inside it.
fn concerns_spooler(acc: &Account, path: &Path) -> bool {
    hides_spooler(acc, path)
        || acc
            .spooler
            .as_deref()
            .is_some_and(|sp| path.starts_with(sp))
}

impl Model {
    /// The errors about account `idx`'s spooler: its entries, and the spooler (or account
    /// folder) itself when it could not be listed.
    pub fn spooler_errors(&self, idx: usize) -> impl Iterator<Item = &ScanError> {
        let acc = self.accounts.get(idx);
        self.errors
            .iter()
            .filter(move |e| acc.is_some_and(|a| concerns_spooler(a, &e.path)))
    }

    /// Whether account `idx`'s spooler could not be listed at all (access denied on it or on
    /// its `sip_*` folder, a link not followed, the walk's depth limit): what it holds is
    /// unknown, which is never "empty".
    pub fn spooler_unlisted(&self, idx: usize) -> bool {
        let Some(acc) = self.accounts.get(idx) else {
            return false;
        };
        self.errors.iter().any(|e| hides_spooler(acc, &e.path))
    }

    /// Whether an error at `path` is about some account's spooler (so `spool-unreadable`
    /// already names it).
    pub fn about_a_spooler(&self, path: &Path) -> bool {
        self.accounts.iter().any(|a| concerns_spooler(a, path))
    }

    /// After a rescan: the items `prev` knew in a spooler this model could not list are kept
    /// (their account re-indexed), since losing sight of a file is not the client processing
    /// it. Returns how many were kept. A spooler listed again drops this carry-over: the next
    /// scan reads what is really there.
    pub fn keep_items_out_of_sight(&mut self, prev: &Model) -> usize {
        let mut kept = Vec::new();
        let known: std::collections::HashSet<&Path> =
            self.items.iter().map(|i| i.path.as_path()).collect();
        for (idx, acc) in self.accounts.iter().enumerate() {
            if !self.spooler_unlisted(idx) {
                continue;
            }
            let Some(old) = prev.accounts.iter().position(|a| a.dir == acc.dir) else {
                continue;
            };
            for it in prev.items_of(old) {
                if !known.contains(it.path.as_path()) {
                    let mut it = it.clone();
                    it.account = idx;
                    kept.push(it);
                }
            }
        }
        let n = kept.len();
        if n > 0 {
            self.items.extend(kept);
            self.items
                .sort_by(|a, b| super::item_order(a.account, &a.path, b.account, &b.path));
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClientGen, Format, Item};

    fn account(dir: &str) -> Account {
        Account {
            address: "jdoe@contoso.com".into(),
            client: ClientGen::Office16,
            profile: Some("jdoe".into()),
            dir: dir.into(),
            spooler: Some(format!("{dir}/History Spooler").into()),
        }
    }

    fn item(path: &str, account: usize) -> Item {
        Item::bare(path, account, 10, None, Format::Mime)
    }

    #[test]
    fn items_of_a_spooler_lost_from_sight_are_kept_and_a_listed_one_is_read_as_is() {
        let mut prev = Model::default();
        prev.accounts.push(account("/a/sip_a@x"));
        prev.accounts.push(account("/b/sip_b@x"));
        prev.items.push(item("/a/sip_a@x/History Spooler/1.eml", 0));
        prev.items.push(item("/b/sip_b@x/History Spooler/2.eml", 1));
        // The rescan lists the accounts in another order; b's spooler is now access denied,
        // a's was listed and the file is gone (processed).
        let mut next = Model::default();
        next.accounts.push(account("/b/sip_b@x"));
        next.accounts.push(account("/a/sip_a@x"));
        next.errors.push(ScanError::new(
            "/b/sip_b@x/History Spooler",
            "cannot read: Permission denied",
        ));
        assert_eq!(next.keep_items_out_of_sight(&prev), 1);
        assert_eq!(next.items.len(), 1);
        assert_eq!(
            next.items[0].path,
            Path::new("/b/sip_b@x/History Spooler/2.eml")
        );
        assert_eq!(next.items[0].account, 0, "re-indexed to b's place");
        // Kept once: a second call adds nothing.
        assert_eq!(next.keep_items_out_of_sight(&prev), 0);
        // Listed again: nothing is carried over.
        let mut listed = Model::default();
        listed.accounts.push(account("/b/sip_b@x"));
        assert_eq!(listed.keep_items_out_of_sight(&prev), 0);
        assert!(listed.items.is_empty());
    }
}
