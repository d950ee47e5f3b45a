//! `spoolscope-gen`: large synthetic inputs (deterministic from `--seed`) for benchmarks, the
//! scale tests and CI's read-only step. Not part of the shipped `spoolscope` executable.

#![forbid(unsafe_code)]

use chrono::Utc;
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;

/// What `spoolscope-gen` writes.
#[derive(Debug, Parser)]
#[command(name = "spoolscope-gen", version)]
enum GenWhat {
    /// A profile tree: USERS profiles with ITEMS spooled files each, in mixed formats.
    Tree {
        dir: PathBuf,
        #[arg(long, default_value_t = 100)]
        users: usize,
        #[arg(long, default_value_t = 100)]
        items: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// A UccApilog of at least MB megabytes (SIP blocks, EWS calls and failures, noise).
    Log {
        file: PathBuf,
        #[arg(long, default_value_t = 200)]
        mb: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The mix: `routine` (few failures) or `failure-dense` (1 in 50 records an EWS 401,
        /// 1 in 7 a SIP 480 block, 1 in 7 a provisioning body with policy values).
        #[arg(long, default_value = "routine", value_parser = ["routine", "failure-dense"])]
        profile: String,
    },
}

/// A file or folder that could not be written, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
struct GenError {
    path: PathBuf,
    source: std::io::Error,
}

fn run(what: &GenWhat) -> Result<(), GenError> {
    let io = |p: &std::path::Path, source: std::io::Error| GenError {
        path: p.to_path_buf(),
        source,
    };
    match what {
        GenWhat::Tree {
            dir,
            users,
            items,
            seed,
        } => {
            let n = spoolscope::corpus_tree::write_tree(
                dir,
                *users,
                *items,
                *seed,
                std::time::SystemTime::now(),
            )
            .map_err(|e| io(dir, e))?;
            println!("{}: {n} spooled files in {users} profiles", dir.display());
        }
        GenWhat::Log {
            file,
            mb,
            seed,
            profile,
        } => {
            let profile = if profile == "failure-dense" {
                spoolscope::corpus::Profile::FailureDense
            } else {
                spoolscope::corpus::Profile::Routine
            };
            let f = std::fs::File::create(file).map_err(|e| io(file, e))?;
            let mut w = std::io::BufWriter::new(f);
            let start = (Utc::now() - chrono::Duration::hours(6)).naive_local();
            let st = spoolscope::corpus::write_uccapilog_profile(
                &mut w,
                *seed,
                mb << 20,
                start,
                profile,
            )
            .and_then(|st| w.flush().map(|_| st))
            .map_err(|e| io(file, e))?;
            println!(
                "{}: {} bytes, {} records",
                file.display(),
                st.bytes,
                st.records
            );
        }
    }
    Ok(())
}

fn main() {
    if let Err(e) = run(&GenWhat::parse()) {
        eprintln!("spoolscope-gen: {e}");
        std::process::exit(2);
    }
}
