//! How the step finder examines a candidate change: when, where between
//! the two levels (the split, see `split`), the local climb either side,
//! the threshold, and the tests that confirm it or put it off (see the
//! parent module).

use super::{
    ln_p, Change, Outcome, Sides, Tracker, BLOCK, CLIMB_DOUBT, FALL_HOLD, LN_ALPHA, STARTUP,
};
use crate::report::levels::{cutoffs, lower_median};

/// The slopes between every two blocks (time, level) in order, but those
/// `apart(j, j2)` (levels either side of a rise found already).
fn pair_slopes(blocks: &[(f64, f64)], apart: impl Fn(usize, usize) -> bool) -> Vec<f64> {
    let mut slopes = Vec::new();
    for (j, &(t1, l1)) in blocks.iter().enumerate() {
        for (j2, &(t2, l2)) in blocks.iter().enumerate().skip(j + 1) {
            if t2 > t1 && !apart(j, j2) {
                slopes.push((l2 - l1) / (t2 - t1));
            }
        }
    }
    slopes
}

/// What [`Tracker::climb_around`] reads around a split.
#[derive(Default)]
struct Climb {
    /// The climb per second across the split.
    local: f64,
    /// Each side's own climb per second.
    within: [f64; 2],
    /// A fall back after the split below its midpoint: the rise did not
    /// hold.
    broken: bool,
    /// A fall back from the split's first block that stayed above the
    /// midpoint: the time of the block it fell to, and the cut between the
    /// two blocks' levels.
    fell: Option<(f64, f64)>,
    /// A burst before the split that fell back only at it: the cut
    /// between its level and the new one.
    ended: Option<f64>,
}

impl Tracker {
    /// The levels and mean times of blocks of [`BLOCK`] samples covering
    /// positions `from..to` (the last block takes the remainder), levels
    /// as [`Summary::low_mean`].
    fn blocks(&mut self, from: usize, to: usize, out: &mut Vec<(f64, f64)>) {
        // A side too short for two blocks gets two halves, down to 4
        // samples each: a climb into a rise shows even so.
        let span = to - from;
        let size = if span >= 2 * BLOCK {
            BLOCK
        } else {
            (span / 2).max(4)
        };
        let n = span / size;
        for k in 0..n {
            let a = from + k * size;
            let b = if k + 1 == n { to } else { a + size };
            let l = self.summary(a, b).low_mean;
            let t = self.mean_t(a, b);
            out.push((t, l));
        }
    }

    /// The buffer positions of this run's rises found after position
    /// `from`, in order.
    fn steps_after(&self, from: usize) -> Vec<usize> {
        let (run, after) = (self.runs.len() - 1, self.buf[from].i);
        let held = self.steps.iter().rev().map(|s| (s.run, s.index));
        let tentative = self.tentative.iter().rev().map(|s| (s.run, s.i));
        // Both lists are in order: only their ends can be as late.
        let mut found: Vec<usize> = tentative
            .take_while(|&(r, i)| r == run && i > after)
            .chain(held.take_while(|&(r, i)| r == run && i > after))
            .map(|(_, i)| self.pos(i))
            .collect();
        found.reverse();
        found
    }

