//! Diagnosis: pure rules over the model, each producing findings with evidence and remediation.
//!
//! Each rule family lives in one file and implements [`RuleFamily`]; [`FAMILIES`] lists them.
//! Adding a family is one new file and one line here. Remediation and explanation texts are data
//! in `assets/rules.toml`.

pub mod correlate;
mod ews_answer;
mod logs;
pub mod mailbox;
mod moments;
mod remediation;
mod server_trace;
mod spool;

pub use logs::AHEAD_TOLERANCE_MINUTES;
pub use moments::{judge_again_at, next_change, JUDGE_AT_LEAST_EVERY};
pub use remediation::{explanation, remediation, RULE_TEXTS};
pub use spool::CRITICAL_AGE_SECS;

use crate::model::{Clock, Finding, Model, Severity};

/// Everything a rule may look at. No I/O, no clock reads: `clock.now` is given.
pub struct Context<'a> {
    pub model: &'a Model,
    pub clock: Clock,
    pub settings: &'a RuleSettings,
}

/// Thresholds and lists the rules use (from flags and the config file). Grows with the rules.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// Drafts buildup, federated recipients, policy exports.
    pub mailbox: mailbox::MailboxSettings,
    /// The zone times in finding titles are printed in (each tagged with its offset).
    pub zone: crate::clock::Zone,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            mailbox: Default::default(),
            zone: crate::clock::Zone::Utc,
        }
    }
}

/// A family of related rules.
pub trait RuleFamily: Sync {
    /// The rule ids this family can produce (each must have texts in `assets/rules.toml`).
    fn rules(&self) -> &'static [&'static str];
    fn evaluate(&self, ctx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Every rule family, in evaluation order.
pub static FAMILIES: &[&dyn RuleFamily] = &[
    &spool::SpoolRules,
    &logs::LogRules,
    &mailbox::MailboxRules,
    &ews_answer::EwsAnswerRules,
    &server_trace::ServerTraceRules,
];

/// Run every rule. Findings come out most severe first, then by account and rule.
pub fn diagnose(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in FAMILIES {
        f.evaluate(ctx, &mut out);
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.account.cmp(&b.account))
            .then_with(|| a.account_dir.cmp(&b.account_dir))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    out
}

/// A finding for `rule` with its remediation text filled in from the assets.
pub fn finding(
    rule: &str,
    severity: Severity,
    account: Option<&crate::model::Account>,
    title: String,
) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity,
        account: account.map(|a| a.address.clone()),
        profile: account.and_then(|a| a.profile.clone()),
        client: account.map(|a| a.client),
        account_dir: account.map(|a| a.dir.clone()),
        title,
        evidence: Vec::new(),
        remediation: remediation(rule).to_string(),
    }
}

/// Every rule id any family can produce.
pub fn all_rule_ids() -> Vec<&'static str> {
    FAMILIES
        .iter()
        .flat_map(|f| f.rules().iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rule id, one family: `autoarchiving-disabled` used to be emitted by both the log
    /// rules and the mailbox rules.
    #[test]
    fn every_rule_id_belongs_to_exactly_one_family() {
        let ids = all_rule_ids();
        for id in &ids {
            let n = FAMILIES.iter().filter(|f| f.rules().contains(id)).count();
            assert_eq!(n, 1, "{id} is listed by {n} families");
        }
    }

    #[test]
    fn every_rule_has_texts_and_a_kebab_id() {
        for id in all_rule_ids() {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id} is not kebab-case"
            );
            assert!(!remediation(id).is_empty(), "{id} has no remediation");
            assert!(!explanation(id).is_empty(), "{id} has no explanation");
        }
    }
}
