//! Errors and exit statuses shared by every tool.
//!
//! Every message is printed as `tool: context: cause` on one line, and the
//! exit status says what kind of failure it was, so scripts can tell a typo in
//! a command line from a process that went away.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::OnceLock;

/// The documented exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything went as asked (also: the reader closed the pipe, or a
    /// signal ended a watch).
    Success = 0,
    /// A runtime failure: the process is gone, bad data under `--strict`,
    /// a read or write error.
    Failure = 1,
    /// The command line is wrong.
    Usage = 2,
    /// `tsplot --fail-on-growth`: a series grew faster than allowed.
    Growth = 3,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

#[derive(Debug)]
pub enum Error {
    /// A bad command line: exit 2.
    Usage(String),
    /// Anything that went wrong at run time: exit 1.
    Failure(String),
    /// The reader went away (EPIPE): stop at once, say nothing, exit 0.
    Quiet,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn usage(msg: impl Into<String>) -> Error {
        Error::Usage(msg.into())
    }

    pub fn failure(msg: impl Into<String>) -> Error {
        Error::Failure(msg.into())
    }

    /// An I/O error with what we were doing; a closed pipe becomes `Quiet`.
    pub fn io(context: impl fmt::Display, e: io::Error) -> Error {
        if is_broken_pipe(&e) {
            Error::Quiet
        } else {
            Error::Failure(format!("{context}: {}", describe(&e)))
        }
    }

    pub fn status(&self) -> Status {
        match self {
            Error::Usage(_) => Status::Usage,
            Error::Failure(_) => Status::Failure,
            Error::Quiet => Status::Success,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Failure(m) => f.write_str(m),
            Error::Quiet => f.write_str("broken pipe"),
        }
    }
}

impl From<lexopt::Error> for Error {
    fn from(e: lexopt::Error) -> Error {
        Error::Usage(e.to_string())
    }
}

pub fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// The cause of an I/O error as a user wants to read it: std appends
/// " (os error N)", which says nothing the text does not.
pub fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    let s = match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => &s[..i],
        _ => &s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

static TOOL: OnceLock<&'static str> = OnceLock::new();

/// The running tool's name, for message prefixes.
pub fn tool() -> &'static str {
    TOOL.get().copied().unwrap_or("leakhunt")
}

/// Prints `tool: msg` on stderr. A closed stderr must not turn a warning
/// into a panic, so write errors are ignored. Messages quote names from
/// data and arguments (a series called `\x1b]0;PWNED\x07`): control
/// characters are shown escaped here, the one door to stderr.
pub fn warn(msg: impl fmt::Display) {
    let msg = msg.to_string();
    let mut e = io::stderr().lock();
    let _ = writeln!(e, "{}: {}", tool(), crate::sys::term::visible(&msg));
}

/// The body of a `no_main` tool's C `main` (see [`c_main!`](crate::c_main!)), run before
/// std's runtime would have: with fd 1 closed it says `tool: closed` and
/// gives 1 (std would put /dev/null there, or the tool's first open would
/// get fd 1, and every line would be lost); else it ignores SIGPIPE as
/// std would, so a reader that leaves is an EPIPE error and not a kill,
/// and returns `main`'s exit status.
pub fn main_c(tool: &str, closed: &str, main: impl FnOnce() -> ExitCode) -> std::ffi::c_int {
    if stdout_closed() {
        let _ = writeln!(io::stderr(), "{tool}: {closed}");
        return 1;
    }
    run_c(main)
}

/// [`main_c`] for a tool that needs stdout only for some of its work
/// (tsplot writes `-o FILE` elsewhere): a closed fd 1 is put on /dev/null,
/// as std's runtime would, so that no file the tool opens lands on it, and
/// remembered for [`stdout_was_closed`].
pub fn main_c_stdout_optional(main: impl FnOnce() -> ExitCode) -> std::ffi::c_int {
    if stdout_closed() {
        STDOUT_WAS_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
        // The lowest free descriptors are taken: fd 0 first if it is
        // closed too (kept open on /dev/null as well), then fd 1.
        while let Ok(fd) = rustix::fs::open(
            "/dev/null",
            rustix::fs::OFlags::RDWR,
            rustix::fs::Mode::empty(),
        ) {
            use std::os::fd::IntoRawFd;
            if fd.into_raw_fd() >= 1 {
                break;
            }
        }
    }
    run_c(main)
}

