//! Stress and fault tests for fdcount, bounded in time: a target in another
//! network namespace, PID reuse, a process churning fds while sampled at
//! `-i 0`, and a process holding ~19.9k fds.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Cmd, Run};

const FDCOUNT: &str = env!("CARGO_BIN_EXE_fdcount");

/// Starts `cmd` and waits for its first stdout line (the fixture's "ready").
fn start_ready(cmd: &mut Command) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn fixture");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(!line.is_empty(), "fixture died before it was ready");
    (child, line.trim().to_string())
}

fn fdcount(args: &[&str]) -> Run {
    Cmd::new("fdcount").args(args).run()
}

/// Python that holds a TCP listener with N established loopback connections
/// (both ends) and prints its pid when ready.
const TCP_HOLDER: &str = r#"
import os, socket, sys, time
n = int(sys.argv[1])
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(64)
keep = [l]
for _ in range(n):
    c = socket.create_connection(l.getsockname()); a, _ = l.accept(); keep += [c, a]
print(os.getpid(), flush=True)
time.sleep(60)
"#;

#[test]
#[cfg_attr(
    missing_netns,
    ignore = "needs root, unshare (util-linux) and ip (iproute2)"
)]
fn counts_tcp_in_the_targets_network_namespace() {
    crate::util::require("netns");
    // `ip` may be missing; python can bring lo up through an ioctl-free path:
    // in a new namespace lo is down, and binding 127.0.0.1 still works once it
    // is up, so use `ip` when present and fail loudly otherwise.
    let script = format!(
        "ip link set lo up 2>/dev/null || {{ echo 'no ip command' >&2; exit 1; }}; exec python3 -c '{}' 5",
        TCP_HOLDER.replace('\'', "'\\''")
    );
    let started = Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn();
    let mut child = started.expect("spawn unshare");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    if line.trim().is_empty() {
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        panic!(
            "could not start a process in a new network namespace: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let pid = line.trim().to_string();
    let all = fdcount(&["-p", &pid, "-k", "tcp,tcp4,inet"]);
    let est = fdcount(&["-p", &pid, "-k", "tcp", "-s", "established"]);
    let lis = fdcount(&["-p", &pid, "-k", "tcp", "-s", "listen"]);
    let _ = child.kill();
    let _ = child.wait();
    all.code(0).stdout_is("11,11,11\n");
    // These connections exist only in the target's namespace: read from the
    // host's tables they would count as zero.
    est.code(0).stdout_is("10\n");
    lis.code(0).stdout_is("1\n");
}

#[test]
#[cfg_attr(
    missing_pid_recycle,
    ignore = "needs root and a writable /proc/sys/kernel/ns_last_pid"
)]
fn never_reports_a_recycled_pid() {
    crate::util::require("pid_recycle");
    let mut victim = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = victim.id();
    // Samples 1.5 s apart: the first at once, the next long after the PID
    // has been recycled below.
    let watch = Command::new(FDCOUNT)
        .args(["-p", &pid.to_string(), "-i", "1.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    victim.kill().unwrap();
    victim.wait().unwrap();
    let holder = "import os, sys, time\nk=[os.open('/dev/null', os.O_RDONLY) for _ in range(300)]\nprint(os.getpid(), flush=True)\ntime.sleep(30)";
    let t = Instant::now();
    let mut reused = None;
    // Other processes on the machine may take the PID first: retry.
    for _ in 0..20 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string()).unwrap();
        let (mut c, got) = start_ready(Command::new("python3").args(["-c", holder]));
        if got == pid.to_string() {
            reused = Some(c);
            break;
        }
        let _ = c.kill();
        let _ = c.wait();
    }
    let mut newcomer = reused.unwrap_or_else(|| panic!("PID {pid} was not handed out again"));
    assert!(
        t.elapsed() < Duration::from_millis(1000),
        "the PID was recycled too late to fall between two samples ({:?})",
        t.elapsed()
    );
    let out = watch.wait_with_output().unwrap();
    // The newcomer held the PID (and its 300 fds) when fdcount looked again.
    let alive = newcomer.try_wait().unwrap().is_none();
    let _ = newcomer.kill();
    let _ = newcomer.wait();
    assert!(alive, "the process that took PID {pid} ended early");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains(&format!("process {pid} exited")),
        "stderr: {stderr}"
    );
    assert_eq!(stdout.lines().count(), 1, "one sample of sleep: {stdout}");
    for line in stdout.lines() {
        let n: u64 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("bad sample {line:?}"));
        assert!(
            n < 100,
            "a sample of {n} fds came from the new process, not the watched one"
        );
    }
}

