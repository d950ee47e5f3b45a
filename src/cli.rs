//! The command line: flags (clap derive), settings resolution, dispatch, exit codes.
//!
//! Exit codes: 0 = nothing at or above `--fail-on`; 1 = findings at or above it; 2 = usage
//! error, bad config, or nothing could be scanned. A closed stdout pipe is not an error.

use crate::config::{self, ColorChoice, FailOn, FileConfig};
use crate::diagnose::{self, Context};
use crate::model::{Clock, Finding, Model};
use crate::report::{Report, ReportFormat, ReportOptions};
use crate::sanitize;
use crate::source::{self, scan};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

const EXAMPLES: &str = "\
Examples:
  spoolscope demo --report                     see it work on a built-in sample workstation
  spoolscope report                            (Windows) the current user's %LOCALAPPDATA%
  spoolscope report C:\\Users --format markdown  every profile, ready to paste into a ticket
  spoolscope report ./case-1234 --format json  a folder of collected files, for scripts
  spoolscope report --all-users --fail-on critical   a terminal server, as a detection script
  spoolscope report ./case --now 2026-03-02T14:02:31Z --stuck-after 10m

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or
nothing could be scanned.";

/// What `--version` prints after the name: the version, then the build (commit when built from
/// git, target triple, profile), as bug reports need it.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("SPOOLSCOPE_BUILD"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "spoolscope",
    version = VERSION,
    about = "Find out why Skype for Business / Lync offline IMs and conversation history never reach Exchange",
    long_about = "Find out why Skype for Business / Lync offline IMs and conversation history \
never reach Exchange.\n\nspoolscope finds every History Spooler under the given paths, reads what \
is stuck there (older than the client's two-minute timer), and explains why with findings that \
point at the evidence. It never writes to what it scans.",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub opts: ScanOpts,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan and print a one-shot report (text, Markdown or JSON) to stdout.
    #[command(after_help = EXAMPLES)]
    Report {
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        opts: ScanOpts,
    },
    /// Package the evidence for escalation: reports, a manifest with SHA-256 of every source,
    /// redacted copies of stuck items and redacted log excerpts, in one zip.
    #[command(
        after_help = "Examples:\n  spoolscope bundle C:\\Users\\jdoe -o D:\\case-1234.zip\n  spoolscope bundle ./collected -o ~/case.zip --include-content --force"
    )]
    Bundle {
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        opts: ScanOpts,
        /// The zip file to write (never inside a scanned folder).
        #[arg(short = 'o', long, value_name = "FILE.zip")]
        output: PathBuf,
        /// Keep message subjects and bodies (redacted by default).
        #[arg(long)]
        include_content: bool,
        /// Overwrite the output if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Merge JSON reports (or watch NDJSON streams) from many machines into one summary.
    #[command(
        after_help = "Examples:\n  spoolscope fleet reports/            every *.json, *.ndjson under a folder\n  spoolscope fleet 'ws-*.json' --sort stuck --format markdown"
    )]
    Fleet {
        /// Report files, folders or `*` globs.
        #[arg(value_name = "REPORT", required = true)]
        inputs: Vec<String>,
        /// Output format [default: text].
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<ReportFormat>,
        /// Colour in text output.
        #[arg(long, value_enum, value_name = "WHEN", default_value_t)]
        color: ColorChoice,
        /// Lowest finding severity that makes the exit code 1.
        #[arg(long, value_enum, value_name = "LEVEL", default_value_t)]
        fail_on: FailOn,
        /// Table order.
        #[arg(long, value_enum, default_value_t)]
        sort: crate::fleet::SortBy,
    },
    /// Watch headless and print one JSON object per line (NDJSON) until interrupted.
    #[command(
        after_help = "Examples:\n  spoolscope watch C:\\Users --format ndjson --output D:\\logs\\spoolscope.ndjson\n  ssh ts01 spoolscope watch --all-users --poll=10s | my-log-shipper"
    )]
    Watch {
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        opts: ScanOpts,
        /// Append lines to this file (flushed per line) instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Interval of `heartbeat` lines.
        #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = crate::duration::parse)]
        heartbeat: Duration,
    },
    /// Write large synthetic inputs for benchmarks (deterministic from --seed).
    #[command(hide = true)]
    Gen {
        #[command(subcommand)]
        what: GenWhat,
    },
    /// Print a shell completion script to stdout (see the README for where each shell loads it).
    #[command(
        after_help = "Examples:\n  spoolscope completions powershell >> $PROFILE\n  spoolscope completions bash > ~/.local/share/bash-completion/completions/spoolscope\n  spoolscope completions zsh > ~/.zfunc/_spoolscope"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: `spoolscope manpage > spoolscope.1`.
    Manpage,
    /// Build a realistic sample workstation in a temporary folder and run on it.
    Demo {
        /// Print the report of the demo instead of opening the interactive view.
        #[arg(long)]
        report: bool,
        #[command(flatten)]
        opts: ScanOpts,
    },
}

