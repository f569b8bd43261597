//! A `#[differentiable]` helper called in a loop with a parameter slice that carries a
//! derivative (`interp(xs, ys, q)`, `rhs(x, y, p)`): the call goes through the helper's fused
//! companion, which adds only the elements the helper reads into the caller's adjoint of the
//! slice (no whole-length adjoint allocated and added per call). Covered: a binary search (a
//! `while` loop, early returns) over knots with and without a derivative, an ODE right-hand side
//! taking the whole parameter vector, two different slices, the same slice twice (which keeps
//! the recorded pullback), a helper with a `#[no_grad]` slice, a custom derivative, generic code
//! in `f32`, the pullback and forward mode. Every derivative against central differences.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// Piecewise-linear interpolation of the knots `(xs, ys)` at `q`, constant outside.
#[differentiable]
fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    if q <= xs[0] {
        return ys[0];
    }
    if q >= xs[n - 1] {
        return ys[n - 1];
    }
    let (mut lo, mut hi) = (0, n - 1);
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

/// Squared misfit of the interpolant at `qs`; the knots' positions carry a derivative too.
#[differentiable]
fn fit(xs: &[f64], ys: &[f64], qs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let e = interp(xs, ys, qs[i]) - (i as f64 * 0.3).sin();
        l += e * e;
    }
    l
}

/// The same with fixed knot positions (`#[no_grad]` in the caller).
#[differentiable]
fn fit_fixed(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let e = interp(xs, ys, qs[i]) - 0.5;
        l += e * e;
    }
    l
}

/// Lotka-Volterra right-hand side with the whole parameter vector `p = (α, β, γ, δ, ..)`.
#[differentiable]
fn lv(x: f64, y: f64, p: &[f64]) -> (f64, f64) {
    (p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y)
}

/// 60 explicit Euler steps from `(p[4], p[5])`; loss `x + 2y` at the end.
#[differentiable]
fn lv_euler(p: &[f64]) -> f64 {
    let (mut x, mut y) = (p[4], p[5]);
    for _ in 0..60 {
        let (dx, dy) = lv(x, y, p);
        x += 0.02 * dx;
        y += 0.02 * dy;
    }
    x + 2.0 * y
}

/// `a · b` over the shorter slice.
#[differentiable]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len().min(b.len()) {
        s += a[k] * b[k];
    }
    s
}

/// Two different parameter slices per call, and the same slice twice (a recorded pullback).
#[differentiable]
fn dots(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += dot(a, b) * (i as f64 + 1.0) + dot(a, a) * 0.1;
    }
    s
}

/// A helper whose slice is `#[no_grad]`: only its scalar carries a derivative.
#[differentiable]
fn weighted(#[no_grad] w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..w.len() {
        s += w[k] * (x * (k as f64 + 1.0)).sin();
    }
    s
}

#[differentiable]
fn uses_weighted(#[no_grad] w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += weighted(w, x[i]) * x[i];
    }
    s
}

/// `Σ a_k²` with a custom derivative (`2a`), called on a parameter in a loop.
#[custom_derivative(vjp = sumsq_rule_vjp, jvp = sumsq_rule_jvp)]
fn sumsq(a: &[f64]) -> f64 {
    a.iter().map(|v| v * v).sum()
}

fn sumsq_rule_vjp(a: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (sumsq(a), move |g: f64| {
        a.iter().map(|v| 2.0 * v * g).collect()
    })
}

fn sumsq_rule_jvp(a: &[f64], t: Vec<f64>) -> (f64, f64) {
    (sumsq(a), a.iter().zip(&t).map(|(v, d)| 2.0 * v * d).sum())
}

#[differentiable]
fn uses_custom(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += sumsq(a) * a[i];
    }
    s
}

/// A generic helper on a parameter slice.
#[differentiable]
fn horner<T: Real>(c: &[T], x: T) -> T {
    let mut y = T::zero();
    for k in (0..c.len()).rev() {
        y = y * x + c[k];
    }
    y
}

#[differentiable]
fn horner_sum<T: Real>(c: &[T], xs: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..xs.len() {
        s += horner(c, xs[i]);
    }
    s
}

/// A helper reading a table by rows (`row = &t[i]; row[j]`, added in place into the table's
/// buffer) and a weight slice.
#[differentiable]
fn weigh_rows(t: &[Vec<f64>], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..t.len() {
        let row = &t[i];
        for j in 0..w.len() {
            s += row[j] * w[j] * w[j];
        }
    }
    s.sin()
}

/// The helper per weight window, the table differentiated or fixed (`NoSlot` for it: the
/// companion skips the table's element adjoints), and both in one function: the companion is
/// instantiated once with a live slot and once with a dead one.
#[differentiable]
fn rows_fit(t: &[Vec<f64>], ws: &[f64]) -> f64 {
    let mut l = 0.0;
    for k in 0..ws.len() - 2 {
        l += weigh_rows(t, &ws[k..k + 3]);
    }
    l
}

#[differentiable]
fn rows_fit_fixed(#[no_grad] t: &[Vec<f64>], ws: &[f64]) -> f64 {
    let mut l = 0.0;
    for k in 0..ws.len() - 2 {
        l += weigh_rows(t, &ws[k..k + 3]);
    }
    l
}

