//! Settings resolution: flags over the config file over defaults, each value layered by
//! [`layer`] (config-file strings such as durations are parsed once, here), and the roots to
//! scan.

use super::{ScanOpts, Targets};
use crate::config::{self, FileConfig};
use crate::diagnose;
use crate::exit::Fatal;
use crate::model::Clock;
use crate::settings::Settings;
use crate::source::{self, ScanConfig};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::time::Duration;

/// One setting: the flag when given, else the config file's text (parsed with `parse`; a bad
/// value names its key), else `None` (the caller's default).
pub(crate) fn layer<T, E: std::fmt::Display>(
    flag: Option<T>,
    file: Option<&str>,
    key: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, Fatal> {
    match (flag, file) {
        (Some(v), _) => Ok(Some(v)),
        (None, Some(s)) => parse(s)
            .map(Some)
            .map_err(|e| Fatal::Config(format!("config: {key}: {e}"))),
        (None, None) => Ok(None),
    }
}

/// The log part of the scan settings: flags over the config file over defaults.
fn scan_config(opts: &ScanOpts, file: &FileConfig) -> Result<ScanConfig, Fatal> {
    let mut logs = Vec::new();
    for l in &opts.logs {
        let l_text = l.to_string_lossy();
        let path = path_arg(l).map_err(|e| Fatal::Usage(format!("--log {l_text}: {e}")))?;
        named_file("--log", &l_text, &path)?;
        logs.push(path);
    }
    if logs.is_empty() {
        logs = file.logs.clone().unwrap_or_default();
    }
    let log_tz = layer(opts.log_tz, file.log_tz.as_deref(), "log_tz", |s| {
        crate::clock::Zone::parse(s).map_err(|e| e.to_string())
    })?
    .unwrap_or_default();
    let window = layer(
        opts.window,
        file.window.as_deref(),
        "window",
        crate::duration::parse,
    )?;
    let lookback = layer(
        opts.lookback,
        file.lookback.as_deref(),
        "lookback",
        crate::duration::parse,
    )?;
    // A user file is checked now (a bad one stops the run); the built-in set is compiled only
    // when a log is found.
    let markers = match opts.markers.as_ref().or(file.markers.as_ref()) {
        Some(p) => Some(std::sync::Arc::new(
            crate::source::markers::with_user_file(p).map_err(|e| Fatal::Config(e.to_string()))?,
        )),
        None => None,
    };
    if let (None, Some(f)) = (&opts.log_time_format, &file.log_time_format) {
        crate::parse::logs::textlog::check_time_format(f)
            .map_err(|e| Fatal::Config(format!("config: log_time_format: {e}")))?;
    }
    Ok(ScanConfig {
        logs,
        log_time_format: opts
            .log_time_format
            .clone()
            .or_else(|| file.log_time_format.clone()),
        log_tz,
        markers,
        window,
        lookback,
        mailbox_files: Vec::new(),
        keep_bodies: false,
        profiles_root: None,
    })
}

/// A file the user named on the command line must be there: a typo is a usage error (exit 2),
/// not a line among the per-file errors. (One that exists but cannot be read is such a line.)
/// A path argument as a path on this host ([`source::paths::resolve_arg`]: variables expanded,
/// Windows separators read). An argument whose bytes are not UTF-8 (a Shift-JIS folder name
/// from a zip unpacked on Linux) is taken as the path it names, as it is.
fn path_arg(arg: &std::ffi::OsStr) -> Result<PathBuf, source::paths::PathError> {
    match arg.to_str() {
        Some(s) => source::paths::resolve_arg(s),
        None => Ok(PathBuf::from(arg)),
    }
}

fn named_file(flag: &str, arg: &str, path: &std::path::Path) -> Result<(), Fatal> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Fatal::Usage(format!("{flag} {arg}: no such file")))
        }
        Ok(m) if m.is_dir() => Err(Fatal::Usage(format!(
            "{flag} {arg}: is a folder (name a file, or pass the folder as a PATH)"
        ))),
        _ => Ok(()),
    }
}

