//! Wall-clock time for every tool: UTC offsets and civil dates ([`zone`]),
//! strftime-like formats rendered without allocation ([`format`]), and times
//! read back from text ([`parse`]).

pub mod format;
pub mod parse;
pub mod zone;
