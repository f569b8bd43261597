//! Calls whose gradient the forward sweep takes along with their value (`reverse/preacc.rs`):
//! a scalar function of the user's called per trip on a local `Vec` the trip rewrote (ADBench
//! GMM's `logsumexp(&main_term)`), and floats by value beside it. The reverse sweep adds the
//! cotangent times the saved gradient instead of running the callee again. Each member of the
//! kind is checked against central differences in `f64`: the `Vec` alone, with floats by value,
//! two calls per trip, a call in a branch and after a `continue`, a generic callee, a
//! `#[custom_derivative]` callee, the result bound with a declared type, a non-scalar callee
//! (re-run, as before), a derivative that is infinite where the cotangent is zero (the zero
//! rule's answer, not NaN), and the pullback (`_vjp`) at a cotangent other than one.

#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    // `x - x` and `r - r` make an exact zero the sweep must meet
    clippy::eq_op
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_value_grad, sines};

/// `ln Σ exp(x_i)`, stable.
#[differentiable]
fn lse(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        if x[i] > m {
            m = x[i];
        }
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

/// A scalar of a `Vec` and two floats by value.
#[differentiable]
fn weighted(v: &[f64], a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += (a * v[i] + b).tanh() * v[i];
    }
    s * b
}

/// A generic scalar of a `Vec`.
#[differentiable]
fn sq_norm<T: Real>(v: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..v.len() {
        s = s + v[i] * v[i];
    }
    s
}

/// A non-scalar result: its call is re-run in the reverse sweep, as before.
#[differentiable]
fn pair(v: &[f64]) -> (f64, f64) {
    (v[0] * v[1], v[0] + v[v.len() - 1])
}

#[custom_derivative(vjp = cubes_rule_vjp, jvp = cubes_rule_jvp)]
fn cubes(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x * x).sum()
}

fn cubes_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (cubes(v), move |g: f64| {
        v.iter().map(|x| 3.0 * g * x * x).collect()
    })
}

fn cubes_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
    (
        cubes(v),
        v.iter().zip(&dv).map(|(x, d)| 3.0 * x * x * d).sum(),
    )
}

/// GMM's shape: per point a `Vec` of terms, then `lse` of it.
#[differentiable]
fn mixture(x: &[f64]) -> f64 {
    let k = 3;
    let mut terms = vec![0.0; k];
    let mut total = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            terms[j] = -(x[p] - 0.3 * j as f64) * (x[p] - x[j]);
        }
        total += lse(&terms);
    }
    total - 2.0 * lse(x)
}

/// Floats by value beside the `Vec`, two calls per trip, a declared result type.
#[differentiable]
fn two_calls(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..4 {
        for i in 0..n {
            v[i] = x[i] * (t as f64 + 1.0) - x[(i + t) % n];
        }
        let a = x[0] * 0.5;
        let y: f64 = weighted(&v, a, x[n - 1]);
        s += y - lse(&v);
    }
    s
}

/// A call in one arm of a branch, and trips cut short before it.
#[differentiable]
fn branchy(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..6 {
        for i in 0..n {
            v[i] = (x[i] + 0.2 * t as f64).sin();
        }
        if t == 2 {
            continue;
        }
        if x[t % n] > 0.0 {
            s += lse(&v) * x[0];
        } else {
            s -= weighted(&v, x[1], 0.7);
        }
    }
    s
}

/// A generic callee, a custom rule, and a non-scalar callee in one trip.
#[differentiable]
fn mixed_callees(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] * x[(i + 1) % n] + 0.1 * t as f64;
        }
        let (p, q) = pair(&v);
        s += sq_norm(&v) + cubes(&v) + p * q + 0.5 * lse(&v);
    }
    s
}

/// `sqrt` at zero has an infinite derivative; its cotangent is exactly zero here. Also a
/// product of a call (`0.5 * f(&v)` could scale a matrix: re-run, as before).
#[differentiable]
fn root_at_zero(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut s = 0.0;
    for _ in 0..2 {
        v[0] = x[0] - x[0];
        v[1] = x[1];
        let r = root_sum(&v);
        // dr = 1 - 1 = 0 exactly
        s += (r - r) + x[1] * x[1];
    }
    s
}

#[differentiable]
fn root_sum(v: &[f64]) -> f64 {
    v[0].sqrt() + v[1]
}

#[test]
fn call_gradients_match_central_differences() {
    let x = sines(5, 0.8);
    check_value_grad("mixture", mixture, mixture_grad(&x), &x);
    check_value_grad("two_calls", two_calls, two_calls_grad(&x), &x);
    check_value_grad("branchy", branchy, branchy_grad(&x), &x);
    let neg: Vec<f64> = x.iter().map(|v| -v).collect();
    check_value_grad("branchy, other arm", branchy, branchy_grad(&neg), &neg);
    check_value_grad("mixed_callees", mixed_callees, mixed_callees_grad(&x), &x);
    let (y, g) = root_at_zero_grad(&[0.7, 1.5]);
    assert!((y - root_at_zero(&[0.7, 1.5])).abs() < 1e-12);
    // d/dx0 of 0 * sqrt(x0 - x0): the zero rule's 0, not 0 * inf = NaN
    assert!(g[0].abs() <= 1e-12, "{g:?}");
    assert!((g[1] - 2.0 * 2.0 * 1.5).abs() < 1e-12);
}

#[test]
fn call_gradients_through_the_pullback() {
    // The pullback at a cotangent other than one scales every call's saved gradient.
    let x = sines(4, 0.6);
    let (y, pb) = two_calls_vjp(&x);
    let g = pb(-2.5);
    let (y1, g1) = two_calls_grad(&x);
    assert!((y - y1).abs() < 1e-12);
    for (a, b) in g.iter().zip(&g1) {
        assert!(
            (a + 2.5 * b).abs() <= 1e-10 * (1.0 + b.abs()),
            "{a} vs -2.5 * {b}"
        );
    }
    check(
        "mixture at another length",
        mixture,
        &mixture_grad(&sines(8, 0.5)).1,
        &sines(8, 0.5),
    );
}
