//! A call's gradient for a parameter's slice, taken in the forward sweep as a list of
//! `(index, adjoint)` pairs (the macro crate's `reverse/preacc.rs`).
//!
//! A helper called once per trip on a parameter's whole slice (`interp(xs, ys, q)`, a lookup
//! in a table) reads a few of its elements. Running the helper again in the reverse sweep
//! repeats its forward sweep (for `interp`, the binary search); a dense gradient per call would
//! cost the slice's length. Instead the forward sweep runs the helper's fused companion with the
//! unit cotangent and a [`crate::slotarg::PairsSlot`]: every element adjoint the helper adds is
//! appended to the caller's [`PairTape`] as `(i, ∂y/∂x_i)`, and the reverse sweep adds
//! `dy · ∂y/∂x_i` into the slice's adjoint for each pair ([`give_pairs_scaled`]).
//!
//! A helper that reads most of the slice (a dot product per trip) would list as many pairs as
//! the slice has elements on every call: more memory than running it again costs. A call that
//! lists more than [`pairs_cap`] pairs is dropped from the tape ([`pairs_mark`]) and its call
//! site falls back to running the helper again, for the rest of the sweep.
//!
//! Pushes never unwind (their growth path is a cold `extern "C"` call, as for record tapes,
//! see `records.rs`), and the tape's buffer comes from and returns to the thread's pool of
//! record buffers (`tape_pool.rs`), sized from the last call's length.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::adjoint::Adjoint;
use crate::flatsave::FlatRange;
use crate::real::Real;
use crate::rules::SweepRules;

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
/// coordinates: the slice passed on to another call).
#[cold]
#[inline(never)]
pub fn list_all<E>(p: &mut Vec<(usize, E)>, d: Vec<E>) {
    p.extend(d.into_iter().enumerate());
}

/// The most pairs one call may list for a slice of `len` elements and still be kept: a
/// quarter of the slice, and at least 8.
#[inline(always)]
pub fn pairs_cap(len: usize) -> usize {
    (len / 4).max(8)
}

/// Where the pairs one call appended since `start` sit on the tape, for a slice of `len`
/// elements. Past [`pairs_cap`] they are removed again, `few` is set to `false` (the call is run
/// again in the reverse sweep) and so is `ok` (the call site stops listing pairs for the rest of
/// this sweep).
#[inline(always)]
pub fn pairs_mark<E>(
    tape: &mut PairTape<E>,
    start: usize,
    len: usize,
    few: &mut bool,
    ok: &mut bool,
) -> FlatRange {
    let n = tape.0.len() - start;
    if n > pairs_cap(len) {
        tape.0.truncate(start);
        *few = false;
        *ok = false;
        return FlatRange { start, len: 0 };
    }
    FlatRange { start, len: n }
}

/// `d += dy · j` for a parameter's slice of `len` elements, `d` its adjoint slot, whose
/// gradient `j` is listed as pairs: `dv_i += dy · j` for each pair `(i, j)`, with the sweep's
/// products (`dy` converted to the elements' float type first, as the chain rule of a cast
/// would). Added in place: the slot is filled with zeros of the slice's length once.
///
/// # Panics
/// If a pair's index is not below `len` (the callee read past the slice, which would have
/// panicked in the forward sweep).
#[inline(always)]
pub fn give_pairs_scaled<C, E, R>(
    slot: &mut Option<Vec<E>>,
    len: usize,
    dy: C,
    pairs: &[(usize, E)],
    rules: R,
) where
    C: Real,
    E: Real + Adjoint,
    R: SweepRules,
{
    let dy = E::from_f64(dy.to_f64());
    let d = match slot {
        Some(d) if d.len() >= len => d,
        _ => fit(slot, len),
    };
    for &(i, jv) in pairs {
        // y = f(v) => dv_i += dy * ∂y/∂v_i
        d[i] += rules.times(dy, jv);
    }
}

/// The slot's adjoint grown with zeros to `len` elements (the first call's slow path).
#[cold]
#[inline(never)]
fn fit<E: Adjoint>(slot: &mut Option<Vec<E>>, len: usize) -> &mut Vec<E> {
    let d = slot.get_or_insert_with(Vec::new);
    if d.len() < len {
        d.resize_with(len, E::zero_adj);
    }
    d
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
    fn too_many_pairs_are_dropped_and_the_site_gives_up() {
        let mut tape = PairTape(vec![(0, 1.0)]);
        let (mut few, mut ok) = (true, true);
        // a slice of 64 elements keeps up to 16 pairs a call
        tape.0.extend((0..16).map(|i| (i, 2.0)));
        let r = pairs_mark(&mut tape, 1, 64, &mut few, &mut ok);
        assert!(few && ok);
        assert_eq!((r.start, r.len), (1, 16));
        tape.0.extend((0..17).map(|i| (i, 3.0)));
        let r = pairs_mark(&mut tape, 17, 64, &mut few, &mut ok);
        assert!(!few && !ok);
        assert_eq!((r.start, r.len), (17, 0));
        assert_eq!(tape.0.len(), 17, "the call's pairs are removed");
        // a short slice keeps at least 8
        let (mut few, mut ok) = (true, true);
        tape.0.extend((0..8).map(|i| (i, 1.0)));
        pairs_mark(&mut tape, 17, 4, &mut few, &mut ok);
        assert!(few && ok);
    }

    #[test]
    fn scaled_pairs_add_into_the_slot() {
        let mut d: Option<Vec<f64>> = None;
        // dv_i += dy * j: 2 * (0.25 at 1, 0.75 at 2, 1.0 at 1 again)
        give_pairs_scaled(&mut d, 4, 2.0f64, &[(1, 0.25), (2, 0.75), (1, 1.0)], Zero);
        let d = d.expect("given");
        let want = [0.0, 2.5, 1.5, 0.0];
        assert_eq!(d.len(), 4);
        assert!(
            d.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15),
            "{d:?}"
        );
    }
}
