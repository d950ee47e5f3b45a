//! A literal prefilter for the marker set, derived automatically from the marker patterns (the
//! markers stay data: nothing to maintain by hand).
//!
//! For every pattern we compute a set of literals such that any match of the pattern contains at
//! least one of them (compared ignoring ASCII case), in any haystack without `ſ` (U+017F) or the
//! Kelvin sign `K` (U+212A): the only non-ASCII characters that Unicode case folding equates
//! with ASCII letters (`s`, `k`). A class holding any other non-ASCII character gives no
//! literal. One Aho-Corasick pass over a record then says which patterns can match at all; only
//! those run their regex. A pattern we cannot derive literals for is always a candidate, and a
//! record holding `ſ` or `K` skips the prefilter. (Non-ASCII records once skipped it too, and
//! ran the whole set over the record: about 0.2 MB/s, 7 s for one 1 MiB record.)

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Most strings a literal set may hold before we give up on it.
const MAX_SET: usize = 64;
/// Largest class expanded into single characters.
const MAX_CLASS: usize = 4;

/// What a sub-pattern tells about the text it matches.
#[derive(Debug, Clone)]
enum Lits {
    /// It matches exactly one of these strings (lower-case ASCII).
    Exact(Vec<Vec<u8>>),
    /// Every match contains one of these strings.
    Contains(Vec<Vec<u8>>),
    /// Nothing useful known.
    Unknown,
}

fn dedup(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v.dedup();
    v
}

fn class_lits(c: &Class) -> Lits {
    let mut out: Vec<Vec<u8>> = Vec::new();
    match c {
        Class::Unicode(u) => {
            for r in u.ranges() {
                // Beyond ASCII only the case-fold partners of `s` and `k` may be left out (a
                // haystack holding them is not prefiltered); any other character could be the
                // whole match, so the class says nothing.
                let (lo, hi) = (r.start() as u32, r.end() as u32);
                if hi > 0x7F {
                    let (x, y) = (lo.max(0x80), hi);
                    let only_folds = (x == y) && (x == 0x17F || x == 0x212A);
                    if !only_folds {
                        return Lits::Unknown;
                    }
                }
                let (a, b) = (lo, hi.min(0x7F));
                if a > b {
                    continue;
                }
                if (b - a) as usize >= MAX_CLASS * 2 {
                    return Lits::Unknown;
                }
                for x in a..=b {
                    out.push(vec![(x as u8).to_ascii_lowercase()]);
                }
            }
        }
        Class::Bytes(bc) => {
            for r in bc.ranges() {
                if (r.end() - r.start()) as usize >= MAX_CLASS * 2 {
                    return Lits::Unknown;
                }
                for x in r.start()..=r.end() {
                    out.push(vec![x.to_ascii_lowercase()]);
                }
            }
        }
    }
    let out = dedup(out);
    if out.is_empty() || out.len() > MAX_CLASS {
        Lits::Unknown
    } else {
        Lits::Exact(out)
    }
}

fn min_len(v: &[Vec<u8>]) -> usize {
    v.iter().map(Vec::len).min().unwrap_or(0)
}

/// The better of two "contains one of" sets: longer shortest string, then fewer strings.
fn better(a: Option<Vec<Vec<u8>>>, b: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    if b.is_empty() || b.len() > MAX_SET || min_len(&b) == 0 {
        return a;
    }
    match a {
        Some(a)
            if (min_len(&a), std::cmp::Reverse(a.len()))
                >= (min_len(&b), std::cmp::Reverse(b.len())) =>
        {
            Some(a)
        }
        _ => Some(b),
    }
}

