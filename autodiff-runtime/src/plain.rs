//! Plain adjoint slots for scalars of a known float type (`f64`, `f32`).
//!
//! The general adjoint slot is an `Option<A>`: `None` is a zero of a shape not known yet. A
//! scalar's zero has no shape, so a scalar whose type the macro knows to be a primitive float
//! gets a [`Plain`] slot that starts at `0` instead: no discriminant, no branch per use, and a
//! loop-carried adjoint the compiler keeps in a register. Taking it always yields a value (zero
//! when nothing was added); the zero rule of the derivative rules (`rules::zero`) makes a zero
//! cotangent contribute exactly zero, as an empty slot would.

use crate::real::Real;

/// A zero-initialised scalar adjoint slot (see the module docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct Plain<T>(pub T);

impl<T: Real> Plain<T> {
    /// The adjoint accumulated so far, leaving zero in the slot (`Option::take` of the general
    /// slot; always `Some`).
    #[inline(always)]
    #[allow(clippy::unnecessary_wraps)]
    pub fn take(&mut self) -> Option<T> {
        Some(core::mem::replace(&mut self.0, T::zero()))
    }

    /// The slot as the general slot, for the code after the reverse sweep.
    #[inline(always)]
    pub fn into_option(self) -> Option<T> {
        Some(self.0)
    }
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
    use super::*;

    #[test]
    fn take_leaves_zero_and_acc_adds() {
        let mut s = Plain(0.0f64);
        acc(&mut s, 1.5);
        acc_opt(&mut s, Some(2.0));
        acc_opt(&mut s, None);
        assert_eq!(s.take(), Some(3.5));
        assert_eq!(s.take(), Some(0.0));
        acc_slot(&mut s, Some(-1.0));
        assert_eq!(s.into_option(), Some(-1.0));
    }
}
