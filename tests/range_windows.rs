//! Ranges passed to `#[differentiable]` helpers (`f(&p[a..b])`) and re-run in the reverse sweep:
//! the first range of a base in a call is lent the base's adjoint in place, at the range's
//! offset (`RangeSlot`), so the helper adds its element adjoints straight into it; further
//! ranges of the same base in that call take a scratch buffer added after the call. Each form
//! is checked against central differences in `f64`: one range and another argument, two and
//! overlapping ranges of one base, the base itself beside its range, a helper that passes its
//! slice on whole, rows of rows, a range of a local `Vec`, `f32` against `f64`, and second
//! order.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, flat, rows_of, sines, split, to32};

/// `Σ_k a_k b_k w_k`, its slices indexed.
#[differentiable(order = 2)]
fn weighted_dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * b[k] * (1.0 + 0.1 * k as f64);
    }
    s
}

/// A helper that indexes its slice and also passes it on whole to another helper: what it
/// gives in its own coordinates (through `weighted_dot`) meets the window at the range's
/// offset.
#[differentiable(order = 2)]
fn passes_on(a: &[f64], c: f64) -> f64 {
    (a[0] * c).sin() + weighted_dot(a, a) * a[a.len() - 1]
}

/// One range of `p` per call, beside `q`'s range and a number.
#[differentiable(order = 2)]
fn one_range(p: &[f64], q: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() / 3 {
        s += weighted_dot(&p[3 * i..3 * i + 3], &q[i..i + 3]).tanh();
        s += passes_on(&p[i..i + 2], q[i]);
    }
    s
}

/// Two ranges of `p` in one call, disjoint pairs and overlapping windows.
#[differentiable]
fn two_ranges(p: &[f64]) -> f64 {
    let n = p.len() / 3;
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += weighted_dot(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]).tanh();
        }
        // overlapping: the same elements reached through both parameters
        s += weighted_dot(&p[i..i + 3], &p[i + 1..i + 4]);
    }
    s
}

/// `p` passed whole beside its own range (the range takes a scratch buffer).
#[differentiable]
fn base_beside(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += weighted_dot(&p[i..i + 3], p).cos();
    }
    s
}

/// Rows `w[i]` read in a loop inside the helper: `dw[i][j] += dy` in place in the lent window.
#[differentiable]
fn row_sums(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..x.len() {
            s += w[i][j] * x[j];
        }
    }
    s * s
}

/// Ranges of rows: `&w[i..i + 2]`.
#[differentiable]
fn row_ranges(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() - 1 {
        s += row_sums(&w[i..i + 2], x) * (i as f64 + 1.0);
    }
    s
}

/// A range of a local `Vec` made from the parameter.
#[differentiable]
fn local_base(p: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..p.len() {
        v.push(p[i] * p[i] + 0.5);
    }
    let mut s = 0.0;
    for i in 0..v.len() - 2 {
        s += weighted_dot(&v[i..i + 2], &p[i + 1..i + 3]).exp();
    }
    s
}

/// `weighted_dot` over `T`, called with ranges of `T` slices.
#[differentiable]
fn dot_t<T: Real>(a: &[T], b: &[T]) -> T {
    let mut s = T::zero();
    for k in 0..a.len() {
        s = s + a[k] * b[k];
    }
    s
}

/// Pairs of ranges over `T` (`f32` against `f64`).
#[differentiable]
fn pairs_t<T: Real>(p: &[T]) -> T {
    let n = p.len() / 2;
    let mut s = T::zero();
    for i in 0..n {
        for j in i + 1..n {
            s = s + dot_t(&p[2 * i..2 * i + 2], &p[2 * j..2 * j + 2]).tanh();
        }
    }
    s
}

#[test]
fn one_range_per_call_against_central_differences_and_second_order() {
    let (p, q) = (sines(12, 0.6), sines(7, 0.9));
    let n = p.len();
    let (y, (gp, gq)) = one_range_grad(&p, &q);
    assert!((y - one_range(&p, &q)).abs() < 1e-12);
    let whole = [p.clone(), q.clone()].concat();
    let f = |x: &[f64]| one_range(&x[..n], &x[n..]);
    check("one_range", f, &[gp, gq].concat(), &whole);
    // H v against central differences of the gradient
    let v = sines(whole.len(), 0.5);
    let grad = |x: &[f64]| {
        let (_, (a, b)) = one_range_grad(&x[..n], &x[n..]);
        [a, b].concat()
    };
    let (vp, vq) = split(&v, n);
    let (_, _, (hp, hq)) = one_range_hvp(&p, &q, vp, vq);
    check_hvp("one_range", grad, &[hp, hq].concat(), &whole, &v);
}

#[test]
fn two_and_overlapping_ranges_of_one_base_in_one_call() {
    let p = sines(15, 0.7);
    let (y, g) = two_ranges_grad(&p);
    assert!((y - two_ranges(&p)).abs() < 1e-12);
    check("two_ranges", two_ranges, &g, &p);
    // the base beside its range
    let (y, g) = base_beside_grad(&p);
    assert!((y - base_beside(&p)).abs() < 1e-12);
    check("base_beside", base_beside, &g, &p);
}

#[test]
fn ranges_of_rows_and_of_a_local_vec() {
    let (wf, x) = (sines(12, 0.4), sines(3, 1.1));
    let w = rows_of(&wf, 3);
    let (y, (gw, gx)) = row_ranges_grad(&w, &x);
    assert!((y - row_ranges(&w, &x)).abs() < 1e-12);
    let f = |z: &[f64]| row_ranges(&rows_of(&z[..12], 3), &z[12..]);
    check(
        "row_ranges",
        f,
        &[flat(&gw), gx].concat(),
        &[wf, x].concat(),
    );
    let p = sines(8, 0.5);
    let (y, g) = local_base_grad(&p);
    assert!((y - local_base(&p)).abs() < 1e-12);
    check("local_base", local_base, &g, &p);
}

#[test]
fn generic_ranges_in_f32_follow_f64() {
    let p = sines(10, 0.6);
    let (y, g) = pairs_t_grad(&p);
    check("pairs_t", pairs_t::<f64>, &g, &p);
    let (y32, g32) = pairs_t_grad(&to32(&p));
    assert!((f64::from(y32) - y).abs() < 1e-5 * (1.0 + y.abs()));
    agree("pairs_t", &g, &g32, 1e-4);
}
