//! The operating system, wrapped once for every tool: signals as events a
//! loop can wait on, buffered output by destination, the one atomic file
//! replace, and text made safe for a terminal.

pub mod output;
pub mod replace;
pub mod signals;
pub mod term;
