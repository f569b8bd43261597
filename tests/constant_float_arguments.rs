//! A helper with a loop whose float arguments the caller keeps no adjoint of (`poly(w, xs[i])`
//! with `xs` data: `NoSlot` for `x`) is re-run through the sweep that takes those floats as
//! constants (`unkept_floats` in `autodiff-macros/src/expand/companion.rs`): the activity of
//! `NAME_grad` with a `wrt` without them, so nothing is recorded only for their adjoints. The
//! other sweep runs as soon as one of them is kept. Covered: two float parameters kept in each
//! combination, a float that sizes a local `Vec`, sets a `while` loop's trip count and picks a
//! branch, a `mut` float assigned from a differentiated slice (so active in both sweeps), a
//! recursive helper, the call as a term of a sum (its gradient taken in the forward sweep), a
//! slice argument that is data too, a helper with an item of its own in its body, and generic
//! and `f32` helpers. Every gradient against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check_value_grad, sines, to32};

fn points(m: usize) -> Vec<f64> {
    (0..m)
        .map(|i| 0.9 * (i as f64 * 0.61 + 0.2).sin())
        .collect()
}

/// Two floats: `Σ_j w_j (a x^j + b cos(j x))`, with the partial powers carried by the loop.
#[differentiable]
fn two(w: &[f64], x: f64, b: f64) -> f64 {
    let mut s = 0.0;
    let mut p = 1.0;
    for j in 0..w.len() {
        s += w[j] * (p + b * (j as f64 * x).cos());
        p = p * x;
    }
    s
}

/// Neither float kept: the constant-float sweep.
#[differentiable]
fn two_none(w: &[f64], #[no_grad] xs: &[f64], #[no_grad] bs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = two(w, xs[i], bs[i]);
        l += e * e;
    }
    l
}

/// `x` kept, `b` not: the full sweep.
#[differentiable]
fn two_x(w: &[f64], xs: &[f64], #[no_grad] bs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = two(w, xs[i], bs[i]);
        l += e * e;
    }
    l
}

/// `b` kept, `x` not: the full sweep.
#[differentiable]
fn two_b(w: &[f64], #[no_grad] xs: &[f64], bs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = two(w, xs[i], bs[i]);
        l += e * e;
    }
    l
}

#[test]
fn two_floats_kept_in_each_combination() {
    let (n, m) = (5, 7);
    let w = sines(n, 0.6);
    let xs = points(m);
    let bs: Vec<f64> = (0..m).map(|i| 0.3 + 0.1 * i as f64).collect();

    let f = |w: &[f64]| two_none(w, &xs, &bs);
    check_value_grad("two_none", f, two_none_grad(&w, &xs, &bs), &w);

    let (v, (gw, gx)) = two_x_grad(&w, &xs, &bs);
    let p: Vec<f64> = w.iter().chain(&xs).copied().collect();
    let f = |p: &[f64]| two_x(&p[..n], &p[n..], &bs);
    check_value_grad("two_x", f, (v, gw.into_iter().chain(gx).collect()), &p);

    let (v, (gw, gb)) = two_b_grad(&w, &xs, &bs);
    let p: Vec<f64> = w.iter().chain(&bs).copied().collect();
    let f = |p: &[f64]| two_b(&p[..n], &xs, &p[n..]);
    check_value_grad("two_b", f, (v, gw.into_iter().chain(gb).collect()), &p);
}

/// The float sizes a local `Vec` (through its integer part), fills it, sets a `while` loop's
/// trip count and picks a branch.
#[differentiable]
fn shaped(w: &[f64], x: f64) -> f64 {
    let n = 2 + (3.0 * x.abs()) as usize;
    let mut v = vec![x; n];
    for k in 0..n {
        v[k] = v[k] * w[k % w.len()] + (k as f64) * 0.1;
    }
    let mut s = 0.0;
    let mut t = x.abs();
    while t < 2.0 {
        s += v[0] * t + w[0];
        t += 0.45;
    }
    if x > 0.0 {
        s += v[n - 1] * v[n - 1];
    } else {
        s -= (v[1] * x).sin();
    }
    s
}

#[differentiable]
fn fit_shaped(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += shaped(w, xs[i]).tanh();
    }
    l
}

#[test]
fn a_float_that_shapes_the_helper() {
    let w = sines(4, 0.7);
    let xs = points(9);
    let f = |w: &[f64]| fit_shaped(w, &xs);
    check_value_grad("fit_shaped", f, fit_shaped_grad(&w, &xs), &w);
}

