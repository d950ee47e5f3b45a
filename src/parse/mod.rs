//! Parsers: bytes in, model values out. Pure functions; no I/O, no clock.

pub mod cls;
pub mod etl;
pub mod logs;
pub mod logstream;
pub mod mailbox;
pub mod markers;
pub mod prefilter;
pub mod psexport;
pub mod rfc2047;
pub mod spool;
pub mod stamp;
pub mod text;
pub mod textlog;
pub mod tracerpt_csv;
pub mod tracerpt_xml;
pub mod uccapilog;
pub mod xml;
