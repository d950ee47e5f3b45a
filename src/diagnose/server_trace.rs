//! `clients-seen`: what a server CLS trace says about the clients that sent requests through
//! it. A front-end trace holds requests from many clients, so it never decides the user's own
//! client build (`client-build-unsupported` reads only client logs); it contributes one `info`
//! finding per sending address with the `User-Agent`s that address used.

use super::{finding, Context, RuleFamily};
use crate::model::{EventKind, Evidence, Finding, Severity};
use std::collections::{BTreeMap, BTreeSet};

pub struct ServerTraceRules;

/// Sending addresses reported at most (the rest are counted in the last title).
const MAX_ADDRESSES: usize = 50;

impl RuleFamily for ServerTraceRules {
    fn rules(&self) -> &'static [&'static str] {
        &["clients-seen"]
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let m = ctx.model;
        // address → (user agents, first evidence)
        let mut seen: BTreeMap<String, (BTreeSet<&str>, &crate::model::LogEvent)> = BTreeMap::new();
        for e in m.events.iter().filter(|e| {
            e.kind == EventKind::SipRequest
                && e.values.get("trace").map(String::as_str) == Some("server")
        }) {
            let (Some(from), Some(ua)) = (e.values.get("from_address"), e.values.get("user_agent"))
            else {
                continue;
            };
            let entry = seen
                .entry(from.to_ascii_lowercase())
                .or_insert_with(|| (BTreeSet::new(), e));
            entry.0.insert(ua.as_str());
        }
        let total = seen.len();
        for (n, (addr, (uas, first))) in seen.into_iter().enumerate() {
            if n == MAX_ADDRESSES {
                let mut f = finding(
                    "clients-seen",
                    Severity::Info,
                    None,
                    format!(
                        "server trace: {} more sending addresses not listed",
                        total - MAX_ADDRESSES
                    ),
                );
                f.evidence.push(Evidence::file(&first.path));
                out.push(f);
                break;
            }
            let account = m.account_by_address(&addr).and_then(|i| m.accounts.get(i));
            let list: Vec<&str> = uas.into_iter().collect();
            let mut f = finding(
                "clients-seen",
                Severity::Info,
                account,
                format!(
                    "server trace shows {addr} sending with {} (the server's view, not this user's client log)",
                    list.join(" | ")
                ),
            );
            f.evidence.push(Evidence {
                path: first.path.clone(),
                line: Some(first.line),
                time: first.time,
                excerpt: Some(first.excerpt.clone()),
                link: None,
            });
            out.push(f);
        }
    }
}
