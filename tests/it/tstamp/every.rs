//! `tstamp -e`: the schedule (drift-free, never overlapping), stdout
//! stamped and stderr passed through, failing and missing commands, and a
//! run's whole process group ended by SIGTERM.

use crate::util::{bin, Cmd};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// (stamp in ms, text) of every line.
fn lines(out: &str) -> Vec<(f64, String)> {
    out.lines()
        .map(|l| {
            let (t, rest) = l.split_once(',').unwrap();
            (t.parse().unwrap(), rest.to_string())
        })
        .collect()
}

#[test]
fn runs_on_a_drift_free_schedule() {
    // Timing on a shared machine: one retry before calling it a failure.
    let mut last = String::new();
    for _ in 0..2 {
        let t0 = now_ms();
        let r = Cmd::new("tstamp")
            .args([
                "--ms",
                "-e",
                "0.25",
                "-c",
                "5",
                "--",
                "sh",
                "-c",
                "echo x; echo y",
            ])
            .ok();
        let got = lines(&r.stdout());
        let texts: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(texts, ["x", "y"].repeat(5), "{}", r.stdout());
        let starts: Vec<f64> = got.iter().step_by(2).map(|(t, _)| *t).collect();
        let first = starts[0];
        assert!(
            (first - t0).abs() < 250.0,
            "first run {} ms after start",
            first - t0
        );
        let off: Vec<f64> = starts
            .iter()
            .enumerate()
            .map(|(k, s)| s - first - 250.0 * k as f64)
            .collect();
        if off.iter().all(|o| o.abs() <= 60.0) {
            return;
        }
        last = format!("runs off start + k*250 ms by {off:?}");
    }
    panic!("{last}");
}

#[test]
fn a_slow_run_moves_the_next_to_the_next_free_tick() {
    let r = Cmd::new("tstamp")
        .args(["--ms", "-e", "0.2", "-c", "3", "--"])
        .args(["sh", "-c", "echo start; sleep 0.5; echo end"])
        .ok();
    let got = lines(&r.stdout());
    let texts: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(texts, ["start", "end"].repeat(3), "runs overlapped");
    for pair in got.windows(2) {
        assert!(pair[1].0 >= pair[0].0, "stamps go back: {got:?}");
    }
    // A run takes 0.5 s: the next starts at the tick after it, 0.6 s on,
    // never at once to catch up on the ticks it covered.
    let starts: Vec<f64> = got.iter().step_by(2).map(|(t, _)| *t).collect();
    for w in starts.windows(2) {
        let gap = w[1] - w[0];
        assert!(
            (540.0..=700.0).contains(&gap),
            "runs {gap} ms apart: {starts:?}"
        );
    }
}

#[test]
fn stderr_passes_through_and_failures_are_reported_once_per_run() {
    Cmd::new("tstamp")
        .args([
            "-e",
            "0.05",
            "-c",
            "2",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ])
        .env("TSTAMP_NOW", "1764000000")
        .ok()
        .stdout_is("1764000000,out\n1764000000,out\n")
        .stderr_is(
            "err\ntstamp: run 1: sh exited with status 3\n\
             err\ntstamp: run 2: sh exited with status 3\n",
        );
    Cmd::new("tstamp")
        .args(["-e", "0.05", "-c", "1", "--", "sh", "-c", "kill -9 $$"])
        .ok()
        .stderr_is("tstamp: run 1: sh was killed by signal 9\n");
    // No shell unless asked for: the arguments reach the command as they are.
    Cmd::new("tstamp")
        .args([
            "-u", "-e", "1", "-c", "1", "%T", "--", "printf", "%s|%s\\n", "a b", "$HOME",
        ])
        .env("TSTAMP_NOW", "1764000000")
        .ok()
        .stdout_is("16:00:00,a b|$HOME\n");
}

#[test]
fn missing_and_unrunnable_commands_are_refused_before_any_run() {
    let t = Instant::now();
    Cmd::new("tstamp")
        .args(["-e", "1", "--", "/nonexistent/du"])
        .code(2)
        .stderr_has("tstamp: /nonexistent/du: command not found")
        .stdout_is("");
    Cmd::new("tstamp")
        .args(["-e", "1", "--", "no-such-command-here"])
        .code(2)
        .stderr_has("no-such-command-here: command not found");
    let dir = crate::util::scratch("every-noexec");
    let f = dir.join("script");
    std::fs::write(&f, "#!/bin/sh\necho hi\n").unwrap();
    Cmd::new("tstamp")
        .args(["-e", "1", "--"])
        .arg(&f)
        .code(1)
        .stderr_has("permission denied");
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "refused only after {:?}",
        t.elapsed()
    );
}

fn alive(pid: u32) -> bool {
    // A zombie has exited; only its entry is left.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => !s
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

#[test]
fn sigterm_ends_the_run_and_its_process_group() {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // The shell starts a sleep in the background and prints its PID.
        let mut child = Command::new(bin("tstamp"))
            .args(["-e", "10", "--", "sh", "-c", "sleep 100 & echo $!; wait"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let pid: u32 = line.trim().split_once(',').unwrap().1.parse().unwrap();
        assert!(alive(pid));
        // SAFETY: signalling the child we started.
        unsafe { libc::kill(child.id() as i32, sig) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "signal {sig}");
        let t = Instant::now();
        while alive(pid) && t.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            !alive(pid),
            "the run's sleep {pid} outlived tstamp (signal {sig})"
        );
    }
}
