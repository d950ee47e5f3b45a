//! The integration tests, one binary (linked once): a module per area. `common` holds the
//! shared helpers (the binary under a hang guard, temp trees, fixtures) and stays in
//! `tests/common/`; `tests/integration/hang_guards.rs` reads every test source under `tests/`.
//!
//! Run one area with a filter: `cargo test --test integration hostile_logs::`.

#[path = "../common/mod.rs"]
mod common;

mod bounded_events;
mod bundle_fleet;
mod bundle_privacy;
mod bundle_redaction;
mod chain_cli;
mod conventions_cli;
mod discovery_properties;
mod etl_cli;
mod fleet_unread;
mod fleet_walk;
mod fleet_watch;
mod four_reads;
mod fuzz_regressions;
mod hang_guards;
mod hostile;
mod hostile_logs;
mod locale_logs;
mod log_properties;
mod log_shapes;
mod logs_cli;
mod mailbox_cli;
mod mailbox_drafts_cli;
mod no_silent_loss;
mod output_safety;
mod outputs_cli;
mod policy_values;
mod profiles_and_paths;
mod properties;
mod readme_behaviours;
mod readonly_terminal;
mod real_shapes;
mod report_cli;
mod root_links;
mod root_spellings;
mod spool_review;
mod tail_kinds;
mod tail_properties;
mod tail_watch;
mod terminal_edges;
mod time_budget;
mod time_zones_cli;
mod unicode_names;
mod unlisted_spooler;
mod upgraded_client;
mod user_markers;
mod watch_cli;
mod watch_new_folders;
mod wild_paths;
