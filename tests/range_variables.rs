//! Indexing by a range held in a variable (`let r = a..b; &x[r]`, a parameter
//! `r: Range<usize>`): each index is written out with the range's bounds before lowering
//! (`lower/range_vars.rs`), so it is the range read `&x[a..b]` the macro differentiates. Every
//! kind of range, in loops, reassigned, hidden by a later binding of its name (`let`, `for`,
//! `match`, `if let`), as a method receiver and a call argument; against central differences in
//! `f64`, through `_grad`, `_jvp` and `_hvp`. Also: inclusive ranges run to their end by
//! `next()` (they index nothing, as in `std`), typed `let`s, clones into new names, `&Range`
//! parameters, indices inside `vec![..]`, and nested `fn` items, which see none of the body's
//! names.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::reversed_empty_ranges,
    clippy::redundant_slicing,
    clippy::useless_vec
)]

use autodiff::prelude::*;
use std::ops::{Range, RangeInclusive};

#[path = "support/grad_checks.rs"]
mod support;
use support::{check, check_hvp, check_jvp_columns, check_value_grad};

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

/// An inclusive range parameter, which the caller may have run to its end.
#[differentiable]
fn inclusive_parameter(x: &[f64], r: RangeInclusive<usize>) -> f64 {
    let w = &x[r];
    let mut s = x[0];
    for i in 0..w.len() {
        s += w[i] * w[i];
    }
    s
}

/// A `mut` inclusive range advanced in the body, then indexed, and passed on.
#[differentiable]
fn advanced_inclusive(x: &[f64], steps: usize) -> f64 {
    let mut r = 1..=3;
    for _ in 0..steps {
        r.next();
    }
    let w = &x[r.clone()];
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i].sin();
    }
    s + inclusive_parameter(x, r)
}

/// A typed `let`, a clone into a new name, a borrowed range parameter, `vec![..]`, `assert_eq!`.
#[differentiable]
fn bindings_and_macros(x: &[f64], b: &Range<usize>) -> f64 {
    let r: Range<usize> = 1..3;
    let q = r.clone();
    let c = b.clone();
    assert_eq!(x[r.clone()].len(), 2, "{:?}", &x[c.clone()]);
    let v = vec![x[r.clone()][0], x[q][1] * 2.0, (&x[b.clone()])[0]];
    let u = vec![x[c][1]; 2];
    v[0] * v[1] + v[2] * u[0] + u[1] * x[r][1]
}

/// Nested `fn` items: their own `r` (an index, a range of another kind) is theirs.
#[differentiable]
fn nested_items(x: &[f64], r: std::ops::RangeFrom<usize>) -> f64 {
    fn count(v: &[usize], r: Range<usize>) -> usize {
        v[r].len()
    }
    fn pick(v: &[usize], r: usize) -> usize {
        v[r]
    }
    let w = &x[r];
    w[0] * count(&[1, 2, 3, 4], 0..2) as f64 + w[1] * pick(&[5, 6], 1) as f64
}

/// Ranges of a tuple `let` and a `const` of a range type in the body; a tuple element that is
/// not a range hides the name.
#[differentiable]
fn tuples_and_consts(x: &[f64]) -> f64 {
    const HEAD: Range<usize> = 0..2;
    let (r, q, k) = (1..3, 3.., 2);
    let a = &x[r];
    let b = &x[q];
    let h = &x[HEAD];
    a[0] * b[b.len() - 1] + h[1] * x[k] + (&x[HEAD])[0]
}

/// Ranges the lowering cannot tell are ranges, bound with their type.
#[differentiable]
fn typed_choices(x: &[f64], c: bool, #[no_grad] s: &Spans) -> f64 {
    let r: Range<usize> = if c { 0..2 } else { 2..4 };
    let q: Range<usize> = s.head.clone();
    let w = &x[r];
    let h = &x[q];
    w[0] * w[1] + h[0].cos() * h[h.len() - 1]
}

pub struct Spans {
    pub head: Range<usize>,
}

