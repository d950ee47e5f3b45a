//! Per-file isolation: one bad file costs one error line and nothing else.
//!
//! [`per_file`] runs the read + sniff + parse of one file under `catch_unwind`. A panic inside
//! becomes a [`ScanError`] for that file (`internal error while reading <path>: <message>;
//! please report it`), and the panic hook installed here stays quiet for it: the default panic
//! text never reaches stderr (or a live terminal) for a panic that was caught. Any other panic
//! goes to the hook that was there before (the default one, or the live view's, which restores
//! the terminal first).
//!
//! Work that a per-file step hands to another thread (the UccApilog reader) carries the
//! quiet state over with [`Inherit`]; the panic is re-raised on the calling thread and caught
//! there.
//!
//! Builds with the `fault-injection` feature (which `cargo test` turns on, for the end-to-end
//! tests of the binary too) and unit tests have fault hooks: [`fault_point`] panics on a chosen
//! file, so the tests can prove the isolation on real trees, and [`ui_fault`] makes the live
//! view fail after its first frame. A plain `cargo build` (what ships) has neither.

use crate::model::ScanError;
use std::cell::{Cell, RefCell};
use std::path::Path;

thread_local! {
    /// How many [`per_file`] calls are running on this thread (a panic here will be caught).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Where the last caught panic on this thread happened (`file:line`).
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Longest panic message kept in an error line (characters).
const MAX_MESSAGE: usize = 200;

/// Whether a panic on this thread right now would be caught by [`per_file`].
pub fn quiet_here() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

/// Install (once) the hook that keeps caught per-file panics quiet. Safe to call often.
pub fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if quiet_here() {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = at);
                return;
            }
            prev(info);
        }));
    });
}

/// Marks the current thread as inside a per-file step while alive.
struct Depth;

impl Depth {
    fn enter() -> Depth {
        DEPTH.with(|d| d.set(d.get() + 1));
        Depth
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The quiet state of a thread, to carry into a thread it starts for the same file.
#[derive(Debug, Clone, Copy)]
pub struct Inherit(bool);

/// Keeps a helper thread quiet while alive (see [`Inherit::enter`]).
pub struct InheritGuard(Option<Depth>);

impl Inherit {
    /// The calling thread's state.
    pub fn current() -> Inherit {
        Inherit(quiet_here())
    }

    /// Take the state over on the helper thread (keep the guard for the thread's work).
    pub fn enter(self) -> InheritGuard {
        InheritGuard(self.0.then(Depth::enter))
    }
}

impl Drop for InheritGuard {
    fn drop(&mut self) {
        self.0.take();
    }
}

/// The text of a panic payload, made safe for one report line: control characters escaped,
/// quoted input (what a slicing panic shows of the string it sliced) elided, cut short.
pub fn describe_panic(payload: &(dyn std::any::Any + Send)) -> String {
    let raw = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-text payload".into());
    let mut out = String::with_capacity(raw.len().min(MAX_MESSAGE + 8));
    // Text between backticks is the input the panicking code looked at: private content.
    for (i, part) in raw.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("`…`");
        } else {
            out.push_str(part);
        }
    }
    let line = crate::sanitize::line(out.trim()).into_owned();
    if line.chars().count() > MAX_MESSAGE {
        let mut cut: String = line.chars().take(MAX_MESSAGE).collect();
        cut.push('…');
        cut
    } else {
        line
    }
}

/// The per-file error for a panic while reading `path`.
pub fn internal_error(path: &Path, what: &str) -> ScanError {
    ScanError::new(
        path,
        format!(
            "internal error while reading {}: {what}; please report it",
            crate::sanitize::line(&path.to_string_lossy())
        ),
    )
}

/// Run the read of one file; a panic inside becomes that file's error (and prints nothing).
pub fn per_file<T>(path: &Path, f: impl FnOnce() -> T) -> Result<T, ScanError> {
    install_hook();
    let r = {
        let _depth = Depth::enter();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
    };
    r.map_err(|payload| {
        let mut what = describe_panic(payload.as_ref());
        if let Some(at) = LOCATION.with(|l| l.borrow_mut().take()) {
            what.push_str(&format!(" (at {})", crate::sanitize::line(&at)));
        }
        internal_error(path, &what)
    })
}

/// Faults a test can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Panic inside the per-file read of the file (caught: one error line).
    PanicInRead,
    /// Panic in a scan's reader thread outside the per-file guard, before reading the file
    /// (the thread dies; the run must still account for its files).
    KillReader,
}

