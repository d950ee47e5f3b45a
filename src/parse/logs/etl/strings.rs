//! What can be read out of argument bytes without their format strings: printable strings
//! (ASCII/UTF-8 and UTF-16LE runs of at least [`MIN_RUN`] characters) and candidate HRESULTs.
//!
//! This is a heuristic reading. WPP format strings (TMF) are not public, so which bytes are a
//! `%s`, a `%S`, a number or a pointer is unknown: a run of printable bytes is taken for a
//! string, and a little-endian 32-bit `0x8xxxxxxx` with a facility from `winerror.h` is taken
//! for an HRESULT *candidate*. Both are labelled as such wherever they show.

/// Shortest run taken for a string, in characters.
pub const MIN_RUN: usize = 6;
/// Runs kept per event (the rest are counted by nobody: an event's strings are a sample).
const MAX_RUNS: usize = 64;
/// Characters kept per run.
const MAX_RUN_CHARS: usize = 16 * 1024;
/// HRESULT candidates kept per event.
const MAX_HRESULTS: usize = 8;

/// A string found in the bytes: where, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub utf16: bool,
}

/// Whether a UTF-16 unit may be part of a string: printable ASCII, tab and line breaks, Latin-1
/// and Latin Extended, Greek and Cyrillic, general punctuation. (CJK and other scripts are
/// left out on purpose: ASCII text read at an odd offset looks like CJK.)
#[inline]
fn text_unit(u: u16) -> bool {
    if u < 0x80 {
        return (0x20..=0x7E).contains(&u) || matches!(u, 0x09 | 0x0A | 0x0D);
    }
    matches!(u, 0xA0..=0x024F | 0x0370..=0x052F | 0x2010..=0x2027)
}

/// A UTF-16 run being collected.
#[derive(Default)]
struct Pending {
    start: Option<usize>,
    units: Vec<u16>,
    ascii: usize,
    counted: usize,
}

impl Pending {
    /// End the run at byte `end`; keep it when long enough and mostly ASCII.
    fn flush(&mut self, end: usize, out: &mut Vec<Run>) {
        if let Some(s) = self.start.take() {
            if self.counted >= MIN_RUN && self.ascii * 2 >= self.counted {
                let n = self.units.len().min(MAX_RUN_CHARS);
                let mut text = String::with_capacity(n);
                // Every unit taken is a BMP character outside the surrogates.
                text.extend(
                    self.units[..n]
                        .iter()
                        .map(|&u| char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}')),
                );
                out.push(Run {
                    start: s,
                    end,
                    text,
                    utf16: true,
                });
            }
        }
        self.units.clear();
        self.ascii = 0;
        self.counted = 0;
    }
}

/// UTF-16LE runs starting at offsets of parity `par`.
fn utf16_runs(b: &[u8], par: usize, out: &mut Vec<Run>) {
    let mut i = par;
    let mut p = Pending::default();
    while i + 2 <= b.len() {
        let u = u16::from_le_bytes([b[i], b[i + 1]]);
        if text_unit(u) {
            if p.start.is_none() {
                p.start = Some(i);
            }
            p.units.push(u);
            if !matches!(u, 0x09 | 0x0A | 0x0D) {
                p.counted += 1;
                if u < 0x80 {
                    p.ascii += 1;
                }
            }
        } else if p.start.is_some() {
            p.flush(i, out);
        }
        i += 2;
    }
    p.flush(i.min(b.len()), out);
}

