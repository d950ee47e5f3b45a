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
//! Beside them it times the marker literal search alone over the same file on one core (the
//! part of the work no search-first design can skip, since the markers are found by their
//! literals), as a floor to read the lnav target against.
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

/// The marker literal search alone over `path` on this thread, in line-aligned pieces of at
/// most 512 KiB: seconds.
fn literal_search_secs(path: &std::path::Path) -> Result<f64, Box<dyn std::error::Error>> {
    let data = std::fs::read(path)?;
    let markers = Markers::builtin()?;
    let mut rec = spoolscope::parse::markers::Record::default();
    let start = Instant::now();
    let mut pos = 0;
    while pos < data.len() {
        let mut end = (pos + (512 << 10)).min(data.len());
        if let Some(nl) = data[end..].iter().position(|&b| b == b'\n') {
            end += nl + 1;
        } else {
            end = data.len();
        }
        rec.clear();
        rec.push(0, &String::from_utf8_lossy(&data[pos..end]));
        markers.prescan(&mut rec);
        pos = end;
    }
    Ok(start.elapsed().as_secs_f64())
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
                        if let Ok(ls) = literal_search_secs(&path) {
                            println!(
                                "  literal search alone, one core: {ls:6.2} s = {:.2}x lnav's time ({:.2}x of the 4x budget, {:.2} s)",
                                ls / lw.max(0.01),
                                ls / (lw / 4.0).max(0.01),
                                lw / 4.0
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
