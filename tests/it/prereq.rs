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

/// One prerequisite.
pub struct Prereq {
    /// The cfg is `missing_<name>`.
    pub name: &'static str,
    /// What it is and how to get it, for the failure message.
    pub needs: &'static str,
    pub present: fn() -> bool,
}

pub const ALL: &[Prereq] = &[
    Prereq {
        name: "tmux",
        needs: "tmux (apt-get install tmux)",
        present: || on_path("tmux"),
    },
    Prereq {
        name: "chromium",
        needs: "chromium (apt-get install chromium)",
        present: || on_path("chromium"),
    },
    Prereq {
        name: "lsof",
        needs: "lsof (apt-get install lsof)",
        present: || on_path("lsof"),
    },
    Prereq {
        name: "ts",
        needs: "moreutils' ts (apt-get install moreutils)",
        present: || on_path("ts"),
    },
    Prereq {
        name: "promtool",
        needs: "promtool (apt-get install prometheus)",
        present: || on_path("promtool"),
    },
    Prereq {
        name: "zsh",
        needs: "zsh (apt-get install zsh)",
        present: || on_path("zsh"),
    },
    Prereq {
        name: "fish",
        needs: "fish (apt-get install fish)",
        present: || on_path("fish"),
    },
    Prereq {
        name: "postgres",
        needs: "a PostgreSQL server and psql (apt-get install postgresql)",
        present: || on_path("psql") && postgres_server(),
    },
    Prereq {
        name: "setpriv",
        needs: "root and setpriv (util-linux) to act as another user",
        present: || is_root() && on_path("setpriv"),
    },
    Prereq {
        name: "netns",
        needs: "root, unshare (util-linux) and ip (iproute2) to make a network namespace",
        present: || is_root() && on_path("ip") && runs("unshare", &["-n", "true"]),
    },
    Prereq {
        name: "pid_recycle",
        needs: "root and a writable /proc/sys/kernel/ns_last_pid to hand a PID out again",
        present: || {
            is_root()
                && std::fs::OpenOptions::new()
                    .write(true)
                    .open("/proc/sys/kernel/ns_last_pid")
                    .is_ok()
        },
    },
    Prereq {
        name: "fd_limit",
        needs: "a hard RLIMIT_NOFILE of 20000 or root to raise it (ulimit -Hn)",
        present: || is_root() || hard_nofile() >= 20_000,
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
