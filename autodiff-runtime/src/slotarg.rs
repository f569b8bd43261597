//! The caller's adjoint slots as the arguments of a fused companion (`__NAME_into_HASH`, see
//! `expand/companion.rs` in the macro crate): a call re-run in the reverse sweep adds the
//! callee's cotangents straight into the caller's adjoints, with no pullback closure and no
//! result `Vec` per call.
//!
//! The callee first takes the caller's adjoint so far ([`SlotArg::take_slot`]) as the starting
//! value of its parameter's adjoint (a slice's dense gradient buffer adopts it when the lengths
//! agree, so nothing is allocated), adds its own contributions, and gives the sum back
//! ([`SlotArg::give`]). Adjoints are sums, so starting from the caller's and giving back the
//! total is the same as adding the callee's cotangent to it: `slot = slot + dx`. A range
//! argument's slot ([`RangeSlot`]) instead lends the caller's adjoint of the range's base in
//! place ([`SlotArg::lend_window`]), and the callee adds into it at the range's offset.

use core::cell::Cell;

use crate::adjoint::{Adjoint, acc_opt};
use crate::densevec::dense_move;
use crate::plain::Plain;
use crate::real::Real;

/// A caller's adjoint slot passed to a differentiated parameter of a fused companion.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an adjoint slot for `{A}`",
    note = "generated code passes `Slot(&mut d)`, `DenseSlot(&mut d)`, `PlainSlot(&mut d)` or `NoSlot`"
)]
pub trait SlotArg<A> {
    /// The caller's adjoint so far, moved out of the slot (`None` when there is nothing to move,
    /// or the slot cannot lend it).
    fn take_slot(&mut self) -> Option<A>;
    /// `slot += d`.
    fn give(self, d: Option<A>);
    /// Whether the caller keeps what is given ([`NoSlot`] does not): a fused companion skips the
    /// element adjoints of a parameter whose slot is not live (a constant after inlining).
    #[inline(always)]
    fn live(&self) -> bool {
        true
    }
    /// The caller's adjoint lent in place as the callee's gradient buffer, with the offset of
    /// the callee's element 0 in it ([`RangeSlot`]: a range `&p[a..a + len]` lends `p`'s
    /// adjoint and `a`). `None` for every other slot.
    #[inline(always)]
    fn lend_window(&mut self) -> Option<(&[Cell<A::Elem>], usize)>
    where
        A: ElemOf,
    {
        None
    }
    /// The list the callee's element adjoints go to as `(index, adjoint)` pairs
    /// ([`PairsSlot`]). `None` for every other slot.
    #[inline(always)]
    fn lend_pairs(&mut self) -> Option<&mut Vec<(usize, A::Elem)>>
    where
        A: ElemOf,
    {
        None
    }
}

/// The element type of an adjoint that a [`RangeSlot`] lends (a `Vec` of element adjoints).
/// Not the index shape `shape::Elems`.
pub trait ElemOf {
    /// An element's adjoint.
    type Elem;
}

impl<E> ElemOf for Vec<E> {
    type Elem = E;
}

/// A slot for a parameter that the callee does not differentiate (`#[no_grad]`): only
/// [`NoSlot`] (an argument that does not depend on a differentiated input) fits.
#[diagnostic::on_unimplemented(
    message = "a differentiable value is passed to a parameter that has no gradient",
    label = "this argument depends on a differentiated input",
    note = "the callee marks this parameter `#[no_grad]` (or its type is never differentiated); \
            wrap the argument in `stop_gradient(..)` to drop its gradient on purpose"
)]
pub trait NoSlotArg {}

/// The general slot `Option<A>` of a caller's value.
pub struct Slot<'a, A>(pub &'a mut Option<A>);

impl<A: Adjoint> SlotArg<A> for Slot<'_, A> {
    #[inline(always)]
    fn take_slot(&mut self) -> Option<A> {
        self.0.take()
    }
    #[inline(always)]
    fn give(self, d: Option<A>) {
        acc_opt(self.0, d);
    }
}

/// An argument that does not depend on a differentiated input: nothing to add.
pub struct NoSlot;

impl<A> SlotArg<A> for NoSlot {
    #[inline(always)]
    fn take_slot(&mut self) -> Option<A> {
        None
    }
    #[inline(always)]
    fn give(self, _: Option<A>) {}
    #[inline(always)]
    fn live(&self) -> bool {
        false
    }
}

impl NoSlotArg for NoSlot {}

/// The dense adjoint buffer of a caller's local `Vec` (see `densevec.rs`).
pub struct DenseSlot<'a, E>(pub &'a mut Vec<E>);

