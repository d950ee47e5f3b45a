//! The command line: flags (clap derive), dispatch; settings are resolved in `resolve`, commands
//! run in `commands`, exit codes live in `crate::exit`.
//!
//! Exit codes: 0 = nothing at or above `--fail-on`; 1 = findings at or above it; 2 = usage
//! error, bad config, or nothing could be scanned. A closed stdout pipe is not an error.

mod commands;
mod resolve;
mod values;

use crate::config::{self, ColorChoice, FailOn};
use crate::exit::EXIT_ERROR;
use crate::report::ReportFormat;
use crate::sanitize;
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use commands::{
    bundle_cmd, completions_cmd, demo_cmd, fleet_cmd, manpage_cmd, report_cmd, tui_cmd, watch_cmd,
};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

pub use crate::VERSION;

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
        inputs: Vec<std::ffi::OsString>,
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

/// What to scan.
#[derive(Debug, Args, Clone, Default)]
pub struct Targets {
    /// Folders or files to scan: a History Spooler, a sip_* folder, a Lync folder, a profile, a
    /// Users folder or any folder of collected files. Windows-style paths and %VARIABLES% work.
    /// Default (Windows): the current user's %LOCALAPPDATA%.
    #[arg(value_name = "PATH")]
    pub paths: Vec<std::ffi::OsString>,

    /// Scan every user profile (Windows: the system's Users folder; elsewhere with --profiles-root).
    #[arg(long)]
    pub all_users: bool,

    /// The folder holding the profiles, for --all-users.
    #[arg(long, value_name = "DIR")]
    pub profiles_root: Option<std::ffi::OsString>,
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
    pub mailbox: Vec<std::ffi::OsString>,

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
    pub logs: Vec<std::ffi::OsString>,

    /// chrono format of the timestamp that starts a record in a --log text log
    /// (e.g. "%d.%m.%Y %H:%M:%S"). Default: common shapes.
    #[arg(long, value_name = "FMT", value_parser = time_format)]
    pub log_time_format: Option<String>,

    /// Zone of log timestamps that carry none: local (this machine), UTC, an offset like
    /// +01:00, or an IANA name like Europe/Berlin (DST-correct) [default: local]. Times that
    /// carry an offset keep their instant.
    #[arg(long, value_name = "TZ", value_parser = crate::clock::Zone::parse, allow_hyphen_values = true)]
    pub log_tz: Option<crate::clock::Zone>,

    /// Zone every printed time is shown in: local, UTC, an offset like -05:00, or an IANA name
    /// like Europe/Berlin [default: UTC in reports and watch, local in the interactive view].
    /// JSON times stay RFC 3339 with their own offset.
    #[arg(long, value_name = "TZ", value_parser = crate::clock::Zone::parse, allow_hyphen_values = true)]
    pub time_zone: Option<crate::clock::Zone>,

    /// Extra log markers (TOML, same shape as the built-in assets/markers.toml).
    #[arg(long, value_name = "FILE")]
    pub markers: Option<PathBuf>,

    /// Window around the write time of an item without recipients in which log events count
    /// as related [default: 5m].
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub window: Option<Duration>,

    /// How far back from an item's write time its chain (offline answer, EWS failures,
    /// retries) is looked for [default: 30m].
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub lookback: Option<Duration>,

    /// Append a timestamped log of what the scan, the parsers and the watcher decided to FILE
    /// (for support; never inside a scanned folder).
    #[arg(long, value_name = "FILE")]
    pub debug_log: Option<PathBuf>,
}

/// `--log-time-format`: refused at once when chrono cannot use it (it would match no record).
fn time_format(s: &str) -> Result<String, String> {
    crate::parse::logs::textlog::check_time_format(s).map(|()| s.to_string())
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("'{s}' is not an RFC 3339 time like 2026-03-02T14:02:31Z ({e})"))
}

