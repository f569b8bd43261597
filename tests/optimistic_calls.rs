//! The optimistic reverse sweep through calls of other differentiable functions.
//!
//! `NAME_grad` of a function with loops first runs its reverse sweep with plain IEEE products
//! and keeps the gradient when every entry is finite (`tests/optimistic_sweep.rs`). Through a
//! call, that sweep hands the callee's pullback only a cotangent that is neither NaN nor zero,
//! which is the zero rule's own; elsewhere it skips the call and runs the zero rule's sweep instead
//! (a custom rule may turn a NaN into a number). A fused companion (the callee re-run in the
//! caller's reverse sweep) takes the caller's IEEE products and makes the same test.
//!
//! The independent answers: `NAME_vjp`, which always runs the zero rule's sweep (it must agree
//! on every input, including those where the zero rule changes the result), values worked out in
//! the comments, and central differences in `f64` where the function is smooth.
#![allow(clippy::eq_op)] // `x - x` is the point: an exact zero that depends on x
#![allow(clippy::needless_range_loop)] // index loops are what the macro differentiates here

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::check;

/// `x · 1`, a generated helper taking a number (its pullback is recorded per call).
#[differentiable]
fn unit(x: f64) -> f64 {
    x * 1.0
}

/// `z = 1 / zero = +inf` (not differentiated), so `unit(x[i]) · z` is +inf for `x[i] > 0` and
/// `min` picks 5: the product's cotangent is 0, and `0 · inf` is NaN in an IEEE sweep, so the
/// zero rule's sweep runs and gives 0. The gradient is 1 per element (from `+ x[i]`).
#[differentiable]
fn through_a_helper(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let z = 1.0 / zero;
        s += (unit(x[i]) * z).min(5.0) + x[i];
    }
    // a pullback recorded outside the loop, read by both sweeps when the first gives way
    unit(s)
}

// `floored`: a custom rule that turns a NaN cotangent into a number.
#[path = "support/nan_rules.rs"]
mod nan_rules;
use nan_rules::*;

/// A generated helper that calls the custom rule.
#[differentiable]
fn wraps_floored(x: f64) -> f64 {
    floored(x) * 1.0
}

/// The same shape as [`through_a_helper`] one call further down: an IEEE sweep handing
/// `wraps_floored` its NaN cotangent would reach the rule, which turns it into -1 (a finite,
/// wrong gradient of 0 per element). The zero rule's sweep gives 1 per element.
#[differentiable]
fn through_a_wrapped_rule(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let z = 1.0 / zero;
        s += (wraps_floored(x[i]) * z).min(5.0) + x[i];
    }
    s
}

/// A helper over a slice: `Σ sqrt(d_k²)`. At `d_k = 0`, sqrt's pullback is +inf and the
/// product rule of `d_k · d_k` multiplies it by `d_k = 0`: IEEE gives NaN, the zero rule 0.
#[differentiable]
fn root_squares(d: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..d.len() {
        s += (d[k] * d[k]).sqrt();
    }
    s
}

/// A helper over a slice that calls the custom rule.
#[differentiable]
fn floored_sum(d: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..d.len() {
        s += floored(d[k]);
    }
    s
}

/// The helper is given a local `Vec` of the caller, so the caller's reverse sweep runs it again
/// through its fused companion, which takes the caller's products. `d = x - x = 0`, so the
/// first term is constant: the gradient is `2` per element.
#[differentiable]
fn local_differences(x: &[f64]) -> f64 {
    let n = x.len();
    let mut d = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        d[i] = x[i] - x[i];
        s += 2.0 * x[i];
    }
    s + root_squares(&d)
}

/// As [`local_differences`], with the custom rule behind the fused call: `z = 1 / zero`,
/// `(Σ floored(w_k) · z).min(5)` picks 5 (`w_k = x_k² + 1 > 0`), so the sum's cotangent is
/// `0` and `0 · inf` would reach the rule as NaN in an IEEE sweep. Gradient: `1` per element.
#[differentiable]
fn local_floored(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let n = x.len();
    let mut w = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        w[i] = x[i] * x[i] + 1.0;
        s += x[i];
    }
    let z = 1.0 / zero;
    s + (floored_sum(&w) * z).min(5.0)
}

/// Inside the helper: `floored(d_k) · z` with `z = +inf` is clipped by `min`, so its cotangent
/// is 0, and `0 · inf` is NaN in the helper's own IEEE products, right before the rule.
#[differentiable]
fn clipped_floored(d: &[f64], #[no_grad] zero: f64) -> f64 {
    let z = 1.0 / zero;
    let mut s = 0.0;
    for k in 0..d.len() {
        s += (floored(d[k]) * z).min(5.0);
    }
    s
}

