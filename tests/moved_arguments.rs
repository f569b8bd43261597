//! A local changed in place (`r.next()`, `v.push(..)`, `v.swap(..)`) and then moved into a
//! `#[differentiable]` callee: the reverse sweep keeps the argument before the call takes it
//! (`reverse/def.rs`), not after. Indices, ranges and `Vec`s of floats that carry a derivative;
//! against central differences in `f64`.

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
