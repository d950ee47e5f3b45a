//! Report end to end: generate a case (3 × 50 MB UccApilogs, 1 000 spooled items, a Drafts
//! FindItem listing of 5 000 items), then run the release binary `spoolscope report --format
//! json` on it a few times, printing wall time and peak RSS of each run, next to two baselines
//! measured in the same run: `cat` of every input byte, and the binary on an empty folder.
//!
//! Needs `/usr/bin/time` (GNU time, `apt-get install time`) for peak RSS. Run with
//! `cargo bench --bench report_e2e`; `SPOOLSCOPE_BENCH_RUNS` (default 3) and
//! `SPOOLSCOPE_BENCH_LOG_MB` (default 50) change the runs and the size of each log.

use spoolscope::{corpus, corpus_tree};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An EWS FindItem response listing `n` items of the Drafts folder (the shape
/// `src/parse/mailbox.rs` reads).
fn drafts_listing(n: usize) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><s:Body>\n<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id=\"drafts\"/></m:ParentFolderIds></m:FindItem>\n",
    );
    let _ = write!(
        x,
        "<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>\n<m:RootFolder TotalItemsInView=\"{n}\" IncludesLastItemInRange=\"true\"><t:Items>\n"
    );
    for i in 0..n {
        let (class, subject) = if i % 3 == 0 {
            (
                "IM.Note.MissedConversation",
                "Jane Doe sent you a message in Skype for Business".to_string(),
            )
        } else {
            ("IPM.Note", format!("Draft {i}"))
        };
        let m = i % (24 * 60);
        let _ = writeln!(
            x,
            "<t:Message><t:ItemId Id=\"AAMkADraft{i:05}\" ChangeKey=\"CQAAAB\"/><t:Subject>{subject}</t:Subject><t:ItemClass>{class}</t:ItemClass><t:DateTimeCreated>2026-03-01T{:02}:{:02}:00Z</t:DateTimeCreated><t:From><t:Mailbox><t:Name>User Zero</t:Name><t:EmailAddress>user0@contoso.com</t:EmailAddress></t:Mailbox></t:From><t:ToRecipients><t:Mailbox><t:EmailAddress>rlee@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients><t:IsDraft>true</t:IsDraft></t:Message>",
            m / 60,
            m % 60
        );
    }
    x.push_str("</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>\n</s:Body></s:Envelope>\n");
    x
}

/// Wall seconds and peak RSS (KiB) of a command, via `/usr/bin/time -f "%e %M"`; falls back to
/// our own clock (no RSS) when GNU time is missing.
fn measure(program: &str, args: &[&str]) -> std::io::Result<(f64, Option<u64>)> {
    let stats = tempfile::NamedTempFile::new()?;
    let have_time = Path::new("/usr/bin/time").exists();
    let t = Instant::now();
    let status = if have_time {
        Command::new("/usr/bin/time")
            .arg("-o")
            .arg(stats.path())
            .args(["-f", "%e %M", program])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
    } else {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
    };
    let wall = t.elapsed().as_secs_f64();
    // `report` exits 1 when it has findings: only a signal is a failure here.
    if status.code().is_none() {
        return Err(std::io::Error::other(format!("{program} died: {status}")));
    }
    let rss = std::fs::read_to_string(stats.path())
        .ok()
        .and_then(|s| s.lines().last().map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse().ok()));
    Ok((wall, rss))
}

fn mib(k: Option<u64>) -> String {
    k.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs = env_u64("SPOOLSCOPE_BENCH_RUNS", 3).max(1);
    let log_mb = env_u64("SPOOLSCOPE_BENCH_LOG_MB", 50);
    let bin = env!("CARGO_BIN_EXE_spoolscope");
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("case");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty)?;
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_460_000); // 2026-03-02T14:00Z
    let t = Instant::now();
    let items = corpus_tree::write_tree(&root, 1, 1000, 7, now)?;
    let tracing = root.join("Users/user0/AppData/Local/Microsoft/Office/16.0/Lync/Tracing");
    std::fs::create_dir_all(&tracing)?;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .ok_or("date")?;
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut bytes = 0u64;
    for (i, name) in [
        "Lync-UccApi-0.UccApilog.bak",
        "Lync-UccApi-0.UccApilog",
        "Lync-UccApi-1.UccApilog",
    ]
    .iter()
    .enumerate()
    {
        let p = tracing.join(name);
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&p)?);
        let s = corpus::write_uccapilog(&mut w, 100 + i as u64, log_mb << 20, start)?;
        w.flush()?;
        bytes += s.bytes;
        inputs.push(p);
    }
    let drafts = root.join("drafts-finditem.xml");
    std::fs::write(&drafts, drafts_listing(5000))?;
    inputs.push(drafts.clone());
    for e in walkdir::WalkDir::new(root.join("Users"))
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() && e.path().to_string_lossy().contains("History Spooler") {
            bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
            inputs.push(e.path().to_path_buf());
        }
    }
    println!(
        "case: {items} spooled items, 3 logs of {log_mb} MiB, 5000 drafts; {:.1} MiB in all (generated in {:.1} s)",
        bytes as f64 / (1u64 << 20) as f64,
        t.elapsed().as_secs_f64()
    );

    let root_s = root.to_string_lossy().into_owned();
    let drafts_s = drafts.to_string_lossy().into_owned();
    let empty_s = empty.to_string_lossy().into_owned();
    let report_args = [
        "report",
        "--format",
        "json",
        "--now",
        "2026-03-02T14:00:00Z",
        "--mailbox",
        drafts_s.as_str(),
        root_s.as_str(),
    ];
    let input_s: Vec<String> = inputs
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let cat_args: Vec<&str> = input_s.iter().map(String::as_str).collect();

    let mut best = (f64::MAX, 0u64);
    let mut cat_best = f64::MAX;
    let mut empty_best = f64::MAX;
    for r in 0..runs {
        let (cw, _) = measure("cat", &cat_args)?;
        let (ew, erss) = measure(bin, &["report", "--format", "json", &empty_s])?;
        let (w, rss) = measure(bin, &report_args)?;
        println!(
            "run {}: report {w:.2} s, peak RSS {} | cat of the same bytes {cw:.2} s | report on an empty folder {ew:.3} s, {}",
            r + 1,
            mib(rss),
            mib(erss)
        );
        if w < best.0 {
            best = (w, rss.unwrap_or(0));
        }
        cat_best = cat_best.min(cw);
        empty_best = empty_best.min(ew);
    }
    println!(
        "best: report {:.2} s ({:.1}x cat {:.2} s; {:.0}x the empty-folder report {:.3} s), peak RSS {:.1} MiB",
        best.0,
        best.0 / cat_best,
        cat_best,
        best.0 / empty_best,
        empty_best,
        best.1 as f64 / 1024.0
    );
    Ok(())
}
