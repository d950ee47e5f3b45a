//! spoolscope: find out why Skype for Business / Lync offline IMs and conversation history
//! never reach Exchange.
//!
//! Data flows one way: `source` (disk) → `parse` → `model` → `diagnose` → `report`/`tui`
//! (views). `pipeline` runs scan → correlate → diagnose (and the one refresh after a change)
//! for every front end; `settings` is what a run uses, `exit` its codes and top-level error;
//! `cli` only parses flags, layers them over the config file and dispatches (nothing imports
//! it, and it is the only module that knows clap). `model`, `parse` and `diagnose` do no I/O
//! and take the current time as a value; `.ci/layering.sh` checks it. Every path on disk the
//! Lync clients use is named once, in `source::layout`.
//!
//! Features (both off in a plain `cargo build`, on in `cargo test` and `cargo bench`):
//! `testkit` compiles the synthetic-input generators (`corpus`, `corpus_tree`, the
//! `spoolscope-gen` binary); `fault-injection` compiles the test fault hooks of `isolate`.

#![forbid(unsafe_code)]

/// What `--version` prints after the name: the version, then the build (commit when built from
/// git, target triple, profile), as bug reports need it.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("SPOOLSCOPE_BUILD"),
    ")"
);

#[cfg(test)]
mod accounting_tests;
pub(crate) mod bundle;
pub mod cli;
pub mod clock;
pub mod config;
pub(crate) mod console;
/// Synthetic inputs for benches, scale tests and `spoolscope-gen` (feature `testkit`, which
/// `cargo test` and `cargo bench` turn on; not in the shipped `spoolscope`).
#[cfg(any(test, feature = "testkit"))]
#[doc(hidden)]
pub mod corpus;
#[cfg(any(test, feature = "testkit"))]
#[doc(hidden)]
pub mod corpus_tree;
pub(crate) mod debuglog;
pub mod demo;
pub mod diagnose;
pub(crate) mod duration;
pub(crate) mod exit;
pub(crate) mod fleet;
pub(crate) mod headless;
pub(crate) mod isolate;
pub mod model;
pub(crate) mod outfile;
pub mod parse;
pub(crate) mod pipeline;
pub mod redact;
pub mod report;
pub mod sanitize;
pub(crate) mod settings;
pub mod source;
pub mod text;
pub mod tui;
