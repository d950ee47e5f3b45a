//! Log throughput: generate a UccApilog of at least 200 MB (SPOOLSCOPE_BENCH_MB to change) in a
//! temporary folder, then time (1) a plain pass that only counts lines and (2) the real parse +
//! classification, over the same file in the same run. Prints MB/s, the ratio, and peak memory
//! (VmHWM from /proc/self/status, Linux only). Run with `cargo bench --bench logs`.
//!
//! Then, for each generator profile (routine and failure-dense, same size), it runs the shipped
//! `spoolscope report --format json FILE` and, when `lnav` is installed (with the UccApilog format
//! file from `shared/peers/` in `~/.lnav/formats/installed/`), `lnav -n -c ';SELECT count(*) FROM
//! uccapilog' FILE` on the same file, each under `/usr/bin/time` (wall time and the child's peak
//! RSS, which GNU time takes from `wait4`/getrusage), and prints the ratio.
//! Beside them it times the least work a search-first reader could do over the same file on
//! one core (the markers' literal search over large blocks, then the markers' regexes on only
//! the lines holding a literal; nothing stored), as a floor to read the lnav target against.
//! SPOOLSCOPE_BENCH_SKIP_INPROC=1 skips (1) and (2).

use spoolscope::corpus::{self, Profile};
use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, ParseOptions};
use spoolscope::parse::markers::Markers;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time the whole process has used, in seconds (Linux: utime + stime from /proc/self/stat,
/// in clock ticks of 10 ms), so figures stay meaningful when other jobs share the cores; the
/// parse runs on two threads, so this is their sum.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Wall seconds and peak RSS (KiB) of one child process, from GNU time's `%e %M`.
fn timed(cmd: &str, args: &[&std::ffi::OsStr]) -> Option<(f64, u64, bool)> {
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("@@ %e %M")
        .arg(cmd)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let l = err.lines().rev().find(|l| l.starts_with("@@ "))?;
    let mut f = l[3..].split_whitespace();
    let wall: f64 = f.next()?.parse().ok()?;
    let rss: u64 = f.next()?.parse().ok()?;
    // spoolscope exits 1 when it has findings; 2 and up is a failure.
    let ok = out.status.code().is_some_and(|c| c <= 1);
    Some((wall, rss, ok))
}

fn generate(
    path: &std::path::Path,
    mb: u64,
    profile: Profile,
) -> Result<corpus::CorpusStats, Box<dyn std::error::Error>> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or("date")?;
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let s = corpus::write_uccapilog_profile(&mut w, 42, mb << 20, start, profile)?;
    w.flush()?;
    Ok(s)
}

