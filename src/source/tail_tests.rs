//! Unit tests of `source::tail` (checkpoint spacing).
use super::*;

/// Checkpoints saved over record starts every `step` bytes up to `end` (and past it, when the
/// estimate of the end was short by `over`): how many, and how far the last is from the end.
fn saves(step: u64, end: u64, over: u64) -> (u32, u64) {
    let (mut at, mut n) = (None, 0);
    let last = end + over;
    let mut b = end.saturating_sub(WINDOW);
    while b < last {
        if checkpoint_due(at, b, end) {
            at = Some(b);
            n += 1;
        }
        b += step;
    }
    (n, last - at.unwrap_or(0))
}

#[test]
fn checkpoints_are_few_and_the_last_is_near_the_end() {
    // 200-byte records over the last 256 KiB: ~1300 record starts.
    let (n, gap) = saves(200, 50 << 20, 0);
    assert!(n <= 20, "{n} checkpoints (a store clone each)");
    assert!(
        gap <= 3 * 200,
        "the last checkpoint is {gap} bytes from the end"
    );
    // A small log: a checkpoint at its last records, so the next read decodes little.
    let (n, gap) = saves(100, 2_400, 0);
    assert!(n <= 12, "{n}");
    assert!(gap <= CK_MIN_STEP + 100, "{gap}");
    // Text longer than the estimate (UTF-16 decoding to more bytes): still logarithmic.
    let (n, _) = saves(200, 50 << 20, 25 << 20);
    assert!(n <= 40, "{n} checkpoints past the estimate");
}

/// A UccApilog record: an EWS 401 (an `ews-401` and an `http-status` event) at `hms`.
fn failure(hms: &str, n: u32) -> String {
    format!("03/02/2026|{hms}.300 1F68:C10 ERROR :: EWS response HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx id={n}\n")
}

fn append(p: &Path, s: &str) {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(p)
        .and_then(|mut f| f.write_all(s.as_bytes()))
        .expect("append");
}

/// The lines of the fresh events a read gave.
fn fresh_lines(r: &TailRead) -> Vec<u64> {
    let mut l: Vec<u64> = r
        .out
        .fresh
        .as_ref()
        .map(|f| f.events.iter().map(|e| e.line).collect())
        .unwrap_or_default();
    l.dedup();
    l
}

/// A log rotated or truncated and written again between two reads: the new file's records
/// are new, even at the line numbers (and with the markers) the old file had (the tail kept
/// what it had seen across the restart and dropped them).
#[test]
fn a_rewritten_log_gives_its_records_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("Lync-UccApi-0.UccApilog");
    std::fs::write(&p, failure("13:00:00", 0)).expect("write");
    let m = crate::parse::markers::Markers::builtin().expect("markers");
    let opts = ParseOptions::utc(&m);
    let mut t = Tail::open(&p, SourceKind::Uccapilog).expect("open");
    t.read(&opts).expect("first read");
    append(&p, &failure("13:01:00", 1));
    assert_eq!(fresh_lines(&t.read_change(&opts).expect("read")), [2]);
    // Rotation: another file at the path.
    std::fs::rename(&p, dir.path().join("old.bak")).expect("rename");
    std::fs::write(&p, failure("14:00:00", 2) + &failure("14:01:00", 3)).expect("write");
    assert_eq!(fresh_lines(&t.read_change(&opts).expect("read")), [1, 2]);
    append(&p, &failure("14:02:00", 4));
    assert_eq!(fresh_lines(&t.read_change(&opts).expect("read")), [3]);
    // copytruncate: the same file emptied and written again at once, longer than before.
    let again: String = (0..4)
        .map(|i| failure(&format!("15:0{i}:00"), 5 + i))
        .collect();
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&p)
        .and_then(|mut f| std::io::Write::write_all(&mut f, again.as_bytes()))
        .expect("rewrite");
    assert_eq!(
        fresh_lines(&t.read_change(&opts).expect("read")),
        [1, 2, 3, 4]
    );
    // And read on from there as before: nothing again.
    append(&p, &failure("15:05:00", 9));
    assert_eq!(fresh_lines(&t.read_change(&opts).expect("read")), [5]);
}

/// One read of more failure records than are copied: the records past the bound are counted
/// once each, and none of them (nor any copied) comes out again from the next read, which
/// goes over the last ones again from its checkpoint.
#[test]
fn records_past_the_copy_bound_do_not_come_out_on_the_next_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("Lync-UccApi-0.UccApilog");
    std::fs::write(&p, failure("09:00:00", 0)).expect("write");
    let m = crate::parse::markers::Markers::builtin().expect("markers");
    let opts = ParseOptions::utc(&m);
    let mut t = Tail::open(&p, SourceKind::Uccapilog).expect("open");
    t.read(&opts).expect("first read");
    let n = crate::parse::logs::FRESH_CAP as u32 + 300;
    let big: String = (1..=n)
        .map(|i| failure(&format!("10:{:02}:{:02}", i / 60 % 60, i % 60), i))
        .collect();
    append(&p, &big);
    let r = t.read_change(&opts).expect("read");
    let copied = fresh_lines(&r);
    let over = r.out.fresh.as_ref().and_then(|f| f.over).expect("over");
    assert_eq!(copied.len() as u64 + over.records, u64::from(n), "{over:?}");
    assert_eq!(over.last, u64::from(n) + 1);
    append(&p, &failure("11:00:00", n + 1));
    let r = t.read_change(&opts).expect("read");
    assert_eq!(fresh_lines(&r), [u64::from(n) + 2]);
    assert!(r.out.fresh.as_ref().is_some_and(|f| f.over.is_none()));
}

/// An HTTP failure status after more routine statuses than are kept (1 000 per kind) is a
/// new event of the read, as any failure is (it was only counted).
#[test]
fn an_http_failure_after_many_routine_statuses_is_fresh() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("Lync-UccApi-0.UccApilog");
    let ok: String = (0..1200)
        .map(|i| {
            format!(
                "03/02/2026|13:{:02}:{:02}.000 1F68:C10 INFO  :: Web ticket response HTTP/1.1 200 OK\n",
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    std::fs::write(&p, ok).expect("write");
    let m = crate::parse::markers::Markers::builtin().expect("markers");
    let opts = ParseOptions::utc(&m);
    let mut t = Tail::open(&p, SourceKind::Uccapilog).expect("open");
    t.read(&opts).expect("first read");
    append(
        &p,
        "03/02/2026|14:00:00.000 1F68:C10 ERROR :: Web ticket response HTTP/1.1 503 Service Unavailable\n",
    );
    let r = t.read_change(&opts).expect("read");
    assert_eq!(fresh_lines(&r), [1201]);
}
