//! Indexing by a range held in a variable (`let r = a..b; &x[r]`, a parameter
//! `r: Range<usize>`): each index is written out with the range's bounds before lowering
//! (`lower/range_vars.rs`), so it is the range read `&x[a..b]` the macro differentiates. Every
//! kind of range, in loops, reassigned, hidden by a later binding of its name (`let`, `for`,
//! `match`, `if let`), as a method receiver and a call argument; against central differences in
//! `f64`, through `_grad`, `_jvp` and `_hvp`. A `mut` inclusive range is refused
//! (`tests/heavy/tests/ui/range_variable_index.rs`).

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::reversed_empty_ranges)]

use autodiff::prelude::*;
use std::ops::{Range, RangeInclusive};

#[path = "support/grad_checks.rs"]
mod support;
use support::{check, check_hvp, check_value_grad};

/// Every kind of range bound by `let`: `a..b`, `a..`, `..b`, `a..=b`, `..=b`, `..`.
#[differentiable]
fn every_kind(x: &[f64]) -> f64 {
    let half = 1..3;
    let from = 2..;
    let to = ..2;
    let incl = 1..=2;
    let to_incl = ..=1;
    let full = ..;
    let a = &x[half];
    let b = &x[from];
    let c = &x[to];
    let d = &x[incl];
    let e = &x[to_incl];
    let f = &x[full];
    a[0] * a[1] + b[b.len() - 1] * c[0] + d[1].sin() * e[1] + f[f.len() - 1] * f[0] * c[1]
}

/// A window per trip, its range made in the trip and read twice.
#[differentiable(order = 2)]
fn windows_in_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..x.len() - 2 {
        let r = k..k + 3;
        let w = &x[r.clone()];
        s += w[0] * w[1] * w[2] + (&x[r])[1].powi(2);
    }
    s
}

/// A `mut` range moved along the slice.
#[differentiable]
fn moving_range(x: &[f64]) -> f64 {
    let mut r = 0..2;
    let mut s = 0.0;
    while r.end <= x.len() {
        let w = &x[r.clone()];
        s += w[0] * w[1].cos();
        r = r.start + 1..r.end + 1;
    }
    s
}

/// Range parameters: the bounds come from the caller.
#[differentiable]
fn range_parameters(x: &[f64], head: Range<usize>, tail: RangeInclusive<usize>) -> f64 {
    let h = &x[head];
    let t = &x[tail];
    let mut s = 0.0;
    for i in 0..h.len() {
        s += h[i] * t[t.len() - 1 - i];
    }
    s
}

/// The name hidden by later bindings: a `let` of an index, a `for` and a `match` arm binding
/// it, an `if let`; after each, the range is read again.
#[differentiable]
fn hidden_names(x: &[f64], n: Option<usize>) -> f64 {
    let r = 1..4;
    let mut s = x[r.clone()].len() as f64 * x[0];
    {
        let r = 2;
        s += x[r] * x[r];
    }
    for r in 0..2 {
        s += x[r] * 3.0;
    }
    s += match n {
        Some(r) => x[r].exp(),
        None => 0.0,
    };
    if let Some(r) = n {
        s += x[r] * x[0];
    }
    let w = &x[r];
    s + w[2] * w[0]
}

/// `x[r]` as a method receiver and a call argument.
#[differentiable]
fn receivers_and_arguments(x: &[f64]) -> f64 {
    let r = 1..4;
    let v = x[r.clone()].to_vec();
    let mut s = 0.0;
    for e in x[r.clone()].iter() {
        s += *e * *e;
    }
    s + v[2] * sum(&x[r])
}

#[differentiable]
fn sum(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i];
    }
    s
}

const X: [f64; 6] = [0.4, -1.1, 0.8, 1.7, -0.6, 0.3];

#[test]
fn every_kind_matches_finite_differences() {
    // the value against the same reads written with literal ranges
    let x = X;
    let want = x[1] * x[2] + x[5] * x[0] + x[2].sin() * x[1] + x[5] * x[0] * x[1];
    let r = every_kind_grad(&x);
    assert!((r.0 - want).abs() < 1e-12, "{} vs {want}", r.0);
    check_value_grad("every_kind", every_kind, r, &x);
}

#[test]
fn loops_and_moving_ranges_match_finite_differences() {
    check_value_grad(
        "windows_in_loop",
        windows_in_loop,
        windows_in_loop_grad(&X),
        &X,
    );
    check_value_grad("moving_range", moving_range, moving_range_grad(&X), &X);
    // the tangent along e_k is the k-th partial derivative
    let (_, g) = windows_in_loop_grad(&X);
    for k in 0..X.len() {
        let mut e = vec![0.0; X.len()];
        e[k] = 1.0;
        let (_, d) = windows_in_loop_jvp(&X, e);
        assert!((d - g[k]).abs() < 1e-12, "jvp {k}: {d} vs {}", g[k]);
    }
    let v = [0.3, -0.2, 0.5, 1.0, -0.7, 0.1];
    let (_, _, hv) = windows_in_loop_hvp(&X, v.to_vec());
    check_hvp(
        "windows_in_loop",
        |z| windows_in_loop_grad(z).1,
        &hv,
        &X,
        &v,
    );
}

#[test]
fn range_parameters_match_finite_differences() {
    for (head, tail) in [(0..2, 3..=4), (1..4, 2..=4), (2..2, 5..=5)] {
        let r = range_parameters_grad(&X, head.clone(), tail.clone());
        check_value_grad(
            "range_parameters",
            |z| range_parameters(z, head.clone(), tail.clone()),
            r,
            &X,
        );
    }
}

#[test]
fn hidden_names_match_finite_differences() {
    for n in [Some(4), None] {
        let r = hidden_names_grad(&X, n);
        check_value_grad("hidden_names", |z| hidden_names(z, n), r, &X);
    }
    let r = receivers_and_arguments_grad(&X);
    check_value_grad("receivers_and_arguments", receivers_and_arguments, r, &X);
    let (_, g) = receivers_and_arguments_grad(&X);
    check("receivers_and_arguments", receivers_and_arguments, &g, &X);
}
