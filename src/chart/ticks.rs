//! Axis ticks a reader takes in at a glance: values on 1-2-5 steps, times on
//! round wall-clock steps (1 s, 5 s, 1 min, 5 min, 1 h, 1 day...) in the
//! chart's time zone, labelled `19:04:05`, `19:04`, `Nov 24 19:00` or
//! `2025-11-24` as the span needs.

use crate::time::format::strftime;
use crate::time::zone::Zone;

/// Round value ticks and the step between them.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    /// Each tick with its label, digits enough to tell neighbours apart.
    pub fn labelled(&self) -> Vec<(f64, String)> {
        self.values
            .iter()
            .map(|&v| (v, label(v, self.step)))
            .collect()
    }
}

/// The most ticks ever computed: a bound on every loop over them.
const MAX_TICKS: usize = 1000;

/// Round value ticks covering `lo..=hi`, at most about `max` of them; whole
/// numbers only when `integral`. Ticks are computed from an integer index,
/// never by adding steps, and never closer than the values' precision, so
/// every tick is distinct and any range ends (`1e17..1e17+16`, `±1e308`).
pub fn values(lo: f64, hi: f64, max: usize, integral: bool) -> Ticks {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        let step = if lo.is_finite() && lo != 0.0 {
            lo.abs()
        } else {
            1.0
        };
        return Ticks {
            step,
            values: vec![lo],
        };
    }
    let max = max.clamp(1, MAX_TICKS) as f64;
    // Halves: the span of -1e308..1e308 does not fit in an f64.
    let half = hi * 0.5 - lo * 0.5;
    let mut step = nice_step(half / max / 1.25);
    // Finer than about 4 units in the last place, neighbours would print
    // (and draw) the same.
    let mut finest = lo.abs().max(hi.abs()) * 1e-15;
    if integral {
        finest = finest.max(1.0);
    }
    if step < finest {
        step = nice_step(finest);
    }
    // The finest round step that gives at most `max + 1` ticks.
    for _ in 0..64 {
        if (hi / step).floor() - (lo / step).ceil() <= max {
            break;
        }
        step = nice_step(step * 1.5);
    }
    // A hair of tolerance: 0.3 / 0.05 is 5.999...
    let first = (lo / step - 1e-9).ceil();
    let last = (hi / step + 1e-9).floor();
    if !step.is_normal() || !(last - first).is_finite() || last - first > MAX_TICKS as f64 {
        return Ticks {
            step: half,
            values: vec![lo, hi],
        };
    }
    let mut out: Vec<f64> = (first as i64..=last as i64)
        .map(|i| i as f64 * step)
        .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
        .collect();
    if out.is_empty() {
        out.push(lo);
    }
    Ticks { step, values: out }
}

/// The smallest 1, 2 or 5 times a power of ten at least `raw` (the
/// largest finite one past 1e308).
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| s.is_finite() && *s >= raw * (1.0 - 1e-12))
        .unwrap_or(p)
}

/// `v` as a tick label among ticks `step` apart: as many digits as it
/// takes to tell them apart (`1000000020`, not `1e9`), no float noise,
/// exponents past 1e15 and below 1e-4.
pub fn label(v: f64, step: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            v.to_string()
        };
    }
    let step = if step.is_finite() && step > 0.0 {
        step
    } else {
        v.abs()
    };
    // Nice steps are exact powers of ten times 1, 2 or 5: nudge so that
    // log10(1000) = 2.9999... still reads as 3.
    let step_exp = (step.log10() + 1e-9).floor();
    let a = v.abs();
    if (1e-4..1e15).contains(&a) {
        let decimals = (-step_exp).clamp(0.0, 19.0) as usize;
        let s = format!("{v:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            &s
        };
        return if s == "-0" { "0".into() } else { s.into() };
    }
    let digits = (a.log10().floor() - step_exp).clamp(0.0, 16.0) as usize;
    let s = format!("{v:.digits$e}");
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => {
            format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
        }
        _ => s,
    }
}

/// A value as a read-out label (a step's levels): whole numbers in full,
/// others to 12 significant digits (no float noise), and past 1e15 or below
/// 1e-4 every digit the value has (`1.0000000000000002e17`).
pub fn value_label(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() {
        return label(v, 1.0);
    }
    if !(1e-4..1e15).contains(&a) {
        return format!("{v:e}");
    }
    if v.fract() == 0.0 {
        return format!("{v:.0}");
    }
    label(v, 10f64.powf(a.log10().floor() - 11.0))
}

