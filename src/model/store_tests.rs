use super::*;

fn ev(line: u64, status: &str) -> LogEvent {
    LogEvent {
        path: "L.UccApilog".into(),
        line,
        time: None,
        level: None,
        thread: None,
        kind: EventKind::EwsFailure,
        marker: "ews-http-denied".into(),
        account: Some(0),
        profile: None,
        excerpt: format!("line {line}"),
        values: [
            ("status".to_string(), status.to_string()),
            ("url".to_string(), format!("https://x/{line}")),
        ]
        .into(),
    }
}

#[test]
fn counts_all_keeps_first_last_and_spread() {
    let b = Bound {
        first: 2,
        last: 3,
        spread: 4,
        groups: 8,
        ..Bound::default()
    };
    let mut s = EventStore::new(b);
    s.absorb((1..=1000).map(|l| ev(l, "401")));
    s.absorb((1001..=1010).map(|l| ev(l, "503")));
    assert_eq!(s.occurrences(), 1010);
    assert_eq!(s.kept_len(), 9 + 9);
    let (kept, tallies) = s.finish();
    let lines: Vec<u64> = kept.iter().map(|e| e.line).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "input order");
    assert_eq!(&lines[..2], [1, 2]);
    assert!(lines.contains(&998) && lines.contains(&999) && lines.contains(&1000));
    assert_eq!(lines.last(), Some(&1010));
    let t401 = tallies
        .iter()
        .find(|t| t.values.get("status").map(String::as_str) == Some("401"))
        .expect("401");
    assert_eq!((t401.occurrences, t401.shown), (1000, 9));
    assert_eq!((t401.first_line, t401.last_line), (1, 1000));
    assert!(
        !t401.values.contains_key("url"),
        "free text is no signature"
    );
}

#[test]
fn past_the_group_bound_signatures_are_pooled_and_still_counted() {
    let b = Bound {
        first: 1,
        last: 1,
        spread: 0,
        groups: 3,
        ..Bound::default()
    };
    let mut s = EventStore::new(b);
    s.absorb((1..=100).map(|l| ev(l, &l.to_string())));
    let (kept, tallies) = s.finish();
    assert_eq!(tallies.len(), 4);
    assert_eq!(tallies.iter().map(|t| t.occurrences).sum::<u64>(), 100);
    let pooled = tallies
        .iter()
        .find(|t| t.values.get("signature").map(String::as_str) == Some(POOLED))
        .expect("pooled");
    assert_eq!((pooled.occurrences, pooled.shown), (97, 2));
    assert_eq!(kept.len(), 3 + 2);
}

/// Unread occurrences have a group budget of their own: past it they share one group per
/// account, kind and marker (no status), and they never push events read into the pool.
#[test]
fn unread_groups_have_their_own_budget() {
    let b = Bound {
        groups: 8,
        ..Bound::default()
    };
    let mut s = EventStore::new(b);
    for (i, status) in (200u16..260).enumerate() {
        let u = Unread {
            line: i as u64 + 1,
            time: None,
            rank: 1,
            account: Some(0),
            kind: EventKind::HttpStatus,
            marker: "http-status".into(),
            status: Some(status),
        };
        s.count_unread(&u, None);
    }
    s.absorb((1000..1008).map(|l| ev(l, &l.to_string())));
    let (kept, tallies) = s.finish();
    let unread: Vec<&EventTally> = tallies.iter().filter(|t| t.unread > 0).collect();
    assert_eq!(unread.len(), 2 + 1, "two with a status, then one shared");
    assert_eq!(unread.iter().map(|t| t.occurrences).sum::<u64>(), 60);
    let shared = unread
        .iter()
        .find(|t| !t.values.contains_key("status"))
        .expect("shared");
    assert_eq!(
        (shared.occurrences, shared.shown, shared.hidden()),
        (58, 0, 0)
    );
    assert!(
        tallies.iter().all(|t| !t.values.contains_key("signature")),
        "no event read was pooled: {tallies:?}"
    );
    assert_eq!(kept.len(), 8);
}

#[test]
fn a_second_marker_on_one_record_is_noted() {
    let mut s = EventStore::new(Bound::default());
    let mut b = ev(7, "401");
    b.marker = "ews-hresult-denied".into();
    b.values.insert("problem".into(), "auth".into());
    let mut a = ev(7, "401");
    a.values.insert("problem".into(), "auth".into());
    s.absorb([a, b, ev(8, "401")]);
    let (_, t) = s.finish();
    assert_eq!(t.iter().map(|t| t.same_record).sum::<u64>(), 1);
}

/// An EWS failure of `problem` with `status` (none when empty) and a `reason` of its own: each
/// one a new signature.
fn failure(line: u64, problem: &str, status: &str) -> LogEvent {
    let mut e = ev(line, status);
    if status.is_empty() {
        e.values.remove("status");
    }
    e.values.insert("problem".into(), problem.into());
    e.values.insert("reason".into(), format!("r{line}"));
    e
}

/// The occurrences per (problem, status) over a store's tallies.
fn by_problem_and_status(t: &[EventTally]) -> BTreeMap<(Option<&str>, Option<&str>), u64> {
    let mut m = BTreeMap::new();
    for t in t {
        let key = (
            t.values.get("problem").map(String::as_str),
            t.values.get("status").map(String::as_str),
        );
        *m.entry(key).or_default() += t.occurrences;
    }
    m
}

