//! The subcommands: each resolves its settings, runs the pipeline and writes its output.

use super::resolve::{resolve_roots, start_debug_log, start_debug_log_beside};
use super::{Cli, ScanOpts, Targets};
use crate::config::{ColorChoice, FailOn};
use crate::exit::{exit_code_for, Fatal, EXIT_FINDINGS, EXIT_OK};
use crate::model::{Finding, Model};
use crate::pipeline::analyse;
use crate::report::{Report, ReportFormat, ReportOptions};
use crate::sanitize;
use crate::settings::{color_enabled, Settings};
use chrono::{DateTime, Utc};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// `spoolscope completions SHELL`: the script for that shell, generated from the flags.
pub(super) fn completions_cmd(shell: clap_complete::Shell) -> Result<i32, Fatal> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "spoolscope", &mut buf);
    write_stdout(&buf)
}

/// `spoolscope manpage`: the man page in roff, generated from the flags.
pub(super) fn manpage_cmd() -> Result<i32, Fatal> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Fatal::Runtime(format!("cannot render the man page: {e}")))?;
    write_stdout(&buf)
}

/// Write generated text to stdout; a closed pipe is not an error.
pub(super) fn write_stdout(buf: &[u8]) -> Result<i32, Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(buf).and_then(|_| out.flush()) {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(Fatal::Write {
            what: "",
            source: e,
        }),
    }
}

/// Write a report to stdout. A closed pipe ends the output quietly.
pub(super) fn print_report(
    model: &Model,
    findings: &[Finding],
    settings: &Settings,
    real_now: DateTime<Utc>,
) -> Result<(), Fatal> {
    let stdout = std::io::stdout();
    let color = settings.format == ReportFormat::Text
        && settings.use_color(stdout.is_terminal())
        // conhost: switch ANSI on; `auto` falls back to plain text where that is not possible.
        && (crate::console::ansi_ready() || settings.color == ColorChoice::Always);
    let opts = ReportOptions {
        clock: settings.clock,
        generated_at: real_now,
        show_content: settings.show_content,
        color,
        origin: crate::pipeline::origin(),
        zone: settings.report_zone(),
    };
    let report = Report {
        model,
        findings,
        opts: &opts,
    };
    let mut lock = std::io::BufWriter::new(stdout.lock());
    let res = report
        .write(settings.format, &mut lock)
        .and_then(|_| lock.flush());
    match res {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fatal::Write {
            what: " the report",
            source: e,
        }),
    }
}

pub(super) fn report_cmd(targets: &Targets, opts: &ScanOpts) -> Result<i32, Fatal> {
    let real_now = Utc::now();
    let mut settings = super::resolve::settings(opts, real_now)?;
    let (roots, pre) = resolve_roots(targets, &mut settings)?;
    start_debug_log(opts, &roots, &settings.protected)?;
    let (mut s, mut findings) = analyse(&roots, &settings, &pre);
    if s.roots_ok == 0 {
        for e in &s.model.errors {
            super::warn(&format!("{}: {}", e.path.display(), e.message));
        }
        return Err(Fatal::NothingScanned);
    }
    if settings.format != ReportFormat::Text {
        for e in &s.model.errors {
            super::warn(&format!("{}: {}", e.path.display(), e.message));
        }
    }
    if !settings.show_content {
        crate::redact::hide_content(&mut s.model, &mut findings);
    }
    print_report(&s.model, &findings, &settings, real_now)?;
    Ok(exit_code_for(&findings, settings.fail_on))
}

pub(super) fn bundle_cmd(
    targets: &Targets,
    opts: &ScanOpts,
    bopts: crate::bundle::BundleOptions,
) -> Result<i32, Fatal> {
    let real_now = Utc::now();
    let mut settings = super::resolve::settings(opts, real_now)?;
    // The bundle's reports hold bodies only with `--include-content`.
    settings.scan.keep_bodies = bopts.include_content;
    let (roots, pre) = resolve_roots(targets, &mut settings)?;
    let out = crate::bundle::check_output(&bopts, &roots, &settings.protected)
        .map_err(|e| Fatal::Usage(e.to_string()))?;
    start_debug_log_beside(
        opts,
        &roots,
        &settings.protected,
        Some((&out, "bundle (-o)")),
    )?;
    let (s, findings) = analyse(&roots, &settings, &pre);
    if s.roots_ok == 0 {
        return Err(Fatal::NothingScanned);
    }
    for e in &s.model.errors {
        super::warn(&format!("{}: {}", e.path.display(), e.message));
    }
    let ropts = ReportOptions {
        clock: settings.clock,
        generated_at: real_now,
        show_content: bopts.include_content,
        color: false,
        origin: crate::pipeline::origin(),
        zone: settings.report_zone(),
    };
    let sum = crate::bundle::write(&out, &roots, &s.model, &findings, &ropts, &bopts)
        .map_err(|e| Fatal::Usage(e.to_string()))?;
    let _ = writeln!(
        std::io::stdout(),
        "{}: {} sources in the manifest, {} item copies, {} log excerpts, content {}",
        sanitize::line(&out.to_string_lossy()),
        sum.files,
        sum.copies,
        sum.excerpts,
        if bopts.include_content {
            "included"
        } else {
            "redacted"
        }
    );
    Ok(exit_code_for(&findings, settings.fail_on))
}