static STDOUT_WAS_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// fd 1 was closed when the tool started (`tsplot >&-`): what it would
/// write there would be lost.
pub fn stdout_was_closed() -> bool {
    STDOUT_WAS_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

fn stdout_closed() -> bool {
    use std::os::fd::AsFd;
    matches!(
        rustix::io::fcntl_getfd(io::stdout().as_fd()),
        Err(rustix::io::Errno::BADF)
    )
}

fn run_c(main: impl FnOnce() -> ExitCode) -> std::ffi::c_int {
    // SAFETY: setting a signal disposition before any thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let code = main();
    // main_with gives only the documented statuses.
    [
        Status::Success,
        Status::Failure,
        Status::Usage,
        Status::Growth,
    ]
    .into_iter()
    .find(|&s| code == ExitCode::from(s))
    .map_or(Status::Failure as std::ffi::c_int, |s| s as std::ffi::c_int)
}

/// A `no_main` tool's whole `main`: `leakhunt::c_main!(leakhunt::app::fdcount::main_c);`
/// where that function (see [`main_c`]) returns the exit status.
#[macro_export]
macro_rules! c_main {
    ($entry:path) => {
        #[no_mangle]
        extern "C" fn main(
            _argc: ::std::ffi::c_int,
            _argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            $entry()
        }
    };
}

/// For the parsers' unit tests: the message of the usage error `r` must
/// be; anything else fails the test, naming `args`.
#[cfg(test)]
pub fn usage_message<T: fmt::Debug>(args: &[&str], r: Result<T>) -> String {
    match r {
        Err(Error::Usage(m)) => m,
        other => panic!("{args:?}: expected a usage error, got {other:?}"),
    }
}

/// Runs a tool's body and turns its outcome into the exit status: the one
/// place where errors are printed. A panic prints one line and exits 1.
pub fn main_with(tool: &'static str, body: impl FnOnce() -> Result<Status>) -> ExitCode {
    let _ = TOOL.set(tool);
    // A bug must still read as one line from this tool, not a Rust backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // One line, whatever the payload holds.
        let msg = msg.replace(['\n', '\r'], " ");
        warn(format_args!(
            "internal error: {msg}{at} (please report this)"
        ));
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status.into(),
        Ok(Err(Error::Quiet)) => Status::Success.into(),
        Ok(Err(e)) => {
            warn(&e);
            if let Error::Usage(_) = e {
                let mut err = io::stderr().lock();
                let _ = writeln!(err, "Try '{tool} --help' for more information.");
            }
            e.status().into()
        }
        // A bug is a runtime failure like any other to a script (exit 1),
        // not Rust's 101; the hook above has said what happened.
        Err(_) => Status::Failure.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_drops_os_error_suffix() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(describe(&e), "no such file or directory");
    }

    #[test]
    fn a_panic_exits_1_not_101() {
        let code = main_with("test", || panic!("a bug"));
        // The hook main_with set would report every later test's panic.
        let _ = std::panic::take_hook();
        assert_eq!(code, ExitCode::from(1));
        assert_eq!(main_with("test", || Ok(Status::Growth)), ExitCode::from(3));
    }

    #[test]
    fn broken_pipe_is_quiet() {
        let e = io::Error::from_raw_os_error(libc::EPIPE);
        assert!(matches!(Error::io("writing", e), Error::Quiet));
        let e = io::Error::from_raw_os_error(libc::ENOSPC);
        match Error::io("writing stdout", e) {
            Error::Failure(m) => assert_eq!(m, "writing stdout: no space left on device"),
            other => panic!("{other:?}"),
        }
    }
}
