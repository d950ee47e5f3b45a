//! When the results of the rules can next change on their own: the moments the clock reaches
//! where an item's state or a finding differs although the model did not change. `watch` and
//! the live view judge the model again at those moments instead of on every tick.

use super::{AHEAD_TOLERANCE_MINUTES, CRITICAL_AGE_SECS};
use crate::model::{Clock, Item, ItemState, Model, FUTURE_TOLERANCE_SECS};
use chrono::{DateTime, TimeDelta, Utc};

/// The most time `watch` and the live view let pass without judging the model again when
/// nothing changed and [`next_change`] names no earlier moment. A safety net, not a known
/// boundary: a rule that comes to depend on the clock in a way `next_change` does not know of is
/// still judged this often (its results then come up to this much late).
pub const JUDGE_AT_LEAST_EVERY: TimeDelta = TimeDelta::seconds(30);

/// When to judge an unchanged `model` again after judging it at `clock.now`: the earlier of
/// [`next_change`] and [`JUDGE_AT_LEAST_EVERY`] from now.
pub fn judge_again_at(model: &Model, clock: Clock) -> Option<DateTime<Utc>> {
    let net = clock.now.checked_add_signed(JUDGE_AT_LEAST_EVERY);
    match (next_change(model, clock), net) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The earliest moment after `clock.now` at which the item states or the findings of an
/// unchanged `model` can differ from those at `clock.now`; `None` when none of them depends on
/// the clock any more. The moments are those where the rules read the clock:
/// - an item's state: a future date coming within the tolerance (`clock-skew` ends), a
///   pending item crossing the stuck timer (`item-stuck`, `spool-stuck` and the rules that
///   count stuck items);
/// - the oldest stuck item crossing the age that makes `spool-stuck` critical;
/// - an embedded send time becoming older than the timer (`spool-times-disagree`);
/// - a log's last record coming within the tolerance of now (`log-clock-ahead` resolves).
///
/// A moment may come early (an extra judging that finds nothing new), never late.
pub fn next_change(model: &Model, clock: Clock) -> Option<DateTime<Utc>> {
    let now = clock.now;
    let ns = TimeDelta::nanoseconds(1);
    let limit = TimeDelta::from_std(clock.stuck_after).ok();
    // Stuck once `age_secs` (whole seconds, rounded down) is over the timer's whole seconds.
    let stuck_at = i64::try_from(clock.stuck_after.as_secs())
        .ok()
        .and_then(|s| s.checked_add(1))
        .and_then(TimeDelta::try_seconds);
    let mut next: Option<DateTime<Utc>> = None;
    let mut at = |t: Option<DateTime<Utc>>| {
        if let Some(t) = t.filter(|t| *t > now) {
            next = Some(next.map_or(t, |n| n.min(t)));
        }
    };
    for it in &model.items {
        let Some(m) = it.modified else { continue };
        match it.state(clock) {
            ItemState::ClockSkew => {
                // Skewed while `age_secs` < −tolerance, that is while now − m is at most
                // −(tolerance + 1 ms) in whole milliseconds (rounded toward zero): pending
                // from 1 ns after that. Never before now + 1 ns: the item is skewed now.
                let end = TimeDelta::try_milliseconds(-(FUTURE_TOLERANCE_SECS * 1000 + 1))
                    .and_then(|d| m.checked_add_signed(d))
                    .and_then(|t| t.checked_add_signed(ns));
                at(end.map(|t| t.max(now + ns)));
                at(sent_boundary(it, limit));
            }
            ItemState::Pending => {
                at(stuck_at.and_then(|d| m.checked_add_signed(d)));
                at(sent_boundary(it, limit));
            }
            ItemState::Stuck => {
                at(TimeDelta::try_seconds(CRITICAL_AGE_SECS + 1)
                    .and_then(|d| m.checked_add_signed(d)));
            }
            ItemState::Ignored | ItemState::Unknown => {}
        }
    }
    for log in model.sources.iter().filter_map(|s| s.log.as_ref()) {
        if let Some(last) = log.last {
            at(TimeDelta::try_minutes(AHEAD_TOLERANCE_MINUTES)
                .and_then(|d| last.with_timezone(&Utc).checked_sub_signed(d)));
        }
    }
    next
}

/// When an item's embedded send time becomes older than the timer (`limit`): from then on
/// `Item::sent_long_before_file_time` can name it (the first instant where now − sent >
/// limit). Only for a send time more than `limit` before the file time: that method names no
/// other (its margin is at least the timer), so an ordinary item adds no moment.
fn sent_boundary(it: &Item, limit: Option<TimeDelta>) -> Option<DateTime<Utc>> {
    let limit = limit?;
    let sent = DateTime::parse_from_rfc3339(it.fields.sent.as_deref()?)
        .ok()?
        .with_timezone(&Utc);
    if it.modified? - sent <= limit {
        return None;
    }
    sent.checked_add_signed(limit)?
        .checked_add_signed(TimeDelta::nanoseconds(1))
}