/// The fused companion of [`clipped_floored`] runs with the caller's IEEE products; its
/// cotangent from here is 1. Each clipped term is constant: the gradient is 1 per element.
#[differentiable]
fn local_clipped(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let n = x.len();
    let mut w = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        w[i] = x[i] * x[i] + 1.0;
        s += x[i];
    }
    s + clipped_floored(&w, zero)
}

/// A custom rule over a slice whose pullback drops a NaN: `Σ d_k`, with `max(g, -1)` per entry.
#[custom_derivative(vjp = floored_total_rule_vjp, jvp = floored_total_rule_jvp)]
fn floored_total(d: &[f64]) -> f64 {
    d.iter().sum()
}
fn floored_total_rule_vjp(d: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64>) {
    let n = d.len();
    (floored_total(d), move |g: f64| vec![g.max(-1.0); n])
}
fn floored_total_rule_jvp(d: &[f64], t: Vec<f64>) -> (f64, f64) {
    (floored_total(d), t.iter().sum())
}

/// The rule is re-run on a local `Vec` through its fused companion, with the cotangent
/// `0 · inf` (NaN in an IEEE sweep) as in [`local_floored`]. Gradient: 1 per element.
#[differentiable]
fn local_rule(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let n = x.len();
    let mut w = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        w[i] = x[i] * x[i] + 1.0;
        s += x[i];
    }
    let z = 1.0 / zero;
    s + (floored_total(&w) * z).min(5.0)
}

mod shapes {
    use autodiff::prelude::*;

    /// The Huber loss of a residual (a branch in the helper).
    #[differentiable]
    pub fn huber(r: f64, delta: f64) -> f64 {
        if r.abs() <= delta {
            0.5 * r * r
        } else {
            delta * (r.abs() - 0.5 * delta)
        }
    }

    /// A generic helper over a slice, called with a turbofish.
    #[differentiable]
    pub fn weighted<T: Real>(w: &[T], x: T) -> T {
        let mut s = T::zero();
        for k in 0..w.len() {
            s += w[k] * x * x + T::from_f64(0.5) * w[k];
        }
        s
    }

    /// Mutual recursion (`boxed`).
    #[differentiable(boxed)]
    pub fn even_pow(x: f64, n: u32) -> f64 {
        if n == 0 { 1.0 } else { x * odd_pow(x, n - 1) }
    }

    #[differentiable(boxed)]
    pub fn odd_pow(x: f64, n: u32) -> f64 {
        if n == 0 {
            1.0
        } else {
            x.sin() + x * even_pow(x, n - 1)
        }
    }
}

/// A helper in a module, with a branch, per element.
#[differentiable]
fn huber_fit(theta: &[f64], delta: f64, #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let pred = theta[0] + theta[1] * x[i] + theta[2] * x[i] * x[i];
        l += shapes::huber(pred - y[i], delta);
    }
    l / x.len() as f64
}

/// A generic helper re-run through its fused companion (a local slice), at `T`.
#[differentiable]
fn generic_caller<T: Real>(p: &[T]) -> T {
    let n = p.len();
    let mut w = vec![T::zero(); n];
    let mut s = T::zero();
    for i in 0..n {
        w[i] = p[i] * p[i];
        s += shapes::weighted::<T>(&w, p[i]);
    }
    s
}

/// Recursive callees per trip.
#[differentiable]
fn powers(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += shapes::even_pow(p[i], (i % 4) as u32);
    }
    s
}

/// Equal, both NaN, or both finite and within a relative 1e-12 (an infinity is close only to
/// itself).
fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan())
        || a == b
        || (a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs())))
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
}

#[test]
fn a_nan_cotangent_passes_through_a_generated_pullback_to_the_finite_test() {
    for x in [vec![3.0, 2.0], vec![0.5], vec![1.0, 4.0, 0.25]] {
        let (_, g) = through_a_helper_grad(&x, 0.0);
        assert!(all_close(&g, &vec![1.0; x.len()]), "{x:?}: {g:?}");
        assert!(all_close(&g, &through_a_helper_vjp(&x, 0.0).1(1.0)));
    }
    // smooth: zero = 4, z = 1/4, (x/4).min(5) = x/4: d/dx = 1/4 + 1
    let (_, g) = through_a_helper_grad(&[2.0, 8.0], 4.0);
    assert!(all_close(&g, &[1.25, 1.25]), "{g:?}");
}

