//! Wall-clock time for every tool: time zones and offsets ([`zone`]), civil
//! dates on the `time` crate ([`civil`]), month and weekday names
//! ([`names`]), strftime formats rendered without allocation ([`format`](mod@format)),
//! and times read back from text ([`parse`]).

pub mod civil;
pub mod format;
pub mod names;
pub mod parse;
pub mod zone;
