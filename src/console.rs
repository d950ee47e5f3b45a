//! The Windows console. Windows Terminal understands ANSI colour codes as they are; the classic
//! console host (conhost) only once virtual-terminal processing is switched on for the output,
//! which crossterm does for us. Text itself needs nothing: std writes UTF-16 to a console, so
//! any code page shows addresses and names correctly, and UTF-8 bytes to a pipe or a file.
//!
//! Ctrl+C in `report` needs no handler either: nothing is written anywhere but stdout, so the
//! default (the process ends at once) leaves nothing half-done.

/// Whether colour codes written to stdout will be shown as colour. On Windows this switches
/// virtual-terminal processing on when the console supports it; elsewhere it is always true.
pub fn ansi_ready() -> bool {
    #[cfg(windows)]
    {
        ratatui::crossterm::ansi_support::supports_ansi()
    }
    #[cfg(not(windows))]
    {
        true
    }
}
