//! fdcount end to end: the built binary against a fixture process holding a
//! known set of file descriptors (tests/data/fd_fixture.py), every kind
//! exact, the output formats, the atomic -o file and the error paths.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const FDCOUNT: &str = env!("CARGO_BIN_EXE_fdcount");

/// What the "full" fixture holds. fd 0 and 1 are pipes to the test, fd 2
/// is /dev/null.
const FULL: &[(&str, u64)] = &[
    ("all", 36),
    ("file", 4),    // 3 regular files, 1 directory
    ("socket", 19), // 12 tcp + 4 udp + 3 unix
    ("inet", 16),
    ("tcp", 12),
    ("tcp4", 8), // listener, 3 connections (both ends), 1 unbound
    ("tcp6", 4), // listener, 1 connection (both ends), 1 unbound
    ("udp", 4),
    ("udp4", 3),  // 2 bound, 1 unbound
    ("udp6", 1),  // bound
    ("unix", 3),  // a socketpair, a bound socket
    ("pipe", 7),  // 2 pipes (4 ends), stdin, stdout, a FIFO opened by path
    ("anon", 3),  // eventfd, epoll, pidfd
    ("other", 3), // /dev/null twice, a socket file opened with O_PATH
    ("threads", 4),
];

struct Fixture {
    child: Child,
    _stdin: ChildStdin,
    pid: u32,
}

