//! fdcount's narrowed kinds, --top, the memory and limit kinds and the two
//! ways of reading fds, against the truth computed here from /proc/PID/fd
//! and /proc/PID/net on a fixture (tests/data/narrow_fixture.py) holding
//! connections to two listeners, UDP on a known port, files under two
//! directories and a deleted file.

use crate::util::Cmd;
use leakhunt::procfs::{Col, Counts, Kind, Narrow, Needs, Proc, Scanner, States};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::IpAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Fixture {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    pid: u32,
    a: u16,
    b: u16,
    u: u16,
    root: String,
}

impl Fixture {
    fn start(tag: &str) -> Fixture {
        let dir = crate::util::scratch(&format!("narrow-{tag}"));
        let script = format!(
            "{}/tests/data/narrow_fixture.py",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the fixture");
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in out.lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("fixture starts");
        let v: serde_json::Value = serde_json::from_str(&first).unwrap();
        let port = |k: &str| v[k].as_u64().unwrap() as u16;
        Fixture {
            stdin: child.stdin.take(),
            child,
            lines,
            pid: v["pid"].as_u64().unwrap() as u32,
            a: port("A"),
            b: port("B"),
            u: port("U"),
            root: v["root"].as_str().unwrap().to_string(),
        }
    }

    fn pid(&self) -> String {
        self.pid.to_string()
    }

    /// Opens `n` more connections to listener A.
    fn grow(&mut self, n: u32) {
        writeln!(self.stdin.as_mut().unwrap(), "grow {n}").unwrap();
        let ok = self.lines.recv_timeout(Duration::from_secs(20)).unwrap();
        assert_eq!(ok, "ok");
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A socket of the fixture as /proc/PID/net shows it.
#[derive(Clone, Debug)]
struct Sock {
    tcp: bool,
    state: u8,
    lport: u16,
    remote: IpAddr,
    rport: u16,
}

/// What the fixture holds, read from /proc: inet sockets (from the tables
/// of its namespace), regular files' paths, everything else by link class.
struct Truth {
    socks: Vec<Sock>,
    files: Vec<String>,
}

fn addr(hex: &str) -> IpAddr {
    let raw: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    // Each 32-bit word is printed in host order.
    let mut b = Vec::new();
    for w in raw.chunks(4) {
        let v = u32::from_be_bytes(w.try_into().unwrap());
        b.extend_from_slice(&v.to_ne_bytes());
    }
    if b.len() == 4 {
        IpAddr::from(<[u8; 4]>::try_from(&b[..]).unwrap())
    } else {
        let v6 = std::net::Ipv6Addr::from(<[u8; 16]>::try_from(&b[..]).unwrap());
        v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)
    }
}

fn truth(pid: u32) -> Truth {
    let mut table = BTreeMap::new();
    for (name, tcp) in [
        ("tcp", true),
        ("tcp6", true),
        ("udp", false),
        ("udp6", false),
    ] {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{name}")).unwrap_or_default();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (la, lp) = f[1].split_once(':').unwrap();
            let (ra, rp) = f[2].split_once(':').unwrap();
            let _ = la;
            let ino: u64 = f[9].parse().unwrap();
            table.insert(
                ino,
                Sock {
                    tcp,
                    state: u8::from_str_radix(f[3], 16).unwrap(),
                    lport: u16::from_str_radix(lp, 16).unwrap(),
                    remote: addr(ra),
                    rport: u16::from_str_radix(rp, 16).unwrap(),
                },
            );
        }
    }
    let mut t = Truth {
        socks: Vec::new(),
        files: Vec::new(),
    };
    for e in std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap() {
        let p = e.unwrap().path();
        let Ok(link) = std::fs::read_link(&p) else {
            continue;
        };
        let link = link.to_string_lossy().into_owned();
        if let Some(ino) = link
            .strip_prefix("socket:[")
            .and_then(|r| r.strip_suffix(']'))
        {
            if let Some(s) = table.get(&ino.parse::<u64>().unwrap()) {
                t.socks.push(s.clone());
            }
        } else if std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
            t.files
                .push(link.strip_suffix(" (deleted)").unwrap_or(&link).to_string());
        }
    }
    t
}

/// The shell glob of `file:` (`*` crossing `/`), written again here.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(c), Some(d)) if c == d => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