/// Time steps, in seconds, that read as round on a clock or calendar.
const TIME_STEPS: [i64; 22] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    172_800, 604_800, 2_592_000, 31_536_000,
];

/// Time ticks over `t0..=t1` (epoch seconds), at most about `max`, falling on
/// round local times of `zone`, with their labels.
pub fn times(t0: f64, t1: f64, max: usize, zone: Zone) -> Vec<(f64, String)> {
    if !(within_calendar(t0) && within_calendar(t1)) {
        // Times no calendar reaches: plain numbers, as for --no-time.
        return values(t0, t1, max, false).labelled();
    }
    if t1 <= t0 {
        return vec![(t0, time_label(t0, 1, t1 - t0, zone))];
    }
    let raw = (t1 - t0) / max.max(1) as f64;
    let step = match TIME_STEPS.iter().find(|&&s| s as f64 >= raw.max(1.0)) {
        Some(&s) => s,
        // Beyond a year per tick: whole years.
        None => ((raw / 31_536_000.0).ceil() as i64) * 31_536_000,
    };
    if raw < 1.0 && t1 - t0 < 2.0 {
        // Sub-second spans: wall-clock times with as many decimals as the
        // 1-2-5 step needs (16:00:00.25).
        let s = nice_step(raw);
        let decimals = (-s.log10().floor()).max(1.0) as usize;
        return values(t0, t1, max, false)
            .values
            .into_iter()
            .map(|t| {
                let whole = time_label(t, 1, t1 - t0, zone);
                let frac = format!("{:.*}", decimals, t - t.floor());
                (t, format!("{whole}{}", &frac[1..]))
            })
            .collect();
    }
    let span = t1 - t0;
    let mut out = Vec::new();
    // Step in local time: a tick is where local time is a multiple of the
    // step (days and longer: local midnight; months and years approximate).
    let off = i64::from(zone.offset_at(t0 as i64).secs);
    let mut first = ((t0 as i64 + off).div_euclid(step) + 1) * step - off;
    if ((first - step) as f64) >= t0 {
        first -= step;
    }
    for i in 0..=(2 * max.min(MAX_TICKS) as i64 + 2) {
        let t = first + i * step;
        if (t as f64) > t1 {
            break;
        }
        // Re-align across an offset change (DST): keep ticks on round local
        // times.
        let o = i64::from(zone.offset_at(t).secs);
        let aligned = if step >= 3600 && o != off {
            t + off - o
        } else {
            t
        };
        if (aligned as f64) >= t0 && (aligned as f64) <= t1 {
            out.push((aligned as f64, time_label(aligned as f64, step, span, zone)));
        }
    }
    if out.is_empty() {
        out.push((t0, time_label(t0, step, span, zone)));
    }
    out
}

/// Ten million years either side of 1970: every time a calendar (and an
/// i64 of seconds, offsets added) can hold with room to spare.
fn within_calendar(t: f64) -> bool {
    t.abs() < 3e14
}

/// A time label fit for a tick `step` seconds apart on a chart spanning
/// `span` seconds.
pub fn time_label(t: f64, step: i64, span: f64, zone: Zone) -> String {
    if !within_calendar(t) {
        return value_label(t);
    }
    let spec = if step >= 86400 {
        "%Y-%m-%d"
    } else if span > 86400.0 {
        "%b %d %H:%M"
    } else if step >= 60 {
        "%H:%M"
    } else {
        "%H:%M:%S"
    };
    strftime(spec, t.floor(), zone)
}

