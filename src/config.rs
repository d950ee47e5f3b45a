//! Settings: command-line flags over a config file over defaults. The file uses the flags'
//! vocabulary (`stuck_after = "2m"`, `fail_on = "warning"`, …).

use crate::report::ReportFormat;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The lowest severity that makes the exit code 1. Read from a config file in any ASCII case
/// (`"Warning"` is `warning`), as booleans and policy values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    Info,
    #[default]
    Warning,
    Critical,
    Never,
}

impl<'de> Deserialize<'de> for FailOn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const NAMES: [&str; 4] = ["info", "warning", "critical", "never"];
        let s = String::deserialize(d)?;
        let all = [
            FailOn::Info,
            FailOn::Warning,
            FailOn::Critical,
            FailOn::Never,
        ];
        NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(&s))
            .map(|i| all[i])
            .ok_or_else(|| serde::de::Error::unknown_variant(&s, &NAMES))
    }
}

impl FailOn {
    pub fn threshold(self) -> Option<crate::model::Severity> {
        use crate::model::Severity;
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
}

/// The config file. Every key is optional; unknown keys are an error (a typo should not be
/// silently ignored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub stuck_after: Option<String>,
    pub fail_on: Option<FailOn>,
    pub show_content: Option<bool>,
    pub color: Option<ColorChoice>,
    pub format: Option<ReportFormat>,
    pub profiles_root: Option<PathBuf>,
    pub drafts_threshold: Option<usize>,
    pub drafts_folder_threshold: Option<u64>,
    pub drafts_log_threshold: Option<usize>,
    pub org_domains: Option<Vec<String>>,
    pub offline_im_classes: Option<Vec<String>>,
    pub offline_im_subjects: Option<Vec<String>>,
    /// Interactive view: polling interval (`"2s"`) instead of native watching.
    pub poll: Option<String>,
    pub theme: Option<crate::tui::theme::ThemeName>,
    pub mouse: Option<bool>,
    /// Interactive view key overrides: action name → keys.
    pub keys: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Extra trace logs to read (like --log).
    pub logs: Option<Vec<PathBuf>>,
    pub log_time_format: Option<String>,
    pub log_tz: Option<String>,
    /// Zone printed times are shown in (like --time-zone).
    pub time_zone: Option<String>,
    pub markers: Option<PathBuf>,
    pub window: Option<String>,
    pub lookback: Option<String>,
}

/// A template with every key, commented, for `--print-config-template`.
pub const TEMPLATE: &str = r#"# spoolscope configuration (TOML). Command-line flags override these values.
# Where spoolscope looks: --config FILE, else $SPOOLSCOPE_CONFIG, else
#   Windows: %APPDATA%\spoolscope\config.toml   others: ~/.config/spoolscope/config.toml

# Age after which a spooled item counts as stuck (the client's timer is about two minutes).
# stuck_after = "2m"

# Lowest severity that makes the exit code 1: info, warning, critical or never.
# fail_on = "warning"

# Show message subjects, bodies and previews (private content).
# show_content = false

# Colour in text output: auto, always or never (NO_COLOR is honoured in auto).
# color = "auto"

# Report format: text, markdown or json.
# format = "text"

# The profiles folder used by --all-users.
# profiles_root = 'C:\Users'

# Offline-IM drafts in a Drafts listing that make drafts-buildup critical.
# drafts_threshold = 5

# Items in Drafts, when only folder statistics are available, that make drafts-buildup a warning.
# drafts_folder_threshold = 50

# Drafts saved and never sent in the logs (EWS CreateItem SaveOnly), per account, for a warning.
# drafts_log_threshold = 3

# The organisation's own mail domains (default: the sender's domain); subdomains count too.
# org_domains = ["contoso.com", "contoso.co.uk"]

# Extra offline-IM item classes and subjects (`*` and `?` wildcards, case ignored), e.g. other languages.
# offline_im_classes = ["IPM.Note.Custom.Missed*"]
# offline_im_subjects = ["Unterhaltung verpasst mit *"]

# Interactive view: watch by polling every interval (network shares, WSL) instead of native
# notifications. Polling is also chosen automatically when native watching fails.
# poll = "2s"

# Interactive view colour theme: dark, light or mono (NO_COLOR / color = "never" give mono).
# theme = "dark"

# Interactive view: use the mouse (off so that selecting text in the terminal keeps working).
# mouse = false

