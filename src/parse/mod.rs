//! Parsers: bytes in, model values out. Pure functions; no I/O, no clock.

pub mod mailbox;
pub mod psexport;
pub mod spool;
pub mod text;