/// What `gen` writes.
#[derive(Debug, Subcommand)]
pub enum GenWhat {
    /// A profile tree: USERS profiles with ITEMS spooled files each, in mixed formats.
    Tree {
        dir: PathBuf,
        #[arg(long, default_value_t = 100)]
        users: usize,
        #[arg(long, default_value_t = 100)]
        items: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// A UccApilog of at least MB megabytes (SIP blocks, EWS calls and failures, noise).
    Log {
        file: PathBuf,
        #[arg(long, default_value_t = 200)]
        mb: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

fn gen_cmd(what: &GenWhat) -> Result<i32, Fatal> {
    let io = |p: &std::path::Path, e: std::io::Error| Fatal(format!("{}: {e}", p.display()));
    match what {
        GenWhat::Tree {
            dir,
            users,
            items,
            seed,
        } => {
            let n = crate::corpus_tree::write_tree(
                dir,
                *users,
                *items,
                *seed,
                std::time::SystemTime::now(),
            )
            .map_err(|e| io(dir, e))?;
            println!("{}: {n} spooled files in {users} profiles", dir.display());
        }
        GenWhat::Log { file, mb, seed } => {
            let f = std::fs::File::create(file).map_err(|e| io(file, e))?;
            let mut w = std::io::BufWriter::new(f);
            let start = (Utc::now() - chrono::Duration::hours(6)).naive_local();
            let st = crate::corpus::write_uccapilog(&mut w, *seed, mb << 20, start)
                .and_then(|st| w.flush().map(|_| st))
                .map_err(|e| io(file, e))?;
            println!(
                "{}: {} bytes, {} records",
                file.display(),
                st.bytes,
                st.records
            );
        }
    }
    Ok(EXIT_OK)
}

/// What to scan.
#[derive(Debug, Args, Clone, Default)]
pub struct Targets {
    /// Folders or files to scan: a History Spooler, a sip_* folder, a Lync folder, a profile, a
    /// Users folder or any folder of collected files. Windows-style paths and %VARIABLES% work.
    /// Default (Windows): the current user's %LOCALAPPDATA%.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Scan every user profile (Windows: the system's Users folder; elsewhere with --profiles-root).
    #[arg(long)]
    pub all_users: bool,

    /// The folder holding the profiles, for --all-users.
    #[arg(long, value_name = "DIR")]
    pub profiles_root: Option<String>,
}

/// Options that shape a scan; they mean the same in every subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct ScanOpts {
    /// Pin "now" (RFC 3339, e.g. 2026-03-02T14:02:31Z) for reproducible reports.
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,

    /// Age after which a spooled item is stuck (e.g. 90s, 2m, 1h) [default: 2m].
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub stuck_after: Option<Duration>,

    /// Read settings from this TOML file (see --print-config-template).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Show message subjects, bodies and previews (private content, hidden by default).
    #[arg(long)]
    pub show_content: bool,

    /// Report format [default: text].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ReportFormat>,

    /// Colour in text output [default: auto: on for a terminal, off with NO_COLOR].
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    /// Lowest finding severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,

    /// Print a commented config file with every setting, and exit.
    #[arg(long)]
    pub print_config_template: bool,

    /// A mailbox evidence file (EWS FindItem/GetFolder response, Get-MailboxFolderStatistics,
    /// Get-CsImConfiguration or Get-CsClientPolicy export, item list); repeatable. Files under a
    /// PATH are found by content without it.
    #[arg(long, value_name = "FILE")]
    pub mailbox: Vec<String>,

    /// Offline-IM drafts in a Drafts listing that make drafts-buildup critical [default: 5].
    #[arg(long, value_name = "N")]
    pub drafts_threshold: Option<usize>,

    /// Items in Drafts (folder statistics alone) that make drafts-buildup a warning [default: 50].
    #[arg(long, value_name = "N")]
    pub drafts_folder_threshold: Option<u64>,

    /// One of the organisation's own mail domains (repeatable) [default: the sender's domain].
    #[arg(long, value_name = "DOMAIN")]
    pub org_domain: Vec<String>,
    /// Interactive view: watch by polling every INTERVAL (network shares, WSL) instead of
    /// native notifications [default interval: 2s]. Chosen automatically when native watching
    /// fails.
    #[arg(long, value_name = "INTERVAL", num_args = 0..=1, require_equals = true,
          default_missing_value = "2s", value_parser = crate::duration::parse)]
    pub poll: Option<Duration>,

