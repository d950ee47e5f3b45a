//! NDJSON for `watch --format ndjson`: one JSON object per line, each with a `type`. Lines are
//! derived by diffing two snapshots of the pipeline's output, so the headless watcher, its tests
//! and the fleet merger share one definition of what changed.

use super::json::{rfc3339, JsonItem};
use crate::model::{Clock, Finding, ItemState, LogEvent, Model, ScanError, Severity};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
#[cfg(test)]
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Who produced the lines, so streams from many machines can be mixed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Origin {
    pub host: Option<String>,
    pub user: Option<String>,
}

/// The `type` of a line (serialised as the kebab-case names in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineType {
    ScanStarted,
    Heartbeat,
    ItemAdded,
    ItemRemoved,
    ItemStuck,
    ItemChanged,
    FindingOpened,
    FindingResolved,
    Error,
    LogEvent,
}

impl LineType {
    pub const ALL: [LineType; 10] = [
        LineType::ScanStarted,
        LineType::Heartbeat,
        LineType::ItemAdded,
        LineType::ItemRemoved,
        LineType::ItemStuck,
        LineType::ItemChanged,
        LineType::FindingOpened,
        LineType::FindingResolved,
        LineType::Error,
        LineType::LogEvent,
    ];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            LineType::ScanStarted => "scan-started",
            LineType::Heartbeat => "heartbeat",
            LineType::ItemAdded => "item-added",
            LineType::ItemRemoved => "item-removed",
            LineType::ItemStuck => "item-stuck",
            LineType::ItemChanged => "item-changed",
            LineType::FindingOpened => "finding-opened",
            LineType::FindingResolved => "finding-resolved",
            LineType::Error => "error",
            LineType::LogEvent => "log-event",
        }
    }

    /// The type a wire name stands for (`None` for a name this version does not write).
    pub fn from_name(s: &str) -> Option<LineType> {
        LineType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One line.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    #[serde(rename = "type")]
    pub kind: LineType,
    pub time: String,
    pub host: Option<String>,
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// As the report's `items[]` writes it, keys in the same order.
    pub item: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<LogEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ScanError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Line {
    pub fn new(kind: LineType, time: DateTime<Utc>, origin: &Origin) -> Line {
        Line {
            kind,
            time: rfc3339(time),
            host: origin.host.clone(),
            user: origin.user.clone(),
            profile: None,
            account: None,
            item: None,
            finding: None,
            event: None,
            error: None,
            message: None,
        }
    }

    /// The line as compact, terminal-safe JSON (no newline).
    pub fn to_json(&self) -> String {
        let s = serde_json::to_string(self).unwrap_or_else(|e| {
            format!("{{\"type\":\"error\",\"message\":\"cannot serialise a line: {e}\"}}")
        });
        super::json::terminal_safe(&s).into_owned()
    }
}

type FindingId = (
    String,
    Option<String>,
    Option<String>,
    Option<PathBuf>,
    Severity,
);

/// An item as a snapshot holds it: its state, its JSON (as the report writes it), profile,
/// account address, and its file's (modified time, size): a file
/// rewritten in place changes these, and its state may go back (`item-changed`).
type SnapItem = (
    ItemState,
    Box<RawValue>,
    Option<String>,
    String,
    (Option<DateTime<Utc>>, u64),
);

/// What the lines are computed from: items by path, open findings, errors seen, events seen.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    items: BTreeMap<PathBuf, SnapItem>,
    /// Open findings by (rule, account, profile, account folder, severity).
    findings: BTreeMap<FindingId, Finding>,
    errors: BTreeSet<ScanError>,
    /// (file, line, marker) of every event: a record whose rest arrived later (the writer cut
    /// it in two) and gave a new marker is new, the markers already seen on it are not.
    events: BTreeSet<(PathBuf, u64, String)>,
}

impl Snapshot {
    /// Capture the model as seen at `clock`. Log events below `min_level` are ignored.
    pub fn take(model: &Model, findings: &[Finding], clock: Clock, show_content: bool) -> Snapshot {
        let mut s = Snapshot::default();
        for it in &model.items {
            let acc = &model.accounts[it.account];
            let state = it.state(clock);
            let j = JsonItem::of(it, acc, clock, show_content).with_related(
                model
                    .related
                    .get(&it.path)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            );
            // Written as the report writes it (a `Value` would sort its keys).
            // (`null` should it fail, as before.)
            let v = serde_json::value::to_raw_value(&j).unwrap_or_default();
            s.items.insert(
                it.path.clone(),
                (
                    state,
                    v,
                    acc.profile.clone(),
                    acc.address.clone(),
                    (it.modified, it.size),
                ),
            );
        }
        for f in findings {
            s.findings.insert(
                (
                    f.rule.clone(),
                    f.account.clone(),
                    f.profile.clone(),
                    f.account_dir.clone(),
                    f.severity,
                ),
                f.clone(),
            );
        }
        s.errors.extend(model.errors.iter().cloned());
        s.events.extend(
            model
                .events
                .iter()
                .map(|e| (e.path.clone(), e.line, e.marker.clone())),
        );
        s
    }
}

