#![no_main]
//! Incremental tailing (`source::tail::Tail`) of any bytes: the log is written to a file in
//! pieces, `Tail::read` after each append, and every read must equal a whole `parse_log` of
//! what is on disk then, less a last character the writer has not finished (kept events, tallies with their values and counts, per-kind counts,
//! records, lines, first and last times, notes and problems). Between appends the file may be
//! truncated or replaced (a new file renamed into place); the next read must start over and
//! still equal a whole read. A second tail on the same file is read at the same times with
//! `Tail::read_change` (only the kept events that changed), and a model that takes in each of
//! its reads must hold the whole read's events.
//!
//! Input: byte 0 picks the kind (UccApilog, text log, netsh text, tracerpt CSV, CLS); byte 1
//! gives the number of split points (0..=7), and that many bytes follow, each a split point as
//! a fraction of the log; then two bytes pick an action (bits 0-2: after which piece; bits 3-4:
//! 1 truncate, 2 replace, else none) and its size (a fraction of the file). The rest is the log.
use libfuzzer_sys::fuzz_target;
use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, ParseOptions};
use spoolscope::parse::logstream::{unfinished, LogEncoding};
use spoolscope::source::tail::{tails_kind, Kept, Tail, TailRead};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "common/mod.rs"]
mod common;

const KINDS: [SourceKind; 5] = [
    SourceKind::Uccapilog,
    SourceKind::TextLog,
    SourceKind::NetshText,
    SourceKind::TracerptCsv,
    SourceKind::Cls,
];

/// One folder for the whole run (the file in it is created afresh for every input).
fn dir() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().expect("tempdir"))
        .path()
}

/// `frac`/256 of `len`, below `len` when `len` > 0.
fn part(len: usize, frac: u8) -> usize {
    len * usize::from(frac) / 256
}

fn append(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open to append");
    f.write_all(bytes).expect("append");
}

struct Run<'a> {
    path: PathBuf,
    kind: SourceKind,
    tail: Tail,
    /// Read with `read_change`; `model` took in each of its reads.
    changes: Tail,
    model: spoolscope::model::Model,
    opts: ParseOptions<'a>,
}

impl Run<'_> {
    /// Read on, and check against a whole read of `disk` (what the file holds now).
    fn check(&mut self, disk: &[u8], what: &str) -> TailRead {
        let r = self
            .tail
            .read(&self.opts)
            .expect("a tail read of a regular file");
        // A last character the writer has not finished is left for the next read.
        let enc = LogEncoding::sniff(&disk[..disk.len().min(4096)]).0;
        let n = disk.len();
        let done = n - unfinished(enc, &disk[n.saturating_sub(4)..], n as u64);
        let w = parse_log(&disk[..done], self.kind, &self.path, &self.opts).expect("a slice reads");
        common::same(&r.out, &w, what);
        let c = self
            .changes
            .read_change(&self.opts)
            .expect("a tail read of a regular file");
        let lines = match c.kept {
            Kept::All => vec![],
            Kept::Lines(lines) => vec![(self.path.clone(), lines)],
        };
        let fresh = spoolscope::model::Model {
            events: c.out.events,
            ..Default::default()
        };
        spoolscope::model::update::replace_logs(
            &mut self.model,
            std::slice::from_ref(&self.path),
            &lines,
            fresh,
            |_| true,
            |p| p.to_string_lossy().into_owned(),
        );
        let mut want = w.events.clone();
        spoolscope::model::update::sort_events(&mut want);
        assert!(
            self.model.events == want,
            "a model fed the changes differs from a whole read: {what}"
        );
        r
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&k, rest)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(k) % KINDS.len()];
    assert!(tails_kind(kind));
    let Some((&n, rest)) = rest.split_first() else {
        return;
    };
    let n = usize::from(n % 8);
    let Some((splits, rest)) = (rest.len() >= n + 2).then(|| rest.split_at(n)) else {
        return;
    };
    let (action, param, log) = (rest[0], rest[1], &rest[2..]);
    let act_after = usize::from(action & 7);
    let act = (action >> 3) & 3;

    let mut at: Vec<usize> = splits.iter().map(|&b| part(log.len(), b)).collect();
    at.push(log.len());
    at.sort_unstable();
    at.dedup();

    let path = dir().join("fuzz.log");
    let _ = std::fs::remove_file(&path);
    let mut disk: Vec<u8> = log[..at[0]].to_vec();
    std::fs::write(&path, &disk).expect("write the first piece");
    let mut run = Run {
        tail: Tail::open(&path, kind).expect("open a tail"),
        changes: Tail::open(&path, kind).expect("open a tail"),
        model: Default::default(),
        path,
        kind,
        opts: ParseOptions::utc(common::markers()),
    };
    run.check(&disk, "first read");
    for (i, w) in at.windows(2).enumerate() {
        if i == act_after && act != 0 && act != 3 {
            let before = run.tail.whole_reads;
            let restarts = match act {
                1 => {
                    // Cut in place: a shorter file is read again from its start.
                    let len = part(disk.len(), param);
                    let shorter = len < disk.len();
                    disk.truncate(len);
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(&run.path)
                        .expect("open to cut")
                        .set_len(len as u64)
                        .expect("cut");
                    shorter
                }
                _ => {
                    // Replaced: another file (the old one's end) renamed into place.
                    disk = disk[part(disk.len(), param)..].to_vec();
                    let tmp = dir().join("incoming.tmp");
                    std::fs::write(&tmp, &disk).expect("write the new file");
                    std::fs::rename(&tmp, &run.path).expect("rename into place");
                    true
                }
            };
            let r = run.check(&disk, "after a cut or replacement");
            if restarts {
                assert_eq!(
                    r.from_line, 0,
                    "a cut or replaced file is read from its start"
                );
                assert_eq!(run.tail.whole_reads, before + 1, "one whole read");
            }
        }
        append(&run.path, &log[w[0]..w[1]]);
        disk.extend_from_slice(&log[w[0]..w[1]]);
        run.check(&disk, "after an append");
    }
});
