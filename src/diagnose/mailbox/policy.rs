//! `offline-im-disabled` and `autoarchiving-disabled`, from policy exports and from policy
//! values in the logs: the only family that emits them.

use super::events::{event_evidence, val};
use super::SAMPLE;
use crate::diagnose::logs::{evidence, groups, make};
use crate::diagnose::{finding, Context};
use crate::model::{EventKind, Evidence, Finding, LogEvent, MailboxFileKind, Model, Severity};
use crate::text::parse_bool;
use std::collections::BTreeMap;

pub(super) fn policies(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    for file in m
        .mailbox
        .iter()
        .filter(|f| f.kind == MailboxFileKind::CsPolicy)
    {
        for p in &file.policies {
            let ev = |key: &str, v: &str| Evidence {
                link: None,
                path: file.path.clone(),
                line: p.line,
                time: None,
                excerpt: Some(format!("Identity : {} · {key} : {v}", p.name())),
            };
            if p.flag("EnableOfflineIm") == Some(false) {
                let v = p.get("EnableOfflineIm").unwrap_or("False");
                let mut f = finding(
                    "offline-im-disabled",
                    Severity::Critical,
                    None,
                    format!(
                        "Offline IM is turned off for {} (Get-CsImConfiguration: EnableOfflineIm : {v})",
                        p.name()
                    ),
                );
                f.evidence.push(ev("EnableOfflineIm", v));
                out.push(f);
            }
            if p.flag("EnableIMAutoArchiving") == Some(false) {
                let v = p.get("EnableIMAutoArchiving").unwrap_or("False");
                let mut f = finding(
                    "autoarchiving-disabled",
                    Severity::Critical,
                    None,
                    format!(
                        "Client policy {} turns IM auto-archiving off (EnableIMAutoArchiving : {v}): its users cannot send offline messages",
                        p.name()
                    ),
                );
                f.evidence.push(ev("EnableIMAutoArchiving", v));
                out.push(f);
            }
        }
    }
    // Log evidence of the server switch: per account or profile, the latest value a log gave.
    let mut off: Vec<&LogEvent> = Vec::new();
    for (_, evs) in groups(m, |e| offline_im(e).is_some()) {
        if evs.last().and_then(|e| offline_im(e)) == Some(false) {
            off.extend(evs.iter().filter(|e| offline_im(e) == Some(false)));
        }
    }
    if !off.is_empty() {
        let mut f = finding(
            "offline-im-disabled",
            Severity::Critical,
            None,
            "Offline IM is turned off on the server (EnableOfflineIM false in the logs)".into(),
        );
        f.evidence = off
            .iter()
            .take(SAMPLE)
            .map(|e| event_evidence(e, "EnableOfflineIM false"))
            .collect();
        out.push(f);
    }
}

/// The `EnableOfflineIM` switch an event tells, if any: a value of that name (a user marker's
/// group), or the policy markers' `policy` = `EnableOfflineIM` with its `value` (a
/// provisioning `<property>` or a `name=value` line).
fn offline_im(e: &LogEvent) -> Option<bool> {
    if let Some(v) = val(e, "EnableOfflineIM") {
        return parse_bool(v);
    }
    let named = e.kind == EventKind::Policy
        && e.values
            .get("policy")
            .is_some_and(|p| p.eq_ignore_ascii_case("EnableOfflineIM"));
    named.then(|| e.values.get("value").and_then(|v| parse_bool(v)))?
}

