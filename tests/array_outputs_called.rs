//! `#[differentiable]` helpers that return a fixed array (`[f64; 3]`), called from another
//! `#[differentiable]` function: the caller's adjoint of the array is a `Vec` (zero past its
//! end), handed to the helper's pullback as the array it takes (`rt::cotangent_as`). Covered:
//! a Lorenz system integrated by RK4 with `[f64; 3]` states (the helper called on parameters,
//! on locals and in a loop), a helper whose array only partly reaches the output, an array of
//! arrays, a generic helper in `f32` and `f64`, the pullback of the caller, and forward mode.
//! Every derivative against central differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// The Lorenz vector field at `s` with parameters `p = (σ, ρ, β)`.
#[differentiable]
fn lorenz(s: [f64; 3], p: &[f64]) -> [f64; 3] {
    [
        p[0] * (s[1] - s[0]),
        s[0] * (p[1] - s[2]) - s[1],
        s[0] * s[1] - p[2] * s[2],
    ]
}

/// `s + h k` for states as arrays.
#[differentiable]
fn axpy(s: [f64; 3], h: f64, k: [f64; 3]) -> [f64; 3] {
    [s[0] + h * k[0], s[1] + h * k[1], s[2] + h * k[2]]
}

/// 40 RK4 steps of the Lorenz system from `(p[3], p[4], p[5])`; loss `x² + y + z / 2` at the end.
#[differentiable]
fn lorenz_rk4(p: &[f64]) -> f64 {
    let h = 0.01;
    let mut s = [p[3], p[4], p[5]];
    for _ in 0..40 {
        let k1 = lorenz(s, p);
        let k2 = lorenz(axpy(s, 0.5 * h, k1), p);
        let k3 = lorenz(axpy(s, 0.5 * h, k2), p);
        let k4 = lorenz(axpy(s, h, k3), p);
        for c in 0..3 {
            s[c] += h / 6.0 * (k1[c] + 2.0 * k2[c] + 2.0 * k3[c] + k4[c]);
        }
    }
    s[0] * s[0] + s[1] + 0.5 * s[2]
}

/// A helper whose last entry never reaches the caller's output (its adjoint stays short).
#[differentiable]
fn partial_use(x: &[f64]) -> f64 {
    let k = lorenz([x[0], x[1], x[2]], &[10.0, 28.0, 8.0 / 3.0]);
    k[0] * x[1]
}

/// An array of arrays from a helper.
#[differentiable]
fn outer2(a: f64, b: f64) -> [[f64; 2]; 2] {
    [[a * a, a * b], [b * a, b.sin()]]
}

#[differentiable]
fn uses_outer2(x: &[f64]) -> f64 {
    let m = outer2(x[0], x[1]);
    m[0][0] + 2.0 * m[0][1] + m[1][0] * m[1][1]
}

/// A generic helper returning `[T; 2]`.
#[differentiable]
fn polar<T: Real>(r: T, t: T) -> [T; 2] {
    [r * t.cos(), r * t.sin()]
}

#[differentiable]
fn polar_sum<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() / 2 {
        let q = polar(x[2 * i], x[2 * i + 1]);
        s += q[0] * q[1] + q[1];
    }
    s
}

fn lorenz_point() -> Vec<f64> {
    vec![10.0, 28.0, 8.0 / 3.0, 1.0, 1.5, 20.0]
}

#[test]
fn array_outputs_against_central_differences() {
    let p = lorenz_point();
    let (val, g) = lorenz_rk4_grad(&p);
    assert!((val - lorenz_rk4(&p)).abs() < 1e-12);
    // a chaotic flow over 0.4 time units: differences with a larger relative tolerance
    let h = 1e-6;
    for k in 0..p.len() {
        let (mut a, mut b) = (p.clone(), p.clone());
        a[k] += h;
        b[k] -= h;
        let fd = (lorenz_rk4(&a) - lorenz_rk4(&b)) / (2.0 * h);
        assert!(
            (g[k] - fd).abs() < 1e-5 * (1.0 + fd.abs()),
            "lorenz_rk4[{k}]: {} vs {fd}",
            g[k]
        );
    }

    for (name, f, grad, n) in [
        (
            "partial_use",
            partial_use as fn(&[f64]) -> f64,
            partial_use_grad as fn(&[f64]) -> (f64, Vec<f64>),
            3,
        ),
        ("uses_outer2", uses_outer2, uses_outer2_grad, 2),
        ("polar_sum", polar_sum::<f64>, polar_sum_grad::<f64>, 6),
    ] {
        let x = sines(n, 0.9);
        let (val, g) = grad(&x);
        assert!((val - f(&x)).abs() < 1e-12, "{name}: value");
        check(name, f, &g, &x);
    }
}

#[test]
fn pullback_forward_mode_and_f32() {
    let p = lorenz_point();
    let (_, g) = lorenz_rk4_grad(&p);
    let (_, pb) = lorenz_rk4_vjp(&p);
    for (a, b) in pb(0.5).iter().zip(&g) {
        assert!((a - 0.5 * b).abs() < 1e-9 * (1.0 + b.abs()));
    }
    let t: Vec<f64> = sines(6, 0.4);
    let (_, dv) = lorenz_rk4_jvp(&p, t.clone());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((dv - dot).abs() < 1e-8 * (1.0 + dot.abs()), "{dv} vs {dot}");

    let x = sines(6, 0.9);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, g64) = polar_sum_grad(&x);
    let (_, g32) = polar_sum_grad(&x32);
    for (a, b) in g64.iter().zip(&g32) {
        assert!(
            (a - *b as f64).abs() < 1e-4 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
}
