//! Policy values in client logs as they may be written: `0`/`1`, quoted, or in a
//! single-quoted provisioning attribute. The README reads log booleans with one rule
//! (`True`/`False`, `$true`/`$false`, `1`/`0`); each shape must raise the policy finding, and a
//! `1` must not.

use crate::common::*;
use serde_json::Value;

fn rules_for(line: &str) -> Vec<String> {
    let t = tempfile::tempdir().expect("tempdir");
    let log = t.path().join("Lync-UccApi-0.UccApilog");
    put(
        &log,
        format!("03/02/2026|10:00:00.000 1F68:C14 INFO  :: {line}\r\n").as_bytes(),
        60,
    );
    let (v, _, stderr) = report_json(&[], &["--log", log.to_str().expect("utf8")]);
    assert_eq!(v["summary"]["errors"], 0, "{stderr}");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f: &Value| f["rule"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn zero_and_quoted_false_values_raise_the_policy_findings() {
    for (line, rule) in [
        ("policy EnableIMAutoArchiving=0", "autoarchiving-disabled"),
        ("EnableOfflineIM: 0", "offline-im-disabled"),
        ("EnableIMAutoArchiving=\"False\"", "autoarchiving-disabled"),
        ("EnableOfflineIM='False'", "offline-im-disabled"),
        ("\"EnableOfflineIM\": 0", "offline-im-disabled"),
        (
            "<property name='EnableOfflineIM'>false</property>",
            "offline-im-disabled",
        ),
        (
            "<property name='EnableIMAutoArchiving'>\"False\"</property>",
            "autoarchiving-disabled",
        ),
        (
            "<imAutoArchiving>0</imAutoArchiving>",
            "autoarchiving-disabled",
        ),
        ("EnableOfflineIM=&quot;False&quot;", "offline-im-disabled"),
        (
            "{\\\"EnableOfflineIM\\\":\\\"False\\\"}",
            "offline-im-disabled",
        ),
    ] {
        let rules = rules_for(line);
        assert!(rules.iter().any(|r| r == rule), "{line}: {rules:?}");
    }
}

#[test]
fn one_and_true_values_raise_nothing() {
    for line in [
        "EnableOfflineIM: 1",
        "EnableIMAutoArchiving=\"True\"",
        "<property name='EnableIMAutoArchiving'>1</property>",
    ] {
        let rules = rules_for(line);
        assert!(
            !rules
                .iter()
                .any(|r| r == "offline-im-disabled" || r == "autoarchiving-disabled"),
            "{line}: {rules:?}"
        );
    }
}