/// The least work a search-first reader could do over `path`, on this thread: seconds for (a)
/// the marker literal search alone, over line-aligned blocks of at most 1 MiB (ASCII case
/// ignored), and (b) all of it: record starts counted per minute from the fixed-width stamp,
/// that search, and each line holding a literal run through the regexes of the markers that
/// need that literal (captures taken). Nothing is stored, no SIP block or thread context is
/// followed and contexts are not checked: a floor, not a reader.
fn least_work_secs(path: &std::path::Path) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    use aho_corasick::packed::{Config, MatchKind};
    let data = std::fs::read(path)?;
    let markers = Markers::builtin()?;
    let mut lits: Vec<Vec<u8>> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    for (i, m) in markers.markers.iter().enumerate() {
        let req = spoolscope::parse::prefilter::required_literals(m.regex.as_str(), true);
        for l in req.ok_or("a built-in marker without literals")? {
            match lits.iter().position(|x| *x == l) {
                Some(k) => owners[k].push(i),
                None => {
                    lits.push(l);
                    owners.push(vec![i]);
                }
            }
        }
    }
    // A literal inside another one (found at the same place, the searcher reporting the
    // longer) stands for both.
    let mut ext = owners.clone();
    for (m, ml) in lits.iter().enumerate() {
        for (l, ll) in lits.iter().enumerate() {
            if l != m && ll.len() > ml.len() && ll.windows(ml.len()).any(|w| w == ml.as_slice()) {
                let add = owners[m].clone();
                ext[l].extend(add);
            }
        }
    }
    let searcher = Config::new()
        .match_kind(MatchKind::LeftmostLongest)
        .heuristic_pattern_limits(false)
        .builder()
        .extend(&lits)
        .build()
        .ok_or("no SIMD searcher on this CPU")?;
    let start = Instant::now();
    let mut search = 0.0;
    let stamp = |d: &[u8], i: usize| {
        d.len() >= i + 17 && d[i + 2] == b'/' && d[i + 5] == b'/' && d[i + 10] == b'|'
    };
    let mut minutes: std::collections::HashMap<&[u8], u64> = std::collections::HashMap::new();
    if stamp(&data, 0) {
        *minutes.entry(&data[..16]).or_default() += 1;
    }
    for nl in memchr::memchr_iter(b'\n', &data) {
        if stamp(&data, nl + 1) {
            *minutes.entry(&data[nl + 1..nl + 17]).or_default() += 1;
        }
    }
    let (mut lower, mut hits, mut cand) =
        (Vec::new(), Vec::new(), vec![false; markers.markers.len()]);
    let mut matched = 0u64;
    let mut pos = 0;
    while pos < data.len() {
        let end = match memchr::memchr(b'\n', &data[(pos + (1 << 20)).min(data.len())..]) {
            Some(nl) => (pos + (1 << 20)).min(data.len()) + nl + 1,
            None => data.len(),
        };
        let block = &data[pos..end];
        let t = Instant::now();
        lower.clear();
        lower.extend_from_slice(block);
        lower.make_ascii_lowercase();
        hits.clear();
        let mut at = 0;
        while let Some(m) = searcher.find_in(&lower, aho_corasick::Span::from(at..lower.len())) {
            hits.push((m.start(), m.pattern().as_usize()));
            at = m.start() + 1;
        }
        search += t.elapsed().as_secs_f64();
        let mut i = 0;
        while let Some(&(off, _)) = hits.get(i) {
            let a = memchr::memrchr(b'\n', &block[..off]).map_or(0, |x| x + 1);
            let b = memchr::memchr(b'\n', &block[off..]).map_or(block.len(), |x| off + x);
            cand.iter_mut().for_each(|c| *c = false);
            while let Some(&(_, lit)) = hits.get(i).filter(|h| h.0 < b) {
                ext[lit].iter().for_each(|&k| cand[k] = true);
                i += 1;
            }
            let line = String::from_utf8_lossy(&block[a..b]);
            for (k, _) in cand.iter().enumerate().filter(|c| *c.1) {
                if markers.markers[k].regex.captures(&line).is_some() {
                    matched += 1;
                }
            }
        }
        pos = end;
    }
    let all = start.elapsed().as_secs_f64();
    std::hint::black_box((minutes.len(), matched));
    Ok((search, all))
}

