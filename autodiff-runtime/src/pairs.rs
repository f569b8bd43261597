//! A call's gradient for a parameter's slice, taken in the forward sweep as a list of
//! `(index, adjoint)` pairs (the macro crate's `reverse/pairs.rs`).
//!
//! A helper with a search loop called once per trip on a parameter's whole slice
//! (`interp(xs, ys, q)`: a binary search over `xs`, then two reads of `ys`) would otherwise run
//! its forward sweep twice: once for its value, once again before its reverse sweep. The
//! forward sweep instead runs the helper's fused companion with the unit cotangent and a
//! [`PairsSlot`](crate::slotarg::PairsSlot): every element adjoint the helper adds is appended to
//! the call site's [`PairTape`] as `(i, ∂y/∂x_i)`, and the reverse sweep adds `dy · ∂y/∂x_i` into
//! the slice's adjoint for each pair ([`give_pairs_cells`]).
//!
//! The helper itself says when that pays (its `__NAME_pairs_HASH` hint, `expand/companion.rs`):
//! it has a loop, and every slice the caller differentiates is read a bounded number of times
//! outside its loops, so a call lists a few pairs. A helper without a loop is cheaper to run
//! again than to list; one that reads the slice in a loop would list as many pairs as it reads.
//!
//! Pushes never unwind (their growth path is a cold `extern "C"` call, as for record tapes,
//! see `records.rs`), and the tape's buffer comes from and returns to the thread's pool of
//! record buffers (`tape_pool.rs`), sized from the last call's length.

use core::cell::Cell;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::adjoint::Adjoint;
use crate::real::Real;
use crate::rules::SweepRules;
use crate::slotarg::cell_add;

/// The pairs of every call of one call site in one forward sweep.
pub struct PairTape<E>(pub Vec<(usize, E)>);

impl<E> Drop for PairTape<E> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.0.capacity() > 0 {
            recycle(&mut self.0);
        }
    }
}

/// The buffer back to the pool.
#[cold]
#[inline(never)]
fn recycle<E>(v: &mut Vec<(usize, E)>) {
    crate::tape_pool::give(core::mem::take(v));
}

impl<E> core::ops::Deref for PairTape<E> {
    type Target = [(usize, E)];
    #[inline(always)]
    fn deref(&self) -> &[(usize, E)] {
        &self.0
    }
}

/// A tape with room for as many pairs as the last call's (`crate::learn_tape_len`).
#[inline(always)]
pub fn pair_tape_sized<E>(last: &AtomicUsize) -> PairTape<E> {
    match last.load(Ordering::Relaxed) {
        0 => PairTape(Vec::new()),
        n => sized(n),
    }
}

#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn sized<E>(n: usize) -> PairTape<E> {
    PairTape(crate::tape_pool::take(n))
}

/// `(i, g)` appended to a list of pairs. The growth path is a cold call that cannot unwind, so
/// a loop that inlines the callee keeps its floats in registers.
#[inline(always)]
pub fn push_pair<E>(p: &mut Vec<(usize, E)>, i: usize, g: E) {
    if p.len() == p.capacity() {
        grow(p);
    }
    if p.len() < p.capacity() {
        p.push((i, g));
    } else {
        no_room();
    }
}

/// Room for more pairs (the slow path of [`push_pair`]): the capacity doubles.
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn grow<E>(p: &mut Vec<(usize, E)>) {
    p.reserve(p.len().max(8));
}

/// Never reached: [`grow`] always makes room.
#[cold]
#[inline(never)]
extern "C" fn no_room() -> ! {
    unreachable!("a list of pairs has room after growing")
}

/// Every element of `d` listed as `(k, d[k])` (an adjoint the callee gives whole, in its own
/// coordinates).
#[cold]
#[inline(never)]
pub fn list_all<E>(p: &mut Vec<(usize, E)>, d: Vec<E>) {
    p.extend(d.into_iter().enumerate());
}

/// Whether every listed adjoint is finite (a whole site's tape, tested once per sweep). A
/// partial taken with the unit cotangent may overflow where the real cotangent would bring it
/// back into range (`1e200 * 1e200` scaled by `1e-250`): then every call of the site is run
/// again with its real cotangent.
#[inline]
pub fn pairs_finite<E: Adjoint>(pairs: &[(usize, E)]) -> bool {
    // `&`, not `all`: no exit per element, so the compiler vectorises the test
    pairs.iter().fold(true, |ok, (_, j)| ok & j.finite_adj())
}

/// Whether a float argument's listed derivative is finite (or absent), as [`pairs_finite`].
#[inline(always)]
pub fn derivative_finite<F: Real>(j: &Option<F>) -> bool {
    j.is_none_or(|j| j.is_finite())
}

