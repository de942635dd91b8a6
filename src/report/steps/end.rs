//! The end of a series: what is still open is examined with what there is,
//! the young rises that held long enough are kept, older ones the level
//! gave back are dropped, and the runs are summed up (see the parent
//! module for the rule).

use super::{Outcome, Tracker};
use crate::report::{Run, Step};

impl Tracker {
    /// Ends the series: examines what is still open and returns the steps,
    /// the runs and the slope of the last run (per second, with its R²).
    pub fn finish(mut self) -> Finished {
        if self.n == 0 {
            return Finished {
                steps: Vec::new(),
                runs: Vec::new(),
                slope: None,
            };
        }
        // A short series is judged noise-free or not on what it has.
        if !self.settled_exact {
            self.settled_exact = true;
            if self.diffs >= 2 && self.exact() && self.n < self.cap as u64 {
                self.replay();
            }
        }
        for up in [true, false] {
            let c = if up { self.up } else { self.down };
            if let Some(c) = c {
                if let Outcome::Confirmed(ch) = self.evaluate(up, c.k, true) {
                    self.change(up, ch);
                }
            }
        }
        let last_run = self.runs.len() - 1;
        // A young rise must outlast twice the longest excursion and three
        // times the longest burst (the data may end in one); on a noisy
        // level also 50 samples, or a quarter of its run if that is shorter:
        // a rise over the last few samples of a long noisy record is not yet
        // a step. A noise-free one is (its noise is the staircase itself),
        // unless it is as big as a rise that fell back, or like the bursts
        // more than the steps: a quiet pool's burst.
        let noisy = 50u64.min((self.n - self.runs[last_run].start_i) / 4);
        let need = self
            .m_up
            .max(2 * self.longest_excursion + 1)
            .max(3 * self.longest_burst + 1)
            .max(if self.exact() { 0 } else { noisy });
        // A rise more than twice every step that held, and no higher than
        // a burst that came back down, is like the bursts, not the steps.
        let top_step = self.steps.iter().map(|st| st.rise).fold(0.0, f64::max);
        let highest_burst = self.highest_burst;
        let bursty = |rise: f64| top_step > 0.0 && rise > 2.0 * top_step && rise <= highest_burst;
        for s in std::mem::take(&mut self.tentative) {
            // A step a restart came after held until its run ended.
            if s.kept || s.run < last_run {
                self.keep(s);
                continue;
            }
            let held = self.n - s.i;
            let from = self.pos(s.i);
            let len = self.buf.len();
            let still = from >= len || {
                let now = self.summary(from, len);
                now.q50 >= s.sides.mid
            };
            // The data may end in the fall back, as it may in a burst: the
            // last samples below the midpoint, as many as a rise needs.
            let falling = self
                .buf
                .range(0..len)
                .rev()
                .take_while(|x| x.v < s.sides.mid)
                .count() as u64;
            let still = still && falling < self.m_up;
            let rise = s.sides.rise();
            let burst_sized = rise >= self.smallest_excursion || bursty(rise);
            if held >= need && still && (!burst_sized || held >= noisy) {
                // What a rise that became sure is asked, too: whether it was
                // the start of a curve.
                if let Some(s) = self.still_up(s) {
                    self.keep(s);
                }
            }
        }
        self.given_back(last_run);
        while let Some(s) = self.buf.pop_front() {
            self.settle(s);
        }
        let last_t = self.last_t.unwrap_or(f64::NAN);
        let mut steps = std::mem::take(&mut self.steps);
        for st in &mut steps {
            st.held_secs = last_t - st.time;
            st.held_samples = self.n - 1 - st.index;
        }
        let runs = self
            .runs
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let line = r.trace.reported();
                Run {
                    start: r.start_t,
                    end: r.end_t,
                    samples: r.samples,
                    slope_per_hour: line.map(|(m, _)| m * 3600.0).filter(|m| m.is_finite()),
                    steps: steps.iter().filter(|s| s.run == k).count(),
                }
            })
            .collect();
        Finished {
            steps,
            runs,
            slope: self.runs.last().and_then(|r| r.trace.reported()),
        }
    }

    /// Drops the steps of the last run that its level has given back by
    /// the end of the data, with no restart since: below their midpoint
    /// over the last window, which they came before (a younger one was
    /// asked as much when it was counted). A leak's level lasts; one that
    /// drifted back down was load (a pool's floor at the day's peak, whose
    /// night returns it). On a noisy series only: a noise-free one's falls
    /// are changes of their own, seen as they come.
    fn given_back(&mut self, run: usize) {
        let len = self.buf.len();
        let from = len.saturating_sub(self.w);
        if self.exact() || len - from < self.w || self.buf[from].i <= self.runs[run].start_i {
            return;
        }
        let (now, first) = (self.level(from, len), self.buf[from].i);
        self.steps
            .retain(|st| st.run != run || st.index >= first || now >= st.before + st.rise / 2.0);
    }
}

/// What [`Tracker::finish`] found.
pub struct Finished {
    pub steps: Vec<Step>,
    pub runs: Vec<Run>,
    pub slope: Option<(f64, Option<f64>)>,
}
