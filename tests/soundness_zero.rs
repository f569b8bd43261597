//! The zero rule: a product of a cotangent or tangent with a local derivative is exactly zero
//! when either factor is exactly zero, so a function that is constant near a point, or a factor
//! that is exactly zero, gives the true derivative 0 where plain IEEE arithmetic gives
//! `0 * inf = NaN` (as TensorFlow and JAX do). Each case's true value is worked out in its comment.
#![allow(clippy::eq_op)] // `x - x` is the point: an exact zero that depends on x

use autodiff::prelude::*;

/// Near the origin `max(r, 1e-10)` is the constant `1e-10`: the true gradient is (0, 0).
#[differentiable]
fn clamped_norm(x: f64, y: f64) -> f64 {
    (x * x + y * y).sqrt().max(1e-10)
}

/// `d = x - x = 0` for every x, so `sqrt(d²) = 0` is constant: derivative 0. The pullback of
/// sqrt at 0 is +inf; the product rule multiplies it by `d = 0`.
#[differentiable]
fn sqrt_of_zero_square(x: f64) -> f64 {
    let d = x - x;
    (d * d).sqrt()
}

/// Same with `powf(0.5)`.
#[differentiable]
fn powf_of_zero_square(x: f64) -> f64 {
    let d = x - x;
    (d * d).powf(0.5)
}

/// `y * asin(x)` at `x = 1`, `y = 0`: asin'(1) = inf, but the product's other factor `y` is
/// exactly 0, so d/dx = y * asin'(x) = 0; d/dy = asin(1) = pi/2.
#[differentiable]
fn zero_times_asin(x: f64, y: f64) -> f64 {
    y * x.asin()
}

/// `x / y` pulled back through a zero cotangent at `y = 0` (the branch is not taken).
#[differentiable]
fn untaken_division(x: f64, y: f64) -> f64 {
    let q = x / y;
    q.min(5.0)
}

#[test]
fn constant_region_gives_zero_not_nan() {
    let (_, (gx, gy)) = clamped_norm_grad(0.0, 0.0);
    assert!(gx == 0.0 && gy == 0.0, "{gx} {gy}");
    let (_, d) = clamped_norm_jvp(0.0, 0.0, 1.0, 1.0);
    assert!(d == 0.0, "{d}");
    // away from the origin the rule changes nothing: d/dx |(x, y)| = x / r
    let (_, (gx, gy)) = clamped_norm_grad(3.0, 4.0);
    assert!((gx - 0.6).abs() < 1e-12 && (gy - 0.8).abs() < 1e-12);
}

#[test]
fn zero_primal_factor_beats_infinite_adjoint() {
    for x in [1.5, -2.0, 0.0] {
        let (_, g) = sqrt_of_zero_square_grad(x);
        assert!(g == 0.0, "sqrt at {x}: {g}");
        let (_, g) = powf_of_zero_square_grad(x);
        assert!(g == 0.0, "powf at {x}: {g}");
        let (_, d) = sqrt_of_zero_square_jvp(x, 1.0);
        assert!(d == 0.0, "sqrt jvp at {x}: {d}");
        let (_, d) = powf_of_zero_square_jvp(x, 1.0);
        assert!(d == 0.0, "powf jvp at {x}: {d}");
    }
    let (_, (gx, gy)) = zero_times_asin_grad(1.0, 0.0);
    assert!(gx == 0.0, "{gx}");
    assert!((gy - std::f64::consts::FRAC_PI_2).abs() < 1e-15, "{gy}");
    let (_, d) = zero_times_asin_jvp(1.0, 0.0, 1.0, 0.0);
    assert!(d == 0.0, "{d}");
}

#[test]
fn untaken_branch_contributes_zero() {
    // q = 1/0 = inf > 5: min picks 5, the gradient is (0, 0)
    let (y, (gx, gy)) = untaken_division_grad(1.0, 0.0);
    assert!((y - 5.0).abs() < 1e-15);
    assert!(gx == 0.0 && gy == 0.0, "{gx} {gy}");
    // taken branch: d(x/y) = (1/y, -x/y²)
    let (_, (gx, gy)) = untaken_division_grad(1.0, 2.0);
    assert!((gx - 0.5).abs() < 1e-15 && (gy + 0.25).abs() < 1e-15);
}

#[test]
fn nonzero_factors_keep_ieee_results() {
    // at d = 0 with a nonzero cotangent the derivative really is infinite: sqrt'(0) = +inf
    #[differentiable]
    fn sqrt_at(x: f64) -> f64 {
        x.sqrt()
    }
    let (_, g) = sqrt_at_grad(0.0);
    assert!(g.is_infinite() && g > 0.0, "{g}");
}
