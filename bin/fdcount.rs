//! fdcount: count a process's open file descriptors (see `leakhunt::app::fdcount`).
//!
//! `no_main`: a one-shot count is one fstat, and std's runtime set-up (a
//! read of /proc/self/maps for the stack guard, a signal stack, SIGSEGV
//! handlers) would cost more than the count itself. Arguments still come
//! from std::env (glibc hands them over at load time).
#![no_main]

leakhunt::c_main!(leakhunt::app::fdcount::main_c);
