//! Parsers: bytes in, model values out. Pure functions; no I/O, no clock.

pub mod spool;
pub mod text;
pub mod mailbox;
pub mod psexport;
