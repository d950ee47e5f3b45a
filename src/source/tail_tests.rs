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