/// Event kinds worth a `log-event` line: failures and policy, not every SIP packet.
pub fn notable(e: &LogEvent) -> bool {
    e.notable()
}

/// The lines that take `prev` to `next`, in a stable order: removals, additions and files
/// rewritten, stuck transitions, resolved findings, opened findings, errors, log events.
///
/// `fresh`: the notable events tail reads classified for the first time since `prev` (see
/// `source::tail::Tail::read_change`), each a `log-event` line whether the bounded store kept
/// it or not; the events `next` keeps and `prev` did not give the others (logs read whole, a
/// rescan, the first scan).
pub fn diff(
    prev: &Snapshot,
    next: &Snapshot,
    model: &Model,
    fresh: &[LogEvent],
    time: DateTime<Utc>,
    origin: &Origin,
) -> Vec<Line> {
    let mut out = diff_state(prev, next, time, origin);
    out.extend(log_lines(
        prev,
        next,
        model,
        fresh.to_vec(),
        &[],
        time,
        origin,
    ));
    out
}

/// [`diff`] without the `log-event` lines ([`log_lines`]).
pub fn diff_state(
    prev: &Snapshot,
    next: &Snapshot,
    time: DateTime<Utc>,
    origin: &Origin,
) -> Vec<Line> {
    let mut out = Vec::new();
    let item_line = |kind: LineType, v: &SnapItem| {
        let mut l = Line::new(kind, time, origin);
        l.profile = v.2.clone();
        l.account = Some(v.3.clone());
        l.item = Some(v.1.clone());
        l
    };
    for (p, v) in &prev.items {
        if !next.items.contains_key(p) {
            out.push(item_line(LineType::ItemRemoved, v));
        }
    }
    for (p, v) in &next.items {
        let before = prev.items.get(p);
        match before {
            None => out.push(item_line(LineType::ItemAdded, v)),
            // Rewritten in place (the client saved it again): its new time and state, so a
            // stuck item that went back to pending does not stay stuck for a reader.
            Some(b) if b.4 != v.4 => out.push(item_line(LineType::ItemChanged, v)),
            Some(_) => {}
        }
        if v.0 == ItemState::Stuck && before.is_none_or(|b| b.0 != ItemState::Stuck) {
            out.push(item_line(LineType::ItemStuck, v));
        }
    }
    let finding_line = |kind: LineType, f: &Finding| {
        let mut l = Line::new(kind, time, origin);
        l.profile = f.profile.clone();
        l.account = f.account.clone();
        l.finding = Some(f.clone());
        l
    };
    for (k, f) in &prev.findings {
        if !next.findings.contains_key(k) {
            out.push(finding_line(LineType::FindingResolved, f));
        }
    }
    for (k, f) in &next.findings {
        if !prev.findings.contains_key(k) {
            out.push(finding_line(LineType::FindingOpened, f));
        }
    }
    for e in next.errors.difference(&prev.errors) {
        let mut l = Line::new(LineType::Error, time, origin);
        l.error = Some(e.clone());
        out.push(l);
    }
    out
}

