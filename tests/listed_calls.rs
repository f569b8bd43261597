//! Calls per trip on a parameter's whole slice whose gradient the forward sweep lists as
//! `(index, adjoint)` pairs (`reverse/pairs.rs`): helpers with a loop that read the slice a few
//! times outside it (a binary search, a scan for a bracket, a counted search), as the helper's
//! hint allows (`expand/pairs_hint.rs`). Covered: calls on some trips only (a branch, a
//! `continue`, a loop left by `break` or `return` after the call), calls in inner loops whose
//! trip counts vary, two call sites and the same helper twice in one trip, zero trips, both
//! slices and the float differentiated, a slice also read by the caller, the value through a
//! float method and products, `Vec` and `&Vec` parameters, generic and `f32` helpers, helpers
//! at the hint's bounds (8 and 9 reads, a read in the loop, the slice passed on), a custom rule
//! that is not linear in its cotangent, the pullback called twice and at zero, and an infinite
//! partial under a zero cotangent. Every gradient against central differences in f64, or the
//! value derived in a comment.

#![allow(clippy::needless_range_loop, clippy::ptr_arg)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check_value_grad, pair_check, sines};

/// Piecewise-linear interpolation of `(xs, ys)` at `q` by binary search, constant outside.
#[differentiable]
fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    if q <= xs[0] {
        return ys[0];
    }
    if q >= xs[n - 1] {
        return ys[n - 1];
    }
    let mut lo = 0;
    let mut hi = n - 1;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if xs[mid] <= q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = (q - xs[lo]) / (xs[lo + 1] - xs[lo]);
    ys[lo] * (1.0 - t) + ys[lo + 1] * t
}

/// The bracket of `q` found by a linear scan, then a quadratic through three values.
#[differentiable]
fn bracket_quad(ys: &[f64], q: f64) -> f64 {
    let mut k = 0;
    for j in 0..ys.len() - 2 {
        if (j as f64) <= q {
            k = j;
        }
    }
    let t = q - k as f64;
    let (a, b, c) = (ys[k], ys[k + 1], ys[k + 2]);
    a + t * (b - a) + 0.5 * t * (t - 1.0) * (c - 2.0 * b + a)
}

fn knots(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| i as f64 + 0.3 * (i as f64 * 1.3).sin())
        .collect()
}

/// Queries inside segments, away from the knots, and a few outside the knots.
fn queries(xs: &[f64], m: usize) -> Vec<f64> {
    let n = xs.len();
    (0..m)
        .map(|i| match i % 9 {
            0 => xs[0] - 0.7,
            4 => xs[n - 1] + 1.1,
            _ => {
                let k = (i * 7) % (n - 1);
                xs[k] + (0.2 + 0.07 * (i % 8) as f64) * (xs[k + 1] - xs[k])
            }
        })
        .collect()
}

/// The call on some trips only: behind a branch, after a `continue`, and a loop left by
/// `break` after the call.
#[differentiable]
fn some_trips(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] stop: usize) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        if i % 3 == 1 {
            continue;
        }
        if qs[i] > 2.0 {
            l += interp(xs, ys, qs[i]).tanh();
        } else {
            l += 0.5 * interp(xs, ys, qs[i] + 0.1);
        }
        if i == stop {
            break;
        }
    }
    l
}

#[test]
fn calls_on_some_trips() {
    let xs = knots(12);
    let ys = sines(12, 1.2);
    let qs = queries(&xs, 30);
    for stop in [0, 7, 29, 100] {
        pair_check(
            &format!("some_trips stop={stop}"),
            |y, q| some_trips(y, q, &xs, stop),
            some_trips_grad(&ys, &qs, &xs, stop),
            &ys,
            &qs,
        );
    }
}

/// An inner loop whose trip count varies per outer trip (zero on some), two call sites, the
/// same helper twice in one trip and an early `return` from inside the loops.
#[differentiable]
fn nested(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] quit: usize) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        for j in 0..i % 4 {
            let q = qs[i] + 0.05 * j as f64;
            let a = interp(xs, ys, q);
            let b = bracket_quad(ys, q);
            l += a * b + interp(xs, ys, 0.5 * q);
            if i * 4 + j == quit {
                return l * 2.0;
            }
        }
    }
    l
}

