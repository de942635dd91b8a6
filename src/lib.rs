//! leakhunt: small Unix filters for catching slow resource leaks.
//!
//! The three binaries in `bin/` are one-line mains; each tool lives in
//! [`app`] (its options, flag table, run loop and output formats). Below the
//! tools, the library is layered:
//!
//! - [`sys`]: the operating system: signals, buffered output, the one atomic
//!   file replace, text made safe for a terminal.
//! - [`cli`]: argument helpers, the flag tables' help and completions.
//! - [`error`]: exit statuses and `tool: context: cause` messages.
//! - [`time`]: time zones, civil dates, strftime formats, parsing times back.
//! - [`procfs`]: what a process holds open, read from /proc.
//! - [`series`]: tsplot's input (CSV, JSON Lines, Prometheus) as points.
//! - [`report`]: what grew, how fast, and when it stepped up.
//! - [`chart`]: what tsplot draws and its renderers (terminal, SVG, HTML).

pub mod app;
pub mod chart;
pub mod cli;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod procfs;
pub mod report;
pub mod series;
pub mod sys;
pub mod time;