    /// The local climb per second around a split at `p`: the median of the
    /// slopes between block levels on the same side of it (Theil-Sen), so
    /// that neither the rise itself nor a spike moves it; and the same on
    /// each side alone, times that side's span: how much each side rises
    /// within itself. `mid` is the rise's midpoint: a fall back after the
    /// split below it means the rise did not hold.
    fn climb_around(
        &mut self,
        ext: usize,
        p: usize,
        len: usize,
        noise: f64,
        up: bool,
        mid: f64,
    ) -> Option<Climb> {
        let mut sides = [Vec::new(), Vec::new()];
        // Before a rise, each level between the rises found already is read
        // on its own (its blocks then start at the first sample found, the
        // block of each that starts a level is listed): a staircase of
        // leaks a few dozen samples apart is its steps, which must not pass
        // for a climb the next one is judged beyond, and what each level
        // climbs within itself still counts.
        let mut levels = Vec::new();
        let mut from = ext;
        if up && ext < p {
            for at in self.steps_after(ext).into_iter().filter(|&at| at < p) {
                self.blocks(from, at, &mut sides[0]);
                levels.push(sides[0].len());
                from = at;
            }
        }
        self.blocks(from, p, &mut sides[0]);
        self.blocks(p, len, &mut sides[1]);
        // A jump the other way between blocks (a heap collected, a burst
        // ended) breaks a side: before the split only what follows the last
        // one counts, after it only what precedes the first; and one after
        // the split means the new level has not held.
        let back = 4.0 * self.kappa * noise;
        let against = |a: f64, b: f64| if up { b < a - back } else { b > a + back };
        // An excursion (a burst before a fall, a dip before a rise) that
        // came back before the split leaves what follows its return.
        let along = |a: f64, b: f64| against(b, a);
        if let Some(j) = (1..sides[0].len())
            .rev()
            .find(|&j| against(sides[0][j - 1].1, sides[0][j].1))
        {
            let j = (j + 1..sides[0].len())
                .find(|&k| along(sides[0][k - 1].1, sides[0][k].1))
                .unwrap_or(j);
            sides[0].drain(..j);
            levels.retain_mut(|b| {
                *b = b.saturating_sub(j);
                *b > 0
            });
        }
        // The first fall back after the split (a burst's end, a collection).
        let fall =
            |side: &[(f64, f64)]| (1..side.len()).find(|&j| against(side[j - 1].1, side[j].1));
        let mut back_at = fall(&sides[1]);
        // A burst after the split that fell back to the level it rose from
        // (a batch job right after a leak), the level holding after it, is
        // no climb of the new level: its blocks leave the side. (Not when
        // another burst follows, nor when the burst is most of the side: a
        // side made of bursts is no level.)
        while let Some(j) = back_at {
            let Some(k) = (1..j)
                .rev()
                .find(|&k| along(sides[1][k - 1].1, sides[1][k].1))
            else {
                break;
            };
            let (from, to) = (sides[1][k - 1].1, sides[1][j].1);
            let burst = self.burst_above(from.max(to));
            let again = sides[1][j + 1..].iter().any(|&(_, l)| l > burst);
            let most = 2 * (j - k) >= sides[1].len();
            if against(from, to) || against(to, from) || again || most {
                break;
            }
            sides[1].drain(k..j);
            back_at = fall(&sides[1]);
        }
        // Nor is a burst that falls back only at the split (to the new
        // level, below it), or only after its first block (a burst the
        // split cut in two).
        let mut ended = None;
        let after = match back_at {
            Some(1) => sides[1].get(1),
            _ => sides[1].first(),
        };
        if let Some(&(_, after)) = after {
            while sides[0].len() > 1 && sides[0].last().is_some_and(|&(_, l)| against(l, after)) {
                ended = sides[0].pop().map(|(_, l)| (l + after) / 2.0);
            }
        }
        let (mut broken, mut fell) = (false, None);
        if let Some(j) = back_at {
            let ((_, a), (t, b)) = (sides[1][j - 1], sides[1][j]);
            broken = if up { b < mid } else { b > mid };
            // (Only a burst that starts at the split drew it there.)
            fell = (!broken && j == 1).then_some((t, (a + b) / 2.0));
            sides[1].truncate(j);
        }
        // A climb counts when it rises more than the noise over the blocks
        // it was read from; less could be the noise itself.
        let beyond_noise = |m: f64, span: f64| (m * span).abs() > noise;
        let mut all = Vec::new();
        let mut within = [0.0; 2];
        for (k, side) in sides.iter().enumerate() {
            let mut slopes = pair_slopes(side, |j, j2| {
                k == 0 && levels.iter().any(|&b| j < b && b <= j2)
            });
            if let (Some(first), Some(last)) = (side.first(), side.last()) {
                if !slopes.is_empty() {
                    all.extend_from_slice(&slopes);
                    let m = lower_median(&mut slopes);
                    // Of three blocks, one (a dip, a process's first counts)
                    // is the median's outer pair: a climb must pass through
                    // the middle one.
                    let through =
                        side.len() != 3 || side.windows(2).all(|w| (w[1].1 - w[0].1) * m > 0.0);
                    // Before a rise, across rises found already, the level
                    // just before it must climb by more than the noise on
                    // its own (one of them may be two leaks, or hold a
                    // leak not yet found, and pass for a climb pooled
                    // with the others).
                    let own = match levels.iter().max() {
                        Some(&b) if k == 0 => {
                            let level = &side[b.min(side.len())..];
                            let mut own = pair_slopes(level, |_, _| false);
                            match (level.first(), level.last()) {
                                (Some(a), Some(z)) if !own.is_empty() => {
                                    beyond_noise(lower_median(&mut own), z.0 - a.0)
                                }
                                _ => false,
                            }
                        }
                        _ => true,
                    };
                    // In a staircase (rises found already before the
                    // split), two blocks are one difference: as likely the
                    // noise of one block as a climb.
                    let read = side.len() >= 3 || levels.is_empty();
                    if read && through && own && beyond_noise(m, last.0 - first.0) {
                        within[k] = m;
                    }
                }
            }
        }
        let span = match (
            sides[0].first().or(sides[1].first()),
            sides[1].last().or(sides[0].last()),
        ) {
            (Some(a), Some(b)) => b.0 - a.0,
            _ => 0.0,
        };
        (!all.is_empty() || broken).then(|| {
            let local = if all.is_empty() {
                0.0
            } else {
                lower_median(&mut all)
            };
            let local = if beyond_noise(local, span) {
                local
            } else {
                0.0
            };
            Climb {
                local,
                within,
                broken,
                fell,
                ended,
            }
        })
    }

