//! A parameter's adjoint lent to the calls of a loop's trips as cells made once before the
//! loop (`reverse/lent_cells.rs`), in the usual reverse sweep and in a fused loop's `J`.
//! Covered: loops that never run (the adjoint grown early must still be zeros), ranges of the
//! slice that end before it, the whole slice and a range lent in one trip, two slices lent to
//! one call, nested loops (the inner loop's cells taken from the outer's), a slice the trip
//! also reads by element (lent per trip), a branching helper in a fused loop with no trips,
//! a non-finite cotangent reaching a loop that lent nothing, `f32`, and a Hessian-vector
//! product. Every gradient against central differences in f64, or derived in a comment.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check_hvp, check_value_grad, pair_check, sines, split, to32};

/// Row `k` of the table, weighted by `x` and `x²`.
#[differentiable]
fn lookup(table: &[f64], k: usize, x: f64) -> f64 {
    table[k] * x + table[k + 1] * x * x
}

#[differentiable]
fn lookup_fit(table: &[f64], xs: &[f64], #[no_grad] ks: &[usize], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = lookup(table, ks[i], xs[i]) - y[i];
        l += e * e;
    }
    l
}

fn rows(n: usize, m: usize) -> Vec<usize> {
    (0..n).map(|i| (i * 7 + 3) % (m - 1)).collect()
}

#[test]
fn lookups_at_data_dependent_rows() {
    let table = sines(12, 0.6);
    let xs = sines(25, 0.9);
    let (ks, y) = (rows(25, 12), sines(25, 0.3));
    let r = lookup_fit_grad(&table, &xs, &ks, &y);
    pair_check(
        "lookup_fit",
        |t, x| lookup_fit(t, x, &ks, &y),
        r,
        &table,
        &xs,
    );
}

#[test]
fn a_loop_that_never_runs_gives_zeros_of_the_slices_length() {
    // the cells are made (the adjoint grown) before the loop; with no trip nothing is added
    let table = sines(6, 0.6);
    let (v, (gt, gx)) = lookup_fit_grad(&table, &[], &[], &[]);
    assert!(v.abs() < 1e-15);
    assert_eq!(gt.len(), 6);
    assert!(gt.iter().all(|g| g.abs() < 1e-15), "{gt:?}");
    assert!(gx.is_empty());
}

/// The sum of a window of the table.
#[differentiable]
fn window_sum(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s += w[j] * x;
    }
    s
}

/// Each trip lends a range that ends before the table (`&t[a..a + 3]`) and the whole table.
#[differentiable]
fn ranges_and_whole(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let a = i % (t.len() - 3);
        let u = window_sum(&t[a..a + 3], xs[i]);
        l += u * u + 0.5 * window_sum(t, xs[i] * xs[i]);
    }
    l
}

#[test]
fn ranges_ending_before_the_slice_and_the_whole_slice_in_one_trip() {
    let t = sines(9, 0.7);
    let xs = sines(14, 0.8);
    let r = ranges_and_whole_grad(&t, &xs);
    pair_check("ranges_and_whole", ranges_and_whole, r, &t, &xs);
}

/// Two slices lent to one call.
#[differentiable]
fn blend(a: &[f64], b: &[f64], k: usize, x: f64) -> f64 {
    a[k] * x.sin() + b[k] * b[k + 1] * x
}

#[differentiable]
fn blend_fit(a: &[f64], b: &[f64], #[no_grad] xs: &[f64], #[no_grad] ks: &[usize]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = blend(a, b, ks[i], xs[i]) - 0.1;
        l += e * e;
    }
    l
}

#[test]
fn two_slices_lent_to_one_call() {
    let (a, b) = (sines(7, 0.9), sines(8, 0.5));
    let xs = sines(20, 1.3);
    let ks = rows(20, 7);
    let r = blend_fit_grad(&a, &b, &xs, &ks);
    pair_check("blend_fit", |a, b| blend_fit(a, b, &xs, &ks), r, &a, &b);
}

/// An outer loop around the lending loop; the inner loop runs no trip when `r == 0`.
#[differentiable]
fn nested(table: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for r in 0..4 {
        for i in 0..r * xs.len() / 3 {
            let k = (i + r) % (table.len() - 1);
            l += lookup(table, k, xs[i % xs.len()]) * (r as f64 + 0.5);
        }
    }
    l
}

#[test]
fn nested_loops_take_the_outer_loops_cells() {
    let table = sines(10, 0.6);
    let xs = sines(9, 0.8);
    let r = nested_grad(&table, &xs);
    pair_check("nested", nested, r, &table, &xs);
}

/// The trip reads `table[i]` itself beside the call: its adjoint is lent per trip.
#[differentiable]
fn read_and_lent(table: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let k = i % (table.len() - 1);
        l += lookup(table, k, xs[i]) * table[k + 1];
    }
    l
}

#[test]
fn a_slice_also_read_by_element() {
    let table = sines(6, 0.9);
    let xs = sines(11, 0.7);
    let r = read_and_lent_grad(&table, &xs);
    pair_check("read_and_lent", read_and_lent, r, &table, &xs);
}

