//! A call's gradient taken in the forward sweep (the macro crate's `reverse/preacc.rs`).
//!
//! A fused companion (`__NAME_into_HASH`) takes its output cotangent as [`GivenCotangent`]
//! (the caller's `dy`, in the reverse sweep) or [`UnitCotangent`] (the seed `1` of a scalar
//! output, in the forward sweep), and returns its value. With the unit cotangent it gives the
//! callee's gradient into buffers of the caller's, which [`acc_put`] saves; the reverse sweep
//! adds `dy` times the saved gradient into the caller's adjoints ([`give_scaled`],
//! [`give_scaled_one`]): the pullback of a scalar function is linear in `dy`.
//!
//! A `#[custom_derivative]` rule's pullback need not be linear (gradient clipping, `g.max(-1)`):
//! each run of one is counted ([`note_custom_pullback`]), and a call during which one ran keeps
//! its arguments and is run again in the reverse sweep with `dy` itself.

use crate::adjoint::Adjoint;
use crate::differentiable::ScalarOutput;
use crate::flatsave::{FlatRange, flat_put};
use crate::real::Real;
use crate::records::Tape;
use crate::rules::SweepRules;
use crate::slotarg::SlotArg;

/// The output cotangent a fused companion starts its reverse sweep from, given its value.
pub trait CotOrUnit<T> {
    /// The cotangent for the output `value`.
    fn cotangent(self, value: &T) -> T;
}

/// The caller's cotangent `dy`.
pub struct GivenCotangent<T>(pub T);

impl<T> CotOrUnit<T> for GivenCotangent<T> {
    #[inline(always)]
    fn cotangent(self, _: &T) -> T {
        self.0
    }
}

/// The seed `1` of a scalar output: the companion gives the callee's gradient.
pub struct UnitCotangent;

impl<T: ScalarOutput> CotOrUnit<T> for UnitCotangent {
    #[inline(always)]
    fn cotangent(self, value: &T) -> T {
        value.one_cotangent()
    }
}

thread_local! {
    static CUSTOM_PULLBACKS: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Counts a run of a `#[custom_derivative]` rule's pullback (generated code calls it).
#[inline]
pub fn note_custom_pullback() {
    CUSTOM_PULLBACKS.with(|c| c.set(c.get().wrapping_add(1)));
}

/// How many `#[custom_derivative]` pullbacks this thread has run: a call whose gradient was
/// taken with the unit cotangent is linear in `dy` when the count did not move.
#[inline]
pub fn custom_pullbacks() -> u64 {
    CUSTOM_PULLBACKS.with(|c| c.get())
}

/// Saves the gradient `j` a companion gave into a caller's buffer on `tape`, and zeroes the
/// buffer (kept at its length, as `ScratchSlot` lends it) for the next call.
#[inline]
pub fn acc_put<E: Adjoint + Clone>(tape: &mut Tape<E>, j: &mut [E]) -> FlatRange {
    let r = flat_put(tape, j);
    for x in j.iter_mut() {
        *x = E::zero_adj();
    }
    r
}

/// The elements [`acc_put`] saved at `r`.
#[inline(always)]
pub fn flat_slice<T>(tape: &[T], r: FlatRange) -> &[T] {
    &tape[r.start..r.start + r.len]
}

/// `slot += dy · j` for a `Vec` argument: `dv_i += dy · j_i`, with the sweep's products (`dy`
/// converted to the elements' float type first, as the chain rule of a cast would).
#[inline]
pub fn give_scaled<C, E, S, R>(mut slot: S, dy: C, j: &[E], rules: R)
where
    C: Real,
    E: Real + Adjoint,
    S: SlotArg<Vec<E>>,
    R: SweepRules,
{
    let dy = E::from_f64(dy.to_f64());
    let mut d = slot.take_slot().unwrap_or_default();
    if d.len() < j.len() {
        d.resize_with(j.len(), E::zero_adj);
    }
    for (x, &jv) in d.iter_mut().zip(j) {
        *x += rules.times(dy, jv);
    }
    slot.give(Some(d));
}

/// `slot += dy · j` for a float argument (`j` is `None` when the callee gave it nothing).
#[inline]
pub fn give_scaled_one<C, E, S, R>(mut slot: S, dy: C, j: &Option<E>, rules: R)
where
    C: Real,
    E: Real + Adjoint,
    S: SlotArg<E>,
    R: SweepRules,
{
    let dy = E::from_f64(dy.to_f64());
    if let Some(jv) = *j {
        let add = rules.times(dy, jv);
        let d = match slot.take_slot() {
            Some(d) => d + add,
            None => add,
        };
        slot.give(Some(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plain::Plain;
    use crate::slotarg::{DenseSlot, PlainSlot, Slot};

    #[test]
    fn a_saved_gradient_scales_into_each_kind_of_slot() {
        let mut tape: Tape<f64> = Tape::new();
        let mut buf = vec![1.0, -2.0, 0.5];
        let r = acc_put(&mut tape, &mut buf);
        assert_eq!(buf, vec![0.0; 3]);
        let j = flat_slice(&tape, r);
        // a dense buffer with contributions already: dv += 2 j
        let mut dense = vec![10.0, 10.0, 10.0];
        give_scaled(DenseSlot(&mut dense), 2.0, j, crate::rules::Zero);
        assert_eq!(dense, vec![12.0, 6.0, 11.0]);
        // an empty (lent) buffer
        let mut lent: Vec<f64> = Vec::new();
        give_scaled(DenseSlot(&mut lent), -1.0, j, crate::rules::Zero);
        assert_eq!(lent, vec![-1.0, 2.0, -0.5]);
        // floats
        let mut p = Plain(3.0);
        give_scaled_one(PlainSlot(&mut p), 2.0, &Some(0.25), crate::rules::Zero);
        assert_eq!(p.0, 3.5);
        let mut o: Option<f64> = None;
        give_scaled_one(Slot(&mut o), 4.0, &Some(0.5), crate::rules::Zero);
        give_scaled_one(Slot(&mut o), 4.0, &None, crate::rules::Zero);
        assert_eq!(o, Some(2.0));
    }

    #[test]
    fn the_zero_rule_keeps_a_zero_cotangent_from_an_infinite_derivative() {
        let mut d = vec![0.0];
        give_scaled(DenseSlot(&mut d), 0.0, &[f64::INFINITY], crate::rules::Zero);
        assert_eq!(d, vec![0.0]);
    }

    #[test]
    fn a_cotangent_of_another_width_is_converted() {
        let mut d = vec![1.0f32];
        give_scaled(DenseSlot(&mut d), 2.0f64, &[0.5f32], crate::rules::Zero);
        assert_eq!(d, vec![2.0f32]);
        let mut p = Plain(0.0f64);
        give_scaled_one(PlainSlot(&mut p), 3.0f32, &Some(0.5f64), crate::rules::Zero);
        assert_eq!(p.0, 1.5);
    }

    #[test]
    fn custom_pullbacks_are_counted() {
        let before = custom_pullbacks();
        note_custom_pullback();
        assert_eq!(custom_pullbacks(), before.wrapping_add(1));
    }

    #[test]
    fn cotangents_given_or_unit() {
        assert_eq!(GivenCotangent(2.5).cotangent(&7.0), 2.5);
        assert_eq!(CotOrUnit::<f64>::cotangent(UnitCotangent, &7.0), 1.0);
    }
}
