//! spoolscope: find out why Skype for Business / Lync offline IMs and conversation history
//! never reach Exchange.
//!
//! Data flows one way: `source` (disk) → `parse` → `model` → `diagnose` → `report` (views).
//! Everything but `source` and `cli` is pure and takes the current time as a value.

#![forbid(unsafe_code)]

#[cfg(test)]
mod accounting_tests;
pub mod bundle;
pub mod cli;
pub mod config;
pub mod console;
pub mod corpus;
pub mod corpus_tree;
pub mod debuglog;
pub mod demo;
pub mod diagnose;
pub mod duration;
pub mod fleet;
pub mod headless;
pub mod isolate;
pub mod model;
pub mod parse;
pub mod redact;
pub mod report;
pub mod sanitize;
pub mod source;
pub mod text;
pub mod tui;
