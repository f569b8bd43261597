//! Which products a reverse sweep takes, and which calls of other functions' pullbacks it makes:
//! [`Zero`] (the zero rule, [`zero`](super::zero)) or, in an optimistic sweep, [`Ieee`] (plain
//! IEEE products, [`ieee`](super::ieee)). A fused companion takes its caller's as an argument;
//! the two are separate types, so each call gives the companion its own instance with the
//! choice folded away.
//!
//! In an optimistic sweep every cotangent is the zero rule's or NaN (`rules::ieee`). A pullback
//! of another function may be a user's custom rule, which may turn a NaN into a number
//! (`g.max(-1.0)`) and so make a wrong gradient finite. So an optimistic sweep hands another
//! function's pullback only a cotangent that is a number other than NaN and zero, which is the
//! zero rule's sweep's own cotangent; the pullback then gives what it gives in that sweep.
//! Zero is refused too because the two sweeps may give it opposite signs (`0 · -2` is `-0` in
//! IEEE arithmetic, `+0` by the zero rule), and a custom rule may read the sign
//! (`g.signum()`). Anywhere else ([`SweepRules::admit`]) the sweep skips the call and marks
//! itself spoiled, and the caller runs the zero rule's sweep instead.

use core::cell::Cell;

use crate::real::Real;

/// The products of a reverse sweep: [`Zero`] or [`Ieee`].
pub trait SweepRules: Copy {
    /// Whether the products are plain IEEE arithmetic.
    const IEEE: bool;

    /// Whether the sweep may call another function's pullback with a cotangent of which
    /// `plain` says whether it is a number other than NaN and zero ([`CotangentProbe`]). The
    /// zero rule's sweep calls every one; an optimistic sweep marks itself spoiled and skips
    /// the call otherwise (a NaN, a zero of either sign, or a type without the test).
    fn admit(self, plain: bool) -> bool;

    /// Whether the products are plain IEEE arithmetic (the rule traits' `d_lhs_ieee` forms).
    #[inline(always)]
    fn ieee(self) -> bool {
        Self::IEEE
    }

    /// `g * d`: [`zero::times`](super::zero::times) or [`ieee::times`](super::ieee::times).
    #[inline(always)]
    fn times<T: Real>(self, g: T, d: T) -> T {
        if Self::IEEE {
            super::ieee::times(g, d)
        } else {
            super::zero::times(g, d)
        }
    }

    /// `g * d` on a loop-carried chain ([`zero::times_serial`](super::zero::times_serial)).
    #[inline(always)]
    fn times_serial<T: Real>(self, g: T, d: T) -> T {
        if Self::IEEE {
            super::ieee::times_serial(g, d)
        } else {
            super::zero::times_serial(g, d)
        }
    }

    /// `g / d`: [`zero::over`](super::zero::over) or [`ieee::over`](super::ieee::over).
    #[inline(always)]
    fn over<T: Real>(self, g: T, d: T) -> T {
        if Self::IEEE {
            super::ieee::over(g, d)
        } else {
            super::zero::over(g, d)
        }
    }
}

/// The zero rule's products (every sweep but an optimistic one).
#[derive(Clone, Copy, Debug, Default)]
pub struct Zero;

/// Plain IEEE products (an optimistic sweep), and the flag it sets when it skipped a call
/// ([`SweepRules::admit`]): its gradient is then not kept.
#[derive(Clone, Copy, Debug)]
pub struct Ieee<'a>(pub &'a Cell<bool>);

impl SweepRules for Zero {
    const IEEE: bool = false;

    #[inline(always)]
    fn admit(self, _: bool) -> bool {
        true
    }
}

impl SweepRules for Ieee<'_> {
    const IEEE: bool = true;

    #[inline(always)]
    fn admit(self, plain: bool) -> bool {
        if !plain {
            spoil(self.0);
        }
        plain
    }
}

/// The rare path of [`Ieee`]'s `admit`, out of line.
#[cold]
#[inline(never)]
fn spoil(flag: &Cell<bool>) {
    flag.set(true);
}

/// `c`, as the cotangent type the pullback `pb` takes: the type is then known where the
/// generated code tests it ([`CotangentProbe`]).
#[inline(always)]
pub fn cotangent_for<C, R>(pb: &impl Fn(C) -> R, c: C) -> C {
    let _ = pb;
    c
}

/// Whether a cotangent is a number other than NaN and zero, by autoref specialization:
/// `(&CotangentProbe(&g)).is_plain()` tests a float (`T: Real`), and every entry of a tuple of
/// up to four floats or of an array of floats; any other type answers false, so an optimistic
/// sweep gives way to the zero rule's at a call with such a cotangent.
pub struct CotangentProbe<'a, T>(pub &'a T);

/// The test for floats (see [`CotangentProbe`]).
pub trait PlainCotangent {
    /// Whether the value is neither NaN nor zero (of either sign).
    fn is_plain(&self) -> bool;
}

