//! Correlation: for each spooled item, the log events near its write time that explain it —
//! the SIP 480 to its recipient (the recipient was offline, so the offline path started), the
//! EWS attempts and failures, spooler retries. Pure: the model in, evidence per item out.

use crate::model::{EventKind, Evidence, Item, LogEvent, Model};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Default half-width of the window around an item's write time.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// Most related events listed per item.
pub const MAX_RELATED: usize = 16;

/// Why an event is related, in words, or `None` when it is not the kind that explains an item.
fn label(e: &LogEvent, item: &Item) -> Option<String> {
    let v = |k: &str| e.values.get(k).map(String::as_str);
    match e.kind {
        EventKind::SipResponse if v("status") == Some("480") => {
            let to = v("to_address");
            let recips: Vec<&String> = item.fields.recipients().collect();
            // With known recipients, only a 480 to one of them counts.
            if !recips.is_empty() {
                let to = to?;
                if !recips.iter().any(|r| r.eq_ignore_ascii_case(to)) {
                    return None;
                }
            }
            Some(format!(
                "recipient offline (SIP 480{})",
                to.map(|t| format!(" for {t}")).unwrap_or_default()
            ))
        }
        EventKind::EwsRequest => Some(format!(
            "EWS attempt{}",
            v("operation").map(|o| format!(" {o}")).unwrap_or_default()
        )),
        EventKind::EwsFailure | EventKind::SoapFault => {
            let what = v("status").or(v("code")).or(v("reason")).unwrap_or("");
            Some(format!("EWS failure {what}").trim_end().to_string())
        }
        EventKind::SpoolerRetry => Some("spooler retry".into()),
        EventKind::Autodiscover => Some("Autodiscover".into()),
        _ => None,
    }
}

/// Evidence per item path (items without any related event are absent).
pub fn correlate(model: &Model, window: Duration) -> BTreeMap<PathBuf, Vec<Evidence>> {
    let mut out = BTreeMap::new();
    if model.events.is_empty() {
        return out;
    }
    let w = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::minutes(5));
    for item in &model.items {
        let Some(t) = item.modified else { continue };
        let Some(acc) = model.accounts.get(item.account) else {
            continue;
        };
        let (lo, hi) = (t - w, t + w);
        let mut ev: Vec<(u8, Evidence)> = Vec::new();
        // Events are in time order (no time first): start at the window.
        let start = model
            .events
            .partition_point(|e| e.time.is_none_or(|et| et.with_timezone(&chrono::Utc) < lo));
        for e in &model.events[start..] {
            let Some(et) = e.time else { continue };
            let et = et.with_timezone(&chrono::Utc);
            if et > hi {
                break;
            }
            let mine = match e.account {
                Some(a) => a == item.account,
                None => e.profile == acc.profile,
            };
            if !mine {
                continue;
            }
            if let Some(l) = label(e, item) {
                let rank = match e.kind {
                    EventKind::SipResponse => 0,
                    EventKind::EwsFailure | EventKind::SoapFault => 1,
                    EventKind::SpoolerRetry => 2,
                    EventKind::EwsRequest => 3,
                    _ => 4,
                };
                ev.push((
                    rank,
                    Evidence {
                        path: e.path.clone(),
                        line: Some(e.line),
                        time: e.time,
                        excerpt: Some(format!("{l}: {}", e.excerpt)),
                    },
                ));
            }
        }
        // One line, one piece of evidence (the most telling label).
        ev.sort_by(|(ra, a), (rb, b)| (&a.path, a.line, ra).cmp(&(&b.path, b.line, rb)));
        ev.dedup_by(|x, y| x.1.path == y.1.path && x.1.line == y.1.line);
        ev.sort_by_key(|(_, e)| e.time);
        if ev.len() > MAX_RELATED {
            // Keep what explains most (480s, failures), then put them back in time order.
            ev.sort_by_key(|(r, e)| (*r, e.time));
            ev.truncate(MAX_RELATED);
            ev.sort_by_key(|(_, e)| e.time);
        }
        if !ev.is_empty() {
            out.insert(item.path.clone(), ev.into_iter().map(|(_, e)| e).collect());
        }
    }
    out
}
