//! How fast `tsplot --report`'s analysis runs and how much memory it keeps:
//! feeds N synthetic samples (default 10 million) straight into
//! `report::Analyzer`, parsing excluded, and prints time per point, peak RSS
//! and the values the step finder holds.
//!
//!     cargo run --release --example report-bench -- [N] [noisy|ramp|steady|climb]

use leakhunt::report::{Analyzer, Config};
use leakhunt::series::Sink;
use std::time::Instant;

#[path = "../tests/it/rng.rs"]
mod rng;
use rng::Rng;

fn value(kind: &str, rng: &mut Rng, i: u64, n: u64) -> f64 {
    let steps = (1..=3).filter(|k| i >= k * n / 4).count() as f64 * 20.0;
    match kind {
        "ramp" => i as f64 * 1e-3 + steps,
        "steady" => 100.0 + rng.noise(),
        // A leak of a twentieth of the noise per sample.
        "climb" => 100.0 + i as f64 * 0.05 + steps + rng.noise(),
        _ => 100.0 + i as f64 * (50.0 / n as f64) + steps + rng.noise(),
    }
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
    let mut rng = Rng(1);
    let mut sum = 0.0;
    for i in 0..n {
        sum += value(&kind, &mut rng, i, n);
    }
    let gen = start.elapsed().as_secs_f64();

    let mut a = Analyzer::new(Config::default());
    a.names(&["bench".to_string()]);
    let mut rng = Rng(1);
    let mut peak_entries = 0;
    let start = Instant::now();
    for i in 0..n {
        a.point(0, t0 + i as f64, Some(value(&kind, &mut rng, i, n)));
        if i % 65536 == 0 {
            peak_entries = peak_entries.max(a.held_values());
        }
    }
    let report = a.finish();
    let total = start.elapsed().as_secs_f64();
    let s = &report.series[0];
    let analysis = (total - gen).max(0.0);
    println!(
        "points            {n} ({kind}; checksum {:.0})",
        sum / n as f64
    );
    println!("generate          {gen:.3} s");
    println!(
        "analyse + finish  {analysis:.3} s  ({:.1} ns/point, {:.0} M points/s)",
        analysis * 1e9 / n as f64,
        n as f64 / analysis / 1e6
    );
    println!(
        "peak RSS          {} KiB (before: {rss_before} KiB)",
        peak_rss_kib()
    );
    println!("values held       {peak_entries} at most (sampled every 65536 points)");
    println!(
        "steps             {} {:?}, slope {:.4}/h, exact {}",
        s.steps.len(),
        s.steps.iter().map(|st| st.time - t0).collect::<Vec<_>>(),
        s.slope_per_hour.unwrap_or(f64::NAN),
        s.steps_exact
    );
}