#[cfg(any(test, feature = "fault-injection"))]
mod faults {
    use super::Fault;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, OnceLock};

    static INJECTED: Mutex<Vec<(PathBuf, Fault)>> = Mutex::new(Vec::new());

    /// File names from `SPOOLSCOPE_TEST_PANIC_ON` (`|`-separated), read once.
    fn from_env() -> &'static [String] {
        static NAMES: OnceLock<Vec<String>> = OnceLock::new();
        NAMES.get_or_init(|| {
            std::env::var("SPOOLSCOPE_TEST_PANIC_ON")
                .map(|v| {
                    v.split('|')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    #[cfg(test)]
    pub fn inject(path: &Path, fault: Fault) {
        INJECTED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_path_buf(), fault));
    }

    pub fn hit(path: &Path, fault: Fault) -> bool {
        if fault == Fault::PanicInRead {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if from_env().iter().any(|n| *n == name) {
                return true;
            }
        }
        INJECTED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .any(|(p, f)| p == path && *f == fault)
    }
}

/// Test-only: make [`fault_point`] fail on `path` (for the rest of the process). Only in unit
/// tests; builds without `fault-injection` have no fault hook at all (with it, only the
/// environment one).
#[cfg(test)]
pub fn inject(path: &Path, fault: Fault) {
    faults::inject(path, fault);
}

/// A place a fault can be injected (unit tests and `fault-injection` builds: a file chosen with
/// [`inject`], or named in `SPOOLSCOPE_TEST_PANIC_ON` for [`Fault::PanicInRead`]). Does nothing
/// otherwise.
#[cfg(any(test, feature = "fault-injection"))]
pub fn fault_point(path: &Path, fault: Fault) {
    if faults::hit(path, fault) {
        panic!("injected test fault ({fault:?})");
    }
}

/// Builds without `fault-injection`: no fault hook.
#[cfg(not(any(test, feature = "fault-injection")))]
#[inline(always)]
pub fn fault_point(_path: &Path, _fault: Fault) {}

/// How the live view fails on purpose after its first frame (the test hook
/// `SPOOLSCOPE_TEST_UI_FAULT=panic|error|worker-panic`), to prove the terminal is restored either way.
/// (Without `fault-injection` nothing makes one.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(any(test, feature = "fault-injection")), allow(dead_code))]
pub enum UiFault {
    /// Panic inside the UI loop.
    Panic,
    /// Return an error from the UI loop.
    Error,
    /// Panic in the thread of the first scan (a worker, not the UI thread).
    WorkerPanic,
}

/// The live view's test fault, read from `SPOOLSCOPE_TEST_UI_FAULT` (`fault-injection` builds
/// and unit tests only).
#[cfg(any(test, feature = "fault-injection"))]
pub fn ui_fault() -> Option<UiFault> {
    match std::env::var("SPOOLSCOPE_TEST_UI_FAULT").as_deref() {
        Ok("panic") => Some(UiFault::Panic),
        Ok("error") => Some(UiFault::Error),
        Ok("worker-panic") => Some(UiFault::WorkerPanic),
        _ => None,
    }
}

/// Builds without `fault-injection`: the live view never fails on purpose.
#[cfg(not(any(test, feature = "fault-injection")))]
#[inline(always)]
pub fn ui_fault() -> Option<UiFault> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_one_line_naming_the_file() {
        let p = Path::new("/s/History Spooler/x\u{1b}.eml");
        let e = per_file(p, || -> u32 {
            let s = String::from("x=Aé");
            let n = s.find('é').unwrap_or(0) + 1;
            s.get(..n).map(str::len).unwrap_or_else(|| {
                panic!("byte index {n} is not a char boundary of `{s}`\nsecond line")
            }) as u32
        })
        .expect_err("panicked");
        assert_eq!(e.path, p);
        assert!(
            e.message.starts_with(
                "internal error while reading /s/History Spooler/x\\x1b.eml: byte index 4 is \
                 not a char boundary of `…`"
            ),
            "{}",
            e.message
        );
        assert!(e.message.contains("(at src/isolate.rs:"), "{}", e.message);
        assert!(e.message.ends_with("; please report it"));
        assert!(!e.message.contains('\n') && !e.message.contains("x=Aé"));
        assert_eq!(per_file(p, || 7), Ok(7));
        assert!(!quiet_here());
    }

    #[test]
    fn helper_threads_inherit_the_quiet_state() {
        let e = per_file(Path::new("/f"), || {
            let inherit = Inherit::current();
            assert!(inherit.0);
            let r = std::thread::scope(|s| {
                s.spawn(move || {
                    let _g = inherit.enter();
                    assert!(quiet_here());
                    panic!("helper failed");
                })
                .join()
            });
            if let Err(p) = r {
                std::panic::resume_unwind(p);
            }
        })
        .expect_err("re-raised");
        assert!(e.message.contains("helper failed"), "{}", e.message);
        assert!(!Inherit::current().0);
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(1000);
        let d = describe_panic(&long);
        assert_eq!(d.chars().count(), MAX_MESSAGE + 1);
    }

    #[test]
    fn injected_faults_hit_only_their_file() {
        let p = Path::new("/tmp/isolate-test/only-this");
        inject(p, Fault::PanicInRead);
        assert!(per_file(p, || fault_point(p, Fault::PanicInRead)).is_err());
        assert!(per_file(p, || fault_point(p, Fault::KillReader)).is_ok());
        let q = Path::new("/tmp/isolate-test/other");
        assert!(per_file(q, || fault_point(q, Fault::PanicInRead)).is_ok());
    }
}