    /// Interactive view colour theme [default: dark]; NO_COLOR or --color never give mono.
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<crate::tui::theme::ThemeName>,

    /// Interactive view: enable the mouse (off by default so terminal text selection works).
    #[arg(long)]
    pub mouse: bool,
    /// Read FILE as a trace log too, whatever its name or place (repeatable).
    #[arg(long = "log", value_name = "FILE")]
    pub logs: Vec<String>,

    /// chrono format of the timestamp that starts a record in a --log text log
    /// (e.g. "%d.%m.%Y %H:%M:%S"). Default: common shapes.
    #[arg(long, value_name = "FMT")]
    pub log_time_format: Option<String>,

    /// Zone of log timestamps that carry none: local (this machine), UTC, or an offset like
    /// +01:00 [default: local].
    #[arg(long, value_name = "TZ", value_parser = crate::parse::logs::LogTz::parse)]
    pub log_tz: Option<crate::parse::logs::LogTz>,

    /// Extra log markers (TOML, same shape as the built-in assets/markers.toml).
    #[arg(long, value_name = "FILE")]
    pub markers: Option<PathBuf>,

    /// Window around an item's write time in which log events count as related [default: 5m].
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub window: Option<Duration>,

    /// Append a timestamped log of what the scan, the parsers and the watcher decided to FILE
    /// (for support; never inside a scanned folder).
    #[arg(long, value_name = "FILE")]
    pub debug_log: Option<PathBuf>,
}

/// The log part of the scan settings: flags over the config file over defaults.
fn scan_config(opts: &ScanOpts, file: &FileConfig) -> Result<scan::ScanConfig, Fatal> {
    let mut logs = Vec::new();
    for l in &opts.logs {
        let path = source::paths::resolve_arg(l).map_err(|e| Fatal(format!("--log {l}: {e}")))?;
        named_file("--log", l, &path)?;
        logs.push(path);
    }
    if logs.is_empty() {
        logs = file.logs.clone().unwrap_or_default();
    }
    let log_tz = match (opts.log_tz, &file.log_tz) {
        (Some(t), _) => t,
        (None, Some(s)) => crate::parse::logs::LogTz::parse(s)
            .map_err(|e| Fatal(format!("config: log_tz: {e}")))?,
        (None, None) => Default::default(),
    };
    let window = match (opts.window, &file.window) {
        (Some(d), _) => Some(d),
        (None, Some(s)) => {
            Some(crate::duration::parse(s).map_err(|e| Fatal(format!("config: window: {e}")))?)
        }
        (None, None) => None,
    };
    // A user file is checked now (a bad one stops the run); the built-in set is compiled only
    // when a log is found.
    let markers = match opts.markers.as_ref().or(file.markers.as_ref()) {
        Some(p) => Some(std::sync::Arc::new(
            crate::source::markers::with_user_file(p).map_err(|e| Fatal(e.to_string()))?,
        )),
        None => None,
    };
    Ok(scan::ScanConfig {
        logs,
        log_time_format: opts
            .log_time_format
            .clone()
            .or_else(|| file.log_time_format.clone()),
        log_tz,
        markers,
        window,
        mailbox_files: Vec::new(),
    })
}

/// A file the user named on the command line must be there: a typo is a usage error (exit 2),
/// not a line among the per-file errors. (One that exists but cannot be read is such a line.)
fn named_file(flag: &str, arg: &str, path: &std::path::Path) -> Result<(), Fatal> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Fatal(format!("{flag} {arg}: no such file")))
        }
        Ok(m) if m.is_dir() => Err(Fatal(format!(
            "{flag} {arg}: is a folder (name a file, or pass the folder as a PATH)"
        ))),
        _ => Ok(()),
    }
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("'{s}' is not an RFC 3339 time like 2026-03-02T14:02:31Z ({e})"))
}

