//! Text rules several layers share (leaf module: imports nothing from the crate).
//!
//! One PowerShell boolean rule and one wildcard matcher, so a value or a pattern means the same
//! thing in every parser, rule and view.

/// A boolean as PowerShell and the logs write it, or `None` when the text is not one.
///
/// The rule: case is ignored, surrounding blanks, one pair of surrounding quotes and a leading
/// `$` are dropped; `true`/`1` and
/// `false`/`0` are what PowerShell prints (`True`/`False` in `Format-List` and CSV, `$true`
/// in scripts, `1`/`0` in some exports). `yes`/`no` and `on`/`off` are accepted too, as a
/// heuristic for values extracted from logs (no Microsoft document lists what a log writes).
pub fn parse_bool(v: &str) -> Option<bool> {
    let v = v.trim();
    // One pair of quotes around the value (`"False"` in a logged XML value) is not part of it.
    let v = ['"', '\'']
        .iter()
        .find_map(|&q| v.strip_prefix(q).and_then(|x| x.strip_suffix(q)))
        .unwrap_or(v);
    match v
        .trim()
        .trim_start_matches('$')
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Wildcard match of a whole name: `*` is any run of characters, `?` exactly one; case is
/// ignored (as on Windows).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one rule for PowerShell booleans. Before the merge, the policy-export reader
    /// (`parse_bool`) refused `no`/`off` while the log rule (`is_false`) took them as false, so
    /// `EnableOfflineIm : off` raised nothing from an export but did from a log.
    #[test]
    fn powershell_booleans_one_rule() {
        for t in ["True", " $true ", "1", "YES", "on"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in [
            "False",
            "$FALSE",
            "0",
            "no",
            " Off ",
            "\"False\"",
            "'0'",
            " \" false \" ",
        ] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for x in [
            "", "maybe", "2", "truey", "$null", "\"False", "'1\"", "\"\"",
        ] {
            assert_eq!(parse_bool(x), None, "{x}");
        }
    }

    /// One matcher for the fleet's file patterns and the offline-IM class/subject patterns:
    /// `?` is one character in both (the offline-IM copy used to take it literally), case is
    /// ignored in both.
    #[test]
    fn one_glob() {
        assert!(glob("a*c", "abbbc") && !glob("a*c", "abd") && glob("*", ""));
        assert!(glob("*.JSON", "host.json") && glob("rep?rt*", "Report-1"));
        assert!(!glob("?", "") && glob("IM.Note.*", "im.note.missedconversation"));
        assert!(glob(
            "Missed conversation with *",
            "missed conversation with Jane"
        ));
        assert!(!glob("a?c", "ac") && glob("a**c", "ac"));
    }
}