/// Past the group bound, new signatures are pooled with their problem and their status: the
/// counts per (problem, status) are those of a store that pools nothing.
#[test]
fn pooled_groups_keep_problem_and_status() {
    let b = Bound {
        first: 1,
        last: 1,
        spread: 0,
        groups: 12,
        ..Bound::default()
    };
    let events: Vec<LogEvent> = (1..=600)
        .map(|l| match l % 3 {
            0 => failure(l, "auth", "401"),
            1 => failure(l, "unreachable", "503"),
            _ => failure(l, "auth", "403"),
        })
        .collect();
    let mut s = EventStore::new(b);
    s.absorb(events.clone());
    let (_, tallies) = s.finish();
    let mut all = EventStore::new(Bound {
        groups: usize::MAX,
        ..b
    });
    all.absorb(events);
    let (_, every) = all.finish();
    assert_eq!(every.len(), 600, "one group per signature without a bound");
    assert_eq!(
        by_problem_and_status(&tallies),
        by_problem_and_status(&every)
    );
    let pooled: Vec<&EventTally> = tallies.iter().filter(|t| t.is_pooled()).collect();
    assert_eq!(pooled.len(), 3, "{tallies:#?}");
    assert_eq!(
        tallies.iter().filter(|t| !t.is_pooled()).count(),
        12,
        "the bound holds"
    );
    for t in &pooled {
        assert_eq!(
            t.values.len(),
            3,
            "problem, status, signature: {:?}",
            t.values
        );
        assert!(!t.values.contains_key("reason"));
    }
    let p401 = pooled
        .iter()
        .find(|t| t.values.get("status").map(String::as_str) == Some("401"))
        .expect("401 pooled");
    assert_eq!(p401.values["problem"], "auth");
    assert_eq!(
        p401.occurrences,
        200 - 4,
        "lines 3, 6, 9, 12 have groups of their own"
    );
}

/// Each tier of pooled groups has its own budget: (problem, status) groups, then problem
/// groups, then one bare group; a status that is not three digits from 100 to 599 is not
/// kept. Thousands of distinct problems and statuses leave the number of groups bounded and
/// every occurrence counted.
#[test]
fn pooled_tiers_are_bounded_whatever_the_input() {
    for groups in [16usize, 1024] {
        let b = Bound {
            first: 1,
            last: 1,
            spread: 0,
            groups,
            ..Bound::default()
        };
        let mut s = EventStore::new(b);
        let n = 20 * groups as u64;
        s.absorb((1..=n).map(|l| {
            let status = (100 + l % 500).to_string();
            failure(l, &format!("p{}", l % 3001), &status)
        }));
        // Statuses that are not HTTP or SIP statuses, and failures of one problem.
        s.absorb(
            ["099", "600", "4010", "40x", ""]
                .iter()
                .enumerate()
                .map(|(i, st)| failure(n + 1 + i as u64, "auth", st)),
        );
        let budget = groups / 4;
        let (_, tallies) = s.finish();
        let total: u64 = tallies.iter().map(|t| t.occurrences).sum();
        assert_eq!(total, n + 5, "every occurrence counted");
        let pooled: Vec<&EventTally> = tallies.iter().filter(|t| t.is_pooled()).collect();
        let with_status = pooled
            .iter()
            .filter(|t| t.values.contains_key("status"))
            .count();
        let by_problem = pooled
            .iter()
            .filter(|t| t.values.contains_key("problem") && !t.values.contains_key("status"))
            .count();
        let bare = pooled.iter().filter(|t| t.values.len() == 1).count();
        assert_eq!(
            (with_status, by_problem, bare),
            (budget, budget, 1),
            "{groups}"
        );
        assert_eq!(tallies.len(), groups + 2 * budget + 1);
        for t in &pooled {
            if let Some(st) = t.values.get("status") {
                let st: u16 = st.parse().expect("a number");
                assert!((100..=599).contains(&st), "{st}");
            }
        }
    }
}

/// Past the first quarter of the group bound, a group keeps a quarter of the full bound
/// (rounded up), still with its first and last occurrence and its exact count: a log of ever
/// new signatures keeps far fewer events.
#[test]
fn later_groups_keep_a_quarter_of_the_bound() {
    let b = Bound::default();
    let quarter = b.groups / 4;
    let mut s = EventStore::new(b);
    // `quarter + 10` signatures, 100 occurrences each, interleaved.
    let n = quarter + 10;
    let mut line = 0;
    for _ in 0..100 {
        s.absorb((0..n).map(|g| {
            line += 1;
            ev(line, &format!("code-{g}"))
        }));
    }
    let (kept, tallies) = s.finish();
    let tally = |g: usize| {
        let code = format!("code-{g}");
        tallies
            .iter()
            .find(|t| t.values.get("status") == Some(&code))
            .unwrap_or_else(|| panic!("no group {code}"))
    };
    let full = b.first + b.last + b.spread;
    let small = b.first.div_ceil(4) + b.last.div_ceil(4) + b.spread.div_ceil(4);
    assert!(small < full);
    for g in [0, quarter - 1] {
        assert_eq!((tally(g).occurrences, tally(g).shown), (100, full as u64));
    }
    for g in [quarter, n - 1] {
        let t = tally(g);
        assert_eq!((t.occurrences, t.shown), (100, small as u64));
        for l in [t.first_line, t.last_line] {
            assert!(
                kept.iter().any(|e| e.line == l),
                "line {l} of group {g} kept"
            );
        }
    }
    assert_eq!(kept.len(), quarter * full + 10 * small);
}
