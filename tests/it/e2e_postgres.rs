//! The README's tutorial, for real: a PostgreSQL server, a client that leaks
//! connections at known moments (its process named uniquely for this run),
//! `fdcount -C NAME -k tcp -s established -i 0.2 | tstamp`, and `tsplot
//! --report=json` finding the steps. At every checkpoint fdcount's
//! established TCP count equals the client's rows in pg_stat_activity. Then the client is restarted (empty fields while none
//! runs) and leaks again: the report has two runs, each with its own leaks.
//!
//! `.ci/run` installs PostgreSQL when the machine lacks it; elsewhere the
//! test is ignored without it (see tests/it/prereq.rs).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const FDCOUNT: &str = env!("CARGO_BIN_EXE_fdcount");
const TSTAMP: &str = env!("CARGO_BIN_EXE_tstamp");
const TSPLOT: &str = env!("CARGO_BIN_EXE_tsplot");
const LEAKS: usize = 4;
const INTERVAL: f64 = 0.2;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

struct Server {
    dir: PathBuf,
    port: u16,
}

impl Server {
    fn start() -> Result<Server, String> {
        let dir = std::env::temp_dir().join(format!("leakhunt-e2e-pg-{}", std::process::id()));
        let port = 56000 + (std::process::id() % 1000) as u16;
        let out = Command::new(examples().join("pg-sandbox"))
            .args(["start", dir.to_str().unwrap(), &port.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Server { dir, port })
    }

    /// The client's sessions as PostgreSQL sees them.
    fn client_rows(&self) -> usize {
        let out = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-Atc",
            ])
            .arg("select count(*) from pg_stat_activity where application_name = 'leaky-client'")
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new(examples().join("pg-sandbox"))
            .args(["stop", self.dir.to_str().unwrap()])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(self.dir.with_extension("initdb.log"));
    }
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Client {
    fn new(mut child: Child) -> Client {
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client {
            child,
            stdin,
            stdout,
        }
    }

    fn command(&mut self, cmd: &str) -> String {
        writeln!(self.stdin, "{cmd}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with("ok"), "client answered {line:?} to {cmd}");
        line
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// The client's process name: unique to this test run, so that `-C` counts
/// this client alone, not another test run's (or a user's) `client` that
/// runs beside it.
fn client_name() -> String {
    format!("lhclient{}", std::process::id() % 1_000_000)
}

/// Starts examples/client.py under [`client_name`], taking commands on stdin.
fn spawn_client(port: u16) -> Client {
    Client::new(
        Command::new("python3")
            .arg(examples().join("client.py"))
            .args(["--control", "--port", &port.to_string()])
            .args(["--name", &client_name()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start examples/client.py"),
    )
}

fn one_sample() -> usize {
    let out = Command::new(FDCOUNT)
        .args(["-C", &client_name(), "-k", "tcp", "-s", "established"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fdcount: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// Waits for PostgreSQL to see `want` client sessions (a closed session's
/// row goes away a moment after the socket closes), then checks fdcount's
/// count against the rows.
fn checkpoint(server: &Server, want: usize) {
    let t = Instant::now();
    while server.client_rows() != want && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let rows = server.client_rows();
    let counted = one_sample();
    assert_eq!(rows, want, "pg_stat_activity rows");
    assert_eq!(
        counted, rows,
        "fdcount's established TCP count vs pg_stat_activity rows"
    );
}

#[test]
#[cfg_attr(
    missing_postgres,
    ignore = "needs a PostgreSQL server and psql (apt-get install postgresql)"
)]
fn tutorial_end_to_end() {
    crate::util::require("postgres");
    let server =
        Server::start().unwrap_or_else(|e| panic!("no PostgreSQL server could be started: {e}"));
    let mut client = spawn_client(server.port);
    client.command("churn 1");

    let log = std::env::temp_dir().join(format!("leakhunt-e2e-{}.log", std::process::id()));
    let mut watch = Command::new(FDCOUNT)
        .args(["-C", &client_name(), "-k", "tcp", "-s", "established"])
        .arg("--header")
        .args(["-i", &INTERVAL.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stamp = Command::new(TSTAMP)
        .arg("--ms")
        .stdin(watch.stdout.take().unwrap())
        .stdout(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();

    // Two runs of the client, each leaking LEAKS connections: (start of the
    // run, [(before, after) each leak]).
    let mut runs: Vec<(f64, Vec<(f64, f64)>)> = Vec::new();
    checkpoint(&server, 0);
    for run in 0..2 {
        if run == 1 {
            // Restart: the client goes away (its leaks close with it), no
            // process is there for a second, then a new one starts.
            client.command("quit");
            drop(client);
            let t = Instant::now();
            while server.client_rows() != 0 && t.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(server.client_rows(), 0, "sessions left by the quit client");
            std::thread::sleep(Duration::from_millis(1000));
            client = spawn_client(server.port);
            client.command("churn 1");
        }
        let start = now();
        let mut leaked_at = Vec::new();
        for round in 1..=LEAKS {
            // Well-behaved requests: connections opened and closed again.
            client.command("churn 3");
            checkpoint(&server, round - 1);
            std::thread::sleep(Duration::from_millis(1200));
            let before = now();
            client.command("leak");
            leaked_at.push((before, now()));
            checkpoint(&server, round);
            std::thread::sleep(Duration::from_millis(1300));
        }
        runs.push((start, leaked_at));
    }
    std::thread::sleep(Duration::from_secs(2));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(watch.id() as i32, libc::SIGTERM) };
    assert!(
        watch.wait().unwrap().success(),
        "fdcount ends cleanly on SIGTERM"
    );
    assert!(
        stamp.wait().unwrap().success(),
        "tstamp ends at end of input"
    );
    client.command("quit");

    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",tcp"), "header {header:?}");
    let (mut samples, mut empty) = (0, 0);
    for line in lines {
        let (t, v) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("row {line:?}"));
        let t: f64 = t.parse::<f64>().unwrap() / 1000.0;
        // Empty while no client runs: only between the runs.
        if v.is_empty() {
            assert!(
                t > runs[0].1[LEAKS - 1].1 && t < runs[1].0,
                "empty sample {line:?} outside the restart"
            );
            empty += 1;
            continue;
        }
        let v: usize = v.parse().unwrap_or_else(|_| panic!("row {line:?}"));
        // A sample may catch a well-behaved connection in flight, never more
        // than the leaks so far in this run plus one.
        let run = &runs[usize::from(t >= runs[1].0)].1;
        let leaks_so_far = run.iter().filter(|(_, done)| *done < t).count();
        assert!(
            v <= leaks_so_far + 1,
            "sample {line:?} with {leaks_so_far} leaks so far"
        );
        samples += 1;
    }
    assert!(samples >= 80, "only {samples} samples in {text}");
    assert!(
        empty >= 2,
        "{empty} empty samples while no client ran: {text}"
    );

    let report = Command::new(TSPLOT)
        .arg("--report=json")
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "tsplot: {}",
        String::from_utf8_lossy(&report.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).expect("report is JSON");
    let series = report_series(&json, "tcp");
    let found_runs = series["runs"].as_array().expect("runs array");
    assert_eq!(found_runs.len(), 2, "runs {found_runs:?}; log:\n{text}");
    let restart = found_runs[1]["start"].as_f64().unwrap();
    assert!(
        restart > runs[0].1[LEAKS - 1].1 && restart < runs[1].1[0].0,
        "second run starts at {restart}, the client restarted before {}",
        runs[1].0
    );
    let steps = series["steps"].as_array().expect("steps array");
    assert_eq!(
        steps.len(),
        2 * LEAKS,
        "steps {steps:?} for leaks at {runs:?}; log:\n{text}"
    );
    let leaks = runs
        .iter()
        .enumerate()
        .flat_map(|(k, (_, l))| l.iter().map(move |x| (k, x)));
    for (st, (run, (before, done))) in steps.iter().zip(leaks) {
        let t = st["time"].as_f64().unwrap();
        // The first sample that saw the leak comes at most one interval after
        // it; tstamp's millisecond stamps round down.
        assert!(
            t >= before - 0.002 && t <= done + INTERVAL + 0.05,
            "step at {t}, leak at {before}..{done}"
        );
        assert_eq!(st["run"], run, "step {st}");
        assert!(st["rise"].as_f64().unwrap() >= 1.0, "step {st}");
    }
    let _ = std::fs::remove_file(&log);
}

/// The named series of a report.
fn report_series<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["series"]
        .as_array()
        .expect("report has a series array")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no series {name} in {json}"))
}
