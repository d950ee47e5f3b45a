//! Drafts saved and never sent, followed over every event of a log as it is read.
//!
//! The client saves an offline message into Drafts with an EWS `CreateItem` (`SaveOnly`) and
//! sends it with `SendItem`; a known failure mode leaves the saves unsent. The rule that looks
//! for it (`diagnose::mailbox`) once read only the events a log kept, and so only up to the
//! first event that might not have been kept: on a busy client's long log, the start. A
//! [`DraftLedger`] runs the same reading over every event in order (an [`crate::model::EventStore`]
//! feeds it each occurrence it counts, kept or not), with exact counts and a bounded number of
//! saves kept as evidence.
//!
//! The reading, per account, in order: a save waits; a `SendItem` takes the oldest waiting
//! save; a failure right after a save means no draft was left (the save is dropped); a failure
//! right after a `SendItem` means the save it took was not sent. Any other EWS request ends
//! that "right after". The unsent drafts are the saves whose send failed and those still
//! waiting at the end.

use super::{EventKind, LogEvent};
use std::collections::VecDeque;
use std::sync::Arc;

/// Saves kept as evidence at each end of a queue (and of the unsent list).
const KEEP: usize = 16;

/// Failed `SendItem`s that found no save waiting, remembered by place (see
/// [`DraftTally::unmatched_failed`]); past them such sends count as gone through.
const UNMATCHED_FAILED_KEPT: usize = 4096;

/// The value of `key` (ASCII case ignored).
pub fn val<'a>(e: &'a LogEvent, key: &str) -> Option<&'a str> {
    e.values
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// A failure as the drafts reading sees one: an EWS failure, a SOAP fault, an HTTP status of
/// 400 or more.
pub fn is_failure(e: &LogEvent) -> bool {
    match e.kind {
        EventKind::EwsFailure | EventKind::SoapFault => true,
        EventKind::HttpStatus => val(e, "status")
            .and_then(|s| s.trim().get(..3)?.parse::<u16>().ok())
            .is_some_and(|s| s >= 400),
        _ => false,
    }
}

/// An EWS request of operation `op`.
pub fn is_op(e: &LogEvent, op: &str) -> bool {
    e.kind == EventKind::EwsRequest
        && val(e, "operation").is_some_and(|o| o.eq_ignore_ascii_case(op))
}

/// The HTTP status of an answer as an occurrence counted without its values has it (the whole
/// `status` value as a number: what the store's unread occurrences carry).
fn status_of(e: &LogEvent) -> Option<u16> {
    e.values.get("status").and_then(|s| s.parse().ok())
}

/// An EWS `CreateItem` with `SaveOnly` into the drafts folder.
pub fn is_draft_save(e: &LogEvent) -> bool {
    is_op(e, "CreateItem")
        && val(e, "disposition").is_some_and(|d| d.eq_ignore_ascii_case("SaveOnly"))
        && val(e, "folder").is_some_and(|f| f.eq_ignore_ascii_case("drafts"))
}

/// Whether an EWS operation is one the drafts reading needs with its values (a parser must
/// read such requests whole, never only count them).
pub fn is_draft_operation(op: &str) -> bool {
    op.eq_ignore_ascii_case("CreateItem") || op.eq_ignore_ascii_case("SendItem")
}

/// A save taken off a queue: kept as evidence, or only counted.
enum Taken {
    Kept(Arc<LogEvent>),
    Counted,
}

/// Saves in order, the oldest and the newest [`KEEP`] kept, those between only counted.
#[derive(Debug, Clone, Default)]
struct Queue {
    front: VecDeque<Arc<LogEvent>>,
    middle: u64,
    back: VecDeque<Arc<LogEvent>>,
}

impl Queue {
    fn len(&self) -> u64 {
        (self.front.len() + self.back.len()) as u64 + self.middle
    }

    fn push_back(&mut self, e: Arc<LogEvent>) {
        self.back.push_back(e);
        if self.back.len() > KEEP {
            if let Some(old) = self.back.pop_front() {
                // Into the front only while nothing waits between: the order must hold.
                if self.middle == 0 && self.front.len() < KEEP {
                    self.front.push_back(old);
                } else {
                    self.middle += 1;
                }
            }
        }
    }

    fn pop_front(&mut self) -> Option<Taken> {
        if let Some(e) = self.front.pop_front() {
            return Some(Taken::Kept(e));
        }
        if self.middle > 0 {
            self.middle -= 1;
            return Some(Taken::Counted);
        }
        self.back.pop_front().map(Taken::Kept)
    }

