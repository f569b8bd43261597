//! Fixed-array results (`-> [f64; 2]`, `-> [T; N]`) through `_vjp` and `_jvp`, and fixed-array
//! parameters, checked against their analytic Jacobians and central differences.

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
fn pair(x: f64) -> [f64; 2] {
    [x * x, x.sin() + 1.0]
}

#[differentiable]
fn rotate<T: Real>(p: [T; 2], a: T) -> [T; 2] {
    let (s, c) = (a.sin(), a.cos());
    [c * p[0] - s * p[1], s * p[0] + c * p[1]]
}

#[differentiable]
fn filled<const N: usize>(x: f64) -> [f64; N] {
    let mut y = [0.0; N];
    for i in 0..N {
        y[i] = x * (i as f64 + 1.0);
    }
    y
}

#[differentiable]
fn array_param(p: [f64; 3]) -> f64 {
    p[0] * p[1] + p[2].exp()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn array_result_vjp_and_jvp() {
    // (x², sin x + 1): Jacobian (2x, cos x)
    let x = 0.8;
    let (y, pb) = pair_vjp(x);
    assert_eq!(y, pair(x));
    let g = pb([1.0, 2.0]);
    assert!(close(g, 2.0 * x + 2.0 * x.cos(), 1e-12), "{g}");
    let (_, d) = pair_jvp(x, 1.0);
    assert!(
        close(d[0], 2.0 * x, 1e-12) && close(d[1], x.cos(), 1e-12),
        "{d:?}"
    );
    let fd = approx_derivative(|x| pair(x)[1], x, 1e-6);
    assert!(close(d[1], fd, 1e-6));
}

#[test]
fn generic_array_result_and_parameter() {
    // rotation by a: d/da (R p) = (-s p0 - c p1, c p0 - s p1); d/dp = R^T w
    let (p, a) = ([1.5, -0.5], 0.3_f64);
    let (s, c) = (a.sin(), a.cos());
    let (_, pb) = rotate_vjp(p, a);
    let (gp, ga) = pb([1.0, 0.0]);
    assert!(close(gp[0], c, 1e-12) && close(gp[1], -s, 1e-12), "{gp:?}");
    assert!(close(ga, -s * p[0] - c * p[1], 1e-12), "{ga}");
    let (_, d) = rotate_jvp(p, a, [0.0, 0.0], 1.0);
    assert!(close(d[1], c * p[0] - s * p[1], 1e-12), "{d:?}");
    let fd = approx_derivative(|a| rotate(p, a)[1], a, 1e-6);
    assert!(close(d[1], fd, 1e-6));
    let (_, d) = rotate_jvp(p, a, [1.0, 0.0], 0.0);
    assert!(close(d[0], c, 1e-12) && close(d[1], s, 1e-12), "{d:?}");
}

#[test]
fn const_generic_array_result() {
    // y_i = (i + 1) x: w·(1, 2, 3)
    let (_, pb) = filled_vjp::<3>(2.0);
    assert!(close(pb([1.0, 1.0, 1.0]), 6.0, 1e-12));
    assert!(close(pb([0.0, 0.0, 2.0]), 6.0, 1e-12));
    let (_, d) = filled_jvp::<3>(2.0, 1.0);
    assert_eq!(d, [1.0, 2.0, 3.0]);
}

#[test]
fn array_parameter() {
    // (p1, p0, e^p2)
    let p = [1.5, -2.0, 0.3];
    let (_, g) = array_param_grad(p);
    assert!(
        close(g[0], p[1], 1e-12) && close(g[1], p[0], 1e-12),
        "{g:?}"
    );
    assert!(close(g[2], p[2].exp(), 1e-12));
    let (_, d) = array_param_jvp(p, [0.0, 0.0, 1.0]);
    assert!(close(d, p[2].exp(), 1e-12));
}