/// Loops over ranges held in variables: a parameter, a `let`, an inclusive range, a clone.
#[differentiable(order = 2)]
fn range_loops(x: &[f64], r: Range<usize>, q: RangeInclusive<usize>) -> f64 {
    let mut s = x[0];
    for i in r {
        s *= x[i];
    }
    let t = 2..;
    for i in t.clone() {
        if i >= x.len() {
            break;
        }
        s += x[i].sin();
    }
    for i in q {
        s += x[i] * x[i];
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
    check_jvp_columns(
        "windows_in_loop",
        |x, e| windows_in_loop_jvp(x, e).1,
        &g,
        &X,
    );
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

#[test]
fn exhausted_and_bound_ranges_match_finite_differences() {
    // run to their end, `1..=1` and `2..=2` index nothing
    let mut done = 1..=1;
    done.next();
    let mut r = 0..=1;
    r.next();
    r.next();
    for range in [0..=2, 3..=5, done, r] {
        let want: f64 = X[0] + X[range.clone()].iter().map(|e| e * e).sum::<f64>();
        let g = inclusive_parameter_grad(&X, range.clone());
        assert!((g.0 - want).abs() < 1e-12, "{} vs {want}", g.0);
        check_value_grad(
            "inclusive_parameter",
            |z| inclusive_parameter(z, range.clone()),
            g,
            &X,
        );
    }
    for steps in 0..5 {
        let g = advanced_inclusive_grad(&X, steps);
        check_value_grad(
            "advanced_inclusive",
            |z| advanced_inclusive(z, steps),
            g,
            &X,
        );
    }
    let b = 2..4;
    let g = bindings_and_macros_grad(&X, &b);
    // v = [x1, 2 x2, x2], u = [x3, x3]: f = 2 x1 x2 + x2 x3 + x3 x2
    let want = 2.0 * X[1] * X[2] + 2.0 * X[2] * X[3];
    assert!((g.0 - want).abs() < 1e-12, "{} vs {want}", g.0);
    check_value_grad("bindings_and_macros", |z| bindings_and_macros(z, &b), g, &X);
    // w = x[2..]: f = 2 w0 + 6 w1
    let g = nested_items_grad(&X, 2..);
    assert!((g.0 - (2.0 * X[2] + 6.0 * X[3])).abs() < 1e-12, "{}", g.0);
    check_value_grad("nested_items", |z| nested_items(z, 2..), g, &X);
}

#[test]
fn typed_choices_match_finite_differences() {
    let s = Spans { head: 1..4 };
    for c in [true, false] {
        let g = typed_choices_grad(&X, c, &s);
        let (a, b) = if c { (0, 1) } else { (2, 3) };
        let want = X[a] * X[b] + X[1].cos() * X[3];
        assert!((g.0 - want).abs() < 1e-12, "{} vs {want}", g.0);
        check_value_grad("typed_choices", |z| typed_choices(z, c, &s), g, &X);
    }
}

#[test]
fn range_loops_match_finite_differences() {
    let mut done = 3..=3;
    done.next();
    for (r, q) in [(1..4, 2..=3), (2..2, 0..=5), (0..6, done)] {
        let g = range_loops_grad(&X, r.clone(), q.clone());
        check_value_grad(
            "range_loops",
            |z| range_loops(z, r.clone(), q.clone()),
            g,
            &X,
        );
        let (_, g) = range_loops_grad(&X, r.clone(), q.clone());
        check_jvp_columns(
            "range_loops",
            |x, e| range_loops_jvp(x, r.clone(), q.clone(), e).1,
            &g,
            &X,
        );
        let v = [0.3, -0.2, 0.5, 1.0, -0.7, 0.1];
        let (_, _, hv) = range_loops_hvp(&X, r.clone(), q.clone(), v.to_vec());
        check_hvp(
            "range_loops",
            |z| range_loops_grad(z, r.clone(), q.clone()).1,
            &hv,
            &X,
            &v,
        );
    }
}

#[test]
fn tuples_and_consts_match_finite_differences() {
    let g = tuples_and_consts_grad(&X);
    let want = X[1] * X[5] + X[1] * X[2] + X[0];
    assert!((g.0 - want).abs() < 1e-12, "{} vs {want}", g.0);
    check_value_grad("tuples_and_consts", tuples_and_consts, g, &X);
}