#[test]
fn inner_loops_two_sites_and_early_return() {
    let xs = knots(10);
    let ys = sines(10, 0.9);
    let qs: Vec<f64> = (0..14).map(|i| 0.4 + 0.55 * i as f64).collect();
    for quit in [0, 9, 30, 1000] {
        pair_check(
            &format!("nested quit={quit}"),
            |y, q| nested(y, q, &xs, quit),
            nested_grad(&ys, &qs, &xs, quit),
            &ys,
            &qs,
        );
    }
    // zero trips: no call at all
    let (v, (gy, gq)) = nested_grad(&ys, &[], &xs, 1000);
    assert!(v.abs() < 1e-300 && gq.is_empty());
    assert!(gy.iter().all(|g| g.abs() < 1e-300));
}

/// A `while` loop whose trips each call, the knots differentiated too (two listed slices and
/// the float).
#[differentiable]
fn walk(xs: &[f64], ys: &[f64], q0: f64) -> f64 {
    let mut q = q0;
    let mut l = 0.0;
    let mut k = 0;
    while k < 9 {
        let v = interp(xs, ys, q);
        l += v * v.cos();
        q += 0.37 + 0.01 * v;
        k += 1;
    }
    l
}

#[test]
fn both_slices_and_the_float_in_a_while_loop() {
    let xs = knots(8);
    let ys = sines(8, 0.7);
    let mut all = xs.clone();
    all.extend(&ys);
    all.push(0.9);
    let (v, (gx, gy, gq)) = walk_grad(&xs, &ys, 0.9);
    let mut g = gx;
    g.extend(gy);
    g.push(gq);
    check_value_grad("walk", |p| walk(&p[..8], &p[8..16], p[16]), (v, g), &all);
}

/// The caller reads the slice itself beside the call; `Vec` and `&Vec` parameters.
#[differentiable]
fn also_read(ys: &Vec<f64>, qs: Vec<f64>, #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let k = i % ys.len();
        l += ys[k] * interp(xs, ys, qs[i]) + (bracket_quad(ys, qs[i]) / 3.0).powi(2);
    }
    l
}

#[test]
fn the_caller_reads_the_slice_too() {
    let xs = knots(9);
    let ys = sines(9, 1.0);
    let qs: Vec<f64> = (0..17).map(|i| 0.3 + 0.41 * i as f64).collect();
    pair_check(
        "also_read",
        |y, q| also_read(&y.to_vec(), q.to_vec(), &xs),
        also_read_grad(&ys, qs.clone(), &xs),
        &ys,
        &qs,
    );
}

/// A counted search reading `ys` `R` times outside its loop: at the hint's bound (8 reads,
/// listed) and past it (9, run again); a read inside the loop (run again); the slice passed on
/// to another helper (run again).
#[differentiable]
fn reads8(ys: &[f64], q: f64) -> f64 {
    let mut k = 0;
    while k + 9 < ys.len() && (k as f64) < q {
        k += 1;
    }
    ys[k] + ys[k + 1] * q + ys[k + 2] * q * q + ys[k + 3] + ys[k + 4] * ys[k + 5] + ys[k + 6]
        - ys[k + 7] * q
}

#[differentiable]
fn reads9(ys: &[f64], q: f64) -> f64 {
    let mut k = 0;
    while k + 9 < ys.len() && (k as f64) < q {
        k += 1;
    }
    ys[k] + ys[k + 1] * q + ys[k + 2] * q * q + ys[k + 3] + ys[k + 4] * ys[k + 5] + ys[k + 6]
        - ys[k + 7] * q
        + ys[k + 8].sin()
}

#[differentiable]
fn read_in_loop(ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..3 {
        s += ys[j] * q;
    }
    s + ys[3]
}

#[differentiable]
fn passed_on(ys: &[f64], q: f64) -> f64 {
    let mut k = 0;
    while (k as f64) < q && k + 4 < ys.len() {
        k += 1;
    }
    ys[k] * q + bracket_quad(ys, q)
}

#[differentiable]
fn bounds(ys: &[f64], qs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let q = qs[i];
        l += reads8(ys, q) - reads9(ys, q).tanh() + read_in_loop(ys, q) * passed_on(ys, q);
    }
    l
}

