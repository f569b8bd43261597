//! A `Vec` of references: pushing a borrow of a differentiated value is refused at the push
//! (`tests/heavy/tests/ui/pushed_references.rs`); these are the forms that compile. A `Vec` of
//! borrowed indices stays as written, and the rewrites the refusal suggests (push the value,
//! push an owned copy of the slice) differentiate, against central differences in `f64`.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::check;

/// `Vec<&usize>`: borrowed indices carry no derivative.
#[differentiable]
fn borrowed_indices(x: &[f64], idx: &[usize]) -> f64 {
    let mut v = Vec::new();
    for i in 0..idx.len() {
        v.push(&idx[i]);
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += x[*v[k]] * x[*v[k]];
    }
    s
}

/// The same through `idx.iter()`.
#[differentiable]
fn iterated_indices(x: &[f64], idx: &[usize]) -> f64 {
    let mut v = Vec::new();
    for i in idx.iter() {
        v.push(i);
    }
    let mut s = 1.0;
    for k in 0..v.len() {
        s *= x[*v[k]].sin() + 2.0;
    }
    s
}

/// The suggested rewrite of `v.push(r)`: push the value `*r`.
#[differentiable]
fn pushed_values(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for r in x.iter() {
        v.push(*r);
    }
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * (i as f64 + 1.0);
    }
    s
}

/// The suggested rewrite of `rows.push(&x[a..b])`: push an owned copy of the slice.
#[differentiable]
fn pushed_owned_rows(x: &[f64]) -> f64 {
    let mut rows = Vec::new();
    for i in 0..x.len() / 2 {
        rows.push(x[i * 2..i * 2 + 2].to_vec());
    }
    let mut s = 0.0;
    for r in 0..rows.len() {
        s += rows[r][0] * rows[r][1].exp();
    }
    s
}

#[test]
fn borrowed_indices_match_finite_differences() {
    let x = [0.3, -1.2, 0.7, 2.1, -0.4];
    let idx = [1usize, 3, 3, 0];
    let (y, g) = borrowed_indices_grad(&x, &idx);
    // y = x1² + 2·x3² + x0²
    let want = x[1] * x[1] + 2.0 * x[3] * x[3] + x[0] * x[0];
    assert!((y - want).abs() < 1e-12, "{y} vs {want}");
    check("borrowed_indices", |z| borrowed_indices(z, &idx), &g, &x);
    let (_, g) = iterated_indices_grad(&x, &idx);
    check("iterated_indices", |z| iterated_indices(z, &idx), &g, &x);
}

#[test]
fn suggested_rewrites_match_finite_differences() {
    let x = [0.3, -1.2, 0.7, 2.1, -0.4, 0.9];
    let (_, g) = pushed_values_grad(&x);
    check("pushed_values", pushed_values, &g, &x);
    let (_, g) = pushed_owned_rows_grad(&x);
    check("pushed_owned_rows", pushed_owned_rows, &g, &x);
}