/// The truth for one narrowed kind (tcp, udp, tcp4/6 by address family of
/// the peer as the kernel keeps it is not needed: the fixture's v6 sockets
/// are told by their ::1 peers).
fn count(t: &Truth, kind: &str) -> u64 {
    if let Some(g) = kind.strip_prefix("file:") {
        return t
            .files
            .iter()
            .filter(|f| glob(g.as_bytes(), f.as_bytes()))
            .count() as u64;
    }
    let tcp = kind.starts_with("tcp");
    let socks = t.socks.iter().filter(|s| s.tcp == tcp);
    if let Some((_, port)) = kind.split_once(':').filter(|_| !kind.contains('@')) {
        let p: u16 = port.parse().unwrap();
        return socks.filter(|s| s.lport == p || s.rport == p).count() as u64;
    }
    let peer = kind.split_once('@').unwrap().1;
    let (a, p) = match peer.strip_prefix('[') {
        Some(v6) => {
            let (a, rest) = v6.split_once(']').unwrap();
            (
                a.parse::<IpAddr>().unwrap(),
                rest.strip_prefix(':').map(|p| p.parse::<u16>().unwrap()),
            )
        }
        None => match peer.split_once(':') {
            Some((a, p)) => (a.parse().unwrap(), Some(p.parse().unwrap())),
            None => (peer.parse().unwrap(), None),
        },
    };
    socks
        .filter(|s| s.rport != 0 && s.remote == a && p.is_none_or(|p| p == s.rport))
        .count() as u64
}

#[test]
fn narrowed_kinds_equal_the_truth() {
    let f = Fixture::start("kinds");
    let (a, b, u, root) = (f.a, f.b, f.u, &f.root);
    let kinds = [
        format!("tcp:{a}"),
        format!("tcp:{b}"),
        "tcp@127.0.0.1".to_string(),
        format!("tcp@127.0.0.1:{b}"),
        format!("tcp@[::1]:{b}"),
        format!("udp:{u}"),
        format!("udp@127.0.0.1:{u}"),
        format!("file:{root}/logs/*"),
        "file:*.tmp".to_string(),
        format!("file:{root}/spool/gone.tmp"),
        format!("file:{root}/*/?.log"),
    ];
    let list = kinds.join(",");
    let out = Cmd::new("fdcount")
        .args(["-p", &f.pid(), "-k", &list, "--header"])
        .ok()
        .stdout();
    let t = truth(f.pid);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(list.as_str()),
        "--header names them as given"
    );
    let got: Vec<u64> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let want: Vec<u64> = kinds.iter().map(|k| count(&t, k)).collect();
    assert_eq!(got, want, "{kinds:?}");
    // The fixture's design, so that the oracle itself is held to something:
    // A: listener + 5 connections (both ends); B: two listeners, 3 + 2
    // connections (both ends) and the v4-mapped one (both ends).
    assert_eq!(&want[..7], [11, 14, 18, 4, 2, 2, 1]);
    assert_eq!(&want[7..], [4, 3, 1, 4]);
    // -s narrows them too.
    let out = Cmd::new("fdcount")
        .args([
            "-p",
            &f.pid(),
            "-k",
            &format!("tcp:{b},tcp@127.0.0.1:{b}"),
            "-s",
            "listen",
        ])
        .ok()
        .stdout();
    assert_eq!(out, "2,0\n");
}

#[test]
fn invalid_narrowed_kinds_are_usage_errors() {
    for (k, word) in [
        ("tcp:0", "invalid port \"0\""),
        ("tcp:99999", "invalid port \"99999\""),
        ("udp:http", "invalid port \"http\""),
        ("tcp@10.0.0", "invalid address \"10.0.0\""),
        ("tcp@::1", "invalid address \"::1\""),
        ("tcp@[::1]:x", "invalid port \"x\""),
        ("file:/var/[log", "invalid glob \"/var/[log\""),
    ] {
        Cmd::new("fdcount")
            .args(["-p", "1", "-k", k])
            .code(2)
            .stderr_has(word);
    }
}

/// `--top` rows: (kind, state, what) -> count, and the changes of a line.
fn top_rows(text: &str) -> Vec<(String, String, String, Option<i64>, u64)> {
    text.lines()
        .filter(|l| !l.starts_with("KIND"))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let count = w.last().unwrap().parse().unwrap();
            let change = (w.len() == 5).then(|| w[3].parse().unwrap());
            (w[0].into(), w[1].into(), w[2].into(), change, count)
        })
        .collect()
}

