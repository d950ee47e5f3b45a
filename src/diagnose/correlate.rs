//! Correlation: for each spooled item, the chain in the client's log that explains it — the
//! SIP answer that said its recipient was offline (so the offline path started), the EWS
//! attempts and failures that followed, spooler retries — each link with the reason it was
//! made ([`Link`]). Items without recipients get the events near their write time, labelled
//! as a time window. Pure: the model in, evidence per item out, computed once for every view.

use crate::model::{EventKind, Evidence, Item, Link, LogEvent, Model};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

/// Default half-width of the window around the write time of an item without recipients
/// (and of the EWS part of a chain when no offline answer was found).
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// Default horizon of the walk back from an item's write time (`--lookback`).
pub const DEFAULT_LOOKBACK: Duration = Duration::from_secs(1800);

/// How long after the write time a chain still runs (the client's next attempt may be logged
/// just after it rewrote the file). Heuristic.
pub const AFTER_WRITE: Duration = Duration::from_secs(120);

/// Most related events listed per item.
pub const MAX_RELATED: usize = 16;

/// How far correlation looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    /// Window of an item without recipients (`--window`).
    pub window: Duration,
    /// Walk back at most this far for a chain (`--lookback`).
    pub lookback: Duration,
}

impl Default for Horizon {
    fn default() -> Self {
        Horizon {
            window: DEFAULT_WINDOW,
            lookback: DEFAULT_LOOKBACK,
        }
    }
}

fn dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero())
}

fn bare(a: &str) -> &str {
    let a = a.trim();
    a.get(..4)
        .filter(|p| p.eq_ignore_ascii_case("sip:"))
        .map_or(a, |_| &a[4..])
}

fn val<'a>(e: &'a LogEvent, k: &str) -> Option<&'a str> {
    e.values.get(k).map(String::as_str)
}

/// The status of a SIP answer that says the recipient is not reachable now: 480 (Temporarily
/// Unavailable), 408 (Request Timeout), 410 (Gone) — or, heuristic, any other 4xx/5xx whose
/// `ms-diagnostics` reason says "offline" (no list of offline diagnostic codes is published,
/// so codes alone are not trusted).
fn offline_status(e: &LogEvent) -> Option<&str> {
    if e.kind != EventKind::SipResponse {
        return None;
    }
    let s = val(e, "status")?;
    if matches!(s, "480" | "408" | "410") {
        return Some(s);
    }
    let says_offline =
        val(e, "ms_diagnostics").is_some_and(|d| d.to_ascii_lowercase().contains("offline"));
    (says_offline && (s.starts_with('4') || s.starts_with('5'))).then_some(s)
}

/// What an event of the offline path is, in words (`None`: not a kind that explains an item).
fn what(e: &LogEvent) -> Option<String> {
    match e.kind {
        EventKind::SipResponse => {
            let s = offline_status(e)?;
            Some(format!(
                "SIP {s} from {} (offline)",
                val(e, "to_address").unwrap_or("the recipient")
            ))
        }
        EventKind::EwsRequest => Some(format!(
            "EWS attempt{}",
            val(e, "operation")
                .map(|o| format!(" {o}"))
                .unwrap_or_default()
        )),
        EventKind::EwsFailure | EventKind::SoapFault => {
            let w = val(e, "status")
                .or(val(e, "code"))
                .or(val(e, "reason"))
                .unwrap_or("");
            Some(format!("EWS failure {w}").trim_end().to_string())
        }
        EventKind::SpoolerRetry => Some("spooler retry".into()),
        EventKind::Autodiscover => Some("Autodiscover".into()),
        _ => None,
    }
}

/// Rank for keeping the most telling events when there are too many.
fn rank(e: &LogEvent) -> u8 {
    match e.kind {
        EventKind::SipResponse => 0,
        EventKind::EwsFailure | EventKind::SoapFault => 1,
        EventKind::SpoolerRetry => 2,
        EventKind::EwsRequest => 3,
        _ => 4,
    }
}

fn utc(e: &LogEvent) -> Option<DateTime<Utc>> {
    e.time.map(|t| t.with_timezone(&Utc))
}

/// Does the event name `addr` (its recipient address, or in a mailbox URL)?
fn names(e: &LogEvent, addr: &str) -> bool {
    let a = addr.to_ascii_lowercase();
    val(e, "to_address").is_some_and(|t| bare(t).eq_ignore_ascii_case(addr))
        || val(e, "url").is_some_and(|u| u.to_ascii_lowercase().contains(&a))
        || e.excerpt.to_ascii_lowercase().contains(&a)
}

struct Chain<'m> {
    model: &'m Model,
    profile: &'m Option<String>,
    account: usize,
    found: BTreeMap<(&'m std::path::Path, u64), (Link, u8, Evidence)>,
}

impl<'m> Chain<'m> {
    fn mine(&self, e: &LogEvent) -> bool {
        match e.account {
            Some(a) => a == self.account,
            None => e.profile == *self.profile,
        }
    }

