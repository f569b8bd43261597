//! The zero rule at dual numbers: `order = 2` runs the gradient at `Dual`s, whose products and
//! chain rules follow the scalar rules' convention, `0 · inf = 0`. A value that is exactly zero
//! with derivative zero put through `sqrt`, `cbrt`, `powf(0.5)`, `asin(1)`, `atan2(0, 0)` or
//! `0 / 0` gets derivative 0 (not NaN), so the Hessian of a smooth function is finite and
//! matches central differences of its gradient, which takes the same convention.

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_slices, numeric_gradient};
use autodiff::prelude::*;

/// Linear in `x`: every Hessian entry is 0, though `sqrt(0)` (at `i = 0`) has an infinite slope.
#[differentiable(order = 2)]
fn sqrt_of_index(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * (i as f64).sqrt();
    }
    s
}

/// `Σ x_i² √d_i + x_i² ∛d_i + x_i² d_i^0.5`, with `d = [0, 1, 4]`: `H = diag(2·(√d + ∛d + √d))`.
#[differentiable(order = 2)]
fn roots_of_data(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * (d[i].sqrt() + d[i].cbrt() + d[i].powf(0.5));
    }
    s
}

/// `x0² asin(c)` at `c = 1` (infinite slope of `asin`): `H = [[2 asin(1), 0], [0, 2]]`.
#[differentiable(order = 2, wrt(x))]
fn asin_of_one(x: &[f64], c: f64) -> f64 {
    x[0] * x[0] * c.asin() + x[1] * x[1]
}

/// A pairwise kernel with the diagonal: at `i == j` the distance `sqrt(d²)` is `sqrt(0)`.
#[differentiable(order = 2)]
fn kernel_with_diagonal(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..x.len() {
            let d = x[i] - x[j];
            s += (-(d * d).sqrt()).exp() * x[i];
        }
    }
    s
}

/// Constants at the origin of `atan2` and a `0 / 0` of constants, times the variable.
#[differentiable(order = 2, wrt(x))]
fn singular_constants(x: &[f64], a: f64, b: f64) -> f64 {
    let q = if b == 0.0 { 0.0 } else { a / b };
    x[0] * x[0] * (a.atan2(b) + q) + x[0] * x[1]
}

fn hessian_vs_fd(grad: impl Fn(&[f64]) -> Vec<f64>, h: &DMatrix<f64>, x: &[f64]) {
    for r in 0..x.len() {
        let fd = numeric_gradient(|q| grad(q)[r], x, 1e-5);
        let row: Vec<f64> = (0..x.len()).map(|c| h[(r, c)]).collect();
        assert_slices(&row, &fd, Tolerance::new(1e-6, 1e-6));
    }
}

#[test]
fn sqrt_of_a_constant_zero_has_no_second_derivative() {
    let x = [0.3, 0.7, 1.2];
    let (_, _, h) = sqrt_of_index_hessian(&x);
    assert!(h.iter().all(|v| *v == 0.0), "{h}");
    let (_, _, hv) = sqrt_of_index_hvp(&x, vec![1.0, -2.0, 0.5]);
    assert!(hv.iter().all(|v| *v == 0.0), "{hv:?}");
}

#[test]
fn roots_of_zero_data() {
    let (x, d) = ([0.3, 0.7, 1.2], [0.0, 1.0, 4.0]);
    let (_, g, h) = roots_of_data_hessian(&x, &d);
    let want: Vec<f64> = d
        .iter()
        .map(|v: &f64| 2.0 * (2.0 * v.sqrt() + v.cbrt()))
        .collect();
    for i in 0..3 {
        for j in 0..3 {
            let w = if i == j { want[i] } else { 0.0 };
            assert!((h[(i, j)] - w).abs() < 1e-12, "H[{i},{j}] = {}", h[(i, j)]);
        }
    }
    assert_slices(
        &g,
        &numeric_gradient(|q| roots_of_data(q, &d), &x, 1e-6),
        Tolerance::new(1e-6, 1e-6),
    );
}

#[test]
fn asin_at_its_end_point() {
    let x = [0.4, -0.9];
    let (_, _, h) = asin_of_one_hessian(&x, 1.0);
    let want = [std::f64::consts::PI, 0.0, 0.0, 2.0];
    assert_slices(
        &[h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]],
        &want,
        Tolerance::new(1e-12, 1e-12),
    );
}

#[test]
fn kernel_diagonal_is_finite_and_matches_differences() {
    let x = [0.27, 1.10, 0.17, -1.03];
    let (_, g, h) = kernel_with_diagonal_hessian(&x);
    assert!(h.iter().all(|v| v.is_finite()), "{h}");
    assert_slices(
        &g,
        &numeric_gradient(kernel_with_diagonal, &x, 1e-6),
        Tolerance::new(1e-6, 1e-6),
    );
    hessian_vs_fd(|q| kernel_with_diagonal_grad(q).1, &h, &x);
    let v = [1.0, 0.0, 0.0, 0.0];
    let (_, _, hv) = kernel_with_diagonal_hvp(&x, v.to_vec());
    assert_slices(
        &hv,
        &h.column(0).iter().copied().collect::<Vec<_>>(),
        Tolerance::new(1e-12, 1e-12),
    );
}

#[test]
fn constants_at_singular_points() {
    let x = [0.4, -0.9];
    // atan2(0, 0) = 0 and the chosen 0: f = x0 x1, H = [[0, 1], [1, 0]].
    let (_, _, h) = singular_constants_hessian(&x, 0.0, 0.0);
    assert_slices(
        &[h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]],
        &[0.0, 1.0, 1.0, 0.0],
        Tolerance::new(1e-12, 1e-12),
    );
    hessian_vs_fd(
        |q| singular_constants_grad(q, 0.5, 2.0).1,
        &singular_constants_hessian(&x, 0.5, 2.0).2,
        &x,
    );
}

#[differentiable(order = 2)]
fn power(x: &[f64]) -> f64 {
    x[0].powf(x[1])
}

/// `x^y` at `x = 0` with `y < 1`: the mixed derivative `x^(y-1) (1 + y ln x)` has no value
/// there (it tends to `-inf`), so the Hessian shows NaN rather than a number of either sign; near
/// the point it matches the formula.
#[test]
fn power_at_zero_shows_the_singular_mixed_derivative() {
    let (_, _, h) = power_hessian(&[0.0, 0.5]);
    assert!(h[(0, 1)].is_nan() && h[(1, 0)].is_nan(), "{h}");
    for x0 in [1e-4, 1e-8] {
        let (_, _, h) = power_hessian(&[x0, 0.5]);
        let exact = x0.powf(-0.5) * (1.0 + 0.5 * x0.ln());
        assert!(
            (h[(0, 1)] - exact).abs() < 1e-9 * exact.abs(),
            "{} {exact}",
            h[(0, 1)]
        );
    }
    // Where the value is finite the convention stays: 0^1.5 = 0, its exponent derivative 0.
    let (_, _, h) = power_hessian(&[0.0, 1.5]);
    assert!(h[(0, 1)].is_finite() && h[(1, 1)] == 0.0, "{h}");
}