/// `x` assigned from the differentiated slice: active in both sweeps, its adjoint feeds `w`'s.
#[differentiable]
fn drifting(w: &[f64], mut x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s += (w[j] * x).sin();
        x = x * 0.5 + w[j] * w[j];
    }
    s + x
}

#[differentiable]
fn fit_drifting(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = drifting(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn a_float_assigned_from_differentiated_values() {
    let w = sines(5, 0.5);
    let xs = points(6);
    let f = |w: &[f64]| fit_drifting(w, &xs);
    check_value_grad("fit_drifting", f, fit_drifting_grad(&w, &xs), &w);
}

/// Recursion: the helper passes `x * 0.5` on, a constant in the constant-float sweep.
#[differentiable]
fn layered(w: &[f64], x: f64, depth: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s = s * x + w[j];
    }
    if depth > 0 {
        s + 0.5 * layered(w, x * 0.5, depth - 1)
    } else {
        s
    }
}

#[differentiable]
fn fit_layered(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = layered(w, xs[i], 3) - 0.2;
        l += e * e;
    }
    l
}

#[differentiable]
fn fit_layered_both(w: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = layered(w, xs[i], 2) - 0.2;
        l += e * e;
    }
    l
}

#[test]
fn a_recursive_helper() {
    let w = sines(4, 0.6);
    let xs = points(5);
    let f = |w: &[f64]| fit_layered(w, &xs);
    check_value_grad("fit_layered", f, fit_layered_grad(&w, &xs), &w);

    let (v, (gw, gx)) = fit_layered_both_grad(&w, &xs);
    let p: Vec<f64> = w.iter().chain(&xs).copied().collect();
    let f = |p: &[f64]| fit_layered_both(&p[..4], &p[4..]);
    check_value_grad(
        "fit_layered_both",
        f,
        (v, gw.into_iter().chain(gx).collect()),
        &p,
    );
}

/// Horner's rule.
#[differentiable]
fn poly(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in (0..w.len()).rev() {
        s = s * x + w[j];
    }
    s
}

/// The call as a term of a sum (its gradient taken along with its value), and scaled.
#[differentiable]
fn summed(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += poly(w, xs[i]);
        l += 0.5 * poly(w, 0.3 * xs[i]).exp();
    }
    l
}

/// The coefficients are data too, a third slice is differentiated: both of `poly`'s
/// arguments are dead, only its value matters.
#[differentiable]
fn weighted(a: &[f64], #[no_grad] w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += a[i] * poly(w, xs[i]) * a[i];
    }
    l
}

#[test]
fn sums_and_data_coefficients() {
    let w = sines(6, 0.5);
    let xs = points(8);
    let f = |w: &[f64]| summed(w, &xs);
    check_value_grad("summed", f, summed_grad(&w, &xs), &w);

    let a = sines(8, 1.1);
    let f = |a: &[f64]| weighted(a, &w, &xs);
    check_value_grad("weighted", f, weighted_grad(&a, &w, &xs), &a);
}

/// An item of the helper's own in its body: one sweep only (the item would be emitted twice).
#[differentiable]
fn with_item(w: &[f64], x: f64) -> f64 {
    const SCALE: f64 = 0.75;
    let mut s = 0.0;
    for j in 0..w.len() {
        s = s * x * SCALE + w[j];
    }
    s
}

#[differentiable]
fn fit_with_item(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = with_item(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn a_helper_with_an_item_of_its_own() {
    let w = sines(5, 0.5);
    let xs = points(7);
    let f = |w: &[f64]| fit_with_item(w, &xs);
    check_value_grad("fit_with_item", f, fit_with_item_grad(&w, &xs), &w);
}

/// Generic: the float is `T`.
#[differentiable]
fn poly_t<T: Real>(w: &[T], x: T) -> T {
    let mut s = T::zero();
    for j in (0..w.len()).rev() {
        s = s * x + w[j] * (s * x).tanh();
    }
    s
}

#[differentiable]
fn fit_t<T: Real>(w: &[T], #[no_grad] xs: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..xs.len() {
        let e = poly_t(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn generic_and_f32_helpers() {
    let w = sines(6, 0.5);
    let xs = points(7);
    let f = |w: &[f64]| fit_t(w, &xs);
    let (v, g) = fit_t_grad(&w, &xs);
    check_value_grad("fit_t", f, (v, g.clone()), &w);
    let (_, g32) = fit_t_grad(&to32(&w), &to32(&xs));
    agree("fit_t f32", &g, &g32, 1e-4);
}
