//! Exit codes and the typed top-level error that ends a run.
//!
//! 0 = nothing at or above `--fail-on`; 1 = findings at or above it; 2 = usage error, bad
//! config, or nothing could be scanned. A closed stdout pipe is not an error.

use crate::config::FailOn;
use crate::model::Finding;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// A failure that ends the run with exit code 2 and one line on stderr.
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    /// A bad flag value, a named file that is missing, a path that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// A setting (from the config file, or a file it names) is not usable.
    #[error("{0}")]
    Config(String),
    /// The config file itself cannot be read or parsed.
    #[error(transparent)]
    ConfigFile(#[from] crate::config::ConfigError),
    /// Not one root could be scanned.
    #[error("nothing could be scanned")]
    NothingScanned,
    /// `fleet`: not one report could be read.
    #[error("no report could be read")]
    NoReport,
    /// Writing the output failed (other than a closed pipe).
    #[error("cannot write{what}: {source}")]
    Write {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The terminal, the watcher or an output file failed while running.
    #[error("{0}")]
    Runtime(String),
}

/// The exit code findings call for.
pub fn exit_code_for(findings: &[Finding], fail_on: FailOn) -> i32 {
    match fail_on.threshold() {
        Some(t) if findings.iter().any(|f| f.severity >= t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn f(sev: Severity) -> Finding {
        Finding {
            rule: "x".into(),
            severity: sev,
            account: None,
            profile: None,
            client: None,
            account_dir: None,
            title: String::new(),
            evidence: vec![],
            remediation: String::new(),
        }
    }

    #[test]
    fn exit_codes_follow_fail_on() {
        let fs = vec![f(Severity::Info), f(Severity::Warning)];
        assert_eq!(exit_code_for(&fs, FailOn::Warning), EXIT_FINDINGS);
        assert_eq!(exit_code_for(&fs, FailOn::Critical), EXIT_OK);
        assert_eq!(exit_code_for(&fs, FailOn::Never), EXIT_OK);
        assert_eq!(exit_code_for(&[], FailOn::Info), EXIT_OK);
    }

    #[test]
    fn write_errors_name_what() {
        let e = Fatal::Write {
            what: " the report",
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(e.to_string(), "cannot write the report: disk full");
    }
}
