//! The zero rule: a product of a cotangent (reverse mode) or a tangent (forward mode) with a local
//! derivative is exactly zero when either factor is exactly zero, even when the other is ±inf or
//! NaN. So a branch that does not reach the output (`max` picking its other operand), or a factor
//! that is exactly zero (`d * d` at `d = 0`), contributes 0 instead of `0 * inf = NaN`.
//! TensorFlow and JAX give NaN in these places; the true derivative is 0.
//!
//! Cost: two comparisons with zero, computed alongside the product, and one select after it
//! (`andnpd` on x86-64): no branch, so element loops stay vectorisable, and one extra cycle of
//! latency on a serial chain of products.
//! Matrix products through GEMM keep IEEE semantics (see the README's conventions section).
//! `NAME_grad` of loop code first runs its sweep without this rule and keeps a gradient that is
//! all finite, which is then exactly this rule's (see [`ieee`](super::ieee)).

use crate::real::Real;

/// `g * d`, exactly zero when `g == 0` or `d == 0` (the zero rule).
#[inline(always)]
pub fn times<T: Real>(g: T, d: T) -> T {
    let p = g * d;
    // Both tests depend only on the inputs, so they run in parallel with the product; `|`
    // rather than `||` keeps the whole rule a select.
    if (g == T::zero()) | (d == T::zero()) {
        T::zero()
    } else {
        p
    }
}

/// [`times`] for a product on a loop-carried adjoint chain (`x ← x + dt·v` in a time loop): the
/// product, one NaN test and a predicted branch, with the zero tests out of line, so the chain's
/// latency is the product's alone. The generated code picks it where the adjoint accumulates
/// into a variable the loop reassigns, and the scalar product's tangent rules use it (forward
/// mode follows the primal's chains); [`times`] elsewhere (element loops stay vectorisable).
#[inline(always)]
pub fn times_serial<T: Real>(g: T, d: T) -> T {
    let p = g * d;
    if p.is_nan() { times_nan(g, d, p) } else { p }
}

/// The zero rule's slow path of [`times_serial`]: `p = g * d` is NaN. `extern "C"`: a call
/// that cannot unwind, so the loop around it keeps its floats in registers (`records.rs`).
#[cold]
#[inline(never)]
extern "C" fn times_nan<T: Real>(g: T, d: T, p: T) -> T {
    if g == T::zero() || d == T::zero() {
        T::zero()
    } else {
        p
    }
}

/// `g / d`, exactly zero when `g == 0` (the zero rule for a local derivative `1/d`, infinite at
/// `d = 0`).
#[inline(always)]
pub fn over<T: Real>(g: T, d: T) -> T {
    let q = g / d;
    if g == T::zero() { T::zero() } else { q }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_factor_wins_over_inf_and_nan() {
        for z in [0.0_f64, -0.0] {
            for other in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
                assert!(times(z, other) == 0.0, "{z} * {other}");
                assert!(times(other, z) == 0.0, "{other} * {z}");
            }
            for other in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
                assert!(times_serial(z, other) == 0.0, "{z} * {other}");
                assert!(times_serial(other, z) == 0.0, "{other} * {z}");
            }
            assert!(over(z, 0.0) == 0.0);
            assert!(over(z, f64::NAN) == 0.0);
        }
    }

    #[test]
    fn nonzero_factors_keep_ieee() {
        assert!(times(f64::INFINITY, 2.0).is_infinite());
        assert!(times_serial(f64::INFINITY, 2.0).is_infinite());
        assert!(times_serial(2.0_f64, f64::NAN).is_nan());
        assert!((times_serial(1.5_f32, 4.0) - 6.0).abs() < 1e-6);
        assert!(times(2.0_f64, f64::NAN).is_nan());
        assert!(over(1.0_f64, 0.0).is_infinite());
        assert!(over(f64::INFINITY, f64::INFINITY).is_nan());
        assert!((times(1.5_f32, 4.0) - 6.0).abs() < 1e-6);
        assert!((over(3.0_f32, 4.0) - 0.75).abs() < 1e-6);
    }
}
