//! Tests of what a user markers file may hold: `problem` values, repeated ids.
use super::*;

fn rec(lines: &[&str]) -> Record {
    let mut r = Record::default();
    for (i, l) in lines.iter().enumerate() {
        r.push(i as u64 + 10, l);
    }
    r
}

fn one(file: &str) -> Result<Markers, MarkerError> {
    Markers::build(&[(file, "mine.toml")])
}

fn failure(values: &str) -> String {
    format!(
        "# mine\n[[marker]]\nid = \"mycorp\"\nkind = \"ews-failure\"\npattern = 'MYCORP-FAIL'\n{values}\n"
    )
}

/// A fixed `problem` is compared without ASCII case (`Auth`, `AUTH` load as `auth`, in the
/// built-in markers too); any other value is refused with the file, its line and the valid
/// values; a marker without one loads.
#[test]
fn fixed_problem_values_are_normalised_or_refused_with_their_line() {
    for v in ["Auth", "AUTH", "auth", "aUtH"] {
        let m = one(&failure(&format!("values = {{ problem = \"{v}\" }}"))).expect(v);
        assert_eq!(m.markers[0].values["problem"], "auth", "{v}");
    }
    let m = one(&failure(
        "values = { problem = \"Unreachable\", status = \"Abc\" }",
    ))
    .expect("ok");
    assert_eq!(m.markers[0].values["problem"], "unreachable");
    assert_eq!(
        m.markers[0].values["status"], "Abc",
        "other values keep their case"
    );
    for v in ["denied", "", "auth ", "fehler"] {
        let e = one(&failure(&format!("\nvalues = {{ problem = \"{v}\" }}")))
            .expect_err(v)
            .to_string();
        assert!(
            e.starts_with("mine.toml: line 7: unknown problem"),
            "{v}: {e}"
        );
        assert!(e.contains("valid: auth, unreachable, error"), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }
    let m = one(&failure("")).expect("no problem");
    assert!(!m.markers[0].values.contains_key("problem"));
    let b = Markers::builtin().expect("builtin");
    assert!(b
        .markers
        .iter()
        .filter_map(|m| m.values.get("problem"))
        .all(|p| PROBLEMS.contains(&p.as_str())));
}

/// A `problem` taken from the log text (a group, or `extract`) is lower-cased too.
#[test]
fn captured_problem_values_are_lower_cased() {
    let file = "[[marker]]\nid = \"cap\"\nkind = \"ews-failure\"\npattern = 'MYCORP-FAIL: (?P<problem>\\w+) (?P<reason>\\w+)'\n\n[[marker]]\nid = \"ext\"\nkind = \"ews-failure\"\npattern = 'OTHER-FAIL'\nextract = { problem = 'kind=(\\w+)' }\n";
    let m = one(file).expect("loads");
    let mut out = Vec::new();
    let mut c = Classifier::new(&m);
    c.classify(&rec(&["MYCORP-FAIL: AUTH Quota"]), &mut out);
    c.classify(&rec(&["OTHER-FAIL kind=Unreachable"]), &mut out);
    let got: Vec<(&str, &str)> = out
        .iter()
        .map(|h| (h.marker.as_str(), h.values["problem"].as_str()))
        .collect();
    assert_eq!(got, [("cap", "auth"), ("ext", "unreachable")]);
    assert_eq!(
        out[0].values["reason"], "Quota",
        "only `problem` is lower-cased"
    );
}

/// Two markers with one id in one file: refused, naming the file and the second one's line
/// (the first would be dropped without a word). A later file still replaces an id.
#[test]
fn a_repeated_id_in_one_file_is_refused_at_its_second_line() {
    let file = "[[marker]]\nid = \"mycorp\"\nkind = \"ews-failure\"\npattern = 'MYCORP-FAIL'\nvalues = { problem = \"auth\" }\n\n# a copy\n[[marker]]\nid = \"mycorp\"\nkind = \"other\"\npattern = 'hello'\n";
    let e = one(file).expect_err("dup").to_string();
    assert!(
        e.starts_with(
            "mine.toml: line 8: marker id 'mycorp' is used twice in this file (first at line 1)"
        ),
        "{e}"
    );
    let other = "[[marker]]\nid = \"mycorp\"\nkind = \"other\"\npattern = 'hello'\n";
    let first = "[[marker]]\nid = \"mycorp\"\nkind = \"error\"\npattern = 'x'\n";
    let m = Markers::build(&[(first, "a.toml"), (other, "b.toml")]).expect("replaces");
    assert_eq!(m.markers.len(), 1);
    assert_eq!(m.markers[0].kind, EventKind::Other);
    let user = "[[marker]]\nid = \"sip-response\"\nkind = \"other\"\npattern = 'hello'\n";
    let m = Markers::build(&[(BUILTIN, "builtin"), (user, "mine.toml")]).expect("replaces");
    let r = m
        .markers
        .iter()
        .find(|x| x.id == "sip-response")
        .expect("kept");
    assert_eq!(r.kind, EventKind::Other);
}

/// An `ews-failure` or `soap-fault` whose `problem` is missing, or a group that took other text,
/// is settled to `error` with `cause unknown` in its reason; a known one is kept; other kinds
/// are untouched.
#[test]
fn ews_failures_without_a_known_problem_count_as_errors_of_unknown_cause() {
    let file = "[[marker]]\nid = \"none\"\nkind = \"ews-failure\"\npattern = 'NONE-FAIL'\n\n[[marker]]\nid = \"cap\"\nkind = \"ews-failure\"\npattern = 'CAP-FAIL: (?P<problem>\\w+) (?P<reason>\\w+)'\n\n[[marker]]\nid = \"other\"\nkind = \"error\"\npattern = 'OTHER'\n\n[[marker]]\nid = \"fault\"\nkind = \"soap-fault\"\npattern = 'MY-FAULT'\n";
    let m = Markers::build(&[(file, "mine.toml")]).expect("loads");
    let mut c = Classifier::new(&m);
    let mut out = Vec::new();
    for l in [
        "NONE-FAIL",
        "CAP-FAIL: Denied quota",
        "CAP-FAIL: Auth quota",
        "OTHER",
        "MY-FAULT",
    ] {
        c.classify(&rec(&[l]), &mut out);
    }
    let got: Vec<(&str, Option<&str>, Option<&str>)> = out
        .iter()
        .map(|h| {
            (
                h.marker.as_str(),
                h.values.get("problem").map(String::as_str),
                h.values.get("reason").map(String::as_str),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("none", Some("error"), Some("cause unknown")),
            ("cap", Some("error"), Some("quota (cause unknown)")),
            ("cap", Some("auth"), Some("quota")),
            ("other", None, None),
            ("fault", Some("error"), Some("cause unknown")),
        ]
    );
}

/// Values taken from the log text are cut at `VALUE_CAP` bytes on a character boundary (a
/// kept event's size is bounded as their number is); short ones are kept as they are.
#[test]
fn captured_values_are_cut_at_the_cap() {
    let file = "[[marker]]\nid = \"long\"\nkind = \"error\"\npattern = 'LONG: (?P<reason>.*)'\nextract = { detail = 'DETAIL=(.*)' }\n";
    let m = Markers::build(&[(file, "mine.toml")]).expect("loads");
    let mut c = Classifier::new(&m);
    let mut out = Vec::new();
    let long = format!("LONG: {} DETAIL={}", "ä".repeat(5000), "x".repeat(5000));
    c.classify(&rec(&[long.as_str()]), &mut out);
    c.classify(&rec(&["LONG: short DETAIL=small"]), &mut out);
    let reason = out[0].values.get("reason").expect("reason");
    assert!(reason.ends_with('…'), "{reason}");
    assert!(
        reason.len() <= super::VALUE_CAP + '…'.len_utf8(),
        "{}",
        reason.len()
    );
    assert!(reason.len() > super::VALUE_CAP - 4, "{}", reason.len());
    // Held in memory at about that size too (not the capacity of the whole capture).
    assert!(
        reason.capacity() < 4 * super::VALUE_CAP,
        "{}",
        reason.capacity()
    );
    let detail = out[0].values.get("detail").expect("detail");
    assert_eq!(detail.len(), super::VALUE_CAP + '…'.len_utf8());
    assert_eq!(
        out[1].values.get("reason").map(String::as_str),
        Some("short DETAIL=small")
    );
    assert_eq!(
        out[1].values.get("detail").map(String::as_str),
        Some("small")
    );
}