/// `TERM=dumb` (Emacs `M-x shell`, some CI consoles): a terminal without cursor addressing, where
/// the full-screen live view cannot be drawn; the text report is printed instead.
pub(crate) fn dumb_terminal() -> bool {
    std::env::var_os("TERM").is_some_and(|t| t == "dumb")
}

const DUMB_TERMINAL: &str = "TERM=dumb: this terminal cannot show the live view; printing the text report instead (`spoolscope report` does so on any terminal)";

/// Print one sanitised line to stderr.
pub fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr(), "spoolscope: {}", sanitize::line(msg));
}

/// Run with the process arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return clap_exit(e),
    };
    let code = run(cli);
    if let Some(msg) = crate::debuglog::failure() {
        warn(msg);
    }
    code
}

/// What clap stopped on: an argument error goes to stderr (exit 2) with the arguments' text
/// sanitised; `--help` and `--version` go to stdout (exit 0), and a write error there is one
/// line and exit 2 (a closed pipe is quiet).
fn clap_exit(e: clap::Error) -> i32 {
    use clap::CommandFactory;
    if e.use_stderr() {
        // Parsed again with clap's styling off, so the only escape sequences in the text are
        // those of the arguments themselves, and the sanitiser shows them as text.
        let plain = Cli::command()
            .styles(clap::builder::Styles::plain())
            .try_get_matches_from(std::env::args_os())
            .err()
            .unwrap_or(e);
        let text = plain.render().ansi().to_string();
        let _ = std::io::stderr().write_all(sanitize::block(&text).as_bytes());
        return EXIT_ERROR;
    }
    let styled = crate::settings::color_enabled(ColorChoice::Auto, std::io::stdout().is_terminal())
        && crate::console::ansi_ready();
    let text = if styled {
        e.render().ansi().to_string()
    } else {
        e.render().to_string()
    };
    stdout_or_warn(text.as_bytes())
}

/// Write generated text to stdout: its exit code, or one warning line and exit 2.
fn stdout_or_warn(buf: &[u8]) -> i32 {
    match commands::write_stdout(buf) {
        Ok(code) => code,
        Err(e) => {
            warn(&e.to_string());
            EXIT_ERROR
        }
    }
}

fn run(cli: Cli) -> i32 {
    let default_opts = ScanOpts::default();
    let opts = match &cli.command {
        Some(Command::Report { opts, .. })
        | Some(Command::Demo { opts, .. })
        | Some(Command::Bundle { opts, .. })
        | Some(Command::Watch { opts, .. }) => opts,
        Some(Command::Fleet { .. })
        | Some(Command::Completions { .. })
        | Some(Command::Manpage) => &default_opts,
        None => &cli.opts,
    };
    if opts.print_config_template {
        return stdout_or_warn(config::TEMPLATE.as_bytes());
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
        None if std::io::stdout().is_terminal() && !dumb_terminal() => {
            tui_cmd(&cli.targets, &cli.opts)
        }
        None => {
            if std::io::stdout().is_terminal() {
                warn(DUMB_TERMINAL);
            }
            report_cmd(&cli.targets, &cli.opts)
        }
    };
    match res {
        Ok(code) => code,
        Err(e) => {
            warn(&e.to_string());
            EXIT_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn layer_puts_flags_over_the_file_over_the_default() {
        let p = |s: &str| crate::duration::parse(s);
        let flag = Some(Duration::from_secs(5));
        assert_eq!(
            resolve::layer(flag, Some("1m"), "k", p).ok().flatten(),
            flag
        );
        assert_eq!(
            resolve::layer(None, Some("1m"), "k", p).ok().flatten(),
            Some(Duration::from_secs(60))
        );
        assert!(matches!(resolve::layer(None, None, "k", p), Ok(None)));
        let bad = resolve::layer(None, Some("soon"), "window", p).expect_err("bad value");
        assert!(bad.to_string().starts_with("config: window: "), "{bad}");
    }
}
