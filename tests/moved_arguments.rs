//! Arguments of calls to `#[differentiable]` callees, kept for the reverse sweep. A local
//! changed in place (`r.next()`, `v.push(..)`, `v.swap(..)`) and then moved into the callee is
//! kept before the call takes it (`reverse/def.rs`, and `reverse/preacc.rs` for a call per trip
//! whose gradient is taken in the forward sweep), not after. Two equal literals passed for
//! parameters of two types are kept apart. Indices, ranges and `Vec`s of floats that carry a
//! derivative; against central differences in `f64`.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;
use std::ops::Range;

#[path = "support/grad_checks.rs"]
mod support;
use support::check_value_grad;

#[differentiable]
fn window(x: &[f64], r: Range<usize>) -> f64 {
    let w = &x[r];
    w[0] * w[1].exp()
}

#[differentiable]
fn picked(x: &[f64], idx: Vec<usize>) -> f64 {
    x[idx[0]] * x[idx[1]] + x[idx[idx.len() - 1]]
}

#[differentiable]
fn weighted(x: &[f64], v: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * x[i];
    }
    s
}

/// A range advanced by `next()`, then moved.
#[differentiable]
fn advanced_range(x: &[f64]) -> f64 {
    let mut q = 0..3;
    q.next();
    window(x, q)
}

/// Indices pushed to, then moved.
#[differentiable]
fn pushed_indices(x: &[f64]) -> f64 {
    let mut q = vec![1usize];
    q.push(4);
    q.push(2);
    picked(x, q)
}

/// A `Vec` of floats with a derivative, pushed to and swapped, then moved; and in a loop.
#[differentiable]
fn changed_values(x: &[f64]) -> f64 {
    let mut v = vec![x[0].sin()];
    v.push(x[2] * 2.0);
    v.push(x[1] * x[3]);
    v.swap(0, 2);
    let mut s = weighted(x, v);
    for k in 0..2 {
        let mut u = vec![x[k]];
        u.push(x[k + 1] * x[k + 2]);
        s += weighted(x, u);
    }
    s
}

/// Per trip: a `Vec` of indices pushed to and a range advanced, then moved into callees whose
/// gradient the forward sweep takes.
#[differentiable]
fn moved_per_trip(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        let u = vec![x[k], x[k + 1], x[k + 2]];
        let mut q = vec![1usize];
        q.push(0);
        s += picked(&u, q);
        let mut r = 0..3;
        r.next();
        s += window(&u, r);
    }
    s
}

#[differentiable]
fn scaled(x: &[f64], a: u32, n: usize, w: f32, v: f64) -> f64 {
    x[n] * a as f64 * w as f64 + v * x[0]
}

/// The same literal for parameters of different types (`1` for `u32` and `usize`, `1.5` for
/// `f32` and `f64`).
#[differentiable]
fn literal_arguments(x: &[f64]) -> f64 {
    scaled(x, 1, 1, 1.5, 1.5) * scaled(x, 2, 2, 0.5, 0.5)
}

const X: [f64; 6] = [0.4, -1.1, 0.8, 1.7, -0.6, 0.3];

#[test]
fn moved_after_a_change_match_finite_differences() {
    let g = advanced_range_grad(&X);
    // the window is x[1..3]: f = x1 e^{x2}
    assert!((g.0 - X[1] * X[2].exp()).abs() < 1e-12, "{}", g.0);
    check_value_grad("advanced_range", advanced_range, g, &X);
    check_value_grad(
        "pushed_indices",
        pushed_indices,
        pushed_indices_grad(&X),
        &X,
    );
    check_value_grad(
        "changed_values",
        changed_values,
        changed_values_grad(&X),
        &X,
    );
}

#[test]
fn per_trip_and_literal_arguments_match_finite_differences() {
    check_value_grad(
        "moved_per_trip",
        moved_per_trip,
        moved_per_trip_grad(&X),
        &X,
    );
    let g = literal_arguments_grad(&X);
    // (1.5 x1 + 1.5 x0) (x2 + 0.5 x0)
    let want = (1.5 * X[1] + 1.5 * X[0]) * (X[2] + 0.5 * X[0]);
    assert!((g.0 - want).abs() < 1e-12, "{} vs {want}", g.0);
    check_value_grad("literal_arguments", literal_arguments, g, &X);
}