#[test]
fn top_rows_equal_the_truth_and_paste_back() {
    let f = Fixture::start("top");
    let t = truth(f.pid);
    let out = Cmd::new("fdcount")
        .args(["-p", &f.pid(), "--top", "100"])
        .ok()
        .stdout();
    let rows = top_rows(&out);
    let got: BTreeMap<_, _> = rows
        .iter()
        .map(|r| ((r.0.clone(), r.1.clone(), r.2.clone()), r.4))
        .collect();
    // Largest first.
    assert!(rows.windows(2).all(|w| w[0].4 >= w[1].4), "{out}");
    // The inet groups, from the tables: accepted connections and listeners
    // under the port they serve, client connections under their peer.
    let listening: Vec<u16> = t
        .socks
        .iter()
        .filter(|s| s.tcp && s.state == 10)
        .map(|s| s.lport)
        .collect();
    let mut want: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for s in &t.socks {
        let proto = if s.tcp { "tcp" } else { "udp" };
        let state = match (s.tcp, s.state) {
            (false, _) => "-",
            (true, 1) => "established",
            (true, 10) => "listen",
            (true, st) => panic!("state {st} in the fixture"),
        };
        let endpoint = match s.remote {
            IpAddr::V6(a) => format!("[{a}]:{}", s.rport),
            a => format!("{a}:{}", s.rport),
        };
        let what = if s.rport != 0 && !(s.tcp && listening.contains(&s.lport)) {
            format!("{proto}@{endpoint}")
        } else {
            format!("{proto}:{}", s.lport)
        };
        *want.entry((proto.into(), state.into(), what)).or_default() += 1;
    }
    for f in &t.files {
        let dir = &f[..f.rfind('/').unwrap()];
        *want
            .entry(("file".into(), "-".into(), format!("file:{dir}/*")))
            .or_default() += 1;
    }
    let inet_and_files: BTreeMap<_, _> = got
        .iter()
        .filter(|(k, _)| ["tcp", "udp", "file"].contains(&k.0.as_str()))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(inet_and_files, want, "{out}");
    // Pipes: stdin and stdout of the fixture.
    assert_eq!(
        got.get(&("pipe".into(), "-".into(), "pipe".into())),
        Some(&2),
        "{out}"
    );
    // Every row's `what` that names a narrowed kind counts the row back.
    for ((kind, state, what), n) in &want {
        if what.contains('@') || what.starts_with("file:") {
            let mut args = vec!["-p".to_string(), f.pid(), "-k".into(), what.clone()];
            if kind == "tcp" {
                args.extend(["-s".into(), state.clone()]);
            }
            let back = Cmd::new("fdcount").args(&args).ok().stdout();
            assert_eq!(back.trim(), n.to_string(), "{what} {state}");
        }
    }
    // JSON objects carry the same rows.
    let json = Cmd::new("fdcount")
        .args(["-p", &f.pid(), "--top", "100", "-f", "json"])
        .ok()
        .stdout();
    let objs: BTreeMap<_, _> = json
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            (
                (s("kind"), s("state"), s("what")),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(objs, got);
}

#[test]
fn top_with_an_interval_shows_what_grew() {
    let mut f = Fixture::start("grow");
    let mut w = Command::new(crate::util::bin("fdcount"))
        .args(["-p", &f.pid(), "--top", "-i", "0.2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(w.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in out.lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let client = format!("tcp@127.0.0.1:{}", f.a);
    // The first table, then the grown group by name.
    let first: Vec<String> = std::iter::from_fn(|| rx.recv_timeout(Duration::from_secs(5)).ok())
        .take_while(|l| !l.contains(&client))
        .collect();
    assert!(first[0].starts_with("KIND"), "{first:?}");
    f.grow(7);
    // The change may be seen in one sample or spread over two.
    let mut seen = Vec::new();
    let (mut grew, mut last) = (0, 0);
    while last != 12 {
        let l = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a change line");
        seen.push(l.clone());
        if l.contains(&client) {
            let row = &top_rows(&l)[0];
            let change = row.3.expect("a change, signed");
            assert!(change > 0, "{seen:?}");
            grew += change;
            last = row.4;
        }
    }
    let _ = w.kill();
    let _ = w.wait();
    assert_eq!(grew, 7, "{seen:?}");
    // The accepted side grew by as much, under the server's port.
    assert!(
        seen.iter()
            .any(|l| l.contains(&format!("tcp:{} ", f.a)) && l.contains(" +")),
        "{seen:?}"
    );
}

#[test]
fn limit_and_memory_kinds_match_proc() {
    let f = Fixture::start("limit");
    let pid = rustix::process::Pid::from_raw(f.pid as i32).unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", f.pid)).unwrap();
    let hard = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(4)?.parse::<u64>().ok());
    // An odd soft limit, set from outside as prlimit(1) does.
    rustix::process::prlimit(
        Some(pid),
        rustix::process::Resource::Nofile,
        rustix::process::Rlimit {
            current: Some(1237),
            maximum: hard,
        },
    )
    .unwrap();
    let status = || {
        let s = std::fs::read_to_string(format!("/proc/{}/status", f.pid)).unwrap();
        let get = |k: &str| -> u64 {
            s.lines()
                .find(|l| l.starts_with(k))
                .map_or(0, |l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        };
        (get("RssAnon:"), get("VmSwap:"))
    };
    let before = status();
    let out = Cmd::new("fdcount")
        .args(["-p", &f.pid(), "-k", "limit,rss-anon,swap", "--header"])
        .ok()
        .stdout();
    let after = status();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", f.pid)).unwrap();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .split_whitespace()
        .nth(3)
        .unwrap()
        .to_string();
    assert_eq!(soft, "1237");
    let row: Vec<u64> = out
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(out.lines().next(), Some("limit,rss-anon,swap"));
    assert_eq!(row[0], 1237);
    assert!(
        row[1] >= before.0.min(after.0) && row[1] <= before.0.max(after.0),
        "{row:?} {before:?} {after:?}"
    );
    assert!(row[1] > 0);
    assert!(row[2] >= before.1.min(after.1) && row[2] <= before.1.max(after.1));
    let prom = Cmd::new("fdcount")
        .args(["-p", &f.pid(), "-k", "limit,rss-anon", "-f", "prom"])
        .ok()
        .stdout();
    assert!(
        prom.contains(&format!(
            "fdcount_fd_limit{{pid=\"{}\",comm=\"python3\"}} 1237\n",
            f.pid
        )),
        "{prom}"
    );
    assert!(
        prom.contains("fdcount_resident_anon_memory_bytes{"),
        "{prom}"
    );
}

#[test]
#[cfg_attr(
    missing_promtool,
    ignore = "needs promtool (apt-get install prometheus)"
)]
fn prometheus_has_one_sample_per_state_and_narrowed_labels() {
    crate::util::require("promtool");
    let f = Fixture::start("prom");
    let kinds = format!("tcp,tcp:{},tcp@127.0.0.1,file:{}/logs/*,limit", f.b, f.root);
    let prom = Cmd::new("fdcount")
        .args([
            "-p",
            &f.pid(),
            "-k",
            &kinds,
            "-s",
            "established,listen",
            "-f",
            "prom",
        ])
        .ok()
        .stdout();
    let t = truth(f.pid);
    let tcp_in = |st: u8| t.socks.iter().filter(|s| s.tcp && s.state == st).count();
    let pre = format!(
        "fdcount_open_fds{{pid=\"{}\",comm=\"python3\",kind=\"tcp\"",
        f.pid
    );
    assert!(
        prom.contains(&format!("{pre},state=\"established\"}} {}\n", tcp_in(1))),
        "{prom}"
    );
    assert!(
        prom.contains(&format!("{pre},state=\"listen\"}} {}\n", tcp_in(10))),
        "{prom}"
    );
    assert!(
        prom.contains(&format!("{pre},port=\"{}\",state=\"listen\"}} 2\n", f.b)),
        "{prom}"
    );
    assert!(
        prom.contains(&format!(
            "{pre},peer=\"127.0.0.1\",state=\"established\"}} 18\n"
        )),
        "{prom}"
    );
    assert!(
        prom.contains(&format!("kind=\"file\",glob=\"{}/logs/*\"}} 4\n", f.root)),
        "{prom}"
    );
    assert!(!prom.contains("established,listen"), "{prom}");
    {
        let mut p = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        p.stdin.take().unwrap().write_all(prom.as_bytes()).unwrap();
        let r = p.wait_with_output().unwrap();
        assert!(
            r.status.success() && r.stdout.is_empty() && r.stderr.is_empty(),
            "promtool: {}{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        );
    }
}

#[test]
#[cfg_attr(missing_root, ignore = "needs root (pidfd_getfd on another process)")]
fn pidfd_and_proc_paths_count_the_same() {
    crate::util::require("root");
    let f = Fixture::start("paths");
    let mut cols: Vec<Col> = Kind::LIST.map(Col::Kind).to_vec();
    for (slot, k) in [
        format!("tcp:{}", f.a),
        format!("tcp6:{}", f.b),
        "tcp@127.0.0.1".into(),
        format!("udp:{}", f.u),
        format!("file:{}/*", f.root),
    ]
    .iter()
    .enumerate()
    {
        cols.push(Col::Narrow {
            slot,
            narrow: Narrow::parse(k).unwrap().unwrap(),
        });
    }
    let mut states = States::default();
    states.insert(States::parse_one("established").unwrap());
    for states in [States::default(), states] {
        let p = Proc::open(f.pid, Needs::ALL).unwrap();
        let mut fast = Scanner::new(&cols, states);
        let mut slow = Scanner::new(&cols, states);
        slow.use_pidfd(false);
        let (mut a, mut b) = (Counts::default(), Counts::default());
        fast.sample(&p, &mut a).unwrap();
        slow.sample(&p, &mut b).unwrap();
        assert!(!slow.used_pidfd(&p));
        assert!(fast.used_pidfd(&p), "pidfd_getfd was refused to root");
        // Threads and memory may move between the two reads; fds may not.
        for c in cols.iter().filter(|c| c.is_fd()) {
            assert_eq!(a.value(c), b.value(c), "{}", c.name());
        }
        let listed = std::fs::read_dir(format!("/proc/{}/fd", f.pid))
            .unwrap()
            .count();
        assert_eq!(a.get(Kind::All), listed as u64);
    }
}

#[test]
fn a_thread_id_is_counted_as_its_process_with_a_warning() {
    let (mut py, line) = crate::util::spawn_holder(Command::new("python3").args([
        "-c",
        "import threading,time,os\n\
             t=threading.Thread(target=time.sleep,args=(30,),daemon=True);t.start()\n\
             print(os.getpid(),t.native_id,flush=True);input()",
    ]));
    let ids: Vec<&str> = line.split_whitespace().collect();
    let run = Cmd::new("fdcount").args(["-p", ids[1]]).ok();
    let want = Cmd::new("fdcount").args(["-p", ids[0]]).ok().stdout();
    let _ = py.kill();
    let _ = py.wait();
    assert_eq!(run.stdout(), want);
    assert!(
        run.stderr().contains(&format!(
            "-p {} is a thread of process {} (python3)",
            ids[1], ids[0]
        )),
        "{}",
        run.stderr()
    );
}

#[test]
#[cfg_attr(missing_setpriv, ignore = "needs root and setpriv (util-linux)")]
fn non_dumpable_process_says_only_root_helps() {
    crate::util::require("setpriv");
    let (mut py, line) = crate::util::spawn_holder(Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env", "python3", "-c"])
        .arg("import ctypes,os;ctypes.CDLL(None).prctl(4,0,0,0,0);print(os.getpid(),flush=True);input()"),
    );
    let pid = line.clone();
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            crate::util::bin("fdcount"),
            "-p",
            &pid,
        ])
        .output()
        .unwrap();
    // Root, with CAP_SYS_PTRACE, may.
    let as_root = Cmd::new("fdcount").args(["-p", &pid]).ok().stdout();
    let _ = py.kill();
    let _ = py.wait();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("non-dumpable") && err.contains("run fdcount as root"),
        "{err}"
    );
    assert!(!err.contains("as the process's user"), "{err}");
    assert!(as_root.trim().parse::<u64>().unwrap() >= 3);
}

