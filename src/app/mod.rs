//! The three tools, one module each: options and flag table, run loop, and
//! the output formats only that tool writes. `bin/<tool>.rs` calls `main`.

pub mod fdcount;
pub mod tsplot;
pub mod tstamp;