/// Settings after flags, config file and defaults are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub clock: Clock,
    pub show_content: bool,
    pub format: ReportFormat,
    pub color: ColorChoice,
    pub fail_on: FailOn,
    pub profiles_root: Option<PathBuf>,
    /// Whether `now` was pinned (`--now`); a live view then keeps the clock frozen.
    pub frozen: bool,
    pub scan: scan::ScanConfig,
    pub rules: diagnose::RuleSettings,
    /// Interactive view: polling interval (`--poll`), or native watching.
    pub poll: Option<Duration>,
    pub theme: crate::tui::theme::ThemeName,
    pub mouse: bool,
    /// Key overrides from the config file's `[keys]` table.
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
}

/// A failure that ends the run with exit code 2 and one line on stderr.
#[derive(Debug)]
pub struct Fatal(pub String);

impl Settings {
    pub fn resolve(opts: &ScanOpts, real_now: DateTime<Utc>) -> Result<Settings, Fatal> {
        let file = match opts.config.clone().or_else(config::default_path) {
            Some(p) => config::load(&p).map_err(Fatal)?,
            None => FileConfig::default(),
        };
        let stuck_after = match (opts.stuck_after, &file.stuck_after) {
            (Some(d), _) => d,
            (None, Some(s)) => {
                crate::duration::parse(s).map_err(|e| Fatal(format!("config: stuck_after: {e}")))?
            }
            (None, None) => Duration::from_secs(120),
        };
        let mut mailbox_files = Vec::new();
        for p in &opts.mailbox {
            let path =
                source::paths::resolve_arg(p).map_err(|e| Fatal(format!("--mailbox {p}: {e}")))?;
            named_file("--mailbox", p, &path)?;
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
            .map_err(|e| Fatal(e.to_string()))?;
        let poll = match (opts.poll, &file.poll) {
            (Some(d), _) => Some(d),
            (None, Some(s)) => {
                Some(crate::duration::parse(s).map_err(|e| Fatal(format!("config: poll: {e}")))?)
            }
            (None, None) => None,
        }
        .map(|d| d.max(Duration::from_millis(100)));
        let scan_cfg = scan_config(opts, &file)?;
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
            scan: scan::ScanConfig {
                mailbox_files,
                ..scan_cfg
            },
            rules,
            poll,
            theme: opts.theme.or(file.theme).unwrap_or_default(),
            mouse: opts.mouse || file.mouse.unwrap_or(false),
            keys: file.keys.clone().unwrap_or_default(),
        })
    }

    /// Colour decision for a stream (see [`color_enabled`]).
    pub fn use_color(&self, is_terminal: bool) -> bool {
        color_enabled(self.color, is_terminal)
    }
}

/// Colour decision for a stream: `auto` means a terminal, `NO_COLOR` unset, `TERM` not dumb.
pub fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
        }
    }
}

/// The exit code findings call for.
pub fn exit_code_for(findings: &[Finding], fail_on: FailOn) -> i32 {
    match fail_on.threshold() {
        Some(t) if findings.iter().any(|f| f.severity >= t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

/// Print one sanitised line to stderr.
pub fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr(), "spoolscope: {}", sanitize::line(msg));
}

/// Turn `Targets` into the roots to walk, plus errors for profiles that were skipped.
pub fn resolve_roots(
    t: &Targets,
    settings: &Settings,
) -> Result<(Vec<PathBuf>, Vec<crate::model::ScanError>), Fatal> {
    let mut roots = Vec::new();
    let mut errors = Vec::new();
    for p in &t.paths {
        roots.push(source::paths::resolve_arg(p).map_err(|e| Fatal(format!("{p}: {e}")))?);
    }
    if t.all_users || t.profiles_root.is_some() {
        let root = match &t.profiles_root {
            Some(r) => Some(source::paths::resolve_arg(r).map_err(|e| Fatal(format!("{r}: {e}")))?),
            None => settings
                .profiles_root
                .clone()
                .or_else(source::system_profiles_root),
        };
        let Some(root) = root else {
            return Err(Fatal(
                "--all-users needs --profiles-root DIR on this system (no Windows Users folder here)".into(),
            ));
        };
        let (r, e) = source::all_users_roots(&root);
        if r.is_empty() && e.is_empty() {
            errors.push(crate::model::ScanError::new(
                &root,
                "no user profile with AppData\\Local found",
            ));
        }
        roots.extend(r);
        errors.extend(e);
        if roots.is_empty() {
            return Err(Fatal(format!(
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
        roots = source::default_roots().map_err(Fatal)?;
    }
    Ok((roots, errors))
}

/// `--debug-log FILE`: start the log once the roots are known (it may not lie inside one).
fn start_debug_log(opts: &ScanOpts, roots: &[PathBuf]) -> Result<(), Fatal> {
    if let Some(p) = &opts.debug_log {
        crate::debuglog::start(p, roots).map_err(Fatal)?;
    }
    Ok(())
}

/// `spoolscope completions SHELL`: the script for that shell, generated from the flags.
fn completions_cmd(shell: clap_complete::Shell) -> Result<i32, Fatal> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "spoolscope", &mut buf);
    write_stdout(&buf)
}

/// `spoolscope manpage`: the man page in roff, generated from the flags.
fn manpage_cmd() -> Result<i32, Fatal> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Fatal(format!("cannot render the man page: {e}")))?;
    write_stdout(&buf)
}

/// Write generated text to stdout; a closed pipe is not an error.
fn write_stdout(buf: &[u8]) -> Result<i32, Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(buf).and_then(|_| out.flush()) {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(Fatal(format!("cannot write: {e}"))),
    }
}

