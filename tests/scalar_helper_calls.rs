//! `#[differentiable]` helpers taking numbers, called per trip of a loop, and branches outside
//! every loop. A branch outside every loop keeps the arm it took in a local slot instead of on
//! the control tape (jumps out of an arm included), so the pullback such a call records per
//! trip holds a number, not the helper's control tape. Every gradient against central
//! differences, with both arms of each branch taken; the pullback, forward mode and a
//! Hessian-vector product against the gradient or differences of it.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A branch in a helper taking numbers.
#[differentiable]
fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

#[differentiable]
fn huber_sum(theta: &[f64], delta: f64, #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        l += huber(theta[0] + theta[1] * x[i], delta);
    }
    l
}

/// An early `return` from one arm: the jump records the arm.
#[differentiable]
fn clipped(x: f64, lo: f64) -> f64 {
    if x < lo {
        return lo * lo * 0.5 + x * 0.1;
    }
    x * x.sin()
}

/// A `match` of three arms on an integer without a derivative, then a loop after it.
#[differentiable]
fn three_way(x: f64, #[no_grad] k: usize) -> f64 {
    let y = match k % 3 {
        0 => x * x,
        1 => x.sin() * 2.0,
        _ => x.exp() - x,
    };
    let mut s = y;
    for j in 0..k {
        if s > 1.0 {
            s = s.sqrt() + x * j as f64;
        } else {
            s = s * 1.5 + x;
        }
    }
    s
}

/// Nested branches outside loops with a loop inside an arm.
#[differentiable]
fn nested(x: f64, y: f64) -> f64 {
    let mut t = x * y;
    if x > 0.0 {
        if y > 0.0 {
            t = t.sin() + x;
        } else {
            for _ in 0..3 {
                t = t * 0.5 + y * y;
            }
        }
    } else {
        t = t.cos() * y;
    }
    t * t
}

#[differentiable]
fn pair(a: f64, b: f64) -> (f64, f64) {
    if a > b {
        (a * b, a - b)
    } else {
        (a + b, b * b)
    }
}

/// Helpers in a loop: one returning a tuple, one given the same value twice (its pullback
/// path), one with an early return, one with a `match` and a loop.
#[differentiable]
fn callers(p: &[f64], #[no_grad] ks: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..ks.len() {
        let q = p[i % p.len()];
        let (u, v) = pair(q, p[0]);
        s += u * v + clipped(q, p[1]) + three_way(q * 0.5, ks[i]) + huber(q, q);
        s += nested(q, p[2] - q);
    }
    s
}

/// A recursive helper with its branch outside every loop.
#[differentiable]
fn power(x: f64, n: usize) -> f64 {
    if n == 0 { 1.0 } else { x * power(x, n - 1) }
}

#[differentiable]
fn powers(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += power(p[i], i + 1);
    }
    s
}

#[differentiable(order = 2)]
fn soft_step(r: f64, w: f64) -> f64 {
    if r > 0.0 { r * r * w } else { (r * w).sin() }
}

#[differentiable(order = 2)]
fn soft_sum(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..p.len() {
        s += soft_step(p[i] - p[i - 1], p[0]);
    }
    s
}

#[test]
fn a_helper_with_a_branch_called_per_trip() {
    let x: Vec<f64> = (0..40).map(|i| -1.0 + i as f64 / 20.0).collect();
    // both arms: residuals on either side of delta
    for (theta, delta) in [(vec![0.1, 0.7], 0.3), (vec![-0.4, 1.9], 0.05)] {
        let (_, (g, gd)) = huber_sum_grad(&theta, delta, &x);
        check(
            "huber_sum",
            |z| huber_sum(&z[..2], z[2], &x),
            &join(g.clone(), vec![gd]),
            &join(theta.clone(), vec![delta]),
        );
        let (_, back) = huber_sum_vjp(&theta, delta, &x);
        let (vg, vd) = back(-1.5);
        assert!((vd + 1.5 * gd).abs() < 1e-12 && (vg[1] + 1.5 * g[1]).abs() < 1e-12);
        let (_, dy) = huber_sum_jvp(&theta, delta, &x, vec![0.3, -0.2], 0.4);
        let dot = g[0] * 0.3 - g[1] * 0.2 + gd * 0.4;
        assert!((dy - dot).abs() < 1e-10, "{dy} vs {dot}");
    }
}

#[test]
fn branches_outside_loops_jumps_matches_and_nesting() {
    for (x, lo) in [(0.3, 0.8), (1.2, 0.8)] {
        let (_, (gx, gl)) = clipped_grad(x, lo);
        check("clipped", |z| clipped(z[0], z[1]), &[gx, gl], &[x, lo]);
    }
    for k in 0..6 {
        for x in [0.4, 1.3] {
            let (_, g) = three_way_grad(x, k);
            check("three_way", |z| three_way(z[0], k), &[g], &[x]);
        }
    }
    for (x, y) in [(0.6, 0.9), (0.6, -0.7), (-0.5, 0.8)] {
        let (_, (gx, gy)) = nested_grad(x, y);
        check("nested", |z| nested(z[0], z[1]), &[gx, gy], &[x, y]);
    }
}

#[test]
fn helpers_of_every_kind_in_one_loop() {
    let ks = [0, 1, 2, 3, 4, 5, 1, 2];
    for p in [vec![0.5, 0.2, 0.9], vec![-0.3, 0.7, 0.1], sines(5, 0.9)] {
        let (_, g) = callers_grad(&p, &ks);
        check("callers", |z| callers(z, &ks), &g, &p);
    }
    let p = sines(6, 1.1);
    let (_, g) = powers_grad(&p);
    check("powers", powers, &g, &p);
}

#[test]
fn second_order_through_a_helper_with_a_branch() {
    let p = vec![0.8, 0.1, 0.5, -0.2, 0.4, 0.45];
    let (_, g) = soft_sum_grad(&p);
    check("soft_sum", soft_sum, &g, &p);
    let v = sines(6, 0.7);
    let (_, _, hv) = soft_sum_hvp(&p, v.clone());
    check_hvp("soft_sum", |z| soft_sum_grad(z).1, &hv, &p, &v);
}
