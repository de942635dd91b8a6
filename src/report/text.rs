//! The report for people: one block per series, times on the wall clock.

use super::{Report, SeriesReport};
use crate::time::format::Format;
use crate::time::zone::Zone;
use std::fmt::Write;

/// The text report: per series its span, statistics, slope and a table of
/// its steps, times as `2025-11-24 16:16:40 +0000` in `zone` (with
/// milliseconds when the series' times have fractions of a second).
pub fn render_text(report: &Report, zone: Zone) -> String {
    let whole = Format::compile("%Y-%m-%d %H:%M:%S %z").expect("valid format");
    let frac = Format::compile("%Y-%m-%d %H:%M:%S.%3N %z").expect("valid format");
    let mut out = String::new();
    for (i, s) in report.series.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let fractional = series_times(s).any(|t| t.fract() != 0.0);
        let clock = |t: f64| time(if fractional { &frac } else { &whole }, t, zone);
        series(&mut out, s, report.rate, &clock);
    }
    out
}

fn series_times(s: &SeriesReport) -> impl Iterator<Item = f64> + '_ {
    s.start
        .into_iter()
        .chain(s.end)
        .chain(s.steps.iter().map(|st| st.time))
}

fn series(out: &mut String, s: &SeriesReport, rate: bool, clock: &dyn Fn(f64) -> String) {
    let unit = if rate { " (per-second rate)" } else { "" };
    let gaps = match s.gaps {
        0 => String::new(),
        1 => ", 1 gap".to_string(),
        g => format!(", {g} gaps"),
    };
    let plural = if s.samples == 1 { "" } else { "s" };
    // Names come from data: never raw to a terminal.
    let name = crate::sys::term::visible(&s.name);
    let _ = writeln!(out, "{name}{unit}: {} sample{plural}{gaps}", s.samples);
    let (Some(start), Some(end)) = (s.start, s.end) else {
        return;
    };
    let _ = writeln!(out, "  from    {}", clock(start));
    let _ = writeln!(
        out,
        "  to      {}  ({})",
        clock(end),
        format_duration(end - start)
    );
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_string(), format_number);
    let _ = writeln!(
        out,
        "  values  first {}  last {}  change {}",
        num(s.first),
        num(s.last),
        s.change.map_or_else(|| "-".to_string(), signed)
    );
    let _ = writeln!(
        out,
        "          min {}  max {}  mean {}",
        num(s.min),
        num(s.max),
        num(s.mean)
    );
    match (s.slope_per_hour, s.r2) {
        (Some(m), Some(r2)) => {
            let _ = writeln!(out, "  slope   {}/h (R² {r2:.2})", signed(m));
        }
        (Some(m), None) => {
            let _ = writeln!(out, "  slope   {}/h", signed(m));
        }
        _ if s.end > s.start => {
            let _ = writeln!(out, "  slope   - (out of range of a float)");
        }
        _ => {
            let _ = writeln!(out, "  slope   - (no time span)");
        }
    }
    let _ = writeln!(
        out,
        "  noise   {}  climb {}/h  ({}){}",
        format_number(s.noise),
        signed(s.climb_per_hour),
        if s.step_threshold > 0.0 {
            format!(
                "a step must rise at least {}",
                format_number(s.step_threshold)
            )
        } else {
            "no noise: any rise that holds is a step".to_string()
        },
        if s.steps_exact {
            ""
        } else {
            "  [steps approximate]"
        }
    );
    if s.steps.is_empty() {
        let _ = writeln!(out, "  steps   none");
        return;
    }
    let _ = writeln!(
        out,
        "  steps   {} (the floor rose and never went back below):",
        s.steps.len()
    );
    let rows: Vec<[String; 5]> = s
        .steps
        .iter()
        .map(|st| {
            [
                clock(st.time),
                format_number(st.before),
                format_number(st.after),
                signed(st.rise),
                format_duration(st.held_secs),
            ]
        })
        .collect();
    let head = ["time", "before", "after", "rise", "held"];
    let mut w = head.map(str::len);
    for r in &rows {
        for (w, c) in w.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut String, c: [&str; 5]| {
        let _ = writeln!(
            out,
            "    {:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:>w4$}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
    };
    line(out, head);
    for r in &rows {
        line(out, [&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
}

fn time(f: &Format, t: f64, zone: Zone) -> String {
    // To the millisecond shown: 1764001012.6 is 1764001012.5999999 in
    // binary, which truncated would read .599.
    let ms = (t * 1000.0).round() as i64;
    let (secs, nanos) = (
        ms.div_euclid(1000),
        (ms.rem_euclid(1000) * 1_000_000) as u32,
    );
    f.to_string_parts(secs, nanos, zone)
}

/// A value with up to 6 significant digits, no trailing zeros: `4`,
/// `2.13333`, `1234.57`, `1.5e-7`.
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let a = x.abs();
    if !(1e-4..1e15).contains(&a) {
        return format!("{x:.3e}");
    }
    let digits = (5 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// [`format_number`] with a `+` on positive values.
fn signed(x: f64) -> String {
    let s = format_number(x);
    if x > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// A duration as people say it: `0.4s`, `45s`, `1m 2s`, `1h 23m`, `3d 4h`.
pub fn format_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "-".to_string();
    }
    if secs < 0.0 {
        return format!("-{}", format_duration(-secs));
    }
    if secs < 10.0 && secs.fract() != 0.0 {
        let s = format!("{secs:.1}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return format!("{s}s");
    }
    let total = secs.round() as u64;
    let (d, h, m, s) = (
        total / 86400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    match (d, h, m, s) {
        (0, 0, 0, s) => format!("{s}s"),
        (0, 0, m, 0) => format!("{m}m"),
        (0, 0, m, s) => format!("{m}m {s}s"),
        (0, h, 0, _) => format!("{h}h"),
        (0, h, m, _) => format!("{h}h {m}m"),
        (d, 0, _, _) => format!("{d}d"),
        (d, h, _, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(format_duration(0.0), "0s");
        assert_eq!(format_duration(0.4), "0.4s");
        assert_eq!(format_duration(2.04), "2s");
        assert_eq!(format_duration(45.0), "45s");
        assert_eq!(format_duration(59.6), "1m");
        assert_eq!(format_duration(62.0), "1m 2s");
        assert_eq!(format_duration(3600.0 + 23.0 * 60.0 + 5.0), "1h 23m");
        assert_eq!(format_duration(7200.0), "2h");
        assert_eq!(
            format_duration(3.0 * 86400.0 + 4.0 * 3600.0 + 99.0),
            "3d 4h"
        );
        assert_eq!(format_duration(86400.0), "1d");
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(4.0), "4");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(2.0 + 1.0 / 7.5), "2.13333");
        assert_eq!(format_number(1234.5678), "1234.57");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(format_number(1.5e-7), "1.500e-7");
        assert_eq!(signed(12.34), "+12.34");
        assert_eq!(signed(-3.0), "-3");
    }
}
