//! Parsers: bytes in, model values out. Pure functions; no I/O, no clock.

pub mod logs;
/// The binary `.etl` reader (a log parser, in `logs/`), also used by the line index.
pub use logs::etl;
pub mod logstream;
pub mod mailbox;
pub mod markers;
pub mod mime_head;
pub mod prefilter;
pub mod psexport;
pub mod rfc2047;
pub mod spool;
pub mod stamp;
pub mod text;
pub mod xml;
