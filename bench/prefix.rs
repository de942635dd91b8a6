//! The per-second prefix, rendered in a loop: what the `time` crate costs
//! against the hand-written code it replaced, on the one hot path where the
//! stamp is rendered (once per second, or once per read for fractions).
//!
//!   cargo run --release --example prefix-bench    (bench/tstamp.sh runs it)
//!
//! Prints `name,ns_per_render` lines: civil date from epoch seconds (time vs
//! Howard Hinnant's days-from-civil, the former code), an RFC 3339 prefix
//! (time's format_into vs tstamp's digits on time's date), and strftime `%b
//! %d %H:%M:%S` and `%F %T %z` (glibc semantics, on time's civil date).
use leakhunt::time::civil::civil;
use leakhunt::time::format::{rfc3339, Format};
use leakhunt::time::zone::Offset;
use std::hint::black_box;
use std::time::Instant;

const N: i64 = 2_000_000;
const T0: i64 = 1_764_000_000;

/// The former hand-written conversion (Hinnant), as the baseline.
fn hinnant(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400) as u32;
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, sod / 3600, sod / 60 % 60, sod % 60)
}

/// `time`'s formatting of the same prefix tstamp --iso writes.
fn iso_by_time(out: &mut Vec<u8>, secs: i64) {
    const F: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
    let _ = t.format_into(out, F);
}

fn measure(name: &str, mut f: impl FnMut(i64)) {
    // Warm up, then the best of three.
    for t in 0..N / 10 {
        f(T0 + t);
    }
    let best = (0..3)
        .map(|_| {
            let start = Instant::now();
            for t in 0..N {
                f(T0 + t);
            }
            start.elapsed().as_nanos() as f64 / N as f64
        })
        .fold(f64::INFINITY, f64::min);
    println!("{name},{best:.1}");
}

fn main() {
    measure("civil: time", |t| {
        black_box(civil(black_box(t)));
    });
    measure("civil: hand-written", |t| {
        black_box(hinnant(black_box(t)));
    });
    let mut out = Vec::with_capacity(128);
    measure("rfc3339 prefix: time", |t| {
        out.clear();
        iso_by_time(&mut out, black_box(t));
        black_box(&out);
    });
    measure(
        "rfc3339 prefix: tstamp (time's date, digits by hand)",
        |t| {
            out.clear();
            rfc3339(&mut out, black_box(t), 0, &Offset::UTC, 0, true);
            black_box(&out);
        },
    );
    for spec in ["%b %d %H:%M:%S", "%F %T %z"] {
        let f = Format::compile(spec).unwrap();
        measure(&format!("strftime {spec}"), |t| {
            out.clear();
            f.render(&mut out, black_box(t), 0, &Offset::UTC);
            black_box(&out);
        });
    }
}
