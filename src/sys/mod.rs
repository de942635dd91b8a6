//! The operating system, wrapped once for every tool: signals as events a
//! loop can wait on, and buffered output by destination.

pub mod output;
pub mod signals;
