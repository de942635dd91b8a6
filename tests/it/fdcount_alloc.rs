//! The sampling path makes no heap allocation in steady state: a counting
//! global allocator watches 500 samples (and their rendering in every
//! output format) of every kind, alone and together, with and without TCP
//! states, narrowed kinds (ports, peers, globs), by PID and by command
//! name, through pidfd_getfd and through /proc, after a warm-up.

use leakhunt::app::fdcount::run::Watch;
use leakhunt::app::fdcount::{Format, Options, Target};
use leakhunt::procfs::{Col, Kind, Narrow, States};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::process::Command;
use std::time::SystemTime;

struct Counting;

thread_local! {
    // Per thread, so the test harness's own threads do not count.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.realloc(p, l, n)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> u64 {
    ALLOCS.with(|c| c.get())
}

#[test]
fn sampling_makes_no_allocation() {
    let comm = format!("lhalloc{}", std::process::id() % 100_000);
    let script = format!("{}/tests/data/fd_fixture.py", env!("CARGO_MANIFEST_DIR"));
    let (mut child, line) =
        crate::util::spawn_holder(Command::new("python3").args([&script, "full", &comm]));
    let pid: u32 = line.trim().parse().expect("fixture pid");

    let mut established = States::default();
    established.insert(States::parse_one("established").unwrap());
    established.insert(States::parse_one("close").unwrap());
    let pid_t = vec![Target::Pid(pid)];
    let name_t = vec![Target::Name(comm.clone())];
    let mut all: Vec<Col> = Kind::LIST.map(Col::Kind).to_vec();
    for (slot, text) in [
        "tcp:1",
        "tcp@127.0.0.1",
        "tcp6@[::1]:1",
        "udp:1",
        "file:/tmp/*",
        "file:*[0-9]?",
    ]
    .iter()
    .enumerate()
    {
        let narrow = Narrow::parse(text).unwrap().unwrap();
        all.push(Col::Narrow { slot, narrow });
    }
    // Every kind alone (each takes its own path), every kind together in
    // every format, TCP states, and -C (which also re-reads /proc).
    let mut runs: Vec<(Vec<Target>, Vec<Col>, States, Format)> = all
        .iter()
        .map(|k| {
            (
                pid_t.clone(),
                vec![k.clone()],
                States::default(),
                Format::Csv,
            )
        })
        .collect();
    for format in [Format::Csv, Format::Json, Format::Prom] {
        runs.push((pid_t.clone(), all.clone(), States::default(), format));
    }
    runs.push((pid_t.clone(), all.clone(), established, Format::Prom));
    runs.push((name_t.clone(), all.clone(), States::default(), Format::Json));

    let mut failures = Vec::new();
    let runs: Vec<_> = runs
        .into_iter()
        .flat_map(|r| [(r.clone(), true), (r, false)])
        .collect();
    for ((targets, kinds, states, format), pidfd) in &runs {
        let opts = Options {
            targets: targets.clone(),
            kinds: kinds.clone(),
            states: *states,
            format: *format,
            ..Options::default()
        };
        let mut w = Watch::new(&opts).unwrap();
        w.use_pidfd(*pidfd);
        let mut buf = Vec::with_capacity(64 * 1024);
        for _ in 0..3 {
            w.sample().unwrap();
            w.render(SystemTime::now(), &mut buf);
            buf.clear();
        }
        let before = allocs();
        let mut total = 0;
        for _ in 0..500 {
            w.sample().unwrap();
            w.render(SystemTime::now(), &mut buf);
            buf.clear();
            total += w.counts(0).map_or(0, |c| c.get(Kind::All));
        }
        let n = allocs() - before;
        if n != 0 {
            let names: Vec<_> = kinds.iter().map(|k| k.name()).collect();
            failures.push(format!(
                "{names:?} {targets:?} {format:?} pidfd {pidfd}: {n} allocations"
            ));
        }
        if kinds.contains(&Col::Kind(Kind::All)) {
            assert_eq!(total, 36 * 500, "{kinds:?} {targets:?}");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The counter works: this allocates.
    let before = allocs();
    let v = std::hint::black_box(vec![1u8; 10]);
    assert_eq!(allocs() - before, 1);
    drop(v);
}
