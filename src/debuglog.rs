//! `--debug-log FILE`: a timestamped log for support of what the scan, the parsers and the
//! watcher decided, with the messages notify and its debouncer report through the `log`
//! facade. Off by default (no logger is installed, so every `log::…!` call is a no-op); the
//! file is appended to, never placed inside a scanned folder, and every line is sanitised.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

struct FileLogger {
    out: Mutex<std::fs::File>,
    path: PathBuf,
}

/// The first write to the debug log that failed, as one line for [`failure`].
static FAILED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A failed write to the debug log during the run (a full disk, a removed share), once: the
/// run goes on without it, and the front end says so when it ends (not during the live view,
/// where a line on stderr would break the screen).
pub fn failure() -> Option<&'static str> {
    FAILED.get().map(String::as_str)
}

fn format_line(level: log::Level, target: &str, msg: &str) -> String {
    format!(
        "{} {:<5} {}: {}\n",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        level,
        target,
        crate::sanitize::line(msg)
    )
}

fn write_failed(path: &Path, e: &std::io::Error) -> String {
    format!(
        "--debug-log: {}: cannot write: {}",
        path.display(),
        crate::source::read::describe_io(e)
    )
}

impl log::Log for FileLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let msg = record.args().to_string();
        let line = format_line(record.level(), record.target(), &msg);
        // One write per line, so lines from several threads never interleave.
        if let Ok(mut f) = self.out.lock() {
            if let Err(e) = f.write_all(line.as_bytes()) {
                let _ = FAILED.set(write_failed(&self.path, &e));
            }
        }
    }

    fn flush(&self) {
        if let Ok(mut f) = self.out.lock() {
            let _ = f.flush();
        }
    }
}

/// Why `--debug-log FILE` cannot be started (each message starts with the flag).
#[derive(Debug, thiserror::Error)]
pub enum DebugLogError {
    /// The file is inside a scanned root, is an input (or its folder cannot be resolved).
    #[error("--debug-log: {0}")]
    Refused(#[from] crate::source::output::OutputError),
    /// The file cannot be opened for appending.
    #[error("--debug-log: {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    /// Another logger was installed first (only possible inside one process running twice).
    #[error("--debug-log: a logger is already installed")]
    LoggerInstalled,
}

/// Open `path` for appending (refused inside a scanned root or onto an input, as every output is) and send
/// every `log` record of this process to it from now on. Returns the file's absolute path.
pub fn start(
    path: &Path,
    roots: &[PathBuf],
    protected: &crate::source::output::Protected,
) -> Result<PathBuf, DebugLogError> {
    let target = crate::source::output::check(path, roots, protected)?;
    let open_err = |e: std::io::Error| DebugLogError::Open {
        reason: crate::source::read::describe_io(&e),
        path: target.clone(),
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&target)
        .map_err(open_err)?;
    // The first line is written here, so a file that takes no writes (a full disk, a device
    // like /dev/full) is an error before the run starts rather than an empty log afterwards.
    let first = format!(
        "spoolscope {} started: {:?}",
        crate::VERSION,
        std::env::args_os().collect::<Vec<_>>()
    );
    f.write_all(format_line(log::Level::Info, module_path!(), &first).as_bytes())
        .map_err(|e| DebugLogError::Open {
            reason: format!("cannot write: {}", crate::source::read::describe_io(&e)),
            path: target.clone(),
        })?;
    log::set_boxed_logger(Box::new(FileLogger {
        out: Mutex::new(f),
        path: target.clone(),
    }))
    .map_err(|_| DebugLogError::LoggerInstalled)?;
    log::set_max_level(log::LevelFilter::Trace);
    for r in roots {
        log::info!("scan root: {}", r.display());
    }
    Ok(target)
}
