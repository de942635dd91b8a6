//! The integration tests' prerequisites beyond Rust: each one's name, what
//! to install, and the probe that tells whether this machine has it.
//!
//! Compiled twice: by build.rs, which turns every missing prerequisite into
//! a `missing_<name>` cfg so the tests needing it are marked ignored (with
//! the reason) when `CI` is not set, and by the test binary, whose
//! [`crate::util::require`] runs the same probe at the start of the test and
//! fails it when the prerequisite is still absent (always the case under
//! `CI`, where build.rs marks nothing). One table, so the cfg a test carries
//! and the check it makes cannot disagree.
//!
//! A test that needs tmux carries both:
//!
//! ```text
//! #[test]
//! #[cfg_attr(missing_tmux, ignore = "needs tmux (apt-get install tmux)")]
//! fn follow() {
//!     require("tmux");
//! ```
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

/// One prerequisite: a command on PATH, root, a check of its own, or
/// several of these.
pub struct Prereq {
    /// The cfg is `missing_<name>`.
    pub name: &'static str,
    /// What it is and how to get it, for the failure message.
    pub needs: &'static str,
    /// A command that must be on PATH ("": none).
    command: &'static str,
    root: bool,
    check: fn() -> bool,
}

impl Prereq {
    pub fn present(&self) -> bool {
        (self.command.is_empty() || on_path(self.command))
            && (!self.root || is_root())
            && (self.check)()
    }
}

/// A prerequisite that is one command of the same name.
const fn tool(name: &'static str, needs: &'static str) -> Prereq {
    Prereq {
        name,
        needs,
        command: name,
        root: false,
        check: || true,
    }
}

pub const ALL: &[Prereq] = &[
    tool("tmux", "tmux (apt-get install tmux)"),
    tool("chromium", "chromium (apt-get install chromium)"),
    tool("lsof", "lsof (apt-get install lsof)"),
    tool("ts", "moreutils' ts (apt-get install moreutils)"),
    tool("promtool", "promtool (apt-get install prometheus)"),
    Prereq {
        command: "",
        check: || Path::new(FAKETIME_LIB).is_file(),
        ..tool("faketime", "libfaketime (apt-get install faketime)")
    },
    Prereq {
        command: "vmstat",
        check: || on_path("free"),
        ..tool("procps", "vmstat and free (apt-get install procps)")
    },
    Prereq {
        command: "iostat",
        check: || on_path("sar"),
        ..tool("sysstat", "iostat and sar (apt-get install sysstat)")
    },
    tool("zsh", "zsh (apt-get install zsh)"),
    tool("fish", "fish (apt-get install fish)"),
    Prereq {
        command: "psql",
        check: postgres_server,
        ..tool(
            "postgres",
            "a PostgreSQL server and psql (apt-get install postgresql)",
        )
    },
    Prereq {
        command: "",
        root: true,
        ..tool("root", "root")
    },
    Prereq {
        root: true,
        ..tool(
            "setpriv",
            "root and setpriv (util-linux) to act as another user",
        )
    },
    Prereq {
        command: "ip",
        root: true,
        check: || runs("unshare", &["-n", "true"]),
        ..tool(
            "netns",
            "root, unshare (util-linux) and ip (iproute2) to make a network namespace",
        )
    },
    Prereq {
        command: "",
        root: true,
        check: || {
            std::fs::OpenOptions::new()
                .write(true)
                .open("/proc/sys/kernel/ns_last_pid")
                .is_ok()
        },
        ..tool(
            "pid_recycle",
            "root and a writable /proc/sys/kernel/ns_last_pid to hand a PID out again",
        )
    },
    Prereq {
        command: "",
        check: || is_root() || hard_nofile() >= 20_000,
        ..tool(
            "fd_limit",
            "a hard RLIMIT_NOFILE of 20000 or root to raise it (ulimit -Hn)",
        )
    },
];

/// The prerequisite called `name`; a name not in [`ALL`] is a bug in the
/// test.
pub fn find(name: &str) -> &'static Prereq {
    ALL.iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no prerequisite named {name:?} in tests/it/prereq.rs"))
}

/// Whether an executable `cmd` is in a directory of PATH, as `command -v`
/// finds it.
pub fn on_path(cmd: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(cmd))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// The directories of PATH that exist: installing a tool changes one of
/// them.
pub fn path_dirs() -> Vec<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|d| d.is_absolute() && d.is_dir())
        .collect()
}

fn runs(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The preload library of Debian's libfaketime.
pub const FAKETIME_LIB: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/// Where Debian puts the server (examples/pg-sandbox looks there too).
pub const POSTGRES_DIR: &str = "/usr/lib/postgresql";

fn postgres_server() -> bool {
    std::fs::read_dir(POSTGRES_DIR).is_ok_and(|dirs| {
        dirs.flatten()
            .any(|d| Path::new(&d.path()).join("bin/postgres").is_file())
    })
}

/// The effective user id is 0 (read from /proc: build.rs has no libc).
pub fn is_root() -> bool {
    status_field("Uid:", 1) == Some(0)
}

fn status_field(key: &str, index: usize) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .split_whitespace()
        .nth(index)?
        .parse()
        .ok()
}

fn hard_nofile() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/limits") else {
        return 0;
    };
    s.lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(4))
        .map_or(0, |h| {
            if h == "unlimited" {
                u64::MAX
            } else {
                h.parse().unwrap_or(0)
            }
        })
}
