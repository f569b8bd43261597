//! The optimistic reverse sweep through range reads (`&v[a..b]`).
//!
//! A range read's reverse rule only moves its cotangent (`dv[a + k] += dy[k]`), so a NaN stays
//! NaN through it and the IEEE sweep (`tests/optimistic_sweep.rs`, `tests/optimistic_calls.rs`)
//! runs through it without a test: a function whose calls are range reads and calls of the
//! user's functions takes the IEEE sweep first. Where a NaN would reach a custom rule behind a
//! range argument, the callee's test on its cotangent still makes the sweep give way.
//!
//! The independent answers: `NAME_vjp` (always the zero rule's sweep), values worked out in the
//! comments, and central differences in `f64` where the function is smooth.
#![allow(clippy::needless_range_loop)] // index loops are what the macro differentiates here

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::check;

// `floored`: a custom rule that turns a NaN cotangent into a number.
#[path = "support/nan_rules.rs"]
mod nan_rules;
use nan_rules::*;

/// `a · b` of two pairs.
#[differentiable]
fn dot2(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// `floored(a · b)` of two pairs: the rule behind a helper taking ranges.
#[differentiable]
fn floored_dot2(a: &[f64], b: &[f64]) -> f64 {
    floored(a[0] * b[0] + a[1] * b[1])
}

/// `Σ_{i<j} tanh(p_i · p_j)` over pairs `p_i = p[2i..2i + 2]`, smooth.
#[differentiable]
fn pair_sum(p: &[f64]) -> f64 {
    let n = p.len() / 2;
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += dot2(&p[2 * i..2 * i + 2], &p[2 * j..2 * j + 2]).tanh();
        }
    }
    s
}

/// `z = 1 / zero = +inf`, so `floored_dot2(..) · z` is +inf (the pairs' dot products are
/// positive) and `min` picks 5: the product's cotangent is 0 and `0 · inf` is NaN in an IEEE
/// sweep, which would reach the rule behind the ranges and come out as -1. The zero rule gives
/// 0 there; the gradient is 1 per element (from `+ p[k]`).
#[differentiable]
fn ranges_to_a_rule(p: &[f64], #[no_grad] zero: f64) -> f64 {
    let n = p.len() / 2;
    let mut s = 0.0;
    for i in 0..n - 1 {
        let z = 1.0 / zero;
        s += (floored_dot2(&p[2 * i..2 * i + 2], &p[2 * i + 2..2 * i + 4]) * z).min(5.0);
    }
    for k in 0..p.len() {
        s += p[k];
    }
    s
}

/// A range read bound to a variable and indexed: `(r[0] · z).min(5) + r[1]` with `z = +inf`
/// and `r[0] > 0` picks 5, so `r[0]`'s cotangent is `0 · inf`: NaN in the IEEE sweep, 0 by the
/// zero rule. Gradient: 0 at even entries, 1 at odd ones.
#[differentiable]
fn an_indexed_range(p: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() / 2 {
        let r = &p[2 * i..2 * i + 2];
        let z = 1.0 / zero;
        s += (r[0] * z).min(5.0) + r[1];
    }
    s
}

/// Ranges of a local `Vec` (whose range adjoint goes through the range's pullback) and of a
/// parameter, both in one loop, smooth.
#[differentiable]
fn ranges_of_a_local(p: &[f64], w: f64) -> f64 {
    let n = p.len();
    let mut v = vec![0.0; n];
    for i in 0..n {
        v[i] = p[i] * w + p[i] * p[i];
    }
    let mut s = 0.0;
    for i in 0..n / 2 - 1 {
        let r = &v[2 * i..2 * i + 4];
        s += r[0] * r[3] - r[1] * r[2] + dot2(&p[2 * i..2 * i + 2], &v[2 * i + 2..2 * i + 4]);
    }
    s
}

/// A helper with range reads inside, given a local (re-run through its fused companion with
/// the caller's products).
#[differentiable]
fn chained_pairs(q: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..q.len() / 2 - 1 {
        s += floored_dot2(&q[2 * i..2 * i + 2], &q[2 * i + 2..2 * i + 4]);
    }
    s
}

