//! Custom derivatives (`#[custom_derivative(vjp = .., jvp = ..)]`): the attributed function gets
//! every generated item, callers cannot tell it from a `#[differentiable]` one, and the user's
//! rules are what is used (checked with a rule that deliberately differs from the true derivative).
//!
//! Kept apart from `corpus.rs` so that the rest of the corpus still compiles if this attribute
//! changes shape.

use autodiff::check::{self, DEFAULT_ETA, Tolerance};
use autodiff::prelude::*;

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// softplus(x) = ln(1 + e^x), with a hand-written (numerically stable) derivative.
#[custom_derivative(vjp = softplus_rule_vjp, jvp = softplus_rule_jvp)]
fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn softplus_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    let s = sigmoid(x);
    (softplus(x), move |g: f64| g * s)
}

fn softplus_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (softplus(x), t * sigmoid(x))
}

/// A straight-through clip: the value is clamped, the derivative is 1 everywhere.
#[custom_derivative(vjp = clip_st_rule_vjp, jvp = clip_st_rule_jvp)]
fn clip_st(x: f64) -> f64 {
    x.clamp(-1.0, 1.0)
}

fn clip_st_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (clip_st(x), |g: f64| g)
}

fn clip_st_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (clip_st(x), t)
}

/// Two parameters: `a * b` with its rules written by hand.
#[custom_derivative(vjp = prod_rule_vjp, jvp = prod_rule_jvp)]
fn prod(a: f64, b: f64) -> f64 {
    a * b
}

fn prod_rule_vjp(a: f64, b: f64) -> (f64, impl Fn(f64) -> (f64, f64)) {
    (a * b, move |g: f64| (g * b, g * a))
}

fn prod_rule_jvp(a: f64, b: f64, ta: f64, tb: f64) -> (f64, f64) {
    (a * b, ta * b + a * tb)
}

/// Callers use custom-derivative functions like any differentiable one.
#[differentiable]
fn uses_custom(x: f64, y: f64) -> f64 {
    let mut s = softplus(x * y) + softplus(x) * y;
    for i in 0..3 {
        s += prod(s * 0.1, y + i as f64);
    }
    s
}

#[differentiable]
fn uses_straight_through(x: f64) -> f64 {
    clip_st(x * 3.0) * 2.0
}

#[test]
fn custom_derivative_items_exist_and_are_right() {
    for &x in &[-2.0, 0.3, 1.7] {
        let (v, g) = softplus_grad(x);
        check::assert_close(v, softplus(x), Tolerance::tight());
        check::assert_derivative(softplus, x, g, DEFAULT_ETA, Tolerance::default());
        let (_, d) = softplus_jvp(x, 2.0);
        check::assert_close(d, 2.0 * g, Tolerance::tight());
        let (_, (ga, gb)) = prod_grad(x, 0.5);
        check::assert_slices(&[ga, gb], &[0.5, x], Tolerance::tight());
    }
}

#[test]
fn callers_of_custom_derivatives() {
    for &(x, y) in &[(0.5, 1.5), (-1.2, 0.3), (1.1, -0.9)] {
        let (v, (gx, gy)) = uses_custom_grad(x, y);
        check::assert_close(v, uses_custom(x, y), Tolerance::tight());
        let f = |p: &[f64]| uses_custom(p[0], p[1]);
        check::assert_gradient(f, &[x, y], &[gx, gy], DEFAULT_ETA, Tolerance::default());
        let (_, d) = uses_custom_jvp(x, y, 0.7, -1.3);
        check::assert_jvp_vjp(&[gx, gy], &[0.7, -1.3], d, Tolerance::tight());
        let (_, pb) = uses_custom_vjp(x, y);
        let (px, py) = pb(-2.0);
        check::assert_slices(&[px, py], &[-2.0 * gx, -2.0 * gy], Tolerance::tight());
    }
}

#[test]
fn the_custom_rule_is_the_one_used() {
    // Outside [-1, 1] the true derivative of the clamp is 0; the straight-through rule says 1.
    for &x in &[-2.0, 0.1, 1.5] {
        let (v, g) = uses_straight_through_grad(x);
        check::assert_close(v, uses_straight_through(x), Tolerance::tight());
        check::assert_close(g, 6.0, Tolerance::tight());
        let (_, d) = uses_straight_through_jvp(x, 1.0);
        check::assert_close(d, 6.0, Tolerance::tight());
    }
}
