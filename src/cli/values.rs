//! The values of the enum flags (`--format`, `--color`, `--fail-on`, `--theme`, `--sort`), for
//! clap. The enums live where they are used (config, report, live view, fleet) and know nothing
//! of clap; their command-line names are given here, once, and a test pins them to the names
//! the config file (serde) accepts, so a flag and a config key take the same words.

use clap::builder::PossibleValue;
use clap::ValueEnum;

/// `impl ValueEnum for TYPE` from its variants and their command-line names (with an optional
/// help line, shown by `--help`).
macro_rules! value_enum {
    ($ty:ty { $($variant:ident => $name:literal $(: $help:literal)?),+ $(,)? }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$(Self::$variant),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $(Self::$variant => PossibleValue::new($name)$(.help($help))?),+
                })
            }
        }
    };
}

value_enum!(crate::report::ReportFormat {
    Text => "text",
    Markdown => "markdown",
    Json => "json",
    Ndjson => "ndjson": "JSON on one line: the report as one NDJSON record (for log shippers); \
                        `watch` writes one event per line",
});

value_enum!(crate::config::ColorChoice {
    Auto => "auto",
    Always => "always",
    Never => "never",
});

value_enum!(crate::config::FailOn {
    Info => "info",
    Warning => "warning",
    Critical => "critical",
    Never => "never",
});

value_enum!(crate::tui::theme::ThemeName {
    Dark => "dark",
    Light => "light",
    Mono => "mono",
});

value_enum!(crate::fleet::SortBy {
    Severity => "severity",
    Host => "host",
    Stuck => "stuck",
    Oldest => "oldest",
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    /// Every command-line name, in order; and for the enums a config file sets, the same word
    /// serde reads and writes.
    fn names<T: ValueEnum>() -> Vec<String> {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect()
    }

    fn serde_names<T: ValueEnum + Serialize>() -> Vec<String> {
        T::value_variants()
            .iter()
            .map(|v| {
                serde_json::to_value(v)
                    .ok()
                    .and_then(|j| j.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn flag_words_are_the_config_words() {
        use crate::config::{ColorChoice, FailOn};
        use crate::report::ReportFormat;
        use crate::tui::theme::ThemeName;
        assert_eq!(
            names::<ReportFormat>(),
            ["text", "markdown", "json", "ndjson"]
        );
        assert_eq!(names::<ReportFormat>(), serde_names::<ReportFormat>());
        assert_eq!(names::<ColorChoice>(), serde_names::<ColorChoice>());
        assert_eq!(names::<FailOn>(), serde_names::<FailOn>());
        assert_eq!(names::<ThemeName>(), serde_names::<ThemeName>());
        assert_eq!(
            names::<crate::fleet::SortBy>(),
            ["severity", "host", "stuck", "oldest"]
        );
    }

    #[test]
    fn flags_parse_the_words_and_refuse_others() {
        use crate::config::FailOn;
        assert_eq!(FailOn::from_str("critical", false), Ok(FailOn::Critical));
        assert_eq!(FailOn::from_str("CRITICAL", true), Ok(FailOn::Critical));
        assert!(FailOn::from_str("severe", false).is_err());
    }
}
