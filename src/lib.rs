//! leakhunt: small Unix filters for catching slow resource leaks.
//!
//! The three binaries in `bin/` are thin: they parse arguments and call into
//! this library, which holds everything they share (exit statuses, error
//! reporting, buffered output, signal handling, time zones) and one module per
//! concern.

pub mod cli;
pub mod completions;
pub mod error;
pub mod fdcount;
pub mod follow;
#[doc(hidden)]
pub mod fuzzing;
pub mod html;
pub mod output;
pub mod plot;
pub mod procfs;
pub mod series;
pub mod signals;
pub mod stamp;
pub mod timefmt;
pub mod tz;
