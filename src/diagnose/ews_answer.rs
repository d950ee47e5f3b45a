//! `ews-error` from mailbox evidence: an EWS answer the engineer saved that holds an error (a
//! response message with `ResponseClass="Error"`, or a SOAP fault). One finding per file, each
//! error its own evidence line with the code, Exchange's own words for it and file:line.
//!
//! spoolscope keeps no table of ResponseCode meanings: the meaning shown is the answer's own
//! `MessageText` / `faultstring`, labelled as such; without one, the evidence says so.

use super::{finding, Context, RuleFamily};
use crate::model::{Evidence, Finding, Severity};
use std::collections::BTreeMap;

pub struct EwsAnswerRules;

/// The evidence text of one error answer.
pub fn describe(e: &crate::model::EwsError) -> String {
    let what = if e.class == "soap-fault" {
        "SOAP fault"
    } else {
        "ResponseClass=\"Error\""
    };
    let mut s = format!("{} {what} in <{}>", e.code, e.element);
    match &e.message {
        Some(m) => s.push_str(&format!(
            " · meaning, in the answer's own words ({}): {m}",
            if e.class == "soap-fault" {
                "faultstring"
            } else {
                "MessageText"
            }
        )),
        None => s.push_str(
            " · meaning: not given in the answer (look the code up in Microsoft's EWS ResponseCode reference)",
        ),
    }
    if let Some(fc) = &e.faultcode {
        s.push_str(&format!(" · faultcode {fc}"));
    }
    crate::parse::text::squash(&s, 400)
}

impl RuleFamily for EwsAnswerRules {
    fn rules(&self) -> &'static [&'static str] {
        &[]
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let m = ctx.model;
        for f in m.mailbox.iter().filter(|f| !f.ews_errors.is_empty()) {
            let account = f
                .owner
                .as_deref()
                .and_then(|o| m.account_by_address(o))
                .and_then(|i| m.accounts.get(i));
            let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
            for e in &f.ews_errors {
                *tally.entry(e.code.as_str()).or_default() += 1;
            }
            let codes: Vec<String> = tally.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
            let mut title = format!("EWS answered with errors: {}", codes.join(", "));
            if account.is_none() {
                if let Some(o) = &f.owner {
                    title.push_str(&format!(" (mailbox {o})"));
                }
            }
            let mut fi = finding("ews-error", Severity::Warning, account, title);
            fi.evidence = f
                .ews_errors
                .iter()
                .map(|e| Evidence {
                    path: f.path.clone(),
                    line: e.line,
                    time: None,
                    excerpt: Some(describe(e)),
                    link: None,
                })
                .collect();
            out.push(fi);
        }
    }
}