impl<E: Adjoint> SlotArg<Vec<E>> for DenseSlot<'_, E> {
    #[inline(always)]
    fn take_slot(&mut self) -> Option<Vec<E>> {
        (!self.0.is_empty()).then(|| core::mem::take(self.0))
    }
    /// Swapped in when the buffer was lent (it is empty then), added element by element
    /// otherwise.
    #[inline(always)]
    fn give(self, d: Option<Vec<E>>) {
        if let Some(mut d) = d {
            dense_move(self.0, &mut d);
        }
    }
}

/// The plain adjoint of a caller's `f64`/`f32` (see `plain.rs`); not lent (it is a number).
pub struct PlainSlot<'a, T>(pub &'a mut Plain<T>);

impl<T: Real> SlotArg<T> for PlainSlot<'_, T> {
    #[inline(always)]
    fn take_slot(&mut self) -> Option<T> {
        None
    }
    #[inline(always)]
    fn give(self, d: Option<T>) {
        crate::plain::acc_opt(self.0, d);
    }
}

/// A scratch buffer of the caller's for a range argument (`f(&p[a..b])`): the callee's adjoint
/// starts as `len` zeros in it and is given back into it; the caller then adds it into `p`'s
/// adjoint at `a` and zeros it again (`ops::acc_range_drain`). The buffer is kept between calls,
/// so a call re-run per trip allocates nothing, and a buffer already holding `len` zeros is lent
/// as it is (no fill per call).
pub struct ScratchSlot<'a, E>(pub &'a mut Vec<E>, pub usize);

impl<E: Adjoint> SlotArg<Vec<E>> for ScratchSlot<'_, E> {
    #[inline(always)]
    fn take_slot(&mut self) -> Option<Vec<E>> {
        let mut v = core::mem::take(self.0);
        // between calls the buffer is empty or zeros (drained); only a new length refills it
        if v.len() != self.1 {
            v.clear();
            v.resize_with(self.1, E::zero_adj);
        }
        Some(v)
    }
    /// Kept in the buffer as the callee's cotangent (empty when it has none).
    #[inline(always)]
    fn give(self, d: Option<Vec<E>>) {
        if let Some(d) = d {
            *self.0 = d;
        }
    }
}

/// A range argument `f(&p[a..b])` of a fused companion, read by nothing but the call: the
/// callee's gradient buffer for its slice parameter is `p`'s own adjoint, borrowed in place with
/// the offset `a` ([`SlotArg::lend_window`]), so the callee's element adjoints go straight into
/// it (`y = f(p[a..b]) => dp[a + k] += (f's pullback of dy)[k]`): no scratch buffer, no copy
/// after the call, no move of the caller's `Vec`. What the callee gives in its own coordinates
/// (a parameter it passes on whole, or one without a gradient buffer) is added at `a`.
///
/// The adjoint is lent as cells ([`crate::ops::range_cells`], grown first to cover every range
/// of `p` in the call), so several ranges of one base, even overlapping ones, are lent it at
/// once.
pub struct RangeSlot<'a, E>(pub &'a [Cell<E>], pub usize);

impl<E: Adjoint> SlotArg<Vec<E>> for RangeSlot<'_, E> {
    /// Nothing in the callee's coordinates: the caller's adjoint is lent as a window instead.
    #[inline(always)]
    fn take_slot(&mut self) -> Option<Vec<E>> {
        None
    }
    /// `dp[a + k] += d[k]`.
    #[inline(always)]
    fn give(self, d: Option<Vec<E>>) {
        for (c, x) in self.0[self.1..].iter().zip(d.into_iter().flatten()) {
            cell_add(c, x);
        }
    }
    /// `p`'s adjoint and the range's start.
    #[inline(always)]
    fn lend_window(&mut self) -> Option<(&[Cell<<Vec<E> as ElemOf>::Elem>], usize)> {
        Some((self.0, self.1))
    }
}

/// A parameter's slice passed to a call whose gradient the forward sweep lists
/// (`interp(xs, ys, q)` per trip, see `pairs.rs`): the callee's element adjoints are appended
/// as `(index, adjoint)` pairs to a `Vec` of the caller's, not added into a buffer of the
/// slice's length, so a callee that reads a few elements of a long slice lists a few pairs.
/// What the callee gives in its own coordinates is listed element by element.
pub struct PairsSlot<'a, E>(pub &'a mut Vec<(usize, E)>);

impl<E: Adjoint> SlotArg<Vec<E>> for PairsSlot<'_, E> {
    /// Nothing: the callee's adjoints go to the list ([`SlotArg::lend_pairs`]).
    #[inline(always)]
    fn take_slot(&mut self) -> Option<Vec<E>> {
        None
    }
    /// `d[k]` listed as `(k, d[k])`.
    #[inline(always)]
    fn give(self, d: Option<Vec<E>>) {
        if let Some(d) = d {
            crate::pairs::list_all(self.0, d);
        }
    }
    #[inline(always)]
    fn lend_pairs(&mut self) -> Option<&mut Vec<(usize, <Vec<E> as ElemOf>::Elem)>> {
        Some(self.0)
    }
}