#[test]
fn helpers_at_the_hints_bounds() {
    let ys = sines(14, 0.6);
    let qs: Vec<f64> = (0..11).map(|i| 0.25 + 0.5 * i as f64).collect();
    pair_check("bounds", bounds, bounds_grad(&ys, &qs), &ys, &qs);
}

/// A search helper generic over its float type.
#[differentiable]
fn search<T: Real>(ys: &[T], q: T) -> T {
    let mut k = 0;
    while k + 2 < ys.len() && T::from_f64(k as f64) < q {
        k += 1;
    }
    ys[k] * q + ys[k + 1] * q * q
}

#[differentiable]
fn searches<T: Real>(ys: &[T], qs: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..qs.len() {
        s += search(ys, qs[i]).sin();
    }
    s
}

#[test]
fn generic_and_f32_helpers() {
    let ys = sines(7, 0.8);
    let qs: Vec<f64> = (0..12).map(|i| 0.31 + 0.45 * i as f64).collect();
    pair_check(
        "searches",
        searches::<f64>,
        searches_grad::<f64>(&ys, &qs),
        &ys,
        &qs,
    );
    let (y32, q32) = (grad_checks::to32(&ys), grad_checks::to32(&qs));
    let (_, (gy32, gq32)) = searches_grad::<f32>(&y32, &q32);
    let (_, (gy, gq)) = searches_grad::<f64>(&ys, &qs);
    grad_checks::agree("searches f32 ys", &gy, &gy32, 1e-4);
    grad_checks::agree("searches f32 qs", &gq, &gq32, 1e-4);
}

/// The identity, with the rule `g ↦ max(g, -1)` (not linear in `g`).
#[custom_derivative(vjp = floored_rule_vjp, jvp = floored_rule_jvp)]
fn floored(x: f64) -> f64 {
    x
}

fn floored_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}

fn floored_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}

/// A search helper whose value goes through the rule.
#[differentiable]
fn floored_search(ys: &[f64], q: f64) -> f64 {
    let mut k = 0;
    while k + 1 < ys.len() && (k as f64) < q {
        k += 1;
    }
    floored(ys[k] * q)
}

#[differentiable]
fn floored_sum(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += cs[i] * floored_search(ys, qs[i]);
    }
    s
}

/// The rule sees the caller's cotangent `dy = c_i` itself: a gradient listed for `dy = 1` and
/// scaled would give `c_i q_i` where the rule gives `max(c_i, -1) q_i`. With `k_i` the
/// searched index, `∂/∂y_k = Σ_{i: k_i = k} max(c_i, -1) q_i`.
#[test]
fn a_rule_not_linear_in_its_cotangent_is_run_again() {
    let ys = sines(6, 0.7);
    let qs: Vec<f64> = (0..10).map(|i| 0.2 + 0.6 * i as f64).collect();
    let cs: Vec<f64> = (0..10)
        .map(|i| if i % 2 == 0 { -3.0 } else { 0.5 })
        .collect();
    let (v, g) = floored_sum_grad(&ys, &qs, &cs);
    assert!((v - floored_sum(&ys, &qs, &cs)).abs() < 1e-12);
    let mut want = [0.0; 6];
    for i in 0..10 {
        let mut k = 0;
        while k + 1 < 6 && (k as f64) < qs[i] {
            k += 1;
        }
        want[k] += cs[i].max(-1.0) * qs[i];
    }
    for k in 0..6 {
        assert!(
            (g[k] - want[k]).abs() < 1e-12,
            "[{k}] {} vs {}",
            g[k],
            want[k]
        );
    }
}

#[differentiable]
fn fit(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] target: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let e = interp(xs, ys, qs[i]) - target[i];
        l += e * e;
    }
    l
}

