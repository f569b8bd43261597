//! The products of [`zero`](super::zero) without the zero rule: plain IEEE arithmetic, for the
//! optimistic reverse sweep of a generated `NAME_grad` (and the tangent sweep of one over few
//! scalar inputs).
//!
//! Why the optimistic sweep's gradient is the zero rule's whenever it is all finite: the two
//! sweeps run the same operations on the same primal values and differ only where one factor
//! of a product is exactly zero and the other is ±inf or NaN, where the zero rule gives 0 and
//! IEEE gives NaN. Every later operation on a cotangent (sums, products, the runtime's own rules
//! with the zero rule, branches on primal values only) either gives the same result in both
//! sweeps or propagates the NaN. So each gradient entry is either the zero rule's or NaN, and
//! a gradient with no NaN and no ±inf is exactly the zero rule's. The generated code tests
//! that ([`Differentiable::grad_is_finite`](crate::Differentiable::grad_is_finite)) and runs the
//! reverse sweep again with the zero rule otherwise. A sweep that calls the pullback of another
//! function (which may be a user's custom rule that turns a NaN into a number) calls it only
//! with a cotangent that is neither NaN nor zero, and otherwise gives way to the zero rule's sweep
//! ([`sweep`](super::sweep)).

use crate::real::Real;

/// `g * d` (IEEE).
#[inline(always)]
pub fn times<T: Real>(g: T, d: T) -> T {
    g * d
}

/// `g * d` (IEEE), on a loop-carried chain.
#[inline(always)]
pub fn times_serial<T: Real>(g: T, d: T) -> T {
    g * d
}

/// `g / d` (IEEE).
#[inline(always)]
pub fn over<T: Real>(g: T, d: T) -> T {
    g / d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ieee_where_the_zero_rule_gives_zero() {
        assert!(times(0.0_f64, f64::INFINITY).is_nan());
        assert!(times_serial(f64::NAN, 0.0_f64).is_nan());
        assert!(over(0.0_f64, 0.0).is_nan());
        assert!((times(1.5_f32, 4.0) - 6.0).abs() < 1e-6);
        assert!((over(3.0_f64, 4.0) - 0.75).abs() < 1e-12);
    }
}
