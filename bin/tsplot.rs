//! tsplot (see `leakhunt::app::tsplot`).
//!
//! `no_main`: std's runtime reopens a closed stdout on /dev/null before
//! `main`, which would turn `tsplot < log >&-` into a run that draws its
//! chart into nothing, silently; the C entry sees fd 1 as the shell left it.
#![no_main]

leakhunt::c_main!(leakhunt::app::tsplot::main_c);