#[differentiable]
fn live_and_dead(a: &[f64], #[no_grad] b: &[f64]) -> f64 {
    let mut l = 0.0;
    for k in 0..3 {
        l += dot(a, b) * interp(b, a, 0.35 + 0.7 * k as f64) + interp(a, b, 0.3 + 0.5 * k as f64);
    }
    l
}

fn knots() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = (0..8)
        .map(|i| i as f64 + 0.3 * (i as f64 * 1.3).sin())
        .collect();
    let ys = sines(8, 1.0);
    // inside segments, away from knots, and one on each side of the range
    let qs = vec![-1.0, 0.4, 1.7, 2.5, 3.3, 4.8, 5.5, 6.2, 7.9, 9.5];
    (xs, ys, qs)
}

#[test]
fn parameter_slices_against_central_differences() {
    let (xs, ys, qs) = knots();
    let p: Vec<f64> = [xs.clone(), ys.clone(), qs.clone()].concat();
    let (val, (gx, gy, gq)) = fit_grad(&xs, &ys, &qs);
    assert!((val - fit(&xs, &ys, &qs)).abs() < 1e-12);
    let whole = |z: &[f64]| fit(&z[..8], &z[8..16], &z[16..]);
    check("fit", whole, &[gx, gy, gq].concat(), &p);

    let (_, (gy, gq)) = fit_fixed_grad(&ys, &qs, &xs);
    let whole = |z: &[f64]| fit_fixed(&z[..8], &z[8..], &xs);
    check(
        "fit_fixed",
        whole,
        &join(gy, gq),
        &[ys.clone(), qs.clone()].concat(),
    );

    let t: Vec<Vec<f64>> = (0..3).map(|i| sines(3, 0.5 + 0.2 * i as f64)).collect();
    let ws = sines(6, 0.7);
    let flat = |z: &[f64]| -> Vec<Vec<f64>> { z.chunks(3).map(|r| r.to_vec()).collect() };
    let (_, (gt, gw)) = rows_fit_grad(&t, &ws);
    check(
        "rows_fit",
        |z| rows_fit(&flat(&z[..9]), &z[9..]),
        &[gt.concat(), gw].concat(),
        &[t.concat(), ws.clone()].concat(),
    );
    let (_, gw) = rows_fit_fixed_grad(&t, &ws);
    check("rows_fit_fixed", |z| rows_fit_fixed(&t, z), &gw, &ws);

    // knots a (increasing) and b (increasing) so both orders interpolate
    let a = vec![0.0, 0.6, 1.1, 1.9, 2.4];
    let b = vec![0.2, 0.5, 1.3, 1.6, 2.8];
    let (_, ga) = live_and_dead_grad(&a, &b);
    check("live_and_dead", |z| live_and_dead(z, &b), &ga, &a);

    let p = vec![1.1, 0.4, 0.9, 0.3, 1.2, 0.8];
    let (_, g) = lv_euler_grad(&p);
    check("lv_euler", lv_euler, &g, &p);

    let (a, b) = split(&sines(7, 0.8), 3);
    let (_, (ga, gb)) = dots_grad(&a, &b);
    check(
        "dots",
        |z| dots(&z[..3], &z[3..]),
        &join(ga, gb),
        &[a.clone(), b.clone()].concat(),
    );

    let (w, x) = split(&sines(7, 0.8), 4);
    let (_, gx) = uses_weighted_grad(&w, &x);
    check("uses_weighted", |z| uses_weighted(&w, z), &gx, &x);

    let a = sines(4, 0.8);
    let (_, g) = uses_custom_grad(&a);
    check("uses_custom", uses_custom, &g, &a);

    let (c, x) = split(&sines(7, 0.8), 4);
    let (_, (gc, gx)) = horner_sum_grad(&c, &x);
    check(
        "horner_sum",
        |z| horner_sum(&z[..4], &z[4..]),
        &join(gc.clone(), gx.clone()),
        &[c.clone(), x.clone()].concat(),
    );
    let c32: Vec<f32> = c.iter().map(|&v| v as f32).collect();
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, (gc32, gx32)) = horner_sum_grad(&c32, &x32);
    for (a, b) in gc.iter().chain(&gx).zip(gc32.iter().chain(&gx32)) {
        assert!(
            (a - *b as f64).abs() < 1e-4 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
}

#[test]
fn pullback_and_forward_mode() {
    let (xs, ys, qs) = knots();
    let (_, (gx, gy, gq)) = fit_grad(&xs, &ys, &qs);
    let (_, pb) = fit_vjp(&xs, &ys, &qs);
    let (px, py, pq) = pb(-2.0);
    for (a, b) in px
        .iter()
        .chain(&py)
        .chain(&pq)
        .zip(gx.iter().chain(&gy).chain(&gq))
    {
        assert!((a + 2.0 * b).abs() < 1e-9 * (1.0 + b.abs()));
    }
    let p = vec![1.1, 0.4, 0.9, 0.3, 1.2, 0.8];
    let (_, g) = lv_euler_grad(&p);
    let t = sines(6, 0.5);
    let (_, d) = lv_euler_jvp(&p, t.clone());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((d - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{d} vs {dot}");
}