pub(super) fn fleet_cmd(
    inputs: &[std::ffi::OsString],
    format: Option<ReportFormat>,
    color: ColorChoice,
    fail_on: FailOn,
    sort: crate::fleet::SortBy,
) -> Result<i32, Fatal> {
    let fleet = crate::fleet::merge(crate::fleet::expand_inputs(inputs), sort);
    if fleet.reports == 0 {
        for e in &fleet.errors {
            super::warn(&format!("{}: {}", e.path.display(), e.message));
        }
        return Err(Fatal::NoReport);
    }
    let stdout = std::io::stdout();
    let use_color = color_enabled(color, stdout.is_terminal());
    let mut lock = std::io::BufWriter::new(stdout.lock());
    let res = match format.unwrap_or_default() {
        ReportFormat::Text => crate::fleet::write_text(&fleet, &mut lock, use_color),
        ReportFormat::Markdown => crate::fleet::write_markdown(&fleet, &mut lock),
        ReportFormat::Json | ReportFormat::Ndjson => crate::fleet::write_json(&fleet, &mut lock),
    }
    .and_then(|_| lock.flush());
    if format.is_some_and(|f| f != ReportFormat::Text) {
        for e in &fleet.errors {
            super::warn(&format!("{}: {}", e.path.display(), e.message));
        }
    }
    match res {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            return Err(Fatal::Write {
                what: "",
                source: e,
            })
        }
    }
    Ok(match fail_on.threshold() {
        Some(t) if fleet.has_at_or_above(t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    })
}

pub(super) fn watch_cmd(
    targets: &Targets,
    opts: &ScanOpts,
    output: Option<PathBuf>,
    heartbeat: Duration,
) -> Result<i32, Fatal> {
    if opts.format.is_some_and(|f| f != ReportFormat::Ndjson) {
        return Err(Fatal::Usage("watch writes --format ndjson only".into()));
    }
    let mut settings = super::resolve::settings(opts, Utc::now())?;
    let (roots, pre) = resolve_roots(targets, &mut settings)?;
    start_debug_log_beside(
        opts,
        &roots,
        &settings.protected,
        output.as_deref().map(|o| (o, "watch output (--output)")),
    )?;
    crate::headless::run(
        roots,
        &settings,
        &crate::headless::WatchOptions {
            output,
            heartbeat,
            pre,
        },
    )
}

/// `spoolscope [PATH]...` on a terminal: the live view.
pub(super) fn tui_cmd(targets: &Targets, opts: &ScanOpts) -> Result<i32, Fatal> {
    let mut settings = super::resolve::settings(opts, Utc::now())?;
    let (roots, pre) = resolve_roots(targets, &mut settings)?;
    start_debug_log(opts, &roots, &settings.protected)?;
    // An export from the live view may not land on the debug log.
    if let Some(d) = &opts.debug_log {
        settings
            .protected
            .outputs
            .push((d.clone(), "debug log (--debug-log)"));
    }
    crate::tui::run(roots, &settings, pre)
}

pub(super) fn demo_cmd(report: bool, opts: &ScanOpts) -> Result<i32, Fatal> {
    let real_now = Utc::now();
    let settings = super::resolve::settings(opts, real_now)?;
    let dir = crate::demo::build(settings.clock.now)
        .map_err(|e| Fatal::Runtime(format!("cannot build the demo workstation: {e}")))?;
    let roots = vec![dir.path().to_path_buf()];
    start_debug_log(opts, &roots, &settings.protected)?;
    if !report && std::io::stdout().is_terminal() {
        if super::dumb_terminal() {
            super::warn(super::DUMB_TERMINAL);
            return demo_report(&roots, &settings, real_now);
        }
        // The temporary folder lives until the UI returns.
        let code = crate::tui::run(roots, &settings, Default::default());
        drop(dir);
        return code;
    }
    demo_report(&roots, &settings, real_now)
}

fn demo_report(
    roots: &[std::path::PathBuf],
    settings: &crate::settings::Settings,
    real_now: chrono::DateTime<Utc>,
) -> Result<i32, Fatal> {
    let (mut s, mut findings) = analyse(roots, settings, &Default::default());
    if !settings.show_content {
        crate::redact::hide_content(&mut s.model, &mut findings);
    }
    print_report(&s.model, &findings, settings, real_now)?;
    Ok(exit_code_for(&findings, settings.fail_on))
}