impl<T: Real> PlainCotangent for CotangentProbe<'_, T> {
    #[inline(always)]
    fn is_plain(&self) -> bool {
        // false for NaN and ±0, true for ±inf
        (*self.0 > T::zero()) | (*self.0 < T::zero())
    }
}

/// Tuples of floats: every entry a number other than NaN and zero (a helper returning a pair).
macro_rules! plain_tuple {
    ($($t:ident . $i:tt),+) => {
        impl<$($t: Real),+> PlainCotangent for CotangentProbe<'_, ($($t,)+)> {
            #[inline(always)]
            fn is_plain(&self) -> bool {
                true $(&& CotangentProbe(&(self.0).$i).is_plain())+
            }
        }
    };
}
plain_tuple!(A.0, B.1);
plain_tuple!(A.0, B.1, C.2);
plain_tuple!(A.0, B.1, C.2, D.3);

/// Arrays of floats: every entry a number other than NaN and zero.
impl<T: Real, const N: usize> PlainCotangent for CotangentProbe<'_, [T; N]> {
    #[inline(always)]
    fn is_plain(&self) -> bool {
        self.0.iter().all(|x| CotangentProbe(x).is_plain())
    }
}

/// The answer for every other type (see [`CotangentProbe`]).
pub trait OtherCotangent {
    /// False: the type has no test.
    fn is_plain(&self) -> bool;
}

impl<T> OtherCotangent for &CotangentProbe<'_, T> {
    #[inline(always)]
    fn is_plain(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_takes_its_products() {
        for z in [0.0_f64, -0.0] {
            // zero times inf: the zero rule's 0, IEEE's NaN
            let spoiled = Cell::new(false);
            let ieee = Ieee(&spoiled);
            assert!(Zero.times(z, f64::INFINITY) == 0.0);
            assert!(ieee.times(z, f64::INFINITY).is_nan());
            assert!(Zero.times_serial(f64::INFINITY, z) == 0.0);
            assert!(ieee.times_serial(f64::INFINITY, z).is_nan());
            assert!(Zero.over(z, 0.0) == 0.0);
            assert!(ieee.over(z, 0.0).is_nan());
        }
        // elsewhere both are the product or quotient
        let spoiled = Cell::new(false);
        for (g, d) in [(1.5_f64, -2.0), (3.0, 0.25), (-0.5, 7.0)] {
            assert!((Zero.times(g, d) - g * d).abs() < 1e-15);
            assert!((Ieee(&spoiled).times(g, d) - g * d).abs() < 1e-15);
            assert!((Zero.over(g, d) - g / d).abs() < 1e-15);
            assert!((Ieee(&spoiled).over(g, d) - g / d).abs() < 1e-15);
        }
        let spoiled = Cell::new(false);
        let ieee = Ieee(&spoiled);
        assert!(ieee.ieee() && !Zero.ieee());
        assert!(ieee.times(2.0, 0.5) == 1.0 && Zero.times(2.0, 0.5) == 1.0);
    }

    #[test]
    #[allow(clippy::needless_borrow)] // the generated code's autoref form
    fn an_optimistic_sweep_calls_pullbacks_only_with_plain_cotangents() {
        use super::{OtherCotangent as _, PlainCotangent as _};
        let spoiled = Cell::new(false);
        let ieee = Ieee(&spoiled);
        assert!(ieee.admit((&CotangentProbe(&1.5_f64)).is_plain()));
        assert!(ieee.admit((&CotangentProbe(&f64::INFINITY)).is_plain()));
        assert!(!spoiled.get());
        // a zero's sign may differ between the sweeps
        for z in [0.0_f64, -0.0] {
            let flag = Cell::new(false);
            assert!(!Ieee(&flag).admit((&CotangentProbe(&z)).is_plain()) && flag.get());
        }
        assert!(!ieee.admit((&CotangentProbe(&f64::NAN)).is_plain()));
        assert!(spoiled.get());
        // tuples and arrays of floats: every entry
        let fine = Cell::new(false);
        assert!(Ieee(&fine).admit((&CotangentProbe(&(1.0_f64, -2.0_f64))).is_plain()));
        assert!(Ieee(&fine).admit((&CotangentProbe(&[0.5_f32, 3.0, -1.0])).is_plain()));
        assert!(!fine.get());
        for bad in [(1.0_f64, 0.0_f64), (f64::NAN, 1.0), (-0.0, 2.0)] {
            let flag = Cell::new(false);
            assert!(!Ieee(&flag).admit((&CotangentProbe(&bad)).is_plain()) && flag.get());
        }
        let flag = Cell::new(false);
        assert!(!Ieee(&flag).admit((&CotangentProbe(&[1.0_f64, f64::NAN])).is_plain()));
        // a type without the test spoils the sweep too
        let other = Cell::new(false);
        assert!(!Ieee(&other).admit((&CotangentProbe(&vec![1.0_f64])).is_plain()));
        assert!(other.get());
        // the zero rule's sweep calls every one
        assert!(Zero.admit((&CotangentProbe(&f64::NAN)).is_plain()));
    }
}
