//! The one pipeline: scan (source) → correlate → diagnose, and the one refresh routine the
//! live view and `watch` share when files change. A scan alone returns the model as read;
//! everything that judges it happens here.

use crate::diagnose::correlate::Horizon;
use crate::diagnose::{self, Context};
use crate::model::{Finding, Model};
use crate::settings::Settings;
use crate::source::scan::Scan;
use crate::source::tail::Tails;
use crate::source::watch::{self, LogReload};
use crate::source::ScanConfig;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// This machine and user, as reports and `watch` lines name them.
pub fn origin() -> crate::report::ndjson::Origin {
    crate::report::ndjson::Origin {
        host: crate::source::host_name(),
        user: crate::source::user_name(),
    }
}

/// Relate log events to spooled items: each item's chain (`--lookback`, default 30 minutes),
/// or its `--window` (default 5 minutes) when it has no recipients.
pub fn correlate(model: &mut Model, horizon: Horizon) {
    model.related = diagnose::correlate::correlate(model, horizon);
}

/// How far correlation looks, from the scan settings.
pub fn horizon(config: &ScanConfig) -> Horizon {
    let d = Horizon::default();
    Horizon {
        window: config.window.unwrap_or(d.window),
        lookback: config.lookback.unwrap_or(d.lookback),
    }
}

/// Scan `roots` and correlate: the model every view starts from.
pub fn scan(roots: &[PathBuf], config: &ScanConfig) -> Scan {
    let mut s = crate::source::scan::scan(roots, config);
    correlate(&mut s.model, horizon(config));
    s
}

/// The findings for `model` at `now`.
pub fn findings_at(model: &Model, settings: &Settings, now: DateTime<Utc>) -> Vec<Finding> {
    let mut clock = settings.clock;
    clock.now = now;
    diagnose::diagnose(&Context {
        model,
        clock,
        settings: &settings.rules,
    })
}

/// Scan → model → diagnose, at the settings' clock.
pub fn analyse(roots: &[PathBuf], settings: &Settings) -> (Scan, Vec<Finding>) {
    let s = scan(roots, &settings.scan);
    let findings = findings_at(&s.model, settings, settings.clock.now);
    (s, findings)
}

/// What a change calls for, worked out away from the model (the live view does it on a
/// background thread).
#[derive(Debug)]
pub enum Refresh {
    /// Only log files changed: their fresh part, for [`merge_logs`].
    Merged(Box<LogReload>),
    /// Something else changed (or a file could not be told to be a log): a whole new scan.
    Rescanned(Box<Scan>),
}

/// The one refresh routine: after `source::watch::apply` has taken in spooled files, re-read
/// the changed `logs` alone when every one is a log, else (or when `rescan`) scan again.
/// `None` when nothing needs reading.
///
/// Tailed logs are read on from their last record (`tails` keeps where; see
/// [`crate::source::tail`]); a rescan forgets every tail.
pub fn refresh(
    model: &Model,
    roots: &[PathBuf],
    config: &ScanConfig,
    rescan: bool,
    logs: &[PathBuf],
    tails: &Tails,
) -> Option<Refresh> {
    if !rescan && logs.is_empty() {
        return None;
    }
    let merged = match rescan {
        true => None,
        false => watch::reload_changed_logs(model, config, logs, tails),
    };
    Some(match merged {
        Some(r) => Refresh::Merged(Box::new(r)),
        None => {
            tails.clear();
            Refresh::Rescanned(Box::new(scan(roots, config)))
        }
    })
}

/// Put re-read logs into the model and correlate again.
pub fn merge_logs(model: &mut Model, r: LogReload, horizon: Horizon) {
    watch::merge_logs(model, r);
    correlate(model, horizon);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Vec<PathBuf>, Scan) {
        let dir = crate::demo::build(Utc::now()).expect("demo");
        let roots = vec![dir.path().to_path_buf()];
        let s = scan(&roots, &ScanConfig::default());
        (dir, roots, s)
    }

    fn main_log(m: &Model) -> PathBuf {
        m.sources
            .iter()
            .find(|s| s.log.is_some())
            .map(|s| s.path.clone())
            .expect("the demo has a log")
    }

    #[test]
    fn a_scan_through_the_pipeline_is_correlated() {
        let (_dir, _roots, s) = demo();
        assert!(!s.model.related.is_empty(), "the demo relates log events");
        // The source layer alone leaves judging to the pipeline.
        let raw = crate::source::scan::scan(&_roots, &ScanConfig::default());
        assert!(raw.model.related.is_empty());
    }

    #[test]
    fn a_changed_log_is_merged_and_correlated_like_a_fresh_scan() {
        let (_dir, roots, mut s) = demo();
        let log = main_log(&s.model);
        let text = std::fs::read_to_string(&log).expect("read");
        let half: String = text
            .lines()
            .take(text.lines().count() / 2)
            .map(|l| format!("{l}\r\n"))
            .collect();
        std::fs::write(&log, half).expect("truncate");
        let cfg = ScanConfig::default();
        assert!(refresh(&s.model, &roots, &cfg, false, &[], &Tails::default()).is_none());
        match refresh(
            &s.model,
            &roots,
            &cfg,
            false,
            std::slice::from_ref(&log),
            &Tails::default(),
        ) {
            Some(Refresh::Merged(r)) => merge_logs(&mut s.model, *r, horizon(&cfg)),
            other => panic!("a log alone is re-read alone, got {other:?}"),
        }
        let fresh = scan(&roots, &cfg).model;
        assert_eq!(s.model.events, fresh.events);
        assert_eq!(s.model.related, fresh.related);
        // A file that is not a log, or an explicit rescan: a whole scan.
        let other = log.with_file_name("notes.bin");
        std::fs::write(&other, [0u8, 1, 2, 3]).expect("write");
        assert!(matches!(
            refresh(&s.model, &roots, &cfg, false, &[other], &Tails::default()),
            Some(Refresh::Rescanned(_))
        ));
        assert!(matches!(
            refresh(&s.model, &roots, &cfg, true, &[], &Tails::default()),
            Some(Refresh::Rescanned(s)) if s.model.related == fresh.related
        ));
    }
}
