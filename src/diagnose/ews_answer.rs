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
            let mut tally: BTreeMap<&str, u64> = BTreeMap::new();
            for e in &f.ews_errors {
                *tally.entry(e.code.as_str()).or_default() += 1;
            }
            // Answers counted but not kept (over the per-code bound).
            for t in &f.ews_errors_summarised {
                *tally.entry(t.code.as_str()).or_default() += t.occurrences - t.shown;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Context, RuleSettings};
    use crate::model::{Clock, EwsError, ExportFormat, MailboxFile, MailboxFileKind, Model};

    fn err(code: &str, line: u64) -> EwsError {
        EwsError {
            class: "error".into(),
            code: code.into(),
            element: "FindItemResponseMessage".into(),
            message: None,
            faultcode: None,
            line: Some(line),
        }
    }

    /// 10 000 error answers of one code: a bounded number kept (first and last among them),
    /// every one counted in the record count and in the finding.
    #[test]
    fn many_error_answers_are_counted_exactly_and_kept_bounded() {
        let mut f = MailboxFile::new("ews.xml", MailboxFileKind::EwsError, ExportFormat::Xml);
        let mut errors: Vec<EwsError> = (1..=10_000).map(|l| err("ErrorAccessDenied", l)).collect();
        errors.insert(5000, err("ErrorServerBusy", 99_999));
        f.set_ews_errors(errors);
        let (a, b, c) = crate::model::EWS_ERRORS_KEPT;
        assert!(
            f.ews_errors.len() <= a + b + c + 1,
            "{}",
            f.ews_errors.len()
        );
        let lines: Vec<u64> = f.ews_errors.iter().filter_map(|e| e.line).collect();
        assert_eq!(lines.first(), Some(&1));
        assert_eq!(lines.last(), Some(&10_000));
        assert!(lines.contains(&99_999), "a rare code is kept");
        assert_eq!(f.records(), 10_001);
        assert_eq!(f.ews_errors_summarised.len(), 1);
        assert_eq!(f.ews_errors_summarised[0].occurrences, 10_000);
        let model = Model {
            mailbox: vec![f],
            ..Model::default()
        };
        let settings = RuleSettings::default();
        let ctx = Context {
            model: &model,
            clock: Clock {
                now: chrono::Utc::now(),
                stuck_after: std::time::Duration::from_secs(120),
            },
            settings: &settings,
        };
        let mut out = Vec::new();
        EwsAnswerRules.evaluate(&ctx, &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].title.contains("ErrorAccessDenied ×10000")
                && out[0].title.contains("ErrorServerBusy ×1"),
            "{}",
            out[0].title
        );
    }
}