#[test]
fn a_helper_that_calls_a_nan_dropping_rule_keeps_the_zero_rule() {
    for x in [vec![3.0, 2.0], vec![0.5, 1.5, 2.5]] {
        let (_, g) = through_a_wrapped_rule_grad(&x, 0.0);
        assert!(all_close(&g, &vec![1.0; x.len()]), "{x:?}: {g:?}");
        assert!(all_close(&g, &through_a_wrapped_rule_vjp(&x, 0.0).1(1.0)));
    }
    // through the fused companion: (Σ w_k · inf).min(5) = 5, so only `+ x_k` counts
    for x in [vec![3.0, -2.0], vec![0.0, 1.0, 0.5]] {
        let (_, g) = local_floored_grad(&x, 0.0);
        assert!(all_close(&g, &vec![1.0; x.len()]), "{x:?}: {g:?}");
        assert!(all_close(&g, &local_floored_vjp(&x, 0.0).1(1.0)));
    }
    // the custom rule's own fused companion
    for x in [vec![3.0, -2.0], vec![0.0, 1.0, 0.5]] {
        let (_, g) = local_rule_grad(&x, 0.0);
        assert!(all_close(&g, &vec![1.0; x.len()]), "{x:?}: {g:?}");
        assert!(all_close(&g, &local_rule_vjp(&x, 0.0).1(1.0)));
    }
    // the NaN arises inside the fused companion, which skips the rule's call itself
    for x in [vec![3.0, -2.0], vec![0.0, 1.0, 0.5]] {
        let (_, g) = local_clipped_grad(&x, 0.0);
        assert!(all_close(&g, &vec![1.0; x.len()]), "{x:?}: {g:?}");
        assert!(all_close(&g, &local_clipped_vjp(&x, 0.0).1(1.0)));
    }
    // smooth there: zero = 100, each term (x_k² + 1)/100 < 5: d/dx = 1 + 2 x / 100
    let (_, g) = local_clipped_grad(&[1.0, -3.0], 100.0);
    assert!(all_close(&g, &[1.02, 0.94]), "{g:?}");
    // smooth: zero = 100, the sum is Σ (x_k² + 1)/100 (below 5): d/dx = 1 + 2 x / 100
    let x = [1.0, -3.0];
    let (_, g) = local_floored_grad(&x, 100.0);
    assert!(all_close(&g, &[1.02, 0.94]), "{g:?}");
}

#[test]
fn a_fused_companion_takes_the_zero_rule_where_it_matters() {
    for x in [vec![1.5, -2.0, 0.0], vec![0.0; 4], vec![3.0]] {
        let (_, g) = local_differences_grad(&x);
        assert!(all_close(&g, &vec![2.0; x.len()]), "{x:?}: {g:?}");
        assert!(all_close(&g, &local_differences_vjp(&x).1(1.0)));
    }
}

#[test]
fn helpers_per_trip_match_finite_differences() {
    // residuals on both sides of the threshold
    let x: Vec<f64> = (0..40).map(|i| -1.0 + 0.05 * i as f64).collect();
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, xi)| 0.5 + xi - 0.7 * xi * xi + 0.4 * (1.7 * i as f64).sin())
        .collect();
    let theta = [0.3, 0.8, -0.2];
    let delta = 0.3;
    let (v, (gt, gd)) = huber_fit_grad(&theta, delta, &x, &y);
    assert!(close(v, huber_fit(&theta, delta, &x, &y)));
    let (vt, vd) = huber_fit_vjp(&theta, delta, &x, &y).1(1.0);
    assert!(all_close(&gt, &vt) && close(gd, vd));
    check("theta", |t| huber_fit(t, delta, &x, &y), &gt, &theta);
    check(
        "delta",
        |d| huber_fit(&theta, d[0], &x, &y),
        &[gd],
        &[delta],
    );

    let p = [0.7, -1.1, 0.4, 1.3];
    let (_, g) = generic_caller_grad(&p[..]);
    assert!(all_close(&g, &generic_caller_vjp(&p[..]).1(1.0)));
    check("generic", generic_caller, &g, &p);
    let pf = [0.7_f32, -1.1, 0.4];
    let (_, gf) = generic_caller_grad(&pf[..]);
    let pd: Vec<f64> = pf.iter().map(|v| f64::from(*v)).collect();
    let (_, gd) = generic_caller_grad(&pd[..]);
    for (a, b) in gf.iter().zip(&gd) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} {b}"
        );
    }

    let p = [0.7, 1.3, -0.4, 0.9, 1.1];
    let (_, g) = powers_grad(&p);
    check("powers", powers, &g, &p);
}
