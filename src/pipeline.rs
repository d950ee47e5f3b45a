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

/// [`scan`] for a live session (`watch`, the live view): tailed logs are read through `tails`,
/// which forgets what it held first; so the first change after the scan is read on from a
/// checkpoint near each log's end, not whole again. (A one-shot `report` uses [`scan`].)
pub fn scan_live(roots: &[PathBuf], config: &ScanConfig, tails: &Tails) -> Scan {
    tails.clear();
    let mut s = crate::source::scan::scan_tailed(roots, config, Some(tails));
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

/// What was settled before the scan: profiles `--all-users` could not read. They join every
/// model the run builds (its first scan and each rescan), before the rules run.
#[derive(Debug, Clone, Default)]
pub struct PreScan {
    /// One line each (`profile skipped: permission denied`).
    pub errors: Vec<crate::model::ScanError>,
    /// Of those, the paths that were not read and may hold a spooler: they join `unreached`,
    /// so `scan-incomplete` names them.
    pub unread: Vec<PathBuf>,
}

impl PreScan {
    /// Add these errors (and unread paths) to `model`.
    pub fn apply(&self, model: &mut Model) {
        if self.errors.is_empty() && self.unread.is_empty() {
            return;
        }
        model.errors.extend(self.errors.iter().cloned());
        model.errors.sort();
        model.unreached.extend(self.unread.iter().cloned());
        model.unreached.sort();
        model.unreached.dedup();
    }
}

/// Scan → model → diagnose, at the settings' clock (with what `pre` settled first).
pub fn analyse(roots: &[PathBuf], settings: &Settings, pre: &PreScan) -> (Scan, Vec<Finding>) {
    let mut s = scan(roots, &settings.scan);
    pre.apply(&mut s.model);
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
/// [`crate::source::tail`]); a rescan starts every tail again (see [`scan_live`]).
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
            let mut s = scan_live(roots, config, tails);
            // A spooler that could no longer be listed keeps the items it had: losing sight of
            // them is not the client processing them.
            if s.model.keep_items_out_of_sight(model) > 0 {
                correlate(&mut s.model, horizon(config));
            }
            Refresh::Rescanned(Box::new(s))
        }
    })
}

/// Put re-read logs into the model and correlate again. Returns the notable events the tailed
/// logs gave for the first time (`watch` writes them; the live view has them in the model as
/// far as the bounded store keeps them).
pub fn merge_logs(model: &mut Model, mut r: LogReload, horizon: Horizon) -> watch::FreshEvents {
    let fresh = std::mem::take(&mut r.fresh);
    watch::merge_logs(model, r);
    correlate(model, horizon);
    fresh
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
    fn the_live_scan_primes_the_tails_so_the_first_append_reads_only_new_bytes() {
        let (_dir, roots, first) = demo();
        let cfg = ScanConfig::default();
        // The demo's logs are small: make them 20 times longer, so a checkpoint near the end
        // is far from the start.
        for src in first.model.sources.iter().filter(|x| x.log.is_some()) {
            let text = std::fs::read(&src.path).expect("read");
            std::fs::write(&src.path, text.repeat(20)).expect("grow");
        }
        let plain = scan(&roots, &cfg);
        let tails = Tails::default();
        let mut s = scan_live(&roots, &cfg, &tails);
        // The live scan gives the model the one-shot scan gives.
        assert_eq!(s.model.events, plain.model.events);
        assert_eq!(s.model.sources, plain.model.sources);
        assert_eq!(s.model.related, plain.model.related);
        let log = s
            .model
            .sources
            .iter()
            .filter(|x| x.kind == crate::model::SourceKind::Uccapilog)
            .max_by_key(|x| x.records)
            .map(|x| x.path.clone())
            .expect("the demo has a UccApilog");
        assert_eq!(
            tails.stats(&log).map(|t| t.0),
            Some(1),
            "read whole by the scan"
        );
        // One record appended (a copy of the last line the markers know).
        let text = std::fs::read_to_string(&log).expect("read");
        let last = s
            .model
            .events
            .iter()
            .filter(|e| e.path == log)
            .max_by_key(|e| e.line)
            .map(|e| e.line)
            .expect("events");
        let line = text
            .lines()
            .nth(last as usize - 1)
            .expect("line")
            .to_string();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("open");
        std::io::Write::write_all(&mut f, format!("{line}\r\n").as_bytes()).expect("append");
        drop(f);
        let size = std::fs::metadata(&log).expect("meta").len();
        match refresh(
            &s.model,
            &roots,
            &cfg,
            false,
            std::slice::from_ref(&log),
            &tails,
        ) {
            Some(Refresh::Merged(r)) => {
                merge_logs(&mut s.model, *r, horizon(&cfg));
            }
            other => panic!("a log alone is re-read alone, got {other:?}"),
        }
        let (whole, read) = tails.stats(&log).expect("tailed");
        assert_eq!(whole, 1, "no second whole read");
        assert!(read * 4 < size, "decoded {read} of {size} bytes");
        let fresh = scan(&roots, &cfg).model;
        assert_eq!(s.model.events, fresh.events);
        assert_eq!(s.model.sources, fresh.sources);
        assert_eq!(s.model.related, fresh.related);
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
            Some(Refresh::Merged(r)) => {
                merge_logs(&mut s.model, *r, horizon(&cfg));
            }
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
