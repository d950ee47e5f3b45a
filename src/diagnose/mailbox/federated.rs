//! `federated-recipient`: offline messages addressed outside the organisation.

use super::events::{event_evidence, val};
use crate::diagnose::{finding, Context};
use crate::model::{Evidence, Finding, ItemState, LogEvent, Severity};

fn domain_of(addr: &str) -> Option<String> {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('>').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

fn is_internal(domain: &str, orgs: &[String]) -> bool {
    orgs.iter().any(|o| {
        let o = o.trim().trim_start_matches('@').to_ascii_lowercase();
        domain == o || domain.ends_with(&format!(".{o}"))
    })
}

/// Log events that belong to sending an offline message: the SIP 480 that starts the offline
/// path (the recipient is offline), and the EWS calls that write the message. Other SIP traffic
/// (presence, sign-in) says nothing about where an offline message goes.
fn on_offline_path(e: &crate::model::LogEvent) -> bool {
    use crate::model::EventKind;
    match e.kind {
        EventKind::SipResponse => val(e, "status") == Some("480"),
        EventKind::EwsRequest | EventKind::EwsFailure => true,
        _ => false,
    }
}

pub(super) fn federated(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let s = &ctx.settings.mailbox;
    // One pass to group stuck items and offline-path events by account (not one pass over
    // everything per account: a terminal server has thousands of accounts).
    let mut items_by: Vec<Vec<&crate::model::Item>> = vec![Vec::new(); m.accounts.len()];
    for it in &m.items {
        if !it.ignorable && it.state(ctx.clock) == ItemState::Stuck {
            if let Some(v) = items_by.get_mut(it.account) {
                v.push(it);
            }
        }
    }
    let mut events_by: Vec<Vec<&LogEvent>> = vec![Vec::new(); m.accounts.len()];
    for e in &m.events {
        if let Some(v) = e.account.and_then(|a| events_by.get_mut(a)) {
            if on_offline_path(e) {
                v.push(e);
            }
        }
    }
    for (idx, acc) in m.accounts.iter().enumerate() {
        let mut ev: Vec<Evidence> = Vec::new();
        let mut domains: Vec<String> = Vec::new();
        let mut check = |sender: Option<&str>, rcpts: Vec<&str>| -> Vec<String> {
            let sender_dom = sender.and_then(domain_of).or_else(|| acc.domain());
            let orgs: Vec<String> = if s.org_domains.is_empty() {
                sender_dom.into_iter().collect()
            } else {
                s.org_domains.clone()
            };
            if orgs.is_empty() {
                return Vec::new();
            }
            let ext: Vec<String> = rcpts
                .into_iter()
                .filter(|r| domain_of(r).is_some_and(|d| !is_internal(&d, &orgs)))
                .map(str::to_string)
                .collect();
            for r in &ext {
                if let Some(d) = domain_of(r) {
                    if !domains.contains(&d) {
                        domains.push(d);
                    }
                }
            }
            ext
        };
        for it in items_by[idx].iter().copied() {
            let ext = check(
                it.fields.from.as_deref(),
                it.fields.recipients().map(String::as_str).collect(),
            );
            if !ext.is_empty() {
                ev.push(Evidence {
                    link: None,
                    path: it.path.clone(),
                    line: None,
                    time: it.modified.map(|t| t.fixed_offset()),
                    excerpt: Some(format!("stuck item → {}", ext.join(", "))),
                });
            }
        }
        for e in events_by[idx].iter().copied() {
            let rcpts: Vec<&str> = ["to", "recipient", "recipients"]
                .iter()
                .filter_map(|k| val(e, k))
                .collect();
            if rcpts.is_empty() {
                continue;
            }
            let joined = rcpts.join(" ");
            let addrs = crate::parse::text::find_addresses(&joined);
            let sender = val(e, "from_address")
                .map(str::to_string)
                .or_else(|| val(e, "from").and_then(crate::parse::text::first_address));
            let ext = check(
                sender.as_deref(),
                addrs.iter().map(String::as_str).collect(),
            );
            if !ext.is_empty() {
                ev.push(event_evidence(e, &format!("→ {}", ext.join(", "))));
            }
        }
        if ev.is_empty() {
            continue;
        }
        let n = ev.len();
        let title = format!(
            "{n} offline message{} addressed outside the organisation ({}): {} as plain mail, not as Missed Conversations",
            if n == 1 { "" } else { "s" },
            domains.join(", "),
            if n == 1 { "it arrives" } else { "they arrive" }
        );
        let mut f = finding("federated-recipient", Severity::Info, Some(acc), title);
        f.evidence = ev;
        out.push(f);
    }
}
