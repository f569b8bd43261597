//! Calls whose caller keeps no adjoint of a float argument (`poly(w, xs[i])` with `xs` data: the
//! caller passes `NoSlot`): the callee's fused companion skips the additions into that
//! parameter's adjoint (`param_add` in `autodiff-macros/src/reverse/mod.rs`), which is sound
//! only while the parameter is never assigned (its adjoint then feeds no other). Covered: a
//! Horner helper called with data and with a differentiated point, a parameter assigned in the
//! callee from another parameter (`x = x * w[0]`, whose adjoint feeds `w`'s), a parameter passed
//! on to a nested helper, used in a branch, in a loop of the callee and twice in one rule, a
//! generic and an `f32` helper, and the same helper called both ways in one function. Every
//! gradient against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check_value_grad, sines, split, to32};

/// `Σ_j w_j x^j` by Horner's rule.
#[differentiable]
fn poly(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in (0..w.len()).rev() {
        s = s * x + w[j];
    }
    s
}

/// The point as data: `poly`'s companion gets `NoSlot` for `x`.
#[differentiable]
fn fit_data(w: &[f64], #[no_grad] xs: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = poly(w, xs[i]) - y[i];
        l += e * e;
    }
    l
}

/// The points differentiated too: the companion keeps `x`'s adjoint.
#[differentiable]
fn fit_both(w: &[f64], xs: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = poly(w, xs[i]) - y[i];
        l += e * e;
    }
    l
}

fn data(m: usize) -> (Vec<f64>, Vec<f64>) {
    let xs = sines(m, 0.9);
    let y = (0..m).map(|i| 0.2 * (i as f64 * 0.7).cos()).collect();
    (xs, y)
}

#[test]
fn horner_with_data_points() {
    let w = sines(7, 0.5);
    let (xs, y) = data(12);
    let f = |w: &[f64]| fit_data(w, &xs, &y);
    check_value_grad("fit_data", f, fit_data_grad(&w, &xs, &y), &w);
}

#[test]
fn horner_with_differentiated_points() {
    let w = sines(5, 0.5);
    let (xs, y) = data(9);
    let (v, (gw, gx)) = fit_both_grad(&w, &xs, &y);
    let p: Vec<f64> = w.iter().chain(&xs).copied().collect();
    let f = |p: &[f64]| {
        let (w, xs) = split(p, 5);
        fit_both(&w, &xs, &y)
    };
    let g: Vec<f64> = gw.into_iter().chain(gx).collect();
    check_value_grad("fit_both", f, (v, g), &p);
}

/// The float parameter assigned from a slice element: `x`'s adjoint feeds `w[0]`'s through
/// `x = x * w[0]`, so none of its additions may be skipped when the caller keeps none of `x`
/// (a `mut` parameter gets no slot, so its companion never tests one).
#[differentiable]
fn scaled(w: &[f64], mut x: f64) -> f64 {
    x = x * w[0];
    let mut s = 0.0;
    for j in 1..w.len() {
        s += w[j] * x.sin();
        x = x + 0.5 * w[j];
    }
    s
}

#[differentiable]
fn fit_scaled(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = scaled(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn an_assigned_parameter_keeps_feeding_the_others() {
    let w = sines(5, 0.8);
    let (xs, _) = data(6);
    let f = |w: &[f64]| fit_scaled(w, &xs);
    check_value_grad("fit_scaled", f, fit_scaled_grad(&w, &xs), &w);
}

/// `x` passed on to a nested helper, in a branch of the callee, and read twice in one rule.
#[differentiable]
fn inner(a: f64, x: f64) -> f64 {
    a * x * x + (a - x).tanh()
}

#[differentiable]
fn outer(w: &[f64], x: f64) -> f64 {
    let mut s = inner(w[0], x);
    if x > 0.0 {
        s += w[1] * x * x;
    } else {
        s -= w[1] * x.exp();
    }
    for j in 2..w.len() {
        s += (w[j] * x).sin();
    }
    s
}

#[differentiable]
fn fit_outer(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += outer(w, xs[i]).powi(2);
    }
    l
}

#[differentiable]
fn fit_outer_both(w: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += outer(w, xs[i]).powi(2);
    }
    l
}

#[test]
fn nested_helpers_branches_and_loops() {
    let w = sines(6, 0.7);
    let (xs, _) = data(10);
    let f = |w: &[f64]| fit_outer(w, &xs);
    check_value_grad("fit_outer", f, fit_outer_grad(&w, &xs), &w);

    let (v, (gw, gx)) = fit_outer_both_grad(&w, &xs);
    let p: Vec<f64> = w.iter().chain(&xs).copied().collect();
    let f = |p: &[f64]| {
        let (w, xs) = split(p, 6);
        fit_outer_both(&w, &xs)
    };
    check_value_grad(
        "fit_outer_both",
        f,
        (v, gw.into_iter().chain(gx).collect()),
        &p,
    );
}

/// One helper called with the point as data and with a differentiated float in one function.
#[differentiable]
fn mixed(w: &[f64], t: f64, #[no_grad] xs: &[f64]) -> f64 {
    let mut l = poly(w, t);
    for i in 0..xs.len() {
        l += poly(w, xs[i]) * poly(w, t * xs[i]);
    }
    l
}

#[test]
fn the_same_helper_called_both_ways() {
    let w = sines(6, 0.4);
    let (xs, _) = data(8);
    let (v, (gw, gt)) = mixed_grad(&w, 0.8, &xs);
    let mut p = w.clone();
    p.push(0.8);
    let f = |p: &[f64]| mixed(&p[..6], p[6], &xs);
    let mut g = gw;
    g.push(gt);
    check_value_grad("mixed", f, (v, g), &p);
}

/// Generic and `f32` helpers.
#[differentiable]
fn poly_t<T: Real>(w: &[T], x: T) -> T {
    let mut s = T::zero();
    for j in (0..w.len()).rev() {
        s = s * x + w[j];
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
    let (xs, _) = data(7);
    let f = |w: &[f64]| fit_t(w, &xs);
    check_value_grad("fit_t", f, fit_t_grad(&w, &xs), &w);
    let (_, g32) = fit_t_grad(&to32(&w), &to32(&xs));
    let (_, g64) = fit_t_grad(&w, &xs);
    agree("fit_t f32", &g64, &g32, 1e-4);
}
