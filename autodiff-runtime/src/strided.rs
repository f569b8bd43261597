//! Loop indices the reverse sweep recomputes from the trip number instead of recording them:
//! `for i in a..b` (trip `k` is `a + k`, see `AffineIndex`) and the arithmetic progressions
//! `(a..b).rev()`, `(a..b).step_by(s)` and their combinations (trip `k` is `first ± k·step`,
//! [`Strided`]), whose first value and step are read off the iterator before the loop runs.

use crate::__private::AffineIndex;

/// A loop index the reverse sweep recomputes: the start of a `a..b` loop, or a [`Strided`].
pub trait AffineStart: Copy {
    /// The loop variable's type.
    type Index;
    /// The loop variable on forward trip `k` (0-based).
    fn at(self, k: usize) -> Self::Index;
}

impl<I: AffineIndex> AffineStart for I {
    type Index = I;
    #[inline(always)]
    fn at(self, k: usize) -> I {
        self.step_by_trips(k)
    }
}

/// An integer or `char` index that moves by a whole number of steps in both directions.
pub trait StridedIndex: Copy + PartialOrd {
    /// `|other - self|` in steps of one (the position distance for `char`, which skips the
    /// surrogates like `Range<char>`).
    fn distance(self, other: Self) -> usize;
    /// The value `k·step` steps after (`down`: before) `self`.
    fn along(self, k: usize, step: usize, down: bool) -> Self;
}

macro_rules! strided_int {
    ($($t:ty),*) => {$(
        impl StridedIndex for $t {
            #[inline(always)]
            fn distance(self, other: Self) -> usize {
                // Exact modulo 2^bits; the two values came out of one forward iterator.
                if other >= self {
                    other.wrapping_sub(self) as usize
                } else {
                    self.wrapping_sub(other) as usize
                }
            }
            #[inline(always)]
            fn along(self, k: usize, step: usize, down: bool) -> Self {
                // `k·step` in the index's own width, exact modulo 2^bits (in usize, a 128-bit
                // range's product could wrap first).
                let d = (k as $t).wrapping_mul(step as $t);
                if down {
                    self.wrapping_sub(d)
                } else {
                    self.wrapping_add(d)
                }
            }
        }
    )*};
}
strided_int!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

/// `char`s by position, the surrogates U+D800..U+DFFF left out as `Range<char>` does.
fn char_position(c: char) -> u32 {
    let u = c as u32;
    if u >= 0xE000 { u - 0x800 } else { u }
}

impl StridedIndex for char {
    fn distance(self, other: Self) -> usize {
        char_position(self).abs_diff(char_position(other)) as usize
    }
    fn along(self, k: usize, step: usize, down: bool) -> Self {
        // Positions are below 2^21: the product of a trip and a step between them fits.
        let d = k.wrapping_mul(step);
        let p = char_position(self);
        let q = if down {
            p.wrapping_sub(d as u32)
        } else {
            p.wrapping_add(d as u32)
        };
        let u = if q >= 0xD800 { q + 0x800 } else { q };
        char::from_u32(u).unwrap_or(self)
    }
}

/// An arithmetic progression: trip `k` of the loop is `first + k·step` (`down`: minus).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Strided<I> {
    first: I,
    step: usize,
    down: bool,
}

impl<I: StridedIndex> AffineStart for Strided<I> {
    type Index = I;
    #[inline(always)]
    fn at(self, k: usize) -> I {
        self.first.along(k, self.step, self.down)
    }
}

/// The progression an iterator of `(a..b).rev()`, `.step_by(s)` or their combinations yields,
/// read from a copy of it before the loop runs (its first two items). An iterator with fewer
/// than two items needs no step; an empty one is never read.
#[inline]
pub fn strided<I: StridedIndex, It: Iterator<Item = I> + Clone>(it: &It) -> Option<Strided<I>> {
    let mut c = it.clone();
    let first = c.next()?;
    let (step, down) = match c.next() {
        Some(second) => (first.distance(second), second < first),
        None => (0, false),
    };
    Some(Strided { first, step, down })
}

impl<I: StridedIndex> AffineStart for Option<Strided<I>> {
    type Index = I;
    #[inline(always)]
    fn at(self, k: usize) -> I {
        match self {
            Some(s) => s.at(k),
            None => unreachable!("an empty loop has no trip to recompute"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every trip of the iterator, recomputed from its progression.
    fn recomputed<I: StridedIndex + std::fmt::Debug, It: Iterator<Item = I> + Clone>(it: It) {
        let s = strided(&it);
        for (k, v) in it.enumerate() {
            assert_eq!(s.at(k), v, "trip {k}");
        }
    }

    #[test]
    fn progressions_match_their_iterators() {
        recomputed((0..10usize).rev());
        recomputed((3..17usize).step_by(4));
        recomputed((0..=9usize).rev().step_by(3));
        recomputed((2..20usize).step_by(5).rev());
        recomputed((-7..5i32).rev().step_by(2));
        recomputed((0..1usize).rev());
        recomputed((250..=255u8).rev());
        recomputed(('a'..='z').rev().step_by(7));
        recomputed(('\u{D7F0}'..'\u{E010}').step_by(9));
        recomputed(('\u{D7F0}'..'\u{E010}').rev());
        recomputed((-128i8..=127).rev().step_by(5));
        recomputed((i64::MIN..i64::MIN + 40).rev().step_by(3));
        recomputed((u64::MAX - 30..=u64::MAX).rev().step_by(7));
        recomputed((i128::MAX - 50..i128::MAX).rev().step_by(6));
        recomputed((0..u128::MAX).step_by(usize::MAX).take(3));
    }
}
