//! The report for people: one block per series, times on the wall clock.

use super::{Report, SeriesReport};
use crate::time::format::Format;
use crate::time::zone::Zone;
use std::fmt::Write;

/// The text report: per series its span, statistics, slope, runs and a
/// table of its steps, times as `2025-11-24 16:16:40 +0000` in `zone`
/// (with milliseconds when the series' times have fractions of a second),
/// or as row numbers when the report's x is rows (`--no-time`).
pub fn render_text(report: &Report, zone: Zone) -> String {
    let whole = Format::compile("%Y-%m-%d %H:%M:%S %z").expect("valid format");
    let frac = Format::compile("%Y-%m-%d %H:%M:%S.%3N %z").expect("valid format");
    let mut out = String::new();
    for (i, s) in report.series.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let fractional = series_times(s).any(|t| t.fract() != 0.0);
        let x = if report.rows {
            Axis::Rows
        } else {
            Axis::Clock(if fractional { &frac } else { &whole }, zone)
        };
        series(&mut out, s, report.rate, &x);
    }
    out
}

/// How x values read: wall-clock times, or row numbers.
enum Axis<'a> {
    Clock(&'a Format, Zone),
    Rows,
}

impl Axis<'_> {
    fn at(&self, t: f64) -> String {
        match self {
            Axis::Clock(f, zone) => time(f, t, *zone),
            Axis::Rows => format!("row {}", format_number(t)),
        }
    }

    fn span(&self, d: f64) -> String {
        match self {
            Axis::Clock(..) => format_duration(d),
            Axis::Rows if d == 1.0 => "1 row".to_string(),
            Axis::Rows => format!("{} rows", format_number(d)),
        }
    }

    /// A slope per hour as shown: per hour, or per row.
    fn slope(&self, per_hour: f64) -> String {
        match self {
            Axis::Clock(..) => format!("{}/h", signed(per_hour)),
            Axis::Rows => format!("{}/row", signed(per_hour / 3600.0)),
        }
    }
}

fn series_times(s: &SeriesReport) -> impl Iterator<Item = f64> + '_ {
    s.start
        .into_iter()
        .chain(s.end)
        .chain(s.steps.iter().map(|st| st.time))
}

fn series(out: &mut String, s: &SeriesReport, rate: bool, x: &Axis) {
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
    let _ = writeln!(out, "  from    {}", x.at(start));
    let _ = writeln!(out, "  to      {}  ({})", x.at(end), x.span(end - start));
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
    let of = if s.runs.len() > 1 { " of the last run" } else { "" };
    match (s.slope_per_hour, s.r2) {
        (Some(m), Some(r2)) => {
            let _ = writeln!(out, "  slope   {} (floor{of}, R² {r2:.2})", x.slope(m));
        }
        (Some(m), None) => {
            let _ = writeln!(out, "  slope   {} (floor{of})", x.slope(m));
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
        "  noise   {}  ({}){}",
        format_number(s.noise),
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
            "  [samples out of time order left out of the steps]"
        }
    );
    if s.runs.len() > 1 {
        runs(out, s, x);
    }
    if s.steps.is_empty() {
        let _ = writeln!(out, "  steps   none");
        return;
    }
    let _ = writeln!(
        out,
        "  steps   {} (the level rose and held):",
        s.steps.len()
    );
    steps(out, s, x);
}

fn runs(out: &mut String, s: &SeriesReport, x: &Axis) {
    let _ = writeln!(
        out,
        "  runs    {} (the series started over {} time{}):",
        s.runs.len(),
        s.runs.len() - 1,
        if s.runs.len() == 2 { "" } else { "s" }
    );
    let rows: Vec<[String; 5]> = s
        .runs
        .iter()
        .enumerate()
        .map(|(k, r)| {
            [
                format!("{}", k + 1),
                x.at(r.start),
                format!("{}", r.samples),
                r.slope_per_hour.map_or_else(|| "-".to_string(), |m| x.slope(m)),
                format!("{}", r.steps),
            ]
        })
        .collect();
    table(
        out,
        ["run", "from", "samples", "slope", "steps"],
        &rows,
        &[false, false, true, true, true],
    );
}