# Interactive view key bindings: action = ["key", ...]. A key given here is taken from any other
# action. Names: see the keys table in the README (e.g. quit, down, next-error, search).
# [keys]
# quit = ["q", "ctrl-c"]
# next-error = ["e", "f8"]

# Extra trace logs to read whatever their name (like --log FILE); a relative path is taken from
# this file's folder.
# logs = ['C:\case\client.log']

# chrono format of the timestamp that starts a record in such a text log.
# log_time_format = "%d.%m.%Y %H:%M:%S"

# Zone of log timestamps that carry none: "local" (this machine), "UTC", an offset "+01:00" or an
# IANA name "Europe/Berlin".
# log_tz = "local"

# Zone printed times are shown in (same values). Unset: UTC in reports, local in the live view.
# time_zone = "UTC"

# Extra log markers (TOML, same shape as the built-in markers), extending the built-in ones; a
# relative path is taken from this file's folder.
# markers = 'C:\spoolscope\my-markers.toml'

# Window around the write time of an item without recipients in which log events count as related.
# window = "5m"

# How far back from an item's write time its chain (offline answer, EWS failures) is looked for.
# lookback = "30m"
"#;

/// Why a config file cannot be used: one line naming the file (and the line, when known).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{}: cannot read config: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    /// A bad key or value: `line N: key: message` (text alone, see [`parse`]).
    #[error("{0}")]
    Invalid(String),
    /// A bad key or value in a file.
    #[error("{}: {message}", path.display())]
    InFile { path: PathBuf, message: String },
}

/// Read and parse a config file. Errors name the file (and the line, when TOML gives one).
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text =
        crate::source::read::read_settings_file(path, crate::source::read::SETTINGS_FILE_CAP)
            .map_err(|reason| ConfigError::Read {
                path: path.to_path_buf(),
                reason,
            })?;
    let mut c = parse_text(&text).map_err(|ConfigMessage(message)| ConfigError::InFile {
        path: path.to_path_buf(),
        message,
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        c.rebase(dir);
    }
    Ok(c)
}

impl FileConfig {
    /// Take relative `logs` and `markers` paths from `dir`, the config file's folder (the file
    /// names them; the working folder of whoever runs the tool has nothing to do with it).
    fn rebase(&mut self, dir: &Path) {
        let at = |p: &mut PathBuf| {
            if p.is_relative() && !p.as_os_str().is_empty() {
                *p = dir.join(&*p);
            }
        };
        self.logs.iter_mut().flatten().for_each(at);
        self.markers.iter_mut().for_each(at);
    }
}

/// Parse config text; the error is one line with the line number.
pub fn parse(text: &str) -> Result<FileConfig, ConfigError> {
    parse_text(text).map_err(|ConfigMessage(m)| ConfigError::Invalid(m))
}

/// What is wrong with config text, one line (`line N: key: message`), before a file is named.
struct ConfigMessage(String);

impl From<String> for ConfigMessage {
    fn from(s: String) -> ConfigMessage {
        ConfigMessage(s)
    }
}

