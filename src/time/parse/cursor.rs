//! A read position in a byte string for the time parsers: digits,
//! fractions, blanks, UTC offsets and English names, each failing instead of
//! reading past the end.

use crate::time::names::MONTHS;

/// A read position in a byte string; every method fails instead of reading
/// past the end.
pub(super) struct Cursor<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn digit_at(&self, i: usize) -> bool {
        self.b.get(i).is_some_and(|c| c.is_ascii_digit())
    }

    pub(super) fn lit(&mut self, l: u8) -> Option<()> {
        (self.peek()? == l).then(|| self.i += 1)
    }

    /// `min..=max` digits as a number.
    pub(super) fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut v: u32 = 0;
        let mut n = 0;
        while n < max && self.digit_at(self.i) {
            v = v * 10 + (self.b[self.i] - b'0') as u32;
            self.i += 1;
            n += 1;
        }
        (n >= min).then_some(v)
    }

    /// Digits after a decimal point, as a fraction of a second.
    pub(super) fn fraction(&mut self) -> f64 {
        let mut v = 0.0;
        let mut scale = 0.1;
        while self.digit_at(self.i) {
            v += (self.b[self.i] - b'0') as f64 * scale;
            scale /= 10.0;
            self.i += 1;
        }
        v
    }

    pub(super) fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|c| c == b' ' || c == b'\t') {
            self.i += 1;
        }
    }

    /// At least `min` blanks.
    pub(super) fn spaces(&mut self, min: usize) -> Option<()> {
        let start = self.i;
        self.skip_spaces();
        (self.i - start >= min).then_some(())
    }

    /// `Z`, `+05:30`, `+0530`, `-08` as seconds east of UTC; `None` (and
    /// nothing read) if there is none.
    pub(super) fn offset(&mut self) -> Option<i32> {
        match self.peek()? {
            b'Z' | b'z' => {
                self.i += 1;
                Some(0)
            }
            s @ (b'+' | b'-') => {
                let mut c = Cursor {
                    b: self.b,
                    i: self.i + 1,
                };
                let h = c.digits(2, 2)?;
                let mut m = 0;
                if c.peek() == Some(b':') {
                    c.i += 1;
                    m = c.digits(2, 2)?;
                } else if c.digit_at(c.i) {
                    m = c.digits(2, 2)?;
                }
                // RFC 3339 allows hours up to 23; `time` checks the minutes
                // and builds the offset.
                if h > 23 {
                    return None;
                }
                let sign = if s == b'-' { -1 } else { 1 };
                let off = ::time::UtcOffset::from_hms(sign * h as i8, sign * m as i8, 0).ok()?;
                self.i = c.i;
                Some(off.whole_seconds())
            }
            _ => None,
        }
    }

    /// An English month name or its 3-letter abbreviation, any case (only
    /// the abbreviation unless `full`); 1..=12.
    pub(super) fn month_name(&mut self, full: bool) -> Option<u32> {
        let i = if full {
            self.name(&MONTHS)?
        } else {
            let w = self.b.get(self.i..self.i + 3)?;
            let i = MONTHS
                .iter()
                .position(|m| m.as_bytes()[..3].eq_ignore_ascii_case(w))?;
            self.i += 3;
            i
        };
        Some(i as u32 + 1)
    }

    /// One of `names` (any case), whole or its first 3 letters.
    pub(super) fn name(&mut self, names: &[&str]) -> Option<usize> {
        let rest = &self.b[self.i.min(self.b.len())..];
        for (i, n) in names.iter().enumerate() {
            let n = n.as_bytes();
            if rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n) {
                self.i += n.len();
                return Some(i);
            }
        }
        for (i, n) in names.iter().enumerate() {
            let n = &n.as_bytes()[..3];
            if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(n) {
                self.i += 3;
                return Some(i);
            }
        }
        None
    }
}