/// At least this many equal, evenly spaced steps in a row are one line.
const SUMMARY_MIN: usize = 5;

fn steps(out: &mut String, s: &SeriesReport, x: &Axis) {
    let several_runs = s.runs.len() > 1;
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut notes: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < s.steps.len() {
        let j = staircase_end(&s.steps, i);
        if j - i >= SUMMARY_MIN {
            let (a, b) = (&s.steps[i], &s.steps[j - 1]);
            let every = (b.time - a.time) / (j - i - 1) as f64;
            notes.push((
                rows.len(),
                format!(
                    "{} steps of {}, one every ~{}, from {} to {} ({} -> {})",
                    j - i,
                    signed(a.rise),
                    x.span(every),
                    x.at(a.time),
                    x.at(b.time),
                    format_number(a.before),
                    format_number(b.after)
                ),
            ));
            i = j;
            continue;
        }
        let st = &s.steps[i];
        rows.push([
            x.at(st.time),
            format_number(st.before),
            format_number(st.after),
            signed(st.rise),
            x.span(st.held_secs),
            format!("{}", st.run + 1),
        ]);
        i += 1;
    }
    let head = ["time", "before", "after", "rise", "held", "run"];
    let cols = if several_runs { 6 } else { 5 };
    let body: Vec<Vec<String>> = rows.iter().map(|r| r[..cols].to_vec()).collect();
    let lines = aligned(&head[..cols], &body, &[false, true, true, true, true, true]);
    // Summaries go where their steps would have been.
    let mut k = 0;
    for (at, line) in lines.iter().enumerate() {
        if at == 0 && body.is_empty() {
            continue;
        }
        while k < notes.len() && notes[k].0 + 1 == at {
            let _ = writeln!(out, "    {}", notes[k].1);
            k += 1;
        }
        let _ = writeln!(out, "{line}");
    }
    for (_, note) in &notes[k..] {
        let _ = writeln!(out, "    {note}");
    }
}

/// The end (exclusive) of the staircase starting at step `i`: steps of the
/// same rise, each starting where the last ended, evenly spaced (every gap
/// within half of the first).
fn staircase_end(steps: &[super::Step], i: usize) -> usize {
    let mut j = i + 1;
    while j < steps.len() {
        let (p, q) = (&steps[j - 1], &steps[j]);
        let first_gap = steps[i + 1.min(j - i)].time - steps[i].time;
        let gap = q.time - p.time;
        let same = q.rise == steps[i].rise && q.before == p.after && q.run == p.run;
        if !same || (gap - first_gap).abs() > first_gap / 2.0 {
            break;
        }
        j += 1;
    }
    j
}

/// A table's lines, indented, columns padded: `right` says which are
/// right-aligned.
fn aligned(head: &[&str], rows: &[Vec<String>], right: &[bool]) -> Vec<String> {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in w.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::from("  ");
        for (k, (c, &w)) in cells.iter().zip(&w).enumerate() {
            let pad = " ".repeat(w - c.chars().count());
            l.push_str("  ");
            if right[k] {
                l.push_str(&pad);
                l.push_str(c);
            } else {
                l.push_str(c);
                l.push_str(&pad);
            }
        }
        l.trim_end().to_string()
    };
    let mut out = vec![line(&head.iter().map(|h| h.to_string()).collect::<Vec<_>>())];
    out.extend(rows.iter().map(|r| line(r)));
    out
}

fn table<const N: usize>(out: &mut String, head: [&str; N], rows: &[[String; N]], right: &[bool]) {
    let body: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
    for l in aligned(&head, &body, right) {
        let _ = writeln!(out, "{l}");
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
