//! Binary `.etl` throughput: write a synthetic trace of SPOOLSCOPE_BENCH_MB MiB (default 100) of
//! WPP messages (a mix of SIP lines, EWS URLs, HRESULTs and binary arguments) in 64 KiB buffers,
//! then time over the same file in the same run: (1) a plain read, (2) the container walk alone
//! (buffers and record headers), (3) the full parse (strings, HRESULT candidates, markers).
//! Prints MB/s, the ratios, and peak memory (VmHWM, Linux only). `cargo bench --bench etl`.
//! SPOOLSCOPE_BENCH_ETL=<file> times an existing `.etl` instead.

use spoolscope::model::SourceKind;
use spoolscope::parse::etl::{container, synth};
use spoolscope::parse::logs::{parse_log, ParseOptions};
use spoolscope::parse::markers::Markers;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::time::Instant;

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

/// The arguments of message `i`: mostly routine text, sometimes a SIP line, rarely an EWS call
/// with an HRESULT, or only binary values.
fn args(i: u64) -> Vec<u8> {
    let mut a = Vec::new();
    // One EWS failure in 500 messages, one SIP response in 10; the rest routine text or binary.
    match if i.is_multiple_of(500) { 0 } else { 1 + i % 10 } {
        0 => {
            a.extend(synth::utf16(
                "POST https://mail.contoso.com/EWS/Exchange.asmx",
                true,
            ));
            a.extend_from_slice(&0x8019_0191u32.to_le_bytes());
        }
        1 => a.extend_from_slice(
            b"SIP/2.0 200 OK\r\nFrom: <sip:jdoe@contoso.com>;tag=1\r\nTo: <sip:rlee@contoso.com>\r\nCSeq: 1 MESSAGE\r\n\0",
        ),
        2 | 3 => {
            for k in 0..6u64 {
                a.extend_from_slice(&(i.wrapping_mul(0x9E37_79B9) ^ k).to_le_bytes());
            }
        }
        _ => {
            a.extend_from_slice(
                format!("CUccConversation::ProcessMessage {i}: state=Connected, participants=2\0")
                    .as_bytes(),
            );
            a.extend_from_slice(&(i as u32).to_le_bytes());
        }
    }
    a
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mb: u64 = std::env::var("SPOOLSCOPE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir()?;
    let path = match std::env::var_os("SPOOLSCOPE_BENCH_ETL") {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let path = dir.path().join("Lync-UccApi-0.etl");
            let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
            let h = synth::Header {
                buffer_size: 64 << 10,
                ..synth::Header::default()
            };
            let size = h.buffer_size as usize;
            w.write_all(&synth::file(&h, &[]))?;
            let g = synth::guid(
                0x2818_ef08,
                0x6a54,
                0x396f,
                [0x22, 0x44, 0x5a, 0x6e, 0xa4, 0xa9, 0x8c, 0xf0],
            );
            let (mut written, mut i) = (size as u64, 0u64);
            let mut group: Vec<Vec<u8>> = Vec::new();
            let mut used = 0x48;
            while written < mb << 20 {
                let r = synth::wpp(
                    g,
                    (i % 50) as u16,
                    synth::START_FT + i as i64 * 1000,
                    0x1F68,
                    0xC14,
                    &args(i),
                );
                let need = (r.len() + 7) & !7;
                if used + need > size {
                    w.write_all(&synth::buffer(size, &group, 0))?;
                    written += size as u64;
                    group.clear();
                    used = 0x48;
                }
                used += need;
                group.push(r);
                i += 1;
            }
            w.flush()?;
            println!(
                "generated {} MiB, {i} WPP records in 64 KiB buffers",
                written >> 20
            );
            path
        }
    };
    let size = std::fs::metadata(&path)?.len() as f64 / (1u64 << 20) as f64;

    // (1) Plain read.
    let t = Instant::now();
    let mut f = File::open(&path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
    }
    let plain = t.elapsed().as_secs_f64();
    assert!(n > 0);

    // (2) The container walk alone.
    let t = Instant::now();
    let mut records = 0u64;
    let w = container::walk(BufReader::new(File::open(&path)?), &mut |it| {
        if matches!(it, container::Item::Record { .. }) {
            records += 1;
        }
    })?;
    let walk = t.elapsed().as_secs_f64();

    // (3) The full parse.
    let markers = Markers::builtin()?;
    let opts = ParseOptions::utc(&markers);
    let t = Instant::now();
    let out = parse_log(File::open(&path)?, SourceKind::Etl, &path, &opts)?;
    let full = t.elapsed().as_secs_f64();
    let events: u64 = out.counts.values().sum();

    println!(
        "plain read      : {:8.1} MB/s  ({plain:.2} s)",
        size / plain
    );
    println!(
        "container walk  : {:8.1} MB/s  ({walk:.2} s), {} buffers, {records} records",
        size / walk,
        w.buffers
    );
    println!(
        "full parse      : {:8.1} MB/s  ({full:.2} s), {} events ({} kept)",
        size / full,
        events,
        out.events.len()
    );
    println!(
        "ratios          : walk {:.1}x, parse {:.1}x the plain read",
        walk / plain,
        full / plain
    );
    match vm_hwm_kib() {
        Some(k) => println!("peak memory     : {:.1} MiB (VmHWM)", k as f64 / 1024.0),
        None => println!("peak memory     : unavailable"),
    }
    Ok(())
}