/// The length of a UTF-8 sequence for a non-control character starting at `b[0]`, if any.
fn utf8_char(b: &[u8]) -> Option<usize> {
    let n = match b.first()? {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(b.get(..n)?).ok()?;
    s.chars().next().filter(|c| !c.is_control()).map(|_| n)
}

/// Runs of printable ASCII (with valid UTF-8 sequences, tabs and line breaks).
fn ascii_runs(b: &[u8], out: &mut Vec<Run>) {
    let mut i = 0;
    let mut start = None;
    let mut counted = 0usize;
    let push = |s: usize, e: usize, counted: usize, out: &mut Vec<Run>| {
        if counted >= MIN_RUN {
            let mut text = String::from_utf8_lossy(&b[s..e]).into_owned();
            if text.len() > MAX_RUN_CHARS {
                let cut = text
                    .char_indices()
                    .nth(MAX_RUN_CHARS)
                    .map_or(text.len(), |(i, _)| i);
                text.truncate(cut);
            }
            out.push(Run {
                start: s,
                end: e,
                text,
                utf16: false,
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        let n = match c {
            0x20..=0x7E => {
                counted += 1;
                1
            }
            0x09 | 0x0A | 0x0D => 1,
            _ => match utf8_char(&b[i..]) {
                Some(n) => {
                    counted += 1;
                    n
                }
                None => 0,
            },
        };
        if n == 0 {
            if let Some(s) = start.take() {
                push(s, i, counted, out);
            }
            counted = 0;
            i += 1;
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        i += n;
    }
    if let Some(s) = start {
        push(s, b.len(), counted, out);
    }
}

/// The printable strings of `b`, in byte order, none overlapping another. Where an ASCII run
/// and a UTF-16 run start at the same byte, the longer one wins (UTF-16 on a tie).
pub fn runs(b: &[u8]) -> Vec<Run> {
    let mut all = Vec::new();
    ascii_runs(b, &mut all);
    utf16_runs(b, 0, &mut all);
    utf16_runs(b, 1, &mut all);
    all.sort_by(|x, y| {
        (x.start, std::cmp::Reverse(x.end), !x.utf16).cmp(&(
            y.start,
            std::cmp::Reverse(y.end),
            !y.utf16,
        ))
    });
    let mut out: Vec<Run> = Vec::new();
    for r in all {
        if out.last().is_some_and(|l| r.start < l.end) {
            continue;
        }
        // Trim the trailing and leading whitespace of the text (offsets stay the byte span).
        let t = r.text.trim();
        if t.chars().count() < MIN_RUN {
            continue;
        }
        let text = if t.len() == r.text.len() {
            r.text
        } else {
            t.to_string()
        };
        out.push(Run { text, ..r });
        if out.len() >= MAX_RUNS {
            break;
        }
    }
    out
}

/// Facilities of `winerror.h` taken for HRESULT candidates, with their names.
fn facility(f: u32) -> Option<&'static str> {
    Some(match f {
        0 => "NULL",
        1 => "RPC",
        2 => "DISPATCH",
        3 => "STORAGE",
        4 => "ITF",
        7 => "WIN32",
        8 => "WINDOWS",
        9 => "SECURITY",
        10 => "CONTROL",
        11 => "CERT",
        12 => "INTERNET",
        25 => "HTTP",
        _ => return None,
    })
}

/// A candidate HRESULT and what it would mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hresult {
    pub value: u32,
    pub facility: &'static str,
}

impl Hresult {
    /// `hr=0x80190191 (candidate HRESULT, facility HTTP, status 401)`: the words the markers
    /// and the reader see.
    pub fn line(&self) -> String {
        let code = self.value & 0xFFFF;
        let extra = match self.facility {
            "HTTP" => format!(", status {code}"),
            "WIN32" => format!(", Win32 error {code}"),
            _ => String::new(),
        };
        format!(
            "hr={:#010x} (candidate HRESULT, facility {}{extra})",
            self.value, self.facility
        )
    }
}

/// Little-endian 32-bit values `0x8xxxxxxx` (severity error, no customer/reserved bits) with a
/// known facility, at any byte offset outside the string runs, without repeats. WIN32 codes
/// must look like Win32 errors (< 0x4000) and HTTP ones like HTTP statuses (100–599).
pub fn hresults(b: &[u8], runs: &[Run]) -> Vec<Hresult> {
    let mut out: Vec<Hresult> = Vec::new();
    let mut k = 0;
    let mut i = 0;
    while i + 4 <= b.len() {
        while k < runs.len() && runs[k].end <= i {
            k += 1;
        }
        if k < runs.len() && runs[k].start < i + 4 {
            // Overlaps a string: go past it.
            i = runs[k].end.max(i + 1);
            continue;
        }
        let v = u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        i += 1;
        if v >> 28 != 0x8 {
            continue;
        }
        let Some(fac) = facility((v >> 16) & 0x0FFF) else {
            continue;
        };
        let code = v & 0xFFFF;
        let plausible = match fac {
            "WIN32" => code > 0 && code < 0x4000,
            "HTTP" => (100..600).contains(&code),
            _ => code > 0,
        };
        if plausible && !out.iter().any(|h| h.value == v) {
            out.push(Hresult {
                value: v,
                facility: fac,
            });
            if out.len() >= MAX_HRESULTS {
                break;
            }
        }
    }
    out
}

/// The text lines a reader (and the markers) get from argument bytes: every string run split at
/// its line breaks, then one line per HRESULT candidate.
pub fn lines(b: &[u8]) -> (Vec<String>, Vec<Hresult>) {
    let rs = runs(b);
    let hr = hresults(b, &rs);
    let mut out = Vec::with_capacity(rs.len() + hr.len());
    for r in rs {
        if !r.text.contains(['\r', '\n']) {
            out.push(r.text);
            continue;
        }
        for l in r.text.split(['\r', '\n']) {
            let l = l.trim();
            if !l.is_empty() {
                out.push(l.to_string());
            }
        }
    }
    out.extend(hr.iter().map(Hresult::line));
    (out, hr)
}

/// Bytes from hex text (`0A0B0C`, spaces and a `0x` prefix allowed), `None` when it is not
/// hex. At most `max` bytes are decoded.
pub fn from_hex(s: &str, max: usize) -> Option<Vec<u8>> {
    let t = s.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut out = Vec::with_capacity((t.len() / 2).min(max));
    let mut hi: Option<u8> = None;
    for c in t.chars() {
        if c.is_whitespace() {
            continue;
        }
        let d = c.to_digit(16)? as u8;
        match hi.take() {
            None => hi = Some(d),
            Some(h) => {
                if out.len() >= max {
                    break;
                }
                out.push(h << 4 | d);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn ascii_and_utf16_runs_at_any_offset() {
        let mut b = vec![0x01, 0x02, 0x03];
        b.extend_from_slice(b"sip:bob@contoso.com\0");
        b.push(0x7F);
        b.extend(utf16("https://mail.contoso.com/EWS/Exchange.asmx")); // odd offset
        b.extend_from_slice(&[0, 0, 0xAB, 0xCD]);
        b.extend_from_slice(b"short\0"); // 5 chars: not a string
        let r = runs(&b);
        let texts: Vec<&str> = r.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "sip:bob@contoso.com",
                "https://mail.contoso.com/EWS/Exchange.asmx"
            ]
        );
        assert!(!r[0].utf16 && r[1].utf16);
        assert_eq!(r[0].start, 3);
        assert_eq!(
            r[1].start % 2,
            0,
            "the UTF-16 run starts at an even offset here"
        );
        // ASCII read at the other parity is not taken for UTF-16 text.
        let r = runs(b"xSIP/2.0 480 Temporarily Unavailable");
        assert_eq!(r.len(), 1);
        assert!(!r[0].utf16);
        assert_eq!(r[0].text, "xSIP/2.0 480 Temporarily Unavailable");
    }

    #[test]
    fn non_ascii_text_and_line_breaks() {
        let (l, _) = lines("Müller sagt: grüß Gott\r\nTo: <sip:bob@contoso.com>\r\n".as_bytes());
        assert_eq!(l, ["Müller sagt: grüß Gott", "To: <sip:bob@contoso.com>"]);
        let (l, _) = lines(&utf16("Überweisung fehlgeschlagen"));
        assert_eq!(l, ["Überweisung fehlgeschlagen"]);
    }

    #[test]
    fn hresult_candidates_need_a_known_facility() {
        let mut b = Vec::new();
        b.extend_from_slice(&0x8019_0191u32.to_le_bytes()); // HTTP 401
        b.extend_from_slice(&0x8007_0005u32.to_le_bytes()); // E_ACCESSDENIED
        b.extend_from_slice(&0x8019_0191u32.to_le_bytes()); // repeat
        b.extend_from_slice(&0x8055_0001u32.to_le_bytes()); // unknown facility
        b.extend_from_slice(&0xC019_0191u32.to_le_bytes()); // customer/NTSTATUS-like bits
        b.extend_from_slice(&0x8019_0009u32.to_le_bytes()); // HTTP, not a status
        b.extend_from_slice(&0x8007_FFFFu32.to_le_bytes()); // WIN32, not an error code
        let h = hresults(&b, &runs(&b));
        let v: Vec<u32> = h.iter().map(|x| x.value).collect();
        assert_eq!(v, [0x8019_0191, 0x8007_0005]);
        assert_eq!(
            h[0].line(),
            "hr=0x80190191 (candidate HRESULT, facility HTTP, status 401)"
        );
        // Inside a string the bytes are text, not a number.
        let s = b"abc\x91\x01\x19\x80def".to_vec();
        assert!(hresults(
            &s,
            &[Run {
                start: 0,
                end: s.len(),
                text: String::new(),
                utf16: false
            }]
        )
        .is_empty());
    }

    #[test]
    fn hex_text_decodes() {
        assert_eq!(from_hex("0A0b 0C", 10), Some(vec![0x0A, 0x0B, 0x0C]));
        assert_eq!(from_hex("0x0A0B", 1), Some(vec![0x0A]));
        assert_eq!(from_hex("zz", 10), None);
        assert_eq!(from_hex("", 10), Some(vec![]));
    }
}