#[test]
fn churning_process_sampled_flat_out_stays_in_bounds() {
    // The churner holds 20 fds of its own at most beyond its base and opens
    // and closes files, pipes and sockets as fast as it can.
    let churn = r#"
import os, socket, sys, time
base = len(os.listdir("/proc/self/fd")) - 1
print(base, flush=True)
end = time.time() + 30
while time.time() < end:
    held = []
    for i in range(6):
        held.append(os.open(sys.executable, os.O_RDONLY))
        r, w = os.pipe(); held += [r, w]
    s = socket.socket(); held.append(s.detach())
    for fd in held:
        os.close(fd)
"#;
    let (mut child, base) = start_ready(Command::new("python3").args(["-c", churn]));
    let base: u64 = base.parse().unwrap();
    let pid = child.id().to_string();
    let t = Instant::now();
    let out = Command::new(FDCOUNT)
        .args([
            "-p",
            &pid,
            "-k",
            "all,file,pipe,tcp",
            "-i",
            "0",
            "-c",
            "20000",
        ])
        .output()
        .unwrap();
    let elapsed = t.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {stderr} after {elapsed:?}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut rows = 0;
    for line in stdout.lines() {
        let v: Vec<u64> = line.split(',').map(|f| f.parse().expect(line)).collect();
        let [all, file, pipe, tcp] = v[..] else {
            panic!("row {line:?}")
        };
        // Samples race with the churn, so the parts of one sample need not
        // add up; each must still lie between what the process holds at
        // least and at most.
        assert!((base..=base + 19).contains(&all), "all={all} base={base}");
        assert!(file <= base + 6 && pipe <= 12 + 3 && tcp <= 1, "{line}");
        rows += 1;
    }
    assert_eq!(rows, 20000);
}

#[test]
#[cfg_attr(
    missing_fd_limit,
    ignore = "needs a hard RLIMIT_NOFILE of 20000 or root (ulimit -Hn)"
)]
fn counts_twenty_thousand_fds_exactly() {
    crate::util::require("fd_limit");
    let holder = format!("{}/tests/data/fd_holder.py", env!("CARGO_MANIFEST_DIR"));
    let ready = std::env::temp_dir().join(format!("leakhunt-20k-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&ready);
    let mut child = Command::new("python3")
        .args([&holder, "plain", "19900", ready.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !ready.exists() {
        if let Ok(Some(_)) = child.try_wait() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "holder could not open 19.9k fds: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "holder never got ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let info = std::fs::read_to_string(&ready).unwrap();
    let _ = std::fs::remove_file(&ready);
    let total: u64 = serde_json::from_str::<serde_json::Value>(&info).unwrap()["fds_total"]
        .as_u64()
        .unwrap();
    let pid = child.id().to_string();
    let all = fdcount(&["-p", &pid]);
    let kinds = fdcount(&["-p", &pid, "-k", "all,file,socket,pipe,anon,other"]);
    let _ = child.kill();
    let _ = child.wait();
    all.code(0).stdout_is(&format!("{total}\n"));
    let kinds = kinds.code(0).stdout();
    let v: Vec<u64> = kinds
        .trim()
        .split(',')
        .map(|f| f.parse().unwrap())
        .collect();
    assert_eq!(v[0], total);
    assert_eq!(v[1..].iter().sum::<u64>(), total, "{kinds}");
    assert!(v[1] >= 19900, "{kinds}");
}
