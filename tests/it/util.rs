//! Helpers the integration tests share: [`Cmd`], the one way to run a
//! built tool (arguments, stdin, environment, expected status, output
//! assertions); reading a child's peak memory; [`require`], the check of
//! a test's prerequisite; scratch directories.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

/// Runs `cmd` with `input` on stdin (written from a thread, so a child that
/// writes a lot before reading all its input cannot deadlock) and collects
/// its output.
pub fn run_with_input(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may exit without reading everything: not our error.
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    out
}

/// A process's peak resident memory so far, in KiB.
pub fn vm_hwm_kib(pid: u32) -> u64 {
    peak_kib(pid).unwrap_or_else(|| panic!("process {pid} has no VmHWM: it has exited"))
}

/// The same, or `None` once the process has exited (a zombie has none).
pub fn peak_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `sh` can run `cmd`: on PATH, or a shell keyword or builtin
/// (`command -v`). For a test's prerequisite use [`require`].
pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Fails the test unless its prerequisite `name` (one of
/// tests/it/prereq.rs) is here. Call it first in a test that also carries
/// `#[cfg_attr(missing_<name>, ignore = "needs ...")]`: without `CI` such a
/// test is ignored when the prerequisite is missing, so reaching this call
/// without it means `CI` is set (or `--include-ignored`), and the test must
/// fail, not pass.
pub fn require(name: &str) {
    let p = crate::prereq::find(name);
    assert!(
        p.present(),
        "this test needs {}; it is missing (a missing prerequisite fails the test under CI; \
         without CI the test is ignored)",
        p.needs
    );
}

/// A fresh, empty directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("leakhunt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `cmd` with piped stdin and stdout (stderr inherited), handing both
/// pipes back for a test that writes and reads at its own pace.
pub fn spawn_piped(cmd: &mut Command) -> (Child, ChildStdin, ChildStdout) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, stdin, stdout)
}

/// The path of a built tool of this package.
pub fn bin(tool: &str) -> &'static str {
    match tool {
        "fdcount" => env!("CARGO_BIN_EXE_fdcount"),
        "tstamp" => env!("CARGO_BIN_EXE_tstamp"),
        "tsplot" => env!("CARGO_BIN_EXE_tsplot"),
        _ => panic!("no tool named {tool}"),
    }
}

/// A run of one of the tools, built up like `std::process::Command` and
/// checked in one call: `Cmd::new("tsplot").args(["--report"]).stdin(csv)
/// .ok()` asserts exit 0 and hands back the output. Every run gets `TZ=UTC`
/// and `NO_COLOR` unless the test sets them, so output does not depend on
/// the machine.
pub struct Cmd {
    cmd: Command,
    stdin: Vec<u8>,
    shown: String,
}

impl Cmd {
    pub fn new(tool: &str) -> Cmd {
        let mut cmd = Command::new(bin(tool));
        cmd.env("TZ", "UTC").env("NO_COLOR", "1");
        Cmd {
            cmd,
            stdin: Vec::new(),
            shown: tool.to_string(),
        }
    }

    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.shown.push(' ');
        self.shown.push_str(&a.as_ref().to_string_lossy());
        self.cmd.arg(a);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.cmd.env(k, v);
        self
    }

    pub fn env_remove(mut self, k: &str) -> Cmd {
        self.cmd.env_remove(k);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<std::path::Path>) -> Cmd {
        self.cmd.current_dir(dir);
        self
    }

    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Cmd {
        self.stdin = input.as_ref().to_vec();
        self
    }

    /// Runs to the end, whatever the status.
    pub fn run(mut self) -> Run {
        let out = run_with_input(&mut self.cmd, &self.stdin);
        Run {
            out,
            shown: self.shown,
        }
    }

    /// Runs and asserts exit status 0.
    pub fn ok(self) -> Run {
        self.code(0)
    }

    /// Runs and asserts exit status `code` (never a signal).
    pub fn code(self, code: i32) -> Run {
        self.run().code(code)
    }
}

/// A finished [`Cmd`].
pub struct Run {
    pub out: Output,
    shown: String,
}

impl Run {
    /// Asserts exit status `code` (never a signal), for a test that must
    /// clean up before it checks.
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.out.status.code(),
            Some(code),
            "`{}`: expected exit {code}, got {:?}\nstdout:\n{}\nstderr:\n{}",
            self.shown,
            self.out.status,
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(
            self.stdout().contains(needle),
            "`{}`: stdout lacks {needle:?}:\n{}",
            self.shown,
            self.stdout()
        );
        self
    }

    pub fn stderr_has(self, needle: &str) -> Run {
        assert!(
            self.stderr().contains(needle),
            "`{}`: stderr lacks {needle:?}:\n{}",
            self.shown,
            self.stderr()
        );
        self
    }

    pub fn stderr_is(self, want: &str) -> Run {
        assert_eq!(self.stderr(), want, "`{}`: stderr", self.shown);
        self
    }

    pub fn stdout_is(self, want: &str) -> Run {
        assert_eq!(self.stdout(), want, "`{}`: stdout", self.shown);
        self
    }
}

/// Starts a holder process (a fixture that opens what a test counts, says
/// one line, its PID and what else the test needs, then waits on stdin)
/// and returns it with that first line, trimmed. The holder's stdin stays
/// open in the `Child`, so it holds on until the test kills it.
pub fn spawn_holder(cmd: &mut Command) -> (Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the holder");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("the holder's first line");
    (child, line.trim().to_string())
}
