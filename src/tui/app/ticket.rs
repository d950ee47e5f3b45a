//! The text `y` copies for a finding: plain, sanitised, ready to paste into a ticket.

use super::{shown_excerpt, App};
use crate::model::Finding;
use crate::sanitize;

impl App {
    /// The text `y` copies for a finding: plain, sanitised, ready for a ticket.
    pub fn finding_text(f: &Finding, reveal: bool) -> String {
        let mut s = format!(
            "{} {} — {}",
            f.severity.word(),
            sanitize::line(&f.rule),
            sanitize::line(&f.title)
        );
        if let Some(a) = &f.account {
            s.push_str(&format!("\naccount   {}", sanitize::line(a)));
        }
        for e in &f.evidence {
            let loc = match e.line {
                Some(l) => format!("{}:{l}", e.path.display()),
                None => e.path.display().to_string(),
            };
            s.push_str(&format!("\nevidence  {}", sanitize::line(&loc)));
            if let Some(x) = &e.excerpt {
                s.push_str(&format!("  {}", shown_excerpt(x, reveal)));
            }
        }
        if !f.remediation.is_empty() {
            s.push_str(&format!("\nfix       {}", sanitize::line(&f.remediation)));
        }
        s
    }
}