/// `autoarchiving-disabled` from policy values the log parsers extracted (per account or
/// profile; the latest value of each policy wins).
pub(super) fn log_autoarchiving(m: &Model, out: &mut Vec<Finding>) {
    let g = groups(m, |e| {
        e.kind == EventKind::Policy && e.values.contains_key("policy")
    });
    for (o, evs) in g {
        // The latest value of each policy wins.
        let mut latest: BTreeMap<String, &LogEvent> = BTreeMap::new();
        for e in &evs {
            let name = e.values["policy"].to_ascii_lowercase();
            let name = if name == "imautoarchiving" {
                "enableimautoarchiving".to_string()
            } else {
                name
            };
            latest.insert(name, e);
        }
        let Some(aa) = latest.get("enableimautoarchiving") else {
            continue;
        };
        if aa.values.get("value").and_then(|v| parse_bool(v)) != Some(false) {
            continue;
        }
        let others: Vec<String> = latest
            .iter()
            .filter(|(k, _)| k.as_str() != "enableimautoarchiving")
            .map(|(_, e)| {
                format!(
                    "{}={}",
                    e.values["policy"],
                    e.values.get("value").map(String::as_str).unwrap_or("?")
                )
            })
            .collect();
        let mut title = format!(
            "{} is false in the provisioned client policy: Offline IM is unavailable to this sender",
            aa.values["policy"]
        );
        if !others.is_empty() {
            title.push_str(&format!(
                " (other policy values seen: {})",
                others.join(", ")
            ));
        }
        let mut f = make(m, &o, "autoarchiving-disabled", Severity::Critical, title);
        f.evidence.push(evidence(aa));
        for (k, e) in &latest {
            let dup = f
                .evidence
                .iter()
                .any(|x| x.path == e.path && x.line == Some(e.line));
            if k != "enableimautoarchiving" && !dup {
                f.evidence.push(evidence(e));
            }
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnose::{diagnose, Context, RuleSettings};
    use crate::model::{Clock, ExportFormat, MailboxFile, MailboxFileKind, Model, PolicyRecord};
    use std::time::Duration;

    fn rules_for(key: &str, value: &str) -> Vec<String> {
        let mut m = Model::default();
        let mut p = MailboxFile::new(
            "/c/im.txt",
            MailboxFileKind::CsPolicy,
            ExportFormat::FormatList,
        );
        p.policies.push(PolicyRecord {
            identity: Some("Global".into()),
            values: [(key.to_string(), value.to_string())].into(),
            line: Some(1),
        });
        m.mailbox.push(p);
        rules_of(&m)
    }

    /// The rules that fire on `m`.
    fn rules_of(m: &Model) -> Vec<String> {
        let clock = Clock {
            now: chrono::DateTime::UNIX_EPOCH,
            stuck_after: Duration::from_secs(120),
        };
        diagnose(&Context {
            model: m,
            clock,
            settings: &RuleSettings::default(),
        })
        .into_iter()
        .map(|f| f.rule)
        .collect()
    }

    fn log_rules(values: &[(&str, &str)]) -> Vec<String> {
        let mut m = Model::default();
        for (i, (p, v)) in values.iter().enumerate() {
            m.events.push(crate::model::LogEvent {
                path: "/t/Lync-UccApi-0.UccApilog".into(),
                line: i as u64 + 1,
                time: None,
                level: None,
                thread: None,
                kind: crate::model::EventKind::Policy,
                marker: "policy-property".into(),
                account: Some(0),
                profile: None,
                excerpt: format!("<property name=\"{p}\">{v}</property>"),
                values: [
                    ("policy".to_string(), p.to_string()),
                    ("value".into(), v.to_string()),
                ]
                .into(),
            });
        }
        let mut rules = rules_of(&m);
        rules.retain(|r| r == "offline-im-disabled");
        rules
    }

    /// The policy markers give `{policy: EnableOfflineIM, value: false}`: that is the switch
    /// off (it once went unseen: the rule looked only for a value named `EnableOfflineIM`).
    /// The latest value of the log wins.
    #[test]
    fn offline_im_off_in_provisioned_policy_values() {
        assert_eq!(
            log_rules(&[("EnableOfflineIM", "false")]),
            ["offline-im-disabled"]
        );
        assert_eq!(
            log_rules(&[("enableofflineim", "$False"), ("TracingLevel", "Full")]),
            ["offline-im-disabled"]
        );
        assert!(log_rules(&[("EnableOfflineIM", "true")]).is_empty());
        assert!(log_rules(&[("EnableOfflineIM", "false"), ("EnableOfflineIM", "true")]).is_empty());
        assert_eq!(
            log_rules(&[("EnableOfflineIM", "true"), ("EnableOfflineIM", "false")]),
            ["offline-im-disabled"]
        );
        assert!(log_rules(&[("EnableIMAutoArchiving", "true")]).is_empty());
    }

    /// Exports and logs read booleans with one rule (`crate::text::parse_bool`): `off` and
    /// `no` are false in a policy export too (the export reader used to ignore them).
    #[test]
    fn export_booleans_follow_the_one_rule() {
        assert_eq!(rules_for("EnableOfflineIm", "off"), ["offline-im-disabled"]);
        assert_eq!(
            rules_for("EnableIMAutoArchiving", "No"),
            ["autoarchiving-disabled"]
        );
        assert_eq!(
            rules_for("EnableIMAutoArchiving", "$false"),
            ["autoarchiving-disabled"]
        );
        assert!(rules_for("EnableOfflineIm", "on").is_empty());
        assert!(rules_for("EnableOfflineIm", "unknown").is_empty());
    }
}