    /// Events of this account in `[lo, hi]`, in time order.
    fn span(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
    ) -> impl Iterator<Item = &'m LogEvent> + '_ {
        let ev = &self.model.events;
        let start = ev.partition_point(|e| utc(e).is_none_or(|t| t < lo));
        ev[start..]
            .iter()
            .take_while(move |e| utc(e).is_some_and(|t| t <= hi))
            .filter(move |e| self.mine(e))
    }

    fn add(&mut self, e: &'m LogEvent, link: Link, label: String) {
        let key = (e.path.as_path(), e.line);
        let ev = Evidence {
            path: e.path.clone(),
            line: Some(e.line),
            time: e.time,
            excerpt: Some(format!("{label}: {}", e.excerpt)),
            link: Some(link),
        };
        match self.found.get(&key) {
            Some((l, _, _)) if *l <= link => {}
            _ => {
                self.found.insert(key, (link, rank(e), ev));
            }
        }
    }

    fn into_list(self) -> Vec<Evidence> {
        let mut ev: Vec<(u8, Evidence)> =
            self.found.into_values().map(|(_, r, e)| (r, e)).collect();
        ev.sort_by(|(_, a), (_, b)| (a.time, &a.path, a.line).cmp(&(b.time, &b.path, b.line)));
        if ev.len() > MAX_RELATED {
            // Keep what explains most (offline answers, failures), then back in time order.
            ev.sort_by_key(|(r, e)| (*r, e.time));
            ev.truncate(MAX_RELATED);
            ev.sort_by(|(_, a), (_, b)| (a.time, &a.path, a.line).cmp(&(b.time, &b.path, b.line)));
        }
        ev.into_iter().map(|(_, e)| e).collect()
    }
}

/// The write times of the items of each (account, recipient), sorted: a chain never reaches
/// back past an earlier item to the same recipient.
fn earlier_items(model: &Model) -> HashMap<(usize, String), Vec<DateTime<Utc>>> {
    let mut m: HashMap<(usize, String), Vec<DateTime<Utc>>> = HashMap::new();
    for it in &model.items {
        let Some(t) = it.modified else { continue };
        for r in it.fields.recipients() {
            m.entry((it.account, bare(r).to_ascii_lowercase()))
                .or_default()
                .push(t);
        }
    }
    m.values_mut().for_each(|v| v.sort());
    m
}

/// Evidence per item path (items without any related event are absent).
pub fn correlate(model: &Model, horizon: Horizon) -> BTreeMap<PathBuf, Vec<Evidence>> {
    let mut out = BTreeMap::new();
    if model.events.is_empty() {
        return out;
    }
    let earlier = earlier_items(model);
    let (window, lookback, after) = (dur(horizon.window), dur(horizon.lookback), dur(AFTER_WRITE));
    for item in &model.items {
        let Some(t) = item.modified else { continue };
        let Some(acc) = model.accounts.get(item.account) else {
            continue;
        };
        let mut chain = Chain {
            model,
            profile: &acc.profile,
            account: item.account,
            found: BTreeMap::new(),
        };
        let recips: Vec<&str> = item.fields.recipients().map(|r| bare(r)).collect();
        if recips.is_empty() {
            window_only(&mut chain, t - window, t + window);
        } else {
            for r in recips {
                walk_back(&mut chain, item, r, &earlier, (t, lookback, window, after));
            }
        }
        let list = chain.into_list();
        if !list.is_empty() {
            out.insert(item.path.clone(), list);
        }
    }
    out
}

/// An item without recipients: what happened near its write time.
fn window_only(chain: &mut Chain<'_>, lo: DateTime<Utc>, hi: DateTime<Utc>) {
    let hits: Vec<(&LogEvent, String)> = chain
        .span(lo, hi)
        .filter_map(|e| what(e).map(|w| (e, w)))
        .collect();
    for (e, w) in hits {
        chain.add(e, Link::TimeWindow, w);
    }
}