    /// The candidate `up` (a rise, else a fall) has grown to be examined
    /// again at sample `i`: whether a change was confirmed. Out of line:
    /// a few samples in a hundred come here, and the loop over the
    /// candidates runs at every one.
    #[cold]
    #[inline(never)]
    pub(super) fn examine_due(&mut self, up: bool, i: u64) -> bool {
        let Some(c) = (if up { self.up } else { self.down }) else {
            return false;
        };
        // A change that began earlier in the other direction is decided
        // first: a rise out of a fall is judged against the fallen
        // level, not the one before.
        let other = if up { self.down } else { self.up };
        if other.is_some_and(|o| o.k < c.k) {
            return false;
        }
        if !self.exact() {
            let slot = if up { &mut self.up } else { &mut self.down };
            if let Some(c) = slot {
                if c.unsurprising() {
                    c.next = c.na + (c.na / 8).max(1);
                    return false;
                }
            }
        }
        let o = self.evaluate(up, c.k, false);
        match o {
            Outcome::Confirmed(ch) => {
                self.change(up, ch);
                return true;
            }
            Outcome::Reject => {
                let slot = if up { &mut self.up } else { &mut self.down };
                *slot = None;
                // A climb keeps opening candidates that are no step:
                // the next one waits half a window (its split may still
                // lie anywhere in the segment).
                self.quiet[usize::from(up)] = i + (self.w / 2) as u64;
            }
            Outcome::NotYet(split) => {
                // A rise found later than the candidate may be the next
                // step of a staircase: the level the candidate rose to is
                // judged first, on what came before that rise (once it
                // has held as long as a noisy level must).
                let wait = self.wait_after();
                if let Some(p) = split.filter(|&p| self.buf[p].i >= c.k + wait) {
                    if let Outcome::Confirmed(ch) = self.evaluate_to(up, c.k, false, p) {
                        self.change(up, ch);
                        return true;
                    }
                }
                // A candidate opened by noise before the rise moves to
                // where the rise is, and counts from there.
                let len = self.buf.len();
                let at = split.map(|p| (p, self.buf[p].i));
                let slot = if up { &mut self.up } else { &mut self.down };
                if let Some(c) = slot {
                    if let Some((p, i)) = at.filter(|&(_, i)| i > c.k) {
                        c.k = i;
                        c.na = 0;
                        c.counts = [0; 3];
                        for s in self.buf.range(p..len) {
                            c.add(s.v, up);
                        }
                    }
                    c.next = c.na + (c.na / 4).max(1);
                }
            }
        }
        false
    }