/// The `log-event` lines from `prev` to `next` (see [`diff`]): `fresh` is moved into them (a
/// large append's copies are not copied again). Then, for each read that classified more
/// records than were copied (`over`), an `error` line with the number of those records that
/// got no line here.
pub fn log_lines(
    prev: &Snapshot,
    next: &Snapshot,
    model: &Model,
    mut fresh: Vec<LogEvent>,
    over: &[(PathBuf, crate::parse::logs::Over)],
    time: DateTime<Utc>,
    origin: &Origin,
) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    // One line per log record and snapshot, even when several markers classified it; a
    // record's line again only for a marker not seen on it before. In model order (a record's
    // fresh events before its kept ones, in the order they were classified).
    let mut kept_new: Vec<&LogEvent> = model
        .events
        .iter()
        .filter(|ev| {
            let key = (ev.path.clone(), ev.line, ev.marker.clone());
            notable(ev) && next.events.contains(&key) && !prev.events.contains(&key)
        })
        .collect();
    kept_new.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    fresh.retain(notable);
    fresh.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut kept = kept_new.into_iter().peekable();
    let mut fresh = fresh.into_iter().peekable();
    // Events of one record share its time, path and line: they come one after another.
    let mut last: Option<(Option<chrono::DateTime<chrono::FixedOffset>>, PathBuf, u64)> = None;
    let mut seen_kept: Vec<(PathBuf, u64)> = Vec::new();
    loop {
        let take_fresh = match (fresh.peek(), kept.peek()) {
            (Some(f), Some(k)) => f.order_key() <= k.order_key(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let (ev, from_kept) = match take_fresh {
            true => (fresh.next().expect("peeked"), false),
            false => ((*kept.next().expect("peeked")).clone(), true),
        };
        if last
            .as_ref()
            .is_some_and(|(t, p, n)| *t == ev.time && *p == ev.path && *n == ev.line)
        {
            continue;
        }
        last = Some((ev.time, ev.path.clone(), ev.line));
        if from_kept
            && over
                .iter()
                .any(|(p, o)| *p == ev.path && (o.first..=o.last).contains(&ev.line))
        {
            seen_kept.push((ev.path.clone(), ev.line));
        }
        let mut l = Line::new(LineType::LogEvent, time, origin);
        l.profile = ev.profile.clone();
        l.account = ev
            .account
            .and_then(|i| model.accounts.get(i))
            .map(|a| a.address.clone());
        l.event = Some(ev);
        out.push(l);
    }
    let mut errors = Vec::new();
    for (path, o) in over {
        let covered = seen_kept
            .iter()
            .filter(|(p, n)| p == path && (o.first..=o.last).contains(n))
            .count() as u64;
        let n = o.records.saturating_sub(covered);
        if n == 0 {
            continue;
        }
        let mut l = Line::new(LineType::Error, time, origin);
        l.error = Some(ScanError::new(
            path,
            format!(
                "{n} more failure or policy record{} read at once than watch copies ({} records \
                 or {} MiB): {} no log-event line (report counts them)",
                if n == 1 { "" } else { "s" },
                crate::parse::logs::FRESH_CAP,
                crate::parse::logs::FRESH_BYTES >> 20,
                if n == 1 { "it has" } else { "they have" },
            ),
        ));
        errors.push(l);
    }
    errors.extend(out);
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, ClientGen, Format, Item};
    use chrono::TimeZone;
    use std::time::Duration;

    fn model(ages: &[(&str, i64)], now: DateTime<Utc>) -> Model {
        let mut m = Model::default();
        m.accounts.push(Account {
            address: "a@contoso.com".into(),
            client: ClientGen::Office16,
            profile: Some("a".into()),
            dir: "/s".into(),
            spooler: Some("/s/History Spooler".into()),
        });
        for (name, age) in ages {
            m.items.push(Item::bare(
                format!("/s/History Spooler/{name}"),
                0,
                1,
                Some(now - chrono::Duration::seconds(*age)),
                Format::Xml,
            ));
        }
        m
    }

    fn kinds(lines: &[Line]) -> Vec<&'static str> {
        lines.iter().map(|l| l.kind.as_str()).collect()
    }

    #[test]
    fn line_types_serialise_to_their_wire_names_and_back() {
        for t in LineType::ALL {
            let v = serde_json::to_value(t).expect("json");
            assert_eq!(v, serde_json::Value::from(t.as_str()));
            assert_eq!(LineType::from_name(t.as_str()), Some(t));
        }
        assert_eq!(LineType::from_name("item-deleted"), None);
    }

    #[test]
    fn added_then_stuck_then_removed() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("t");
        let clock = |t| Clock {
            now: t,
            stuck_after: Duration::from_secs(120),
        };
        let o = Origin::default();
        let m = model(&[("x.xml", 60)], t0);
        let s1 = Snapshot::take(&m, &[], clock(t0), false);
        let l = diff(&Snapshot::default(), &s1, &m, &[], t0, &o);
        assert_eq!(kinds(&l), vec!["item-added"]);
        assert_eq!(l[0].account.as_deref(), Some("a@contoso.com"));

        let t1 = t0 + chrono::Duration::seconds(61);
        let s2 = Snapshot::take(&m, &[], clock(t1), false);
        assert_eq!(kinds(&diff(&s1, &s2, &m, &[], t1, &o)), vec!["item-stuck"]);
        assert!(
            diff(&s2, &s2, &m, &[], t1, &o).is_empty(),
            "no change, no line"
        );

        // The file rewritten in place (a new time): `item-changed`, with its new state; stuck
        // again later is `item-stuck` again.
        let rewritten = model(&[("x.xml", 0)], t1);
        let s2b = Snapshot::take(&rewritten, &[], clock(t1), false);
        let l = diff(&s2, &s2b, &rewritten, &[], t1, &o);
        assert_eq!(kinds(&l), vec!["item-changed"]);
        let item: serde_json::Value =
            serde_json::from_str(l[0].item.as_ref().expect("item").get()).expect("json");
        assert_eq!(item["stuck"], false, "{item}");
        let t2 = t1 + chrono::Duration::seconds(121);
        let s2c = Snapshot::take(&rewritten, &[], clock(t2), false);
        assert_eq!(
            kinds(&diff(&s2b, &s2c, &rewritten, &[], t2, &o)),
            vec!["item-stuck"]
        );

        let empty = model(&[], t0);
        let s3 = Snapshot::take(&empty, &[], clock(t1), false);
        assert_eq!(
            kinds(&diff(&s2, &s3, &empty, &[], t1, &o)),
            vec!["item-removed"]
        );
    }

    #[test]
    fn one_log_event_line_per_record() {
        use crate::model::{EventKind, LogEvent};
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("t");
        let clock = Clock {
            now: t0,
            stuck_after: Duration::from_secs(120),
        };
        let mut m = model(&[], t0);
        let ev = |kind, marker: &str| LogEvent {
            path: "/t/Lync-UccApi-0.UccApilog".into(),
            line: 7,
            time: None,
            level: Some("ERROR".into()),
            thread: None,
            kind,
            marker: marker.into(),
            account: Some(0),
            profile: None,
            excerpt: "EWS response HTTP/1.1 401 Unauthorized".into(),
            values: Default::default(),
        };
        m.events = vec![
            ev(EventKind::EwsFailure, "ews-401"),
            ev(EventKind::HttpStatus, "http"),
        ];
        let s = Snapshot::take(&m, &[], clock, false);
        let lines = diff(&Snapshot::default(), &s, &m, &[], t0, &Origin::default());
        assert_eq!(kinds(&lines), vec!["log-event"]);
        assert_eq!(lines[0].account.as_deref(), Some("a@contoso.com"));
        assert!(diff(&s, &s, &m, &[], t0, &Origin::default()).is_empty());
        // A record written in two pieces: its first piece gave only an EWS request (not a
        // log-event); its rest gives the failure, which comes out then (it used to be taken
        // for the record already seen).
        let mut first = m.clone();
        first.events = vec![ev(EventKind::EwsRequest, "ews-post")];
        let s1 = Snapshot::take(&first, &[], clock, false);
        assert!(kinds(&diff(
            &Snapshot::default(),
            &s1,
            &first,
            &[],
            t0,
            &Origin::default()
        ))
        .is_empty());
        let mut whole = m.clone();
        whole.events = vec![
            ev(EventKind::EwsRequest, "ews-post"),
            ev(EventKind::EwsFailure, "ews-401"),
        ];
        let s2 = Snapshot::take(&whole, &[], clock, false);
        let lines = diff(&s1, &s2, &whole, &[], t0, &Origin::default());
        assert_eq!(kinds(&lines), vec!["log-event"]);
        assert_eq!(
            lines[0].event.as_ref().map(|e| e.marker.as_str()),
            Some("ews-401")
        );
        assert!(diff(&s2, &s2, &whole, &[], t0, &Origin::default()).is_empty());
    }

    /// A line's `item` has the keys of the report's `items[]` in the same order (a `Value`
    /// map sorted them: `account, age_secs, …`).
    #[test]
    fn an_item_keeps_the_key_order_of_the_report() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("t");
        let c = Clock {
            now: t0,
            stuck_after: Duration::from_secs(120),
        };
        let m = model(&[("x.xml", 60)], t0);
        let s = Snapshot::take(&m, &[], c, false);
        let l = diff(&Snapshot::default(), &s, &m, &[], t0, &Origin::default());
        let json = l[0].to_json();
        let report = serde_json::to_string(&JsonItem::of(&m.items[0], &m.accounts[0], c, false))
            .expect("item");
        assert!(report.starts_with("{\"path\":"), "{report}");
        assert!(json.contains(&format!("\"item\":{report}")), "{json}");
    }

    #[test]
    fn lines_are_single_line_json() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("t");
        let mut l = Line::new(LineType::Heartbeat, t0, &Origin::default());
        l.message = Some("a\nb\u{1b}".into());
        let s = l.to_json();
        assert!(!s.contains('\n') && !s.contains('\u{1b}'));
        let v: Value = serde_json::from_str(&s).expect("json");
        assert_eq!(v["type"], "heartbeat");
    }
}
