//! One log's records classified on two threads, with the result of one.
//!
//! The reading thread splits records and does the sequential part of classifying
//! ([`Classifier::prepare`]: literal scan, per-thread context), then hands batches of records
//! to this thread, which classifies them ([`Classifier::extract`]) and puts the events in the
//! output. When this thread falls behind, the reading thread classifies a batch itself
//! ([`classify_prepared`]) and hands over the outcome instead, which this thread applies
//! ([`LogOutput::apply`]). Batches arrive in order, so the output is what one thread would
//! have made, whichever thread classified which batch (the property test
//! `parsed_alike_whoever_classifies` checks it). The routine cap is decided here; the reading
//! thread decides with a copy of the output's state that may be behind, which costs it work,
//! never a different count (see [`DropView`]).

use super::common::{classify_prepared, emit_with, Classified, DropView, LogOutput, ParseOptions};
use crate::parse::markers::{Classifier, Record};
use std::path::Path;
use std::sync::{mpsc, Arc, Mutex, PoisonError};

/// How a read is split: on one thread or two, which batches the reading thread classifies,
/// and when a batch of records is closed (by count or by bytes of record text, so memory stays
/// bounded whatever the records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub two_threads: bool,
    pub reader_classifies: Share,
    pub batch_records: usize,
    pub batch_bytes: usize,
}

/// Which batches the reading thread classifies itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// Those it would otherwise wait to hand over (the other thread is behind).
    WhenBehind,
    /// Every n-th batch (1: all of them; 0: none), whatever the timing: for tests.
    Every(u64),
}

/// Batches handed over and not yet taken.
const IN_FLIGHT: usize = 2;

impl Shape {
    /// Two threads when there are two cores or more.
    pub fn for_this_machine() -> Shape {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        Shape {
            two_threads: n >= 2,
            reader_classifies: Share::WhenBehind,
            batch_records: 256,
            batch_bytes: 4 << 20,
        }
    }
}

/// What the taker of a batch answers: go on (with a used batch to refill, if any), or stop.
pub enum Put {
    Go(Option<Vec<Record>>),
    Stop,
}

/// A batch handed over: to be classified here, or classified already (or the panic that
/// stopped the reading thread's classifying).
enum Batch {
    Records(Vec<Record>),
    Classified(Vec<Record>, std::thread::Result<Vec<Classified>>),
}

/// Read with `read` on a thread of its own (it gets a classifier to prepare records with and
/// the taker of its batches) while this thread classifies and puts events in `out`. A panic on
/// either thread is raised again here once both have stopped.
pub fn run<S: Send>(
    shape: Shape,
    path: &Path,
    opts: &ParseOptions<'_>,
    out: &mut LogOutput,
    read: impl FnOnce(&mut Classifier<'_>, &mut dyn FnMut(Vec<Record>) -> Put) -> std::io::Result<S>
        + Send,
) -> std::io::Result<S> {
    let (tx, rx) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
    let (back_tx, back_rx) = mpsc::channel::<Vec<Record>>();
    let shared = Arc::new(Mutex::new((0u64, DropView::default())));
    let quiet = crate::isolate::Inherit::current();
    let markers = opts.markers;
    let mut c = Classifier::new(markers);
    let (joined, panicked) = std::thread::scope(|s| {
        let reader_shared = shared.clone();
        let reader = s.spawn(move || {
            let _quiet = quiet.enter();
            let mut prep = Classifier::new(markers);
            let mut helper = Classifier::new(markers);
            let (mut hits, mut view, mut seen) = (Vec::new(), DropView::default(), 0u64);
            let mut seq = 0u64;
            read(&mut prep, &mut |batch| {
                let used = back_rx.try_recv().ok();
                let mine = match shape.reader_classifies {
                    Share::Every(n) => n > 0 && seq.is_multiple_of(n),
                    Share::WhenBehind => false,
                };
                seq += 1;
                let batch = match mine {
                    true => batch,
                    false => match tx.try_send(Batch::Records(batch)) {
                        Ok(()) => return Put::Go(used),
                        Err(mpsc::TrySendError::Full(Batch::Records(b))) => b,
                        // (Only ever `Records` was sent; the other end is gone.)
                        Err(_) => return Put::Stop,
                    },
                };
                // The other thread is behind (or the test says so): classify here.
                {
                    let g = reader_shared.lock().unwrap_or_else(PoisonError::into_inner);
                    if g.0 != seen {
                        seen = g.0;
                        view.clone_from(&g.1);
                    }
                }
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut items = Vec::new();
                    for rec in &batch {
                        classify_prepared(
                            &mut helper,
                            rec,
                            &view,
                            &mut hits,
                            path,
                            opts,
                            &mut items,
                        );
                    }
                    items
                }));
                let failed = r.is_err();
                // The other end goes away only by panicking: stop reading then.
                match tx.send(Batch::Classified(batch, r)) {
                    Ok(()) if !failed => Put::Go(used),
                    _ => Put::Stop,
                }
            })
        });
        let mut hits = Vec::new();
        let mut stamp = out.drop_stamp(&c.count_only);
        let mut generation = 0u64;
        let mut panicked = None;
        // Owned by this loop: if classifying here panics, the receiver is dropped on unwind,
        // so the reader's next hand-over fails and it stops instead of blocking for ever.
        for b in rx {
            let batch = match b {
                Batch::Records(batch) => {
                    for rec in &batch {
                        emit_with(&mut c, rec, &mut hits, path, opts, out, true);
                    }
                    batch
                }
                Batch::Classified(batch, Ok(items)) => {
                    out.apply(items, &mut c.count_only, opts.profile.as_ref());
                    batch
                }
                Batch::Classified(_, Err(p)) => {
                    panicked = Some(p);
                    break;
                }
            };
            let now = out.drop_stamp(&c.count_only);
            if now != stamp {
                stamp = now;
                generation += 1;
                let view = out.drop_view(&c.count_only);
                *shared.lock().unwrap_or_else(PoisonError::into_inner) = (generation, view);
            }
            let _ = back_tx.send(batch);
        }
        drop(back_tx);
        (reader.join(), panicked)
    });
    if let Some(p) = panicked {
        std::panic::resume_unwind(p);
    }
    match joined {
        Ok(r) => r,
        Err(p) => std::panic::resume_unwind(p),
    }
}
