//! Axis ticks a reader takes in at a glance: values on 1-2-5 steps, times on
//! round wall-clock steps (1 s, 5 s, 1 min, 5 min, 1 h, 1 day...) in the
//! chart's time zone, labelled `19:04:05`, `19:04`, `Nov 24 19:00` or
//! `2025-11-24` as the span needs.

use crate::time::format::strftime;
use crate::time::zone::Zone;

/// Round value ticks covering `lo..=hi`, at most about `max` of them.
pub fn values(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    // The finest round step that gives at most `max + 1` ticks.
    let max = max.max(1) as f64;
    let mut step = nice_step((hi - lo) / max / 2.5);
    while ((hi / step).floor() - (lo / step).ceil() + 1.0) > max + 1.0 {
        step = nice_step(step * 1.5);
    }
    let first = (lo / step).ceil();
    let last = (hi / step).floor();
    if !(last - first).is_finite() || last - first > 1000.0 {
        return vec![lo, hi];
    }
    let mut out: Vec<f64> = (first as i64..=last as i64)
        .map(|i| i as f64 * step)
        .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
        .collect();
    if out.is_empty() {
        out.push(lo);
    }
    out
}

/// The smallest 1, 2 or 5 times a power of ten at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// A value as a tick or read-out label: short, no float noise.
pub fn value_label(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e9).contains(&a) {
        let s = format!("{v:.2e}");
        return s.replace(".00e", "e").replace("0e", "e");
    }
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Time steps, in seconds, that read as round on a clock or calendar.
const TIME_STEPS: [i64; 22] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    172_800, 604_800, 2_592_000, 31_536_000,
];

/// Time ticks over `t0..=t1` (epoch seconds), at most about `max`, falling on
/// round local times of `zone`, with their labels.
pub fn times(t0: f64, t1: f64, max: usize, zone: Zone) -> Vec<(f64, String)> {
    if !(t0.is_finite() && t1.is_finite()) || t1 <= t0 {
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
        return values(t0, t1, max)
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
    let off = zone.offset_at(t0 as i64).secs as i64;
    let mut t = ((t0 as i64 + off).div_euclid(step) + 1) * step - off;
    if ((t - step) as f64) >= t0 {
        t -= step;
    }
    while (t as f64) <= t1 && out.len() <= 2 * max + 2 {
        // Re-align across an offset change (DST): keep ticks on round local
        // times.
        let o = zone.offset_at(t).secs as i64;
        let aligned = if step >= 3600 && o != off {
            t + off - o
        } else {
            t
        };
        if (aligned as f64) >= t0 && (aligned as f64) <= t1 {
            out.push((aligned as f64, time_label(aligned as f64, step, span, zone)));
        }
        t += step;
    }
    if out.is_empty() {
        out.push((t0, time_label(t0, step, span, zone)));
    }
    out
}

/// A time label fit for a tick `step` seconds apart on a chart spanning
/// `span` seconds.
pub fn time_label(t: f64, step: i64, span: f64, zone: Zone) -> String {
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
    strftime("%Y-%m-%d %H:%M:%S", t.floor(), zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_values() {
        assert_eq!(values(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(values(3.0, 97.0, 4), vec![20.0, 40.0, 60.0, 80.0]);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(values(-1e15, 1e15, 4), vec![-1e15, -5e14, 0.0, 5e14, 1e15]);
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
}
