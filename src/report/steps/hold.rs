//! What a rise must do to hold: the fall back that undoes it (an
//! excursion), the check once it is sure that it was no curve, and the
//! fall back to the run's first level after held steps that is a restart
//! and keeps them.

use super::{Sides, Tentative, Tracker, CLIMB_DOUBT, FALL_HOLD, STARTUP};
use crate::report::Step;

impl Tracker {
    /// The highest level the run's held steps (or steps kept whatever
    /// comes) rose to; minus infinity when it has none.
    fn held_top(&self, run: usize) -> f64 {
        let steps = self
            .steps
            .iter()
            .filter(|st| st.run == run)
            .map(|st| st.after);
        let kept = self.tentative.iter().filter(|st| st.run == run && st.kept);
        steps
            .chain(kept.map(|st| st.sides.after))
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Whether `v` is back at the run's first level after held steps above
    /// it: within a quarter of the way up to the highest (a burst that
    /// falls back to the level of small held steps is not).
    pub(super) fn back_at_start(&self, run: usize, v: f64) -> bool {
        let (level, top) = (self.runs[run].level, self.held_top(run));
        top > level && v <= level + (top - level) / 4.0
    }

    /// Keeps every tentative step of the run whatever comes: a restart
    /// came after them.
    fn keep_run(&mut self, run: usize) {
        for st in self.tentative.iter_mut().filter(|st| st.run == run) {
            st.kept = true;
        }
    }

    /// A noisy rise about to be kept (sure, or counted at the end of the
    /// data), unless the samples since show it was the start of a curve: a
    /// level that has climbed on by as much again beyond the rises found
    /// since, with no fall after it (a daily cycle turning up, in the
    /// plateaus of its rounded values). The rise must then stand beyond
    /// what that climb makes over the distance between its two windows, by
    /// the rise it was confirmed with, as [`evaluate`](Tracker::evaluate)
    /// asks of the climb it could see.
    pub(super) fn still_up(&mut self, s: Tentative) -> Option<Tentative> {
        let run = self.runs.len() - 1;
        let len = self.buf.len();
        let from = self.pos(s.i).max(len.saturating_sub(self.w));
        if s.run != run || s.kept || self.exact() || len - from < FALL_HOLD as usize {
            return Some(s);
        }
        let now = self.summary(from, len);
        let now_t = self.mean_t(from, len);
        let [low_before, low_after] = s.sides.low;
        let [at_before, at_after] = s.sides.at;
        // Rises found since are steps of their own, not the curve's climb
        // (a staircase of leaks climbs by them); a fall since leaves the
        // climb unknown.
        let later = self
            .tentative
            .iter()
            .filter(|st| st.run == run && st.i > s.i);
        let (n_later, later) = later.fold((0, 0.0), |(n, r), st| (n + 1, r + st.sides.rise()));
        let alone = self.seg == s.i || (n_later > 0 && self.last_fall <= s.i);
        let climbed = now.low_mean - later - low_after;
        if alone && now_t > at_after && climbed >= s.sides.thr {
            let lift = climbed / (now_t - at_after) * (at_after - at_before);
            if low_after - low_before - lift < s.sides.thr + CLIMB_DOUBT * lift {
                return None;
            }
        }
        Some(s)
    }

    /// Undoes the tentative steps of the current run that the level fell
    /// back from: most of the last [`FALL_HOLD`] samples below the step's
    /// midpoint, with no gap since (a gap and a fall is a restart, which
    /// keeps them).
    pub(super) fn undo(&mut self, v: f64, gap: bool) {
        let run = self.runs.len() - 1;
        let mask = (1u32 << FALL_HOLD) - 1;
        let mut back = None;
        // Falling right across a gap to below where a young rise began is
        // a restart: it keeps every step of the run, also one the fall did
        // not take back (the new process's first count may already be a
        // step up). Back at that level only, it is the end of a burst that
        // the gap cut into (or a restart that cannot be told from one), and
        // undoes as a fall without a gap does.
        let under = v + self.thr / 2.0;
        if gap
            && self
                .tentative
                .iter()
                .any(|st| st.run == run && !st.kept && under < st.sides.before)
        {
            self.keep_run(run);
        }
        // Values that are not counts have noise both ways, which puts half
        // of ten samples below the midpoint of a rise of a few standard
        // deviations now and then: their mean must be below it as well.
        // (Counts' busy noise is upward only: their bursts fall right back.)
        let mut recent = None;
        for st in &mut self.tentative {
            if st.run != run || st.kept {
                continue;
            }
            let below = v < st.sides.mid;
            st.below = ((st.below << 1) | u32::from(below)) & mask;
            if 2 * st.below.count_ones() as u64 >= FALL_HOLD {
                if !self.counts {
                    let mean = *recent.get_or_insert_with(|| {
                        let len = self.buf.len();
                        let from = len.saturating_sub(FALL_HOLD as usize);
                        self.buf.range(from..len).map(|s| s.v).sum::<f64>() / (len - from) as f64
                    });
                    if mean >= st.sides.mid {
                        continue;
                    }
                }
                back = Some(back.map_or(st.i, |b: u64| b.min(st.i)));
            }
        }
        let Some(first) = back else {
            return;
        };
        // Back at the run's first level after steps that held is a restart
        // under way (without a gap: the process came back at once), which
        // keeps the young rises that a further rise followed, as a gap
        // does; the last one held only until the fall, and may be a burst
        // the restart cut short: it is dropped, and the fall goes on to
        // start the new run.
        if self.back_at_start(run, v) {
            let young = |st: &Tentative| st.run == run && !st.kept;
            if let Some(last) = self
                .tentative
                .iter()
                .filter(|st| young(st))
                .map(|st| st.i)
                .max()
            {
                self.tentative.retain(|st| !(young(st) && st.i == last));
                self.keep_run(run);
            }
            return;
        }
        let now = self.n - 1;
        let gone = self.drop_excursions(now, |st| st.run == run && !st.kept && st.i >= first);
        let Some(&earliest) = gone.first() else {
            return;
        };
        // A rise within the excursion (or joined to one of its rises), two
        // samples or more after it began, may be the floor rising under a
        // burst (see `carried_at`).
        self.undone.clear();
        let carried = gone
            .iter()
            .flat_map(|st| [Some((st.i, st.t, st.sides.rise())), st.joined])
            .flatten()
            .filter(|&(i, _, _)| i >= earliest.i + 2);
        self.undone.carried.extend(carried);
        // The excursion was noise (a burst of busy connections, a batch
        // job): its samples at or above the midpoint leave the windows, and
        // the level it interrupted is judged on, so that a leak during or
        // just after it is still seen against the level before it.
        let from = self.pos(first);
        let tail = self.pos((now + 1).saturating_sub(FALL_HOLD));
        let mut end = (tail..self.buf.len())
            .find(|&k| self.buf[k].v < earliest.sides.mid)
            .unwrap_or(self.buf.len());
        // Where the samples are that the excursion takes out, for the
        // middle of a burst (see `under_excursion`).
        let after = if end < self.buf.len() {
            self.buf[end].i
        } else {
            self.n
        };
        // (A young excursion may end before it began: nothing is taken.)
        self.undone.span = (end > from).then_some((earliest.i, after));
        let times = self.buf.range(from..end.max(from)).map(|s| (s.i, s.t));
        self.undone.times.extend(times);
        let mut k = from;
        while k < end {
            if self.buf[k].v >= earliest.sides.mid {
                self.buf.remove(k);
                self.runs[run].samples += 1;
                end -= 1;
            } else {
                k += 1;
            }
        }
        self.seg = earliest.seg;
        self.burst_from = None;
        self.last_fall = earliest.last_fall;
        self.up = None;
        self.down = None;
        self.refresh();
    }

    /// Drops the tentative steps that `gone` picks as excursions that
    /// ended at sample `now`, remembering how long and how small they
    /// were; returns them, earliest first.
    fn drop_excursions(&mut self, now: u64, gone: impl Fn(&Tentative) -> bool) -> Vec<Tentative> {
        let mut dropped = Vec::new();
        let (longest, smallest) = (&mut self.longest_excursion, &mut self.smallest_excursion);
        self.tentative.retain(|st| {
            if gone(st) {
                *longest = (*longest).max(now - st.i);
                *smallest = smallest.min(st.sides.rise());
                dropped.push(*st);
            }
            !gone(st)
        });
        dropped
    }

    /// A rise confirmed from a level below a young rise's midpoint: the
    /// level fell back from that one before this rise began, too briefly
    /// to undo it (a burst of a few samples just before a leak), and this
    /// rise is the step.
    pub(super) fn superseded(&mut self, run: usize, before: f64, at: u64) {
        self.drop_excursions(at, |st| st.run == run && !st.kept && before < st.sides.mid);
    }

    /// The sample that a rise of counts confirmed at buffer position
    /// `pos` by `rise` began at, when a burst it came out of carried it: a
    /// burst's height holds while it lasts (a batch job's connections), so
    /// a rise by exactly `rise` within an undone excursion, right before
    /// `pos` and held until the excursion fell back, is where the floor
    /// rose under it. The floors either side of the burst alone put the
    /// rise at its end. None unless exactly one such rise is remembered.
    pub(super) fn carried_at(&self, pos: usize, rise: f64) -> Option<(u64, f64)> {
        if !self.counts {
            return None;
        }
        let at = self.buf[pos].i;
        let after = pos.checked_sub(1).map_or(0, |k| self.buf[k].i + 1);
        let mut hits = self
            .undone
            .carried
            .iter()
            .filter(|&&(i, _, r)| (after..at).contains(&i) && r == rise);
        match (hits.next(), hits.next()) {
            (Some(&(i, t, _)), None) => Some((i, t)),
            _ => None,
        }
    }

    /// The middle of the burst that the last undone excursion was, when a
    /// rise of counts to level `floor` confirmed at buffer position `pos`
    /// was split within it or right after it, or before it with nothing
    /// but burst (samples above `floor`) in between, and (no rise it
    /// carried timing it) the burst lasted longer than a noisy level of
    /// counts holds before it is judged: the floor rose somewhere under a
    /// burst taken out of the windows, where a level could have begun
    /// anywhere, and its middle is within half of it (as under a long
    /// burst still in the buffer, see `likeliest_split`).
    pub(super) fn under_excursion(&self, pos: usize, floor: f64) -> Option<(u64, f64)> {
        let (from, after) = self.undone.span?;
        let at = self.buf[pos].i;
        let start = if (from..=after).contains(&at) {
            from
        } else if at < from && self.buf.range(pos..self.pos(from)).all(|s| s.v > floor) {
            at
        } else {
            return None;
        };
        if !self.counts || !self.hides_a_level(after - start) {
            return None;
        }
        // The middle sample, still in the buffer or taken out.
        let m = (start + after) / 2;
        let k = self.pos(m);
        if k < self.buf.len() && self.buf[k].i == m {
            return Some((m, self.buf[k].t));
        }
        let times = &self.undone.times;
        let j = times.binary_search_by_key(&m, |&(i, _)| i).ok()?;
        Some(times[j])
    }

    /// Joins a rise of a noise-free series at sample `i` to the young
    /// rise it climbed on from, if that one's level held fewer than
    /// `--min-hold` samples: a level so short is no level of its own (a
    /// quiet pool's one-connection blip just before a leak of two), and
    /// the two are one step, from where the first began. Once only: a
    /// staircase climbing every sample or two is its steps, not one.
    pub(super) fn joined(&mut self, run: usize, (i, t): (u64, f64), sides: &Sides) -> bool {
        let m_up = self.m_up;
        if !self.exact() {
            return false;
        }
        let Some(last) = self.tentative.last_mut() else {
            return false;
        };
        if last.run != run
            || last.kept
            || last.joined.is_some()
            || i - last.i >= m_up
            || sides.before != last.sides.after
        {
            return false;
        }
        let s = &mut last.sides;
        s.after = sides.after;
        s.low[1] = sides.low[1];
        s.at[1] = sides.at[1];
        s.mid = (s.low[0] + s.low[1]) / 2.0;
        last.joined = Some((i, t, sides.rise()));
        true
    }

    pub(super) fn keep(&mut self, s: Tentative) {
        // The series' first samples before a rise, fewer than a level needs
        // (a noisy one's start-up, see `start`; a noise-free one's level
        // must hold as between two rises, see `joined`), are no level of
        // their own: a process counted before its pool was open (0, then
        // 3) starts at 3, whatever found that rise before they could be
        // skipped.
        let start_up = if self.exact() {
            self.m_up
        } else {
            STARTUP as u64
        };
        if s.run == 0 && s.i < start_up {
            return;
        }
        self.steps.push(Step {
            time: s.t,
            before: s.sides.before,
            after: s.sides.after,
            rise: s.sides.rise(),
            held_secs: 0.0,
            held_samples: 0,
            run: s.run,
            index: s.i,
        });
    }
}