/// The pipeline: scan → model → diagnose.
pub fn analyse(roots: &[PathBuf], settings: &Settings) -> (scan::Scan, Vec<Finding>) {
    let s = scan::scan(roots, &settings.scan);
    let findings = diagnose::diagnose(&Context {
        model: &s.model,
        clock: settings.clock,
        settings: &settings.rules,
    });
    (s, findings)
}

/// Write a report to stdout. A closed pipe ends the output quietly.
pub fn print_report(
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
        Err(e) => Err(Fatal(format!("cannot write the report: {e}"))),
    }
}

fn report_cmd(targets: &Targets, opts: &ScanOpts) -> Result<i32, Fatal> {
    let real_now = Utc::now();
    let settings = Settings::resolve(opts, real_now)?;
    let (roots, pre_errors) = resolve_roots(targets, &settings)?;
    start_debug_log(opts, &roots)?;
    let (mut s, mut findings) = analyse(&roots, &settings);
    if s.roots_ok == 0 {
        for e in &s.model.errors {
            warn(&format!("{}: {}", e.path.display(), e.message));
        }
        return Err(Fatal("nothing could be scanned".into()));
    }
    s.model.errors.extend(pre_errors);
    s.model.errors.sort();
    if settings.format != ReportFormat::Text {
        for e in &s.model.errors {
            warn(&format!("{}: {}", e.path.display(), e.message));
        }
    }
    if !settings.show_content {
        crate::redact::hide_content(&mut s.model, &mut findings);
    }
    print_report(&s.model, &findings, &settings, real_now)?;
    Ok(exit_code_for(&findings, settings.fail_on))
}