    /// Whether the samples in `from..to` lie on the old side of `cuts`
    /// less often than chance allows (see [`ln_p`]).
    fn improbable(&self, cuts: &[(f64, f64); 3], (from, to): (usize, usize), up: bool) -> bool {
        let mut counts = [0u64; 3];
        for s in self.buf.range(from..to) {
            for (c, &(x, _)) in counts.iter_mut().zip(cuts) {
                if (up && s.v <= x) || (!up && s.v >= x) {
                    *c += 1;
                }
            }
        }
        ln_p(cuts, &counts, (to - from) as u64) < LN_ALPHA
    }

    /// Whether the current run has a step, held or tentative.
    fn stepped(&self) -> bool {
        let run = self.runs.len() - 1;
        let tentative = self.tentative.iter().rev().map(|st| st.run);
        let held = self.steps.iter().rev().map(|st| st.run);
        tentative.chain(held).any(|r| r == run)
    }

    /// Examines the candidate that started at `k0`. `last`: the data has
    /// ended, so what is there is all there will be.
    pub(super) fn evaluate(&mut self, up: bool, k0: u64, last: bool) -> Outcome {
        self.evaluate_to(up, k0, last, self.buf.len())
    }

    /// [`evaluate`](Tracker::evaluate) on the buffer's first `len`
    /// samples only.
    pub(super) fn evaluate_to(&mut self, up: bool, k0: u64, last: bool, len: usize) -> Outcome {
        let seg = self.pos(self.seg);
        let k0p = self.pos(k0);
        let exact = self.exact();
        let m = if up { self.m_up } else { FALL_HOLD } as usize;
        if k0p <= seg || len < k0p + 1 || len - seg < m + 1 {
            return Outcome::Reject;
        }
        let mut p = k0p;
        let mut range = (0, 0);
        // Judged up to a later rise (the next step of a staircase), counts'
        // split is searched between the floors alone: medians that a burst
        // pulls up tie with the busy noise and drift to the burst.
        let floors = self.counts && len < self.buf.len();
        for _ in 0..2 {
            let lo = seg.max(p.saturating_sub(self.w));
            let a = self.median(lo, p);
            // The new level from the later part of what follows, which a
            // few noise samples before the rise cannot pull down.
            let b = self.median(p + (len - p) / 2, len);
            let p_lo = seg + 1;
            let Some(p_hi) = (len + 1).checked_sub(m).filter(|&h| h >= p_lo) else {
                return Outcome::NotYet(None);
            };
            range = (p_lo, p_hi);
            if floors {
                break;
            }
            let q = self.best_split((lo, len), range, a, b);
            // From where it ends, the search would find the same again.
            if q == p {
                break;
            }
            p = q;
        }
        // Counts: a rise's split is searched again between the floors with
        // the noise's own law. (Not a fall's: the level after a restart may
        // climb at once, so the later floor is no floor of the first
        // samples after it.)
        let lo = seg.max(p.saturating_sub(self.w));
        let late = p + (len - p) / 2;
        let a = self.level(lo, p);
        let b = self.level(late, len);
        if up && b > a {
            if let Some(q) = self.likeliest_split((lo, len), range, (p, late), a, b) {
                p = q;
            }
        }
        let lo = seg.max(p.saturating_sub(self.w));
        let sb = self.summary(lo, p);
        let sa = self.summary(p, len);
        let na = (len - p) as u64;
        if (na as usize) < m || sb.n == 0 {
            return Outcome::NotYet(Some(p));
        }
        let flat = exact && sb.flat() && sa.flat();
        // Noisy levels need a window's worth of samples either side, to
        // be read and to show whether they climb (at the end of the data,
        // as many after as before will do).
        // A fall, from a level that held, is judged once it has held itself:
        // the next climb may already be under way (a heap after a
        // collection).
        let wanted = if !up {
            m
        } else if last {
            sb.n.min(self.w)
        } else {
            self.wait_after() as usize
        };
        // On a noise-free series the level before a fall may have held
        // only as long as a step of a dense staircase does, and the level
        // after it climb again at once (the leaking process restarted).
        let before_min = if exact && !up {
            self.m_up as usize
        } else {
            STARTUP
        };
        if !flat && (sb.n < before_min || (na as usize) < wanted) {
            return Outcome::NotYet(Some(p));
        }
        let at = [self.mean_t(lo, p), self.mean_t(p, len)];
        let dist = at[1] - at[0];
        // Flat levels of a noise-free series need only rise: the noise
        // there is the staircase itself.
        // Levels read from fewer samples vary more: the threshold grows as
        // the spread of their difference does.
        // Once a run has stepped, its levels may be a staircase's, as short
        // as a noisy level waits for (a window; half of one for counts,
        // whose floors a few samples show); before, a window (a rounded
        // daily cycle's plateaus are that short too).
        let stepped = self.stepped();
        let short = !flat && stepped;
        let thr = if flat {
            self.min_rise
        } else {
            let w = if short {
                self.wait_after()
            } else {
                self.w as u64
            } as f64;
            let scale = ((w / (sb.n as f64).min(w) + w / (na as f64).min(w)) / 2.0).sqrt();
            self.threshold_now() * scale
        };
        // The levels themselves must have moved, too.
        let moved = if up {
            sa.level > sb.level
        } else {
            sa.level < sb.level
        };
        // The climb only takes from the rise (c has the rise's sign and the
        // samples are in time order): a rise too small without it is too
        // small with it, and is not confirmed whatever the climb and the
        // tests below say.
        let d_max = if up {
            sa.low_mean - sb.low_mean
        } else {
            sb.low_mean - sa.low_mean
        };
        let too_small = if na >= self.w as u64 {
            Outcome::Reject
        } else {
            Outcome::NotYet(Some(p))
        };
        if dist >= 0.0 && !(moved && d_max >= thr && d_max > 0.0 && d_max >= self.min_rise) {
            return too_small;
        }
        // The climb the rise is judged beyond: what both sides climb
        // (over up to two windows before, whatever segments they span), or
        // what either side climbs within itself, whichever is more: a level
        // that keeps climbing after the split, or was climbing into it, is
        // a curve, not a step.
        let mut undone_inside = false;
        // The new side climbs within itself more than anything else.
        let mut climbs_after = false;
        // A burst after the split that fell back, but not below the
        // midpoint: the level rose somewhere under it (the block it fell
        // to starts about then, and the fall crosses the cut).
        let mut burst_after = None;
        // A burst that ended at the split: its samples tell nothing of how
        // likely the old level's side is after it.
        let mut burst_before = None;
        let c = if flat {
            0.0
        } else {
            let mut ext = self.pos(self.last_fall).max(p.saturating_sub(2 * self.w));
            // A run's first counts below the level it then holds (a
            // process still opening its pool: 0, then 3) are no climb into
            // its first rise; more than a level needs to be read are one.
            if up && self.buf[ext].i == self.runs[self.runs.len() - 1].start_i {
                if let Some(k) = self.startup_end(ext, sb.level - thr).filter(|&k| k < p) {
                    ext = k;
                }
            }
            let noise = self.noise_now();
            let Climb {
                local,
                within,
                broken,
                fell,
                ended,
            } = self
                .climb_around(ext, p, len, noise, up, (sb.low_mean + sa.low_mean) / 2.0)
                .unwrap_or_default();
            undone_inside = broken;
            climbs_after = up && within[1] > 0.0 && within[1] >= local.max(within[0]);
            burst_after = fell;
            burst_before = ended;
            // A run without steps so far climbs as its floor does (a heap's
            // troughs, which blocks of a sawtooth alias); once it has
            // stepped, the floor's climb is the steps'.
            let run = self.runs.len() - 1;
            let trend = if stepped || self.settled_run != run {
                0.0
            } else {
                self.runs[run].trace.slope().map_or(0.0, |(m, _)| m)
            };
            if up {
                local.max(within[0]).max(within[1]).max(trend).max(0.0)
            } else {
                local.min(within[0]).min(within[1]).min(trend).min(0.0)
            }
        };
        let d = if up {
            d_max - c * dist
        } else {
            d_max + c * dist
        };
        if !(moved && d >= thr + CLIMB_DOUBT * (c * dist).abs() && d > 0.0 && d >= self.min_rise) {
            // Counts whose new side climbs may hold the staircase's next
            // step: the level the rise reached is judged up to that one.
            if climbs_after && self.counts && len == self.buf.len() {
                if let Some(q) = self.next_rise(p, len) {
                    if let o @ Outcome::Confirmed(_) = self.evaluate_to(up, k0, last, q) {
                        return o;
                    }
                }
            }
            return too_small;
        }
        // (Its last block may end a few samples before the split.)
        let burst_from = burst_before.filter(|_| up).and_then(|cut| {
            let end = (lo..p).rev().take(BLOCK).find(|&k| self.buf[k].v > cut)?;
            let q = (lo..=end)
                .rev()
                .take_while(|&k| self.buf[k].v > cut)
                .last()?;
            (q >= lo + STARTUP).then_some(q)
        });
        let cuts = match burst_from {
            Some(q) => cutoffs(&self.summary(lo, q), up),
            None => cutoffs(&sb, up),
        };
        let sig = flat || self.improbable(&cuts, (p, len), up);
        // Levels of counts read from half a window: the old level's law is
        // read again from up to two windows before the split, where the
        // segment has them (a staircase's levels do not), so that a stretch
        // of noise 0..1 that sat at its bottom a while is not what the new
        // side is measured against.
        let lo2 = seg.max(p.saturating_sub(2 * self.w));
        let sig = sig
            && (!short || lo2 >= lo || burst_from.is_some() || {
                let cuts = cutoffs(&self.summary(lo2, p), up);
                self.improbable(&cuts, (p, len), up)
            });
        let held = self.buf[len - 1].t - self.buf[p].t >= self.hold_secs;
        // Not undone already: the latest samples still on the new side.
        let mid = (sb.low_mean + sa.low_mean) / 2.0;
        let tail = len.saturating_sub(FALL_HOLD as usize).max(p);
        let latest = self.median(tail, len);
        let held = held && !undone_inside && if up { latest >= mid } else { latest <= mid };
        if sig && held {
            // Under a burst the data cannot tell where the floor rose: the
            // step is the first sample after it, the first at the new floor.
            let pos = burst_after.map_or(p, |(t, cut)| {
                let to = self.buf.partition_point(|s| s.t <= t).min(len);
                (p..to)
                    .rev()
                    .find(|&k| self.buf[k].v > cut)
                    .map_or(p, |k| k + 1)
            });
            Outcome::Confirmed(Change {
                pos,
                sides: Sides {
                    before: sb.level,
                    after: sa.level,
                    mid,
                    low: [sb.low_mean, sa.low_mean],
                    at,
                    thr,
                },
            })
        } else {
            Outcome::NotYet(Some(p))
        }
    }
}
