//! tstamp (see `leakhunt::app::tstamp`).
//!
//! `no_main`: std's runtime reopens a closed stdout on /dev/null before
//! `main`, which would turn `tstamp >&-` into a run that loses every line;
//! the C entry sees fd 1 as the shell left it. Arguments still come from
//! std::env (glibc hands them over at load time).
#![no_main]

leakhunt::c_main!(leakhunt::app::tstamp::main_c);