fn lits(h: &Hir) -> Lits {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Lits::Exact(vec![Vec::new()]),
        HirKind::Literal(l) => Lits::Exact(vec![l.0.to_ascii_lowercase()]),
        HirKind::Class(c) => class_lits(c),
        HirKind::Capture(c) => lits(&c.sub),
        HirKind::Repetition(r) => {
            if r.min == 0 {
                return Lits::Unknown;
            }
            match lits(&r.sub) {
                Lits::Exact(v) if r.min == 1 && r.max == Some(1) => Lits::Exact(v),
                Lits::Exact(v) | Lits::Contains(v) => Lits::Contains(v),
                Lits::Unknown => Lits::Unknown,
            }
        }
        HirKind::Concat(subs) => {
            let mut best: Option<Vec<Vec<u8>>> = None;
            let mut run: Option<Vec<Vec<u8>>> = Some(vec![Vec::new()]);
            let mut all_exact = true;
            for s in subs {
                match lits(s) {
                    Lits::Exact(v) => {
                        let cur = run.take().unwrap_or_else(|| vec![Vec::new()]);
                        if cur.len() * v.len() > MAX_SET {
                            // Too many combinations: close this run, start a new one here.
                            all_exact = false;
                            best = better(best, cur);
                            run = Some(v);
                        } else {
                            let mut next = Vec::with_capacity(cur.len() * v.len());
                            for a in &cur {
                                for b in &v {
                                    let mut x = a.clone();
                                    x.extend_from_slice(b);
                                    next.push(x);
                                }
                            }
                            run = Some(dedup(next));
                        }
                    }
                    other => {
                        all_exact = false;
                        if let Some(cur) = run.take() {
                            best = better(best, cur);
                        }
                        if let Lits::Contains(v) = other {
                            best = better(best, v);
                        }
                        run = Some(vec![Vec::new()]);
                    }
                }
            }
            match run {
                Some(cur) if all_exact => Lits::Exact(cur),
                Some(cur) => match better(best, cur) {
                    Some(b) => Lits::Contains(b),
                    None => Lits::Unknown,
                },
                None => best.map_or(Lits::Unknown, Lits::Contains),
            }
        }
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            let mut exact = true;
            for s in subs {
                match lits(s) {
                    Lits::Exact(v) => all.extend(v),
                    Lits::Contains(v) => {
                        exact = false;
                        all.extend(v);
                    }
                    Lits::Unknown => return Lits::Unknown,
                }
                if all.len() > MAX_SET {
                    return Lits::Unknown;
                }
            }
            let all = dedup(all);
            if exact {
                Lits::Exact(all)
            } else {
                Lits::Contains(all)
            }
        }
    }
}

/// The literals one of which every match of `pattern` contains (ASCII haystack, ASCII case
/// ignored), or `None` when none can be derived.
pub fn required_literals(pattern: &str, multi_line: bool) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(multi_line)
        .build()
        .parse(pattern)
        .ok()?;
    let v = match lits(&hir) {
        Lits::Exact(v) | Lits::Contains(v) => v,
        Lits::Unknown => return None,
    };
    if v.is_empty() || min_len(&v) == 0 || v.len() > MAX_SET {
        None
    } else {
        Some(v)
    }
}

/// Which of a list of patterns can match a text, and where.
#[derive(Debug, Clone)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// A SIMD (Teddy) searcher for the same literals, run on a lower-case copy of the text:
    /// much faster than the automaton where the CPU has it.
    packed: Option<aho_corasick::packed::Searcher>,
    /// For each literal of the automaton, the patterns it stands for: its own, and those of
    /// every longer literal it is part of (a search that restarts one byte after a match can
    /// step over a literal that starts at or inside another one; marking more candidates than
    /// needed is safe, fewer is not).
    owners: Vec<Vec<usize>>,
    /// Patterns without literals: always candidates, on every line.
    always: Vec<bool>,
    n: usize,
}

/// Where a prefilter found literals in one text.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    /// The text holds `ſ` or `K` (or there is no automaton): every pattern is a candidate
    /// everywhere.
    pub fallback: bool,
    /// Candidate patterns.
    pub cand: Vec<bool>,
    /// (pattern, byte offset of a literal it needs).
    pub at: Vec<(usize, usize)>,
    /// The text in ASCII lower case, for the SIMD searcher (same offsets).
    lower: Vec<u8>,
}

impl Scan {
    /// Drop buffers grown past `keep` bytes (scans are reused; what one keeps stays bounded).
    pub fn trim(&mut self, keep: usize) {
        if self.lower.capacity() > keep {
            self.lower = Vec::new();
        }
        if self.at.capacity() * std::mem::size_of::<(usize, usize)>() > keep {
            self.at = Vec::new();
        }
    }

