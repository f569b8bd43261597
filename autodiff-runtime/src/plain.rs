//! Plain adjoint slots for scalars of a known float type (`f64`, `f32`).
//!
//! The general adjoint slot is an `Option<A>`: `None` is a zero of a shape not known yet. A
//! scalar's zero has no shape, so a scalar whose type the macro knows to be a primitive float
//! gets a [`Plain`] slot that starts at zero instead: no discriminant, no branch per use, and a
//! loop-carried adjoint the compiler keeps in a register. Taking it always yields a value (zero
//! when nothing was added); the zero rule of the derivative rules (`rules::zero`) makes a zero
//! cotangent contribute exactly zero, as an empty slot would.
//!
//! The empty slot holds `-0.0`, the identity of IEEE addition (`-0.0 + g == g` bit for bit, for
//! every `g` including `+0.0`), so the first contribution costs no addition, as `None` becoming
//! `Some(g)` does not; `+0.0 + g` is not `g` for `g = -0.0`, and the compiler must keep that
//! add (measured: an add on the dependency chain of every adjoint, 5–10 % on the stencils). The
//! slot leaves the sweep as `+0.0` when nothing was added ([`Plain::into_option`]).

use crate::real::Real;

/// A zero-initialised scalar adjoint slot (see the module docs); generated code starts it at
/// `Plain(-0.0)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Plain<T>(pub T);

impl<T: Real> Plain<T> {
    /// The empty slot, `-0` of `T` (generated code for a generic `T: Real` scalar starts its
    /// slots here; a primitive float's start at the literal `Plain(-0.0)`).
    #[inline(always)]
    pub fn empty() -> Self {
        Plain(-T::zero())
    }

    /// The adjoint accumulated so far, leaving zero in the slot (`Option::take` of the general
    /// slot; always `Some`).
    #[inline(always)]
    #[allow(clippy::unnecessary_wraps)]
    pub fn take(&mut self) -> Option<T> {
        Some(core::mem::replace(&mut self.0, -T::zero()))
    }

    /// The slot as the general slot, for the code after the reverse sweep: `+0.0` when nothing
    /// was added (`x + 0.0` is `x` for every other `x`).
    #[inline(always)]
    pub fn into_option(self) -> Option<T> {
        Some(self.0 + T::zero())
    }
}

/// Whether anything other than `-0.0` was added into a slot that started empty
/// ([`Plain::empty`], `-0.0`): a slot never added into still holds `-0.0`, and so does one that
/// only `-0.0`s were added into, whose sum then adds nothing anywhere (`x + -0.0 == x`).
#[inline(always)]
pub fn added<T: Real>(slot: &Plain<T>) -> bool {
    // `-0.0` is the one value equal to zero whose reciprocal is negative
    !(slot.0 == T::zero() && T::one() / slot.0 < T::zero())
}

/// `slot += g`.
#[inline(always)]
pub fn acc<T: Real>(slot: &mut Plain<T>, g: T) {
    slot.0 += g;
}

/// `slot += g` for an optional contribution.
#[inline(always)]
pub fn acc_opt<T: Real>(slot: &mut Plain<T>, g: Option<T>) {
    if let Some(g) = g {
        acc(slot, g);
    }
}

/// `slot += g` from a callee's gradient slot.
#[inline(always)]
pub fn acc_slot<T: Real, S: crate::__private::GradSlot<T>>(slot: &mut Plain<T>, g: S) {
    acc_opt(slot, g.into_adjoint());
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_slot_is_added_into_unless_it_holds_negative_zero() {
        let mut k = super::Plain::<f64>::empty();
        assert!(!super::added(&k));
        super::acc(&mut k, -0.0);
        assert!(!super::added(&k));
        for g in [0.0, 1.5, -2.0, f64::NAN, f64::INFINITY] {
            let mut k = super::Plain::<f64>::empty();
            super::acc(&mut k, g);
            assert!(super::added(&k), "{g}");
        }
    }

    use super::*;

    #[test]
    fn the_empty_slot_is_the_additive_identity() {
        // -0.0 + g == g bit for bit, +0.0 included; the slot leaves as +0.0 when empty
        for g in [0.0f64, -0.0, 1.5, -2.0, f64::INFINITY] {
            let mut s = Plain(-0.0f64);
            acc(&mut s, g);
            assert_eq!(s.0.to_bits(), g.to_bits(), "{g}");
        }
        let mut s = Plain(-0.0f64);
        assert_eq!(s.take().map(f64::to_bits), Some((-0.0f64).to_bits()));
        assert_eq!(
            s.0.to_bits(),
            (-0.0f64).to_bits(),
            "take leaves the empty slot"
        );
        assert_eq!(s.into_option().map(f64::to_bits), Some(0.0f64.to_bits()));
        let e: Plain<f32> = Plain::empty();
        assert_eq!(e.0.to_bits(), (-0.0f32).to_bits(), "empty is -0");
        let mut n = Plain(-0.0f64);
        acc(&mut n, f64::NAN);
        assert!(n.into_option().unwrap().is_nan());
    }

    #[test]
    fn take_leaves_zero_and_acc_adds() {
        let mut s = Plain(-0.0f64);
        acc(&mut s, 1.5);
        acc_opt(&mut s, Some(2.0));
        acc_opt(&mut s, None);
        assert_eq!(s.take(), Some(3.5));
        assert_eq!(s.take(), Some(0.0));
        acc_slot(&mut s, Some(-1.0));
        assert_eq!(s.into_option(), Some(-1.0));
    }
}