/// `c += g` for an adjoint in a cell (a load, an add and a store for a float).
#[inline(always)]
pub fn cell_add<E: Adjoint>(c: &Cell<E>, g: E) {
    let mut x = c.replace(E::zero_adj());
    x.add_adj(g);
    c.set(x);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_slot_ends_with_the_sum() {
        // general: lent and given back with the callee's part added
        let mut s = Some(vec![1.0, 2.0]);
        let mut a = Slot(&mut s);
        let mut lent = a.take_slot().unwrap();
        lent[1] += 3.0;
        a.give(Some(lent));
        assert_eq!(s, Some(vec![1.0, 5.0]));
        // general, nothing lent: added
        Slot(&mut s).give(Some(vec![0.5]));
        assert_eq!(s, Some(vec![1.5, 5.0]));
        // dense: an empty buffer is not lent; a lent one is swapped back
        let mut d: Vec<f64> = Vec::new();
        assert!(DenseSlot(&mut d).take_slot().is_none());
        DenseSlot(&mut d).give(Some(vec![1.0, 1.0]));
        let mut ds = DenseSlot(&mut d);
        let mut lent = ds.take_slot().unwrap();
        lent[0] += 1.0;
        ds.give(Some(lent));
        assert_eq!(d, vec![2.0, 1.0]);
        // plain: added
        let mut p = Plain(1.0f64);
        let mut ps = PlainSlot(&mut p);
        assert!(ps.take_slot().is_none());
        ps.give(Some(2.5));
        assert_eq!(p.0, 3.5);
        // scratch: zeros of the range's length in the kept buffer, the cotangent given back
        // into it, then added at the range's offset and drained to zeros
        let mut scr: Vec<f64> = vec![9.0; 5];
        let mut sl = ScratchSlot(&mut scr, 3);
        let mut lent = sl.take_slot().unwrap();
        assert_eq!(lent, vec![0.0; 3]);
        lent[2] += 4.0;
        sl.give(Some(lent));
        assert_eq!(scr, vec![0.0, 0.0, 4.0]);
        let mut dp = Some(vec![1.0, 1.0]);
        crate::slices::acc_range_drain(&mut dp, 1, &mut scr);
        assert_eq!(dp, Some(vec![1.0, 1.0, 0.0, 4.0]));
        assert_eq!(scr, vec![0.0; 3]);
        // the next call of the same length is lent the drained zeros; another length refills
        let mut sl = ScratchSlot(&mut scr, 3);
        let mut lent = sl.take_slot().unwrap();
        assert_eq!(lent, vec![0.0; 3]);
        lent[0] += 1.0;
        sl.give(Some(lent));
        crate::slices::acc_range_drain(&mut dp, 0, &mut scr);
        assert_eq!(dp, Some(vec![2.0, 1.0, 0.0, 4.0]));
        let lent = ScratchSlot(&mut scr, 2).take_slot().unwrap();
        assert_eq!(lent, vec![0.0; 2]);
        // a callee with no cotangent leaves the buffer empty; the next call refills it
        let mut sl = ScratchSlot(&mut scr, 2);
        let _ = sl.take_slot();
        sl.give(None);
        assert!(scr.is_empty());
        assert_eq!(ScratchSlot(&mut scr, 2).take_slot().unwrap(), vec![0.0; 2]);
        // range: the caller's adjoint lent in place at the range's start, grown to cover it;
        // what the callee gives in its own coordinates is added at the start
        let mut dp = Some(vec![1.0]);
        let cells = crate::slices::range_cells(&mut dp, 5);
        let mut sl = RangeSlot(cells, 2);
        assert!(sl.take_slot().is_none());
        let (w, off) = sl.lend_window().unwrap();
        assert_eq!((w.len(), off), (5, 2));
        cell_add(&w[off + 1], 4.0);
        // a second range of the same base, overlapping the first
        let mut other = RangeSlot(cells, 3);
        let (w2, off2) = other.lend_window().unwrap();
        cell_add(&w2[off2], 1.0);
        other.give(None);
        sl.give(Some(vec![0.5, 0.5]));
        assert_eq!(dp, Some(vec![1.0, 0.0, 0.5, 5.5, 0.0]));
        // none: nothing
        let mut n = NoSlot;
        assert!(SlotArg::<f64>::take_slot(&mut n).is_none());
        SlotArg::<f64>::give(n, Some(1.0));
    }
}