    /// Treat every pattern as a candidate everywhere.
    pub fn set_fallback(&mut self) {
        self.fallback = true;
        self.at.clear();
    }

    /// Whether pattern `i` may match inside the byte range `a..b` of the text (a match that
    /// lies inside `a..b` contains one of its literals, which starts inside `a..b`).
    ///
    /// `at` is in offset order (the scan goes forward), so this looks only at the literals
    /// inside `a..b`: asking for every line of a record is linear in the record, not
    /// lines × literals.
    pub fn may_match_in(&self, always: bool, i: usize, a: usize, b: usize) -> bool {
        if self.fallback || always {
            return true;
        }
        let first = self.at.partition_point(|&(_, o)| o < a);
        self.at
            .get(first..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&(_, o)| o < b)
            .any(|&(p, _)| p == i)
    }
}

/// How unusual a byte is in log text, for choosing where a literal's search starts: the
/// letters by their frequency in English, then digits, then punctuation. A guess about text in
/// general, not a fact about any log: it only decides speed, never which patterns match.
fn rarity(b: u8) -> u32 {
    const LETTERS: &[u8; 26] = b"etaoinsrhldcumfpgwybvkxjqz";
    match b {
        b'a'..=b'z' => LETTERS.iter().position(|&x| x == b).unwrap_or(0) as u32,
        b'0'..=b'9' => 8,
        b' ' => 0,
        _ => 12,
    }
}

/// The tail of `lit` that starts at its most unusual three bytes (the earliest of equals).
///
/// A text holding `lit` holds every tail of it at a place inside it, so searching for the tail
/// finds every place `lit` is, and more: safe for a prefilter, where a candidate too many is
/// only work. The SIMD searcher tells literals apart by their first three bytes, and a literal
/// starting with common letters (`sta`tus, `con`nection, `sip`/2.0 inside `CSIPStack`) makes
/// it verify candidates all over ordinary text.
fn distinctive_tail(lit: &[u8]) -> &[u8] {
    if lit.len() <= 3 {
        return lit;
    }
    let score = |i: usize| lit[i..i + 3].iter().map(|&b| rarity(b)).sum::<u32>();
    let mut best = 0;
    for i in 1..=lit.len() - 3 {
        if score(i) > score(best) {
            best = i;
        }
    }
    &lit[best..]
}

impl Prefilter {
    pub fn new(patterns: &[&str], multi_line: bool) -> Prefilter {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut always = vec![false; patterns.len()];
        for (i, p) in patterns.iter().enumerate() {
            match required_literals(p, multi_line) {
                Some(v) => {
                    for l in v {
                        let l = distinctive_tail(&l).to_vec();
                        match lits.iter().position(|x| *x == l) {
                            Some(k) => owners[k].push(i),
                            None => {
                                lits.push(l);
                                owners.push(vec![i]);
                            }
                        }
                    }
                }
                None => always[i] = true,
            }
        }
        let mut ext = owners.clone();
        for (m, ml) in lits.iter().enumerate() {
            for (l, ll) in lits.iter().enumerate() {
                if l != m && ll.len() > ml.len() && ll.windows(ml.len()).any(|w| w == ml.as_slice())
                {
                    let add = owners[l].clone();
                    ext[m].extend(add);
                    // The SIMD searcher reports the longest literal at a start and the search
                    // goes on one byte later: a shorter literal at the same start (a prefix)
                    // is never reported itself, so the longer one stands for it too.
                    if ll.starts_with(ml) {
                        let add = owners[m].clone();
                        ext[l].extend(add);
                    }
                }
            }
        }
        for e in &mut ext {
            e.sort_unstable();
            e.dedup();
        }
        let ac = if lits.is_empty() {
            None
        } else {
            // Literals are lower case; the automaton ignores ASCII case itself, so the text is
            // searched as it is (no lower-case copy of every record). A DFA: the set is small.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .match_kind(MatchKind::Standard)
                .build(&lits)
                .ok()
        };
        if ac.is_none() {
            always = vec![true; patterns.len()];
        }
        let packed = ac.as_ref().and(
            aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
                .heuristic_pattern_limits(false)
                .builder()
                .extend(&lits)
                .build(),
        );
        Prefilter {
            ac,
            packed,
            owners: ext,
            always,
            n: patterns.len(),
        }
    }

