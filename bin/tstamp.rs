//! tstamp (see `leakhunt::app::tstamp`).
//!
//! `no_main`: std's runtime reopens a closed stdout on /dev/null before
//! `main`, which would turn `tstamp >&-` into a run that loses every line;
//! the C entry sees fd 1 as the shell left it. Arguments still come from
//! std::env (glibc hands them over at load time).
#![no_main]

#[no_mangle]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    leakhunt::app::tstamp::main_c()
}
