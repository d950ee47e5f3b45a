//! `w` and the raw view on paths that are not plain files: refused at once, as a status line,
//! never opened (a FIFO would block the view for good), never followed through a link.

use super::*;
use crate::report::ReportFormat;
use crate::source::output::Protected;
use crate::tui::export;
#[cfg(unix)]
use crate::tui::{open_raw, rawlog::RawView};
use std::fs;
use std::sync::mpsc;

/// Run `f` on another thread; fail (rather than hang) when it does not return in time.
fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .expect("blocked: it did not return")
}

#[cfg(unix)]
fn mkfifo(p: &std::path::Path) {
    let st = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .expect("mkfifo");
    assert!(st.success());
}

fn export_to(path: PathBuf) -> Result<PathBuf, String> {
    let scanned = tempfile::tempdir().expect("tmp");
    within(move || {
        let a = app();
        export::write(
            &a,
            &[scanned.path().to_path_buf()],
            &Protected::default(),
            &path,
            ReportFormat::Markdown,
        )
    })
}

#[test]
fn export_writes_a_regular_file_and_refuses_dash() {
    let d = tempfile::tempdir().expect("tmp");
    let out = d.path().join("case.md");
    fs::write(&out, "old").expect("write");
    let p = export_to(out.clone()).expect("written");
    assert_eq!(p, out);
    let text = fs::read_to_string(&out).expect("read");
    assert!(text.contains("jdoe@contoso.com"), "{text}");
    let left: Vec<_> = fs::read_dir(d.path()).expect("ls").flatten().collect();
    assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    let e = export_to(PathBuf::from("-")).expect_err("dash refused");
    assert!(e.contains("`-`"), "{e}");
}

#[cfg(unix)]
#[test]
fn export_refuses_a_fifo_a_link_and_a_device_without_opening_them() {
    let d = tempfile::tempdir().expect("tmp");
    let fifo = d.path().join("pipe");
    mkfifo(&fifo);
    let e = export_to(fifo.clone()).expect_err("fifo refused");
    assert!(e.contains("not a regular file"), "{e}");
    assert!(!fs::symlink_metadata(&fifo)
        .expect("md")
        .file_type()
        .is_file());
    let target = d.path().join("real.md");
    fs::write(&target, "keep").expect("write");
    let link = d.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).expect("link");
    let e = export_to(link.clone()).expect_err("link refused");
    assert!(e.contains("symbolic link"), "{e}");
    assert_eq!(fs::read_to_string(&target).expect("read"), "keep");
    assert!(fs::symlink_metadata(&link)
        .expect("md")
        .file_type()
        .is_symlink());
    let e = export_to(PathBuf::from("/dev/null")).expect_err("device refused");
    assert!(e.contains("not a regular file"), "{e}");
}

#[cfg(unix)]
#[test]
fn raw_view_refuses_a_link_and_a_fifo_as_a_status_line() {
    let d = tempfile::tempdir().expect("tmp");
    let outside = d.path().join("outside.txt");
    fs::write(&outside, "root:x:0:0:secret\n").expect("write");
    let log = d.path().join("Lync-UccApi-0.UccApilog");
    std::os::unix::fs::symlink(&outside, &log).expect("link");
    let mut a = app();
    open_raw(&mut a, &log, 1);
    assert!(a.log.raw.is_none(), "a link is not opened");
    let status = a.status.clone().expect("status");
    assert!(status.contains("symbolic link"), "{status}");
    assert!(!render(&a, 120, 40).contains("secret"));

    fs::remove_file(&log).expect("rm");
    mkfifo(&log);
    let fifo = log.clone();
    let e = within(move || {
        RawView::open(&fifo, 1)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .expect_err("fifo refused");
    assert!(e.contains("fifo"), "{e}");

    // Open on a real file, then the file is replaced by a FIFO while the view follows it.
    fs::remove_file(&log).expect("rm");
    fs::write(&log, "line one\nline two\n").expect("write");
    let mut raw = RawView::open(&log, 1).expect("open");
    assert_eq!(raw.len(), 2);
    fs::remove_file(&log).expect("rm");
    mkfifo(&log);
    let (raw, u) = within(move || {
        let u = raw.poll();
        raw.sync(10);
        (raw, u)
    });
    assert_eq!(u, crate::source::lineindex::Update::Unchanged);
    let err = raw.error.clone().expect("an error line");
    assert!(err.contains("fifo"), "{err}");
}
