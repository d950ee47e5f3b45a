//! Properties that must hold whatever the input: reports are valid, safe and consistent.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use spoolscope::diagnose::{diagnose, Context, RuleSettings};
use spoolscope::model::{Account, ClientGen, Clock, Format, Item, ItemState, Model, ScanError};
use spoolscope::parse::spool::sniff;
use spoolscope::report::{Report, ReportFormat, ReportOptions};
use std::time::Duration;

fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            Just('\u{1b}'),
            Just('\u{7}'),
            Just('\u{9b}'),
            Just('\u{202e}'),
            Just('\n'),
            Just('\r'),
            Just('|'),
            Just('`'),
        ],
        0..40,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn model_from(names: Vec<(String, String, Vec<u8>, i64)>) -> Model {
    let now = Utc
        .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
        .single()
        .expect("t");
    let mut m = Model::default();
    m.accounts.push(Account {
        address: "a\u{1b}[2J@contoso.com".into(),
        client: ClientGen::Office16,
        profile: Some("p\u{7}".into()),
        dir: "/s/sip_a".into(),
        spooler: Some("/s/sip_a/History Spooler".into()),
    });
    for (name, subject, bytes, age) in names {
        let sn = sniff(&bytes, false);
        let mut fields = sn.fields;
        fields.subject = Some(subject.clone());
        fields.to.push(subject.clone());
        m.items.push(Item {
            path: format!("/s/sip_a/History Spooler/{name}").into(),
            account: 0,
            size: bytes.len() as u64,
            modified: Some(now - chrono::Duration::seconds(age)),
            format: sn.format,
            encoding: sn.encoding,
            fields,
            heuristics: sn.heuristics,
            body: sn.body,
            preview: Some(subject),
            truncated: false,
            ignorable: false,
        });
        m.errors
            .push(ScanError::new(format!("/s/{name}"), name.clone()));
    }
    m
}

fn render(m: &Model, format: ReportFormat, show_content: bool) -> Vec<u8> {
    let clock = Clock {
        now: Utc
            .with_ymd_and_hms(2026, 3, 2, 14, 0, 0)
            .single()
            .expect("t"),
        stuck_after: Duration::from_secs(120),
    };
    let findings = diagnose(&Context {
        model: m,
        clock,
        settings: &RuleSettings::default(),
    });
    let opts = ReportOptions {
        clock,
        generated_at: clock.now,
        show_content,
        color: false,
        origin: Default::default(),
        zone: spoolscope::clock::Zone::Utc,
    };
    let mut out = Vec::new();
    Report {
        model: m,
        findings: &findings,
        opts: &opts,
    }
    .write(format, &mut out)
    .expect("write to a Vec");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn text_and_markdown_never_carry_controls(
        items in prop::collection::vec((any_text(), any_text(), prop::collection::vec(any::<u8>(), 0..200), -100i64..10_000), 0..6),
        show in any::<bool>(),
    ) {
        let m = model_from(items);
        for f in [ReportFormat::Text, ReportFormat::Markdown] {
            let out = String::from_utf8(render(&m, f, show)).expect("utf-8 output");
            for c in out.chars() {
                prop_assert!(c == '\n' || !spoolscope::sanitize::is_unsafe(c), "{:?} in {:?} output", c, f);
            }
        }
    }

    #[test]
    fn json_is_valid_and_keeps_the_schema(
        items in prop::collection::vec((any_text(), any_text(), prop::collection::vec(any::<u8>(), 0..200), -100i64..10_000), 0..6),
    ) {
        let m = model_from(items);
        let out = render(&m, ReportFormat::Json, true);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        prop_assert_eq!(&v["schema_version"], 1);
        prop_assert_eq!(v["items"].as_array().map(|a| a.len()), Some(m.items.len()));
        for (it, j) in m.items.iter().zip(v["items"].as_array().expect("items")) {
            prop_assert_eq!(j["path"].as_str(), Some(it.path.to_str().expect("utf8")));
            prop_assert_eq!(j["fields"]["subject"].as_str(), it.fields.subject.as_deref());
            prop_assert!(j["state"].is_string() && j["format"].is_string() && j["size"].is_u64());
        }
        for k in ["accounts", "findings", "sources", "errors"] {
            prop_assert!(v[k].is_array(), "{} is not an array", k);
        }
        for f in v["findings"].as_array().expect("findings") {
            prop_assert!(["info", "warning", "critical"].contains(&f["severity"].as_str().unwrap_or("")));
            prop_assert!(f["evidence"].is_array() && f["rule"].is_string());
        }
    }

    #[test]
    fn stuck_is_monotonic_in_time(age in -1_000i64..100_000, later in 0i64..100_000, after in 1u64..10_000) {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).single().expect("t");
        let it = Item::bare("x", 0, 0, Some(now - chrono::Duration::seconds(age)), Format::Empty);
        let c1 = Clock { now, stuck_after: Duration::from_secs(after) };
        let c2 = Clock { now: now + chrono::Duration::seconds(later), stuck_after: Duration::from_secs(after) };
        if it.state(c1) == ItemState::Stuck {
            prop_assert_eq!(it.state(c2), ItemState::Stuck);
        }
    }

    #[test]
    fn sniffing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000), truncated in any::<bool>()) {
        let s = sniff(&bytes, truncated);
        prop_assert!(bytes.is_empty() == (s.format == Format::Empty));
    }

    #[test]
    fn sanitised_lines_have_no_controls(s in any_text()) {
        let l = spoolscope::sanitize::line(&s);
        prop_assert!(!l.chars().any(spoolscope::sanitize::is_unsafe));
    }
}