/// One recipient's chain: the last offline answer for them before the write (never past an
/// earlier item to them, nor past the horizon), its SIP dialog, then the EWS attempts,
/// failures and retries from there to a little after the write.
fn walk_back<'m>(
    chain: &mut Chain<'m>,
    item: &Item,
    r: &str,
    earlier: &HashMap<(usize, String), Vec<DateTime<Utc>>>,
    (t, lookback, window, after): (
        DateTime<Utc>,
        chrono::Duration,
        chrono::Duration,
        chrono::Duration,
    ),
) {
    let mut lo = t - lookback;
    if let Some(prev) = earlier
        .get(&(item.account, r.to_ascii_lowercase()))
        // Sorted: a binary search, not a scan per item (many items to one recipient).
        .and_then(|v| v[..v.partition_point(|p| *p < t)].last())
    {
        lo = lo.max(*prev);
    }
    let answer = chain
        .span(lo, t)
        .filter(|e| offline_status(e).is_some() && names(e, r))
        .last();
    // The events a later one on their thread may be tied to (see `same_thread`).
    let mut tied: Vec<&LogEvent> = answer.into_iter().collect();
    let from = match answer {
        Some(a) => {
            if let Some(w) = what(a) {
                chain.add(a, Link::SameRecipient, w);
            }
            if let Some(id) = val(a, "call_id") {
                let dialog: Vec<&LogEvent> = chain
                    .span(lo, t + after)
                    .filter(|e| val(e, "call_id") == Some(id) && !std::ptr::eq(*e, a))
                    .collect();
                for e in dialog {
                    let w = what(e).unwrap_or_else(|| match val(e, "method") {
                        Some(m) => format!("SIP {m} (same dialog)"),
                        None => "SIP (same dialog)".into(),
                    });
                    chain.add(e, Link::SameCallId, w);
                    if thread_tied(e) {
                        tied.push(e);
                    }
                }
            }
            utc(a).unwrap_or(t)
        }
        // No offline answer: the offline path's start is unknown; the window stands in.
        None => lo.max(t - window),
    };
    let mut hits: Vec<(&LogEvent, String, Link)> = chain
        .span(from, t + after)
        .filter(|e| e.kind != EventKind::SipResponse)
        .filter_map(|e| {
            let w = what(e)?;
            let link = if names(e, r) {
                Link::SameRecipient
            } else {
                Link::TimeWindow
            };
            Some((e, w, link))
        })
        .collect();
    same_thread(&tied, &mut hits);
    for (e, w, link) in hits {
        chain.add(e, link, w);
    }
}

/// How long after a linked event a later one on its thread is still tied to it. Heuristic.
pub const SAME_THREAD: Duration = Duration::from_secs(5);

/// Kinds of the offline path that a thread can tie to a linked event.
fn thread_tied(e: &LogEvent) -> bool {
    matches!(
        e.kind,
        EventKind::EwsRequest
            | EventKind::EwsFailure
            | EventKind::SoapFault
            | EventKind::SpoolerRetry
    )
}

/// Upgrade to [`Link::SameThread`] the `hits` that only time ties but that were written by
/// the thread (in the same file) of an anchor — the offline answer, or an EWS event linked
/// by recipient or Call-ID — at most [`SAME_THREAD`] after it. Anchors are not chained
/// through thread links. One sort and a binary search per hit (no scan per pair).
fn same_thread<'m>(tied: &[&'m LogEvent], hits: &mut [(&'m LogEvent, String, Link)]) {
    let mut anchors: HashMap<(&std::path::Path, &str), Vec<DateTime<Utc>>> = HashMap::new();
    let linked = hits
        .iter()
        .filter(|(e, _, l)| *l != Link::TimeWindow && thread_tied(e))
        .map(|(e, _, _)| *e);
    for e in tied.iter().copied().chain(linked) {
        if let (Some(th), Some(t)) = (e.thread.as_deref(), utc(e)) {
            anchors.entry((e.path.as_path(), th)).or_default().push(t);
        }
    }
    if anchors.is_empty() {
        return;
    }
    anchors.values_mut().for_each(|v| v.sort());
    let within = dur(SAME_THREAD);
    for (e, _, link) in hits.iter_mut() {
        if *link != Link::TimeWindow || !thread_tied(e) {
            continue;
        }
        let (Some(th), Some(t)) = (e.thread.as_deref(), utc(e)) else {
            continue;
        };
        let Some(v) = anchors.get(&(e.path.as_path(), th)) else {
            continue;
        };
        // The latest anchor at or before `t`.
        if let Some(a) = v[..v.partition_point(|a| *a <= t)].last() {
            if t - *a <= within {
                *link = Link::SameThread;
            }
        }
    }
}

/// The root cause the chains of `items` share, in words ("all 5 items: EWS failure 401 after
/// the recipient was offline"), when every one has an offline answer for a recipient followed
/// by the same first EWS failure. `None` when any item lacks that chain or they differ.
pub fn shared_cause(related: &BTreeMap<PathBuf, Vec<Evidence>>, items: &[&Item]) -> Option<String> {
    let label = |e: &Evidence| {
        let x = e.excerpt.as_deref().unwrap_or("");
        x.split_once(": ").map_or(x, |(l, _)| l).to_string()
    };
    let cause = |it: &Item| -> Option<String> {
        let chain = related.get(&it.path)?;
        let off = chain
            .iter()
            .position(|e| e.link == Some(Link::SameRecipient) && label(e).ends_with("(offline)"))?;
        let fail = chain[off..]
            .iter()
            .find(|e| label(e).starts_with("EWS failure"))?;
        Some(format!("{} after the recipient was offline", label(fail)))
    };
    let first = cause(items.first()?)?;
    items[1..]
        .iter()
        .all(|it| cause(it).as_ref() == Some(&first))
        .then(|| match items.len() {
            1 => format!("the item: {first}"),
            n => format!("all {n} items: {first}"),
        })
}
