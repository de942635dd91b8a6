//! The step finder's buffer of its last samples: a queue whose samples are
//! always one slice, so that the windows the rule reads are plain slices
//! (no wrap-around to split them at, no index arithmetic per sample).

use std::ops::{Index, Range, RangeFull};

/// Slots per sample the queue may hold at once: the samples slide along a
/// block this many times as long, and are moved back to its start when they
/// reach its end (a copy of the queue every `ROOM - 1` queues' worth of
/// samples pushed).
const ROOM: usize = 4;

/// A first-in first-out queue of up to about `cap` values, in one slice.
#[derive(Clone, Debug)]
pub(super) struct Window<T> {
    /// The values from `start` on are the queue; those before it have left.
    items: Vec<T>,
    start: usize,
    /// How many times values were taken out other than from the front.
    cuts: u64,
}

impl<T: Copy> Window<T> {
    pub fn with_capacity(cap: usize) -> Window<T> {
        Window {
            items: Vec::with_capacity(ROOM * cap.max(1)),
            start: 0,
            cuts: 0,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.items.len() - self.start
    }

    #[inline]
    fn as_slice(&self) -> &[T] {
        &self.items[self.start..]
    }

    /// How many times values were taken out other than from the front
    /// ([`remove`](Window::remove), [`drain`](Window::drain)): what is
    /// known of the neighbours of values no longer holds.
    #[inline]
    pub fn cuts(&self) -> u64 {
        self.cuts
    }

    #[inline]
    pub fn push_back(&mut self, x: T) {
        if self.items.len() == self.items.capacity() {
            self.compact();
        }
        self.items.push(x);
    }

    /// Moves the queue back to the start of its block (which grows if the
    /// queue fills more than half of it).
    #[cold]
    #[inline(never)]
    fn compact(&mut self) {
        self.items.drain(..self.start);
        self.start = 0;
        if 2 * self.items.len() > self.items.capacity() {
            self.items.reserve(self.items.capacity());
        }
    }

    #[inline]
    pub fn pop_front(&mut self) -> Option<T> {
        let x = self.items.get(self.start).copied()?;
        self.start += 1;
        Some(x)
    }

    /// The values at positions `r` (0 is the oldest), in order.
    #[inline]
    pub fn range(&self, r: Range<usize>) -> std::slice::Iter<'_, T> {
        self.as_slice()[r].iter()
    }

    /// Takes the value at position `k` out, keeping the others in order.
    pub fn remove(&mut self, k: usize) -> Option<T> {
        self.cuts += 1;
        (k < self.len()).then(|| self.items.remove(self.start + k))
    }

    /// Empties the queue, yielding its values in order.
    pub fn drain(&mut self, _: RangeFull) -> std::vec::Drain<'_, T> {
        self.cuts += 1;
        let start = std::mem::take(&mut self.start);
        self.items.drain(..start);
        self.items.drain(..)
    }

    /// The first position whose value fails `pred`, which holds for every
    /// value before it and for none after.
    #[inline]
    pub fn partition_point(&self, pred: impl FnMut(&T) -> bool) -> usize {
        self.as_slice().partition_point(pred)
    }
}

impl<T: Copy> Index<usize> for Window<T> {
    type Output = T;

    #[inline]
    fn index(&self, k: usize) -> &T {
        &self.as_slice()[k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn behaves_as_a_deque() {
        let mut w = Window::with_capacity(5);
        let mut d = VecDeque::new();
        let mut x = 11u64;
        for n in 0..5000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            match x >> 61 {
                0 if d.len() > 2 => {
                    let k = (x >> 20) as usize % d.len();
                    assert_eq!(w.remove(k), d.remove(k));
                }
                1 | 2 => assert_eq!(w.pop_front(), d.pop_front()),
                3 if n % 97 == 0 => {
                    let a: Vec<u64> = w.drain(..).collect();
                    let b: Vec<u64> = d.drain(..).collect();
                    assert_eq!(a, b);
                }
                _ => {
                    w.push_back(n);
                    d.push_back(n);
                    if d.len() > 7 {
                        assert_eq!(w.pop_front(), d.pop_front());
                    }
                }
            }
            assert_eq!(w.len(), d.len());
            let got: Vec<u64> = w.range(0..w.len()).copied().collect();
            assert!(got.iter().eq(d.iter()));
            if !d.is_empty() {
                let k = (x >> 30) as usize % d.len();
                assert_eq!(w[k], d[k]);
                assert_eq!(
                    w.partition_point(|&v| v < n / 2),
                    d.partition_point(|&v| v < n / 2)
                );
            }
        }
        assert_eq!(w.remove(w.len()), None);
        let cuts = w.cuts();
        w.push_back(1);
        w.pop_front();
        assert_eq!(w.cuts(), cuts);
        w.remove(0);
        assert_eq!(w.cuts(), cuts + 1);
    }
}
