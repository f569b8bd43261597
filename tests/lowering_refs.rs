//! `&local` passed to a `#[differentiable]` callee taking a reference (`&f64`, `&[f64]`,
//! `&DMatrix<f64>`): the callee's pullback must not outlive the local. Checked against analytic
//! values and central differences through `_grad`, `_vjp`, `_jvp` and `order = 2`'s `_hvp`.

// The functions are written the way the forms under test are spelled, not the way clippy prefers.
#![allow(
    clippy::needless_range_loop,
    clippy::redundant_closure,
    clippy::useless_vec,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default,
    clippy::match_single_binding
)]

use autodiff::check::approx_derivative;
use autodiff::prelude::*;

#[differentiable]
fn square_ref(a: &f64) -> f64 {
    *a * *a
}

#[differentiable]
fn by_ref_args(x: f64) -> f64 {
    square_ref(&x) + square_ref(&(x * 2.0))
}

#[differentiable]
fn ends(a: &[f64]) -> f64 {
    a[0] * a[a.len() - 1]
}

#[differentiable]
fn local_vec_arg(x: f64) -> f64 {
    let v = vec![x, 2.0 * x, x * x];
    let w = [x.sin(), 3.0];
    ends(&v) + ends(&w)
}

#[differentiable]
fn local_ranges(x: &[f64]) -> f64 {
    let v = vec![x[0] * x[1], x[1], x[2].sin(), x[0]];
    let n = 3;
    ends(&v[1..]) + ends(&v[..n]) + ends(&x[1..=2]) + ends(&v[1..n])
}

#[differentiable]
fn mat_score(m: &DMatrix<f64>) -> f64 {
    m.sum() * m[(0, 0)]
}

#[differentiable]
fn local_matrix_arg(x: f64) -> f64 {
    let m = DMatrix::from_element(2, 2, x);
    let n = &m * &m;
    mat_score(&m) + mat_score(&n)
}

#[differentiable(order = 2)]
fn square_ref2(a: &f64) -> f64 {
    *a * *a
}

#[differentiable(order = 2)]
fn by_ref_args2(x: f64) -> f64 {
    square_ref2(&x) * x + square_ref2(&(x * 2.0))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn reference_to_a_parameter_and_a_temporary() {
    // x² + 4x² = 5x²: 10x
    let x = 1.5;
    let (y, g) = by_ref_args_grad(x);
    assert!(
        close(y, 5.0 * x * x, 1e-12) && close(g, 10.0 * x, 1e-12),
        "{y} {g}"
    );
    let (_, pb) = by_ref_args_vjp(x);
    assert!(close(pb(0.5), 5.0 * x, 1e-12));
    let (_, d) = by_ref_args_jvp(x, 2.0);
    assert!(close(d, 20.0 * x, 1e-12));
}

#[test]
fn reference_to_a_local_vec_and_array() {
    // x·x² + 3 sin x: 3x² + 3 cos x
    let x = 0.7;
    let (_, g) = local_vec_arg_grad(x);
    let want = 3.0 * x * x + 3.0 * x.cos();
    let fd = approx_derivative(local_vec_arg, x, 1e-6);
    assert!(
        close(g, want, 1e-12) && close(g, fd, 1e-6),
        "{g} {want} {fd}"
    );
    let (_, d) = local_vec_arg_jvp(x, 1.0);
    assert!(close(d, want, 1e-12));
}

#[test]
fn range_slices_of_locals_and_parameters() {
    // v = (x0·x1, x1, sin x2, x0): v1·v3 + v0·v2 + x1·x2 + v1·v2
    //   = x0·x1 + x0·x1·sin x2 + x1·x2 + x1·sin x2
    let x = [0.6, -1.3, 0.9];
    let (_, g) = local_ranges_grad(&x);
    let s = x[2].sin();
    let want = [
        x[1] + x[1] * s,
        x[0] + x[0] * s + x[2] + s,
        (x[0] * x[1] + x[1]) * x[2].cos() + x[1],
    ];
    let fd = autodiff::check::numeric_gradient(|x| local_ranges(x), &x, 1e-6);
    for k in 0..3 {
        assert!(
            close(g[k], want[k], 1e-12) && close(g[k], fd[k], 1e-6),
            "{g:?} {want:?}"
        );
    }
    let (_, d) = local_ranges_jvp(&x, vec![1.0, 0.0, 0.0]);
    assert!(close(d, want[0], 1e-12), "{d}");
    let (_, pb) = local_ranges_vjp(&x);
    let gb = pb(2.0);
    assert!(close(gb[2], 2.0 * want[2], 1e-12));
}

#[test]
fn reference_to_a_local_matrix() {
    // m = x·1 (2×2): sum·m00 = 4x²; n = m·m = 2x²·1: sum·n00 = 16x⁴. d: 8x + 64x³
    let x = 0.9;
    let (_, g) = local_matrix_arg_grad(x);
    let want = 8.0 * x + 64.0 * x * x * x;
    let fd = approx_derivative(local_matrix_arg, x, 1e-6);
    assert!(
        close(g, want, 1e-12) && close(g, fd, 1e-6),
        "{g} {want} {fd}"
    );
    let (_, d) = local_matrix_arg_jvp(x, 1.0);
    assert!(close(d, want, 1e-12));
}

#[test]
fn reference_arguments_second_order() {
    // x³ + 4x²: 3x² + 8x, 6x + 8
    let x = 1.2;
    let (_, g, h) = by_ref_args2_hvp(x, 1.0);
    assert!(close(g, 3.0 * x * x + 8.0 * x, 1e-12), "{g}");
    assert!(close(h, 6.0 * x + 8.0, 1e-12), "{h}");
    let fd = approx_derivative(|x| by_ref_args2_grad(x).1, x, 1e-6);
    assert!(close(h, fd, 1e-6), "{h} {fd}");
}
