//! Rule texts from `assets/rules.toml`, embedded at build time.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
pub struct RuleText {
    pub explanation: String,
    pub remediation: String,
}

pub const RULE_TEXTS: &str = include_str!("../../assets/rules.toml");

fn texts() -> &'static BTreeMap<String, RuleText> {
    static T: OnceLock<BTreeMap<String, RuleText>> = OnceLock::new();
    T.get_or_init(|| toml::from_str(RULE_TEXTS).unwrap_or_default())
}

/// What to do about a finding of `rule` (empty if the rule has no text: a test forbids that).
pub fn remediation(rule: &str) -> &'static str {
    texts()
        .get(rule)
        .map(|t| t.remediation.trim())
        .unwrap_or("")
}

/// Why a finding of `rule` matters.
pub fn explanation(rule: &str) -> &'static str {
    texts()
        .get(rule)
        .map(|t| t.explanation.trim())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_file_parses() {
        let parsed: Result<std::collections::BTreeMap<String, super::RuleText>, _> =
            toml::from_str(super::RULE_TEXTS);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
    }
}