/// The record a call site keeps per call beside its pairs, read back in the reverse sweep in
/// the opposite order: `tape[*c - 1]` (copied), and the cursor moved down by one.
///
/// # Panics
/// If the cursor is at 0 (more reads than records: a fault in the generated code).
#[inline(always)]
pub fn pop_record<T: Copy>(tape: &[T], c: &mut usize) -> T {
    *c -= 1;
    tape[*c]
}

/// The pairs of the call whose pairs start at `start` on `pairs`, and end where the cursor `c`
/// is (the next call's start, or the tape's end); the cursor then moves to `start`.
///
/// # Panics
/// If `start` is past the cursor (a fault in the generated code).
#[inline(always)]
pub fn pop_pairs<'p, E>(pairs: &'p [(usize, E)], start: usize, c: &mut usize) -> &'p [(usize, E)] {
    let end = *c;
    *c = start;
    &pairs[start..end]
}

/// `dv_i += dy · j` for each listed pair `(i, j)` of a call's gradient with respect to a
/// parameter's slice, `cells` the slice's adjoint (`ops::range_cells`), with the sweep's
/// products (`dy` converted to the elements' float type first, as the chain rule of a cast
/// would).
///
/// # Panics
/// If a pair's index is not below `cells.len()` (the callee read past the slice, which would
/// have panicked in the forward sweep).
#[inline(always)]
pub fn give_pairs_cells<C, E, R>(cells: &[Cell<E>], dy: C, pairs: &[(usize, E)], rules: R)
where
    C: Real,
    E: Real + Adjoint,
    R: SweepRules,
{
    let dy = E::from_f64(dy.to_f64());
    for &(i, j) in pairs {
        // y = f(v) => dv_i += dy * ∂y/∂v_i
        cell_add(&cells[i], rules.times(dy, j));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Zero;

    #[test]
    fn pushes_grow_and_keep_order() {
        let mut p = Vec::new();
        for i in 0..100 {
            push_pair(&mut p, i, i as f64 * 0.5);
        }
        assert_eq!(p.len(), 100);
        assert!(
            p.iter()
                .enumerate()
                .all(|(k, &(i, g))| i == k && (g - k as f64 * 0.5).abs() < 1e-15)
        );
    }

    #[test]
    fn calls_are_read_back_in_reverse_order() {
        // two calls: pairs 0..2 and 2..5, records of their starts
        let pairs = [(0, 1.0), (1, 2.0), (4, 3.0), (5, 4.0), (6, 5.0)];
        let starts = [0usize, 2];
        let (mut pc, mut rc) = (pairs.len(), starts.len());
        let s = pop_record(&starts, &mut rc);
        assert_eq!(pop_pairs(&pairs, s, &mut pc).len(), 3);
        let s = pop_record(&starts, &mut rc);
        let first = pop_pairs(&pairs, s, &mut pc);
        assert_eq!(first.len(), 2);
        assert_eq!(first[1].0, 1);
        assert_eq!((pc, rc), (0, 0));
    }

    #[test]
    fn overflowed_partials_are_not_finite() {
        let mut p = Vec::new();
        list_all(&mut p, vec![1.0, 2.0]);
        assert!(pairs_finite(&p));
        list_all(&mut p, vec![1.0, f64::INFINITY]);
        assert!(!pairs_finite(&p) && pairs_finite(&p[..3]));
        assert!(!derivative_finite(&Some(f64::NAN)) && derivative_finite::<f64>(&None));
        assert!(derivative_finite(&Some(-3.0f32)));
    }

    #[test]
    fn scaled_pairs_add_into_the_cells() {
        let mut d: Vec<f64> = vec![0.0; 4];
        let cells = Cell::from_mut(d.as_mut_slice()).as_slice_of_cells();
        // dv_i += dy * j: 2 * (0.25 at 1, 0.75 at 2, 1.0 at 1 again)
        give_pairs_cells(cells, 2.0f64, &[(1, 0.25), (2, 0.75), (1, 1.0)], Zero);
        let want = [0.0, 2.5, 1.5, 0.0];
        assert!(
            d.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15),
            "{d:?}"
        );
    }

    #[test]
    fn the_zero_rule_keeps_a_zero_cotangent_from_an_infinite_partial() {
        let mut d: Vec<f64> = vec![0.0; 2];
        let cells = Cell::from_mut(d.as_mut_slice()).as_slice_of_cells();
        // dy = 0 times an infinite partial adds 0 under the zero rule, not NaN
        give_pairs_cells(cells, 0.0f64, &[(0, f64::INFINITY)], Zero);
        assert!(d[0].abs() < 1e-300, "{d:?}");
    }
}