    /// The same prefilter without the SIMD searcher (the automaton path, as on a CPU without
    /// SSSE3/AVX2), for tests that check both paths.
    #[cfg(test)]
    pub(crate) fn without_packed(mut self) -> Prefilter {
        self.packed = None;
        self
    }

    /// Whether the SIMD searcher is in use.
    #[cfg(test)]
    pub(crate) fn is_packed(&self) -> bool {
        self.packed.is_some()
    }

    /// Whether a text may hold a match of some pattern: it holds one of their literals (ASCII
    /// case ignored), or a pattern has none. For text that is not classified (the part of a line
    /// past its cap), to say that something may have been missed.
    pub fn probe(&self) -> crate::parse::logstream::CutProbe {
        let ac = self.ac.clone();
        let any = self.always.iter().any(|&a| a);
        // `ſ` and the Kelvin sign match `s` and `k` ignoring case: such text is not judged.
        let folds = |t: &[u8]| {
            ["\u{17F}", "\u{212A}"]
                .iter()
                .any(|f| memchr::memmem::find(t, f.as_bytes()).is_some())
        };
        crate::parse::logstream::CutProbe::new(move |text: &[u8], _from: usize| {
            any || folds(text) || ac.as_ref().is_some_and(|ac| ac.is_match(text))
        })
    }

    /// Whether pattern `i` has no literals (always a candidate).
    pub fn is_unfiltered(&self, i: usize) -> bool {
        self.always[i]
    }