    fn pop_back(&mut self) {
        if self.back.pop_back().is_some() {
            return;
        }
        if self.middle > 0 {
            self.middle -= 1;
            return;
        }
        self.front.pop_back();
    }
}

/// What the last event that matters was.
#[derive(Debug, Clone, Default)]
enum Last {
    #[default]
    Nothing,
    Save,
    /// A `SendItem`, and the save it took (`None`: a save only counted).
    Send(Option<Arc<LogEvent>>),
    /// A `SendItem` that found no save waiting: its place among those of the log.
    Unmatched(u64),
    Other,
}

/// One account's reading.
#[derive(Debug, Clone, Default)]
struct Reading {
    waiting: Queue,
    last: Last,
    saves: u64,
    /// Saves whose send failed: how many, and the first and last [`KEEP`] of them kept.
    failed: u64,
    failed_first: Vec<Arc<LogEvent>>,
    failed_last: VecDeque<Arc<LogEvent>>,
    /// `SendItem`s that found no save waiting, and the places of those among them that failed
    /// (a failure right after), the first [`UNMATCHED_FAILED_KEPT`].
    unmatched: u64,
    unmatched_failed: Vec<u64>,
    /// Whether a failure came before any EWS request (`None`: neither read yet).
    leads_with_failure: Option<bool>,
}

impl Reading {
    fn failed(&mut self, save: Option<Arc<LogEvent>>) {
        self.failed += 1;
        let Some(e) = save else { return };
        if self.failed_first.len() < KEEP {
            self.failed_first.push(e);
        } else {
            self.failed_last.push_back(e);
            if self.failed_last.len() > KEEP {
                self.failed_last.pop_front();
            }
        }
    }
}

/// The drafts reading of one log, per account (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct DraftLedger {
    accounts: Vec<(Option<usize>, Reading)>,
}

/// What a [`DraftLedger`] found for one account of one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftTally {
    pub account: Option<usize>,
    /// Drafts saved (`CreateItem` `SaveOnly` into drafts), a failed save excepted.
    pub saves: u64,
    /// Saves whose `SendItem` failed.
    pub failed: u64,
    /// Saves still waiting for a `SendItem` at the end of the log.
    pub waiting: u64,
    /// Some of the failed ones, in log order: the first and last few.
    pub failed_evidence: Vec<LogEvent>,
    /// Some of the waiting ones, oldest first: the first [`DraftTally::waiting_front`] are the
    /// oldest waiting, the rest the newest.
    pub waiting_evidence: Vec<LogEvent>,
    pub waiting_front: usize,
    /// `SendItem`s that found no save waiting in this log. Read after another log of the
    /// account, the first of them would have taken its waiting saves ([`DraftTally::after`]).
    pub unmatched: u64,
    /// The places (0-based, in order) among those of the ones that failed.
    pub unmatched_failed: Vec<u64>,
    /// A failure of the account comes before any of its EWS requests in the log: it answers
    /// what the previous log ended with.
    pub leads_with_failure: bool,
    /// What the log's reading ended with (what a failure at the start of the next log answers).
    pub ends_with: Ending,
}

/// What a log's drafts reading ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ending {
    /// A save.
    Save,
    /// A `SendItem` that took a save.
    Send,
    /// A `SendItem` that found no save waiting: its place among those of the log.
    Unmatched(u64),
    /// Anything else.
    #[default]
    Other,
    /// The log has no EWS request or failure of the account: what the previous log ended with
    /// holds on through it.
    Untouched,
}

impl DraftTally {
    /// Saves never sent: their send failed, or none came.
    pub fn unsent(&self) -> u64 {
        self.failed + self.waiting
    }

    /// This log read after an earlier log of the same account that ended with `pending` saves
    /// waiting: its first `SendItem`s that found none waiting here would have taken those
    /// (oldest first). Returns how many of them went through (saves of the earlier log sent
    /// after all), and how many of the earlier saves are still waiting after this log.
    pub fn after(&self, pending: u64) -> (u64, u64) {
        let takes = pending.min(self.unmatched);
        let failed = self.unmatched_failed.partition_point(|&i| i < takes) as u64;
        (takes - failed, pending - takes)
    }

    /// Whether the unmatched `SendItem` at place `i` failed (a failure right after it).
    pub fn unmatched_failed(&self, i: u64) -> bool {
        self.unmatched_failed.binary_search(&i).is_ok()
    }
}