impl Fixture {
    fn start(mode: &str, comm: &str) -> Fixture {
        let script = format!("{}/tests/data/fd_fixture.py", env!("CARGO_MANIFEST_DIR"));
        let (mut child, line) =
            crate::util::spawn_holder(Command::new("python3").args([&script, mode, comm]));
        let pid = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("fixture said {line:?}"));
        let stdin = child.stdin.take().unwrap();
        Fixture {
            child,
            _stdin: stdin,
            pid,
        }
    }

    fn pid(&self) -> String {
        self.pid.to_string()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fdcount(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(FDCOUNT).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = fdcount(args);
    assert_eq!(code, 0, "fdcount {args:?}: {err}");
    assert_eq!(err, "", "fdcount {args:?} wrote to stderr");
    out
}

fn unique(tag: &str) -> String {
    format!("lh{tag}{}", std::process::id() % 100_000)
}

#[test]
fn every_kind_is_exact() {
    let f = Fixture::start("full", &unique("k"));
    let pid = f.pid();
    let kinds: Vec<&str> = FULL.iter().map(|k| k.0).collect();
    let out = ok(&["-p", &pid, "-k", &kinds.join(","), "--header"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(kinds.join(",").as_str()));
    let want: Vec<String> = FULL.iter().map(|k| k.1.to_string()).collect();
    assert_eq!(lines.next(), Some(want.join(",").as_str()));
    assert_eq!(lines.next(), None);
    // Each kind alone takes a different path (all alone is one fstat).
    for (k, n) in FULL {
        assert_eq!(ok(&["-p", &pid, "-k", k]), format!("{n}\n"), "-k {k}");
    }
    assert_eq!(ok(&["-p", &pid]), "36\n");
    // The parts add up to all.
    let parts = ok(&["-p", &pid, "-k", "file,socket,pipe,anon,other"]);
    let sum: u64 = parts
        .trim()
        .split(',')
        .map(|v| v.parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, 36);
    // And all agrees with the directory listing.
    let listed = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    assert_eq!(listed, 36);
}

#[test]
fn rss_matches_vmrss() {
    let f = Fixture::start("full", &unique("r"));
    let status = std::fs::read_to_string(format!("/proc/{}/status", f.pid)).unwrap();
    let vmrss: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .unwrap()
        .trim()
        .trim_end_matches(" kB")
        .parse()
        .unwrap();
    let rss: u64 = ok(&["-p", &f.pid(), "-k", "rss"]).trim().parse().unwrap();
    // The fixture sleeps in a read: its memory does not move.
    assert!(
        rss.abs_diff(vmrss) <= vmrss / 100,
        "rss {rss} VmRSS {vmrss}"
    );
}

#[test]
fn tcp_states() {
    let f = Fixture::start("full", &unique("s"));
    let pid = f.pid();
    let k = ["-p", &pid, "-k", "tcp,tcp4,tcp6", "-s"];
    let with = |s: &str| ok(&[&k[..], &[s]].concat());
    assert_eq!(with("established"), "8,6,2\n");
    assert_eq!(with("listen"), "2,1,1\n");
    // Never bound or connected: CLOSE, though in no table.
    assert_eq!(with("close"), "2,1,1\n");
    assert_eq!(with("ESTABLISHED,listen"), "10,7,3\n");
    assert_eq!(with("close-wait,time-wait,syn-sent"), "0,0,0\n");
    // -s leaves the other kinds alone.
    assert_eq!(
        ok(&["-p", &pid, "-k", "udp,tcp,all", "-s", "listen"]),
        "4,2,36\n"
    );
}

#[test]
fn close_wait_grows_when_the_peer_closes() {
    let me = std::process::id().to_string();
    assert_eq!(ok(&["-p", &me, "-k", "tcp", "-s", "close-wait"]), "0\n");
    // A server in this process that never closes: its peer (us) closes.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let client = std::net::TcpStream::connect(addr).unwrap();
    let (accepted, _) = server.accept().unwrap();
    drop(client);
    std::thread::sleep(Duration::from_millis(50));
    let out = ok(&["-p", &me, "-k", "tcp", "-s", "close-wait"]);
    assert_eq!(out, "1\n");
    drop(accepted);
}

#[test]
#[cfg_attr(missing_lsof, ignore = "needs lsof (apt-get install lsof)")]
fn inet_agrees_with_lsof() {
    crate::util::require("lsof");
    let f = Fixture::start("bound", &unique("l"));
    let pid = f.pid();
    let out = Command::new("lsof")
        .args(["-n", "-P", "-i", "-a", "-p", &pid])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(rows, 13, "lsof says:\n{text}");
    assert_eq!(ok(&["-p", &pid, "-k", "inet"]), format!("{rows}\n"));
}

#[test]
fn several_processes_and_names() {
    let name = unique("m");
    let a = Fixture::start("full", &name);
    let b = Fixture::start("bound", &name);
    let (pa, pb) = (a.pid(), b.pid());
    let out = ok(&["-p", &format!("{pa},{pb}"), "-k", "all,tcp", "--header"]);
    assert_eq!(
        out,
        format!("{pa}:all,{pa}:tcp,{pb}:all,{pb}:tcp\n36,12,16,10\n")
    );
    // -p repeated is the same as a list.
    assert_eq!(ok(&["-p", &pb, "-p", &pa, "-k", "udp"]), "3,4\n");
    // -C sums every process with the name.
    assert_eq!(ok(&["-C", &name, "-k", "all,udp,threads"]), "52,7,5\n");
    let out = ok(&["-C", &name, "-p", &pa, "-k", "tcp", "--header"]);
    assert_eq!(out, format!("{name}:tcp,{pa}:tcp\n22,12\n"));
}

#[test]
fn name_with_no_process_leaves_a_gap_and_one_note() {
    let name = unique("gap");
    let (code, out, err) = fdcount(&["-C", &name, "-k", "all,tcp", "-i", "0.02", "-c", "4"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, ",\n,\n,\n,\n");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("fdcount: no process named {name}")),
        "{err}"
    );
}

#[test]
fn name_is_followed_across_restarts() {
    let name = unique("re");
    let mut watch = Command::new(FDCOUNT)
        .args(["-C", &name, "-i", "0.05"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    assert_eq!(next(), "");
    let f = Fixture::start("full", &name);
    let wait_for = |next: &mut dyn FnMut() -> String, want: &str| {
        let t = Instant::now();
        loop {
            if next() == want {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(10), "never saw {want:?}");
        }
    };
    wait_for(&mut next, "36");
    drop(f);
    wait_for(&mut next, "");
    let g = Fixture::start("bound", &name);
    wait_for(&mut next, "16");
    drop(g);
    // SAFETY: signalling our own child.
    unsafe { libc::kill(watch.id() as i32, libc::SIGTERM) };
    let status = watch.wait().unwrap();
    assert!(status.success());
    let mut err = String::new();
    watch
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    // One note per gap: at the start and after the first fixture ended.
    assert_eq!(err.matches("no process named").count(), 2, "{err}");
}

#[test]
fn json_lines() {
    let f = Fixture::start("full", &unique("j"));
    let pid = f.pid();
    let t0 = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let out = ok(&[
        "-p",
        &pid,
        "-k",
        "all,tcp,udp6,rss",
        "--format",
        "json",
        "-i",
        "0.01",
        "-c",
        "3",
    ]);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(rows.len(), 3);
    let mut last = 0.0;
    for r in &rows {
        let t = r["time"].as_f64().unwrap();
        assert!(t >= t0 - 0.001 && t < t0 + 10.0 && t > last, "time {t}");
        // Samples 0.01 s apart, strictly increasing: only a time with a
        // fraction of a second can be both.
        assert!(last == 0.0 || t - last < 0.5, "time {t} after {last}");
        last = t;
        assert_eq!(r["pid"].as_u64(), Some(f.pid as u64));
        assert_eq!(r["comm"].as_str(), Some(unique("j").as_str()));
        assert_eq!(r["all"].as_u64(), Some(36));
        assert_eq!(r["tcp"].as_u64(), Some(12));
        assert_eq!(r["udp6"].as_u64(), Some(1));
        assert!(r["rss"].as_u64().unwrap() > 1000);
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 7, "{r}");
    }
    // -C: pid is null, pids lists the matches; a gap is null.
    let out = ok(&["-C", &unique("j"), "-k", "all", "-f", "json"]);
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(r["pid"].is_null());
    assert_eq!(r["pids"], serde_json::json!([f.pid]));
    assert_eq!(r["all"], 36);
    let (_, out, _) = fdcount(&["-C", &unique("jnone"), "-f", "json"]);
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(r["all"].is_null(), "{r}");
    assert_eq!(r["pids"], serde_json::json!([]));
}

/// A small parser for the text exposition format: checks that every
/// sample's family was declared by # HELP and # TYPE gauge before it, that
/// label values are properly quoted and escaped, and returns the samples
/// as (name, labels, value).
type Sample = (String, Vec<(String, String)>, f64);

fn parse_prom(text: &str) -> Vec<Sample> {
    let mut declared = std::collections::HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP has text");
            assert!(!help.is_empty());
            declared.insert(name.to_string(), false);
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, ty) = rest.split_once(' ').unwrap();
            assert_eq!(ty, "gauge");
            *declared.get_mut(name).expect("HELP before TYPE") = true;
        } else {
            let brace = line.find('{').expect("labels");
            let name = &line[..brace];
            assert!(declared.get(name) == Some(&true), "{name} undeclared");
            assert!(name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'));
            let b = line.as_bytes();
            let mut i = brace + 1;
            let mut labels = Vec::new();
            while b[i] != b'}' {
                let eq = i + line[i..].find('=').unwrap();
                let key = line[i..eq].to_string();
                assert_eq!(b[eq + 1], b'"');
                let mut v = String::new();
                let mut j = eq + 2;
                loop {
                    match b[j] {
                        b'\\' => {
                            v.push(match b[j + 1] {
                                b'\\' => '\\',
                                b'"' => '"',
                                b'n' => '\n',
                                c => panic!("bad escape \\{}", c as char),
                            });
                            j += 2;
                        }
                        b'"' => break,
                        b'\n' => panic!("raw newline in a label"),
                        _ => {
                            let c = line[j..].chars().next().unwrap();
                            v.push(c);
                            j += c.len_utf8();
                        }
                    }
                }
                labels.push((key, v));
                i = j + 1;
                if b[i] == b',' {
                    i += 1;
                }
            }
            let value: f64 = line[i + 1..].trim().parse().unwrap();
            assert_eq!(&line[i + 1..i + 2], " ");
            samples.push((name.to_string(), labels, value));
        }
    }
    samples
}