/// `w = x²` (a local), `(chained_pairs(w) · z).min(5) + Σ x` with `z = +inf`: the helper's
/// cotangent is 0 and `0 · inf` is NaN in an IEEE sweep. Gradient: 1 per element.
#[differentiable]
fn a_local_to_a_helper_with_ranges(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let n = x.len();
    let mut w = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        w[i] = x[i] * x[i] + 0.5;
        s += x[i];
    }
    let z = 1.0 / zero;
    s + (chained_pairs(&w) * z).min(5.0)
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-12 * (1.0 + y.abs()))
}

const P: [f64; 8] = [0.3, 0.7, 0.5, 0.2, 0.9, 0.4, 0.6, 0.8];

#[test]
fn a_nan_rule_behind_a_range_argument_keeps_the_zero_rule() {
    let (_, g) = ranges_to_a_rule_grad(&P, 0.0);
    assert!(all_close(&g, &[1.0; 8]), "{g:?}");
    assert!(all_close(&g, &ranges_to_a_rule_vjp(&P, 0.0).1(1.0)));
    // With `zero = 1` the `min` picks the product (all below 5): smooth, against central
    // differences.
    let (_, g) = ranges_to_a_rule_grad(&P, 1.0);
    check("ranges_to_a_rule", |q| ranges_to_a_rule(q, 1.0), &g, &P);
}

#[test]
fn a_nan_through_an_indexed_range_reaches_the_finite_test() {
    let (_, g) = an_indexed_range_grad(&P, 0.0);
    let want: Vec<f64> = (0..8).map(|k| (k % 2) as f64).collect();
    assert!(all_close(&g, &want), "{g:?}");
    assert!(all_close(&g, &an_indexed_range_vjp(&P, 0.0).1(1.0)));
}

#[test]
fn a_helper_with_ranges_inside_takes_the_zero_rule_where_it_matters() {
    let (_, g) = a_local_to_a_helper_with_ranges_grad(&P, 0.0);
    assert!(all_close(&g, &[1.0; 8]), "{g:?}");
    assert!(all_close(
        &g,
        &a_local_to_a_helper_with_ranges_vjp(&P, 0.0).1(1.0)
    ));
    let (_, g) = a_local_to_a_helper_with_ranges_grad(&P, 1.0);
    check(
        "a_local_to_a_helper_with_ranges",
        |q| a_local_to_a_helper_with_ranges(q, 1.0),
        &g,
        &P,
    );
}

#[test]
fn smooth_ranges_match_finite_differences_and_the_zero_rule() {
    let (v, g) = pair_sum_grad(&P);
    assert!((v - pair_sum(&P)).abs() < 1e-12);
    check("pair_sum", pair_sum, &g, &P);
    assert!(all_close(&g, &pair_sum_vjp(&P).1(1.0)));

    let (_, (gp, gw)) = ranges_of_a_local_grad(&P, 0.7);
    let mut g = gp.clone();
    g.push(gw);
    let mut p = P.to_vec();
    p.push(0.7);
    check(
        "ranges_of_a_local",
        |q| ranges_of_a_local(&q[..8], q[8]),
        &g,
        &p,
    );
    let (vp, vw) = ranges_of_a_local_vjp(&P, 0.7).1(1.0);
    assert!(all_close(&gp, &vp) && (gw - vw).abs() <= 1e-12 * (1.0 + vw.abs()));
}

/// Infinite and NaN inputs: the IEEE sweep's gradient is not all finite, so the zero rule's
/// sweep runs, and the result is its own.
#[test]
fn non_finite_inputs_give_the_zero_rules_gradient() {
    for bad in [f64::INFINITY, f64::NAN, -0.0] {
        let mut p = P;
        p[3] = bad;
        let (_, g) = pair_sum_grad(&p);
        let v = pair_sum_vjp(&p).1(1.0);
        for (a, b) in g.iter().zip(&v) {
            assert!(
                a.to_bits() == b.to_bits() || (a - b).abs() <= 1e-12,
                "{g:?} vs {v:?}"
            );
        }
    }
}