impl DraftLedger {
    fn reading(&mut self, account: Option<usize>) -> &mut Reading {
        let i = match self.accounts.iter().position(|(a, _)| *a == account) {
            Some(i) => i,
            None => {
                self.accounts.push((account, Reading::default()));
                self.accounts.len() - 1
            }
        };
        &mut self.accounts[i].1
    }

    /// Read one event (every event of the log, in order).
    pub fn see(&mut self, e: &Arc<LogEvent>) {
        let relevant = matches!(
            e.kind,
            EventKind::EwsRequest
                | EventKind::EwsFailure
                | EventKind::SoapFault
                | EventKind::HttpStatus
        );
        if !relevant {
            return;
        }
        let r = self.reading(e.account);
        // A failure as an occurrence only counted would be one (its status read alike).
        let failure = match e.kind {
            EventKind::EwsFailure | EventKind::SoapFault => true,
            EventKind::HttpStatus => status_of(e).is_some_and(|s| s >= 400),
            _ => false,
        };
        if r.leads_with_failure.is_none() && (failure || e.kind == EventKind::EwsRequest) {
            r.leads_with_failure = Some(failure);
        }
        if is_draft_save(e) {
            r.saves += 1;
            r.waiting.push_back(Arc::clone(e));
            r.last = Last::Save;
        } else if is_op(e, "SendItem") {
            r.last = match r.waiting.pop_front() {
                Some(Taken::Kept(e)) => Last::Send(Some(e)),
                Some(Taken::Counted) => Last::Send(None),
                None => {
                    r.unmatched += 1;
                    Last::Unmatched(r.unmatched - 1)
                }
            };
        } else if e.kind == EventKind::EwsRequest {
            r.last = Last::Other;
        } else if failure {
            r.failure();
        }
    }

    /// Read one occurrence that was only counted (a routine one past its kind's cap): what is
    /// known of it is its kind and status. Such EWS requests are never a save or a send
    /// (parsers read those whole: [`is_draft_operation`]).
    pub fn see_counted(&mut self, account: Option<usize>, kind: EventKind, status: Option<u16>) {
        let failure = match kind {
            EventKind::EwsRequest => false,
            EventKind::EwsFailure | EventKind::SoapFault => true,
            EventKind::HttpStatus if status.is_some_and(|s| s >= 400) => true,
            _ => return,
        };
        let r = self.reading(account);
        if r.leads_with_failure.is_none() {
            r.leads_with_failure = Some(failure);
        }
        match failure {
            true => r.failure(),
            false => r.last = Last::Other,
        }
    }

    /// The unsent drafts so far, per account (every account with an event the reading looks at).
    pub fn tallies(&self) -> Vec<DraftTally> {
        let copy = |v: &mut dyn Iterator<Item = &Arc<LogEvent>>| -> Vec<LogEvent> {
            v.map(|e| LogEvent::clone(e)).collect()
        };
        let mut out: Vec<DraftTally> = self
            .accounts
            .iter()
            .map(|(a, r)| {
                let w = &r.waiting;
                DraftTally {
                    account: *a,
                    saves: r.saves,
                    failed: r.failed,
                    waiting: w.len(),
                    failed_evidence: copy(&mut r.failed_first.iter().chain(r.failed_last.iter())),
                    waiting_evidence: copy(&mut w.front.iter().chain(w.back.iter())),
                    waiting_front: w.front.len(),
                    unmatched: r.unmatched,
                    unmatched_failed: r.unmatched_failed.clone(),
                    leads_with_failure: r.leads_with_failure == Some(true),
                    ends_with: match r.last {
                        _ if r.leads_with_failure.is_none() => Ending::Untouched,
                        Last::Save => Ending::Save,
                        Last::Send(_) => Ending::Send,
                        Last::Unmatched(i) => Ending::Unmatched(i),
                        Last::Nothing | Last::Other => Ending::Other,
                    },
                }
            })
            .collect();
        out.sort_by_key(|t| t.account);
        out
    }
}

impl Reading {
    fn failure(&mut self) {
        match std::mem::take(&mut self.last) {
            // The CreateItem itself failed: no draft was left.
            Last::Save => {
                self.waiting.pop_back();
                self.saves -= 1;
            }
            Last::Send(save) => self.failed(save),
            Last::Unmatched(i) if self.unmatched_failed.len() < UNMATCHED_FAILED_KEPT => {
                self.unmatched_failed.push(i);
            }
            _ => {}
        }
    }
}