fn parse_text(text: &str) -> Result<FileConfig, ConfigMessage> {
    let c: FileConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| bytecount_lines(text, s.start));
        let msg = e.message().replace('\n', " ");
        ConfigMessage(match line {
            Some(l) => format!("line {l}: {msg}"),
            None => msg,
        })
    })?;
    // Values TOML cannot check: a bad one is reported here, where its line is known.
    let durations = [
        ("stuck_after", &c.stuck_after),
        ("poll", &c.poll),
        ("window", &c.window),
        ("lookback", &c.lookback),
    ];
    for (key, v) in durations {
        if let Some(v) = v {
            crate::duration::parse(v).map_err(|e| at_key(text, key, &e.to_string()))?;
        }
    }
    for (key, v) in [("log_tz", &c.log_tz), ("time_zone", &c.time_zone)] {
        if let Some(v) = v {
            crate::clock::Zone::parse(v).map_err(|e| at_key(text, key, &e.to_string()))?;
        }
    }
    // The mailbox settings the rules take: a bad domain or a zero threshold names its line.
    let one = |o: crate::diagnose::mailbox::MailboxOptions, key: &str| {
        let mut s = crate::diagnose::mailbox::MailboxSettings::default();
        crate::diagnose::mailbox::apply_settings(&mut s, &o)
            .map_err(|e| at_key(text, key, &e.to_string()))
    };
    use crate::diagnose::mailbox::MailboxOptions as Opts;
    let d = Opts::default();
    one(
        Opts {
            org_domains: c.org_domains.clone().unwrap_or_default(),
            ..d.clone()
        },
        "org_domains",
    )?;
    one(
        Opts {
            drafts_threshold: c.drafts_threshold,
            ..d.clone()
        },
        "drafts_threshold",
    )?;
    one(
        Opts {
            drafts_folder_threshold: c.drafts_folder_threshold,
            ..d.clone()
        },
        "drafts_folder_threshold",
    )?;
    one(
        Opts {
            drafts_log_threshold: c.drafts_log_threshold,
            ..d
        },
        "drafts_log_threshold",
    )?;
    // Key bindings are checked here too, so a misspelt action or key is a config error naming
    // the file and line when the file is loaded, not a surprise when the live view starts.
    if let Some(keys) = &c.keys {
        for (action, list) in keys {
            let one = std::collections::BTreeMap::from([(action.clone(), list.clone())]);
            crate::tui::keys::KeyMap::with_overrides(&one)
                .map_err(|e| at_table_key(text, "keys", action, &e))?;
        }
    }
    Ok(c)
}

/// `line N: message`, N being the line that sets `key` in `[table]` (or `table.key = …`).
fn at_table_key(text: &str, table: &str, key: &str, msg: &str) -> String {
    let msg = msg.replace('\n', " ");
    let names_key = |l: &str, k: &str| {
        let l = l.trim_start();
        [k.to_string(), format!("\"{k}\""), format!("'{k}'")]
            .iter()
            .any(|n| {
                l.strip_prefix(n.as_str())
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
    };
    let mut in_table = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            let name = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            in_table = name == table;
            continue;
        }
        if (in_table && names_key(l, key)) || names_key(l, &format!("{table}.{key}")) {
            return format!("line {}: {msg}", i + 1);
        }
    }
    match text.lines().position(|l| names_key(l, table)) {
        Some(i) => format!("line {}: {msg}", i + 1),
        None => msg,
    }
}

/// The 1-based line of byte offset `at` (counted on bytes: an offset need not fall on a
/// character boundary).
fn bytecount_lines(text: &str, at: usize) -> usize {
    let end = at.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `line N: key: message`, N being the line that sets `key` (when it can be found).
fn at_key(text: &str, key: &str, msg: &str) -> String {
    let sets = |l: &str| {
        let l = l.trim_start();
        let rest = l
            .strip_prefix(key)
            .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| l.strip_prefix(&format!("'{key}'")));
        rest.is_some_and(|r| r.trim_start().starts_with('='))
    };
    let msg = msg.replace('\n', " ");
    match text.lines().position(sets) {
        Some(i) => format!("line {}: {key}: {msg}", i + 1),
        None => format!("{key}: {msg}"),
    }
}