fn bundle_cmd(
    targets: &Targets,
    opts: &ScanOpts,
    bopts: crate::bundle::BundleOptions,
) -> Result<i32, Fatal> {
    let real_now = Utc::now();
    let settings = Settings::resolve(opts, real_now)?;
    let (roots, pre_errors) = resolve_roots(targets, &settings)?;
    let out = crate::bundle::check_output(&bopts, &roots).map_err(|e| Fatal(e.to_string()))?;
    start_debug_log(opts, &roots)?;
    let (mut s, findings) = analyse(&roots, &settings);
    if s.roots_ok == 0 {
        return Err(Fatal("nothing could be scanned".into()));
    }
    s.model.errors.extend(pre_errors);
    for e in &s.model.errors {
        warn(&format!("{}: {}", e.path.display(), e.message));
    }
    let ropts = ReportOptions {
        clock: settings.clock,
        generated_at: real_now,
        show_content: bopts.include_content,
        color: false,
    };
    let sum = crate::bundle::write(&out, &roots, &s.model, &findings, &ropts, &bopts)
        .map_err(|e| Fatal(e.to_string()))?;
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

fn fleet_cmd(
    inputs: &[String],
    format: Option<ReportFormat>,
    color: ColorChoice,
    fail_on: FailOn,
    sort: crate::fleet::SortBy,
) -> Result<i32, Fatal> {
    let (files, errors) = crate::fleet::expand_inputs(inputs);
    let fleet = crate::fleet::merge(&files, errors, sort);
    if fleet.reports == 0 {
        for e in &fleet.errors {
            warn(&format!("{}: {}", e.path.display(), e.message));
        }
        return Err(Fatal("no report could be read".into()));
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
            warn(&format!("{}: {}", e.path.display(), e.message));
        }
    }
    match res {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(Fatal(format!("cannot write: {e}"))),
    }
    Ok(match fail_on.threshold() {
        Some(t) if fleet.has_at_or_above(t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    })
}

fn watch_cmd(
    targets: &Targets,
    opts: &ScanOpts,
    output: Option<PathBuf>,
    heartbeat: Duration,
) -> Result<i32, Fatal> {
    if opts.format.is_some_and(|f| f != ReportFormat::Ndjson) {
        return Err(Fatal("watch writes --format ndjson only".into()));
    }
    let settings = Settings::resolve(opts, Utc::now())?;
    let (roots, _) = resolve_roots(targets, &settings)?;
    start_debug_log(opts, &roots)?;
    crate::headless::run(
        roots,
        &settings,
        &crate::headless::WatchOptions { output, heartbeat },
    )
}

/// `spoolscope [PATH]...` on a terminal: the live view.
fn tui_cmd(targets: &Targets, opts: &ScanOpts) -> Result<i32, Fatal> {
    let settings = Settings::resolve(opts, Utc::now())?;
    let (roots, pre_errors) = resolve_roots(targets, &settings)?;
    start_debug_log(opts, &roots)?;
    crate::tui::run(roots, &settings, pre_errors)
}

fn demo_cmd(report: bool, opts: &ScanOpts) -> Result<i32, Fatal> {
    let real_now = Utc::now();
    let settings = Settings::resolve(opts, real_now)?;
    let dir = crate::demo::build(settings.clock.now)
        .map_err(|e| Fatal(format!("cannot build the demo workstation: {e}")))?;
    let roots = vec![dir.path().to_path_buf()];
    start_debug_log(opts, &roots)?;
    if !report && std::io::stdout().is_terminal() {
        // The temporary folder lives until the UI returns.
        let code = crate::tui::run(roots, &settings, Vec::new());
        drop(dir);
        return code;
    }
    let (mut s, mut findings) = analyse(&roots, &settings);
    if !settings.show_content {
        crate::redact::hide_content(&mut s.model, &mut findings);
    }
    print_report(&s.model, &findings, &settings, real_now)?;
    Ok(exit_code_for(&findings, settings.fail_on))
}

/// Run with the process arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let default_opts = ScanOpts::default();
    let opts = match &cli.command {
        Some(Command::Report { opts, .. })
        | Some(Command::Demo { opts, .. })
        | Some(Command::Bundle { opts, .. })
        | Some(Command::Watch { opts, .. }) => opts,
        Some(Command::Fleet { .. })
        | Some(Command::Gen { .. })
        | Some(Command::Completions { .. })
        | Some(Command::Manpage) => &default_opts,
        None => &cli.opts,
    };
    if opts.print_config_template {
        print!("{}", config::TEMPLATE);
        return EXIT_OK;
    }
    let res = match &cli.command {
        Some(Command::Report { targets, opts }) => report_cmd(targets, opts),
        Some(Command::Demo { report, opts }) => demo_cmd(*report, opts),
        Some(Command::Bundle {
            targets,
            opts,
            output,
            include_content,
            force,
        }) => bundle_cmd(
            targets,
            opts,
            crate::bundle::BundleOptions {
                output: output.clone(),
                include_content: *include_content,
                force: *force,
            },
        ),
        Some(Command::Gen { what }) => gen_cmd(what),
        Some(Command::Completions { shell }) => completions_cmd(*shell),
        Some(Command::Manpage) => manpage_cmd(),
        Some(Command::Watch {
            targets,
            opts,
            output,
            heartbeat,
        }) => watch_cmd(targets, opts, output.clone(), *heartbeat),
        Some(Command::Fleet {
            inputs,
            format,
            color,
            fail_on,
            sort,
        }) => fleet_cmd(inputs, *format, *color, *fail_on, *sort),
        None if std::io::stdout().is_terminal() => tui_cmd(&cli.targets, &cli.opts),
        None => report_cmd(&cli.targets, &cli.opts),
    };
    match res {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            warn(&msg);
            EXIT_ERROR
        }
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
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn now_must_be_rfc3339() {
        assert!(parse_now("2026-03-02T14:02:31Z").is_ok());
        assert!(parse_now("2026-03-02T14:02:31+01:00").is_ok());
        assert!(parse_now("yesterday").is_err());
    }
}
