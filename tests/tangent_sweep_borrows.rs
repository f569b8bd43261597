//! Functions of a few floats take their gradient by tangent sweeps: one companion call per
//! direction, every argument but the last call's cloned. A borrow bound by lowering (`&p[i..]`
//! of a local `Vec`, a row `&g[i]` of a local grid, `let p = &pv[..]`) was cloned with
//! `Clone::clone` inferred from the callee's parameter type (`&[f64]`), which does not coerce a
//! `&Vec<f64>`: such functions were accepted and their expansion did not compile. A shared
//! reference is now copied as it is (`forward.rs`). Covered: ranges of a local in a loop, a
//! range after a loop over the local's iterator, a whole-range borrow and a borrow of the
//! whole local passed on, rows of a local grid, a generic helper, and `_jvp` beside `_grad`.
//! Each gradient against central differences in f64. The `Vec`s are what the fix is about,
//! so clippy's `useless_vec` is allowed.

#![allow(clippy::needless_range_loop, clippy::useless_vec)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::check_value_grad;

#[differentiable]
fn k1(p: &[f64], s: f64) -> f64 {
    p[0] * s + p[p.len() - 1].sin()
}

#[differentiable]
fn ranges_in_a_loop(x: f64, y: f64) -> f64 {
    let p = vec![x, y, x * y];
    let mut a = 0.0;
    for i in 0..2 {
        a += k1(&p[i..], x);
    }
    a
}

#[differentiable]
fn range_after_iterating(x: f64, y: f64) -> f64 {
    let p = vec![x, y, x * y];
    let mut a = 0.0;
    for e in p.iter() {
        a += *e * *e;
    }
    a + k1(&p[1..], y)
}

#[differentiable]
fn whole_range_bound(x: f64, y: f64) -> f64 {
    let pv = vec![x, y.exp(), x * y];
    let p = &pv[..];
    let mut a = 0.0;
    for i in 0..3 {
        a += p[i] * (i as f64 + 1.0);
    }
    a + k1(p, x)
}

#[differentiable]
fn whole_local_bound(x: f64, y: f64) -> f64 {
    let pv = vec![x, y, x * y];
    let p = &pv;
    let mut a = 0.0;
    for i in 0..3 {
        a += p[i];
    }
    a * k1(p, x)
}

#[differentiable]
fn grid_rows(x: f64, y: f64) -> f64 {
    let g = vec![vec![x, y], vec![y, x * y], vec![x.sin(), 2.0]];
    let mut s = 0.0;
    for i in 0..3 {
        s += k1(&g[i], x) * (i as f64 + 0.5);
    }
    s
}

#[differentiable]
fn kg<T: Real>(p: &[T], s: T) -> T {
    p[0] * s + p[1]
}

#[differentiable]
fn generic_ranges<T: Real>(x: T, y: T) -> T {
    let p = vec![x, y, x * y];
    let mut a = T::zero();
    for i in 0..2 {
        a += kg(&p[i..], y);
    }
    a
}

type F2 = fn(f64, f64) -> f64;
type G2 = fn(f64, f64) -> (f64, (f64, f64));

#[test]
fn borrows_passed_to_helpers_in_tangent_sweeps() {
    let cases: [(&str, F2, G2); 6] = [
        ("ranges_in_a_loop", ranges_in_a_loop, ranges_in_a_loop_grad),
        (
            "range_after_iterating",
            range_after_iterating,
            range_after_iterating_grad,
        ),
        (
            "whole_range_bound",
            whole_range_bound,
            whole_range_bound_grad,
        ),
        (
            "whole_local_bound",
            whole_local_bound,
            whole_local_bound_grad,
        ),
        ("grid_rows", grid_rows, grid_rows_grad),
        (
            "generic_ranges",
            generic_ranges::<f64>,
            generic_ranges_grad::<f64>,
        ),
    ];
    for (name, f, g) in cases {
        for &(x, y) in &[(0.3, 0.7), (-0.8, 0.45), (1.1, -0.6)] {
            let (v, (gx, gy)) = g(x, y);
            check_value_grad(name, |p| f(p[0], p[1]), (v, vec![gx, gy]), &[x, y]);
        }
    }
    // forward mode through the same calls: the tangent along (1, 2) is gx + 2 gy
    let (x, y) = (0.3, 0.7);
    let (_, (gx, gy)) = grid_rows_grad(x, y);
    let (_, t) = grid_rows_jvp(x, y, 1.0, 2.0);
    assert!(
        (t - (gx + 2.0 * gy)).abs() < 1e-12,
        "{t} vs {}",
        gx + 2.0 * gy
    );
}