/// The pullback reads the listed records again on each call: twice at different cotangents,
/// and at zero.
#[test]
fn pullback_called_twice_and_at_zero() {
    let xs = knots(16);
    let ys = sines(16, 1.1);
    let qs = queries(&xs, 33);
    let target = sines(33, 0.2);
    pair_check(
        "fit",
        |y, q| fit(y, q, &xs, &target),
        fit_grad(&ys, &qs, &xs, &target),
        &ys,
        &qs,
    );
    let (_, (ga, gb)) = fit_grad(&ys, &qs, &xs, &target);
    let (_, pb) = fit_vjp(&ys, &qs, &xs, &target);
    for c in [1.0, -2.5, 0.0, 3.0] {
        let (a, b) = pb(c);
        for (x, y) in a.iter().zip(&ga).chain(b.iter().zip(&gb)) {
            assert!(
                (x - c * y).abs() < 1e-10 * (1.0 + y.abs()),
                "{c}: {x} vs {y}"
            );
        }
    }
}

/// `sqrt` of an element found by a search: an infinite partial where the element is zero.
#[differentiable]
fn root_search(ys: &[f64], q: f64) -> f64 {
    let mut k = 0;
    while k + 1 < ys.len() && (k as f64) < q {
        k += 1;
    }
    ys[k].sqrt() * q
}

#[differentiable]
fn weighted_roots(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += w[i] * root_search(ys, qs[i]);
    }
    s
}

/// `ys[0] = 0` has an infinite partial `q / (2 √y)`, reached only from trips whose weight is
/// zero: by the zero rule those trips add nothing, so `∂/∂y_0 = 0` and the rest is finite,
/// `∂/∂y_k = Σ_{i: k_i = k} w_i q_i / (2 √y_k)`.
#[test]
fn an_infinite_partial_under_a_zero_cotangent() {
    let ys = vec![0.0, 0.8, 1.3, 0.6];
    // q = 0 finds k = 0 (weight 0); the others find k = 1, 2, 3
    let qs = vec![0.0, 0.5, 1.5, 2.5, 0.0, 3.5];
    let w = vec![0.0, 1.5, -0.7, 2.0, 0.0, 0.3];
    let (_, g) = weighted_roots_grad(&ys, &qs, &w);
    let mut want = [0.0; 4];
    for i in 0..qs.len() {
        let mut k = 0;
        while k + 1 < 4 && (k as f64) < qs[i] {
            k += 1;
        }
        if w[i] != 0.0 {
            want[k] += w[i] * qs[i] / (2.0 * ys[k].sqrt());
        }
    }
    for k in 0..4 {
        assert!(
            g[k].is_finite() && (g[k] - want[k]).abs() < 1e-12,
            "[{k}] {} vs {}",
            g[k],
            want[k]
        );
    }
    // and away from zero, against central differences
    let ys = vec![0.4, 0.8, 1.3, 0.6];
    check_value_grad(
        "weighted_roots",
        |y| weighted_roots(y, &qs, &w),
        weighted_roots_grad(&ys, &qs, &w),
        &ys,
    );
}

/// A partial of `1e200 · 1e200` (infinite under the unit cotangent) whose real cotangent
/// `1e-250` brings it back into range.
#[differentiable]
fn big(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 1.0;
    for _ in 0..2 {
        f *= 1e100;
    }
    ys[k] * 1e-300 * f * f + q
}

#[differentiable]
fn tiny_weights(ys: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += 1e-250 * big(ys, i % ys.len(), qs[i]);
    }
    s
}

/// `∂/∂y_k = Σ_{i: i mod 3 = k} 1e-250 · 1e-300 · 1e400 = (trips at k) · 1e-150`: the listed
/// partial overflowed, so the site's calls are run again with their real cotangents.
#[test]
fn an_overflowed_partial_is_run_again() {
    let ys = [0.5, -1.0, 2.0];
    let qs = [0.1, 0.2, 0.3, 0.4];
    let want = [2e-150, 1e-150, 1e-150];
    // `NAME_grad` (its IEEE sweep gives way to the zero rule's, which tests the partials) and
    // `NAME_vjp`'s pullback (the zero rule's sweep alone), at two cotangents
    let (_, g) = tiny_weights_grad(&ys, &qs);
    let (_, pb) = tiny_weights_vjp(&ys, &qs);
    for (g, c) in [(g, 1.0), (pb(1.0), 1.0), (pb(-4.0), -4.0)] {
        for k in 0..3 {
            let w = c * want[k];
            assert!((g[k] - w).abs() < 1e-162, "[{k}] {} vs {w}", g[k]);
        }
    }
}