/// The default config path, if such a file exists.
pub fn default_path() -> Option<PathBuf> {
    // Set but empty is unset (as an empty XDG_CONFIG_HOME is).
    if let Some(p) = std::env::var_os("SPOOLSCOPE_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let p = user_config_file(|k| std::env::var_os(k), cfg!(windows))?;
    p.is_file().then_some(p)
}

/// Where the user's config file would be, from the environment `var`: `%APPDATA%` on Windows,
/// else `$XDG_CONFIG_HOME`, else `$HOME/.config`. An empty or relative `XDG_CONFIG_HOME` is
/// ignored, as the XDG Base Directory specification says (a relative one would depend on the
/// folder spoolscope was started from).
fn user_config_file(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
    windows: bool,
) -> Option<PathBuf> {
    let base = if windows {
        var("APPDATA").map(PathBuf::from)
    } else {
        var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))
    }?;
    Some(base.join("spoolscope").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_in_a_config_file_are_taken_from_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.toml");
        let abs = dir.path().join("abs.log");
        let text = format!(
            "logs = ['client.log', 'sub/other.log', {:?}]\nmarkers = 'my-markers.toml'\n",
            abs.to_string_lossy()
        );
        std::fs::write(&file, text).expect("write");
        let c = load(&file).expect("load");
        assert_eq!(
            c.logs,
            Some(vec![
                dir.path().join("client.log"),
                dir.path().join("sub").join("other.log"),
                abs,
            ])
        );
        assert_eq!(c.markers, Some(dir.path().join("my-markers.toml")));
        // Text parsed without a file keeps its paths as written.
        let c = parse("markers = 'm.toml'").expect("parse");
        assert_eq!(c.markers, Some(PathBuf::from("m.toml")));
    }

    #[test]
    fn an_empty_or_relative_xdg_config_home_is_ignored() {
        let env = |xdg: &'static str| {
            move |k: &str| match k {
                "XDG_CONFIG_HOME" => Some(std::ffi::OsString::from(xdg)),
                "HOME" => Some(std::ffi::OsString::from("/home/u")),
                _ => None,
            }
        };
        let home = Some(
            PathBuf::from("/home/u")
                .join(".config")
                .join("spoolscope")
                .join("config.toml"),
        );
        assert_eq!(user_config_file(env(""), false), home);
        assert_eq!(user_config_file(env("relative/cfg"), false), home);
        assert_eq!(user_config_file(env("./cfg"), false), home);
        // Absolute as the platform sees it (a drive letter on Windows).
        let abs = if cfg!(windows) {
            r"C:\xdg-u"
        } else {
            "/etc/xdg-u"
        };
        assert_eq!(
            user_config_file(env(abs), false),
            Some(PathBuf::from(abs).join("spoolscope").join("config.toml"))
        );
        let none = |_: &str| None;
        assert_eq!(user_config_file(none, false), None);
    }

    #[test]
    fn template_parses_and_is_all_defaults() {
        assert_eq!(parse(TEMPLATE), Ok(FileConfig::default()));
    }

    #[test]
    fn bad_values_name_their_line() {
        let e = parse("color = \"never\"\n\n  stuck_after = \"soon\"\n")
            .expect_err("bad")
            .to_string();
        assert!(e.starts_with("line 3: stuck_after: "), "{e}");
        let e = parse("log_tz = \"mars\"\n").expect_err("bad").to_string();
        assert!(e.starts_with("line 1: log_tz: "), "{e}");
        let e = parse("'window' = \"-\"\n").expect_err("bad").to_string();
        assert!(e.starts_with("line 1: window: "), "{e}");
    }

    /// The sample config the README points at parses, every value as written.
    #[test]
    fn the_sample_config_parses() {
        let c = parse(include_str!("../tests/fixtures/config/example.toml")).expect("valid");
        assert_eq!(c.stuck_after.as_deref(), Some("30s"));
        assert_eq!(c.fail_on, Some(FailOn::Critical));
        assert_eq!(c.color, Some(ColorChoice::Never));
        assert_eq!(c.format, Some(ReportFormat::Json));
        assert_eq!(c.drafts_threshold, Some(3));
        assert_eq!(
            c.org_domains,
            Some(vec!["contoso.com".to_string(), "contoso.co.jp".to_string()])
        );
        assert_eq!(c.window.as_deref(), Some("2m"));
        assert_eq!(c.lookback.as_deref(), Some("15m"));
        assert_eq!(c.log_tz.as_deref(), Some("UTC"));
        assert_eq!(c.poll.as_deref(), Some("5s"));
        assert_eq!(c.theme, Some(crate::tui::theme::ThemeName::Light));
        assert_eq!(c.mouse, Some(true));
        let keys = c.keys.expect("keys");
        assert_eq!(keys["next-error"], vec!["e".to_string(), "f8".to_string()]);
    }

    #[test]
    fn values_parse() {
        let c = parse("stuck_after = \"30s\"\nfail_on = \"critical\"\ncolor = \"never\"\n")
            .expect("valid");
        assert_eq!(c.stuck_after.as_deref(), Some("30s"));
        assert_eq!(c.fail_on, Some(FailOn::Critical));
        assert_eq!(c.color, Some(ColorChoice::Never));
    }

    #[test]
    fn live_view_keys_parse() {
        let c = parse("poll = \"5s\"\ntheme = \"light\"\nmouse = true\n[keys]\nnext-error = [\"e\", \"f8\"]\n")
            .expect("valid");
        assert_eq!(c.poll.as_deref(), Some("5s"));
        assert_eq!(c.theme, Some(crate::tui::theme::ThemeName::Light));
        assert_eq!(c.mouse, Some(true));
        let keys = c.keys.expect("keys");
        assert_eq!(keys["next-error"], vec!["e".to_string(), "f8".to_string()]);
        assert!(crate::tui::keys::KeyMap::with_overrides(&keys).is_ok());
        assert!(parse("theme = \"neon\"").is_err());
    }

    #[test]
    fn bad_key_bindings_are_config_errors_with_their_line() {
        let e = parse(include_str!("../tests/fixtures/config/bad-keys.toml"))
            .expect_err("unknown action")
            .to_string();
        assert_eq!(e, "line 5: keys: unknown action 'nxt-error'");
        let e = parse("[keys]\n\"next-error\" = [\"e\", \"f99\"]\n")
            .expect_err("bad key")
            .to_string();
        assert!(e.starts_with("line 2: keys.next-error: "), "{e}");
        let e = parse("keys.bogus = [\"x\"]\n")
            .expect_err("dotted")
            .to_string();
        assert!(e.starts_with("line 1: keys: unknown action 'bogus'"), "{e}");
        assert!(parse("[keys]\nnext-error = [\"e\", \"f8\"]\n").is_ok());
    }

    #[test]
    fn quit_without_a_key_or_ctrl_c_elsewhere_is_refused_at_load() {
        let d = tempfile::tempdir().expect("tempdir");
        let f = d.path().join("k.toml");
        std::fs::write(&f, "[keys]\nquit = []\n").expect("write");
        let e = load(&f).expect_err("empty quit").to_string();
        assert!(
            e.starts_with(&format!("{}: line 2: keys.quit: ", f.display())),
            "{e}"
        );
        assert_eq!(e.lines().count(), 1);
        std::fs::write(&f, "[keys]\nback = [\"ctrl-c\"]\n").expect("write");
        let e = load(&f).expect_err("ctrl-c elsewhere").to_string();
        assert!(e.contains("line 2: keys.back: ctrl-c always quits"), "{e}");
        std::fs::write(&f, "[keys]\nquit = [\"x\"]\n").expect("write");
        assert!(load(&f).is_ok());
    }

    #[test]
    fn mailbox_settings_errors_name_the_line() {
        let e = parse("color = \"never\"\norg_domains = [\"\"]\n")
            .expect_err("empty domain")
            .to_string();
        assert!(e.starts_with("line 2: org_domains:"), "{e}");
        let e = parse("drafts_threshold = 0\n")
            .expect_err("zero")
            .to_string();
        assert!(e.starts_with("line 1: drafts_threshold:"), "{e}");
        assert!(parse("org_domains = [\"@contoso.com\"]\ndrafts_threshold = 3\n").is_ok());
    }

    /// A config saved by Windows PowerShell 5 (`>`, `Out-File`: UTF-16LE with its BOM) is read.
    #[test]
    fn a_utf16_config_file_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("spoolscope.toml");
        let mut bytes = vec![0xFF, 0xFE];
        for u in "stuck_after = \"30s\"\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&p, &bytes).expect("write");
        assert_eq!(
            load(&p).expect("utf-16").stuck_after.as_deref(),
            Some("30s")
        );
        bytes.push(0x41);
        std::fs::write(&p, &bytes).expect("write");
        let e = load(&p).expect_err("odd").to_string();
        assert!(e.contains("odd number of bytes"), "{e}");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("stuck_after = \"2m\"\nstuck_aftr = \"3m\"\n")
            .expect_err("typo")
            .to_string();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = parse("fail_on = \"sometimes\"")
            .expect_err("bad value")
            .to_string();
        assert!(e.starts_with("line 1:"), "{e}");
        assert!(e.contains("`warning`"), "names the valid values: {e}");
        let e = parse("\nfail_on = \"Warnings\"")
            .expect_err("bad value")
            .to_string();
        assert!(e.starts_with("line 2:"), "{e}");
    }

    /// `fail_on` is read in any ASCII case, like booleans and policy values.
    #[test]
    fn fail_on_ignores_ascii_case() {
        for (v, want) in [
            ("Warning", FailOn::Warning),
            ("CRITICAL", FailOn::Critical),
            ("info", FailOn::Info),
            ("nEVER", FailOn::Never),
        ] {
            let c = parse(&format!("fail_on = \"{v}\"")).expect(v);
            assert_eq!(c.fail_on, Some(want), "{v}");
        }
    }
}
