//! Which findings belong to an account: the one rule the TUI ("Why" pane, account severity),
//! the text and Markdown reports (per-account sections, "other findings") and `fleet`
//! (one row per account) share.
//!
//! The rule: a finding belongs to an account when its address is the account's address and
//! either its profile is the account's profile (exact match, both may be absent) or it names
//! no profile at all. A finding with no profile is about the address wherever it is signed in
//! — typically mailbox-side evidence (an EWS response, a PowerShell export), which knows the
//! mailbox but not the Windows profile — so it belongs to every account with that address,
//! and a report lists it under each of them rather than under "other findings". A finding
//! with no address belongs to no account. A finding about one account folder names that
//! folder too (`account_dir`), and then belongs to that account only: one profile can hold
//! the same address in an `Office\15.0` and an `Office\16.0` folder.

use super::{Account, Finding};

/// Whether a finding's profile fits an account's profile: equal, or the finding names none.
pub fn profile_fits(finding_profile: Option<&str>, account_profile: Option<&str>) -> bool {
    finding_profile.is_none() || finding_profile == account_profile
}

/// Whether finding `f` belongs to account `a` (see the module doc for the rule).
pub fn belongs(f: &Finding, a: &Account) -> bool {
    f.account.as_deref() == Some(a.address.as_str())
        && profile_fits(f.profile.as_deref(), a.profile.as_deref())
        && f.account_dir.as_ref().is_none_or(|d| *d == a.dir)
}

/// Whether finding `f` belongs to none of `accounts` (what reports list as "other findings").
pub fn unattached(f: &Finding, accounts: &[Account]) -> bool {
    !accounts.iter().any(|a| belongs(f, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn account(address: &str, profile: Option<&str>) -> Account {
        Account {
            address: address.into(),
            client: crate::model::ClientGen::Office16,
            profile: profile.map(str::to_string),
            dir: "/p/sip_x".into(),
            spooler: None,
        }
    }

    fn finding(address: Option<&str>, profile: Option<&str>) -> Finding {
        Finding {
            rule: "r".into(),
            severity: Severity::Warning,
            account: address.map(str::to_string),
            profile: profile.map(str::to_string),
            client: None,
            account_dir: None,
            title: "t".into(),
            evidence: Vec::new(),
            remediation: String::new(),
        }
    }

    #[test]
    fn exact_profile_match_belongs_and_another_profile_does_not() {
        let a = account("rlee@contoso.com", Some("rlee"));
        assert!(belongs(
            &finding(Some("rlee@contoso.com"), Some("rlee")),
            &a
        ));
        assert!(!belongs(
            &finding(Some("rlee@contoso.com"), Some("jdoe")),
            &a
        ));
        assert!(!belongs(
            &finding(Some("other@contoso.com"), Some("rlee")),
            &a
        ));
    }

    #[test]
    fn a_finding_without_profile_belongs_to_every_account_with_its_address() {
        let f = finding(Some("rlee@contoso.com"), None);
        let accounts = [
            account("rlee@contoso.com", Some("rlee")),
            account("rlee@contoso.com", Some("admin")),
            account("rlee@contoso.com", None),
            account("jdoe@contoso.com", Some("rlee")),
        ];
        let who: Vec<bool> = accounts.iter().map(|a| belongs(&f, a)).collect();
        assert_eq!(who, [true, true, true, false]);
        assert!(!unattached(&f, &accounts));
    }

    #[test]
    fn a_finding_with_a_profile_does_not_belong_to_a_profileless_account() {
        let a = account("rlee@contoso.com", None);
        assert!(!belongs(
            &finding(Some("rlee@contoso.com"), Some("rlee")),
            &a
        ));
    }

    #[test]
    fn a_finding_without_address_belongs_to_no_account() {
        let f = finding(None, None);
        let accounts = [account("rlee@contoso.com", None)];
        assert!(!belongs(&f, &accounts[0]));
        assert!(unattached(&f, &accounts));
    }

    /// Two accounts with one address and one profile (a 15.0 and a 16.0 folder): a finding
    /// that names its folder belongs to that account only; one that names none to both.
    #[test]
    fn a_finding_naming_its_folder_belongs_to_that_account_only() {
        let mut a15 = account("jdoe@contoso.com", Some("jdoe"));
        a15.dir = "/p/15.0/Lync/sip_jdoe@contoso.com".into();
        let mut a16 = account("jdoe@contoso.com", Some("jdoe"));
        a16.dir = "/p/16.0/Lync/sip_jdoe@contoso.com".into();
        let mut f = finding(Some("jdoe@contoso.com"), Some("jdoe"));
        assert!(belongs(&f, &a15) && belongs(&f, &a16));
        f.account_dir = Some(a16.dir.clone());
        assert!(belongs(&f, &a16));
        assert!(!belongs(&f, &a15));
        assert!(!unattached(&f, &[a15.clone(), a16]));
        assert!(unattached(&f, &[a15]));
    }
}
