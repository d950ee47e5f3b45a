//! Which mail items are offline IMs (`assets/offline_im.toml` plus the config file), and the
//! thresholds and lists the mailbox rules use.

use crate::model::MailItem;
use crate::text::glob;
use serde::Deserialize;

/// The built-in offline-IM patterns (`assets/offline_im.toml`).
pub const OFFLINE_IM_PATTERNS: &str = include_str!("../../../assets/offline_im.toml");

/// Item classes and subjects that make an item an offline IM. `*` and `?` are wildcards
/// ([`crate::text::glob`]); case is ignored; classes are compared with and without a leading `IPM.`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct OfflineImPatterns {
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
}

impl OfflineImPatterns {
    /// The patterns shipped in `assets/offline_im.toml`.
    pub fn builtin() -> Self {
        toml::from_str(OFFLINE_IM_PATTERNS).unwrap_or_default()
    }

    /// Whether an item is an offline IM (or a draft of one), by class or by subject.
    pub fn matches(&self, item: &MailItem) -> bool {
        let by_class = item.class.as_deref().is_some_and(|c| {
            let c = strip_ipm(c.trim());
            self.classes.iter().any(|p| glob(&strip_ipm(p), &c))
        });
        by_class
            || item.subject.as_deref().is_some_and(|s| {
                let s = s.trim().to_lowercase();
                self.subjects.iter().any(|p| glob(&p.to_lowercase(), &s))
            })
    }
}

fn strip_ipm(s: &str) -> String {
    let l = s.to_ascii_lowercase();
    match l.strip_prefix("ipm.") {
        Some(rest) => rest.to_string(),
        None => l,
    }
}

/// Thresholds and lists for the mailbox rules (flags and config file).
#[derive(Debug, Clone)]
pub struct MailboxSettings {
    /// Offline-IM drafts in a Drafts listing that make `drafts-buildup` critical.
    pub drafts_threshold: usize,
    /// Items in Drafts (folder statistics alone) that make `drafts-buildup` a warning.
    pub drafts_folder_threshold: u64,
    /// Unsent `CreateItem SaveOnly` drafts in the logs (per account) that make it a warning.
    pub drafts_log_threshold: usize,
    /// The organisation's own domains; empty = the sender's domain.
    pub org_domains: Vec<String>,
    /// Whether subjects may appear in evidence.
    pub show_content: bool,
    pub patterns: OfflineImPatterns,
}

impl Default for MailboxSettings {
    fn default() -> Self {
        MailboxSettings {
            drafts_threshold: 5,
            drafts_folder_threshold: 50,
            drafts_log_threshold: 3,
            org_domains: Vec::new(),
            show_content: false,
            patterns: OfflineImPatterns::builtin(),
        }
    }
}

/// What the user asked for, already layered by the caller (flags over the config file);
/// `None` or empty = keep the default. No command-line or config types reach the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxOptions {
    pub drafts_threshold: Option<usize>,
    pub drafts_folder_threshold: Option<u64>,
    pub drafts_log_threshold: Option<usize>,
    /// The organisation's own domains, as typed (`@contoso.com` and `contoso.com` both work).
    pub org_domains: Vec<String>,
    /// Extra offline-IM item classes and subjects (added to the built-in patterns).
    pub offline_im_classes: Vec<String>,
    pub offline_im_subjects: Vec<String>,
    pub show_content: bool,
}

/// Why the mailbox settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("drafts thresholds must be at least 1")]
    ZeroThreshold,
    #[error("'{0}' is not a mail domain like contoso.com")]
    BadDomain(String),
}

/// Fill the mailbox settings from the layered options over the defaults.
pub fn apply_settings(s: &mut MailboxSettings, o: &MailboxOptions) -> Result<(), SettingsError> {
    if let Some(n) = o.drafts_threshold {
        s.drafts_threshold = n;
    }
    if let Some(n) = o.drafts_folder_threshold {
        s.drafts_folder_threshold = n;
    }
    if let Some(n) = o.drafts_log_threshold {
        s.drafts_log_threshold = n;
    }
    if s.drafts_threshold == 0 || s.drafts_folder_threshold == 0 || s.drafts_log_threshold == 0 {
        return Err(SettingsError::ZeroThreshold);
    }
    for d in &o.org_domains {
        let d = d.trim().trim_start_matches('@');
        if d.is_empty() || d.contains(['@', ' ', '/']) || !d.contains('.') {
            return Err(SettingsError::BadDomain(d.to_string()));
        }
        s.org_domains.push(d.to_ascii_lowercase());
    }
    s.patterns
        .classes
        .extend(o.offline_im_classes.iter().cloned());
    s.patterns
        .subjects
        .extend(o.offline_im_subjects.iter().cloned());
    s.show_content = o.show_content;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_override_defaults_and_bad_values_are_refused() {
        let mut s = MailboxSettings::default();
        let o = MailboxOptions {
            drafts_threshold: Some(9),
            org_domains: vec!["@Contoso.COM".into()],
            offline_im_subjects: vec!["Unterhaltung verpasst mit *".into()],
            show_content: true,
            ..MailboxOptions::default()
        };
        apply_settings(&mut s, &o).expect("valid");
        assert_eq!((s.drafts_threshold, s.drafts_folder_threshold), (9, 50));
        assert_eq!(s.org_domains, ["contoso.com"]);
        assert!(s.show_content);
        assert!(s.patterns.matches(&MailItem {
            subject: Some("Unterhaltung verpasst mit Jane".into()),
            ..MailItem::default()
        }));
        // `?` is one character here as in every other pattern (`crate::text::glob`).
        let mut q = MailboxSettings::default();
        let o = MailboxOptions {
            offline_im_classes: vec!["IPM.Note.Custom.Missed?".into()],
            ..MailboxOptions::default()
        };
        apply_settings(&mut q, &o).expect("valid");
        assert!(q.patterns.matches(&MailItem {
            class: Some("IPM.Note.Custom.Missed2".into()),
            ..MailItem::default()
        }));
        let zero = MailboxOptions {
            drafts_log_threshold: Some(0),
            ..MailboxOptions::default()
        };
        assert_eq!(
            apply_settings(&mut MailboxSettings::default(), &zero),
            Err(SettingsError::ZeroThreshold)
        );
        let bad = MailboxOptions {
            org_domains: vec!["contoso".into()],
            ..MailboxOptions::default()
        };
        assert_eq!(
            apply_settings(&mut MailboxSettings::default(), &bad),
            Err(SettingsError::BadDomain("contoso".into()))
        );
    }
}
