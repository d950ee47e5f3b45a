//! `offline-im-disabled` and `autoarchiving-disabled` from policy exports (and the server switch
//! in the logs).

use super::events::{event_evidence, val};
use super::SAMPLE;
use crate::diagnose::{finding, Context};
use crate::model::{Evidence, Finding, LogEvent, MailboxFileKind, Severity};

pub(super) fn policies(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    for file in m
        .mailbox
        .iter()
        .filter(|f| f.kind == MailboxFileKind::CsPolicy)
    {
        for p in &file.policies {
            let ev = |key: &str, v: &str| Evidence {
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
    // Log evidence of the server switch, when a log parser extracted it.
    let off: Vec<&LogEvent> = m
        .events
        .iter()
        .filter(|e| val(e, "EnableOfflineIM").and_then(crate::model::parse_bool) == Some(false))
        .collect();
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