#[test]
fn prometheus_exposition() {
    // A command name that needs escaping: a quote and a backslash. Unique,
    // so that `-C` below counts this fixture alone, not the promtool test's
    // nor another test run's that happens to run beside it.
    let id = std::process::id() % 100_000;
    let comm = &format!("lhq\"b\\{id}");
    let f = Fixture::start("full", comm);
    let pid = f.pid();
    let out = ok(&[
        "-p",
        &pid,
        "-k",
        "all,tcp,unix,rss,threads",
        "-s",
        "established",
        "--format",
        "prom",
    ]);
    assert!(out.contains(&format!(r#"comm="lhq\"b\\{id}""#)), "{out}");
    let samples = parse_prom(&out);
    let get = |name: &str, kind: Option<&str>| {
        samples
            .iter()
            .find(|(n, l, _)| {
                n == name && kind.is_none_or(|k| l.iter().any(|(a, b)| a == "kind" && b == k))
            })
            .unwrap_or_else(|| panic!("no {name} {kind:?} in\n{out}"))
    };
    let (_, labels, v) = get("fdcount_open_fds", Some("all"));
    assert_eq!(*v, 36.0);
    assert_eq!(labels[0], ("pid".to_string(), pid.clone()));
    assert_eq!(labels[1], ("comm".to_string(), comm.to_string()));
    let (_, labels, v) = get("fdcount_open_fds", Some("tcp"));
    assert_eq!(*v, 8.0);
    assert!(labels.contains(&("state".into(), "established".into())));
    assert_eq!(get("fdcount_open_fds", Some("unix")).2, 3.0);
    assert_eq!(get("fdcount_threads", None).2, 4.0);
    assert!(get("fdcount_resident_memory_bytes", None).2 > 1e6);
    assert_eq!(samples.len(), 5);

    // -C adds fdcount_processes; a gap drops the samples but keeps it valid.
    let out = ok(&["-C", comm, "-k", "all", "-f", "prom"]);
    let samples = parse_prom(&out);
    assert_eq!(samples.len(), 2, "{out}");
    assert_eq!(samples[0].0, "fdcount_processes");
    assert_eq!(samples[0].2, 1.0);
    let (_, out, _) = fdcount(&["-C", "lhnone-prom", "-k", "all", "-f", "prom"]);
    let samples = parse_prom(&out);
    assert_eq!(samples.len(), 1, "{out}");
    assert_eq!(samples[0].2, 0.0);
}

#[test]
fn output_file_is_replaced_atomically() {
    let f = Fixture::start("full", &unique("o"));
    let dir = std::env::temp_dir().join(format!("fdcount-o-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fdcount.prom");
    let mut watch = Command::new(FDCOUNT)
        .args([
            "-p",
            &f.pid(),
            "-k",
            "all,tcp,udp,unix,pipe,file,rss,threads",
        ])
        .args(["-f", "prom", "-i", "0.001", "-o"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (stop, reads, path) = (stop.clone(), reads.clone(), path.clone());
        std::thread::spawn(move || {
            let mut first: Option<String> = None;
            while !stop.load(Ordering::Relaxed) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue; // not written yet
                };
                // Every read is one whole exposition, identical in shape.
                assert!(text.ends_with('\n'), "partial file: {text:?}");
                assert_eq!(parse_prom(&text).len(), 8, "{text}");
                match &first {
                    None => first = Some(text),
                    Some(f) => assert_eq!(f.lines().count(), text.lines().count(), "{text}"),
                }
                reads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let t = Instant::now();
    while reads.load(Ordering::Relaxed) < 3000 && t.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    let result = reader.join();
    // SAFETY: signalling our own child.
    unsafe { libc::kill(watch.id() as i32, libc::SIGINT) };
    assert!(watch.wait().unwrap().success());
    let mut stdout = String::new();
    watch
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    result.expect("the reader saw only whole files");
    assert!(reads.load(Ordering::Relaxed) >= 3000);
    assert_eq!(stdout, "", "-o writes nothing to stdout");
}

#[test]
fn csv_to_a_file_keeps_the_header() {
    let f = Fixture::start("bound", &unique("h"));
    let dir = std::env::temp_dir().join(format!("fdcount-h-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("now.csv");
    let path_s = path.to_str().unwrap();
    ok(&[
        "-p",
        &f.pid(),
        "-k",
        "tcp,udp",
        "--header",
        "-i",
        "0.01",
        "-c",
        "3",
        "-o",
        path_s,
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!dir.join("now.csv.tmp").exists());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(text, "tcp,udp\n10,3\n");
}

#[test]
fn missing_process() {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    let (code, out, err) = fdcount(&["-p", &pid.to_string()]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(err, format!("fdcount: process {pid}: no such process\n"));
}

#[test]
fn process_that_exits_mid_watch() {
    let mut sleeper = Command::new("sleep").arg("0.5").spawn().unwrap();
    let pid = sleeper.id();
    let reaper = std::thread::spawn(move || sleeper.wait());
    let (code, out, err) = fdcount(&["-p", &pid.to_string(), "-i", "0.1", "-k", "all,pipe"]);
    reaper.join().unwrap().unwrap();
    assert_eq!(code, 1, "{err}");
    assert_eq!(err, format!("fdcount: process {pid} exited\n"));
    assert!(out.ends_with('\n'), "no partial line: {out:?}");
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows.len() >= 3, "{out:?}");
    for r in rows {
        let v: Vec<u64> = r.split(',').map(|x| x.parse().unwrap()).collect();
        assert_eq!(v.len(), 2, "{r}");
    }
}

#[test]
fn zombie_counts_as_exited() {
    // Not reaped until after fdcount ran: a zombie, whose fd directory is
    // empty. That must not read as 0 fds.
    let mut c = Command::new("true").spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (code, out, err) = fdcount(&["-p", &c.id().to_string()]);
    c.wait().unwrap();
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.ends_with("exited\n"), "{err}");
}

/// Prometheus' own parser accepts the exposition, escaped names included.
#[test]
#[cfg_attr(
    missing_promtool,
    ignore = "needs promtool (apt-get install prometheus)"
)]
fn prometheus_exposition_passes_promtool() {
    crate::util::require("promtool");
    let f = Fixture::start("full", &unique("pq\"b\\"));
    let args = [
        "-p",
        &f.pid(),
        "-k",
        "all,tcp,unix,rss,threads",
        "-f",
        "prom",
    ];
    let out = ok(&args);
    let res = crate::util::run_with_input(
        Command::new("promtool").args(["check", "metrics"]),
        out.as_bytes(),
    );
    assert!(
        res.status.success(),
        "promtool check metrics:\n{}{}\n{out}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
}

#[test]
#[cfg_attr(missing_setpriv, ignore = "needs root and setpriv (util-linux)")]
fn permission_denied_says_how_to_fix_it() {
    crate::util::require("setpriv");
    let f = Fixture::start("bound", &unique("p"));
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", FDCOUNT])
        .args(["-p", &f.pid(), "-k", "all,tcp"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("permission denied"), "{err}");
    assert!(
        err.contains("process's user (root, uid 0) or as root"),
        "{err}"
    );
    // rss and threads need no such rights.
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", FDCOUNT])
        .args(["-p", &f.pid(), "-k", "threads"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
}

#[test]
fn usage_errors_exit_2() {
    for (args, word) in [
        (&[][..], "-p"),
        (&["-p", "1", "-k", "bogus"][..], "bogus"),
        (&["-p", "x1"][..], "x1"),
        (&["-p", "1", "-k", "tcp", "-s", "nostate"][..], "nostate"),
        (&["-p", "1", "-i", "soon"][..], "soon"),
        (&["--frobnicate"][..], "frobnicate"),
    ] {
        let (code, out, err) = fdcount(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "");
        assert!(err.starts_with("fdcount: ") && err.contains(word), "{err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn signals_and_closed_pipes_end_quietly() {
    let me = std::process::id().to_string();
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let w = Command::new(FDCOUNT)
            .args(["-p", &me, "-k", "all,file", "-i", "0.05"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(w.id() as i32, sig) };
        let out = w.wait_with_output().unwrap();
        assert!(out.status.success(), "signal {sig}");
        assert!(out.stderr.is_empty());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.ends_with('\n') && text.lines().count() >= 3,
            "{text:?}"
        );
    }
    // The reader goes away after one line.
    let mut w = Command::new(FDCOUNT)
        .args(["-p", &me, "-i", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(w.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let out = w.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_ends_a_long_wait_at_once() {
    // -i 100: the reader leaving is seen while waiting (POLLERR on fd 1),
    // not at the next sample 100 s later; the 10 s guard only catches that.
    let me = std::process::id().to_string();
    for extra in [&[][..], &["--top"][..]] {
        let mut w = Command::new(FDCOUNT)
            .args(["-p", &me, "-i", "100"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(w.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        drop(out);
        let t = Instant::now();
        let status = loop {
            if let Some(s) = w.try_wait().unwrap() {
                break s;
            }
            if t.elapsed() > Duration::from_secs(10) {
                let _ = w.kill();
                panic!("fdcount {extra:?} still waited for its next sample after the reader left");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(status.success(), "{extra:?}");
        let mut err = String::new();
        w.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert_eq!(err, "", "{extra:?}");
    }
}

#[test]
fn schedule_is_drift_free() {
    let me = std::process::id().to_string();
    let out = ok(&["-p", &me, "-f", "json", "-i", "0.05", "-c", "11"]);
    let times: Vec<f64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["time"]
                .as_f64()
                .unwrap()
        })
        .collect();
    assert_eq!(times.len(), 11);
    // Sample k is due at start + k * 0.05: never early, and lateness does
    // not add up over the samples.
    for (k, t) in times.iter().enumerate() {
        let due = times[0] + k as f64 * 0.05;
        assert!(*t >= due - 0.002, "sample {k} early: {t} < {due}");
    }
    assert!(times[10] - times[0] < 0.5 + 0.2, "{times:?}");
}