    /// Find the literals in `text` (results in `scan`, reused between calls). Every pattern
    /// that can match `text` comes out a candidate.
    pub fn scan(&self, text: &str, scan: &mut Scan) {
        scan.cand.clear();
        scan.at.clear();
        scan.fallback = !text.is_ascii() && text.contains(['\u{17F}', '\u{212A}']);
        if scan.fallback {
            scan.cand.resize(self.n, true);
            return;
        }
        scan.cand.extend_from_slice(&self.always);
        if let Some(p) = &self.packed {
            scan.lower.clear();
            scan.lower.extend_from_slice(text.as_bytes());
            scan.lower.make_ascii_lowercase();
            let hay = scan.lower.as_slice();
            let mut pos = 0;
            while let Some(m) = p.find_in(hay, aho_corasick::Span::from(pos..hay.len())) {
                for &i in &self.owners[m.pattern().as_usize()] {
                    scan.cand[i] = true;
                    scan.at.push((i, m.start()));
                }
                // Restart one byte after the start, not after the end: literals may overlap
                // (`owners` covers the literals a restart can step over).
                pos = m.start() + 1;
            }
        } else if let Some(ac) = &self.ac {
            // Every occurrence of every literal, overlapping ones included, in one pass.
            for m in ac.find_overlapping_iter(text.as_bytes()) {
                for &i in &self.owners[m.pattern().as_usize()] {
                    scan.cand[i] = true;
                    scan.at.push((i, m.start()));
                }
            }
            // Overlapping matches come out by end offset; `may_match_in` wants start order.
            if !scan.at.is_sorted_by_key(|&(_, o)| o) {
                scan.at.sort_by_key(|&(_, o)| o);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(p: &str) -> Option<Vec<String>> {
        required_literals(p, true).map(|v| {
            v.into_iter()
                .map(|x| String::from_utf8_lossy(&x).into_owned())
                .collect()
        })
    }

    #[test]
    fn literals_from_patterns() {
        assert_eq!(
            lit(r"^\s*SIP/2\.0\s+(?P<s>\d{3})"),
            Some(vec!["sip/2.0".into()])
        );
        assert_eq!(
            lit(r"(?i)\bautodiscover\b"),
            Some(vec!["autodiscover".into()])
        );
        assert_eq!(
            lit(r"\b(?P<status>40[13])\s+(?:Unauthorized|Forbidden)"),
            Some(vec!["forbidden".into(), "unauthorized".into()])
        );
        assert_eq!(
            lit(r"(?i)\bEWS\b|/EWS/"),
            Some(vec!["/ews/".into(), "ews".into()])
        );
        assert_eq!(lit(r"\d+"), None);
        assert_eq!(lit(r"a?"), None);
        assert_eq!(lit(r"x|\w+"), None);
    }

    #[test]
    fn candidates_cover_every_match_and_fall_back_on_non_ascii() {
        let pats = [
            r"(?i)\bsign(?:ed)?[- ]?out\b",
            r"\d{3}",
            r"(?i)ErrorAccessDenied",
        ];
        let p = Prefilter::new(&pats, true);
        let mut s = Scan::default();
        p.scan("user SIGNED-OUT now", &mut s);
        assert_eq!(s.cand, [true, true, false]);
        assert!(s.may_match_in(false, 0, 0, 19) && !s.may_match_in(false, 0, 0, 5));
        p.scan("nothing here", &mut s);
        assert_eq!(s.cand, [false, true, false]);
        // U+017F matches (?i)s in the regex: the prefilter must not be trusted here.
        p.scan("ſign out", &mut s);
        assert!(s.fallback);
        assert_eq!(s.cand, [true, true, true]);
        p.scan("\u{212a}elvin", &mut s);
        assert!(s.fallback);
        // Other non-ASCII text is prefiltered like ASCII.
        p.scan("Jürgen 日本 signed out", &mut s);
        assert!(!s.fallback);
        assert_eq!(s.cand, [true, true, false]);
        p.scan("Jürgen 日本", &mut s);
        assert_eq!(s.cand, [false, true, false]);
        // A class with other non-ASCII characters gives no literal.
        assert_eq!(lit(r"(?i)é"), None);
        assert_eq!(lit(r"[xé]y"), Some(vec!["y".into()]));
        assert_eq!(lit(r"(?i)sk"), Some(vec!["sk".into()]));
        // Overlapping literals: "ews" inside "/ews/" and "news".
        let p = Prefilter::new(&[r"(?i)/EWS/", r"(?i)\bnews\b", r"ewsx"], true);
        p.scan("see news /ews/ ewsx", &mut s);
        assert_eq!(s.cand, [true, true, true]);
        // A literal that is a prefix of another at the same place ("ews" of "ewsx"), on both
        // search paths, in both pattern orders.
        for pats in [[r"(?i)ews", r"(?i)ewsx"], [r"(?i)ewsx", r"(?i)ews"]] {
            let p = Prefilter::new(&pats, true);
            for p in [p.clone(), p.without_packed()] {
                p.scan("a ewsx b", &mut s);
                assert_eq!(s.cand, [true, true], "{pats:?}");
                assert!(s.may_match_in(false, 0, 0, 8) && s.may_match_in(false, 1, 0, 8));
            }
        }
    }
}

#[cfg(test)]
mod tail_tests {
    use super::*;

    #[test]
    fn a_literal_is_searched_from_its_most_unusual_bytes() {
        assert_eq!(distinctive_tail(b"sip/2.0"), b"p/2.0");
        assert_eq!(distinctive_tail(b"user-agent:"), b"-agent:");
        assert_eq!(distinctive_tail(b"ews"), b"ews");
        // Common letters first, a rarer run later.
        assert_eq!(distinctive_tail(b"status"), b"tus");
        // Every tail is a suffix: a text with the literal holds it.
        for l in [
            &b"tls handshake failed"[..],
            b"0x80190191",
            b"im.note.missedconversation",
        ] {
            assert!(l.ends_with(distinctive_tail(l)));
            assert!(distinctive_tail(l).len() >= 3);
        }
    }

    /// The prefilter still finds every pattern whose literal is in the text when the search
    /// starts inside the literal, at the start of a line and at the end of the text.
    #[test]
    fn tails_still_find_every_literal() {
        let pats = [
            r"(?i)^\s*SIP/2\.0\s+\d{3}",
            r"(?i)\bstatus\s*=\s*\d+",
            r"(?i)user-agent:",
        ];
        let p = Prefilter::new(&pats, true);
        let mut s = Scan::default();
        let text = "x\nSIP/2.0 480 gone\nStatus = 401\nUser-Agent: UCCAPI";
        p.scan(text, &mut s);
        assert_eq!(s.cand, [true, true, true]);
        let line = |n: &str| {
            let a = text.find(n).unwrap_or(0);
            (a, a + n.len())
        };
        let (a, b) = line("SIP/2.0 480 gone");
        assert!(s.may_match_in(false, 0, a, b) && !s.may_match_in(false, 1, a, b));
        let (a, b) = line("Status = 401");
        assert!(s.may_match_in(false, 1, a, b) && !s.may_match_in(false, 0, a, b));
        p.scan("CSIPStack::Send state", &mut s);
        assert_eq!(s.cand, [false, false, false]);
    }
}

#[cfg(test)]
mod builtin_tests {
    use proptest::prelude::*;

    /// Pieces the texts are built from: whole and cut literals of the built-in markers, mixed
    /// case, separators and line breaks, so matches start and end anywhere in a line.
    const PIECES: &[&str] = &[
        "SIP/2.0 ",
        "sip/2.0",
        "480 Temporarily",
        "User-Agent: UCCAPI/16.0.6366.2062",
        "user-ag",
        "HTTP/1.1 401 Unauthorized",
        "http/1.",
        "status=503",
        "Status Code: 403",
        "Forbidden",
        "EnableOfflineIM=0",
        "enableimautoarchiving: \"False\"",
        "<property name='TracingLevel'>",
        "0x80190191",
        "0x8019",
        "/EWS/",
        "Exchange.asmx",
        "CreateItem",
        "senditem",
        "autodiscover",
        "could not resolve",
        "timed out",
        "TLS handshake failed",
        "WININET_E_TIMEOUT",
        "ms-diagnostics: 4005;reason=\"x\"",
        "Result-Code: 0x1 a",
        "Start-Line: SIP/2.0 200 OK",
        "TL_ERROR(TF_X)",
        "History Spooler",
        "retrying",
        "offline message",
        "signed out",
        "sign-in completed",
        "IPM.IM.Note.MissedConversation",
        "Skype for Business version 16.0.1.2",
        "ResponseClass=\"Error\"",
        "<s:Fault>",
        "<faultcode>",
        "EWS is not deployed",
        " ",
        "  ",
        "\n",
        ":",
        "=",
        "x",
        "CSIPStack",
        "state",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Every pattern that matches a text is a candidate, and its literal lies on the line
        /// of the match (the literals' tails, not their starts, are searched for).
        #[test]
        fn every_match_is_a_candidate_on_its_line(
            parts in proptest::collection::vec(0..PIECES.len(), 1..40),
            packed in any::<bool>(),
        ) {
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            let m = crate::parse::markers::Markers::builtin().expect("builtin");
            let pats: Vec<&str> = m.markers.iter().map(|x| x.regex.as_str()).collect();
            let mut p = super::Prefilter::new(&pats, true);
            if !packed {
                p = p.without_packed();
            }
            let mut s = super::Scan::default();
            p.scan(&text, &mut s);
            let mut start = 0;
            for line in text.split('\n') {
                let end = start + line.len();
                for (i, mk) in m.markers.iter().enumerate() {
                    if mk.regex.is_match(line) {
                        prop_assert!(s.cand[i], "{} on {:?}", mk.regex.as_str(), line);
                        prop_assert!(
                            s.may_match_in(p.is_unfiltered(i), i, start, end),
                            "{} on {:?}", mk.regex.as_str(), line
                        );
                    }
                }
                start = end + 1;
            }
        }
    }

    #[test]
    fn every_builtin_pattern_gets_literals() {
        let m = crate::parse::markers::Markers::builtin().expect("builtin");
        let pats = m
            .markers
            .iter()
            .map(|x| x.regex.as_str())
            .chain(m.contexts.iter().map(|(_, r)| r.as_str()));
        for p in pats {
            assert!(super::required_literals(p, true).is_some(), "{p}");
        }
    }
}