/// A full time for read-outs and reports: `2025-11-24 16:05:00`.
pub fn full_time(t: f64, zone: Zone) -> String {
    if !within_calendar(t) {
        return value_label(t);
    }
    strftime("%Y-%m-%d %H:%M:%S", t.floor(), zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_values() {
        let v = |lo, hi, max| values(lo, hi, max, false).values;
        assert_eq!(v(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(v(3.0, 97.0, 4), vec![20.0, 40.0, 60.0, 80.0]);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(v(-1e15, 1e15, 4), vec![-1e15, -5e14, 0.0, 5e14, 1e15]);
        assert_eq!(value_label(0.1 + 0.2), "0.3");
        assert_eq!(value_label(12.0), "12");
        assert_eq!(value_label(1e15), "1e15");
        assert_eq!(value_label(-2.5e-7), "-2.5e-7");
    }

    #[test]
    fn time_ticks_are_round_wall_clock_times() {
        // 2025-11-24 16:00:00 UTC, two hours.
        let t0 = 1_764_000_000.0;
        let ticks = times(t0, t0 + 7200.0, 6, Zone::Utc);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["16:00", "16:30", "17:00", "17:30", "18:00"]);
        let ticks = times(t0 + 7.0, t0 + 67.0, 4, Zone::Utc);
        assert_eq!(ticks[0].1, "16:00:15");
        let days = times(t0, t0 + 10.0 * 86400.0, 5, Zone::Utc);
        assert_eq!(days[0].1, "2025-11-26");
        let long = times(t0, t0 + 2.0 * 86400.0, 6, Zone::Utc);
        assert_eq!(long[0].1, "Nov 25 00:00");
        assert_eq!(full_time(t0, Zone::Utc), "2025-11-24 16:00:00");
        let sub = times(t0 + 0.1, t0 + 0.9, 4, Zone::Utc);
        assert_eq!(sub[0].1, "16:00:00.2");
        let two = times(t0, t0 + 2.0, 4, Zone::Utc);
        assert_eq!(
            two.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["16:00:00", "16:00:01", "16:00:02"]
        );
    }

    fn labels(t: &Ticks) -> Vec<String> {
        t.labelled().into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn labels_tell_neighbours_apart() {
        // A ramp near 1e9: every label differs, none reads `1e9`.
        let t = values(1e9, 1e9 + 100.0, 5, false);
        let l = labels(&t);
        assert_eq!(
            l,
            [
                "1000000000",
                "1000000020",
                "1000000040",
                "1000000060",
                "1000000080",
                "1000000100"
            ]
        );
        let t = values(0.1, 0.3, 4, false);
        assert_eq!(labels(&t), ["0.1", "0.15", "0.2", "0.25", "0.3"]);
        let t = values(1e17, 1e17 + 16.0, 5, false);
        let l = labels(&t);
        let mut d = l.clone();
        d.dedup();
        assert_eq!(d, l, "{t:?}");
        assert!(t.values.iter().all(|v| (1e17..=1e17 + 16.0).contains(v)) || t.values.len() <= 2);
        let t = values(1e-300, 3e-300, 4, false);
        assert_eq!(
            labels(&t),
            ["1e-300", "1.5e-300", "2e-300", "2.5e-300", "3e-300"]
        );
        assert_eq!(label(-0.0001, 0.0001), "-0.0001");
        assert_eq!(value_label(1_000_000_020.0), "1000000020");
        assert_eq!(value_label(1_000_000_000.5), "1000000000.5");
        assert_eq!(value_label(1e17 + 16.0), "1.0000000000000002e17");
        assert_eq!(value_label(-1e308), "-1e308");
    }

    #[test]
    fn any_range_ends_in_few_distinct_ticks() {
        for (lo, hi) in [
            (1e17, 1e17 + 16.0),
            (-1e308, 1e308),
            (f64::MIN, f64::MAX),
            (1e-300, 1.0000001e-300),
            (5e-324, 1e-323),
            (0.0, 1e-320),
            (-1.0, 1.0),
            (1e15, 1e15 + 1.0),
        ] {
            for integral in [false, true] {
                let t = values(lo, hi, 8, integral);
                assert!(
                    !t.values.is_empty() && t.values.len() <= 10,
                    "{lo} {hi}: {t:?}"
                );
                assert!(t.values.iter().all(|v| v.is_finite()), "{lo} {hi}: {t:?}");
                assert!(t.values.windows(2).all(|w| w[0] < w[1]), "{lo} {hi}: {t:?}");
            }
        }
        // Whole numbers get whole ticks, however few rows the chart has.
        let t = values(0.0, 3.0, 20, true);
        assert_eq!(t.values, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(labels(&t), ["0", "1", "2", "3"]);
        assert_eq!(values(0.0, 3.0, 20, false).step, 0.2);
        // Times beyond any calendar are numbers, not a panic.
        assert!(!times(1e17, 2e17, 4, Zone::Utc).is_empty());
        assert!(!times(-1e308, 1e308, 4, Zone::Utc).is_empty());
    }
}