/// Resolve the settings for a run from the flags and the config file.
pub(crate) fn settings(opts: &ScanOpts, real_now: DateTime<Utc>) -> Result<Settings, Fatal> {
    {
        let config_path = opts.config.clone().or_else(config::default_path);
        let file = match &config_path {
            Some(p) => config::load(p)?,
            None => FileConfig::default(),
        };
        let stuck_after = layer(
            opts.stuck_after,
            file.stuck_after.as_deref(),
            "stuck_after",
            crate::duration::parse,
        )?
        .unwrap_or(Duration::from_secs(120));
        let mut mailbox_files = Vec::new();
        for p in &opts.mailbox {
            let p_text = p.to_string_lossy();
            let path = path_arg(p).map_err(|e| Fatal::Usage(format!("--mailbox {p_text}: {e}")))?;
            named_file("--mailbox", &p_text, &path)?;
            mailbox_files.push(path);
        }
        let show_content = opts.show_content || file.show_content.unwrap_or(false);
        let mut rules = diagnose::RuleSettings::default();
        let mailbox_opts = diagnose::mailbox::MailboxOptions {
            drafts_threshold: opts.drafts_threshold.or(file.drafts_threshold),
            drafts_folder_threshold: opts
                .drafts_folder_threshold
                .or(file.drafts_folder_threshold),
            drafts_log_threshold: file.drafts_log_threshold,
            org_domains: if opts.org_domain.is_empty() {
                file.org_domains.clone().unwrap_or_default()
            } else {
                opts.org_domain.clone()
            },
            offline_im_classes: file.offline_im_classes.clone().unwrap_or_default(),
            offline_im_subjects: file.offline_im_subjects.clone().unwrap_or_default(),
            show_content,
        };
        diagnose::mailbox::apply_settings(&mut rules.mailbox, &mailbox_opts)
            .map_err(|e| Fatal::Config(e.to_string()))?;
        let time_zone = layer(
            opts.time_zone,
            file.time_zone.as_deref(),
            "time_zone",
            |s| crate::clock::Zone::parse(s).map_err(|e| e.to_string()),
        )?;
        // Reports' zone; the interactive view puts its own (local by default) in place.
        rules.zone = time_zone.unwrap_or(crate::clock::Zone::Utc);
        let poll = layer(
            opts.poll,
            file.poll.as_deref(),
            "poll",
            crate::duration::parse,
        )?
        .map(|d| d.max(Duration::from_millis(100)));
        let scan_cfg = scan_config(opts, &file)?;
        // Every file read as an input; an output may not be one of them.
        let mut inputs: Vec<PathBuf> = config_path.into_iter().collect();
        inputs.extend(opts.markers.clone().or_else(|| file.markers.clone()));
        inputs.extend(scan_cfg.logs.iter().cloned());
        inputs.extend(mailbox_files.iter().cloned());
        Ok(Settings {
            clock: Clock {
                now: opts.now.unwrap_or(real_now),
                stuck_after,
            },
            show_content,
            format: opts.format.or(file.format).unwrap_or_default(),
            color: opts.color.or(file.color).unwrap_or_default(),
            fail_on: opts.fail_on.or(file.fail_on).unwrap_or_default(),
            profiles_root: file.profiles_root,
            frozen: opts.now.is_some(),
            scan: ScanConfig {
                mailbox_files,
                keep_bodies: show_content,
                ..scan_cfg
            },
            rules,
            poll,
            theme: opts.theme.or(file.theme).unwrap_or_default(),
            mouse: opts.mouse || file.mouse.unwrap_or(false),
            keys: file.keys.clone().unwrap_or_default(),
            time_zone,
            protected: crate::source::output::Protected {
                folders: Vec::new(),
                files: inputs,
                outputs: Vec::new(),
            },
        })
    }
}

/// Turn `Targets` into the roots to walk, plus errors for profiles that were skipped (each
/// also unread: it may hold a spooler). The profiles folder of `--all-users` is added to the
/// folders no output may be written in.
pub(crate) fn resolve_roots(
    t: &Targets,
    settings: &mut Settings,
) -> Result<(Vec<PathBuf>, crate::pipeline::PreScan), Fatal> {
    let mut roots = Vec::new();
    let mut errors = Vec::new();
    let mut unread = Vec::new();
    for p in &t.paths {
        roots.push(path_arg(p).map_err(|e| Fatal::Usage(format!("{}: {e}", p.to_string_lossy())))?);
    }
    if t.all_users || t.profiles_root.is_some() {
        let root = match &t.profiles_root {
            Some(r) => Some(
                path_arg(r).map_err(|e| Fatal::Usage(format!("{}: {e}", r.to_string_lossy())))?,
            ),
            None => settings
                .profiles_root
                .clone()
                .or_else(source::system_profiles_root),
        };
        let Some(root) = root else {
            return Err(Fatal::Usage(
                "--all-users needs --profiles-root DIR on this system (no Windows Users folder here)".into(),
            ));
        };
        settings.protected.folders.push(root.clone());
        settings.scan.profiles_root = Some(root.clone());
        let (r, e) = source::all_users_roots(&root);
        if r.is_empty() && e.is_empty() {
            errors.push(crate::model::ScanError::new(
                &root,
                "no user profile with AppData\\Local found",
            ));
        }
        roots.extend(r);
        // A profile (or the profiles folder) that could not be listed may hold a spooler.
        unread.extend(e.iter().map(|e| e.path.clone()));
        errors.extend(e);
        if roots.is_empty() {
            return Err(Fatal::Usage(format!(
                "{}: nothing to scan ({})",
                root.display(),
                errors
                    .first()
                    .map(|e| e.message.as_str())
                    .unwrap_or("no profiles")
            )));
        }
    }
    if roots.is_empty() && settings.scan.mailbox_files.is_empty() && settings.scan.logs.is_empty() {
        roots = source::default_roots().map_err(|e| Fatal::Usage(e.to_string()))?;
    }
    Ok((roots, crate::pipeline::PreScan { errors, unread }))
}

/// `--debug-log FILE`: start the log once the roots are known (it may not lie inside one, nor
/// be a file the run reads).
pub(crate) fn start_debug_log(
    opts: &ScanOpts,
    roots: &[PathBuf],
    protected: &crate::source::output::Protected,
) -> Result<(), Fatal> {
    start_debug_log_beside(opts, roots, protected, None)
}

/// [`start_debug_log`] for a command with another output (`bundle -o`, `watch --output`):
/// the two may not be one file.
pub(crate) fn start_debug_log_beside(
    opts: &ScanOpts,
    roots: &[PathBuf],
    protected: &crate::source::output::Protected,
    other: Option<(&std::path::Path, &'static str)>,
) -> Result<(), Fatal> {
    if let (Some(p), Some((o, what))) = (&opts.debug_log, other) {
        crate::source::output::distinct(p, o, what).map_err(|e| Fatal::Usage(e.to_string()))?;
    }
    if let Some(p) = &opts.debug_log {
        crate::debuglog::start(p, roots, protected).map_err(|e| Fatal::Usage(e.to_string()))?;
    }
    Ok(())
}