/// A branching helper on the whole slice: the loop takes the fused form, whose `J` is lent.
#[differentiable]
fn clipped(theta: &[f64], x: f64) -> f64 {
    let r = theta[0] + theta[1] * x;
    if r.abs() < 1.0 {
        0.5 * r * r
    } else {
        r.abs() - 0.5
    }
}

#[differentiable]
fn clipped_fit(theta: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += clipped(theta, xs[i]);
    }
    l
}

#[test]
fn a_fused_loop_lends_its_slice_once_with_and_without_trips() {
    let theta = vec![0.3, -1.7];
    // points on both sides of the branch (|r| < 1 and |r| >= 1)
    let xs = sines(16, 1.5);
    let (v, g) = clipped_fit_grad(&theta, &xs);
    check_value_grad("clipped_fit", |t| clipped_fit(t, &xs), (v, g), &theta);
    // no trip: nothing added, the gradient zeros of `theta`'s length
    let (v, g) = clipped_fit_grad(&theta, &[]);
    assert!(v.abs() < 1e-15);
    assert_eq!(g.len(), 2);
    assert!(g.iter().all(|x| x.abs() < 1e-15), "{g:?}");
}

/// `s · big + theta[0]` with `s` the sum of a fused loop lending `theta` (its `J`).
#[differentiable]
fn scaled_after(theta: &[f64], #[no_grad] xs: &[f64], #[no_grad] big: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        s += clipped(theta, xs[i]);
    }
    s * big + theta[0]
}

#[test]
fn a_non_finite_cotangent_reaching_a_loop_that_lent_nothing() {
    // no trips: s = 0, f = 0·∞ + t0 (NaN). The loop's `J` is zeros of `theta`'s length, made
    // before it, and scaled by ds = ∞: IEEE products give ∞·0 = NaN there, so the sweep falls
    // back to the zero rule, under which ∂f/∂t = (1, 0), as with no `J` at all
    let theta = vec![0.4, -0.2];
    let (v, g) = scaled_after_grad(&theta, &[], f64::INFINITY);
    assert!(v.is_nan(), "{v}");
    assert_eq!(g.len(), 2);
    assert!((g[0] - 1.0).abs() < 1e-15 && g[1].abs() < 1e-15, "{g:?}");
    // with trips and a finite scale, against differences
    let xs = sines(7, 1.5);
    let r = scaled_after_grad(&theta, &xs, 2.5);
    check_value_grad("scaled_after", |t| scaled_after(t, &xs, 2.5), r, &theta);
}

/// [`lookup`] and [`lookup_fit`] in `f32`.
#[differentiable]
fn lookup32(table: &[f32], k: usize, x: f32) -> f32 {
    table[k] * x + table[k + 1] * x * x
}

#[differentiable]
fn lookup_fit32(table: &[f32], xs: &[f32], #[no_grad] ks: &[usize]) -> f32 {
    let mut l = 0.0f32;
    for i in 0..xs.len() {
        let e = lookup32(table, ks[i], xs[i]) - 0.2;
        l += e * e;
    }
    l
}

#[test]
fn single_precision_agrees_with_double() {
    let table = sines(8, 0.6);
    let xs = sines(15, 0.9);
    let ks = rows(15, 8);
    let y = vec![0.2; 15];
    let (_, (gt, gx)) = lookup_fit_grad(&table, &xs, &ks, &y);
    let all = [table.clone(), xs.clone()].concat();
    check_value_grad(
        "lookup_fit (f64 reference)",
        |p| {
            let (t, x) = split(p, 8);
            lookup_fit(&t, &x, &ks, &y)
        },
        (
            lookup_fit(&table, &xs, &ks, &y),
            [gt.clone(), gx.clone()].concat(),
        ),
        &all,
    );
    let (_, (gt32, gx32)) = lookup_fit32_grad(&to32(&table), &to32(&xs), &ks);
    agree("lookup_fit32 table", &gt, &gt32, 1e-4);
    agree("lookup_fit32 xs", &gx, &gx32, 1e-4);
}

/// [`lookup`] with second order, and a loop lending the table.
#[differentiable(order = 2)]
fn lookup2(table: &[f64], k: usize, x: f64) -> f64 {
    table[k] * x * x + table[k + 1] * x.sin()
}

#[differentiable(order = 2)]
fn lookups2(table: &[f64], #[no_grad] xs: &[f64], #[no_grad] ks: &[usize]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = lookup2(table, ks[i], xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn hessian_vector_product_through_the_lending_loop() {
    let table = sines(7, 0.8);
    let xs = sines(12, 1.1);
    let ks = rows(12, 7);
    let dir = sines(7, 0.5);
    let (_, _, hv) = lookups2_hvp(&table, &xs, &ks, dir.clone());
    check_hvp(
        "lookups2",
        |t| lookups2_grad(t, &xs, &ks).1,
        &hv,
        &table,
        &dir,
    );
}
