//! Adjoints a loop only adds into (a value the loop reads but never writes: a parameter, a `let`
//! bound before the loop) are summed in a slot of the reverse loop's own and added into the
//! function's slot once the loop is done (`reverse/accumulate.rs`): `dk = dk + Σ_trips g·lap`
//! instead of one addition per trip into a slot that may live on the stack.
//!
//! Members of the kind, each checked for its value against the function as written and its
//! gradient against central differences: a scalar parameter in a stencil, a `let` bound before
//! the loop, a `mut` binding written before the loop and only read in it, a parameter read in
//! an inner and an outer loop, a loop left by `break`, two loops one after the other, and `f32`.
//! Near misses whose slots are also taken inside the loop (an accumulator the loop writes) must
//! keep their per-trip form, and do: their gradients prove it. The zero rule still holds: a
//! contribution that is exactly zero through an infinite local derivative sums to zero.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// A heat-like stencil: `k` is read on every trip of the inner loop and never written.
#[differentiable]
fn stencil(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..4 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A `let` bound before the loop (`c`) and a `mut` binding written before the loop and only read
/// in it (`a`): both adjoints are summed by the loop, then flow to `x[0]` and `x[1]`.
#[differentiable]
fn bound_before(x: &[f64]) -> f64 {
    let c = x[0] * 2.0;
    let mut a = x[1];
    a = a * a + 0.5;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (c * x[i]).sin() + a * x[i] * x[i];
    }
    s
}

/// `w` read in an inner loop and in the outer loop around it; `b` read only in the outer one.
#[differentiable]
fn nested(x: &[f64], w: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..x.len() {
            s += (w * x[i] - x[j]).tanh();
        }
        s += b * w * x[i];
    }
    s
}

/// A loop left by `break` (the reverse loop runs the trips that ran) and a second loop reading
/// the same parameter.
#[differentiable]
fn break_then_again(x: &[f64], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 1.0 {
            break;
        }
        s += k * x[i] * x[i];
    }
    for i in 0..x.len() {
        s += (k * x[i]).cos();
    }
    s
}

/// Near miss: `k` is written inside the loop (its slot is taken on every trip), and `s` is the
/// loop's own accumulator.
#[differentiable]
fn written_in_loop(x: &[f64], k: f64) -> f64 {
    let mut k = k;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += k * x[i];
        k = k * 0.9 + x[i];
    }
    s + k
}

/// The zero rule: `sqrt'(0) = +inf`, but `max` picks `1.0`, so every trip contributes exactly 0
/// to `k`'s adjoint, and so does their sum.
#[differentiable]
fn zero_through_inf(x: &[f64], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * k.sqrt().max(1.0);
    }
    s
}

/// [`stencil`] in `f32`.
#[differentiable]
fn stencil32(u0: &[f32], k: f32) -> f32 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..4 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

const X: [f64; 6] = [0.7, -1.3, 0.4, 1.1, -0.6, 0.9];

/// How close a gradient must be to central differences.
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// `x` followed by the scalars `tail`, as one point for central differences.
fn joined(x: &[f64], tail: &[f64]) -> Vec<f64> {
    x.iter().chain(tail).copied().collect()
}

#[test]
fn a_parameter_read_in_a_stencil() {
    let k = 0.2;
    let (v, (gu, gk)) = stencil_grad(&X, k);
    assert!((v - stencil(&X, k)).abs() < 1e-12);
    let f = |p: &[f64]| stencil(&p[..6], p[6]);
    assert_gradient(f, &joined(&X, &[k]), &joined(&gu, &[gk]), 1e-6, TOL);
}

#[test]
fn bindings_made_before_the_loop() {
    let (v, g) = bound_before_grad(&X);
    assert!((v - bound_before(&X)).abs() < 1e-12);
    assert_gradient(bound_before, &X, &g, 1e-6, TOL);
}

#[test]
fn inner_and_outer_loops() {
    let (w, b) = (0.8, -0.4);
    let (v, (gx, gw, gb)) = nested_grad(&X, w, b);
    assert!((v - nested(&X, w, b)).abs() < 1e-12);
    let f = |p: &[f64]| nested(&p[..6], p[6], p[7]);
    assert_gradient(f, &joined(&X, &[w, b]), &joined(&gx, &[gw, gb]), 1e-6, TOL);
}

#[test]
fn a_loop_left_by_break_and_a_second_loop() {
    let k = 1.3;
    // `x[3] = 1.1 > 1` leaves the first loop after three trips.
    let (v, (gx, gk)) = break_then_again_grad(&X, k);
    assert!((v - break_then_again(&X, k)).abs() < 1e-12);
    let f = |p: &[f64]| break_then_again(&p[..6], p[6]);
    assert_gradient(f, &joined(&X, &[k]), &joined(&gx, &[gk]), 1e-6, TOL);
}

#[test]
fn a_value_written_in_the_loop_keeps_its_form() {
    let k = 0.6;
    let (v, (gx, gk)) = written_in_loop_grad(&X, k);
    assert!((v - written_in_loop(&X, k)).abs() < 1e-12);
    let f = |p: &[f64]| written_in_loop(&p[..6], p[6]);
    assert_gradient(f, &joined(&X, &[k]), &joined(&gx, &[gk]), 1e-6, TOL);
}

#[test]
fn zero_contributions_through_an_infinite_derivative_sum_to_zero() {
    let (_, (gx, gk)) = zero_through_inf_grad(&X, 0.0);
    // d/dk = Σ x_i · 0 (max picks 1.0): exactly zero, not NaN.
    assert!(gk == 0.0, "dk = {gk}");
    for (g, x) in gx.iter().zip(X) {
        assert!((g - 1.0).abs() < 1e-15, "{g} vs 1 at x = {x}");
    }
}

#[test]
fn f32_agrees_with_f64() {
    let x32: Vec<f32> = X.iter().map(|&v| v as f32).collect();
    let (v32, (g32, gk32)) = stencil32_grad(&x32, 0.2);
    let (v, (g, gk)) = stencil_grad(&X, 0.2);
    assert!((f64::from(v32) - v).abs() < 1e-4 * v.abs().max(1.0));
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * b.abs().max(1.0),
            "{a} vs {b}"
        );
    }
    assert!((f64::from(gk32) - gk).abs() < 1e-4 * gk.abs().max(1.0));
}
