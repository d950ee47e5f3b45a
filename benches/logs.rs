//! Log throughput: generate a UccApilog of at least 200 MB (SPOOLSCOPE_BENCH_MB to change) in a
//! temporary folder, then time (1) a plain pass that only counts lines and (2) the real parse +
//! classification, over the same file in the same run. Prints MB/s, the ratio, and peak memory
//! (VmHWM from /proc/self/status, Linux only). Run with `cargo bench --bench logs`.

use spoolscope::corpus;
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mb: u64 = std::env::var("SPOOLSCOPE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir()?;
    // SPOOLSCOPE_BENCH_LOG=<file> times an existing log (e.g. from `spoolscope-gen log`) instead
    // of generating one, which keeps the generator out of a profile.
    let (path, expect) = match std::env::var_os("SPOOLSCOPE_BENCH_LOG") {
        Some(p) => (std::path::PathBuf::from(p), None),
        None => {
            let path = dir.path().join("Lync-UccApi-0.UccApilog");
            let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .ok_or("date")?;
            let t = Instant::now();
            let stats = {
                let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
                let s = corpus::write_uccapilog(&mut w, 42, mb << 20, start)?;
                w.flush()?;
                s
            };
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
