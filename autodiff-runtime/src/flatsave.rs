//! Whole local `Vec`s saved per trip, flat.
//!
//! A loop that passes a local `Vec` it rewrites every trip to a function re-run in the reverse
//! sweep (GMM's `logsumexp(&main_term)` per data point) must keep each trip's contents. Kept as
//! a clone per trip, that is one heap allocation per trip, and one free when the records are
//! dropped. Here the elements go to one record tape of elements instead ([`flat_put`], the
//! record of the trip being the [`FlatRange`] they took), and the reverse sweep copies a trip's
//! elements into one scratch `Vec` reused by every trip ([`flat_get`]), which it lends where the
//! clone was lent: a `&Vec<T>`, so the callee's parameter may be `&[T]` or `&Vec<T>` alike.

use crate::records::Tape;

/// Where one saved `Vec`'s elements sit on a tape of elements.
#[derive(Clone, Copy, Debug)]
pub struct FlatRange {
    pub(crate) start: usize,
    pub(crate) len: usize,
}

/// Appends the elements of `v` to `tape` and returns where they are.
#[inline(always)]
pub fn flat_put<T: Clone>(tape: &mut Tape<T>, v: &[T]) -> FlatRange {
    let start = tape.len();
    if tape.capacity() - start < v.len() {
        grow(tape, v.len());
    }
    tape.extend(v.iter().cloned());
    FlatRange {
        start,
        len: v.len(),
    }
}

/// Room for `more` elements (the slow path of [`flat_put`], out of line).
#[cold]
#[inline(never)]
fn grow<T>(tape: &mut Tape<T>, more: usize) {
    tape.reserve(more);
}

/// The elements saved at `r`, copied into `scratch` (cleared first, its capacity kept).
///
/// # Panics
///
/// If `r` is not a range of `tape` (it always is when `r` came from [`flat_put`] on it).
#[inline(always)]
pub fn flat_get<'s, T: Clone>(tape: &[T], r: FlatRange, scratch: &'s mut Vec<T>) -> &'s Vec<T> {
    scratch.clear();
    scratch.extend_from_slice(&tape[r.start..r.start + r.len]);
    scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_vecs_come_back_in_any_order() {
        let mut tape: Tape<f64> = Tape::new();
        let a = flat_put(&mut tape, &[1.0, 2.0, 3.0]);
        let b = flat_put(&mut tape, &[]);
        let c: Vec<FlatRange> = (0..20)
            .map(|k| flat_put(&mut tape, &vec![k as f64; k % 4]))
            .collect();
        let mut scratch = Vec::new();
        for (k, r) in c.iter().enumerate().rev() {
            assert_eq!(flat_get(&tape, *r, &mut scratch), &vec![k as f64; k % 4]);
        }
        assert!(flat_get(&tape, b, &mut scratch).is_empty());
        assert_eq!(flat_get(&tape, a, &mut scratch), &vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn rows_are_cloned_element_by_element() {
        let mut tape: Tape<Vec<f64>> = Tape::new();
        let r = flat_put(&mut tape, &[vec![1.0], vec![2.0, 3.0]]);
        let mut scratch = Vec::new();
        assert_eq!(
            flat_get(&tape, r, &mut scratch),
            &vec![vec![1.0], vec![2.0, 3.0]]
        );
    }
}