/// `report --format json` against lnav, per profile, on the same file in the same run.
fn versus_lnav(mb: u64) -> Result<(), Box<dyn std::error::Error>> {
    let bin = env!("CARGO_BIN_EXE_spoolscope");
    let lnav = ["/usr/bin/lnav", "/usr/local/bin/lnav"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    if !std::path::Path::new("/usr/bin/time").exists() {
        println!("report vs lnav  : skipped (no /usr/bin/time)");
        return Ok(());
    }
    for (name, profile) in [
        ("routine", Profile::Routine),
        ("failure-dense", Profile::FailureDense),
    ] {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("Lync-UccApi-0.UccApilog");
        let st = generate(&path, mb, profile)?;
        let size = st.bytes as f64 / (1u64 << 20) as f64;
        let file = path.as_os_str();
        let json = std::ffi::OsStr::new("json");
        let args = [
            std::ffi::OsStr::new("report"),
            std::ffi::OsStr::new("--format"),
            json,
            file,
        ];
        let Some((sw, srss, ok)) = timed(bin, &args) else {
            println!("{name:<14}: report could not be timed");
            continue;
        };
        if !ok {
            return Err(format!("{name}: spoolscope report failed").into());
        }
        println!(
            "{name:<14}: {size:.0} MiB ({} records, {} EWS 401, {} SIP 480, {} policy bodies)",
            st.records, st.ews_401, st.sip_480, st.policy_records
        );
        println!(
            "  spoolscope report --format json: {sw:6.2} s  peak RSS {:6.1} MiB",
            srss as f64 / 1024.0
        );
        match lnav {
            Some(l) => {
                let q = std::ffi::OsStr::new(";SELECT count(*) FROM uccapilog");
                let args = [
                    std::ffi::OsStr::new("-n"),
                    std::ffi::OsStr::new("-c"),
                    q,
                    file,
                ];
                match timed(l, &args) {
                    Some((lw, lrss, _)) => {
                        println!(
                            "  lnav -n (count query)          : {lw:6.2} s  peak RSS {:6.1} MiB",
                            lrss as f64 / 1024.0
                        );
                        println!(
                            "  ratio: spoolscope is {:.2}x faster than lnav (target >= 4x), RSS {:.2}x lnav's",
                            lw / sw.max(0.01),
                            srss as f64 / lrss.max(1) as f64
                        );
                        if let Ok((ls, all)) = least_work_secs(&path) {
                            let budget = lw / 4.0;
                            println!(
                                "  least work, one core: literal search {ls:5.2} s, with the marker regexes on lines holding a literal {all:5.2} s"
                            );
                            println!(
                                "  = {:.2}x of the 4x budget ({budget:.2} s) on one core, {:.2}x split perfectly over 2",
                                all / budget.max(0.01),
                                all / 2.0 / budget.max(0.01)
                            );
                        }
                    }
                    None => println!("  lnav could not be timed"),
                }
            }
            None => println!("  lnav not installed: no ratio"),
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mb: u64 = std::env::var("SPOOLSCOPE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    if std::env::var_os("SPOOLSCOPE_BENCH_SKIP_INPROC").is_none() {
        in_process(mb)?;
    }
    versus_lnav(mb)
}

/// (1) and (2): the in-process parse against a plain line count.
fn in_process(mb: u64) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    // SPOOLSCOPE_BENCH_LOG=<file> times an existing log (e.g. from `spoolscope-gen log`) instead
    // of generating one, which keeps the generator out of a profile.
    let (path, expect) = match std::env::var_os("SPOOLSCOPE_BENCH_LOG") {
        Some(p) => (std::path::PathBuf::from(p), None),
        None => {
            let path = dir.path().join("Lync-UccApi-0.UccApilog");
            let t = Instant::now();
            let stats = generate(&path, mb, Profile::Routine)?;
            println!(
                "generated {:.1} MiB, {} lines, {} records in {:.1} s",
                stats.bytes as f64 / (1u64 << 20) as f64,
                stats.lines,
                stats.records,
                t.elapsed().as_secs_f64()
            );
            (path, Some(stats))
        }
    };
    let size = std::fs::metadata(&path)?.len() as f64 / (1u64 << 20) as f64;

    // (1) Plain pass: read and count line feeds.
    let t = Instant::now();
    let c0 = cpu_secs();
    let mut f = File::open(&path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
    }
    let plain = t.elapsed().as_secs_f64();
    let plain_cpu = cpu_secs().zip(c0).map(|(b, a)| b - a);
    if let Some(st) = &expect {
        assert_eq!(lines, st.lines);
    }

    // (2) Parse and classify.
    let markers = Markers::builtin()?;
    let opts = ParseOptions::utc(&markers);
    let t = Instant::now();
    let c0 = cpu_secs();
    let file = File::open(&path)?;
    let out = parse_log(file, SourceKind::Uccapilog, &path, &opts)?;
    let full = t.elapsed().as_secs_f64();
    let full_cpu = cpu_secs().zip(c0).map(|(b, a)| b - a);
    if let Some(st) = &expect {
        assert_eq!(out.records, st.records);
    }

    let events: u64 = out.counts.values().sum();
    println!(
        "line count pass : {:8.1} MB/s  ({plain:.2} s)",
        size / plain
    );
    println!(
        "parse + classify: {:8.1} MB/s  ({full:.2} s), {} records, {events} events ({} kept)",
        size / full,
        out.records,
        out.events.len()
    );
    println!(
        "ratio           : parse is {:.1}x the line-count time",
        full / plain
    );
    if let (Some(p), Some(f)) = (plain_cpu, full_cpu) {
        println!(
            "cpu time        : line count {p:.3} s ({:.1} MB/s), parse {f:.3} s ({:.1} MB/s), ratio {:.1}x",
            size / p,
            size / f,
            f / p
        );
    }
    match vm_hwm_kib() {
        Some(k) => println!("peak memory     : {:.1} MiB (VmHWM)", k as f64 / 1024.0),
        None => println!("peak memory     : unavailable (no /proc/self/status)"),
    }
    Ok(())
}
