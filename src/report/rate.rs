//! `tsplot --rate`: cumulative counters turned into per-second rates.

use crate::series::Sink;

/// A [`Sink`] adapter that passes on, for each series, the per-second rate
/// of increase between successive samples instead of the samples.
///
/// - The rate between samples at `t0` and `t1` is reported at `t1`: the
///   first sample of a series (and the first after a gap) only sets the
///   baseline, so the rate series has one point fewer per run.
/// - A value below the previous one is a counter reset (the process
///   restarted, the counter wrapped): the counter is taken to have started
///   again from zero, so the increase is the new value itself, as
///   Prometheus' `rate()` does. Never a negative rate.
/// - A gap (an empty field) is passed on as a gap and drops the baseline.
/// - Samples at the same time as the previous one are skipped (the next
///   rate covers them); a time going backwards starts a new baseline.
pub struct Rate<S: Sink> {
    inner: S,
    prev: Vec<Option<(f64, f64)>>,
}

impl<S: Sink> Rate<S> {
    pub fn new(inner: S) -> Rate<S> {
        Rate {
            inner,
            prev: Vec::new(),
        }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Sink> Sink for Rate<S> {
    fn names(&mut self, names: &[String]) {
        if self.prev.len() < names.len() {
            self.prev.resize(names.len(), None);
        }
        self.inner.names(names);
    }

    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        if self.prev.len() <= series {
            self.prev.resize(series + 1, None);
        }
        let Some(v) = value.filter(|v| v.is_finite()) else {
            self.prev[series] = None;
            self.inner.point(series, time, None);
            return;
        };
        let Some((t0, v0)) = self.prev[series] else {
            self.prev[series] = Some((time, v));
            return;
        };
        if time == t0 {
            if v < v0 {
                // A reset between two samples stamped alike: count from here.
                self.prev[series] = Some((time, v));
            }
            return;
        }
        self.prev[series] = Some((time, v));
        if time < t0 {
            return;
        }
        let increase = if v >= v0 { v - v0 } else { v.max(0.0) };
        self.inner.point(series, time, Some(increase / (time - t0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(Vec<(usize, f64, Option<f64>)>);

    impl Sink for Collect {
        fn names(&mut self, _: &[String]) {}
        fn point(&mut self, s: usize, t: f64, v: Option<f64>) {
            self.0.push((s, t, v));
        }
    }

    fn rates(points: &[(f64, Option<f64>)]) -> Vec<(f64, Option<f64>)> {
        let mut r = Rate::new(Collect::default());
        r.names(&["c".to_string()]);
        for &(t, v) in points {
            r.point(0, t, v);
        }
        r.into_inner()
            .0
            .into_iter()
            .map(|(_, t, v)| (t, v))
            .collect()
    }

    #[test]
    fn steady_counter_gives_its_rate() {
        let out = rates(&[(0.0, Some(100.0)), (2.0, Some(110.0)), (4.0, Some(130.0))]);
        assert_eq!(out, vec![(2.0, Some(5.0)), (4.0, Some(10.0))]);
    }

    #[test]
    fn reset_to_zero_is_a_restart_not_a_negative_rate() {
        let out = rates(&[
            (0.0, Some(1000.0)),
            (1.0, Some(1010.0)),
            (2.0, Some(4.0)),
            (3.0, Some(10.0)),
        ]);
        assert_eq!(
            out,
            vec![(1.0, Some(10.0)), (2.0, Some(4.0)), (3.0, Some(6.0))]
        );
    }

    #[test]
    fn any_drop_is_a_reset() {
        let out = rates(&[(0.0, Some(50.0)), (1.0, Some(40.0)), (2.0, Some(45.0))]);
        assert_eq!(out, vec![(1.0, Some(40.0)), (2.0, Some(5.0))]);
        assert!(out.iter().all(|(_, v)| v.unwrap() >= 0.0));
    }

    #[test]
    fn gap_resets_the_baseline() {
        let out = rates(&[
            (0.0, Some(10.0)),
            (1.0, Some(20.0)),
            (2.0, None),
            (3.0, Some(500.0)),
            (5.0, Some(520.0)),
        ]);
        assert_eq!(out, vec![(1.0, Some(10.0)), (2.0, None), (5.0, Some(10.0))]);
    }

    #[test]
    fn same_time_is_skipped_and_backwards_rebases() {
        let out = rates(&[
            (0.0, Some(0.0)),
            (0.0, Some(3.0)),
            (1.0, Some(4.0)),
            (0.5, Some(4.0)),
            (2.5, Some(8.0)),
        ]);
        assert_eq!(out, vec![(1.0, Some(4.0)), (2.5, Some(2.0))]);
    }

    #[test]
    fn series_are_independent() {
        let mut r = Rate::new(Collect::default());
        r.names(&["a".to_string(), "b".to_string()]);
        r.point(0, 0.0, Some(0.0));
        r.point(1, 0.0, Some(100.0));
        r.point(0, 1.0, Some(1.0));
        r.point(1, 1.0, Some(0.0));
        assert_eq!(
            r.into_inner().0,
            vec![(0, 1.0, Some(1.0)), (1, 1.0, Some(0.0))]
        );
    }
}
