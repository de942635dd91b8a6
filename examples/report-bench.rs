//! How fast `tsplot --report`'s analysis runs and how much memory it keeps:
//! feeds N synthetic samples (default 10 million) straight into
//! `report::Analyzer`, parsing excluded, and prints time per point, peak RSS
//! and the values the step finder holds.
//!
//!     cargo run --release --example report-bench -- [N] [noisy|ramp|steady|climb|log]
//!
//! `log` is the integer log of bench/tsplot.sh (a leak every 500 samples,
//! noise 0..2, a spike every 99991), sampled every 5 s.

use leakhunt::report::{Analyzer, Config};
use leakhunt::series::Sink;
use std::time::Instant;

#[path = "../tests/it/rng.rs"]
mod rng;
use rng::Rng;

fn value(kind: &str, rng: &mut Rng, i: u64, n: u64) -> f64 {
    if kind == "log" {
        // The same linear congruential noise as bench/tsplot.sh's log.
        rng.0 = (rng.0.wrapping_mul(1_103_515_245).wrapping_add(12_345)) & 0x7FFF_FFFF;
        let spike = if i % 99_991 == 7 { 40 } else { 0 };
        return (10 + i / 500 + (rng.0 >> 16) % 3 + spike) as f64;
    }
    let steps = (1..=3).filter(|k| i >= k * n / 4).count() as f64 * 20.0;
    match kind {
        "ramp" => i as f64 * 1e-3 + steps,
        "steady" => 100.0 + rng.noise(),
        // A leak of a twentieth of the noise per sample.
        "climb" => 100.0 + i as f64 * 0.05 + steps + rng.noise(),
        _ => 100.0 + i as f64 * (50.0 / n as f64) + steps + rng.noise(),
    }
}

/// CPU seconds this process has used: on a shared machine, wall time
/// counts the other jobs too.
fn cpu_secs() -> f64 {
    // SAFETY: getrusage writes into the struct we own.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

fn peak_rss_kib() -> i64 {
    // SAFETY: getrusage writes into the struct we own.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u.ru_maxrss
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let kind = args.next().unwrap_or_else(|| "noisy".to_string());
    let t0 = 1_764_000_000.0;

    let rss_before = peak_rss_kib();
    // The generator alone, to subtract.
    let start = Instant::now();
    let cpu0 = cpu_secs();
    let seed = if kind == "log" { 12_345 } else { 1 };
    let step = if kind == "log" { 5.0 } else { 1.0 };
    let mut rng = Rng(seed);
    let mut sum = 0.0;
    for i in 0..n {
        sum += value(&kind, &mut rng, i, n);
    }
    let gen = start.elapsed().as_secs_f64();
    let gen_cpu = cpu_secs() - cpu0;

    let mut a = Analyzer::new(Config::default());
    a.names(&["bench".to_string()]);
    let mut rng = Rng(seed);
    let mut peak_entries = 0;
    let start = Instant::now();
    let cpu0 = cpu_secs();
    for i in 0..n {
        a.point(0, t0 + step * i as f64, Some(value(&kind, &mut rng, i, n)));
        if i % 65536 == 0 {
            peak_entries = peak_entries.max(a.held_values());
        }
    }
    let report = a.finish();
    let total = start.elapsed().as_secs_f64();
    let total_cpu = cpu_secs() - cpu0;
    let s = &report.series[0];
    let analysis = (total - gen).max(0.0);
    let analysis_cpu = (total_cpu - gen_cpu).max(0.0);
    println!(
        "points            {n} ({kind}; checksum {:.0})",
        sum / n as f64
    );
    println!("generate          {gen:.3} s ({gen_cpu:.3} s CPU)");
    println!(
        "analyse + finish  {analysis:.3} s  ({:.1} ns/point, {:.0} M points/s)",
        analysis * 1e9 / n as f64,
        n as f64 / analysis / 1e6
    );
    println!(
        "analyse, CPU      {analysis_cpu:.3} s  ({:.1} ns/point)",
        analysis_cpu * 1e9 / n as f64
    );
    println!(
        "peak RSS          {} KiB (before: {rss_before} KiB)",
        peak_rss_kib()
    );
    println!("values held       {peak_entries} at most (sampled every 65536 points)");
    println!(
        "steps             {} {:?}, slope {:.4}/h, exact {}",
        s.steps.len(),
        s.steps
            .iter()
            .take(8)
            .map(|st| st.time - t0)
            .collect::<Vec<_>>(),
        s.slope_per_hour.unwrap_or(f64::NAN),
        s.steps_exact
    );
}