#[test]
fn closed_stdout_at_start_is_an_error() {
    let out = Command::new("sh")
        .args(["-c", "exec \"$0\" -p $$ >&-", crate::util::bin("fdcount")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "fdcount: standard output is closed: nothing could be written (give it a file or a pipe)\n"
    );
}

#[test]
fn names_from_data_are_escaped_in_text_and_exact_in_json() {
    let script = format!("{}/tests/data/fd_fixture.py", env!("CARGO_MANIFEST_DIR"));
    let (mut child, line) = crate::util::spawn_holder(Command::new("python3").args([
        &script,
        "bound",
        "x\x1b]0;PWN\x07",
    ]));
    let pid = line.clone();
    let prom = Cmd::new("fdcount")
        .args(["-p", &pid, "-f", "prom"])
        .ok()
        .stdout();
    let json = Cmd::new("fdcount")
        .args(["-p", &pid, "-f", "json"])
        .ok()
        .stdout();
    let _ = child.kill();
    let _ = child.wait();
    assert!(!prom.contains('\x1b') && !prom.contains('\x07'), "{prom:?}");
    assert!(prom.contains("comm=\"x\u{241b}]0;PWN\u{2407}\""), "{prom}");
    assert!(json.contains(r#""comm":"x\u001b]0;PWN\u0007""#), "{json}");
}
